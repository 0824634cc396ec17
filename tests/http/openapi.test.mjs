// The OpenAPI document (CONTRACT.md "HTTP"): served at /api/v1/openapi.json, the
// same as docs/openapi.json, and in step with the route tables in src/api/*.c —
// every route the server registers is documented, and nothing else is.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { startServer } from './harness.mjs';

const ROOT = new URL('../../', import.meta.url);
const API_SRC = new URL('src/api/', ROOT);
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

let srv;
let doc;
before(async () => {
  srv = await startServer({ demo: false });
  const r = await srv.get('/api/v1/openapi.json');
  assert.equal(r.status, 200, 'GET /api/v1/openapi.json answers 200');
  doc = r.body;
});
after(async () => { assert.equal(await srv.stop(), 0, 'server exits cleanly on SIGTERM'); });

/** C source without comments (string and character literals kept intact). */
function stripComments(src) {
  let out = '';
  for (let i = 0; i < src.length;) {
    const c = src[i];
    if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < src.length && src[j] !== c) j += src[j] === '\\' ? 2 : 1;
      out += src.slice(i, j + 1);
      i = j + 1;
    } else if (c === '/' && src[i + 1] === '*') {
      const end = src.indexOf('*/', i + 2);
      i = end < 0 ? src.length : end + 2;
      out += ' ';
    } else if (c === '/' && src[i + 1] === '/') {
      const end = src.indexOf('\n', i);
      i = end < 0 ? src.length : end;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** The (METHOD, pattern) pairs registered in src/api/*.c, as "METHOD /path". */
function routesFromSources() {
  const routes = new Map(); // "GET /path" -> file
  const files = readdirSync(API_SRC).filter((f) => f.endsWith('.c')).sort();
  assert.ok(files.length > 0, 'src/api/*.c found');
  // router_add(r, "GET", "/healthz", fn, 0)   and   {"GET", "/api/v1/regions", get_regions},
  const M = '(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS)';
  const patterns = [
    new RegExp(`\\brouter_add\\s*\\(\\s*[^,()]+,\\s*"${M}"\\s*,\\s*"(/[^"]*)"`, 'g'),
    new RegExp(`\\{\\s*"${M}"\\s*,\\s*"(/[^"]*)"\\s*,`, 'g'),
  ];
  for (const f of files) {
    const src = stripComments(readFileSync(new URL(f, API_SRC), 'utf8'));
    for (const re of patterns) {
      for (const m of src.matchAll(re)) {
        if (m[1] === 'HEAD') continue; // the router answers HEAD on GET routes
        routes.set(`${m[1]} ${m[2]}`, f);
      }
    }
  }
  return routes;
}

/** The (method, path) pairs of the document, as "METHOD /path". */
function routesFromDocument(d) {
  const out = new Set();
  for (const [path, item] of Object.entries(d.paths || {}))
    for (const m of METHODS)
      if (item[m] && m !== 'head') out.add(`${m.toUpperCase()} ${path}`);
  return out;
}

/** The operation's security requirements (operation level, else document level). */
function needsAuth(d, op) {
  const sec = op.security ?? d.security;
  if (!sec || sec.length === 0) return false;
  return !sec.some((req) => Object.keys(req).length === 0); // {} = no credentials needed
}

function resolveParam(d, p) {
  if (!p.$ref) return p;
  const name = p.$ref.replace('#/components/parameters/', '');
  return d.components.parameters[name];
}

test('the served document is OpenAPI 3.x JSON and matches docs/openapi.json', () => {
  assert.equal(typeof doc, 'object', 'the body parses as JSON');
  assert.match(String(doc.openapi), /^3\.\d+\.\d+$/, 'openapi is 3.x.y');
  assert.equal(typeof doc.info?.title, 'string');
  assert.equal(typeof doc.info?.version, 'string');
  assert.equal(typeof doc.paths, 'object');
  const onDisk = JSON.parse(readFileSync(new URL('docs/openapi.json', ROOT), 'utf8'));
  assert.deepEqual(doc, onDisk, 'the binary embeds the current docs/openapi.json (rebuild after editing it)');
});

test('the route tables in src/api/*.c parse to a plausible set', () => {
  const routes = routesFromSources();
  for (const r of ['GET /healthz', 'GET /metrics', 'GET /api/v1/openapi.json', 'POST /api/v1/session'])
    assert.ok(routes.has(r), `found ${r} in the C sources`);
});

test('every route in the C sources is documented, and every documented one exists', () => {
  const code = routesFromSources();
  const documented = routesFromDocument(doc);
  const undocumented = [...code.keys()].filter((r) => !documented.has(r))
    .map((r) => `${r} (${code.get(r)})`);
  const phantom = [...documented].filter((r) => !code.has(r));
  assert.deepEqual(undocumented, [], 'routes registered in C but missing from docs/openapi.json');
  assert.deepEqual(phantom, [], 'routes in docs/openapi.json that the server does not register');
});

test('every operation documents its answers and its error body', () => {
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const m of METHODS) {
      const op = item[m];
      if (!op) continue;
      const statuses = Object.keys(op.responses || {});
      assert.ok(statuses.some((s) => /^2\d\d$/.test(s)), `${m.toUpperCase()} ${path} documents a success`);
      for (const s of statuses.filter((x) => /^[45]\d\d$/.test(x))) {
        const schema = op.responses[s].content?.['application/json']?.schema;
        assert.equal(schema?.$ref, '#/components/schemas/Error', `${m.toUpperCase()} ${path} ${s} uses Error`);
      }
      for (const s of ['400', '401', '413', '503'])
        assert.ok(statuses.includes(s), `${m.toUpperCase()} ${path} documents ${s}`);
      if (m !== 'get') {
        for (const s of ['403', '429'])
          assert.ok(statuses.includes(s), `${m.toUpperCase()} ${path} documents ${s} (CSRF, throttling)`);
      }
      const params = [...(item.parameters || []), ...(op.parameters || [])].map((p) => resolveParam(doc, p));
      if (params.some((p) => p.in === 'path'))
        assert.ok(statuses.includes('404'), `${m.toUpperCase()} ${path} documents 404`);
      for (const p of params.filter((x) => x.in === 'path'))
        assert.ok(path.includes(`{${p.name}}`), `${path} declares path parameter ${p.name}`);
    }
  }
});

test('public GETs without path parameters answer a documented status', async () => {
  let checked = 0;
  for (const [path, item] of Object.entries(doc.paths)) {
    const op = item.get;
    if (!op || path.includes('{') || needsAuth(doc, op)) continue;
    const r = await srv.get(path);
    const listed = Object.keys(op.responses);
    assert.ok(listed.includes(String(r.status)),
      `GET ${path} answered ${r.status}, documented: ${listed.join(', ')}`);
    const content = op.responses[String(r.status)].content;
    if (content) {
      const type = (r.headers.get('content-type') || '').split(';')[0].trim();
      const documentedTypes = Object.keys(content).map((t) => t.split(';')[0].trim());
      assert.ok(documentedTypes.includes(type), `GET ${path} answered ${type}, documented: ${documentedTypes}`);
    }
    checked++;
  }
  assert.ok(checked >= 3, `checked ${checked} public GETs`);
});
