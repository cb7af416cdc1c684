// shortcuts.js — the chat page's keyboard shortcuts, and the help that lists them:
// Ctrl+Shift+O a new chat, Shift+Esc the message box, Esc stops a reply, Ctrl+/ this list
// (⌘ instead of Ctrl on a Mac).

import { el } from './dom.js';
import { t } from './i18n.js';
import { openDialog } from './dialog.js';

const MAC = /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent || '');
const MOD = MAC ? '⌘' : 'Ctrl';

function keys() {
  return [
    [[MOD, 'Shift', 'O'], t('keys.new_chat')],
    [['Shift', 'Esc'], t('keys.focus')],
    [['Esc'], t('keys.stop')],
    [['Enter'], t('keys.send')],
    [['Shift', 'Enter'], t('keys.newline')],
    [[MOD, '/'], t('keys.help')],
  ];
}

export function showShortcuts() {
  if (document.querySelector('[data-testid="shortcuts-dialog"]')) return;
  const rows = keys().map(([combo, what]) => el('tr', {},
    el('td', {}, combo.flatMap((k, i) => [i ? ' + ' : '', el('kbd', { text: k })])),
    el('td', { text: what })));
  openDialog({ title: t('keys.title'), testid: 'shortcuts-dialog',
    body: el('table', { class: 'keys-table' }, el('tbody', {}, rows)) });
}

export function initShortcuts({ newChat, focusComposer, stop, busy }) {
  document.addEventListener('keydown', (event) => {
    const mod = MAC ? event.metaKey : event.ctrlKey;
    if (mod && event.shiftKey && event.key.toLowerCase() === 'o') {
      event.preventDefault();
      newChat();
    } else if (event.shiftKey && event.key === 'Escape') {
      event.preventDefault();
      focusComposer();
    } else if (mod && event.key === '/') {
      event.preventDefault();
      showShortcuts();
    } else if (event.key === 'Escape' && busy() && !document.querySelector('dialog[open]')) {
      stop();
    }
  });
}
