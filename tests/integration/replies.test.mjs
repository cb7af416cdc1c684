// Working with replies: regenerate, edit, continue and retry, streamed like
// a chat; the versions they leave (history's versions / version_index and
// action=switch); the model getting only the current path; and every
// refusal: a question where a reply is needed and back (400), a reply
// still being written (409), another user's ids (404), two users at once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../lib/stack.mjs';
import { api, register, chatStream, tokensOf, sleep } from '../lib/client.mjs';

let stack, ana, beto;
before(async () => {
  stack = await startStack();
  ana = await register(stack);
  beto = await register(stack);
});
after(async () => { await stack.stop(); });

const emu = (path, body) => fetch(`${stack.emulators[0].url}${path}`, body === undefined ? {} : {
  method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
const lastModelRequest = async () => (await (await emu('/__emulator/requests')).json()).requests.at(-1).body;
const chat = (who, form) => api(stack, '/cgi-bin/chat', { token: who.token, form });
const history = async (who, id) => (await api(stack, `/cgi-bin/history?id=${id}`, { token: who.token })).json;
const contents = (msgs) => msgs.filter((m) => m.role !== 'system').map((m) => `${m.role}:${m.content}`);

test('regenerate: a new version of the reply, from the history before it, streamed', async () => {
  const first = await chat(ana, { message: 'primera pregunta' });
  assert.equal(first.status, 200);
  const conv = first.json.conversation_id;
  const r1 = first.json.message.id;
  const u1 = first.json.user_message_id;
  const s = await chatStream(stack, ana.token, { action: 'regenerate', message_id: r1, model: 'qwen2.5:0.5b' });
  assert.equal(s.status, 200);
  const meta = s.events[0];
  assert.equal(meta.event, 'meta');
  assert.equal(meta.data.action, 'regenerate');
  assert.equal(meta.data.conversation_id, conv);
  assert.equal(meta.data.user_message_id, u1);
  const r2 = meta.data.message_id;
  assert.ok(r2 > r1);
  assert.equal(s.events.at(-1).event, 'done');
  assert.match(tokensOf(s.events), /primera pregunta.*qwen2\.5/);
  // The model got the question alone: not the reply being replaced.
  assert.deepEqual(contents((await lastModelRequest()).messages), ['user:primera pregunta']);
  const h = await history(ana, conv);
  assert.deepEqual(h.messages.map((m) => m.id), [u1, r2]);
  assert.deepEqual(h.messages[1].versions, [r1, r2]);
  assert.equal(h.messages[1].version_index, 1);
  assert.equal(h.messages[1].model, 'qwen2.5:0.5b');
  assert.ok(!('versions' in h.messages[0]), 'a message without other versions has none');
  const earlier = stack.sql(`SELECT content, status FROM messages WHERE id=${r1}`)[0];
  assert.equal(earlier.status, 'done', 'the earlier reply is kept');
});

test('the model gets the current path only; switch moves it; edit branches the question', async () => {
  const first = await chat(ana, { message: 'uno' });
  const conv = first.json.conversation_id;
  const r1 = first.json.message.id;
  const regen = await chat(ana, { action: 'regenerate', message_id: r1 });
  assert.equal(regen.status, 200, regen.text);
  assert.equal(regen.json.action, 'regenerate');
  const r2 = regen.json.message.id;
  const second = await chat(ana, { message: 'dos', conversation_id: conv });
  const u2 = second.json.user_message_id;
  const r3 = second.json.message.id;
  let sent = contents((await lastModelRequest()).messages);
  assert.deepEqual(sent.map((x) => x.split(':')[0]), ['user', 'assistant', 'user']);
  assert.equal(sent[1], `assistant:${stack.sql(`SELECT content FROM messages WHERE id=${r2}`)[0].content}`);

  // Back to the first version: the later turn is not on that path.
  const sw = await api(stack, '/cgi-bin/history', { token: ana.token, form: { action: 'switch', id: conv, message_id: r1 } });
  assert.equal(sw.status, 200, sw.text);
  assert.deepEqual(sw.json.messages.map((m) => m.id), [first.json.user_message_id, r1]);
  assert.equal(sw.json.messages[1].version_index, 0);
  await chat(ana, { message: 'tres', conversation_id: conv });
  sent = contents((await lastModelRequest()).messages);
  assert.equal(sent.length, 3);
  assert.equal(sent[1], `assistant:${stack.sql(`SELECT content FROM messages WHERE id=${r1}`)[0].content}`);
  assert.ok(!sent.some((x) => x.includes('dos')), 'the other branch stays out');

  // And back to the second version: its own continuation is there again.
  const back = await api(stack, '/cgi-bin/history', { token: ana.token, form: { action: 'switch', id: conv, message_id: r2 } });
  assert.deepEqual(back.json.messages.map((m) => m.id), [first.json.user_message_id, r2, u2, r3]);

  // Edit the second question: a sibling of it, with a reply of its own.
  const ed = await chatStream(stack, ana.token, { action: 'edit', message_id: u2, message: 'dos, corregido' });
  assert.equal(ed.status, 200);
  const meta = ed.events[0].data;
  assert.equal(meta.action, 'edit');
  assert.ok(meta.user_message_id > u2);
  assert.deepEqual(contents((await lastModelRequest()).messages).map((x) => x.split(':')[0]), ['user', 'assistant', 'user']);
  assert.equal(contents((await lastModelRequest()).messages)[2], 'user:dos, corregido');
  const h = await history(ana, conv);
  assert.deepEqual(h.messages.map((m) => m.id), [first.json.user_message_id, r2, meta.user_message_id, meta.message_id]);
  assert.deepEqual(h.messages[2].versions, [u2, meta.user_message_id]);
  assert.equal(h.messages[2].content, 'dos, corregido');
  assert.equal(stack.sql(`SELECT content FROM messages WHERE id=${u2}`)[0].content, 'dos', 'the earlier question is kept');
});

test('continue: a cut-off reply goes on from where it was, as a new version that starts with it', async () => {
  // The stream breaks after four tokens (set on the emulator, so that the
  // question itself asks for nothing odd when it is continued).
  await emu('/__emulator/config', { fault: 'drop', drop_after: 4 });
  let cut;
  try {
    cut = await chatStream(stack, ana.token, { message: 'cuéntame algo [[tokens=12]]' });
  } finally {
    await emu('/__emulator/config', { fault: null, drop_after: 0 });
  }
  const partialId = cut.events[0].data.message_id;
  const conv = cut.events[0].data.conversation_id;
  await sleep(100);
  const partial = stack.sql(`SELECT content, status FROM messages WHERE id=${partialId}`)[0];
  assert.equal(partial.status, 'partial');
  assert.equal(partial.content, 'tok1 tok2 tok3 tok4 ');
  const s = await chatStream(stack, ana.token, { action: 'continue', message_id: partialId });
  assert.equal(s.status, 200);
  assert.equal(s.events[0].data.action, 'continue');
  assert.equal(s.events[0].data.content, partial.content, 'meta carries the text it starts with');
  const sent = (await lastModelRequest()).messages;
  assert.deepEqual(sent.at(-1), { role: 'assistant', content: partial.content });
  assert.equal(sent.at(-2).role, 'user');
  const id = s.events[0].data.message_id;
  const stored = stack.sql(`SELECT content, status, eval_count FROM messages WHERE id=${id}`)[0];
  assert.equal(stored.status, 'done');
  assert.ok(stored.content.startsWith(partial.content));
  assert.equal(stored.content, partial.content + tokensOf(s.events));
  const h = await history(ana, conv);
  assert.deepEqual(h.messages.at(-1).versions, [partialId, id]);
  // Only a partial or stopped reply can be continued.
  const again = await chat(ana, { action: 'continue', message_id: id });
  assert.equal(again.status, 400);
  assert.equal(again.json.error.code, 'invalid_input');
});

test('retry after an error: regenerate the failed reply once the model is back', async () => {
  await emu('/__emulator/config', { fault: 'down500' });
  let failed;
  try {
    failed = await chat(ana, { message: 'esto falla primero' });
  } finally {
    await emu('/__emulator/config', { fault: null });
  }
  assert.equal(failed.json.message.status, 'error');
  // The breaker may hold the backend back a moment after the failures.
  let retry;
  for (let i = 0; i < 40; i++) {
    retry = await chat(ana, { action: 'regenerate', message_id: failed.json.message.id });
    if (retry.json?.message?.status === 'done') break;
    await sleep(500);
  }
  assert.equal(retry.json.message.status, 'done', retry.text);
  assert.match(retry.json.message.content, /esto falla primero/);
  const h = await history(ana, failed.json.conversation_id);
  assert.equal(h.messages.at(-1).id, retry.json.message.id);
  assert.equal(h.messages.at(-1).versions[0], failed.json.message.id);
});

test('refusals: wrong kind of message 400, a reply being written 409, bad input 400', async () => {
  const first = await chat(ana, { message: 'para rechazos' });
  const reply = first.json.message.id;
  const question = first.json.user_message_id;
  const cases = [
    [{ action: 'regenerate', message_id: question }, 400],
    [{ action: 'continue', message_id: question }, 400],
    [{ action: 'edit', message_id: reply, message: 'x' }, 400],
    [{ action: 'edit', message_id: question }, 400],
    [{ action: 'edit', message_id: question, message: '   ' }, 400],
    [{ action: 'regenerate' }, 400],
    [{ action: 'regenerate', message_id: 'abc' }, 400],
    [{ action: 'regenerate', message_id: reply, temperature: '9' }, 400],
    [{ action: 'regenerate', message_id: reply, model: 'bad model!' }, 400],
    [{ action: 'explode', message_id: reply }, 400],
    [{ action: 'regenerate', message_id: 99999999 }, 404],
  ];
  for (const [form, status] of cases) {
    const r = await chat(ana, form);
    assert.equal(r.status, status, `${JSON.stringify(form)}: ${r.text}`);
    assert.ok(r.json.error.code, 'a JSON envelope');
  }
  // A reply still being written.
  const ctl = new AbortController();
  let streaming = null;
  const running = chatStream(stack, ana.token, { message: 'lento [[tokens=40]] [[delay=100]]', conversation_id: first.json.conversation_id }, {
    signal: ctl.signal,
    onEvent: (ev) => { if (ev.event === 'meta') streaming = ev.data.message_id; },
  });
  while (!streaming) await sleep(20);
  for (const action of ['regenerate', 'continue']) {
    const r = await chat(ana, { action, message_id: streaming });
    assert.equal(r.status, 409, `${action}: ${r.text}`);
    assert.equal(r.json.error.code, 'conflict');
  }
  await chat(ana, { action: 'stop', message_id: streaming });
  await running;
  const n = stack.sql(`SELECT count(*) AS n FROM messages WHERE conversation_id=${first.json.conversation_id}`)[0].n;
  assert.equal(n, 4, 'no refused action wrote a row');
});

test("another user's messages and conversations are 404 for every action; both users interleaved", async () => {
  const a = await chat(ana, { message: 'privado de ana' });
  const b = await chat(beto, { message: 'privado de beto' });
  const before = stack.sql(`SELECT count(*) AS n FROM messages WHERE conversation_id=${a.json.conversation_id}`)[0].n;
  const forms = [
    { action: 'regenerate', message_id: a.json.message.id },
    { action: 'edit', message_id: a.json.user_message_id, message: 'secuestrado' },
    { action: 'continue', message_id: a.json.message.id },
    { action: 'stop', message_id: a.json.message.id },
    { message: 'hola', conversation_id: a.json.conversation_id },
  ];
  for (const form of forms) {
    const r = await chat(beto, form);
    assert.equal(r.status, 404, `${JSON.stringify(form)}: ${r.text}`);
    assert.equal(r.json.error.code, 'not_found');
  }
  for (const form of [{ action: 'switch', id: a.json.conversation_id, message_id: a.json.message.id },
    { action: 'switch', id: b.json.conversation_id, message_id: a.json.message.id }]) {
    const r = await api(stack, '/cgi-bin/history', { token: beto.token, form });
    assert.equal(r.status, 404, JSON.stringify(form));
  }
  // Ana's own message named with Beto's conversation: 404 too.
  const mixed = await api(stack, '/cgi-bin/history', { token: ana.token,
    form: { action: 'switch', id: a.json.conversation_id, message_id: b.json.message.id } });
  assert.equal(mixed.status, 404);
  assert.equal(stack.sql(`SELECT count(*) AS n FROM messages WHERE conversation_id=${a.json.conversation_id}`)[0].n, before);
  // Interleaved: both regenerate at once, each in their own conversation.
  const [ra, rb] = await Promise.all([
    chat(ana, { action: 'regenerate', message_id: a.json.message.id }),
    chat(beto, { action: 'regenerate', message_id: b.json.message.id }),
  ]);
  assert.equal(ra.json.conversation_id, a.json.conversation_id);
  assert.equal(rb.json.conversation_id, b.json.conversation_id);
  assert.match(ra.json.message.content, /privado de ana/);
  assert.match(rb.json.message.content, /privado de beto/);
  const ha = await history(ana, a.json.conversation_id);
  assert.deepEqual(ha.messages.at(-1).versions, [a.json.message.id, ra.json.message.id]);
});

test('a conversation without versions reads as one linked path, and clear keeps it usable', async () => {
  const c = await chat(ana, { message: 'linea' });
  const conv = c.json.conversation_id;
  await chat(ana, { message: 'linea dos', conversation_id: conv });
  const h = await history(ana, conv);
  assert.equal(h.messages.length, 4);
  for (let i = 1; i < 4; i++) assert.equal(h.messages[i].parent_id, h.messages[i - 1].id);
  assert.equal(h.messages[0].parent_id, null);
  await api(stack, '/cgi-bin/history', { token: ana.token, form: { action: 'clear', id: conv } });
  const again = await chat(ana, { message: 'de nuevo', conversation_id: conv });
  assert.equal(again.status, 200);
  assert.deepEqual(contents((await lastModelRequest()).messages), ['user:de nuevo']);
  assert.equal((await history(ana, conv)).messages.length, 2);
});
