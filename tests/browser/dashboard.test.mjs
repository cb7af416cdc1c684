// The dashboard in a real browser: after some chats, an administrator sees
// the totals of what happened and every chart drawn with data (read back
// from Chart.js itself), switches the period, the theme and a phone-sized
// screen; anybody else is sent away. Saves the screenshot the README shows
// (docs/img/dashboard.png with MC_UPDATE_SCREENSHOTS=1).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../lib/stack.mjs';
import { api, register, chatStream, eventually } from '../lib/client.mjs';
import { launch, strictPage, screenshotPath, ours, signedInPage } from '../lib/browser.mjs';
import { sqlRead, recordedRequests } from '../lib/ops.mjs';
import { useShopAssistant, SHOP_ASSISTANT } from '../lib/shop.mjs';

let stack, browser, admin, alice;
let expected;

const CHARTS = ['messages', 'latency', 'first-token', 'tokens', 'models', 'intents', 'products', 'errors'];
// A refused fetch (the 401 of an anonymous visit) is logged by the browser itself.
before(async () => {
  stack = await startStack({ seed: true, emulator: { delayMs: 10 } });
  browser = await launch();
  admin = await register(stack);
  alice = await register(stack);
  await useShopAssistant(stack, admin.token); // the NLU runs for the chats below
  const chats = [
    ['busco un celular samsung [[tokens=6]] [[delay=30]]', 'llama3.2:1b'],
    ['quiero un notebook lenovo barato [[tokens=8]] [[first=150]]', 'llama3.2:1b'],
    ['compara precios de televisores [[tokens=5]] [[delay=60]]', 'qwen2.5:0.5b'],
    ['dónde queda la oficina de Villa María [[tokens=4]]', 'qwen2.5:0.5b'],
    ['explica la fotosíntesis [[tokens=12]] [[delay=20]]', 'llama3.2:1b'],
    ['esto falla [[status=500]]', 'llama3.2:1b'],
    ['otra pregunta cualquiera [[tokens=7]] [[first=90]]', 'llama3.2:1b'],
  ];
  for (const [message, model] of chats) await chatStream(stack, alice.token, { message, model });
  // A visitor's chat with the shop: the audience table tells them apart.
  const visitor = (await api(stack, '/cgi-bin/guest', { form: { assistant: 'tienda' } })).json;
  await chatStream(stack, visitor.token, { message: 'busco audífonos sony', assistant: 'tienda' });
  await api(stack, '/cgi-bin/stats?days=2', { token: admin.token }); // an invalid_input for the errors chart
  await recordedRequests(stack, 2 + chats.length + 1 + 2);
  expected = (await api(stack, '/cgi-bin/stats?days=7', { token: admin.token })).json;
});
after(async () => {
  await browser?.close();
  await stack?.stop();
});

const signedIn = (user, o) => signedInPage(browser, stack.url, user.token, null, o);

// What Chart.js holds for a canvas: its type and the sum of its first series.
function chartData(page, name) {
  return page.evaluate((n) => {
    const canvas = document.querySelector(`[data-testid="chart-${n}"]`);
    const chart = canvas && window.Chart.getChart(canvas);
    if (!chart || canvas.hidden) return null;
    const values = chart.data.datasets.flatMap((d) => d.data).map(Number).filter(Number.isFinite);
    return { type: chart.config.type, labels: chart.data.labels.length, sum: values.reduce((a, v) => a + v, 0),
      width: canvas.getBoundingClientRect().width };
  }, name);
}

test('an administrator sees the true totals and every chart drawn with data', async () => {
  const { context, page, problems } = await signedIn(admin);
  await page.goto(stack.url + '/dashboard.html');
  await page.getByTestId('stat-total-messages').filter({ hasText: String(expected.totals.messages) }).waitFor();
  assert.equal(await page.getByTestId('stat-total-users').innerText(), String(expected.totals.users));
  assert.equal(await page.getByTestId('stat-total-conversations').innerText(), String(expected.totals.conversations));
  assert.ok(expected.intents.length > 0 && expected.top_products.length > 0, 'the NLU logged intents and products');
  // Members and visitors apart, and each assistant's figures, as stats says.
  for (const who of ['members', 'visitors']) {
    const row = page.getByTestId(`audience-${who}`);
    assert.ok(expected[who].messages > 0, who);
    assert.equal(await row.locator('[data-field="messages"]').innerText(), String(expected[who].messages), who);
    assert.equal(await row.locator('[data-field="sessions"]').innerText(), String(expected[who].sessions), who);
  }
  for (const slug of [SHOP_ASSISTANT, 'tienda']) {
    const figures = expected.assistants.find((a) => a.slug === slug);
    const row = page.locator(`[data-testid="assistant-stat-row"][data-slug="${slug}"]`);
    assert.ok(figures.messages > 0, slug);
    assert.equal(await row.locator('[data-field="messages"]').innerText(), String(figures.messages), slug);
    assert.equal(await row.locator('[data-field="visitor-messages"]').innerText(), String(figures.visitors.messages), slug);
  }
  for (const name of CHARTS) {
    await page.waitForFunction((n) => {
      const c = document.querySelector(`[data-testid="chart-${n}"]`);
      return c && !c.hidden && window.Chart.getChart(c);
    }, name);
    const d = await chartData(page, name);
    assert.ok(d && d.sum > 0 && d.width > 100, `${name}: ${JSON.stringify(d)}`);
  }
  // The bars hold the figures of the stats program.
  assert.equal((await chartData(page, 'models')).sum, expected.models.reduce((a, m) => a + m.count, 0));
  assert.equal((await chartData(page, 'errors')).sum, expected.errors.reduce((a, m) => a + m.count, 0));
  assert.equal((await chartData(page, 'messages')).labels, 7);
  const rows = page.getByTestId('backend-row');
  assert.equal(await rows.count(), 1);
  assert.match(await rows.first().innerText(), new RegExp(stack.emulators[0].url.replace(/[./]/g, '\\$&')));
  await page.screenshot({ path: screenshotPath('dashboard'), fullPage: true });

  // One day: hourly buckets.
  const asked = page.waitForRequest((r) => r.url().includes('/cgi-bin/stats?days=1'));
  await page.getByTestId('period-1').click();
  await asked;
  await page.waitForFunction(() => window.Chart.getChart(document.querySelector('[data-testid="chart-messages"]'))
    ?.data.labels.length === 24);
  assert.equal(await page.getByTestId('period-1').getAttribute('aria-pressed'), 'true');
  assert.ok((await chartData(page, 'latency')).sum > 0);

  // Another theme redraws every chart in its colours.
  await page.getByTestId('theme-picker').selectOption('dark');
  for (const name of CHARTS) assert.ok((await chartData(page, name))?.sum > 0, `${name} after the theme change`);
  assert.deepEqual(ours(problems), []);
  await context.close();
});

test('on a phone the dashboard fits the screen', async () => {
  const { context, page, problems } = await signedIn(admin, { viewport: { width: 375, height: 740 } });
  await page.goto(stack.url + '/dashboard.html');
  await page.getByTestId('stat-total-messages').filter({ hasText: String(expected.totals.messages) }).waitFor();
  await page.waitForFunction(() => window.Chart.getChart(document.querySelector('[data-testid="chart-latency"]')));
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `horizontal overflow of ${overflow}px at 375px`);
  const d = await chartData(page, 'latency');
  assert.ok(d.width > 200 && d.width <= 375, `chart width ${d.width}`);
  assert.deepEqual(ours(problems), []);
  await context.close();
});

test('a user who is not an administrator, or nobody, is sent to the login view', async () => {
  for (const who of [alice, null]) {
    const { context, page, problems } = who ? await signedIn(who) : await strictPage(browser);
    await page.goto(stack.url + '/dashboard.html');
    await page.waitForURL(stack.url + '/');
    assert.equal(await page.getByTestId('stat-total-messages').count(), 0);
    assert.deepEqual(ours(problems), []);
    await context.close();
  }
  // And the figures themselves stay closed to them.
  assert.equal((await api(stack, '/cgi-bin/stats', { token: alice.token })).status, 403);
  await eventually(() => assert.ok(
    sqlRead(stack, "SELECT count(*) AS c FROM ops_requests WHERE program = 'stats' AND status = 403")[0].c >= 1));
});
