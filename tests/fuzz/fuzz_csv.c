/* fuzz_csv.c - libFuzzer target for csv_parse().
 *
 * Invariants checked for every successful parse: 1..CSV_MAX_ROWS rows; each
 * row has 1..CSV_MAX_FIELDS fields, each valid UTF-8 of at most
 * CSV_MAX_FIELD_BYTES bytes; row lines start at >= 1 and increase.  A failed
 * parse must leave the table empty and carry a documented code.  Every
 * successful table is also written back with csv_write_field() to exercise
 * the writer. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/csv.h"
#include "core/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const codes[] = {
    "csv_unterminated_quote", "csv_bad_quote",      "csv_invalid_utf8",  "csv_nul_byte",
    "csv_too_many_fields",    "csv_field_too_long", "csv_too_many_rows", "csv_empty",
};

static void check_failure(const struct csv_table *t, const struct yy_error *e)
{
    if (t->rows || t->n_rows || e->kind != YY_BAD_INPUT || !e->code || !e->message)
        abort();
    for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
        if (strcmp(e->code, codes[i]) == 0)
            return;
    }
    abort();
}

static void check_table(const struct csv_table *t)
{
    if (t->n_rows == 0 || t->n_rows > CSV_MAX_ROWS || !t->rows)
        abort();
    size_t last_line = 0;
    for (size_t r = 0; r < t->n_rows; r++) {
        const struct csv_row *row = &t->rows[r];
        if (row->line <= last_line || row->n == 0 || row->n > CSV_MAX_FIELDS)
            abort();
        last_line = row->line;
        for (size_t i = 0; i < row->n; i++) {
            const char *f = row->fields[i];
            if (!f)
                abort();
            size_t len = strlen(f);
            if (len > CSV_MAX_FIELD_BYTES || !utf8_valid(f, len))
                abort();
        }
    }
    /* csv_column trims the header, not the name: a first field without
     * surrounding spaces or tabs must be found at index 0. */
    const char *first = t->rows[0].fields[0];
    size_t first_len = strlen(first);
    if (first_len && !strchr(" \t", first[0]) && !strchr(" \t", first[first_len - 1]) &&
        csv_column(&t->rows[0], first) != 0)
        abort();
}

static void write_back(const struct csv_table *t)
{
    struct buf b;
    buf_init(&b, (size_t)1 << 24);
    for (size_t r = 0; r < t->n_rows; r++) {
        for (size_t i = 0; i < t->rows[r].n; i++) {
            if (i && buf_putc(&b, ',') != YY_OK)
                abort();
            if (csv_write_field(&b, t->rows[r].fields[i]) != YY_OK)
                abort();
        }
        if (buf_puts(&b, "\r\n") != YY_OK)
            abort();
    }
    buf_release(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct arena a;
    arena_init(&a);

    struct csv_table t;
    struct yy_error e = {0};
    enum yy_err rc = csv_parse(&a, (const char *)data, size, &t, &e);
    if (rc == YY_OK) {
        check_table(&t);
        write_back(&t);
    } else {
        check_failure(&t, &e);
    }

    arena_release(&a);
    return 0;
}
