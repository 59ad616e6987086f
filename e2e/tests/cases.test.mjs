// A grid worker takes in a dispute on a phone: from the home button through the form to the
// case page, without horizontal scrolling and with no serious accessibility problems.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import AxeBuilder from '@axe-core/playwright';
import { PHONE, assertFitsWidth, eventually, launchBrowser, loginAs, withPage } from '../support/harness.mjs';

async function assertNoSeriousViolations(page, what) {
  const { violations } = await new AxeBuilder({ page }).analyze();
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.equal(serious.length, 0, `${what}: ${serious.map((v) => `${v.id} at ${v.nodes[0]?.target}`).join('; ')}`);
}

async function assertFitsThePhone(page, what) {
  await assertFitsWidth(page, PHONE.width, what);
}

describe('cases', () => {
  let browser;
  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });

  it('a grid worker reports a dispute on a phone and lands on its page', () =>
    withPage(browser, PHONE, async (page) => {
      await loginAs(page, 'grid');
      await page.getByRole('link', { name: '上报事件' }).click();
      await page.waitForURL((url) => url.pathname === '/cases/new');
      await assertFitsThePhone(page, '/cases/new');
      await assertNoSeriousViolations(page, '/cases/new');
      assert.equal(await page.locator('input[name=kind][value=dispute]').isChecked(), true, 'dispute is the default kind');
      assert.equal(await page.locator('#nc-channel').inputValue(), 'grid_patrol', 'patrol is a grid worker\'s channel');

      const title = `楼上漏水 ${Date.now()}`;
      await page.selectOption('#nc-category', 'neighbour.water_leak');
      await page.fill('#nc-title', title);
      await page.fill('#nc-description', '楼上卫生间漏水至楼下，双方协商未果');
      await page.fill('#nc-p0-name', '王秀英');
      await page.fill('#nc-p0-phone', '13904710000');
      await page.fill('#nc-p1-name', '李建国');
      await page.locator('#nc-form button.primary').click();
      await page.waitForURL((url) => /^\/cases\/[0-9a-f-]{36}$/.test(url.pathname) && url.searchParams.get('ok') === 'case-reported');
      await eventually(async () => assert.match(await page.locator('.notice').innerText(), /事件已上报/));
      assert.equal((await page.locator('main h1').innerText()).trim(), title);
      assert.match(await page.locator('main').innerText(), /139\*{4}0000/);
      assert.doesNotMatch(await page.locator('main').innerText(), /13904710000/);
      assert.equal(await page.locator('.timeline li').count(), 1, 'the intake is the first line');
      await assertFitsThePhone(page, 'case page');
      await assertNoSeriousViolations(page, 'case page');

      await page.goto('/cases?q=area');
      assert.ok((await page.locator('.card.case', { hasText: title }).count()) === 1, 'the case is in the area queue');
      await assertFitsThePhone(page, '/cases');
      await assertNoSeriousViolations(page, '/cases');
    }));
});
