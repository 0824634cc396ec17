// Load shedding: past --max-inflight requests in progress the server answers
// 503 with Retry-After instead of queueing without bound, and recovers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startServer } from './harness.mjs';

let srv;
before(async () => { srv = await startServer({ demo: false, args: ['--max-inflight', '1'] }); });
after(async () => { assert.equal(await srv.stop(), 0); });

test('a request over the in-flight limit gets 503, and the server recovers', async () => {
  const { hostname, port } = new URL(srv.base);
  // Hold one request in flight: headers announce a body that never comes.
  const sock = net.connect(Number(port), hostname);
  await new Promise((ok) => sock.on('connect', ok));
  sock.write('POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
             'Content-Length: 100\r\n\r\n{');
  await new Promise((ok) => setTimeout(ok, 200));

  const r = await srv.get('/healthz');
  assert.equal(r.status, 503);
  assert.equal(r.body.error.code, 'overloaded');
  assert.equal(r.headers.get('retry-after'), '5');

  sock.destroy();
  await new Promise((ok) => setTimeout(ok, 200));
  const again = await srv.get('/healthz');
  assert.equal(again.status, 200);
});
