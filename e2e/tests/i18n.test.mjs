// Switching language and back, checked on the markup a screen reader and a
// person both rely on: <html lang> and the navigation text.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DESKTOP, eventually, htmlLang, launchBrowser, loginAs, navText, withPage } from '../support/harness.mjs';

describe('language switch', () => {
  let browser;
  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });

  it('zh-CN by default, English on request, and back', () =>
    withPage(browser, DESKTOP, async (page) => {
      await loginAs(page, 'admin');
      assert.equal(await htmlLang(page), 'zh-CN');
      assert.match(await navText(page), /区域/);

      await page.click('a[data-lang="en"]');
      await eventually(async () => {
        assert.equal(await htmlLang(page), 'en');
        assert.match(await navText(page), /Areas/);
      });

      await page.click('a[data-lang="zh-CN"]');
      await eventually(async () => {
        assert.equal(await htmlLang(page), 'zh-CN');
        assert.match(await navText(page), /区域/);
      });
    }));
});
