// dialog.js — a modal dialog built on <dialog>: a title, a body and buttons; Escape and
// the close button close it, focus goes back to where it was.

import { el } from './dom.js';
import { icon } from './icons.js';
import { t } from './i18n.js';

let seq = 0;

export function openDialog({ title, body = [], testid = 'dialog', onClose } = {}) {
  const id = `dialog-title-${++seq}`;
  const before = document.activeElement;
  const close = el('button', { type: 'button', class: 'icon-btn dialog-close', 'aria-label': t('dialog.close'),
    'data-testid': `${testid}-close` }, icon('close'));
  const dialog = el('dialog', { class: 'dialog', 'aria-labelledby': id, 'data-testid': testid },
    el('div', { class: 'dialog-head' }, el('h2', { id, text: title }), close),
    el('div', { class: 'dialog-body' }, body));
  const done = () => {
    if (dialog.open) dialog.close();
  };
  close.addEventListener('click', done);
  dialog.addEventListener('close', () => {
    dialog.remove();
    onClose?.();
    if (before && typeof before.focus === 'function') before.focus();
  });
  document.body.append(dialog);
  dialog.showModal();
  return { dialog, close: done };
}
