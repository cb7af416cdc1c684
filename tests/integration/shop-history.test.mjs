// A conversation read back from history carries, for each reply, the
// intent and the cards the chat's meta event had (rebuilt from nlu_log), so
// the front end can draw them again after a reload.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startStack } from '../lib/stack.mjs';
import { api, register } from '../lib/client.mjs';
import { loadSeed } from '../lib/seed.mjs';
import { ask, useShopAssistant } from '../lib/shop.mjs';

const seed = loadSeed();
let stack, ana, beto;
before(async () => {
  stack = await startStack({ seed: true });
  ana = await register(stack);
  await useShopAssistant(stack, ana.token);
  beto = await register(stack);
});
after(async () => { await stack.stop(); });

// Writes to the test's database behind the programs' back.
const write = (sql) => execFileSync('sqlite3', ['-cmd', '.timeout 5000', stack.dbPath, sql]);
const history = (user, id) => api(stack, `/cgi-bin/history?id=${id}`, { token: user.token });

// One conversation of several turns; the meta events, in order.
async function converse(user, messages) {
  const metas = [];
  let conversation;
  for (const m of messages) {
    const t = await ask(stack, user.token, m, conversation ? { conversation_id: conversation } : {});
    conversation = t.meta.conversation_id;
    metas.push(t.meta);
  }
  return { conversation, metas };
}

test('each reply has the intent and the cards of its meta event; user messages have none', async () => {
  const { conversation, metas } = await converse(ana, [
    'hola', 'busco celulares samsung bajo 400 mil', 'donde queda la oficina de rio cuatro',
    'compara el galaxy s24 y el iphone 15', 'what is a black hole?',
  ]);
  const r = await history(ana, conversation);
  assert.equal(r.status, 200);
  const msgs = r.json.messages;
  assert.equal(msgs.length, 2 * metas.length);
  for (const [i, meta] of metas.entries()) {
    const user = msgs[2 * i], reply = msgs[2 * i + 1];
    assert.equal(user.role, 'user');
    assert.ok(!('intent' in user) && !('context' in user), 'a user message carries neither');
    assert.equal(reply.id, meta.message_id);
    assert.deepEqual(reply.intent, meta.intent, `intent of reply ${i}`);
    assert.deepEqual(reply.context, meta.context, `context of reply ${i}`);
  }
  // Not vacuous: products and an office are among them, with seed data.
  const products = msgs.flatMap((m) => m.context?.products ?? []);
  const offices = msgs.flatMap((m) => m.context?.offices ?? []);
  assert.ok(products.length >= 4 && offices.length === 1);
  for (const p of products) assert.equal(p.price, seed.productByName.get(p.name).price);
  assert.equal(offices[0].direccion, seed.officeByName.get('Río Cuarto').direccion);
  assert.equal(msgs[1].intent.name, 'saludo');
  assert.equal(msgs.at(-1).intent.name, 'general');
});

test('cards show the catalog as it is now: a deleted product drops out, a new price shows', async () => {
  const { conversation, metas } = await converse(ana, ['compara el galaxy s24 y el iphone 15']);
  const [first, second] = metas[0].context.products;
  assert.ok(first && second);
  write(`UPDATE products SET price = price + 1000 WHERE id = ${first.id}; DELETE FROM products WHERE id = ${second.id};`);
  const reply = (await history(ana, conversation)).json.messages[1];
  assert.deepEqual(reply.context.products, [{ ...first, price: first.price + 1000 }]);
  assert.deepEqual(reply.intent, metas[0].intent);
});

test('a reply without a log row is listed as before, without intent or context', async () => {
  const { conversation, metas } = await converse(ana, ['oficina de cosquin', 'oficina de tanti']);
  write(`DELETE FROM nlu_log WHERE message_id = ${metas[0].message_id}`);
  const msgs = (await history(ana, conversation)).json.messages;
  assert.ok(!('intent' in msgs[1]) && !('context' in msgs[1]));
  for (const k of ['id', 'role', 'content', 'model', 'status', 'created_at']) assert.ok(k in msgs[1], k);
  assert.deepEqual(msgs[3].context, metas[1].context);
});

test('a fallback reply keeps its cards too, and one conversation never shows another one\'s', async () => {
  // The emulator fails this one ([[status=500]]): the reply comes from the rows.
  const a = await converse(beto, ['busco un tv lg [[status=500]]']);
  const b = await converse(beto, ['hola']);
  const ra = (await history(beto, a.conversation)).json.messages;
  assert.equal(ra[1].status, 'fallback');
  const rb = (await history(beto, b.conversation)).json.messages;
  assert.deepEqual(ra[1].context, a.metas[0].context);
  assert.ok(ra[1].context.products.length > 0);
  for (const p of ra[1].context.products) assert.equal(p.brand, 'LG');
  assert.deepEqual(rb[1].context, { products: [], offices: [] });
  assert.equal((await history(ana, a.conversation)).status, 404);
});

test('a long conversation reads back whole and quickly', async () => {
  const messages = [];
  for (let i = 0; i < 15; i++) messages.push(i % 3 === 0 ? 'oficina de la falda' : i % 3 === 1 ? 'notebooks lenovo' : 'hola');
  const { conversation, metas } = await converse(ana, messages);
  const t0 = performance.now();
  const r = await history(ana, conversation);
  const ms = performance.now() - t0;
  assert.equal(r.json.messages.length, 30);
  for (const [i, meta] of metas.entries()) assert.deepEqual(r.json.messages[2 * i + 1].context, meta.context);
  assert.ok(ms < 2000, `${ms} ms`);
});
