// Logging in and out through the form a person uses.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DESKTOP, launchBrowser, login, loginAs, pathOf, withPage } from '../support/harness.mjs';

describe('authentication', () => {
  let browser;
  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });

  it('a wrong password keeps you on /login and shows an alert', () =>
    withPage(browser, DESKTOP, async (page) => {
      // Not admin: a lockout after failed attempts must not hit the account
      // the other tests log in with.
      await page.goto('/login');
      assert.equal(await page.locator('[role=alert]:visible').count(), 0, 'an alert before any attempt');
      await login(page, 'street', 'not-the-password');
      await page.locator('[role=alert]').first().waitFor({ state: 'visible' });
      assert.equal(pathOf(page), '/login');
      assert.equal(await page.locator('form[action="/logout"]').count(), 0, 'a failed login must not sign in');
    }));

  it('the demo admin lands on / with the admin navigation', () =>
    withPage(browser, DESKTOP, async (page) => {
      await loginAs(page, 'admin');
      for (const href of ['/areas', '/accounts', '/audit']) {
        assert.ok(await page.locator(`nav a[href="${href}"]`).count(), `nav link to ${href}`);
      }
      assert.equal(await page.locator('form[action="/logout"]').count(), 1);
    }));

  it('logging out ends the session', () =>
    withPage(browser, DESKTOP, async (page) => {
      await loginAs(page, 'community');
      // Wait for the logout request itself: navigating away first would
      // cancel it and the test would pass without logging out.
      await Promise.all([
        page.waitForResponse((r) => new URL(r.url()).pathname === '/logout' && r.request().method() === 'POST'),
        page.click('form[action="/logout"] [type=submit]'),
      ]);
      await page.waitForLoadState();
      await page.goto('/');
      assert.equal(await page.locator('form[action="/logout"]').count(), 0, 'still signed in after logout');
      assert.equal(await page.locator('input[name=password]').count(), 1, 'the login form is offered again');
    }));
});
