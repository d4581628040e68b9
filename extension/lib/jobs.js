// Following the jobs this browser sent, for the service worker: their state in storage, the badge, notifications.
// Shared so that the popup's live view and the worker's refresh write the same records.
import { ACTIVE_STATES, TERMINAL_STATES, call, playUrl } from './hub.js';
import * as store from './store.js';

/** Re-reads every unfinished job this browser sent, then the badge. Returns the number of active jobs. */
export async function refresh() {
  const { connection, sent } = await store.get('connection', 'sent');
  if (!connection?.token) { await setBadge(0); return 0; }
  for (const row of sent.filter((s) => !TERMINAL_STATES.includes(s.state))) {
    try {
      await record(await call(connection, `/jobs/${row.jobId}`));
    } catch (err) {
      if (err.kind === 'not-found') await record({ id: row.jobId, state: 'failed', error: 'Hub no longer has this job.' });
      else if (err.kind === 'token-revoked' || err.kind === 'unreachable') break;
    }
  }
  return updateBadge(connection);
}

/** Stores a job's latest state; a finished job raises its notification once (the popup may have seen the end first). */
export async function record(job) {
  const { row } = await store.remember(job);
  if (TERMINAL_STATES.includes(row.state) && row.state !== 'cancelled' && !row.notified) {
    await notify(row);
  }
  return row;
}

/** The badge: how many of the user's jobs are active on Hub (any door), from the jobs list. */
export async function updateBadge(connection) {
  try {
    const page = await call(connection, `/jobs?state=${ACTIVE_STATES.join(',')}&limit=200`);
    const mine = page.items.filter((j) => !connection.me?.key || j.requestedBy === connection.me.key);
    await setBadge(mine.length);
    return mine.length;
  } catch (err) {
    await chrome.action.setBadgeText({ text: err.kind === 'token-revoked' || err.kind === 'unreachable' ? '!' : '' });
    return 0;
  }
}

async function setBadge(count) {
  await chrome.action.setBadgeBackgroundColor({ color: '#0d9488' });
  await chrome.action.setBadgeText({ text: count > 0 ? String(count) : '' });
}

async function notify(row) {
  const { notifications, notes } = await store.get('notifications', 'notes');
  await store.remember({ id: row.jobId, state: row.state }, { notified: true });
  if (!notifications) return;
  const id = `job-${row.jobId}`;
  const ok = row.state === 'completed';
  await chrome.notifications.create(id, {
    type: 'basic',
    iconUrl: chrome.runtime.getURL('icons/128.png'),
    title: ok ? 'Imported into Hub' : 'Hub could not import this',
    message: ok ? (row.title || row.url || 'Done') : `${row.title || row.url || ''}\n${row.error || 'The import failed.'}`.trim(),
    priority: ok ? 0 : 1,
  });
  notes[id] = { jobId: row.jobId, entryId: row.entryId };
  await store.set({ notes });
}

/** A click on a completion notification plays the entry; on a failure it opens the popup's record in Hub's admin. */
export async function openNotification(id) {
  const { connection, notes } = await store.get('connection', 'notes');
  const note = notes[id];
  if (!note || !connection) return;
  const url = note.entryId ? await playUrl(connection, note.entryId).catch(() => connection.address + '/admin/#library')
    : connection.address + '/admin/#jobs';
  await chrome.tabs.create({ url });
  await chrome.notifications.clear(id);
}
