// The Import page's other ways in: search YouTube/SoundCloud, paste many links (with a dry run first), upload files.
import { el, post, act, fmtDuration, empty } from './core.js';

/** Search the sites through yt-dlp; each result has an Import button. */
export function searchPanel(options) {
  const q = el('input', { id: 'search-q', type: 'search', required: true, placeholder: 'what to look for', class: 'grow' });
  const source = el('select', { id: 'search-source' }, el('option', { value: 'youtube' }, 'YouTube'), el('option', { value: 'soundcloud' }, 'SoundCloud'),
    el('option', { value: 'all' }, 'Both'));
  const results = el('div', { class: 'cards', id: 'search-results', 'aria-live': 'polite' });
  return el('div', {},
    el('form', { class: 'panel row-form', role: 'search', onsubmit: async (e) => {
      e.preventDefault();
      results.replaceChildren(el('p', { class: 'muted' }, 'Searching…'));
      const found = await act(e.submitter, () => post('/imports/search', { query: q.value, source: source.value, limit: 12 }));
      if (!found) { results.replaceChildren(); return; }
      results.replaceChildren(...(found.length ? found.map((r) => el('article', { class: 'panel card search-hit' },
        el('h3', { class: 'remote' }, r.title),
        el('p', { class: 'muted' }, [r.platform, r.uploader, fmtDuration(r.durationSeconds)].filter(Boolean).join(' · ')),
        el('button', { type: 'button', onclick: (ev) => act(ev.currentTarget, () => post('/imports', { url: r.url, ...options(), door: 'web' }), `Importing ${r.title}: follow it under Jobs`) }, 'Import')))
        : [empty('No results.', 'Try other words, or the other site.')]));
    } }, el('label', { for: 'search-q', class: 'sr' }, 'Search'), q, el('label', { for: 'search-source', class: 'sr' }, 'Site'), source,
      el('button', { type: 'submit', id: 'search-button' }, 'Search')),
    results);
}

/** Many links at once: Check shows what would happen line by line; Import starts them under one parent job. */
export function batchPanel(options) {
  const text = el('textarea', { id: 'batch-text', rows: '6', placeholder: 'one link per line' });
  const out = el('div', { id: 'batch-result', 'aria-live': 'polite' });
  const run = async (button, dryRun) => {
    const r = await act(button, () => post('/imports/batch', { text: text.value, dryRun, continueOnError: true, ...options(), door: 'web' }));
    if (!r) return;
    out.replaceChildren(el('div', { class: 'panel' },
      el('p', {}, el('strong', {}, dryRun ? `Check: ${r.accepted} would be imported, ${r.rejected} refused.` : `${r.accepted} imports started, ${r.rejected} refused.`),
        r.parentJobId ? el('a', { href: `#job/${r.parentJobId}` }, ' Follow them') : ''),
      el('ol', { class: 'batch-lines' }, ...r.lines.map((l) => el('li', { class: l.error ? 'error' : '' },
        el('span', { class: 'remote break' }, l.url), l.error ? ` — ${l.error}` : l.note ? ` — ${l.note}` : ' — ok')))));
  };
  return el('div', { class: 'panel stack' }, el('label', { for: 'batch-text' }, 'Links'), text,
    el('div', { class: 'row-form' },
      el('button', { type: 'button', class: 'secondary', id: 'batch-check', onclick: (e) => run(e.currentTarget, true) }, 'Check first'),
      el('button', { type: 'button', id: 'batch-import', onclick: (e) => run(e.currentTarget, false) }, 'Import all')),
    out);
}

/** Uploads (resumable, in chunks) live in their own module. */
export { uploadPanel } from './uploads.js';
