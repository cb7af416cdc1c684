// admin-accounts.js — the admin page's account actions beyond enable/disable and the
// admin role: an account's own quota, a password reset (the temporary password shown
// once), deleting an account; and the quota settings for users and visitors.

import { postForm } from './api.js';
import { $, el } from './dom.js';
import { icon } from './icons.js';
import { t } from './i18n.js';
import { openDialog } from './dialog.js';
import { copyWithFeedback } from './markdown.js';
import { describeError } from './errors.js';

const CONFIG = 'cgi-bin/config';
const QUOTA_KEYS = ['quota_user_messages_per_day', 'quota_user_tokens_per_day', 'quota_guest_messages_per_day',
  'quota_guest_tokens_per_day'];

function button(label, testid, onClick, danger = false) {
  const b = el('button', { type: 'button', class: `btn small${danger ? ' danger' : ''}`, 'data-testid': testid, text: label });
  b.addEventListener('click', () => onClick(b));
  return b;
}

// "—" for the setting's own, "no limit" for 0.
function limitText(value) {
  if (value === null || value === undefined) return t('admin.quota_default');
  return Number(value) === 0 ? t('admin.quota_none') : String(value);
}

function quotaDialog(user, { reload, status }) {
  const field = (name, label, value) => {
    const input = el('input', { class: 'input', type: 'number', min: 0, step: 1, name, id: `q-${name}`, 'data-testid': `quota-${name}`,
      placeholder: t('admin.quota_default') });
    input.value = value ?? '';
    return el('div', { class: 'field' }, el('label', { for: `q-${name}`, text: label }), input);
  };
  const save = el('button', { type: 'submit', class: 'btn primary', 'data-testid': 'quota-save', text: t('admin.save') });
  const problem = el('p', { class: 'alert', role: 'alert', hidden: true });
  const form = el('form', { class: 'config-form' },
    el('p', { class: 'field-help', text: t('admin.quota_help') }),
    field('messages_per_day', t('admin.quota_messages'), user.quota_messages_per_day),
    field('tokens_per_day', t('admin.quota_tokens'), user.quota_tokens_per_day),
    problem, el('div', { class: 'form-row' }, save));
  const { close } = openDialog({ title: t('admin.quota_for', { name: user.username }), testid: 'quota-dialog', body: form });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    save.disabled = true;
    try {
      await postForm(CONFIG, { action: 'set_quota', user_id: user.id, messages_per_day: form.elements.messages_per_day.value,
        tokens_per_day: form.elements.tokens_per_day.value });
      close();
      status(t('admin.user_updated', { name: user.username }), 'ok');
      await reload();
    } catch (err) {
      problem.hidden = false;
      problem.textContent = describeError(err);
      save.disabled = false;
    }
  });
}

async function resetPassword(user, b, { reload, status }) {
  if (!window.confirm(t('admin.reset_confirm', { name: user.username }))) return;
  b.disabled = true;
  try {
    const r = await postForm(CONFIG, { action: 'reset_password', user_id: user.id });
    const shown = el('input', { class: 'input share-link', readonly: true, 'data-testid': 'temporary-password', 'aria-label': t('admin.temporary_password') });
    shown.value = r.temporary_password;
    const copy = el('button', { type: 'button', class: 'btn primary' }, icon('copy'), el('span', { text: t('share.copy') }));
    copy.addEventListener('click', () => copyWithFeedback(copy, shown.value));
    openDialog({ title: t('admin.temporary_password'), testid: 'reset-dialog',
      body: [el('p', { class: 'dialog-text', text: t('admin.reset_done', { name: user.username }) }),
        el('div', { class: 'form-row share-row' }, shown, copy)] });
    await reload();
  } catch (err) {
    status(describeError(err), 'error');
  } finally {
    b.disabled = false;
  }
}

async function deleteUser(user, b, { reload, status }) {
  if (!window.confirm(t('admin.delete_confirm', { name: user.username }))) return;
  b.disabled = true;
  try {
    await postForm(CONFIG, { action: 'delete_user', user_id: user.id });
    status(t('admin.user_deleted', { name: user.username }), 'ok');
    await reload();
  } catch (err) {
    status(describeError(err), 'error');
    b.disabled = false;
  }
}

// The buttons of one row of the accounts table. ctx: { me, reload(), status(text, kind) }.
export function accountButtons(user, ctx) {
  const own = user.quota_messages_per_day != null || user.quota_tokens_per_day != null;
  const quota = button(own ? t('admin.quota_own', { m: limitText(user.quota_messages_per_day), k: limitText(user.quota_tokens_per_day) })
    : t('admin.quota'), 'set-quota', () => quotaDialog(user, ctx));
  const self = ctx.me && String(ctx.me.id) === String(user.id);
  if (self) return [quota];
  return [quota, button(t('admin.reset_password'), 'reset-password', (b) => resetPassword(user, b, ctx)),
    button(t('admin.delete_user'), 'delete-user', (b) => deleteUser(user, b, ctx), true)];
}

// The quota settings panel: fill it from the configuration, save it like the others.
export function initQuotaSettings(getConfig, reload) {
  const form = $('#quota-form');
  if (!form) return { fill() {} };
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const box = $('#quota-status');
    const fields = Object.fromEntries(QUOTA_KEYS.map((k) => [k, form.elements[k].value || '0']));
    try {
      await postForm(CONFIG, fields);
      box.hidden = false;
      box.className = 'alert ok';
      box.textContent = t('admin.saved');
      await reload();
    } catch (err) {
      box.hidden = false;
      box.className = 'alert';
      box.textContent = describeError(err);
    }
  });
  return {
    fill() {
      const config = getConfig();
      for (const k of QUOTA_KEYS) form.elements[k].value = config?.[k] ?? 0;
    },
  };
}
