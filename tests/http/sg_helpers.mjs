// sg_helpers.mjs - shared by the suggestion tests (suggestions*.test.mjs): a
// demo server at a pinned date (YOUYUE_NOW) with extra accounts, the people
// in it, a way to drive a suggestion to any state, and an independent copy
// of the state machine (DOMAIN.md §5) the tests compare the server with.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startServer, cli, PG_URL } from './harness.mjs';

/** Unix seconds of a China-time wall clock, e.g. at('2026-09-28T10:00'). */
export const at = (local) => Math.floor(Date.parse(`${local}:00+08:00`) / 1000);

/** Runs one SQL statement on the server's database (sqlite3 or psql). */
export function sql(srv, statement) {
  const r = PG_URL
    ? spawnSync('psql', [srv.db, '-qAt', '-v', 'ON_ERROR_STOP=1', '-c', statement], { encoding: 'utf8' })
    : spawnSync('sqlite3', [srv.db.startsWith('sqlite:') ? srv.db.slice(7) : srv.db, statement], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`sql ${statement}: ${r.stderr}`);
  return r.stdout.trim();
}

// Everyone the tests act as.  anon has no login.
export const LOGINS = ['anon', 'admin', 'admin2', 'leader', 'street', 'community', 'deputy', 'deputy2',
  'deputy3', 'unit', 'unit2', 'unit3', 'procurator', 'resident'];

/**
 * Starts a demo server whose clock reads `now` (unix seconds) and adds:
 * deputy2 (co-signer), deputy3 (unrelated deputy), unit2 (the co unit),
 * unit3 (an unrelated unit), admin2 (a second office clerk).  Returns
 * { srv, s: {login: session}, ids: {D1,D2,D3,U1,U2,U3,leader}, phones }.
 */
export async function setup(now, { args = [] } = {}) {
  process.env.YOUYUE_NOW = String(now);
  // the supervision timer off: its 催办 entries would interleave with the
  // timelines these tests compare (the sweep has its own tests)
  const srv = await startServer({ args: ['--anon-rate', '0', '--remind-interval', '0', ...args] });
  const s = { anon: null };
  for (const l of ['admin', 'leader', 'street', 'community', 'deputy', 'unit', 'procurator', 'resident'])
    s[l] = await srv.login(l);
  const scope = (l, role) => s[l].user.roles.find((g) => g.role === role).scope_id;
  const D1 = scope('deputy', 'deputy'), U1 = scope('unit', 'unit_staff');
  const deputies = await srv.getAll('/api/v1/deputies', as(s.admin));
  const others = deputies.filter((d) => d.id !== D1);
  const D2 = others[0].id, D3 = others[1].id;
  const units = (await srv.getAll('/api/v1/units')).filter((u) => u.id !== U1);
  const U2 = units[0].id, U3 = units[1].id;
  const add = (login, role, sc) => {
    const r = cli(['user', 'add', '--db', srv.db, '--login', login, '--role', role,
      ...(sc ? ['--scope', String(sc)] : []), '--password-stdin'], { input: 'youyue-demo\n' });
    assert.equal(r.status, 0, r.stderr);
  };
  add('deputy2', 'deputy', D2);
  add('deputy3', 'deputy', D3);
  add('unit2', 'unit_staff', U2);
  add('unit3', 'unit_staff', U3);
  add('admin2', 'admin');
  for (const l of ['deputy2', 'deputy3', 'unit2', 'unit3', 'admin2']) s[l] = await srv.login(l);
  const phones = deputies.filter((d) => [D1, D2].includes(d.id)).map((d) => d.phone).filter(Boolean);
  // Logs everyone in again: a server whose clock reads weeks later drops the
  // sessions it judges expired when the same user logs in there.
  const relogin = async () => {
    for (const l of LOGINS) if (l !== 'anon') s[l] = await srv.login(l);
  };
  return { srv, s, ids: { D1, D2, D3, U1, U2, U3, leader: s.leader.user.id }, phones, relogin };
}

export const as = (sess) => (sess ? { cookie: sess.cookie, csrf: sess.csrf } : {});

export function client(ctx) {
  const { srv, s } = ctx;
  return {
    create: (login = 'deputy', over = {}) => srv.post('/api/v1/suggestions', {
      title: '关于在江汉路增设路灯的建议', body: '江汉路北段夜间照明不足,群众出行不便。\n建议增设路灯。',
      category: '城市建设与管理', concern_ids: [], co_signer_ids: [ctx.ids.D2], ...over,
    }, as(s[login])),
    act: (login, id, body) => srv.post(`/api/v1/suggestions/${id}/actions`, body, as(s[login])),
    edit: (login, id, body) => srv.patch(`/api/v1/suggestions/${id}`, body, as(s[login])),
    get: (login, id) => srv.get(`/api/v1/suggestions/${id}`, as(s[login])),
    list: (login, query = '') => srv.get(`/api/v1/suggestions${query}`, as(s[login])),
  };
}

/** A valid body for each action (what a refused call sends too). */
export function bodyFor(ctx, action) {
  const { U1, U2, U3, leader } = ctx.ids;
  switch (action) {
    case 'withdraw': return { action, reason: '问题已由社区解决' };
    case 'return_as_letter': return { action, reason: '属于个人事项,作为来信处理' };
    case 'assign': return { action, units: [{ unit_id: U1, role: 'lead' }, { unit_id: U2, role: 'co' }] };
    case 'request_return': return { action, reason: '不属于本单位职责' };
    case 'decide_return': return { action, approve: false, units: [] };
    case 'log_contact': return { action, stage: 'before', mode: 'phone', note: '电话联系代表,了解诉求' };
    case 'co_opinion': return { action, text: '同意主办单位意见,配合实施' };
    case 'request_extension': return { action, months: 2, reason: '涉及多个部门,需协调' };
    case 'decide_extension': return { action, approve: true };
    case 'reply': return { action, class: 'B', text: '已列入明年道路照明改造计划' };
    case 'evaluate': return { action, attitude: 'satisfied', result: 'basically_satisfied' };
    case 'follow_up': return { action, note: '已完成招标', done: false };
    case 'mark_key': return { action, leader_id: leader, committee: '城建环保工委' };
    case 'supervise': return { action, note: '请加快办理进度' };
    case 'explain': return { action, text: '受资金限制,已列入下一届实施计划' };
    case 'decline_cosign': return { action, reason: '对该片区情况不了解,暂不联名' };
    default: return { action }; // submit accept publish close cosign
  }
}

// ---- the state machine, written again from DOMAIN.md §5 ----------------------

export const ACTIONS = ['submit', 'withdraw', 'accept', 'return_as_letter', 'assign', 'request_return',
  'decide_return', 'log_contact', 'co_opinion', 'request_extension', 'decide_extension', 'reply',
  'evaluate', 'follow_up', 'mark_key', 'supervise', 'publish', 'close', 'explain', 'cosign',
  'decline_cosign'];
export const STATES = ['draft', 'submitted', 'accepted', 'returned_as_letter', 'assigned', 'in_handling',
  'replied', 'evaluated', 'rehandling', 'following_up', 'closed', 'withdrawn'];

// A signer is the author or a co-signer who confirmed; one a draft only names
// (or who declined) may confirm or decline, and is no signer otherwise.
const SIGNER = ['author', 'cosigner'], INVITED = ['cosigner', 'named'], UNIT = ['lead', 'co'], SUP = ['admin', 'leader', 'key_leader'];
const COUNCIL = ['admin', 'leader'];
// [state, action, who may, state after (null: the same)]
export const TABLE = [
  ['draft', 'submit', ['author'], 'submitted'],
  ['draft', 'withdraw', SIGNER, 'withdrawn'],
  ['draft', 'edit', ['author'], null], // PATCH /api/v1/suggestions/{id}, not an action
  ['draft', 'cosign', INVITED, null],
  ['draft', 'decline_cosign', INVITED, null],
  ['submitted', 'accept', ['admin'], 'accepted'],
  ['submitted', 'return_as_letter', ['admin'], 'returned_as_letter'],
  ['submitted', 'withdraw', SIGNER, 'withdrawn'],
  ['accepted', 'assign', ['admin'], 'assigned'],
  ['accepted', 'mark_key', COUNCIL, null],
  ['accepted', 'withdraw', SIGNER, 'withdrawn'],
  ['assigned', 'request_return', UNIT, null],
  ['assigned', 'decide_return', ['admin'], null],
  ['assigned', 'log_contact', UNIT, 'in_handling'],
  ['assigned', 'co_opinion', ['co'], 'in_handling'],
  ['assigned', 'request_extension', ['lead'], 'in_handling'],
  ['assigned', 'decide_extension', ['admin'], null],
  ['assigned', 'reply', ['lead'], 'replied'],
  ['assigned', 'mark_key', COUNCIL, null],
  ['assigned', 'supervise', SUP, null],
  ['assigned', 'withdraw', SIGNER, 'withdrawn'],
  ['in_handling', 'request_return', UNIT, null],
  ['in_handling', 'decide_return', ['admin'], null],
  ['in_handling', 'log_contact', UNIT, null],
  ['in_handling', 'co_opinion', ['co'], null],
  ['in_handling', 'request_extension', ['lead'], null],
  ['in_handling', 'decide_extension', ['admin'], null],
  ['in_handling', 'reply', ['lead'], 'replied'],
  ['in_handling', 'mark_key', COUNCIL, null],
  ['in_handling', 'supervise', SUP, null],
  ['in_handling', 'withdraw', SIGNER, 'withdrawn'],
  ['replied', 'evaluate', ['author'], 'evaluated'],
  ['replied', 'supervise', SUP, null],
  ['replied', 'publish', ['admin'], null],
  ['rehandling', 'log_contact', UNIT, null],
  ['rehandling', 'co_opinion', ['co'], null],
  ['rehandling', 'reply', ['lead'], 'replied'],
  ['rehandling', 'supervise', SUP, null],
  ['evaluated', 'follow_up', ['lead'], 'following_up'],
  ['evaluated', 'supervise', SUP, null],
  ['evaluated', 'publish', ['admin'], null],
  ['evaluated', 'close', ['admin'], 'closed'],
  ['following_up', 'follow_up', ['lead'], null],
  ['following_up', 'supervise', SUP, null],
  ['following_up', 'publish', ['admin'], null],
  ['following_up', 'explain', ['lead', 'admin'], null],
  ['following_up', 'close', ['admin'], 'closed'],
  ['closed', 'publish', ['admin'], null],
];

const ASSIGNED_ONWARDS = new Set(['assigned', 'in_handling', 'replied', 'evaluated', 'rehandling',
  'following_up', 'closed']);

/** What login is to a suggestion by deputy (D1) with deputy2 (D2), assigned
 *  (from `assigned` on) to unit (U1, lead) and unit2 (U2, co).  In a draft
 *  (as driveTo leaves it) D2 is only named; past it D2 has confirmed. */
export function relations(login, state, { key = false, assigned } = {}) {
  const hasUnits = assigned ?? ASSIGNED_ONWARDS.has(state);
  switch (login) {
    case 'admin': case 'admin2': return ['admin'];
    case 'leader': return key ? ['leader', 'key_leader'] : ['leader'];
    case 'deputy': return ['author'];
    case 'deputy2': return state === 'draft' ? ['named'] : ['cosigner'];
    case 'unit': return hasUnits ? ['lead'] : [];
    case 'unit2': return hasUnits ? ['co'] : [];
    default: return [];
  }
}

/** Whether login sees the suggestion at all. */
export function visible(login, state, { published = false, assigned } = {}) {
  if (published) return true;
  if (['deputy', 'deputy2'].includes(login)) return true;
  if (['unit', 'unit2'].includes(login)) return assigned ?? ASSIGNED_ONWARDS.has(state);
  if (['admin', 'admin2', 'leader', 'street', 'community'].includes(login)) return state !== 'draft';
  return false;
}

/** The actions login may take in state, in the table's order. */
export function allowedFor(login, state, opts) {
  const rel = relations(login, state, opts);
  const out = [];
  for (const [from, action, who] of TABLE)
    if (from === state && who.some((w) => rel.includes(w)) && !out.includes(action)) out.push(action);
  return out;
}

/** What a call of action by login in state must answer, unless it is
 *  allowed: 401, 404, 409 or 403; 'allowed' otherwise. */
export function expectation(login, state, action, opts = {}) {
  if (login === 'anon') return 401;
  if (!visible(login, state, opts)) return 404;
  const rows = TABLE.filter(([from, a]) => from === state && a === action);
  if (rows.length === 0) return 409;
  const rel = relations(login, state, opts);
  return rows.some(([, , who]) => who.some((w) => rel.includes(w))) ? 'allowed' : 403;
}

// ---- driving a suggestion --------------------------------------------------------

/** The path from a new draft to each state: [login, body-maker] steps. */
export function pathTo(ctx, state, { replyClass = 'B' } = {}) {
  const b = (a, over = {}) => ({ ...bodyFor(ctx, a), ...over });
  const toAssigned = [['deputy', b('submit')], ['admin', b('accept')], ['admin', b('assign')]];
  const toReplied = [...toAssigned, ['unit', b('log_contact')], ['unit', b('reply', { class: replyClass })]];
  const toEvaluated = [...toReplied, ['deputy', b('evaluate')]];
  const paths = {
    draft: [],
    submitted: [['deputy', b('submit')]],
    accepted: [['deputy', b('submit')], ['admin', b('accept')]],
    returned_as_letter: [['deputy', b('submit')], ['admin', b('return_as_letter')]],
    withdrawn: [['deputy', b('submit')], ['deputy', b('withdraw')], ['deputy2', b('withdraw')]],
    assigned: toAssigned,
    in_handling: [...toAssigned, ['unit', b('log_contact')]],
    replied: toReplied,
    evaluated: toEvaluated,
    rehandling: [...toReplied, ['deputy', b('evaluate', { result: 'dissatisfied', reason: '路灯仍未安装' })]],
    following_up: [...toEvaluated, ['unit', b('follow_up')]],
    closed: [...toEvaluated, ['unit', b('follow_up', { done: true })], ['admin', b('close')]],
  };
  if (replyClass === 'A') {
    paths.following_up = undefined;
    paths.closed = [...toEvaluated, ['admin', b('close')]];
  }
  return paths[state];
}

/** A new suggestion driven to state; returns its answer (as admin, or as
 *  the author for a draft).  Past the draft, deputy2 (when named) confirms
 *  the co-signature first: at submit, unconfirmed co-signers are dropped. */
export async function driveTo(ctx, state, opts = {}) {
  const c = client(ctx);
  const made = await c.create('deputy', opts.create || {});
  assert.equal(made.status, 201, made.text);
  const id = made.body.id;
  if (state !== 'draft' && made.body.signers.some((g) => g.deputy_id === ctx.ids.D2)) {
    const r = await c.act('deputy2', id, { action: 'cosign' });
    assert.equal(r.status, 200, `deputy2 cosign: ${r.text}`);
  }
  for (const [login, body] of pathTo(ctx, state, opts)) {
    const r = await c.act(login, id, body);
    assert.equal(r.status, 200, `${login} ${body.action} on the way to ${state}: ${r.text}`);
  }
  const r = await c.get(state === 'draft' ? 'deputy' : 'admin', id);
  assert.equal(r.body.status, state);
  return r.body;
}

/** Seconds of a timestamp in the answers ("2026-10-13T23:59:59+08:00"). */
export const secs = (rfc) => Math.floor(Date.parse(rfc) / 1000);
