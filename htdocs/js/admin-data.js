// admin-data.js — the admin page's "Catalog and offices" section: upload catalog or office
// directory CSV files through POST cgi-bin/data, always checked first with a dry run that
// shows every refused line and writes nothing, then imported; and a backup download.

import { errorFromResponse, ApiError } from './api.js';
import { $, el } from './dom.js';
import { t, onLangChange } from './i18n.js';
import { describeError } from './errors.js';

const DATA = 'cgi-bin/data';
// The files a dry run checked: only those may then be imported.
let checked = null;
let lastReport = null;

async function upload(files, action, dryRun) {
  const body = new FormData();
  body.append('action', action);
  if (dryRun) body.append('dry_run', '1');
  for (const file of files) body.append('file', file, file.name);
  let res;
  try {
    res = await fetch(DATA, { method: 'POST', body, credentials: 'same-origin', headers: { Accept: 'application/json' } });
  } catch (err) {
    throw new ApiError(err.message || 'network error', { code: 'network' });
  }
  if (!res.ok) {
    // A refused header comes with the lines that explain it: keep them for the report.
    const copy = res.clone();
    const error = await errorFromResponse(res);
    error.report = await copy.json().catch(() => null);
    throw error;
  }
  return res.json();
}

function selection() {
  const form = $('#data-form');
  return { action: form.elements.action.value, files: Array.from(form.elements.file.files || []) };
}

function sameSelection(a, b) {
  return a && b && a.action === b.action && a.files.length === b.files.length
    && a.files.every((f, i) => f === b.files[i]);
}

function showStatus(text, kind = 'error') {
  const box = $('#data-status');
  box.hidden = !text;
  box.textContent = text || '';
  box.className = `alert${kind === 'ok' ? ' ok' : ''}`;
}

function errorText(err) {
  if (err.code === 'payload_too_large') return t('data.too_large');
  if (err.code === 'invalid_input' && /UTF-8/.test(err.message || '')) return t('data.not_utf8');
  return describeError(err, { detail: true });
}

function summary(report) {
  const counts = { rows: report.rows, new: report.new, updated: report.updated, rejected: report.rejected };
  if (report.dry_run) return t('data.summary_dry', counts);
  return report.written ? t('data.summary_done', counts) : t('data.summary_nothing', counts);
}

function renderReport() {
  const box = $('#data-report');
  const report = lastReport;
  box.hidden = !report;
  if (!report) return;
  const errors = Array.isArray(report.errors) ? report.errors : [];
  $('#data-summary').textContent = report.summary ?? summary(report);
  $('#data-errors-wrap').hidden = errors.length === 0;
  $('#data-error-rows').replaceChildren(...errors.map((e) => el('tr', { 'data-testid': 'data-error-row' },
    el('td', { class: 'mono', text: e.file ?? '' }),
    el('td', { class: 'num', text: String(e.line ?? '') }),
    el('td', { class: 'detail', text: e.message ?? '' }))));
  const more = (report.error_count ?? errors.length) - errors.length;
  $('#data-errors-more').hidden = more <= 0;
  $('#data-errors-more').textContent = more > 0 ? t('data.more_errors', { n: more }) : '';
}

async function run(dryRun) {
  const sel = selection();
  if (!sel.files.length) {
    showStatus(t('data.pick_files'));
    return;
  }
  const buttons = [$('#data-check'), $('#data-import')];
  buttons.forEach((b) => { b.disabled = true; });
  showStatus(null);
  try {
    lastReport = await upload(sel.files, sel.action, dryRun);
    checked = dryRun ? sel : null;
    if (!dryRun) showStatus(t(lastReport.written ? 'data.imported' : 'data.nothing_written'), lastReport.written ? 'ok' : 'error');
  } catch (err) {
    checked = null;
    const errors = err.report && Array.isArray(err.report.errors) ? err.report.errors : [];
    lastReport = errors.length ? { errors, summary: errorText(err) } : null;
    showStatus(errorText(err));
  } finally {
    $('#data-check').disabled = false;
    $('#data-import').disabled = !sameSelection(checked, selection());
  }
  renderReport();
}

function reset() {
  checked = null;
  lastReport = null;
  $('#data-import').disabled = true;
  showStatus(null);
  renderReport();
}

export function startDataSection() {
  const form = $('#data-form');
  if (!form) return;
  form.addEventListener('submit', (event) => { event.preventDefault(); run(true); });
  form.addEventListener('change', reset);
  $('#data-import').addEventListener('click', () => run(false));
  onLangChange(renderReport);
}
