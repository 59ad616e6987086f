// The residents' portal on a 360 px phone, with no account: choose the place district →
// street → community, submit a demand with a photo after agreeing to the privacy notice, get a
// tracking number, and look the case up by it; and the same choice with JavaScript off.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import AxeBuilder from '@axe-core/playwright';
import { BASE_URL, PHONE, assertFitsWidth, launchBrowser, screenshot, withPage } from '../support/harness.mjs';

// 回民区 → 光明路街道 → 巴彦淖尔北路社区居委会 in the demo's division codes.
const PLACE = { district: '150103', street: '150103003', area: '150103003030' };

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

// Without JavaScript a step's button posts the form back; the page returns with the next list.
async function step(page, field) {
  const posted = page.waitForResponse((r) => r.url().includes('/portal/submit') && r.request().method() === 'POST');
  await page.click(`button[name=step][value=${field}]`);
  assert.equal((await posted).status(), 200);
  await page.waitForLoadState();
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
      assert.equal(await page.locator('[data-step-next]').count(), 0, 'the script replaces the step buttons');
      assert.ok(await page.locator('#street').isHidden(), 'streets wait for a district');
      await page.selectOption('#district', PLACE.district);
      await page.locator(`#street option[value="${PLACE.street}"]`).waitFor({ state: 'attached' });
      await page.selectOption('#street', PLACE.street);
      await page.locator(`#area option[value="${PLACE.area}"]`).waitFor({ state: 'attached' });
      await page.selectOption('#area', PLACE.area);
      await page.locator('#grid').waitFor({ state: 'visible' });
      assert.ok((await page.locator('#grid option').count()) > 1, 'the community has grids to offer');
      // A changed district empties the steps below it.
      await page.selectOption('#district', '150102');
      await page.locator('#area').waitFor({ state: 'hidden' });
      await page.selectOption('#district', PLACE.district);
      await page.locator(`#street option[value="${PLACE.street}"]`).waitFor({ state: 'attached' });
      await page.selectOption('#street', PLACE.street);
      await page.locator(`#area option[value="${PLACE.area}"]`).waitFor({ state: 'attached' });
      await page.selectOption('#area', PLACE.area);
      await assertFitsWidth(page, PHONE.width, 'portal form with every step');
      await page.fill('#address', '铁路小区3号楼');
      await page.setInputFiles('#photo', await photo(page));
      await page.fill('#name', '王秀英');
      await page.fill('#phone', '13904710000');
      await page.check('input[name=consent]');
      await screenshot(page, 'portal-form-phone');
      await Promise.all([page.waitForURL(/\/portal\/track\/[A-Z0-9]{12}\?new=1$/), page.click('button.primary')]);
      assert.ok((await page.locator('main, body').first().innerText()).includes('巴彦淖尔北路社区'), 'handled by the chosen community');

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

  it('chooses the place step by step without JavaScript, keeping what was typed', async () => {
    const context = await browser.newContext({ viewport: PHONE, locale: 'zh-CN', baseURL: BASE_URL, javaScriptEnabled: false });
    try {
      const page = await context.newPage();
      page.setDefaultTimeout(15_000);
      await page.goto('/portal');
      await page.selectOption('#category', 'demand:heating');
      await page.fill('#description', '单元门禁坏了');
      await page.fill('#phone', '13904710000');
      await page.check('input[name=consent]');
      await page.selectOption('#district', PLACE.district);
      await step(page, 'district');
      assert.equal(await page.inputValue('#description'), '单元门禁坏了');
      assert.equal(await page.inputValue('#phone'), '13904710000');
      assert.ok(await page.isChecked('input[name=consent]'), 'the consent tick is kept');
      await page.selectOption('#street', PLACE.street);
      await step(page, 'street');
      await page.selectOption('#area', PLACE.area);
      await assertFitsWidth(page, PHONE.width, 'portal form without JavaScript');
      await screenshot(page, 'portal-steps-nojs-phone');
      await Promise.all([page.waitForURL(/\/portal\/track\/[A-Z0-9]{12}\?new=1$/), page.click('button.primary')]);
      assert.ok((await page.locator('[data-tracking]').count()) === 1);
    } finally {
      await context.close();
    }
  });
});
