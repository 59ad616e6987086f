// A grid worker takes in a case with a photo on a 390 px phone: the camera input, the
// photo sent with the form, and its thumbnail on the case page, drawn (the file is served
// with its own sandboxing policy, which must not stop our own page from showing it).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DESKTOP, assertFitsWidth, eventually, launchBrowser, loginAs, screenshot, withPage } from '../support/harness.mjs';

const PHONE_390 = { width: 390, height: 844 };

// A real JPEG, drawn by the browser itself, so nothing binary lives in the repository.
async function photo(page) {
  const b64 = await page.evaluate(() => {
    const c = document.createElement('canvas');
    c.width = 480;
    c.height = 360;
    const x = c.getContext('2d');
    x.fillStyle = '#3b6ea5';
    x.fillRect(0, 0, 480, 360);
    x.fillStyle = '#d8e6f3';
    x.fillRect(40, 200, 400, 120);
    x.fillStyle = '#ffffff';
    x.font = 'bold 56px sans-serif';
    x.fillText('漏水现场', 120, 150);
    return c.toDataURL('image/jpeg', 0.85).split(',')[1];
  });
  return { name: '漏水现场.jpg', mimeType: 'image/jpeg', buffer: Buffer.from(b64, 'base64') };
}

async function fitsThePhone(page, what) {
  await assertFitsWidth(page, PHONE_390.width, what);
}

describe('attachments', () => {
  let browser;
  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });

  it('a case taken in with a photo on a phone shows its thumbnail', () =>
    withPage(browser, PHONE_390, async (page) => {
      await loginAs(page, 'grid');
      await page.goto('/cases/new');
      const input = page.locator('#nc-files');
      assert.equal(await input.getAttribute('capture'), 'environment');
      assert.equal(await input.getAttribute('accept'), 'image/*,application/pdf');
      assert.equal(await page.locator('#nc-locate').isVisible(), true, 'the location button appears where there is a location service');
      await fitsThePhone(page, '/cases/new');
      await screenshot(page, 'phone-390-intake');

      const title = `楼道漏水 ${Date.now()}`;
      await page.selectOption('#nc-category', 'neighbour.water_leak');
      await page.fill('#nc-title', title);
      // Use my location: the browser's location fills the map point.
      await page.context().grantPermissions(['geolocation']);
      await page.context().setGeolocation({ latitude: 40.812345, longitude: 111.651234 });
      await page.locator('#nc-locate').click();
      await eventually(async () => assert.equal(await page.locator('#nc-lon').inputValue(), '111.651234'));
      assert.equal(await page.locator('#nc-lat').inputValue(), '40.812345');

      // Link the applicant to a resident found by the first character of the name (htmx).
      await page.fill('#nc-p0-name', '王');
      await page.locator('#nc-p0 button.find').click();
      const matches = page.locator('#nc-p0-link input[name=p0_resident_id]:not([value=""])');
      await eventually(async () => assert.ok((await matches.count()) > 0, 'residents named 王… are offered'));
      const first = page.locator('#nc-p0-link label').first();
      const name = (await first.innerText()).trim().split(/\s+/)[0];
      await first.locator('input').check();
      assert.equal(await page.locator('#nc-p0-name').inputValue(), name, 'choosing a resident fills in the name');
      await page.fill('#nc-p0-phone', '13904710000');
      await page.fill('#nc-p1-name', '李建国');
      await input.setInputFiles(await photo(page));
      await page.locator('#nc-form button.primary').click();
      await page.waitForURL((url) => /^\/cases\/[0-9a-f-]{36}$/.test(url.pathname));
      assert.equal((await page.locator('main h1').innerText()).trim(), title);

      const thumb = page.locator('#attachments img');
      assert.equal(await thumb.count(), 1);
      await thumb.scrollIntoViewIfNeeded();
      await eventually(async () => assert.ok(await thumb.evaluate((img) => img.complete && img.naturalWidth === 480), 'the thumbnail is drawn'));
      assert.match(await page.locator('#attachments').innerText(), /漏水现场\.jpg/);
      await fitsThePhone(page, 'case page');
      await screenshot(page, 'phone-390-case-attachments');

      // The same case on a desktop.
      const url = page.url();
      await withPage(browser, DESKTOP, async (desk) => {
        await loginAs(desk, 'grid');
        await desk.goto(url);
        await desk.locator('#attachments img').scrollIntoViewIfNeeded();
        await eventually(async () => assert.ok(await desk.locator('#attachments img').evaluate((img) => img.naturalWidth > 0)));
        await screenshot(desk, 'desktop-case-attachments');
        await desk.goto('/cases/new');
        await screenshot(desk, 'desktop-intake');
      });
    }));
});
