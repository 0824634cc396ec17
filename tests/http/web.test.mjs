// The residents' pages (docs/WEB.md): every page answers 200 as HTML with the
// Content-Security-Policy, escaping of what residents typed, the concern
// form's validation (400, the message beside its field, the input kept), the
// one-time form token (a double submit makes one concern and lands on the
// same result page), CSRF on forms of logged-in users, login and logout,
// tracking and rating, the published suggestions and their public rating, no
// resident's name or phone and no deputy's phone on any public page, HTML
// error pages outside /api/, the page cache.  On both backends.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, driveTo, client, at } from './sg_helpers.mjs';

const NOW = at('2026-09-28T10:00');
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
  "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
const NAME = '王小明网页测试';
const PHONE = '13912340000';

let ctx, srv, S, station;

before(async () => {
  ctx = await setup(NOW);
  srv = ctx.srv;
  S = ctx.s.street.user.roles[0].scope_id;
  station = (await srv.get(`/api/v1/stations?street=${S}&limit=1`)).body.items[0];
  assert.ok(station, 'the demo street has a station');
});
after(async () => { await srv?.stop(); });

/** A page: status, headers, body text. */
const page = (path, o = {}) => srv.request('GET', path, o);

/** Posts a form (fields: object) to a page. */
function postForm(path, fields, { cookie } = {}) {
  const headers = { 'content-type': 'application/x-www-form-urlencoded' };
  if (cookie) headers.cookie = cookie;
  return srv.request('POST', path, { raw: new URLSearchParams(fields).toString(), headers });
}

/** The value of a hidden field in a page. */
function hidden(html, name) {
  const m = html.match(new RegExp(`name="${name}" value="([^"]*)"`));
  return m ? m[1] : null;
}

function isPage(r, status = 200) {
  assert.equal(r.status, status, r.text.slice(0, 500));
  assert.equal(r.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.equal(r.headers.get('content-security-policy'), CSP);
  assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(r.headers.get('x-frame-options'), 'DENY');
  assert.match(r.text, /^<!DOCTYPE html>\n<html lang="zh-CN">/);
  assert.match(r.text, /<main id="main">/);
  // no inline script or style: the CSP would block them
  assert.doesNotMatch(r.text, /<script>|<script(?![^>]*\bsrc=)[^>]*>|<style|\sstyle="|\son[a-z]+="/);
}

async function categories() {
  const r = await page('/concern');
  return [...r.text.matchAll(/<option value="([^"]+)"/g)].map((m) => m[1]);
}

/** Opens a concern form and submits it; returns { token, first, html }. */
async function raise(fields, { path = `/stations/${station.id}/concern`, cookie } = {}) {
  const form = await page(path, cookie ? { cookie } : {});
  isPage(form);
  const token = hidden(form.text, 'form_token');
  assert.ok(token);
  const csrf = hidden(form.text, 'csrf_token');
  const r = await postForm(path, { form_token: token, ...(csrf ? { csrf_token: csrf } : {}), ...fields }, { cookie });
  return { token, r };
}

async function concernCount() {
  return (await srv.getAll('/api/v1/concerns', ctx.s.admin)).length;
}

test('every resident page answers 200 as HTML with the CSP, under 50 KB with its assets', async () => {
  const css = await page('/static/site.css');
  const js = await page('/static/site.js');
  const pages = ['/', `/?street=${S}`, '/?near=30.58,114.27', `/stations/${station.id}`,
    `/stations/${station.id}/concern`, '/concern', '/track', '/suggestions', '/login'];
  for (const p of pages) {
    const r = await page(p);
    isPage(r);
    const bytes = Buffer.byteLength(r.text) + Buffer.byteLength(css.text) + Buffer.byteLength(js.text);
    assert.ok(bytes < 50 * 1024, `${p}: ${bytes} bytes`);
    assert.match(r.text, /<h1[ >]/, `${p} has a heading`);
  }
  // the station page: address, hours, deputies by name, never their phones
  const st = await page(`/stations/${station.id}`);
  assert.ok(st.text.includes(station.name) && st.text.includes(station.address));
  const deputies = await srv.getAll(`/api/v1/deputies?station=${station.id}`, ctx.s.admin);
  assert.ok(deputies.length > 0);
  for (const d of deputies) {
    assert.ok(st.text.includes(d.name), d.name);
    if (d.phone) assert.ok(!st.text.includes(d.phone), 'a deputy phone on a public page');
  }
  assert.match(st.text, /href="\/stations\/\d+\/concern"/, 'the concern form is one tap away');
  // by street: the street's stations; near me: the nearest first, with distances
  const byStreet = await page(`/?street=${S}`);
  assert.ok(byStreet.text.includes(`href="/stations/${station.id}"`));
  const near = await page(`/?near=${station.lat},${station.lon}`);
  const first = near.text.match(/<ul class="stations">\n<li><a href="\/stations\/(\d+)"/);
  assert.equal(Number(first[1]), station.id);
  assert.match(near.text, /约\d+米/);
});

test('home: a bad street or position is a 400 with the message beside its field', async () => {
  for (const [q, field] of [['street=abc', 'street'], ['street=99999', 'street'], ['near=north', 'near'], ['near=91,0', 'near']]) {
    const r = await page(`/?${q}`);
    isPage(r, 400);
    assert.match(r.text, new RegExp(`aria-describedby="${field}-error"`), q);
    assert.match(r.text, new RegExp(`<p id="${field}-error" class="error">`), q);
  }
  assert.match((await page('/?near=north')).text, /value="north"/, 'the input is kept');
});

test('static assets: type, long cache, ETag and 304; pages link them by content hash', async () => {
  const home = await page('/');
  const href = home.text.match(/<link rel="stylesheet" href="(\/static\/site\.css\?v=[0-9a-f]{16})">/);
  assert.ok(href, 'the stylesheet is linked with its hash');
  assert.match(home.text, /<script src="\/static\/site\.js\?v=[0-9a-f]{16}" defer><\/script>/);
  const css = await page(href[1]);
  assert.equal(css.status, 200);
  assert.equal(css.headers.get('content-type'), 'text/css; charset=utf-8');
  assert.equal(css.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  const etag = css.headers.get('etag');
  assert.equal(etag, `"${href[1].split('=')[1]}"`);
  const again = await srv.request('GET', '/static/site.css', { headers: { 'if-none-match': etag } });
  assert.equal(again.status, 304);
  assert.equal((await page('/static/site.js')).headers.get('content-type'), 'text/javascript; charset=utf-8');
  const missing = await page('/static/nope.css');
  isPage(missing, 404);
  // nothing from another host
  assert.doesNotMatch(css.text, /url\(|@import|https?:/);
});

test('errors outside /api/ are HTML pages in Chinese; under /api/ they stay JSON', async () => {
  const r = await page('/no/such/page');
  isPage(r, 404);
  assert.match(r.text, /页面不存在/);
  isPage(await page('/stations/999999'), 404);
  isPage(await page('/stations/abc'), 404);
  isPage(await page('/suggestions/999999'), 404);
  const m = await srv.request('DELETE', '/track');
  isPage(m, 405);
  assert.ok(m.headers.get('allow').includes('GET'));
  const api = await srv.get('/api/v1/nope');
  assert.equal(api.status, 404);
  assert.equal(api.body.error.code, 'not_found');
  assert.match(api.headers.get('content-type'), /^application\/json/);
});

test('the concern form: validation beside the field with the input kept, escaping, the result page', async () => {
  const before = await concernCount();
  const [cat] = await categories();
  assert.ok(cat);
  // the body missing: 400, the message beside the body, everything typed kept
  const { token, r } = await raise({ title: '<script>alert(1)</script>路灯', category: cat, body: '',
    contact_name: NAME, contact_phone: PHONE });
  isPage(r, 400);
  assert.match(r.text, /<textarea id="body" name="body" rows="6" aria-required="true" aria-invalid="true" aria-describedby="body-error"><\/textarea>/);
  assert.match(r.text, /<p id="body-error" class="error">[^<]+<\/p>/);
  assert.ok(r.text.includes('value="&lt;script&gt;alert(1)&lt;/script&gt;路灯"'), 'title kept, escaped');
  assert.ok(!r.text.includes('<script>alert(1)'), 'never raw');
  assert.ok(r.text.includes(`value="${NAME}"`) && r.text.includes(`value="${PHONE}"`), 'contact kept for the resident');
  assert.match(r.text, new RegExp(`<option value="${cat}" selected>`));
  assert.equal(hidden(r.text, 'form_token'), token, 'the same form token: a corrected submit is the same form');
  // a bad category and a missing title name their fields too
  const bad = await postForm(`/stations/${station.id}/concern`, { form_token: token, title: '', category: cat, body: 'x' });
  isPage(bad, 400);
  assert.match(bad.text, /<p id="title-error" class="error">/);
  const badCat = await postForm(`/stations/${station.id}/concern`, { form_token: token, title: 't', category: '不存在的类别', body: 'x' });
  isPage(badCat, 400);
  assert.match(badCat.text, /<p id="category-error" class="error">/);
  assert.equal(await concernCount(), before, 'nothing was made');

  // corrected: 303 to the result page with the tracking code in large print
  const ok = await postForm(`/stations/${station.id}/concern`, { form_token: token,
    title: '<script>alert(1)</script>路灯', category: cat, body: '统一街路灯坏了三天<b>了</b>',
    contact_name: NAME, contact_phone: PHONE });
  assert.equal(ok.status, 303, ok.text);
  assert.equal(ok.headers.get('location'), `/concern/sent/${token}`);
  const sent = await page(ok.headers.get('location'));
  isPage(sent);
  const code = sent.text.match(/<p class="tracking-code">([0-9A-Z]{10})<\/p>/)[1];
  assert.equal(await concernCount(), before + 1);
  // tracking shows the title as text, never as markup, and nothing personal
  const t = await page(`/track/${code}`);
  isPage(t);
  assert.ok(t.text.includes('&lt;script&gt;alert(1)&lt;/script&gt;路灯'));
  assert.ok(!t.text.includes('<script>alert(1)'));
  for (const p of [sent, t, await page(`/stations/${station.id}`), await page('/')]) {
    assert.ok(!p.text.includes(NAME), 'a resident name on a public page');
    assert.ok(!p.text.includes(PHONE), 'a resident phone on a public page');
  }
  // the API kept the contact for staff
  const staff = (await srv.getAll('/api/v1/concerns', ctx.s.admin)).find((c) => c.title === '<script>alert(1)</script>路灯');
  assert.ok(staff);
  assert.equal(staff.contact_phone, PHONE);
});

test('a double submit makes one concern and lands on the same result page', async () => {
  const [cat] = await categories();
  const form = await page('/concern');
  const token = hidden(form.text, 'form_token');
  const fields = { form_token: token, title: '重复提交测试', category: cat, body: '同一张表单提交两次',
    address: '江汉区统一街100号' };
  const before = await concernCount();
  // the general form needs the place (the station form has it from the station)
  const noPlace = await postForm('/concern', { ...fields, address: '' });
  isPage(noPlace, 400);
  assert.match(noPlace.text, /<p id="address-error" class="error">/);
  const first = await postForm('/concern', fields);
  const second = await postForm('/concern', fields);
  assert.equal(first.status, 303);
  assert.equal(second.status, 303);
  assert.equal(second.headers.get('location'), first.headers.get('location'));
  assert.equal(await concernCount(), before + 1);
  // at the same moment: still one
  const form2 = await page('/concern');
  const token2 = hidden(form2.text, 'form_token');
  assert.notEqual(token2, token, 'each form gets its own token');
  const both = await Promise.all([1, 2, 3].map(() => postForm('/concern', { ...fields, form_token: token2 })));
  for (const r of both) {
    assert.equal(r.status, 303);
    assert.equal(r.headers.get('location'), `/concern/sent/${token2}`);
  }
  assert.equal(await concernCount(), before + 2);
  const a = await page(first.headers.get('location'));
  const b = await page(second.headers.get('location'));
  assert.equal(a.text, b.text);
  // a form without a token (or a forged one) is refused, and makes nothing
  isPage(await postForm('/concern', { ...fields, form_token: '' }), 400);
  isPage(await postForm('/concern', { ...fields, form_token: 'x'.repeat(10) }), 400);
  isPage(await page(`/concern/sent/${'A'.repeat(43)}`), 404);
  assert.equal(await concernCount(), before + 2);
});

test('login and logout pages; forms of logged-in users need the CSRF token', async () => {
  const wrong = await postForm('/login', { login: 'resident', password: 'wrong-password' });
  isPage(wrong, 401);
  assert.match(wrong.text, /aria-describedby="password-error"/);
  assert.match(wrong.text, /value="resident"/);
  isPage(await postForm('/login', { login: '', password: 'x' }), 400);
  const ok = await postForm('/login', { login: 'resident', password: 'youyue-demo', next: '/track' });
  assert.equal(ok.status, 303);
  assert.equal(ok.headers.get('location'), '/track');
  const cookie = ok.headers.get('set-cookie').split(';')[0];
  assert.match(cookie, /^youyue_session=/);
  // an open redirect is not possible
  const ext = await postForm('/login', { login: 'resident', password: 'youyue-demo', next: '//evil.example/' });
  assert.equal(ext.headers.get('location'), '/');

  const home = await page('/', { cookie });
  isPage(home);
  const csrf = hidden(home.text, 'csrf_token');
  assert.ok(csrf, 'the logout form carries the CSRF token');
  assert.equal(home.headers.get('x-cache'), null, 'pages of logged-in callers are not shared');

  // a concern form posted by a logged-in resident: refused without the token
  const [cat] = await categories();
  const form = await page('/concern', { cookie });
  assert.equal(hidden(form.text, 'csrf_token'), csrf);
  const token = hidden(form.text, 'form_token');
  const fields = { form_token: token, title: '登录后反映', category: cat, body: '内容', address: '江汉区前进四路' };
  const before = await concernCount();
  const noCsrf = await postForm('/concern', fields, { cookie });
  isPage(noCsrf, 403);
  assert.match(noCsrf.text, /安全校验失败/);
  isPage(await postForm('/concern', { ...fields, csrf_token: 'forged' }, { cookie }), 403);
  assert.equal(await concernCount(), before);
  const withCsrf = await postForm('/concern', { ...fields, csrf_token: csrf }, { cookie });
  assert.equal(withCsrf.status, 303);
  assert.equal(await concernCount(), before + 1);
  // the resident sees it among their own
  const mine = await srv.getAll('/api/v1/concerns', { cookie, csrf });
  assert.ok(mine.some((c) => c.title === '登录后反映'));

  isPage(await postForm('/logout', {}, { cookie }), 403);
  const out = await postForm('/logout', { csrf_token: csrf }, { cookie });
  assert.equal(out.status, 303);
  assert.match(out.headers.get('set-cookie'), /youyue_session=;.*Max-Age=0/);
  assert.equal((await srv.get('/api/v1/session', { cookie })).status, 401, 'the session has ended');
});

test('tracking: by form, by path, a 404 page for an unknown code, the rating form once resolved', async () => {
  const [cat] = await categories();
  const { r } = await raise({ title: '楼道灯不亮', category: cat, body: '三楼楼道灯不亮' });
  const sent = await page(r.headers.get('location'));
  const code = sent.text.match(/<p class="tracking-code">([0-9A-Z]{10})<\/p>/)[1];
  const go = await page(`/track?code=${code.toLowerCase().slice(0, 5)}-${code.slice(5)}`);
  assert.equal(go.status, 303);
  assert.equal(go.headers.get('location'), `/track/${code}`);
  const unknown = await page('/track/ABCDEFGH23');
  isPage(unknown, 404);
  assert.match(unknown.text, /aria-describedby="code-error"/);
  isPage(await page('/track?code=%3Cx%3E'), 400);

  let t = await page(`/track/${code}`);
  isPage(t);
  assert.doesNotMatch(t.text, /name="value"/, 'no rating before a result');
  // street staff accept and resolve it (API); then the resident rates on the page
  const id = (await srv.getAll('/api/v1/concerns', ctx.s.admin)).find((c) => c.title === '楼道灯不亮').id;
  const act = (body) => srv.post(`/api/v1/concerns/${id}/actions`, body, ctx.s.street);
  assert.equal((await act({ action: 'accept' })).status, 200);
  assert.equal((await act({ action: 'resolve', result: '已更换楼道灯' })).status, 200);
  t = await page(`/track/${code}`);
  assert.ok(t.text.includes('已更换楼道灯'));
  assert.match(t.text, /<form method="post" action="\/track\/[0-9A-Z]{10}\/rating"/);
  const none = await postForm(`/track/${code}/rating`, {});
  isPage(none, 400);
  assert.match(none.text, /<p id="rate-error" class="error">/);
  const rated = await postForm(`/track/${code}/rating`, { value: 'satisfied' });
  assert.equal(rated.status, 303);
  assert.equal(rated.headers.get('location'), `/track/${code}`);
  const twice = await postForm(`/track/${code}/rating`, { value: 'dissatisfied' });
  assert.equal(twice.status, 303, 'a second submit lands on the same page');
  t = await page(`/track/${code}`);
  assert.match(t.text, /您的评价:<strong>满意<\/strong>/);
  assert.doesNotMatch(t.text, /name="value"/);
});

test('published suggestions (网上晒) with their timeline and the public rating (网上评)', async () => {
  const c = client(ctx);
  const s = await driveTo(ctx, 'replied');
  const hidden = await driveTo(ctx, 'assigned');
  assert.equal((await c.act('admin', s.id, { action: 'publish' })).status, 200);
  const list = await page('/suggestions');
  isPage(list);
  assert.ok(list.text.includes(`href="/suggestions/${s.id}"`));
  assert.ok(!list.text.includes(`href="/suggestions/${hidden.id}"`), 'unpublished ones stay hidden');
  isPage(await page(`/suggestions/${hidden.id}`), 404);
  const p = await page(`/suggestions/${s.id}`);
  isPage(p);
  assert.ok(p.text.includes(s.title));
  assert.match(p.text, /<ol class="timeline">\n<li>/);
  assert.ok(p.text.includes('已列入明年道路照明改造计划'), 'the reply');
  for (const d of (await c.get('admin', s.id)).body.signers)
    if (d.phone) assert.ok(!p.text.includes(d.phone), 'a deputy phone on a public page');
  assert.match(p.text, /满意 0 · 基本满意 0 · 不满意 0/);
  isPage(await postForm(`/suggestions/${s.id}/rating`, { value: 'great' }), 400);
  const r = await postForm(`/suggestions/${s.id}/rating`, { value: 'basically_satisfied' });
  assert.equal(r.status, 303);
  assert.equal(r.headers.get('location'), `/suggestions/${s.id}?rated=1`);
  const again = await postForm(`/suggestions/${s.id}/rating`, { value: 'basically_satisfied' });
  assert.equal(again.status, 303, 'a second rating from the same rater lands on the same page');
  const after1 = await page(`/suggestions/${s.id}?rated=1`);
  assert.match(after1.text, /满意 0 · 基本满意 1 · 不满意 0/);
  assert.match(after1.text, /感谢您的评价/);
});

test('anonymous home and station pages come from the cache until the data changes', async () => {
  const path = `/stations/${station.id}`;
  const first = await page(path);
  if (first.headers.get('x-cache') === null) return; // PostgreSQL: nothing is shared
  // each server thread's read connection notices the last commit once (its
  // own data_version), so the first few answers after a write may miss
  let second;
  for (let i = 0; i < 20; i++) {
    second = await page(path);
    if (second.headers.get('x-cache') === 'hit') break;
  }
  assert.equal(second.headers.get('x-cache'), 'hit');
  assert.equal(second.text, first.text);
  for (let i = 0; i < 20 && (await page('/')).headers.get('x-cache') !== 'hit'; i++);
  assert.equal((await page('/')).headers.get('x-cache'), 'hit');
  const etag = second.headers.get('etag');
  const revalidated = await srv.request('GET', path, { headers: { 'if-none-match': etag } });
  assert.equal(revalidated.status, 304);
  // a registry change is visible on the very next request
  const r = await srv.patch(`/api/v1/stations/${station.id}`, { opening_hours: '周一至周日 8:00-20:00' }, ctx.s.admin);
  assert.equal(r.status, 200, r.text);
  const third = await page(path);
  assert.equal(third.headers.get('x-cache'), 'miss');
  assert.ok(third.text.includes('周一至周日 8:00-20:00'));
});

test('a station page lists its next open activities, not drafts', async () => {
  const iso = (local) => `${local}:00+08:00`;
  const mk = async (title) => {
    const r = await srv.post('/api/v1/activities', { kind: 'talk', title, theme: '社区治理面对面',
      station_id: station.id, starts_at: iso('2026-10-20T09:00'), ends_at: iso('2026-10-20T11:00'),
      capacity: 30, deputy_ids: [], unit_ids: [] }, ctx.s.admin);
    assert.equal(r.status, 201, r.text);
    return r.body.id;
  };
  const open = await mk('网页测试:共话停车难');
  await mk('网页测试:未发布的草稿');
  const r = await srv.post(`/api/v1/activities/${open}/actions`, { action: 'open' }, ctx.s.admin);
  assert.equal(r.status, 200, r.text);
  const p = await page(`/stations/${station.id}`);
  isPage(p);
  assert.ok(p.text.includes('网页测试:共话停车难'));
  assert.ok(p.text.includes('2026-10-20 09:00'));
  assert.ok(!p.text.includes('未发布的草稿'), 'a draft on a public page');
});
