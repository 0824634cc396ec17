// The stations' QR codes in a real browser: both images load where a page
// puts them (<img>, so the content types and headers suit an image), and the SVG
// as chromium draws it still scans (zbarimg) to the station's concern form.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, launchBrowser, openPage, screenshots } from './harness.mjs';

let srv, browser, tmp;
before(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'youyue-bqr-'));
  srv = await startServer({ demo: true });
  browser = await launchBrowser();
});
after(async () => {
  if (browser) await browser.close();
  if (srv) assert.equal(await srv.stop(), 0);
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

function zbar(file) {
  const r = spawnSync('zbarimg', ['--raw', '-q', file], { encoding: 'utf8' });
  if (r.error) throw new Error('zbarimg is missing: install zbar-tools (tools/deps.sh test)');
  assert.equal(r.status, 0, `zbarimg found no code in ${file}: ${r.stderr}`);
  return r.stdout.trim();
}

test('both QR images load as <img> in a page of the site', async () => {
  const page = await openPage(browser);
  try {
    await page.goto(`${srv.base}/healthz`);
    await page.setContent(`<!doctype html><html lang="zh-CN"><title>二维码</title><body>
      <img id="png" src="/stations/1/qr.png" alt="二维码 PNG">
      <img id="svg" src="/stations/1/qr.svg" alt="二维码 SVG"></body></html>`);
    const sizes = await page.evaluate(async () => {
      const out = {};
      for (const img of document.images) {
        await img.decode();
        out[img.id] = [img.naturalWidth, img.naturalHeight];
      }
      return out;
    });
    assert.ok(sizes.png[0] > 100 && sizes.png[0] === sizes.png[1], `png ${sizes.png}`);
    // the SVG says width/height at 8 px a module, the same as the PNG
    assert.deepEqual(sizes.svg, sizes.png);
    assert.deepEqual(page.problems, []);
  } finally {
    await page.context().close();
  }
});

test('the SVG as chromium draws it scans to the station\'s concern form', async () => {
  const page = await openPage(browser, { width: 1280 });
  try {
    const res = await page.goto(`${srv.base}/stations/7/qr.svg`);
    assert.equal(res.status(), 200);
    const file = join(tmp, 'svg.png');
    await page.locator('svg').screenshot({ path: file });
    assert.equal(zbar(file), `${srv.base}/stations/7/concern`);
  } finally {
    await page.context().close();
  }
  await screenshots(browser, `${srv.base}/stations/7/qr.svg`, 'qr-svg');
  await screenshots(browser, `${srv.base}/stations/7/qr.png`, 'qr-png');
});
