// The deputy's work record (docs/RECORD.md "The lists"): each list holds the
// newest list_max (50) items, and `truncated` says per list whether more were
// left out, while the counts cover them all.  A deputy with 51 reception
// records, one with exactly 50 (the boundary: not cut), one with none; in the
// public and the full view.  On both backends.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './harness.mjs';
import { sql } from './sg_helpers.mjs';

// Monday 2 November 2026, 10:00 in Beijing
process.env.YOUYUE_NOW = String(Date.parse('2026-11-02T10:00:00+08:00') / 1000);
const dayNo = (d) => Date.parse(`${d}T00:00:00Z`) / 86400000;

let srv, admin, over, exact, none, station;

before(async () => {
  srv = await startServer({ args: ['--anon-rate', '0', '--remind-interval', '0'] });
  admin = await srv.login('admin');
  const tree = (await srv.get('/api/v1/regions')).body.items[0];
  const street = tree.children.find((x) => x.children.length > 0);
  let r = await srv.post('/api/v1/stations', { kind: 'reception_room', name: '履职截断测试站', street_id: street.id,
    community_id: street.children[0].id, address: '测试地址', lat: 30.58, lon: 114.28 }, admin);
  assert.equal(r.status, 201, r.text);
  station = r.body.id;
  const dep = async (name) => {
    const d = await srv.post('/api/v1/deputies', { name, levels: ['district'], sector: '企业',
      station_ids: [station], phone: '13900000000' }, admin);
    assert.equal(d.status, 201, d.text);
    return d.body.id;
  };
  [over, exact, none] = [await dep('截断代表甲'), await dep('截断代表乙'), await dep('截断代表丙')];
  // 51 reception records on 51 days of 2026 (1 January on); the first 50 name
  // both deputies, the 51st (the newest) only the first
  const first = dayNo('2026-01-01');
  const values = Array.from({ length: 51 }, (_, i) => `(${station}, ${first + i}, 2, '接待${i}', 1780000000)`);
  sql(srv, `INSERT INTO reception_records (station_id, day, residents_received, summary, created_at) VALUES ${values.join(', ')}`);
  sql(srv, `INSERT INTO reception_record_deputies (record_id, deputy_id) SELECT id, ${over} FROM reception_records WHERE station_id = ${station}`);
  sql(srv, `INSERT INTO reception_record_deputies (record_id, deputy_id) SELECT id, ${exact} FROM reception_records WHERE station_id = ${station} AND day < ${first + 50}`);
});
after(async () => { assert.equal(await srv.stop(), 0); });

const record = async (id, session) => {
  const r = await srv.get(`/api/v1/deputies/${id}/record?from=2026-01-01&to=2026-12-31`, session);
  assert.equal(r.status, 200, r.text);
  return r.body;
};

test('51 receptions: the newest 50 listed, truncated says so, the count has all 51', async () => {
  for (const session of [undefined, admin]) {
    const b = await record(over, session);
    assert.equal(b.list_max, 50);
    assert.equal(b.summary.receptions_held, 51);
    assert.equal(b.receptions.length, 50);
    assert.equal(b.receptions[0].date, '2026-02-20', 'newest first: the 51st day');
    assert.equal(b.receptions[49].date, '2026-01-02', 'the oldest, 1 January, is the one left out');
    assert.equal(b.truncated.receptions, true);
    assert.equal(b.truncated.activities, false);
    assert.equal(b.truncated.suggestions, false);
    if (b.view === 'full') assert.equal(b.truncated.concerns, false);
    else assert.ok(!('concerns' in b.truncated), 'no concerns list, no flag, in the public view');
  }
});

test('exactly 50: all listed, not truncated; none: not truncated', async () => {
  const b = await record(exact);
  assert.equal(b.summary.receptions_held, 50);
  assert.equal(b.receptions.length, 50);
  assert.equal(b.truncated.receptions, false);
  const n = await record(none, admin);
  assert.equal(n.receptions.length, 0);
  assert.deepEqual(n.truncated, { activities: false, receptions: false, concerns: false, suggestions: false });
});
