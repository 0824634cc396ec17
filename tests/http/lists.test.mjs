// The three lists (三张清单, docs/LISTS.md): GET /api/v1/lists/{suggestions,
// assignments,results} as JSON, CSV and XLSX, and `youyue export`.  Rows are
// seeded straight into the database (lists_seed.mjs) with a fixed clock, and
// every cell is checked; the CSV parses back to the JSON rows, the XLSX too.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { startServer, cli, isError } from './harness.mjs';
import { NOW, TITLES, seed, addUsers, PASSWORD } from './lists_seed.mjs';

process.env.YOUYUE_NOW = String(NOW); // the server and the CLI inherit it

let srv;
const as = {};
let work;
before(async () => {
  srv = await startServer({ demo: false });
  seed(srv.db);
  addUsers(srv.db);
  for (const login of ['l_admin', 'l_leader', 'l_street1', 'l_street2', 'l_community', 'l_unit1',
    'l_unit2', 'l_deputy', 'l_resident', 'l_procurator'])
    as[login] = await srv.login(login, PASSWORD);
  work = mkdtempSync(join(tmpdir(), 'youyue-lists-'));
});
after(async () => {
  assert.equal(await srv.stop(), 0);
  rmSync(work, { recursive: true, force: true });
});

// ---- what the rows must be ---------------------------------------------------------

const S1 = { id: 9401, title: TITLES.s1, category: '城市建设与管理', author: '张代表', cosigners: '李代表、王代表',
  streets: '甲街道、乙街道', submitted_on: '2026-03-02', status_label: '已评价', key: true,
  author_id: 9201, status: 'evaluated', published: true };
const S2 = { id: 9402, title: TITLES.s2, category: '民生保障', author: '李代表', cosigners: '', streets: '甲街道',
  submitted_on: '2026-04-01', status_label: '办理中', key: false, author_id: 9202, status: 'in_handling', published: false };
const S3 = { id: 9403, title: TITLES.s3, category: '城市建设与管理', author: '王代表', cosigners: '张代表',
  streets: '乙街道', submitted_on: '2026-05-20', status_label: '已答复', key: false, author_id: 9203, status: 'replied',
  published: false };
const S6 = { id: 9406, title: TITLES.s6, category: '营商环境', author: '赵代表', cosigners: '', streets: '',
  submitted_on: '2026-02-10', status_label: '已撤回', key: false, author_id: 9204, status: 'withdrawn', published: false };

const A = (o) => ({ extension: null, days_left: null, overdue_days: null, due_provisional: false, extension_status: null, ...o });
const A1 = A({ suggestion_id: 9401, title: TITLES.s1, unit: '区建设局', role_label: '主办', assigned_on: '2026-03-10',
  due_on: '2026-06-10', status_label: '已答复', suggestion_status_label: '已评价', assignment_id: 9501, unit_id: 9301,
  role: 'lead', status: 'replied', suggestion_status: 'evaluated' });
const A2 = A({ suggestion_id: 9401, title: TITLES.s1, unit: '区水务局', role_label: '协办', assigned_on: '2026-03-10',
  due_on: '2026-04-10', overdue_days: 66, status_label: '办理中', suggestion_status_label: '已评价', assignment_id: 9502,
  unit_id: 9302, role: 'co', status: 'in_handling', suggestion_status: 'evaluated' });
const A3 = A({ suggestion_id: 9402, title: TITLES.s2, unit: '区建设局', role_label: '主办', assigned_on: '2026-04-08',
  due_on: '2026-06-12', extension: '延期未获批准', overdue_days: 3, status_label: '办理中', suggestion_status_label: '办理中',
  assignment_id: 9503, unit_id: 9301, role: 'lead', status: 'in_handling', suggestion_status: 'in_handling',
  extension_status: 'refused' });
const A4 = A({ suggestion_id: 9402, title: TITLES.s2, unit: '区城管局', role_label: '主办', assigned_on: '2026-04-08',
  due_on: '2026-07-08', due_provisional: true, extension: '已延期1个月', days_left: 23, status_label: '已交办',
  suggestion_status_label: '办理中', assignment_id: 9504, unit_id: 9303, role: 'lead', status: 'assigned',
  suggestion_status: 'in_handling', extension_status: 'approved' });
const A5 = A({ suggestion_id: 9403, title: TITLES.s3, unit: '区水务局', role_label: '主办', assigned_on: '2026-05-25',
  due_on: '2026-08-25', status_label: '已答复', suggestion_status_label: '已答复', assignment_id: 9505, unit_id: 9302,
  role: 'lead', status: 'replied', suggestion_status: 'replied' });

const R1 = { suggestion_id: 9401, title: TITLES.s1, unit: '区建设局', reply_class: 'A', reply_class_label: '已解决或基本解决',
  replied_on: '2026-06-05', on_time: true, attitude_label: '满意', result_label: '基本满意', follow_up_done: true,
  follow_ups: 2, published: true, public_satisfied: 2, public_basically_satisfied: 0, public_dissatisfied: 1,
  assignment_id: 9501, unit_id: 9301, attitude: 'satisfied', result: 'basically_satisfied' };
const R5 = { suggestion_id: 9403, title: TITLES.s3, unit: '区水务局', reply_class: 'B',
  reply_class_label: '正在解决或列入计划逐步解决', replied_on: '2026-06-01', on_time: true, attitude_label: null,
  result_label: null, follow_up_done: null, follow_ups: 0, published: false, public_satisfied: 0,
  public_basically_satisfied: 0, public_dissatisfied: 0, assignment_id: 9505, unit_id: 9302, attitude: null, result: null };
const R7 = { suggestion_id: 9405, title: TITLES.s5, unit: '区建设局', reply_class: 'C', reply_class_label: '因条件限制暂时不能解决',
  replied_on: '2025-12-01', on_time: true, attitude_label: '满意', result_label: '满意', follow_up_done: null,
  follow_ups: 0, published: false, public_satisfied: 0, public_basically_satisfied: 1, public_dissatisfied: 0,
  assignment_id: 9507, unit_id: 9301, attitude: 'satisfied', result: 'satisfied' };

const HEADERS = {
  suggestions: ['编号', '标题', '类别', '领衔代表', '附议代表', '所在街道', '提交日期', '状态', '重点督办'],
  assignments: ['建议编号', '建议标题', '承办单位', '办理方式', '交办日期', '办理期限', '期限暂定', '延期情况', '剩余天数',
    '超期天数', '办理状态', '建议状态'],
  results: ['建议编号', '建议标题', '主办单位', '答复类别', '类别说明', '答复日期', '按期答复', '代表对办理态度评价',
    '代表对办理结果评价', '跟踪落实完成', '跟踪记录数', '已公开', '网上评价满意', '网上评价基本满意', '网上评价不满意'],
};
const NAMES = { suggestions: '建议清单', assignments: '交办清单', results: '效果清单' };

// ---- small helpers -------------------------------------------------------------------

/** RFC 4180 parser: records of fields; quoted fields may hold , " and line breaks. */
function parseCsv(text) {
  const rows = [];
  let row = [], field = '', i = 0, quoted = false;
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i += 2; continue; }
      if (c === '"') { quoted = false; i++; continue; }
      field += c; i++; continue;
    }
    if (c === '"' && field === '') { quoted = true; i++; continue; }
    if (c === ',') { row.push(field); field = ''; i++; continue; }
    if (c === '\r' && text[i + 1] === '\n') { row.push(field); rows.push(row); row = []; field = ''; i += 2; continue; }
    if (c === '\n') throw new Error(`bare LF at ${i}`);
    field += c; i++;
  }
  if (field !== '' || row.length) throw new Error('the last record does not end with CRLF');
  return rows;
}

/** What a JSON cell must look like in the CSV. */
function csvCell(v) {
  if (v === null) return '';
  if (v === true) return '是';
  if (v === false) return '否';
  const s = String(v);
  return /^[=+\-@\t]/.test(s) && typeof v === 'string' ? `'${s}` : s;
}

async function getBytes(path, who) {
  const res = await fetch(srv.base + path, { headers: who ? { cookie: who.cookie } : {} });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

function pick(item, keys) {
  const o = {};
  for (const k of keys) o[k] = item[k];
  return o;
}

// ---- JSON ------------------------------------------------------------------------------

test('建议清单 as JSON: every row and cell, drafts and other years left out', async () => {
  const r = await srv.get('/api/v1/lists/suggestions?year=2026', as.l_admin);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.headers.get('cache-control'), 'private, no-store');
  assert.equal(r.body.list, 'suggestions');
  assert.equal(r.body.title, '建议清单');
  assert.equal(r.body.year, 2026);
  assert.equal(r.body.street_id, null);
  assert.equal(r.body.unit_id, null);
  assert.deepEqual(r.body.columns.map((c) => c.title), HEADERS.suggestions);
  assert.deepEqual(r.body.columns.map((c) => c.type),
    ['integer', 'text', 'text', 'text', 'text', 'text', 'date', 'text', 'boolean']);
  assert.equal(r.body.next_cursor, null, 'one page holds them all (default limit 20)');
  assert.deepEqual(r.body.items, [S1, S2, S3, S6]);
});

test('the default year is this year (China time), and other years have their own rows', async () => {
  const r = await srv.get('/api/v1/lists/suggestions', as.l_admin);
  assert.equal(r.body.year, 2026);
  assert.deepEqual(r.body.items.map((x) => x.id), [9401, 9402, 9403, 9406]);
  const y25 = await srv.get('/api/v1/lists/suggestions?year=2025', as.l_admin);
  assert.deepEqual(y25.body.items.map((x) => x.id), [9405]);
  const y24 = await srv.get('/api/v1/lists/suggestions?year=2024', as.l_admin);
  assert.deepEqual(y24.body.items, []);
});

test('street= narrows to the authors who sit at a station in the street (a deputy in two streets counts in both)', async () => {
  const a = await srv.get('/api/v1/lists/suggestions?street=9001', as.l_admin);
  assert.equal(a.body.street_id, 9001);
  assert.deepEqual(a.body.items.map((x) => x.id), [9401, 9402]);
  const b = await srv.get('/api/v1/lists/suggestions?street=9002', as.l_admin);
  assert.deepEqual(b.body.items.map((x) => x.id), [9401, 9403]);
  const u = await srv.get('/api/v1/lists/suggestions?unit=9302', as.l_admin);
  assert.deepEqual(u.body.items.map((x) => x.id), [9401, 9403], 'unit=: suggestions with an active assignment to it');
  const both = await srv.get('/api/v1/lists/suggestions?street=9001&unit=9302', as.l_admin);
  assert.deepEqual(both.body.items.map((x) => x.id), [9401]);
});

test('交办清单: active assignments, lead first, with days left or overdue at the fixed now', async () => {
  const r = await srv.get('/api/v1/lists/assignments?year=2026', as.l_admin);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body.columns.map((c) => c.title), HEADERS.assignments);
  assert.deepEqual(r.body.items, [A1, A2, A3, A4, A5], 'the returned (inactive) assignment is left out');
  const u = await srv.get('/api/v1/lists/assignments?unit=9301', as.l_admin);
  assert.deepEqual(u.body.items, [A1, A3]);
});

test('效果清单: replied lead assignments with the latest evaluation, follow-ups and public ratings', async () => {
  const r = await srv.get('/api/v1/lists/results', as.l_admin);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body.columns.map((c) => c.title), HEADERS.results);
  assert.deepEqual(r.body.items, [R1, R5]);
  const y25 = await srv.get('/api/v1/lists/results?year=2025', as.l_leader);
  assert.deepEqual(y25.body.items, [R7]);
});

// ---- pages of the JSON ------------------------------------------------------------------

/** Walks every page of path with limit; returns the items and the pages. */
async function walk(path, limit, who = as.l_admin) {
  const items = [];
  const pages = [];
  let cursor = null;
  for (let i = 0; i < 50; i++) {
    const sep = path.includes('?') ? '&' : '?';
    const r = await srv.get(`${path}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, who);
    assert.equal(r.status, 200, r.text);
    assert.ok(r.body.items.length <= limit, 'a page holds at most limit rows');
    assert.ok(Array.isArray(r.body.columns), 'every page carries the columns');
    pages.push(r.body);
    items.push(...r.body.items);
    cursor = r.body.next_cursor;
    if (cursor === null) return { items, pages };
    assert.equal(typeof cursor, 'string');
    assert.equal(r.body.items.length, limit, 'only the last page is short');
  }
  throw new Error('the pages never end');
}

for (const kind of ['suggestions', 'assignments', 'results']) {
  test(`${NAMES[kind]}: every page size walks to the whole list, the CSV's rows in the CSV's order`, async () => {
    for (const query of ['?year=2026', '?year=2025', '?year=2026&street=9001', '?year=2026&unit=9301',
      '?year=2026&unit=9302', '?year=2026&street=9002&unit=9302']) {
      const csv = await getBytes(`/api/v1/lists/${kind}${query}&format=csv`, as.l_admin);
      assert.equal(csv.status, 200);
      const rows = parseCsv(csv.bytes.subarray(3).toString('utf8')).slice(1);
      for (const limit of [1, 2, 3, 100]) {
        const { items, pages } = await walk(`/api/v1/lists/${kind}${query}`, limit);
        const cols = pages[0].columns.map((c) => c.key);
        assert.deepEqual(items.map((item) => cols.map((k) => csvCell(item[k]))), rows, `${kind}${query} limit ${limit}`);
        assert.equal(pages.length, Math.max(1, Math.ceil(rows.length / limit)), `${kind}${query} limit ${limit}: pages`);
      }
    }
  });
}

test('交办清单 pages split inside a suggestion: lead, then co, then the next suggestion', async () => {
  const { items, pages } = await walk('/api/v1/lists/assignments?year=2026', 1);
  assert.deepEqual(items, [A1, A2, A3, A4, A5]);
  assert.equal(pages.length, 5);
  assert.notEqual(pages[0].next_cursor, pages[1].next_cursor);
  const two = await walk('/api/v1/lists/assignments?year=2026', 3);
  assert.deepEqual(two.pages.map((p) => p.items.map((x) => x.assignment_id)), [[9501, 9502, 9503], [9504, 9505]]);
});

test('a page of unit staff stays in their unit; a cursor is only a position', async () => {
  const { items } = await walk('/api/v1/lists/assignments', 1, as.l_unit2);
  assert.deepEqual(items, [A2, A5]);
  // the cursor of an admin's page used by the unit: still only the unit's rows after it
  const first = await srv.get('/api/v1/lists/assignments?limit=1', as.l_admin);
  const r = await srv.get(`/api/v1/lists/assignments?limit=10&cursor=${first.body.next_cursor}`, as.l_unit1);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body.items, [A3]);
  assert.equal(r.body.next_cursor, null);
});

test('limit and cursor: 1..100, an opaque cursor; anything else 400; exports take neither', async () => {
  for (const l of ['0', '101', '-1', 'abc', '', '1.5'])
    isError(await srv.get(`/api/v1/lists/suggestions?limit=${l}`, as.l_admin), 400, 'invalid_limit', 'limit');
  isError(await srv.get('/api/v1/lists/suggestions?limit=1&limit=2', as.l_admin), 400, 'invalid_limit', 'limit');
  const good = (await srv.get('/api/v1/lists/assignments?limit=1', as.l_admin)).body.next_cursor;
  const forged = [
    'nonsense!', 'cDEyMw', Buffer.from('l1.2.3').toString('base64url'), Buffer.from('l1.0').toString('base64url'),
    Buffer.from('l1.0.3.4').toString('base64url'), Buffer.from('l-1.0.3').toString('base64url'),
    Buffer.from('lx.0.3').toString('base64url'), 'A'.repeat(200),
  ];
  for (const c of forged)
    isError(await srv.get(`/api/v1/lists/assignments?cursor=${encodeURIComponent(c)}`, as.l_admin), 400, 'invalid_cursor', 'cursor');
  isError(await srv.get(`/api/v1/lists/assignments?cursor=${good}&cursor=${good}`, as.l_admin), 400, 'invalid_cursor', 'cursor');
  isError(await srv.get('/api/v1/lists/results?format=csv&limit=5', as.l_admin), 400, 'invalid_parameter', 'limit');
  isError(await srv.get(`/api/v1/lists/results?format=xlsx&cursor=${good}`, as.l_admin), 400, 'invalid_parameter', 'cursor');
  const past = await srv.get(`/api/v1/lists/suggestions?cursor=${Buffer.from('l999999.0.0').toString('base64url')}`, as.l_admin);
  assert.equal(past.status, 200);
  assert.deepEqual(past.body.items, [], 'past the end: an empty page');
  assert.equal(past.body.next_cursor, null);
});

// ---- CSV -------------------------------------------------------------------------------

for (const kind of ['suggestions', 'assignments', 'results']) {
  test(`${NAMES[kind]} as CSV: BOM, CRLF, Chinese headers, parses back to the JSON rows`, async () => {
    const json = await srv.get(`/api/v1/lists/${kind}?year=2026`, as.l_admin);
    const r = await getBytes(`/api/v1/lists/${kind}?year=2026&format=csv`, as.l_admin);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'text/csv; charset=utf-8');
    assert.equal(r.headers.get('content-disposition'),
      `attachment; filename="${kind}-2026.csv"; filename*=UTF-8''${encodeURIComponent(`${NAMES[kind]}-2026.csv`)}`);
    assert.deepEqual([...r.bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'starts with the UTF-8 BOM');
    const text = r.bytes.subarray(3).toString('utf8');
    assert.ok(text.endsWith('\r\n'));
    const rows = parseCsv(text);
    assert.deepEqual(rows[0], HEADERS[kind]);
    const cols = json.body.columns.map((c) => c.key);
    const want = json.body.items.map((item) => cols.map((k) => csvCell(item[k])));
    assert.deepEqual(rows.slice(1), want);
    assert.equal(rows.length, json.body.items.length + 1);
  });
}

test('formula injection is defused in CSV: =, -, @ become text', async () => {
  const r = await getBytes('/api/v1/lists/suggestions?format=csv', as.l_admin);
  const text = r.bytes.toString('utf8');
  assert.ok(text.includes(`"'=HYPERLINK(""http://evil.example"",""点我"")"`), 'quoted, quote-prefixed');
  assert.ok(text.includes(`"'-5度严寒供暖"`));
  assert.ok(text.includes(`"'@所有人 关于停车"`));
  assert.ok(!/(^|,)=/m.test(text), 'no field starts with =');
  assert.ok(text.includes('"老旧小区加装电梯, ""尽快"""'), 'commas and quotes are quoted');
});

test('youyue export writes the same CSV bytes as the API', async () => {
  for (const kind of ['suggestions', 'assignments', 'results']) {
    for (const extra of [[], ['--year', '2025']]) {
      const file = join(work, `${kind}${extra.length ? '-2025' : ''}.csv`);
      const c = cli(['export', '--db', srv.db, kind, ...extra, '--format', 'csv', '--output', file]);
      assert.equal(c.status, 0, c.stderr);
      assert.match(c.stdout, new RegExp(`^exported \\d+ rows of ${NAMES[kind]} ${extra.length ? 2025 : 2026} to `));
      const api = await getBytes(`/api/v1/lists/${kind}?format=csv${extra.length ? '&year=2025' : ''}`, as.l_admin);
      assert.ok(readFileSync(file).equals(api.bytes), `${kind} ${extra.join(' ')}: same bytes`);
    }
  }
  const file = join(work, 'street.csv');
  const c = cli(['export', '--db', srv.db, 'assignments', '--street', '9001', '--unit', '9301', '--format', 'csv', '--output', file]);
  assert.equal(c.status, 0, c.stderr);
  const api = await getBytes('/api/v1/lists/assignments?format=csv&street=9001&unit=9301', as.l_admin);
  assert.ok(readFileSync(file).equals(api.bytes));
});

test('youyue export: usage errors are one line and exit 2', () => {
  const bad = [
    ['export', '--db', srv.db, 'nonsense', '--format', 'csv', '--output', join(work, 'x')],
    ['export', '--db', srv.db, 'results', '--output', join(work, 'x')],
    ['export', '--db', srv.db, 'results', '--format', 'pdf', '--output', join(work, 'x')],
    ['export', '--db', srv.db, 'results', '--format', 'csv'],
    ['export', '--db', srv.db, 'results', '--year', '1999', '--format', 'csv', '--output', join(work, 'x')],
    ['export', '--db', srv.db, '--format', 'csv', '--output', join(work, 'x')],
  ];
  for (const args of bad) {
    const r = cli(args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /^youyue: export: .+\n$/);
  }
  const help = cli(['export', '--help']);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /usage: youyue export/);
  const nodir = cli(['export', '--db', srv.db, 'results', '--format', 'csv', '--output', '/nonexistent-dir/x.csv']);
  assert.equal(nodir.status, 1);
  assert.match(nodir.stderr, /^youyue: export: .*nonexistent-dir/);
});

// ---- XLSX ------------------------------------------------------------------------------

async function loadXlsx(bytes) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes);
  assert.equal(wb.worksheets.length, 1);
  return wb.worksheets[0];
}

/** Checks a sheet against the JSON rows: header, frozen row, filter, types. */
function checkSheet(ws, json, kind) {
  assert.equal(ws.name, NAMES[kind]);
  const view = ws.views[0];
  assert.equal(view.state, 'frozen', 'the header row is frozen');
  assert.equal(view.ySplit, 1);
  assert.ok(!view.xSplit, 'no frozen column');
  assert.ok(ws.autoFilter, 'an autofilter over the header');
  const cols = json.columns;
  assert.deepEqual(ws.getRow(1).values.slice(1), cols.map((c) => c.title));
  assert.ok(ws.getRow(1).getCell(1).font?.bold, 'the header is bold');
  assert.equal(ws.actualRowCount, json.items.length + 1);
  json.items.forEach((item, i) => {
    const row = ws.getRow(i + 2);
    cols.forEach((c, j) => {
      const cell = row.getCell(j + 1);
      const v = item[c.key];
      const where = `${kind} row ${i + 2} ${c.title}`;
      if (v === null || v === '') { assert.equal(cell.value, null, where); return; } // empty text is a blank cell
      assert.notEqual(cell.type, ExcelJS.ValueType.Formula, `${where} is not a formula`);
      assert.equal(cell.formula, undefined, where);
      if (c.type === 'date') {
        assert.ok(cell.value instanceof Date, `${where} is a real date`);
        assert.equal(cell.value.toISOString().slice(0, 10), v, where);
        assert.equal(cell.numFmt, 'yyyy-mm-dd', where);
      } else if (c.type === 'integer') {
        assert.equal(cell.value, v, where);
        assert.equal(typeof cell.value, 'number', where);
      } else if (c.type === 'boolean') {
        assert.equal(cell.value, v ? '是' : '否', where);
      } else {
        assert.equal(cell.value, v, where);
      }
    });
  });
  // sensible widths: Chinese headers fit, nothing absurdly wide
  cols.forEach((c, j) => {
    const w = ws.getColumn(j + 1).width;
    assert.ok(w >= 2 * c.title.length && w <= 61, `${kind} column ${c.title} width ${w}`);
  });
}

for (const kind of ['suggestions', 'assignments', 'results']) {
  test(`${NAMES[kind]} as XLSX: frozen header, filter, real dates, the JSON's values`, async () => {
    const json = await srv.get(`/api/v1/lists/${kind}`, as.l_admin);
    const r = await getBytes(`/api/v1/lists/${kind}?format=xlsx`, as.l_admin);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    assert.equal(r.headers.get('content-disposition'),
      `attachment; filename="${kind}-2026.xlsx"; filename*=UTF-8''${encodeURIComponent(`${NAMES[kind]}-2026.xlsx`)}`);
    assert.equal(r.bytes.subarray(0, 2).toString('latin1'), 'PK', 'a zip file');
    checkSheet(await loadXlsx(r.bytes), json.body, kind);

    const file = join(work, `${kind}.xlsx`);
    const c = cli(['export', '--db', srv.db, kind, '--format', 'xlsx', '--output', file]);
    assert.equal(c.status, 0, c.stderr);
    checkSheet(await loadXlsx(readFileSync(file)), json.body, kind);
  });
}

test('formula injection in XLSX: a title starting with = stays a text cell', async () => {
  const r = await getBytes('/api/v1/lists/suggestions?format=xlsx', as.l_admin);
  const ws = await loadXlsx(r.bytes);
  const cell = ws.getRow(2).getCell(2);
  assert.equal(cell.value, TITLES.s1);
  assert.equal(cell.type, ExcelJS.ValueType.String);
  assert.equal(ws.getRow(4).getCell(2).value, TITLES.s3);
  assert.equal(ws.getRow(4).getCell(2).type, ExcelJS.ValueType.String);
});

test('an empty list is a valid sheet with only the header', async () => {
  const r = await getBytes('/api/v1/lists/results?year=2030&format=xlsx', as.l_admin);
  const ws = await loadXlsx(r.bytes);
  assert.deepEqual(ws.getRow(1).values.slice(1), HEADERS.results);
  assert.equal(ws.actualRowCount, 1);
  const csv = await getBytes('/api/v1/lists/results?year=2030&format=csv', as.l_admin);
  assert.equal(csv.bytes.toString('utf8'), `\ufeff${HEADERS.results.join(',')}\r\n`);
});

// ---- who may read what -----------------------------------------------------------------

test('without a login: 401 for every list and format', async () => {
  for (const kind of ['suggestions', 'assignments', 'results'])
    for (const f of ['', '?format=csv', '?format=xlsx'])
      isError(await srv.get(`/api/v1/lists/${kind}${f}`), 401, 'login_required');
});

test('residents, deputies, procurators and community staff: 403', async () => {
  for (const who of ['l_resident', 'l_deputy', 'l_procurator', 'l_community'])
    for (const kind of ['suggestions', 'assignments', 'results'])
      isError(await srv.get(`/api/v1/lists/${kind}`, as[who]), 403, 'forbidden');
});

test('street staff read their street only; another street is 404', async () => {
  const s = await srv.get('/api/v1/lists/suggestions', as.l_street1);
  assert.equal(s.status, 200, s.text);
  assert.equal(s.body.street_id, 9001);
  assert.deepEqual(s.body.items, [S1, S2]);
  const a = await srv.get('/api/v1/lists/assignments?street=9001', as.l_street1);
  assert.deepEqual(a.body.items, [A1, A2, A3, A4]);
  const res = await srv.get('/api/v1/lists/results', as.l_street2);
  assert.deepEqual(res.body.items, [R1, R5]);
  const narrowed = await srv.get('/api/v1/lists/assignments?unit=9302', as.l_street2);
  assert.equal(narrowed.body.street_id, 9002);
  assert.deepEqual(narrowed.body.items, [A2, A5]);
  isError(await srv.get('/api/v1/lists/suggestions?street=9002', as.l_street1), 404, 'not_found');
  isError(await srv.get('/api/v1/lists/results?street=9001&format=csv', as.l_street2), 404, 'not_found');
});

test("unit staff read their unit's assignments and results, not the suggestion list", async () => {
  const a = await srv.get('/api/v1/lists/assignments', as.l_unit1);
  assert.equal(a.status, 200, a.text);
  assert.equal(a.body.unit_id, 9301);
  assert.deepEqual(a.body.items, [A1, A3]);
  const r = await srv.get('/api/v1/lists/results', as.l_unit1);
  assert.deepEqual(r.body.items, [R1]);
  const r2 = await srv.get('/api/v1/lists/results?unit=9302', as.l_unit2);
  assert.deepEqual(r2.body.items, [R5]);
  const co = await srv.get('/api/v1/lists/assignments', as.l_unit2);
  assert.deepEqual(co.body.items, [A2, A5], 'co-handling assignments are listed too');
  isError(await srv.get('/api/v1/lists/suggestions', as.l_unit1), 403, 'forbidden');
  isError(await srv.get('/api/v1/lists/assignments?unit=9302', as.l_unit1), 404, 'not_found');
  isError(await srv.get('/api/v1/lists/results?street=9001', as.l_unit1), 404, 'not_found');
});

test('bad parameters: 400 naming the parameter', async () => {
  const cases = [
    ['/api/v1/lists/suggestions?year=1999', 'invalid_parameter', 'year'],
    ['/api/v1/lists/suggestions?year=abc', 'invalid_parameter', 'year'],
    ['/api/v1/lists/suggestions?year=2026&year=2025', 'repeated_parameter', 'year'],
    ['/api/v1/lists/assignments?format=pdf', 'invalid_parameter', 'format'],
    ['/api/v1/lists/results?street=0', 'invalid_parameter', 'street'],
    ['/api/v1/lists/results?street=9003', 'invalid_parameter', 'street'],
    ['/api/v1/lists/results?street=999999', 'invalid_parameter', 'street'],
    ['/api/v1/lists/results?unit=999999', 'invalid_parameter', 'unit'],
  ];
  for (const [path, code, field] of cases) isError(await srv.get(path, as.l_admin), 400, code, field);
});

test('the lists only answer GET (and HEAD)', async () => {
  const r = await srv.post('/api/v1/lists/suggestions', {}, { token: undefined });
  assert.equal(r.status, 405);
  assert.match(r.headers.get('allow') || '', /GET/);
  const h = await srv.request('HEAD', '/api/v1/lists/suggestions?format=csv', as.l_admin);
  assert.equal(h.status, 200);
});

test('the JSON rows carry no personal data of residents or deputies', async () => {
  for (const kind of ['suggestions', 'assignments', 'results']) {
    const r = await srv.get(`/api/v1/lists/${kind}`, as.l_admin);
    assert.ok(!/1380000000|13900009/.test(r.text), `${kind}: no phone numbers`);
  }
});
