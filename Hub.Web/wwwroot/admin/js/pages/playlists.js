// Playlists: static ones (entries added from an entry's page, reordered and removed here) and dynamic ones (a saved
// library search, previewed live while it is built). Each can be played in order or saved as an M3U.
import { el, api, post, state, act, timeEl, empty, errorBox, debounce, pageHeader } from '../core.js';

export async function render(main) {
  const list = el('div', { class: 'cards', id: 'playlist-list' });
  const name = el('input', { id: 'pl-name', required: true, placeholder: 'e.g. Road trip' });
  const kind = el('select', { id: 'pl-kind' }, el('option', { value: 'static' }, 'Hand-picked (add entries from their page)'),
    el('option', { value: 'dynamic' }, 'Automatic (everything matching a search)'));
  const q = el('input', { id: 'pl-q', type: 'search', placeholder: 'words to match' });
  const library = el('select', { id: 'pl-library' }, el('option', { value: '' }, 'All libraries'), ...state.libraries.map((l) => el('option', { value: l.id }, l.name)));
  const mediaKind = el('select', { id: 'pl-media' }, el('option', { value: '' }, 'Video and audio'), el('option', { value: 'video' }, 'Video'), el('option', { value: 'audio' }, 'Audio'));
  const preview = el('p', { class: 'muted', id: 'pl-preview', role: 'status' });
  const query = () => ({ q: q.value || null, libraryId: library.value || null, mediaKind: mediaKind.value || null });
  const dynamicBox = el('div', { class: 'row-form', hidden: true }, field('Matching', q), field('Library', library), field('Kind', mediaKind));
  const refreshPreview = debounce(async () => {
    if (kind.value !== 'dynamic') { preview.textContent = ''; return; }
    const p = new URLSearchParams({ limit: '200' });
    const slug = state.libraries.find((l) => l.id === library.value)?.slug;
    if (q.value) p.set('q', q.value); if (slug) p.set('library', slug); if (mediaKind.value) p.set('mediaKind', mediaKind.value);
    try {
      const page = await api(`/entries?${p}`);
      const n = page.items.length;
      preview.textContent = `${n}${page.nextCursor ? '+' : ''} ${n === 1 ? 'entry matches' : 'entries match'} now` + (page.items.length ? `: ${page.items.slice(0, 3).map((e) => e.title).join(', ')}${page.items.length > 3 ? '…' : ''}` : '.');
    } catch (e) { preview.textContent = e.message; }
  }, 250);
  for (const c of [q, library, mediaKind]) c.addEventListener('input', refreshPreview);
  kind.addEventListener('change', () => { dynamicBox.hidden = kind.value !== 'dynamic'; refreshPreview(); });

  main.append(pageHeader('Playlists'),
    el('form', { class: 'panel stack', onsubmit: async (e) => {
      e.preventDefault();
      const body = { name: name.value, kind: kind.value, ...(kind.value === 'dynamic' ? { query: query() } : {}) };
      const made = await act(e.submitter, () => post('/playlists', body), 'Playlist created');
      if (made) location.hash = `#playlist/${made.id}`;
    } }, el('h2', {}, 'New playlist'), field('Name', name), field('Kind', kind), dynamicBox, preview, el('div', {}, el('button', { type: 'submit' }, 'Create'))),
    list);

  try {
    const all = await api('/playlists');
    list.replaceChildren(...(all.length ? all.map((p) => el('a', { class: 'panel card playlist-card', href: `#playlist/${p.id}` },
      el('h3', { class: 'remote' }, p.name), el('p', { class: 'muted' }, p.kind === 'dynamic' ? 'Automatic' : `${p.itemCount ?? 0} entries`, ' · updated ', timeEl(p.updatedAt))))
      : [empty('No playlists yet.', 'Create one above.')]));
  } catch (e) { list.replaceChildren(errorBox(e)); }
  return null;
}

const field = (label, input) => el('div', { class: 'field' }, el('label', { for: input.id }, label), input);
