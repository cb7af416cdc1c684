// The two locale files against each other and against the pages: es.js and
// en.js have the same keys, no key twice and the same {placeholders}; every
// key the pages name exists in both: data-i18n* attributes and the
// i18n-title meta in htdocs/*.html, key-shaped string literals in
// htdocs/js/*.js (t('x.y'), t(a ? 'x' : 'y'), el(…, { 'data-i18n': … }), a
// const handed to t() later), and keys built at run time (t(`status.${s}`)),
// whose possible values are read from where the code takes them. Each
// failure names the key, where it is used and which file lacks it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import es from '../../htdocs/js/locales/es.js';
import en from '../../htdocs/js/locales/en.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const LOCALES = { 'es.js': es, 'en.js': en };
const read = (file) => readFileSync(path.join(ROOT, file), 'utf8');
const files = (dir, ext) => readdirSync(path.join(ROOT, dir)).filter((f) => f.endsWith(ext)).map((f) => `${dir}/${f}`);
const PAGES = files('htdocs', '.html');
const SCRIPTS = files('htdocs/js', '.js');
// The first part of every key ("admin" of "admin.save"): a string literal
// that starts with one of these and a dot is taken for a key.
const NAMESPACES = new Set(Object.keys({ ...es, ...en }).map((k) => k.split('.')[0]));
const KEY_SHAPE = /^[a-z][a-z0-9_]*(?:\.[a-z0-9_-]+)+$/;

function lineOf(text, index) {
  return text.slice(0, index).split('\n').length;
}

function* matches(file, re) {
  const text = read(file);
  for (const m of text.matchAll(re)) yield { m, where: `${file}:${lineOf(text, m.index)}` };
}

// Every key a page or script names literally: { key, where, how }.
function literalUses() {
  const uses = [];
  for (const file of PAGES) {
    for (const { m, where } of matches(file, /\s(data-i18n(?:-[a-z]+)?)="([^"]*)"/g)) uses.push({ key: m[2], where, how: m[1] });
    for (const { m, where } of matches(file, /<meta\s+name="i18n-title"\s+content="([^"]*)"/g)) uses.push({ key: m[1], where, how: 'meta i18n-title' });
  }
  for (const file of SCRIPTS.filter((f) => !f.includes('/locales/'))) {
    for (const { m, where } of matches(file, /\b(?:t|has)\(\s*(?:'([^'\n]*)'|"([^"\n]*)")/g)) uses.push({ key: m[1] ?? m[2], where, how: 't()' });
    for (const { m, where } of matches(file, /'([^'\n]*)'|"([^"\n]*)"/g)) {
      const s = m[1] ?? m[2];
      if (KEY_SHAPE.test(s) && NAMESPACES.has(s.split('.')[0])) uses.push({ key: s, where, how: 'string literal' });
    }
  }
  return unique(uses, (u) => `${u.key} ${u.where}`);
}

function unique(list, id) {
  const seen = new Set();
  return list.filter((x) => !seen.has(id(x)) && seen.add(id(x)));
}

// The quoted words of the first match of re's group 1 in file.
function wordsIn(file, re) {
  const block = read(file).match(re);
  assert.ok(block, `${file}: ${re} no longer finds its list; update tests/static/locales.test.mjs`);
  const words = [...block[1].matchAll(/'([^']+)'|"([^"]+)"/g)].map((m) => m[1] ?? m[2]);
  assert.ok(words.length > 0, `${file}: the list found by ${re} is empty`);
  return words;
}

// The keys of an object literal "const NAME = { a: …, 'b-c': … };".
function objectKeys(file, name) {
  const block = read(file).match(new RegExp(`const ${name} = \\{([^}]*)\\}`));
  assert.ok(block, `${file}: const ${name} not found; update tests/static/locales.test.mjs`);
  return [...block[1].matchAll(/(?:'([^']+)'|([A-Za-z_]\w*))\s*:/g)].map((m) => m[1] ?? m[2]);
}

// Keys built at run time, by their shape ("*" for the part filled in), and
// where the code takes the values that can fill it.
const FAMILIES = {
  // The admin page's assistant editor: the icons it offers, the sources an
  // assistant takes (lib/chat/assistant_edit.c), the audiences of the dashboard.
  'assistants.icon_*': () => wordsIn('htdocs/js/admin-assistants.js', /const ICONS = \[([^\]]*)\]/),
  'assistants.source_*': () => [...wordsIn('lib/chat/assistant_edit.c', /kept\[k\+\+\] = ("catalog");/),
    ...wordsIn('lib/chat/assistant_edit.c', /kept\[k\+\+\] = ("directory");/)],
  'dash.*': () => wordsIn('htdocs/js/dashboard-audience.js', /audienceRow\(('members'), /).concat(
    wordsIn('htdocs/js/dashboard-audience.js', /audienceRow\(('visitors'), /)),
  'status.*': () => objectKeys('htdocs/js/messages.js', 'BADGES'),
  'status.*.hint': () => objectKeys('htdocs/js/messages.js', 'BADGES'),
  'theme.*': () => wordsIn('htdocs/js/theme.js', /THEMES = \[([^\]]*)\]/),
  'error.*': () => wordsIn('htdocs/js/errors.js', /FRIENDLY = new Set\(\[([^\]]*)\]/),
  // Intent names as the NLU answers them (lib/assistant/nlu.c).
  'intent.*': () => wordsIn('lib/assistant/nlu.c', /intent_names\[[A-Z_]*\] = \{([^}]*)\}/),
  // A backend's state as the dashboard gets it: the breaker states the
  // schema allows, "unknown" from stats for one never used, and the names
  // the page knows how to colour.
  'backend.*': () => [...new Set([
    ...wordsIn('db/migrations/004_backends.sql', /breaker IN \(([^)]*)\)/),
    ...wordsIn('lib/ops/stats.c', /json_string\(("unknown")\)/),
    ...objectKeys('htdocs/js/dashboard.js', 'BACKEND_STATES'),
  ])],
};

// Every template literal in the scripts shaped like a key: { shape, where }.
function dynamicUses() {
  const uses = [];
  for (const file of SCRIPTS.filter((f) => !f.includes('/locales/'))) {
    // Any template literal handed to t() or has(), and any shaped like a key
    // of a known namespace (const key = `intent.${name}`; … t(key)).
    for (const { m, where } of matches(file, /(\b(?:t|has)\(\s*)?`([^`]*\$\{[^`]*)`/g)) {
      const shape = m[2].replace(/\$\{[^}]*\}/g, '*');
      if (m[1] || (/^[a-z][a-z0-9_]*\./.test(shape) && NAMESPACES.has(shape.split('.')[0]))) uses.push({ shape, where });
    }
  }
  return unique(uses, (u) => `${u.shape} ${u.where}`);
}

function missingFrom(key) {
  return Object.entries(LOCALES).filter(([, dict]) => !(key in dict)).map(([file]) => file);
}

function report(problems) {
  assert.equal(problems.length, 0, `\n${problems.join('\n')}\n`);
}

test('es.js and en.js have exactly the same keys', () => {
  const problems = [];
  for (const [file, dict] of Object.entries(LOCALES)) {
    for (const [other, otherDict] of Object.entries(LOCALES)) {
      if (other === file) continue;
      for (const key of Object.keys(otherDict)) if (!(key in dict)) problems.push(`${key}: in ${other}, missing in ${file}`);
    }
  }
  report(problems);
});

test('no key is written twice in a locale file (the second would silently win)', () => {
  const problems = [];
  for (const file of Object.keys(LOCALES)) {
    const seen = new Map();
    for (const { m, where } of matches(`htdocs/js/locales/${file}`, /^\s*'([^']+)'\s*:/gm)) {
      if (seen.has(m[1])) problems.push(`${m[1]}: ${seen.get(m[1])} and again at ${where}`);
      seen.set(m[1], where);
    }
  }
  report(problems);
});

test('both languages fill in the same {placeholders}', () => {
  const holes = (s) => [...String(s).matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort().join(',');
  const problems = Object.keys(es).filter((k) => k in en && holes(es[k]) !== holes(en[k]))
    .map((k) => `${k}: es.js has {${holes(es[k])}}, en.js has {${holes(en[k])}}`);
  report(problems);
});

test('every data-i18n* attribute in the pages is one i18n.js applies', () => {
  const applied = new Set(['data-i18n', ...wordsIn('htdocs/js/i18n.js', /ATTRS = \[([\s\S]*?)\n\];/).filter((w) => w.startsWith('data-'))]);
  const problems = literalUses().filter((u) => u.how.startsWith('data-i18n') && !applied.has(u.how))
    .map((u) => `${u.where}: ${u.how}="${u.key}" is applied by nobody (htdocs/js/i18n.js ATTRS)`);
  report(problems);
});

test('every key the pages and scripts name exists in both languages', () => {
  const uses = literalUses();
  assert.ok(uses.some((u) => u.how === 'data-i18n') && uses.some((u) => u.how === 'string literal'), 'the scan found the keys');
  const problems = [];
  for (const u of uses) {
    const lacking = missingFrom(u.key);
    if (lacking.length) problems.push(`${u.key} (${u.how}, ${u.where}): missing in ${lacking.join(' and ')}`);
  }
  report(problems);
});

test('every key built at run time has all its values in both languages', () => {
  const problems = [];
  for (const u of dynamicUses()) {
    const values = FAMILIES[u.shape];
    if (!values) {
      problems.push(`${u.where}: a key built as "${u.shape}": teach FAMILIES in tests/static/locales.test.mjs where its values come from`);
      continue;
    }
    for (const v of values()) {
      const key = u.shape.replace('*', v);
      const lacking = missingFrom(key);
      if (lacking.length) problems.push(`${key} (built as ${u.shape}, ${u.where}): missing in ${lacking.join(' and ')}`);
    }
  }
  report(problems);
});
