// Reads from a PostgreSQL hot standby (`serve --db-read`): reads outside a
// transaction go to the standby, writes, logins and sessions to the primary,
// and a standby that goes away leaves the server answering from the primary.
// Needs YOUYUE_PG_URL and YOUYUE_PG_READ_URL (tests/run.sh starts a primary
// and a synchronous standby with tests/pg.sh).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createServer, connect } from 'node:net';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, freshDatabase, cli, PG_URL, PG_READ_URL } from './harness.mjs';

const skip = !PG_READ_URL &&
  'needs YOUYUE_PG_URL and YOUYUE_PG_READ_URL (a hot standby; tests/run.sh starts one with tests/pg.sh start-replica)';

function psql(url, sql) {
  const r = spawnSync('psql', [url, '-qAt', '-v', 'ON_ERROR_STOP=1', '-c', sql], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`psql ${sql}: ${r.stderr}`);
  return r.stdout.trim();
}
const dbName = (url) => url.slice(url.lastIndexOf('/') + 1);
const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

async function until(what, fn, ms = 15000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** The standby has replayed everything the primary has written. */
async function caughtUp() {
  const lsn = psql(`${PG_URL}/postgres`, 'SELECT pg_current_wal_lsn()');
  await until('the standby to catch up', () =>
    psql(`${PG_READ_URL}/postgres`, `SELECT pg_last_wal_replay_lsn() >= '${lsn}'::pg_lsn`) === 't');
}

test('--db-read needs a PostgreSQL --db and a postgresql:// URL (usage errors)', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'youyue-replica-'));
  try {
    let r = cli(['serve', '--db', join(tmp, 'x.db'), '--db-read', 'postgresql://127.0.0.1:1/x']);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /^youyue: serve: --db-read needs a postgresql:\/\/ --db/);
    assert.equal(r.stderr.trim().split('\n').length, 1);
    r = cli(['serve', '--db', 'postgresql://127.0.0.1:1/x', '--db-read', join(tmp, 'y.db')]);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /^youyue: serve: --db-read must be a postgresql:\/\/ URL/);
    const help = cli(['serve', '--help']);
    assert.equal(help.status, 0);
    assert.match(help.stdout, /--db-read URL/);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test('reads run on the standby: its activity shows the server\'s connections and their SELECTs', { skip }, async () => {
  const srv = await startServer({ args: ['--anon-rate', '0'] });
  try {
    const db = dbName(srv.db);
    assert.equal(srv.dbRead, `${PG_READ_URL}/${db}`);
    assert.equal(psql(`${PG_READ_URL}/postgres`, 'SELECT pg_is_in_recovery()'), 't', 'it is a standby');
    const stat = () => Number(psql(`${PG_READ_URL}/postgres`,
      `SELECT xact_commit FROM pg_stat_database WHERE datname = '${db}'`) || 0);
    const before = stat();
    const n = 30;
    for (let i = 0; i < n; i++) {
      assert.equal((await srv.get(`/api/v1/stations?q=${encodeURIComponent('代表工作室')}&limit=5`)).status, 200);
      assert.equal((await srv.get('/api/v1/deputies?limit=5')).status, 200);
    }
    const activity = psql(`${PG_READ_URL}/postgres`,
      `SELECT count(*) || ' ' || count(*) FILTER (WHERE query LIKE 'SELECT%') FROM pg_stat_activity` +
      ` WHERE datname = '${db}' AND application_name = 'youyue'`).split(' ').map(Number);
    assert.ok(activity[0] >= 1 && activity[0] <= 4, `youyue connections on the standby: ${activity[0]}`);
    assert.ok(activity[1] >= 1, 'their last statements are SELECTs');
    // every read is a transaction of its own on the standby (statistics are
    // flushed about once a second)
    await until(`${n} read transactions counted on the standby`, () => stat() - before >= 2 * n);
  } finally {
    assert.equal(await srv.stop(), 0);
  }
});

test('with the standby paused, logins and sessions still work (primary), reads show the standby\'s view, writes go through', { skip }, async () => {
  // this database commits without waiting for the standby, so it may fall behind
  const tmp = mkdtempSync(join(tmpdir(), 'youyue-replica-'));
  const database = freshDatabase(tmp);
  const db = dbName(database.url);
  psql(`${PG_URL}/postgres`, `ALTER DATABASE ${db} SET synchronous_commit = local`);
  const srv = await startServer({ db: database.url, dir: tmp, args: ['--anon-rate', '0', '--threads', '1'] });
  const standby = `${PG_READ_URL}/postgres`;
  try {
    await caughtUp();
    const before = (await srv.getAll('/api/v1/stations')).length;
    psql(standby, 'SELECT pg_wal_replay_pause()');
    await until('replay to pause', () => psql(standby, 'SELECT pg_get_wal_replay_pause_state()') === 'paused');

    // a login followed at once by requests that need it: found on the primary
    const admin = await srv.login('admin');
    const me = await srv.get('/api/v1/session', admin);
    assert.equal(me.status, 200, me.text);
    const tok = await srv.post('/api/v1/tokens', {}, admin);
    assert.equal(tok.status, 201, tok.text);
    assert.equal((await srv.get('/api/v1/session', { token: tok.body.token })).status, 200);

    // a write through the server answers with what it wrote, and a read right
    // after it on the same thread sees it (it stays on the primary a moment)
    const made = await srv.post('/api/v1/stations', { kind: 'reception_room', name: '副本测试接待室',
      street_id: 2, lat: 30.6, lon: 114.26 }, admin);
    assert.equal(made.status, 201, made.text);
    assert.equal((await srv.get(`/api/v1/stations/${made.body.id}`)).status, 200);
    const patched = await srv.patch(`/api/v1/stations/${made.body.id}`, { address: '副本路1号' }, admin);
    assert.equal(patched.status, 200, patched.text);
    assert.equal(patched.body.address, '副本路1号');

    // a moment later plain reads come from the standby, which has not replayed it
    await sleep(1300);
    assert.equal((await srv.get(`/api/v1/stations/${made.body.id}`)).status, 404);
    assert.equal((await srv.getAll('/api/v1/stations')).length, before);
    assert.equal((await srv.get(`/api/v1/stations?q=${encodeURIComponent('副本测试')}`)).body.items.length, 0);

    psql(standby, 'SELECT pg_wal_replay_resume()');
    await caughtUp();
    const got = await srv.get(`/api/v1/stations?q=${encodeURIComponent('副本测试')}`);
    assert.deepEqual(got.body.items.map((s) => [s.id, s.address]), [[made.body.id, '副本路1号']]);
    assert.equal((await srv.getAll('/api/v1/stations')).length, before + 1);
  } finally {
    psql(standby, 'SELECT pg_wal_replay_resume()');
    assert.equal(await srv.stop(), 0);
    database.drop();
    rmSync(tmp, { recursive: true, force: true });
  }
});

/** A TCP relay to the standby that the test can cut and restore. */
async function relay(target) {
  const { hostname, port } = new URL(target);
  const sockets = new Set();
  let connections = 0;
  let server;
  const listen = async (at = 0) => {
    server = createServer((client) => {
      connections++;
      const up = connect({ host: hostname, port: Number(port) });
      for (const s of [client, up]) { sockets.add(s); s.on('close', () => sockets.delete(s)); s.on('error', () => {}); }
      client.pipe(up);
      up.pipe(client);
    });
    server.listen(at, '127.0.0.1');
    await once(server, 'listening');
    return server.address().port;
  };
  const at = await listen();
  return {
    url: `postgresql://postgres@127.0.0.1:${at}`,
    get connections() { return connections; },
    async cut() {
      const closed = new Promise((ok) => server.close(ok));
      for (const s of sockets) s.destroy();
      await closed;
    },
    restore: () => listen(at),
  };
}

test('a standby that goes away: reads fall back to the primary at once, logged once; it is used again when back', { skip }, async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'youyue-replica-'));
  const database = freshDatabase(tmp);
  const proxy = await relay(PG_READ_URL);
  const srv = await startServer({ db: database.url, dir: tmp, args: ['--anon-rate', '0'],
    dbRead: `${proxy.url}/${dbName(database.url)}` });
  try {
    for (let i = 0; i < 12; i++) assert.equal((await srv.get('/api/v1/stations?limit=3')).status, 200);
    assert.ok(proxy.connections >= 2, 'the server reads through the standby (a probe, then a thread)');

    await proxy.cut();
    for (let i = 0; i < 20; i++) {
      const r = await srv.get(`/api/v1/deputies?limit=2&q=${encodeURIComponent('律师')}`);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.items.length, 2);
    }
    const admin = await srv.login('admin');
    const made = await srv.post('/api/v1/units', { name: '副本断开后单位' }, admin);
    assert.equal(made.status, 201, made.text);
    assert.ok((await srv.getAll('/api/v1/units')).some((u) => u.id === made.body.id));
    const down = srv.stderr.split('\n').filter((l) => /hot standby .* unreachable, reading from the primary/.test(l));
    assert.equal(down.length, 1, srv.stderr);
    assert.doesNotMatch(down[0], /password/);

    // back again: after the retry pause, reads go to it again
    await proxy.restore();
    const seen = proxy.connections;
    await sleep(5500);
    // the retry pause is 5 s; on a loaded machine give it a while longer, but
    // every read must succeed meanwhile
    for (let i = 0; i < 80 && proxy.connections <= seen; i++) {
      assert.equal((await srv.get('/api/v1/stations?limit=3')).status, 200);
      await sleep(250);
    }
    assert.ok(proxy.connections > seen, 'reconnected to the standby');
    assert.match(srv.stderr, /hot standby reachable again/);
  } finally {
    assert.equal(await srv.stop(), 0);
    await proxy.cut().catch(() => {});
    database.drop();
    rmSync(tmp, { recursive: true, force: true });
  }
});

test('a standby unreachable from the start: the server starts and serves from the primary', { skip }, async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'youyue-replica-'));
  const database = freshDatabase(tmp);
  const proxy = await relay(PG_READ_URL);
  await proxy.cut(); // nothing listens there now
  const srv = await startServer({ db: database.url, dir: tmp, args: ['--anon-rate', '0'],
    dbRead: `${proxy.url}/${dbName(database.url)}` });
  try {
    for (let i = 0; i < 8; i++) assert.equal((await srv.get('/api/v1/stations?limit=3')).status, 200);
    const admin = await srv.login('admin');
    assert.equal((await srv.get('/api/v1/session', admin)).status, 200);
    assert.equal(srv.stderr.split('\n').filter((l) => /unreachable, reading from the primary/.test(l)).length, 1,
      srv.stderr);
  } finally {
    assert.equal(await srv.stop(), 0);
    database.drop();
    rmSync(tmp, { recursive: true, force: true });
  }
});
