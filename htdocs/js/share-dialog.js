// share-dialog.js — share a conversation as a read-only link: the link (made, or moved on
// to the newest messages, each time the dialog opens), a copy button, and "stop sharing".

import { postForm } from './api.js';
import { el } from './dom.js';
import { icon } from './icons.js';
import { t } from './i18n.js';
import { openDialog } from './dialog.js';
import { copyWithFeedback } from './markdown.js';
import { describeError } from './errors.js';
import { toast } from './toast.js';

const HISTORY = 'cgi-bin/history';

// The page that shows a link, next to this one whatever the site's prefix.
export function shareURL(token) {
  return new URL(`./shared.html#${token}`, location.href).href;
}

export async function openShareDialog(conv, { onChange } = {}) {
  let data;
  try {
    data = await postForm(HISTORY, { action: 'share', id: conv.id });
  } catch (err) {
    if (err.status !== 401) toast(describeError(err), 'error');
    return;
  }
  onChange?.();
  const link = el('input', { class: 'input share-link', readonly: true, 'data-testid': 'share-link', 'aria-label': t('share.link') });
  link.value = shareURL(data.share.token);
  const copy = el('button', { type: 'button', class: 'btn primary', 'data-testid': 'share-copy' }, icon('copy'),
    el('span', { text: t('share.copy') }));
  const revoke = el('button', { type: 'button', class: 'btn danger', 'data-testid': 'share-revoke', text: t('share.revoke') });
  const { close } = openDialog({
    title: t('share.title', { title: conv.title || t('sidebar.untitled') }),
    testid: 'share-dialog',
    body: [
      el('p', { class: 'dialog-text', text: t('share.explain') }),
      el('div', { class: 'form-row share-row' }, link, copy),
      el('p', { class: 'field-help', text: t('share.later') }),
      el('div', { class: 'form-row end' }, revoke),
    ],
  });
  copy.addEventListener('click', () => copyWithFeedback(copy, link.value));
  link.addEventListener('focus', () => link.select());
  revoke.addEventListener('click', async () => {
    revoke.disabled = true;
    try {
      await postForm(HISTORY, { action: 'unshare', id: conv.id });
      toast(t('share.revoked'));
      close();
      onChange?.();
    } catch (err) {
      revoke.disabled = false;
      if (err.status !== 401) toast(describeError(err), 'error');
    }
  });
}
