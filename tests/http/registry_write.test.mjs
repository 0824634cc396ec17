// Registry upkeep by admin (CONTRACT.md: POST/PATCH stations, deputies, units):
// created records answer 201 and read back; PATCH keeps what it does not name;
// who may write; validation naming the field; conflicts; placement of a deputy
// at the nearest station (DOMAIN.md §2 就地就近编入).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, isError, haversine } from './harness.mjs';

let srv, admin, street, community, otherCommunity;
const STATION_FIELDS = ['id', 'kind', 'name', 'street_id', 'community_id', 'address', 'lat', 'lon'];

before(async () => {
  srv = await startServer({ args: ['--anon-rate', '0'] });
  admin = await srv.login('admin');
  const tree = (await srv.get('/api/v1/regions')).body.items[0];
  const streets = tree.children.filter((s) => s.kind === 'street');
  street = streets[1];
  community = street.children[0];
  otherCommunity = streets[2].children[0];
});
after(async () => { assert.equal(await srv.stop(), 0, 'server exits cleanly'); });

const as = (s) => ({ cookie: s.cookie, csrf: s.csrf });
let seq = 0;
const uniq = (p) => `${p}${++seq}-${process.pid}`;

function newStation(over = {}) {
  return {
    kind: 'reception_room', name: uniq('测试接待室'), street_id: street.id, community_id: community.id,
    address: '武汉市江汉区测试路1号', lat: 30.6011, lon: 114.2622,
    opening_hours: '周一至周五 9:00-17:00', reception_rule: '每月20日 9:00-11:00', ...over,
  };
}

test('POST /api/v1/stations as admin: 201 with the record, then visible via GET', async () => {
  const body = newStation();
  const r = await srv.post('/api/v1/stations', body, as(admin));
  assert.equal(r.status, 201, r.text);
  assert.ok(Number.isInteger(r.body.id) && r.body.id > 0);
  for (const f of STATION_FIELDS.slice(1)) assert.deepEqual(r.body[f], body[f], f);
  assert.equal(r.body.opening_hours, body.opening_hours);
  const one = await srv.get(`/api/v1/stations/${r.body.id}`);
  assert.equal(one.status, 200);
  for (const f of STATION_FIELDS) assert.deepEqual(one.body[f], r.body[f], f);
  assert.deepEqual(one.body.deputies, []);
  // the 20th, or the working day after it when the 20th is a day off (docs/RECEPTIONS.md)
  const next = one.body.next_reception_day;
  assert.match(next.starts_at, /T09:00:00\+08:00$/);
  assert.equal(next.starts_at.slice(0, 10), next.date);
  assert.equal(next.moved, !next.date.endsWith('-20'), JSON.stringify(next));
  const list = await srv.getAll(`/api/v1/stations?street=${street.id}`);
  assert.ok(list.some((s) => s.id === r.body.id && s.name === body.name));
  // optional fields may be left out; a street-level station has no community
  const min = await srv.post('/api/v1/stations', { kind: 'central_station', name: uniq('中心站'),
    street_id: street.id, lat: 30.6, lon: 114.26 }, as(admin));
  assert.equal(min.status, 201, min.text);
  assert.equal(min.body.community_id, null);
  assert.equal(min.body.address, '');
  assert.equal((await srv.get(`/api/v1/stations/${min.body.id}`)).body.next_reception_day, null);
});

test('PATCH /api/v1/stations/{id} changes the fields given and keeps the others', async () => {
  const made = (await srv.post('/api/v1/stations', newStation(), as(admin))).body;
  const name = uniq('改名后的接待室');
  const r = await srv.patch(`/api/v1/stations/${made.id}`, { name, address: '新地址88号' }, as(admin));
  assert.equal(r.status, 200, r.text);
  const got = (await srv.get(`/api/v1/stations/${made.id}`)).body;
  assert.equal(got.name, name);
  assert.equal(got.address, '新地址88号');
  for (const f of ['kind', 'street_id', 'community_id', 'lat', 'lon', 'opening_hours', 'reception_rule'])
    assert.deepEqual(got[f], made[f], `${f} kept`);
  assert.equal((await srv.patch(`/api/v1/stations/${made.id}`, { lat: 30.6111 }, as(admin))).status, 200);
  const moved = (await srv.get(`/api/v1/stations/${made.id}`)).body;
  assert.equal(moved.lat, 30.6111);
  assert.equal(moved.lon, made.lon);
  // community_id null clears it; kind changes
  const c = await srv.patch(`/api/v1/stations/${made.id}`, { community_id: null, kind: 'building_station' }, as(admin));
  assert.equal(c.status, 200, c.text);
  const cleared = (await srv.get(`/api/v1/stations/${made.id}`)).body;
  assert.equal(cleared.community_id, null);
  assert.equal(cleared.kind, 'building_station');
  assert.equal(cleared.name, name);
  // an empty patch changes nothing
  assert.equal((await srv.patch(`/api/v1/stations/${made.id}`, {}, as(admin))).status, 200);
  assert.deepEqual((await srv.get(`/api/v1/stations/${made.id}`)).body, cleared);
});

test('POST and PATCH deputies and units as admin', async () => {
  const st = (await srv.getAll('/api/v1/stations')).slice(0, 3);
  const d = { name: '测试代表', levels: ['district', 'municipal'], sector: '教师', phone: '027-85551234',
    station_ids: [st[0].id, st[1].id] };
  const r = await srv.post('/api/v1/deputies', d, as(admin));
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.name, d.name);
  assert.deepEqual([...r.body.levels].sort(), ['district', 'municipal']);
  assert.deepEqual([...r.body.station_ids].sort((a, b) => a - b), d.station_ids.slice().sort((a, b) => a - b));
  assert.equal(r.body.phone, d.phone, 'admin sees the phone');
  const pub = (await srv.get(`/api/v1/deputies/${r.body.id}`)).body;
  assert.equal(pub.sector, '教师');
  assert.ok(!('phone' in pub));
  const atStation = (await srv.get(`/api/v1/stations/${st[1].id}`)).body.deputies;
  assert.ok(atStation.some((x) => x.id === r.body.id));

  const p = await srv.patch(`/api/v1/deputies/${r.body.id}`, { sector: '医生' }, as(admin));
  assert.equal(p.status, 200, p.text);
  const after1 = (await srv.get(`/api/v1/deputies/${r.body.id}`, { cookie: admin.cookie })).body;
  assert.equal(after1.sector, '医生');
  assert.equal(after1.name, d.name);
  assert.equal(after1.phone, d.phone);
  assert.deepEqual(after1.levels, r.body.levels);
  assert.deepEqual(after1.station_ids, r.body.station_ids);
  const p2 = await srv.patch(`/api/v1/deputies/${r.body.id}`, { levels: ['national'], station_ids: [st[2].id] }, as(admin));
  assert.equal(p2.status, 200, p2.text);
  const after2 = (await srv.get(`/api/v1/deputies/${r.body.id}`)).body;
  assert.deepEqual(after2.levels, ['national']);
  assert.deepEqual(after2.station_ids, [st[2].id]);
  assert.equal(after2.sector, '医生');

  const u = await srv.post('/api/v1/units', { name: uniq('区测试局'), kind: 'utility' }, as(admin));
  assert.equal(u.status, 201, u.text);
  assert.equal(u.body.kind, 'utility');
  assert.deepEqual((await srv.get(`/api/v1/units/${u.body.id}`)).body, u.body);
  const dflt = await srv.post('/api/v1/units', { name: uniq('区默认局') }, as(admin));
  assert.equal(dflt.status, 201);
  assert.equal(dflt.body.kind, 'department');
  const up = await srv.patch(`/api/v1/units/${u.body.id}`, { kind: 'other' }, as(admin));
  assert.equal(up.status, 200, up.text);
  assert.deepEqual((await srv.get(`/api/v1/units/${u.body.id}`)).body, { ...u.body, kind: 'other' });
  const renamed = uniq('区改名局');
  assert.equal((await srv.patch(`/api/v1/units/${u.body.id}`, { name: renamed }, as(admin))).status, 200);
  assert.deepEqual((await srv.get(`/api/v1/units/${u.body.id}`)).body, { id: u.body.id, name: renamed, kind: 'other' });
});

test('writes without a login are 401, by non-admins 403, and change nothing', async () => {
  const before = await srv.snapshot({ cookie: admin.cookie });
  const writes = [
    ['POST', '/api/v1/stations', newStation()],
    ['POST', '/api/v1/deputies', { name: '越权代表', levels: ['district'], station_ids: [1] }],
    ['POST', '/api/v1/units', { name: '越权单位' }],
    ['PATCH', '/api/v1/stations/1', { name: '越权改名' }],
    ['PATCH', '/api/v1/deputies/1', { name: '越权改名' }],
    ['PATCH', '/api/v1/units/1', { name: '越权改名' }],
  ];
  for (const [m, p, body] of writes) isError(await srv.request(m, p, { body }), 401, 'login_required');
  for (const who of ['resident', 'deputy', 'leader', 'street', 'community', 'unit', 'procurator']) {
    const s = await srv.login(who);
    for (const [m, p, body] of writes) isError(await srv.request(m, p, { body, ...as(s) }), 403, 'forbidden');
  }
  assert.equal(await srv.snapshot({ cookie: admin.cookie }), before);
});

test('a deputy with lat/lon and no station_ids is placed at the nearest station', async () => {
  const all = await srv.getAll('/api/v1/stations');
  const nearest = (lat, lon) => all.reduce((best, s) =>
    haversine(lat, lon, s.lat, s.lon) < haversine(lat, lon, best.lat, best.lon) ? s : best);
  for (const [lat, lon] of [[30.5814, 114.2912], [30.6227, 114.2429], [30.5650, 114.3050], [30.64, 114.23]]) {
    const r = await srv.post('/api/v1/deputies', { name: '就近编入', levels: ['district'], lat, lon }, as(admin));
    assert.equal(r.status, 201, r.text);
    assert.deepEqual(r.body.station_ids, [nearest(lat, lon).id], `placed at ${nearest(lat, lon).name}`);
    assert.equal(r.body.lat, lat);
    assert.equal(r.body.lon, lon);
    const seen = (await srv.get(`/api/v1/stations/${nearest(lat, lon).id}`)).body.deputies;
    assert.ok(seen.some((d) => d.id === r.body.id));
  }
  // a new station right where someone lives gets them; moving them places them again
  const here = (await srv.post('/api/v1/stations', newStation({ lat: 30.6333, lon: 114.2333 }), as(admin))).body;
  const r = await srv.post('/api/v1/deputies', { name: '新站旁', levels: ['district'], lat: 30.6334, lon: 114.2334 }, as(admin));
  assert.deepEqual(r.body.station_ids, [here.id]);
  all.push(here);
  const m = await srv.patch(`/api/v1/deputies/${r.body.id}`, { lat: 30.5650, lon: 114.3050 }, as(admin));
  assert.equal(m.status, 200, m.text);
  assert.deepEqual(m.body.station_ids, [nearest(30.5650, 114.3050).id]);
});

test('validation errors are 400 naming the field, and change nothing', async () => {
  const before = await srv.snapshot({ cookie: admin.cookie });
  const cases = [
    ['/api/v1/stations', newStation({ name: undefined }), 'name'],
    ['/api/v1/stations', newStation({ name: '' }), 'name'],
    ['/api/v1/stations', newStation({ name: '   ' }), 'name'],
    ['/api/v1/stations', newStation({ name: '长'.repeat(101) }), 'name'],
    ['/api/v1/stations', newStation({ kind: 'palace' }), 'kind'],
    ['/api/v1/stations', newStation({ kind: undefined }), 'kind'],
    ['/api/v1/stations', newStation({ lat: 91 }), 'lat'],
    ['/api/v1/stations', newStation({ lat: -90.0001 }), 'lat'],
    ['/api/v1/stations', newStation({ lon: 181 }), 'lon'],
    ['/api/v1/stations', newStation({ lon: -180.5 }), 'lon'],
    ['/api/v1/stations', newStation({ lat: undefined }), 'lat'],
    ['/api/v1/stations', newStation({ street_id: undefined }), 'street_id'],
    ['/api/v1/stations', newStation({ street_id: 999999 }), 'street_id'],
    ['/api/v1/stations', newStation({ street_id: community.id, community_id: undefined }), 'street_id'],
    ['/api/v1/stations', newStation({ community_id: otherCommunity.id }), 'community_id'],
    ['/api/v1/stations', newStation({ community_id: street.id }), 'community_id'],
    ['/api/v1/stations', newStation({ community_id: 999999 }), 'community_id'],
    ['/api/v1/stations', newStation({ address: '地'.repeat(501) }), 'address'],
    ['/api/v1/stations', newStation({ address: 'line\nbreak' }), 'address'],
    ['/api/v1/stations', newStation({ founded: 1990 }), 'founded'],
    ['/api/v1/deputies', { levels: ['district'], station_ids: [1] }, 'name'],
    ['/api/v1/deputies', { name: '甲', levels: [], station_ids: [1] }, 'levels'],
    ['/api/v1/deputies', { name: '甲', levels: ['mayor'], station_ids: [1] }, 'levels'],
    ['/api/v1/deputies', { name: '甲', levels: ['district', 'mayor'], station_ids: [1] }, 'levels'],
    ['/api/v1/deputies', { name: '甲', station_ids: [1] }, 'levels'],
    ['/api/v1/deputies', { name: '甲', levels: 'district', station_ids: [1] }, 'levels'],
    ['/api/v1/deputies', { name: '甲', levels: ['district'], station_ids: [999999] }, 'station_ids'],
    ['/api/v1/deputies', { name: '甲', levels: ['district'], station_ids: [1, 999999] }, 'station_ids'],
    ['/api/v1/deputies', { name: '甲', levels: ['district'], station_ids: [1, 1] }, 'station_ids'],
    ['/api/v1/deputies', { name: '甲', levels: ['district'], station_ids: [0] }, 'station_ids'],
    ['/api/v1/deputies', { name: '甲', levels: ['district'], station_ids: ['1'] }, 'station_ids'],
    ['/api/v1/deputies', { name: '甲', levels: ['district'] }, 'station_ids'],
    ['/api/v1/deputies', { name: '甲', levels: ['district'], lat: 30.6 }, 'lon'],
    ['/api/v1/deputies', { name: '甲', levels: ['district'], lon: 114.2 }, 'lat'],
    ['/api/v1/deputies', { name: '甲', levels: ['district'], lat: 91, lon: 114.2 }, 'lat'],
    ['/api/v1/deputies', { name: '甲', levels: ['district'], lat: 30, lon: 200 }, 'lon'],
    ['/api/v1/deputies', { name: '甲', levels: ['district'], station_ids: [1], phone: 'call me' }, 'phone'],
    ['/api/v1/deputies', { name: '甲', levels: ['district'], station_ids: [1], email: 'a@b.c' }, 'email'],
    ['/api/v1/units', { kind: 'department' }, 'name'],
    ['/api/v1/units', { name: '单位甲', kind: 'ministry' }, 'kind'],
    ['/api/v1/units', { name: '单位甲', parent: 1 }, 'parent'],
  ];
  for (const [path, body, field] of cases) {
    const r = await srv.post(path, body, as(admin));
    isError(r, 400, undefined, field);
    if (field === 'founded' || field === 'email' || field === 'parent') assert.equal(r.body.error.code, 'unknown_field');
  }
  const patches = [
    ['/api/v1/stations/1', { name: '' }, 'name'],
    ['/api/v1/stations/1', { kind: 'palace' }, 'kind'],
    ['/api/v1/stations/1', { lat: 91 }, 'lat'],
    ['/api/v1/stations/1', { lon: 180.01 }, 'lon'],
    ['/api/v1/stations/1', { community_id: otherCommunity.id }, 'community_id'],
    ['/api/v1/stations/1', { id: 5 }, 'id'],
    ['/api/v1/deputies/1', { levels: [] }, 'levels'],
    ['/api/v1/deputies/1', { levels: ['mayor'] }, 'levels'],
    ['/api/v1/deputies/1', { station_ids: [999999] }, 'station_ids'],
    ['/api/v1/deputies/1', { phone: '12' }, 'phone'],
    ['/api/v1/units/1', { kind: 'ministry' }, 'kind'],
    ['/api/v1/units/1', { name: ' ' }, 'name'],
  ];
  for (const [path, body, field] of patches) isError(await srv.patch(path, body, as(admin)), 400, undefined, field);
  assert.equal(await srv.snapshot({ cookie: admin.cookie }), before);
});

test('a duplicate station or unit name is 409 and changes nothing', async () => {
  const existing = (await srv.get('/api/v1/stations/1')).body;
  const before = await srv.snapshot({ cookie: admin.cookie });
  isError(await srv.post('/api/v1/stations', newStation({ name: existing.name }), as(admin)), 409, undefined, 'name');
  isError(await srv.patch('/api/v1/stations/2', { name: existing.name }, as(admin)), 409, undefined, 'name');
  const unit = (await srv.get('/api/v1/units/1')).body;
  isError(await srv.post('/api/v1/units', { name: unit.name }, as(admin)), 409);
  isError(await srv.patch('/api/v1/units/2', { name: unit.name }, as(admin)), 409);
  assert.equal(await srv.snapshot({ cookie: admin.cookie }), before);
  // renaming a station to its own name is no conflict
  assert.equal((await srv.patch('/api/v1/stations/1', { name: existing.name }, as(admin))).status, 200);
});

test('PATCH of a missing id is 404', async () => {
  const before = await srv.snapshot({ cookie: admin.cookie });
  for (const r of ['stations', 'deputies', 'units'])
    for (const id of ['999999', 'abc', '0', '-1', '99999999999999999999'])
      isError(await srv.patch(`/api/v1/${r}/${id}`, { name: '不存在' }, as(admin)), 404, 'not_found');
  assert.equal(await srv.snapshot({ cookie: admin.cookie }), before);
});
