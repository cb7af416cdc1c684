// Accounts and quotas in a real browser: change the password on the account page and
// find the other sessions ended; see today's use in the account menu, be warned near the
// quota and, past it, told when it renews; an administrator resets a forgotten password
// (shown once), the user is made to choose a new one at the next login; the dashboard
// shows the ratings given.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../lib/stack.mjs';
import { api, register } from '../lib/client.mjs';
import { launch, strictPage, ours, signedInPage } from '../lib/browser.mjs';

let stack, browser, admin;
before(async () => {
  stack = await startStack({ emulator: { delayMs: 5 } });
  browser = await launch();
  admin = await register(stack);
});
after(async () => {
  await browser?.close();
  await stack?.stop();
});

const withSession = (token, at = '/') => signedInPage(browser, stack.url, token, at);

async function openAccountMenu(page) {
  const tools = page.getByTestId('tools-toggle');
  if (await tools.isVisible()) await tools.click();
  await page.getByTestId('account-toggle').click();
  return page.getByTestId('account-menu');
}

test('change the password on the account page: the other sessions end, this one goes on', async () => {
  const u = await register(stack);
  const other = (await api(stack, '/cgi-bin/login', { form: { username: u.username, password: u.password } })).json.token;
  const elsewhere = await withSession(other);
  await elsewhere.page.getByTestId('composer-input').waitFor();

  const { context, page, problems } = await withSession(u.token);
  await page.getByTestId('composer-input').waitFor();
  await (await openAccountMenu(page)).getByTestId('menu-account').click();
  await page.waitForURL(/account\.html/);
  await page.getByTestId('session-row').nth(1).waitFor();
  assert.equal(await page.locator('[data-testid="session-row"][data-current="1"]').count(), 1);
  // A wrong current password: told so, nobody logged out.
  await page.getByTestId('current-password').fill('no es la mía');
  await page.getByTestId('new-password').fill('nueva clave segura');
  await page.getByTestId('confirm-password').fill('nueva clave segura');
  await page.getByTestId('password-submit').click();
  await page.getByTestId('password-status').filter({ hasText: /actual/ }).waitFor();
  assert.equal(page.url().includes('account.html'), true);
  await page.getByTestId('current-password').fill(u.password);
  await page.getByTestId('password-submit').click();
  await page.getByTestId('password-status').filter({ hasText: /1/ }).waitFor();
  assert.equal(await page.getByTestId('session-row').count(), 1);

  await elsewhere.page.reload();
  await elsewhere.page.getByTestId('login-username').waitFor();
  const login = await api(stack, '/cgi-bin/login', { form: { username: u.username, password: 'nueva clave segura' } });
  assert.equal(login.status, 200);
  assert.deepEqual(ours(problems), []);
  await elsewhere.context.close();
  await context.close();
});

test('usage in the account menu, a warning near the quota, then when it renews', async () => {
  const u = await register(stack);
  await api(stack, '/cgi-bin/config', { token: admin.token, form: { action: 'set_quota', user_id: u.user.id, messages_per_day: '2' } });
  const { context, page, problems } = await withSession(u.token);
  await page.getByTestId('composer-input').waitFor();
  let menu = await openAccountMenu(page);
  await menu.getByTestId('usage-line').filter({ hasText: '0 de 2 mensajes' }).waitFor();
  await page.keyboard.press('Escape');
  await page.getByTestId('composer-input').fill('primera');
  await page.getByTestId('composer-input').press('Enter');
  await page.getByTestId('quota-note').filter({ hasText: /1/ }).waitFor();
  await page.waitForFunction(() => document.getElementById('message-list').getAttribute('aria-busy') === 'false');
  await page.getByTestId('composer-input').fill('segunda');
  await page.getByTestId('composer-input').press('Enter');
  await page.getByTestId('quota-note').filter({ hasText: /0/ }).waitFor();
  await page.waitForFunction(() => document.getElementById('message-list').getAttribute('aria-busy') === 'false');
  await page.getByTestId('composer-input').fill('tercera');
  await page.getByTestId('composer-input').press('Enter');
  const refused = page.locator('[data-testid="message"][data-role="assistant"]').last();
  await page.waitForFunction(() => [...document.querySelectorAll('[data-role="assistant"]')].pop()?.dataset.status === 'error');
  assert.match(await refused.innerText(), /cuota.*renueva/i);
  assert.equal(await page.getByTestId('composer-input').inputValue(), 'tercera', 'the text is given back');
  menu = await openAccountMenu(page);
  await menu.getByTestId('usage-line').filter({ hasText: '2 de 2 mensajes' }).waitFor();
  assert.deepEqual(ours(problems), []);
  await context.close();
});

test('an administrator resets a password; the user must choose a new one at the next login', async () => {
  const u = await register(stack);
  const a = await withSession(admin.token, '/admin.html');
  const row = a.page.locator(`[data-testid="user-row"][data-id="${u.user.id}"]`);
  await row.waitFor();
  a.page.once('dialog', (d) => d.accept());
  await row.getByTestId('reset-password').click();
  const temp = await a.page.getByTestId('temporary-password').inputValue();
  assert.match(temp, /^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/);
  await a.page.getByTestId('reset-dialog-close').click();
  // The quota of an account, set from the same table.
  await row.getByTestId('set-quota').click();
  await a.page.getByTestId('quota-messages_per_day').fill('7');
  await a.page.getByTestId('quota-save').click();
  await row.getByTestId('set-quota').filter({ hasText: '7' }).waitFor();
  await a.page.locator('[data-testid="audit-row"]').filter({ hasText: 'user.reset_password' }).waitFor();
  assert.deepEqual(ours(a.problems), []);
  await a.context.close();

  const { context, page, problems } = await strictPage(browser);
  await page.goto(stack.url + '/');
  await page.getByTestId('login-username').fill(u.username);
  await page.getByTestId('login-password').fill(temp);
  await page.getByTestId('login-submit').click();
  await page.waitForURL(/account\.html/);
  await page.getByTestId('must-change').waitFor();
  assert.equal(await page.locator('#sessions-panel').isVisible(), false, 'nothing else until it is changed');
  await page.getByTestId('current-password').fill(temp);
  await page.getByTestId('new-password').fill('mi clave de nuevo');
  await page.getByTestId('confirm-password').fill('mi clave de nuevo');
  await page.getByTestId('password-submit').click();
  await page.waitForURL((url) => !url.pathname.endsWith('account.html'));
  await page.getByTestId('composer-input').waitFor();
  assert.deepEqual(ours(problems), []);
  await context.close();
});

test('the dashboard shows the ratings by model and the latest bad replies', async () => {
  const u = await register(stack);
  const c = await api(stack, '/cgi-bin/chat', { token: u.token, form: { message: 'una respuesta mala' } });
  await api(stack, '/cgi-bin/feedback', { token: u.token, form: { message_id: c.json.message.id, rating: 'down', comment: 'no sirvió' } });
  const { context, page, problems } = await withSession(admin.token, '/dashboard.html');
  await page.getByTestId('feedback-panel').waitFor();
  await page.getByTestId('down-item').filter({ hasText: 'no sirvió' }).waitFor();
  assert.match(await page.getByTestId('down-item').first().innerText(), /una respuesta mala/);
  assert.notEqual(await page.getByTestId('stat-feedback-down').innerText(), '—');
  assert.match(await page.getByTestId('feedback-by-model').innerText(), /llama3\.2:1b/);
  assert.deepEqual(ours(problems), []);
  await context.close();
});
