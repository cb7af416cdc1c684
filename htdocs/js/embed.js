// embed.js — the widget's chat (embed.html?assistant=SLUG, framed by the sites an assistant
// lists): the chat page's modules in a compact layout for a visitor without an account:
// a visitor session kept in this frame's storage and sent as a Bearer token (a third-party
// cookie may be blocked), the assistant's greeting and quick actions, streaming replies with
// Markdown and cards, and "clear conversation", which deletes it.
//
// Where a browser denies a framed page its storage too, the visit is kept by the widget in
// the page it sits on: it hands it over in this frame's address (#visit=...) and this frame
// posts every change to it. Only the sites the assistant lists can frame this page (its
// frame-ancestors), so only they ever receive it.

import { getJSON, postForm, setToken, onUnauthorized } from './api.js';
import { $, el } from './dom.js';
import { hydrateIcons } from './icons.js';
import { applyI18n, useLang, getLang, t } from './i18n.js';
import { showTheme } from './theme.js';
import { initComposer } from './composer.js';
import { toast } from './toast.js';
import { describeError } from './errors.js';
import { assistantIcon } from './assistants.js';
import * as chat from './chat.js';

const slug = document.querySelector('meta[name="microchat-assistant"]').content;
const TOKEN_KEY = 'microchat.visitor';
const CONVERSATION_KEY = `microchat.visitor.conversation.${slug}`;
// Without storage the visit lives here, and in the widget's page when framed.
const memory = new Map(handedOver());

function handedOver() {
  const match = /^#visit=(.*)$/.exec(location.hash);
  try {
    const visit = match ? JSON.parse(decodeURIComponent(match[1])) : null;
    const kept = [];
    if (typeof visit?.token === 'string') kept.push([TOKEN_KEY, visit.token]);
    if (Number(visit?.conversation) > 0) kept.push([CONVERSATION_KEY, String(visit.conversation)]);
    return kept;
  } catch {
    return [];
  }
}

function load(key) {
  try {
    return localStorage.getItem(key) ?? memory.get(key) ?? null;
  } catch {
    return memory.get(key) ?? null;
  }
}

function store(key, value) {
  if (value === null) memory.delete(key);
  else memory.set(key, value);
  try {
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, value);
    return;
  } catch {
    /* denied to a framed page: the widget's page keeps it */
  }
  if (window.parent !== window) {
    window.parent.postMessage({ type: 'microchat:visit', assistant: slug,
      visit: { token: memory.get(TOKEN_KEY) ?? null, conversation: Number(memory.get(CONVERSATION_KEY)) || null } }, '*');
  }
}

let assistant = null;
let composer;

// A visitor session: the one this frame kept, else a new one.
async function session({ renew = false } = {}) {
  let token = renew ? null : load(TOKEN_KEY);
  if (!token) {
    const data = await postForm('cgi-bin/guest', { assistant: slug });
    token = data.token;
    store(TOKEN_KEY, token);
    store(CONVERSATION_KEY, null);
  }
  setToken(token);
}

async function loadAssistant() {
  const data = await getJSON('cgi-bin/assistants', { lang: getLang() });
  assistant = (data.assistants || []).find((a) => a.slug === slug) ?? null;
  if (!assistant) throw new Error(t('embed.unavailable'));
  render();
}

function render() {
  $('#embed-name').textContent = assistant.name;
  $('#embed-description').textContent = assistant.description || '';
  $('#embed-icon').replaceChildren(assistantIcon(assistant.icon));
  $('#embed-greeting').textContent = assistant.greeting || '';
  const actions = Array.isArray(assistant.quick_actions) ? assistant.quick_actions : [];
  $('#quick-actions').replaceChildren(...actions.map((item) => {
    const button = el('button', { type: 'button', class: 'chip-btn', 'data-testid': 'quick-action', title: item.text },
      el('span', { text: item.label }));
    button.addEventListener('click', () => {
      composer.fill(item.text);
    });
    return button;
  }));
  document.title = assistant.name;
}

// The chat view needs a sidebar and a model picker: the frame has neither.
const noSidebar = { setActive() {}, refresh() {}, upsert() {}, closeDrawer() {} };
const noModels = { choose() {}, forNewChat: () => '', value: () => '', hold() {} };
const oneAssistant = {
  startNew() {},
  useConversation() {},
  current: () => assistant,
  fixedModel: () => null,
};

async function clearConversation() {
  const id = chat.currentConversation();
  if (chat.isBusy()) await chat.stop();
  try {
    if (id) await postForm('cgi-bin/history', { action: 'delete', id });
  } catch (err) {
    if (err.status !== 404) {
      toast(describeError(err), 'error');
      return;
    }
  }
  store(CONVERSATION_KEY, null);
  chat.newChat();
  toast(t('embed.cleared'));
  composer.focus();
}

function wire() {
  composer = initComposer({
    form: $('#composer'),
    input: $('#composer-input'),
    sendButton: $('#send-button'),
    stopButton: $('#stop-button'),
    onSend: (text) => chat.send(text),
    onStop: () => chat.stop(),
  });
  chat.initChat({
    scroller: $('#messages'),
    list: $('#message-list'),
    empty: $('#empty-state'),
    jump: $('#jump-button'),
    composer,
    sidebar: noSidebar,
    models: noModels,
    assistants: oneAssistant,
    onConversation: (id) => { if (id) store(CONVERSATION_KEY, String(id)); },
  });
  $('#embed-clear').addEventListener('click', clearConversation);
  // A session that ended (expired, purged): a new visit, a new conversation.
  onUnauthorized(async () => {
    await session({ renew: true });
    chat.newChat();
  });
}

function fail(err) {
  $('#embed-greeting').textContent = err.status === 404 || err.status === 403 ? t('embed.unavailable') : describeError(err);
  $('#composer-input').disabled = true;
}

async function start() {
  const params = new URLSearchParams(location.search);
  showTheme(document.documentElement.dataset.theme);
  if (params.get('lang')) useLang(params.get('lang'));
  hydrateIcons();
  applyI18n();
  wire();
  try {
    await session();
    await loadAssistant();
  } catch (err) {
    fail(err);
    return;
  }
  const kept = Number(load(CONVERSATION_KEY));
  if (kept > 0) chat.openConversation(kept);
  else chat.newChat();
}

start();
