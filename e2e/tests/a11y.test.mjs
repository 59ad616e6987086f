// axe-core on the pages everyone sees first. Only serious and critical
// findings fail: those block people from using the page at all.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import AxeBuilder from '@axe-core/playwright';
import { DESKTOP, launchBrowser, loginAs, withPage } from '../support/harness.mjs';

async function assertNoSeriousViolations(page, what) {
  const { violations } = await new AxeBuilder({ page }).analyze();
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const report = serious
    .map((v) => `${v.impact} ${v.id}: ${v.help}\n    at ${v.nodes.slice(0, 5).map((n) => n.target.join(' ')).join('\n    at ')}`)
    .join('\n');
  assert.equal(serious.length, 0, `${what}:\n${report}`);
}

describe('accessibility', () => {
  let browser;
  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });

  it('login page', () =>
    withPage(browser, DESKTOP, async (page) => {
      await page.goto('/login');
      await assertNoSeriousViolations(page, '/login');
    }));

  it('home page', () =>
    withPage(browser, DESKTOP, async (page) => {
      await loginAs(page, 'admin');
      await assertNoSeriousViolations(page, '/');
    }));

  it('people who serve and organisations, with their forms', () =>
    withPage(browser, DESKTOP, async (page) => {
      await loginAs(page, 'community');
      for (const path of ['/people', '/organisations']) {
        await page.goto(path);
        await assertNoSeriousViolations(page, path);
      }
      await page.goto('/people');
      await page.locator('.person a').first().click();
      await page.waitForURL((url) => url.pathname.startsWith('/people/'));
      await assertNoSeriousViolations(page, 'person page');
    }));

  it('areas pages', () =>
    withPage(browser, DESKTOP, async (page) => {
      await loginAs(page, 'admin');
      for (const path of ['/areas', '/areas/150103']) {
        await page.goto(path);
        await assertNoSeriousViolations(page, path);
      }
    }));
});
