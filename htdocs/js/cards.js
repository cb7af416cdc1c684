// cards.js — compact product and office cards shown above an assistant reply, built from
// the "context" the server sends with the reply (catalog and office-directory matches).

import { el } from './dom.js';
import { icon } from './icons.js';
import { t } from './i18n.js';
import { money, number } from './format.js';

export function renderContext(context) {
  const products = Array.isArray(context?.products) ? context.products : [];
  const offices = Array.isArray(context?.offices) ? context.offices : [];
  if (products.length === 0 && offices.length === 0) return null;
  return el('div', { class: 'cards', 'aria-label': t('cards.aria'), role: 'group' },
    products.length ? el('div', { class: 'card-grid products', role: 'list' }, products.map(productCard)) : null,
    offices.length ? el('div', { class: 'card-grid offices', role: 'list' }, offices.map(officeCard)) : null);
}

function productCard(product) {
  const sub = [product.brand, product.category].filter(Boolean).join(' · ');
  return el('div', { class: 'card card-product', role: 'listitem', 'data-testid': 'product-card', 'data-id': product.id },
    el('h3', { class: 'card-title', text: product.name || t('cards.unnamed') }),
    sub ? el('div', { class: 'card-sub', text: sub, title: sub }) : null,
    el('div', { class: 'card-row' },
      el('span', { class: 'card-price', text: money(product.price) }),
      stockBadge(product.stock)));
}

function stockBadge(stock) {
  if (stock === undefined || stock === null || stock === '') return null;
  const n = Number(stock);
  if (!Number.isFinite(n)) return null;
  if (n <= 0) return el('span', { class: 'badge danger', 'data-stock': 'out', text: t('cards.out_of_stock') });
  if (n <= 5) return el('span', { class: 'badge warn', 'data-stock': 'low', text: t('cards.low_stock', { n: number(n) }) });
  return el('span', { class: 'badge ok', 'data-stock': 'in', text: t('cards.in_stock', { n: number(n) }) });
}

function officeCard(office) {
  const places = Array.isArray(office.localidades) ? office.localidades : [];
  const shown = places.slice(0, 4).join(', ') + (places.length > 4 ? ` +${places.length - 4}` : '');
  return el('div', { class: 'card card-office', role: 'listitem', 'data-testid': 'office-card', 'data-id': office.id },
    el('h3', { class: 'card-title', text: office.municipio || t('cards.office') }),
    office.dependencia ? el('div', { class: 'card-sub', text: office.dependencia, title: office.dependencia }) : null,
    line('pin', office.direccion),
    line('clock', office.horario),
    shown ? line('building', `${t('cards.serves')}: ${shown}`, places.join(', ')) : null,
    el('div', { class: 'card-links' },
      link('phone', telHref(office.telefono), office.telefono, t('cards.call')),
      link('whatsapp', whatsappHref(office.whatsapp), t('cards.whatsapp'), t('cards.whatsapp_aria')),
      link('mail', mailHref(office.email), office.email, t('cards.email'))));
}

function line(name, text, title = null) {
  if (!text) return null;
  return el('div', { class: 'card-line', title }, icon(name), el('span', { text }));
}

function link(name, href, text, label) {
  if (!href) return null;
  const external = href.startsWith('https:');
  return el('a', {
    class: 'card-link',
    href,
    'aria-label': `${label}: ${text}`,
    target: external ? '_blank' : null,
    rel: external ? 'noopener noreferrer' : null,
  }, icon(name), el('span', { text }));
}

export function telHref(phone) {
  const raw = String(phone ?? '').trim();
  const digits = raw.replace(/[^\d]/g, '');
  if (digits.length < 6) return null;
  return `tel:${raw.startsWith('+') ? '+' : ''}${digits}`;
}

export function whatsappHref(value) {
  const digits = String(value ?? '').replace(/[^\d]/g, '');
  return digits.length >= 8 ? `https://wa.me/${digits}` : null;
}

export function mailHref(value) {
  const address = String(value ?? '').trim();
  return /^[^\s@<>"'?&]+@[^\s@<>"'?&]+\.[^\s@<>"'?&]+$/.test(address) ? `mailto:${address}` : null;
}
