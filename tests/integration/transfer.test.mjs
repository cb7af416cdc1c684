// Export and import: one conversation as Markdown and JSON, all of them as
// JSON, as downloads; microchat's export imported into another account
// comes back identical (versions and all); a ChatGPT conversations.json
// brings its current branch with roles and times, leaving out and counting
// system, tool and image messages; a file that is neither, or with one bad
// conversation, is a 400 that imports nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../lib/stack.mjs';
import { api, register } from '../lib/client.mjs';

let stack, ana, beto, conv;
before(async () => {
  stack = await startStack();
  ana = await register(stack);
  beto = await register(stack);
  const first = await api(stack, '/cgi-bin/chat', { token: ana.token, form: { message: 'Receta de **empanadas**\ncon "comillas"' } });
  conv = first.json.conversation_id;
  await api(stack, '/cgi-bin/chat', { token: ana.token, form: { action: 'regenerate', message_id: first.json.message.id } });
  await api(stack, '/cgi-bin/chat', { token: ana.token, form: { message: '¿y el horno? 🔥', conversation_id: conv } });
  await api(stack, '/cgi-bin/feedback', { token: ana.token, form: { message_id: first.json.message.id, rating: 'up', comment: 'bien' } });
  await api(stack, '/cgi-bin/history', { token: ana.token, form: { action: 'pin', id: conv } });
});
after(async () => { await stack.stop(); });

const importJSON = (who, body) => api(stack, '/cgi-bin/import', { token: who.token, json: body });
const importFile = (who, text, name = 'conversations.json') =>
  api(stack, '/cgi-bin/import', { token: who.token, multipart: { file: new Blob([text], { type: 'application/json' }), name } });
const count = (who) => stack.sql(`SELECT count(*) AS n FROM conversations WHERE user_id=${who.user.id}`)[0].n;

// What makes two conversations the same to their user.
const shape = (c) => ({
  title: c.title, model: c.model, created_at: c.created_at, pinned: c.pinned, archived: c.archived,
  messages: c.messages.map((m) => ({ role: m.role, content: m.content, model: m.model ?? null, status: m.status,
    created_at: m.created_at, selected: m.selected, feedback: m.feedback ?? null,
    parent: m.parent_id === null ? null : c.messages.findIndex((p) => p.id === m.parent_id) })),
});

test('one conversation as Markdown: its current path, as a download', async () => {
  const r = await api(stack, `/cgi-bin/export?id=${conv}&format=md&lang=en`, { token: ana.token });
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/markdown; charset=utf-8/);
  assert.match(r.headers.get('content-disposition'), /^attachment; filename="microchat-receta-de-empanadas-\d+\.md"$/);
  assert.match(r.text, /^# Receta de \*\*empanadas\*\*/);
  assert.match(r.text, /### You · \d{4}-\d\d-\d\dT/);
  assert.match(r.text, /### Assistant \(llama3\.2:1b\)/);
  assert.match(r.text, /¿y el horno\? 🔥/);
  assert.equal(r.text.match(/### Assistant/g).length, 2, 'the current path only');
  const es = await api(stack, `/cgi-bin/export?id=${conv}&format=md`, { token: ana.token });
  assert.match(es.text, /### Tú/);
});

test('export refusals: another user 404, bad format 400, Markdown of everything 400, no session 401', async () => {
  assert.equal((await api(stack, `/cgi-bin/export?id=${conv}&format=json`, { token: beto.token })).status, 404);
  assert.equal((await api(stack, `/cgi-bin/export?id=${conv}&format=md`, { token: beto.token })).status, 404);
  assert.equal((await api(stack, '/cgi-bin/export?format=pdf', { token: ana.token })).status, 400);
  assert.equal((await api(stack, '/cgi-bin/export?format=md', { token: ana.token })).status, 400);
  assert.equal((await api(stack, '/cgi-bin/export?id=x', { token: ana.token })).status, 400);
  assert.equal((await api(stack, '/cgi-bin/export')).status, 401);
});

test('exported as JSON and imported into another account: the same conversation, versions and all', async () => {
  const r = await api(stack, `/cgi-bin/export?id=${conv}&format=json`, { token: ana.token });
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-disposition'), /\.json"$/);
  assert.equal(r.json.format, 'microchat');
  assert.equal(r.json.version, 1);
  const original = r.json.conversations[0];
  assert.equal(original.messages.length, 5, 'both versions of the first reply');
  const before = count(beto);
  const imp = await importFile(beto, r.text, 'export.json');
  assert.equal(imp.status, 200, imp.text);
  assert.deepEqual([imp.json.imported, imp.json.messages, imp.json.skipped_messages], [1, 5, 0]);
  assert.equal(count(beto), before + 1);
  const back = await api(stack, '/cgi-bin/export?format=json', { token: beto.token });
  const copy = back.json.conversations.find((c) => c.title === original.title);
  assert.deepEqual(shape(copy), shape(original));
  // And history shows it the same way, with the version switcher.
  const h = await api(stack, `/cgi-bin/history?id=${imp.json.conversations[0].id}`, { token: beto.token });
  const o = await api(stack, `/cgi-bin/history?id=${conv}`, { token: ana.token });
  assert.deepEqual(h.json.messages.map((m) => [m.role, m.content, m.version_index ?? null]),
    o.json.messages.map((m) => [m.role, m.content, m.version_index ?? null]));
  // Imported messages are history, not activity: not counted as sent today.
  const acct = await api(stack, '/cgi-bin/account', { token: beto.token });
  assert.equal(acct.json.usage.messages_today, 0);
});

test('all conversations in one JSON body, imported again: nothing lost, nothing of another user', async () => {
  const all = await api(stack, '/cgi-bin/export?format=json', { token: ana.token });
  assert.match(all.headers.get('content-disposition'), /microchat-export-\d{4}-\d\d-\d\d\.json/);
  assert.equal(all.json.conversations.length, count(ana));
  const imp = await importJSON(ana, all.json);
  assert.equal(imp.status, 200, imp.text);
  assert.equal(imp.json.imported, all.json.conversations.length);
});

test('a ChatGPT conversations.json: the current branch, roles and times; the rest left out and counted', async () => {
  const t0 = 1700000000;
  const node = (id, parent, children, message) => ({ id, parent, children, message });
  const msg = (role, parts, extra = {}) => ({ id: `m-${Math.random()}`, author: { role }, create_time: t0 + 60,
    content: { content_type: 'text', parts }, recipient: 'all', metadata: {}, ...extra });
  const chatgpt = [{
    title: 'Viaje a Chiloé', create_time: t0, update_time: t0 + 600, current_node: 'n6',
    mapping: {
      root: node('root', null, ['n0'], null),
      n0: node('n0', 'root', ['n1'], msg('system', [''])),
      n1: node('n1', 'n0', ['n2a', 'n2'], { ...msg('user', ['¿Qué ver en Chiloé?']), create_time: t0 + 10 }),
      n2a: node('n2a', 'n1', [], msg('assistant', ['una rama descartada'])),
      n2: node('n2', 'n1', ['n3'], { ...msg('assistant', ['Las iglesias de madera.']), create_time: t0 + 20,
        metadata: { model_slug: 'gpt-4o' } }),
      n3: node('n3', 'n2', ['n4'], { ...msg('assistant', ['print(1)']), content: { content_type: 'code', text: 'print(1)' }, recipient: 'python' }),
      n4: node('n4', 'n3', ['n5'], msg('tool', ['1'])),
      n5: node('n5', 'n4', ['n6'], { ...msg('user', []), content: { content_type: 'multimodal_text',
        parts: [{ content_type: 'image_asset_pointer', asset_pointer: 'file-x' }, '¿y esta foto?'] }, create_time: t0 + 30 }),
      n6: node('n6', 'n5', [], { ...msg('assistant', ['Es Castro.']), create_time: t0 + 40 }),
    },
  }, {
    title: null, create_time: t0, mapping: {
      a: node('a', null, ['b'], msg('user', ['hola'])),
      b: node('b', 'a', [], { ...msg('user', []), content: { content_type: 'multimodal_text', parts: [{ content_type: 'image_asset_pointer' }] } }),
    }, current_node: 'b',
  }];
  const imp = await importFile(beto, JSON.stringify(chatgpt));
  assert.equal(imp.status, 200, imp.text);
  assert.equal(imp.json.format, 'chatgpt');
  assert.equal(imp.json.imported, 2);
  assert.equal(imp.json.messages, 4 + 1);
  assert.equal(imp.json.skipped_messages, 3, 'the code call, the tool output, the image-only message');
  assert.equal(imp.json.skipped_attachments, 1);
  const id = imp.json.conversations[0].id;
  const h = await api(stack, `/cgi-bin/history?id=${id}`, { token: beto.token });
  assert.equal(h.json.conversation.title, 'Viaje a Chiloé');
  assert.equal(h.json.conversation.created_at, '2023-11-14T22:13:20Z');
  assert.deepEqual(h.json.messages.map((m) => [m.role, m.content]), [
    ['user', '¿Qué ver en Chiloé?'], ['assistant', 'Las iglesias de madera.'],
    ['user', '¿y esta foto?'], ['assistant', 'Es Castro.']]);
  assert.equal(h.json.messages[1].model, 'gpt-4o');
  assert.equal(h.json.messages[0].created_at, '2023-11-14T22:13:30Z');
  assert.ok(!JSON.stringify(h.json).includes('descartada'), 'only the current branch');
  assert.equal(imp.json.conversations[1].title, 'hola', 'a missing title comes from the first message');
});

test('a file that is neither format, or with one unreadable conversation, imports nothing (400)', async () => {
  const before = count(beto);
  const good = { title: 'ok', mapping: { a: { id: 'a', parent: null, children: [], message: { author: { role: 'user' }, content: { content_type: 'text', parts: ['hola'] } } } } };
  const cases = [
    [{ hello: 'world' }, /neither/],
    [[], /neither/],
    [[good, { title: 'sin mapping' }, good, 42], null],
    [[{ ...good, current_node: 'zzz' }], null],
    [{ format: 'microchat', version: 2, conversations: [] }, /version/],
    [{ format: 'microchat', version: 1, conversations: [{ title: 'x', messages: [{ role: 'robot', content: 'x' }] }] }, null],
    [{ format: 'microchat', version: 1, conversations: [{ title: 'x', messages: [{ id: 1, parent_id: 7, role: 'user', content: 'x' }] }] }, null],
    [{ format: 'microchat', version: 1, conversations: [{ title: 'x', created_at: 'ayer', messages: [] }] }, null],
  ];
  for (const [body, problem] of cases) {
    const r = await importJSON(beto, body);
    assert.equal(r.status, 400, JSON.stringify(body).slice(0, 80));
    assert.equal(r.json.error.code, 'invalid_input');
    assert.ok(Array.isArray(r.json.errors));
    if (problem) assert.match(r.json.error.message, problem);
    else assert.ok(r.json.errors.length > 0);
  }
  const mixed = await importJSON(beto, [good, { title: 'sin mapping' }, good, 42]);
  assert.deepEqual(mixed.json.errors.map((e) => e.index), [1, 3]);
  for (const raw of ['{"not json', 'texto plano']) {
    const r = await importFile(beto, raw);
    assert.equal(r.status, 400);
  }
  assert.equal((await api(stack, '/cgi-bin/import', { token: beto.token, form: { other: '1' } })).status, 400);
  assert.equal((await api(stack, '/cgi-bin/import', { token: beto.token, raw: 'x', headers: { 'Content-Type': 'text/plain' } })).status, 415);
  const huge = await api(stack, '/cgi-bin/import', { token: beto.token, json: { format: 'microchat', pad: 'x'.repeat(2 * 1024 * 1024) } });
  assert.equal(huge.status, 413);
  assert.equal((await api(stack, '/cgi-bin/import', { json: [good] })).status, 401);
  assert.equal(count(beto), before, 'nothing was imported');
});
