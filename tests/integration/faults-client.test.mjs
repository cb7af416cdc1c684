// No reply lost on the client's side: a browser that goes away mid-stream
// (generation goes on, the whole reply is stored), the Stop button (the
// model connection is closed, what arrived is kept as "stopped"), and a
// reload that follows a reply still being written (status "streaming").
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../lib/stack.mjs';
import { api, register, chatStream, tokensOf, eventually, sleep } from '../lib/client.mjs';
import { stats, storedReply } from '../lib/pool.mjs';

let stack;
let user;
let emu;

before(async () => {
  stack = await startStack({ backends: 1 });
  emu = stack.emulators[0];
  user = await register(stack);
});
after(async () => { await stack.stop(); });

const expected = (n) => Array.from({ length: n }, (_, i) => `tok${i + 1}`).join(' ');

test('a client that disconnects mid-stream: the reply is generated to its end and stored whole (done)', async () => {
  const before = { ...stats(emu) };
  const s = await chatStream(stack, user.token, { message: 'me voy [[tokens=25]] [[delay=30]]' }, {
    onEvent: (ev) => (ev.event === 'token' && ev.data.content.startsWith('tok3 ') ? 'stop' : undefined),
  });
  assert.equal(s.events.at(-1).event, 'token', 'the client left after three tokens');
  const row = await eventually(() => {
    const r = storedReply(stack, s.events);
    assert.equal(r.status, 'done');
    return r;
  }, 8000, 100);
  assert.equal(row.content, expected(25));
  assert.equal(stats(emu).completed, before.completed + 1, 'the model finished');
  assert.equal(stats(emu).cancelled, before.cancelled, 'and was not cut off');
});

test('Stop: the model connection is closed, what arrived is kept with status stopped', async () => {
  const before = { ...stats(emu) };
  let stopped = null;
  let id = 0;
  const s = await chatStream(stack, user.token, { message: 'para [[tokens=200]] [[delay=25]]' }, {
    onEvent: (ev) => {
      if (ev.event === 'meta') id = ev.data.message_id; // the reply's id
      if (ev.event === 'token' && ev.data.content === 'tok5 ' && !stopped)
        stopped = api(stack, '/cgi-bin/chat', { token: user.token, form: { action: 'stop', message_id: String(id) } });
      return undefined;
    },
  });
  const r = await stopped;
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.ok, true);
  const last = s.events.at(-1);
  assert.equal(last.event, 'done');
  assert.equal(last.data.status, 'stopped');
  const text = tokensOf(s.events);
  assert.ok(text.startsWith('tok1 tok2 tok3 tok4 tok5 '), text);
  assert.ok(!text.includes('tok200'), 'stopped well before the end');
  const row = storedReply(stack, s.events);
  assert.equal(row.status, 'stopped');
  assert.equal(row.content, text, 'everything that arrived is kept');
  await eventually(() => assert.equal(stats(emu).cancelled, before.cancelled + 1), 2000);
  const chunks = stats(emu).chunks_sent;
  await sleep(300);
  assert.equal(stats(emu).chunks_sent, chunks, 'the model stopped producing');
  assert.equal(stats(emu).completed, before.completed);
});

test('Stop needs the reply to be the user\'s own', async () => {
  const other = await register(stack);
  let answer = null;
  const s = await chatStream(stack, user.token, { message: 'ajeno [[tokens=30]] [[delay=20]]' }, {
    onEvent: (ev) => {
      if (ev.event === 'meta') {
        answer = api(stack, '/cgi-bin/chat', { token: other.token, form: { action: 'stop', message_id: String(ev.data.message_id) } });
      }
      return undefined;
    },
  });
  const r = await answer;
  assert.equal(r.status, 404);
  assert.equal(s.events.at(-1).data.status, 'done');
  assert.equal(storedReply(stack, s.events).content, expected(30));
});

test('while a reply is generated, history shows it growing with status streaming, then done', async () => {
  let meta;
  const gotMeta = new Promise((resolve) => { meta = resolve; });
  const streaming = chatStream(stack, user.token, { message: 'sigue [[tokens=24]] [[delay=100]]' }, {
    onEvent: (ev) => { if (ev.event === 'meta') meta(ev.data); return undefined; },
  });
  const m = await gotMeta;
  const seen = [];
  for (;;) {
    const h = await api(stack, `/cgi-bin/history?id=${m.conversation_id}`, { token: user.token });
    assert.equal(h.status, 200);
    const reply = h.json.messages.find((x) => x.id === m.message_id);
    seen.push({ status: reply.status, content: reply.content });
    if (reply.status !== 'streaming') break;
    await sleep(120);
  }
  const s = await streaming;
  const final = expected(24);
  assert.equal(tokensOf(s.events), final);
  assert.equal(seen.at(-1).status, 'done');
  assert.equal(seen.at(-1).content, final);
  const growing = seen.filter((x) => x.status === 'streaming' && x.content.length > 0);
  assert.ok(growing.length >= 2, `partial saves seen: ${JSON.stringify(seen.map((x) => x.content.length))}`);
  for (let i = 0; i < seen.length; i++) {
    assert.ok(final.startsWith(seen[i].content), 'every saved state is a prefix of the reply');
    if (i > 0) assert.ok(seen[i].content.length >= seen[i - 1].content.length, 'and it only grows');
  }
});
