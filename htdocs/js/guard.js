// guard.js — shared start of the admin pages: theme, language, icons, pickers, and the
// check that an administrator is signed in (anyone else is sent back to the chat).

import { getJSON } from './api.js';
import { $ } from './dom.js';
import { hydrateIcons } from './icons.js';
import { applyI18n } from './i18n.js';
import { initTheme } from './theme.js';
import { bindThemePicker, bindLangPicker } from './prefs.js';

export async function startAdminPage() {
  initTheme();
  hydrateIcons();
  applyI18n();
  bindThemePicker($('#theme-picker'));
  bindLangPicker($('#lang-picker'));
  let user = null;
  try {
    user = (await getJSON('cgi-bin/login', undefined, { allow401: true })).user;
  } catch {
    user = null;
  }
  if (!user || user.role !== 'admin') {
    location.replace('./');
    return null;
  }
  $('#user-name').textContent = user.username;
  $('#user-avatar').textContent = user.username.slice(0, 1);
  $('#boot').hidden = true;
  $('#console').hidden = false;
  return user;
}
