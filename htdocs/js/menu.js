// menu.js — a small pop-up menu of actions under a button: opens on click, arrow keys move
// between its items, Escape or a click elsewhere closes it and gives focus back.

import { el } from './dom.js';
import { icon } from './icons.js';

let openOne = null;

export function closeMenu() {
  if (!openOne) return;
  const { node, anchor, onKey, onClick } = openOne;
  openOne = null;
  node.remove();
  anchor.setAttribute('aria-expanded', 'false');
  document.removeEventListener('keydown', onKey, true);
  document.removeEventListener('click', onClick, true);
}

// items: [{ icon, label, testid, run, danger }] or a DOM node shown as it is (a text line).
export function openMenu(anchor, items, { testid = 'menu' } = {}) {
  const wasOpen = openOne?.anchor === anchor;
  closeMenu();
  if (wasOpen) return;
  const buttons = [];
  const node = el('div', { class: 'menu', role: 'menu', 'data-testid': testid }, items.map((item) => {
    if (item instanceof Node) return item;
    const button = el('button', { type: 'button', role: 'menuitem', class: `menu-item${item.danger ? ' danger' : ''}`,
      'data-testid': item.testid }, item.icon ? icon(item.icon) : null, el('span', { text: item.label }));
    button.addEventListener('click', (event) => {
      event.stopPropagation();
      closeMenu();
      item.run();
    });
    buttons.push(button);
    return button;
  }));
  const onKey = (event) => {
    const at = buttons.indexOf(document.activeElement);
    if (event.key === 'Escape') {
      event.stopPropagation();
      closeMenu();
      anchor.focus();
    } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      buttons[(at + step + buttons.length) % buttons.length]?.focus();
    }
  };
  const onClick = (event) => { if (!node.contains(event.target) && !anchor.contains(event.target)) closeMenu(); };
  openOne = { node, anchor, onKey, onClick };
  anchor.setAttribute('aria-expanded', 'true');
  anchor.insertAdjacentElement('afterend', node);
  document.addEventListener('keydown', onKey, true);
  document.addEventListener('click', onClick, true);
  buttons[0]?.focus();
}
