// admin-rules.js — the settings form's checks, taken from the one description of every
// setting that GET /cgi-bin/config answers as "settings" ([{key, kind, default, about,
// min?, max?}]): each input's min/max/step/maxlength, and a localized sentence for every
// value outside its rule, shown before anything is posted (the server checks again).

import { t } from './i18n.js';
import { number } from './format.js';

const bytes = new TextEncoder();

// The inputs named after a setting, with the rule each one follows.
function ruled(form, settings) {
  return (Array.isArray(settings) ? settings : [])
    .map((rule) => ({ rule, input: form.elements[rule.key] }))
    .filter(({ input }) => input instanceof HTMLElement);
}

function setOrDrop(input, name, value) {
  if (value === undefined || value === null) input.removeAttribute(name);
  else input.setAttribute(name, String(value));
}

// Arrows move by a hundredth of the range's order of magnitude: 0.01 for 0..2.
function stepOf(rule) {
  if (rule.kind === 'integer') return '1';
  const span = Number(rule.max) - Number(rule.min);
  return Number.isFinite(span) && span > 0 ? String(10 ** (Math.floor(Math.log10(span)) - 2)) : 'any';
}

export function applyRules(form, settings) {
  for (const { rule, input } of ruled(form, settings)) {
    if (rule.kind === 'integer' || rule.kind === 'number') {
      setOrDrop(input, 'min', rule.min);
      setOrDrop(input, 'max', rule.max);
      input.setAttribute('step', stepOf(rule));
    } else if (rule.kind === 'text') {
      setOrDrop(input, 'maxlength', rule.max);
    }
  }
}

// What a value of this rule must be, in words: "un número de 0 a 2".
export function ruleText(rule) {
  const vars = { min: number(rule.min, 6), max: number(rule.max, 6) };
  const open = rule.max === undefined || rule.max === null; // no upper bound
  if (rule.kind === 'integer') return t(open ? 'admin.rule_integer_min' : 'admin.rule_integer', vars);
  if (rule.kind === 'number') return t(open ? 'admin.rule_number_min' : 'admin.rule_number', vars);
  return t('admin.rule_text', vars);
}

function inRange(n, rule) {
  return Number.isFinite(n) && !(n < Number(rule.min)) && !(rule.max != null && n > Number(rule.max));
}

function valid(input, rule) {
  const value = String(input.value).trim();
  switch (rule.kind) {
    case 'integer':
      return !input.validity?.badInput && /^[+-]?\d+$/.test(value) && inRange(Number(value), rule);
    case 'number':
      return !input.validity?.badInput && value !== '' && inRange(Number(value), rule);
    case 'text':
      return rule.max == null || bytes.encode(input.value).length <= Number(rule.max);
    default:
      return true; // a model comes from the list offered; a boolean is a checkbox
  }
}

function labelOf(input, key) {
  const label = input.id && input.form?.querySelector(`label[for="${input.id}"]`);
  return label ? label.textContent.trim() : key;
}

// [{input, message}] for every value outside its rule; each input's
// aria-invalid says whether it is one of them.
export function checkRules(form, settings) {
  const problems = [];
  for (const { rule, input } of ruled(form, settings)) {
    const ok = valid(input, rule);
    if (ok) input.removeAttribute('aria-invalid');
    else {
      input.setAttribute('aria-invalid', 'true');
      problems.push({ input, key: rule.key, message: `${labelOf(input, rule.key)}: ${ruleText(rule)}` });
    }
  }
  return problems;
}
