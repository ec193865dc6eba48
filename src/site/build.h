#ifndef JOURNAL_SITE_BUILD_H
#define JOURNAL_SITE_BUILD_H

/*
 * What the parts of the site builder share (site.c loads the journal and
 * drives the build; articles.c, indexes.c and pages.c render their pages):
 * the build in progress, the language views, and the helpers every page
 * uses. Not for use outside src/site/.
 */

#include "model/issue.h"
#include "model/manuscript.h"
#include "model/record.h"
#include "model/review.h"
#include "model/roster.h"
#include "site/site.h"
#include "store/sitecache.h"
#include "store/worktree.h"

#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/stat.h>

struct country_db;
struct language_db;
struct mustache_set;
struct i18n;
struct listing_part;

/*
 * A group of output files made together from the same inputs: an article's
 * page and downloads ("article/12"), the pages made from all articles
 * ("site"), the theme's assets ("assets"). A build makes a unit again only
 * when the key of its inputs differs from the last build's (see units.c).
 */
struct unit {
    struct site_cache_unit c;           /* name, key, warnings; the files written, once made */
    unsigned long *staged;              /* where each of c.files waits in the staging folder */
    const struct site_cache_unit *last; /* what the last build made of it, or NULL */
    bool make;                          /* this build makes it */
    bool recheck; /* kept, its files looked up one by one: their folders are recorded again */
};

struct article {
    unsigned long number;
    struct manuscript m;
    struct submission_record r;
    const struct issue_manifest *issue;
    size_t listed_at;            /* its place in issue->articles, for messages about the manifest */
    struct review *open_reviews; /* signed reviews, published under open review only */
    size_t nopen_reviews;
    /* Where it is in the committed tree: what its unit's key is made from. */
    git_oid record_id, manuscript_id, reviews_id; /* reviews_id is zero without reviews */
    git_oid folder_id; /* the tree of submissions/<number>/, zero before it is found */
    bool located;      /* the ids above are set, from the cache */
    char digest[SITE_CACHE_KEY_SIZE]; /* of its front matter: what listings show; "" unknown */
    struct repo_worktree_file manuscript_file; /* git's record of it in the working tree */
    struct unit *unit;
    struct unit *pdf_unit; /* its PDF galley ("pdf/12"), or NULL when the build makes none */
    bool loaded;           /* m and r hold its record and manuscript */
    /* Its record as build-issue is about to commit it, read instead of the committed one
       (site_count_galley_pages); NULL in a build of the site. */
    const struct strbuf *record_text;
    /* Its supplementary material (the manifest's list) while its page is made. */
    struct site_supplement *supplements;
    size_t nsupplements;
    /* The figures its text shows from its attachments (site_article_figures), likewise. */
    struct site_supplement *figures;
    size_t nfigures;
};

/* An attachment published with its article: its path under files/ and its bytes. */
struct site_supplement {
    const char *path; /* the manifest's, or the figure's (owned by the article's figures) */
    struct strbuf data;
};

/*
 * A part of the search index (search.c): the pages of a run of articles in publication order,
 * or the journal's own pages, indexed by one run of Pagefind into pagefind/<name>/.
 */
struct search_shard {
    char *name;       /* "2025", "2025-2", "pages" */
    size_t *articles; /* indexes into build.articles; none for "pages" */
    size_t narticles;
    struct unit unit;  /* "search/2025" */
    json_t *languages; /* of its index, with their pages: {"en": 9, "ru": 2}, or NULL */
    bool indexed;      /* it has an index: a page of it is marked data-pagefind-body */
    size_t npages;     /* the pages indexed, and how long it took (reported by the build) */
    double seconds;
};

/* An issue's PDF (pdf.c): issues/ID/issue.pdf, its cover and contents and then every galley of
   its articles, in the issue's order. */
struct issue_pdf {
    const struct issue_manifest *issue;
    struct unit unit; /* "issue-pdf/3" */
    size_t size;      /* bytes of the file the site has: made now, or the one kept */
};

struct issue_blob {
    unsigned long id;
    git_oid blob;
};

/* A bar on a terminal for builds that take more than a second. */
struct progress {
    bool enabled;
    double start;     /* of the build, seconds */
    double after;     /* seconds into the build before the bar appears */
    double last_draw; /* seconds, 0 before the first */
    const char *what;
    size_t done, total;
    bool drawn;
    pthread_mutex_t lock;
};

struct asset {
    char *path; /* relative to the theme's assets/ */
    git_oid id;
};

/*
 * The site in one of its languages. The first language of journal.yaml is
 * at the top of the site; each other one is a folder of its own ("ru/")
 * with the same pages. Articles are published once, at the top, with the
 * interface of their own language around them.
 */
struct view {
    const char *lang;
    char *dir; /* "" or "ru/" */
    struct i18n *t;
    /* What every page of the view shows of the journal and its strings ({site, t}), made
       once and shared by the pages' renders below their own data (only read). */
    json_t *shared;
};

/* A Markdown page of the journal (pages/<slug>.md, pages/<slug>.<lang>.md). */
struct md_page {
    char *slug;
    char *lang; /* NULL: the journal's first language */
    char *title;
    char *description;
    char *html;
    long order; /* in the navigation */
    bool nav;
};

struct build {
    struct journal_repo *repo;
    git_tree *tree;
    struct repo_worktree *worktree; /* git's index, where manuscripts are read more cheaply */
    atomic_size_t from_worktree;    /* manuscripts read from the working tree */
    struct country_db *countries;
    struct language_db *languages;
    struct mustache_set *templates;
    struct roster roster; /* for the names on signed open reviews */
    bool open_review;
    struct asset *assets;
    size_t nassets, assets_alloc;
    struct asset *strings; /* the theme's i18n/<lang>.yaml files */
    size_t nstrings, strings_alloc;
    struct view *views; /* one per language of the site, the first one first */
    size_t nviews;
    struct md_page *pages;
    size_t npages;
    struct issue_manifest *issues; /* newest first */
    size_t nissues;
    struct article *articles;
    size_t narticles;
    const struct article **by_number; /* the articles, sorted by number (site_find_article) */
    struct issue_blob *issue_blobs;   /* every manifest's blob, by issue id */
    size_t nissue_blobs;
    /* What this build derived that the cache did not know, for the next build. */
    git_oid *new_issue_blobs;
    struct strbuf *new_issues; /* site_cache_issue_encode's */
    size_t nnew_issues;
    struct site_cache_location *new_locations;
    size_t nnew_locations;
    size_t *to_locate; /* the articles the cache could not locate */
    size_t nto_locate;
    char *out;     /* the output folder */
    char *staging; /* where files wait, in the output folder, until the build has succeeded */
    unsigned long staged;
    unsigned jobs; /* threads reading and rendering articles */
    struct site_stats *stats;
    /* Incremental builds (units.c). */
    struct site_cache *cache;
    bool force;                           /* make every unit, whatever the cache says */
    bool had_output;                      /* the output folder existed before this build */
    bool direct;                          /* it did not: the staged tree is moved in whole */
    bool links_checked;                   /* every file of the output folder: no link */
    int out_fd;                           /* the output folder, open, or -1 */
    bool out_opened;                      /* out_fd was tried */
    char global_key[SITE_CACHE_KEY_SIZE]; /* the inputs every unit depends on */
    struct unit site_unit, assets_unit;
    struct unit search_unit;            /* the list of the index's shards (pagefind/shards.json),
                                           named only when the site has search */
    struct search_shard *search_shards; /* the index's parts (search.c) */
    size_t nsearch_shards;
    size_t search_shard_size; /* articles in a shard at most */
    char *pagefind;           /* the program that makes it (search.c) */
    char pagefind_id[160];    /* what tells one install of it from another */
    /* The articles' shards are indexed on a thread of their own once every article page to
       make is written, while the galleys are typeset (search.c). */
    pthread_t search_thread;
    bool search_running;
    size_t search_pages_due, search_pages_done;
    bool search_stop; /* the articles failed: the thread indexes nothing */
    int search_rc;
    char *search_error;
    pthread_mutex_t search_lock;
    pthread_cond_t search_cond;
    struct unit *article_units; /* one per article, in the same order */
    /* PDF galleys (pdf.c): made when pdf_engine is set. */
    char *pdf_engine;        /* the program that typesets them */
    char pdf_engine_id[160]; /* what tells one install of it from another */
    char *pdf_python;        /* the Python that runs the driver (the engine's #! line's) */
    struct unit *pdf_units;  /* one per article, in the same order, or NULL */
    unsigned pdf_slots;      /* drivers that may run at once: the memory bound */
    unsigned pdf_running;
    atomic_size_t pdf_pages;                /* of the galleys this build typeset */
    atomic_size_t pdf_typeset, pdf_reused;  /* galleys typeset, and taken from the cache */
    char *pdf_cache;                        /* the galley cache, .journal/galleys (pdf.c) */
    char pdf_fonts_id[SITE_CACHE_KEY_SIZE]; /* what tells the fonts installed from others */
    /* Counting an issue's pages (site_count_galley_pages): each galley laid out, not written,
       and its page count put in pdf_counts, one per article in the same order. */
    bool pdf_count_only;
    unsigned long *pdf_counts;
    struct issue_pdf *issue_pdfs; /* one per issue with articles, newest first, or NULL */
    size_t nissue_pdfs;
    char *qpdf;        /* the program that joins them (pdf.c) */
    char qpdf_id[160]; /* what tells one install of it from another */
    pthread_mutex_t pdf_lock;
    pthread_cond_t pdf_cond;
    const struct listing_part *listing_parts; /* while the listings are made */
    size_t nlisting_parts;
    /* Articles read so far, when the listings are made in the articles' pool: a part waits
       for all of them (see make_articles_and_listings in site.c). */
    size_t articles_ready;
    pthread_mutex_t ready_lock;
    pthread_cond_t ready_cond;
    struct strbuf world_map; /* the theme's map/world.svg, read before the listings */
    /* Peer review in numbers per view (publish_editorial_stats), made before the listings
       from one opening of the index; NULL when off. */
    json_t **editorial;
    bool has_world_map;
    FILE *verbose; /* per-phase timings, or NULL */
    size_t sitemap_max_urls;
    size_t oai_max_records; /* beyond which there is no OAI static repository */
    size_t index_page_size; /* entries on a page of the author and keyword indexes */
    double phase_start;
    struct progress progress;
};

/* ---- shared by the pages (site.c) ---- */

void site_set_str(json_t *obj, const char *key, const char *value);
/* obj.key = the ISO date, obj.key_display = the date in the view's language. */
void site_set_date(const struct view *v, json_t *obj, const char *key, const char *iso);
/* The theme's label for prefix+code ("type_" "case-study"), else the built-in English one. */
const char *site_label(const struct view *v, const char *prefix, const char *code,
                       const char *english);
/* The view an article is shown in: its own language's, else the journal's first. */
const struct view *site_view_for(const struct build *b, const char *lang);
const struct article *site_find_article(struct build *b, unsigned long number);
json_t *site_issue_summary_json(const struct view *v, const struct issue_manifest *is);
/* A text the journal gives per language, in the view's language, else main (its main
   language's). */
const char *view_text(const struct view *v, const struct localised_text *t, const char *main);
json_t *site_article_summary_json(const struct build *b, const struct view *v,
                                  const struct article *a);
/* The article's title, subtitle and their lang as a listing in the view's language shows
   them: its translation into that language where it has one, else its own. */
void site_set_article_title(json_t *o, const struct article *a, const char *view_lang);
/*
 * What every page gets: the journal in the view's language, its strings (t),
 * root and home (see CONTRIBUTING.md), the page's title, lang, canonical URL
 * and its twins in the other languages (path within the view's folder, or
 * NULL for a page that exists once), the menu. rel is the output path.
 */
json_t *site_page_json(struct build *b, const struct view *v, const char *path, const char *rel,
                       const char *title, const char *description);
/* A page that exists in every language, at path within the language's folder; *rel to free. */
json_t *site_view_page_json(struct build *b, const struct view *v, const char *path,
                            const char *title_key, const char *description_key, const char *nav,
                            char **rel);
/* Render template with ctx (taken) into rel, relative to the output folder. */
int site_render_page(struct build *b, const struct view *v, const char *template, json_t *ctx,
                     const char *rel);
int site_write_output(struct build *b, const char *rel, const char *data, size_t len);

/* ---- incremental builds and the output folder (units.c) ---- */

/* The file that marks a folder as a site journal made (and so may replace). */
#define SITE_MARKER      ".journal-site"
#define SITE_MARKER_TEXT "journal build-site\n"

/* The files that site_write_output writes on this thread belong to u (NULL: none). */
void site_unit_writing(struct unit *u);
/* Hash of material, as 40 hex digits: the key of a unit's inputs. */
void site_key(const struct strbuf *material, char key[SITE_CACHE_KEY_SIZE]);
/* Name and key set: look the unit up in the cache and decide whether this build makes it. */
void site_unit_decide(struct build *b, struct unit *u);
void site_unit_release(struct unit *u);
/*
 * The HTML pages of units (made now or kept) that hold mark (every one with NULL),
 * hard-linked into dir as the site's tree (copied where the file system has no hard links);
 * *count of them. dir is in the staging folder.
 */
int site_link_pages(struct build *b, struct unit *const *units, size_t n, const char *dir,
                    const char *mark, size_t *count);
/* Make the staging folder (and the output folder), clearing what killed builds left. */
int site_staging_open(struct build *b);
/* Every HTML page of the site being built (made now or kept), sorted; free the list. */
char **site_html_pages(struct build *b, size_t *count);
/*
 * Once everything is rendered: move the staged files into place, remove the
 * files that are no longer part of the site, record the build in the cache.
 */
int site_units_commit(struct build *b);
/* The error for a symbolic link at rel in the output folder. */
int site_refuse_link(const struct build *b, const char *rel);
/* After a failed build: remove the staging folder; the output folder is as it was. */
void site_staging_discard(struct build *b);

/* Tell the user (message taken): the command prints it as a warning. */
void site_warning(struct build *b, char *message);
/* Seconds on a monotonic clock. */
double site_clock(void);
/* Per-phase timings with --verbose: what was done since the last call took so long. */
void site_phase(struct build *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void site_progress_begin(struct build *b, const char *what, size_t total);
void site_progress_tick(struct build *b);
void site_progress_end(struct build *b);

/* ---- the journal's own pages and board (pages.c) ---- */

int site_load_pages(struct build *b);
/* The page in the view's language, else the original; NULL when there is no such page. */
const struct md_page *site_page_in(const struct build *b, const char *slug, const struct view *v);
int site_render_pages(struct build *b, const struct view *v);
int site_render_board(struct build *b, const struct view *v);

/* ---- work on all cores (parallel.c) ---- */

/* One unit of work; thread_state is what init made for the thread running it (or NULL). */
typedef int site_job(struct build *b, size_t i, void *thread_state);
typedef int site_thread_init(struct build *b, void **thread_state);
typedef void site_thread_done(void *thread_state);
/*
 * job(b, i) for every i below n, on b->jobs threads (init and done, when given, run once
 * on each thread around its jobs). Jobs may only read what they share. On failure, the
 * failure of the lowest i is the one reported.
 */
int site_parallel(struct build *b, size_t n, site_job *job, site_thread_init *init,
                  site_thread_done *done);

/* ---- articles (articles.c) and the reader's indexes (indexes.c) ---- */

/* A published article's page, in its language, and its downloads (citation.bib, .ris, .json,
   article.xml). Safe to call from several threads at once for different articles. */
int site_render_article(struct build *b, const struct article *a);
int site_render_archive(struct build *b, const struct view *v);
int site_render_authors(struct build *b, const struct view *v);
int site_render_keywords(struct build *b, const struct view *v);

/* ---- the search index (search.c) ---- */

/* Which Pagefind to run: JOURNAL_PAGEFIND, the pinned one (tools/pagefind/node_modules) of
   the journal's repository or of journal's own source tree, or pagefind on PATH; an error
   saying how to install it when there is none. */
int site_search_locate(struct build *b);
/* Once the units are decided, before the articles are made: the index's parts (shards), one
   per run of articles and one for the journal's own pages, each made again when one of its
   pages changed (pagefind/<shard>/ in the staging folder). The articles' shards to make are
   indexed on a thread of their own as soon as every article page to make is written
   (site_search_page_written), while the galleys are still typeset. */
int site_search_start(struct build *b);
/* An article page to make is written, or its job failed before it could be. */
void site_search_page_written(struct build *b);
/* Once every other unit is made (rc: whether it was): waits for the articles' shards, then
   indexes the journal's pages' shard when it changed and writes the shards' list. */
int site_search_finish(struct build *b, int rc);
void site_search_release(struct build *b);

/* ---- PDF galleys (pdf.c) ---- */

/* Which WeasyPrint to run: JOURNAL_PDF_ENGINE, else weasyprint on PATH; an error naming the
   Debian package when there is none. Also sets how many may run at once (pdf_slots). */
int site_pdf_locate(struct build *b);
/* The galley's unit: its name ("pdf/12") and key (the article page's key and the engine). */
void site_pdf_key(struct build *b, struct article *a);
/* articles/N/article.pdf: the theme's article-pdf template rendered with ctx (taken, the same
   data as the article's page) and typeset by the engine; its files belong to a->pdf_unit. */
int site_make_pdf(struct build *b, const struct article *a, const struct view *v, json_t *ctx);
/* Typeset html into path (in the staging folder) with the calling thread's driver: base_path
   is its address in the site ("articles/12/"), local the folder of what it may load; tagged
   makes it a tagged PDF (PDF/UA-1). */
int site_pdf_typeset(struct build *b, const struct strbuf *html, const char *base_path,
                     const char *local, const char *path, bool tagged);
/* Which qpdf joins the issue PDFs (JOURNAL_QPDF, else qpdf on PATH; an error naming the Debian
   package when there is none), and the theme's issue-pdf template: the default theme's, compiled
   in, when the journal's theme was made before it. */
int site_issue_pdf_locate(struct build *b);
/* The issue PDFs' units, named, keyed (each galley's key, the issue's manifest, qpdf) and
   decided; the size of each one kept. After the galleys' keys. */
void site_issue_pdf_decide(struct build *b,
                           const git_oid *(*manifest)(const struct build *, unsigned long));
/* The issue's PDF, or NULL when the build makes none. */
const struct issue_pdf *site_issue_pdf_of(const struct build *b, const struct issue_manifest *is);
/* issues/ID/issue.pdf: the theme's issue-pdf template rendered with ctx (taken) and typeset,
   then joined with the galleys of its articles by qpdf, with a bookmark for each article. Every
   article's galley is made (or kept) by now; its files belong to ip->unit. */
int site_make_issue_pdf(struct build *b, struct issue_pdf *ip, json_t *ctx);
/* Where rel, a file of u, is now: in the staging folder when u was made, else in the site. */
char *site_unit_file(const struct build *b, const struct unit *u, const char *rel);
/* "512 B", "13 KB", "2.4 MB" in the view's language (rounded up, never to 0 KB). Free it. */
char *site_size_text(const struct view *v, size_t bytes);
/* The issue with every article of it and its table of contents by section, as its page has it. */
json_t *site_issue_full_json(struct build *b, const struct view *v,
                             const struct issue_manifest *is);
/* Stop the calling thread's PDF driver, if it started one; every thread that may have made a
   galley calls it before it ends (the article threads' site_thread_done). */
void site_pdf_thread_done(void);
/* Removes from the galley cache (.journal/galleys) what no build used for a week. */
void site_pdf_prune_cache(const struct build *b);

/*
 * The figures the article's text shows from its submission's attachments: the paths under
 * files/ (as journal show lists them) of its Markdown images whose URL is files/PATH (or
 * ./files/PATH), of an image type (PNG, JPEG, GIF, WebP), not marked private in its record
 * and not the Word or OpenDocument original; each once, in the text's order. The caller frees
 * each path and the array. Needs a->m and a->r.
 */
int site_article_figures(const struct build *b, const struct article *a, char ***paths, size_t *n);
/* html (an article's body) with each footnote (cmark-gfm's, gathered at the end) moved to where
   it is first called, as <span class="footnote">, for float: footnote at the foot of the page;
   the notes' section goes when every note was called. Appended to out. */
void site_pdf_footnotes(const char *html, struct strbuf *out);

/* ---- for machines (sitemap.c): Atom feeds, OAI-PMH, sitemap.xml and robots.txt ---- */

/* feed.xml per language (ru/feed.xml, ...): the newest articles. Nothing without base_url. */
int site_write_feeds(struct build *b);
/* oai/static-repository.xml; nothing without base_url or a mail address in journal.yaml. */
int site_write_oai(struct build *b);
/* sitemap.xml (every HTML page written so far) and robots.txt. Nothing without base_url. */
int site_write_sitemap(struct build *b);

#endif
