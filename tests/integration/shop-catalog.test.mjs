// The catalog program through real lighttpd on the seeded database: the
// category tree with product counts, each filter and their combination
// checked against the seed CSV files, free text with a typo, bad input and
// the login it needs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../lib/stack.mjs';
import { api, register } from '../lib/client.mjs';
import { loadSeed, fold } from '../lib/seed.mjs';

const seed = loadSeed();
let stack, user;
before(async () => {
  stack = await startStack({ seed: true, backends: 0 });
  user = await register(stack);
});
after(async () => { await stack.stop(); });

const get = (query) => api(stack, `/cgi-bin/catalog${query}`, { token: user.token });
const names = (products) => products.map((p) => p.name).sort();

test('the categories: every one of the seed, nested by parent_id, with active product counts', async () => {
  const r = await get('');
  assert.equal(r.status, 200);
  const cats = r.json.categories;
  assert.equal(cats.length, seed.categories.length);
  const byId = new Map(cats.map((c) => [c.id, c]));
  for (const c of cats) {
    for (const k of ['id', 'name', 'parent_id', 'product_count']) assert.ok(k in c, `${k} in ${JSON.stringify(c)}`);
    const row = seed.categories.find((s) => s.name === c.name);
    assert.ok(row, `${c.name} is a seed category`);
    if (row.parent_slug) assert.equal(byId.get(c.parent_id)?.name, seed.categoryName(row.parent_slug), c.name);
    else assert.equal(c.parent_id, null, c.name);
    assert.equal(c.product_count, seed.inCategory(row.slug).length, `product_count of ${c.name}`);
  }
  // A top category counts its subcategories' products: not all zero, and the tops add up to every active product.
  const tops = cats.filter((c) => c.parent_id === null);
  assert.equal(tops.reduce((n, c) => n + c.product_count, 0), seed.active.length);
  assert.ok(tops.length >= 8 && tops.length < cats.length);
});

test('category (slug, name or id) takes its subcategories, brand ignores case, inactive products never show', async () => {
  const top = seed.categories.find((c) => !c.parent_slug && seed.inCategory(c.slug).length > 20 &&
    seed.inCategory(c.slug).length <= 100);
  const bySlug = await get(`?category=${top.slug}&limit=100`);
  assert.equal(bySlug.status, 200);
  assert.deepEqual(names(bySlug.json.products), names(seed.inCategory(top.slug)));
  // Products sit in subcategories only: the top category's own rows would be none.
  assert.ok(!seed.active.some((p) => p.category_slug === top.slug));

  const cats = (await get('')).json.categories;
  const leaf = seed.categories.find((c) => c.slug === 'celulares');
  const id = cats.find((c) => c.name === leaf.name).id;
  const byName = await get(`?category=${encodeURIComponent(leaf.name)}`);
  const byId = await get(`?category=${id}`);
  assert.deepEqual(names(byName.json.products), names(seed.inCategory('celulares')));
  assert.deepEqual(names(byId.json.products), names(byName.json.products));

  const brand = await get('?brand=sAmSuNg&limit=100');
  assert.deepEqual(names(brand.json.products), names(seed.active.filter((p) => p.brand === 'Samsung')));
  const inactive = seed.products.filter((p) => !p.active);
  assert.ok(inactive.length > 0);
  for (const p of inactive) {
    const r = await get(`?brand=${encodeURIComponent(p.brand)}&limit=100`);
    assert.ok(!r.json.products.some((x) => x.name === p.name), `${p.name} is inactive`);
  }
});

test('min_price and max_price bound the price, alone and with category and brand', async () => {
  const r = await get('?category=celulares&brand=Samsung&min_price=200000&max_price=500000');
  assert.equal(r.status, 200);
  const expected = seed.inCategory('celulares').filter((p) => p.brand === 'Samsung' && p.price >= 200000 && p.price <= 500000);
  assert.ok(expected.length >= 2);
  assert.deepEqual(names(r.json.products), names(expected));
  for (const p of r.json.products) {
    const row = seed.productByName.get(p.name);
    assert.equal(p.price, row.price, p.name);
    assert.equal(p.stock, row.stock, p.name);
    assert.equal(p.brand, row.brand);
    assert.equal(p.category, seed.categoryName(row.category_slug));
    for (const k of ['id', 'name', 'category', 'brand', 'price', 'stock', 'description']) assert.ok(k in p, k);
  }
  const cheap = await get('?max_price=5000&limit=100');
  assert.deepEqual(names(cheap.json.products), names(seed.active.filter((p) => p.price <= 5000)));
  const dear = await get('?min_price=1500000&limit=100');
  assert.deepEqual(names(dear.json.products), names(seed.active.filter((p) => p.price >= 1500000)));
  const none = await get('?min_price=500000&max_price=400000');
  assert.deepEqual(none.json.products, []);
  const sorted = await get('?category=celulares&sort=price');
  const prices = sorted.json.products.map((p) => p.price);
  assert.deepEqual(prices, [...prices].sort((a, b) => a - b));
});

test('q searches names and descriptions, every word, accents and case ignored', async () => {
  const r = await get('?q=GALAXY&limit=100');
  const withWord = seed.active.filter((p) => fold(p.name).split(/\W+/).includes('galaxy'));
  assert.ok(withWord.length >= 3);
  for (const p of withWord) assert.ok(r.json.products.some((x) => x.name === p.name), p.name);
  const both = await get(`?q=${encodeURIComponent('audífonos inalambricos')}&limit=100`);
  assert.ok(both.json.products.length > 0);
  for (const p of both.json.products) {
    const row = seed.productByName.get(p.name);
    const text = fold(`${row.name} ${row.description} ${row.features.join(' ')} ${seed.categoryName(row.category_slug)}`);
    assert.match(text, /audifono/, p.name);
    assert.match(text, /inalambric/, p.name);
  }
});

test('a typo in q still finds what it meant, and says how it read it', async () => {
  for (const [typo, word] of [['samsumg', 'samsung'], ['notebok', 'notebook'], ['playstaton', 'playstation']]) {
    const right = await get(`?q=${word}&limit=100`);
    const wrong = await get(`?q=${typo}&limit=100`);
    assert.equal(wrong.status, 200);
    assert.ok(right.json.products.length > 0, word);
    assert.deepEqual(names(wrong.json.products), names(right.json.products), typo);
    assert.equal(wrong.json.q_corrected, word);
    assert.equal(right.json.q_corrected, undefined);
  }
  const nothing = await get('?q=zzqxw');
  assert.deepEqual(nothing.json.products, []);
});

test('one product by id with its details', async () => {
  const row = seed.active.find((p) => p.features.length >= 3);
  const list = await get(`?q=${encodeURIComponent(row.name)}`);
  const id = list.json.products.find((p) => p.name === row.name).id;
  const r = await get(`?id=${id}`);
  assert.equal(r.status, 200);
  assert.equal(r.json.product.name, row.name);
  assert.equal(r.json.product.sku, row.sku);
  assert.equal(r.json.product.price, row.price);
  assert.deepEqual(r.json.product.features, row.features);
  assert.equal((await get('?id=999999')).status, 404);
});

test('bad input is 400 invalid_input', async () => {
  for (const q of ['min_price=abc', 'max_price=-5', 'min_price=1.5', 'brand=x&limit=0', 'q=tv&limit=101', 'id=x', `max_price=${'9'.repeat(30)}`]) {
    const r = await get(`?${q}`);
    assert.equal(r.status, 400, q);
    assert.equal(r.json.error.code, 'invalid_input', q);
  }
  const post = await api(stack, '/cgi-bin/catalog', { token: user.token, form: { q: 'x' } });
  assert.equal(post.status, 405);
});

test('without a login: 401, for the tree and for a search', async () => {
  for (const q of ['', '?q=samsung', '?id=1']) {
    const r = await api(stack, `/cgi-bin/catalog${q}`);
    assert.equal(r.status, 401, q);
    assert.equal(r.json.error.code, 'unauthorized');
  }
  const bad = await api(stack, '/cgi-bin/catalog', { token: 'not-a-token' });
  assert.equal(bad.status, 401);
});
