// Hub admin: a small single page over the REST API. Every text that came from the network is inserted as text
// nodes, never parsed as HTML: titles and uploaders are other people's words.
'use strict';

const state = { token: sessionStorage.getItem('hub.token') || localStorage.getItem('hub.token'), me: null, libraries: [], stream: null };
const $ = (id) => document.getElementById(id);

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    // style through the CSSOM: the page's Content-Security-Policy refuses style attributes.
    if (k === 'class') e.className = v; else if (k === 'style') e.style.cssText = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v); else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(c ?? ''));
  return e;
}

async function api(path, options = {}) {
  const headers = { Authorization: `Bearer ${state.token}`, ...(options.body ? { 'Content-Type': 'application/json' } : {}) };
  const res = await fetch(`/api/v1${path}`, { ...options, headers: { ...headers, ...options.headers } });
  if (res.status === 401) { logout('Your token is no longer valid.'); throw new Error('unauthorized'); }
  const text = await res.text();
  const body = text ? JSON.parse(text) : null;
  if (!res.ok) {
    const fields = body?.errors ? ' (' + Object.entries(body.errors).map(([f, m]) => `${f}: ${m}`).join('; ') + ')' : '';
    throw new Error((body?.detail || body?.title || res.statusText) + fields);
  }
  return body;
}

const fmtBytes = (n) => n == null ? '?' : n < 1024 ? `${n} B` : n < 1048576 ? `${(n / 1024).toFixed(1)} KiB`
  : n < 1073741824 ? `${(n / 1048576).toFixed(1)} MiB` : `${(n / 1073741824).toFixed(2)} GiB`;
const fmtDuration = (s) => s == null ? '' : new Date(s * 1000).toISOString().slice(s >= 3600 ? 11 : 14, 19);
const fmtTime = (t) => t ? new Date(t).toLocaleString() : '';

async function login(token, remember) {
  state.token = token;
  const me = await api('/me');
  state.me = me;
  (remember ? localStorage : sessionStorage).setItem('hub.token', token);
  $('who').textContent = `${me.name} (${me.role})`;
  $('login-view').hidden = true;
  $('nav').hidden = false;
  $('logout').hidden = false;
  for (const a of document.querySelectorAll('[data-admin]')) a.hidden = me.role !== 'admin';
  state.libraries = await api('/libraries').catch(() => []);
  const select = $('import-library');
  select.replaceChildren(el('option', { value: '' }, 'library: automatic'), ...state.libraries.map((l) => el('option', { value: l.slug }, l.name)));
  route();
}

function logout(message) {
  sessionStorage.removeItem('hub.token');
  localStorage.removeItem('hub.token');
  state.token = null;
  state.stream?.abort();
  for (const v of document.querySelectorAll('.view')) v.hidden = true;
  $('nav').hidden = true; $('logout').hidden = true; $('who').textContent = '';
  $('login-view').hidden = false;
  $('login-error').textContent = message || '';
}

// Admin only: fetches the signed release, swaps it in and runs the canary; the card shows the outcome.
function ytDlpUpdateButton() {
  const out = el('small', {});
  const button = el('button', { type: 'button', onclick: async () => {
    button.disabled = true; out.textContent = ' updating…';
    try { out.textContent = ' ' + (await api('/tools/yt-dlp/update', { method: 'POST', body: '{}' })).message; }
    catch (e) { out.textContent = ' ' + e.message; }
    button.disabled = false;
  } }, 'Update yt-dlp');
  return el('span', {}, button, out);
}

const views = {
  async dashboard() {
    const health = await fetch('/health/ready').then((r) => r.json());
    $('health').replaceChildren(...Object.entries(health.checks).map(([name, c]) => el('div', { class: 'card' },
      el('b', { class: c.status === 'Healthy' ? 'ok' : 'error' }, c.status), name, el('br'),
      el('small', {}, Object.entries(c.data || {}).map(([k, v]) => `${k} ${v}`).join(' · ').slice(0, 120)),
      ...(name === 'yt-dlp' ? [el('br'), el('small', {}, c.description || ''), el('br'), ytDlpUpdateButton()] : []))));
    try {
      const stats = await api('/stats');
      const cards = [['entries', stats.totals?.entries ?? stats.entries], ['stored', fmtBytes(stats.storage?.entriesBytes)], ['free', fmtBytes(stats.storage?.freeBytes)]];
      $('stats').replaceChildren(...cards.map(([k, v]) => el('div', { class: 'card' }, el('b', {}, String(v ?? '–')), k)));
    } catch (e) {
      $('stats').replaceChildren(el('p', {}, 'Statistics are not available: ' + e.message));
    }
  },
  async import() {},
  async jobs() {
    // A torrent's swarm: " · 5 peers (2 seeding) · ↑ 40 KB/s", or " · seeding to 3 peers".
    const swarmText = (s) => !s ? '' : (s.seeding ? ` · seeding to ${s.peers} peers` : ` · ${s.peers} peers (${s.seeders} seeding)`)
      + (s.uploadBps ? ` · ↑ ${fmtBytes(s.uploadBps)}/s` : '');
    const page = await api('/jobs?limit=50');
    const rows = new Map();
    const body = $('jobs-body');
    body.replaceChildren();
    const render = (job) => {
      const row = el('tr', {},
        el('td', { class: 'remote' }, job.title || job.source || job.kind),
        el('td', {}, job.state + (job.error ? ` — ${job.error}` : '')),
        el('td', {}, el('div', { class: 'bar', title: `${job.progress.toFixed(1)}%` }, el('div', { style: `width:${job.progress}%` })),
          ` ${fmtBytes(job.bytesDone)}${job.speedBps ? ` · ${fmtBytes(job.speedBps)}/s` : ''}${swarmText(job.swarm)}`),
        el('td', {}, job.door),
        el('td', {}, fmtTime(job.updatedAt ?? job.at)),
        el('td', {}, ...actions(job)));
      const old = rows.get(job.id);
      if (old) old.replaceWith(row); else body.prepend(row);
      rows.set(job.id, row);
    };
    for (const job of page.items.slice().reverse()) render(job);
    follow('/jobs/stream', (event, data) => { if (event === 'job' || event === 'end') render(data); });
  },
  async inbox() {
    const items = await api('/inbox');
    $('inbox-body').replaceChildren(...items.map((item) => {
      const pick = el('select', {}, ...state.libraries.map((l) => el('option', { value: l.slug }, l.name)));
      if (item.suggested?.name) pick.value = state.libraries.find((l) => l.name === item.suggested.name)?.slug ?? '';
      return el('tr', {},
        el('td', { class: 'remote' }, item.probe?.title || item.job.title || item.job.source),
        el('td', {}, item.suggested ? `${item.suggested.name ?? 'none'} (${(item.suggested.confidence * 100).toFixed(0)}%)` : ''),
        el('td', {}, pick),
        el('td', {},
          el('button', { onclick: () => act(`/inbox/${item.job.id}/approve`, { library: pick.value }, views.inbox) }, 'Approve'),
          el('button', { onclick: () => act(`/inbox/${item.job.id}/reject`, {}, views.inbox) }, 'Reject')));
    }));
  },
  async library() { await search($('search-q').value); },
  async libraries() {
    $('libraries-body').replaceChildren(...state.libraries.map((l) => el('tr', {},
      el('td', {}, l.name), el('td', {}, l.mediaKind), el('td', {}, l.rootFolder), el('td', {}, l.pathTemplate), el('td', {}, l.isDefault ? 'yes' : ''))));
  },
  async tokens() {
    const tokens = await api('/tokens');
    $('tokens-body').replaceChildren(...tokens.map((t) => el('tr', {},
      el('td', {}, t.name), el('td', {}, t.role), el('td', {}, t.ownerKey ? (tokens.find((o) => `token:${o.id}` === t.ownerKey)?.name ?? t.ownerKey) : ''),
      el('td', {}, t.prefix + '…'), el('td', {}, fmtTime(t.createdAt)),
      el('td', {}, fmtTime(t.lastUsedAt) || 'never'),
      el('td', {}, el('button', { onclick: () => confirm(`Revoke ${t.name}?`) && act(`/tokens/${t.id}`, null, views.tokens, 'DELETE') }, 'Revoke')))));
  },
};

function actions(job) {
  const out = [];
  if (!['completed', 'failed', 'cancelled'].includes(job.state)) out.push(el('button', { onclick: () => act(`/jobs/${job.id}/cancel`, {}) }, 'Cancel'));
  if (['failed', 'cancelled'].includes(job.state)) out.push(el('button', { onclick: () => act(`/jobs/${job.id}/retry`, {}) }, 'Retry'));
  if (job.entryId) out.push(el('button', { onclick: () => { location.hash = '#library'; play(job.entryId, job.title); } }, 'Play'));
  return out;
}

async function act(path, body, then, method = 'POST') {
  try {
    await api(path, { method, body: body ? JSON.stringify(body) : undefined });
    await then?.();
  } catch (e) { alert(e.message); }
}

// Server-sent events need the Authorization header, which EventSource cannot send: read the stream with fetch.
async function follow(path, onEvent) {
  state.stream?.abort();
  const controller = new AbortController();
  state.stream = controller;
  try {
    const res = await fetch(`/api/v1${path}`, { headers: { Authorization: `Bearer ${state.token}`, Accept: 'text/event-stream' }, signal: controller.signal });
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      let cut;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, cut); buffer = buffer.slice(cut + 2);
        let event = 'message', data = '';
        for (const line of block.split('\n')) {
          if (line.startsWith('event:')) event = line.slice(6).trim();
          else if (line.startsWith('data:')) data += line.slice(5).trim();
        }
        if (data) onEvent(event, JSON.parse(data));
      }
    }
  } catch (e) {
    if (e.name !== 'AbortError') $('live').textContent = '(live updates stopped: ' + e.message + ')';
  }
}

async function search(q) {
  const query = new URLSearchParams({ limit: '50' });
  if (q) query.set('q', q);
  try {
    const page = await api(`/entries?${query}`);
    $('entries-body').replaceChildren(...page.items.map((e) => el('tr', {},
      el('td', { class: 'remote' }, e.title), el('td', {}, e.mediaKind), el('td', {}, fmtDuration(e.durationSeconds)),
      el('td', {}, fmtBytes(e.sizeBytes)), el('td', {}, fmtTime(e.createdAt)),
      el('td', {}, el('button', { onclick: () => play(e.id, e.title, e.mediaKind) }, 'Play'),
        el('a', { href: '#', onclick: (ev) => { ev.preventDefault(); download(e.id); } }, ' download')))));
  } catch (e) {
    $('entries-body').replaceChildren(el('tr', {}, el('td', {}, e.message)));
  }
}

// Players cannot send a bearer token, so they get a short-lived signed link (which serves Range requests: seeking works).
async function play(id, title, kind) {
  const link = await api(`/entries/${id}/links`, { method: 'POST', body: JSON.stringify({ kind: 'stream' }) });
  const media = el(kind === 'audio' ? 'audio' : 'video', { controls: '', autoplay: '', src: link.url });
  $('player').replaceChildren(el('p', { class: 'remote' }, title || ''), media);
}

async function download(id) {
  const link = await api(`/entries/${id}/links`, { method: 'POST', body: JSON.stringify({ kind: 'download' }) });
  location.href = link.url;
}

function route() {
  if (!state.token) return logout();
  const name = (location.hash || '#dashboard').slice(1);
  for (const v of document.querySelectorAll('.view')) v.hidden = v.id !== name;
  for (const a of document.querySelectorAll('#nav a')) a.classList.toggle('active', a.getAttribute('href') === `#${name}`);
  if (name !== 'jobs') state.stream?.abort();
  views[name]?.().catch((e) => alert(e.message));
}

$('login-form').addEventListener('submit', (e) => {
  e.preventDefault();
  login($('token').value.trim(), $('remember').checked).catch((err) => { $('login-error').textContent = 'Login failed: ' + err.message; });
});
$('logout').addEventListener('click', () => logout());
$('search-form').addEventListener('submit', (e) => { e.preventDefault(); search($('search-q').value); });
$('probe-button').addEventListener('click', async () => {
  $('probe-result').replaceChildren('Looking…');
  try {
    const p = await api('/imports/probe', { method: 'POST', body: JSON.stringify({ url: $('import-url').value }) });
    $('probe-result').replaceChildren(el('div', { class: 'probe' },
      el('b', { class: 'remote' }, p.title || '(no title)'), el('br'),
      `${p.platform || ''} · ${p.uploader || 'unknown uploader'} · ${fmtDuration(p.durationSeconds) || 'duration unknown'}`
        + (p.isPlaylist ? ` · playlist of ${p.entryCount}` : '') + (p.sizeBytes ? ` · ${fmtBytes(p.sizeBytes)}` : '')));
  } catch (e) { $('probe-result').replaceChildren(el('p', { class: 'error' }, e.message)); }
});
$('import-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  try {
    const job = await api('/imports', { method: 'POST', body: JSON.stringify({
      url: $('import-url').value, library: $('import-library').value || null, format: $('import-format').value || null,
      mode: $('import-mode').value, door: 'web' }) });
    $('import-message').textContent = `Job ${job.id} is ${job.state}. Follow it under Jobs.`;
    $('import-message').className = 'ok';
  } catch (err) { $('import-message').textContent = err.message; $('import-message').className = 'error'; }
});
$('token-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  try {
    const created = await api('/tokens', { method: 'POST', body: JSON.stringify({ name: $('token-name').value, role: $('token-role').value }) });
    $('token-secret').textContent = `Token ${created.token.name}: ${created.secret} — shown once, copy it now.`;
    views.tokens();
  } catch (err) { $('token-secret').textContent = err.message; }
});
// Pairing: a one-time code the Chrome extension's options page takes instead of a token, and the bot's /link code.
$('pair-browser').addEventListener('click', async () => {
  try {
    const code = await api('/pairing', { method: 'POST', body: '{}' });
    $('pair-code').textContent = `Enter ${code.code} in the Hub extension's options (valid until ${fmtTime(code.expiresAt)}, once): it gets its own token for ${code.ownerName}.`;
  } catch (err) { $('pair-code').textContent = err.message; }
});
$('link-telegram').addEventListener('click', async () => {
  try {
    const code = await api('/pairing/telegram', { method: 'POST' });
    $('pair-code').textContent = `Send ${code.command} to Hub's bot (valid until ${fmtTime(code.expiresAt)}): that chat then follows ${code.ownerName}'s imports.`;
  } catch (err) { $('pair-code').textContent = err.message; }
});
window.addEventListener('hashchange', route);

if (state.token) login(state.token, !!localStorage.getItem('hub.token')).catch(() => logout()); else logout();
