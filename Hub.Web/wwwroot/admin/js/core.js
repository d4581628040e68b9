// Shared helpers of the admin's pages. Every text that came from the network is inserted as a text node, never parsed
// as HTML: titles and uploaders are other people's words.

export const state = { token: null, me: null, libraries: [] };

/** Builds an element: attributes (on* become listeners; class; boolean true sets an empty attribute), then children. */
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v == null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (k === 'value') e.value = v;
    else e.setAttribute(k, v === true ? '' : v);
  }
  append(e, children);
  return e;
}

function append(parent, children) {
  for (const c of children.flat()) {
    if (c == null || c === false) continue;
    parent.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

export const $ = (id) => document.getElementById(id);

/** An API error that keeps the problem details (kind, status) so pages can say what happened and what to try. */
export class ApiError extends Error {
  constructor(message, status, problem) { super(message); this.status = status; this.problem = problem; }
}

let onUnauthorized = () => {};
export function setUnauthorizedHandler(fn) { onUnauthorized = fn; }

export async function api(path, options = {}) {
  const headers = { Authorization: `Bearer ${state.token}`, ...(options.body ? { 'Content-Type': 'application/json' } : {}) };
  let res;
  try {
    res = await fetch(`/api/v1${path}`, { ...options, headers: { ...headers, ...options.headers } });
  } catch {
    throw new ApiError('Hub did not answer. Check that it is running, then try again.', 0, null);
  }
  if (res.status === 401) {
    onUnauthorized('Your token was revoked or has expired. Sign in with a valid token.');
    throw new ApiError('Signed out: the token is no longer valid.', 401, null);
  }
  const text = await res.text();
  let body = null;
  try { body = text ? JSON.parse(text) : null; } catch { body = null; }
  if (!res.ok) {
    const fields = body?.errors ? ' (' + Object.entries(body.errors).map(([f, m]) => `${f}: ${[].concat(m).join(', ')}`).join('; ') + ')' : '';
    const what = body?.detail || body?.title || `${res.status} ${res.statusText}`;
    const hint = res.status === 403 ? ' This needs an admin token.' : res.status >= 500 ? ' Hub had a problem; try again, and look at its log if it repeats.' : '';
    throw new ApiError(what + fields + hint, res.status, body);
  }
  return body;
}

export const post = (path, body = {}) => api(path, { method: 'POST', body: JSON.stringify(body) });

export function fmtBytes(n) {
  if (n == null) return '–';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (n >= 1000 && i < units.length - 1) { n /= 1000; i++; }
  return `${i === 0 ? n : n.toFixed(n < 10 ? 1 : 0)} ${units[i]}`;
}

export function fmtDuration(s) {
  if (s == null || !isFinite(s)) return '';
  s = Math.round(s);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
  const mm = String(m).padStart(h ? 2 : 1, '0'), ss = String(sec).padStart(2, '0');
  return h ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
/** "3 minutes ago", "yesterday"; the exact time goes in a title attribute. */
export function fmtRelative(t) {
  if (!t) return '';
  const diff = (new Date(t).getTime() - Date.now()) / 1000;
  const abs = Math.abs(diff);
  const [value, unit] = abs < 45 ? [diff, 'second'] : abs < 2700 ? [diff / 60, 'minute'] : abs < 79200 ? [diff / 3600, 'hour']
    : abs < 2592000 ? [diff / 86400, 'day'] : abs < 31536000 ? [diff / 2592000, 'month'] : [diff / 31536000, 'year'];
  if (unit === 'second') return diff < 0 ? 'just now' : 'in a moment';
  return rtf.format(Math.round(value), unit);
}

export const timeEl = (t) => t ? el('time', { datetime: new Date(t).toISOString(), title: new Date(t).toLocaleString() }, fmtRelative(t)) : '';

const STATES = {
  queued: 'Waiting to start', probing: 'Looking at the link', awaiting_review: 'Waiting for approval', downloading: 'Downloading',
  processing: 'Processing', completed: 'Done', failed: 'Failed', cancelled: 'Cancelled', stalled: 'Stalled', retrying: 'Will retry',
};
export const stateName = (s) => STATES[s] || (s ? s.replaceAll('_', ' ') : '');
export const TERMINAL = ['completed', 'failed', 'cancelled'];
export const stateBadge = (s) => el('span', { class: `badge st-${s}` }, stateName(s));

const DOORS = { web: 'Web', api: 'API', bot: 'Telegram', extension: 'Browser extension', mcp: 'MCP', cli: 'Command line', scan: 'Scanner' };
export const doorName = (d) => DOORS[d] || d || '';

/** An empty state: what is missing and what to do about it. */
export const empty = (what, todo) => el('div', { class: 'empty' }, el('p', {}, el('strong', {}, what)), todo ? el('p', {}, todo) : '');

export const errorBox = (e, retry) => el('div', { class: 'error-box', role: 'alert' },
  el('p', {}, e.message || String(e)), retry ? el('button', { type: 'button', onclick: retry }, 'Try again') : '');

let toastTimer;
/**
 * A short message, read out by screen readers. It shows under the header, or at the bottom when the control it answers
 * (by default the focused one) sits in the top third of the screen: never over what the person just used, nor over
 * the controls below it they are likely to use next.
 */
export function toast(text, kind = 'ok', near = document.activeElement) {
  const t = $('toast');
  t.textContent = text;
  t.className = `toast ${kind}`;
  const r = near && near !== document.body ? near.getBoundingClientRect() : null;
  const top = !(r != null && r.height > 0 && r.top + r.height / 2 < window.innerHeight / 3);
  t.classList.toggle('at-top', top);
  t.style.top = top ? `${Math.max(0, $('top')?.getBoundingClientRect().bottom ?? 0) + 8}px` : '';
  t.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { t.hidden = true; }, 5000);
}

/** Runs an action from a button: disables it meanwhile, shows the error as a toast (placed clear of the button). */
export async function act(button, fn, done) {
  if (button) button.disabled = true;
  try { const r = await fn(); if (done) toast(done, 'ok', button); return r; } catch (e) { toast(e.message, 'error', button); return undefined; } finally { if (button) button.disabled = false; }
}

export function libraryName(id) { return state.libraries.find((l) => l.id === id)?.name ?? ''; }

/**
 * A thumbnail: the API wants the token, which an <img> cannot send, so it is fetched and shown as a blob URL (cached).
 * Without one it is a plain tile; an audio entry's shows a note (app.css) rather than an empty grey box.
 */
const thumbCache = new Map();
export function thumb(url, alt = '', mediaKind = '') {
  const img = el('img', { class: mediaKind === 'audio' ? 'thumb audio' : 'thumb', alt, loading: 'lazy', width: '320', height: '180' });
  if (!url) { img.classList.add('none'); return img; }
  const load = thumbCache.get(url) ?? fetch(url, { headers: { Authorization: `Bearer ${state.token}` } })
    .then((r) => r.ok ? r.blob() : null).then((b) => b ? URL.createObjectURL(b) : null).catch(() => null);
  thumbCache.set(url, load);
  load.then((src) => { if (src) img.src = src; else img.classList.add('none'); });
  return img;
}

/** Debounce for search boxes. */
export function debounce(fn, ms = 300) {
  let t;
  return (...a) => { clearTimeout(t); t = setTimeout(() => fn(...a), ms); };
}

export function pageHeader(title, ...extra) {
  return el('div', { class: 'page-head' }, el('h1', { tabindex: '-1' }, title), el('div', { class: 'head-actions' }, ...extra));
}
