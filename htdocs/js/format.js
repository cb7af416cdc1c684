// format.js — numbers, money and dates in the current language.

import { locale, t } from './i18n.js';

const clp = new Intl.NumberFormat('es-CL', { style: 'currency', currency: 'CLP' });

export function money(value) {
  const number = Number(value);
  return Number.isFinite(number) ? clp.format(number) : '';
}

export function number(value, digits = 0) {
  const n = Number(value);
  if (!Number.isFinite(n)) return '—';
  return new Intl.NumberFormat(locale(), { maximumFractionDigits: digits, minimumFractionDigits: 0 }).format(n);
}

export function percent(fraction) {
  const n = Number(fraction);
  return Number.isFinite(n) ? `${Math.round(n * 100)}%` : '';
}

export function ms(value) {
  const n = Number(value);
  if (!Number.isFinite(n)) return '—';
  if (n >= 1000) return `${number(n / 1000, 1)} s`;
  return `${number(n)} ms`;
}

export function parseDate(value) {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

export function dateTime(value) {
  const date = parseDate(value);
  if (!date) return '';
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeStyle: 'short' }).format(date);
}

export function clock(date = new Date()) {
  return new Intl.DateTimeFormat(locale(), { hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(date);
}

// Label for one point of a stats series. Day buckets are UTC midnights, so they are
// written in UTC (in Chile a UTC midnight is still the previous evening).
export function shortLabel(value, bucket) {
  const date = parseDate(value);
  if (!date) return String(value ?? '');
  const options = bucket === 'hour'
    ? { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }
    : { day: 'numeric', month: 'short', timeZone: 'UTC' };
  return new Intl.DateTimeFormat(locale(), options).format(date);
}

// "2026-11-20" (a calendar day, no time zone) as a short label.
export function dayLabel(day) {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(String(day ?? ''));
  if (!match) return String(day ?? '');
  const date = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  return new Intl.DateTimeFormat(locale(), { day: 'numeric', month: 'short' }).format(date);
}

// Which sidebar group a conversation's last activity falls in.
export function dayGroup(value, now = new Date()) {
  const date = parseDate(value);
  if (!date) return t('group.older');
  const start = new Date(now.getFullYear(), now.getMonth(), now.getDate()).getTime();
  const day = 86400000;
  const when = date.getTime();
  if (when >= start) return t('group.today');
  if (when >= start - day) return t('group.yesterday');
  if (when >= start - 7 * day) return t('group.week');
  if (when >= start - 30 * day) return t('group.month');
  return t('group.older');
}
