// POST /cgi-bin/config action=user: disabling an account shuts it out at
// once (its sessions end), enabling lets it log in again, the admin role is
// granted and removed with immediate effect, the last active administrator
// can neither remove nor disable themself, and every change is audited.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../lib/stack.mjs';
import { api, register } from '../lib/client.mjs';
import { sqlRead } from '../lib/ops.mjs';

let stack;
const sql = (q) => sqlRead(stack, q);
let admin;
let alice;
let bob;

const change = (who, fields) => api(stack, '/cgi-bin/config', { token: who.token, form: { action: 'user', ...fields } });
const login = (u) => api(stack, '/cgi-bin/login', { form: { username: u.username, password: u.password } });
const whoami = (u) => api(stack, '/cgi-bin/login', { token: u.token });
const auditCount = () => sql('SELECT count(*) AS c FROM audit_log')[0].c;

before(async () => {
  stack = await startStack();
  admin = await register(stack);
  alice = await register(stack);
  bob = await register(stack);
});
after(async () => { await stack?.stop(); });

test('a disabled account is out at once and cannot log in; enabled, it can again', async () => {
  assert.equal((await whoami(alice)).status, 200);
  const second = (await login(alice)).json.token; // a second session
  const r = await change(admin, { user_id: alice.user.id, disabled: '1' });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual([r.json.user.id, r.json.user.disabled], [alice.user.id, true]);
  assert.equal((await whoami(alice)).status, 401);
  assert.equal((await api(stack, '/cgi-bin/history', { token: second })).status, 401);
  const chat = await api(stack, '/cgi-bin/chat', { token: alice.token, form: { message: 'hola' } });
  assert.equal(chat.status, 401);
  assert.equal(sql(`SELECT count(*) AS c FROM sessions WHERE user_id = ${alice.user.id}`)[0].c, 0, 'sessions revoked');
  assert.equal((await login(alice)).status, 401);

  const e = await change(admin, { user_id: alice.user.id, disabled: '0' });
  assert.equal(e.json.user.disabled, false);
  assert.equal((await whoami(alice)).status, 401, 'the old token stays revoked');
  const back = await login(alice);
  assert.equal(back.status, 200);
  alice.token = back.json.token;
  assert.equal((await whoami(alice)).status, 200);
  const list = (await api(stack, '/cgi-bin/config', { token: admin.token })).json.users;
  assert.equal(list.find((u) => u.id === alice.user.id).disabled, false);
});

test('granting and removing the admin role takes effect on the next request', async () => {
  assert.equal((await api(stack, '/cgi-bin/config', { token: bob.token })).status, 403);
  const g = await change(admin, { user_id: bob.user.id, role: 'admin' });
  assert.equal(g.json.user.role, 'admin');
  assert.equal((await api(stack, '/cgi-bin/config', { token: bob.token })).status, 200);
  assert.equal((await api(stack, '/cgi-bin/stats', { token: bob.token })).status, 200);
  const rm = await change(admin, { user_id: bob.user.id, role: 'user' });
  assert.equal(rm.json.user.role, 'user');
  assert.equal((await api(stack, '/cgi-bin/config', { token: bob.token })).status, 403);
  assert.equal((await whoami(bob)).json.user.role, 'user');
});

test('the last active administrator cannot remove or disable themself', async () => {
  const n = auditCount();
  for (const fields of [{ role: 'user' }, { disabled: '1' }, { role: 'user', disabled: '1' }]) {
    const r = await change(admin, { user_id: admin.user.id, ...fields });
    assert.equal(r.status, 409, JSON.stringify(fields));
    assert.equal(r.json.error.code, 'conflict');
  }
  assert.equal(sql(`SELECT role FROM users WHERE id = ${admin.user.id}`)[0].role, 'admin');
  assert.equal(auditCount(), n, 'a refused change is not audited');
  // With a second administrator the first may step down...
  await change(admin, { user_id: alice.user.id, role: 'admin' });
  const down = await change(admin, { user_id: admin.user.id, role: 'user' });
  assert.equal(down.status, 200);
  assert.equal((await api(stack, '/cgi-bin/config', { token: admin.token })).status, 403);
  // ...and then alice is the last one: she cannot disable herself, and a
  // disabled admin does not count as one.
  assert.equal((await change(alice, { user_id: alice.user.id, disabled: '1' })).status, 409);
  await change(alice, { user_id: admin.user.id, role: 'admin' });
  await change(alice, { user_id: admin.user.id, disabled: '1' });
  assert.equal((await change(alice, { user_id: alice.user.id, role: 'user' })).status, 409);
  await change(alice, { user_id: admin.user.id, disabled: '0' });
  admin.token = (await login(admin)).json.token;
  assert.equal((await api(stack, '/cgi-bin/config', { token: admin.token })).status, 200);
});

test('every account change is audited with who, what and when', async () => {
  const rows = sql("SELECT actor, actor_id, action, target, old_value, new_value, detail, at FROM audit_log WHERE action LIKE 'user.%' ORDER BY id");
  const summary = rows.map((r) => `${r.actor} ${r.action} ${r.target} ${r.old_value}→${r.new_value}`);
  const A = admin.username;
  const L = alice.username;
  const B = bob.username;
  assert.deepEqual(summary, [
    `${A} user.disable ${L} active→disabled`,
    `${A} user.enable ${L} disabled→active`,
    `${A} user.role ${B} user→admin`,
    `${A} user.role ${B} admin→user`,
    `${A} user.role ${L} user→admin`,
    `${A} user.role ${A} admin→user`,
    `${L} user.role ${A} user→admin`,
    `${L} user.disable ${A} active→disabled`,
    `${L} user.enable ${A} disabled→active`,
  ]);
  for (const r of rows) assert.ok(Math.abs(Date.parse(r.at) - Date.now()) < 120000);
  const shown = (await api(stack, '/cgi-bin/config', { token: admin.token })).json.audit;
  assert.equal(shown[0].detail, `enabled ${A}`);
  assert.equal(shown[0].actor, L);
});

test('bad account changes are refused', async () => {
  const n = auditCount();
  const cases = [
    [{}, 400], [{ user_id: 'x', role: 'admin' }, 400], [{ user_id: alice.user.id }, 400],
    [{ user_id: alice.user.id, role: 'root' }, 400], [{ user_id: alice.user.id, disabled: '2' }, 400],
    [{ user_id: 999999, role: 'admin' }, 404],
  ];
  for (const [fields, status] of cases) {
    const r = await change(admin, fields);
    assert.equal(r.status, status, `${JSON.stringify(fields)}: ${r.text}`);
  }
  const notAdmin = await change(bob, { user_id: bob.user.id, role: 'admin' });
  assert.equal(notAdmin.status, 403);
  assert.equal(sql(`SELECT role FROM users WHERE id = ${bob.user.id}`)[0].role, 'user');
  assert.equal(auditCount(), n);
});
