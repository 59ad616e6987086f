// Shared set-up for the browser tests: where the server is, how Chromium is
// started, and the few UI steps every test needs (logging in, waiting).
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export const BASE_URL = (process.env.FENGQIAO_BASE_URL || 'http://127.0.0.1:8080').replace(/\/$/, '');
export const BACKEND = process.env.FENGQIAO_BACKEND || 'sqlite';
export const DEMO_PASSWORD = 'fengqiao-demo';

// Flags Debian's Chromium needs here: it runs as root in CI (no sandbox), has
// no GPU, and the machine's closed network refuses the browser's own
// background connections, which would otherwise slow every start.
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const PHONE = { width: 360, height: 740 };
export const DESKTOP = { width: 1280, height: 800 };

export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
  });
}

// A context per test keeps cookies (the session) from leaking between tests.
// axe-core's AxeBuilder also needs a page that belongs to a context it can
// open frames in, which browser.newPage() does not give. The locale is the
// platform's audience; the app's default language is asserted on its own.
export async function newPage(browser, viewport = DESKTOP) {
  const context = await browser.newContext({ viewport, locale: 'zh-CN', baseURL: BASE_URL });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  return { context, page };
}

// A phone page must never scroll sideways.
export async function assertFitsWidth(page, width, what) {
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(wide <= width, `${what} scrolls sideways: ${wide}px`);
}

export function pathOf(page) {
  return new URL(page.url()).pathname;
}

export async function login(page, username, password = DEMO_PASSWORD) {
  await page.goto('/login');
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', password);
  await page.click('button[type=submit]');
}

export async function loginAs(page, username) {
  await login(page, username);
  await page.waitForURL((url) => url.pathname === '/', { timeout: 15_000 });
}

// Retries an assertion until it holds: after a click the page may be mid
// navigation or mid htmx swap, and either way the DOM we read is not final yet.
export async function eventually(check, { timeout = 10_000, interval = 100 } = {}) {
  const deadline = Date.now() + timeout;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() >= deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, interval));
    }
  }
}

export async function htmlLang(page) {
  return page.evaluate(() => document.documentElement.getAttribute('lang'));
}

export async function navText(page) {
  return (await page.locator('nav').allInnerTexts()).join(' ');
}

export function screenshotDir() {
  const dir = process.env.FENGQIAO_SCREENSHOT_DIR || join('test-results', 'screenshots', BACKEND);
  mkdirSync(dir, { recursive: true });
  return dir;
}

// Fonts load after the page does; a screenshot taken before they arrive
// shows fallback glyphs, which is exactly what the CJK check is for.
export async function screenshot(page, name) {
  await page.evaluate(() => document.fonts.ready);
  const path = join(screenshotDir(), `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

export async function assertStatus(response, expected, what) {
  assert.ok(response, `${what}: no response`);
  assert.equal(response.status(), expected, `${what}: expected HTTP ${expected}, got ${response.status()}`);
}

// Runs `fn` with a page in a fresh context and always closes the context,
// so one failing test cannot leave a session behind for the next.
export async function withPage(browser, viewport, fn) {
  const { context, page } = await newPage(browser, viewport);
  try {
    return await fn(page);
  } finally {
    await context.close();
  }
}
