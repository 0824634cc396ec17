// Hostile and broken input on every write and query of the registry and the
// session API.  The rule (CONTRACT.md "HTTP"): a 4xx with the contract's error
// body, or the text stored literally and read back byte-identical; never a
// crash, never a partial change.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, isError } from './harness.mjs';

let srv, admin, baseline;
const SQL = "'; DROP TABLE stations; --";
const HTML = '<script>alert(1)</script>';
const NASTY = [SQL, HTML, "Robert'); DROP TABLE deputies;--", '" OR ""="', '%s%n%x', '\\u0000', '../../etc/passwd',
  '${7*7}{{7*7}}', '😀𠀀中文', '&lt;b&gt;&amp;', "1' OR '1'='1"];

const WRITES = [
  ['POST', '/api/v1/stations'], ['POST', '/api/v1/deputies'], ['POST', '/api/v1/units'],
  ['PATCH', '/api/v1/stations/1'], ['PATCH', '/api/v1/deputies/1'], ['PATCH', '/api/v1/units/1'],
];

before(async () => {
  srv = await startServer({ args: ['--anon-rate', '0'] });
  admin = await srv.login('admin');
  baseline = await srv.snapshot({ cookie: admin.cookie });
});
after(async () => { assert.equal(await srv.stop(), 0, 'server exits cleanly'); });

const as = () => ({ cookie: admin.cookie, csrf: admin.csrf });

/** After a rejected request: the registry is as it was and the server is up. */
async function unchanged(what) {
  assert.ok(srv.alive(), `server alive after ${what}`);
  const h = await srv.get('/healthz');
  assert.equal(h.status, 200, `healthz after ${what}`);
  assert.equal(await srv.snapshot({ cookie: admin.cookie }), baseline, `nothing changed by ${what}`);
}

/** Sends raw (a string or Buffer) as the body of every write, expecting 400. */
async function rejectBody(raw, code, { contentType = 'application/json', field } = {}) {
  for (const [m, p] of WRITES) {
    const r = await srv.request(m, p, { raw, headers: { 'content-type': contentType }, ...as() });
    isError(r, 400, code, field);
  }
  const s = await srv.request('POST', '/api/v1/session', { raw, headers: { 'content-type': contentType } });
  isError(s, 400, code, field);
  await unchanged(`body ${String(raw).slice(0, 40)}`);
}

test('malformed JSON is 400 invalid_json', async () => {
  for (const raw of ['{', '{"name":}', "{'name':'x'}", '{"name":"x",}', '{"name":"x"', 'nul', '{"a":1}{"b":2}',
    '{name:"x"}', '{"name":"x"}garbage', '{"name":"unterminated}', '{"name":"\\x41"}', '\u0000',
    '{"name":"a","name":"b"}', '{"lat": NaN}', '{"lat": Infinity}', '{"lat": -Infinity}', '{"lat": 1e999}',
    '{"street_id": 99999999999999999999}', '{"lat": .5}', '{"lat": 01}', '{"lat": +1}', '{"lat": 0x10}',
    '{"name":"\\ud800"}', '{"name":"\\u0000"}', '{"name":"tab\there"}', '['.repeat(100000), '{"a":'.repeat(50000)])
    await rejectBody(raw, 'invalid_json');
});

test('an empty body and a JSON value that is not an object are 400', async () => {
  await rejectBody('', 'empty_body');
  for (const raw of ['[]', '[{"name":"x"}]', '  []  ', '[1, 2]'])
    await rejectBody(raw, 'not_an_object');
  for (const raw of ['"name"', '42', 'true', 'null']) // not a JSON text the parser takes at the top
    await rejectBody(raw);
});

test('invalid UTF-8 bytes in the raw body are 400', async () => {
  const bad = [[0xff, 0xfe], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xe4, 0xb8], [0xf8, 0x88, 0x80, 0x80, 0x80], [0x80]];
  for (const bytes of bad) {
    const raw = Buffer.concat([Buffer.from('{"name":"a'), Buffer.from(bytes), Buffer.from('b"}')]);
    await rejectBody(raw, 'invalid_json');
    const inKey = Buffer.concat([Buffer.from('{"'), Buffer.from(bytes), Buffer.from('":1}')]);
    await rejectBody(inKey, 'invalid_json');
  }
  // a UTF-8 BOM in front of the JSON is not JSON either
  await rejectBody(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"name":"x"}')]), 'invalid_json');
});

test('a wrong or missing Content-Type is 400', async () => {
  const body = JSON.stringify({ name: '类型错误' });
  for (const ct of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x',
    'application/jso', 'json', 'text/json', 'application/xml'])
    await rejectBody(body, 'unsupported_content_type', { contentType: ct });
  for (const [m, p] of WRITES) {
    const r = await fetch(srv.base + p, { method: m, body: new Blob([body]),
      headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf } });
    assert.equal(r.status, 400, `${m} ${p} without a Content-Type`);
  }
  await unchanged('content types');
});

test('the Content-Type check accepts parameters and any letter case', async () => {
  for (const ct of ['application/json; charset=utf-8', 'Application/JSON', 'application/json;charset=UTF-8']) {
    const r = await srv.request('POST', '/api/v1/units', { raw: JSON.stringify({ name: `单位 ${ct}` }),
      headers: { 'content-type': ct }, ...as() });
    assert.equal(r.status, 201, `${ct}: ${r.text}`);
  }
  baseline = await srv.snapshot({ cookie: admin.cookie });
});

test('a body over 1 MiB is 413 body_too_large, with or without Content-Length', async () => {
  // A declared Content-Length over the limit is answered at once, before the
  // body is sent (the client may stop there, or wait for 100 Continue).
  const size = 1024 * 1024 + 1;
  for (const [m, p] of [...WRITES, ['POST', '/api/v1/session'], ['POST', '/api/v1/tokens']])
    for (const expect of ['', 'Expect: 100-continue\r\n']) {
      const r = await srv.raw(`${m} ${p} HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n` +
        `Cookie: ${admin.cookie}\r\nX-CSRF-Token: ${admin.csrf}\r\nContent-Length: ${size}\r\n${expect}` +
        `Connection: close\r\n\r\n`);
      isError(r, 413, 'body_too_large');
    }
  // anonymous too
  isError(await srv.raw(`POST /api/v1/units HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n` +
    `Content-Length: 5000000000\r\nConnection: close\r\n\r\n`), 413, 'body_too_large');
  // chunked: the server cannot know the size in advance
  const chunk = 'x'.repeat(65536);
  let chunked = `POST /api/v1/units HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n` +
    `Cookie: ${admin.cookie}\r\nX-CSRF-Token: ${admin.csrf}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n`;
  for (let i = 0; i < 17; i++) chunked += `${chunk.length.toString(16)}\r\n${chunk}\r\n`;
  chunked += '0\r\n\r\n';
  const r = await srv.raw(chunked);
  isError(r, 413, 'body_too_large');
  // a body just under the limit is read and judged on its content
  const under = JSON.stringify({ name: 'y'.repeat(1024 * 1024 - 20) });
  assert.ok(Buffer.byteLength(under) < 1024 * 1024);
  isError(await srv.request('POST', '/api/v1/units', { raw: under, headers: { 'content-type': 'application/json' }, ...as() }),
    400, 'too_long', 'name');
  await unchanged('big bodies');
});

test('wrong types are 400 naming the field', async () => {
  const cases = [
    ['/api/v1/stations', { name: 5 }, 'name'], ['/api/v1/stations', { name: true }, 'name'],
    ['/api/v1/stations', { name: ['x'] }, 'name'], ['/api/v1/stations', { name: { zh: 'x' } }, 'name'],
    ['/api/v1/stations', { kind: 1 }, 'kind'], ['/api/v1/stations', { lat: '30.6' }, 'lat'],
    ['/api/v1/stations', { lat: true }, 'lat'], ['/api/v1/stations', { lon: [114] }, 'lon'],
    ['/api/v1/stations', { street_id: '2' }, 'street_id'], ['/api/v1/stations', { street_id: 2.5 }, 'street_id'],
    ['/api/v1/stations', { street_id: -0 }, 'street_id'], ['/api/v1/stations', { street_id: 0 }, 'street_id'],
    ['/api/v1/stations', { street_id: -3 }, 'street_id'], ['/api/v1/stations', { community_id: 'x' }, 'community_id'],
    ['/api/v1/stations', { address: 12 }, 'address'], ['/api/v1/stations', { opening_hours: false }, 'opening_hours'],
    ['/api/v1/stations', { reception_rule: {} }, 'reception_rule'],
    ['/api/v1/deputies', { name: null, levels: ['district'], station_ids: [1] }, 'name'],
    ['/api/v1/deputies', { name: '甲', levels: {}, station_ids: [1] }, 'levels'],
    ['/api/v1/deputies', { name: '甲', levels: [1], station_ids: [1] }, 'levels'],
    ['/api/v1/deputies', { name: '甲', levels: [null], station_ids: [1] }, 'levels'],
    ['/api/v1/deputies', { name: '甲', levels: ['district'], station_ids: {} }, 'station_ids'],
    ['/api/v1/deputies', { name: '甲', levels: ['district'], station_ids: 1 }, 'station_ids'],
    ['/api/v1/deputies', { name: '甲', levels: ['district'], station_ids: [1.5] }, 'station_ids'],
    ['/api/v1/deputies', { name: '甲', levels: ['district'], station_ids: [null] }, 'station_ids'],
    ['/api/v1/deputies', { name: '甲', levels: ['district'], station_ids: [-0] }, 'station_ids'],
    ['/api/v1/deputies', { name: '甲', levels: ['district'], station_ids: Array.from({ length: 17 }, (_, i) => i + 1) }, 'station_ids'],
    ['/api/v1/deputies', { name: '甲', levels: ['district'], station_ids: [1], sector: 3 }, 'sector'],
    ['/api/v1/deputies', { name: '甲', levels: ['district'], station_ids: [1], phone: 13900000000 }, 'phone'],
    ['/api/v1/deputies', { name: '甲', levels: ['district'], lat: '30', lon: '114' }, 'lat'],
    ['/api/v1/units', { name: 7 }, 'name'], ['/api/v1/units', { name: '乙', kind: ['department'] }, 'kind'],
    ['/api/v1/session', { login: 5, password: 'x' }, 'login'],
    ['/api/v1/session', { login: ['admin'], password: 'x' }, 'login'],
    ['/api/v1/session', { login: 'admin', password: ['youyue-demo'] }, 'password'],
  ];
  // a body that would be accepted, with the one bad field put in
  const good = {
    '/api/v1/stations': { kind: 'reception_room', name: '类型测试站', street_id: 2, lat: 30.6, lon: 114.26 },
    '/api/v1/deputies': {}, '/api/v1/units': {}, '/api/v1/session': {},
  };
  for (const [path, body, field] of cases) {
    isError(await srv.post(path, { ...good[path], ...body }, as()), 400, undefined, field);
    if (path !== '/api/v1/session' && Object.keys(body).length === 1)
      isError(await srv.patch(`${path}/1`, body, as()), 400, undefined, field);
  }
  // the raw text of numbers JavaScript cannot write
  for (const raw of ['{"street_id": 2.0}', '{"street_id": 2e0}', '{"street_id": -0}', '{"lat": "NaN"}', '{"lat": "Infinity"}',
    '{"station_ids": [9223372036854775808]}', '{"station_ids": [1e2]}'])
    isError(await srv.request('PATCH', '/api/v1/stations/1', { raw, headers: { 'content-type': 'application/json' }, ...as() }), 400);
  isError(await srv.request('POST', '/api/v1/deputies', { raw: '{"name":"甲","levels":["district"],' +
    '"station_ids":[9223372036854775807]}', headers: { 'content-type': 'application/json' }, ...as() }), 400, undefined, 'station_ids');
  await unchanged('wrong types');
});

test('control characters in text fields are 400, line breaks too in one-line fields', async () => {
  for (const ch of ['\u0001', '\u0007', '\u001b', '\u007f', '\n', '\r', '\t'])
    for (const [path, field] of [['/api/v1/stations/1', 'name'], ['/api/v1/stations/1', 'address'],
      ['/api/v1/deputies/1', 'sector'], ['/api/v1/units/1', 'name']]) {
      isError(await srv.patch(path, { [field]: `a${ch}b` }, as()), 400, undefined, field);
    }
  await unchanged('control characters');
});

test('unknown fields are named literally, whatever they hold', async () => {
  for (const key of [SQL, HTML, 'name ', 'Name', '', '中文字段', '😀'])
    for (const [m, p] of WRITES) {
      const r = await srv.request(m, p, { body: { [key]: 1 }, ...as() });
      isError(r, 400, 'unknown_field', key);
    }
  const long = '字'.repeat(300);
  const r = await srv.post('/api/v1/units', { name: '甲', [long]: 1 }, as());
  isError(r, 400, 'unknown_field');
  assert.ok(long.startsWith(r.body.error.field), 'a long key is named by its beginning');
  await unchanged('unknown fields');
});

test('SQL metacharacters and HTML in every text field are stored literally and read back byte-identical', async () => {
  const tree = (await srv.get('/api/v1/regions')).body.items[0];
  const street = tree.children[3];
  for (const [i, text] of NASTY.entries()) {
    const st = await srv.post('/api/v1/stations', {
      kind: 'reception_room', name: `${text} #${i}`, street_id: street.id, community_id: street.children[0].id,
      address: text, lat: 30.6, lon: 114.26, opening_hours: text, reception_rule: text }, as());
    if (st.status !== 201) { isError(st, 400); continue; }
    const got = (await srv.get(`/api/v1/stations/${st.body.id}`)).body;
    assert.equal(got.name, `${text} #${i}`);
    for (const f of ['address', 'opening_hours', 'reception_rule']) assert.equal(got[f], text, f);
    const listed = (await srv.getAll(`/api/v1/stations?street=${street.id}`)).find((s) => s.id === st.body.id);
    assert.equal(listed.address, text);

    const dep = await srv.post('/api/v1/deputies', { name: text, levels: ['district'], sector: text,
      station_ids: [st.body.id] }, as());
    assert.equal(dep.status, 201, dep.text);
    const d = (await srv.get(`/api/v1/deputies/${dep.body.id}`)).body;
    assert.equal(d.name, text);
    assert.equal(d.sector, text);
    assert.equal((await srv.get(`/api/v1/stations/${st.body.id}`)).body.deputies[0].name, text);

    const un = await srv.post('/api/v1/units', { name: `${text} #${i}` }, as());
    assert.equal(un.status, 201, un.text);
    assert.equal((await srv.get(`/api/v1/units/${un.body.id}`)).body.name, `${text} #${i}`);

    const p = await srv.patch(`/api/v1/units/${un.body.id}`, { name: `${text} !${i}` }, as());
    assert.equal(p.status, 200);
    assert.equal((await srv.get(`/api/v1/units/${un.body.id}`)).body.name, `${text} !${i}`);
  }
  // the tables are all still there, with everything in them
  const stations = await srv.getAll('/api/v1/stations');
  const deputies = await srv.getAll('/api/v1/deputies');
  assert.ok(stations.length >= 128 + NASTY.length - 1, `${stations.length} stations`);
  assert.ok(deputies.length >= 264 + NASTY.length - 1, `${deputies.length} deputies`);
  // and the answers are JSON, never HTML
  const r = await srv.get('/api/v1/units?limit=100');
  assert.match(r.headers.get('content-type'), /^application\/json/);
  assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
  assert.ok(r.text.includes(HTML.replace(/\//g, '\\/')) || r.text.includes(HTML), 'the text is stored as it came');
  baseline = await srv.snapshot({ cookie: admin.cookie });
});

test('SQL metacharacters and HTML in query strings and paths are 400 or 404, never run', async () => {
  const q = (v) => encodeURIComponent(v);
  for (const text of NASTY) {
    for (const p of [`/api/v1/stations?kind=${q(text)}`, `/api/v1/stations?street=${q(text)}`,
      `/api/v1/stations?near=${q(text)}`, `/api/v1/stations?limit=${q(text)}`, `/api/v1/stations?cursor=${q(text)}`,
      `/api/v1/deputies?level=${q(text)}`, `/api/v1/deputies?station=${q(text)}`, `/api/v1/units?limit=${q(text)}`,
      `/api/v1/units?cursor=${q(text)}`])
      isError(await srv.get(p), 400);
    for (const p of [`/api/v1/stations/${q(text)}`, `/api/v1/deputies/${q(text)}`, `/api/v1/units/${q(text)}`])
      isError(await srv.get(p), 404);
    isError(await srv.patch(`/api/v1/stations/${q(text)}`, { name: 'x' }, as()), 404);
    isError(await srv.post('/api/v1/session', { login: text, password: text }), text.length > 64 ? 400 : 401);
  }
  // unknown query parameters are ignored, whatever they hold
  assert.equal((await srv.get(`/api/v1/stations?${q(SQL)}=${q(HTML)}`)).status, 200);
  assert.equal((await srv.getAll('/api/v1/stations')).length >= 128, true);
  await unchanged('query strings');
});

test('invalid percent-encoding or UTF-8 in the query is 400, on reads and writes', async () => {
  for (const v of ['%FF', '%C0%AF', '%ED%A0%80', '%E4%B8', '%ZZ', '%', '%4', '%00', 'a%00b'])
    for (const p of [`/api/v1/stations?kind=${v}`, `/api/v1/stations?${v}=1`, `/api/v1/deputies?level=${v}`,
      `/api/v1/units?x=${v}`, `/api/v1/regions?x=${v}`]) {
      isError(await srv.get(p), 400, undefined);
    }
  for (const [m, p] of WRITES)
    isError(await srv.request(m, `${p}?x=%FF`, { body: { name: '查询串坏了' }, ...as() }), 400);
  // raw bytes that are not UTF-8, not percent-encoded at all
  for (const target of ['/api/v1/stations?kind=\xff', '/api/v1/stations/\xff', '/api/v1/\xc0\xaf']) {
    const r = await srv.raw(Buffer.concat([Buffer.from('GET '), Buffer.from(target, 'latin1'),
      Buffer.from(' HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n')]));
    assert.ok(r.status >= 400 && r.status < 500, `${JSON.stringify(target)}: ${r.status}`);
  }
  // too many parameters
  const many = Array.from({ length: 300 }, (_, i) => `p${i}=1`).join('&');
  isError(await srv.get(`/api/v1/stations?${many}`), 400);
  await unchanged('bad query encoding');
});

test('absurd numbers in query strings are 400', async () => {
  for (const p of ['/api/v1/stations?limit=1e999', '/api/v1/stations?limit=-0', '/api/v1/stations?limit=NaN',
    '/api/v1/stations?limit=Infinity', '/api/v1/stations?street=-0', '/api/v1/stations?street=9223372036854775808',
    '/api/v1/stations?street=99999999999999999999', '/api/v1/stations?near=1e999,1', '/api/v1/stations?near=NaN,1',
    '/api/v1/stations?near=-0,-0.5.5', '/api/v1/deputies?station=NaN', '/api/v1/deputies?station=1e3'])
    isError(await srv.get(p), 400);
  // extreme but well-formed values are answered
  assert.equal((await srv.get('/api/v1/stations?street=9223372036854775807')).status, 200);
  assert.equal((await srv.get('/api/v1/stations?near=-0,-0')).status, 200);
  assert.equal((await srv.get('/api/v1/stations?near=90,180&limit=1')).body.items.length, 1);
  await unchanged('absurd numbers');
});

test('odd requests at the HTTP level get a 4xx and leave the server up', async () => {
  // another method on a known path: 405 with Allow
  const r = await srv.request('PUT', '/api/v1/stations', { body: {}, ...as() });
  isError(r, 405, 'method_not_allowed');
  assert.match(r.headers.get('allow'), /GET/);
  assert.match(r.headers.get('allow'), /POST/);
  isError(await srv.request('DELETE', '/api/v1/stations/1', as()), 405);
  // an enormous cookie and CSRF header are no login
  isError(await srv.post('/api/v1/units', { name: '大饼干' }, { cookie: `youyue_session=${'x'.repeat(6000)}` }), 401);
  isError(await srv.post('/api/v1/units', { name: '大令牌' }, { cookie: admin.cookie, csrf: 'y'.repeat(6000) }), 403);
  // a very long URL
  const long = await srv.raw(`GET /api/v1/stations?kind=${'a'.repeat(200000)} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n`);
  assert.ok(long.status >= 400 && long.status < 500 || Number.isNaN(long.status), `long URL: ${long.status}`);
  // garbage instead of HTTP
  const junk = await srv.raw('\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 not http at all\r\n\r\n');
  assert.ok(Number.isNaN(junk.status) || (junk.status >= 400 && junk.status < 500), `junk: ${junk.status}`);
  // a Content-Length that lies (shorter than the body sent): the body is cut and judged as JSON
  const lie = await srv.raw(`POST /api/v1/units HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n` +
    `Cookie: ${admin.cookie}\r\nX-CSRF-Token: ${admin.csrf}\r\nContent-Length: 5\r\nConnection: close\r\n\r\n{"name":"截断"}`);
  isError(lie, 400, 'invalid_json');
  await unchanged('HTTP oddities');
});
