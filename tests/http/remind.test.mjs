// Supervision (督办): `youyue remind` and the server's timer put due-soon and
// overdue reminders (催办) into the inboxes of the unit, the leader of a key
// suggestion and the office; GET /api/v1/inbox and POST /api/v1/inbox/{id}/read.
// Rows are seeded straight into the database (sqlite3 or psql, see BACKEND),
// and the date is pinned with YOUYUE_NOW.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { cli, startServer, freshDatabase, isError, PG_URL, BACKEND } from './harness.mjs';

let tmp;
const dbs = [];
before(() => { tmp = mkdtempSync(join(tmpdir(), 'youyue-remind-')); });
after(() => {
  for (const d of dbs) d.drop();
  rmSync(tmp, { recursive: true, force: true });
});

/** Unix time of 00:00 China time on a civil date. */
const dayStart = (y, m, d) => Date.UTC(y, m - 1, d) / 1000 - 8 * 3600;
/** A deadline at the end of a day (23:59:59 China time). */
const endOf = (y, m, d) => dayStart(y, m, d + 1) - 1;
// Monday 30 November 2026, 10:00
const MON = dayStart(2026, 11, 30) + 10 * 3600;
const DAY = 86400;

/** Runs SQL behind the server's back; returns the output, trimmed. */
function sql(db, text) {
  const r = PG_URL
    ? spawnSync('psql', [db, '-qAt', '-v', 'ON_ERROR_STOP=1', '-c', text], { encoding: 'utf8' })
    : spawnSync('sqlite3', ['-cmd', '.timeout 10000', db, text], { encoding: 'utf8' });
  if (r.status !== 0 || r.stderr) throw new Error(`${BACKEND}: ${text}: ${r.stderr}`);
  return r.stdout.trim();
}
const num = (db, text) => Number(sql(db, text));

let dbn = 0;
/** A demo database with, on Monday 30 Nov 2026:
 *   s1 key (leader), lead 区建设局, reply due Fri 27 Nov: overdue
 *   s2 lead 区建设局, reply due Wed 2 Dec: due soon
 *   s3 lead 区建设局, reply due in 2027: open
 *   c1 on-site commitment of 区建设局 due 27 Nov: overdue */
function seededDatabase() {
  const dir = join(tmp, `${++dbn}`);
  mkdirSync(dir);
  const d = freshDatabase(dir);
  dbs.push(d);
  const r = cli(['init', '--db', d.url, '--demo']);
  assert.equal(r.status, 0, r.stderr);
  const db = d.url;
  const ids = {
    // the demo `unit` login's unit (区建设局 by its name; by its scope here)
    unit: num(db, "SELECT ur.scope_id FROM user_roles ur JOIN users u ON u.id = ur.user_id WHERE u.login = 'unit'"),
    leader: num(db, "SELECT id FROM users WHERE login = 'leader'"),
    deputy: num(db, "SELECT ur.scope_id FROM user_roles ur JOIN users u ON u.id = ur.user_id WHERE u.login = 'deputy'"),
  };
  const suggestion = (title, key) => num(db,
    'INSERT INTO suggestions (title, body, category, author_id, status, is_key, key_leader_id, year,' +
    ` submitted_at, accepted_at, assigned_at, created_at, updated_at) VALUES ('${title}', '正文', '城市建设与管理',` +
    ` ${ids.deputy}, 'in_handling', ${key ? 1 : 0}, ${key ? ids.leader : 'NULL'}, 2026,` +
    ` ${MON - 60 * DAY}, ${MON - 60 * DAY}, ${MON - 55 * DAY}, ${MON - 60 * DAY}, ${MON - 55 * DAY}) RETURNING id`);
  const assignment = (s, due) => num(db,
    'INSERT INTO assignments (suggestion_id, unit_id, role, status, assigned_at, due_at)' +
    ` VALUES (${s}, ${ids.unit}, 'lead', 'in_handling', ${MON - 55 * DAY}, ${due}) RETURNING id`);
  ids.s1 = suggestion('关于增设路灯的建议', true);
  ids.s2 = suggestion('关于整治停车难的建议', false);
  ids.s3 = suggestion('关于远期规划的建议', false);
  for (const s of [ids.s1, ids.s2, ids.s3])
    sql(db, `INSERT INTO suggestion_signers (suggestion_id, deputy_id, role) VALUES (${s}, ${ids.deputy}, 'author')`);
  ids.a1 = assignment(ids.s1, endOf(2026, 11, 27));
  ids.a2 = assignment(ids.s2, endOf(2026, 12, 2));
  ids.a3 = assignment(ids.s3, endOf(2027, 2, 26));
  ids.c1 = num(db,
    'INSERT INTO concerns (tracking_code, title, body, category, source, status, unit_id, due_at,' +
    ` created_at, updated_at) VALUES ('RM${dbn}${Date.now()}', '路灯不亮', '小区路灯坏了', '城市建设与管理',` +
    ` 'activity', 'resolved_on_site', ${ids.unit}, ${endOf(2026, 11, 27)}, ${MON - 20 * DAY}, ${MON - 20 * DAY}) RETURNING id`);
  ids.unitName = sql(db, `SELECT name FROM units WHERE id = ${ids.unit}`);
  return { db, ids };
}

function remind(db, now, args = []) {
  return cli(['remind', '--db', db, ...args], { env: { YOUYUE_NOW: String(now) } });
}

function countsOf(r) {
  assert.equal(r.status, 0, r.stderr);
  const m = r.stdout.match(/^supervision sweep (\d{4}-\d\d-\d\d): (\d+) due soon, (\d+) overdue, (\d+) reminders written\n$/);
  assert.ok(m, `remind prints its counts: ${JSON.stringify(r.stdout)}`);
  return { day: m[1], dueSoon: Number(m[2]), overdue: Number(m[3]), written: Number(m[4]) };
}

/** A server on db with the clock at now (and the sweep's timer as args say). */
async function serverAt(db, now, { args = ['--remind-interval', '0'], env = {} } = {}) {
  const saved = { ...process.env };
  Object.assign(process.env, { YOUYUE_NOW: String(now), ...env });
  try {
    return await startServer({ demo: false, db, dbRead: null, args });
  } finally {
    for (const k of ['YOUYUE_NOW', ...Object.keys(env)]) {
      if (k in saved) process.env[k] = saved[k]; else delete process.env[k];
    }
  }
}

async function waitFor(what, fn, ms = 20000) {
  const end = Date.now() + ms;
  for (;;) {
    if (await fn()) return;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((ok) => setTimeout(ok, 200));
  }
}

test('remind: counts, inboxes of unit, leader and office, same day twice, the next day', async () => {
  const { db, ids } = seededDatabase();
  let c = countsOf(remind(db, MON));
  // a1 → unit, leader, office; c1 → unit, office; a2 → unit, office
  assert.deepEqual(c, { day: '2026-11-30', dueSoon: 1, overdue: 2, written: 7 });
  assert.equal(num(db, 'SELECT count(*) FROM reminders'), 7);
  assert.equal(num(db, `SELECT count(*) FROM suggestion_events WHERE action = 'remind' AND actor_role = 'system' AND suggestion_id = ${ids.s1}`), 1);
  assert.equal(num(db, `SELECT count(*) FROM concern_events WHERE action = 'remind' AND concern_id = ${ids.c1}`), 1);

  // the same day again: nothing new
  c = countsOf(remind(db, MON + 5 * 3600));
  assert.deepEqual(c, { day: '2026-11-30', dueSoon: 1, overdue: 2, written: 0 });
  assert.equal(num(db, 'SELECT count(*) FROM reminders'), 7);

  const srv = await serverAt(db, MON + 6 * 3600);
  try {
    const unit = await srv.login('unit');
    const admin = await srv.login('admin');
    const leader = await srv.login('leader');
    const deputy = await srv.login('deputy');

    let r = await srv.get('/api/v1/inbox', unit);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.next_cursor, null);
    const items = r.body.items;
    assert.equal(items.length, 3);
    assert.deepEqual(items.map((i) => i.id), [...items.map((i) => i.id)].sort((a, b) => b - a), 'newest first');
    const byEntity = Object.fromEntries(items.map((i) => [`${i.entity}:${i.entity_id}`, i]));
    const a1 = byEntity[`assignment:${ids.a1}`];
    assert.equal(a1.kind, 'overdue');
    assert.equal(a1.suggestion_id, ids.s1);
    assert.equal(a1.due_at, '2026-11-27T23:59:59+08:00');
    assert.equal(a1.created_at, '2026-11-30T10:00:00+08:00');
    assert.equal(a1.read, false);
    assert.equal(a1.message, `【催办】建议《关于增设路灯的建议》的答复已逾期3天(期限2026-11-27,主办单位:${ids.unitName})`);
    const a2 = byEntity[`assignment:${ids.a2}`];
    assert.equal(a2.kind, 'due_soon');
    assert.match(a2.message, /将于2026-12-02到期,还剩2个工作日/);
    const c1 = byEntity[`concern:${ids.c1}`];
    assert.equal(c1.kind, 'overdue');
    assert.equal(c1.suggestion_id, null);
    assert.match(c1.message, /群众意见《路灯不亮》的现场承诺事项已逾期3天/);
    for (const i of items) {
      assert.equal(i.recipient_kind, 'unit');
      assert.equal(i.recipient_id, ids.unit);
    }

    r = await srv.get('/api/v1/inbox', admin);
    assert.equal(r.status, 200);
    assert.equal(r.body.items.length, 3);
    assert.ok(r.body.items.every((i) => i.recipient_kind === 'office' && i.recipient_id === 0));

    r = await srv.get('/api/v1/inbox', leader);
    assert.equal(r.body.items.length, 1, 'the leader hears of the key suggestion only');
    assert.equal(r.body.items[0].entity_id, ids.a1);
    assert.equal(r.body.items[0].recipient_kind, 'user');

    r = await srv.get('/api/v1/inbox', deputy);
    assert.deepEqual(r.body, { items: [], next_cursor: null });

    // pages of 2, newest first
    r = await srv.get('/api/v1/inbox?limit=2', unit);
    assert.equal(r.body.items.length, 2);
    assert.deepEqual(r.body.items.map((i) => i.id), items.slice(0, 2).map((i) => i.id));
    assert.equal(typeof r.body.next_cursor, 'string');
    r = await srv.get(`/api/v1/inbox?limit=2&cursor=${r.body.next_cursor}`, unit);
    assert.deepEqual(r.body.items.map((i) => i.id), [items[2].id]);
    assert.equal(r.body.next_cursor, null);
    isError(await srv.get('/api/v1/inbox?limit=0', unit), 400, 'invalid_limit', 'limit');
    isError(await srv.get('/api/v1/inbox?cursor=zz!', unit), 400, 'invalid_cursor', 'cursor');

    // the audit keeps one entry for the run that wrote something
    r = await srv.get('/api/v1/audit?entity=reminder', admin);
    assert.equal(r.status, 200);
    assert.equal(r.body.items.length, 1);
    assert.equal(r.body.items[0].action, 'remind.sweep');
    assert.equal(r.body.items[0].actor_role, 'system');
    assert.deepEqual(r.body.items[0].detail, { day: '2026-11-30', due_soon: 1, overdue: 2, reminders: 7 });
  } finally {
    assert.equal(await srv.stop(), 0);
  }

  // the next day: the overdue ones are chased again, the due-soon one is not
  c = countsOf(remind(db, MON + DAY));
  assert.deepEqual(c, { day: '2026-12-01', dueSoon: 1, overdue: 2, written: 5 });
  assert.equal(num(db, `SELECT count(*) FROM reminders WHERE entity = 'assignment' AND entity_id = ${ids.a1} AND kind = 'overdue'`), 6);
  assert.equal(num(db, `SELECT count(*) FROM reminders WHERE entity = 'assignment' AND entity_id = ${ids.a2}`), 2);
  assert.equal(num(db, `SELECT count(*) FROM suggestion_events WHERE action = 'remind' AND suggestion_id = ${ids.s1}`), 2);

  // replied: no longer chased
  sql(db, `UPDATE assignments SET status = 'replied', replied_at = ${MON + DAY} WHERE id = ${ids.a1}`);
  sql(db, `UPDATE suggestions SET status = 'replied' WHERE id = ${ids.s1}`);
  c = countsOf(remind(db, MON + 2 * DAY));
  assert.deepEqual(c, { day: '2026-12-02', dueSoon: 1, overdue: 1, written: 2 });
});

test('inbox: login needed, marking read only one\'s own, deputies\' notices', async () => {
  const { db, ids } = seededDatabase();
  countsOf(remind(db, MON));
  // a notice as the suggestions module writes it (store_notice_tx)
  sql(db, 'INSERT INTO reminders (recipient_kind, recipient_id, kind, entity, entity_id, message, day, created_at)' +
    ` VALUES ('deputy', ${ids.deputy}, 'reply_received', 'suggestion', ${ids.s2}, '区建设局已答复您的建议', ${Math.floor((MON + 8 * 3600) / DAY)}, ${MON + 3600})`);
  const srv = await serverAt(db, MON + 2 * 3600);
  try {
    isError(await srv.get('/api/v1/inbox'), 401, 'login_required');
    isError(await srv.post('/api/v1/inbox/1/read', {}), 401, 'login_required');
    const unit = await srv.login('unit');
    const admin = await srv.login('admin');
    const deputy = await srv.login('deputy');

    let r = await srv.get('/api/v1/inbox', deputy);
    assert.equal(r.body.items.length, 1);
    const notice = r.body.items[0];
    assert.equal(notice.kind, 'reply_received');
    assert.equal(notice.suggestion_id, ids.s2);
    assert.equal(notice.due_at, null);
    assert.equal(notice.recipient_kind, 'deputy');

    const mine = (await srv.get('/api/v1/inbox', unit)).body.items[0];
    const office = (await srv.get('/api/v1/inbox', admin)).body.items[0];
    // not one's own, or not there at all: 404 as if it did not exist
    isError(await srv.post(`/api/v1/inbox/${office.id}/read`, {}, unit), 404, 'not_found');
    isError(await srv.post(`/api/v1/inbox/${notice.id}/read`, {}, unit), 404, 'not_found');
    isError(await srv.post('/api/v1/inbox/999999/read', {}, unit), 404, 'not_found');
    isError(await srv.post('/api/v1/inbox/abc/read', {}, unit), 404, 'not_found');
    // cookie sessions need the CSRF header
    isError(await srv.post(`/api/v1/inbox/${mine.id}/read`, {}, { cookie: unit.cookie }), 403, 'csrf_failed');
    isError(await srv.get(`/api/v1/inbox/${mine.id}/read`, unit), 405);

    r = await srv.post(`/api/v1/inbox/${mine.id}/read`, {}, unit);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.id, mine.id);
    assert.equal(r.body.read, true);
    assert.equal(r.body.read_at, '2026-11-30T12:00:00+08:00');
    r = await srv.post(`/api/v1/inbox/${mine.id}/read`, undefined, unit);
    assert.equal(r.status, 200, 'again: still read');
    assert.equal(r.body.read_at, '2026-11-30T12:00:00+08:00');
    r = await srv.get('/api/v1/inbox', unit);
    assert.equal(r.body.items.find((i) => i.id === mine.id).read, true);
    assert.equal(r.body.items.filter((i) => i.read).length, 1);
    // the office's copy is still unread
    r = await srv.get('/api/v1/inbox', admin);
    assert.equal(r.body.items.filter((i) => i.read).length, 0);
    // a bearer token works too, without CSRF
    const t = await srv.post('/api/v1/tokens', {}, admin);
    assert.equal(t.status, 201, t.text);
    r = await srv.post(`/api/v1/inbox/${office.id}/read`, {}, { token: t.body.token });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.read, true);
  } finally {
    assert.equal(await srv.stop(), 0);
  }
});

test('serve: the timer sweeps soon after start, again each tick without duplicates, stops on SIGTERM', async () => {
  const { db, ids } = seededDatabase();
  const env = { YOUYUE_REMIND_SECONDS: '1' };
  let srv = await serverAt(db, MON, { args: [], env });
  try {
    const admin = await srv.login('admin');
    await waitFor('the first sweep', async () => (await srv.get('/api/v1/inbox', admin)).body.items.length === 3);
    const leader = await srv.login('leader');
    const r = await srv.get('/api/v1/inbox', leader);
    assert.deepEqual(r.body.items.map((i) => [i.kind, i.entity_id]), [['overdue', ids.a1]]);
    await new Promise((ok) => setTimeout(ok, 2500)); // two more ticks
    assert.equal(num(db, 'SELECT count(*) FROM reminders'), 7);
    assert.equal(num(db, "SELECT count(*) FROM audit_log WHERE action = 'remind.sweep'"), 1);
  } finally {
    assert.equal(await srv.stop(), 0, 'exits cleanly on SIGTERM with the timer running');
  }
  // a day later: the overdue reminders again
  srv = await serverAt(db, MON + DAY, { args: [], env });
  try {
    await waitFor('the next day\'s sweep', () => num(db, 'SELECT count(*) FROM reminders') === 12);
    const unit = await srv.login('unit');
    const items = (await srv.get('/api/v1/inbox', unit)).body.items;
    assert.equal(items.length, 5);
    assert.equal(items.filter((i) => i.created_at.startsWith('2026-12-01')).length, 2);
  } finally {
    assert.equal(await srv.stop(), 0);
  }
  // --remind-interval 0: no timer
  srv = await serverAt(db, MON + 2 * DAY, { args: ['--remind-interval', '0'], env });
  try {
    await new Promise((ok) => setTimeout(ok, 2500));
    assert.equal(num(db, 'SELECT count(*) FROM reminders'), 12);
  } finally {
    assert.equal(await srv.stop(), 0);
  }
});

test('serve: a failing sweep is logged, not fatal', async () => {
  const { db } = seededDatabase();
  // the 催办 event on the concern cannot be written: the run fails and rolls back
  sql(db, 'DROP TABLE concern_events');
  const srv = await serverAt(db, MON, { args: ['--threads', '2'], env: { YOUYUE_REMIND_SECONDS: '1' } });
  try {
    await waitFor('the error in the log', () => /remind: sweep failed/.test(srv.stderr));
    assert.ok(srv.alive(), 'still serving');
    assert.equal((await srv.get('/healthz')).status, 200);
    assert.equal(num(db, 'SELECT count(*) FROM reminders'), 0, 'the failed run wrote nothing');
  } finally {
    assert.equal(await srv.stop(), 0);
  }
});

test('remind: usage and errors are one line', () => {
  let r = cli(['remind', '--help']);
  assert.equal(r.status, 0);
  assert.match(r.stdout, /^usage: youyue remind /);
  r = cli(['remind', '--bogus']);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /^youyue: [^\n]+\n$/);
  r = cli(['remind', '--db', join(tmp, 'missing.db')]);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /^youyue: [^\n]+\n$/);
  r = cli(['remind', '--db', join(tmp, 'x.db'), 'extra']);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /^youyue: [^\n]+\n$/);
  r = cli(['serve', '--remind-interval', 'soon']);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /^youyue: serve: --remind-interval[^\n]*\n$/);
});
