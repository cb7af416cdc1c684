// i18n.js — Spanish and English strings: t(key, vars), the language choice (localStorage,
// default from navigator.language) and data-i18n* attributes applied to the page.

import es from './locales/es.js';
import en from './locales/en.js';

const DICTS = { es, en };
export const LANGS = ['es', 'en'];
const KEY = 'microchat.lang';
let lang = initialLang();

function initialLang() {
  try {
    const saved = localStorage.getItem(KEY);
    if (LANGS.includes(saved)) return saved;
  } catch {
    /* storage blocked */
  }
  return /^en\b/i.test(navigator.language || '') ? 'en' : 'es';
}

export function getLang() {
  return lang;
}

// Locale for Intl formatting of numbers and dates.
export function locale() {
  return lang === 'en' ? 'en-US' : 'es-CL';
}

export function t(key, vars = {}) {
  const text = DICTS[lang][key] ?? DICTS.es[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in vars ? String(vars[name]) : whole));
}

export function has(key) {
  return key in DICTS[lang];
}

export function setLang(next) {
  if (!LANGS.includes(next) || next === lang) return;
  lang = next;
  try {
    localStorage.setItem(KEY, next);
  } catch {
    /* keep it for this page only */
  }
  applyI18n();
  window.dispatchEvent(new CustomEvent('microchat:lang', { detail: { lang } }));
}

// The language of this page only, not remembered (the widget's frame
// speaks the language of the page it sits on).
export function useLang(next) {
  if (!LANGS.includes(next) || next === lang) return;
  lang = next;
  applyI18n();
  window.dispatchEvent(new CustomEvent('microchat:lang', { detail: { lang } }));
}

export function onLangChange(handler) {
  window.addEventListener('microchat:lang', (event) => handler(event.detail.lang));
}

const ATTRS = [
  ['data-i18n-placeholder', 'placeholder'],
  ['data-i18n-aria', 'aria-label'],
  ['data-i18n-title', 'title'],
];

export function applyI18n(root = document) {
  document.documentElement.lang = lang;
  for (const node of root.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
  for (const [data, attr] of ATTRS) {
    for (const node of root.querySelectorAll(`[${data}]`)) node.setAttribute(attr, t(node.getAttribute(data)));
  }
  const title = document.querySelector('meta[name="i18n-title"]');
  if (title) document.title = t(title.content);
}
