// The staff's pages for activities and reception days in a real browser
// (src/web/web_events.c): a community clerk plans an activity through the
// form (a half-filled form comes back with the message beside the field),
// publishes it, and checks residents in at the door on the check-in page —
// the result shown at once and the input empty and ready for the next code —
// once with JavaScript and once without; the clerk edits the station's
// reception schedule and sets who is on duty on a reception day; the admin
// chooses a station.  Every page gets axe (no serious or critical violation)
// and screenshots at 390 and 1280 px (tests/artifacts/screenshots/).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, loginAs, screenshotsHere, checkA11y, pageWeight } from './harness.mjs';

const at = (local) => Math.floor(Date.parse(`${local}:00+08:00`) / 1000);
process.env.YOUYUE_NOW = String(at('2026-12-01T10:00'));

let srv, browser, station;
before(async () => {
  srv = await startServer({ demo: true, args: ['--anon-rate', '0', '--remind-interval', '0'] });
  browser = await launchBrowser();
  station = (await srv.getAll('/api/v1/stations')).find((s) => s.name === '大夹社区代表接待室');
  assert.ok(station);
});
after(async () => {
  if (browser) await browser.close();
  if (srv) assert.equal(await srv.stop(), 0);
});

/** Axe and both screenshots of the page as it is. */
async function check(page, name) {
  await checkA11y(page, name);
  await screenshotsHere(page, name);
}

/** Registers a resident for activity id through the API; the check-in code. */
async function register(id, name, phone) {
  const r = await srv.post(`/api/v1/activities/${id}/registrations`, { name, phone });
  assert.equal(r.status, 201, r.text);
  return r.body.check_in_code;
}

let planned;

test('a community clerk plans an activity, publishes it and checks residents in (js)', async () => {
  const page = await loginAs(browser, srv.base, 'community', { next: '/staff/activities' });
  try {
    assert.equal(new URL(page.url()).pathname, '/staff/activities');
    await check(page, 'events-activities');
    assert.ok(await pageWeight(page) < 50 * 1024, 'under 50 KB with its assets');

    await page.getByLabel('活动类型(必填)').selectOption('learn');
    await page.getByLabel('站点', { exact: true }).selectOption(String(station.id));
    await page.getByLabel('日期', { exact: true }).first().fill('2026-12-12');
    await page.getByLabel('时间', { exact: true }).first().fill('09:30');
    await page.getByLabel('日期', { exact: true }).nth(1).fill('2026-12-12');
    await page.getByLabel('时间', { exact: true }).nth(1).fill('11:00');
    await page.getByLabel('报名名额(0 表示不接受报名)').fill('30');
    await page.getByRole('button', { name: '保存为草稿' }).click();
    await page.waitForLoadState('load');
    // no title: the message beside it, the rest kept
    const title = page.getByLabel('活动名称(必填)');
    assert.equal(await title.getAttribute('aria-invalid'), 'true');
    assert.ok(await page.locator('#title-error').isVisible());
    assert.equal(await page.getByLabel('日期', { exact: true }).first().inputValue(), '2026-12-12');
    assert.deepEqual(page.problems, [`400 ${srv.base}/staff/activities`]);
    page.problems.length = 0;
    await check(page, 'events-activities-errors');

    await title.fill('约您共学:民法典进社区');
    await page.getByRole('button', { name: '保存为草稿' }).click();
    await page.waitForURL(/\/staff\/activities\/\d+$/);
    planned = Number(page.url().split('/').pop());
    assert.equal(await page.locator('h1').innerText(), '约您共学:民法典进社区');
    await check(page, 'events-activity-draft');

    await page.getByRole('button', { name: '发布' }).click();
    await page.waitForURL(/done=open/);
    assert.match(await page.locator('[role=status]').innerText(), /活动已发布/);
    await check(page, 'events-activity-open');

    const code = await register(planned, '陈桂芳', '13912345611');
    await page.getByRole('link', { name: '打开签到页面' }).click();
    await page.waitForURL(/check-in$/);
    await check(page, 'events-activity-checkin');
    await page.getByLabel('签到码(6 位数字)').fill(code);
    await page.getByRole('button', { name: '签到' }).click();
    await page.waitForURL(/ok=/);
    assert.match(await page.locator('.checkin-ok').innerText(), /签到成功:陈桂芳/);
    const input = page.getByLabel('签到码(6 位数字)');
    assert.equal(await input.inputValue(), '', 'ready for the next code');
    assert.ok(await input.evaluate((el) => el === document.activeElement), 'the input has the focus');
    await check(page, 'events-activity-checkin-ok');
    // the same code again: refused at once, beside the input
    await input.fill(code);
    await page.getByRole('button', { name: '签到' }).click();
    await page.waitForLoadState('load');
    assert.match(await page.locator('#code-error').innerText(), /已经签到过了/);
    page.problems.length = 0;
    await check(page, 'events-activity-checkin-error');
    assert.deepEqual(page.problems, []);
  } finally {
    await page.context().close();
  }
});

test('checking in without JavaScript (nojs)', async () => {
  assert.ok(planned, 'the activity of the previous test');
  const code = await register(planned, '周建华', '13912345612');
  const page = await loginAs(browser, srv.base, 'community', {
    next: `/staff/activities/${planned}/check-in`, javaScriptEnabled: false });
  try {
    assert.match(page.url(), /check-in$/);
    await checkA11y(page, 'check-in (nojs)');
    await page.getByLabel('签到码(6 位数字)').fill(code);
    await page.getByRole('button', { name: '签到' }).click();
    await page.waitForURL(/ok=/);
    assert.match(await page.locator('.checkin-ok').innerText(), /签到成功:周建华/);
    const a = (await srv.get(`/api/v1/activities/${planned}`)).body;
    assert.equal(a.checked_in, 2);
  } finally {
    await page.context().close();
  }
});

test('the reception schedule and the duty of a day (js); the admin chooses a station', async () => {
  const page = await loginAs(browser, srv.base, 'community', { next: '/staff/receptions' });
  try {
    assert.equal(new URL(page.url()).pathname, `/staff/receptions/${station.id}`);
    await check(page, 'events-receptions');
    await page.getByLabel('每个时段可预约人数').fill('4');
    await page.getByRole('button', { name: '保存安排' }).click();
    await page.waitForURL(/saved=1/);
    assert.match(await page.locator('[role=status]').innerText(), /已保存/);
    assert.equal((await srv.get(`/api/v1/stations/${station.id}/reception-schedule`)).body.places, 4);

    await page.getByRole('link', { name: '2026-12-15' }).click();
    await page.waitForURL(/days\/2026-12-15$/);
    await check(page, 'events-reception-day');
    const boxes = page.locator('form[action$="/duty"] input[type=checkbox]');
    assert.ok(await boxes.count() >= 1);
    await boxes.first().check();
    await page.getByRole('button', { name: '保存值班安排' }).click();
    await page.waitForURL(/done=duty/);
    const d = (await srv.get(`/api/v1/stations/${station.id}/reception-days/2026-12-15`)).body;
    assert.equal(d.duty, 'assigned');
    assert.deepEqual(page.problems, []);
  } finally {
    await page.context().close();
  }
  const admin = await loginAs(browser, srv.base, 'admin', { next: '/staff/receptions' });
  try {
    assert.equal(new URL(admin.url()).pathname, '/staff/receptions');
    await check(admin, 'events-receptions-choose');
    await admin.getByLabel('选择站点').selectOption(String(station.id));
    await admin.getByRole('button', { name: '查看' }).click();
    await admin.waitForURL(new RegExp(`/staff/receptions/${station.id}$`));
  } finally {
    await admin.context().close();
  }
});
