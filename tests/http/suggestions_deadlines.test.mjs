// Suggestion deadlines over time (DOMAIN.md §5, "Working days"): servers on
// one database with their clocks pinned (YOUYUE_NOW) at different dates, so
// the 7-working-day window for a return request is seen to close; deadlines
// that run into 2027, whose calendar is not published yet, are provisional;
// the rules come from the settings table.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, isError } from './harness.mjs';
import { at, setup, client, as, sql, bodyFor, driveTo } from './sg_helpers.mjs';

let ctx, c;
const T = (day) => `${day}T23:59:59+08:00`;

before(async () => {
  ctx = await setup(at('2026-09-28T10:00'));
  c = client(ctx);
});
after(async () => { assert.equal(await ctx.srv.stop(), 0, 'server exits cleanly'); });

/** Another server on the same database whose clock reads `local`. */
async function serverAt(local) {
  process.env.YOUYUE_NOW = String(at(local));
  const srv = await startServer({ demo: false, db: ctx.srv.db, args: ['--anon-rate', '0', '--remind-interval', '0'] });
  const s = {};
  for (const l of ['admin', 'unit', 'unit2', 'deputy']) s[l] = await srv.login(l);
  return {
    srv,
    async stop() {
      await srv.stop();
      await ctx.relogin();
    },
    act: (login, id, body) => srv.post(`/api/v1/suggestions/${id}/actions`, body, as(s[login])),
    get: (login, id) => srv.get(`/api/v1/suggestions/${id}`, as(s[login])),
  };
}

test('a return request within 7 working days of receipt: open on 10-13, closed on 10-14', async () => {
  // assigned Monday 2026-09-28: 09-29, 09-30, (国庆 10-01..07), 10-08, 10-09,
  // 10-10 (调休上班), (10-11 Sunday), 10-12, 10-13
  const a = await driveTo(ctx, 'assigned');
  const b = await driveTo(ctx, 'in_handling');
  const late = await serverAt('2026-10-14T09:00');
  try {
    for (const s of [a, b]) {
      const r = await late.act('unit', s.id, bodyFor(ctx, 'request_return'));
      isError(r, 409, 'return_window_closed');
      assert.match(r.body.error.message, /2026-10-13/);
      assert.ok(!r.body.error.allowed.includes('request_return'));
      assert.ok(r.body.error.allowed.includes('log_contact'));
    }
    // the co unit's window closed the same day
    isError(await late.act('unit2', a.id, bodyFor(ctx, 'request_return')), 409, 'return_window_closed');
  } finally {
    await late.stop();
  }
  const last = await serverAt('2026-10-13T17:30');
  try {
    const r = await last.act('unit', a.id, bodyFor(ctx, 'request_return'));
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.assignments[0].status, 'return_requested');
    assert.equal(r.body.assignments[0].return_request.at, '2026-10-13T17:30:00+08:00');
    // the office moves it on 10-14: the new unit's 3 months start then
    const later = await serverAt('2026-10-14T09:00');
    try {
      const d = await later.act('admin', a.id, { action: 'decide_return', approve: true,
        units: [{ unit_id: ctx.ids.U3, role: 'lead' }] });
      assert.equal(d.status, 200, d.text);
      const moved = d.body.assignments.find((x) => x.unit_id === ctx.ids.U3);
      assert.equal(moved.assigned_at, '2026-10-14T09:00:00+08:00');
      assert.equal(moved.due_at, T('2027-01-14'));
      assert.equal(moved.due_provisional, true, '2027 has no calendar yet');
    } finally {
      await later.stop();
    }
  } finally {
    await last.stop();
  }
});

test('deadlines running into 2027 are provisional; within 2026 they are not', async () => {
  const s = await driveTo(ctx, 'assigned');
  assert.equal(s.assign_due_at, T('2026-10-13'));
  assert.equal(s.assign_due_provisional, false);
  assert.equal(s.assignments[0].due_at, T('2026-12-28'));
  assert.equal(s.assignments[0].due_provisional, false);

  const nov = await serverAt('2026-11-27T09:00');
  try {
    const made = await nov.srv.post('/api/v1/suggestions', { title: '关于老旧小区加装电梯的建议',
      body: '建议加快老旧小区加装电梯。', category: '民生保障' }, as(await nov.srv.login('deputy')));
    assert.equal(made.status, 201, made.text);
    const id = made.body.id;
    let r = await nov.act('deputy', id, { action: 'submit' });
    // Friday 11-27: 11-30, 12-01, 12-02, 12-03, 12-04, 12-07, 12-08
    assert.equal(r.body.assign_due_at, T('2026-12-08'));
    assert.equal(r.body.assign_due_provisional, false);
    await nov.act('admin', id, { action: 'accept' });
    r = await nov.act('admin', id, bodyFor(ctx, 'assign'));
    const [lead, co] = r.body.assignments;
    // 2027-02-27 is a Saturday; 2027 is judged by weekends alone, and says so
    assert.equal(lead.due_at, T('2027-03-01'));
    assert.equal(lead.due_provisional, true);
    // 2026-12-27 is a Sunday
    assert.equal(co.co_opinion_due_at, T('2026-12-28'));
  } finally {
    await nov.stop();
  }

  const dec = await serverAt('2026-12-24T09:00');
  try {
    const made = await dec.srv.post('/api/v1/suggestions', { title: '关于增设公交站台的建议',
      body: '建议在新华路增设公交站台。', category: '城市建设与管理' }, as(await dec.srv.login('deputy')));
    const r = await dec.act('deputy', made.body.id, { action: 'submit' });
    // 12-25, 12-28, 12-29, 12-30, 12-31, then 2027: 01-01 (a Friday, unknown yet), 01-04
    assert.equal(r.body.assign_due_at, T('2027-01-04'));
    assert.equal(r.body.assign_due_provisional, true);
  } finally {
    await dec.stop();
  }
});

test('a hard case has 6 months; the rules come from the settings table', async () => {
  const s = await driveTo(ctx, 'accepted');
  let r = await c.act('admin', s.id, { ...bodyFor(ctx, 'assign'), hard_case: true });
  assert.equal(r.body.hard_case, true);
  // 2026-09-28 + 6 months = 2027-03-28, a Sunday
  assert.equal(r.body.assignments[0].due_at, T('2027-03-29'));
  assert.equal(r.body.assignments[0].due_provisional, true);

  sql(ctx.srv, "UPDATE settings SET value = 'A,B,C,D' WHERE key = 'reply_classes'");
  sql(ctx.srv, "UPDATE settings SET value = '5' WHERE key = 'assign_working_days'");
  sql(ctx.srv, "UPDATE settings SET value = '2' WHERE key = 'reply_months'");
  try {
    const t = await driveTo(ctx, 'submitted');
    // 09-29, 09-30, 10-08, 10-09, 10-10 (调休上班)
    assert.equal(t.assign_due_at, T('2026-10-10'));
    await c.act('admin', t.id, { action: 'accept' });
    r = await c.act('admin', t.id, bodyFor(ctx, 'assign'));
    assert.equal(r.body.assignments[0].due_at, T('2026-11-30')); // 11-28 is a Saturday
    await c.act('unit', t.id, bodyFor(ctx, 'log_contact'));
    r = await c.act('unit', t.id, { action: 'reply', class: 'D', text: '留作参考' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.assignments[0].reply.class, 'D');
    // a broken setting stops the actions instead of being guessed
    sql(ctx.srv, "UPDATE settings SET value = 'many' WHERE key = 'reply_months'");
    isError(await c.act('deputy', t.id, bodyFor(ctx, 'evaluate')), 500, 'invalid_setting');
  } finally {
    sql(ctx.srv, "UPDATE settings SET value = 'A,B,C' WHERE key = 'reply_classes'");
    sql(ctx.srv, "UPDATE settings SET value = '7' WHERE key = 'assign_working_days'");
    sql(ctx.srv, "UPDATE settings SET value = '3' WHERE key = 'reply_months'");
  }
  const u = await driveTo(ctx, 'submitted');
  assert.equal(u.assign_due_at, T('2026-10-13'));
});
