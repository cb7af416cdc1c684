// charts.js — thin layer over Chart.js (loaded as the global Chart): colours read from the
// theme's CSS custom properties, one chart per canvas, and a "no data yet" state.

const { Chart } = window;
const charts = new Map();

export function palette() {
  const css = getComputedStyle(document.documentElement);
  const read = (name) => css.getPropertyValue(name).trim();
  return {
    series: [1, 2, 3, 4, 5, 6].map((n) => read(`--chart-${n}`)),
    text: read('--text-muted'),
    grid: read('--chart-grid'),
    surface: read('--surface'),
    font: read('--font') || 'system-ui, sans-serif',
  };
}

// Adds transparency to a #rrggbb colour.
export function alpha(color, amount) {
  const hex = /^#([0-9a-f]{6})$/i.exec(color);
  if (!hex) return color;
  const n = parseInt(hex[1], 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${amount})`;
}

function applyDefaults(colors) {
  Chart.defaults.color = colors.text;
  Chart.defaults.borderColor = colors.grid;
  Chart.defaults.font.family = colors.font;
  Chart.defaults.font.size = 12;
  Chart.defaults.plugins.legend.labels.boxWidth = 12;
  Chart.defaults.plugins.legend.labels.boxHeight = 12;
  Chart.defaults.plugins.tooltip.padding = 10;
  Chart.defaults.plugins.tooltip.cornerRadius = 8;
}

// Draws (or redraws in place) the chart on canvas; empty=true shows the "no data" note instead.
export function draw(canvas, config, empty) {
  const box = canvas.closest('.chart-box');
  box.classList.toggle('empty', empty);
  canvas.hidden = empty;
  box.querySelector('.no-data').hidden = !empty;
  const existing = charts.get(canvas);
  if (empty) {
    existing?.destroy();
    charts.delete(canvas);
    return;
  }
  applyDefaults(palette());
  if (existing && existing.config.type === config.type) {
    existing.data = config.data;
    existing.options = config.options;
    existing.update('none');
    return;
  }
  existing?.destroy();
  charts.set(canvas, new Chart(canvas, config));
}

// Throws every chart away (after a theme change the colours must be read again).
export function destroyAll() {
  for (const chart of charts.values()) chart.destroy();
  charts.clear();
}
