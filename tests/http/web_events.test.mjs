// The staff's pages for 代表有约 activities and reception days (docs/WEB.md,
// src/web/web_events.c): who may open them (401 with a login link, 403 for
// other roles and outside the caller's scope), the plan form (validation
// beside the field with the input kept, CSRF, the one-time form token: a
// double submit plans one activity), the actions as the API allows them (the
// notice rule's message on 发布, a second click of a transition changes
// nothing), the clerk's check-in page, attendance, Q&A (once per form), the
// record before closing, the reception schedule form, the duty rota, bookings
// with the residents' names for staff only, walk-ins (once per form) and the
// reception record (once per day).  On both backends.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, cli } from './harness.mjs';
import { at } from './sg_helpers.mjs';

const NOW = '2026-12-01T10:00';
process.env.YOUYUE_NOW = String(at(NOW));
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
  "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
const PW = 'web-events-password';
const RESIDENT = '刘秀英网页签到';
const PHONE = '13912345601';

let srv, admin, street, community, other, resident, deputy;
let C, station, otherCommunity;

const as = (s) => (s ? { cookie: s.cookie, csrf: s.csrf } : {});
const iso = (local) => `${local}:00+08:00`;

function isPage(r, status = 200) {
  assert.equal(r.status, status, r.text.slice(0, 800));
  assert.equal(r.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.equal(r.headers.get('content-security-policy'), CSP);
  assert.match(r.text, /^<!DOCTYPE html>\n<html lang="zh-CN">/);
  assert.doesNotMatch(r.text, /<script>|<script(?![^>]*\bsrc=)[^>]*>|<style|\sstyle="|\son[a-z]+="/);
  assert.equal((r.text.match(/<h1[ >]/g) || []).length, 1, 'one h1');
}

const page = (path, sess) => srv.request('GET', path, sess ? { cookie: sess.cookie } : {});

/** Posts a form as sess; fields may hold arrays (repeated keys).  The CSRF
 *  field is added unless csrf: false. */
function postForm(path, fields, sess, { csrf = true, server = srv } = {}) {
  const p = new URLSearchParams();
  if (sess && csrf) p.append('csrf_token', sess.csrf);
  for (const [k, v] of Object.entries(fields))
    for (const x of Array.isArray(v) ? v : [v]) p.append(k, String(x));
  const headers = { 'content-type': 'application/x-www-form-urlencoded' };
  if (sess) headers.cookie = sess.cookie;
  return server.request('POST', path, { raw: p.toString(), headers });
}

function hidden(html, name) {
  const m = html.match(new RegExp(`name="${name}" value="([^"]*)"`));
  return m ? m[1] : null;
}

/** Another server on the same database whose clock reads local. */
async function serverAt(local) {
  const keep = process.env.YOUYUE_NOW;
  process.env.YOUYUE_NOW = String(at(local));
  try {
    return await startServer({ demo: false, db: srv.db, args: ['--anon-rate', '0', '--remind-interval', '0'] });
  } finally {
    process.env.YOUYUE_NOW = keep;
  }
}

before(async () => {
  srv = await startServer({ args: ['--anon-rate', '0', '--remind-interval', '0'] });
  [admin, street, community, resident, deputy] = await Promise.all(
    ['admin', 'street', 'community', 'resident', 'deputy'].map((l) => srv.login(l)));
  C = community.user.roles[0].scope_id;
  const stations = await srv.getAll('/api/v1/stations');
  station = stations.find((s) => s.name === '大夹社区代表接待室');
  assert.ok(station, 'the demo community station');
  const tree = (await srv.get('/api/v1/regions')).body.items[0];
  for (const s of tree.children)
    for (const c of s.children || []) if (!otherCommunity && c.id !== C) otherCommunity = c.id;
  const r = cli(['user', 'add', '--db', srv.db, '--login', 'community-other', '--role', 'community_staff',
    '--scope', String(otherCommunity), '--password-stdin'], { input: `${PW}\n` });
  assert.equal(r.status, 0, r.stderr);
  other = await srv.login('community-other', PW);
});
after(async () => { await srv?.stop(); });

async function activityCount() {
  return (await srv.getAll('/api/v1/activities', as(admin))).length;
}

/** Plans an activity through the page as sess; returns its id. */
async function plan(fields, sess = community) {
  const form = await page('/staff/activities', sess);
  isPage(form);
  const r = await postForm('/staff/activities', { form_token: hidden(form.text, 'form_token'), ...fields }, sess);
  assert.equal(r.status, 303, r.text.slice(0, 800));
  const m = r.headers.get('location').match(/^\/staff\/activities\/(\d+)$/);
  assert.ok(m, r.headers.get('location'));
  return Number(m[1]);
}

const planFields = (over = {}) => ({
  kind: 'talk', title: '约您共话:社区停车', theme: '停车位规划', station_id: station.id, venue: '',
  start_date: '2026-12-20', start_time: '09:30', end_date: '2026-12-20', end_time: '11:00',
  capacity: '2', ...over,
});

test('who may open the pages: 401 with a login link, 403 for other roles and outside the scope', async () => {
  const act = (await srv.get('/api/v1/activities?status=open', as(community))).body.items
    .find((a) => a.station_id === station.id);
  assert.ok(act, 'an open demo activity at the community station');
  const paths = ['/staff/activities', `/staff/activities/${act.id}`, `/staff/activities/${act.id}/check-in`,
    '/staff/receptions', `/staff/receptions/${station.id}`, `/staff/receptions/${station.id}/days/2026-12-15`];
  for (const p of paths) {
    const anon = await page(p);
    isPage(anon, 401);
    assert.match(anon.text, /href="\/login/, p);
    isPage(await page(p, resident), 403);
    isPage(await page(p, deputy), 403);
  }
  for (const sess of [admin, street, community]) {
    for (const p of paths) {
      const r = await page(p, sess);
      if (p === '/staff/receptions' && sess === community) {
        // one station in scope: straight to it
        assert.equal(r.status, 303);
        assert.equal(r.headers.get('location'), `/staff/receptions/${station.id}`);
        continue;
      }
      isPage(r);
      assert.ok(Buffer.byteLength(r.text) < 40 * 1024, `${p} is ${Buffer.byteLength(r.text)} bytes`);
    }
  }
  // staff of another community: the activity and the station are not theirs
  isPage(await page(`/staff/activities/${act.id}`, other), 403);
  isPage(await page(`/staff/activities/${act.id}/check-in`, other), 403);
  isPage(await page(`/staff/receptions/${station.id}`, other), 403);
  isPage(await page(`/staff/receptions/${station.id}/days/2026-12-15`, other), 403);
  const list = await page('/staff/activities', other);
  isPage(list);
  assert.doesNotMatch(list.text, new RegExp(`href="/staff/activities/${act.id}"`), 'not in their list');
  const stationSelect = (html) => html.slice(html.indexOf('id="station_id"'), html.indexOf('</select>', html.indexOf('id="station_id"')));
  assert.doesNotMatch(stationSelect(list.text), new RegExp(`<option value="${station.id}"`), 'not in their stations');
  assert.match(stationSelect((await page('/staff/activities', community)).text), new RegExp(`<option value="${station.id}">`));
  const mine = await page('/staff/activities', community);
  assert.match(mine.text, new RegExp(`href="/staff/activities/${act.id}"`));
  // the demo draft is listed for its staff
  assert.match(mine.text, /草稿/);
  // the other community's clerk cannot act on it either (the API's rule)
  const refused = await postForm(`/staff/activities/${act.id}/actions`, { action: 'cancel', reason: '测试' }, other);
  isPage(refused, 403);
  assert.equal((await srv.get(`/api/v1/activities/${act.id}`)).body.status, 'open');
});

test('the plan form: validation beside the field with the input kept, CSRF, one activity per form', async () => {
  const before = await activityCount();
  const form = await page('/staff/activities', community);
  const token = hidden(form.text, 'form_token');
  // six kinds in Chinese
  for (const k of ['共学', '共话', '共建', '共督', '共评', '共享']) assert.match(form.text, new RegExp(`>${k}</option>`));
  // no title: the API's message beside the title, the input kept
  let r = await postForm('/staff/activities', { form_token: token, ...planFields({ title: '', theme: '<b>停车</b>' }) }, community);
  isPage(r, 400);
  assert.match(r.text, /id="title"[^>]*aria-invalid="true" aria-describedby="title-error"/);
  assert.match(r.text, /<p id="title-error" class="error">/);
  assert.match(r.text, /&lt;b&gt;停车&lt;\/b&gt;/, 'the theme kept, escaped');
  assert.match(r.text, new RegExp(`<option value="${station.id}" selected>`));
  // ends before it starts: beside the end time
  r = await postForm('/staff/activities', { form_token: token, ...planFields({ end_time: '08:00' }) }, community);
  isPage(r, 400);
  assert.match(r.text, /<p id="ends_at-error" class="error">/);
  // a capacity that is no number
  r = await postForm('/staff/activities', { form_token: token, ...planFields({ capacity: '很多' }) }, community);
  isPage(r, 400);
  assert.match(r.text, /<p id="capacity-error" class="error">名额须为/);
  // a station outside the scope: the API refuses it
  const far = (await srv.getAll('/api/v1/stations')).find((s) => s.community_id !== C && s.street_id !== station.street_id);
  r = await postForm('/staff/activities', { form_token: token, ...planFields({ station_id: far.id }) }, community);
  isPage(r, 403);
  // without the CSRF field
  isPage(await postForm('/staff/activities', { form_token: token, ...planFields() }, community, { csrf: false }), 403);
  assert.equal(await activityCount(), before, 'nothing planned by refused forms');
  // the good form, sent twice (the double click): one activity, same page
  const fields = { form_token: token, ...planFields({ title: '约您共话:一次提交', deputy_ids: [], unit_ids: [] }) };
  const [a, b] = await Promise.all([postForm('/staff/activities', fields, community),
    postForm('/staff/activities', fields, community)]);
  assert.equal(a.status, 303);
  assert.equal(b.status, 303);
  const c = await postForm('/staff/activities', fields, community);
  assert.equal(c.status, 303);
  assert.equal(await activityCount(), before + 1, 'one activity for one form');
  const id = Number(c.headers.get('location').split('/').pop());
  assert.ok(id > 0, c.headers.get('location'));
  const made = (await srv.get(`/api/v1/activities/${id}`, as(community))).body;
  assert.equal(made.status, 'draft');
  assert.equal(made.starts_at, iso('2026-12-20T09:30'));
  assert.equal(made.title, '约您共话:一次提交');
});

test('publishing: the notice rule is shown; a second click changes nothing', async () => {
  const soon = await plan(planFields({ title: '约您共学:太急了', start_date: '2026-12-02', end_date: '2026-12-02' }));
  let r = await postForm(`/staff/activities/${soon}/actions`, { action: 'open' }, community);
  isPage(r, 409);
  assert.match(r.text, /活动须至少提前 3 天发布预告/);
  assert.equal((await srv.get(`/api/v1/activities/${soon}`, as(community))).body.status, 'draft');
  const id = await plan(planFields({ title: '约您共话:发布一次' }));
  r = await postForm(`/staff/activities/${id}/actions`, { action: 'open' }, community);
  assert.equal(r.status, 303);
  assert.equal(r.headers.get('location'), `/staff/activities/${id}?done=open`);
  const again = await postForm(`/staff/activities/${id}/actions`, { action: 'open' }, community);
  assert.equal(again.status, 303, 'the second click lands on the same page');
  const shown = await page(`/staff/activities/${id}?done=open`, community);
  isPage(shown);
  assert.match(shown.text, /活动已发布/);
  const audit = await srv.getAll(`/api/v1/audit?entity=activity&id=${id}`, as(admin));
  assert.equal(audit.filter((e) => e.action === 'activity.open' && e.entity_id === id).length, 1, 'published once');
  // cancel needs a reason, beside the field
  r = await postForm(`/staff/activities/${id}/actions`, { action: 'cancel', reason: '  ' }, community);
  isPage(r, 400);
  assert.match(r.text, /<p id="reason-error" class="error">/);
});

test('registrations with names for staff, the clerk check-in page, attendance, Q&A once, the record', async () => {
  const id = await plan(planFields({ title: '约您共督:签到测试', capacity: '1' }));
  assert.equal((await postForm(`/staff/activities/${id}/actions`, { action: 'open' }, community)).status, 303);
  const reg = await srv.post(`/api/v1/activities/${id}/registrations`, { name: RESIDENT, phone: PHONE });
  assert.equal(reg.status, 201, reg.text);
  const wait = await srv.post(`/api/v1/activities/${id}/registrations`, { name: '候补居民', phone: '13912345602' });
  assert.equal(wait.body.status, 'waitlisted');
  const code = reg.body.check_in_code;
  const p = await page(`/staff/activities/${id}`, community);
  isPage(p);
  assert.ok(p.text.includes(RESIDENT) && p.text.includes(PHONE), 'staff in scope see names and phones');
  assert.ok(p.text.includes(code));
  // the public activity answer stays without them
  assert.ok(!(await srv.get(`/api/v1/activities/${id}`)).text.includes(RESIDENT));
  // the clerk's page: a wrong code, a waitlisted one, the right one, twice
  const url = `/staff/activities/${id}/check-in`;
  let r = await postForm(url, { code: '000000' === code ? '111111' : '000000' }, community);
  isPage(r, 400);
  assert.match(r.text, /<p id="code-error" class="error" role="alert">这场活动没有这个签到码/);
  r = await postForm(url, { code: wait.body.check_in_code }, community);
  isPage(r, 409);
  assert.match(r.text, /候补/);
  r = await postForm(url, { code: `${code.slice(0, 3)}-${code.slice(3)}` }, community);
  assert.equal(r.status, 303);
  assert.equal(r.headers.get('location'), `${url}?ok=${code}`);
  const ok = await page(r.headers.get('location'), community);
  isPage(ok);
  assert.match(ok.text, /签到成功/);
  assert.ok(ok.text.includes(RESIDENT));
  assert.match(ok.text, /<input id="code"[^>]*autofocus[^>]*value=""/, 'the next check-in ready');
  r = await postForm(url, { code }, community);
  isPage(r, 409);
  assert.match(r.text, /已经签到过了/);
  assert.equal((await srv.get(`/api/v1/activities/${id}`, as(community))).body.checked_in, 1);
  // before it starts: attendance and Q&A are not offered, closing says why not
  r = await postForm(`/staff/activities/${id}/actions`, { action: 'close', minutes: '记录' }, community);
  isPage(r, 409);
  assert.match(r.text, /活动尚未结束/);

  // during the activity (another server on the same database, its clock then)
  const during = await serverAt('2026-12-20T10:00');
  try {
    const c2 = await during.login('community');
    const dp = await during.request('GET', `/staff/activities/${id}`, { cookie: c2.cookie });
    isPage(dp);
    assert.match(dp.text, /记录现场问答/);
    const demoDeputy = (await during.getAll('/api/v1/deputies'))[0].id;
    r = await postForm(`/staff/activities/${id}/actions`, { action: 'record_attendance', deputy_ids: [demoDeputy] }, c2, { server: during });
    assert.equal(r.status, 303, r.text.slice(0, 500));
    const qaToken = hidden(dp.text, 'form_token');
    const qa = { action: 'add_qa', form_token: qaToken, question: '停车位够不够?', answer: '年底前新增 30 个。' };
    r = await postForm(`/staff/activities/${id}/actions`, { ...qa, answer: '' }, c2, { server: during });
    isPage(r, 400);
    assert.match(r.text, /<p id="qa-answer-error" class="error">/);
    assert.match(r.text, /停车位够不够\?/, 'the question kept');
    const [q1, q2] = await Promise.all([postForm(`/staff/activities/${id}/actions`, qa, c2, { server: during }),
      postForm(`/staff/activities/${id}/actions`, qa, c2, { server: during })]);
    assert.equal(q1.status, 303);
    assert.equal(q2.status, 303);
    const a = (await during.get(`/api/v1/activities/${id}`, as(c2))).body;
    assert.equal(a.qa.length, 1, 'one Q&A entry for one form');
    assert.equal(a.deputy_attendance, 1);
  } finally {
    await during.stop();
  }
  // after it ended: the record is required, then it closes once
  const later = await serverAt('2026-12-21T10:00');
  try {
    const c3 = await later.login('community');
    r = await postForm(`/staff/activities/${id}/actions`, { action: 'close', minutes: ' ', suggestion_ids: '' }, c3, { server: later });
    isPage(r, 400);
    assert.match(r.text, /<p id="minutes-error" class="error">/);
    r = await postForm(`/staff/activities/${id}/actions`, { action: 'close', minutes: '记录', suggestion_ids: '九' }, c3, { server: later });
    isPage(r, 400);
    assert.match(r.text, /<p id="suggestion_ids-error" class="error">/);
    const close = { action: 'close', minutes: '居民提出停车问题 5 个。', suggestion_ids: '' };
    assert.equal((await postForm(`/staff/activities/${id}/actions`, close, c3, { server: later })).status, 303);
    assert.equal((await postForm(`/staff/activities/${id}/actions`, close, c3, { server: later })).status, 303);
    const a = (await later.get(`/api/v1/activities/${id}`)).body;
    assert.equal(a.status, 'closed');
    assert.equal(a.minutes, '居民提出停车问题 5 个。');
  } finally {
    await later.stop();
  }
});

test('the reception schedule form: the saved rule shown, errors beside the field, saving', async () => {
  community = await srv.login('community'); // the servers at other times ended the session
  other = await srv.login('community-other', PW);
  const base = `/staff/receptions/${station.id}`;
  let r = await page(base, community);
  isPage(r);
  assert.match(r.text, /<option value="day_of_month" selected>/);
  assert.match(r.text, /id="day" name="day"[^>]*value="15"/);
  assert.match(r.text, /href="\/staff\/receptions\/\d+\/days\/2026-12-15"/, 'the next reception day');
  const fields = { day_kind: 'nth_weekday', nth: '2', weekday: '2', months: 'list', month_list: [3, 9],
    start: '09:00', end: '08:00', slot_minutes: '30', places: '2', on_day_off: 'next', missing_day: 'last_day',
    rota_per_day: '1', rota_from: '2026-12-01', active: '1' };
  r = await postForm(`${base}/schedule`, fields, community);
  isPage(r, 400);
  assert.match(r.text, /id="end"[^>]*aria-invalid="true" aria-describedby="end-error"/);
  assert.match(r.text, /<option value="nth_weekday" selected>/, 'the input kept');
  assert.match(r.text, /name="month_list" value="9" checked/);
  isPage(await postForm(`${base}/schedule`, { ...fields, end: '11:00' }, community, { csrf: false }), 403);
  isPage(await postForm(`${base}/schedule`, { ...fields, end: '11:00' }, other), 403);
  r = await postForm(`${base}/schedule`, { ...fields, end: '11:00' }, community);
  assert.equal(r.status, 303, r.text.slice(0, 800));
  const saved = (await srv.get(`/api/v1/stations/${station.id}/reception-schedule`)).body;
  assert.equal(saved.day_kind, 'nth_weekday');
  assert.equal(saved.nth, 2);
  assert.deepEqual(saved.month_list, [3, 9]);
  assert.equal(saved.places, 2);
  // back to the 15th of every month for the next test
  r = await postForm(`${base}/schedule`, { day_kind: 'day_of_month', day: '15', months: 'all', start: '14:30',
    end: '16:30', slot_minutes: '30', places: '2', on_day_off: 'next', missing_day: 'skip', rota_per_day: '1',
    active: '1' }, community);
  assert.equal(r.status, 303);
  r = await page(`${base}?saved=1`, community);
  assert.match(r.text, /接待日安排已保存/);
});

test('a reception day: duty, bookings with names for staff, walk-ins once, the record once', async () => {
  community = await srv.login('community');
  const day = '2026-12-15';
  const url = `/staff/receptions/${station.id}/days/${day}`;
  const book = await srv.post(`/api/v1/stations/${station.id}/reception-days/${day}/bookings`,
    { slot: '14:30', name: RESIDENT, phone: PHONE });
  assert.equal(book.status, 201, book.text);
  let r = await page(url, community);
  isPage(r);
  assert.ok(r.text.includes(RESIDENT) && r.text.includes(PHONE), 'staff see who booked');
  // the public day answer carries counts only
  assert.ok(!(await srv.get(`/api/v1/stations/${station.id}/reception-days/${day}`)).text.includes(RESIDENT));
  // duty: two deputies on that date, then back to the rota
  const choices = [...r.text.matchAll(/name="deputy_ids" value="(\d+)"/g)].map((m) => Number(m[1]));
  assert.ok(choices.length >= 2, 'deputies to choose from');
  r = await postForm(`${url}/duty`, { deputy_ids: choices.slice(0, 2) }, community);
  assert.equal(r.status, 303);
  let d = (await srv.get(`/api/v1/stations/${station.id}/reception-days/${day}`)).body;
  assert.equal(d.duty, 'assigned');
  assert.deepEqual(d.deputies.map((x) => x.id).sort(), choices.slice(0, 2).sort());
  // a date that is no reception day
  isPage(await page(`/staff/receptions/${station.id}/days/2026-12-16`, community), 404);
  // walk-ins and the record before the day: refused with the rule's message
  r = await page(url, community);
  const walkToken = hidden(r.text, 'form_token');
  r = await postForm(`${url}/walk-ins`, { form_token: walkToken, name: '来访居民' }, community);
  isPage(r, 409);
  assert.match(r.text, /接待日尚未到来/);

  const onDay = await serverAt('2026-12-15T15:00');
  try {
    const c2 = await onDay.login('community');
    r = await onDay.request('GET', url, { cookie: c2.cookie });
    isPage(r);
    const token = hidden(r.text, 'form_token');
    r = await postForm(`${url}/walk-ins`, { form_token: token, name: '来访居民', phone: '123' }, c2, { server: onDay });
    isPage(r, 400);
    assert.match(r.text, /<p id="walk-phone-error" class="error">/);
    assert.match(r.text, /value="来访居民"/, 'the name kept');
    const walk = { form_token: token, name: '来访居民', phone: '13912345603', note: '反映噪音' };
    const [w1, w2] = await Promise.all([postForm(`${url}/walk-ins`, walk, c2, { server: onDay }),
      postForm(`${url}/walk-ins`, walk, c2, { server: onDay })]);
    assert.equal(w1.status, 303);
    assert.equal(w2.status, 303);
    const bookings = (await onDay.get(`/api/v1/stations/${station.id}/reception-days/${day}/bookings`, as(c2))).body.items;
    assert.equal(bookings.filter((b) => b.kind === 'walk_in').length, 1, 'one walk-in for one form');
    // the record: the summary is required, beside its field
    const rec = { deputy_ids: choices.slice(0, 1), summary: '', attended_codes: [book.body.code], concern_ids: '' };
    r = await postForm(`${url}/record`, rec, c2, { server: onDay });
    isPage(r, 400);
    assert.match(r.text, /<p id="summary-error" class="error">/);
    rec.summary = '接待群众 2 人,反映停车和噪音问题。';
    assert.equal((await postForm(`${url}/record`, rec, c2, { server: onDay })).status, 303);
    const second = await postForm(`${url}/record`, rec, c2, { server: onDay });
    assert.equal(second.status, 303, 'the second submit lands on the record');
    const record = (await onDay.get(`/api/v1/stations/${station.id}/reception-days/${day}/record`, as(c2))).body;
    assert.equal(record.summary, rec.summary);
    assert.equal(record.residents_received, 2, 'the walk-in and the attended booking');
    r = await onDay.request('GET', url, { cookie: c2.cookie });
    isPage(r);
    assert.match(r.text, /接待记录/);
    assert.ok(r.text.includes(rec.summary));
    assert.doesNotMatch(r.text, /action="[^"]*\/record"/, 'no second record form');
  } finally {
    await onDay.stop();
  }
  d = (await srv.get(`/api/v1/stations/${station.id}/reception-days/${day}`)).body;
  assert.equal(d.walk_ins, 1);
});
