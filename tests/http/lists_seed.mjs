// lists_seed.mjs - the rows the tests of the three lists and of the
// dashboard read (lists.test.mjs, stats.test.mjs), written straight into the
// database with sqlite3 or psql, as the concern and suggestion handlers
// would have left them.  The clock is fixed (YOUYUE_NOW) so days left,
// overdue days and on-time replies are exact.
//
// The district: streets 甲街道 (9001) and 乙街道 (9002); 张代表 (9201) sits at
// stations in both, 李代表 (9202) in 甲, 王代表 (9203) in 乙, 赵代表 (9204) at
// none.  Units 区建设局 9301, 区水务局 9302, 区城管局 9303.
import { spawnSync } from 'node:child_process';
import { BACKEND, cli } from './harness.mjs';

/** Unix seconds of a China wall-clock time "YYYY-MM-DDTHH:MM". */
export const ts = (s) => Date.parse(`${s}:00+08:00`) / 1000;

/** The fixed "now" of these tests: 2026-06-15 12:00 China time. */
export const NOW = ts('2026-06-15T12:00');

/** Runs SQL on the server's database (either backend). */
export function sql(db, text) {
  const r = BACKEND === 'postgresql'
    ? spawnSync('psql', [db, '-qAt', '-v', 'ON_ERROR_STOP=1', '-f', '-'], { input: text, encoding: 'utf8' })
    : spawnSync('sqlite3', ['-bail', db], { input: `PRAGMA busy_timeout=5000;\n${text}`, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`sql failed: ${r.stderr}`);
  return r.stdout;
}

const q = (s) => (s === null ? 'NULL' : `'${String(s).replaceAll("'", "''")}'`);

export const TITLES = {
  s1: '=HYPERLINK("http://evil.example","点我")',
  s2: '老旧小区加装电梯, "尽快"',
  s3: '-5度严寒供暖',
  s5: '2025年的建议',
  s6: '@所有人 关于停车',
};

/** Writes the registry, suggestions, assignments, contacts, evaluations,
 *  follow-ups, public ratings and concerns. */
export function seed(db) {
  const now = NOW;
  const rows = [];
  rows.push(`INSERT INTO regions (id, kind, name, parent_id) VALUES
    (9000, 'district', '测试区', NULL), (9001, 'street', '甲街道', 9000),
    (9002, 'street', '乙街道', 9000), (9003, 'community', '甲一社区', 9001);`);
  rows.push(`INSERT INTO stations (id, kind, name, street_id, community_id, address, lat, lon, created_at, updated_at) VALUES
    (9101, 'work_office', '甲街道代表工作室', 9001, NULL, '甲路1号', 30.58, 114.27, ${now}, ${now}),
    (9102, 'reception_room', '乙社区代表接待室', 9002, NULL, '乙路2号', 30.59, 114.28, ${now}, ${now});`);
  rows.push(`INSERT INTO deputies (id, name, levels, sector, phone, created_at, updated_at) VALUES
    (9201, '张代表', 8, '', '13800000001', ${now}, ${now}), (9202, '李代表', 8, '', '13800000002', ${now}, ${now}),
    (9203, '王代表', 8, '', NULL, ${now}, ${now}), (9204, '赵代表', 8, '', NULL, ${now}, ${now});`);
  rows.push(`INSERT INTO deputy_stations (deputy_id, station_id) VALUES
    (9201, 9101), (9201, 9102), (9202, 9101), (9203, 9102);`);
  rows.push(`INSERT INTO units (id, name, kind, created_at, updated_at) VALUES
    (9301, '区建设局', 'department', ${now}, ${now}), (9302, '区水务局', 'department', ${now}, ${now}),
    (9303, '区城管局', 'department', ${now}, ${now});`);

  const sg = (id, title, category, author, status, year, submitted, extra = {}) =>
    `INSERT INTO suggestions (id, title, body, category, author_id, status, is_key, published, year, submitted_at, created_at, updated_at)
     VALUES (${id}, ${q(title)}, '正文', ${q(category)}, ${author}, '${status}', ${extra.key ? 1 : 0}, ${extra.published ? 1 : 0},
             ${year}, ${submitted === null ? 'NULL' : ts(submitted)}, ${now}, ${now});`;
  rows.push(sg(9401, TITLES.s1, '城市建设与管理', 9201, 'evaluated', 2026, '2026-03-02T09:00', { key: true, published: true }));
  rows.push(sg(9402, TITLES.s2, '民生保障', 9202, 'in_handling', 2026, '2026-04-01T10:00'));
  rows.push(sg(9403, TITLES.s3, '城市建设与管理', 9203, 'replied', 2026, '2026-05-20T15:30'));
  rows.push(sg(9404, '草稿不出现', '民生保障', 9201, 'draft', 2026, null));
  rows.push(sg(9405, TITLES.s5, '民生保障', 9202, 'closed', 2025, '2025-11-20T09:00'));
  rows.push(sg(9406, TITLES.s6, '营商环境', 9204, 'withdrawn', 2026, '2026-02-10T09:00'));
  rows.push(`INSERT INTO suggestion_signers (suggestion_id, deputy_id, role) VALUES
    (9401, 9201, 'author'), (9401, 9203, 'cosigner'), (9401, 9202, 'cosigner'),
    (9402, 9202, 'author'), (9403, 9203, 'author'), (9403, 9201, 'cosigner'),
    (9404, 9201, 'author'), (9404, 9202, 'cosigner'), (9405, 9202, 'author'), (9406, 9204, 'author');`);

  const asg = (id, s, unit, role, status, active, assigned, due, o = {}) =>
    `INSERT INTO assignments (id, suggestion_id, unit_id, role, status, active, assigned_at, due_at, due_provisional,
       extension_months, extension_status, reply_class, reply_text, replied_at)
     VALUES (${id}, ${s}, ${unit}, '${role}', '${status}', ${active}, ${ts(assigned)}, ${ts(due)}, ${o.provisional ? 1 : 0},
       ${o.months || 0}, ${q(o.ext ?? null)}, ${q(o.cls ?? null)}, ${o.cls ? "'答复正文'" : 'NULL'},
       ${o.replied ? ts(o.replied) : 'NULL'});`;
  rows.push(asg(9501, 9401, 9301, 'lead', 'replied', 1, '2026-03-10T09:00', '2026-06-10T17:00', { cls: 'A', replied: '2026-06-05T16:00' }));
  rows.push(asg(9502, 9401, 9302, 'co', 'in_handling', 1, '2026-03-10T09:00', '2026-04-10T17:00'));
  rows.push(asg(9503, 9402, 9301, 'lead', 'in_handling', 1, '2026-04-08T09:00', '2026-06-12T17:00', { ext: 'refused' }));
  rows.push(asg(9504, 9402, 9303, 'lead', 'assigned', 1, '2026-04-08T09:00', '2026-07-08T17:00', { provisional: true, ext: 'approved', months: 1 }));
  rows.push(asg(9505, 9403, 9302, 'lead', 'replied', 1, '2026-05-25T09:00', '2026-08-25T17:00', { cls: 'B', replied: '2026-06-01T11:00' }));
  rows.push(asg(9506, 9403, 9303, 'lead', 'returned', 0, '2026-05-25T09:00', '2026-08-25T17:00'));
  rows.push(asg(9507, 9405, 9301, 'lead', 'replied', 1, '2025-11-25T09:00', '2026-02-20T17:00', { cls: 'C', replied: '2025-12-01T10:00' }));

  rows.push(`INSERT INTO contacts (id, assignment_id, stage, mode, note, at) VALUES
    (9701, 9501, 'before', 'visit', '', ${ts('2026-03-15T10:00')}),
    (9702, 9501, 'after', 'phone', '', ${ts('2026-06-01T10:00')}),
    (9703, 9503, 'before', 'phone', '', ${ts('2026-04-10T10:00')}),
    (9704, 9505, 'during', 'meeting', '', ${ts('2026-05-28T10:00')}),
    (9705, 9502, 'before', 'online', '', ${ts('2026-03-20T10:00')}),
    (9706, 9506, 'before', 'visit', '', ${ts('2026-05-26T10:00')});`);
  rows.push(`INSERT INTO evaluations (id, suggestion_id, attitude, result, reason, at) VALUES
    (9601, 9401, 'dissatisfied', 'dissatisfied', '未落实', ${ts('2026-05-01T10:00')}),
    (9602, 9401, 'satisfied', 'basically_satisfied', '', ${ts('2026-06-08T10:00')}),
    (9603, 9405, 'satisfied', 'satisfied', '', ${ts('2025-12-05T10:00')});`);
  rows.push(`INSERT INTO follow_ups (id, suggestion_id, note, done, at) VALUES
    (9801, 9401, '已列入计划', 0, ${ts('2026-06-09T10:00')}),
    (9802, 9401, '已完工', 1, ${ts('2026-06-12T10:00')});`);
  rows.push(`INSERT INTO public_ratings (suggestion_id, rater, value, at) VALUES
    (9401, 'r1', 'satisfied', ${now}), (9401, 'r2', 'satisfied', ${now}), (9401, 'r3', 'dissatisfied', ${now}),
    (9405, 'r1', 'basically_satisfied', ${now});`);

  const cn = (id, street, category, status, rating, created) =>
    `INSERT INTO concerns (id, tracking_code, title, body, category, station_id, street_id, source, status, rating,
       contact_name, contact_phone, created_at, updated_at)
     VALUES (${id}, 'T${id}', '诉求${id}', '内容', ${q(category)}, ${street === 9001 ? 9101 : street === 9002 ? 9102 : 'NULL'},
       ${street ?? 'NULL'}, '${street ? 'station' : 'online'}', '${status}', ${q(rating)}, '居民${id}', '1390000${id}',
       ${ts(created)}, ${now});`;
  rows.push(cn(9901, 9001, '城市建设与管理', 'resolved', 'satisfied', '2026-02-01T10:00'));
  rows.push(cn(9902, 9001, '城市建设与管理', 'resolved_on_site', 'basically_satisfied', '2026-03-01T10:00'));
  rows.push(cn(9903, 9001, '民生保障', 'new', null, '2026-04-01T10:00'));
  rows.push(cn(9904, 9002, '民生保障', 'accepted', null, '2026-04-02T10:00'));
  rows.push(cn(9905, 9002, '民生保障', 'resolved', 'dissatisfied', '2026-05-02T10:00'));
  rows.push(cn(9906, 9002, '民生保障', 'merged', null, '2026-05-03T10:00'));
  rows.push(cn(9907, null, '其他', 'declined', null, '2026-05-04T10:00'));
  rows.push(cn(9908, 9001, '城市建设与管理', 'claimed', null, '2025-12-31T23:30'));
  rows.push(cn(9909, 9001, '城市建设与管理', 'referred', null, '2026-01-01T00:10'));
  sql(db, `BEGIN;\n${rows.join('\n')}\nCOMMIT;\n`);
}

export const PASSWORD = 'lists-test-pw';

/** The logins the tests use: login -> [role, scope]. */
export const USERS = {
  l_admin: ['admin'], l_leader: ['leader'], l_street1: ['street_staff', 9001],
  l_street2: ['street_staff', 9002], l_community: ['community_staff', 9003],
  l_unit1: ['unit_staff', 9301], l_unit2: ['unit_staff', 9302], l_deputy: ['deputy', 9201],
  l_resident: ['resident'], l_procurator: ['procurator'],
};

export function addUsers(db) {
  for (const [login, [role, scope]] of Object.entries(USERS)) {
    const args = ['user', 'add', '--db', db, '--login', login, '--role', role, '--password-stdin'];
    if (scope) args.push('--scope', String(scope));
    const r = cli(args, { input: `${PASSWORD}\n` });
    if (r.status !== 0) throw new Error(`user add ${login}: ${r.stderr}`);
  }
}
