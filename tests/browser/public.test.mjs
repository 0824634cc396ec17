// The public pages of web_public.c in a real browser: a resident finds an
// activity (代表有约), registers, gets the check-in code and cancels with it
// (JavaScript on); books a reception-day slot at a station from the station
// page and cancels it (JavaScript off); the dashboard with its charts and the
// station map.  Every page gets axe (no serious or critical violation) and
// screenshots at 390 and 1280 px (tests/artifacts/screenshots/public-*).
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

/** axe and both screenshots of the page the browser is on. */
async function check(page, shot, { javaScriptEnabled = true } = {}) {
  await checkA11y(page, shot);
  await screenshots(browser, page.url(), shot, { javaScriptEnabled });
}

test('a resident finds an activity, registers, keeps the check-in code and cancels (js)', async () => {
  const page = await openPage(browser);
  try {
    const open = (await srv.get('/api/v1/activities?status=open')).body.items.filter((a) => a.capacity > 0);
    assert.ok(open.length > 0, 'the demo has an open activity');
    const act = open[0];
    assert.equal((await page.goto(srv.base + '/activities')).status(), 200);
    await check(page, 'public-activities');
    await page.getByLabel('活动类型').selectOption(act.kind);
    await page.getByRole('button', { name: '筛选' }).click();
    await page.waitForLoadState('load');
    assert.equal(new URL(page.url()).searchParams.get('kind'), act.kind);
    await page.getByRole('link', { name: act.title }).click();
    await page.waitForLoadState('load');
    assert.equal(new URL(page.url()).pathname, `/activities/${act.id}`);
    assert.equal(await page.locator('h1').innerText(), act.title);
    await check(page, 'public-activity');

    // half filled: the message beside the phone, the name kept
    await page.getByLabel('姓名').fill('浏览器测试居民');
    await page.getByRole('button', { name: '报名' }).click();
    await page.waitForLoadState('load');
    assert.equal(await page.locator('#phone').getAttribute('aria-invalid'), 'true');
    assert.ok((await page.locator('#phone-error').innerText()).length > 0);
    assert.equal(await page.locator('#name').inputValue(), '浏览器测试居民');
    assert.deepEqual(page.problems, [`400 ${srv.base}/activities/${act.id}/register`]);
    page.problems.length = 0;
    await checkA11y(page, 'registration with errors');

    const phone = '13911112222';
    await page.getByLabel('手机号码').fill(phone);
    await page.getByRole('button', { name: '报名' }).click();
    await page.waitForLoadState('load');
    assert.match(new URL(page.url()).pathname, new RegExp(`^/activities/${act.id}/registered/`));
    const code = (await page.locator('.tracking-code').innerText()).trim();
    assert.match(code, /^\d{6}$/);
    assert.match(await page.locator('main').innerText(), /名额已确认/);
    await check(page, 'public-registered');

    await page.getByRole('link', { name: '取消报名' }).click();
    await page.waitForLoadState('load');
    await check(page, 'public-cancel');
    await page.getByLabel('签到码').fill(code);
    await page.getByLabel('报名时的手机号码').fill(phone);
    await page.getByRole('button', { name: '取消报名' }).click();
    await page.waitForLoadState('load');
    assert.equal(new URL(page.url()).pathname, `/activities/${act.id}`);
    assert.match(await page.getByRole('status').innerText(), /报名已取消/);
    assert.deepEqual(page.problems, []);

    // a held activity with its record
    const closed = (await srv.get('/api/v1/activities?status=closed')).body.items[0];
    assert.equal((await page.goto(srv.base + `/activities/${closed.id}`)).status(), 200);
    assert.ok(await page.getByRole('heading', { name: '活动记录' }).isVisible());
    await check(page, 'public-activity-closed');
  } finally {
    await page.context().close();
  }
});

test('a resident books a reception-day slot from the station page and cancels it (nojs)', async () => {
  const opts = { javaScriptEnabled: false };
  const page = await openPage(browser, opts);
  try {
    assert.equal((await page.goto(srv.base + '/stations/14')).status(), 200);
    await page.getByRole('link', { name: '预约接待日' }).click();
    await page.waitForLoadState('load');
    assert.equal(new URL(page.url()).pathname, '/stations/14/reception');
    await check(page, 'public-reception', opts);
    const value = await page.locator('#slot option').nth(1).getAttribute('value');
    await page.getByLabel('时段').selectOption(value);
    await page.getByLabel('姓名').fill('预约浏览器测试');
    await page.getByLabel('手机号码').fill('13933334444');
    await page.getByRole('button', { name: '预约', exact: true }).click();
    await page.waitForLoadState('load');
    assert.match(new URL(page.url()).pathname, /^\/stations\/14\/reception\/booked\//);
    const code = (await page.locator('.tracking-code').innerText()).trim();
    assert.match(code, /^[A-Za-z0-9]{6,}$/);
    await check(page, 'public-booked', opts);
    await page.getByRole('link', { name: '返回接待日预约' }).click();
    await page.waitForLoadState('load');
    await page.getByLabel('预约码').fill(code);
    await page.getByRole('button', { name: '取消预约' }).click();
    await page.waitForLoadState('load');
    assert.match(await page.getByRole('status').innerText(), /预约已取消/);
    assert.deepEqual(page.problems, []);
  } finally {
    await page.context().close();
  }
});

test('the dashboard: charts, their tables, the period form, the station map', async () => {
  const page = await openPage(browser);
  try {
    assert.equal((await page.goto(srv.base + '/dashboard')).status(), 200);
    assert.ok((await page.locator('svg[role]').count()) >= 3, 'charts');
    await check(page, 'public-dashboard');
    // the numbers of a chart, in its table
    await page.locator('details summary').first().click();
    assert.ok(await page.locator('details[open] th[scope=row]').first().isVisible());
    await page.getByLabel('街道', { exact: true }).selectOption({ index: 1 });
    await page.getByRole('button', { name: '查询' }).click();
    await page.waitForLoadState('load');
    assert.ok(new URL(page.url()).searchParams.get('street'));
    await page.getByRole('link', { name: '代表联络站分布图' }).click();
    await page.waitForLoadState('load');
    assert.equal(new URL(page.url()).pathname, '/dashboard/map');
    await check(page, 'public-map-street');
    assert.equal((await page.goto(srv.base + '/dashboard/map')).status(), 200);
    await check(page, 'public-map');
    // a point of the map leads to its station
    await page.locator('svg a').first().click();
    await page.waitForLoadState('load');
    assert.match(new URL(page.url()).pathname, /^\/stations\/\d+$/);
    assert.deepEqual(page.problems, []);
  } finally {
    await page.context().close();
  }
});
