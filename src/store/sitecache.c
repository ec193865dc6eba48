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
#define SITE_CACHE_VERSION "2"

static const char schema[] =
    /* files: the unit's paths, one per line (a row each would be most of the cache's work). */
    "CREATE TABLE IF NOT EXISTS site_units("
    "  output TEXT, unit TEXT, key TEXT, warnings TEXT, files TEXT, PRIMARY KEY(output, unit))"
    "  WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS site_digests(blob TEXT PRIMARY KEY, digest TEXT) WITHOUT ROWID;";

struct digest {
    char blob[SITE_CACHE_KEY_SIZE];
    char digest[SITE_CACHE_KEY_SIZE];
};

struct site_cache {
    sqlite3 *db;
    char *output;
    struct site_cache_unit *units; /* sorted by name */
    size_t nunits, units_alloc;
    struct digest *digests; /* sorted by blob */
    size_t ndigests, digests_alloc;
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
    int rc = db_prepare(
        c->db, NAME, &st,
        "SELECT unit, key, warnings, files FROM site_units WHERE output = ? ORDER BY unit");
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
    }
    rc = step == SQLITE_DONE ? 0 : fail(c, "read the units of the last build");
    sqlite3_finalize(st);
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
    free(c->digests);
    free(c->output);
    free(c);
}

static int compare_unit_name(const void *key, const void *elem)
{
    return strcmp(key, ((const struct site_cache_unit *)elem)->name);
}

const struct site_cache_unit *site_cache_find(const struct site_cache *c, const char *name)
{
    if (!c->nunits)
        return NULL;
    return bsearch(name, c->units, c->nunits, sizeof(*c->units), compare_unit_name);
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

static int step_done(struct site_cache *c, sqlite3_stmt *st, const char *what)
{
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : fail(c, what);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc;
}

enum { DEL_UNIT, PUT_UNIT, PUT_DIGEST, NSTATEMENTS };

static const char *const statements[NSTATEMENTS] = {
    "DELETE FROM site_units WHERE output = ?1 AND unit = ?2",
    "INSERT OR REPLACE INTO site_units(output, unit, key, warnings, files)"
    " VALUES(?1, ?2, ?3, ?4, ?5)",
    "INSERT OR REPLACE INTO site_digests(blob, digest) VALUES(?1, ?2)",
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
    int rc = step_done(c, st[PUT_UNIT], "record a unit of the site");
    strbuf_release(&files);
    return rc;
}

static int compare_units(const void *x, const void *y)
{
    return strcmp((*(const struct site_cache_unit *const *)x)->name,
                  (*(const struct site_cache_unit *const *)y)->name);
}

int site_cache_save(struct site_cache *c, const struct site_cache_unit *const *units,
                    const bool *made, size_t nunits, const char *const *blobs,
                    const char *const *digests, size_t ndigests)
{
    sqlite3_stmt *st[NSTATEMENTS] = {NULL};
    int rc = db_exec(c->db, NAME, "BEGIN IMMEDIATE");
    if (rc)
        return rc;
    for (int k = 0; !rc && k < NSTATEMENTS; k++)
        rc = db_prepare(c->db, NAME, &st[k], statements[k]);

    /* The units of the last build that this one no longer has: both lists by name. */
    const struct site_cache_unit **sorted = xcalloc(nunits + 1, sizeof(*sorted));
    for (size_t i = 0; i < nunits; i++)
        sorted[i] = units[i];
    qsort(sorted, nunits, sizeof(*sorted), compare_units);
    size_t at = 0;
    for (size_t i = 0; !rc && i < c->nunits; i++) {
        while (at < nunits && strcmp(sorted[at]->name, c->units[i].name) < 0)
            at++;
        if (at == nunits || strcmp(sorted[at]->name, c->units[i].name))
            rc = forget_unit(c, st, c->units[i].name);
    }
    free(sorted);

    for (size_t i = 0; !rc && i < nunits; i++)
        if (made[i])
            rc = put_unit(c, st, units[i]);
    for (size_t i = 0; !rc && i < ndigests; i++) {
        if (site_cache_digest(c, blobs[i]))
            continue;
        sqlite3_bind_text(st[PUT_DIGEST], 1, blobs[i], -1, SQLITE_STATIC);
        sqlite3_bind_text(st[PUT_DIGEST], 2, digests[i], -1, SQLITE_STATIC);
        rc = step_done(c, st[PUT_DIGEST], "record the digest of a manuscript");
    }
    /* Digests of manuscripts long edited away would pile up: when there are many more than
       the site has, keep only the site's. */
    if (!rc && c->ndigests > 2 * ndigests + 64) {
        rc = db_exec(c->db, NAME, "DELETE FROM site_digests");
        for (size_t i = 0; !rc && i < ndigests; i++) {
            sqlite3_bind_text(st[PUT_DIGEST], 1, blobs[i], -1, SQLITE_STATIC);
            sqlite3_bind_text(st[PUT_DIGEST], 2, digests[i], -1, SQLITE_STATIC);
            rc = step_done(c, st[PUT_DIGEST], "record the digest of a manuscript");
        }
    }
    for (int k = 0; k < NSTATEMENTS; k++)
        sqlite3_finalize(st[k]);
    if (!rc)
        rc = db_exec(c->db, NAME, "COMMIT");
    if (rc)
        sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}
