// History: listing newest first, search, paging, one conversation, rename,
// delete, clear, and two users who cannot see each other's data.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../lib/stack.mjs';
import { api, register, sleep } from '../lib/client.mjs';

let stack, ana, beto;
const ids = [];
before(async () => {
  stack = await startStack();
  ana = await register(stack);
  beto = await register(stack);
  for (const m of ['receta de empanadas', 'viaje a Mendoza', 'precio del dólar', 'receta de sopaipillas']) {
    const r = await api(stack, '/cgi-bin/chat', { token: ana.token, form: { message: m } });
    ids.push(r.json.conversation_id);
    await sleep(1100); // updated_at has one-second resolution
  }
  await api(stack, '/cgi-bin/chat', { token: beto.token, form: { message: 'receta secreta de beto' } });
});
after(async () => { await stack.stop(); });

test('the list is newest first with counts', async () => {
  const r = await api(stack, '/cgi-bin/history', { token: ana.token });
  assert.equal(r.status, 200);
  assert.deepEqual(r.json.conversations.map((c) => c.id), [...ids].reverse());
  const c = r.json.conversations[0];
  for (const k of ['id', 'title', 'model', 'created_at', 'updated_at', 'message_count']) assert.ok(k in c, k);
  assert.equal(c.message_count, 2);
});

test('q searches titles and messages, only in your own conversations', async () => {
  const r = await api(stack, '/cgi-bin/history?q=receta', { token: ana.token });
  assert.deepEqual(r.json.conversations.map((c) => c.id), [ids[3], ids[0]]);
  const inReply = await api(stack, `/cgi-bin/history?q=${encodeURIComponent('Recibido')}`, { token: ana.token });
  assert.equal(inReply.json.conversations.length, 4); // found in the model's replies
  const literal = await api(stack, '/cgi-bin/history?q=%25', { token: ana.token });
  assert.equal(literal.json.conversations.length, 0); // % is taken literally
});

test('limit and before page through the list', async () => {
  const p1 = await api(stack, '/cgi-bin/history?limit=2', { token: ana.token });
  assert.deepEqual(p1.json.conversations.map((c) => c.id), [ids[3], ids[2]]);
  assert.equal(p1.json.next_before, ids[2]);
  const p2 = await api(stack, `/cgi-bin/history?limit=2&before=${p1.json.next_before}`, { token: ana.token });
  assert.deepEqual(p2.json.conversations.map((c) => c.id), [ids[1], ids[0]]);
  for (const q of ['limit=0', 'limit=1000', 'limit=x', 'before=-1', 'id=abc']) {
    const r = await api(stack, `/cgi-bin/history?${q}`, { token: ana.token });
    assert.equal(r.status, 400, q);
  }
});

test('one conversation with its messages, oldest first', async () => {
  const r = await api(stack, `/cgi-bin/history?id=${ids[1]}`, { token: ana.token });
  assert.equal(r.json.conversation.id, ids[1]);
  assert.equal(r.json.conversation.title, 'viaje a Mendoza');
  assert.deepEqual(r.json.messages.map((m) => m.role), ['user', 'assistant']);
  for (const k of ['id', 'role', 'content', 'model', 'status', 'created_at']) assert.ok(k in r.json.messages[1], k);
  assert.ok(r.json.messages[0].id < r.json.messages[1].id);
});

test("the other user's conversations are invisible and untouchable (404 as if missing)", async () => {
  const list = await api(stack, '/cgi-bin/history', { token: beto.token });
  assert.equal(list.json.conversations.length, 1);
  assert.ok(!list.json.conversations.some((c) => ids.includes(c.id)));
  const peek = await api(stack, `/cgi-bin/history?id=${ids[0]}`, { token: beto.token });
  const none = await api(stack, '/cgi-bin/history?id=987654', { token: beto.token });
  assert.equal(peek.status, 404);
  assert.deepEqual(peek.json, none.json);
  for (const form of [{ action: 'rename', id: ids[0], title: 'hacked' }, { action: 'delete', id: ids[0] }, { action: 'clear', id: ids[0] }]) {
    const r = await api(stack, '/cgi-bin/history', { token: beto.token, form });
    assert.equal(r.status, 404, form.action);
  }
  const still = await api(stack, `/cgi-bin/history?id=${ids[0]}`, { token: ana.token });
  assert.equal(still.json.conversation.title, 'receta de empanadas');
  assert.equal(still.json.messages.length, 2);
});

test('rename, clear and delete', async () => {
  const ren = await api(stack, '/cgi-bin/history', { token: ana.token, form: { action: 'rename', id: ids[2], title: 'Finanzas 💸' } });
  assert.equal(ren.status, 200);
  assert.equal(ren.json.conversation.title, 'Finanzas 💸');
  for (const title of ['', '   ', 'a\nb', 'x'.repeat(201)]) {
    const bad = await api(stack, '/cgi-bin/history', { token: ana.token, form: { action: 'rename', id: ids[2], title } });
    assert.equal(bad.status, 400);
  }
  const clr = await api(stack, '/cgi-bin/history', { token: ana.token, form: { action: 'clear', id: ids[2] } });
  assert.equal(clr.status, 200);
  const after = await api(stack, `/cgi-bin/history?id=${ids[2]}`, { token: ana.token });
  assert.equal(after.json.messages.length, 0);
  assert.equal(after.json.conversation.title, 'Finanzas 💸');
  const del = await api(stack, '/cgi-bin/history', { token: ana.token, form: { action: 'delete', id: ids[2] } });
  assert.equal(del.status, 200);
  assert.equal((await api(stack, `/cgi-bin/history?id=${ids[2]}`, { token: ana.token })).status, 404);
  assert.equal(stack.sql(`SELECT count(*) AS n FROM messages WHERE conversation_id=${ids[2]}`)[0].n, 0);
  const unknown = await api(stack, '/cgi-bin/history', { token: ana.token, form: { action: 'explode', id: ids[0] } });
  assert.equal(unknown.status, 400);
  const noId = await api(stack, '/cgi-bin/history', { token: ana.token, form: { action: 'delete' } });
  assert.equal(noId.status, 400);
});
