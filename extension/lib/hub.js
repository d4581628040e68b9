// Talking to Hub: one fetch wrapper that turns every failure into a state the UI can name.
// Used by the popup, the options page and the service worker; the token never leaves chrome.storage and this module.

export const ACTIVE_STATES = ['queued', 'probing', 'awaiting_review', 'downloading', 'processing', 'stalled', 'retrying'];
export const TERMINAL_STATES = ['completed', 'failed', 'cancelled'];

/** Why a call failed, as one of: not-connected, unreachable, token-revoked, forbidden, private-url, not-importable,
 * not-found, rate-limited, too-old, invalid, error. */
export class HubError extends Error {
  constructor(kind, message, status = 0) {
    super(message);
    this.kind = kind;
    this.status = status;
  }
}

/** "192.168.1.10:8080/" → "http://192.168.1.10:8080"; null when it is no http(s) address. */
export function normalizeAddress(text) {
  let s = (text || '').trim();
  if (!s) return null;
  if (!/^https?:\/\//i.test(s)) s = 'http://' + s;
  try {
    const u = new URL(s);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
    return u.origin;
  } catch {
    return null;
  }
}

/** The one host permission the extension asks for: exactly Hub's origin. */
export const originPattern = (address) => new URL(address).origin + '/*';

export async function call(conn, path, { method = 'GET', body, signal, auth = true } = {}) {
  if (!conn?.address || (auth && !conn.token)) throw new HubError('not-connected', 'Not connected to a Hub yet: open the options.');
  const headers = {};
  if (auth) headers.Authorization = `Bearer ${conn.token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetch(conn.address + '/api/v1' + path, {
      method, headers, signal, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store', credentials: 'omit',
    });
  } catch (err) {
    if (err?.name === 'AbortError') throw err;
    throw new HubError('unreachable', `Hub at ${conn.address} does not answer. Is it running, and is the address right?`);
  }
  const text = await res.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = null; }
  if (res.ok) return data;
  const type = (data?.type || '').replace('urn:hub:problem:', '');
  const detail = data?.detail || data?.title || res.statusText || `HTTP ${res.status}`;
  const fields = data?.errors ? ' (' + Object.entries(data.errors).map(([f, m]) => `${f}: ${m}`).join('; ') + ')' : '';
  if (res.status === 401 && auth) throw new HubError('token-revoked', 'Hub no longer accepts this browser\'s token (revoked or unknown). Connect again in the options.', 401);
  if (type === 'blocked-address' || type === 'blocked-scheme') {
    throw new HubError('private-url', `Hub refuses this address: ${detail} An admin can allow private networks (Hub:Network).`, res.status);
  }
  if (res.status === 403) throw new HubError('forbidden', detail, 403);
  if (res.status === 429) throw new HubError('rate-limited', detail, 429);
  if (res.status === 404) throw new HubError('not-found', detail, 404);
  if (res.status === 422 || res.status === 502) throw new HubError('not-importable', detail, res.status);
  if (res.status === 400) throw new HubError('invalid', detail + fields, 400);
  throw new HubError('error', detail, res.status);
}

/** The handshake: version and capabilities, no token. A Hub without /info predates the extension. */
export async function info(address) {
  try {
    return await call({ address }, '/info', { auth: false });
  } catch (err) {
    if (err.kind === 'not-found') throw new HubError('too-old', 'This Hub is too old for the extension (it has no /api/v1/info). Update Hub.');
    throw err;
  }
}

export const can = (server, capability) => !!server?.capabilities?.includes(capability);

/** Follows one job over its SSE stream (fetch, so the token goes in a header); resolves with the final job. */
export async function streamJob(conn, jobId, onJob, signal) {
  const res = await fetch(`${conn.address}/api/v1/jobs/${jobId}/stream`, {
    headers: { Authorization: `Bearer ${conn.token}`, Accept: 'text/event-stream' }, signal, cache: 'no-store',
  });
  if (!res.ok || !res.body) throw new HubError('error', `The job stream answered ${res.status}.`, res.status);
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) throw new HubError('error', 'The job stream closed early.');
    buffer += value.replace(/\r\n/g, '\n');
    let cut;
    while ((cut = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      let event = 'message';
      const data = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
      }
      if (!data.length) continue;
      const job = JSON.parse(data.join('\n'));
      onJob(job);
      if (event === 'end') { reader.cancel().catch(() => {}); return job; }
    }
  }
}

/** Polls one job until it ends: the fallback when the stream fails. */
export async function pollJob(conn, jobId, onJob, signal, everyMs = 1000) {
  for (;;) {
    const job = await call(conn, `/jobs/${jobId}`, { signal });
    onJob(job);
    if (TERMINAL_STATES.includes(job.state)) return job;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
    if (signal?.aborted) throw new DOMException('aborted', 'AbortError');
  }
}

/** A playable URL for an entry: a short-lived signed link. */
export async function playUrl(conn, entryId) {
  const link = await call(conn, `/entries/${entryId}/links`, { method: 'POST', body: { kind: 'stream', ttlSeconds: 6 * 3600 } });
  return link.url || conn.address + link.path;
}

/** Play now: a short-lived signed link to a running job's media (what has arrived so far; the entry once done). */
export async function playNowUrl(conn, jobId) {
  const link = await call(conn, `/jobs/${jobId}/media/links`, { method: 'POST', body: { ttlSeconds: 6 * 3600 } });
  return link.url || conn.address + link.path;
}

export const adminUrl = (conn) => conn.address + '/admin/#library';
