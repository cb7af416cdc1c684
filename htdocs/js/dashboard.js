// dashboard.js — /dashboard.html: usage totals, charts and backend health from
// /cgi-bin/stats, for a chosen period, refreshed every 30 seconds.

import { getJSON } from './api.js';
import { $, $$, el } from './dom.js';
import { t, has, onLangChange } from './i18n.js';
import { onThemeChange } from './theme.js';
import { startAdminPage } from './guard.js';
import { destroyAll } from './charts.js';
import { renderCharts } from './dashboard-charts.js';
import { number, ms, clock } from './format.js';
import { describeError } from './errors.js';
import { renderAudience } from './dashboard-audience.js';

const REFRESH_MS = 30000;
const DAYS_KEY = 'microchat.dashboard.days';
const BACKEND_STATES = {
  up: 'ok', ok: 'ok', healthy: 'ok', closed: 'ok',
  'half-open': 'warn', half_open: 'warn', degraded: 'warn',
  down: 'danger', open: 'danger', failed: 'danger', unhealthy: 'danger',
};

const list = (value) => (Array.isArray(value) ? value : []);

let days = storedDays();
let stats = null;
let updatedAt = null;
let loading = false;

function storedDays() {
  try {
    const value = Number(localStorage.getItem(DAYS_KEY));
    return [1, 7, 30].includes(value) ? value : 7;
  } catch {
    return 7;
  }
}

async function load() {
  if (loading) return;
  loading = true;
  $('#refresh').disabled = true;
  try {
    stats = await getJSON('cgi-bin/stats', { days });
    updatedAt = new Date();
    showError(null);
    render();
  } catch (err) {
    if (err.status === 401 || err.status === 403) location.replace('./');
    else showError(describeError(err));
  } finally {
    loading = false;
    $('#refresh').disabled = false;
  }
}

function showError(text) {
  const box = $('#dash-error');
  box.hidden = !text;
  box.textContent = text || '';
}

function render() {
  if (!stats) return;
  renderTotals();
  renderCharts(stats);
  renderAudience(stats);
  renderBackends();
  renderUpdated();
}

function renderUpdated() {
  $('#last-updated').textContent = updatedAt ? t('dash.updated', { time: clock(updatedAt) }) : '';
}

/* ---------- totals ---------- */

function renderTotals() {
  const totals = stats.totals || {};
  setStat('users', number(totals.users));
  setStat('conversations', number(totals.conversations));
  setStat('messages', number(totals.messages));
  setStat('tokens-per-second', stats.tokens_per_second == null ? '—' : number(stats.tokens_per_second, 1));
  setStat('latency-p95', stats.latency_ms?.p95 == null ? '—' : ms(stats.latency_ms.p95));
  setStat('first-token-p95', stats.first_token_ms?.p95 == null ? '—' : ms(stats.first_token_ms.p95));
}

function setStat(name, text) {
  $(`[data-testid="stat-total-${name}"]`).textContent = text;
}

/* ---------- backends ---------- */

function renderBackends() {
  const rows = list(stats.backends);
  $('#backends-empty').hidden = rows.length > 0;
  $('#backends-table').hidden = rows.length === 0;
  $('#backend-rows').replaceChildren(...rows.map((b) => {
    const state = String(b.state ?? '');
    const kind = BACKEND_STATES[state.toLowerCase()] || '';
    const label = has(`backend.${state.toLowerCase()}`) ? t(`backend.${state.toLowerCase()}`) : state || '—';
    return el('tr', { 'data-testid': 'backend-row' },
      el('td', { class: 'mono', text: b.url ?? '' }),
      el('td', {}, el('span', { class: `badge ${kind}`, 'data-state': state, text: label, title: b.last_error || null })),
      el('td', { class: 'num', text: number(b.requests) }),
      el('td', { class: 'num', text: number(b.failures) }),
      el('td', { class: 'num', text: b.avg_ms == null ? '—' : ms(b.avg_ms) }));
  }));
}

/* ---------- controls ---------- */

function selectDays(value) {
  days = value;
  try {
    localStorage.setItem(DAYS_KEY, String(value));
  } catch {
    /* only for this visit */
  }
  for (const button of $$('[data-days]')) button.setAttribute('aria-pressed', String(Number(button.dataset.days) === days));
  load();
}

async function start() {
  if (!(await startAdminPage())) return;
  for (const button of $$('[data-days]')) button.addEventListener('click', () => selectDays(Number(button.dataset.days)));
  $('#refresh').addEventListener('click', load);
  onThemeChange(() => { destroyAll(); render(); });
  onLangChange(render);
  setInterval(() => { if (!document.hidden) load(); }, REFRESH_MS);
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden && updatedAt && Date.now() - updatedAt.getTime() > REFRESH_MS) load();
  });
  selectDays(days);
}

start();
