// The iCalendar feeds (docs/ICAL.md): GET /api/v1/activities.ics,
// /api/v1/stations/{id}/activities.ics, /api/v1/deputies/{id}/activities.ics,
// read back with a real parser (ical.js): stable UIDs, Asia/Shanghai times,
// SEQUENCE rising with a change, a cancelled activity kept as CANCELLED,
// drafts and events outside the window left out, long Chinese text intact,
// ETag / If-None-Match, no personal data.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import ICAL from 'ical.js';
import { startServer, isError } from './harness.mjs';

/** Unix seconds of a China wall-clock time. */
const at = (local) => Math.floor(Date.parse(`${local}:00+08:00`) / 1000);
const rfc = (local) => `${local}:00+08:00`;
const NOW = at('2026-11-02T10:00');
process.env.YOUYUE_NOW = String(NOW);

// 39 characters, 117 octets: longer than one 75-octet line however it is cut
const LONG_TITLE = '关于老旧小区加装电梯和雨污分流改造以及背街小巷停车难问题的现场共话活动欢迎居民踊跃参加';

let srv, admin, D1, D2, S1, S2;
const ids = {};

async function plan(body, open = true) {
  const r = await srv.post('/api/v1/activities', { capacity: 30, unit_ids: [], ...body }, admin);
  assert.equal(r.status, 201, r.text);
  if (open) {
    const o = await srv.post(`/api/v1/activities/${r.body.id}/actions`, { action: 'open' }, admin);
    assert.equal(o.status, 200, o.text);
  }
  return r.body.id;
}

before(async () => {
  srv = await startServer({ args: ['--anon-rate', '0', '--remind-interval', '0'] });
  admin = await srv.login('admin');
  const deputy = await srv.login('deputy');
  D1 = deputy.user.roles.find((g) => g.role === 'deputy').scope_id;
  const deputies = await srv.getAll('/api/v1/deputies');
  D2 = deputies.find((d) => d.id !== D1).id;
  const stations = await srv.getAll('/api/v1/stations');
  S1 = stations[0].id;
  S2 = stations[1].id;
  ids.long = await plan({ kind: 'talk', title: LONG_TITLE, theme: '加装电梯; 雨污分流, 停车\\难\n第二行',
    station_id: S1, starts_at: rfc('2026-12-15T09:00'), ends_at: rfc('2026-12-15T11:30'), deputy_ids: [D1] });
  ids.venue = await plan({ kind: 'learn', title: '民法典进社区', theme: '学习民法典', venue: '江汉区文化馆三楼',
    starts_at: rfc('2026-11-20T14:30'), ends_at: rfc('2026-11-20T16:00'), deputy_ids: [D2] });
  ids.toCancel = await plan({ kind: 'supervise', title: '共督:背街小巷环境整治', theme: '督查', station_id: S2,
    starts_at: rfc('2026-12-01T09:00'), ends_at: rfc('2026-12-01T10:00'), deputy_ids: [D1, D2] });
  ids.draft = await plan({ kind: 'share', title: '尚未发布的草稿活动', theme: '草稿', station_id: S1,
    starts_at: rfc('2026-12-10T09:00'), ends_at: rfc('2026-12-10T10:00'), deputy_ids: [D1] }, false);
  // beyond the window's year ahead (the feed stops at 365 days)
  ids.far = await plan({ kind: 'build', title: '明年年底的共建活动', theme: '远期', station_id: S1,
    starts_at: rfc('2027-12-20T09:00'), ends_at: rfc('2027-12-20T10:00'), deputy_ids: [D1] });
  // reception days at S1: the 15th of every month, 9:00-11:00, D1 on the rota
  const sch = await srv.request('PUT', `/api/v1/stations/${S1}/reception-schedule`, { ...admin,
    body: { day_kind: 'day_of_month', day: 15, start: '09:00', end: '11:00', rota_deputy_ids: [D1] } });
  assert.equal(sch.status, 200, sch.text);
  // a resident registers: their name and phone must never reach a feed
  const reg = await srv.post(`/api/v1/activities/${ids.long}/registrations`, { name: '张小花', phone: '13912345678' });
  assert.equal(reg.status, 201, reg.text);
});
after(async () => { assert.equal(await srv.stop(), 0); });

/** Fetches a feed and parses it; returns { r, cal, events: Map uid -> ICAL.Event }. */
async function feed(path, headers = {}) {
  const r = await srv.get(path, { headers });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.headers.get('content-type'), 'text/calendar; charset=utf-8');
  const cal = new ICAL.Component(ICAL.parse(r.text));
  for (const tz of cal.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(tz);
  const events = new Map();
  for (const v of cal.getAllSubcomponents('vevent')) {
    const ev = new ICAL.Event(v);
    assert.ok(!events.has(ev.uid), `UID ${ev.uid} twice`);
    events.set(ev.uid, ev);
  }
  return { r, cal, events };
}

const uid = (id) => `activity-${id}@youyue`;

test('the whole feed: RFC 5545 structure, public activities only, times in Asia/Shanghai', async () => {
  const { r, cal, events } = await feed('/api/v1/activities.ics');
  assert.equal(cal.name, 'vcalendar');
  assert.equal(cal.getFirstPropertyValue('version'), '2.0');
  assert.equal(cal.getFirstPropertyValue('method'), 'PUBLISH');
  assert.equal(cal.getFirstPropertyValue('calscale'), 'GREGORIAN');
  assert.match(cal.getFirstPropertyValue('prodid'), /youyue/);
  assert.equal(cal.getFirstPropertyValue('x-wr-calname'), '有约·代表活动');
  const tz = cal.getFirstSubcomponent('vtimezone');
  assert.equal(tz.getFirstPropertyValue('tzid'), 'Asia/Shanghai');
  assert.equal(tz.getFirstSubcomponent('standard').getFirstPropertyValue('tzoffsetto').toString(), '+08:00');

  // published ones in the window; not the draft, not the one beyond 365 days
  // (the demo district brings activities of its own)
  for (const id of [ids.long, ids.venue, ids.toCancel]) assert.ok(events.has(uid(id)), `activity ${id}`);
  assert.ok(!events.has(uid(ids.draft)), 'a draft is not public');
  assert.ok(!events.has(uid(ids.far)), 'beyond the window');
  const demo = (await srv.getAll('/api/v1/activities', admin)).filter((x) => !Object.values(ids).includes(x.id));
  for (const x of demo) {
    const inWindow = Date.parse(x.starts_at) / 1000 >= NOW - 90 * 86400 - 86400 && Date.parse(x.starts_at) / 1000 < NOW + 366 * 86400;
    if (x.status === 'draft' || !inWindow) assert.ok(!events.has(uid(x.id)), `demo activity ${x.id} ${x.status}`);
  }

  const e = events.get(uid(ids.long));
  assert.equal(e.component.getFirstProperty('dtstart').getParameter('tzid'), 'Asia/Shanghai');
  assert.equal(e.startDate.zone.tzid, 'Asia/Shanghai', 'resolved against the feed\'s VTIMEZONE');
  assert.equal(e.startDate.toUnixTime(), at('2026-12-15T09:00'));
  assert.equal(e.endDate.toUnixTime(), at('2026-12-15T11:30'));
  assert.equal(e.startDate.hour, 9, 'wall-clock time in China');
  assert.equal(e.component.getFirstPropertyValue('status'), 'CONFIRMED');
  assert.equal(e.summary, `约您共话:${LONG_TITLE}`, 'a long Chinese title comes back whole');
  const station = (await srv.get(`/api/v1/stations/${S1}`)).body;
  assert.ok(e.location.startsWith(station.name), e.location);
  // TEXT escaping round-trips: ; , \ and a newline
  assert.equal(e.description, '状态:报名中\n主题:加装电梯; 雨污分流, 停车\\难\n第二行');
  assert.match(e.component.getFirstPropertyValue('url'), new RegExp(`/api/v1/activities/${ids.long}$`));
  assert.ok(e.component.getFirstPropertyValue('dtstamp'));
  assert.ok(e.component.getFirstPropertyValue('last-modified'));
  const venue = events.get(uid(ids.venue));
  assert.equal(venue.location, '江汉区文化馆三楼');
  assert.equal(venue.startDate.toUnixTime(), at('2026-11-20T14:30'));

  // lines: CRLF, at most 75 octets, folded between characters (every line valid UTF-8)
  const raw = Buffer.from(r.text, 'utf8');
  assert.ok(r.text.endsWith('END:VCALENDAR\r\n'));
  assert.ok(!/[^\r]\n/.test(r.text), 'every line ends in CRLF');
  let folded = 0;
  for (const line of r.text.split('\r\n')) {
    assert.ok(Buffer.byteLength(line, 'utf8') <= 75, `line over 75 octets: ${line}`);
    assert.ok(!line.includes('\uFFFD'), 'a character was split');
    if (line.startsWith(' ')) folded++;
  }
  assert.ok(folded >= 1, 'the long title was folded');
  assert.equal(Buffer.from(r.text, 'utf8').length, raw.length);
});

test('UIDs and bytes are stable across requests; If-None-Match gets 304', async () => {
  const a = await feed('/api/v1/activities.ics');
  const b = await feed('/api/v1/activities.ics');
  assert.deepEqual([...a.events.keys()], [...b.events.keys()]);
  assert.equal(a.r.text, b.r.text);
  const etag = a.r.headers.get('etag');
  assert.match(etag, /^"[0-9a-f]{32}"$/);
  assert.equal(b.r.headers.get('etag'), etag);
  const nm = await srv.get('/api/v1/activities.ics', { headers: { 'if-none-match': etag } });
  assert.equal(nm.status, 304);
  assert.equal(nm.text, '');
  const other = await srv.get('/api/v1/activities.ics', { headers: { 'if-none-match': '"0000"' } });
  assert.equal(other.status, 200);
});

test('no personal data: a registrant\'s name and phone never appear', async () => {
  for (const p of ['/api/v1/activities.ics', `/api/v1/stations/${S1}/activities.ics`,
    `/api/v1/deputies/${D1}/activities.ics`]) {
    const r = await srv.get(p);
    assert.equal(r.status, 200);
    assert.ok(!r.text.includes('13912345678'), p);
    assert.ok(!r.text.includes('张小花'), p);
  }
});

test('a cancelled activity stays in the feed as CANCELLED with a higher SEQUENCE', async () => {
  const before = await feed('/api/v1/activities.ics');
  const ev0 = before.events.get(uid(ids.toCancel));
  assert.equal(ev0.component.getFirstPropertyValue('status'), 'CONFIRMED');
  const seq0 = ev0.sequence;
  assert.equal(typeof seq0, 'number');
  const untouched0 = before.events.get(uid(ids.venue)).sequence;

  const c = await srv.post(`/api/v1/activities/${ids.toCancel}/actions`,
    { action: 'cancel', reason: '因天气原因取消' }, admin);
  assert.equal(c.status, 200, c.text);

  const afterCancel = await feed('/api/v1/activities.ics');
  const ev1 = afterCancel.events.get(uid(ids.toCancel));
  assert.ok(ev1, 'still in the feed, same UID');
  assert.equal(ev1.component.getFirstPropertyValue('status'), 'CANCELLED');
  assert.ok(ev1.sequence > seq0, `SEQUENCE ${seq0} -> ${ev1.sequence}`);
  assert.match(ev1.description, /取消原因:因天气原因取消/);
  assert.equal(ev1.startDate.toUnixTime(), ev0.startDate.toUnixTime());
  assert.equal(afterCancel.events.get(uid(ids.venue)).sequence, untouched0, 'others unchanged');
  assert.notEqual(afterCancel.r.headers.get('etag'), before.r.headers.get('etag'));
  // the station's and the deputies' feeds say the same
  const st = await feed(`/api/v1/stations/${S2}/activities.ics`);
  assert.equal(st.events.get(uid(ids.toCancel)).component.getFirstPropertyValue('status'), 'CANCELLED');
  const dep = await feed(`/api/v1/deputies/${D2}/activities.ics`);
  assert.equal(dep.events.get(uid(ids.toCancel)).sequence, ev1.sequence);
});

test('registrations do not change an event: its SEQUENCE stays', async () => {
  const a = await feed('/api/v1/activities.ics');
  const r = await srv.post(`/api/v1/activities/${ids.venue}/registrations`, { name: '李四', phone: '13700001111' });
  assert.equal(r.status, 201, r.text);
  const b = await feed('/api/v1/activities.ics');
  assert.equal(b.events.get(uid(ids.venue)).sequence, a.events.get(uid(ids.venue)).sequence);
});

test('a station\'s feed holds its activities; a deputy\'s those they are invited to', async () => {
  const st = await feed(`/api/v1/stations/${S1}/activities.ics`);
  const stationName = (await srv.get(`/api/v1/stations/${S1}`)).body.name;
  assert.equal(st.cal.getFirstPropertyValue('x-wr-calname'), `有约·${stationName}`);
  const stActs = [...st.events.keys()].filter((u) => u.startsWith('activity-'));
  assert.deepEqual(stActs, [uid(ids.long)]);

  const d1 = await feed(`/api/v1/deputies/${D1}/activities.ics`);
  const d1Acts = [...d1.events.keys()].filter((u) => u.startsWith('activity-')).sort();
  assert.deepEqual(d1Acts, [uid(ids.long), uid(ids.toCancel)].sort());
  const d2 = await feed(`/api/v1/deputies/${D2}/activities.ics`);
  const d2Acts = [...d2.events.keys()].filter((u) => u.startsWith('activity-')).sort();
  assert.deepEqual(d2Acts, [uid(ids.venue), uid(ids.toCancel)].sort());
  // the same event has the same UID and SEQUENCE in every feed
  const all = await feed('/api/v1/activities.ics');
  assert.equal(d1.events.get(uid(ids.long)).sequence, all.events.get(uid(ids.long)).sequence);
  assert.equal(st.events.get(uid(ids.long)).summary, all.events.get(uid(ids.long)).summary);
});

test('unknown station or deputy: 404; not a number: 404', async () => {
  isError(await srv.get('/api/v1/stations/999999/activities.ics'), 404, 'not_found');
  isError(await srv.get('/api/v1/deputies/999999/activities.ics'), 404, 'not_found');
  assert.equal((await srv.get('/api/v1/deputies/abc/activities.ics')).status, 404);
  const m = await srv.post('/api/v1/activities.ics', {});
  assert.equal(m.status, 405);
});

const rec = (station, ymd) => `reception-${station}-${ymd}@youyue`;

test('reception days: in the station\'s and the duty deputy\'s feeds, moved off days off, same UID', async () => {
  const st = await feed(`/api/v1/stations/${S1}/activities.ics`);
  const days = [...st.events.keys()].filter((u) => u.startsWith('reception-'));
  // the window: 90 days back (from Aug 4th) to 365 ahead (to Nov 2nd, 2027): Aug 2026 .. Oct 2027
  assert.equal(days.length, 15, days.join(' '));
  const dec = st.events.get(rec(S1, '20261215'));
  assert.ok(dec, 'December 15th, a Tuesday');
  assert.equal(dec.startDate.toUnixTime(), at('2026-12-15T09:00'));
  assert.equal(dec.endDate.toUnixTime(), at('2026-12-15T11:00'));
  assert.equal(dec.component.getFirstProperty('dtstart').getParameter('tzid'), 'Asia/Shanghai');
  const stationName = (await srv.get(`/api/v1/stations/${S1}`)).body.name;
  assert.equal(dec.summary, `代表接待日:${stationName}`);
  const d1Name = (await srv.get(`/api/v1/deputies/${D1}`)).body.name;
  assert.match(dec.description, new RegExp(`值班代表:${d1Name}`));
  // November 15th, 2026 is a Sunday: held on Monday the 16th, the UID keeps the rule's date
  const nov = st.events.get(rec(S1, '20261115'));
  assert.equal(nov.startDate.toUnixTime(), at('2026-11-16T09:00'));
  assert.match(nov.description, /原定 2026-11-15/);
  // 2027 has no holiday calendar yet: tentative
  assert.equal(st.events.get(rec(S1, '20270315')).component.getFirstPropertyValue('status'), 'TENTATIVE');
  assert.equal(dec.component.getFirstPropertyValue('status'), 'CONFIRMED');

  // the rota counts from the day it was set (today): D1 is on duty from then on
  const dep = await feed(`/api/v1/deputies/${D1}/activities.ics`);
  const upcoming = days.filter((u) => st.events.get(u).startDate.toUnixTime() >= NOW);
  assert.equal(upcoming.length, 12);
  assert.deepEqual([...dep.events.keys()].filter((u) => u.startsWith(`reception-${S1}-`)).sort(), [...upcoming].sort());
  assert.equal(dep.events.get(rec(S1, '20261215')).sequence, dec.sequence);
  // not in another deputy's feed, nor in the feed of every activity
  const d2 = await feed(`/api/v1/deputies/${D2}/activities.ics`);
  assert.equal([...d2.events.keys()].filter((u) => u.startsWith(`reception-${S1}-`)).length, 0);
  const all = await feed('/api/v1/activities.ics');
  assert.equal([...all.events.keys()].filter((u) => u.startsWith('reception-')).length, 0);
  // before today the demo's schedule was in force (RECEPTIONS.md "Notice"),
  // with its own rota: that day keeps the deputies it had, D1's rota began later
  const sep = st.events.get(rec(S1, '20260915')).description;
  assert.match(sep, /值班代表:/);
  assert.doesNotMatch(sep, new RegExp(d1Name));
});

test('a duty change raises the SEQUENCE of the station\'s reception days; the UIDs stay', async () => {
  const a = await feed(`/api/v1/stations/${S1}/activities.ics`);
  const before_ = a.events.get(rec(S1, '20261215'));
  const r = await srv.request('PUT', `/api/v1/stations/${S1}/reception-days/2026-12-15/duty`,
    { ...admin, body: { deputy_ids: [D2] } });
  assert.equal(r.status, 200, r.text);
  const b = await feed(`/api/v1/stations/${S1}/activities.ics`);
  assert.deepEqual([...b.events.keys()], [...a.events.keys()]);
  const after_ = b.events.get(rec(S1, '20261215'));
  assert.ok(after_.sequence > before_.sequence, `${before_.sequence} -> ${after_.sequence}`);
  const d2Name = (await srv.get(`/api/v1/deputies/${D2}`)).body.name;
  assert.match(after_.description, new RegExp(`值班代表:${d2Name}`));
  // D2 now has that day in their feed
  const d2 = await feed(`/api/v1/deputies/${D2}/activities.ics`);
  assert.ok(d2.events.has(rec(S1, '20261215')));
});
