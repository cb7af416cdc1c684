// GET|POST /cgi-bin/assistants and chatting with an assistant: who sees which
// (visitors the enabled public ones, members every enabled one, admins all
// with prompts and origins), in Spanish and English; every field checked
// (bad slug, origin, sources, quick actions: 400 and nothing stored); a new
// assistant, an edit, a disabled one (404 to chat, its history kept), a
// deleted one (conversations kept), built-ins and the default protected;
// the conversation's assistant brings its prompt, model and sampling and
// keeps them; config's system_prompt is the general assistant's.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../lib/stack.mjs';
import { api, register, chatStream } from '../lib/client.mjs';
import { emulatorRequests, sqlRead } from '../lib/ops.mjs';

let stack, admin, alice, visitor;
const sql = (q) => sqlRead(stack, q);
const save = (form, token = admin.token) => api(stack, '/cgi-bin/assistants', { token, form: { action: 'save', ...form } });
const list = (o = {}) => api(stack, '/cgi-bin/assistants', o);
const lastChat = async () => (await emulatorRequests(stack.emulators[0])).at(-1).body;

before(async () => {
  stack = await startStack({ seed: true });
  admin = await register(stack);
  alice = await register(stack);
  const g = await api(stack, '/cgi-bin/guest', { form: {} });
  assert.equal(g.status, 201, g.text);
  visitor = g.json;
});
after(async () => { await stack?.stop(); });

test('each audience sees its assistants, in its language', async () => {
  const slugs = (r) => r.json.assistants.map((a) => a.slug);
  const anyone = await list();
  assert.equal(anyone.status, 200);
  assert.deepEqual(slugs(anyone), ['tienda', 'oficinas']);
  assert.deepEqual(slugs(await list({ token: visitor.token })), ['tienda', 'oficinas']);
  assert.deepEqual(slugs(await list({ token: alice.token })), ['general', 'tienda', 'oficinas']);
  const all = await list({ token: admin.token });
  assert.deepEqual(slugs(all), ['general', 'tienda', 'oficinas', 'acompanamiento']);
  // Visitors and members never see prompts, sampling or origins.
  for (const a of (await list({ token: alice.token })).json.assistants) {
    for (const k of ['system_prompt', 'temperature', 'embed_origins', 'texts']) assert.ok(!(k in a), `${a.slug}.${k}`);
    for (const k of ['id', 'slug', 'name', 'description', 'icon', 'public', 'enabled', 'sources', 'instant_answers',
      'greeting', 'quick_actions', 'model']) assert.ok(k in a, `${a.slug} has ${k}`);
  }
  const tienda = all.json.assistants.find((a) => a.slug === 'tienda');
  assert.deepEqual(tienda.sources, ['catalog']);
  assert.equal(tienda.instant_answers, true);
  assert.equal(tienda.public, true);
  assert.ok(tienda.system_prompt.includes('catálogo'));
  assert.ok(tienda.quick_actions.length > 0 && tienda.quick_actions.every((q) => q.label && q.text));
  const care = all.json.assistants.find((a) => a.slug === 'acompanamiento');
  assert.equal(care.enabled, false);
  assert.equal(care.public, false);
  assert.match(care.system_prompt, /no eres psicólogo/i);
  assert.match(care.system_prompt, /\*4141/);
  assert.match(care.system_prompt_en, /not a psychologist/i);
  assert.match(care.greeting ?? '', /No soy un profesional/);
  const english = (await api(stack, '/cgi-bin/assistants?lang=en')).json.assistants.find((a) => a.slug === 'tienda');
  assert.equal(english.name, 'Shop assistant');
  assert.match(english.greeting, /^Hi!/);
  assert.equal(english.quick_actions[0].label, 'Search products');
});

test('only administrators save or delete, and every field is checked', async () => {
  assert.equal((await save({ slug: 'x1', name: 'X' }, alice.token)).status, 403);
  assert.equal((await save({ slug: 'x1', name: 'X' }, visitor.token)).status, 403);
  assert.equal((await api(stack, '/cgi-bin/assistants', { form: { action: 'save', slug: 'x1' } })).status, 401);
  const before = sql('SELECT count(*) AS n FROM assistants')[0].n;
  const bad = [
    { slug: 'Tienda' }, { slug: 'a b' }, { slug: 'x'.repeat(41) }, { slug: '' }, { slug: 'ok-1', name: '' },
    { slug: 'ok-1', name: 'two\nlines' }, { slug: 'ok-1', embed_origins: 'shop.example' },
    { slug: 'ok-1', embed_origins: 'https://shop.example/path' }, { slug: 'ok-1', embed_origins: '*' },
    { slug: 'ok-1', embed_origins: 'javascript:alert(1)' }, { slug: 'ok-1', embed_origins: 'https://a.example:99999' },
    { slug: 'ok-1', sources: 'catalog,weather' }, { slug: 'ok-1', quick_actions: 'not json' },
    { slug: 'ok-1', quick_actions: '[{"label":"","text":"x"}]' }, { slug: 'ok-1', temperature: '3' },
    { slug: 'ok-1', model: 'bad model' }, { slug: 'ok-1', public: 'maybe' }, { slug: 'ok-1', icon: 'Bag!' },
    { slug: 'ok-1', position: '-1' }, { slug: 'ok-1', system_prompt: 'x'.repeat(20001) },
  ];
  for (const form of bad) {
    const r = await save(form);
    assert.equal(r.status, 400, `${JSON.stringify(form).slice(0, 80)} → ${r.status} ${r.text}`);
    assert.equal(r.json.error.code, 'invalid_input');
  }
  assert.equal((await api(stack, '/cgi-bin/assistants', { token: admin.token, form: { action: 'reboot', slug: 'x' } })).status, 400);
  assert.equal(sql('SELECT count(*) AS n FROM assistants')[0].n, before);
});

test('a new assistant: created, listed, edited, its origins canonical', async () => {
  const r = await save({ slug: 'soporte', name: 'Soporte', sources: 'none', public: '1', temperature: '0.2',
    embed_origins: 'https://Shop.Example/, http://127.0.0.1:8080', quick_actions: JSON.stringify([{ label: 'Hola', text: 'hola' }]) });
  assert.equal(r.status, 201, r.text);
  assert.deepEqual(r.json.assistant.embed_origins, ['https://shop.example', 'http://127.0.0.1:8080']);
  assert.equal(r.json.assistant.temperature, 0.2);
  assert.equal(r.json.assistant.enabled, true);
  const again = await save({ slug: 'soporte', temperature: '', greeting: '¿Qué necesitas?' });
  assert.equal(again.status, 200);
  assert.equal(again.json.assistant.temperature, null, 'empty: the setting applies');
  assert.equal(again.json.assistant.greeting, '¿Qué necesitas?');
  assert.ok((await list({ token: visitor.token })).json.assistants.some((a) => a.slug === 'soporte'));
  const audit = sql("SELECT action, target FROM audit_log WHERE target = 'soporte' ORDER BY id");
  assert.deepEqual(audit.map((a) => a.action), ['assistant.create', 'assistant.change']);
});

test('the conversation\'s assistant brings its prompt, model and sampling, and keeps them', async () => {
  await save({ slug: 'pirata', name: 'Pirata', system_prompt: 'Eres un pirata.', system_prompt_en: 'You are a pirate.',
    model: 'qwen2.5:0.5b', temperature: '0.3', top_p: '0.4', num_predict: '55' });
  const s = await chatStream(stack, alice.token, { message: 'cuéntame algo [[tokens=2]]', assistant: 'pirata' });
  assert.equal(s.status, 200);
  const meta = s.events[0].data;
  assert.equal(meta.assistant, 'pirata');
  assert.equal(meta.model, 'qwen2.5:0.5b');
  let body = await lastChat();
  assert.equal(body.model, 'qwen2.5:0.5b');
  assert.equal(body.messages[0].content, 'Eres un pirata.');
  assert.deepEqual([body.options.temperature, body.options.top_p, body.options.num_predict], [0.3, 0.4, 55]);
  // An English message gets the English prompt; the conversation keeps its assistant.
  await chatStream(stack, alice.token, { message: 'tell me a story please [[tokens=2]]', conversation_id: meta.conversation_id });
  body = await lastChat();
  assert.equal(body.messages[0].content, 'You are a pirate.');
  const other = await chatStream(stack, alice.token, { message: 'hola', conversation_id: meta.conversation_id, assistant: 'tienda' });
  assert.equal(other.status, 400);
  // Its model is its own: a member may not name another.
  const model = await chatStream(stack, alice.token, { message: 'hola', conversation_id: meta.conversation_id, model: 'llama3.2:1b' });
  assert.equal(model.status, 400);
  const h = await api(stack, `/cgi-bin/history?id=${meta.conversation_id}`, { token: alice.token });
  assert.equal(h.json.conversation.assistant, 'pirata');
  const listed = await api(stack, '/cgi-bin/history', { token: alice.token });
  assert.equal(listed.json.conversations.find((c) => c.id === meta.conversation_id).assistant, 'pirata');
});

test('unknown, disabled and members-only assistants are refused; history stays', async () => {
  assert.equal((await chatStream(stack, alice.token, { message: 'hola', assistant: 'nadie' })).status, 404);
  assert.equal((await chatStream(stack, alice.token, { message: 'hola', assistant: 'NO!' })).status, 400);
  assert.equal((await chatStream(stack, alice.token, { message: 'hola', assistant: 'acompanamiento' })).status, 404,
    'off until an administrator enables it');
  const s = await chatStream(stack, alice.token, { message: 'antes [[tokens=2]]', assistant: 'soporte' });
  const conv = s.events[0].data.conversation_id;
  assert.equal((await save({ slug: 'soporte', enabled: '0' })).status, 200);
  const refused = await chatStream(stack, alice.token, { message: 'después', conversation_id: conv });
  assert.equal(refused.status, 404);
  assert.equal(refused.json.error.code, 'not_found');
  const h = await api(stack, `/cgi-bin/history?id=${conv}`, { token: alice.token });
  assert.equal(h.status, 200);
  assert.equal(h.json.messages.length, 2, 'nothing stored is lost when an assistant is disabled');
  assert.ok(!(await list({ token: alice.token })).json.assistants.some((a) => a.slug === 'soporte'));
  assert.equal((await save({ slug: 'soporte', enabled: '1' })).status, 200);
  assert.equal((await chatStream(stack, alice.token, { message: 'otra vez [[tokens=2]]', conversation_id: conv })).status, 200);
  // General is for members: a visitor gets 403.
  const v = await chatStream(stack, visitor.token, { message: 'hola', assistant: 'general' });
  assert.equal(v.status, 403);
  assert.equal(v.json.error.code, 'forbidden');
});

test('built-ins are disabled, not deleted; the default is neither; a deleted one leaves its conversations', async () => {
  const builtin = await api(stack, '/cgi-bin/assistants', { token: admin.token, form: { action: 'delete', slug: 'tienda' } });
  assert.equal(builtin.status, 409);
  const off = await save({ slug: 'general', enabled: '0' });
  assert.equal(off.status, 409, 'general is the default assistant');
  assert.equal(sql("SELECT enabled FROM assistants WHERE slug = 'general'")[0].enabled, 1);
  const s = await chatStream(stack, alice.token, { message: 'para borrar [[tokens=2]]', assistant: 'soporte' });
  const conv = s.events[0].data.conversation_id;
  await api(stack, '/cgi-bin/history', { token: alice.token }); // cached list names the assistant
  const del = await api(stack, '/cgi-bin/assistants', { token: admin.token, form: { action: 'delete', slug: 'soporte' } });
  assert.equal(del.status, 200, del.text);
  assert.equal((await api(stack, '/cgi-bin/assistants', { token: admin.token, form: { action: 'delete', slug: 'soporte' } })).status, 404);
  const h = await api(stack, `/cgi-bin/history?id=${conv}`, { token: alice.token });
  assert.equal(h.status, 200);
  assert.equal(h.json.conversation.assistant, null);
  assert.equal(h.json.messages.length, 2);
  const listed = await api(stack, '/cgi-bin/history', { token: alice.token });
  assert.equal(listed.json.conversations.find((c) => c.id === conv).assistant, null, 'the cached list was renewed');
});

test('the default assistant: a setting that must name an enabled assistant', async () => {
  const cfg = (form) => api(stack, '/cgi-bin/config', { token: admin.token, form });
  assert.equal((await cfg({ default_assistant: 'nadie' })).status, 400);
  assert.equal((await cfg({ default_assistant: 'acompanamiento' })).status, 400, 'disabled');
  assert.equal((await cfg({ default_assistant: 'tienda' })).status, 200);
  const s = await chatStream(stack, alice.token, { message: 'hola' });
  assert.equal(s.events[0].data.assistant, 'tienda');
  assert.equal((await cfg({ default_assistant: 'general' })).status, 200);
});

test('config system_prompt is the general assistant\'s prompt, for both languages', async () => {
  const prompt = 'Eres un asistente muy breve.';
  const r = await api(stack, '/cgi-bin/config', { token: admin.token, form: { system_prompt: prompt } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.system_prompt, prompt);
  const general = sql("SELECT system_prompt, system_prompt_en FROM assistants WHERE slug = 'general'")[0];
  assert.deepEqual([general.system_prompt, general.system_prompt_en], [prompt, '']);
  await chatStream(stack, alice.token, { message: 'write me a short poem please [[tokens=2]]', assistant: 'general' });
  assert.equal((await lastChat()).messages[0].content, prompt);
  assert.equal(sql("SELECT count(*) AS n FROM settings WHERE key = 'system_prompt'")[0].n, 0);
});
