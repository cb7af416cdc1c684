/* widget.js — microchat's chat button for any website:
 *   <script src="https://HOST/PATH/widget.js" data-assistant="tienda" defer></script>
 * adds a floating button that opens the assistant's chat in a panel (an iframe of
 * cgi-bin/embed?assistant=SLUG beside this file, the page that embed.html also serves),
 * in the page's language (data-lang, else <html lang>) and light or dark (data-theme,
 * else the visitor's preference); data-position="left" moves it to the left.
 * No dependencies and no global name: everything lives in this function. The iframe is
 * made on the first click; the frame itself says which sites may show it. A browser
 * may deny a framed page its storage: the frame then posts the visit (its token and
 * conversation) here, where it is kept in this page's storage and handed back in the
 * frame's address next time. Its two
 * labels are the locales' "embed.widget_open" / "embed.widget_close" (a test checks
 * they match):
 * a script on someone else's page cannot load microchat's modules. */
(function () {
  'use strict';
  var script = document.currentScript;
  if (!script || !script.src) return;
  var slug = script.getAttribute('data-assistant') || '';
  if (!/^[a-z0-9-]{1,40}$/.test(slug)) {
    console.error('microchat widget: data-assistant must name an assistant (1 to 40 of a-z 0-9 -)');
    return;
  }
  var LABELS = {
    es: { open: 'Abrir el chat', close: 'Cerrar el chat' },
    en: { open: 'Open the chat', close: 'Close the chat' },
  };
  var pageLang = (script.getAttribute('data-lang') || document.documentElement.lang || navigator.language || 'es');
  var lang = /^en\b/i.test(pageLang) ? 'en' : 'es';
  var theme = script.getAttribute('data-theme');
  if (theme !== 'light' && theme !== 'dark') {
    theme = window.matchMedia && window.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
  }
  var side = script.getAttribute('data-position') === 'left' ? 'left' : 'right';
  var color = /^#[0-9a-fA-F]{3,8}$/.test(script.getAttribute('data-color') || '') ? script.getAttribute('data-color') : '#2563eb';
  var src = new URL('cgi-bin/embed', script.src);
  src.searchParams.set('assistant', slug);
  src.searchParams.set('lang', lang);
  src.searchParams.set('theme', theme);

  var SVG = 'http://www.w3.org/2000/svg';
  function css(node, rules) {
    for (var k in rules) node.style.setProperty(k, rules[k]);
    return node;
  }
  function icon(paths) {
    var svg = document.createElementNS(SVG, 'svg');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('width', '26');
    svg.setAttribute('height', '26');
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('fill', 'none');
    svg.setAttribute('stroke', 'currentColor');
    svg.setAttribute('stroke-width', '2');
    svg.setAttribute('stroke-linecap', 'round');
    svg.setAttribute('stroke-linejoin', 'round');
    paths.forEach(function (d) {
      var p = document.createElementNS(SVG, 'path');
      p.setAttribute('d', d);
      svg.appendChild(p);
    });
    return svg;
  }
  var CHAT = ['M21 12a8 8 0 0 1-11.6 7.1L4 20l1-4.6A8 8 0 1 1 21 12Z'];
  var CLOSE = ['M6 6l12 12', 'M18 6 6 18'];

  // The visit, kept for the frame when its own storage is denied.
  var KEY = 'microchat-widget.' + slug;
  function kept() {
    try {
      return window.localStorage.getItem(KEY);
    } catch (e) {
      return null;
    }
  }
  window.addEventListener('message', function (e) {
    var d = e.data;
    if (!frame || e.source !== frame.contentWindow || e.origin !== src.origin) return;
    if (!d || d.type !== 'microchat:visit' || d.assistant !== slug || typeof d.visit !== 'object') return;
    try {
      window.localStorage.setItem(KEY, JSON.stringify(d.visit));
    } catch (err) {
      /* this page's storage is denied too: the visit lasts while it is open */
    }
  });

  var id = 'microchat-widget-' + slug;
  var button = css(document.createElement('button'), {
    position: 'fixed', bottom: '20px', width: '58px', height: '58px', border: '0', 'border-radius': '50%',
    background: color, color: '#fff', cursor: 'pointer', display: 'flex', 'align-items': 'center',
    'justify-content': 'center', 'box-shadow': '0 6px 20px rgba(0,0,0,.25)', 'z-index': '2147483000', padding: '0',
  });
  button.style.setProperty(side, '20px');
  button.type = 'button';
  button.setAttribute('data-microchat-widget', slug);
  button.setAttribute('aria-controls', id);
  button.setAttribute('aria-expanded', 'false');

  var panel = css(document.createElement('div'), {
    position: 'fixed', bottom: '92px', width: 'min(390px, calc(100vw - 40px))',
    height: 'min(620px, calc(100vh - 120px))', 'border-radius': '16px', overflow: 'hidden',
    'box-shadow': '0 12px 40px rgba(0,0,0,.3)', 'z-index': '2147483000', display: 'none',
    background: theme === 'dark' ? '#111827' : '#ffffff',
  });
  panel.style.setProperty(side, '20px');
  panel.id = id;
  panel.setAttribute('role', 'dialog');
  panel.setAttribute('aria-label', LABELS[lang].open);
  var frame = null;

  // Phones: the panel takes the screen, the button stays to close it.
  var small = window.matchMedia('(max-width: 520px)');
  function fit() {
    var full = small.matches;
    css(panel, full ? { bottom: '0', width: '100vw', height: '100%', 'border-radius': '0' }
      : { bottom: '92px', width: 'min(390px, calc(100vw - 40px))', height: 'min(620px, calc(100vh - 120px))',
          'border-radius': '16px' });
    panel.style.setProperty(side, full ? '0' : '20px');
    css(button, { bottom: full && open ? 'auto' : '20px', top: full && open ? '10px' : 'auto',
      width: full && open ? '40px' : '58px', height: full && open ? '40px' : '58px' });
  }
  if (small.addEventListener) small.addEventListener('change', fit);

  var open = false;
  function label() {
    var text = open ? LABELS[lang].close : LABELS[lang].open;
    button.setAttribute('aria-label', text);
    button.title = text;
    button.replaceChildren(icon(open ? CLOSE : CHAT));
  }
  function toggle(show) {
    open = show;
    if (open && !frame) {
      frame = css(document.createElement('iframe'), { width: '100%', height: '100%', border: '0', display: 'block' });
      var visit = kept();
      frame.src = src.href + (visit ? '#visit=' + encodeURIComponent(visit) : '');
      frame.title = LABELS[lang].open;
      frame.setAttribute('allow', 'clipboard-write');
      frame.setAttribute('data-microchat-frame', slug);
      panel.appendChild(frame);
    }
    panel.style.setProperty('display', open ? 'block' : 'none');
    button.setAttribute('aria-expanded', String(open));
    label();
    fit();
    if (open) frame.focus();
    else button.focus();
  }
  button.addEventListener('click', function () { toggle(!open); });
  document.addEventListener('keydown', function (e) {
    if (open && e.key === 'Escape') toggle(false);
  });

  function mount() {
    label();
    fit();
    document.body.appendChild(panel);
    document.body.appendChild(button);
  }
  if (document.body) mount();
  else document.addEventListener('DOMContentLoaded', mount);
})();
