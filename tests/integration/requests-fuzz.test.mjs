// Request fuzzing of the programs for replies, feedback, sharing, export,
// import and accounts: a few hundred requests made from a seeded random mix
// of methods, content types, field names and values (ids of other users, of
// nothing, negative, huge, text where a number goes, control characters,
// broken UTF-8, nested JSON, multipart without its end). Whatever comes, the
// answer is one of the statuses a client can act on, in the JSON envelope
// (or the download or the stream it asked for), never a 500, and the other
// user's data is untouched.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../lib/stack.mjs';
import { api, register } from '../lib/client.mjs';

let stack, ana, beto, mine, theirs;
before(async () => {
  stack = await startStack();
  await register(stack); // the administrator: ana and beto are plain users
  ana = await register(stack);
  beto = await register(stack);
  mine = (await api(stack, '/cgi-bin/chat', { token: ana.token, form: { message: 'de ana' } })).json;
  theirs = (await api(stack, '/cgi-bin/chat', { token: beto.token, form: { message: 'de beto, intocable' } })).json;
  await api(stack, '/cgi-bin/history', { token: beto.token, form: { action: 'share', id: theirs.conversation_id } });
});
after(async () => { await stack.stop(); });

// A small seeded generator (mulberry32), so a failure can be replayed.
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PROGRAMS = {
  chat: ['action', 'message_id', 'message', 'conversation_id', 'model', 'temperature', 'num_predict', 'stream'],
  history: ['action', 'id', 'message_id', 'title', 'archived', 'q', 'before', 'limit'],
  feedback: ['message_id', 'rating', 'comment'],
  export: ['id', 'format', 'lang'],
  import: ['file', 'format', 'version', 'conversations'],
  shared: ['token'],
  account: ['action', 'current_password', 'new_password', 'password', 'session_id'],
  config: ['action', 'user_id', 'messages_per_day', 'tokens_per_day'],
};
const ACTIONS = ['regenerate', 'edit', 'continue', 'stop', 'send', 'switch', 'share', 'unshare', 'pin', 'unpin',
  'archive', 'unarchive', 'password', 'revoke', 'delete', 'reset_password', 'delete_user', 'set_quota', 'x', ''];

function value(r) {
  const ids = [theirs.message.id, theirs.user_message_id, theirs.conversation_id, mine.message.id, mine.conversation_id,
    beto.user.id, 0, -1, 99999999, '9'.repeat(30), '1e3', '0x10', ' 7', '7 '];
  const texts = ['', ' ', 'hola', 'x'.repeat(r() < 0.1 ? 40000 : 300), '\u0001\u0002', 'ñandú 🚀', '%00', "'; DROP TABLE users; --",
    '<script>alert(1)</script>', 'up', 'down', 'none', 'md', 'json', 'en', '[]', '{"a":', 'null'];
  const pick = (list) => list[Math.floor(r() * list.length)];
  const k = r();
  if (k < 0.35) return String(pick(ids));
  if (k < 0.55) return pick(ACTIONS);
  return pick(texts);
}

function fields(r, names) {
  const out = {};
  const n = 1 + Math.floor(r() * 4);
  for (let i = 0; i < n; i++) out[r() < 0.9 ? names[Math.floor(r() * names.length)] : `f${i}[x]`] = value(r);
  return out;
}

// One request: [path, options].
function request(r, prog) {
  const f = fields(r, PROGRAMS[prog]);
  const kind = r();
  const token = r() < 0.9 ? ana.token : undefined;
  const path = `/cgi-bin/${prog}`;
  // Control characters in a URL are the web server's to refuse (with its
  // own page): they go in bodies only.
  if (kind < 0.25) {
    const q = Object.fromEntries(Object.entries(f).map(([k, v]) => [k, v.replace(/[\u0000-\u001f\u007f]/g, '')]));
    return [`${path}?${new URLSearchParams(q)}`, { token }];
  }
  if (kind < 0.55) return [path, { token, form: f }];
  if (kind < 0.75) {
    const json = r() < 0.2 ? [f] : r() < 0.2 ? { ...f, nested: { deep: [1, { x: null }] } } : f;
    return [path, { token, json }];
  }
  if (kind < 0.85) return [path, { token, multipart: f }];
  const raw = r() < 0.5 ? Buffer.from([0xff, 0xfe, 0x00, 0x41, 0xc3, 0x28]) : '--B\r\nContent-Disposition: form-data; name="file"\r\n\r\n[';
  const type = r() < 0.5 ? 'multipart/form-data; boundary=B' : pickType(r);
  return [path, { token, raw, headers: { 'Content-Type': type }, method: r() < 0.1 ? 'PUT' : 'POST' }];
}

function pickType(r) {
  return ['application/json', 'application/x-www-form-urlencoded', 'text/plain', 'application/json; charset=latin1'][Math.floor(r() * 4)];
}

const FINE = new Set([200, 400, 401, 403, 404, 405, 409, 413, 415, 429, 502, 503]);

test('hundreds of odd requests: a clear answer each, no 500, nothing of another user touched', async () => {
  const r = rng(Number(process.env.FUZZ_SEED || 13));
  const before = stack.sql(`SELECT id, content, status, selected FROM messages WHERE conversation_id=${theirs.conversation_id} ORDER BY id`);
  const programs = Object.keys(PROGRAMS);
  let n = 0;
  for (let i = 0; i < 320; i++) {
    const prog = programs[i % programs.length];
    const [path, o] = request(r, prog);
    const res = await api(stack, path, o);
    n++;
    const what = `${o.method || (o.form || o.json || o.multipart || o.raw ? 'POST' : 'GET')} ${path.slice(0, 120)} ${JSON.stringify(o.form || o.json || '').slice(0, 160)}`;
    assert.ok(FINE.has(res.status), `${res.status} for ${what}: ${res.text.slice(0, 200)}`);
    const type = res.headers.get('content-type') || '';
    if (res.status !== 200) {
      assert.match(type, /^application\/json; charset=utf-8/, what);
      assert.equal(typeof res.json?.error?.code, 'string', what);
    } else {
      assert.match(type, /^(application\/json|text\/markdown|text\/event-stream)/, what);
    }
  }
  assert.equal(n, 320);
  const after = stack.sql(`SELECT id, content, status, selected FROM messages WHERE conversation_id=${theirs.conversation_id} ORDER BY id`);
  assert.deepEqual(after, before, "the other user's conversation is as it was");
  assert.equal(stack.sql(`SELECT count(*) AS n FROM shares WHERE conversation_id=${theirs.conversation_id}`)[0].n, 1);
  assert.equal((await api(stack, '/cgi-bin/login', { token: beto.token })).status, 200, 'the other user is still logged in');
  assert.ok(!/internal error/.test(stack.errorLog() + stack.stderr()), 'no internal error in the log');
});
