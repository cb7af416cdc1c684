// main.js — the chat page: decides between the auth and chat views, then wires the
// sidebar, model picker, composer and conversation view together.

import { getJSON, onUnauthorized } from './api.js';
import { $, sleep } from './dom.js';
import { hydrateIcons } from './icons.js';
import { applyI18n, t } from './i18n.js';
import { initTheme } from './theme.js';
import { initAuth, showAuth, hideAuth } from './auth.js';
import { initHeader, showUser } from './header.js';
import { initSidebar } from './sidebar.js';
import { initModels } from './models.js';
import { initAssistants } from './assistants.js';
import { initComposer } from './composer.js';
import { describeError } from './errors.js';
import * as chat from './chat.js';

let sidebar;
let models;
let assistants;
let composer;
let signedIn = false;

function hashId() {
  const match = /^#c=(\d+)$/.exec(location.hash);
  return match ? Number(match[1]) : null;
}

// The view appears once the model list and the conversations are in (or after a
// short wait when a backend is slow), so it does not flicker from empty to full.
async function showChatView(user) {
  signedIn = true;
  showUser(user);
  const ready = Promise.all([models.load(), assistants.load().then(restoreConversation)]);
  await Promise.race([ready, sleep(1500)]);
  if (!signedIn) return;
  hideAuth();
  $('#boot').hidden = true;
  $('#chat-view').hidden = false;
  // On touch screens focusing would pop the keyboard up over the conversation.
  if (window.matchMedia('(pointer: fine)').matches) composer.focus();
}

// Reload lands on the conversation named in the URL, else on the most recent one.
async function restoreConversation() {
  const wanted = hashId();
  if (wanted) chat.openConversation(wanted);
  const list = await sidebar.load();
  if (!wanted && signedIn) {
    if (list.length > 0) chat.openConversation(list[0].id);
    else chat.newChat();
  }
}

// keepHash: on first load a link to a conversation survives the login.
function showAuthView(message, { keepHash = false } = {}) {
  signedIn = false;
  chat.reset();
  sidebar.reset();
  $('#boot').hidden = true;
  $('#chat-view').hidden = true;
  if (!keepHash) history.replaceState(null, '', location.pathname);
  showAuth(message);
}

function wire() {
  sidebar = initSidebar({
    app: $('#chat-view'),
    list: $('#conv-list'),
    search: $('#search-input'),
    toggle: $('#sidebar-toggle'),
    closeButton: $('#sidebar-close'),
    backdrop: $('#backdrop'),
    onOpen: (id) => chat.openConversation(id),
    onDeleted: (id) => {
      if (String(chat.currentConversation()) === String(id)) chat.newChat();
    },
  });
  models = initModels($('#model-picker'));
  composer = initComposer({
    form: $('#composer'),
    input: $('#composer-input'),
    sendButton: $('#send-button'),
    stopButton: $('#stop-button'),
    onSend: (text) => chat.send(text),
    onStop: () => chat.stop(),
  });
  assistants = initAssistants({
    picker: $('#assistant-picker'),
    greeting: $('#assistant-greeting'),
    quick: $('#suggestions'),
    actions: $('#quick-actions'),
    chip: $('#assistant-chip'),
    onFill: (text) => composer.fill(text),
    onModel: (name) => models.hold(name),
  });
  chat.initChat({
    assistants,
    scroller: $('#messages'),
    list: $('#message-list'),
    empty: $('#empty-state'),
    jump: $('#jump-button'),
    composer,
    sidebar,
    models,
  });
  $('#new-chat').addEventListener('click', () => {
    sidebar.closeDrawer();
    chat.newChat();
    composer.focus();
  });
  window.addEventListener('popstate', () => {
    if (!signedIn) return;
    const id = hashId();
    if (id && id !== chat.currentConversation()) chat.openConversation(id);
    if (!id && chat.currentConversation()) chat.newChat();
  });
  initHeader({ onLogout: () => showAuthView(null) });
  initAuth({ onSuccess: showChatView });
  onUnauthorized(() => { if (signedIn) showAuthView(t('auth.session_expired')); });
}

async function start() {
  initTheme();
  hydrateIcons();
  applyI18n();
  wire();
  try {
    const data = await getJSON('cgi-bin/login', undefined, { allow401: true });
    showChatView(data.user);
  } catch (err) {
    showAuthView(err.status === 401 ? null : describeError(err), { keepHash: true });
  }
}

start();
