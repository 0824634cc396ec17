// The staff's records pages (docs/WEB.md "Pages"): the three lists (三张清单)
// with the API's scopes, filters, pages and exports (CSV and XLSX downloaded
// with the session cookie) and the print view; the audit trail (admin only,
// entity/id filters); the registry of stations, deputies and units, their
// pages (QR codes, deputies' phones for admin only) and the office's forms
// (validation beside the field, CSRF, a double submit creates one record,
// editing through PATCH with its audit entry).  On both backends.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, at, client, bodyFor, driveTo } from './sg_helpers.mjs';

const NOW = at('2026-09-28T10:00');
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
  "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

let ctx, srv, s;

before(async () => {
  ctx = await setup(NOW);
  srv = ctx.srv;
  s = ctx.s;
  // the demo has no suggestions: 53 submitted (more than a page of 50), one
  // in handling (交办清单), one evaluated (效果清单)
  const c = client(ctx);
  for (let i = 0; i < 53; i++) {
    const made = await c.create('deputy', { title: `网页清单测试建议${i}` });
    assert.equal(made.status, 201, made.text);
    assert.equal((await c.act('deputy', made.body.id, bodyFor(ctx, 'submit'))).status, 200);
  }
  await driveTo(ctx, 'in_handling');
  await driveTo(ctx, 'evaluated');
});
after(async () => { await srv?.stop(); });

const page = (path, sess) => srv.request('GET', path, sess ? { cookie: sess.cookie } : {});

function postForm(path, fields, sess, { csrf = true } = {}) {
  const body = new URLSearchParams(fields);
  if (csrf && sess) body.set('csrf_token', sess.csrf);
  const headers = { 'content-type': 'application/x-www-form-urlencoded' };
  if (sess) headers.cookie = sess.cookie;
  return srv.request('POST', path, { raw: body.toString(), headers });
}

function hidden(html, name) {
  const m = html.match(new RegExp(`name="${name}" value="([^"]*)"`));
  return m ? m[1] : null;
}

function isPage(r, status = 200) {
  assert.equal(r.status, status, r.text.slice(0, 600));
  assert.equal(r.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.equal(r.headers.get('content-security-policy'), CSP);
  assert.match(r.text, /^<!DOCTYPE html>\n<html lang="zh-CN">/);
  assert.doesNotMatch(r.text, /<script>|<script(?![^>]*\bsrc=)[^>]*>|<style|\sstyle="|\son[a-z]+="/);
  assert.equal((r.text.match(/<h1[\s>]/g) || []).length, 1, 'one h1');
}

/** The body rows of the first table.data, each as an array of cell texts. */
function tableRows(html) {
  const body = html.match(/<table class="data[^"]*">[\s\S]*?<tbody>([\s\S]*?)<\/tbody>/);
  if (!body) return [];
  return [...body[1].matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) =>
    [...m[1].matchAll(/<t[dh][^>]*>([\s\S]*?)<\/t[dh]>/g)].map((c) => c[1].replace(/<[^>]+>/g, '').trim()));
}
const heads = (html) => [...(html.match(/<thead>([\s\S]*?)<\/thead>/) || ['', ''])[1]
  .matchAll(/<th scope="col">([^<]*)<\/th>/g)].map((m) => m[1]);
const unescape = (t) => t.replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>')
  .replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&#x27;/g, "'");
/** The cell as the page writes it, from an API value. */
const cell = (v) => (v === null || v === undefined ? '' : v === true ? '是' : v === false ? '否' : String(v));
const link = (html, text) => {
  const m = html.match(new RegExp(`<a class="button" href="([^"]+)"[^>]*>${text}</a>`));
  return m ? unescape(m[1]) : null;
};

// ---- the three lists ------------------------------------------------------------

test('lists: who may read them, as the API says (401 with a login link, 403, 404 outside the street)', async () => {
  const anon = await page('/staff/lists/suggestions');
  isPage(anon, 401);
  assert.match(anon.text, /href="\/login"/);
  for (const l of ['resident', 'community', 'deputy', 'procurator'])
    isPage(await page('/staff/lists/suggestions', s[l]), 403);
  isPage(await page('/staff/lists/suggestions', s.unit), 403);
  // a unit's staff: their unit's rows, their unit offered, no street to choose
  const unitPage = await page('/staff/lists/assignments', s.unit);
  isPage(unitPage);
  assert.doesNotMatch(unitPage.text, /id="street"/);
  const offered = [...unitPage.text.match(/<select id="unit"[\s\S]*?<\/select>/)[0].matchAll(/<option value="(\d+)"/g)].map((m) => Number(m[1]));
  assert.deepEqual(offered, [ctx.ids.U1]);
  const unitApi = await srv.get('/api/v1/lists/assignments?limit=50', { cookie: s.unit.cookie });
  assert.equal(tableRows(unitPage.text).length, unitApi.body.items.length);
  assert.ok(unitApi.body.items.length > 0 && unitApi.body.items.every((it) => it.unit_id === ctx.ids.U1));
  isPage(await page(`/staff/lists/assignments?unit=${ctx.ids.U2}`, s.unit), 404);
  isPage(await page('/staff/lists/nonsense', s.admin), 404);
  const S = s.street.user.roles.find((g) => g.role === 'street_staff').scope_id;
  const streets = (await srv.get('/api/v1/regions')).body.items[0].children;
  const other = streets.find((r) => r.id !== S && r.kind === 'street');
  isPage(await page(`/staff/lists/suggestions?street=${other.id}`, s.street), 404);
  const own = await page('/staff/lists/suggestions', s.street);
  isPage(own);
  // the street's staff are offered their street only
  assert.doesNotMatch(own.text, new RegExp(`<option value="${other.id}"`));
});

test('lists: each page shows the API page as a table, with the API\'s columns and its cursor', async () => {
  for (const kind of ['suggestions', 'assignments', 'results']) {
    const api = await srv.get(`/api/v1/lists/${kind}?limit=50`, { cookie: s.admin.cookie });
    assert.equal(api.status, 200);
    const r = await page(`/staff/lists/${kind}`, s.admin);
    isPage(r);
    assert.deepEqual(heads(r.text), api.body.columns.map((c) => c.title));
    const rows = tableRows(r.text).map((row) => row.map(unescape));
    assert.deepEqual(rows, api.body.items.map((it) => api.body.columns.map((c) => cell(it[c.key]))));
    assert.match(r.text, new RegExp(`<h1>${api.body.year}年${api.body.title}</h1>`));
    assert.match(r.text, /aria-current="page"/);
    if (api.body.next_cursor) {
      const next = link(r.text, '下一页');
      assert.ok(next, 'a next page link');
      const r2 = await page(next, s.admin);
      isPage(r2);
      const api2 = await srv.get(`/api/v1/lists/${kind}?limit=50&cursor=${api.body.next_cursor}`, { cookie: s.admin.cookie });
      assert.deepEqual(tableRows(r2.text).map((row) => row.map(unescape)),
        api2.body.items.map((it) => api2.body.columns.map((c) => cell(it[c.key]))));
      assert.ok(link(r2.text, '第一页'));
    } else {
      assert.equal(link(r.text, '下一页'), null);
    }
  }
});

test('lists: a bad filter comes back with the API\'s message beside its field, the input kept', async () => {
  const r = await page('/staff/lists/suggestions?year=19x9', s.admin);
  isPage(r, 400);
  assert.match(r.text, /<input id="year" name="year"[^>]*value="19x9"[^>]* aria-invalid="true" aria-describedby="year-error">/);
  assert.match(r.text, /<p id="year-error" class="error">[^<]+<\/p>/);
  const u = await page('/staff/lists/assignments?unit=999999', s.admin);
  isPage(u, 400);
  assert.match(u.text, /<p id="unit-error" class="error">承办单位不存在<\/p>/);
  isPage(await page('/staff/lists/suggestions?cursor=%3Cscript%3E', s.admin), 400);
});

test('lists: the CSV and the XLSX download with the session cookie; the print view holds the whole year', async () => {
  const r = await page('/staff/lists/suggestions?year=2026', s.admin);
  isPage(r);
  const csvUrl = link(r.text, '下载 CSV');
  const xlsxUrl = link(r.text, '下载 Excel\\(XLSX\\)');
  assert.equal(csvUrl, '/api/v1/lists/suggestions?year=2026&format=csv');
  assert.equal(xlsxUrl, '/api/v1/lists/suggestions?year=2026&format=xlsx');
  const csv = await fetch(srv.base + csvUrl, { headers: { cookie: s.admin.cookie } });
  assert.equal(csv.status, 200);
  assert.equal(csv.headers.get('content-type'), 'text/csv; charset=utf-8');
  assert.match(csv.headers.get('content-disposition'), /^attachment; filename="suggestions-2026\.csv"/);
  const text = (await csv.text()).replace(/^\uFEFF/, '');
  const lines = text.split('\r\n').filter(Boolean);
  const api = await srv.get('/api/v1/lists/suggestions?year=2026&limit=1', { cookie: s.admin.cookie });
  assert.equal(lines[0], api.body.columns.map((c) => c.title).join(','));
  const xlsx = await fetch(srv.base + xlsxUrl, { headers: { cookie: s.admin.cookie } });
  assert.equal(xlsx.status, 200);
  const bytes = Buffer.from(await xlsx.arrayBuffer());
  assert.equal(bytes.subarray(0, 2).toString(), 'PK', 'a zip (xlsx)');
  // without the cookie: 401
  assert.equal((await fetch(srv.base + csvUrl)).status, 401);

  // the print view: every row of the CSV, one table, without paging
  const printUrl = link(r.text, '打印整年清单');
  assert.equal(printUrl, '/staff/lists/suggestions?year=2026&print=1');
  const t0 = process.hrtime.bigint();
  const p = await page(printUrl, s.admin);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  isPage(p);
  const all = await srv.getAll('/api/v1/lists/suggestions?year=2026', { cookie: s.admin.cookie });
  assert.equal(all.length, lines.length - 1, 'the CSV and the JSON pages agree');
  assert.equal(tableRows(p.text).length, all.length);
  assert.match(p.text, /<thead><tr>/);
  assert.doesNotMatch(p.text, /下一页/);
  console.log(`# print view: ${all.length} rows of 2026 in ${ms.toFixed(1)} ms, ${p.text.length} bytes`);
  // the print stylesheet: no navigation, repeated headers, A4 landscape
  const css = await srv.get(p.text.match(/href="(\/static\/site\.css\?v=[0-9a-f]+)"/)[1]);
  const print = css.text.slice(css.text.indexOf('@media print'));
  assert.match(print, /@page \{ size: A4 landscape/);
  assert.match(print, /thead \{ display: table-header-group; \}/);
  assert.match(print, /header\.site[^{]*nav[^{]*\{ display: none; \}/);
});

// ---- the audit trail ------------------------------------------------------------------

test('audit: admin only; entity and id narrow it as the API does; bad filters beside their field', async () => {
  isPage(await page('/staff/audit'), 401);
  for (const l of ['street', 'leader', 'unit', 'resident']) isPage(await page('/staff/audit', s[l]), 403);
  const sug = (await srv.get('/api/v1/lists/suggestions?limit=1', { cookie: s.admin.cookie })).body.items[0];
  const api = await srv.getAll(`/api/v1/audit?entity=suggestion&id=${sug.id}`, { cookie: s.admin.cookie });
  assert.ok(api.length > 0);
  const r = await page(`/staff/audit?entity=suggestion&id=${sug.id}`, s.admin);
  isPage(r);
  const rows = tableRows(r.text);
  assert.equal(rows.length, Math.min(api.length, 30));
  assert.deepEqual(rows.map((row) => Number(row[0])), api.slice(0, 30).map((e) => e.id));
  assert.ok(rows.every((row) => row[5].startsWith(`代表建议 ${sug.id}`)));
  assert.match(r.text, /<option value="suggestion" selected>/);
  const all = await page('/staff/audit', s.admin);
  isPage(all);
  assert.equal(tableRows(all.text).length, 30, 'a page of 30');
  assert.ok(all.text.length < 40 * 1024, `${all.text.length} bytes`);
  // the next page goes on where this one stopped
  const next = await page(link(all.text, '下一页'), s.admin);
  isPage(next);
  const trail = (await srv.getAll('/api/v1/audit', { cookie: s.admin.cookie })).map((e) => e.id);
  assert.deepEqual(tableRows(all.text).map((row) => Number(row[0])), trail.slice(0, 30));
  assert.deepEqual(tableRows(next.text).map((row) => Number(row[0])), trail.slice(30, 60));
  const bad = await page('/staff/audit?entity=Bad!', s.admin);
  isPage(bad, 400);
  assert.match(bad.text, /aria-describedby="entity-error"/);
  const noEntity = await page('/staff/audit?id=5', s.admin);
  isPage(noEntity, 400);
  assert.match(noEntity.text, /<p id="id-error" class="error">指定 id 时须同时指定 entity<\/p>/);
  assert.match(noEntity.text, /<input id="id" name="id"[^>]*value="5"/);
});

// ---- the registry ----------------------------------------------------------------------

test('registry: staff read the lists and pages; the search narrows; QR codes linked; phones for admin only', async () => {
  isPage(await page('/staff/registry'), 401);
  isPage(await page('/staff/registry/stations', s.resident), 403);
  isPage(await page('/staff/registry/deputies', s.deputy), 403);
  for (const l of ['admin', 'street', 'community', 'leader']) isPage(await page('/staff/registry', s[l]));
  const stations = await srv.getAll('/api/v1/stations');
  const st = stations[0];
  const r = await page('/staff/registry/stations', s.street);
  isPage(r);
  assert.equal(tableRows(r.text).length, Math.min(50, stations.length));
  assert.doesNotMatch(r.text, /新增代表联络站/, 'no create link for street staff');
  const q = st.name.slice(0, 4);
  const found = await page(`/staff/registry/stations?q=${encodeURIComponent(q)}`, s.street);
  isPage(found);
  const want = (await srv.getAll(`/api/v1/stations?q=${encodeURIComponent(q)}`)).map((x) => String(x.id));
  assert.deepEqual(tableRows(found.text).map((row) => row[0]), want.slice(0, 50));
  isPage(await page('/staff/registry/stations?kind=castle', s.street), 400);

  const one = await page(`/staff/registry/stations/${st.id}`, s.street);
  isPage(one);
  assert.match(one.text, new RegExp(`href="/stations/${st.id}/qr.svg"`));
  assert.match(one.text, new RegExp(`href="/stations/${st.id}/qr.png"`));
  assert.equal((await srv.get(`/stations/${st.id}/qr.svg`)).status, 200);
  isPage(await page('/staff/registry/stations/999999', s.street), 404);

  // a deputy with a phone: admin sees it, a street's staff do not (the API masks it)
  const deps = await srv.getAll('/api/v1/deputies', { cookie: s.admin.cookie });
  const d = deps.find((x) => x.phone);
  assert.ok(d, 'a demo deputy with a phone');
  const asAdmin = await page(`/staff/registry/deputies/${d.id}`, s.admin);
  isPage(asAdmin);
  assert.ok(asAdmin.text.includes(d.phone));
  const asStreet = await page(`/staff/registry/deputies/${d.id}`, s.street);
  isPage(asStreet);
  assert.ok(!asStreet.text.includes(d.phone), 'no phone for street staff');
  const list = await page('/staff/registry/deputies', s.street);
  isPage(list);
  for (const x of deps) if (x.phone) assert.ok(!list.text.includes(x.phone));

  const units = await page('/staff/registry/units?q=%E5%BB%BA%E8%AE%BE', s.street); // 建设
  isPage(units);
  const apiUnits = (await srv.getAll('/api/v1/units')).filter((u) => u.name.includes('建设'));
  assert.ok(apiUnits.length > 0);
  assert.deepEqual(tableRows(units.text).map((row) => row[0]), apiUnits.map((u) => String(u.id)));
});

test('registry forms: admin only, CSRF, validation beside the field, a double submit creates one station', async () => {
  isPage(await page('/staff/registry/stations/new', s.street), 403);
  const form = await page('/staff/registry/stations/new', s.admin);
  isPage(form);
  const token = hidden(form.text, 'form_token');
  assert.match(token, /^[A-Za-z0-9_-]{43}$/);
  const streetOpt = form.text.match(/<select id="f-street_id" name="street_id"[^>]*>[\s\S]*?<option value="(\d+)">/)[1];
  const count = async () => (await srv.getAll('/api/v1/stations')).length;
  const n0 = await count();
  const fields = { form_token: token, name: '网页新建联络站', kind: 'central_station', street_id: streetOpt,
    address: '江汉区测试路1号', lat: '30.59', lon: '114.27', opening_hours: '周一至周五', reception_rule: '' };

  // a street's staff posting the admin's form: refused, nothing made
  isPage(await postForm('/staff/registry/stations/new', fields, s.street), 403);
  // no CSRF token: refused
  isPage(await postForm('/staff/registry/stations/new', fields, s.admin, { csrf: false }), 403);
  // missing name and a latitude that is not a number: the API's message beside the field
  const bad = await postForm('/staff/registry/stations/new', { ...fields, name: '' }, s.admin);
  isPage(bad, 400);
  assert.match(bad.text, /aria-describedby="name-error"/);
  assert.match(bad.text, /<p id="name-error" class="error">[^<]+<\/p>/);
  assert.match(bad.text, /value="江汉区测试路1号"/, 'the input is kept');
  assert.equal(hidden(bad.text, 'form_token'), token, 'the form keeps its token');
  const badLat = await postForm('/staff/registry/stations/new', { ...fields, lat: '北纬三十' }, s.admin);
  isPage(badLat, 400);
  assert.match(badLat.text, /<p id="lat-error" class="error">/);
  assert.match(badLat.text, /value="北纬三十"/);
  assert.equal(await count(), n0);

  // sent twice (the double click): one station, both land on it
  const [a, b] = await Promise.all([postForm('/staff/registry/stations/new', fields, s.admin),
    postForm('/staff/registry/stations/new', fields, s.admin)]);
  assert.equal(a.status, 303);
  assert.equal(b.status, 303);
  assert.equal(a.headers.get('location'), `/staff/registry/created/${token}`);
  assert.equal(b.headers.get('location'), a.headers.get('location'));
  const again = await postForm('/staff/registry/stations/new', fields, s.admin);
  assert.equal(again.headers.get('location'), a.headers.get('location'));
  assert.equal(await count(), n0 + 1, 'exactly one station made');
  const created = await page(a.headers.get('location'), s.admin);
  assert.equal(created.status, 303);
  const where = created.headers.get('location');
  assert.match(where, /^\/staff\/registry\/stations\/\d+\?saved=1$/);
  isPage(await page(a.headers.get('location'), s.street), 403);
  const shown = await page(where, s.admin);
  isPage(shown);
  assert.match(shown.text, /网页新建联络站/);
  assert.match(shown.text, /已保存/);
  const id = Number(where.match(/stations\/(\d+)/)[1]);

  // editing: the form holds the record; a bad value beside its field; the change audited
  const edit = await page(`/staff/registry/stations/${id}/edit`, s.admin);
  isPage(edit);
  assert.match(edit.text, /<input id="f-name" name="name" type="text" value="网页新建联络站"/);
  assert.match(edit.text, /<option value="central_station" selected>/);
  const eb = await postForm(`/staff/registry/stations/${id}/edit`, { ...fields, form_token: '', lon: '999' }, s.admin);
  isPage(eb, 400);
  assert.match(eb.text, /aria-describedby="(lat|lon)-error"/);
  const ok = await postForm(`/staff/registry/stations/${id}/edit`, { ...fields, name: '网页改名联络站' }, s.admin);
  assert.equal(ok.status, 303);
  assert.equal(ok.headers.get('location'), `/staff/registry/stations/${id}?saved=1`);
  assert.equal((await srv.get(`/api/v1/stations/${id}`)).body.name, '网页改名联络站');
  isPage(await postForm(`/staff/registry/stations/${id}/edit`, { ...fields, name: 'x' }, s.street), 403);
  assert.equal((await srv.get(`/api/v1/stations/${id}`)).body.name, '网页改名联络站');
  const trail = await page(`/staff/audit?entity=station&id=${id}`, s.admin);
  isPage(trail);
  assert.deepEqual(tableRows(trail.text).map((row) => row[4]), ['station.create', 'station.update']);
});

test('registry forms: a deputy with levels and stations, a unit, created and edited', async () => {
  const form = await page('/staff/registry/deputies/new', s.admin);
  isPage(form);
  const token = hidden(form.text, 'form_token');
  const st = (await srv.getAll('/api/v1/stations'))[0];
  const none = await postForm('/staff/registry/deputies/new',
    { form_token: token, name: '网页代表', sector: '教育', station_ids: String(st.id) }, s.admin);
  isPage(none, 400);
  assert.match(none.text, /<fieldset class="invalid" aria-describedby="levels-error">/);
  const body = new URLSearchParams({ form_token: token, name: '网页代表', sector: '教育', phone: '13800009999' });
  body.append('levels', 'district');
  body.append('levels', 'municipal');
  body.append('station_ids', String(st.id));
  // a form without its one-time token is refused
  isPage(await postForm('/staff/registry/deputies/new', { name: '网页代表' }, s.admin), 400);
  const made = await srv.request('POST', '/staff/registry/deputies/new', {
    raw: `${body.toString()}&csrf_token=${encodeURIComponent(s.admin.csrf)}`,
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: s.admin.cookie },
  });
  assert.equal(made.status, 303);
  const where = (await page(made.headers.get('location'), s.admin)).headers.get('location');
  const id = Number(where.match(/deputies\/(\d+)/)[1]);
  const d = (await srv.get(`/api/v1/deputies/${id}`, { cookie: s.admin.cookie })).body;
  assert.deepEqual([...d.levels].sort(), ['district', 'municipal']);
  assert.deepEqual(d.station_ids, [st.id]);
  assert.equal(d.phone, '13800009999');
  const edit = await page(`/staff/registry/deputies/${id}/edit`, s.admin);
  assert.match(edit.text, /name="levels" value="district" checked/);
  assert.match(edit.text, new RegExp(`<option value="${st.id}" selected>`));

  const uf = await page('/staff/registry/units/new', s.admin);
  const ut = hidden(uf.text, 'form_token');
  const u = await postForm('/staff/registry/units/new', { form_token: ut, name: '网页测试局', kind: 'department' }, s.admin);
  assert.equal(u.status, 303);
  const uwhere = (await page(u.headers.get('location'), s.admin)).headers.get('location');
  const uid = Number(uwhere.match(/units\/(\d+)/)[1]);
  const ue = await postForm(`/staff/registry/units/${uid}/edit`, { name: '网页测试局二', kind: 'utility' }, s.admin);
  assert.equal(ue.status, 303);
  const unit = (await srv.get(`/api/v1/units/${uid}`)).body;
  assert.equal(unit.name, '网页测试局二');
  assert.equal(unit.kind, 'utility');
  const bk = await postForm(`/staff/registry/units/${uid}/edit`, { name: '网页测试局二', kind: 'castle' }, s.admin);
  isPage(bk, 400);
  assert.match(bk.text, /<p id="kind-error" class="error">/);
});
