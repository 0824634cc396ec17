// The handling unit's pages in a real browser (/unit/, docs/WEB.md "Pages"):
// the clerk of 区建设局 (login `unit`) opens the work list, a newly assigned
// suggestion, tries to reply before any contact (refused in the form), logs a
// contact with the deputy, reads the contact log, replies with a class and
// finds it under 已答复 — with JavaScript; and without JavaScript records the
// follow-up of a B reply, a half-filled form first.  Every page gets axe (no
// serious or critical violation) and screenshots at 390 and 1280 px.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, loginAs, checkA11y, screenshotsHere } from './harness.mjs';
import { setup, driveTo, at } from '../http/sg_helpers.mjs';

let ctx, srv, browser;
before(async () => {
  ctx = await setup(at('2026-09-28T10:00'));
  srv = ctx.srv;
  browser = await launchBrowser();
});
after(async () => {
  if (browser) await browser.close();
  if (srv) assert.equal(await srv.stop(), 0);
});

/** Checks the page as it is now: axe, then both screenshots. */
async function look(page, shot) {
  await checkA11y(page, shot);
  await screenshotsHere(page, shot);
}

/** Submits by clicking the button and waits for the next page. */
async function submit(page, name) {
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.getByRole('button', { name }).click()]);
}

test('a unit clerk handles a new assignment: contact, contact log, reply (js)', async () => {
  const s = await driveTo(ctx, 'assigned', { create: { title: '关于江汉路北段增设路灯的建议(浏览器)' } });
  const page = await loginAs(browser, srv.base, 'unit', { next: '/unit/' });
  try {
    assert.equal(new URL(page.url()).pathname, '/unit/');
    assert.equal(await page.locator('h1').innerText(), '承办工作台');
    const fresh = page.locator('#g-new').locator('xpath=..');
    assert.ok((await fresh.innerText()).includes(s.title), 'the new assignment is under 新交办');
    await look(page, 'unit-home');

    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: s.title }).click()]);
    assert.equal(new URL(page.url()).pathname, `/unit/suggestions/${s.id}`);
    assert.match(await page.locator('#h-request_return').locator('xpath=..').innerText(), /截至 2026-10-13/);
    assert.ok(await page.getByText('尚未登记与代表的联系').isVisible());
    await look(page, 'unit-suggestion');

    // replying first: the API refuses (no contact yet), the message is in the reply form
    await page.getByLabel(/B 类/).check();
    await page.getByLabel(/^答复内容/).fill('已列入明年道路照明改造计划,年底前完成。');
    await submit(page, '提交答复');
    assert.match(await page.locator('#h-reply').locator('xpath=..').locator('[role=alert]').innerText(), /答复前须至少与代表沟通一次/);
    assert.equal(await page.getByLabel(/^答复内容/).inputValue(), '已列入明年道路照明改造计划,年底前完成。');
    assert.deepEqual(page.problems, [`409 ${srv.base}/unit/suggestions/${s.id}`]);
    page.problems.length = 0;
    await checkA11y(page, 'unit suggestion with a refusal');

    await page.getByLabel('沟通阶段').selectOption('before');
    await page.getByLabel('沟通方式').selectOption('visit');
    await page.getByLabel('沟通情况').fill('上门走访任代表,了解路段和时段。');
    await submit(page, '登记联系');
    assert.match(await page.getByRole('status').innerText(), /联系记录已登记/);

    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: /联系代表记录/ }).click()]);
    assert.equal(new URL(page.url()).pathname, `/unit/suggestions/${s.id}/contacts`);
    const row = page.locator('tbody tr').first();
    assert.match(await row.innerText(), /办前沟通\s+上门走访\s+上门走访任代表/);
    await look(page, 'unit-contacts');

    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: '返回建议' }).click()]);
    await page.getByLabel(/B 类/).check();
    await page.getByLabel(/^答复内容/).fill('已列入明年道路照明改造计划,年底前完成。');
    await submit(page, '提交答复');
    assert.match(await page.getByRole('status').innerText(), /答复已提交/);
    assert.equal(await page.getByRole('button', { name: '提交答复' }).count(), 0, 'no second reply');
    await look(page, 'unit-suggestion-replied');

    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: '承办工作台' }).first().click()]);
    const replied = page.locator('#g-replied').locator('xpath=..');
    assert.ok((await replied.innerText()).includes(s.title), 'now under 已答复');

    // the inbox: the new-assignment notice marked read
    const unread = await page.getByRole('button', { name: '标为已读' }).count();
    assert.ok(unread > 0);
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }),
      page.getByRole('button', { name: '标为已读' }).first().click()]);
    assert.equal(new URL(page.url()).hash, '#inbox-heading');
    assert.equal(await page.getByRole('button', { name: '标为已读' }).count(), unread - 1);

    // one group whole, through the group links
    await page.goto(`${srv.base}/unit/?group=replied`);
    assert.ok((await page.locator('#g-replied').locator('xpath=..').innerText()).includes(s.title));
    assert.equal(await page.locator('#inbox-heading').count(), 0);
    await look(page, 'unit-home-group');
    assert.deepEqual(page.problems, []);
  } finally {
    await page.context().close();
  }
});

test('without JavaScript: the follow-up of a B reply, half filled first', async () => {
  const s = await driveTo(ctx, 'following_up', { create: { title: '关于完善社区照明的建议(无脚本)' } });
  const page = await loginAs(browser, srv.base, 'unit', { next: `/unit/suggestions/${s.id}`, javaScriptEnabled: false });
  try {
    assert.equal(new URL(page.url()).pathname, `/unit/suggestions/${s.id}`);
    await look(page, 'unit-suggestion-nojs');
    // done ticked, no note: the message beside the note, the tick kept
    await page.getByLabel('承诺事项已全部落实').check();
    await submit(page, '登记落实情况');
    assert.equal(await page.locator('#follow_up-note').getAttribute('aria-invalid'), 'true');
    assert.ok((await page.locator('#follow_up-note-error').innerText()).length > 0);
    assert.ok(await page.getByLabel('承诺事项已全部落实').isChecked(), 'the tick is kept');
    assert.deepEqual(page.problems, [`400 ${srv.base}/unit/suggestions/${s.id}`]);
    page.problems.length = 0;
    await checkA11y(page, 'follow-up with errors');

    await page.getByLabel('落实进展').fill('路灯已安装并通电。');
    await submit(page, '登记落实情况');
    assert.match(await page.getByRole('status').innerText(), /落实情况已登记/);
    assert.ok(await page.getByText('路灯已安装并通电。').first().isVisible());
    assert.equal(await page.getByRole('button', { name: '登记落实情况' }).count(), 0, 'done: nothing more to follow up');
    await look(page, 'unit-suggestion-followed-nojs');
    assert.deepEqual(page.problems, []);
  } finally {
    await page.context().close();
  }
});
