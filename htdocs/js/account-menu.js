// account-menu.js — the menu under the user's name: today's use against the quota (so a
// limit is seen before it is hit), the account page, export and import of everything, and
// the keyboard shortcuts. onUsage(usage) lets the page warn near the composer too.

import { getJSON } from './api.js';
import { el } from './dom.js';
import { t } from './i18n.js';
import { number, dateTime } from './format.js';
import { openMenu } from './menu.js';
import { exportConversations, pickAndImport } from './transfer.js';

// "Today: 12 of 50 messages · 3,000 of 20,000 tokens", or "no limit".
export function usageText(usage) {
  if (!usage) return '';
  const q = usage.quota || {};
  const parts = [];
  parts.push(q.messages_per_day ? t('usage.messages_of', { n: number(usage.messages_today), max: number(q.messages_per_day) })
    : t('usage.messages', { n: number(usage.messages_today) }));
  if (q.tokens_per_day) parts.push(t('usage.tokens_of', { n: number(usage.tokens_today), max: number(q.tokens_per_day) }));
  if (!q.messages_per_day && !q.tokens_per_day) parts.push(t('usage.unlimited'));
  else parts.push(t('usage.resets', { when: dateTime(usage.reset_at) }));
  return `${t('usage.today')} ${parts.join(' · ')}`;
}

// What is left when little is: {messages, tokens} or null.
export function usageLeft(usage) {
  const q = usage?.quota || {};
  const left = {};
  if (q.messages_per_day) left.messages = Math.max(0, q.messages_per_day - usage.messages_today);
  if (q.tokens_per_day) left.tokens = Math.max(0, q.tokens_per_day - usage.tokens_today);
  const low = (left.messages !== undefined && left.messages <= Math.max(2, q.messages_per_day * 0.2)) ||
    (left.tokens !== undefined && left.tokens <= q.tokens_per_day * 0.2);
  return low ? left : null;
}

export function initAccountMenu({ button, onShortcuts, onImported, onUsage }) {
  let usage = null;

  async function refresh() {
    try {
      usage = (await getJSON('cgi-bin/account')).usage;
      onUsage?.(usage);
    } catch {
      /* the menu says nothing of usage then */
    }
  }

  function items() {
    return [
      el('p', { class: 'menu-note', 'data-testid': 'usage-line', text: usage ? usageText(usage) : t('app.loading') }),
      { icon: 'user', label: t('account.open'), testid: 'menu-account', run: () => location.assign('./account.html') },
      { icon: 'download', label: t('transfer.export_all'), testid: 'menu-export-all', run: () => exportConversations(null, 'json') },
      { icon: 'upload', label: t('transfer.import'), testid: 'menu-import', run: () => pickAndImport(onImported) },
      { icon: 'keyboard', label: t('keys.title'), testid: 'menu-shortcuts', run: onShortcuts },
    ];
  }

  button.addEventListener('click', (event) => {
    event.stopPropagation();
    openMenu(button, items(), { testid: 'account-menu' });
    refresh().then(() => {
      const line = document.querySelector('[data-testid="usage-line"]');
      if (line && usage) line.textContent = usageText(usage);
    });
  });
  window.addEventListener('microchat:usage', refresh);
  return { refresh };
}
