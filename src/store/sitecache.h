#ifndef JOURNAL_STORE_SITECACHE_H
#define JOURNAL_STORE_SITECACHE_H

#include <stdbool.h>
#include <stddef.h>

/*
 * What the last build of the site into an output folder made, kept in the
 * index database (.journal/index.db) so that the next build renders only what
 * changed. The site is made of units: a group of files written together from
 * the same inputs (an article's page and downloads, the pages made from all
 * articles, the theme's assets). For each unit the cache keeps the key of its
 * inputs (a hash the site builder computes), the warnings its inputs gave and
 * the files it wrote. For each manuscript blob it keeps the digest of what
 * listings show of it (its front matter), so that an unchanged manuscript need
 * not be read to know that the pages listing it are unchanged too.
 *
 * A cache like the rest of the index: deleting it only means a full build.
 */

#define SITE_CACHE_KEY_SIZE 41 /* 40 hex digits and the terminating NUL */

struct site_cache_unit {
    char *name; /* "article/12", "site", "assets" */
    char key[SITE_CACHE_KEY_SIZE];
    char *warnings; /* one per line, or NULL */
    char **files;   /* paths relative to the output folder */
    size_t nfiles, files_alloc;
};

struct site_cache;

/*
 * Open the cache of the builds into output (an absolute path) in state_dir's
 * index.db, creating its tables if needed, and read what it holds for output.
 */
int site_cache_open(struct site_cache **out, const char *state_dir, const char *output);
void site_cache_close(struct site_cache *c);
/* The unit as the last build left it, or NULL when it had no such unit. */
const struct site_cache_unit *site_cache_find(const struct site_cache *c, const char *name);
/* Every unit of the last build, sorted by name. */
const struct site_cache_unit *site_cache_units(const struct site_cache *c, size_t *count);
/* The digest recorded for a blob (40 hex digits), or NULL. */
const char *site_cache_digest(const struct site_cache *c, const char *blob);

/*
 * Record a build: units (all of the site's units; those with made set were
 * made by this build and replace what the cache had; the others stay as they
 * were) and the digests of the blobs read (blobs[i] -> digests[i]). Units of
 * the last build that are not among units are forgotten. One transaction.
 */
int site_cache_save(struct site_cache *c, const struct site_cache_unit *const *units,
                    const bool *made, size_t nunits, const char *const *blobs,
                    const char *const *digests, size_t ndigests);

void site_cache_unit_release(struct site_cache_unit *u);

#endif
