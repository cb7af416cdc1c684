// Many requests through one FastCGI worker must not make it grow: what a
// request allocates is released when it ends. The worker's resident memory
// is read from /proc before and after. Always runs in FastCGI mode.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, BUILD } from '../lib/stack.mjs';
import { api, register } from '../lib/client.mjs';
import { workerPids, memoryKb } from '../lib/procs.mjs';

// Sanitizer builds keep freed memory in quarantine: there LeakSanitizer
// (the worker exits cleanly when lighttpd stops) does this job instead.
const measure = !BUILD.includes('asan');
const ALLOWED_GROWTH_KB = 256;

let stack;
let user;
let convo;

before(async () => {
  // MODELS_TTL_MS=0: every model list request goes to the backend
  // (libcurl), none is answered from a cached list.
  stack = await startStack({ env: { MODE: 'fastcgi', WORKERS: '1', MODELS_TTL_MS: '0' } });
  user = await register(stack);
  const c = await api(stack, '/cgi-bin/chat', { token: user.token, form: { message: 'una conversación para leer' } });
  convo = c.json.conversation_id;
});

after(async () => { await stack.stop(); });

// n requests, 4 at a time (the worker takes them one by one).
async function hammer(n, make) {
  let next = 0;
  const lane = async () => {
    while (next < n) {
      const i = next++;
      const r = await make(i);
      if (r.status >= 500) throw new Error(`request ${i}: ${r.status} ${r.text}`);
    }
  };
  await Promise.all([lane(), lane(), lane(), lane()]);
}

function soleWorker(name) {
  const pids = workerPids(stack, name);
  assert.equal(pids.length, 1, `one ${name} worker: ${pids}`);
  return pids[0];
}

async function grows(t, name, n, make) {
  const pid = soleWorker(name);
  await hammer(200, make); // warm up: caches and statements settle
  const beforeKb = memoryKb(pid);
  await hammer(n, make);
  const afterKb = memoryKb(pid);
  assert.equal(soleWorker(name), pid, `the ${name} worker was replaced`);
  const growth = afterKb.rssKb - beforeKb.rssKb;
  t.diagnostic(`${name}: ${beforeKb.rssKb} kB -> ${afterKb.rssKb} kB after ${n} requests`);
  return { growth, beforeKb, afterKb };
}

const historyMix = (i) => {
  switch (i % 5) {
    case 0: return api(stack, '/cgi-bin/history', { token: user.token });
    case 1: return api(stack, `/cgi-bin/history?id=${convo}`, { token: user.token });
    case 2: return api(stack, '/cgi-bin/history', { token: user.token, json: '{"action": ' });
    case 3: return api(stack, '/cgi-bin/history', { token: user.token,
      form: { action: 'rename', id: String(convo), title: `título ${i} ${'x'.repeat(i % 150)}` } });
    default: return api(stack, '/cgi-bin/history?q=conversaci%C3%B3n&limit=10', { cookie: `session=${user.token}` });
  }
};

test('history: 2000 requests (reads, writes, errors) through one worker', async (t) => {
  const { growth, beforeKb, afterKb } = await grows(t, 'history', 2000, historyMix);
  if (measure)
    assert.ok(growth <= ALLOWED_GROWTH_KB, `grew ${growth} kB (${beforeKb.rssKb} -> ${afterKb.rssKb})`);
});

test('login: 2000 who-am-i requests, with and without a session', async (t) => {
  const { growth } = await grows(t, 'login', 2000, (i) => (i % 3
    ? api(stack, '/cgi-bin/login', { token: user.token })
    : api(stack, '/cgi-bin/login', { cookie: 'session=not-a-token' })));
  if (measure) assert.ok(growth <= ALLOWED_GROWTH_KB, `grew ${growth} kB`);
});

test('models: 1000 requests, each asking the backend (libcurl)', async (t) => {
  const { growth } = await grows(t, 'models', 1000, () => api(stack, '/cgi-bin/models', { token: user.token }));
  if (measure) assert.ok(growth <= ALLOWED_GROWTH_KB, `grew ${growth} kB`);
});
