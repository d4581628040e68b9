// One entry: a player that seeks (video or audio element fed a short-lived signed link, since media elements cannot
// send a token; signed again when it expires), subtitles as <track>s, facts, edit title and tags, share link, download, delete.
import { el, api, post, state, act, toast, fmtBytes, fmtDuration, timeEl, libraryName, errorBox, pageHeader } from '../core.js';

export async function render(main, id) {
  let entry;
  try { entry = await api(`/entries/${id}`); } catch (e) { main.append(el('p', {}, el('a', { href: '#library' }, '← Library')), errorBox(e)); return null; }
  const audio = entry.mediaKind === 'audio';
  const link = await post(`/entries/${id}/links`, { kind: 'stream' });
  const media = el(audio ? 'audio' : 'video', { id: 'player', controls: true, preload: 'metadata', src: link.path, class: audio ? 'audio-player' : 'video-player' });
  // Listening before anything is awaited: the element starts loading at once and may fail meanwhile.
  const playerProblem = el('div', { id: 'player-problem' });
  const stopRenewing = renewWhenExpired(media, id, playerProblem);
  media.append(...await tracks(id));
  if (main.isConnected) document.title = `${entry.title} · Hub`; // not when the person has moved on meanwhile
  const title = el('input', { id: 'edit-title', value: entry.title, required: true });
  const tags = el('input', { id: 'edit-tags', value: entry.tags.join(', '), placeholder: 'comma, separated' });
  const ttl = el('select', { id: 'share-ttl' }, ...[[3600, '1 hour'], [86400, '1 day'], [604800, '7 days']].map(([v, t]) => el('option', { value: String(v) }, t)));
  const shareOut = el('input', { id: 'share-url', readonly: true, 'aria-label': 'Share link', class: 'grow', hidden: true });

  const head = pageHeader(entry.title);
  main.append(el('p', {}, el('a', { href: '#library' }, '← Library')), head,
    el('div', { class: 'entry-layout' },
      el('div', { class: 'player-box' + (audio ? ' is-audio' : '') }, media, playerProblem),
      el('div', { class: 'panel' },
        el('dl', { class: 'facts' },
          fact('Kind', audio ? 'Audio' : 'Video'), fact('Length', fmtDuration(entry.durationSeconds) || '–'), fact('Size', fmtBytes(entry.sizeBytes)),
          fact('Library', libraryName(entry.libraryId) || '–'), fact('From', entry.platform || '–'),
          entry.uploader ? fact('Uploader', el('span', { class: 'remote' }, entry.uploader)) : '',
          entry.width ? fact('Picture', `${entry.width}×${entry.height}${entry.videoCodec ? ' ' + entry.videoCodec : ''}`) : '',
          entry.audioCodec ? fact('Sound', entry.audioCodec) : '', fact('Added', timeEl(entry.createdAt)),
          entry.sourceUrl ? fact('Source', el('span', { class: 'remote break' }, entry.sourceUrl)) : ''))),
    el('section', { class: 'panel', 'aria-labelledby': 'h-edit' }, el('h2', { id: 'h-edit' }, 'Edit'),
      el('form', { class: 'stack', onsubmit: async (e) => {
        e.preventDefault();
        const saved = await act(e.submitter, () => api(`/entries/${id}`, { method: 'PATCH', body: JSON.stringify({
          title: title.value, tags: tags.value.split(',').map((t) => t.trim()).filter(Boolean) }) }), 'Saved');
        if (!saved) return;
        // Show what Hub kept (tags trimmed, empty ones dropped), in the fields, the heading and the tab.
        entry = saved;
        title.value = saved.title;
        tags.value = saved.tags.join(', ');
        head.querySelector('h1').textContent = saved.title;
        if (main.isConnected) document.title = `${saved.title} · Hub`;
      } }, field('Title', title), field('Tags', tags), el('button', { type: 'submit' }, 'Save'))),
    moveSection(entry),
    await playlistSection(id),
    el('section', { class: 'panel', 'aria-labelledby': 'h-share' }, el('h2', { id: 'h-share' }, 'Share and download'),
      el('div', { class: 'row-form' }, field('Link valid for', ttl),
        el('button', { type: 'button', id: 'share-button', onclick: (e) => act(e.currentTarget, async () => {
          const l = await post(`/entries/${id}/links`, { kind: 'stream', ttlSeconds: Number(ttl.value) });
          shareOut.value = l.url || new URL(l.path, location.origin).href;
          shareOut.hidden = false;
          try { await navigator.clipboard.writeText(shareOut.value); toast('Link copied'); } catch { shareOut.select(); toast('Link ready: copy it from the box'); }
        }) }, 'Copy share link'),
        el('button', { type: 'button', class: 'secondary', onclick: (e) => act(e.currentTarget, async () => {
          const l = await post(`/entries/${id}/links`, { kind: 'download' });
          location.href = l.path;
        }) }, 'Download')), shareOut),
    el('section', { class: 'panel danger-zone', 'aria-labelledby': 'h-delete' }, el('h2', { id: 'h-delete' }, 'Delete'),
      el('p', {}, 'Deleting removes the entry and its file from disk. It cannot be undone.'),
      el('button', { type: 'button', class: 'danger', onclick: (e) => {
        if (!confirm(`Delete "${entry.title}" and its file?`)) return;
        act(e.currentTarget, async () => { await api(`/entries/${id}`, { method: 'DELETE' }); location.hash = '#library'; }, 'Deleted');
      } }, 'Delete entry')));
  return () => { stopRenewing(); media.pause(); media.removeAttribute('src'); media.load(); };
}

/**
 * A signed link ends (6 hours by default): the next range request the player makes (a seek, or playing on past what
 * it holds) is refused and the element errors. Then sign a new link and carry on where it was, playing or paused.
 * Twice in a row without the player loading anything in between is not an expired link: say so instead of looping.
 */
function renewWhenExpired(media, id, problem) {
  let stopped = false, renewed = false, renewing = false;
  const tell = (text) => problem.replaceChildren(errorBox({ message: text }, () => { renewed = false; renew(); }));
  media.addEventListener('loadeddata', () => { renewed = false; });
  async function renew() {
    if (stopped || renewing || !media.error) return;
    if (renewed) { tell(`The player could not load the file (media error ${media.error.code}). Try again, or reload the page.`); return; }
    renewing = true;
    const at = media.currentTime, paused = media.paused;
    try {
      const link = await post(`/entries/${id}/links`, { kind: 'stream' });
      if (stopped) return;
      renewed = true;
      media.addEventListener('loadedmetadata', () => {
        media.currentTime = at;
        if (!paused) media.play().catch(() => {});
      }, { once: true });
      media.src = link.path;
      problem.replaceChildren();
    } catch (e) {
      tell(`The player's link expired and a new one could not be made: ${e.message} Try again, or reload the page.`);
    } finally { renewing = false; }
  }
  media.addEventListener('error', renew);
  return () => { stopped = true; };
}

/** Move to another library: the file is filed again by that library's path template. */
function moveSection(entry) {
  const others = state.libraries.filter((l) => l.id !== entry.libraryId);
  if (!others.length) return '';
  const pick = el('select', { id: 'move-library' }, ...others.map((l) => el('option', { value: l.slug }, l.name)));
  return el('section', { class: 'panel', 'aria-labelledby': 'h-move' }, el('h2', { id: 'h-move' }, 'Move to another library'),
    el('p', { class: 'muted' }, 'The file moves into that library\'s folder and is renamed by its path template; playlists keep it.'),
    el('div', { class: 'row-form' }, field('Library', pick),
      el('button', { type: 'button', id: 'move-button', class: 'secondary', onclick: (e) => act(e.currentTarget, async () => {
        await post(`/entries/${entry.id}/move`, { library: pick.value });
        window.dispatchEvent(new HashChangeEvent('hashchange')); // show it again, in its new library
      }, `Moved to ${pick.selectedOptions[0]?.textContent}`) }, 'Move')));
}

/** Add to one of the hand-picked playlists the caller may change. */
async function playlistSection(id) {
  const lists = (await api('/playlists').catch(() => [])).filter((p) => p.kind === 'static' && p.canChange);
  if (!lists.length) return el('p', { class: 'muted' }, 'Make a playlist on the ', el('a', { href: '#playlists' }, 'Playlists'), ' page to collect entries.');
  const pick = el('select', { id: 'add-playlist' }, ...lists.map((p) => el('option', { value: p.id }, p.name)));
  return el('section', { class: 'panel', 'aria-labelledby': 'h-playlist' }, el('h2', { id: 'h-playlist' }, 'Add to playlist'),
    el('div', { class: 'row-form' }, field('Playlist', pick),
      el('button', { type: 'button', id: 'add-to-playlist', onclick: (e) => act(e.currentTarget, () => post(`/playlists/${pick.value}/items`, { entryId: id }),
        `Added to ${pick.selectedOptions[0]?.textContent}`) }, 'Add')));
}

/** Subtitles: fetched with the token and given to the player as blob URLs (a <track> cannot send headers). */
async function tracks(id) {
  try {
    const list = await api(`/entries/${id}/subtitles`);
    return await Promise.all(list.map(async (t, i) => {
      const vtt = await fetch(t.url, { headers: { Authorization: `Bearer ${state.token}` } }).then((r) => r.blob());
      return el('track', { kind: 'subtitles', srclang: t.lang, label: t.label || t.lang, src: URL.createObjectURL(vtt), default: i === 0 });
    }));
  } catch { return []; }
}

const fact = (k, v) => el('div', {}, el('dt', {}, k), el('dd', {}, v));
const field = (label, input) => { const id = input.id || `f-${Math.random().toString(36).slice(2)}`; input.id = id;
  return el('div', { class: 'field' }, el('label', { for: id }, label), input); };
