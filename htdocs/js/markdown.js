// markdown.js — assistant text to safe HTML: marked parses, DOMPurify sanitises,
// highlight.js colours code, and every code block gets a header with a Copy button.

import { marked } from '/vendor/marked.esm.js';
import DOMPurify from '/vendor/purify.es.js';
import hljs from '/vendor/highlight.es.js';
import { el } from './dom.js';
import { icon } from './icons.js';
import { t } from './i18n.js';

marked.setOptions({ gfm: true, breaks: false });
hljs.configure({ ignoreUnescapedHTML: true });

const PURIFY = {
  FORBID_TAGS: ['style', 'form', 'input', 'button', 'textarea', 'select', 'iframe', 'object', 'embed'],
  FORBID_ATTR: ['style', 'class', 'id'],
  ALLOW_DATA_ATTR: false,
  ADD_ATTR: ['data-lang', 'target'],
};

// Links open in a new tab without an opener; images may only come from this site or data:
// (anything else would be blocked by the content security policy anyway).
DOMPurify.addHook('afterSanitizeAttributes', (node) => {
  if (node.tagName === 'A' && node.hasAttribute('href')) {
    node.setAttribute('target', '_blank');
    node.setAttribute('rel', 'noopener noreferrer');
  }
  if (node.tagName === 'IMG') {
    if (!isLocalImage(node.getAttribute('src') || '')) node.removeAttribute('src');
  }
});

function isLocalImage(src) {
  if (src.startsWith('data:image/')) return true;
  try {
    return new URL(src, location.href).origin === location.origin;
  } catch {
    return false;
  }
}

// marked writes the fence language as class="language-x"; keep it in a data attribute
// because DOMPurify drops class attributes from model output.
marked.use({
  renderer: {
    code({ text, lang }) {
      const name = (lang || '').trim().split(/\s+/)[0].toLowerCase().replace(/[^a-z0-9_+#.-]/g, '');
      const escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
      return `<pre><code data-lang="${name}">${escaped}\n</code></pre>\n`;
    },
  },
});

export function toSafeHTML(text) {
  const html = marked.parse(String(text ?? ''), { async: false });
  return DOMPurify.sanitize(html, PURIFY);
}

// Renders into target. final=false while streaming: languages are not guessed then
// (auto-detection is slow), only named fences are coloured.
export function renderMarkdown(target, text, { final = true } = {}) {
  target.innerHTML = toSafeHTML(text);
  for (const code of target.querySelectorAll('pre > code')) decorate(code, final);
}

function decorate(code, final) {
  const lang = code.dataset.lang || '';
  const source = code.textContent.replace(/\n$/, '');
  let label = lang;
  if (lang && hljs.getLanguage(lang)) {
    code.innerHTML = hljs.highlight(source, { language: lang, ignoreIllegals: true }).value;
  } else if (final && source.length < 20000) {
    const guess = hljs.highlightAuto(source);
    code.innerHTML = guess.value;
    label = lang || guess.language || '';
  } else {
    code.textContent = source;
  }
  code.classList.add('hljs');
  const pre = code.parentElement;
  const block = el('div', { class: 'code-block' });
  pre.replaceWith(block);
  block.append(codeHeader(label || t('code.plain'), source), pre);
}

function codeHeader(label, source) {
  const button = el('button', { type: 'button', class: 'code-copy', 'aria-label': t('code.copy_aria') },
    icon('copy'), el('span', { text: t('code.copy') }));
  button.addEventListener('click', () => copyWithFeedback(button, source));
  return el('div', { class: 'code-head' }, el('span', { text: label }), button);
}

export async function copyText(text) {
  if (navigator.clipboard && window.isSecureContext) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch {
      /* fall back below */
    }
  }
  const area = el('textarea', { class: 'visually-hidden', readonly: true, 'aria-hidden': 'true' });
  area.value = text;
  document.body.append(area);
  area.select();
  let ok = false;
  try {
    ok = document.execCommand('copy');
  } catch {
    ok = false;
  }
  area.remove();
  return ok;
}

export async function copyWithFeedback(button, text) {
  const ok = await copyText(text);
  const label = button.querySelector('span');
  const previous = label ? label.textContent : '';
  button.classList.toggle('copied', ok);
  if (label) label.textContent = ok ? t('code.copied') : t('code.copy_failed');
  button.setAttribute('data-copied', ok ? '1' : '0');
  setTimeout(() => {
    button.classList.remove('copied');
    button.removeAttribute('data-copied');
    if (label) label.textContent = previous;
  }, 1600);
}
