// Uploads on the Import page: files by drag and drop or the picker, each sent in chunks through Hub's resumable upload
// API (tus 1.0 at /api/v1/uploads), so a dropped connection costs one chunk, not the file. Retry, and the automatic
// resume after a network error, ask the server how much it has (HEAD) and go on from there.
import { el, state, fmtBytes, fmtDuration } from './core.js';

const TUS = { 'Tus-Resumable': '1.0.0' };
/** Seconds to wait before each automatic resume; after the last, the row waits for Retry. */
const BACKOFF = [1, 2, 4, 8, 16];

/** Files by drag and drop or the picker; each with its own progress, speed, time left, Cancel and Retry. */
export function uploadPanel(options) {
  const list = el('ul', { class: 'uploads', id: 'upload-list' });
  const input = el('input', { type: 'file', id: 'upload-input', multiple: true, accept: 'video/*,audio/*,.mkv,.zip,.rar,.7z,.tar,.gz,.tgz,.bz2,.xz,.torrent', class: 'sr' });
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

/** A request that went wrong: a network error (retried by itself) or Hub's answer (shown). */
class UploadError extends Error {
  constructor(message, transient) { super(message); this.transient = transient; }
}

/** One XMLHttpRequest (fetch cannot report upload progress); resolves with any answer, rejects when none came. */
function send(method, url, headers, body, track, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    track(xhr);
    xhr.open(method, url);
    xhr.setRequestHeader('Authorization', `Bearer ${state.token}`);
    for (const [k, v] of Object.entries(headers)) xhr.setRequestHeader(k, String(v));
    if (onProgress) xhr.upload.onprogress = (e) => onProgress(e.loaded);
    xhr.onload = () => resolve(xhr);
    xhr.onerror = () => reject(new UploadError('The connection dropped.', true));
    xhr.onabort = () => reject(new UploadError('Cancelled.', false));
    xhr.send(body ?? null);
  });
}

/** What Hub said, from its problem details; 423 (still busy) and 5xx are worth another try. */
function answerError(xhr) {
  let body = null;
  try { body = JSON.parse(xhr.responseText); } catch { body = null; }
  const what = body?.detail || body?.title || `Hub answered ${xhr.status}`;
  return new UploadError(xhr.status === 401 ? 'Signed out: the token is no longer valid.' : what, xhr.status === 423 || xhr.status >= 500);
}

/**
 * Each file's upload is remembered on this device by name, size and last change (the id only: Hub checks whose it is),
 * so the same file dropped again after a reload or a crash goes on where it stopped.
 */
const remembered = (f) => `hub.upload:${f.name}:${f.size}:${f.lastModified}`;

const b64 = (s) => btoa(Array.from(new TextEncoder().encode(s), (b) => String.fromCharCode(b)).join(''));

function uploadRow(file, opts) {
  const bar = el('progress', { max: '100', value: '0', 'aria-label': `Upload of ${file.name}` });
  const status = el('span', { class: 'job-numbers' });
  const buttons = el('span', { class: 'job-actions' });
  const row = el('li', { class: 'panel upload', 'data-file': file.name }, el('strong', { class: 'remote break' }, file.name), bar, status, buttons);
  const memory = remembered(file);
  const known = JSON.parse(localStorage.getItem(memory) || 'null');
  let url = known ? `/api/v1/uploads/${known.id}` : null, chunk = known?.chunk || 8 * 1024 * 1024;
  let xhr = null, timer = null, attempt = 0, stopped = false;
  const forget = () => localStorage.removeItem(memory);
  const track = (x) => { xhr = x; };
  const button = (label, onclick, cls) => el('button', { type: 'button', class: cls, onclick }, label);
  const cancelButton = () => button('Cancel', cancel, 'secondary');

  const create = async () => {
    const meta = Object.entries({ ...opts, door: 'web', filename: file.name }).filter(([, v]) => v).map(([k, v]) => `${k} ${b64(v)}`).join(',');
    const res = await send('POST', '/api/v1/uploads', { ...TUS, 'Upload-Length': file.size, 'Upload-Metadata': meta }, null, track);
    if (res.status !== 201) throw answerError(res);
    const body = JSON.parse(res.responseText);
    url = `/api/v1/uploads/${body.id}`;
    chunk = body.chunkBytes || chunk;
    localStorage.setItem(memory, JSON.stringify({ id: body.id, chunk }));
    return 0;
  };
  /** Where the server got to; null when it no longer has the upload (expired or removed). */
  const offsetOnServer = async () => {
    const res = await send('HEAD', url, TUS, null, track);
    if (res.status === 404 || res.status === 410) return null;
    if (res.status !== 200) throw answerError(res);
    return { offset: Number(res.getResponseHeader('Upload-Offset')), job: res.getResponseHeader('Hub-Job-Id') };
  };

  const run = async () => {
    stopped = false;
    // Resuming stays "retrying" until Hub has said how much it already has.
    row.dataset.state = url ? 'retrying' : 'uploading';
    if (url) status.textContent = 'Asking Hub how much of the file it already has…';
    buttons.replaceChildren(cancelButton());
    try {
      let offset = 0, job = null;
      const onServer = url ? await offsetOnServer() : null;
      if (onServer) ({ offset, job } = onServer); else offset = await create();
      row.dataset.upload = url.split('/').pop();
      row.dataset.state = 'uploading';
      const began = performance.now(), from = offset;
      const show = (at) => {
        const speed = (at - from) / Math.max((performance.now() - began) / 1000, 0.001);
        bar.value = (100 * at) / file.size;
        status.textContent = `${fmtBytes(at)} of ${fmtBytes(file.size)} · ${fmtBytes(speed)}/s · ${speed > 0 ? fmtDuration((file.size - at) / speed) : '–'} left`;
      };
      show(offset);
      // The last PATCH (even an empty one, after a reply that was lost) starts the import and names its job.
      while (!job) {
        const end = Math.min(offset + chunk, file.size);
        const res = await send('PATCH', url, { ...TUS, 'Upload-Offset': offset, 'Content-Type': 'application/offset+octet-stream' },
          file.slice(offset, end), track, (loaded) => show(offset + loaded));
        if (res.status === 409 && res.getResponseHeader('Upload-Offset')) { offset = Number(res.getResponseHeader('Upload-Offset')); continue; }
        if (res.status !== 204) throw answerError(res);
        offset = Number(res.getResponseHeader('Upload-Offset'));
        job = res.getResponseHeader('Hub-Job-Id');
        attempt = 0; // bytes went through: the next drop starts its back-off afresh
        show(offset);
      }
      forget();
      row.dataset.state = 'done'; bar.value = 100;
      status.replaceChildren('Uploaded. ', el('a', { href: `#job/${job}` }, 'Follow the import'));
      buttons.replaceChildren();
    } catch (e) {
      if (stopped) return;
      if (e.transient && attempt < BACKOFF.length) resumeLater(e.message);
      else fail(e.transient ? `${e.message} Retry goes on from where Hub got to.` : e.message);
    }
  };

  const resumeLater = (why) => {
    const wait = BACKOFF[attempt++];
    row.dataset.state = 'retrying';
    status.textContent = `${why} Resuming in ${wait} s (attempt ${attempt} of ${BACKOFF.length})…`;
    buttons.replaceChildren(button('Resume now', () => { clearTimeout(timer); run(); }), cancelButton());
    timer = setTimeout(run, wait * 1000);
  };
  const fail = (why) => {
    row.dataset.state = 'failed';
    status.textContent = why;
    buttons.replaceChildren(button('Retry', () => { attempt = 0; run(); }));
  };
  function cancel() {
    stopped = true;
    clearTimeout(timer);
    xhr?.abort();
    // The server's copy goes too; Retry then starts the file afresh.
    if (url) send('DELETE', url, TUS, null, () => {}).catch(() => {});
    url = null;
    forget();
    delete row.dataset.upload;
    bar.value = 0;
    fail('Cancelled.');
  }
  run();
  return row;
}
