// Hub admin: sign-in, the menu, the theme and the page router. Each page is its own module under js/pages/, loaded
// when first opened; add a page with one route() line and one nav link.
import { state, $, api, setUnauthorizedHandler } from './js/core.js';
import { route, navigate } from './js/router.js';
import { initTheme } from './js/theme.js';

route('dashboard', () => import('./js/pages/dashboard.js'), { title: 'Dashboard' });
route('import', () => import('./js/pages/import.js'), { title: 'Import' });
route('jobs', () => import('./js/pages/jobs.js'), { title: 'Jobs' });
route('job', () => import('./js/pages/job.js'), { title: 'Job' });
route('library', () => import('./js/pages/library.js'), { title: 'Library' });
route('entry', () => import('./js/pages/entry.js'), { title: 'Entry' });
route('playlists', () => import('./js/pages/playlists.js'), { title: 'Playlists' });
route('playlist', () => import('./js/pages/playlist.js'), { title: 'Playlist' });
route('inbox', () => import('./js/pages/inbox.js'), { title: 'Inbox', admin: true });
route('tokens', () => import('./js/pages/tokens.js'), { title: 'Tokens', admin: true });
route('libraries', () => import('./js/pages/libraries.js'), { title: 'Libraries' });
route('system', () => import('./js/pages/system.js'), { title: 'System', admin: true });
route('stats', () => import('./js/pages/stats.js'), { title: 'Statistics' });
route('telegram', () => import('./js/pages/telegram.js'), { title: 'Telegram', admin: true });
route('subscriptions', () => import('./js/pages/subscriptions.js'), { title: 'Subscriptions' });
route('notifications', () => import('./js/pages/notifications.js'), { title: 'Notifications', admin: true });

const KEY = 'hub.token';

async function signIn(token, remember) {
  state.token = token;
  state.me = await api('/me');
  // Remembered tokens live in localStorage (this device, until sign-out); the others in sessionStorage (this tab).
  sessionStorage.removeItem(KEY); localStorage.removeItem(KEY);
  (remember ? localStorage : sessionStorage).setItem(KEY, token);
  $('who').textContent = `${state.me.name} · ${state.me.role}`;
  $('logout').title = `Signed in as ${state.me.name} (${state.me.role})`; // shown as text only on wide screens
  for (const a of document.querySelectorAll('[data-admin]')) a.hidden = state.me.role !== 'admin';
  state.libraries = await api('/libraries').catch(() => []);
  $('login-view').hidden = true;
  $('top').hidden = false;
  await show();
}

function signOut(message) {
  sessionStorage.removeItem(KEY); localStorage.removeItem(KEY);
  state.token = null; state.me = null;
  location.hash = '';
  $('view').replaceChildren();
  $('top').hidden = true;
  $('login-view').hidden = false;
  $('login-error').textContent = message || '';
  $('token').value = '';
  $('token').focus();
}
setUnauthorizedHandler(signOut);

async function show() {
  if (!state.token) return;
  closeMenu();
  await navigate($('view'), { isAdmin: state.me?.role === 'admin' }).catch((e) => {
    $('view').replaceChildren(document.createTextNode(e.message));
  });
}

function closeMenu() { document.body.classList.remove('menu-open'); $('menu-button').setAttribute('aria-expanded', 'false'); }

$('menu-button').addEventListener('click', () => {
  const open = document.body.classList.toggle('menu-open');
  $('menu-button').setAttribute('aria-expanded', String(open));
  if (open) $('nav').querySelector('a')?.focus();
});
document.addEventListener('keydown', (e) => {
  if (e.key !== 'Escape') return;
  if ($('nav-more').open) { $('nav-more').open = false; $('nav-more').querySelector('summary').focus(); return; }
  if (document.body.classList.contains('menu-open')) { closeMenu(); $('menu-button').focus(); }
});
// The settings group closes on a click anywhere else, like any menu.
document.addEventListener('click', (e) => { if ($('nav-more').open && !$('nav-more').contains(e.target)) $('nav-more').open = false; });
$('login-form').addEventListener('submit', (e) => {
  e.preventDefault();
  $('login-error').textContent = '';
  signIn($('token').value.trim(), $('remember').checked).catch((err) => {
    state.token = null;
    $('login-error').textContent = err.status === 401
      ? 'That token is not valid: it may have been revoked. Ask an admin for a new one.' : `Sign-in failed: ${err.message}`;
  });
});
$('logout').addEventListener('click', () => signOut('You are signed out.'));
window.addEventListener('hashchange', show);
initTheme($('theme'));

const saved = sessionStorage.getItem(KEY) || localStorage.getItem(KEY);
if (saved) {
  signIn(saved, !!localStorage.getItem(KEY)).catch((e) => { if (e.status !== 401) signOut(`Could not reach Hub: ${e.message}`); });
} else {
  signOut();
}
