// header.js — the chat page's top bar: signed-in user, admin links, logout, and the
// tools menu that folds theme/language/user controls away on narrow screens.

import { postForm } from './api.js';
import { $ } from './dom.js';
import { bindThemePicker, bindLangPicker } from './prefs.js';

export function initHeader({ onLogout }) {
  const tools = $('#header-tools');
  const toggle = $('#tools-toggle');
  bindThemePicker($('#theme-picker'));
  bindLangPicker($('#lang-picker'));

  const close = () => {
    tools.classList.remove('open');
    toggle.setAttribute('aria-expanded', 'false');
  };
  toggle.addEventListener('click', (event) => {
    event.stopPropagation();
    const open = tools.classList.toggle('open');
    toggle.setAttribute('aria-expanded', String(open));
  });
  document.addEventListener('click', (event) => { if (!tools.contains(event.target)) close(); });
  document.addEventListener('keydown', (event) => { if (event.key === 'Escape') close(); });

  $('#logout').addEventListener('click', async () => {
    close();
    try {
      await postForm('cgi-bin/logout', {}, { allow401: true });
    } catch {
      /* the session is gone either way from our side */
    }
    onLogout();
  });
}

export function showUser(user) {
  const name = user?.username || '';
  $('#user-name').textContent = name;
  $('#user-avatar').textContent = name.slice(0, 1);
  $('#admin-links').hidden = user?.role !== 'admin';
}
