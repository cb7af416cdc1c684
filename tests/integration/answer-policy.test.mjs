// The answer policy: a template answer only for a message that is nothing
// but a greeting or a request for help, only from an assistant with instant
// answers on, stored with model null; everything else goes to the model
// while one answers ("hola mundo" to a general conversation reaches the
// chosen model); a fallback from the data only when none does.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../lib/stack.mjs';
import { api, register, chatStream, tokensOf } from '../lib/client.mjs';
import { sqlRead } from '../lib/ops.mjs';

let stack, admin, member;
const sql = (q) => sqlRead(stack, q);
const calls = async () => (await (await fetch(`${stack.emulators[0].url}/__emulator/stats`)).json()).chat_requests;

// One turn: its meta, its ending, its text, whether the model was asked,
// and the reply as stored.
async function turn(fields) {
  const before = await calls();
  const s = await chatStream(stack, member.token, fields);
  assert.equal(s.status, 200, JSON.stringify(s.json));
  const meta = s.events[0].data;
  const stored = sql(`SELECT model, status FROM messages WHERE id = ${meta.message_id}`)[0];
  return { meta, end: s.events.at(-1), text: tokensOf(s.events), asked: (await calls()) - before, stored };
}

before(async () => {
  stack = await startStack({ seed: true });
  admin = await register(stack);
  member = await register(stack);
});
after(async () => { await stack?.stop(); });

test('a general conversation sends every message to the chosen model, "hola mundo" and "hola" too', async () => {
  for (const message of ['hola mundo', 'hola', 'ayuda', 'hola **negrita** y `codigo`']) {
    const t = await turn({ message, assistant: 'general', model: 'qwen2.5:0.5b' });
    assert.equal(t.asked, 1, message);
    assert.equal(t.meta.model, 'qwen2.5:0.5b');
    assert.equal(t.stored.model, 'qwen2.5:0.5b');
    assert.match(t.text, /simulada \(modelo qwen2\.5:0\.5b\)/, message);
    assert.equal(t.meta.intent.name, 'general');
    assert.equal(t.meta.intent.confidence, 0, 'no NLU for a plain chat');
    assert.deepEqual(t.meta.context, { products: [], offices: [] });
  }
});

test('a shop greeting is answered at once from the template, stored and shown with model null', async () => {
  const t = await turn({ message: '¡hola!', assistant: 'tienda', model: '' });
  assert.equal(t.asked, 0);
  assert.equal(t.meta.model, null);
  assert.equal(t.stored.model, null);
  assert.equal(t.stored.status, 'done');
  assert.match(t.text, /asistente de la tienda/);
  assert.equal(t.meta.intent.name, 'saludo');
  assert.ok(t.meta.intent.confidence > 0);
  const h = await api(stack, `/cgi-bin/history?id=${t.meta.conversation_id}`, { token: member.token });
  assert.equal(h.json.messages[1].model, null);
  const help = await turn({ message: 'what can you do?', assistant: 'tienda' });
  assert.equal(help.asked, 0);
  assert.match(help.text, /Search products/);
  assert.doesNotMatch(help.text, /offices/, 'the shop has no directory');
  // The JSON mode too.
  const j = await api(stack, '/cgi-bin/chat', { token: member.token, form: { message: 'buenas', assistant: 'tienda' } });
  assert.equal(j.json.message.model, null);
  assert.equal(j.json.assistant, 'tienda');
});

test('a greeting with more in it goes to the model, the intent is never picked at confidence 0', async () => {
  for (const message of ['hola mundo', 'hola **negrita** y `codigo`', 'buenas, ¿cuál es la capital de Francia?']) {
    const t = await turn({ message, assistant: 'tienda' });
    assert.equal(t.asked, 1, message);
    assert.notEqual(t.stored.model, null);
    assert.ok(t.meta.intent.name === 'general' || t.meta.intent.confidence > 0, JSON.stringify(t.meta.intent));
    assert.notEqual(t.meta.intent.name, 'saludo', message);
  }
  const search = await turn({ message: 'hola, busco celulares samsung', assistant: 'tienda' });
  assert.equal(search.meta.intent.name, 'buscar_producto');
  assert.equal(search.asked, 1);
  assert.ok(search.meta.context.products.length > 0);
});

test('an assistant answers from its own sources only', async () => {
  const office = await turn({ message: 'horario de la oficina de rio cuarto', assistant: 'tienda' });
  assert.equal(office.meta.intent.name, 'general');
  assert.deepEqual(office.meta.context.offices, []);
  const town = await turn({ message: 'horario de la oficina de rio cuarto', assistant: 'oficinas' });
  assert.equal(town.meta.intent.name, 'consultar_oficina');
  assert.equal(town.meta.context.offices[0].municipio, 'Río Cuarto');
  const products = await turn({ message: 'busco celulares samsung', assistant: 'oficinas' });
  assert.deepEqual(products.meta.context.products, []);
});

test('instant answers off: a greeting to the shop reaches the model', async () => {
  await api(stack, '/cgi-bin/assistants', { token: admin.token, form: { action: 'save', slug: 'tienda', instant_answers: '0' } });
  const t = await turn({ message: 'hola', assistant: 'tienda' });
  assert.equal(t.asked, 1);
  assert.notEqual(t.meta.model, null);
  await api(stack, '/cgi-bin/assistants', { token: admin.token, form: { action: 'save', slug: 'tienda', instant_answers: '1' } });
});

test('fallback only when no model answers: the data for the shop, an error for a plain chat', async () => {
  const data = await turn({ message: 'busco celulares samsung [[status=503]]', assistant: 'tienda' });
  assert.equal(data.asked, 1, 'the model was asked first');
  assert.equal(data.stored.status, 'fallback');
  assert.match(data.text, /Samsung/);
  const plain = await chatStream(stack, member.token, { message: 'hola [[status=503]]', assistant: 'general' });
  const end = plain.events.at(-1);
  assert.equal(end.event, 'error');
  assert.equal(sql(`SELECT status FROM messages WHERE id = ${end.data.message_id}`)[0].status, 'error');
});
