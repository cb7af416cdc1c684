// The chat program: SSE streaming that really arrives token by token, the
// JSON mode, curl bodies, conversations keeping their model and context,
// the options sent to the model, and refusals.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../lib/stack.mjs';
import { api, register, chatStream, tokensOf, curl } from '../lib/client.mjs';

let stack, alice, bob;
before(async () => {
  stack = await startStack();
  alice = await register(stack);
  bob = await register(stack);
});
after(async () => { await stack.stop(); });

const lastRequest = async () => {
  const r = await fetch(`${stack.emulators[0].url}/__emulator/requests`);
  const list = await r.json();
  const items = Array.isArray(list) ? list : list.requests;
  return items[items.length - 1];
};

test('tokens arrive one by one as the model produces them, not all at the end', async () => {
  const s = await chatStream(stack, alice.token, { message: 'stream please [[tokens=8]] [[delay=120]]' });
  assert.equal(s.status, 200);
  assert.match(s.headers.get('content-type'), /^text\/event-stream/);
  assert.equal(s.headers.get('x-accel-buffering'), 'no');
  const tokens = s.events.filter((e) => e.event === 'token');
  assert.equal(tokens.length, 8);
  assert.equal(tokensOf(s.events), 'tok1 tok2 tok3 tok4 tok5 tok6 tok7 tok8');
  // With 120 ms between chunks, the first and last token are ~840 ms apart
  // if streamed; a buffered answer would deliver them together.
  const spread = tokens[7].t - tokens[0].t;
  assert.ok(spread > 500, `tokens spread over ${spread} ms`);
  const meta = s.events[0];
  assert.equal(meta.event, 'meta');
  for (const k of ['conversation_id', 'user_message_id', 'message_id', 'model', 'intent'])
    assert.ok(k in meta.data, k);
  assert.equal(typeof meta.data.intent.confidence, 'number');
  const done = s.events.at(-1);
  assert.equal(done.event, 'done');
  assert.equal(done.data.message_id, meta.data.message_id);
  assert.equal(done.data.eval_count, 8);
  assert.ok(done.data.first_token_ms >= 0);
  const stored = stack.sql(`SELECT content, status, model FROM messages WHERE id=${meta.data.message_id}`)[0];
  assert.equal(stored.content, tokensOf(s.events));
  assert.equal(stored.status, 'done');
});

test('the JSON mode answers once the reply is complete', async () => {
  const r = await api(stack, '/cgi-bin/chat', { token: alice.token, form: { message: 'json mode' } });
  assert.equal(r.status, 200);
  assert.equal(r.json.message.role, 'assistant');
  assert.equal(r.json.message.status, 'done');
  assert.match(r.json.message.content, /json mode/);
  assert.match(r.json.message.created_at, /Z$/);
  assert.ok(r.json.conversation_id > 0);
  assert.equal(r.json.intent.name.length > 0, true);
});

test('stream=1 also asks for SSE; curl -d, -F and JSON bodies all work', async () => {
  const a = await curl(['-N', '-H', `Authorization: Bearer ${alice.token}`, '-d', 'message=por curl&stream=1', `${stack.url}/cgi-bin/chat`]);
  assert.equal(a.status, 200);
  assert.match(a.text, /^event: meta\ndata: /);
  assert.match(a.text, /event: done\n/);
  const f = await curl(['-H', `Authorization: Bearer ${alice.token}`, '-F', 'message=con -F', `${stack.url}/cgi-bin/chat`]);
  assert.equal(f.status, 200);
  assert.match(f.json.message.content, /con -F/);
  const j = await curl(['-H', `Authorization: Bearer ${alice.token}`, '-H', 'Content-Type: application/json',
    '-d', JSON.stringify({ message: 'con JSON ñ', temperature: 0.2 }), `${stack.url}/cgi-bin/chat`]);
  assert.equal(j.status, 200);
  assert.match(j.json.message.content, /con JSON ñ/);
});

test('a conversation keeps its model, and a model switch is remembered', async () => {
  const first = await api(stack, '/cgi-bin/chat', { token: alice.token, form: { message: 'uno', model: 'qwen2.5:0.5b' } });
  const id = first.json.conversation_id;
  assert.match(first.json.message.content, /qwen2\.5:0\.5b/);
  const second = await api(stack, '/cgi-bin/chat', { token: alice.token, form: { message: 'dos', conversation_id: id } });
  assert.equal(second.json.message.model, 'qwen2.5:0.5b');
  const switched = await api(stack, '/cgi-bin/chat', { token: alice.token, form: { message: 'tres', conversation_id: id, model: 'llama3.2:1b' } });
  assert.equal(switched.json.message.model, 'llama3.2:1b');
  const h = await api(stack, `/cgi-bin/history?id=${id}`, { token: alice.token });
  assert.equal(h.json.conversation.model, 'llama3.2:1b');
  assert.deepEqual(h.json.messages.map((m) => m.role), ['user', 'assistant', 'user', 'assistant', 'user', 'assistant']);
});

test('earlier turns, the system prompt and the options reach the model', async () => {
  const first = await api(stack, '/cgi-bin/chat', { token: alice.token, form: { message: 'me llamo Ana' } });
  await api(stack, '/cgi-bin/chat', { token: alice.token, form: { message: '¿cómo me llamo?', conversation_id: first.json.conversation_id,
    temperature: '0.3', top_p: '0.5', num_predict: '64' } });
  const req = await lastRequest();
  const body = req.body ?? req;
  const msgs = body.messages;
  assert.equal(msgs[0].role, 'system');
  assert.ok(msgs[0].content.length > 20);
  assert.deepEqual(msgs.slice(1).map((m) => m.role), ['user', 'assistant', 'user']);
  assert.equal(msgs[1].content, 'me llamo Ana');
  assert.equal(msgs.at(-1).content, '¿cómo me llamo?');
  assert.equal(body.options.temperature, 0.3);
  assert.equal(body.options.top_p, 0.5);
  assert.equal(body.options.num_predict, 64);
  assert.ok(body.options.num_ctx >= 2048, 'num_ctx is sent so Ollama does not cut the context');
  assert.equal(body.stream, true);
});

test('the title comes from the first message', async () => {
  const r = await api(stack, '/cgi-bin/chat', { token: alice.token, form: { message: 'Receta de pan amasado\ncon manteca' } });
  const h = await api(stack, `/cgi-bin/history?id=${r.json.conversation_id}`, { token: alice.token });
  assert.equal(h.json.conversation.title, 'Receta de pan amasado');
});

test('bad messages and options are refused and nothing is stored', async () => {
  const before = stack.sql('SELECT count(*) AS n FROM messages')[0].n;
  for (const form of [{}, { message: '' }, { message: '   \n ' }, { message: 'x'.repeat(32001) },
    { message: 'ok', temperature: '3' }, { message: 'ok', top_p: '-1' }, { message: 'ok', num_predict: 'many' },
    { message: 'ok', conversation_id: 'abc' }, { message: 'ok', model: 'bad model name' }, { message: 'ok', action: 'dance' }]) {
    const r = await api(stack, '/cgi-bin/chat', { token: alice.token, form });
    assert.equal(r.status, 400, JSON.stringify(form).slice(0, 80));
    assert.equal(r.json.error.code, 'invalid_input');
  }
  assert.equal(stack.sql('SELECT count(*) AS n FROM messages')[0].n, before);
});

test("another user's conversation answers 404, exactly like a missing one", async () => {
  const mine = await api(stack, '/cgi-bin/chat', { token: alice.token, form: { message: 'privado' } });
  const id = mine.json.conversation_id;
  const theirs = await api(stack, '/cgi-bin/chat', { token: bob.token, form: { message: 'intruso', conversation_id: id } });
  const missing = await api(stack, '/cgi-bin/chat', { token: bob.token, form: { message: 'intruso', conversation_id: 999999 } });
  assert.equal(theirs.status, 404);
  assert.deepEqual(theirs.json, missing.json);
  const stop = await api(stack, '/cgi-bin/chat', { token: bob.token, form: { action: 'stop', message_id: mine.json.message.id } });
  assert.equal(stop.status, 404);
  assert.equal(stack.sql(`SELECT count(*) AS n FROM messages WHERE conversation_id=${id}`)[0].n, 2);
});

test('the user message is stored even when the model fails, and the failure is recorded', async () => {
  const r = await api(stack, '/cgi-bin/chat', { token: alice.token, form: { message: 'falla [[status=500]]' } });
  assert.equal(r.status, 502);
  assert.equal(r.json.error.code, 'llm_unavailable');
  const rows = stack.sql(`SELECT role, content, status FROM messages WHERE conversation_id=${r.json.conversation_id} ORDER BY id`);
  assert.equal(rows[0].role, 'user');
  assert.match(rows[0].content, /falla/);
  assert.equal(rows[1].status, 'error');
  const s = await chatStream(stack, alice.token, { message: 'falla otra vez [[status=500]]' });
  assert.equal(s.events.at(-1).event, 'error');
  assert.equal(s.events.at(-1).data.code, 'llm_unavailable');
  assert.ok(s.events.at(-1).data.message_id > 0);
});

test('Stop cancels a reply being generated and keeps what arrived', async () => {
  let stopped = false;
  let meta;
  const s = await chatStream(stack, alice.token, { message: 'largo [[tokens=200]] [[delay=30]]' }, {
    onEvent: (ev) => {
      if (ev.event === 'token' && !stopped && ev.data.content === 'tok5 ') {
        stopped = true;
        const id = meta.data.message_id;
        api(stack, '/cgi-bin/chat', { token: alice.token, form: { action: 'stop', message_id: id } })
          .then((r) => assert.equal(r.status, 200));
      }
      if (ev.event === 'meta') meta = ev;
    },
  });
  const end = s.events.at(-1);
  assert.equal(end.event, 'done');
  assert.equal(end.data.status, 'stopped');
  const n = s.events.filter((e) => e.event === 'token').length;
  assert.ok(n >= 5 && n < 200, `${n} tokens before the stop took effect`);
  const row = stack.sql(`SELECT content, status FROM messages WHERE id=${end.data.message_id}`)[0];
  assert.equal(row.status, 'stopped');
  assert.equal(row.content, tokensOf(s.events));
});
