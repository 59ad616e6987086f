// The registry as a grid worker uses it on a phone: residents of their grid with
// personal data masked, a building's entrances and households, the people who
// serve and a building's head, and no serious accessibility problems on those pages.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { PHONE, eventually, launchBrowser, loginAs, withPage } from '../support/harness.mjs';

async function assertNoSeriousViolations(page, what) {
  const { violations } = await new AxeBuilder({ page }).analyze();
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.equal(serious.length, 0, `${what}: ${serious.map((v) => `${v.id} at ${v.nodes[0]?.target}`).join('; ')}`);
}

describe('registry', () => {
  let browser;
  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });

  it('a grid worker sees their residents masked and can open a building', () =>
    withPage(browser, PHONE, async (page) => {
      await loginAs(page, 'grid');
      await page.goto('/residents');
      const phones = await page.locator('.person .mono').allTextContents();
      assert.ok(phones.length > 0, 'the demo grid has residents with phones');
      for (const p of phones) assert.match(p.trim(), /^1\d\d\*{4}\d{4}$/, `masked phone, got ${p}`);
      await assertNoSeriousViolations(page, '/residents');
      await page.goto('/estates');
      await page.locator('main .list a').first().click();
      await page.locator('main .list a').first().click();
      assert.match(new URL(page.url()).pathname, /^\/buildings\//);
      assert.ok((await page.locator('main h2').count()) >= 1, 'the building lists its entrances');
      await assertNoSeriousViolations(page, 'building page');
      const dir = process.env.FENGQIAO_SCREENSHOT_DIR;
      if (dir) {
        mkdirSync(dir, { recursive: true });
        await page.screenshot({ path: join(dir, 'building-phone.png'), fullPage: true });
      }
    }));

  it('a grid worker opens a person who serves and sets a building head', () =>
    withPage(browser, PHONE, async (page) => {
      await loginAs(page, 'grid');
      await page.goto('/people');
      const phones = await page.locator('.person .mono').allTextContents();
      for (const p of phones) assert.match(p.trim(), /^1\d\d\*{4}\d{4}$/, `masked phone, got ${p}`);
      await assertNoSeriousViolations(page, '/people');
      await page.locator('.person a').first().click();
      await page.waitForURL((url) => /^\/people\/[0-9a-f-]{36}$/.test(url.pathname));
      assert.ok((await page.locator('main h1').innerText()).trim().length > 0, 'the person has a name');
      assert.match(await page.locator('.facts').innerText(), /楼栋长|单元长|网格员|三官一律|包联干部/);
      await assertNoSeriousViolations(page, 'person page');

      await page.goto('/estates');
      await page.locator('main .list a').first().click();
      await page.locator('main .list a').first().click();
      await page.waitForURL((url) => url.pathname.startsWith('/buildings/'));
      // A building head on record in this grid when there is one (their group comes first),
      // else a resident of the building.
      const option = page.locator('#hd-person optgroup[label="楼栋长"] option, #hd-person option[value^="resident:"]').first();
      const value = await option.getAttribute('value');
      const name = (await option.textContent()).split(' · ')[0].trim();
      await page.selectOption('#hd-place', 'building');
      await page.selectOption('#hd-person', value);
      await page.locator('form[action$="/heads"] button[type=submit]').click();
      await page.waitForURL((url) => url.searchParams.get('ok') === 'head-set');
      await eventually(async () => assert.match(await page.locator('.notice').innerText(), /已保存/));
      assert.equal((await page.locator('.facts a[href^="/people/"]').innerText()).trim(), name, 'the new head is shown');
      await assertNoSeriousViolations(page, 'building page with heads');
    }));
});
