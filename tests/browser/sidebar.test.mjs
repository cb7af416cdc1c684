// The sidebar pages through a long history: the first page, then older
// conversations on demand, each exactly once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../lib/stack.mjs';
import { api, register } from '../lib/client.mjs';
import { launch, signedInPage } from '../lib/browser.mjs';

let stack, browser;
before(async () => {
  stack = await startStack();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await stack?.stop();
});

test('more than one page of conversations: the rest load on demand, none twice', async () => {
  const u = await register(stack);
  const total = 53; // the list's page is 50
  for (let i = 0; i < total; i++) {
    const r = await api(stack, '/cgi-bin/chat', { token: u.token, form: { message: `tema número ${i}` } });
    assert.equal(r.status, 200);
  }
  const { context, page } = await signedInPage(browser, stack.url, u.token, '/');
  const items = page.getByTestId('conversation-item');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="conversation-item"]').length === 50);
  await page.getByTestId('load-more').click();
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="conversation-item"]').length === n, total);
  assert.equal(await page.getByTestId('load-more').count(), 0, 'no button once everything is shown');
  const ids = await items.evaluateAll((nodes) => nodes.map((n) => n.dataset.id));
  assert.equal(new Set(ids).size, total);
  const oldest = stack.sql(`SELECT id FROM conversations WHERE user_id=${u.user.id} ORDER BY id LIMIT 1`)[0].id;
  assert.ok(ids.includes(String(oldest)), 'the oldest conversation is reachable');
  await context.close();
});
