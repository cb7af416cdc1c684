// messages.js — one chat bubble: user text (textContent only) or an assistant reply
// (Markdown, context cards, intent chip, status badge, typing indicator, streaming caret),
// with its row of actions (message-actions.js). handlers (replies.js) make the actions
// work; without them (a shared page) a bubble is read-only.

import { el } from './dom.js';
import { t, has } from './i18n.js';
import { renderMarkdown } from './markdown.js';
import { renderContext } from './cards.js';
import { percent, ms, number } from './format.js';
import { renderActions } from './message-actions.js';

const BADGES = { partial: 'warn', error: 'danger', stopped: 'info', fallback: 'accent' };
const BLOCKS = new Set(['P', 'UL', 'OL', 'LI', 'BLOCKQUOTE', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'STRONG', 'EM']);

export class Bubble {
  constructor(message, handlers = null) {
    this.role = message.role === 'user' ? 'user' : 'assistant';
    this.handlers = handlers;
    this.data = {}; // versions, version_index, feedback
    this.text = '';
    this.frame = 0;
    this.streaming = false;
    this.node = el('article', { class: `msg msg-${this.role}`, 'data-testid': 'message', 'data-role': this.role });
    this.actions = el('div', { class: 'msg-actions' });
    this.below = el('div', { class: 'msg-below' });
    if (this.role === 'user') this.buildUser();
    else this.buildAssistant();
    this.update(message);
  }

  id() {
    return Number(this.node.dataset.id) || null;
  }

  buildUser() {
    this.content = el('div', { class: 'msg-content' });
    this.node.append(el('div', { class: 'msg-stack' }, el('div', { class: 'msg-body' }, this.content), this.actions));
  }

  buildAssistant() {
    this.model = el('span', { class: 'msg-model' });
    this.intent = el('span', { class: 'badge', hidden: true, 'data-testid': 'intent-chip' });
    this.badge = el('span', { class: 'badge', hidden: true, 'data-testid': 'status-badge' });
    this.stats = el('span', { class: 'msg-stats' });
    this.cards = el('div', { class: 'msg-cards' });
    this.content = el('div', { class: 'msg-content markdown' });
    this.note = el('p', { class: 'msg-note', hidden: true });
    this.node.append(
      el('div', { class: 'msg-avatar' }, el('img', { src: 'img/logo.svg', alt: '', width: 30, height: 30 })),
      el('div', { class: 'msg-body' },
        el('div', { class: 'msg-meta' }, this.model, this.intent, this.badge, this.stats),
        this.cards, this.content, this.note, this.actions, this.below));
  }

  // Applies whatever fields a message object carries (history row, JSON reply, SSE meta).
  update(message) {
    if (message.id !== undefined && message.id !== null) this.node.dataset.id = message.id;
    for (const key of ['versions', 'version_index', 'feedback']) if (key in message) this.data[key] = message[key];
    if (message.error_code) this.node.dataset.errorCode = message.error_code;
    if (message.status) this.setStatus(message.status);
    else if (!this.node.dataset.status) this.setStatus('done');
    if (this.role === 'user') {
      if (message.content !== undefined) {
        this.text = String(message.content ?? '');
        this.content.textContent = this.text;
      }
      renderActions(this);
      return;
    }
    // A template answer has model null: it is shown under no model's name.
    if ('model' in message) this.model.textContent = message.model || '';
    if (message.intent) this.setIntent(message.intent);
    if (message.context) this.setContext(message.context);
    if (message.content !== undefined) this.setText(message.content, { final: message.status !== 'streaming' });
    renderActions(this);
  }

  setStatus(status) {
    const changed = this.node.dataset.status !== status;
    this.node.dataset.status = status;
    if (changed) renderActions(this);
    if (this.role !== 'assistant') return;
    const kind = BADGES[status];
    this.badge.hidden = !kind;
    if (kind) {
      this.badge.className = `badge ${kind}`;
      this.badge.textContent = t(`status.${status}`);
      // A reply cut off because its process ended says so (status partial, error_code interrupted).
      const interrupted = status === 'partial' && this.node.dataset.errorCode === 'interrupted';
      this.badge.title = t(interrupted ? 'status.interrupted.hint' : `status.${status}.hint`);
    }
  }

  setIntent(intent) {
    this.intentData = intent;
    if (!intent || !intent.name || intent.name === 'general') {
      this.intent.hidden = true;
      return;
    }
    const key = `intent.${intent.name}`;
    const name = has(key) ? t(key) : intent.name;
    const confidence = Number(intent.confidence);
    this.intent.textContent = Number.isFinite(confidence) ? `${name} · ${percent(confidence)}` : name;
    this.intent.title = t('msg.intent_hint');
    this.intent.dataset.intent = intent.name;
    this.intent.hidden = false;
  }

  setContext(context) {
    this.context = context;
    const cards = renderContext(context);
    this.cards.replaceChildren(...(cards ? [cards] : []));
  }

  setFeedback(feedback) {
    this.data.feedback = feedback || null;
    renderActions(this);
  }

  // Re-applies the translated labels after a language switch.
  relabel() {
    renderActions(this);
    if (this.role !== 'assistant') return;
    this.setStatus(this.node.dataset.status);
    if (this.intentData) this.setIntent(this.intentData);
    if (this.context) this.setContext(this.context);
    if (this.doneData) this.setStats(this.doneData);
    if (this.noteSource) this.setNote(this.noteSource, this.noteKind);
    if (!this.streaming && this.text) this.flush(true);
  }

  setStats(done) {
    this.doneData = done;
    const parts = [];
    if (Number(done.duration_ms) > 0) parts.push(ms(done.duration_ms));
    if (Number(done.eval_count) > 0 && Number(done.duration_ms) > 0) {
      parts.push(t('msg.tps', { n: number(done.eval_count / (done.duration_ms / 1000), 1) }));
    }
    this.stats.textContent = parts.join(' · ');
  }

  showTyping() {
    this.streaming = true;
    this.content.replaceChildren(el('div', { class: 'typing', role: 'status', 'aria-label': t('msg.typing') },
      el('span'), el('span'), el('span')));
  }

  // Appends streamed text; the Markdown is re-rendered at most once per animation frame.
  appendText(piece) {
    this.text += piece;
    this.streaming = true;
    if (!this.frame) this.frame = requestAnimationFrame(() => this.flush(false));
  }

  setText(text, { final = true } = {}) {
    this.text = String(text ?? '');
    this.streaming = !final;
    this.flush(final);
  }

  flush(final = true) {
    cancelAnimationFrame(this.frame);
    this.frame = 0;
    if (this.role !== 'assistant') return;
    if (final) this.streaming = false;
    if (!this.text && this.streaming) return;
    renderMarkdown(this.content, this.text, { final });
    if (this.streaming) caretHost(this.content).append(el('span', { class: 'caret', 'aria-hidden': 'true' }));
  }

  finish(status, note = null, kind = 'warn') {
    this.flush(true);
    this.setStatus(status);
    this.setNote(note, kind);
  }

  // note is a string or a function answering one (so it can be re-translated later).
  setNote(note, kind = 'warn') {
    if (!this.note) return;
    this.noteSource = note;
    this.noteKind = kind;
    const text = typeof note === 'function' ? note() : note;
    this.note.hidden = !text;
    this.note.textContent = text || '';
    this.note.className = `msg-note ${kind}`;
  }
}

function caretHost(root) {
  let host = root;
  while (host.lastElementChild && BLOCKS.has(host.lastElementChild.tagName)) host = host.lastElementChild;
  return host;
}
