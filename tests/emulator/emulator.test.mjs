// The emulator's Ollama API: shapes, streaming, counters, errors, routing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startEmulator, postJson, chatBody, getJson, readNdjson, parseLines, EXPECTED_DEFAULT,
} from './helpers.mjs';

let emu;
before(async () => { emu = await startEmulator(); });
after(async () => { await emu.close(); });

test('listens on 127.0.0.1 and answers the root like Ollama', async () => {
  assert.match(emu.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  const res = await fetch(emu.url + '/');
  assert.equal(res.status, 200);
  assert.equal(await res.text(), 'Ollama is running');
});

test('GET /api/version', async () => {
  const { status, body } = await getJson(emu.url, '/api/version');
  assert.equal(status, 200);
  assert.deepEqual(body, { version: '0.5.7-emulator' });
});

test('GET /api/tags lists the default models with Ollama details', async () => {
  const { status, body } = await getJson(emu.url, '/api/tags');
  assert.equal(status, 200);
  assert.deepEqual(body.models.map((m) => m.name), ['llama3.2:1b', 'qwen2.5:0.5b']);
  for (const m of body.models) {
    assert.deepEqual(Object.keys(m).sort(), ['details', 'digest', 'model', 'modified_at', 'name', 'size']);
    assert.equal(m.model, m.name);
    assert.ok(Number.isInteger(m.size) && m.size > 0);
    assert.match(m.digest, /^[0-9a-f]{64}$/);
    assert.ok(!Number.isNaN(Date.parse(m.modified_at)));
    assert.deepEqual(Object.keys(m.details).sort(),
      ['families', 'family', 'format', 'parameter_size', 'parent_model', 'quantization_level']);
    assert.equal(m.details.parent_model, '');
    assert.equal(m.details.format, 'gguf');
    assert.deepEqual(m.details.families, [m.details.family]);
  }
  const [llama, qwen] = body.models;
  assert.equal(llama.details.family, 'llama');
  assert.equal(llama.details.parameter_size, '1.0B');
  assert.equal(qwen.details.family, 'qwen2');
  assert.equal(qwen.details.parameter_size, '500.00M');
  assert.ok(llama.size > qwen.size);
});

test('streamed /api/chat: NDJSON lines, exact text, final counters', async () => {
  const res = await postJson(emu.url, '/api/chat', {
    model: 'llama3.2:1b',
    messages: [
      { role: 'system', content: 'Eres útil.' },
      { role: 'user', content: 'hola mundo' },
    ],
    options: { temperature: 0.2 },
  });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'application/x-ndjson');
  const { lines, error } = await readNdjson(res);
  assert.equal(error, null);
  const objs = parseLines(lines);
  const chunks = objs.slice(0, -1);
  const last = objs.at(-1);
  for (const c of chunks) {
    assert.deepEqual(Object.keys(c), ['model', 'created_at', 'message', 'done']);
    assert.equal(c.model, 'llama3.2:1b');
    assert.equal(c.done, false);
    assert.equal(c.message.role, 'assistant');
    assert.ok(!Number.isNaN(Date.parse(c.created_at)));
  }
  const text = chunks.map((c) => c.message.content).join('');
  assert.equal(text, EXPECTED_DEFAULT('hola mundo', 'llama3.2:1b'));
  assert.deepEqual(chunks.map((c) => c.message.content).slice(0, 3), ['Recibido: ', '"hola ', 'mundo". ']);
  assert.equal(last.done, true);
  assert.equal(last.done_reason, 'stop');
  assert.deepEqual(last.message, { role: 'assistant', content: '' });
  assert.equal(last.eval_count, chunks.length);
  assert.equal(last.prompt_eval_count, 4);
  for (const k of ['total_duration', 'load_duration', 'prompt_eval_duration', 'eval_duration']) {
    assert.ok(Number.isInteger(last[k]) && last[k] > 0, k);
  }
  assert.ok(last.total_duration >= last.eval_duration);
  // default 5 ms between chunks
  assert.ok(last.eval_duration >= (chunks.length - 1) * 4e6, `eval_duration ${last.eval_duration}`);
});

test('the reply names the model, so switching models shows', async () => {
  const res = await postJson(emu.url, '/api/chat', { ...chatBody('hi'), model: 'qwen2.5:0.5b', stream: false });
  const body = await res.json();
  assert.equal(body.model, 'qwen2.5:0.5b');
  assert.equal(body.message.content, EXPECTED_DEFAULT('hi', 'qwen2.5:0.5b'));
});

test('non-streamed /api/chat: one object with content and counters', async () => {
  const res = await postJson(emu.url, '/api/chat', chatBody('dos palabras', { stream: false }));
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'application/json; charset=utf-8');
  const body = await res.json();
  assert.equal(body.done, true);
  assert.equal(body.done_reason, 'stop');
  assert.deepEqual(body.message, { role: 'assistant', content: EXPECTED_DEFAULT('dos palabras', 'llama3.2:1b') });
  assert.equal(body.eval_count, body.message.content.match(/\S+\s*/g).length);
  assert.equal(body.prompt_eval_count, 2);
  assert.ok(body.total_duration > 0 && body.eval_duration > 0);
});

test('the reply replies to the LAST user message, echoing 200 characters', async () => {
  const long = '🙂'.repeat(150) + 'x'.repeat(100);
  const res = await postJson(emu.url, '/api/chat', {
    model: 'llama3.2:1b',
    stream: false,
    messages: [
      { role: 'user', content: 'primero' },
      { role: 'assistant', content: 'respuesta' },
      { role: 'user', content: long },
    ],
  });
  const { message } = await res.json();
  const echo = '🙂'.repeat(150) + 'x'.repeat(50);
  assert.equal(message.content, EXPECTED_DEFAULT(echo, 'llama3.2:1b'));
});

test('a message mentioning markdown gets a Markdown document', async () => {
  const res = await postJson(emu.url, '/api/chat', chatBody('Respóndeme en Markdown, por favor', { stream: false }));
  const { message } = await res.json();
  const md = message.content;
  assert.match(md, /^## \S/m);
  assert.match(md, /\*\*[^*]+\*\*/);
  assert.match(md, /`[^`\n]+`/);
  assert.equal(md.match(/^- /gm).length, 3);
  assert.match(md, /^```c\n#include <stdio\.h>\n[\s\S]*\n```$/m);
  assert.match(md, /\(modelo llama3\.2:1b\)/);
  assert.match(md, /Recibido: "Respóndeme en Markdown, por favor"/);
});

test('num_predict cuts the reply with done_reason "length"', async () => {
  const res = await postJson(emu.url, '/api/chat', chatBody('uno dos tres', { options: { num_predict: 3 } }));
  const objs = parseLines((await readNdjson(res)).lines);
  assert.equal(objs.length, 4);
  assert.equal(objs.slice(0, 3).map((o) => o.message.content).join(''), 'Recibido: "uno dos ');
  assert.equal(objs[3].done_reason, 'length');
  assert.equal(objs[3].eval_count, 3);

  const whole = await (await postJson(emu.url, '/api/chat',
    chatBody('uno', { stream: false, options: { num_predict: 2 } }))).json();
  assert.equal(whole.message.content, 'Recibido: "uno". ');
  assert.equal(whole.done_reason, 'length');
});

test('unknown model: 404 with Ollama\'s message', async () => {
  const res = await postJson(emu.url, '/api/chat', { ...chatBody('hola'), model: 'nope:13b' });
  assert.equal(res.status, 404);
  assert.deepEqual(await res.json(), { error: 'model "nope:13b" not found, try pulling it first' });
});

test('a name without a tag means :latest, as in Ollama', async () => {
  const res = await postJson(emu.url, '/api/chat', { ...chatBody('hola'), model: 'llama3.2' });
  assert.equal(res.status, 404);
  const other = await startEmulator({ models: ['mistral:latest'] });
  try {
    const ok = await postJson(other.url, '/api/chat', { ...chatBody('hola', { stream: false }), model: 'mistral' });
    assert.equal(ok.status, 200);
    assert.match((await ok.json()).message.content, /\(modelo mistral:latest\)/);
  } finally {
    await other.close();
  }
});

test('bad requests: 400 with an error', async () => {
  const cases = [
    ['{"model": ', null],
    ['xyz', "invalid character 'x' looking for beginning of value"],
    ['', 'missing request body'],
    [JSON.stringify({ messages: [] }), 'model is required'],
    [JSON.stringify({ model: 'llama3.2:1b', messages: 'hola' }), 'messages must be an array'],
    [JSON.stringify({ model: 'llama3.2:1b', options: 3, messages: [] }), 'options must be a JSON object'],
  ];
  for (const [body, message] of cases) {
    const res = await postJson(emu.url, '/api/chat', body);
    assert.equal(res.status, 400, body);
    assert.equal(res.headers.get('content-type'), 'application/json; charset=utf-8');
    const json = await res.json();
    assert.equal(typeof json.error, 'string');
    if (message) assert.equal(json.error, message);
  }
});

test('a body over 8 MiB is refused with 413', async () => {
  const res = await postJson(emu.url, '/api/chat', 'x'.repeat(9 * 1024 * 1024));
  assert.equal(res.status, 413);
  assert.deepEqual(await res.json(), { error: 'request body too large' });
});

test('no messages: Ollama loads the model and answers done_reason "load"', async () => {
  const res = await postJson(emu.url, '/api/chat', { model: 'llama3.2:1b', messages: [] });
  assert.equal(res.status, 200);
  const body = await res.json();
  assert.equal(body.done, true);
  assert.equal(body.done_reason, 'load');
  assert.equal(body.message.content, '');
});

test('/api/ps shows used models; keep_alive 0 unloads', async () => {
  await (await postJson(emu.url, '/api/chat', chatBody('x', { stream: false, keep_alive: '10m' }))).json();
  let ps = (await getJson(emu.url, '/api/ps')).body;
  const entry = ps.models.find((m) => m.name === 'llama3.2:1b');
  assert.ok(entry);
  const minutes = (Date.parse(entry.expires_at) - Date.now()) / 60000;
  assert.ok(minutes > 9 && minutes <= 10, String(minutes));
  assert.equal(entry.size_vram, entry.size);
  await (await postJson(emu.url, '/api/chat', chatBody('x', { stream: false, keep_alive: 0 }))).json();
  ps = (await getJson(emu.url, '/api/ps')).body;
  assert.equal(ps.models.find((m) => m.name === 'llama3.2:1b'), undefined);
});

test('unknown paths 404 in plain text, wrong methods 405', async () => {
  const res = await fetch(emu.url + '/api/nothing');
  assert.equal(res.status, 404);
  assert.equal(await res.text(), '404 page not found');
  const get = await fetch(emu.url + '/api/chat');
  assert.equal(get.status, 405);
  assert.equal(get.headers.get('allow'), 'POST');
  await get.text();
  const post = await fetch(emu.url + '/api/tags', { method: 'POST', body: '{}' });
  assert.equal(post.status, 405);
  await post.text();
});
