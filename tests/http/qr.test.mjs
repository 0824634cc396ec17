// A QR code per station (issue 6): GET /stations/{id}/qr.png and qr.svg open
// that station's concern form.  The PNG is decoded back to its URL with
// zbarimg (Debian's zbar-tools, a test package in tools/deps.sh); the SVG must
// draw exactly the modules of the PNG.  The URL's base is --public-url, else
// the request's Host (and https only when a trusted proxy says so).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { get as httpGet } from 'node:http';
import { startServer, cli, rawHttp } from './harness.mjs';

const QUIET = 4; // modules of white border
const SCALE = 8; // pixels per module in the PNG

let srv;
let tmp;
before(async () => {
  const z = spawnSync('zbarimg', ['--version'], { encoding: 'utf8' });
  if (z.error) throw new Error('zbarimg is missing: install zbar-tools (tools/deps.sh test)');
  tmp = mkdtempSync(join(tmpdir(), 'youyue-qr-'));
  srv = await startServer({ demo: true });
});
after(async () => {
  if (srv) assert.equal(await srv.stop(), 0, 'server exits cleanly on SIGTERM');
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

let fileCounter = 0;
/** The text of the one QR code in a PNG, as zbarimg reads it. */
function decode(png) {
  const file = join(tmp, `qr-${fileCounter++}.png`);
  writeFileSync(file, png);
  const r = spawnSync('zbarimg', ['--raw', '-q', file], { encoding: 'utf8' });
  assert.equal(r.status, 0, `zbarimg found no code: ${r.stderr}`);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines.length, 1, `one code in the image: ${r.stdout}`);
  return lines[0];
}

/** GET through node:http, which (unlike fetch) lets a test set Host. */
function getBytes(path, headers = {}, base = srv.base) {
  const { hostname, port } = new URL(base);
  return new Promise((ok, fail) => {
    httpGet({ host: hostname, port, path, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => ok({ status: res.statusCode, headers: res.headers, bytes: Buffer.concat(chunks) }));
    }).on('error', fail);
  });
}

/** PNG (1-bit grayscale, as the server writes it) -> module grid (true = dark). */
function pngModules(png) {
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  let off = 8, width = 0, depth = 0;
  const idat = [];
  while (off < png.length) {
    const len = png.readUInt32BE(off), type = png.toString('latin1', off + 4, off + 8);
    const data = png.subarray(off + 8, off + 8 + len);
    if (type === 'IHDR') { width = data.readUInt32BE(0); depth = data[8]; }
    if (type === 'IDAT') idat.push(data);
    off += 12 + len;
  }
  assert.equal(depth, 1);
  const raw = inflateSync(Buffer.concat(idat));
  const stride = 1 + Math.ceil(width / 8);
  const n = width / SCALE;
  const grid = [];
  for (let my = 0; my < n; my++) {
    const row = [];
    for (let mx = 0; mx < n; mx++) {
      const y = my * SCALE + SCALE / 2, x = mx * SCALE + SCALE / 2; // the module's centre
      const bit = (raw[y * stride + 1 + (x >> 3)] >> (7 - (x & 7))) & 1;
      row.push(bit === 0);
    }
    grid.push(row);
  }
  return grid;
}

/** The SVG's one path (runs "MxXy hN v1 h-N z") -> module grid. */
function svgModules(svg) {
  const size = Number(svg.match(/viewBox="0 0 (\d+) \1"/)[1]);
  const paths = svg.match(/<path [^>]*d="([^"]*)"/g);
  assert.equal(paths.length, 1, 'one path');
  const d = paths[0].match(/d="([^"]*)"/)[1];
  const grid = Array.from({ length: size }, () => Array(size).fill(false));
  const runs = [...d.matchAll(/M(\d+) (\d+)h(\d+)v1h-\3z/g)];
  assert.equal(runs.map((m) => m[0]).join(''), d, 'the path is only runs');
  for (const [, x, y, n] of runs)
    for (let i = 0; i < Number(n); i++) grid[Number(y)][Number(x) + i] = true;
  return grid;
}

test('the PNG decodes to the station\'s concern form on this server', async () => {
  const r = await getBytes('/stations/1/qr.png');
  assert.equal(r.status, 200);
  assert.equal(r.headers['content-type'], 'image/png');
  assert.match(r.headers['content-disposition'], /filename="station-1-qr\.png"/);
  assert.equal(decode(r.bytes), `${srv.base}/stations/1/concern`);
  // another station, another code
  const r2 = await getBytes('/stations/17/qr.png');
  assert.equal(decode(r2.bytes), `${srv.base}/stations/17/concern`);
});

test('the SVG draws the same modules as the PNG, with a quiet zone and a title', async () => {
  const station = (await srv.get('/api/v1/stations/3')).body;
  const svg = await srv.get('/stations/3/qr.svg');
  assert.equal(svg.status, 200);
  assert.equal(svg.headers.get('content-type'), 'image/svg+xml; charset=utf-8');
  assert.match(svg.text, /shape-rendering="crispEdges"/);
  assert.equal(svg.headers.get('content-security-policy'), "default-src 'none'");
  assert.ok(svg.text.includes(`<title id="qr-title">${station.name}:扫码向代表反映问题</title>`),
    `title names the station: ${svg.text.slice(0, 400)}`);
  const fromSvg = svgModules(svg.text);
  const fromPng = pngModules((await getBytes('/stations/3/qr.png')).bytes);
  assert.equal(fromSvg.length, fromPng.length);
  assert.deepEqual(fromSvg, fromPng);
  const n = fromSvg.length;
  for (let i = 0; i < n; i++)
    for (let q = 0; q < QUIET; q++) {
      assert.equal(fromSvg[q][i] || fromSvg[n - 1 - q][i] || fromSvg[i][q] || fromSvg[i][n - 1 - q],
        false, 'quiet zone is white');
    }
  assert.equal(fromSvg[QUIET][QUIET], true, 'finder pattern starts after the quiet zone');
});

/** An error answered as a page (these are page paths, not /api/): the status
 *  and the error's Chinese message in the HTML. */
function isPageError(r, status, message) {
  assert.equal(r.status, status, r.text);
  assert.match(r.headers.get ? r.headers.get('content-type') : r.headers['content-type'], /^text\/html/);
  assert.ok(r.text.includes(message), `"${message}" in ${r.text.slice(0, 600)}`);
}

test('a station that does not exist is 404, in either format', async () => {
  for (const p of ['/stations/999999/qr.png', '/stations/999999/qr.svg', '/stations/abc/qr.svg',
    '/stations/0/qr.png'])
    isPageError(await srv.get(p), 404, '页面不存在');
});

test('without --public-url the Host header is the base; a bad Host is refused', async () => {
  const r = await getBytes('/stations/2/qr.png', { host: 'youyue.example.org:8443' });
  assert.equal(r.status, 200);
  assert.equal(decode(r.bytes), 'http://youyue.example.org:8443/stations/2/concern');
  const bad = await rawHttp(srv.base,
    'GET /stations/2/qr.svg HTTP/1.1\r\nHost: a"b<c\r\nConnection: close\r\n\r\n');
  isPageError(bad, 400, '请求的主机名无效');
  // X-Forwarded-Proto is not believed from a peer that is not a trusted proxy
  const r2 = await getBytes('/stations/2/qr.png', { 'x-forwarded-proto': 'https' });
  assert.equal(decode(r2.bytes), `${srv.base}/stations/2/concern`);
});

test('--public-url fixes the base whatever the Host; a trusted proxy\'s https counts', async () => {
  const pub = await startServer({ demo: true, args: ['--public-url', 'https://youyue.example.cn/'] });
  try {
    const r = await getBytes('/stations/5/qr.png', { host: 'evil.example' }, pub.base);
    assert.equal(r.status, 200);
    assert.equal(decode(r.bytes), 'https://youyue.example.cn/stations/5/concern');
  } finally {
    assert.equal(await pub.stop(), 0);
  }
  const proxied = await startServer({ demo: true, args: ['--trusted-proxy', '127.0.0.1'] });
  try {
    const r = await getBytes('/stations/5/qr.png',
      { host: 'youyue.example.cn', 'x-forwarded-proto': 'https' }, proxied.base);
    assert.equal(decode(r.bytes), 'https://youyue.example.cn/stations/5/concern');
  } finally {
    assert.equal(await proxied.stop(), 0);
  }
});

test('serve refuses a --public-url that is not an http(s) address', () => {
  for (const bad of ['ftp://example.cn', 'example.cn', 'https://', 'https://a b.cn']) {
    const r = cli(['serve', '--db', join(tmp, 'never.db'), '--listen', '127.0.0.1:0', '--public-url', bad]);
    assert.equal(r.status, 2, `${bad}: ${r.stderr}`);
    assert.match(r.stderr, /--public-url/);
  }
});
