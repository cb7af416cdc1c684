// Working with replies in a real browser, as a daily user would: regenerate a reply and
// switch between its versions ("‹ 2/2 ›"), edit a question in place (Enter saves, Escape
// cancels), stop a reply and continue it, retry one that failed, copy, rate a reply with
// a comment, and the keyboard shortcuts listed in the help.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../lib/stack.mjs';
import { register, sleep } from '../lib/client.mjs';
import { launch, ours, chatPage } from '../lib/browser.mjs';

let stack, browser;
before(async () => {
  stack = await startStack({ emulator: { delayMs: 20 } });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await stack?.stop();
});

const emu = (body) => fetch(`${stack.emulators[0].url}/__emulator/config`, {
  method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

const signedIn = (user) => chatPage(browser, stack.url, user.token);

const replies = (page) => page.locator('[data-testid="message"][data-role="assistant"]');
const questions = (page) => page.locator('[data-testid="message"][data-role="user"]');
const settled = (page, n) => page.waitForFunction((count) => {
  const all = [...document.querySelectorAll('[data-testid="message"][data-role="assistant"]')];
  return all.length === count && all.every((m) => m.dataset.status !== 'streaming') &&
    document.getElementById('message-list').getAttribute('aria-busy') === 'false';
}, n, { timeout: 20000 });

async function send(page, text, replyCount) {
  await page.getByTestId('composer-input').fill(text);
  await page.getByTestId('composer-input').press('Enter');
  await settled(page, replyCount);
}

test('regenerate, switch versions, edit in place, rate with a comment', async () => {
  const u = await register(stack);
  const { context, page, problems } = await signedIn(u);
  await send(page, 'Háblame de Valparaíso', 1);
  const first = await replies(page).last().locator('.msg-content').innerText();

  await replies(page).last().hover();
  await replies(page).last().getByTestId('regenerate-reply').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="version-label"]')?.textContent === '2/2', null, { timeout: 20000 });
  await settled(page, 1);
  const label = replies(page).last().getByTestId('version-label');
  assert.equal(await label.innerText(), '2/2');
  await replies(page).last().getByTestId('version-prev').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="version-label"]')?.textContent === '1/2');
  assert.equal(await replies(page).last().locator('.msg-content').innerText(), first);
  assert.equal(await replies(page).last().getByTestId('version-prev').isDisabled(), true);
  await replies(page).last().getByTestId('version-next').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="version-label"]')?.textContent === '2/2');

  // Edit: Escape cancels, the box grows with its lines, Enter sends the new version.
  await questions(page).last().hover();
  await questions(page).last().getByTestId('edit-message').click();
  const box = page.getByTestId('edit-input');
  assert.equal(await box.inputValue(), 'Háblame de Valparaíso');
  await box.press('Escape');
  assert.equal(await page.getByTestId('edit-input').count(), 0);
  assert.equal(await questions(page).last().locator('.msg-content').innerText(), 'Háblame de Valparaíso');
  await questions(page).last().hover();
  await questions(page).last().getByTestId('edit-message').click();
  const h1 = await box.evaluate((el) => el.getBoundingClientRect().height);
  await box.press('End');
  await box.press('Shift+Enter');
  await box.type('y de Viña del Mar');
  assert.ok(await box.evaluate((el) => el.getBoundingClientRect().height) > h1, 'the box grows');
  await box.press('Enter');
  await settled(page, 1);
  await page.waitForFunction(() => document.querySelector('[data-role="user"] [data-testid="version-label"]')?.textContent === '2/2');
  assert.match(await questions(page).last().innerText(), /Viña del Mar/);
  assert.match(await replies(page).last().innerText(), /Viña del Mar/);

  // Thumbs down with a comment; then up replaces it; again takes it back.
  const reply = replies(page).last();
  await reply.hover();
  await reply.getByTestId('thumb-down').click();
  await page.getByTestId('feedback-comment').fill('faltó el ascensor');
  await page.getByTestId('feedback-send').click();
  await page.getByTestId('feedback-form').waitFor({ state: 'detached' });
  const id = await reply.getAttribute('data-id');
  assert.deepEqual(stack.sql(`SELECT rating, comment FROM feedback WHERE message_id=${id}`)[0], { rating: 'down', comment: 'faltó el ascensor' });
  assert.equal(await reply.getByTestId('thumb-down').getAttribute('aria-pressed'), 'true');
  await page.reload();
  await settled(page, 1);
  assert.equal(await replies(page).last().getByTestId('thumb-down').getAttribute('aria-pressed'), 'true', 'kept after a reload');
  await replies(page).last().hover();
  await replies(page).last().getByTestId('thumb-up').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="thumb-up"]')?.getAttribute('aria-pressed') === 'true');
  assert.equal(stack.sql(`SELECT rating FROM feedback WHERE message_id=${id}`)[0].rating, 'up');
  await replies(page).last().getByTestId('thumb-up').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="thumb-up"]')?.getAttribute('aria-pressed') === 'false');
  assert.equal(stack.sql(`SELECT count(*) AS n FROM feedback WHERE message_id=${id}`)[0].n, 0);
  assert.deepEqual(ours(problems), []);
  await context.close();
});

test('stop a reply and continue it; retry one that failed', async () => {
  const u = await register(stack);
  const { context, page, problems } = await signedIn(u);
  await page.getByTestId('composer-input').fill('cuenta despacio [[tokens=60]] [[delay=80]]');
  await page.getByTestId('composer-input').press('Enter');
  await page.waitForFunction(() => (document.querySelector('[data-testid="message"][data-role="assistant"] .msg-content')?.innerText || '').includes('tok3'));
  await page.keyboard.press('Escape'); // the shortcut for Stop
  await page.waitForFunction(() => document.querySelector('[data-testid="message"][data-role="assistant"]')?.dataset.status === 'stopped', null, { timeout: 20000 });
  await settled(page, 1);
  const cut = await replies(page).last().locator('.msg-content').innerText();
  assert.ok(!cut.includes('tok60'));
  await replies(page).last().getByTestId('continue-reply').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="message"][data-role="assistant"]')?.dataset.status === 'done', null, { timeout: 20000 });
  await settled(page, 1);
  const whole = await replies(page).last().locator('.msg-content').innerText();
  assert.ok(whole.startsWith(cut.trim()), 'it goes on from where it stopped');
  assert.equal(await replies(page).last().getByTestId('version-label').innerText(), '2/2');

  await emu({ fault: 'down500' });
  try {
    await send(page, 'esto falla por ahora', 2);
  } finally {
    await emu({ fault: null });
  }
  assert.equal(await replies(page).last().getAttribute('data-status'), 'error');
  for (let i = 0; i < 30; i++) {
    await replies(page).last().getByTestId('retry-reply').click();
    await settled(page, 2);
    if (await replies(page).last().getAttribute('data-status') === 'done') break;
    await sleep(500); // the backend's breaker may hold it back a moment
  }
  assert.equal(await replies(page).last().getAttribute('data-status'), 'done');
  assert.match(await replies(page).last().innerText(), /esto falla por ahora/);
  assert.deepEqual(ours(problems), []);
  await context.close();
});

test('keyboard: a new chat, the message box, the list of shortcuts; copy a reply', async () => {
  const u = await register(stack);
  const { context, page, problems } = await signedIn(u);
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: stack.url });
  await send(page, 'para copiar', 1);
  await replies(page).last().hover();
  await replies(page).last().getByTestId('copy-message').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="copy-message"][data-copied]'));
  await page.getByTestId('new-chat').focus();
  await page.keyboard.press('Shift+Escape');
  assert.equal(await page.evaluate(() => document.activeElement.dataset.testid), 'composer-input');
  await page.keyboard.press('Control+Shift+O');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="message"]').length === 0);
  assert.equal(await page.evaluate(() => location.hash), '');
  await page.keyboard.press('Control+/');
  const help = page.getByTestId('shortcuts-dialog');
  await help.waitFor();
  const text = await help.innerText();
  for (const word of ['Ctrl', 'Shift', 'Esc', 'O']) assert.ok(text.includes(word), word);
  await page.keyboard.press('Escape');
  await help.waitFor({ state: 'detached' });
  await page.getByTestId('shortcuts-button').click();
  await help.waitFor();
  await page.getByTestId('shortcuts-dialog-close').click();
  assert.deepEqual(ours(problems), []);
  await context.close();
});
