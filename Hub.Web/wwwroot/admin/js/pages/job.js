// One job: live progress, what happened (the event timeline), the error with its kind, Retry/Cancel, for a
// duplicate the entry that was already there, and for a parent (an archive, a multi-file torrent, a playlist) the job
// of each file in it, each with its own Open.
import { el, api, stateBadge, stateName, doorName, timeEl, libraryName, errorBox, pageHeader, fmtBytes, TERMINAL } from '../core.js';
import { follow } from '../live.js';
import { progressText, jobActions, isDuplicate, jobCard } from '../jobview.js';

const PARTS_REFRESH_MS = 3000;

export async function render(main, id) {
  const head = el('div');
  const timeline = el('ol', { class: 'timeline' });
  const parts = el('div', { class: 'job-list', id: 'job-parts' });
  const partsSection = el('section', { 'aria-labelledby': 'h-parts', hidden: '' }, el('h2', { id: 'h-parts' }, 'Files in it'), parts);
  main.append(el('p', {}, el('a', { href: '#jobs' }, '← All jobs')), head, partsSection,
    el('section', { 'aria-labelledby': 'h-history' }, el('h2', { id: 'h-history' }, 'What happened'), timeline));

  let job;
  const draw = () => {
    const pct = Math.max(0, Math.min(100, job.progress || 0));
    const running = !TERMINAL.includes(job.state);
    head.replaceChildren(pageHeader(job.title || job.source || job.kind),
      el('div', { class: 'panel job-detail', 'data-state': job.state },
        el('p', {}, stateBadge(job.state), running ? ` ${pct.toFixed(0)}%` : ''),
        running ? el('progress', { max: '100', value: String(pct), 'aria-label': 'Progress' }) : '',
        el('p', { class: 'job-numbers' }, progressText(job)),
        isDuplicate(job) ? el('p', { class: 'notice' }, 'This was already in the library, so nothing new was downloaded. ',
          el('a', { href: `#entry/${job.entryId}` }, 'Already in the library: open it')) : '',
        job.error ? el('div', { class: 'error-box', role: 'alert' }, el('p', {}, el('strong', {}, job.errorKind ? `${job.errorKind}: ` : 'Error: '), job.error),
          el('p', {}, job.state === 'failed' ? 'Retry puts it back in line; if it fails the same way, the link or the site may need attention.' : '')) : '',
        el('dl', { class: 'facts' },
          fact('Source', job.source ? el('span', { class: 'remote break' }, job.source) : '–'),
          fact('From', doorName(job.door)), fact('Library', libraryName(job.libraryId) || '–'),
          fact('Mode', job.mode === 'review' ? 'Review in the inbox first' : 'File it at once'), fact('Format', job.format || 'library default'),
          fact('Attempt', String(job.attempt)), fact('Created', timeEl(job.createdAt)), fact('Updated', timeEl(job.updatedAt)),
          job.finishedAt ? fact('Finished', timeEl(job.finishedAt)) : '',
          job.bytesTotal ? fact('Size', fmtBytes(job.bytesTotal)) : ''),
        el('div', { class: 'job-actions' }, ...jobActions(job, reload))));
  };
  const drawEvents = (events) => timeline.replaceChildren(...events.map((e) => el('li', { class: `ev ev-${e.kind}` },
    timeEl(e.at), ' ', el('strong', {}, e.toState ? stateName(e.toState) : e.kind.replaceAll('_', ' ')), e.message ? ` — ${e.message}` : '')));
  let partsAt = 0;
  async function loadParts() {
    partsAt = Date.now();
    const page = await api(`/jobs?parent=${id}&limit=200`);
    const items = [...page.items].sort((a, b) => (a.title || a.source || '').localeCompare(b.title || b.source || ''));
    parts.replaceChildren(...items.map((j) => jobCard(j, reload)));
    partsSection.hidden = items.length === 0;
  }
  async function reload() {
    try {
      [job] = await Promise.all([api(`/jobs/${id}`), api(`/jobs/${id}/events`).then(drawEvents), loadParts()]);
      draw();
    } catch (e) { head.replaceChildren(errorBox(e, reload)); }
  }
  await reload();
  if (!job || TERMINAL.includes(job.state)) return null;
  return follow(`/jobs/${id}/stream`, (event, update) => {
    job = update; draw();
    if (event === 'end') {
      api(`/jobs/${id}/events`).then(drawEvents).catch(() => {});
      loadParts().catch(() => {});
    } else if (Date.now() - partsAt > PARTS_REFRESH_MS) {
      loadParts().catch(() => {});
    }
  }, { onResync: reload, closesAtEnd: true });
}

const fact = (k, v) => el('div', {}, el('dt', {}, k), el('dd', {}, v));
