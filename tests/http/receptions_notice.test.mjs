// Reception days: the notice rule and the duty reminders (docs/RECEPTIONS.md
// "Notice" and "Duty reminders").  A schedule change applies only after
// today + activity_notice_days (3): a change made 2 days before a booked
// reception day leaves that day as it was announced (date, times, slots,
// places, the deputy on duty, the booking); the same change made 10 days
// before moves it and reports the booking it leaves behind, with a notice in
// the office's and the station staff's inboxes.  The sweep (`youyue remind`)
// tells each deputy on duty 3 days before, once.  The rule's other branches:
// a second change before the first took effect replaces it, and the window
// follows the setting (10 days: a change 5 days before leaves the day; 1 day:
// a change 2 days before moves it).  The clock is pinned with
// YOUYUE_NOW, one server (or sweep) per date, on one database; both backends.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { cli, startServer, freshDatabase, isError, PG_URL, BACKEND } from './harness.mjs';

/** Unix time of hh:00 China time on a 2026 civil date. */
const at = (m, d, hh = 8) => Date.UTC(2026, m - 1, d, hh) / 1000 - 8 * 3600;

let tmp, database, db;
let stA, stB, dep1, dep2, codeA;

function sql(text) {
  const r = PG_URL
    ? spawnSync('psql', [db, '-qAt', '-v', 'ON_ERROR_STOP=1', '-c', text], { encoding: 'utf8' })
    : spawnSync('sqlite3', ['-cmd', '.timeout 10000', db, text], { encoding: 'utf8' });
  if (r.status !== 0 || r.stderr) throw new Error(`${BACKEND}: ${text}: ${r.stderr}`);
  return r.stdout.trim();
}

/** Runs fn with a server whose clock is at now; stops it after. */
async function withServerAt(now, fn) {
  const saved = process.env.YOUYUE_NOW;
  process.env.YOUYUE_NOW = String(now);
  let srv;
  try {
    srv = await startServer({ demo: false, db, dbRead: null, args: ['--remind-interval', '0'] });
  } finally {
    if (saved === undefined) delete process.env.YOUYUE_NOW; else process.env.YOUYUE_NOW = saved;
  }
  try {
    return await fn(srv);
  } finally {
    await srv.stop();
  }
}

function remind(now) {
  const r = cli(['remind', '--db', db], { env: { YOUYUE_NOW: String(now) } });
  assert.equal(r.status, 0, r.stderr);
  return r;
}

const sched = (st) => `/api/v1/stations/${st}/reception-schedule`;
const day = (st, d) => `/api/v1/stations/${st}/reception-days/${d}`;
const put = (srv, path, body, o) => srv.request('PUT', path, { ...o, body });
// the 15th, 9:00-11:00, 30-minute slots of 3 places, the rota one a time
const FIFTEENTH = {
  day_kind: 'day_of_month', day: 15, start: '09:00', end: '11:00', slot_minutes: 30, places: 3,
  rota_per_day: 1, rota_from: '2026-09-01',
};
// the change: the 16th, 14:00-16:00, one place per slot
const SIXTEENTH = { ...FIFTEENTH, day: 16, start: '14:00', end: '16:00', places: 1 };
const dutyNotices = (st) => sql(
  `SELECT recipient_id, message, day FROM reminders WHERE recipient_kind = 'deputy' AND kind = 'notice'` +
  ` AND entity = 'station' AND entity_id = ${st} ORDER BY id`).split('\n').filter(Boolean);

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'youyue-rcnotice-'));
  database = freshDatabase(tmp);
  db = database.url;
  const r = cli(['init', '--db', db, '--demo']);
  assert.equal(r.status, 0, r.stderr);
  // Tuesday 1 September 2026: two stations with the same first schedule and
  // a booking on 15 September each
  await withServerAt(at(9, 1), async (srv) => {
    const admin = await srv.login('admin');
    const street = await srv.login('street');
    const S = street.user.roles[0].scope_id;
    const mk = async (name) => {
      const c = await srv.post('/api/v1/stations', { kind: 'reception_room', name, street_id: S,
        address: `${name}地址`, lat: 30.58, lon: 114.28 }, admin);
      assert.equal(c.status, 201, c.text);
      return c.body.id;
    };
    stA = await mk('接待日公告测试甲站');
    stB = await mk('接待日公告测试乙站');
    const deps = (await srv.get('/api/v1/deputies?limit=2')).body.items;
    [dep1, dep2] = deps.map((d) => d.id);
    for (const st of [stA, stB]) {
      const p = await put(srv, sched(st), { ...FIFTEENTH, rota_deputy_ids: [dep1, dep2] }, street);
      assert.equal(p.status, 200, p.text);
      // a station's first schedule applies at once: nothing was announced
      assert.equal(p.body.effective_from, '2026-09-01');
      assert.equal(p.body.affected_bookings, 0);
    }
    for (const [st, phone] of [[stA, '13800000001'], [stB, '13800000002']]) {
      const b = await srv.post(`${day(st, '2026-09-15')}/bookings`, { slot: '09:00', name: '张三', phone });
      assert.equal(b.status, 201, b.text);
      if (st === stA) codeA = b.body.code;
    }
  });
});

after(() => {
  database?.drop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

test('a change 10 days before a booked reception day moves it and reports the booking', async () => {
  // Saturday 5 September: the 15th is after 5 + 3 days, so the change applies to it
  await withServerAt(at(9, 5), async (srv) => {
    const street = await srv.login('street');
    const r = await put(srv, sched(stB), { ...SIXTEENTH, rota_deputy_ids: [dep1, dep2] }, street);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.effective_from, '2026-09-09');
    assert.equal(r.body.affected_bookings, 1);
    assert.deepEqual(r.body.affected_dates, ['2026-09-15']);
    isError(await srv.get(day(stB, '2026-09-15')), 404, 'not_a_reception_day');
    const d = await srv.get(day(stB, '2026-09-16'));
    assert.equal(d.status, 200, d.text);
    assert.equal(d.body.starts_at, '2026-09-16T14:00:00+08:00');
    assert.deepEqual(d.body.slots.map((s) => s.places), [1, 1, 1, 1]);
    // the booking is not lost: still in the staff's list of that date, and
    // the office and the station's staff have a notice
    const list = await srv.get(`${day(stB, '2026-09-15')}/bookings`, street);
    assert.equal(list.status, 200, list.text);
    assert.deepEqual(list.body.items.map((b) => b.status), ['booked']);
    for (const who of ['admin', 'street']) {
      const me = await srv.login(who);
      const inbox = (await srv.get('/api/v1/inbox?limit=100', me)).body.items
        .filter((n) => n.entity === 'station' && n.entity_id === stB && n.kind === 'notice');
      assert.equal(inbox.length, 1, `${who}: ${JSON.stringify(inbox)}`);
      assert.match(inbox[0].message, /接待日公告测试乙站.*自2026-09-09起生效.*1个预约/);
    }
    // the audit entry says from when and how many
    const admin = await srv.login('admin');
    const audit = (await srv.get(`/api/v1/audit?entity=station&id=${stB}&limit=100`, admin)).body.items
      .filter((a) => a.action === 'reception.schedule').sort((x, y) => x.id - y.id);
    assert.deepEqual(audit.map((a) => [a.detail.effective_from, a.detail.affected_bookings]),
      [[null, 0], ['2026-09-09', 1]]);
  });
});

test('the sweep tells the deputy on duty 3 days before, once', async () => {
  // Friday 11 September: the 15th is 4 days away, nothing yet
  remind(at(9, 11, 10));
  assert.deepEqual(dutyNotices(stA), []);
  // Saturday 12 September: 3 days before, dep1 (the rota's first) is told
  remind(at(9, 12, 10));
  let rows = dutyNotices(stA);
  assert.equal(rows.length, 1, rows.join('\n'));
  const [to, message] = rows[0].split('|');
  assert.equal(Number(to), dep1);
  assert.match(message, /您于 9月15日 09:00 在 接待日公告测试甲站 值班接待/);
  // the same day again, and the next day: nothing more
  const again = remind(at(9, 12, 16));
  assert.match(again.stdout, /reminders written/);
  remind(at(9, 13, 7));
  assert.equal(dutyNotices(stA).length, 1);
  // logged like the other reminders: the sweep's audit entry counts it
  const details = sql("SELECT detail FROM audit_log WHERE action = 'remind.sweep' ORDER BY id")
    .split('\n').filter(Boolean).map((t) => JSON.parse(t));
  assert.ok(details.some((d) => d.day === '2026-09-12' && d.reception_duty >= 1), JSON.stringify(details));
});

test('a change 2 days before a booked reception day leaves that day as it was', async () => {
  // Sunday 13 September: the 15th is inside the notice period
  await withServerAt(at(9, 13), async (srv) => {
    const street = await srv.login('street');
    const r = await put(srv, sched(stA), { ...SIXTEENTH, rota_deputy_ids: [dep2, dep1] }, street);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.effective_from, '2026-09-17');
    assert.equal(r.body.affected_bookings, 0);
    assert.deepEqual(r.body.affected_dates, []);
    // the schedule answer is the new version, from the 17th
    const g = await srv.get(sched(stA));
    assert.equal(g.body.day, 16);
    assert.equal(g.body.effective_from, '2026-09-17');
    // the 15th as announced: times, slots, places, the deputy on duty, the booking
    const d = await srv.get(day(stA, '2026-09-15'));
    assert.equal(d.status, 200, d.text);
    assert.equal(d.body.starts_at, '2026-09-15T09:00:00+08:00');
    assert.deepEqual(d.body.slots.map((s) => [s.start, s.places, s.booked]),
      [['09:00', 3, 1], ['09:30', 3, 0], ['10:00', 3, 0], ['10:30', 3, 0]]);
    assert.deepEqual(d.body.deputies.map((x) => x.id), [dep1]);
    // still bookable in its announced slots; the new slots are not its own
    const b = await srv.post(`${day(stA, '2026-09-15')}/bookings`, { slot: '09:30', name: '李四', phone: '13800000003' });
    assert.equal(b.status, 201, b.text);
    isError(await srv.post(`${day(stA, '2026-09-15')}/bookings`, { slot: '14:00', name: '王五', phone: '13800000004' }),
      400, 'invalid_slot', 'slot');
    // the 16th is not a reception day (still the old version's period), the
    // next month's is the 16th, 14:00, one place a slot
    isError(await srv.get(day(stA, '2026-09-16')), 404, 'not_a_reception_day');
    isError(await srv.get(day(stA, '2026-10-15')), 404, 'not_a_reception_day');
    const oct = await srv.get(day(stA, '2026-10-16'));
    assert.equal(oct.status, 200, oct.text);
    assert.equal(oct.body.starts_at, '2026-10-16T14:00:00+08:00');
    assert.deepEqual(oct.body.slots.map((s) => s.places), [1, 1, 1, 1]);
    const list = await srv.get(`/api/v1/stations/${stA}/reception-days?from=2026-09-13&to=2026-10-31`);
    assert.deepEqual(list.body.items.map((x) => x.date), ['2026-09-15', '2026-10-16']);
    // the station answer's next reception day is the announced one
    assert.equal((await srv.get(`/api/v1/stations/${stA}`)).body.next_reception_day.date, '2026-09-15');
    // the booking made before the change is still there and can be cancelled
    const c = await srv.post(`/api/v1/reception-bookings/${codeA}/cancel`, {});
    assert.equal(c.status, 200, c.text);
    // no notice: no booking was left behind
    const admin = await srv.login('admin');
    const inbox = (await srv.get('/api/v1/inbox?limit=100', admin)).body.items
      .filter((n) => n.entity === 'station' && n.entity_id === stA);
    assert.deepEqual(inbox, []);
  });
  // the deputy already told about the 15th is not told again
  remind(at(9, 13, 10));
  assert.equal(dutyNotices(stA).length, 1);
});

test('a deputy taken off the rota by a change keeps the duty days announced before it', async () => {
  // a third station, first schedule on 1 September with dep1 alone on the rota
  let stC;
  await withServerAt(at(9, 1, 9), async (srv) => {
    const admin = await srv.login('admin');
    const street = await srv.login('street');
    const c = await srv.post('/api/v1/stations', { kind: 'reception_room', name: '接待日公告测试丙站',
      street_id: street.user.roles[0].scope_id, address: '丙站地址', lat: 30.58, lon: 114.28 }, admin);
    assert.equal(c.status, 201, c.text);
    stC = c.body.id;
    const p = await put(srv, sched(stC), { ...FIFTEENTH, rota_deputy_ids: [dep1] }, street);
    assert.equal(p.status, 200, p.text);
  });
  // 13 September: the rota becomes dep2 alone, from the 17th on
  await withServerAt(at(9, 13, 9), async (srv) => {
    const street = await srv.login('street');
    const p = await put(srv, sched(stC), { ...FIFTEENTH, rota_deputy_ids: [dep2] }, street);
    assert.equal(p.status, 200, p.text);
    assert.equal(p.body.effective_from, '2026-09-17');
    const d = await srv.get(day(stC, '2026-09-15'));
    assert.deepEqual(d.body.deputies.map((x) => x.id), [dep1]);
    // the deputy's own list has the announced day at this station; October's is dep2's
    const mine = (dep) => srv.get(`/api/v1/deputies/${dep}/reception-days?from=2026-09-13&to=2026-10-31`)
      .then((r) => { assert.equal(r.status, 200, r.text); return r.body.items.filter((x) => x.station_id === stC).map((x) => x.date); });
    assert.deepEqual(await mine(dep1), ['2026-09-15']);
    assert.deepEqual(await mine(dep2), ['2026-10-15']);
    // and so has the deputy's calendar feed
    const ics = await srv.request('GET', `/api/v1/deputies/${dep1}/activities.ics`);
    assert.equal(ics.status, 200, ics.text);
    assert.match(ics.text.replace(/\r\n[ \t]/g, ''), new RegExp(`UID:reception-${stC}-20260915@youyue`));
  });
});

// The other branches of the notice rule, each on a station of its own whose
// first schedule (the 15th) is made on 1 September.
/** The day number (days since 1970-01-01) of a 2026 civil date, as stored. */
const dayNo = (m, d) => Date.UTC(2026, m - 1, d) / 86400000;
/** A new station with FIFTEENTH as its first schedule, made on 1 September. */
async function stationWithFifteenth(name) {
  return withServerAt(at(9, 1, 9), async (srv) => {
    const admin = await srv.login('admin');
    const street = await srv.login('street');
    const c = await srv.post('/api/v1/stations', { kind: 'reception_room', name,
      street_id: street.user.roles[0].scope_id, address: `${name}地址`, lat: 30.58, lon: 114.28 }, admin);
    assert.equal(c.status, 201, c.text);
    const p = await put(srv, sched(c.body.id), { ...FIFTEENTH, rota_deputy_ids: [dep1] }, street);
    assert.equal(p.status, 200, p.text);
    assert.equal(p.body.effective_from, '2026-09-01');
    return c.body.id;
  });
}
/** The station's reception days from..to (dates) as the list gives them. */
async function daysOf(srv, st, from, to) {
  const r = await srv.get(`/api/v1/stations/${st}/reception-days?from=${from}&to=${to}`);
  assert.equal(r.status, 200, r.text);
  return r.body.items.map((x) => [x.date, x.starts_at.slice(11, 16)]);
}
/** The kept versions of a station's schedule: effective_from|day|start_minute. */
const versionsOf = (st) => sql(
  `SELECT effective_from, day, start_minute FROM reception_schedule_versions WHERE station_id = ${st}` +
  ' ORDER BY effective_from').split('\n').filter(Boolean);
/** Runs fn with settings.activity_notice_days at days; puts the value back after. */
async function withNoticeDays(days, fn) {
  const was = sql("SELECT value FROM settings WHERE key = 'activity_notice_days'");
  assert.equal(was, '3');
  sql(`UPDATE settings SET value = '${days}' WHERE key = 'activity_notice_days'`);
  try {
    return await fn();
  } finally {
    sql(`UPDATE settings SET value = '${was}' WHERE key = 'activity_notice_days'`);
  }
}

test('a second change before the first took effect replaces it', async () => {
  const st = await stationWithFifteenth('接待日公告测试丁站');
  // Saturday 5 September: the 16th from the 9th on; then, the same day, the
  // 17th, 10:00-12:00 instead, also from the 9th on
  await withServerAt(at(9, 5, 9), async (srv) => {
    const street = await srv.login('street');
    const first = await put(srv, sched(st), { ...SIXTEENTH, rota_deputy_ids: [dep1] }, street);
    assert.equal(first.status, 200, first.text);
    assert.equal(first.body.effective_from, '2026-09-09');
    assert.deepEqual(await daysOf(srv, st, '2026-09-05', '2026-09-30'), [['2026-09-16', '14:00']]);
    const second = await put(srv, sched(st),
      { ...FIFTEENTH, day: 17, start: '10:00', end: '12:00', rota_deputy_ids: [dep1] }, street);
    assert.equal(second.status, 200, second.text);
    assert.equal(second.body.effective_from, '2026-09-09');
    // the days follow the second change: nothing is left of the 16th
    assert.deepEqual(await daysOf(srv, st, '2026-09-05', '2026-09-30'), [['2026-09-17', '10:00']]);
    isError(await srv.get(day(st, '2026-09-16')), 404, 'not_a_reception_day');
    const g = await srv.get(sched(st));
    assert.equal(g.body.day, 17);
    assert.equal(g.body.effective_from, '2026-09-09');
  });
  // kept: the first schedule alone (for the days before the 9th); no row
  // for the pending version the second change replaced
  assert.deepEqual(versionsOf(st), ['0|15|540']);
  // the next day (6 September, the first change's days not begun yet): a
  // third change applies from the 10th; the second change's version keeps
  // the one day between (the 9th), the first schedule the days before
  await withServerAt(at(9, 6, 9), async (srv) => {
    const street = await srv.login('street');
    const third = await put(srv, sched(st), { ...FIFTEENTH, day: 18, rota_deputy_ids: [dep1] }, street);
    assert.equal(third.status, 200, third.text);
    assert.equal(third.body.effective_from, '2026-09-10');
    assert.deepEqual(await daysOf(srv, st, '2026-09-06', '2026-09-30'), [['2026-09-18', '09:00']]);
  });
  assert.deepEqual(versionsOf(st), ['0|15|540', `${dayNo(9, 9)}|17|600`]);
});

test('a longer notice period (activity_notice_days 10): a change 5 days before leaves the day as announced', async () => {
  const st = await stationWithFifteenth('接待日公告测试戊站');
  await withNoticeDays(10, () => withServerAt(at(9, 10, 9), async (srv) => {
    // Thursday 10 September: the 15th is within 10 + 10 days, so it stays
    const street = await srv.login('street');
    const r = await put(srv, sched(st), { ...SIXTEENTH, rota_deputy_ids: [dep1] }, street);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.effective_from, '2026-09-21');
    assert.deepEqual(await daysOf(srv, st, '2026-09-10', '2026-10-31'),
      [['2026-09-15', '09:00'], ['2026-10-16', '14:00']]);
    isError(await srv.get(day(st, '2026-09-16')), 404, 'not_a_reception_day');
  }));
  assert.deepEqual(versionsOf(st), ['0|15|540']);
  assert.equal(sql(`SELECT effective_from FROM reception_schedules WHERE station_id = ${st}`),
    String(dayNo(9, 21)));
});

test('a shorter notice period (activity_notice_days 1): a change 2 days before moves the day', async () => {
  const st = await stationWithFifteenth('接待日公告测试己站');
  await withNoticeDays(1, () => withServerAt(at(9, 13, 9), async (srv) => {
    // Sunday 13 September: the 15th is after 13 + 1 days, so it moves to the 16th
    const street = await srv.login('street');
    const r = await put(srv, sched(st), { ...SIXTEENTH, rota_deputy_ids: [dep1] }, street);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.effective_from, '2026-09-15');
    assert.deepEqual(await daysOf(srv, st, '2026-09-13', '2026-10-31'),
      [['2026-09-16', '14:00'], ['2026-10-16', '14:00']]);
    isError(await srv.get(day(st, '2026-09-15')), 404, 'not_a_reception_day');
  }));
  assert.deepEqual(versionsOf(st), ['0|15|540']);
  assert.equal(sql(`SELECT effective_from FROM reception_schedules WHERE station_id = ${st}`),
    String(dayNo(9, 15)));
});
