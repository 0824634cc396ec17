/* test_labels.c - the Chinese labels the pages show come from one table per
 * kind in the domain, next to the English names; every action and state of
 * the suggestion and concern transition tables, and every other entry their
 * timelines hold, has one.  (The pages once kept their own copies, which
 * drifted: new actions showed by their raw English names.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "domain/concern.h"
#include "domain/suggestion.h"

/* A label fit for a page: there, non-empty, Chinese (not an English name
 * shown raw), and not the out-of-range answer. */
static void assert_zh(const char *label)
{
    assert_non_null(label);
    assert_true(strlen(label) > 0);
    assert_true((unsigned char)label[0] >= 0x80);
    assert_string_not_equal(label, "未知");
}

/* Every action and state of the table, and every other entry a timeline
 * holds, has its Chinese label in the domain. */
static void test_every_suggestion_action_and_state_has_a_label(void **state)
{
    (void)state;
    for (size_t i = 0; i < sg_table_n; i++) {
        const struct sg_transition *t = &sg_table[i];
        assert_zh(sg_action_label_zh(t->action));
        assert_zh(sg_state_label_zh(t->from));
        if (t->to != SG_SAME)
            assert_zh(sg_state_label_zh((enum sg_state)t->to));
        /* the timeline names the action as the contract spells it */
        assert_string_equal(sg_event_label_zh(sg_action_name(t->action)),
                            sg_action_label_zh(t->action));
    }
    for (int a = 0; a < SA_ACTION_COUNT; a++)
        assert_zh(sg_event_label_zh(sg_action_name((enum sg_action)a)));
    for (int s = 0; s < SG_STATE_COUNT; s++)
        assert_zh(sg_state_label_zh((enum sg_state)s));
    static const char *const others[] = {"create", "rate", "remind"};
    for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++)
        assert_zh(sg_event_label_zh(others[i]));
    assert_string_equal(sg_event_label_zh("explain"), "书面说明");
    assert_string_equal(sg_event_label_zh("decline_cosign"), "不同意联名");
    assert_null(sg_event_label_zh("no_such_action"));
    assert_null(sg_event_label_zh(NULL));
}

/* Every action and state of the table, and every other entry a timeline
 * holds, has its Chinese label in the domain. */
static void test_every_concern_action_and_state_has_a_label(void **state)
{
    (void)state;
    for (size_t i = 0; i < cn_table_n; i++) {
        const struct cn_transition *t = &cn_table[i];
        assert_zh(cn_action_label_zh(t->action));
        assert_zh(cn_state_label_zh(t->from));
        if (t->to != CN_SAME)
            assert_zh(cn_state_label_zh((enum cn_state)t->to));
        assert_string_equal(cn_event_label_zh(cn_action_name(t->action)),
                            cn_action_label_zh(t->action));
    }
    for (int a = 0; a < CA_ACTION_COUNT; a++)
        assert_zh(cn_event_label_zh(cn_action_name((enum cn_action)a)));
    for (int s = 0; s < CN_STATE_COUNT; s++)
        assert_zh(cn_state_label_zh((enum cn_state)s));
    assert_zh(cn_event_label_zh("create"));
    assert_zh(cn_event_label_zh("remind"));
    assert_string_equal(cn_event_label_zh("reopen"), "重新跟进");
    assert_null(cn_event_label_zh("no_such_action"));
    assert_null(cn_event_label_zh(NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_suggestion_action_and_state_has_a_label),
        cmocka_unit_test(test_every_concern_action_and_state_has_a_label),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
