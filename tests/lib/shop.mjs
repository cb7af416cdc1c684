// Helpers for the shop assistant's tests: one chat turn with everything a
// test looks at (meta, reply, ending, what the model was sent), the NLU log
// rows of a reply, and the seed's rows a card must match.
import assert from 'node:assert/strict';
import { api, chatStream, tokensOf } from './client.mjs';

// The shop tests talk to an assistant that answers from both the catalog
// and the directory with instant answers on (each built-in has one source),
// made the default so that every chat without an assistant reaches it.
export const SHOP_ASSISTANT = 'tienda-y-oficinas';
export async function useShopAssistant(stack, adminToken) {
  const saved = await api(stack, '/cgi-bin/assistants', { token: adminToken, form: {
    action: 'save', slug: SHOP_ASSISTANT, name: 'Tienda y oficinas', sources: 'catalog,directory',
    instant_answers: '1', public: '1' } });
  assert.ok([200, 201].includes(saved.status), saved.text);
  const set = await api(stack, '/cgi-bin/config', { token: adminToken, form: { default_assistant: SHOP_ASSISTANT } });
  assert.equal(set.status, 200, set.text);
}

// The emulator's chat requests, oldest first, and its counters.
export async function emulatorRequests(emulator) {
  const r = await fetch(`${emulator.url}/__emulator/requests`);
  return (await r.json()).requests;
}
export async function emulatorStats(emulator) {
  const r = await fetch(`${emulator.url}/__emulator/stats`);
  return r.json();
}

/**
 * One streamed turn. Returns {meta, end, reply, system, calls}: the meta
 * event's data, the last event (done or error), the reply's text, the
 * system message the model received for this turn (null when the model was
 * not called) and how many chat requests the emulator got during it.
 */
export async function ask(stack, token, message, fields = {}) {
  const emulator = stack.emulators[0];
  const before = emulator ? (await emulatorStats(emulator)).chat_requests : 0;
  const s = await chatStream(stack, token, { message, ...fields });
  assert.equal(s.status, 200, `${message}: ${s.status} ${JSON.stringify(s.json)}`);
  const meta = s.events.find((e) => e.event === 'meta')?.data;
  const end = s.events.at(-1);
  assert.ok(meta, `${message}: a meta event`);
  assert.ok(['done', 'error'].includes(end.event), `${message}: ends with ${end.event}`);
  let system = null, calls = 0;
  if (emulator) {
    calls = (await emulatorStats(emulator)).chat_requests - before;
    if (calls > 0) {
      const last = (await emulatorRequests(emulator)).at(-1);
      const msgs = last.body.messages;
      assert.equal(msgs.at(-1).content, message, 'the last request is this turn');
      system = msgs[0].role === 'system' ? msgs[0].content : '';
    }
  }
  return { meta, end, reply: tokensOf(s.events), system, calls };
}

// The NLU log row of a reply (by its message id) and its product rows.
export function logOf(stack, messageId) {
  const rows = stack.sql(`SELECT id, intent, confidence, entities, product_ids, office_ids, found, user_id, session_id
    FROM nlu_log WHERE message_id = ${Number(messageId)}`);
  assert.equal(rows.length, 1, `one nlu_log row for message ${messageId}`);
  const row = rows[0];
  const products = stack.sql(`SELECT product_id FROM nlu_log_products WHERE log_id = ${row.id} ORDER BY product_id`)
    .map((r) => r.product_id);
  return { ...row, entities: JSON.parse(row.entities), product_ids: JSON.parse(row.product_ids),
    office_ids: JSON.parse(row.office_ids), products };
}

// The log agrees with what the meta event said.
export function assertLogged(stack, meta) {
  const log = logOf(stack, meta.message_id);
  assert.equal(log.intent, meta.intent.name);
  assert.equal(log.confidence, meta.intent.confidence);
  assert.deepEqual(log.entities, meta.intent.entities);
  assert.deepEqual(log.product_ids, meta.context.products.map((p) => p.id));
  assert.deepEqual(log.office_ids, meta.context.offices.map((o) => o.id));
  assert.deepEqual(log.products, meta.context.products.map((p) => p.id).sort((a, b) => a - b));
  assert.equal(log.found, meta.context.products.length + meta.context.offices.length > 0 ? 1 : 0);
  return log;
}

// A product card against its seed row: same brand, category, price, stock.
export function assertProductCard(seed, card) {
  const row = seed.productByName.get(card.name);
  assert.ok(row, `${card.name} is a seed product`);
  assert.ok(row.active, `${card.name} is active`);
  assert.equal(card.brand, row.brand, card.name);
  assert.equal(card.category, seed.categoryName(row.category_slug), card.name);
  assert.equal(card.price, row.price, card.name);
  assert.equal(card.stock, row.stock, card.name);
  return row;
}

// An office card against its seed row.
export function assertOfficeCard(seed, card) {
  const row = seed.officeByName.get(card.municipio);
  assert.ok(row, `${card.municipio} is a seed office`);
  assert.deepEqual(card.localidades, row.localidades);
  for (const k of ['dependencia', 'direccion', 'telefono', 'whatsapp', 'horario', 'email'])
    assert.equal(card[k], row[k], `${card.municipio}: ${k}`);
  return row;
}
