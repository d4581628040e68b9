// Inbox: imports waiting for a person (approve into a library, the suggested one selected, or reject), and the files
// the scanner found but could not match (resolve with a title, or ignore), with "Scan now" per library.
import { el, api, post, state, act, TERMINAL, stateName, fmtBytes, fmtDuration, timeEl, libraryName, empty, errorBox, pageHeader } from '../core.js';

export async function render(main) {
  const items = el('div', { class: 'cards', id: 'inbox-items' });
  // Bulk: tick cards (or all), then approve each into the library its card shows, or reject them all.
  const selected = () => [...items.querySelectorAll('input[data-select]:checked')].map((c) => c.closest('[data-job]'));
  const selectAll = el('input', { type: 'checkbox', id: 'inbox-select-all', onchange: (e) => {
    for (const c of items.querySelectorAll('input[data-select]')) c.checked = e.target.checked;
    syncBulk();
  } });
  const bulk = (verb, done) => (e) => act(e.currentTarget, async () => {
    const cards = selected();
    const results = await Promise.allSettled(cards.map((card) => post(`/inbox/${card.dataset.job}/${verb}`,
      verb === 'approve' ? { library: card.querySelector('select').value } : {})));
    const failed = results.filter((x) => x.status === 'rejected');
    await loadInbox();
    if (failed.length) throw new Error(`${cards.length - failed.length} ${done}, ${failed.length} not: ${failed[0].reason.message}`);
    return results;
  }, `${selected().length} ${done}`);
  const approveSelected = el('button', { type: 'button', id: 'inbox-approve-selected', disabled: true, onclick: bulk('approve', 'approved') }, 'Approve selected');
  const rejectSelected = el('button', { type: 'button', id: 'inbox-reject-selected', class: 'secondary', disabled: true, onclick: bulk('reject', 'rejected') }, 'Reject selected');
  const bulkBar = el('div', { class: 'row-form', id: 'inbox-bulk', hidden: true },
    el('label', { class: 'check' }, selectAll, ' Select all'), approveSelected, rejectSelected);
  function syncBulk() {
    const n = selected().length, all = items.querySelectorAll('input[data-select]').length;
    approveSelected.disabled = rejectSelected.disabled = n === 0;
    approveSelected.textContent = n ? `Approve ${n} selected` : 'Approve selected';
    rejectSelected.textContent = n ? `Reject ${n} selected` : 'Reject selected';
    selectAll.checked = all > 0 && n === all;
    bulkBar.hidden = all === 0;
  }
  const unmatched = el('div', { class: 'cards', id: 'unmatched' });
  const scanStatus = el('p', { class: 'muted', id: 'scan-status', role: 'status' });
  const scans = el('div', { class: 'row-form' }, ...state.libraries.map((l) => el('button', { type: 'button', class: 'secondary', 'data-scan': l.slug,
    onclick: (e) => act(e.currentTarget, () => post(`/libraries/${encodeURIComponent(l.slug)}/scan`), `Scanning ${l.name}`).then((job) => job && watchScan(l, job)) }, `Scan ${l.name} now`)));
  main.append(pageHeader('Inbox'),
    el('section', { 'aria-labelledby': 'h-review' }, el('h2', { id: 'h-review' }, 'Waiting for approval'), bulkBar, items),
    el('section', { 'aria-labelledby': 'h-unmatched' }, el('h2', { id: 'h-unmatched' }, 'Files the scanner could not place'), scans, scanStatus, unmatched));

  const libOptions = (selected) => state.libraries.map((l) => el('option', { value: l.slug, selected: l.id === selected || l.slug === selected }, l.name));

  async function loadInbox() {
    try {
      const list = await api('/inbox');
      items.replaceChildren(...(list.length ? list.map((item) => {
        const job = item.job, probe = item.probe;
        const suggested = item.suggested?.libraryId ?? state.libraries.find((l) => l.name === item.suggested?.name)?.id;
        const pick = el('select', { 'aria-label': 'Approve into library' }, ...libOptions(suggested));
        const title = probe?.title || job.title || job.source;
        return el('article', { class: 'panel card', 'data-job': job.id },
          el('label', { class: 'check card-select' }, el('input', { type: 'checkbox', 'data-select': '', onchange: syncBulk }), el('span', { class: 'sr' }, `Select ${title}`)),
          el('h3', { class: 'remote' }, title),
          el('p', { class: 'muted' }, [probe?.uploader, probe?.platform, fmtDuration(probe?.durationSeconds), probe?.sizeBytes ? fmtBytes(probe.sizeBytes) : ''].filter(Boolean).join(' · ')),
          item.suggested?.name ? el('p', {}, `Suggested: ${item.suggested.name} (${Math.round(item.suggested.confidence * 100)}% sure${item.suggested.reason ? ', ' + item.suggested.reason : ''})`) : '',
          el('p', { class: 'muted' }, 'Asked ', timeEl(job.createdAt)),
          el('div', { class: 'row-form' }, pick,
            el('button', { type: 'button', onclick: (e) => act(e.currentTarget, () => post(`/inbox/${job.id}/approve`, { library: pick.value }), 'Approved: downloading').then(loadInbox) }, 'Approve'),
            el('button', { type: 'button', class: 'secondary', onclick: (e) => act(e.currentTarget, () => post(`/inbox/${job.id}/reject`), 'Rejected').then(loadInbox) }, 'Reject')));
      }) : [empty('Nothing waits for approval.', 'Imports sent with "review first", and those Hub could not place with confidence, wait here.')]));
      syncBulk();
    } catch (e) { items.replaceChildren(errorBox(e, loadInbox)); }
  }

  async function loadUnmatched() {
    try {
      const list = await api('/scan/unmatched');
      unmatched.replaceChildren(...(list.length ? list.map((u) => {
        const title = el('input', { value: u.parsed?.title ?? '', 'aria-label': 'Title', required: true });
        const pick = el('select', { 'aria-label': 'Library' }, ...libOptions(u.libraryId));
        return el('article', { class: 'panel card', 'data-unmatched': u.id },
          el('h3', { class: 'remote break' }, u.path.split('/').pop()),
          el('p', { class: 'muted break' }, u.path), el('p', { class: 'muted' }, `${fmtBytes(u.sizeBytes)} · ${libraryName(u.libraryId)} · found `, timeEl(u.foundAt)),
          el('div', { class: 'row-form' }, title, pick,
            el('button', { type: 'button', onclick: (e) => act(e.currentTarget, () => post(`/scan/unmatched/${u.id}/resolve`, { title: title.value, library: pick.value }), 'Added to the library').then(loadUnmatched) }, 'Add'),
            el('button', { type: 'button', class: 'secondary', onclick: (e) => act(e.currentTarget, () => post(`/scan/unmatched/${u.id}/ignore`), 'Ignored').then(loadUnmatched) }, 'Ignore')));
      }) : [empty('No unmatched files.', 'Files dropped into a library folder by hand are found by a scan; those it cannot name show up here.')]));
    } catch (e) { unmatched.replaceChildren(errorBox(e, loadUnmatched)); }
  }
  // A scan runs as a job: follow it (while this page is shown) and re-read the list when it ends, or the files it
  // could not place would only appear after a reload.
  async function watchScan(library, job) {
    scanStatus.dataset.state = job.state;
    scanStatus.textContent = `Scanning ${library.name}…`;
    while (!TERMINAL.includes(job.state) && unmatched.isConnected) {
      await new Promise((r) => setTimeout(r, 1000));
      try { job = await api(`/jobs/${job.id}`); } catch { /* a blip: ask again */ }
    }
    if (!unmatched.isConnected) return;
    scanStatus.dataset.state = job.state;
    const r = job.result;
    scanStatus.textContent = job.state === 'completed' && r
      ? `Scanned ${library.name}: ${r.files} files, ${r.added} added, ${r.updated} updated, ${r.unmatched} unmatched, ${r.missing} missing.`
      : `Scan of ${library.name}: ${stateName(job.state)}${job.error ? ' (' + job.error + ')' : ''}.`;
    await loadUnmatched();
  }

  await Promise.all([loadInbox(), loadUnmatched()]);
  return null;
}
