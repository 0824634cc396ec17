// The staff's casework pages in a real browser (docs/WEB.md "Pages", /staff/):
// street staff start the day on the home page, open the new concerns, send a
// form half filled (the message beside the field), accept, refer and resolve a
// concern, and check a merge's target before confirming — with JavaScript on.
// The office screens and assigns a suggestion, reading the due dates on the
// confirm step before confirming — with JavaScript off.  A leader reads the
// supervision board and the inbox.  axe (no serious or critical violation) and
// screenshots at 390 and 1280 px on every page on the way.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, loginAs, screenshotsHere, checkA11y } from './harness.mjs';

let srv, browser, S, station;
before(async () => {
  srv = await startServer({ demo: true, args: ['--anon-rate', '0', '--remind-interval', '0'] });
  browser = await launchBrowser();
  const street = await srv.login('street');
  S = street.user.roles.find((g) => g.role === 'street_staff').scope_id;
  station = (await srv.get(`/api/v1/stations?street=${S}&limit=1`)).body.items[0];
});
after(async () => {
  if (browser) await browser.close();
  if (srv) assert.equal(await srv.stop(), 0);
});

async function raise(title) {
  const r = await srv.post('/api/v1/concerns', {
    title, body: '晚上出行很不方便,请尽快处理。', category: '城市建设与管理', station_id: station.id,
    contact_name: '张阿姨', contact_phone: '13800001234',
  });
  assert.equal(r.status, 201, r.text);
  return r.body.id;
}

/** The page as it is: axe and both screenshots. */
async function check(page, shot) {
  await checkA11y(page, shot);
  await screenshotsHere(page, shot);
}

/** Clicks a submit button and waits for the page it leads to. */
async function submit(page, name) {
  await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name, exact: true }).click()]);
}

test('street staff triage a concern from the home page (JavaScript on)', async () => {
  const id = await raise('菜市场门口积水严重');
  const target = await raise('菜市场门口积水(另一位居民)');
  const page = await loginAs(browser, srv.base, 'street', { next: '/staff/' });
  try {
    assert.equal(new URL(page.url()).pathname, '/staff/');
    await check(page, 'staff-home');
    await Promise.all([page.waitForEvent('load'), page.getByRole('link', { name: /新反映的问题/ }).click()]);
    assert.equal(new URL(page.url()).pathname, '/staff/concerns');
    await check(page, 'staff-concerns');
    await Promise.all([page.waitForEvent('load'), page.getByRole('link', { name: '菜市场门口积水严重' }).click()]);
    assert.equal(new URL(page.url()).pathname, `/staff/concerns/${id}`);
    assert.ok((await page.locator('main').innerText()).includes('13800001234'), 'street staff see the phone');
    await check(page, 'staff-concern');

    // decline half filled: the message beside the field, the input kept
    await page.getByLabel('建议群众通过何种途径解决(必填)').fill('向人民法院起诉');
    await submit(page, '不予受理');
    const reason = page.getByLabel('理由(必填,群众可见)');
    assert.equal(await reason.getAttribute('aria-invalid'), 'true');
    const err = await reason.getAttribute('aria-describedby');
    assert.ok((await page.locator(`#${err}`).innerText()).length > 0);
    assert.equal(await page.getByLabel('建议群众通过何种途径解决(必填)').inputValue(), '向人民法院起诉');
    await check(page, 'staff-concern-invalid');
    assert.deepEqual(page.problems.map((p) => p.split(' ')[0]), ['400']);
    page.problems.length = 0;

    // merge: the target's title before confirming; then cancel
    await page.getByLabel('并入的问题编号(必填)').fill(String(target));
    await submit(page, '下一步:核对标题');
    assert.match(await page.locator('main').innerText(), /菜市场门口积水\(另一位居民\)/);
    await check(page, 'staff-concern-merge');
    await Promise.all([page.waitForEvent('load'), page.getByRole('link', { name: '取消' }).click()]);

    await submit(page, '受理');
    assert.match(await page.getByRole('status').innerText(), /已完成:受理/);
    await page.getByLabel('转交到(必选)').selectOption({ index: 1 });
    await submit(page, '转交');
    assert.match(await page.getByRole('status').innerText(), /已完成:转交/);
    await page.getByLabel('办理结果(必填,群众可见)').fill('已疏通下水道,积水已排除');
    await submit(page, '办结');
    assert.match(await page.locator('main').innerText(), /已疏通下水道/);
    const c = (await srv.get(`/api/v1/concerns/${id}`, await srv.login('admin'))).body;
    assert.equal(c.status, 'resolved');
    assert.deepEqual(page.problems, []);
  } finally {
    await page.context().close();
  }
});

test('the office screens and assigns a suggestion, due dates before confirming (JavaScript off)', async () => {
  const deputy = await srv.login('deputy');
  const made = await srv.post('/api/v1/suggestions', {
    title: '关于增设社区养老服务点的建议', body: '社区老人多,建议增设养老服务点。', category: '城市建设与管理',
    concern_ids: [], co_signer_ids: [],
  }, deputy);
  assert.equal(made.status, 201, made.text);
  const id = made.body.id;
  assert.equal((await srv.post(`/api/v1/suggestions/${id}/actions`, { action: 'submit' }, deputy)).status, 200);
  const units = (await srv.get('/api/v1/units?limit=3')).body.items;

  const page = await loginAs(browser, srv.base, 'admin', { next: '/staff/suggestions?status=submitted', javaScriptEnabled: false });
  try {
    await check(page, 'staff-suggestions-nojs');
    await Promise.all([page.waitForEvent('load'), page.getByRole('link', { name: '关于增设社区养老服务点的建议' }).click()]);
    await check(page, 'staff-suggestion-nojs');
    await submit(page, '立案');
    assert.match(await page.getByRole('status').innerText(), /已完成:立案/);
    await page.getByLabel('主办单位(至少一个,可多选)').selectOption([String(units[0].id)]);
    await page.getByLabel('协办单位(选填,可多选)').selectOption([String(units[1].id)]);
    await submit(page, '下一步:核对期限');
    assert.equal(await page.locator('h1').innerText(), '确认交办');
    const text = await page.locator('main').innerText();
    const due = text.match(/主办单位应在 (\d{4}-\d\d-\d\d) 前答复/)[1];
    assert.match(text, new RegExp(units[0].name));
    assert.match(text, new RegExp(units[1].name));
    await check(page, 'staff-assign-nojs');
    const before = (await srv.get(`/api/v1/suggestions/${id}`, await srv.login('admin'))).body;
    assert.equal(before.status, 'accepted', 'nothing assigned before confirming');
    await submit(page, '确认交办');
    assert.match(await page.getByRole('status').innerText(), /已完成:交办/);
    const after = (await srv.get(`/api/v1/suggestions/${id}`, await srv.login('admin'))).body;
    assert.equal(after.status, 'assigned');
    assert.equal(after.assignments.find((g) => g.role === 'lead').due_at.slice(0, 10), due);

    await page.goto(`${srv.base}/staff/supervision`);
    await check(page, 'staff-supervision-nojs');
    await page.goto(`${srv.base}/staff/inbox`);
    await check(page, 'staff-inbox-nojs');
    assert.deepEqual(page.problems, []);
  } finally {
    await page.context().close();
  }
});

test('a leader reads the supervision board and the inbox (JavaScript on)', async () => {
  const page = await loginAs(browser, srv.base, 'leader', { next: '/staff/supervision' });
  try {
    assert.equal(await page.locator('h1').innerText(), '督办');
    await check(page, 'staff-supervision');
    await Promise.all([page.waitForEvent('load'), page.getByRole('navigation', { name: '工作台导航' }).getByRole('link', { name: '提醒' }).click()]);
    assert.equal(await page.locator('h1').innerText(), '提醒');
    await check(page, 'staff-inbox');
    await page.goto(`${srv.base}/staff/suggestions`);
    await check(page, 'staff-suggestions');
    assert.deepEqual(page.problems, []);
  } finally {
    await page.context().close();
  }
});
