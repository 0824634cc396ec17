// GET /api/v1/stats (docs/STATS.md): every count and rate over rows seeded
// straight into the database (lists_seed.mjs) with a fixed clock; public,
// without personal data; parameters validated.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, isError } from './harness.mjs';
import { NOW, seed, sql, ts } from './lists_seed.mjs';

process.env.YOUYUE_NOW = String(NOW);

let srv;
before(async () => {
  // --stats-ttl 0: every answer computed afresh (the cache has its own test, last)
  srv = await startServer({ demo: false, args: ['--stats-ttl', '0'] });
  seed(srv.db);
});
after(async () => { assert.equal(await srv.stop(), 0); });

/** The rate as the server rounds it: 4 decimals, null when nothing to measure. */
const rate = (num, den) => (den === 0 ? null : Math.round((num * 10000) / den) / 10000);

const concernStreet = (street_id, name, total, raised, responded, resolved, rated, good) => ({
  street_id, name, total, raised, responded, resolved, rated,
  response_rate: rate(responded, raised), resolution_rate: rate(resolved, raised), satisfaction_rate: rate(good, rated),
});

const handling = (lead, replied, timed, onTime, met) => ({
  lead_assignments: lead, replied, due_or_replied: timed, replied_on_time: onTime, met_in_person: met,
  reply_rate: rate(replied, lead), on_time_rate: rate(onTime, timed), meeting_rate: rate(met, lead),
});

test('the whole dashboard for this year, figure by figure', async () => {
  const r = await srv.get('/api/v1/stats');
  assert.equal(r.status, 200, r.text);
  const s = r.body;
  assert.equal(s.from, '2026-01-01');
  assert.equal(s.to, '2026-12-31');
  assert.equal(s.street_id, null);
  assert.equal(s.as_of, '2026-06-15T12:00:00+08:00');

  // concerns: 9901..9907 and 9909 (9908 was raised on 2025-12-31, 23:30 China time)
  assert.deepEqual(s.concerns, {
    total: 8, raised: 7, responded: 6, resolved: 3, rated: 3,
    response_rate: 0.8571, resolution_rate: 0.4286, satisfaction_rate: 0.6667,
    ratings: { satisfied: 1, basically_satisfied: 1, dissatisfied: 1 },
    by_status: { new: 1, accepted: 1, declined: 1, resolved_on_site: 1, referred: 1, claimed: 0, converted: 0,
      merged: 1, resolved: 2 },
    by_category: [
      { category: '民生保障', count: 4, resolved: 1 },
      { category: '城市建设与管理', count: 3, resolved: 2 },
      { category: '其他', count: 1, resolved: 0 },
    ],
    by_street: [
      concernStreet(9001, '甲街道', 4, 4, 3, 2, 2, 2),
      concernStreet(9002, '乙街道', 3, 2, 2, 1, 1, 0),
      concernStreet(null, null, 1, 1, 1, 0, 0, 0),
    ],
  });
  assert.equal(s.concerns.by_street[2].satisfaction_rate, null, 'nothing rated: null, not 0');

  // suggestions submitted in 2026: 9401 9402 9403 9406 (9404 is a draft, 9405 from 2025)
  const g = s.suggestions;
  assert.equal(g.total, 4);
  assert.deepEqual(g.by_status, { submitted: 0, accepted: 0, returned_as_letter: 0, assigned: 0, in_handling: 1,
    replied: 1, evaluated: 1, rehandling: 0, following_up: 0, closed: 0, withdrawn: 1 });
  assert.deepEqual(g.by_category, [
    { category: '城市建设与管理', count: 2, solved: 1 },
    { category: '民生保障', count: 1, solved: 0 },
    { category: '营商环境', count: 1, solved: 0 },
  ]);
  assert.deepEqual(g.by_street, [
    { street_id: 9001, name: '甲街道', count: 2 },
    { street_id: 9002, name: '乙街道', count: 2 },
  ]);
  assert.deepEqual(g.by_unit, [
    { unit_id: 9301, name: '区建设局', assignments: 2, co_assignments: 0, ...handling(2, 1, 2, 1, 1) },
    { unit_id: 9302, name: '区水务局', assignments: 2, co_assignments: 1, ...handling(1, 1, 1, 1, 1) },
    { unit_id: 9303, name: '区城管局', assignments: 1, co_assignments: 0, ...handling(1, 0, 0, 0, 0) },
  ]);
  assert.equal(g.by_unit[2].on_time_rate, null, 'not replied and not yet due: on-time is null');
  assert.deepEqual(g.handling, handling(4, 2, 3, 2, 2));
  assert.equal(g.handling.on_time_rate, 0.6667);
  assert.deepEqual(g.reply_classes, [
    { class: 'A', label: '已解决或基本解决', count: 1, share: 0.5 },
    { class: 'B', label: '正在解决或列入计划逐步解决', count: 1, share: 0.5 },
    { class: 'C', label: '因条件限制暂时不能解决', count: 0, share: 0 },
  ]);
  assert.deepEqual(g.evaluations, {
    evaluated: 1,
    attitude: { satisfied: 1, basically_satisfied: 0, dissatisfied: 0 },
    result: { satisfied: 0, basically_satisfied: 1, dissatisfied: 0 },
    attitude_satisfaction_rate: 1, result_satisfaction_rate: 1,
  }, 'only the latest evaluation of a suggestion counts');
  assert.deepEqual(g.public_ratings, { rated: 3, satisfied: 2, basically_satisfied: 0, dissatisfied: 1,
    satisfaction_rate: 0.6667 });

  assert.deepEqual(s.solved_by_category, [
    { category: '城市建设与管理', concerns: 2, suggestions: 1, total: 3 },
    { category: '民生保障', concerns: 1, suggestions: 0, total: 1 },
  ]);
});

test('street= narrows concerns to the street and suggestions to authors sitting there', async () => {
  const r = await srv.get('/api/v1/stats?street=9002');
  assert.equal(r.status, 200, r.text);
  const s = r.body;
  assert.equal(s.street_id, 9002);
  assert.equal(s.concerns.total, 3);
  assert.equal(s.concerns.raised, 2);
  assert.equal(s.concerns.response_rate, 1);
  assert.equal(s.concerns.resolution_rate, 0.5);
  assert.equal(s.concerns.satisfaction_rate, 0);
  assert.deepEqual(s.concerns.by_street, [concernStreet(9002, '乙街道', 3, 2, 2, 1, 1, 0)]);
  assert.equal(s.suggestions.total, 2); // 9401 (张代表 sits in both streets) and 9403
  assert.deepEqual(s.suggestions.by_street, [{ street_id: 9002, name: '乙街道', count: 2 }]);
  assert.deepEqual(s.suggestions.handling, handling(2, 2, 2, 2, 2));
  assert.deepEqual(s.suggestions.by_unit.map((u) => [u.unit_id, u.assignments]), [[9301, 1], [9302, 2]]);
});

test('from/to are China days, inclusive', async () => {
  const r = await srv.get('/api/v1/stats?from=2025-12-31&to=2025-12-31');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.concerns.total, 1, '9908, raised at 23:30 China time on 2025-12-31');
  assert.deepEqual(r.body.concerns.by_status.claimed, 1);
  assert.equal(r.body.concerns.response_rate, 1);
  assert.equal(r.body.suggestions.total, 0);
  assert.equal(r.body.suggestions.handling.reply_rate, null, 'no assignments: null, not 0');
  assert.equal(r.body.suggestions.handling.meeting_rate, null);
  assert.deepEqual(r.body.suggestions.reply_classes.map((c) => c.share), [null, null, null]);
  assert.equal(r.body.suggestions.evaluations.result_satisfaction_rate, null);
  assert.equal(r.body.suggestions.public_ratings.satisfaction_rate, null);

  const jan1 = await srv.get('/api/v1/stats?from=2026-01-01&to=2026-01-01');
  assert.equal(jan1.body.concerns.total, 1, '9909, raised at 00:10 on 2026-01-01');

  const y25 = await srv.get('/api/v1/stats?from=2025-01-01&to=2025-12-31');
  assert.equal(y25.body.suggestions.total, 1);
  assert.deepEqual(y25.body.suggestions.handling, handling(1, 1, 1, 1, 0));
  assert.deepEqual(y25.body.suggestions.reply_classes.map((c) => [c.class, c.count, c.share]),
    [['A', 0, 0], ['B', 0, 0], ['C', 1, 1]]);
  assert.equal(y25.body.suggestions.public_ratings.satisfaction_rate, 1);

  const only = await srv.get('/api/v1/stats?from=2026-05-01');
  assert.equal(only.body.from, '2026-05-01');
  assert.equal(only.body.to, '2026-12-31', 'a missing end is the end of this year');
  assert.equal(only.body.concerns.total, 3, '9905 9906 9907');
});

test('stats are public and hold no personal data', async () => {
  const r = await srv.get('/api/v1/stats');
  assert.equal(r.status, 200);
  for (const secret of ['张代表', '李代表', '居民99', '139000099', '13800000001', 'T990', '诉求'])
    assert.ok(!r.text.includes(secret), `no ${secret}`);
});

test('bad parameters: 400 naming the parameter', async () => {
  const cases = [
    ['/api/v1/stats?from=2026-02-30', 'invalid_date', 'from'],
    ['/api/v1/stats?from=2026-1-1', 'invalid_date', 'from'],
    ['/api/v1/stats?to=tomorrow', 'invalid_date', 'to'],
    ['/api/v1/stats?to=1999-12-31', 'invalid_date', 'to'],
    ['/api/v1/stats?from=2026-06-02&to=2026-06-01', 'invalid_range', 'from'],
    ['/api/v1/stats?from=2026-01-01&from=2026-02-01', 'repeated_parameter', 'from'],
    ['/api/v1/stats?street=abc', 'invalid_parameter', 'street'],
    ['/api/v1/stats?street=9003', 'invalid_parameter', 'street'],
    ['/api/v1/stats?street=424242', 'invalid_parameter', 'street'],
  ];
  for (const [path, code, field] of cases) isError(await srv.get(path), 400, code, field);
});

test('--stats-ttl: an answer is kept for the TTL, as it was (as_of included); without it writes show at once', async () => {
  const cached = await startServer({ demo: false, db: srv.db, args: ['--stats-ttl', '3600'] });
  try {
    const first = await cached.get('/api/v1/stats');
    assert.equal(first.status, 200, first.text);
    assert.equal(first.headers.get('x-cache'), 'miss');
    const fresh = await srv.get('/api/v1/stats');
    assert.equal(fresh.headers.get('x-cache'), null, 'TTL 0: no cache');
    assert.deepEqual(first.body, fresh.body, 'the cache holds exactly the computed answer');

    // a concern raised in the period, written behind both servers' backs
    sql(srv.db, `INSERT INTO concerns (id, tracking_code, title, body, category, station_id, street_id, source,
      status, contact_name, contact_phone, created_at, updated_at)
      VALUES (9950, 'T9950', '诉求9950', '内容', '其他', 9101, 9001, 'station', 'new', '居民', '13900009950',
      ${ts('2026-06-01T10:00')}, ${NOW});`);
    const after = await srv.get('/api/v1/stats');
    assert.equal(after.body.concerns.total, first.body.concerns.total + 1, 'TTL 0 sees the write at once');
    assert.equal(after.body.concerns.by_status.new, first.body.concerns.by_status.new + 1);

    const again = await cached.get('/api/v1/stats');
    assert.equal(again.headers.get('x-cache'), 'hit');
    assert.equal(again.text, first.text, 'within the TTL: the same bytes, the same as_of');
    assert.equal(again.body.concerns.total, first.body.concerns.total);

    // each period and street is its own entry, computed when first asked
    const other = await cached.get('/api/v1/stats?from=2026-01-01&to=2026-12-31&street=9001');
    assert.equal(other.headers.get('x-cache'), 'miss');
    const june = await cached.get('/api/v1/stats?from=2026-06-01&to=2026-06-30');
    assert.equal(june.headers.get('x-cache'), 'miss');
    assert.deepEqual(june.body, (await srv.get('/api/v1/stats?from=2026-06-01&to=2026-06-30')).body,
      'computed when asked: the new concern is in it');
    assert.equal((await cached.get('/api/v1/stats?from=2026-06-01&to=2026-06-30')).headers.get('x-cache'), 'hit');
    // the same period named differently (the defaults) is the same entry
    assert.equal((await cached.get('/api/v1/stats?from=2026-01-01')).headers.get('x-cache'), 'hit');
    isError(await cached.get('/api/v1/stats?from=2026-13-01'), 400, 'invalid_date', 'from');
  } finally {
    assert.equal(await cached.stop(), 0);
  }
});
