// Two users' requests alternating through ONE FastCGI worker per program:
// nothing of one request (user, fields, headers, cookies, errors) may reach
// the next. Always runs in FastCGI mode, whatever MC_MODE says.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startStack } from '../lib/stack.mjs';
import { api, register, eventually } from '../lib/client.mjs';
import { workerPids } from '../lib/procs.mjs';

let stack;
let alice;
let bob;
const convos = new Map(); // user name -> [conversation ids]
let pids;

async function chat(user, message) {
  const r = await api(stack, '/cgi-bin/chat', { token: user.token, form: { message } });
  assert.equal(r.status, 200, r.text);
  return r.json.conversation_id;
}

before(async () => {
  stack = await startStack({ env: { MODE: 'fastcgi', WORKERS: '1' } });
  alice = await register(stack, 'alice_fcgi', 'alice password 1');
  bob = await register(stack, 'bob_fcgi', 'bob password 22');
  convos.set(alice.username, [await chat(alice, 'secreto de alice uno'), await chat(alice, 'secreto de alice dos')]);
  convos.set(bob.username, [await chat(bob, 'secret of bob')]);
  // lighttpd starts the workers one after the other, partly after it listens.
  await eventually(() => assert.equal(workerPids(stack, 'logout').length, 1));
  pids = Object.fromEntries(['history', 'login', 'register', 'logout'].map((p) => [p, workerPids(stack, p)]));
});

after(async () => { await stack.stop(); });

test('each program is served by exactly one persistent worker; chat by none', async () => {
  for (const [name, list] of Object.entries(pids))
    assert.equal(list.length, 1, `${name}: ${list}`);
  const conf = readFileSync(path.join(stack.runDir, 'lighttpd.conf'), 'utf8');
  assert.match(conf, /"bin-path"\s*=>\s*"[^"]*\/cgi-bin\/history"/);
  assert.doesNotMatch(conf, /"bin-path"\s*=>\s*"[^"]*\/cgi-bin\/chat"/);
  // The chat processes of before() end with their replies.
  await eventually(() => assert.deepEqual(workerPids(stack, 'chat'), [], 'chat stays plain CGI'));
});

// Alice's names and words all contain "alice", Bob's "bob".
function assertOnlyOwn(user, body) {
  const other = user === alice ? 'bob' : 'alice';
  const text = JSON.stringify(body).toLowerCase();
  assert.ok(!text.includes(other), `${user.username} saw ${other}'s data: ${text}`);
}

test('alternating requests of two users never show one user the other\'s data', async () => {
  for (let round = 0; round < 15; round++) {
    for (const user of [alice, bob]) {
      const mine = convos.get(user.username);
      const list = await api(stack, '/cgi-bin/history', { token: user.token });
      assert.equal(list.status, 200);
      assert.deepEqual(list.json.conversations.map((c) => c.id).sort(), [...mine].sort());
      assertOnlyOwn(user, list.json);
      assert.equal(list.headers.get('set-cookie'), null, 'history sets no cookie');

      const one = await api(stack, `/cgi-bin/history?id=${mine[0]}`, { token: user.token });
      assert.equal(one.status, 200);
      assertOnlyOwn(user, one.json);

      const who = await api(stack, '/cgi-bin/login', { cookie: `session=${user.token}` });
      assert.equal(who.status, 200);
      assert.equal(who.json.user.username, user.username);
      assert.equal(who.headers.get('set-cookie'), null, 'who-am-i sets no cookie');

      // The other user's conversation, through the same worker: 404 as if absent.
      const theirs = convos.get((user === alice ? bob : alice).username)[0];
      const foreign = await api(stack, `/cgi-bin/history?id=${theirs}`, { token: user.token });
      assert.equal(foreign.status, 404);
      assertOnlyOwn(user, foreign.json);

      // Nobody: the previous request's user must not linger in the worker.
      const anon = await api(stack, '/cgi-bin/history');
      assert.equal(anon.status, 401);
      const anonWho = await api(stack, '/cgi-bin/login');
      assert.equal(anonWho.status, 401);
      assert.equal(anonWho.json.user, undefined);
    }
  }
});

test('a login\'s cookie and token go to that user only; the next answers carry none', async () => {
  for (let round = 0; round < 5; round++) {
    for (const user of [alice, bob]) {
      const r = await api(stack, '/cgi-bin/login', { form: { username: user.username, password: user.password } });
      assert.equal(r.status, 200);
      assert.equal(r.json.user.username, user.username);
      const cookie = r.headers.get('set-cookie');
      assert.match(cookie, new RegExp(`^session=${r.json.token};`));
      assert.equal((cookie.match(/session=/g) || []).length, 1, `one cookie only: ${cookie}`);
      const who = await api(stack, '/cgi-bin/login', { token: r.json.token });
      assert.equal(who.json.user.username, user.username);

      const wrong = await api(stack, '/cgi-bin/login', { form: { username: user.username, password: 'not the password' } });
      assert.equal(wrong.status, 401);
      assert.equal(wrong.headers.get('set-cookie'), null, 'a failed login sets no cookie');
      assert.equal(wrong.json.token, undefined);
    }
  }
});

test('fields, headers and errors of one request do not reach the next', async () => {
  const [first] = convos.get(alice.username);
  for (let round = 0; round < 5; round++) {
    // A 405 carries Allow; the next answer must not.
    const bad = await api(stack, '/cgi-bin/history', { method: 'PUT', token: alice.token });
    assert.equal(bad.status, 405);
    assert.ok(bad.headers.get('allow'));
    const list = await api(stack, '/cgi-bin/history', { token: bob.token });
    assert.equal(list.status, 200);
    assert.equal(list.headers.get('allow'), null);

    // A search and an id, then a bare list: none of the fields linger.
    const search = await api(stack, '/cgi-bin/history?q=dos', { token: alice.token });
    assert.equal(search.json.conversations.length, 1);
    const shown = await api(stack, `/cgi-bin/history?id=${first}`, { token: alice.token });
    assert.ok(shown.json.messages);
    const bare = await api(stack, '/cgi-bin/history', { token: alice.token });
    assert.equal(bare.json.conversations.length, 2);
    assert.equal(bare.json.messages, undefined);

    // Bad JSON, then a good body.
    const broken = await api(stack, '/cgi-bin/history', { token: alice.token, json: '{"action": "rename", ' });
    assert.equal(broken.status, 400);
    const renamed = await api(stack, '/cgi-bin/history', {
      token: alice.token, json: { action: 'rename', id: first, title: `ronda ${round}` } });
    assert.equal(renamed.status, 200, renamed.text);
    assert.equal(renamed.json.conversation.title, `ronda ${round}`);

    // Bob renaming Alice's conversation, right after her: 404, title untouched.
    const stolen = await api(stack, '/cgi-bin/history', {
      token: bob.token, form: { action: 'rename', id: String(first), title: 'bob was here' } });
    assert.equal(stolen.status, 404);
  }
  const rows = stack.sql(`SELECT title FROM conversations WHERE id = ${Number(first)}`);
  assert.equal(rows[0].title, 'ronda 4');
});

test('the same worker served every request (none crashed or was replaced)', () => {
  for (const [name, list] of Object.entries(pids))
    assert.deepEqual(workerPids(stack, name), list, name);
  assert.doesNotMatch(stack.errorLog(), /left a transaction open|signal|core dumped/i);
});
