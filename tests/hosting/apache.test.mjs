// What only Apache shows, on the shared-hosting tarball unpacked in a home
// directory by a user that is not root (MC_SERVER=apache; tests/lib/apache.mjs):
// the .htaccess files at work (CGI, CGIPassAuth, headers, what is never
// served), the stream left uncompressed on a host that compresses
// everything, JSON refusals that arrive whole even when the program never
// read the body, the programs finding microchat-data/ from their own path
// under /~user/, and an upgrade unpacked over a running install.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { startStack, SERVER } from '../lib/stack.mjs';
import { api, register, chatStream, tokensOf } from '../lib/client.mjs';
import { distTarball } from '../lib/apache.mjs';

const skip = SERVER !== 'apache' && 'runs with MC_SERVER=apache';
let stack, admin;
before(async () => {
  if (skip) return;
  stack = await startStack({ seed: true, emulator: { delayMs: 5 } });
  admin = await register(stack);
});
after(async () => { await stack?.stop(); });

const raw = (url, o = {}) => fetch(url, { redirect: 'manual', ...o });

test('the site opens at /microchat/ with the pages\' security headers; the programs keep their own', { skip }, async () => {
  const bare = await raw(stack.url);
  assert.equal(bare.status, 301);
  assert.match(bare.headers.get('location'), /\/microchat\/$/);
  for (const p of ['/', '/admin.html', '/js/main.js', '/css/base.css']) {
    const r = await raw(`${stack.url}${p}`);
    assert.equal(r.status, 200, p);
    assert.match(r.headers.get('content-security-policy'), /^default-src 'self'; script-src 'self'/, p);
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff', p);
    assert.equal(r.headers.get('x-frame-options'), 'DENY', p);
    assert.equal(r.headers.get('referrer-policy'), 'no-referrer', p);
  }
  assert.match((await raw(`${stack.url}/js/main.js`)).headers.get('content-type'), /^text\/javascript/);
  const r = await raw(`${stack.url}/cgi-bin/health`);
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-security-policy'), "default-src 'none'; frame-ancestors 'none'", 'one policy, the program\'s');
  assert.equal(r.headers.get('x-frame-options'), 'DENY');
});

test('never served: dot files, the programs\' helpers, a folder with the data .htaccess, anything outside public_html', { skip }, async () => {
  const pub = path.join(stack.home, 'public_html/microchat');
  const asUser = process.getuid() === 0 ? { uid: stack.user.uid, gid: stack.user.gid } : {};
  // What a careless upload could leave: a .git folder, the data folder's copy inside the site.
  execFileSync('sh', ['-c', `mkdir -p .git probe && echo secret > .git/config && echo secret > probe/microchat.conf && cp ../../microchat-data/.htaccess probe/`],
    { cwd: pub, ...asUser });
  for (const p of ['/.htaccess', '/cgi-bin/.htaccess', '/.git/config', '/libexec/models', '/libexec/', '/cgi-bin/',
    '/probe/microchat.conf', '/probe/']) {
    const r = await raw(`${stack.url}${p}`);
    assert.equal(r.status, 403, `${p}: ${r.status}`);
    assert.doesNotMatch(await r.text(), /secret/);
  }
  for (const p of ['/microchat-data/microchat.conf', '/microchat-data/db/microchat.db', '/../microchat-data/db/microchat.db']) {
    const r = await raw(`${stack.origin}${p}`);
    assert.ok([400, 403, 404].includes(r.status), `${p}: ${r.status}`);
  }
});

test('the first request made the database in microchat-data/db/, owned by the site\'s user', { skip }, async () => {
  const st = statSync(stack.dbPath);
  assert.equal(st.uid, stack.user.uid);
  assert.equal(statSync(`${stack.dbPath}.lock`).uid, stack.user.uid);
  assert.match(stack.errorLog(), /created at schema/);
});

test('Authorization: Bearer reaches the programs (CGIPassAuth); models come through the twin in libexec/', { skip }, async () => {
  const who = await api(stack, '/cgi-bin/login', { token: admin.token });
  assert.equal(who.status, 200, who.text);
  assert.equal(who.json.user.username, admin.username);
  const models = await api(stack, '/cgi-bin/models', { token: admin.token });
  assert.equal(models.status, 200, models.text);
  assert.ok(models.json.models.some((m) => m.name === 'llama3.2:1b'), models.text);
});

test('the stream is never compressed, on a host that compresses everything; tokens arrive as written', { skip }, async () => {
  // A program's JSON answer (the category tree) is compressed: the host does compress.
  const json = await raw(`${stack.url}/cgi-bin/catalog`, { headers: { Authorization: `Bearer ${admin.token}`, 'Accept-Encoding': 'gzip' } });
  assert.equal(json.status, 200);
  assert.equal(json.headers.get('content-encoding'), 'gzip', 'the host does compress');
  const times = [];
  const s = await chatStream(stack, admin.token, { message: 'describe el mar [[tokens=6]] [[delay=250]]' },
    { onEvent: (ev) => { if (ev.event === 'token') times.push(ev.t); } });
  assert.equal(s.status, 200);
  assert.equal(s.headers.get('content-encoding'), null);
  assert.match(s.headers.get('cache-control'), /no-transform/);
  assert.equal(tokensOf(s.events), 'tok1 tok2 tok3 tok4 tok5 tok6');
  assert.equal(times.length, 6);
  assert.ok(times[5] - times[0] > 900, `spread over the reply: ${times.map(Math.round).join(', ')}`);
});

test('refusals arrive whole even when the body is never read: 413 over the limit, 405, another origin', { skip }, async () => {
  const big = 'x'.repeat(3 * 1024 * 1024);
  for (let i = 0; i < 4; i++) {
    const r = await api(stack, '/cgi-bin/chat', { token: admin.token, form: { message: big } });
    assert.equal(r.status, 413, r.text);
    assert.equal(r.json.error.code, 'payload_too_large');
    const m = await api(stack, '/cgi-bin/catalog', { token: admin.token, form: { q: 'y'.repeat(300000) } });
    assert.equal(m.status, 405, m.text);
    assert.equal(m.json.error.code, 'method_not_allowed');
    const o = await api(stack, '/cgi-bin/history', { token: admin.token, headers: { Origin: 'http://evil.example' },
      form: { action: 'delete', id: '1', pad: 'z'.repeat(200000) } });
    assert.equal(o.status, 403, o.text);
    assert.equal(o.json.error.code, 'forbidden');
  }
});

test('under /~user/ (the server\'s document root elsewhere) the programs find microchat-data/ from their own path', { skip }, async () => {
  const base = { url: stack.userUrl };
  const page = await raw(`${stack.userUrl}/`);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /src="js\/main\.js"/);
  const who = await api(base, '/cgi-bin/login', { token: admin.token });
  assert.equal(who.status, 200, who.text);
  const u = await register(base);
  assert.equal(u.user.role, 'user', 'the same database: the admin exists already');
  const cats = await api(base, '/cgi-bin/catalog', { token: u.token });
  assert.ok(cats.json.categories.length > 10);
});

test('a new tarball unpacked over the install keeps the settings, the database and the sessions', { skip }, async () => {
  const conf = readFileSync(stack.confPath, 'utf8');
  const users = stack.sql('SELECT count(*) AS n FROM users')[0].n;
  const asUser = process.getuid() === 0 ? { uid: stack.user.uid, gid: stack.user.gid } : {};
  execFileSync('tar', ['-xzf', distTarball(), '-C', stack.home, '--strip-components=1'], { ...asUser, stdio: 'pipe' });
  assert.equal(readFileSync(stack.confPath, 'utf8'), conf);
  assert.equal(stack.sql('SELECT count(*) AS n FROM users')[0].n, users);
  const who = await api(stack, '/cgi-bin/login', { token: admin.token });
  assert.equal(who.status, 200, who.text);
  const s = await chatStream(stack, admin.token, { message: 'sigue funcionando [[tokens=3]]' });
  assert.equal(tokensOf(s.events), 'tok1 tok2 tok3');
});

test('the widget\'s page under Apache: framed only by the assistant\'s origins, its URLs from the site\'s folder', { skip }, async () => {
  const save = await api(stack, '/cgi-bin/assistants', { token: admin.token,
    form: { action: 'save', slug: 'tienda', embed_origins: 'https://shop.example' } });
  assert.equal(save.status, 200, save.text);
  for (const [p, base] of [['/cgi-bin/embed?assistant=tienda', '../'], ['/embed.html?assistant=tienda', './']]) {
    const r = await raw(`${stack.url}${p}`);
    assert.equal(r.status, 200, p);
    assert.match(r.headers.get('content-type'), /^text\/html/, p);
    const csp = r.headers.get('content-security-policy');
    assert.match(csp, /frame-ancestors https:\/\/shop\.example$/, `${p}: ${csp}`);
    assert.doesNotMatch(csp, /'none'$/, `${p}: one policy, the program's`);
    assert.equal(r.headers.get('x-frame-options'), null, p);
    assert.ok((await r.text()).includes(`<base href="${base}">`), p);
  }
  // The widget and a visitor through it, with a Bearer token.
  assert.match((await raw(`${stack.url}/widget.js`)).headers.get('content-type'), /^text\/javascript/);
  const guest = await api(stack, '/cgi-bin/guest', { form: { assistant: 'tienda' } });
  assert.equal(guest.status, 201, guest.text);
  const s = await chatStream(stack, guest.json.token, { message: 'busco celulares samsung', assistant: 'tienda' });
  assert.equal(s.status, 200);
  assert.ok(s.events[0].data.context.products.length > 0);
});
