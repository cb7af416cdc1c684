// Headless Chromium (Debian's) driven by playwright-core, as the probe of
// this machine kind does it: no downloads, no background networking.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

// Where a test saves a screenshot: tests/out/screenshots, so that a test run
// never changes tracked files; MC_UPDATE_SCREENSHOTS=1 writes the README's
// pictures in docs/img instead.
export function screenshotPath(name) {
  const dir = process.env.MC_UPDATE_SCREENSHOTS === '1'
    ? path.join(ROOT, 'docs/img') : path.join(ROOT, 'tests/out/screenshots');
  mkdirSync(dir, { recursive: true });
  return path.join(dir, `${name}.png`);
}

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

export async function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
      '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'],
  });
}

// A page that fails the test on any console error or CSP violation.
export async function strictPage(browser, o = {}) {
  const context = await browser.newContext({ viewport: o.viewport || { width: 1280, height: 800 }, locale: o.locale || 'es-CL' });
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  return { context, page, problems };
}

// Only problems that are ours: a 4xx/5xx the page provoked on purpose shows
// up as a console error of the failed fetch, which we allow by URL.
export const ours = (problems) => problems.filter((p) => !/Failed to load resource/.test(p));

// A strict page signed in with a session token, opened at `at` (a path of
// the site; none: not opened yet).
export async function signedInPage(browser, url, token, at = null, o = {}) {
  const s = await strictPage(browser, o);
  await s.context.addCookies([{ name: 'session', value: token, url }]);
  if (at !== null) await s.page.goto(url + at);
  return s;
}

// The chat page of a signed-in user, once its composer is there.
export async function chatPage(browser, url, token) {
  const s = await signedInPage(browser, url, token, '/');
  await s.page.getByTestId('composer-input').waitFor();
  return s;
}
