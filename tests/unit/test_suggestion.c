/* test_suggestion.c - the suggestion state machine (DOMAIN.md §5), rule by
 * rule, and the invariants of the table as a whole. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "domain/suggestion.h"

static const unsigned ALL_ACTORS = ACTOR_AUTHOR | ACTOR_COSIGNER | ACTOR_ADMIN | ACTOR_LEADER |
                                   ACTOR_KEY_LEADER | ACTOR_LEAD_UNIT | ACTOR_CO_UNIT;

static struct sg_decision decide(enum sg_state s, enum sg_action a, unsigned actors)
{
    struct sg_decision d;
    sg_decide(s, a, actors, &d);
    return d;
}

static void assert_moves(enum sg_state s, enum sg_action a, unsigned actors, int to)
{
    struct sg_decision d = decide(s, a, actors);
    assert_int_equal(d.result, YY_OK);
    assert_int_equal(d.to, to);
}

static void assert_refused(enum sg_state s, enum sg_action a, unsigned actors, enum yy_err why)
{
    assert_int_equal(decide(s, a, actors).result, why);
}

static void test_the_main_path(void **state)
{
    (void)state;
    assert_moves(SG_DRAFT, SA_SUBMIT, ACTOR_AUTHOR, SG_SUBMITTED);
    assert_moves(SG_SUBMITTED, SA_ACCEPT, ACTOR_ADMIN, SG_ACCEPTED);
    assert_moves(SG_ACCEPTED, SA_ASSIGN, ACTOR_ADMIN, SG_ASSIGNED);
    assert_moves(SG_ASSIGNED, SA_LOG_CONTACT, ACTOR_LEAD_UNIT, SG_IN_HANDLING);
    assert_moves(SG_IN_HANDLING, SA_REPLY, ACTOR_LEAD_UNIT, SG_REPLIED);
    assert_moves(SG_REPLIED, SA_EVALUATE, ACTOR_AUTHOR, SG_EVALUATED);
    assert_moves(SG_EVALUATED, SA_FOLLOW_UP, ACTOR_LEAD_UNIT, SG_FOLLOWING_UP);
    assert_moves(SG_FOLLOWING_UP, SA_CLOSE, ACTOR_ADMIN, SG_CLOSED);
    assert_moves(SG_REHANDLING, SA_REPLY, ACTOR_LEAD_UNIT, SG_REPLIED);
}

static void test_who_may_do_what(void **state)
{
    (void)state;
    /* only the author submits; a co-signer cannot */
    assert_refused(SG_DRAFT, SA_SUBMIT, ACTOR_COSIGNER, YY_FORBIDDEN);
    /* screening and assignment are the office's */
    assert_refused(SG_SUBMITTED, SA_ACCEPT, ACTOR_AUTHOR | ACTOR_LEADER, YY_FORBIDDEN);
    assert_refused(SG_SUBMITTED, SA_RETURN_AS_LETTER, ACTOR_LEAD_UNIT, YY_FORBIDDEN);
    assert_refused(SG_ACCEPTED, SA_ASSIGN, ACTOR_LEADER, YY_FORBIDDEN);
    /* only a lead unit replies; a co unit gives its opinion to the lead */
    assert_refused(SG_IN_HANDLING, SA_REPLY, ACTOR_CO_UNIT, YY_FORBIDDEN);
    assert_moves(SG_IN_HANDLING, SA_CO_OPINION, ACTOR_CO_UNIT, SG_SAME);
    assert_refused(SG_IN_HANDLING, SA_CO_OPINION, ACTOR_LEAD_UNIT, YY_FORBIDDEN);
    /* only the deputy who wrote it rates the reply */
    assert_refused(SG_REPLIED, SA_EVALUATE, ACTOR_COSIGNER, YY_FORBIDDEN);
    assert_refused(SG_REPLIED, SA_EVALUATE, ACTOR_ADMIN, YY_FORBIDDEN);
    /* an extension is asked by the lead unit and decided by the office */
    assert_refused(SG_IN_HANDLING, SA_REQUEST_EXTENSION, ACTOR_CO_UNIT, YY_FORBIDDEN);
    assert_refused(SG_IN_HANDLING, SA_DECIDE_EXTENSION, ACTOR_LEAD_UNIT, YY_FORBIDDEN);
    assert_moves(SG_IN_HANDLING, SA_DECIDE_EXTENSION, ACTOR_ADMIN, SG_SAME);
    /* key suggestions are chosen by the council (the office records it) */
    assert_moves(SG_ACCEPTED, SA_MARK_KEY, ACTOR_LEADER, SG_SAME);
    assert_refused(SG_ACCEPTED, SA_MARK_KEY, ACTOR_AUTHOR, YY_FORBIDDEN);
    /* the supervising leader may supervise; a unit may not */
    assert_moves(SG_IN_HANDLING, SA_SUPERVISE, ACTOR_KEY_LEADER, SG_SAME);
    assert_refused(SG_IN_HANDLING, SA_SUPERVISE, ACTOR_LEAD_UNIT, YY_FORBIDDEN);
    /* publishing is the office's */
    assert_refused(SG_REPLIED, SA_PUBLISH, ACTOR_LEADER, YY_FORBIDDEN);
}

static void test_when_things_may_happen(void **state)
{
    (void)state;
    /* nothing is replied before it is assigned */
    assert_refused(SG_SUBMITTED, SA_REPLY, ACTOR_LEAD_UNIT, YY_CONFLICT);
    assert_refused(SG_ACCEPTED, SA_REPLY, ACTOR_LEAD_UNIT, YY_CONFLICT);
    /* a suggestion is not assigned before screening */
    assert_refused(SG_SUBMITTED, SA_ASSIGN, ACTOR_ADMIN, YY_CONFLICT);
    assert_refused(SG_DRAFT, SA_ACCEPT, ACTOR_ADMIN, YY_CONFLICT);
    /* contacts are logged before the reply, and again during re-handling */
    assert_refused(SG_REPLIED, SA_LOG_CONTACT, ACTOR_LEAD_UNIT, YY_CONFLICT);
    assert_moves(SG_REHANDLING, SA_LOG_CONTACT, ACTOR_LEAD_UNIT, SG_SAME);
    /* a return request and an extension happen while it is being handled */
    assert_refused(SG_REPLIED, SA_REQUEST_RETURN, ACTOR_LEAD_UNIT, YY_CONFLICT);
    assert_refused(SG_REPLIED, SA_REQUEST_EXTENSION, ACTOR_LEAD_UNIT, YY_CONFLICT);
    /* the unit's first step moves an assignment to in_handling; asking to
     * return it is not handling it */
    assert_moves(SG_ASSIGNED, SA_REQUEST_RETURN, ACTOR_LEAD_UNIT, SG_SAME);
    assert_moves(SG_ASSIGNED, SA_CO_OPINION, ACTOR_CO_UNIT, SG_IN_HANDLING);
    /* nothing is published before there is a reply */
    assert_refused(SG_IN_HANDLING, SA_PUBLISH, ACTOR_ADMIN, YY_CONFLICT);
    /* closing comes after the deputy's evaluation */
    assert_refused(SG_REPLIED, SA_CLOSE, ACTOR_ADMIN, YY_CONFLICT);
}

static void test_withdrawal_only_before_a_reply(void **state)
{
    (void)state;
    static const enum sg_state before[] = {SG_DRAFT, SG_SUBMITTED, SG_ACCEPTED, SG_ASSIGNED,
                                           SG_IN_HANDLING};
    for (size_t i = 0; i < sizeof(before) / sizeof(before[0]); i++) {
        assert_moves(before[i], SA_WITHDRAW, ACTOR_AUTHOR, SG_WITHDRAWN);
        assert_moves(before[i], SA_WITHDRAW, ACTOR_COSIGNER, SG_WITHDRAWN);
        assert_refused(before[i], SA_WITHDRAW, ACTOR_ADMIN | ACTOR_LEAD_UNIT, YY_FORBIDDEN);
    }
    static const enum sg_state after[] = {SG_REPLIED, SG_EVALUATED, SG_REHANDLING,
                                          SG_FOLLOWING_UP, SG_CLOSED, SG_RETURNED_AS_LETTER};
    for (size_t i = 0; i < sizeof(after) / sizeof(after[0]); i++)
        assert_refused(after[i], SA_WITHDRAW, ALL_ACTORS, YY_CONFLICT);
}

static void test_terminal_states_allow_nothing_that_moves(void **state)
{
    (void)state;
    for (int a = 0; a < SA_ACTION_COUNT; a++) {
        assert_refused(SG_WITHDRAWN, (enum sg_action)a, ALL_ACTORS, YY_CONFLICT);
        assert_refused(SG_RETURNED_AS_LETTER, (enum sg_action)a, ALL_ACTORS, YY_CONFLICT);
        struct sg_decision d = decide(SG_CLOSED, (enum sg_action)a, ALL_ACTORS);
        if (d.result == YY_OK)
            assert_int_equal(d.to, SG_SAME); /* publishing a closed one only */
    }
}

static void test_the_409_lists_what_the_caller_may_do(void **state)
{
    (void)state;
    struct sg_decision d = decide(SG_SUBMITTED, SA_REPLY, ACTOR_ADMIN);
    assert_int_equal(d.result, YY_CONFLICT);
    assert_int_equal(d.n_allowed, 2);
    assert_int_equal(d.allowed[0], SA_ACCEPT);
    assert_int_equal(d.allowed[1], SA_RETURN_AS_LETTER);
    d = decide(SG_SUBMITTED, SA_REPLY, ACTOR_LEAD_UNIT);
    assert_int_equal(d.n_allowed, 0);
}

/* Every state is reachable from draft, and every row's actors are non-empty
 * and its target a real state. */
static void test_table_is_well_formed(void **state)
{
    (void)state;
    bool reached[SG_STATE_COUNT] = {false};
    reached[SG_DRAFT] = true;
    for (int round = 0; round < SG_STATE_COUNT; round++)
        for (size_t i = 0; i < sg_table_n; i++)
            if (reached[sg_table[i].from] && sg_table[i].to != SG_SAME)
                reached[sg_table[i].to] = true;
    /* rehandling is reached from evaluate (不满意), decided by the guard, not the table */
    reached[SG_REHANDLING] = true;
    for (int s = 0; s < SG_STATE_COUNT; s++)
        assert_true(reached[s]);
    for (size_t i = 0; i < sg_table_n; i++) {
        assert_true(sg_table[i].actors != 0);
        assert_true(sg_table[i].to == SG_SAME ||
                    (sg_table[i].to >= 0 && sg_table[i].to < SG_STATE_COUNT));
        for (size_t k = 0; k < i; k++)
            assert_false(sg_table[k].from == sg_table[i].from &&
                         sg_table[k].action == sg_table[i].action);
    }
}

static void test_names(void **state)
{
    (void)state;
    for (int s = 0; s < SG_STATE_COUNT; s++) {
        enum sg_state back;
        assert_true(sg_state_from_name(sg_state_name((enum sg_state)s), &back));
        assert_int_equal(back, s);
    }
    for (int a = 0; a < SA_ACTION_COUNT; a++) {
        enum sg_action back;
        assert_true(sg_action_from_name(sg_action_name((enum sg_action)a), &back));
        assert_int_equal(back, a);
    }
    enum sg_action a;
    assert_false(sg_action_from_name("approve", &a));
    assert_string_equal(sg_state_name(SG_RETURNED_AS_LETTER), "returned_as_letter");
    assert_string_equal(sg_action_name(SA_DECIDE_EXTENSION), "decide_extension");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_the_main_path),
        cmocka_unit_test(test_who_may_do_what),
        cmocka_unit_test(test_when_things_may_happen),
        cmocka_unit_test(test_withdrawal_only_before_a_reply),
        cmocka_unit_test(test_terminal_states_allow_nothing_that_moves),
        cmocka_unit_test(test_the_409_lists_what_the_caller_may_do),
        cmocka_unit_test(test_table_is_well_formed),
        cmocka_unit_test(test_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
