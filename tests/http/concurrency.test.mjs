// Conflicting writes from 32 clients at once (issue 3): no lost update, no
// duplicate, every request answered with success or a clean 409/503.
// CONCURRENCY_SECONDS sets the length (default 10).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, BACKEND } from './harness.mjs';

const SECONDS = Number(process.env.CONCURRENCY_SECONDS || 10);
let srv, token;

before(async () => {
  srv = await startServer({ demo: true, args: ['--anon-rate', '0', '--threads', '8'] });
  const admin = await srv.login('admin');
  const r = await srv.post('/api/v1/tokens', {}, admin);
  assert.equal(r.status, 201);
  token = r.body.token;
});
after(async () => { assert.equal(await srv.stop(), 0); });

const OK = new Set([200, 201, 409, 503]);

test(`32 clients, ${SECONDS}s of conflicting writes on ${BACKEND}`, async () => {
  const deadline = Date.now() + SECONDS * 1000;
  const statuses = new Map();
  const note = (s) => statuses.set(s, (statuses.get(s) || 0) + 1);
  const unexpected = [];

  // 16 clients in 8 pairs: on one station, one edits only the name, the other
  // only the address, each with a rising counter. A read-modify-write that is
  // not atomic would write back a stale name or address.
  const lastName = new Map(), lastAddress = new Map();
  const editor = async (station, field) => {
    for (let n = 0; Date.now() < deadline; n++) {
      const value = field === 'name' ? `并发站点${station}-${n}` : `江汉区测试路${station}号-${n}`;
      const r = await srv.patch(`/api/v1/stations/${station}`, { [field]: value }, { token });
      note(r.status);
      if (r.status === 200) (field === 'name' ? lastName : lastAddress).set(station, value);
      else if (!OK.has(r.status)) unexpected.push(`${r.status} ${r.text}`);
    }
  };
  // 16 clients create units from one small pool of names: each name may be
  // created once; every other attempt must be a clean 409.
  const created = new Map();
  const creator = async (k) => {
    for (let n = 0; Date.now() < deadline; n++) {
      const name = `并发测试单位${(n * 7 + k) % 40}`;
      const r = await srv.post('/api/v1/units', { name, kind: 'department' }, { token });
      note(r.status);
      if (r.status === 201) created.set(name, (created.get(name) || 0) + 1);
      else if (r.status === 409) assert.equal(r.body.error.code, 'duplicate_name');
      else if (!OK.has(r.status)) unexpected.push(`${r.status} ${r.text}`);
    }
  };

  const clients = [];
  for (let s = 1; s <= 8; s++) clients.push(editor(s, 'name'), editor(s, 'address'));
  for (let k = 0; k < 16; k++) clients.push(creator(k));
  assert.equal(clients.length, 32);
  await Promise.all(clients);

  assert.deepEqual(unexpected, [], 'every answer is a success or a clean 409/503');
  assert.ok((statuses.get(200) || 0) > 16, `enough edits went through: ${[...statuses]}`);
  for (let s = 1; s <= 8; s++) {
    const r = await srv.get(`/api/v1/stations/${s}`);
    assert.equal(r.body.name, lastName.get(s), `station ${s}: the last acknowledged name stands`);
    assert.equal(r.body.address, lastAddress.get(s), `station ${s}: the last acknowledged address stands`);
  }
  for (const [name, times] of created) assert.equal(times, 1, `${name} created once`);
  const units = await srv.getAll('/api/v1/units');
  const pool = units.filter((u) => u.name.startsWith('并发测试单位'));
  assert.equal(pool.length, created.size, 'every acknowledged unit is there, and nothing else');
  assert.equal(new Set(pool.map((u) => u.name)).size, pool.length, 'no duplicate names');
  assert.ok(srv.alive());
});
