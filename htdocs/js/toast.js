// toast.js — short notices in one polite live region at the bottom of the screen.

import { el } from './dom.js';

let region = null;

export function toast(text, kind = 'info') {
  if (!region) {
    region = el('div', { class: 'toasts', role: 'status', 'aria-live': 'polite', 'data-testid': 'toast' });
    document.body.append(region);
  }
  const note = el('div', { class: `toast ${kind}`, text });
  region.append(note);
  setTimeout(() => note.classList.add('leaving'), 3200);
  setTimeout(() => note.remove(), 3600);
}
