// sidebar.js — the conversation list: newest first, grouped by day, search (debounced),
// rename in place, delete after confirmation, and the drawer behaviour on narrow screens.

import { getJSON, postForm } from './api.js';
import { el, debounce } from './dom.js';
import { icon } from './icons.js';
import { t, onLangChange } from './i18n.js';
import { dayGroup } from './format.js';
import { describeError } from './errors.js';
import { toast } from './toast.js';

const HISTORY = 'cgi-bin/history';

export function initSidebar({ app, list, search, toggle, closeButton, backdrop, onOpen, onDeleted }) {
  let conversations = [];
  let activeId = null;
  let query = '';
  let loadSeq = 0;
  let loaded = false;
  let nextBefore = null; // the server's cursor when the list has more pages
  const narrow = window.matchMedia('(max-width: 860px)');

  async function load() {
    const seq = ++loadSeq;
    try {
      const data = await getJSON(HISTORY, query ? { q: query } : undefined);
      if (seq !== loadSeq) return conversations;
      conversations = Array.isArray(data.conversations) ? data.conversations : [];
      nextBefore = data.next_before ?? null;
      loaded = true;
      render();
    } catch (err) {
      if (seq === loadSeq && err.status !== 401) renderError(err);
    }
    return conversations;
  }

  // The next page of older conversations, after the ones shown.
  async function loadMore() {
    const seq = loadSeq;
    try {
      const params = { before: nextBefore };
      if (query) params.q = query;
      const data = await getJSON(HISTORY, params);
      if (seq !== loadSeq) return;
      const known = new Set(conversations.map((c) => c.id));
      for (const c of data.conversations || []) if (!known.has(c.id)) conversations.push(c);
      nextBefore = data.next_before ?? null;
      render();
    } catch (err) {
      if (err.status !== 401) toast(describeError(err), 'error');
    }
  }

  function render() {
    const groups = new Map();
    for (const conv of conversations) {
      const name = dayGroup(conv.updated_at || conv.created_at);
      if (!groups.has(name)) groups.set(name, []);
      groups.get(name).push(conv);
    }
    const parts = [];
    for (const [name, items] of groups) {
      parts.push(el('h2', { class: 'conv-group', text: name }), el('ul', {}, items.map(item)));
    }
    if (nextBefore) {
      const more = el('button', { type: 'button', class: 'btn sidebar-more', 'data-testid': 'load-more', text: t('sidebar.load_more') });
      more.addEventListener('click', () => { more.disabled = true; loadMore(); });
      parts.push(more);
    }
    if (parts.length === 0 && loaded) {
      parts.push(el('p', { class: 'sidebar-empty', text: query ? t('sidebar.no_results', { q: query }) : t('sidebar.empty') }));
    }
    list.replaceChildren(...parts);
  }

  function renderError(err) {
    list.replaceChildren(el('p', { class: 'sidebar-empty', text: describeError(err) }));
  }

  function item(conv) {
    const title = conv.title || t('sidebar.untitled');
    const link = el('a', { class: 'conv-link', href: `#c=${conv.id}`, title, text: title });
    link.addEventListener('click', (event) => {
      event.preventDefault();
      closeDrawer();
      if (String(conv.id) === String(activeId)) return;
      history.pushState(null, '', `#c=${conv.id}`);
      onOpen(conv.id);
    });
    const rename = actionButton('edit', t('sidebar.rename'), () => startRename(node, conv));
    const remove = actionButton('trash', t('sidebar.delete'), () => confirmDelete(conv));
    remove.classList.add('danger');
    rename.dataset.testid = 'rename-conversation';
    remove.dataset.testid = 'delete-conversation';
    const node = el('li', {
      class: 'conv',
      'data-testid': 'conversation-item',
      'data-id': conv.id,
      'aria-current': String(conv.id) === String(activeId) ? 'true' : null,
    }, link, el('div', { class: 'conv-actions' }, rename, remove));
    return node;
  }

  function actionButton(name, label, handler) {
    const button = el('button', { type: 'button', class: 'icon-btn', 'aria-label': label, title: label }, icon(name));
    button.addEventListener('click', handler);
    return button;
  }

  function startRename(node, conv) {
    const input = el('input', {
      class: 'input conv-rename',
      type: 'text',
      maxlength: 200,
      'aria-label': t('sidebar.rename_label'),
      'data-testid': 'rename-input',
    });
    input.value = conv.title || '';
    let done = false;
    const finish = (save) => {
      if (done) return;
      done = true;
      const title = input.value.trim();
      if (save && title && title !== conv.title) saveTitle(conv, title);
      else render();
    };
    input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') { event.preventDefault(); finish(true); }
      if (event.key === 'Escape') { event.preventDefault(); finish(false); }
    });
    input.addEventListener('blur', () => finish(true));
    node.replaceChildren(input);
    input.focus();
    input.select();
  }

  async function saveTitle(conv, title) {
    const previous = conv.title;
    conv.title = title;
    render();
    try {
      await postForm(HISTORY, { action: 'rename', id: conv.id, title });
    } catch (err) {
      conv.title = previous;
      render();
      if (err.status !== 401) toast(describeError(err), 'error');
    }
  }

  async function confirmDelete(conv) {
    // A native confirm: always accessible, and simple for browser tests to accept or dismiss.
    if (!window.confirm(t('sidebar.confirm_delete', { title: conv.title || t('sidebar.untitled') }))) return;
    try {
      await postForm(HISTORY, { action: 'delete', id: conv.id });
    } catch (err) {
      if (err.status !== 401) toast(describeError(err), 'error');
      return;
    }
    conversations = conversations.filter((c) => String(c.id) !== String(conv.id));
    render();
    toast(t('sidebar.deleted'));
    onDeleted(conv.id);
  }

  function setActive(id) {
    activeId = id;
    for (const node of list.querySelectorAll('[data-testid="conversation-item"]')) {
      if (node.dataset.id === String(id)) node.setAttribute('aria-current', 'true');
      else node.removeAttribute('aria-current');
    }
  }

  // Adds a conversation the server just created (before the list is fetched again).
  function upsert(conv) {
    if (query) return;
    const rest = conversations.filter((c) => String(c.id) !== String(conv.id));
    const old = conversations.find((c) => String(c.id) === String(conv.id));
    conversations = [{ ...old, ...conv }, ...rest];
    render();
  }

  /* ---- drawer ---- */
  function drawerOpen() {
    return narrow.matches ? app.classList.contains('sidebar-open') : !app.classList.contains('sidebar-collapsed');
  }

  function syncToggle() {
    toggle.setAttribute('aria-expanded', String(drawerOpen()));
  }

  function closeDrawer() {
    if (!narrow.matches || !app.classList.contains('sidebar-open')) return;
    app.classList.remove('sidebar-open');
    syncToggle();
    toggle.focus();
  }

  toggle.addEventListener('click', () => {
    if (narrow.matches) app.classList.toggle('sidebar-open');
    else app.classList.toggle('sidebar-collapsed');
    syncToggle();
    if (narrow.matches && drawerOpen()) closeButton.focus();
  });
  closeButton.addEventListener('click', closeDrawer);
  backdrop.addEventListener('click', closeDrawer);
  document.addEventListener('keydown', (event) => { if (event.key === 'Escape') closeDrawer(); });
  narrow.addEventListener('change', () => {
    app.classList.remove('sidebar-open');
    syncToggle();
  });
  syncToggle();

  const searchLater = debounce(() => load(), 300);
  search.addEventListener('input', () => {
    query = search.value.trim();
    searchLater();
  });
  onLangChange(render);

  return {
    load,
    refresh: load,
    setActive,
    upsert,
    closeDrawer,
    list: () => conversations,
    reset() {
      conversations = [];
      loaded = false;
      query = '';
      search.value = '';
      list.replaceChildren();
    },
  };
}
