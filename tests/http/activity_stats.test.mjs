// The activities section of GET /api/v1/stats (docs/STATS.md "Activities"):
// activities held by kind, station, street and China month, deputy
// attendances (人次), residents checked in, concerns raised at activities;
// for any period and street.  Activities are planned and opened through the
// API, then moved into the past and given their attendance in the database
// (the server's clock is pinned, and attendance needs a started activity).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, isError } from './harness.mjs';
import { sql, at } from './sg_helpers.mjs';

const NOW = at('2026-11-02T10:00');
process.env.YOUYUE_NOW = String(NOW);
const rfc = (local) => `${local}:00+08:00`;
const PHONE = '13598765432';

let srv, admin, D1, D2, S1, S2;
const act = {};

async function plan(kind, where, day, { open = true, deputies = [] } = {}) {
  const r = await srv.post('/api/v1/activities', { kind, title: `${kind} ${day}`, theme: '统计', ...where,
    starts_at: rfc(`${day}T09:00`), ends_at: rfc(`${day}T11:00`), capacity: 10, deputy_ids: deputies, unit_ids: [] }, admin);
  assert.equal(r.status, 201, r.text);
  if (open) assert.equal((await srv.post(`/api/v1/activities/${r.body.id}/actions`, { action: 'open' }, admin)).status, 200);
  return r.body.id;
}
/** Moves an activity to another start (China wall clock), two hours long. */
function move(id, local) {
  const s = at(local);
  sql(srv, `UPDATE activities SET starts_at = ${s}, ends_at = ${s + 7200} WHERE id = ${id}`);
}
const attend = (id, ...deputies) =>
  sql(srv, `UPDATE activity_deputies SET attended = 1 WHERE activity_id = ${id} AND deputy_id IN (${deputies.join(',')})`);

let baseline; // concerns raised at activities before these tests (the demo's)

before(async () => {
  // --stats-ttl 0: every answer computed afresh (the cache is tested elsewhere)
  srv = await startServer({ args: ['--anon-rate', '0', '--remind-interval', '0', '--stats-ttl', '0'] });
  admin = await srv.login('admin');
  // the demo district's activities out: these tests count their own
  for (const t of ['activity_deputies', 'activity_units', 'activity_qa', 'activity_suggestions', 'registrations', 'activities'])
    sql(srv, `DELETE FROM ${t}`);
  baseline = (await srv.get('/api/v1/stats?from=2026-01-01&to=2026-12-31')).body.activities.concerns_raised;
  const deputies = await srv.getAll('/api/v1/deputies');
  [D1, D2] = [deputies[0].id, deputies[1].id];
  const stations = await srv.getAll('/api/v1/stations');
  S1 = stations[0];
  S2 = stations.find((s) => s.street_id !== S1.street_id);

  act.talk = await plan('talk', { station_id: S1.id }, '2026-11-20', { deputies: [D1, D2] });
  const reg = await srv.post(`/api/v1/activities/${act.talk}/registrations`, { name: '赵六', phone: PHONE });
  assert.equal(reg.status, 201, reg.text);
  sql(srv, `UPDATE registrations SET status = 'checked_in', checked_in_at = ${at('2026-09-15T09:05')} WHERE activity_id = ${act.talk}`);
  move(act.talk, '2026-09-15T09:00');
  attend(act.talk, D1, D2);

  act.learn = await plan('learn', { station_id: S2.id }, '2026-11-21', { deputies: [D1, D2] });
  // half past midnight on October 1st in China is still September 30th in UTC
  move(act.learn, '2026-10-01T00:30');
  attend(act.learn, D1);

  act.upcoming = await plan('build', { station_id: S1.id }, '2026-11-20', { deputies: [D1] });
  act.cancelled = await plan('talk', { station_id: S1.id }, '2026-11-22', { deputies: [D2] });
  assert.equal((await srv.post(`/api/v1/activities/${act.cancelled}/actions`, { action: 'cancel', reason: '改期' }, admin)).status, 200);
  attend(act.cancelled, D2); // a cancelled activity's attendance never counts
  act.draft = await plan('share', { station_id: S1.id }, '2026-11-23', { open: false, deputies: [D1] });
  attend(act.draft, D1);
  act.lastYear = await plan('share', { station_id: S2.id }, '2026-11-24', { deputies: [D2] });
  move(act.lastYear, '2025-12-31T23:30');
  attend(act.lastYear, D2);

  // concerns raised at the first activity: two, one resolved
  const raise = async (title) => {
    const r = await srv.post('/api/v1/concerns', { title, body: `${title},现场提出。`, category: '城市建设与管理',
      station_id: S1.id, source: 'activity', activity_id: act.talk });
    assert.equal(r.status, 201, r.text);
    return r.body.id;
  };
  await raise('活动现场反映路灯不亮');
  const solved = await raise('活动现场反映井盖缺失');
  for (const body of [{ action: 'accept' }, { action: 'resolve', result: '已补装井盖' }]) {
    const r = await srv.post(`/api/v1/concerns/${solved}/actions`, body, admin);
    assert.equal(r.status, 200, r.text);
  }
});
after(async () => { assert.equal(await srv.stop(), 0); });

const counts = (held, deputy_attendances, residents_checked_in) => ({ held, deputy_attendances, residents_checked_in });

test('this year: held, upcoming, cancelled, 人次, by kind, station, street and China month', async () => {
  const r = await srv.get('/api/v1/stats');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.from, '2026-01-01');
  const a = r.body.activities;
  assert.ok(a, 'the activities section is there');
  assert.ok(r.body.concerns && r.body.suggestions, 'the other sections stay');
  assert.equal(a.held, 2, 'drafts, cancelled, upcoming and last year\'s are not held this year');
  assert.equal(a.upcoming, 1);
  assert.equal(a.cancelled, 1);
  assert.equal(a.deputy_attendances, 3);
  assert.equal(a.deputies_attending, 2);
  assert.equal(a.residents_checked_in, 1);
  assert.deepEqual(a.concerns_raised, { raised: baseline.raised + 2, resolved: baseline.resolved + 1 });
  assert.deepEqual(a.by_kind.map((k) => [k.kind, k.label, k.held, k.deputy_attendances]), [
    ['learn', '共学', 1, 1], ['talk', '共话', 1, 2], ['build', '共建', 0, 0],
    ['supervise', '共督', 0, 0], ['evaluate', '共评', 0, 0], ['share', '共享', 0, 0],
  ]);
  const byStation = [{ station_id: S1.id, name: S1.name, ...counts(1, 2, 1) },
    { station_id: S2.id, name: S2.name, ...counts(1, 1, 0) }].sort((x, y) => x.station_id - y.station_id);
  assert.deepEqual(a.by_station, byStation);
  assert.deepEqual(a.by_street.map((s) => [s.street_id, s.held, s.deputy_attendances]).sort((x, y) => x[0] - y[0]),
    [[S1.street_id, 1, 2], [S2.street_id, 1, 1]].sort((x, y) => x[0] - y[0]));
  assert.ok(a.by_street.every((s) => typeof s.name === 'string' && s.name.length > 0));
  assert.deepEqual(a.by_month, [
    { month: '2026-09', ...counts(1, 2, 1) },
    { month: '2026-10', ...counts(1, 1, 0) },
  ]);
  // public, and no person in it
  assert.ok(!r.text.includes(PHONE));
  assert.ok(!r.text.includes('赵六'));
});

test('any period: last December alone', async () => {
  const r = await srv.get('/api/v1/stats?from=2025-12-01&to=2025-12-31');
  assert.equal(r.status, 200, r.text);
  const a = r.body.activities;
  assert.equal(a.held, 1);
  assert.equal(a.deputy_attendances, 1);
  assert.deepEqual(a.by_month, [{ month: '2025-12', ...counts(1, 1, 0) }]);
  assert.deepEqual(a.by_kind.find((k) => k.kind === 'share').held, 1);
  // one day: September 15th only
  const day = (await srv.get('/api/v1/stats?from=2026-09-15&to=2026-09-15')).body.activities;
  assert.equal(day.held, 1);
  assert.equal(day.by_kind.find((k) => k.kind === 'talk').held, 1);
  // September 30th does not hold the activity of October 1st, 00:30 China time
  const sep30 = (await srv.get('/api/v1/stats?from=2026-09-30&to=2026-09-30')).body.activities;
  assert.equal(sep30.held, 0);
});

test('one street: only its activities', async () => {
  const r = await srv.get(`/api/v1/stats?street=${S1.street_id}`);
  assert.equal(r.status, 200, r.text);
  const a = r.body.activities;
  assert.equal(a.held, 1);
  assert.equal(a.deputy_attendances, 2);
  assert.equal(a.deputies_attending, 2);
  assert.deepEqual(a.by_street.map((s) => s.street_id), [S1.street_id]);
  assert.deepEqual(a.by_station.map((s) => s.station_id), [S1.id]);
  assert.equal(a.upcoming, 1);
  assert.equal(a.cancelled, 1);
});

test('a change shows at once: recording attendance adds 人次', async () => {
  const before_ = (await srv.get('/api/v1/stats?from=2026-10-01&to=2026-10-31')).body.activities;
  assert.equal(before_.deputy_attendances, 1);
  assert.equal(before_.deputies_attending, 1, 'invited is not attended');
  attend(act.learn, D2);
  const after_ = (await srv.get('/api/v1/stats?from=2026-10-01&to=2026-10-31')).body.activities;
  assert.equal(after_.deputy_attendances, 2);
  assert.equal(after_.deputies_attending, 2);
  sql(srv, `UPDATE activity_deputies SET attended = 0 WHERE activity_id = ${act.learn} AND deputy_id = ${D2}`);
});

test('the parameters are checked as for the rest of the dashboard', async () => {
  isError(await srv.get('/api/v1/stats?from=2026-02-30'), 400, 'invalid_date', 'from');
  isError(await srv.get('/api/v1/stats?from=2026-12-01&to=2026-01-01'), 400, 'invalid_range', 'from');
});
