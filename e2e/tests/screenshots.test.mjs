// Pictures for a person to look at (phone first: most workers use one),
// written to FENGQIAO_SCREENSHOT_DIR. The test checks they were written;
// judging them is for the eye.
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { DESKTOP, PHONE, launchBrowser, loginAs, screenshot, withPage } from '../support/harness.mjs';

function assertWritten(path) {
  assert.ok(statSync(path).size > 1000, `${path} looks empty`);
}

describe('screenshots', () => {
  let browser;
  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });

  it('phone: login, home, areas', () =>
    withPage(browser, PHONE, async (page) => {
      await page.goto('/login');
      assertWritten(await screenshot(page, 'phone-login'));
      await loginAs(page, 'admin');
      assertWritten(await screenshot(page, 'phone-home'));
      await page.goto('/areas/150103');
      assertWritten(await screenshot(page, 'phone-areas'));
    }));

  it('desktop: home', () =>
    withPage(browser, DESKTOP, async (page) => {
      await loginAs(page, 'admin');
      assertWritten(await screenshot(page, 'desktop-home'));
    }));
});
