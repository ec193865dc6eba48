/*
 * The site cache (store/sitecache.c) keeps what a build derived from git objects: issue
 * manifests by blob, article locations by folder tree, and per unit the stat data of its
 * folders. What it gives back must be what was recorded, field by field, and a damaged row
 * must read as missing, never as something else.
 */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "model/issue.h"
#include "store/sitecache.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/strbuf.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char dir[] = "/tmp/journal-test-sitecache.XXXXXX";

static int setup(void **state)
{
    (void)state;
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    fs_remove_tree(dir);
    return 0;
}

static const char full_issue[] = "volume: 3\n"
                                 "number: S2\n"
                                 "year: 2026\n"
                                 "date: 2026-06-01\n"
                                 "title: \"Merit: a \\\"special\\\" issue\\nin two lines\"\n"
                                 "special: Civil service reform\n"
                                 "guest_editors:\n"
                                 "  - Li Wei\n"
                                 "  - {name: Asel Bekova, affiliation: \"Almaty School: 12: 3\"}\n"
                                 "pagination: typeset\n"
                                 "articles:\n"
                                 "  - {submission: 12, pages: \"1-14\", supplementary: [data.csv, "
                                 "\"raw/a b.zip\"]}\n"
                                 "  - 7\n"
                                 "  - {submission: 30, pages: \"\"}\n"
                                 "corrections:\n"
                                 "  - {date: 2026-07-01, note: \"Page 3: a typo.\"}\n";

static const char plain_issue[] = "volume: 1\nnumber: 1\nyear: 2025\ndate: 2025-01-15\n"
                                  "articles: []\n";

static void parse(struct issue_manifest *is, const char *text)
{
    assert_int_equal(issue_parse(is, 5, "issues/5.yaml", text, strlen(text), NULL), 0);
}

static void assert_same_text(const char *a, const char *b)
{
    if (!a || !b)
        assert_ptr_equal(a, b);
    else
        assert_string_equal(a, b);
}

static void assert_same_issue(const struct issue_manifest *a, const struct issue_manifest *b)
{
    assert_int_equal(a->volume, b->volume);
    assert_int_equal(a->number, b->number);
    assert_int_equal(a->special_series, b->special_series);
    assert_int_equal(a->pages_typeset, b->pages_typeset);
    assert_int_equal(a->year, b->year);
    assert_same_text(a->date, b->date);
    assert_same_text(a->title, b->title);
    assert_same_text(a->special, b->special);
    assert_int_equal(a->nguest_editors, b->nguest_editors);
    for (size_t i = 0; i < a->nguest_editors; i++) {
        assert_same_text(a->guest_editors[i].name, b->guest_editors[i].name);
        assert_same_text(a->guest_editors[i].affiliation, b->guest_editors[i].affiliation);
    }
    assert_int_equal(a->narticles, b->narticles);
    for (size_t i = 0; i < a->narticles; i++) {
        assert_int_equal(a->articles[i], b->articles[i]);
        assert_int_equal(a->article_lines[i], b->article_lines[i]);
        assert_same_text(a->pages[i], b->pages[i]);
        assert_int_equal(a->supplementary[i].nfiles, b->supplementary[i].nfiles);
        for (size_t k = 0; k < a->supplementary[i].nfiles; k++)
            assert_string_equal(a->supplementary[i].files[k], b->supplementary[i].files[k]);
    }
    assert_int_equal(a->corrections != NULL, b->corrections != NULL);
    assert_int_equal(a->ncorrections, b->ncorrections);
    for (size_t i = 0; i < a->ncorrections; i++) {
        assert_same_text(a->corrections[i].date, b->corrections[i].date);
        assert_same_text(a->corrections[i].note, b->corrections[i].note);
    }
}

static void oid_of(git_oid *id, const char *text)
{
    git_odb_hash(id, text, strlen(text), GIT_OBJECT_BLOB);
}

static char *state_dir(const char *name)
{
    char *d = fs_join(dir, name);
    assert_int_equal(fs_mkdirs(d), 0);
    return d;
}

static void save(struct site_cache *c, const struct site_cache_record *r)
{
    int rc = site_cache_save(c, r);
    if (rc)
        fail_msg("%s", error_message());
}

static void test_issues_come_back_as_parsed(void **state)
{
    (void)state;
    char *sd = state_dir("issues");
    struct issue_manifest parsed[2];
    parse(&parsed[0], full_issue);
    parse(&parsed[1], plain_issue);
    assert_true(parsed[0].special_series && parsed[0].number == 2);
    assert_true(parsed[0].pages_typeset);
    assert_false(parsed[1].pages_typeset);
    assert_int_equal(parsed[0].supplementary[0].nfiles, 2);
    assert_false(parsed[1].special_series);
    git_oid blobs[2];
    oid_of(&blobs[0], full_issue);
    oid_of(&blobs[1], plain_issue);
    struct strbuf encoded[2] = {STRBUF_INIT, STRBUF_INIT};
    for (int i = 0; i < 2; i++)
        site_cache_issue_encode(&parsed[i], &encoded[i]);

    struct site_cache *c;
    assert_int_equal(site_cache_open(&c, sd, "/tmp/out"), 0);
    struct issue_manifest got;
    assert_false(site_cache_issue(c, &blobs[0], &got));
    struct site_cache_record r = {.issue_blobs = blobs, .issues = encoded, .nissues = 2};
    save(c, &r);
    site_cache_close(c);

    assert_int_equal(site_cache_open(&c, sd, "/tmp/out"), 0);
    for (int i = 0; i < 2; i++) {
        assert_true(site_cache_issue(c, &blobs[i], &got));
        assert_int_equal(got.id, 0);
        got.id = parsed[i].id;
        assert_same_issue(&parsed[i], &got);
        issue_free(&got);
    }
    git_oid other;
    oid_of(&other, "volume: 9\n");
    assert_false(site_cache_issue(c, &other, &got));
    site_cache_close(c);

    /* Damaged rows: cut short, with trailing bytes, a length past the end, a key that is not a
       git id. Each reads as missing. */
    sqlite3 *db;
    char *path = fs_join(sd, "index.db");
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, "UPDATE site_issues SET manifest = ?1 WHERE blob = ?2",
                                        -1, &st, NULL),
                     SQLITE_OK);
    const char *damaged[] = {"3 2 ", "", "3 2 2026 10:2026-06-01- - 0 0 1 x",
                             "99999999999999999999 ", "1 1 2025 900:x"};
    for (size_t k = 0; k < sizeof(damaged) / sizeof(*damaged); k++) {
        sqlite3_reset(st);
        sqlite3_bind_blob(st, 1, damaged[k], (int)strlen(damaged[k]), SQLITE_STATIC);
        sqlite3_bind_blob(st, 2, blobs[k % 2].id, GIT_OID_RAWSZ, SQLITE_STATIC);
        assert_int_equal(sqlite3_step(st), SQLITE_DONE);
        struct site_cache *d;
        assert_int_equal(site_cache_open(&d, sd, "/tmp/out"), 0);
        assert_false(site_cache_issue(d, &blobs[k % 2], &got));
        site_cache_close(d);
    }
    sqlite3_finalize(st);
    assert_int_equal(sqlite3_exec(db,
                                  "INSERT INTO site_issues(blob, manifest) VALUES(x'0102', '1 ')",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);
    assert_int_equal(site_cache_open(&c, sd, "/tmp/out"), 0);
    site_cache_close(c);

    free(path);
    for (int i = 0; i < 2; i++) {
        issue_free(&parsed[i]);
        strbuf_release(&encoded[i]);
    }
    free(sd);
}

static void test_locations_and_folders(void **state)
{
    (void)state;
    char *sd = state_dir("locations");
    struct site_cache_location at[2];
    memset(at, 0, sizeof(at));
    oid_of(&at[0].tree, "tree 1");
    oid_of(&at[0].record, "record 1");
    oid_of(&at[0].manuscript, "manuscript 1");
    oid_of(&at[0].reviews, "reviews 1");
    oid_of(&at[1].tree, "tree 2");
    oid_of(&at[1].record, "record 2");
    oid_of(&at[1].manuscript, "manuscript 2");
    char *files[] = {"articles/1/index.html", "articles/1/citation.bib"};
    unsigned char folders[40];
    for (size_t i = 0; i < sizeof(folders); i++)
        folders[i] = (unsigned char)(i * 7);
    struct site_cache_unit unit = {.name = "article/1",
                                   .key = "k",
                                   .files = files,
                                   .nfiles = 2,
                                   .folders = folders,
                                   .folders_len = sizeof(folders)};
    const struct site_cache_unit *units[] = {&unit};
    bool write[] = {true};

    struct site_cache *c;
    assert_int_equal(site_cache_open(&c, sd, "/tmp/out"), 0);
    struct site_cache_record r = {
        .units = units, .write = write, .nunits = 1, .locations = at, .nlocations = 2};
    save(c, &r);
    site_cache_close(c);

    assert_int_equal(site_cache_open(&c, sd, "/tmp/out"), 0);
    for (int i = 0; i < 2; i++) {
        const struct site_cache_location *l = site_cache_location(c, &at[i].tree);
        assert_non_null(l);
        assert_true(git_oid_equal(&l->tree, &at[i].tree));
        assert_true(git_oid_equal(&l->record, &at[i].record));
        assert_true(git_oid_equal(&l->manuscript, &at[i].manuscript));
        assert_true(git_oid_equal(&l->reviews, &at[i].reviews));
    }
    assert_null(site_cache_location(c, &at[0].record));
    const struct site_cache_unit *u = site_cache_find(c, "article/1");
    assert_non_null(u);
    assert_int_equal(u->nfiles, 2);
    assert_string_equal(u->files[1], "articles/1/citation.bib");
    assert_int_equal(u->folders_len, sizeof(folders));
    assert_memory_equal(u->folders, folders, sizeof(folders));
    site_cache_close(c);

    /* Another output folder has units of its own, and the same locations. */
    assert_int_equal(site_cache_open(&c, sd, "/tmp/other"), 0);
    assert_null(site_cache_find(c, "article/1"));
    assert_non_null(site_cache_location(c, &at[1].tree));
    site_cache_close(c);
    free(sd);
}

int main(void)
{
    git_libgit2_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_issues_come_back_as_parsed),
        cmocka_unit_test(test_locations_and_folders),
    };
    int rc = cmocka_run_group_tests(tests, setup, teardown);
    git_libgit2_shutdown();
    return rc;
}
