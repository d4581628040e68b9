// Import: a link with a preview first (title, length, uploader, formats, already-in-library), library/format/mode
// pickers, then the job's progress live on this page.
import { el, api, post, state, fmtBytes, fmtDuration, errorBox, pageHeader, stateBadge, thumb, TERMINAL } from '../core.js';
import { follow } from '../live.js';
import { progressText } from '../jobview.js';
import { searchPanel, batchPanel, uploadPanel } from '../import-more.js';

export const FORMATS = [['', 'Library default'], ['video_best', 'Best video'], ['video_1080', 'Video up to 1080p'], ['video_720', 'Video up to 720p'],
  ['audio_best', 'Best audio'], ['audio_mp3', 'Audio as MP3']];

export async function render(main) {
  const url = el('input', { id: 'import-url', type: 'url', required: true, placeholder: 'https://… a video page, a file, a playlist' });
  const library = el('select', { id: 'import-library' }, el('option', { value: '' }, 'Choose for me'), ...state.libraries.map((l) => el('option', { value: l.slug }, l.name)));
  const format = el('select', { id: 'import-format' }, ...FORMATS.map(([v, t]) => el('option', { value: v }, t)));
  const mode = el('select', { id: 'import-mode' }, el('option', { value: 'auto' }, 'File it at once'), el('option', { value: 'review' }, 'Send to the inbox first'));
  const preview = el('div', { id: 'probe-result', 'aria-live': 'polite' });
  const progress = el('div', { id: 'import-progress', 'aria-live': 'polite' });
  let stop = null;

  main.append(pageHeader('Import'),
    el('form', { class: 'panel stack', id: 'import-form', onsubmit: async (e) => {
      e.preventDefault();
      e.submitter.disabled = true;
      try {
        const job = await post('/imports', { url: url.value, library: library.value || null, format: format.value || null, mode: mode.value, door: 'web' });
        watch(job);
      } catch (err) { progress.replaceChildren(errorBox(err)); } finally { e.submitter.disabled = false; }
    } },
      el('div', { class: 'field' }, el('label', { for: 'import-url' }, 'Link'), url),
      el('div', { class: 'row-form' }, field('Library', library), field('Format', format), field('Mode', mode)),
      el('div', { class: 'row-form' },
        el('button', { type: 'button', class: 'secondary', id: 'probe-button', onclick: probe }, 'Preview'),
        el('button', { type: 'submit', id: 'import-button' }, 'Import'))),
    preview, progress);
  // The pickers above apply to every way in.
  const options = () => ({ library: library.value || null, format: format.value || null, mode: mode.value });
  main.append(
    el('section', { 'aria-labelledby': 'h-search' }, el('h2', { id: 'h-search' }, 'Search YouTube or SoundCloud'), searchPanel(options)),
    el('section', { 'aria-labelledby': 'h-batch' }, el('h2', { id: 'h-batch' }, 'Many links at once'), batchPanel(options)),
    el('section', { 'aria-labelledby': 'h-upload' }, el('h2', { id: 'h-upload' }, 'Upload files'), uploadPanel(options)));

  async function probe() {
    if (!url.reportValidity()) return;
    preview.replaceChildren(el('p', { class: 'muted' }, 'Looking at the link…'));
    const link = url.value;
    try {
      const p = await post('/imports/probe', { url: link });
      if (url.value !== link) return; // the link changed while Hub looked: that answer is for another link
      const there = p.alreadyInLibrary;
      // The picture comes through Hub (the page's CSP allows no remote image), fetched with the token like entry thumbnails.
      preview.replaceChildren(el('div', { class: 'panel probe' },
        p.thumbnailUrl ? thumb(`/api/v1/imports/probe/thumbnail?url=${encodeURIComponent(link)}`) : '',
        el('div', { class: 'probe-text' },
          el('h2', { class: 'remote' }, p.title || '(no title)'),
          el('p', {}, [p.platform, p.uploader, fmtDuration(p.durationSeconds), p.sizeBytes ? fmtBytes(p.sizeBytes) : '', p.isPlaylist ? `playlist of ${p.entryCount}` : '']
            .filter(Boolean).join(' · ')),
          p.formats?.length ? el('p', { class: 'muted' }, `${p.formats.length} formats, up to ${Math.max(0, ...p.formats.map((f) => f.height || 0)) || '?'}p`) : '',
          there ? el('p', { class: 'notice', id: 'probe-existing' }, 'Already in the library: ',
            el('a', { class: 'remote', href: `#entry/${there.entryId}` }, there.title), '. Importing it again adds nothing.') : '')));
    } catch (e) { if (url.value === link) preview.replaceChildren(errorBox(e)); }
  }

  function watch(job) {
    stop?.();
    const draw = (j) => progress.replaceChildren(el('div', { class: 'panel', 'data-state': j.state, id: 'import-job' },
      el('p', {}, stateBadge(j.state), ' ', el('a', { href: `#job/${j.id}`, class: 'remote' }, j.title || j.source)),
      TERMINAL.includes(j.state) ? '' : el('progress', { max: '100', value: String(j.progress || 0), 'aria-label': 'Import progress' }),
      el('p', { class: 'job-numbers' }, TERMINAL.includes(j.state) ? '' : `${(j.progress || 0).toFixed(0)}% `, progressText(j)),
      j.error ? el('p', { class: 'error' }, j.error) : '',
      j.entryId ? el('a', { class: 'button', href: `#entry/${j.entryId}` }, j.result?.duplicate ? 'Already in the library: open it' : 'Open it') : ''));
    draw(job);
    stop = follow(`/jobs/${job.id}/stream`, (event, j) => draw(j), { onResync: () => api(`/jobs/${job.id}`).then(draw).catch(() => {}), closesAtEnd: true });
  }
  return () => stop?.();
}

const field = (label, input) => el('div', { class: 'field' }, el('label', { for: input.id }, label), input);
