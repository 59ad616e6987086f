// The residents' portal on a 360 px phone, with no account: submit a demand with a photo after
// agreeing to the privacy notice, get a tracking number, and look the case up by it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import AxeBuilder from '@axe-core/playwright';
import { PHONE, assertFitsWidth, launchBrowser, screenshot, withPage } from '../support/harness.mjs';

async function photo(page) {
  const b64 = await page.evaluate(() => {
    const c = document.createElement('canvas');
    c.width = 320;
    c.height = 240;
    const x = c.getContext('2d');
    x.fillStyle = '#a53b3b';
    x.fillRect(0, 0, 320, 240);
    return c.toDataURL('image/jpeg', 0.8).split(',')[1];
  });
  return { name: '暖气片.jpg', mimeType: 'image/jpeg', buffer: Buffer.from(b64, 'base64') };
}

describe('residents portal', () => {
  let browser;
  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });

  it('submits, gives a tracking number, and finds the case by it', () =>
    withPage(browser, PHONE, async (page) => {
      await page.goto('/portal');
      assert.equal(await page.locator('html').getAttribute('lang'), 'zh-CN');
      await assertFitsWidth(page, PHONE.width, 'portal form');
      const { violations } = await new AxeBuilder({ page }).analyze();
      const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      assert.equal(serious.length, 0, serious.map((v) => v.id).join(', '));

      await page.selectOption('#category', 'demand:heating');
      await page.fill('#description', '整栋楼暖气不热，已经三天了');
      await page.selectOption('#area', { index: 1 });
      await page.fill('#address', '铁路小区3号楼');
      await page.setInputFiles('#photo', await photo(page));
      await page.fill('#name', '王秀英');
      await page.fill('#phone', '13904710000');
      await page.check('input[name=consent]');
      await screenshot(page, 'portal-form-phone');
      await Promise.all([page.waitForURL(/\/portal\/track\/[A-Z0-9]{12}\?new=1$/), page.click('button.primary')]);

      const token = await page.locator('[data-tracking]').getAttribute('data-tracking');
      assert.match(token, /^[A-Z0-9]{12}$/);
      await assertFitsWidth(page, PHONE.width, 'tracking page');
      await screenshot(page, 'portal-tracking-phone');

      await page.goto('/portal/track');
      await page.fill('#number', `${token.slice(0, 4)}-${token.slice(4, 8)}-${token.slice(8)}`.toLowerCase());
      await Promise.all([page.waitForURL(new RegExp(`/portal/track/`)), page.click('button.primary')]);
      const text = await page.locator('main, body').first().innerText();
      assert.ok(text.includes('已上报'), text);
      assert.ok(!text.includes('王秀英'), 'the name is never shown back');

      await page.goto('/portal/track/ABCDEFGHJKMN');
      assert.ok((await page.locator('[role=alert]').innerText()).includes('查询码'));
    }));
});
