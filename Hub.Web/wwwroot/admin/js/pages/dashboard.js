// Dashboard: what is running now (live), recent imports, the inbox, storage and the charts of the stats API.
import { el, api, state, fmtBytes, thumb, timeEl, empty, errorBox, pageHeader, TERMINAL } from '../core.js';
import { follow } from '../live.js';
import { jobCard } from '../jobview.js';
import { barChart, shareChart, lastDays } from '../charts.js';

export async function render(main) {
  const active = el('div', { class: 'job-list', id: 'active-jobs' });
  const figures = el('div', { class: 'figures' });
  const recent = el('div', { class: 'grid' });
  const charts = el('div', { class: 'charts' });
  main.append(pageHeader('Dashboard', el('a', { class: 'button', href: '#import' }, 'Import')),
    figures,
    el('section', { 'aria-labelledby': 'h-active' }, el('h2', { id: 'h-active' }, 'Running now'), active),
    el('section', { 'aria-labelledby': 'h-recent' }, el('h2', { id: 'h-recent' }, 'Recently added'), recent),
    el('section', { 'aria-labelledby': 'h-charts' }, el('h2', { id: 'h-charts' }, 'Statistics'), charts,
      el('p', {}, el('a', { href: '#stats' }, 'More statistics, over any range'))));

  const jobs = new Map();
  const drawActive = () => {
    const list = [...jobs.values()].filter((j) => !TERMINAL.includes(j.state) && !j.system)
      .sort((a, b) => new Date(b.updatedAt) - new Date(a.updatedAt));
    active.replaceChildren(...(list.length ? list.map((j) => jobCard(j, resync))
      : [empty('Nothing is running.', 'Imports you start appear here with their progress, speed and time left.')]));
  };
  // A resync's page can answer after events about the same jobs: what an event brought meanwhile is newer and stays.
  let heard = null;
  const resync = async () => {
    const mine = heard = new Map();
    try {
      const page = await api('/jobs?limit=50&state=queued,probing,downloading,processing,stalled,retrying');
      if (heard !== mine) return; // a later resync draws
      jobs.clear();
      for (const j of page.items) jobs.set(j.id, j);
      for (const [id, j] of mine) if (!jobs.has(id) || Date.parse(j.updatedAt) > Date.parse(jobs.get(id).updatedAt)) jobs.set(id, j);
      drawActive();
    } catch (e) { if (heard === mine) active.replaceChildren(errorBox(e, resync)); } finally { if (heard === mine) heard = null; }
  };

  const [stats, entries, inbox, downloads] = await Promise.allSettled([api('/stats'), api('/entries?limit=8&sort=newest'),
    state.me.role === 'admin' ? api('/inbox') : Promise.resolve(null), api('/stats/downloads')]);
  const s = stats.value;
  const storage = s?.storage;
  figures.append(
    figure('Entries', s ? String(s.entries) : '–', '#library'),
    figure('Stored', s ? fmtBytes(s.bytes) : '–'),
    figure('Disk free', storage?.freeBytes != null ? `${fmtBytes(storage.freeBytes)} of ${fmtBytes(storage.totalBytes)}` : '–'),
    ...(inbox.value ? [figure('Waiting for approval', String(inbox.value.length), '#inbox')] : []));
  if (stats.status === 'rejected') figures.append(errorBox(stats.reason));

  const items = entries.value?.items ?? [];
  recent.replaceChildren(...(items.length ? items.map((e) => el('a', { class: 'tile', href: `#entry/${e.id}` },
    thumb(e.thumbnailUrl, '', e.mediaKind), el('span', { class: 'tile-title remote' }, e.title), el('span', { class: 'muted' }, timeEl(e.createdAt))))
    : [empty('The library is empty.', 'Import a link from the Import page, the browser extension or the Telegram bot.')]));

  if (s) {
    charts.append(
      barChart('Imports per day (30 days)', lastDays(s.importsPerDay, 30, (d) => d.count), { id: 'imports' }),
      barChart('Bytes imported per day', lastDays(s.importsPerDay, 30, (d) => d.bytes), { format: fmtBytes, id: 'imported-bytes' }),
      ...(downloads.value ? [barChart('Bytes streamed and downloaded per day', lastDays(downloads.value.perDay, 30, (d) => d.bytes), { format: fmtBytes, id: 'streamed' })] : []),
      shareChart('Entries by library', s.byLibrary.map((r) => ({ label: r.key, value: r.entries })), { id: 'by-library' }),
      shareChart('Entries by platform', s.byPlatform.map((r) => ({ label: r.key, value: r.entries })), { id: 'by-platform' }),
      shareChart('Storage by format', s.byContainer.map((r) => ({ label: r.key, value: r.bytes })), { format: fmtBytes, id: 'by-format' }));
  }

  await resync();
  return follow('/jobs/stream', (event, job) => { heard?.set(job.id, job); jobs.set(job.id, job); drawActive(); }, { onResync: resync });
}

function figure(label, value, href) {
  const body = [el('span', { class: 'figure-value' }, value), el('span', { class: 'figure-label' }, label)];
  return href ? el('a', { class: 'figure', href }, ...body) : el('div', { class: 'figure' }, ...body);
}
