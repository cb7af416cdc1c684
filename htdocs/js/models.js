// models.js — the model picker: filled from /cgi-bin/models with the default preselected;
// remembers the last model picked (for new chats) while a conversation's own model wins.

import { getJSON } from './api.js';
import { t, onLangChange } from './i18n.js';

const KEY = 'microchat.model';

export function initModels(select, { onPick } = {}) {
  let names = [];
  let fallback = '';
  let failed = false;
  let wanted = null;
  let held = null;

  function remembered() {
    try {
      return localStorage.getItem(KEY);
    } catch {
      return null;
    }
  }

  function option(model) {
    const opt = new Option(model.name, model.name);
    const details = [model.parameter_size, model.quantization_level, model.family].filter(Boolean).join(' · ');
    if (details) opt.title = details;
    return opt;
  }

  function showUnavailable() {
    select.replaceChildren(new Option(t('models.unavailable'), ''));
    select.disabled = true;
  }

  async function load() {
    try {
      const data = await getJSON('cgi-bin/models');
      const models = Array.isArray(data.models) ? data.models : [];
      names = models.map((m) => m.name);
      fallback = data.default && names.includes(data.default) ? data.default : names[0] || '';
      failed = names.length === 0;
      if (failed) return showUnavailable();
      select.disabled = Boolean(held);
      select.replaceChildren(...models.map(option));
      choose(held ?? wanted ?? forNewChat());
    } catch (err) {
      failed = true;
      if (err.status !== 401) showUnavailable();
    }
    return undefined;
  }

  // Selects a model by name; one no longer offered is still shown so the user sees it.
  function choose(name) {
    wanted = name || null;
    if (!name || failed) return;
    if (!names.includes(name) && !Array.from(select.options).some((o) => o.value === name)) {
      select.append(new Option(t('models.missing', { name }), name));
    }
    select.value = name;
  }

  // An assistant with a model of its own holds the picker to it (null: free).
  function hold(name) {
    held = name || null;
    if (held) choose(held);
    select.disabled = failed || Boolean(held);
    select.title = held ? t('models.held', { name: held }) : '';
  }

  function forNewChat() {
    const last = remembered();
    return last && names.includes(last) ? last : fallback;
  }

  select.addEventListener('change', () => {
    wanted = select.value;
    try {
      localStorage.setItem(KEY, select.value);
    } catch {
      /* not remembered across reloads */
    }
    onPick?.(select.value);
  });
  // The server may come back: try again when the user reaches for the picker.
  select.parentElement?.addEventListener('pointerdown', () => { if (failed) load(); });
  onLangChange(() => { if (failed) showUnavailable(); });

  return {
    load,
    choose,
    hold,
    forNewChat,
    value: () => (failed ? '' : select.value),
  };
}
