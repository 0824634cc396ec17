// Shared responses (src/api/cache.h): public GET lists are served from a cache
// that a committed write invalidates exactly - through the API, or by another
// process (`youyue import`) on the same SQLite file - on the very next GET;
// ETag / If-None-Match answers 304; private fields never reach another caller.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, startServer, BACKEND } from './harness.mjs';

// On PostgreSQL db_data_version is 0 ("unknown"), so nothing is cached there
// (ETags still work): the tests of the cache itself only mean something on SQLite.
const NO_CACHE = BACKEND === 'postgresql' &&
  'PostgreSQL: responses are not cached (db_data_version is 0, see src/store/db.h)';
const PRIVATE = ['phone', 'lat', 'lon'];

let srv, admin, tmp;
before(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'youyue-cache-'));
  srv = await startServer({ args: ['--anon-rate', '0'] });
  admin = await srv.login('admin');
});
after(async () => {
  assert.equal(await srv.stop(), 0, 'server exits cleanly');
  rmSync(tmp, { recursive: true, force: true });
});

const as = (s) => ({ cookie: s.cookie, csrf: s.csrf });
let seq = 0;
const uniq = (p) => `${p}${++seq}-${process.pid}`;

/** GETs path until the answer comes from the cache.  Not necessarily the
 *  second time: a server thread's first look at the data version counts as a
 *  change (it has nothing to compare with), so each of the 4 threads may cost
 *  a miss at start-up. */
async function warm(path, o) {
  for (let i = 0; i < 12; i++) {
    const r = await srv.get(path, o);
    assert.equal(r.status, 200, r.text);
    if (r.headers.get('x-cache') === 'hit') return r;
  }
  assert.fail(`${path} is never served from the cache`);
}

test('a write through the API is visible on the very next GET', { skip: NO_CACHE }, async () => {
  const units = '/api/v1/units?limit=100';
  for (let i = 0; i < 3; i++) {
    const before = await warm(units);
    const name = uniq('区缓存测试局');
    const made = await srv.post('/api/v1/units', { name, kind: 'utility' }, as(admin));
    assert.equal(made.status, 201, made.text);
    const r = await srv.get(units);
    assert.equal(r.headers.get('x-cache'), 'miss');
    assert.equal(r.body.items.length, before.body.items.length + 1);
    assert.ok(r.body.items.some((u) => u.name === name), 'the new unit is listed');
  }

  // a PATCH of a station shows in the cached station list at once
  const stations = '/api/v1/stations?limit=5';
  const first = (await warm(stations)).body.items[0];
  const name = uniq('缓存测试站');
  const p = await srv.patch(`/api/v1/stations/${first.id}`, { name }, as(admin));
  assert.equal(p.status, 200, p.text);
  const after = await srv.get(stations);
  assert.equal(after.body.items[0].name, name);
  // ... and in the deputies and regions lists a write to them shows too
  const regions = await warm('/api/v1/regions');
  const tree = regions.body.items[0];
  const street = tree.children.find((x) => x.kind === 'street');
  const rn = uniq('缓存社区');
  const made = await srv.post('/api/v1/regions', { kind: 'community', name: rn, parent_id: street.id },
    as(admin));
  assert.equal(made.status, 201, made.text);
  const again = (await srv.get('/api/v1/regions')).body.items[0];
  assert.ok(again.children.find((x) => x.id === street.id).children.some((c) => c.name === rn));
});

test('a write by another process (youyue import) is visible on the very next GET',
  { skip: NO_CACHE }, async () => {
    const units = '/api/v1/units?limit=100';
    for (let i = 0; i < 3; i++) {
      const before = await warm(units);
      const name = uniq('区导入缓存局');
      const csv = join(tmp, `units-${i}.csv`);
      writeFileSync(csv, `name,kind\n${name},department\n`);
      const r = cli(['import', '--db', srv.db, 'units', csv]);
      assert.equal(r.status, 0, r.stderr);
      const next = await srv.get(units);
      assert.equal(next.status, 200);
      assert.equal(next.headers.get('x-cache'), 'miss', 'the import invalidated the cache');
      assert.equal(next.body.items.length, before.body.items.length + 1);
      assert.ok(next.body.items.some((u) => u.name === name), `import ${i} is listed`);
    }
  });

test('ETag and If-None-Match: 304 while the body is the same, 200 once it changes', async () => {
  const path = '/api/v1/units?limit=3';
  const r = await srv.get(path);
  const etag = r.headers.get('etag');
  assert.match(etag, /^"[0-9a-f]{32}"$/);
  assert.equal((await srv.get(path)).headers.get('etag'), etag, 'stable');
  for (const inm of [etag, `W/${etag}`, `"nope", ${etag}`, '*']) {
    const nm = await srv.get(path, { headers: { 'if-none-match': inm } });
    assert.equal(nm.status, 304, inm);
    assert.equal(nm.text, '');
    assert.equal(nm.headers.get('etag'), etag);
  }
  const other = await srv.get(path, { headers: { 'if-none-match': '"0123"' } });
  assert.equal(other.status, 200);
  assert.equal(other.text, r.text);

  // the tag is the content's: a write elsewhere leaves it valid ...
  const stations = await srv.get('/api/v1/stations?limit=2');
  const st = stations.headers.get('etag');
  const u = await srv.post('/api/v1/units', { name: uniq('区标签局') }, as(admin));
  assert.equal(u.status, 201);
  assert.equal((await srv.get('/api/v1/stations?limit=2', { headers: { 'if-none-match': st } })).status, 304);
  // ... a write to what the body shows changes it
  const id = stations.body.items[0].id;
  assert.equal((await srv.patch(`/api/v1/stations/${id}`, { name: uniq('标签站') }, as(admin))).status, 200);
  const changed = await srv.get('/api/v1/stations?limit=2', { headers: { 'if-none-match': st } });
  assert.equal(changed.status, 200);
  assert.notEqual(changed.headers.get('etag'), st);

  // a station's page is not shared (its next reception day moves with the
  // date) but is tagged
  const page = await srv.get(`/api/v1/stations/${id}`);
  assert.equal(page.headers.get('x-cache'), null);
  const pe = page.headers.get('etag');
  assert.match(pe, /^"[0-9a-f]{32}"$/);
  assert.equal((await srv.get(`/api/v1/stations/${id}`, { headers: { 'if-none-match': pe } })).status, 304);
  // errors carry no tag
  const bad = await srv.get('/api/v1/units?limit=0');
  assert.equal(bad.status, 400);
  assert.equal(bad.headers.get('etag'), null);
});

test('private fields never travel from one caller to another through the cache', async () => {
  const path = '/api/v1/deputies?limit=50';
  const deputy = await srv.login('deputy');
  const myId = deputy.user.roles.find((g) => g.role === 'deputy').scope_id;
  const resident = await srv.login('resident');
  const seesNone = (r, who) => {
    assert.equal(r.status, 200);
    assert.equal(r.text.includes('"phone"'), false, `${who} sees no phone`);
    for (const d of r.body.items) for (const f of PRIVATE) assert.ok(!(f in d), `${who}: ${f} of ${d.id}`);
  };
  for (let round = 0; round < 2; round++) {
    // admin first: their answer, with phones, must not be what the public gets
    const a = await srv.get(path, { cookie: admin.cookie });
    assert.match(a.body.items[0].phone, /^139000/);
    assert.equal(a.headers.get('x-cache'), null, 'an answer with private fields is not shared');
    seesNone(await srv.get(path), 'anonymous');
    seesNone(await srv.get(path, { cookie: resident.cookie }), 'a resident');
    // the public answer, now cached, must not be what admin gets
    const a2 = await srv.get(path, { cookie: admin.cookie });
    assert.equal(a2.text, a.text);
    assert.notEqual(a2.headers.get('etag'), (await srv.get(path)).headers.get('etag'));
    // a deputy sees their own phone (if on this page) and nobody else's
    const d = await srv.get(`/api/v1/deputies?station=${(await srv.get(`/api/v1/deputies/${myId}`)).body.station_ids[0]}`,
      { cookie: deputy.cookie });
    assert.ok(d.body.items.some((x) => x.id === myId));
    for (const x of d.body.items) for (const f of PRIVATE) assert.equal(f in x, x.id === myId, `${f} of ${x.id}`);
    seesNone(await srv.get(`/api/v1/deputies?station=${d.body.items[0].station_ids[0]}`), 'anonymous after a deputy');
  }
  // a public ETag does not turn admin's request into a 304 of the public body
  const pub = await srv.get(path);
  const nm = await srv.get(path, { cookie: admin.cookie, headers: { 'if-none-match': pub.headers.get('etag') } });
  assert.equal(nm.status, 200);
  assert.match(nm.body.items[0].phone, /^139000/);
});
