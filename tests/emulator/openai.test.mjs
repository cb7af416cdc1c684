// The OpenAI-compatible side: /v1/models, /v1/chat/completions, API key.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulator, postJson, chatBody, getJson, sseData, rawPieces, stats, EXPECTED_DEFAULT } from './helpers.mjs';

let emu;
let keyed;
before(async () => {
  emu = await startEmulator();
  keyed = await startEmulator({ apiKey: 's3cret', name: 'keyed' });
});
after(async () => {
  await emu.close();
  await keyed.close();
});

const v1chat = (base, body, headers) => postJson(base, '/v1/chat/completions', body, headers);

test('GET /v1/models', async () => {
  const { status, body } = await getJson(emu.url, '/v1/models');
  assert.equal(status, 200);
  assert.equal(body.object, 'list');
  assert.deepEqual(body.data.map((m) => m.id), ['llama3.2:1b', 'qwen2.5:0.5b']);
  for (const m of body.data) {
    assert.equal(m.object, 'model');
    assert.ok(Number.isInteger(m.created));
    assert.equal(typeof m.owned_by, 'string');
  }
});

test('streamed completion: SSE chunks, usage, [DONE]', async () => {
  const res = await v1chat(emu.url, chatBody('hola mundo', { stream: true }));
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'text/event-stream');
  const data = sseData(await res.text());
  assert.equal(data.at(-1), '[DONE]');
  const objs = data.slice(0, -1).map((d) => JSON.parse(d));
  const chunks = objs.slice(0, -1);
  const last = objs.at(-1);
  const ids = new Set(objs.map((o) => o.id));
  assert.equal(ids.size, 1);
  assert.match([...ids][0], /^chatcmpl-/);
  for (const o of objs) {
    assert.equal(o.object, 'chat.completion.chunk');
    assert.equal(o.model, 'llama3.2:1b');
    assert.ok(Number.isInteger(o.created));
    assert.equal(o.choices.length, 1);
    assert.equal(o.choices[0].index, 0);
  }
  assert.ok(chunks.every((o) => o.choices[0].finish_reason === null));
  const text = chunks.map((o) => o.choices[0].delta.content).join('');
  assert.equal(text, EXPECTED_DEFAULT('hola mundo', 'llama3.2:1b'));
  assert.equal(last.choices[0].finish_reason, 'stop');
  assert.deepEqual(last.usage, {
    prompt_tokens: 2, completion_tokens: chunks.length, total_tokens: 2 + chunks.length,
  });
});

test('stream defaults to false: one chat.completion object', async () => {
  const res = await v1chat(emu.url, { ...chatBody('hola'), model: 'qwen2.5:0.5b' });
  assert.equal(res.status, 200);
  const body = await res.json();
  assert.equal(body.object, 'chat.completion');
  assert.equal(body.model, 'qwen2.5:0.5b');
  assert.deepEqual(body.choices[0].message, { role: 'assistant', content: EXPECTED_DEFAULT('hola', 'qwen2.5:0.5b') });
  assert.equal(body.choices[0].finish_reason, 'stop');
  assert.equal(body.usage.prompt_tokens, 1);
  assert.equal(body.usage.completion_tokens, body.choices[0].message.content.match(/\S+\s*/g).length);
});

test('content given as a list of text parts is understood', async () => {
  const res = await v1chat(emu.url, {
    model: 'llama3.2:1b',
    messages: [{ role: 'user', content: [{ type: 'text', text: 'partes' }] }],
  });
  assert.equal((await res.json()).choices[0].message.content, EXPECTED_DEFAULT('partes', 'llama3.2:1b'));
});

test('max_tokens cuts with finish_reason "length"', async () => {
  const res = await v1chat(emu.url, chatBody('[[tokens=9]]', { stream: true, max_tokens: 4 }));
  const objs = sseData(await res.text()).slice(0, -1).map((d) => JSON.parse(d));
  assert.equal(objs.length, 5);
  assert.equal(objs.at(-1).choices[0].finish_reason, 'length');
  assert.equal(objs.at(-1).usage.completion_tokens, 4);
});

test('directives apply in OpenAI mode too', async () => {
  const failed = await v1chat(emu.url, chatBody('[[status=429]]', { stream: true }));
  assert.equal(failed.status, 429);
  const err = await failed.json();
  assert.equal(err.error.message, 'emulated failure (status 429)');
  assert.equal(typeof err.error.type, 'string');

  const broken = await v1chat(emu.url, chatBody('[[tokens=4]] [[malformed=1]] [[errorline=3]]', { stream: true }));
  const data = sseData(await broken.text());
  assert.equal(data.length, 5);
  assert.throws(() => JSON.parse(data[1]));
  assert.equal(JSON.parse(data[4]).error.message, 'something went wrong');
  assert.ok(!data.includes('[DONE]'));

  const split = await rawPieces(emu.url, '/v1/chat/completions', chatBody('ñ [[split]]', { stream: true }));
  assert.ok(split.pieces.slice(1).some((p) => (p[0] & 0xc0) === 0x80));
  const text = sseData(Buffer.concat(split.pieces).toString('utf8')).slice(0, -1)
    .map((d) => JSON.parse(d).choices[0].delta.content).join('');
  assert.match(text, /🚀/);
});

test('unknown model and empty messages are refused in OpenAI\'s error shape', async () => {
  const res = await v1chat(emu.url, { ...chatBody('x'), model: 'gpt-4o' });
  assert.equal(res.status, 404);
  const body = await res.json();
  assert.equal(body.error.message, 'model "gpt-4o" not found, try pulling it first');
  const empty = await v1chat(emu.url, { model: 'llama3.2:1b', messages: [] });
  assert.equal(empty.status, 400);
  assert.equal((await empty.json()).error.type, 'invalid_request_error');
});

test('with --api-key, /v1/* needs the Bearer key', async () => {
  for (const headers of [{}, { Authorization: 'Bearer wrong' }, { Authorization: 's3cret' }]) {
    const models = await fetch(keyed.url + '/v1/models', { headers });
    assert.equal(models.status, 401);
    const body = await models.json();
    assert.equal(body.error.type, 'invalid_request_error');
    assert.equal(typeof body.error.message, 'string');
    const chat = await v1chat(keyed.url, chatBody('hola'), headers);
    assert.equal(chat.status, 401);
    await chat.json();
  }
  const ok = await fetch(keyed.url + '/v1/models', { headers: { Authorization: 'Bearer s3cret' } });
  assert.equal(ok.status, 200);
  await ok.json();
  const chat = await v1chat(keyed.url, chatBody('hola'), { Authorization: 'Bearer s3cret' });
  assert.equal(chat.status, 200);
  await chat.json();
  const { requests } = (await getJson(keyed.url, '/__emulator/requests')).body;
  assert.deepEqual(requests.map((r) => r.authorization), [false, true, true, true]);
  assert.equal((await stats(keyed.url)).failed, 3);
  // the native API is not behind the key, as with Ollama itself
  assert.equal((await fetch(keyed.url + '/api/tags')).status, 200);
  assert.equal((await fetch(emu.url + '/v1/models')).status, 200);
});
