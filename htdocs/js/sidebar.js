// sidebar.js — the conversation list: pinned ones first, then the newest, grouped by day;
// search (debounced), rename in place, delete after confirmation, a menu per conversation
// (pin, share, export, archive), the archived ones apart, import and export of everything,
// and the drawer behaviour on narrow screens.

import { getJSON, postForm } from './api.js';
import { el, debounce } from './dom.js';
import { icon } from './icons.js';
import { t, onLangChange } from './i18n.js';
import { dayGroup } from './format.js';
import { describeError } from './errors.js';
import { toast } from './toast.js';
import { openMenu } from './menu.js';
import { openShareDialog } from './share-dialog.js';
import { exportConversations, pickAndImport } from './transfer.js';

const HISTORY = 'cgi-bin/history';

export function initSidebar({ app, list, search, toggle, closeButton, backdrop, onOpen, onDeleted,
  archivedToggle, importButton, exportButton }) {
  let conversations = [];
  let activeId = null;
  let query = '';
  let archived = false; // showing the archived ones instead
  let loadSeq = 0;
  let loaded = false;
  let nextBefore = null; // the server's cursor when the list has more pages
  const narrow = window.matchMedia('(max-width: 860px)');

  function params(extra = {}) {
    const p = { ...extra };
    if (query) p.q = query;
    if (archived) p.archived = 1;
    return Object.keys(p).length ? p : undefined;
  }

  async function load() {
    const seq = ++loadSeq;
    try {
      const data = await getJSON(HISTORY, params());
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
      const data = await getJSON(HISTORY, params({ before: nextBefore }));
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
      const name = archived ? t('sidebar.archived') : conv.pinned ? t('group.pinned')
        : dayGroup(conv.updated_at || conv.created_at);
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
      const empty = query ? t('sidebar.no_results', { q: query }) : archived ? t('sidebar.no_archived') : t('sidebar.empty');
      parts.push(el('p', { class: 'sidebar-empty', text: empty }));
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
    const more = actionButton('more', t('sidebar.more'), () => openMenu(more, menuItems(conv), { testid: 'conversation-menu' }));
    remove.classList.add('danger');
    rename.dataset.testid = 'rename-conversation';
    remove.dataset.testid = 'delete-conversation';
    more.dataset.testid = 'conversation-more';
    more.setAttribute('aria-haspopup', 'menu');
    more.setAttribute('aria-expanded', 'false');
    if (conv.pinned) link.prepend(icon('pushpin', 'icon conv-pin'));
    const node = el('li', {
      class: 'conv',
      'data-testid': 'conversation-item',
      'data-id': conv.id,
      'data-pinned': conv.pinned ? '1' : '0',
      'aria-current': String(conv.id) === String(activeId) ? 'true' : null,
    }, link, el('div', { class: 'conv-actions' }, rename, more, remove));
    return node;
  }

  function menuItems(conv) {
    return [
      { icon: 'pushpin', label: t(conv.pinned ? 'sidebar.unpin' : 'sidebar.pin'), testid: 'menu-pin',
        run: () => change(conv, conv.pinned ? 'unpin' : 'pin') },
      { icon: 'share', label: t('sidebar.share'), testid: 'menu-share', run: () => openShareDialog(conv, { onChange: load }) },
      { icon: 'download', label: t('transfer.export_md'), testid: 'menu-export-md', run: () => exportConversations(conv.id, 'md') },
      { icon: 'download', label: t('transfer.export_json'), testid: 'menu-export-json', run: () => exportConversations(conv.id, 'json') },
      { icon: 'archive', label: t(conv.archived ? 'sidebar.unarchive' : 'sidebar.archive'), testid: 'menu-archive',
        run: () => change(conv, conv.archived ? 'unarchive' : 'archive') },
    ];
  }

  // pin, unpin, archive, unarchive: the list is read again (its order changes).
  async function change(conv, action) {
    try {
      await postForm(HISTORY, { action, id: conv.id });
      if (action === 'archive') toast(t('sidebar.archived_one'));
      await load();
    } catch (err) {
      if (err.status !== 401) toast(describeError(err), 'error');
    }
  }

  function showArchived(on) {
    archived = on;
    nextBefore = null;
    archivedToggle?.setAttribute('aria-pressed', String(on));
    app.classList.toggle('showing-archived', on);
    load();
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
    if (query || archived) return;
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

  archivedToggle?.addEventListener('click', () => showArchived(!archived));
  importButton?.addEventListener('click', () => pickAndImport(() => load()));
  exportButton?.addEventListener('click', () => exportConversations(null, 'json'));

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
    showArchived,
    reset() {
      conversations = [];
      loaded = false;
      query = '';
      archived = false;
      archivedToggle?.setAttribute('aria-pressed', 'false');
      search.value = '';
      list.replaceChildren();
    },
  };
}
