// The residents' pages in a real browser (issue 6, "Residents"): a resident
// opens a station, raises a concern through its form, gets a tracking code and
// follows it on the tracking page — once with JavaScript and once without.  A
// form sent half filled comes back with the message beside the field and the
// input kept.  Every page gets axe (no serious or critical violation) and
// screenshots at 390 and 1280 px (tests/artifacts/screenshots/).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, openPage, screenshots, checkA11y } from './harness.mjs';

let srv, browser;
before(async () => {
  srv = await startServer({ demo: true });
  browser = await launchBrowser();
});
after(async () => {
  if (browser) await browser.close();
  if (srv) assert.equal(await srv.stop(), 0);
});

/** Loads path, expects 200, runs axe and takes both screenshots. */
async function visit(page, path, shot, { javaScriptEnabled = true } = {}) {
  const res = await page.goto(srv.base + path);
  assert.equal(res.status(), 200, `${path} answers 200`);
  await checkA11y(page, path);
  await screenshots(browser, srv.base + path, shot, { javaScriptEnabled });
}

/** On the "sent" page: the tracking code, following the page's own refresh
 *  link while the submission is still pending. */
async function trackingCode(page) {
  for (let i = 0; i < 20; i++) {
    const code = page.locator('.tracking-code');
    if (await code.count()) return (await code.innerText()).trim();
    await page.getByRole('link', { name: '刷新本页' }).click();
    await page.waitForLoadState('load');
  }
  throw new Error(`no tracking code on ${page.url()}`);
}

for (const javaScriptEnabled of [true, false]) {
  const mode = javaScriptEnabled ? 'js' : 'nojs';

  test(`a resident raises a concern at a station and follows it (${mode})`, async () => {
    const page = await openPage(browser, { javaScriptEnabled });
    try {
      const station = (await srv.get('/api/v1/stations/1')).body;
      await visit(page, '/', `home-${mode}`, { javaScriptEnabled });
      await visit(page, '/stations/1', `station-${mode}`, { javaScriptEnabled });
      assert.equal(await page.locator('h1').first().innerText(), station.name);

      await page.getByRole('link', { name: '向本站反映问题' }).click();
      assert.equal(new URL(page.url()).pathname, '/stations/1/concern');
      await checkA11y(page, 'concern form');
      await screenshots(browser, page.url(), `concern-${mode}`, { javaScriptEnabled });

      // half filled: the message beside the field, what was typed kept
      const body = `楼道灯坏了一个月,晚上出入很不方便(${mode})。`;
      await page.getByLabel('具体情况(必填)').fill(body);
      await page.getByRole('button', { name: '提交' }).click();
      await page.waitForLoadState('load');
      assert.equal(await page.locator('#title').getAttribute('aria-invalid'), 'true');
      assert.ok((await page.locator('#title-error').innerText()).length > 0, 'message beside the title');
      assert.equal(await page.locator('#body').inputValue(), body, 'the body is kept');
      // answered 400 (the form again, with the errors): expected here, and only here
      assert.deepEqual(page.problems, [`400 ${srv.base}/stations/1/concern`]);
      page.problems.length = 0;
      await checkA11y(page, 'concern form with errors');

      const title = `楼道灯不亮 ${mode} ${Date.now()}`;
      await page.getByLabel('问题标题(必填)').fill(title);
      const category = await page.locator('#category option').nth(1).getAttribute('value');
      await page.getByLabel('问题类别(必填)').selectOption(category);
      await page.getByRole('button', { name: '提交' }).click();
      await page.waitForLoadState('load');
      assert.match(new URL(page.url()).pathname, /^\/concern\/sent\//);
      const code = await trackingCode(page);
      assert.match(code, /^[A-Z0-9-]{6,}$/, `a tracking code: ${code}`);
      await checkA11y(page, 'concern sent');
      await screenshots(browser, page.url(), `concern-sent-${mode}`, { javaScriptEnabled });

      // the code on the page leads to the tracking page
      await page.getByRole('link', { name: '查看办理进度' }).click();
      assert.equal(decodeURIComponent(new URL(page.url()).pathname), `/track/${code}`);
      assert.equal(await page.locator('#summary').innerText(), title);
      assert.equal((await page.locator('dd.mono').innerText()).trim(), code);
      await checkA11y(page, 'tracking result');
      await screenshots(browser, page.url(), `track-result-${mode}`, { javaScriptEnabled });

      // and typing it into the tracking form finds the same concern
      await visit(page, '/track', `track-${mode}`, { javaScriptEnabled });
      await page.getByLabel('查询码').fill(code.toLowerCase());
      await page.getByRole('button', { name: '查询' }).click();
      await page.waitForLoadState('load');
      assert.equal(await page.locator('#summary').innerText(), title);
      assert.deepEqual(page.problems, []);
    } finally {
      await page.context().close();
    }
  });
}

test('the other public pages: published suggestions and the login page', async () => {
  const page = await openPage(browser);
  try {
    await visit(page, '/suggestions', 'suggestions');
    await visit(page, '/login', 'login');
    await visit(page, '/concern', 'concern-home');
    assert.deepEqual(page.problems, []);
  } finally {
    await page.context().close();
  }
});
