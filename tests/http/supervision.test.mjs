// GET /api/v1/supervision (the open duties that are due soon or overdue, with
// working days left) and the key/leader filters of GET /api/v1/suggestions.
// Rows are seeded straight into a demo database (which has no suggestions);
// the clock is pinned (YOUYUE_NOW) at Monday 28 September 2026, just before
// the National Day holiday (10-01..10-07 off, 10-10 a make-up working day),
// so working days and calendar days differ.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { cli, startServer, freshDatabase, isError, PG_URL, BACKEND } from './harness.mjs';

const dayStart = (y, m, d) => Date.UTC(y, m - 1, d) / 1000 - 8 * 3600;
const endOf = (y, m, d) => dayStart(y, m, d + 1) - 1;
const NOW = dayStart(2026, 9, 28) + 10 * 3600; // Monday 10:00
const DAY = 86400;

function sql(db, text) {
  const r = PG_URL
    ? spawnSync('psql', [db, '-qAt', '-v', 'ON_ERROR_STOP=1', '-c', text], { encoding: 'utf8' })
    : spawnSync('sqlite3', ['-cmd', '.timeout 10000', db, text], { encoding: 'utf8' });
  if (r.status !== 0 || r.stderr) throw new Error(`${BACKEND}: ${text}: ${r.stderr}`);
  return r.stdout.trim();
}
const num = (db, text) => Number(sql(db, text));

let tmp, d, db, ids, srv;
const s = {};

/** Seeds, on Monday 2026-09-28:
 *   s1 key (leader), lead `unit`, reply due Fri 10-09: 4 working days left (11 calendar days)
 *   s2 lead `unit`, reply due Fri 10-16: 10 working days left (18 calendar days): due soon
 *   s3 lead `unit`, reply due Mon 10-19: 11 working days left: not listed
 *   s4 lead other unit, reply due Fri 09-25 (中秋): overdue 3 days, -1 working day
 *   s5 accepted, to be assigned by Wed 09-30: 2 working days left, no unit
 *   c1 on-site commitment of `unit` in `street`'s street, due Mon 09-21: -4 working days */
function seed() {
  const one = (q) => num(db, q);
  ids = {
    unit: one("SELECT ur.scope_id FROM user_roles ur JOIN users u ON u.id = ur.user_id WHERE u.login = 'unit'"),
    street: one("SELECT ur.scope_id FROM user_roles ur JOIN users u ON u.id = ur.user_id WHERE u.login = 'street'"),
    leader: one("SELECT id FROM users WHERE login = 'leader'"),
    deputy: one("SELECT ur.scope_id FROM user_roles ur JOIN users u ON u.id = ur.user_id WHERE u.login = 'deputy'"),
  };
  ids.other = one(`SELECT min(id) FROM units WHERE id <> ${ids.unit}`);
  const suggestion = (title, status, key, assignDue) => one(
    'INSERT INTO suggestions (title, body, category, author_id, status, is_key, key_leader_id, year,' +
    ' submitted_at, accepted_at, assign_due_at, assigned_at, created_at, updated_at) VALUES' +
    ` ('${title}', '正文', '城市建设与管理', ${ids.deputy}, '${status}', ${key ? 1 : 0},` +
    ` ${key ? ids.leader : 'NULL'}, 2026, ${NOW - 60 * DAY}, ${NOW - 60 * DAY}, ${assignDue ?? 'NULL'},` +
    ` ${status === 'accepted' ? 'NULL' : NOW - 55 * DAY}, ${NOW - 60 * DAY}, ${NOW - 55 * DAY}) RETURNING id`);
  const assignment = (sg, unit, due) => one(
    'INSERT INTO assignments (suggestion_id, unit_id, role, status, assigned_at, due_at)' +
    ` VALUES (${sg}, ${unit}, 'lead', 'in_handling', ${NOW - 55 * DAY}, ${due}) RETURNING id`);
  ids.s1 = suggestion('关于增设路灯的建议', 'in_handling', true);
  ids.s2 = suggestion('关于整治停车难的建议', 'in_handling', false);
  ids.s3 = suggestion('关于远期规划的建议', 'in_handling', false);
  ids.s4 = suggestion('关于修缮人行道的建议', 'in_handling', false);
  ids.s5 = suggestion('关于增设公交站台的建议', 'accepted', false, endOf(2026, 9, 30));
  for (const x of [ids.s1, ids.s2, ids.s3, ids.s4, ids.s5])
    sql(db, `INSERT INTO suggestion_signers (suggestion_id, deputy_id, role) VALUES (${x}, ${ids.deputy}, 'author')`);
  ids.a1 = assignment(ids.s1, ids.unit, endOf(2026, 10, 9));
  ids.a2 = assignment(ids.s2, ids.unit, endOf(2026, 10, 16));
  ids.a3 = assignment(ids.s3, ids.unit, endOf(2026, 10, 19));
  ids.a4 = assignment(ids.s4, ids.other, endOf(2026, 9, 25));
  ids.c1 = one(
    'INSERT INTO concerns (tracking_code, title, body, category, source, status, unit_id, street_id, due_at,' +
    ` created_at, updated_at) VALUES ('SV${Date.now()}', '路灯不亮', '小区路灯坏了', '城市建设与管理',` +
    ` 'activity', 'resolved_on_site', ${ids.unit}, ${ids.street}, ${endOf(2026, 9, 21)}, ${NOW - 20 * DAY},` +
    ` ${NOW - 20 * DAY}) RETURNING id`);
}

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'youyue-supervision-'));
  const dir = join(tmp, 'db');
  mkdirSync(dir);
  d = freshDatabase(dir);
  db = d.url;
  const r = cli(['init', '--db', db, '--demo']);
  assert.equal(r.status, 0, r.stderr);
  seed();
  process.env.YOUYUE_NOW = String(NOW);
  try {
    srv = await startServer({ demo: false, db, dbRead: null, args: ['--remind-interval', '0', '--anon-rate', '0'] });
  } finally {
    delete process.env.YOUYUE_NOW;
  }
  for (const l of ['admin', 'leader', 'street', 'community', 'deputy', 'unit', 'procurator', 'resident'])
    s[l] = await srv.login(l);
});
after(async () => {
  if (srv) assert.equal(await srv.stop(), 0);
  d?.drop();
  rmSync(tmp, { recursive: true, force: true });
});

const key = (i) => `${i.entity}:${i.entity_id}`;

test('supervision: every open duty due soon or overdue, working days across the holiday', async () => {
  const r = await srv.get('/api/v1/supervision', s.admin);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.next_cursor, null);
  assert.equal(r.body.due_soon_working_days, 10);
  // soonest due first; s3 (11 working days left) is not there
  assert.deepEqual(r.body.items.map(key), [`concern:${ids.c1}`, `assignment:${ids.a4}`,
    `suggestion:${ids.s5}`, `assignment:${ids.a1}`, `assignment:${ids.a2}`]);
  const by = Object.fromEntries(r.body.items.map((i) => [key(i), i]));
  const c1 = by[`concern:${ids.c1}`];
  assert.deepEqual({ ...c1 }, {
    item: 'onsite', item_label: '现场承诺事项', state: 'overdue', entity: 'concern', entity_id: ids.c1,
    suggestion_id: null, concern_id: ids.c1, title: '路灯不亮', key: false, unit_id: ids.unit,
    unit_name: c1.unit_name, street_id: ids.street, due_at: '2026-09-21T23:59:59+08:00', due_day: '2026-09-21',
    // 09-22, 09-23, 09-24 and 09-28 are working days; 09-25..27 are 中秋
    working_days_left: -4, days_overdue: 7, provisional: false,
  });
  assert.ok(c1.unit_name.length > 0);
  const a4 = by[`assignment:${ids.a4}`];
  assert.equal(a4.state, 'overdue');
  assert.equal(a4.item, 'reply');
  assert.equal(a4.days_overdue, 3);
  assert.equal(a4.working_days_left, -1, 'only Monday 09-28 is a working day since the due day');
  assert.equal(a4.unit_id, ids.other);
  assert.equal(a4.suggestion_id, ids.s4);
  const s5 = by[`suggestion:${ids.s5}`];
  assert.equal(s5.item, 'assign');
  assert.equal(s5.state, 'due_soon');
  assert.equal(s5.working_days_left, 2);
  assert.equal(s5.unit_id, null);
  const a1 = by[`assignment:${ids.a1}`];
  assert.equal(a1.state, 'due_soon');
  assert.equal(a1.key, true);
  // 09-29, 09-30, (10-01..07 国庆), 10-08, 10-09
  assert.equal(a1.working_days_left, 4);
  assert.equal(a1.title, '关于增设路灯的建议');
  const a2 = by[`assignment:${ids.a2}`];
  // 18 calendar days away, but 10 working days (10-10 is a make-up working day)
  assert.equal(a2.working_days_left, 10);
  assert.equal(a2.state, 'due_soon');
  assert.equal(a2.due_day, '2026-10-16');
});

test('supervision: the same judgement as the sweep', async () => {
  const r = await srv.get('/api/v1/supervision', s.admin);
  const res = cli(['remind', '--db', db], { env: { YOUYUE_NOW: String(NOW) } });
  assert.equal(res.status, 0, res.stderr);
  const m = res.stdout.match(/: (\d+) due soon, (\d+) overdue/);
  assert.ok(m, res.stdout);
  assert.equal(Number(m[1]), r.body.items.filter((i) => i.state === 'due_soon').length);
  assert.equal(Number(m[2]), r.body.items.filter((i) => i.state === 'overdue').length);
  assert.equal(Number(m[1]), 3);
});

test('supervision: filters, pages and bad input', async () => {
  let r = await srv.get('/api/v1/supervision?state=overdue', s.admin);
  assert.deepEqual(r.body.items.map(key), [`concern:${ids.c1}`, `assignment:${ids.a4}`]);
  r = await srv.get('/api/v1/supervision?state=due_soon', s.admin);
  assert.deepEqual(r.body.items.map(key), [`suggestion:${ids.s5}`, `assignment:${ids.a1}`, `assignment:${ids.a2}`]);
  r = await srv.get(`/api/v1/supervision?unit=${ids.other}`, s.admin);
  assert.deepEqual(r.body.items.map(key), [`assignment:${ids.a4}`]);
  r = await srv.get(`/api/v1/supervision?street=${ids.street}`, s.admin);
  assert.deepEqual(r.body.items.map(key), [`concern:${ids.c1}`]);
  r = await srv.get('/api/v1/supervision?key=true', s.admin);
  assert.deepEqual(r.body.items.map(key), [`assignment:${ids.a1}`]);

  const seen = [];
  let cursor = null, pages = 0;
  do {
    r = await srv.get(`/api/v1/supervision?limit=2${cursor ? `&cursor=${cursor}` : ''}`, s.admin);
    assert.equal(r.status, 200, r.text);
    assert.ok(r.body.items.length <= 2);
    seen.push(...r.body.items.map(key));
    cursor = r.body.next_cursor;
    pages++;
  } while (cursor);
  assert.equal(pages, 3);
  assert.equal(seen.length, 5);
  assert.equal(new Set(seen).size, 5);

  isError(await srv.get('/api/v1/supervision?state=late', s.admin), 400, 'invalid_parameter', 'state');
  isError(await srv.get('/api/v1/supervision?unit=x', s.admin), 400, 'invalid_parameter', 'unit');
  isError(await srv.get('/api/v1/supervision?key=yes', s.admin), 400, 'invalid_parameter', 'key');
  isError(await srv.get('/api/v1/supervision?limit=0', s.admin), 400, 'invalid_limit', 'limit');
});

test('supervision: who sees what', async () => {
  let r = await srv.get('/api/v1/supervision', s.leader);
  assert.equal(r.status, 200);
  assert.equal(r.body.items.length, 5, 'a leader sees every duty');
  r = await srv.get('/api/v1/supervision', s.unit);
  assert.deepEqual(r.body.items.map(key), [`concern:${ids.c1}`, `assignment:${ids.a1}`, `assignment:${ids.a2}`],
    'unit staff: their unit only');
  r = await srv.get(`/api/v1/supervision?unit=${ids.other}`, s.unit);
  assert.deepEqual(r.body.items, [], 'a filter never widens the scope');
  r = await srv.get('/api/v1/supervision', s.street);
  assert.deepEqual(r.body.items.map(key), [`concern:${ids.c1}`], 'street staff: their street');
  for (const l of ['community', 'deputy', 'procurator', 'resident'])
    isError(await srv.get('/api/v1/supervision', s[l]), 403, 'forbidden');
  isError(await srv.get('/api/v1/supervision'), 401, 'login_required');
});

test('supervision: the due-soon window is the setting, in working days', async () => {
  const was = sql(db, "SELECT value FROM settings WHERE key = 'due_soon_working_days'");
  assert.equal(was, '10');
  sql(db, "UPDATE settings SET value = '3' WHERE key = 'due_soon_working_days'");
  try {
    const r = await srv.get('/api/v1/supervision', s.admin);
    assert.equal(r.body.due_soon_working_days, 3);
    assert.deepEqual(r.body.items.map(key), [`concern:${ids.c1}`, `assignment:${ids.a4}`, `suggestion:${ids.s5}`]);
  } finally {
    sql(db, `UPDATE settings SET value = '${was}' WHERE key = 'due_soon_working_days'`);
  }
});

test('suggestions: key=true|false and leader=ID', async () => {
  const idsOf = (r) => r.body.items.map((i) => i.id);
  let r = await srv.get('/api/v1/suggestions?key=true', s.admin);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(idsOf(r), [ids.s1]);
  assert.ok(r.body.items.every((i) => i.key === true));
  r = await srv.get('/api/v1/suggestions?key=false', s.admin);
  assert.deepEqual(idsOf(r), [ids.s5, ids.s4, ids.s3, ids.s2]);
  r = await srv.get(`/api/v1/suggestions?leader=${ids.leader}`, s.leader);
  assert.deepEqual(idsOf(r), [ids.s1]);
  r = await srv.get(`/api/v1/suggestions?leader=${ids.leader + 1000}`, s.admin);
  assert.deepEqual(idsOf(r), []);
  // pages: the filter holds on every page
  r = await srv.get('/api/v1/suggestions?key=false&limit=3', s.admin);
  assert.deepEqual(idsOf(r), [ids.s5, ids.s4, ids.s3]);
  r = await srv.get(`/api/v1/suggestions?key=false&limit=3&cursor=${r.body.next_cursor}`, s.admin);
  assert.deepEqual(idsOf(r), [ids.s2]);
  assert.equal(r.body.next_cursor, null);
  // the scope of the list holds: unit staff see their unit's only
  r = await srv.get('/api/v1/suggestions?key=false', s.unit);
  assert.deepEqual(idsOf(r), [ids.s3, ids.s2]);
  isError(await srv.get('/api/v1/suggestions?key=1', s.admin), 400, 'invalid_parameter', 'key');
  isError(await srv.get('/api/v1/suggestions?leader=abc', s.admin), 400, 'invalid_parameter', 'leader');
  // who supervises a key suggestion is not in the public view
  isError(await srv.get(`/api/v1/suggestions?leader=${ids.leader}`, s.unit), 403, 'forbidden');
  isError(await srv.get(`/api/v1/suggestions?leader=${ids.leader}`), 401, 'login_required');
});
