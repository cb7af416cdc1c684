// Daily quotas: messages and output tokens per user, counted from the
// replies stored today (a chat, regenerate, edit or continue each count
// one; a refused one does not), 429 quota_exceeded with Retry-After and
// reset_at once used up, a reply never longer than the tokens left, an
// account's own quota over the setting, and administrators never limited.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../lib/stack.mjs';
import { api, register, chatStream } from '../lib/client.mjs';

let stack, admin, ana, beto;
before(async () => {
  stack = await startStack();
  admin = await register(stack);
  ana = await register(stack);
  beto = await register(stack);
});
after(async () => { await stack.stop(); });

const settings = (form) => api(stack, '/cgi-bin/config', { token: admin.token, form });
const chat = (who, form) => api(stack, '/cgi-bin/chat', { token: who.token, form });
const usage = async (who) => (await api(stack, '/cgi-bin/account', { token: who.token })).json.usage;
const rows = () => stack.sql('SELECT count(*) AS n FROM messages')[0].n;

function nextMidnight() {
  const d = new Date();
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1)).toISOString().replace('.000Z', 'Z');
}

test('messages per day: every kind of reply counts, the next one is 429 with when it resets', async () => {
  assert.equal((await settings({ quota_user_messages_per_day: '3' })).status, 200);
  const a = await chat(ana, { message: 'uno' });
  await chat(ana, { action: 'regenerate', message_id: a.json.message.id });
  const u = await usage(ana);
  assert.equal(u.messages_today, 2);
  assert.deepEqual(u.quota, { messages_per_day: 3, tokens_per_day: null });
  assert.equal(u.reset_at, nextMidnight());
  await chat(ana, { action: 'edit', message_id: a.json.user_message_id, message: 'uno bis' });
  const before = rows();
  for (const form of [{ message: 'cuatro' }, { action: 'regenerate', message_id: a.json.message.id }]) {
    const r = await chat(ana, form);
    assert.equal(r.status, 429, r.text);
    assert.equal(r.json.error.code, 'quota_exceeded');
    assert.equal(r.json.reset_at, nextMidnight());
    const wait = Number(r.headers.get('retry-after'));
    assert.ok(wait > 0 && wait <= 86400, `Retry-After ${wait}`);
    assert.ok(Math.abs(Date.now() / 1000 + wait - Date.parse(r.json.reset_at) / 1000) < 5);
  }
  // Streamed too: the refusal comes before the stream, as JSON.
  const s = await chatStream(stack, ana.token, { message: 'cinco' });
  assert.equal(s.status, 429);
  assert.equal(s.json.error.code, 'quota_exceeded');
  assert.equal(rows(), before, 'a refused message stores nothing');
  assert.equal((await usage(ana)).messages_today, 3, 'and does not count');
  // Others have their own count; stop is never refused.
  assert.equal((await chat(beto, { message: 'hola beto' })).status, 200);
  assert.equal((await chat(ana, { action: 'stop', message_id: a.json.message.id })).status, 200);
});

test("an account's own quota wins over the setting; administrators are never limited", async () => {
  const over = await api(stack, '/cgi-bin/config', { token: admin.token,
    form: { action: 'set_quota', user_id: ana.user.id, messages_per_day: '0' } });
  assert.equal(over.status, 200);
  assert.equal((await chat(ana, { message: 'sin límite ahora' })).status, 200);
  assert.equal((await usage(ana)).quota.messages_per_day, null);
  await api(stack, '/cgi-bin/config', { token: admin.token, form: { action: 'set_quota', user_id: ana.user.id, messages_per_day: '4' } });
  assert.equal((await chat(ana, { message: 'de nuevo limitada' })).status, 429);
  for (let i = 0; i < 5; i++) assert.equal((await chat(admin, { message: `admin ${i}` })).status, 200);
  const au = await usage(admin);
  assert.equal(au.limited, false);
  assert.deepEqual(au.quota, { messages_per_day: null, tokens_per_day: null });
  await settings({ quota_user_messages_per_day: '0' });
  await api(stack, '/cgi-bin/config', { token: admin.token, form: { action: 'set_quota', user_id: ana.user.id } });
});

test('tokens per day: a reply never goes past what is left, then 429 until tomorrow', async () => {
  const u = await register(stack);
  await settings({ quota_user_tokens_per_day: '10' });
  try {
    const first = await chat(u, { message: 'cuenta [[tokens=6]]' });
    assert.equal(first.json.message.content, 'tok1 tok2 tok3 tok4 tok5 tok6');
    const second = await chat(u, { message: 'otra vez [[tokens=20]]' });
    assert.equal(second.status, 200);
    assert.equal(second.json.message.content.trim(), 'tok1 tok2 tok3 tok4', 'cut at the 4 tokens left');
    const used = await usage(u);
    assert.equal(used.tokens_today, 10);
    const third = await chat(u, { message: 'y otra [[tokens=2]]' });
    assert.equal(third.status, 429);
    assert.match(third.json.error.message, /tokens/);
  } finally {
    await settings({ quota_user_tokens_per_day: '0' });
  }
});

test('the settings are checked like every other (0 = none, no negatives)', async () => {
  for (const v of ['-1', 'x', '1.5']) assert.equal((await settings({ quota_user_messages_per_day: v })).status, 400, v);
  const cfg = await api(stack, '/cgi-bin/config', { token: admin.token });
  for (const k of ['quota_user_messages_per_day', 'quota_user_tokens_per_day', 'quota_guest_messages_per_day', 'quota_guest_tokens_per_day']) {
    assert.ok(k in cfg.json, k);
    assert.ok(cfg.json.settings.some((s) => s.key === k), k);
  }
});
