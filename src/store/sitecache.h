#ifndef JOURNAL_STORE_SITECACHE_H
#define JOURNAL_STORE_SITECACHE_H

#include "model/issue.h"

#include <git2.h>
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
 * not be read to know that the pages listing it are unchanged too. And
 * what the build derives from unchanged git objects, so that the next build
 * need not derive it again: each issue manifest parsed, by its blob, and
 * where an article's files are, by the tree of its folder.
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
    /* The stat data of the files' folders when they were last checked (see units.c), or NULL:
       opaque to the cache. */
    void *folders;
    size_t folders_len;
};

/* Where an article's files are in a tree of submissions/<n>/ (the key). */
struct site_cache_location {
    git_oid tree;
    git_oid record, manuscript; /* submission.yaml, manuscript.md */
    git_oid reviews;            /* the reviews/ tree, zero without one */
};

struct site_cache;

/*
 * Open the cache of the builds into output (an absolute path) in state_dir's
 * index.db, creating its tables if needed, and read what it holds for output.
 */
int site_cache_open(struct site_cache **out, const char *state_dir, const char *output);
void site_cache_close(struct site_cache *c);
/* The unit as the last build left it, or NULL when it had no such unit. Not thread-safe: the
   cache notes which units the build still has. */
const struct site_cache_unit *site_cache_find(struct site_cache *c, const char *name);
/* Every unit of the last build, sorted by name. */
const struct site_cache_unit *site_cache_units(const struct site_cache *c, size_t *count);
/* The digest recorded for a blob (40 hex digits), or NULL. */
const char *site_cache_digest(const struct site_cache *c, const char *blob);

/*
 * The manifest an earlier build parsed from blob, into *out (its id is the
 * caller's to set; free it with issue_free): false when the cache has none.
 * Not thread-safe: the cache notes which manifests are still of use.
 */
bool site_cache_issue(struct site_cache *c, const git_oid *blob, struct issue_manifest *out);
/* What site_cache_save records of a manifest (parsed from its blob without error). */
void site_cache_issue_encode(const struct issue_manifest *is, struct strbuf *out);
/* Where the article of the submission folder tree is, or NULL. Not thread-safe either. */
const struct site_cache_location *site_cache_location(struct site_cache *c, const git_oid *tree);

/* What a build adds to the cache. */
struct site_cache_record {
    /* All of the site's units; those with write set replace what the cache had (made by this
       build, or checked again), the others stay as they were. Units of the last build that
       are not among them are forgotten. */
    const struct site_cache_unit *const *units;
    const bool *write;
    size_t nunits;
    /* The digests of the manuscript blobs read (blobs[i] -> digests[i]). */
    const char *const *blobs;
    const char *const *digests;
    size_t ndigests;
    /* Manifests parsed this build: issue_blobs[i] -> issues[i] (site_cache_issue_encode). */
    const git_oid *issue_blobs;
    const struct strbuf *issues;
    size_t nissues;
    /* Articles located this build. */
    const struct site_cache_location *locations;
    size_t nlocations;
};

/* Record a build, in one transaction. */
int site_cache_save(struct site_cache *c, const struct site_cache_record *r);

void site_cache_unit_release(struct site_cache_unit *u);

#endif
