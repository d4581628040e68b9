// Subscriptions: the channels, playlists and feeds Hub follows, with how their checks went (last and next check,
// found/imported/skipped, the last error); follow a new one with an explicit start (from now, from a date, the last N),
// pause or resume, check now, stop following. /api/v1/subscriptions decides who sees what.
import { el, api, post, act, state, timeEl, empty, errorBox, pageHeader, libraryName } from '../core.js';

const FORMATS = [['', 'Library default'], ['video_best', 'Best video'], ['video_1080', 'Video up to 1080p'], ['video_720', 'Video up to 720p'],
  ['audio_best', 'Best audio'], ['audio_mp3', 'Audio as MP3']];

// Jellyfin/Plex/Kodi .nfo and poster beside each file: Hub's setting (Hub:MediaServer:WriteNfo) or this subscription's.
const MEDIA_SERVER = [['default', "As Hub is set"], ['on', 'Write .nfo and poster'], ['off', 'Do not write them']];
const mediaServerSelect = (id, value) => el('select', { id }, ...MEDIA_SERVER.map(([v, t]) => el('option', { value: v, selected: v === value }, t)));

const field = (label, input, cls = 'field') => el('div', { class: cls }, el('label', { for: input.id }, label), input);

export async function render(main) {
  const list = el('div', { class: 'rows', id: 'subscription-list' });
  main.append(pageHeader('Subscriptions'),
    el('section', { class: 'panel', 'aria-labelledby': 'h-follow' }, el('h2', { id: 'h-follow' }, 'Follow a channel, playlist or feed'), form(load)),
    el('section', { 'aria-labelledby': 'h-followed' }, el('h2', { id: 'h-followed' }, 'Followed'), list));

  async function load() {
    try {
      const subs = await api('/subscriptions');
      list.replaceChildren(...(subs.length ? subs.map((s) => row(s, load))
        : [empty('Nothing followed yet.', 'Paste a channel, playlist or podcast feed above: new items then arrive by themselves.')]));
    } catch (e) { list.replaceChildren(errorBox(e, load)); }
  }
  await load();
  return null;
}

function form(reload) {
  const url = el('input', { id: 'sub-url', type: 'url', required: true, placeholder: 'https://… a channel, playlist or RSS feed', });
  const name = el('input', { id: 'sub-name', placeholder: 'Optional' });
  const library = el('select', { id: 'sub-library' }, el('option', { value: '' }, 'Choose per item'), ...state.libraries.map((l) => el('option', { value: l.slug }, l.name)));
  const format = el('select', { id: 'sub-format' }, ...FORMATS.map(([v, t]) => el('option', { value: v }, t)));
  const mode = el('select', { id: 'sub-mode' }, el('option', { value: 'auto' }, 'Download at once'), el('option', { value: 'review' }, 'Send to the inbox first'));
  const interval = el('input', { id: 'sub-interval', type: 'number', min: '5', step: '1', value: '60', inputmode: 'numeric' });
  const mediaServer = mediaServerSelect('sub-media-server', 'default');
  const max = el('input', { id: 'sub-max', type: 'number', min: '1', max: '500', step: '1', value: '10', inputmode: 'numeric' });
  const date = el('input', { id: 'sub-start-date', type: 'date' });
  const count = el('input', { id: 'sub-start-count', type: 'number', min: '1', max: '500', step: '1', value: '5', inputmode: 'numeric' });
  const radio = (value, label, checked) => el('label', { class: 'check' },
    el('input', { type: 'radio', name: 'sub-start', value, checked, onchange: sync }), label);
  const starts = el('fieldset', { class: 'field' }, el('legend', {}, 'Start with'),
    radio('now', 'New items from now on', true), radio('date', 'Items since a date', false), radio('last', 'The newest few items', false),
    field('Since', date), field('How many', count));
  function sync() {
    const from = starts.querySelector('input[name="sub-start"]:checked').value;
    date.closest('.field').hidden = from !== 'date';
    count.closest('.field').hidden = from !== 'last';
    date.required = from === 'date';
  }
  sync();
  const status = el('p', { role: 'status', class: 'muted' });
  return el('form', { onsubmit: async (e) => {
    e.preventDefault();
    const from = starts.querySelector('input[name="sub-start"]:checked').value;
    const start = from === 'date' ? { from, date: new Date(date.value).toISOString() } : from === 'last' ? { from, count: Number(count.value) } : { from };
    const created = await act(e.submitter, () => post('/subscriptions', {
      url: url.value, name: name.value || null, library: library.value || null, format: format.value || null, mode: mode.value,
      intervalMinutes: Number(interval.value), maxPerCheck: Number(max.value), start,
      mediaServerFiles: mediaServer.value,
    }), 'Following');
    if (!created) return;
    status.textContent = `Following ${created.name}. The first check runs now.`;
    url.value = ''; name.value = '';
    reload();
  } },
  el('div', { class: 'row-form' }, field('Link', url, 'field grow'), field('Name', name)),
  el('div', { class: 'row-form' }, field('Library', library), field('Format', format), field('New items', mode)),
  el('div', { class: 'row-form' }, field('Check every (minutes)', interval), field('At most per check', max), field('Media-server files', mediaServer)),
  starts, el('button', { type: 'submit' }, 'Follow'), status);
}

function row(s, reload) {
  const failing = s.consecutiveFailures > 0;
  const start = s.start.from === 'date' ? `since ${new Date(s.start.date).toLocaleDateString()}` : s.start.from === 'last' ? `the last ${s.start.count}` : 'from now on';
  const facts = [
    ['Last check', s.lastCheckAt ? timeEl(s.lastCheckAt) : 'not yet'],
    ['Next check', s.paused ? 'paused' : timeEl(s.nextCheckAt)],
    ['Found', String(s.itemsFound)], ['Imported', String(s.itemsImported)], ['Skipped', String(s.itemsSkipped)],
    ['Library', s.libraryId ? libraryName(s.libraryId) || 'a library' : 'chosen per item'],
    ['Started', start], ['Every', `${s.intervalMinutes} min`],
  ];
  return el('article', { class: 'panel subscription', 'data-subscription': s.id, 'aria-label': s.name },
    el('h3', { class: 'tile-title' }, s.name, ' ',
      s.paused ? el('span', { class: 'badge st-cancelled' }, 'Paused') : failing ? el('span', { class: 'badge st-failed' }, 'Failing') : el('span', { class: 'badge st-completed' }, 'Active'),
      s.mode === 'review' ? el('span', { class: 'badge st-awaiting_review' }, 'Inbox') : ''),
    el('p', { class: 'muted break' }, s.url),
    el('dl', { class: 'facts' }, ...facts.map(([k, v]) => el('div', {}, el('dt', {}, k), el('dd', {}, v)))),
    s.lastError ? el('p', { class: 'job-error', role: 'note' }, `Last error${failing ? ` (${s.consecutiveFailures} in a row)` : ''}: `, s.lastError) : '',
    el('div', { class: 'row-form' }, field('Media-server files', (() => {
      const select = mediaServerSelect(`sub-media-server-${s.id}`, s.mediaServerFiles);
      select.onchange = () => act(select, () => api(`/subscriptions/${s.id}`, { method: 'PATCH', body: JSON.stringify({ mediaServerFiles: select.value }) }),
        'Saved: media-server files');
      return select;
    })())),
    el('div', { class: 'job-actions' },
      el('button', { type: 'button', class: 'secondary', onclick: (e) => act(e.currentTarget,
        () => api(`/subscriptions/${s.id}`, { method: 'PATCH', body: JSON.stringify({ paused: !s.paused }) }), s.paused ? 'Resumed' : 'Paused').then(reload) },
      s.paused ? 'Resume' : 'Pause'),
      el('button', { type: 'button', class: 'secondary', onclick: (e) => act(e.currentTarget, () => post(`/subscriptions/${s.id}/check`), 'Checking now').then(reload) }, 'Check now'),
      el('button', { type: 'button', class: 'danger', onclick: (e) => {
        if (!confirm(`Stop following "${s.name}"? What it imported stays in the library.`)) return;
        act(e.currentTarget, () => api(`/subscriptions/${s.id}`, { method: 'DELETE' }), `Stopped following ${s.name}`).then(reload);
      } }, 'Delete')));
}
