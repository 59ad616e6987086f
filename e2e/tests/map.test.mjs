// The street's map as a street official sees it on a phone: ECharts draws the
// demo's communities from our own GeoJSON under the strict CSP, the table lists
// the same areas, and a tap on the map opens the community's map.
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import AxeBuilder from '@axe-core/playwright';
import { DESKTOP, PHONE, assertStatus, eventually, launchBrowser, loginAs, pathOf, screenshot, withPage } from '../support/harness.mjs';

// Collected in the page itself: a CSP refusal is an event there, not a failed request.
function watchCsp(page) {
  return page.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
}

describe('area map', () => {
  let browser;
  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });

  it('street official sees 光明路街道 drawn, listed, and can tap through', () =>
    withPage(browser, PHONE, async (page) => {
      await loginAs(page, 'street');
      await watchCsp(page);
      await page.goto('/areas/150103003');
      await page.click('a[href="/areas/150103003/map"]');
      await page.waitForURL((url) => url.pathname === '/areas/150103003/map');

      await eventually(async () => assert.equal(await page.locator('#area-map canvas').count(), 1, 'ECharts drew a canvas'));
      const table = await page.locator('table').innerText();
      assert.match(table, /巴彦淖尔北路社区/);
      assert.match(table, /150103003030/);
      assert.deepEqual(await page.evaluate(() => window.__cspViolations), [], 'nothing refused by the CSP');
      const path = await screenshot(page, 'phone-area-map');
      assert.ok(statSync(path).size > 1000, `${path} looks empty`);

      // The middle of the street lies inside one of its communities.
      const box = await page.locator('#area-map canvas').boundingBox();
      await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
      await page.waitForURL((url) => /^\/areas\/150103003\d{3}\/map$/.test(url.pathname));
      await eventually(async () => assert.equal(await page.locator('#area-map canvas').count(), 1, `${pathOf(page)} draws its grids`));
      assert.match(await page.locator('table').innerText(), /第一网格/);
    }));

  it('drawn and empty maps have no serious accessibility findings', () =>
    withPage(browser, DESKTOP, async (page) => {
      await loginAs(page, 'admin');
      // 光明路街道 has demo boundaries; 海拉尔西路街道 shows the empty state and the upload form.
      for (const path of ['/areas/150103003/map', '/areas/150103004/map']) {
        await page.goto(path);
        const { violations } = await new AxeBuilder({ page }).analyze();
        const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
        assert.deepEqual(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), [], path);
      }
    }));

  it('a grid worker cannot open another district\'s map', () =>
    withPage(browser, PHONE, async (page) => {
      await loginAs(page, 'grid');
      await assertStatus(await page.goto('/areas/150102/map'), 404, 'GET /areas/150102/map as grid');
    }));
});
