// POST /cgi-bin/data (catalog and office CSV uploads with a dry run) and
// GET /cgi-bin/data?action=backup, through the real server (lighttpd, or
// Apache with MC_SERVER=apache), on the seeded database: who may, what a
// dry run shows and leaves alone, what an import writes and what it refuses
// line by line, wrong headers, the body limit, and a backup taken while a
// reply is being written.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startStack } from '../lib/stack.mjs';
import { api, register, chatStream, sleep } from '../lib/client.mjs';
import { loadSeed } from '../lib/seed.mjs';

const seed = loadSeed();
let stack, admin, user;
before(async () => {
  stack = await startStack({ seed: true, env: { BODY_LIMIT: '65536' } });
  admin = await register(stack); // the first account: the administrator
  user = await register(stack);
});
after(async () => { await stack.stop(); });

const csv = (name, text) => new File([text], name, { type: 'text/csv' });

// A multipart upload: fields, then one `file` part per file (the client's
// FormData, which writes each part with its filename).
async function upload(fields, files, token = admin.token) {
  const body = new FormData();
  for (const [k, v] of Object.entries(fields)) body.append(k, v);
  for (const f of files) body.append('file', f, f.name);
  return api(stack, '/cgi-bin/data', { raw: body, method: 'POST', token });
}

function assertError(r, status, code) {
  assert.equal(r.status, status, r.text);
  assert.match(r.headers.get('content-type'), /^application\/json/);
  assert.equal(r.json.error.code, code);
}

const product = (sku) => stack.sql(`SELECT sku, name, price, stock, active FROM products WHERE sku='${sku}'`)[0];
const sample = seed.active.slice(0, 3);
const header = 'sku,name,category_slug,brand,price,stock,active,description,features';
const field = (v) => (/[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));
const row = (p, price) => [p.sku, p.name, p.category_slug, p.brand, price, p.stock, 1, '', ''].map(field).join(',');

test('only administrators: no login 401, a user 403, every refusal JSON', async () => {
  const file = csv('p.csv', `${header}\n${row(sample[0], 1)}\n`);
  assertError(await upload({ action: 'import_catalog' }, [file], null), 401, 'unauthorized');
  assertError(await upload({ action: 'import_catalog' }, [file], user.token), 403, 'forbidden');
  assertError(await api(stack, '/cgi-bin/data?action=backup', { token: user.token }), 403, 'forbidden');
  assertError(await api(stack, '/cgi-bin/data?action=backup'), 401, 'unauthorized');
  assert.equal(product(sample[0].sku).price, Number(sample[0].price));
});

test('a dry run reports every bad line by file line and writes nothing; the import then writes the good rows', async () => {
  const [a, b, c] = sample;
  const text = [header, row(a, 111111), row(b, '12.5'), row(c, 333333),
    'NEW-1,Producto nuevo,celulares,Acme,99990,4,1,"Con coma, y ""comillas""",5g|negro',
    'NEW-2,Sin categoría,no-existe,Acme,1000,1,1,,'].join('\n');
  const dry = await upload({ action: 'import_catalog', dry_run: '1' }, [csv('precios.csv', text)]);
  assert.equal(dry.status, 200, dry.text);
  assert.equal(dry.json.dry_run, true);
  assert.equal(dry.json.written, false);
  assert.equal(dry.json.rows, 5);
  assert.equal(dry.json.new, 1);
  assert.equal(dry.json.updated, 2);
  assert.equal(dry.json.rejected, 2);
  assert.deepEqual(dry.json.errors.map((e) => [e.file, e.line]), [['precios.csv', 3], ['precios.csv', 6]]);
  assert.match(dry.json.errors[0].message, /price '12.5'/);
  assert.match(dry.json.errors[1].message, /category_slug 'no-existe'/);
  assert.equal(product(a.sku).price, Number(a.price), 'a dry run writes nothing');
  assert.equal(product('NEW-1'), undefined);

  // What the catalog answers before the import, kept by the read cache.
  const before = await api(stack, `/cgi-bin/catalog?q=${encodeURIComponent('Producto nuevo')}`, { token: user.token });
  assert.equal(before.status, 200);
  assert.ok(!before.json.products.some((p) => p.name === 'Producto nuevo'));

  const done = await upload({ action: 'import_catalog' }, [csv('precios.csv', text)]);
  assert.equal(done.status, 200, done.text);
  assert.equal(done.json.written, true);
  assert.deepEqual([done.json.new, done.json.updated, done.json.rejected], [1, 2, 2]);
  assert.equal(product(a.sku).price, 111111);
  assert.equal(product(c.sku).price, 333333);
  assert.equal(product(b.sku).price, Number(b.price), 'a refused line leaves its product as it was');
  assert.equal(product('NEW-1').name, 'Producto nuevo');
  // Shared answers are renewed at once (no stale cache).
  const after = await api(stack, `/cgi-bin/catalog?q=${encodeURIComponent('Producto nuevo')}`, { token: user.token });
  assert.ok(after.json.products.some((p) => p.name === 'Producto nuevo' && p.price === 99990), after.text);
});

test('categories and products in one upload: categories first, whatever the order of the files', async () => {
  const products = csv('productos.csv', `${header}\nNEW-3,Robot de cocina,cocina-robots,Acme,150000,2,1,,\n`);
  const cats = csv('categorias.csv', 'slug,name,parent_slug,name_en,synonyms\ncocina-robots,Robots de cocina,,Kitchen robots,robot|procesador\n');
  const r = await upload({ action: 'import_catalog' }, [products, cats]);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.files.map((f) => [f.name, f.kind, f.new]), [['categorias.csv', 'categories', 1], ['productos.csv', 'products', 1]]);
  assert.equal(product('NEW-3').name, 'Robot de cocina');
});

test('a wrong header is 400 naming the expected columns; a file of the other kind too; nothing written', async () => {
  const before = stack.sql('SELECT count(*) AS n FROM products')[0].n;
  const missing = await upload({ action: 'import_catalog' }, [csv('faltan.csv', 'sku,name,brand\nX-1,Algo,Acme\n')]);
  assertError(missing, 400, 'invalid_input');
  assert.match(missing.json.error.message, /faltan\.csv/);
  assert.match(missing.json.error.message, /sku, name, category_slug, brand, price/);
  assert.deepEqual(missing.json.errors.map((e) => e.line), [1, 1]);
  const unknown = await upload({ action: 'import_catalog' }, [csv('x.csv', 'codigo,precio\n1,2\n')]);
  assertError(unknown, 400, 'invalid_input');
  assert.match(unknown.json.error.message, /categories: slug, name/);
  assert.match(unknown.json.error.message, /products: sku, name/);
  const offices = await upload({ action: 'import_catalog' }, [csv('o.csv', 'municipio,localidades,direccion,telefono\nA,,B,1\n')]);
  assertError(offices, 400, 'invalid_input');
  const wrongKind = await upload({ action: 'import_offices' }, [csv('p.csv', `${header}\n${row(sample[0], 5)}\n`)]);
  assertError(wrongKind, 400, 'invalid_input');
  assert.match(wrongKind.json.error.message, /municipio, localidades, direccion, telefono/);
  // One bad file in an upload refuses the others with it.
  const mixed = await upload({ action: 'import_catalog' }, [csv('ok.csv', `${header}\n${row(sample[0], 7)}\n`),
    csv('bad.csv', 'sku,name,color\n1,2,3\n')]);
  assertError(mixed, 400, 'invalid_input');
  assert.equal(product(sample[0].sku).price, 111111);
  assert.equal(stack.sql('SELECT count(*) AS n FROM products')[0].n, before);
});

test('offices: an update by municipio shows in the directory at once; a file with only bad rows writes nothing', async () => {
  const office = seed.offices[0];
  const text = `municipio,localidades,direccion,telefono\n${[office.municipio, office.localidades.join('|'), 'Calle Nueva 123', '+54 351 555-0000'].map(field).join(',')}\n`;
  const r = await upload({ action: 'import_offices' }, [csv('oficinas.csv', text)]);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual([r.json.updated, r.json.new], [1, 0]);
  const d = await api(stack, `/cgi-bin/directory?q=${encodeURIComponent(office.municipio)}`, { token: user.token });
  assert.equal(d.json.offices[0].direccion, 'Calle Nueva 123');

  const bad = await upload({ action: 'import_offices' }, [csv('malas.csv', 'municipio,localidades,direccion,telefono\nA,,B,abc\nC,,D,xyz\n')]);
  assert.equal(bad.status, 200, bad.text);
  assert.equal(bad.json.written, false);
  assert.deepEqual([bad.json.rows, bad.json.rejected, bad.json.new], [2, 2, 0]);
  assert.deepEqual(bad.json.errors.map((e) => e.line), [2, 3]);
  assert.equal(stack.sql("SELECT count(*) AS n FROM offices WHERE municipio IN ('A', 'C')")[0].n, 0);
});

test('bad requests: no file, unknown action, wrong method, bad dry_run, a body over the limit (413 JSON)', async () => {
  assertError(await upload({ action: 'import_catalog' }, []), 400, 'invalid_input');
  assertError(await upload({ action: 'nada' }, [csv('p.csv', header)]), 400, 'invalid_input');
  assertError(await upload({ action: 'import_catalog', dry_run: '2' }, [csv('p.csv', header)]), 400, 'invalid_input');
  const get = await api(stack, '/cgi-bin/data?action=import_catalog', { token: admin.token });
  assertError(get, 405, 'method_not_allowed');
  assert.equal(get.headers.get('allow'), 'POST');
  assertError(await api(stack, '/cgi-bin/data', { form: { action: 'backup' }, token: admin.token }), 405, 'method_not_allowed');
  const big = `${header}\n${Array.from({ length: 2000 }, (_, i) => `BIG-${i},Producto ${i},celulares,Acme,1000,1,1,,`).join('\n')}\n`;
  assert.ok(big.length > 65536);
  assertError(await upload({ action: 'import_catalog' }, [csv('grande.csv', big)]), 413, 'payload_too_large');
  assert.equal(stack.sql("SELECT count(*) AS n FROM products WHERE sku LIKE 'BIG-%'")[0].n, 0);
  const notUtf8 = new File([Buffer.concat([Buffer.from(`${header}\nL-1,Cami`), Buffer.from([0xf3]), Buffer.from('n,celulares,Acme,1,1,1,,\n')])], 'latin1.csv');
  assertError(await upload({ action: 'import_catalog' }, [notUtf8]), 400, 'invalid_input');
});

test('a backup is a consistent SQLite file, taken while a reply is being written, and it is audited', async () => {
  const streaming = chatStream(stack, user.token, { message: 'cuenta hasta diez [[tokens=30]] [[delay=60]]' });
  await sleep(400);
  const res = await fetch(`${stack.url}/cgi-bin/data?action=backup`, { headers: { Authorization: `Bearer ${admin.token}` } });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'application/vnd.sqlite3');
  assert.match(res.headers.get('content-disposition'), /^attachment; filename="microchat-\d{8}-\d{6}\.db"$/);
  assert.equal(res.headers.get('cache-control'), 'no-store');
  const bytes = Buffer.from(await res.arrayBuffer());
  // A host that compresses everything sends it gzipped, without a length.
  if (!res.headers.get('content-encoding')) assert.equal(Number(res.headers.get('content-length')), bytes.length);
  assert.equal(bytes.subarray(0, 16).toString('latin1'), 'SQLite format 3\0');
  const s = await streaming;
  assert.equal(s.status, 200);

  const dir = mkdtempSync(path.join(os.tmpdir(), 'microchat-backup-'));
  try {
    const file = path.join(dir, 'copy.db');
    writeFileSync(file, bytes);
    const q = (sql) => execFileSync('sqlite3', [file, sql], { encoding: 'utf8' }).trim();
    assert.equal(q('PRAGMA integrity_check'), 'ok');
    assert.equal(q('PRAGMA foreign_key_check'), '');
    assert.equal(Number(q('SELECT count(*) FROM users')), 2);
    assert.equal(q("SELECT name FROM products WHERE sku = 'NEW-1'"), 'Producto nuevo');
    assert.equal(Number(q('PRAGMA user_version')), stack.sql('PRAGMA user_version')[0].user_version);
    // The reply being written when the copy was taken is in it, as it was then.
    assert.ok(Number(q("SELECT count(*) FROM messages WHERE role = 'user' AND content LIKE 'cuenta hasta diez%'")) === 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const config = await api(stack, '/cgi-bin/config', { token: admin.token });
  const actions = config.json.audit.map((e) => e.action);
  assert.ok(actions.includes('data.backup'), actions.join());
  assert.ok(actions.includes('data.import'), actions.join());
  assert.ok(!stack.sql("SELECT count(*) AS n FROM audit_log WHERE action = 'data.import' AND detail LIKE '%0 new, 0 updated%'")[0].n,
    'a dry run or an upload that wrote nothing is not recorded as an import');
});
