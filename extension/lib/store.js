// Everything the extension remembers, in chrome.storage.local: the service worker may be stopped at any time (MV3),
// so nothing lives only in memory. Content scripts never get this area (access level: trusted contexts).

const DEFAULTS = {
  connection: null, // { address, token, me: { name, role, tokenId, key }, server: { version, apiVersion, capabilities, formats } }
  defaults: { library: '', format: '', mode: 'auto' },
  notifications: true,
  sent: [], // newest first: { jobId, url, title, state, progress, entryId, error, updatedAt, at }
  notes: {}, // notification id → { entryId, jobId }
};

export const MAX_SENT = 20;

export async function get(...keys) {
  const got = await chrome.storage.local.get(keys);
  return Object.fromEntries(keys.map((k) => [k, got[k] ?? structuredClone(DEFAULTS[k])]));
}

export const set = (values) => chrome.storage.local.set(values);

/**
 * Adds or updates a job this browser sent; returns the new list. The popup and the service worker both write this list:
 * the Web Locks API (shared by an extension's pages and its worker) keeps one read-modify-write from undoing another,
 * and a snapshot older than the stored row (by the job's updatedAt: a poll that left before the popup heard the end)
 * does not take it back.
 */
export async function remember(job, extra = {}) {
  return navigator.locks.request('hub-sent', async () => {
    const { sent } = await get('sent');
    const i = sent.findIndex((s) => s.jobId === job.id);
    const previous = i >= 0 ? sent[i] : null;
    const stale = previous?.updatedAt && job.updatedAt && Date.parse(job.updatedAt) < Date.parse(previous.updatedAt);
    const row = stale ? { ...previous, ...extra } : {
      ...(i >= 0 ? sent[i] : { at: Date.now() }),
      jobId: job.id, url: job.source ?? previous?.url ?? extra.url, title: job.title ?? previous?.title ?? null,
      state: job.state ?? previous?.state, progress: job.progress ?? previous?.progress ?? 0,
      entryId: job.entryId ?? previous?.entryId ?? null, error: 'error' in job ? job.error : previous?.error ?? null, // Hub's jobs always carry it
      updatedAt: job.updatedAt ?? previous?.updatedAt ?? null, ...extra,
    };
    if (i >= 0) sent[i] = row; else sent.unshift(row);
    const trimmed = sent.slice(0, MAX_SENT);
    await set({ sent: trimmed });
    return { row, previous, list: trimmed };
  });
}
