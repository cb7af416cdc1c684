// Every way a model stream breaks (drop, malformed line, error line, HTTP
// 500, hang, the time limit), on Ollama and OpenAI-compatible backends:
// what the client gets, and that the database holds every token produced.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../lib/stack.mjs';
import { api, register, chatStream, tokensOf, eventually } from '../lib/client.mjs';
import { startEmulator } from '../emulator/ollama-emulator.mjs';
import { confWith, stats, storedReply, kinds } from '../lib/pool.mjs';

// One backend, a breaker that never opens: each fault is seen on its own.
const CONF = { breaker_failures: 1000000 };
let stack;
let user;
let emu;

before(async () => {
  stack = await startStack({
    backends: 1,
    env: { MICROCHAT_CONF: confWith(CONF), LLM_FIRST_TOKEN_TIMEOUT: '1', LLM_TIMEOUT: '3' },
  });
  emu = stack.emulators[0];
  user = await register(stack);
});
after(async () => { await stack.stop(); });

const MODEL = 'llama3.2:1b';
const stream = (message) => chatStream(stack, user.token, { message, model: MODEL });
const json = (message) => api(stack, '/cgi-bin/chat', { token: user.token, form: { message, model: MODEL } });

function brokeAfter(s, text, status, code) {
  assert.equal(tokensOf(s.events), text);
  const last = s.events.at(-1);
  assert.equal(last.event, 'error');
  assert.equal(last.data.code, code);
  assert.equal(last.data.status, status);
  const row = storedReply(stack, s.events);
  assert.equal(row.content, text, 'the database holds exactly what was streamed');
  assert.equal(row.status, status);
  assert.equal(row.error_code, code);
  assert.equal(last.data.message_id, row.id);
}

test('a dropped connection mid-answer: the tokens so far are stored, status partial', async () => {
  const s = await stream('corte [[tokens=8]] [[drop=3]]');
  brokeAfter(s, 'tok1 tok2 tok3 ', 'partial', 'llm_unavailable');
});

test('a connection dropped before any token: status error, nothing invented', async () => {
  const s = await stream('corte inmediato [[tokens=8]] [[drop=0]]');
  assert.deepEqual(kinds(s.events), ['meta', 'error']);
  brokeAfter(s, '', 'error', 'llm_unavailable');
});

test('a malformed line mid-answer ends the stream as partial', async () => {
  const s = await stream('mal formado [[tokens=6]] [[malformed=2]]');
  brokeAfter(s, 'tok1 tok2 ', 'partial', 'llm_unavailable');
  assert.match(s.events.at(-1).data.message, /malformed/);
});

test('an error line mid-answer ends the stream as partial, with the model\'s message', async () => {
  const s = await stream('error en línea [[tokens=6]] [[errorline=4]]');
  brokeAfter(s, 'tok1 tok2 tok3 tok4 ', 'partial', 'llm_unavailable');
  assert.match(s.events.at(-1).data.message, /something went wrong/);
});

test('an error line before any token is an error', async () => {
  const s = await stream('error al inicio [[errorline=0]]');
  brokeAfter(s, '', 'error', 'llm_unavailable');
});

test('HTTP 500: 502 llm_unavailable without streaming, the error stored', async () => {
  const r = await json('quinientos [[status=500]]');
  assert.equal(r.status, 502, r.text);
  assert.equal(r.json.error.code, 'llm_unavailable');
  assert.match(r.json.error.message, /500/);
  assert.equal(r.json.message.status, 'error');
  const row = stack.sql(`SELECT status, error_code, content FROM messages WHERE id = ${r.json.message.id}`)[0];
  assert.deepEqual(row, { status: 'error', error_code: 'llm_unavailable', content: '' });
});

test('a hung model: 504 llm_timeout after the first-token limit, and the connection is closed', async () => {
  const cancelled = stats(emu).cancelled;
  const t0 = performance.now();
  const r = await json('colgado [[hang]]');
  const ms = performance.now() - t0;
  assert.equal(r.status, 504, r.text);
  assert.equal(r.json.error.code, 'llm_timeout');
  assert.equal(r.json.message.status, 'error');
  assert.ok(ms >= 900 && ms < 5000, `${ms.toFixed(0)} ms with LLM_FIRST_TOKEN_TIMEOUT=1`);
  assert.equal(stack.sql(`SELECT error_code FROM messages WHERE id = ${r.json.message.id}`)[0].error_code, 'llm_timeout');
  await eventually(() => assert.equal(stats(emu).cancelled, cancelled + 1, 'the emulator saw the request go away'), 2000);
});

test('a reply that outlasts LLM_TIMEOUT is cut there and kept as partial (llm_timeout)', async () => {
  const s = await stream('lento [[tokens=40]] [[delay=200]]');
  const text = tokensOf(s.events);
  assert.ok(text.length > 0 && !text.includes('tok40'), text);
  brokeAfter(s, text, 'partial', 'llm_timeout');
  assert.ok(s.events.at(-1).t < 7000, `ended at ${s.events.at(-1).t.toFixed(0)} ms with LLM_TIMEOUT=3`);
});

test('lines cut at any byte (inside UTF-8 characters) arrive and are stored whole', async () => {
  const s = await stream('acentos [[split]]');
  assert.equal(s.events.at(-1).event, 'done');
  const text = tokensOf(s.events);
  assert.match(text, /canción, ñandú, pingüino, corazón 🚀/);
  assert.equal(storedReply(stack, s.events).content, text);
});

test('an OpenAI-compatible backend breaks the same ways, and the same is stored', async () => {
  const oa = await startEmulator({ name: 'openai', models: ['gpt-local'] });
  const s2 = await startStack({ backends: 0, backendUrls: [`openai:${oa.url}/v1`], env: { MICROCHAT_CONF: confWith(CONF) } });
  try {
    const u = await register(s2);
    const go = (message) => chatStream(s2, u.token, { message, model: 'gpt-local' });
    const cases = [
      ['drop [[tokens=6]] [[drop=2]]', 'tok1 tok2 ', 'partial'],
      ['errorline [[tokens=6]] [[errorline=3]]', 'tok1 tok2 tok3 ', 'partial'],
      ['malformed [[tokens=6]] [[malformed=1]]', 'tok1 ', 'partial'],
      ['status [[status=503]]', '', 'error'],
    ];
    for (const [message, text, status] of cases) {
      const s = await go(message);
      assert.equal(tokensOf(s.events), text, message);
      assert.equal(s.events.at(-1).event, 'error', message);
      const id = s.events.find((e) => e.event === 'meta').data.message_id;
      const row = s2.sql(`SELECT content, status FROM messages WHERE id = ${id}`)[0];
      assert.deepEqual(row, { content: text, status }, message);
    }
    const ok = await go('bien [[tokens=3]]');
    assert.equal(ok.events.at(-1).event, 'done');
    assert.equal(tokensOf(ok.events), 'tok1 tok2 tok3');
  } finally {
    await s2.stop();
    await oa.close();
  }
});
