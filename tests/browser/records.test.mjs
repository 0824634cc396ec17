// The staff's records pages in a real browser (issue 6): the office (admin)
// reads the three lists, downloads the CSV and the XLSX from the page and
// checks their first rows, opens the print view (no navigation when printed),
// reads the audit trail, and keeps the registry: a station's page with its QR
// code, the form sent half filled (the message beside the field, the input
// kept), then complete.  A street's staff member filters a list and searches
// the deputies without JavaScript.  axe on every page (no serious or critical
// violation), screenshots at 390 and 1280 px.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { launchBrowser, checkA11y, loginAs, screenshotsHere, pageWeight } from './harness.mjs';
import { setup, at, client, bodyFor, driveTo } from '../http/sg_helpers.mjs';

let ctx, srv, browser;
before(async () => {
  ctx = await setup(at('2026-09-28T10:00'));
  srv = ctx.srv;
  const c = client(ctx);
  for (let i = 0; i < 4; i++) {
    const made = await c.create('deputy', { title: `浏览器清单测试建议${i}` });
    assert.equal(made.status, 201, made.text);
    assert.equal((await c.act('deputy', made.body.id, bodyFor(ctx, 'submit'))).status, 200);
  }
  await driveTo(ctx, 'evaluated');
  browser = await launchBrowser();
});
after(async () => {
  if (browser) await browser.close();
  if (srv) assert.equal(await srv.stop(), 0);
});

/** Goes to path, expects 200, axe, both screenshots, under 50 KB with its assets. */
async function visit(page, path, shot) {
  const res = await page.goto(srv.base + path);
  assert.equal(res.status(), 200, `${path} answers 200`);
  await checkA11y(page, path);
  await screenshotsHere(page, shot);
  if (page.javaScriptEnabled !== false) {
    const bytes = await pageWeight(page);
    assert.ok(bytes < 50 * 1024, `${path}: ${bytes} bytes with its assets`);
  }
}

test('the office reads the lists, downloads CSV and XLSX, prints, reads the audit trail (js)', async () => {
  const page = await loginAs(browser, srv.base, 'admin', { next: '/staff/lists/suggestions' });
  try {
    assert.equal(new URL(page.url()).pathname, '/staff/lists/suggestions');
    await visit(page, '/staff/lists/suggestions?year=2026', 'records-lists');
    const api = await srv.get('/api/v1/lists/suggestions?year=2026&limit=100', { cookie: ctx.s.admin.cookie });
    const titles = api.body.columns.map((c) => c.title);
    assert.deepEqual(await page.locator('table.data thead th').allInnerTexts(), titles);
    assert.equal(await page.locator('table.data tbody tr').count(), api.body.items.length);

    // the CSV: its header and first row are the API's
    const [csv] = await Promise.all([page.waitForEvent('download'),
      page.getByRole('link', { name: '下载 CSV' }).click()]);
    assert.equal(csv.suggestedFilename(), '建议清单-2026.csv');
    const lines = readFileSync(await csv.path(), 'utf8').replace(/^\uFEFF/, '').split('\r\n');
    assert.equal(lines[0], titles.join(','));
    assert.ok(lines[1].startsWith(`${api.body.items[0].id},`), lines[1]);

    // the XLSX: its first row the headers, its second the first suggestion
    const [xlsx] = await Promise.all([page.waitForEvent('download'),
      page.getByRole('link', { name: '下载 Excel(XLSX)' }).click()]);
    assert.equal(xlsx.suggestedFilename(), '建议清单-2026.xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(await xlsx.path());
    const ws = wb.worksheets[0];
    assert.deepEqual(ws.getRow(1).values.slice(1), titles);
    assert.equal(ws.getRow(2).getCell(1).value, api.body.items[0].id);
    assert.equal(ws.getRow(2).getCell(2).value, api.body.items[0].title);

    // the print view: the whole year in one table; printed without the navigation
    await page.getByRole('link', { name: '打印整年清单' }).click();
    await page.waitForLoadState('load');
    assert.equal(new URL(page.url()).searchParams.get('print'), '1');
    assert.equal(await page.locator('table.data tbody tr').count(), api.body.items.length);
    await checkA11y(page, 'print view');
    await screenshotsHere(page, 'records-lists-print');
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.locator('header.site').evaluate((e) => getComputedStyle(e).display), 'none');
    assert.equal(await page.locator('table.data thead').evaluate((e) => getComputedStyle(e).display), 'table-header-group');
    await page.emulateMedia({ media: 'screen' });

    await visit(page, '/staff/lists/assignments?year=2026', 'records-lists-assignments');
    await visit(page, '/staff/lists/results?year=2026', 'records-lists-results');

    // the audit trail, narrowed to one suggestion through the form
    await visit(page, '/staff/audit', 'records-audit');
    const id = api.body.items[0].id;
    await page.getByLabel('对象类型').selectOption('suggestion');
    await page.getByLabel('对象编号').fill(String(id));
    await page.getByRole('button', { name: '筛选' }).click();
    await page.waitForLoadState('load');
    const entities = await page.locator('table.data tbody tr td:nth-child(6)').allInnerTexts();
    assert.ok(entities.length >= 2 && entities.every((t) => t.startsWith(`代表建议 ${id}`)), entities.join('|'));
    await checkA11y(page, 'audit of one suggestion');
    assert.deepEqual(page.problems, []);
  } finally {
    await page.context().close();
  }
});

test('the office keeps the registry: a station and its QR code, the form with an error, then saved (js)', async () => {
  const page = await loginAs(browser, srv.base, 'admin', { next: '/staff/registry' });
  try {
    await visit(page, '/staff/registry', 'records-registry');
    await page.getByRole('link', { name: '代表联络站' }).first().click();
    await page.waitForLoadState('load');
    await checkA11y(page, 'stations');
    await screenshotsHere(page, 'records-stations');
    await page.locator('table.data tbody th a').first().click();
    await page.waitForLoadState('load');
    assert.match(new URL(page.url()).pathname, /^\/staff\/registry\/stations\/\d+$/);
    // the QR image loaded
    assert.ok(await page.locator('.qr img').evaluate((img) => img.complete && img.naturalWidth > 0));
    await checkA11y(page, 'station');
    await screenshotsHere(page, 'records-station');
    await visit(page, '/staff/registry/deputies', 'records-deputies');
    await page.locator('table.data tbody th a').first().click();
    await page.waitForLoadState('load');
    await checkA11y(page, 'deputy');
    await screenshotsHere(page, 'records-deputy');
    await visit(page, '/staff/registry/units', 'records-units');

    await visit(page, '/staff/registry/stations/new', 'records-station-form');
    await page.getByLabel('名称(必填)').fill('浏览器新建联络站');
    await page.getByLabel('类型(必填)').selectOption('building_station');
    await page.getByLabel('纬度(必填)').fill('三十');
    await page.getByRole('button', { name: '保存' }).click();
    await page.waitForLoadState('load');
    // the API checks one field at a time: first the street that is missing
    assert.equal(await page.locator('#f-street_id').getAttribute('aria-invalid'), 'true');
    assert.ok((await page.locator('#street_id-error').innerText()).length > 0, 'message beside the street');
    assert.equal(await page.getByLabel('名称(必填)').inputValue(), '浏览器新建联络站', 'the name is kept');
    assert.equal(await page.getByLabel('纬度(必填)').inputValue(), '三十', 'the latitude is kept');
    await checkA11y(page, 'station form with an error');
    await screenshotsHere(page, 'records-station-form-error');
    const street = await page.locator('#f-street_id option').nth(1).getAttribute('value');
    await page.getByLabel('所在街道(必填)').selectOption(street);
    await page.getByRole('button', { name: '保存' }).click();
    await page.waitForLoadState('load');
    assert.equal(await page.locator('#f-lat').getAttribute('aria-invalid'), 'true');
    assert.ok((await page.locator('#lat-error').innerText()).length > 0, 'message beside the latitude');
    assert.equal(await page.locator('#f-street_id').inputValue(), street, 'the street is kept');
    assert.deepEqual(page.problems, [`400 ${srv.base}/staff/registry/stations/new`,
      `400 ${srv.base}/staff/registry/stations/new`]);
    page.problems.length = 0;

    await page.getByLabel('纬度(必填)').fill('30.58');
    await page.getByLabel('经度(必填)').fill('114.28');
    await page.getByRole('button', { name: '保存' }).click();
    await page.waitForLoadState('load');
    assert.match(new URL(page.url()).pathname, /^\/staff\/registry\/stations\/\d+$/);
    assert.equal(await page.locator('h1').innerText(), '浏览器新建联络站');
    assert.equal(await page.getByRole('status').innerText(), '已保存。');
    await checkA11y(page, 'station saved');
    assert.deepEqual(page.problems, []);
  } finally {
    await page.context().close();
  }
});

test('a street\'s staff filter a list and search the deputies without JavaScript (nojs)', async () => {
  const page = await loginAs(browser, srv.base, 'street', { next: '/staff/lists/suggestions', javaScriptEnabled: false });
  try {
    await visit(page, '/staff/lists/suggestions', 'records-lists-street-nojs');
    await page.getByLabel('年度').fill('2025');
    await page.getByRole('button', { name: '筛选' }).click();
    await page.waitForLoadState('load');
    assert.equal(new URL(page.url()).searchParams.get('year'), '2025');
    assert.equal(await page.locator('h1').innerText(), '2025年建议清单');
    await checkA11y(page, 'list of 2025');
    await page.getByLabel('年度').fill('二〇二六');
    await page.getByRole('button', { name: '筛选' }).click();
    await page.waitForLoadState('load');
    assert.ok((await page.locator('#year-error').innerText()).length > 0);
    page.problems.length = 0;

    await visit(page, '/staff/registry/deputies', 'records-deputies-nojs');
    const first = (await page.locator('table.data tbody th a').first().innerText()).trim();
    await page.getByLabel('名称').fill(first);
    await page.getByRole('button', { name: '查找' }).click();
    await page.waitForLoadState('load');
    const names = await page.locator('table.data tbody th a').allInnerTexts();
    assert.ok(names.length >= 1 && names.every((n) => n.includes(first)), names.join('|'));
    assert.equal(await page.getByRole('link', { name: '新增人大代表' }).count(), 0, 'no create link for street staff');
    assert.deepEqual(page.problems, []);
  } finally {
    await page.context().close();
  }
});
