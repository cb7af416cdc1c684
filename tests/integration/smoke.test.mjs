import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../lib/stack.mjs';
import { api, register, chatStream, tokensOf } from '../lib/client.mjs';

let stack;
before(async () => { stack = await startStack(); });
after(async () => { await stack.stop(); });

test('a new user registers, chats with a streamed reply and finds it in history', async () => {
  const u = await register(stack);
  const s = await chatStream(stack, u.token, { message: 'cuéntame un chiste sobre gatos' });
  assert.equal(s.status, 200);
  assert.deepEqual(s.events.map((e) => e.event).filter((e, i, a) => a.indexOf(e) === i), ['meta', 'token', 'done']);
  const text = tokensOf(s.events);
  assert.match(text, /chiste sobre gatos/);
  const h = await api(stack, `/cgi-bin/history?id=${s.events[0].data.conversation_id}`, { token: u.token });
  assert.equal(h.status, 200);
  assert.equal(h.json.messages.length, 2);
  assert.equal(h.json.messages[1].content, text);
  assert.equal(h.json.messages[1].status, 'done');
});
