// Conversations in a real browser, as a daily user would: pin and archive from the
// sidebar's menu; share a link and open it logged out (rendered like the chat, with
// every text escaped), then revoke it; export a conversation and import it into another
// account to find it identical; import a ChatGPT conversations.json.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startStack } from '../lib/stack.mjs';
import { api, register } from '../lib/client.mjs';
import { launch, strictPage, ours, chatPage } from '../lib/browser.mjs';

let stack, browser;
before(async () => {
  stack = await startStack({ emulator: { delayMs: 5 } });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await stack?.stop();
});

const signedIn = (user) => chatPage(browser, stack.url, user.token);

const item = (page, id) => page.locator(`[data-testid="conversation-item"][data-id="${id}"]`);

async function menu(page, id, testid) {
  await item(page, id).hover();
  await item(page, id).getByTestId('conversation-more').click();
  await page.getByTestId(testid).click();
}

test('pin and archive from the sidebar menu', async () => {
  const u = await register(stack);
  const ids = [];
  for (const m of ['primera', 'segunda', 'tercera']) {
    ids.push((await api(stack, '/cgi-bin/chat', { token: u.token, form: { message: m } })).json.conversation_id);
  }
  const { context, page, problems } = await signedIn(u);
  await item(page, ids[0]).waitFor();
  await menu(page, ids[0], 'menu-pin');
  await page.waitForFunction((id) => document.querySelector('[data-testid="conversation-item"]')?.dataset.id === String(id), ids[0]);
  assert.equal(await item(page, ids[0]).getAttribute('data-pinned'), '1');
  assert.match(await page.locator('.conv-group').first().innerText(), /fijadas/i);
  await menu(page, ids[1], 'menu-archive');
  await item(page, ids[1]).waitFor({ state: 'detached' });
  await page.getByTestId('show-archived').click();
  await item(page, ids[1]).waitFor();
  assert.equal(await page.getByTestId('conversation-item').count(), 1);
  await menu(page, ids[1], 'menu-archive'); // now "unarchive"
  await item(page, ids[1]).waitFor({ state: 'detached' });
  await page.getByTestId('show-archived').click();
  await item(page, ids[1]).waitFor();
  assert.equal(await page.getByTestId('conversation-item').count(), 3);
  assert.deepEqual(ours(problems), []);
  await context.close();
});

test('share a link, open it logged out, revoke it', async () => {
  const u = await register(stack);
  const evil = 'Mira esto <img src=x onerror="window.pwned=1"> y **negrita**';
  const c = await api(stack, '/cgi-bin/chat', { token: u.token, form: { message: evil } });
  await api(stack, '/cgi-bin/history', { token: u.token, form: { action: 'rename', id: c.json.conversation_id, title: '<b>título</b>' } });
  const { context, page, problems } = await signedIn(u);
  await item(page, c.json.conversation_id).waitFor();
  await menu(page, c.json.conversation_id, 'menu-share');
  const link = await page.getByTestId('share-link').inputValue();
  assert.match(link, new RegExp(`^${stack.url}/shared\\.html#[A-Za-z0-9_-]{43}$`));

  // A visitor without any session.
  const visitor = await strictPage(browser);
  await visitor.page.goto(link);
  await visitor.page.getByTestId('shared-title').filter({ hasText: '<b>título</b>' }).waitFor();
  const messages = visitor.page.locator('[data-testid="message"]');
  await messages.nth(1).waitFor();
  assert.equal(await messages.count(), 2);
  assert.equal(await messages.first().locator('.msg-content').innerText(), evil);
  assert.equal(await visitor.page.locator('[data-testid="message"] img[src="x"]').count(), 0, 'no markup from the text');
  assert.equal(await visitor.page.evaluate(() => window.pwned), undefined);
  assert.equal(await visitor.page.getByTestId('thumb-up').count(), 0, 'read-only: no actions but copy');
  assert.equal(await visitor.page.getByTestId('edit-message').count(), 0);
  assert.equal(await visitor.page.evaluate(() => document.cookie), '');

  await page.getByTestId('share-revoke').click();
  await page.getByTestId('share-dialog').waitFor({ state: 'detached' });
  await visitor.page.reload();
  await visitor.page.getByTestId('shared-error').waitFor();
  assert.equal(await visitor.page.locator('[data-testid="message"]').count(), 0);
  assert.deepEqual(ours(problems), []);
  assert.deepEqual(ours(visitor.problems), []);
  await visitor.context.close();
  await context.close();
});

test('export a conversation, import it into another account and find it identical', async () => {
  const ana = await register(stack);
  const beto = await register(stack);
  const first = await api(stack, '/cgi-bin/chat', { token: ana.token, form: { message: 'Una receta de pebre' } });
  await api(stack, '/cgi-bin/chat', { token: ana.token, form: { action: 'regenerate', message_id: first.json.message.id } });
  await api(stack, '/cgi-bin/chat', { token: ana.token, form: { message: '¿y con cilantro?', conversation_id: first.json.conversation_id } });

  const a = await signedIn(ana);
  await item(a.page, first.json.conversation_id).waitFor();
  const [download] = await Promise.all([
    a.page.waitForEvent('download'),
    menu(a.page, first.json.conversation_id, 'menu-export-json'),
  ]);
  assert.match(download.suggestedFilename(), /^microchat-una-receta-de-pebre-\d+\.json$/);
  const file = path.join(stack.runDir, download.suggestedFilename());
  await download.saveAs(file);
  const exported = JSON.parse(readFileSync(file, 'utf8'));
  assert.equal(exported.conversations[0].messages.length, 5);
  const [md] = await Promise.all([a.page.waitForEvent('download'), menu(a.page, first.json.conversation_id, 'menu-export-md')]);
  assert.match(md.suggestedFilename(), /\.md$/);
  await a.context.close();

  const b = await signedIn(beto);
  const [chooser] = await Promise.all([b.page.waitForEvent('filechooser'), b.page.getByTestId('import-button').click()]);
  await chooser.setFiles(file);
  await b.page.getByTestId('toast').filter({ hasText: /1/ }).waitFor();
  const imported = b.page.getByTestId('conversation-item').first();
  await imported.waitFor();
  await imported.locator('a').click();
  await b.page.locator('[data-testid="message"]').nth(3).waitFor();
  const shown = await b.page.locator('[data-testid="message"] .msg-content').allInnerTexts();
  const original = (await api(stack, `/cgi-bin/history?id=${first.json.conversation_id}`, { token: ana.token })).json.messages;
  assert.deepEqual(shown.map((s) => s.trim()), original.map((m) => m.content.trim()));
  assert.equal(await b.page.locator('[data-role="assistant"] [data-testid="version-label"]').first().innerText(), '2/2');

  // A ChatGPT export too.
  const chatgpt = path.join(stack.runDir, 'conversations.json');
  writeFileSync(chatgpt, JSON.stringify([{ title: 'Desde ChatGPT', create_time: 1700000000, current_node: 'b', mapping: {
    a: { id: 'a', parent: null, children: ['b'], message: { author: { role: 'user' }, create_time: 1700000000, content: { content_type: 'text', parts: ['hola gpt'] } } },
    b: { id: 'b', parent: 'a', children: [], message: { author: { role: 'assistant' }, content: { content_type: 'text', parts: ['hola humano'] }, metadata: { model_slug: 'gpt-4o' } } },
  } }]));
  const [chooser2] = await Promise.all([b.page.waitForEvent('filechooser'), b.page.getByTestId('import-button').click()]);
  await chooser2.setFiles(chatgpt);
  await b.page.getByTestId('conversation-item').filter({ hasText: 'Desde ChatGPT' }).waitFor();
  assert.deepEqual(ours(b.problems), []);
  await b.context.close();
});
