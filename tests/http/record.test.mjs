// The deputy's work record (履职档案, docs/RECORD.md):
// GET /api/v1/deputies/{id}/record?from=&to=.  Suggestions driven through the
// real actions, concerns raised and claimed through the API, attendance
// marked on activities; then the counts and lists as the deputy, admin, the
// public and another deputy see them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { isError } from './harness.mjs';
import { setup, as, client, driveTo, at, sql } from './sg_helpers.mjs';

const NOW = at('2026-11-02T10:00');
const rfc = (local) => `${local}:00+08:00`;
const PHONE = '13812345678';
const RESIDENT = '王秀英';
const RECEPTION_SUMMARY = '接待群众6人,反映加装电梯事宜';
let recStation;

let ctx, srv, s, D1, D2;
const sg = {};
const cn = {};
const act = {};

before(async () => {
  ctx = await setup(NOW);
  ({ srv, s } = ctx);
  ({ D1, D2 } = ctx.ids);
  const c = client(ctx);
  // the demo district's activities and reception records out: the record counts these tests' own
  for (const t of ['activity_deputies', 'activity_units', 'activity_qa', 'activity_suggestions', 'registrations',
    'activities', 'reception_record_concerns', 'reception_record_deputies', 'reception_records'])
    sql(srv, `DELETE FROM ${t}`);

  // suggestions by D1 (co-signed by D2), in five states
  sg.evaluated = (await driveTo(ctx, 'evaluated', { replyClass: 'A', create: { title: '关于江汉路增设路灯的建议' } })).id;
  const pub = await c.act('admin', sg.evaluated, { action: 'publish' });
  assert.equal(pub.status, 200, pub.text);
  sg.replied = (await driveTo(ctx, 'replied', { replyClass: 'B', create: { title: '关于背街小巷停车的建议' } })).id;
  sg.submitted = (await driveTo(ctx, 'submitted', { create: { title: '关于社区养老食堂的建议' } })).id;
  sg.withdrawn = (await driveTo(ctx, 'withdrawn', { create: { title: '关于某小区围墙的建议' } })).id;
  sg.draft = (await driveTo(ctx, 'draft', { create: { title: '仍是草稿的建议' } })).id;
  // one by D2 that D1 co-signs
  const other = await c.create('deputy2', { title: '关于雨污分流改造的建议', co_signer_ids: [D1] });
  assert.equal(other.status, 201, other.text);
  sg.cosigned = other.body.id;
  assert.equal((await c.act('deputy', sg.cosigned, { action: 'cosign' })).status, 200); // 联名 confirmed
  assert.equal((await c.act('deputy2', sg.cosigned, { action: 'submit' })).status, 200);

  // concerns at D1's station: two claimed by D1 (one resolved), one by D2 only
  const d1 = (await srv.get(`/api/v1/deputies/${D1}`, as(s.admin))).body;
  const d2 = (await srv.get(`/api/v1/deputies/${D2}`, as(s.admin))).body;
  const raise = async (title, station) => {
    const r = await srv.post('/api/v1/concerns', { title, body: `${title},请代表帮助协调解决。`, category: '城市建设与管理',
      station_id: station, source: 'station', contact_name: RESIDENT, contact_phone: PHONE });
    assert.equal(r.status, 201, r.text);
    return r.body.id;
  };
  const claim = async (id, login) => {
    const r = await srv.post(`/api/v1/concerns/${id}/actions`, { action: 'claim' }, as(s[login]));
    assert.equal(r.status, 200, r.text);
  };
  cn.open = await raise('小区门口路灯不亮', d1.station_ids[0]);
  cn.solved = await raise('楼道堆放杂物影响通行', d1.station_ids[0]);
  cn.others = await raise('菜市场周边占道经营', d2.station_ids[0]);
  await claim(cn.open, 'deputy');
  await claim(cn.solved, 'deputy');
  await claim(cn.others, 'deputy2');
  const res = await srv.post(`/api/v1/concerns/${cn.solved}/actions`, { action: 'resolve', result: '已协调物业清理' }, as(s.deputy));
  assert.equal(res.status, 200, res.text);

  // activities: attended (counts), invited only, attended but cancelled (does not count)
  const plan = async (title, day) => {
    const r = await srv.post('/api/v1/activities', { kind: 'talk', title, theme: '共话', station_id: d1.station_ids[0],
      starts_at: rfc(`${day}T09:00`), ends_at: rfc(`${day}T11:00`), capacity: 20, deputy_ids: [D1, D2], unit_ids: [] }, as(s.admin));
    assert.equal(r.status, 201, r.text);
    assert.equal((await srv.post(`/api/v1/activities/${r.body.id}/actions`, { action: 'open' }, as(s.admin))).status, 200);
    return r.body.id;
  };
  act.attended = await plan('共话:社区停车难', '2026-11-20');
  act.invited = await plan('共话:加装电梯', '2026-11-25');
  act.cancelled = await plan('共话:已取消的活动', '2026-11-27');
  assert.equal((await srv.post(`/api/v1/activities/${act.cancelled}/actions`, { action: 'cancel', reason: '改期' },
    as(s.admin))).status, 200);
  // a reception day at D1's station, 15th of the month, with its record (接待记录)
  const st = d1.station_ids[0];
  // the demo's schedule out first: a station's first schedule applies to
  // every day at once, a change only after the notice period (RECEPTIONS.md)
  for (const t of ['reception_rota', 'reception_schedule_versions', 'reception_schedules'])
    sql(srv, `DELETE FROM ${t} WHERE station_id = ${st}`);
  const sch = await srv.request('PUT', `/api/v1/stations/${st}/reception-schedule`, { ...as(s.admin),
    body: { day_kind: 'day_of_month', day: 15, start: '09:00', end: '11:00', rota_deputy_ids: [D1] } });
  assert.equal(sch.status, 200, sch.text);
  const rr = await srv.post(`/api/v1/stations/${st}/reception-days/2026-10-15/record`,
    { summary: RECEPTION_SUMMARY, deputy_ids: [D1], residents_received: 6 }, as(s.admin));
  assert.equal(rr.status, 201, rr.text);
  recStation = st;
  // attendance is recorded once an activity has started; the clock here is
  // before these, so it is written as record_attendance would
  sql(srv, `UPDATE activity_deputies SET attended = 1 WHERE deputy_id = ${D1} AND activity_id IN (${act.attended}, ${act.cancelled})`);
});
after(async () => { assert.equal(await ctx.srv.stop(), 0); });

const record = (id, who, query = '') => srv.get(`/api/v1/deputies/${id}/record${query}`, who ? as(s[who]) : {});

test('the deputy sees their whole record: counts and every list', async () => {
  const r = await record(D1, 'deputy');
  assert.equal(r.status, 200, r.text);
  const b = r.body;
  assert.equal(b.view, 'full');
  assert.equal(b.deputy.id, D1);
  assert.equal(b.from, '2026-01-01');
  assert.equal(b.to, '2026-12-31');
  const m = b.summary;
  assert.equal(m.activities_attended, 1, 'the cancelled one does not count');
  assert.equal(m.receptions_held, 1);
  assert.deepEqual(b.receptions.map((x) => [x.station_id, x.date, x.residents_received, x.summary]),
    [[recStation, '2026-10-15', 6, RECEPTION_SUMMARY]]);
  assert.deepEqual(m.concerns, {
    claimed: 2, in_progress: 1, resolved: 1, converted: 0, closed: 0, resolution_rate: 0.5,
    ratings: { satisfied: 0, basically_satisfied: 0, dissatisfied: 0, satisfaction_rate: null },
  });
  assert.equal(m.suggestions.raised, 4, 'the draft never counts');
  assert.equal(m.suggestions.cosigned, 1);
  assert.equal(m.suggestions.in_handling, 2);
  assert.equal(m.suggestions.replied, 2);
  assert.equal(m.suggestions.withdrawn, 1);
  assert.equal(m.suggestions.returned_as_letter, 0);
  assert.equal(m.suggestions.replies, 2);
  assert.deepEqual(m.suggestions.reply_classes.map((x) => [x.class, x.count]), [['A', 1], ['B', 1], ['C', 0]]);
  assert.equal(m.suggestions.evaluations.evaluated, 1);
  assert.equal(m.suggestions.evaluations.attitude.satisfied, 1);
  assert.equal(m.suggestions.evaluations.result.basically_satisfied, 1);

  assert.deepEqual(b.activities.map((x) => x.id), [act.attended]);
  assert.equal(b.activities[0].kind, 'talk');
  assert.equal(b.activities[0].starts_at, rfc('2026-11-20T09:00'));
  assert.deepEqual(b.concerns.map((x) => x.id).sort(), [cn.open, cn.solved].sort());
  const solved = b.concerns.find((x) => x.id === cn.solved);
  assert.equal(solved.outcome, 'resolved');
  assert.equal(solved.title, '楼道堆放杂物影响通行');
  // newest first
  const subs = b.suggestions.map((x) => x.id);
  assert.deepEqual([...subs].sort(), [sg.evaluated, sg.replied, sg.submitted, sg.withdrawn, sg.cosigned].sort());
  const at_ = b.suggestions.map((x) => Date.parse(x.submitted_at));
  for (let i = 1; i < at_.length; i++) assert.ok(at_[i - 1] >= at_[i], 'newest first');
  const ev = b.suggestions.find((x) => x.id === sg.evaluated);
  assert.deepEqual([ev.role, ev.status, ev.outcome, ev.published], ['author', 'evaluated', 'replied', true]);
  assert.deepEqual(ev.reply_classes, ['A']);
  assert.deepEqual(ev.evaluation, { attitude: 'satisfied', result: 'basically_satisfied' });
  const co = b.suggestions.find((x) => x.id === sg.cosigned);
  assert.equal(co.role, 'cosigner');
  assert.equal(co.evaluation, null);
  // residents' contact details never, even in the full view
  assert.ok(!r.text.includes(PHONE));
  assert.ok(!r.text.includes(RESIDENT));
});

test('admin sees the full record too', async () => {
  const r = await record(D1, 'admin');
  assert.equal(r.status, 200);
  assert.equal(r.body.view, 'full');
  assert.equal(r.body.concerns.length, 2);
  assert.equal(r.body.suggestions.length, 5);
});

test('the public and other deputies: the same counts, published suggestions only, no concerns', async () => {
  const full = (await record(D1, 'deputy')).body;
  for (const who of [null, 'deputy3', 'resident', 'street']) {
    const r = await record(D1, who);
    assert.equal(r.status, 200, r.text);
    const b = r.body;
    assert.equal(b.view, 'public', String(who));
    assert.deepEqual(b.summary, full.summary, 'counts are public');
    assert.ok(!('concerns' in b), 'concerns are residents\' words: never listed publicly');
    assert.deepEqual(b.suggestions.map((x) => x.id), [sg.evaluated], 'only the published suggestion');
    assert.deepEqual(b.activities.map((x) => x.id), [act.attended], 'activities are public events');
    assert.deepEqual(b.receptions.map((x) => [x.date, x.residents_received]), [['2026-10-15', 6]]);
    assert.ok(!('summary' in b.receptions[0]), 'what residents raised at a reception is not public');
    for (const secret of [PHONE, RESIDENT, RECEPTION_SUMMARY, '小区门口路灯不亮', '楼道堆放杂物影响通行', '关于背街小巷停车的建议'])
      assert.ok(!r.text.includes(secret), `${who} sees ${secret}`);
  }
});

test('another deputy\'s record counts what that deputy did', async () => {
  const r = await record(D2, 'deputy2');
  assert.equal(r.body.view, 'full');
  assert.equal(r.body.summary.concerns.claimed, 1);
  assert.deepEqual(r.body.concerns.map((x) => x.id), [cn.others]);
  assert.equal(r.body.summary.suggestions.raised, 1);
  assert.equal(r.body.summary.suggestions.cosigned, 4, 'D2 co-signed every non-draft of D1');
  assert.equal(r.body.summary.activities_attended, 0, 'invited is not attended');
  assert.equal(r.body.summary.receptions_held, 0);
  // D1's own session is only the public view of D2
  assert.equal((await record(D2, 'deputy')).body.view, 'public');
});

test('the period: from and to bound every count', async () => {
  const r = await record(D1, 'deputy', '?from=2027-01-01&to=2027-12-31');
  assert.equal(r.status, 200);
  assert.equal(r.body.from, '2027-01-01');
  assert.equal(r.body.summary.activities_attended, 0);
  assert.equal(r.body.summary.receptions_held, 0);
  assert.equal(r.body.summary.concerns.claimed, 0);
  assert.equal(r.body.summary.suggestions.raised, 0);
  assert.deepEqual(r.body.suggestions, []);
  assert.deepEqual(r.body.concerns, []);
  // the single day of the attended activity
  const day = await record(D1, 'deputy', '?from=2026-11-20&to=2026-11-20');
  assert.equal(day.body.summary.activities_attended, 1);
  assert.equal(day.body.summary.receptions_held, 0);
  const oct15 = await record(D1, 'deputy', '?from=2026-10-15&to=2026-10-15');
  assert.equal(oct15.body.summary.receptions_held, 1);
  assert.equal(day.body.summary.suggestions.raised, 0);
});

test('bad input: 400 naming the field; unknown deputy: 404', async () => {
  isError(await record(D1, null, '?from=2026-02-30'), 400, 'invalid_date', 'from');
  isError(await record(D1, null, '?to=yesterday'), 400, 'invalid_date', 'to');
  isError(await record(D1, null, '?from=2026-12-01&to=2026-11-01'), 400, 'invalid_range', 'from');
  isError(await record(999999, null), 404, 'not_found');
  assert.equal((await record('x1', null)).status, 404);
});
