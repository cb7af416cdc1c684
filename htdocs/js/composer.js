// composer.js — the message box: Enter sends, Shift+Enter breaks the line, IME composition
// never sends, the box grows with its text, and fill() puts in a starter phrase.


// The quick actions are the assistant's (assistants.js, embed.js): they call fill().
export function initComposer({ form, input, sendButton, stopButton, onSend, onStop }) {
  let busy = false;

  function refresh() {
    sendButton.disabled = busy || input.value.trim() === '';
  }

  function grow() {
    input.style.height = 'auto';
    const max = parseFloat(getComputedStyle(input).maxHeight) || 200;
    input.style.height = `${Math.min(input.scrollHeight, max)}px`;
    input.classList.toggle('scrolls', input.scrollHeight > max);
  }

  function submit() {
    const text = input.value;
    if (busy || text.trim() === '') return;
    input.value = '';
    grow();
    refresh();
    onSend(text);
  }

  input.addEventListener('input', () => {
    grow();
    refresh();
  });
  input.addEventListener('keydown', (event) => {
    if (event.key !== 'Enter' || event.shiftKey || event.altKey) return;
    // keyCode 229: some browsers report the IME's Enter this way instead of isComposing.
    if (event.isComposing || event.keyCode === 229) return;
    event.preventDefault();
    submit();
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    submit();
  });
  stopButton.addEventListener('click', () => onStop());

  function fill(text) {
    input.value = text;
    grow();
    refresh();
    input.focus();
    input.setSelectionRange(text.length, text.length);
  }

  refresh();
  return {
    setBusy(value) {
      busy = value;
      stopButton.hidden = !value;
      refresh();
    },
    // Puts text back when the server refused it, unless the user already typed something new.
    restore(text) {
      if (input.value.trim() === '') fill(text);
    },
    clear() {
      input.value = '';
      grow();
      refresh();
    },
    focus() {
      input.focus();
    },
    fill,
  };
}
