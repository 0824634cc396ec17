// The handling units' pages (/unit/, docs/WEB.md "Pages"): who may open them
// (401 with a login link, 403 for other roles, 404 for a suggestion not
// assigned to the caller's unit), the home page's groups with due dates and
// overdue marks and the inbox, a suggestion with only the forms the API
// allows the unit now, each form's validation beside its field with the
// input kept, CSRF, the one-time form token (a double submit logs one
// contact, one reply), the API's refusals (409) shown in the form, the
// contact log as a table, no deputy's phone.  On both backends.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import { setup, driveTo, client, at, sql } from './sg_helpers.mjs';

const NOW = at('2026-09-28T10:00');
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
  "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

let ctx, srv, api;

before(async () => {
  ctx = await setup(NOW);
  srv = ctx.srv;
  api = client(ctx);
});
after(async () => { await srv?.stop(); });

/** A page as login (null: anonymous). */
const page = (path, login) => srv.request('GET', path, login ? { cookie: ctx.s[login].cookie } : {});

function isPage(r, status = 200) {
  assert.equal(r.status, status, r.text.slice(0, 800));
  assert.equal(r.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.equal(r.headers.get('content-security-policy'), CSP);
  assert.match(r.text, /^<!DOCTYPE html>\n<html lang="zh-CN">/);
  assert.equal((r.text.match(/<h1[ >]/g) || []).length, 1, 'one h1');
  assert.doesNotMatch(r.text, /<script>|<script(?![^>]*\bsrc=)[^>]*>|<style|\sstyle="|\son[a-z]+="/);
}

/** The one-time token of the form for action in a page, or null. */
function formToken(html, action) {
  const m = html.match(new RegExp(`name="form_token" value="([^"]+)">\\n<input type="hidden" name="action" value="${action}">`));
  return m ? m[1] : null;
}

/** Posts a form to the suggestion page as login, with the session's CSRF token. */
function post(id, fields, login = 'unit', { csrf = true } = {}) {
  const sess = ctx.s[login];
  const body = new URLSearchParams({ ...(csrf ? { csrf_token: sess.csrf } : {}), ...fields }).toString();
  return srv.request('POST', `/unit/suggestions/${id}`, {
    raw: body, headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: sess.cookie },
  });
}

/** Opens the page and sends the form for action with fields. */
async function send(id, action, fields, login = 'unit') {
  const p = await page(`/unit/suggestions/${id}`, login);
  isPage(p);
  const token = formToken(p.text, action);
  assert.ok(token, `the ${action} form is on the page`);
  const r = await post(id, { form_token: token, action, ...fields }, login);
  return { token, r };
}

const contacts = async (id) => (await api.get('admin', id)).body.assignments
  .flatMap((g) => g.contacts).length;

test('who may open the unit pages: 401 with a login link, 403 for other roles, 404 outside the unit', async () => {
  const s = await driveTo(ctx, 'assigned');
  const anon = await page('/unit/');
  isPage(anon, 401);
  assert.match(anon.text, /href="\/login[^"]*"/, 'a link to the login');
  for (const login of ['resident', 'deputy', 'admin', 'street']) {
    isPage(await page('/unit/', login), 403);
    isPage(await page(`/unit/suggestions/${s.id}`, login), 403);
  }
  isPage(await page('/unit/', 'unit'));
  const root = await page('/unit', 'unit');
  assert.equal(root.status, 303);
  assert.equal(root.headers.get('location'), '/unit/');
  // unit3 is not on it: as if it did not exist, its contact log too
  isPage(await page(`/unit/suggestions/${s.id}`, 'unit3'), 404);
  isPage(await page(`/unit/suggestions/${s.id}/contacts`, 'unit3'), 404);
  isPage(await page('/unit/suggestions/99999999', 'unit'), 404);
  isPage(await page('/unit/suggestions/abc', 'unit'), 404);
  // and it cannot act on it through the page either
  const r = await post(s.id, { form_token: 'x'.repeat(43), action: 'log_contact', stage: 'before', mode: 'phone' }, 'unit3');
  isPage(r, 404);
  assert.equal(await contacts(s.id), 0);
});

test('home: the assignments grouped with due dates, overdue marked, the inbox', async () => {
  const created = {};
  for (const state of ['assigned', 'in_handling', 'replied', 'rehandling', 'following_up'])
    created[state] = await driveTo(ctx, state, { create: { title: `分组测试 ${state}` } });
  // one assigned to unit3 alone: never on unit's page
  const other = await driveTo(ctx, 'accepted', { create: { title: '别的单位的建议' } });
  assert.equal((await api.act('admin', other.id, { action: 'assign', units: [{ unit_id: ctx.ids.U3, role: 'lead' }] })).status, 200);
  // the in_handling one is overdue by 3 days
  const due = at('2026-09-25T23:59').valueOf() + 59;
  sql(srv, `UPDATE assignments SET due_at = ${due} WHERE suggestion_id = ${created.in_handling.id}`);

  const r = await page('/unit/', 'unit');
  isPage(r);
  assert.ok(!r.text.includes('别的单位的建议'), 'another unit\'s suggestion is not listed');
  const section = (key) => {
    const m = r.text.match(new RegExp(`<h2 id="g-${key}">[\\s\\S]*?</section>`));
    assert.ok(m, `group ${key}`);
    return m[0];
  };
  const where = { assigned: 'new', in_handling: 'handling', replied: 'replied', rehandling: 'rehandling', following_up: 'follow_up' };
  for (const [state, key] of Object.entries(where)) {
    assert.ok(section(key).includes(`分组测试 ${state}`), `${state} in group ${key}`);
    for (const [k2] of Object.entries(where).filter(([s2]) => s2 !== state))
      assert.ok(!section(where[k2]).includes(`分组测试 ${state}<`), `${state} not in ${where[k2]}`);
  }
  // the due date as the API has it, and the overdue mark
  const g = (await api.get('unit', created.assigned.id)).body.assignments.find((x) => x.unit_id === ctx.ids.U1);
  assert.ok(section('new').includes(`答复期限 <strong>${g.due_at.slice(0, 10)}</strong>`));
  assert.match(section('new'), /剩 \d+ 天/);
  assert.match(section('handling'), /class="is-overdue"[\s\S]*分组测试 in_handling[\s\S]*已超期 3 天/);
  assert.doesNotMatch(section('new'), /已超期/);
  assert.match(r.text, /\d+ 件已超期/);
  // the inbox: the new-assignment notices, linked to the unit's page of the suggestion
  assert.match(r.text, /<h2 id="inbox-heading">催办与通知<\/h2>/);
  assert.match(r.text, /<span class="tag">新交办<\/span>/);
  assert.match(r.text, new RegExp(`href="/unit/suggestions/${created.assigned.id}"`));
  // under 50 KB with its assets
  const css = await page('/static/site.css');
  const js = await page('/static/site.js');
  const bytes = [r, css, js].reduce((n, x) => n + Buffer.byteLength(x.text), 0);
  assert.ok(bytes < 50 * 1024, `${bytes} bytes`);
});

/** The rows of a CSV export (UTF-8 with a BOM, CRLF, RFC 4180 quoting). */
function parseCsv(text) {
  assert.equal(text.charCodeAt(0), 0xfeff, 'a byte-order mark');
  const rows = [];
  let row = [], cell = '', quoted = false;
  for (let i = 1; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { row.push(cell); cell = ''; }
    else if (ch === '\r' && text[i + 1] === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; i++; }
    else cell += ch;
  }
  assert.equal(row.length + cell.length, 0, 'the last record ends with CRLF');
  return rows;
}

/** The download links of the "本单位清单" section of the unit home page:
 *  [{ name, csv, xlsx }] (hrefs decoded). */
function listLinks(html) {
  const m = html.match(/<h2 id="lists-heading">本单位清单<\/h2>[\s\S]*?<\/section>/);
  assert.ok(m, 'the 本单位清单 section');
  const dec = (h) => h.replaceAll('&amp;', '&');
  return [...m[0].matchAll(/<tr><th scope="row">([^<]+)<\/th><td class="downloads"><a href="([^"]+)" download aria-label="([^"]+) CSV">CSV<\/a> <a href="([^"]+)" download aria-label="([^"]+) XLSX">XLSX<\/a><\/td><\/tr>/g)]
    .map(([, name, csv, csvLabel, xlsx, xlsxLabel]) => {
      // each link says which list it is (a screen reader lists links alone)
      assert.ok(name.endsWith(csvLabel) && name.endsWith(xlsxLabel), `labels of ${name}`);
      return { name, csv: dec(csv), xlsx: dec(xlsx) };
    });
}

/** A download as login: status, headers and bytes. */
async function download(path, login) {
  const res = await fetch(srv.base + path, { headers: login ? { cookie: ctx.s[login].cookie } : {} });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

/** The rows of an export as objects keyed by the header's titles. */
async function exportRows(path, login) {
  const CT = {
    csv: 'text/csv; charset=utf-8',
    xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  };
  const fmt = path.match(/format=(csv|xlsx)/)[1];
  const r = await download(path, login);
  assert.equal(r.status, 200, `${path}: ${r.bytes.toString().slice(0, 300)}`);
  assert.equal(r.headers.get('content-type'), CT[fmt]);
  assert.match(r.headers.get('content-disposition'), new RegExp(`^attachment; filename="[a-z]+-\\d{4}\\.${fmt}"`));
  let table;
  if (fmt === 'csv') table = parseCsv(r.bytes.toString('utf8'));
  else {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(r.bytes);
    const ws = wb.worksheets[0];
    table = [];
    ws.eachRow((row) => table.push(row.values.slice(1).map((v) => (v instanceof Date ? v.toISOString() : String(v ?? '')))));
  }
  const [head, ...rows] = table;
  return rows.map((cells) => Object.fromEntries(head.map((h, i) => [h, cells[i] ?? ''])));
}

test('home: 本单位清单 — this year\'s and last year\'s 交办清单 and 效果清单 of the unit only, as CSV and XLSX', async () => {
  // U1 leads, U2 co-handles; U1 has replied to one; U3 alone has another
  const mine = await driveTo(ctx, 'assigned', { create: { title: '清单测试 交办' } });
  await driveTo(ctx, 'replied', { create: { title: '清单测试 已答复' } });
  const other = await driveTo(ctx, 'accepted', { create: { title: '清单测试 别的单位' } });
  assert.equal((await api.act('admin', other.id, { action: 'assign', units: [{ unit_id: ctx.ids.U3, role: 'lead' }] })).status, 200);
  const unitName = async (id) => (await srv.get(`/api/v1/units/${id}`)).body.name;
  const [n1, n2] = [await unitName(ctx.ids.U1), await unitName(ctx.ids.U2)];

  const home = await page('/unit/', 'unit');
  isPage(home);
  const links = listLinks(home.text);
  // 2026 (the server's clock) and 2025; no 建议清单 (the API refuses it to a unit)
  assert.deepEqual(links.map((l) => l.name), ['2026 年交办清单', '2026 年效果清单', '2025 年交办清单', '2025 年效果清单']);
  assert.doesNotMatch(home.text, /lists\/suggestions/);
  assert.equal((await download(`/api/v1/lists/suggestions?unit=${ctx.ids.U1}&format=csv`, 'unit')).status, 403);
  for (const l of links) {
    assert.match(l.csv, new RegExp(`^/api/v1/lists/(assignments|results)\\?year=(2026|2025)&unit=${ctx.ids.U1}&format=csv$`));
    assert.equal(l.xlsx, l.csv.replace('format=csv', 'format=xlsx'));
  }

  for (const fmt of ['csv', 'xlsx']) {
    // 交办清单: the unit's rows only — another unit's suggestion is absent
    const asg = await exportRows(links[0][fmt], 'unit');
    const titles = asg.map((r) => r['建议标题']);
    assert.ok(titles.includes('清单测试 交办') && titles.includes('清单测试 已答复'), `${fmt}: ${titles}`);
    assert.ok(!titles.includes('清单测试 别的单位'), `${fmt}: another unit's row is absent`);
    assert.deepEqual([...new Set(asg.map((r) => r['承办单位']))], [n1], `${fmt}: only ${n1}`);
    // 效果清单: U1's reply
    const res = await exportRows(links[1][fmt], 'unit');
    assert.ok(res.some((r) => r['建议标题'] === '清单测试 已答复'), `${fmt}: the reply`);
    assert.deepEqual([...new Set(res.map((r) => r['主办单位']))], [n1]);
    // last year: nothing yet, the header alone
    assert.equal((await exportRows(links[2][fmt], 'unit')).length, 0);
    assert.equal((await exportRows(links[3][fmt], 'unit')).length, 0);
  }

  // the co unit's page links its own lists: its co row, not U1's reply
  const links2 = listLinks((await page('/unit/', 'unit2')).text);
  assert.match(links2[0].csv, new RegExp(`unit=${ctx.ids.U2}&`));
  const asg2 = await exportRows(links2[0].csv, 'unit2');
  assert.ok(asg2.some((r) => r['建议标题'] === '清单测试 交办' && r['办理方式'] === '协办'));
  assert.deepEqual([...new Set(asg2.map((r) => r['承办单位']))], [n2]);
  assert.ok(!(await exportRows(links2[1].xlsx, 'unit2')).some((r) => r['建议标题'] === '清单测试 已答复'),
    'the lead unit\'s reply is not in the co unit\'s 效果清单');

  // the links are the caller's: another unit's clerk is refused them, so is a visitor
  assert.equal((await download(links[0].csv, 'unit3')).status, 404);
  assert.equal((await download(links[1].xlsx, 'unit3')).status, 404);
  assert.equal((await download(links[0].csv, null)).status, 401);
  for (const login of ['deputy', 'resident'])
    assert.equal((await download(links[0].csv, login)).status, 403);
  // and only a unit's clerk has the page that carries them
  for (const login of ['resident', 'deputy', 'street', 'admin']) {
    const r = await page('/unit/', login);
    isPage(r, 403);
    assert.doesNotMatch(r.text, /本单位清单/);
  }
});

test('home: the unit\'s open lead assignments counted by due state, as the rows show them', async () => {
  // today is Monday 28 September 2026; one row seeded in each due state,
  // each found below by its title with the label its due date calls for
  const seeded = [
    // due 20 September: 8 days past
    ['期限测试 超期', 'in_handling', '2026-09-20', '<span class="overdue">已超期 8 天</span>'],
    // due today
    ['期限测试 今天', 'assigned', '2026-09-28', '<span class="overdue">今天到期</span>'],
    // due Wednesday 30 September: 29 and 30 September are the working days
    // left (at most due_soon_working_days, 10), 国庆 starts on 1 October
    ['期限测试 即将', 'assigned', '2026-09-30', '<span class="left">剩 2 个工作日</span>'],
    // due 31 December: 94 calendar days, far more than 10 working days
    ['期限测试 期限内', 'assigned', '2026-12-31', '<span class="left">剩 94 天</span>'],
  ];
  for (const [title, state, due] of seeded) {
    const s = await driveTo(ctx, state, { create: { title } });
    sql(srv, `UPDATE assignments SET due_at = ${at(`${due}T23:59`) + 59} WHERE suggestion_id = ${s.id}`);
  }
  const r = await page('/unit/', 'unit');
  isPage(r);
  const m = r.text.match(/<h2 id="due-heading">待答复的主办件（(\d+)）<\/h2>\s*<ul class="counts">\n<li><span class="count">(\d+)<\/span> 已超期<\/li>\n<li><span class="count">(\d+)<\/span> 今天到期<\/li>\n<li><span class="count">(\d+)<\/span> 即将到期<\/li>\n<li><span class="count">(\d+)<\/span> 期限内<\/li>/);
  assert.ok(m, 'the due-state counts');
  const [total, overdue, dueToday, soon, inTime] = m.slice(1).map(Number);
  const rows = r.text.slice(r.text.indexOf('<nav class="unit-jump"'), r.text.indexOf('id="lists-heading"'));
  assert.ok(!/另有 \d+ 件/.test(rows), 'every row is on the page');
  // each seeded row by its title: its due date and the label of its state
  const items = rows.split('<li').slice(1);
  for (const [title, , due, label] of seeded) {
    const mine = items.filter((x) => x.includes(`>${title}</a>`));
    assert.equal(mine.length, 1, title);
    assert.ok(mine[0].includes(`答复期限 <strong>${due}</strong>`), `${title}: ${mine[0]}`);
    const labels = mine[0].match(/<span class="(?:overdue|left)">[^<]*<\/span>/g);
    assert.deepEqual(labels, [label], title);
  }
  // the counts: as the rows show them, and each seeded state counted
  const n = (re) => (rows.match(re) || []).length;
  assert.equal(overdue, n(/<span class="overdue">已超期 \d+ 天<\/span>/g));
  assert.equal(dueToday, n(/<span class="overdue">今天到期<\/span>/g));
  assert.equal(soon, n(/<span class="left">剩 \d+ 个工作日<\/span>/g));
  assert.equal(inTime, n(/<span class="left">剩 \d+ 天<\/span>/g));
  assert.ok(overdue >= 1 && dueToday >= 1 && soon >= 1 && inTime >= 1, `${overdue} ${dueToday} ${soon} ${inTime}`);
  assert.equal(total, overdue + dueToday + soon + inTime);
  assert.match(r.text, new RegExp(`${overdue} 件已超期`), 'the same figure as the lead line');
});

test('a new assignment: the forms the API allows, the return limit date, no deputy phone', async () => {
  const s = await driveTo(ctx, 'assigned');
  const r = await page(`/unit/suggestions/${s.id}`, 'unit');
  isPage(r);
  for (const a of ['log_contact', 'reply', 'request_extension', 'request_return'])
    assert.ok(formToken(r.text, a), `${a} form`);
  for (const a of ['co_opinion', 'follow_up', 'explain'])
    assert.equal(formToken(r.text, a), null, `no ${a} form for a lead unit now`);
  // the return request's last day: the 7th working day after 2026-09-28
  // (国庆 1-8 October are off, 10 October a make-up working day)
  assert.match(r.text, /截至 <strong>2026-10-13<\/strong>/);
  // the reply: the configured classes with their meaning, and the missing contact said
  for (const [c, label] of [['A', '已解决或基本解决'], ['B', '正在解决或列入计划逐步解决'], ['C', '因条件限制暂时不能解决']])
    assert.ok(r.text.includes(`value="${c}"> <strong>${c} 类</strong> ${label}`), c);
  assert.match(r.text, /尚未登记与代表的联系/);
  // deputies by name, never their phones
  assert.ok(r.text.includes(s.author.name));
  for (const p of ctx.phones) assert.ok(!r.text.includes(p), 'a deputy phone on a unit page');
  // the co unit: its opinion form, no reply
  const co = await page(`/unit/suggestions/${s.id}`, 'unit2');
  isPage(co);
  assert.ok(formToken(co.text, 'co_opinion'));
  assert.equal(formToken(co.text, 'reply'), null);
  assert.equal(formToken(co.text, 'request_extension'), null);
  // a configured class D shows up
  sql(srv, "UPDATE settings SET value = 'A,B,C,D' WHERE key = 'reply_classes'");
  try {
    assert.match((await page(`/unit/suggestions/${s.id}`, 'unit')).text, /value="D"> <strong>D 类<\/strong> 留作参考/);
  } finally {
    sql(srv, "UPDATE settings SET value = 'A,B,C' WHERE key = 'reply_classes'");
  }
});

test('log_contact: validation beside the field with the input kept, CSRF, one contact per form', async () => {
  const s = await driveTo(ctx, 'assigned');
  const note = '<b>电话</b>联系王代表';
  // no stage: 400, the API's message beside the stage, the note kept (escaped)
  const { token, r: bad } = await send(s.id, 'log_contact', { stage: '', mode: 'phone', note });
  isPage(bad, 400);
  assert.match(bad.text, /<select id="log_contact-stage" name="stage" aria-invalid="true" aria-describedby="log_contact-stage-error">/);
  assert.match(bad.text, /<p id="log_contact-stage-error" class="error">[^<]+<\/p>/);
  assert.ok(bad.text.includes('&lt;b&gt;电话&lt;/b&gt;联系王代表</textarea>'), 'note kept, escaped');
  assert.match(bad.text, /<option value="phone" selected>/);
  assert.equal(formToken(bad.text, 'log_contact'), token, 'the same form: the same token');
  assert.equal(await contacts(s.id), 0);
  // without the CSRF token: 403, nothing logged
  const noCsrf = await post(s.id, { form_token: token, action: 'log_contact', stage: 'before', mode: 'phone', note }, 'unit', { csrf: false });
  isPage(noCsrf, 403);
  assert.equal(await contacts(s.id), 0);
  // corrected: 303 to the page; sent again (a double click, a reload): the same page, one contact
  const fields = { form_token: token, action: 'log_contact', stage: 'before', mode: 'phone', note };
  const [a, b] = await Promise.all([post(s.id, fields), post(s.id, fields)]);
  for (const x of [a, b]) {
    assert.equal(x.status, 303, x.text);
    assert.equal(x.headers.get('location'), `/unit/suggestions/${s.id}?done=log_contact`);
  }
  const again = await post(s.id, fields);
  assert.equal(again.status, 303);
  assert.equal(await contacts(s.id), 1, 'one contact for one form');
  const after = await page(`/unit/suggestions/${s.id}?done=log_contact`, 'unit');
  isPage(after);
  assert.match(after.text, /role="status">联系记录已登记/);
  assert.doesNotMatch(after.text, /尚未登记与代表的联系/);
  assert.equal((await api.get('admin', s.id)).body.status, 'in_handling');
  // the contact log as a table
  const log = await page(`/unit/suggestions/${s.id}/contacts`, 'unit');
  isPage(log);
  assert.match(log.text, /<th scope="col">时间<\/th>/);
  assert.match(log.text, /<tr><th scope="row">[^<]+<\/th><td>区建设局<\/td><td>办前沟通<\/td><td>电话<\/td><td class="body">&lt;b&gt;电话&lt;\/b&gt;联系王代表<\/td><\/tr>/);
  assert.ok(!log.text.includes('<b>电话'));
});

test('reply: 409 without a contact shown in the form, validation, one reply per form, then no reply form', async () => {
  const s = await driveTo(ctx, 'assigned');
  const text = '已列入明年道路照明改造计划';
  // no contact yet: the API refuses (409 contact_required) and the page says so in the form
  const { token, r: refused } = await send(s.id, 'reply', { class: 'B', text });
  isPage(refused, 409);
  assert.match(refused.text, /<h3 id="h-reply">[\s\S]*role="alert"><p>答复前须至少与代表沟通一次/);
  assert.ok(refused.text.includes(`>${text}</textarea>`), 'the text kept');
  assert.match(refused.text, /value="B" checked>/);
  // a contact, then a bad class and a missing text, each beside its field
  assert.equal((await api.act('unit', s.id, { action: 'log_contact', stage: 'before', mode: 'visit' })).status, 200);
  const badClass = await post(s.id, { form_token: token, action: 'reply', class: 'Z', text });
  isPage(badClass, 400);
  assert.match(badClass.text, /<fieldset class="field invalid" aria-describedby="reply-class-error">/);
  assert.match(badClass.text, /<p id="reply-class-error" class="error">答复类别须为 A、B、C 之一<\/p>/);
  const noText = await post(s.id, { form_token: token, action: 'reply', class: 'B', text: '' });
  isPage(noText, 400);
  assert.match(noText.text, /aria-describedby="reply-text-error"/);
  // sent twice: one reply
  const fields = { form_token: token, action: 'reply', class: 'B', text };
  const [a, b] = await Promise.all([post(s.id, fields), post(s.id, fields)]);
  assert.equal(a.status, 303, a.text);
  assert.equal(b.status, 303, b.text);
  const after = await api.get('admin', s.id);
  assert.equal(after.body.status, 'replied');
  assert.equal(after.body.timeline.filter((e) => e.action === 'reply').length, 1);
  const p = await page(`/unit/suggestions/${s.id}`, 'unit');
  isPage(p);
  assert.equal(formToken(p.text, 'reply'), null, 'replied: no reply form');
  assert.equal(formToken(p.text, 'request_return'), null, 'replied: no return request');
  assert.match(p.text, /<span class="tag">B 类<\/span> 正在解决或列入计划逐步解决/);
  // a fresh form of another tab sent after the reply: the API's 409 at the top
  const late = await post(s.id, { form_token: 'L'.repeat(43), action: 'reply', class: 'A', text: '再答复一次' });
  isPage(late, 409);
  assert.match(late.text, /<h1>[^<]+<\/h1>\s*<div class="alert" role="alert"><p>[^<]+<\/p><\/div>/,
    'the API\'s refusal above the page (the reply form is gone)');
  assert.equal((await api.get('admin', s.id)).body.timeline.filter((e) => e.action === 'reply').length, 1);
});

test('request_return and request_extension: validation, pending state, the limit date passed', async () => {
  const s = await driveTo(ctx, 'assigned');
  const { token, r: noMonths } = await send(s.id, 'request_extension', { months: '', reason: '涉及多个部门' });
  isPage(noMonths, 400);
  assert.match(noMonths.text, /<p id="request_extension-months-error" class="error">/);
  assert.ok(noMonths.text.includes('>涉及多个部门</textarea>'));
  const tooLong = await post(s.id, { form_token: token, action: 'request_extension', months: '6', reason: '涉及多个部门' });
  isPage(tooLong, 400);
  assert.match(tooLong.text, /<p id="request_extension-months-error" class="error">延期月数须为 1 到 3<\/p>/);
  const ok = await post(s.id, { form_token: token, action: 'request_extension', months: '2', reason: '涉及多个部门' });
  assert.equal(ok.status, 303, ok.text);
  let p = await page(`/unit/suggestions/${s.id}`, 'unit');
  assert.equal(formToken(p.text, 'request_extension'), null, 'one request at a time');
  assert.match(p.text, /延期申请中.2 个月.:涉及多个部门/);

  // a return request with no reason: beside the reason; then pending: no handling forms
  const { token: t2, r: noReason } = await send(s.id, 'request_return', { reason: '' });
  isPage(noReason, 400);
  assert.match(noReason.text, /<p id="request_return-reason-error" class="error">/);
  const ret = await post(s.id, { form_token: t2, action: 'request_return', reason: '不属于本单位职责' });
  assert.equal(ret.status, 303, ret.text);
  p = await page(`/unit/suggestions/${s.id}`, 'unit');
  isPage(p);
  assert.match(p.text, /本单位已申请退回,代表工委决定前不能办理/);
  for (const a of ['log_contact', 'reply', 'request_return'])
    assert.equal(formToken(p.text, a), null, `no ${a} while the return is pending`);
  assert.ok((await page('/unit/', 'unit')).text.includes('申请退回中'));

  // past the 7th working day the form is gone and the page says why
  const late = await driveTo(ctx, 'assigned');
  sql(srv, `UPDATE assignments SET assigned_at = ${at('2026-09-01T10:00')} WHERE suggestion_id = ${late.id}`);
  p = await page(`/unit/suggestions/${late.id}`, 'unit');
  isPage(p);
  assert.equal(formToken(p.text, 'request_return'), null);
  assert.match(p.text, /申请退回的期限\(收到交办后 7 个工作日,截至 2026-09-10\)已过/);
});

test('co_opinion, follow_up and explain: each only when allowed, one entry per form', async () => {
  const s = await driveTo(ctx, 'assigned');
  const { token, r } = await send(s.id, 'co_opinion', { text: '同意主办单位意见' }, 'unit2');
  assert.equal(r.status, 303, r.text);
  const again = await post(s.id, { form_token: token, action: 'co_opinion', text: '同意主办单位意见' }, 'unit2');
  assert.equal(again.status, 303);
  const got = await api.get('admin', s.id);
  assert.equal(got.body.timeline.filter((e) => e.action === 'co_opinion').length, 1);
  // the lead reads it
  assert.ok((await page(`/unit/suggestions/${s.id}`, 'unit')).text.includes('同意主办单位意见'));

  const f = await driveTo(ctx, 'following_up');
  let p = await page(`/unit/suggestions/${f.id}`, 'unit');
  assert.equal(formToken(p.text, 'explain'), null, 'no term end set: no written explanation');
  assert.ok(formToken(p.text, 'follow_up'));
  const co = await page(`/unit/suggestions/${f.id}`, 'unit2');
  assert.equal(formToken(co.text, 'follow_up'), null, 'the co unit does not follow up');
  // the term ends within the window: the explanation form
  sql(srv, "UPDATE settings SET value = '2026-10-09' WHERE key = 'term_ends_on'");
  try {
    p = await page(`/unit/suggestions/${f.id}`, 'unit');
    assert.ok(formToken(p.text, 'explain'), 'explain near the term end');
    assert.match(p.text, /本届任期于 2026-10-09 结束/);
    const { r: ex } = await send(f.id, 'explain', { text: '受资金限制,已列入下一届实施计划' });
    assert.equal(ex.status, 303, ex.text);
    p = await page(`/unit/suggestions/${f.id}`, 'unit');
    assert.equal(formToken(p.text, 'explain'), null, 'explained once');
  } finally {
    sql(srv, "UPDATE settings SET value = '' WHERE key = 'term_ends_on'");
  }
  const { token: t3, r: fu } = await send(f.id, 'follow_up', { note: '路灯已安装', done: '1' });
  assert.equal(fu.status, 303, fu.text);
  assert.equal((await post(f.id, { form_token: t3, action: 'follow_up', note: '路灯已安装', done: '1' })).status, 303);
  const fb = (await api.get('admin', f.id)).body;
  assert.equal(fb.follow_ups.filter((x) => x.note === '路灯已安装').length, 1, 'one follow-up per form');
  assert.ok(fb.follow_ups.some((x) => x.done));
  p = await page(`/unit/suggestions/${f.id}`, 'unit');
  assert.equal(formToken(p.text, 'follow_up'), null, 'done: no more follow-up');
  assert.match(p.text, /<span class="tag">已落实<\/span> 路灯已安装/);
});

test('bad posts: another content type, an unknown action, a malformed token', async () => {
  const s = await driveTo(ctx, 'assigned');
  const sess = ctx.s.unit;
  const json = await srv.request('POST', `/unit/suggestions/${s.id}`, {
    raw: JSON.stringify({ action: 'log_contact' }), headers: { 'content-type': 'application/json', cookie: sess.cookie, 'x-csrf-token': sess.csrf },
  });
  isPage(json, 400);
  isPage(await post(s.id, { form_token: 'x'.repeat(43), action: 'evaluate' }), 400);
  const badToken = await post(s.id, { form_token: 'short', action: 'log_contact', stage: 'before', mode: 'phone', note: '保留的内容' });
  isPage(badToken, 400);
  assert.match(badToken.text, /表单已失效/);
  assert.ok(badToken.text.includes('>保留的内容</textarea>'));
  assert.equal(await contacts(s.id), 0);
});

test('the inbox: mark an entry read (CSRF, once, only one\'s own inbox)', async () => {
  const s = await driveTo(ctx, 'assigned', { create: { title: '收件箱测试' } });
  const inbox = async (login) => srv.getAll('/api/v1/inbox', ctx.s[login]);
  const mine = (await inbox('unit')).find((r) => r.suggestion_id === s.id && !r.read);
  assert.ok(mine, 'the new-assignment notice');
  const home = await page('/unit/', 'unit');
  assert.ok(home.text.includes(`action="/unit/inbox/${mine.id}/read"`), 'a mark-read form');
  const form = (login, csrf = true) => srv.request('POST', `/unit/inbox/${mine.id}/read`, {
    raw: new URLSearchParams(csrf ? { csrf_token: ctx.s[login].csrf } : {}).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: ctx.s[login].cookie },
  });
  isPage(await form('unit', false), 403);
  assert.equal((await inbox('unit')).find((r) => r.id === mine.id).read, false);
  // another unit's clerk cannot touch it
  isPage(await form('unit3'), 404);
  for (let i = 0; i < 2; i++) {
    const r = await form('unit');
    assert.equal(r.status, 303);
    assert.equal(r.headers.get('location'), '/unit/#inbox-heading');
  }
  const after = (await inbox('unit')).find((r) => r.id === mine.id);
  assert.equal(after.read, true);
  assert.ok(!(await page('/unit/', 'unit')).text.includes(`action="/unit/inbox/${mine.id}/read"`));
});

test('a suggestion page with its forms is under 50 KB with its assets', async () => {
  const s = await driveTo(ctx, 'in_handling');
  const css = await page('/static/site.css');
  const js = await page('/static/site.js');
  for (const p of [`/unit/suggestions/${s.id}`, `/unit/suggestions/${s.id}/contacts`]) {
    const r = await page(p, 'unit');
    isPage(r);
    const bytes = [r, css, js].reduce((n, x) => n + Buffer.byteLength(x.text), 0);
    assert.ok(bytes < 50 * 1024, `${p}: ${bytes} bytes`);
  }
});

test('home: a long group shows its first 25 with a link to the whole group', async () => {
  for (let i = 0; i < 26; i++) await driveTo(ctx, 'assigned', { create: { title: `长列表 ${i}` } });
  const rows = (html) => {
    const m = html.match(/<h2 id="g-new">[\s\S]*?<\/section>/);
    return { li: (m[0].match(/<li[ >]/g) || []).length, text: m[0] };
  };
  const total = Number((await page('/unit/', 'unit')).text.match(/<a href="#g-new">新交办 <span class="count">(\d+)<\/span>/)[1]);
  assert.ok(total >= 26);
  const home = rows((await page('/unit/', 'unit')).text);
  assert.equal(home.li, 25);
  assert.ok(home.text.includes(`另有 ${total - 25} 件,查看本组全部`));
  const one = await page('/unit/?group=new', 'unit');
  isPage(one);
  assert.equal(rows(one.text).li, total);
  assert.doesNotMatch(one.text, /g-handling/, 'the other groups are only counted');
  assert.doesNotMatch(one.text, /inbox-heading/);
  isPage(await page('/unit/?group=nope', 'unit'), 404);
  // still under 50 KB with its assets
  const css = await page('/static/site.css');
  const js = await page('/static/site.js');
  const full = await page('/unit/', 'unit');
  const bytes = [full, css, js].reduce((n, x) => n + Buffer.byteLength(x.text), 0);
  assert.ok(bytes < 50 * 1024, `${bytes} bytes`);
});
