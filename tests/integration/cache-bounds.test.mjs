// The read cache cannot be used to fill the disk: an answer is kept under
// a key made of the fields its program reads (a field it ignores never
// makes a new entry), and the entries never pass cache_max_mb together.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startStack } from '../lib/stack.mjs';
import { api, register } from '../lib/client.mjs';

const MIB = 1 << 20;
let stack;
let user;

before(async () => {
  stack = await startStack({ seed: true, env: { CACHE_MAX_MB: '1' } });
  user = await register(stack);
});
after(async () => { await stack.stop(); });

// Every entry file of the cache (scopes "all" and "u<id>"), with its size.
function entries() {
  const root = `${stack.dbPath}-cache`;
  const out = [];
  if (!existsSync(root)) return out;
  for (const scope of readdirSync(root).filter((d) => d === 'all' || /^u\d+$/.test(d)))
    for (const f of readdirSync(path.join(root, scope)).filter((n) => n !== 'gen' && !n.startsWith('.')))
      out.push({ scope, name: f, size: statSync(path.join(root, scope, f)).size });
  return out;
}

// n GETs, eight at a time; every one must answer 200.
async function many(n, pathOf) {
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      const r = await api(stack, pathOf(i), { token: user.token });
      assert.equal(r.status, 200, `${pathOf(i)}: ${r.status} ${r.text.slice(0, 200)}`);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

test('two thousand query strings with a field the program ignores: one cache entry, not two thousand', async () => {
  assert.equal((await api(stack, '/cgi-bin/chat', { token: user.token, form: { message: 'una conversación [[tokens=2]]' } })).status, 200);
  await many(2000, (i) => `/cgi-bin/history?n=${i}&utm_source=x${i}`);
  const mine = entries().filter((e) => e.scope === `u${user.user.id}`);
  assert.ok(mine.length >= 1, 'the answer is kept');
  assert.ok(mine.length <= 2, `${mine.length} entries in the user's scope`);
});

// The count kept in the cache folder's "usage" file: "<bytes> <unix second
// of the last recount>".
const usageFile = () => `${stack.dbPath}-cache/usage`;
const counted = () => Number(readFileSync(usageFile(), 'utf8').split(' ')[0]);

test('two thousand distinct searches the program does read: the cache stays within cache_max_mb', async () => {
  // Each answer is a page of products (several kB): together far above 1 MiB.
  const first = await api(stack, '/cgi-bin/catalog?min_price=1', { token: user.token });
  assert.ok(first.text.length > 2000, `a page is ${first.text.length} bytes`);
  // The last recount long ago: the store that first meets the cap recounts
  // the folder at once, while the other seven stores are under way. A store
  // that fell between what the recount read and the count it set used to
  // go uncounted, and the cache grew past its cap.
  writeFileSync(usageFile(), `${counted()} 0\n`);
  await many(2000, (i) => `/cgi-bin/catalog?min_price=${i + 1}`);
  const all = entries();
  const total = all.reduce((n, e) => n + e.size, 0);
  assert.ok(total <= MIB, `${total} bytes in ${all.length} entries`);
  assert.equal(counted(), total, 'after a recount the count is what the folder holds');
  assert.ok(total > MIB / 4, `the cache is used up to its cap (${total} bytes)`);
  // Still correct answers, from the cache or not.
  const again = await api(stack, '/cgi-bin/catalog?min_price=1', { token: user.token });
  assert.deepEqual(again.json, first.json);
});
