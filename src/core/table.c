/* table.c - reports as tables and their JSON, CSV and XLSX renderings; see
 * table.h. */
#include "core/table.h"

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "core/csv.h"
#include "core/timeutil.h"

/* ---- building ----------------------------------------------------------------- */

void table_init(struct table *t, struct arena *a, const char *title,
                const struct table_column *cols, size_t n_cols, size_t n_rows, size_t n_extras)
{
    t->title = title;
    t->cols = cols;
    t->n_cols = n_cols;
    t->n_rows = n_rows;
    t->n_extras = n_extras;
    size_t n_cells = n_rows * n_cols;
    t->cells = arena_calloc(a, n_cells > 0 ? n_cells : 1, sizeof(*t->cells));
    for (size_t i = 0; i < n_cells; i++)
        t->cells[i].null = true;
    t->extras = NULL;
    if (n_extras)
        t->extras = arena_calloc(a, n_rows ? n_rows * n_extras : 1, sizeof(*t->extras));
}

struct table_cell *table_at(struct table *t, size_t r, size_t c)
{
    assert(r < t->n_rows && c < t->n_cols);
    return &t->cells[r * t->n_cols + c];
}

struct table_extra *table_extra_at(struct table *t, size_t r, size_t k)
{
    assert(r < t->n_rows && k < t->n_extras);
    return &t->extras[r * t->n_extras + k];
}

void table_set_text(struct table *t, size_t r, size_t c, const char *text)
{
    assert(t->cols[c].kind == TABLE_TEXT);
    struct table_cell *cell = table_at(t, r, c);
    cell->null = text == NULL;
    cell->text = text;
}

void table_set_int(struct table *t, size_t r, size_t c, int64_t v)
{
    assert(t->cols[c].kind == TABLE_INT);
    struct table_cell *cell = table_at(t, r, c);
    cell->null = false;
    cell->i = v;
}

void table_set_date(struct table *t, size_t r, size_t c, int64_t day)
{
    assert(t->cols[c].kind == TABLE_DATE);
    struct table_cell *cell = table_at(t, r, c);
    cell->null = false;
    cell->i = day;
}

void table_set_bool(struct table *t, size_t r, size_t c, bool v)
{
    assert(t->cols[c].kind == TABLE_BOOL);
    struct table_cell *cell = table_at(t, r, c);
    cell->null = false;
    cell->i = v;
}

void table_format_day(int64_t day, char out[11])
{
    int64_t y;
    unsigned m, d;
    time_civil_from_days(day, &y, &m, &d);
    if (y < 0)
        y = 0;
    if (y > 9999)
        y = 9999;
    snprintf(out, 11, "%04d-%02u-%02u", (int)y, m % 100u, d % 100u);
}

size_t table_text_width(const char *s)
{
    size_t w = 0;
    for (const unsigned char *p = (const unsigned char *)s; p && *p;) {
        unsigned cp;
        size_t len;
        if (*p < 0x80) {
            cp = *p;
            len = 1;
        } else if ((*p & 0xE0) == 0xC0) {
            cp = *p & 0x1Fu;
            len = 2;
        } else if ((*p & 0xF0) == 0xE0) {
            cp = *p & 0x0Fu;
            len = 3;
        } else {
            cp = *p & 0x07u;
            len = 4;
        }
        for (size_t i = 1; i < len; i++) {
            if ((p[i] & 0xC0) != 0x80) { /* invalid: count the lead byte, move on */
                len = 1;
                break;
            }
            cp = (cp << 6) | (p[i] & 0x3Fu);
        }
        p += len;
        /* Hangul Jamo, CJK radicals to Yi, Hangul syllables, compatibility
         * ideographs, fullwidth forms, CJK extensions */
        bool wide = (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
                    (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
                    (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
                    (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x20000 && cp <= 0x3FFFD);
        w += wide ? 2 : 1;
    }
    return w;
}

/* ---- JSON ----------------------------------------------------------------------- */

static const char *kind_name(enum table_kind k)
{
    switch (k) {
    case TABLE_TEXT:
        return "text";
    case TABLE_INT:
        return "integer";
    case TABLE_DATE:
        return "date";
    case TABLE_BOOL:
        return "boolean";
    }
    return "text";
}

static void json_cell(struct jsonw *w, enum table_kind kind, const struct table_cell *c)
{
    if (c->null) {
        jsonw_null(w);
        return;
    }
    char day[11];
    switch (kind) {
    case TABLE_TEXT:
        jsonw_string(w, c->text);
        break;
    case TABLE_INT:
        jsonw_int(w, c->i);
        break;
    case TABLE_BOOL:
        jsonw_bool(w, c->i != 0);
        break;
    case TABLE_DATE:
        table_format_day(c->i, day);
        jsonw_string(w, day);
        break;
    }
}

void table_write_json_members(struct jsonw *w, const struct table *t)
{
    jsonw_key(w, "columns");
    jsonw_array_begin(w);
    for (size_t c = 0; c < t->n_cols; c++) {
        jsonw_object_begin(w);
        jsonw_key(w, "key");
        jsonw_string(w, t->cols[c].key);
        jsonw_key(w, "title");
        jsonw_string(w, t->cols[c].title);
        jsonw_key(w, "type");
        jsonw_string(w, kind_name(t->cols[c].kind));
        jsonw_object_end(w);
    }
    jsonw_array_end(w);
    jsonw_key(w, "items");
    jsonw_array_begin(w);
    for (size_t r = 0; r < t->n_rows && w->err == YY_OK; r++) {
        jsonw_object_begin(w);
        for (size_t c = 0; c < t->n_cols; c++) {
            jsonw_key(w, t->cols[c].key);
            json_cell(w, t->cols[c].kind, &t->cells[r * t->n_cols + c]);
        }
        for (size_t k = 0; k < t->n_extras; k++) {
            const struct table_extra *x = &t->extras[r * t->n_extras + k];
            jsonw_key(w, x->key);
            json_cell(w, x->kind, &x->cell);
        }
        jsonw_object_end(w);
    }
    jsonw_array_end(w);
}

/* ---- CSV ------------------------------------------------------------------------ */

static const char *bool_text(int64_t v)
{
    return v ? "是" : "否";
}

enum yy_err table_write_csv(struct buf *out, const struct table *t)
{
    enum yy_err rc = buf_puts(out, "\xEF\xBB\xBF");
    for (size_t c = 0; c < t->n_cols && rc == YY_OK; c++) {
        if (c)
            rc = buf_putc(out, ',');
        if (rc == YY_OK)
            rc = csv_write_field(out, t->cols[c].title);
    }
    if (rc == YY_OK)
        rc = buf_puts(out, "\r\n");
    for (size_t r = 0; r < t->n_rows && rc == YY_OK; r++) {
        for (size_t c = 0; c < t->n_cols && rc == YY_OK; c++) {
            const struct table_cell *cell = &t->cells[r * t->n_cols + c];
            if (c)
                rc = buf_putc(out, ',');
            if (rc != YY_OK || cell->null)
                continue;
            char day[11];
            switch (t->cols[c].kind) {
            case TABLE_TEXT:
                rc = csv_write_field(out, cell->text);
                break;
            case TABLE_INT:
                rc = buf_printf(out, "%lld", (long long)cell->i);
                break;
            case TABLE_BOOL:
                rc = buf_puts(out, bool_text(cell->i));
                break;
            case TABLE_DATE:
                table_format_day(cell->i, day);
                rc = buf_puts(out, day);
                break;
            }
        }
        if (rc == YY_OK)
            rc = buf_puts(out, "\r\n");
    }
    return rc;
}

/* ---- XLSX ----------------------------------------------------------------------- */

#define XLSX_MIN_WIDTH 6
#define XLSX_MAX_WIDTH 60

static double column_width(const struct table *t, size_t c)
{
    size_t w = table_text_width(t->cols[c].title) + 2; /* room for the filter button */
    for (size_t r = 0; r < t->n_rows; r++) {
        const struct table_cell *cell = &t->cells[r * t->n_cols + c];
        size_t cw = 0;
        if (cell->null)
            continue;
        switch (t->cols[c].kind) {
        case TABLE_TEXT:
            cw = table_text_width(cell->text);
            break;
        case TABLE_INT:
            cw = (size_t)snprintf(NULL, 0, "%lld", (long long)cell->i);
            break;
        case TABLE_BOOL:
            cw = 2;
            break;
        case TABLE_DATE:
            cw = 10;
            break;
        }
        if (cw > w)
            w = cw;
        if (w >= XLSX_MAX_WIDTH)
            break;
    }
    w += 1;
    if (w < XLSX_MIN_WIDTH)
        w = XLSX_MIN_WIDTH;
    if (w > XLSX_MAX_WIDTH)
        w = XLSX_MAX_WIDTH;
    return (double)w;
}

static enum yy_err xlsx_fail(struct yy_error *e, const char *what)
{
    return yy_fail(e, YY_IO, "xlsx_failed", what, NULL);
}

/* Writes the sheet into the workbook at path. */
static lxw_error write_workbook(const char *path, const char *tmpdir, const struct table *t)
{
    lxw_workbook_options opts = {.constant_memory = LXW_FALSE, .tmpdir = (char *)tmpdir};
    lxw_workbook *wb = workbook_new_opt(path, &opts);
    if (!wb)
        return LXW_ERROR_CREATING_XLSX_FILE;
    lxw_worksheet *ws = workbook_add_worksheet(wb, t->title);
    lxw_format *head = workbook_add_format(wb);
    lxw_format *date = workbook_add_format(wb);
    lxw_error err = LXW_NO_ERROR;
    if (!ws || !head || !date) {
        workbook_close(wb);
        return LXW_ERROR_MEMORY_MALLOC_FAILED;
    }
    format_set_bold(head);
    format_set_bg_color(head, 0xD9D9D9);
    format_set_border(head, LXW_BORDER_THIN);
    format_set_num_format(date, "yyyy-mm-dd");

    for (size_t c = 0; c < t->n_cols && !err; c++) {
        err = worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, column_width(t, c), NULL);
        if (!err)
            err = worksheet_write_string(ws, 0, (lxw_col_t)c, t->cols[c].title, head);
    }
    for (size_t r = 0; r < t->n_rows && !err; r++) {
        lxw_row_t row = (lxw_row_t)(r + 1);
        for (size_t c = 0; c < t->n_cols && !err; c++) {
            const struct table_cell *cell = &t->cells[r * t->n_cols + c];
            lxw_col_t col = (lxw_col_t)c;
            if (cell->null)
                continue;
            switch (t->cols[c].kind) {
            case TABLE_TEXT:
                err = worksheet_write_string(ws, row, col, cell->text, NULL);
                break;
            case TABLE_INT:
                err = worksheet_write_number(ws, row, col, (double)cell->i, NULL);
                break;
            case TABLE_BOOL:
                err = worksheet_write_string(ws, row, col, bool_text(cell->i), NULL);
                break;
            case TABLE_DATE: {
                int64_t y;
                unsigned m, d;
                time_civil_from_days(cell->i, &y, &m, &d);
                lxw_datetime dt = {.year = (int)y, .month = (int)m, .day = (int)d};
                err = worksheet_write_datetime(ws, row, col, &dt, date);
                break;
            }
            }
        }
    }
    worksheet_freeze_panes(ws, 1, 0);
    if (!err && t->n_cols)
        err = worksheet_autofilter(ws, 0, 0, (lxw_row_t)t->n_rows, (lxw_col_t)(t->n_cols - 1));
    lxw_error closed = workbook_close(wb);
    return err ? err : closed;
}

enum yy_err table_write_xlsx(struct buf *out, const struct table *t, struct yy_error *e)
{
    const char *tmpdir = getenv("TMPDIR");
    if (!tmpdir || !*tmpdir)
        tmpdir = "/tmp";
    char path[4096];
    if ((size_t)snprintf(path, sizeof(path), "%s/youyue-xlsx-XXXXXX", tmpdir) >= sizeof(path))
        return xlsx_fail(e, "临时文件夹路径过长");
    int fd = mkstemp(path);
    if (fd < 0)
        return xlsx_fail(e, "无法创建临时文件");
    close(fd);

    enum yy_err rc = YY_OK;
    lxw_error err = write_workbook(path, tmpdir, t);
    if (err) {
        rc = xlsx_fail(e, "无法生成 Excel 文件");
        goto unlink_file;
    }
    FILE *f = fopen(path, "rb");
    if (!f) {
        rc = xlsx_fail(e, "无法读取生成的 Excel 文件");
        goto unlink_file;
    }
    char chunk[65536];
    for (;;) {
        size_t n = fread(chunk, 1, sizeof(chunk), f);
        if (n == 0)
            break;
        rc = buf_append(out, chunk, n);
        if (rc != YY_OK)
            break;
    }
    if (rc == YY_OK && ferror(f))
        rc = xlsx_fail(e, "无法读取生成的 Excel 文件");
    fclose(f);
unlink_file:
    unlink(path);
    return rc;
}
