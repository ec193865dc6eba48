#define _POSIX_C_SOURCE 200809L
#include "store/index.h"

#include "model/country.h"
#include "model/issue.h"
#include "model/language.h"
#include "model/manuscript.h"
#include "model/record.h"
#include "model/review.h"
#include "store/db.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/fs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define INDEX_SCHEMA_VERSION "2"

struct journal_index {
    sqlite3 *db;
    struct journal_repo *repo;
    struct country_db *countries;
    struct language_db *languages;
};

static const char schema[] =
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);"
    "CREATE TABLE IF NOT EXISTS submissions("
    "  number INTEGER PRIMARY KEY, state TEXT, round INTEGER, title TEXT, subtitle TEXT,"
    "  lang TEXT, type TEXT, abstract TEXT, submitted TEXT, accepted TEXT, decided TEXT,"
    "  published TEXT, issue INTEGER, doi TEXT, tree_oid TEXT, problem TEXT);"
    "CREATE TABLE IF NOT EXISTS authors("
    "  submission INTEGER, position INTEGER, name TEXT, email TEXT, orcid TEXT,"
    "  corresponding INTEGER, PRIMARY KEY(submission, position));"
    "CREATE TABLE IF NOT EXISTS affiliations("
    "  submission INTEGER, author INTEGER, position INTEGER, name TEXT, country TEXT,"
    "  international INTEGER, PRIMARY KEY(submission, author, position));"
    "CREATE TABLE IF NOT EXISTS keywords("
    "  submission INTEGER, position INTEGER, keyword TEXT, PRIMARY KEY(submission, position));"
    "CREATE TABLE IF NOT EXISTS issues("
    "  id INTEGER PRIMARY KEY, volume INTEGER, number INTEGER, year INTEGER, date TEXT,"
    "  title TEXT, special TEXT, oid TEXT, problem TEXT);"
    "CREATE TABLE IF NOT EXISTS issue_articles("
    "  issue INTEGER, position INTEGER, submission INTEGER, PRIMARY KEY(issue, position));"
    "CREATE TABLE IF NOT EXISTS assignments("
    "  submission INTEGER, reviewer TEXT, round INTEGER, invited TEXT, due TEXT,"
    "  override TEXT, PRIMARY KEY(submission, reviewer, round));"
    "CREATE TABLE IF NOT EXISTS reviews("
    "  submission INTEGER, reviewer TEXT, round INTEGER, verdict TEXT, submitted TEXT,"
    "  PRIMARY KEY(submission, reviewer, round));"
    /* Answers of ORCID and ROR (journal enrich), by URL: a cache like the rest. */
    "CREATE TABLE IF NOT EXISTS lookups("
    "  url TEXT PRIMARY KEY, status INTEGER, body TEXT, fetched TEXT);"
    "CREATE INDEX IF NOT EXISTS assignments_reviewer ON assignments(reviewer);"
    "CREATE INDEX IF NOT EXISTS affiliations_country ON affiliations(country);"
    "CREATE INDEX IF NOT EXISTS submissions_state ON submissions(state);";

static int db_error(struct journal_index *ix, const char *what)
{
    return db_fail(ix->db, "index", what);
}

static int exec(struct journal_index *ix, const char *sql)
{
    return db_exec(ix->db, "index", sql);
}

static int prepare(struct journal_index *ix, sqlite3_stmt **st, const char *sql)
{
    return db_prepare(ix->db, "index", st, sql);
}

static int meta_get(struct journal_index *ix, const char *key, char **value)
{
    sqlite3_stmt *st;
    *value = NULL;
    int rc = prepare(ix, &st, "SELECT value FROM meta WHERE key = ?");
    if (rc)
        return rc;
    db_bind_text(st, 1, key);
    if (sqlite3_step(st) == SQLITE_ROW)
        *value = db_column_dup(st, 0);
    sqlite3_finalize(st);
    return 0;
}

static int meta_set(struct journal_index *ix, const char *key, const char *value)
{
    sqlite3_stmt *st;
    int rc = prepare(ix, &st, "INSERT OR REPLACE INTO meta(key, value) VALUES(?, ?)");
    if (rc)
        return rc;
    db_bind_text(st, 1, key);
    db_bind_text(st, 2, value);
    if (sqlite3_step(st) != SQLITE_DONE)
        rc = db_error(ix, "write");
    sqlite3_finalize(st);
    return rc;
}

static int open_schema(struct journal_index *ix)
{
    char *version = NULL;
    int rc = exec(ix, schema);
    if (!rc)
        rc = meta_get(ix, "schema_version", &version);
    if (!rc && version && strcmp(version, INDEX_SCHEMA_VERSION)) {
        /* An index from another version of journal: it is only a cache, start again. */
        rc = exec(ix, "DROP TABLE IF EXISTS meta; DROP TABLE IF EXISTS submissions;"
                      "DROP TABLE IF EXISTS authors; DROP TABLE IF EXISTS affiliations;"
                      "DROP TABLE IF EXISTS keywords; DROP TABLE IF EXISTS issues;"
                      "DROP TABLE IF EXISTS issue_articles; DROP TABLE IF EXISTS assignments;"
                      "DROP TABLE IF EXISTS reviews; DROP TABLE IF EXISTS lookups;");
        if (!rc)
            rc = exec(ix, schema);
    }
    if (!rc)
        rc = meta_set(ix, "schema_version", INDEX_SCHEMA_VERSION);
    free(version);
    return rc;
}

int index_open(struct journal_index **out, struct journal_repo *repo)
{
    *out = NULL;
    int rc = fs_mkdirs(repo->state_dir);
    if (rc)
        return rc;
    struct journal_index *ix = xcalloc(1, sizeof(*ix));
    ix->repo = repo;
    char *path = fs_join(repo->state_dir, "index.db");
    if (sqlite3_open_v2(path, &ix->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
        SQLITE_OK) {
        rc = error_internal("cannot open the index %s: %s", path, sqlite3_errmsg(ix->db));
        free(path);
        index_close(ix);
        return rc;
    }
    free(path);
    sqlite3_busy_timeout(ix->db, 30000);
    rc = exec(ix, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=OFF;");
    if (!rc)
        rc = open_schema(ix);
    if (!rc)
        rc = index_refresh(ix, false, NULL);
    if (rc) {
        index_close(ix);
        return rc;
    }
    *out = ix;
    return 0;
}

void index_close(struct journal_index *ix)
{
    if (!ix)
        return;
    sqlite3_close(ix->db);
    country_db_free(ix->countries);
    language_db_free(ix->languages);
    free(ix);
}

sqlite3 *index_db(struct journal_index *ix)
{
    return ix->db;
}

static int ensure_iso_data(struct journal_index *ix)
{
    int rc = 0;
    if (!ix->countries)
        rc = country_db_open(&ix->countries, NULL, NULL);
    if (!rc && !ix->languages)
        rc = language_db_open(&ix->languages, NULL, NULL);
    return rc;
}

static int delete_submission(struct journal_index *ix, unsigned long number)
{
    static const char *const sql[] = {"DELETE FROM submissions WHERE number = ?",
                                      "DELETE FROM authors WHERE submission = ?",
                                      "DELETE FROM affiliations WHERE submission = ?",
                                      "DELETE FROM keywords WHERE submission = ?",
                                      "DELETE FROM assignments WHERE submission = ?",
                                      "DELETE FROM reviews WHERE submission = ?"};
    for (size_t i = 0; i < sizeof(sql) / sizeof(*sql); i++) {
        sqlite3_stmt *st;
        int rc = prepare(ix, &st, sql[i]);
        if (rc)
            return rc;
        sqlite3_bind_int64(st, 1, (sqlite3_int64)number);
        rc = sqlite3_step(st) == SQLITE_DONE ? 0 : db_error(ix, "delete");
        sqlite3_finalize(st);
        if (rc)
            return rc;
    }
    return 0;
}

static int insert_people(struct journal_index *ix, unsigned long number, const struct manuscript *m)
{
    sqlite3_stmt *a = NULL, *f = NULL, *k = NULL;
    int rc = prepare(ix, &a,
                     "INSERT INTO authors(submission, position, name, email, orcid, corresponding)"
                     " VALUES(?, ?, ?, ?, ?, ?)");
    if (!rc)
        rc = prepare(ix, &f,
                     "INSERT INTO affiliations(submission, author, position, name, country,"
                     " international) VALUES(?, ?, ?, ?, ?, ?)");
    if (!rc)
        rc = prepare(ix, &k, "INSERT INTO keywords(submission, position, keyword) VALUES(?, ?, ?)");
    for (size_t i = 0; !rc && i < m->nauthors; i++) {
        const struct author *au = &m->authors[i];
        sqlite3_reset(a);
        sqlite3_bind_int64(a, 1, (sqlite3_int64)number);
        sqlite3_bind_int64(a, 2, (sqlite3_int64)i);
        db_bind_text(a, 3, au->name);
        db_bind_text(a, 4, au->email);
        db_bind_text(a, 5, au->orcid[0] ? au->orcid : NULL);
        sqlite3_bind_int(a, 6, au->corresponding);
        if (sqlite3_step(a) != SQLITE_DONE)
            rc = db_error(ix, "write");
        for (size_t j = 0; !rc && j < au->naffiliations; j++) {
            const struct affiliation *af = &au->affiliations[j];
            sqlite3_reset(f);
            sqlite3_bind_int64(f, 1, (sqlite3_int64)number);
            sqlite3_bind_int64(f, 2, (sqlite3_int64)i);
            sqlite3_bind_int64(f, 3, (sqlite3_int64)j);
            db_bind_text(f, 4, af->name);
            db_bind_text(f, 5, af->country[0] ? af->country : NULL);
            sqlite3_bind_int(f, 6, af->international);
            if (sqlite3_step(f) != SQLITE_DONE)
                rc = db_error(ix, "write");
        }
    }
    for (size_t i = 0; !rc && i < m->nkeywords; i++) {
        sqlite3_reset(k);
        sqlite3_bind_int64(k, 1, (sqlite3_int64)number);
        sqlite3_bind_int64(k, 2, (sqlite3_int64)i);
        db_bind_text(k, 3, m->keywords[i]);
        if (sqlite3_step(k) != SQLITE_DONE)
            rc = db_error(ix, "write");
    }
    sqlite3_finalize(a);
    sqlite3_finalize(f);
    sqlite3_finalize(k);
    return rc;
}

static int insert_assignments(struct journal_index *ix, const struct submission_record *r)
{
    sqlite3_stmt *st;
    int rc = prepare(ix, &st,
                     "INSERT OR REPLACE INTO assignments(submission, reviewer, round, invited, due,"
                     " override) VALUES(?, ?, ?, ?, ?, ?)");
    for (size_t i = 0; !rc && i < r->nassignments; i++) {
        const struct record_assignment *a = &r->assignments[i];
        sqlite3_reset(st);
        sqlite3_bind_int64(st, 1, (sqlite3_int64)r->number);
        db_bind_text(st, 2, a->reviewer);
        sqlite3_bind_int64(st, 3, (sqlite3_int64)a->round);
        db_bind_text(st, 4, a->invited);
        db_bind_text(st, 5, a->due);
        db_bind_text(st, 6, a->override);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = db_error(ix, "write");
    }
    sqlite3_finalize(st);
    return rc;
}

struct review_walk {
    struct journal_index *ix;
    unsigned long number;
    sqlite3_stmt *st;
    int rc;
};

/* reviews/round-<r>/<reviewer>.yaml: a review that does not parse is left out of the index. */
static int index_review_entry(const char *root, const git_tree_entry *entry, void *payload)
{
    struct review_walk *w = payload;
    if (git_tree_entry_type(entry) != GIT_OBJECT_BLOB)
        return 0;
    git_blob *blob = NULL;
    if (git_blob_lookup(&blob, w->ix->repo->git, git_tree_entry_id(entry)) < 0) {
        w->rc = repo_git_error(git_tree_entry_name(entry));
        return -1;
    }
    char *path =
        xasprintf("submissions/%lu/reviews/%s%s", w->number, root, git_tree_entry_name(entry));
    struct review rv;
    if (review_parse(&rv, path, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob)) == 0) {
        sqlite3_reset(w->st);
        sqlite3_bind_int64(w->st, 1, (sqlite3_int64)w->number);
        db_bind_text(w->st, 2, rv.reviewer);
        sqlite3_bind_int64(w->st, 3, (sqlite3_int64)rv.round);
        db_bind_text(w->st, 4, rv.verdict);
        db_bind_text(w->st, 5, rv.submitted);
        if (sqlite3_step(w->st) != SQLITE_DONE)
            w->rc = db_error(w->ix, "write");
        review_free(&rv);
    }
    error_clear();
    free(path);
    git_blob_free(blob);
    return w->rc ? -1 : 0;
}

static int insert_reviews(struct journal_index *ix, git_tree *root, unsigned long number)
{
    char path[64];
    git_tree *dir = NULL;
    snprintf(path, sizeof(path), "submissions/%lu/reviews", number);
    int rc = repo_subtree(ix->repo->git, root, path, &dir);
    if (rc || !dir)
        return rc;
    struct review_walk w = {ix, number, NULL, 0};
    rc = prepare(ix, &w.st,
                 "INSERT OR REPLACE INTO reviews(submission, reviewer, round, verdict, submitted)"
                 " VALUES(?, ?, ?, ?, ?)");
    if (!rc && git_tree_walk(dir, GIT_TREEWALK_PRE, index_review_entry, &w) < 0 && !w.rc)
        w.rc = repo_git_error(path);
    if (!rc)
        rc = w.rc;
    sqlite3_finalize(w.st);
    git_tree_free(dir);
    return rc;
}

/* Read one submission folder from the tree into the index. */
static int index_submission(struct journal_index *ix, git_tree *tree, unsigned long number,
                            const char *tree_oid)
{
    char ms_path[64], rec_path[64];
    snprintf(ms_path, sizeof(ms_path), "submissions/%lu/manuscript.md", number);
    snprintf(rec_path, sizeof(rec_path), "submissions/%lu/submission.yaml", number);
    struct strbuf text = STRBUF_INIT;
    struct manuscript m = {0};
    struct submission_record r = {0};
    char *problem = NULL;
    bool have_ms = false, have_rec = false;

    int rc = ensure_iso_data(ix);
    if (rc)
        return rc;
    rc = repo_read_from_tree(ix->repo->git, tree, rec_path, &text, NULL);
    if (!rc)
        rc = record_parse(&r, rec_path, text.buf, text.len);
    if (rc == JOURNAL_EINPUT)
        problem = xstrdup(error_message());
    else if (rc)
        goto done;
    have_rec = !rc;
    strbuf_reset(&text);
    struct manuscript_rules rules = {ix->countries, ix->languages, ix->repo->config.languages[0]};
    rc = repo_read_from_tree(ix->repo->git, tree, ms_path, &text, NULL);
    if (!rc)
        rc = manuscript_parse(&m, ms_path, text.buf, text.len, &rules);
    if (rc == JOURNAL_EINPUT && !problem)
        problem = xstrdup(error_message());
    else if (rc && rc != JOURNAL_EINPUT)
        goto done;
    have_ms = !rc;

    rc = delete_submission(ix, number);
    sqlite3_stmt *st = NULL;
    if (!rc)
        rc = prepare(ix, &st,
                     "INSERT INTO submissions(number, state, title, subtitle, lang, type, abstract,"
                     " submitted, accepted, published, issue, doi, tree_oid, problem, round,"
                     " decided) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!rc) {
        sqlite3_bind_int64(st, 1, (sqlite3_int64)number);
        db_bind_text(st, 2, have_rec ? r.state : NULL);
        db_bind_text(st, 3, have_ms ? m.title : NULL);
        db_bind_text(st, 4, have_ms ? m.subtitle : NULL);
        db_bind_text(st, 5, have_ms ? m.lang : NULL);
        db_bind_text(st, 6, have_ms ? m.type : NULL);
        db_bind_text(st, 7, have_ms ? m.abstract : NULL);
        db_bind_text(st, 8, have_rec ? r.submitted : NULL);
        db_bind_text(st, 9, have_rec ? r.accepted : NULL);
        db_bind_text(st, 10, have_rec ? r.published : NULL);
        if (have_rec && r.issue)
            sqlite3_bind_int64(st, 11, (sqlite3_int64)r.issue);
        db_bind_text(st, 12, have_rec ? r.doi : NULL);
        db_bind_text(st, 13, tree_oid);
        db_bind_text(st, 14, problem);
        sqlite3_bind_int64(st, 15, have_rec ? (sqlite3_int64)r.round : 1);
        db_bind_text(st, 16, have_rec ? r.decided : NULL);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = db_error(ix, "write");
        sqlite3_finalize(st);
    }
    if (!rc && have_ms)
        rc = insert_people(ix, number, &m);
    if (!rc && have_rec)
        rc = insert_assignments(ix, &r);
    if (!rc)
        rc = insert_reviews(ix, tree, number);
done:
    if (rc)
        error_prefix("indexing submission %lu", number);
    else
        error_clear();
    free(problem);
    manuscript_free(&m);
    record_free(&r);
    strbuf_release(&text);
    return rc;
}

static int index_issue(struct journal_index *ix, git_tree *tree, unsigned long id, const char *oid)
{
    char path[64];
    snprintf(path, sizeof(path), "issues/%lu.yaml", id);
    struct strbuf text = STRBUF_INIT;
    struct issue_manifest is = {0};
    sqlite3_stmt *st = NULL;
    int rc = repo_read_from_tree(ix->repo->git, tree, path, &text, NULL);
    char *problem = NULL;
    if (!rc)
        rc = issue_parse(&is, id, path, text.buf, text.len);
    if (rc == JOURNAL_EINPUT)
        problem = xstrdup(error_message());
    else if (rc)
        goto done;
    bool ok = !rc;
    rc = prepare(ix, &st, "DELETE FROM issue_articles WHERE issue = ?");
    if (!rc) {
        sqlite3_bind_int64(st, 1, (sqlite3_int64)id);
        rc = sqlite3_step(st) == SQLITE_DONE ? 0 : db_error(ix, "delete");
        sqlite3_finalize(st);
    }
    if (!rc)
        rc = prepare(ix, &st,
                     "INSERT OR REPLACE INTO issues(id, volume, number, year, date, title, special,"
                     " oid, problem) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!rc) {
        sqlite3_bind_int64(st, 1, (sqlite3_int64)id);
        sqlite3_bind_int64(st, 2, (sqlite3_int64)is.volume);
        sqlite3_bind_int64(st, 3, (sqlite3_int64)is.number);
        sqlite3_bind_int64(st, 4, (sqlite3_int64)is.year);
        db_bind_text(st, 5, is.date);
        db_bind_text(st, 6, is.title);
        db_bind_text(st, 7, is.special);
        db_bind_text(st, 8, oid);
        db_bind_text(st, 9, problem);
        rc = sqlite3_step(st) == SQLITE_DONE ? 0 : db_error(ix, "write");
        sqlite3_finalize(st);
    }
    if (!rc && ok)
        rc = prepare(ix, &st,
                     "INSERT INTO issue_articles(issue, position, submission) VALUES(?, ?, ?)");
    for (size_t i = 0; !rc && ok && i < is.narticles; i++) {
        sqlite3_reset(st);
        sqlite3_bind_int64(st, 1, (sqlite3_int64)id);
        sqlite3_bind_int64(st, 2, (sqlite3_int64)i);
        sqlite3_bind_int64(st, 3, (sqlite3_int64)is.articles[i]);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = db_error(ix, "write");
    }
    if (ok)
        sqlite3_finalize(st);
done:
    if (rc)
        error_prefix("indexing issue %lu", id);
    else
        error_clear();
    free(problem);
    issue_free(&is);
    strbuf_release(&text);
    return rc;
}

static int stored_tree(struct journal_index *ix, unsigned long number, char **oid)
{
    sqlite3_stmt *st;
    *oid = NULL;
    int rc = prepare(ix, &st, "SELECT tree_oid FROM submissions WHERE number = ?");
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, (sqlite3_int64)number);
    if (sqlite3_step(st) == SQLITE_ROW)
        *oid = db_column_dup(st, 0);
    sqlite3_finalize(st);
    return 0;
}

static int refresh_submissions(struct journal_index *ix, git_tree *root, bool force,
                               struct index_refresh_stats *stats)
{
    git_tree *dir = NULL;
    int rc = exec(ix, "CREATE TEMP TABLE IF NOT EXISTS seen(number INTEGER PRIMARY KEY);"
                      "DELETE FROM seen;");
    if (!rc)
        rc = repo_subtree(ix->repo->git, root, "submissions", &dir);
    if (rc)
        return rc;
    size_t n = dir ? git_tree_entrycount(dir) : 0;
    for (size_t i = 0; !rc && i < n; i++) {
        const git_tree_entry *sub = git_tree_entry_byindex(dir, i);
        unsigned long number = repo_entry_number(git_tree_entry_name(sub), NULL);
        if (!number || git_tree_entry_type(sub) != GIT_OBJECT_TREE)
            continue;
        /* The folder's tree id changes when any file in it does: manuscript, record, reviews. */
        char oid[GIT_OID_HEXSZ + 1], *old;
        git_oid_tostr(oid, sizeof(oid), git_tree_entry_id(sub));
        rc = stored_tree(ix, number, &old);
        if (rc)
            break;
        bool same = old && !strcmp(old, oid);
        free(old);
        if (same && !force) {
            stats->unchanged++;
        } else {
            rc = index_submission(ix, root, number, oid);
            stats->submissions_read++;
        }
        char sql[96];
        snprintf(sql, sizeof(sql), "INSERT OR IGNORE INTO seen(number) VALUES(%lu)", number);
        if (!rc)
            rc = exec(ix, sql);
    }
    git_tree_free(dir);
    if (!rc) {
        sqlite3_stmt *st;
        rc = prepare(ix, &st,
                     "SELECT number FROM submissions WHERE number NOT IN "
                     "(SELECT number FROM seen)");
        unsigned long gone[256];
        size_t ngone = 0;
        while (!rc && sqlite3_step(st) == SQLITE_ROW && ngone < 256)
            gone[ngone++] = (unsigned long)sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
        for (size_t i = 0; !rc && i < ngone; i++) {
            rc = delete_submission(ix, gone[i]);
            stats->submissions_removed++;
        }
        /* More than 256 vanished at once is rare enough to finish in another pass. */
        if (!rc && ngone == 256)
            rc = refresh_submissions(ix, root, false, stats);
    }
    return rc;
}

static int refresh_issues(struct journal_index *ix, git_tree *root, bool force,
                          struct index_refresh_stats *stats)
{
    git_tree *dir = NULL;
    int rc = exec(ix, "CREATE TEMP TABLE IF NOT EXISTS seen_issues(id INTEGER PRIMARY KEY);"
                      "DELETE FROM seen_issues;");
    if (!rc)
        rc = repo_subtree(ix->repo->git, root, "issues", &dir);
    if (rc)
        return rc;
    size_t n = dir ? git_tree_entrycount(dir) : 0;
    for (size_t i = 0; !rc && i < n; i++) {
        const git_tree_entry *ent = git_tree_entry_byindex(dir, i);
        unsigned long id = repo_entry_number(git_tree_entry_name(ent), ".yaml");
        if (!id || git_tree_entry_type(ent) != GIT_OBJECT_BLOB)
            continue;
        char oid[GIT_OID_HEXSZ + 1];
        git_oid_tostr(oid, sizeof(oid), git_tree_entry_id(ent));
        sqlite3_stmt *st;
        rc = prepare(ix, &st, "SELECT oid FROM issues WHERE id = ?");
        if (rc)
            break;
        sqlite3_bind_int64(st, 1, (sqlite3_int64)id);
        bool same = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0) &&
                    !strcmp((const char *)sqlite3_column_text(st, 0), oid);
        sqlite3_finalize(st);
        if (!same || force) {
            rc = index_issue(ix, root, id, oid);
            stats->issues_read++;
        } else {
            stats->unchanged++;
        }
        char sql[96];
        snprintf(sql, sizeof(sql), "INSERT OR IGNORE INTO seen_issues(id) VALUES(%lu)", id);
        if (!rc)
            rc = exec(ix, sql);
    }
    git_tree_free(dir);
    if (!rc)
        rc = exec(ix, "DELETE FROM issue_articles WHERE issue NOT IN (SELECT id FROM seen_issues);"
                      "DELETE FROM issues WHERE id NOT IN (SELECT id FROM seen_issues);");
    return rc;
}

int index_refresh(struct journal_index *ix, bool force, struct index_refresh_stats *stats)
{
    struct index_refresh_stats local = {0};
    if (!stats)
        stats = &local;
    memset(stats, 0, sizeof(*stats));
    git_tree *root = NULL;
    int rc = repo_head_tree(ix->repo, &root);
    if (rc)
        return rc;
    char head[GIT_OID_HEXSZ + 1] = "";
    if (root)
        git_oid_tostr(head, sizeof(head), git_tree_id(root));
    char *indexed = NULL;
    rc = meta_get(ix, "tree", &indexed);
    bool current = !rc && indexed && !strcmp(indexed, head);
    free(indexed);
    if (rc || (current && !force)) {
        git_tree_free(root);
        return rc;
    }
    rc = exec(ix, "BEGIN IMMEDIATE");
    if (!rc)
        rc = refresh_submissions(ix, root, force, stats);
    if (!rc)
        rc = refresh_issues(ix, root, force, stats);
    if (!rc)
        rc = meta_set(ix, "tree", head);
    if (!rc)
        rc = exec(ix, "COMMIT");
    else
        sqlite3_exec(ix->db, "ROLLBACK", NULL, NULL, NULL);
    git_tree_free(root);
    return rc;
}

int index_rebuild(struct journal_repo *repo, struct index_refresh_stats *stats)
{
    static const char *const files[] = {"index.db", "index.db-wal", "index.db-shm"};
    for (size_t i = 0; i < 3; i++) {
        char *path = fs_join(repo->state_dir, files[i]);
        unlink(path);
        free(path);
    }
    struct journal_index *ix = NULL;
    int rc = index_open(&ix, repo);
    if (!rc)
        rc = index_refresh(ix, true, stats);
    index_close(ix);
    return rc;
}

int index_list_submissions(struct journal_index *ix, const char *state,
                           struct index_submission **out, size_t *count)
{
    sqlite3_stmt *st;
    *out = NULL;
    *count = 0;
    int rc = prepare(ix, &st,
                     "SELECT s.number, s.state, s.title, s.lang, s.type, s.submitted,"
                     " s.published, s.issue, s.problem,"
                     " (SELECT name FROM authors a WHERE a.submission = s.number"
                     "  ORDER BY position LIMIT 1),"
                     " (SELECT count(*) FROM authors a WHERE a.submission = s.number)"
                     " FROM submissions s WHERE ?1 IS NULL OR s.state = ?1 ORDER BY s.number");
    if (rc)
        return rc;
    db_bind_text(st, 1, state);
    size_t alloc = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        ARRAY_GROW(*out, *count + 1, alloc);
        struct index_submission *s = &(*out)[(*count)++];
        s->number = (unsigned long)sqlite3_column_int64(st, 0);
        s->state = db_column_dup(st, 1);
        s->title = db_column_dup(st, 2);
        s->lang = db_column_dup(st, 3);
        s->type = db_column_dup(st, 4);
        s->submitted = db_column_dup(st, 5);
        s->published = db_column_dup(st, 6);
        s->issue = (unsigned long)sqlite3_column_int64(st, 7);
        s->problem = db_column_dup(st, 8);
        s->first_author = db_column_dup(st, 9);
        s->nauthors = (size_t)sqlite3_column_int64(st, 10);
    }
    sqlite3_finalize(st);
    return 0;
}

void index_submissions_free(struct index_submission *list, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        free(list[i].state);
        free(list[i].title);
        free(list[i].lang);
        free(list[i].type);
        free(list[i].submitted);
        free(list[i].published);
        free(list[i].first_author);
        free(list[i].problem);
    }
    free(list);
}

int index_max_number(struct journal_index *ix, unsigned long *out)
{
    sqlite3_stmt *st;
    int rc = prepare(ix, &st, "SELECT coalesce(max(number), 0) FROM submissions");
    if (rc)
        return rc;
    *out = sqlite3_step(st) == SQLITE_ROW ? (unsigned long)sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    return 0;
}
