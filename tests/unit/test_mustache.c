/*
 * Mustache: the official spec files (one cmocka group per required file, one
 * test per spec case), a check that the optional "~" modules are skipped by
 * name, and tests of what the spec leaves open: error positions, the partial
 * recursion bound and value formatting.
 *
 * Usage: test_mustache SPEC_DIR (or MUSTACHE_SPEC_DIR in the environment).
 */
#define _POSIX_C_SOURCE 200809L

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"
#include "util/error.h"
#include "util/mustache.h"
#include "util/strbuf.h"

static const char *required_specs[] = {
    "comments.json", "delimiters.json", "interpolation.json",
    "inverted.json", "partials.json",   "sections.json",
};
#define NR_REQUIRED (sizeof(required_specs) / sizeof(required_specs[0]))

static const char *spec_dir;

/* ---- helpers ---------------------------------------------------------- */

/* s with control characters and quotes escaped, so whitespace differences show. */
static char *quoted(const char *s)
{
    struct strbuf sb = STRBUF_INIT;
    strbuf_addch(&sb, '"');
    for (; *s; s++) {
        switch (*s) {
        case '\n':
            strbuf_addstr(&sb, "\\n");
            break;
        case '\r':
            strbuf_addstr(&sb, "\\r");
            break;
        case '\t':
            strbuf_addstr(&sb, "\\t");
            break;
        case '"':
            strbuf_addstr(&sb, "\\\"");
            break;
        case '\\':
            strbuf_addstr(&sb, "\\\\");
            break;
        default:
            strbuf_addch(&sb, *s);
            break;
        }
    }
    strbuf_addch(&sb, '"');
    return strbuf_detach(&sb, NULL);
}

static void add_template(struct mustache_set *set, const char *name, const char *src)
{
    int err = mustache_set_add(set, name, src, strlen(src));
    if (err)
        fail_msg("compiling '%s' failed: %s", name, error_message());
}

/* Render template "main" and compare; frees set. */
static void check_render(struct mustache_set *set, const char *data_json, const char *expected)
{
    json_error_t json_error;
    json_t *data = json_loads(data_json, 0, &json_error);
    if (!data)
        fail_msg("bad test data: %s", json_error.text);
    struct strbuf out = STRBUF_INIT;
    int err = mustache_set_render(set, "main", data, &out);
    json_decref(data);
    mustache_set_free(set);
    if (err) {
        strbuf_release(&out);
        fail_msg("rendering failed: %s", error_message());
    }
    if (strcmp(out.buf, expected)) {
        char *want = quoted(expected), *got = quoted(out.buf);
        print_error("expected: %s\nactual:   %s\n", want, got);
        free(want);
        free(got);
        strbuf_release(&out);
        fail_msg("rendered wrongly");
    }
    strbuf_release(&out);
}

/* Compile src as "main" expecting a syntax error with exactly this message. */
static void check_syntax_error(const char *src, const char *message)
{
    struct mustache_set *set = mustache_set_new();
    error_clear();
    int err = mustache_set_add(set, "main", src, strlen(src));
    int has = mustache_set_has(set, "main");
    mustache_set_free(set);
    assert_int_equal(err, JOURNAL_EINPUT);
    assert_false(has);
    assert_string_equal(error_message(), message);
    error_clear();
}

/* ---- the spec --------------------------------------------------------- */

static void run_spec_case(void **state)
{
    json_t *test = *state;
    const char *template = json_string_value(json_object_get(test, "template"));
    const char *expected = json_string_value(json_object_get(test, "expected"));
    assert_non_null(template);
    assert_non_null(expected);

    struct mustache_set *set = mustache_set_new();
    add_template(set, "main", template);
    const char *name;
    json_t *partial;
    json_object_foreach(json_object_get(test, "partials"), name, partial)
    {
        add_template(set, name, json_string_value(partial));
    }

    struct strbuf out = STRBUF_INIT;
    int err = mustache_set_render(set, "main", json_object_get(test, "data"), &out);
    mustache_set_free(set);
    if (err) {
        strbuf_release(&out);
        fail_msg("rendering failed: %s", error_message());
    }
    if (strcmp(out.buf, expected)) {
        char *want = quoted(expected), *got = quoted(out.buf), *tpl = quoted(template);
        print_error("template: %s\nexpected: %s\nactual:   %s\n", tpl, want, got);
        free(want);
        free(got);
        free(tpl);
        strbuf_release(&out);
        fail_msg("spec case '%s' rendered wrongly",
                 json_string_value(json_object_get(test, "name")));
    }
    strbuf_release(&out);
}

static json_t *load_spec(const char *file)
{
    char *path = xasprintf("%s/%s", spec_dir, file);
    json_error_t json_error;
    json_t *spec = json_load_file(path, 0, &json_error);
    if (!spec)
        fprintf(stderr, "%s:%d: %s\n", path, json_error.line, json_error.text);
    free(path);
    return spec;
}

/* One cmocka group named after the file, one test per spec case. Returns the failures. */
static int run_spec_file(const char *file)
{
    json_t *spec = load_spec(file);
    json_t *tests = json_object_get(spec, "tests");
    size_t nr_tests = json_array_size(tests);
    if (!nr_tests) {
        fprintf(stderr, "%s: no spec cases found\n", file);
        json_decref(spec);
        return 1;
    }
    /* Case names repeat across files ("Standalone Without Newline"), so name the file too. */
    struct CMUnitTest *cases = xcalloc(nr_tests, sizeof(*cases));
    for (size_t i = 0; i < nr_tests; i++) {
        json_t *test = json_array_get(tests, i);
        cases[i].name = xasprintf("%s: %s", file, json_string_value(json_object_get(test, "name")));
        cases[i].test_func = run_spec_case;
        cases[i].initial_state = test;
    }
    printf("[----------] spec file %s\n", file);
    int failures = _cmocka_run_group_tests(file, cases, nr_tests, NULL, NULL);
    for (size_t i = 0; i < nr_tests; i++)
        free((char *)cases[i].name);
    free(cases);
    json_decref(spec);
    return failures;
}

/* ---- what the spec directory holds ------------------------------------ */

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int is_required(const char *file)
{
    for (size_t i = 0; i < NR_REQUIRED; i++)
        if (!strcmp(file, required_specs[i]))
            return 1;
    return 0;
}

/* The .json files in the spec directory, sorted; NULL if it cannot be read. */
static char **list_spec_files(size_t *nr)
{
    DIR *dir = opendir(spec_dir);
    if (!dir)
        return NULL;
    char **files = NULL;
    size_t alloc = 0;
    *nr = 0;
    struct dirent *entry;
    while ((entry = readdir(dir))) {
        size_t len = strlen(entry->d_name);
        if (len < 5 || strcmp(entry->d_name + len - 5, ".json"))
            continue;
        ARRAY_GROW(files, *nr + 1, alloc);
        files[(*nr)++] = xstrdup(entry->d_name);
    }
    closedir(dir);
    if (*nr)
        qsort(files, *nr, sizeof(*files), compare_names);
    return files;
}

static void free_names(char **files, size_t nr)
{
    for (size_t i = 0; i < nr; i++)
        free(files[i]);
    free(files);
}

/* Every required file is there, and every other file is an optional "~" module. */
static void test_spec_files_classified(void **state)
{
    (void)state;
    size_t nr = 0, nr_required = 0, nr_unknown = 0;
    char **files = list_spec_files(&nr);
    if (!files)
        fail_msg("cannot read spec directory %s", spec_dir);
    for (size_t i = 0; i < nr; i++) {
        if (is_required(files[i]))
            nr_required++;
        else if (files[i][0] != '~') {
            print_error("%s is neither a required spec file nor an optional '~' module\n",
                        files[i]);
            nr_unknown++;
        }
    }
    free_names(files, nr);
    assert_int_equal(nr_required, NR_REQUIRED);
    assert_int_equal(nr_unknown, 0);
}

/* An optional module: report it as skipped, never as passed. */
static void skip_optional_module(void **state)
{
    const char *file = *state;
    assert_true(file[0] == '~');
    assert_false(is_required(file));
    skip();
}

static int run_optional_modules(void)
{
    size_t nr = 0, nr_optional = 0;
    char **files = list_spec_files(&nr);
    struct CMUnitTest *tests = xcalloc(nr + 1, sizeof(*tests));
    tests[nr_optional++] = (struct CMUnitTest)cmocka_unit_test(test_spec_files_classified);
    for (size_t i = 0; files && i < nr; i++) {
        if (files[i][0] != '~')
            continue;
        tests[nr_optional].name = files[i];
        tests[nr_optional].test_func = skip_optional_module;
        tests[nr_optional].initial_state = files[i];
        nr_optional++;
    }
    printf("[----------] spec directory %s\n", spec_dir);
    int failures = _cmocka_run_group_tests("spec modules", tests, nr_optional, NULL, NULL);
    free(tests);
    free_names(files, nr);
    return failures;
}

/* ---- beyond the spec -------------------------------------------------- */

static void test_unclosed_tag_position(void **state)
{
    (void)state;
    check_syntax_error("line one\nline two\nabc {{title\n",
                       "main:3:5: unclosed tag: expected '}}'");
    check_syntax_error("{{{raw}}", "main:1:1: unclosed tag: expected '}}}'");
    check_syntax_error("{{=<% %>=}}\n  <%name", "main:2:3: unclosed tag: expected '%>'");
    /* Columns count characters, not bytes. */
    check_syntax_error("<p>\xc3\xa9t\xc3\xa9 {{x", "main:1:8: unclosed tag: expected '}}'");
}

static void test_forgotten_close_delimiter(void **state)
{
    (void)state;
    check_syntax_error("<h1>{{title</h1>\n<p>{{body}}</p>\n",
                       "main:1:5: expected '}}' after 'title</h1>'");
    check_syntax_error("{{ }}", "main:1:1: expected a name in the tag");
    check_syntax_error("x\n {{a..b}}", "main:2:2: bad name 'a..b': empty part between dots");
}

static void test_unclosed_section(void **state)
{
    (void)state;
    check_syntax_error("<ul>\n{{#items}}\n  <li>{{name}}</li>\n",
                       "main:2:1: unclosed section 'items'");
    check_syntax_error("{{#a}}{{^b}}{{/b}}", "main:1:1: unclosed section 'a'");
}

static void test_mismatched_section(void **state)
{
    (void)state;
    check_syntax_error("{{#a}}\n  {{#b}}\n  {{/a}}\n",
                       "main:3:3: expected the closing tag for section 'b' (opened at line 2, "
                       "column 3), found one for 'a'");
    check_syntax_error("x{{/a}}", "main:1:2: closing tag for 'a' without an open section");
}

static void test_bad_delimiters(void **state)
{
    (void)state;
    const char *message = "main:2:1: bad delimiter change: expected two delimiters separated by "
                          "whitespace, as in {{=<% %>=}}";
    check_syntax_error("ok\n{{=<%>=}}", message);
    check_syntax_error("ok\n{{=<% %> x=}}", message);
    check_syntax_error("ok\n{{= =}}", message);
}

static void test_failed_add_keeps_old_template(void **state)
{
    (void)state;
    struct mustache_set *set = mustache_set_new();
    add_template(set, "main", "old {{x}}");
    assert_int_equal(mustache_set_add(set, "main", "{{#x}}", 6), JOURNAL_EINPUT);
    error_clear();
    assert_true(mustache_set_has(set, "main"));
    assert_false(mustache_set_has(set, "other"));
    check_render(set, "{\"x\": 1}", "old 1");

    set = mustache_set_new();
    add_template(set, "main", "old");
    add_template(set, "main", "new {{x}}");
    check_render(set, "{\"x\": 2}", "new 2");
}

static void test_many_templates(void **state)
{
    (void)state;
    /* Enough names to make the set grow its table several times. */
    struct mustache_set *set = mustache_set_new();
    struct strbuf main_src = STRBUF_INIT;
    for (int i = 0; i < 200; i++) {
        char name[16], src[32];
        snprintf(name, sizeof(name), "p%d", i);
        snprintf(src, sizeof(src), "%d,", i);
        add_template(set, name, src);
        if (i % 50 == 0)
            strbuf_addf(&main_src, "{{>p%d}}", i);
    }
    add_template(set, "main", main_src.buf);
    strbuf_release(&main_src);
    check_render(set, "{}", "0,50,100,150,");
}

static void test_unknown_template(void **state)
{
    (void)state;
    struct mustache_set *set = mustache_set_new();
    struct strbuf out = STRBUF_INIT;
    assert_int_equal(mustache_set_render(set, "nope", NULL, &out), JOURNAL_EINPUT);
    assert_string_equal(error_message(), "no template named 'nope'");
    assert_int_equal(out.len, 0);
    error_clear();
    mustache_set_free(set);
}

static void test_recursion_bound(void **state)
{
    (void)state;
    struct mustache_set *set = mustache_set_new();
    add_template(set, "main", "{{>loop}}");
    add_template(set, "loop", "x{{>loop}}");
    struct strbuf out = STRBUF_INIT;
    strbuf_addstr(&out, "kept");
    int err = mustache_set_render(set, "main", NULL, &out);
    assert_int_equal(err, JOURNAL_EINPUT);
    assert_string_equal(error_message(),
                        "loop:1:2: partial 'loop' nested more than 64 deep (does it include "
                        "itself?)");
    /* A failed render leaves out as it was. */
    assert_string_equal(out.buf, "kept");
    strbuf_release(&out);
    error_clear();
    mustache_set_free(set);
}

/* A chain of partials as deep as allowed renders; one more level fails. */
static void test_recursion_limit_exact(void **state)
{
    (void)state;
    for (int levels = MUSTACHE_MAX_PARTIAL_DEPTH - 1; levels <= MUSTACHE_MAX_PARTIAL_DEPTH;
         levels++) {
        /* The innermost child is false: a missing one would be found further up the stack. */
        json_t *data = json_pack("{s:b}", "child", 0);
        for (int i = 0; i < levels; i++) {
            json_t *outer = json_object();
            json_object_set_new(outer, "child", data);
            data = outer;
        }
        struct mustache_set *set = mustache_set_new();
        add_template(set, "main", "{{>node}}");
        add_template(set, "node", "<{{#child}}{{>node}}{{/child}}>");
        struct strbuf out = STRBUF_INIT;
        int err = mustache_set_render(set, "main", data, &out);
        json_decref(data);
        mustache_set_free(set);
        if (levels < MUSTACHE_MAX_PARTIAL_DEPTH) {
            assert_int_equal(err, 0);
            assert_int_equal(out.len, 2 * (size_t)(levels + 1));
        } else {
            assert_int_equal(err, JOURNAL_EINPUT);
        }
        strbuf_release(&out);
        error_clear();
    }
}

static void test_nested_arrays_of_objects(void **state)
{
    (void)state;
    struct mustache_set *set = mustache_set_new();
    add_template(set, "main",
                 "<h1>{{journal.title}}</h1>\n"
                 "{{#issues}}\n"
                 "<section>\n"
                 "  <h2>Vol. {{volume}}, No. {{number}}</h2>\n"
                 "  {{>articles}}\n"
                 "</section>\n"
                 "{{/issues}}\n"
                 "{{^issues}}\n"
                 "<p>No issues yet.</p>\n"
                 "{{/issues}}\n");
    add_template(set, "articles",
                 "<ul>\n"
                 "{{#articles}}\n"
                 "  <li>{{title}} ({{journal.abbrev}} {{volume}})\n"
                 "    {{#authors}}{{name}}{{^last}}, {{/last}}{{/authors}}\n"
                 "    {{#keywords}}<kbd>{{.}}</kbd>{{/keywords}}\n"
                 "  </li>\n"
                 "{{/articles}}\n"
                 "{{^articles}}\n"
                 "  <li>Empty issue</li>\n"
                 "{{/articles}}\n"
                 "</ul>\n");
    check_render(set,
                 "{\"journal\": {\"title\": \"Notes & Queries\", \"abbrev\": \"N&Q\"},"
                 " \"issues\": ["
                 "  {\"volume\": 3, \"number\": 1, \"articles\": ["
                 "    {\"title\": \"On <b>bold</b>\","
                 "     \"authors\": [{\"name\": \"Ada\"}, {\"name\": \"Bo\", \"last\": true}],"
                 "     \"keywords\": [\"x\", 2.5]},"
                 "    {\"title\": \"Second\", \"authors\": [{\"name\": \"Cy\", \"last\": true}],"
                 "     \"keywords\": []}]},"
                 "  {\"volume\": 3, \"number\": 2, \"articles\": []}"
                 "]}",
                 "<h1>Notes &amp; Queries</h1>\n"
                 "<section>\n"
                 "  <h2>Vol. 3, No. 1</h2>\n"
                 "  <ul>\n"
                 "    <li>On &lt;b&gt;bold&lt;/b&gt; (N&amp;Q 3)\n"
                 "      Ada, Bo\n"
                 "      <kbd>x</kbd><kbd>2.5</kbd>\n"
                 "    </li>\n"
                 "    <li>Second (N&amp;Q 3)\n"
                 "      Cy\n"
                 "      \n"
                 "    </li>\n"
                 "  </ul>\n"
                 "</section>\n"
                 "<section>\n"
                 "  <h2>Vol. 3, No. 2</h2>\n"
                 "  <ul>\n"
                 "    <li>Empty issue</li>\n"
                 "  </ul>\n"
                 "</section>\n");

    set = mustache_set_new();
    add_template(set, "main", "{{#issues}}x{{/issues}}{{^issues}}<p>No issues yet.</p>{{/issues}}");
    check_render(set, "{\"issues\": []}", "<p>No issues yet.</p>");
}

static void test_value_formatting(void **state)
{
    (void)state;
    struct mustache_set *set = mustache_set_new();
    add_template(set, "main", "{{#.}}[{{.}}]{{/.}}");
    check_render(set,
                 "[1.21, 0.1, 3.0, -0.5, 1e300, 0.30000000000000004, 42, -9007199254740993,"
                 " true, false, null, \"\", 0, {\"a\": 1}, [1], \"'\"]",
                 "[1.21][0.1][3][-0.5][1e+300][0.30000000000000004][42][-9007199254740993]"
                 "[true][false][][][0][][][&#39;]");

    /* Integers as printf writes them, to both ends of their range. */
    json_int_t numbers[] = {
        0,    1,     -1,         9,         10,        -10,           99,           100,
        2026, -2026, 1000000007, INT64_MAX, INT64_MIN, INT64_MAX - 1, INT64_MIN + 1};
    for (size_t i = 0; i < sizeof(numbers) / sizeof(numbers[0]); i++) {
        set = mustache_set_new();
        add_template(set, "main", "{{n}}|{{{n}}}");
        json_t *data = json_pack("{s:I}", "n", numbers[i]);
        struct strbuf out = STRBUF_INIT;
        assert_int_equal(mustache_set_render(set, "main", data, &out), 0);
        char want[64];
        snprintf(want, sizeof(want), "%" JSON_INTEGER_FORMAT "|%" JSON_INTEGER_FORMAT, numbers[i],
                 numbers[i]);
        assert_string_equal(out.buf, want);
        strbuf_release(&out);
        json_decref(data);
        mustache_set_free(set);
    }
}

static void test_nested_standalone_partial_indentation(void **state)
{
    (void)state;
    struct mustache_set *set = mustache_set_new();
    add_template(set, "main", "<body>\n  {{>outer}}\n</body>\n");
    add_template(set, "outer", "<div>\n  {{>inner}}\n</div>\n");
    add_template(set, "inner", "{{#items}}\n<p>{{{.}}}</p>\n{{/items}}\n");
    check_render(set, "{\"items\": [\"a\", \"b\\nc\"]}",
                 "<body>\n  <div>\n    <p>a</p>\n    <p>b\nc</p>\n  </div>\n</body>\n");
}

/* What is shared sits below the page's data: found when the data lacks it, shadowed when the
   data has it, reachable from inside sections, and never touched (its refcount stays 1). */
static void test_render_shared(void **state)
{
    (void)state;
    struct mustache_set *set = mustache_set_new();
    add_template(set, "main",
                 "{{site.title}}|{{title}}|{{#items}}{{t.label}}:{{name}} {{/items}}|{{t.end}}");
    json_t *shared = json_pack("{s:{s:s}, s:{s:s, s:s}, s:s}", "site", "title", "Journal", "t",
                               "label", "Item", "end", "shared end", "title", "shared title");
    json_t *data =
        json_pack("{s:s, s:[{s:s}, {s:s}]}", "title", "Page", "items", "name", "a", "name", "b");
    struct strbuf out = STRBUF_INIT;
    assert_int_equal(mustache_set_render_shared(set, "main", shared, data, &out), 0);
    assert_string_equal(out.buf, "Journal|Page|Item:a Item:b |shared end");
    assert_int_equal(shared->refcount, 1);
    strbuf_reset(&out);
    assert_int_equal(mustache_set_render_shared(set, "main", NULL, data, &out), 0);
    assert_string_equal(out.buf, "|Page|:a :b |");
    strbuf_release(&out);
    json_decref(shared);
    json_decref(data);
    mustache_set_free(set);
}

/* Names inside a list resolve per element: what an element has shadows what is above it, and
   what it lacks is found above it (a list's later elements reuse that: they must not reuse a
   value from an element, a nested list's outer element, or another list). */
static void test_names_in_lists(void **state)
{
    (void)state;
    struct mustache_set *set = mustache_set_new();
    add_template(set, "main",
                 "{{#items}}[{{name}}|{{t.x}}|{{#flag}}y{{/flag}}{{^flag}}n{{/flag}}]"
                 "{{/items}}");
    check_render(
        set,
        "{\"name\": \"top\", \"t\": {\"x\": \"T\"}, \"flag\": true, \"items\": [{\"name\": "
        "\"a\"}, {}, {\"name\": null, \"flag\": false}, {\"t\": {\"x\": \"own\"}}, "
        "{\"t\": 1}, {\"name\": \"f\"}, {}]}",
        "[a|T|y][top|T|y][|T|n][top|own|y][top||y][f|T|y][top|T|y]");

    /* Nested lists: v from the inner element, the outer element, or the top, per element. */
    set = mustache_set_new();
    add_template(set, "main",
                 "{{#outer}}<{{#inner}}{{v}}{{#deep}}({{v}}{{w}}){{/deep}},{{/inner}}>"
                 "{{/outer}}");
    check_render(
        set,
        "{\"v\": 0, \"w\": \"W\", \"outer\": [{\"v\": 1, \"inner\": [{}, {}, {\"v\": 2}]}, "
        "{\"inner\": [{}, {\"v\": 3, \"deep\": {\"w\": \"x\"}}, {\"deep\": [{}, "
        "{\"v\": 4}]}]}, {\"v\": 5, \"w\": \"w5\", \"inner\": [{\"deep\": true}, {}]}]}",
        "<1,1,2,><0,3(3x),0(0W)(4W),><5(5w5),5,>");

    /* The same list inside two sections: each sees what is above it there. */
    set = mustache_set_new();
    add_template(set, "main", "{{#a}}{{>p}}{{/a}}|{{#b}}{{>p}}{{/b}}|{{>p}}");
    add_template(set, "p", "{{#items}}{{x}}{{/items}}");
    json_error_t error;
    json_t *data =
        json_loads("{\"x\": \"0\", \"a\": {\"x\": \"A\"}, \"b\": {\"y\": 1}}", 0, &error);
    json_t *items = json_loads("[{}, {\"x\": \"i\"}, {}]", 0, &error);
    json_object_set(json_object_get(data, "a"), "items", items);
    json_object_set(json_object_get(data, "b"), "items", items);
    json_object_set_new(data, "items", items);
    struct strbuf out = STRBUF_INIT;
    assert_int_equal(mustache_set_render(set, "main", data, &out), 0);
    assert_string_equal(out.buf, "AiA|0i0|0i0");
    strbuf_release(&out);
    json_decref(data);
    mustache_set_free(set);

    /* A template that lists itself: a tree, each node's label from itself or its ancestors. */
    set = mustache_set_new();
    add_template(set, "main", "{{>tree}}");
    add_template(set, "tree", "{{label}}{{#kids}}({{>tree}}){{/kids}}");
    check_render(set,
                 "{\"label\": \"r\", \"kids\": [{\"label\": \"a\", \"kids\": [{\"kids\": []}, "
                 "{\"label\": \"b\", \"kids\": []}, {\"kids\": []}]}, {\"kids\": []}, "
                 "{\"kids\": [{\"kids\": []}, {\"kids\": []}]}]}",
                 "r(a(a)(b)(a))(r)(r(r)(r))");
}

/* Names resolved from the page's data down are remembered per page by their text: what a
   section shadows still wins, dotted names stay inside what their first part found, names
   found nowhere stay empty, and more names than the cache holds still resolve. */
static void test_names_from_the_data(void **state)
{
    (void)state;
    struct mustache_set *set = mustache_set_new();
    add_template(set, "main",
                 "{{x}}{{#items}}{{x}}{{a.b}}{{none}}{{/items}}{{x}}{{a.b}}{{none}}"
                 "{{>p}}");
    add_template(set, "p", "{{#items}}<{{a.b}}{{x}}>{{/items}}");
    check_render(set,
                 "{\"x\": 0, \"a\": {\"b\": \"B\"}, \"items\": [{\"x\": 1}, {}, {\"a\": {}}, "
                 "{\"a\": {\"b\": \"i\"}, \"x\": false}]}",
                 "01B0B0falsei0B<B1><B0><0><ifalse>");

    set = mustache_set_new();
    struct strbuf src = STRBUF_INIT, want = STRBUF_INIT;
    json_t *data = json_object();
    for (int round = 0; round < 2; round++)
        for (int i = 0; i < 300; i++) {
            strbuf_addf(&src, "{{n%d}}{{#l}}{{n%d}}{{/l}}{{m%d}}|", i, i, i);
            char name[16];
            snprintf(name, sizeof(name), "n%d", i);
            json_object_set_new(data, name, json_integer(i));
        }
    json_object_set_new(data, "l", json_pack("[{}, {}]"));
    add_template(set, "main", src.buf);
    struct strbuf out = STRBUF_INIT;
    assert_int_equal(mustache_set_render(set, "main", data, &out), 0);
    /* {{m<i>}} is found nowhere; l's two elements show n<i> twice. */
    strbuf_reset(&want);
    for (int round = 0; round < 2; round++)
        for (int i = 0; i < 300; i++)
            strbuf_addf(&want, "%d%d%d|", i, i, i);
    assert_string_equal(out.buf, want.buf);
    strbuf_release(&out);
    strbuf_release(&src);
    strbuf_release(&want);
    json_decref(data);
    mustache_set_free(set);
}

/* {{x}} with x = s[0..len) must be strbuf_add_html_escaped's escaping, {{{x}}} s itself. */
static void assert_escaped_as_strbuf(struct mustache_set *set, const char *s, size_t len)
{
    json_t *data = json_object();
    json_object_set_new(data, "x", json_stringn_nocheck(s, len));
    struct strbuf out = STRBUF_INIT, want = STRBUF_INIT;
    assert_int_equal(mustache_set_render(set, "main", data, &out), 0);
    strbuf_addch(&want, '[');
    strbuf_add_html_escaped(&want, s, len);
    strbuf_add(&want, "][", 2);
    strbuf_add(&want, s, len);
    strbuf_addch(&want, ']');
    if (out.len != want.len || memcmp(out.buf, want.buf, out.len))
        fail_msg("escaping %zu bytes: got \"%s\", want \"%s\"", len, out.buf, want.buf);
    strbuf_release(&out);
    strbuf_release(&want);
    json_decref(data);
}

/* The escaper reads sixteen bytes at a time: every special byte at every position of
   texts up to three blocks long, block boundaries, NUL and bytes past ASCII, random texts. */
static void test_escaping_as_strbuf(void **state)
{
    (void)state;
    struct mustache_set *set = mustache_set_new();
    add_template(set, "main", "[{{x}}][{{{x}}}]");
    static const char bytes[] = {'&',    '<',    '>',    '"', '\'', '\0', 'a', ' ',        '\x7f',
                                 '\x80', '\xd0', '\xff', '%', '=',  ';',  '#', '\x26' ^ 1, '<' ^ 2};
    char text[64];
    for (size_t len = 0; len <= 50; len++)
        for (size_t at = 0; at < len; at++)
            for (size_t k = 0; k < sizeof(bytes); k++) {
                for (size_t i = 0; i < len; i++)
                    text[i] = (char)('A' + i % 26);
                text[at] = bytes[k];
                assert_escaped_as_strbuf(set, text, len);
                /* And the same byte again at the end, after a stretch of plain bytes. */
                text[len - 1] = bytes[k];
                assert_escaped_as_strbuf(set, text, len);
            }
    srand(61);
    for (int round = 0; round < 20000; round++) {
        size_t len = (size_t)rand() % sizeof(text);
        for (size_t i = 0; i < len; i++)
            text[i] =
                rand() % 4 ? (char)('a' + rand() % 26) : bytes[(size_t)rand() % sizeof(bytes)];
        assert_escaped_as_strbuf(set, text, len);
    }
    mustache_set_free(set);
}

int main(int argc, char **argv)
{
    spec_dir = argc > 1 ? argv[1] : getenv("MUSTACHE_SPEC_DIR");
    if (!spec_dir) {
        fprintf(stderr, "usage: %s SPEC_DIR (or set MUSTACHE_SPEC_DIR)\n", argv[0]);
        return 2;
    }

    int failures = run_optional_modules();
    for (size_t i = 0; i < NR_REQUIRED; i++)
        failures += run_spec_file(required_specs[i]);

    const struct CMUnitTest own_tests[] = {
        cmocka_unit_test(test_unclosed_tag_position),
        cmocka_unit_test(test_forgotten_close_delimiter),
        cmocka_unit_test(test_unclosed_section),
        cmocka_unit_test(test_mismatched_section),
        cmocka_unit_test(test_bad_delimiters),
        cmocka_unit_test(test_failed_add_keeps_old_template),
        cmocka_unit_test(test_many_templates),
        cmocka_unit_test(test_unknown_template),
        cmocka_unit_test(test_recursion_bound),
        cmocka_unit_test(test_recursion_limit_exact),
        cmocka_unit_test(test_nested_arrays_of_objects),
        cmocka_unit_test(test_value_formatting),
        cmocka_unit_test(test_nested_standalone_partial_indentation),
        cmocka_unit_test(test_render_shared),
        cmocka_unit_test(test_escaping_as_strbuf),
        cmocka_unit_test(test_names_in_lists),
        cmocka_unit_test(test_names_from_the_data),
    };
    printf("[----------] beyond the spec\n");
    failures += cmocka_run_group_tests_name("mustache", own_tests, NULL, NULL);
    error_clear();
    return failures ? 1 : 0;
}
