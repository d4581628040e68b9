// Statistics: the stats API's charts in detail over a chosen range (7, 30, 90 days, all time, or from one day to
// another): imports, bytes imported, bytes streamed and downloaded per day (per month for long ranges), the most played
// entries, and what the library holds by library, platform, media kind and format.
import { el, api, fmtBytes, empty, errorBox, pageHeader } from '../core.js';
import { barChart, shareChart, daysBetween } from '../charts.js';

const RANGES = [['7', '7 days'], ['30', '30 days'], ['90', '90 days'], ['all', 'All time']];

export async function render(main) {
  const figures = el('div', { class: 'figures', id: 'stats-figures' });
  const charts = el('div', { class: 'charts', id: 'stats-charts' });
  const shares = el('div', { class: 'charts', id: 'stats-shares' });
  const top = el('div', { id: 'stats-top' });
  const buttons = RANGES.map(([value, label]) => el('button', { type: 'button', class: 'secondary', 'data-range': value, 'aria-pressed': 'false',
    onclick: () => load(value) }, label));
  // A range of days of one's own: both ends included, UTC days as the API counts them.
  const today = new Date().toISOString().slice(0, 10);
  const rangeError = el('p', { class: 'error', id: 'stats-range-error', role: 'alert' });
  const dateField = (id, label) => el('div', { class: 'field' }, el('label', { for: id }, label),
    el('input', { type: 'date', id, required: true, max: today, 'aria-describedby': 'stats-range-error' }));
  const custom = el('form', { class: 'row-form', id: 'stats-range', 'aria-label': 'Choose days', noValidate: true, onsubmit: (e) => {
    e.preventDefault();
    const [from, to] = [custom.elements['stats-from'], custom.elements['stats-to']];
    const problem = !from.value || !to.value ? 'Choose both a first and a last day.'
      : from.value > to.value ? `The first day (${from.value}) is after the last (${to.value}); choose a first day on or before the last.` : '';
    rangeError.textContent = problem;
    for (const input of [from, to]) {
      if (problem && (!input.value || input === from)) input.setAttribute('aria-invalid', 'true'); else input.removeAttribute('aria-invalid');
    }
    if (!problem) load({ from: from.value, to: to.value });
  } }, dateField('stats-from', 'From'), dateField('stats-to', 'To'), el('button', { type: 'submit', class: 'secondary', id: 'stats-range-show' }, 'Show'));
  main.append(pageHeader('Statistics', el('div', { class: 'segmented', role: 'group', 'aria-label': 'Range' }, ...buttons)),
    custom, rangeError,
    figures,
    el('section', { 'aria-labelledby': 'h-time' }, el('h2', { id: 'h-time' }, 'Over time'), charts),
    el('section', { 'aria-labelledby': 'h-top' }, el('h2', { id: 'h-top' }, 'Most played'), top),
    el('section', { 'aria-labelledby': 'h-holds' }, el('h2', { id: 'h-holds' }, 'What the library holds'), shares));

  /** range: '7', '30', '90', 'all', or { from, to } (YYYY-MM-DD). */
  async function load(range) {
    const days = typeof range === 'string';
    const mine = ++latest; // a range chosen after this one wins, whichever answer comes back last
    for (const b of buttons) b.setAttribute('aria-pressed', String(b.dataset.range === range));
    main.setAttribute('aria-busy', 'true');
    try {
      const s = await api(days ? `/stats?days=${range}` : `/stats?from=${range.from}&to=${range.to}`);
      // Streams and downloads over the same days as the imports ("all" starts at the first import); their end is exclusive.
      const from = s.importsFrom ?? s.importsTo ?? today;
      const to = s.importsTo ?? today;
      const end = days ? '' : `&to=${new Date(Date.parse(to) + 86400000).toISOString().slice(0, 10)}`;
      const [streams, downloads] = await Promise.all(['stream', 'download'].map((kind) => api(`/stats/downloads?kind=${kind}&from=${from}${end}`)));
      if (mine !== latest) return;
      const series = (list, pick) => daysBetween(list, from, pick, to);
      const per = (Date.parse(to) - Date.parse(from)) / 86400000 >= 120 ? 'per month' : 'per day'; // as daysBetween groups them
      const imports = s.importsPerDay.reduce((a, d) => ({ count: a.count + d.count, bytes: a.bytes + d.bytes }), { count: 0, bytes: 0 });
      figures.replaceChildren(
        figure('Imports', String(imports.count)), figure('Imported', fmtBytes(imports.bytes)),
        figure('Streamed', `${fmtBytes(streams.totals.bytes)} · ${streams.totals.plays} plays`),
        figure('Downloaded', `${fmtBytes(downloads.totals.bytes)} · ${downloads.totals.plays} files`));
      charts.replaceChildren(
        barChart(`Imports ${per}`, series(s.importsPerDay, (d) => d.count), { id: 'imports' }),
        barChart(`Bytes imported ${per}`, series(s.importsPerDay, (d) => d.bytes), { format: fmtBytes, id: 'imported-bytes' }),
        barChart(`Bytes streamed ${per}`, series(streams.perDay, (d) => d.bytes), { format: fmtBytes, id: 'streamed' }),
        barChart(`Bytes downloaded ${per}`, series(downloads.perDay, (d) => d.bytes), { format: fmtBytes, id: 'downloaded' }));
      const played = mergeTop(streams.topEntries, downloads.topEntries);
      top.replaceChildren(played.length ? el('ol', { class: 'panel top-list' }, ...played.map((t) => el('li', {},
        el('a', { class: 'remote', href: `#entry/${t.entryId}` }, t.title || 'Deleted entry'), ' ',
        el('span', { class: 'muted' }, `${t.plays} ${t.plays === 1 ? 'play' : 'plays'} · ${fmtBytes(t.bytes)}`))))
        : empty('Nothing was played or downloaded in this range.', 'Play an entry from the Library, or choose a longer range.'));
      shares.replaceChildren(
        shareChart('Entries by library', s.byLibrary.map((r) => ({ label: r.key, value: r.entries })), { id: 'by-library' }),
        shareChart('Entries by platform', s.byPlatform.map((r) => ({ label: r.key, value: r.entries })), { id: 'by-platform' }),
        shareChart('Entries by media kind', s.byMediaKind.map((r) => ({ label: r.key, value: r.entries })), { id: 'by-kind' }),
        shareChart('Storage by format', s.byContainer.map((r) => ({ label: r.key, value: r.bytes })), { format: fmtBytes, id: 'by-format' }));
      // The picker shows the days drawn, whichever way they were chosen.
      [custom.elements['stats-from'].value, custom.elements['stats-to'].value, rangeError.textContent] = [from, to, ''];
      charts.dataset.range = days ? range : `${range.from}..${range.to}`; // what is drawn (the browser tests wait for it)
    } catch (e) {
      if (mine === latest) charts.replaceChildren(errorBox(e, () => load(range)));
    } finally {
      if (mine === latest) main.removeAttribute('aria-busy');
    }
  }
  let latest = 0;

  await load('30');
  return null;
}

/** Streams and downloads of the same entry counted together, most played first. */
function mergeTop(...lists) {
  const by = new Map();
  for (const t of lists.flat()) {
    const o = by.get(t.entryId) ?? { entryId: t.entryId, title: t.title, events: 0, plays: 0, bytes: 0 };
    o.events += t.events; o.plays += t.plays; o.bytes += t.bytes;
    by.set(t.entryId, o);
  }
  return [...by.values()].sort((a, b) => b.plays - a.plays || b.events - a.events || b.bytes - a.bytes).slice(0, 10);
}

function figure(label, value) {
  return el('div', { class: 'figure' }, el('span', { class: 'figure-value' }, value), el('span', { class: 'figure-label' }, label));
}
