// Secrets, files and hosts: no answer shows a backend's user:password;
// the database, its WAL and SHM and the cache are the owner's alone
// whatever the umask, and a cache folder others could write in is not
// used; a Host the site does not answer to is refused before anything
// happens (DNS rebinding); under HTTPS the cookie is __Host-session; and a
// deleted conversation's text is gone from the database file and its WAL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, readdirSync, statSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startStack, ROOT, BUILD } from '../lib/stack.mjs';
import { api, register, chatStream, sleep } from '../lib/client.mjs';

let stack;
let admin;
let oldMask;

before(async () => {
  oldMask = process.umask(0); // the most permissive: every mode below is the programs' own doing
  stack = await startStack({ backends: 1, backendUrls: ['http://admin:s3cret@127.0.0.1:9'] });
  admin = await register(stack);
});
after(async () => {
  process.umask(oldMask);
  await stack.stop();
});

// A request with a Host header of our choosing (fetch does not allow one).
function withHost(s, host, method = 'GET', p = '/cgi-bin/health', body = '') {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: s.port, method, path: p,
      headers: { Host: host, 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.on('data', (d) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text, json: (() => { try { return JSON.parse(text); } catch { return null; } })() }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const mode = (f) => statSync(f).mode & 0o777;

test('stats and health never show a backend\'s user:password', async () => {
  const s = await api(stack, '/cgi-bin/stats', { token: admin.token });
  assert.equal(s.status, 200, s.text);
  assert.doesNotMatch(s.text, /s3cret|admin:/);
  assert.ok(s.json.backends.some((b) => b.url === 'http://127.0.0.1:9'), JSON.stringify(s.json.backends));
  const h = await api(stack, '/cgi-bin/health');
  assert.doesNotMatch(h.text, /s3cret/);
});

test('the database, its WAL and SHM, and the cache are 0600 (folders 0700) under umask 000', async () => {
  // A reply being written keeps the database open: its -wal and -shm exist.
  let seen;
  const first = new Promise((resolve) => { seen = resolve; });
  const done = chatStream(stack, admin.token, { message: 'archivos [[tokens=20]] [[delay=100]]' },
    { onEvent: (ev) => { if (ev.event === 'token') seen(); } });
  await first;
  for (let i = 0; i < 3; i++) await api(stack, '/cgi-bin/history', { token: admin.token });
  for (const f of [stack.dbPath, `${stack.dbPath}-wal`, `${stack.dbPath}-shm`])
    assert.equal(mode(f).toString(8), '600', f);
  const root = `${stack.dbPath}-cache`;
  assert.equal(mode(root).toString(8), '700');
  const walk = (d) => readdirSync(d).flatMap((n) => {
    const p = path.join(d, n);
    return statSync(p).isDirectory() ? [[p, 'dir'], ...walk(p)] : [[p, 'file']];
  });
  const all = walk(root);
  assert.ok(all.filter(([, k]) => k === 'file').length >= 3, 'entries, generations, the spool');
  for (const [p, kind] of all) assert.equal(mode(p).toString(8), kind === 'dir' ? '700' : '600', p);
  await done;
});

test('a cache folder others may write in is not used: a clear line in the log, and answers still come', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'microchat-shared-'));
  chmodSync(dir, 0o777);
  const s = await startStack({ backends: 1, env: { CACHE_DIR: dir } });
  try {
    const u = await register(s);
    for (let i = 0; i < 3; i++) assert.equal((await api(s, '/cgi-bin/history', { token: u.token })).status, 200);
    assert.deepEqual(readdirSync(dir), [], 'nothing was written there');
    assert.match(s.errorLog() + s.stderr(), /cache: .*microchat-shared-.* may be written by group or others: running without the read cache/);
  } finally {
    await s.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a cache folder that belongs to another user is not used', { skip: process.getuid() !== 0 && 'needs root to give a folder away' }, async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'microchat-theirs-'));
  const cache = path.join(dir, 'cache');
  spawnSync('mkdir', ['-m', '700', cache]);
  spawnSync('chown', ['nobody', cache]);
  const s = await startStack({ backends: 1, env: { CACHE_DIR: cache } });
  try {
    const u = await register(s);
    assert.equal((await api(s, '/cgi-bin/history', { token: u.token })).status, 200);
    assert.deepEqual(readdirSync(cache), []);
    assert.match(s.errorLog() + s.stderr(), /belongs to another user: running without the read cache/);
  } finally {
    await s.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a Host the site does not answer to gets 421 before anything happens (DNS rebinding)', async () => {
  const fresh = await startStack({ backends: 1 });
  try {
    const r = await withHost(fresh, `rebind.example:${fresh.port}`, 'POST', '/cgi-bin/register', 'username=mallory&password=una+clave+larga');
    assert.equal(r.status, 421, r.text);
    assert.match(r.headers['content-type'], /application\/json/);
    assert.equal(r.json.error.code, 'misdirected_request');
    assert.equal(fresh.sql('SELECT count(*) AS n FROM users')[0].n, 0, 'no account was made');
    assert.equal((await withHost(fresh, 'rebind.example')).status, 421);
    for (const host of [`localhost:${fresh.port}`, `127.0.0.1:${fresh.port}`, `[::1]:${fresh.port}`, 'LOCALHOST'])
      assert.equal((await withHost(fresh, host)).status, 200, host);
    assert.match(fresh.errorLog() + fresh.stderr(), /refused Host 'rebind\.example/);
  } finally {
    await fresh.stop();
  }
  const pub = await startStack({ backends: 1, env: { PUBLIC_URL: 'https://chat.example.org/microchat/' } });
  try {
    assert.equal((await withHost(pub, 'chat.example.org')).status, 200);
    assert.equal((await withHost(pub, 'chat.example.org:443')).status, 200);
    assert.equal((await withHost(pub, 'other.example.org')).status, 421);
  } finally {
    await pub.stop();
  }
  const any = await startStack({ backends: 1, env: { ALLOWED_HOSTS: '*' } });
  try {
    assert.equal((await withHost(any, 'anything.example')).status, 200);
  } finally {
    await any.stop();
  }
});

// A program run as the server runs it, under HTTPS.
function cgi(name, env, body = '') {
  const r = spawnSync(path.join(ROOT, BUILD, 'cgi-bin', name), [], {
    input: body, encoding: 'utf8',
    env: { ...stack.env, GATEWAY_INTERFACE: 'CGI/1.1', HTTPS: 'on', HTTP_HOST: '127.0.0.1', REMOTE_ADDR: '127.0.0.1',
      CONTENT_LENGTH: String(Buffer.byteLength(body)), ...env },
  });
  const [head, ...rest] = r.stdout.split('\r\n\r\n');
  return { head, body: rest.join('\r\n\r\n') };
}

test('under HTTPS the session cookie is __Host-session (Secure, Path=/, no Domain); session is still read', async () => {
  const form = 'username=segura_1&password=una+clave+larga';
  const reg = cgi('register', { REQUEST_METHOD: 'POST', CONTENT_TYPE: 'application/x-www-form-urlencoded' }, form);
  assert.match(reg.head, /^Status: 201/);
  const cookie = reg.head.split('\r\n').find((l) => l.startsWith('Set-Cookie:'));
  assert.match(cookie, /^Set-Cookie: __Host-session=[A-Za-z0-9_-]{43}; Path=\/; .*HttpOnly; SameSite=Strict; Secure$/);
  assert.doesNotMatch(cookie, /Domain=/i);
  const token = cookie.match(/__Host-session=([^;]+)/)[1];
  for (const c of [`__Host-session=${token}`, `session=${token}`]) {
    const me = cgi('login', { REQUEST_METHOD: 'GET', HTTP_COOKIE: c });
    assert.match(me.head, /^Status: 200/, c);
    assert.equal(JSON.parse(me.body).user.username, 'segura_1');
  }
  const out = cgi('logout', { REQUEST_METHOD: 'POST', HTTP_COOKIE: `__Host-session=${token}`, CONTENT_TYPE: 'application/x-www-form-urlencoded' });
  assert.match(out.head, /Set-Cookie: __Host-session=; Path=\/; Max-Age=0/);
});

test('a deleted conversation\'s text is in neither the database file nor its WAL', async () => {
  const marker = `MARCA${Date.now()}${Math.floor(Math.random() * 1e6)}`;
  const r = await api(stack, '/cgi-bin/chat', { token: admin.token, form: { message: `recuerda ${marker} por favor` } });
  assert.equal(r.status, 200, r.text);
  // (A plain CGI's WAL comes and goes with the processes that read.)
  const bytes = (f) => { try { return readFileSync(f); } catch { return Buffer.alloc(0); } };
  const holds = () => [stack.dbPath, `${stack.dbPath}-wal`].filter((f) => bytes(f).includes(marker));
  assert.ok(holds().length > 0 || stack.sql(`SELECT count(*) AS n FROM messages WHERE content LIKE '%${marker}%'`)[0].n > 0,
    'the text is stored before the delete');
  const del = await api(stack, '/cgi-bin/history', { token: admin.token, form: { action: 'delete', id: String(r.json.conversation_id) } });
  assert.equal(del.status, 200);
  await sleep(100);
  assert.deepEqual(holds(), [], 'the marker is gone from the files');
  assert.equal(stack.sql(`SELECT count(*) AS n FROM nlu_log WHERE message LIKE '%${marker}%'`)[0].n, 0);
});
