// The Import page's other ways in: search YouTube/SoundCloud, paste many links (with a dry run first), upload files.
import { el, post, state, act, fmtBytes, fmtDuration, empty } from './core.js';

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

/** Files by drag and drop or the picker; each with its own progress, speed, time left, Cancel and Retry. */
export function uploadPanel(options) {
  const list = el('ul', { class: 'uploads', id: 'upload-list' });
  const input = el('input', { type: 'file', id: 'upload-input', multiple: true, accept: 'video/*,audio/*,.mkv,.zip,.rar,.7z', class: 'sr' });
  const zone = el('label', { for: 'upload-input', class: 'dropzone', id: 'dropzone', tabindex: '0' },
    el('strong', {}, 'Drop files here'), el('span', { class: 'muted' }, 'or press to choose them'));
  const add = (files) => { for (const f of files) list.append(uploadRow(f, options())); };
  input.addEventListener('change', () => { add(input.files); input.value = ''; });
  zone.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); input.click(); } });
  zone.addEventListener('dragover', (e) => { e.preventDefault(); zone.classList.add('over'); });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (e) => { e.preventDefault(); zone.classList.remove('over'); add(e.dataTransfer.files); });
  return el('div', { class: 'panel stack' }, input, zone, list);
}

function uploadRow(file, opts) {
  const bar = el('progress', { max: '100', value: '0', 'aria-label': `Upload of ${file.name}` });
  const status = el('span', { class: 'job-numbers' });
  const buttons = el('span', { class: 'job-actions' });
  const row = el('li', { class: 'panel upload', 'data-file': file.name }, el('strong', { class: 'remote break' }, file.name), bar, status, buttons);
  let xhr = null;
  const start = () => {
    const form = new FormData();
    form.append('file', file);
    for (const [k, v] of Object.entries(opts)) if (v) form.append(k, v);
    form.append('door', 'web');
    xhr = new XMLHttpRequest();
    const began = performance.now();
    xhr.upload.onprogress = (e) => {
      if (!e.lengthComputable) return;
      const secs = (performance.now() - began) / 1000, speed = e.loaded / Math.max(secs, 0.001);
      bar.value = (100 * e.loaded) / e.total;
      status.textContent = `${fmtBytes(e.loaded)} of ${fmtBytes(e.total)} · ${fmtBytes(speed)}/s · ${fmtDuration((e.total - e.loaded) / speed)} left`;
    };
    xhr.onload = () => {
      let body = null;
      try { body = JSON.parse(xhr.responseText); } catch { body = null; }
      if (xhr.status >= 200 && xhr.status < 300) {
        row.dataset.state = 'done'; bar.value = 100;
        status.replaceChildren('Uploaded. ', el('a', { href: `#job/${body?.id}` }, 'Follow the import'));
        buttons.replaceChildren();
      } else fail(body?.detail || body?.title || `Hub answered ${xhr.status}`);
    };
    xhr.onerror = () => fail('The connection dropped.');
    xhr.onabort = () => fail('Cancelled.');
    xhr.open('POST', '/api/v1/imports/upload');
    xhr.setRequestHeader('Authorization', `Bearer ${state.token}`);
    xhr.send(form);
    row.dataset.state = 'uploading';
    buttons.replaceChildren(el('button', { type: 'button', class: 'secondary', onclick: () => xhr.abort() }, 'Cancel'));
  };
  const fail = (why) => {
    row.dataset.state = 'failed';
    status.textContent = why;
    buttons.replaceChildren(el('button', { type: 'button', onclick: () => { bar.value = 0; start(); } }, 'Retry'));
  };
  start();
  return row;
}

