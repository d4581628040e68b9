// Small SVG bar charts drawn here (a chart library would be ten times the size of what the admin needs). Sizes go in
// attributes, not style, so the page's CSP holds; colours come from the stylesheet (.chart rect).
import { el } from './core.js';

const NS = 'http://www.w3.org/2000/svg';
const svg = (tag, attrs = {}, ...kids) => {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const k of kids) e.append(k instanceof Node ? k : document.createTextNode(String(k)));
  return e;
};

/** Vertical bars over time: points = [{ label, value, title }]. */
export function barChart(title, points, { format = String, id } = {}) {
  const w = 600, h = 160, pad = 20;
  const max = Math.max(1, ...points.map((p) => p.value));
  const bw = (w - pad) / Math.max(points.length, 1);
  const chart = svg('svg', { viewBox: `0 0 ${w} ${h + 20}`, class: 'chart', role: 'img', 'aria-label': `${title}: ${points.length} bars, highest ${format(max)}` },
    svg('line', { x1: pad, y1: h, x2: w, y2: h, class: 'axis' }),
    svg('text', { x: 0, y: 12, class: 'tick' }, format(max)),
    ...points.map((p, i) => {
      const bh = Math.max(p.value > 0 ? 2 : 0, (p.value / max) * (h - 20));
      return svg('rect', { x: pad + i * bw + 1, y: h - bh, width: Math.max(bw - 2, 1), height: bh, rx: 2, 'data-value': p.value },
        svg('title', {}, `${p.label}: ${p.title ?? format(p.value)}`));
    }),
    ...(points.length ? [svg('text', { x: pad, y: h + 16, class: 'tick' }, points[0].label),
      svg('text', { x: w, y: h + 16, class: 'tick', 'text-anchor': 'end' }, points[points.length - 1].label)] : []));
  return el('figure', { class: 'panel chart-box', 'data-chart': id }, el('figcaption', {}, title), chart);
}

/** Horizontal bars for shares: rows = [{ label, value }]. */
export function shareChart(title, rows, { format = String, id } = {}) {
  const max = Math.max(1, ...rows.map((r) => r.value));
  return el('figure', { class: 'panel chart-box', 'data-chart': id }, el('figcaption', {}, title),
    rows.length ? el('ul', { class: 'shares' }, ...rows.map((r) => {
      const bar = el('meter', { min: '0', max: String(max), value: String(r.value), 'aria-label': r.label });
      return el('li', {}, el('span', { class: 'share-label' }, r.label || 'unknown'), bar, el('span', { class: 'share-value' }, format(r.value)));
    })) : el('p', { class: 'muted' }, 'Nothing yet.'));
}

const DAY = 86400000;
const isoDay = (t) => new Date(t).toISOString().slice(0, 10);

/** n days (oldest first) ending with `to` (YYYY-MM-DD, default today, UTC) with a value for each, zero where the series has none. */
export function lastDays(series, n, pick, to = isoDay(Date.now())) {
  const byDay = new Map(series.map((d) => [String(d.day).slice(0, 10), d]));
  const end = Date.parse(to);
  const out = [];
  for (let i = n - 1; i >= 0; i--) {
    const day = isoDay(end - i * DAY);
    const d = byDay.get(day);
    out.push({ label: day.slice(5), day, value: d ? pick(d) : 0 });
  }
  return out;
}

/**
 * Every day from `from` to `to` (YYYY-MM-DD, both included; `to` defaults to today) with a value for each, zero where
 * the series has none; past about four months the bars become months (summed), so long ranges stay readable.
 */
export function daysBetween(series, from, pick, to = isoDay(Date.now())) {
  const n = Math.max(1, Math.round((Date.parse(to) - Date.parse(from || to)) / DAY) + 1);
  const days = lastDays(series, n, pick, to);
  if (n <= 120) return days;
  const months = new Map();
  for (const d of days) {
    const m = d.day.slice(0, 7);
    months.set(m, { label: m, value: (months.get(m)?.value ?? 0) + d.value });
  }
  return [...months.values()];
}
