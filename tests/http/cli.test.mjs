// The command line (CONTRACT.md "Command line"): --version, --help, usage
// errors, init, user add, import, backup — checked through the real server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { cli, startServer, haversine, BACKEND, freshDatabase, BIN } from './harness.mjs';

let tmp;
before(() => { tmp = mkdtempSync(join(tmpdir(), 'youyue-cli-')); });
after(() => { rmSync(tmp, { recursive: true, force: true }); });

let n = 0;
const path = (name) => join(tmp, `${++n}-${name}`);
const BOM = '\ufeff';
const crlf = (lines) => lines.join('\r\n') + '\r\n';

/** One line on stderr starting "youyue: ", a non-zero exit. */
function usageError(r, what) {
  assert.notEqual(r.status, 0, `${what}: exit status`);
  assert.match(r.stderr, /^youyue: [^\n]+\n$/, `${what}: one line on stderr, got ${JSON.stringify(r.stderr)}`);
}

/** A failure the store noticed: still exactly one "youyue: " line, which
 *  carries the store's own explanation after the message. */
function storeError(r, what) {
  assert.notEqual(r.status, 0, `${what}: exit status`);
  assert.match(r.stderr, /^youyue: [^\n]+\n$/, `${what}: one line on stderr, got ${JSON.stringify(r.stderr)}`);
}

async function counts(srv) {
  return {
    stations: (await srv.getAll('/api/v1/stations')).length,
    deputies: (await srv.getAll('/api/v1/deputies')).length,
    units: (await srv.getAll('/api/v1/units')).length,
  };
}

test('--version prints the version', () => {
  for (const arg of ['--version', 'version']) {
    const r = cli([arg]);
    assert.equal(r.status, 0);
    assert.match(r.stdout, /^youyue \d+\.\d+\.\d+\S*\n$/);
  }
});

test('--help of the program and of each subcommand exits 0 with usage on stdout', () => {
  for (const args of [['--help'], ['init', '--help'], ['serve', '--help'], ['user', '--help'],
    ['user', 'add', '--help'], ['import', '--help'], ['backup', '--help']]) {
    const r = cli(args);
    assert.equal(r.status, 0, args.join(' '));
    assert.match(r.stdout, /^usage: youyue /, args.join(' '));
    assert.equal(r.stderr, '', args.join(' '));
  }
});

test('unknown options and missing arguments exit non-zero with one line on stderr', () => {
  const db = path('u.db');
  const cases = [
    ['init', '--bogus'], ['init', '--db'], ['init', '--db', db, 'extra'], ['init', '-x'],
    ['serve', '--bogus'], ['serve', '--db', db, '--listen'], ['serve', '--db', db, '--threads', '0'],
    ['serve', '--db', db, '--threads', 'many'], ['serve', '--db', db, '--anon-rate', '-1'],
    ['serve', '--db', db, '--listen', 'nonsense'], ['serve', '--db', db, '--listen', '127.0.0.1:99999'],
    ['user'], ['user', 'remove'], ['user', 'add', '--bogus'], ['user', 'add', '--db', db, '--login'],
    ['user', 'add', '--db', db, '--role', 'admin', '--password-stdin'],
    ['user', 'add', '--db', db, '--login', 'someone', '--role', 'admin'],
    ['user', 'add', '--db', db, '--login', 'someone', '--role', 'king', '--password-stdin'],
    ['user', 'add', '--db', db, '--login', 'someone', '--role', 'deputy', '--scope', 'abc', '--password-stdin'],
    ['import', '--bogus'], ['import', '--db', db], ['import', '--db', db, 'stations'],
    ['import', '--db', db, 'people', path('x.csv')], ['import', '--db', db, 'stations', path('missing.csv')],
    ['import', '--db', db, 'stations', 'a.csv', 'b.csv'],
    ['backup', '--bogus'], ['backup', '--db', db], ['backup', '--db', db, 'a', 'b'], ['backup', '--db'],
  ];
  for (const args of cases) usageError(cli(args), args.join(' '));
  assert.ok(!existsSync(db), 'no database made by a usage error');
});

test('an unknown command exits non-zero with one line saying so', () => {
  const r = cli(['frobnicate']);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /^youyue: unknown command 'frobnicate' \(see youyue --help\)\n$/);
  const none = cli([]);
  assert.notEqual(none.status, 0);
});

test('init --demo twice does not duplicate anything', async () => {
  const dir = mkdtempSync(join(tmp, 'twice-'));
  const db = join(dir, 'youyue.db');
  const a = cli(['init', '--db', db, '--demo']);
  assert.equal(a.status, 0, a.stderr);
  assert.match(a.stdout, /^database ready: /);
  const b = cli(['init', '--db', db, '--demo']);
  assert.equal(b.status, 0, b.stderr);
  assert.match(b.stderr, /^youyue: [^\n]*\n$/, 'says once that the demo was not loaded again');
  assert.equal(cli(['init', '--db', db]).status, 0);
  const srv = await startServer({ demo: false, dir, db });
  try {
    assert.deepEqual({ ...(await counts(srv)), units: 0 }, { stations: 128, deputies: 264, units: 0 });
    const units = await srv.getAll('/api/v1/units');
    assert.equal(new Set(units.map((u) => u.name)).size, units.length);
    const tree = (await srv.get('/api/v1/regions')).body.items;
    assert.equal(tree.length, 1);
    assert.equal(tree[0].children.length, 14);
    assert.equal((await srv.login('admin')).user.login, 'admin');
  } finally {
    assert.equal(await srv.stop(), 0);
    rmSync(dir, { recursive: true, force: true });
  }
});

// Handlers wait for the database, so serve runs 4 threads per core, 8 to 64
// (bench/README.md "Server threads"); the log's start line says how many.
test('serve without --threads runs 4 threads per core, at least 8 and at most 64', async () => {
  const database = freshDatabase(mkdtempSync(join(tmp, 'threads-')));
  assert.equal(cli(['init', '--db', database.url]).status, 0);
  const child = spawn(BIN, ['serve', '--db', database.url, '--listen', '127.0.0.1:0', '--quiet'],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  try {
    const line = await new Promise((ok, fail) => {
      const timer = setTimeout(() => fail(new Error(`no start line: ${stderr}`)), 30000);
      const look = () => {
        const m = stderr.match(/serving .* with (\d+) threads/);
        if (m) { clearTimeout(timer); ok(m); }
      };
      child.stderr.on('data', look);
      child.on('exit', (code) => { clearTimeout(timer); fail(new Error(`exited ${code}: ${stderr}`)); });
    });
    const want = Math.min(64, Math.max(8, 4 * cpus().length)); // sysconf's online cores
    assert.equal(Number(line[1]), want, `threads for ${cpus().length} cores`);
  } finally {
    child.kill('SIGTERM');
    await new Promise((ok) => (child.exitCode !== null ? ok() : child.on('exit', ok)));
    database.drop();
  }
});

test('serve --demo on a database that does not exist creates it with the demo district', async () => {
  const srv = await startServer({ demo: false, args: ['--demo'] });
  try {
    assert.equal((await srv.getAll('/api/v1/stations')).length, 128);
  } finally {
    assert.equal(await srv.stop(), 0);
  }
});

test('user add: roles with and without scope; errors; the new login works over HTTP', async () => {
  const srv = await startServer({ args: ['--anon-rate', '0'] });
  const add = (args, input) => cli(['user', 'add', '--db', srv.db, ...args, '--password-stdin'], { input });
  try {
    const tree = (await srv.get('/api/v1/regions')).body.items[0];
    const street = tree.children[0], community = street.children[0];
    const deputy = (await srv.get('/api/v1/deputies?limit=5')).body.items[4];
    const unit = (await srv.get('/api/v1/units?limit=1')).body.items[0];

    let r = add(['--login', 'office2', '--role', 'admin', '--name', '第二管理员'], 'a-long-password\n');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^user office2 added/);
    let s = await srv.login('office2', 'a-long-password');
    assert.deepEqual(s.user.roles.map((g) => [g.role, g.scope_id]), [['admin', null]]);
    assert.equal(s.user.name, '第二管理员');
    assert.equal((await srv.post('/api/v1/units', { name: 'CLI管理员建的单位' }, s)).status, 201);

    r = add(['--login', 'dep5', '--role', 'deputy', '--scope', String(deputy.id)], 'deputy-password\r\n');
    assert.equal(r.status, 0, r.stderr);
    s = await srv.login('dep5', 'deputy-password');
    assert.deepEqual(s.user.roles.map((g) => [g.role, g.scope_id]), [['deputy', deputy.id]]);
    assert.match((await srv.get(`/api/v1/deputies/${deputy.id}`, { cookie: s.cookie })).body.phone, /^139000/);

    for (const [login, role, scope] of [['st1', 'street_staff', street.id], ['co1', 'community_staff', community.id],
      ['un1', 'unit_staff', unit.id]]) {
      r = add(['--login', login, '--role', role, '--scope', String(scope)], 'staff-password\n');
      assert.equal(r.status, 0, `${role}: ${r.stderr}`);
      const who = await srv.login(login, 'staff-password');
      assert.deepEqual(who.user.roles.map((g) => [g.role, g.scope_id]), [[role, scope]]);
    }
    for (const role of ['resident', 'leader', 'procurator']) {
      r = add(['--login', `x-${role}`, '--role', role], 'plain-password\n');
      assert.equal(r.status, 0, `${role}: ${r.stderr}`);
    }

    const failures = [
      [['--login', 'nos', '--role', 'deputy'], 'deputy-password\n', 'deputy without --scope'],
      [['--login', 'nos', '--role', 'street_staff'], 'street-password\n', 'street_staff without --scope'],
      [['--login', 'nos', '--role', 'admin', '--scope', '1'], 'admin-password\n', 'admin with a scope'],
      [['--login', 'nos', '--role', 'deputy', '--scope', '999999'], 'deputy-password\n', 'unknown deputy'],
      [['--login', 'nos', '--role', 'street_staff', '--scope', String(community.id)], 'street-password\n', 'a community as street'],
      [['--login', 'nos', '--role', 'community_staff', '--scope', String(street.id)], 'commu-password\n', 'a street as community'],
      [['--login', 'nos', '--role', 'unit_staff', '--scope', '999999'], 'unit-password\n', 'unknown unit'],
      [['--login', 'admin', '--role', 'admin'], 'another-password\n', 'duplicate login'],
      [['--login', 'shorty', '--role', 'resident'], 'short\n', 'short password'],
      [['--login', 'nopw', '--role', 'resident'], '', 'no password'],
      [['--login', 'a b', '--role', 'resident'], 'spaced-password\n', 'login with a space'],
      [['--login', 'ab', '--role', 'resident'], 'tiny-login-password\n', 'login too short'],
      [['--login', "x'; DROP TABLE users; --", '--role', 'resident'], 'sql-password\n', 'login with SQL'],
    ];
    for (const [args, input, what] of failures) usageError(add(args, input), what);
    for (const [login, pw] of [['nos', 'deputy-password'], ['shorty', 'short'], ['nopw', '']]) {
      const t = await srv.post('/api/v1/session', { login, password: pw || 'x' });
      assert.equal(t.status, 401, `${login} was not added`);
    }
    // the duplicate did not change admin's password
    assert.equal((await srv.login('admin')).user.login, 'admin');
  } finally {
    assert.equal(await srv.stop(), 0);
  }
});

test('import stations, deputies and units: BOM, CRLF, Chinese headers; all rows arrive', async () => {
  const srv = await startServer({ args: ['--anon-rate', '0'] });
  try {
    const before = await counts(srv);
    const tree = (await srv.get('/api/v1/regions')).body.items[0];
    const [s1, s2] = tree.children.filter((x) => x.kind === 'street');
    const zone = tree.children.find((x) => x.kind === 'dev_zone');

    const st = path('stations.csv');
    writeFileSync(st, BOM + crlf([
      'kind,name,street,community,address,lat,lon,opening_hours,reception_rule',
      `reception_room,导入接待室甲,${s1.name},${s1.children[0].name},"武汉市江汉区某路1号,2楼",30.6011,114.2622,周一至周五 9:00-17:00,每月8日 9:00-11:00`,
      `社区代表接待室,导入接待室乙,${s2.name},${s2.children[1].name},某路2号,30.6022,114.2633,,`,
      `central_station,导入中心站, ${s2.name} ,,,30.6033,114.2644,,`,
      `park_home,导入园区之家,${zone.name},,园区,30.6044,114.2655,,`,
      ',,,,,,,,',
    ]));
    let r = cli(['import', '--db', srv.db, 'stations', st]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /imported 4 stations/);
    const stations = await srv.getAll('/api/v1/stations');
    assert.equal(stations.length, before.stations + 4);
    const a = stations.find((x) => x.name === '导入接待室甲');
    assert.equal(a.kind, 'reception_room');
    assert.equal(a.street_id, s1.id);
    assert.equal(a.community_id, s1.children[0].id);
    assert.equal(a.address, '武汉市江汉区某路1号,2楼');
    assert.equal(a.lat, 30.6011);
    const detail = (await srv.get(`/api/v1/stations/${a.id}`)).body;
    assert.equal(detail.opening_hours, '周一至周五 9:00-17:00');
    assert.match(detail.next_reception_day.starts_at, /-08T09:00:00\+08:00$/);
    assert.equal(stations.find((x) => x.name === '导入接待室乙').kind, 'reception_room');
    assert.equal(stations.find((x) => x.name === '导入中心站').street_id, s2.id);
    assert.equal(stations.find((x) => x.name === '导入园区之家').street_id, zone.id);

    const zh = path('stations-zh.csv');
    writeFileSync(zh, BOM + crlf([
      '类型,名称,街道,社区,地址,纬度,经度,开放时间,接待日',
      `楼宇代表联络站,导入楼宇站,${s1.name},,某大厦,30.5999,114.2601,,每月1日 14:00-16:00`,
    ]));
    r = cli(['import', '--db', srv.db, 'stations', zh]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal((await srv.getAll('/api/v1/stations')).length, before.stations + 5);
    const all = await srv.getAll('/api/v1/stations');

    const dep = path('deputies.csv');
    writeFileSync(dep, BOM + crlf([
      '姓名,层级,界别,电话,站点,纬度,经度',
      '导入代表一,区|市,教师,13800000001,导入接待室甲|导入楼宇站,,',
      '导入代表二,区人大代表、省人大代表,医生,,导入中心站,,',
      '导入代表三,district;national,,027-12345678,,30.6045,114.2656',
    ]));
    r = cli(['import', '--db', srv.db, 'deputies', dep]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /imported 3 deputies/);
    const admin = await srv.login('admin');
    const deputies = await srv.getAll('/api/v1/deputies', { cookie: admin.cookie });
    assert.equal(deputies.length, before.deputies + 3);
    const d1 = deputies.find((d) => d.name === '导入代表一');
    assert.deepEqual([...d1.levels].sort(), ['district', 'municipal']);
    assert.deepEqual([...d1.station_ids].sort((x, y) => x - y),
      [a.id, all.find((x) => x.name === '导入楼宇站').id].sort((x, y) => x - y));
    assert.equal(d1.phone, '13800000001');
    assert.deepEqual([...deputies.find((d) => d.name === '导入代表二').levels].sort(), ['district', 'provincial']);
    const d3 = deputies.find((d) => d.name === '导入代表三');
    const nearest = all.reduce((b, x) => haversine(30.6045, 114.2656, x.lat, x.lon) < haversine(30.6045, 114.2656, b.lat, b.lon) ? x : b);
    assert.deepEqual(d3.station_ids, [nearest.id], 'placed at the nearest station');

    const un = path('units.csv');
    writeFileSync(un, crlf(['名称,类型', '区导入局,部门', '区导入水务公司,公用事业', '区导入办,other', '区导入中心,']));
    r = cli(['import', '--db', srv.db, 'units', un]);
    assert.equal(r.status, 0, r.stderr);
    const units = await srv.getAll('/api/v1/units');
    assert.equal(units.length, before.units + 4);
    assert.equal(units.find((u) => u.name === '区导入水务公司').kind, 'utility');
    assert.equal(units.find((u) => u.name === '区导入中心').kind, 'department');
    // LF only and no BOM work as well
    const lf = path('units-lf.csv');
    writeFileSync(lf, 'name,kind\n区LF局,department\n');
    assert.equal(cli(['import', '--db', srv.db, 'units', lf]).status, 0);
    assert.equal((await srv.getAll('/api/v1/units')).length, before.units + 5);
  } finally {
    assert.equal(await srv.stop(), 0);
  }
});

test('import: several bad rows are each reported by line and field, and nothing is imported', async () => {
  const srv = await startServer({ args: ['--anon-rate', '0'] });
  try {
    const before = await counts(srv);
    const tree = (await srv.get('/api/v1/regions')).body.items[0];
    const s1 = tree.children[0], s2 = tree.children[1];
    const existing = (await srv.get('/api/v1/stations/1')).body.name;
    const st = path('bad-stations.csv');
    writeFileSync(st, BOM + crlf([
      'kind,name,street,community,address,lat,lon',
      `reception_room,好行一,${s1.name},,,30.6,114.26`, // line 2: good
      `palace,坏行,${s1.name},,,30.6,114.26`, // 3: kind
      `reception_room,好行二,${s1.name},,,30.6,114.26`, // 4: good
      'reception_room,坏行,不存在街道,,,30.6,114.26', // 5: street
      `reception_room,坏行纬度,${s1.name},,,abc,114.26`, // 6: lat
      `reception_room,${existing},${s1.name},,,30.6,114.26`, // 7: duplicate name
      `reception_room,坏社区,${s1.name},${s2.children[0].name},,30.6,114.26`, // 8: community of another street
      `reception_room,坏经度,${s1.name},,,30.6,`, // 9: lon
      `reception_room,,${s1.name},,,30.6,114.26`, // 10: name
      `reception_room,超范围,${s1.name},,,91,114.26`, // 11: lat out of range
    ]));
    const r = cli(['import', '--db', srv.db, 'stations', st]);
    assert.notEqual(r.status, 0);
    for (const [line, field] of [[3, 'kind'], [5, 'street'], [6, 'lat'], [7, 'name'], [8, 'community'], [9, 'lon'],
      [10, 'name'], [11, 'lat']])
      assert.match(r.stderr, new RegExp(`^youyue: .*第${line}行 ${field}: .+$`, 'm'), `line ${line} ${field}: ${r.stderr}`);
    for (const line of [2, 4]) assert.doesNotMatch(r.stderr, new RegExp(`第${line}行`));
    assert.ok(r.stderr.split('\n').filter(Boolean).every((l) => l.startsWith('youyue: ')));

    const dep = path('bad-deputies.csv');
    writeFileSync(dep, crlf([
      'name,levels,sector,phone,stations,lat,lon',
      `好代表,district,,,${existing},,`, // 2: good
      `坏层级,省长,,,${existing},,`, // 3: levels
      '坏站点,district,,,没有这个站,,', // 4: stations
      '没站点,district,,,,,', // 5: stations
      '半个坐标,district,,,,30.6,', // 6: lon
      `坏电话,district,,call-me,${existing},,`, // 7: phone
      `,district,,,${existing},,`, // 8: name
    ]));
    const d = cli(['import', '--db', srv.db, 'deputies', dep]);
    assert.notEqual(d.status, 0);
    for (const [line, field] of [[3, 'levels'], [4, 'stations'], [5, 'stations'], [6, 'lon'], [7, 'phone'], [8, 'name']])
      assert.match(d.stderr, new RegExp(`第${line}行 ${field}: `), `line ${line} ${field}: ${d.stderr}`);

    const un = path('bad-units.csv');
    writeFileSync(un, crlf(['name,kind', '区新单位,department', '区坏单位,ministry', '区新单位,utility', ',department']));
    const u = cli(['import', '--db', srv.db, 'units', un]);
    assert.notEqual(u.status, 0);
    for (const [line, field] of [[3, 'kind'], [4, 'name'], [5, 'name']])
      assert.match(u.stderr, new RegExp(`第${line}行 ${field}: `), `line ${line} ${field}: ${u.stderr}`);

    const nohead = path('no-header.csv');
    writeFileSync(nohead, 'title,what\nx,y\n');
    usageError(cli(['import', '--db', srv.db, 'units', nohead]), 'missing column');
    const gbk = path('gbk.csv');
    writeFileSync(gbk, Buffer.concat([Buffer.from('name,kind\n'), Buffer.from([0xc7, 0xf8, 0xbe, 0xd6]), Buffer.from(',department\n')]));
    usageError(cli(['import', '--db', srv.db, 'units', gbk]), 'not UTF-8');
    const empty = path('empty.csv');
    writeFileSync(empty, '');
    usageError(cli(['import', '--db', srv.db, 'units', empty]), 'empty file');

    assert.deepEqual(await counts(srv), before, 'nothing imported');
    assert.ok(!(await srv.getAll('/api/v1/stations')).some((x) => x.name === '好行一'));
  } finally {
    assert.equal(await srv.stop(), 0);
  }
});

test('backup of a live database produces a file that serve --db BACKUP serves', { skip: BACKEND !== 'sqlite' && 'SQLite file backup; PostgreSQL has its own test below' }, async () => {
  const srv = await startServer({ args: ['--anon-rate', '0'] });
  const backup = path('backup.db');
  try {
    const admin = await srv.login('admin');
    const made = await srv.post('/api/v1/stations', { kind: 'reception_room', name: '备份前新建', street_id: 2,
      lat: 30.6, lon: 114.26 }, admin);
    assert.equal(made.status, 201);
    const r = cli(['backup', '--db', srv.db, backup]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^backup written to /);
    assert.ok(statSync(backup).size > 0);
    const live = await srv.getAll('/api/v1/stations');
    assert.equal(live.length, 129);
    // the server keeps working after the backup
    assert.equal((await srv.post('/api/v1/units', { name: '备份后新建' }, admin)).status, 201);

    const restored = await startServer({ demo: false, db: backup });
    try {
      const got = await restored.getAll('/api/v1/stations');
      assert.equal(got.length, live.length);
      assert.deepEqual(got, live);
      assert.equal((await restored.getAll('/api/v1/deputies')).length, 264);
      assert.ok(!(await restored.getAll('/api/v1/units')).some((u) => u.name === '备份后新建'));
      assert.equal((await restored.login('admin')).user.login, 'admin');
    } finally {
      assert.equal(await restored.stop(), 0);
    }
    storeError(cli(['backup', '--db', srv.db, join(tmp, 'no-such-dir', 'x.db')]), 'backup into a missing folder');
    storeError(cli(['backup', '--db', join(tmp, 'no-such.db'), path('b2.db')]), 'backup of a missing database');
    assert.ok(!existsSync(join(tmp, 'no-such.db')), 'backup does not create the database it copies');
  } finally {
    assert.equal(await srv.stop(), 0);
  }
});

test('backup of a live PostgreSQL database restores with pg_restore and serves the same', { skip: BACKEND !== 'postgresql' && 'PostgreSQL only (pg_dump); the SQLite backup has its own test above' }, async () => {
  const srv = await startServer({ args: ['--anon-rate', '0'] });
  const backup = path('backup.pgdump');
  const target = freshDatabase(tmp);
  try {
    const admin = await srv.login('admin');
    assert.equal((await srv.post('/api/v1/units', { name: '备份前单位' }, admin)).status, 201);
    const r = cli(['backup', '--db', srv.db, backup]);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(statSync(backup).size > 0);
    assert.ok(!existsSync(`${backup}.partial`));
    assert.equal((await srv.post('/api/v1/units', { name: '备份后单位' }, admin)).status, 201);
    const restore = spawnSync('pg_restore', ['--no-owner', '--dbname', target.url, backup], { encoding: 'utf8' });
    assert.equal(restore.status, 0, restore.stderr);
    const restored = await startServer({ demo: false, db: target.url });
    try {
      assert.deepEqual(await restored.getAll('/api/v1/stations'), await srv.getAll('/api/v1/stations'));
      const units = await restored.getAll('/api/v1/units');
      assert.ok(units.some((u) => u.name === '备份前单位'));
      assert.ok(!units.some((u) => u.name === '备份后单位'));
      assert.equal((await restored.login('admin')).user.login, 'admin');
      // a new row gets a fresh id after the restore (identity sequences came along)
      assert.equal((await restored.post('/api/v1/units', { name: '恢复后单位' }, await restored.login('admin'))).status, 201);
    } finally {
      assert.equal(await restored.stop(), 0);
    }
    storeError(cli(['backup', '--db', srv.db, join(tmp, 'no-such-dir', 'x.pgdump')]), 'backup into a missing folder');
  } finally {
    target.drop();
    assert.equal(await srv.stop(), 0);
  }
});
