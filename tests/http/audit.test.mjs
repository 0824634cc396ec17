// The audit trail (issue 4 §7): every registry change is one transaction with
// its audit entry; GET /api/v1/audit shows them to admin only; `youyue audit
// verify` passes on an intact chain and names the first entry someone edited
// behind the platform's back. On both backends.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startServer, cli, BACKEND } from './harness.mjs';

let srv, admin;
before(async () => {
  srv = await startServer({ args: ['--anon-rate', '0'] });
  admin = await srv.login('admin');
});
after(async () => { assert.equal(await srv.stop(), 0); });

/** Runs SQL on the test database the way an intruder with access would. */
function tamper(sql) {
  const r = BACKEND === 'postgresql'
    ? spawnSync('psql', [srv.db, '-qAt', '-v', 'ON_ERROR_STOP=1', '-c', sql], { encoding: 'utf8' })
    : spawnSync('sqlite3', [srv.db, sql], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
}

test('registry changes are audited with who, what and when; failed ones are not', async () => {
  const s = await srv.post('/api/v1/stations', { kind: 'reception_room', name: '审计测试接待室',
    street_id: 2, lat: 30.58, lon: 114.27 }, admin);
  assert.equal(s.status, 201);
  assert.equal((await srv.patch(`/api/v1/stations/${s.body.id}`, { address: '审计路1号' }, admin)).status, 200);
  const u = await srv.post('/api/v1/units', { name: '审计测试单位' }, admin);
  assert.equal(u.status, 201);
  const dup = await srv.post('/api/v1/units', { name: '审计测试单位' }, admin);
  assert.equal(dup.status, 409);

  const all = await srv.getAll('/api/v1/audit', admin);
  assert.deepEqual(all.map((e) => e.action), ['station.create', 'station.update', 'unit.create']);
  assert.ok(all.every((e) => e.actor_role === 'admin' && e.actor_user_id === admin.user.id));
  assert.deepEqual(all.map((e) => e.id), [1, 2, 3]);
  assert.match(all[0].at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/);
  assert.equal(all[1].detail.address, '审计路1号');

  const one = await srv.get(`/api/v1/audit?entity=station&id=${s.body.id}`, admin);
  assert.equal(one.status, 200);
  assert.deepEqual(one.body.items.map((e) => e.action), ['station.create', 'station.update']);
  assert.equal((await srv.get('/api/v1/audit?id=3', admin)).status, 400);
  assert.equal((await srv.get('/api/v1/audit?entity=DROP%20TABLE', admin)).status, 400);
});

test('only the office reads the audit trail', async () => {
  assert.equal((await srv.get('/api/v1/audit')).status, 401);
  const resident = await srv.login('resident');
  assert.equal((await srv.get('/api/v1/audit', resident)).status, 403);
  const street = await srv.login('street');
  assert.equal((await srv.get('/api/v1/audit', street)).status, 403);
});

test('audit verify passes, then names the entry edited behind its back', async () => {
  const ok = cli(['audit', 'verify', '--db', srv.db]);
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /^audit trail intact: 3 entries; newest hash [0-9a-f]{64}\n$/);

  tamper(`UPDATE audit_log SET detail = '{"address":"别处"}' WHERE id = 2`);
  const bad = cli(['audit', 'verify', '--db', srv.db]);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /^youyue: audit verify: 审计记录第2条有问题: 审计记录内容被修改 \(audit_chain_broken; 3 entries read\)\n$/);
});

test('a deleted entry is named by the one after the gap', async () => {
  const srv2 = await startServer({ args: ['--anon-rate', '0'] });
  try {
    const a = await srv2.login('admin');
    for (const name of ['删除测试一', '删除测试二', '删除测试三'])
      assert.equal((await srv2.post('/api/v1/units', { name }, a)).status, 201);
    const r = BACKEND === 'postgresql'
      ? spawnSync('psql', [srv2.db, '-qAt', '-c', 'DELETE FROM audit_log WHERE id = 2'], { encoding: 'utf8' })
      : spawnSync('sqlite3', [srv2.db, 'DELETE FROM audit_log WHERE id = 2'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const bad = cli(['audit', 'verify', '--db', srv2.db]);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /审计记录第3条有问题/);
  } finally {
    assert.equal(await srv2.stop(), 0);
  }
});
