// The read cache (lib/core/cache): answers kept as files are served without the
// database, and every change made through microchat is visible at once —
// new conversations, renames, deletions, logout, an administrator disabling
// an account or changing a role, settings, a catalog import. Requests
// answered from the cache are counted through the spool.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, renameSync, writeFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { startStack, ROOT, BUILD } from '../lib/stack.mjs';
import { api, register, eventually } from '../lib/client.mjs';
import { execFileSync } from 'node:child_process';
import { sqlWrite, stats, spooledRequests } from '../lib/ops.mjs';

let stack;
let admin;
let alice;
let bob;

before(async () => {
  stack = await startStack({ seed: true });
  admin = await register(stack);
  alice = await register(stack);
  bob = await register(stack);
});
after(async () => { await stack?.stop(); });

const get = (who, p) => api(stack, p, { token: who.token });
const titles = (r) => r.json.conversations.map((c) => c.title);
const cacheDir = () => `${stack.dbPath}-cache`;

// Twice, so that both the session snapshot and the answer are on file.
async function warm(who, p) {
  for (let i = 0; i < 3; i++) assert.equal((await get(who, p)).status, 200);
}

// The database file moved away for the length of fn: what still answers
// 200 was answered without it.
async function withoutDatabase(fn) {
  const away = `${stack.dbPath}.away`;
  renameSync(stack.dbPath, away);
  try {
    return await fn();
  } finally {
    renameSync(away, stack.dbPath);
  }
}

test('a warm read is answered without the database', async () => {
  await api(stack, '/cgi-bin/chat', { token: alice.token, form: { message: 'primera conversación' } });
  await warm(alice, '/cgi-bin/history');
  await warm(alice, '/cgi-bin/login');
  await warm(alice, '/cgi-bin/catalog');
  const [h, w, c] = await withoutDatabase(() => Promise.all([
    get(alice, '/cgi-bin/history'), get(alice, '/cgi-bin/login'), get(alice, '/cgi-bin/catalog')]));
  assert.equal(h.status, 200, h.text);
  assert.deepEqual(titles(h), ['primera conversación']);
  assert.equal(w.json.user.username, alice.username);
  assert.ok(c.json.categories.length > 0, c.text);
  assert.ok(existsSync(path.join(cacheDir(), `u${alice.user.id}`, 'gen')));
});

test('one user never gets another one\'s answers, alternating', async () => {
  await api(stack, '/cgi-bin/chat', { token: bob.token, form: { message: 'la de bob' } });
  for (let i = 0; i < 4; i++) {
    const [a, b] = await Promise.all([get(alice, '/cgi-bin/history'), get(bob, '/cgi-bin/history')]);
    assert.deepEqual(titles(a), ['primera conversación']);
    assert.deepEqual(titles(b), ['la de bob']);
    const [wa, wb] = await Promise.all([get(alice, '/cgi-bin/login'), get(bob, '/cgi-bin/login')]);
    assert.equal(wa.json.user.username, alice.username);
    assert.equal(wb.json.user.username, bob.username);
  }
  // A token nobody issued is refused, cache or not.
  const forged = { token: alice.token.slice(0, -2) + (alice.token.endsWith('AA') ? 'BB' : 'AA') };
  assert.equal((await get(forged, '/cgi-bin/history')).status, 401);
});

test('a GET that also sends a body is answered for its fields and never kept under its query', async () => {
  // lighttpd refuses such a request; other servers (Apache) pass it on, so
  // the program is run here the way they would run it.
  await warm(alice, '/cgi-bin/catalog');
  const body = 'q=Samsung';
  const out = execFileSync(path.join(ROOT, BUILD, 'cgi-bin/catalog'), {
    input: body, encoding: 'utf8',
    env: { ...stack.env, REQUEST_METHOD: 'GET', CONTENT_TYPE: 'application/x-www-form-urlencoded',
      CONTENT_LENGTH: String(body.length), HTTP_AUTHORIZATION: `Bearer ${alice.token}`, REMOTE_ADDR: '127.0.0.1' },
  });
  const filtered = JSON.parse(out.slice(out.indexOf('\r\n\r\n') + 4));
  assert.ok(filtered.products.length > 0, out);
  for (let i = 0; i < 2; i++) {
    const plain = await get(alice, '/cgi-bin/catalog');
    assert.ok(plain.json.categories && !plain.json.products, plain.text);
  }
});

test('a new conversation, a rename and a deletion show at once', async () => {
  await warm(alice, '/cgi-bin/history');
  const chat = await api(stack, '/cgi-bin/chat', { token: alice.token, form: { message: 'segunda' } });
  const id = chat.json.conversation_id;
  assert.deepEqual(titles(await get(alice, '/cgi-bin/history')), ['segunda', 'primera conversación']);
  await warm(alice, `/cgi-bin/history?id=${id}`);
  const renamed = await api(stack, '/cgi-bin/history', { token: alice.token, form: { action: 'rename', id, title: 'renombrada' } });
  assert.equal(renamed.status, 200, renamed.text);
  assert.deepEqual(titles(await get(alice, '/cgi-bin/history')), ['renombrada', 'primera conversación']);
  assert.equal((await get(alice, `/cgi-bin/history?id=${id}`)).json.conversation.title, 'renombrada');
  await api(stack, '/cgi-bin/history', { token: alice.token, form: { action: 'delete', id } });
  assert.deepEqual(titles(await get(alice, '/cgi-bin/history')), ['primera conversación']);
  assert.equal((await get(alice, `/cgi-bin/history?id=${id}`)).status, 404);
});

test('under concurrent readers filling the cache, every change is seen by the next read', async () => {
  const chat = await api(stack, '/cgi-bin/chat', { token: bob.token, form: { message: 'carrera' } });
  const id = chat.json.conversation_id;
  let stop = false;
  // Readers that keep asking, so that fills of the old answer race each change.
  const readers = [0, 1, 2, 3].map(async () => {
    while (!stop) await get(bob, '/cgi-bin/history');
  });
  try {
    for (let i = 0; i < 40; i++) {
      // Two changes back to back: readers that missed after the first are
      // still reading the database when the second commits.
      for (const title of [`vuelta ${i}`, `vuelta ${i} bis`]) {
        const r = await api(stack, '/cgi-bin/history', { token: bob.token, form: { action: 'rename', id, title } });
        assert.equal(r.status, 200, r.text);
      }
      // Several reads: a stale answer stored a moment late would show in one.
      for (let k = 0; k < 4; k++) {
        const seen = (await get(bob, '/cgi-bin/history')).json.conversations.find((c) => c.id === id).title;
        assert.equal(seen, `vuelta ${i} bis`, `read ${k} after rename ${i}`);
      }
    }
  } finally {
    stop = true;
    await Promise.all(readers);
  }
});

test('after logout the token is refused at once', async () => {
  const carol = await register(stack);
  await warm(carol, '/cgi-bin/history');
  await warm(carol, '/cgi-bin/login');
  const out = await api(stack, '/cgi-bin/logout', { token: carol.token, form: {} });
  assert.equal(out.status, 200, out.text);
  for (const p of ['/cgi-bin/history', '/cgi-bin/login', '/cgi-bin/catalog', '/cgi-bin/models'])
    assert.equal((await get(carol, p)).status, 401, p);
});

test('an administrator disabling an account or changing a role takes effect at once', async () => {
  const dave = await register(stack);
  await warm(dave, '/cgi-bin/login');
  await warm(dave, '/cgi-bin/catalog');
  const promote = await api(stack, '/cgi-bin/config', { token: admin.token, form: { action: 'user', user_id: dave.user.id, role: 'admin' } });
  assert.equal(promote.status, 200, promote.text);
  assert.equal((await get(dave, '/cgi-bin/login')).json.user.role, 'admin');
  const off = await api(stack, '/cgi-bin/config', { token: admin.token, form: { action: 'user', user_id: dave.user.id, disabled: '1' } });
  assert.equal(off.status, 200, off.text);
  assert.equal((await get(dave, '/cgi-bin/login')).status, 401);
  assert.equal((await get(dave, '/cgi-bin/catalog')).status, 401);
});

test('a new default model shows in the model list at once', async () => {
  await warm(alice, '/cgi-bin/models');
  const before = (await get(alice, '/cgi-bin/models')).json;
  const other = before.models.map((m) => m.name).find((n) => n !== before.default);
  assert.ok(other, 'the emulator serves two models');
  const set = await api(stack, '/cgi-bin/config', { token: admin.token, form: { default_model: other } });
  assert.equal(set.status, 200, set.text);
  assert.equal((await get(alice, '/cgi-bin/models')).json.default, other);
});

test('a catalog import shows at once', async () => {
  const q = '/cgi-bin/catalog?q=' + encodeURIComponent('Galaxy S24 Ultra');
  await warm(alice, q);
  const price = (r) => r.json.products.find((p) => p.sku === 'CEL-001').price;
  const old = price(await get(alice, q));
  const csv = path.join(stack.runDir, 'price.csv');
  writeFileSync(csv, 'sku,name,category_slug,brand,price,stock,active,description,features\n' +
    `CEL-001,Samsung Galaxy S24 Ultra 256GB,celulares,Samsung,${old + 1000},14,1,"Otro precio.",5g\n`);
  stack.admin('import-catalog', csv);
  assert.equal(price(await get(alice, q)), old + 1000);
});

test('a change made around microchat is seen once cache_max_age_s has passed', async () => {
  const other = await startStack({ seed: true, env: { CACHE_MAX_AGE_S: '1' } });
  try {
    const erin = await register(other);
    const q = '/cgi-bin/catalog?q=' + encodeURIComponent('Galaxy S24 Ultra');
    const at = async () => (await api(other, q, { token: erin.token })).json.products.find((p) => p.sku === 'CEL-001').stock;
    for (let i = 0; i < 3; i++) await at();
    sqlWrite(other, "UPDATE products SET stock = 3 WHERE sku = 'CEL-001'");
    await eventually(async () => assert.equal(await at(), 3), 3000, 200);
  } finally {
    await other.stop();
  }
});

test('cached requests are counted: the spool is folded in before the figures', async () => {
  await warm(alice, '/cgi-bin/history');
  const before = spooledRequests(stack);
  for (let i = 0; i < 5; i++) await get(alice, '/cgi-bin/history');
  await eventually(() => assert.ok(spooledRequests(stack) >= before + 5));
  const totals = () => stack.sql("SELECT count(*) AS c FROM ops_requests WHERE program = 'history' AND user_id = " + alice.user.id)[0].c;
  const stored = totals();
  const r = await stats(stack, admin.token, 1);
  assert.equal(r.status, 200, r.text);
  assert.equal(spooledRequests(stack), 0, 'stats folded the spool');
  assert.ok(totals() >= stored + 5);
});

test('with cache_max_age_s = 0 nothing is cached and every request is stored directly', async () => {
  const other = await startStack({ env: { CACHE_MAX_AGE_S: '0' } });
  try {
    const frank = await register(other);
    for (let i = 0; i < 3; i++) assert.equal((await api(other, '/cgi-bin/history', { token: frank.token })).status, 200);
    const dir = `${other.dbPath}-cache`;
    assert.ok(!existsSync(dir) || readdirSync(dir).length === 0, 'no cache folder');
    await eventually(() => assert.equal(other.sql("SELECT count(*) AS c FROM ops_requests WHERE program = 'history'")[0].c, 3));
  } finally {
    await other.stop();
  }
});

test('a fully static models hands a list that is due to its twin with libcurl, and answers', async () => {
  // An ELF program with no PT_INTERP header has no dynamic loader.
  const elf = readFileSync(path.join(ROOT, BUILD, 'cgi-bin/models'));
  const phoff = Number(elf.readBigUInt64LE(0x20)), size = elf.readUInt16LE(0x36), count = elf.readUInt16LE(0x38);
  const fullyStatic = ![...Array(count).keys()].some((i) => elf.readUInt32LE(phoff + i * size) === 3);
  const twin = path.join(ROOT, BUILD, 'libexec/models');
  assert.equal(existsSync(twin), fullyStatic, 'libexec/models exists exactly when cgi-bin/models is static');
  // A stack of its own: no list fetched yet, so the first request must fetch.
  const other = await startStack();
  try {
    const gina = await register(other);
    const r = await api(other, '/cgi-bin/models', { token: gina.token });
    assert.equal(r.status, 200, r.text);
    assert.ok(r.json.models.length >= 2, r.text);
    assert.ok(other.sql('SELECT count(*) AS c FROM backend_models')[0].c >= 2, 'the lists were fetched and stored');
  } finally {
    await other.stop();
  }
});
