// A tiny hash router: "#jobs", "#job/ID", "#entry/ID". A page is a module exporting
// `render(main, ...params)` that may return a cleanup function (to stop its live stream).
const routes = new Map();
let cleanup = null;

/** Registers a page: name is the first hash segment; load is () => import('./pages/x.js'). */
export function route(name, load, { title, admin = false } = {}) { routes.set(name, { load, title, admin }); }

let generation = 0;

/**
 * Renders the page the hash names into view. Each page gets a container of its own (display: contents): when the
 * person moves on before a page finished rendering, that page's late additions land in its own detached container,
 * not in the next page, and its live stream is stopped at once.
 */
export async function navigate(view, { isAdmin, fallback = 'dashboard' }) {
  const mine = ++generation;
  const focusedBefore = document.activeElement; // the link or key that asked for this page
  const [name, ...params] = (location.hash.slice(1) || fallback).split('/').map(decodeURIComponent);
  const r = routes.get(name) && (!routes.get(name).admin || isAdmin) ? routes.get(name) : routes.get(fallback);
  const key = routes.get(name) === r ? name : fallback;
  if (typeof cleanup === 'function') cleanup();
  cleanup = null;
  for (const a of document.querySelectorAll('#nav a')) {
    const active = a.getAttribute('href') === `#${key}`;
    a.classList.toggle('active', active);
    if (active) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  }
  // A settings page lights its group's summary; the group closes once its page opens.
  const more = document.getElementById('nav-more');
  if (more) {
    more.querySelector('summary').classList.toggle('active', !!more.querySelector('a.active'));
    more.open = false;
  }
  document.title = `${r.title ?? key} · Hub`;
  const main = Object.assign(document.createElement('div'), { className: 'view-page' });
  view.replaceChildren(main);
  view.setAttribute('aria-busy', 'true');
  try {
    const page = await r.load();
    const stop = await page.render(main, ...params);
    if (mine !== generation) {
      if (typeof stop === 'function') stop();
      return;
    }
    cleanup = stop;
  } finally {
    if (mine === generation) view.removeAttribute('aria-busy');
  }
  // For anyone measuring (the browser tests report the dashboard's first render): ms since navigation start.
  performance.mark(`hub:rendered:${key}`);
  // Move focus to the new page's heading for keyboard and screen-reader users (not on first load).
  // Unless the person has moved on meanwhile (focused something else while the page loaded): never steal their focus.
  const unmoved = document.activeElement === focusedBefore || document.activeElement === document.body;
  if (navigate.moved && unmoved) main.querySelector('h1')?.focus({ preventScroll: false });
  navigate.moved = true;
}
