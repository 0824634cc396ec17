// The browser harness itself: the axe check really fails on a serious or
// critical violation (with JavaScript on, and through the copy it makes for a
// page without JavaScript), and passes a clean page — so a green browser suite
// means something.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, openPage, checkA11y } from './harness.mjs';

const BAD = '<!doctype html><html lang="zh-CN"><head><title>坏页面</title></head><body><main>' +
  '<h1>坏页面</h1><img src="/x.png"><button></button></main></body></html>';
const GOOD = '<!doctype html><html lang="zh-CN"><head><title>好页面</title></head><body><main>' +
  '<h1>好页面</h1><img src="/x.png" alt="示意图"><button>提交</button></main></body></html>';

let srv, browser;
before(async () => {
  srv = await startServer({ demo: false });
  browser = await launchBrowser();
});
after(async () => {
  if (browser) await browser.close();
  if (srv) assert.equal(await srv.stop(), 0);
});

/** A page (JavaScript on or off) showing html at a URL of the test server. */
async function pageWith(html, javaScriptEnabled) {
  const page = await openPage(browser, { javaScriptEnabled });
  const url = `${srv.base}/axe-probe`;
  await page.route(url, (r) => r.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html }));
  await page.goto(url);
  return page;
}

for (const javaScriptEnabled of [true, false]) {
  test(`checkA11y fails on serious or critical violations (JavaScript ${javaScriptEnabled ? 'on' : 'off'})`, async () => {
    const bad = await pageWith(BAD, javaScriptEnabled);
    try {
      await assert.rejects(checkA11y(bad, 'bad'), (e) => {
        assert.match(e.message, /critical image-alt/);
        assert.match(e.message, /critical button-name/);
        return true;
      });
    } finally {
      await bad.context().close();
    }
    const good = await pageWith(GOOD, javaScriptEnabled);
    try {
      await checkA11y(good, 'good');
    } finally {
      await good.context().close();
    }
  });
}
