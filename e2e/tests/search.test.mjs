// A grid worker searches cases on a phone: types 漏水 in the box on the cases page and gets
// ranked results with the word marked, without horizontal scrolling or serious a11y problems.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import AxeBuilder from '@axe-core/playwright';
import { PHONE, assertFitsWidth, eventually, launchBrowser, loginAs, screenshot, withPage } from '../support/harness.mjs';

describe('search', () => {
  let browser;
  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });

  it('a grid worker finds leaks by typing 漏水', () =>
    withPage(browser, PHONE, async (page) => {
      await loginAs(page, 'grid');
      await page.goto('/cases');
      // The server builds its index from the demo's cases as it starts: wait for it.
      await eventually(
        async () => {
          await page.goto('/cases');
          await page.getByRole('searchbox', { name: '关键词' }).fill('漏水');
          await page.getByRole('search', { name: '搜索事件' }).getByRole('button', { name: '搜索' }).click();
          await page.waitForURL((url) => url.pathname === '/cases/search');
          assert.ok((await page.locator('.search-results li').count()) > 0, 'results are listed');
        },
        { timeout: 60_000, interval: 1000 },
      );
      assert.equal(new URL(page.url()).searchParams.get('q'), '漏水');
      const marks = await page.locator('.search-results mark').allInnerTexts();
      assert.ok(marks.length > 0 && marks.every((m) => m.includes('漏') || m.includes('水')), `marked: ${marks.slice(0, 5)}`);
      assert.match(await page.locator('[role=status]').first().innerText(), /共找到 \d+ 件/);
      await assertFitsWidth(page, PHONE.width, '/cases/search');
      const { violations } = await new AxeBuilder({ page }).analyze();
      const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      assert.equal(serious.length, 0, serious.map((v) => `${v.id} at ${v.nodes[0]?.target}`).join('; '));
      await screenshot(page, 'phone-search');

      // Syntax is text and bad input gets a message, not an error page.
      await page.goto(`/cases/search?q=${encodeURIComponent('"*:(')}`);
      assert.match(await page.locator('[role=alert]').innerText(), /没有文字或数字/);
      await page.goto(`/cases/search?q=${encodeURIComponent('<script>alert(1)</script>漏水')}`);
      assert.equal(await page.locator('script:has-text("alert(1)")').count(), 0, 'the query is never markup');
    }));
});
