// dashboard-feedback.js — the dashboard's feedback panel: thumbs up and down in the
// period, by model, intent and assistant, and the latest "down" replies with the question
// they answered and the user's comment, for the administrator to read.

import { $, el } from './dom.js';
import { t, has } from './i18n.js';
import { number, percent, dateTime } from './format.js';

const list = (value) => (Array.isArray(value) ? value : []);
const COLUMN = { model: 'dash.feedback_model', intent: 'dash.feedback_intent', assistant: 'dash.feedback_assistant' };

function share(up, down) {
  const total = Number(up) + Number(down);
  return total ? percent(Number(up) / total) : '—';
}

function groupTable(rows, key, testid, label = (v) => v) {
  if (!rows.length) return el('p', { class: 'no-data-line', text: t('dash.no_data') });
  return el('table', { class: 'table', 'data-testid': testid },
    el('thead', {}, el('tr', {},
      el('th', { scope: 'col', text: t(COLUMN[key]) }),
      el('th', { scope: 'col', class: 'num', text: '👍' }),
      el('th', { scope: 'col', class: 'num', text: '👎' }),
      el('th', { scope: 'col', class: 'num', text: t('dash.feedback_share') }))),
    el('tbody', {}, rows.map((r) => el('tr', {},
      el('td', { text: label(r[key] ?? '—') }),
      el('td', { class: 'num', text: number(r.up) }),
      el('td', { class: 'num', text: number(r.down) }),
      el('td', { class: 'num', text: share(r.up, r.down) })))));
}

function intentLabel(name) {
  return has(`intent.${name}`) ? t(`intent.${name}`) : name;
}

function downItem(d) {
  return el('li', { class: 'down-item', 'data-testid': 'down-item' },
    el('div', { class: 'down-meta' }, el('span', { class: 'strong', text: d.user }),
      el('span', { text: [d.model || t('dash.feedback_no_model'), intentLabel(d.intent), dateTime(d.at)].join(' · ') })),
    el('p', { class: 'down-question' }, el('span', { class: 'down-label', text: t('dash.feedback_question') }), d.question || '—'),
    el('p', { class: 'down-reply' }, el('span', { class: 'down-label', text: t('dash.feedback_reply') }), d.reply || '—'),
    d.comment ? el('p', { class: 'down-comment', text: `“${d.comment}”` }) : null);
}

export function renderFeedback(stats) {
  const f = stats?.feedback;
  const box = $('#feedback-panel');
  if (!box || !f) return;
  $('[data-testid="stat-feedback-up"]').textContent = number(f.up);
  $('[data-testid="stat-feedback-down"]').textContent = number(f.down);
  $('[data-testid="stat-feedback-share"]').textContent = share(f.up, f.down);
  $('#feedback-groups').replaceChildren(
    el('div', {}, el('h3', { text: t('dash.feedback_by_model') }), groupTable(list(f.by_model), 'model', 'feedback-by-model')),
    el('div', {}, el('h3', { text: t('dash.feedback_by_intent') }), groupTable(list(f.by_intent), 'intent', 'feedback-by-intent', intentLabel)),
    el('div', {}, el('h3', { text: t('dash.feedback_by_assistant') }), groupTable(list(f.by_assistant), 'assistant', 'feedback-by-assistant')));
  const downs = list(f.latest_down);
  $('#feedback-down').replaceChildren(...(downs.length ? downs.map(downItem)
    : [el('p', { class: 'no-data-line', text: t('dash.feedback_no_down') })]));
}
