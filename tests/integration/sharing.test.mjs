// Share, pin, archive: a read-only link anyone can open without logging in
// (up to where it was shared, nothing of the owner's), revocable, gone with
// the conversation; pinned conversations first in the list, archived ones
// out of it unless asked for; another user's ids 404 for every action.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../lib/stack.mjs';
import { api, register, sleep } from '../lib/client.mjs';

let stack, ana, beto;
before(async () => {
  stack = await startStack();
  ana = await register(stack);
  beto = await register(stack);
});
after(async () => { await stack.stop(); });

const hist = (who, form) => api(stack, '/cgi-bin/history', { token: who.token, form });
const chat = (who, form) => api(stack, '/cgi-bin/chat', { token: who.token, form });
const shared = (token) => api(stack, `/cgi-bin/shared?token=${encodeURIComponent(token)}`);

test('share: a link that opens without a session, read-only, up to where it was shared', async () => {
  const c = await chat(ana, { message: 'compartido <script>alert(1)</script>' });
  const conv = c.json.conversation_id;
  await api(stack, '/cgi-bin/feedback', { token: ana.token, form: { message_id: c.json.message.id, rating: 'down', comment: 'privado' } });
  const s = await hist(ana, { action: 'share', id: conv });
  assert.equal(s.status, 200, s.text);
  const { token, url } = s.json.share;
  assert.match(token, /^[A-Za-z0-9_-]{43}$/);
  assert.equal(url, `${stack.url}/shared.html#${token}`);
  // Sharing again keeps the link.
  assert.equal((await hist(ana, { action: 'share', id: conv })).json.share.token, token);

  const later = await chat(ana, { message: 'esto ya no se comparte', conversation_id: conv });
  const open = await shared(token);
  assert.equal(open.status, 200, open.text);
  assert.equal(open.headers.get('cache-control'), 'no-store');
  assert.equal(open.json.conversation.title, 'compartido <script>alert(1)</script>');
  assert.deepEqual(open.json.messages.map((m) => m.role), ['user', 'assistant']);
  assert.equal(open.json.messages[0].content, 'compartido <script>alert(1)</script>');
  for (const m of open.json.messages)
    for (const k of ['id', 'parent_id', 'feedback']) assert.ok(!(k in m), `${k} is the owner's`);
  assert.ok(!open.text.includes(later.json.message.content), 'later messages stay private');

  // Sharing again moves the link on to the newer messages.
  await hist(ana, { action: 'share', id: conv });
  assert.equal((await shared(token)).json.messages.length, 4);
  const shown = await api(stack, `/cgi-bin/history?id=${conv}`, { token: ana.token });
  assert.equal(shown.json.conversation.share.token, token);
  assert.equal(shown.json.conversation.shared, true);

  // Revoked: 404 at once (the answer is never cached).
  assert.equal((await hist(ana, { action: 'unshare', id: conv })).status, 200);
  const gone = await shared(token);
  assert.equal(gone.status, 404);
  assert.equal(gone.json.error.code, 'not_found');
  assert.equal((await api(stack, `/cgi-bin/history?id=${conv}`, { token: ana.token })).json.conversation.share, null);
});

test('a link is gone with its conversation; unknown or malformed tokens are 404', async () => {
  const c = await chat(ana, { message: 'se borra' });
  const { token } = (await hist(ana, { action: 'share', id: c.json.conversation_id })).json.share;
  assert.equal((await shared(token)).status, 200);
  await hist(ana, { action: 'delete', id: c.json.conversation_id });
  assert.equal((await shared(token)).status, 404);
  assert.equal(stack.sql(`SELECT count(*) AS n FROM shares WHERE conversation_id=${c.json.conversation_id}`)[0].n, 0);
  for (const t of ['', 'x', 'A'.repeat(43), `${token}x`, "' OR 1=1 --"]) assert.equal((await shared(t)).status, 404, t);
  assert.equal((await api(stack, '/cgi-bin/shared', { form: { token } })).status, 405);
  // An empty conversation has nothing to share.
  const e = await chat(ana, { message: 'vacía pronto' });
  await hist(ana, { action: 'clear', id: e.json.conversation_id });
  assert.equal((await hist(ana, { action: 'share', id: e.json.conversation_id })).status, 400);
});

test('pinned first, archived out of the list unless archived=1; chatting brings one back', async () => {
  const ids = [];
  for (const m of ['uno', 'dos', 'tres']) {
    ids.push((await chat(beto, { message: m })).json.conversation_id);
    await sleep(1100); // updated_at has one-second resolution
  }
  const list = async (q = '') => (await api(stack, `/cgi-bin/history${q}`, { token: beto.token })).json.conversations;
  assert.deepEqual((await list()).map((c) => c.id), [ids[2], ids[1], ids[0]]);
  const pin = await hist(beto, { action: 'pin', id: ids[0] });
  assert.equal(pin.status, 200);
  assert.equal(pin.json.conversation.pinned, true);
  assert.deepEqual((await list()).map((c) => c.id), [ids[0], ids[2], ids[1]]);
  // Paging keeps the order across pages.
  const p1 = await api(stack, '/cgi-bin/history?limit=2', { token: beto.token });
  const p2 = await api(stack, `/cgi-bin/history?limit=2&before=${p1.json.next_before}`, { token: beto.token });
  assert.deepEqual([...p1.json.conversations, ...p2.json.conversations].map((c) => c.id), [ids[0], ids[2], ids[1]]);
  const arch = await hist(beto, { action: 'archive', id: ids[2] });
  assert.equal(arch.json.conversation.archived, true);
  assert.deepEqual((await list()).map((c) => c.id), [ids[0], ids[1]]);
  assert.deepEqual((await list('?archived=1')).map((c) => c.id), [ids[2]]);
  assert.equal((await api(stack, '/cgi-bin/history?archived=2', { token: beto.token })).status, 400);
  await hist(beto, { action: 'unpin', id: ids[0] });
  assert.deepEqual((await list()).map((c) => c.id), [ids[1], ids[0]]);
  await chat(beto, { message: 'vuelvo', conversation_id: ids[2] });
  assert.deepEqual((await list()).map((c) => c.id)[0], ids[2], 'a new message unarchives it');
  await hist(beto, { action: 'archive', id: ids[1] });
  await hist(beto, { action: 'unarchive', id: ids[1] });
  assert.ok((await list()).some((c) => c.id === ids[1]));
});

test("another user's conversation is 404 for share, unshare, pin, archive and switch", async () => {
  const c = await chat(ana, { message: 'de ana' });
  const id = c.json.conversation_id;
  const { token } = (await hist(ana, { action: 'share', id })).json.share;
  for (const action of ['share', 'unshare', 'pin', 'unpin', 'archive', 'unarchive']) {
    const r = await hist(beto, { action, id });
    assert.equal(r.status, 404, action);
  }
  assert.equal((await shared(token)).status, 200, 'still shared');
  const row = stack.sql(`SELECT pinned, archived FROM conversations WHERE id=${id}`)[0];
  assert.deepEqual(row, { pinned: 0, archived: 0 });
});
