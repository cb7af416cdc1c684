/* embed-boot.js — classic script run in the widget frame's <head> before first paint: the
   theme and language of the page the widget sits on (the widget passes them in the
   address), else the visitor's system preference. embed.js owns them afterwards. */
(function () {
  var root = document.documentElement;
  var params = new URLSearchParams(location.search);
  var theme = params.get('theme');
  var lang = params.get('lang');
  if (theme !== 'light' && theme !== 'dark') {
    theme = window.matchMedia && window.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
  }
  if (lang !== 'es' && lang !== 'en') lang = /^en\b/i.test(navigator.language || '') ? 'en' : 'es';
  root.setAttribute('data-theme', theme);
  root.setAttribute('lang', lang);
  if (window.self !== window.top) root.classList.add('framed');
  var links = document.querySelectorAll('link[data-hljs-theme]');
  for (var i = 0; i < links.length; i++) links[i].disabled = links[i].getAttribute('data-hljs-theme') !== theme;
})();
