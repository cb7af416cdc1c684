// Visitors (no account): POST /cgi-bin/guest makes a visitor session (a
// random token stored hashed, role guest, address and user agent recorded);
// every program treats a visitor as the least privileged user there is;
// limits per session and per address answer 429 with Retry-After; visitors
// are purged after guest_days with their conversations; registering keeps
// them; stats count visitors and members apart, totals.users accounts only.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../lib/stack.mjs';
import { api, register, chatStream, uniqueName } from '../lib/client.mjs';
import { sqlRead, sqlWrite } from '../lib/ops.mjs';

let stack, admin, alice;
const sql = (q) => sqlRead(stack, q);
const visit = async (form = { assistant: 'tienda' }, headers = {}) => {
  const r = await api(stack, '/cgi-bin/guest', { form, headers });
  assert.equal(r.status, 201, r.text);
  return r.json;
};

before(async () => {
  stack = await startStack({ seed: true, env: {
    GUEST_MESSAGES_PER_HOUR: '4', GUEST_MESSAGES_PER_HOUR_PER_ADDRESS: '1000', GUEST_SESSIONS_PER_HOUR_PER_ADDRESS: '1000',
  } });
  admin = await register(stack);
  alice = await register(stack);
});
after(async () => { await stack?.stop(); });

test('a visitor session: token stored hashed, role guest, first and last seen, address and user agent', async () => {
  const r = await api(stack, '/cgi-bin/guest', { form: { assistant: 'oficinas' }, headers: { 'User-Agent': 'Visita/1.0' } });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.user.role, 'guest');
  assert.match(r.json.token, /^[A-Za-z0-9_-]{43}$/);
  assert.match(r.json.expires_at, /Z$/);
  assert.ok(Date.parse(r.json.expires_at) > Date.now() + 29 * 86400000, 'guest_days (30) from now');
  assert.match(r.headers.get('set-cookie'), /^session=.*HttpOnly; SameSite=Strict/);
  const rows = sql(`SELECT s.token_hash, s.user_agent, s.address, s.created_at, s.last_seen_at, u.guest, u.role, u.username
    FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.id = ${r.json.user.id}`);
  assert.equal(rows.length, 1);
  const row = rows[0];
  assert.notEqual(row.token_hash, r.json.token);
  assert.equal(row.token_hash.length, 64);
  assert.deepEqual([row.guest, row.role, row.user_agent, row.address], [1, 'user', 'Visita/1.0', '127.0.0.1']);
  assert.ok(row.created_at && row.last_seen_at);
  const who = await api(stack, '/cgi-bin/login', { token: r.json.token });
  assert.equal(who.status, 200);
  assert.equal(who.json.user.role, 'guest');
  // Cached who-am-I too.
  assert.equal((await api(stack, '/cgi-bin/login', { token: r.json.token })).json.user.role, 'guest');
});

test('a browser logged in to an account keeps its cookie when its widget frame opens a visit', async () => {
  const r = await api(stack, '/cgi-bin/guest', { form: {}, headers: { Cookie: `session=${alice.token}` } });
  assert.equal(r.status, 201);
  assert.equal(r.json.user.role, 'guest');
  assert.notEqual(r.json.user.id, alice.user.id);
  assert.equal(r.headers.get('set-cookie'), null, 'the member stays logged in');
  assert.equal((await api(stack, '/cgi-bin/login', { cookie: `session=${alice.token}` })).json.user.id, alice.user.id);
  assert.equal((await api(stack, '/cgi-bin/login', { token: r.json.token })).json.user.role, 'guest');
});

test('bad input: an unknown assistant 404, a members-only one 403, a bad slug 400; GET 405', async () => {
  assert.equal((await api(stack, '/cgi-bin/guest', { form: { assistant: 'nadie' } })).status, 404);
  const members = await api(stack, '/cgi-bin/guest', { form: { assistant: 'general' } });
  assert.equal(members.status, 403);
  assert.equal(members.json.error.code, 'forbidden');
  assert.equal((await api(stack, '/cgi-bin/guest', { form: { assistant: 'Mal Slug' } })).status, 400);
  assert.equal((await api(stack, '/cgi-bin/guest')).status, 405);
  const cross = await api(stack, '/cgi-bin/guest', { form: {}, headers: { Origin: 'http://evil.example' } });
  assert.equal(cross.status, 403);
});

test('a visitor chats with a public assistant, streamed, with cards, and sees only their own conversations', async () => {
  const [ana, beto] = await Promise.all([visit(), visit()]);
  const [a, b] = await Promise.all([
    chatStream(stack, ana.token, { message: 'busco celulares samsung bajo 400 mil', assistant: 'tienda' }),
    chatStream(stack, beto.token, { message: 'horario de la oficina de rio cuarto', assistant: 'oficinas' }),
  ]);
  assert.equal(a.status, 200);
  assert.ok(a.events.filter((e) => e.event === 'token').length > 1, 'streamed');
  assert.ok(a.events[0].data.context.products.length > 0, 'product cards');
  assert.equal(b.events[0].data.context.offices[0].municipio, 'Río Cuarto');
  const convA = a.events[0].data.conversation_id, convB = b.events[0].data.conversation_id;
  const listA = await api(stack, '/cgi-bin/history', { token: ana.token });
  assert.deepEqual(listA.json.conversations.map((c) => c.id), [convA]);
  assert.equal((await api(stack, `/cgi-bin/history?id=${convB}`, { token: ana.token })).status, 404);
  assert.equal((await api(stack, '/cgi-bin/history', { token: ana.token, form: { action: 'delete', id: convB } })).status, 404);
  assert.equal((await chatStream(stack, ana.token, { message: 'hola', conversation_id: convB })).status, 404);
  const mine = await api(stack, '/cgi-bin/history', { token: ana.token, form: { action: 'clear', id: convA } });
  assert.equal(mine.status, 200);
});

test('every other program treats a visitor as the least privileged user there is', async () => {
  const v = await visit();
  const as = { token: v.token };
  const expect = async (path, o, status) => {
    const r = await api(stack, path, { ...as, ...o });
    assert.equal(r.status, status, `${path} ${JSON.stringify(o)} → ${r.status} ${r.text.slice(0, 120)}`);
    if (status >= 400) assert.ok(r.json?.error?.code, 'a JSON error');
  };
  await expect('/cgi-bin/stats', {}, 403);
  await expect('/cgi-bin/config', {}, 403);
  await expect('/cgi-bin/config', { form: { temperature: '1' } }, 403);
  await expect('/cgi-bin/config', { form: { action: 'user', user_id: String(alice.user.id), disabled: '1' } }, 403);
  await expect('/cgi-bin/assistants', { form: { action: 'save', slug: 'tienda', public: '0' } }, 403);
  await expect('/cgi-bin/assistants', { form: { action: 'delete', slug: 'x' } }, 403);
  await expect('/cgi-bin/models', {}, 403);
  await expect('/cgi-bin/models', {}, 403); // and not from the shared cache either
  await expect('/cgi-bin/data?action=backup', {}, 403);
  await expect('/cgi-bin/data', { form: { action: 'import_offices' } }, 403);
  await expect('/cgi-bin/health', {}, 200);
  // What a public assistant answers from may be read; nothing else.
  await expect('/cgi-bin/catalog', {}, 200);
  await expect('/cgi-bin/directory?q=cosquin', {}, 200);
  await api(stack, '/cgi-bin/assistants', { token: admin.token, form: { action: 'save', slug: 'oficinas', public: '0' } });
  await expect('/cgi-bin/directory?q=cosquin', {}, 403);
  assert.equal((await api(stack, '/cgi-bin/directory?q=cosquin', { token: alice.token })).status, 200, 'members still read it');
  await api(stack, '/cgi-bin/assistants', { token: admin.token, form: { action: 'save', slug: 'oficinas', public: '1' } });
  // The assistant's model and sampling: not the visitor's to choose.
  for (const own of [{ model: 'qwen2.5:0.5b' }, { temperature: '1.5' }, { num_predict: '30000' }]) {
    const r = await chatStream(stack, v.token, { message: 'hola', assistant: 'tienda', ...own });
    assert.equal(r.status, 403, JSON.stringify(own));
  }
  assert.equal((await chatStream(stack, v.token, { message: 'hola', assistant: 'general' })).status, 403);
  assert.equal((await chatStream(stack, v.token, { message: 'hola' })).status, 403, 'the default (general) is for members');
  // No account: never found by a login, never in the account list.
  const name = sql(`SELECT username FROM users WHERE id = ${v.user.id}`)[0].username;
  const login = await api(stack, '/cgi-bin/login', { form: { username: name, password: 'anything at all' } });
  assert.equal(login.status, 401);
  const cfg = await api(stack, '/cgi-bin/config', { token: admin.token });
  assert.ok(!cfg.json.users.some((u) => u.id === v.user.id));
  const change = await api(stack, '/cgi-bin/config', { token: admin.token, form: { action: 'user', user_id: String(v.user.id), role: 'admin' } });
  assert.equal(change.status, 404, 'a visitor is no account to promote');
  // A visitor may end the visit.
  await expect('/cgi-bin/logout', { form: {} }, 200);
  await expect('/cgi-bin/history', {}, 401);
});

test('limits per session (guest_messages_per_hour) and per address: 429 with Retry-After, nothing stored', async () => {
  const v = await visit();
  let conv;
  for (let i = 0; i < 4; i++) {
    const r = await chatStream(stack, v.token, { message: `mensaje ${i} [[tokens=1]]`, assistant: 'tienda', conversation_id: conv ?? '' });
    assert.equal(r.status, 200, `message ${i}`);
    conv = r.events[0].data.conversation_id;
  }
  const stored = sql(`SELECT count(*) AS n FROM messages WHERE conversation_id = ${conv}`)[0].n;
  const over = await chatStream(stack, v.token, { message: 'uno más', conversation_id: conv });
  assert.equal(over.status, 429);
  assert.equal(over.json.error.code, 'rate_limited');
  const wait = Number(over.headers.get('retry-after'));
  assert.ok(wait > 3000 && wait <= 3600, `Retry-After ${wait}`);
  assert.equal(sql(`SELECT count(*) AS n FROM messages WHERE conversation_id = ${conv}`)[0].n, stored);
  // Another visitor from elsewhere is not held back; members never are.
  const other = await visit({}, {});
  assert.equal((await chatStream(stack, other.token, { message: 'hola', assistant: 'tienda' })).status, 200);
  assert.equal((await chatStream(stack, alice.token, { message: 'hola [[tokens=1]]' })).status, 200);
  // Per address: every visitor from 127.0.0.1 counts.
  await api(stack, '/cgi-bin/config', { token: admin.token, form: { guest_messages_per_hour_per_address: '1' } });
  const third = await visit();
  const held = await chatStream(stack, third.token, { message: 'hola', assistant: 'tienda' });
  assert.equal(held.status, 429);
  assert.ok(Number(held.headers.get('retry-after')) > 0);
  await api(stack, '/cgi-bin/config', { token: admin.token, form: { guest_messages_per_hour_per_address: '0' } });
  assert.equal((await chatStream(stack, third.token, { message: 'hola', assistant: 'tienda' })).status, 200, '0: no limit');
  // New sessions per address.
  await api(stack, '/cgi-bin/config', { token: admin.token, form: { guest_sessions_per_hour_per_address: '1' } });
  const refused = await api(stack, '/cgi-bin/guest', { form: {} });
  assert.equal(refused.status, 429);
  assert.ok(Number(refused.headers.get('retry-after')) > 0);
  await api(stack, '/cgi-bin/config', { token: admin.token, form: { guest_sessions_per_hour_per_address: '1000' } });
});

test('registering while a visitor keeps the conversations (same id); the first account is still the admin', async () => {
  const v = await visit();
  const s = await chatStream(stack, v.token, { message: 'quiero un celular [[tokens=1]]', assistant: 'tienda' });
  const conv = s.events[0].data.conversation_id;
  const before = sql("SELECT n FROM ops_totals WHERE name = 'users'")[0].n;
  const name = uniqueName('ex_visita');
  const r = await api(stack, '/cgi-bin/register', { token: v.token, form: { username: name, password: 'correct horse 1' } });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.user.id, v.user.id);
  assert.equal(r.json.user.role, 'user');
  assert.equal(sql("SELECT n FROM ops_totals WHERE name = 'users'")[0].n, before + 1);
  // The visitor's token is over; the account's works and has the conversation.
  assert.equal((await api(stack, '/cgi-bin/history', { token: v.token })).status, 401);
  const h = await api(stack, '/cgi-bin/history', { token: r.json.token });
  assert.deepEqual(h.json.conversations.map((c) => c.id), [conv]);
  assert.equal((await api(stack, '/cgi-bin/login', { form: { username: name, password: 'correct horse 1' } })).status, 200);
  assert.ok((await api(stack, '/cgi-bin/config', { token: admin.token })).json.users.some((u) => u.id === v.user.id));
});

test('visitors unseen for guest_days are deleted with their conversations, a few at a time', async () => {
  const old = await visit();
  const s = await chatStream(stack, old.token, { message: 'hola [[tokens=1]]', assistant: 'tienda' });
  const conv = s.events[0].data.conversation_id;
  const recent = await visit();
  const days = 30;
  sqlWrite(stack, `UPDATE users SET created_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-${days + 2} days') WHERE id IN (${old.user.id}, ${recent.user.id});
    UPDATE sessions SET last_seen_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-${days + 1} days') WHERE user_id = ${old.user.id};`);
  await visit(); // a new session purges, where a write happens anyway
  assert.equal(sql(`SELECT count(*) AS n FROM users WHERE id = ${old.user.id}`)[0].n, 0);
  assert.equal(sql(`SELECT count(*) AS n FROM conversations WHERE id = ${conv}`)[0].n, 0);
  assert.equal(sql(`SELECT count(*) AS n FROM users WHERE id = ${recent.user.id}`)[0].n, 1, 'seen lately: kept');
  assert.equal((await api(stack, '/cgi-bin/history', { token: old.token })).status, 401);
  // Accounts are never purged, however old.
  sqlWrite(stack, `UPDATE users SET created_at = '2000-01-01T00:00:00Z' WHERE id = ${alice.user.id}`);
  await visit();
  assert.equal(sql(`SELECT count(*) AS n FROM users WHERE id = ${alice.user.id}`)[0].n, 1);
});

test('stats: visitors and members apart, per assistant; totals.users counts accounts only', async () => {
  const v = await visit();
  await chatStream(stack, v.token, { message: 'busco notebooks lenovo', assistant: 'tienda' });
  const r = await api(stack, '/cgi-bin/stats', { token: admin.token });
  assert.equal(r.status, 200);
  const accounts = sql('SELECT count(*) AS n FROM users WHERE guest = 0')[0].n;
  assert.equal(r.json.totals.users, accounts);
  assert.ok(sql('SELECT count(*) AS n FROM users WHERE guest = 1')[0].n > 0);
  const guestMessages = sql(`SELECT count(*) AS n FROM messages m JOIN conversations c ON c.id = m.conversation_id
    JOIN users u ON u.id = c.user_id WHERE u.guest = 1`)[0].n;
  // Purged visitors' messages were counted when written: the figure is at least what is left.
  assert.ok(r.json.visitors.messages >= guestMessages && guestMessages > 0, JSON.stringify(r.json.visitors));
  assert.ok(r.json.visitors.sessions >= sql('SELECT count(*) AS n FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.guest = 1')[0].n);
  assert.ok(r.json.members.sessions >= 2);
  const tienda = r.json.assistants.find((a) => a.slug === 'tienda');
  assert.ok(tienda.visitors.messages > 0 && tienda.conversations > 0);
  assert.equal(tienda.messages, tienda.visitors.messages + tienda.members.messages);
  assert.ok(tienda.latency_ms.p50 > 0 && tienda.latency_ms.p95 >= tienda.latency_ms.p50);
  assert.ok(tienda.intents.some((i) => i.intent === 'buscar_producto'));
  const general = r.json.assistants.find((a) => a.slug === 'general');
  assert.ok(general.members.messages > 0);
  assert.equal(general.visitors.messages, 0);
  assert.deepEqual(general.intents, [], 'a plain chat runs no NLU');
});
