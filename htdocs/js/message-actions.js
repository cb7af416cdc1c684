// message-actions.js — the row of buttons under a message: "‹ 2/3 ›" between its versions;
// under a reply copy, regenerate (retry when it failed), continue (when it was cut off or
// stopped) and thumbs up/down with an optional comment; under a question edit and copy.
// bubble.handlers (replies.js) does the work; a bubble without handlers (a shared page)
// only offers copy.

import { el } from './dom.js';
import { icon } from './icons.js';
import { t } from './i18n.js';
import { copyWithFeedback } from './markdown.js';
import { startEdit } from './message-edit.js';

function iconButton(name, label, testid, onClick) {
  const button = el('button', { type: 'button', class: 'icon-btn', 'aria-label': label, title: label, 'data-testid': testid },
    icon(name), el('span', { class: 'visually-hidden', text: label }));
  button.addEventListener('click', onClick);
  return button;
}

// A button with its word showing: the actions that matter most when they appear.
function wordButton(name, label, testid, onClick) {
  const button = el('button', { type: 'button', class: 'btn small', 'data-testid': testid }, icon(name), el('span', { text: label }));
  button.addEventListener('click', onClick);
  return button;
}

function copyButton(bubble) {
  const label = bubble.role === 'user' ? t('msg.copy_question') : t('msg.copy');
  const button = iconButton('copy', label, 'copy-message', () => copyWithFeedback(button, bubble.text));
  return button;
}

function switcher(bubble, versions, index) {
  const h = bubble.handlers;
  const total = versions.length;
  const prev = iconButton('chevron-left', t('msg.version_prev'), 'version-prev', () => h.switchTo(bubble, versions[index - 1]));
  const next = iconButton('chevron-right', t('msg.version_next'), 'version-next', () => h.switchTo(bubble, versions[index + 1]));
  prev.disabled = index <= 0;
  next.disabled = index >= total - 1;
  const label = el('span', { class: 'version-label', 'data-testid': 'version-label', text: `${index + 1}/${total}`,
    title: t('msg.version_of', { n: index + 1, total }) });
  return el('span', { class: 'versions', role: 'group', 'aria-label': t('msg.versions') }, prev, label, next);
}

/* ---- feedback ---- */

function commentForm(bubble) {
  const area = el('textarea', { class: 'textarea feedback-comment', rows: 2, maxlength: 2000, 'data-testid': 'feedback-comment',
    placeholder: t('feedback.placeholder'), 'aria-label': t('feedback.comment_label') });
  const send = el('button', { type: 'submit', class: 'btn small primary', 'data-testid': 'feedback-send', text: t('feedback.send') });
  const skip = el('button', { type: 'button', class: 'btn small ghost', text: t('feedback.skip') });
  const form = el('form', { class: 'feedback-form', 'data-testid': 'feedback-form' },
    el('label', { class: 'field-label', text: t('feedback.why') }), area, el('div', { class: 'form-row' }, skip, send));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    send.disabled = true;
    try {
      bubble.setFeedback(await bubble.handlers.rate(bubble, 'down', area.value.trim()));
      form.remove();
    } catch {
      send.disabled = false;
    }
  });
  skip.addEventListener('click', () => form.remove());
  area.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') {
      event.stopPropagation();
      form.remove();
    }
  });
  return form;
}

function thumbs(bubble) {
  const rating = bubble.data.feedback?.rating || null;
  const rate = async (wanted) => {
    const next = rating === wanted ? 'none' : wanted;
    try {
      bubble.setFeedback(await bubble.handlers.rate(bubble, next));
    } catch {
      return;
    }
    if (next === 'down') {
      const form = commentForm(bubble);
      bubble.below.replaceChildren(form);
      form.querySelector('textarea').focus();
    } else {
      bubble.below.replaceChildren();
    }
  };
  const up = iconButton('thumb-up', t('feedback.up'), 'thumb-up', () => rate('up'));
  const down = iconButton('thumb-down', t('feedback.down'), 'thumb-down', () => rate('down'));
  up.setAttribute('aria-pressed', String(rating === 'up'));
  down.setAttribute('aria-pressed', String(rating === 'down'));
  return [up, down];
}

/* ---- the row ---- */

function replyActions(bubble) {
  const h = bubble.handlers;
  const parts = [copyButton(bubble)];
  if (!h || !bubble.id()) return parts;
  const status = bubble.node.dataset.status;
  if (status === 'error') {
    parts.push(wordButton('refresh', t('msg.retry'), 'retry-reply', () => h.retry(bubble)));
  } else {
    parts.push(iconButton('refresh', t('msg.regenerate'), 'regenerate-reply', () => h.regenerate(bubble)));
  }
  if (status === 'partial' || status === 'stopped') {
    parts.push(wordButton('play', t('msg.continue'), 'continue-reply', () => h.continue(bubble)));
  }
  parts.push(...thumbs(bubble));
  return parts;
}

function questionActions(bubble) {
  const parts = [];
  if (bubble.handlers && bubble.id()) parts.push(iconButton('edit', t('msg.edit'), 'edit-message', () => startEdit(bubble)));
  parts.push(copyButton(bubble));
  return parts;
}

export function renderActions(bubble) {
  if (!bubble.actions) return;
  const parts = [];
  const versions = bubble.data.versions;
  if (bubble.handlers && Array.isArray(versions) && versions.length > 1) {
    parts.push(switcher(bubble, versions, Number(bubble.data.version_index) || 0));
  }
  parts.push(...(bubble.role === 'user' ? questionActions(bubble) : replyActions(bubble)));
  bubble.actions.replaceChildren(...parts);
}
