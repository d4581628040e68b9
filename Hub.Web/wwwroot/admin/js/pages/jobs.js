// Jobs: filters (state, door, library, words), system jobs hidden unless asked, pages of 25, and live updates; for
// admins, finished jobs can be ticked and deleted (the records only: what they imported stays), or cleared in bulk.
import { el, api, post, act, state, stateName, doorName, empty, errorBox, debounce, pageHeader, toast, TERMINAL } from '../core.js';
import { follow } from '../live.js';
import { jobCard } from '../jobview.js';

const STATE_GROUPS = { '': 'Any state', 'queued,probing,downloading,processing,stalled,retrying': 'Active', awaiting_review: stateName('awaiting_review'),
  completed: stateName('completed'), failed: stateName('failed'), cancelled: stateName('cancelled') };
const DOORS = ['', 'web', 'api', 'bot', 'extension', 'mcp', 'cli']; // Doors.All: the values the API filters by

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
  const admin = state.me.role === 'admin';
  const selected = () => [...list.querySelectorAll('input[data-select]:checked')].map((c) => c.closest('[data-job]').dataset.job);
  // One request: the ids ticked (all or nothing), or every job in these states (families still running are skipped).
  const remove = (body, ask) => (e) => {
    if (!confirm(ask())) return;
    act(e.currentTarget, async () => {
      const r = await post('/jobs/delete', { ...body(), system: f.system });
      await load();
      return r;
    }).then((r) => r && toastDeleted(r));
  };
  const deleteSelected = el('button', { type: 'button', id: 'jobs-delete-selected', class: 'secondary', disabled: true,
    onclick: remove(() => ({ ids: selected() }), () => `Delete ${selected().length} finished jobs from the list? What they imported stays in the library.`) },
  'Delete selected');
  const deleteFailed = el('button', { type: 'button', id: 'jobs-delete-failed', class: 'secondary',
    onclick: remove(() => ({ states: ['failed'] }), () => 'Delete every failed job from the list?') }, 'Delete all failed');
  const clearFinished = el('button', { type: 'button', id: 'jobs-clear-finished', class: 'secondary',
    onclick: remove(() => ({ states: TERMINAL }), () => 'Delete every finished job (done, failed, cancelled) from the list? What they imported stays in the library.') },
  'Clear finished');
  const syncBulk = () => {
    const n = selected().length;
    deleteSelected.disabled = n === 0;
    deleteSelected.textContent = n ? `Delete ${n} selected` : 'Delete selected';
  };
  const card = (j) => {
    const c = jobCard(j, () => load());
    if (admin && TERMINAL.includes(j.state)) c.querySelector('.job-main').prepend(el('label', { class: 'check card-select' },
      el('input', { type: 'checkbox', 'data-select': '', onchange: syncBulk }), el('span', { class: 'sr' }, `Select ${j.title || j.source || j.kind}`)));
    return c;
  };
  main.append(pageHeader('Jobs', retryAll, ...(admin ? [deleteSelected, deleteFailed, clearFinished] : [])),
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

  // A page of jobs can answer after live events about the same jobs (a resync, a filter changed while jobs run): what
  // an event brought during the load is newer than the page and wins, and only the newest load draws.
  let generation = 0;
  let heard = null; // job id → the newest version an event brought while the current load ran
  const newest = (j) => { const e = heard?.get(j.id); return e && Date.parse(e.updatedAt) > Date.parse(j.updatedAt) ? e : j; };

  async function load(older = false) {
    const query = new URLSearchParams({ limit: '25' });
    for (const k of ['state', 'door', 'library', 'q']) if (f[k]) query.set(k, f[k]);
    if (f.system) query.set('system', 'true');
    if (older && cursor) query.set('cursor', cursor);
    const mine = ++generation;
    heard = new Map();
    try {
      const page = await api(`/jobs?${query}`);
      if (mine !== generation) return;
      if (!older) {
        shown.clear(); list.replaceChildren();
        // Jobs first heard of while the page was on its way (newer than it) go on top, as they would have.
        const fresh = [...heard.values()].filter((j) => matches(j) && !page.items.some((i) => i.id === j.id));
        for (const j of fresh.reverse()) { shown.set(j.id, j); list.append(card(j)); }
      }
      for (const j of page.items.map(newest)) { if (!shown.has(j.id)) { shown.set(j.id, j); list.append(card(j)); } }
      cursor = page.nextCursor;
      more.hidden = !cursor;
      retryAll.hidden = ![...shown.values()].some((j) => j.state === 'failed' || j.state === 'cancelled');
      syncBulk();
      if (!shown.size) list.replaceChildren(f.q || f.state || f.door || f.library
        ? empty('No job matches these filters.', 'Clear the search or choose "Any state".')
        : empty('No jobs yet.', 'Start one from the Import page; it shows up here with live progress.'));
    } catch (e) { if (mine === generation) list.replaceChildren(errorBox(e, () => load())); } finally { if (mine === generation) heard = null; }
  }

  // Live: update cards in place; a new matching job goes on top.
  const onEvent = (event, job) => {
    if (heard) heard.set(job.id, job);
    const old = list.querySelector(`[data-job="${CSS.escape(job.id)}"]`);
    if (old) {
      const ticked = old.querySelector('input[data-select]')?.checked;
      const fresh = card(job);
      if (ticked && fresh.querySelector('input[data-select]')) fresh.querySelector('input[data-select]').checked = true;
      old.replaceWith(fresh); shown.set(job.id, job); syncBulk(); return;
    }
    if (!matches(job)) return;
    list.querySelector('.empty')?.remove();
    shown.set(job.id, job);
    list.prepend(card(job));
  };
  await load();
  return follow('/jobs/stream', onEvent, { onResync: () => load() });
}

/** What a delete did, in words: how many went, and how many were left because they still run. */
function toastDeleted(r) {
  const left = r.active.length ? `; ${r.active.length} still running, left alone` : '';
  toast(`${r.deleted.length} ${r.deleted.length === 1 ? 'job' : 'jobs'} deleted${left}`);
}
