// The seed CSV files (db/seed) read independently of the C importer, so
// the tests can compute what the catalog and the directory must answer.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './stack.mjs';

// RFC 4180: quoted fields may hold commas, quotes ("") and line breaks.
export function parseCsv(text) {
  const rows = [];
  let row = [], field = '', quoted = false;
  const s = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (quoted) {
      if (ch === '"' && s[i + 1] === '"') { field += '"'; i++; }
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') {
      quoted = true;
    } else if (ch === ',') {
      row.push(field); field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && s[i + 1] === '\n') i++;
      row.push(field); field = '';
      rows.push(row); row = [];
    } else {
      field += ch;
    }
  }
  if (field || row.length) { row.push(field); rows.push(row); }
  const [header, ...body] = rows.filter((r) => r.length > 1 || r[0] !== '');
  return body.map((r) => Object.fromEntries(header.map((h, k) => [h.trim(), (r[k] ?? '').trim()])));
}

// Lower case without accents, as the server folds text for matching.
export const fold = (s) => String(s).normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();

// Prices as the fallback answers write them: $1.234.567 (es), CLP 1,234,567 (en).
export function price(pesos, lang = 'es') {
  const digits = String(pesos).replace(/\B(?=(\d{3})+(?!\d))/g, lang === 'en' ? ',' : '.');
  return lang === 'en' ? `CLP ${digits}` : `$${digits}`;
}

const list = (s) => (s ? s.split('|').map((x) => x.trim()).filter(Boolean) : []);

export function loadSeed(dir = path.join(ROOT, 'db/seed')) {
  const read = (f) => parseCsv(readFileSync(path.join(dir, f), 'utf8'));
  const categories = read('categories.csv');
  const products = read('products.csv').map((p) => ({
    ...p, price: Number(p.price), stock: Number(p.stock || 0),
    active: !['0', 'false', 'no'].includes(fold(p.active || '1')), features: list(p.features.toLowerCase()),
  }));
  const offices = read('offices.csv').map((o) => ({ ...o, localidades: list(o.localidades) }));
  const bySlug = new Map(categories.map((c) => [c.slug, c]));
  // A category and every category below it.
  const subtree = (slug) => {
    const out = new Set([slug]);
    for (let grew = true; grew;) {
      grew = false;
      for (const c of categories) if (out.has(c.parent_slug) && !out.has(c.slug)) { out.add(c.slug); grew = true; }
    }
    return out;
  };
  const active = products.filter((p) => p.active);
  return {
    categories, products, offices, bySlug, subtree, active,
    productByName: new Map(products.map((p) => [p.name, p])),
    officeByName: new Map(offices.map((o) => [o.municipio, o])),
    // Active products of a category and its subcategories.
    inCategory: (slug) => { const t = subtree(slug); return active.filter((p) => t.has(p.category_slug)); },
    categoryName: (slug) => bySlug.get(slug)?.name,
  };
}
