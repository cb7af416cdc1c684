// With the model down (OLLAMA_URL on a closed port), catalog and directory
// questions are still answered from the rows, naming the real products,
// prices and offices of the seed, and stored with status "fallback"; an
// open question gets llm_unavailable. Also when a model is named and its
// backend fails, and in the JSON mode. The NLU log is written either way.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../lib/stack.mjs';
import { api, register } from '../lib/client.mjs';
import { loadSeed, price } from '../lib/seed.mjs';
import { ask, assertLogged, assertProductCard, assertOfficeCard, useShopAssistant } from '../lib/shop.mjs';

const seed = loadSeed();
let stack, user;
before(async () => {
  stack = await startStack({ seed: true, backends: 0, backendUrls: ['http://127.0.0.1:9'] });
  user = await register(stack);
  await useShopAssistant(stack, user.token);
});
after(async () => { await stack.stop(); });

const stored = (id) => stack.sql(`SELECT content, status, error_code FROM messages WHERE id = ${Number(id)}`)[0];

// A fallback turn: it ended "done" with status fallback, stored as sent.
function assertFallback(t) {
  assert.equal(t.end.event, 'done', JSON.stringify(t.end.data));
  assert.equal(t.end.data.status, 'fallback');
  assert.equal(t.end.data.message_id, t.meta.message_id);
  const row = stored(t.meta.message_id);
  assert.equal(row.status, 'fallback');
  assert.equal(row.content, t.reply);
  assertLogged(stack, t.meta);
}

// Every card's product is named in the reply with its seed price.
function assertNamesProducts(reply, products, lang) {
  assert.ok(products.length > 0);
  for (const p of products) {
    const row = assertProductCard(seed, p);
    const line = reply.split('\n').find((l) => l.includes(`**${row.name}**`));
    assert.ok(line, `${row.name} in:\n${reply}`);
    assert.ok(line.includes(price(row.price, lang)), `${price(row.price, lang)} in ${line}`);
  }
}

test('a product search is answered from the catalog, in Spanish and English', async () => {
  const expected = seed.inCategory('celulares').filter((p) => p.brand === 'Samsung' && p.price <= 400000);
  for (const [message, lang] of [['celulares samsumg bajo 400 mil', 'es'], ['samsung phones under 400k', 'en']]) {
    const t = await ask(stack, user.token, message);
    assert.equal(t.meta.intent.name, 'buscar_producto', message);
    assert.equal(t.meta.model ?? null, null, 'no model could be chosen');
    assert.deepEqual(t.meta.context.products.map((p) => p.name).sort(), expected.map((p) => p.name).sort());
    assertNamesProducts(t.reply, t.meta.context.products, lang);
    assertFallback(t);
  }
});

test('product details, a comparison and a recommendation name real prices', async () => {
  const details = await ask(stack, user.token, 'cuanto cuesta la playstation 5 digital slim');
  assert.equal(details.meta.intent.name, 'info_producto');
  const ps5 = seed.productByName.get('Sony PlayStation 5 Digital Slim');
  assert.deepEqual(details.meta.context.products.map((p) => p.name), [ps5.name]);
  assert.ok(details.reply.includes(ps5.name) && details.reply.includes(price(ps5.price)), details.reply);
  assert.ok(details.reply.includes(ps5.description), 'the description');
  assertFallback(details);

  const cmp = await ask(stack, user.token, 'compare the galaxy s24 and the iphone 15');
  assert.equal(cmp.meta.intent.name, 'comparar_precios');
  const [a, b] = ['Samsung Galaxy S24 128GB', 'Apple iPhone 15 128GB'].map((n) => seed.productByName.get(n))
    .sort((x, y) => x.price - y.price);
  assert.deepEqual(cmp.meta.context.products.map((p) => p.name), [a.name, b.name]);
  assertNamesProducts(cmp.reply, cmp.meta.context.products, 'en');
  assert.ok(cmp.reply.includes(price(b.price - a.price, 'en')), `the difference in:\n${cmp.reply}`);
  assert.ok(cmp.reply.indexOf(a.name) < cmp.reply.indexOf(b.name), 'cheapest first');
  assertFallback(cmp);

  const rec = await ask(stack, user.token, 'que notebok me recomiendas');
  assert.equal(rec.meta.intent.name, 'recomendar_categoria');
  for (const p of rec.meta.context.products) assert.equal(seed.productByName.get(p.name).category_slug, 'notebooks');
  assertNamesProducts(rec.reply, rec.meta.context.products, 'es');
  assertFallback(rec);
});

test('an office question is answered from the directory', async () => {
  for (const [message, municipio] of [['donde esta la oficina de vila maria', 'Villa María'],
    ['office in banda norte phone number', 'Río Cuarto']]) {
    const t = await ask(stack, user.token, message);
    assert.equal(t.meta.intent.name, 'consultar_oficina', message);
    assert.deepEqual(t.meta.context.offices.map((o) => o.municipio), [municipio]);
    const row = assertOfficeCard(seed, t.meta.context.offices[0]);
    for (const k of ['dependencia', 'direccion', 'telefono', 'whatsapp', 'horario', 'email'])
      assert.ok(t.reply.includes(row[k]), `${k} (${row[k]}) in:\n${t.reply}`);
    assertFallback(t);
  }
});

test('an open question gets llm_unavailable, stored as an error', async () => {
  const t = await ask(stack, user.token, 'explain the theory of relativity');
  assert.equal(t.meta.intent.name, 'general');
  assert.equal(t.end.event, 'error');
  assert.equal(t.end.data.code, 'llm_unavailable');
  assert.equal(t.end.data.status, 'error');
  assert.equal(t.reply, '');
  const row = stored(t.meta.message_id);
  assert.equal(row.status, 'error');
  assert.equal(row.error_code, 'llm_unavailable');
  assertLogged(stack, t.meta);
});

test('greetings are answered as usual (status done)', async () => {
  const t = await ask(stack, user.token, 'buenas tardes');
  assert.equal(t.meta.intent.name, 'saludo');
  assert.equal(t.end.data.status, 'done');
  assert.ok(t.reply.length > 20);
  assertLogged(stack, t.meta);
});

test('a model named in the request whose backend fails: the same fallback', async () => {
  const t = await ask(stack, user.token, 'busco audifonos inalambricos sony', { model: 'llama3.2:1b' });
  assert.equal(t.meta.model, 'llama3.2:1b');
  assert.equal(t.meta.intent.name, 'buscar_producto');
  for (const p of t.meta.context.products) assert.equal(p.brand, 'Sony');
  assertNamesProducts(t.reply, t.meta.context.products, 'es');
  assertFallback(t);
  const open = await ask(stack, user.token, 'tell me a joke', { model: 'llama3.2:1b' });
  assert.equal(open.end.event, 'error');
  assert.equal(open.end.data.code, 'llm_unavailable');
});

test('the JSON mode: 200 with the fallback message, 503 or 502 llm_unavailable for an open question', async () => {
  const r = await api(stack, '/cgi-bin/chat', { token: user.token, form: { message: 'oficina de cosquin' } });
  assert.equal(r.status, 200);
  assert.equal(r.json.message.status, 'fallback');
  assert.equal(r.json.intent.name, 'consultar_oficina');
  const office = seed.officeByName.get('Cosquín');
  assert.ok(r.json.message.content.includes(office.direccion), r.json.message.content);
  assert.deepEqual(r.json.context.offices.map((o) => o.municipio), ['Cosquín']);
  const open = await api(stack, '/cgi-bin/chat', { token: user.token, form: { message: 'write me a poem about rain' } });
  assert.ok([502, 503].includes(open.status), String(open.status));
  assert.equal(open.json.error.code, 'llm_unavailable');
  assert.equal(open.json.message.status, 'error');
  const log = stack.sql(`SELECT intent FROM nlu_log WHERE message_id = ${open.json.message.id}`);
  assert.deepEqual(log, [{ intent: 'general' }]);
});
