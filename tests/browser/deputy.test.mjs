// The deputies' pages in a real browser (issue 6, "Deputies"): a deputy logs
// in, finds a resident's concern at their station, claims it (the contact then
// shown in full), drafts a suggestion from it with a co-signer — once with
// JavaScript and once without —, edits the draft, submits it, and reads the
// work record; a second deputy named as co-signer confirms one draft and
// declines another (联名) from the list.
// Every page gets axe (no serious or critical violation) and screenshots at
// 390 and 1280 px (tests/artifacts/screenshots/).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, openPage, screenshots, screenshotsHere, checkA11y, loginAs, cli, DEMO_PASSWORD } from './harness.mjs';

let srv, browser, station, category;
before(async () => {
  srv = await startServer({ demo: true });
  browser = await launchBrowser();
  const me = await srv.login('deputy');
  const id = me.user.roles.find((r) => r.role === 'deputy').scope_id;
  station = (await srv.get(`/api/v1/deputies/${id}`, { cookie: me.cookie })).body.station_ids[0];
  const form = await srv.get('/concern');
  category = [...form.text.matchAll(/<option value="([^"]+)"/g)].map((m) => m[1])[0];
});
after(async () => {
  if (browser) await browser.close();
  if (srv) assert.equal(await srv.stop(), 0);
});

async function raise(title) {
  const r = await srv.post('/api/v1/concerns', {
    source: 'online', title, body: `${title}。请代表帮忙反映。`, category, station_id: station,
    contact_name: '张阿姨', contact_phone: '13911112222',
  });
  assert.equal(r.status, 201, r.text);
  return r.body.id;
}

/** Screenshots of the page the browser is on, in a context logged in as the deputy. */
async function shots(page, name, javaScriptEnabled) {
  const cookies = await page.context().cookies();
  const url = page.url();
  // the harness opens fresh contexts: give them the session cookie
  const orig = browser.newContext.bind(browser);
  browser.newContext = async (o) => {
    const c = await orig(o);
    await c.addCookies(cookies);
    return c;
  };
  try {
    await screenshots(browser, url, name, { javaScriptEnabled });
  } finally {
    browser.newContext = orig;
  }
}

async function check(page, name, javaScriptEnabled) {
  await checkA11y(page, name);
  await shots(page, name, javaScriptEnabled);
}

async function login(page) {
  await page.goto(srv.base + '/login');
  await page.getByLabel('登录名').fill('deputy');
  await page.getByLabel('密码').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForLoadState('load');
}

for (const javaScriptEnabled of [true, false]) {
  const mode = javaScriptEnabled ? 'js' : 'nojs';

  test(`a deputy claims a concern and turns it into a submitted suggestion (${mode})`, async () => {
    const title = `路口红绿灯时间太短 ${mode}`;
    const cid = await raise(title);
    const page = await openPage(browser, { javaScriptEnabled });
    try {
      await login(page);
      await page.goto(srv.base + '/deputy/');
      assert.equal(await page.locator('h1').innerText(), '代表工作台');
      await check(page, `deputy-home-${mode}`, javaScriptEnabled);

      await page.getByRole('link', { name: /条群众意见待认领/ }).click();
      await page.waitForLoadState('load');
      await check(page, `deputy-concerns-${mode}`, javaScriptEnabled);
      await page.getByRole('link', { name: title }).click();
      await page.waitForLoadState('load');
      assert.equal(new URL(page.url()).pathname, `/deputy/concerns/${cid}`);
      assert.ok((await page.locator('main').innerText()).includes('139****2222'), 'masked before the claim');
      await check(page, `deputy-concern-${mode}`, javaScriptEnabled);

      await page.getByRole('button', { name: '认领这条意见' }).click();
      await page.waitForLoadState('load');
      assert.ok((await page.locator('main').innerText()).includes('13911112222'), 'in full after the claim');
      await checkA11y(page, 'concern claimed');

      await page.getByRole('link', { name: /起草一份新建议/ }).click();
      await page.waitForLoadState('load');
      assert.equal(await page.getByLabel('建议标题(必填)').inputValue(), title);
      await check(page, `deputy-draft-${mode}`, javaScriptEnabled);

      // a half-filled form: the message beside the field, the rest kept
      await page.getByLabel('建议标题(必填)').fill('');
      await page.getByRole('button', { name: '保存草稿' }).click();
      await page.waitForLoadState('load');
      assert.equal(await page.locator('#title').getAttribute('aria-invalid'), 'true');
      assert.ok((await page.locator('#title-error').innerText()).length > 0);
      assert.ok((await page.getByLabel('建议内容(必填)').inputValue()).startsWith(title));
      assert.deepEqual(page.problems, [`400 ${srv.base}/deputy/suggestions/new`]);
      page.problems.length = 0;
      await checkA11y(page, 'draft with errors');

      await page.getByLabel('建议标题(必填)').fill(`关于延长${mode}路口绿灯时间的建议`);
      await page.getByLabel('联名代表(可多选)').selectOption({ index: 0 });
      await page.getByRole('button', { name: '保存草稿' }).click();
      await page.waitForLoadState('load');
      assert.match(new URL(page.url()).pathname, /^\/deputy\/suggestions\/\d+$/);
      await check(page, `deputy-suggestion-draft-${mode}`, javaScriptEnabled);

      // the draft edited: the same form, filled in; an error beside the field, then saved
      await page.getByRole('link', { name: '修改草稿' }).click();
      await page.waitForLoadState('load');
      assert.equal(await page.locator('h1').innerText(), '修改建议草稿');
      assert.equal(await page.getByLabel('建议标题(必填)').inputValue(), `关于延长${mode}路口绿灯时间的建议`);
      await check(page, `deputy-edit-${mode}`, javaScriptEnabled);
      await page.getByLabel('建议标题(必填)').fill('');
      await page.getByRole('button', { name: '保存修改' }).click();
      await page.waitForLoadState('load');
      assert.equal(await page.locator('#title').getAttribute('aria-invalid'), 'true');
      assert.equal(page.problems.length, 1);
      page.problems.length = 0;
      await checkA11y(page, 'edit with errors');
      await page.getByLabel('建议标题(必填)').fill(`关于适当延长${mode}路口绿灯时间的建议`);
      await page.getByRole('button', { name: '保存修改' }).click();
      await page.waitForLoadState('load');
      assert.equal(await page.locator('h1').innerText(), `关于适当延长${mode}路口绿灯时间的建议`);
      assert.ok((await page.locator('main').innerText()).includes('草稿已修改。'));

      await page.getByRole('button', { name: '提交建议' }).click();
      await page.waitForLoadState('load');
      assert.ok((await page.locator('.status').first().innerText()).includes('已提交'));

      await page.getByRole('link', { name: '我的建议' }).first().click();
      await page.waitForLoadState('load');
      await check(page, `deputy-suggestions-${mode}`, javaScriptEnabled);
      await page.getByRole('link', { name: '履职档案' }).first().click();
      await page.waitForLoadState('load');
      await check(page, `deputy-record-${mode}`, javaScriptEnabled);
      assert.deepEqual(page.problems, []);
    } finally {
      await page.context().close();
    }
  });
}

test('a deputy named as co-signer confirms one draft and declines another (联名)', async () => {
  const admin = await srv.login('admin');
  const me = await srv.login('deputy');
  const all = (await srv.get('/api/v1/deputies?limit=100', { cookie: admin.cookie })).body.items;
  const mine = me.user.roles.find((r) => r.role === 'deputy').scope_id;
  const other = all.find((d) => d.id !== mine).id;
  const r = cli(['user', 'add', '--db', srv.db, '--login', 'cosigner_b', '--role', 'deputy', '--scope', String(other),
    '--password-stdin'], { input: `${DEMO_PASSWORD}\n` });
  assert.equal(r.status, 0, r.stderr);
  const made = [];
  for (const title of ['关于增设社区食堂的建议', '关于改造背街小巷的建议']) {
    const x = await srv.post('/api/v1/suggestions', { title, body: `${title}。`, category: '城市建设与管理',
      concern_ids: [], co_signer_ids: [other] }, { cookie: me.cookie, csrf: me.csrf });
    assert.equal(x.status, 201, x.text);
    made.push(x.body.id);
  }
  const page = await loginAs(browser, srv.base, 'cosigner_b', { next: '/deputy/suggestions' });
  try {
    await page.goto(srv.base + '/deputy/suggestions');
    await checkA11y(page, 'cosign list');
    await screenshotsHere(page, 'deputy-cosign-list');
    // confirm the first from the list
    await page.locator(`form[action="/deputy/suggestions/${made[0]}/cosign"] button`).click();
    await page.waitForLoadState('load');
    assert.ok((await page.locator('main').innerText()).includes('您已确认联名。'));
    await checkA11y(page, 'cosigned');
    await screenshotsHere(page, 'deputy-cosigned');
    // decline the second: without a reason the message is beside the field
    await page.goto(srv.base + `/deputy/suggestions/${made[1]}`);
    await page.getByRole('button', { name: '不同意联名' }).click();
    await page.waitForLoadState('load');
    assert.equal(await page.locator('#decline-reason').getAttribute('aria-invalid'), 'true');
    page.problems.length = 0;
    await checkA11y(page, 'decline without reason');
    await page.getByLabel('不同意联名的理由(必填)').fill('对该片区情况不了解');
    await page.getByRole('button', { name: '不同意联名' }).click();
    await page.waitForLoadState('load');
    assert.ok((await page.locator('main').innerText()).includes('您的联名:不同意'));
    const a = (await srv.get(`/api/v1/suggestions/${made[0]}`, { cookie: me.cookie })).body;
    const b = (await srv.get(`/api/v1/suggestions/${made[1]}`, { cookie: me.cookie })).body;
    assert.equal(a.signers.find((g) => g.deputy_id === other).status, 'confirmed');
    assert.equal(b.signers.find((g) => g.deputy_id === other).status, 'declined');
    assert.deepEqual(page.problems, []);
  } finally {
    await page.context().close();
  }
});
