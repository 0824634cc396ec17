/* test_record.c - the deputy's work record summarised (domain/record.c,
 * docs/RECORD.md): who sees the full record, what each status counts as,
 * drafts never counted, reply classes in the configured order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "domain/record.h"

static void test_view(void **state)
{
    (void)state;
    struct role_grant dep7[] = {{ROLE_DEPUTY, 7}};
    struct role_grant dep8[] = {{ROLE_DEPUTY, 8}};
    struct role_grant admin[] = {{ROLE_ADMIN, 0}};
    struct role_grant street[] = {{ROLE_STREET_STAFF, 2}, {ROLE_LEADER, 0}};
    struct role_grant two[] = {{ROLE_RESIDENT, 0}, {ROLE_DEPUTY, 7}};
    struct user u = {.id = 1};
    assert_int_equal(record_view_for(NULL, 7), RECORD_PUBLIC);
    u.roles = dep7;
    u.n_roles = 1;
    assert_int_equal(record_view_for(&u, 7), RECORD_FULL);
    assert_int_equal(record_view_for(&u, 8), RECORD_PUBLIC);
    u.roles = dep8;
    assert_int_equal(record_view_for(&u, 7), RECORD_PUBLIC);
    u.roles = admin;
    assert_int_equal(record_view_for(&u, 7), RECORD_FULL);
    u.roles = street;
    u.n_roles = 2;
    assert_int_equal(record_view_for(&u, 7), RECORD_PUBLIC);
    u.roles = two;
    assert_int_equal(record_view_for(&u, 7), RECORD_FULL);
    assert_string_equal(record_view_name(RECORD_FULL), "full");
    assert_string_equal(record_view_name(RECORD_PUBLIC), "public");

    assert_true(record_suggestion_listed(RECORD_FULL, false));
    assert_true(record_suggestion_listed(RECORD_PUBLIC, true));
    assert_false(record_suggestion_listed(RECORD_PUBLIC, false));
    assert_true(record_concerns_listed(RECORD_FULL));
    assert_false(record_concerns_listed(RECORD_PUBLIC));
}

static void test_concern_outcomes(void **state)
{
    (void)state;
    static const struct {
        const char *status;
        enum record_concern_outcome o;
    } cases[] = {
        {"new", RCO_IN_PROGRESS},     {"accepted", RCO_IN_PROGRESS},
        {"referred", RCO_IN_PROGRESS}, {"claimed", RCO_IN_PROGRESS},
        {"resolved", RCO_RESOLVED},   {"resolved_on_site", RCO_RESOLVED},
        {"converted", RCO_CONVERTED}, {"declined", RCO_CLOSED},
        {"merged", RCO_CLOSED},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        assert_int_equal(record_concern_outcome_of(cases[i].status), cases[i].o);
    assert_string_equal(record_concern_outcome_name(RCO_RESOLVED), "resolved");
    assert_string_equal(record_concern_outcome_name(RCO_IN_PROGRESS), "in_progress");
}

static void test_suggestion_outcomes(void **state)
{
    (void)state;
    static const struct {
        const char *status;
        enum record_suggestion_outcome o;
    } cases[] = {
        {"submitted", RSO_IN_HANDLING}, {"accepted", RSO_IN_HANDLING},
        {"assigned", RSO_IN_HANDLING},  {"in_handling", RSO_IN_HANDLING},
        {"rehandling", RSO_IN_HANDLING}, {"replied", RSO_REPLIED},
        {"evaluated", RSO_REPLIED},     {"following_up", RSO_REPLIED},
        {"closed", RSO_REPLIED},        {"returned_as_letter", RSO_LETTER},
        {"withdrawn", RSO_WITHDRAWN},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        assert_int_equal(record_suggestion_outcome_of(cases[i].status), cases[i].o);
    assert_string_equal(record_suggestion_outcome_name(RSO_LETTER), "returned_as_letter");
}

static void test_summary(void **state)
{
    (void)state;
    static const char *const classes[] = {"A", "B", "C", NULL};
    struct record_summary s;
    record_summary_init(&s, classes);
    assert_int_equal(s.n_classes, 3);

    record_add_concerns(&s, "claimed", NULL, 3);
    record_add_concerns(&s, "resolved", "satisfied", 2);
    record_add_concerns(&s, "resolved", "dissatisfied", 1);
    record_add_concerns(&s, "resolved", NULL, 1);
    record_add_concerns(&s, "converted", NULL, 1);
    record_add_concerns(&s, "merged", NULL, 2);
    record_add_concerns(&s, "declined", NULL, 0); /* nothing */
    assert_int_equal(s.concerns_claimed, 10);
    assert_int_equal(s.concerns_by_outcome[RCO_IN_PROGRESS], 3);
    assert_int_equal(s.concerns_by_outcome[RCO_RESOLVED], 4);
    assert_int_equal(s.concerns_by_outcome[RCO_CONVERTED], 1);
    assert_int_equal(s.concerns_by_outcome[RCO_CLOSED], 2);
    assert_int_equal(s.concern_ratings.satisfied, 2);
    assert_int_equal(s.concern_ratings.dissatisfied, 1);
    struct stat_rate r = record_concern_resolution(&s);
    assert_true(r.defined);
    assert_true(r.value == 0.4);

    record_add_suggestions(&s, true, "draft", 5); /* never counted */
    record_add_suggestions(&s, true, "submitted", 2);
    record_add_suggestions(&s, true, "evaluated", 1);
    record_add_suggestions(&s, false, "closed", 1);
    record_add_suggestions(&s, false, "withdrawn", 1);
    assert_int_equal(s.suggestions_raised, 3);
    assert_int_equal(s.suggestions_cosigned, 2);
    assert_int_equal(s.suggestions_by_outcome[RSO_IN_HANDLING], 2);
    assert_int_equal(s.suggestions_by_outcome[RSO_REPLIED], 2);
    assert_int_equal(s.suggestions_by_outcome[RSO_WITHDRAWN], 1);

    /* a class configured later than the data (D) goes after the configured ones */
    record_add_replies(&s, "B", 2);
    record_add_replies(&s, "D", 1);
    record_add_replies(&s, "A", 1);
    record_add_replies(&s, "", 4);  /* no class: nothing */
    record_add_replies(&s, NULL, 4);
    assert_int_equal(s.replies, 4);
    assert_int_equal(s.n_classes, 4);
    assert_string_equal(s.classes[0], "A");
    assert_int_equal(s.class_counts[0], 1);
    assert_int_equal(s.class_counts[1], 2);
    assert_int_equal(s.class_counts[2], 0);
    assert_string_equal(s.classes[3], "D");
    assert_int_equal(s.class_counts[3], 1);

    record_add_evaluations(&s, "satisfied", "basically_satisfied", 2);
    record_add_evaluations(&s, "dissatisfied", "dissatisfied", 1);
    assert_int_equal(s.attitude.satisfied, 2);
    assert_int_equal(s.attitude.dissatisfied, 1);
    assert_int_equal(s.result.basically_satisfied, 2);
    assert_int_equal(rating_counts_total(&s.result), 3);
}

static void test_nothing_claimed_is_undefined(void **state)
{
    (void)state;
    struct record_summary s;
    record_summary_init(&s, NULL);
    assert_int_equal(s.n_classes, 0);
    assert_false(record_concern_resolution(&s).defined);
    /* more classes than room: the first RECORD_CLASSES_MAX are kept */
    static const char *const many[] = {"A", "B", "C", "D", "E", "F", "G", "H", "I", "J", NULL};
    record_summary_init(&s, many);
    assert_int_equal(s.n_classes, RECORD_CLASSES_MAX);
    record_add_replies(&s, "J", 1); /* no room: not counted */
    assert_int_equal(s.replies, 0);
    record_add_replies(&s, "H", 1);
    assert_int_equal(s.replies, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_view),
        cmocka_unit_test(test_concern_outcomes),
        cmocka_unit_test(test_suggestion_outcomes),
        cmocka_unit_test(test_summary),
        cmocka_unit_test(test_nothing_claimed_is_undefined),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
