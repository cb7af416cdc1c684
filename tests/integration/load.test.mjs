// Load: 100 streamed chats at once from 50 users on a pool of two backends
// (a CGI process each, on this 2-core machine). Every chat is answered,
// every message is stored exactly once, and the work is spread.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../lib/stack.mjs';
import { chatStream, tokensOf } from '../lib/client.mjs';
import { users, stats } from '../lib/pool.mjs';

const USERS = 50;
const PER_USER = 2;
const TOKENS = 20;
let stack;
let people;

before(async () => {
  stack = await startStack({ backends: 2 });
  people = await users(stack, USERS);
});
after(async () => { await stack.stop(); });

test(`${USERS * PER_USER} concurrent streamed chats from ${USERS} users: all answered, each stored once`, async (t) => {
  const jobs = [];
  for (const [u, person] of people.entries())
    for (let k = 0; k < PER_USER; k++)
      jobs.push({ person, message: `carga u${u} c${k} [[tokens=${TOKENS}]] [[delay=40]]` });
  const t0 = performance.now();
  const results = await Promise.all(jobs.map(async (j) => {
    const start = performance.now();
    const s = await chatStream(stack, j.person.token, { message: j.message, model: 'llama3.2:1b' });
    return { ...j, s, ms: performance.now() - start, first: s.events.find((e) => e.event === 'token')?.t };
  }));
  const wall = performance.now() - t0;

  const expected = Array.from({ length: TOKENS }, (_, i) => `tok${i + 1}`).join(' ');
  for (const r of results) {
    assert.equal(r.s.status, 200);
    assert.equal(r.s.events.at(-1).event, 'done', `${r.message}: ${JSON.stringify(r.s.events.at(-1))}`);
    assert.equal(tokensOf(r.s.events), expected);
  }

  const n = jobs.length;
  const userRows = stack.sql("SELECT content, count(*) AS c FROM messages WHERE role = 'user' GROUP BY content");
  assert.equal(userRows.length, n, 'every user message stored');
  assert.ok(userRows.every((r) => r.c === 1), 'and each exactly once');
  for (const j of jobs) assert.ok(userRows.some((r) => r.content === j.message), j.message);
  const replies = stack.sql("SELECT status, content, count(*) AS c FROM messages WHERE role = 'assistant' GROUP BY status, content");
  assert.deepEqual(replies, [{ status: 'done', content: expected, c: n }], 'every reply stored once, whole, done');
  const convs = stack.sql('SELECT count(*) AS n FROM conversations c WHERE (SELECT count(*) FROM messages m WHERE m.conversation_id = c.id) = 2');
  assert.equal(convs[0].n, n, 'one conversation per chat, two messages each');
  // Each message sits in a conversation of the user who sent it.
  const owner = new Map(stack.sql("SELECT m.content, c.user_id FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE m.role = 'user'")
    .map((r) => [r.content, r.user_id]));
  for (const j of jobs) assert.equal(owner.get(j.message), j.person.user.id, j.message);

  const [a, b] = stack.emulators;
  const na = stats(a).chat_requests;
  const nb = stats(b).chat_requests;
  assert.equal(na + nb, n, 'no chat retried or lost');
  assert.ok(Math.min(na, nb) >= n * 0.3, `spread ${na}/${nb}`);
  assert.equal(stack.sql('SELECT count(*) AS n FROM backend_leases')[0].n, 0, 'every lease returned');

  const ms = results.map((r) => r.ms).sort((x, y) => x - y);
  const firsts = results.map((r) => r.first).sort((x, y) => x - y);
  const pct = (arr, p) => arr[Math.min(arr.length - 1, Math.floor(arr.length * p))].toFixed(0);
  t.diagnostic(`${n} chats in ${wall.toFixed(0)} ms (${(n / (wall / 1000)).toFixed(1)} chats/s, ` +
    `${((n * TOKENS) / (wall / 1000)).toFixed(0)} tokens/s); per chat p50 ${pct(ms, 0.5)} ms, p95 ${pct(ms, 0.95)} ms; ` +
    `first token p50 ${pct(firsts, 0.5)} ms, p95 ${pct(firsts, 0.95)} ms; max in flight ${stats(a).max_in_flight}+${stats(b).max_in_flight}; ` +
    `backends ${na}/${nb}`);
  assert.ok(stats(a).max_in_flight + stats(b).max_in_flight >= 30, 'the streams really ran side by side');
});
