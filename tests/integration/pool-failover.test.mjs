// Failover: a backend that fails before its first token is skipped and the
// chat retried on the next (bounded), so every chat is answered and a dead
// backend costs milliseconds; after tokens were sent there is no retry.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../lib/stack.mjs';
import { register, chatStream, tokensOf } from '../lib/client.mjs';
import { confWith, deadUrl, emuConfig, emuReset, stats, storedReply, chatsAtOnce, backendRow } from '../lib/pool.mjs';

const stacks = [];
after(async () => { for (const s of stacks) await s.stop(); });

async function stackWith(o, conf = {}) {
  const s = await startStack({ ...o, env: { MICROCHAT_CONF: confWith(conf), ...(o.env || {}) } });
  stacks.push(s);
  return { stack: s, user: await register(s) };
}

const done = (s) => s.events.at(-1)?.event === 'done';

test('a dead backend in the pool: every chat answered, the dead one costs milliseconds', async () => {
  const dead = await deadUrl();
  // A connect timeout far above the bound below: only a refused connection passes.
  const { stack, user } = await stackWith({ backends: 1, backendUrls: [dead], env: { LLM_CONNECT_TIMEOUT_MS: '10000' } },
    { breaker_failures: 3 });
  // Ties go to the backend picked longest ago, so the dead one gets its turns
  // (every other chat) until its breaker opens.
  const times = [];
  for (let i = 0; i < 8; i++) {
    const t0 = performance.now();
    const s = await chatStream(stack, user.token, { message: `eco ${i} [[tokens=3]]` });
    times.push(performance.now() - t0);
    assert.ok(done(s), JSON.stringify(s.events.at(-1)));
    assert.equal(storedReply(stack, s.events).status, 'done');
  }
  const row = backendRow(stack, dead);
  assert.ok(row.failures >= 1, 'the dead backend was tried');
  assert.equal(row.breaker, 'open', 'and then kept away');
  assert.ok(row.failures <= 3, `tried only until its breaker opened (${row.failures})`);
  const slowest = Math.max(...times);
  assert.ok(slowest < 3000, `the slowest chat took ${slowest.toFixed(0)} ms`);
  assert.equal(stats(stack.emulators[0]).chat_requests, 8);
});

test('with one of two backends killed, every chat (also concurrent ones) is still answered', async () => {
  const { stack, user } = await stackWith({ backends: 2 });
  const [a, b] = stack.emulators;
  let runs = await chatsAtOnce(stack, user.token, 6, (i) => ({ message: `antes ${i}` }));
  for (const { s } of runs) assert.ok(done(s), JSON.stringify(s.events.at(-1)));
  assert.ok(stats(a).chat_requests > 0 && stats(b).chat_requests > 0);
  await b.close();
  runs = await chatsAtOnce(stack, user.token, 12, (i) => ({ message: `después ${i}` }));
  for (const { s, ms } of runs) {
    assert.ok(done(s), JSON.stringify(s.events.at(-1)));
    assert.ok(ms < 8000, `${ms.toFixed(0)} ms`);
    const row = storedReply(stack, s.events);
    assert.equal(row.status, 'done');
    assert.equal(row.content, tokensOf(s.events));
  }
  assert.equal(stack.sql("SELECT count(*) AS n FROM messages WHERE role = 'assistant' AND status != 'done'")[0].n, 0);
});

test('a backend answering 500 is skipped; the chat is answered by the next', async () => {
  const { stack, user } = await stackWith({ backends: 2 }, { breaker_failures: 100 });
  const [a, b] = stack.emulators;
  await emuConfig(a, { fault: 'down500' });
  for (let i = 0; i < 4; i++) {
    const s = await chatStream(stack, user.token, { message: `quinientos ${i}` });
    assert.ok(done(s));
    assert.equal(storedReply(stack, s.events).status, 'done');
  }
  assert.equal(stats(b).completed, 4);
  assert.ok(stats(a).failed >= 1);
  await emuConfig(a, { fault: null });
});

test('a hung backend costs the first-token time limit once, then its breaker keeps chats away', async () => {
  const { stack, user } = await stackWith({ backends: 2, env: { LLM_FIRST_TOKEN_TIMEOUT: '1' } },
    { breaker_failures: 1, breaker_cooldown_ms: 60000 });
  const [a, b] = stack.emulators;
  await emuConfig(a, { fault: 'hang' });
  const t0 = performance.now();
  for (let i = 0; i < 6; i++) {
    const s = await chatStream(stack, user.token, { message: `colgado ${i} [[tokens=2]]` });
    assert.ok(done(s), JSON.stringify(s.events.at(-1)));
  }
  const ms = performance.now() - t0;
  assert.equal(stats(b).completed, 6);
  // Its model list (models_timeout_ms) or one chat (the first-token limit) waited; then no more.
  assert.ok(stats(a).chat_requests <= 1, `chats sent to the hung backend: ${stats(a).chat_requests}`);
  assert.ok(ms < 6000, `six chats took ${ms.toFixed(0)} ms, not six waits`);
  assert.equal(backendRow(stack, a.url).breaker, 'open');
  assert.match(backendRow(stack, a.url).last_error, /time limit|Timeout/);
  await emuConfig(a, { fault: null });
});

test('retries are bounded by pool_max_attempts; when all fail the error is stored', async () => {
  const { stack, user } = await stackWith({ backends: 3 }, { pool_max_attempts: 2, breaker_failures: 100 });
  for (const e of stack.emulators) await emuConfig(e, { fault: 'down500' });
  const s = await chatStream(stack, user.token, { message: 'todo falla', model: 'llama3.2:1b' });
  const last = s.events.at(-1);
  assert.equal(last.event, 'error');
  assert.equal(last.data.code, 'llm_unavailable');
  const tried = stack.emulators.reduce((n, e) => n + stats(e).chat_requests, 0);
  assert.equal(tried, 2);
  const row = storedReply(stack, s.events);
  assert.equal(row.status, 'error');
  assert.equal(row.error_code, 'llm_unavailable');
  for (const e of stack.emulators) await emuConfig(e, { fault: null });
});

test('after the first token there is no retry: the stream ends with an error event and the partial reply is kept', async () => {
  const { stack, user } = await stackWith({ backends: 2 }, { breaker_failures: 100 });
  await Promise.all(stack.emulators.map(emuReset));
  const s = await chatStream(stack, user.token, { message: 'corte [[tokens=8]] [[drop=3]]' });
  const tried = stack.emulators.reduce((n, e) => n + stats(e).chat_requests, 0);
  assert.equal(tried, 1, 'one backend only');
  assert.equal(s.events.at(-1).event, 'error');
  assert.equal(tokensOf(s.events), 'tok1 tok2 tok3 ');
  const row = storedReply(stack, s.events);
  assert.equal(row.status, 'partial');
  assert.equal(row.content, 'tok1 tok2 tok3 ');
});
