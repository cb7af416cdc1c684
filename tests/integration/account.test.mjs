// The account page's program and the administrator's account actions: a
// password change ends every other session (and a wrong current password
// ends none), sessions listed and revoked, an account deleted with its
// password (never the last administrator); an administrator resets a
// password (shown once, change forced at the next login), deletes an
// account and sets its quota, each in the audit log, each taking effect at
// once for the user concerned (their cached answers renewed).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../lib/stack.mjs';
import { api, register } from '../lib/client.mjs';

let stack, admin, ana, beto;
before(async () => {
  stack = await startStack();
  admin = await register(stack);
  ana = await register(stack);
  beto = await register(stack);
});
after(async () => { await stack.stop(); });

const login = (u, password = u.password) => api(stack, '/cgi-bin/login', { form: { username: u.username, password },
  headers: { 'User-Agent': 'test-agent/2' } });
const whoami = (token) => api(stack, '/cgi-bin/login', { token });
const account = (token, form) => api(stack, '/cgi-bin/account', form ? { token, form } : { token });
const config = (form) => api(stack, '/cgi-bin/config', { token: admin.token, form });
const audit = (action) => stack.sql(`SELECT * FROM audit_log WHERE action='${action}' ORDER BY id DESC`);

test('GET account: the user, usage against quota, the open sessions', async () => {
  const second = (await login(ana)).json.token;
  const r = await account(ana.token);
  assert.equal(r.status, 200);
  assert.equal(r.json.user.username, ana.username);
  assert.equal(r.json.user.must_change_password, false);
  for (const k of ['messages_today', 'tokens_today', 'quota', 'reset_at']) assert.ok(k in r.json.usage, k);
  assert.deepEqual(r.json.usage.quota, { messages_per_day: null, tokens_per_day: null });
  assert.equal(r.json.sessions.length, 2);
  const current = r.json.sessions.filter((s) => s.current);
  assert.equal(current.length, 1);
  const other = r.json.sessions.find((s) => !s.current);
  assert.equal(other.user_agent, 'test-agent/2');
  for (const k of ['id', 'created_at', 'last_seen_at', 'user_agent']) assert.ok(k in other, k);
  // Revoke the other one: it is out at once.
  assert.equal((await whoami(second)).status, 200);
  const rv = await account(ana.token, { action: 'revoke', session_id: other.id });
  assert.equal(rv.status, 200);
  assert.equal((await whoami(second)).status, 401);
  // Someone else's session: 404, and it stays open.
  const betoSession = (await account(beto.token)).json.sessions[0].id;
  assert.equal((await account(ana.token, { action: 'revoke', session_id: betoSession })).status, 404);
  assert.equal((await whoami(beto.token)).status, 200);
  assert.equal((await account(ana.token, { action: 'revoke' })).status, 400);
  assert.equal((await account(null)).status, 401);
});

test('a password change ends every other session; a wrong current password ends none', async () => {
  const other = (await login(ana)).json.token;
  const wrong = await account(ana.token, { action: 'password', current_password: 'not it at all', new_password: 'brand new pass 1' });
  assert.equal(wrong.status, 401);
  assert.equal(wrong.json.error.code, 'unauthorized');
  assert.equal((await whoami(other)).status, 200, 'no session ended');
  assert.equal((await whoami(ana.token)).status, 200);
  for (const form of [{ current_password: ana.password, new_password: 'short' },
    { current_password: ana.password, new_password: ana.password }]) {
    const r = await account(ana.token, { action: 'password', ...form });
    assert.equal(r.status, 400);
  }
  const ok = await account(ana.token, { action: 'password', current_password: ana.password, new_password: 'brand new pass 1' });
  assert.equal(ok.status, 200, ok.text);
  assert.ok(ok.json.sessions_ended >= 1);
  assert.equal((await whoami(other)).status, 401, 'the other session ended');
  assert.equal((await whoami(ana.token)).status, 200, 'this one goes on');
  assert.equal((await login(ana)).status, 401, 'the old password is gone');
  ana.password = 'brand new pass 1';
  assert.equal((await login(ana)).status, 200);
});

test('wrong passwords on the account page are throttled like logins', async () => {
  const u = await register(stack);
  let last;
  for (let i = 0; i < 7; i++)
    last = await account(u.token, { action: 'password', current_password: `wrong ${i} xxxx`, new_password: 'whatever pass 9' });
  assert.equal(last.status, 429);
  assert.ok(Number(last.headers.get('retry-after')) > 0);
});

test('an administrator resets a password: shown once, sessions end, the change is forced', async () => {
  const other = (await login(beto)).json.token;
  const r = await config({ action: 'reset_password', user_id: beto.user.id });
  assert.equal(r.status, 200, r.text);
  const temp = r.json.temporary_password;
  assert.match(temp, /^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/);
  assert.equal((await whoami(beto.token)).status, 401);
  assert.equal((await whoami(other)).status, 401);
  assert.equal((await login(beto)).status, 401, 'the old password no longer works');
  const li = await login(beto, temp);
  assert.equal(li.status, 200);
  assert.equal(li.json.must_change_password, true);
  const token = li.json.token;
  assert.equal((await whoami(token)).json.must_change_password, true);
  assert.equal((await account(token)).json.user.must_change_password, true);
  const ch = await account(token, { action: 'password', current_password: temp, new_password: 'beto elige otra 1' });
  assert.equal(ch.status, 200);
  assert.equal((await whoami(token)).json.must_change_password, false);
  beto.token = token;
  beto.password = 'beto elige otra 1';
  const entry = audit('user.reset_password')[0];
  assert.equal(entry.target, beto.username);
  assert.ok(!JSON.stringify(entry).includes(temp), 'the temporary password is never stored');
  const list = (await api(stack, '/cgi-bin/config', { token: admin.token })).json.users;
  assert.equal(list.find((u) => u.id === beto.user.id).must_change_password, false);
});

test('per-user quotas set by an administrator, audited, shown to the user', async () => {
  const r = await config({ action: 'set_quota', user_id: ana.user.id, messages_per_day: '5', tokens_per_day: '0' });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual([r.json.messages_per_day, r.json.tokens_per_day], [5, 0]);
  assert.deepEqual((await account(ana.token)).json.usage.quota, { messages_per_day: 5, tokens_per_day: null });
  const u = (await api(stack, '/cgi-bin/config', { token: admin.token })).json.users.find((x) => x.id === ana.user.id);
  assert.deepEqual([u.quota_messages_per_day, u.quota_tokens_per_day], [5, 0]);
  const back = await config({ action: 'set_quota', user_id: ana.user.id, messages_per_day: '', tokens_per_day: '' });
  assert.deepEqual([back.json.messages_per_day, back.json.tokens_per_day], [null, null]);
  assert.equal(audit('user.quota').length, 2);
  for (const form of [{ action: 'set_quota', user_id: ana.user.id, messages_per_day: '-3' },
    { action: 'set_quota', user_id: ana.user.id, tokens_per_day: 'many' }, { action: 'set_quota' }]) {
    assert.equal((await config(form)).status, 400, JSON.stringify(form));
  }
  assert.equal((await config({ action: 'set_quota', user_id: 999999 })).status, 404);
  assert.equal((await api(stack, '/cgi-bin/config', { token: ana.token, form: { action: 'set_quota', user_id: ana.user.id } })).status, 403);
});

test('deleting accounts: with the password, never the last administrator, audited, everything goes', async () => {
  const u = await register(stack);
  const c = await api(stack, '/cgi-bin/chat', { token: u.token, form: { message: 'me voy' } });
  const wrong = await account(u.token, { action: 'delete', password: 'nope nope nope' });
  assert.equal(wrong.status, 401);
  assert.equal((await whoami(u.token)).status, 200);
  const del = await account(u.token, { action: 'delete', password: u.password });
  assert.equal(del.status, 200);
  assert.match(del.headers.get('set-cookie'), /session=;.*Max-Age=0/);
  assert.equal((await whoami(u.token)).status, 401);
  assert.equal((await login(u)).status, 401);
  assert.equal(stack.sql(`SELECT count(*) AS n FROM conversations WHERE id=${c.json.conversation_id}`)[0].n, 0);
  assert.equal(stack.sql(`SELECT count(*) AS n FROM messages WHERE conversation_id=${c.json.conversation_id}`)[0].n, 0);
  assert.equal(audit('user.delete')[0].target, u.username);

  // The only administrator cannot leave, by either way.
  const self = await account(admin.token, { action: 'delete', password: admin.password });
  assert.equal(self.status, 409);
  assert.equal((await config({ action: 'delete_user', user_id: admin.user.id })).status, 400, 'not on yourself');
  // An administrator deletes another account: it is out at once.
  const v = await register(stack);
  assert.equal((await whoami(v.token)).status, 200);
  const d = await config({ action: 'delete_user', user_id: v.user.id });
  assert.equal(d.status, 200, d.text);
  assert.equal((await whoami(v.token)).status, 401);
  assert.equal((await config({ action: 'delete_user', user_id: v.user.id })).status, 404);
  // With a second administrator, the first may delete their own account.
  const second = await register(stack);
  await config({ action: 'user', user_id: second.user.id, role: 'admin' });
  const lastOther = await api(stack, '/cgi-bin/config', { token: second.token, form: { action: 'delete_user', user_id: admin.user.id } });
  assert.equal(lastOther.status, 200);
  const alone = await api(stack, '/cgi-bin/account', { token: second.token, form: { action: 'delete', password: second.password } });
  assert.equal(alone.status, 409, 'now the last one');
  assert.equal((await api(stack, '/cgi-bin/account', { token: second.token, form: { action: 'explode' } })).status, 400);
});
