// Ids are never reused, and a reply being generated writes only to itself:
// user A deletes a conversation while its reply is still streaming, user B
// starts a chat at once. Before migration 006 SQLite handed B the ids A's
// rows had just freed, and A's still-running chat overwrote B's reply.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../lib/stack.mjs';
import { api, register, chatStream, eventually, sleep } from '../lib/client.mjs';
import { stats } from '../lib/pool.mjs';

let stack;
let emu;
let a;
let b;

before(async () => {
  stack = await startStack({ backends: 1 });
  emu = stack.emulators[0];
  [a, b] = [await register(stack), await register(stack)];
});
after(async () => { await stack.stop(); });

test('A deletes a conversation mid-reply, B chats: B gets new ids and B\'s reply stays B\'s', async () => {
  let meta = null;
  let deleted = null;
  // A slow story: 80 tokens, 100 ms apart.
  const storyA = chatStream(stack, a.token, { message: 'la historia de A [[tokens=80]] [[delay=100]]' }, {
    onEvent: (ev) => {
      if (ev.event === 'meta') meta = ev.data;
      if (ev.event === 'token' && ev.data.content === 'tok5 ' && !deleted)
        deleted = api(stack, '/cgi-bin/history', { token: a.token, form: { action: 'delete', id: String(meta.conversation_id) } });
      return undefined;
    },
  });
  await eventually(() => assert.ok(deleted), 10000, 20);
  assert.equal((await deleted).status, 200);

  const replyB = await api(stack, '/cgi-bin/chat', { token: b.token, form: { message: 'escribe un poema corto de B [[tokens=3]]' } });
  assert.equal(replyB.status, 200, replyB.text);
  assert.notEqual(replyB.json.conversation_id, meta.conversation_id, 'B\'s conversation has a new id');
  assert.notEqual(replyB.json.message.id, meta.message_id, 'B\'s reply has a new id');
  assert.ok(replyB.json.message.id > meta.message_id);

  // Give A's process every chance to write again (it saved every 300 ms).
  const endA = await storyA;
  await sleep(1000);
  const rows = stack.sql(`SELECT m.id, m.content, m.status, c.user_id FROM messages m
    JOIN conversations c ON c.id = m.conversation_id WHERE m.id = ${replyB.json.message.id}`);
  assert.equal(rows.length, 1);
  assert.equal(rows[0].content, 'tok1 tok2 tok3', 'B\'s reply is B\'s');
  assert.equal(rows[0].status, 'done');
  assert.equal(rows[0].user_id, b.user.id);
  assert.equal(stack.sql(`SELECT count(*) AS n FROM messages WHERE content LIKE '%tok6%'`)[0].n, 0,
    'nothing of A\'s story is stored anywhere');
  // A's chat stopped soon after its reply was gone: the model was told to stop.
  assert.equal(endA.events.at(-1).event, 'done');
  assert.equal(endA.events.at(-1).data.status, 'stopped');
  assert.ok(!endA.events.some((e) => e.event === 'token' && e.data.content === 'tok80'), 'A stopped early');
  assert.ok(stats(emu).cancelled >= 1);
  // B's conversation holds only B's turn.
  const hist = await api(stack, `/cgi-bin/history?id=${replyB.json.conversation_id}`, { token: b.token });
  assert.deepEqual(hist.json.messages.map((m) => m.content), ['escribe un poema corto de B [[tokens=3]]', 'tok1 tok2 tok3']);
});

test('the highest ids are not handed out again after a delete (users, conversations, messages, sessions)', async () => {
  const r1 = await api(stack, '/cgi-bin/chat', { token: a.token, form: { message: 'uno [[tokens=1]]' } });
  const del = await api(stack, '/cgi-bin/history', { token: a.token, form: { action: 'delete', id: String(r1.json.conversation_id) } });
  assert.equal(del.status, 200);
  const r2 = await api(stack, '/cgi-bin/chat', { token: a.token, form: { message: 'dos [[tokens=1]]' } });
  assert.ok(r2.json.conversation_id > r1.json.conversation_id);
  assert.ok(r2.json.message.id > r1.json.message.id);
  const seq = Object.fromEntries(stack.sql('SELECT name, seq FROM sqlite_sequence').map((r) => [r.name, r.seq]));
  for (const t of ['users', 'sessions', 'conversations', 'messages', 'products', 'offices', 'backend_leases'])
    assert.ok(t in seq, `${t} is AUTOINCREMENT`);
  // A logout deletes the newest session; the next login gets a new id.
  const login = async () => (await api(stack, '/cgi-bin/login', { form: { username: b.username, password: b.password } })).json.token;
  const t1 = await login();
  const s1 = stack.sql('SELECT max(id) AS id FROM sessions')[0].id;
  assert.equal((await api(stack, '/cgi-bin/logout', { token: t1, form: {} })).status, 200);
  await login();
  assert.ok(stack.sql('SELECT max(id) AS id FROM sessions')[0].id > s1);
});
