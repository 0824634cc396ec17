/* test_suggestion.c - the suggestion state machine (DOMAIN.md §5), rule by
 * rule, and the invariants of the table as a whole. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/timeutil.h"
#include "domain/suggestion.h"

static const unsigned ALL_ACTORS = ACTOR_AUTHOR | ACTOR_COSIGNER | ACTOR_ADMIN | ACTOR_LEADER |
                                   ACTOR_KEY_LEADER | ACTOR_LEAD_UNIT | ACTOR_CO_UNIT |
                                   ACTOR_NAMED;

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
    /* the written explanation at the term's end (书面说明) */
    assert_moves(SG_FOLLOWING_UP, SA_EXPLAIN, ACTOR_LEAD_UNIT, SG_SAME);
    assert_moves(SG_FOLLOWING_UP, SA_EXPLAIN, ACTOR_ADMIN, SG_SAME);
    assert_refused(SG_FOLLOWING_UP, SA_EXPLAIN,
                   ACTOR_CO_UNIT | ACTOR_AUTHOR | ACTOR_COSIGNER | ACTOR_LEADER | ACTOR_KEY_LEADER,
                   YY_FORBIDDEN);
    for (int st = 0; st < SG_STATE_COUNT; st++)
        if (st != SG_FOLLOWING_UP)
            assert_refused((enum sg_state)st, SA_EXPLAIN, ALL_ACTORS, YY_CONFLICT);
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
        /* a co-signer only named (or who declined) is no signer */
        assert_refused(before[i], SA_WITHDRAW, ACTOR_NAMED, YY_FORBIDDEN);
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


/* ---- the rules with data and dates (sg_apply) ---------------------------------------
 * Against the built-in 2026 calendar: 国庆 2026-10-01..10-07 with make-up
 * working days 2026-09-20 (Sunday) and 2026-10-10 (Saturday); 中秋
 * 2026-09-25..27.  2027 has no calendar yet: deadlines there are provisional. */

static struct calendar cal;
static struct arena arena = ARENA_INIT;
static struct sg_rules rules;

static int setup_calendar(void **state)
{
    (void)state;
    struct yy_error e = {0};
    calendar_init(&cal);
    sg_rules_default(&rules);
    return calendar_add_builtin(&cal, &arena, &e) == YY_OK ? 0 : -1;
}

static int teardown_calendar(void **state)
{
    (void)state;
    arena_release(&arena);
    return 0;
}

/* Unix time of a China-time wall clock moment. */
static int64_t at(int y, unsigned m, unsigned d, int hour)
{
    return day_start(time_days_from_civil(y, m, d)) + hour * 3600;
}

/* The end of a day, as due_at holds it. */
static int64_t end_of(int y, unsigned m, unsigned d)
{
    return at(y, m, d, 0) + 86400 - 1;
}

static const char *ymd(int64_t t)
{
    char buf[TIME_RFC3339_LEN];
    time_format_rfc3339(t, buf);
    return arena_strndup(&arena, buf, 10);
}

#define D_AUTHOR 11
#define D_COSIGNER 12
#define U_LEAD 21
#define U_LEAD2 22
#define U_CO 23

static const int64_t author_ids[] = {D_AUTHOR}, cosigner_ids[] = {D_COSIGNER};
static const int64_t lead_ids[] = {U_LEAD}, lead2_ids[] = {U_LEAD2}, co_ids[] = {U_CO};
static const struct sg_caller author = {.user_id = 1, .deputy_ids = author_ids, .n_deputy_ids = 1};
static const struct sg_caller cosigner = {.user_id = 2, .deputy_ids = cosigner_ids,
                                          .n_deputy_ids = 1};
static const struct sg_caller admin = {.user_id = 3, .admin = true, .sees_all = true};
static const struct sg_caller leader = {.user_id = 4, .leader = true, .sees_all = true};
static const struct sg_caller lead = {.user_id = 5, .unit_ids = lead_ids, .n_unit_ids = 1};
static const struct sg_caller lead2 = {.user_id = 6, .unit_ids = lead2_ids, .n_unit_ids = 1};
static const struct sg_caller co = {.user_id = 7, .unit_ids = co_ids, .n_unit_ids = 1};
static const struct sg_caller nobody = {0};

/* A fresh draft by D_AUTHOR with D_COSIGNER. */
static struct suggestion draft(void)
{
    struct suggestion s = {.id = 1, .title = "关于增设路灯的建议", .body = "…", .category = "其他",
                           .author_id = D_AUTHOR, .status = SG_DRAFT, .year = 2026};
    s.signers = arena_calloc(&arena, 2, sizeof(*s.signers));
    s.signers[0] = (struct sg_signer){.deputy_id = D_AUTHOR, .name = "甲", .author = true,
                                      .cosign = SG_COSIGN_CONFIRMED};
    s.signers[1] = (struct sg_signer){.deputy_id = D_COSIGNER, .name = "乙",
                                      .cosign = SG_COSIGN_CONFIRMED};
    s.n_signers = 2;
    return s;
}

static enum yy_err apply_at(struct suggestion *s, const struct sg_caller *c, int64_t now,
                            struct sg_input in, struct sg_outcome *out, struct yy_error *e)
{
    struct sg_outcome scratch;
    struct yy_error se;
    enum yy_err rc = sg_apply(&rules, &cal, &arena, now, sg_actors(s, c), c, s, &in,
                              out ? out : &scratch, e ? e : &se);
    /* what the store would do: new assignments get ids, contacts are counted */
    for (size_t i = 0; rc == YY_OK && i < s->n_assignments; i++)
        if (!s->assignments[i].id)
            s->assignments[i].id = 100 + (int64_t)i;
    return rc;
}

static void ok_at(struct suggestion *s, const struct sg_caller *c, int64_t now, struct sg_input in)
{
    struct yy_error e = {0};
    enum yy_err rc = apply_at(s, c, now, in, NULL, &e);
    if (rc != YY_OK)
        fail_msg("%s refused: %s %s", sg_action_name(in.action), e.code, e.message);
}

static void refused_at(struct suggestion *s, const struct sg_caller *c, int64_t now,
                       struct sg_input in, enum yy_err kind, const char *code)
{
    struct yy_error e = {0};
    enum sg_state before = s->status;
    assert_int_equal(apply_at(s, c, now, in, NULL, &e), kind);
    assert_string_equal(e.code, code);
    assert_int_equal(s->status, before);
}

static struct sg_input A(enum sg_action a)
{
    return (struct sg_input){.action = a};
}

/* Submitted on `now`, accepted and assigned on `assigned`: U_LEAD leads,
 * U_CO co-handles (and U_LEAD2 leads too when two_leads). */
static struct suggestion assigned_on(int64_t submitted, int64_t assigned, bool two_leads)
{
    struct suggestion s = draft();
    ok_at(&s, &author, submitted, A(SA_SUBMIT));
    ok_at(&s, &admin, submitted, A(SA_ACCEPT));
    struct sg_input in = {.action = SA_ASSIGN, .n_units = two_leads ? 3 : 2};
    in.units[0] = (struct sg_unit_ref){U_LEAD, true, "区建设局"};
    in.units[1] = (struct sg_unit_ref){U_CO, false, "区民政局"};
    in.units[2] = (struct sg_unit_ref){U_LEAD2, true, "区城管执法局"};
    ok_at(&s, &admin, assigned, in);
    assert_int_equal(s.status, SG_ASSIGNED);
    return s;
}

static struct sg_input contact(void)
{
    return (struct sg_input){.action = SA_LOG_CONTACT, .stage = "before", .mode = "phone",
                             .note = "电话沟通"};
}

static struct sg_input reply(const char *cls)
{
    return (struct sg_input){.action = SA_REPLY, .reply_class = cls, .text = "答复"};
}

static void test_rules_from_settings(void **state)
{
    (void)state;
    struct sg_rules r;
    struct yy_error e = {0};
    sg_rules_default(&r);
    assert_int_equal(r.n_classes, 3);
    assert_true(sg_rules_class_valid(&r, "A") && sg_rules_class_valid(&r, "C"));
    assert_false(sg_rules_class_valid(&r, "D"));
    assert_true(sg_rules_class_needs_follow_up(&r, "B"));
    assert_false(sg_rules_class_needs_follow_up(&r, "A"));
    assert_int_equal(r.assign_working_days, 7);
    assert_int_equal(r.reply_months, 3);
    assert_int_equal(r.hard_case_reply_months, 6);
    assert_true(r.reply_needs_contact);

    assert_int_equal(sg_rules_set(&r, "reply_classes", "A, B,C,D", &e), YY_OK);
    assert_true(sg_rules_class_valid(&r, "D"));
    assert_int_equal(sg_rules_set(&r, "reply_months", "4", &e), YY_OK);
    assert_int_equal(r.reply_months, 4);
    assert_int_equal(sg_rules_set(&r, "reply_needs_contact", "0", &e), YY_OK);
    assert_false(r.reply_needs_contact);
    assert_int_equal(sg_rules_set(&r, "due_soon_working_days", "10", &e), YY_OK); /* not ours */

    static const char *const bad[][2] = {
        {"reply_months", "0"},     {"reply_months", "three"}, {"reply_months", ""},
        {"reply_months", "-1"},    {"reply_classes", ""},     {"reply_classes", "A,,B"},
        {"reply_classes", "A,A"},  {"reply_classes", "甲,乙"}, {"reply_needs_contact", "yes"},
        {"assign_working_days", "99999"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(sg_rules_set(&r, bad[i][0], bad[i][1], &e), YY_BAD_INPUT);
        assert_string_equal(e.field, bad[i][0]);
    }
    assert_int_equal(r.reply_months, 4); /* a bad value keeps the old one */
    assert_true(sg_rules_class_valid(&r, "D"));
}

static void test_assignment_due_across_national_day(void **state)
{
    (void)state;
    /* received Monday 2026-09-28: 09-29, 09-30, (10-01..07 off), 10-08, 10-09,
     * 10-10 (make-up Saturday), (10-11 Sunday), 10-12, 10-13 */
    struct suggestion s = draft();
    ok_at(&s, &author, at(2026, 9, 28, 10), A(SA_SUBMIT));
    assert_int_equal(s.assign_due_at, end_of(2026, 10, 13));
    assert_string_equal(ymd(s.assign_due_at), "2026-10-13");
    /* received Friday 2026-09-18: the make-up Sunday 09-20 counts, 中秋 does not */
    s = draft();
    ok_at(&s, &author, at(2026, 9, 18, 16), A(SA_SUBMIT));
    assert_string_equal(ymd(s.assign_due_at), "2026-09-29");
    /* the due instant is the end of the day in China time */
    char buf[TIME_RFC3339_LEN];
    time_format_rfc3339(s.assign_due_at, buf);
    assert_string_equal(buf, "2026-09-29T23:59:59+08:00");
}

static void test_reply_and_co_opinion_deadlines(void **state)
{
    (void)state;
    struct suggestion s = assigned_on(at(2026, 9, 28, 9), at(2026, 9, 28, 15), false);
    const struct sg_assignment *l = &s.assignments[0], *c = &s.assignments[1];
    assert_true(l->lead && !c->lead);
    assert_string_equal(ymd(l->due_at), "2026-12-28"); /* 3 months, a Monday */
    assert_false(l->due_provisional);
    assert_int_equal(l->co_opinion_due_at, 0);
    assert_string_equal(ymd(c->co_opinion_due_at), "2026-10-28"); /* 1 month */
    assert_int_equal(l->status, ASG_ASSIGNED);

    /* three months ending on National Day move to the next working day */
    s = assigned_on(at(2026, 6, 30, 9), at(2026, 7, 1, 9), false);
    assert_string_equal(ymd(s.assignments[0].due_at), "2026-10-08");
    assert_false(s.assignments[0].due_provisional);

    /* running into 2027, whose calendar is not published yet: provisional */
    s = assigned_on(at(2026, 11, 26, 9), at(2026, 11, 27, 9), false);
    assert_string_equal(ymd(s.assignments[0].due_at), "2027-03-01"); /* 02-27 is a Saturday */
    assert_true(s.assignments[0].due_provisional);

    /* a hard case has 6 months */
    s = draft();
    ok_at(&s, &author, at(2026, 3, 2, 9), A(SA_SUBMIT));
    ok_at(&s, &admin, at(2026, 3, 2, 9), A(SA_ACCEPT));
    struct sg_input in = {.action = SA_ASSIGN, .n_units = 1, .hard_case = true};
    in.units[0] = (struct sg_unit_ref){U_LEAD, true, "区建设局"};
    ok_at(&s, &admin, at(2026, 3, 3, 9), in);
    assert_true(s.hard_case);
    assert_string_equal(ymd(s.assignments[0].due_at), "2026-09-03");
}

static void test_assign_needs_a_lead_and_distinct_units(void **state)
{
    (void)state;
    struct suggestion s = draft();
    ok_at(&s, &author, at(2026, 9, 28, 9), A(SA_SUBMIT));
    ok_at(&s, &admin, at(2026, 9, 28, 9), A(SA_ACCEPT));
    struct sg_input in = {.action = SA_ASSIGN, .n_units = 1};
    in.units[0] = (struct sg_unit_ref){U_CO, false, "区民政局"};
    refused_at(&s, &admin, at(2026, 9, 29, 9), in, YY_BAD_INPUT, "lead_unit_required");
    in.n_units = 2;
    in.units[1] = (struct sg_unit_ref){U_CO, true, "区民政局"};
    refused_at(&s, &admin, at(2026, 9, 29, 9), in, YY_BAD_INPUT, "duplicate_unit");
    in.n_units = 0;
    refused_at(&s, &admin, at(2026, 9, 29, 9), in, YY_BAD_INPUT, "missing_field");
    assert_int_equal(s.n_assignments, 0);
}

static void test_return_request_within_seven_working_days(void **state)
{
    (void)state;
    /* assigned Monday 2026-09-28: the window ends 2026-10-13 */
    struct suggestion s = assigned_on(at(2026, 9, 28, 9), at(2026, 9, 28, 15), false);
    struct sg_input in = {.action = SA_REQUEST_RETURN, .reason = "不属于本单位职责"};
    struct yy_error e = {0};
    assert_int_equal(apply_at(&s, &lead, at(2026, 10, 14, 9), in, NULL, &e), YY_CONFLICT);
    assert_string_equal(e.code, "return_window_closed");
    assert_non_null(strstr(e.message, "2026-10-13"));
    for (size_t i = 0; i < e.n_allowed; i++) /* the refused action is not offered */
        assert_string_not_equal(e.allowed[i], "request_return");
    assert_true(e.n_allowed > 0);
    ok_at(&s, &lead, at(2026, 10, 13, 17), in);
    assert_int_equal(s.assignments[0].status, ASG_RETURN_REQUESTED);
    assert_int_equal(s.status, SG_ASSIGNED); /* asking to return it is not handling it */
    refused_at(&s, &lead, at(2026, 10, 13, 17), in, YY_CONFLICT, "return_already_requested");
    refused_at(&s, &lead, at(2026, 10, 13, 17), contact(), YY_CONFLICT, "return_pending");

    /* the office moves it to another unit */
    struct sg_input d = {.action = SA_DECIDE_RETURN, .approve = true, .n_units = 1};
    d.units[0] = (struct sg_unit_ref){U_LEAD, true, "区建设局"};
    refused_at(&s, &admin, at(2026, 10, 14, 9), d, YY_BAD_INPUT, "unit_already_assigned");
    d.n_units = 0;
    refused_at(&s, &admin, at(2026, 10, 14, 9), d, YY_BAD_INPUT, "lead_unit_required");
    d.n_units = 1;
    d.units[0] = (struct sg_unit_ref){U_LEAD2, true, "区城管执法局"};
    ok_at(&s, &admin, at(2026, 10, 14, 9), d);
    assert_false(s.assignments[0].active);
    assert_int_equal(s.assignments[0].status, ASG_RETURNED);
    assert_int_equal(s.n_assignments, 3);
    assert_int_equal(s.assignments[2].unit_id, U_LEAD2);
    assert_string_equal(ymd(s.assignments[2].due_at), "2027-01-14"); /* a new 3 months */
    assert_true(s.assignments[2].due_provisional);
    /* the returned unit is out; the new one is in */
    assert_int_equal(sg_actors(&s, &lead), 0);
    assert_int_equal(sg_actors(&s, &lead2), ACTOR_LEAD_UNIT);
    refused_at(&s, &admin, at(2026, 10, 14, 9), d, YY_CONFLICT, "no_return_request");

    /* refused: the assignment stands */
    s = assigned_on(at(2026, 9, 28, 9), at(2026, 9, 28, 15), false);
    ok_at(&s, &co, at(2026, 9, 29, 9), in);
    struct sg_input no = {.action = SA_DECIDE_RETURN, .approve = false};
    ok_at(&s, &admin, at(2026, 9, 30, 9), no);
    assert_int_equal(s.assignments[1].status, ASG_ASSIGNED);
    assert_true(s.assignments[1].active);
}

static void test_one_extension_with_the_offices_approval(void **state)
{
    (void)state;
    struct suggestion s = assigned_on(at(2026, 9, 28, 9), at(2026, 9, 28, 15), false);
    struct sg_input in = {.action = SA_REQUEST_EXTENSION, .months = 4, .reason = "涉及多部门"};
    refused_at(&s, &lead, at(2026, 11, 2, 9), in, YY_BAD_INPUT, "invalid_months");
    in.months = 3;
    refused_at(&s, &co, at(2026, 11, 2, 9), in, YY_FORBIDDEN, "forbidden");
    ok_at(&s, &lead, at(2026, 11, 2, 9), in);
    assert_int_equal(s.status, SG_IN_HANDLING); /* the unit's first action */
    assert_int_equal(s.assignments[0].status, ASG_IN_HANDLING);
    refused_at(&s, &lead, at(2026, 11, 2, 9), in, YY_CONFLICT, "extension_pending");
    struct sg_outcome out;
    struct yy_error e = {0};
    struct sg_input yes = {.action = SA_DECIDE_EXTENSION, .approve = true};
    assert_int_equal(apply_at(&s, &admin, at(2026, 11, 3, 9), yes, &out, &e), YY_OK);
    /* 2026-12-28 + 3 months = 2027-03-28, a Sunday in a year not yet known */
    assert_string_equal(ymd(s.assignments[0].due_at), "2027-03-29");
    assert_true(s.assignments[0].due_provisional);
    /* the deputy is told */
    bool told = false;
    for (size_t i = 0; i < out.n_notices; i++)
        if (!strcmp(out.notices[i].recipient_kind, "deputy") &&
            out.notices[i].recipient_id == D_AUTHOR && strstr(out.notices[i].message, "2027-03-29"))
            told = true;
    assert_true(told);
    assert_non_null(strstr(out.note, "2027-03-29"));
    refused_at(&s, &lead, at(2026, 11, 4, 9), in, YY_CONFLICT, "extension_already_used");
    refused_at(&s, &admin, at(2026, 11, 4, 9), yes, YY_CONFLICT, "no_extension_request");

    /* a refused request may be made again */
    s = assigned_on(at(2026, 9, 28, 9), at(2026, 9, 28, 15), false);
    ok_at(&s, &lead, at(2026, 11, 2, 9), in);
    struct sg_input no = {.action = SA_DECIDE_EXTENSION, .approve = false};
    ok_at(&s, &admin, at(2026, 11, 3, 9), no);
    assert_string_equal(ymd(s.assignments[0].due_at), "2026-12-28");
    ok_at(&s, &lead, at(2026, 11, 4, 9), in);
}

static void test_reply_needs_a_contact_and_a_configured_class(void **state)
{
    (void)state;
    struct suggestion s = assigned_on(at(2026, 9, 28, 9), at(2026, 9, 28, 15), false);
    refused_at(&s, &lead, at(2026, 10, 9, 9), reply("A"), YY_CONFLICT, "contact_required");
    refused_at(&s, &co, at(2026, 10, 9, 9), reply("A"), YY_FORBIDDEN, "forbidden");
    ok_at(&s, &lead, at(2026, 10, 9, 9), contact());
    assert_int_equal(s.status, SG_IN_HANDLING);
    refused_at(&s, &lead, at(2026, 10, 9, 9), reply("D"), YY_BAD_INPUT, "invalid_class");
    ok_at(&s, &lead, at(2026, 10, 9, 10), reply("A"));
    assert_int_equal(s.status, SG_REPLIED);
    assert_int_equal(s.replied_at, at(2026, 10, 9, 10));
    refused_at(&s, &lead, at(2026, 10, 9, 11), reply("A"), YY_CONFLICT, "invalid_transition");

    /* with reply_needs_contact = 0 and a fourth class configured */
    struct sg_rules keep = rules;
    struct yy_error e = {0};
    assert_int_equal(sg_rules_set(&rules, "reply_needs_contact", "0", &e), YY_OK);
    assert_int_equal(sg_rules_set(&rules, "reply_classes", "A,B,C,D", &e), YY_OK);
    s = assigned_on(at(2026, 9, 28, 9), at(2026, 9, 28, 15), false);
    ok_at(&s, &lead, at(2026, 10, 9, 10), reply("D"));
    assert_int_equal(s.status, SG_REPLIED);
    rules = keep;
}

static void test_replied_when_every_lead_replied(void **state)
{
    (void)state;
    struct suggestion s = assigned_on(at(2026, 9, 28, 9), at(2026, 9, 28, 15), true);
    ok_at(&s, &lead, at(2026, 10, 9, 9), contact());
    ok_at(&s, &lead, at(2026, 10, 9, 10), reply("B"));
    assert_int_equal(s.status, SG_IN_HANDLING);
    refused_at(&s, &lead, at(2026, 10, 9, 11), reply("A"), YY_CONFLICT, "already_replied");
    /* the co unit's opinion goes to the lead; it does not reply */
    struct sg_input op = {.action = SA_CO_OPINION, .text = "同意主办单位意见"};
    refused_at(&s, &lead2, at(2026, 10, 10, 9), op, YY_FORBIDDEN, "forbidden");
    ok_at(&s, &co, at(2026, 10, 10, 9), op);
    assert_int_equal(s.assignments[1].status, ASG_REPLIED);
    assert_int_equal(s.status, SG_IN_HANDLING);
    ok_at(&s, &lead2, at(2026, 10, 12, 9), contact());
    ok_at(&s, &lead2, at(2026, 10, 12, 10), reply("A"));
    assert_int_equal(s.status, SG_REPLIED);
}

static void test_dissatisfied_sends_it_back_once(void **state)
{
    (void)state;
    struct suggestion s = assigned_on(at(2026, 9, 28, 9), at(2026, 9, 28, 15), false);
    ok_at(&s, &lead, at(2026, 10, 9, 9), contact());
    ok_at(&s, &lead, at(2026, 10, 9, 10), reply("B"));
    struct sg_input ev = {.action = SA_EVALUATE, .attitude = SG_SATISFIED,
                          .result = SG_DISSATISFIED};
    refused_at(&s, &author, at(2026, 10, 12, 9), ev, YY_BAD_INPUT, "reason_required");
    refused_at(&s, &cosigner, at(2026, 10, 12, 9), ev, YY_FORBIDDEN, "forbidden");
    ev.reason = "路灯仍未安装";
    struct sg_outcome out;
    assert_int_equal(apply_at(&s, &author, at(2026, 10, 12, 9), ev, &out, NULL), YY_OK);
    assert_int_equal(s.status, SG_REHANDLING);
    assert_true(out.add_evaluation);
    /* answered again within a month */
    assert_string_equal(ymd(s.assignments[0].due_at), "2026-11-12");
    assert_int_equal(s.assignments[0].status, ASG_IN_HANDLING);
    assert_int_equal(s.assignments[1].status, ASG_ASSIGNED); /* the co unit is not asked */
    s.evaluations = &out.evaluation; /* as the store would load it */
    s.n_evaluations = 1;
    ok_at(&s, &lead, at(2026, 11, 2, 9), reply("B"));
    assert_int_equal(s.status, SG_REPLIED);
    /* a second 不满意 is recorded; it does not send it back again */
    ok_at(&s, &author, at(2026, 11, 3, 9), ev);
    assert_int_equal(s.status, SG_EVALUATED);
}

static void test_follow_up_until_done(void **state)
{
    (void)state;
    struct suggestion s = assigned_on(at(2026, 9, 28, 9), at(2026, 9, 28, 15), false);
    ok_at(&s, &lead, at(2026, 10, 9, 9), contact());
    ok_at(&s, &lead, at(2026, 10, 9, 10), reply("B"));
    struct sg_input ev = {.action = SA_EVALUATE, .attitude = SG_SATISFIED,
                          .result = SG_BASICALLY_SATISFIED};
    ok_at(&s, &author, at(2026, 10, 12, 9), ev);
    assert_int_equal(s.status, SG_EVALUATED);
    refused_at(&s, &admin, at(2026, 10, 12, 9), A(SA_CLOSE), YY_CONFLICT, "follow_up_required");
    struct sg_input fu = {.action = SA_FOLLOW_UP, .note = "已列入明年计划"};
    struct sg_outcome out;
    assert_int_equal(apply_at(&s, &lead, at(2026, 12, 1, 9), fu, &out, NULL), YY_OK);
    assert_int_equal(s.status, SG_FOLLOWING_UP);
    s.follow_ups = arena_calloc(&arena, 2, sizeof(*s.follow_ups));
    s.follow_ups[s.n_follow_ups++] = out.follow_up;
    refused_at(&s, &admin, at(2026, 12, 2, 9), A(SA_CLOSE), YY_CONFLICT, "follow_up_open");
    fu.done = true;
    assert_int_equal(apply_at(&s, &lead, at(2027, 5, 6, 9), fu, &out, NULL), YY_OK);
    s.follow_ups[s.n_follow_ups++] = out.follow_up;
    refused_at(&s, &lead, at(2027, 5, 7, 9), fu, YY_CONFLICT, "follow_up_done");
    ok_at(&s, &admin, at(2027, 5, 7, 9), A(SA_CLOSE));
    assert_int_equal(s.status, SG_CLOSED);

    /* an A reply promised nothing: closed without follow-up */
    s = assigned_on(at(2026, 9, 28, 9), at(2026, 9, 28, 15), false);
    ok_at(&s, &lead, at(2026, 10, 9, 9), contact());
    ok_at(&s, &lead, at(2026, 10, 9, 10), reply("A"));
    ok_at(&s, &author, at(2026, 10, 12, 9), ev);
    refused_at(&s, &lead, at(2026, 10, 12, 9), fu, YY_CONFLICT, "nothing_to_follow_up");
    ok_at(&s, &admin, at(2026, 10, 12, 9), A(SA_PUBLISH));
    assert_true(s.published);
    refused_at(&s, &admin, at(2026, 10, 12, 9), A(SA_PUBLISH), YY_CONFLICT, "already_published");
    ok_at(&s, &admin, at(2026, 10, 12, 9), A(SA_CLOSE));
}

/* B replied, evaluated and followed up (not done) by U_LEAD in 2026. */
static struct suggestion following_up(void)
{
    struct suggestion s = assigned_on(at(2026, 9, 28, 9), at(2026, 9, 28, 15), false);
    ok_at(&s, &lead, at(2026, 10, 9, 9), contact());
    ok_at(&s, &lead, at(2026, 10, 9, 10), reply("B"));
    struct sg_input ev = {.action = SA_EVALUATE, .attitude = SG_SATISFIED,
                          .result = SG_BASICALLY_SATISFIED};
    ok_at(&s, &author, at(2026, 10, 12, 9), ev);
    struct sg_outcome out;
    struct sg_input fu = {.action = SA_FOLLOW_UP, .note = "已列入明年计划"};
    assert_int_equal(apply_at(&s, &lead, at(2026, 11, 2, 9), fu, &out, NULL), YY_OK);
    s.follow_ups = arena_calloc(&arena, 4, sizeof(*s.follow_ups));
    s.follow_ups[s.n_follow_ups++] = out.follow_up;
    assert_int_equal(s.status, SG_FOLLOWING_UP);
    return s;
}

static void test_explanation_at_the_end_of_a_term(void **state)
{
    (void)state;
    struct sg_rules saved = rules;
    struct suggestion s = following_up();
    struct sg_input ex = {.action = SA_EXPLAIN, .text = "受资金限制,列入下一届实施计划"};
    /* no term end configured: nothing to explain against */
    refused_at(&s, &lead, at(2026, 12, 17, 9), ex, YY_CONFLICT, "term_end_not_set");
    struct yy_error e = {0};
    assert_int_equal(sg_rules_set(&rules, "term_ends_on", "2026-12-31", &e), YY_OK);
    /* 12-16: 11 working days remain (12-17 .. 12-31), outside the 10-day window */
    struct yy_error why = {0};
    assert_int_equal(apply_at(&s, &lead, at(2026, 12, 16, 18), ex, NULL, &why), YY_CONFLICT);
    assert_string_equal(why.code, "term_not_ending");
    assert_non_null(strstr(why.message, "2026-12-31"));
    /* the allowed list of a guard's 409 leaves out what it refused */
    for (size_t i = 0; i < why.n_allowed; i++)
        assert_string_not_equal(why.allowed[i], "explain");
    assert_null(s.explanation);
    /* the closing is refused while the promise is neither done nor explained */
    refused_at(&s, &admin, at(2026, 12, 17, 9), A(SA_CLOSE), YY_CONFLICT, "follow_up_open");
    /* only a lead unit or the office explains */
    refused_at(&s, &co, at(2026, 12, 17, 9), ex, YY_FORBIDDEN, "forbidden");
    refused_at(&s, &author, at(2026, 12, 17, 9), ex, YY_FORBIDDEN, "forbidden");
    refused_at(&s, &leader, at(2026, 12, 17, 9), ex, YY_FORBIDDEN, "forbidden");
    /* 12-17: 10 working days left, the window is open */
    struct sg_outcome out;
    assert_int_equal(apply_at(&s, &lead, at(2026, 12, 17, 9), ex, &out, NULL), YY_OK);
    assert_int_equal(s.status, SG_FOLLOWING_UP);
    assert_string_equal(s.explanation, ex.text);
    assert_int_equal(s.explained_at, at(2026, 12, 17, 9));
    assert_string_equal(out.actor_role, "unit_staff");
    assert_non_null(strstr(out.note, ex.text));
    assert_int_equal(out.n_notices, 1);
    assert_string_equal(out.notices[0].recipient_kind, "deputy");
    assert_int_equal(out.notices[0].recipient_id, D_AUTHOR);
    refused_at(&s, &admin, at(2026, 12, 18, 9), ex, YY_CONFLICT, "already_explained");
    /* progress may still be reported; the suggestion closes without it being done */
    struct sg_input fu = {.action = SA_FOLLOW_UP, .note = "已完成设计"};
    ok_at(&s, &lead, at(2026, 12, 18, 9), fu);
    ok_at(&s, &admin, at(2026, 12, 18, 10), A(SA_CLOSE));
    assert_int_equal(s.status, SG_CLOSED);
    refused_at(&s, &lead, at(2026, 12, 19, 9), ex, YY_CONFLICT, "invalid_transition");

    /* after the term's end the office records the unit's letter */
    s = following_up();
    assert_int_equal(apply_at(&s, &admin, at(2027, 1, 5, 9), ex, &out, NULL), YY_OK);
    assert_string_equal(out.actor_role, "admin");
    /* a promise done needs no explanation */
    s = following_up();
    fu.done = true;
    assert_int_equal(apply_at(&s, &lead, at(2026, 12, 17, 9), fu, &out, NULL), YY_OK);
    s.follow_ups[s.n_follow_ups++] = out.follow_up;
    refused_at(&s, &lead, at(2026, 12, 17, 9), ex, YY_CONFLICT, "follow_up_done");
    /* the window is the due-soon setting's: 3 working days */
    s = following_up();
    assert_int_equal(sg_rules_set(&rules, "due_soon_working_days", "3", &e), YY_OK);
    refused_at(&s, &lead, at(2026, 12, 17, 9), ex, YY_CONFLICT, "term_not_ending");
    ok_at(&s, &lead, at(2026, 12, 28, 9), ex);
    rules = saved;
}

static void test_reply_summary_for_residents(void **state)
{
    (void)state;
    struct suggestion s = assigned_on(at(2026, 9, 28, 9), at(2026, 9, 28, 15), true);
    ok_at(&s, &lead, at(2026, 10, 9, 9), contact());
    ok_at(&s, &lead2, at(2026, 10, 9, 9), contact());
    struct sg_input r1 = {.action = SA_REPLY, .reply_class = "A", .text = "已安装路灯13盏"};
    struct sg_input r2 = {.action = SA_REPLY, .reply_class = "B", .text = "明年完成线路改造"};
    ok_at(&s, &lead, at(2026, 10, 9, 10), r1);
    ok_at(&s, &lead2, at(2026, 10, 9, 11), r2);
    assert_int_equal(s.status, SG_REPLIED);
    assert_string_equal(sg_reply_summary(&arena, &s),
                        "转成的代表建议《关于增设路灯的建议》已获答复。区建设局答复为 A 类"
                        "(已解决或基本解决):已安装路灯13盏;区城管执法局答复为 B 类"
                        "(正在解决或列入计划逐步解决):明年完成线路改造");
    assert_string_equal(sg_class_label_zh("C"), "因条件限制暂时不能解决");
    assert_string_equal(sg_class_label_zh("D"), "留作参考");
    assert_string_equal(sg_class_label_zh("E"), "");
}

static void test_follow_up_classes_and_rehandlings_are_settings(void **state)
{
    (void)state;
    struct sg_rules saved = rules;
    struct yy_error e = {0};
    /* only C needs follow-up: a B reply closes straight after the evaluation */
    assert_int_equal(sg_rules_set(&rules, "follow_up_classes", "C", &e), YY_OK);
    struct suggestion s = assigned_on(at(2026, 9, 28, 9), at(2026, 9, 28, 15), false);
    ok_at(&s, &lead, at(2026, 10, 9, 9), contact());
    ok_at(&s, &lead, at(2026, 10, 9, 10), reply("B"));
    struct sg_input ev = {.action = SA_EVALUATE, .attitude = SG_SATISFIED,
                          .result = SG_DISSATISFIED, .reason = "未解决"};
    /* no re-handling at all */
    assert_int_equal(sg_rules_set(&rules, "max_rehandlings", "0", &e), YY_OK);
    ok_at(&s, &author, at(2026, 10, 12, 9), ev);
    assert_int_equal(s.status, SG_EVALUATED);
    refused_at(&s, &lead, at(2026, 10, 12, 9), (struct sg_input){.action = SA_FOLLOW_UP, .note = "x"},
               YY_CONFLICT, "nothing_to_follow_up");
    ok_at(&s, &admin, at(2026, 10, 12, 10), A(SA_CLOSE));
    /* two rounds */
    assert_int_equal(sg_rules_set(&rules, "max_rehandlings", "2", &e), YY_OK);
    s = assigned_on(at(2026, 9, 28, 9), at(2026, 9, 28, 15), false);
    ok_at(&s, &lead, at(2026, 10, 9, 9), contact());
    struct sg_evaluation evs[3];
    for (int round = 0; round < 3; round++) {
        ok_at(&s, &lead, at(2026, 10, 9 + round, 10), reply("C"));
        struct sg_outcome out;
        assert_int_equal(apply_at(&s, &author, at(2026, 10, 9 + round, 11), ev, &out, NULL), YY_OK);
        evs[round] = out.evaluation;
        s.evaluations = evs;
        s.n_evaluations = (size_t)round + 1;
        assert_int_equal(s.status, round < 2 ? SG_REHANDLING : SG_EVALUATED);
    }
    /* what does not parse is refused, naming the key */
    assert_int_equal(sg_rules_set(&rules, "follow_up_classes", "B;C", &e), YY_BAD_INPUT);
    assert_string_equal(e.field, "follow_up_classes");
    assert_int_equal(sg_rules_set(&rules, "max_rehandlings", "10", &e), YY_BAD_INPUT);
    rules = saved;
}

static void test_term_end_setting(void **state)
{
    (void)state;
    struct sg_rules r;
    struct yy_error e = {0};
    sg_rules_default(&r);
    assert_false(r.has_term_end);
    assert_int_equal(sg_rules_term_end_at(&r), 0);
    assert_int_equal(r.due_soon_working_days, 10);
    assert_int_equal(sg_rules_set(&r, "term_ends_on", "2026-12-31", &e), YY_OK);
    assert_true(r.has_term_end);
    assert_int_equal(sg_rules_term_end_at(&r), end_of(2026, 12, 31));
    static const char *const bad[] = {"2026-02-30", "2026/12/31", "31.12.2026", "2026-1-31",
                                      "tomorrow",   "2026-13-01", "1999-12-31"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(sg_rules_set(&r, "term_ends_on", bad[i], &e), YY_BAD_INPUT);
        assert_string_equal(e.field, "term_ends_on");
        assert_int_equal(sg_rules_term_end_at(&r), end_of(2026, 12, 31)); /* kept */
    }
    assert_int_equal(sg_rules_set(&r, "term_ends_on", "", &e), YY_OK);
    assert_false(r.has_term_end);
    /* due_soon_working_days is read as the sweep reads it: leniently */
    assert_int_equal(sg_rules_set(&r, "due_soon_working_days", "5", &e), YY_OK);
    assert_int_equal(r.due_soon_working_days, 5);
    assert_int_equal(sg_rules_set(&r, "due_soon_working_days", "soon", &e), YY_OK);
    assert_int_equal(r.due_soon_working_days, 10);
}

static void test_withdrawal_needs_every_signer(void **state)
{
    (void)state;
    struct suggestion s = draft();
    ok_at(&s, &author, at(2026, 9, 28, 9), A(SA_SUBMIT));
    struct sg_input w = {.action = SA_WITHDRAW, .reason = "问题已解决"};
    struct sg_outcome out;
    assert_int_equal(apply_at(&s, &cosigner, at(2026, 9, 29, 9), w, &out, NULL), YY_OK);
    assert_int_equal(s.status, SG_SUBMITTED); /* recorded, but one signer is missing */
    assert_int_equal(out.n_agreed, 1);
    assert_int_equal(out.agreed[0], D_COSIGNER);
    refused_at(&s, &cosigner, at(2026, 9, 29, 9), w, YY_CONFLICT, "withdrawal_already_agreed");
    refused_at(&s, &admin, at(2026, 9, 29, 9), w, YY_FORBIDDEN, "forbidden");
    ok_at(&s, &author, at(2026, 9, 30, 9), w);
    assert_int_equal(s.status, SG_WITHDRAWN);
    assert_string_equal(s.reason, "问题已解决");
}

static void test_who_the_caller_is(void **state)
{
    (void)state;
    struct suggestion s = assigned_on(at(2026, 9, 28, 9), at(2026, 9, 28, 15), false);
    assert_int_equal(sg_actors(&s, &author), ACTOR_AUTHOR);
    assert_int_equal(sg_actors(&s, &cosigner), ACTOR_COSIGNER);
    assert_int_equal(sg_actors(&s, &admin), ACTOR_ADMIN);
    assert_int_equal(sg_actors(&s, &leader), ACTOR_LEADER);
    assert_int_equal(sg_actors(&s, &lead), ACTOR_LEAD_UNIT);
    assert_int_equal(sg_actors(&s, &co), ACTOR_CO_UNIT);
    assert_int_equal(sg_actors(&s, &lead2), 0);
    assert_int_equal(sg_actors(&s, &nobody), 0);
    /* the key's leader */
    struct sg_input k = {.action = SA_MARK_KEY, .leader_id = 4, .committee = "城建环保委"};
    refused_at(&s, &lead, at(2026, 9, 29, 9), k, YY_FORBIDDEN, "forbidden");
    ok_at(&s, &leader, at(2026, 9, 29, 9), k);
    assert_true(s.is_key);
    assert_int_equal(sg_actors(&s, &leader), ACTOR_LEADER | ACTOR_KEY_LEADER);
    /* who sees it */
    assert_true(sg_visible(&s, &lead) && sg_private_view(&s, &lead));
    assert_false(sg_visible(&s, &lead2));
    assert_false(sg_visible(&s, &nobody));
    s.published = true;
    assert_true(sg_visible(&s, &nobody));
    assert_false(sg_private_view(&s, &nobody));
    /* a draft is its signers' own */
    struct suggestion d = draft();
    assert_false(sg_visible(&d, &admin));
    assert_true(sg_visible(&d, &cosigner));
}

/* ---- editing a draft and co-signing (联名) ------------------------------------------ */

static void test_edit_and_cosign_in_the_table(void **state)
{
    (void)state;
    static const enum sg_action draft_only[] = {SA_EDIT, SA_COSIGN, SA_DECLINE_COSIGN};
    for (size_t i = 0; i < 3; i++)
        for (int st = 0; st < SG_STATE_COUNT; st++)
            if (st != SG_DRAFT)
                assert_refused((enum sg_state)st, draft_only[i], ALL_ACTORS, YY_CONFLICT);
    assert_moves(SG_DRAFT, SA_EDIT, ACTOR_AUTHOR, SG_SAME);
    assert_refused(SG_DRAFT, SA_EDIT, ALL_ACTORS & ~ACTOR_AUTHOR, YY_FORBIDDEN);
    assert_moves(SG_DRAFT, SA_COSIGN, ACTOR_COSIGNER, SG_SAME);
    assert_moves(SG_DRAFT, SA_DECLINE_COSIGN, ACTOR_COSIGNER, SG_SAME);
    assert_moves(SG_DRAFT, SA_COSIGN, ACTOR_NAMED, SG_SAME);
    assert_moves(SG_DRAFT, SA_DECLINE_COSIGN, ACTOR_NAMED, SG_SAME);
    const unsigned invited = ACTOR_COSIGNER | ACTOR_NAMED;
    assert_refused(SG_DRAFT, SA_COSIGN, ALL_ACTORS & ~invited, YY_FORBIDDEN);
    assert_refused(SG_DRAFT, SA_DECLINE_COSIGN, ALL_ACTORS & ~invited, YY_FORBIDDEN);
    /* what each signer is offered in a draft */
    struct sg_decision d = decide(SG_DRAFT, SA_REPLY, ACTOR_AUTHOR);
    assert_int_equal(d.n_allowed, 3);
    assert_int_equal(d.allowed[0], SA_SUBMIT);
    assert_int_equal(d.allowed[1], SA_WITHDRAW);
    assert_int_equal(d.allowed[2], SA_EDIT);
    d = decide(SG_DRAFT, SA_REPLY, ACTOR_COSIGNER);
    assert_int_equal(d.n_allowed, 3);
    assert_int_equal(d.allowed[0], SA_WITHDRAW);
    assert_int_equal(d.allowed[1], SA_COSIGN);
    assert_int_equal(d.allowed[2], SA_DECLINE_COSIGN);
    /* one only named is offered the co-signature, not the withdrawal */
    d = decide(SG_DRAFT, SA_REPLY, ACTOR_NAMED);
    assert_int_equal(d.n_allowed, 2);
    assert_int_equal(d.allowed[0], SA_COSIGN);
    assert_int_equal(d.allowed[1], SA_DECLINE_COSIGN);
    assert_string_equal(sg_action_name(SA_DECLINE_COSIGN), "decline_cosign");
    enum sg_cosign c;
    for (int k = 0; k < SG_COSIGN_COUNT; k++) {
        assert_true(sg_cosign_from_name(sg_cosign_name((enum sg_cosign)k), &c));
        assert_int_equal(c, k);
    }
    assert_false(sg_cosign_from_name("agreed", &c));
}

#define D_THIRD 13
#define D_FOURTH 14
static const int64_t third_ids[] = {D_THIRD};
static const struct sg_caller third = {.user_id = 8, .deputy_ids = third_ids, .n_deputy_ids = 1};

/* A draft by D_AUTHOR naming D_COSIGNER and D_THIRD, neither answered yet. */
static struct suggestion named_draft(void)
{
    struct suggestion s = draft();
    s.signers = arena_calloc(&arena, 3, sizeof(*s.signers));
    s.signers[0] = (struct sg_signer){.deputy_id = D_AUTHOR, .name = "甲", .author = true,
                                      .cosign = SG_COSIGN_CONFIRMED};
    s.signers[1] = (struct sg_signer){.deputy_id = D_COSIGNER, .name = "乙"};
    s.signers[2] = (struct sg_signer){.deputy_id = D_THIRD, .name = "丙"};
    s.n_signers = 3;
    return s;
}

static void test_cosigners_confirm_or_decline(void **state)
{
    (void)state;
    struct suggestion s = named_draft();
    int64_t now = at(2026, 9, 28, 9);
    struct sg_outcome out;
    assert_int_equal(apply_at(&s, &cosigner, now, A(SA_COSIGN), &out, NULL), YY_OK);
    assert_int_equal(s.signers[1].cosign, SG_COSIGN_CONFIRMED);
    assert_int_equal(s.signers[1].cosigned_at, now);
    assert_true(s.signers[1].dirty);
    assert_int_equal(s.signers[2].cosign, SG_COSIGN_NAMED);
    assert_false(s.signers[2].dirty);
    assert_string_equal(out.note, "乙代表确认联名");
    assert_int_equal(out.n_notices, 0); /* it shows on the draft */
    assert_int_equal(s.status, SG_DRAFT);
    /* twice is refused (a double submit records nothing) */
    refused_at(&s, &cosigner, now, A(SA_COSIGN), YY_CONFLICT, "already_cosigned");
    /* the author is not a co-signer; strangers are not either */
    refused_at(&s, &author, now, A(SA_COSIGN), YY_FORBIDDEN, "forbidden");
    refused_at(&s, &admin, now, A(SA_COSIGN), YY_FORBIDDEN, "forbidden");
    /* declining takes a reason; a decline may be turned into a confirmation */
    struct sg_input no = {.action = SA_DECLINE_COSIGN, .reason = "不熟悉该片区情况"};
    assert_int_equal(apply_at(&s, &third, now, no, &out, NULL), YY_OK);
    assert_int_equal(s.signers[2].cosign, SG_COSIGN_DECLINED);
    assert_string_equal(s.signers[2].cosign_reason, "不熟悉该片区情况");
    assert_int_equal(out.n_notices, 1); /* the author is told of a decline */
    assert_string_equal(out.notices[0].recipient_kind, "deputy");
    assert_int_equal(out.notices[0].recipient_id, D_AUTHOR);
    refused_at(&s, &third, now, no, YY_CONFLICT, "already_declined");
    ok_at(&s, &third, now + 60, A(SA_COSIGN));
    assert_int_equal(s.signers[2].cosign, SG_COSIGN_CONFIRMED);
    assert_null(s.signers[2].cosign_reason);
    /* after submission there is nothing to confirm */
    ok_at(&s, &author, now + 120, A(SA_SUBMIT));
    refused_at(&s, &cosigner, now, A(SA_COSIGN), YY_CONFLICT, "invalid_transition");
    refused_at(&s, &cosigner, now, no, YY_CONFLICT, "invalid_transition");
}

static void test_submit_keeps_only_confirmed_cosigners(void **state)
{
    (void)state;
    struct suggestion s = named_draft();
    ok_at(&s, &third, at(2026, 9, 28, 9), (struct sg_input){.action = SA_DECLINE_COSIGN,
                                                              .reason = "另有安排"});
    /* D_COSIGNER never answered, D_THIRD declined: both are dropped */
    struct sg_outcome out;
    assert_int_equal(apply_at(&s, &author, at(2026, 9, 28, 10), A(SA_SUBMIT), &out, NULL), YY_OK);
    assert_int_equal(s.status, SG_SUBMITTED);
    assert_int_equal(s.n_signers, 1);
    assert_int_equal(s.signers[0].deputy_id, D_AUTHOR);
    assert_int_equal(out.n_removed, 2);
    assert_int_equal(out.removed[0], D_COSIGNER);
    assert_int_equal(out.removed[1], D_THIRD);
    assert_non_null(strstr(out.note, "2 位未确认联名的不再列为联名人"));
    assert_int_equal(sg_actors(&s, &cosigner), 0);
    assert_false(sg_visible(&s, &cosigner));
    /* confirmed ones stay signers, with their part in a withdrawal */
    s = named_draft();
    ok_at(&s, &cosigner, at(2026, 9, 28, 9), A(SA_COSIGN));
    assert_int_equal(apply_at(&s, &author, at(2026, 9, 28, 10), A(SA_SUBMIT), &out, NULL), YY_OK);
    assert_int_equal(s.n_signers, 2);
    assert_int_equal(s.signers[1].deputy_id, D_COSIGNER);
    assert_int_equal(out.n_removed, 1);
    assert_int_equal(sg_actors(&s, &cosigner), ACTOR_COSIGNER);
}

/* Withdrawing a draft (DOMAIN.md §5: a jointly signed one needs every
 * signer): the signers are the author and the co-signers who confirmed.  One
 * only named, or who declined, neither blocks the withdrawal nor withdraws. */
static void test_withdrawal_needs_only_confirmed_signers(void **state)
{
    (void)state;
    static const int64_t fourth_ids[] = {D_FOURTH};
    static const struct sg_caller fourth = {.user_id = 9, .deputy_ids = fourth_ids,
                                            .n_deputy_ids = 1};
    struct suggestion s = draft();
    s.signers = arena_calloc(&arena, 4, sizeof(*s.signers));
    s.signers[0] = (struct sg_signer){.deputy_id = D_AUTHOR, .name = "甲", .author = true,
                                      .cosign = SG_COSIGN_CONFIRMED};
    s.signers[1] = (struct sg_signer){.deputy_id = D_COSIGNER, .name = "乙",
                                      .cosign = SG_COSIGN_CONFIRMED};
    s.signers[2] = (struct sg_signer){.deputy_id = D_THIRD, .name = "丙",
                                      .cosign = SG_COSIGN_NAMED};
    s.signers[3] = (struct sg_signer){.deputy_id = D_FOURTH, .name = "丁",
                                      .cosign = SG_COSIGN_DECLINED, .cosign_reason = "另有安排"};
    s.n_signers = 4;
    int64_t now = at(2026, 9, 28, 9);
    struct sg_input w = {.action = SA_WITHDRAW, .reason = "问题已解决"};
    /* the named and the declined one may not withdraw: 403, nothing recorded */
    refused_at(&s, &third, now, w, YY_FORBIDDEN, "forbidden");
    refused_at(&s, &fourth, now, w, YY_FORBIDDEN, "forbidden");
    for (size_t k = 0; k < s.n_signers; k++)
        assert_false(s.signers[k].withdraw_agreed);
    /* they still see the draft and may answer the co-signature */
    assert_true(sg_visible(&s, &third) && sg_private_view(&s, &fourth));
    struct sg_decision d;
    sg_decide(s.status, SA_WITHDRAW, sg_actors(&s, &third), &d);
    assert_int_equal(d.result, YY_FORBIDDEN);
    assert_int_equal(d.n_allowed, 2);
    assert_int_equal(d.allowed[0], SA_COSIGN);
    /* the author and the confirmed co-signer suffice */
    struct sg_outcome out;
    assert_int_equal(apply_at(&s, &author, now, w, &out, NULL), YY_OK);
    assert_int_equal(s.status, SG_DRAFT);
    assert_int_equal(out.n_agreed, 1);
    assert_int_equal(out.agreed[0], D_AUTHOR);
    assert_non_null(strstr(out.note, "1/2 位代表同意撤回"));
    refused_at(&s, &author, now, w, YY_CONFLICT, "withdrawal_already_agreed");
    assert_int_equal(apply_at(&s, &cosigner, now + 60, w, &out, NULL), YY_OK);
    assert_int_equal(s.status, SG_WITHDRAWN);
    assert_int_equal(out.to, SG_WITHDRAWN);
    assert_string_equal(out.actor_role, "deputy");
    assert_non_null(strstr(out.note, "2/2 位代表同意撤回"));
    assert_string_equal(s.reason, "问题已解决");
    assert_int_equal(s.closed_at, now + 60);
    assert_false(s.signers[2].withdraw_agreed);
    assert_false(s.signers[3].withdraw_agreed);
    /* once withdrawn, nothing more */
    refused_at(&s, &third, now, w, YY_CONFLICT, "invalid_transition");
}

/* The author agreed; the only other signer then declines the co-signature:
 * nobody is missing any more, so the author asking again withdraws it. */
static void test_withdrawal_completes_when_the_missing_signer_leaves(void **state)
{
    (void)state;
    struct suggestion s = draft(); /* D_COSIGNER confirmed */
    int64_t now = at(2026, 9, 28, 9);
    struct sg_input w = {.action = SA_WITHDRAW, .reason = "问题已解决"};
    ok_at(&s, &author, now, w);
    assert_int_equal(s.status, SG_DRAFT);
    ok_at(&s, &cosigner, now + 60,
          (struct sg_input){.action = SA_DECLINE_COSIGN, .reason = "另有安排"});
    assert_int_equal(sg_actors(&s, &cosigner), ACTOR_NAMED);
    refused_at(&s, &cosigner, now + 60, w, YY_FORBIDDEN, "forbidden");
    struct sg_outcome out;
    assert_int_equal(apply_at(&s, &author, now + 120, w, &out, NULL), YY_OK);
    assert_int_equal(out.n_agreed, 0); /* already recorded */
    assert_int_equal(s.status, SG_WITHDRAWN);
    assert_non_null(strstr(out.note, "1/1 位代表同意撤回"));
}

/* A co-signer agreed to withdraw, then declined and confirmed again: the old
 * agreement was given as a signer they stopped being, so it no longer counts
 * and the author's agreement alone does not withdraw the draft. */
static void test_withdrawal_agreement_ends_when_the_cosign_changes(void **state)
{
    (void)state;
    struct suggestion s = draft(); /* D_COSIGNER confirmed */
    int64_t now = at(2026, 9, 28, 9);
    struct sg_input w = {.action = SA_WITHDRAW, .reason = "问题已解决"};
    struct sg_outcome out;
    assert_int_equal(apply_at(&s, &cosigner, now, w, &out, NULL), YY_OK);
    assert_int_equal(s.status, SG_DRAFT);
    assert_true(s.signers[1].withdraw_agreed);
    assert_non_null(strstr(out.note, "1/2 位代表同意撤回"));
    /* declining clears it, and the store is told to write the row */
    assert_int_equal(apply_at(&s, &cosigner, now + 60,
                              (struct sg_input){.action = SA_DECLINE_COSIGN, .reason = "另有安排"},
                              &out, NULL),
                     YY_OK);
    assert_false(s.signers[1].withdraw_agreed);
    assert_true(s.signers[1].dirty);
    assert_false(s.signers[0].withdraw_agreed);
    /* confirmed again: a signer once more, whose agreement is missing */
    s.signers[1].dirty = false; /* as saved */
    ok_at(&s, &cosigner, now + 120, A(SA_COSIGN));
    assert_int_equal(s.signers[1].cosign, SG_COSIGN_CONFIRMED);
    assert_false(s.signers[1].withdraw_agreed);
    assert_true(s.signers[1].dirty);
    assert_int_equal(apply_at(&s, &author, now + 180, w, &out, NULL), YY_OK);
    assert_int_equal(s.status, SG_DRAFT);
    assert_int_equal(out.to, SG_DRAFT);
    assert_int_equal(out.n_agreed, 1);
    assert_int_equal(out.agreed[0], D_AUTHOR);
    assert_non_null(strstr(out.note, "1/2 位代表同意撤回"));
    assert_int_equal(s.closed_at, 0);
    /* the author is counted once: asking again is refused, not a second vote */
    refused_at(&s, &author, now + 200, w, YY_CONFLICT, "withdrawal_already_agreed");
    assert_int_equal(s.status, SG_DRAFT);
    /* the co-signer's new agreement completes it */
    assert_int_equal(apply_at(&s, &cosigner, now + 240, w, &out, NULL), YY_OK);
    assert_int_equal(s.status, SG_WITHDRAWN);
    assert_int_equal(out.n_agreed, 1);
    assert_int_equal(out.agreed[0], D_COSIGNER);
    assert_non_null(strstr(out.note, "2/2 位代表同意撤回"));
    assert_int_equal(s.closed_at, now + 240);
}

static void test_the_author_edits_a_draft(void **state)
{
    (void)state;
    struct suggestion s = named_draft();
    int64_t now = at(2026, 9, 28, 9);
    ok_at(&s, &cosigner, now, A(SA_COSIGN));
    /* D_COSIGNER stays (still confirmed), D_THIRD goes, D_FOURTH is named */
    static const int64_t next[] = {D_FOURTH, D_COSIGNER};
    struct sg_input ed = {.action = SA_EDIT, .title = "关于江汉路北段增设路灯的建议",
                          .has_cosigners = true, .cosigner_ids = next, .n_cosigners = 2};
    struct sg_outcome out;
    assert_int_equal(apply_at(&s, &author, now + 60, ed, &out, NULL), YY_OK);
    assert_int_equal(s.status, SG_DRAFT);
    assert_string_equal(s.title, "关于江汉路北段增设路灯的建议");
    assert_string_equal(s.body, "…"); /* not given: kept */
    assert_int_equal(s.n_signers, 3);
    assert_true(s.signers[0].author);
    assert_int_equal(s.signers[1].deputy_id, D_FOURTH);
    assert_int_equal(s.signers[1].cosign, SG_COSIGN_NAMED);
    assert_true(s.signers[1].added);
    assert_int_equal(s.signers[2].deputy_id, D_COSIGNER);
    assert_int_equal(s.signers[2].cosign, SG_COSIGN_CONFIRMED);
    assert_false(s.signers[2].added);
    assert_int_equal(out.n_removed, 1);
    assert_int_equal(out.removed[0], D_THIRD);
    assert_string_equal(out.note, "修改了联名代表、标题");
    assert_string_equal(out.actor_role, "deputy");
    /* the same list again changes nothing about the signers */
    assert_int_equal(apply_at(&s, &author, now + 120, ed, &out, NULL), YY_OK);
    assert_int_equal(out.n_removed, 0);
    assert_string_equal(out.note, "");
    /* the author cannot co-sign their own; a list repeating an id is refused */
    static const int64_t self[] = {D_AUTHOR};
    struct sg_input bad = {.action = SA_EDIT, .has_cosigners = true, .cosigner_ids = self,
                           .n_cosigners = 1};
    refused_at(&s, &author, now, bad, YY_BAD_INPUT, "unknown_deputy");
    assert_int_equal(s.n_signers, 3);
    static const int64_t twice[] = {D_FOURTH, D_FOURTH};
    bad.cosigner_ids = twice;
    bad.n_cosigners = 2;
    refused_at(&s, &author, now, bad, YY_BAD_INPUT, "duplicate_id");
    /* only the author, only a draft */
    refused_at(&s, &cosigner, now, ed, YY_FORBIDDEN, "forbidden");
    ok_at(&s, &author, now + 180, A(SA_SUBMIT));
    refused_at(&s, &author, now, ed, YY_CONFLICT, "invalid_transition");
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
        cmocka_unit_test(test_rules_from_settings),
        cmocka_unit_test(test_assignment_due_across_national_day),
        cmocka_unit_test(test_reply_and_co_opinion_deadlines),
        cmocka_unit_test(test_assign_needs_a_lead_and_distinct_units),
        cmocka_unit_test(test_return_request_within_seven_working_days),
        cmocka_unit_test(test_one_extension_with_the_offices_approval),
        cmocka_unit_test(test_reply_needs_a_contact_and_a_configured_class),
        cmocka_unit_test(test_replied_when_every_lead_replied),
        cmocka_unit_test(test_dissatisfied_sends_it_back_once),
        cmocka_unit_test(test_follow_up_until_done),
        cmocka_unit_test(test_explanation_at_the_end_of_a_term),
        cmocka_unit_test(test_reply_summary_for_residents),
        cmocka_unit_test(test_follow_up_classes_and_rehandlings_are_settings),
        cmocka_unit_test(test_term_end_setting),
        cmocka_unit_test(test_withdrawal_needs_every_signer),
        cmocka_unit_test(test_who_the_caller_is),
        cmocka_unit_test(test_edit_and_cosign_in_the_table),
        cmocka_unit_test(test_cosigners_confirm_or_decline),
        cmocka_unit_test(test_submit_keeps_only_confirmed_cosigners),
        cmocka_unit_test(test_the_author_edits_a_draft),
        cmocka_unit_test(test_withdrawal_needs_only_confirmed_signers),
        cmocka_unit_test(test_withdrawal_completes_when_the_missing_signer_leaves),
        cmocka_unit_test(test_withdrawal_agreement_ends_when_the_cosign_changes),
    };
    return cmocka_run_group_tests(tests, setup_calendar, teardown_calendar);
}
