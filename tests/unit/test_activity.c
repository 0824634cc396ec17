/* test_activity.c - the activity state machine (DOMAIN.md §3), every
 * (status, action, actor, clock) written out independently of the table, and
 * the pure rules: validation naming the field, the notice rule, the
 * registration rule, the waiting list, check-in codes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "domain/activity.h"

static const unsigned single_actors[] = {ACT_ACTOR_ADMIN, ACT_ACTOR_STREET, ACT_ACTOR_COMMUNITY,
                                         ACT_ACTOR_UNIT,  ACT_ACTOR_DEPUTY, ACT_ACTOR_OBSERVER};
#define N_SINGLE (sizeof(single_actors) / sizeof(single_actors[0]))

#define FORBID (-2)
#define CONFLICT (-3)

/* The rules as docs/ACTIVITIES.md states them, independent of the table:
 * the target state, AS_SAME, FORBID (403) or CONFLICT (409). */
static int expected(enum act_state s, enum act_action a, unsigned actor, struct act_facts f)
{
    bool staff = actor & ACT_ACTOR_STAFF, unit = actor == ACT_ACTOR_UNIT;
    switch (s) {
    case AS_DRAFT:
        if (a == AA_OPEN)
            return !staff ? FORBID : f.notice_ok ? AS_OPEN : CONFLICT;
        if (a == AA_CANCEL)
            return !staff ? FORBID : !f.ended ? AS_CANCELLED : CONFLICT;
        return CONFLICT;
    case AS_OPEN:
        switch (a) {
        case AA_OPEN:
            return CONFLICT;
        case AA_CANCEL:
            return !staff ? FORBID : !f.ended ? AS_CANCELLED : CONFLICT;
        case AA_CHECK_IN:
            return !staff ? FORBID : !f.ended ? AS_SAME : CONFLICT;
        case AA_RECORD_ATTENDANCE:
            return !staff ? FORBID : f.started ? AS_SAME : CONFLICT;
        case AA_ADD_QA:
            return !(staff || unit) ? FORBID : f.started ? AS_SAME : CONFLICT;
        case AA_CLOSE:
            return !staff ? FORBID : f.ended ? AS_CLOSED : CONFLICT;
        }
        return CONFLICT;
    case AS_CLOSED:
    case AS_CANCELLED:
        return CONFLICT;
    }
    return CONFLICT;
}

static void test_every_transition(void **state)
{
    (void)state;
    size_t checked = 0;
    for (int s = 0; s < AS_STATE_COUNT; s++)
        for (int a = 0; a < AA_ACTION_COUNT; a++)
            for (size_t i = 0; i < N_SINGLE; i++)
                for (unsigned bits = 0; bits < 8; bits++) {
                    struct act_facts f = {
                        .notice_ok = bits & 1, .started = bits & 2, .ended = bits & 4};
                    struct act_decision d;
                    act_decide((enum act_state)s, (enum act_action)a, single_actors[i], &f, &d);
                    int want = expected((enum act_state)s, (enum act_action)a, single_actors[i], f);
                    char where[128];
                    snprintf(where, sizeof(where), "%s %s actor %u facts %u",
                             act_state_name((enum act_state)s), act_action_name((enum act_action)a),
                             single_actors[i], bits);
                    if (want == FORBID) {
                        if (d.result != YY_FORBIDDEN)
                            fail_msg("%s: expected 403, got %d", where, d.result);
                    } else if (want == CONFLICT) {
                        if (d.result != YY_CONFLICT)
                            fail_msg("%s: expected 409, got %d", where, d.result);
                    } else if (d.result != YY_OK || d.to != want) {
                        fail_msg("%s: expected %d, got %d/%d", where, want, d.result, d.to);
                    }
                    /* allowed lists exactly what this caller may do now */
                    for (int b = 0; b < AA_ACTION_COUNT; b++) {
                        int w =
                            expected((enum act_state)s, (enum act_action)b, single_actors[i], f);
                        bool listed = false;
                        for (size_t k = 0; k < d.n_allowed; k++)
                            listed |= d.allowed[k] == (enum act_action)b;
                        if (listed != (w != FORBID && w != CONFLICT))
                            fail_msg("%s: allowed list wrong about %s", where,
                                     act_action_name((enum act_action)b));
                    }
                    checked++;
                }
    assert_int_equal(checked, AS_STATE_COUNT * AA_ACTION_COUNT * N_SINGLE * 8);
}

static void test_failed_guards_named(void **state)
{
    (void)state;
    struct act_decision d;
    struct act_facts early = {.notice_ok = false};
    act_decide(AS_DRAFT, AA_OPEN, ACT_ACTOR_STREET, &early, &d);
    assert_int_equal(d.result, YY_CONFLICT);
    assert_int_equal(d.failed, ACT_G_NOTICE);
    struct act_facts before = {.notice_ok = true};
    act_decide(AS_OPEN, AA_CLOSE, ACT_ACTOR_ADMIN, &before, &d);
    assert_int_equal(d.failed, ACT_G_ENDED);
    act_decide(AS_OPEN, AA_ADD_QA, ACT_ACTOR_UNIT, &before, &d);
    assert_int_equal(d.failed, ACT_G_STARTED);
    struct act_facts after = {.started = true, .ended = true};
    act_decide(AS_OPEN, AA_CANCEL, ACT_ACTOR_COMMUNITY, &after, &d);
    assert_int_equal(d.failed, ACT_G_NOT_ENDED);
    /* a status refusal names no guard */
    act_decide(AS_CLOSED, AA_CLOSE, ACT_ACTOR_ADMIN, &after, &d);
    assert_int_equal(d.result, YY_CONFLICT);
    assert_int_equal(d.failed, 0);
    assert_int_equal(d.n_allowed, 0);
    /* several bits: the union of what each may do */
    act_decide(AS_OPEN, AA_ADD_QA, ACT_ACTOR_DEPUTY | ACT_ACTOR_UNIT,
               &(struct act_facts){.started = true}, &d);
    assert_int_equal(d.result, YY_OK);
}

static void test_table_rows_reachable(void **state)
{
    (void)state;
    /* every row of the table is the answer for some caller at some time */
    for (size_t i = 0; i < act_table_n; i++) {
        const struct act_transition *t = &act_table[i];
        struct act_facts f = {.notice_ok = !!(t->guards & ACT_G_NOTICE),
                              .started = !!(t->guards & (ACT_G_STARTED | ACT_G_ENDED)),
                              .ended = !!(t->guards & ACT_G_ENDED)};
        struct act_decision d;
        act_decide(t->from, t->action, t->actors, &f, &d);
        assert_int_equal(d.result, YY_OK);
        assert_int_equal(d.to, t->to);
    }
}

static void test_facts_and_notice(void **state)
{
    (void)state;
    int64_t now = 1800000000, day = 86400;
    struct act_facts f = act_facts_at(now + 3 * day, now + 3 * day + 7200, now, 3);
    assert_true(f.notice_ok);
    assert_false(f.started);
    f = act_facts_at(now + 3 * day - 1, now + 3 * day + 7200, now, 3);
    assert_false(f.notice_ok); /* one second short of three days */
    f = act_facts_at(now + 3600, now + 7200, now, 0);
    assert_true(f.notice_ok);
    f = act_facts_at(now, now + 7200, now, 3);
    assert_true(f.started);
    assert_false(f.ended);
    f = act_facts_at(now - 7200, now, now, 3);
    assert_true(f.ended);
}

static void test_names(void **state)
{
    (void)state;
    static const char *const kinds[][2] = {{"learn", "共学"},    {"talk", "共话"},
                                           {"build", "共建"},    {"supervise", "共督"},
                                           {"evaluate", "共评"}, {"share", "共享"}};
    for (size_t i = 0; i < 6; i++) {
        enum act_kind k;
        assert_true(act_kind_from_name(kinds[i][0], &k));
        assert_string_equal(act_kind_name(k), kinds[i][0]);
        assert_string_equal(act_kind_label_zh(k), kinds[i][1]);
    }
    enum act_kind k;
    assert_false(act_kind_from_name("Talk", &k));
    assert_false(act_kind_from_name("", &k));
    assert_false(act_kind_from_name(NULL, &k));
    for (int s = 0; s < AS_STATE_COUNT; s++) {
        enum act_state back;
        assert_true(act_state_from_name(act_state_name((enum act_state)s), &back));
        assert_int_equal(back, s);
    }
    for (int a = 0; a < AA_ACTION_COUNT; a++) {
        enum act_action back;
        assert_true(act_action_from_name(act_action_name((enum act_action)a), &back));
        assert_int_equal(back, a);
    }
    enum act_action a;
    assert_false(act_action_from_name("register", &a));
    assert_false(act_state_public(AS_DRAFT));
    assert_true(act_state_public(AS_OPEN));
    assert_true(act_state_public(AS_CLOSED));
    assert_true(act_state_public(AS_CANCELLED));
}

static const int64_t NOW = 1800000000;

static struct activity_input good(void)
{
    static const int64_t deps[] = {1, 2}, units[] = {7};
    return (struct activity_input){.kind = AK_TALK,
                                   .title = "路灯座谈",
                                   .station_id = 3,
                                   .starts_at = NOW + 5 * 86400,
                                   .ends_at = NOW + 5 * 86400 + 7200,
                                   .capacity = 30,
                                   .deputy_ids = deps,
                                   .n_deputies = 2,
                                   .unit_ids = units,
                                   .n_units = 1};
}

static void expect_bad(struct activity_input in, const char *code, const char *field)
{
    struct yy_error e = {0};
    assert_int_equal(activity_input_validate(&in, NOW, &e), YY_BAD_INPUT);
    assert_string_equal(e.code, code);
    assert_string_equal(e.field, field);
}

static void test_validation(void **state)
{
    (void)state;
    struct yy_error e = {0};
    struct activity_input in = good();
    assert_int_equal(activity_input_validate(&in, NOW, &e), YY_OK);
    in.station_id = 0;
    in.venue = "区图书馆报告厅";
    assert_int_equal(activity_input_validate(&in, NOW, &e), YY_OK);

    in = good();
    in.venue = "区图书馆报告厅";
    expect_bad(in, "station_or_venue", "venue");
    in = good();
    in.station_id = 0;
    expect_bad(in, "missing_field", "station_id");
    in.venue = "";
    expect_bad(in, "missing_field", "station_id");
    in = good();
    in.ends_at = in.starts_at - 60;
    expect_bad(in, "ends_before_start", "ends_at");
    in.ends_at = in.starts_at;
    expect_bad(in, "ends_before_start", "ends_at");
    in = good();
    in.starts_at = NOW - 3600;
    in.ends_at = NOW + 3600;
    expect_bad(in, "starts_in_past", "starts_at");
    in.starts_at = NOW;
    expect_bad(in, "starts_in_past", "starts_at");
    in = good();
    in.starts_at = NOW + 3 * 366 * 86400;
    in.ends_at = in.starts_at + 3600;
    expect_bad(in, "too_far_ahead", "starts_at");
    in = good();
    in.ends_at = in.starts_at + 8 * 86400;
    expect_bad(in, "too_long", "ends_at");
    in = good();
    in.capacity = -1;
    expect_bad(in, "invalid_capacity", "capacity");
    in.capacity = ACTIVITY_CAPACITY_MAX + 1;
    expect_bad(in, "invalid_capacity", "capacity");
    in.capacity = 0; /* no registration */
    assert_int_equal(activity_input_validate(&in, NOW, &e), YY_OK);
    in.capacity = ACTIVITY_CAPACITY_MAX;
    assert_int_equal(activity_input_validate(&in, NOW, &e), YY_OK);
    in = good();
    static const int64_t twice[] = {4, 5, 4};
    in.deputy_ids = twice;
    in.n_deputies = 3;
    expect_bad(in, "invalid_deputy_ids", "deputy_ids");
    in = good();
    in.unit_ids = twice;
    in.n_units = 3;
    expect_bad(in, "invalid_unit_ids", "unit_ids");
}

static void test_registration_rule(void **state)
{
    (void)state;
    struct yy_error e = {0};
    int64_t start = NOW + 86400;
    assert_int_equal(activity_registration_open(AS_OPEN, start, 30, NOW, &e), YY_OK);
    struct {
        enum act_state s;
        int64_t starts_at, capacity;
        const char *code;
    } refused[] = {
        {AS_DRAFT, start, 30, "activity_draft"},
        {AS_CANCELLED, start, 30, "activity_cancelled"},
        {AS_CLOSED, NOW - 86400, 30, "activity_closed"},
        {AS_OPEN, NOW, 30, "activity_started"},
        {AS_OPEN, NOW - 60, 30, "activity_started"},
        {AS_OPEN, start, 0, "no_registration"},
    };
    for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        memset(&e, 0, sizeof(e));
        assert_int_equal(activity_registration_open(refused[i].s, refused[i].starts_at,
                                                    refused[i].capacity, NOW, &e),
                         YY_CONFLICT);
        assert_string_equal(e.code, refused[i].code);
    }
    /* the waiting list: confirmed while places remain */
    assert_true(activity_confirms(0, 1));
    assert_true(activity_confirms(29, 30));
    assert_false(activity_confirms(30, 30));
    assert_false(activity_confirms(31, 30));
    assert_false(activity_confirms(0, 0));
}

static void test_codes(void **state)
{
    (void)state;
    char seen[200][CHECK_IN_CODE_LEN + 1];
    size_t distinct = 0;
    for (int i = 0; i < 200; i++) {
        char c[CHECK_IN_CODE_LEN + 1];
        activity_code_new(c);
        assert_int_equal(strlen(c), CHECK_IN_CODE_LEN);
        for (int k = 0; k < CHECK_IN_CODE_LEN; k++)
            assert_true(c[k] >= '0' && c[k] <= '9');
        bool dup = false;
        for (size_t k = 0; k < distinct; k++)
            dup |= !strcmp(seen[k], c);
        if (!dup)
            memcpy(seen[distinct++], c, sizeof(c));
    }
    assert_true(distinct > 190); /* a million codes: 200 draws nearly never collide */
    char out[CHECK_IN_CODE_LEN + 1];
    assert_true(activity_code_normalize("012345", out));
    assert_string_equal(out, "012345");
    assert_true(activity_code_normalize("012 345", out));
    assert_string_equal(out, "012345");
    assert_true(activity_code_normalize("012-345", out));
    assert_false(activity_code_normalize("01234", out));
    assert_false(activity_code_normalize("0123456", out));
    assert_false(activity_code_normalize("01234a", out));
    assert_false(activity_code_normalize("", out));
    assert_false(activity_code_normalize(NULL, out));
    assert_false(activity_code_normalize("１２３４５６", out)); /* full-width digits */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_transition),
        cmocka_unit_test(test_failed_guards_named),
        cmocka_unit_test(test_table_rows_reachable),
        cmocka_unit_test(test_facts_and_notice),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_validation),
        cmocka_unit_test(test_registration_rule),
        cmocka_unit_test(test_codes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
