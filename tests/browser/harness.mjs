// harness.mjs - the browser suite's helpers: the real server (through the HTTP
// suite's harness, tests/http/harness.mjs), Debian's chromium driven headless by
// playwright-core, screenshots at a phone's and a desktop's width, and an axe
// check that fails on any serious or critical violation.
//
//   const srv = await startServer({ demo: true });
//   const browser = await launchBrowser();
//   const page = await openPage(browser);               // JavaScript on, 390 px
//   await page.goto(srv.base + '/');
//   await checkA11y(page, 'home');                      // throws, listing violations
//   await screenshots(browser, srv.base + '/', 'home'); // 390 and 1280 px wide
//
// YOUYUE_CHROMIUM names another chromium binary (default /usr/bin/chromium).
// Screenshots go to tests/artifacts/screenshots/NAME-390.png and NAME-1280.png
// (tests/artifacts is git-ignored; tests/run.sh keeps it after the run).
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import AxeBuilder from '@axe-core/playwright';

import { DEMO_PASSWORD } from '../http/harness.mjs';
export { startServer, cli, BIN, BACKEND, DEMO_PASSWORD } from '../http/harness.mjs';

export const CHROMIUM = process.env.YOUYUE_CHROMIUM || '/usr/bin/chromium';
export const SHOTS = resolve('tests/artifacts/screenshots');
export const WIDTHS = [390, 1280];
const HEIGHTS = { 390: 844, 1280: 800 };

/** Headless chromium.  Fails (never skips) when the binary is missing.
 *  playwright-core passes --no-sandbox itself unless chromiumSandbox is set,
 *  which is what lets chromium start as root. */
export async function launchBrowser() {
  if (!existsSync(CHROMIUM))
    throw new Error(`chromium not found at ${CHROMIUM}: the browser suite needs Debian's chromium ` +
      '(tools/deps.sh test installs it; YOUYUE_CHROMIUM names another binary)');
  return chromium.launch({ executablePath: CHROMIUM, headless: true, timeout: 60000 });
}

/** A page in a fresh context (its own cookies) at width px (default 390, a
 *  phone), in Chinese; javaScriptEnabled false to test the pages without it. */
export async function openPage(browser, { width = 390, javaScriptEnabled = true } = {}) {
  const context = await browser.newContext({
    viewport: { width, height: HEIGHTS[width] || 800 },
    locale: 'zh-CN',
    javaScriptEnabled,
  });
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  page.javaScriptEnabled = javaScriptEnabled;
  // anything the page logs as an error, or a script error, fails the test that asks
  page.problems = [];
  page.on('pageerror', (e) => page.problems.push(`script error: ${e.message}`));
  // (a failed load is reported with its URL below, not as the console's line)
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource'))
      page.problems.push(`console: ${m.text()}`);
  });
  // /favicon.ico is asked for by the browser itself, not by the page
  page.on('response', (r) => {
    if (r.status() >= 400 && new URL(r.url()).pathname !== '/favicon.ico')
      page.problems.push(`${r.status()} ${r.url()}`);
  });
  page.on('requestfailed', (r) => page.problems.push(`failed ${r.url()}: ${r.failure()?.errorText}`));
  // nothing from another host: every request goes where the first one went
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return;
    page.origin ??= u.origin;
    if (u.origin !== page.origin) page.problems.push(`another host: ${r.url()}`);
  });
  return page;
}

/** A page in a fresh context (as openPage) logged in as login through the
 *  /login form (password youyue-demo unless told); `next` is passed as the
 *  form's next=.  Returns the page where the login landed (the role's home,
 *  or next). */
export async function loginAs(browser, base, login, { password = DEMO_PASSWORD, next, ...opts } = {}) {
  const page = await openPage(browser, opts);
  const res = await page.goto(`${base}/login${next ? `?next=${encodeURIComponent(next)}` : ''}`);
  if (!res || res.status() !== 200) throw new Error(`GET /login: ${res && res.status()}`);
  await page.getByLabel('登录名').fill(login);
  await page.getByLabel('密码').fill(password);
  await Promise.all([page.waitForURL((u) => u.pathname !== '/login'), page.getByRole('button', { name: '登录' }).click()]);
  await page.waitForLoadState('load');
  return page;
}

/** Screenshots of the page as it is now (in its own context: logged in, after
 *  a form), full page at 390 and 1280 px wide, into SHOTS/name-W.png; the
 *  viewport is put back afterwards.  For pages only a session or a form
 *  reaches, where screenshots(), which loads the URL in a fresh context,
 *  would not see the same page. */
export async function screenshotsHere(page, name) {
  if (!/^[a-z0-9][a-z0-9_-]*$/.test(name)) throw new Error(`screenshot name ${name}`);
  mkdirSync(SHOTS, { recursive: true });
  const before = page.viewportSize();
  const paths = [];
  try {
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: HEIGHTS[width] || 800 });
      const path = join(SHOTS, `${name}-${width}.png`);
      await page.screenshot({ path, fullPage: true });
      paths.push(path);
    }
  } finally {
    if (before) await page.setViewportSize(before);
  }
  return paths;
}

/** The bytes the page just loaded cost: the document and every resource it
 *  loaded (stylesheet, script, images), each counted at its transferred size
 *  (headers and body as they crossed the wire) or, when it came from the
 *  browser's cache, at its body size — so a page's weight does not depend on
 *  what an earlier page cached.  Needs JavaScript on (Resource Timing). */
export async function pageWeight(page) {
  return page.evaluate(() => {
    const entries = [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')];
    return entries.reduce((sum, e) => sum + Math.max(e.transferSize, e.encodedBodySize), 0);
  });
}

/** Full-page screenshots of url at 390 and 1280 px wide into SHOTS/name-W.png.
 *  Returns the paths.  The page must answer 200. */
export async function screenshots(browser, url, name, { javaScriptEnabled = true } = {}) {
  if (!/^[a-z0-9][a-z0-9_-]*$/.test(name)) throw new Error(`screenshot name ${name}`);
  mkdirSync(SHOTS, { recursive: true });
  const paths = [];
  for (const width of WIDTHS) {
    const page = await openPage(browser, { width, javaScriptEnabled });
    try {
      const res = await page.goto(url, { waitUntil: 'load' });
      if (!res || res.status() !== 200) throw new Error(`${url}: ${res && res.status()}`);
      const path = join(SHOTS, `${name}-${width}.png`);
      // an image (an SVG document) hangs chromium's full-page capture: its viewport will do
      const html = (res.headers()['content-type'] || '').startsWith('text/html');
      await page.screenshot({ path, fullPage: html });
      paths.push(path);
    } finally {
      await page.context().close();
    }
  }
  return paths;
}

/** Runs axe on the page as it is now; throws listing every violation of
 *  impact serious or critical (rule, impact, what it asks, the elements). */
export async function checkA11y(page, label = page.url()) {
  if (page.javaScriptEnabled === false) return checkA11yNoScript(page, label);
  const result = await new AxeBuilder({ page }).analyze();
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  if (bad.length === 0) return result;
  const lines = [];
  for (const v of bad) {
    lines.push(`${v.impact} ${v.id}: ${v.help} (${v.helpUrl})`);
    for (const n of v.nodes.slice(0, 5)) lines.push(`    ${n.target.join(' ')}: ${n.failureSummary.replace(/\s+/g, ' ')}`);
    if (v.nodes.length > 5) lines.push(`    ... and ${v.nodes.length - 5} more`);
  }
  const msg = `axe: ${bad.length} serious or critical violation(s) on ${label}:\n${lines.join('\n')}`;
  console.error(msg);
  throw new Error(msg);
}

/** axe runs as a script, which a page without JavaScript never runs (the
 *  check would wait for ever).  So the page's DOM as it is now is served again,
 *  at the same URL, to a page with JavaScript on whose own scripts are blocked:
 *  axe sees exactly what the reader without JavaScript gets. */
async function checkA11yNoScript(page, label) {
  const html = await page.content();
  const url = page.url();
  const context = await page.context().browser().newContext({ viewport: page.viewportSize(), locale: 'zh-CN' });
  try {
    const copy = await context.newPage();
    copy.setDefaultTimeout(15000);
    await copy.route('**/*', (route) => {
      const req = route.request();
      if (req.isNavigationRequest() && req.url() === url)
        return route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html });
      if (req.resourceType() === 'script') return route.abort();
      return route.continue();
    });
    await copy.goto(url);
    return await checkA11y(copy, `${label} (without JavaScript)`);
  } finally {
    await context.close();
  }
}
