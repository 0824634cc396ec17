// Concerns (民呼, DOMAIN.md §4; CONTRACT.md): raising one with and without a
// login, validation naming the field, anonymous throttling, duplicate hints,
// the resident's tracking view, scope (404 outside, 403 visible but not
// permitted), masking of contact details, the nine actions allowed and refused
// by role, state (409 with `allowed`) and input, merges followed by tracking
// code, rating once, the audit trail — and the article's cases end to end:
// the leaking walls (a lawyer deputy), gas for 188 households (two deputies,
// a project), street lights asked for at a forum (a unit, on site, a short
// deadline).  On both backends.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, isError, cli } from './harness.mjs';

const PHONE = '13812345678';
const PW = 'concern-test-password';
let srv;
let admin, leader, street, community, deputyDemo, unitDemo, procurator, resident;
let S, C, S2, C2, stC, stC2, stOther; // streets, communities, stations
let depA, depB, depFar, lightUnit; // logins
let depAId, depBId, depFarId;
let unitLights;

const addUser = (login, role, scope) => {
  const r = cli(['user', 'add', '--db', srv.db, '--login', login, '--role', role,
    ...(scope ? ['--scope', String(scope)] : []), '--password-stdin'], { input: `${PW}\n` });
  assert.equal(r.status, 0, r.stderr);
  return srv.login(login, PW);
};

before(async () => {
  srv = await startServer({ args: ['--anon-rate', '0'] });
  [admin, leader, street, community, deputyDemo, unitDemo, procurator, resident] = await Promise.all(
    ['admin', 'leader', 'street', 'community', 'deputy', 'unit', 'procurator', 'resident'].map((l) => srv.login(l)));
  S = street.user.roles[0].scope_id;
  C = community.user.roles[0].scope_id;
  const tree = (await srv.get('/api/v1/regions')).body.items[0];
  const s1 = tree.children.find((s) => s.id === S);
  assert.ok(s1.children.some((c) => c.id === C), 'the demo community lies in the demo street');
  const other = tree.children.find((s) => s.id !== S && s.children.length > 0);
  S2 = other.id;
  C2 = other.children[0].id;
  const mk = async (name, street_id, community_id, lat, lon) => {
    const r = await srv.post('/api/v1/stations', { kind: 'reception_room', name, street_id, community_id,
      address: `${name}地址`, lat, lon }, admin);
    assert.equal(r.status, 201, r.text);
    return r.body.id;
  };
  stC = await mk('民呼测试接待室', S, C, 30.5801, 114.2801);
  stC2 = await mk('民呼测试接待室二', S, null, 30.5811, 114.2811);
  stOther = await mk('民呼测试外街接待室', S2, C2, 30.6201, 114.2401);
  const dep = async (name, station) => {
    const r = await srv.post('/api/v1/deputies', { name, levels: ['district'], sector: '企业',
      station_ids: [station] }, admin);
    assert.equal(r.status, 201, r.text);
    return r.body.id;
  };
  depAId = await dep('民呼测试代表甲', stC);
  depBId = await dep('民呼测试代表乙', stC);
  depFarId = await dep('民呼测试代表丙', stOther);
  depA = await addUser('cn-dep-a', 'deputy', depAId);
  depB = await addUser('cn-dep-b', 'deputy', depBId);
  depFar = await addUser('cn-dep-far', 'deputy', depFarId);
  const units = await srv.getAll('/api/v1/units');
  unitLights = units.find((u) => u.name === '区城管执法局').id;
  lightUnit = await addUser('cn-unit-lights', 'unit_staff', unitLights);
});
after(async () => { assert.equal(await srv.stop(), 0, 'server exits cleanly'); });

let seq = 0;
const body = (over = {}) => ({
  title: `测试意见${++seq}:楼道灯坏了`, body: `第${seq}号楼楼道灯不亮,晚上出行不便,希望尽快维修(编号${seq}-${process.pid})`,
  category: '城市建设与管理', station_id: stC, contact_name: '王小明', contact_phone: PHONE, ...over,
});
// a concern text unlike every other (random CJK characters), so duplicate
// hints stay out of the way
const randomHan = (n) => Array.from({ length: n }, () => String.fromCodePoint(0x4E00 + Math.floor(Math.random() * 0x5000))).join('');
const unique = () => ({ title: randomHan(8), body: randomHan(24) });
async function raise(over = {}, who) {
  const r = await srv.post('/api/v1/concerns', body({ ...unique(), ...over }), who || {});
  assert.equal(r.status, 201, r.text);
  return r.body;
}
const act = (id, action, extra, who) => srv.post(`/api/v1/concerns/${id}/actions`, { action, ...extra }, who || {});
async function ok(id, action, extra, who) {
  const r = await act(id, action, extra, who);
  assert.equal(r.status, 200, `${action}: ${r.text}`);
  return r.body;
}
const track = (code) => srv.get(`/api/v1/concerns/track/${code}`);

test('POST /api/v1/concerns without a login: 201 with id, tracking code, status, duplicates; the resident tracks it', async () => {
  const b = body(unique());
  const r = await srv.post('/api/v1/concerns', b);
  assert.equal(r.status, 201, r.text);
  assert.ok(Number.isInteger(r.body.id) && r.body.id > 0);
  assert.match(r.body.tracking_code, /^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{10}$/);
  assert.equal(r.body.status, 'new');
  assert.deepEqual(r.body.duplicates, []);
  assert.equal(r.body.station_id, stC);
  assert.equal(r.body.street_id, S, 'street derived from the station');
  assert.equal(r.body.community_id, C);
  assert.equal(r.body.source, 'station');
  assert.ok(!r.text.includes(PHONE) && !r.text.includes('王小明'));

  const t = await track(r.body.tracking_code);
  assert.equal(t.status, 200, t.text);
  assert.equal(t.body.id, r.body.id);
  assert.equal(t.body.status, 'new');
  assert.equal(t.body.title, b.title);
  assert.equal(t.body.category, b.category);
  assert.equal(t.body.result, null);
  assert.equal(t.body.merged, false);
  assert.deepEqual(t.body.timeline.map((e) => e.action), ['create']);
  assert.match(t.body.timeline[0].at, /\+08:00$/);
  assert.ok(!t.text.includes(PHONE) && !t.text.includes('王小明') && !('body' in t.body));
  // codes are case-insensitive; unknown or malformed ones are 404
  assert.equal((await track(r.body.tracking_code.toLowerCase())).status, 200);
  isError(await track('ZZZZZZZZZZ'), 404, 'not_found');
  isError(await track('short'), 404);
  isError(await track('ABCDEFGHI0'), 404);

  // online with an address only, no station
  const o = await srv.post('/api/v1/concerns', { ...unique(), category: '其他', address: '江汉区某街1号', source: 'online' });
  assert.equal(o.status, 201, o.text);
  assert.equal(o.body.station_id, null);
  assert.equal(o.body.street_id, null);
  // online with coordinates near a station: placed in that station's street
  const near = await srv.post('/api/v1/concerns', { ...unique(), category: '其他', lat: 30.58012, lon: 114.28012 });
  assert.equal(near.status, 201, near.text);
  assert.equal(near.body.source, 'online');
  assert.equal(near.body.street_id, S);
});

test('a logged-in resident raises a concern: raised_by set, they see it with its code; staff record without raised_by', async () => {
  const mine = await raise({}, resident);
  const list = await srv.getAll('/api/v1/concerns', resident);
  assert.ok(list.some((c) => c.id === mine.id && c.tracking_code === mine.tracking_code));
  assert.ok(list.every((c) => c.tracking_code), 'a resident sees only their own');
  const one = await srv.get(`/api/v1/concerns/${mine.id}`, resident);
  assert.equal(one.status, 200);
  assert.equal(one.body.contact_phone, PHONE);
  // another resident does not see it
  const other = await addUser('cn-resident-2', 'resident');
  isError(await srv.get(`/api/v1/concerns/${mine.id}`, other), 404, 'not_found');
  assert.ok(!(await srv.getAll('/api/v1/concerns', other)).some((c) => c.id === mine.id));
  // staff recording at the reception room: no raised_by, no tracking code in their view
  const rec = await raise({ source: 'reception' }, community);
  const seen = await srv.get(`/api/v1/concerns/${rec.id}`, community);
  assert.equal(seen.status, 200);
  assert.equal(seen.body.source, 'reception');
  assert.ok(!('tracking_code' in seen.body), 'staff do not see the code (they must not rate for the resident)');
  assert.equal(seen.body.timeline[0].actor_role, 'community_staff');
});

test('POST /api/v1/concerns: bad input names the field', async () => {
  const cases = [
    [{ title: undefined }, 'missing_field', 'title'],
    [{ title: '   ' }, 'missing_field', 'title'],
    [{ title: 'x'.repeat(101) }, 'too_long', 'title'],
    [{ title: 5 }, 'invalid_type', 'title'],
    [{ title: '换行\n标题' }, 'invalid_text', 'title'],
    [{ body: undefined }, 'missing_field', 'body'],
    [{ body: '字'.repeat(2001) }, 'too_long', 'body'],
    [{ category: undefined }, 'missing_field', 'category'],
    [{ category: '天气' }, 'invalid_category', 'category'],
    [{ station_id: 999999 }, 'unknown_station', 'station_id'],
    [{ station_id: 0 }, 'out_of_range', 'station_id'],
    [{ station_id: '1' }, 'invalid_type', 'station_id'],
    [{ address: '址'.repeat(201) }, 'too_long', 'address'],
    [{ lat: 30.58 }, 'missing_field', 'lon'],
    [{ lon: 114.2 }, 'missing_field', 'lat'],
    [{ lat: 95, lon: 114.2 }, 'out_of_range', 'lat'],
    [{ lat: 'north', lon: 114.2 }, 'invalid_type', 'lat'],
    [{ contact_name: '名'.repeat(51) }, 'too_long', 'contact_name'],
    [{ contact_phone: '12345' }, 'invalid_phone', 'contact_phone'],
    [{ contact_phone: '1381234567x' }, 'invalid_phone', 'contact_phone'],
    [{ source: 'phone' }, 'invalid_source', 'source'],
    [{ source: 'reception', station_id: undefined, address: '某处' }, 'missing_field', 'station_id'],
    [{ station_id: undefined }, 'missing_field', 'address'],
    [{ source: 'online', activity_id: 3 }, 'invalid_field', 'activity_id'],
    [{ activity_id: -1 }, 'out_of_range', 'activity_id'],
    [{ bogus: 1 }, 'unknown_field', 'bogus'],
  ];
  for (const [over, code, field] of cases) {
    const b = { ...body(), ...over };
    for (const k of Object.keys(b)) if (b[k] === undefined) delete b[k];
    isError(await srv.post('/api/v1/concerns', b), 400, code, field);
  }
  isError(await srv.request('POST', '/api/v1/concerns', { raw: '{"title":', headers: { 'content-type': 'application/json' } }), 400, 'invalid_json');
  isError(await srv.request('POST', '/api/v1/concerns', { raw: '[1]', headers: { 'content-type': 'application/json' } }), 400, 'not_an_object');
  isError(await srv.request('POST', '/api/v1/concerns', { raw: 'title=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 400);
  // landlines are fine
  assert.equal((await srv.post('/api/v1/concerns', body({ ...unique(), contact_phone: '027-85551234' }))).status, 201);
  // nothing was stored by the failures: the audit has only creates that succeeded
  const creates = (await srv.getAll('/api/v1/audit?entity=concern', admin)).filter((e) => e.action === 'concern.create');
  const list = await srv.getAll('/api/v1/concerns', admin);
  assert.equal(creates.length, list.length);
});

test('anonymous concerns are throttled by --anon-rate; logged-in residents are not', async () => {
  const s = await startServer({ args: ['--anon-rate', '3'] });
  try {
    const res = await s.login('resident'); // a login is an anonymous write too
    const b = { title: '限流测试', body: '限流测试内容', category: '其他', address: '某处' };
    for (let i = 0; i < 2; i++) assert.equal((await s.post('/api/v1/concerns', b)).status, 201);
    isError(await s.post('/api/v1/concerns', b), 429, 'too_many_requests');
    // a rating without a login counts too
    isError(await s.post('/api/v1/concerns/1/actions', { action: 'rate', tracking_code: 'ABCDEFGH23', value: 'satisfied' }), 429);
    for (let i = 0; i < 5; i++) assert.equal((await s.post('/api/v1/concerns', b, res)).status, 201);
  } finally {
    assert.equal(await s.stop(), 0);
  }
});

test('duplicate hints: similar open concerns of the same street or within 500 m, public fields, newest first, at most 5', async () => {
  const text = { title: '友谊小区门口井盖缺失', body: '友谊小区正门口的井盖缺失多日,夜里有行人险些掉下去,请尽快补上井盖' };
  const first = await raise({ ...text, station_id: stC });
  assert.deepEqual(first.duplicates, []);
  // same street (another station of it), said a little differently
  const second = await raise({ title: '友谊小区门口井盖丢失', body: '友谊小区正门口的井盖缺失好几天了,晚上很危险,请补上井盖', station_id: stC2 });
  assert.equal(second.duplicates.length, 1, JSON.stringify(second.duplicates));
  const d = second.duplicates[0];
  assert.equal(d.id, first.id);
  assert.deepEqual(Object.keys(d).sort(), ['category', 'created_at', 'id', 'similarity', 'status', 'status_label', 'title']);
  assert.ok(d.similarity >= 0.3 && d.similarity <= 1);
  // another street: not a hint
  assert.deepEqual((await raise({ ...text, station_id: stOther })).duplicates, []);
  // a different matter in the same street: not a hint
  assert.deepEqual((await raise({ station_id: stC })).duplicates, []);

  // by distance, outside the district's streets (no station near): 100 m counts, 2 km does not
  const far = { title: '滨江公园长椅损坏', body: '滨江公园东门附近三张长椅损坏,老人无处歇脚', category: '其他' };
  const p1 = await raise({ ...far, station_id: undefined, lat: 31.2, lon: 121.5 });
  assert.equal(p1.street_id, null);
  const p2 = await raise({ ...far, station_id: undefined, lat: 31.2009, lon: 121.5 });
  assert.deepEqual(p2.duplicates.map((x) => x.id), [p1.id]);
  const p3 = await raise({ ...far, station_id: undefined, lat: 31.218, lon: 121.5 });
  assert.deepEqual(p3.duplicates, []);

  // at most 5, newest first; closed ones are not hints
  const many = { title: '江汉路步行街噪音扰民严重', body: '江汉路步行街晚上十点以后音响噪音扰民严重,居民无法休息' };
  const made = [];
  for (let i = 0; i < 6; i++) made.push(await raise({ ...many, station_id: stOther }));
  const last = await raise({ ...many, station_id: stOther });
  assert.deepEqual(last.duplicates.map((x) => x.id), made.slice(1).reverse().map((x) => x.id));
  await ok(made[5].id, 'decline', { reason: '重复测试', redirect: '无' }, admin);
  const again = await raise({ ...many, station_id: stOther });
  assert.ok(!again.duplicates.some((x) => x.id === made[5].id), 'declined ones are not hints');
  assert.ok(!JSON.stringify(again.duplicates).includes(PHONE));
});

test('scope: who sees a concern (404 outside), lists within scope, filters and pages', async () => {
  const a = await raise({ station_id: stC });
  const b = await raise({ station_id: stOther });
  const see = async (who, id) => (await srv.get(`/api/v1/concerns/${id}`, who)).status;
  for (const who of [admin, leader, street, community, depA, depB]) assert.equal(await see(who, a.id), 200);
  for (const who of [depFar, deputyDemo, unitDemo, lightUnit, procurator, resident]) assert.equal(await see(who, a.id), 404);
  assert.equal(await see(depFar, b.id), 200);
  for (const who of [street, community, depA]) assert.equal(await see(who, b.id), 404);
  isError(await srv.get(`/api/v1/concerns/${a.id}`), 401, 'login_required');
  isError(await srv.get('/api/v1/concerns/999999', admin), 404, 'not_found');
  isError(await srv.get('/api/v1/concerns/abc', admin), 404);

  const ids = async (who, q = '') => (await srv.getAll(`/api/v1/concerns${q}`, who)).map((c) => c.id);
  assert.ok((await ids(street)).includes(a.id) && !(await ids(street)).includes(b.id));
  assert.ok((await ids(community)).includes(a.id) && !(await ids(community)).includes(b.id));
  assert.ok((await ids(depA)).includes(a.id) && !(await ids(depA)).includes(b.id));
  assert.ok((await ids(depFar)).includes(b.id) && !(await ids(depFar)).includes(a.id));
  assert.ok((await ids(admin)).includes(a.id) && (await ids(leader)).includes(b.id));
  assert.deepEqual(await ids(unitDemo), []);
  isError(await srv.get('/api/v1/concerns', procurator), 403, 'forbidden');
  isError(await srv.get('/api/v1/concerns'), 401, 'login_required');
  // newest first, filters
  const all = await ids(admin);
  assert.deepEqual(all, [...all].sort((x, y) => y - x));
  assert.ok((await ids(admin, `?station=${stOther}`)).every((id) => id !== a.id));
  assert.ok((await ids(admin, `?street=${S2}`)).includes(b.id));
  assert.ok(!(await ids(admin, `?street=${S2}`)).includes(a.id));
  assert.ok((await ids(admin, '?status=new')).includes(a.id));
  assert.ok(!(await ids(admin, '?status=resolved')).includes(a.id));
  isError(await srv.get('/api/v1/concerns?status=open', admin), 400, 'invalid_parameter', 'status');
  isError(await srv.get('/api/v1/concerns?street=x', admin), 400, 'invalid_parameter', 'street');
  isError(await srv.get('/api/v1/concerns?limit=0', admin), 400, 'invalid_limit', 'limit');
  isError(await srv.get('/api/v1/concerns?cursor=!!', admin), 400, 'invalid_cursor', 'cursor');
  const page = await srv.get('/api/v1/concerns?limit=2', admin);
  assert.equal(page.body.items.length, 2);
  const next = await srv.get(`/api/v1/concerns?limit=2&cursor=${page.body.next_cursor}`, admin);
  assert.ok(next.body.items[0].id < page.body.items[1].id);
});

test('contact details: in full for staff in scope, claimers and the raiser; masked for others; never public', async () => {
  const a = await raise({ station_id: stC });
  for (const who of [admin, street, community]) {
    const r = await srv.get(`/api/v1/concerns/${a.id}`, who);
    assert.equal(r.body.contact_phone, PHONE);
    assert.equal(r.body.contact_name, '王小明');
    assert.equal(r.body.contact_masked, false);
  }
  for (const who of [leader, depA]) {
    const r = await srv.get(`/api/v1/concerns/${a.id}`, who);
    assert.ok(!r.text.includes(PHONE), 'the raw JSON does not hold the number');
    assert.ok(!r.text.includes('王小明'));
    assert.equal(r.body.contact_phone, '138****5678');
    assert.equal(r.body.contact_name, '王**');
    assert.equal(r.body.contact_masked, true);
    const l = await srv.get('/api/v1/concerns?limit=100', who);
    assert.ok(!l.text.includes(PHONE));
  }
  // claiming makes the deputy responsible: they see it in full
  await ok(a.id, 'claim', {}, depA);
  assert.equal((await srv.get(`/api/v1/concerns/${a.id}`, depA)).body.contact_phone, PHONE);
  assert.ok(!(await srv.get(`/api/v1/concerns/${a.id}`, depB)).text.includes(PHONE));
  // the public never sees it: tracking, the create answer, duplicates
  assert.ok(!(await track(a.tracking_code)).text.includes(PHONE));
  const dup = await srv.post('/api/v1/concerns', body({ title: a.title }));
  assert.ok(!dup.text.includes(PHONE));
});

test('accept, decline: who may, when, with what', async () => {
  const a = await raise({ station_id: stC });
  isError(await act(a.id, 'accept', {}), 401, 'login_required');
  for (const who of [depA, leader]) isError(await act(a.id, 'accept', {}, who), 403, 'forbidden');
  for (const who of [depFar, unitDemo, procurator, resident]) isError(await act(a.id, 'accept', {}, who), 404, 'not_found');
  isError(await act(999999, 'accept', {}, admin), 404);
  const r = await ok(a.id, 'accept', {}, community);
  assert.equal(r.status, 'accepted');
  assert.ok(r.responded_at);
  assert.equal(r.resolved_at, null);
  assert.deepEqual(r.timeline.map((e) => [e.action, e.actor_role]), [['create', 'resident'], ['accept', 'community_staff']]);
  const again = await act(a.id, 'accept', {}, street);
  isError(again, 409, 'invalid_transition');
  assert.deepEqual(again.body.error.allowed, ['decline', 'resolve_on_site', 'refer', 'merge', 'resolve']);
  assert.deepEqual((await act(a.id, 'accept', {}, depA)).body.error.allowed, ['claim', 'convert']);

  // decline needs a reason and where to go instead
  isError(await act(a.id, 'decline', { redirect: '向人民法院提起诉讼' }, street), 400, 'missing_field', 'reason');
  isError(await act(a.id, 'decline', { reason: '属于民事纠纷' }, street), 400, 'missing_field', 'redirect');
  isError(await act(a.id, 'decline', { reason: '属于民事纠纷', redirect: 'x'.repeat(201) }, street), 400, 'too_long', 'redirect');
  isError(await act(a.id, 'decline', { reason: '属于民事纠纷', redirect: '诉讼', note: 1 }, street), 400, 'unknown_field', 'note');
  isError(await act(a.id, 'decline', { reason: 'x', redirect: 'y' }, depA), 403);
  const d = await ok(a.id, 'decline', { reason: '属于民事合同纠纷,不属人大代表工作受理范围', redirect: '向人民法院提起民事诉讼' }, street);
  assert.equal(d.status, 'declined');
  assert.equal(d.redirect, '向人民法院提起民事诉讼');
  const t = (await track(a.tracking_code)).body;
  assert.equal(t.status, 'declined');
  assert.equal(t.reason, '属于民事合同纠纷,不属人大代表工作受理范围');
  assert.equal(t.redirect, '向人民法院提起民事诉讼');
  assert.deepEqual(t.actions, ['rate'], 'a declined concern has a result the resident may rate');
  for (const action of ['accept', 'resolve', 'refer', 'claim'])
    isError(await act(a.id, action, action === 'resolve' ? { result: 'x' } : action === 'refer' ? { region_id: C } : {}, admin), 409, 'invalid_transition');
});

test('resolve_on_site: on the spot, or a unit commits with a short deadline and then resolves', async () => {
  const a = await raise({ station_id: stC });
  isError(await act(a.id, 'resolve_on_site', {}, street), 400, 'missing_field', 'result');
  isError(await act(a.id, 'resolve_on_site', { result: '已答复', unit_id: 999999 }, street), 400, 'unknown_unit', 'unit_id');
  isError(await act(a.id, 'resolve_on_site', { result: '已答复', unit_id: 'x' }, street), 400, 'invalid_type', 'unit_id');
  isError(await act(a.id, 'resolve_on_site', { result: '已答复' }, depA), 403);
  const r = await ok(a.id, 'resolve_on_site', { result: '社区当场联系物业更换灯泡' }, community);
  assert.equal(r.status, 'resolved_on_site');
  assert.ok(r.resolved_at && r.responded_at);
  assert.equal(r.unit_id, null);
  assert.deepEqual((await track(a.tracking_code)).body.actions, ['rate']);

  const b = await raise({ station_id: stC });
  isError(await act(b.id, 'resolve', { result: '已修好' }, lightUnit), 404, 'not_found');
  const c = await ok(b.id, 'resolve_on_site', { result: '城管执法局到场答复,一个月内修复', unit_id: unitLights }, street);
  assert.equal(c.unit_id, unitLights);
  assert.equal(c.resolved_at, null);
  const days = (Date.parse(c.due_at) - Date.now()) / 86400000;
  assert.ok(days > 25 && days < 40, `due in about a month: ${c.due_at}`);
  assert.match(c.due_at, /T23:59:59\+08:00$/);
  const t = (await track(b.tracking_code)).body;
  assert.deepEqual(t.actions, [], 'no rating while the unit has not delivered');
  isError(await act(b.id, 'rate', { tracking_code: b.tracking_code, value: 'satisfied' }), 409, 'invalid_transition');
  // the unit sees it now, in its list too, and records the fix; another unit does not see it
  assert.ok((await srv.getAll('/api/v1/concerns', lightUnit)).some((x) => x.id === b.id));
  isError(await act(b.id, 'resolve', { result: 'x' }, unitDemo), 404);
  isError(await act(b.id, 'resolve', {}, lightUnit), 400, 'missing_field', 'result');
  const done = await ok(b.id, 'resolve', { result: '已更换全部楼道灯' }, lightUnit);
  assert.equal(done.status, 'resolved');
  assert.ok(done.resolved_at);
  assert.equal(done.timeline.at(-1).actor_role, 'unit_staff');
  isError(await act(b.id, 'resolve', { result: 'again' }, lightUnit), 409);
});

test('refer: to a community or street; community staff only up to their street; the receiver takes over', async () => {
  const a = await raise({ station_id: stC });
  isError(await act(a.id, 'refer', {}, street), 400, 'missing_field', 'region_id');
  const district = (await srv.get('/api/v1/regions')).body.items[0].id;
  isError(await act(a.id, 'refer', { region_id: district }, street), 400, 'unknown_region', 'region_id');
  isError(await act(a.id, 'refer', { region_id: 999999 }, street), 400, 'unknown_region', 'region_id');
  isError(await act(a.id, 'refer', { region_id: C, note: 'n'.repeat(1001) }, street), 400, 'too_long', 'note');
  isError(await act(a.id, 'refer', { region_id: C }, depA), 403);
  // community staff: to another street, no; up to their own street, yes
  isError(await act(a.id, 'refer', { region_id: S2 }, community), 403, 'forbidden');
  const up = await ok(a.id, 'refer', { region_id: S, note: '需街道协调多个部门' }, community);
  assert.equal(up.status, 'referred');
  assert.equal(up.referred_to, S);
  assert.equal(up.timeline.at(-1).staff_note, '需街道协调多个部门');
  // street staff send it to a community of another street; its staff take over
  const moved = await ok(a.id, 'refer', { region_id: C2 }, street);
  assert.equal(moved.referred_to, C2);
  const c2 = await addUser('cn-community-2', 'community_staff', C2);
  const s2 = await addUser('cn-street-2', 'street_staff', S2);
  assert.equal((await srv.get(`/api/v1/concerns/${a.id}`, c2)).status, 200);
  assert.equal((await srv.get(`/api/v1/concerns/${a.id}`, s2)).status, 200, 'the street of the community it went to');
  assert.ok((await srv.getAll('/api/v1/concerns', c2)).some((x) => x.id === a.id));
  const acc = await ok(a.id, 'accept', {}, c2);
  assert.equal(acc.status, 'accepted');
  assert.equal((await ok(a.id, 'resolve', { result: '社区已协调解决' }, c2)).status, 'resolved');
  // the resident sees where it went, not who handled it; the staff note stays inside
  const t = await track(a.tracking_code);
  assert.ok(t.body.timeline.some((e) => e.action === 'refer' && e.note.includes('转交')));
  assert.ok(!t.text.includes('需街道协调多个部门') && !t.text.includes('staff_note'));
  assert.ok(!t.text.includes('社区人大工作专职副书记') && !t.text.includes('民族街道人大工委'));
});

test('claim and convert: deputies at the station; several claimers; a draft suggestion owned by the deputy', async () => {
  const a = await raise({ station_id: stC });
  isError(await act(a.id, 'claim', {}, admin), 403);
  isError(await act(a.id, 'claim', {}, depFar), 404);
  isError(await act(a.id, 'claim', { note: 'x' }, depA), 400, 'unknown_field', 'note');
  const c1 = await ok(a.id, 'claim', {}, depA);
  assert.equal(c1.status, 'claimed');
  assert.equal(c1.claimed_by, depAId);
  assert.deepEqual(c1.claimers.map((x) => x.deputy_id), [depAId]);
  const twice = await act(a.id, 'claim', {}, depA);
  isError(twice, 409, 'invalid_transition');
  assert.deepEqual(twice.body.error.allowed, ['convert', 'resolve', 'decline']);
  const c2 = await ok(a.id, 'claim', {}, depB);
  assert.equal(c2.status, 'claimed');
  assert.deepEqual(c2.claimers.map((x) => x.deputy_id), [depAId, depBId]);
  // the claimers convert it; staff cannot
  isError(await act(a.id, 'convert', {}, admin), 403);
  const conv = await ok(a.id, 'convert', {}, depB);
  assert.equal(conv.status, 'converted');
  assert.ok(Number.isInteger(conv.suggestion_id));
  isError(await act(a.id, 'convert', {}, depA), 409);

  // a deputy of the station converts a new one directly and follows it from then on
  const b = await raise({ station_id: stC });
  isError(await act(b.id, 'convert', { title: 'x' }, depA), 400, 'unknown_field', 'title');
  const cb = await ok(b.id, 'convert', {}, depA);
  assert.equal(cb.status, 'converted');
  assert.deepEqual(cb.claimers.map((x) => x.deputy_id), [depAId]);
  assert.notEqual(cb.suggestion_id, conv.suggestion_id);
  // the draft is the deputy's, from the concern's title and body (when the suggestions API is there)
  const sg = await srv.get(`/api/v1/suggestions/${cb.suggestion_id}`, depA);
  if (sg.status === 200) {
    assert.equal(sg.body.status, 'draft');
    assert.equal(sg.body.title, b.title ?? sg.body.title);
  }
  // a converted concern is resolved when the suggestion is answered
  isError(await act(b.id, 'resolve', { result: 'x' }, depB), 403, 'forbidden');
  assert.equal((await ok(b.id, 'resolve', { result: '建议已办复,问题解决' }, admin)).status, 'resolved');
});

test('merge: into the original; its followers follow; no merging into itself, a merged or declined one, or across streets', async () => {
  const orig = await raise({ station_id: stC });
  const dup1 = await raise({ station_id: stC });
  const dup2 = await raise({ station_id: stC2 });
  const other = await raise({ station_id: stOther });
  isError(await act(dup1.id, 'merge', {}, street), 400, 'missing_field', 'into');
  isError(await act(dup1.id, 'merge', { into: dup1.id }, street), 400, 'merge_into_self', 'into');
  isError(await act(dup1.id, 'merge', { into: 999999 }, street), 400, 'unknown_concern', 'into');
  isError(await act(dup1.id, 'merge', { into: other.id }, street), 400, 'unknown_concern', 'into');
  isError(await act(dup1.id, 'merge', { into: other.id }, admin), 400, 'merge_across_streets', 'into');
  isError(await act(dup1.id, 'merge', { into: orig.id }, depA), 403);

  // dup2 first gathers a follower, then goes into orig itself: no chains
  const m0 = await ok(dup1.id, 'merge', { into: dup2.id }, street);
  assert.equal(m0.status, 'merged');
  assert.equal(m0.merged_into, dup2.id);
  isError(await act(orig.id, 'merge', { into: dup1.id }, street), 400, 'merge_target_merged', 'into');
  await ok(dup2.id, 'merge', { into: orig.id }, street);
  assert.equal((await srv.get(`/api/v1/concerns/${dup1.id}`, admin)).body.merged_into, orig.id);
  const o = (await srv.get(`/api/v1/concerns/${orig.id}`, admin)).body;
  assert.equal(o.merged_count, 2);
  assert.equal(o.status, 'new');
  assert.ok(o.timeline.some((e) => e.action === 'merge'));
  // everyone who raised either follows the original
  for (const code of [dup1.tracking_code, dup2.tracking_code]) {
    const t = (await track(code)).body;
    assert.equal(t.id, orig.id);
    assert.equal(t.title, orig.title);
    assert.equal(t.merged, true);
    assert.equal(t.tracking_code, code);
  }
  // a merged concern takes no more actions; the 409 lists none
  const no = await act(dup1.id, 'accept', {}, street);
  isError(no, 409, 'invalid_transition');
  assert.deepEqual(no.body.error.allowed, []);
  // into a declined one: no
  const dec = await raise({ station_id: stC });
  await ok(dec.id, 'decline', { reason: '测试', redirect: '行政复议' }, street);
  const dup3 = await raise({ station_id: stC });
  isError(await act(dup3.id, 'merge', { into: dec.id }, street), 400, 'merge_target_declined', 'into');

  // resolved: every follower sees the result and rates once, each with their own code
  await ok(orig.id, 'accept', {}, street);
  await ok(orig.id, 'resolve', { result: '已统一处理' }, street);
  assert.equal((await track(dup1.tracking_code)).body.result, '已统一处理');
  const r1 = await act(orig.id, 'rate', { tracking_code: dup1.tracking_code, value: 'basically_satisfied' });
  assert.equal(r1.status, 200, r1.text);
  assert.equal(r1.body.rating, 'basically_satisfied');
  assert.equal(r1.body.tracking_code, dup1.tracking_code);
  // through the merged one's own id too
  assert.equal((await act(dup2.id, 'rate', { tracking_code: dup2.tracking_code, value: 'satisfied' })).status, 200);
  isError(await act(orig.id, 'rate', { tracking_code: dup1.tracking_code, value: 'satisfied' }), 409, 'invalid_transition');
  assert.equal((await act(orig.id, 'rate', { tracking_code: orig.tracking_code, value: 'dissatisfied' })).status, 200);
  const after = (await srv.get(`/api/v1/concerns/${orig.id}`, admin)).body;
  assert.equal(after.rating, 'dissatisfied');
  assert.equal((await srv.get(`/api/v1/concerns/${dup2.id}`, admin)).body.rating, 'satisfied');
});

test('resolve and rate: only after a result, once, only with the tracking code', async () => {
  const a = await raise({ station_id: stC });
  isError(await act(a.id, 'resolve', { result: '好了' }, street), 409, 'invalid_transition');
  isError(await act(a.id, 'rate', { tracking_code: a.tracking_code, value: 'satisfied' }), 409, 'invalid_transition');
  await ok(a.id, 'accept', {}, street);
  isError(await act(a.id, 'resolve', { result: '' }, street), 400, 'missing_field', 'result');
  isError(await act(a.id, 'resolve', { result: '好了' }, depA), 403);
  const r = await ok(a.id, 'resolve', { result: '已维修' }, street);
  assert.equal(r.status, 'resolved');
  assert.ok(r.resolved_at >= r.responded_at);

  isError(await act(a.id, 'rate', { tracking_code: a.tracking_code }), 400, 'missing_field', 'value');
  isError(await act(a.id, 'rate', { tracking_code: a.tracking_code, value: 'good' }), 400, 'invalid_value', 'value');
  isError(await act(a.id, 'rate', { value: 'satisfied' }), 400, 'missing_field', 'tracking_code');
  isError(await act(a.id, 'rate', { tracking_code: 'O0I1', value: 'satisfied' }), 400, 'invalid_tracking_code', 'tracking_code');
  isError(await act(a.id, 'rate', { tracking_code: 'ZZZZZZZZZZ', value: 'satisfied' }), 404, 'not_found');
  const other = await raise({ station_id: stC });
  isError(await act(a.id, 'rate', { tracking_code: other.tracking_code, value: 'satisfied' }), 404, 'not_found');
  // staff who see it may not rate for the resident
  isError(await act(a.id, 'rate', { tracking_code: 'ZZZZZZZZZZ', value: 'satisfied' }, street), 403, 'forbidden');
  const rated = await act(a.id, 'rate', { tracking_code: a.tracking_code.toLowerCase(), value: 'satisfied' });
  assert.equal(rated.status, 200, rated.text);
  assert.equal(rated.body.rating, 'satisfied');
  assert.deepEqual(rated.body.actions, []);
  assert.ok(!rated.text.includes(PHONE));
  const twice = await act(a.id, 'rate', { tracking_code: a.tracking_code, value: 'dissatisfied' });
  isError(twice, 409, 'invalid_transition');
  assert.deepEqual(twice.body.error.allowed, []);
  assert.equal((await track(a.tracking_code)).body.rating, 'satisfied');
});

test('the action body: unknown action, missing action, unknown fields, bad JSON', async () => {
  const a = await raise({ station_id: stC });
  isError(await act(a.id, 'close', {}, admin), 400, 'invalid_action', 'action');
  isError(await srv.post(`/api/v1/concerns/${a.id}/actions`, {}, admin), 400, 'missing_field', 'action');
  isError(await srv.post(`/api/v1/concerns/${a.id}/actions`, { action: 5 }, admin), 400, 'invalid_type', 'action');
  isError(await act(a.id, 'accept', { reason: 'x' }, admin), 400, 'unknown_field', 'reason');
  isError(await act(a.id, 'merge', { into: 'x' }, admin), 400, 'invalid_type', 'into');
  isError(await act(a.id, 'refer', { region_id: -3 }, admin), 400, 'out_of_range', 'region_id');
  isError(await srv.request('POST', `/api/v1/concerns/${a.id}/actions`, { raw: '{', headers: { 'content-type': 'application/json' }, cookie: admin.cookie, csrf: admin.csrf }), 400, 'invalid_json');
  // a session without the CSRF header is refused before anything else
  isError(await srv.post(`/api/v1/concerns/${a.id}/actions`, { action: 'accept' }, { cookie: admin.cookie }), 403, 'csrf_failed');
  isError(await srv.get(`/api/v1/concerns/${a.id}/actions`, admin), 405);
  assert.equal((await srv.get(`/api/v1/concerns/${a.id}`, admin)).body.status, 'new', 'nothing changed');
});

test('every action is audited with its timeline entry; refused ones leave nothing', async () => {
  const a = await raise({ station_id: stC });
  await act(a.id, 'resolve', { result: 'x' }, street); // 409
  await act(a.id, 'accept', {}, depA); // 403
  await ok(a.id, 'accept', {}, street);
  await ok(a.id, 'claim', {}, depA);
  await ok(a.id, 'resolve', { result: '已解决' }, depA);
  await ok(a.id, 'rate', { tracking_code: a.tracking_code, value: 'satisfied' });
  const audit = await srv.getAll(`/api/v1/audit?entity=concern&id=${a.id}`, admin);
  assert.deepEqual(audit.map((e) => [e.action, e.actor_role]), [
    ['concern.create', 'anonymous'], ['concern.accept', 'street_staff'], ['concern.claim', 'deputy'],
    ['concern.resolve', 'deputy'], ['concern.rate', 'anonymous']]);
  assert.equal(audit[1].actor_user_id, street.user.id);
  assert.equal(audit[2].detail.deputy_id, depAId);
  assert.ok(!JSON.stringify(audit).includes(PHONE), 'the audit keeps no phone numbers');
  const tl = (await srv.get(`/api/v1/concerns/${a.id}`, admin)).body.timeline;
  assert.deepEqual(tl.map((e) => e.action), ['create', 'accept', 'claim', 'resolve', 'rate']);
  const v = cli(['audit', 'verify', '--db', srv.db]);
  assert.equal(v.status, 0, v.stderr);
});

// ---- the article's cases --------------------------------------------------------

test('article: the leaking walls of a housing estate — claimed by a lawyer deputy, resolved after court enforcement', async () => {
  const lawyers = (await srv.get(`/api/v1/deputies?q=${encodeURIComponent('律师')}&limit=100`)).body.items
    .filter((d) => d.sector === '律师');
  assert.ok(lawyers.length > 0, 'the demo has lawyer deputies');
  const law = lawyers[0];
  const station = law.station_ids[0];
  const lawyerLogin = await addUser('cn-lawyer', 'deputy', law.id);
  const raised = await raise({ title: '还建小区外墙渗漏多年无人修', category: '民生保障', station_id: station, source: 'reception',
    body: '我们还建小区交房后外墙一直渗漏,雨天屋内墙面发霉,找开发商多次无果,开发商拒不履行保修义务' }, resident);
  const r1 = await ok(raised.id, 'claim', {}, lawyerLogin);
  assert.equal(r1.status, 'claimed');
  assert.deepEqual(r1.claimers.map((c) => [c.deputy_id, c.name]), [[law.id, law.name]]);
  assert.equal(r1.contact_phone, PHONE, 'the claiming deputy may call the resident');
  // the resident sees who took it up (a deputy, public), no staff names
  const t1 = (await track(raised.tracking_code)).body;
  assert.equal(t1.status, 'claimed');
  assert.ok(t1.timeline.some((e) => e.action === 'claim' && e.note.includes(law.name)));
  const r2 = await ok(raised.id, 'resolve', { result: '代表提供法律援助,业主起诉开发商胜诉;经法院强制执行,开发商已完成外墙防水修缮' }, lawyerLogin);
  assert.equal(r2.status, 'resolved');
  const mine = (await srv.getAll('/api/v1/concerns', resident)).find((c) => c.id === raised.id);
  assert.equal(mine.status, 'resolved');
  const rated = await act(raised.id, 'rate', { tracking_code: raised.tracking_code, value: 'satisfied' }, resident);
  assert.equal(rated.status, 200, rated.text);
  assert.match((await track(raised.tracking_code)).body.result, /强制执行/);
});

test('article: gas supply for 188 households — two deputies claim it, follow it as a project, duplicates merged, resolved', async () => {
  const gas = { title: '188户居民盼通天然气', category: '民生保障',
    body: '小区188户居民至今未通管道天然气,冬季只能用罐装液化气,既不方便也不安全,盼早日通气' };
  const first = await raise({ ...gas, station_id: stC });
  const second = await raise({ title: '小区188户居民盼通天然气', body: '小区188户至今没有通管道天然气,用罐装液化气不安全,希望早日通气', category: '民生保障', station_id: stC2 });
  assert.deepEqual(second.duplicates.map((d) => d.id), [first.id], 'the second resident is told about the first');
  await ok(second.id, 'merge', { into: first.id }, street);
  await ok(first.id, 'claim', {}, depA);
  const both = await ok(first.id, 'claim', {}, depB);
  assert.equal(both.status, 'claimed');
  assert.deepEqual(both.claimers.map((c) => c.deputy_id), [depAId, depBId]);
  assert.equal(both.merged_count, 1);
  // both follow it: in their lists, in full
  for (const d of [depA, depB]) {
    const mine = (await srv.getAll('/api/v1/concerns?status=claimed', d)).find((c) => c.id === first.id);
    assert.ok(mine);
    assert.equal(mine.contact_phone, PHONE);
  }
  const done = await ok(first.id, 'resolve', { result: '经两位代表协调燃气公司和街道,完成管网改造,188户全部通气' }, depB);
  assert.equal(done.status, 'resolved');
  for (const code of [first.tracking_code, second.tracking_code]) {
    const t = (await track(code)).body;
    assert.equal(t.status, 'resolved');
    assert.match(t.result, /188户全部通气/);
    assert.deepEqual(t.actions, ['rate']);
    assert.equal((await act(first.id, 'rate', { tracking_code: code, value: 'satisfied' })).status, 200);
  }
});

test('article: street lights asked for at a forum — resolved on site by a unit with a short deadline', async () => {
  const asked = await raise({ title: '社区主干道没有路灯', category: '城市建设与管理', source: 'activity', activity_id: 1,
    station_id: stC, body: '在代表有约共话活动上反映:社区主干道晚上漆黑一片,老人孩子出行不安全,希望安装路灯' });
  assert.equal(asked.source, 'activity');
  const onSite = await ok(asked.id, 'resolve_on_site',
    { result: '区城管执法局在活动现场答复:一个月内安装路灯', unit_id: unitLights }, community);
  assert.equal(onSite.status, 'resolved_on_site');
  assert.ok(Date.parse(onSite.due_at) - Date.now() < 40 * 86400000);
  const t = (await track(asked.tracking_code)).body;
  assert.equal(t.due_at, onSite.due_at, 'the resident sees the deadline');
  assert.match(t.timeline.at(-1).note, /区城管执法局承诺于\d{4}-\d\d-\d\d前办结/);
  // the unit follows it like any other assignment and reports the fix
  const seen = (await srv.getAll('/api/v1/concerns', lightUnit)).find((c) => c.id === asked.id);
  assert.equal(seen.contact_phone, '138****5678', 'a unit sees contact details masked');
  const fixed = await ok(asked.id, 'resolve', { result: '已安装太阳能路灯13盏、LED路灯15盏' }, lightUnit);
  assert.equal(fixed.status, 'resolved');
  assert.ok(Date.parse(fixed.resolved_at) <= Date.parse(fixed.due_at));
  assert.equal((await act(asked.id, 'rate', { tracking_code: asked.tracking_code, value: 'satisfied' })).status, 200);
  assert.equal((await track(asked.tracking_code)).body.rating, 'satisfied');
});
