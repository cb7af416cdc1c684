// Accounts end to end through lighttpd: register, login, who-am-I, logout,
// cookies and Bearer tokens, throttling, the Origin check.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../lib/stack.mjs';
import { api, register, uniqueName, curl } from '../lib/client.mjs';

let stack;
before(async () => {
  stack = await startStack({ env: { LOGIN_MAX_FAILURES: '3', LOGIN_WINDOW_SECONDS: '60' } });
});
after(async () => { await stack.stop(); });

test('the first account is admin, later ones are users', async () => {
  const a = await register(stack, 'FirstAdmin');
  assert.equal(a.user.role, 'admin');
  assert.match(a.user.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  const b = await register(stack);
  assert.equal(b.user.role, 'user');
  const rows = stack.sql("SELECT username, role, password_hash FROM users ORDER BY id");
  assert.equal(rows[0].role, 'admin');
  assert.match(rows[0].password_hash, /^\$argon2id\$/);
});

test('the session cookie is HttpOnly, SameSite=Strict, Path=/ and the token is stored only hashed', async () => {
  const name = uniqueName('cookie');
  const r = await api(stack, '/cgi-bin/register', { form: { username: name, password: 'long enough 1' } });
  assert.equal(r.status, 201);
  const cookie = r.headers.get('set-cookie');
  assert.match(cookie, /^session=[A-Za-z0-9_-]{43};/);
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /SameSite=Strict/);
  assert.match(cookie, /Path=\//);
  assert.doesNotMatch(cookie, /Secure/); // plain HTTP here
  const token = r.json.token;
  const stored = stack.sql('SELECT token_hash FROM sessions').map((s) => s.token_hash);
  assert.ok(stored.every((h) => /^[0-9a-f]{64}$/.test(h) && h !== token));
  const me = await api(stack, '/cgi-bin/login', { cookie: `session=${token}` });
  assert.equal(me.status, 200);
  assert.equal(me.json.user.username, name);
});

test('usernames are unique regardless of case; bad names and passwords are refused', async () => {
  const name = uniqueName('Dup');
  await register(stack, name);
  const again = await api(stack, '/cgi-bin/register', { form: { username: name.toLowerCase(), password: 'whatever12' } });
  assert.equal(again.status, 409);
  assert.equal(again.json.error.code, 'conflict');
  for (const [username, password] of [['ab', 'password1'], ['has space', 'password1'], ['x'.repeat(33), 'password1'],
    ['okname', 'short'], ['okname2', 'p'.repeat(1025)], ['', '']]) {
    const r = await api(stack, '/cgi-bin/register', { form: { username, password } });
    assert.equal(r.status, 400, `${username}/${password.length}`);
    assert.equal(r.json.error.code, 'invalid_input');
  }
  assert.equal(stack.sql(`SELECT count(*) AS n FROM users WHERE username_key='${name.toLowerCase()}'`)[0].n, 1);
});

test('login: right password works, wrong name and wrong password get the same answer', async () => {
  const u = await register(stack);
  const ok = await api(stack, '/cgi-bin/login', { form: { username: u.username.toUpperCase(), password: u.password } });
  assert.equal(ok.status, 200);
  assert.equal(ok.json.user.username, u.username);
  assert.match(ok.headers.get('set-cookie'), /^session=/);
  const wrongPw = await api(stack, '/cgi-bin/login', { form: { username: u.username, password: 'not the one' } });
  const noUser = await api(stack, '/cgi-bin/login', { form: { username: uniqueName('ghost'), password: 'not the one' } });
  assert.equal(wrongPw.status, 401);
  assert.equal(noUser.status, 401);
  assert.deepEqual(wrongPw.json, noUser.json);
});

test('an unknown user costs the same time as a wrong password (the hash is always checked)', async () => {
  const time = async (username) => {
    const t0 = performance.now();
    await api(stack, '/cgi-bin/login', { form: { username, password: 'wrong password' } });
    return performance.now() - t0;
  };
  // A new name each time, known or not, so that throttling never answers early.
  // The minimum of several runs is what the work costs; load only adds to it.
  const known = [], unknown = [];
  for (let i = 0; i < 5; i++) {
    known.push(await time((await register(stack)).username));
    unknown.push(await time(uniqueName('nobody')));
  }
  const k = Math.min(...known), n = Math.min(...unknown);
  // Both include an Argon2id verification; skipping it would be many times faster.
  assert.ok(n > k * 0.5 && n < k * 2, `unknown ${n.toFixed(1)} ms vs known ${k.toFixed(1)} ms`);
});

test('too many failures for one account answer 429 with Retry-After, even with the right password', async () => {
  const u = await register(stack);
  for (let i = 0; i < 3; i++) {
    const r = await api(stack, '/cgi-bin/login', { form: { username: u.username, password: `bad${i}bad${i}` } });
    assert.equal(r.status, 401);
  }
  const blocked = await api(stack, '/cgi-bin/login', { form: { username: u.username, password: u.password } });
  assert.equal(blocked.status, 429);
  assert.equal(blocked.json.error.code, 'rate_limited');
  const wait = Number(blocked.headers.get('retry-after'));
  assert.ok(wait > 0 && wait <= 60, `Retry-After ${wait}`);
  // Other accounts are not affected.
  const other = await register(stack);
  const fine = await api(stack, '/cgi-bin/login', { form: { username: other.username, password: other.password } });
  assert.equal(fine.status, 200);
});

test('logout revokes the token it was called with and clears the cookie', async () => {
  const u = await register(stack);
  const second = await api(stack, '/cgi-bin/login', { form: { username: u.username, password: u.password } });
  const out = await api(stack, '/cgi-bin/logout', { method: 'POST', token: u.token });
  assert.equal(out.status, 200);
  assert.deepEqual(out.json, { ok: true });
  assert.match(out.headers.get('set-cookie'), /session=;.*Max-Age=0/);
  const gone = await api(stack, '/cgi-bin/login', { token: u.token });
  assert.equal(gone.status, 401);
  assert.equal(gone.json.error.code, 'unauthorized');
  const still = await api(stack, '/cgi-bin/login', { token: second.json.token });
  assert.equal(still.status, 200); // only that session was revoked
  const twice = await api(stack, '/cgi-bin/logout', { method: 'POST', token: u.token });
  assert.equal(twice.status, 200);
});

test('who-am-I without or with a bad token is 401', async () => {
  for (const o of [{}, { token: 'x'.repeat(43) }, { token: 'short' }, { cookie: 'session=' }]) {
    const r = await api(stack, '/cgi-bin/login', o);
    assert.equal(r.status, 401);
    assert.equal(r.json.error.code, 'unauthorized');
  }
});

test('a state-changing request from another origin is refused', async () => {
  const name = uniqueName('origin');
  const r = await api(stack, '/cgi-bin/register', {
    form: { username: name, password: 'password12' },
    headers: { Origin: 'http://evil.example' },
  });
  assert.equal(r.status, 403);
  assert.equal(r.json.error.code, 'forbidden');
  assert.equal(stack.sql(`SELECT count(*) AS n FROM users WHERE username='${name}'`)[0].n, 0);
  const same = await api(stack, '/cgi-bin/register', {
    form: { username: name, password: 'password12' },
    headers: { Origin: stack.origin },
  });
  assert.equal(same.status, 201);
});

test('curl users register and log in with -d, -F and JSON', async () => {
  const n1 = uniqueName('curlD'), n2 = uniqueName('curlF'), n3 = uniqueName('curlJ');
  const d = await curl(['-d', `username=${n1}&password=password12`, `${stack.url}/cgi-bin/register`]);
  assert.equal(d.status, 201);
  const f = await curl(['-F', `username=${n2}`, '-F', 'password=password12', `${stack.url}/cgi-bin/register`]);
  assert.equal(f.status, 201);
  const j = await curl(['-H', 'Content-Type: application/json', '-d', JSON.stringify({ username: n3, password: 'password12' }),
    `${stack.url}/cgi-bin/register`]);
  assert.equal(j.status, 201);
  const login = await curl(['-F', `username=${n2}`, '-F', 'password=password12', `${stack.url}/cgi-bin/login`]);
  assert.equal(login.status, 200);
  const me = await curl(['-H', `Authorization: Bearer ${login.json.token}`, `${stack.url}/cgi-bin/login`]);
  assert.equal(me.json.user.username, n2);
});
