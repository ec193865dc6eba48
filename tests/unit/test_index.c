/* The index is refreshed by blob id: only files whose blobs changed are read again. */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "store/index.h"
#include "store/repo.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/fs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char dir[] = "/tmp/journal-test-index.XXXXXX";

static const char *manuscript(int n)
{
    static char text[512];
    snprintf(text, sizeof(text),
             "---\ntitle: \"Article %d\"\nabstract: A\nauthors:\n  - name: Author %d\n"
             "    affiliations: [{name: Academy, country: %s}]\n---\nBody\n",
             n, n, n % 2 ? "KZ" : "Грузия");
    return text;
}

static const char record[] = "number: %d\nstate: submitted\nsubmitted: 2026-01-0%d\n";

static void commit_submission(struct journal_repo *repo, int n, const char *ms)
{
    char ms_path[64], rec_path[64], rec[128];
    snprintf(ms_path, sizeof(ms_path), "submissions/%d/manuscript.md", n);
    snprintf(rec_path, sizeof(rec_path), "submissions/%d/submission.yaml", n);
    snprintf(rec, sizeof(rec), record, n, n);
    struct repo_change changes[] = {{ms_path, ms, strlen(ms), false},
                                    {rec_path, rec, strlen(rec), false}};
    assert_int_equal(repo_commit(repo, changes, 2, "test", NULL), 0);
}

static int setup(void **state)
{
    (void)state;
    if (!mkdtemp(dir))
        return -1;
    char commit[GIT_OID_HEXSZ + 1];
    git_libgit2_init();
    setenv("GIT_AUTHOR_NAME", "Test", 1);
    setenv("GIT_AUTHOR_EMAIL", "test@example.org", 1);
    return repo_init(dir, "Index Test", NULL, 0, commit);
}

static int teardown(void **state)
{
    (void)state;
    fs_remove_tree(dir);
    error_clear();
    git_libgit2_shutdown();
    return 0;
}

static long count(struct journal_index *ix, const char *sql)
{
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(index_db(ix), sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    long v = (long)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

static void test_incremental_refresh(void **state)
{
    (void)state;
    struct journal_repo *repo;
    struct journal_index *ix;
    struct index_refresh_stats st;
    assert_int_equal(repo_open(&repo, dir), 0);
    for (int n = 1; n <= 5; n++)
        commit_submission(repo, n, manuscript(n));

    assert_int_equal(index_open(&ix, repo), 0);
    assert_int_equal(count(ix, "SELECT count(*) FROM submissions"), 5);
    assert_int_equal(count(ix, "SELECT count(*) FROM affiliations WHERE country = 'GE'"), 2);

    /* Nothing committed since: nothing is read. */
    assert_int_equal(index_refresh(ix, false, &st), 0);
    assert_int_equal(st.submissions_read, 0);

    /* One manuscript changes: exactly one is read again, the other four are skipped. */
    commit_submission(repo, 3,
                      "---\ntitle: \"Article 3, revised\"\nabstract: A\nauthors:\n"
                      "  - name: Author 3\n    affiliations: [{name: UNDP, "
                      "international: true}]\n---\nBody\n");
    assert_int_equal(index_refresh(ix, false, &st), 0);
    assert_int_equal(st.submissions_read, 1);
    assert_int_equal(st.unchanged, 4);
    assert_int_equal(count(ix, "SELECT count(*) FROM submissions WHERE title = "
                               "'Article 3, revised'"),
                     1);
    assert_int_equal(count(ix, "SELECT count(*) FROM affiliations WHERE international = 1"), 1);

    /* A removed folder leaves the index too. */
    struct repo_change gone[] = {{"submissions/5/manuscript.md", NULL, 0, true},
                                 {"submissions/5/submission.yaml", NULL, 0, true}};
    assert_int_equal(repo_commit(repo, gone, 2, "remove 5", NULL), 0);
    assert_int_equal(index_refresh(ix, false, &st), 0);
    assert_int_equal(st.submissions_removed, 1);
    assert_int_equal(st.submissions_read, 0);
    assert_int_equal(count(ix, "SELECT count(*) FROM submissions"), 4);
    assert_int_equal(count(ix, "SELECT count(*) FROM authors WHERE submission = 5"), 0);

    /* A manuscript that no longer parses is kept, flagged with its problem. */
    commit_submission(repo, 2, "no front matter\n");
    assert_int_equal(index_refresh(ix, false, &st), 0);
    assert_int_equal(count(ix, "SELECT count(*) FROM submissions WHERE number = 2 AND title IS "
                               "NULL AND problem LIKE 'submissions/2/manuscript.md:1:1:%'"),
                     1);
    index_close(ix);

    /* Rebuilt from nothing, the index says the same. */
    assert_int_equal(index_rebuild(repo, &st), 0);
    assert_int_equal(st.submissions_read, 4);
    assert_int_equal(index_open(&ix, repo), 0);
    assert_int_equal(count(ix, "SELECT count(*) FROM submissions"), 4);
    index_close(ix);
    repo_free(repo);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_incremental_refresh)};
    return cmocka_run_group_tests_name("index", tests, setup, teardown);
}
