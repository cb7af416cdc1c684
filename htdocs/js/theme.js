// theme.js — light / dark / pain themes: data-theme on <html>, the choice kept in localStorage,
// and until the user picks one the theme follows prefers-color-scheme.

export const THEMES = ['light', 'dark', 'pain'];
const KEY = 'microchat.theme';
const media = window.matchMedia('(prefers-color-scheme: dark)');

function stored() {
  try {
    const value = localStorage.getItem(KEY);
    return THEMES.includes(value) ? value : null;
  } catch {
    return null;
  }
}

function systemTheme() {
  return media.matches ? 'dark' : 'light';
}

export function currentTheme() {
  const value = document.documentElement.dataset.theme;
  return THEMES.includes(value) ? value : systemTheme();
}

function apply(theme) {
  const root = document.documentElement;
  const changed = root.dataset.theme !== theme;
  root.dataset.theme = theme;
  for (const link of document.querySelectorAll('link[data-hljs-theme]')) {
    link.disabled = link.dataset.hljsTheme !== theme;
  }
  if (changed) window.dispatchEvent(new CustomEvent('microchat:theme', { detail: { theme } }));
}

export function setTheme(theme) {
  if (!THEMES.includes(theme)) return;
  try {
    localStorage.setItem(KEY, theme);
  } catch {
    /* private mode: the choice lasts for this page only */
  }
  apply(theme);
}

// A theme for this page only, not remembered (the widget's frame follows
// the page it sits on).
export function showTheme(theme) {
  if (THEMES.includes(theme)) apply(theme);
}

export function onThemeChange(handler) {
  window.addEventListener('microchat:theme', (event) => handler(event.detail.theme));
}

export function initTheme() {
  apply(stored() || systemTheme());
  media.addEventListener('change', () => {
    if (!stored()) apply(systemTheme());
  });
}
