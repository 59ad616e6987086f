// The area tree as a person walks it, and the scope that limits what a
// worker may see.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DESKTOP, assertStatus, eventually, launchBrowser, loginAs, withPage } from '../support/harness.mjs';

async function bodyText(page) {
  return page.locator('body').innerText();
}

// `arrived` decides where the link may land: /areas may answer in place or
// redirect to the caller's home area, and both show that area.
async function follow(page, href, arrived = (path) => path === href) {
  await page.click(`a[href="${href}"]`);
  await page.waitForURL((url) => arrived(url.pathname));
}

describe('areas', () => {
  let browser;
  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });

  it('admin drills down from the city to 回民区 and 光明路街道', () =>
    withPage(browser, DESKTOP, async (page) => {
      await loginAs(page, 'admin');
      await follow(page, '/areas', (path) => path === '/areas' || path === '/areas/1501');
      await eventually(async () => assert.match(await bodyText(page), /呼和浩特市/));

      await follow(page, '/areas/150103');
      await eventually(async () => assert.match(await bodyText(page), /回民区/));
      const children = await page.locator('a[href^="/areas/"]').evaluateAll((links) =>
        links.map((a) => a.getAttribute('href')),
      );
      assert.ok(children.includes('/areas/150103003'), `children of 回民区: ${children.join(', ')}`);

      await follow(page, '/areas/150103003');
      await eventually(async () => assert.match(await bodyText(page), /光明路街道/));
    }));

  it('a grid worker gets 404 for an area outside their scope', () =>
    withPage(browser, DESKTOP, async (page) => {
      await loginAs(page, 'grid');
      assert.equal(await page.locator('nav a[href="/accounts"]').count(), 0, 'accounts are for admins');
      await assertStatus(await page.goto('/areas/150102'), 404, 'GET /areas/150102 as grid');
    }));
});
