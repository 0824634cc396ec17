// The operational endpoints and the router's 404/405 (CONTRACT.md "HTTP").
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './harness.mjs';

let srv;
before(async () => { srv = await startServer({ demo: false }); });
after(async () => { assert.equal(await srv.stop(), 0, 'server exits cleanly on SIGTERM'); });

test('GET /healthz answers ok', async () => {
  const r = await srv.get('/healthz');
  assert.equal(r.status, 200);
  assert.deepEqual(r.body, { status: 'ok' });
});

test('unknown path is 404 with the contract error body', async () => {
  const r = await srv.get('/api/v1/nothing-here');
  assert.equal(r.status, 404);
  assert.equal(r.body.error.code, 'not_found');
  assert.equal(typeof r.body.error.message, 'string');
  assert.equal(r.body.error.field, null);
});

test('known path with another method is 405 with Allow', async () => {
  const r = await srv.request('PUT', '/healthz');
  assert.equal(r.status, 405);
  assert.equal(r.headers.get('allow'), 'GET, HEAD');
  assert.equal(r.body.error.code, 'method_not_allowed');
});

test('metrics count requests per route in Prometheus text', async () => {
  await srv.get('/healthz');
  const r = await srv.get('/metrics');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/plain/);
  assert.match(r.text, /youyue_http_requests_total\{method="GET",route="\/healthz",code="2xx"\} \d+/);
  assert.match(r.text, /youyue_http_request_duration_seconds_bucket\{method="GET",route="\/healthz",le="\+Inf"\} \d+/);
});
