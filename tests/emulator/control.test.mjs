// /__emulator/*: global faults, request log, counters, cancellation, reset.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import {
  startEmulator, postJson, chatBody, getJson, readNdjson, parseLines, linesOf, stats, eventually, sleep,
} from './helpers.mjs';

let emu;
before(async () => { emu = await startEmulator({ name: 'backend-a' }); });
after(async () => { await emu.close(); });
beforeEach(async () => {
  const res = await fetch(emu.url + '/__emulator/reset?all=1', { method: 'POST' });
  assert.equal(res.status, 200);
  await res.json();
});

const setConfig = async (patch) => {
  const res = await postJson(emu.url, '/__emulator/config', patch);
  return { status: res.status, body: await res.json() };
};

test('GET /__emulator/config shows the defaults', async () => {
  const { body } = await getJson(emu.url, '/__emulator/config');
  assert.deepEqual(body, {
    name: 'backend-a', fault: null, delay_ms: 5, first_ms: 0, drop_after: 0, models: ['llama3.2:1b', 'qwen2.5:0.5b'],
  });
});

test('POST /__emulator/config validates what it is given', async () => {
  for (const bad of [{ fault: 'explode' }, { delay_ms: -1 }, { delay_ms: 'x' }, { models: [''] }, { colour: 1 }, [1]]) {
    const { status, body } = await setConfig(bad);
    assert.equal(status, 400, JSON.stringify(bad));
    assert.equal(typeof body.error, 'string');
  }
  const res = await postJson(emu.url, '/__emulator/config', '{nope');
  assert.equal(res.status, 400);
  await res.json();
  assert.equal((await getJson(emu.url, '/__emulator/config')).body.fault, null);
});

test('fault down500: every API request fails with 500, control still works', async () => {
  const { status, body } = await setConfig({ fault: 'down500' });
  assert.equal(status, 200);
  assert.equal(body.fault, 'down500');
  for (const path of ['/api/tags', '/api/version', '/v1/models']) {
    const res = await fetch(emu.url + path);
    assert.equal(res.status, 500, path);
    const json = await res.json();
    assert.ok(typeof json.error === 'string' || typeof json.error.message === 'string', path);
  }
  const chat = await postJson(emu.url, '/api/chat', chatBody('hola'));
  assert.equal(chat.status, 500);
  assert.deepEqual(await chat.json(), { error: 'emulated backend failure (down500)' });
  const s = await stats(emu.url);
  assert.equal(s.chat_requests, 1);
  assert.equal(s.failed, 1);
  await setConfig({ fault: null });
  assert.equal((await fetch(emu.url + '/api/tags')).status, 200);
});

test('fault hang: requests are accepted and never answered', async () => {
  await setConfig({ fault: 'hang' });
  await assert.rejects(fetch(emu.url + '/api/tags', { signal: AbortSignal.timeout(300) }), /abort|timeout/i);
  await assert.rejects(
    postJson(emu.url, '/api/chat', chatBody('hola'), {}, AbortSignal.timeout(300)), /abort|timeout/i);
  await assert.rejects(postJson(emu.url, '/api/chat', { ...chatBody('hola'), model: 'not-there' }, {},
    AbortSignal.timeout(200)), /abort|timeout/i, 'a hung backend does not even look at the model');
  const s = await eventually(async () => {
    const v = await stats(emu.url);
    return v.in_flight === 0 && v;
  });
  assert.equal(s.cancelled, 2);
  assert.equal(s.chunks_sent, 0);
});

test('fault drop: connections are cut; drop_after lets N chunks through first', async () => {
  await setConfig({ fault: 'drop' });
  await assert.rejects(fetch(emu.url + '/api/tags'));
  await assert.rejects(postJson(emu.url, '/api/chat', chatBody('hola')));
  await setConfig({ drop_after: 2 });
  const res = await postJson(emu.url, '/api/chat', chatBody('[[tokens=5]]'));
  assert.equal(res.status, 200);
  const { lines, error } = await readNdjson(res);
  assert.ok(error);
  assert.deepEqual(parseLines(lines).map((o) => o.message.content), ['tok1 ', 'tok2 ']);
  assert.equal((await eventually(async () => (await stats(emu.url)).dropped === 2 && 1)), 1);
});

test('delay_ms sets the default gap between chunks; first_ms the wait before the first', async () => {
  await setConfig({ delay_ms: 50, first_ms: 100 });
  const t0 = performance.now();
  const { lines } = await readNdjson(await postJson(emu.url, '/api/chat', chatBody('[[tokens=4]]')));
  assert.ok(lines[0].t - t0 >= 95);
  assert.ok(lines[3].t - lines[0].t >= 3 * 50 * 0.9);
  const quick = await readNdjson(await postJson(emu.url, '/api/chat', chatBody('[[tokens=4]] [[delay=0]] [[first=0]]')));
  assert.ok(quick.lines[3].t - quick.lines[0].t < 100);
});

test('models can be replaced at run time', async () => {
  await setConfig({ models: ['mistral:7b', 'gemma2:2b'] });
  const tags = (await getJson(emu.url, '/api/tags')).body;
  assert.deepEqual(tags.models.map((m) => m.name), ['mistral:7b', 'gemma2:2b']);
  assert.equal(tags.models[1].details.family, 'gemma2');
  assert.equal(tags.models[1].details.parameter_size, '2.0B');
  const v1 = (await getJson(emu.url, '/v1/models')).body;
  assert.deepEqual(v1.data.map((m) => m.id), ['mistral:7b', 'gemma2:2b']);
  const gone = await postJson(emu.url, '/api/chat', chatBody('hola'));
  assert.equal(gone.status, 404);
  await gone.json();
  const ok = await postJson(emu.url, '/api/chat', { ...chatBody('hola', { stream: false }), model: 'mistral:7b' });
  assert.match((await ok.json()).message.content, /\(modelo mistral:7b\)/);
});

test('/__emulator/requests keeps the chat bodies with time, path and auth presence', async () => {
  const sent = { ...chatBody('registro', { stream: false }), options: { temperature: 0.3, num_ctx: 2048 } };
  await (await postJson(emu.url, '/api/chat', sent, { Authorization: 'Bearer abc' })).json();
  await (await postJson(emu.url, '/api/chat', 'garbage')).json();
  await (await postJson(emu.url, '/v1/chat/completions', chatBody('v1', { stream: false }))).json();
  await (await fetch(emu.url + '/api/tags')).json();
  const { requests } = (await getJson(emu.url, '/__emulator/requests')).body;
  assert.equal(requests.length, 3);
  const [a, b, c] = requests;
  assert.deepEqual(a.body, sent);
  assert.equal(a.path, '/api/chat');
  assert.equal(a.authorization, true);
  assert.ok(Math.abs(Date.parse(a.received_at) - Date.now()) < 5000);
  assert.equal(b.body, null);
  assert.equal(b.raw, 'garbage');
  assert.equal(b.authorization, false);
  assert.equal(c.path, '/v1/chat/completions');
  assert.equal(c.body.messages[0].content, 'v1');
});

test('the request log holds the last 200', async () => {
  for (let i = 0; i < 205; i++) {
    const res = await postJson(emu.url, '/api/chat', chatBody(`n${i} [[status=500]]`));
    await res.json();
  }
  const { requests } = (await getJson(emu.url, '/__emulator/requests')).body;
  assert.equal(requests.length, 200);
  assert.equal(requests[0].body.messages[0].content, 'n5 [[status=500]]');
  assert.equal(requests[199].body.messages[0].content, 'n204 [[status=500]]');
});

test('stats count requests, concurrency and completions', async () => {
  const slow = () => postJson(emu.url, '/api/chat', chatBody('[[first=200]] [[tokens=2]]', { stream: false }))
    .then((r) => r.json());
  const results = await Promise.all([slow(), slow(), slow()]);
  assert.ok(results.every((r) => r.done));
  const s = await stats(emu.url);
  assert.equal(s.name, 'backend-a');
  assert.equal(s.chat_requests, 3);
  assert.equal(s.in_flight, 0);
  assert.equal(s.max_in_flight, 3);
  assert.equal(s.completed, 3);
  assert.equal(s.cancelled, 0);
  assert.equal(s.chunks_sent, 6);
  assert.equal(s.paths['/api/chat'], 3);
});

test('a client that goes away is counted as cancelled and generation stops', async () => {
  const ac = new AbortController();
  const res = await postJson(emu.url, '/api/chat', chatBody('[[tokens=500]] [[delay=10]]'), {}, ac.signal);
  let got = 0;
  try {
    for await (const _ of linesOf(res)) {
      if (++got === 3) ac.abort();
    }
  } catch (e) {
    assert.equal(e.name, 'AbortError');
  }
  const s = await eventually(async () => {
    const v = await stats(emu.url);
    return v.cancelled === 1 && v;
  });
  assert.equal(s.in_flight, 0);
  assert.equal(s.completed, 0);
  await sleep(150);
  const later = await stats(emu.url);
  assert.equal(later.chunks_sent, s.chunks_sent, 'no chunk is produced after the cancel');
  assert.ok(later.chunks_sent < 20, `${later.chunks_sent} chunks produced`);
});

test('a non-streamed request abandoned mid-generation is cancelled too', async () => {
  await assert.rejects(postJson(emu.url, '/api/chat', chatBody('[[tokens=100]] [[delay=10]]', { stream: false }),
    {}, AbortSignal.timeout(150)));
  const s = await eventually(async () => {
    const v = await stats(emu.url);
    return v.cancelled === 1 && v;
  });
  await sleep(100);
  assert.equal((await stats(emu.url)).chunks_sent, s.chunks_sent);
  assert.ok(s.chunks_sent < 100);
});

test('reset clears counters and log; ?all=1 also restores the config', async () => {
  await setConfig({ delay_ms: 0 });
  await (await postJson(emu.url, '/api/chat', chatBody('x', { stream: false }))).json();
  let res = await fetch(emu.url + '/__emulator/reset', { method: 'POST' });
  assert.deepEqual(await res.json(), { ok: true, config_restored: false });
  let s = await stats(emu.url);
  assert.equal(s.chat_requests, 0);
  assert.equal(s.completed, 0);
  assert.equal(s.chunks_sent, 0);
  assert.deepEqual((await getJson(emu.url, '/__emulator/requests')).body.requests, []);
  assert.equal((await getJson(emu.url, '/__emulator/config')).body.delay_ms, 0);
  res = await fetch(emu.url + '/__emulator/reset?all=1', { method: 'POST' });
  await res.json();
  assert.equal((await getJson(emu.url, '/__emulator/config')).body.delay_ms, 5);
});

test('every answer says which backend it came from', async () => {
  const res = await fetch(emu.url + '/api/version');
  assert.equal(res.headers.get('x-emulator-name'), 'backend-a');
  await res.json();
});
