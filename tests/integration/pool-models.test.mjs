// The pool's model list: merged from every backend (Ollama and
// OpenAI-compatible), served from the cache, never waiting on a dead or
// hung backend; and health, which probes every backend (at most once per
// health_probe_ms, set short here).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../lib/stack.mjs';
import { api, register, chatStream, sleep } from '../lib/client.mjs';
import { startEmulator } from '../emulator/ollama-emulator.mjs';
import { confWith, emuConfig, stats, backendRow } from '../lib/pool.mjs';

let stack;
let openai;
let user;
let a;
let b;
const TTL = 1200;
const oaUrl = () => `openai:${openai.url}/v1`;

before(async () => {
  openai = await startEmulator({ name: 'openai', models: ['gpt-local', 'shared:7b'] });
  stack = await startStack({
    backends: 2,
    backendUrls: [`openai:${openai.url}/v1`],
    env: { MICROCHAT_CONF: confWith({ models_ttl_ms: TTL, models_timeout_ms: 500, breaker_failures: 1, breaker_cooldown_ms: 60000,
      health_probe_ms: 300 }) },
  });
  [a, b] = stack.emulators;
  await emuConfig(a, { models: ['alpha:1b', 'shared:7b'] });
  await emuConfig(b, { models: ['beta:3b', 'shared:7b', 'only-b:1b'] });
  user = await register(stack);
});
after(async () => {
  await stack.stop();
  await openai.close();
});

test('models merges every backend: one entry per name, with the backends that have it', async () => {
  const r = await api(stack, '/cgi-bin/models', { token: user.token });
  assert.equal(r.status, 200, r.text);
  const names = r.json.models.map((m) => m.name);
  assert.deepEqual([...names].sort(), ['alpha:1b', 'beta:3b', 'gpt-local', 'only-b:1b', 'shared:7b']);
  assert.equal(new Set(names).size, names.length, 'no name twice');
  const shared = r.json.models.find((m) => m.name === 'shared:7b');
  assert.deepEqual(shared.backends, [a.url, b.url, oaUrl()]);
  assert.equal(shared.available, true);
  assert.deepEqual(r.json.models.find((m) => m.name === 'gpt-local').backends, [oaUrl()]);
  const alpha = r.json.models.find((m) => m.name === 'alpha:1b');
  assert.equal(alpha.family, 'alpha');
  assert.equal(typeof alpha.size, 'number');
  assert.equal(r.json.default, 'alpha:1b', 'the first model of the first backend');
  assert.ok(openai.state.stats.paths['/v1/models'] >= 1, 'the OpenAI-compatible list was asked for');
});

test('within the TTL the list comes from the cache: no backend is asked again', async () => {
  await sleep(TTL + 50); // past the TTL: the next call fetches, the ones right after do not
  const t0 = performance.now();
  await api(stack, '/cgi-bin/models', { token: user.token });
  const before = stats(a).paths['/api/tags'];
  for (let i = 0; i < 2; i++) {
    const r = await api(stack, '/cgi-bin/models', { token: user.token });
    assert.equal(r.status, 200);
  }
  assert.ok(performance.now() - t0 < TTL, 'the calls fit in the TTL');
  assert.equal(stats(a).paths['/api/tags'], before);
  await sleep(TTL + 50);
  await api(stack, '/cgi-bin/models', { token: user.token });
  assert.equal(stats(a).paths['/api/tags'], before + 1, 'a stale list is fetched again');
});

test('a hung backend costs one short wait, then none: its breaker opens and its cached models stay listed', async () => {
  await emuConfig(b, { fault: 'hang' });
  await sleep(TTL + 50);
  let t0 = performance.now();
  let r = await api(stack, '/cgi-bin/models', { token: user.token });
  const first = performance.now() - t0;
  assert.equal(r.status, 200);
  assert.ok(first >= 450 && first < 3000, `the first call waits models_timeout_ms once (${first.toFixed(0)} ms)`);
  assert.equal(backendRow(stack, b.url).breaker, 'open');
  const asked = stats(b).paths['/api/tags'];
  for (let i = 0; i < 2; i++) {
    await sleep(TTL + 50); // past the TTL each time
    t0 = performance.now();
    r = await api(stack, '/cgi-bin/models', { token: user.token });
    const ms = performance.now() - t0;
    assert.equal(r.status, 200);
    assert.ok(ms < 2000, `${ms.toFixed(0)} ms`);
  }
  assert.equal(stats(b).paths['/api/tags'], asked, 'later calls do not even ask the hung backend');
  const onlyB = r.json.models.find((m) => m.name === 'only-b:1b');
  assert.ok(onlyB, 'the hung backend\'s models are still listed from the cache');
  assert.equal(onlyB.available, false, 'but marked unavailable while its breaker is open');
  assert.equal(r.json.models.find((m) => m.name === 'shared:7b').available, true);
  await emuConfig(b, { fault: null });
});

test('health probes every backend and reports its state; one down makes the whole degraded', async () => {
  let r = await api(stack, '/cgi-bin/health');
  assert.equal(r.status, 200);
  assert.equal(r.json.db, 'ok');
  assert.equal(r.json.backends.length, 3);
  const byUrl = Object.fromEntries(r.json.backends.map((x) => [x.url, x]));
  assert.equal(byUrl[a.url].ok, true);
  assert.equal(byUrl[a.url].state, 'closed');
  assert.equal(typeof byUrl[a.url].latency_ms, 'number');
  assert.equal(byUrl[oaUrl()].kind, 'openai');
  assert.equal(byUrl[oaUrl()].ok, true);
  assert.equal(byUrl[b.url].state, 'open', 'b\'s breaker opened in the test before');
  assert.equal(r.json.status, 'degraded');
  await a.close();
  await sleep(350); // past health_probe_ms: the next call probes again
  r = await api(stack, '/cgi-bin/health');
  const dead = r.json.backends.find((x) => x.url === a.url);
  assert.equal(dead.ok, false);
  assert.ok(dead.error);
  assert.equal(r.json.status, 'degraded');
  assert.doesNotMatch(r.text, /microchat\.db|\/tmp\//, 'no paths');
});

test('a backend URL with user:password is never shown', async () => {
  const s = await startStack({ backends: 1, backendUrls: ['http://admin:s3cret@127.0.0.1:9'] });
  try {
    const r = await api(s, '/cgi-bin/health');
    assert.doesNotMatch(r.text, /s3cret|admin:/);
    assert.ok(r.json.backends.some((x) => x.url === 'http://127.0.0.1:9'));
    assert.equal(s.sql("SELECT count(*) AS n FROM backends WHERE url LIKE '%s3cret%'")[0].n, 0);
  } finally {
    await s.stop();
  }
});

test('no backend configured at all: models, a JSON chat and a streamed one say 503 llm_unavailable; the reply is kept as error', async () => {
  const none = await startStack({ backends: 0, env: { OLLAMA_URL: ' ' } });
  try {
    const u = await register(none);
    const models = await api(none, '/cgi-bin/models', { token: u.token });
    assert.equal(models.status, 503, models.text);
    assert.equal(models.json.error.code, 'llm_unavailable');
    const r = await api(none, '/cgi-bin/chat', { token: u.token, form: { message: 'hola', model: 'llama3.2:1b' } });
    assert.equal(r.status, 503, r.text);
    assert.equal(r.json.error.code, 'llm_unavailable');
    assert.match(r.json.error.message, /no model backend is configured/);
    assert.equal(r.json.message.status, 'error');
    assert.equal(none.sql(`SELECT status FROM messages WHERE id = ${r.json.message.id}`)[0].status, 'error');
    const s = await chatStream(none, u.token, { message: 'hola otra vez', model: 'llama3.2:1b' });
    assert.equal(s.status, 200);
    assert.equal(s.events.at(-1).event, 'error');
    assert.equal(s.events.at(-1).data.code, 'llm_unavailable');
    assert.equal(s.events.at(-1).data.status, 'error');
  } finally {
    await none.stop();
  }
});
