// message-edit.js — edit a question in place: its text becomes a textarea that grows with
// it; Enter saves (the new version is sent, replies.js), Shift+Enter breaks the line,
// Escape cancels, and so do the buttons.

import { el } from './dom.js';
import { t } from './i18n.js';

function grow(area) {
  area.style.height = 'auto';
  area.style.height = `${Math.min(area.scrollHeight, 420)}px`;
}

export function startEdit(bubble) {
  const h = bubble.handlers;
  if (!h || h.busy() || bubble.node.classList.contains('editing')) return;
  const area = el('textarea', { class: 'textarea edit-box', rows: 1, maxlength: 32000, 'data-testid': 'edit-input',
    'aria-label': t('msg.edit_label') });
  area.value = bubble.text;
  const save = el('button', { type: 'submit', class: 'btn small primary', 'data-testid': 'edit-save', text: t('msg.edit_save') });
  const cancel = el('button', { type: 'button', class: 'btn small', 'data-testid': 'edit-cancel', text: t('msg.edit_cancel') });
  const form = el('form', { class: 'edit-form', 'data-testid': 'edit-form' }, area, el('div', { class: 'form-row' }, cancel, save));

  const close = () => {
    bubble.node.classList.remove('editing');
    form.replaceWith(bubble.content);
    bubble.actions.hidden = false;
  };
  const submit = () => {
    const text = area.value;
    close();
    if (text.trim() && text !== bubble.text) h.edit(bubble, text);
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    submit();
  });
  cancel.addEventListener('click', close);
  area.addEventListener('input', () => grow(area));
  area.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      close();
    } else if (event.key === 'Enter' && !event.shiftKey && !event.altKey && !event.isComposing && event.keyCode !== 229) {
      event.preventDefault();
      submit();
    }
  });

  bubble.node.classList.add('editing');
  bubble.actions.hidden = true;
  bubble.content.replaceWith(form);
  grow(area);
  area.focus();
  area.setSelectionRange(area.value.length, area.value.length);
}
