// A FastCGI worker reads the configuration once and again when its file
// changes (no restart); `workers` sets how many run per program. Always
// runs in FastCGI mode.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startStack, ROOT } from '../lib/stack.mjs';
import { api, eventually } from '../lib/client.mjs';
import { workerPids } from '../lib/procs.mjs';

const base = readFileSync(path.join(ROOT, 'conf/microchat.conf'), 'utf8')
  .replace(/^(body_limit|workers)\s*=.*$/mg, '');
const dir = mkdtempSync(path.join(os.tmpdir(), 'microchat-conf-'));
const confPath = path.join(dir, 'microchat.conf');
const writeConf = (extra) => writeFileSync(confPath, `${base}\n${extra}\n`);

let stack;

before(async () => {
  // lighttpd takes its own body limit from this file once, at start (4 KiB).
  writeConf('body_limit = 4096\nworkers = 3');
  stack = await startStack({ env: { MODE: 'fastcgi', MICROCHAT_CONF: confPath, WORKERS: '' } });
});

after(async () => {
  await stack.stop();
  rmSync(dir, { recursive: true, force: true });
});

// A body of about 3 kB, without a session: 413 over the limit, else 401.
const bigPost = () => api(stack, '/cgi-bin/history',
  { form: { action: 'rename', id: '1', title: 'x'.repeat(3000) } });

test('the workers setting of the file sets the processes per program', async () => {
  // lighttpd starts them one after the other, partly after it listens.
  await eventually(() => {
    assert.equal(workerPids(stack, 'login').length, 3);
    assert.equal(workerPids(stack, 'history').length, 3);
  });
});

test('a changed file is read again by running workers, without a restart', async () => {
  const pids = workerPids(stack, 'login');
  // Every worker has answered once with the first file.
  for (let i = 0; i < 6; i++) assert.equal((await bigPost()).status, 401);

  writeConf('body_limit = 2048\nworkers = 3');
  for (let i = 0; i < 6; i++) {
    const r = await bigPost();
    assert.equal(r.status, 413, `after the change: ${r.status} ${r.text}`);
  }

  writeConf('body_limit = 4096\nworkers = 3');
  for (let i = 0; i < 6; i++) assert.equal((await bigPost()).status, 401);
  assert.deepEqual(workerPids(stack, 'login'), pids, 'the same processes, not restarted ones');
});

test('a broken file is reported, and answers come back once it is fixed', async () => {
  writeConf('body_limit = lots');
  const broken = await api(stack, '/cgi-bin/login');
  assert.equal(broken.status, 500);
  assert.equal(broken.json.error.code, 'internal');
  await eventually(() => assert.match(stack.stderr(), /bad value for 'body_limit'/));

  writeConf('body_limit = 1048576');
  const fixed = await api(stack, '/cgi-bin/login');
  assert.equal(fixed.status, 401);
  assert.equal(fixed.json.error.code, 'unauthorized');
});
