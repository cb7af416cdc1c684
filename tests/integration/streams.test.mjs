// Replies being generated: at most max_streams_per_user at once for one
// user (decided inside the write that starts a reply, so concurrent starts
// cannot all slip through), and no reply left 'streaming' once its process
// is gone: killed, interrupted, or its server stopped.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startStack, freePort, ROOT, BUILD, MODE } from '../lib/stack.mjs';
import { api, register, chatStream, eventually, sleep } from '../lib/client.mjs';

let stack;
let a;
let b;

before(async () => {
  // The product's default limit (the test stacks raise it for other tests).
  stack = await startStack({ backends: 1, env: { MAX_STREAMS_PER_USER: '' } });
  [a, b] = [await register(stack), await register(stack)];
});
after(async () => { await stack.stop(); });

const slow = (tag) => ({ message: `${tag} [[tokens=30]] [[delay=100]]` });
const streamOf = (id) => stack.sql(`SELECT * FROM reply_streams WHERE message_id = ${Number(id)}`)[0];
const message = (id) => stack.sql(`SELECT id, content, status, error_code FROM messages WHERE id = ${Number(id)}`)[0];

// Start a slow streamed chat and resolve once its first token arrived.
function started(user, fields) {
  let first;
  const seen = new Promise((resolve) => { first = resolve; });
  let meta = null;
  const done = chatStream(stack, user.token, fields, {
    onEvent: (ev) => { if (ev.event === 'meta') meta = ev.data; if (ev.event === 'token') first(); },
  });
  return { seen: Promise.race([seen, done]), done, meta: () => meta };
}

test('six chats started at once by one user: three are generated, three refused with 429 too_many_streams', async () => {
  const before = stack.sql("SELECT count(*) AS n FROM messages WHERE role = 'user'")[0].n;
  const runs = await Promise.all(Array.from({ length: 6 }, (_, i) => chatStream(stack, a.token, slow(`a la vez ${i}`))));
  const ok = runs.filter((s) => s.status === 200);
  const refused = runs.filter((s) => s.status === 429);
  assert.equal(ok.length, 3, runs.map((s) => s.status).join(' '));
  assert.equal(refused.length, 3);
  for (const s of refused) {
    assert.equal(s.json.error.code, 'too_many_streams');
    assert.match(s.headers.get('content-type'), /application\/json/);
  }
  for (const s of ok) assert.equal(s.events.at(-1).data.status, 'done');
  assert.equal(stack.sql("SELECT count(*) AS n FROM messages WHERE role = 'user'")[0].n - before, 3,
    'a refused message is not stored');
  assert.equal(stack.sql('SELECT count(*) AS n FROM reply_streams')[0].n, 0, 'every stream row went with its reply');
});

test('the limit is per user: B chats while A has three replies in flight; A may chat again once one ends', async () => {
  const three = [1, 2, 3].map((i) => started(a, slow(`ocupado ${i}`)));
  await Promise.all(three.map((t) => t.seen));
  const fourth = await api(stack, '/cgi-bin/chat', { token: a.token, form: { message: 'una más [[tokens=2]]' } });
  assert.equal(fourth.status, 429, fourth.text);
  assert.equal(fourth.json.error.code, 'too_many_streams');
  const other = await api(stack, '/cgi-bin/chat', { token: b.token, form: { message: 'yo también [[tokens=2]]' } });
  assert.equal(other.status, 200, other.text);
  assert.equal(other.json.message.status, 'done');
  // Stop one of A's: a slot frees at once.
  const stop = await api(stack, '/cgi-bin/chat', { token: a.token, form: { action: 'stop', message_id: String(three[0].meta().message_id) } });
  assert.equal(stop.status, 200);
  await three[0].done;
  const again = await api(stack, '/cgi-bin/chat', { token: a.token, form: { message: 'ahora sí [[tokens=2]]' } });
  assert.equal(again.status, 200, again.text);
  await Promise.all(three.map((t) => t.done));
});

test('a chat process killed outright: its reply becomes partial (with what was saved) when read, and frees its slot', async () => {
  const t = started(a, slow('me matan'));
  await t.seen;
  const { message_id: id, conversation_id: conv } = t.meta();
  // Until a save or two reached the database (every 300 ms).
  await eventually(() => assert.match(message(id).content, /^tok1 tok2 /), 5000);
  const row = streamOf(id);
  assert.ok(row && row.pid > 0, 'the reply has its process on record');
  process.kill(row.pid, 'SIGKILL');
  await t.done;
  assert.equal(message(id).status, 'streaming', 'nobody has read it yet');
  const h = await api(stack, `/cgi-bin/history?id=${conv}`, { token: a.token });
  const reply = h.json.messages.find((m) => m.id === id);
  assert.equal(reply.status, 'partial');
  assert.equal(reply.error_code, 'interrupted');
  assert.match(reply.content, /^tok1 tok2 /, 'what was saved is kept');
  assert.equal(message(id).status, 'partial');
  assert.equal(streamOf(id), undefined);
  // Read again (cache or not): still partial.
  const h2 = await api(stack, `/cgi-bin/history?id=${conv}`, { token: a.token });
  assert.equal(h2.json.messages.find((m) => m.id === id).status, 'partial');
});

test('a reply left streaming by an older version (no process on record) is settled when read', async () => {
  const r = await api(stack, '/cgi-bin/chat', { token: b.token, form: { message: 'viejo [[tokens=2]]' } });
  const conv = r.json.conversation_id;
  // At the end of the current path (after the reply), as an old turn left it.
  stack.write(`INSERT INTO messages(conversation_id, parent_id, role, content, status, updated_at)
    VALUES (${conv}, ${r.json.message.id}, 'assistant', 'a medias', 'streaming', '2020-01-01T00:00:00Z')`);
  const h = await api(stack, `/cgi-bin/history?id=${conv}`, { token: b.token });
  const old = h.json.messages.at(-1);
  assert.equal(old.content, 'a medias');
  assert.equal(old.status, 'partial');
  // A chat in the same conversation settles too (no row left streaming).
  assert.equal(stack.sql(`SELECT count(*) AS n FROM messages WHERE conversation_id = ${conv} AND status = 'streaming'`)[0].n, 0);
});

test('SIGINT (Ctrl-C reaches every process of make run): the reply stops and is stored as partial', async () => {
  const t = started(a, slow('ctrl-c'));
  await t.seen;
  await sleep(400);
  const id = t.meta().message_id;
  process.kill(streamOf(id).pid, 'SIGINT');
  const s = await t.done;
  const last = s.events.at(-1);
  assert.equal(last.data.status, 'partial');
  await eventually(() => assert.equal(message(id).status, 'partial'), 3000);
  assert.equal(message(id).error_code, 'interrupted');
  assert.match(message(id).content, /^tok1 /);
  assert.ok(!message(id).content.includes('tok30'));
});

// make run itself (conf/run.sh): migrate, settle, seed, then lighttpd.
async function makeRun() {
  const runDir = mkdtempSync(path.join(os.tmpdir(), 'microchat-run-'));
  const port = await freePort();
  const env = {
    ...stack.env, RUN_DIR: runDir, PORT: String(port), DB_PATH: path.join(runDir, 'run.db'), BUILD, MODE,
    OLLAMA_URL: stack.emulators[0].url,
  };
  // Its own process group, as a terminal's foreground job.
  const proc = spawn('sh', [path.join(ROOT, 'conf/run.sh')], { env, detached: true, stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  const s = { url, dbPath: env.DB_PATH };
  await eventually(async () => assert.equal((await fetch(`${url}/cgi-bin/health`)).status, 200), 20000, 100);
  const gone = new Promise((resolve) => proc.once('exit', resolve));
  return { s, proc, gone, cleanup: () => rmSync(runDir, { recursive: true, force: true }) };
}

async function interruptedBy(stopIt) {
  const run = await makeRun();
  try {
    const u = await register(run.s);
    let meta = null;
    let first;
    const seen = new Promise((resolve) => { first = resolve; });
    const done = chatStream(run.s, u.token, slow('apagón'), {
      onEvent: (ev) => { if (ev.event === 'meta') meta = ev.data; if (ev.event === 'token') first(); },
    }).catch(() => null);
    await seen;
    await sleep(400);
    stopIt(run.proc);
    await run.gone;
    await done;
    const q = `SELECT status, error_code, content FROM messages WHERE id = ${meta.message_id}`;
    return await eventually(() => {
      const row = JSON.parse(execFileSync('sqlite3', ['-json', '-cmd', '.timeout 5000', run.s.dbPath, q], { encoding: 'utf8' }))[0];
      assert.equal(row.status, 'partial');
      return row;
    }, 5000, 100);
  } finally {
    try { process.kill(-run.proc.pid, 'SIGKILL'); } catch { /* gone */ }
    run.cleanup();
  }
}

test('Ctrl-C of make run (SIGINT to its process group): the reply being written is stored as partial', async () => {
  const row = await interruptedBy((proc) => process.kill(-proc.pid, 'SIGINT'));
  assert.equal(row.error_code, 'interrupted');
  assert.match(row.content, /^tok1 /);
});

test('SIGTERM of make run: the reply being written is stored as partial, not left streaming or run on', async () => {
  const row = await interruptedBy((proc) => process.kill(proc.pid, 'SIGTERM'));
  assert.equal(row.error_code, 'interrupted');
  assert.ok(!row.content.includes('tok30'));
});
