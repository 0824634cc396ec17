/* test_concern.c - the concern state machine (DOMAIN.md §4), every allowed and
 * refused transition by actor, and the pure rules: validation, masking,
 * tracking codes, trigram similarity. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "domain/concern.h"

#define ALL_ACTORS                                                                                 \
    (CN_ACTOR_ADMIN | CN_ACTOR_STREET | CN_ACTOR_COMMUNITY | CN_ACTOR_DEPUTY | CN_ACTOR_CLAIMER |  \
     CN_ACTOR_UNIT | CN_ACTOR_RESIDENT | CN_ACTOR_OBSERVER | CN_ACTOR_SYSTEM)

static const unsigned single_actors[] = {CN_ACTOR_ADMIN,    CN_ACTOR_STREET,  CN_ACTOR_COMMUNITY,
                                         CN_ACTOR_DEPUTY,   CN_ACTOR_CLAIMER, CN_ACTOR_UNIT,
                                         CN_ACTOR_RESIDENT, CN_ACTOR_OBSERVER, CN_ACTOR_SYSTEM};
#define N_SINGLE (sizeof(single_actors) / sizeof(single_actors[0]))

static struct cn_decision decide(enum cn_state s, enum cn_action a, unsigned actors,
                                 struct cn_facts f)
{
    struct cn_decision d;
    cn_decide(s, a, actors, &f, &d);
    return d;
}

static const struct cn_facts NO_FACTS = {0};

/* The expected outcome of every (state, action, single actor) with no
 * guards in play, written out as the rules say it, independent of the table:
 * returns the target state, CN_SAME, -2 for 403, -3 for 409. */
#define FORBID (-2)
#define CONFLICT (-3)
static int expected(enum cn_state s, enum cn_action a, unsigned actor)
{
    bool staff = actor & CN_ACTOR_STAFF;
    bool deputy = actor == CN_ACTOR_DEPUTY, claimer = actor == CN_ACTOR_CLAIMER;
    bool system = actor == CN_ACTOR_SYSTEM;
    switch (s) {
    case CN_NEW:
    case CN_ACCEPTED:
    case CN_REFERRED:
        switch (a) {
        case CA_ACCEPT:
            if (s == CN_ACCEPTED)
                return CONFLICT;
            return staff ? CN_ACCEPTED : FORBID;
        case CA_DECLINE:
            return staff ? CN_DECLINED : FORBID;
        case CA_RESOLVE_ON_SITE:
            return staff ? CN_RESOLVED_ON_SITE : FORBID;
        case CA_REFER:
            return staff ? CN_REFERRED : FORBID;
        /* a claimer cannot exist before a claim; the guard refuses it as "done" */
        case CA_CLAIM:
            return deputy ? CN_CLAIMED : claimer ? CONFLICT : FORBID;
        case CA_CONVERT:
            return deputy || claimer ? CN_CONVERTED : FORBID;
        case CA_MERGE:
            return staff ? CN_MERGED : FORBID;
        case CA_RESOLVE:
            if (s == CN_NEW)
                return CONFLICT;
            return staff ? CN_RESOLVED : FORBID;
        case CA_RATE:
        case CA_REOPEN:
            return CONFLICT;
        }
        break;
    case CN_CLAIMED:
        switch (a) {
        case CA_CLAIM:
            return deputy ? CN_SAME : claimer ? CONFLICT : FORBID;
        case CA_CONVERT:
            return claimer ? CN_CONVERTED : FORBID;
        case CA_RESOLVE:
            return claimer || staff ? CN_RESOLVED : FORBID;
        case CA_DECLINE:
            return claimer || staff ? CN_DECLINED : FORBID;
        default:
            return CONFLICT;
        }
    case CN_CONVERTED:
        /* the suggestion's reply resolves it (the system), as a claimer or
         * staff may; returned as a letter or withdrawn, only the system
         * gives it back to the claimers */
        if (a == CA_RESOLVE)
            return claimer || staff || system ? CN_RESOLVED : FORBID;
        if (a == CA_REOPEN)
            return system ? CN_CLAIMED : FORBID;
        return CONFLICT;
    case CN_RESOLVED_ON_SITE: /* no unit commitment open: only the rating */
    case CN_DECLINED:
    case CN_RESOLVED:
        return a == CA_RATE ? (actor == CN_ACTOR_RESIDENT ? CN_SAME : FORBID) : CONFLICT;
    case CN_MERGED:
        return CONFLICT;
    }
    return CONFLICT;
}

static void test_every_transition_by_every_actor(void **state)
{
    (void)state;
    size_t checked = 0;
    for (int s = 0; s < CN_STATE_COUNT; s++) {
        for (int a = 0; a < CA_ACTION_COUNT; a++) {
            for (size_t k = 0; k < N_SINGLE; k++) {
                struct cn_decision d =
                    decide((enum cn_state)s, (enum cn_action)a, single_actors[k], NO_FACTS);
                int want = expected((enum cn_state)s, (enum cn_action)a, single_actors[k]);
                if (want == FORBID) {
                    assert_int_equal(d.result, YY_FORBIDDEN);
                } else if (want == CONFLICT) {
                    assert_int_equal(d.result, YY_CONFLICT);
                } else {
                    if (d.result != YY_OK)
                        print_error("state %s action %s actor %#x: %d\n",
                                    cn_state_name((enum cn_state)s),
                                    cn_action_name((enum cn_action)a), single_actors[k], d.result);
                    assert_int_equal(d.result, YY_OK);
                    assert_int_equal(d.to, want);
                }
                checked++;
            }
        }
    }
    assert_int_equal(checked, CN_STATE_COUNT * CA_ACTION_COUNT * N_SINGLE);
}

static void test_tiered_handling_paths(void **state)
{
    (void)state;
    /* 1. resolved on the spot */
    assert_int_equal(decide(CN_NEW, CA_RESOLVE_ON_SITE, CN_ACTOR_COMMUNITY, NO_FACTS).to,
                     CN_RESOLVED_ON_SITE);
    /* 2. referred to the community / street, which accepts and resolves */
    assert_int_equal(decide(CN_NEW, CA_REFER, CN_ACTOR_STREET, NO_FACTS).to, CN_REFERRED);
    assert_int_equal(decide(CN_REFERRED, CA_ACCEPT, CN_ACTOR_COMMUNITY, NO_FACTS).to, CN_ACCEPTED);
    assert_int_equal(decide(CN_ACCEPTED, CA_RESOLVE, CN_ACTOR_COMMUNITY, NO_FACTS).to, CN_RESOLVED);
    /* 3. claimed by a deputy, a second deputy joins, a claimer resolves */
    assert_int_equal(decide(CN_NEW, CA_CLAIM, CN_ACTOR_DEPUTY, NO_FACTS).to, CN_CLAIMED);
    assert_int_equal(decide(CN_CLAIMED, CA_CLAIM, CN_ACTOR_DEPUTY, NO_FACTS).to, CN_SAME);
    assert_int_equal(decide(CN_CLAIMED, CA_RESOLVE, CN_ACTOR_CLAIMER, NO_FACTS).to, CN_RESOLVED);
    /* 4. turned into a suggestion */
    assert_int_equal(decide(CN_CLAIMED, CA_CONVERT, CN_ACTOR_CLAIMER, NO_FACTS).to, CN_CONVERTED);
    assert_int_equal(decide(CN_CONVERTED, CA_RESOLVE, CN_ACTOR_ADMIN, NO_FACTS).to, CN_RESOLVED);
    /* 5. not accepted, with where to go instead */
    assert_int_equal(decide(CN_NEW, CA_DECLINE, CN_ACTOR_STREET, NO_FACTS).to, CN_DECLINED);
    /* duplicates merged */
    assert_int_equal(decide(CN_NEW, CA_MERGE, CN_ACTOR_ADMIN, NO_FACTS).to, CN_MERGED);
}

static void test_converted_follows_its_suggestion(void **state)
{
    (void)state;
    /* the system resolves it with the reply, or reopens it to its claimers */
    assert_int_equal(decide(CN_CONVERTED, CA_RESOLVE, CN_ACTOR_SYSTEM, NO_FACTS).to, CN_RESOLVED);
    assert_int_equal(decide(CN_CONVERTED, CA_REOPEN, CN_ACTOR_SYSTEM, NO_FACTS).to, CN_CLAIMED);
    /* reopened, the claimers handle it as before: resolve, decline, convert again */
    struct cn_decision d = decide(CN_CLAIMED, CA_CONVERT, CN_ACTOR_CLAIMER, NO_FACTS);
    assert_int_equal(d.to, CN_CONVERTED);
    /* the system acts on nothing else */
    for (int s = 0; s < CN_STATE_COUNT; s++)
        for (int a = 0; a < CA_ACTION_COUNT; a++)
            if (s != CN_CONVERTED || (a != CA_RESOLVE && a != CA_REOPEN))
                assert_int_not_equal(
                    decide((enum cn_state)s, (enum cn_action)a, CN_ACTOR_SYSTEM, NO_FACTS).result,
                    YY_OK);
    /* no person may reopen, and a person's 409 never offers it */
    d = decide(CN_CONVERTED, CA_REOPEN, CN_ACTOR_STAFF | CN_ACTOR_CLAIMER | CN_ACTOR_DEPUTY,
               NO_FACTS);
    assert_int_equal(d.result, YY_FORBIDDEN);
    assert_int_equal(d.n_allowed, 1);
    assert_int_equal(d.allowed[0], CA_RESOLVE);
    /* reopen is not one of the caller's actions */
    assert_true(CA_REOPEN >= CA_CALLER_ACTION_COUNT);
    assert_string_equal(cn_action_name(CA_REOPEN), "reopen");
}

static void test_guards(void **state)
{
    (void)state;
    struct cn_facts unit_open = {.unit_open = true}, rated = {.rated = true};
    /* an on-site commitment by a unit: the unit (or staff) records the fix,
     * the resident rates only after that */
    assert_int_equal(decide(CN_RESOLVED_ON_SITE, CA_RESOLVE, CN_ACTOR_UNIT, unit_open).to,
                     CN_RESOLVED);
    assert_int_equal(decide(CN_RESOLVED_ON_SITE, CA_RESOLVE, CN_ACTOR_STREET, unit_open).to,
                     CN_RESOLVED);
    assert_int_equal(decide(CN_RESOLVED_ON_SITE, CA_RESOLVE, CN_ACTOR_DEPUTY, unit_open).result,
                     YY_FORBIDDEN);
    assert_int_equal(decide(CN_RESOLVED_ON_SITE, CA_RESOLVE, CN_ACTOR_UNIT, NO_FACTS).result,
                     YY_CONFLICT);
    assert_int_equal(decide(CN_RESOLVED_ON_SITE, CA_RATE, CN_ACTOR_RESIDENT, unit_open).result,
                     YY_CONFLICT);
    assert_int_equal(decide(CN_RESOLVED_ON_SITE, CA_RATE, CN_ACTOR_RESIDENT, NO_FACTS).to, CN_SAME);
    /* rated once */
    assert_int_equal(decide(CN_RESOLVED, CA_RATE, CN_ACTOR_RESIDENT, rated).result, YY_CONFLICT);
    assert_int_equal(decide(CN_DECLINED, CA_RATE, CN_ACTOR_RESIDENT, rated).result, YY_CONFLICT);
    assert_int_equal(decide(CN_RESOLVED_ON_SITE, CA_RATE, CN_ACTOR_RESIDENT, rated).result,
                     YY_CONFLICT);
    /* a deputy who claimed it cannot claim it again; another deputy may */
    assert_int_equal(
        decide(CN_CLAIMED, CA_CLAIM, CN_ACTOR_DEPUTY | CN_ACTOR_CLAIMER, NO_FACTS).result,
        YY_CONFLICT);
    assert_int_equal(decide(CN_CLAIMED, CA_CLAIM, CN_ACTOR_DEPUTY, NO_FACTS).result, YY_OK);
    /* a rating is not taken before there is a result */
    for (int s = 0; s < CN_STATE_COUNT; s++) {
        bool result = s == CN_RESOLVED || s == CN_RESOLVED_ON_SITE || s == CN_DECLINED;
        assert_int_equal(decide((enum cn_state)s, CA_RATE, CN_ACTOR_RESIDENT, NO_FACTS).result,
                         result ? YY_OK : YY_CONFLICT);
    }
}

static void test_the_409_lists_what_the_caller_may_do(void **state)
{
    (void)state;
    struct cn_decision d = decide(CN_RESOLVED, CA_ACCEPT, CN_ACTOR_ADMIN, NO_FACTS);
    assert_int_equal(d.result, YY_CONFLICT);
    assert_int_equal(d.n_allowed, 0);
    d = decide(CN_NEW, CA_RESOLVE, CN_ACTOR_STREET, NO_FACTS);
    assert_int_equal(d.result, YY_CONFLICT);
    assert_int_equal(d.n_allowed, 5);
    assert_int_equal(d.allowed[0], CA_ACCEPT);
    assert_int_equal(d.allowed[1], CA_DECLINE);
    assert_int_equal(d.allowed[2], CA_RESOLVE_ON_SITE);
    assert_int_equal(d.allowed[3], CA_REFER);
    assert_int_equal(d.allowed[4], CA_MERGE);
    d = decide(CN_CLAIMED, CA_CLAIM, CN_ACTOR_CLAIMER | CN_ACTOR_DEPUTY, NO_FACTS);
    assert_int_equal(d.n_allowed, 3); /* convert, resolve, decline */
    d = decide(CN_RESOLVED, CA_RATE, CN_ACTOR_RESIDENT, (struct cn_facts){.rated = true});
    assert_int_equal(d.n_allowed, 0);
    /* an observer (a leader) may see but never act */
    for (int s = 0; s < CN_STATE_COUNT; s++)
        for (int a = 0; a < CA_ACTION_COUNT; a++)
            assert_int_not_equal(
                decide((enum cn_state)s, (enum cn_action)a, CN_ACTOR_OBSERVER, NO_FACTS).result,
                YY_OK);
}

static void test_merged_and_terminal_states(void **state)
{
    (void)state;
    struct cn_facts f[] = {{0}, {.unit_open = true}, {.rated = true}};
    for (int a = 0; a < CA_ACTION_COUNT; a++)
        for (size_t i = 0; i < 3; i++)
            assert_int_equal(decide(CN_MERGED, (enum cn_action)a, ALL_ACTORS, f[i]).result,
                             YY_CONFLICT);
    /* after a result only the rating is left */
    static const enum cn_state ended[] = {CN_RESOLVED, CN_DECLINED};
    for (size_t i = 0; i < 2; i++)
        for (int a = 0; a < CA_ACTION_COUNT; a++) {
            struct cn_decision d = decide(ended[i], (enum cn_action)a, ALL_ACTORS, NO_FACTS);
            if (d.result == YY_OK) {
                assert_int_equal(a, CA_RATE);
                assert_int_equal(d.to, CN_SAME);
            }
        }
}

static void test_table_is_well_formed(void **state)
{
    (void)state;
    bool reached[CN_STATE_COUNT] = {false};
    reached[CN_NEW] = true;
    for (int round = 0; round < CN_STATE_COUNT; round++)
        for (size_t i = 0; i < cn_table_n; i++)
            if (reached[cn_table[i].from] && cn_table[i].to != CN_SAME)
                reached[cn_table[i].to] = true;
    for (int s = 0; s < CN_STATE_COUNT; s++)
        assert_true(reached[s]);
    for (size_t i = 0; i < cn_table_n; i++) {
        assert_true(cn_table[i].actors != 0);
        assert_true(cn_table[i].to == CN_SAME ||
                    (cn_table[i].to >= 0 && cn_table[i].to < CN_STATE_COUNT));
        assert_false(cn_table[i].actors & CN_ACTOR_OBSERVER);
        for (size_t k = 0; k < i; k++)
            assert_false(cn_table[k].from == cn_table[i].from &&
                         cn_table[k].action == cn_table[i].action &&
                         cn_table[k].guards == cn_table[i].guards);
    }
}

static void test_names(void **state)
{
    (void)state;
    for (int s = 0; s < CN_STATE_COUNT; s++) {
        enum cn_state back;
        assert_true(cn_state_from_name(cn_state_name((enum cn_state)s), &back));
        assert_int_equal(back, s);
    }
    for (int a = 0; a < CA_ACTION_COUNT; a++) {
        enum cn_action back;
        assert_true(cn_action_from_name(cn_action_name((enum cn_action)a), &back));
        assert_int_equal(back, a);
    }
    enum cn_action a;
    assert_false(cn_action_from_name("close", &a));
    assert_false(cn_action_from_name(NULL, &a));
    assert_string_equal(cn_state_name(CN_RESOLVED_ON_SITE), "resolved_on_site");
    assert_string_equal(cn_action_name(CA_RESOLVE_ON_SITE), "resolve_on_site");
    assert_true(cn_state_open(CN_CLAIMED));
    assert_false(cn_state_open(CN_MERGED));
    assert_false(cn_state_open(CN_RESOLVED));
}

static const char *const cats[] = {"民生保障", "城市建设与管理", "其他"};

static struct concern_input good(void)
{
    return (struct concern_input){
        .title = "小区外墙漏水", .body = "雨天屋内渗水", .category = "民生保障", .station_id = 3};
}

static void expect_bad(struct concern_input in, const char *field)
{
    struct yy_error e = {0};
    assert_int_equal(concern_input_validate(&in, cats, 3, &e), YY_BAD_INPUT);
    assert_string_equal(e.field, field);
}

static void test_input_validation(void **state)
{
    (void)state;
    struct yy_error e = {0};
    struct concern_input in = good();
    assert_int_equal(concern_input_validate(&in, cats, 3, &e), YY_OK);
    assert_string_equal(in.source, "station"); /* filled in */
    in = good();
    in.station_id = 0;
    in.address = "江汉区某路1号";
    assert_int_equal(concern_input_validate(&in, cats, 3, &e), YY_OK);
    assert_string_equal(in.source, "online");
    in = good();
    in.activity_id = 7;
    assert_int_equal(concern_input_validate(&in, cats, 3, &e), YY_OK);
    assert_string_equal(in.source, "activity");

    in = good();
    in.category = "不存在的类别";
    expect_bad(in, "category");
    in = good();
    in.source = "phone";
    expect_bad(in, "source");
    in = good();
    in.station_id = 0;
    in.source = "reception";
    in.address = "某处";
    expect_bad(in, "station_id");
    in = good();
    in.station_id = 0;
    expect_bad(in, "address"); /* online without address or coordinates */
    in = good();
    in.station_id = 0;
    in.address = "";
    expect_bad(in, "address");
    in = good();
    in.station_id = 0;
    in.has_location = true;
    in.lat = 30.6;
    in.lon = 114.27;
    assert_int_equal(concern_input_validate(&in, cats, 3, &e), YY_OK);
    in.lat = 91;
    expect_bad(in, "lat");
    in = good();
    in.contact_phone = "12345";
    expect_bad(in, "contact_phone");
    in = good();
    in.source = "online";
    in.activity_id = 4;
    expect_bad(in, "activity_id");
}

static void test_phone_format(void **state)
{
    (void)state;
    static const char *const ok[] = {"13812345678", "19900000000",  "027-85551234",
                                     "02785551234", "0710-1234567", "07101234567"};
    static const char *const bad[] = {
        "",        "1381234567",  "138123456789", "12812345678",   "1381234567a", "+8613812345678",
        "027-123", "27-85551234", "027--8555123", "0271234567890", " 13812345678"};
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
        assert_true(concern_phone_valid(ok[i]));
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_false(concern_phone_valid(bad[i]));
    assert_false(concern_phone_valid(NULL));
}

static void test_masking(void **state)
{
    (void)state;
    struct arena a = ARENA_INIT;
    assert_string_equal(concern_mask_phone(&a, "13812345678"), "138****5678");
    assert_string_equal(concern_mask_phone(&a, "027-85551234"), "027****1234");
    assert_string_equal(concern_mask_phone(&a, "12345"), "***45");
    assert_string_equal(concern_mask_phone(&a, "12"), "**");
    assert_null(concern_mask_phone(&a, NULL));
    assert_string_equal(concern_mask_name(&a, "王小明"), "王**");
    assert_string_equal(concern_mask_name(&a, "李雷"), "李*");
    assert_string_equal(concern_mask_name(&a, "王"), "*");
    assert_string_equal(concern_mask_name(&a, "Tom"), "T**");
    assert_string_equal(concern_mask_name(&a, ""), "");
    assert_null(concern_mask_name(&a, NULL));
    arena_release(&a);
}

static void test_tracking_codes(void **state)
{
    (void)state;
    char seen[64][TRACKING_CODE_LEN + 1];
    for (int i = 0; i < 64; i++) {
        concern_tracking_code_new(seen[i]);
        assert_int_equal(strlen(seen[i]), TRACKING_CODE_LEN);
        for (size_t k = 0; k < TRACKING_CODE_LEN; k++) {
            assert_non_null(strchr(TRACKING_CODE_ALPHABET, seen[i][k]));
            assert_null(strchr("01OIL", seen[i][k]));
        }
        for (int j = 0; j < i; j++)
            assert_string_not_equal(seen[i], seen[j]);
        char back[TRACKING_CODE_LEN + 1];
        assert_true(concern_tracking_code_normalize(seen[i], back));
        assert_string_equal(back, seen[i]);
    }
    char out[TRACKING_CODE_LEN + 1];
    assert_true(concern_tracking_code_normalize("abcdefgh23", out));
    assert_string_equal(out, "ABCDEFGH23");
    assert_false(concern_tracking_code_normalize("ABCDEFGH2", out));
    assert_false(concern_tracking_code_normalize("ABCDEFGH234", out));
    assert_false(concern_tracking_code_normalize("ABCDEFGH20", out)); /* 0 is not used */
    assert_false(concern_tracking_code_normalize("ABCDEFGHI2", out));
    assert_false(concern_tracking_code_normalize("ABCDEFGH2%", out));
    assert_false(concern_tracking_code_normalize(NULL, out));
}

static double sim(const char *x, const char *y)
{
    struct arena a = ARENA_INIT;
    struct trigram_set sx, sy;
    trigram_set_of(&a, x, &sx);
    trigram_set_of(&a, y, &sy);
    double v = trigram_jaccard(&sx, &sy);
    arena_release(&a);
    return v;
}

static void test_similarity(void **state)
{
    (void)state;
    assert_true(sim("小区外墙漏水严重", "小区外墙漏水严重") == 1.0);
    /* blanks, punctuation and case do not count */
    assert_true(sim("Gas supply, 188 households!", "gas supply 188 households") == 1.0);
    assert_true(sim("天然气 通气 难", "天然气通气难。") == 1.0);
    /* the same matter in other words is similar, another matter is not */
    assert_true(sim("幸福小区外墙漏水,雨天家中渗水严重", "幸福小区外墙漏水,家里墙面渗水") >=
                DUPLICATE_THRESHOLD);
    assert_true(sim("幸福小区外墙漏水,雨天家中渗水严重", "路口缺少路灯,夜间出行不便") <
                DUPLICATE_THRESHOLD);
    assert_true(sim("", "") == 0.0);
    assert_true(sim("", "路灯") == 0.0);
    assert_true(sim("路灯", "路灯") == 1.0);
    assert_true(sim("。,!", "路灯") == 0.0);
    /* malformed bytes do not crash and count as nothing */
    assert_true(sim("\xff\xfe\x80", "\xc3") == 0.0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_transition_by_every_actor),
        cmocka_unit_test(test_tiered_handling_paths),
        cmocka_unit_test(test_converted_follows_its_suggestion),
        cmocka_unit_test(test_guards),
        cmocka_unit_test(test_the_409_lists_what_the_caller_may_do),
        cmocka_unit_test(test_merged_and_terminal_states),
        cmocka_unit_test(test_table_is_well_formed),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_input_validation),
        cmocka_unit_test(test_phone_format),
        cmocka_unit_test(test_masking),
        cmocka_unit_test(test_tracking_codes),
        cmocka_unit_test(test_similarity),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
