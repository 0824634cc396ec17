// The whole loop in a real browser (issue 6's first quality bar), through the
// pages, one browser context per person:
//   1. a resident raises a concern at a station (its form) and keeps the code;
//   2. a deputy of that station logs in, claims it, turns it into a draft
//      suggestion and submits it;
//   3. the office (admin) accepts it and assigns it, lead unit 区建设局;
//   4. the unit logs a contact with the deputy and replies, class B;
//   5. the deputy rates the reply (evaluate);
//   6. the office publishes it;
//   7. the public finds it on /suggestions, with its reply and timeline;
//   8. the resident's tracking page shows the result (the converted concern was
//      resolved by the reply) and they rate it;
// plus a resident registering for an activity, and the office downloading the
// three lists as CSV and XLSX.  Every page on the way gets axe (no serious or
// critical violation) and screenshots at 390 and 1280 px (loop-*.png); no
// console error, no failed request, nothing from another host.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  startServer, launchBrowser, openPage, loginAs, checkA11y, screenshotsHere,
} from './harness.mjs';

let srv, browser;
before(async () => {
  srv = await startServer({ demo: true, args: ['--anon-rate', '0'] });
  browser = await launchBrowser();
});
after(async () => {
  if (browser) await browser.close();
  if (srv) assert.equal(await srv.stop(), 0);
});

/** The page as it is now: axe, both screenshots (in this person's own
 *  context: logged in, after a form), no problems so far. */
async function see(page, name) {
  await page.waitForLoadState('load');
  await checkA11y(page, `${name} (${page.url()})`);
  await screenshotsHere(page, `loop-${name}`);
  assert.deepEqual(page.problems, [], `${name}: console errors, failed requests or other hosts`);
}

/** Loads path in page, expects 200, then see(). */
async function visit(page, path, name) {
  const res = await page.goto(srv.base + path);
  assert.equal(res.status(), 200, `${path} answers 200`);
  await see(page, name);
}

/** Clicks the control and waits for the page it leads to (a form's
 *  post-redirect-get, or a link). */
async function follow(page, locator) {
  await Promise.all([page.waitForEvent('framenavigated'), locator.click()]);
  await page.waitForLoadState('load');
}

/** On the "sent" page: the tracking code, following the page's own refresh
 *  link while the submission is still pending. */
async function trackingCode(page) {
  for (let i = 0; i < 20; i++) {
    const code = page.locator('.tracking-code');
    if (await code.count()) return (await code.innerText()).trim();
    await follow(page, page.getByRole('link', { name: '刷新本页' }));
  }
  throw new Error(`no tracking code on ${page.url()}`);
}

const text = (page) => page.locator('main').innerText();

test('the whole loop: a concern becomes a suggestion, is handled, published and rated, through the pages', async () => {
  // who is who in the demo
  const dep = await srv.login('deputy');
  const deputyId = dep.user.roles.find((g) => g.role === 'deputy').scope_id;
  const unitLogin = await srv.login('unit');
  const unitId = unitLogin.user.roles.find((g) => g.role === 'unit_staff').scope_id;
  const unitName = (await srv.get(`/api/v1/units/${unitId}`)).body.name;
  assert.equal(unitName, '区建设局', 'the demo unit is 区建设局');
  const stationId = (await srv.get(`/api/v1/deputies/${deputyId}`)).body.station_ids[0];
  const stamp = Date.now() % 100000;
  const title = `小区北门路灯坏了一个月 ${stamp}`;
  const replyText = `已安排维修北门路灯,本月底前完成(${stamp})。`;

  const resident = await openPage(browser);
  let deputy, admin, unit, visitor;
  try {
    // ---- 1. the resident raises a concern at the deputy's station -------------
    await visit(resident, `/stations/${stationId}`, 'resident-station');
    await follow(resident, resident.getByRole('link', { name: '向本站反映问题' }));
    await see(resident, 'resident-concern-form');
    await resident.getByLabel('问题标题(必填)').fill(title);
    await resident.getByLabel('问题类别(必填)').selectOption('城市建设与管理');
    await resident.getByLabel('具体情况(必填)').fill('北门的路灯坏了一个月,晚上老人进出很不安全,请尽快修好。');
    await resident.getByLabel('称呼').fill('王女士');
    await resident.getByLabel('手机号码').fill('13912345678');
    await follow(resident, resident.getByRole('button', { name: '提交' }));
    const code = await trackingCode(resident);
    assert.match(code, /^[A-Z0-9]{10}$/, `a tracking code: ${code}`);
    await see(resident, 'resident-concern-sent');

    // ---- 2. the deputy claims it, drafts a suggestion from it, submits --------
    deputy = await loginAs(browser, srv.base, 'deputy');
    assert.equal(new URL(deputy.url()).pathname, '/deputy/', 'a deputy lands on their home');
    await see(deputy, 'deputy-home');
    await follow(deputy, deputy.locator('main').getByRole('link', { name: '群众意见' }).first());
    await see(deputy, 'deputy-concerns');
    await follow(deputy, deputy.getByRole('link', { name: title }));
    await see(deputy, 'deputy-concern');
    assert.match(await text(deputy), /139\*{4}5678/, 'before claiming, the phone is masked');
    assert.doesNotMatch(await text(deputy), /13912345678/);
    await follow(deputy, deputy.getByRole('button', { name: '认领这条意见' }));
    await see(deputy, 'deputy-concern-claimed');
    assert.match(await text(deputy), /13912345678/, 'a claimer sees the phone in full');
    await follow(deputy, deputy.getByRole('button', { name: '转为建议草稿' }));
    const sgPath = new URL(deputy.url()).pathname;
    const sgId = Number((sgPath.match(/^\/deputy\/suggestions\/(\d+)$/) || [])[1]);
    assert.ok(sgId > 0, `the draft's page: ${deputy.url()}`);
    assert.equal(await deputy.locator('h1').innerText(), title, 'the draft has the concern\'s title');
    await see(deputy, 'deputy-draft');
    await follow(deputy, deputy.getByRole('button', { name: '提交建议' }));
    await see(deputy, 'deputy-submitted');
    assert.equal(await deputy.locator('.status').first().innerText(), '已提交');

    // ---- 3. the office accepts it and assigns it to 区建设局 (lead) ------------
    admin = await loginAs(browser, srv.base, 'admin');
    assert.equal(new URL(admin.url()).pathname, '/staff/', 'the office lands on /staff/');
    await see(admin, 'admin-home');
    await follow(admin, admin.locator('header, nav').getByRole('link', { name: '代表建议' }).first());
    await see(admin, 'admin-suggestions');
    await follow(admin, admin.getByRole('link', { name: title }));
    await see(admin, 'admin-suggestion-submitted');
    await follow(admin, admin.getByRole('button', { name: '立案' }));
    await see(admin, 'admin-suggestion-accepted');
    await admin.getByLabel('主办单位(至少一个,可多选)').selectOption({ label: unitName });
    await follow(admin, admin.getByRole('button', { name: '下一步:核对期限' }));
    await see(admin, 'admin-assign-confirm');
    assert.match(await text(admin), new RegExp(unitName), 'the confirmation names the unit');
    await follow(admin, admin.getByRole('button', { name: '确认交办' }));
    await see(admin, 'admin-suggestion-assigned');
    assert.equal(await admin.locator('.status').first().innerText(), '已交办');

    // ---- 4. the unit logs a contact and replies, class B -------------------------
    unit = await loginAs(browser, srv.base, 'unit');
    assert.equal(new URL(unit.url()).pathname, '/unit/', 'a unit lands on /unit/');
    await see(unit, 'unit-home');
    await follow(unit, unit.getByRole('link', { name: title }).first());
    await see(unit, 'unit-suggestion');
    await unit.getByLabel('沟通阶段').selectOption({ index: 1 });
    await unit.getByLabel('沟通方式').selectOption({ index: 1 });
    await unit.getByLabel('沟通情况').fill('电话联系代表,了解路灯位置和群众诉求。');
    await follow(unit, unit.getByRole('button', { name: '登记联系' }));
    await see(unit, 'unit-contact-logged');
    await unit.locator('input[name="class"][value="B"]').check();
    await unit.getByLabel('答复内容(经单位负责人签发)').fill(replyText);
    await follow(unit, unit.getByRole('button', { name: '提交答复' }));
    await see(unit, 'unit-replied');
    assert.match(await text(unit), new RegExp(replyText.replace(/[()]/g, '.')), 'the reply is on the page');

    // ---- 5. the deputy rates the reply -----------------------------------------
    await visit(deputy, `/deputy/suggestions/${sgId}`, 'deputy-replied');
    await deputy.locator('input[name="attitude"][value="satisfied"]').check();
    await deputy.locator('input[name="result"][value="satisfied"]').check();
    await follow(deputy, deputy.getByRole('button', { name: '提交评价' }));
    await see(deputy, 'deputy-evaluated');
    assert.match(await text(deputy), /我的评价/, 'the evaluation is on the page');

    // ---- 6. the office publishes it -------------------------------------------------
    await visit(admin, `/staff/suggestions/${sgId}`, 'admin-suggestion-evaluated');
    await follow(admin, admin.getByRole('button', { name: '公开', exact: true }));
    await see(admin, 'admin-suggestion-published');
    assert.match(await text(admin), /已在网上晒公开/);

    // ---- 7. the public sees it on /suggestions, with its timeline ------------------
    visitor = await openPage(browser, { width: 1280 });
    await visit(visitor, '/suggestions', 'public-suggestions');
    await follow(visitor, visitor.getByRole('link', { name: title }));
    await see(visitor, 'public-suggestion');
    const pub = await text(visitor);
    assert.match(pub, new RegExp(replyText.replace(/[()]/g, '.')), 'the reply is public');
    assert.match(pub, new RegExp(unitName));
    assert.ok(await visitor.locator('.timeline li').count() >= 4, 'the timeline: submitted, accepted, assigned, replied, …');
    assert.doesNotMatch(pub, /13912345678|王女士/, 'nothing of the resident');

    // ---- 8. the resident's tracking page: resolved by the reply; they rate it -------
    await visit(resident, `/track/${code}`, 'resident-track-resolved');
    assert.equal(await resident.locator('.status').first().innerText(), '已解决');
    assert.match(await resident.locator('.result').innerText(), new RegExp(`${unitName}.*B 类`, 's'),
      'the result names the unit and the reply class');
    await resident.locator('input[name="value"]').first().check();
    await follow(resident, resident.getByRole('button', { name: '提交评价' }));
    await see(resident, 'resident-rated');
    assert.equal(await resident.getByRole('button', { name: '提交评价' }).count(), 0, 'rated once: no form any more');
  } finally {
    for (const p of [resident, deputy, admin, unit, visitor]) if (p) await p.context().close();
  }
});

test('a resident registers for an activity through its page', async () => {
  const page = await openPage(browser);
  try {
    await visit(page, '/activities', 'activities');
    // the first activity whose page offers the registration form
    const links = await page.locator('main a[href^="/activities/"]').evaluateAll((as) =>
      as.map((a) => a.getAttribute('href')).filter((h) => /^\/activities\/\d+$/.test(h)));
    assert.ok(links.length > 0, 'the demo lists activities');
    let found = false;
    for (const href of links) {
      await page.goto(srv.base + href);
      if (await page.getByRole('button', { name: '报名' }).count()) { found = true; break; }
    }
    assert.ok(found, 'an open activity takes registrations');
    await see(page, 'activity');
    await page.getByLabel('姓名').fill('李先生');
    await page.getByLabel('手机号码').fill('13700001111');
    await follow(page, page.getByRole('button', { name: '报名' }));
    await see(page, 'activity-registered');
    assert.match(await text(page), /签到码/);
    assert.match(await page.locator('main').innerText(), /\d{3}-?\d{3}/, 'a six-digit check-in code');
  } finally {
    await page.context().close();
  }
});

test('the office downloads the three lists as CSV and XLSX', async () => {
  // a row in each list: a suggestion assigned to the demo unit and replied (the
  // results list holds replied lead assignments), through the API — the loop
  // above does it through the pages
  const s = { admin: await srv.login('admin'), deputy: await srv.login('deputy'), unit: await srv.login('unit') };
  const as = (l) => ({ cookie: s[l].cookie, csrf: s[l].csrf });
  const unitId = s.unit.user.roles.find((g) => g.role === 'unit_staff').scope_id;
  const title = `关于加装老旧小区电梯的建议 ${Date.now() % 100000}`;
  const made = await srv.post('/api/v1/suggestions', { title, body: '老旧小区居民上下楼困难。', category: '城市建设与管理',
    concern_ids: [], co_signer_ids: [] }, as('deputy'));
  assert.equal(made.status, 201, made.text);
  for (const [l, body] of [['deputy', { action: 'submit' }], ['admin', { action: 'accept' }],
    ['admin', { action: 'assign', units: [{ unit_id: unitId, role: 'lead' }] }],
    ['unit', { action: 'log_contact', stage: 'before', mode: 'phone', note: '电话联系代表' }],
    ['unit', { action: 'reply', class: 'A', text: '已纳入加装电梯计划并完成首批。' }]]) {
    const r = await srv.post(`/api/v1/suggestions/${made.body.id}/actions`, body, as(l));
    assert.equal(r.status, 200, r.text);
  }

  const page = await loginAs(browser, srv.base, 'admin'); // (contexts accept downloads)
  try {
    await visit(page, '/staff/lists', 'lists');
    const tabs = await page.locator('main nav a, main .tabs a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    const kinds = ['suggestions', 'assignments', 'results'];
    for (const kind of kinds) {
      const href = tabs.find((h) => h && h.includes(kind)) || `/staff/lists/${kind}`;
      await visit(page, href, `lists-${kind}`);
      for (const [label, check] of [['下载 CSV', (b) => b.toString('utf8').includes(title)],
        ['下载 Excel(XLSX)', (b) => b.subarray(0, 2).toString() === 'PK']]) {
        const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: label }).click()]);
        const path = await download.path();
        const bytes = readFileSync(path);
        assert.ok(bytes.length > 0, `${kind} ${label}: not empty`);
        assert.ok(check(bytes), `${kind} ${label}: ${download.suggestedFilename()} holds what it should`);
        if (label === '下载 CSV') assert.match(download.suggestedFilename(), /\.csv$/);
        else assert.match(download.suggestedFilename(), /\.xlsx$/);
      }
    }
    assert.deepEqual(page.problems, []);
  } finally {
    await page.context().close();
  }
});
