/* boot.js — classic script run in <head> before first paint: applies the saved theme and
   language so the page never flashes the wrong colours. theme.js and i18n.js own the logic
   afterwards; the storage keys here must match theirs. */
(function () {
  var root = document.documentElement;
  var theme = null;
  var lang = null;
  try {
    theme = localStorage.getItem('microchat.theme');
    lang = localStorage.getItem('microchat.lang');
  } catch (e) { /* storage blocked: use defaults */ }
  if (theme !== 'light' && theme !== 'dark' && theme !== 'pain') {
    theme = window.matchMedia && window.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
  }
  if (lang !== 'es' && lang !== 'en') {
    lang = /^en\b/i.test(navigator.language || '') ? 'en' : 'es';
  }
  root.setAttribute('data-theme', theme);
  root.setAttribute('lang', lang);
  var links = document.querySelectorAll('link[data-hljs-theme]');
  for (var i = 0; i < links.length; i++) links[i].disabled = links[i].getAttribute('data-hljs-theme') !== theme;
})();
