// The shop assistant in the chat, through real lighttpd and the Ollama
// emulator on the seeded database: Spanish and English questions with
// typos get the right intent in the meta event, the matching products or
// office as cards (checked against the seed CSV files), and the model gets
// those rows in its system message with the instruction to answer from
// them; greetings and help are answered without calling the model; every
// turn is logged in nlu_log under the reply's message id.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../lib/stack.mjs';
import { api, register } from '../lib/client.mjs';
import { loadSeed, price } from '../lib/seed.mjs';
import { ask, assertLogged, assertProductCard, assertOfficeCard, emulatorStats, useShopAssistant } from '../lib/shop.mjs';

const seed = loadSeed();
let stack, user;
before(async () => {
  stack = await startStack({ seed: true });
  user = await register(stack);
  await useShopAssistant(stack, user.token);
});
after(async () => { await stack.stop(); });

const names = (cards) => cards.map((c) => c.name).sort();
const GROUNDED = '[Datos de microchat]';

// The model's system message holds every card's row and the instruction.
function assertGrounded(system, cards) {
  assert.ok(system.includes(GROUNDED), system);
  assert.match(system, /Instrucci[oó]n: .*no inventes/);
  for (const p of cards.products) {
    const line = system.split('\n').find((l) => l.startsWith(`- ${p.name} |`));
    assert.ok(line, `${p.name} in the system message`);
    assert.ok(line.includes(price(p.price, 'es')), `${line} has ${price(p.price, 'es')}`);
    assert.ok(line.includes(p.brand), line);
  }
  for (const o of cards.offices) {
    const line = system.split('\n').find((l) => l.startsWith(`- ${o.municipio} |`));
    assert.ok(line, `${o.municipio} in the system message`);
    for (const k of ['direccion', 'telefono', 'horario', 'email']) assert.ok(line.includes(o[k]), `${k} in ${line}`);
  }
}

test('a search with a typo, in Spanish and in English, finds the products the seed says', async () => {
  const expected = seed.inCategory('celulares').filter((p) => p.brand === 'Samsung' && p.price <= 400000);
  assert.ok(expected.length >= 2 && expected.length <= 5);
  for (const message of ['busco celulares samsumg bajo 400 lucas', 'samsung phnes under 400k']) {
    const t = await ask(stack, user.token, message);
    assert.equal(t.meta.intent.name, 'buscar_producto', message);
    assert.ok(t.meta.intent.confidence > 0 && t.meta.intent.confidence <= 1);
    assert.equal(t.meta.intent.entities.marca, 'Samsung', message);
    assert.equal(t.meta.intent.entities.categoria, 'celulares', message);
    assert.deepEqual(t.meta.intent.entities.rango_precio, { min: null, max: 400000 }, message);
    assert.deepEqual(names(t.meta.context.products), names(expected), message);
    assert.deepEqual(t.meta.context.offices, []);
    for (const card of t.meta.context.products) assertProductCard(seed, card);
    assert.equal(t.calls, 1);
    assertGrounded(t.system, t.meta.context);
    assert.equal(t.end.event, 'done');
    assert.equal(t.end.data.status, 'done');
    assertLogged(stack, t.meta);
  }
});

test('one product asked by name (misspelt) gets its card and its details for the model', async () => {
  const cases = [
    ['cuanto cuesta el ipone 15 pro max', 'Apple iPhone 15 Pro Max 256GB'],
    ['how much is the playstaton 5 digital slim', 'Sony PlayStation 5 Digital Slim'],
  ];
  for (const [message, name] of cases) {
    const row = seed.productByName.get(name);
    const t = await ask(stack, user.token, message);
    assert.equal(t.meta.intent.name, 'info_producto', message);
    assert.equal(t.meta.intent.entities.producto, name, message);
    assert.deepEqual(names(t.meta.context.products), [name]);
    assertProductCard(seed, t.meta.context.products[0]);
    assertGrounded(t.system, t.meta.context);
    // Details: its description goes to the model too.
    assert.ok(t.system.includes(row.description.slice(0, 40)), 'the description');
    assertLogged(stack, t.meta);
  }
});

test('a comparison names both products, cheapest first', async () => {
  const t = await ask(stack, user.token, 'compara el galaxy s24 y el iphone 15');
  assert.equal(t.meta.intent.name, 'comparar_precios');
  const a = seed.productByName.get('Samsung Galaxy S24 128GB'), b = seed.productByName.get('Apple iPhone 15 128GB');
  assert.deepEqual(names(t.meta.context.products), names([a, b]));
  const prices = t.meta.context.products.map((p) => p.price);
  assert.deepEqual(prices, [a.price, b.price].sort((x, y) => x - y));
  assertGrounded(t.system, t.meta.context);
  assertLogged(stack, t.meta);
});

test('a recommendation asked cheap lists in-stock products of the category, cheapest first', async () => {
  const inStock = seed.inCategory('notebooks').filter((p) => p.stock > 0).sort((x, y) => x.price - y.price);
  for (const message of ['recomiendame un notebok barato', 'recommend me a cheap laptop']) {
    const t = await ask(stack, user.token, message);
    assert.equal(t.meta.intent.name, 'recomendar_categoria', message);
    assert.equal(t.meta.intent.entities.categoria, 'notebooks');
    const got = t.meta.context.products.map((p) => p.name);
    assert.ok(got.length >= 3, message);
    assert.deepEqual(got, inStock.slice(0, got.length).map((p) => p.name), message);
    assertGrounded(t.system, t.meta.context);
    assertLogged(stack, t.meta);
  }
});

test('an office by municipality (with a typo) or by locality, in Spanish and English', async () => {
  const cases = [
    ['donde queda la oficina de vila carlos paz', 'Villa Carlos Paz'],
    ['where is the office for banda norte', seed.offices.find((o) => o.localidades.includes('Banda Norte')).municipio],
    ['telefono de la oficina de rio cuatro', 'Río Cuarto'],
  ];
  for (const [message, municipio] of cases) {
    const t = await ask(stack, user.token, message);
    assert.equal(t.meta.intent.name, 'consultar_oficina', message);
    assert.equal(t.meta.intent.entities.municipio, municipio, message);
    assert.deepEqual(t.meta.context.products, []);
    assert.deepEqual(t.meta.context.offices.map((o) => o.municipio), [municipio], message);
    assertOfficeCard(seed, t.meta.context.offices[0]);
    assertGrounded(t.system, t.meta.context);
    assertLogged(stack, t.meta);
  }
});

test('an open question goes to the model without catalog rows', async () => {
  const t = await ask(stack, user.token, 'what is a black hole?');
  assert.equal(t.meta.intent.name, 'general');
  assert.deepEqual(t.meta.context, { products: [], offices: [] });
  assert.equal(t.calls, 1);
  assert.ok(!t.system.includes(GROUNDED), t.system);
  assert.match(t.reply, /black hole/);
  assertLogged(stack, t.meta);
});

test('greetings and help are answered at once, without calling the model', async () => {
  const emu = stack.emulators[0];
  const before = (await emulatorStats(emu)).chat_requests;
  const cases = [['holaa', 'saludo', /Hola/], ['hello there', 'saludo', /Hi|Hello/], ['ayudaa', 'ayuda', /puedo/i],
    ['what can you do?', 'ayuda', /can/]];
  for (const [message, intent, text] of cases) {
    const t = await ask(stack, user.token, message);
    assert.equal(t.meta.intent.name, intent, message);
    assert.equal(t.calls, 0, message);
    assert.equal(t.end.event, 'done');
    assert.equal(t.end.data.status, 'done');
    assert.match(t.reply, text, message);
    const stored = stack.sql(`SELECT content, status FROM messages WHERE id = ${t.meta.message_id}`)[0];
    assert.deepEqual(stored, { content: t.reply, status: 'done' });
    assertLogged(stack, t.meta);
  }
  assert.equal((await emulatorStats(emu)).chat_requests, before, 'the emulator got no chat request');
});

test('the JSON mode carries the same intent and cards', async () => {
  const message = 'busco celulares samsung bajo 400 mil';
  const streamed = await ask(stack, user.token, message);
  const r = await api(stack, '/cgi-bin/chat', { token: user.token, form: { message } });
  assert.equal(r.status, 200);
  assert.deepEqual(r.json.intent, streamed.meta.intent);
  assert.deepEqual(r.json.context, streamed.meta.context);
  assert.equal(r.json.message.status, 'done');
  const log = stack.sql(`SELECT intent, product_ids FROM nlu_log WHERE message_id = ${r.json.message.id}`);
  assert.deepEqual(log, [{ intent: 'buscar_producto', product_ids: JSON.stringify(r.json.context.products.map((p) => p.id)) }]);
});

test('the log belongs to the user and session that asked', async () => {
  const other = await register(stack);
  const t = await ask(stack, other.token, 'oficina de cosquin');
  const row = stack.sql(`SELECT l.user_id, s.user_id AS session_user FROM nlu_log l
    JOIN sessions s ON s.id = l.session_id WHERE l.message_id = ${t.meta.message_id}`);
  assert.deepEqual(row, [{ user_id: other.user.id, session_user: other.user.id }]);
});
