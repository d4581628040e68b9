// Telegram: the bot's settings (confirm first, default library, format and import mode, files or links), its
// contacts with approve / block / role buttons, and what people recently did in the chat. Admin only, like its API.
import { el, api, act, state, timeEl, empty, errorBox, pageHeader } from '../core.js';
import { FORMATS } from './import.js';

const STATUS = { pending: 'Waiting for approval', allowed: 'Allowed', blocked: 'Blocked' };

export async function render(main) {
  const confirmFirst = el('input', { type: 'checkbox', id: 'tg-confirm' });
  const library = el('select', { id: 'tg-library' }, el('option', { value: '' }, 'Let the library rules choose'),
    ...state.libraries.map((l) => el('option', { value: l.slug }, l.name)));
  const format = el('select', { id: 'tg-format' }, ...FORMATS.map(([v, t]) => el('option', { value: v }, t)));
  const mode = el('select', { id: 'tg-mode' }, el('option', { value: 'auto' }, 'File it at once'), el('option', { value: 'review' }, 'Send to the inbox first'));
  const delivery = el('select', { id: 'tg-delivery' }, el('option', { value: 'files' }, 'Send the file into the chat when it fits'),
    el('option', { value: 'links' }, 'Send links only'));
  const contacts = el('div', { class: 'rows', id: 'tg-contacts' });
  const interactions = el('div', { id: 'tg-interactions' });
  const newId = el('input', { id: 'tg-new-id', inputmode: 'numeric', pattern: '[0-9]+', required: true, placeholder: 'e.g. 123456789' });
  const field = (label, control) => el('label', { class: 'field' }, el('span', {}, label), control);

  main.append(pageHeader('Telegram'),
    el('section', { class: 'panel', 'aria-labelledby': 'h-tg-settings' }, el('h2', { id: 'h-tg-settings' }, 'Bot settings'),
      el('form', { id: 'tg-settings', class: 'stack', onsubmit: async (e) => {
        e.preventDefault();
        const saved = await act(e.submitter, () => api('/telegram/settings', { method: 'PUT', body: JSON.stringify({
          confirm: confirmFirst.checked ? 'on' : 'off', defaultLibrary: library.value, defaultFormat: format.value,
          importMode: mode.value, delivery: delivery.value }) }), 'Saved');
        if (saved) show(saved);
      } },
        el('label', { class: 'check' }, confirmFirst, ' Ask the sender to confirm library and format before an import starts'),
        el('div', { class: 'row-form' }, field('Default library', library), field('Default format', format), field('Links from non-admins', mode),
          field('Results', delivery)),
        el('p', { class: 'muted' }, 'These are everyone\'s defaults; each person may change format, confirming and results for themselves with /settings in the chat.'),
        el('div', {}, el('button', { type: 'submit' }, 'Save settings')))),
    el('section', { 'aria-labelledby': 'h-tg-contacts' }, el('h2', { id: 'h-tg-contacts' }, 'Contacts'),
      el('form', { class: 'row-form', onsubmit: async (e) => {
        e.preventDefault();
        const added = await act(e.submitter, () => api('/telegram/contacts', { method: 'POST', body: JSON.stringify({ telegramId: Number(newId.value) }) }), 'Added');
        if (added) { newId.value = ''; loadContacts(); }
      } }, field('Telegram user id', newId), el('button', { type: 'submit' }, 'Allow this person')),
      contacts),
    el('section', { 'aria-labelledby': 'h-tg-log' }, el('h2', { id: 'h-tg-log' }, 'Recent interactions'), interactions));

  function show(s) {
    confirmFirst.checked = s.confirm === 'on';
    library.value = s.defaultLibrary ?? '';
    format.value = s.defaultFormat ?? '';
    mode.value = s.importMode ?? 'auto';
    delivery.value = s.delivery;
  }

  let people = [];
  async function loadContacts() {
    try {
      people = await api('/telegram/contacts');
      // Those waiting first: they are why an admin opens this page.
      people.sort((a, b) => (a.status === 'pending' ? 0 : 1) - (b.status === 'pending' ? 0 : 1) || new Date(b.updatedAt) - new Date(a.updatedAt));
      contacts.replaceChildren(...(people.length ? people.map(contactRow)
        : [empty('No contacts yet.', 'People who write to the bot appear here to be approved; or allow someone by their Telegram user id above.')]));
    } catch (e) { contacts.replaceChildren(errorBox(e, loadContacts)); }
  }

  const change = (c, body, done) => (e) => act(e.currentTarget, () => api(`/telegram/contacts/${c.telegramId}`, { method: 'PATCH', body: JSON.stringify(body) }), done)
    .then(() => Promise.all([loadContacts(), loadInteractions()]));

  function contactRow(c) {
    const who = nameOf(c);
    return el('div', { class: 'token-row', 'data-contact': c.telegramId, 'data-status': c.status, 'data-role': c.role },
      el('span', { class: 'tile-title remote' }, who, ' ', el('span', { class: `badge tg-${c.status}` }, STATUS[c.status] ?? c.status),
        c.role === 'admin' ? el('span', { class: 'badge role-admin' }, 'Admin') : ''),
      el('span', { class: 'muted' }, `id ${c.telegramId}`, ' · last seen ', c.lastSeenAt ? timeEl(c.lastSeenAt) : 'never'),
      el('span', { class: 'row-actions' },
        c.status !== 'allowed' ? el('button', { type: 'button', onclick: change(c, { status: 'allowed' }, `${who} may use the bot`) }, 'Approve') : '',
        c.status !== 'blocked' ? el('button', { type: 'button', class: 'danger', onclick: (e) => {
          if (confirm(`Block ${who}? The bot stops answering them, and what they started is cancelled.`)) change(c, { status: 'blocked' }, `${who} is blocked`)(e);
        } }, 'Block') : '',
        el('button', { type: 'button', class: 'secondary', onclick: change(c, { role: c.role === 'admin' ? 'user' : 'admin' }, 'Role changed') },
          c.role === 'admin' ? 'Make user' : 'Make admin')));
  }

  async function loadInteractions() {
    try {
      const page = await api('/telegram/interactions?pageSize=20');
      const byId = new Map(people.map((c) => [c.telegramId, nameOf(c)]));
      interactions.replaceChildren(page.items.length ? el('ul', { class: 'panel log-list' }, ...page.items.map((i) => el('li', {},
        timeEl(i.at), ' ', el('strong', { class: 'remote' }, byId.get(i.telegramId) ?? `id ${i.telegramId}`), ' ',
        el('span', { class: 'muted' }, i.kind), ' ', el('code', { class: 'remote' }, i.text ?? ''), ' → ', el('span', { class: 'remote' }, i.result))))
        : empty('Nobody has written to the bot yet.', 'Messages, commands and button presses appear here with what the bot did.'));
    } catch (e) { interactions.replaceChildren(errorBox(e, loadInteractions)); }
  }

  try { show(await api('/telegram/settings')); } catch (e) { main.append(errorBox(e)); }
  await loadContacts();
  await loadInteractions();
  return null;
}

function nameOf(c) {
  const full = [c.firstName, c.lastName].filter(Boolean).join(' ');
  return c.username ? `@${c.username}${full ? ` (${full})` : ''}` : full || `Telegram user ${c.telegramId}`;
}
