// One playlist: its entries in order (every page of them), play all (one player, next on end), reorder and remove
// (hand-picked ones), save as M3U (signed links for a chosen time, so any player can open it), delete.
import { el, api, post, state, act, toast, fmtDuration, errorBox, pageHeader, thumb } from '../core.js';

export async function render(main, id) {
  let pl;
  try { pl = await api(`/playlists/${id}`); } catch (e) { main.append(errorBox(e)); return null; }
  const items = el('ol', { class: 'rows playlist-items', id: 'playlist-items' });
  const playerBox = el('div', { class: 'player-box', id: 'playlist-player' });
  let entries = [];
  const ttl = el('select', { id: 'm3u-ttl', 'aria-label': 'Links in the M3U work for' },
    ...M3U_TTLS.map(([v, t]) => el('option', { value: String(v) }, t)));
  main.append(el('p', {}, el('a', { href: '#playlists' }, '← Playlists')),
    pageHeader(pl.name,
      el('button', { type: 'button', id: 'play-all', onclick: () => playFrom(0) }, 'Play all'),
      el('span', { class: 'm3u' }, el('button', { type: 'button', class: 'secondary', id: 'save-m3u', onclick: (e) => act(e.currentTarget, () => saveM3u(e.currentTarget)) }, 'Save as M3U'),
        ttl)),
    playerBox, items,
    pl.canChange ? el('button', { type: 'button', class: 'danger', onclick: (e) => {
      if (!confirm(`Delete the playlist "${pl.name}"? Its entries stay in the library.`)) return;
      act(e.currentTarget, async () => { await api(`/playlists/${id}`, { method: 'DELETE' }); location.hash = '#playlists'; }, 'Playlist deleted');
    } }, 'Delete playlist') : '');

  async function load() {
    try {
      entries = await allEntries();
      const fixed = pl.kind === 'static' && pl.canChange;
      items.replaceChildren(...entries.map((e, i) => el('li', { class: `entry-row${fixed ? ' draggable' : ''}`, 'data-entry': e.id, draggable: fixed ? 'true' : null,
        ...(fixed ? dragHandlers(i) : {}) }, thumb(e.thumbnailUrl, '', e.mediaKind),
        el('a', { class: 'tile-title remote', href: `#entry/${e.id}` }, `${i + 1}. ${e.title}`),
        el('span', { class: 'job-actions' }, el('span', { class: 'muted' }, fmtDuration(e.durationSeconds)),
          el('button', { type: 'button', class: 'secondary', 'aria-label': `Play ${e.title}`, onclick: () => playFrom(i) }, 'Play'),
          ...(fixed ? [
            el('button', { type: 'button', class: 'secondary', disabled: i === 0, 'aria-label': `Move ${e.title} up`,
              onclick: (ev) => act(ev.currentTarget, () => post(`/playlists/${id}/items/${e.id}/move`, { position: i - 1 })).then(load) }, '↑'),
            el('button', { type: 'button', class: 'secondary', disabled: i === entries.length - 1, 'aria-label': `Move ${e.title} down`,
              onclick: (ev) => act(ev.currentTarget, () => post(`/playlists/${id}/items/${e.id}/move`, { position: i + 1 })).then(load) }, '↓'),
            el('button', { type: 'button', class: 'secondary', 'aria-label': `Remove ${e.title} from the playlist`, onclick: (ev) => act(ev.currentTarget,
              () => api(`/playlists/${id}/items/${e.id}`, { method: 'DELETE' }), 'Removed').then(load) }, 'Remove')] : [])))));
      if (!entries.length) items.replaceChildren(el('li', { class: 'empty' }, pl.kind === 'static'
        ? 'Empty. Open an entry and choose "Add to playlist".' : 'Nothing in the library matches this playlist yet.'));
    } catch (e) { items.replaceChildren(el('li', {}, errorBox(e, load))); }
  }

  /** Every entry, page after page (the API gives at most 200 at a time). */
  async function allEntries() {
    const all = [];
    let cursor = null;
    do {
      const page = await api(`/playlists/${id}/entries?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      all.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return all;
  }

  // Drag a row onto another to move it there (the ↑ ↓ buttons do the same from the keyboard).
  function dragHandlers(i) {
    return {
      ondragstart: (ev) => { ev.dataTransfer.setData('text/plain', String(i)); ev.dataTransfer.effectAllowed = 'move'; ev.currentTarget.classList.add('dragging'); },
      ondragend: (ev) => ev.currentTarget.classList.remove('dragging'),
      ondragover: (ev) => { ev.preventDefault(); ev.dataTransfer.dropEffect = 'move'; ev.currentTarget.classList.add('drop-here'); },
      ondragleave: (ev) => ev.currentTarget.classList.remove('drop-here'),
      ondrop: (ev) => {
        ev.preventDefault();
        ev.currentTarget.classList.remove('drop-here');
        const from = Number(ev.dataTransfer.getData('text/plain'));
        if (!Number.isInteger(from) || from === i || !entries[from]) return;
        act(null, () => post(`/playlists/${id}/items/${entries[from].id}/move`, { position: i }), `Moved ${entries[from].title}`).then(load);
      },
    };
  }

  async function playFrom(i) {
    const e = entries[i];
    if (!e) return;
    const link = await post(`/entries/${e.id}/links`, { kind: 'stream' });
    const media = el(e.mediaKind === 'audio' ? 'audio' : 'video', { controls: true, autoplay: true, src: link.path, id: 'player', 'data-index': String(i) });
    media.addEventListener('ended', () => playFrom(i + 1));
    playerBox.classList.toggle('is-audio', e.mediaKind === 'audio');
    playerBox.replaceChildren(el('p', { class: 'remote' }, `Playing ${i + 1} of ${entries.length}: ${e.title}`), media);
  }

  async function saveM3u(button) {
    const res = await fetch(`/api/v1/playlists/${id}.m3u8?ttlSeconds=${ttl.value}`, { headers: { Authorization: `Bearer ${state.token}` } });
    if (!res.ok) throw new Error(`Hub answered ${res.status}`);
    const a = el('a', { href: URL.createObjectURL(await res.blob()), download: `${pl.name}.m3u8` });
    document.body.append(a); a.click(); a.remove();
    toast(`Saved: open it in VLC or any player (its links work for ${ttl.selectedOptions[0].textContent})`, 'ok', button);
  }
  await load();
  return () => playerBox.querySelector('video, audio')?.pause();
}

/** How long the links in a saved M3U work (Hub allows up to 7 days). */
const M3U_TTLS = [[21600, '6 hours'], [86400, '1 day'], [604800, '7 days']];
