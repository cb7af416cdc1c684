// Feedback on replies: thumbs up or down with an optional comment, changed
// and taken back; shown on history; counted by stats by model and intent
// with the latest "down" replies and their question; and refused for a
// question (400), another user's reply (404) and bad input (400).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../lib/stack.mjs';
import { api, register } from '../lib/client.mjs';

let stack, admin, ana, beto;
before(async () => {
  stack = await startStack({ seed: true });
  admin = await register(stack);
  ana = await register(stack);
  beto = await register(stack);
});
after(async () => { await stack.stop(); });

const rate = (who, form) => api(stack, '/cgi-bin/feedback', { token: who.token, form });
const chat = (who, form) => api(stack, '/cgi-bin/chat', { token: who.token, form });

test('rate a reply, change it, see it on history, take it back', async () => {
  const c = await chat(ana, { message: 'una pregunta para calificar' });
  const id = c.json.message.id;
  const up = await rate(ana, { message_id: id, rating: 'up' });
  assert.equal(up.status, 200, up.text);
  assert.deepEqual(up.json.feedback, { rating: 'up', comment: '' });
  const down = await rate(ana, { message_id: id, rating: 'down', comment: 'no respondió lo que pedí' });
  assert.deepEqual(down.json.feedback, { rating: 'down', comment: 'no respondió lo que pedí' });
  let h = await api(stack, `/cgi-bin/history?id=${c.json.conversation_id}`, { token: ana.token });
  assert.deepEqual(h.json.messages[1].feedback, { rating: 'down', comment: 'no respondió lo que pedí' });
  assert.ok(!('feedback' in h.json.messages[0]));
  assert.equal(stack.sql(`SELECT count(*) AS n FROM feedback WHERE message_id=${id}`)[0].n, 1, 'one per reply');
  const none = await rate(ana, { message_id: id, rating: 'none' });
  assert.equal(none.status, 200);
  assert.equal(none.json.feedback, null);
  h = await api(stack, `/cgi-bin/history?id=${c.json.conversation_id}`, { token: ana.token });
  assert.ok(!('feedback' in h.json.messages[1]));
  assert.equal((await rate(ana, { message_id: id, rating: 'none' })).status, 200, 'taking back twice is fine');
});

test('refusals: a question 400, bad rating or comment 400, another user 404, no session 401', async () => {
  const c = await chat(ana, { message: 'otra' });
  const reply = c.json.message.id;
  for (const [form, status] of [
    [{ message_id: c.json.user_message_id, rating: 'up' }, 400],
    [{ message_id: reply, rating: 'meh' }, 400],
    [{ message_id: reply }, 400],
    [{ rating: 'up' }, 400],
    [{ message_id: reply, rating: 'down', comment: 'x'.repeat(2001) }, 400],
    [{ message_id: 987654321, rating: 'up' }, 404],
  ]) {
    const r = await rate(ana, form);
    assert.equal(r.status, status, JSON.stringify(form).slice(0, 80));
    assert.ok(r.json.error.code);
  }
  for (const rating of ['up', 'none']) {
    const r = await rate(beto, { message_id: reply, rating });
    assert.equal(r.status, 404, rating);
  }
  assert.equal((await api(stack, '/cgi-bin/feedback', { form: { message_id: reply, rating: 'up' } })).status, 401);
  assert.equal((await api(stack, '/cgi-bin/feedback', { token: ana.token })).status, 405);
  assert.equal(stack.sql(`SELECT count(*) AS n FROM feedback WHERE message_id=${reply}`)[0].n, 0);
});

test('stats count ratings by model and intent, and list the latest down ones with their question', async () => {
  const a = await chat(ana, { message: 'busco un notebook barato', model: 'qwen2.5:0.5b' });
  const b = await chat(beto, { message: 'hola, qué tal' });
  const c = await chat(beto, { message: 'explícame la fotosíntesis' });
  await rate(ana, { message_id: a.json.message.id, rating: 'down', comment: 'precios viejos' });
  await rate(beto, { message_id: b.json.message.id, rating: 'up' });
  await rate(beto, { message_id: c.json.message.id, rating: 'down' });
  const s = await api(stack, '/cgi-bin/stats?days=1', { token: admin.token });
  assert.equal(s.status, 200);
  const f = s.json.feedback;
  const expected = stack.sql("SELECT sum(rating='up') AS up, sum(rating='down') AS down FROM feedback")[0];
  assert.equal(f.up, expected.up);
  assert.equal(f.down, expected.down);
  const qwen = f.by_model.find((m) => m.model === 'qwen2.5:0.5b');
  assert.deepEqual([qwen.up, qwen.down], [0, 1]);
  const intents = Object.fromEntries(f.by_intent.map((i) => [i.intent, i]));
  assert.equal(intents[a.json.intent.name].down >= 1, true, JSON.stringify(f.by_intent));
  assert.equal(f.by_intent.reduce((n, i) => n + i.up + i.down, 0), f.up + f.down);
  assert.ok(Array.isArray(f.by_assistant));
  const latest = f.latest_down[0];
  assert.equal(latest.message_id, c.json.message.id);
  assert.equal(latest.question, 'explícame la fotosíntesis');
  assert.equal(latest.user, beto.username);
  const withComment = f.latest_down.find((d) => d.message_id === a.json.message.id);
  assert.equal(withComment.comment, 'precios viejos');
  assert.match(withComment.reply, /notebook/);
  assert.equal((await api(stack, '/cgi-bin/stats', { token: ana.token })).status, 403);
});
