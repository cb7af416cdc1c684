// Fault-injection directives written inside the last user message.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startEmulator, postJson, chatBody, readNdjson, parseLines, rawPieces, stats, eventually,
  EXPECTED_DEFAULT,
} from './helpers.mjs';

let emu;
before(async () => { emu = await startEmulator(); });
after(async () => { await emu.close(); });

const chat = (content, extra, signal) => postJson(emu.url, '/api/chat', chatBody(content, extra), {}, signal);

test('directives are removed from the echoed text; unknown ones stay', async () => {
  const a = await (await chat('hola [[delay=1]] mundo', { stream: false })).json();
  assert.equal(a.message.content, EXPECTED_DEFAULT('hola mundo', 'llama3.2:1b'));
  const b = await (await chat('[[foo=1]] hola [[status=200]]', { stream: false })).json();
  assert.equal(b.message.content, EXPECTED_DEFAULT('[[foo=1]] hola [[status=200]]', 'llama3.2:1b'));
});

test('[[tokens=N]] gives exactly N chunks tok1..tokN', async () => {
  const objs = parseLines((await readNdjson(await chat('x [[tokens=7]]'))).lines);
  const chunks = objs.slice(0, -1).map((o) => o.message.content);
  assert.deepEqual(chunks, ['tok1 ', 'tok2 ', 'tok3 ', 'tok4 ', 'tok5 ', 'tok6 ', 'tok7']);
  assert.equal(objs.at(-1).eval_count, 7);
  const none = parseLines((await readNdjson(await chat('[[tokens=0]]'))).lines);
  assert.equal(none.length, 1);
  assert.equal(none[0].done, true);
  assert.equal(none[0].eval_count, 0);
});

test('[[delay=N]] spaces the chunks N ms apart', async () => {
  const t0 = performance.now();
  const slow = (await readNdjson(await chat('[[tokens=5]] [[delay=60]]'))).lines;
  assert.equal(slow.length, 6);
  const spread = slow[4].t - slow[0].t;
  assert.ok(spread >= 4 * 60 * 0.9, `chunks spread over ${spread} ms`);
  assert.ok(performance.now() - t0 >= 240);
  const fast = (await readNdjson(await chat('[[tokens=5]]'))).lines;
  assert.ok(fast[4].t - fast[0].t < spread / 2, 'default delay is short');
});

test('[[first=N]] waits N ms before the first chunk', async () => {
  const t0 = performance.now();
  const res = await chat('[[first=300]] [[tokens=2]]');
  const lines = (await readNdjson(res)).lines;
  assert.ok(lines[0].t - t0 >= 290, `first chunk after ${lines[0].t - t0} ms`);
  const last = JSON.parse(lines.at(-1).line);
  assert.ok(last.prompt_eval_duration >= 290e6);
});

test('[[status=N]] answers that HTTP error before streaming', async () => {
  const before = await stats(emu.url);
  const res = await chat('hola [[status=503]]');
  assert.equal(res.status, 503);
  assert.deepEqual(await res.json(), { error: 'emulated failure (status 503)' });
  const after = await stats(emu.url);
  assert.equal(after.failed, before.failed + 1);
  assert.equal(after.chunks_sent, before.chunks_sent);
});

test('[[drop=N]] breaks the connection after N chunks, no final line', async () => {
  const before = await stats(emu.url);
  const res = await chat('[[tokens=6]] [[drop=3]]');
  assert.equal(res.status, 200);
  const { lines, error } = await readNdjson(res);
  assert.ok(error, 'reading the body fails');
  assert.deepEqual(parseLines(lines).map((o) => o.message.content), ['tok1 ', 'tok2 ', 'tok3 ']);
  const after = await eventually(async () => {
    const s = await stats(emu.url);
    return s.in_flight === 0 && s;
  });
  assert.equal(after.dropped, before.dropped + 1);
  assert.equal(after.cancelled, before.cancelled);

  await assert.rejects(chat('[[tokens=6]] [[drop=2]]', { stream: false }).then((r) => r.text()));
});

test('[[malformed=N]] writes a non-JSON line after N chunks, then goes on', async () => {
  const { lines, error } = await readNdjson(await chat('[[tokens=4]] [[malformed=2]]'));
  assert.equal(error, null);
  assert.equal(lines.length, 6);
  assert.throws(() => JSON.parse(lines[2].line));
  const good = parseLines([...lines.slice(0, 2), ...lines.slice(3)]);
  assert.deepEqual(good.slice(0, 4).map((o) => o.message.content), ['tok1 ', 'tok2 ', 'tok3 ', 'tok4']);
  assert.equal(good[4].done, true);
  assert.equal(good[4].eval_count, 4);

  const whole = await (await chat('[[tokens=2]] [[malformed=1]]', { stream: false })).text();
  assert.throws(() => JSON.parse(whole));
});

test('[[errorline=N]] sends {"error"} after N chunks and ends', async () => {
  const before = await stats(emu.url);
  const { lines, error } = await readNdjson(await chat('[[tokens=5]] [[errorline=2]]'));
  assert.equal(error, null);
  const objs = parseLines(lines);
  assert.equal(objs.length, 3);
  assert.deepEqual(objs[2], { error: 'something went wrong' });
  assert.equal((await stats(emu.url)).failed, before.failed + 1);

  const res = await chat('[[tokens=5]] [[errorline=2]]', { stream: false });
  assert.equal(res.status, 500);
  assert.deepEqual(await res.json(), { error: 'something went wrong' });
});

test('[[hang]] sends headers and then nothing; the client leaving counts as cancelled', async () => {
  const before = await stats(emu.url);
  const ac = new AbortController();
  const res = await chat('[[hang]]', { }, ac.signal);
  const res2 = await postJson(emu.url, '/api/chat', chatBody('[[hang]]'), {}, ac.signal);
  assert.equal(res2.status, 200);
  assert.equal(res2.headers.get('content-type'), 'application/x-ndjson');
  const reader = res2.body.getReader();
  const got = await Promise.race([reader.read(), new Promise((r) => setTimeout(() => r('nothing'), 300))]);
  assert.equal(got, 'nothing');
  assert.equal((await stats(emu.url)).in_flight, before.in_flight + 2);
  ac.abort();
  await res.body?.cancel().catch(() => {});
  const after = await eventually(async () => {
    const s = await stats(emu.url);
    return s.in_flight === before.in_flight && s;
  });
  assert.equal(after.cancelled, before.cancelled + 2);
});

test('[[split]] writes lines in tiny pieces, cutting inside UTF-8 characters', async () => {
  const { status, pieces } = await rawPieces(emu.url, '/api/chat', chatBody('canción [[split]]'));
  assert.equal(status, 200);
  const all = Buffer.concat(pieces);
  const lines = all.toString('utf8').trimEnd().split('\n').map((l) => JSON.parse(l));
  const text = lines.slice(0, -1).map((o) => o.message.content).join('');
  assert.ok(text.startsWith(EXPECTED_DEFAULT('canción', 'llama3.2:1b')));
  assert.match(text, /ñandú/);
  assert.match(text, /🚀/);
  assert.equal(lines.at(-1).done, true);
  assert.ok(pieces.length > lines.length * 5, `${pieces.length} pieces for ${lines.length} lines`);
  const cutInsideChar = pieces.slice(1).some((p) => (p[0] & 0xc0) === 0x80);
  assert.ok(cutInsideChar, 'some piece starts in the middle of a UTF-8 character');
  assert.ok(pieces.some((p) => p.length > 0 && !p.includes(0x0a) && p.length < 40));
});

test('directives combine', async () => {
  const t0 = performance.now();
  const res = await chat('[[tokens=6]] [[delay=20]] [[malformed=1]] [[drop=4]]');
  const { lines, error } = await readNdjson(res);
  assert.ok(error);
  assert.equal(lines.length, 5);
  assert.throws(() => JSON.parse(lines[1].line));
  assert.deepEqual(parseLines([lines[0], ...lines.slice(2)]).map((o) => o.message.content),
    ['tok1 ', 'tok2 ', 'tok3 ', 'tok4 ']);
  assert.ok(performance.now() - t0 >= 3 * 20 * 0.9);
});

test('directives in earlier messages are ignored', async () => {
  const res = await postJson(emu.url, '/api/chat', {
    model: 'llama3.2:1b',
    stream: false,
    messages: [{ role: 'user', content: '[[status=500]]' }, { role: 'user', content: 'ok' }],
  });
  assert.equal(res.status, 200);
  assert.equal((await res.json()).message.content, EXPECTED_DEFAULT('ok', 'llama3.2:1b'));
});
