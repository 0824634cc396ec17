// Bad input for every suggestion body (CONTRACT.md "Bodies of the main
// calls"): 400 naming the field, before any state is looked at, and nothing
// changed; the other statuses of the routes (401, 403 CSRF, 404, 405, 413).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { isError } from './harness.mjs';
import { at, setup, client, as, bodyFor, driveTo, ACTIONS } from './sg_helpers.mjs';

let ctx, c, s;

before(async () => {
  ctx = await setup(at('2026-09-28T10:00'));
  c = client(ctx);
  s = await driveTo(ctx, 'in_handling');
});
after(async () => { assert.equal(await ctx.srv.stop(), 0, 'server exits cleanly'); });

const long = (n) => '长'.repeat(n);

test('POST /api/v1/suggestions: each field validated, naming it', async () => {
  const ok = { title: '关于增设路灯的建议', body: '建议增设路灯', category: '城市建设与管理' };
  const cases = [
    [{ ...ok, title: undefined }, 'missing_field', 'title'],
    [{ ...ok, title: '   ' }, 'missing_field', 'title'],
    [{ ...ok, title: 7 }, 'invalid_type', 'title'],
    [{ ...ok, title: long(201) }, undefined, 'title'],
    [{ ...ok, title: '换行\n标题' }, 'invalid_text', 'title'],
    [{ ...ok, body: undefined }, 'missing_field', 'body'],
    [{ ...ok, body: long(20001) }, undefined, 'body'],
    [{ ...ok, body: 'a\u0001b' }, 'invalid_text', 'body'],
    [{ ...ok, category: undefined }, 'missing_field', 'category'],
    [{ ...ok, category: '不存在的类别' }, 'unknown_category', 'category'],
    [{ ...ok, co_signer_ids: 'x' }, 'invalid_type', 'co_signer_ids'],
    [{ ...ok, co_signer_ids: [0] }, 'invalid_type', 'co_signer_ids'],
    [{ ...ok, co_signer_ids: [1.5] }, 'invalid_type', 'co_signer_ids'],
    [{ ...ok, co_signer_ids: [ctx.ids.D2, ctx.ids.D2] }, 'duplicate_id', 'co_signer_ids'],
    [{ ...ok, co_signer_ids: [999999] }, 'unknown_deputy', 'co_signer_ids'],
    [{ ...ok, co_signer_ids: [ctx.ids.D1] }, 'unknown_deputy', 'co_signer_ids'],
    [{ ...ok, co_signer_ids: Array.from({ length: 51 }, (_, i) => i + 1) }, 'invalid_type', 'co_signer_ids'],
    [{ ...ok, concern_ids: [999999] }, 'invalid_concern', 'concern_ids'],
    [{ ...ok, concern_ids: {} }, 'invalid_type', 'concern_ids'],
    [{ ...ok, author_id: 3 }, 'unknown_field', 'author_id'],
    [{ ...ok, status: 'closed' }, 'unknown_field', 'status'],
  ];
  const before = (await c.list('deputy', '?limit=100')).body.items.length;
  for (const [body, code, field] of cases)
    isError(await ctx.srv.post('/api/v1/suggestions', body, as(ctx.s.deputy)), 400, code, field);
  isError(await ctx.srv.request('POST', '/api/v1/suggestions', { raw: '{"title":', headers: { 'content-type': 'application/json' }, ...as(ctx.s.deputy) }), 400, 'invalid_json');
  isError(await ctx.srv.request('POST', '/api/v1/suggestions', { raw: '[]', headers: { 'content-type': 'application/json' }, ...as(ctx.s.deputy) }), 400, 'not_an_object');
  isError(await ctx.srv.request('POST', '/api/v1/suggestions', { raw: 'title=x', headers: { 'content-type': 'text/plain' }, ...as(ctx.s.deputy) }), 400, 'unsupported_content_type');
  assert.equal((await c.list('deputy', '?limit=100')).body.items.length, before, 'nothing was created');
});

test('every action body: unknown action, unknown fields, missing and malformed fields', async () => {
  const { U1, U2 } = ctx.ids;
  const cases = [
    [{}, 'missing_field', 'action'],
    [{ action: 'approve' }, 'unknown_action', 'action'],
    [{ action: 7 }, 'invalid_type', 'action'],
    [{ action: 'submit', reason: 'x' }, 'unknown_field', 'reason'],
    [{ action: 'accept', units: [] }, 'unknown_field', 'units'],
    [{ action: 'publish', note: 'x' }, 'unknown_field', 'note'],
    [{ action: 'close', done: true }, 'unknown_field', 'done'],
    [{ action: 'withdraw' }, 'missing_field', 'reason'],
    [{ action: 'withdraw', reason: '' }, 'missing_field', 'reason'],
    [{ action: 'withdraw', reason: long(5001) }, undefined, 'reason'],
    [{ action: 'return_as_letter', reason: 3 }, 'invalid_type', 'reason'],
    [{ action: 'assign' }, 'missing_field', 'units'],
    [{ action: 'assign', units: [] }, 'missing_field', 'units'],
    [{ action: 'assign', units: {} }, 'invalid_units', 'units'],
    [{ action: 'assign', units: [U1] }, 'invalid_units', 'units'],
    [{ action: 'assign', units: [{ unit_id: U1 }] }, 'invalid_units', 'units'],
    [{ action: 'assign', units: [{ unit_id: U1, role: 'main' }] }, 'invalid_units', 'units'],
    [{ action: 'assign', units: [{ unit_id: -1, role: 'lead' }] }, 'invalid_units', 'units'],
    [{ action: 'assign', units: [{ unit_id: U1, role: 'lead', note: 'x' }] }, 'invalid_units', 'units'],
    [{ action: 'assign', units: Array.from({ length: 17 }, (_, i) => ({ unit_id: i + 1, role: 'lead' })) }, 'invalid_units', 'units'],
    [{ action: 'assign', units: [{ unit_id: U1, role: 'lead' }], hard_case: 'yes' }, 'invalid_type', 'hard_case'],
    [{ action: 'request_return' }, 'missing_field', 'reason'],
    [{ action: 'decide_return' }, 'missing_field', 'approve'],
    [{ action: 'decide_return', approve: 'true' }, 'invalid_type', 'approve'],
    [{ action: 'decide_return', approve: true, units: 'U1' }, 'invalid_units', 'units'],
    [{ action: 'decide_return', approve: true, unit_id: 'x' }, 'invalid_type', 'unit_id'],
    [{ action: 'log_contact', mode: 'phone' }, 'missing_field', 'stage'],
    [{ action: 'log_contact', stage: 'middle', mode: 'phone' }, 'invalid_stage', 'stage'],
    [{ action: 'log_contact', stage: 'before' }, 'missing_field', 'mode'],
    [{ action: 'log_contact', stage: 'before', mode: 'letter' }, 'invalid_mode', 'mode'],
    [{ action: 'log_contact', stage: 'before', mode: 'phone', note: 5 }, 'invalid_type', 'note'],
    [{ action: 'log_contact', stage: 'before', mode: 'phone', at: '2026-01-01' }, 'unknown_field', 'at'],
    [{ action: 'co_opinion' }, 'missing_field', 'text'],
    [{ action: 'request_extension', reason: '慢' }, 'missing_field', 'months'],
    [{ action: 'request_extension', months: 0, reason: '慢' }, undefined, 'months'],
    [{ action: 'request_extension', months: 13, reason: '慢' }, undefined, 'months'],
    [{ action: 'request_extension', months: 1.5, reason: '慢' }, undefined, 'months'],
    [{ action: 'request_extension', months: 2 }, 'missing_field', 'reason'],
    [{ action: 'decide_extension' }, 'missing_field', 'approve'],
    [{ action: 'decide_extension', approve: 1 }, 'invalid_type', 'approve'],
    [{ action: 'reply', text: '答复' }, 'missing_field', 'class'],
    [{ action: 'reply', class: 'A' }, 'missing_field', 'text'],
    [{ action: 'reply', class: ['A'], text: '答复' }, 'invalid_type', 'class'],
    [{ action: 'reply', class: 'A'.repeat(17), text: '答复' }, undefined, 'class'],
    [{ action: 'evaluate', result: 'satisfied' }, 'missing_field', 'attitude'],
    [{ action: 'evaluate', attitude: 'happy', result: 'satisfied' }, 'invalid_rating', 'attitude'],
    [{ action: 'evaluate', attitude: 'satisfied' }, 'missing_field', 'result'],
    [{ action: 'evaluate', attitude: 'satisfied', result: '满意' }, 'invalid_rating', 'result'],
    [{ action: 'follow_up', done: true }, 'missing_field', 'note'],
    [{ action: 'follow_up', note: '进展', done: 'yes' }, 'invalid_type', 'done'],
    [{ action: 'mark_key', committee: '城建环保工委' }, 'missing_field', 'leader_id'],
    [{ action: 'mark_key', leader_id: 0, committee: '城建环保工委' }, undefined, 'leader_id'],
    [{ action: 'mark_key', leader_id: ctx.ids.leader }, 'missing_field', 'committee'],
    [{ action: 'mark_key', leader_id: ctx.ids.leader, committee: long(101) }, undefined, 'committee'],
    [{ action: 'supervise' }, 'missing_field', 'note'],
    [{ action: 'supervise', note: '   ' }, 'missing_field', 'note'],
    [{ action: 'explain' }, 'missing_field', 'text'],
    [{ action: 'explain', text: ' ' }, 'missing_field', 'text'],
    [{ action: 'explain', text: long(5001) }, undefined, 'text'],
    [{ action: 'explain', text: '说明', note: 'x' }, 'unknown_field', 'note'],
    [{ action: 'cosign', reason: 'x' }, 'unknown_field', 'reason'],
    [{ action: 'decline_cosign' }, 'missing_field', 'reason'],
    [{ action: 'decline_cosign', reason: ' ' }, 'missing_field', 'reason'],
    [{ action: 'decline_cosign', reason: long(5001) }, undefined, 'reason'],
    [{ action: 'edit', title: 'x' }, 'unknown_action', 'action'], // PATCH, not an action
  ];
  const seen = new Set();
  const beforeState = (await c.get('admin', s.id)).body;
  for (const [body, code, field] of cases) {
    // the office and the unit both get the same 400: the body is read first
    for (const login of ['admin', 'unit']) {
      const r = await c.act(login, s.id, body);
      isError(r, 400, code, field);
    }
    if (typeof body.action === 'string') seen.add(body.action);
  }
  for (const a of ACTIONS) assert.ok(seen.has(a), `bad bodies for ${a}`);
  // values that parse but the data does not allow: still 400 naming the field
  isError(await c.act('admin', (await driveTo(ctx, 'accepted')).id,
    { action: 'assign', units: [{ unit_id: 999999, role: 'lead' }] }), 400, 'unknown_unit', 'units');
  isError(await c.act('admin', (await driveTo(ctx, 'accepted')).id,
    { action: 'assign', units: [{ unit_id: U1, role: 'lead' }, { unit_id: U1, role: 'co' }] }), 400, 'duplicate_unit', 'units');
  isError(await c.act('admin', (await driveTo(ctx, 'accepted')).id,
    { action: 'assign', units: [{ unit_id: U2, role: 'co' }] }), 400, 'lead_unit_required', 'units');
  isError(await c.act('admin', s.id, { action: 'mark_key', leader_id: ctx.s.deputy.user.id, committee: '城建环保工委' }), 400, 'unknown_leader', 'leader_id');
  isError(await c.act('unit', s.id, { action: 'reply', class: 'E', text: '答复' }), 400, 'invalid_class', 'class');
  const replied = await driveTo(ctx, 'replied');
  isError(await c.act('deputy', replied.id, { action: 'evaluate', attitude: 'satisfied', result: 'dissatisfied' }), 400, 'reason_required', 'reason');
  isError(await c.act('deputy', replied.id, { action: 'evaluate', attitude: 'satisfied', result: 'dissatisfied', reason: ' ' }), 400, 'reason_required', 'reason');
  const afterState = (await c.get('admin', s.id)).body;
  assert.deepEqual(afterState, beforeState, 'no bad body changed anything');
});

test('the routes: 401 without a login, 403 without the CSRF token, 404, 405, 413', async () => {
  isError(await ctx.srv.post(`/api/v1/suggestions/${s.id}/actions`, bodyFor(ctx, 'supervise')), 401, 'login_required');
  isError(await ctx.srv.post(`/api/v1/suggestions/${s.id}/actions`, bodyFor(ctx, 'supervise'), { cookie: ctx.s.admin.cookie }), 403, 'csrf_failed');
  isError(await ctx.srv.post('/api/v1/suggestions', {}, { cookie: ctx.s.deputy.cookie }), 403, 'csrf_failed');
  for (const id of ['0', '-1', 'abc', '999999'])
    isError(await c.act('admin', id, bodyFor(ctx, 'supervise')), 404, 'not_found');
  for (const id of ['abc', '999999']) isError(await c.get('admin', id), 404, 'not_found');
  // outside the caller's scope: as if it did not exist, even for a good body
  isError(await c.act('unit3', s.id, bodyFor(ctx, 'log_contact')), 404, 'not_found');
  isError(await c.act('deputy3', s.id, bodyFor(ctx, 'withdraw')), 404, 'not_found');
  for (const [m, p] of [['PUT', `/api/v1/suggestions/${s.id}`], ['DELETE', '/api/v1/suggestions'],
    ['GET', `/api/v1/suggestions/${s.id}/actions`], ['GET', `/api/v1/suggestions/${s.id}/ratings`]]) {
    const r = await ctx.srv.request(m, p, as(ctx.s.admin));
    isError(r, 405, 'method_not_allowed');
    assert.ok(r.headers.get('allow'));
  }
  // an oversized body: the server answers 413 from the headers and closes without
  // reading the body, so the request is written by hand and announces the size only
  // (a client still sending a megabyte may see the connection reset instead of the 413)
  const r = await ctx.srv.raw(`POST /api/v1/suggestions/${s.id}/actions HTTP/1.1\r\nHost: t\r\n` +
    `Content-Type: application/json\r\nCookie: ${ctx.s.admin.cookie}\r\n` +
    `X-CSRF-Token: ${ctx.s.admin.csrf}\r\nContent-Length: 1100000\r\nConnection: close\r\n\r\n`);
  isError(r, 413, 'body_too_large');
  // with a bearer token there is no CSRF header to send
  const tok = await ctx.srv.post('/api/v1/tokens', {}, as(ctx.s.admin));
  assert.equal(tok.status, 201);
  const ok = await ctx.srv.post(`/api/v1/suggestions/${s.id}/actions`, bodyFor(ctx, 'supervise'), { token: tok.body.token });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.body.timeline.at(-1).action, 'supervise');
});
