// The receptions section of GET /api/v1/stats (docs/STATS.md "Reception
// days"): reception days held (with a record), residents received as the
// records count them, walk-ins, bookings made / cancelled / attended /
// not kept / still to come, deputies on duty (人次, distinct), concerns
// raised at reception days and resolved; by station, street and China month;
// for any period and street.  Everything is made through the API; bookings,
// which can only be made before their day, are then moved in the database to
// a past reception day (the server's clock is pinned).  On both backends.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, isError } from './harness.mjs';
import { sql } from './sg_helpers.mjs';

// Monday 2 November 2026, 10:00 in Beijing
process.env.YOUYUE_NOW = String(Date.parse('2026-11-02T10:00:00+08:00') / 1000);
const dayNo = (d) => Date.parse(`${d}T00:00:00Z`) / 86400000;

let srv, admin, S, C, S2, C2, stA, stB, d1, d2, d3;
const codes = {};
let base; // figures of the demo district before these tests (concerns only)

const day = (st, d) => `/api/v1/stations/${st}/reception-days/${d}`;
async function book(st, d, slot, name, phone) {
  const r = await srv.post(`${day(st, d)}/bookings`, { slot, name, phone });
  assert.equal(r.status, 201, r.text);
  return r.body.code;
}
async function walkIn(st, d) {
  const r = await srv.post(`${day(st, d)}/walk-ins`, { name: '来访群众' }, admin);
  assert.equal(r.status, 201, r.text);
}
async function record(st, d, body) {
  const r = await srv.post(`${day(st, d)}/record`, { summary: `${d}接待情况`, ...body }, admin);
  assert.equal(r.status, 201, r.text);
  return r.body;
}
async function concern(st, source) {
  const r = await srv.post('/api/v1/concerns', { title: `接待日统计${source}`, body: '楼道堆放杂物,存在消防隐患',
    category: '城市建设与管理', station_id: st, source }, admin);
  assert.equal(r.status, 201, r.text);
  return r.body.id;
}
const stats = async (q = '') => {
  const r = await srv.get(`/api/v1/stats${q}`);
  assert.equal(r.status, 200, r.text);
  return r;
};

before(async () => {
  srv = await startServer({ args: ['--anon-rate', '0', '--remind-interval', '0', '--stats-ttl', '0'] });
  admin = await srv.login('admin');
  // the demo's reception days out, should it have any: these tests count their own
  for (const t of ['reception_record_concerns', 'reception_record_deputies', 'reception_records', 'reception_bookings'])
    sql(srv, `DELETE FROM ${t}`);
  const tree = (await srv.get('/api/v1/regions')).body.items[0];
  const streets = tree.children.filter((s) => s.children.length > 0);
  [S, C, S2, C2] = [streets[0].id, streets[0].children[0].id, streets[1].id, streets[1].children[0].id];
  const mk = async (name, street_id, community_id) => {
    const r = await srv.post('/api/v1/stations', { kind: 'reception_room', name, street_id, community_id,
      address: `${name}地址`, lat: 30.58, lon: 114.28 }, admin);
    assert.equal(r.status, 201, r.text);
    return r.body.id;
  };
  stA = await mk('接待统计甲站', S, C);
  stB = await mk('接待统计乙站', S2, C2);
  const dep = async (name) => {
    const r = await srv.post('/api/v1/deputies', { name, levels: ['district'], sector: '企业',
      station_ids: [stA, stB], phone: '13900000000' }, admin);
    assert.equal(r.status, 201, r.text);
    return r.body.id;
  };
  [d1, d2, d3] = [await dep('统计代表甲'), await dep('统计代表乙'), await dep('统计代表丙')];
  // the 15th of every month, 9:00-11:00: 15 Sep, 15 Oct, Mon 16 Nov (15th a Sunday), 15 Dec
  for (const st of [stA, stB]) {
    const r = await srv.request('PUT', `/api/v1/stations/${st}/reception-schedule`, { body: {
      day_kind: 'day_of_month', day: 15, start: '09:00', end: '11:00', slot_minutes: 30, places: 3,
      rota_deputy_ids: [d1], rota_per_day: 1, rota_from: '2025-01-01' }, ...admin });
    assert.equal(r.status, 200, r.text);
  }
  base = {
    year: (await stats('?from=2026-01-01&to=2026-12-31')).body.receptions.concerns_raised,
    yearS: (await stats(`?from=2026-01-01&to=2026-12-31&street=${S}`)).body.receptions.concerns_raised,
  };

  // A, 15 September: four bookings (made for 16 November, then moved back):
  // one cancelled, two came, one did not; a walk-in; deputies 1 and 2
  codes.came1 = await book(stA, '2026-11-16', '09:00', '居民甲', '13811110001');
  codes.came2 = await book(stA, '2026-11-16', '09:00', '居民乙', '13811110002');
  codes.away = await book(stA, '2026-11-16', '09:30', '居民丙', '13811110003');
  codes.cancelled = await book(stA, '2026-11-16', '10:00', '居民丁', '13811110004');
  let r = await srv.post(`/api/v1/reception-bookings/${codes.cancelled}/cancel`, {});
  assert.equal(r.status, 200, r.text);
  sql(srv, `UPDATE reception_bookings SET day = ${dayNo('2026-09-15')} WHERE station_id = ${stA}`);
  await walkIn(stA, '2026-09-15');
  const cA1 = await concern(stA, 'reception');
  const cA2 = await concern(stA, 'reception');
  await concern(stA, 'online'); // not from a reception day
  const rec = await record(stA, '2026-09-15', { deputy_ids: [d1, d2], concern_ids: [cA1, cA2],
    attended_codes: [codes.came1, codes.came2] });
  assert.equal(rec.residents_received, 3, 'two bookings that came and the walk-in');
  sql(srv, `UPDATE concerns SET status = 'resolved' WHERE id = ${cA1}`);

  // A, 15 October: residents given by hand; deputy 1
  await record(stA, '2026-10-15', { deputy_ids: [d1], residents_received: 5 });
  // B (another street), 15 October: one walk-in; deputies 2 and 3
  await walkIn(stB, '2026-10-15');
  await record(stB, '2026-10-15', { deputy_ids: [d2, d3], concern_ids: [await concern(stB, 'reception')] });
  // A, 16 November (to come): two booked, one cancelled
  codes.soon1 = await book(stA, '2026-11-16', '09:00', '居民戊', '13811110005');
  codes.soon2 = await book(stA, '2026-11-16', '09:30', '居民己', '13811110006');
  codes.soonGone = await book(stA, '2026-11-16', '10:00', '居民庚', '13811110007');
  r = await srv.post(`/api/v1/reception-bookings/${codes.soonGone}/cancel`, {});
  assert.equal(r.status, 200, r.text);
  // last year: A, 15 December 2025, deputy 3; a walk-in
  await walkIn(stA, '2025-12-15');
  await record(stA, '2025-12-15', { deputy_ids: [d3] });
});
after(async () => { assert.equal(await srv.stop(), 0); });

const counts = (held, residents_received, deputy_attendances) => ({ held, residents_received, deputy_attendances });
const byId = (k) => (x, y) => x[k] - y[k];

test('this year: held days, residents, bookings, 人次, by station, street and China month', async () => {
  const r = await stats();
  assert.equal(r.body.from, '2026-01-01');
  const v = r.body.receptions;
  assert.ok(v, 'the receptions section is there');
  assert.ok(r.body.activities && r.body.concerns, 'the other sections stay');
  assert.equal(v.held, 3, 'the three recorded days of 2026; not 16 November, not last December');
  assert.equal(v.residents_received, 3 + 5 + 1, 'as the records count them');
  assert.equal(v.walk_ins, 2);
  assert.deepEqual(v.bookings, { made: 7, cancelled: 2, attended: 2, no_shows: 1, pending: 2 });
  assert.equal(v.deputy_attendances, 5);
  assert.equal(v.deputies_attending, 3);
  assert.deepEqual(v.concerns_raised, { raised: base.year.raised + 3, resolved: base.year.resolved + 1 });
  assert.deepEqual(v.by_station, [
    { station_id: stA, name: '接待统计甲站', ...counts(2, 8, 3) },
    { station_id: stB, name: '接待统计乙站', ...counts(1, 1, 2) },
  ]);
  assert.deepEqual(v.by_street.map((s) => [s.street_id, s.held, s.residents_received, s.deputy_attendances]),
    [[S, 1 + 1, 8, 3], [S2, 1, 1, 2]].sort(byId(0)).map((x) => x));
  assert.ok(v.by_street.every((s) => typeof s.name === 'string' && s.name.length > 0));
  assert.deepEqual(v.by_month, [
    { month: '2026-09', ...counts(1, 3, 2) },
    { month: '2026-10', ...counts(2, 6, 3) },
  ]);
  // public, and no resident in it
  for (const s of ['居民甲', '来访群众', '13811110001'])
    assert.ok(!r.text.includes(s), s);
});

test('any period: October, last December, one day', async () => {
  const oct = (await stats('?from=2026-10-01&to=2026-10-31')).body.receptions;
  assert.equal(oct.held, 2);
  assert.equal(oct.residents_received, 6);
  assert.equal(oct.walk_ins, 1);
  assert.deepEqual(oct.bookings, { made: 0, cancelled: 0, attended: 0, no_shows: 0, pending: 0 });
  assert.equal(oct.deputy_attendances, 3);
  assert.equal(oct.deputies_attending, 3);
  assert.deepEqual(oct.by_month, [{ month: '2026-10', ...counts(2, 6, 3) }]);
  const dec = (await stats('?from=2025-12-01&to=2025-12-31')).body.receptions;
  assert.equal(dec.held, 1);
  assert.equal(dec.residents_received, 1);
  assert.equal(dec.deputies_attending, 1);
  assert.deepEqual(dec.by_month, [{ month: '2025-12', ...counts(1, 1, 1) }]);
  const sep15 = (await stats('?from=2026-09-15&to=2026-09-15')).body.receptions;
  assert.equal(sep15.held, 1);
  assert.deepEqual(sep15.bookings, { made: 4, cancelled: 1, attended: 2, no_shows: 1, pending: 0 });
  const nov = (await stats('?from=2026-11-01&to=2026-11-30')).body.receptions;
  assert.equal(nov.held, 0);
  assert.deepEqual(nov.bookings, { made: 3, cancelled: 1, attended: 0, no_shows: 0, pending: 2 },
    'bookings for a day to come are pending, not no-shows');
  assert.deepEqual(nov.by_station, []);
  assert.deepEqual(nov.by_month, []);
});

test('one street: only its stations\' reception days', async () => {
  const v = (await stats(`?street=${S}`)).body.receptions;
  assert.equal(v.held, 2);
  assert.equal(v.residents_received, 8);
  assert.equal(v.walk_ins, 1);
  assert.deepEqual(v.bookings, { made: 7, cancelled: 2, attended: 2, no_shows: 1, pending: 2 });
  assert.equal(v.deputy_attendances, 3);
  assert.equal(v.deputies_attending, 2);
  assert.deepEqual(v.concerns_raised, { raised: base.yearS.raised + 2, resolved: base.yearS.resolved + 1 });
  assert.deepEqual(v.by_station.map((s) => s.station_id), [stA]);
  assert.deepEqual(v.by_street.map((s) => s.street_id), [S]);
  const v2 = (await stats(`?street=${S2}`)).body.receptions;
  assert.equal(v2.held, 1);
  assert.equal(v2.deputies_attending, 2);
  assert.deepEqual(v2.bookings.made, 0);
});

test('the public dashboard page shows the reception days the same way as the activities', async () => {
  const r = await srv.get('/dashboard?from=2026-01-01&to=2026-12-31');
  assert.equal(r.status, 200);
  assert.match(r.text, /<strong>3<\/strong> 场接待日/);
  assert.match(r.text, /<strong>9<\/strong> 人次群众来访/);
  assert.match(r.text, /<strong>5<\/strong> 人次代表值班接待/);
  const chart = r.text.split('<section class="card chart"').find((x) => x.includes('reception_months-heading'));
  assert.ok(chart, 'the chart by month');
  assert.match(chart, /<svg /);
  assert.match(chart, /<th scope="row">9月<\/th><td>1场<\/td>/);
  assert.match(chart, /<th scope="row">10月<\/th><td>2场<\/td>/);
  assert.ok(!r.text.includes('居民甲'));
});

test('the parameters are checked as for the rest of the dashboard', async () => {
  isError(await srv.get('/api/v1/stats?from=2026-02-30'), 400, 'invalid_date', 'from');
  isError(await srv.get('/api/v1/stats?from=2026-12-01&to=2026-01-01'), 400, 'invalid_range', 'from');
});

test('concerns raised at reception days are counted in the period they were raised', async () => {
  const raised = async (from, to) =>
    (await stats(`?from=${from}&to=${to}`)).body.receptions.concerns_raised.raised;
  const [y0, d0] = [await raised('2026-01-01', '2026-12-31'), await raised('2025-12-01', '2025-12-31')];
  const id = await concern(stA, 'reception');
  assert.equal(await raised('2026-01-01', '2026-12-31'), y0 + 1);
  assert.equal(await raised('2025-12-01', '2025-12-31'), d0);
  // the same concern, raised last December instead
  sql(srv, `UPDATE concerns SET created_at = ${Date.parse('2025-12-10T10:00:00+08:00') / 1000} WHERE id = ${id}`);
  assert.equal(await raised('2026-01-01', '2026-12-31'), y0);
  assert.equal(await raised('2025-12-01', '2025-12-31'), d0 + 1);
  assert.equal(await raised('2025-12-11', '2025-12-31'), d0, 'not before the day it was raised');
});
