// The dashboard as a district official uses it: the seed's 2024 figures for 新城区 (3,413
// disputes taken in, 3,232 resolved, 94.69%), a click on a street in the chart leading one
// level down, the wall display at 1920×1080 without scrolling, and a phone without sideways
// scrolling. ECharts runs under the strict CSP.
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import AxeBuilder from '@axe-core/playwright';
import { DESKTOP, assertFitsWidth, assertStatus, eventually, launchBrowser, loginAs, screenshot, withPage } from '../support/harness.mjs';

const YEAR = 'area=150102&period=custom&from=2024-01-01&to=2024-12-31&kind=dispute';

function watchCsp(page) {
  return page.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
}

async function tile(page, key) {
  return (await page.locator(`[data-tile="${key}"] .tile-num`).innerText()).trim();
}

describe('dashboard', () => {
  let browser;
  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });

  it('新城区 2024: the seed\'s figures, in both languages, and a street one click down', () =>
    withPage(browser, DESKTOP, async (page) => {
      await loginAs(page, 'district');
      await watchCsp(page);
      await page.click('nav.mainnav a[href="/dashboard"]');
      await page.waitForURL((url) => url.pathname === '/dashboard');
      // The period picker: a custom year, disputes only.
      await page.fill('input[name=from]', '2024-01-01');
      await page.fill('input[name=to]', '2024-12-31');
      assert.equal(await page.locator('select[name=period]').inputValue(), 'custom', 'typing dates makes the period custom');
      await page.selectOption('select[name=kind]', 'dispute');
      await page.click('form.dash-picker button[type=submit]');
      await page.waitForURL((url) => url.searchParams.get('from') === '2024-01-01');

      assert.equal(await tile(page, 'intake'), '3413');
      assert.equal(await tile(page, 'resolved'), '3232');
      assert.equal(await tile(page, 'rate'), '94.69%');
      await eventually(async () => assert.ok(await page.locator('#chart-children canvas').count() >= 1, 'ECharts drew the child areas'));
      // The labour room, from the table behind its chart (folded once the chart is drawn).
      const room = await page.locator('#chart-rooms tbody tr').first().locator('th, td').allTextContents();
      assert.deepEqual(room.map((c) => c.trim()), ['法院＋工会', '300', '174', '58.00%']);
      assert.deepEqual(await page.evaluate(() => window.__cspViolations), [], 'nothing refused by the CSP');
      const { violations } = await new AxeBuilder({ page }).analyze();
      const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      assert.deepEqual(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), []);
      const shot = await screenshot(page, 'desktop-dashboard');
      assert.ok(statSync(shot).size > 10_000, `${shot} looks empty`);

      // English groups thousands.
      await page.click('a[data-lang="en"]');
      await eventually(async () => assert.equal(await tile(page, 'intake'), '3,413'));
      assert.equal(await tile(page, 'resolved'), '3,232');
      assert.equal(await tile(page, 'rate'), '94.69%');
      await page.click('a[data-lang="zh-CN"]');
      await eventually(async () => assert.equal(await tile(page, 'intake'), '3413'));

      // The first street's row in the comparison chart leads to that street's dashboard.
      await eventually(async () => assert.equal(await page.locator('#chart-children canvas').count(), 1));
      const canvas = page.locator('#chart-children canvas');
      await canvas.scrollIntoViewIfNeeded();
      const box = await canvas.boundingBox();
      await page.mouse.click(box.x + box.width * 0.5, box.y + 56);
      await page.waitForURL((url) => /^1501020\d\d$/.test(url.searchParams.get('area') || ''));
      const url = new URL(page.url());
      assert.equal(url.searchParams.get('from'), '2024-01-01', 'the period stays');
      assert.equal(url.searchParams.get('kind'), 'dispute');
      assert.match(await page.locator('h1').innerText(), /街道|镇|园区/);
      assert.ok(Number((await tile(page, 'intake'))) > 0);
    }));

  it('the big screen fills 1920×1080 without scrolling or navigation', () =>
    withPage(browser, { width: 1920, height: 1080 }, async (page) => {
      await loginAs(page, 'district');
      await watchCsp(page);
      await assertStatus(await page.goto(`/dashboard/screen?${YEAR}`), 200, 'the big screen');
      assert.equal(await tile(page, 'intake'), '3413');
      assert.equal(await tile(page, 'rate'), '94.69%');
      assert.equal(await page.locator('nav.mainnav').count(), 0, 'no navigation chrome');
      await eventually(async () => assert.ok(await page.locator('.screen-grid canvas').count() >= 5, 'the charts are drawn'));
      const size = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight]);
      assert.deepEqual(size, [1920, 1080], 'one screen, no scrolling');
      assert.deepEqual(await page.evaluate(() => window.__cspViolations), []);
      await screenshot(page, 'screen-dashboard');
    }));

  it('a phone reads the same figures without sideways scrolling', () =>
    withPage(browser, { width: 375, height: 812 }, async (page) => {
      await loginAs(page, 'district');
      await page.goto(`/dashboard?${YEAR}`);
      assert.equal(await tile(page, 'intake'), '3413');
      await eventually(async () => assert.ok(await page.locator('#chart-trend canvas').count() === 1));
      await assertFitsWidth(page, 375, 'the dashboard on a phone');
      await screenshot(page, 'phone-dashboard');
    }));

  it('an area outside one\'s scope is not found', () =>
    withPage(browser, DESKTOP, async (page) => {
      await loginAs(page, 'street');
      await assertStatus(await page.goto('/dashboard?area=150102'), 404, 'GET /dashboard?area=150102 as street');
    }));
});
