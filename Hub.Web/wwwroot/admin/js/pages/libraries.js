// Libraries: what each holds and where, with a scan button for admins.
import { el, api, post, state, act, empty, errorBox, pageHeader } from '../core.js';

export async function render(main) {
  let libs;
  try { libs = state.libraries = await api('/libraries'); } catch (e) { main.append(pageHeader('Libraries'), errorBox(e)); return null; }
  const admin = state.me.role === 'admin';
  main.append(pageHeader('Libraries'), libs.length ? el('div', { class: 'cards' }, ...libs.map((l) => el('article', { class: 'panel card' },
    el('h2', {}, l.name, l.isDefault ? el('span', { class: 'badge' }, 'Default') : ''),
    el('dl', { class: 'facts' }, fact('Holds', l.mediaKind), fact('Folder', el('code', { class: 'break' }, l.rootFolder)),
      fact('Files named', el('code', { class: 'break' }, l.pathTemplate)), fact('Format', l.defaultFormat)),
    admin ? el('button', { type: 'button', class: 'secondary', onclick: (e) => act(e.currentTarget, () => post(`/libraries/${encodeURIComponent(l.slug)}/scan`), `Scanning ${l.name}`) }, 'Scan now') : '')))
    : empty('No libraries.', 'Create one with `hub library create`.'));
  return null;
}

const fact = (k, v) => el('div', {}, el('dt', {}, k), el('dd', {}, v));
