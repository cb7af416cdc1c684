// admin-assistants.js — the assistants section of /admin.html: the list (access, data,
// enabled), the editor of one (texts in both languages, prompt, model and sampling,
// sources, instant answers, quick actions, who may use it, the sites that may embed
// it, and the script tag to paste there), and the visitors' settings.

import { getJSON, postForm } from './api.js';
import { $, el, showAlert } from './dom.js';
import { t, onLangChange } from './i18n.js';
import { describeError } from './errors.js';
import { assistantIcon } from './assistants.js';

const ASSISTANTS = 'cgi-bin/assistants';
const CONFIG = 'cgi-bin/config';
const ICONS = ['chat', 'bag', 'building', 'heart', 'help', 'star', 'search'];
const VISITOR_SETTINGS = ['default_assistant', 'guest_days', 'guest_messages_per_hour',
  'guest_messages_per_hour_per_address', 'guest_sessions_per_hour_per_address'];

let list = [];
let models = [];
let editing = null; // the slug being edited, '' for a new one
let onChanged = () => {};

async function load() {
  try {
    list = (await getJSON(ASSISTANTS)).assistants ?? [];
  } catch (err) {
    showAlert('#assistants-status', describeError(err));
    list = [];
  }
  render();
}

/* ---------- the list ---------- */

function render() {
  $('#assistant-rows').replaceChildren(...list.map(row));
  fillDefaultChoices();
}

function sourcesText(a) {
  const s = Array.isArray(a.sources) ? a.sources : [];
  if (!s.length) return t('assistants.source_none');
  return s.map((x) => t(`assistants.source_${x}`)).join(' · ');
}

function row(a) {
  return el('tr', { 'data-testid': 'assistant-row', 'data-slug': a.slug, 'data-enabled': a.enabled ? '1' : '0' },
    el('td', {}, el('span', { class: 'assistant-cell' }, assistantIcon(a.icon),
      el('span', {}, el('span', { class: 'strong', text: a.name }), el('span', { class: 'muted mono', text: ` ${a.slug}` })))),
    el('td', {}, el('span', { class: `badge ${a.public ? 'accent' : ''}`, text: t(a.public ? 'assistants.public_badge' : 'assistants.members_badge') })),
    el('td', { text: sourcesText(a) }),
    el('td', {}, el('span', { class: `badge ${a.enabled ? 'ok' : 'danger'}`, text: t(a.enabled ? 'admin.active' : 'admin.disabled') })),
    el('td', { class: 'row-actions' },
      button(t('assistants.edit'), 'assistant-edit', a, () => edit(a.slug)),
      button(t(a.enabled ? 'admin.disable' : 'admin.enable'), 'assistant-toggle', a,
        (b) => saveFields(a.slug, { enabled: a.enabled ? 0 : 1 }, b), a.enabled),
      a.builtin ? null : button(t('assistants.delete'), 'assistant-delete', a, (b) => remove(a, b), true)));
}

function button(label, testid, a, handler, danger = false) {
  const b = el('button', { type: 'button', class: `btn small${danger ? ' danger' : ''}`, 'data-testid': testid,
    'aria-label': `${label}: ${a.name}`, text: label });
  b.addEventListener('click', () => handler(b));
  return b;
}

async function saveFields(slug, fields, b) {
  if (b) b.disabled = true;
  showAlert('#assistants-status', null);
  try {
    await postForm(ASSISTANTS, { action: 'save', slug, ...fields });
    showAlert('#assistants-status', t('assistants.saved', { slug }), 'ok');
    await load();
    onChanged();
  } catch (err) {
    showAlert('#assistants-status', describeError(err), 'error');
    if (b) b.disabled = false;
  }
}

async function remove(a, b) {
  if (!window.confirm(t('assistants.confirm_delete', { name: a.name }))) return;
  b.disabled = true;
  try {
    await postForm(ASSISTANTS, { action: 'delete', slug: a.slug });
    showAlert('#assistants-status', t('assistants.deleted', { name: a.name }), 'ok');
    if (editing === a.slug) closeForm();
    await load();
    onChanged();
  } catch (err) {
    showAlert('#assistants-status', describeError(err), 'error');
    b.disabled = false;
  }
}

/* ---------- the editor ---------- */

// Quick actions are edited one a line, "label | text".
function actionsToText(actions) {
  return (Array.isArray(actions) ? actions : []).map((x) => `${x.label} | ${x.text.replace(/\n/g, '\\n')}`).join('\n');
}

function textToActions(text) {
  return JSON.stringify(text.split('\n').map((line) => line.trim()).filter(Boolean).map((line) => {
    const bar = line.indexOf('|');
    const label = (bar < 0 ? line : line.slice(0, bar)).trim();
    const said = (bar < 0 ? line : line.slice(bar + 1)).trim().replace(/\\n/g, '\n');
    return { label, text: said };
  }));
}

function numberText(v) {
  return v === null || v === undefined ? '' : String(Math.round(Number(v) * 10000) / 10000);
}

function fillSelect(select, options, value) {
  select.replaceChildren(...options.map(([v, label]) => new Option(label, v)));
  select.value = value;
}

function snippet(slug) {
  const src = new URL('widget.js', location.href).href;
  return `<script src="${src}" data-assistant="${slug}" defer></script>`;
}

function edit(slug) {
  const a = list.find((x) => x.slug === slug) ?? null;
  editing = a ? slug : '';
  const f = $('#assistant-form');
  const texts = a?.texts ?? {};
  f.hidden = false;
  $('#assistant-form-title').textContent = a ? t('assistants.editing', { name: a.name }) : t('assistants.new');
  f.elements.slug.value = a?.slug ?? '';
  f.elements.slug.readOnly = Boolean(a);
  fillSelect(f.elements.icon, ICONS.map((i) => [i, t(`assistants.icon_${i}`)]), a?.icon ?? 'chat');
  const modelOptions = [['', t('assistants.model_free')], ...models.map((m) => [m, m])];
  if (a?.model && !models.includes(a.model)) modelOptions.push([a.model, a.model]);
  fillSelect(f.elements.model, modelOptions, a?.model ?? '');
  f.elements.position.value = a ? '' : '100';
  f.elements.name.value = texts.name ?? '';
  f.elements.name_en.value = texts.name_en ?? '';
  f.elements.description.value = texts.description ?? '';
  f.elements.description_en.value = texts.description_en ?? '';
  f.elements.system_prompt.value = a?.system_prompt ?? '';
  f.elements.system_prompt_en.value = a?.system_prompt_en ?? '';
  f.elements.greeting.value = texts.greeting ?? '';
  f.elements.greeting_en.value = texts.greeting_en ?? '';
  f.elements.quick_actions.value = actionsToText(texts.quick_actions);
  f.elements.quick_actions_en.value = actionsToText(texts.quick_actions_en);
  f.elements.temperature.value = numberText(a?.temperature);
  f.elements.top_p.value = numberText(a?.top_p);
  f.elements.num_predict.value = numberText(a?.num_predict);
  const sources = a?.sources ?? [];
  f.elements.source_catalog.checked = sources.includes('catalog');
  f.elements.source_directory.checked = sources.includes('directory');
  f.elements.instant_answers.checked = Boolean(a?.instant_answers);
  f.elements.public.checked = Boolean(a?.public);
  f.elements.enabled.checked = a ? Boolean(a.enabled) : true;
  f.elements.embed_origins.value = (a?.embed_origins ?? []).join('\n');
  $('#as-snippet').value = snippet(a?.slug ?? 'SLUG');
  showAlert('#assistant-form-status', null);
  (a ? f.elements.name : f.elements.slug).focus();
}

function closeForm() {
  editing = null;
  $('#assistant-form').hidden = true;
}

function formFields(f) {
  const sources = [f.elements.source_catalog.checked ? 'catalog' : '', f.elements.source_directory.checked ? 'directory' : '']
    .filter(Boolean);
  const fields = {
    action: 'save',
    slug: f.elements.slug.value.trim(),
    name: f.elements.name.value,
    name_en: f.elements.name_en.value,
    description: f.elements.description.value,
    description_en: f.elements.description_en.value,
    icon: f.elements.icon.value,
    system_prompt: f.elements.system_prompt.value,
    system_prompt_en: f.elements.system_prompt_en.value,
    model: f.elements.model.value,
    temperature: f.elements.temperature.value,
    top_p: f.elements.top_p.value,
    num_predict: f.elements.num_predict.value,
    sources: sources.join(',') || 'none',
    instant_answers: f.elements.instant_answers.checked,
    greeting: f.elements.greeting.value,
    greeting_en: f.elements.greeting_en.value,
    quick_actions: textToActions(f.elements.quick_actions.value),
    quick_actions_en: textToActions(f.elements.quick_actions_en.value),
    public: f.elements.public.checked,
    enabled: f.elements.enabled.checked,
    embed_origins: f.elements.embed_origins.value.split(/[\s,]+/).filter(Boolean).join(','),
  };
  if (f.elements.position.value !== '') fields.position = f.elements.position.value;
  return fields;
}

async function submit(event) {
  event.preventDefault();
  const f = event.currentTarget;
  const b = f.querySelector('[type="submit"]');
  b.disabled = true;
  showAlert('#assistant-form-status', null);
  try {
    const fields = formFields(f);
    const data = await postForm(ASSISTANTS, fields);
    showAlert('#assistant-form-status', t('assistants.saved', { slug: fields.slug }), 'ok');
    await load();
    onChanged();
    edit(data.assistant?.slug ?? fields.slug);
    showAlert('#assistant-form-status', t('assistants.saved', { slug: fields.slug }), 'ok');
  } catch (err) {
    showAlert('#assistant-form-status', describeError(err), 'error');
  } finally {
    b.disabled = false;
  }
}

/* ---------- visitors' settings ---------- */

function fillDefaultChoices() {
  const select = $('#default-assistant');
  const current = select.dataset.value ?? select.value;
  fillSelect(select, list.filter((a) => a.enabled).map((a) => [a.slug, a.name]), current);
}

export function fillVisitorSettings(config) {
  const f = $('#visitors-form');
  $('#default-assistant').dataset.value = config.default_assistant ?? '';
  fillDefaultChoices();
  for (const key of VISITOR_SETTINGS.slice(1)) {
    if (f.elements[key]) f.elements[key].value = config[key] ?? '';
  }
}

async function saveVisitors(event) {
  event.preventDefault();
  const f = event.currentTarget;
  const b = f.querySelector('[type="submit"]');
  b.disabled = true;
  showAlert('#visitors-status', null);
  const fields = {};
  for (const key of VISITOR_SETTINGS) fields[key] = f.elements[key].value;
  try {
    const data = await postForm(CONFIG, fields);
    $('#default-assistant').dataset.value = data.default_assistant ?? fields.default_assistant;
    showAlert('#visitors-status', t('admin.saved'), 'ok');
    onChanged();
  } catch (err) {
    showAlert('#visitors-status', describeError(err), 'error');
  } finally {
    b.disabled = false;
  }
}

// changed(): the rest of the page reads the configuration again (the audit log).
export async function initAssistantsAdmin({ modelNames, changed }) {
  models = modelNames;
  onChanged = changed;
  $('#assistant-new').addEventListener('click', () => edit(null));
  $('#assistant-cancel').addEventListener('click', closeForm);
  $('#assistant-form').addEventListener('submit', submit);
  $('#assistant-form').elements.slug.addEventListener('input', (e) => {
    $('#as-snippet').value = snippet(e.target.value.trim() || 'SLUG');
  });
  $('#visitors-form').addEventListener('submit', saveVisitors);
  onLangChange(render);
  await load();
}
