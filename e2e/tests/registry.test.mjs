// The registry as a grid worker uses it on a phone: residents of their grid with
// personal data masked, a building's entrances and households, and no serious
// accessibility problems on those pages.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { PHONE, launchBrowser, loginAs, withPage } from '../support/harness.mjs';

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
});
