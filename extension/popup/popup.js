// The popup: what Hub makes of this page, what media it holds, and one Send. Opened as a page for tests with
// ?tab=<id> (the tab it serves); from the toolbar it serves the active tab, reached through activeTab.
import { ACTIVE_STATES, adminUrl, call, can, info, playNowUrl, playUrl, pollJob, streamJob } from '../lib/hub.js';
import { detectMedia } from '../content/detect.js';
import * as store from '../lib/store.js';

const $ = (id) => document.getElementById(id);
const el = (tag, props = {}, ...children) => { const e = Object.assign(document.createElement(tag), props); e.append(...children); return e; };
let conn = null;
let target = null; // the URL Send imports
let tabId = null; // the tab this popup serves
let server = null; // what /info said
let sent = false; // once Send is pressed, a late probe answer must not replace what the send shows

function show(text, kind = '') {
  $('state').textContent = text;
  $('state').className = 'state ' + kind;
  $('state').dataset.kind = kind;
}

function refuse(err) {
  show(err.message, 'bad');
  $('state').dataset.reason = err.kind ?? 'error';
  if (err.kind === 'not-connected' || err.kind === 'token-revoked') $('open-options').hidden = false;
}

async function currentTab() {
  const asked = new URLSearchParams(location.search).get('tab');
  if (asked) return chrome.tabs.get(Number(asked));
  return (await chrome.tabs.query({ active: true, currentWindow: true }))[0];
}

const duration = (s) => (s == null ? null : `${Math.floor(s / 60)}:${String(Math.round(s % 60)).padStart(2, '0')}`);

/** "1:20", "1:02:05", "80.5" → seconds; NaN when it is none of these (Hub says why). */
function seconds(text) {
  const parts = String(text ?? '').trim().split(':');
  if (parts.some((p) => !/^\d+(\.\d+)?$/.test(p)) || parts.length > 3) return NaN;
  return parts.reduce((total, p) => total * 60 + Number(p), 0);
}

/** Seconds as the clip fields show them: m:ss or h:mm:ss, tenths when there are some. */
function clock(s) {
  const whole = Math.floor(s);
  const tenths = Math.round((s - whole) * 10);
  const h = Math.floor(whole / 3600), m = Math.floor(whole / 60) % 60, sec = whole % 60;
  const text = (h ? `${h}:${String(m).padStart(2, '0')}` : `${m}`) + `:${String(sec).padStart(2, '0')}`;
  return tenths ? `${text}.${tenths}` : text;
}

/** Where the page's video (the one playing, else the first) is now: read once more, under activeTab. */
async function playingTime() {
  try {
    const [{ result }] = await chrome.scripting.executeScript({
      target: { tabId },
      func: () => {
        const all = [...document.querySelectorAll('video, audio')];
        const m = all.find((x) => !x.paused) ?? all[0];
        return m && Number.isFinite(m.currentTime) ? m.currentTime : null;
      },
    });
    return result;
  } catch { return null; }
}

function offerClip(media) {
  const playing = media.find((m) => !m.paused) ?? media[0];
  $('clip-box').hidden = false;
  if (playing.currentTime > 0) $('clip-start').value = clock(playing.currentTime);
  const now = (field) => async () => {
    const t = await playingTime();
    if (t == null) return;
    $(field).value = clock(t);
    $('clip-on').checked = true;
  };
  $('clip-start-now').addEventListener('click', now('clip-start'));
  $('clip-end-now').addEventListener('click', now('clip-end'));
}

/** The clip the form asks for, or null for the whole video. */
function clipOfForm() {
  if (!$('clip-on').checked) return null;
  const n = (id) => { const v = seconds($(id).value); return Number.isFinite(v) ? v : null; };
  return { startSeconds: n('clip-start'), endSeconds: n('clip-end') };
}

async function main() {
  $('open-options').addEventListener('click', () => chrome.runtime.openOptionsPage());
  // Listened to once, before detect() fills the list (a choice made while it runs still counts).
  $('found').addEventListener('change', (e) => { if (e.target.name === 'target') target = e.target.value; });
  ({ connection: conn } = await store.get('connection'));
  renderRecent();
  if (!conn?.token) { refuse({ kind: 'not-connected', message: 'Not connected to a Hub. Open the options to connect this browser.' }); return; }
  const tab = await currentTab();
  if (!tab?.url || !/^https?:/i.test(tab.url)) {
    refuse({ kind: 'not-importable', message: 'This page cannot be imported: only http and https pages can.' });
    return;
  }
  target = tab.url;
  tabId = tab.id;
  $('url').textContent = tab.url;
  $('page').hidden = false;
  show('Asking Hub…');

  try {
    server = await info(conn.address);
    await call(conn, '/me');
  } catch (err) { $('page').hidden = true; refuse(err); return; }
  if (!can(server, 'imports')) { $('page').hidden = true; refuse({ kind: 'too-old', message: `Hub ${server.version} cannot import for the extension; update Hub.` }); return; }
  $('progress-box').dataset.stream = can(server, 'jobs.stream') ? 'sse' : 'poll';

  await Promise.all([fillPickers(server), detect(tab), probe(tab.url)]);
}

async function fillPickers(server) {
  const { defaults } = await store.get('defaults');
  try {
    const libraries = can(server, 'libraries') ? await call(conn, '/libraries') : [];
    $('library').replaceChildren(new Option('Automatic', ''), ...libraries.map((l) => new Option(l.name, l.slug)));
  } catch { /* the automatic choice still works */ }
  $('format').replaceChildren(new Option('Library default', ''), ...(server.formats || []).map((f) => new Option(f, f)));
  $('library').value = defaults.library;
  $('format').value = defaults.format;
  document.querySelector(`input[name=mode][value=${defaults.mode === 'review' ? 'review' : 'auto'}]`).checked = true;
}

/** One look at the page's video and audio elements and media links (scripting under activeTab). */
async function detect(tab) {
  let found;
  try {
    [{ result: found }] = await chrome.scripting.executeScript({ target: { tabId: tab.id }, func: detectMedia });
  } catch {
    return; // pages Chrome protects (the Web Store, other extensions) cannot be read
  }
  const choices = [
    ...found.media.map((m) => ({ url: m.src, label: `${m.kind === 'audio' ? 'Audio' : 'Video'}: ${m.src}${m.duration ? ` (${duration(m.duration)})` : ''}` })),
    ...found.links.map((l) => ({ url: l, label: `Link: ${l}` })),
  ].filter((c, i, all) => c.url !== tab.url && all.findIndex((x) => x.url === c.url) === i);
  if (can(server, 'imports.clip') && found.media.length) offerClip(found.media);
  if (!choices.length) return;
  $('found-heading').hidden = false;
  const radio = (url, label, checked) => el('li', {}, el('label', {}, el('input', { type: 'radio', name: 'target', value: url, checked }), ' ', label));
  $('found').replaceChildren(radio(tab.url, 'This page', true), ...choices.map((c) => radio(c.url, c.label, false)));
}

async function probe(url) {
  try {
    const p = await call(conn, '/imports/probe', { method: 'POST', body: { url } });
    if (sent) return; // a slow probe (yt-dlp on a busy machine) answered after the user had already sent
    $('preview').hidden = false;
    $('title').textContent = p.title || url;
    $('facts').textContent = [p.platform, duration(p.durationSeconds), p.isPlaylist ? `playlist of ${p.entryCount ?? '?'}` : null, p.mediaKind]
      .filter(Boolean).join(' · ');
    if (p.thumbnailUrl && /^https?:/.test(p.thumbnailUrl)) { $('thumb').src = p.thumbnailUrl; $('thumb').hidden = false; }
    // Hub says so itself, by the same de-duplication its imports use (the normalised URL, then the platform's id).
    const existing = p.alreadyInLibrary;
    if (existing) {
      show(`Already in the library: ${existing.title}. Sending again reuses that entry.`, 'ok');
      $('state').dataset.reason = 'already-in-library';
    } else {
      show('Ready to send.');
    }
  } catch (err) {
    if (sent) return;
    if (err.kind === 'not-importable' && $('found').children.length) {
      show(`Hub cannot import the page itself (${err.message}), but it can take a video found on it.`, 'bad');
      $('state').dataset.reason = 'not-importable';
    } else {
      refuse(err);
      if (err.kind === 'private-url' || err.kind === 'not-importable') $('send').disabled = true;
    }
  }
}

$('send-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  $('send').disabled = true;
  sent = true;
  try {
    const job = await call(conn, '/imports', {
      method: 'POST',
      body: {
        url: target, library: $('library').value || null, format: $('format').value || null,
        mode: document.querySelector('input[name=mode]:checked').value, door: 'extension', clip: clipOfForm(),
      },
    });
    await store.remember(job, { url: target });
    chrome.runtime.sendMessage({ type: 'tracked', job }).catch(() => {});
    show('Sent. Following the import…', 'ok');
    await followJob(job);
  } catch (err) {
    refuse(err);
    $('send').disabled = false;
  }
});

/** Live progress: the job's SSE stream, or polling when the stream fails. */
async function followJob(job) {
  $('progress-box').hidden = false;
  const onJob = async (j) => {
    $('job-state').textContent = `${j.state}${j.progress ? ` · ${Math.round(j.progress)}%` : ''}${j.error ? ` · ${j.error}` : ''}`;
    $('job-state').dataset.state = j.state;
    $('progress').value = j.progress || 0; // percent, 0 to 100
    // Play now: while the file is arriving, a signed link plays what is on disk (Hub says 409 when nothing plays yet).
    $('play-now').hidden = !(can(server, 'jobs.media') && j.state === 'downloading');
    await store.remember(j);
  };
  $('play-now').onclick = async () => {
    try {
      const url = await playNowUrl(conn, job.id);
      const probe = await fetch(url, { method: 'HEAD', cache: 'no-store', credentials: 'omit' });
      if (probe.status === 409) { show('Nothing to play yet: try again in a moment.', 'bad'); $('state').dataset.reason = 'not-playable-yet'; return; }
      $('play-now').dataset.url = url;
      await chrome.tabs.create({ url });
    } catch (err) { refuse(err); }
  };
  await onJob(job);
  let final;
  try {
    if ($('progress-box').dataset.stream !== 'sse') throw new Error('no stream');
    final = await streamJob(conn, job.id, onJob);
  } catch {
    $('progress-box').dataset.stream = 'poll';
    final = await pollJob(conn, job.id, onJob);
  }
  chrome.runtime.sendMessage({ type: 'tracked', job: final }).catch(() => {});
  $('play-now').hidden = true;
  if (final.state === 'completed') {
    show(`Imported: ${final.title || target}`, 'ok');
    $('state').dataset.reason = 'completed';
    $('progress').value = 100;
    if (final.entryId) {
      $('play').hidden = false;
      $('play').onclick = async () => chrome.tabs.create({ url: await playUrl(conn, final.entryId) });
    }
    $('open-hub').hidden = false;
    $('open-hub').onclick = () => chrome.tabs.create({ url: adminUrl(conn) });
  } else {
    refuse({ kind: final.state, message: `The import ${final.state}${final.error ? `: ${final.error}` : '.'}` });
  }
}

/** What this browser sent, newest first, with live state from storage (the worker keeps it current). */
async function renderRecent() {
  const { sent } = await store.get('sent');
  $('recent-box').hidden = !sent.length;
  $('recent').replaceChildren(...sent.slice(0, 8).map((s) => {
    const li = el('li', {}, el('span', { className: 'what', title: s.url || '' }, s.title || s.url || s.jobId),
      el('span', { className: 'muted' }, s.state + (ACTIVE_STATES.includes(s.state) && s.progress ? ` ${Math.round(s.progress)}%` : '')));
    li.dataset.job = s.jobId;
    li.dataset.state = s.state;
    if (s.state === 'completed' && s.entryId) {
      li.append(el('button', { type: 'button', textContent: 'Play', onclick: async () => chrome.tabs.create({ url: await playUrl(conn, s.entryId) }) }));
    }
    if (s.state === 'failed' || s.state === 'cancelled') {
      li.append(el('button', { type: 'button', textContent: 'Retry', onclick: () => retry(s.jobId) }));
    }
    return li;
  }));
}

async function retry(jobId) {
  try {
    const job = await call(conn, `/jobs/${jobId}/retry`, { method: 'POST' });
    await store.remember(job);
    chrome.runtime.sendMessage({ type: 'tracked', job }).catch(() => {});
  } catch (err) { refuse(err); }
}

chrome.storage.onChanged.addListener((changes) => { if (changes.sent) renderRecent(); });
chrome.runtime.sendMessage({ type: 'refresh' }).catch(() => {});
main();
