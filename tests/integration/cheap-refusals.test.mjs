// Refusals stay cheap: what can be refused without a password hash, a
// backend probe or a write is refused that way. register checks open
// registration and a per-address limit before Argon2id; the login throttle
// counts an attempt before the password check (parallel guesses count);
// health answers from the recorded state; directory's q is bounded; and
// lighttpd refuses a body over body_limit before reading it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { startStack, MODE } from '../lib/stack.mjs';
import { api, register, uniqueName, sleep } from '../lib/client.mjs';
import { sqlWrite } from '../lib/ops.mjs';

let stack;
let admin;

before(async () => {
  stack = await startStack({
    seed: true,
    env: { REGISTER_MAX_PER_IP: '4', HEALTH_PROBE_MS: '5000', BODY_LIMIT: '4096' },
  });
  admin = await register(stack);
});
after(async () => { await stack.stop(); });

const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
async function timed(fn) {
  const t0 = performance.now();
  const r = await fn();
  return { r, ms: performance.now() - t0 };
}

test('20 parallel wrong guesses for one account: at most login_max_failures answered 401, the rest 429', async () => {
  const victim = await register(stack);
  const guesses = await Promise.all(Array.from({ length: 20 }, (_, i) =>
    api(stack, '/cgi-bin/login', { form: { username: victim.username, password: `wrong guess ${i}` } })));
  const counts = {};
  for (const g of guesses) counts[g.status] = (counts[g.status] || 0) + 1;
  assert.ok((counts[401] || 0) <= 5, JSON.stringify(counts));
  assert.equal((counts[401] || 0) + (counts[429] || 0), 20, JSON.stringify(counts));
  for (const g of guesses.filter((x) => x.status === 429)) {
    assert.equal(g.json.error.code, 'rate_limited');
    assert.ok(Number(g.headers.get('retry-after')) > 0);
  }
  // Even the right password waits now, and a success elsewhere is not throttled.
  const right = await api(stack, '/cgi-bin/login', { form: { username: victim.username, password: victim.password } });
  assert.equal(right.status, 429);
  const other = await api(stack, '/cgi-bin/login', { form: { username: admin.username, password: admin.password } });
  assert.equal(other.status, 200, other.text);
});

test('a closed registration is refused before the password is hashed', async () => {
  // Wrong passwords for unknown names: each one costs an Argon2id check.
  const hashed = [];
  for (let i = 0; i < 5; i++)
    hashed.push((await timed(() => api(stack, '/cgi-bin/login', { form: { username: uniqueName('nadie'), password: 'no es esta' } }))).ms);
  sqlWrite(stack, "INSERT INTO settings(key, value) VALUES ('open_registration', '0')");
  try {
    const refused = [];
    for (let i = 0; i < 5; i++) {
      const { r, ms } = await timed(() => api(stack, '/cgi-bin/register', { form: { username: uniqueName('cerrado'), password: 'una clave larga' } }));
      assert.equal(r.status, 403, r.text);
      assert.equal(r.json.error.code, 'registration_closed');
      refused.push(ms);
    }
    assert.ok(median(refused) < median(hashed) / 2,
      `refused in ${median(refused).toFixed(1)} ms, a hash costs ${median(hashed).toFixed(1)} ms`);
  } finally {
    sqlWrite(stack, "DELETE FROM settings WHERE key = 'open_registration'");
  }
});

test('registrations from one address are limited (register_max_per_ip) before hashing, with Retry-After', async () => {
  // The admin, the victim above: two of four. Two more pass, then 429.
  const left = 4 - Number(stack.sql("SELECT count(*) AS n FROM login_failures WHERE key LIKE 'reg:%'")[0].n);
  for (let i = 0; i < left; i++) await register(stack);
  const { r, ms } = await timed(() => api(stack, '/cgi-bin/register', { form: { username: uniqueName('otro'), password: 'una clave larga' } }));
  assert.equal(r.status, 429, r.text);
  assert.equal(r.json.error.code, 'rate_limited');
  assert.ok(Number(r.headers.get('retry-after')) > 0);
  assert.ok(ms < 1000);
  // A name that is taken is answered before the limit is even counted.
  const taken = await api(stack, '/cgi-bin/register', { form: { username: admin.username, password: 'una clave larga' } });
  assert.equal(taken.status, 409);
});

test('health: a burst of calls costs one probe and no write; the next probe comes after health_probe_ms', async () => {
  const emu = stack.emulators[0];
  const tags = () => emu.state.stats.paths['/api/tags'] || 0;
  await sleep(5100); // the probes of startStack's first requests are old enough
  const first = await api(stack, '/cgi-bin/health');
  assert.equal(first.status, 200);
  assert.equal(first.json.backends[0].ok, true);
  assert.ok(first.json.backends[0].checked_at);
  const probes = tags();
  // What a write would change: the database file (a plain CGI's last
  // connection checkpoints into it), the WAL of the workers that keep it
  // open (FastCGI; a plain CGI's WAL comes and goes with its readers), the
  // request log, the backends' row.
  const wal = `${stack.dbPath}-wal`;
  const written = () => ({
    db: statSync(stack.dbPath).mtimeMs,
    wal: MODE === 'fastcgi' && existsSync(wal) ? statSync(wal).mtimeMs : null,
    requests: stack.sql('SELECT count(*) AS n FROM ops_requests')[0].n,
    backend: stack.sql('SELECT * FROM backends'),
  });
  // Frames earlier requests left in the WAL would be copied into the file
  // by whichever process closes last: copy them now.
  sqlWrite(stack, 'PRAGMA wal_checkpoint(TRUNCATE)');
  const before = written();
  const burst = await Promise.all(Array.from({ length: 20 }, () => api(stack, '/cgi-bin/health')));
  for (const h of burst) assert.equal(h.json.status, 'ok');
  assert.equal(tags(), probes, 'no backend was probed again');
  assert.deepEqual(written(), before, 'nothing was written to the database');
  await sleep(5100);
  await api(stack, '/cgi-bin/health');
  assert.equal(tags(), probes + 1, 'once health_probe_ms has passed, one probe');
});

test('directory: q over 200 bytes is refused with 400; 200 bytes of noise answers at once', async () => {
  const long = await api(stack, `/cgi-bin/directory?q=${'a'.repeat(201)}`, { token: admin.token });
  assert.equal(long.status, 400);
  assert.equal(long.json.error.code, 'invalid_input');
  const noise = 'zq'.repeat(25) + ' ' + 'xw'.repeat(74);
  const { r, ms } = await timed(() => api(stack, `/cgi-bin/directory?q=${encodeURIComponent(noise)}`, { token: admin.token }));
  assert.equal(r.status, 200);
  assert.ok(ms < 2000, `${ms.toFixed(0)} ms`);
  const cat = await api(stack, `/cgi-bin/catalog?q=${'b'.repeat(201)}`, { token: admin.token });
  assert.equal(cat.status, 400);
});

test('lighttpd refuses a body over body_limit before reading it, with the JSON envelope', async () => {
  const conf = readFileSync(path.join(stack.runDir, 'lighttpd.conf'), 'utf8');
  assert.match(conf, /server\.max-request-size = 4\b/);
  // A 50 MB body announced, not one byte sent: the answer comes at once.
  const answer = await new Promise((resolve, reject) => {
    const sock = net.connect(stack.port, '127.0.0.1', () => {
      sock.write('POST /cgi-bin/chat HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n' +
        'Content-Length: 50000000\r\n\r\n');
    });
    let got = '';
    sock.on('data', (d) => { got += d; });
    sock.on('end', () => resolve(got));
    sock.on('error', reject);
    setTimeout(() => { sock.destroy(); resolve(got); }, 3000);
  });
  assert.match(answer, /^HTTP\/1\.1 413/);
  assert.match(answer, /Content-Type: application\/json/i);
  assert.match(answer, /"code":"payload_too_large"/);
  // Just over the limit, as a client would send it: the same answer.
  const r = await api(stack, '/cgi-bin/chat', { token: admin.token, form: { message: 'x'.repeat(4090) } });
  assert.equal(r.status, 413);
  assert.equal(r.json.error.code, 'payload_too_large');
});
