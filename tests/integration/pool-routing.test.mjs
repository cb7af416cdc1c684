// Routing in the pool: load spread over the backends (fewest in flight,
// ties round-robin), only backends that serve the requested model, and
// OpenAI-compatible members streamed through the same events.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../lib/stack.mjs';
import { api, register, chatStream, tokensOf } from '../lib/client.mjs';
import { startEmulator } from '../emulator/ollama-emulator.mjs';
import { confWith, emuConfig, emuReset, stats, storedReply, chatsAtOnce, kinds } from '../lib/pool.mjs';

let stack;
let user;
let a;
let b;
let oa;

before(async () => {
  oa = await startEmulator({ name: 'openai', models: ['gpt-local'], apiKey: 'k-123' });
  stack = await startStack({
    backends: 2,
    backendUrls: [`openai:${oa.url}/v1`],
    env: { MICROCHAT_CONF: confWith({ openai_api_keys: `openai:${oa.url}/v1 k-123` }) },
  });
  [a, b] = stack.emulators;
  await emuConfig(a, { models: ['llama3.2:1b', 'only-a:1b'] });
  await emuConfig(b, { models: ['llama3.2:1b', 'only-b:1b'] });
  user = await register(stack);
});
after(async () => {
  await stack.stop();
  await oa.close();
});

const resetAll = () => Promise.all([emuReset(a), emuReset(b), emuReset(oa)]);

test('one chat after another alternates between the backends that serve the model', async () => {
  await resetAll();
  for (let i = 0; i < 6; i++) {
    const s = await chatStream(stack, user.token, { message: `turno ${i}`, model: 'llama3.2:1b' });
    assert.equal(s.events.at(-1).event, 'done');
  }
  assert.equal(stats(a).chat_requests, 3);
  assert.equal(stats(b).chat_requests, 3);
  assert.equal(stats(oa).chat_requests, 0, 'the OpenAI backend does not serve that model');
});

test('concurrent chats go to the backend with the fewest in flight', async () => {
  await resetAll();
  const runs = await chatsAtOnce(stack, user.token, 16, (i) => ({
    message: `en paralelo ${i} [[delay=40]] [[tokens=10]]`, model: 'llama3.2:1b',
  }));
  for (const { s } of runs) assert.equal(s.events.at(-1).event, 'done');
  const na = stats(a).chat_requests;
  const nb = stats(b).chat_requests;
  assert.equal(na + nb, 16);
  assert.ok(Math.abs(na - nb) <= 4, `spread ${na}/${nb}`);
  assert.ok(stats(a).max_in_flight >= 2 && stats(b).max_in_flight >= 2, 'both worked at once');
});

test('a model only one backend has is only sent there', async () => {
  await resetAll();
  for (let i = 0; i < 4; i++) {
    const s = await chatStream(stack, user.token, { message: `solo b ${i}`, model: 'only-b:1b' });
    assert.equal(s.events.at(-1).event, 'done');
    assert.match(tokensOf(s.events), /modelo only-b:1b/);
  }
  assert.equal(stats(a).chat_requests, 0);
  assert.equal(stats(b).chat_requests, 4);
});

test('a backend that no longer has a model its cached list names is skipped, then forgotten for that model', async () => {
  await resetAll();
  await emuConfig(a, { models: ['only-a:1b'] }); // the cached list (30 s) still says llama3.2:1b
  for (let i = 0; i < 4; i++) {
    const s = await chatStream(stack, user.token, { message: `ya no ${i}`, model: 'llama3.2:1b' });
    assert.equal(s.events.at(-1).event, 'done', JSON.stringify(s.events.at(-1)));
  }
  assert.equal(stats(a).chat_requests, 1, 'a was tried once (its turn came), answered 404');
  assert.equal(stats(b).completed, 4);
  assert.equal(stack.sql(`SELECT count(*) AS n FROM backend_models WHERE url = '${a.url}' AND name = 'llama3.2:1b'`)[0].n, 0);
  assert.equal(stack.sql(`SELECT breaker FROM backends WHERE url = '${a.url}'`)[0].breaker, 'closed', 'a missing model is not the backend failing');
  await emuConfig(a, { models: ['llama3.2:1b', 'only-a:1b'] });
});

test('a model no backend serves is refused without calling any', async () => {
  await resetAll();
  const r = await api(stack, '/cgi-bin/chat', { token: user.token, form: { message: 'eco', model: 'nadie:70b' } });
  assert.equal(r.status, 400, r.text);
  assert.equal(r.json.error.code, 'invalid_input');
  assert.equal(stats(a).chat_requests + stats(b).chat_requests + stats(oa).chat_requests, 0);
  const s = await chatStream(stack, user.token, { message: 'eco', model: 'nadie:70b' });
  assert.deepEqual(kinds(s.events), ['meta', 'error']);
  assert.equal(storedReply(stack, s.events).status, 'error');
});

test('an OpenAI-compatible backend streams through the same events, with its own API key', async () => {
  await resetAll();
  const s = await chatStream(stack, user.token, { message: 'eco openai [[tokens=7]]', model: 'gpt-local' });
  assert.deepEqual([...new Set(kinds(s.events))], ['meta', 'token', 'done']);
  const text = tokensOf(s.events);
  assert.equal(text, 'tok1 tok2 tok3 tok4 tok5 tok6 tok7');
  const row = storedReply(stack, s.events);
  assert.equal(row.content, text);
  assert.equal(row.status, 'done');
  const log = oa.state.requests.at(-1);
  assert.equal(log.path, '/v1/chat/completions');
  assert.equal(log.authorization, true);
  assert.equal(log.body.stream, true);
  assert.equal(stats(oa).failed, 0, 'the key was accepted');
  assert.equal(s.events.at(-1).data.eval_count, 7, 'usage is read from the stream');
});

test('the pool\'s state is shared: requests and picks are counted per backend in the database', async () => {
  const rows = stack.sql('SELECT url, requests, breaker FROM backends ORDER BY url');
  assert.equal(rows.length, 3);
  for (const r of rows) assert.equal(r.breaker, 'closed');
  assert.ok(rows.find((r) => r.url === a.url).requests >= 5);
  assert.equal(stack.sql('SELECT count(*) AS n FROM backend_leases')[0].n, 0, 'every lease returned');
});
