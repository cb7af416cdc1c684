// The admin page in a real browser. The administrator signs in through the
// login form and opens the page from the chat's header; the inputs carry the
// ranges of GET /cgi-bin/config's "settings"; changed settings (temperature,
// system prompt, open registration) are saved, still there after a reload
// and in force (registration refused); an out-of-range value gets the rule's
// sentence in the page's language and nothing is posted, while the server's
// own refusals still show; another account disabled cannot sign in nor use
// its session (checked through the API) until it is enabled again; the audit
// log on the page shows every one of those changes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../lib/stack.mjs';
import { api, register, uniqueName } from '../lib/client.mjs';
import { launch, strictPage, ours, signedInPage } from '../lib/browser.mjs';
import es from '../../htdocs/js/locales/es.js';
import en from '../../htdocs/js/locales/en.js';

let stack, browser, admin, bob, rules, initial;
// A refusal the page shows on purpose is also logged by the browser itself.
const fill = (text, vars) => text.replace(/\{(\w+)\}/g, (_, k) => vars[k]);
const PROMPT = 'Eres el asistente de pruebas de la tienda.\nResponde en dos frases, con ñ y acentos: “sí”.';

before(async () => {
  stack = await startStack();
  browser = await launch();
  admin = await register(stack); // the first account is the administrator
  bob = await register(stack);
  const config = await api(stack, '/cgi-bin/config', { token: admin.token });
  assert.equal(config.status, 200);
  rules = Object.fromEntries(config.json.settings.map((s) => [s.key, s]));
  initial = config.json;
});
after(async () => {
  await browser?.close();
  await stack?.stop();
});

const config = async () => (await api(stack, '/cgi-bin/config', { token: admin.token })).json;
const login = (user) => api(stack, '/cgi-bin/login', { form: { username: user.username, password: user.password } });

// The admin page, its form filled from the server.
async function adminPage(o) {
  const s = await signedInPage(browser, stack.url, admin.token, '/admin.html', o);
  await formFilled(s.page);
  return s;
}

async function formFilled(page) {
  await page.waitForFunction(() => document.querySelector('[data-testid="temperature"]')?.value !== ''
    && document.querySelectorAll('[data-testid="user-row"]').length > 0);
}

function rangeText(rule, dict, locale) {
  const n = (v) => new Intl.NumberFormat(locale, { maximumFractionDigits: 6 }).format(v);
  return fill(dict[rule.kind === 'integer' ? 'admin.rule_integer' : 'admin.rule_number'], { min: n(rule.min), max: n(rule.max) });
}

test('settings changed on the page are saved, kept after a reload, in force and audited', async () => {
  const { context, page, problems } = await strictPage(browser);
  await page.goto(stack.url + '/');
  await page.getByTestId('login-username').fill(admin.username);
  await page.getByTestId('login-password').fill(admin.password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('link-admin').click();
  await page.waitForURL(/\/admin\.html$/);
  await formFilled(page);

  // The inputs follow the one description of the settings.
  for (const [testid, key] of [['temperature', 'temperature'], ['top-p', 'top_p'], ['num-predict', 'num_predict']]) {
    const input = page.getByTestId(testid);
    assert.equal(await input.getAttribute('min'), String(rules[key].min), `${key} min`);
    assert.equal(await input.getAttribute('max'), String(rules[key].max), `${key} max`);
  }
  assert.equal(await page.getByTestId('num-predict').getAttribute('step'), '1');
  assert.equal(await page.getByTestId('system-prompt').getAttribute('maxlength'), String(rules.system_prompt.max));
  assert.equal(Number(await page.getByTestId('temperature').inputValue()), Number(initial.temperature));
  assert.equal(await page.getByTestId('open-registration').isChecked(), Boolean(initial.open_registration));
  assert.ok(initial.open_registration && Number(initial.temperature) !== 0.35, 'the test changes something');

  await page.getByTestId('temperature').fill('0.35');
  await page.getByTestId('system-prompt').fill(PROMPT);
  await page.getByTestId('open-registration').setChecked(false);
  await page.getByTestId('save-config').click();
  await page.getByTestId('config-status').filter({ hasText: es['admin.saved'] }).waitFor();

  await page.reload();
  await formFilled(page);
  assert.equal(await page.getByTestId('temperature').inputValue(), '0.35');
  assert.equal(await page.getByTestId('system-prompt').inputValue(), PROMPT);
  assert.equal(await page.getByTestId('open-registration').isChecked(), false);

  const saved = await config();
  assert.equal(Number(saved.temperature), 0.35);
  assert.equal(saved.system_prompt, PROMPT);
  assert.ok(!saved.open_registration, 'registration closed');
  const closed = await api(stack, '/cgi-bin/register', { form: { username: uniqueName('late'), password: 'correct horse 1' } });
  assert.equal(closed.status, 403);
  assert.equal(closed.json.error.code, 'registration_closed');

  // One audit row per setting changed, newest first, shown on the page.
  const rows = page.getByTestId('audit-row');
  const texts = await rows.allInnerTexts();
  for (const key of ['temperature', 'system_prompt', 'open_registration'])
    assert.ok(texts.some((t) => t.includes('setting') && t.includes(key) && t.includes(admin.username)), `${key} audited:\n${texts.join('\n')}`);
  const was = new Intl.NumberFormat('en-US', { maximumFractionDigits: 4, useGrouping: false }).format(initial.temperature);
  assert.ok(texts.some((t) => t.includes(`temperature: ${was} → 0.35`)), `old and new temperature:\n${texts.join('\n')}`);
  assert.deepEqual(ours(problems), []);
  await context.close();
});

test('an out-of-range value is explained in the page\'s language and never posted', async () => {
  const { context, page, problems } = await adminPage();
  const before = await config();
  let posts = 0;
  page.on('request', (r) => { if (r.method() === 'POST' && r.url().includes('/cgi-bin/config')) posts += 1; });

  await page.getByTestId('temperature').fill(String(rules.temperature.max + 3));
  await page.getByTestId('save-config').click();
  const status = page.getByTestId('config-status');
  const spanish = `${es['admin.temperature']}: ${rangeText(rules.temperature, es, 'es-CL')}`;
  await status.filter({ hasText: spanish }).waitFor();
  assert.equal(await page.getByTestId('temperature').getAttribute('aria-invalid'), 'true');
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'temperature');

  // Two at once: both said; in English once the language changes.
  await page.getByTestId('num-predict').fill('1.5');
  await page.getByTestId('save-config').click();
  await status.filter({ hasText: `${es['admin.num_predict']}: ${rangeText(rules.num_predict, es, 'es-CL')}` }).waitFor();
  assert.ok((await status.innerText()).includes(spanish));
  await page.getByTestId('lang-picker').selectOption('en');
  await status.filter({ hasText: `${en['admin.temperature']}: ${rangeText(rules.temperature, en, 'en-US')}` }).waitFor();
  assert.ok((await status.innerText()).includes(`${en['admin.num_predict']}: ${rangeText(rules.num_predict, en, 'en-US')}`));
  assert.equal(posts, 0, 'nothing was posted');
  assert.deepEqual(await config().then((c) => [c.temperature, c.num_predict]), [before.temperature, before.num_predict]);

  // A refusal the page cannot foresee (a model name the list never offers)
  // still shows the server's words.
  await page.getByTestId('temperature').fill('1.5');
  await page.getByTestId('num-predict').fill('512');
  assert.equal(await page.getByTestId('temperature').getAttribute('aria-invalid'), null, 'a corrected value is no longer marked');
  await page.evaluate(() => {
    const select = document.querySelector('[data-testid="default-model"]');
    select.append(new Option('no such model!', 'no such model!'));
    select.value = 'no such model!';
  });
  await page.getByTestId('save-config').click();
  await status.filter({ hasText: /default_model: .*model name/ }).waitFor();
  assert.equal(posts, 1);
  assert.equal((await config()).temperature, before.temperature, 'a refused change stores nothing');

  await page.getByTestId('default-model').selectOption('');
  await page.getByTestId('save-config').click();
  await status.filter({ hasText: en['admin.saved'] }).waitFor();
  const after = await config();
  assert.equal(Number(after.temperature), 1.5);
  assert.equal(Number(after.num_predict), 512);
  assert.deepEqual(ours(problems), []);
  await context.close();
});

test('an account disabled on the page cannot sign in until enabled again; both are audited', async () => {
  const { context, page, problems } = await adminPage();
  const row = page.locator(`[data-testid="user-row"][data-id="${bob.user.id}"]`);
  assert.equal(await row.getAttribute('data-disabled'), '0');
  assert.equal((await login(bob)).status, 200);

  await row.getByTestId('toggle-disabled').click();
  await page.locator(`[data-testid="user-row"][data-id="${bob.user.id}"][data-disabled="1"]`).waitFor();
  await page.getByTestId('users-status').filter({ hasText: fill(es['admin.user_updated'], { name: bob.username }) }).waitFor();
  const refused = await login(bob);
  assert.equal(refused.status, 401);
  assert.equal(refused.json.error.code, 'unauthorized');
  assert.equal((await api(stack, '/cgi-bin/login', { token: bob.token })).status, 401, 'the open session stops too');
  assert.equal((await api(stack, '/cgi-bin/history', { token: bob.token })).status, 401);

  await page.reload();
  await formFilled(page);
  await row.getByTestId('toggle-disabled').filter({ hasText: es['admin.enable'] }).click();
  await page.locator(`[data-testid="user-row"][data-id="${bob.user.id}"][data-disabled="0"]`).waitFor();
  const back = await login(bob);
  assert.equal(back.status, 200);
  assert.equal(back.json.user.username, bob.username);

  // The audit log on the page, newest first: enabled, then disabled, and
  // the settings changed before.
  await page.reload();
  await formFilled(page);
  const texts = await page.getByTestId('audit-row').allInnerTexts();
  const at = (action) => texts.findIndex((t) => t.includes(action) && t.includes(bob.username) && t.includes(admin.username));
  assert.ok(at('user.enable') >= 0 && at('user.disable') > at('user.enable'), texts.join('\n'));
  assert.ok(texts.some((t) => t.includes('setting') && t.includes('temperature')), 'the settings changes are there too');
  assert.deepEqual(ours(problems), []);
  await context.close();
});
