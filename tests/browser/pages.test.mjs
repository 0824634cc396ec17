// Every page, checked (issue 6's quality bar): for each demo role (and
// anonymously) a crawler starts at the role's home — where logging in through
// /login lands — and follows the same-origin links it finds (GET only, a
// bounded depth and count), so every page the areas add is checked without the
// test knowing it in advance.  On each page:
//   - status 200, text/html;
//   - axe: no serious or critical violation;
//   - no console error, no script error, no failed or 4xx/5xx request;
//   - no request to another host;
//   - the page with its assets under 50 KB (bytes transferred: Resource Timing);
//   - screenshots at 390 and 1280 px: crawl-ROLE-PATH-390.png / -1280.png.
// Skipped: /logout (a form anyway), downloads (CSV, XLSX, iCalendar, images,
// anything under /api/ or /static/, links with a download attribute), other
// hosts.  Paths are grouped by shape (numbers become {id}): one page of each
// shape per role.  A logged-in role skips the shapes the anonymous crawl
// already checked (the public pages), except its own home.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import {
  startServer, launchBrowser, openPage, loginAs, checkA11y, screenshotsHere, pageWeight,
} from './harness.mjs';

const ROLES = ['anon', 'admin', 'leader', 'street', 'community', 'deputy', 'unit', 'procurator', 'resident'];
const MAX_DEPTH = 3;
const MAX_PAGES = 40;
const WEIGHT_LIMIT = 50 * 1024;
const DOWNLOAD = /\.(csv|xlsx|ics|png|svg|pdf|zip|json)$/i;

let srv, browser;
const publicShapes = new Set();
const visited = new Set(); // every path checked, without its query
const report = [];
before(async () => {
  srv = await startServer({ demo: true, args: ['--anon-rate', '0'] });
  await seed();
  browser = await launchBrowser();
});

/** Gives every role something to list and open (the demo has no concerns or
 *  suggestions): a concern at the demo deputy's station, claimed; one
 *  suggestion assigned to the demo unit (区建设局) and one replied, evaluated
 *  and published.  Through the API: these pages are the crawl's subject, not
 *  its means. */
async function seed() {
  const s = {};
  for (const l of ['admin', 'deputy', 'unit']) s[l] = await srv.login(l);
  const as = (l) => ({ cookie: s[l].cookie, csrf: s[l].csrf });
  const deputyId = s.deputy.user.roles.find((g) => g.role === 'deputy').scope_id;
  const unitId = s.unit.user.roles.find((g) => g.role === 'unit_staff').scope_id;
  const station = (await srv.get(`/api/v1/deputies/${deputyId}`)).body.station_ids[0];
  const ok = (r, what) => { assert.ok(r.status < 300, `${what}: ${r.status} ${r.text}`); return r.body; };
  for (const title of ['小区门口路灯不亮', '菜市场周边占道经营']) {
    const c = ok(await srv.post('/api/v1/concerns', { title, body: `${title},请代表关注。`, category: '城市建设与管理',
      station_id: station, contact_name: '王小明', contact_phone: '13800138000' }), 'concern');
    if (title.startsWith('小区')) ok(await srv.post(`/api/v1/concerns/${c.id}/actions`, { action: 'claim' }, as('deputy')), 'claim');
  }
  const act = async (l, id, body) => ok(await srv.post(`/api/v1/suggestions/${id}/actions`, body, as(l)), body.action);
  for (const publish of [false, true]) {
    const sg = ok(await srv.post('/api/v1/suggestions', { title: publish ? '关于增设社区养老服务点的建议' : '关于整治背街小巷照明的建议',
      body: '群众反映强烈,建议尽快解决。', category: '城市建设与管理', concern_ids: [], co_signer_ids: [] }, as('deputy')), 'suggestion');
    await act('deputy', sg.id, { action: 'submit' });
    await act('admin', sg.id, { action: 'accept' });
    await act('admin', sg.id, { action: 'assign', units: [{ unit_id: unitId, role: 'lead' }] });
    if (!publish) continue;
    await act('unit', sg.id, { action: 'log_contact', stage: 'before', mode: 'phone', note: '电话联系代表' });
    await act('unit', sg.id, { action: 'reply', class: 'A', text: '已在三个社区设立养老服务点。' });
    await act('deputy', sg.id, { action: 'evaluate', attitude: 'satisfied', result: 'satisfied' });
    await act('admin', sg.id, { action: 'publish' });
  }
}
after(async () => {
  if (browser) await browser.close();
  if (srv) assert.equal(await srv.stop(), 0);
  // the figures, for the report: role, pages checked, the heaviest page
  for (const r of report) console.log(`# pages ${r.role}: ${r.pages} checked, heaviest ${r.path} ${(r.bytes / 1024).toFixed(1)} KB: ${r.shapes}`);
  // the GET pages the handlers register that no link led to (for the report:
  // a page only a form's redirect or a typed address reaches is no failure)
  const patterns = new Set();
  for (const f of readdirSync('src/web').filter((n) => /^web_.*\.c$/.test(n)))
    for (const m of readFileSync(`src/web/${f}`, 'utf8').matchAll(/"GET", "(\/[^"]*)"/g)) patterns.add(m[1]);
  const re = (p) => new RegExp(`^${p.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[a-z_]+\}/g, '[^/]+')}$`);
  const unreached = [...patterns].filter((p) => p !== '/static/{name}' && ![...visited].some((v) => re(p).test(v)));
  console.log(`# pages no link reached: ${unreached.join(' ') || 'none'}`);
});

/** "/stations/12?b=3&a=x" -> "/stations/{id}?a&b", ".../days/2026-12-15" ->
 *  ".../days/{date}": one page per shape is enough (a query's names count,
 *  not its values). */
function shape(path) {
  const u = new URL(path, 'http://x');
  const keys = [...new Set(u.searchParams.keys())].sort();
  return u.pathname.replace(/\/\d{4}-\d{2}-\d{2}(?=\/|$)/g, '/{date}').replace(/\/\d+(?=\/|$)/g, '/{id}').replace(/\/[23456789A-HJ-NP-Z]{10}(?=\/|$)/g, '/{code}') +
    (keys.length ? `?${keys.join('&')}` : '');
}

function shotName(role, path) {
  const slug = path.replace(/^\//, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
  return `crawl-${role}-${slug || 'home'}`.slice(0, 100);
}

/** The same-origin page links on the page, as paths (with their queries),
 *  and the GET forms it can fill alone (every field a select, whose first
 *  real option is taken, or hidden): the home page's "by street" search. */
async function links(page) {
  // (an <a> inside an SVG chart has an SVGAnimatedString for href: read the attribute)
  const hrefs = await page.locator('a[href]:not([download])').evaluateAll((as) =>
    as.map((a) => new URL(a.getAttribute('href'), location.href).href));
  hrefs.push(...await page.locator('form[method=get i]').evaluateAll((forms) => forms.flatMap((f) => {
    const q = new URLSearchParams();
    for (const el of f.elements) {
      if (!el.name) continue;
      if (el.tagName === 'SELECT') {
        const opt = [...el.options].find((o) => o.value);
        if (!opt) return [];
        q.set(el.name, opt.value);
      } else if (el.type === 'hidden') {
        q.set(el.name, el.value);
      } else if (el.tagName !== 'BUTTON') {
        return [];
      }
    }
    const u = new URL(f.getAttribute('action') || '', location.href);
    u.search = q.toString();
    return [u.href];
  })));
  const out = [];
  for (const href of hrefs) {
    let u;
    try {
      u = new URL(href);
    } catch {
      throw new Error(`${page.url()}: a link that is not a URL: ${JSON.stringify(href)}`);
    }
    if (u.origin !== new URL(srv.base).origin) continue;
    const path = u.pathname + u.search;
    if (u.pathname === '/logout' || u.pathname.startsWith('/api/') || u.pathname.startsWith('/static/') ||
        DOWNLOAD.test(u.pathname) || /[?&](format|download)=/.test(u.search) || /\/(export|qr)(\/|$|\.)/.test(u.pathname))
      continue;
    out.push(path);
  }
  return out;
}

/** Checks one page against the rules of the file's header.  Returns its
 *  weight, its links and what failed (the crawl goes on past a failing page,
 *  so one run lists every failure). */
async function check(page, role, path, seenNames) {
  page.problems.length = 0;
  const failures = [];
  const fail = (what) => failures.push(`${role} ${path}: ${what}`);
  const res = await page.goto(srv.base + path, { waitUntil: 'load' });
  if (!res || res.status() !== 200) fail(`answers ${res && res.status()}`);
  if (!/^text\/html/.test((res && res.headers()['content-type']) || '')) fail('is not a page');
  if (failures.length) return { bytes: 0, links: [], failures };
  try {
    await checkA11y(page, `${role} ${path}`);
  } catch (e) {
    fail(e.message);
  }
  const bytes = await pageWeight(page);
  if (!(bytes > 0)) fail('the weight was not measured');
  if (bytes >= WEIGHT_LIMIT) fail(`${bytes} bytes with its assets, over 50 KB`);
  let name = shotName(role, path);
  for (let i = 2; seenNames.has(name); i++) name = `${shotName(role, path)}-${i}`;
  seenNames.add(name);
  await screenshotsHere(page, name);
  for (const p of page.problems) fail(p); // console errors, failed requests, other hosts
  return { bytes, links: await links(page), failures };
}

for (const role of ROLES) {
  test(`every page reachable by ${role === 'anon' ? 'an anonymous visitor' : role} passes the checks`, async () => {
    let page;
    if (role === 'anon') {
      page = await openPage(browser);
    } else {
      page = await loginAs(browser, srv.base, role);
      // logged in: the header names them and offers the way out
      assert.equal(await page.getByRole('button', { name: '退出' }).count(), 1, `${role} is logged in`);
    }
    try {
      const home = role === 'anon' ? '/' : new URL(page.url()).pathname;
      const queue = [[home, 0]];
      const shapes = new Set(), seenNames = new Set(), failures = [];
      let pages = 0, heaviest = { path: home, bytes: 0 };
      while (queue.length && pages < MAX_PAGES) {
        const [path, depth] = queue.shift();
        const s = shape(path);
        if (shapes.has(s)) continue;
        if (role !== 'anon' && path !== home && publicShapes.has(s)) continue;
        shapes.add(s);
        visited.add(new URL(path, srv.base).pathname);
        const { bytes, links: found, failures: f } = await check(page, role, path, seenNames);
        failures.push(...f);
        pages++;
        if (bytes > heaviest.bytes) heaviest = { path, bytes };
        if (depth < MAX_DEPTH) for (const l of found) if (!shapes.has(shape(l))) queue.push([l, depth + 1]);
      }
      if (role === 'anon') for (const s of shapes) publicShapes.add(s);
      report.push({ role, pages, ...heaviest, shapes: [...shapes].join(' ') });
      assert.ok(pages >= (role === 'anon' ? 5 : 1), `${role}: ${pages} pages crawled`);
      assert.deepEqual(failures, [], `${failures.length} failure(s) on the pages of ${role}`);
    } finally {
      await page.context().close();
    }
  });
}

test('the checks catch what they name: a heavy page, a request to another host', async () => {
  const page = await openPage(browser);
  try {
    const foreign = 'http://192.0.2.1/pixel.png'; // TEST-NET-1: answered here, never on the network
    await page.route(foreign, (r) => r.fulfill({ status: 200, contentType: 'image/png', body: Buffer.alloc(10) }));
    await page.route(`${srv.base}/__heavy`, (r) => r.fulfill({
      status: 200, contentType: 'text/html; charset=utf-8',
      body: `<!DOCTYPE html><html lang="zh-CN"><title>重</title><main><h1>重</h1><p>${'字'.repeat(20000)}</p>` +
        `<img src="${foreign}" alt="外站图片"></main></html>`,
    }));
    await page.goto(`${srv.base}/__heavy`, { waitUntil: 'load' });
    const bytes = await pageWeight(page);
    assert.ok(bytes >= WEIGHT_LIMIT, `60 KB of text weighs ${bytes} bytes, over the limit`);
    assert.ok(page.problems.some((p) => p === `another host: ${foreign}`), `caught: ${page.problems}`);
    // and a real page passes both
    page.problems.length = 0;
    await page.goto(`${srv.base}/`, { waitUntil: 'load' });
    assert.ok(await pageWeight(page) < WEIGHT_LIMIT);
    assert.deepEqual(page.problems, []);
  } finally {
    await page.context().close();
  }
});
