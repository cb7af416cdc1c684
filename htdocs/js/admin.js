// admin.js — admin.html: edit the site's settings, enable/disable accounts and grant
// or remove the admin role, and read the audit log; all through cgi-bin/config. The
// assistants and visitors section is admin-assistants.js's, the shop data uploads and
// the backup are admin-data.js's.

import { getJSON, postForm } from './api.js';
import { $, el, showAlert } from './dom.js';
import { t, onLangChange } from './i18n.js';
import { startAdminPage } from './guard.js';
import { dateTime } from './format.js';
import { describeError } from './errors.js';
import { applyRules, checkRules } from './admin-rules.js';
import { startDataSection } from './admin-data.js';
import { initAssistantsAdmin, fillVisitorSettings } from './admin-assistants.js';
import { accountButtons, initQuotaSettings } from './admin-accounts.js';

const CONFIG = 'cgi-bin/config';
let me = null;
let config = null;
let modelNames = [];
let quotas = null;
let showingRules = false; // the status line holds the form's own check

async function loadConfig({ fillForm = false } = {}) {
  try {
    config = await getJSON(CONFIG);
    showAlert('#admin-error', null);
  } catch (err) {
    if (err.status === 401 || err.status === 403) location.replace('./');
    else showAlert('#admin-error', describeError(err));
    return;
  }
  applyRules($('#config-form'), config.settings);
  applyRules($('#visitors-form'), config.settings);
  applyRules($('#quota-form'), config.settings);
  if (fillForm) {
    fill();
    fillVisitorSettings(config);
    quotas.fill();
  }
  renderUsers();
  renderAudit();
}

async function loadModels() {
  try {
    const data = await getJSON('cgi-bin/models');
    modelNames = (Array.isArray(data.models) ? data.models : []).map((m) => m.name);
  } catch {
    modelNames = [];
  }
}

function fill() {
  const form = $('#config-form');
  form.elements.system_prompt.value = config.system_prompt ?? '';
  form.elements.temperature.value = tidy(config.temperature);
  form.elements.top_p.value = tidy(config.top_p);
  form.elements.num_predict.value = tidy(config.num_predict);
  form.elements.open_registration.checked = Boolean(config.open_registration);
  fillModels(config.default_model || '');
}

// 0.69999999999999996 (a double printed in full) is shown as 0.7.
function tidy(value) {
  const n = Number(value);
  if (value === null || value === undefined || value === '' || !Number.isFinite(n)) return '';
  return String(Math.round(n * 10000) / 10000);
}

// An empty default means "the first model the backends list".
function fillModels(current) {
  const names = [...modelNames];
  if (current && !names.includes(current)) names.unshift(current);
  const select = $('#default-model');
  select.replaceChildren(new Option(t('admin.auto_model'), ''), ...names.map((name) => new Option(name, name)));
  select.value = current;
}

// Every value outside its rule, said in the page's language; false when one is.
function checkForm(form) {
  const problems = checkRules(form, config?.settings);
  showingRules = problems.length > 0;
  showAlert('#config-status', problems.map((p) => p.message).join(' · ') || null);
  return problems;
}

async function save(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const problems = checkForm(form);
  if (problems.length) {
    problems[0].input.focus();
    return;
  }
  const button = form.querySelector('[type="submit"]');
  button.disabled = true;
  try {
    await postForm(CONFIG, {
      system_prompt: form.elements.system_prompt.value,
      default_model: form.elements.default_model.value,
      temperature: form.elements.temperature.value,
      top_p: form.elements.top_p.value,
      num_predict: form.elements.num_predict.value,
      open_registration: form.elements.open_registration.checked,
    });
    showAlert('#config-status', t('admin.saved'), 'ok');
    await loadConfig();
  } catch (err) {
    showAlert('#config-status', describeError(err), 'error');
  } finally {
    button.disabled = false;
  }
}

/* ---------- users ---------- */

function renderUsers() {
  const users = Array.isArray(config?.users) ? config.users : [];
  $('#users-empty').hidden = users.length > 0;
  $('#user-rows').replaceChildren(...users.map(userRow));
}

function userRow(user) {
  const isAdmin = user.role === 'admin';
  const disabled = Boolean(user.disabled) && user.disabled !== '0';
  const self = me && String(me.id) === String(user.id);
  return el('tr', { 'data-testid': 'user-row', 'data-id': user.id, 'data-role': user.role, 'data-disabled': disabled ? '1' : '0' },
    el('td', {}, el('span', { class: 'strong', text: user.username }),
      self ? el('span', { class: 'badge', text: t('admin.you') }) : null),
    el('td', {}, el('span', { class: `badge ${isAdmin ? 'accent' : ''}`, text: t(isAdmin ? 'admin.role_admin' : 'admin.role_user') })),
    el('td', {}, el('span', { class: `badge ${disabled ? 'danger' : 'ok'}`, text: t(disabled ? 'admin.disabled' : 'admin.active') })),
    el('td', { class: 'nowrap', text: dateTime(user.created_at) }),
    el('td', { class: 'nowrap', text: user.last_login_at ? dateTime(user.last_login_at) : '—' }),
    el('td', { class: 'row-actions' },
      userButton(user, 'toggle-disabled', t(disabled ? 'admin.enable' : 'admin.disable'), { disabled: disabled ? 0 : 1 }, !disabled),
      userButton(user, 'toggle-admin', t(isAdmin ? 'admin.remove_admin' : 'admin.make_admin'), { role: isAdmin ? 'user' : 'admin' }, isAdmin),
      ...accountButtons(user, { me, reload: () => loadConfig(), status: (text, kind) => showAlert('#users-status', text, kind) })));
}

function userButton(user, testid, label, change, danger) {
  const button = el('button', {
    type: 'button',
    class: `btn small${danger ? ' danger' : ''}`,
    'data-testid': testid,
    'aria-label': `${label}: ${user.username}`,
    text: label,
  });
  button.addEventListener('click', () => changeUser(user, change, button));
  return button;
}

async function changeUser(user, change, button) {
  button.disabled = true;
  showAlert('#users-status', null);
  try {
    await postForm(CONFIG, { action: 'user', user_id: user.id, ...change });
    showAlert('#users-status', t('admin.user_updated', { name: user.username }), 'ok');
    await loadConfig();
  } catch (err) {
    showAlert('#users-status', describeError(err), 'error');
    button.disabled = false;
  }
}

/* ---------- audit ---------- */

function renderAudit() {
  const entries = Array.isArray(config?.audit) ? config.audit : [];
  $('#audit-empty').hidden = entries.length > 0;
  $('#audit-rows').replaceChildren(...entries.map((entry) => el('tr', { 'data-testid': 'audit-row' },
    el('td', { class: 'nowrap', text: dateTime(entry.at) }),
    el('td', { class: 'strong', text: entry.actor ?? '' }),
    el('td', {}, el('span', { class: 'badge', text: entry.action ?? '' })),
    el('td', { class: 'detail', text: auditDetail(entry) }))));
}

// "temperature: 0.7 → 0.4 · detail", from whichever fields the entry has.
function auditDetail(entry) {
  const parts = [];
  const change = entry.old_value != null || entry.new_value != null
    ? `${entry.old_value ?? '∅'} → ${entry.new_value ?? '∅'}` : '';
  if (entry.target && change) parts.push(`${entry.target}: ${change}`);
  else if (entry.target) parts.push(entry.target);
  else if (change) parts.push(change);
  if (entry.detail) parts.push(entry.detail);
  return parts.join(' · ');
}

async function start() {
  me = await startAdminPage();
  if (!me) return;
  const form = $('#config-form');
  form.addEventListener('submit', save);
  // A value corrected is no longer marked; the message goes at the next save.
  form.addEventListener('input', (event) => event.target.removeAttribute?.('aria-invalid'));
  startDataSection();
  quotas = initQuotaSettings(() => config, () => loadConfig());
  onLangChange(() => {
    if (showingRules) checkForm(form);
    renderUsers();
    renderAudit();
    fillModels($('#default-model').value);
  });
  await loadModels();
  await initAssistantsAdmin({ modelNames, changed: () => loadConfig() });
  await loadConfig({ fillForm: true });
}

start();
