// assistants.js — who a conversation talks to: the choice of assistant on a new chat
// (cards in the empty state, remembered), its greeting and quick actions, the
// conversation's assistant in the top bar, and the model picker held to an
// assistant's own model.

import { getJSON } from './api.js';
import { el } from './dom.js';
import { icon } from './icons.js';
import { t, getLang, onLangChange } from './i18n.js';

const ASSISTANTS = 'cgi-bin/assistants';
const KEY = 'microchat.assistant';
const ICONS = new Set(['chat', 'bag', 'building', 'heart', 'help', 'star', 'search']);

export function assistantIcon(name) {
  return icon(ICONS.has(name) ? name : 'chat');
}

function remembered() {
  try {
    return localStorage.getItem(KEY);
  } catch {
    return null;
  }
}

function remember(slug) {
  try {
    localStorage.setItem(KEY, slug);
  } catch {
    /* the choice lasts for this page */
  }
}

// picker: where the cards go; greeting, quick: the empty state's greeting and
// suggestions; actions: the chips under the composer; chip: the top bar's
// name; onFill(text): put a starter phrase in the composer; onModel(name|null).
export function initAssistants({ picker, greeting, quick, actions, chip, onFill, onModel }) {
  let list = [];
  let fallback = null; // the site's default assistant
  let chosen = null; // for a new chat
  let shown = null;  // the conversation's (or the new chat's)
  let fresh = true;  // a new chat: the picker is offered

  async function load() {
    try {
      const data = await getJSON(ASSISTANTS, { lang: getLang() });
      list = Array.isArray(data.assistants) ? data.assistants.filter((a) => a.enabled !== false) : [];
      fallback = data.default ?? null;
    } catch {
      list = [];
    }
    const keep = chosen?.slug ?? remembered();
    chosen = list.find((a) => a.slug === keep) ?? list.find((a) => a.slug === fallback) ?? list[0] ?? null;
    if (fresh || !shown) shown = chosen;
    else shown = list.find((a) => a.slug === shown.slug) ?? shown;
    render();
    return list;
  }

  function bySlug(slug) {
    return list.find((a) => a.slug === slug) ?? null;
  }

  function render() {
    renderPicker();
    renderGreeting();
    renderActions(quick, 'suggestion', 'suggestion');
    renderActions(actions, 'quick-action', 'chip-btn');
    chip.hidden = !shown || (fresh && list.length > 1);
    chip.replaceChildren(...(shown ? [assistantIcon(shown.icon), el('span', { text: shown.name })] : []));
    if (shown) chip.dataset.assistant = shown.slug;
    onModel?.(shown?.model || null);
  }

  function renderPicker() {
    picker.hidden = !fresh || list.length < 2;
    picker.replaceChildren(...list.map((a) => {
      const selected = chosen && a.slug === chosen.slug;
      const button = el('button', {
        type: 'button',
        class: 'assistant-option',
        'data-testid': 'assistant-option',
        'data-assistant': a.slug,
        'aria-pressed': selected ? 'true' : 'false',
      }, assistantIcon(a.icon), el('span', { class: 'assistant-name', text: a.name }),
      a.description ? el('span', { class: 'assistant-desc', text: a.description }) : null);
      button.addEventListener('click', () => choose(a.slug));
      return button;
    }));
  }

  function renderGreeting() {
    greeting.textContent = shown?.greeting || t('chat.empty_text');
  }

  function renderActions(box, testid, cls) {
    const items = Array.isArray(shown?.quick_actions) ? shown.quick_actions : [];
    box.hidden = items.length === 0;
    box.replaceChildren(...items.map((item) => {
      const button = el('button', { type: 'button', class: cls, 'data-testid': testid, title: item.text },
        el('span', { text: item.label }));
      button.addEventListener('click', () => onFill(item.text));
      return button;
    }));
  }

  function choose(slug) {
    const a = bySlug(slug);
    if (!a) return;
    chosen = a;
    shown = a;
    remember(slug);
    render();
  }

  onLangChange(() => load());

  return {
    load,
    // A new chat: the remembered choice, the picker offered.
    startNew() {
      fresh = true;
      shown = chosen;
      render();
    },
    // An open conversation: its assistant (a deleted one shows none).
    useConversation(slug) {
      fresh = false;
      shown = slug ? bySlug(slug) ?? { slug, name: slug, icon: 'chat', quick_actions: [] } : null;
      render();
    },
    current: () => chosen,
    fixedModel: () => (fresh ? chosen : shown)?.model || null,
  };
}
