// Library: a grid of thumbnails or a list, search as you type, filters, and pages.
import { el, api, state, thumb, timeEl, fmtDuration, fmtBytes, libraryName, empty, errorBox, debounce, pageHeader } from '../core.js';

const VIEW_KEY = 'hub.libraryView';

export async function render(main) {
  const f = { q: '', library: '', mediaKind: '', platform: '', sort: '', tag: '', from: '', to: '' };
  let view = localStorage.getItem(VIEW_KEY) || 'grid';
  const results = el('div', { id: 'entries' });
  const more = el('button', { type: 'button', class: 'secondary', hidden: true, onclick: () => load(true) }, 'Show more');
  const count = el('p', { class: 'muted', role: 'status' });
  const toggle = (v, label) => el('button', { type: 'button', class: 'secondary', 'aria-pressed': String(view === v),
    onclick: (e) => { view = v; localStorage.setItem(VIEW_KEY, v); for (const b of e.currentTarget.parentNode.children) b.setAttribute('aria-pressed', String(b === e.currentTarget)); load(); } }, label);
  const select = (label, key, options) => el('label', { class: 'field' }, el('span', {}, label),
    el('select', { id: `library-${key}`, onchange: (e) => { f[key] = e.target.value; load(); } }, ...options.map(([v, t]) => el('option', { value: v }, t))));
  const input = (label, key, attrs) => el('label', { class: 'field' }, el('span', {}, label),
    el('input', { id: `library-${key}`, ...attrs, onchange: (e) => { f[key] = e.target.value.trim(); load(); } }));
  // The platforms the library holds (from the stats), so the list offers only what can match.
  const platforms = (await api('/stats').catch(() => null))?.byPlatform?.map((p) => p.key).filter((k) => k && k !== 'unknown') ?? [];

  main.append(pageHeader('Library', el('div', { class: 'segmented', role: 'group', 'aria-label': 'Show as' }, toggle('grid', 'Grid'), toggle('list', 'List'))),
    el('form', { class: 'filters', role: 'search', onsubmit: (e) => e.preventDefault() },
      el('label', { class: 'field grow' }, el('span', {}, 'Search'),
        el('input', { type: 'search', id: 'library-q', placeholder: 'titles, uploaders, tags', oninput: debounce((e) => { f.q = e.target.value; load(); }) })),
      select('Library', 'library', [['', 'All libraries'], ...state.libraries.map((l) => [l.slug, l.name])]),
      select('Kind', 'mediaKind', [['', 'Video and audio'], ['video', 'Video'], ['audio', 'Audio']]),
      select('Platform', 'platform', [['', 'Any platform'], ...platforms.map((p) => [p, p])]),
      input('Tags', 'tag', { placeholder: 'comma, separated', type: 'text' }),
      input('Added from', 'from', { type: 'date' }), input('Added until', 'to', { type: 'date' }),
      select('Sort', 'sort', [['', 'Best match / newest'], ['newest', 'Newest'], ['oldest', 'Oldest'], ['title', 'Title'], ['-duration', 'Longest']])),
    count, results, more);

  let cursor = null, total = 0;
  async function load(older = false) {
    const query = new URLSearchParams({ limit: '24' });
    for (const k of Object.keys(f)) if (f[k] && k !== 'tag' && k !== 'to') query.set(k, f[k]);
    for (const t of f.tag.split(',').map((x) => x.trim()).filter(Boolean)) query.append('tag', t);
    // "Until" a day includes that day.
    if (f.to) query.set('to', new Date(Date.parse(f.to) + 86400000).toISOString().slice(0, 10));
    if (older && cursor) query.set('cursor', cursor);
    try {
      const page = await api(`/entries?${query}`);
      let box = results.firstElementChild;
      if (!older || !box) {
        total = 0;
        box = view === 'grid' ? el('div', { class: 'grid' }) : el('div', { class: 'rows' });
        results.replaceChildren(box);
      }
      for (const e of page.items) box.append(view === 'grid' ? tile(e) : row(e));
      total += page.items.length;
      cursor = page.nextCursor;
      more.hidden = !cursor;
      count.textContent = total ? `${total}${cursor ? '+' : ''} ${total === 1 ? 'entry' : 'entries'}` : '';
      if (!total) results.replaceChildren(Object.entries(f).some(([k, v]) => v && k !== 'sort')
        ? empty('Nothing matches.', tooShort(f.q) ? 'Type at least 3 letters to match part of a word.' : 'Try fewer words or another filter.')
        : empty('The library is empty.', 'Import something from the Import page.'));
    } catch (e) { results.replaceChildren(errorBox(e, () => load())); }
  }
  await load();
  return null;
}

/** Search matches part of a word from 3 letters on: a query of only shorter words matches whole words only. */
function tooShort(q) {
  const words = q.trim().split(/\s+/).filter(Boolean);
  return words.length > 0 && words.every((w) => w.length < 3);
}

function tile(e) {
  return el('a', { class: 'tile', href: `#entry/${e.id}` }, thumb(e.thumbnailUrl, '', e.mediaKind),
    el('span', { class: 'tile-title remote' }, e.title),
    el('span', { class: 'muted' }, [e.mediaKind === 'audio' ? 'Audio' : 'Video', fmtDuration(e.durationSeconds), libraryName(e.libraryId)].filter(Boolean).join(' · ')));
}

function row(e) {
  return el('a', { class: 'entry-row', href: `#entry/${e.id}` }, thumb(e.thumbnailUrl, '', e.mediaKind),
    el('span', { class: 'tile-title remote' }, e.title),
    el('span', { class: 'muted' }, e.uploader ? el('span', { class: 'remote' }, e.uploader) : '', e.uploader ? ' · ' : '',
      [e.mediaKind, fmtDuration(e.durationSeconds), fmtBytes(e.sizeBytes), libraryName(e.libraryId)].filter(Boolean).join(' · '), ' · ', timeEl(e.createdAt)));
}
