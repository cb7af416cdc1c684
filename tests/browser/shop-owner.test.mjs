// A shop owner's first day, in a real browser, on a new install (no
// database yet: the first request makes it): open the page, create the
// admin account, chat with a streamed reply, check a new price list (a dry
// run that shows the bad line and saves nothing), import it, see the new
// price in the catalog, and download a backup. Under MC_SERVER=apache this is
// the shared-hosting tarball under Apache, at /microchat/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startStack } from '../lib/stack.mjs';
import { api } from '../lib/client.mjs';
import { launch, strictPage, ours } from '../lib/browser.mjs';
import { loadSeed } from '../lib/seed.mjs';

const seed = loadSeed();
let stack, browser, dir;
before(async () => {
  stack = await startStack({ seed: true, migrate: false, emulator: { delayMs: 40 } });
  browser = await launch();
  dir = mkdtempSync(path.join(os.tmpdir(), 'microchat-owner-'));
});
after(async () => {
  await browser?.close();
  await stack?.stop();
  rmSync(dir, { recursive: true, force: true });
});

// A refused fetch the page provoked on purpose is logged by the browser itself.
test('open, become the admin, chat, check and import a price list, download a backup', async () => {
  const { context, page, problems } = await strictPage(browser, { acceptDownloads: true });
  await page.goto(`${stack.url}/`);
  await page.getByTestId('tab-register').click();
  await page.getByTestId('register-username').fill('duena');
  await page.getByTestId('register-password').fill('mi tienda 2026');
  await page.getByTestId('register-submit').click();
  await page.getByTestId('composer-input').waitFor();

  // A streamed reply: several token events reach the page before it is done.
  await page.getByTestId('composer-input').fill('redacta un texto corto sobre el pan amasado [[tokens=12]] [[delay=80]]');
  await page.getByTestId('composer-input').press('Enter');
  await page.getByTestId('stop-button').waitFor({ state: 'visible' });
  // Part of the reply on the page while Stop is still offered.
  const partial = await page.waitForFunction(() => {
    const m = [...document.querySelectorAll('[data-testid="message"][data-role="assistant"]')].pop();
    const text = m?.querySelector('.msg-content')?.innerText || '';
    const stop = document.querySelector('[data-testid="stop-button"]');
    return stop && stop.offsetParent !== null && /tok3/.test(text) ? text : null;
  }, null, { timeout: 20000 });
  assert.doesNotMatch(await partial.jsonValue(), /tok12/, 'seen while it was still being written');
  await page.getByTestId('stop-button').waitFor({ state: 'hidden', timeout: 20000 });
  assert.match(await page.locator('[data-testid="message"][data-role="assistant"] .msg-content').last().innerText(), /tok12/);

  // The admin page, reached by its relative link.
  await page.goto(`${stack.url}/admin.html`);
  await page.getByTestId('data-panel').waitFor();
  const [first, second] = seed.active;
  const list = path.join(dir, 'precios.csv');
  writeFileSync(list, ['sku,name,category_slug,brand,price',
    `${first.sku},"${first.name}",${first.category_slug},"${first.brand}",4990`,
    `${second.sku},"${second.name}",${second.category_slug},"${second.brand}",12.990`].join('\n') + '\n');
  await page.getByTestId('data-files').setInputFiles(list);
  assert.equal(await page.getByTestId('data-import').isDisabled(), true, 'import waits for a check');
  await page.getByTestId('data-check').click();
  await page.getByTestId('data-error-row').first().waitFor();
  const rows = await page.getByTestId('data-error-row').allInnerTexts();
  assert.equal(rows.length, 1);
  assert.match(rows[0], /precios\.csv\s+3\s+price '12\.990'/);
  assert.match(await page.getByTestId('data-summary').innerText(), /No se guardó nada/);
  assert.equal(stack.sql(`SELECT price FROM products WHERE sku = '${first.sku}'`)[0].price, first.price);

  await page.getByTestId('data-import').click();
  await page.getByTestId('data-status').filter({ hasText: 'Datos importados' }).waitFor();
  assert.match(await page.getByTestId('data-summary').innerText(), /1 actualizadas/);
  const token = (await context.cookies()).find((c) => c.name === 'session').value;
  const found = await api(stack, `/cgi-bin/catalog?id=${stack.sql(`SELECT id FROM products WHERE sku = '${first.sku}'`)[0].id}`, { token });
  assert.equal(found.json.product?.price ?? found.json.products?.[0]?.price, 4990, found.text);

  // The backup link downloads a SQLite file.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('data-backup').click()]);
  assert.match(download.suggestedFilename(), /^microchat-\d{8}-\d{6}\.db$/);
  const saved = path.join(dir, 'backup.db');
  await download.saveAs(saved);
  assert.equal(readFileSync(saved).subarray(0, 15).toString('latin1'), 'SQLite format 3');
  assert.deepEqual(ours(problems), []);
  await context.close();
});
