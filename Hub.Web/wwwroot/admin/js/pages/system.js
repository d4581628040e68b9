// System: Hub's version, the health of the database and the tools (with the yt-dlp update button), storage and the
// queue's figures. It reads /api/v1/info, /health/ready and /api/v1/stats.
import { el, api, post, act, toast, fmtBytes, stateName, errorBox, pageHeader } from '../core.js';

const LABELS = { database: 'Database', tools: 'ffmpeg, ffprobe and aria2', 'yt-dlp': 'yt-dlp' };

export async function render(main) {
  main.append(pageHeader('System'));
  const [info, health, stats] = await Promise.allSettled([api('/info'), fetch('/health/ready').then((r) => r.json()), api('/stats')]);
  const cards = el('div', { class: 'cards' });
  main.append(cards);
  if (info.value) cards.append(card('Hub', 'Healthy', [['Version', info.value.version], ['API', `v${info.value.apiVersion}`]]));
  if (health.value?.checks) {
    for (const [name, c] of Object.entries(health.value.checks)) {
      const facts = Object.entries(c.data || {}).map(([k, v]) => [k, typeof v === 'object' ? JSON.stringify(v) : String(v)]);
      const extra = name === 'yt-dlp' ? [c.description ? el('p', { class: 'muted' }, c.description) : '',
        el('button', { type: 'button', class: 'secondary', onclick: async (e) => {
          const r = await act(e.currentTarget, () => post('/tools/yt-dlp/update'));
          if (r) toast(r.message);
        } }, 'Update yt-dlp')] : [];
      cards.append(card(LABELS[name] || name, c.status, facts, extra));
    }
  } else cards.append(errorBox(health.reason ?? new Error('The health report could not be read; try again in a moment.')));
  if (stats.value?.storage) {
    const s = stats.value.storage;
    cards.append(card('Storage', 'Healthy', [['Media', fmtBytes(s.entriesBytes)], ['Free', fmtBytes(s.freeBytes)], ['Disk', fmtBytes(s.totalBytes)],
      ...(s.mediaDir ? [['Folder', s.mediaDir]] : [])]));
    cards.append(card('Jobs', 'Healthy', Object.entries(stats.value.jobsByState ?? {}).map(([k, v]) => [stateName(k), String(v)])));
  }
  return null;
}

function card(title, status, facts, extra = []) {
  const ok = status === 'Healthy';
  return el('article', { class: 'panel card' },
    el('h2', {}, title, ' ', el('span', { class: `badge ${ok ? 'st-completed' : status === 'Degraded' ? 'st-awaiting_review' : 'st-failed'}` }, ok ? 'OK' : status)),
    el('dl', { class: 'facts one' }, ...facts.map(([k, v]) => el('div', {}, el('dt', {}, k), el('dd', { class: 'break' }, v)))), ...extra);
}
