// The emulated model: fault directives, deterministic reply text, chunking.

const NUMERIC = new Set(['delay', 'first', 'tokens', 'status', 'drop', 'malformed', 'errorline']);
const FLAGS = new Set(['hang', 'split']);
const DIRECTIVE = /[ \t]*\[\[\s*([a-z]+)\s*(?:=\s*(-?\d+)\s*)?\]\]/gi;
const MAX_MS = 600000;
const MAX_TOKENS = 100000;
const ECHO_CHARS = 200;

// Reads the [[name=value]] / [[name]] directives in `text`. Known ones are
// removed from the text (with the blanks just before them); unknown ones,
// or known ones with a missing/invalid value, stay in the text untouched.
export function parseDirectives(text) {
  const dirs = {};
  const clean = String(text ?? '').replace(DIRECTIVE, (all, rawName, rawValue) => {
    const name = rawName.toLowerCase();
    if (FLAGS.has(name) && rawValue === undefined) {
      dirs[name] = true;
      return '';
    }
    if (NUMERIC.has(name) && rawValue !== undefined) {
      const value = clampDirective(name, Number(rawValue));
      if (value === null) return all;
      dirs[name] = value;
      return '';
    }
    return all;
  });
  return { dirs, text: clean.trim() };
}

function clampDirective(name, n) {
  if (!Number.isSafeInteger(n) || n < 0) return null;
  if (name === 'status') return n >= 400 && n <= 599 ? n : null;
  if (name === 'delay' || name === 'first') return Math.min(n, MAX_MS);
  if (name === 'tokens') return Math.min(n, MAX_TOKENS);
  return n;
}

// First ECHO_CHARS characters (code points, so an emoji is never cut in two).
export function echoOf(text) {
  return Array.from(text).slice(0, ECHO_CHARS).join('');
}

const SPLIT_EXTRA = ' Acentos y emoji: canción, ñandú, pingüino, corazón 🚀.';

// The whole reply the emulated model would write for this prompt.
export function replyText(userText, model, dirs) {
  if (dirs.tokens !== undefined) return tokenText(dirs.tokens);
  const extra = dirs.split ? SPLIT_EXTRA : '';
  if (/\bmarkdown\b/i.test(userText)) return markdownText(userText, model) + extra;
  return `Recibido: "${echoOf(userText)}". Esta es una respuesta simulada (modelo ${model}).` + extra;
}

function tokenText(n) {
  const words = [];
  for (let i = 1; i <= n; i++) words.push(`tok${i}`);
  return words.join(' ');
}

function markdownText(userText, model) {
  return [
    '## Respuesta de ejemplo',
    '',
    `Este párrafo tiene **texto en negrita** y \`código en línea\`, escrito por el (modelo ${model}).`,
    '',
    '- primer punto',
    '- segundo punto con `printf`',
    '- tercer punto',
    '',
    '```c',
    '#include <stdio.h>',
    '',
    'int main(void) {',
    '    printf("hola, mundo\\n");',
    '    return 0;',
    '}',
    '```',
    '',
    `Recibido: "${echoOf(userText)}".`,
  ].join('\n');
}

// Word-sized chunks; each one carries the blanks (spaces, newlines) after it,
// so joining the chunks gives the text back byte for byte.
export function chunkText(text) {
  const chunks = text.match(/\S+\s*/g) ?? [];
  const lead = text.match(/^\s+/);
  if (lead) {
    if (chunks.length) chunks[0] = lead[0] + chunks[0];
    else chunks.push(lead[0]);
  }
  return chunks;
}

// Roughly the number of tokens of a prompt: words over all messages.
export function countWords(messages) {
  let n = 0;
  for (const m of messages) n += (contentOf(m).match(/\S+/g) ?? []).length;
  return n;
}

// A message's text: a string, or OpenAI's list of {type:"text", text} parts.
export function contentOf(message) {
  const c = message?.content;
  if (typeof c === 'string') return c;
  if (Array.isArray(c)) {
    return c.filter((p) => p && p.type === 'text' && typeof p.text === 'string').map((p) => p.text).join('\n');
  }
  return '';
}

export function lastUserText(messages) {
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i]?.role === 'user') return contentOf(messages[i]);
  }
  return '';
}
