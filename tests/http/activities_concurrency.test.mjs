// Capacity under concurrency (issue 5's quality bar): 100 simultaneous
// registrations for 30 places give exactly 30 confirmed and 70 waitlisted,
// distinct check-in codes and positions, and no phone registered twice even
// when the same phones are sent again at the same moment; then cancellations
// sent together move exactly as many up from the waiting list, in order.
// The activity's row lock (store_activity_get_for_update) is what holds this
// on PostgreSQL, the single writer on SQLite.  On both backends.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, isError } from './harness.mjs';
import { at } from './sg_helpers.mjs';

process.env.YOUYUE_NOW = String(at('2026-12-01T10:00'));
let srv, street, stationId;
const as = (s) => ({ cookie: s.cookie, csrf: s.csrf });

before(async () => {
  srv = await startServer({ args: ['--anon-rate', '0', '--remind-interval', '0'] });
  street = await srv.login('street');
  const S = street.user.roles[0].scope_id;
  stationId = (await srv.getAll(`/api/v1/stations?street=${S}`))[0].id;
});
after(async () => { assert.equal(await srv.stop(), 0, 'server exits cleanly'); });

async function openActivity(capacity) {
  const r = await srv.post('/api/v1/activities', { kind: 'talk', title: '并发报名测试', theme: '名额',
    station_id: stationId, starts_at: '2026-12-10T09:00:00+08:00', ends_at: '2026-12-10T11:00:00+08:00',
    capacity, deputy_ids: [], unit_ids: [] }, as(street));
  assert.equal(r.status, 201, r.text);
  const o = await srv.post(`/api/v1/activities/${r.body.id}/actions`, { action: 'open' }, as(street));
  assert.equal(o.status, 200, o.text);
  return r.body.id;
}

const phoneOf = (i) => `1370000${String(i).padStart(4, '0')}`;

test('100 simultaneous registrations for 30 places: 30 confirmed, 70 waitlisted, distinct codes, no phone twice', async () => {
  const id = await openActivity(30);
  // 100 different phones, and the first 20 of them sent a second time, all at once
  const sends = [];
  for (let i = 0; i < 100; i++) sends.push(i);
  for (let i = 0; i < 20; i++) sends.push(i);
  const answers = await Promise.all(sends.map((i) =>
    srv.post(`/api/v1/activities/${id}/registrations`, { name: `并发${i}`, phone: phoneOf(i) })));
  const ok = answers.filter((r) => r.status === 201);
  const refused = answers.filter((r) => r.status !== 201);
  assert.equal(ok.length, 100, 'one registration per phone');
  assert.equal(refused.length, 20);
  for (const r of refused) isError(r, 409, 'already_registered');
  assert.equal(ok.filter((r) => r.body.status === 'confirmed').length, 30);
  assert.equal(ok.filter((r) => r.body.status === 'waitlisted').length, 70);
  assert.equal(new Set(ok.map((r) => r.body.check_in_code)).size, 100, 'distinct check-in codes');
  assert.deepEqual(ok.map((r) => r.body.position).sort((a, b) => a - b), Array.from({ length: 100 }, (_, i) => i + 1));
  // the confirmed ones are the first 30 to register, the waiting list numbered 1..70
  for (const r of ok) {
    if (r.body.status === 'confirmed') assert.ok(r.body.position <= 30);
    else assert.equal(r.body.waitlist_position, r.body.position - 30);
  }

  // read back: what the staff see agrees
  const v = (await srv.get(`/api/v1/activities/${id}`, as(street))).body;
  assert.equal(v.confirmed, 30);
  assert.equal(v.waitlisted, 70);
  assert.equal(v.registrations.length, 100);
  assert.equal(new Set(v.registrations.map((x) => x.phone)).size, 100);

  // 10 confirmed ones cancel at once: exactly the first 10 waiting move up
  const confirmed = ok.filter((r) => r.body.status === 'confirmed').slice(0, 10);
  const byCode = new Map(v.registrations.map((x) => [x.check_in_code, x]));
  const cancels = await Promise.all(confirmed.map((r) => srv.post(`/api/v1/activities/${id}/registrations/cancel`,
    { check_in_code: r.body.check_in_code, phone: byCode.get(r.body.check_in_code).phone })));
  for (const c of cancels) {
    assert.equal(c.status, 200, c.text);
    assert.equal(c.body.promoted, true);
  }
  const after = (await srv.get(`/api/v1/activities/${id}`, as(street))).body;
  assert.equal(after.confirmed, 30);
  assert.equal(after.waitlisted, 60);
  const moved = after.registrations.filter((x) => x.status === 'confirmed' && x.position > 30).map((x) => x.position);
  assert.deepEqual(moved.sort((a, b) => a - b), Array.from({ length: 10 }, (_, i) => 31 + i));
});
