// The rules issue 4 left open (docs/SUGGESTIONS.md, docs/CONCERNS.md):
//   - the written explanation (书面说明) at the end of a term, its guards, its
//     place on the timeline and in the public view, and the sweep's reminder;
//   - concerns follow the suggestion they became: resolved with the reply,
//     back to their claimers when it is returned as a letter or withdrawn;
//   - follow_up_classes and max_rehandlings as settings rows;
//   - public ratings on the timeline;
//   - which concerns a deputy may link (concern_ids).
// The server's clock reads 2026-09-28 10:00 (a Monday).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cli, isError } from './harness.mjs';
import { at, setup, client, as, sql, bodyFor, driveTo } from './sg_helpers.mjs';

const NOW = at('2026-09-28T10:00');
let ctx, c, station, otherStation;

const setting = (key, value) => sql(ctx.srv, `UPDATE settings SET value = '${value}' WHERE key = '${key}'`);

before(async () => {
  ctx = await setup(NOW);
  c = client(ctx);
  const dep = (await ctx.srv.get(`/api/v1/deputies/${ctx.ids.D1}`, as(ctx.s.admin))).body;
  station = dep.station_ids[0];
  const mine = new Set(dep.station_ids);
  // a station of the same street none of D1's stations is
  const stations = await ctx.srv.getAll('/api/v1/stations');
  const home = stations.find((x) => x.id === station);
  otherStation = (stations.find((x) => !mine.has(x.id) && x.street_id === home.street_id)
    || stations.find((x) => !mine.has(x.id))).id;
});
after(async () => { assert.equal(await ctx.srv.stop(), 0, 'server exits cleanly'); });

/** A new concern at a station (D1's by default), raised without a login. */
async function raise(over = {}) {
  const r = await ctx.srv.post('/api/v1/concerns', {
    title: '小区路灯损坏', body: '幸福小区三栋门前两盏路灯已坏了一个月', category: '城市建设与管理',
    station_id: station, source: 'station', contact_name: '张三丰', contact_phone: '13912345678', ...over,
  });
  assert.equal(r.status, 201, r.text);
  return r.body;
}
const cn = (login, id, body) => ctx.srv.post(`/api/v1/concerns/${id}/actions`, body, as(ctx.s[login]));
const concern = async (id) => (await ctx.srv.get(`/api/v1/concerns/${id}`, as(ctx.s.admin))).body;
const track = async (code) => (await ctx.srv.get(`/api/v1/concerns/track/${code}`)).body;
const count = (table) => Number(sql(ctx.srv, `SELECT count(*) FROM ${table}`));

// ---- concern_ids --------------------------------------------------------------

test('concern_ids: a deputy links open concerns of their stations and those they claimed; linking converts them', async () => {
  const open = await raise();
  const claimed = await raise({ title: '楼道漏水', body: '三栋楼道顶部漏水' });
  assert.equal((await cn('deputy', claimed.id, { action: 'claim' })).status, 200);
  const done = await raise({ title: '井盖松动', body: '小区门口井盖松动' });
  assert.equal((await cn('deputy', done.id, { action: 'claim' })).status, 200);
  assert.equal((await cn('admin', done.id, { action: 'resolve', result: '已更换井盖' })).status, 200);
  const r = await c.create('deputy', { concern_ids: [open.id, claimed.id, done.id] });
  assert.equal(r.status, 201, r.text);
  assert.deepEqual(r.body.concern_ids, [open.id, claimed.id, done.id]);
  for (const x of [open, claimed]) {
    const k = await concern(x.id);
    assert.equal(k.status, 'converted', 'linking an open one turns it into the suggestion');
    assert.equal(k.suggestion_id, r.body.id);
    assert.ok(k.claimers.some((g) => g.deputy_id === ctx.ids.D1), 'the deputy follows it');
    assert.deepEqual(k.timeline.at(-1).action, 'convert');
    assert.equal((await track(x.tracking_code)).status, 'converted', 'the resident sees it');
  }
  assert.equal((await concern(done.id)).status, 'resolved', 'a resolved one is only linked');
  const audit = await ctx.srv.get(`/api/v1/audit?entity=concern&id=${open.id}`, as(ctx.s.admin));
  assert.ok(audit.body.items.some((e) => e.action === 'concern.convert'), audit.text);
});

test('concern_ids: others are refused with 400 invalid_concern, and nothing is saved', async () => {
  const elsewhere = await raise({ station_id: otherStation, title: '别处的意见', body: '不在代表联络站的意见' });
  const declined = await raise({ title: '邻里纠纷', body: '邻居装修噪音' });
  assert.equal((await cn('admin', declined.id, { action: 'decline', reason: '属民事纠纷', redirect: '人民调解' })).status, 200);
  const original = await raise({ title: '路灯不亮', body: '幸福小区门口路灯不亮' });
  const dup = await raise({ title: '路灯不亮了', body: '幸福小区门口路灯不亮' });
  assert.equal((await cn('admin', dup.id, { action: 'merge', into: original.id })).status, 200);
  const conv = await raise({ title: '停车难', body: '小区停车位不足' });
  const cv = await cn('deputy', conv.id, { action: 'convert' });
  assert.equal(cv.status, 200, cv.text);
  const good = await raise({ title: '垃圾清运', body: '垃圾站清运不及时' });
  const suggestions = count('suggestions');
  for (const bad of [elsewhere.id, declined.id, dup.id, conv.id, 999999]) {
    const r = await c.create('deputy', { concern_ids: [good.id, bad] });
    isError(r, 400, 'invalid_concern', 'concern_ids');
    assert.equal(count('suggestions'), suggestions, 'no suggestion saved');
    assert.equal((await concern(good.id)).status, 'new', 'the good one is left as it was');
  }
  // a concern another deputy claimed at a station of the caller: the caller joins its claimers
  const d2 = await raise({ title: '健身器材损坏', body: '小区健身器材损坏' });
  const deputyStations = (await ctx.srv.get(`/api/v1/deputies/${ctx.ids.D2}`, as(ctx.s.admin))).body.station_ids;
  if (deputyStations.includes(station)) {
    assert.equal((await cn('deputy2', d2.id, { action: 'claim' })).status, 200);
    const r = await c.create('deputy', { concern_ids: [d2.id] });
    assert.equal(r.status, 201, r.text);
    assert.equal((await concern(d2.id)).status, 'converted');
  }
});

// ---- concerns follow their suggestion ----------------------------------------

test('the reply resolves the concerns that became the suggestion; the resident reads it and rates', async () => {
  const viaLink = await raise({ title: '路灯坏了', body: '幸福小区北门路灯坏了' });
  const s = await driveTo(ctx, 'assigned', { create: { concern_ids: [viaLink.id] } });
  // one converted by the concern's own action, into a draft of its own
  const viaConvert = await raise({ title: '路口信号灯', body: '小区路口缺少信号灯' });
  const made = await cn('deputy', viaConvert.id, { action: 'convert' });
  assert.equal(made.status, 200, made.text);
  const sid2 = made.body.suggestion_id;
  for (const [login, body] of [['deputy', bodyFor(ctx, 'submit')], ['admin', bodyFor(ctx, 'accept')],
    ['admin', bodyFor(ctx, 'assign')]])
    assert.equal((await c.act(login, sid2, body)).status, 200);
  // not before the reply
  assert.equal((await c.act('unit', s.id, bodyFor(ctx, 'log_contact'))).status, 200);
  assert.equal((await concern(viaLink.id)).status, 'converted');
  const r = await c.act('unit', s.id, { action: 'reply', class: 'B', text: '已列入明年道路照明改造计划' });
  assert.equal(r.body.status, 'replied');
  const k = await concern(viaLink.id);
  assert.equal(k.status, 'resolved');
  assert.ok(k.resolved_at, 'counted as resolved (解决率)');
  const t = await track(viaLink.tracking_code);
  assert.equal(t.status, 'resolved');
  assert.match(t.result, /B 类\(正在解决或列入计划逐步解决\)/);
  assert.match(t.result, /已列入明年道路照明改造计划/);
  const last = t.timeline.at(-1);
  assert.deepEqual([last.action, last.actor_role], ['resolve', 'system']);
  // no personal data: the result names no deputy; no phone, no resident's name
  const author = (await c.get('admin', s.id)).body.author.name;
  assert.ok(!t.result.includes(author), 'the result names no deputy');
  for (const p of [...ctx.phones, '张三丰', '13912345678'])
    assert.ok(!JSON.stringify(t).includes(p), `the tracking view does not show ${p}`);
  const audit = await ctx.srv.get(`/api/v1/audit?entity=concern&id=${viaLink.id}`, as(ctx.s.admin));
  assert.ok(audit.body.items.some((e) => e.action === 'concern.resolve' && e.actor_role === 'system'), audit.text);
  // the resident rates the result
  const rated = await cn('anon', viaLink.id, { action: 'rate', tracking_code: viaLink.tracking_code, value: 'basically_satisfied' });
  assert.equal(rated.status, 200, rated.text);
  // the other suggestion: answered A, its concern resolved too
  assert.equal((await c.act('unit', sid2, bodyFor(ctx, 'log_contact'))).status, 200);
  assert.equal((await c.act('unit', sid2, { action: 'reply', class: 'A', text: '已安装信号灯' })).body.status, 'replied');
  const k2 = await concern(viaConvert.id);
  assert.equal(k2.status, 'resolved');
  assert.match(k2.result, /A 类\(已解决或基本解决\):已安装信号灯/);
  // re-handling and the second reply leave the resolved concern as it is
  const again = await c.act('deputy', s.id, { action: 'evaluate', attitude: 'satisfied', result: 'dissatisfied', reason: '无时间表' });
  assert.equal(again.body.status, 'rehandling');
  assert.equal((await c.act('unit', s.id, { action: 'reply', class: 'B', text: '2027年3月前完成' })).body.status, 'replied');
  assert.equal((await concern(viaLink.id)).status, 'resolved');
});

test('returned as a letter or withdrawn: the concerns go back to their claimers, with a note', async () => {
  const a = await raise({ title: '广场舞噪音', body: '广场舞音响太吵' });
  const s1 = await driveTo(ctx, 'submitted', { create: { concern_ids: [a.id] } });
  assert.equal((await concern(a.id)).status, 'converted');
  assert.equal((await c.act('admin', s1.id, { action: 'return_as_letter', reason: '属于具体纠纷,作为来信处理' })).status, 200);
  let k = await concern(a.id);
  assert.equal(k.status, 'claimed');
  assert.ok(k.claimers.some((g) => g.deputy_id === ctx.ids.D1));
  const last = k.timeline.at(-1);
  assert.deepEqual([last.action, last.actor_role], ['reopen', 'system']);
  assert.match(last.note, /作为来信处理/);
  let t = await track(a.tracking_code);
  assert.equal(t.status, 'claimed');
  assert.ok(!JSON.stringify(t).includes('具体纠纷'), 'the letter reason is for staff');
  // the claimer takes it on again: resolves it, the resident rates
  assert.equal((await cn('deputy', a.id, { action: 'resolve', result: '协调社区调整活动时间' })).status, 200);
  assert.equal((await cn('anon', a.id, { action: 'rate', tracking_code: a.tracking_code, value: 'satisfied' })).status, 200);

  const b = await raise({ title: '电动车充电', body: '缺少电动车充电桩' });
  const s2 = await driveTo(ctx, 'in_handling', { create: { concern_ids: [b.id] } });
  assert.equal((await c.act('deputy', s2.id, bodyFor(ctx, 'withdraw'))).body.status, 'in_handling');
  assert.equal((await concern(b.id)).status, 'converted', 'one signer of two: not withdrawn yet');
  assert.equal((await c.act('deputy2', s2.id, bodyFor(ctx, 'withdraw'))).body.status, 'withdrawn');
  k = await concern(b.id);
  assert.equal(k.status, 'claimed');
  assert.match(k.timeline.at(-1).note, /撤回/);
  t = await track(b.tracking_code);
  assert.equal(t.status, 'claimed');
  // and it may become a suggestion again
  const again = await c.create('deputy', { concern_ids: [b.id] });
  assert.equal(again.status, 201, again.text);
  assert.equal((await concern(b.id)).status, 'converted');
  // reopen is the system's: not an action a caller may send
  isError(await cn('deputy', b.id, { action: 'reopen' }), 400, 'invalid_action', 'action');
});

// ---- public ratings on the timeline --------------------------------------------

test('a public rating leaves a timeline entry in the role resident, without who', async () => {
  const s = await driveTo(ctx, 'evaluated');
  await c.act('admin', s.id, { action: 'publish' });
  const n = (await c.get('anon', s.id)).body.timeline.length;
  const r = await ctx.srv.post(`/api/v1/suggestions/${s.id}/ratings`, { value: 'satisfied' }, as(ctx.s.resident));
  assert.equal(r.status, 201, r.text);
  const pub = (await c.get('anon', s.id)).body;
  assert.equal(pub.timeline.length, n + 1);
  assert.deepEqual(pub.timeline.at(-1), { at: '2026-09-28T10:00:00+08:00', action: 'rate', actor_role: 'resident' });
  const full = (await c.get('admin', s.id)).body.timeline.at(-1);
  assert.equal(full.note, '满意');
  const resident = ctx.s.resident.user;
  assert.deepEqual(Object.keys(full).sort(), ['action', 'actor_role', 'at', 'note']);
  for (const p of [resident.name, 'user:', 'addr:'].filter(Boolean))
    assert.ok(!full.note.includes(p), 'no rater in the entry');
  // a refused rating leaves none
  isError(await ctx.srv.post(`/api/v1/suggestions/${s.id}/ratings`, { value: 'satisfied' }, as(ctx.s.resident)), 409, 'already_rated');
  assert.equal((await c.get('anon', s.id)).body.timeline.length, n + 1);
});

// ---- settings rows ---------------------------------------------------------------

test('follow_up_classes and max_rehandlings are settings rows; changing them changes the rules', async () => {
  assert.equal(sql(ctx.srv, "SELECT value FROM settings WHERE key = 'follow_up_classes'"), 'B,C');
  assert.equal(sql(ctx.srv, "SELECT value FROM settings WHERE key = 'max_rehandlings'"), '1');
  assert.equal(sql(ctx.srv, "SELECT value FROM settings WHERE key = 'term_ends_on'"), '');
  // by default a B reply must be followed up before closing
  let s = await driveTo(ctx, 'evaluated');
  isError(await c.act('admin', s.id, { action: 'close' }), 409, 'follow_up_required');
  try {
    setting('follow_up_classes', 'C');
    assert.equal((await c.act('admin', s.id, { action: 'close' })).body.status, 'closed');
    setting('max_rehandlings', '0');
    s = await driveTo(ctx, 'replied');
    const r = await c.act('deputy', s.id, { action: 'evaluate', attitude: 'satisfied', result: 'dissatisfied', reason: '未落实' });
    assert.equal(r.body.status, 'evaluated', 'no re-handling round configured');
    setting('max_rehandlings', '2');
    s = await driveTo(ctx, 'replied');
    for (const want of ['rehandling', 'rehandling', 'evaluated']) {
      const e = await c.act('deputy', s.id, { action: 'evaluate', attitude: 'satisfied', result: 'dissatisfied', reason: '未落实' });
      assert.equal(e.body.status, want);
      if (want === 'rehandling')
        assert.equal((await c.act('unit', s.id, bodyFor(ctx, 'reply'))).body.status, 'replied');
    }
    setting('max_rehandlings', 'many');
    isError(await c.act('admin', s.id, { action: 'close' }), 500, 'invalid_setting');
  } finally {
    setting('follow_up_classes', 'B,C');
    setting('max_rehandlings', '1');
  }
});

// ---- the written explanation at the term's end -----------------------------------

test('explain: by the lead unit or the office, as the term ends, for a promise not done; then it may close', async () => {
  const s = await driveTo(ctx, 'following_up');
  const ex = bodyFor(ctx, 'explain');
  try {
    let r = await c.act('unit', s.id, ex);
    isError(r, 409, 'term_end_not_set');
    assert.deepEqual(r.body.error.allowed, ['follow_up']);
    setting('term_ends_on', '2026-12-31');
    r = await c.act('unit', s.id, ex);
    isError(r, 409, 'term_not_ending');
    assert.match(r.body.error.message, /2026-12-31/);
    isError(await c.act('admin', s.id, { action: 'close' }), 409, 'follow_up_open');
    // 10-09 is 4 working days ahead (09-29, 09-30, 10-08, 10-09): inside the window
    setting('term_ends_on', '2026-10-09');
    for (const l of ['unit2', 'deputy', 'leader']) isError(await c.act(l, s.id, ex), 403, 'forbidden');
    isError(await c.act('unit', s.id, { action: 'explain' }), 400, 'missing_field', 'text');
    r = await c.act('unit', s.id, ex);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.status, 'following_up');
    assert.deepEqual(r.body.explanation, { text: ex.text, at: '2026-09-28T10:00:00+08:00' });
    const last = r.body.timeline.at(-1);
    assert.deepEqual([last.action, last.actor_role], ['explain', 'unit_staff']);
    isError(await c.act('admin', s.id, ex), 409, 'already_explained');
    const inbox = await ctx.srv.get('/api/v1/inbox?limit=100', as(ctx.s.deputy));
    assert.ok(inbox.body.items.some((m) => m.suggestion_id === s.id && /书面说明/.test(m.message)));
    // published: the explanation and its entry are public, the entry without its note
    assert.equal((await c.act('admin', s.id, { action: 'publish' })).status, 200);
    const pub = (await c.get('anon', s.id)).body;
    assert.deepEqual(pub.explanation, { text: ex.text, at: '2026-09-28T10:00:00+08:00' });
    assert.deepEqual(pub.timeline.find((e) => e.action === 'explain'),
      { at: '2026-09-28T10:00:00+08:00', action: 'explain', actor_role: 'unit_staff' });
    r = await c.act('admin', s.id, { action: 'close' });
    assert.equal(r.body.status, 'closed');
    // a promise done needs none
    const done = await driveTo(ctx, 'following_up');
    assert.equal((await c.act('unit', done.id, { action: 'follow_up', note: '已完工', done: true })).status, 200);
    isError(await c.act('admin', done.id, ex), 409, 'follow_up_done');
    // the office records a unit's letter
    const other = await driveTo(ctx, 'following_up');
    r = await c.act('admin', other.id, ex);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.timeline.at(-1).actor_role, 'admin');
    // a term end that does not parse stops the actions, naming nothing private
    setting('term_ends_on', '31/12/2026');
    isError(await c.act('unit', done.id, { action: 'follow_up', note: 'x' }), 500, 'invalid_setting');
  } finally {
    setting('term_ends_on', '');
  }
});

test('the sweep reminds the lead unit of an open promise as the term ends (youyue remind)', async () => {
  const s = await driveTo(ctx, 'following_up');
  const explained = await driveTo(ctx, 'following_up');
  const remind = () => {
    const r = cli(['remind', '--db', ctx.srv.db], { env: { YOUYUE_NOW: String(NOW) } });
    assert.equal(r.status, 0, r.stderr);
  };
  const mine = async () => (await ctx.srv.get('/api/v1/inbox?limit=100', as(ctx.s.unit))).body.items
    .filter((m) => m.suggestion_id === s.id && /届末书面说明/.test(m.message));
  try {
    remind();
    assert.equal((await mine()).length, 0, 'no term end set: nothing');
    setting('term_ends_on', '2026-12-31');
    remind();
    assert.equal((await mine()).length, 0, 'the term end is months away');
    setting('term_ends_on', '2026-10-09');
    assert.equal((await c.act('unit', explained.id, bodyFor(ctx, 'explain'))).status, 200);
    remind();
    const got = await mine();
    assert.equal(got.length, 1);
    assert.equal(got[0].kind, 'due_soon');
    assert.equal(got[0].due_at, '2026-10-09T23:59:59+08:00');
    const others = (await ctx.srv.get('/api/v1/inbox?limit=100', as(ctx.s.unit))).body.items
      .filter((m) => m.suggestion_id === explained.id && /届末/.test(m.message));
    assert.equal(others.length, 0, 'an explained one is not chased');
    const tl = (await c.get('admin', s.id)).body.timeline;
    assert.ok(tl.some((e) => e.action === 'remind' && e.actor_role === 'system'));
  } finally {
    setting('term_ends_on', '');
  }
});
