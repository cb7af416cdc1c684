// transfer.js — export and import of conversations: a download of one conversation as
// Markdown or JSON, or of all of them; an import of a file (microchat's own export, or
// the conversations.json of a ChatGPT data export) with a report of what came in.

import { request, ApiError } from './api.js';
import { el } from './dom.js';
import { t, getLang } from './i18n.js';
import { describeError } from './errors.js';
import { toast } from './toast.js';

const EXPORT = 'cgi-bin/export';

// The file name the server gave (Content-Disposition), else a plain one.
function fileName(res, fallback) {
  const match = /filename="([^"]+)"/.exec(res.headers.get('Content-Disposition') || '');
  return match ? match[1] : fallback;
}

// id: a conversation, or null for all of them (JSON only).
export async function exportConversations(id, format = 'json') {
  const params = { format, lang: getLang() };
  if (id) params.id = id;
  try {
    const res = await request(EXPORT, { params });
    const blob = await res.blob();
    const url = URL.createObjectURL(blob);
    const link = el('a', { href: url, download: fileName(res, `microchat.${format}`), hidden: true });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  } catch (err) {
    if (err.status !== 401) toast(describeError(err), 'error');
  }
}

// The import's answer in one sentence.
function report(data) {
  const parts = [t('transfer.imported', { n: data.imported, m: data.messages })];
  if (data.skipped_messages) parts.push(t('transfer.skipped', { n: data.skipped_messages }));
  if (data.skipped_attachments) parts.push(t('transfer.skipped_attachments', { n: data.skipped_attachments }));
  return parts.join(' ');
}

function failure(err) {
  const errors = Array.isArray(err.body?.errors) ? err.body.errors : [];
  const first = errors.slice(0, 3).map((e) => t('transfer.error_at', { n: Number(e.index) + 1, why: e.message }));
  return [t('transfer.nothing_imported'), err.message || describeError(err), ...first].join(' ');
}

// Asks for a file, imports it; onDone(data) after a successful import.
export function pickAndImport(onDone) {
  const input = el('input', { type: 'file', accept: '.json,application/json', hidden: true, 'data-testid': 'import-file' });
  input.addEventListener('change', async () => {
    const file = input.files?.[0];
    input.remove();
    if (file) await importFile(file, onDone);
  });
  document.body.append(input);
  input.click();
}

export async function importFile(file, onDone) {
  const body = new FormData();
  body.append('file', file, file.name);
  try {
    const res = await fetch('cgi-bin/import', { method: 'POST', body, credentials: 'same-origin', headers: { Accept: 'application/json' } });
    const data = await res.json().catch(() => null);
    if (!res.ok) {
      const err = new ApiError(data?.error?.message || res.statusText, { code: data?.error?.code, status: res.status, body: data });
      toast(err.status === 400 ? failure(err) : describeError(err), 'error');
      return null;
    }
    toast(report(data));
    onDone?.(data);
    return data;
  } catch (err) {
    toast(describeError(err), 'error');
    return null;
  }
}
