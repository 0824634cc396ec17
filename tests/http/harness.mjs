// harness.mjs - starts the real youyue server on a free port with a fresh
// database for a test file, and offers a small fetch-based client.
//
//   const srv = await startServer({ demo: true });
//   const r = await srv.get('/api/v1/stations');   // { status, headers, body, text }
//   await srv.stop();
//
// YOUYUE_BIN names the binary (tests/run.sh sets it for the normal and the
// sanitizer build).  Each server gets its own temporary folder, removed at stop.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { once } from 'node:events';
import { connect } from 'node:net';

export const BIN = process.env.YOUYUE_BIN || resolve('build/youyue');
// With YOUYUE_PG_URL (a cluster's base URL, tests/pg.sh prints one) every
// server gets a fresh PostgreSQL database instead of a SQLite file.
export const PG_URL = process.env.YOUYUE_PG_URL || '';
export const BACKEND = PG_URL ? 'postgresql' : 'sqlite';
// With YOUYUE_PG_READ_URL too (a hot standby of that cluster, tests/pg.sh
// start-replica prints its base URL) every server reads from the standby:
// `serve --db-read ${YOUYUE_PG_READ_URL}/${dbname}` (databases made on the
// primary replicate).
export const PG_READ_URL = (PG_URL && process.env.YOUYUE_PG_READ_URL) || '';

/** The standby URL of a database of the cluster at PG_URL, or '' (no standby,
 *  or not one of its databases). */
export function readUrlFor(db) {
  if (!PG_READ_URL || !db.startsWith(`${PG_URL}/`)) return '';
  return `${PG_READ_URL}/${db.slice(PG_URL.length + 1)}`;
}

let dbCounter = 0;
/** A fresh, empty database for one test server: a SQLite path in dir, or a
 *  new PostgreSQL database.  Returns { url, drop() }. */
export function freshDatabase(dir) {
  if (!PG_URL) return { url: join(dir, 'youyue.db'), drop() {} };
  const name = `yy_${process.pid}_${Date.now()}_${dbCounter++}`;
  const psql = (sql) => {
    const r = spawnSync('psql', [`${PG_URL}/postgres`, '-qAt', '-v', 'ON_ERROR_STOP=1', '-c', sql],
      { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`psql ${sql}: ${r.stderr}`);
  };
  psql(`CREATE DATABASE ${name}`);
  return { url: `${PG_URL}/${name}`, drop: () => psql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}
export const DEMO_PASSWORD = 'youyue-demo';

// For the sanitizer build: any UBSan report ends the process with a non-zero
// status (by default UBSan prints and carries on), and leaks are checked at exit.
const SANITIZER_ENV = { UBSAN_OPTIONS: 'halt_on_error=1:print_stacktrace=1', ASAN_OPTIONS: 'detect_leaks=1' };

/** Runs the CLI synchronously; returns { status, stdout, stderr }. */
export function cli(args, { input, env } = {}) {
  const r = spawnSync(BIN, args, {
    input, encoding: 'utf8', env: { ...SANITIZER_ENV, ...process.env, ...env }, timeout: 120000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export async function startServer({ demo = true, args = [], dir, db: existing, dbRead } = {}) {
  const tmp = dir || mkdtempSync(join(tmpdir(), 'youyue-test-'));
  // db: serve this existing database (left in place) instead of a fresh one
  const database = existing ? { url: existing, drop() {} } : freshDatabase(tmp);
  const db = database.url;
  if (demo) {
    const r = cli(['init', '--db', db, '--demo']);
    if (r.status !== 0) throw new Error(`init failed: ${r.stderr}`);
  }
  // dbRead: a --db-read URL for this server, or null for none (default: the
  // standby of YOUYUE_PG_READ_URL, when set)
  const readUrl = dbRead === undefined ? readUrlFor(db) : dbRead;
  const child = spawn(BIN, ['serve', '--db', db, ...(readUrl ? ['--db-read', readUrl] : []),
    '--listen', '127.0.0.1:0', '--threads', '4', '--quiet', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...SANITIZER_ENV, ...process.env } });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  let stdout = '';
  const base = await new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`server did not start: ${stderr}`)), 30000);
    child.stdout.on('data', (d) => {
      stdout += d;
      const m = stdout.match(/^listening on (http:\/\/\S+)\n/);
      if (m) { clearTimeout(timer); ok(m[1]); }
    });
    child.on('exit', (code) => { clearTimeout(timer); fail(new Error(`server exited ${code}: ${stderr}`)); });
  });

  async function request(method, path, { body, headers = {}, raw, cookie, csrf, token } = {}) {
    const h = { ...headers };
    let payload = raw;
    if (body !== undefined) { payload = JSON.stringify(body); h['content-type'] ??= 'application/json'; }
    if (cookie) h.cookie = cookie;
    if (csrf) h['x-csrf-token'] = csrf;
    if (token) h.authorization = `Bearer ${token}`;
    const res = await fetch(base + path, { method, headers: h, body: payload, redirect: 'manual' });
    const text = await res.text();
    let json;
    try { json = JSON.parse(text); } catch { json = undefined; }
    return { status: res.status, headers: res.headers, body: json, text };
  }

  /** Logs in; returns { cookie, csrf, user } for passing to request(). */
  async function login(login, password = DEMO_PASSWORD) {
    const r = await request('POST', '/api/v1/session', { body: { login, password } });
    if (r.status !== 200) throw new Error(`login ${login}: ${r.status} ${r.text}`);
    const cookie = r.headers.get('set-cookie').split(';')[0];
    return { cookie, csrf: r.body.csrf_token, user: r.body.user };
  }

  return {
    base, db, dbRead: readUrl || '', dir: tmp, child,
    get stderr() { return stderr; },
    request,
    get: (p, o) => request('GET', p, o),
    post: (p, body, o = {}) => request('POST', p, { ...o, body }),
    patch: (p, body, o = {}) => request('PATCH', p, { ...o, body }),
    del: (p, o) => request('DELETE', p, o),
    login,
    /** Every item of a list, following next_cursor (limit 100). */
    async getAll(path, o) {
      const items = [];
      let cursor = null;
      for (let guard = 0; guard < 1000; guard++) {
        const sep = path.includes('?') ? '&' : '?';
        const r = await request('GET', `${path}${sep}limit=100${cursor ? `&cursor=${cursor}` : ''}`, o);
        if (r.status !== 200) throw new Error(`GET ${path}: ${r.status} ${r.text}`);
        items.push(...r.body.items);
        cursor = r.body.next_cursor;
        if (cursor === null) return items;
      }
      throw new Error(`GET ${path}: the cursor never ends`);
    },
    /** The whole registry as one string (pass an admin login to include the
     *  private fields), for asserting that a failed request changed nothing. */
    async snapshot(o) {
      const parts = [];
      for (const p of ['/api/v1/stations', '/api/v1/deputies', '/api/v1/units'])
        parts.push(JSON.stringify(await this.getAll(p, o)));
      parts.push((await request('GET', '/api/v1/regions', o)).text);
      return parts.join('\n');
    },
    /** Sends bytes as they are (a Buffer or string) and returns the answer. */
    raw: (bytes) => rawHttp(base, bytes),
    alive: () => child.exitCode === null && child.signalCode === null,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await once(child, 'exit');
      }
      database.drop();
      if (!dir) rmSync(tmp, { recursive: true, force: true });
      return child.exitCode;
    },
  };
}

/** Writes a raw HTTP/1.1 request to the server at base and reads the answer
 *  until the server closes (send `Connection: close`).  Returns
 *  { status, headers (lower-case names), text, body (parsed JSON or undefined) }. */
export async function rawHttp(base, bytes) {
  const { hostname, port } = new URL(base);
  const sock = connect({ host: hostname, port: Number(port) });
  await once(sock, 'connect');
  const chunks = [];
  sock.on('data', (d) => chunks.push(d));
  const done = new Promise((ok) => { sock.on('close', ok); sock.on('error', ok); });
  sock.write(bytes);
  sock.setTimeout(15000, () => sock.destroy());
  await done;
  const all = Buffer.concat(chunks).toString('utf8');
  const split = all.indexOf('\r\n\r\n');
  const head = split < 0 ? all : all.slice(0, split);
  const text = split < 0 ? '' : all.slice(split + 4);
  const [statusLine, ...lines] = head.split('\r\n');
  const headers = {};
  for (const l of lines) {
    const i = l.indexOf(':');
    if (i > 0) headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
  }
  let body;
  try { body = JSON.parse(text); } catch { body = undefined; }
  return { status: Number((statusLine.match(/^HTTP\/1\.[01] (\d{3})/) || [])[1]), headers, text, body };
}

/** Great-circle distance in metres (the same formula the server documents). */
export function haversine(lat1, lon1, lat2, lon2) {
  const rad = Math.PI / 180, R = 6371008.8;
  const dlat = (lat2 - lat1) * rad, dlon = (lon2 - lon1) * rad;
  const a = Math.sin(dlat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dlon / 2) ** 2;
  return 2 * R * Math.asin(Math.sqrt(Math.min(1, a)));
}

/** Asserts the contract's error body: {"error":{"code","message","field"}}. */
export function isError(r, status, code, field) {
  const where = `${r.status} ${r.text}`;
  if (r.status !== status) throw new Error(`expected status ${status}, got ${where}`);
  const e = r.body && r.body.error;
  if (!e || typeof e.code !== 'string' || !/^[a-z][a-z0-9_]*$/.test(e.code) ||
      typeof e.message !== 'string' || e.message.length === 0 || !('field' in e))
    throw new Error(`not the contract's error body: ${where}`);
  if (code !== undefined && e.code !== code) throw new Error(`expected code ${code}, got ${where}`);
  if (field !== undefined && e.field !== field) throw new Error(`expected field ${field}, got ${where}`);
}
