// The widget as a shop owner uses it: a plain page of another site (another
// origin: localhost on a second port, while microchat is 127.0.0.1) carries
// the script tag; a visitor opens the floating button and chats with the
// shop assistant in the frame, with streamed answers and product cards, the
// visit kept across a reload and cleared on request, in the page's language
// and theme; the visit shows on the dashboard. A site not listed in the
// assistant's embed_origins cannot frame it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startStack, freePort, ROOT } from '../lib/stack.mjs';
import { api, register } from '../lib/client.mjs';
import { launch, strictPage, signedInPage } from '../lib/browser.mjs';
import { sqlRead } from '../lib/ops.mjs';
import es from '../../htdocs/js/locales/es.js';
import en from '../../htdocs/js/locales/en.js';

let stack, browser, admin, listed, unlisted;
const servers = [];
const sql = (q) => sqlRead(stack, q);

// A shop's own site: nothing of microchat but the script tag.
async function hostSite() {
  const port = await freePort();
  const server = http.createServer((req, res) => {
    const english = req.url.startsWith('/en');
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html lang="${english ? 'en' : 'es-CL'}"><head><title>Mi tienda</title></head>
<body><h1>Mi tienda</h1><p>Bienvenidos.</p>
<script src="${stack.url}/widget.js" data-assistant="tienda" ${english ? 'data-theme="dark"' : ''} defer></script>
</body></html>`);
  });
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  servers.push(server);
  return `http://localhost:${port}`;
}

before(async () => {
  stack = await startStack({ seed: true, emulator: { delayMs: 60 } });
  browser = await launch();
  admin = await register(stack);
  listed = await hostSite();
  unlisted = await hostSite();
  const r = await api(stack, '/cgi-bin/assistants', { token: admin.token,
    form: { action: 'save', slug: 'tienda', embed_origins: listed } });
  assert.equal(r.status, 200, r.text);
});
after(async () => {
  await browser?.close();
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  await stack?.stop();
});

const frameOf = (page) => page.frameLocator('iframe[data-microchat-frame="tienda"]');

async function openWidget(page, url) {
  await page.goto(url);
  const button = page.locator('[data-microchat-widget="tienda"]');
  await button.waitFor();
  await button.click();
  return button;
}

test('a visitor chats through the widget on another site: streamed, with product cards, kept and cleared', async () => {
  const { context, page, problems } = await strictPage(browser);
  const button = await openWidget(page, `${listed}/`);
  assert.equal(await button.getAttribute('aria-expanded'), 'true');
  assert.equal(await button.getAttribute('aria-label'), es['embed.widget_close']);
  const frame = frameOf(page);
  const tienda = (await api(stack, '/cgi-bin/assistants')).json.assistants.find((a) => a.slug === 'tienda');
  await frame.getByTestId('embed-greeting').filter({ hasText: tienda.greeting }).waitFor();
  assert.deepEqual(await frame.getByTestId('quick-action').allTextContents(), tienda.quick_actions.map((q) => q.label));
  // Send, and see the reply grow while it streams.
  await frame.getByTestId('composer-input').fill('busco celulares samsung bajo 400 mil [[tokens=12]]');
  await frame.getByTestId('composer-input').press('Enter');
  const reply = frame.locator('[data-testid="message"][data-role="assistant"]').last();
  await reply.and(frame.locator('[data-status="streaming"]')).locator('.msg-content').filter({ hasText: 'tok' })
    .waitFor({ timeout: 15000 });
  const partial = await reply.locator('.msg-content').innerText();
  await reply.and(frame.locator('[data-status="done"]')).waitFor({ timeout: 20000 });
  const whole = await reply.locator('.msg-content').innerText();
  assert.ok(partial.length < whole.length, `streamed: "${partial}" before "${whole}"`);
  const cards = await reply.getByTestId('product-card').locator('.card-title').allTextContents();
  assert.ok(cards.length > 0 && cards.every((n) => /Samsung/.test(n)), cards.join(', '));
  // The visitor: a guest row, with the frame's user agent, chatting with the shop.
  const rows = sql(`SELECT u.guest, s.user_agent, a.slug FROM conversations c JOIN users u ON u.id = c.user_id
    JOIN sessions s ON s.user_id = u.id JOIN assistants a ON a.id = c.assistant_id`);
  assert.equal(rows.length, 1);
  assert.equal(rows[0].guest, 1);
  assert.equal(rows[0].slug, 'tienda');
  assert.match(rows[0].user_agent, /Chrome/);
  // A reload of the shop's page: the visit and its conversation are still there.
  await openWidget(page, `${listed}/`);
  await frame.locator('[data-testid="message"][data-role="assistant"]').first().getByTestId('product-card').first().waitFor();
  assert.equal(sql('SELECT count(*) AS n FROM users WHERE guest = 1')[0].n, 1, 'the same visitor');
  // Clear the conversation: gone from the screen and from the database; the greeting is back.
  await frame.getByTestId('clear-conversation').click();
  await frame.getByTestId('embed-greeting').waitFor();
  assert.equal(await frame.locator('[data-testid="message"]').count(), 0);
  assert.equal(sql('SELECT count(*) AS n FROM conversations')[0].n, 0);
  // Escape closes the panel from the shop's page.
  await page.locator('h1').click();
  await page.keyboard.press('Escape');
  await page.locator('[data-microchat-widget="tienda"][aria-expanded="false"]').waitFor();
  assert.deepEqual(problems, []);
  await context.close();
});

test('the widget follows the page: English and dark', async () => {
  const { context, page, problems } = await strictPage(browser, { locale: 'es-CL' });
  const button = await openWidget(page, `${listed}/en`);
  assert.equal(await button.getAttribute('aria-label'), en['embed.widget_close']);
  const frame = frameOf(page);
  const english = (await api(stack, '/cgi-bin/assistants?lang=en')).json.assistants.find((a) => a.slug === 'tienda');
  await frame.getByTestId('embed-greeting').filter({ hasText: english.greeting }).waitFor();
  const root = await frame.locator('html').evaluate((h) => [h.lang, h.dataset.theme]);
  assert.deepEqual(root, ['en', 'dark']);
  assert.equal(await frame.getByTestId('composer-input').getAttribute('placeholder'), en['composer.placeholder']);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a site that is not listed cannot frame it; the rest of microchat is never framed', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const refused = [];
  page.on('console', (m) => { if (/frame-ancestors|Refused to (display|frame)/i.test(m.text())) refused.push(m.text()); });
  await openWidget(page, `${unlisted}/`);
  const frame = page.frame({ url: /cgi-bin\/embed/ }) ?? page.frames().find((f) => f !== page.mainFrame());
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(await frameOf(page).locator('[data-testid="embed-app"]').count(), 0, 'nothing of the chat shows');
  assert.ok(refused.length > 0 || frame?.url().startsWith('chrome-error:'), `blocked: ${refused.join(' | ')} ${frame?.url()}`);
  const embed = await fetch(`${stack.url}/cgi-bin/embed?assistant=tienda`);
  assert.match(embed.headers.get('content-security-policy'), new RegExp(`frame-ancestors ${listed.replace(/[.]/g, '\\.')}$`));
  assert.equal(embed.headers.get('x-frame-options'), null);
  for (const p of ['/', '/admin.html', '/cgi-bin/health']) {
    const r = await fetch(stack.url + p);
    assert.match(r.headers.get('content-security-policy'), /frame-ancestors 'none'/, p);
  }
  // embed.html serves the same page (relative URLs from the site's folder).
  const alias = await fetch(`${stack.url}/embed.html?assistant=tienda`);
  assert.equal(alias.status, 200);
  assert.match(await alias.text(), /<base href="\.\/">/);
  // A members-only or unknown assistant has no widget page.
  assert.equal((await fetch(`${stack.url}/cgi-bin/embed?assistant=general`)).status, 403);
  assert.equal((await fetch(`${stack.url}/cgi-bin/embed?assistant=nadie`)).status, 404);
  assert.equal((await fetch(`${stack.url}/cgi-bin/embed?assistant=Bad!`)).status, 400);
  await context.close();
});

test('the visits show on the dashboard, apart from members', async () => {
  const { context, page, problems } = await signedInPage(browser, stack.url, admin.token, '/dashboard.html');
  const visitors = page.getByTestId('audience-visitors');
  await visitors.locator('[data-field="sessions"]').filter({ hasText: /^[1-9]/ }).waitFor();
  const stats = (await api(stack, '/cgi-bin/stats', { token: admin.token })).json;
  assert.ok(stats.visitors.messages >= 2);
  assert.equal(await visitors.locator('[data-field="messages"]').innerText(), String(stats.visitors.messages));
  const row = page.locator('[data-testid="assistant-stat-row"][data-slug="tienda"]');
  assert.equal(await row.locator('[data-field="visitor-messages"]').innerText(), String(stats.visitors.messages));
  assert.deepEqual(problems.filter((p) => !/Failed to load resource/.test(p)), []);
  await context.close();
});

test('widget.js: no dependencies, no global name, labels as the locales say', () => {
  const source = readFileSync(path.join(ROOT, 'htdocs/widget.js'), 'utf8');
  assert.doesNotMatch(source, /\bimport\b|\brequire\(/);
  assert.match(source, /^\(function \(\) \{$/m, 'everything inside one function');
  for (const [lang, strings] of [['es', es], ['en', en]]) {
    const block = source.match(new RegExp(`${lang}: \\{ open: '([^']+)', close: '([^']+)' \\}`));
    assert.ok(block, lang);
    assert.deepEqual([block[1], block[2]], [strings['embed.widget_open'], strings['embed.widget_close']]);
  }
});
