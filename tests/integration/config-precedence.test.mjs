// Every setting is described once (lib/core/conf.c) and read in one order:
// the compiled default, the configuration file, the environment, then, for
// the settings an administrator may change, the value stored through
// POST /cgi-bin/config. GET /cgi-bin/config answers each rule for the
// admin page, and a chat samples with the effective values.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../lib/stack.mjs';
import { api, register, chatStream } from '../lib/client.mjs';
import { emulatorRequests, sqlWrite } from '../lib/ops.mjs';

let stack;
let admin;
let alice;
const config = (o = {}) => api(stack, '/cgi-bin/config', { token: admin.token, ...o });
const lastChat = async () => (await emulatorRequests(stack.emulators[0])).at(-1).body;

before(async () => {
  stack = await startStack({ env: { TEMPERATURE: '0.4', NUM_PREDICT: '99', DEFAULT_MODEL: 'qwen2.5:0.5b' } });
  admin = await register(stack);
  alice = await register(stack);
});
after(async () => { await stack?.stop(); });

test('the environment overrides the compiled defaults, and a chat uses them', async () => {
  const { status, json } = await config();
  assert.equal(status, 200);
  assert.equal(json.temperature, 0.4);
  assert.equal(json.num_predict, 99);
  assert.equal(json.top_p, 0.9, 'no variable: the compiled default');
  assert.equal(json.default_model, 'qwen2.5:0.5b');
  await chatStream(stack, alice.token, { message: 'escribe un verso [[tokens=2]]' });
  const body = await lastChat();
  assert.equal(body.model, 'qwen2.5:0.5b');
  assert.equal(body.options.temperature, 0.4);
  assert.equal(body.options.num_predict, 99);
});

test('GET answers every admin setting with its rule, from the one description', async () => {
  const { json } = await config();
  const byKey = Object.fromEntries(json.settings.map((s) => [s.key, s]));
  assert.deepEqual(Object.keys(byKey).sort(),
    ['default_assistant', 'default_model', 'guest_days', 'guest_messages_per_hour',
      'guest_messages_per_hour_per_address', 'guest_sessions_per_hour_per_address', 'num_predict',
      'open_registration', 'system_prompt', 'temperature', 'top_p']);
  assert.deepEqual({ ...byKey.temperature, about: undefined },
    { key: 'temperature', kind: 'number', default: '0.7', min: 0, max: 2, about: undefined });
  assert.equal(byKey.num_predict.kind, 'integer');
  assert.equal(byKey.num_predict.max, 32768);
  assert.equal(byKey.system_prompt.max, 20000);
  assert.equal(byKey.open_registration.kind, 'boolean');
  for (const s of json.settings) assert.ok(s.about.length > 10, `${s.key} explains itself`);
  // A value out of the described range is refused with the rule in words.
  const r = await config({ form: { temperature: '2.5' } });
  assert.equal(r.status, 400);
  assert.match(r.json.error.message, /temperature: a number from 0 to 2/);
  const c = await chatStream(stack, alice.token, { message: 'x', num_predict: '40000' });
  assert.equal(c.status, 400);
  assert.match(c.json.error.message, /num_predict must be a whole number from 1 to 32768/);
});

test("an administrator's stored value wins over the environment; a stored value no rule allows is ignored", async () => {
  const r = await config({ form: { temperature: '1.3' } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.temperature, 1.3);
  await chatStream(stack, alice.token, { message: 'escribe un verso [[tokens=2]]' });
  assert.equal((await lastChat()).options.temperature, 1.3);
  // A row written by hand (or before a rule tightened) that breaks the rule.
  sqlWrite(stack, "UPDATE settings SET value = '7' WHERE key = 'temperature'");
  assert.equal((await config()).json.temperature, 0.4, 'back to the environment value');
  await chatStream(stack, alice.token, { message: 'escribe un verso [[tokens=2]]' });
  assert.equal((await lastChat()).options.temperature, 0.4);
});

test('an empty model field in a chat is no model named: the default serves it', async () => {
  const s = await chatStream(stack, alice.token, { message: 'escribe un verso [[tokens=2]]', model: '' });
  assert.equal(s.status, 200);
  assert.equal((await lastChat()).model, 'qwen2.5:0.5b');
  const bad = await api(stack, '/cgi-bin/chat', { token: alice.token, form: { message: 'x', model: 'has spaces' } });
  assert.equal(bad.status, 400);
});
