// Libraries: what each holds and where; admins scan, create, edit (rules, the path template with a live example, the
// default format) and delete one, choosing what happens to its entries (moved to another library, or deleted).
import { el, api, post, state, act, toast, debounce, fmtBytes, empty, errorBox, pageHeader } from '../core.js';
import { FORMATS } from './import.js';

export async function render(main) {
  const admin = state.me.role === 'admin';
  const editor = el('div', { id: 'library-editor' });
  const cards = el('div', { class: 'cards', id: 'library-cards' });
  main.append(pageHeader('Libraries', admin ? el('button', { type: 'button', id: 'new-library', onclick: () => edit(null) }, 'New library') : ''), editor, cards);

  let counts = new Map();
  async function load() {
    try {
      const [libs, stats] = await Promise.all([api('/libraries'), api('/stats').catch(() => null)]);
      state.libraries = libs;
      counts = new Map((stats?.byLibrary ?? []).map((r) => [r.key, r]));
      cards.replaceChildren(...(libs.length ? libs.map(card) : [empty('No libraries.', admin ? 'Create one with "New library".' : 'Ask an admin to create one.')]));
    } catch (e) { cards.replaceChildren(errorBox(e, load)); }
  }

  function card(l) {
    const n = counts.get(l.name);
    return el('article', { class: 'panel card', 'data-library': l.slug },
      el('h2', {}, l.name, l.isDefault ? el('span', { class: 'badge' }, 'Default') : ''),
      el('dl', { class: 'facts' }, fact('Holds', l.mediaKind), fact('Entries', n ? `${n.entries} · ${fmtBytes(n.bytes)}` : '0'),
        fact('Folder', el('code', { class: 'break' }, l.rootFolder)), fact('Files named', el('code', { class: 'break' }, l.pathTemplate)),
        fact('Format', l.defaultFormat), fact('Subtitles', subtitleText(l)), fact('Rules', l.rules.length ? l.rules.map(ruleText).join('; ') : 'none')),
      admin ? el('div', { class: 'row-actions' },
        el('button', { type: 'button', class: 'secondary', onclick: (e) => act(e.currentTarget, () => post(`/libraries/${encodeURIComponent(l.slug)}/scan`), `Scanning ${l.name}`) }, 'Scan now'),
        el('button', { type: 'button', class: 'secondary', onclick: () => edit(l) }, 'Edit'),
        el('button', { type: 'button', class: 'danger', onclick: () => remove(l) }, 'Delete')) : '');
  }

  /** The create/edit form; l = null creates. */
  function edit(l) {
    const name = el('input', { id: 'lib-name', required: true, value: l?.name ?? '' });
    const kind = el('select', { id: 'lib-kind' }, ...['video', 'audio'].map((k) => el('option', { value: k, selected: l?.mediaKind === k }, k === 'video' ? 'Video' : 'Audio')));
    const folder = el('input', { id: 'lib-folder', value: l?.rootFolder ?? '', placeholder: 'the slug, under the media folder' });
    const template = el('input', { id: 'lib-template', class: 'mono', value: l?.pathTemplate ?? '', placeholder: 'by kind, e.g. {platform}/{uploader}/{title} [{id}].{ext}' });
    const example = el('p', { id: 'lib-example', class: 'muted break', 'aria-live': 'polite' });
    const format = el('select', { id: 'lib-format' }, ...FORMATS.map(([v, t]) => el('option', { value: v, selected: (l?.defaultFormat ?? '') === v }, v ? t : 'By media kind')));
    const isDefault = el('input', { type: 'checkbox', id: 'lib-default', checked: l?.isDefault ?? false });
    const threshold = el('input', { id: 'lib-threshold', type: 'number', min: '0', max: '1', step: '0.05', value: String(l?.reviewThreshold ?? 0.5) });
    const rules = el('div', { class: 'stack', id: 'lib-rules' }, ...(l?.rules ?? []).map(ruleRow));
    // Subtitles: Hub's setting (null), these languages, or none ([]); automatic captions likewise.
    const langs = l?.subtitleLanguages;
    const subs = el('select', { id: 'lib-subs' }, ...[['', 'As Hub is set'], ['list', 'These languages'], ['none', 'None']]
      .map(([v, t]) => el('option', { value: v, selected: v === (langs == null ? '' : langs.length ? 'list' : 'none') }, t)));
    const subLangs = el('input', { id: 'lib-sub-langs', value: langs?.join(', ') ?? '', placeholder: 'en, pt-BR, de.* (with variants), all' });
    const captions = el('select', { id: 'lib-captions' }, ...[['', 'As Hub is set'], ['on', 'Take them'], ['off', 'Leave them']]
      .map(([v, t]) => el('option', { value: v, selected: v === (l?.automaticCaptions == null ? '' : l.automaticCaptions ? 'on' : 'off') }, t)));
    const showLangs = () => { subLangs.disabled = subs.value !== 'list'; };
    subs.addEventListener('change', showLangs);
    showLangs();
    const field = (label, control, id) => el('label', { class: 'field grow', for: id }, el('span', {}, label), control);
    const showExample = debounce(async () => {
      const t = template.value.trim();
      if (!t) { example.textContent = 'Left empty: the usual template for the media kind.'; return; }
      try {
        const r = await api(`/libraries/template-example?template=${encodeURIComponent(t)}&kind=${kind.value}&library=${encodeURIComponent(name.value || 'Library')}`);
        example.replaceChildren('For example: ', el('code', {}, `${folder.value || l?.rootFolder || '…'}/${r.example}`));
        example.classList.remove('error');
      } catch (e) { example.textContent = e.message; example.classList.add('error'); }
    }, 250);
    template.addEventListener('input', showExample);
    kind.addEventListener('change', showExample);
    showExample();

    editor.replaceChildren(el('section', { class: 'panel', 'aria-labelledby': 'h-lib-edit' },
      el('h2', { id: 'h-lib-edit' }, l ? `Edit ${l.name}` : 'New library'),
      el('form', { id: 'lib-form', class: 'stack', onsubmit: async (e) => {
        e.preventDefault();
        const body = { name: name.value.trim(), mediaKind: kind.value, isDefault: isDefault.checked, reviewThreshold: Number(threshold.value),
          rules: [...rules.children].map(readRule),
          subtitleLanguages: subs.value === '' ? null : subs.value === 'none' ? [] : list(subLangs.value),
          automaticCaptions: captions.value === '' ? null : captions.value === 'on' };
        if (folder.value.trim()) body.rootFolder = folder.value.trim();
        if (template.value.trim()) body.pathTemplate = template.value.trim();
        if (format.value) body.defaultFormat = format.value;
        const saved = await act(e.submitter, () => l ? api(`/libraries/${l.id}`, { method: 'PATCH', body: JSON.stringify(body) }) : post('/libraries', body),
          l ? 'Saved' : 'Library created');
        if (saved) { editor.replaceChildren(); await load(); }
      } },
        el('div', { class: 'row-form' }, field('Name', name, 'lib-name'), field('Holds', kind, 'lib-kind'), field('Default format', format, 'lib-format')),
        el('div', { class: 'row-form' }, field('Folder (under the media folder, or absolute)', folder, 'lib-folder')),
        el('div', {}, field('File names (path template)', template, 'lib-template'),
          el('p', { class: 'muted' }, 'Tokens: {platform} {uploader} {title} {id} {year} {month} {ext} {library} {kind}; "/" makes folders; the file name needs {ext}.'), example),
        el('div', { class: 'row-form' }, el('label', { class: 'check' }, isDefault, ' Default library (used when no rule matches)'),
          field('Ask for review below this confidence', threshold, 'lib-threshold')),
        el('div', { class: 'row-form' }, field('Subtitles fetched with videos', subs, 'lib-subs'), field('Languages', subLangs, 'lib-sub-langs'),
          field('Automatic captions (speech recognition)', captions, 'lib-captions')),
        el('fieldset', { class: 'rules' }, el('legend', {}, 'Rules: an import goes here when one of them matches'), rules,
          el('button', { type: 'button', class: 'secondary', id: 'lib-add-rule', onclick: () => rules.append(ruleRow({})) }, 'Add a rule')),
        el('div', { class: 'row-actions' }, el('button', { type: 'submit' }, l ? 'Save' : 'Create'),
          el('button', { type: 'button', class: 'secondary', onclick: () => editor.replaceChildren() }, 'Cancel')))));
    name.focus();
  }

  /** Delete, with what happens to the entries spelled out before anything is done. */
  function remove(l) {
    const n = counts.get(l.name)?.entries ?? 0;
    const others = state.libraries.filter((o) => o.id !== l.id);
    const target = el('select', { id: 'lib-target', 'aria-label': 'Move the entries to' }, ...others.map((o) => el('option', { value: o.slug, selected: o.isDefault }, o.name)));
    const choice = (value, label, checked) => el('label', { class: 'check' }, el('input', { type: 'radio', name: 'lib-del', value, checked }), label);
    const body = n === 0 ? [el('p', {}, `${l.name} holds no entries; its folder is left on disk.`)] : [
      el('p', {}, `${l.name} holds ${n} ${n === 1 ? 'entry' : 'entries'}. What should happen to ${n === 1 ? 'it' : 'them'}?`),
      choice('move', el('span', {}, 'Move them to ', target, ': their files move into that library\'s folder, keeping their names, and stay in playlists.'), true),
      choice('remove', 'Delete them: the entries leave every playlist and their files are deleted from disk. This cannot be undone.', false),
      el('p', { class: 'muted' }, 'Files outside the library\'s folder (added from elsewhere) are never moved or deleted.')];
    editor.replaceChildren(el('section', { class: 'panel danger-zone', 'aria-labelledby': 'h-lib-del' }, el('h2', { id: 'h-lib-del' }, `Delete ${l.name}`),
      el('form', { id: 'lib-delete', class: 'stack', onsubmit: async (e) => {
        e.preventDefault();
        const mode = n === 0 ? 'refuse' : e.currentTarget.elements['lib-del'].value;
        const q = mode === 'move' ? `mode=move&target=${encodeURIComponent(target.value)}` : `mode=${mode}`;
        const r = await act(e.submitter, () => api(`/libraries/${l.id}?${q}`, { method: 'DELETE' }));
        if (!r) return;
        toast(`Deleted ${l.name}` + (r.entriesMoved ? `: ${r.entriesMoved} entries moved` : '') + (r.entriesRemoved ? `: ${r.entriesRemoved} entries deleted` : ''));
        editor.replaceChildren();
        await load();
      } }, ...body, el('div', { class: 'row-actions' }, el('button', { type: 'submit', class: 'danger' }, `Delete ${l.name}`),
        el('button', { type: 'button', class: 'secondary', onclick: () => editor.replaceChildren() }, 'Cancel')))));
    editor.querySelector('button[type=submit]').focus();
  }

  await load();
  return null;
}

const list = (v) => v.split(',').map((s) => s.trim()).filter(Boolean);

function ruleRow(r) {
  const input = (key, label, value, attrs = {}) => el('label', { class: 'field' }, el('span', {}, label), el('input', { 'data-key': key, value: value ?? '', ...attrs }));
  return el('div', { class: 'rule row-form' },
    input('platforms', 'Platforms', r.platforms?.join(', '), { placeholder: 'youtube, soundcloud' }),
    input('domains', 'Domains', r.domains?.join(', '), { placeholder: 'example.com' }),
    el('label', { class: 'field' }, el('span', {}, 'Kind'), el('select', { 'data-key': 'mediaKind' }, ...[['', 'Any'], ['video', 'Video'], ['audio', 'Audio']]
      .map(([v, t]) => el('option', { value: v, selected: (r.mediaKind ?? '') === v }, t)))),
    input('titleKeywords', 'Title words', r.titleKeywords?.join(', '), { placeholder: 'lecture, talk' }),
    input('minDurationSeconds', 'Min seconds', r.minDurationSeconds, { type: 'number', min: '0' }),
    input('maxDurationSeconds', 'Max seconds', r.maxDurationSeconds, { type: 'number', min: '0' }),
    el('button', { type: 'button', class: 'secondary', 'aria-label': 'Remove this rule', onclick: (e) => e.currentTarget.closest('.rule').remove() }, 'Remove'));
}

function readRule(row) {
  const v = (k) => row.querySelector(`[data-key=${k}]`).value.trim();
  const rule = {};
  for (const k of ['platforms', 'domains', 'titleKeywords']) if (list(v(k)).length) rule[k] = list(v(k));
  if (v('mediaKind')) rule.mediaKind = v('mediaKind');
  for (const k of ['minDurationSeconds', 'maxDurationSeconds']) if (v(k) !== '') rule[k] = Number(v(k));
  return rule;
}

function ruleText(r) {
  return [r.platforms?.length && `from ${r.platforms.join('/')}`, r.domains?.length && `on ${r.domains.join('/')}`, r.mediaKind,
    r.titleKeywords?.length && `title has "${r.titleKeywords.join('" or "')}"`,
    r.minDurationSeconds != null && `≥ ${r.minDurationSeconds}s`, r.maxDurationSeconds != null && `≤ ${r.maxDurationSeconds}s`].filter(Boolean).join(', ');
}

function subtitleText(l) {
  const langs = l.subtitleLanguages == null ? 'as Hub is set' : l.subtitleLanguages.length ? l.subtitleLanguages.join(', ') : 'none';
  return l.automaticCaptions == null ? langs : `${langs}; automatic captions ${l.automaticCaptions ? 'taken' : 'left'}`;
}

const fact = (k, v) => el('div', {}, el('dt', {}, k), el('dd', {}, v));
