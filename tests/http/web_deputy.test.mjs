// The deputies' pages under /deputy/ (docs/WEB.md "Pages"): the role check
// (401 page with a link to /login, 403 for other roles), the concerns at the
// deputy's stations with the contact masked until claimed, claim / resolve /
// convert through forms (CSRF, post-redirect-get, a second submit changes
// nothing), drafting a suggestion with the one-time form token (a double
// submit makes one draft), validation beside the field with the input kept,
// submit, the evaluation (reason required for 不满意), withdrawal, the work
// record with its period, and scope (another deputy's suggestion is 404);
// editing my draft (the same form, filled in; a second submit records
// nothing) and confirming or declining the drafts that name me (联名).
// On both backends.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, driveTo, client, at, as } from './sg_helpers.mjs';

const NOW = at('2026-09-28T10:00');
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
  "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
const NAME = '李大爷网页代表测试';
const PHONE = '13987650000';

let ctx, srv, s, D1, station, category;

before(async () => {
  ctx = await setup(NOW);
  srv = ctx.srv;
  s = ctx.s;
  D1 = ctx.ids.D1;
  const d = (await srv.get(`/api/v1/deputies/${D1}`, as(s.deputy))).body;
  station = d.station_ids[0];
  assert.ok(station, 'the demo deputy sits at a station');
  const form = await srv.get('/concern');
  category = [...form.text.matchAll(/<option value="([^"]+)"/g)].map((m) => m[1])[0];
  assert.ok(category);
});
after(async () => { await srv?.stop(); });

const page = (path, who) => srv.request('GET', path, who ? { cookie: who.cookie } : {});

function postForm(path, fields, who) {
  const headers = { 'content-type': 'application/x-www-form-urlencoded' };
  if (who) headers.cookie = who.cookie;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(fields))
    for (const x of Array.isArray(v) ? v : [v]) params.append(k, String(x));
  return srv.request('POST', path, { raw: params.toString(), headers });
}

/** A form post as who, with their CSRF token. */
const send = (path, fields, who) => postForm(path, { csrf_token: who.csrf, ...fields }, who);

function isPage(r, status = 200) {
  assert.equal(r.status, status, r.text.slice(0, 800));
  assert.equal(r.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.equal(r.headers.get('content-security-policy'), CSP);
  assert.equal(r.headers.get('cache-control'), 'no-store');
  assert.match(r.text, /^<!DOCTYPE html>\n<html lang="zh-CN">/);
  assert.equal((r.text.match(/<h1[ >]/g) || []).length, 1, 'one h1');
  assert.doesNotMatch(r.text, /<script>|<script(?![^>]*\bsrc=)[^>]*>|<style|\sstyle="|\son[a-z]+="/);
}

function redirected(r, location) {
  assert.equal(r.status, 303, r.text.slice(0, 800));
  if (location instanceof RegExp) assert.match(r.headers.get('location'), location);
  else assert.equal(r.headers.get('location'), location);
  return r.headers.get('location');
}

/** A resident's concern at the deputy's station, with a name and phone. */
async function raise(title) {
  const r = await srv.post('/api/v1/concerns', {
    source: 'online', title, body: `${title}:具体情况说明。`, category, station_id: station,
    contact_name: NAME, contact_phone: PHONE,
  });
  assert.equal(r.status, 201, r.text);
  return r.body.id;
}

const concern = async (id) => (await srv.get(`/api/v1/concerns/${id}`, as(s.admin))).body;
const hidden = (html, name) => html.match(new RegExp(`name="${name}" value="([^"]*)"`))?.[1] ?? null;

test('the deputy pages need a deputy: 401 page with a login link, 403 for other roles', async () => {
  for (const path of ['/deputy/', '/deputy/concerns', '/deputy/suggestions', '/deputy/suggestions/new',
    '/deputy/record', '/deputy/concerns/1', '/deputy/suggestions/1']) {
    const anon = await page(path);
    isPage(anon, 401);
    assert.match(anon.text, /href="\/login"/);
    for (const who of ['resident', 'street', 'unit', 'admin']) isPage(await page(path, s[who]), 403);
  }
  // a form post without a login is refused before anything happens
  assert.equal((await postForm('/deputy/concerns/1/claim', {})).status, 401);
  redirected(await page('/deputy', s.deputy), '/deputy/');
});

test('home: my station, my duty days and the counts of what waits for me', async () => {
  const r = await page('/deputy/', s.deputy);
  isPage(r);
  const st = (await srv.get(`/api/v1/stations/${station}`)).body;
  assert.ok(r.text.includes(`href="/stations/${station}">${st.name}</a>`));
  const days = (await srv.get(`/api/v1/deputies/${D1}/reception-days?limit=5`, as(s.deputy))).body.items;
  for (const d of days) assert.ok(r.text.includes(d.date), `duty day ${d.date} listed`);
  const before = Number(r.text.match(/<span class="count">(\d+)<\/span> 条群众意见待认领/)[1]);
  await raise('首页计数测试:路灯不亮');
  const after = await page('/deputy/', s.deputy);
  assert.equal(Number(after.text.match(/<span class="count">(\d+)<\/span> 条群众意见待认领/)[1]), before + 1);
});

test('claim: masked contact before, in full after; CSRF; a second submit changes nothing', async () => {
  const id = await raise('认领测试:楼道堆物');
  const list = await page('/deputy/concerns', s.deputy);
  isPage(list);
  assert.ok(list.text.includes(`href="/deputy/concerns/${id}"`));
  let p = await page(`/deputy/concerns/${id}`, s.deputy);
  isPage(p);
  assert.ok(!p.text.includes(PHONE) && !p.text.includes(NAME), 'contact masked before the claim');
  assert.ok(p.text.includes('139****0000'), 'the masked phone as the API masks it');
  assert.ok(p.text.includes(`action="/deputy/concerns/${id}/claim"`));

  // without the CSRF token: 403, nothing claimed
  const forged = await postForm(`/deputy/concerns/${id}/claim`, {}, s.deputy);
  isPage(forged, 403);
  assert.equal((await concern(id)).status, 'new');

  redirected(await send(`/deputy/concerns/${id}/claim`, {}, s.deputy), `/deputy/concerns/${id}?done=claim`);
  redirected(await send(`/deputy/concerns/${id}/claim`, {}, s.deputy), `/deputy/concerns/${id}`);
  const c = await concern(id);
  assert.equal(c.status, 'claimed');
  assert.equal(c.claimers.length, 1, 'claimed once');
  p = await page(`/deputy/concerns/${id}`, s.deputy);
  assert.ok(p.text.includes(PHONE) && p.text.includes(NAME), 'a claimer sees the contact in full');
  // a deputy of another station does not see it
  isPage(await page(`/deputy/concerns/${id}`, s.deputy3), 404);
});

test('resolve: the result is required (message beside the field), then done once', async () => {
  const id = await raise('办结测试:井盖松动');
  redirected(await send(`/deputy/concerns/${id}/claim`, {}, s.deputy), /done=claim/);
  const bad = await send(`/deputy/concerns/${id}/resolve`, { result: '' }, s.deputy);
  isPage(bad, 400);
  assert.match(bad.text, /id="result"[^>]*aria-invalid="true" aria-describedby="result-error"/);
  assert.match(bad.text, /<p id="result-error" class="error">[^<]+<\/p>/);
  assert.equal((await concern(id)).status, 'claimed');
  const result = '已联系市政部门,井盖已更换 <b>';
  redirected(await send(`/deputy/concerns/${id}/resolve`, { result }, s.deputy), `/deputy/concerns/${id}?done=resolve`);
  redirected(await send(`/deputy/concerns/${id}/resolve`, { result }, s.deputy), `/deputy/concerns/${id}`);
  const c = await concern(id);
  assert.equal(c.status, 'resolved');
  assert.equal(c.result, result);
  const p = await page(`/deputy/concerns/${id}`, s.deputy);
  assert.ok(p.text.includes('已联系市政部门,井盖已更换 &lt;b&gt;'), 'escaped');
});

test('convert: goes to the new draft; a second submit goes to the same one', async () => {
  const id = await raise('转建议测试:学校门口拥堵');
  redirected(await send(`/deputy/concerns/${id}/claim`, {}, s.deputy), /done=claim/);
  const c = client(ctx);
  const before = (await c.list('deputy', '?limit=100')).body.items.length;
  const loc = redirected(await send(`/deputy/concerns/${id}/convert`, {}, s.deputy), /^\/deputy\/suggestions\/\d+\?new=1$/);
  const sid = Number(loc.match(/(\d+)/)[1]);
  redirected(await send(`/deputy/concerns/${id}/convert`, {}, s.deputy), `/deputy/suggestions/${sid}`);
  assert.equal((await c.list('deputy', '?limit=100')).body.items.length, before + 1, 'one draft');
  const p = await page(loc, s.deputy);
  isPage(p);
  assert.ok(p.text.includes('转建议测试:学校门口拥堵'));
  assert.ok(p.text.includes(`action="/deputy/suggestions/${sid}/submit"`));
});

test('drafting: pre-filled from a concern, validation keeps the input, a double submit makes one draft', async () => {
  const cid = await raise('起草测试:小区缺少充电桩');
  const form = await page(`/deputy/suggestions/new?concern=${cid}`, s.deputy);
  isPage(form);
  assert.ok(Buffer.byteLength(form.text) < 50 * 1024, `under 50 KB: ${form.text.length}`);
  assert.match(form.text, /id="title"[^>]*value="起草测试:小区缺少充电桩"/);
  assert.match(form.text, new RegExp(`name="concern_ids" value="${cid}" checked`));
  assert.ok(form.text.includes(`<option value="${ctx.ids.D2}"`), 'other deputies to co-sign');
  assert.ok(!form.text.includes(`<option value="${D1}"`), 'not myself');
  const token = hidden(form.text, 'form_token');
  assert.ok(token);
  const c = client(ctx);
  const count = async () => (await c.list('deputy', '?limit=100')).body.items.length;
  const before = await count();

  const body = '建议在小区增设电动车充电桩 <script>';
  const bad = await send('/deputy/suggestions/new', { form_token: token, title: '', body, category,
    co_signer_ids: [ctx.ids.D2], concern_ids: [cid] }, s.deputy);
  isPage(bad, 400);
  assert.match(bad.text, /id="title"[^>]*aria-invalid="true" aria-describedby="title-error"/);
  assert.match(bad.text, /<p id="title-error" class="error">[^<]+<\/p>/);
  assert.ok(bad.text.includes('建议在小区增设电动车充电桩 &lt;script&gt;'), 'the body kept, escaped');
  assert.match(bad.text, new RegExp(`<option value="${ctx.ids.D2}" selected`), 'the co-signer kept');
  assert.equal(hidden(bad.text, 'form_token'), token, 'the same token, released');
  assert.equal(await count(), before);

  const fields = { form_token: token, title: '关于增设充电桩的建议', body, category,
    co_signer_ids: [ctx.ids.D2], concern_ids: [cid] };
  const [a, b] = await Promise.all([send('/deputy/suggestions/new', fields, s.deputy),
    send('/deputy/suggestions/new', fields, s.deputy)]);
  redirected(a, `/deputy/drafts/${token}`);
  redirected(b, `/deputy/drafts/${token}`);
  const again = await send('/deputy/suggestions/new', fields, s.deputy);
  redirected(again, `/deputy/drafts/${token}`);
  assert.equal(await count(), before + 1, 'one draft for three submits');
  const loc = redirected(await page(`/deputy/drafts/${token}`, s.deputy), /^\/deputy\/suggestions\/\d+\?new=1$/);
  const sid = Number(loc.match(/(\d+)/)[1]);
  const sg = (await c.get('deputy', sid)).body;
  assert.equal(sg.status, 'draft');
  assert.deepEqual(sg.concern_ids, [cid]);
  assert.deepEqual(sg.signers.map((x) => x.deputy_id), [D1, ctx.ids.D2]);
  // another deputy cannot use the token's page to reach it
  isPage(await page(loc, s.deputy3), 404);

  // the co-signer sees it among "我联名的"
  const theirs = await page('/deputy/suggestions', s.deputy2);
  isPage(theirs);
  const cosign = theirs.text.slice(theirs.text.indexOf('id="cosign"'));
  assert.ok(cosign.includes(`href="/deputy/suggestions/${sid}"`));
  const cp = await page(`/deputy/suggestions/${sid}`, s.deputy2);
  isPage(cp);
  assert.ok(!cp.text.includes('/submit"'), 'only the author submits');

  // submit: once, the second submit lands on the page
  redirected(await send(`/deputy/suggestions/${sid}/submit`, {}, s.deputy), `/deputy/suggestions/${sid}?done=submit`);
  redirected(await send(`/deputy/suggestions/${sid}/submit`, {}, s.deputy), `/deputy/suggestions/${sid}`);
  const after = (await c.get('deputy', sid)).body;
  assert.equal(after.status, 'submitted');
  assert.equal(after.timeline.filter((e) => e.action === 'submit').length, 1);
});

test('an unknown co-signer or a concern out of scope: the API message beside the field', async () => {
  const form = await page('/deputy/suggestions/new', s.deputy);
  const token = hidden(form.text, 'form_token');
  const r = await send('/deputy/suggestions/new', { form_token: token, title: '测试', body: '内容', category,
    concern_ids: [999999] }, s.deputy);
  isPage(r, 400);
  assert.match(r.text, /<fieldset aria-describedby="concern_ids-error">/);
  assert.match(r.text, /<p id="concern_ids-error" class="error">只能关联/);
  const t = await send('/deputy/suggestions/new', { form_token: 'short', title: '测试', body: '内容', category }, s.deputy);
  isPage(t, 400);
});

test('evaluate: reasons required for 不满意, then once; the list shows it waiting', async () => {
  const sg = await driveTo(ctx, 'replied');
  const list = await page('/deputy/suggestions', s.deputy);
  assert.match(list.text, new RegExp(`href="/deputy/suggestions/${sg.id}">[^<]+</a> <span class="status">已答复</span> <span class="tag">待我评价</span>`));
  const p = await page(`/deputy/suggestions/${sg.id}`, s.deputy);
  isPage(p);
  assert.ok(p.text.includes('已列入明年道路照明改造计划'), 'the reply');
  assert.ok(p.text.includes(`action="/deputy/suggestions/${sg.id}/evaluate"`));
  // the co-signer has no evaluation form
  assert.ok(!(await page(`/deputy/suggestions/${sg.id}`, s.deputy2)).text.includes('/evaluate"'));

  const bad = await send(`/deputy/suggestions/${sg.id}/evaluate`, { attitude: 'satisfied', result: 'dissatisfied', reason: '' }, s.deputy);
  isPage(bad, 400);
  assert.match(bad.text, /aria-describedby="reason-error"/);
  assert.match(bad.text, /<p id="reason-error" class="error">不满意须说明理由<\/p>/);
  assert.match(bad.text, /name="result" value="dissatisfied" checked/, 'the choice kept');
  assert.equal((await client(ctx).get('deputy', sg.id)).body.status, 'replied');

  const fields = { attitude: 'satisfied', result: 'basically_satisfied', reason: '' };
  redirected(await send(`/deputy/suggestions/${sg.id}/evaluate`, fields, s.deputy), `/deputy/suggestions/${sg.id}?done=evaluate`);
  redirected(await send(`/deputy/suggestions/${sg.id}/evaluate`, fields, s.deputy), `/deputy/suggestions/${sg.id}`);
  const after = (await client(ctx).get('deputy', sg.id)).body;
  assert.equal(after.status, 'evaluated');
  assert.equal(after.evaluations.length, 1, 'evaluated once');
  const shown = await page(`/deputy/suggestions/${sg.id}`, s.deputy);
  assert.ok(shown.text.includes('办理态度满意,办理结果基本满意'));
});

test('withdraw: a reason is required; each signer agrees once', async () => {
  const sg = await driveTo(ctx, 'submitted');
  const bad = await send(`/deputy/suggestions/${sg.id}/withdraw`, { reason: '' }, s.deputy);
  isPage(bad, 400);
  assert.match(bad.text, /id="withdraw-reason"[^>]*aria-invalid="true" aria-describedby="withdraw-reason-error"/);
  redirected(await send(`/deputy/suggestions/${sg.id}/withdraw`, { reason: '问题已解决' }, s.deputy), /done=withdraw/);
  redirected(await send(`/deputy/suggestions/${sg.id}/withdraw`, { reason: '问题已解决' }, s.deputy), `/deputy/suggestions/${sg.id}`);
  assert.equal((await client(ctx).get('deputy', sg.id)).body.status, 'submitted', 'the co-signer has not agreed yet');
  redirected(await send(`/deputy/suggestions/${sg.id}/withdraw`, { reason: '同意撤回' }, s.deputy2), /done=withdraw/);
  assert.equal((await client(ctx).get('deputy', sg.id)).body.status, 'withdrawn');
});

test('the work record: the period chosen, bad dates beside their field', async () => {
  const r = await page('/deputy/record?from=2026-01-01&to=2026-12-31', s.deputy);
  isPage(r);
  const rec = (await srv.get(`/api/v1/deputies/${D1}/record?from=2026-01-01&to=2026-12-31`, as(s.deputy))).body;
  assert.ok(r.text.includes(`${rec.deputy.name}代表 · 2026-01-01 至 2026-12-31`));
  assert.ok(r.text.includes(`<th scope="row">认领群众意见</th><td>${rec.summary.concerns.claimed} 条</td>`));
  assert.ok(rec.summary.concerns.claimed >= 3, 'the claims of the tests above count');
  assert.match(r.text, /<th scope="row">领衔提出建议<\/th><td>\d+ 件<\/td>/);
  // the record lists claimed concerns; never a resident's contact
  assert.ok(!r.text.includes(PHONE) && !r.text.includes(NAME));
  const y = await page('/deputy/record?year=2025', s.deputy);
  isPage(y);
  assert.ok(y.text.includes('2025-01-01 至 2025-12-31'));
  const bad = await page('/deputy/record?from=2026-13-01', s.deputy);
  isPage(bad, 400);
  assert.match(bad.text, /id="from"[^>]*aria-invalid="true" aria-describedby="from-error"/);
  const range = await page('/deputy/record?from=2026-12-01&to=2026-01-01', s.deputy);
  isPage(range, 400);
  assert.match(range.text, /<p id="from-error" class="error">[^<]+<\/p>/);
});

test('a form with another content type is refused; a suggestion out of scope is 404', async () => {
  const r = await srv.request('POST', '/deputy/concerns/1/claim', {
    raw: JSON.stringify({ csrf_token: s.deputy.csrf }), cookie: s.deputy.cookie,
    headers: { 'content-type': 'application/json', 'x-csrf-token': s.deputy.csrf },
  });
  assert.equal(r.status, 400);
  const sg = await driveTo(ctx, 'draft');
  isPage(await page(`/deputy/suggestions/${sg.id}`, s.deputy3), 404);
  const w = await send(`/deputy/suggestions/${sg.id}/withdraw`, { reason: '越权' }, s.deputy3);
  isPage(w, 404);
  assert.equal((await client(ctx).get('deputy', sg.id)).body.status, 'draft');
});

test('editing my draft: the same form filled in, errors beside the field, a second submit changes nothing', async () => {
  const c = client(ctx);
  const cid = await raise('修改测试:路口缺少红绿灯');
  const made = await c.create('deputy', { title: '关于路口增设红绿灯的建议', concern_ids: [cid] });
  assert.equal(made.status, 201, made.text);
  const sid = made.body.id;
  const p = await page(`/deputy/suggestions/${sid}`, s.deputy);
  isPage(p);
  assert.ok(p.text.includes(`href="/deputy/suggestions/${sid}/edit"`), 'the author may edit');
  assert.ok(!(await page(`/deputy/suggestions/${sid}`, s.deputy2)).text.includes('/edit"'), 'a co-signer may not');
  const form = await page(`/deputy/suggestions/${sid}/edit`, s.deputy);
  isPage(form);
  assert.ok(Buffer.byteLength(form.text) < 50 * 1024);
  assert.match(form.text, /<h1>修改建议草稿<\/h1>/);
  assert.match(form.text, new RegExp(`action="/deputy/suggestions/${sid}/edit"`));
  assert.match(form.text, /id="title"[^>]*value="关于路口增设红绿灯的建议"/);
  assert.match(form.text, new RegExp(`<option value="${ctx.ids.D2}" selected`), 'the co-signer chosen');
  assert.match(form.text, new RegExp(`name="concern_ids" value="${cid}" checked`), 'the linked concern checked');
  assert.equal(hidden(form.text, 'form_token'), null, 'no one-time token: an edit is idempotent');
  // other deputies and other roles
  isPage(await page(`/deputy/suggestions/${sid}/edit`, s.deputy3), 404);
  const r401 = await page(`/deputy/suggestions/${sid}/edit`);
  assert.equal(r401.status, 401);
  // validation beside the field, the input kept
  const bad = await send(`/deputy/suggestions/${sid}/edit`, { title: '', body: '新内容 <b>', category,
    co_signer_ids: [ctx.ids.D2, ctx.ids.D3], concern_ids: [cid] }, s.deputy);
  isPage(bad, 400);
  assert.match(bad.text, /id="title"[^>]*aria-invalid="true" aria-describedby="title-error"/);
  assert.ok(bad.text.includes('新内容 &lt;b&gt;'), 'the body kept, escaped');
  assert.match(bad.text, new RegExp(`<option value="${ctx.ids.D3}" selected`), 'the new co-signer kept');
  assert.equal((await c.get('deputy', sid)).body.title, '关于路口增设红绿灯的建议', 'nothing saved');
  // CSRF
  assert.equal((await postForm(`/deputy/suggestions/${sid}/edit`, { title: 'x', body: 'y', category }, s.deputy)).status, 403);
  // the edit, twice
  const fields = { title: '关于江汉路路口增设红绿灯的建议', body: '路口车流量大,行人过街困难。', category,
    co_signer_ids: [ctx.ids.D2, ctx.ids.D3], concern_ids: [cid] };
  redirected(await send(`/deputy/suggestions/${sid}/edit`, fields, s.deputy), `/deputy/suggestions/${sid}?done=edit`);
  redirected(await send(`/deputy/suggestions/${sid}/edit`, fields, s.deputy), `/deputy/suggestions/${sid}?done=edit`);
  const after = (await c.get('deputy', sid)).body;
  assert.equal(after.title, '关于江汉路路口增设红绿灯的建议');
  assert.deepEqual(after.signers.map((g) => [g.deputy_id, g.status]), [[D1, 'confirmed'], [ctx.ids.D2, 'named'], [ctx.ids.D3, 'named']]);
  assert.equal(after.timeline.filter((e) => e.action === 'edit').length, 1, 'one edit recorded for two submits');
  const shown = await page(`/deputy/suggestions/${sid}?done=edit`, s.deputy);
  assert.ok(shown.text.includes('草稿已修改。'));
  assert.ok(shown.text.includes('(联名 · 待确认)'), 'each co-signer with their status');
  // once submitted, the edit form leads back to the page
  redirected(await send(`/deputy/suggestions/${sid}/submit`, {}, s.deputy), /done=submit/);
  redirected(await page(`/deputy/suggestions/${sid}/edit`, s.deputy), `/deputy/suggestions/${sid}`);
  redirected(await send(`/deputy/suggestions/${sid}/edit`, fields, s.deputy), `/deputy/suggestions/${sid}`);
});

test('联名: a named deputy confirms or declines (with a reason) from the list or the page, once', async () => {
  const c = client(ctx);
  const made = await c.create('deputy', { title: '关于老旧小区加装电梯的建议', co_signer_ids: [ctx.ids.D2, ctx.ids.D3] });
  const sid = made.body.id;
  const list = await page('/deputy/suggestions', s.deputy2);
  isPage(list);
  const mine = list.text.slice(list.text.indexOf('id="cosign"'));
  assert.ok(mine.includes(`action="/deputy/suggestions/${sid}/cosign"`), 'confirm on the list');
  assert.ok(mine.includes(`action="/deputy/suggestions/${sid}/decline_cosign"`), 'decline on the list');
  assert.match(mine, new RegExp(`<label for="decline-reason-${sid}">`));
  assert.ok(mine.includes('邀您联名:待确认'));
  // the author has no such form
  assert.ok(!(await page(`/deputy/suggestions/${sid}`, s.deputy)).text.includes('/cosign"'));
  // confirm: once; the second submit lands on the page
  redirected(await send(`/deputy/suggestions/${sid}/cosign`, {}, s.deputy2), `/deputy/suggestions/${sid}?done=cosign`);
  redirected(await send(`/deputy/suggestions/${sid}/cosign`, {}, s.deputy2), `/deputy/suggestions/${sid}`);
  let sg = (await c.get('deputy', sid)).body;
  assert.equal(sg.signers.find((g) => g.deputy_id === ctx.ids.D2).status, 'confirmed');
  assert.equal(sg.timeline.filter((e) => e.action === 'cosign').length, 1);
  const after = await page(`/deputy/suggestions/${sid}`, s.deputy2);
  assert.ok(after.text.includes('您的联名:<strong>已确认</strong>'));
  assert.ok(!after.text.includes(`action="/deputy/suggestions/${sid}/cosign"`), 'no second confirm offered');
  // decline: the reason beside its field, kept
  const bad = await send(`/deputy/suggestions/${sid}/decline_cosign`, { reason: '' }, s.deputy3);
  isPage(bad, 400);
  assert.match(bad.text, /id="decline-reason"[^>]*aria-invalid="true" aria-describedby="decline-reason-error"/);
  assert.match(bad.text, /<p id="decline-reason-error" class="error">[^<]+<\/p>/);
  redirected(await send(`/deputy/suggestions/${sid}/decline_cosign`, { reason: '不熟悉该小区情况' }, s.deputy3), `/deputy/suggestions/${sid}?done=decline_cosign`);
  redirected(await send(`/deputy/suggestions/${sid}/decline_cosign`, { reason: '不熟悉该小区情况' }, s.deputy3), `/deputy/suggestions/${sid}`);
  sg = (await c.get('deputy', sid)).body;
  assert.deepEqual(sg.signers.map((g) => g.status), ['confirmed', 'confirmed', 'declined']);
  assert.equal(sg.timeline.filter((e) => e.action === 'decline_cosign').length, 1);
  // another role: 403; without the CSRF token: 403
  isPage(await send(`/deputy/suggestions/${sid}/cosign`, {}, s.admin), 403);
  assert.equal((await postForm(`/deputy/suggestions/${sid}/cosign`, {}, s.deputy2)).status, 403);
  // the author sees the statuses
  const authorPage = await page(`/deputy/suggestions/${sid}`, s.deputy);
  assert.ok(authorPage.text.includes('(联名 · 已确认)') && authorPage.text.includes('(联名 · 不同意)'));
});
