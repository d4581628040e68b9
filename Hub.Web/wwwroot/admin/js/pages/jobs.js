// Jobs: filters (state, door, library, words), system jobs hidden unless asked, pages of 25, and live updates.
import { el, api, post, act, state, stateName, doorName, empty, errorBox, debounce, pageHeader } from '../core.js';
import { follow } from '../live.js';
import { jobCard } from '../jobview.js';

const STATE_GROUPS = { '': 'Any state', 'queued,probing,downloading,processing,stalled,retrying': 'Active', awaiting_review: stateName('awaiting_review'),
  completed: stateName('completed'), failed: stateName('failed'), cancelled: stateName('cancelled') };
const DOORS = ['', 'web', 'api', 'telegram', 'extension', 'mcp', 'cli'];

export async function render(main) {
  const f = { state: '', door: '', library: '', q: '', system: false };
  const select = (id, label, options, key) => el('label', { class: 'field' }, el('span', {}, label),
    el('select', { id, onchange: (e) => { f[key] = e.target.value; load(); } }, ...options.map(([v, t]) => el('option', { value: v }, t))));
  const list = el('div', { class: 'job-list', id: 'job-list' });
  const more = el('button', { type: 'button', class: 'secondary', hidden: true, onclick: () => load(true) }, 'Show older jobs');
  // Bulk: every failed or cancelled job on screen back in line, one request each (the API retries one job at a time).
  const retryAll = el('button', { type: 'button', id: 'retry-all', class: 'secondary', hidden: true, onclick: (e) => act(e.currentTarget, async () => {
    const failed = [...shown.values()].filter((j) => j.state === 'failed' || j.state === 'cancelled');
    const results = await Promise.allSettled(failed.map((j) => post(`/jobs/${j.id}/retry`)));
    await load();
    return results;
  }, 'Failed jobs are back in line') }, 'Retry all failed');
  main.append(pageHeader('Jobs', retryAll),
    el('form', { class: 'filters', role: 'search', onsubmit: (e) => e.preventDefault() },
      el('label', { class: 'field grow' }, el('span', {}, 'Search'),
        el('input', { type: 'search', id: 'job-q', placeholder: 'title, link or error', oninput: debounce((e) => { f.q = e.target.value; load(); }) })),
      select('job-state', 'State', Object.entries(STATE_GROUPS), 'state'),
      select('job-door', 'From', DOORS.map((d) => [d, d ? doorName(d) : 'Anywhere']), 'door'),
      select('job-library', 'Library', [['', 'Any library'], ...state.libraries.map((l) => [l.slug, l.name])], 'library'),
      el('label', { class: 'check' }, el('input', { type: 'checkbox', id: 'job-system', onchange: (e) => { f.system = e.target.checked; load(); } }),
        ' Show Hub\'s own jobs (housekeeping, scans)')),
    list, more);

  let cursor = null;
  const shown = new Map();
  const matches = (j) => (f.system || !j.system) && (!f.state || f.state.split(',').includes(j.state)) && (!f.door || j.door === f.door)
    && (!f.library || state.libraries.find((l) => l.slug === f.library)?.id === j.libraryId)
    && (!f.q || f.q.toLowerCase().split(/\s+/).every((w) => `${j.title} ${j.source} ${j.error}`.toLowerCase().includes(w)));

  async function load(older = false) {
    const query = new URLSearchParams({ limit: '25' });
    for (const k of ['state', 'door', 'library', 'q']) if (f[k]) query.set(k, f[k]);
    if (f.system) query.set('system', 'true');
    if (older && cursor) query.set('cursor', cursor);
    try {
      const page = await api(`/jobs?${query}`);
      if (!older) { shown.clear(); list.replaceChildren(); }
      for (const j of page.items) { shown.set(j.id, j); list.append(jobCard(j, () => load())); }
      cursor = page.nextCursor;
      more.hidden = !cursor;
      retryAll.hidden = ![...shown.values()].some((j) => j.state === 'failed' || j.state === 'cancelled');
      if (!shown.size) list.replaceChildren(f.q || f.state || f.door || f.library
        ? empty('No job matches these filters.', 'Clear the search or choose "Any state".')
        : empty('No jobs yet.', 'Start one from the Import page; it shows up here with live progress.'));
    } catch (e) { list.replaceChildren(errorBox(e, () => load())); }
  }

  // Live: update cards in place; a new matching job goes on top.
  const onEvent = (event, job) => {
    const old = list.querySelector(`[data-job="${CSS.escape(job.id)}"]`);
    if (old) { old.replaceWith(jobCard(job, () => load())); shown.set(job.id, job); return; }
    if (!matches(job)) return;
    list.querySelector('.empty')?.remove();
    shown.set(job.id, job);
    list.prepend(jobCard(job, () => load()));
  };
  await load();
  return follow('/jobs/stream', onEvent, { onResync: () => load() });
}
