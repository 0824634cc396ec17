// Deputy suggestions (代表建议, DOMAIN.md §5; CONTRACT.md "Suggestion actions"):
// drafting, who sees what, the whole state machine by role and scope — every
// refused call of every action in every state by every login, and every
// allowed one performed —, deadlines with their dates, publication without
// personal data, public ratings, the audit trail, and two clerks assigning at
// once.  The server's clock reads 2026-09-28 10:00 (a Monday): a 7-working-day
// deadline from it crosses National Day (10-01..10-07, make-up day 10-10).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { isError, cli } from './harness.mjs';
import {
  at, setup, client, as, sql, bodyFor, driveTo, TABLE, STATES, ACTIONS, LOGINS, expectation,
  allowedFor, relations,
} from './sg_helpers.mjs';

const NOW = at('2026-09-28T10:00');
let ctx, c;

before(async () => {
  ctx = await setup(NOW);
  c = client(ctx);
  // the term ends on 10-09, 4 working days ahead: `explain` is open (its
  // guards have their own tests in suggestions_rules.test.mjs)
  sql(ctx.srv, "UPDATE settings SET value = '2026-10-09' WHERE key = 'term_ends_on'");
});
after(async () => { assert.equal(await ctx.srv.stop(), 0, 'server exits cleanly'); });

const T = (day) => `${day}T23:59:59+08:00`;

test('a deputy drafts a suggestion: 201 draft with signers and concern links', async () => {
  const r = await c.create('deputy');
  assert.equal(r.status, 201, r.text);
  const s = r.body;
  assert.ok(Number.isInteger(s.id));
  assert.equal(s.status, 'draft');
  assert.equal(s.title, '关于在江汉路增设路灯的建议');
  assert.equal(s.category, '城市建设与管理');
  assert.equal(s.year, 2026);
  assert.deepEqual(s.author.id, ctx.ids.D1);
  assert.deepEqual(s.signers.map((g) => [g.deputy_id, g.role]), [[ctx.ids.D1, 'author'], [ctx.ids.D2, 'cosigner']]);
  assert.deepEqual(s.assignments, []);
  assert.equal(s.key, null);
  assert.equal(s.published, false);
  assert.equal(s.created_at, '2026-09-28T10:00:00+08:00');
  assert.deepEqual(s.timeline.map((e) => [e.action, e.actor_role]), [['create', 'deputy']]);
  assert.deepEqual(s.actions, ['submit', 'withdraw', 'edit']);
  assert.deepEqual(s.signers.map((g) => g.status), ['confirmed', 'named']);
  // only the signers see a draft
  assert.equal((await c.get('deputy2', s.id)).status, 200);
  for (const l of ['admin', 'leader', 'street', 'deputy3', 'unit', 'resident', 'anon'])
    isError(await c.get(l, s.id), 404, 'not_found');
});

test('a draft can link concerns; who may draft', async () => {
  const station = (await ctx.srv.get(`/api/v1/deputies/${ctx.ids.D1}`, as(ctx.s.admin))).body.station_ids[0];
  const concern = await ctx.srv.post('/api/v1/concerns', {
    title: '路灯不亮', body: '江汉路北段路灯不亮', category: '城市建设与管理', station_id: station, source: 'online',
  });
  assert.equal(concern.status, 201, concern.text);
  const r = await c.create('deputy', { concern_ids: [concern.body.id] });
  assert.equal(r.status, 201, r.text);
  assert.deepEqual(r.body.concern_ids, [concern.body.id]);
  isError(await ctx.srv.post('/api/v1/suggestions', { title: 'x', body: 'y', category: '其他' }), 401, 'login_required');
  for (const l of ['admin', 'unit', 'resident', 'street'])
    isError(await c.create(l), 403);
});

test('every action in every state, by every login: 401, 404, 403 or 409 with allowed — or offered', async () => {
  let probed = 0;
  const variants = [];
  for (const state of STATES) variants.push({ state, published: false });
  variants.push({ state: 'replied', published: true }, { state: 'closed', published: true });
  for (const { state, published } of variants) {
    const s = await driveTo(ctx, state);
    if (published) assert.equal((await c.act('admin', s.id, { action: 'publish' })).status, 200);
    const opts = { published };
    const before = (await c.get('deputy', s.id)).body;
    await Promise.all(LOGINS.map(async (login) => {
      for (const action of ACTIONS) {
        const want = expectation(login, state, action, opts);
        if (want === 'allowed') continue;
        const r = await c.act(login, s.id, bodyFor(ctx, action));
        const where = `${login} ${action} in ${state}${published ? ' (published)' : ''}`;
        assert.equal(r.status, want, `${where}: ${r.text}`);
        if (want === 409) {
          isError(r, 409, 'invalid_transition');
          assert.deepEqual(r.body.error.allowed, allowedFor(login, state, opts), `${where}: allowed`);
        }
        if (want === 404) isError(r, 404, 'not_found');
        if (want === 401) isError(r, 401, 'login_required');
        probed++;
      }
      // what the answer offers is what the table allows
      const g = await c.get(login, s.id);
      if (login === 'anon' || expectation(login, state, 'submit', opts) === 404) return;
      assert.equal(g.status, 200, `${login} reads ${state}`);
      assert.deepEqual(g.body.actions, allowedFor(login, state, opts), `${login} actions in ${state}`);
    }));
    // nothing refused changed anything
    const after = (await c.get('deputy', s.id)).body;
    assert.equal(after.status, state);
    assert.equal(after.timeline.length, before.timeline.length, `no timeline entry from refusals in ${state}`);
  }
  assert.ok(probed > 2000, `probed ${probed} refusals`);
});

// Preparations some allowed transitions need, and what they lead to when it
// differs from the table's target.
async function prepare(state, action, s) {
  if (action === 'decide_return')
    assert.equal((await c.act('unit2', s.id, bodyFor(ctx, 'request_return'))).status, 200);
  if (action === 'decide_extension')
    assert.equal((await c.act('unit', s.id, bodyFor(ctx, 'request_extension'))).status, 200);
  if (action === 'close' && state === 'following_up')
    assert.equal((await c.act('unit', s.id, { action: 'follow_up', note: '路灯已安装', done: true })).status, 200);
}

test('every allowed transition, performed by each login the table allows', async () => {
  let done = 0;
  for (const [from, action, , to] of TABLE) {
    const logins = ['admin', 'admin2', 'leader', 'deputy', 'deputy2', 'unit', 'unit2']
      .filter((l) => expectation(l, from, action) === 'allowed');
    assert.ok(logins.length > 0, `${from} ${action} has someone who may`);
    // A request moves an assigned suggestion to in_handling (the unit's
    // first action), so the office never decides one while it is assigned.
    if (from === 'assigned' && action === 'decide_extension') continue;
    for (const login of logins) {
      const opts = action === 'close' && from === 'evaluated' ? { replyClass: 'A' } : {};
      const s = await driveTo(ctx, from, opts);
      await prepare(from, action, s);
      const contactless = from === 'assigned' && action === 'reply';
      if (contactless) sql(ctx.srv, "UPDATE settings SET value = '0' WHERE key = 'reply_needs_contact'");
      let r;
      try {
        r = action === 'edit'
          ? await c.edit(login, s.id, { title: '关于江汉路北段增设路灯的建议' })
          : await c.act(login, s.id, bodyFor(ctx, action));
      } finally {
        if (contactless) sql(ctx.srv, "UPDATE settings SET value = '1' WHERE key = 'reply_needs_contact'");
      }
      const where = `${login} ${action} in ${from}`;
      assert.equal(r.status, 200, `${where}: ${r.text}`);
      // one signer of two records agreement; the state moves when all agreed.
      // In a draft deputy2 is only named, no signer: the author alone withdraws it.
      const twoSigners = action === 'withdraw' && from !== 'draft';
      const expected = twoSigners ? from : (to || from);
      assert.equal(r.body.status, expected, where);
      const last = r.body.timeline.at(-1);
      assert.equal(last.action, action, where);
      assert.equal(last.actor_role, relations(login, from).includes('admin') ? 'admin'
        : login === 'leader' ? 'leader' : login.startsWith('unit') ? 'unit_staff' : 'deputy', where);
      assert.match(last.at, /^2026-09-28T10:00:00\+08:00$/);
      if (twoSigners) {
        const other = login === 'deputy' ? 'deputy2' : 'deputy';
        assert.equal(r.body.signers.find((g) => g.deputy_id === ctx.ids[login === 'deputy' ? 'D1' : 'D2']).withdraw_agreed, true);
        isError(await c.act(login, s.id, bodyFor(ctx, 'withdraw')), 409, 'withdrawal_already_agreed');
        const w = await c.act(other, s.id, bodyFor(ctx, 'withdraw'));
        assert.equal(w.status, 200, w.text);
        assert.equal(w.body.status, 'withdrawn');
        assert.equal(w.body.reason, '问题已由社区解决');
      }
      done++;
    }
  }
  assert.ok(done >= 60, `performed ${done} transitions`);
});

test('the life cycle with its dates: assignment within 7 working days across National Day, 3 months to reply', async () => {
  const s = (await c.create('deputy')).body;
  let r = await c.act('deputy', s.id, { action: 'submit' });
  assert.equal(r.status, 200, r.text);
  // 09-29, 09-30, (国庆 10-01..07), 10-08, 10-09, 10-10 (调休上班), (10-11), 10-12, 10-13
  assert.equal(r.body.assign_due_at, T('2026-10-13'));
  assert.equal(r.body.submitted_at, '2026-09-28T10:00:00+08:00');
  r = await c.act('admin', s.id, { action: 'accept' });
  assert.equal(r.body.status, 'accepted');
  r = await c.act('admin', s.id, bodyFor(ctx, 'assign'));
  assert.equal(r.body.status, 'assigned');
  const [lead, co] = r.body.assignments;
  assert.deepEqual([lead.unit_id, lead.role, lead.status], [ctx.ids.U1, 'lead', 'assigned']);
  assert.deepEqual([co.unit_id, co.role, co.status], [ctx.ids.U2, 'co', 'assigned']);
  assert.equal(lead.assigned_at, '2026-09-28T10:00:00+08:00');
  assert.equal(lead.due_at, T('2026-12-28'));
  assert.equal(lead.due_provisional, false);
  assert.equal(co.co_opinion_due_at, T('2026-10-28'));
  assert.equal(lead.co_opinion_due_at, null);
  assert.equal(lead.reply, null);
  // the unit's first action moves its assignment (and the suggestion) to in_handling
  isError(await c.act('unit', s.id, { action: 'reply', class: 'A', text: '已解决' }), 409, 'contact_required');
  r = await c.act('unit2', s.id, { action: 'co_opinion', text: '同意主办单位意见' });
  assert.equal(r.body.status, 'in_handling');
  assert.equal(r.body.assignments[0].status, 'assigned');
  r = await c.act('unit', s.id, bodyFor(ctx, 'log_contact'));
  assert.equal(r.body.assignments[0].status, 'in_handling');
  assert.deepEqual(r.body.assignments[0].contacts.map((x) => [x.stage, x.mode]), [['before', 'phone']]);
  isError(await c.act('unit', s.id, { action: 'reply', class: 'D', text: '留作参考' }), 400, 'invalid_class', 'class');
  r = await c.act('unit', s.id, { action: 'reply', class: 'B', text: '已列入明年道路照明改造计划' });
  assert.equal(r.body.status, 'replied');
  assert.deepEqual(r.body.assignments[0].reply,
    { class: 'B', text: '已列入明年道路照明改造计划', replied_at: '2026-09-28T10:00:00+08:00' });
  assert.equal(r.body.replied_at, '2026-09-28T10:00:00+08:00');
  // 不满意 needs a reason and sends it back for a month
  isError(await c.act('deputy', s.id, { action: 'evaluate', attitude: 'dissatisfied', result: 'satisfied' }), 400, 'reason_required', 'reason');
  r = await c.act('deputy', s.id, { action: 'evaluate', attitude: 'satisfied', result: 'dissatisfied', reason: '未说明时间表' });
  assert.equal(r.body.status, 'rehandling');
  assert.equal(r.body.assignments[0].due_at, T('2026-10-28'));
  assert.equal(r.body.assignments[0].status, 'in_handling');
  r = await c.act('unit', s.id, { action: 'reply', class: 'B', text: '计划于2027年3月前完成安装' });
  assert.equal(r.body.status, 'replied');
  r = await c.act('deputy', s.id, { action: 'evaluate', attitude: 'satisfied', result: 'basically_satisfied' });
  assert.equal(r.body.status, 'evaluated');
  assert.deepEqual(r.body.evaluations.map((v) => [v.attitude, v.result]),
    [['satisfied', 'dissatisfied'], ['satisfied', 'basically_satisfied']]);
  // a B reply is followed until done
  isError(await c.act('admin', s.id, { action: 'close' }), 409, 'follow_up_required');
  r = await c.act('unit', s.id, { action: 'follow_up', note: '已完成招标' });
  assert.equal(r.body.status, 'following_up');
  isError(await c.act('admin', s.id, { action: 'close' }), 409, 'follow_up_open');
  r = await c.act('unit', s.id, { action: 'follow_up', note: '路灯已安装并投入使用', done: true });
  assert.deepEqual(r.body.follow_ups.map((f) => f.done), [false, true]);
  isError(await c.act('unit', s.id, { action: 'follow_up', note: '再次回访' }), 409, 'follow_up_done');
  r = await c.act('admin', s.id, { action: 'close' });
  assert.equal(r.body.status, 'closed');
  assert.equal(r.body.closed_at, '2026-09-28T10:00:00+08:00');
  assert.deepEqual(r.body.timeline.map((e) => e.action), ['create', 'submit', 'accept', 'assign', 'co_opinion',
    'log_contact', 'reply', 'evaluate', 'reply', 'evaluate', 'follow_up', 'follow_up', 'close']);
  for (const e of r.body.timeline) assert.deepEqual(Object.keys(e).sort(), ['action', 'actor_role', 'at', 'note']);
  // the assignment list of the office: the dates are the contract's
  const audit = await ctx.srv.get(`/api/v1/audit?entity=suggestion&id=${s.id}&limit=100`, as(ctx.s.admin));
  assert.equal(audit.status, 200, audit.text);
  assert.deepEqual(audit.body.items.map((e) => e.action), ['suggestion.create', 'suggestion.submit',
    'suggestion.accept', 'suggestion.assign', 'suggestion.co_opinion', 'suggestion.log_contact',
    'suggestion.reply', 'suggestion.evaluate', 'suggestion.reply', 'suggestion.evaluate',
    'suggestion.follow_up', 'suggestion.follow_up', 'suggestion.close']);
  assert.equal(audit.body.items[3].actor_role, 'admin');
});

test('every lead unit replies before the suggestion is replied; co units give opinions', async () => {
  const s = await driveTo(ctx, 'accepted');
  let r = await c.act('admin', s.id, { action: 'assign', units: [
    { unit_id: ctx.ids.U1, role: 'lead' }, { unit_id: ctx.ids.U3, role: 'lead' }, { unit_id: ctx.ids.U2, role: 'co' }] });
  assert.equal(r.status, 200, r.text);
  await c.act('unit', s.id, bodyFor(ctx, 'log_contact'));
  r = await c.act('unit', s.id, { action: 'reply', class: 'A', text: '已解决' });
  assert.equal(r.body.status, 'in_handling');
  isError(await c.act('unit', s.id, { action: 'reply', class: 'A', text: '再次答复' }), 409, 'already_replied');
  isError(await c.act('unit2', s.id, { action: 'reply', class: 'A', text: '协办单位不答复' }), 403, 'forbidden');
  isError(await c.act('unit3', s.id, { action: 'reply', class: 'A', text: '未沟通' }), 409, 'contact_required');
  await c.act('unit3', s.id, { action: 'log_contact', stage: 'after', mode: 'visit', note: '' });
  r = await c.act('unit3', s.id, { action: 'reply', class: 'A', text: '已解决' });
  assert.equal(r.body.status, 'replied');
  assert.deepEqual(r.body.assignments.map((a) => [a.unit_id, a.status]),
    [[ctx.ids.U1, 'replied'], [ctx.ids.U3, 'replied'], [ctx.ids.U2, 'assigned']]);
});

test('return requests and extensions, decided by the office; the deputy is told of an extension', async () => {
  let s = await driveTo(ctx, 'assigned');
  let r = await c.act('unit', s.id, bodyFor(ctx, 'request_return'));
  assert.equal(r.body.assignments[0].status, 'return_requested');
  assert.equal(r.body.status, 'assigned', 'asking to return it is not handling it');
  isError(await c.act('unit', s.id, bodyFor(ctx, 'request_return')), 409, 'return_already_requested');
  isError(await c.act('unit', s.id, bodyFor(ctx, 'log_contact')), 409, 'return_pending');
  isError(await c.act('admin', s.id, { action: 'decide_return', approve: true, units: [] }), 400, 'lead_unit_required', 'units');
  r = await c.act('admin', s.id, { action: 'decide_return', approve: true, units: [{ unit_id: ctx.ids.U3, role: 'lead' }] });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body.assignments.map((a) => [a.unit_id, a.role, a.status, a.active]),
    [[ctx.ids.U1, 'lead', 'returned', false], [ctx.ids.U2, 'co', 'assigned', true], [ctx.ids.U3, 'lead', 'assigned', true]]);
  assert.equal(r.body.assignments[2].due_at, T('2026-12-28'));
  isError(await c.get('unit', s.id), 404, 'not_found'); // the unit let it go
  assert.equal((await c.get('unit3', s.id)).status, 200);
  isError(await c.act('admin', s.id, { action: 'decide_return', approve: false }), 409, 'no_return_request');

  s = await driveTo(ctx, 'in_handling');
  isError(await c.act('unit', s.id, { action: 'request_extension', months: 4, reason: '太久' }), 400, 'invalid_months', 'months');
  isError(await c.act('unit2', s.id, bodyFor(ctx, 'request_extension')), 403, 'forbidden');
  r = await c.act('unit', s.id, { action: 'request_extension', months: 2, reason: '涉及多个部门' });
  assert.deepEqual(r.body.assignments[0].extension, { months: 2, status: 'requested', reason: '涉及多个部门' });
  isError(await c.act('unit', s.id, bodyFor(ctx, 'request_extension')), 409, 'extension_pending');
  r = await c.act('admin', s.id, { action: 'decide_extension', approve: true });
  // 2026-12-28 + 2 months = 2027-02-28, a Sunday of a year without a calendar yet
  assert.equal(r.body.assignments[0].due_at, T('2027-03-01'));
  assert.equal(r.body.assignments[0].due_provisional, true);
  assert.equal(r.body.assignments[0].extension.status, 'approved');
  assert.match(r.body.timeline.at(-1).note, /延长|延至/);
  isError(await c.act('unit', s.id, bodyFor(ctx, 'request_extension')), 409, 'extension_already_used');
  const inbox = await ctx.srv.get('/api/v1/inbox?limit=100', as(ctx.s.deputy));
  assert.equal(inbox.status, 200, inbox.text);
  assert.ok(inbox.body.items.some((m) => m.suggestion_id === s.id && /2027-03-01/.test(m.message)),
    'the deputy is told of the new date');
});

test('withdrawal before a reply needs every signer; a key suggestion has its leader', async () => {
  const s = await driveTo(ctx, 'in_handling');
  let r = await c.act('deputy2', s.id, { action: 'withdraw', reason: '已解决' });
  assert.equal(r.body.status, 'in_handling');
  assert.match(r.body.timeline.at(-1).note, /1\/2/);
  isError(await c.act('admin', s.id, { action: 'mark_key', leader_id: ctx.s.admin.user.id, committee: '城建环保工委' }), 400, 'unknown_leader', 'leader_id');
  isError(await c.act('admin', s.id, { action: 'mark_key', leader_id: 999999, committee: '城建环保工委' }), 400, 'unknown_leader', 'leader_id');
  r = await c.act('admin', s.id, bodyFor(ctx, 'mark_key'));
  assert.deepEqual(r.body.key, { leader_id: ctx.ids.leader, committee: '城建环保工委' });
  r = await c.act('leader', s.id, { action: 'supervise', note: '请于月底前报告进展' });
  assert.equal(r.body.timeline.at(-1).actor_role, 'leader');
  r = await c.act('deputy', s.id, { action: 'withdraw', reason: '已解决' });
  assert.equal(r.body.status, 'withdrawn');
  isError(await c.act('deputy', s.id, bodyFor(ctx, 'withdraw')), 409, 'invalid_transition');
  const replied = await driveTo(ctx, 'replied');
  const w = await c.act('deputy', replied.id, bodyFor(ctx, 'withdraw'));
  isError(w, 409, 'invalid_transition');
  assert.deepEqual(w.body.error.allowed, ['evaluate']);
});

test('publication: the public sees published suggestions only, without personal data', async () => {
  const s = await driveTo(ctx, 'replied');
  for (const l of ['anon', 'resident', 'procurator', 'deputy3', 'unit3'])
    isError(await c.get(l, s.id), 404, 'not_found');
  const before = await c.list('anon', '?limit=100');
  assert.ok(!before.body.items.some((x) => x.id === s.id));
  const r = await c.act('admin', s.id, { action: 'publish' });
  assert.equal(r.body.published, true);
  assert.equal(r.body.published_at, '2026-09-28T10:00:00+08:00');
  isError(await c.act('admin', s.id, { action: 'publish' }), 409, 'already_published');
  // the deputies' phones are in the record, for the office and the deputy
  assert.ok(ctx.phones.length >= 1);
  const full = await c.get('admin', s.id);
  assert.ok(ctx.phones.some((p) => full.text.includes(p)), 'admin sees the phones');
  for (const l of ['anon', 'resident', 'procurator', 'deputy3', 'unit3', 'street']) {
    const g = await c.get(l, s.id);
    assert.equal(g.status, 200, `${l}: ${g.text}`);
    for (const p of ctx.phones) assert.ok(!g.text.includes(p), `${l} sees no phone`);
    for (const sg of g.body.signers) assert.ok(!('phone' in sg));
    if (l === 'street') continue; // staff see the full record, phones aside
    assert.ok(!('concern_ids' in g.body) && !('reason' in g.body));
    for (const e of g.body.timeline) assert.deepEqual(Object.keys(e).sort(), ['action', 'actor_role', 'at']);
    for (const a of g.body.assignments) assert.ok(!('contacts' in a) && !('co_opinion' in a));
    assert.deepEqual(g.body.assignments[0].reply.class, 'B');
  }
  const list = await c.list('anon', '?limit=100');
  assert.ok(list.body.items.some((x) => x.id === s.id));
  for (const x of list.body.items) assert.equal(x.published, true);
  for (const p of ctx.phones) assert.ok(!list.text.includes(p));
});

test('lists: each caller sees their own; filters status=, year=, unit=; paging', async () => {
  const mine = await driveTo(ctx, 'assigned');
  const draft = await driveTo(ctx, 'draft');
  const ids = async (login, q = '') => (await ctx.srv.getAll(`/api/v1/suggestions${q}`, as(ctx.s[login]))).map((x) => x.id);
  assert.ok((await ids('deputy')).includes(draft.id));
  assert.ok((await ids('deputy2')).includes(draft.id));
  for (const l of ['admin', 'leader', 'street', 'community', 'unit']) assert.ok(!(await ids(l)).includes(draft.id), l);
  for (const l of ['admin', 'leader', 'street', 'community', 'unit', 'unit2', 'deputy', 'deputy2'])
    assert.ok((await ids(l)).includes(mine.id), l);
  for (const l of ['deputy3', 'unit3', 'resident', 'procurator']) assert.ok(!(await ids(l)).includes(mine.id), l);
  const unpublished = (await ctx.srv.getAll('/api/v1/suggestions', {})).filter((x) => !x.published);
  assert.deepEqual(unpublished, []);
  // filters
  const assigned = await ctx.srv.getAll('/api/v1/suggestions?status=assigned', as(ctx.s.admin));
  assert.ok(assigned.length >= 1 && assigned.every((x) => x.status === 'assigned'));
  assert.ok(assigned.some((x) => x.id === mine.id));
  assert.ok((await ids('admin', '?year=2026')).includes(mine.id));
  assert.deepEqual(await ids('admin', '?year=2025'), []);
  assert.ok((await ids('admin', `?unit=${ctx.ids.U1}`)).includes(mine.id));
  assert.ok(!(await ids('admin', `?unit=${ctx.ids.U3}`)).includes(mine.id));
  // a unit's list: what it handles now, and what is public
  const byUnit = await ids('admin', `?unit=${ctx.ids.U1}`);
  for (const x of await ctx.srv.getAll('/api/v1/suggestions', as(ctx.s.unit)))
    assert.ok(x.published || byUnit.includes(x.id), `unit sees ${x.id}`);
  // newest first, in pages
  const page = await c.list('admin', '?limit=2');
  assert.equal(page.status, 200);
  assert.equal(page.body.items.length, 2);
  assert.ok(page.body.items[0].id > page.body.items[1].id);
  assert.equal(typeof page.body.next_cursor, 'string');
  const next = await c.list('admin', `?limit=2&cursor=${page.body.next_cursor}`);
  assert.ok(next.body.items[0].id < page.body.items[1].id);
  for (const [q, field] of [['?status=bogus', 'status'], ['?year=abc', 'year'], ['?year=1999', 'year'],
    ['?unit=0', 'unit'], ['?limit=0', 'limit'], ['?limit=101', 'limit']])
    isError(await c.list('admin', q), 400, undefined, field);
});

test('public ratings (网上评): once per resident or client address, published results only', async () => {
  const s = await driveTo(ctx, 'evaluated');
  isError(await ctx.srv.post(`/api/v1/suggestions/${s.id}/ratings`, { value: 'satisfied' }), 404, 'not_found');
  await c.act('admin', s.id, { action: 'publish' });
  const rate = (login, value) => ctx.srv.post(`/api/v1/suggestions/${s.id}/ratings`, { value }, as(ctx.s[login]));
  let r = await rate('anon', 'satisfied');
  assert.equal(r.status, 201, r.text);
  assert.deepEqual(r.body.public_rating, { satisfied: 1, basically_satisfied: 0, dissatisfied: 0 });
  isError(await rate('anon', 'dissatisfied'), 409, 'already_rated');
  r = await rate('resident', 'basically_satisfied');
  assert.equal(r.status, 201, r.text);
  isError(await rate('resident', 'satisfied'), 409, 'already_rated');
  for (const l of ['deputy', 'admin', 'unit']) isError(await rate(l, 'satisfied'), 403, 'residents_only');
  isError(await rate('anon', 'great'), 400, 'invalid_rating', 'value');
  isError(await ctx.srv.post(`/api/v1/suggestions/${s.id}/ratings`, { value: 'satisfied', name: 'x' }), 400, 'unknown_field', 'name');
  isError(await ctx.srv.post(`/api/v1/suggestions/${s.id}/ratings`, {}), 400, 'missing_field', 'value');
  isError(await ctx.srv.post('/api/v1/suggestions/999999/ratings', { value: 'satisfied' }), 404);
  const g = await c.get('anon', s.id);
  assert.deepEqual(g.body.public_rating, { satisfied: 1, basically_satisfied: 1, dissatisfied: 0 });
  const stored = sql(ctx.srv, `SELECT rater FROM public_ratings WHERE suggestion_id = ${s.id} ORDER BY rater`).split('\n');
  assert.equal(stored.length, 2);
  assert.match(stored[0], /^addr:[0-9a-f]{64}$/, 'an address is kept only as a hash');
  assert.equal(stored[1], `user:${ctx.s.resident.user.id}`);
});

test('two clerks assigning the same suggestion at once: one succeeds, the other gets 409', async () => {
  for (let round = 0; round < 6; round++) {
    const s = await driveTo(ctx, 'accepted');
    const [a, b] = await Promise.all([
      c.act('admin', s.id, bodyFor(ctx, 'assign')),
      c.act('admin2', s.id, { action: 'assign', units: [{ unit_id: ctx.ids.U3, role: 'lead' }] }),
    ]);
    const statuses = [a.status, b.status].sort();
    assert.deepEqual(statuses, [200, 409], `${a.text} / ${b.text}`);
    const lost = a.status === 409 ? a : b;
    isError(lost, 409, 'invalid_transition');
    assert.deepEqual(lost.body.error.allowed, allowedFor('admin', 'assigned'));
    const g = (await c.get('admin', s.id)).body;
    assert.equal(g.status, 'assigned');
    const winner = a.status === 200 ? [ctx.ids.U1, ctx.ids.U2] : [ctx.ids.U3];
    assert.deepEqual(g.assignments.map((x) => x.unit_id), winner);
    assert.equal(g.timeline.filter((e) => e.action === 'assign').length, 1);
  }
});

// ---- editing a draft (PATCH) and co-signing (联名) -----------------------------

test('PATCH in every state, by every login: 401, 404, 403 or 409 with allowed — and the author edits a draft', async () => {
  const variants = STATES.map((state) => ({ state, published: false }));
  variants.push({ state: 'closed', published: true });
  let probed = 0;
  for (const { state, published } of variants) {
    const s = await driveTo(ctx, state);
    if (published) assert.equal((await c.act('admin', s.id, { action: 'publish' })).status, 200);
    const opts = { published };
    const before = (await c.get('deputy', s.id)).body;
    for (const login of LOGINS) {
      const want = expectation(login, state, 'edit', opts);
      if (want === 'allowed') continue;
      const r = await c.edit(login, s.id, { title: '改过的标题' });
      const where = `${login} PATCH in ${state}${published ? ' (published)' : ''}`;
      assert.equal(r.status, want, `${where}: ${r.text}`);
      if (want === 409) {
        isError(r, 409, 'invalid_transition');
        assert.deepEqual(r.body.error.allowed, allowedFor(login, state, opts), `${where}: allowed`);
      }
      probed++;
    }
    const after = (await c.get('deputy', s.id)).body;
    assert.equal(after.title, before.title, `nothing refused changed the title in ${state}`);
    assert.equal(after.timeline.length, before.timeline.length);
  }
  assert.ok(probed > 100, `probed ${probed}`);
  // the author's edit: only the fields given change; audit and timeline
  const d = (await c.create('deputy')).body;
  const r = await c.edit('deputy', d.id, { title: '关于江汉路北段增设路灯的建议', body: '新的正文。\n第二段。' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.title, '关于江汉路北段增设路灯的建议');
  assert.equal(r.body.body, '新的正文。\n第二段。');
  assert.equal(r.body.category, '城市建设与管理');
  assert.equal(r.body.status, 'draft');
  assert.deepEqual(r.body.timeline.map((e) => [e.action, e.actor_role, e.note]),
    [['create', 'deputy', ''], ['edit', 'deputy', '修改了标题、正文']]);
  const audit = await ctx.srv.get(`/api/v1/audit?entity=suggestion&id=${d.id}`, as(ctx.s.admin));
  assert.equal(audit.status, 200, audit.text);
  const entry = audit.body.items.find((e) => e.action === 'suggestion.edit');
  assert.ok(entry, 'an audit entry suggestion.edit');
  // the same validation as POST
  isError(await c.edit('deputy', d.id, {}), 400, 'missing_field');
  isError(await c.edit('deputy', d.id, { title: '' }), 400, 'missing_field', 'title');
  isError(await c.edit('deputy', d.id, { title: 'x'.repeat(201) }), 400, 'too_long', 'title');
  isError(await c.edit('deputy', d.id, { category: '不存在的类别' }), 400, 'unknown_category', 'category');
  isError(await c.edit('deputy', d.id, { co_signer_ids: [ctx.ids.D1] }), 400, 'unknown_deputy', 'co_signer_ids');
  isError(await c.edit('deputy', d.id, { co_signer_ids: [999999] }), 400, 'unknown_deputy', 'co_signer_ids');
  isError(await c.edit('deputy', d.id, { co_signer_ids: [ctx.ids.D2, ctx.ids.D2] }), 400, 'duplicate_id', 'co_signer_ids');
  isError(await c.edit('deputy', d.id, { concern_ids: [999999] }), 400, 'invalid_concern', 'concern_ids');
  isError(await c.edit('deputy', d.id, { status: 'submitted' }), 400, 'unknown_field');
  // a rejected edit changed nothing (the co-signer check comes after the title)
  isError(await c.edit('deputy', d.id, { title: '不该保存的标题', co_signer_ids: [999999] }), 400, 'unknown_deputy');
  assert.equal((await c.get('deputy', d.id)).body.title, '关于江汉路北段增设路灯的建议');
  // the same edit again (a form sent twice) records nothing
  const again = await c.edit('deputy', d.id, { title: '关于江汉路北段增设路灯的建议', body: '新的正文。\n第二段。' });
  assert.equal(again.status, 200, again.text);
  assert.equal(again.body.timeline.length, 2);
  const audit2 = await ctx.srv.get(`/api/v1/audit?entity=suggestion&id=${d.id}`, as(ctx.s.admin));
  assert.equal(audit2.body.items.filter((e) => e.action === 'suggestion.edit').length, 1);
  // POST /actions does not take edit
  isError(await c.act('deputy', d.id, { action: 'edit' }), 400, 'unknown_action', 'action');
});

test('co-signers confirm or decline; the author re-lists them; submit keeps the confirmed ones', async () => {
  const d = (await c.create('deputy', { co_signer_ids: [ctx.ids.D2, ctx.ids.D3] })).body;
  assert.deepEqual(d.signers.map((g) => [g.deputy_id, g.status]),
    [[ctx.ids.D1, 'confirmed'], [ctx.ids.D2, 'named'], [ctx.ids.D3, 'named']]);
  // both named deputies see the draft and are offered the co-signature (not
  // the withdrawal: only signers withdraw, and they have not signed yet)
  for (const l of ['deputy2', 'deputy3']) {
    const g = await c.get(l, d.id);
    assert.equal(g.status, 200);
    assert.deepEqual(g.body.actions, ['cosign', 'decline_cosign']);
  }
  let r = await c.act('deputy2', d.id, { action: 'cosign' });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body.signers.find((g) => g.deputy_id === ctx.ids.D2).status, 'confirmed');
  assert.equal(r.body.signers.find((g) => g.deputy_id === ctx.ids.D2).answered_at, '2026-09-28T10:00:00+08:00');
  // twice: 409, and no second timeline entry
  const n = r.body.timeline.length;
  isError(await c.act('deputy2', d.id, { action: 'cosign' }), 409, 'already_cosigned');
  isError(await c.act('deputy3', d.id, { action: 'decline_cosign' }), 400, 'missing_field', 'reason');
  r = await c.act('deputy3', d.id, { action: 'decline_cosign', reason: '不熟悉该片区' });
  assert.equal(r.status, 200, r.text);
  const d3 = r.body.signers.find((g) => g.deputy_id === ctx.ids.D3);
  assert.deepEqual([d3.status, d3.decline_reason], ['declined', '不熟悉该片区']);
  assert.equal(r.body.timeline.length, n + 1);
  isError(await c.act('deputy3', d.id, bodyFor(ctx, 'decline_cosign')), 409, 'already_declined');
  // the author is told in the inbox
  const inbox = await ctx.srv.get('/api/v1/inbox?limit=100', as(ctx.s.deputy));
  assert.equal(inbox.status, 200, inbox.text);
  assert.ok(inbox.body.items.some((m) => m.suggestion_id === d.id && /不同意联名.*不熟悉该片区/.test(m.message)),
    'the author hears of the decline');
  // an edit keeps the status of those who stay; a new one is named
  r = await c.edit('deputy', d.id, { co_signer_ids: [ctx.ids.D3, ctx.ids.D2] });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body.signers.map((g) => [g.deputy_id, g.status]),
    [[ctx.ids.D1, 'confirmed'], [ctx.ids.D2, 'confirmed'], [ctx.ids.D3, 'declined']]);
  assert.equal(r.body.timeline.length, n + 1, 'the same people: nothing changed, nothing recorded');
  r = await c.edit('deputy', d.id, { co_signer_ids: [ctx.ids.D2] });
  assert.deepEqual(r.body.signers.map((g) => [g.deputy_id, g.status]),
    [[ctx.ids.D1, 'confirmed'], [ctx.ids.D2, 'confirmed']]);
  assert.equal(r.body.timeline.at(-1).note, '修改了联名代表');
  isError(await c.get('deputy3', d.id), 404, 'not_found'); // no longer named: no longer sees it
  r = await c.edit('deputy', d.id, { co_signer_ids: [ctx.ids.D2, ctx.ids.D3] });
  assert.equal(r.body.signers.find((g) => g.deputy_id === ctx.ids.D3).status, 'named', 'named again, afresh');
  // submit: D2 confirmed stays, D3 (named, unanswered) is dropped
  r = await c.act('deputy', d.id, { action: 'submit' });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body.signers.map((g) => [g.deputy_id, g.status]), [[ctx.ids.D1, 'confirmed'], [ctx.ids.D2, 'confirmed']]);
  assert.match(r.body.timeline.at(-1).note, /联名代表 1 位确认,1 位未确认联名的不再列为联名人/);
  isError(await c.get('deputy3', d.id), 404, 'not_found');
  // after submission: nothing to confirm, nothing to edit
  isError(await c.act('deputy2', d.id, { action: 'cosign' }), 409, 'invalid_transition');
  isError(await c.edit('deputy', d.id, { title: '提交后再改' }), 409, 'invalid_transition');
});

test('withdrawing a jointly signed draft: the author and the co-signers who confirmed; named or declined ones neither block nor withdraw', async () => {
  // a fourth deputy with a login, to have one confirmed, one named and one declined
  const all = await ctx.srv.getAll('/api/v1/deputies', as(ctx.s.admin));
  const D4 = all.find((x) => ![ctx.ids.D1, ctx.ids.D2, ctx.ids.D3].includes(x.id)).id;
  const added = cli(['user', 'add', '--db', ctx.srv.db, '--login', 'deputy4', '--role', 'deputy',
    '--scope', String(D4), '--password-stdin'], { input: 'youyue-demo\n' });
  assert.equal(added.status, 0, added.stderr);
  ctx.s.deputy4 = await ctx.srv.login('deputy4');
  const d = (await c.create('deputy', { co_signer_ids: [ctx.ids.D2, ctx.ids.D3, D4] })).body;
  assert.equal((await c.act('deputy2', d.id, { action: 'cosign' })).status, 200);
  assert.equal((await c.act('deputy4', d.id, bodyFor(ctx, 'decline_cosign'))).status, 200);
  let r = await c.get('deputy', d.id);
  assert.deepEqual(r.body.signers.map((g) => [g.deputy_id, g.status]),
    [[ctx.ids.D1, 'confirmed'], [ctx.ids.D2, 'confirmed'], [ctx.ids.D3, 'named'], [D4, 'declined']]);
  const n = r.body.timeline.length;
  // the named and the declined one are not offered the withdrawal, and are refused it
  assert.deepEqual((await c.get('deputy2', d.id)).body.actions, ['withdraw', 'cosign', 'decline_cosign']);
  for (const l of ['deputy3', 'deputy4']) {
    assert.deepEqual((await c.get(l, d.id)).body.actions, ['cosign', 'decline_cosign'], l);
    isError(await c.act(l, d.id, bodyFor(ctx, 'withdraw')), 403, 'forbidden');
  }
  r = await c.get('deputy', d.id);
  assert.equal(r.body.status, 'draft');
  assert.equal(r.body.timeline.length, n, 'the refusals recorded nothing');
  assert.ok(r.body.signers.every((g) => g.withdraw_agreed === false));
  // the author and the confirmed co-signer suffice
  r = await c.act('deputy', d.id, bodyFor(ctx, 'withdraw'));
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.status, 'draft');
  assert.match(r.body.timeline.at(-1).note, /^1\/2 位代表同意撤回/);
  r = await c.act('deputy2', d.id, { action: 'withdraw', reason: '已由街道解决' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.status, 'withdrawn');
  assert.equal(r.body.reason, '已由街道解决');
  assert.match(r.body.timeline.at(-1).note, /^2\/2 位代表同意撤回/);
  assert.deepEqual(r.body.signers.map((g) => g.withdraw_agreed), [true, true, false, false]);
  assert.equal(sql(ctx.srv, `SELECT count(*) FROM suggestion_signers WHERE suggestion_id = ${d.id} AND withdraw_agreed = 1`), '2');
  isError(await c.act('deputy3', d.id, bodyFor(ctx, 'withdraw')), 409, 'invalid_transition');

  // the author agreed; the one confirmed co-signer then declines: asking
  // again withdraws it (nobody else's agreement is missing any more)
  const e = (await c.create('deputy', { co_signer_ids: [ctx.ids.D2] })).body;
  assert.equal((await c.act('deputy2', e.id, { action: 'cosign' })).status, 200);
  r = await c.act('deputy', e.id, bodyFor(ctx, 'withdraw'));
  assert.equal(r.body.status, 'draft');
  isError(await c.act('deputy', e.id, bodyFor(ctx, 'withdraw')), 409, 'withdrawal_already_agreed');
  assert.equal((await c.act('deputy2', e.id, bodyFor(ctx, 'decline_cosign'))).status, 200);
  r = await c.act('deputy', e.id, bodyFor(ctx, 'withdraw'));
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.status, 'withdrawn');
});

test('a co-signer who agreed to withdraw, then declined and confirmed again, must agree anew: the author alone does not withdraw', async () => {
  const d = (await c.create('deputy', { co_signer_ids: [ctx.ids.D2] })).body;
  assert.equal((await c.act('deputy2', d.id, { action: 'cosign' })).status, 200);
  const agreedIn = (id) => sql(ctx.srv,
    `SELECT withdraw_agreed FROM suggestion_signers WHERE suggestion_id = ${d.id} AND deputy_id = ${id}`);
  let r = await c.act('deputy2', d.id, bodyFor(ctx, 'withdraw'));
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.status, 'draft');
  assert.match(r.body.timeline.at(-1).note, /^1\/2 位代表同意撤回/);
  assert.equal(agreedIn(ctx.ids.D2), '1');
  // declining ends that agreement, in the database too
  r = await c.act('deputy2', d.id, bodyFor(ctx, 'decline_cosign'));
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body.signers.map((g) => [g.deputy_id, g.status, g.withdraw_agreed]),
    [[ctx.ids.D1, 'confirmed', false], [ctx.ids.D2, 'declined', false]]);
  assert.equal(agreedIn(ctx.ids.D2), '0');
  // confirmed again: a signer whose agreement is missing
  r = await c.act('deputy2', d.id, { action: 'cosign' });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body.signers.map((g) => [g.status, g.withdraw_agreed]),
    [['confirmed', false], ['confirmed', false]]);
  assert.equal(agreedIn(ctx.ids.D2), '0');
  assert.deepEqual((await c.get('deputy2', d.id)).body.actions, ['withdraw', 'cosign', 'decline_cosign']);
  // the author's agreement is one of two: still a draft
  r = await c.act('deputy', d.id, bodyFor(ctx, 'withdraw'));
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.status, 'draft');
  assert.match(r.body.timeline.at(-1).note, /^1\/2 位代表同意撤回/);
  assert.deepEqual(r.body.signers.map((g) => g.withdraw_agreed), [true, false]);
  // asking again does not count the author twice
  isError(await c.act('deputy', d.id, bodyFor(ctx, 'withdraw')), 409, 'withdrawal_already_agreed');
  assert.equal((await c.get('deputy', d.id)).body.status, 'draft');
  // the co-signer's new agreement completes it
  r = await c.act('deputy2', d.id, { action: 'withdraw', reason: '已由街道解决' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.status, 'withdrawn');
  assert.match(r.body.timeline.at(-1).note, /^2\/2 位代表同意撤回/);
  assert.deepEqual(r.body.timeline.filter((e) => e.action === 'withdraw').map((e) => e.note.slice(0, 11)),
    ['1/2 位代表同意撤回', '1/2 位代表同意撤回', '2/2 位代表同意撤回']);
  assert.equal(sql(ctx.srv, `SELECT count(*) FROM suggestion_signers WHERE suggestion_id = ${d.id} AND withdraw_agreed = 1`), '2');
});

test('PATCH concern_ids: a new open concern is converted as on POST, an unlinked one goes back to claimed', async () => {
  const station = (await ctx.srv.get(`/api/v1/deputies/${ctx.ids.D1}`, as(ctx.s.admin))).body.station_ids[0];
  const raise = async (title) => {
    const r = await ctx.srv.post('/api/v1/concerns', { title, body: `${title},请代表协调。`, category: '城市建设与管理', station_id: station, source: 'online' });
    assert.equal(r.status, 201, r.text);
    return r.body.id;
  };
  const a = await raise('小区路灯不亮'), b = await raise('路面坑洼');
  const d = (await c.create('deputy', { concern_ids: [a] })).body;
  const concern = async (id) => (await ctx.srv.get(`/api/v1/concerns/${id}`, as(ctx.s.deputy))).body;
  assert.equal((await concern(a)).status, 'converted');
  assert.equal((await concern(b)).status, 'new');
  const r = await c.edit('deputy', d.id, { concern_ids: [b] });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body.concern_ids, [b]);
  assert.equal(r.body.timeline.at(-1).note, '修改了关联的群众意见');
  assert.equal((await concern(b)).status, 'converted');
  assert.equal((await concern(b)).suggestion_id, d.id);
  const back = await concern(a);
  assert.equal(back.status, 'claimed', 'unlinked: back to its claimers');
  // a concern at another deputy's station, nobody's: refused, nothing changed
  const other = (await ctx.srv.get(`/api/v1/deputies/${ctx.ids.D3}`, as(ctx.s.admin))).body.station_ids
    .find((x) => x !== station);
  if (other) {
    const far = await ctx.srv.post('/api/v1/concerns', { title: '外站意见', body: '外站意见内容', category: '城市建设与管理', station_id: other, source: 'online' });
    isError(await c.edit('deputy', d.id, { concern_ids: [b, far.body.id] }), 400, 'invalid_concern', 'concern_ids');
    assert.deepEqual((await c.get('deputy', d.id)).body.concern_ids, [b]);
  }
  // concern_ids: [] unlinks all
  const e = await c.edit('deputy', d.id, { concern_ids: [] });
  assert.deepEqual(e.body.concern_ids, []);
  assert.equal((await concern(b)).status, 'claimed');
});
