// dashboard.js — /dashboard.html: usage totals, charts and backend health from
// /cgi-bin/stats, for a chosen period, refreshed every 30 seconds.

import { getJSON } from './api.js';
import { $, $$, el } from './dom.js';
import { t, has, onLangChange } from './i18n.js';
import { onThemeChange } from './theme.js';
import { startAdminPage } from './guard.js';
import { draw, destroyAll, palette, alpha } from './charts.js';
import { number, ms, clock, shortLabel, dayLabel, percent } from './format.js';
import { describeError } from './errors.js';

const REFRESH_MS = 30000;
const DAYS_KEY = 'microchat.dashboard.days';
const BACKEND_STATES = {
  up: 'ok', ok: 'ok', healthy: 'ok', closed: 'ok',
  'half-open': 'warn', half_open: 'warn', degraded: 'warn',
  down: 'danger', open: 'danger', failed: 'danger', unhealthy: 'danger',
};

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
    stats = await getJSON('/cgi-bin/stats', { days });
    updatedAt = new Date();
    showError(null);
    render();
  } catch (err) {
    if (err.status === 401 || err.status === 403) location.replace('/');
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
  renderCharts();
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

/* ---------- charts ---------- */

const hasValues = (values) => values.some((v) => v !== null && v !== undefined && Number(v) !== 0);
const list = (value) => (Array.isArray(value) ? value : []);

const calm = window.matchMedia('(prefers-reduced-motion: reduce)');
const narrow = () => window.innerWidth < 600;

// time=true: the x axis is a time line, so labels may be skipped and are kept level.
// counts=true: the y axis counts things, so it has no fractional ticks.
function baseOptions(format, { legend = true, time = false, counts = false } = {}) {
  return {
    responsive: true,
    maintainAspectRatio: false,
    animation: calm.matches ? false : { duration: 350 },
    interaction: { mode: 'index', intersect: false },
    plugins: {
      legend: { display: legend, position: 'bottom' },
      tooltip: { callbacks: { label: (ctx) => `${ctx.dataset.label}: ${format(ctx.parsed.y ?? ctx.parsed)}` } },
    },
    scales: {
      x: { grid: { display: false }, ticks: time ? { maxRotation: 0, autoSkip: true, maxTicksLimit: narrow() ? 5 : 10 } : {} },
      y: { beginAtZero: true, ticks: { callback: (value) => format(value), maxTicksLimit: 6, precision: counts ? 0 : undefined } },
    },
  };
}

function lineSet(label, data, color, fill = false) {
  return {
    label,
    data,
    borderColor: color,
    backgroundColor: fill ? alpha(color, 0.16) : color,
    fill,
    tension: 0.35,
    borderWidth: 2,
    pointRadius: data.length > 40 ? 0 : 2.5,
    pointHoverRadius: 5,
    spanGaps: true,
  };
}

function barSet(label, data, color) {
  return { label, data, backgroundColor: color, borderRadius: 6, maxBarThickness: 42 };
}

function renderCharts() {
  const colors = palette().series;
  const series = list(stats.series);
  const labels = series.map((point) => shortLabel(point.t, stats.bucket));
  const col = (key) => series.map((point) => point[key] ?? null);
  messagesChart(colors);
  percentileChart('latency', labels, col, 'latency', colors);
  percentileChart('first-token', labels, col, 'first_token', colors);
  const tps = col('tokens_per_second');
  draw(canvas('tokens'), {
    type: 'line',
    data: { labels, datasets: [lineSet(t('dash.tokens_per_second'), tps, colors[1], true)] },
    options: baseOptions((v) => number(v, 1), { legend: false, time: true }),
  }, !hasValues(tps));
  modelsChart(colors);
  intentsChart(colors);
  productsChart(colors);
  errorsChart(colors);
}

function canvas(name) {
  return $(`[data-testid="chart-${name}"]`);
}

// Per hour when the period is one day (from the series), else per day.
function messagesChart(colors) {
  const hourly = stats.bucket === 'hour' && list(stats.series).length > 0;
  const rows = hourly
    ? list(stats.series).map((p) => ({ label: shortLabel(p.t, 'hour'), count: p.messages }))
    : list(stats.messages_per_day).map((d) => ({ label: dayLabel(d.day), count: d.count }));
  $('#messages-title').textContent = t(hourly ? 'dash.messages_per_hour' : 'dash.messages_per_day');
  const data = rows.map((r) => r.count ?? 0);
  draw(canvas('messages'), {
    type: 'bar',
    data: { labels: rows.map((r) => r.label), datasets: [barSet(t('dash.messages'), data, colors[0])] },
    options: baseOptions((v) => number(v), { legend: false, time: true, counts: true }),
  }, !hasValues(data));
}

function percentileChart(name, labels, col, prefix, colors) {
  const sets = [
    lineSet('p50', col(`${prefix}_p50`), colors[2]),
    lineSet('p95', col(`${prefix}_p95`), colors[0]),
    lineSet('p99', col(`${prefix}_p99`), colors[5]),
  ];
  draw(canvas(name), { type: 'line', data: { labels, datasets: sets }, options: baseOptions(ms, { time: true }) },
    !sets.some((set) => hasValues(set.data)));
}

function modelsChart(colors) {
  const rows = list(stats.models);
  const surface = palette().surface;
  draw(canvas('models'), {
    type: 'doughnut',
    data: {
      labels: rows.map((r) => r.model),
      datasets: [{
        label: t('dash.messages'),
        data: rows.map((r) => r.count),
        backgroundColor: rows.map((_, i) => colors[i % colors.length]),
        borderColor: surface,
        borderWidth: 3,
        hoverOffset: 6,
      }],
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: calm.matches ? false : { duration: 350 },
      cutout: '64%',
      plugins: { legend: { position: 'bottom' } },
    },
  }, !hasValues(rows.map((r) => r.count)));
}

function intentsChart(colors) {
  const rows = list(stats.intents);
  const options = baseOptions((v) => number(v), { legend: false, counts: true });
  options.plugins.tooltip.callbacks.afterLabel = (ctx) => {
    const avg = rows[ctx.dataIndex]?.avg_confidence;
    return avg == null ? '' : t('dash.avg_confidence', { p: percent(avg) });
  };
  draw(canvas('intents'), {
    type: 'bar',
    data: {
      labels: rows.map((r) => (has(`intent.${r.intent}`) ? t(`intent.${r.intent}`) : r.intent)),
      datasets: [barSet(t('dash.requests'), rows.map((r) => r.count), colors[3])],
    },
    options,
  }, !hasValues(rows.map((r) => r.count)));
}

function productsChart(colors) {
  const rows = list(stats.top_products);
  const options = baseOptions((v) => number(v), { legend: false });
  options.indexAxis = 'y';
  options.scales = {
    x: { beginAtZero: true, ticks: { maxTicksLimit: 6, precision: 0 } },
    y: { grid: { display: false }, ticks: { callback: (_, i) => clip(rows[i]?.name, narrow() ? 16 : 26) } },
  };
  options.plugins.tooltip.callbacks.label = (ctx) => `${t('dash.mentions')}: ${number(ctx.parsed.x)}`;
  options.plugins.tooltip.callbacks.title = (items) => rows[items[0].dataIndex]?.name ?? '';
  draw(canvas('products'), {
    type: 'bar',
    data: { labels: rows.map((r) => r.name), datasets: [barSet(t('dash.mentions'), rows.map((r) => r.count), colors[2])] },
    options,
  }, !hasValues(rows.map((r) => r.count)));
}

function errorsChart(colors) {
  const rows = list(stats.errors);
  draw(canvas('errors'), {
    type: 'bar',
    data: { labels: rows.map((r) => r.code), datasets: [barSet(t('dash.errors'), rows.map((r) => r.count), colors[5])] },
    options: baseOptions((v) => number(v), { legend: false, counts: true }),
  }, !hasValues(rows.map((r) => r.count)));
}

function clip(text, max) {
  const s = String(text ?? '');
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
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
