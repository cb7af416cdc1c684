// The circuit breaker tells a sick backend from a bad request, and never
// closes a model for everyone: what one user's prompt can provoke (an
// error line, a malformed line, a cut stream, an unknown model, a reply
// that outlives the time limit) does not count toward opening it; when
// every backend serving the model is open, the one opened first is still
// tried (panic mode), so a backend that comes back is used at once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../lib/stack.mjs';
import { api, register, chatStream, sleep } from '../lib/client.mjs';
import { confWith, emuConfig, emuReset, stats, backendRow } from '../lib/pool.mjs';

let stack;
let emu;
let a;
let b;

before(async () => {
  stack = await startStack({
    backends: 1,
    env: {
      LLM_TIMEOUT: '3', LLM_FIRST_TOKEN_TIMEOUT: '1',
      MICROCHAT_CONF: confWith({ breaker_failures: 3, breaker_cooldown_ms: 600000, models_ttl_ms: 600000 }),
    },
  });
  emu = stack.emulators[0];
  [a, b] = [await register(stack), await register(stack)];
  assert.equal((await api(stack, '/cgi-bin/models', { token: a.token })).status, 200);
});
after(async () => { await stack.stop(); });

const chat = (user, message, model = 'llama3.2:1b') => chatStream(stack, user.token, { message, model });
const last = (s) => s.events.at(-1);

test('failures one user can provoke leave the breaker closed: the next user is served', async () => {
  const provoked = ['[[errorline=0]]', '[[malformed=0]]', '[[drop=0]]', '[[errorline=3]]', '[[malformed=2]]',
    '[[drop=2]]', '[[errorline=0]]', '[[drop=0]]'];
  for (const d of provoked) {
    const s = await chat(a, `rompe ${d}`);
    assert.ok(['error', 'done'].includes(last(s).event), JSON.stringify(last(s)));
  }
  // An unknown model, and a reply that outlives the whole-reply limit (3 s) after its first token.
  assert.equal(last(await chat(a, 'modelo que no hay', 'nadie:1b')).event, 'error');
  const slow = await chat(a, 'larga [[tokens=100]] [[delay=100]]');
  assert.equal(last(slow).data.code, 'llm_timeout');
  const row = backendRow(stack, emu.url);
  assert.equal(row.breaker, 'closed');
  assert.equal(row.consecutive_failures, 0);
  const s = await chat(b, 'el otro usuario [[tokens=3]]');
  assert.equal(last(s).event, 'done', JSON.stringify(last(s)));
});

test('a 5xx before any token counts; with the only backend open, the next chat still tries it', async () => {
  for (let i = 0; i < 3; i++) await chat(a, `quinientos ${i} [[status=500]]`);
  assert.equal(backendRow(stack, emu.url).breaker, 'open');
  await emuReset(emu);
  const t0 = performance.now();
  const s = await chat(b, 'sigo aquí [[tokens=3]]');
  assert.equal(last(s).event, 'done', JSON.stringify(last(s)));
  assert.equal(stats(emu).completed, 1, 'the backend was asked although its breaker was open');
  assert.ok(performance.now() - t0 < 3000);
  assert.equal(backendRow(stack, emu.url).breaker, 'closed', 'and its success closed the breaker');
});

test('a hung backend is waited for (the first-token limit), not refused in no time, and used again when back', async () => {
  await emuConfig(emu, { fault: 'hang' });
  for (let i = 0; i < 3; i++) await chat(a, `colgado ${i}`);
  assert.equal(backendRow(stack, emu.url).breaker, 'open');
  const t0 = performance.now();
  const r = await api(stack, '/cgi-bin/chat', { token: b.token, form: { message: 'espero', model: 'llama3.2:1b' } });
  const ms = performance.now() - t0;
  assert.equal(r.status, 504, r.text);
  assert.equal(r.json.error.code, 'llm_timeout');
  assert.ok(ms >= 900, `waited ${ms.toFixed(0)} ms for the first token`);
  await emuConfig(emu, { fault: null });
  const s = await chat(b, 'de vuelta [[tokens=2]]');
  assert.equal(last(s).event, 'done', JSON.stringify(last(s)));
});

test('the models stay listed while every breaker is open', async () => {
  for (let i = 0; i < 3; i++) await chat(a, `quinientos otra vez ${i} [[status=503]]`);
  assert.equal(backendRow(stack, emu.url).breaker, 'open');
  const m = await api(stack, '/cgi-bin/models', { token: a.token });
  assert.equal(m.status, 200, m.text);
  assert.ok(m.json.models.every((x) => x.available));
  await sleep(10);
});

test('two backends open: the one whose breaker opened first is tried first', async () => {
  const two = await startStack({
    backends: 2,
    env: { MICROCHAT_CONF: confWith({ breaker_failures: 1, breaker_cooldown_ms: 600000, models_ttl_ms: 600000, pool_max_attempts: 1 }) },
  });
  try {
    const [x, y] = two.emulators;
    const u = await register(two);
    const send = (message) => chatStream(two, u.token, { message, model: 'llama3.2:1b' });
    await emuConfig(x, { fault: 'down500' });
    await emuConfig(y, { fault: 'down500' });
    // One chat each opens both breakers; x's first (round-robin from x).
    await send('uno');
    await sleep(20);
    await send('dos');
    const ox = backendRow(two, x.url);
    const oy = backendRow(two, y.url);
    assert.equal(ox.breaker, 'open');
    assert.equal(oy.breaker, 'open');
    const [first, second] = ox.opened_at_ms < oy.opened_at_ms ? [x, y] : [y, x];
    await emuConfig(first, { fault: null });
    await Promise.all([emuReset(x), emuReset(y)]);
    const s = await send('¿quién contesta? [[tokens=2]]');
    assert.equal(last(s).event, 'done', JSON.stringify(last(s)));
    assert.equal(stats(first).completed, 1);
    assert.equal(stats(second).chat_requests, 0);
  } finally {
    await two.stop();
  }
});
