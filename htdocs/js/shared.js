// shared.js — /shared.html#TOKEN: a conversation someone shared, read-only and without
// logging in, drawn like the chat (Markdown made safe, cards) with every text escaped.

import { getJSON } from './api.js';
import { $ } from './dom.js';
import { hydrateIcons } from './icons.js';
import { applyI18n, t, onLangChange } from './i18n.js';
import { initTheme } from './theme.js';
import { bindThemePicker, bindLangPicker } from './prefs.js';
import { Bubble } from './messages.js';
import { dateTime } from './format.js';
import { describeError } from './errors.js';

let shown = null;
const bubbles = [];

function token() {
  return decodeURIComponent(location.hash.replace(/^#/, ''));
}

function render() {
  if (!shown) return;
  const c = shown.conversation;
  $('#shared-title').textContent = c.title;
  document.title = `${c.title} · microchat`;
  $('#shared-sub').textContent = t('shared.sub', { when: dateTime(c.shared_at) });
}

async function load() {
  const list = $('#message-list');
  list.replaceChildren();
  bubbles.length = 0;
  try {
    shown = await getJSON('cgi-bin/shared', { token: token() }, { allow401: true });
  } catch (err) {
    shown = null;
    $('#shared-title').textContent = t('shared.gone_title');
    const box = $('#shared-error');
    box.hidden = false;
    box.textContent = err.status === 404 ? t('shared.gone') : describeError(err);
    return;
  }
  render();
  for (const message of shown.messages) {
    const bubble = new Bubble(message); // no handlers: read-only
    bubbles.push(bubble);
    list.append(bubble.node);
  }
}

function start() {
  initTheme();
  hydrateIcons();
  applyI18n();
  bindThemePicker($('#theme-picker'));
  bindLangPicker($('#lang-picker'));
  onLangChange(() => {
    render();
    bubbles.forEach((b) => b.relabel());
  });
  window.addEventListener('hashchange', load);
  load();
}

start();
