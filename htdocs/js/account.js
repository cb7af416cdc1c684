// account.js — /account.html: today's use against the quota, a new password (which ends
// the other sessions; forced after an administrator's reset), the open sessions with
// revoke, export and import of every conversation, and deleting the account.

import { getJSON, postForm } from './api.js';
import { $, el, showAlert } from './dom.js';
import { hydrateIcons } from './icons.js';
import { applyI18n, t, onLangChange } from './i18n.js';
import { initTheme } from './theme.js';
import { bindThemePicker, bindLangPicker } from './prefs.js';
import { dateTime, number } from './format.js';
import { describeError } from './errors.js';
import { exportConversations, pickAndImport } from './transfer.js';

const ACCOUNT = 'cgi-bin/account';
let data = null;

async function load() {
  try {
    data = await getJSON(ACCOUNT, undefined, { allow401: true });
  } catch (err) {
    if (err.status === 401) location.replace('./');
    else showAlert('#account-error', describeError(err));
    return false;
  }
  render();
  return true;
}

function render() {
  const user = data.user;
  $('#user-name').textContent = user.username;
  $('#user-avatar').textContent = user.username.slice(0, 1);
  $('#account-sub').textContent = t('account.sub', { name: user.username, role: t(user.role === 'admin' ? 'admin.role_admin' : 'admin.role_user'),
    since: dateTime(user.created_at) });
  const forced = Boolean(user.must_change_password);
  $('#must-change').hidden = !forced;
  for (const id of ['#usage-panel', '#sessions-panel', '#data-panel', '#delete-panel']) $(id).hidden = forced;
  renderUsage();
  renderSessions();
}

/* ---------- usage ---------- */

function meter(label, used, max, testid) {
  const bar = el('progress', { class: 'meter', max: max || 1, value: max ? Math.min(used, max) : 0, 'aria-label': label });
  const text = max ? t('account.used_of', { n: number(used), max: number(max) }) : t('account.used_unlimited', { n: number(used) });
  return el('div', { class: `usage-item${max && used >= max ? ' full' : ''}`, 'data-testid': testid },
    el('span', { class: 'stat-label', text: label }), el('span', { class: 'usage-value', text }), max ? bar : null);
}

function renderUsage() {
  const u = data.usage;
  const q = u.quota || {};
  $('#usage').replaceChildren(meter(t('account.messages'), u.messages_today, q.messages_per_day, 'usage-messages'),
    meter(t('account.tokens'), u.tokens_today, q.tokens_per_day, 'usage-tokens'));
  $('#usage-reset').textContent = u.limited === false ? t('account.admin_unlimited')
    : t('account.resets', { when: dateTime(u.reset_at) });
}

/* ---------- sessions ---------- */

// "Firefox · Linux" from a user agent, else its start.
function device(ua) {
  if (!ua) return t('account.unknown_device');
  const browser = [['Edg/', 'Edge'], ['Firefox/', 'Firefox'], ['Chrome/', 'Chrome'], ['Safari/', 'Safari'], ['curl/', 'curl']]
    .find(([mark]) => ua.includes(mark))?.[1];
  const os = [['Android', 'Android'], ['iPhone', 'iPhone'], ['iPad', 'iPad'], ['Windows', 'Windows'], ['Mac OS', 'macOS'], ['Linux', 'Linux']]
    .find(([mark]) => ua.includes(mark))?.[1];
  return [browser, os].filter(Boolean).join(' · ') || ua.slice(0, 60);
}

function renderSessions() {
  $('#session-rows').replaceChildren(...data.sessions.map((s) => {
    const revoke = el('button', { type: 'button', class: 'btn small danger', 'data-testid': 'revoke-session',
      text: s.current ? t('account.sign_out') : t('account.revoke') });
    revoke.addEventListener('click', () => revokeSession(s, revoke));
    return el('tr', { 'data-testid': 'session-row', 'data-current': s.current ? '1' : '0' },
      el('td', { title: s.user_agent || '' }, el('span', { class: 'strong', text: device(s.user_agent) }),
        s.current ? el('span', { class: 'badge accent', text: t('account.this_session') }) : null),
      el('td', { class: 'mono', text: s.address || '—' }),
      el('td', { class: 'nowrap', text: dateTime(s.created_at) }),
      el('td', { class: 'nowrap', text: s.last_seen_at ? dateTime(s.last_seen_at) : '—' }),
      el('td', { class: 'row-actions' }, revoke));
  }));
}

async function revokeSession(session, button) {
  button.disabled = true;
  try {
    const r = await postForm(ACCOUNT, { action: 'revoke', session_id: session.id });
    if (r.current) location.replace('./');
    else await load();
  } catch (err) {
    button.disabled = false;
    showAlert('#account-error', describeError(err));
  }
}

/* ---------- password ---------- */

async function changePassword(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const current = form.elements.current_password.value;
  const next = form.elements.new_password.value;
  if (next.length < 8) return showAlert('#password-status', t('account.too_short'));
  if (next !== form.elements.confirm_password.value) return showAlert('#password-status', t('account.mismatch'));
  const button = form.querySelector('[type="submit"]');
  button.disabled = true;
  showAlert('#password-status', null);
  const forced = Boolean(data.user.must_change_password);
  try {
    const r = await postForm(ACCOUNT, { action: 'password', current_password: current, new_password: next }, { allow401: true });
    form.reset();
    if (forced) {
      location.replace('./');
      return;
    }
    showAlert('#password-status', t('account.password_changed', { n: r.sessions_ended }), 'ok');
    await load();
  } catch (err) {
    showAlert('#password-status', err.status === 401 ? t('account.wrong_current') : describeError(err));
  } finally {
    button.disabled = false;
  }
}

/* ---------- delete ---------- */

async function deleteAccount(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const password = form.elements.password.value;
  if (!password) return showAlert('#delete-status', t('account.delete_needs_password'));
  if (!window.confirm(t('account.delete_confirm'))) return undefined;
  const button = form.querySelector('[type="submit"]');
  button.disabled = true;
  try {
    await postForm(ACCOUNT, { action: 'delete', password }, { allow401: true });
    location.replace('./');
  } catch (err) {
    showAlert('#delete-status', err.status === 401 ? t('account.wrong_password') : describeError(err));
    button.disabled = false;
  }
  return undefined;
}

async function start() {
  initTheme();
  hydrateIcons();
  applyI18n();
  bindThemePicker($('#theme-picker'));
  bindLangPicker($('#lang-picker'));
  if (!(await load())) return;
  $('#boot').hidden = true;
  $('#console').hidden = false;
  $('#password-form').addEventListener('submit', changePassword);
  $('#delete-form').addEventListener('submit', deleteAccount);
  $('#export-all').addEventListener('click', () => exportConversations(null, 'json'));
  $('#import').addEventListener('click', () => pickAndImport(() => load()));
  onLangChange(() => { if (data) render(); });
  if (data.user.must_change_password || location.hash === '#password') $('#current-password').focus();
}

start();
