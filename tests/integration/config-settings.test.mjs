// GET|POST /cgi-bin/config, the settings: admins only, every change in the
// audit log with who and when, the system prompt and sampling really reach
// the model from the next message on, the default model, open
// registration, and bad input refused with nothing changed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../lib/stack.mjs';
import { api, register, chatStream, uniqueName } from '../lib/client.mjs';
import { emulatorRequests, sqlRead } from '../lib/ops.mjs';

let stack;
const sql = (q) => sqlRead(stack, q);
let admin;
let alice;

const config = (o = {}) => api(stack, '/cgi-bin/config', { token: admin.token, ...o });
const lastChat = async () => (await emulatorRequests(stack.emulators[0])).at(-1).body;

before(async () => {
  stack = await startStack();
  admin = await register(stack);
  alice = await register(stack);
});
after(async () => { await stack?.stop(); });

test('only administrators read or change the configuration', async () => {
  assert.equal((await api(stack, '/cgi-bin/config')).status, 401);
  const r = await api(stack, '/cgi-bin/config', { token: alice.token });
  assert.equal(r.status, 403);
  assert.equal(r.json.error.code, 'forbidden');
  const stored = () => JSON.stringify(sql('SELECT key, value FROM settings ORDER BY key'));
  const before = stored();
  const p = await api(stack, '/cgi-bin/config', { token: alice.token, form: { temperature: '1.5' } });
  assert.equal(p.status, 403);
  assert.equal(stored(), before);
  assert.equal(sql('SELECT count(*) AS c FROM audit_log')[0].c, 0);
  assert.equal((await config({ method: 'DELETE' })).status, 405);
});

test('GET answers the settings with their types, the accounts and the audit log', async () => {
  const { status, json } = await config();
  assert.equal(status, 200);
  assert.equal(typeof json.system_prompt, 'string');
  assert.ok(json.system_prompt.length > 0, 'a default prompt is set');
  assert.equal(typeof json.default_model, 'string');
  assert.equal(json.temperature, 0.7);
  assert.equal(json.top_p, 0.9);
  assert.equal(json.num_predict, 1024);
  assert.equal(json.open_registration, true);
  const names = json.users.map((u) => u.username);
  assert.ok(names.includes(admin.username) && names.includes(alice.username));
  const me = json.users.find((u) => u.id === admin.user.id);
  assert.deepEqual([me.role, me.disabled, typeof me.created_at], ['admin', false, 'string']);
  assert.ok(Array.isArray(json.audit));
});

test('the system prompt and sampling reach the model from the next message on', async () => {
  const s0 = await chatStream(stack, alice.token, { message: 'antes del cambio [[tokens=2]]' });
  const convo = s0.events[0].data.conversation_id;
  const prompt = `Eres un pirata ${uniqueName('p')}. Responde siempre con "Arrr".`;
  const r = await config({ form: { system_prompt: prompt, temperature: '0.25', top_p: '0.5', num_predict: '77' } });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual([...r.json.changed].sort(), ['num_predict', 'system_prompt', 'temperature', 'top_p']);
  assert.equal(r.json.system_prompt, prompt);
  assert.equal(r.json.temperature, 0.25);
  // The very next message of the same conversation carries them.
  await chatStream(stack, alice.token, { message: 'después del cambio [[tokens=2]]', conversation_id: convo });
  const body = await lastChat();
  assert.equal(body.messages[0].role, 'system');
  assert.ok(body.messages[0].content.startsWith(prompt), body.messages[0].content);
  assert.equal(body.options.temperature, 0.25);
  assert.equal(body.options.top_p, 0.5);
  assert.equal(body.options.num_predict, 77);
  // A message may still ask for its own sampling.
  await chatStream(stack, alice.token, { message: 'otra [[tokens=2]]', temperature: '1.1' });
  assert.equal((await lastChat()).options.temperature, 1.1);
});

test('every change is in the audit log with who and when; an unchanged value is not', async () => {
  const t0 = Date.now() - 2000;
  const before = sql('SELECT count(*) AS c FROM audit_log')[0].c;
  const r = await config({ form: { top_p: '0.75' } });
  assert.deepEqual(r.json.changed, ['top_p']);
  const again = await config({ form: { top_p: '0.75', temperature: String(r.json.temperature) } });
  assert.deepEqual(again.json.changed, []);
  const rows = sql('SELECT * FROM audit_log ORDER BY id');
  assert.equal(rows.length, before + 1);
  const last = rows.at(-1);
  assert.deepEqual([last.actor_id, last.actor, last.action, last.target, last.old_value, last.new_value],
    [admin.user.id, admin.username, 'setting', 'top_p', '0.5', '0.75']);
  assert.ok(Date.parse(last.at) >= t0 - 1000 && Date.parse(last.at) <= Date.now() + 1000);
  const shown = again.json.audit[0];
  assert.deepEqual([shown.actor, shown.action, shown.detail], [admin.username, 'setting', 'top_p: 0.5 → 0.75']);
  assert.equal(shown.at, last.at);
  // The four settings of the previous test are there too, newest first.
  assert.ok(again.json.audit.some((a) => a.target === 'system_prompt' && a.actor === admin.username));
});

test('the default model is used when a message names none', async () => {
  const r = await config({ json: { default_model: 'qwen2.5:0.5b' } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.default_model, 'qwen2.5:0.5b');
  const s = await chatStream(stack, alice.token, { message: 'sin modelo [[tokens=2]]' });
  assert.equal(s.events[0].data.model, 'qwen2.5:0.5b');
  assert.equal((await lastChat()).model, 'qwen2.5:0.5b');
  assert.equal((await config({ form: { default_model: '' } })).json.default_model, '');
});

test('open registration off refuses new accounts; on again lets them in', async () => {
  const off = await config({ json: { open_registration: false } });
  assert.equal(off.json.open_registration, false);
  const r = await api(stack, '/cgi-bin/register', { form: { username: uniqueName('late'), password: 'correct horse 1' } });
  assert.equal(r.status, 403);
  assert.equal(r.json.error.code, 'registration_closed');
  assert.equal((await config({ form: { open_registration: '1' } })).json.open_registration, true);
  await register(stack);
  const audit = sql("SELECT detail FROM audit_log WHERE target = 'open_registration' ORDER BY id");
  assert.deepEqual(audit.map((a) => a.detail), ['open_registration: on → off', 'open_registration: off → on']);
});

test('bad input is refused with 400 and changes nothing', async () => {
  const before = sql('SELECT key, value FROM settings ORDER BY key');
  const audits = sql('SELECT count(*) AS c FROM audit_log')[0].c;
  const bad = [
    { temperature: '3' }, { temperature: 'warm' }, { temperature: '' }, { top_p: '-0.1' }, { top_p: '1.5' },
    { num_predict: '0' }, { num_predict: '40000' }, { num_predict: '12.5' }, { open_registration: 'maybe' },
    { default_model: 'no spaces allowed' }, { system_prompt: 'x'.repeat(20001) },
    // One bad field spoils the whole request: the good one is not applied.
    { temperature: '0.1', top_p: '9' },
    {}, { action: 'reboot' },
  ];
  for (const form of bad) {
    const r = await config({ form });
    assert.equal(r.status, 400, `${JSON.stringify(form).slice(0, 80)} → ${r.status} ${r.text.slice(0, 200)}`);
    assert.equal(r.json.error.code, 'invalid_input');
  }
  assert.deepEqual(sql('SELECT key, value FROM settings ORDER BY key'), before);
  assert.equal(sql('SELECT count(*) AS c FROM audit_log')[0].c, audits);
});

test('a cross-origin POST is refused', async () => {
  const before = sql('SELECT key, value FROM settings ORDER BY key');
  const r = await config({ form: { temperature: '0.3' }, headers: { Origin: 'http://evil.example' } });
  assert.equal(r.status, 403);
  assert.deepEqual(sql('SELECT key, value FROM settings ORDER BY key'), before);
});
