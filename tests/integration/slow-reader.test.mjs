// A client that stops reading a stream does not hold its model backend:
// once a write has waited write_timeout_s the client counts as gone, and
// the reply is generated to its end and stored (as when the browser
// leaves), instead of the process blocking on a full pipe while the model
// connection sits idle. The chat program is run here the way lighttpd runs
// it (CGI environment, a body on stdin), on an output nobody reads.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { startStack, ROOT, BUILD } from '../lib/stack.mjs';
import { register, eventually } from '../lib/client.mjs';
import { stats } from '../lib/pool.mjs';

let stack;
let user;

before(async () => {
  stack = await startStack({ backends: 1 });
  user = await register(stack);
});
after(async () => { await stack.stop(); });

// 32768 chunks: about 1.5 MB of events, far more than a pipe holds.
function chatNobodyReads(writeTimeout) {
  const body = new URLSearchParams({ message: 'mucho texto [[tokens=32768]] [[delay=0]]', num_predict: '32768' }).toString();
  const child = spawn(path.join(ROOT, BUILD, 'cgi-bin/chat'), [], {
    env: {
      ...stack.env, WRITE_TIMEOUT_S: String(writeTimeout),
      GATEWAY_INTERFACE: 'CGI/1.1', REQUEST_METHOD: 'POST', SCRIPT_NAME: '/cgi-bin/chat',
      CONTENT_TYPE: 'application/x-www-form-urlencoded', CONTENT_LENGTH: String(Buffer.byteLength(body)),
      HTTP_AUTHORIZATION: `Bearer ${user.token}`, HTTP_ACCEPT: 'text/event-stream',
      HTTP_HOST: '127.0.0.1', REMOTE_ADDR: '127.0.0.1',
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stdout.pause(); // never read
  child.stdin.end(body);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return { child, exited };
}

test('a stream nobody reads: after write_timeout_s the reply is generated to its end and stored, the backend freed', async () => {
  const emu = stack.emulators[0];
  const before = { ...stats(emu) };
  const { child, exited } = chatNobodyReads(1);
  try {
    const row = await eventually(() => {
      const r = stack.sql("SELECT status, length(content) AS n FROM messages WHERE role = 'assistant' ORDER BY id DESC LIMIT 1")[0];
      assert.equal(r?.status, 'done');
      return r;
    }, 20000, 100);
    assert.ok(row.n > 200000, `the whole reply is stored (${row.n} bytes)`);
    assert.equal(stats(emu).completed, before.completed + 1, 'the model finished');
    assert.equal(stats(emu).in_flight, 0);
    assert.equal(stack.sql('SELECT count(*) AS n FROM backend_leases')[0].n, 0, 'the backend slot was given back');
    await exited;
  } finally {
    child.kill('SIGKILL');
  }
});
