/* tmpl.c - the template engine (tmpl.h): a one-pass compiler from template
 * text to an op array, with a small HTML state machine that knows where each
 * variable lands (text, quoted attribute value, URL attribute, script), and a
 * renderer that walks the ops over a stack of jansson values, writing straight
 * into the response buffer (no allocation per variable). */
#include "web/tmpl.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define NAME_MAX_LEN 64

enum op_kind { OP_TEXT, OP_VAR, OP_RAW, OP_SECTION, OP_INVERTED, OP_END, OP_PARTIAL, OP_SLOT };

struct op {
    enum op_kind kind;
    unsigned line;
    size_t off, len; /* OP_TEXT: a slice of the template's text */
    char *name;      /* variables, sections, partials: owned */
    size_t jump;     /* OP_SECTION/OP_INVERTED: the index of its OP_END */
    int partial;     /* OP_PARTIAL: the template's index in the set */
    bool url;        /* OP_VAR: the value starts a URL attribute */
};

struct tmpl {
    char *name;
    char *text;
    struct op *ops;
    size_t n_ops, cap_ops;
};

struct tmpl_set {
    struct tmpl *t;
    size_t n;
};

/* ---- compiling ----------------------------------------------------------------- */

enum html_state {
    H_TEXT,
    H_TAG_OPEN, /* after '<', reading the tag name */
    H_TAG,      /* inside a tag, between attributes */
    H_ATTR_NAME,
    H_AFTER_ATTR,
    H_BEFORE_VAL,
    H_VAL_DQ,
    H_VAL_SQ,
    H_VAL_UNQ,
    H_COMMENT,
    H_RAWTEXT, /* the content of <script> or <style> */
};

struct html {
    enum html_state st;
    char tag[16];
    size_t tag_len;
    char attr[32];
    size_t attr_len;
    size_t val_len;
    char recent[10]; /* the last characters, for "-->" and "</script" */
};

struct compiler {
    struct tmpl *t;
    struct html h;
    char *err;
    size_t errlen;
    unsigned line;
};

static bool fail(struct compiler *c, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static bool fail(struct compiler *c, unsigned line, const char *fmt, ...)
{
    int n = snprintf(c->err, c->errlen, "%s:%u: ", c->t->name, line);
    if (n < 0 || (size_t)n >= c->errlen)
        return false;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->err + n, c->errlen - (size_t)n, fmt, ap);
    va_end(ap);
    return false;
}

static void recent_push(struct html *h, char ch)
{
    memmove(h->recent, h->recent + 1, sizeof(h->recent) - 2);
    h->recent[sizeof(h->recent) - 2] = (char)tolower((unsigned char)ch);
    h->recent[sizeof(h->recent) - 1] = '\0';
}

static bool recent_ends(const struct html *h, const char *s)
{
    size_t n = strlen(s), have = strlen(h->recent);
    return have >= n && !memcmp(h->recent + have - n, s, n);
}

static void tag_end(struct html *h)
{
    h->st = H_TEXT;
    if (h->tag_len && (!strcasecmp(h->tag, "script") || !strcasecmp(h->tag, "style")))
        h->st = H_RAWTEXT;
}

static void attr_start(struct html *h, char ch)
{
    h->st = H_ATTR_NAME;
    h->attr_len = 0;
    h->attr[h->attr_len++] = (char)tolower((unsigned char)ch);
    h->attr[h->attr_len] = '\0';
}

/* Moves the HTML state over one literal character. */
static void html_step(struct html *h, char ch)
{
    bool ws = ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f';
    recent_push(h, ch);
    switch (h->st) {
    case H_TEXT:
        if (ch == '<') {
            h->st = H_TAG_OPEN;
            h->tag_len = 0;
            h->tag[0] = '\0';
        }
        break;
    case H_TAG_OPEN:
        if (ch == '>') {
            tag_end(h);
        } else if (ws) {
            h->st = H_TAG;
        } else if (h->tag_len + 1 < sizeof(h->tag)) {
            h->tag[h->tag_len++] = ch;
            h->tag[h->tag_len] = '\0';
            if (!strcmp(h->tag, "!--"))
                h->st = H_COMMENT;
        }
        break;
    case H_TAG:
        if (ch == '>')
            tag_end(h);
        else if (!ws && ch != '/')
            attr_start(h, ch);
        break;
    case H_ATTR_NAME:
        if (ch == '=')
            h->st = H_BEFORE_VAL;
        else if (ch == '>')
            tag_end(h);
        else if (ws)
            h->st = H_AFTER_ATTR;
        else if (h->attr_len + 1 < sizeof(h->attr)) {
            h->attr[h->attr_len++] = (char)tolower((unsigned char)ch);
            h->attr[h->attr_len] = '\0';
        }
        break;
    case H_AFTER_ATTR:
        if (ch == '=')
            h->st = H_BEFORE_VAL;
        else if (ch == '>')
            tag_end(h);
        else if (!ws && ch != '/')
            attr_start(h, ch);
        break;
    case H_BEFORE_VAL:
        h->val_len = 0;
        if (ch == '"')
            h->st = H_VAL_DQ;
        else if (ch == '\'')
            h->st = H_VAL_SQ;
        else if (ch == '>')
            tag_end(h);
        else if (!ws)
            h->st = H_VAL_UNQ;
        break;
    case H_VAL_DQ:
        if (ch == '"')
            h->st = H_TAG;
        else
            h->val_len++;
        break;
    case H_VAL_SQ:
        if (ch == '\'')
            h->st = H_TAG;
        else
            h->val_len++;
        break;
    case H_VAL_UNQ:
        if (ch == '>')
            tag_end(h);
        else if (ws)
            h->st = H_TAG;
        break;
    case H_COMMENT:
        if (recent_ends(h, "-->"))
            h->st = H_TEXT;
        break;
    case H_RAWTEXT:
        if (recent_ends(h, "</script") || recent_ends(h, "</style")) {
            h->st = H_TAG_OPEN;
            strcpy(h->tag, "/");
            h->tag_len = 1;
        }
        break;
    }
}

static struct op *op_new(struct compiler *c, enum op_kind kind)
{
    struct tmpl *t = c->t;
    if (t->n_ops == t->cap_ops) {
        size_t cap = t->cap_ops ? t->cap_ops * 2 : 32;
        struct op *ops = realloc(t->ops, cap * sizeof(*ops));
        if (!ops)
            return NULL;
        t->ops = ops;
        t->cap_ops = cap;
    }
    struct op *o = &t->ops[t->n_ops++];
    memset(o, 0, sizeof(*o));
    o->kind = kind;
    o->line = c->line;
    o->partial = -1;
    return o;
}

static bool name_valid(const char *s, size_t n)
{
    if (n == 1 && s[0] == '.')
        return true;
    if (n == 0 || n > NAME_MAX_LEN || s[0] == '.' || s[n - 1] == '.')
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (!(isalnum(ch) || ch == '_' || ch == '-' || ch == '.'))
            return false;
        if (ch == '.' && s[i + 1] == '.')
            return false;
    }
    return true;
}

/* Trims spaces around [*s, *s + *n). */
static void trim(const char **s, size_t *n)
{
    while (*n && isspace((unsigned char)**s)) {
        (*s)++;
        (*n)--;
    }
    while (*n && isspace((unsigned char)(*s)[*n - 1]))
        (*n)--;
}

static bool named_op(struct compiler *c, enum op_kind kind, const char *s, size_t n,
                     struct op **out)
{
    trim(&s, &n);
    if (!name_valid(s, n))
        return fail(c, c->line, "bad name \"%.*s\"", (int)(n > 40 ? 40 : n), s);
    struct op *o = op_new(c, kind);
    if (!o || !(o->name = strndup(s, n)))
        return fail(c, c->line, "out of memory");
    *out = o;
    return true;
}

/* Where a variable lands: refuses the contexts escaping cannot make safe. */
static bool var_context(struct compiler *c, struct op *o, bool raw)
{
    const struct html *h = &c->h;
    switch (h->st) {
    case H_TEXT:
    case H_COMMENT:
        return true;
    case H_RAWTEXT:
        return fail(c, o->line, "{{%s}} inside <script> or <style>", o->name);
    case H_VAL_DQ:
    case H_VAL_SQ:
        if (raw)
            break;
        if (!strncmp(h->attr, "on", 2) || !strcmp(h->attr, "style"))
            return fail(c, o->line, "{{%s}} in the %s attribute", o->name, h->attr);
        if (h->val_len == 0 && (!strcmp(h->attr, "href") || !strcmp(h->attr, "src") ||
                                !strcmp(h->attr, "action") || !strcmp(h->attr, "formaction")))
            o->url = true;
        c->h.val_len++;
        return true;
    default:
        break;
    }
    if (raw)
        return fail(c, o->line, "TRUSTED_SERVER_HTML %s outside element content", o->name);
    return fail(c, o->line, "{{%s}} inside a tag but not in a quoted attribute value", o->name);
}

#define RAW_WORD "TRUSTED_SERVER_HTML"

static bool compile_one(struct compiler *c)
{
    struct tmpl *t = c->t;
    const char *s = t->text;
    size_t len = strlen(s), pos = 0;
    size_t stack[TMPL_MAX_DEPTH];
    size_t depth = 0;
    c->line = 1;
    while (pos < len) {
        const char *open = strstr(s + pos, "{{");
        size_t end = open ? (size_t)(open - s) : len;
        if (end > pos) {
            struct op *o = op_new(c, OP_TEXT);
            if (!o)
                return fail(c, c->line, "out of memory");
            o->off = pos;
            o->len = end - pos;
            for (size_t i = pos; i < end; i++) {
                html_step(&c->h, s[i]);
                if (s[i] == '\n')
                    c->line++;
            }
        }
        if (!open)
            break;
        const char *close = strstr(open + 2, "}}");
        if (!close)
            return fail(c, c->line, "unclosed {{");
        const char *in = open + 2;
        size_t n = (size_t)(close - in);
        unsigned tag_line = c->line;
        for (const char *p = in; p < close; p++)
            if (*p == '\n')
                c->line++;
        pos = (size_t)(close - s) + 2;
        unsigned saved = c->line;
        c->line = tag_line;
        struct op *o = NULL;
        char sigil = n ? in[0] : '\0';
        switch (sigil) {
        case '\0':
            return fail(c, tag_line, "empty tag");
        case '!':
            break;
        case '#':
        case '^':
            if (!named_op(c, sigil == '#' ? OP_SECTION : OP_INVERTED, in + 1, n - 1, &o))
                return false;
            if (depth == TMPL_MAX_DEPTH)
                return fail(c, tag_line, "sections nested too deep");
            stack[depth++] = t->n_ops - 1;
            break;
        case '/': {
            if (!named_op(c, OP_END, in + 1, n - 1, &o))
                return false;
            if (!depth)
                return fail(c, tag_line, "{{/%s}} without an open section", o->name);
            struct op *b = &t->ops[stack[--depth]];
            o = &t->ops[t->n_ops - 1];
            if (strcmp(b->name, o->name))
                return fail(c, tag_line, "{{/%s}} closes {{#%s}} of line %u", o->name, b->name,
                            b->line);
            b->jump = t->n_ops - 1;
            o->jump = stack[depth];
            break;
        }
        case '>':
            if (!named_op(c, OP_PARTIAL, in + 1, n - 1, &o))
                return false;
            break;
        case '$': {
            const char *nm = in + 1;
            size_t nn = n - 1;
            trim(&nm, &nn);
            if (nn != 7 || memcmp(nm, "content", 7))
                return fail(c, tag_line, "the only slot is {{$content}}");
            if (!(o = op_new(c, OP_SLOT)))
                return fail(c, tag_line, "out of memory");
            break;
        }
        case '&':
            if (n < 1 + strlen(RAW_WORD) + 1 || memcmp(in + 1, RAW_WORD, strlen(RAW_WORD)) ||
                !isspace((unsigned char)in[1 + strlen(RAW_WORD)]))
                return fail(c, tag_line, "unescaped output is spelled {{&" RAW_WORD " name}}");
            if (!named_op(c, OP_RAW, in + 1 + strlen(RAW_WORD), n - 1 - strlen(RAW_WORD), &o) ||
                !var_context(c, o, true))
                return false;
            break;
        case '{':
        case '=':
            return fail(c, tag_line, "{{%c is not supported (see docs/WEB.md)", sigil);
        default:
            if (!named_op(c, OP_VAR, in, n, &o) || !var_context(c, o, false))
                return false;
            break;
        }
        c->line = saved;
    }
    if (depth)
        return fail(c, t->ops[stack[depth - 1]].line, "{{#%s}} is never closed",
                    t->ops[stack[depth - 1]].name);
    return true;
}

static int find(const struct tmpl_set *s, const char *name)
{
    for (size_t i = 0; i < s->n; i++)
        if (!strcmp(s->t[i].name, name))
            return (int)i;
    return -1;
}

struct tmpl_set *tmpl_compile(const struct tmpl_source *src, size_t n, char *err, size_t errlen)
{
    if (errlen)
        err[0] = '\0';
    struct tmpl_set *s = calloc(1, sizeof(*s));
    if (!s || !(s->t = calloc(n ? n : 1, sizeof(*s->t)))) {
        free(s);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    s->n = n;
    bool ok = true;
    for (size_t i = 0; i < n && ok; i++) {
        struct tmpl *t = &s->t[i];
        t->name = strdup(src[i].name);
        t->text = strndup(src[i].text, src[i].len);
        if (!t->name || !t->text) {
            snprintf(err, errlen, "out of memory");
            ok = false;
            break;
        }
        if (memchr(src[i].text, '\0', src[i].len)) {
            snprintf(err, errlen, "%s:1: NUL byte in template", t->name);
            ok = false;
            break;
        }
        for (size_t j = 0; j < i; j++)
            if (!strcmp(s->t[j].name, t->name)) {
                snprintf(err, errlen, "%s:1: two templates of this name", t->name);
                ok = false;
            }
        struct compiler c = {.t = t, .err = err, .errlen = errlen};
        ok = ok && compile_one(&c);
    }
    for (size_t i = 0; i < n && ok; i++)
        for (size_t k = 0; k < s->t[i].n_ops && ok; k++) {
            struct op *o = &s->t[i].ops[k];
            if (o->kind != OP_PARTIAL)
                continue;
            o->partial = find(s, o->name);
            if (o->partial < 0) {
                snprintf(err, errlen, "%s:%u: no template \"%s\" for {{> %s}}", s->t[i].name,
                         o->line, o->name, o->name);
                ok = false;
            }
        }
    if (!ok) {
        tmpl_free(s);
        return NULL;
    }
    return s;
}

void tmpl_free(struct tmpl_set *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++) {
        for (size_t k = 0; k < s->t[i].n_ops; k++)
            free(s->t[i].ops[k].name);
        free(s->t[i].ops);
        free(s->t[i].name);
        free(s->t[i].text);
    }
    free(s->t);
    free(s);
}

int tmpl_has(const struct tmpl_set *s, const char *name)
{
    return find(s, name) >= 0;
}

/* ---- rendering ------------------------------------------------------------------ */

enum yy_err tmpl_escape(struct buf *out, const char *s, size_t n)
{
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        const char *ent;
        switch (s[i]) {
        case '&':
            ent = "&amp;";
            break;
        case '<':
            ent = "&lt;";
            break;
        case '>':
            ent = "&gt;";
            break;
        case '"':
            ent = "&quot;";
            break;
        case '\'':
            ent = "&#39;";
            break;
        case '`':
            ent = "&#96;";
            break;
        default:
            continue;
        }
        enum yy_err rc = buf_append(out, s + run, i - run);
        if (rc == YY_OK)
            rc = buf_puts(out, ent);
        if (rc != YY_OK)
            return rc;
        run = i + 1;
    }
    return buf_append(out, s + run, n - run);
}

/* A URL is kept when it is relative or http(s), mailto or tel. */
static bool url_safe(const char *s, size_t n)
{
    if (!n)
        return true;
    if ((unsigned char)s[0] <= 0x20)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '/' || s[i] == '?' || s[i] == '#')
            return true;
        if (s[i] == ':')
            return (i == 4 && !strncasecmp(s, "http", 4)) ||
                   (i == 5 && !strncasecmp(s, "https", 5)) ||
                   (i == 6 && !strncasecmp(s, "mailto", 6)) ||
                   (i == 3 && !strncasecmp(s, "tel", 3));
    }
    return true;
}

struct render {
    const struct tmpl_set *set;
    int slot;
    const json_t *stack[TMPL_MAX_DEPTH];
    size_t depth;
    size_t nesting; /* partials and slots in progress */
    struct buf *out;
};

static const json_t *lookup(const struct render *r, const char *name)
{
    if (name[0] == '.' && name[1] == '\0')
        return r->depth ? r->stack[r->depth - 1] : NULL;
    const char *dot = strchr(name, '.');
    size_t first = dot ? (size_t)(dot - name) : strlen(name);
    const json_t *v = NULL;
    for (size_t i = r->depth; i-- > 0;)
        if (json_is_object(r->stack[i]) && (v = json_object_getn(r->stack[i], name, first)) != NULL)
            break;
    while (v && dot) {
        const char *seg = dot + 1;
        dot = strchr(seg, '.');
        size_t len = dot ? (size_t)(dot - seg) : strlen(seg);
        v = json_is_object(v) ? json_object_getn(v, seg, len) : NULL;
    }
    return v;
}

static bool truthy(const json_t *v)
{
    if (!v || json_is_null(v) || json_is_false(v))
        return false;
    if (json_is_string(v))
        return json_string_length(v) > 0;
    if (json_is_array(v))
        return json_array_size(v) > 0;
    return true;
}

static enum yy_err put_value(struct render *r, const struct op *o, const json_t *v)
{
    char num[64];
    const char *s = NULL;
    size_t n = 0;
    if (json_is_string(v)) {
        s = json_string_value(v);
        n = json_string_length(v);
    } else if (json_is_integer(v)) {
        n = (size_t)snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        s = num;
    } else if (json_is_real(v)) {
        n = (size_t)snprintf(num, sizeof(num), "%.10g", json_real_value(v));
        s = num;
    } else if (json_is_true(v)) {
        s = "true";
        n = 4;
    }
    if (!s)
        return YY_OK;
    if (o->kind == OP_RAW)
        return buf_append(r->out, s, n);
    if (o->url && !url_safe(s, n))
        return buf_putc(r->out, '#');
    return tmpl_escape(r->out, s, n);
}

static enum yy_err render_template(struct render *r, int idx);

static enum yy_err render_range(struct render *r, const struct tmpl *t, size_t from, size_t to)
{
    enum yy_err rc = YY_OK;
    for (size_t i = from; i < to && rc == YY_OK; i++) {
        const struct op *o = &t->ops[i];
        switch (o->kind) {
        case OP_TEXT:
            rc = buf_append(r->out, t->text + o->off, o->len);
            break;
        case OP_VAR:
        case OP_RAW:
            rc = put_value(r, o, lookup(r, o->name));
            break;
        case OP_SECTION: {
            const json_t *v = lookup(r, o->name);
            if (truthy(v)) {
                if (r->depth == TMPL_MAX_DEPTH)
                    return YY_INTERNAL;
                if (json_is_array(v)) {
                    for (size_t k = 0; k < json_array_size(v) && rc == YY_OK; k++) {
                        r->stack[r->depth++] = json_array_get(v, k);
                        rc = render_range(r, t, i + 1, o->jump);
                        r->depth--;
                    }
                } else {
                    r->stack[r->depth++] = v;
                    rc = render_range(r, t, i + 1, o->jump);
                    r->depth--;
                }
            }
            i = o->jump;
            break;
        }
        case OP_INVERTED:
            if (!truthy(lookup(r, o->name)))
                rc = render_range(r, t, i + 1, o->jump);
            i = o->jump;
            break;
        case OP_END:
            break;
        case OP_PARTIAL:
            rc = render_template(r, o->partial);
            break;
        case OP_SLOT:
            if (r->slot >= 0) {
                int slot = r->slot;
                r->slot = -1; /* a slot inside the slot renders nothing */
                rc = render_template(r, slot);
                r->slot = slot;
            }
            break;
        }
    }
    return rc;
}

static enum yy_err render_template(struct render *r, int idx)
{
    if (r->nesting == TMPL_MAX_DEPTH)
        return YY_INTERNAL;
    r->nesting++;
    const struct tmpl *t = &r->set->t[idx];
    enum yy_err rc = render_range(r, t, 0, t->n_ops);
    r->nesting--;
    return rc;
}

enum yy_err tmpl_render(const struct tmpl_set *s, const char *name, const char *slot,
                        const json_t *data, struct buf *out)
{
    int idx = find(s, name);
    int sl = slot ? find(s, slot) : -1;
    if (idx < 0 || (slot && sl < 0))
        return YY_NOT_FOUND;
    struct render r = {.set = s, .slot = sl, .out = out};
    if (data)
        r.stack[r.depth++] = data;
    size_t before = out->len;
    enum yy_err rc = render_template(&r, idx);
    if (rc != YY_OK && out->data) {
        out->len = before; /* no half page */
        out->data[before] = '\0';
    }
    return rc;
}
