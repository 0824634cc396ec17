// The article's cases (shared/seed/article.txt) as they would really run,
// end to end, through the contract's API only (plus `youyue user add` for the
// people the demo lacks).  The server's clock reads 2026-06-15 10:00, a
// Monday in the month of the article's inspection.
//   (a) 电竞酒店 and 剧本杀 venues inspected with the procuratorate: residents'
//       concerns about fire and food safety → claimed by a deputy → a
//       suggestion co-signed by a second deputy → screened and assigned to
//       区市场监督管理局 (lead), 区应急管理局 and 江汉区人民检察院 (co) →
//       contacts before/during/after, co opinions, an A reply, 满意, published
//       → the public sees it without personal data and rates it once.
//   (b) 不满意 sends a suggestion back for re-handling within 1 month; a
//       second reply follows.
//   (c) a concern converted into a suggestion, a B reply followed up until
//       done, then closed.
// Then the three lists and the dashboard reflect all three.  On both backends.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, cli, isError } from './harness.mjs';

const at = (local) => Math.floor(Date.parse(`${local}:00+08:00`) / 1000);
process.env.YOUYUE_NOW = String(at('2026-06-15T10:00'));
const T = (day) => `${day}T23:59:59+08:00`;
const NOW_TEXT = '2026-06-15T10:00:00+08:00';

let srv;
const s = {}; // sessions by login; s.anon is no login
let D1, D2, D1station, D1phone, D2phone, D2name;
let SM, EM, PR, JS, SW; // units: 市场监管 应急 检察院 建设局 水务
const RESIDENT_PHONES = ['13912345678', '13787654321', '13655550000'];
const RESIDENT_NAMES = ['刘女士', '陈先生', '赵阿姨'];
const made = {}; // the scenario's records: a, b, c suggestion ids; concern answers

before(async () => {
  srv = await startServer({ args: ['--anon-rate', '0', '--remind-interval', '0'] });
  s.anon = {};
  for (const l of ['admin', 'deputy', 'unit', 'resident']) s[l] = await srv.login(l);
  D1 = s.deputy.user.roles.find((g) => g.role === 'deputy').scope_id;
  const deputies = await srv.getAll('/api/v1/deputies', s.admin);
  const d1 = deputies.find((d) => d.id === D1);
  D1station = d1.station_ids[0];
  D1phone = d1.phone;
  const d2 = deputies.find((d) => d.id !== D1 && d.phone);
  D2 = d2.id; D2phone = d2.phone; D2name = d2.name;
  assert.ok(D1phone && D2phone, 'the demo deputies have phone numbers (to check they stay private)');
  const units = await srv.getAll('/api/v1/units');
  const unitId = (name) => { const u = units.find((x) => x.name === name); assert.ok(u, name); return u.id; };
  SM = unitId('区市场监督管理局'); EM = unitId('区应急管理局'); PR = unitId('江汉区人民检察院');
  JS = unitId('区建设局'); SW = unitId('区水务和湖泊局');
  assert.equal(s.unit.user.roles[0].scope_id, JS);
  const add = (login, role, scope) => {
    const r = cli(['user', 'add', '--db', srv.db, '--login', login, '--role', role, '--scope', String(scope),
      '--name', login, '--password-stdin'], { input: 'youyue-demo\n' });
    assert.equal(r.status, 0, r.stderr);
  };
  add('deputy2', 'deputy', D2);
  add('smj', 'unit_staff', SM);
  add('yjj', 'unit_staff', EM);
  add('jcy', 'unit_staff', PR);
  add('swj', 'unit_staff', SW);
  for (const l of ['deputy2', 'smj', 'yjj', 'jcy', 'swj']) s[l] = await srv.login(l);
});
after(async () => { assert.equal(await srv.stop(), 0, 'server exits cleanly'); });

async function sg(login, id, body, status = 200) {
  const r = await srv.post(`/api/v1/suggestions/${id}/actions`, body, s[login]);
  assert.equal(r.status, status, `${login} ${body.action}: ${r.text}`);
  return r.body;
}
async function cn(login, id, body) {
  const r = await srv.post(`/api/v1/concerns/${id}/actions`, body, s[login]);
  assert.equal(r.status, 200, `${login} ${body.action} on concern ${id}: ${r.text}`);
  return r.body;
}
async function raise(login, body) {
  const r = await srv.post('/api/v1/concerns', { category: '公共安全', station_id: D1station, ...body }, s[login]);
  assert.equal(r.status, 201, r.text);
  return r.body;
}
const track = async (code) => (await srv.get(`/api/v1/concerns/track/${code}`)).body;
const actions = (x) => x.timeline.map((e) => e.action);

test('(a) 电竞酒店 and 剧本杀: concerns → a co-signed suggestion → market regulation leads, emergency management and the procuratorate co-handle → A, 满意, published, rated once', async () => {
  // residents raise what they saw: fire safety at an e-sports hotel, food safety at a script-murder venue
  const fire = await raise('resident', { title: '江汉路电竞酒店消防通道堵塞', source: 'station',
    body: '江汉路一家电竞酒店楼道堆满杂物,安全出口上锁,深夜还有未成年人出入,一旦起火后果不堪设想',
    contact_name: RESIDENT_NAMES[0], contact_phone: RESIDENT_PHONES[0] });
  const food = await raise('anon', { title: '万松园剧本杀店餐饮无证经营', source: 'online',
    body: '万松园一家剧本杀店给玩家提供自制餐食和饮品,后厨卫生差,没有食品经营许可',
    contact_name: RESIDENT_NAMES[1], contact_phone: RESIDENT_PHONES[1] });
  assert.equal(fire.status, 'new');
  assert.deepEqual(food.duplicates, [], 'two different matters');
  made.fire = fire; made.food = food;

  // the deputy of the station claims both and sees who to call
  for (const c of [fire, food]) {
    const r = await cn('deputy', c.id, { action: 'claim' });
    assert.equal(r.status, 'claimed');
    assert.deepEqual(r.claimers.map((x) => x.deputy_id), [D1]);
  }
  assert.equal((await srv.get(`/api/v1/concerns/${food.id}`, s.deputy)).body.contact_phone, RESIDENT_PHONES[1]);
  assert.equal((await track(fire.tracking_code)).status, 'claimed', 'the resident sees a deputy took it up');

  // a suggestion from both, co-signed by a second deputy
  const draft = await srv.post('/api/v1/suggestions', {
    title: '关于加强电竞酒店和剧本杀经营场所消防与食品安全监管的建议', category: '公共安全',
    body: '代表与区检察院公益诉讼部在江汉路、万松园走访电竞酒店和剧本杀经营场所,发现消防通道堵塞、无证餐饮、接纳未成年人等问题。\n建议市场监管、应急管理部门联合开展专项整治,建立常态化监管机制。',
    concern_ids: [fire.id, food.id], co_signer_ids: [D2] }, s.deputy);
  assert.equal(draft.status, 201, draft.text);
  const id = draft.body.id;
  made.a = id;
  assert.deepEqual(draft.body.signers.map((g) => [g.deputy_id, g.role]), [[D1, 'author'], [D2, 'cosigner']]);
  assert.deepEqual(draft.body.concern_ids, [fire.id, food.id]);
  assert.equal((await srv.get(`/api/v1/suggestions/${id}`, s.deputy2)).status, 200, 'the co-signer sees the draft');
  isError(await srv.get(`/api/v1/suggestions/${id}`, s.admin), 404, 'not_found');
  await sg('deputy2', id, { action: 'submit' }, 403); // only the author submits
  await sg('deputy2', id, { action: 'cosign' }); // 联名: the co-signer confirms (else dropped at submit)
  const sub = await sg('deputy', id, { action: 'submit' });
  assert.equal(sub.status, 'submitted');
  assert.equal(sub.submitted_at, NOW_TEXT);
  assert.ok(sub.assign_due_at > NOW_TEXT, 'the office has 7 working days to assign it');

  // the office screens it (a real suggestion, not a letter) and assigns it
  assert.equal((await sg('admin', id, { action: 'accept' })).status, 'accepted');
  isError(await srv.post(`/api/v1/suggestions/${id}/actions`, { action: 'assign', units: [{ unit_id: EM, role: 'co' }] }, s.admin), 400, 'lead_unit_required', 'units');
  const asg = await sg('admin', id, { action: 'assign', units: [
    { unit_id: SM, role: 'lead' }, { unit_id: EM, role: 'co' }, { unit_id: PR, role: 'co' }] });
  assert.equal(asg.status, 'assigned');
  assert.deepEqual(asg.assignments.map((g) => [g.unit_name, g.role, g.status]),
    [['区市场监督管理局', 'lead', 'assigned'], ['区应急管理局', 'co', 'assigned'], ['江汉区人民检察院', 'co', 'assigned']]);
  const lead = asg.assignments[0];
  assert.equal(lead.assigned_at, NOW_TEXT);
  assert.equal(lead.due_at, T('2026-09-15'), 'a reply within 3 months');
  for (const co of asg.assignments.slice(1)) assert.equal(co.co_opinion_due_at, T('2026-07-15'), 'a co opinion within 1 month');
  // each unit is told, and sees it now; an unrelated unit does not
  for (const [login, unit] of [['smj', SM], ['yjj', EM], ['jcy', PR]]) {
    const inbox = await srv.getAll('/api/v1/inbox', s[login]);
    assert.ok(inbox.some((n) => n.suggestion_id === id), `${login} is told of the assignment`);
    assert.equal((await srv.get(`/api/v1/suggestions/${id}`, s[login])).status, 200, `${unit} sees it`);
  }
  isError(await srv.get(`/api/v1/suggestions/${id}`, s.swj), 404, 'not_found');

  // contacts with the deputy before, during and after; the co units give their opinions
  isError(await srv.post(`/api/v1/suggestions/${id}/actions`, { action: 'reply', class: 'A', text: '尚未沟通' }, s.smj),
    409, 'contact_required'); // a reply needs a contact with the deputy first
  const c1 = await sg('smj', id, { action: 'log_contact', stage: 'before', mode: 'visit', note: '上门听取代表意见,商定联合检查方案' });
  assert.equal(c1.status, 'in_handling');
  await sg('yjj', id, { action: 'log_contact', stage: 'during', mode: 'meeting', note: '与代表、检察官共同检查电竞酒店消防设施' });
  await sg('smj', id, { action: 'log_contact', stage: 'during', mode: 'meeting', note: '约代表一同检查剧本杀场所后厨' });
  await sg('yjj', id, { action: 'co_opinion', text: '已对辖区电竞酒店开展消防安全检查,督促清理疏散通道,同意主办单位整治方案' });
  const co = await sg('jcy', id, { action: 'co_opinion', text: '将对相关职能部门履职情况开展公益诉讼监督,加强未成年人保护' });
  await sg('jcy', id, { action: 'reply', class: 'A', text: 'x' }, 403); // co units do not reply
  assert.deepEqual(co.assignments.map((g) => g.status), ['in_handling', 'replied', 'replied'], 'the co units\' part is done');
  await sg('smj', id, { action: 'log_contact', stage: 'after', mode: 'phone', note: '答复前电话征求代表意见' });

  // the lead replies: class A
  const replyText = '联合区应急管理局、区检察院开展专项整治,检查电竞酒店12家、剧本杀场所9家,整改消防隐患31处,取缔无证餐饮2家,建立季度联合检查机制。';
  const rep = await sg('smj', id, { action: 'reply', class: 'A', text: replyText });
  assert.equal(rep.status, 'replied');
  assert.deepEqual(rep.assignments[0].reply, { class: 'A', text: replyText, replied_at: NOW_TEXT });
  assert.equal(rep.assignments[0].contacts.length, 3);
  assert.deepEqual(rep.assignments[0].contacts.map((c) => c.stage), ['before', 'during', 'after']);
  assert.ok((await srv.getAll('/api/v1/inbox', s.deputy)).some((n) => n.suggestion_id === id && n.kind === 'reply_received'),
    'the deputy is told of the reply');

  // the deputy (not the co-signer) evaluates: satisfied
  await sg('deputy2', id, { action: 'evaluate', attitude: 'satisfied', result: 'satisfied' }, 403);
  const ev = await sg('deputy', id, { action: 'evaluate', attitude: 'satisfied', result: 'satisfied' });
  assert.equal(ev.status, 'evaluated');

  // published: the public sees it, its timeline and its reply, and no personal data
  isError(await srv.get(`/api/v1/suggestions/${id}`), 404, 'not_found');
  const pub = await sg('admin', id, { action: 'publish' });
  assert.equal(pub.published, true);
  const p = await srv.get(`/api/v1/suggestions/${id}`);
  assert.equal(p.status, 200, p.text);
  assert.equal(p.body.published, true);
  assert.equal(p.body.status, 'evaluated');
  assert.deepEqual(actions(p.body), ['create', 'cosign', 'submit', 'accept', 'assign', 'log_contact', 'log_contact', 'log_contact',
    'co_opinion', 'co_opinion', 'log_contact', 'reply', 'evaluate', 'publish']);
  assert.deepEqual(p.body.timeline.map((e) => e.actor_role).slice(0, 6), ['deputy', 'deputy', 'deputy', 'admin', 'admin', 'unit_staff']);
  assert.ok(p.body.timeline.every((e) => !('note' in e)), 'no timeline notes in public');
  const plead = p.body.assignments.find((g) => g.role === 'lead');
  assert.equal(plead.unit_name, '区市场监督管理局');
  assert.deepEqual(plead.reply, { class: 'A', text: replyText, replied_at: NOW_TEXT });
  assert.deepEqual(p.body.assignments.map((g) => g.unit_name), ['区市场监督管理局', '区应急管理局', '江汉区人民检察院']);
  assert.ok(p.body.assignments.every((g) => !('contacts' in g) && !('co_opinion' in g)), 'no contacts or inter-unit papers');
  assert.ok(!('concern_ids' in p.body) && !('reason' in p.body));
  assert.deepEqual(p.body.evaluations.map((v) => [v.attitude, v.result]), [['satisfied', 'satisfied']]);
  for (const secret of [D1phone, D2phone, ...RESIDENT_PHONES, ...RESIDENT_NAMES, '上门听取代表意见', '公益诉讼监督', 'phone"'])
    assert.ok(!p.text.includes(secret), `the public answer holds no ${secret}`);
  assert.ok(p.body.signers.every((g) => !('phone' in g)));
  const list = await srv.getAll('/api/v1/suggestions');
  assert.deepEqual(list.map((x) => x.id), [id], 'the public list holds the published one only');
  for (const secret of [D1phone, D2phone, ...RESIDENT_PHONES, ...RESIDENT_NAMES])
    assert.ok(!JSON.stringify(list).includes(secret));

  // a resident rates it once; the second is refused; staff may not rate
  const r1 = await srv.post(`/api/v1/suggestions/${id}/ratings`, { value: 'satisfied' });
  assert.equal(r1.status, 201, r1.text);
  assert.deepEqual(r1.body.public_rating, { satisfied: 1, basically_satisfied: 0, dissatisfied: 0 });
  isError(await srv.post(`/api/v1/suggestions/${id}/ratings`, { value: 'dissatisfied' }), 409, 'already_rated');
  isError(await srv.post(`/api/v1/suggestions/${id}/ratings`, { value: 'satisfied' }, s.smj), 403, 'residents_only');
  assert.deepEqual((await srv.get(`/api/v1/suggestions/${id}`)).body.public_rating, { satisfied: 1, basically_satisfied: 0, dissatisfied: 0 });

  // class A: nothing to follow up; the office closes it
  const closed = await sg('admin', id, { action: 'close' });
  assert.equal(closed.status, 'closed');

  // the residents' concerns became the suggestion when it was drafted and
  // ended with its reply (A, 已解决或基本解决); each rates their own
  for (const c of [fire, food]) {
    const t = await track(c.tracking_code);
    assert.equal(t.status, 'resolved');
    assert.match(t.result, /区市场监督管理局答复为 A 类\(已解决或基本解决\)/);
    assert.ok(t.result.includes(replyText));
    assert.deepEqual(t.actions, ['rate']);
    assert.deepEqual(t.timeline.at(-1).actor_role, 'system');
  }
  assert.equal((await srv.post(`/api/v1/concerns/${fire.id}/actions`,
    { action: 'rate', tracking_code: fire.tracking_code, value: 'satisfied' }, s.resident)).status, 200);
  assert.equal((await srv.post(`/api/v1/concerns/${food.id}/actions`,
    { action: 'rate', tracking_code: food.tracking_code, value: 'basically_satisfied' })).status, 200);

  // the audit trail holds every step
  const audit = await srv.getAll(`/api/v1/audit?entity=suggestion&id=${id}`, s.admin);
  // (the public rating is on the timeline too, in the role resident)
  assert.deepEqual(audit.map((e) => e.action.replace('suggestion.', '')), actions(closed));
  assert.deepEqual(closed.timeline.filter((e) => e.action === 'rate').map((e) => e.actor_role), ['resident']);
  assert.ok(!JSON.stringify(audit).includes(RESIDENT_PHONES[0]));
});

test('(b) 不满意: back for re-handling within 1 month, and a second reply follows', async () => {
  const made2 = await srv.post('/api/v1/suggestions', {
    title: '关于缓解唐家墩片区老旧小区停车难的建议', category: '城市建设与管理',
    body: '唐家墩片区老旧小区停车位严重不足,车辆占用消防通道。\n建议利用闲置地块建设公共停车场。',
    concern_ids: [], co_signer_ids: [D2] }, s.deputy);
  assert.equal(made2.status, 201, made2.text);
  const id = made2.body.id;
  made.b = id;
  await sg('deputy2', id, { action: 'cosign' });
  await sg('deputy', id, { action: 'submit' });
  await sg('admin', id, { action: 'accept' });
  await sg('admin', id, { action: 'assign', units: [{ unit_id: JS, role: 'lead' }] });
  await sg('unit', id, { action: 'log_contact', stage: 'before', mode: 'phone', note: '电话了解代表诉求' });
  const first = await sg('unit', id, { action: 'reply', class: 'C', text: '片区内无可用建设用地,暂时无法新建停车场' });
  assert.equal(first.status, 'replied');

  // 不满意 needs a reason; with it the suggestion goes back
  isError(await srv.post(`/api/v1/suggestions/${id}/actions`,
    { action: 'evaluate', attitude: 'basically_satisfied', result: 'dissatisfied' }, s.deputy), 400, 'reason_required', 'reason');
  const back = await sg('deputy', id, { action: 'evaluate', attitude: 'basically_satisfied', result: 'dissatisfied',
    reason: '未实地查看,片区内有闲置厂房地块可以利用' });
  assert.equal(back.status, 'rehandling');
  const lead = back.assignments[0];
  assert.equal(lead.status, 'in_handling');
  assert.equal(lead.due_at, T('2026-07-15'), 'answered again within 1 month');
  assert.equal(lead.reply, null, 'the first reply no longer stands as the answer');
  assert.ok((await srv.getAll('/api/v1/inbox', s.unit)).some((n) => n.suggestion_id === id && /重新办理/.test(n.message)),
    'the unit is told to handle it again');
  await sg('admin', id, { action: 'close' }, 409);

  // handled again: a meeting on site, then the second reply
  await sg('unit', id, { action: 'log_contact', stage: 'during', mode: 'visit', note: '与代表实地查看闲置厂房地块' });
  const secondText = '经实地查看,利用闲置厂房地块建设公共停车场,新增车位120个,已于本月开工。';
  const second = await sg('unit', id, { action: 'reply', class: 'A', text: secondText });
  assert.equal(second.status, 'replied');
  assert.deepEqual(second.assignments[0].reply, { class: 'A', text: secondText, replied_at: NOW_TEXT });
  const ok = await sg('deputy', id, { action: 'evaluate', attitude: 'satisfied', result: 'satisfied' });
  assert.equal(ok.status, 'evaluated');
  assert.deepEqual(ok.evaluations.map((v) => [v.attitude, v.result]),
    [['basically_satisfied', 'dissatisfied'], ['satisfied', 'satisfied']]);
  const closed = await sg('admin', id, { action: 'close' });
  assert.equal(closed.status, 'closed');
  assert.deepEqual(actions(closed), ['create', 'cosign', 'submit', 'accept', 'assign', 'log_contact', 'reply', 'evaluate',
    'log_contact', 'reply', 'evaluate', 'close']);
});

test('(c) a concern converted into a suggestion; a B reply followed up until done, then closed', async () => {
  const sewer = await raise('anon', { title: '老旧小区下水管网老化雨天返水', category: '城市建设与管理',
    body: '小区下水管网老化堵塞,每逢下雨一楼住户家中返水,希望进行管网改造',
    contact_name: RESIDENT_NAMES[2], contact_phone: RESIDENT_PHONES[2] });
  made.sewer = sewer;
  const conv = await cn('deputy', sewer.id, { action: 'convert' });
  assert.equal(conv.status, 'converted');
  const id = conv.suggestion_id;
  made.c = id;
  const draft = (await srv.get(`/api/v1/suggestions/${id}`, s.deputy)).body;
  assert.equal(draft.status, 'draft');
  assert.equal(draft.title, '老旧小区下水管网老化雨天返水', 'the draft starts from the concern');
  assert.equal(draft.category, '城市建设与管理');
  assert.deepEqual(draft.concern_ids, [sewer.id]);
  await sg('deputy', id, { action: 'submit' });
  await sg('admin', id, { action: 'accept' });
  await sg('admin', id, { action: 'assign', units: [{ unit_id: SW, role: 'lead' }] });
  await sg('swj', id, { action: 'log_contact', stage: 'before', mode: 'visit', note: '与代表上门查看返水住户' });
  const rep = await sg('swj', id, { action: 'reply', class: 'B', text: '已列入今年下水管网改造计划,分两期实施' });
  assert.equal(rep.status, 'replied');
  // the resident sees the reply as the result of their concern at once
  const answered = await track(sewer.tracking_code);
  assert.equal(answered.status, 'resolved');
  assert.match(answered.result, /B 类\(正在解决或列入计划逐步解决\):已列入今年下水管网改造计划/);
  await sg('deputy', id, { action: 'evaluate', attitude: 'basically_satisfied', result: 'basically_satisfied' });

  // a B reply is followed up until done before it closes
  const notYet = await srv.post(`/api/v1/suggestions/${id}/actions`, { action: 'close' }, s.admin);
  isError(notYet, 409, 'follow_up_required');
  const f1 = await sg('swj', id, { action: 'follow_up', note: '一期管网改造已开工', done: false });
  assert.equal(f1.status, 'following_up');
  isError(await srv.post(`/api/v1/suggestions/${id}/actions`, { action: 'close' }, s.admin), 409, 'follow_up_open');
  await sg('swj', id, { action: 'follow_up', note: 'x', done: true }, 200);
  await sg('swj', id, { action: 'follow_up', note: '再次', done: true }, 409);
  const closed = await sg('admin', id, { action: 'close' });
  assert.equal(closed.status, 'closed');
  assert.deepEqual(closed.follow_ups.map((f) => f.done), [false, true]);
  await sg('admin', id, { action: 'publish' });
  // a logged-in resident rates the published result
  const r = await srv.post(`/api/v1/suggestions/${id}/ratings`, { value: 'basically_satisfied' }, s.resident);
  assert.equal(r.status, 201, r.text);
  isError(await srv.post(`/api/v1/suggestions/${id}/ratings`, { value: 'satisfied' }, s.resident), 409, 'already_rated');

  // the concern was resolved with the reply; the resident rates it
  const t = await track(sewer.tracking_code);
  assert.equal(t.status, 'resolved');
  assert.equal((await srv.post(`/api/v1/concerns/${sewer.id}/actions`,
    { action: 'rate', tracking_code: sewer.tracking_code, value: 'satisfied' })).status, 200);
});

test('the three lists and the dashboard reflect the three cases', async () => {
  assert.ok(made.a && made.b && made.c, 'the cases ran');
  const get = async (path) => {
    const r = await srv.get(path, s.admin);
    assert.equal(r.status, 200, `${path}: ${r.text}`);
    return r.body;
  };
  // 建议清单
  const sl = await get('/api/v1/lists/suggestions?year=2026&format=json');
  assert.equal(sl.list, 'suggestions');
  assert.deepEqual(sl.items.map((x) => [x.id, x.status_label]), [[made.a, '已办结'], [made.b, '已办结'], [made.c, '已办结']]);
  assert.deepEqual(sl.items.map((x) => x.author_id), [D1, D1, D1]);
  assert.equal(sl.items[0].cosigners, D2name);
  assert.equal(sl.items[1].cosigners, D2name);
  assert.ok(!sl.items[2].cosigners, 'the converted one has no co-signer');
  assert.equal(sl.items[0].category, '公共安全');
  assert.equal(sl.items[0].submitted_on, '2026-06-15');

  // 交办清单: lead before co
  const al = await get('/api/v1/lists/assignments?year=2026&format=json');
  assert.deepEqual(al.items.map((x) => [x.suggestion_id, x.unit, x.role_label]), [
    [made.a, '区市场监督管理局', '主办'], [made.a, '区应急管理局', '协办'], [made.a, '江汉区人民检察院', '协办'],
    [made.b, '区建设局', '主办'], [made.c, '区水务和湖泊局', '主办']]);
  assert.equal(al.items[0].due_on, '2026-09-15');
  assert.equal(al.items[3].due_on, '2026-07-15', 'the re-handling deadline');
  assert.ok(al.items.every((x) => x.overdue_days === null));

  // 效果清单: reply class, the latest evaluation, follow-ups, publication and ratings
  const rl = await get('/api/v1/lists/results?year=2026&format=json');
  const row = (id) => rl.items.find((x) => x.suggestion_id === id);
  assert.equal(rl.items.length, 3);
  assert.deepEqual(
    [row(made.a), row(made.b), row(made.c)].map((x) => [x.unit, x.reply_class, x.on_time, x.attitude_label, x.result_label,
      x.follow_up_done, x.follow_ups, x.published, x.public_satisfied, x.public_basically_satisfied, x.public_dissatisfied]),
    [['区市场监督管理局', 'A', true, '满意', '满意', null, 0, true, 1, 0, 0],
      ['区建设局', 'A', true, '满意', '满意', null, 0, false, 0, 0, 0],
      ['区水务和湖泊局', 'B', true, '基本满意', '基本满意', true, 2, true, 0, 1, 0]]);
  assert.equal(row(made.a).reply_class_label, '已解决或基本解决');
  assert.equal(row(made.a).replied_on, '2026-06-15');
  for (const secret of [D1phone, D2phone, ...RESIDENT_PHONES, ...RESIDENT_NAMES])
    assert.ok(!JSON.stringify([sl, al, rl]).includes(secret), `no ${secret} in the lists`);

  // the dashboard (public)
  const st = await srv.get('/api/v1/stats');
  assert.equal(st.status, 200, st.text);
  const c = st.body.concerns, g = st.body.suggestions;
  assert.deepEqual([c.total, c.raised, c.responded, c.resolved, c.rated], [3, 3, 3, 3, 3]);
  assert.deepEqual([c.response_rate, c.resolution_rate, c.satisfaction_rate], [1, 1, 1]);
  assert.deepEqual(c.ratings, { satisfied: 2, basically_satisfied: 1, dissatisfied: 0 });
  assert.equal(g.total, 3);
  assert.equal(g.by_status.closed, 3);
  assert.deepEqual(g.handling, { lead_assignments: 3, replied: 3, due_or_replied: 3, replied_on_time: 3, met_in_person: 3,
    reply_rate: 1, on_time_rate: 1, meeting_rate: 1 });
  assert.deepEqual(g.reply_classes.map((x) => [x.class, x.count, x.share]), [['A', 2, 0.6667], ['B', 1, 0.3333], ['C', 0, 0]]);
  assert.deepEqual(g.evaluations, { evaluated: 3,
    attitude: { satisfied: 2, basically_satisfied: 1, dissatisfied: 0 },
    result: { satisfied: 2, basically_satisfied: 1, dissatisfied: 0 },
    attitude_satisfaction_rate: 1, result_satisfaction_rate: 1 }, 'the re-handled one counts by its latest evaluation');
  assert.deepEqual(g.public_ratings, { rated: 2, satisfied: 1, basically_satisfied: 1, dissatisfied: 0, satisfaction_rate: 1 });
  const unit = (id) => g.by_unit.find((u) => u.unit_id === id);
  assert.deepEqual([unit(SM).assignments, unit(SM).co_assignments, unit(SM).lead_assignments], [1, 0, 1]);
  for (const co of [EM, PR]) assert.deepEqual([unit(co).assignments, unit(co).co_assignments, unit(co).lead_assignments], [1, 1, 0]);
  assert.deepEqual(st.body.solved_by_category, [
    { category: '公共安全', concerns: 2, suggestions: 1, total: 3 },
    { category: '城市建设与管理', concerns: 1, suggestions: 1, total: 2 },
  ]);
  for (const secret of [D1phone, D2phone, ...RESIDENT_PHONES, ...RESIDENT_NAMES, '电竞酒店'])
    assert.ok(!st.text.includes(secret), `no ${secret} on the dashboard`);

  const v = cli(['audit', 'verify', '--db', srv.db]);
  assert.equal(v.status, 0, v.stderr);
});
