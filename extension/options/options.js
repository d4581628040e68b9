import { HubError, call, can, info, normalizeAddress, originPattern } from '../lib/hub.js';
import * as store from '../lib/store.js';

const $ = (id) => document.getElementById(id);
$('extension-version').textContent = chrome.runtime.getManifest().version;

function show(text, kind = '') {
  $('status').textContent = text;
  $('status').className = 'state ' + kind;
}

/** A pairing code is ten letters and digits (dashes and spaces optional); a token starts with hub_. */
const isPairingCode = (s) => /^[A-Za-z2-9]{10}$/.test(s.replace(/[-\s]/g, ''));

function deviceName() {
  const ua = navigator.userAgentData;
  const brand = ua?.brands?.find((b) => !/Not.A.Brand|Chromium/i.test(b.brand))?.brand || 'Chromium';
  const platform = ua?.platform || navigator.platform || 'this computer';
  return `${brand} on ${platform}`;
}

$('connect-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const address = normalizeAddress($('address').value);
  if (!address) { show('That is not an http(s) address.', 'bad'); return; }
  // Host access for exactly Hub's origin, asked while the click still counts as the user's gesture.
  const origins = [originPattern(address)];
  const granted = (await chrome.permissions.contains({ origins })) || (await chrome.permissions.request({ origins }));
  if (!granted) { show(`Chrome needs your permission to reach ${address}. Press Connect and allow it.`, 'bad'); return; }
  show('Connecting…');
  try {
    const server = await info(address);
    let token = $('secret').value.trim();
    if (isPairingCode(token)) {
      if (!can(server, 'pairing')) throw new HubError('too-old', `Hub ${server.version} cannot pair browsers; paste an API token instead.`);
      const claimed = await call({ address }, '/pairing/claim', { method: 'POST', auth: false, body: { code: token, deviceName: deviceName() } });
      token = claimed.secret;
    }
    const me = await call({ address, token }, '/me');
    await store.set({ connection: { address, token, me: { ...me, key: me.key ?? (me.tokenId ? `token:${me.tokenId}` : null) }, server } });
    $('secret').value = '';
    await render();
  } catch (err) {
    show(err.kind === 'not-found' ? 'That pairing code is unknown, used or expired. Make a new one.' : err.message, 'bad');
  }
});

$('disconnect').addEventListener('click', async () => {
  // Forgets the token; revoke it in Hub's token list too if this browser is gone for good.
  await store.set({ connection: null, sent: [], notes: {} });
  $('link-code').textContent = '';
  await render();
});

$('link-telegram').addEventListener('click', async () => {
  const { connection } = await store.get('connection');
  try {
    const code = await call(connection, '/pairing/telegram', { method: 'POST' });
    $('link-code').replaceChildren('Send this to Hub\'s bot within 10 minutes: ', Object.assign(document.createElement('span'), { className: 'code', textContent: code.command }));
  } catch (err) {
    $('link-code').textContent = err.message;
  }
});

for (const id of ['library', 'format', 'mode']) {
  $(id).addEventListener('change', async () => {
    await store.set({ defaults: { library: $('library').value, format: $('format').value, mode: $('mode').value } });
    $('saved').textContent = 'Saved.';
  });
}
$('notifications').addEventListener('change', async () => {
  await store.set({ notifications: $('notifications').checked });
  $('saved').textContent = 'Saved.';
});

async function render() {
  const { connection, defaults, notifications } = await store.get('connection', 'defaults', 'notifications');
  $('disconnect').hidden = !connection;
  $('prefs').hidden = !connection;
  $('telegram').hidden = !connection;
  $('notifications').checked = notifications;
  if (!connection) { show('Not connected.'); $('server-version').textContent = 'unknown'; return; }
  $('address').value = connection.address;
  try {
    const server = await info(connection.address);
    $('server-version').textContent = `${server.version} (API ${server.apiVersion})`;
    const me = await call(connection, '/me');
    show(`Connected as ${me.name} (${me.role}) to ${connection.address}.`, 'ok');
    $('telegram').hidden = !can(server, 'telegram-link');
    const libraries = await call(connection, '/libraries');
    $('library').replaceChildren(new Option('Automatic (Hub decides)', ''), ...libraries.map((l) => new Option(l.name, l.slug)));
    $('format').replaceChildren(new Option('The library\'s default', ''), ...(server.formats || []).map((f) => new Option(f, f)));
    $('library').value = defaults.library;
    $('format').value = defaults.format;
    $('mode').value = defaults.mode;
    // Keep the server's latest capabilities, unless the connection changed meanwhile (a Disconnect in another tab).
    const { connection: now } = await store.get('connection');
    if (now?.token === connection.token && now?.address === connection.address) await store.set({ connection: { ...now, server } });
  } catch (err) {
    show(err.message, 'bad');
  }
}

render();
