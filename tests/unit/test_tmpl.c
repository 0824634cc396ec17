/* test_tmpl.c - unit tests for the template engine (web/tmpl.h): escaping,
 * every construct, nesting, missing values, the layout slot, partials, the
 * contexts refused at compile time and compile errors with their line, the
 * URL filter, the output bound, and the built-in templates compiling. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web/assets.h"
#include "web/tmpl.h"

/* Renders one template (named "t") with data given as JSON text. */
static char *render1(const char *tmpl, const char *json)
{
    struct tmpl_source src = {"t", tmpl, strlen(tmpl)};
    char err[256];
    struct tmpl_set *s = tmpl_compile(&src, 1, err, sizeof(err));
    if (!s)
        fail_msg("compile failed: %s", err);
    json_t *data = json ? json_loads(json, 0, NULL) : NULL;
    if (json)
        assert_non_null(data);
    struct buf b;
    buf_init(&b, 1 << 20);
    assert_int_equal(tmpl_render(s, "t", NULL, data, &b), YY_OK);
    char *out = strdup(b.data ? b.data : "");
    buf_release(&b);
    json_decref(data);
    tmpl_free(s);
    return out;
}

static void expect(const char *tmpl, const char *json, const char *want)
{
    char *got = render1(tmpl, json);
    assert_string_equal(got, want);
    free(got);
}

/* Compiling fails with an error that contains want. */
static void compile_fails(const char *tmpl, const char *want)
{
    struct tmpl_source src = {"page", tmpl, strlen(tmpl)};
    char err[256];
    struct tmpl_set *s = tmpl_compile(&src, 1, err, sizeof(err));
    if (s)
        fail_msg("compiled but should not: %s", tmpl);
    if (!strstr(err, want))
        fail_msg("error \"%s\" lacks \"%s\"", err, want);
}

static void test_escaping(void **state)
{
    (void)state;
    expect(
        "<p>{{x}}</p>", "{\"x\":\"<script>alert('x')</script> & \\\"q\\\" `b`\"}",
        "<p>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot; &#96;b&#96;</p>");
    /* in an attribute value the quotes cannot end it */
    expect("<input value=\"{{x}}\">", "{\"x\":\"\\\" onmouseover=\\\"alert(1)\"}",
           "<input value=\"&quot; onmouseover=&quot;alert(1)\">");
    expect("<input value='{{x}}'>", "{\"x\":\"' autofocus '\"}",
           "<input value='&#39; autofocus &#39;'>");
    /* UTF-8 passes through untouched */
    expect("{{x}}", "{\"x\":\"路灯坏了\"}", "路灯坏了");
    struct buf b;
    buf_init(&b, 100);
    assert_int_equal(tmpl_escape(&b, "a<b", 3), YY_OK);
    assert_string_equal(b.data, "a&lt;b");
    buf_release(&b);
}

static void test_values(void **state)
{
    (void)state;
    expect("{{n}} {{r}} {{t}} {{f}} {{z}} {{o}} {{a}} {{missing}}",
           "{\"n\":42,\"r\":1.5,\"t\":true,\"f\":false,\"z\":null,\"o\":{\"k\":1},\"a\":[1]}",
           "42 1.5 true     ");
    expect("{{a.b.c}}|{{a.b}}|{{a.x.c}}|{{q.r}}", "{\"a\":{\"b\":{\"c\":\"deep\"}},\"q\":\"s\"}",
           "deep|||");
    expect("no data {{x}}", NULL, "no data ");
    expect("{{! a comment }}kept", "{}", "kept");
    expect("{{ spaced }}", "{\"spaced\":\"ok\"}", "ok");
}

static void test_sections(void **state)
{
    (void)state;
    /* arrays iterate, {{.}} is the element */
    expect("{{#xs}}[{{.}}]{{/xs}}", "{\"xs\":[1,\"b\",3]}", "[1][b][3]");
    /* objects become the context; outer names stay visible */
    expect("{{#o}}{{k}}-{{top}}{{/o}}", "{\"o\":{\"k\":\"in\"},\"top\":\"out\"}", "in-out");
    /* the inner name shadows the outer */
    expect("{{#o}}{{k}}{{/o}}{{k}}", "{\"o\":{\"k\":\"in\"},\"k\":\"out\"}", "inout");
    /* truthy scalars render once, {{.}} is the value */
    expect("{{#s}}({{.}}){{/s}}{{#n}}n{{/n}}{{#t}}t{{/t}}", "{\"s\":\"x\",\"n\":0,\"t\":true}",
           "(x)nt");
    /* falsy: missing, null, false, "", [] */
    expect("{{#a}}A{{/a}}{{#b}}B{{/b}}{{#c}}C{{/c}}{{#d}}D{{/d}}{{#e}}E{{/e}}.",
           "{\"b\":null,\"c\":false,\"d\":\"\",\"e\":[]}", ".");
    /* inverted */
    expect("{{^a}}A{{/a}}{{^b}}B{{/b}}{{^c}}C{{/c}}{{^d}}D{{/d}}",
           "{\"a\":[],\"b\":[1],\"c\":\"\"}", "ACD");
    /* nesting: sections in sections over arrays of objects */
    expect("{{#rows}}<tr>{{#cells}}<td>{{v}}{{#hot}}!{{/hot}}</td>{{/cells}}</tr>{{/rows}}",
           "{\"rows\":[{\"cells\":[{\"v\":1,\"hot\":true},{\"v\":2}]},{\"cells\":[]}]}",
           "<tr><td>1!</td><td>2</td></tr><tr></tr>");
    /* dotted section names */
    expect("{{#f.title.error}}E:{{.}}{{/f.title.error}}",
           "{\"f\":{\"title\":{\"error\":\"必填\"}}}", "E:必填");
    /* a section inside a tag, around literal attribute text */
    expect("<option value=\"{{id}}\"{{#sel}} selected{{/sel}}>", "{\"id\":3,\"sel\":true}",
           "<option value=\"3\" selected>");
}

static void test_partials_and_layout(void **state)
{
    (void)state;
    const char *layout =
        "<html lang=\"zh-CN\"><title>{{title}}</title><main>{{$content}}</main>{{> foot}}</html>";
    const char *page = "<h1>{{title}}</h1>{{#items}}{{> item}}{{/items}}";
    const char *item = "<li>{{name}}</li>";
    const char *foot = "<footer>{{site}}</footer>";
    struct tmpl_source src[] = {{"layout", layout, strlen(layout)},
                                {"page", page, strlen(page)},
                                {"item", item, strlen(item)},
                                {"foot", foot, strlen(foot)}};
    char err[256];
    struct tmpl_set *s = tmpl_compile(src, 4, err, sizeof(err));
    assert_non_null(s);
    assert_true(tmpl_has(s, "page"));
    assert_false(tmpl_has(s, "nope"));
    json_t *data = json_loads("{\"title\":\"T<\",\"site\":\"有约\",\"items\":[{\"name\":\"a\"},"
                              "{\"name\":\"b\"}]}",
                              0, NULL);
    struct buf b;
    buf_init(&b, 1 << 16);
    assert_int_equal(tmpl_render(s, "layout", "page", data, &b), YY_OK);
    assert_string_equal(b.data, "<html lang=\"zh-CN\"><title>T&lt;</title><main><h1>T&lt;</h1>"
                                "<li>a</li><li>b</li></main><footer>有约</footer></html>");
    /* without a slot the content is empty; unknown names are YY_NOT_FOUND */
    buf_reset(&b);
    assert_int_equal(tmpl_render(s, "layout", NULL, data, &b), YY_OK);
    assert_non_null(strstr(b.data, "<main></main>"));
    assert_int_equal(tmpl_render(s, "nope", NULL, data, &b), YY_NOT_FOUND);
    assert_int_equal(tmpl_render(s, "layout", "nope", data, &b), YY_NOT_FOUND);
    buf_release(&b);
    json_decref(data);
    tmpl_free(s);
}

static void test_raw_is_ugly_and_explicit(void **state)
{
    (void)state;
    expect("<div>{{&TRUSTED_SERVER_HTML svg}}</div>", "{\"svg\":\"<svg><rect/></svg>\"}",
           "<div><svg><rect/></svg></div>");
    compile_fails("{{&svg}}", "TRUSTED_SERVER_HTML");
    compile_fails("{{{svg}}}", "not supported");
    compile_fails("<a title=\"{{&TRUSTED_SERVER_HTML x}}\">", "outside element content");
}

static void test_contexts(void **state)
{
    (void)state;
    compile_fails("<a {{x}}>", "not in a quoted attribute value");
    compile_fails("<a href={{x}}>", "not in a quoted attribute value");
    compile_fails("<a onclick=\"{{x}}\">", "onclick");
    compile_fails("<p style=\"color:{{x}}\">", "style");
    compile_fails("<script>var x = \"{{x}}\";</script>", "<script>");
    compile_fails("<style>p{color:{{x}}}</style>", "<style>");
    /* after </script> text is text again; comments are text too */
    expect("<script src=\"/s.js\"></script><p>{{x}}</p><!-- {{x}} -->", "{\"x\":\"y\"}",
           "<script src=\"/s.js\"></script><p>y</p><!-- y -->");
    /* URL attributes: only relative and http(s)/mailto/tel survive */
    expect("<a href=\"{{u}}\">", "{\"u\":\"javascript:alert(1)\"}", "<a href=\"#\">");
    expect("<a href=\"{{u}}\">", "{\"u\":\"JavaScript:alert(1)\"}", "<a href=\"#\">");
    expect("<a href=\"{{u}}\">", "{\"u\":\" javascript:x\"}", "<a href=\"#\">");
    expect("<a href=\"{{u}}\">", "{\"u\":\"data:text/html,x\"}", "<a href=\"#\">");
    expect("<a href=\"{{u}}\">", "{\"u\":\"/track/AB?x=1\"}", "<a href=\"/track/AB?x=1\">");
    expect("<a href=\"{{u}}\">", "{\"u\":\"https://example.org/\"}",
           "<a href=\"https://example.org/\">");
    expect("<a href=\"{{u}}\">", "{\"u\":\"tel:12345\"}", "<a href=\"tel:12345\">");
    /* a variable later in the value is a path part, escaped, not filtered */
    expect("<a href=\"/s/{{id}}\">", "{\"id\":\"javascript:x\"}", "<a href=\"/s/javascript:x\">");
}

static void test_compile_errors_name_the_line(void **state)
{
    (void)state;
    compile_fails("line1\nline2 {{#a}}\nline3", "page:2: {{#a}} is never closed");
    compile_fails("a\nb\nc {{/a}}", "page:3: {{/a}} without an open section");
    compile_fails("{{#a}}\n{{#b}}\n{{/a}}", "page:3: {{/a}} closes {{#b}} of line 2");
    compile_fails("x\n\n\n{{ bad name }}", "page:4: bad name");
    compile_fails("ok\n{{unclosed", "page:2: unclosed {{");
    compile_fails("{{}}", "page:1: empty tag");
    compile_fails("\n{{> nothere}}", "page:2: no template \"nothere\"");
    compile_fails("{{$main}}", "the only slot is {{$content}}");
    compile_fails("{{=<% %>=}}", "not supported");
    compile_fails("{{a..b}}", "bad name");
    compile_fails("{{.a}}", "bad name");
    /* a tag spanning lines counts its own newlines for what follows */
    compile_fails("{{!\n\n}}\n{{#x}}", "page:4:");
    /* two templates of one name */
    struct tmpl_source two[] = {{"a", "x", 1}, {"a", "y", 1}};
    char err[128];
    assert_null(tmpl_compile(two, 2, err, sizeof(err)));
    assert_non_null(strstr(err, "two templates"));
}

static void test_bounds(void **state)
{
    (void)state;
    /* the output bound: YY_TOO_LARGE, and nothing half-written stays */
    const char *t = "{{#xs}}0123456789{{/xs}}";
    struct tmpl_source src = {"t", t, strlen(t)};
    char err[128];
    struct tmpl_set *s = tmpl_compile(&src, 1, err, sizeof(err));
    assert_non_null(s);
    json_t *data = json_pack("{s:[iiiiiiiiii]}", "xs", 1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
    struct buf b;
    buf_init(&b, 50);
    assert_int_equal(buf_puts(&b, "head"), YY_OK);
    assert_int_equal(tmpl_render(s, "t", NULL, data, &b), YY_TOO_LARGE);
    assert_string_equal(b.data, "head");
    buf_release(&b);
    json_decref(data);
    tmpl_free(s);
    /* a partial that includes itself stops at the depth bound */
    const char *r = "x{{> r}}";
    struct tmpl_source rs = {"r", r, strlen(r)};
    s = tmpl_compile(&rs, 1, err, sizeof(err));
    assert_non_null(s);
    buf_init(&b, 1 << 16);
    assert_int_equal(tmpl_render(s, "r", NULL, NULL, &b), YY_INTERNAL);
    buf_release(&b);
    tmpl_free(s);
    /* sections nested past the bound do not compile */
    char deep[TMPL_MAX_DEPTH * 8 + 64] = "";
    for (int i = 0; i <= TMPL_MAX_DEPTH; i++)
        strcat(deep, "{{#a}}");
    compile_fails(deep, "nested too deep");
}

/* The templates built into the binary compile, and each page renders inside
 * the layout with empty data. */
static void test_builtin_templates(void **state)
{
    (void)state;
    struct tmpl_source src[64];
    size_t n = 0;
    char names[64][64];
    for (unsigned long i = 0; i < web_templates_count && n < 64; i++) {
        const char *dot = strrchr(web_templates[i].name, '.');
        snprintf(names[n], sizeof(names[n]), "%.*s", (int)(dot - web_templates[i].name),
                 web_templates[i].name);
        src[n] = (struct tmpl_source){names[n], web_templates[i].data, web_templates[i].len};
        n++;
    }
    assert_true(n >= 10);
    char err[256];
    struct tmpl_set *s = tmpl_compile(src, n, err, sizeof(err));
    if (!s)
        fail_msg("%s", err);
    json_t *data = json_object();
    for (size_t i = 0; i < n; i++) {
        struct buf b;
        buf_init(&b, 1 << 20);
        assert_int_equal(tmpl_render(s, "layout", names[i], data, &b), YY_OK);
        assert_non_null(strstr(b.data, "<html lang=\"zh-CN\">"));
        buf_release(&b);
    }
    json_decref(data);
    tmpl_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escaping),
        cmocka_unit_test(test_values),
        cmocka_unit_test(test_sections),
        cmocka_unit_test(test_partials_and_layout),
        cmocka_unit_test(test_raw_is_ugly_and_explicit),
        cmocka_unit_test(test_contexts),
        cmocka_unit_test(test_compile_errors_name_the_line),
        cmocka_unit_test(test_bounds),
        cmocka_unit_test(test_builtin_templates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
