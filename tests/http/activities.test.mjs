// 代表有约 activities (DOMAIN.md §3, §6; CONTRACT.md; docs/ACTIVITIES.md):
// planning by role and scope, validation naming the field, the notice rule,
// registrations with check-in codes and the waiting list, the six actions
// allowed and refused by role and by time (servers on one database with
// their clocks pinned at later dates), the record afterwards, personal data
// kept out of public answers, the audit trail, the list's filters and
// pagination — and the street-lights case of 快速+现场.  Every refusal is
// checked to have changed nothing by reading back.  On both backends.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, isError, cli } from './harness.mjs';
import { at } from './sg_helpers.mjs';

const NOW = '2026-12-01T10:00';
process.env.YOUYUE_NOW = String(at(NOW));
const PW = 'activity-test-password';
let srv;
let admin, leader, street, community, deputyDemo, unitDemo, resident, depA, lightsUnit;
let S, C, S2, stC, stS, stOther, depAId, depBId, unitBuild, unitLights;

const as = (s) => (s ? { cookie: s.cookie, csrf: s.csrf } : {});
const iso = (local) => `${local}:00+08:00`;

const addUser = (login, role, scope) => {
  const r = cli(['user', 'add', '--db', srv.db, '--login', login, '--role', role,
    ...(scope ? ['--scope', String(scope)] : []), '--password-stdin'], { input: `${PW}\n` });
  assert.equal(r.status, 0, r.stderr);
  return srv.login(login, PW);
};

before(async () => {
  srv = await startServer({ args: ['--anon-rate', '0', '--remind-interval', '0'] });
  [admin, leader, street, community, deputyDemo, unitDemo, resident] = await Promise.all(
    ['admin', 'leader', 'street', 'community', 'deputy', 'unit', 'resident'].map((l) => srv.login(l)));
  S = street.user.roles[0].scope_id;
  C = community.user.roles[0].scope_id;
  const tree = (await srv.get('/api/v1/regions')).body.items[0];
  const other = tree.children.find((s) => s.id !== S && s.children.length > 0);
  S2 = other.id;
  const mk = async (name, street_id, community_id, lat, lon) => {
    const r = await srv.post('/api/v1/stations', { kind: 'reception_room', name, street_id, community_id,
      address: `${name}地址`, lat, lon }, as(admin));
    assert.equal(r.status, 201, r.text);
    return r.body.id;
  };
  stC = await mk('有约测试接待室', S, C, 30.5801, 114.2801);
  stS = await mk('有约测试街道站', S, null, 30.5811, 114.2811);
  stOther = await mk('有约测试外街站', S2, other.children[0].id, 30.6201, 114.2401);
  const dep = async (name) => {
    const r = await srv.post('/api/v1/deputies', { name, levels: ['district'], sector: '社区',
      station_ids: [stC] }, as(admin));
    assert.equal(r.status, 201, r.text);
    return r.body.id;
  };
  depAId = await dep('有约测试代表甲');
  depBId = await dep('有约测试代表乙');
  depA = await addUser('act-dep-a', 'deputy', depAId);
  const units = await srv.getAll('/api/v1/units');
  unitBuild = units.find((u) => u.name === '区建设局').id;
  unitLights = units.find((u) => u.name === '区城管执法局').id;
  lightsUnit = await addUser('act-unit-lights', 'unit_staff', unitLights);
});
after(async () => { assert.equal(await srv.stop(), 0, 'server exits cleanly'); });

let seq = 0;
const plan = (over = {}) => ({
  kind: 'talk', title: `有约测试活动${++seq}`, theme: '社区治理面对面', station_id: stC,
  starts_at: iso('2026-12-10T09:00'), ends_at: iso('2026-12-10T11:00'), capacity: 30,
  deputy_ids: [depAId, depBId], unit_ids: [unitBuild], ...over,
});
async function create(over = {}, who = street) {
  const r = await srv.post('/api/v1/activities', plan(over), as(who));
  assert.equal(r.status, 201, r.text);
  return r.body;
}
const act = (id, body, who) => srv.post(`/api/v1/activities/${id}/actions`, body, as(who));
async function opened(over = {}) {
  const a = await create(over);
  const r = await act(a.id, { action: 'open' }, street);
  assert.equal(r.status, 200, r.text);
  return r.body;
}
const register = (id, body, who) => srv.post(`/api/v1/activities/${id}/registrations`, body, as(who));
const staffView = async (id) => (await srv.get(`/api/v1/activities/${id}`, as(admin))).body;
let phoneSeq = 0;
const phone = () => `139${String(10000000 + (++phoneSeq) + (process.pid % 1000) * 1000).slice(-8)}`;

/** Another server on the same database whose clock reads `local`. */
async function serverAt(local) {
  const keep = process.env.YOUYUE_NOW;
  process.env.YOUYUE_NOW = String(at(local));
  try {
    return await startServer({ demo: false, db: srv.db, args: ['--anon-rate', '0', '--remind-interval', '0'] });
  } finally {
    process.env.YOUYUE_NOW = keep;
  }
}

test('planning by role and scope; a draft is seen only by the staff who run it', async () => {
  const byAdmin = await create({ station_id: stOther }, admin);
  assert.equal(byAdmin.status, 'draft');
  assert.equal(byAdmin.street_id, S2);
  const byStreet = await create({ station_id: stS }, street);
  assert.equal(byStreet.street_id, S);
  assert.equal(byStreet.kind_label, '共话');
  assert.deepEqual(byStreet.deputies.map((d) => [d.deputy_id, d.invited, d.attended]),
    [[depAId, true, false], [depBId, true, false]]);
  assert.deepEqual(byStreet.units.map((u) => u.unit_id), [unitBuild]);
  assert.deepEqual(byStreet.actions.sort(), ['cancel', 'open']);
  const byCommunity = await create({ station_id: stC }, community);
  assert.equal(byCommunity.community_id, C);
  // a venue takes the planner's scope
  const venue = await create({ station_id: undefined, venue: '区图书馆报告厅', kind: 'learn' }, community);
  assert.equal(venue.community_id, C);
  assert.equal(venue.street_id, S);
  assert.equal(venue.station_id, null);

  const before = (await srv.getAll('/api/v1/activities', as(admin))).length;
  isError(await srv.post('/api/v1/activities', plan({ station_id: stOther }), as(street)), 403, 'forbidden');
  isError(await srv.post('/api/v1/activities', plan({ station_id: stS }), as(community)), 403, 'forbidden');
  for (const who of [deputyDemo, depA, unitDemo, resident, leader])
    isError(await srv.post('/api/v1/activities', plan(), as(who)), 403, 'forbidden');
  isError(await srv.post('/api/v1/activities', plan()), 401, 'login_required');
  assert.equal((await srv.getAll('/api/v1/activities', as(admin))).length, before, 'nothing was created');

  // drafts: 404 and unlisted for the public and for staff of other places
  isError(await srv.get(`/api/v1/activities/${byStreet.id}`), 404, 'not_found');
  isError(await srv.get(`/api/v1/activities/${byStreet.id}`, as(depA)), 404, 'not_found');
  isError(await srv.get(`/api/v1/activities/${byAdmin.id}`, as(street)), 404, 'not_found');
  assert.equal((await srv.get(`/api/v1/activities/${byStreet.id}`, as(street))).status, 200);
  assert.equal((await srv.get(`/api/v1/activities/${byCommunity.id}`, as(street))).status, 200);
  isError(await srv.get(`/api/v1/activities/${byStreet.id}`, as(community)), 404, 'not_found');
  const pub = await srv.getAll('/api/v1/activities');
  assert.ok(!pub.some((a) => a.status === 'draft'), 'the public list has no drafts');
  const mine = await srv.getAll('/api/v1/activities?status=draft', as(street));
  const ids = mine.map((a) => a.id);
  assert.ok(ids.includes(byStreet.id) && ids.includes(byCommunity.id) && !ids.includes(byAdmin.id));
  // actions on a draft outside scope: 404 as if it did not exist
  isError(await act(byAdmin.id, { action: 'open' }, street), 404, 'not_found');
  isError(await act(byStreet.id, { action: 'open' }, depA), 404, 'not_found');
});

test('bad plans: clear errors naming the field, and nothing is created', async () => {
  const before = (await srv.getAll('/api/v1/activities', as(admin))).length;
  const cases = [
    [{ ends_at: iso('2026-12-10T08:00') }, 'ends_before_start', 'ends_at'],
    [{ ends_at: iso('2026-12-10T09:00') }, 'ends_before_start', 'ends_at'],
    [{ starts_at: iso('2026-11-20T09:00'), ends_at: iso('2026-11-20T11:00') }, 'starts_in_past', 'starts_at'],
    [{ ends_at: iso('2026-12-20T09:00') }, 'too_long', 'ends_at'],
    [{ starts_at: iso('2029-12-10T09:00'), ends_at: iso('2029-12-10T11:00') }, 'too_far_ahead', 'starts_at'],
    [{ capacity: -1 }, 'invalid_capacity', 'capacity'],
    [{ capacity: 1000000 }, 'invalid_capacity', 'capacity'],
    [{ capacity: '30' }, 'invalid_type', 'capacity'],
    [{ capacity: undefined }, 'missing_field', 'capacity'],
    [{ kind: 'party' }, 'invalid_kind', 'kind'],
    [{ kind: undefined }, 'missing_field', 'kind'],
    [{ title: '' }, 'missing_field', 'title'],
    [{ venue: '区图书馆' }, 'station_or_venue', 'venue'],
    [{ station_id: undefined }, 'missing_field', 'station_id'],
    [{ station_id: 999999 }, 'unknown_station', 'station_id'],
    [{ starts_at: '2026-12-10 09:00' }, 'invalid_time', 'starts_at'],
    [{ deputy_ids: [depAId, depAId] }, 'invalid_deputy_ids', 'deputy_ids'],
    [{ deputy_ids: [999999] }, 'unknown_deputy', 'deputy_ids'],
    [{ deputy_ids: 'all' }, 'invalid_type', 'deputy_ids'],
    [{ unit_ids: [0] }, 'invalid_type', 'unit_ids'],
    [{ unit_ids: [999999] }, 'unknown_unit', 'unit_ids'],
    [{ colour: 'red' }, 'unknown_field', 'colour'],
  ];
  for (const [over, code, field] of cases) {
    const r = await srv.post('/api/v1/activities', plan(over), as(street));
    isError(r, 400, code, field);
    assert.match(r.body.error.message, /\p{Script=Han}/u, 'the message is in Chinese');
  }
  assert.equal((await srv.getAll('/api/v1/activities', as(admin))).length, before, 'nothing was created');
});

test('open: published at least 3 days ahead; refused transitions answer 409 with allowed', async () => {
  const soon = await create({ starts_at: iso('2026-12-03T09:00'), ends_at: iso('2026-12-03T11:00') });
  let r = await act(soon.id, { action: 'open' }, street);
  isError(r, 409, 'notice_too_short');
  assert.match(r.body.error.message, /3 天/);
  assert.deepEqual(r.body.error.allowed, ['cancel']);
  assert.equal((await staffView(soon.id)).status, 'draft', 'still a draft');
  // exactly three days ahead is enough
  const edge = await create({ starts_at: iso('2026-12-04T10:00'), ends_at: iso('2026-12-04T11:00') });
  assert.equal((await act(edge.id, { action: 'open' }, community)).status, 200);

  const a = await create();
  for (const who of [depA, unitDemo, resident, leader])
    isError(await act(a.id, { action: 'open' }, who), 404, 'not_found'); // a draft: not theirs to see
  r = await act(a.id, { action: 'open' }, street);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.status, 'open');
  assert.equal(r.body.published_at, iso(NOW));
  r = await act(a.id, { action: 'open' }, street);
  isError(r, 409, 'invalid_transition');
  assert.deepEqual(r.body.error.allowed.sort(), ['cancel', 'check_in']);
  // now public: others see it but may not act
  for (const who of [depA, unitDemo, resident, leader])
    isError(await act(a.id, { action: 'cancel', reason: '不办了' }, who), 403, 'forbidden');
  isError(await act(a.id, { action: 'cancel', reason: '不办了' }), 401, 'login_required');
  assert.equal((await srv.get(`/api/v1/activities/${a.id}`)).body.status, 'open');
  // bad bodies
  isError(await act(a.id, { action: 'publish' }, street), 400, 'invalid_action', 'action');
  isError(await act(a.id, { action: 'cancel' }, street), 400, 'missing_field', 'reason');
  isError(await act(a.id, { action: 'cancel', reason: '   ' }, street), 400, 'missing_field', 'reason');
  isError(await act(a.id, { action: 'open', extra: 1 }, street), 400, 'unknown_field', 'extra');
  isError(await act(a.id, { action: 'check_in', code: '12345' }, street), 400, 'invalid_code', 'code');
  isError(await act(999999, { action: 'open' }, admin), 404, 'not_found');
  assert.equal((await staffView(a.id)).status, 'open');
});

test('registrations: confirmed while places remain, then the waiting list; once per phone; personal data private', async () => {
  const a = await opened({ capacity: 2 });
  const p1 = phone(), p2 = phone(), p3 = phone();
  const r1 = await register(a.id, { name: '王小明', phone: p1 });
  assert.equal(r1.status, 201, r1.text);
  assert.equal(r1.body.status, 'confirmed');
  assert.match(r1.body.check_in_code, /^\d{6}$/);
  const r2 = await register(a.id, { name: '李四', phone: p2 });
  assert.equal(r2.body.status, 'confirmed');
  const r3 = await register(a.id, { name: '赵五', phone: p3 });
  assert.equal(r3.status, 201, 'a full activity is not an error: the waiting list');
  assert.equal(r3.body.status, 'waitlisted');
  assert.equal(r3.body.waitlist_position, 1);
  assert.equal(new Set([r1, r2, r3].map((r) => r.body.check_in_code)).size, 3);

  // twice with one phone: 409, nothing changes
  isError(await register(a.id, { name: '王小明', phone: p1 }), 409, 'already_registered');
  isError(await register(a.id, { name: '赵五', phone: p3 }), 409, 'already_registered');
  // bad input
  isError(await register(a.id, { name: '无号', phone: '12345' }), 400, 'invalid_phone', 'phone');
  isError(await register(a.id, { phone: phone() }), 400, 'missing_field', 'name');
  isError(await register(a.id, { name: '无号' }), 400, 'missing_field', 'phone');
  isError(await register(a.id, { name: '多余', phone: phone(), age: 3 }), 400, 'unknown_field', 'age');
  let v = await staffView(a.id);
  assert.deepEqual([v.confirmed, v.waitlisted, v.registrations.length], [2, 1, 3]);

  // a resident with an account registers as themselves, once
  const mine = await register(a.id, {}, resident);
  assert.equal(mine.status, 201, mine.text);
  assert.equal(mine.body.status, 'waitlisted');
  assert.equal(mine.body.waitlist_position, 2);
  isError(await register(a.id, {}, resident), 409, 'already_registered');

  // public answers: counts, never names or phones
  const pub = await srv.get(`/api/v1/activities/${a.id}`);
  assert.equal(pub.body.registrations, undefined);
  assert.equal(pub.body.confirmed, 2);
  assert.equal(pub.body.places_left, 0);
  for (const s of [p1, p2, p3, '王小明', r1.body.check_in_code]) {
    assert.ok(!pub.text.includes(s), `public answer leaks ${s}`);
    assert.ok(!(await srv.get('/api/v1/activities?limit=100')).text.includes(s));
  }
  // staff in scope in full; the other roles that see the list, masked
  v = (await srv.get(`/api/v1/activities/${a.id}`, as(street))).body;
  assert.equal(v.contact_masked, false);
  assert.deepEqual(v.registrations.map((x) => x.phone), [p1, p2, p3, null]);
  assert.equal(v.registrations[0].check_in_code, r1.body.check_in_code);
  for (const who of [leader, depA, unitDemo]) {
    const m = (await srv.get(`/api/v1/activities/${a.id}`, as(who))).body;
    assert.equal(m.contact_masked, true);
    assert.equal(m.registrations[0].phone, `${p1.slice(0, 3)}****${p1.slice(-4)}`);
    assert.equal(m.registrations[0].name, '王**');
    assert.equal(m.registrations[0].check_in_code, undefined);
  }
  for (const who of [resident, deputyDemo])
    assert.equal((await srv.get(`/api/v1/activities/${a.id}`, as(who))).body.registrations, undefined);

  // cancelling: the code with the wrong phone is nobody's; the right one frees a place
  isError(await srv.post(`/api/v1/activities/${a.id}/registrations/cancel`,
    { check_in_code: r1.body.check_in_code, phone: p2 }), 404, 'unknown_registration');
  isError(await srv.post(`/api/v1/activities/${a.id}/registrations/cancel`,
    { check_in_code: r1.body.check_in_code }), 404, 'unknown_registration');
  assert.equal((await staffView(a.id)).confirmed, 2, 'nothing changed');
  const c = await srv.post(`/api/v1/activities/${a.id}/registrations/cancel`,
    { check_in_code: r1.body.check_in_code, phone: p1 });
  assert.equal(c.status, 200, c.text);
  assert.equal(c.body.promoted, true);
  v = await staffView(a.id);
  assert.deepEqual(v.registrations.map((x) => x.status), ['cancelled', 'confirmed', 'confirmed', 'waitlisted'],
    'the first on the waiting list moved up');
  isError(await srv.post(`/api/v1/activities/${a.id}/registrations/cancel`,
    { check_in_code: r1.body.check_in_code, phone: p1 }), 409, 'already_cancelled');
  // the resident cancels their own by code, no phone needed; a waiting one frees nothing
  const c2 = await srv.post(`/api/v1/activities/${a.id}/registrations/cancel`,
    { check_in_code: mine.body.check_in_code }, as(resident));
  assert.equal(c2.status, 200, c2.text);
  assert.equal(c2.body.promoted, false);
  // and may register again after cancelling
  const again = await register(a.id, { name: '王小明', phone: p1 });
  assert.equal(again.status, 201);
  assert.equal(again.body.status, 'waitlisted');
  assert.notEqual(again.body.check_in_code, r1.body.check_in_code);
  // a draft takes no registrations (and is not there for the public)
  const d = await create();
  isError(await register(d.id, { name: '王小明', phone: phone() }), 404, 'not_found');
  isError(await register(d.id, { name: '王小明', phone: phone() }, street), 409, 'activity_draft');
  isError(await register(999999, { name: '王小明', phone: phone() }), 404, 'not_found');
  // capacity 0: no registration
  const free = await opened({ capacity: 0 });
  isError(await register(free.id, { name: '王小明', phone: phone() }), 409, 'no_registration');
});

test('check-in: staff only, a code of another activity is refused, twice is 409, nothing else changes', async () => {
  const a = await opened({ capacity: 1 });
  const b = await opened({ capacity: 5 });
  const ra = await register(a.id, { name: '签到甲', phone: phone() });
  const wa = await register(a.id, { name: '签到乙', phone: phone() });
  assert.equal(wa.body.status, 'waitlisted');
  const rb = await register(b.id, { name: '签到丙', phone: phone() });
  // another activity's code (unless by chance the same digits)
  if (rb.body.check_in_code !== ra.body.check_in_code && rb.body.check_in_code !== wa.body.check_in_code) {
    const r = await act(a.id, { action: 'check_in', code: rb.body.check_in_code }, street);
    isError(r, 400, 'unknown_check_in_code', 'code');
  }
  for (const who of [depA, unitDemo, resident, leader])
    isError(await act(a.id, { action: 'check_in', code: ra.body.check_in_code }, who), 403, 'forbidden');
  isError(await act(a.id, { action: 'check_in', code: wa.body.check_in_code }, street), 409, 'registration_waitlisted');
  assert.equal((await staffView(a.id)).checked_in, 0);
  assert.equal((await staffView(b.id)).checked_in, 0);
  let r = await act(a.id, { action: 'check_in', code: ` ${ra.body.check_in_code.slice(0, 3)}-${ra.body.check_in_code.slice(3)} ` }, community);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.checked_in, 1);
  assert.equal(r.body.registrations[0].status, 'checked_in');
  isError(await act(a.id, { action: 'check_in', code: ra.body.check_in_code }, street), 409, 'already_checked_in');
  // a checked-in registration cannot be cancelled
  isError(await srv.post(`/api/v1/activities/${a.id}/registrations/cancel`,
    { check_in_code: ra.body.check_in_code }, as(street)), 409, 'already_checked_in');
  assert.equal((await staffView(a.id)).checked_in, 1);
  assert.equal((await staffView(b.id)).checked_in, 0, 'the other activity is untouched');
});

test('cancel: with a reason; registrations are cancelled; registering for it is refused', async () => {
  const a = await opened({ capacity: 5 });
  const r = await register(a.id, { name: '取消甲', phone: phone() });
  assert.equal(r.status, 201);
  const c = await act(a.id, { action: 'cancel', reason: '场地维修' }, street);
  assert.equal(c.status, 200, c.text);
  assert.equal(c.body.status, 'cancelled');
  assert.equal(c.body.cancel_reason, '场地维修');
  assert.deepEqual(c.body.registrations.map((x) => x.status), ['cancelled']);
  assert.deepEqual(c.body.actions, []);
  const pub = (await srv.get(`/api/v1/activities/${a.id}`)).body;
  assert.equal(pub.status, 'cancelled');
  assert.equal(pub.status_label, '已取消');
  isError(await register(a.id, { name: '取消乙', phone: phone() }), 409, 'activity_cancelled');
  const again = await act(a.id, { action: 'cancel', reason: '再取消' }, street);
  isError(again, 409, 'invalid_transition');
  assert.deepEqual(again.body.error.allowed, []);
  isError(await act(a.id, { action: 'check_in', code: r.body.check_in_code }, street), 409, 'invalid_transition');
  const v = await staffView(a.id);
  assert.equal(v.cancel_reason, '场地维修');
  assert.equal(v.registrations.length, 1, 'the refused registration left nothing');
  // a draft may be cancelled too
  const d = await create();
  assert.equal((await act(d.id, { action: 'cancel', reason: '计划调整' }, community)).body.status, 'cancelled');
});

test('during and after: attendance, questions and answers, the record; refused before their time', async () => {
  const a = await opened({ capacity: 10, unit_ids: [unitBuild, unitLights] });
  const reg = await register(a.id, { name: '到场甲', phone: phone() });
  // before it starts
  isError(await act(a.id, { action: 'record_attendance', deputy_ids: [depAId] }, street), 409, 'not_started');
  isError(await act(a.id, { action: 'add_qa', question: '问', answer: '答' }, street), 409, 'not_started');
  const early = await act(a.id, { action: 'close', minutes: '纪要' }, street);
  isError(early, 409, 'not_ended');
  assert.ok(early.body.error.allowed.includes('cancel'));

  const during = await serverAt('2026-12-10T10:00');
  try {
    const [st, unit, dep, res] = await Promise.all(['street', 'unit', 'act-dep-a', 'resident'].map(
      (l) => during.login(l, l.startsWith('act-') ? PW : undefined)));
    const dact = (body, who) => during.post(`/api/v1/activities/${a.id}/actions`, body, as(who));
    // registration is over once it started
    isError(await during.post(`/api/v1/activities/${a.id}/registrations`, { name: '迟到', phone: phone() }),
      409, 'activity_started');
    isError(await during.post(`/api/v1/activities/${a.id}/registrations/cancel`,
      { check_in_code: reg.body.check_in_code }, as(st)), 409, 'activity_started');
    assert.equal((await dact({ action: 'check_in', code: reg.body.check_in_code }, st)).status, 200);
    // attendance (人次): the deputies who came, an uninvited one too
    isError(await dact({ action: 'record_attendance', deputy_ids: [999999] }, st), 400, 'unknown_deputy', 'deputy_ids');
    isError(await dact({ action: 'record_attendance', deputy_ids: [depAId, depAId] }, st), 400, 'duplicate_id', 'deputy_ids');
    isError(await dact({ action: 'record_attendance', deputy_ids: [depAId] }, dep), 403, 'forbidden');
    let r = await dact({ action: 'record_attendance', deputy_ids: [depAId, deputyDemo.user.roles[0].scope_id] }, st);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.deputy_attendance, 2);
    assert.deepEqual(r.body.deputies.map((d) => [d.deputy_id, d.invited, d.attended]).sort((x, y) => x[0] - y[0]),
      [[depAId, true, true], [depBId, true, false], [deputyDemo.user.roles[0].scope_id, false, true]].sort((x, y) => x[0] - y[0]));
    // questions and answers: staff for any unit, an invited unit for itself
    r = await dact({ action: 'add_qa', question: '小区门口的路灯什么时候修?', answer: '本周内排查', unit_id: unitLights }, st);
    assert.equal(r.status, 200, r.text);
    r = await dact({ action: 'add_qa', question: '老旧小区改造何时启动?', answer: '明年一季度启动' }, unit);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body.qa.map((q) => q.unit_id), [unitLights, unitBuild]);
    isError(await dact({ action: 'add_qa', question: '问', answer: '答', unit_id: unitLights }, unit), 403, 'forbidden');
    isError(await dact({ action: 'add_qa', question: '问', answer: '答' }, res), 403, 'forbidden');
    isError(await dact({ action: 'add_qa', question: '问', answer: '答', unit_id: 999999 }, st), 400, 'unknown_unit', 'unit_id');
    isError(await dact({ action: 'add_qa', question: '问' }, st), 400, 'missing_field', 'answer');
    isError(await dact({ action: 'close', minutes: '纪要' }, st), 409, 'not_ended');
  } finally {
    await during.stop();
  }
});

test('the record: an activity cannot be closed without minutes, and only after it ended', async () => {
  const a = await opened({ capacity: 10 });
  const later = await serverAt('2026-12-10T12:00');
  try {
    const st = await later.login('street');
    const lact = (body) => later.post(`/api/v1/activities/${a.id}/actions`, body, as(st));
    isError(await lact({ action: 'cancel', reason: '晚了' }), 409, 'already_ended');
    isError(await lact({ action: 'close' }), 400, 'missing_field', 'minutes');
    isError(await lact({ action: 'close', minutes: ' \n ' }), 400, 'missing_field', 'minutes');
    isError(await lact({ action: 'close', minutes: '纪要', suggestion_ids: [999999] }), 400, 'unknown_suggestion', 'suggestion_ids');
    assert.equal((await later.get(`/api/v1/activities/${a.id}`)).body.status, 'open', 'still open');
    // a suggestion that came out of it
    const dep = await later.login('deputy');
    const s = await later.post('/api/v1/suggestions', { title: '关于增设路灯的建议', body: '座谈会上群众反映夜间照明不足,建议增设路灯。',
      category: '城市建设与管理', concern_ids: [], co_signer_ids: [] }, as(dep));
    assert.equal(s.status, 201, s.text);
    const r = await lact({ action: 'close', minutes: '座谈会纪要:群众反映路灯、停车等问题 12 个。', suggestion_ids: [s.body.id] });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.status, 'closed');
    assert.equal(r.body.closed_at, iso('2026-12-10T12:00'));
    assert.deepEqual(r.body.suggestion_ids, [s.body.id]);
    isError(await lact({ action: 'close', minutes: '再来一次' }), 409, 'invalid_transition');
    const pub = (await later.get(`/api/v1/activities/${a.id}`)).body;
    assert.match(pub.minutes, /座谈会纪要/);
    isError(await later.post(`/api/v1/activities/${a.id}/registrations`, { name: '来晚了', phone: phone() }), 409, 'activity_closed');
  } finally {
    await later.stop();
  }
});

test('every action and registration is audited without personal data; refused ones leave nothing', async () => {
  const a = await opened({ capacity: 3 });
  const p = phone();
  const r = await register(a.id, { name: '审计甲', phone: p });
  await act(a.id, { action: 'check_in', code: r.body.check_in_code }, street);
  isError(await act(a.id, { action: 'open' }, street), 409, 'invalid_transition');
  isError(await register(a.id, { name: '审计甲', phone: p }), 409, 'already_registered');
  const audit = await srv.getAll(`/api/v1/audit?entity=activity&id=${a.id}`, as(admin));
  assert.deepEqual(audit.map((e) => e.action), ['activity.create', 'activity.open', 'activity.register', 'activity.check_in']);
  assert.deepEqual(audit.map((e) => e.actor_role), ['street_staff', 'street_staff', 'anonymous', 'street_staff']);
  const text = JSON.stringify(audit);
  assert.ok(!text.includes(p) && !text.includes('审计甲') && !text.includes(r.body.check_in_code));
  const v = cli(['audit', 'verify', '--db', srv.db]);
  assert.equal(v.status, 0, v.stderr);
});

test('the list: filters, pagination, bad parameters', async () => {
  const learn = await opened({ kind: 'learn', station_id: stS, starts_at: iso('2026-12-20T14:00'), ends_at: iso('2026-12-20T16:00') });
  const build = await opened({ kind: 'build', station_id: stC, starts_at: iso('2026-12-21T14:00'), ends_at: iso('2026-12-21T16:00') });
  const other = await create({ kind: 'learn', station_id: stOther, starts_at: iso('2026-12-20T09:00'), ends_at: iso('2026-12-20T10:00') }, admin);
  await act(other.id, { action: 'open' }, admin);
  let items = await srv.getAll('/api/v1/activities?kind=learn&from=2026-12-20&to=2026-12-20');
  assert.deepEqual(items.map((a) => a.id).sort(), [learn.id, other.id].sort());
  items = await srv.getAll(`/api/v1/activities?kind=learn&street=${S}&from=2026-12-20&to=2026-12-20`);
  assert.deepEqual(items.map((a) => a.id), [learn.id]);
  items = await srv.getAll(`/api/v1/activities?station=${stC}&from=2026-12-21T00:00:00%2B08:00`);
  assert.deepEqual(items.map((a) => a.id), [build.id]);
  items = await srv.getAll(`/api/v1/activities?deputy=${depAId}&from=2026-12-20&to=2026-12-21`);
  assert.ok(items.some((a) => a.id === build.id));
  items = await srv.getAll('/api/v1/activities?status=cancelled');
  assert.ok(items.length > 0 && items.every((a) => a.status === 'cancelled'));
  // newest first, pages of 2 that cover everything once
  const all = await srv.getAll('/api/v1/activities');
  const paged = [];
  let cursor = null;
  do {
    const r = await srv.get(`/api/v1/activities?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
    assert.equal(r.status, 200);
    assert.ok(r.body.items.length <= 2);
    paged.push(...r.body.items.map((a) => a.id));
    cursor = r.body.next_cursor;
  } while (cursor);
  assert.deepEqual(paged, all.map((a) => a.id));
  for (let i = 1; i < all.length; i++) assert.ok(all[i - 1].starts_at >= all[i].starts_at);
  isError(await srv.get('/api/v1/activities?kind=party'), 400, 'invalid_parameter', 'kind');
  isError(await srv.get('/api/v1/activities?status=open2'), 400, 'invalid_parameter', 'status');
  isError(await srv.get('/api/v1/activities?from=2026-13-01'), 400, 'invalid_parameter', 'from');
  isError(await srv.get('/api/v1/activities?from=2026-12-20&to=2026-12-01'), 400, 'invalid_parameter', 'to');
  isError(await srv.get('/api/v1/activities?limit=0'), 400, 'invalid_limit', 'limit');
  isError(await srv.get('/api/v1/activities?cursor=zzz'), 400, 'invalid_cursor', 'cursor');
  isError(await srv.get('/api/v1/activities?station=abc'), 400, 'invalid_parameter', 'station');
});

test('快速+现场: street lights asked for at a 共话 forum, taken on the spot with a 1-month deadline, resolved within it', async () => {
  const forum = await opened({ kind: 'talk', title: '共话:夜间出行安全', unit_ids: [unitLights],
    starts_at: iso('2026-12-11T19:00'), ends_at: iso('2026-12-11T21:00') });
  // a concern naming an activity must name a published one
  const concern = (id, over = {}) => ({ title: '小区道路没有路灯', body: '常青路小区内主干道夜间漆黑,老人出行摔倒过,希望安装路灯。',
    category: '城市建设与管理', source: 'activity', activity_id: id, contact_name: '刘阿姨', contact_phone: '13912340000', ...over });
  const draft = await create();
  isError(await srv.post('/api/v1/concerns', concern(draft.id)), 400, 'unknown_activity', 'activity_id');
  isError(await srv.post('/api/v1/concerns', concern(999999)), 400, 'unknown_activity', 'activity_id');
  const at19 = await serverAt('2026-12-11T19:30');
  let cid;
  try {
    const raised = await at19.post('/api/v1/concerns', concern(forum.id));
    assert.equal(raised.status, 201, raised.text);
    cid = raised.body.id;
    assert.equal(raised.body.station_id, stC, 'the concern takes the forum\'s station');
    const st = await at19.login('street');
    const r = await at19.post(`/api/v1/concerns/${cid}/actions`, { action: 'resolve_on_site',
      result: '区城管执法局当场承诺一个月内安装', unit_id: unitLights }, as(st));
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.status, 'resolved_on_site');
    assert.equal(r.body.unit_id, unitLights);
    const days = (Date.parse(r.body.due_at) - at('2026-12-11T19:30') * 1000) / 86400000;
    assert.ok(days > 27 && days < 35, `due in about a month: ${r.body.due_at}`);
    assert.match(r.body.due_at, /T23:59:59\+08:00$/);
    await at19.post(`/api/v1/activities/${forum.id}/actions`, { action: 'add_qa', question: '小区道路没有路灯',
      answer: '一个月内安装太阳能路灯和LED路灯', unit_id: unitLights }, as(st));
  } finally {
    await at19.stop();
  }
  const at26 = await serverAt('2026-12-26T10:00');
  try {
    const u = await at26.login('act-unit-lights', PW);
    const r = await at26.post(`/api/v1/concerns/${cid}/actions`, { action: 'resolve',
      result: '已安装太阳能路灯13盏、LED路灯15盏' }, as(u));
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.status, 'resolved');
    assert.ok(Date.parse(r.body.resolved_at) <= Date.parse(r.body.due_at), 'resolved within its deadline');
    // the forum's answer lists its concern (public fields only), its QA
    const pub = await at26.get(`/api/v1/activities/${forum.id}`);
    assert.deepEqual(pub.body.concerns, [{ id: cid, title: '小区道路没有路灯', status: 'resolved', status_label: '已解决' }]);
    assert.equal(pub.body.qa.length, 1);
    assert.ok(!pub.text.includes('13912340000') && !pub.text.includes('刘阿姨'));
  } finally {
    await at26.stop();
  }
});
