// dashboard-charts.js — the dashboard's charts, one function per chart, drawn with the
// theme's colours from a /cgi-bin/stats answer (empty series show "no data yet").

import { $ } from './dom.js';
import { t, has } from './i18n.js';
import { draw, palette, alpha } from './charts.js';
import { number, ms, shortLabel, dayLabel, percent } from './format.js';

let stats = null;

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

// Draws every chart of the dashboard from one /cgi-bin/stats answer.
export function renderCharts(data) {
  stats = data;
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
