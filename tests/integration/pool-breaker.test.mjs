// The circuit breaker of each backend: open after repeated failures (no more
// requests go there), half-open after the cool-down (one probe at a time),
// closed again when the probe succeeds, open again when it fails.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../lib/stack.mjs';
import { api, register, chatStream, eventually, sleep } from '../lib/client.mjs';
import { confWith, emuConfig, emuReset, stats, backendRow, chatsAtOnce } from '../lib/pool.mjs';

// Long enough that a few chats fit inside it on a busy machine.
const COOLDOWN = 2500;
let stack;
let user;
let a;
let b;

before(async () => {
  stack = await startStack({
    backends: 2,
    env: { MICROCHAT_CONF: confWith({ breaker_failures: 2, breaker_cooldown_ms: COOLDOWN, models_ttl_ms: 600000 }) },
  });
  [a, b] = stack.emulators;
  user = await register(stack);
  const m = await api(stack, '/cgi-bin/models', { token: user.token }); // lists cached for the whole file
  assert.equal(m.status, 200);
});
after(async () => { await stack.stop(); });

const chat = (message) => chatStream(stack, user.token, { message, model: 'llama3.2:1b' });
const done = (s) => s.events.at(-1)?.event === 'done';

test('repeated failures open the breaker: the backend gets no more requests', async () => {
  await emuConfig(b, { fault: 'down500' });
  for (let i = 0; i < 6; i++) assert.ok(done(await chat(`abre ${i} [[tokens=2]]`)));
  assert.equal(stats(b).chat_requests, 2, 'b was tried until its second failure, then never');
  assert.equal(stats(a).completed, 6);
  const row = backendRow(stack, b.url);
  assert.equal(row.breaker, 'open');
  assert.equal(row.consecutive_failures, 2);
  assert.equal(row.failures, 2);
  assert.equal(stack.sql(`SELECT count(*) AS n FROM backend_failures WHERE url = '${b.url}' AND what = 'chat'`)[0].n, 2);
  const h = await api(stack, '/cgi-bin/health');
  const hb = h.json.backends.find((x) => x.url === b.url);
  assert.equal(hb.state, 'open');
  assert.ok(hb.recent_failures >= 2);
  assert.equal(h.json.status, 'degraded');
});

test('after the cool-down one probe goes through; if it fails the breaker opens again', async () => {
  await sleep(COOLDOWN + 100);
  await emuReset(b);
  assert.ok(done(await chat('sonda que falla [[tokens=2]]')));
  assert.equal(stats(b).chat_requests, 1, 'one probe');
  assert.equal(backendRow(stack, b.url).breaker, 'open');
  for (let i = 0; i < 2; i++) assert.ok(done(await chat(`cerrado ${i} [[tokens=2]]`)));
  assert.equal(stats(b).chat_requests, 1, 'a failed probe starts a new cool-down');
});

test('while the probe is in flight (half-open) other chats go elsewhere; its success closes the breaker', async () => {
  await emuConfig(b, { fault: null, delay_ms: 250 });
  await sleep(COOLDOWN + 100);
  await Promise.all([emuReset(a), emuReset(b)]);
  const probe = chat('sonda lenta [[tokens=16]]'); // about 4 s
  await eventually(() => assert.equal(backendRow(stack, b.url).breaker, 'half_open'), 3000, 20);
  const others = await chatsAtOnce(stack, user.token, 5, (i) => ({ message: `mientras ${i} [[tokens=2]]`, model: 'llama3.2:1b' }));
  for (const { s } of others) assert.ok(done(s));
  assert.equal(stats(b).chat_requests, 1, 'only the probe went to b');
  assert.ok(done(await probe));
  const row = backendRow(stack, b.url);
  assert.equal(row.breaker, 'closed');
  assert.equal(row.consecutive_failures, 0);
  await emuConfig(b, { delay_ms: 5 });
  await Promise.all([emuReset(a), emuReset(b)]);
  for (let i = 0; i < 4; i++) assert.ok(done(await chat(`de nuevo ${i} [[tokens=2]]`)));
  assert.equal(stats(b).chat_requests, 2, 'b shares the load again');
});

test('when every backend for the model is open, the chat still tries them (panic), the one opened first first', async () => {
  await emuConfig(a, { fault: 'down500' });
  await emuConfig(b, { fault: 'down500' });
  for (let i = 0; i < 4; i++) await chat(`todo abajo ${i}`);
  assert.equal(backendRow(stack, a.url).breaker, 'open');
  assert.equal(backendRow(stack, b.url).breaker, 'open');
  await Promise.all([emuReset(a), emuReset(b)]);
  const t0 = performance.now();
  const r = await api(stack, '/cgi-bin/chat', { token: user.token, form: { message: 'nadie', model: 'llama3.2:1b' } });
  const ms = performance.now() - t0;
  assert.equal(r.status, 502, r.text);
  assert.equal(r.json.error.code, 'llm_unavailable');
  assert.equal(r.json.message.status, 'error');
  assert.equal(stats(a).chat_requests + stats(b).chat_requests, 2, 'each backend was tried once');
  assert.ok(ms < 3000, `${ms.toFixed(0)} ms`);
  await emuConfig(a, { fault: null });
  await emuConfig(b, { fault: null });
  assert.ok(done(await chat('de vuelta [[tokens=2]]')), 'a backend that is back answers the very next chat');
});
