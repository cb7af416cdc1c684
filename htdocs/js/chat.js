// chat.js — the conversation view: opens a conversation, sends a message and follows the
// SSE reply token by token, stops it, and resumes following a reply that is still being
// generated (after a reload) by polling the history.

import { request, getJSON, postForm, ApiError } from './api.js';
import { readEvents, eventJSON } from './sse.js';
import { Bubble } from './messages.js';
import { t, onLangChange, getLang } from './i18n.js';
import { describeError } from './errors.js';
import { toast } from './toast.js';
import { pollReply, findMessage } from './follow.js';

const CHAT = 'cgi-bin/chat';
const HISTORY = 'cgi-bin/history';

// { scroller, list, empty, jump, composer, sidebar, models, assistants, onConversation }:
// assistants (assistants.js) says which assistant a new chat talks to and shows
// the conversation's; onConversation hears of each conversation opened or begun.
let ui;
const state = { convId: null, bubbles: [], stream: null, poll: null, loadSeq: 0, stick: true };

export function initChat(deps) {
  ui = deps;
  ui.scroller.addEventListener('scroll', () => {
    state.stick = nearBottom();
    ui.jump.hidden = state.stick;
  });
  ui.jump.addEventListener('click', () => scrollToBottom(true));
  new ResizeObserver(() => scrollToBottom(false)).observe(ui.list);
  onLangChange(() => state.bubbles.forEach((bubble) => bubble.relabel()));
}

export function currentConversation() {
  return state.convId;
}

export function isBusy() {
  return Boolean(state.stream || state.poll);
}

/* ---------- view helpers ---------- */

function clearView() {
  state.bubbles = [];
  ui.list.replaceChildren();
  ui.empty.hidden = false;
  ui.jump.hidden = true;
  state.stick = true;
}

function addBubble(message) {
  const bubble = new Bubble(message);
  state.bubbles.push(bubble);
  ui.empty.hidden = true;
  ui.list.append(bubble.node);
  return bubble;
}

function nearBottom() {
  const s = ui.scroller;
  return s.scrollHeight - s.scrollTop - s.clientHeight < 120;
}

function scrollToBottom(force) {
  if (!force && !state.stick) return;
  ui.scroller.scrollTop = ui.scroller.scrollHeight;
  state.stick = true;
  ui.jump.hidden = true;
}

function setBusy(busy) {
  ui.composer.setBusy(busy);
  ui.list.setAttribute('aria-busy', busy ? 'true' : 'false');
}

// The path is spelled out: a page with a <base> (the widget's) would
// otherwise resolve a bare "#c=1" against it.
function setHash(id) {
  const url = location.pathname + location.search + (id ? `#c=${id}` : '');
  if ((id ? `#c=${id}` : '') !== location.hash) history.replaceState(null, '', url);
}

// Leaves a reply without cancelling it on the server (switching conversation, logout).
function detach() {
  if (state.stream) {
    state.stream.detached = true;
    state.stream.controller.abort();
    state.stream = null;
  }
  if (state.poll) {
    state.poll.abort.abort();
    state.poll = null;
  }
  setBusy(false);
}

/* ---------- opening conversations ---------- */

export function newChat() {
  detach();
  state.loadSeq += 1;
  state.convId = null;
  clearView();
  ui.assistants?.startNew();
  ui.models.choose(ui.assistants?.fixedModel() || ui.models.forNewChat());
  ui.onConversation?.(null);
  ui.sidebar.setActive(null);
  setHash(null);
}

export function reset() {
  detach();
  state.loadSeq += 1;
  state.convId = null;
  clearView();
}

export async function openConversation(id) {
  detach();
  const seq = ++state.loadSeq;
  state.convId = Number(id);
  ui.sidebar.setActive(state.convId);
  setHash(state.convId);
  clearView();
  ui.empty.hidden = true;
  let data;
  try {
    data = await getJSON(HISTORY, { id: state.convId });
  } catch (err) {
    if (seq === state.loadSeq) openFailed(err);
    return;
  }
  if (seq !== state.loadSeq) return;
  showConversation(data);
}

function openFailed(err) {
  if (err.status === 401) return;
  if (err.status === 404) {
    newChat();
    ui.sidebar.refresh();
    toast(t('chat.not_found'));
    return;
  }
  const bubble = addBubble({ role: 'assistant', status: 'error', content: '' });
  bubble.setNote(() => describeError(err), 'error');
}

function showConversation(data) {
  const messages = Array.isArray(data.messages) ? data.messages : [];
  ui.assistants?.useConversation(data.conversation?.assistant ?? null);
  if (data.conversation?.model) ui.models.choose(data.conversation.model);
  ui.onConversation?.(state.convId);
  for (const message of messages) addBubble(message);
  ui.empty.hidden = messages.length > 0;
  scrollToBottom(true);
  const last = lastAssistant();
  if (last && last.node.dataset.status === 'streaming') follow(state.convId, last.node.dataset.id, last);
}

function lastAssistant() {
  for (let i = state.bubbles.length - 1; i >= 0; i -= 1) {
    if (state.bubbles[i].role === 'assistant') return state.bubbles[i];
  }
  return null;
}

/* ---------- sending and streaming ---------- */

export async function send(text) {
  if (isBusy() || !text.trim()) return;
  const model = ui.models.value();
  const user = addBubble({ role: 'user', content: text, status: 'done' });
  // The model's name shows once the server says who answers (a template
  // answer is nobody's).
  const bubble = addBubble({ role: 'assistant', status: 'streaming' });
  bubble.showTyping();
  scrollToBottom(true);
  const stream = { controller: new AbortController(), bubble, user, text, convId: state.convId, messageId: null };
  state.stream = stream;
  setBusy(true);
  try {
    const res = await request(CHAT, {
      method: 'POST',
      fields: {
        message: text,
        conversation_id: stream.convId ?? undefined,
        // A new conversation names its assistant; it keeps it afterwards.
        assistant: stream.convId ? undefined : ui.assistants?.current()?.slug,
        model: model || undefined,
        lang: getLang(),
      },
      headers: { Accept: 'text/event-stream' },
      signal: stream.controller.signal,
    });
    if ((res.headers.get('Content-Type') || '').includes('application/json')) onJSONReply(stream, await res.json());
    else await consume(stream, res);
  } catch (err) {
    onFailure(stream, err);
  } finally {
    if (state.stream === stream) {
      state.stream = null;
      setBusy(false);
    }
    if (!stream.detached) ui.sidebar.refresh();
  }
}

async function consume(stream, res) {
  stream.reader = res.body.getReader();
  for await (const event of readEvents(stream.reader)) {
    if (stream.detached) return;
    const data = eventJSON(event);
    if (event.event === 'meta') onMeta(stream, data);
    else if (event.event === 'token') onToken(stream, data);
    else if (event.event === 'done') return onDone(stream, data);
    else if (event.event === 'error') return onStreamError(stream, data);
  }
  if (stream.stopped) stream.bubble.finish('stopped');
  else await onInterrupted(stream);
}

function onMeta(stream, data) {
  if (data.conversation_id !== undefined && data.conversation_id !== null) {
    const id = Number(data.conversation_id);
    const isNew = stream.convId !== id;
    stream.convId = id;
    if (!stream.detached && isNew) adoptConversation(stream, id, data.model);
  }
  if (data.assistant) ui.assistants?.useConversation(data.assistant);
  if (data.message_id) stream.messageId = data.message_id;
  if (data.user_message_id) stream.user.update({ id: data.user_message_id });
  stream.bubble.update({ id: data.message_id, model: data.model, intent: data.intent, context: data.context });
}

function adoptConversation(stream, id, model) {
  state.convId = id;
  setHash(id);
  ui.onConversation?.(id);
  ui.sidebar.upsert({ id, title: stream.text.slice(0, 80), model, updated_at: new Date().toISOString() });
  ui.sidebar.setActive(id);
}

function onToken(stream, data) {
  if (typeof data.content === 'string' && data.content) stream.bubble.appendText(data.content);
}

function onDone(stream, data) {
  if (data.message_id) stream.messageId = data.message_id;
  stream.bubble.update({ id: data.message_id });
  stream.bubble.setStats(data);
  stream.bubble.finish(data.status || 'done');
}

function onStreamError(stream, data) {
  if (data.message_id) stream.bubble.update({ id: data.message_id });
  const err = new ApiError(data.message || '', { code: data.code || 'internal' });
  const status = data.status || 'error';
  const note = status === 'partial'
    ? () => `${t('error.broke_off')} (${err.message || err.code})`
    : () => describeError(err, { detail: true });
  stream.bubble.finish(status, note, 'error');
}

function onJSONReply(stream, data) {
  onMeta(stream, {
    conversation_id: data.conversation_id,
    message_id: data.message?.id,
    model: data.message?.model,
    intent: data.intent ?? data.message?.intent,
    context: data.context ?? data.message?.context,
  });
  stream.bubble.update({ ...data.message, status: data.message?.status || 'done' });
  stream.bubble.finish(data.message?.status || 'done');
}

function onFailure(stream, err) {
  // Refused before it was stored (or the session ended): give the text back to the user.
  if (err instanceof ApiError && err.status >= 400 && err.status < 500) ui.composer.restore(stream.text);
  if (stream.detached) return;
  if (stream.stopped) {
    stream.bubble.finish('stopped');
    return;
  }
  if (err instanceof ApiError) {
    stream.bubble.finish('error', () => describeError(err, { detail: err.code !== 'network' }), 'error');
    return;
  }
  onInterrupted(stream);
}

// The stream ended without done/error: the reply may still be running on the server.
async function onInterrupted(stream) {
  stream.bubble.finish('partial', () => t('error.stream_interrupted'), 'warn');
  if (!stream.convId || stream.detached || state.convId !== stream.convId) return;
  try {
    const data = await getJSON(HISTORY, { id: stream.convId });
    const message = findMessage(data.messages, stream.messageId);
    if (message?.status === 'streaming' && state.convId === stream.convId && !isBusy()) {
      stream.bubble.setNote(null);
      follow(stream.convId, message.id, stream.bubble);
    }
  } catch {
    /* the note already says what happened */
  }
}

/* ---------- stop ---------- */

export async function stop() {
  if (state.stream) return stopStream(state.stream);
  if (state.poll) return stopFollowed(state.poll);
  return undefined;
}

async function stopStream(stream) {
  if (stream.stopped) return;
  stream.stopped = true;
  let id = stream.messageId;
  if (!id && stream.convId) id = await streamingMessageId(stream.convId);
  if (id) await sendStop(id);
  stream.controller.abort();
  stream.reader?.cancel().catch(() => {});
}

async function streamingMessageId(convId) {
  try {
    const data = await getJSON(HISTORY, { id: convId });
    const message = findMessage(data.messages, null);
    return message?.status === 'streaming' ? message.id : null;
  } catch {
    return null;
  }
}

async function sendStop(id) {
  try {
    await postForm(CHAT, { action: 'stop', message_id: id });
  } catch {
    /* we stop reading anyway; the server keeps what it has */
  }
}

async function stopFollowed(poll) {
  if (poll.stopRequested) return;
  poll.stopRequested = true;
  await sendStop(poll.messageId);
}

/* ---------- resume: follow a reply still being generated ---------- */

async function follow(convId, messageId, bubble) {
  const poll = { convId, messageId, bubble, abort: new AbortController(), stopRequested: false };
  state.poll = poll;
  setBusy(true);
  bubble.setStatus('streaming');
  bubble.streaming = true;
  try {
    await pollReply(poll);
  } finally {
    if (state.poll === poll) {
      state.poll = null;
      setBusy(false);
      ui.sidebar.refresh();
    }
  }
}
