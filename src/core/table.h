/* table.h - a report as a table of typed cells, and its three renderings:
 * JSON (core/jsonw), CSV for Excel (core/csv) and XLSX (libxlsxwriter).
 *
 * The three lists (三张清单, DOMAIN.md §5) are built as tables by
 * domain/lists.c and written by the API (GET /api/v1/lists/...) and by
 * `youyue export`; both call these writers, so a list has the same bytes
 * (CSV) or the same cells (XLSX) whichever way it was asked for.  See
 * docs/LISTS.md.
 *
 * Memory: a table and its cells live in the caller's arena; the writers
 * append to a struct buf the caller owns.
 */
#ifndef YOUYUE_TABLE_H
#define YOUYUE_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/jsonw.h"

enum table_kind {
    TABLE_TEXT, /* JSON string; CSV through csv_write_field; XLSX string cell */
    TABLE_INT,  /* JSON number; CSV digits; XLSX number */
    TABLE_DATE, /* a China calendar day (days since 1970-01-01): JSON and CSV
                 * "YYYY-MM-DD", XLSX a real date formatted yyyy-mm-dd */
    TABLE_BOOL, /* JSON true/false; CSV and XLSX 是 / 否 */
};

struct table_column {
    const char *key;   /* JSON member name (snake_case) */
    const char *title; /* header: Chinese, as staff read it */
    enum table_kind kind;
};

/* One cell; null cells are empty in CSV and XLSX and null in JSON. */
struct table_cell {
    bool null;
    const char *text; /* TABLE_TEXT: valid UTF-8, never NULL unless null */
    int64_t i;        /* TABLE_INT, TABLE_BOOL (0/1), TABLE_DATE (day number) */
};

/* Extra JSON members of a row that are not columns (ids and codes for
 * programs), written after the column members. */
struct table_extra {
    const char *key;
    enum table_kind kind;
    struct table_cell cell;
};

struct table {
    const char *title; /* sheet name (at most 31 characters) */
    const struct table_column *cols;
    size_t n_cols;
    struct table_cell *cells; /* row-major: n_rows * n_cols */
    size_t n_rows;
    struct table_extra *extras; /* row-major: n_rows * n_extras, may be NULL */
    size_t n_extras;
};

/* Allocates the cells (all null) for n_rows rows in a. */
void table_init(struct table *t, struct arena *a, const char *title,
                const struct table_column *cols, size_t n_cols, size_t n_rows, size_t n_extras);
/* The cell of row r, column c (asserts the bounds). */
struct table_cell *table_at(struct table *t, size_t r, size_t c);
struct table_extra *table_extra_at(struct table *t, size_t r, size_t k);

/* Cell setters; text NULL makes the cell null. */
void table_set_text(struct table *t, size_t r, size_t c, const char *text);
void table_set_int(struct table *t, size_t r, size_t c, int64_t v);
void table_set_date(struct table *t, size_t r, size_t c, int64_t day);
void table_set_bool(struct table *t, size_t r, size_t c, bool v);

/* "YYYY-MM-DD" of a day number into out (11 bytes with the NUL). */
void table_format_day(int64_t day, char out[11]);

/* Writes the members "columns" ([{"key","title","type"}]) and "items" (one
 * object per row: the columns by key, then the extras) into the object w
 * has open.  Errors stay in w (jsonw_finish reports them). */
void table_write_json_members(struct jsonw *w, const struct table *t);

/* CSV for Excel and WPS: a UTF-8 BOM, the header, one record per row, CRLF
 * after every record; text through csv_write_field (so a cell starting with
 * = + - @ or a tab is defused as text).  YY_TOO_LARGE / YY_NOMEM from the
 * buffer. */
enum yy_err table_write_csv(struct buf *out, const struct table *t);

/* An XLSX workbook with one sheet named t->title: the header bold on a grey
 * fill, frozen (stays in view when scrolling), an autofilter over the
 * header, column widths from the longest text (CJK characters count twice),
 * dates as real dates, numbers as numbers, text as text (never a formula).
 * libxlsxwriter 1.1 writes only to files: the workbook goes through a
 * temporary file in $TMPDIR (else /tmp), removed before returning.
 * Returns YY_OK, YY_IO with *e filled when the file cannot be written or
 * read, or the buffer's error. */
enum yy_err table_write_xlsx(struct buf *out, const struct table *t, struct yy_error *e);

/* Display width of UTF-8 text in Excel column units: 2 for CJK and other
 * wide characters, 1 otherwise.  Exposed for tests. */
size_t table_text_width(const char *s);

#endif
