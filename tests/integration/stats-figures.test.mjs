// GET /cgi-bin/stats against a known sequence of chats: counts, per-model
// counts, error counts, exact percentiles of the latencies the chats
// reported (computed here independently), tokens per second, intents, top
// products, backends, the series and the three periods.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../lib/stack.mjs';
import { api, register, chatStream } from '../lib/client.mjs';
import { percentiles, sqlRead, sqlWrite, stats, recordedRequests } from '../lib/ops.mjs';

const LLAMA = 'llama3.2:1b';
const QWEN = 'qwen2.5:0.5b';

let stack;
const sql = (q) => sqlRead(stack, q);
let admin;
let alice;
let bob;
let requests = 0;          // HTTP requests made to the programs
const calls = [];          // what each chat reported: {model, ok, done, code}
const errors = new Map();  // code -> count, as the clients saw them

function sawError(code) {
  errors.set(code, (errors.get(code) || 0) + 1);
}

async function streamed(user, model, message, firstMs = 0) {
  const s = await chatStream(stack, user.token, { message, model });
  requests++;
  const done = s.events.find((e) => e.event === 'done');
  const error = s.events.find((e) => e.event === 'error');
  assert.ok(done || error, `the chat ended: ${JSON.stringify(s.events.at(-1))}`);
  if (done) {
    // The emulator waited firstMs before its first chunk: the figure is real.
    assert.ok(done.data.first_token_ms >= firstMs, `${done.data.first_token_ms} >= ${firstMs}`);
    assert.ok(done.data.duration_ms >= done.data.first_token_ms);
  } else {
    sawError(error.data.code);
  }
  calls.push({ model, ok: Boolean(done), done: done?.data });
}

before(async () => {
  stack = await startStack({ seed: true });
  admin = await register(stack);
  alice = await register(stack);
  bob = await register(stack);
  requests += 3;

  const delays = [0, 30, 60];
  const firsts = [0, 150, 220];
  for (let i = 0; i < 6; i++) {
    await streamed(alice, LLAMA, `Explica el tema ${i} [[tokens=5]] [[delay=${delays[i % 3]}]] [[first=${firsts[i % 3]}]]`,
      firsts[i % 3]);
    if (i === 1 || i === 3) await streamed(bob, LLAMA, 'esto falla [[status=500]]');
  }
  // Not streamed: the error is the HTTP answer itself.
  const j = await api(stack, '/cgi-bin/chat', { token: alice.token, form: { message: 'sin stream [[status=503]]', model: LLAMA } });
  requests++;
  assert.ok(j.status >= 500, `a failed JSON chat answers 5xx, got ${j.status}`);
  sawError(j.json.error.code);
  calls.push({ model: LLAMA, ok: false });
  for (let i = 0; i < 3; i++) await streamed(bob, QWEN, `Resume la idea ${i} [[tokens=4]] [[delay=25]]`);
  for (let i = 0; i < 2; i++) await streamed(alice, LLAMA, `Otra pregunta ${i} [[tokens=3]] [[first=130]]`, 130);

  // Refusals, each recorded with its code.
  const refusals = [
    [bob.token, '?days=7', 403, 'forbidden'],
    [undefined, '', 401, 'unauthorized'],
    ...['2', 'abc', '0', '31', '-7'].map((d) => [admin.token, `?days=${d}`, 400, 'invalid_input']),
  ];
  for (const [token, q, status, code] of refusals) {
    const r = await api(stack, `/cgi-bin/stats${q}`, { token });
    requests++;
    assert.equal(r.status, status, `${q}: ${r.text}`);
    assert.equal(r.json.error.code, code);
    sawError(code);
  }
  const post = await api(stack, '/cgi-bin/stats', { token: admin.token, form: { days: '7' } });
  requests++;
  assert.equal(post.status, 405);
  sawError('method_not_allowed');

  // What the NLU logs (lib/assistant/assist), written here as it would: three product
  // searches naming catalog products, two office questions.
  const products = sql('SELECT id FROM products ORDER BY id LIMIT 3').map((p) => p.id);
  assert.equal(products.length, 3, 'the seed has products');
  const [p1, p2, p3] = products;
  const logged = [
    ['buscar_producto', 0.9, [p1, p2]], ['buscar_producto', 0.8, [p1]], ['buscar_producto', 0.7, [p1, p3]],
    ['consultar_oficina', 0.95, []], ['consultar_oficina', 0.85, []],
  ];
  for (const [intent, conf, ids] of logged) {
    sqlWrite(stack, `INSERT INTO nlu_log(user_id, intent, confidence, message, found) VALUES (${alice.user.id}, '${intent}', ${conf}, 'x', 1);
      ${ids.map((id) => `INSERT INTO nlu_log_products(log_id, product_id) VALUES ((SELECT max(id) FROM nlu_log), ${id});`).join('\n')}`);
  }
  assert.equal(await recordedRequests(stack, requests), requests, 'every request recorded');
});

after(async () => { await stack?.stop(); });

const okCalls = () => calls.filter((c) => c.ok);

test('totals and the period count what the chats did', async () => {
  const r = await stats(stack, admin.token, 7);
  assert.equal(r.status, 200, r.text);
  const chats = calls.length;
  assert.deepEqual(r.json.totals, { users: 3, conversations: chats, messages: 2 * chats });
  assert.equal(r.json.period.messages, 2 * chats);
  assert.equal(r.json.period.requests, requests);
  assert.equal(r.json.period.model_calls, chats);
  assert.equal(r.json.period.model_failures, chats - okCalls().length);
  assert.equal(r.json.period.errors, [...errors.values()].reduce((a, b) => a + b, 0));
});

test('models, errors and backends', async () => {
  const { json } = await stats(stack, admin.token, 7);
  const perModel = {};
  for (const c of calls) perModel[c.model] = (perModel[c.model] || 0) + 1;
  assert.deepEqual(json.models, Object.entries(perModel).sort((a, b) => b[1] - a[1])
    .map(([model, count]) => ({ model, count })));
  const got = Object.fromEntries(json.errors.map((e) => [e.code, e.count]));
  assert.deepEqual(got, Object.fromEntries(errors));
  assert.equal(json.backends.length, 1);
  const b = json.backends[0];
  assert.equal(b.url, stack.emulators[0].url);
  assert.equal(b.requests, calls.length);
  assert.equal(b.failures, calls.length - okCalls().length);
  const all = sql('SELECT total_ms FROM ops_llm_calls').map((x) => x.total_ms);
  assert.equal(b.avg_ms, Math.round(all.reduce((a, x) => a + x, 0) / all.length));
  assert.equal(b.state, 'closed', 'the breaker is closed: the last calls worked');
});

test('latency and first-token percentiles are the exact nearest-rank values', async () => {
  const { json } = await stats(stack, admin.token, 30);
  const durations = okCalls().map((c) => c.done.duration_ms);
  const firsts = okCalls().map((c) => c.done.first_token_ms);
  assert.ok(durations.some((d) => d >= 128), 'some latencies fall in the wide bins');
  assert.deepEqual(json.latency_ms, percentiles(durations));
  assert.deepEqual(json.first_token_ms, percentiles(firsts));
  // The same as the stored values, read back independently.
  const stored = sql("SELECT total_ms FROM ops_llm_calls WHERE outcome = 'done'").map((x) => x.total_ms);
  assert.deepEqual([...stored].sort((a, b) => a - b), [...durations].sort((a, b) => a - b));
});

test('tokens per second is reply tokens over the model\'s generation time', async () => {
  const { json } = await stats(stack, admin.token, 7);
  const rows = sql('SELECT reply_tokens AS t, gen_ns AS ns FROM ops_llm_calls WHERE gen_ns > 0 AND reply_tokens > 0');
  assert.ok(rows.length >= okCalls().length);
  const tokens = rows.reduce((a, r) => a + r.t, 0);
  const ns = rows.reduce((a, r) => a + r.ns, 0);
  assert.equal(json.tokens_per_second, Math.round((tokens * 1e10) / ns) / 10);
  // The reply token counts are those the chats reported.
  assert.equal(tokens, okCalls().reduce((a, c) => a + c.done.eval_count, 0));
});

test('intents and top products come from the NLU log', async () => {
  const { json } = await stats(stack, admin.token, 1);
  const expected = sql('SELECT intent, count(*) AS count, avg(confidence) AS avg FROM nlu_log GROUP BY intent ORDER BY count DESC, intent');
  assert.ok(expected.length >= 2);
  assert.deepEqual(json.intents.map((i) => [i.intent, i.count]), expected.map((e) => [e.intent, e.count]));
  for (const [i, e] of expected.entries()) assert.ok(Math.abs(json.intents[i].avg_confidence - e.avg) < 0.001);
  const top = sql(`SELECT l.product_id AS id, p.name, count(*) AS count FROM nlu_log_products l
    JOIN products p ON p.id = l.product_id GROUP BY l.product_id ORDER BY count DESC, l.product_id LIMIT 10`);
  assert.ok(top[0].count >= 3);
  assert.deepEqual(json.top_products, top);
});

test('the series: 24 hours for one day, days for 7 and 30, adding up to the period', async () => {
  for (const days of [1, 7, 30]) {
    const { status, json } = await stats(stack, admin.token, days);
    assert.equal(status, 200);
    assert.equal(json.days, days);
    assert.equal(json.bucket, days === 1 ? 'hour' : 'day');
    assert.equal(json.series.length, days === 1 ? 24 : days);
    const step = (days === 1 ? 3600 : 86400) * 1000;
    for (let i = 1; i < json.series.length; i++)
      assert.equal(Date.parse(json.series[i].t) - Date.parse(json.series[i - 1].t), step);
    assert.ok(Date.parse(json.series.at(-1).t) <= Date.now() && Date.now() < Date.parse(json.until));
    const sum = (k) => json.series.reduce((a, p) => a + p[k], 0);
    assert.equal(sum('messages'), json.period.messages);
    assert.equal(sum('model_calls'), json.period.model_calls);
    assert.equal(json.messages_per_day.reduce((a, d) => a + d.count, 0), json.period.messages);
    if (days > 1) assert.equal(json.messages_per_day.length, days);
    // All of it happened within a bucket or two; a bucket alone holds its
    // own exact percentiles.
    const busy = json.series.filter((p) => p.model_calls > 0);
    if (busy.length === 1) {
      assert.deepEqual([busy[0].latency_p50, busy[0].latency_p95, busy[0].latency_p99],
        [json.latency_ms.p50, json.latency_ms.p95, json.latency_ms.p99]);
      assert.equal(busy[0].tokens_per_second, json.tokens_per_second);
    }
    for (const p of json.series.filter((x) => x.model_calls === 0)) assert.equal(p.latency_p50, null);
  }
});

test('a failed reply that was streamed counts as an error too', async () => {
  const { json } = await stats(stack, admin.token, 7);
  const streamedCodes = calls.filter((c) => !c.ok).length;
  assert.ok(streamedCodes >= 3);
  const modelErrors = sql('SELECT count(*) AS c FROM ops_requests WHERE program = \'chat\' AND error_code IS NOT NULL');
  assert.equal(modelErrors[0].c, streamedCodes);
  assert.ok(json.errors.length >= 4);
});

test('totals follow deletions; the period keeps what happened', async () => {
  const before = (await stats(stack, admin.token, 7)).json;
  const convo = sql(`SELECT id FROM conversations WHERE user_id = ${bob.user.id} ORDER BY id LIMIT 1`)[0].id;
  const held = sql(`SELECT count(*) AS c FROM messages WHERE conversation_id = ${convo}`)[0].c;
  const del = await api(stack, '/cgi-bin/history', { token: bob.token, form: { action: 'delete', id: String(convo) } });
  assert.equal(del.status, 200);
  const after = (await stats(stack, admin.token, 7)).json;
  assert.equal(after.totals.conversations, before.totals.conversations - 1);
  assert.equal(after.totals.messages, before.totals.messages - held);
  assert.equal(after.totals.messages, sql('SELECT count(*) AS c FROM messages')[0].c);
  assert.equal(after.period.messages, before.period.messages);
});
