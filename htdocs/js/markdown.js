// markdown.js — assistant text to safe HTML: marked parses, DOMPurify sanitises,
// highlight.js colours code, and every code block gets a header with a Copy button.

import { marked } from '../vendor/marked.esm.js';
import DOMPurify from '../vendor/purify.es.js';
import hljs from '../vendor/highlight.es.js';
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

// Links open in a new tab without an opener; images only from data: URLs.
DOMPurify.addHook('afterSanitizeAttributes', (node) => {
  if (node.tagName === 'A' && node.hasAttribute('href')) {
    node.setAttribute('target', '_blank');
    node.setAttribute('rel', 'noopener noreferrer');
  }
  if (node.tagName === 'IMG') {
    if (!isLocalImage(node.getAttribute('src') || '')) node.removeAttribute('src');
  }
});

// Model output has no business loading files: only inline data: images are kept.
function isLocalImage(src) {
  return src.startsWith('data:image/');
}

// Raw HTML in model output: event handlers and style attributes are dropped before
// DOMPurify parses it, only so the browser does not log CSP reports for them;
// DOMPurify is still what makes the HTML safe.
const NOISY_ATTR = /\s(?:on[a-z]+|style)\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+)/gi;

// marked writes the fence language as class="language-x"; keep it in a data attribute
// because DOMPurify drops class attributes from model output.
marked.use({
  renderer: {
    code({ text, lang }) {
      const name = (lang || '').trim().split(/\s+/)[0].toLowerCase().replace(/[^a-z0-9_+#.-]/g, '');
      const escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
      return `<pre><code data-lang="${name}">${escaped}\n</code></pre>\n`;
    },
    html({ text }) {
      return text.replace(NOISY_ATTR, '');
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
  if (lang && hljs.getLanguage(lang)) {
    code.innerHTML = hljs.highlight(source, { language: lang, ignoreIllegals: true }).value;
  } else if (final && source.length < 20000) {
    // The guess only colours the code; the label does not claim a language nobody named.
    code.innerHTML = hljs.highlightAuto(source).value;
  } else {
    code.textContent = source;
  }
  code.classList.add('hljs');
  const pre = code.parentElement;
  const block = el('div', { class: 'code-block' });
  pre.replaceWith(block);
  block.append(codeHeader(lang || t('code.plain'), source), pre);
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
