// The first requests of a new install (a host without a shell): no database
// at all, several requests at once. One of them creates the schema and loads
// the seed under the lock beside the database, the others wait for it and
// find it done; none sees a half-made file. Then an older schema brought
// up to date by a request, a newer one refused, and microchat-admin migrate
// still the operator's way.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { startStack, ROOT, SERVER } from '../lib/stack.mjs';
import { api, register } from '../lib/client.mjs';
import { loadSeed } from '../lib/seed.mjs';

const seed = loadSeed();
const stacks = [];
after(async () => { await Promise.all(stacks.map((s) => s.stop())); });

async function fresh(o) {
  const s = await startStack({ migrate: false, ...o });
  stacks.push(s);
  return s;
}

const latest = () => Math.max(...readdirSync(path.join(ROOT, 'db/migrations'))
  .filter((f) => /^\d+_.*\.sql$/.test(f)).map((f) => Number(f.split('_')[0])));
const count = (text, re) => (text.match(re) || []).length;

test('eight first requests at once: one creates the database and loads the seed, all are answered', async () => {
  const stack = await fresh({ seed: true });
  const names = Array.from({ length: 6 }, (_, i) => `first${process.pid % 1000}_${i}`);
  const answers = await Promise.all([
    ...names.map((username) => api(stack, '/cgi-bin/register', { form: { username, password: 'correct horse 1' } })),
    api(stack, '/cgi-bin/login'),
    api(stack, '/cgi-bin/catalog'),
  ]);
  assert.deepEqual(answers.map((r) => r.status), [201, 201, 201, 201, 201, 201, 401, 401],
    answers.map((r) => r.text).join('\n'));
  for (const r of answers) assert.ok(r.json?.error || r.json?.user, r.text);
  // The first account is the only administrator, whichever request won.
  assert.equal(answers.slice(0, 6).filter((r) => r.json.user.role === 'admin').length, 1);
  assert.equal(stack.sql('PRAGMA user_version')[0].user_version, latest());
  assert.equal(stack.sql('SELECT count(*) AS n FROM products')[0].n, seed.products.length);
  assert.equal(stack.sql('SELECT count(*) AS n FROM offices')[0].n, seed.offices.length);
  assert.equal(stack.sql('SELECT count(*) AS n FROM users')[0].n, 6);
  const log = stack.stderr();
  assert.equal(count(log, /created at schema/g), 1, log);
  assert.equal(count(log, /seed products\.csv/g), 1, log);
  assert.equal(count(log, /applied migration 001_core/g), 1, log);

  // The seeded catalog answers; the operator's tool agrees the schema is current.
  const u = await register(stack);
  const cats = await api(stack, '/cgi-bin/catalog', { token: u.token });
  assert.equal(cats.json.categories.length, seed.categories.length);
  assert.match(stack.admin('migrate'), new RegExp(`is at schema ${latest()}`));
});

test('first_run_seed = 0: the new database starts with an empty catalog and directory', async () => {
  const stack = await fresh({ seed: false });
  const u = await register(stack);
  assert.equal(u.user.role, 'admin');
  const cats = await api(stack, '/cgi-bin/catalog', { token: u.token });
  assert.deepEqual(cats.json.categories, []);
  assert.equal(stack.sql('SELECT count(*) AS n FROM offices')[0].n, 0);
});

// The next two build the file by hand before the server touches it, which
// the host's user would own under Apache: lighttpd only.
test('an older schema is brought up to date by a request (no seed into an existing database)', { skip: SERVER !== 'lighttpd' }, async () => {
  const stack = await fresh({ seed: true });
  const files = readdirSync(path.join(ROOT, 'db/migrations')).filter((f) => /^00[12]_/.test(f)).sort();
  const sql = files.map((f) => readFileSync(path.join(ROOT, 'db/migrations', f), 'utf8')).join('\n');
  execFileSync('sqlite3', [stack.dbPath], { input: `${sql}\nPRAGMA user_version = 2;\n` });
  const u = await register(stack);
  assert.equal(u.user.role, 'admin');
  assert.equal(stack.sql('PRAGMA user_version')[0].user_version, latest());
  assert.equal(stack.sql('SELECT count(*) AS n FROM products')[0].n, 0);
  assert.match(stack.stderr(), /migrated to schema/);
});

test('a database newer than the programs is refused with 503 JSON, and left alone', { skip: SERVER !== 'lighttpd' }, async () => {
  const stack = await fresh({});
  execFileSync('sqlite3', [stack.dbPath, 'CREATE TABLE t(x); PRAGMA user_version = 999;']);
  const r = await api(stack, '/cgi-bin/register', { form: { username: 'alguien', password: 'correct horse 1' } });
  assert.equal(r.status, 503, r.text);
  assert.equal(r.json.error.code, 'internal');
  assert.doesNotMatch(r.json.error.message, /999|\//, 'no path or detail in the answer');
  assert.match(stack.stderr(), /newer than this build/);
  assert.equal(stack.sql('PRAGMA user_version')[0].user_version, 999);
});
