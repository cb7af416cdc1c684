// auth.js — the login / register view: tabs, form submission, errors from the API envelope
// (429 shows how long to wait and keeps the button disabled until then).

import { postForm } from './api.js';
import { $, $$ } from './dom.js';
import { t, setLang, getLang, onLangChange } from './i18n.js';

let view;
let errorBox;
let countdown = 0;

export function initAuth({ onSuccess }) {
  view = $('#auth-view');
  errorBox = $('#auth-error');
  const tabs = $$('[role="tab"]', view);
  for (const tab of tabs) {
    tab.addEventListener('click', () => selectTab(tab.dataset.tab));
    tab.addEventListener('keydown', (event) => {
      if (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight') return;
      const next = tabs[(tabs.indexOf(tab) + 1) % tabs.length];
      selectTab(next.dataset.tab);
      next.focus();
    });
  }
  bindForm($('#login-form'), 'cgi-bin/login', onSuccess);
  bindForm($('#register-form'), 'cgi-bin/register', onSuccess);
  for (const button of $$('[data-set-lang]', view)) button.addEventListener('click', () => setLang(button.dataset.setLang));
  markLang();
  onLangChange(markLang);
}

function markLang() {
  for (const button of $$('[data-set-lang]', view)) button.setAttribute('aria-pressed', String(button.dataset.setLang === getLang()));
}

function selectTab(name) {
  for (const tab of $$('[role="tab"]', view)) {
    const selected = tab.dataset.tab === name;
    tab.setAttribute('aria-selected', String(selected));
    tab.tabIndex = selected ? 0 : -1;
    $(`#${tab.getAttribute('aria-controls')}`).hidden = !selected;
  }
  showError(null);
}

function bindForm(form, path, onSuccess) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const username = form.elements.username.value.trim();
    const password = form.elements.password.value;
    if (!username || !password) {
      showError(t('auth.missing_fields'));
      return;
    }
    const submit = form.querySelector('[type="submit"]');
    submit.disabled = true;
    form.setAttribute('aria-busy', 'true');
    showError(null);
    try {
      const data = await postForm(path, { username, password }, { allow401: true });
      form.reset();
      await onSuccess(data.user);
    } catch (err) {
      failed(err, submit);
    } finally {
      form.removeAttribute('aria-busy');
      if (!countdown) submit.disabled = false;
    }
  });
}

function failed(err, submit) {
  if (err.code === 'network') {
    showError(t('error.network'));
    return;
  }
  const message = err.message || t('error.internal');
  if (err.status !== 429) {
    showError(message);
    return;
  }
  let left = err.retryAfter ?? 30;
  const tick = () => {
    if (left <= 0) {
      clearInterval(countdown);
      countdown = 0;
      submit.disabled = false;
      showError(`${message} ${t('auth.try_again_now')}`);
      return;
    }
    showError(`${message} ${t('error.retry_in', { s: left })}`);
    left -= 1;
  };
  clearInterval(countdown);
  submit.disabled = true;
  countdown = setInterval(tick, 1000);
  tick();
}

function showError(text) {
  errorBox.hidden = !text;
  errorBox.textContent = text || '';
}

export function showAuth(message = null) {
  view.hidden = false;
  showError(message);
  const visible = view.querySelector('[role="tabpanel"]:not([hidden]) input');
  visible?.focus();
}

export function hideAuth() {
  view.hidden = true;
  showError(null);
}
