// Choosing an assistant on the chat page: a new chat offers the enabled
// assistants with the chosen one's greeting and quick actions; a greeting
// to the shop is answered at once and shown under no model's name, while
// "hola mundo" to the general chat reaches the chosen model and shows its
// name; the top bar names the conversation's assistant, and an assistant
// with a model of its own holds the model picker to it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../lib/stack.mjs';
import { api, register, uniqueName } from '../lib/client.mjs';
import { launch, strictPage, ours } from '../lib/browser.mjs';

let stack, browser, admin;
before(async () => {
  stack = await startStack({ seed: true });
  browser = await launch();
  admin = await register(stack);
  const r = await api(stack, '/cgi-bin/assistants', { token: admin.token, form: {
    action: 'save', slug: 'poeta', name: 'Poeta', description: 'Escribe versos.', model: 'qwen2.5:0.5b',
    greeting: 'Dime un tema y te escribo un poema.', quick_actions: JSON.stringify([{ label: 'Un haiku', text: 'Escribe un haiku sobre la lluvia' }]) } });
  assert.equal(r.status, 201, r.text);
});
after(async () => {
  await browser?.close();
  await stack?.stop();
});

async function member(page) {
  await page.goto(stack.url + '/');
  await page.getByTestId('tab-register').click();
  await page.getByTestId('register-username').fill(uniqueName('elige'));
  await page.getByTestId('register-password').fill('pan con palta 123');
  await page.getByTestId('register-submit').click();
  await page.getByTestId('assistant-option').first().waitFor();
}

async function send(page, text) {
  const before = await page.locator('[data-testid="message"][data-role="assistant"]').count();
  await page.getByTestId('composer-input').fill(text);
  await page.getByTestId('composer-input').press('Enter');
  await page.waitForFunction((n) => {
    const all = document.querySelectorAll('[data-testid="message"][data-role="assistant"]');
    return all.length > n && all[all.length - 1].dataset.status === 'done';
  }, before, { timeout: 20000 });
  return page.locator('[data-testid="message"][data-role="assistant"]').last();
}

test('a new chat offers the assistants; a shop greeting shows no model name, "hola mundo" to the general chat does', async () => {
  const { context, page, problems } = await strictPage(browser);
  await member(page);
  const offered = await page.getByTestId('assistant-option').evaluateAll((bs) => bs.map((b) => b.dataset.assistant));
  const listed = (await api(stack, '/cgi-bin/assistants', { token: admin.token })).json.assistants
    .filter((a) => a.enabled).map((a) => a.slug);
  assert.deepEqual(offered, listed);
  assert.equal(await page.locator('[data-testid="assistant-option"][aria-pressed="true"]').getAttribute('data-assistant'), 'general',
    'the site\'s default first');
  // The shop: its greeting, its quick actions; "hola" answered at once, under no model.
  await page.locator('[data-testid="assistant-option"][data-assistant="tienda"]').click();
  const tienda = (await api(stack, '/cgi-bin/assistants')).json.assistants.find((a) => a.slug === 'tienda');
  assert.equal(await page.getByTestId('assistant-greeting').textContent(), tienda.greeting);
  assert.deepEqual(await page.getByTestId('suggestion').allTextContents(), tienda.quick_actions.map((q) => q.label));
  const greeting = await send(page, 'hola');
  assert.equal(await greeting.locator('.msg-model').textContent(), '');
  assert.equal(await greeting.locator('.msg-content').innerText(), tienda.greeting);
  assert.equal(await page.getByTestId('assistant-chip').getAttribute('data-assistant'), 'tienda');
  assert.ok(await page.getByTestId('assistant-chip').isVisible());
  // The general chat: "hola mundo" goes to the model picked, shown by name.
  await page.getByTestId('new-chat').click();
  await page.locator('[data-testid="assistant-option"][data-assistant="general"]').click();
  await page.getByTestId('model-picker').selectOption('qwen2.5:0.5b');
  const reply = await send(page, 'hola mundo');
  assert.equal(await reply.locator('.msg-model').textContent(), 'qwen2.5:0.5b');
  assert.match(await reply.locator('.msg-content').innerText(), /hola mundo.*qwen2\.5:0\.5b/s);
  // After a reload the conversation names its assistant again.
  await page.reload();
  await page.locator('[data-testid="message"][data-role="assistant"]').first().waitFor();
  await page.getByTestId('assistant-chip').and(page.locator('[data-assistant="general"]')).waitFor();
  assert.deepEqual(ours(problems), []);
  await context.close();
});

test('an assistant with its own model holds the picker to it', async () => {
  const { context, page, problems } = await strictPage(browser);
  await member(page);
  await page.getByTestId('model-picker').selectOption('llama3.2:1b');
  await page.locator('[data-testid="assistant-option"][data-assistant="poeta"]').click();
  assert.equal(await page.getByTestId('model-picker').inputValue(), 'qwen2.5:0.5b');
  assert.ok(await page.getByTestId('model-picker').isDisabled());
  await page.getByTestId('suggestion').first().click();
  assert.equal(await page.getByTestId('composer-input').inputValue(), 'Escribe un haiku sobre la lluvia');
  const reply = await send(page, 'Escribe un haiku sobre la lluvia');
  assert.equal(await reply.locator('.msg-model').textContent(), 'qwen2.5:0.5b');
  // Back to the general chat: the picker is free again.
  await page.getByTestId('new-chat').click();
  await page.locator('[data-testid="assistant-option"][data-assistant="general"]').click();
  assert.ok(!(await page.getByTestId('model-picker').isDisabled()));
  assert.deepEqual(ours(problems), []);
  await context.close();
});
