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

export const BIN = process.env.YOUYUE_BIN || resolve('build/youyue');
export const DEMO_PASSWORD = 'youyue-demo';

/** Runs the CLI synchronously; returns { status, stdout, stderr }. */
export function cli(args, { input, env } = {}) {
  const r = spawnSync(BIN, args, {
    input, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 120000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export async function startServer({ demo = true, args = [], dir } = {}) {
  const tmp = dir || mkdtempSync(join(tmpdir(), 'youyue-test-'));
  const db = join(tmp, 'youyue.db');
  if (demo) {
    const r = cli(['init', '--db', db, '--demo']);
    if (r.status !== 0) throw new Error(`init failed: ${r.stderr}`);
  }
  const child = spawn(BIN, ['serve', '--db', db, '--listen', '127.0.0.1:0', '--threads', '4',
    '--quiet', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
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
    base, db, dir: tmp, child,
    get stderr() { return stderr; },
    request,
    get: (p, o) => request('GET', p, o),
    post: (p, body, o = {}) => request('POST', p, { ...o, body }),
    patch: (p, body, o = {}) => request('PATCH', p, { ...o, body }),
    del: (p, o) => request('DELETE', p, o),
    login,
    alive: () => child.exitCode === null && child.signalCode === null,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await once(child, 'exit');
      }
      if (!dir) rmSync(tmp, { recursive: true, force: true });
      return child.exitCode;
    },
  };
}
