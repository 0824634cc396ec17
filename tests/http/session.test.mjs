// Sessions, CSRF, bearer tokens and the throttles (CONTRACT.md "Sessions",
// "Command line": --anon-rate, --trusted-proxy).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, isError, DEMO_PASSWORD } from './harness.mjs';

const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/;

async function unitNames(srv) {
  return (await srv.getAll('/api/v1/units')).map((u) => `${u.id}:${u.name}:${u.kind}`).join('\n');
}

describe('sessions and tokens', () => {
  let srv;
  before(async () => { srv = await startServer({ args: ['--anon-rate', '0'] }); });
  after(async () => { assert.equal(await srv.stop(), 0, 'server exits cleanly'); });

  test('login answers 200 with the user, a CSRF token and an HttpOnly SameSite=Lax cookie', async () => {
    const r = await srv.post('/api/v1/session', { login: 'admin', password: DEMO_PASSWORD });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.user.login, 'admin');
    assert.equal(typeof r.body.user.id, 'number');
    assert.ok(r.body.user.roles.some((g) => g.role === 'admin'));
    assert.equal(typeof r.body.csrf_token, 'string');
    assert.ok(r.body.csrf_token.length >= 16);
    const cookie = r.headers.get('set-cookie');
    assert.match(cookie, /^youyue_session=[^;]{16,};/);
    assert.match(cookie, /;\s*HttpOnly/i);
    assert.match(cookie, /;\s*SameSite=Lax/i);
    assert.match(cookie, /;\s*Path=\//);
    assert.ok(!r.text.includes('password'), 'no password (or hash) in the answer');
  });

  test('a wrong password and an unknown login both answer the same 401 invalid_credentials', async () => {
    const wrong = await srv.post('/api/v1/session', { login: 'admin', password: 'not-the-password' });
    isError(wrong, 401, 'invalid_credentials', null);
    assert.equal(wrong.headers.get('set-cookie'), null);
    const unknown = await srv.post('/api/v1/session', { login: 'nobody-here', password: DEMO_PASSWORD });
    isError(unknown, 401, 'invalid_credentials', null);
    assert.deepEqual(unknown.body, wrong.body, 'no hint whether the login exists');
  });

  test('login body errors name the field', async () => {
    isError(await srv.post('/api/v1/session', { password: DEMO_PASSWORD }), 400, 'missing_field', 'login');
    isError(await srv.post('/api/v1/session', { login: 'admin' }), 400, undefined, 'password');
    isError(await srv.post('/api/v1/session', { login: 'admin', password: 5 }), 400, undefined, 'password');
    isError(await srv.post('/api/v1/session', { login: 'admin', password: DEMO_PASSWORD, role: 'x' }),
      400, 'unknown_field', 'role');
  });

  test('GET /api/v1/session: 401 without a login, the user with one', async () => {
    isError(await srv.get('/api/v1/session'), 401, 'login_required', null);
    const s = await srv.login('resident');
    const r = await srv.get('/api/v1/session', { cookie: s.cookie });
    assert.equal(r.status, 200);
    assert.equal(r.body.user.login, 'resident');
    assert.deepEqual(r.body.user.roles.map((g) => g.role), ['resident']);
    assert.equal(r.body.csrf_token, s.csrf);
    // an unknown session cookie is simply no login
    isError(await srv.get('/api/v1/session', { cookie: 'youyue_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }),
      401, 'login_required');
  });

  test('a write with the session cookie but without or with a wrong X-CSRF-Token is 403 csrf_failed and changes nothing', async () => {
    const s = await srv.login('admin');
    const before = await unitNames(srv);
    const unit = { name: 'CSRF测试单位', kind: 'department' };
    isError(await srv.post('/api/v1/units', unit, { cookie: s.cookie }), 403, 'csrf_failed', null);
    isError(await srv.post('/api/v1/units', unit, { cookie: s.cookie, csrf: 'x'.repeat(s.csrf.length) }),
      403, 'csrf_failed');
    isError(await srv.post('/api/v1/units', unit, { cookie: s.cookie, csrf: s.csrf + 'x' }), 403, 'csrf_failed');
    isError(await srv.post('/api/v1/units', unit, { cookie: s.cookie, csrf: ' ' }), 403, 'csrf_failed');
    isError(await srv.patch('/api/v1/units/1', { name: '改名' }, { cookie: s.cookie }), 403, 'csrf_failed');
    isError(await srv.post('/api/v1/tokens', {}, { cookie: s.cookie }), 403, 'csrf_failed');
    isError(await srv.del('/api/v1/session', { cookie: s.cookie }), 403, 'csrf_failed');
    // another session's token is not this session's
    const other = await srv.login('admin');
    isError(await srv.post('/api/v1/units', unit, { cookie: s.cookie, csrf: other.csrf }), 403, 'csrf_failed');
    assert.equal(await unitNames(srv), before, 'nothing changed');
    assert.equal((await srv.get('/api/v1/session', { cookie: s.cookie })).status, 200, 'still logged in');
    // and with the right token the same request works
    const ok = await srv.post('/api/v1/units', unit, { cookie: s.cookie, csrf: s.csrf });
    assert.equal(ok.status, 201, ok.text);
  });

  test('DELETE /api/v1/session logs out: the cookie no longer works', async () => {
    const s = await srv.login('admin');
    const r = await srv.del('/api/v1/session', { cookie: s.cookie, csrf: s.csrf });
    assert.equal(r.status, 200, r.text);
    assert.match(r.headers.get('set-cookie'), /youyue_session=;.*Max-Age=0/);
    isError(await srv.get('/api/v1/session', { cookie: s.cookie }), 401, 'login_required');
    // the old cookie is no login: a write with it is anonymous
    isError(await srv.post('/api/v1/units', { name: '登出后' }, { cookie: s.cookie, csrf: s.csrf }),
      401, 'login_required');
    assert.ok(!(await unitNames(srv)).includes('登出后'));
  });

  test('POST /api/v1/tokens gives a bearer token that works without CSRF', async () => {
    isError(await srv.post('/api/v1/tokens', {}), 401, 'login_required');
    const s = await srv.login('admin');
    const r = await srv.post('/api/v1/tokens', {}, { cookie: s.cookie, csrf: s.csrf });
    assert.equal(r.status, 201, r.text);
    assert.equal(typeof r.body.token, 'string');
    assert.ok(r.body.token.length >= 16);
    assert.match(r.body.expires_at, RFC3339);
    const token = r.body.token;
    const who = await srv.get('/api/v1/session', { token });
    assert.equal(who.status, 200);
    assert.equal(who.body.user.login, 'admin');
    const made = await srv.post('/api/v1/units', { name: '令牌创建的单位', kind: 'utility' }, { token });
    assert.equal(made.status, 201, made.text);
    assert.equal(made.body.name, '令牌创建的单位');
    const seen = await srv.get(`/api/v1/units/${made.body.id}`);
    assert.equal(seen.body.name, '令牌创建的单位');
    // the token stays valid after the session that made it ends
    await srv.del('/api/v1/session', { cookie: s.cookie, csrf: s.csrf });
    assert.equal((await srv.get('/api/v1/session', { token })).status, 200);
  });

  test('a bearer token of a non-admin is a login but not an admin', async () => {
    const s = await srv.login('resident');
    const { body } = await srv.post('/api/v1/tokens', {}, { cookie: s.cookie, csrf: s.csrf });
    isError(await srv.post('/api/v1/units', { name: '居民不能建' }, { token: body.token }), 403, 'forbidden');
  });

  test('a bad bearer token is 401 invalid_token, for reads and writes', async () => {
    const before = await unitNames(srv);
    for (const token of ['nonsense', 'A'.repeat(43), "'; DROP TABLE api_tokens; --"]) {
      isError(await srv.get('/api/v1/session', { headers: { authorization: `Bearer ${token}` } }),
        401, 'invalid_token');
      isError(await srv.post('/api/v1/units', { name: '坏令牌' }, { headers: { authorization: `Bearer ${token}` } }),
        401, 'invalid_token');
    }
    isError(await srv.get('/api/v1/stations', { token: 'nonsense' }), 401, 'invalid_token');
    assert.equal(await unitNames(srv), before);
    assert.ok(srv.alive());
  });
});

describe('login throttling', () => {
  test('5 failures for one login: the 6th attempt is 429 even with the right password; other logins still work', async () => {
    const srv = await startServer({ args: ['--anon-rate', '0'] });
    try {
      for (let i = 0; i < 5; i++)
        isError(await srv.post('/api/v1/session', { login: 'admin', password: `wrong-${i}-password` }),
          401, 'invalid_credentials');
      const r = await srv.post('/api/v1/session', { login: 'admin', password: DEMO_PASSWORD });
      isError(r, 429);
      assert.ok(r.headers.get('retry-after'));
      assert.equal(r.headers.get('set-cookie'), null);
      isError(await srv.post('/api/v1/session', { login: 'admin', password: DEMO_PASSWORD }), 429);
      // another login from the same address is not held by admin's count
      assert.equal((await srv.post('/api/v1/session', { login: 'leader', password: DEMO_PASSWORD })).status, 200);
    } finally {
      assert.equal(await srv.stop(), 0);
    }
  });

  test('a successful login resets the count for that login', async () => {
    const srv = await startServer({ args: ['--anon-rate', '0'] });
    try {
      for (let round = 0; round < 2; round++) {
        for (let i = 0; i < 4; i++)
          isError(await srv.post('/api/v1/session', { login: 'street', password: 'wrong-password' }),
            401, 'invalid_credentials');
        assert.equal((await srv.post('/api/v1/session', { login: 'street', password: DEMO_PASSWORD })).status, 200);
      }
    } finally {
      assert.equal(await srv.stop(), 0);
    }
  });

  test('20 failures from one address: every login from it is then 429', async () => {
    const srv = await startServer({ args: ['--anon-rate', '0'] });
    try {
      for (let i = 0; i < 20; i++) // 5 logins x 4 failures: no single login reaches its limit
        isError(await srv.post('/api/v1/session', { login: `guess${i % 5}`, password: 'wrong-password' }),
          401, 'invalid_credentials');
      isError(await srv.post('/api/v1/session', { login: 'resident', password: DEMO_PASSWORD }), 429);
      isError(await srv.post('/api/v1/session', { login: 'admin', password: DEMO_PASSWORD }), 429);
    } finally {
      assert.equal(await srv.stop(), 0);
    }
  });
});

describe('anonymous write rate', () => {
  test('with --anon-rate 3 the 4th anonymous POST in a minute is 429; logged-in callers are not held', async () => {
    const srv = await startServer({ args: ['--anon-rate', '3'] });
    try {
      const s = await srv.login('admin'); // 1st anonymous write: logging in is one
      const t = await srv.post('/api/v1/tokens', {}, { cookie: s.cookie, csrf: s.csrf });
      assert.equal(t.status, 201);
      isError(await srv.post('/api/v1/units', { name: '匿名1' }), 401, 'login_required'); // 2nd
      isError(await srv.post('/api/v1/units', { name: '匿名2' }), 401, 'login_required'); // 3rd
      const r = await srv.post('/api/v1/units', { name: '匿名3' }); // 4th
      isError(r, 429, 'too_many_requests');
      assert.equal(r.headers.get('retry-after'), '60');
      isError(await srv.post('/api/v1/session', { login: 'leader', password: DEMO_PASSWORD }), 429);
      // reads are not writes
      assert.equal((await srv.get('/api/v1/stations')).status, 200);
      for (let i = 0; i < 5; i++) {
        const a = await srv.post('/api/v1/units', { name: `会话单位${i}` }, { cookie: s.cookie, csrf: s.csrf });
        assert.equal(a.status, 201, a.text);
        const b = await srv.post('/api/v1/units', { name: `令牌单位${i}` }, { token: t.body.token });
        assert.equal(b.status, 201, b.text);
      }
    } finally {
      assert.equal(await srv.stop(), 0);
    }
  });

  test('--trusted-proxy 127.0.0.1: X-Forwarded-For decides the throttled address', async () => {
    const srv = await startServer({ args: ['--anon-rate', '2', '--trusted-proxy', '127.0.0.1'] });
    const xff = (v) => ({ headers: { 'x-forwarded-for': v } });
    try {
      isError(await srv.post('/api/v1/units', { name: 'a' }, xff('203.0.113.1')), 401);
      isError(await srv.post('/api/v1/units', { name: 'a' }, xff('203.0.113.1')), 401);
      isError(await srv.post('/api/v1/units', { name: 'a' }, xff('203.0.113.1')), 429);
      // another client behind the proxy has its own budget
      isError(await srv.post('/api/v1/units', { name: 'a' }, xff('203.0.113.2')), 401);
      isError(await srv.post('/api/v1/units', { name: 'a' }, xff('203.0.113.2')), 401);
      isError(await srv.post('/api/v1/units', { name: 'a' }, xff('203.0.113.2')), 429);
      // the last hop is the one the proxy saw; what the client wrote before it is not trusted
      isError(await srv.post('/api/v1/units', { name: 'a' }, xff('203.0.113.2, 203.0.113.3')), 401);
      isError(await srv.post('/api/v1/units', { name: 'a' }, xff('203.0.113.9, 203.0.113.1')), 429);
      // the proxy itself (no header) is a third address
      isError(await srv.post('/api/v1/units', { name: 'a' }), 401);
    } finally {
      assert.equal(await srv.stop(), 0);
    }
  });

  test('--trusted-proxy: login failures are counted per forwarded address', async () => {
    const srv = await startServer({ args: ['--anon-rate', '0', '--trusted-proxy', '127.0.0.1'] });
    const xff = (v) => ({ headers: { 'x-forwarded-for': v } });
    try {
      for (let i = 0; i < 20; i++)
        isError(await srv.post('/api/v1/session', { login: `guess${i % 5}`, password: 'wrong-password' },
          xff('198.51.100.7')), 401);
      isError(await srv.post('/api/v1/session', { login: 'admin', password: DEMO_PASSWORD }, xff('198.51.100.7')), 429);
      const ok = await srv.post('/api/v1/session', { login: 'admin', password: DEMO_PASSWORD }, xff('198.51.100.8'));
      assert.equal(ok.status, 200);
    } finally {
      assert.equal(await srv.stop(), 0);
    }
  });

  test('without --trusted-proxy X-Forwarded-For is ignored', async () => {
    const srv = await startServer({ args: ['--anon-rate', '2'] });
    const xff = (v) => ({ headers: { 'x-forwarded-for': v } });
    try {
      isError(await srv.post('/api/v1/units', { name: 'a' }, xff('203.0.113.1')), 401);
      isError(await srv.post('/api/v1/units', { name: 'a' }, xff('203.0.113.2')), 401);
      isError(await srv.post('/api/v1/units', { name: 'a' }, xff('203.0.113.3')), 429);
      isError(await srv.post('/api/v1/units', { name: 'a' }), 429);
    } finally {
      assert.equal(await srv.stop(), 0);
    }
  });

  test('--trusted-proxy for another address: X-Forwarded-For from 127.0.0.1 is ignored', async () => {
    const srv = await startServer({ args: ['--anon-rate', '1', '--trusted-proxy', '10.9.8.7'] });
    const xff = (v) => ({ headers: { 'x-forwarded-for': v } });
    try {
      isError(await srv.post('/api/v1/units', { name: 'a' }, xff('203.0.113.1')), 401);
      isError(await srv.post('/api/v1/units', { name: 'a' }, xff('203.0.113.2')), 429);
    } finally {
      assert.equal(await srv.stop(), 0);
    }
  });
});
