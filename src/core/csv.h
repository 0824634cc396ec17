/* csv.h - RFC 4180 CSV: a bounded reader for spreadsheet imports and a field
 * writer for exports.
 *
 * The reader is written for files saved by Excel or WPS as "CSV UTF-8": UTF-8
 * with or without a BOM, LF or CRLF line ends (a bare CR is ordinary data),
 * comma separators.  Other encodings (GBK "CSV" from older Excel) are
 * rejected with csv_invalid_utf8 rather than guessed at.
 *
 * Memory: everything the reader returns lives in the caller's arena: about
 * n + 9 bytes per field + 24 bytes per row, so the caller bounds n (uploads
 * and import files have a size limit) to stay well inside the arena maximum.
 */
#ifndef YOUYUE_CSV_H
#define YOUYUE_CSV_H

#include <stddef.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"

/* One record.  fields[i] are NUL-terminated, valid UTF-8, without NUL bytes,
 * at most CSV_MAX_FIELD_BYTES long; n >= 1.  line is the 1-based physical
 * line where the record starts (a quoted field with line breaks makes the
 * next record start further down). */
struct csv_row {
    const char **fields;
    size_t n;
    size_t line;
};

/* rows[0] is the header when the file has one; the reader does not decide. */
struct csv_table {
    struct csv_row *rows;
    size_t n_rows;
};

#define CSV_MAX_FIELDS 64
#define CSV_MAX_FIELD_BYTES 4096
#define CSV_MAX_ROWS 100000

/* Parses data[0..n) (data may be NULL when n is 0).
 *
 * Skips a leading UTF-8 BOM; records end at LF or CRLF; fields are separated
 * by commas; a field in double quotes may hold commas, line breaks (kept as
 * they are, CRLF included) and quotes written twice ("").  Unquoted fields are
 * taken byte for byte, with no trimming and quotes inside kept.  Lines that
 * are only a line break are skipped; a line of spaces is a record.
 *
 * On success returns YY_OK and fills *out; all memory comes from a.
 * Fails with YY_BAD_INPUT and *out left empty; *e (if not NULL) gets a
 * Chinese message that names the line ("第3行: 引号未闭合"), allocated in a,
 * field NULL, and one of these codes:
 *   csv_unterminated_quote  a quoted field runs to the end of the data
 *                           (line: where the quote opened);
 *   csv_bad_quote           text after a closing quote, as in "ab"c;
 *   csv_invalid_utf8        a line is not valid UTF-8;
 *   csv_nul_byte            a line holds a NUL byte;
 *   csv_too_many_fields     a record has more than CSV_MAX_FIELDS fields;
 *   csv_field_too_long      a field is over CSV_MAX_FIELD_BYTES (after
 *                           unquoting);
 *   csv_too_many_rows       more than CSV_MAX_ROWS records (header included);
 *   csv_empty               no record at all (empty, only a BOM, blank lines).
 * Errors are reported for the first problem in reading order. */
enum yy_err csv_parse(struct arena *a, const char *data, size_t n, struct csv_table *out,
                      struct yy_error *e);

/* Index of the column of header whose text, with leading and trailing spaces
 * and tabs removed, equals name exactly; the first such column when several
 * do.  -1 when there is none, or header or name is NULL. */
long csv_column(const struct csv_row *header, const char *name);

/* Appends one field to b, without separator: the caller writes ',' between
 * fields and "\r\n" after each record.  s NULL is written as an empty field.
 *
 * The field is put in double quotes, with inner quotes doubled, when it holds
 * a comma, a quote, CR or LF, or when it starts with '=', '+', '-', '@' or a
 * tab.  Those first characters make Excel and WPS read the cell as a formula
 * (CSV/formula injection: "=HYPERLINK(...)" typed by a resident would run on
 * the officer's machine), so such a field is also prefixed, inside the quotes,
 * with a single quote: "=1+1" is written as "'=1+1", which spreadsheets show
 * as the text =1+1.  A negative number therefore arrives as the text '-5:
 * write numbers with buf_printf(), not with this function.
 *
 * Returns YY_OK, or YY_TOO_LARGE / YY_NOMEM from the buffer, in which case b
 * is left as it was before the call. */
enum yy_err csv_write_field(struct buf *b, const char *s);

#endif
