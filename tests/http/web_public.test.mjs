// The public pages of web_public.c (docs/WEB.md "Pages"): activities (代表有约)
// with their filters, registration (the check-in code, confirmed or waitlisted,
// a double submit lands on the same result and registers once), cancelling
// with the code and phone; reception-day booking at a station (the booking
// code, a double submit books once, cancelling); the public dashboard (charts
// with their tables, the rates against the target, the headline figures, the
// period form's validation, cached for anonymous callers); the map page; and
// the concern form's one transaction (claim, concern and result together:
// concurrent submits of one form make one concern and never see "正在提交").
// No resident's name or phone on any public page.  On both backends.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { setup, at, sql } from './sg_helpers.mjs';
import { startServer } from './harness.mjs';

const NOW = at('2026-09-28T10:00');
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
  "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

let ctx, srv;
before(async () => {
  ctx = await setup(NOW, { args: ['--stats-ttl', '0'] });
  srv = ctx.srv;
});
after(async () => { await srv?.stop(); });

const page = (path, o = {}) => srv.request('GET', path, o);

function postForm(path, fields, { cookie } = {}) {
  const headers = { 'content-type': 'application/x-www-form-urlencoded' };
  if (cookie) headers.cookie = cookie;
  return srv.request('POST', path, { raw: new URLSearchParams(fields).toString(), headers });
}

function hidden(html, name) {
  const m = html.match(new RegExp(`name="${name}" value="([^"]*)"`));
  return m ? m[1] : null;
}

function isPage(r, status = 200) {
  assert.equal(r.status, status, r.text.slice(0, 800));
  assert.equal(r.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.equal(r.headers.get('content-security-policy'), CSP);
  assert.match(r.text, /<main id="main">/);
  assert.doesNotMatch(r.text, /<script>|<script(?![^>]*\bsrc=)[^>]*>|<style|\sstyle="|\son[a-z]+="/);
  assert.equal((r.text.match(/<h1[ >]/g) || []).length, 1, 'one h1');
}

/** The activities open for registration (from the API), soonest last. */
async function openActivities() {
  return (await srv.getAll('/api/v1/activities?status=open')).filter((a) => a.capacity > 0);
}

let phoneSeq = 0;
const nextPhone = () => `1390000${String(1000 + phoneSeq++).padStart(4, '0')}`;

test('every public page answers 200 as HTML with the CSP, under 50 KB with its assets', async () => {
  const css = await page('/static/site.css');
  const js = await page('/static/site.js');
  const acts = await srv.getAll('/api/v1/activities');
  assert.ok(acts.length >= 5, 'the demo activities');
  const pages = ['/activities', `/activities/${acts[0].id}`, `/activities/${acts[0].id}/cancel`,
    '/stations/14/reception', '/dashboard', '/dashboard/map', '/dashboard/map?street=2',
    ...acts.filter((a) => a.status !== 'draft').map((a) => `/activities/${a.id}`)];
  for (const p of pages) {
    const r = await page(p);
    isPage(r);
    const bytes = Buffer.byteLength(r.text) + Buffer.byteLength(css.text) + Buffer.byteLength(js.text);
    assert.ok(bytes < 50 * 1024, `${p}: ${bytes} bytes`);
  }
});

test('activities: the published ones, filtered by kind, street, station and month; drafts are not pages', async () => {
  const all = await srv.getAll('/api/v1/activities', { cookie: ctx.s.admin.cookie });
  const draft = all.find((a) => a.status === 'draft');
  assert.ok(draft, 'the demo has a draft');
  const list = await page('/activities');
  isPage(list);
  for (const a of all.filter((x) => x.status !== 'draft'))
    assert.ok(list.text.includes(`href="/activities/${a.id}"`), a.title);
  assert.ok(!list.text.includes(`href="/activities/${draft.id}"`), 'no draft in the list');
  isPage(await page(`/activities/${draft.id}`), 404);
  // a draft stays off the page even for the staff who may run it
  const staffList = await page('/activities', { cookie: ctx.s.admin.cookie });
  assert.ok(!staffList.text.includes(`href="/activities/${draft.id}"`));

  const kind = all.find((a) => a.status !== 'draft');
  const byKind = await page(`/activities?kind=${kind.kind}`);
  isPage(byKind);
  for (const a of all.filter((x) => x.status !== 'draft'))
    assert.equal(byKind.text.includes(`href="/activities/${a.id}"`), a.kind === kind.kind, a.title);
  const month = kind.starts_at.slice(0, 7);
  const byMonth = await page(`/activities?month=${month}`);
  for (const a of all.filter((x) => x.status !== 'draft'))
    assert.equal(byMonth.text.includes(`href="/activities/${a.id}"`), a.starts_at.startsWith(month), a.title);
  const byStreet = await page(`/activities?street=${kind.street_id}`);
  assert.ok(byStreet.text.includes(`href="/activities/${kind.id}"`));
  const otherStreet = await page(`/activities?street=${kind.street_id + 1}`);
  assert.ok(!otherStreet.text.includes(`href="/activities/${kind.id}"`));
  const byStation = await page(`/activities?station=14`);
  assert.match(byStation.text, /name="station" value="14"/, 'the station stays in the filters');

  for (const [q, field] of [['kind=party', 'kind'], ['month=2026-13', 'month'], ['month=abc', 'month'], ['street=x', 'street']]) {
    const r = await page(`/activities?${q}`);
    isPage(r, 400);
    assert.match(r.text, new RegExp(`aria-describedby="${field}-error"`), q);
  }
  isPage(await page('/activities?cursor=%3Cx%3E'), 400);
  // the station page links its next activities and its reception booking
  const st = await page('/stations/14');
  assert.match(st.text, /href="\/activities\/\d+"/);
  assert.match(st.text, /href="\/stations\/14\/reception"/);
});

test('an activity: details, invited deputies and units, the record when closed (concerns by status only)', async () => {
  const all = await srv.getAll('/api/v1/activities');
  const closed = all.find((a) => a.status === 'closed' && a.kind === 'talk');
  const full = (await srv.get(`/api/v1/activities/${closed.id}`)).body;
  const r = await page(`/activities/${closed.id}`);
  isPage(r);
  assert.ok(r.text.includes(full.theme));
  assert.ok(r.text.includes(full.minutes.slice(0, 20)), 'the minutes');
  for (const d of full.deputies.filter((x) => x.invited)) assert.ok(r.text.includes(d.name), d.name);
  for (const u of full.units) assert.ok(r.text.includes(u.name), u.name);
  for (const q of full.qa) assert.ok(r.text.includes(q.question), 'the Q&A');
  assert.doesNotMatch(r.text, /name="form_token"/, 'no registration form for a closed activity');
});

test('registering: the code in large print, a double submit lands on the same result and registers once', async () => {
  const [act] = await openActivities();
  const path = `/activities/${act.id}`;
  const form = await page(path);
  isPage(form);
  const token = hidden(form.text, 'form_token');
  assert.match(token, /^[A-Za-z0-9_-]{43}$/);
  const phone = nextPhone();
  const name = '报名测试居民甲';
  // validation: the API's message beside the field, the input kept, nothing made
  const bad = await postForm(`${path}/register`, { form_token: token, name, phone: '12' });
  isPage(bad, 400);
  assert.match(bad.text, /aria-describedby="phone-error"/);
  assert.match(bad.text, new RegExp(`value="${name}"`));
  assert.equal(hidden(bad.text, 'form_token'), token, 'the form keeps its token');
  const before = (await srv.get(`/api/v1/activities/${act.id}`)).body.confirmed;
  // the same form three times, at once
  const answers = await Promise.all([0, 1, 2].map(() =>
    postForm(`${path}/register`, { form_token: token, name, phone })));
  const locations = answers.map((a) => { assert.equal(a.status, 303, a.text); return a.headers.get('location'); });
  assert.equal(new Set(locations).size, 1, 'all land on one result page');
  assert.equal(locations[0], `${path}/registered/${token}`);
  const after1 = (await srv.get(`/api/v1/activities/${act.id}`)).body;
  assert.equal(after1.confirmed + after1.waitlisted, before + 1, 'registered once');
  const result = await page(locations[0]);
  isPage(result);
  const code = result.text.match(/<p class="tracking-code">(\d{6})<\/p>/);
  assert.ok(code, 'the check-in code in large print');
  assert.match(result.text, /名额已确认/);
  assert.ok(!result.text.includes(phone) && !result.text.includes(name), 'no name or phone on the result');
  // the activity page (public) never shows the name or phone
  const pub = await page(path);
  assert.ok(!pub.text.includes(phone) && !pub.text.includes(name));
  // a new form with the same phone: the API's refusal, shown on the page
  const again = await page(path);
  const dup = await postForm(`${path}/register`, { form_token: hidden(again.text, 'form_token'), name, phone });
  isPage(dup, 409);
  assert.match(dup.text, /已报名/);
  // an unknown token's result page is a 404
  isPage(await page(`${path}/registered/${'A'.repeat(43)}`), 404);

  // cancelling: wrong phone → the message beside the code; right → back with a notice; twice → same
  const cpath = `${path}/cancel`;
  const wrong = await postForm(cpath, { check_in_code: code[1], phone: nextPhone() });
  isPage(wrong, 404);
  assert.match(wrong.text, /aria-describedby="check_in_code-error"/);
  const ok = await postForm(cpath, { check_in_code: code[1], phone });
  assert.equal(ok.status, 303);
  assert.equal(ok.headers.get('location'), `${path}?cancelled=1`);
  const twice = await postForm(cpath, { check_in_code: code[1], phone });
  assert.equal(twice.status, 303, 'a second cancel lands on the same page');
  assert.equal(twice.headers.get('location'), `${path}?cancelled=1`);
  assert.match((await page(`${path}?cancelled=1`)).text, /报名已取消/);
  const after2 = (await srv.get(`/api/v1/activities/${act.id}`)).body;
  assert.equal(after2.confirmed + after2.waitlisted, before);
});

test('registering when full: waitlisted, with the position', async () => {
  const acts = await openActivities();
  const act = acts[acts.length - 1];
  sql(srv, `UPDATE activities SET capacity = 1 WHERE id = ${act.id}`);
  const path = `/activities/${act.id}`;
  const positions = [];
  for (let i = 0; i < 3; i++) {
    const form = await page(path);
    const token = hidden(form.text, 'form_token');
    const r = await postForm(`${path}/register`, { form_token: token, name: `候补测试${i}`, phone: nextPhone() });
    assert.equal(r.status, 303, r.text);
    positions.push((await page(r.headers.get('location'))).text);
  }
  assert.match(positions[0], /名额已确认/);
  assert.match(positions[1], /候补名单第 1 位/);
  assert.match(positions[2], /候补名单第 2 位/);
  assert.match((await page(path)).text, /已满,可报名候补/);
});

test('registering: logged in, the CSRF token is required and the account registers without name or phone', async () => {
  const [act] = await openActivities();
  const path = `/activities/${act.id}`;
  const { cookie, csrf } = ctx.s.resident;
  const form = await page(path, { cookie });
  isPage(form);
  const token = hidden(form.text, 'form_token');
  assert.equal(hidden(form.text, 'csrf_token'), csrf);
  isPage(await postForm(`${path}/register`, { form_token: token, name: '', phone: '' }, { cookie }), 403);
  const r = await postForm(`${path}/register`, { form_token: token, csrf_token: csrf, name: '', phone: '' }, { cookie });
  assert.equal(r.status, 303, r.text);
  isPage(await page(r.headers.get('location')));
});

test('reception booking: free places per slot, a code, a double submit books once, cancelling', async () => {
  const path = '/stations/14/reception';
  const days = (await srv.get('/api/v1/stations/14/reception-days?limit=6')).body.items;
  assert.ok(days.length > 0);
  const r = await page(path);
  isPage(r);
  const day = days[0], slot = day.slots[0];
  assert.ok(r.text.includes(day.date));
  assert.match(r.text, /<th scope="col">剩余<\/th>/);
  const value = `${day.date} ${slot.start}`;
  assert.ok(r.text.includes(`value="${value}"`), 'the slot can be chosen');
  const token = hidden(r.text, 'form_token');
  const phone = nextPhone(), name = '预约测试居民';
  // no slot chosen: the message beside the select
  const noSlot = await postForm(path, { form_token: token, slot: '', name, phone });
  isPage(noSlot, 400);
  assert.match(noSlot.text, /aria-describedby="slot-error"/);
  const badPhone = await postForm(path, { form_token: token, slot: value, name, phone: 'x' });
  isPage(badPhone, 400);
  assert.match(badPhone.text, /aria-describedby="phone-error"/);
  assert.ok(badPhone.text.includes(`value="${value}" selected`), 'the slot is kept');
  const answers = await Promise.all([0, 1, 2].map(() => postForm(path, { form_token: token, slot: value, name, phone })));
  const loc = new Set(answers.map((a) => { assert.equal(a.status, 303, a.text); return a.headers.get('location'); }));
  assert.deepEqual([...loc], [`${path}/booked/${token}`]);
  const d2 = (await srv.get(`/api/v1/stations/14/reception-days/${day.date}`)).body;
  assert.equal(d2.slots[0].booked, slot.booked + 1, 'booked once');
  const res = await page([...loc][0]);
  isPage(res);
  const code = res.text.match(/<p class="tracking-code">([A-Za-z0-9]+)<\/p>/);
  assert.ok(code, 'the booking code in large print');
  assert.ok(!res.text.includes(phone) && !res.text.includes(name));
  assert.ok(!(await page(path)).text.includes(name), 'no name on the public page');
  // cancelling
  const unknown = await postForm(`${path}/cancel`, { code: 'ZZZZZZZZ' });
  isPage(unknown, 404);
  assert.match(unknown.text, /aria-describedby="code-error"/);
  const ok = await postForm(`${path}/cancel`, { code: code[1] });
  assert.equal(ok.status, 303);
  assert.equal(ok.headers.get('location'), `${path}?cancelled=1`);
  const d3 = (await srv.get(`/api/v1/stations/14/reception-days/${day.date}`)).body;
  assert.equal(d3.slots[0].booked, slot.booked);
  const twice = await postForm(`${path}/cancel`, { code: code[1] });
  // a second cancel: the API's own message beside the code, in the normal layout
  isPage(twice, 409);
  assert.match(twice.text, /<p id="code-error" class="error">该预约已取消<\/p>/);
  assert.match(twice.text, /aria-describedby="code-error"/);
  assert.ok(twice.text.includes(`value="${code[1]}"`), 'the code is kept');
  assert.match(twice.text, /<h1>接待日预约<\/h1>/);
  assert.doesNotMatch(twice.text, /invalid_transition/);
  isPage(await page('/stations/99999/reception'), 404);
});

test('the dashboard: charts with tables, rates against 100%, the headline figures, the period form', async () => {
  const stats = (await srv.get('/api/v1/stats')).body;
  const r = await page('/dashboard');
  isPage(r);
  const svgs = r.text.match(/<svg /g) || [];
  assert.ok(svgs.length >= 3, `charts: ${svgs.length}`);
  // every chart section has its table of numbers in a <details>
  const sections = r.text.split('<section class="card chart"').slice(1);
  assert.ok(sections.length >= 5);
  for (const s of sections) {
    if (s.includes('rates-heading'))
      assert.match(s, /<th scope="row">民呼响应率<\/th><td>暂无数据<\/td>/, 'no data is not 0%');
    if (/这一时段暂无数据/.test(s)) assert.doesNotMatch(s, /<svg /);
    else assert.match(s, /<svg [\s\S]*<details>[\s\S]*<th scope="row">/);
  }
  assert.ok(sections.filter((s) => /<svg /.test(s)).length >= 3);
  const held = stats.activities.held, att = stats.activities.deputy_attendances;
  assert.ok(held > 0);
  assert.match(r.text, new RegExp(`<strong>${held}</strong> 场活动`));
  assert.match(r.text, new RegExp(`<strong>${att}</strong> 人次代表参加`));
  // the reception days (接待日) the same way: headline figures and a chart by month
  const rcv = stats.receptions;
  assert.match(r.text, new RegExp(`<strong>${rcv.held}</strong> 场接待日`));
  assert.match(r.text, new RegExp(`<strong>${rcv.residents_received}</strong> 人次群众来访`));
  assert.match(r.text, new RegExp(`<strong>${rcv.deputy_attendances}</strong> 人次代表值班接待`));
  assert.ok(r.text.includes('id="reception_months-heading"'));
  assert.ok(r.text.includes("各项比率(目标 100%)"));
  for (const k of stats.activities.by_kind)
    assert.match(r.text, new RegExp(`<th scope="row">${k.label}</th><td>${k.held}场</td>`), k.label);
  assert.match(r.text, /href="\/dashboard\/map"/);
  // with a concern raised (not yet answered) the response rate is 0%, drawn against the 100% target
  const raised = await srv.post('/api/v1/concerns', { source: 'online', station_id: 14, title: '看板比率测试',
    body: '路灯不亮。', category: (await page('/concern')).text.match(/<option value="([^"]+)"/)[1] });
  assert.equal(raised.status, 201, JSON.stringify(raised.body));
  const r2 = await page('/dashboard');
  const rates = r2.text.split('<section class="card chart"').find((x) => x.includes('rates-heading'));
  assert.match(rates, /<svg [\s\S]*目标[\s\S]*<\/svg>/, 'the target line');
  assert.match(rates, /<th scope="row">民呼响应率<\/th><td>0\.0%<\/td>/);
  assert.match(rates, /<th scope="row">建议办复率<\/th><td>暂无数据<\/td>/, 'a rate without data is not 0');
  // a street: its figures
  const st = await page('/dashboard?street=2&from=2026-01-01&to=2026-12-31');
  isPage(st);
  const s2 = (await srv.get('/api/v1/stats?street=2&from=2026-01-01&to=2026-12-31')).body;
  assert.match(st.text, new RegExp(`<strong>${s2.activities.held}</strong> 场活动`));
  assert.match(st.text, /href="\/dashboard\/map\?street=2"/);
  // the period's validation: the message beside its field
  for (const [q, field] of [['from=2026-02-30', 'from'], ['from=2026-12-01&to=2026-01-01', 'from'], ['street=abc', 'street'], ['to=<b>', 'to']]) {
    const bad = await page(`/dashboard?${q}`);
    isPage(bad, 400);
    assert.match(bad.text, new RegExp(`aria-describedby="${field}-error"`), q);
  }
  // the map: points link to station pages; the district table by street
  const map = await page('/dashboard/map');
  isPage(map);
  const stations = await srv.getAll('/api/v1/stations');
  assert.equal((map.text.match(/<a href="\/stations\/\d+"/g) || []).length, stations.length);
  const m2 = await page('/dashboard/map?street=2');
  assert.match(m2.text, /<th scope="row"><a href="\/stations\/\d+">/);
  isPage(await page('/dashboard/map?street=99999'), 404);
});

test('the dashboard is cached for anonymous callers on SQLite, never shared with a logged-in one', async () => {
  const a = await page('/dashboard?from=2026-01-01');
  isPage(a);
  assert.equal(a.headers.get('cache-control'), 'no-cache');
  const etag = a.headers.get('etag');
  assert.ok(etag);
  const b = await page('/dashboard?from=2026-01-01', { headers: { 'if-none-match': etag } });
  // the minute may have turned between the two: then a fresh 200
  assert.ok(b.status === 304 || b.status === 200);
  if (!process.env.YOUYUE_PG_URL && b.status === 200) assert.equal(b.headers.get('x-cache'), 'miss');
  const logged = await page('/dashboard?from=2026-01-01', { cookie: ctx.s.resident.cookie });
  isPage(logged);
  assert.equal(logged.headers.get('x-cache'), null, 'never from or into the shared cache');
  assert.match(logged.text, /退出|logout/i, 'the logged-in header, not a shared copy');
});

test('the concern form: claim, concern and result are one transaction; concurrent submits make one concern', async () => {
  const form = await page('/stations/14/concern');
  const token = hidden(form.text, 'form_token');
  const title = `同一表单并发提交 ${Date.now()}`;
  const fields = { form_token: token, title, category: '', body: '楼道灯坏了,晚上出入不便。' };
  const cats = [...form.text.matchAll(/<option value="([^"]+)"/g)].map((m) => m[1]);
  fields.category = cats[0];
  const answers = await Promise.all(Array.from({ length: 8 }, () => postForm('/stations/14/concern', fields)));
  for (const a of answers) {
    assert.equal(a.status, 303, a.text.slice(0, 300));
    assert.equal(a.headers.get('location'), `/concern/sent/${token}`);
  }
  // every submit that was redirected finds the result: never "正在提交"
  const sent = await page(`/concern/sent/${token}`);
  isPage(sent);
  assert.doesNotMatch(sent.text, /正在提交/);
  assert.match(sent.text, /class="tracking-code"/);
  const n = Number(sql(srv, `SELECT count(*) FROM concerns WHERE title = '${title}'`));
  assert.equal(n, 1, 'one concern');
  // no claimed token is left without its result
  assert.equal(sql(srv, 'SELECT count(*) FROM web_forms WHERE result IS NULL'), '0');
  // a refused submission leaves the token unclaimed (the corrected form goes through)
  const f2 = await page('/concern');
  const t2 = hidden(f2.text, 'form_token');
  isPage(await postForm('/concern', { form_token: t2, title: '', body: 'x', category: cats[0], address: '某路' }), 400);
  assert.equal(sql(srv, `SELECT count(*) FROM web_forms`) , sql(srv, 'SELECT count(*) FROM web_forms WHERE result IS NOT NULL'));
});

test('the concern form survives a crash mid-submission: never 正在提交 for ever, never a result without its concern', async () => {
  const a = await startServer({ args: ['--anon-rate', '0'] });
  let b;
  try {
    const forms = [];
    for (let i = 0; i < 40; i++) forms.push((await a.request('GET', '/stations/14/concern')).text);
    const category = forms[0].match(/<option value="([^"]+)"/)[1];
    const tokens = forms.map((f) => hidden(f, 'form_token'));
    const title = (i) => `崩溃测试 ${i}`;
    const posts = tokens.map((t, i) => fetch(`${a.base}/stations/14/concern`, {
      method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ form_token: t, title: title(i), category, body: '楼道灯不亮。' }).toString(),
    }).then((r) => r.status, () => 'dropped'));
    // kill the server as soon as one submission has come back: the others are in flight
    await Promise.race(posts);
    a.child.kill('SIGKILL');
    await once(a.child, 'exit');
    const outcomes = await Promise.all(posts);
    assert.ok(outcomes.includes(303));
    b = await startServer({ demo: false, db: a.db, args: ['--anon-rate', '0'] });
    let done = 0, lost = null;
    for (let i = 0; i < tokens.length; i++) {
      const r = await b.request('GET', `/concern/sent/${tokens[i]}`);
      if (r.status === 404) { lost ??= i; continue; } // never committed: nothing kept
      assert.equal(r.status, 200);
      assert.doesNotMatch(r.text, /正在提交/, `token ${i} claimed without its result`);
      const code = r.text.match(/<p class="tracking-code">([^<]+)<\/p>/)[1];
      const c = await b.request('GET', `/api/v1/concerns/track/${encodeURIComponent(code)}`);
      assert.equal(c.body.title, title(i), 'the result is the concern of this form');
      done++;
    }
    assert.equal(Number(sql(b, "SELECT count(*) FROM concerns WHERE title LIKE '崩溃测试 %'")), done,
      'every concern made has its result page');
    assert.equal(sql(b, 'SELECT count(*) FROM web_forms WHERE result IS NULL'), '0');
    // a form whose submission was lost goes through when sent again
    if (lost !== null) {
      const again = await postFormTo(b, '/stations/14/concern', { form_token: tokens[lost], title: title(lost), category, body: '楼道灯不亮。' });
      assert.equal(again.status, 303);
      assert.doesNotMatch((await b.request('GET', `/concern/sent/${tokens[lost]}`)).text, /正在提交/);
    }
  } finally {
    if (a.alive()) await a.stop();
    if (b) await b.stop();
  }
});

function postFormTo(server, path, fields) {
  return server.request('POST', path, { raw: new URLSearchParams(fields).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' } });
}
