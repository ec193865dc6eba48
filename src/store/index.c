#define _POSIX_C_SOURCE 200809L
#include "store/index.h"

#include "model/config.h"
#include "model/country.h"
#include "model/deposit.h"
#include "model/issue.h"
#include "model/language.h"
#include "model/manuscript.h"
#include "model/namematch.h"
#include "model/record.h"
#include "model/roster.h"
#include "model/review.h"
#include "store/db.h"
#include "store/worktree.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/strbuf.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define INDEX_SCHEMA_VERSION "8"

/*
 * The statements a refresh runs once per submission or issue, prepared once per
 * index: at 100,000 submissions preparing them every time costs more than running them.
 */
enum index_stmt {
    ST_DELETE_SUBMISSION,
    ST_DELETE_AUTHORS,
    ST_DELETE_AFFILIATIONS,
    ST_DELETE_KEYWORDS,
    ST_DELETE_ASSIGNMENTS,
    ST_DELETE_REVIEWS,
    ST_DELETE_EDITORIAL,
    ST_DELETE_STATS,
    ST_INSERT_SUBMISSION,
    ST_INSERT_AUTHOR,
    ST_INSERT_AFFILIATION,
    ST_INSERT_KEYWORD,
    ST_INSERT_ASSIGNMENT,
    ST_INSERT_REVIEW,
    ST_DELETE_ISSUE_ARTICLES,
    ST_INSERT_ISSUE,
    ST_INSERT_ISSUE_ARTICLE,
    ST_DELETE_ISSUE,
    ST_FIND_STATS_AUTHOR,
    ST_ADD_STATS_AUTHOR,
    ST_FIND_STATS_PLACE,
    ST_ADD_STATS_PLACE,
    ST_INSERT_STATS,
    ST_INSERT_EDITORIAL,
    ST_COUNT
};

struct journal_index {
    sqlite3 *db;
    struct journal_repo *repo;
    struct country_db *countries;
    struct language_db *languages;
    sqlite3_stmt *stmts[ST_COUNT]; /* prepared on first use */
    struct place_cache *places;    /* stats_places' ids met in this refresh */
};

struct place_cache;
static void place_cache_free(struct place_cache *c);

static const char schema[] =
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);"
    "CREATE TABLE IF NOT EXISTS submissions("
    "  number INTEGER PRIMARY KEY, state TEXT, round INTEGER, title TEXT, subtitle TEXT,"
    "  lang TEXT, type TEXT, abstract TEXT, submitted TEXT, accepted TEXT, decided TEXT,"
    "  published TEXT, issue INTEGER, doi TEXT, tree_oid TEXT, problem TEXT);"
    /* Without rowids, rows are stored in key order: the statistics' join finds an author's
     * or affiliation's row in one search instead of two (a third of its time at 100,000). */
    "CREATE TABLE IF NOT EXISTS authors("
    "  submission INTEGER, position INTEGER, name TEXT, email TEXT, orcid TEXT,"
    "  corresponding INTEGER, PRIMARY KEY(submission, position)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS affiliations("
    "  submission INTEGER, author INTEGER, position INTEGER, name TEXT, country TEXT,"
    "  international INTEGER, PRIMARY KEY(submission, author, position)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS keywords("
    "  submission INTEGER, position INTEGER, keyword TEXT, PRIMARY KEY(submission, position));"
    "CREATE TABLE IF NOT EXISTS issues("
    "  id INTEGER PRIMARY KEY, volume INTEGER, number INTEGER, year INTEGER, date TEXT,"
    "  title TEXT, special TEXT, oid TEXT, problem TEXT, special_series INTEGER);"
    "CREATE TABLE IF NOT EXISTS issue_articles("
    "  issue INTEGER, position INTEGER, submission INTEGER, PRIMARY KEY(issue, position))"
    "  WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS assignments("
    "  submission INTEGER, reviewer TEXT, round INTEGER, invited TEXT, due TEXT,"
    "  override TEXT, state TEXT, answered TEXT, reason TEXT, suggested TEXT,"
    "  PRIMARY KEY(submission, reviewer, round));"
    "CREATE TABLE IF NOT EXISTS reviews("
    "  submission INTEGER, reviewer TEXT, round INTEGER, verdict TEXT, submitted TEXT,"
    "  PRIMARY KEY(submission, reviewer, round));"
    /* What `journal stats` counts, folded when a submission is indexed (index.h). */
    "CREATE TABLE IF NOT EXISTS stats_authors(id INTEGER PRIMARY KEY, key TEXT UNIQUE);"
    "CREATE TABLE IF NOT EXISTS stats_places(id INTEGER PRIMARY KEY, key TEXT UNIQUE);"
    "CREATE TABLE IF NOT EXISTS stats_articles(submission INTEGER PRIMARY KEY,"
    "  contributions BLOB);"
    /* What `journal stats --editorial` counts of every submission, folded when it is
     * indexed (index.h: index_editorial_row). */
    "CREATE TABLE IF NOT EXISTS editorial(submission INTEGER PRIMARY KEY, received TEXT,"
    "  state TEXT, lang TEXT, first_decision TEXT, accepted TEXT, published TEXT,"
    "  rounds INTEGER, assigned INTEGER, countries TEXT, invitations TEXT);"
    /* The Crossref deposit attempts recorded in deposits/<batch>.yaml (model/deposit.h), by
     * file; a record that does not parse keeps its message in problem. */
    "CREATE TABLE IF NOT EXISTS deposits("
    "  file TEXT PRIMARY KEY, batch_id TEXT, issue INTEGER, endpoint TEXT, url TEXT, at TEXT,"
    "  by TEXT, timestamp TEXT, http_status INTEGER, answer TEXT, outcome TEXT, problem TEXT);"
    "CREATE TABLE IF NOT EXISTS deposit_dois("
    "  file TEXT, position INTEGER, doi TEXT, submission INTEGER,"
    "  PRIMARY KEY(file, position)) WITHOUT ROWID;"
    /* Answers of ORCID and ROR (journal enrich), by URL: a cache like the rest. */
    "CREATE TABLE IF NOT EXISTS lookups("
    "  url TEXT PRIMARY KEY, status INTEGER, body TEXT, fetched TEXT);"
    "CREATE INDEX IF NOT EXISTS assignments_reviewer ON assignments(reviewer);"
    "CREATE INDEX IF NOT EXISTS affiliations_country ON affiliations(country);"
    "CREATE INDEX IF NOT EXISTS submissions_state ON submissions(state);"
    /* Statistics join published articles to their issue from this side. */
    "CREATE INDEX IF NOT EXISTS issue_articles_submission"
    "  ON issue_articles(submission, issue, position);";

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
                      "DROP TABLE IF EXISTS reviews; DROP TABLE IF EXISTS lookups;"
                      "DROP TABLE IF EXISTS stats_authors; DROP TABLE IF EXISTS stats_places;"
                      "DROP TABLE IF EXISTS stats_articles; DROP TABLE IF EXISTS deposits;"
                      "DROP TABLE IF EXISTS deposit_dois; DROP TABLE IF EXISTS editorial;");
        if (!rc)
            rc = exec(ix, schema);
    }
    /* Written only when it changes: most commands only read, and a write takes the lock. */
    if (!rc && (!version || strcmp(version, INDEX_SCHEMA_VERSION)))
        rc = meta_set(ix, "schema_version", INDEX_SCHEMA_VERSION);
    free(version);
    return rc;
}

int index_db_open(const char *state_dir, sqlite3 **db)
{
    char *path = fs_join(state_dir, "index.db");
    int rc = db_open(db, path, "index", DB_CREATE);
    free(path);
    return rc;
}

/*
 * assignment_state(state, invited, reviewed) in SQL: model/record.h's rule, today and with the
 * journal's invitation_days, so that a query counts invitations exactly as the commands do.
 */
static void sql_assignment_state(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    const struct journal_index *ix = sqlite3_user_data(ctx);
    char today[11];
    (void)argc;
    date_today(today);
    enum assignment_state st = assignment_state(
        (const char *)sqlite3_value_text(argv[0]), (const char *)sqlite3_value_text(argv[1]),
        sqlite3_value_int(argv[2]) != 0, today, ix->repo->config.invitation_days);
    sqlite3_result_text(ctx, assignment_states[st], -1, SQLITE_STATIC);
}

/* The index with its schema, brought up to date with git when refresh says so. */
static int index_open_refreshed(struct journal_index **out, struct journal_repo *repo, bool refresh)
{
    *out = NULL;
    struct journal_index *ix = xcalloc(1, sizeof(*ix));
    ix->repo = repo;
    int rc = index_db_open(repo->state_dir, &ix->db);
    if (rc) {
        index_close(ix);
        return rc;
    }
    rc = exec(ix, "PRAGMA foreign_keys=OFF;");
    if (!rc && sqlite3_create_function(ix->db, "assignment_state", 3, SQLITE_UTF8, ix,
                                       sql_assignment_state, NULL, NULL) != SQLITE_OK)
        rc = db_error(ix, "define assignment_state");
    if (!rc)
        rc = open_schema(ix);
    if (!rc && refresh)
        rc = index_refresh(ix, false, NULL);
    if (rc) {
        index_close(ix);
        return rc;
    }
    *out = ix;
    return 0;
}

int index_open(struct journal_index **out, struct journal_repo *repo)
{
    return index_open_refreshed(out, repo, true);
}

void index_close(struct journal_index *ix)
{
    if (!ix)
        return;
    for (size_t i = 0; i < sizeof(ix->stmts) / sizeof(*ix->stmts); i++)
        sqlite3_finalize(ix->stmts[i]);
    sqlite3_close(ix->db);
    place_cache_free(ix->places);
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

static const char *const stmt_sql[ST_COUNT] = {
    [ST_DELETE_SUBMISSION] = "DELETE FROM submissions WHERE number = ?",
    [ST_DELETE_AUTHORS] = "DELETE FROM authors WHERE submission = ?",
    [ST_DELETE_AFFILIATIONS] = "DELETE FROM affiliations WHERE submission = ?",
    [ST_DELETE_KEYWORDS] = "DELETE FROM keywords WHERE submission = ?",
    [ST_DELETE_ASSIGNMENTS] = "DELETE FROM assignments WHERE submission = ?",
    [ST_DELETE_REVIEWS] = "DELETE FROM reviews WHERE submission = ?",
    [ST_DELETE_EDITORIAL] = "DELETE FROM editorial WHERE submission = ?",
    [ST_DELETE_STATS] = "DELETE FROM stats_articles WHERE submission = ?",
    [ST_INSERT_SUBMISSION] =
        "INSERT INTO submissions(number, state, title, subtitle, lang, type, abstract,"
        " submitted, accepted, published, issue, doi, tree_oid, problem, round,"
        " decided) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    [ST_INSERT_AUTHOR] =
        "INSERT INTO authors(submission, position, name, email, orcid, corresponding)"
        " VALUES(?, ?, ?, ?, ?, ?)",
    [ST_INSERT_AFFILIATION] = "INSERT INTO affiliations(submission, author, position, name,"
                              " country, international) VALUES(?, ?, ?, ?, ?, ?)",
    [ST_INSERT_KEYWORD] = "INSERT INTO keywords(submission, position, keyword) VALUES(?, ?, ?)",
    [ST_INSERT_ASSIGNMENT] =
        "INSERT OR REPLACE INTO assignments(submission, reviewer, round, invited, due,"
        " override, state, answered, reason, suggested) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    [ST_INSERT_REVIEW] =
        "INSERT OR REPLACE INTO reviews(submission, reviewer, round, verdict, submitted)"
        " VALUES(?, ?, ?, ?, ?)",
    [ST_DELETE_ISSUE_ARTICLES] = "DELETE FROM issue_articles WHERE issue = ?",
    [ST_INSERT_ISSUE] =
        "INSERT OR REPLACE INTO issues(id, volume, number, year, date, title, special,"
        " oid, problem, special_series) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    [ST_INSERT_ISSUE_ARTICLE] =
        "INSERT INTO issue_articles(issue, position, submission) VALUES(?, ?, ?)",
    [ST_DELETE_ISSUE] = "DELETE FROM issues WHERE id = ?",
    [ST_FIND_STATS_AUTHOR] = "SELECT id FROM stats_authors WHERE key = ?",
    [ST_ADD_STATS_AUTHOR] = "INSERT OR IGNORE INTO stats_authors(key) VALUES(?)",
    [ST_FIND_STATS_PLACE] = "SELECT id FROM stats_places WHERE key = ?",
    [ST_ADD_STATS_PLACE] = "INSERT OR IGNORE INTO stats_places(key) VALUES(?)",
    [ST_INSERT_STATS] = "INSERT INTO stats_articles(submission, contributions) VALUES(?, ?)",
    [ST_INSERT_EDITORIAL] =
        "INSERT INTO editorial(submission, received, state, lang, first_decision, accepted,"
        " published, rounds, assigned, countries, invitations)"
        " VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
};

/* The statement, reset and unbound; run_stmt() steps it once and resets it again. */
static int stmt(struct journal_index *ix, enum index_stmt which, sqlite3_stmt **st)
{
    if (!ix->stmts[which]) {
        int rc = prepare(ix, &ix->stmts[which], stmt_sql[which]);
        if (rc)
            return rc;
    }
    *st = ix->stmts[which];
    sqlite3_reset(*st);
    sqlite3_clear_bindings(*st);
    return 0;
}

static int run_stmt(struct journal_index *ix, sqlite3_stmt *st, const char *what)
{
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : db_error(ix, what);
    sqlite3_reset(st);
    return rc;
}

static int delete_submission(struct journal_index *ix, unsigned long number)
{
    for (int i = ST_DELETE_SUBMISSION; i <= ST_DELETE_STATS; i++) {
        sqlite3_stmt *st;
        int rc = stmt(ix, (enum index_stmt)i, &st);
        if (rc)
            return rc;
        sqlite3_bind_int64(st, 1, (sqlite3_int64)number);
        rc = run_stmt(ix, st, "delete");
        if (rc)
            return rc;
    }
    return 0;
}

static int insert_people(struct journal_index *ix, unsigned long number, const struct manuscript *m)
{
    sqlite3_stmt *a = NULL, *f = NULL, *k = NULL;
    int rc = stmt(ix, ST_INSERT_AUTHOR, &a);
    if (!rc)
        rc = stmt(ix, ST_INSERT_AFFILIATION, &f);
    if (!rc)
        rc = stmt(ix, ST_INSERT_KEYWORD, &k);
    for (size_t i = 0; !rc && i < m->nauthors; i++) {
        const struct author *au = &m->authors[i];
        sqlite3_bind_int64(a, 1, (sqlite3_int64)number);
        sqlite3_bind_int64(a, 2, (sqlite3_int64)i);
        db_bind_text(a, 3, au->name);
        db_bind_text(a, 4, au->email);
        db_bind_text(a, 5, au->orcid[0] ? au->orcid : NULL);
        sqlite3_bind_int(a, 6, au->corresponding);
        rc = run_stmt(ix, a, "write");
        for (size_t j = 0; !rc && j < au->naffiliations; j++) {
            const struct affiliation *af = &au->affiliations[j];
            sqlite3_bind_int64(f, 1, (sqlite3_int64)number);
            sqlite3_bind_int64(f, 2, (sqlite3_int64)i);
            sqlite3_bind_int64(f, 3, (sqlite3_int64)j);
            db_bind_text(f, 4, af->name);
            db_bind_text(f, 5, af->country[0] ? af->country : NULL);
            sqlite3_bind_int(f, 6, af->international);
            rc = run_stmt(ix, f, "write");
        }
    }
    for (size_t i = 0; !rc && i < m->nkeywords; i++) {
        sqlite3_bind_int64(k, 1, (sqlite3_int64)number);
        sqlite3_bind_int64(k, 2, (sqlite3_int64)i);
        db_bind_text(k, 3, m->keywords[i]);
        rc = run_stmt(ix, k, "write");
    }
    return rc;
}

char *index_stats_author_key(const struct author *au)
{
    return person_identity_key(au->orcid, au->name);
}

char *index_stats_place_key(const struct affiliation *af, const struct journal_config *c)
{
    if (!af->international)
        return xasprintf("c%s", af->country);
    const struct config_organisation *o = config_organisation_find(c, af->name, af->ror);
    if (o)
        return xasprintf("o%s", o->keys[0]);
    if (af->ror && *af->ror)
        return xasprintf("o\t%s", af->ror);
    char *folded = roster_name_key(af->name ? af->name : "");
    char *key = xasprintf("o%s", folded);
    free(folded);
    return key;
}

char *index_stats_org_name_key(const struct affiliation *af, const struct journal_config *c)
{
    const struct config_organisation *o = config_organisation_find(c, af->name, af->ror);
    return xasprintf("n%s", o ? o->name : af->name ? af->name : "");
}

char *index_stats_config_key(const struct journal_config *c)
{
    struct strbuf key = STRBUF_INIT;
    for (size_t i = 0; c && i < c->norganisations; i++) {
        const struct config_organisation *o = &c->organisations[i];
        strbuf_addf(&key, "%s\t%s", o->name ? o->name : "", o->ror ? o->ror : "");
        for (size_t k = 0; k < o->nkeys; k++)
            strbuf_addf(&key, "\t%s", o->keys[k]);
        strbuf_addch(&key, '\n');
    }
    return strbuf_detach(&key, NULL);
}

/*
 * The places (a few hundred keys met 360,000 times in a rebuild at 100,000 articles) by
 * key, for one refresh: the ids of a transaction rolled back are never kept.
 */
struct place_cache {
    struct cached_place {
        uint64_t hash;
        char *key;
        uint32_t id;
    } * e;
    size_t cap, count;
};

static void place_cache_free(struct place_cache *c)
{
    for (size_t i = 0; c && i < c->cap; i++)
        free(c->e[i].key);
    if (c)
        free(c->e);
    free(c);
}

static uint64_t key_hash(const char *key)
{
    uint64_t h = 1469598103934665603u;
    for (const unsigned char *p = (const unsigned char *)key; *p; p++)
        h = (h ^ *p) * 1099511628211u;
    return h;
}

/* The slot of key: its entry, or the empty one where it goes. */
static struct cached_place *place_slot(struct place_cache *c, const char *key, uint64_t hash)
{
    size_t i = (size_t)hash & (c->cap - 1);
    while (c->e[i].key && (c->e[i].hash != hash || strcmp(c->e[i].key, key)))
        i = (i + 1) & (c->cap - 1);
    return &c->e[i];
}

static void place_cache_add(struct journal_index *ix, const char *key, uint64_t hash, uint32_t id)
{
    struct place_cache *c = ix->places;
    if ((c->count + 1) * 2 > c->cap) {
        struct place_cache bigger = {xcalloc(c->cap * 2, sizeof(*c->e)), c->cap * 2, c->count};
        for (size_t i = 0; i < c->cap; i++)
            if (c->e[i].key)
                *place_slot(&bigger, c->e[i].key, c->e[i].hash) = c->e[i];
        free(c->e);
        *c = bigger;
    }
    *place_slot(c, key, hash) = (struct cached_place){hash, xstrdup(key), id};
    c->count++;
}

/*
 * The id of key in stats_places or stats_authors, added if new, taking key. Added first:
 * in a rebuild nearly every (place, author) key is new.
 */
static int stats_key_id(struct journal_index *ix, bool place, char *key, uint32_t *id)
{
    uint64_t hash = place ? key_hash(key) : 0;
    if (place && !ix->places) {
        ix->places = xcalloc(1, sizeof(*ix->places));
        ix->places->cap = 64;
        ix->places->e = xcalloc(64, sizeof(*ix->places->e));
    }
    struct cached_place *cached = place ? place_slot(ix->places, key, hash) : NULL;
    if (cached && cached->key) {
        *id = cached->id;
        free(key);
        return 0;
    }
    sqlite3_stmt *st;
    sqlite3_int64 found = 0;
    int rc = stmt(ix, place ? ST_ADD_STATS_PLACE : ST_ADD_STATS_AUTHOR, &st);
    if (!rc) {
        db_bind_text(st, 1, key);
        rc = run_stmt(ix, st, "write");
    }
    if (!rc && sqlite3_changes(ix->db))
        found = sqlite3_last_insert_rowid(ix->db);
    else if (!rc)
        rc = stmt(ix, place ? ST_FIND_STATS_PLACE : ST_FIND_STATS_AUTHOR, &st);
    if (!rc && !found) {
        db_bind_text(st, 1, key);
        if (sqlite3_step(st) == SQLITE_ROW)
            found = sqlite3_column_int64(st, 0);
        else
            rc = db_error(ix, "read");
        sqlite3_reset(st);
    }
    if (!rc && (found < 1 || found >= UINT32_MAX))
        rc = error_internal("index: too many statistics keys (run `journal reindex`)");
    *id = (uint32_t)found;
    if (!rc && place)
        place_cache_add(ix, key, hash, *id);
    free(key);
    return rc;
}

/* What `journal stats` counts of a published submission (index.h). */
static int insert_stats(struct journal_index *ix, unsigned long number, const struct manuscript *m)
{
    struct strbuf blob = STRBUF_INIT;
    int rc = 0;
    for (size_t i = 0; !rc && i < m->nauthors; i++) {
        const struct author *au = &m->authors[i];
        char *identity = au->naffiliations ? index_stats_author_key(au) : NULL;
        for (size_t j = 0; !rc && j < au->naffiliations; j++) {
            const struct affiliation *af = &au->affiliations[j];
            struct index_stats_contribution c = {
                0, 0, 0, 1.0 / (double)m->nauthors / (double)au->naffiliations};
            rc = stats_key_id(ix, true, index_stats_place_key(af, &ix->repo->config), &c.place);
            if (!rc)
                rc = stats_key_id(ix, false, xasprintf("%lu %s", (unsigned long)c.place, identity),
                                  &c.place_author);
            if (!rc && af->international)
                rc =
                    stats_key_id(ix, true, index_stats_org_name_key(af, &ix->repo->config), &c.org);
            unsigned char bytes[INDEX_STATS_SIZE];
            index_stats_encode(bytes, &c);
            strbuf_add(&blob, bytes, sizeof(bytes));
        }
        free(identity);
    }
    sqlite3_stmt *st;
    if (!rc && blob.len)
        rc = stmt(ix, ST_INSERT_STATS, &st);
    if (!rc && blob.len) {
        sqlite3_bind_int64(st, 1, (sqlite3_int64)number);
        sqlite3_bind_blob(st, 2, blob.buf, (int)blob.len, SQLITE_STATIC);
        rc = run_stmt(ix, st, "write");
        sqlite3_clear_bindings(st);
    }
    strbuf_release(&blob);
    return rc;
}

static int insert_assignments(struct journal_index *ix, const struct submission_record *r)
{
    sqlite3_stmt *st;
    int rc = stmt(ix, ST_INSERT_ASSIGNMENT, &st);
    for (size_t i = 0; !rc && i < r->nassignments; i++) {
        const struct record_assignment *a = &r->assignments[i];
        sqlite3_bind_int64(st, 1, (sqlite3_int64)r->number);
        db_bind_text(st, 2, a->reviewer);
        sqlite3_bind_int64(st, 3, (sqlite3_int64)a->round);
        db_bind_text(st, 4, a->invited);
        db_bind_text(st, 5, a->due);
        db_bind_text(st, 6, a->override);
        db_bind_text(st, 7, a->state);
        db_bind_text(st, 8, a->answered);
        db_bind_text(st, 9, a->reason);
        db_bind_text(st, 10, a->suggested);
        rc = run_stmt(ix, st, "write");
    }
    return rc;
}

/*
 * One submission folder as read from git, before it is written to the index. Reading
 * and parsing is most of a refresh's work and needs no database, so several threads
 * do it (each through its own repository handle) while the one connection writes.
 */
struct parsed_submission {
    unsigned long number;
    git_oid tree; /* the folder's tree id */
    bool stored;  /* the index has rows for it, to delete first */
    bool have_ms, have_rec;
    struct repo_worktree_file ms_file; /* git's record of manuscript.md in the working tree */
    struct manuscript m; /* without its body: the index keeps none, and 100,000 add up */
    struct submission_record r;
    struct review *reviews; /* those that parse */
    size_t nreviews, reviews_alloc;
    char *problem; /* why the committed files do not parse */
    int rc;        /* a failure of git itself, with error (saved) */
    char *error;
};

static void parsed_free(struct parsed_submission *p)
{
    manuscript_free(&p->m);
    record_free(&p->r);
    for (size_t i = 0; i < p->nreviews; i++)
        review_free(&p->reviews[i]);
    free(p->reviews);
    free(p->problem);
    free(p->error);
    memset(p, 0, sizeof(*p));
}

/*
 * The file name in the folder tree (path names it in messages). Looked up by name
 * in the submission's own small tree: a path from the root would parse the
 * submissions/ tree again each time (100,000 entries; libgit2 keeps no tree that
 * large in its cache).
 */
static int read_named(git_repository *git, git_tree *tree, const char *name, const char *path,
                      struct strbuf *out)
{
    const git_tree_entry *entry = git_tree_entry_byname(tree, name);
    if (!entry)
        return error_input("%s: not in the journal (no such file committed)", path);
    if (git_tree_entry_type(entry) != GIT_OBJECT_BLOB)
        return error_input("%s: expected a file, found a folder", path);
    git_blob *blob = NULL;
    if (git_blob_lookup(&blob, git, git_tree_entry_id(entry)) < 0)
        return repo_git_error(path);
    strbuf_add(out, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob));
    git_blob_free(blob);
    return 0;
}

/* manuscript.md, from the working tree where git's index proves it committed (worktree.h). */
static int read_manuscript(git_repository *git, const char *root, git_tree *folder,
                           const char *path, const struct repo_worktree_file *f, struct strbuf *out)
{
    const git_tree_entry *entry = git_tree_entry_byname(folder, "manuscript.md");
    if (entry && git_tree_entry_type(entry) == GIT_OBJECT_BLOB &&
        repo_worktree_read(git, root, path, git_tree_entry_id(entry), f, out))
        return 0;
    return read_named(git, folder, "manuscript.md", path, out);
}

struct review_walk {
    git_repository *git;
    struct parsed_submission *p;
    int rc;
};

/* reviews/round-<r>/<reviewer>.yaml: a review that does not parse is left out of the index. */
static int parse_review_entry(const char *root, const git_tree_entry *entry, void *payload)
{
    struct review_walk *w = payload;
    const char *name = git_tree_entry_name(entry);
    size_t len = strlen(name);
    /* A reviewer's file beside the review (REVIEWER.pdf) is no review. */
    if (git_tree_entry_type(entry) != GIT_OBJECT_BLOB || len <= 5 ||
        strcmp(name + len - 5, ".yaml"))
        return 0;
    git_blob *blob = NULL;
    if (git_blob_lookup(&blob, w->git, git_tree_entry_id(entry)) < 0) {
        w->rc = repo_git_error(git_tree_entry_name(entry));
        return -1;
    }
    char *path =
        xasprintf("submissions/%lu/reviews/%s%s", w->p->number, root, git_tree_entry_name(entry));
    struct review rv;
    if (review_parse(&rv, path, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob)) == 0) {
        ARRAY_GROW(w->p->reviews, w->p->nreviews + 1, w->p->reviews_alloc);
        w->p->reviews[w->p->nreviews++] = rv;
    }
    error_clear();
    free(path);
    git_blob_free(blob);
    return 0;
}

static int parse_reviews(git_repository *git, git_tree *folder, struct parsed_submission *p)
{
    const git_tree_entry *entry = git_tree_entry_byname(folder, "reviews");
    if (!entry || git_tree_entry_type(entry) != GIT_OBJECT_TREE)
        return 0;
    git_tree *dir = NULL;
    char path[64];
    snprintf(path, sizeof(path), "submissions/%lu/reviews", p->number);
    if (git_tree_lookup(&dir, git, git_tree_entry_id(entry)) < 0)
        return repo_git_error(path);
    struct review_walk w = {git, p, 0};
    if (git_tree_walk(dir, GIT_TREEWALK_PRE, parse_review_entry, &w) < 0 && !w.rc)
        w.rc = repo_git_error(path);
    git_tree_free(dir);
    return w.rc;
}

/* Read and parse one submission folder; safe on any thread with its own git handle. */
static void parse_submission(git_repository *git, const char *root,
                             const struct manuscript_rules *rules, struct parsed_submission *p)
{
    char ms_path[64], rec_path[64];
    snprintf(ms_path, sizeof(ms_path), "submissions/%lu/manuscript.md", p->number);
    snprintf(rec_path, sizeof(rec_path), "submissions/%lu/submission.yaml", p->number);
    struct strbuf text = STRBUF_INIT;
    git_tree *folder = NULL;
    int rc = 0;
    if (git_tree_lookup(&folder, git, &p->tree) < 0) {
        rc = repo_git_error(ms_path);
        goto done;
    }
    rc = read_named(git, folder, "submission.yaml", rec_path, &text);
    if (!rc)
        rc = record_parse(&p->r, rec_path, text.buf, text.len);
    if (rc == JOURNAL_EINPUT)
        p->problem = xstrdup(error_message());
    else if (rc)
        goto done;
    p->have_rec = !rc;
    strbuf_reset(&text);
    rc = read_manuscript(git, root, folder, ms_path, &p->ms_file, &text);
    if (!rc)
        rc = manuscript_parse(&p->m, ms_path, text.buf, text.len, rules);
    if (rc == JOURNAL_EINPUT && !p->problem)
        p->problem = xstrdup(error_message());
    else if (rc && rc != JOURNAL_EINPUT)
        goto done;
    p->have_ms = !rc;
    free(p->m.body);
    p->m.body = NULL;
    p->m.body_len = 0;
    rc = parse_reviews(git, folder, p);
done:
    if (rc) {
        error_prefix("indexing submission %lu", p->number);
        p->rc = rc;
        p->error = error_save();
    }
    error_clear();
    git_tree_free(folder);
    strbuf_release(&text);
}

/* "-" for a missing field of the invitations text (index.h). */
static void add_field(struct strbuf *sb, const char *value, char end)
{
    strbuf_addstr(sb, value && *value ? value : "-");
    strbuf_addch(sb, end);
}

/*
 * What `journal stats --editorial` counts of a submission (index.h), from its record, its
 * reviews and, when it parses, its manuscript (language, authors' countries).
 */
static int insert_editorial(struct journal_index *ix, const struct parsed_submission *p)
{
    const struct submission_record *r = &p->r;
    /* The first decision: the timeline's first "decided" (a request for revision counts),
       else the record's decided date (a record imported without its timeline). */
    char first[11] = "";
    for (size_t i = 0; i < r->nhistory && !first[0]; i++)
        if (r->history[i].action && !strcmp(r->history[i].action, "decided") && r->history[i].at &&
            strlen(r->history[i].at) >= 10)
            snprintf(first, sizeof(first), "%.10s", r->history[i].at);
    if (!first[0] && r->decided)
        snprintf(first, sizeof(first), "%.10s", r->decided);
    struct strbuf countries = STRBUF_INIT, invitations = STRBUF_INIT;
    if (p->have_ms)
        for (size_t i = 0; i < p->m.nauthors; i++)
            for (size_t j = 0; j < p->m.authors[i].naffiliations; j++) {
                const struct affiliation *af = &p->m.authors[i].affiliations[j];
                if (af->international || strlen(af->country) != 2)
                    continue;
                /* Whole counting: each country once per submission. */
                bool seen = false;
                for (size_t k = 0; k + 2 <= countries.len && !seen; k += 3)
                    seen = !memcmp(countries.buf + k, af->country, 2);
                if (!seen) {
                    strbuf_add(&countries, af->country, 2);
                    strbuf_addch(&countries, ' ');
                }
            }
    bool *matched = xcalloc(p->nreviews + 1, sizeof(*matched));
    for (size_t i = 0; i < r->nassignments; i++) {
        const struct record_assignment *a = &r->assignments[i];
        const char *received = NULL;
        for (size_t k = 0; k < p->nreviews && !received; k++)
            if (!matched[k] && p->reviews[k].round == a->round &&
                !strcmp(p->reviews[k].reviewer, a->reviewer)) {
                matched[k] = true;
                received = p->reviews[k].submitted;
            }
        strbuf_addf(&invitations, "%s\t%lu\t", a->reviewer, a->round);
        add_field(&invitations, a->invited, '\t');
        add_field(&invitations, a->state, '\t');
        add_field(&invitations, a->answered, '\t');
        add_field(&invitations, received, '\n');
    }
    /* A review with no assignment (an imported one) still counts for its reviewer. */
    for (size_t k = 0; k < p->nreviews; k++)
        if (!matched[k]) {
            strbuf_addf(&invitations, "%s\t%lu\t-\t-\t-\t", p->reviews[k].reviewer,
                        p->reviews[k].round);
            add_field(&invitations, p->reviews[k].submitted, '\n');
        }
    free(matched);
    if (countries.len)
        countries.buf[--countries.len] = '\0';
    sqlite3_stmt *st;
    int rc = stmt(ix, ST_INSERT_EDITORIAL, &st);
    if (!rc) {
        sqlite3_bind_int64(st, 1, (sqlite3_int64)p->number);
        db_bind_text(st, 2, r->submitted);
        db_bind_text(st, 3, r->state);
        db_bind_text(st, 4, p->have_ms ? p->m.lang : NULL);
        db_bind_text(st, 5, first[0] ? first : NULL);
        db_bind_text(st, 6, r->accepted);
        db_bind_text(st, 7, r->published);
        sqlite3_bind_int64(st, 8, (sqlite3_int64)r->round);
        sqlite3_bind_int64(st, 9, (sqlite3_int64)r->nassignments);
        db_bind_text(st, 10, countries.len ? countries.buf : NULL);
        db_bind_text(st, 11, invitations.len ? invitations.buf : NULL);
        rc = run_stmt(ix, st, "write");
        sqlite3_clear_bindings(st);
    }
    strbuf_release(&countries);
    strbuf_release(&invitations);
    return rc;
}

/* Write one parsed submission in place of what the index had for it. */
static int write_submission(struct journal_index *ix, const struct parsed_submission *p)
{
    const struct manuscript *m = &p->m;
    const struct submission_record *r = &p->r;
    bool have_ms = p->have_ms, have_rec = p->have_rec;
    char oid[GIT_OID_HEXSZ + 1];
    git_oid_tostr(oid, sizeof(oid), &p->tree);
    sqlite3_stmt *st = NULL;
    int rc = p->stored ? delete_submission(ix, p->number) : 0;
    if (!rc)
        rc = stmt(ix, ST_INSERT_SUBMISSION, &st);
    if (!rc) {
        sqlite3_bind_int64(st, 1, (sqlite3_int64)p->number);
        db_bind_text(st, 2, have_rec ? r->state : NULL);
        db_bind_text(st, 3, have_ms ? m->title : NULL);
        db_bind_text(st, 4, have_ms ? m->subtitle : NULL);
        db_bind_text(st, 5, have_ms ? m->lang : NULL);
        db_bind_text(st, 6, have_ms ? m->type : NULL);
        db_bind_text(st, 7, have_ms ? m->abstract : NULL);
        db_bind_text(st, 8, have_rec ? r->submitted : NULL);
        db_bind_text(st, 9, have_rec ? r->accepted : NULL);
        db_bind_text(st, 10, have_rec ? r->published : NULL);
        if (have_rec && r->issue)
            sqlite3_bind_int64(st, 11, (sqlite3_int64)r->issue);
        db_bind_text(st, 12, have_rec ? r->doi : NULL);
        db_bind_text(st, 13, oid);
        db_bind_text(st, 14, p->problem);
        sqlite3_bind_int64(st, 15, have_rec ? (sqlite3_int64)r->round : 1);
        db_bind_text(st, 16, have_rec ? r->decided : NULL);
        rc = run_stmt(ix, st, "write");
    }
    if (!rc && have_ms)
        rc = insert_people(ix, p->number, m);
    if (!rc && have_ms && have_rec && r->state && !strcmp(r->state, "published"))
        rc = insert_stats(ix, p->number, m);
    if (!rc && have_rec)
        rc = insert_assignments(ix, r);
    if (!rc && have_rec)
        rc = insert_editorial(ix, p);
    if (!rc && p->nreviews)
        rc = stmt(ix, ST_INSERT_REVIEW, &st);
    for (size_t i = 0; !rc && i < p->nreviews; i++) {
        const struct review *rv = &p->reviews[i];
        sqlite3_bind_int64(st, 1, (sqlite3_int64)p->number);
        db_bind_text(st, 2, rv->reviewer);
        sqlite3_bind_int64(st, 3, (sqlite3_int64)rv->round);
        db_bind_text(st, 4, rv->verdict);
        db_bind_text(st, 5, rv->submitted);
        rc = run_stmt(ix, st, "write");
    }
    if (rc)
        error_prefix("indexing submission %lu", p->number);
    return rc;
}

/*
 * Parse the submissions in todo on worker threads, writing each to the index on
 * this thread in order as soon as it is ready. At most WINDOW parsed submissions
 * wait to be written, so memory stays flat whatever the journal's size.
 */
#define WINDOW        64
#define PARALLEL_FROM 16 /* fewer are read faster than threads start */
#define MAX_WORKERS   16

struct pipeline {
    struct parsed_submission *todo;
    size_t n;
    const struct manuscript_rules *rules;
    const char *root;
    pthread_mutex_t lock;
    pthread_cond_t ready, room;
    size_t next;    /* the next to parse */
    size_t written; /* how many the writer has taken */
    bool *done;     /* by todo index modulo WINDOW */
    bool stop;      /* the writer failed: leave */
};

struct worker {
    struct pipeline *p;
    git_repository *git;
    pthread_t thread;
};

static void *parse_worker(void *arg)
{
    struct worker *w = arg;
    struct pipeline *p = w->p;
    for (;;) {
        pthread_mutex_lock(&p->lock);
        while (!p->stop && p->next < p->n && p->next >= p->written + WINDOW)
            pthread_cond_wait(&p->room, &p->lock);
        if (p->stop || p->next >= p->n) {
            pthread_mutex_unlock(&p->lock);
            break;
        }
        size_t i = p->next++;
        pthread_mutex_unlock(&p->lock);
        parse_submission(w->git, p->root, p->rules, &p->todo[i]);
        pthread_mutex_lock(&p->lock);
        p->done[i % WINDOW] = true;
        pthread_cond_signal(&p->ready);
        pthread_mutex_unlock(&p->lock);
    }
    return NULL;
}

static size_t worker_count(size_t n)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    size_t workers = cores > 1 ? (size_t)cores : 1;
    if (workers > MAX_WORKERS)
        workers = MAX_WORKERS;
    return n < PARALLEL_FROM ? 0 : workers;
}

static int write_parsed(struct journal_index *ix, struct parsed_submission *p,
                        struct index_refresh_stats *stats)
{
    int rc = p->rc;
    if (rc) {
        error_restore(p->error);
        p->error = NULL;
    } else {
        rc = write_submission(ix, p);
        stats->submissions_read++;
    }
    parsed_free(p);
    return rc;
}

static int parse_and_write(struct journal_index *ix, struct parsed_submission *todo, size_t n,
                           struct index_refresh_stats *stats)
{
    int rc = ensure_iso_data(ix);
    if (rc)
        return rc;
    struct manuscript_rules rules = {ix->countries, ix->languages, ix->repo->config.languages[0],
                                     NULL, NULL};
    size_t nworkers = worker_count(n);
    if (!nworkers) {
        size_t i = 0;
        for (; !rc && i < n; i++) {
            parse_submission(ix->repo->git, ix->repo->root, &rules, &todo[i]);
            rc = write_parsed(ix, &todo[i], stats);
        }
        for (; i < n; i++)
            parsed_free(&todo[i]);
        return rc;
    }
    struct pipeline p = {.todo = todo, .n = n, .rules = &rules, .root = ix->repo->root};
    p.done = xcalloc(WINDOW, sizeof(*p.done));
    struct worker *workers = xcalloc(nworkers, sizeof(*workers));
    /* Each worker reads through a repository handle of its own: libgit2's are not shared. */
    for (size_t k = 0; !rc && k < nworkers; k++)
        if (git_repository_open(&workers[k].git, git_repository_path(ix->repo->git)) < 0)
            rc = repo_git_error("open the repository");
    pthread_mutex_init(&p.lock, NULL);
    pthread_cond_init(&p.ready, NULL);
    pthread_cond_init(&p.room, NULL);
    size_t started = 0;
    for (size_t k = 0; !rc && k < nworkers; k++) {
        workers[k].p = &p;
        if (pthread_create(&workers[k].thread, NULL, parse_worker, &workers[k])) {
            /* Fewer threads still do the work; none cannot. */
            if (!started)
                rc = error_internal("cannot start a thread to read the journal");
            break;
        }
        started++;
    }
    size_t i = 0;
    for (; !rc && started && i < n; i++) {
        pthread_mutex_lock(&p.lock);
        while (!p.done[i % WINDOW])
            pthread_cond_wait(&p.ready, &p.lock);
        pthread_mutex_unlock(&p.lock);
        rc = write_parsed(ix, &todo[i], stats);
        pthread_mutex_lock(&p.lock);
        p.done[i % WINDOW] = false;
        p.written = i + 1;
        p.stop = rc != 0;
        pthread_cond_broadcast(&p.room);
        pthread_mutex_unlock(&p.lock);
    }
    for (size_t k = 0; k < started; k++)
        pthread_join(workers[k].thread, NULL);
    /* After a failure: those parsed but not written, and those never reached. */
    for (; i < n; i++)
        parsed_free(&todo[i]);
    for (size_t k = 0; k < nworkers; k++)
        git_repository_free(workers[k].git);
    free(workers);
    free(p.done);
    pthread_cond_destroy(&p.room);
    pthread_cond_destroy(&p.ready);
    pthread_mutex_destroy(&p.lock);
    return rc;
}

/* What the index holds: (number or id, git id) sorted by number, in one query. */
struct stored {
    unsigned long number;
    git_oid oid;
    bool seen;
};

static int load_stored(struct journal_index *ix, const char *sql, struct stored **out, size_t *n)
{
    sqlite3_stmt *st;
    size_t alloc = 0;
    *out = NULL;
    *n = 0;
    int rc = prepare(ix, &st, sql);
    if (rc)
        return rc;
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        ARRAY_GROW(*out, *n + 1, alloc);
        struct stored *s = &(*out)[(*n)++];
        s->number = (unsigned long)sqlite3_column_int64(st, 0);
        s->seen = false;
        const char *hex = (const char *)sqlite3_column_text(st, 1);
        /* No id (or a damaged one) never matches: the file is read again. */
        if (!hex || git_oid_fromstr(&s->oid, hex) < 0)
            memset(&s->oid, 0, sizeof(s->oid));
        git_error_clear();
    }
    if (step != SQLITE_DONE)
        rc = db_error(ix, "read");
    sqlite3_finalize(st);
    if (rc) {
        free(*out);
        *out = NULL;
        *n = 0;
    }
    return rc;
}

static struct stored *find_stored(struct stored *s, size_t n, unsigned long number)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s[mid].number < number)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && s[lo].number == number ? &s[lo] : NULL;
}

static void add_todo(struct parsed_submission **todo, size_t *ntodo, size_t *alloc,
                     unsigned long number, const git_oid *tree, bool stored)
{
    ARRAY_GROW(*todo, *ntodo + 1, *alloc);
    struct parsed_submission *p = &(*todo)[(*ntodo)++];
    memset(p, 0, sizeof(*p));
    p->number = number;
    p->stored = stored;
    git_oid_cpy(&p->tree, tree);
}

/* A submission's folder in submissions/: its number, or 0 for anything else. */
static unsigned long submission_entry(const git_tree_entry *e)
{
    if (!e || git_tree_entry_type(e) != GIT_OBJECT_TREE)
        return 0;
    return repo_entry_number(git_tree_entry_name(e), NULL);
}

/*
 * Every folder of dir against what the index holds (read whole from it): those whose tree
 * id differs, or that it lacks, go to todo; the rows of those gone are deleted.
 */
static int list_changed(struct journal_index *ix, git_tree *dir, bool force,
                        struct parsed_submission **todo, size_t *ntodo, size_t *alloc,
                        struct index_refresh_stats *stats)
{
    struct stored *stored = NULL;
    size_t nstored = 0;
    int rc = load_stored(ix, "SELECT number, tree_oid FROM submissions ORDER BY number", &stored,
                         &nstored);
    if (rc)
        return rc;
    size_t n = dir ? git_tree_entrycount(dir) : 0;
    for (size_t i = 0; i < n; i++) {
        const git_tree_entry *sub = git_tree_entry_byindex(dir, i);
        unsigned long number = submission_entry(sub);
        if (!number)
            continue;
        /* The folder's tree id changes when any file in it does: manuscript, record, reviews. */
        struct stored *old = find_stored(stored, nstored, number);
        if (old)
            old->seen = true;
        if (old && !force && git_oid_equal(&old->oid, git_tree_entry_id(sub))) {
            stats->unchanged++;
            continue;
        }
        add_todo(todo, ntodo, alloc, number, git_tree_entry_id(sub), old != NULL);
    }
    for (size_t i = 0; !rc && i < nstored; i++)
        if (!stored[i].seen) {
            rc = delete_submission(ix, stored[i].number);
            stats->submissions_removed++;
        }
    free(stored);
    return rc;
}

/*
 * The same answer from the two trees alone, when the index was last refreshed from the
 * folder `was` (meta submissions_tree): it then holds exactly was's submissions, each at its
 * tree id. Both trees are in git's order, so one walk through the two finds what was added,
 * changed and removed, without reading the index's 100,000 rows (a commit changes one).
 */
static int diff_changed(struct journal_index *ix, git_tree *was, git_tree *dir,
                        struct parsed_submission **todo, size_t *ntodo, size_t *alloc,
                        struct index_refresh_stats *stats)
{
    size_t nw = was ? git_tree_entrycount(was) : 0, nd = dir ? git_tree_entrycount(dir) : 0;
    size_t i = 0, j = 0;
    int rc = 0;
    while (!rc && (i < nw || j < nd)) {
        const git_tree_entry *old = i < nw ? git_tree_entry_byindex(was, i) : NULL;
        const git_tree_entry *now = j < nd ? git_tree_entry_byindex(dir, j) : NULL;
        int cmp = !old ? 1 : !now ? -1 : git_tree_entry_cmp(old, now);
        unsigned long had = cmp <= 0 ? submission_entry(old) : 0;
        unsigned long has = cmp >= 0 ? submission_entry(now) : 0;
        if (cmp <= 0)
            i++;
        if (cmp >= 0)
            j++;
        if (had && !has) {
            rc = delete_submission(ix, had);
            stats->submissions_removed++;
        } else if (has && had && git_oid_equal(git_tree_entry_id(old), git_tree_entry_id(now))) {
            stats->unchanged++;
        } else if (has) {
            add_todo(todo, ntodo, alloc, has, git_tree_entry_id(now), had != 0);
        }
    }
    return rc;
}

/* The submissions/ tree the index was last refreshed from, when git still has it. */
static git_tree *indexed_tree(struct journal_index *ix, const char *meta_key)
{
    char *hex = NULL;
    git_oid oid;
    git_tree *tree = NULL;
    if (!meta_get(ix, meta_key, &hex) && hex && *hex && !git_oid_fromstr(&oid, hex) &&
        git_tree_lookup(&tree, ix->repo->git, &oid) < 0)
        tree = NULL;
    git_error_clear();
    error_clear();
    free(hex);
    return tree;
}

static int refresh_submissions(struct journal_index *ix, git_tree *dir, bool force,
                               struct index_refresh_stats *stats)
{
    struct parsed_submission *todo = NULL;
    size_t ntodo = 0, todo_alloc = 0;
    git_tree *was = force ? NULL : indexed_tree(ix, "submissions_tree");
    int rc = was ? diff_changed(ix, was, dir, &todo, &ntodo, &todo_alloc, stats)
                 : list_changed(ix, dir, force, &todo, &ntodo, &todo_alloc, stats);
    git_tree_free(was);
    /*
     * Without git's index every manuscript is read from git: slower, never wrong. Reading
     * that index (24 MB at 100,000 submissions) costs about as much as inflating one
     * manuscript per hundred submissions, so it is read only for many.
     */
    size_t n = dir ? git_tree_entrycount(dir) : 0;
    struct repo_worktree *wt = NULL;
    if (!rc && ntodo && ntodo * 100 >= n && repo_worktree_open(ix->repo, &wt))
        error_clear();
    for (size_t i = 0; wt && i < ntodo; i++) {
        char path[64];
        snprintf(path, sizeof(path), "submissions/%lu/manuscript.md", todo[i].number);
        repo_worktree_lookup(wt, path, &todo[i].ms_file);
    }
    repo_worktree_free(wt);
    if (!rc)
        rc = parse_and_write(ix, todo, ntodo, stats);
    else
        for (size_t i = 0; i < ntodo; i++)
            parsed_free(&todo[i]);
    free(todo);
    return rc;
}

static int index_issue(struct journal_index *ix, const git_tree_entry *entry, unsigned long id)
{
    char path[64];
    snprintf(path, sizeof(path), "issues/%lu.yaml", id);
    char oid[GIT_OID_HEXSZ + 1];
    git_oid_tostr(oid, sizeof(oid), git_tree_entry_id(entry));
    struct issue_manifest is = {0};
    sqlite3_stmt *st = NULL;
    char *problem = NULL;
    git_blob *blob = NULL;
    int rc = 0;
    if (git_blob_lookup(&blob, ix->repo->git, git_tree_entry_id(entry)) < 0) {
        rc = repo_git_error(path);
        goto done;
    }
    rc = issue_parse(&is, id, path, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob),
                     &ix->repo->config);
    if (rc == JOURNAL_EINPUT)
        problem = xstrdup(error_message());
    else if (rc)
        goto done;
    bool ok = !rc;
    rc = stmt(ix, ST_DELETE_ISSUE_ARTICLES, &st);
    if (!rc) {
        sqlite3_bind_int64(st, 1, (sqlite3_int64)id);
        rc = run_stmt(ix, st, "delete");
    }
    if (!rc)
        rc = stmt(ix, ST_INSERT_ISSUE, &st);
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
        sqlite3_bind_int(st, 10, is.special_series);
        rc = run_stmt(ix, st, "write");
    }
    if (!rc && ok)
        rc = stmt(ix, ST_INSERT_ISSUE_ARTICLE, &st);
    for (size_t i = 0; !rc && ok && i < is.narticles; i++) {
        sqlite3_bind_int64(st, 1, (sqlite3_int64)id);
        sqlite3_bind_int64(st, 2, (sqlite3_int64)i);
        sqlite3_bind_int64(st, 3, (sqlite3_int64)is.articles[i]);
        rc = run_stmt(ix, st, "write");
    }
done:
    if (rc)
        error_prefix("indexing issue %lu", id);
    else
        error_clear();
    git_blob_free(blob);
    free(problem);
    issue_free(&is);
    return rc;
}

static int delete_issue(struct journal_index *ix, unsigned long id)
{
    sqlite3_stmt *st;
    int rc = stmt(ix, ST_DELETE_ISSUE_ARTICLES, &st);
    if (!rc) {
        sqlite3_bind_int64(st, 1, (sqlite3_int64)id);
        rc = run_stmt(ix, st, "delete");
    }
    if (!rc)
        rc = stmt(ix, ST_DELETE_ISSUE, &st);
    if (!rc) {
        sqlite3_bind_int64(st, 1, (sqlite3_int64)id);
        rc = run_stmt(ix, st, "delete");
    }
    return rc;
}

static int refresh_issues(struct journal_index *ix, git_tree *dir, bool force,
                          struct index_refresh_stats *stats)
{
    struct stored *stored = NULL;
    size_t nstored = 0;
    int rc = load_stored(ix, "SELECT id, oid FROM issues ORDER BY id", &stored, &nstored);
    size_t n = dir ? git_tree_entrycount(dir) : 0;
    for (size_t i = 0; !rc && i < n; i++) {
        const git_tree_entry *ent = git_tree_entry_byindex(dir, i);
        unsigned long id = repo_entry_number(git_tree_entry_name(ent), ".yaml");
        if (!id || git_tree_entry_type(ent) != GIT_OBJECT_BLOB)
            continue;
        struct stored *old = find_stored(stored, nstored, id);
        if (old)
            old->seen = true;
        if (old && !force && git_oid_equal(&old->oid, git_tree_entry_id(ent))) {
            stats->unchanged++;
        } else {
            rc = index_issue(ix, ent, id);
            stats->issues_read++;
        }
    }
    for (size_t i = 0; !rc && i < nstored; i++)
        if (!stored[i].seen)
            rc = delete_issue(ix, stored[i].number);
    free(stored);
    return rc;
}

/*
 * deposits/ read again whole when it changed: one small file per deposit attempt, a few
 * a year, so keeping each file's blob id would save nothing worth its code.
 */
static int index_deposit(struct journal_index *ix, const git_tree_entry *entry)
{
    const char *name = git_tree_entry_name(entry);
    char *file = xasprintf("deposits/%s", name);
    git_blob *blob = NULL;
    struct deposit_attempt a;
    char *problem = NULL;
    sqlite3_stmt *st = NULL;
    int rc = 0;
    if (git_blob_lookup(&blob, ix->repo->git, git_tree_entry_id(entry)) < 0) {
        rc = repo_git_error(file);
        goto done;
    }
    rc = deposit_attempt_parse(&a, file, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob));
    if (rc == JOURNAL_EINPUT) {
        problem = xstrdup(error_message());
        error_clear();
        memset(&a, 0, sizeof(a));
    } else if (rc) {
        goto done;
    }
    rc = prepare(
        ix, &st,
        "INSERT INTO deposits(file, batch_id, issue, endpoint, url, at, by, timestamp,"
        " http_status, answer, outcome, problem) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!rc) {
        db_bind_text(st, 1, file);
        db_bind_text(st, 2, a.batch_id);
        sqlite3_bind_int64(st, 3, (sqlite3_int64)a.issue);
        db_bind_text(st, 4, a.endpoint);
        db_bind_text(st, 5, a.url);
        db_bind_text(st, 6, a.at);
        db_bind_text(st, 7, a.by);
        db_bind_text(st, 8, a.timestamp);
        sqlite3_bind_int64(st, 9, a.http_status);
        db_bind_text(st, 10, a.answer);
        db_bind_text(st, 11, a.outcome);
        db_bind_text(st, 12, problem);
        rc = sqlite3_step(st) == SQLITE_DONE ? 0 : db_error(ix, "write");
        sqlite3_finalize(st);
        st = NULL;
    }
    if (!rc)
        rc =
            prepare(ix, &st,
                    "INSERT INTO deposit_dois(file, position, doi, submission) VALUES(?, ?, ?, ?)");
    for (size_t i = 0; !rc && i < a.ndois; i++) {
        sqlite3_reset(st);
        db_bind_text(st, 1, file);
        sqlite3_bind_int64(st, 2, (sqlite3_int64)i);
        db_bind_text(st, 3, a.dois[i]);
        sqlite3_bind_int64(st, 4, (sqlite3_int64)a.submissions[i]);
        rc = sqlite3_step(st) == SQLITE_DONE ? 0 : db_error(ix, "write");
    }
    sqlite3_finalize(st);
    deposit_attempt_free(&a);
done:
    git_blob_free(blob);
    free(problem);
    free(file);
    return rc;
}

static int refresh_deposits(struct journal_index *ix, git_tree *dir, bool force,
                            struct index_refresh_stats *stats)
{
    (void)force;
    (void)stats;
    int rc = exec(ix, "DELETE FROM deposits; DELETE FROM deposit_dois;");
    size_t n = dir ? git_tree_entrycount(dir) : 0;
    for (size_t i = 0; !rc && i < n; i++) {
        const git_tree_entry *ent = git_tree_entry_byindex(dir, i);
        const char *name = git_tree_entry_name(ent);
        size_t len = strlen(name);
        /* What deposit_log_read reads: every *.yaml file of the folder. */
        if (len < 6 || strcmp(name + len - 5, ".yaml") ||
            git_tree_entry_type(ent) != GIT_OBJECT_BLOB)
            continue;
        rc = index_deposit(ix, ent);
    }
    return rc;
}

/*
 * Refresh one folder (submissions/ or issues/) unless its tree id is the one meta_key
 * recorded: after an edit of one issue the 100,000 submissions are not even listed.
 */
static int refresh_folder(struct journal_index *ix, git_tree *root, const char *folder,
                          const char *meta_key, bool force, struct index_refresh_stats *stats,
                          int (*refresh)(struct journal_index *, git_tree *, bool,
                                         struct index_refresh_stats *))
{
    git_tree *dir = NULL;
    char *indexed = NULL;
    int rc = repo_subtree(ix->repo->git, root, folder, &dir);
    char oid[GIT_OID_HEXSZ + 1] = "";
    if (dir)
        git_oid_tostr(oid, sizeof(oid), git_tree_id(dir));
    if (!rc)
        rc = meta_get(ix, meta_key, &indexed);
    if (!rc && (force || !indexed || strcmp(indexed, oid)))
        rc = refresh(ix, dir, force, stats);
    if (!rc)
        rc = meta_set(ix, meta_key, oid);
    free(indexed);
    git_tree_free(dir);
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
    char *indexed = NULL, *folded_with = NULL;
    char *organisations = index_stats_config_key(&ix->repo->config);
    rc = meta_get(ix, "tree", &indexed);
    if (!rc)
        rc = meta_get(ix, "stats_organisations", &folded_with);
    bool current = !rc && indexed && !strcmp(indexed, head);
    /*
     * The statistics were folded with journal.yaml's organisations (index.h): when they
     * change, every published submission is folded again, its keys numbered anew.
     */
    bool refold = !rc && (folded_with ? strcmp(folded_with, organisations) : *organisations);
    free(indexed);
    free(folded_with);
    if (rc || (current && !force && !refold)) {
        free(organisations);
        git_tree_free(root);
        return rc;
    }
    rc = exec(ix, "BEGIN IMMEDIATE");
    if (!rc && refold)
        rc = exec(ix, "DELETE FROM stats_articles; DELETE FROM stats_places;"
                      " DELETE FROM stats_authors;");
    if (!rc)
        rc = refresh_folder(ix, root, "submissions", "submissions_tree", force || refold, stats,
                            refresh_submissions);
    if (!rc)
        rc = meta_set(ix, "stats_organisations", organisations);
    free(organisations);
    place_cache_free(ix->places);
    ix->places = NULL;
    if (!rc)
        rc = refresh_folder(ix, root, "issues", "issues_tree", force, stats, refresh_issues);
    if (!rc)
        rc = refresh_folder(ix, root, "deposits", "deposits_tree", force, stats, refresh_deposits);
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
    /* Read from git once: opened without its refresh, which would read everything too. */
    struct journal_index *ix = NULL;
    int rc = index_open_refreshed(&ix, repo, false);
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

int index_deposit_log(struct journal_index *ix, struct deposit_log *log)
{
    sqlite3_stmt *st = NULL, *dois = NULL;
    struct strbuf problems = STRBUF_INIT;
    size_t alloc = 0;
    memset(log, 0, sizeof(*log));
    int rc =
        prepare(ix, &st, "SELECT problem FROM deposits WHERE problem IS NOT NULL ORDER BY file");
    while (!rc && sqlite3_step(st) == SQLITE_ROW)
        strbuf_addf(&problems, "%s%s", problems.len ? "\n" : "",
                    (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    st = NULL;
    if (!rc && problems.len)
        rc = error_input("%s", problems.buf);
    strbuf_release(&problems);
    if (!rc)
        rc = prepare(ix, &st,
                     "SELECT batch_id, issue, endpoint, url, at, by, timestamp, http_status,"
                     " answer, outcome, file FROM deposits ORDER BY file");
    if (!rc)
        rc = prepare(ix, &dois,
                     "SELECT doi, submission FROM deposit_dois WHERE file = ? ORDER BY position");
    while (!rc && sqlite3_step(st) == SQLITE_ROW) {
        ARRAY_GROW(log->attempts, log->n + 1, alloc);
        struct deposit_attempt *a = &log->attempts[log->n++];
        memset(a, 0, sizeof(*a));
        a->batch_id = db_column_dup(st, 0);
        a->issue = (unsigned long)sqlite3_column_int64(st, 1);
        a->endpoint = db_column_dup(st, 2);
        a->url = db_column_dup(st, 3);
        a->at = db_column_dup(st, 4);
        a->by = db_column_dup(st, 5);
        a->timestamp = db_column_dup(st, 6);
        a->http_status = (long)sqlite3_column_int64(st, 7);
        a->answer = db_column_dup(st, 8);
        a->outcome = db_column_dup(st, 9);
        size_t dalloc = 0;
        sqlite3_reset(dois);
        db_bind_text(dois, 1, (const char *)sqlite3_column_text(st, 10));
        while (sqlite3_step(dois) == SQLITE_ROW) {
            ARRAY_GROW(a->dois, a->ndois + 1, dalloc);
            a->submissions = xrealloc(a->submissions, dalloc * sizeof(*a->submissions));
            a->submissions[a->ndois] = (unsigned long)sqlite3_column_int64(dois, 1);
            a->dois[a->ndois++] = db_column_dup(dois, 0);
        }
    }
    sqlite3_finalize(st);
    sqlite3_finalize(dois);
    if (rc) {
        deposit_log_free(log);
        return rc;
    }
    deposit_log_sort(log);
    return 0;
}
