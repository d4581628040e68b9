// System: Hub's version, the health of the database and the tools (with the yt-dlp update button), storage and the
// queue's figures, uptime, disk per folder, and the recent errors (with the ids callers were given) and failed jobs.
// It reads /api/v1/info, /health/ready, /api/v1/stats and /api/v1/system.
import { el, api, post, act, toast, fmtBytes, stateName, timeEl, errorBox, empty, pageHeader } from '../core.js';

const LABELS = { database: 'Database', tools: 'ffmpeg, ffprobe and aria2', 'yt-dlp': 'yt-dlp' };

export async function render(main) {
  main.append(pageHeader('System'));
  const [info, health, stats, sys] = await Promise.allSettled([api('/info'), fetch('/health/ready').then((r) => r.json()), api('/stats'), api('/system')]);
  const cards = el('div', { class: 'cards' });
  main.append(cards);
  if (info.value) cards.append(card('Hub', 'Healthy', [['Version', info.value.version], ['API', `v${info.value.apiVersion}`],
    ...(sys.value ? [['Up for', el('span', { id: 'uptime' }, uptime(sys.value.uptimeSeconds))], ['Started', timeEl(sys.value.startedAt)]] : [])]));
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
  if (sys.value) {
    const s = sys.value;
    main.append(
      el('section', { 'aria-labelledby': 'h-folders' }, el('h2', { id: 'h-folders' }, 'Disk space per folder'),
        el('ul', { class: 'panel log-list', id: 'system-folders' }, ...s.folders.map((f) => el('li', {},
          el('strong', {}, f.name), ' ', el('code', { class: 'break' }, f.path), el('br'),
          el('span', { class: 'muted' }, [f.usedBytes != null ? `entries ${fmtBytes(f.usedBytes)}` : '',
            f.freeBytes != null ? `${fmtBytes(f.freeBytes)} free of ${fmtBytes(f.totalBytes)}` : 'disk unknown'].filter(Boolean).join(' · ')))))),
      el('section', { 'aria-labelledby': 'h-errors' }, el('h2', { id: 'h-errors' }, 'Recent errors'),
        s.recentErrors.length ? el('ul', { class: 'panel log-list', id: 'system-errors' }, ...s.recentErrors.map((e) => el('li', { 'data-error': e.errorId },
          timeEl(e.at), ' ', el('code', {}, e.errorId), ' ', el('span', {}, `${e.method} ${e.route}`), el('br'),
          el('span', { class: 'muted break' }, `${e.kind}: ${e.message}`))))
          : empty('No unexpected errors since Hub started.', 'When a page says "Error id: …", that id shows up here with what went wrong.')),
      el('section', { 'aria-labelledby': 'h-failed' }, el('h2', { id: 'h-failed' }, 'Recently failed jobs'),
        s.recentFailures.length ? el('ul', { class: 'panel log-list', id: 'system-failures' }, ...s.recentFailures.map((j) => el('li', {},
          timeEl(j.at), ' ', el('a', { class: 'remote', href: `#job/${j.id}` }, j.title || j.source || j.id), el('br'),
          el('span', { class: 'muted break' }, `${j.errorKind ? j.errorKind + ': ' : ''}${j.error ?? ''}`))))
          : empty('No job has failed.', 'Failed imports show here with their error; retry them from the Jobs page.')));
  } else if (sys.reason) main.append(errorBox(sys.reason));
  return null;
}

function uptime(s) {
  const d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60);
  return d ? `${d} d ${h} h` : h ? `${h} h ${m} min` : `${m} min`;
}

function card(title, status, facts, extra = []) {
  const ok = status === 'Healthy';
  return el('article', { class: 'panel card' },
    el('h2', {}, title, ' ', el('span', { class: `badge ${ok ? 'st-completed' : status === 'Degraded' ? 'st-awaiting_review' : 'st-failed'}` }, ok ? 'OK' : status)),
    el('dl', { class: 'facts one' }, ...facts.map(([k, v]) => el('div', {}, el('dt', {}, k), el('dd', { class: 'break' }, v)))), ...extra);
}
