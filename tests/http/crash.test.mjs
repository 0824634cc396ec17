// Crash safety (issue 4): 32 clients write at once — half raise concerns
// without a login, half act on concerns (accept, refer, resolve, rate) and on
// suggestions (log_contact, supervise) — and the server is killed with SIGKILL
// in the middle, with requests in flight.  A server restarted on the same
// database must hold every acknowledged (2xx) write, and nothing half-applied:
// for every concern and suggestion the status follows from its timeline, the
// timeline matches the audit trail entry for entry, and `youyue audit verify`
// passes.  Three kill/restart cycles.  On both backends (SQLite runs with
// synchronous=FULL; PostgreSQL commits are durable).
// CRASH_LOAD_MS sets how long the load runs before each kill (default 2500).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { startServer, cli, BACKEND } from './harness.mjs';

const LOAD_MS = Number(process.env.CRASH_LOAD_MS || 2500);
const CYCLES = 3;
const ARGS = ['--anon-rate', '0', '--remind-interval', '0', '--threads', '8'];
const dir = mkdtempSync(join(tmpdir(), 'youyue-crash-'));
let first; // the first server: its stop() drops the PostgreSQL database
let current;
after(async () => {
  if (current && current !== first) await current.stop();
  if (first) await first.stop();
  rmSync(dir, { recursive: true, force: true });
});

const randomHan = (n) => Array.from({ length: n },
  () => String.fromCodePoint(0x4E00 + Math.floor(Math.random() * 0x5000))).join('');
const pick = (xs) => xs[Math.floor(Math.random() * xs.length)];

/** Runs jobs with at most n at a time. */
async function pool(items, n, fn) {
  let i = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (i < items.length) { const k = i++; await fn(items[k], k); }
  }));
}

// The status a concern must have after these timeline actions (only the
// actions this test takes).
const CONCERN_TO = { create: 'new', accept: 'accepted', refer: 'referred', resolve: 'resolved' };
// The suggestion's: from the path the setup drives, then log_contact moves an
// assigned one to in_handling; supervise leaves it.
function suggestionStatus(actions) {
  let s = null;
  for (const a of actions) {
    if (a === 'create') s = 'draft';
    else if (a === 'submit') s = 'submitted';
    else if (a === 'accept') s = 'accepted';
    else if (a === 'assign') s = 'assigned';
    else if (a === 'log_contact' && s === 'assigned') s = 'in_handling';
    else if (!['log_contact', 'supervise'].includes(a)) return `unexpected ${a}`;
  }
  return s;
}

test(`SIGKILL under load, ${CYCLES} times: every acknowledged write survives, nothing half-applied (${BACKEND})`, async () => {
  const t0 = Date.now();
  first = await startServer({ dir, args: ARGS });
  current = first;
  const db = first.db;
  const tokenOf = async (login) => {
    const s = await first.login(login);
    const r = await first.post('/api/v1/tokens', {}, s);
    assert.equal(r.status, 201, r.text);
    return { token: r.body.token, user: s.user };
  };
  const admin = await tokenOf('admin');
  const deputy = await tokenOf('deputy');
  const unit = await tokenOf('unit');
  const U1 = unit.user.roles.find((g) => g.role === 'unit_staff').scope_id;
  const units = await first.getAll('/api/v1/units');
  const U2 = units.find((u) => u.id !== U1).id;
  const stations = (await first.getAll('/api/v1/stations')).slice(0, 12).map((s) => s.id);
  const tree = (await first.get('/api/v1/regions')).body.items[0];
  const regions = tree.children.flatMap((s) => [s.id, ...s.children.map((c) => c.id)]).slice(0, 20);

  // suggestions in `assigned`: the unit logs contacts, the office supervises
  const suggestions = [];
  for (let i = 0; i < 6; i++) {
    const r = await first.post('/api/v1/suggestions', { title: `崩溃测试建议${i}`, body: '建议内容', category: '城市建设与管理',
      concern_ids: [], co_signer_ids: [] }, { token: deputy.token });
    assert.equal(r.status, 201, r.text);
    const id = r.body.id;
    for (const [who, body] of [[deputy, { action: 'submit' }], [admin, { action: 'accept' }],
      [admin, { action: 'assign', units: [{ unit_id: U1, role: 'lead' }, { unit_id: U2, role: 'co' }] }]]) {
      const a = await first.post(`/api/v1/suggestions/${id}/actions`, body, { token: who.token });
      assert.equal(a.status, 200, a.text);
    }
    suggestions.push(id);
  }

  // What the clients know: concerns (id → {code, title, status, rated}) and
  // every acknowledged write.
  const concerns = new Map();
  const acked = { concerns: [], concernActions: [], contacts: [], supervisions: [] };
  const raise = async (base, marker) => {
    const title = `崩溃测试 ${marker} ${randomHan(6)}`;
    const r = await fetch(`${base}/api/v1/concerns`, { method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title, body: randomHan(30), category: '城市建设与管理', station_id: pick(stations) }) });
    const b = await r.json().catch(() => undefined);
    return { status: r.status, body: b, title };
  };
  for (let i = 0; i < 24; i++) {
    const r = await raise(first.base, `seed-${i}`);
    assert.equal(r.status, 201);
    concerns.set(r.body.id, { code: r.body.tracking_code, title: r.title, status: 'new', rated: false });
    acked.concerns.push({ id: r.body.id, code: r.body.tracking_code, title: r.title });
  }

  /** One load on srv until it is killed; returns how many requests were in flight then. */
  async function load(srv, cycle) {
    let killed = false, inFlight = 0, atKill = -1, sent = 0;
    const unexpected = [];
    const send = async (method, path, body, token) => {
      inFlight++; sent++;
      try {
        const h = { 'content-type': 'application/json' };
        if (token) h.authorization = `Bearer ${token}`;
        const r = await fetch(srv.base + path, { method, headers: h, body: JSON.stringify(body),
          signal: AbortSignal.timeout(15000) });
        const text = await r.text();
        let json; try { json = JSON.parse(text); } catch { json = undefined; }
        if (![200, 201, 409, 503].includes(r.status)) unexpected.push(`${path} ${r.status} ${text}`);
        return { status: r.status, body: json };
      } catch {
        return { status: 0 }; // the server died under it: not acknowledged
      } finally { inFlight--; }
    };
    const raiser = async (k) => {
      for (let n = 0; !killed; n++) {
        const marker = `c${cycle}-r${k}-${n}`;
        const title = `崩溃测试 ${marker} ${randomHan(6)}`;
        const r = await send('POST', '/api/v1/concerns', { title, body: randomHan(30), category: '城市建设与管理',
          station_id: pick(stations) });
        if (r.status === 201) {
          acked.concerns.push({ id: r.body.id, code: r.body.tracking_code, title });
          concerns.set(r.body.id, { code: r.body.tracking_code, title, status: 'new', rated: false });
        }
      }
    };
    const actor = async (k) => {
      for (let n = 0; !killed; n++) {
        const marker = `c${cycle}-a${k}-${n}`;
        if (Math.random() < 0.35) {
          const id = pick(suggestions);
          const supervise = Math.random() < 0.4;
          const body = supervise ? { action: 'supervise', note: marker }
            : { action: 'log_contact', stage: pick(['before', 'during', 'after']), mode: pick(['visit', 'phone', 'meeting', 'online']), note: marker };
          const r = await send('POST', `/api/v1/suggestions/${id}/actions`, body, (supervise ? admin : unit).token);
          if (r.status === 200) (supervise ? acked.supervisions : acked.contacts).push({ id, marker });
          continue;
        }
        const open = [...concerns].filter(([, c]) => !c.rated);
        if (open.length === 0) continue;
        const [id, c] = pick(open);
        let body, token = admin.token;
        if (c.status === 'resolved') { body = { action: 'rate', tracking_code: c.code, value: pick(['satisfied', 'basically_satisfied', 'dissatisfied']) }; token = null; }
        else if (c.status === 'new') body = pick([{ action: 'accept' }, { action: 'refer', region_id: pick(regions), note: marker }]);
        else if (c.status === 'accepted') body = pick([{ action: 'refer', region_id: pick(regions), note: marker }, { action: 'resolve', result: marker }]);
        else if (c.status === 'referred') body = pick([{ action: 'accept' }, { action: 'refer', region_id: pick(regions), note: marker }, { action: 'resolve', result: marker }]);
        else continue;
        const r = await send('POST', `/api/v1/concerns/${id}/actions`, body, token);
        if (r.status === 200) {
          acked.concernActions.push({ id, ...body });
          c.status = r.body.status;
          if (body.action === 'rate') c.rated = true;
        } else if (r.status === 409 && r.body?.error?.code === 'invalid_transition') {
          // another client moved it first: take the state from the server
          const g = await send('GET', `/api/v1/concerns/${id}`, undefined, admin.token);
          if (g.status === 200) { c.status = g.body.status; c.rated = g.body.rating !== null; }
        }
      }
    };
    const clients = [];
    for (let k = 0; k < 16; k++) clients.push(raiser(k), actor(k));
    assert.equal(clients.length, 32);
    await new Promise((ok) => setTimeout(ok, LOAD_MS * (0.8 + 0.4 * Math.random())));
    atKill = inFlight;
    srv.child.kill('SIGKILL');
    killed = true;
    await once(srv.child, 'exit');
    await Promise.all(clients);
    assert.deepEqual(unexpected, [], 'every answer before the kill was a success or a clean 409/503');
    return { atKill, sent };
  }

  /** Checks the restarted server against everything acknowledged. */
  async function verify(srv, label) {
    const tok = { token: admin.token };
    // every acknowledged concern, by its tracking code
    await pool(acked.concerns, 16, async (c) => {
      const t = await srv.get(`/api/v1/concerns/track/${c.code}`);
      assert.equal(t.status, 200, `${label}: acknowledged concern ${c.id} (${c.code}) is there: ${t.text}`);
      assert.equal(t.body.id, c.id);
      assert.equal(t.body.title, c.title);
    });
    // the whole audit trail, by entity
    const audit = new Map();
    for (const e of await srv.getAll('/api/v1/audit', tok)) {
      const k = `${e.entity}:${e.entity_id}`;
      if (!audit.has(k)) audit.set(k, []);
      audit.get(k).push(e);
    }
    // every concern in the database: status from the timeline, timeline = audit
    const all = await srv.getAll('/api/v1/concerns', tok);
    const full = new Map();
    await pool(all, 16, async (item) => {
      const r = await srv.get(`/api/v1/concerns/${item.id}`, tok);
      assert.equal(r.status, 200, r.text);
      full.set(item.id, r.body);
    });
    for (const c of full.values()) {
      const tl = c.timeline.map((e) => e.action);
      const au = (audit.get(`concern:${c.id}`) || []).map((e) => e.action.replace(/^concern\./, ''));
      assert.deepEqual(au, tl, `${label}: concern ${c.id}: one audit entry per timeline entry`);
      assert.equal(tl[0], 'create');
      const moved = tl.filter((a) => a !== 'rate');
      assert.equal(c.status, CONCERN_TO[moved.at(-1)], `${label}: concern ${c.id}: status ${c.status} after ${tl}`);
      assert.equal(c.rating !== null, tl.includes('rate'), `${label}: concern ${c.id}: rating and its entry`);
      assert.ok(tl.filter((a) => a === 'rate').length <= 1);
      if (c.status === 'resolved') assert.ok(c.result, `${label}: concern ${c.id}: resolved with a result`);
    }
    // every acknowledged concern action's effect
    const count = new Map();
    for (const a of acked.concernActions) {
      const c = full.get(a.id);
      assert.ok(c, `${label}: concern ${a.id} listed`);
      const what = `${label}: acknowledged ${a.action} on concern ${a.id}`;
      if (a.action === 'refer')
        assert.ok(c.timeline.some((e) => e.action === 'refer' && e.staff_note === a.note), what);
      else if (a.action === 'resolve') assert.equal(c.result, a.result, what);
      else if (a.action === 'rate') assert.equal(c.rating, a.value, what);
      else if (a.action === 'accept') {
        const k = a.id;
        count.set(k, (count.get(k) || 0) + 1);
        assert.ok(c.timeline.filter((e) => e.action === 'accept').length >= count.get(k), what);
      }
    }
    // suggestions: status from the timeline, timeline = audit (notes too), contacts
    for (const id of suggestions) {
      const r = await srv.get(`/api/v1/suggestions/${id}`, tok);
      assert.equal(r.status, 200, r.text);
      const s = r.body;
      const tl = s.timeline.map((e) => e.action);
      const entries = audit.get(`suggestion:${id}`) || [];
      assert.deepEqual(entries.map((e) => e.action.replace(/^suggestion\./, '')), tl,
        `${label}: suggestion ${id}: one audit entry per timeline entry`);
      for (let i = 1; i < entries.length; i++)
        assert.equal(entries[i].detail.note, s.timeline[i].note, `${label}: suggestion ${id}: entry ${i} note`);
      assert.equal(s.status, suggestionStatus(tl), `${label}: suggestion ${id}: status after ${tl}`);
      const contacts = s.assignments.flatMap((g) => g.contacts);
      assert.equal(contacts.length, tl.filter((a) => a === 'log_contact').length,
        `${label}: suggestion ${id}: one contact per log_contact entry`);
      for (const a of acked.contacts.filter((x) => x.id === id))
        assert.ok(contacts.some((x) => x.note === a.marker), `${label}: acknowledged contact ${a.marker}`);
      for (const a of acked.supervisions.filter((x) => x.id === id))
        assert.ok(s.timeline.some((e) => e.action === 'supervise' && e.note === a.marker),
          `${label}: acknowledged supervision ${a.marker}`);
    }
    // what the clients know is now what the server holds (unacknowledged
    // writes may or may not have happened)
    for (const [id, c] of full) {
      const known = concerns.get(id);
      if (known) { known.status = c.status; known.rated = c.rating !== null; }
    }
    return { concerns: full.size };
  }

  const verifyChain = (label) => {
    const v = cli(['audit', 'verify', '--db', db]);
    assert.equal(v.status, 0, `${label}: audit verify: ${v.stderr}`);
    assert.match(v.stdout, /^audit trail intact: \d+ entries/);
  };

  const summary = [];
  let srv = first;
  for (let cycle = 1; cycle <= CYCLES; cycle++) {
    const before = acked.concerns.length + acked.concernActions.length + acked.contacts.length + acked.supervisions.length;
    const { atKill, sent } = await load(srv, cycle);
    const writes = acked.concerns.length + acked.concernActions.length + acked.contacts.length + acked.supervisions.length - before;
    assert.ok(atKill > 0, `cycle ${cycle}: requests were in flight at the kill`);
    assert.ok(writes > 32, `cycle ${cycle}: enough writes were acknowledged (${writes})`);
    verifyChain(`after kill ${cycle}`);
    srv = await startServer({ db, dir, demo: false, args: ARGS });
    current = srv;
    const v = await verify(srv, `restart ${cycle}`);
    summary.push(`cycle ${cycle}: ${sent} sent, ${writes} acked, ${atKill} in flight at the kill, ${v.concerns} concerns`);
  }
  verifyChain('at the end');
  assert.equal(await srv.stop(), 0, 'the last server exits cleanly');
  current = null;
  console.log(`# ${BACKEND}: ${summary.join('; ')}; ${Date.now() - t0} ms`);
});
