// The shop assistant in a real browser: a product question shows product
// cards with the seed's prices, an office question an office card with a
// tel: link, both still there after a reload (history carries the cards),
// and the quick-action buttons fill the composer with their starter phrase.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../lib/stack.mjs';
import { api, register, uniqueName } from '../lib/client.mjs';
import { useShopAssistant } from '../lib/shop.mjs';
import { launch, strictPage, ours } from '../lib/browser.mjs';
import { loadSeed } from '../lib/seed.mjs';

const seed = loadSeed();
let stack, browser;
before(async () => {
  stack = await startStack({ seed: true });
  // The first account is the admin; the shop's conversations talk to an
  // assistant with the catalog and the directory, the site's default.
  const admin = await register(stack);
  await useShopAssistant(stack, admin.token);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await stack?.stop();
});

async function registerIn(page) {
  await page.goto(stack.url + '/');
  await page.getByTestId('tab-register').click();
  await page.getByTestId('register-username').fill(uniqueName('shop'));
  await page.getByTestId('register-password').fill('pan con palta 123');
  await page.getByTestId('register-submit').click();
  await page.getByTestId('composer-input').waitFor();
}

async function send(page, text) {
  const before = await page.locator('[data-testid="message"][data-role="assistant"]').count();
  await page.getByTestId('composer-input').fill(text);
  await page.getByTestId('composer-input').press('Enter');
  await page.waitForFunction((n) => {
    const all = document.querySelectorAll('[data-testid="message"][data-role="assistant"]');
    return all.length > n && ['done', 'fallback'].includes(all[all.length - 1].dataset.status);
  }, before, { timeout: 20000 });
  return page.locator('[data-testid="message"][data-role="assistant"]').last();
}

// What the cards of one reply show: product names and prices, office names and tel: links.
async function cardsOf(reply) {
  return reply.evaluate((m) => ({
    products: [...m.querySelectorAll('[data-testid="product-card"]')].map((c) => ({
      name: c.querySelector('.card-title').textContent, price: c.querySelector('.card-price').textContent,
    })),
    offices: [...m.querySelectorAll('[data-testid="office-card"]')].map((c) => ({
      name: c.querySelector('.card-title').textContent,
      tel: c.querySelector('a[href^="tel:"]')?.getAttribute('href') ?? null,
      text: c.textContent,
    })),
  }));
}

const digits = (s) => String(s).replace(/\D/g, '');

test('product and office cards, and the same cards after a reload', async () => {
  const { context, page, problems } = await strictPage(browser);
  await registerIn(page);

  const productReply = await send(page, 'busco celulares samsumg bajo 400 mil');
  const expected = seed.inCategory('celulares').filter((p) => p.brand === 'Samsung' && p.price <= 400000);
  const first = await cardsOf(productReply);
  assert.deepEqual(first.products.map((p) => p.name).sort(), expected.map((p) => p.name).sort());
  for (const card of first.products)
    assert.equal(digits(card.price), String(seed.productByName.get(card.name).price), card.name);
  assert.deepEqual(first.offices, []);

  const officeReply = await send(page, 'donde queda la oficina de vila carlos paz');
  const office = seed.officeByName.get('Villa Carlos Paz');
  const second = await cardsOf(officeReply);
  assert.equal(second.offices.length, 1);
  assert.equal(second.offices[0].name, office.municipio);
  assert.equal(digits(second.offices[0].tel), digits(office.telefono));
  assert.ok(second.offices[0].text.includes(office.direccion));
  assert.deepEqual(second.products, []);

  await page.reload();
  await page.locator('[data-testid="message"][data-role="assistant"]').nth(1).waitFor();
  const replies = page.locator('[data-testid="message"][data-role="assistant"]');
  assert.equal(await replies.count(), 2);
  await replies.first().getByTestId('product-card').first().waitFor();
  assert.deepEqual(await cardsOf(replies.first()), first, 'product cards after the reload');
  assert.deepEqual(await cardsOf(replies.last()), second, 'office card after the reload');
  // The intent chip comes back too.
  assert.equal(await replies.first().getByTestId('intent-chip').getAttribute('data-intent'), 'buscar_producto');
  assert.equal(await replies.last().getByTestId('intent-chip').getAttribute('data-intent'), 'consultar_oficina');
  assert.deepEqual(ours(problems), []);
  await context.close();
});

test('an assistant\'s quick actions fill the composer, in Spanish and in English', async () => {
  const { context, page, problems } = await strictPage(browser);
  await registerIn(page);
  const input = page.getByTestId('composer-input');
  await page.locator('[data-testid="assistant-option"][data-assistant="oficinas"]').click();
  for (const lang of ['es', 'en']) {
    if (lang === 'en') {
      const tools = page.getByTestId('tools-toggle');
      if (await tools.isVisible()) await tools.click();
      await page.getByTestId('lang-picker').selectOption('en');
      await page.waitForFunction(() => document.documentElement.lang === 'en');
    }
    const oficinas = (await api(stack, `/cgi-bin/assistants?lang=${lang}`)).json.assistants.find((a) => a.slug === 'oficinas');
    await page.waitForFunction((first) => document.querySelector('[data-testid="quick-action"]')?.textContent === first,
      oficinas.quick_actions[0].label);
    assert.deepEqual(await page.getByTestId('quick-action').allTextContents(), oficinas.quick_actions.map((q) => q.label));
    assert.equal(await page.getByTestId('assistant-greeting').textContent(), oficinas.greeting);
    for (const [k, action] of oficinas.quick_actions.entries()) {
      await input.fill('');
      await page.getByTestId('quick-action').nth(k).click();
      assert.equal(await input.inputValue(), action.text, `${lang} ${action.label}`);
      assert.ok(await input.evaluate((el) => document.activeElement === el), 'the composer has the focus');
    }
  }
  // A filled-in starter phrase is sent like typed text.
  await page.getByTestId('quick-action').first().click();
  await input.press('Enter');
  await page.getByTestId('office-card').first().waitFor({ timeout: 20000 });
  assert.equal(await page.getByTestId('office-card').first().locator('.card-title').textContent(), 'Villa Carlos Paz');
  assert.deepEqual(ours(problems), []);
  await context.close();
});

