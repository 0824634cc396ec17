// Public reads of the network (CONTRACT.md "Resources", "Bodies"; DOMAIN.md §2)
// against the demo district.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, isError, haversine } from './harness.mjs';

const STATION_KINDS = ['work_office', 'reception_room', 'central_station', 'building_station', 'park_home'];
const LEVELS = ['national', 'provincial', 'municipal', 'district'];
const STATION_FIELDS = ['id', 'kind', 'name', 'street_id', 'community_id', 'address', 'lat', 'lon'];
const PRIVATE = ['phone', 'lat', 'lon'];
const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/;

let srv, stations, deputies;
before(async () => {
  srv = await startServer({ args: ['--anon-rate', '0'] });
  stations = await srv.getAll('/api/v1/stations');
  deputies = await srv.getAll('/api/v1/deputies');
});
after(async () => { assert.equal(await srv.stop(), 0, 'server exits cleanly'); });

function walkRegions(node, out = []) {
  out.push(node);
  for (const c of node.children) walkRegions(c, out);
  return out;
}

test('regions: the district tree of 江汉区 with 13 streets, 1 development zone and ~100 communities', async () => {
  const r = await srv.get('/api/v1/regions');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^application\/json/);
  assert.equal(r.body.items.length, 1);
  const d = r.body.items[0];
  assert.equal(d.name, '江汉区');
  assert.equal(d.kind, 'district');
  assert.equal(d.parent_id, null);
  assert.equal(d.children.length, 14);
  assert.equal(d.children.filter((c) => c.kind === 'street').length, 13);
  assert.equal(d.children.filter((c) => c.kind === 'dev_zone').length, 1);
  let communities = 0;
  for (const s of d.children) {
    assert.equal(s.parent_id, d.id);
    if (s.kind === 'street') assert.ok(s.children.length > 0, `${s.name} has communities`);
    for (const c of s.children) {
      assert.equal(c.kind, 'community');
      assert.equal(c.parent_id, s.id);
      assert.deepEqual(c.children, []);
      for (const k of ['id', 'kind', 'name', 'parent_id', 'children']) assert.ok(k in c, k);
      communities++;
    }
  }
  assert.ok(communities >= 95 && communities <= 110, `${communities} communities`);
  const all = walkRegions(d);
  assert.equal(new Set(all.map((x) => x.id)).size, all.length, 'ids are unique');
});

test('stations: 128 in all, each with exactly the contract fields and sane values', async () => {
  assert.equal(stations.length, 128);
  const regions = walkRegions((await srv.get('/api/v1/regions')).body.items[0]);
  const byId = new Map(regions.map((x) => [x.id, x]));
  for (const s of stations) {
    for (const f of STATION_FIELDS) assert.ok(f in s, `station ${s.id} has ${f}`);
    assert.ok(Number.isInteger(s.id) && s.id > 0);
    assert.ok(STATION_KINDS.includes(s.kind), s.kind);
    assert.equal(typeof s.name, 'string');
    assert.ok(s.name.length > 0);
    assert.equal(typeof s.address, 'string');
    assert.ok(['street', 'dev_zone'].includes(byId.get(s.street_id)?.kind), `street of ${s.name}`);
    if (s.community_id !== null) {
      assert.equal(byId.get(s.community_id)?.kind, 'community');
      assert.equal(byId.get(s.community_id).parent_id, s.street_id, `${s.name}: community in its street`);
    }
    assert.ok(s.lat > 30.5 && s.lat < 30.7 && s.lon > 114.2 && s.lon < 114.35, `${s.name} in Jianghan`);
    for (const p of ['phone', 'deputies']) assert.ok(!(p in s), `list item has no ${p}`);
  }
  const kinds = Object.fromEntries(STATION_KINDS.map((k) => [k, stations.filter((s) => s.kind === k).length]));
  assert.equal(kinds.work_office, 13);
  assert.equal(kinds.building_station, 1);
  assert.equal(kinds.park_home, 1);
  assert.equal(kinds.central_station, 12);
});

test('stations: the default page is 20 and next_cursor walks all 128 without duplicates or gaps', async () => {
  const first = await srv.get('/api/v1/stations');
  assert.equal(first.body.items.length, 20);
  assert.equal(typeof first.body.next_cursor, 'string');
  for (const limit of [1, 7, 20, 100]) {
    const seen = [];
    let cursor = null, pages = 0;
    do {
      const r = await srv.get(`/api/v1/stations?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(Object.keys(r.body).sort(), ['items', 'next_cursor']);
      assert.ok(r.body.items.length <= limit);
      seen.push(...r.body.items.map((s) => s.id));
      cursor = r.body.next_cursor;
      pages++;
      if (cursor !== null) assert.equal(r.body.items.length, limit, 'only the last page is short');
    } while (cursor !== null && pages < 200);
    assert.equal(pages, Math.ceil(128 / limit), `pages at limit ${limit}`);
    assert.equal(seen.length, 128);
    assert.deepEqual(seen, stations.map((s) => s.id), `same order at limit ${limit}`);
    assert.equal(new Set(seen).size, 128);
  }
  const last = await srv.get('/api/v1/stations?limit=100&cursor=' + (await srv.get('/api/v1/stations?limit=100')).body.next_cursor);
  assert.equal(last.body.items.length, 28);
  assert.equal(last.body.next_cursor, null);
});

test('limit outside 1..100, not a number or repeated is 400 invalid_limit on every list', async () => {
  const bad = ['0', '101', 'abc', '-1', '1.5', '', '%201', '1e2', '0x10', '99999999999999999999', '20abc'];
  for (const list of ['/api/v1/stations', '/api/v1/deputies', '/api/v1/units']) {
    for (const v of bad) isError(await srv.get(`${list}?limit=${v}`), 400, 'invalid_limit', 'limit');
    isError(await srv.get(`${list}?limit=5&limit=5`), 400, 'invalid_limit', 'limit');
    assert.equal((await srv.get(`${list}?limit=100`)).status, 200);
    assert.equal((await srv.get(`${list}?limit=1`)).body.items.length, 1);
  }
});

test('a bad cursor is 400 naming cursor', async () => {
  const good = (await srv.get('/api/v1/stations?limit=5')).body.next_cursor;
  for (const c of ['zzz', '!!!', 'cA', good + '$', 'x'.repeat(300), Buffer.from('q5').toString('base64url'),
    Buffer.from('p-1').toString('base64url'), Buffer.from('pabc').toString('base64url'),
    Buffer.from('p99999999999999999999').toString('base64url')]) {
    for (const list of ['/api/v1/stations', '/api/v1/deputies', '/api/v1/units'])
      isError(await srv.get(`${list}?cursor=${encodeURIComponent(c)}`), 400, undefined, 'cursor');
  }
});

test('stations filtered by street and kind; an unknown kind or a bad street is 400', async () => {
  const street = stations[0].street_id;
  const inStreet = await srv.getAll(`/api/v1/stations?street=${street}`);
  assert.deepEqual(inStreet.map((s) => s.id), stations.filter((s) => s.street_id === street).map((s) => s.id));
  assert.ok(inStreet.length > 1);
  for (const kind of STATION_KINDS) {
    const got = await srv.getAll(`/api/v1/stations?kind=${kind}`);
    assert.deepEqual(got.map((s) => s.id), stations.filter((s) => s.kind === kind).map((s) => s.id), kind);
  }
  const both = await srv.getAll(`/api/v1/stations?street=${street}&kind=work_office`);
  assert.equal(both.length, 1);
  assert.equal(both[0].street_id, street);
  // paging within a filter
  const paged = await srv.get(`/api/v1/stations?kind=reception_room&limit=10`);
  assert.equal(paged.body.items.length, 10);
  const next = await srv.get(`/api/v1/stations?kind=reception_room&limit=10&cursor=${paged.body.next_cursor}`);
  assert.ok(next.body.items.every((s) => s.kind === 'reception_room' && s.id > paged.body.items[9].id));
  assert.deepEqual(await srv.getAll('/api/v1/stations?street=999999'), []);
  for (const k of ['mayor', 'WORK_OFFICE', '街道代表工作室', "work_office'--", 'work_office%00'])
    isError(await srv.get(`/api/v1/stations?kind=${k}`), 400, undefined, 'kind');
  for (const s of ['abc', '0', '-1', '1.5', '99999999999999999999'])
    isError(await srv.get(`/api/v1/stations?street=${s}`), 400, undefined, 'street');
  isError(await srv.get(`/api/v1/stations?street=${street}&street=${street}`), 400, undefined, 'street');
});

test('near=LAT,LON sorts by distance; the first is really the nearest', async () => {
  const points = [[30.5800, 114.2700], [30.6200, 114.2400], [30.5600, 114.3100], [30.6, 114.25], [31.5, 115.5]];
  for (const [lat, lon] of points) {
    const got = await srv.getAll(`/api/v1/stations?near=${lat},${lon}`);
    assert.equal(got.length, 128);
    assert.equal(new Set(got.map((s) => s.id)).size, 128, 'no duplicates across pages');
    for (let i = 0; i < got.length; i++) {
      assert.ok(Number.isInteger(got[i].distance_m) && got[i].distance_m >= 0);
      const mine = haversine(lat, lon, got[i].lat, got[i].lon);
      assert.ok(Math.abs(mine - got[i].distance_m) <= 2, `distance_m of ${got[i].name}: ${got[i].distance_m} vs ${mine}`);
      if (i) assert.ok(got[i].distance_m >= got[i - 1].distance_m, 'monotone');
    }
    const nearest = Math.min(...stations.map((s) => haversine(lat, lon, s.lat, s.lon)));
    assert.ok(haversine(lat, lon, got[0].lat, got[0].lon) <= nearest + 1e-6, 'first is the nearest');
  }
  // with a filter, and the default page size
  const r = await srv.get('/api/v1/stations?near=30.58,114.27&kind=reception_room');
  assert.equal(r.body.items.length, 20);
  assert.ok(r.body.items.every((s) => s.kind === 'reception_room'));
  const nearestRoom = stations.filter((s) => s.kind === 'reception_room')
    .sort((a, b) => haversine(30.58, 114.27, a.lat, a.lon) - haversine(30.58, 114.27, b.lat, b.lon))[0];
  assert.equal(r.body.items[0].id, nearestRoom.id);
  // negative coordinates are coordinates
  assert.equal((await srv.get('/api/v1/stations?near=-33.86,151.2')).status, 200);
});

test('a bad near is 400 naming near', async () => {
  for (const v of ['abc', '30.58', '30.58,', ',114.27', '91,114', '30,181', '-91,0', '30.58;114.27', '30.58,114.27,1',
    'NaN,NaN', 'Infinity,1', '1e1,2', '30.58 ,114.27', '%2030.58,114.27', '0x1,2', '30.58,114.27abc',
    '1'.repeat(400) + ',1', '<script>,1'])
    isError(await srv.get(`/api/v1/stations?near=${encodeURIComponent(v)}`), 400, undefined, 'near');
});

test('station detail: the station with its deputies and the next reception day', async () => {
  const withDeputies = stations.find((s) => deputies.some((d) => d.station_ids.includes(s.id)));
  const r = await srv.get(`/api/v1/stations/${withDeputies.id}`);
  assert.equal(r.status, 200);
  for (const f of STATION_FIELDS) assert.deepEqual(r.body[f], withDeputies[f], f);
  const expected = deputies.filter((d) => d.station_ids.includes(withDeputies.id)).map((d) => d.id).sort((a, b) => a - b);
  assert.deepEqual(r.body.deputies.map((d) => d.id).sort((a, b) => a - b), expected);
  for (const d of r.body.deputies) for (const p of PRIVATE) assert.ok(!(p in d), `no ${p} for the public`);
  const next = r.body.next_reception_day;
  assert.ok(next, 'demo stations have a reception rule');
  assert.match(next.starts_at, RFC3339);
  assert.match(next.ends_at, RFC3339);
  const start = Date.parse(next.starts_at), end = Date.parse(next.ends_at);
  assert.ok(end > start);
  assert.ok(end > Date.now() - 60000, 'not in the past');
  assert.ok(start < Date.now() + 62 * 86400000, 'within two months');
  // every station answers
  for (const s of stations.filter((_, i) => i % 9 === 0))
    assert.equal((await srv.get(`/api/v1/stations/${s.id}`)).status, 200);
});

test('a missing station is 404, and so is /stations/abc', async () => {
  for (const p of ['999999', 'abc', '0', '-1', '1.0', '99999999999999999999', '1%27%20OR%201=1', '%00'])
    isError(await srv.get(`/api/v1/stations/${p}`), 404, 'not_found');
  for (const p of ['999999', 'abc'])
    isError(await srv.get(`/api/v1/deputies/${p}`), 404, 'not_found');
  for (const p of ['999999', 'abc'])
    isError(await srv.get(`/api/v1/units/${p}`), 404, 'not_found');
});

test('deputies: 264 across pages, each with the contract fields and at one station or more', async () => {
  assert.equal(deputies.length, 264);
  assert.equal(new Set(deputies.map((d) => d.id)).size, 264);
  const stationIds = new Set(stations.map((s) => s.id));
  for (const d of deputies) {
    for (const f of ['id', 'name', 'levels', 'sector', 'station_ids']) assert.ok(f in d, f);
    assert.ok(d.levels.length >= 1 && d.levels.every((l) => LEVELS.includes(l)));
    assert.ok(d.station_ids.length >= 1, `${d.name} is at a station`);
    assert.ok(d.station_ids.every((id) => stationIds.has(id)));
  }
  for (const l of LEVELS) assert.ok(deputies.some((d) => d.levels.includes(l)), `some ${l} deputies`);
  const page = await srv.get('/api/v1/deputies');
  assert.equal(page.body.items.length, 20);
});

test('deputies filtered by level and by station', async () => {
  for (const l of LEVELS) {
    const got = await srv.getAll(`/api/v1/deputies?level=${l}`);
    assert.ok(got.length > 0);
    assert.ok(got.every((d) => d.levels.includes(l)), `every deputy has level ${l}`);
    assert.deepEqual(got.map((d) => d.id), deputies.filter((d) => d.levels.includes(l)).map((d) => d.id));
  }
  for (const l of ['mayor', 'District', '区', ''.padEnd(200, 'x')])
    isError(await srv.get(`/api/v1/deputies?level=${encodeURIComponent(l)}`), 400, undefined, 'level');
  for (const s of stations.filter((_, i) => i % 16 === 0)) {
    const got = await srv.getAll(`/api/v1/deputies?station=${s.id}`);
    assert.deepEqual(got.map((d) => d.id), deputies.filter((d) => d.station_ids.includes(s.id)).map((d) => d.id));
    assert.ok(got.every((d) => d.station_ids.includes(s.id)));
  }
  const s = stations.find((x) => deputies.filter((d) => d.station_ids.includes(x.id)).length >= 3);
  const page = await srv.get(`/api/v1/deputies?station=${s.id}&limit=2`);
  assert.equal(page.body.items.length, 2);
  assert.equal(typeof page.body.next_cursor, 'string');
  assert.deepEqual(await srv.getAll('/api/v1/deputies?station=999999'), []);
  for (const v of ['abc', '0', '-5'])
    isError(await srv.get(`/api/v1/deputies?station=${v}`), 400, undefined, 'station');
});

test('deputies\' phone, lat and lon are never shown to the public or to non-admin roles', async () => {
  const paths = ['/api/v1/deputies?limit=100', '/api/v1/deputies?limit=100&cursor=' +
    (await srv.get('/api/v1/deputies?limit=100')).body.next_cursor, `/api/v1/deputies/${deputies[5].id}`,
    ...stations.filter((_, i) => i % 10 === 0).map((s) => `/api/v1/stations/${s.id}`)];
  const logins = [null, 'resident', 'leader', 'street', 'community', 'unit', 'procurator', 'deputy'];
  for (const who of logins) {
    const s = who ? await srv.login(who) : {};
    for (const p of paths) {
      const r = await srv.get(p, { cookie: s.cookie });
      assert.equal(r.status, 200);
      const list = r.body.items || r.body.deputies || [r.body];
      // the demo phones all start 139000; a deputy may see their own record's
      const own = who === 'deputy' ? list.filter((d) => d.id === s.user.roles[0].scope_id).length : 0;
      assert.equal(r.text.split('139000').length - 1, own, `${who || 'public'} sees no phone on ${p}`);
      assert.equal(r.text.split('"phone"').length - 1, own, `${who || 'public'}: ${p}`);
      for (const d of list) {
        if (who === 'deputy' && d.id === s.user.roles[0].scope_id) continue; // their own record
        for (const f of PRIVATE) assert.ok(!(f in d), `${who || 'public'} sees no ${f} of deputy ${d.id}`);
      }
    }
  }
});

test('admin sees deputies\' phone and coordinates; a deputy sees their own', async () => {
  const admin = await srv.login('admin');
  const all = await srv.getAll('/api/v1/deputies', { cookie: admin.cookie });
  assert.equal(all.length, 264);
  for (const d of all) {
    assert.match(d.phone, /^139000\d{5}$/);
    assert.equal(typeof d.lat, 'number');
    assert.equal(typeof d.lon, 'number');
  }
  const me = await srv.login('deputy');
  const myId = me.user.roles.find((g) => g.role === 'deputy').scope_id;
  assert.ok(myId);
  const own = await srv.get(`/api/v1/deputies/${myId}`, { cookie: me.cookie });
  assert.equal(own.status, 200);
  assert.match(own.body.phone, /^139000/);
  assert.equal(typeof own.body.lat, 'number');
  const other = deputies.find((d) => d.id !== myId);
  const theirs = await srv.get(`/api/v1/deputies/${other.id}`, { cookie: me.cookie });
  for (const f of PRIVATE) assert.ok(!(f in theirs.body), `a deputy sees no ${f} of another`);
  const st = await srv.get(`/api/v1/stations/${own.body.station_ids[0]}`, { cookie: me.cookie });
  for (const d of st.body.deputies)
    for (const f of PRIVATE) assert.equal(f in d, d.id === myId, `${f} of ${d.id} on the station page`);
  // a bearer token carries the same rights
  const t = await srv.post('/api/v1/tokens', {}, { cookie: admin.cookie, csrf: admin.csrf });
  const viaToken = await srv.get(`/api/v1/deputies/${other.id}`, { token: t.body.token });
  assert.match(viaToken.body.phone, /^139000/);
});

test('units: a list of handling units with id, name and kind', async () => {
  const units = await srv.getAll('/api/v1/units');
  assert.ok(units.length >= 10, `${units.length} units`);
  const kinds = ['department', 'street_office', 'utility', 'procuratorate', 'other'];
  for (const u of units) {
    assert.deepEqual(Object.keys(u).sort(), ['id', 'kind', 'name']);
    assert.ok(kinds.includes(u.kind));
    assert.ok(u.name.length > 0);
  }
  assert.ok(units.some((u) => u.kind === 'procuratorate'));
  assert.equal(new Set(units.map((u) => u.name)).size, units.length);
  const one = await srv.get(`/api/v1/units/${units[3].id}`);
  assert.deepEqual(one.body, units[3]);
  const p = await srv.get('/api/v1/units?limit=2');
  assert.equal(p.body.items.length, 2);
  const p2 = await srv.get(`/api/v1/units?limit=2&cursor=${p.body.next_cursor}`);
  assert.deepEqual(p2.body.items.map((u) => u.id), units.slice(2, 4).map((u) => u.id));
});
