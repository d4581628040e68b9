// Notifications (admin): webhook targets (add, edit, delete, send a test), the events each hears and the body format
// its receiver reads, and the recent deliveries with their failures. /api/v1/webhooks does the work; the secret is
// shown once, when it is made.
import { el, api, post, act, toast, timeEl, empty, errorBox, pageHeader } from '../core.js';

const EVENTS = [['job.completed', 'An import finished'], ['job.failed', 'An import failed'], ['job.awaiting_review', 'An item waits in the inbox'],
  ['subscription.found', 'A subscription found new items'], ['subscription.failing', 'A subscription is failing'], ['disk.low', 'Disk space is low']];
const FORMATS = [['json', 'Hub JSON (signed)'], ['ntfy', 'ntfy'], ['gotify', 'Gotify'], ['discord', 'Discord'], ['slack', 'Slack']];
const OUTCOMES = { delivered: 'st-completed', retrying: 'st-retrying', failed: 'st-failed' };

const field = (label, input, cls = 'field') => el('div', { class: cls }, el('label', { for: input.id }, label), input);

export async function render(main) {
  const list = el('div', { class: 'rows', id: 'webhook-list' });
  const failures = el('div', { class: 'rows', id: 'delivery-failures' });
  const secret = el('div', { role: 'status' });
  main.append(pageHeader('Notifications'),
    el('section', { class: 'panel', 'aria-labelledby': 'h-add' }, el('h2', { id: 'h-add' }, 'New webhook'),
      targetForm('new', null, async (body) => {
        const created = await post('/webhooks', body);
        secret.replaceChildren(el('div', { class: 'notice' }, el('p', {}, `Signing secret of "${created.webhook.name}" (shown once; receivers check X-Hub-Signature-256 with it):`),
          el('input', { readonly: true, value: created.secret, 'aria-label': 'Signing secret', class: 'grow mono' })));
        await load();
        return `Added ${created.webhook.name}`;
      }), secret),
    el('section', { 'aria-labelledby': 'h-targets' }, el('h2', { id: 'h-targets' }, 'Webhooks'), list),
    el('section', { 'aria-labelledby': 'h-failures' }, el('h2', { id: 'h-failures' }, 'Recent delivery failures'), failures));

  async function load() {
    try {
      const hooks = await api('/webhooks');
      const logs = await Promise.all(hooks.map((w) => api(`/webhooks/${w.id}/deliveries?limit=10`).catch(() => [])));
      list.replaceChildren(...(hooks.length ? hooks.map((w, i) => target(w, logs[i], load))
        : [empty('No webhooks yet.', 'Add one above to hear about finished, failed and waiting imports in ntfy, Gotify, Discord, Slack or your own receiver.')]));
      const failed = hooks.flatMap((w, i) => logs[i].filter((d) => d.outcome !== 'delivered').map((d) => ({ ...d, target: w.name })))
        .sort((a, b) => new Date(b.at) - new Date(a.at)).slice(0, 20);
      failures.replaceChildren(...(failed.length ? failed.map((d) => delivery(d, d.target)) : [empty('No failed deliveries.')]));
    } catch (e) { list.replaceChildren(errorBox(e, load)); }
  }
  await load();
  return null;
}

/** The fields of a target; submit calls save with the body and toasts what it returns. */
function targetForm(key, w, save) {
  const id = (n) => `wh-${key}-${n}`;
  const name = el('input', { id: id('name'), required: true, value: w?.name ?? '', placeholder: 'e.g. phone' });
  const url = el('input', { id: id('url'), type: 'url', required: true, value: w?.url ?? '', placeholder: 'https://ntfy.example.org/hub' });
  const format = el('select', { id: id('format') }, ...FORMATS.map(([v, t]) => el('option', { value: v, selected: (w?.format ?? 'json') === v }, t)));
  const secretInput = el('input', { id: id('secret'), type: 'password', autocomplete: 'new-password', placeholder: w ? 'Leave empty to keep' : 'Leave empty to generate one' });
  const enabled = el('input', { id: id('enabled'), type: 'checkbox', checked: w ? w.enabled : true });
  const events = EVENTS.map(([v, t]) => el('label', { class: 'check' },
    el('input', { type: 'checkbox', name: id('event'), value: v, checked: w ? w.events.includes(v) : v !== 'job.completed' }), t));
  return el('form', { class: 'webhook-form', onsubmit: async (e) => {
    e.preventDefault();
    const chosen = events.map((l) => l.querySelector('input')).filter((c) => c.checked).map((c) => c.value);
    if (!chosen.length) { toast('Choose at least one event', 'error'); return; }
    const body = { name: name.value, url: url.value, format: format.value, events: chosen, enabled: enabled.checked, ...(secretInput.value ? { secret: secretInput.value } : {}) };
    const done = await act(e.submitter, () => save(body));
    if (done) toast(done);
  } },
  el('div', { class: 'row-form' }, field('Name', name), field('URL', url, 'field grow'), field('Format', format)),
  el('fieldset', { class: 'field' }, el('legend', {}, 'Events'), ...events),
  el('div', { class: 'row-form' }, field('Secret', secretInput), el('label', { class: 'check' }, enabled, 'Enabled'),
    el('button', { type: 'submit' }, w ? 'Save' : 'Add webhook')));
}

function target(w, log, reload) {
  const box = el('article', { class: 'panel webhook', 'data-webhook': w.id, 'aria-label': w.name });
  const view = () => box.replaceChildren(
    el('h3', { class: 'tile-title' }, w.name, ' ', el('span', { class: `badge ${w.enabled ? 'st-completed' : 'st-cancelled'}` }, w.enabled ? 'On' : 'Off'),
      ' ', el('span', { class: 'badge' }, FORMATS.find(([v]) => v === w.format)?.[1] ?? w.format)),
    el('p', { class: 'muted break' }, w.url),
    el('p', { class: 'muted' }, 'Hears: ', w.events.map((v) => EVENTS.find(([e]) => e === v)?.[1] ?? v).join(', ') || 'nothing'),
    el('div', { class: 'job-actions' },
      el('button', { type: 'button', class: 'secondary', onclick: (e) => act(e.currentTarget, () => post(`/webhooks/${w.id}/test`), 'Test sent').then(() => setTimeout(reload, 1500)) }, 'Send test'),
      el('button', { type: 'button', class: 'secondary', onclick: edit }, 'Edit'),
      el('button', { type: 'button', class: 'danger', onclick: (e) => {
        if (!confirm(`Delete the webhook "${w.name}" and its delivery log?`)) return;
        act(e.currentTarget, () => api(`/webhooks/${w.id}`, { method: 'DELETE' }), `Deleted ${w.name}`).then(reload);
      } }, 'Delete')),
    el('h4', {}, 'Recent deliveries'),
    log.length ? el('ul', { class: 'rows' }, ...log.map((d) => el('li', {}, delivery(d)))) : el('p', { class: 'muted' }, 'Nothing sent yet.'));
  function edit() {
    box.replaceChildren(el('h3', { class: 'tile-title' }, `Edit ${w.name}`),
      targetForm(w.id, w, async (body) => { await api(`/webhooks/${w.id}`, { method: 'PATCH', body: JSON.stringify(body) }); await reload(); return 'Saved'; }),
      el('button', { type: 'button', class: 'secondary', onclick: view }, 'Cancel'));
    box.querySelector('input')?.focus();
  }
  view();
  return box;
}

function delivery(d, targetName) {
  return el('div', { class: 'token-row delivery', 'data-outcome': d.outcome },
    el('span', {}, el('span', { class: `badge ${OUTCOMES[d.outcome] ?? ''}` }, d.outcome), ' ', d.event, targetName ? ` → ${targetName}` : ''),
    el('span', { class: 'muted' }, d.statusCode ? `HTTP ${d.statusCode}` : 'no answer', ` · attempt ${d.attempt} · ${d.durationMs} ms · `, timeEl(d.at)),
    d.error ? el('span', { class: 'job-error' }, d.error) : el('span', {}, ''));
}
