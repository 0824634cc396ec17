// Text search: q= on GET /api/v1/stations (name or address) and
// GET /api/v1/deputies (name or sector).  The same results on every backend
// (SQLite: FTS5 trigram + LIKE for short queries; PostgreSQL: pg_trgm ILIKE):
// every answer is compared with a substring match done here over the full list.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, isError } from './harness.mjs';

let srv, admin;
const as = (s) => ({ cookie: s.cookie, csrf: s.csrf });
const enc = encodeURIComponent;
// ASCII letters in either case; every other character as written
const fold = (s) => s.replace(/[A-Z]/g, (c) => c.toLowerCase());
const has = (text, q) => fold(text).includes(fold(q));

const EXTRA = [ // stations made for the edge cases (street 2)
  { name: 'ABC科技园联络站', address: 'Xyz Road 12号' },
  { name: '百分之百%站', address: '' },
  { name: '下划_线站', address: '' },
  { name: '反斜\\杠站', address: '' },
  { name: 'say "hi" 站', address: '' },
  { name: 'NEAR(1) OR 2* 站', address: '' },
];

before(async () => {
  srv = await startServer({ args: ['--anon-rate', '0'] });
  admin = await srv.login('admin');
  let i = 0;
  for (const x of EXTRA) {
    const r = await srv.post('/api/v1/stations', { kind: 'reception_room', street_id: 2,
      lat: 30.58 + i / 1000, lon: 114.27, ...x }, as(admin));
    assert.equal(r.status, 201, r.text);
    i++;
  }
});
after(async () => { assert.equal(await srv.stop(), 0, 'server exits cleanly'); });

async function stations(q, extra = '') {
  return srv.getAll(`/api/v1/stations?q=${enc(q)}${extra}`);
}
async function deputies(q, extra = '') {
  return srv.getAll(`/api/v1/deputies?q=${enc(q)}${extra}`);
}
async function expectStations(q, { min = 0 } = {}) {
  const all = await srv.getAll('/api/v1/stations');
  const want = all.filter((s) => has(s.name, q) || has(s.address, q)).map((s) => s.id);
  const got = (await stations(q)).map((s) => s.id);
  assert.deepEqual(got, want, `stations q=${q}`);
  assert.ok(got.length >= min, `stations q=${q}: ${got.length} found, expected at least ${min}`);
  return got;
}
async function expectDeputies(q, { min = 0 } = {}) {
  const all = await srv.getAll('/api/v1/deputies');
  const want = all.filter((d) => has(d.name, q) || has(d.sector, q)).map((d) => d.id);
  const got = (await deputies(q)).map((d) => d.id);
  assert.deepEqual(got, want, `deputies q=${q}`);
  assert.ok(got.length >= min, `deputies q=${q}: ${got.length} found, expected at least ${min}`);
  return got;
}

test('Chinese queries of 1, 2, 3 and 4 characters find substrings of name or address', async () => {
  await expectStations('民', { min: 5 });
  await expectStations('民族', { min: 2 });
  await expectStations('民族街', { min: 2 });
  await expectStations('代表工作', { min: 10 });
  await expectStations('江汉区民族路', { min: 1 }); // in the address only
  await expectStations('接待室');
  await expectStations('汉口火车站');               // nothing
  assert.deepEqual(await stations('民族街道代表工作室'), (await srv.getAll('/api/v1/stations'))
    .filter((s) => s.name.includes('民族街道代表工作室')));
});

test('deputies: name or sector, 1 to 4 characters', async () => {
  await expectDeputies('律', { min: 1 });
  await expectDeputies('律师', { min: 1 });
  await expectDeputies('社区工', { min: 1 });
  await expectDeputies('社区工作', { min: 1 });
  await expectDeputies('快递外卖从业者', { min: 1 });
  const all = await srv.getAll('/api/v1/deputies');
  const name = all[0].name;
  await expectDeputies(name.slice(0, 2), { min: 1 });
  await expectDeputies(name, { min: 1 });
  await expectDeputies('不存在的界别');
});

test('Latin letters match in either case, short or long', async () => {
  for (const q of ['abc', 'ABC', 'aBc', 'ab', 'B', 'xyz road', 'XYZ ROAD 12', 'Road']) {
    const got = await expectStations(q, { min: 1 });
    assert.ok(got.length >= 1, q);
  }
});

test('LIKE metacharacters are plain text: %, _ and \\ match only themselves', async () => {
  const names = async (q) => (await stations(q)).map((s) => s.name);
  assert.deepEqual(await names('%'), ['百分之百%站']);
  assert.deepEqual(await names('百%站'), ['百分之百%站']);
  assert.deepEqual(await names('_'), ['下划_线站']);
  assert.deepEqual(await names('划_线'), ['下划_线站']);
  assert.deepEqual(await names('\\'), ['反斜\\杠站']);
  assert.deepEqual(await names('斜\\杠'), ['反斜\\杠站']);
  assert.deepEqual(await names('%%'), []);
  assert.deepEqual(await names('街_代'), []);
  for (const q of ['%', '_', '\\', '百%站', '%站']) await expectStations(q);
});

test('double quotes and full-text operators are plain text', async () => {
  const names = async (q) => (await stations(q)).map((s) => s.name);
  assert.deepEqual(await names('"'), ['say "hi" 站']);
  assert.deepEqual(await names('"hi"'), ['say "hi" 站']);
  assert.deepEqual(await names('say "'), ['say "hi" 站']);
  assert.deepEqual(await names('NEAR('), ['NEAR(1) OR 2* 站']);
  assert.deepEqual(await names('near(1)'), ['NEAR(1) OR 2* 站']);
  assert.deepEqual(await names('2*'), ['NEAR(1) OR 2* 站']);
  assert.deepEqual(await names('*'), ['NEAR(1) OR 2* 站']);
  assert.deepEqual(await names('民族 OR 花楼'), []);
  assert.deepEqual(await names('民族*'), []);
  assert.deepEqual(await names('"民族"'), []);
  assert.deepEqual(await names('民族 NEAR(花楼)'), []);
  assert.deepEqual(await names('^民族'), []);
  for (const q of ['OR', 'or', 'AND', 'NOT', ' OR 2', '"', '(', ')', ':', 'name:民族', '{name}']) await expectStations(q);
  for (const q of ['"', 'OR', '律师 OR', '*']) await expectDeputies(q);
});

test('q: empty or blank means no filter; more than 100 characters is 400 naming q; repeated is 400', async () => {
  const page = (await srv.get('/api/v1/stations?limit=7')).body;
  assert.deepEqual((await srv.get('/api/v1/stations?limit=7&q=')).body, page);
  assert.deepEqual((await srv.get('/api/v1/stations?limit=7&q=%20%20')).body, page);
  assert.deepEqual((await srv.get('/api/v1/deputies?limit=7&q=')).body, (await srv.get('/api/v1/deputies?limit=7')).body);
  for (const path of ['/api/v1/stations', '/api/v1/deputies']) {
    isError(await srv.get(`${path}?q=${enc('民'.repeat(101))}`), 400, 'invalid_parameter', 'q');
    isError(await srv.get(`${path}?q=${'a'.repeat(101)}`), 400, 'invalid_parameter', 'q');
    const ok = await srv.get(`${path}?q=${enc('民'.repeat(100))}`);
    assert.equal(ok.status, 200, ok.text);
    assert.deepEqual(ok.body.items, []);
    isError(await srv.get(`${path}?q=a&q=b`), 400, 'repeated_parameter', 'q');
    isError(await srv.get(`${path}?q=${enc('a\u0001b')}`), 400, undefined, 'q');
  }
});

test('q combines with the other filters and with pagination', async () => {
  const all = await srv.getAll('/api/v1/stations');
  const street = all.find((s) => s.name.includes('民族')).street_id;
  const want = all.filter((s) => s.street_id === street && (has(s.name, '社区') || has(s.address, '社区')));
  assert.deepEqual(await stations('社区', `&street=${street}`), want);
  const rooms = all.filter((s) => s.kind === 'reception_room' && (has(s.name, '民') || has(s.address, '民')));
  assert.deepEqual((await stations('民', '&kind=reception_room')).map((s) => s.id), rooms.map((s) => s.id));

  // pages of 2 follow the cursor through exactly the matches
  const matches = all.filter((s) => has(s.name, '民') || has(s.address, '民'));
  assert.ok(matches.length > 4);
  const seen = [];
  let cursor = null;
  for (let guard = 0; guard < 100; guard++) {
    const r = await srv.get(`/api/v1/stations?q=${enc('民')}&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
    assert.equal(r.status, 200, r.text);
    assert.ok(r.body.items.length <= 2);
    seen.push(...r.body.items.map((s) => s.id));
    cursor = r.body.next_cursor;
    if (!cursor) break;
  }
  assert.deepEqual(seen, matches.map((s) => s.id));

  // near sorts the matches by distance
  const near = await srv.getAll(`/api/v1/stations?q=${enc('代表工作室')}&near=30.58,114.27`);
  assert.deepEqual(near.map((s) => s.id).sort((a, b) => a - b),
    all.filter((s) => has(s.name, '代表工作室') || has(s.address, '代表工作室')).map((s) => s.id));
  for (let i = 1; i < near.length; i++) assert.ok(near[i - 1].distance_m <= near[i].distance_m);

  const deps = await srv.getAll('/api/v1/deputies');
  const st = deps.find((d) => d.sector === '律师' && d.station_ids.length).station_ids[0];
  assert.deepEqual(await deputies('律师', `&station=${st}`),
    deps.filter((d) => d.station_ids.includes(st) && has(d.sector, '律师')));
  assert.deepEqual(await deputies('社区', '&level=district'),
    deps.filter((d) => d.levels.includes('district') && (has(d.name, '社区') || has(d.sector, '社区'))));
});

test('inserts and updates are found at once; the old text no longer is', async () => {
  const made = await srv.post('/api/v1/stations', { kind: 'park_home', name: '银杏园代表之家', street_id: 2,
    address: '武汉市江汉区银杏路8号', lat: 30.6, lon: 114.26 }, as(admin));
  assert.equal(made.status, 201, made.text);
  for (const q of ['银', '银杏', '银杏园', '银杏园代', '银杏路8']) {
    assert.deepEqual((await stations(q)).map((s) => s.id), [made.body.id], q);
  }
  const patched = await srv.patch(`/api/v1/stations/${made.body.id}`, { name: '梧桐苑代表之家' }, as(admin));
  assert.equal(patched.status, 200, patched.text);
  assert.deepEqual(await stations('银杏园'), []);
  assert.deepEqual(await stations('银杏园代'), []);
  assert.deepEqual((await stations('梧桐')).map((s) => s.id), [made.body.id]);
  assert.deepEqual((await stations('梧桐苑代表')).map((s) => s.id), [made.body.id]);
  assert.deepEqual((await stations('银杏路')).map((s) => s.id), [made.body.id], 'the address still matches');
  const moved = await srv.patch(`/api/v1/stations/${made.body.id}`, { address: '武汉市江汉区梧桐街9号' }, as(admin));
  assert.equal(moved.status, 200, moved.text);
  assert.deepEqual(await stations('银杏路'), []);
  assert.deepEqual((await stations('梧桐街9')).map((s) => s.id), [made.body.id]);

  const dep = await srv.post('/api/v1/deputies', { name: '欧阳非遗', levels: ['district'], sector: '非遗传承人',
    station_ids: [made.body.id] }, as(admin));
  assert.equal(dep.status, 201, dep.text);
  for (const q of ['欧阳', '非遗', '遗传承', '非遗传承人', '欧阳非遗']) {
    assert.deepEqual((await deputies(q)).map((d) => d.id), [dep.body.id], q);
  }
  const renamed = await srv.patch(`/api/v1/deputies/${dep.body.id}`, { sector: '文化' }, as(admin));
  assert.equal(renamed.status, 200, renamed.text);
  assert.deepEqual(await deputies('遗传承'), []);
  assert.deepEqual((await deputies('欧阳非遗')).map((d) => d.id), [dep.body.id]);
  await expectDeputies('文化', { min: 1 });
});
