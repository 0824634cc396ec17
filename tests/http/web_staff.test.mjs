// The staff's casework pages under /staff/ (docs/WEB.md "Pages"): who may open
// them (401 without a login, 403 for residents, deputies and units), what each
// staff role sees of a concern (contact details as the API shows them: in full
// to street staff, masked to a leader, 404 outside the scope), the handling
// forms the API allows and only those, validation beside the field with the
// input kept, CSRF, double submits that never act twice (the one-time form
// token), the merge's and the assignment's confirm steps (the due dates shown
// before confirming are the ones the API then sets), the inbox and the
// supervision board.  On both backends.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, driveTo, client, at, as } from './sg_helpers.mjs';

const NOW = at('2026-09-28T10:00');
const PHONE = '13912345678';
const NAME = '李大明员工页测试';

let ctx, srv, S, station, otherStation;

before(async () => {
  ctx = await setup(NOW);
  srv = ctx.srv;
  S = ctx.s.street.user.roles[0].scope_id;
  const mine = (await srv.get(`/api/v1/stations?street=${S}&limit=1`)).body.items;
  station = mine[0];
  const all = await srv.getAll('/api/v1/stations');
  otherStation = all.find((s) => s.street_id !== S);
  assert.ok(station && otherStation);
});
after(async () => { await srv?.stop(); });

const cookieOf = (login) => ctx.s[login].cookie;
const page = (path, login) => srv.request('GET', path, login ? { cookie: cookieOf(login) } : {});

function postForm(path, fields, login) {
  const headers = { 'content-type': 'application/x-www-form-urlencoded' };
  if (login) headers.cookie = cookieOf(login);
  return srv.request('POST', path, { raw: new URLSearchParams(fields).toString(), headers });
}

function hidden(html, name) {
  const m = html.match(new RegExp(`name="${name}" value="([^"]*)"`));
  return m ? m[1] : null;
}

function isPage(r, status = 200) {
  assert.equal(r.status, status, r.text.slice(0, 800));
  assert.equal(r.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.match(r.headers.get('content-security-policy'), /script-src 'self'/);
  assert.doesNotMatch(r.text, /<script>|<style|\sstyle="|\son[a-z]+="/);
}

async function raise(over = {}) {
  const r = await srv.post('/api/v1/concerns', {
    title: '小区门口路灯不亮', body: '晚上出行不便,请尽快修复。', category: '城市建设与管理',
    station_id: station.id, contact_name: NAME, contact_phone: PHONE, ...over,
  });
  assert.equal(r.status, 201, r.text);
  return r.body.id;
}

const concern = async (id) => (await srv.get(`/api/v1/concerns/${id}`, as(ctx.s.admin))).body;

/** Opens a concern page as login and posts one action form with its tokens. */
async function act(login, id, fields, { base = '/staff/concerns' } = {}) {
  const p = await page(`${base}/${id}`, login);
  isPage(p);
  const r = await postForm(`${base}/${id}/actions`, {
    csrf_token: hidden(p.text, 'csrf_token'), form_token: hidden(p.text, 'form_token'), ...fields,
  }, login);
  return { r, form: p.text };
}

test('only staff open /staff/: 401 with a login link, 403 for other roles', async () => {
  const anon = await page('/staff/');
  isPage(anon, 401);
  assert.match(anon.text, /href="\/login/);
  for (const login of ['resident', 'deputy', 'unit']) {
    for (const path of ['/staff/', '/staff/concerns', '/staff/suggestions', '/staff/supervision', '/staff/inbox'])
      isPage(await page(path, login), 403);
  }
  for (const login of ['admin', 'leader', 'street', 'community', 'procurator']) {
    for (const path of ['/staff/', '/staff/suggestions', '/staff/supervision', '/staff/inbox']) {
      const r = await page(path, login);
      isPage(r);
      assert.match(r.text, /<h1>/);
      assert.equal((r.text.match(/<h1[ >]/g) || []).length, 1, `${login} ${path}: one h1`);
      assert.ok(r.text.length < 50 * 1024, `${path} under 50 KB`);
    }
  }
  // the procurator sees no concerns: the API says 403, so does the page
  isPage(await page('/staff/concerns', 'procurator'), 403);
  assert.equal((await page('/staff', 'admin')).headers.get('location'), '/staff/');
});

test('the triage inbox lists what the API lists for the caller, filtered and paged', async () => {
  const id = await raise({ title: '<b>路面塌陷</b>需要处理' });
  const other = await raise({ station_id: otherStation.id, title: '别的街道的问题' });
  const street = await page(`/staff/concerns?status=new&street=${S}`, 'street');
  isPage(street);
  assert.match(street.text, new RegExp(`href="/staff/concerns/${id}"`));
  assert.match(street.text, /&lt;b&gt;路面塌陷&lt;\/b&gt;/, 'titles are escaped');
  assert.doesNotMatch(street.text, new RegExp(`/staff/concerns/${other}"`), 'another street is out of scope');
  const admin = await page('/staff/concerns?status=new', 'admin');
  assert.match(admin.text, new RegExp(`/staff/concerns/${other}"`));
  // what the API counts for street staff is what the page lists
  const api = await srv.getAll('/api/v1/concerns?status=new', as(ctx.s.street));
  const first = await page('/staff/concerns?status=new', 'street');
  const rows = (first.text.match(/<tr><td>/g) || []).length;
  assert.equal(rows, Math.min(api.length, 20));
  // a filter value the API does not know: 400 beside the field
  const bad = await page('/staff/concerns?status=nonsense', 'street');
  isPage(bad, 400);
  assert.match(bad.text, /aria-describedby="status-error"/);
  assert.match(bad.text, /id="status-error" class="error">请从列表中选择状态/);
  // paging with the API's cursor
  for (let i = 0; i < 21; i++) await raise({ title: `分页测试${i}` });
  const p1 = await page('/staff/concerns?status=new', 'admin');
  const next = p1.text.match(/href="(\/staff\/concerns\?status=new&amp;cursor=[^"]+)"/);
  assert.ok(next, 'a next page link');
  const p2 = await page(next[1].replace(/&amp;/g, '&'), 'admin');
  isPage(p2);
  const ids1 = [...p1.text.matchAll(/<tr><td>(\d+)<\/td>/g)].map((m) => +m[1]);
  const ids2 = [...p2.text.matchAll(/<tr><td>(\d+)<\/td>/g)].map((m) => +m[1]);
  assert.equal(ids1.length, 20);
  assert.ok(ids2.length > 0 && ids2.every((x) => !ids1.includes(x)) && Math.max(...ids2) < Math.min(...ids1));
  isPage(await page('/staff/concerns?cursor=%3Cx%3E', 'admin'), 400);
});

test('a concern: contact details as the API shows them, only the allowed forms', async () => {
  const id = await raise();
  const street = await page(`/staff/concerns/${id}`, 'street');
  isPage(street);
  assert.ok(street.text.includes(PHONE) && street.text.includes(NAME), 'street staff see the contact in full');
  for (const a of ['accept', 'decline', 'resolve_on_site', 'refer', 'merge'])
    assert.match(street.text, new RegExp(`name="action" value="${a}"`), a);
  assert.doesNotMatch(street.text, /name="action" value="resolve"/, 'resolve needs an accepted concern');
  const leader = await page(`/staff/concerns/${id}`, 'leader');
  isPage(leader);
  assert.ok(!leader.text.includes(PHONE) && !leader.text.includes(NAME), 'a leader sees it masked');
  assert.match(leader.text, /138\*\*\*\*5678|139\*\*\*\*5678/);
  assert.doesNotMatch(leader.text, /name="action"/, 'a leader only observes');
  const out = await raise({ station_id: otherStation.id });
  isPage(await page(`/staff/concerns/${out}`, 'street'), 404);
  isPage(await page(`/staff/concerns/${id}`, 'procurator'), 404);
});

test('handling forms: validation beside the field, CSRF, one action per form even when sent twice', async () => {
  const id = await raise();
  // decline without a reason: the API's message beside the field, the input kept
  const { r: bad } = await act('street', id, { action: 'decline', reason: '', redirect: '向人民法院起诉' });
  isPage(bad, 400);
  assert.match(bad.text, /id="decline-reason"[^>]*aria-invalid="true" aria-describedby="decline-reason-error"/);
  assert.match(bad.text, /id="decline-reason-error" class="error">/);
  assert.match(bad.text, /value="向人民法院起诉"/);
  assert.equal((await concern(id)).status, 'new');
  // no CSRF token: 403, nothing done
  const p = await page(`/staff/concerns/${id}`, 'street');
  const noCsrf = await postForm(`/staff/concerns/${id}/actions`,
    { form_token: hidden(p.text, 'form_token'), action: 'accept' }, 'street');
  isPage(noCsrf, 403);
  assert.equal((await concern(id)).status, 'new');
  // refer twice with the same form (a double click): one referral
  const tree = (await srv.get('/api/v1/regions')).body.items;
  const region = tree[0].children.find((x) => x.id === S).children[0];
  const fields = { csrf_token: hidden(p.text, 'csrf_token'), form_token: hidden(p.text, 'form_token'),
    action: 'refer', region_id: String(region.id), note: '请社区处理' };
  const [a, b] = await Promise.all([
    postForm(`/staff/concerns/${id}/actions`, fields, 'street'),
    postForm(`/staff/concerns/${id}/actions`, fields, 'street'),
  ]);
  assert.equal(a.status, 303);
  assert.equal(b.status, 303);
  const again = await postForm(`/staff/concerns/${id}/actions`, fields, 'street');
  assert.equal(again.status, 303);
  assert.equal(again.headers.get('location'), `/staff/concerns/${id}`);
  const c = await concern(id);
  assert.equal(c.status, 'referred');
  assert.equal(c.timeline.filter((e) => e.action === 'refer').length, 1, 'referred once');
  // the done notice after the redirect
  const done = await page(`/staff/concerns/${id}?done=refer`, 'street');
  assert.match(done.text, /已完成:转交/);
  // accept, then resolve with a result
  const stale = await page(`/staff/concerns/${id}`, 'admin');
  assert.equal((await act('street', id, { action: 'accept' })).r.status, 303);
  const { r: res } = await act('street', id, { action: 'resolve', result: '路灯已修复' });
  assert.equal(res.status, 303);
  const after = await concern(id);
  assert.equal(after.status, 'resolved');
  assert.equal(after.result, '路灯已修复');
  // a form for an action the state no longer allows: 409, nothing changed
  const late = await postForm(`/staff/concerns/${id}/actions`, { csrf_token: hidden(stale.text, 'csrf_token'),
    form_token: hidden(stale.text, 'form_token'), action: 'accept' }, 'admin');
  isPage(late, 409);
  assert.equal((await concern(id)).timeline.filter((e) => e.action === 'accept').length, 1);
});

test('merge shows the target title before merging; resolve on site with a unit reaches the board', async () => {
  const target = await raise({ title: '合并目标:路灯不亮' });
  const dup = await raise({ title: '重复反映:路灯不亮' });
  const { r: step1 } = await act('street', dup, { action: 'merge', into: String(target) });
  isPage(step1);
  assert.match(step1.text, /确认合并/);
  assert.match(step1.text, /合并目标:路灯不亮/);
  assert.equal((await concern(dup)).status, 'new', 'nothing merged before confirming');
  const { r: unknown } = await act('street', dup, { action: 'merge', into: '99999999' });
  isPage(unknown, 400);
  assert.match(unknown.text, /id="merge-into-error" class="error">/);
  const confirm = await postForm(`/staff/concerns/${dup}/actions`, {
    csrf_token: hidden(step1.text, 'csrf_token'), form_token: hidden(step1.text, 'form_token'),
    action: 'merge', into: String(target), confirm: '1',
  }, 'street');
  assert.equal(confirm.status, 303, confirm.text);
  const merged = await concern(dup);
  assert.equal(merged.status, 'merged');
  assert.equal(merged.merged_into, target);

  const onsite = await raise({ title: '现场承诺:修复井盖' });
  const { r } = await act('street', onsite, { action: 'resolve_on_site', result: '城管局现场承诺一周内修复', unit_id: String(ctx.ids.U1) });
  assert.equal(r.status, 303, r.text);
  const board = await page('/staff/supervision', 'admin');
  isPage(board);
  assert.match(board.text, new RegExp(`href="/staff/concerns/${onsite}">现场承诺:修复井盖`));
});

test('suggestions: screening, the assignment with its due dates shown before confirming', async () => {
  const s = await driveTo(ctx, 'submitted');
  const leader = await page(`/staff/suggestions/${s.id}`, 'leader');
  isPage(leader);
  assert.doesNotMatch(leader.text, /value="accept"|value="return_as_letter"/, 'screening is the office\'s');
  const adminPage = await page(`/staff/suggestions/${s.id}`, 'admin');
  assert.match(adminPage.text, /name="action" value="accept"/);
  assert.match(adminPage.text, /name="action" value="return_as_letter"/);
  // return_as_letter without a reason from the list: 400 beside the field
  const { r: noReason } = await act('admin', s.id, { action: 'return_as_letter', reason: '', detail: '补充' }, { base: '/staff/suggestions' });
  isPage(noReason, 400);
  assert.match(noReason.text, /id="letter-reason-error" class="error">请选择/);
  assert.match(noReason.text, />补充<\/textarea>/);
  const { r: accepted } = await act('admin', s.id, { action: 'accept' }, { base: '/staff/suggestions' });
  assert.equal(accepted.status, 303);
  // the first POST shows the due dates; nothing is assigned yet
  const { r: none } = await act('admin', s.id, { action: 'assign' }, { base: '/staff/suggestions' });
  isPage(none, 400);
  assert.match(none.text, /id="assign-units-error" class="error">须指定承办单位/);
  const form = await page(`/staff/suggestions/${s.id}`, 'admin');
  const fields = new URLSearchParams({ csrf_token: hidden(form.text, 'csrf_token'), form_token: hidden(form.text, 'form_token'), action: 'assign' });
  fields.append('lead', String(ctx.ids.U1));
  fields.append('co', String(ctx.ids.U2));
  const headers = { 'content-type': 'application/x-www-form-urlencoded', cookie: cookieOf('admin') };
  const preview = await srv.request('POST', `/staff/suggestions/${s.id}/actions`, { raw: fields.toString(), headers });
  isPage(preview);
  assert.match(preview.text, /<h1>确认交办<\/h1>/);
  const due = preview.text.match(/主办单位应在 <strong>(\d{4}-\d\d-\d\d)<\/strong>/)[1];
  const coDue = preview.text.match(/协办单位应在 <strong>(\d{4}-\d\d-\d\d)<\/strong>/)[1];
  assert.equal((await client(ctx).get('admin', s.id)).body.status, 'accepted', 'the preview assigns nothing');
  // confirm, twice (a double click): one assignment of each unit
  const confirm = new URLSearchParams({ csrf_token: hidden(preview.text, 'csrf_token'), form_token: hidden(preview.text, 'form_token'), action: 'assign', confirm: '1' });
  for (const m of preview.text.matchAll(/name="(lead|co)" value="(\d+)"/g)) confirm.append(m[1], m[2]);
  const c1 = await srv.request('POST', `/staff/suggestions/${s.id}/actions`, { raw: confirm.toString(), headers });
  const c2 = await srv.request('POST', `/staff/suggestions/${s.id}/actions`, { raw: confirm.toString(), headers });
  assert.equal(c1.status, 303, c1.text);
  assert.equal(c2.status, 303);
  const now = (await client(ctx).get('admin', s.id)).body;
  assert.equal(now.status, 'assigned');
  assert.equal(now.assignments.length, 2);
  const lead = now.assignments.find((g) => g.role === 'lead');
  const co = now.assignments.find((g) => g.role === 'co');
  assert.equal(lead.due_at.slice(0, 10), due, 'the due date shown is the one set');
  assert.equal(co.co_opinion_due_at.slice(0, 10), coDue);
  assert.equal(now.timeline.filter((e) => e.action === 'assign').length, 1);
});

test('mark_key tells the leader; the leader reads it in the inbox and sees it on the board', async () => {
  const s = await driveTo(ctx, 'assigned');
  const { r: bad } = await act('admin', s.id, { action: 'mark_key', leader_id: '', committee: '城建环保工委' }, { base: '/staff/suggestions' });
  isPage(bad, 400);
  assert.match(bad.text, /id="key-leader-error" class="error">/);
  assert.match(bad.text, /value="城建环保工委"/);
  // the leader select offers the demo's leader (store_users_with_role), by id
  assert.match(bad.text, new RegExp(`<option value="${ctx.ids.leader}">[^<]+</option>`));
  const { r } = await act('admin', s.id, { action: 'mark_key', leader_id: String(ctx.ids.leader), committee: '城建环保工委' }, { base: '/staff/suggestions' });
  assert.equal(r.status, 303, r.text);
  const board = await page('/staff/supervision', 'leader');
  assert.match(board.text, new RegExp(`href="/staff/suggestions/${s.id}"`));
  assert.match(board.text, /城建环保工委/);
  const inbox = await page('/staff/inbox', 'leader');
  isPage(inbox);
  const unread = (await srv.getAll('/api/v1/inbox', as(ctx.s.leader))).filter((x) => !x.read);
  assert.ok(unread.length >= 1);
  const item = unread.find((x) => x.suggestion_id === s.id) || unread[0];
  assert.match(inbox.text, new RegExp(`action="/staff/inbox/${item.id}/read"`));
  const home = await page('/staff/', 'leader');
  assert.match(home.text, new RegExp(`<span class="count">${unread.length}</span> <span class="label">未读提醒`));
  const read = await postForm(`/staff/inbox/${item.id}/read`, { csrf_token: hidden(inbox.text, 'csrf_token') }, 'leader');
  assert.equal(read.status, 303);
  const again = (await srv.getAll('/api/v1/inbox', as(ctx.s.leader))).find((x) => x.id === item.id);
  assert.equal(again.read, true);
  isPage(await postForm(`/staff/inbox/${item.id}/read`, {}, 'leader'), 403);
  // supervise: the note goes to the units, once per form
  const p = await page(`/staff/suggestions/${s.id}`, 'leader');
  const f = { csrf_token: hidden(p.text, 'csrf_token'), form_token: hidden(p.text, 'form_token'), action: 'supervise', note: '请加快办理' };
  assert.equal((await postForm(`/staff/suggestions/${s.id}/actions`, f, 'leader')).status, 303);
  assert.equal((await postForm(`/staff/suggestions/${s.id}/actions`, f, 'leader')).status, 303);
  const tl = (await client(ctx).get('admin', s.id)).body.timeline;
  assert.equal(tl.filter((e) => e.action === 'supervise').length, 1, 'supervised once');
});

test('the home page counts what the API lists for the caller', async () => {
  const news = await srv.getAll('/api/v1/concerns?status=new', as(ctx.s.street));
  const home = await page('/staff/', 'street');
  isPage(home);
  assert.match(home.text, new RegExp(`<span class="count">${news.length}</span> <span class="label">新反映的问题`));
  const submitted = await srv.getAll('/api/v1/suggestions?status=submitted', as(ctx.s.admin));
  const admin = await page('/staff/', 'admin');
  assert.match(admin.text, new RegExp(`<span class="count">${submitted.length}</span> <span class="label">待审查的建议`));
  const proc = await page('/staff/', 'procurator');
  assert.doesNotMatch(proc.text, /新反映的问题/, 'the procurator sees no concerns');
  // due soon and overdue: what GET /api/v1/supervision lists (working days, the sweep's rules)
  const soon = await srv.getAll('/api/v1/supervision?state=due_soon', as(ctx.s.admin));
  const over = await srv.getAll('/api/v1/supervision?state=overdue', as(ctx.s.admin));
  assert.match(admin.text, new RegExp(`<span class="count">${soon.length}</span> <span class="label">即将到期`));
  assert.match(admin.text, new RegExp(`<span class="count">${over.length}</span> <span class="label">已超期`));
  assert.doesNotMatch(proc.text, /href="\/staff\/supervision#due-soon"/, 'the supervision list is not the procurator\'s');
  const board = await page('/staff/supervision', 'admin');
  assert.match(board.text, /个工作日内/, 'due soon is counted in working days');
});
