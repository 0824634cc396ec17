/* csv.c - RFC 4180 CSV reader and field writer; see csv.h.
 *
 * The reader runs the same scanner twice.  The first pass validates
 * everything and counts records, fields and bytes; the second pass, which
 * cannot fail, copies the fields into three arena arrays sized exactly from
 * those counts.  So memory is proportional to the input, with no growing
 * arrays, and a failed parse leaves nothing half-built behind.
 */
#include "core/csv.h"

#include <assert.h>
#include <stdbool.h>
#include <string.h>

#include "core/utf8.h"

struct csv_scan {
    struct arena *a;
    struct yy_error *e;
    const char *data;
    size_t n;
    size_t pos;
    size_t line;  /* physical line of data[pos] */
    bool filling; /* second pass: write into the arrays below */

    /* Totals: counted by the first pass, used as cursors by the second. */
    size_t rows;
    size_t fields;
    size_t bytes;

    struct csv_row *out_rows;
    const char **out_fields;
    char *out_bytes;
};

static enum yy_err csv_fail(struct csv_scan *s, const char *code, size_t line, const char *what)
{
    /* The second pass sees data the first pass accepted. */
    assert(!s->filling);
    const char *msg = arena_printf(s->a, "第%zu行: %s", line, what);
    return yy_fail(s->e, YY_BAD_INPUT, code, msg, NULL);
}

/* Checks the physical line starting at s->pos for NUL bytes and UTF-8. */
static enum yy_err check_line(struct csv_scan *s)
{
    if (s->filling)
        return YY_OK;
    const char *start = s->data + s->pos;
    size_t rest = s->n - s->pos;
    const char *nl = memchr(start, '\n', rest);
    size_t len = nl ? (size_t)(nl - start) : rest;
    if (memchr(start, '\0', len))
        return csv_fail(s, "csv_nul_byte", s->line, "含有空字符(NUL),文件可能不是文本格式");
    if (!utf8_valid(start, len))
        return csv_fail(s, "csv_invalid_utf8", s->line,
                        "不是有效的UTF-8编码,请在Excel或WPS中另存为“CSV UTF-8”格式");
    return YY_OK;
}

/* Steps over the '\n' at s->pos onto the next physical line. */
static enum yy_err next_line(struct csv_scan *s)
{
    assert(s->pos < s->n && s->data[s->pos] == '\n');
    s->pos++;
    s->line++;
    return check_line(s);
}

/* Records field data[start..start+raw_len), unescaping "" when quoted; len is
 * the length after unescaping. */
static void add_field(struct csv_scan *s, size_t start, size_t raw_len, size_t len, bool quoted)
{
    if (s->filling) {
        char *d = s->out_bytes + s->bytes;
        const char *src = s->data + start;
        if (!quoted) {
            memcpy(d, src, raw_len);
        } else {
            size_t k = 0;
            for (size_t i = 0; i < raw_len; i++) {
                d[k++] = src[i];
                if (src[i] == '"')
                    i++; /* the second quote of a "" pair */
            }
            assert(k == len);
        }
        d[len] = '\0';
        s->out_fields[s->fields] = d;
    }
    s->fields++;
    s->bytes += len + 1;
}

/* Scans the quoted field opening at s->pos; leaves s->pos after the closing
 * quote. */
static enum yy_err scan_quoted(struct csv_scan *s)
{
    size_t open_line = s->line;
    s->pos++;
    size_t start = s->pos;
    size_t len = 0;
    for (;;) {
        if (s->pos >= s->n)
            return csv_fail(s, "csv_unterminated_quote", open_line, "引号未闭合");
        char c = s->data[s->pos];
        if (c == '"') {
            if (s->pos + 1 < s->n && s->data[s->pos + 1] == '"') {
                s->pos += 2;
            } else {
                break;
            }
        } else if (c == '\n') {
            enum yy_err rc = next_line(s);
            if (rc != YY_OK)
                return rc;
        } else {
            s->pos++;
        }
        if (len == CSV_MAX_FIELD_BYTES)
            return csv_fail(s, "csv_field_too_long", open_line, "单元格内容超过4096字节");
        len++;
    }
    size_t raw_len = s->pos - start;
    s->pos++; /* closing quote */
    add_field(s, start, raw_len, len, true);
    return YY_OK;
}

/* Scans the unquoted field at s->pos up to ',', the line end or the end of
 * data; a CR right before LF (or at the very end) belongs to the line end. */
static enum yy_err scan_plain(struct csv_scan *s)
{
    size_t start = s->pos;
    size_t end = start;
    while (end < s->n && s->data[end] != ',' && s->data[end] != '\n')
        end++;
    if ((end == s->n || s->data[end] == '\n') && end > start && s->data[end - 1] == '\r')
        end--;
    size_t len = end - start;
    if (len > CSV_MAX_FIELD_BYTES)
        return csv_fail(s, "csv_field_too_long", s->line, "单元格内容超过4096字节");
    s->pos = end;
    add_field(s, start, len, len, false);
    return YY_OK;
}

/* Scans one record starting at s->pos, which is not at a blank line, and
 * leaves s->pos at the start of the next line (or at the end). */
static enum yy_err scan_record(struct csv_scan *s)
{
    size_t record_line = s->line;
    size_t first_field = s->fields;
    size_t n_fields = 0;

    if (s->rows == CSV_MAX_ROWS)
        return csv_fail(s, "csv_too_many_rows", record_line, "数据超过100000行");
    for (;;) {
        if (n_fields == CSV_MAX_FIELDS)
            return csv_fail(s, "csv_too_many_fields", record_line, "列数超过64列");
        enum yy_err rc;
        if (s->pos < s->n && s->data[s->pos] == '"')
            rc = scan_quoted(s);
        else
            rc = scan_plain(s);
        if (rc != YY_OK)
            return rc;
        n_fields++;

        if (s->pos == s->n)
            break;
        char c = s->data[s->pos];
        if (c == ',') {
            s->pos++;
            continue;
        }
        if (c == '\r' && s->pos + 1 == s->n) {
            s->pos++;
            break;
        }
        if (c == '\r' && s->data[s->pos + 1] == '\n')
            s->pos++;
        if (s->data[s->pos] == '\n') {
            rc = next_line(s);
            if (rc != YY_OK)
                return rc;
            break;
        }
        return csv_fail(s, "csv_bad_quote", s->line, "引号后面不能紧跟其他字符");
    }

    if (s->filling) {
        struct csv_row *row = &s->out_rows[s->rows];
        row->fields = s->out_fields + first_field;
        row->n = n_fields;
        row->line = record_line;
    }
    s->rows++;
    return YY_OK;
}

static enum yy_err scan_all(struct csv_scan *s)
{
    s->pos = 0;
    s->line = 1;
    s->rows = 0;
    s->fields = 0;
    s->bytes = 0;
    if (s->n >= 3 && memcmp(s->data, "\xEF\xBB\xBF", 3) == 0)
        s->pos = 3;

    enum yy_err rc = check_line(s);
    if (rc != YY_OK)
        return rc;
    while (s->pos < s->n) {
        const char *p = s->data + s->pos;
        size_t rest = s->n - s->pos;
        if (p[0] == '\n') {
            rc = next_line(s);
        } else if (p[0] == '\r' && rest == 1) {
            s->pos++;
            rc = YY_OK;
        } else if (p[0] == '\r' && p[1] == '\n') {
            s->pos++;
            rc = next_line(s);
        } else {
            rc = scan_record(s);
        }
        if (rc != YY_OK)
            return rc;
    }
    return YY_OK;
}

enum yy_err csv_parse(struct arena *a, const char *data, size_t n, struct csv_table *out,
                      struct yy_error *e)
{
    out->rows = NULL;
    out->n_rows = 0;

    struct csv_scan s = {.a = a, .e = e, .data = data ? data : "", .n = data ? n : 0};
    enum yy_err rc = scan_all(&s);
    if (rc != YY_OK)
        return rc;
    if (s.rows == 0)
        return yy_fail(e, YY_BAD_INPUT, "csv_empty", "第1行: 文件为空,没有任何数据", NULL);

    size_t rows = s.rows;
    size_t fields = s.fields;
    size_t bytes = s.bytes;
    s.out_rows = arena_calloc(a, rows, sizeof(*s.out_rows));
    s.out_fields = arena_calloc(a, fields, sizeof(*s.out_fields));
    s.out_bytes = arena_alloc(a, bytes);
    s.filling = true;
    rc = scan_all(&s);
    assert(rc == YY_OK);
    assert(s.rows == rows && s.fields == fields && s.bytes == bytes);
    (void)rc;

    out->rows = s.out_rows;
    out->n_rows = rows;
    return YY_OK;
}

long csv_column(const struct csv_row *header, const char *name)
{
    if (!header || !name)
        return -1;
    size_t name_len = strlen(name);
    for (size_t i = 0; i < header->n; i++) {
        const char *f = header->fields[i];
        size_t len = strlen(f);
        while (len && (f[0] == ' ' || f[0] == '\t')) {
            f++;
            len--;
        }
        while (len && (f[len - 1] == ' ' || f[len - 1] == '\t'))
            len--;
        if (len == name_len && memcmp(f, name, len) == 0)
            return (long)i;
    }
    return -1;
}

/* ------------------------------------------------------------------------
 * Writer
 * ------------------------------------------------------------------------ */

static bool starts_formula(char c)
{
    return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t';
}

static enum yy_err write_quoted(struct buf *b, const char *s, bool defuse)
{
    enum yy_err rc = buf_putc(b, '"');
    if (rc == YY_OK && defuse)
        rc = buf_putc(b, '\'');
    while (rc == YY_OK && *s) {
        const char *q = strchr(s, '"');
        size_t len = q ? (size_t)(q - s) + 1 : strlen(s);
        rc = buf_append(b, s, len);
        if (rc == YY_OK && q)
            rc = buf_putc(b, '"'); /* double the quote just written */
        s += len;
    }
    if (rc == YY_OK)
        rc = buf_putc(b, '"');
    return rc;
}

enum yy_err csv_write_field(struct buf *b, const char *s)
{
    if (!s || !*s)
        return YY_OK;
    bool defuse = starts_formula(s[0]);
    if (!defuse && !s[strcspn(s, ",\"\r\n")])
        return buf_puts(b, s);

    size_t saved = b->len;
    enum yy_err rc = write_quoted(b, s, defuse);
    if (rc != YY_OK && b->data) {
        b->len = saved;
        b->data[saved] = '\0';
    }
    return rc;
}
