// dashboard-audience.js — the dashboard's members-and-visitors table and the figures of
// each assistant (conversations, messages, visitors' share, latency, top intents).

import { $, el } from './dom.js';
import { t, has } from './i18n.js';
import { number, ms } from './format.js';

const list = (value) => (Array.isArray(value) ? value : []);

function audienceRow(key, figures = {}) {
  return el('tr', { 'data-testid': `audience-${key}` },
    el('th', { scope: 'row', text: t(`dash.${key}`) }),
    el('td', { class: 'num', 'data-field': 'sessions', text: number(figures.sessions ?? 0) }),
    el('td', { class: 'num', 'data-field': 'conversations', text: number(figures.conversations ?? 0) }),
    el('td', { class: 'num', 'data-field': 'messages', text: number(figures.messages ?? 0) }));
}

function intentsText(intents) {
  return list(intents).slice(0, 3).map((i) => {
    const name = has(`intent.${i.intent}`) ? t(`intent.${i.intent}`) : i.intent;
    return `${name} ${number(i.count)}`;
  }).join(' · ') || '—';
}

function assistantRow(a) {
  const latency = a.latency_ms || {};
  return el('tr', { 'data-testid': 'assistant-stat-row', 'data-slug': a.slug ?? '' },
    el('td', { class: 'strong', text: a.slug ? a.name : t('dash.deleted_assistant') }),
    el('td', { class: 'num', 'data-field': 'conversations', text: number(a.conversations ?? 0) }),
    el('td', { class: 'num', 'data-field': 'messages', text: number(a.messages ?? 0) }),
    el('td', { class: 'num', 'data-field': 'visitor-messages', text: number(a.visitors?.messages ?? 0) }),
    el('td', { class: 'num', text: latency.p50 == null ? '—' : ms(latency.p50) }),
    el('td', { class: 'num', text: latency.p95 == null ? '—' : ms(latency.p95) }),
    el('td', { text: intentsText(a.intents) }));
}

export function renderAudience(stats) {
  $('#audience-rows').replaceChildren(audienceRow('members', stats.members), audienceRow('visitors', stats.visitors));
  $('#assistant-stat-rows').replaceChildren(...list(stats.assistants).map(assistantRow));
}
