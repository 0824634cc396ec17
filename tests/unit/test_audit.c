/* test_audit.c - the audit trail's hash chain on a real SQLite database:
 * appends inside transactions, and verify naming the first entry that was
 * edited, inserted or deleted behind the platform's back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "domain/auth.h"
#include "store/audit.h"
#include "store/db.h"

struct fixture {
    char dir[64];
    char path[128];
    struct db *db;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    snprintf(f->dir, sizeof(f->dir), "/tmp/yy_audit_XXXXXX");
    if (!f || !mkdtemp(f->dir) || !auth_init())
        return -1;
    snprintf(f->path, sizeof(f->path), "%s/a.db", f->dir);
    struct yy_error e = {0};
    f->db = db_open(f->path, true, &e);
    if (!f->db || db_migrate(f->db, &e) != YY_OK)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    db_close(f->db);
    char p[200];
    static const char *const suffix[] = {"", "-wal", "-shm"};
    for (int i = 0; i < 3; i++) {
        snprintf(p, sizeof(p), "%s%s", f->path, suffix[i]);
        unlink(p);
    }
    rmdir(f->dir);
    free(f);
    return 0;
}

static void append_n(struct db *db, int n)
{
    struct audit_who who = {.user_id = 0, .role = "system"};
    for (int i = 0; i < n; i++) {
        struct yy_error e = {0};
        char detail[64];
        snprintf(detail, sizeof(detail), "{\"n\":%d}", i);
        assert_int_equal(db_begin(db), YY_OK);
        assert_int_equal(audit_append(db, &who, "test.append", "thing", i + 1, detail, &e), YY_OK);
        assert_int_equal(db_commit(db), YY_OK);
    }
}

/* Changes the database behind the platform's back, as someone with the file would. */
static void tamper(const char *path, const char *sql)
{
    sqlite3 *h;
    assert_int_equal(sqlite3_open(path, &h), SQLITE_OK);
    assert_int_equal(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(h);
}

static int64_t verify(struct db *db, enum yy_err want, int64_t want_checked)
{
    struct arena a = ARENA_INIT;
    struct audit_report r;
    struct yy_error e = {0};
    assert_int_equal(audit_verify(db, &a, &r, &e), want);
    if (want_checked >= 0)
        assert_int_equal(r.checked, want_checked);
    int64_t bad = r.first_bad_id;
    if (want == YY_CONFLICT)
        assert_string_equal(e.code, "audit_chain_broken");
    arena_release(&a);
    return bad;
}

static void test_an_intact_chain_verifies(void **state)
{
    struct fixture *f = *state;
    verify(f->db, YY_OK, 0);
    append_n(f->db, 20);
    assert_int_equal(verify(f->db, YY_OK, 20), 0);
}

static void test_append_outside_a_transaction_is_refused(void **state)
{
    struct fixture *f = *state;
    struct yy_error e = {0};
    struct audit_who who = {0, "system"};
    assert_int_equal(audit_append(f->db, &who, "x", "thing", 1, "{}", &e), YY_INTERNAL);
}

static void test_a_rolled_back_action_leaves_no_entry(void **state)
{
    struct fixture *f = *state;
    append_n(f->db, 3);
    struct yy_error e = {0};
    struct audit_who who = {0, "system"};
    assert_int_equal(db_begin(f->db), YY_OK);
    assert_int_equal(audit_append(f->db, &who, "x", "thing", 9, "{}", &e), YY_OK);
    db_rollback(f->db);
    assert_int_equal(verify(f->db, YY_OK, 3), 0);
    append_n(f->db, 1);
    assert_int_equal(verify(f->db, YY_OK, 4), 0);
}

static void test_an_edited_entry_is_named(void **state)
{
    struct fixture *f = *state;
    append_n(f->db, 10);
    tamper(f->path, "UPDATE audit_log SET detail = '{\"n\":99}' WHERE id = 6");
    assert_int_equal(verify(f->db, YY_CONFLICT, 10), 6);
}

static void test_an_edited_actor_is_named(void **state)
{
    struct fixture *f = *state;
    append_n(f->db, 5);
    tamper(f->path, "UPDATE audit_log SET actor_role = 'admin' WHERE id = 2");
    assert_int_equal(verify(f->db, YY_CONFLICT, 5), 2);
}

static void test_a_deleted_entry_is_named(void **state)
{
    struct fixture *f = *state;
    append_n(f->db, 10);
    tamper(f->path, "DELETE FROM audit_log WHERE id = 4");
    assert_int_equal(verify(f->db, YY_CONFLICT, 9), 5); /* the one after the gap */
}

static void test_deleting_the_newest_entries_is_found(void **state)
{
    struct fixture *f = *state;
    append_n(f->db, 10);
    tamper(f->path, "DELETE FROM audit_log WHERE id >= 9");
    assert_int_equal(verify(f->db, YY_CONFLICT, 8), 9);
}

static void test_an_inserted_entry_is_named(void **state)
{
    struct fixture *f = *state;
    append_n(f->db, 6);
    /* make room and slip one in, copying a neighbour's hashes */
    tamper(f->path, "UPDATE audit_log SET id = id + 100 WHERE id > 3;"
                    "INSERT INTO audit_log (id, at, actor_user_id, actor_role, action, entity,"
                    " entity_id, detail, prev_hash, hash) SELECT 4, at, NULL, 'admin', 'x',"
                    " 'thing', 1, '{}', hash, 'ff' || substr(hash, 3) FROM audit_log WHERE id = 3");
    int64_t bad = verify(f->db, YY_CONFLICT, 7);
    assert_int_equal(bad, 4);
}

static void test_a_rewritten_head_is_found(void **state)
{
    struct fixture *f = *state;
    append_n(f->db, 3);
    tamper(f->path, "UPDATE audit_head SET last_hash = '" AUDIT_GENESIS "'");
    assert_true(verify(f->db, YY_CONFLICT, 3) > 0);
}

static void test_hash_covers_every_field(void **state)
{
    (void)state;
    struct audit_entry a = {.id = 1, .at = 100, .actor_user_id = 2, .actor_role = "admin",
                            .action = "suggestion.assign", .entity = "suggestion",
                            .entity_id = 7, .detail = "{}", .prev_hash = AUDIT_GENESIS};
    char h0[AUDIT_HASH_LEN + 1], h1[AUDIT_HASH_LEN + 1];
    audit_entry_hash(&a, h0);
    struct audit_entry b = a;
    b.entity_id = 8;
    audit_entry_hash(&b, h1);
    assert_string_not_equal(h0, h1);
    b = a;
    b.action = "suggestion.assig";
    b.entity = "nsuggestion"; /* the same bytes, split differently */
    audit_entry_hash(&b, h1);
    assert_string_not_equal(h0, h1);
    b = a;
    b.at = 101;
    audit_entry_hash(&b, h1);
    assert_string_not_equal(h0, h1);
    assert_int_equal(strlen(h0), AUDIT_HASH_LEN);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_an_intact_chain_verifies, setup, teardown),
        cmocka_unit_test_setup_teardown(test_append_outside_a_transaction_is_refused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_a_rolled_back_action_leaves_no_entry, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_an_edited_entry_is_named, setup, teardown),
        cmocka_unit_test_setup_teardown(test_an_edited_actor_is_named, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_deleted_entry_is_named, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deleting_the_newest_entries_is_found, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_an_inserted_entry_is_named, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_rewritten_head_is_found, setup, teardown),
        cmocka_unit_test(test_hash_covers_every_field),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
