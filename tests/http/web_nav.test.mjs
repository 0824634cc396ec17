// The navigation of the pages (docs/WEB.md "Navigation"): logging in through
// /login lands on the role's home (/staff/, /deputy/, /unit/; "/" for
// residents) or on a safe local next= path, never elsewhere; a 401 page links
// to /login?next=<this page>, and that next leads back; the layout links a
// logged-in user's home and the public pages.  On both backends.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './harness.mjs';

let srv;
before(async () => { srv = await startServer({ demo: true, args: ['--anon-rate', '0'] }); });
after(async () => { await srv?.stop(); });

function postForm(path, fields, { cookie } = {}) {
  const headers = { 'content-type': 'application/x-www-form-urlencoded' };
  if (cookie) headers.cookie = cookie;
  return srv.request('POST', path, { raw: new URLSearchParams(fields).toString(), headers });
}
const login = (who, extra = {}) => postForm('/login', { login: who, password: 'youyue-demo', ...extra });
const cookieOf = (r) => r.headers.get('set-cookie').split(';')[0];
/** The hrefs of the main navigation (the header's <nav>). */
function navLinks(html) {
  const nav = html.match(/<nav aria-label="主导航">([\s\S]*?)<\/nav>/);
  assert.ok(nav, 'the page has the main navigation');
  return [...nav[1].matchAll(/href="([^"]*)"/g)].map((m) => m[1]);
}

const HOMES = {
  admin: '/staff/', leader: '/staff/', street: '/staff/', community: '/staff/', procurator: '/staff/',
  deputy: '/deputy/', unit: '/unit/', resident: '/',
};

test('logging in lands on the role\'s home, which the header links', async () => {
  for (const [who, home] of Object.entries(HOMES)) {
    const r = await login(who);
    assert.equal(r.status, 303, `${who}: ${r.text}`);
    assert.equal(r.headers.get('location'), home, `${who} lands on ${home}`);
    const cookie = cookieOf(r);
    const page = await srv.get(home, { cookie });
    assert.equal(page.status, 200, `${who}'s home ${home} answers 200`);
    const links = navLinks(page.text);
    if (home === '/') {
      assert.doesNotMatch(page.text, /class="home"/, `${who} has no work home`);
    } else {
      assert.equal(links[0], home, `${who}: the home link comes first in the navigation`);
      assert.match(page.text, new RegExp(`<a class="home" href="${home}">`));
    }
    for (const p of ['/concern', '/track', '/suggestions', '/activities', '/dashboard'])
      assert.ok(links.includes(p), `${who}: the navigation links ${p}`);
    assert.ok(!links.includes('/login'), `${who} is logged in: no login link`);
    assert.match(page.text, /<button type="submit" class="link">退出<\/button>/);
  }
});

test('the header says who is logged in, with the role in Chinese when the name does not', async () => {
  // the demo's names are their roles' labels ("人大代表"): said once
  const r = await login('deputy');
  const page = await srv.get('/deputy/', { cookie: cookieOf(r) });
  assert.match(page.text, /<span class="who">人大代表<\/span>/);
  assert.doesNotMatch(page.text, /class="role"/);
  // a name that is not the role's label: the name, then the role
  const street = await login('street');
  const s = await srv.get('/staff/', { cookie: cookieOf(street) });
  assert.match(s.text, /<span class="who">民族街道人大工委 <span class="role">街道人大工委<\/span><\/span>/);
});

test('anonymous: the public links and the login link, no work home', async () => {
  const page = await srv.get('/');
  assert.equal(page.status, 200);
  const links = navLinks(page.text);
  assert.deepEqual(links, ['/concern', '/track', '/suggestions', '/activities', '/dashboard', '/login']);
  for (const p of links) assert.equal((await srv.get(p)).status, 200, `${p} is served`);
});

test('next= is followed only when it is a local path starting with a single /', async () => {
  const good = ['/track?code=ABC', '/staff/suggestions?status=submitted', '/suggestions/1'];
  for (const next of good) {
    const r = await login('admin', { next });
    assert.equal(r.headers.get('location'), next, `next=${next} is followed`);
  }
  const bad = ['//evil.example/', '/\\evil.example', 'https://evil.example/', 'evil', '/\t/evil.example',
    '/\r\nSet-Cookie: x=1', ' /staff/', 'javascript:alert(1)', ''];
  for (const next of bad) {
    const r = await login('admin', { next });
    assert.equal(r.status, 303);
    assert.equal(r.headers.get('location'), '/staff/', `next=${JSON.stringify(next)} is refused: the role's home`);
    // and the login page does not carry it either
    const form = await srv.get(`/login?next=${encodeURIComponent(next)}`);
    assert.match(form.text, /<input type="hidden" name="next" value="">/, `the form drops ${JSON.stringify(next)}`);
  }
});

test('a 401 page links to /login?next=<the page>, which leads back after logging in', async () => {
  const path = '/staff/suggestions?status=submitted&q=路灯';
  const r = await srv.get(encodeURI(path));
  assert.equal(r.status, 401);
  assert.match(r.headers.get('content-type'), /^text\/html/);
  const href = (r.text.match(/<a class="button" href="([^"]*)">去登录<\/a>/) || [])[1];
  assert.ok(href, 'the 401 page links to the login page');
  assert.equal(href, `/login?next=${encodeURIComponent(encodeURI(path)).replace(/%2F/g, '/')}`);
  const form = await srv.get(href.replace(/&amp;/g, '&'));
  assert.equal(form.status, 200);
  const next = (form.text.match(/name="next" value="([^"]*)"/) || [])[1].replace(/&amp;/g, '&');
  assert.equal(next, encodeURI(path), 'the login form carries the page');
  const in_ = await login('admin', { next });
  assert.equal(in_.headers.get('location'), encodeURI(path), 'and logging in goes back to it');
  const back = await srv.get(in_.headers.get('location'), { cookie: cookieOf(in_) });
  assert.equal(back.status, 200);

  // a refused POST has no page to go back to: the plain login link
  const post = await postForm('/staff/suggestions/1/actions', { action: 'accept' });
  assert.equal(post.status, 401);
  assert.match(post.text, /<a class="button" href="\/login">去登录<\/a>/);
});

test('the staff navigation offers each role the sections it may open, and each opens', async () => {
  const staffNav = (html) => {
    const nav = html.match(/<nav class="staff-nav" aria-label="工作台导航">([\s\S]*?)<\/nav>/);
    assert.ok(nav, 'the staff page has the staff navigation');
    return [...nav[1].matchAll(/href="([^"]*)"/g)].map((m) => m[1]);
  };
  const expect = {
    admin: ['/staff/', '/staff/concerns', '/staff/suggestions', '/staff/supervision', '/staff/inbox',
      '/staff/lists/suggestions', '/staff/activities', '/staff/receptions', '/staff/registry', '/staff/audit'],
    leader: ['/staff/', '/staff/concerns', '/staff/suggestions', '/staff/supervision', '/staff/inbox',
      '/staff/lists/suggestions', '/staff/registry'],
    street: ['/staff/', '/staff/concerns', '/staff/suggestions', '/staff/supervision', '/staff/inbox',
      '/staff/lists/suggestions', '/staff/activities', '/staff/receptions', '/staff/registry'],
    community: ['/staff/', '/staff/concerns', '/staff/suggestions', '/staff/supervision', '/staff/inbox',
      '/staff/activities', '/staff/receptions', '/staff/registry'],
    // the procuratorate reads suggestions, not concerns (the API's 403)
    procurator: ['/staff/', '/staff/suggestions', '/staff/supervision', '/staff/inbox'],
  };
  for (const [who, links] of Object.entries(expect)) {
    const cookie = cookieOf(await login(who));
    const home = await srv.get('/staff/', { cookie });
    assert.equal(home.status, 200);
    assert.deepEqual(staffNav(home.text), links, `${who}'s staff navigation`);
    // every link of the staff home, navigation or not, opens for this role
    const all = [...new Set([...home.text.matchAll(/href="(\/staff\/[^"#]*)/g)].map((m) => m[1].replace(/&amp;/g, '&')))];
    assert.ok(all.length >= links.length);
    if (who === 'procurator') assert.ok(!all.some((l) => l.startsWith('/staff/concerns')), 'no concern link for the procuratorate');
    for (const l of all) {
      let r = await srv.get(l, { cookie });
      // (/staff/receptions goes straight to the one station of a community)
      if (r.status === 303) r = await srv.get(r.headers.get('location'), { cookie });
      assert.equal(r.status, 200, `${who}: ${l} answers 200`);
    }
  }
  // what a role is not offered, it is indeed refused
  const proc = cookieOf(await login('procurator'));
  assert.equal((await srv.get('/staff/concerns', { cookie: proc })).status, 403);
  const comm = cookieOf(await login('community'));
  assert.equal((await srv.get('/staff/lists/suggestions', { cookie: comm })).status, 403);
  const street = cookieOf(await login('street'));
  assert.equal((await srv.get('/staff/audit', { cookie: street })).status, 403);
});
