// Migration 006 rebuilds the tables whose ids clients see or processes
// hold as AUTOINCREMENT (ids never reused): a database with rows at schema
// 5 comes out with every row, index, trigger and full-text entry intact,
// its foreign keys still cascading, and no id handed out twice.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, BUILD } from '../lib/stack.mjs';

const dir = mkdtempSync(path.join(os.tmpdir(), 'microchat-migrate-'));
const db = path.join(dir, 'old.db');
after(() => rmSync(dir, { recursive: true, force: true }));

const sqlite = (sql, json = false) => execFileSync('sqlite3', [...(json ? ['-json'] : []), '-cmd', '.timeout 5000', db],
  { input: sql, encoding: 'utf8' });
const rows = (sql) => { const out = sqlite(sql, true).trim(); return out ? JSON.parse(out) : []; };

// Schema 5 exactly as the migrations 001-005 made it, then rows in it.
function schema5() {
  const files = readdirSync(path.join(ROOT, 'db/migrations')).filter((f) => /^00[1-5]_.*\.sql$/.test(f)).sort();
  for (const f of files) sqlite(readFileSync(path.join(ROOT, 'db/migrations', f), 'utf8'));
  sqlite(`PRAGMA user_version = 5; PRAGMA foreign_keys = ON;
    INSERT INTO users(id, username, username_key, password_hash, role) VALUES
      (1, 'Ana', 'ana', 'h1', 'admin'), (2, 'beto', 'beto', 'h2', 'user'), (7, 'caro', 'caro', 'h3', 'user');
    INSERT INTO sessions(user_id, token_hash, expires_at) VALUES (1, 't1', 9999999999), (2, 't2', 9999999999);
    INSERT INTO conversations(id, user_id, title, model) VALUES (1, 1, 'uno', 'm:1b'), (2, 2, 'dos', NULL), (5, 7, 'cinco', 'm:1b');
    INSERT INTO messages(conversation_id, role, content, status) VALUES
      (1, 'user', 'hola', 'done'), (1, 'assistant', 'qué tal', 'done'), (2, 'user', 'eh', 'done'),
      (2, 'assistant', 'a medias', 'streaming'), (5, 'user', 'último', 'done');
    INSERT INTO settings(key, value, updated_by) VALUES ('temperature', '0.3', 1);
    INSERT INTO audit_log(actor_id, actor, action, target, detail) VALUES (1, 'Ana', 'setting', 'temperature', 'x');
    INSERT INTO backends(url) VALUES ('http://127.0.0.1:9');
    INSERT INTO backend_leases(url, pid, started_ms, expires_ms) VALUES ('http://127.0.0.1:9', 1, 1, 2);
    INSERT INTO categories(id, slug, name, synonyms) VALUES (1, 'celulares', 'Celulares', '["telefono"]');
    INSERT INTO categories(id, slug, name, parent_id) VALUES (2, 'gamer', 'Gamer', 1);
    INSERT INTO products(sku, name, category_id, brand, price, features) VALUES
      ('S1', 'Galaxy Zeta', 1, 'Samsung', 300000, '["5g","amoled"]'), ('S2', 'Pixel Nueve', 2, 'Google', 500000, '["5g"]');
    INSERT INTO offices(municipio, localidades, direccion) VALUES ('Río Cuarto', '["Holmberg"]', 'Calle 1'), ('Córdoba', '[]', 'Calle 2');
    INSERT INTO nlu_log(user_id, message_id, intent, confidence, message, found) VALUES (1, 2, 'general', 0.5, 'hola', 1);
    INSERT INTO nlu_log_products(log_id, product_id) VALUES (1, 1);`);
}

// Every row of every table (the columns it had), and the full-text answers.
function snapshot(tables) {
  const out = {};
  for (const [t, cols] of Object.entries(tables))
    out[t] = rows(`SELECT ${cols.map((c) => `"${c}"`).join(', ')} FROM "${t}" ORDER BY ${cols.map((_, i) => i + 1).join(', ')}`);
  out.fts = rows("SELECT rowid FROM products_fts WHERE products_fts MATCH 'telefono' ORDER BY rowid");
  out.ofts = rows("SELECT rowid FROM offices_fts WHERE offices_fts MATCH 'holmberg' ORDER BY rowid");
  return out;
}

test('a schema 5 database with rows migrates with every row, index and trigger, and ids are never reused', () => {
  schema5();
  const tables = Object.fromEntries(rows("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND sql NOT LIKE 'CREATE VIRTUAL%' AND name NOT LIKE '%fts_%'")
    .map(({ name }) => [name, rows(`SELECT name FROM pragma_table_xinfo('${name}') WHERE hidden = 0`).map((c) => c.name)]));
  const before = snapshot(tables);
  const objects = (type) => rows(`SELECT name FROM sqlite_schema WHERE type = '${type}' AND name NOT LIKE 'sqlite_%' ORDER BY name`).map((r) => r.name);
  const [indexes, triggers] = [objects('index'), objects('trigger')];

  const out = execFileSync(path.join(ROOT, BUILD, 'bin/microchat-admin'), ['migrate'],
    { env: { ...process.env, DB_PATH: db, MICROCHAT_CONF: path.join(ROOT, 'conf/microchat.conf') }, encoding: 'utf8' });
  assert.match(out, /applied migration 006_integrity/); // and any later one

  assert.deepEqual(snapshot(tables), before, 'every row is as it was');
  for (const i of indexes) assert.ok(objects('index').includes(i), `index ${i}`);
  for (const t of triggers) assert.ok(objects('trigger').includes(t), `trigger ${t}`);
  assert.equal(rows('PRAGMA integrity_check')[0].integrity_check, 'ok');
  assert.deepEqual(rows('PRAGMA foreign_key_check'), []);
  const autoinc = rows("SELECT name FROM sqlite_schema WHERE sql LIKE '%AUTOINCREMENT%'").map((r) => r.name);
  for (const t of ['audit_log', 'backend_leases', 'categories', 'conversations', 'messages', 'offices',
    'products', 'sessions', 'users'])
    assert.ok(autoinc.includes(t), `${t} is AUTOINCREMENT`);
  assert.equal(rows("SELECT seq FROM sqlite_sequence WHERE name = 'users'")[0].seq, 7);

  // The triggers and foreign keys still work on the rebuilt tables.
  const totals = () => Object.fromEntries(rows('SELECT name, n FROM ops_totals').map((r) => [r.name, r.n]));
  const t0 = totals();
  sqlite("PRAGMA foreign_keys = ON; DELETE FROM users WHERE id = 7;");
  assert.equal(rows('SELECT count(*) AS n FROM conversations WHERE user_id = 7')[0].n, 0, 'cascaded');
  assert.deepEqual(totals(), { ...t0, users: t0.users - 1, conversations: t0.conversations - 1, messages: t0.messages - 1 });
  sqlite("INSERT INTO products(sku, name, category_id, brand, price) VALUES ('S3', 'Nuevo Fono', 1, 'Moto', 1)");
  assert.equal(rows("SELECT count(*) AS n FROM products_fts WHERE products_fts MATCH 'nuevo'")[0].n, 1);
  assert.equal(rows("SELECT count(*) AS n FROM product_features")[0].n, 3);
  // The ids of the rows just deleted (users 7, conversation 5) are not handed out again.
  sqlite("INSERT INTO users(username, username_key, password_hash) VALUES ('dani', 'dani', 'h')");
  assert.equal(rows("SELECT id FROM users WHERE username = 'dani'")[0].id, 8);
  sqlite("INSERT INTO conversations(user_id, title) VALUES (1, 'nueva')");
  assert.equal(rows("SELECT id FROM conversations WHERE title = 'nueva'")[0].id, 6);
  // Deleting a message takes what the NLU logged of it along.
  sqlite("PRAGMA foreign_keys = ON; DELETE FROM conversations WHERE id = 1;");
  assert.equal(rows('SELECT count(*) AS n FROM nlu_log')[0].n, 0);
});
