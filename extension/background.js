// The service worker: context menu and shortcut imports with the user's defaults, the badge, notifications.
// Chrome stops it whenever it is idle (MV3), so it keeps nothing in memory: state is in chrome.storage, the periodic
// check is an alarm, and every listener is registered at the top level so a wake-up finds it.
import { call, TERMINAL_STATES } from './lib/hub.js';
import { openNotification, record, refresh } from './lib/jobs.js';
import * as store from './lib/store.js';

const MENU_ID = 'send-to-hub';
const REFRESH_ALARM = 'refresh';

chrome.runtime.onInstalled.addListener(setUp);
chrome.runtime.onStartup.addListener(setUp);

async function setUp() {
  // The token stays out of content scripts' reach.
  await chrome.storage.local.setAccessLevel?.({ accessLevel: 'TRUSTED_CONTEXTS' }).catch(() => {});
  await chrome.contextMenus.removeAll();
  chrome.contextMenus.create({ id: MENU_ID, title: 'Send to Hub', contexts: ['page', 'link', 'video', 'audio'] });
  await chrome.alarms.create(REFRESH_ALARM, { periodInMinutes: 0.5 });
  await refresh();
}

/** What a context-menu click imports: the video or audio under the pointer, else the link, else the page. */
export function urlFromMenu(info, tab) {
  return info.srcUrl && (info.mediaType === 'video' || info.mediaType === 'audio') ? info.srcUrl
    : info.linkUrl || info.pageUrl || tab?.url;
}

async function onMenuClicked(info, tab) {
  if (info.menuItemId !== MENU_ID) return null;
  return sendWithDefaults(urlFromMenu(info, tab));
}

async function onCommand(command, tab) {
  if (command !== 'send-to-hub') return null;
  const target = tab ?? (await chrome.tabs.query({ active: true, lastFocusedWindow: true }))[0];
  return sendWithDefaults(target?.url);
}

/** One click, no popup: import with the defaults from the options page, then follow the job. */
export async function sendWithDefaults(url) {
  const { connection, defaults } = await store.get('connection', 'defaults');
  try {
    if (!url || !/^https?:/i.test(url)) throw Object.assign(new Error('This page cannot be imported (only http and https addresses can).'), { kind: 'not-importable' });
    const job = await call(connection, '/imports', {
      method: 'POST',
      body: { url, library: defaults.library || null, format: defaults.format || null, mode: defaults.mode || 'auto', door: 'extension' },
    });
    await record(job);
    follow();
    return { ok: true, job };
  } catch (err) {
    await chrome.notifications.create(`refused-${Date.now()}`, {
      type: 'basic', iconUrl: chrome.runtime.getURL('icons/128.png'), title: 'Not sent to Hub', message: err.message, priority: 1,
    });
    return { ok: false, kind: err.kind ?? 'error', message: err.message };
  }
}

/**
 * While this browser's imports run, re-read them every couple of seconds so the badge and notifications are prompt.
 * Each round calls extension APIs, which keeps the worker alive; if Chrome stops it anyway, the alarm picks up.
 */
let following = false;
async function follow() {
  if (following) return;
  following = true;
  try {
    for (let round = 0; round < 600; round++) {
      if ((await refresh()) === 0) {
        const { sent } = await store.get('sent');
        if (sent.every((s) => TERMINAL_STATES.includes(s.state))) break;
      }
      await new Promise((resolve) => setTimeout(resolve, 1500));
    }
  } finally {
    following = false;
  }
}

chrome.contextMenus.onClicked.addListener((info, tab) => { onMenuClicked(info, tab); });
chrome.commands.onCommand.addListener((command, tab) => { onCommand(command, tab); });
chrome.alarms.onAlarm.addListener((alarm) => { if (alarm.name === REFRESH_ALARM) refresh(); });
chrome.notifications.onClicked.addListener((id) => { openNotification(id); });
chrome.runtime.onMessage.addListener((message, sender, reply) => {
  // Only the extension's own pages talk to the worker (no externally_connectable, no content script messages).
  if (sender.id !== chrome.runtime.id || !sender.url?.startsWith(chrome.runtime.getURL(''))) return false;
  if (message?.type === 'tracked') { record(message.job).then(() => follow()); reply({ ok: true }); return false; }
  if (message?.type === 'refresh') { refresh().then((active) => reply({ active })); return true; }
  return false;
});
chrome.storage.onChanged.addListener((changes) => { if (changes.connection) refresh(); });

// The handlers by name, for debugging from the worker's console and for the browser tests (Chrome's own menu and
// shortcuts cannot be driven from outside).
globalThis.hub = { onMenuClicked, onCommand, sendWithDefaults, refresh, menuId: MENU_ID };
