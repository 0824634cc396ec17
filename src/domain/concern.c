/* concern.c - the concern state machine as a table, and the pure rules of
 * concerns; see concern.h.  Each row: in state FROM, ACTION by one of ACTORS,
 * when GUARDS hold, leads to TO. */
#include "domain/concern.h"

#include <assert.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "domain/machine.h"
#include "domain/registry.h"

#define STAFF CN_ACTOR_STAFF
#define DEPUTY CN_ACTOR_DEPUTY
#define CLAIMER CN_ACTOR_CLAIMER

const struct cn_transition cn_table[] = {
    /* a new concern: tiered handling (分级处理) starts with staff in scope, or
     * a deputy of its station takes it up */
    {CN_NEW, CA_ACCEPT, STAFF, 0, CN_ACCEPTED},
    {CN_NEW, CA_DECLINE, STAFF, 0, CN_DECLINED},
    {CN_NEW, CA_RESOLVE_ON_SITE, STAFF, 0, CN_RESOLVED_ON_SITE},
    {CN_NEW, CA_REFER, STAFF, 0, CN_REFERRED},
    {CN_NEW, CA_CLAIM, DEPUTY, CN_G_NOT_CLAIMER, CN_CLAIMED},
    {CN_NEW, CA_CONVERT, DEPUTY | CLAIMER, 0, CN_CONVERTED},
    {CN_NEW, CA_MERGE, STAFF, 0, CN_MERGED},

    /* accepted (受理): handled by staff, or taken up by a deputy */
    {CN_ACCEPTED, CA_DECLINE, STAFF, 0, CN_DECLINED},
    {CN_ACCEPTED, CA_RESOLVE_ON_SITE, STAFF, 0, CN_RESOLVED_ON_SITE},
    {CN_ACCEPTED, CA_REFER, STAFF, 0, CN_REFERRED},
    {CN_ACCEPTED, CA_CLAIM, DEPUTY, CN_G_NOT_CLAIMER, CN_CLAIMED},
    {CN_ACCEPTED, CA_CONVERT, DEPUTY | CLAIMER, 0, CN_CONVERTED},
    {CN_ACCEPTED, CA_MERGE, STAFF, 0, CN_MERGED},
    {CN_ACCEPTED, CA_RESOLVE, STAFF, 0, CN_RESOLVED},

    /* referred to a community or the street work committee: the receiving
     * staff accept it, handle it, or send it on */
    {CN_REFERRED, CA_ACCEPT, STAFF, 0, CN_ACCEPTED},
    {CN_REFERRED, CA_DECLINE, STAFF, 0, CN_DECLINED},
    {CN_REFERRED, CA_RESOLVE_ON_SITE, STAFF, 0, CN_RESOLVED_ON_SITE},
    {CN_REFERRED, CA_REFER, STAFF, 0, CN_REFERRED},
    {CN_REFERRED, CA_CLAIM, DEPUTY, CN_G_NOT_CLAIMER, CN_CLAIMED},
    {CN_REFERRED, CA_CONVERT, DEPUTY | CLAIMER, 0, CN_CONVERTED},
    {CN_REFERRED, CA_MERGE, STAFF, 0, CN_MERGED},
    {CN_REFERRED, CA_RESOLVE, STAFF, 0, CN_RESOLVED},

    /* claimed (认领) and followed as a project (项目化): more deputies may
     * join; the claimers (or staff) record the result */
    {CN_CLAIMED, CA_CLAIM, DEPUTY, CN_G_NOT_CLAIMER, CN_SAME},
    {CN_CLAIMED, CA_CONVERT, CLAIMER, 0, CN_CONVERTED},
    {CN_CLAIMED, CA_RESOLVE, CLAIMER | STAFF, 0, CN_RESOLVED},
    {CN_CLAIMED, CA_DECLINE, CLAIMER | STAFF, 0, CN_DECLINED},

    /* turned into a deputy suggestion: resolved when the answer is in (by
     * the system, in the reply's transaction, with the reply as the result);
     * the suggestion returned as a letter or withdrawn, the claimers follow
     * it again (reopen, the system's only) */
    {CN_CONVERTED, CA_RESOLVE, CLAIMER | STAFF | CN_ACTOR_SYSTEM, 0, CN_RESOLVED},
    {CN_CONVERTED, CA_REOPEN, CN_ACTOR_SYSTEM, 0, CN_CLAIMED},

    /* resolved on the spot; when a unit committed to a fix with a short
     * deadline, the unit (or staff) records the fix */
    {CN_RESOLVED_ON_SITE, CA_RESOLVE, CN_ACTOR_UNIT | STAFF, CN_G_UNIT_OPEN, CN_RESOLVED},
    {CN_RESOLVED_ON_SITE, CA_RATE, CN_ACTOR_RESIDENT, CN_G_NO_UNIT_OPEN | CN_G_NOT_RATED, CN_SAME},

    /* every concern ends with a result the resident sees and rates, once */
    {CN_DECLINED, CA_RATE, CN_ACTOR_RESIDENT, CN_G_NOT_RATED, CN_SAME},
    {CN_RESOLVED, CA_RATE, CN_ACTOR_RESIDENT, CN_G_NOT_RATED, CN_SAME},
    /* merged: nothing; its followers act on the original */
};
const size_t cn_table_n = sizeof(cn_table) / sizeof(cn_table[0]);

static const char *const state_names[CN_STATE_COUNT] = {
    "new",     "accepted",  "declined", "resolved_on_site", "referred",
    "claimed", "converted", "merged",   "resolved",
};

static const char *const state_labels[CN_STATE_COUNT] = {
    "待受理",     "已受理",         "不予受理", "当场解决", "已转交",
    "代表已认领", "已转为代表建议", "已合并",   "已解决",
};

static const char *const action_names[CA_ACTION_COUNT] = {
    "accept", "decline", "resolve_on_site", "refer", "claim",
    "convert", "merge",   "resolve",         "rate",  "reopen",
};

/* The actions in Chinese, as the pages show them (docs/GLOSSARY.md). */
static const char *const action_labels[CA_ACTION_COUNT] = {
    "受理", "不予受理", "现场答复", "转交", "代表认领", "转为代表建议", "合并", "办结", "评价",
    "重新跟进",
};

/* Timeline entries that are not actions of the table: the resident's
 * submission, the reminder sweep's 催办. */
static const char *const event_labels[][2] = {
    {"create", "提交"},
    {"remind", "催办"},
};

const char *cn_state_name(enum cn_state s)
{
    return (unsigned)s < CN_STATE_COUNT ? state_names[s] : "unknown";
}

const char *cn_state_label_zh(enum cn_state s)
{
    return (unsigned)s < CN_STATE_COUNT ? state_labels[s] : "未知";
}

bool cn_state_from_name(const char *s, enum cn_state *out)
{
    int v;
    if (!name_find(state_names, CN_STATE_COUNT, s, &v))
        return false;
    *out = (enum cn_state)v;
    return true;
}

const char *cn_action_name(enum cn_action a)
{
    return (unsigned)a < CA_ACTION_COUNT ? action_names[a] : "unknown";
}

const char *cn_action_label_zh(enum cn_action a)
{
    return (unsigned)a < CA_ACTION_COUNT ? action_labels[a] : "未知";
}

const char *cn_event_label_zh(const char *action)
{
    enum cn_action a;
    if (cn_action_from_name(action, &a))
        return action_labels[a];
    return name_pair_value(event_labels, sizeof(event_labels) / sizeof(event_labels[0]), action);
}

bool cn_action_from_name(const char *s, enum cn_action *out)
{
    int v;
    if (!name_find(action_names, CA_ACTION_COUNT, s, &v))
        return false;
    *out = (enum cn_action)v;
    return true;
}

bool cn_state_open(enum cn_state s)
{
    return s == CN_NEW || s == CN_ACCEPTED || s == CN_REFERRED || s == CN_CLAIMED ||
           s == CN_CONVERTED;
}

static bool guards_hold(unsigned guards, unsigned actors, const struct cn_facts *f)
{
    if ((guards & CN_G_UNIT_OPEN) && !f->unit_open)
        return false;
    if ((guards & CN_G_NO_UNIT_OPEN) && f->unit_open)
        return false;
    if ((guards & CN_G_NOT_RATED) && f->rated)
        return false;
    if ((guards & CN_G_NOT_CLAIMER) && (actors & CN_ACTOR_CLAIMER))
        return false;
    return true;
}

void cn_decide(enum cn_state from, enum cn_action action, unsigned actors,
               const struct cn_facts *facts, struct cn_decision *out)
{
    static const struct cn_facts none = {0};
    if (!facts)
        facts = &none;
    memset(out, 0, sizeof(*out));
    struct sm_scan scan = {0};
    for (size_t i = 0; i < cn_table_n; i++) {
        const struct cn_transition *t = &cn_table[i];
        if (t->from != from || !guards_hold(t->guards, actors, facts))
            continue;
        if (sm_scan_row(&scan, (int)t->action, t->actors, t->to, (int)action, actors)) {
            assert(out->n_allowed < CA_ACTION_COUNT);
            out->allowed[out->n_allowed++] = t->action;
        }
    }
    out->result = sm_scan_result(&scan);
    out->to = scan.to;
}

/* ---- what a resident sends ------------------------------------------------- */

static const char *const sources[] = {"online",    "station",  "activity",
                                      "reception", "building", NULL};

bool concern_source_valid(const char *source)
{
    for (size_t i = 0; source && sources[i]; i++)
        if (!strcmp(source, sources[i]))
            return true;
    return false;
}

bool concern_source_needs_station(const char *source)
{
    return source && (!strcmp(source, "station") || !strcmp(source, "reception") ||
                      !strcmp(source, "building"));
}

static const char *const ratings[][2] = {
    {"satisfied", "满意"},
    {"basically_satisfied", "基本满意"},
    {"dissatisfied", "不满意"},
};

bool concern_rating_valid(const char *value)
{
    return concern_rating_label_zh(value) != NULL;
}

const char *concern_rating_label_zh(const char *value)
{
    return name_pair_value(ratings, sizeof(ratings) / sizeof(ratings[0]), value);
}

static bool all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

bool concern_phone_valid(const char *phone)
{
    if (!phone)
        return false;
    size_t n = strlen(phone);
    if (n == 11 && phone[0] == '1' && phone[1] >= '3' && phone[1] <= '9' && all_digits(phone, n))
        return true;
    if (n < 10 || phone[0] != '0')
        return false;
    /* 0 + 2-3 digit area code, optional '-', 7-8 digits */
    for (size_t area = 3; area <= 4; area++) {
        if (n <= area || !all_digits(phone, area))
            continue;
        size_t rest = area + (phone[area] == '-');
        size_t local = n - rest;
        if (local >= 7 && local <= 8 && all_digits(phone + rest, local))
            return true;
    }
    return false;
}

enum yy_err concern_input_validate(struct concern_input *in, const char *const *categories,
                                   size_t n_categories, struct yy_error *e)
{
    int category;
    if (!name_find(categories, n_categories, in->category, &category))
        return yy_fail(e, YY_BAD_INPUT, "invalid_category", "类别不在可选范围内", "category");
    if (!in->source)
        in->source = in->activity_id ? "activity" : in->station_id ? "station" : "online";
    if (!concern_source_valid(in->source))
        return yy_fail(e, YY_BAD_INPUT, "invalid_source",
                       "来源须为 online、station、activity、reception 或 building", "source");
    if (concern_source_needs_station(in->source) && !in->station_id)
        return yy_fail(e, YY_BAD_INPUT, "missing_field", "在站点反映的意见须指明站点",
                       "station_id");
    if (in->activity_id && strcmp(in->source, "activity") != 0)
        return yy_fail(e, YY_BAD_INPUT, "invalid_field", "只有来源为 activity 的意见可关联活动",
                       "activity_id");
    if (in->has_location && !geo_valid(in->lat, in->lon))
        return yy_fail(e, YY_BAD_INPUT, "out_of_range", "经纬度超出范围", "lat");
    if (!in->station_id && !in->has_location && (!in->address || !*in->address))
        return yy_fail(e, YY_BAD_INPUT, "missing_field", "未指明站点时须填写地址或提供经纬度",
                       "address");
    if (in->contact_phone && !concern_phone_valid(in->contact_phone))
        return yy_fail(e, YY_BAD_INPUT, "invalid_phone", "电话须为11位手机号或带区号的固定电话",
                       "contact_phone");
    return YY_OK;
}

/* ---- contact details --------------------------------------------------------- */

const char *concern_mask_phone(struct arena *a, const char *phone)
{
    if (!phone)
        return NULL;
    size_t n = strlen(phone);
    if (n >= 8)
        return arena_printf(a, "%.3s****%s", phone, phone + n - 4);
    char *out = arena_strdup(a, phone);
    for (size_t i = 0; i + 2 < n; i++)
        out[i] = '*';
    if (n <= 2)
        memset(out, '*', n);
    return out;
}

/* Length of the UTF-8 sequence starting with byte c (1 for a stray byte). */
static size_t seq_len(unsigned char c)
{
    return c < 0xC0 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

const char *concern_mask_name(struct arena *a, const char *name)
{
    if (!name)
        return NULL;
    size_t n = strlen(name);
    size_t first = n ? seq_len((unsigned char)name[0]) : 0;
    if (first > n)
        first = n;
    size_t rest = 0;
    for (size_t i = first; i < n; i += seq_len((unsigned char)name[i]))
        rest++;
    if (first && !rest)
        return "*";
    char *out = arena_alloc(a, first + rest + 1);
    memcpy(out, name, first);
    memset(out + first, '*', rest);
    out[first + rest] = '\0';
    return out;
}

/* ---- tracking codes ------------------------------------------------------------ */

void concern_tracking_code_new(char out[TRACKING_CODE_LEN + 1])
{
    static const char alphabet[] = TRACKING_CODE_ALPHABET;
    for (size_t i = 0; i < TRACKING_CODE_LEN; i++)
        out[i] = alphabet[randombytes_uniform((uint32_t)(sizeof(alphabet) - 1))];
    out[TRACKING_CODE_LEN] = '\0';
}

bool concern_tracking_code_normalize(const char *s, char out[TRACKING_CODE_LEN + 1])
{
    if (!s || strlen(s) != TRACKING_CODE_LEN)
        return false;
    for (size_t i = 0; i < TRACKING_CODE_LEN; i++) {
        char c = s[i];
        if (c >= 'a' && c <= 'z')
            c = (char)(c - 'a' + 'A');
        if (!strchr(TRACKING_CODE_ALPHABET, c) || c == '\0')
            return false;
        out[i] = c;
    }
    out[TRACKING_CODE_LEN] = '\0';
    return true;
}

/* ---- duplicates ------------------------------------------------------------------ */

/* Decodes one code point at s (n bytes left); a malformed sequence yields
 * U+FFFD and one byte. */
static uint32_t decode(const unsigned char *s, size_t n, size_t *used)
{
    size_t len = seq_len(s[0]);
    if (len == 1 || len > n) {
        *used = 1;
        return s[0] < 0x80 ? s[0] : 0xFFFD;
    }
    uint32_t cp = s[0] & (0x7F >> len);
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            *used = 1;
            return 0xFFFD;
        }
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    *used = len;
    return cp;
}

/* The code point as compared, or 0 for one that is skipped (blanks,
 * punctuation, symbols); full-width letters and digits fold to ASCII. */
static uint32_t fold(uint32_t cp)
{
    if (cp >= 0xFF10 && cp <= 0xFF19)
        cp = cp - 0xFF10 + '0';
    else if (cp >= 0xFF21 && cp <= 0xFF3A)
        cp = cp - 0xFF21 + 'a';
    else if (cp >= 0xFF41 && cp <= 0xFF5A)
        cp = cp - 0xFF41 + 'a';
    if (cp >= 'A' && cp <= 'Z')
        return cp - 'A' + 'a';
    if (cp < 0x80)
        return ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9')) ? cp : 0;
    if (cp <= 0xBF || (cp >= 0x2000 && cp <= 0x206F) || (cp >= 0x3000 && cp <= 0x303F) ||
        (cp >= 0xFF00 && cp <= 0xFF65) || cp == 0xFFFD || cp > 0x10FFFF)
        return 0;
    return cp;
}

static int cmp_u64(const void *x, const void *y)
{
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return a < b ? -1 : a > b;
}

void trigram_set_of(struct arena *a, const char *text, struct trigram_set *out)
{
    out->items = NULL;
    out->n = 0;
    if (!text)
        return;
    const unsigned char *s = (const unsigned char *)text;
    size_t n = strlen(text);
    uint32_t *cps =
        arena_alloc(a, (n < TRIGRAM_TEXT_MAX ? n + 1 : TRIGRAM_TEXT_MAX) * sizeof(uint32_t));
    size_t k = 0;
    for (size_t i = 0; i < n && k < TRIGRAM_TEXT_MAX;) {
        size_t used;
        uint32_t cp = fold(decode(s + i, n - i, &used));
        i += used;
        if (cp)
            cps[k++] = cp;
    }
    if (k == 0)
        return;
    size_t m = k < 3 ? 1 : k - 2;
    out->items = arena_alloc(a, m * sizeof(uint64_t));
    if (k < 3) {
        out->items[0] = ((uint64_t)cps[0] << 42) | ((uint64_t)(k > 1 ? cps[1] : 0) << 21);
        out->n = 1;
        return;
    }
    for (size_t i = 0; i < m; i++)
        out->items[i] =
            ((uint64_t)cps[i] << 42) | ((uint64_t)cps[i + 1] << 21) | (uint64_t)cps[i + 2];
    qsort(out->items, m, sizeof(uint64_t), cmp_u64);
    size_t w = 1;
    for (size_t i = 1; i < m; i++)
        if (out->items[i] != out->items[w - 1])
            out->items[w++] = out->items[i];
    out->n = w;
}

double trigram_jaccard(const struct trigram_set *x, const struct trigram_set *y)
{
    if (x->n == 0 && y->n == 0)
        return 0;
    size_t i = 0, j = 0, both = 0;
    while (i < x->n && j < y->n) {
        if (x->items[i] == y->items[j]) {
            both++;
            i++;
            j++;
        } else if (x->items[i] < y->items[j]) {
            i++;
        } else {
            j++;
        }
    }
    return (double)both / (double)(x->n + y->n - both);
}
