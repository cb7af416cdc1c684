// Retention: measurements older than metrics_retention_days whole days are
// pruned a batch at a time by the requests that follow, roll-ups with them,
// and the statistics never reach back before what is kept.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../lib/stack.mjs';
import { api, register, eventually } from '../lib/client.mjs';
import { sqlRead, sqlWrite, stats } from '../lib/ops.mjs';

const DAY = 86400000;
let stack;
let admin;
const sql = (q) => sqlRead(stack, q);

before(async () => {
  stack = await startStack({ env: { METRICS_RETENTION_DAYS: '2' } });
  admin = await register(stack);
});
after(async () => { await stack?.stop(); });

const old = () => sql(`SELECT (SELECT count(*) FROM ops_requests WHERE at_ms < ${keepFrom()}) AS r,
  (SELECT count(*) FROM ops_llm_calls WHERE at_ms < ${keepFrom()}) AS c,
  (SELECT count(*) FROM ops_roll WHERE t < ${keepFrom() / 1000}) AS roll,
  (SELECT count(*) FROM ops_roll_bins WHERE t < ${keepFrom() / 1000}) AS bins`)[0];

// The first kept instant: the start of the UTC day two days ago.
function keepFrom() {
  return (Math.floor(Date.now() / DAY) - 2) * DAY;
}

test('old rows go a batch at a time; kept ones stay', async () => {
  const now = Date.now();
  // 4 500 requests and calls four days old, and 10 of each from today.
  sqlWrite(stack, `
    WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 4500)
    INSERT INTO ops_requests(at_ms, program, method, status, duration_ms) SELECT ${now - 4 * DAY} + x, 'history', 'GET', 200, 3 FROM n;
    WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 4500)
    INSERT INTO ops_llm_calls(at_ms, backend, model, first_token_ms, total_ms, outcome) SELECT ${now - 4 * DAY} + x, 'b', 'm', 5, 900 + x % 50, 'done' FROM n;
    WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 10)
    INSERT INTO ops_llm_calls(at_ms, backend, model, first_token_ms, total_ms, outcome) SELECT ${now} - x, 'b', 'm', 5, 300 + x, 'done' FROM n;`);
  const kept = sql(`SELECT count(*) AS c FROM ops_llm_calls WHERE at_ms >= ${keepFrom()}`)[0].c;
  assert.ok(old().roll > 0 && old().bins > 0, 'the old rows were rolled up');

  // One request prunes at most 2 000 rows of each log: one that writes its
  // record itself (a read answered from the cache only appends to the spool,
  // and the request that folds the spool in prunes).
  await api(stack, '/cgi-bin/config', { token: admin.token });
  await eventually(() => assert.ok(old().r <= 2500));
  assert.equal(old().r, 2500);
  assert.equal(old().c, 2500);
  assert.equal(old().roll, 0, 'the old roll-ups went at once');
  assert.equal(old().bins, 0);
  for (let i = 0; i < 3; i++) await api(stack, '/cgi-bin/config', { token: admin.token });
  await eventually(() => assert.deepEqual(old(), { r: 0, c: 0, roll: 0, bins: 0 }));
  assert.equal(sql(`SELECT count(*) AS c FROM ops_llm_calls WHERE at_ms >= ${keepFrom()}`)[0].c, kept);
});

test('the statistics start where the kept measurements start', async () => {
  const { status, json } = await stats(stack, admin.token, 30);
  assert.equal(status, 200);
  assert.equal(Date.parse(json.since), keepFrom());
  assert.equal(json.series.length, 3);
  assert.equal(json.messages_per_day.length, 3);
  // The ten recent calls, nothing of the pruned ones.
  assert.equal(json.period.model_calls, 10);
  assert.deepEqual(json.latency_ms, { p50: 305, p95: 310, p99: 310 });
});
