// The HTTP contract's conventions: error envelope and statuses for bad
// input, headers, what lighttpd serves and refuses.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../lib/stack.mjs';
import { api, register } from '../lib/client.mjs';

let stack, user;
before(async () => {
  stack = await startStack({ env: { BODY_LIMIT: '4096' } });
  user = await register(stack);
});
after(async () => { await stack.stop(); });

function assertError(r, status, code) {
  assert.equal(r.status, status, r.text);
  assert.match(r.headers.get('content-type'), /^application\/json; charset=utf-8/);
  assert.equal(r.json.error.code, code);
  assert.equal(typeof r.json.error.message, 'string');
  assert.ok(r.json.error.message.length > 0);
}

test('every program answers a wrong method with 405 and Allow', async () => {
  const cases = [['register', 'GET'], ['logout', 'GET'], ['chat', 'GET'], ['models', 'POST'],
    ['health', 'POST'], ['history', 'PUT'], ['login', 'DELETE']];
  for (const [prog, method] of cases) {
    const r = await api(stack, `/cgi-bin/${prog}`, { method, token: user.token, ...(method === 'POST' ? { form: {} } : {}) });
    assertError(r, 405, 'method_not_allowed');
    assert.ok(r.headers.get('allow'), prog);
  }
});

test('bodies over the limit are refused with 413 before they are read', async () => {
  const r = await api(stack, '/cgi-bin/chat', { token: user.token, form: { message: 'x'.repeat(5000) } });
  assertError(r, 413, 'payload_too_large');
  assert.equal(stack.sql('SELECT count(*) AS n FROM messages')[0].n, 0);
});

test('unknown content types get 415; malformed bodies 400', async () => {
  assertError(await api(stack, '/cgi-bin/login', { raw: 'username=a', headers: { 'Content-Type': 'text/plain' } }), 415, 'unsupported_media_type');
  assertError(await api(stack, '/cgi-bin/login', { json: '{"username": ' }), 400, 'invalid_input');
  assertError(await api(stack, '/cgi-bin/login', { json: '["a"]' }), 400, 'invalid_input');
  assertError(await api(stack, '/cgi-bin/login', { raw: 'username=%ZZ', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } }), 400, 'invalid_input');
  const badUtf8 = Buffer.concat([Buffer.from('message='), Buffer.from([0xc3, 0x28])]);
  assertError(await api(stack, '/cgi-bin/chat', { token: user.token, raw: badUtf8, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } }), 400, 'invalid_input');
  assertError(await api(stack, '/cgi-bin/chat', { token: user.token, json: { message: 'nul\u0000inside' } }), 400, 'invalid_input');
  assertError(await api(stack, '/cgi-bin/chat', { token: user.token, form: { 'bad\nname': '1', message: 'x' } }), 400, 'invalid_input');
  assert.equal(stack.sql('SELECT count(*) AS n FROM messages')[0].n, 0);
});

test('JSON answers carry nosniff, no-store and a restrictive CSP', async () => {
  const r = await api(stack, '/cgi-bin/health');
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(r.headers.get('cache-control'), 'no-store');
  assert.match(r.headers.get('content-security-policy'), /default-src 'none'/);
  assert.equal(r.json.status, 'ok');
  assert.equal(r.json.db, 'ok');
  assert.ok(!r.text.includes(stack.runDir), 'health must not reveal paths');
});

test('pages are served with a strict CSP and no inline script', async () => {
  const r = await fetch(`${stack.url}/`);
  assert.equal(r.status, 200);
  const csp = r.headers.get('content-security-policy');
  assert.match(csp, /script-src 'self'/);
  assert.doesNotMatch(csp, /unsafe-inline/);
  assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
  const html = await r.text();
  assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/i, 'inline script');
  assert.doesNotMatch(html, /\sstyle="/i, 'inline style');
});

test('unknown programs are 404; the database, configuration and dot-files are never served', async () => {
  assert.equal((await fetch(`${stack.url}/cgi-bin/nope`)).status, 404);
  assert.equal((await fetch(`${stack.url}/cgi-bin/microchat-admin`)).status, 404);
  for (const p of ['/db/microchat.db', '/conf/microchat.conf', '/.git/config', '/.npmrc', '/../conf/microchat.conf',
    '/cgi-bin/../../db/microchat.db', '/cgi-bin/history.o', '/db/microchat.db-cache/requests.spool']) {
    const r = await fetch(`${stack.url}${p}`);
    assert.ok([403, 404, 400].includes(r.status), `${p}: ${r.status}`);
  }
});

test('programs that need a login answer 401 without one', async () => {
  for (const [path, o] of [['/cgi-bin/history', {}], ['/cgi-bin/models', {}],
    ['/cgi-bin/chat', { form: { message: 'hi' } }], ['/cgi-bin/history', { form: { action: 'delete', id: '1' } }]]) {
    assertError(await api(stack, path, o), 401, 'unauthorized');
  }
});
