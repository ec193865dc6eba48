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
#include <unistd.h>

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
    return repo_init(dir, "Index Test", NULL, NULL, 0, commit);
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

/* Enough submissions in one commit for the refresh to read them on several threads. */
#define MANY     40 /* numbers 101 to 140 */
#define BAD      6  /* multiples of 7 among them: their manuscripts do not parse */
#define REVIEWED 8  /* multiples of 5: they have a review */

static void commit_many(struct journal_repo *repo, int from, int to, const char *title_prefix)
{
    struct repo_change *changes = xcalloc((size_t)(to - from + 1) * 3, sizeof(*changes));
    char **bufs = xcalloc((size_t)(to - from + 1) * 6, sizeof(*bufs));
    size_t n = 0, nb = 0;
    for (int k = from; k <= to; k++) {
        char *ms_path = bufs[nb++] = xasprintf("submissions/%d/manuscript.md", k);
        char *rec_path = bufs[nb++] = xasprintf("submissions/%d/submission.yaml", k);
        /* Every seventh does not parse; every fifth has a review. */
        char *ms = bufs[nb++] =
            k % 7 ? xasprintf("---\ntitle: \"%s %d\"\nabstract: A\nauthors:\n  - name: Author %d\n"
                              "    affiliations: [{name: Academy, country: KZ}]\n---\nBody\n",
                              title_prefix, k, k)
                  : xstrdup("no front matter\n");
        char *rec = bufs[nb++] = xasprintf(record, k, k % 9 + 1);
        changes[n++] = (struct repo_change){ms_path, ms, strlen(ms), false};
        changes[n++] = (struct repo_change){rec_path, rec, strlen(rec), false};
        if (k % 5 == 0) {
            char *rv_path = bufs[nb++] =
                xasprintf("submissions/%d/reviews/round-1/asel-bekova.yaml", k);
            static const char review[] = "reviewer: asel-bekova\nround: 1\nverdict: accept\n"
                                         "submitted: 2026-02-01\ncomments: Fine.\n";
            changes[n++] = (struct repo_change){rv_path, review, strlen(review), false};
        }
    }
    assert_int_equal(repo_commit(repo, changes, n, "many", NULL), 0);
    for (size_t i = 0; i < nb; i++)
        free(bufs[i]);
    free(bufs);
    free(changes);
}

static void commit_issue(struct journal_repo *repo, int id, const char *title)
{
    char path[64], text[256];
    snprintf(path, sizeof(path), "issues/%d.yaml", id);
    snprintf(text, sizeof(text),
             "volume: 1\nnumber: %d\nyear: 2026\ndate: 2026-01-15\ntitle: \"%s\"\n"
             "articles: []\n",
             id, title);
    struct repo_change change = {path, text, strlen(text), false};
    assert_int_equal(repo_commit(repo, &change, 1, "issue", NULL), 0);
}

/* Many changed submissions are read on worker threads: the index says what one thread would. */
static void test_parallel_refresh(void **state)
{
    (void)state;
    struct journal_repo *repo;
    struct journal_index *ix;
    struct index_refresh_stats st;
    assert_int_equal(repo_open(&repo, dir), 0);
    commit_many(repo, 101, 100 + MANY, "Paper");
    assert_int_equal(index_open(&ix, repo), 0);
    assert_int_equal(count(ix, "SELECT count(*) FROM submissions WHERE number > 100"), MANY);
    assert_int_equal(count(ix, "SELECT count(*) FROM submissions WHERE number > 100 AND title "
                               "= 'Paper ' || number"),
                     MANY - BAD);
    assert_int_equal(count(ix,
                           "SELECT count(*) FROM submissions WHERE number > 100 AND "
                           "title IS NULL AND problem LIKE 'submissions/%/manuscript.md:1:1:%'"),
                     BAD);
    assert_int_equal(count(ix, "SELECT count(*) FROM authors WHERE submission > 100"), MANY - BAD);
    assert_int_equal(count(ix, "SELECT count(*) FROM reviews WHERE submission > 100 AND "
                               "verdict = 'accept'"),
                     REVIEWED);

    /* Those whose manuscripts parse change: read again, on threads, replacing the old rows;
     * the others' folders are as they were. */
    commit_many(repo, 101, 100 + MANY, "Revised");
    assert_int_equal(index_refresh(ix, false, &st), 0);
    assert_int_equal(st.submissions_read, MANY - BAD);
    assert_true(st.unchanged >= BAD);
    assert_int_equal(count(ix, "SELECT count(*) FROM submissions WHERE title LIKE 'Paper%'"), 0);
    assert_int_equal(count(ix, "SELECT count(*) FROM authors WHERE submission > 100"), MANY - BAD);
    index_close(ix);

    /* Forced, everything is read, and the result is the same. */
    assert_int_equal(index_rebuild(repo, &st), 0);
    assert_int_equal(index_open(&ix, repo), 0);
    assert_int_equal(count(ix, "SELECT count(*) FROM submissions WHERE title LIKE 'Revised%'"),
                     MANY - BAD);
    assert_int_equal(count(ix, "SELECT count(*) FROM reviews WHERE submission > 100"), REVIEWED);
    index_close(ix);
    repo_free(repo);
}

/*
 * A commit that leaves submissions/ as it was does not list the submissions at
 * all; the next one that changes a submission is noticed as before.
 */
static void test_unchanged_folder(void **state)
{
    (void)state;
    struct journal_repo *repo;
    struct journal_index *ix;
    struct index_refresh_stats st;
    assert_int_equal(repo_open(&repo, dir), 0);
    commit_submission(repo, 201, manuscript(201));
    assert_int_equal(index_open(&ix, repo), 0);
    long before = count(ix, "SELECT count(*) FROM submissions");

    commit_issue(repo, 7, "Seven");
    assert_int_equal(index_refresh(ix, false, &st), 0);
    assert_int_equal(st.issues_read, 1);
    assert_int_equal(st.submissions_read, 0);
    assert_int_equal(st.unchanged, 0); /* not even compared one by one */
    assert_int_equal(count(ix, "SELECT count(*) FROM issues WHERE id = 7 AND title = 'Seven'"), 1);

    commit_submission(repo, 201,
                      "---\ntitle: \"Changed\"\nabstract: A\nauthors:\n  - name: B\n"
                      "    affiliations: [{name: UNDP, international: true}]\n---\nBody\n");
    assert_int_equal(index_refresh(ix, false, &st), 0);
    assert_int_equal(st.submissions_read, 1);
    assert_int_equal(st.issues_read, 0);
    assert_int_equal(count(ix, "SELECT count(*) FROM submissions WHERE number = 201 AND title = "
                               "'Changed'"),
                     1);
    assert_int_equal(count(ix, "SELECT count(*) FROM submissions"), before);

    /* An issue edited and one removed: only issues/ is read again. */
    commit_issue(repo, 7, "Seven, corrected");
    struct repo_change gone = {"issues/7.yaml", NULL, 0, true};
    commit_issue(repo, 8, "Eight");
    assert_int_equal(repo_commit(repo, &gone, 1, "remove 7", NULL), 0);
    assert_int_equal(index_refresh(ix, false, &st), 0);
    assert_int_equal(st.submissions_read, 0);
    assert_int_equal(count(ix, "SELECT count(*) FROM issues WHERE id = 7"), 0);
    assert_int_equal(count(ix, "SELECT count(*) FROM issues WHERE id = 8"), 1);

    /* The index deleted behind journal's back is rebuilt whole, fast path or not. */
    index_close(ix);
    char *db = fs_join(repo->state_dir, "index.db");
    unlink(db);
    free(db);
    assert_int_equal(index_open(&ix, repo), 0);
    assert_int_equal(count(ix, "SELECT count(*) FROM submissions"), before);
    index_close(ix);
    repo_free(repo);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_incremental_refresh),
                                       cmocka_unit_test(test_parallel_refresh),
                                       cmocka_unit_test(test_unchanged_folder)};
    return cmocka_run_group_tests_name("index", tests, setup, teardown);
}
