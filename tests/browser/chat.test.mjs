// The chat page in a real browser: register, send a message, watch the
// streamed reply rendered as Markdown with highlighted code, reload and find
// it again, switch model, log out. Saves the screenshot the README shows.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../lib/stack.mjs';
import { uniqueName } from '../lib/client.mjs';
import { launch, strictPage, screenshotPath, ours } from '../lib/browser.mjs';

let stack, browser;
before(async () => {
  stack = await startStack({ emulator: { delayMs: 40 } });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await stack?.stop();
});

test('register, chat with a streamed Markdown reply, reload, switch model, log out', async () => {
  const { context, page, problems } = await strictPage(browser);
  await page.goto(stack.url + '/');
  await page.getByTestId('tab-register').click();
  const name = uniqueName('web');
  await page.getByTestId('register-username').fill(name);
  await page.getByTestId('register-password').fill('pan con palta 123');
  await page.getByTestId('register-submit').click();
  await page.getByTestId('composer-input').waitFor();
  await page.getByTestId('user-name').filter({ hasText: name }).waitFor();

  // Models come from the backend; the default is preselected.
  const models = await page.getByTestId('model-picker').locator('option').allTextContents();
  assert.ok(models.some((m) => m.includes('llama3.2:1b')), models.join(','));

  // Shift+Enter breaks the line, Enter sends, the textarea clears.
  const input = page.getByTestId('composer-input');
  const height = () => input.evaluate((el) => el.getBoundingClientRect().height);
  const hEmpty = await height();
  await input.click();
  await input.type('Explícame con markdown');
  await input.press('Shift+Enter');
  await input.type('por favor');
  assert.equal(await input.inputValue(), 'Explícame con markdown\npor favor');
  assert.ok(await height() > hEmpty, 'the textarea grows with its lines');
  await input.press('Enter');
  assert.equal(await input.inputValue(), '');
  await page.waitForFunction((h) => document.querySelector('[data-testid="composer-input"]').getBoundingClientRect().height <= h + 1, hEmpty);

  const reply = page.locator('[data-testid="message"][data-role="assistant"]').last();
  // While it streams, the Stop button is there; then the reply is done.
  await page.getByTestId('stop-button').waitFor({ state: 'visible' });
  await reply.locator('h2').waitFor();
  await page.waitForFunction(() => {
    const m = [...document.querySelectorAll('[data-testid="message"][data-role="assistant"]')].pop();
    return m && m.dataset.status === 'done';
  }, null, { timeout: 20000 });
  assert.ok(await reply.locator('strong').count() > 0, 'bold rendered');
  assert.ok(await reply.locator('pre code.hljs, pre code[class*="language-"]').count() > 0, 'code block highlighted');
  assert.ok(await reply.locator('pre code span').count() > 0, 'highlight.js spans');
  const userMsg = page.locator('[data-testid="message"][data-role="user"]').last();
  assert.match(await userMsg.innerText(), /Explícame con markdown\s+por favor/);
  await page.screenshot({ path: screenshotPath('chat') });

  // The conversation is in the sidebar and survives a reload.
  await page.getByTestId('conversation-item').first().waitFor();
  const replyText = await reply.locator('.msg-content').innerText();
  await page.reload();
  await page.locator('[data-testid="message"][data-role="assistant"] h2').first().waitFor();
  assert.equal(await page.locator('[data-testid="message"][data-role="assistant"] .msg-content').last().innerText(), replyText);

  // Switching the model answers with the other one and is remembered.
  await page.getByTestId('model-picker').selectOption({ label: models.find((m) => m.includes('qwen')) });
  await input.fill('y ahora con otro modelo');
  await page.getByTestId('send-button').click();
  await page.waitForFunction(() => {
    const all = document.querySelectorAll('[data-testid="message"][data-role="assistant"]');
    const m = all[all.length - 1];
    return all.length >= 2 && m.dataset.status === 'done' && m.innerText.includes('qwen2.5');
  }, null, { timeout: 20000 });
  const convId = stack.sql("SELECT id FROM conversations ORDER BY id DESC LIMIT 1")[0].id;
  assert.equal(stack.sql(`SELECT model FROM conversations WHERE id=${convId}`)[0].model, 'qwen2.5:0.5b');
  await page.reload();
  await page.getByTestId('composer-input').waitFor();
  await page.waitForFunction(() => document.getElementById('model-picker').value.includes('qwen'));

  // Log out: back to the login form, and the session no longer works.
  const tools = page.getByTestId('tools-toggle');
  if (await tools.isVisible()) await tools.click();
  await page.getByTestId('logout').click();
  await page.getByTestId('login-username').waitFor();
  const me = await page.evaluate(async () => (await fetch('/cgi-bin/login')).status);
  assert.equal(me, 401);
  assert.deepEqual(ours(problems), []);
  await context.close();
});

test('the page works at phone width and in every theme', async () => {
  const { context, page, problems } = await strictPage(browser, { viewport: { width: 375, height: 740 } });
  await page.goto(stack.url + '/');
  await page.getByTestId('tab-register').click();
  await page.getByTestId('register-username').fill(uniqueName('phone'));
  await page.getByTestId('register-password').fill('pan con palta 123');
  await page.getByTestId('register-submit').click();
  await page.getByTestId('composer-input').waitFor();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `horizontal overflow of ${overflow}px at 375px`);
  const tools = page.getByTestId('tools-toggle');
  if (await tools.isVisible()) await tools.click();
  const themes = await page.getByTestId('theme-picker').locator('option').evaluateAll((os) => os.map((o) => o.value));
  assert.ok(themes.includes('pain') && themes.includes('dark') && themes.includes('light'), themes.join(','));
  const backgrounds = new Set();
  for (const t of ['light', 'dark', 'pain']) {
    await page.getByTestId('theme-picker').selectOption(t);
    backgrounds.add(await page.evaluate(() => getComputedStyle(document.body).backgroundColor));
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), t);
  }
  assert.equal(backgrounds.size, 3, 'each theme has its own palette');
  await page.getByTestId('lang-picker').selectOption('en');
  await page.waitForFunction(() => document.documentElement.lang === 'en');
  assert.deepEqual(ours(problems), []);
  await context.close();
});

test('a model that is down shows a clear message, not a stuck spinner', async () => {
  const { context, page } = await strictPage(browser);
  await page.goto(stack.url + '/');
  await page.getByTestId('tab-register').click();
  await page.getByTestId('register-username').fill(uniqueName('down'));
  await page.getByTestId('register-password').fill('pan con palta 123');
  await page.getByTestId('register-submit').click();
  await page.getByTestId('composer-input').fill('esto falla [[status=500]]');
  await page.getByTestId('composer-input').press('Enter');
  await page.waitForFunction(() => {
    const m = [...document.querySelectorAll('[data-testid="message"][data-role="assistant"]')].pop();
    return m && m.dataset.status === 'error';
  }, null, { timeout: 20000 });
  const text = await page.locator('[data-testid="message"][data-role="assistant"]').last().innerText();
  assert.ok(text.trim().length > 0, 'an error message is shown');
  assert.equal(await page.getByTestId('stop-button').isVisible(), false);
  assert.equal(await page.getByTestId('composer-input').isEnabled(), true);
  await context.close();
});
