// Tokens: list, create (shown once, with a copy button), revoke with a warning; the API refuses to revoke the last
// admin token and the page says why. Pairing codes for the extension and Telegram live here too.
import { el, api, post, act, toast, timeEl, empty, errorBox, pageHeader } from '../core.js';

export async function render(main) {
  const list = el('div', { class: 'rows', id: 'token-list' });
  const secret = el('div', { role: 'status' });
  const name = el('input', { id: 'token-name', placeholder: 'e.g. laptop', required: true });
  const role = el('select', { id: 'token-role' }, el('option', { value: 'user' }, 'User'), el('option', { value: 'admin' }, 'Admin'));
  const pair = el('p', { role: 'status' });
  main.append(pageHeader('Tokens'),
    el('section', { class: 'panel', 'aria-labelledby': 'h-new' }, el('h2', { id: 'h-new' }, 'New token'),
      el('form', { class: 'row-form', onsubmit: async (e) => {
        e.preventDefault();
        const created = await act(e.submitter, () => post('/tokens', { name: name.value, role: role.value }));
        if (!created) return;
        const out = el('input', { readonly: true, value: created.secret, 'aria-label': 'New token', class: 'grow mono' });
        secret.replaceChildren(el('div', { class: 'notice' }, el('p', {}, `Token "${created.token.name}" — shown once, copy it now.`),
          el('div', { class: 'row-form' }, out, el('button', { type: 'button', onclick: async () => {
            try { await navigator.clipboard.writeText(created.secret); toast('Copied'); } catch { out.select(); toast('Select and copy it from the box'); }
          } }, 'Copy'))));
        name.value = '';
        load();
      } }, el('label', { for: 'token-name' }, 'Name'), name, el('label', { for: 'token-role' }, 'Role'), role, el('button', { type: 'submit' }, 'Create')),
      secret),
    el('section', { 'aria-labelledby': 'h-list' }, el('h2', { id: 'h-list' }, 'Live tokens'), list),
    el('section', { class: 'panel', 'aria-labelledby': 'h-pair' }, el('h2', { id: 'h-pair' }, 'Connect a device'),
      el('div', { class: 'row-form' },
        el('button', { type: 'button', class: 'secondary', onclick: (e) => act(e.currentTarget, async () => {
          const c = await post('/pairing');
          pair.textContent = `Enter ${c.code} in the Hub extension's options (once, until ${new Date(c.expiresAt).toLocaleTimeString()}).`;
        }) }, 'Connect a browser extension'),
        el('button', { type: 'button', class: 'secondary', onclick: (e) => act(e.currentTarget, async () => {
          const c = await api('/pairing/telegram', { method: 'POST' });
          pair.textContent = `Send ${c.command} to Hub's bot (until ${new Date(c.expiresAt).toLocaleTimeString()}).`;
        }) }, 'Link Telegram')), pair));

  async function load() {
    try {
      const tokens = await api('/tokens');
      list.replaceChildren(...(tokens.length ? tokens.map((t) => el('div', { class: 'token-row', 'data-token': t.id },
        el('span', { class: 'tile-title' }, t.name, ' ', el('span', { class: `badge role-${t.role}` }, t.role === 'admin' ? 'Admin' : 'User')),
        el('span', { class: 'muted' }, el('code', {}, `${t.prefix}…`), ' · created ', timeEl(t.createdAt), ' · last used ', t.lastUsedAt ? timeEl(t.lastUsedAt) : 'never'),
        el('button', { type: 'button', class: 'danger', onclick: (e) => {
          if (!confirm(`Revoke "${t.name}"? Whatever uses it (a browser, a script, the extension) is signed out at once.`)) return;
          act(e.currentTarget, () => api(`/tokens/${t.id}`, { method: 'DELETE' }), `Revoked ${t.name}`).then(load);
        } }, 'Revoke'))) : [empty('No live tokens.')]));
    } catch (e) { list.replaceChildren(errorBox(e, load)); }
  }
  await load();
  return null;
}
