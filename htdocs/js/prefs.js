// prefs.js — binds the theme and language <select>s found on every page.

import { THEMES, currentTheme, setTheme, onThemeChange } from './theme.js';
import { LANGS, getLang, setLang, onLangChange, t } from './i18n.js';

const LANG_NAMES = { es: 'Español', en: 'English' };

function fillThemes(select) {
  select.replaceChildren(...THEMES.map((name) => new Option(t(`theme.${name}`), name)));
  select.value = currentTheme();
}

export function bindThemePicker(select) {
  if (!select) return;
  fillThemes(select);
  select.addEventListener('change', () => setTheme(select.value));
  onThemeChange((theme) => { select.value = theme; });
  onLangChange(() => fillThemes(select));
}

export function bindLangPicker(select) {
  if (!select) return;
  select.replaceChildren(...LANGS.map((code) => new Option(LANG_NAMES[code], code)));
  select.value = getLang();
  select.addEventListener('change', () => setLang(select.value));
  onLangChange((lang) => { select.value = lang; });
}
