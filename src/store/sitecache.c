#include "store/sitecache.h"

#include "store/db.h"
#include "store/index.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/strbuf.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NAME "site cache"

/* Tables of their own beside the index's: the index drops its tables when its schema changes,
   and these follow their own version. */
#define SITE_CACHE_VERSION "6"

static const char schema[] =
    /* files: the unit's paths, one per line (a row each would be most of the cache's work). */
    "CREATE TABLE IF NOT EXISTS site_units("
    "  output TEXT, unit TEXT, key TEXT, warnings TEXT, files TEXT, folders BLOB,"
    "  PRIMARY KEY(output, unit)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS site_digests(blob TEXT PRIMARY KEY, digest TEXT) WITHOUT ROWID;"
    /* By git id (20 bytes): an issue manifest as parsed; where an article's files are (the
       ids of its record, manuscript and reviews, 60 bytes) by the tree of its folder. */
    "CREATE TABLE IF NOT EXISTS site_issues(blob BLOB PRIMARY KEY, manifest BLOB) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS site_locations(tree BLOB PRIMARY KEY, ids BLOB) WITHOUT ROWID;";

struct digest {
    char blob[SITE_CACHE_KEY_SIZE];
    char digest[SITE_CACHE_KEY_SIZE];
};

struct cached_issue {
    git_oid blob;
    unsigned char *manifest; /* site_cache_issue_encode's */
    size_t len;
    bool used; /* by this build */
};

struct cached_location {
    struct site_cache_location at;
    bool used;
};

struct site_cache {
    sqlite3 *db;
    char *output;
    struct site_cache_unit *units; /* sorted by name */
    size_t nunits, units_alloc;
    bool *found; /* by site_cache_find, per unit */
    size_t nfound;
    struct digest *digests; /* sorted by blob */
    size_t ndigests, digests_alloc;
    struct cached_issue *issues; /* sorted by blob */
    size_t nissues, issues_alloc;
    struct cached_location *locations; /* sorted by tree */
    size_t nlocations, locations_alloc;
};

static int fail(struct site_cache *c, const char *what)
{
    return db_fail(c->db, NAME, what);
}

static int check_version(struct site_cache *c)
{
    sqlite3_stmt *st;
    int rc =
        db_exec(c->db, NAME, "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT)");
    if (!rc)
        rc = db_prepare(c->db, NAME, &st, "SELECT value FROM meta WHERE key = 'site_cache'");
    if (rc)
        return rc;
    char *version = sqlite3_step(st) == SQLITE_ROW ? db_column_dup(st, 0) : NULL;
    sqlite3_finalize(st);
    if (version && !strcmp(version, SITE_CACHE_VERSION)) {
        free(version);
        return 0;
    }
    free(version);
    rc = db_exec(c->db, NAME,
                 "BEGIN; DROP TABLE IF EXISTS site_files; DROP TABLE IF EXISTS site_units;"
                 "DROP TABLE IF EXISTS site_digests;"
                 "INSERT OR REPLACE INTO meta(key, value) VALUES('site_cache', '" SITE_CACHE_VERSION
                 "'); COMMIT;");
    if (rc)
        sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

static void copy_key(char dst[SITE_CACHE_KEY_SIZE], const unsigned char *src)
{
    snprintf(dst, SITE_CACHE_KEY_SIZE, "%s", src ? (const char *)src : "");
}

static int load(struct site_cache *c)
{
    sqlite3_stmt *st;
    int rc = db_prepare(c->db, NAME, &st,
                        "SELECT unit, key, warnings, files, folders FROM site_units WHERE output = "
                        "? ORDER BY unit");
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, c->output, -1, SQLITE_STATIC);
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        ARRAY_GROW(c->units, c->nunits + 1, c->units_alloc);
        struct site_cache_unit *u = &c->units[c->nunits++];
        memset(u, 0, sizeof(*u));
        u->name = db_column_dup(st, 0);
        copy_key(u->key, sqlite3_column_text(st, 1));
        u->warnings = db_column_dup(st, 2);
        if (!u->name)
            u->name = xstrdup("");
        const char *files = (const char *)sqlite3_column_text(st, 3);
        while (files && *files) {
            const char *end = strchr(files, '\n');
            size_t len = end ? (size_t)(end - files) : strlen(files);
            ARRAY_GROW(u->files, u->nfiles + 1, u->files_alloc);
            u->files[u->nfiles++] = xstrndup(files, len);
            files = end ? end + 1 : NULL;
        }
        const void *folders = sqlite3_column_blob(st, 4);
        u->folders_len = (size_t)sqlite3_column_bytes(st, 4);
        if (folders && u->folders_len) {
            u->folders = xmalloc(u->folders_len);
            memcpy(u->folders, folders, u->folders_len);
        } else {
            u->folders_len = 0;
        }
    }
    rc = step == SQLITE_DONE ? 0 : fail(c, "read the units of the last build");
    sqlite3_finalize(st);
    c->found = xcalloc(c->nunits + 1, sizeof(*c->found));
    if (rc)
        return rc;

    rc = db_prepare(c->db, NAME, &st, "SELECT blob, digest FROM site_digests ORDER BY blob");
    if (rc)
        return rc;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        ARRAY_GROW(c->digests, c->ndigests + 1, c->digests_alloc);
        struct digest *d = &c->digests[c->ndigests++];
        copy_key(d->blob, sqlite3_column_text(st, 0));
        copy_key(d->digest, sqlite3_column_text(st, 1));
    }
    rc = step == SQLITE_DONE ? 0 : fail(c, "read the digests of manuscripts");
    sqlite3_finalize(st);
    if (rc)
        return rc;

    /* Rows of another size than a git id are skipped: a cache is never trusted to be right. */
    rc = db_prepare(c->db, NAME, &st, "SELECT blob, manifest FROM site_issues ORDER BY blob");
    if (rc)
        return rc;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        const void *blob = sqlite3_column_blob(st, 0);
        if (!blob || sqlite3_column_bytes(st, 0) != GIT_OID_RAWSZ)
            continue;
        ARRAY_GROW(c->issues, c->nissues + 1, c->issues_alloc);
        struct cached_issue *is = &c->issues[c->nissues++];
        git_oid_fromraw(&is->blob, blob);
        is->len = (size_t)sqlite3_column_bytes(st, 1);
        is->manifest = xmalloc(is->len + 1);
        if (is->len)
            memcpy(is->manifest, sqlite3_column_blob(st, 1), is->len);
        is->used = false;
    }
    rc = step == SQLITE_DONE ? 0 : fail(c, "read the issue manifests");
    sqlite3_finalize(st);
    if (rc)
        return rc;

    rc = db_prepare(c->db, NAME, &st, "SELECT tree, ids FROM site_locations ORDER BY tree");
    if (rc)
        return rc;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        const unsigned char *tree = sqlite3_column_blob(st, 0);
        const unsigned char *ids = sqlite3_column_blob(st, 1);
        if (!tree || sqlite3_column_bytes(st, 0) != GIT_OID_RAWSZ || !ids ||
            sqlite3_column_bytes(st, 1) != 3 * GIT_OID_RAWSZ)
            continue;
        ARRAY_GROW(c->locations, c->nlocations + 1, c->locations_alloc);
        struct cached_location *l = &c->locations[c->nlocations++];
        git_oid_fromraw(&l->at.tree, tree);
        git_oid_fromraw(&l->at.record, ids);
        git_oid_fromraw(&l->at.manuscript, ids + GIT_OID_RAWSZ);
        git_oid_fromraw(&l->at.reviews, ids + 2 * GIT_OID_RAWSZ);
        l->used = false;
    }
    rc = step == SQLITE_DONE ? 0 : fail(c, "read where the articles are");
    sqlite3_finalize(st);
    return rc;
}

int site_cache_open(struct site_cache **out, const char *state_dir, const char *output)
{
    *out = NULL;
    struct site_cache *c = xcalloc(1, sizeof(*c));
    c->output = xstrdup(output);
    int rc = index_db_open(state_dir, &c->db);
    if (!rc)
        rc = check_version(c);
    if (!rc)
        rc = db_exec(c->db, NAME, schema);
    if (!rc)
        rc = load(c);
    if (rc) {
        site_cache_close(c);
        return rc;
    }
    *out = c;
    return 0;
}

void site_cache_unit_release(struct site_cache_unit *u)
{
    free(u->name);
    free(u->warnings);
    free(u->folders);
    for (size_t i = 0; i < u->nfiles; i++)
        free(u->files[i]);
    free(u->files);
    memset(u, 0, sizeof(*u));
}

void site_cache_close(struct site_cache *c)
{
    if (!c)
        return;
    sqlite3_close(c->db);
    for (size_t i = 0; i < c->nunits; i++)
        site_cache_unit_release(&c->units[i]);
    free(c->units);
    free(c->found);
    free(c->digests);
    for (size_t i = 0; i < c->nissues; i++)
        free(c->issues[i].manifest);
    free(c->issues);
    free(c->locations);
    free(c->output);
    free(c);
}

static int compare_unit_name(const void *key, const void *elem)
{
    return strcmp(key, ((const struct site_cache_unit *)elem)->name);
}

const struct site_cache_unit *site_cache_find(struct site_cache *c, const char *name)
{
    if (!c->nunits)
        return NULL;
    const struct site_cache_unit *u =
        bsearch(name, c->units, c->nunits, sizeof(*c->units), compare_unit_name);
    if (u && !c->found[u - c->units]) {
        c->found[u - c->units] = true;
        c->nfound++;
    }
    return u;
}

const struct site_cache_unit *site_cache_units(const struct site_cache *c, size_t *count)
{
    *count = c->nunits;
    return c->units;
}

static int compare_blob(const void *key, const void *elem)
{
    return strcmp(key, ((const struct digest *)elem)->blob);
}

const char *site_cache_digest(const struct site_cache *c, const char *blob)
{
    if (!c->ndigests)
        return NULL;
    const struct digest *d =
        bsearch(blob, c->digests, c->ndigests, sizeof(*c->digests), compare_blob);
    return d ? d->digest : NULL;
}

/* ---- issue manifests: numbers as "<digits> ", texts as "<length>:<bytes>" or "-" ---- */

static void put_number(struct strbuf *sb, unsigned long v)
{
    strbuf_addf(sb, "%lu ", v);
}

static void put_text(struct strbuf *sb, const char *s)
{
    if (!s) {
        strbuf_addch(sb, '-');
        return;
    }
    size_t len = strlen(s);
    strbuf_addf(sb, "%zu:", len);
    strbuf_add(sb, s, len);
}

static void put_localised(struct strbuf *sb, const struct localised_text *t)
{
    put_number(sb, t->n);
    for (size_t i = 0; i < t->n; i++) {
        put_text(sb, t->lang[i]);
        put_text(sb, t->text[i]);
    }
}

void site_cache_issue_encode(const struct issue_manifest *is, struct strbuf *out)
{
    put_number(out, is->volume);
    put_number(out, is->number);
    put_number(out, is->special_series);
    put_number(out, is->pages_typeset);
    put_number(out, is->year);
    put_text(out, is->date);
    put_text(out, is->title);
    put_text(out, is->special);
    put_localised(out, &is->titles);
    put_localised(out, &is->specials);
    put_number(out, is->nguest_editors);
    for (size_t i = 0; i < is->nguest_editors; i++) {
        put_text(out, is->guest_editors[i].name);
        put_text(out, is->guest_editors[i].affiliation);
        put_localised(out, &is->guest_editors[i].affiliations);
    }
    put_number(out, is->narticles);
    for (size_t i = 0; i < is->narticles; i++) {
        put_number(out, is->articles[i]);
        put_number(out, is->article_lines[i]);
        put_text(out, is->pages ? is->pages[i] : NULL);
        size_t nfiles = is->supplementary ? is->supplementary[i].nfiles : 0;
        put_number(out, nfiles);
        for (size_t k = 0; k < nfiles; k++)
            put_text(out, is->supplementary[i].files[k]);
    }
    /* Without corrections: none at all, or an empty list. */
    put_number(out, is->corrections ? is->ncorrections + 1 : 0);
    for (size_t i = 0; i < is->ncorrections; i++) {
        put_text(out, is->corrections[i].date);
        put_text(out, is->corrections[i].note);
    }
}

struct reader {
    const unsigned char *p, *end;
    bool ok;
};

static unsigned long get_number(struct reader *r, char stop)
{
    unsigned long v = 0;
    const unsigned char *start = r->p;
    while (r->ok && r->p < r->end && *r->p >= '0' && *r->p <= '9' && r->p - start < 19)
        v = v * 10 + (unsigned long)(*r->p++ - '0');
    if (r->p == start || r->p >= r->end || *r->p != stop)
        r->ok = false;
    else
        r->p++;
    return r->ok ? v : 0;
}

/* A count of things each taking at least two bytes: no more than what is left allows. */
static size_t get_count(struct reader *r)
{
    unsigned long n = get_number(r, ' ');
    if (n > (unsigned long)(r->end - r->p))
        r->ok = false;
    return r->ok ? (size_t)n : 0;
}

static char *get_text(struct reader *r)
{
    if (!r->ok)
        return NULL;
    if (r->p < r->end && *r->p == '-') {
        r->p++;
        return NULL;
    }
    unsigned long len = get_number(r, ':');
    if (!r->ok || len > (unsigned long)(r->end - r->p) || memchr(r->p, '\0', len)) {
        r->ok = false;
        return NULL;
    }
    char *s = xstrndup((const char *)r->p, len);
    r->p += len;
    return s;
}

static void get_localised(struct reader *r, struct localised_text *t)
{
    size_t n = get_count(r);
    for (size_t i = 0; r->ok && i < n; i++) {
        char *lang = get_text(r), *text = get_text(r);
        if (text)
            localised_set(t, lang, text);
        else
            r->ok = false;
        free(lang);
        free(text);
    }
}

static bool issue_decode(const unsigned char *data, size_t len, struct issue_manifest *is)
{
    struct reader r = {data, data + len, true};
    memset(is, 0, sizeof(*is));
    is->volume = get_number(&r, ' ');
    is->number = get_number(&r, ' ');
    is->special_series = get_number(&r, ' ') != 0;
    is->pages_typeset = get_number(&r, ' ') != 0;
    is->year = get_number(&r, ' ');
    is->date = get_text(&r);
    is->title = get_text(&r);
    is->special = get_text(&r);
    get_localised(&r, &is->titles);
    get_localised(&r, &is->specials);
    size_t n = get_count(&r);
    for (size_t i = 0; r.ok && i < n; i++) {
        char *name = get_text(&r), *affiliation = get_text(&r);
        if (name) {
            issue_add_guest_editor(is, name, affiliation);
            struct guest_editor *g = &is->guest_editors[is->nguest_editors - 1];
            localised_free(&g->affiliations);
            get_localised(&r, &g->affiliations);
        } else
            r.ok = false;
        free(name);
        free(affiliation);
    }
    n = get_count(&r);
    if (r.ok) {
        is->articles = xcalloc(n ? n : 1, sizeof(*is->articles));
        is->article_lines = xcalloc(n ? n : 1, sizeof(*is->article_lines));
        is->pages = xcalloc(n ? n : 1, sizeof(*is->pages));
        is->supplementary = xcalloc(n ? n : 1, sizeof(*is->supplementary));
    }
    for (size_t i = 0; r.ok && i < n; i++) {
        is->articles[i] = get_number(&r, ' ');
        is->article_lines[i] = get_number(&r, ' ');
        is->pages[i] = get_text(&r);
        is->narticles++;
        size_t nfiles = get_count(&r);
        for (size_t k = 0; r.ok && k < nfiles; k++) {
            char *path = get_text(&r);
            if (path)
                issue_add_supplementary(is, i, path);
            else
                r.ok = false;
            free(path);
        }
    }
    n = get_count(&r);
    if (r.ok && n)
        is->corrections = xcalloc(n, sizeof(*is->corrections));
    for (size_t i = 0; r.ok && i + 1 < n; i++) {
        char *date = get_text(&r), *note = get_text(&r);
        is->corrections[is->ncorrections++] = (struct issue_correction){date, note};
        if (!date || !note)
            r.ok = false;
    }
    if (!r.ok || r.p != r.end || !is->date) {
        issue_free(is);
        return false;
    }
    return true;
}

static int compare_issue_blob(const void *key, const void *elem)
{
    return git_oid_cmp(key, &((const struct cached_issue *)elem)->blob);
}

bool site_cache_issue(struct site_cache *c, const git_oid *blob, struct issue_manifest *out)
{
    struct cached_issue *is =
        c->nissues ? bsearch(blob, c->issues, c->nissues, sizeof(*c->issues), compare_issue_blob)
                   : NULL;
    if (!is || !issue_decode(is->manifest, is->len, out))
        return false;
    is->used = true;
    return true;
}

static int compare_location_tree(const void *key, const void *elem)
{
    return git_oid_cmp(key, &((const struct cached_location *)elem)->at.tree);
}

const struct site_cache_location *site_cache_location(struct site_cache *c, const git_oid *tree)
{
    struct cached_location *l = c->nlocations
                                    ? bsearch(tree, c->locations, c->nlocations,
                                              sizeof(*c->locations), compare_location_tree)
                                    : NULL;
    if (!l)
        return NULL;
    l->used = true;
    return &l->at;
}

static int step_done(struct site_cache *c, sqlite3_stmt *st, const char *what)
{
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : fail(c, what);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc;
}

enum {
    DEL_UNIT,
    PUT_UNIT,
    PUT_DIGEST,
    PUT_ISSUE,
    DEL_ISSUE,
    PUT_LOCATION,
    DEL_LOCATION,
    NSTATEMENTS
};

static const char *const statements[NSTATEMENTS] = {
    "DELETE FROM site_units WHERE output = ?1 AND unit = ?2",
    "INSERT OR REPLACE INTO site_units(output, unit, key, warnings, files, folders)"
    " VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
    "INSERT OR REPLACE INTO site_digests(blob, digest) VALUES(?1, ?2)",
    "INSERT OR REPLACE INTO site_issues(blob, manifest) VALUES(?1, ?2)",
    "DELETE FROM site_issues WHERE blob = ?1",
    "INSERT OR REPLACE INTO site_locations(tree, ids) VALUES(?1, ?2)",
    "DELETE FROM site_locations WHERE tree = ?1",
};

static int forget_unit(struct site_cache *c, sqlite3_stmt **st, const char *name)
{
    sqlite3_bind_text(st[DEL_UNIT], 1, c->output, -1, SQLITE_STATIC);
    sqlite3_bind_text(st[DEL_UNIT], 2, name, -1, SQLITE_STATIC);
    return step_done(c, st[DEL_UNIT], "forget a unit of the site");
}

static int put_unit(struct site_cache *c, sqlite3_stmt **st, const struct site_cache_unit *u)
{
    struct strbuf files = STRBUF_INIT;
    for (size_t i = 0; i < u->nfiles; i++)
        strbuf_addf(&files, "%s%s", i ? "\n" : "", u->files[i]);
    sqlite3_bind_text(st[PUT_UNIT], 1, c->output, -1, SQLITE_STATIC);
    sqlite3_bind_text(st[PUT_UNIT], 2, u->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st[PUT_UNIT], 3, u->key, -1, SQLITE_STATIC);
    db_bind_text(st[PUT_UNIT], 4, u->warnings);
    sqlite3_bind_text(st[PUT_UNIT], 5, files.buf ? files.buf : "", -1, SQLITE_STATIC);
    if (u->folders_len)
        sqlite3_bind_blob(st[PUT_UNIT], 6, u->folders, (int)u->folders_len, SQLITE_STATIC);
    else
        sqlite3_bind_null(st[PUT_UNIT], 6);
    int rc = step_done(c, st[PUT_UNIT], "record a unit of the site");
    strbuf_release(&files);
    return rc;
}

static int compare_units(const void *x, const void *y)
{
    return strcmp((*(const struct site_cache_unit *const *)x)->name,
                  (*(const struct site_cache_unit *const *)y)->name);
}

static int put_digest(struct site_cache *c, sqlite3_stmt **st, const char *blob, const char *digest)
{
    sqlite3_bind_text(st[PUT_DIGEST], 1, blob, -1, SQLITE_STATIC);
    sqlite3_bind_text(st[PUT_DIGEST], 2, digest, -1, SQLITE_STATIC);
    return step_done(c, st[PUT_DIGEST], "record the digest of a manuscript");
}

static int put_issue(struct site_cache *c, sqlite3_stmt **st, const git_oid *blob,
                     const struct strbuf *manifest)
{
    sqlite3_bind_blob(st[PUT_ISSUE], 1, blob->id, GIT_OID_RAWSZ, SQLITE_STATIC);
    sqlite3_bind_blob(st[PUT_ISSUE], 2, manifest->buf ? manifest->buf : "", (int)manifest->len,
                      SQLITE_STATIC);
    return step_done(c, st[PUT_ISSUE], "record an issue manifest");
}

static int put_location(struct site_cache *c, sqlite3_stmt **st,
                        const struct site_cache_location *l)
{
    unsigned char ids[3 * GIT_OID_RAWSZ];
    memcpy(ids, l->record.id, GIT_OID_RAWSZ);
    memcpy(ids + GIT_OID_RAWSZ, l->manuscript.id, GIT_OID_RAWSZ);
    memcpy(ids + 2 * GIT_OID_RAWSZ, l->reviews.id, GIT_OID_RAWSZ);
    sqlite3_bind_blob(st[PUT_LOCATION], 1, l->tree.id, GIT_OID_RAWSZ, SQLITE_STATIC);
    sqlite3_bind_blob(st[PUT_LOCATION], 2, ids, sizeof(ids), SQLITE_TRANSIENT);
    return step_done(c, st[PUT_LOCATION], "record where an article is");
}

static int forget_by_id(struct site_cache *c, sqlite3_stmt *st, const git_oid *id, const char *what)
{
    sqlite3_bind_blob(st, 1, id->id, GIT_OID_RAWSZ, SQLITE_STATIC);
    return step_done(c, st, what);
}

int site_cache_save(struct site_cache *c, const struct site_cache_record *r)
{
    sqlite3_stmt *st[NSTATEMENTS] = {NULL};
    int rc = db_exec(c->db, NAME, "BEGIN IMMEDIATE");
    if (rc)
        return rc;
    for (int k = 0; !rc && k < NSTATEMENTS; k++)
        rc = db_prepare(c->db, NAME, &st[k], statements[k]);

    /* The units of the last build that this one no longer has: both lists by name (none when
       the build found each of them). */
    size_t nsorted = c->nfound < c->nunits ? r->nunits : 0;
    const struct site_cache_unit **sorted = xcalloc(nsorted + 1, sizeof(*sorted));
    for (size_t i = 0; i < nsorted; i++)
        sorted[i] = r->units[i];
    qsort(sorted, nsorted, sizeof(*sorted), compare_units);
    size_t at = 0;
    for (size_t i = 0; !rc && nsorted && i < c->nunits; i++) {
        while (at < nsorted && strcmp(sorted[at]->name, c->units[i].name) < 0)
            at++;
        if (at == nsorted || strcmp(sorted[at]->name, c->units[i].name))
            rc = forget_unit(c, st, c->units[i].name);
    }
    free(sorted);

    for (size_t i = 0; !rc && i < r->nunits; i++)
        if (r->write[i])
            rc = put_unit(c, st, r->units[i]);
    for (size_t i = 0; !rc && i < r->ndigests; i++)
        if (!site_cache_digest(c, r->blobs[i]))
            rc = put_digest(c, st, r->blobs[i], r->digests[i]);
    /* Digests of manuscripts long edited away would pile up: when there are many more than
       the site has, keep only the site's. */
    if (!rc && c->ndigests > 2 * r->ndigests + 64) {
        rc = db_exec(c->db, NAME, "DELETE FROM site_digests");
        for (size_t i = 0; !rc && i < r->ndigests; i++)
            rc = put_digest(c, st, r->blobs[i], r->digests[i]);
    }
    for (size_t i = 0; !rc && i < r->nissues; i++)
        rc = put_issue(c, st, &r->issue_blobs[i], &r->issues[i]);
    for (size_t i = 0; !rc && i < r->nlocations; i++)
        rc = put_location(c, st, &r->locations[i]);
    /* Likewise the manifests and folders of older commits, once they are most of the cache:
       the ones this build did not use go. */
    size_t used = 0;
    for (size_t i = 0; i < c->nissues; i++)
        used += c->issues[i].used;
    for (size_t i = 0; !rc && c->nissues - used > used + 64 && i < c->nissues; i++)
        if (!c->issues[i].used)
            rc = forget_by_id(c, st[DEL_ISSUE], &c->issues[i].blob, "forget an issue manifest");
    used = 0;
    for (size_t i = 0; i < c->nlocations; i++)
        used += c->locations[i].used;
    for (size_t i = 0; !rc && c->nlocations - used > used + 64 && i < c->nlocations; i++)
        if (!c->locations[i].used)
            rc = forget_by_id(c, st[DEL_LOCATION], &c->locations[i].at.tree,
                              "forget where an article was");
    for (int k = 0; k < NSTATEMENTS; k++)
        sqlite3_finalize(st[k]);
    if (!rc)
        rc = db_exec(c->db, NAME, "COMMIT");
    if (rc)
        sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}
