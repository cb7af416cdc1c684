// Visitors and what issue 13 added: their own daily quota (the guest
// settings, not the users'), the actions on their own replies (regenerate,
// rate, export) but no account page, no import and no public share link;
// and ratings counted per assistant on the dashboard.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../lib/stack.mjs';
import { api, register } from '../lib/client.mjs';

let stack, admin, alice;
before(async () => {
  stack = await startStack({ seed: true, env: { GUEST_MESSAGES_PER_HOUR: '100', GUEST_MESSAGES_PER_HOUR_PER_ADDRESS: '1000',
    GUEST_SESSIONS_PER_HOUR_PER_ADDRESS: '1000' } });
  admin = await register(stack);
  alice = await register(stack);
});
after(async () => { await stack?.stop(); });

const visit = async () => {
  const r = await api(stack, '/cgi-bin/guest', { form: { assistant: 'tienda' } });
  assert.equal(r.status, 201, r.text);
  return r.json;
};
const settings = (form) => api(stack, '/cgi-bin/config', { token: admin.token, form });
const chat = (token, form) => api(stack, '/cgi-bin/chat', { token, form });

test("a visitor's daily quota is the guest setting; members keep theirs", async () => {
  assert.equal((await settings({ quota_guest_messages_per_day: '2' })).status, 200);
  try {
    const v = await visit();
    const first = await chat(v.token, { message: 'hola, busco un notebook', assistant: 'tienda' });
    assert.equal(first.status, 200, first.text);
    const again = await chat(v.token, { action: 'regenerate', message_id: first.json.message.id });
    assert.equal(again.status, 200, again.text);
    const over = await chat(v.token, { message: 'y otro más', conversation_id: first.json.conversation_id });
    assert.equal(over.status, 429);
    assert.equal(over.json.error.code, 'quota_exceeded');
    assert.ok(Number(over.headers.get('retry-after')) > 0);
    // Another visitor has a day of their own; members are not visitors.
    const other = await visit();
    assert.equal((await chat(other.token, { message: 'hola, tienen audífonos', assistant: 'tienda' })).status, 200);
    for (let i = 0; i < 3; i++) assert.equal((await chat(alice.token, { message: `miembro ${i}` })).status, 200);
  } finally {
    await settings({ quota_guest_messages_per_day: '0' });
  }
  assert.equal((await settings({ quota_guest_tokens_per_day: '3' })).status, 200);
  try {
    const v = await visit();
    const cut = await chat(v.token, { message: 'cuéntame de notebooks [[tokens=10]]', assistant: 'tienda' });
    assert.equal(cut.status, 200, cut.text);
    assert.equal(cut.json.message.content.trim(), 'tok1 tok2 tok3', 'a reply no longer than the tokens left');
    assert.equal((await chat(v.token, { message: 'más [[tokens=1]]', conversation_id: cut.json.conversation_id })).status, 429);
  } finally {
    await settings({ quota_guest_tokens_per_day: '0' });
  }
});

test('a visitor rates, regenerates and exports their own replies, but has no account page, import or share', async () => {
  const v = await visit();
  const c = await chat(v.token, { message: 'quiero un celular samsung', assistant: 'tienda' });
  assert.equal(c.status, 200, c.text);
  const rate = await api(stack, '/cgi-bin/feedback', { token: v.token, form: { message_id: c.json.message.id, rating: 'down', comment: 'caro' } });
  assert.equal(rate.status, 200, rate.text);
  const md = await api(stack, `/cgi-bin/export?id=${c.json.conversation_id}&format=md`, { token: v.token });
  assert.equal(md.status, 200);
  const refused = [
    ['/cgi-bin/account', {}],
    ['/cgi-bin/account', { form: { action: 'delete', password: 'x' } }],
    ['/cgi-bin/import', { json: { format: 'microchat', version: 1, conversations: [] } }],
    ['/cgi-bin/history', { form: { action: 'share', id: c.json.conversation_id } }],
  ];
  for (const [path, o] of refused) {
    const r = await api(stack, path, { token: v.token, ...o });
    assert.equal(r.status, 403, `${path} ${r.text}`);
    assert.equal(r.json.error.code, 'forbidden');
  }
  assert.equal(stack.sql(`SELECT count(*) AS n FROM shares WHERE conversation_id=${c.json.conversation_id}`)[0].n, 0);
  // Nor may a visitor touch a member's reply.
  const m = await chat(alice.token, { message: 'de alice' });
  for (const form of [{ action: 'regenerate', message_id: m.json.message.id }]) assert.equal((await chat(v.token, form)).status, 404);
  assert.equal((await api(stack, '/cgi-bin/feedback', { token: v.token, form: { message_id: m.json.message.id, rating: 'up' } })).status, 404);

  // The dashboard counts the rating under the assistant.
  const s = await api(stack, '/cgi-bin/stats?days=1', { token: admin.token });
  const tienda = s.json.feedback.by_assistant.find((a) => a.assistant === 'tienda');
  assert.ok(tienda && tienda.down >= 1, JSON.stringify(s.json.feedback.by_assistant));
  const latest = s.json.feedback.latest_down.find((d) => d.message_id === c.json.message.id);
  assert.equal(latest.assistant, 'tienda');
  assert.equal(latest.comment, 'caro');
});
