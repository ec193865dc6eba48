#define _POSIX_C_SOURCE 200809L
#include "workflow/import.h"

#include "model/country.h"
#include "model/language.h"
#include "model/manuscript.h"
#include "model/record.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/fs.h"
#include "workflow/bibliography.h"
#include "util/yaml.h"
#include "workflow/submit.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

static const char *const manifest_keys[] = {"id",    "volume",  "number",        "year",     "date",
                                            "title", "special", "guest_editors", "articles", NULL};
static const char *const entry_keys[] = {"file", "doi", "pages", "published", NULL};

struct entry {
    char *file; /* as named in issue.yaml */
    char *path; /* DIR/file, for messages and reading */
    char *doi;
    char *pages;
    char *published;
    size_t line, column;         /* the entry's file: in issue.yaml */
    size_t doi_line, doi_column; /* its doi: */
    bool readable;               /* file: names a file inside the folder */
    struct strbuf text;
    struct manuscript manuscript;
    char *record_path, *manuscript_path;
    struct strbuf record_text;
};

struct state {
    struct journal_repo *repo;
    const struct import_request *req;
    struct import_result *out;
    char *manifest_path;
    struct entry *entries;
    size_t nentries;
    bool id_given;
    size_t id_line, id_column, volume_line, volume_column;
    bool manifest_read; /* issue.yaml is YAML: its entries and numbers can be checked */
    /*
     * Every problem found so far, one "file:line:column: message" a line: the
     * manifest, each article and the checks against the journal are all made
     * before anything is refused, so that one run names every problem (as submit
     * does for a manuscript) instead of the first broken article.
     */
    struct strbuf problems;
};

/* Keep the message of rejected input and go on; anything else stops the import. */
static int collect(struct state *s, int rc)
{
    if (rc != JOURNAL_EINPUT)
        return rc;
    if (s->problems.len)
        strbuf_addch(&s->problems, '\n');
    strbuf_addstr(&s->problems, error_message());
    error_clear();
    return 0;
}

__attribute__((format(printf, 5, 6))) static void
problem(struct state *s, const char *file, size_t line, size_t column, const char *fmt, ...)
{
    va_list ap;
    if (s->problems.len)
        strbuf_addch(&s->problems, '\n');
    strbuf_addf(&s->problems, "%s:%zu:%zu: ", file, line, column);
    va_start(ap, fmt);
    strbuf_vaddf(&s->problems, fmt, ap);
    va_end(ap);
}

/* All the problems collected as one rejected input, or 0 when there are none. */
static int refuse_problems(struct state *s)
{
    if (!s->problems.len)
        return 0;
    error_clear();
    error_restore(xstrdup(s->problems.buf));
    return JOURNAL_EINPUT;
}

/* 10.NNNN/suffix: a registrant code of at least four digits, then any suffix without spaces. */
static bool doi_is_valid(const char *doi)
{
    if (strncmp(doi, "10.", 3))
        return false;
    const char *p = doi + 3;
    size_t digits = 0;
    while (isdigit((unsigned char)*p) || (*p == '.' && digits)) {
        digits += *p != '.';
        p++;
    }
    if (digits < 4 || *p != '/' || !p[1] || p[-1] == '.')
        return false;
    for (p++; *p; p++)
        if ((unsigned char)*p <= ' ' || *p == 0x7f)
            return false;
    return true;
}

static unsigned long manifest_uint(struct ydoc *d, yaml_node_t *root, const char *key,
                                   bool required)
{
    unsigned long v = 0;
    yaml_node_t *n = ydoc_get(d, root, key);
    if (!n && required)
        error_add_at(d->file, 1, 1, "missing required field '%s'", key);
    else if (n && (!ydoc_uint(n, &v) || !v))
        ydoc_problem(d, n, "'%s' must be a positive whole number", key);
    return v;
}

static char *manifest_text(struct ydoc *d, yaml_node_t *map, const char *key, const char *what)
{
    yaml_node_t *n = ydoc_get(d, map, key);
    if (!n || ydoc_is_null(n))
        return NULL;
    if (!ydoc_scalar(n) || !*ydoc_scalar(n)) {
        ydoc_problem(d, n, "'%s' must be %s", key, what);
        return NULL;
    }
    return xstrdup(ydoc_scalar(n));
}

/* A date of the past: the back catalogue holds what was published already. */
static void check_date(struct ydoc *d, yaml_node_t *n, const char *key, const char *date,
                       const char *today)
{
    if (!date_is_valid(date))
        ydoc_problem(d, n, "'%s' must be a date written YYYY-MM-DD", key);
    else if (strcmp(date, today) > 0)
        ydoc_problem(d, n,
                     "'%s' %s is in the future: import brings in issues already published "
                     "(schedule a new issue with journal build-issue)",
                     key, date);
}

static void parse_entry(struct state *s, struct ydoc *d, yaml_node_t *item, const char *today)
{
    if (item->type != YAML_MAPPING_NODE) {
        ydoc_problem(d, item,
                     "an article entry must be {file: NAME.md, doi: 10.NNNN/suffix, "
                     "pages: \"1-14\"}");
        return;
    }
    ydoc_check_keys(d, item, entry_keys, "an article entry");
    struct entry *e = &s->entries[s->nentries];
    yaml_node_t *file = ydoc_get(d, item, "file"), *doi = ydoc_get(d, item, "doi");
    const char *name = ydoc_scalar(file), *doi_text = ydoc_scalar(doi);
    bool duplicate = false;
    e->line = ydoc_line(d, file ? file : item);
    e->column = ydoc_column(file ? file : item);
    if (!file)
        ydoc_problem(d, item, "missing required field 'file' (the article's Markdown file)");
    else if (!name || !fs_is_safe_relative(name))
        ydoc_problem(d, file,
                     "'file' must name a file inside the folder (no '..', '.', absolute paths, "
                     "empty parts or control characters)");
    if (!doi)
        ydoc_problem(d, item, "missing required field 'doi': an imported article keeps its DOI");
    else if (!doi_text || !doi_is_valid(doi_text))
        ydoc_problem(d, doi, "'doi' must look like 10.NNNN/suffix, got '%s'",
                     doi_text ? doi_text : "");
    for (size_t i = 0; i < s->nentries; i++) {
        const struct entry *other = &s->entries[i];
        if (name && other->file && !strcmp(name, other->file)) {
            ydoc_problem(d, file, "%s is listed twice (also line %zu)", name, other->line);
            duplicate = true;
        }
        if (doi_text && other->doi && !strcasecmp(doi_text, other->doi))
            ydoc_problem(d, doi, "doi %s is given twice (also line %zu)", doi_text,
                         other->doi_line);
    }
    e->file = name ? xstrdup(name) : NULL;
    e->readable = name && fs_is_safe_relative(name) && !duplicate; /* read once, not twice */
    e->doi = doi_text ? xstrdup(doi_text) : NULL;
    e->doi_line = doi ? ydoc_line(d, doi) : e->line;
    e->doi_column = doi ? ydoc_column(doi) : e->column;
    e->pages = manifest_text(d, item, "pages", "a page range such as 1-14");
    e->published = manifest_text(d, item, "published", "a date written YYYY-MM-DD");
    if (e->published)
        check_date(d, ydoc_get(d, item, "published"), "published", e->published, today);
    strbuf_init(&e->text);
    strbuf_init(&e->record_text);
    s->nentries++;
}

static int parse_manifest(struct state *s)
{
    struct issue_manifest *is = &s->out->issue;
    struct strbuf text = STRBUF_INIT;
    struct stat st;
    struct ydoc d;
    yaml_node_t *root, *n;
    char today[11];
    date_today(today);

    if (!fs_is_dir(s->req->dir))
        return error_input("%s: no such folder", s->req->dir);
    if (lstat(s->manifest_path, &st) == 0 && S_ISLNK(st.st_mode))
        return error_input("%s: a symbolic link; the issue manifest must be a regular file",
                           s->manifest_path);
    int rc = fs_read_file(s->manifest_path, &text);
    if (rc == JOURNAL_EINPUT)
        error_prefix("%s holds no issue.yaml (the issue manifest)", s->req->dir);
    if (!rc)
        rc = ydoc_load_mapping(&d, s->manifest_path, text.buf, text.len, manifest_keys,
                               "an issue manifest",
                               "an issue manifest: volume, number, year, date, articles", &root);
    strbuf_release(&text);
    if (rc)
        return rc;
    s->manifest_read = true;

    n = ydoc_get(&d, root, "id");
    is->id = manifest_uint(&d, root, "id", false);
    /* Issue files are named by at most nine digits (repo_entry_number); the site would not
       see issues/1234567890.yaml. */
    if (n && is->id > 999999999UL)
        ydoc_problem(&d, n, "'id' must be at most 999999999 (nine digits)");
    s->id_given = n != NULL;
    s->id_line = n ? ydoc_line(&d, n) : 1;
    s->id_column = n ? ydoc_column(n) : 1;
    n = ydoc_get(&d, root, "volume");
    s->volume_line = n ? ydoc_line(&d, n) : 1;
    s->volume_column = n ? ydoc_column(n) : 1;
    is->volume = manifest_uint(&d, root, "volume", true);
    is->number = manifest_uint(&d, root, "number", true);
    is->year = manifest_uint(&d, root, "year", false);

    n = ydoc_get(&d, root, "date");
    if (!n) {
        error_add_at(s->manifest_path, 1, 1, "missing required field 'date'");
    } else if (!ydoc_scalar(n)) {
        ydoc_problem(&d, n, "'date' must be a date written YYYY-MM-DD");
    } else {
        check_date(&d, n, "date", ydoc_scalar(n), today);
        is->date = xstrdup(ydoc_scalar(n));
        if (!is->year && date_is_valid(is->date))
            is->year = strtoul(is->date, NULL, 10);
    }
    const struct journal_config *c = &s->repo->config;
    localised_parse(&d, ydoc_get(&d, root, "title"), "title", NULL, c->languages, c->nlanguages,
                    &is->titles);
    localised_parse(&d, ydoc_get(&d, root, "special"), "special", NULL, c->languages, c->nlanguages,
                    &is->specials);
    const char *title = localised_get(&is->titles, c->languages[0], NULL);
    const char *special = localised_get(&is->specials, c->languages[0], NULL);
    is->title = title ? xstrdup(title) : NULL;
    is->special = special ? xstrdup(special) : NULL;
    issue_parse_guest_editors(&d, ydoc_get(&d, root, "guest_editors"), is, &s->repo->config);

    n = ydoc_get(&d, root, "articles");
    if (!n) {
        error_add_at(s->manifest_path, 1, 1, "missing required field 'articles'");
    } else if (n->type != YAML_SEQUENCE_NODE ||
               n->data.sequence.items.top == n->data.sequence.items.start) {
        ydoc_problem(&d, n,
                     "'articles' must be a list of {file: NAME.md, doi: 10.NNNN/suffix, "
                     "pages: \"1-14\"}, in table-of-contents order");
    } else {
        size_t count = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
        s->entries = xcalloc(count, sizeof(*s->entries));
        for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
             it++)
            parse_entry(s, &d, ydoc_node(&d, *it), today);
    }
    ydoc_free(&d);
    return error_count() ? JOURNAL_EINPUT : 0;
}

/* The article's file and every folder on the way to it: inside DIR, none a symbolic link. */
static int check_article_path(struct state *s, const struct entry *e)
{
    char *prefix = xstrdup(e->file);
    int rc = 0;
    for (char *p = prefix;; p++) {
        char saved = *p;
        if (saved != '/' && saved != '\0')
            continue;
        *p = '\0';
        char *full = fs_join(s->req->dir, prefix);
        struct stat st;
        if (lstat(full, &st) < 0)
            rc = error_at(s->manifest_path, e->line, e->column, "%s: no such file (%s)", e->file,
                          full);
        else if (S_ISLNK(st.st_mode))
            rc = error_at(s->manifest_path, e->line, e->column,
                          "%s: %s is a symbolic link; articles must be regular files in the "
                          "folder",
                          e->file, full);
        else if (saved == '\0' && !S_ISREG(st.st_mode))
            rc = error_at(s->manifest_path, e->line, e->column, "%s: not a regular file (%s)",
                          e->file, full);
        free(full);
        if (rc || saved == '\0')
            break;
        *p = saved;
    }
    free(prefix);
    return rc;
}

/* Every article that issue.yaml names well, each parsed whatever became of the others. */
static int load_articles(struct state *s)
{
    struct country_db *countries = NULL;
    struct language_db *languages = NULL;
    int rc = country_db_open(&countries, NULL, NULL);
    if (!rc)
        rc = language_db_open(&languages, NULL, NULL);
    for (size_t i = 0; !rc && i < s->nentries; i++) {
        struct entry *e = &s->entries[i];
        if (!e->readable)
            continue;
        e->path = fs_join(s->req->dir, e->file);
        int one = check_article_path(s, e);
        if (!one)
            one = fs_read_file_limited(e->path, s->repo->config.max_manuscript_size,
                                       "max_manuscript_size in journal.yaml", &e->text);
        /* A bibliography file becomes references:, as at submit (workflow/bibliography.h). */
        struct strbuf checked = STRBUF_INIT, stored = STRBUF_INIT;
        int bib =
            one ? 0
                : bibliography_convert(e->path, e->text.buf, e->text.len,
                                       s->repo->config.max_attachment_size, &checked, &stored);
        if (bib < 0)
            one = bib;
        if (!one) {
            struct manuscript_rules rules = {countries, languages, s->repo->config.languages[0],
                                             &s->repo->config.markdown_limits, &s->repo->config};
            const struct strbuf *parsed = bib ? &checked : &e->text;
            one = manuscript_parse(&e->manuscript, e->path, parsed->buf, parsed->len, &rules);
        }
        if (!one && bib) {
            strbuf_release(&e->text);
            e->text = stored;
            stored = (struct strbuf)STRBUF_INIT;
        }
        strbuf_release(&checked);
        strbuf_release(&stored);
        rc = collect(s, one);
    }
    country_db_free(countries);
    language_db_free(languages);
    return rc;
}

/* The issue id and its volume and number must be free; without id: the next free id. */
static int check_issues(struct state *s)
{
    struct issue_manifest *is = &s->out->issue;
    git_tree *root = NULL, *dir = NULL;
    unsigned long max = 0;
    int rc = repo_head_tree(s->repo, &root);
    if (!rc && root)
        rc = repo_subtree(s->repo->git, root, "issues", &dir);
    for (size_t i = 0; !rc && dir && i < git_tree_entrycount(dir); i++) {
        unsigned long id =
            repo_entry_number(git_tree_entry_name(git_tree_entry_byindex(dir, i)), ".yaml");
        if (!id)
            continue;
        if (id > max)
            max = id;
        if (s->id_given && id == is->id)
            problem(s, s->manifest_path, s->id_line, s->id_column,
                    "issue %lu already exists (issues/%lu.yaml); choose another id or "
                    "leave id out for the next free one",
                    id, id);
        char path[64];
        struct strbuf text = STRBUF_INIT;
        struct issue_manifest other;
        snprintf(path, sizeof(path), "issues/%lu.yaml", id);
        if (!repo_read_from_tree(s->repo->git, root, path, &text, NULL) &&
            !issue_parse(&other, id, path, text.buf, text.len, &s->repo->config)) {
            if (other.volume == is->volume && other.number == is->number)
                problem(s, s->manifest_path, s->volume_line, s->volume_column,
                        "Vol. %lu, No. %lu is already issue %lu (%s)", is->volume, is->number, id,
                        path);
            issue_free(&other);
        }
        error_clear();
        strbuf_release(&text);
    }
    git_tree_free(dir);
    git_tree_free(root);
    if (!rc && !s->id_given)
        is->id = max + 1;
    return rc;
}

/* No DOI may name two articles: compare with every submission's record at HEAD. */
static int check_dois(struct state *s)
{
    git_tree *root = NULL, *dir = NULL;
    int rc = repo_head_tree(s->repo, &root);
    if (!rc && root)
        rc = repo_subtree(s->repo->git, root, "submissions", &dir);
    for (size_t i = 0; !rc && dir && i < git_tree_entrycount(dir); i++) {
        unsigned long number =
            repo_entry_number(git_tree_entry_name(git_tree_entry_byindex(dir, i)), NULL);
        if (!number)
            continue;
        char path[96];
        struct strbuf text = STRBUF_INIT;
        struct submission_record r;
        snprintf(path, sizeof(path), "submissions/%lu/submission.yaml", number);
        if (!repo_read_from_tree(s->repo->git, root, path, &text, NULL) &&
            !record_parse(&r, path, text.buf, text.len)) {
            for (size_t k = 0; r.doi && k < s->nentries; k++)
                if (s->entries[k].doi && !strcasecmp(r.doi, s->entries[k].doi))
                    problem(s, s->manifest_path, s->entries[k].doi_line, s->entries[k].doi_column,
                            "doi %s is already used by submission %lu (%s)", s->entries[k].doi,
                            number, path);
            record_free(&r);
        }
        error_clear();
        strbuf_release(&text);
    }
    git_tree_free(dir);
    git_tree_free(root);
    return rc;
}

/* Number the articles and write their records and the issue manifest. */
static int assemble(struct state *s)
{
    struct issue_manifest *is = &s->out->issue;
    unsigned long first;
    int rc = submission_next_number(s->repo, &first);
    if (rc)
        return rc;
    char *label = issue_label(is);
    char *actor = repo_actor(s->repo);
    char *detail = xasprintf("back catalogue: %s", label);
    is->narticles = s->nentries;
    is->articles = xcalloc(s->nentries, sizeof(*is->articles));
    is->article_lines = xcalloc(s->nentries, sizeof(*is->article_lines));
    is->pages = xcalloc(s->nentries, sizeof(*is->pages));
    /* The back catalogue's ranges are its printed pages, not estimates: Crossref and DOAJ get
       them. */
    is->pages_typeset = true;
    s->out->articles = xcalloc(s->nentries, sizeof(*s->out->articles));
    for (size_t i = 0; i < s->nentries; i++) {
        struct entry *e = &s->entries[i];
        unsigned long number = first + i;
        const char *date = e->published ? e->published : is->date;
        char blob[GIT_OID_HEXSZ + 1];
        is->articles[i] = number;
        is->article_lines[i] = e->line;
        is->pages[i] = e->pages ? xstrdup(e->pages) : NULL;
        s->out->articles[s->out->narticles++] =
            (struct imported_article){number,
                                      xstrdup(e->file),
                                      xstrdup(e->manuscript.title),
                                      xstrdup(e->doi),
                                      e->pages ? xstrdup(e->pages) : NULL,
                                      xstrdup(date)};

        struct submission_record r = {.number = number, .round = 1, .issue = is->id};
        record_set(&r.state, "published");
        record_set(&r.submitted, date);
        record_set(&r.accepted, date);
        record_set(&r.published, date);
        record_set(&r.doi, e->doi);
        repo_blob_id(e->text.buf, e->text.len, blob);
        record_add_version(&r, blob, date);
        record_add_event(&r, "imported", actor, detail);
        record_write(&r, &e->record_text);
        record_free(&r);
        e->record_path = xasprintf("submissions/%lu/submission.yaml", number);
        e->manuscript_path = xasprintf("submissions/%lu/manuscript.md", number);
    }
    free(detail);
    free(actor);
    free(label);
    return 0;
}

static int commit(struct state *s)
{
    const struct issue_manifest *is = &s->out->issue;
    struct strbuf manifest = STRBUF_INIT, message = STRBUF_INIT;
    char path[64];
    char *label = issue_label(is);
    size_t n = 0;
    struct repo_change *changes = xcalloc(2 * s->nentries + 1, sizeof(*changes));
    for (size_t i = 0; i < s->nentries; i++) {
        const struct entry *e = &s->entries[i];
        changes[n++] = (struct repo_change){e->manuscript_path, e->text.buf, e->text.len, false};
        changes[n++] =
            (struct repo_change){e->record_path, e->record_text.buf, e->record_text.len, false};
    }
    snprintf(path, sizeof(path), "issues/%lu.yaml", is->id);
    issue_write(is, &manifest);
    changes[n++] = (struct repo_change){path, manifest.buf, manifest.len, false};
    strbuf_addf(&message, "Import issue %lu: %s\n\n", is->id, label);
    for (size_t i = 0; i < s->out->narticles; i++) {
        const struct imported_article *a = &s->out->articles[i];
        strbuf_addf(&message, "#%lu doi:%s%s%s %s\n", a->number, a->doi, a->pages ? " pp. " : "",
                    a->pages ? a->pages : "", a->title);
    }
    git_oid id;
    int rc = repo_commit(s->repo, changes, n, message.buf, &id);
    if (!rc)
        git_oid_tostr(s->out->commit, sizeof(s->out->commit), &id);
    free(changes);
    free(label);
    strbuf_release(&manifest);
    strbuf_release(&message);
    return rc;
}

int workflow_import(struct journal_repo *repo, const struct import_request *req,
                    struct import_result *out)
{
    struct state s = {.repo = repo, .req = req, .out = out, .problems = STRBUF_INIT};
    memset(out, 0, sizeof(*out));
    s.manifest_path = fs_join(req->dir, "issue.yaml");
    /* The folder first, without the lock: it is the user's, and may be long to read. */
    int rc = collect(&s, parse_manifest(&s));
    if (!rc)
        rc = load_articles(&s);
    if (!rc && !s.manifest_read)
        rc = refuse_problems(&s);
    if (!rc) {
        rc = repo_lock(repo, 30000);
        if (!rc)
            rc = check_issues(&s);
        if (!rc)
            rc = check_dois(&s);
        if (!rc)
            rc = refuse_problems(&s);
        if (!rc)
            rc = assemble(&s);
        if (!rc && !req->dry_run)
            rc = commit(&s);
        repo_unlock(repo);
    }
    for (size_t i = 0; i < s.nentries; i++) {
        struct entry *e = &s.entries[i];
        free(e->file);
        free(e->path);
        free(e->doi);
        free(e->pages);
        free(e->published);
        strbuf_release(&e->text);
        manuscript_free(&e->manuscript);
        free(e->record_path);
        free(e->manuscript_path);
        strbuf_release(&e->record_text);
    }
    free(s.entries);
    free(s.manifest_path);
    strbuf_release(&s.problems);
    return rc;
}

void import_result_free(struct import_result *out)
{
    for (size_t i = 0; i < out->narticles; i++) {
        free(out->articles[i].file);
        free(out->articles[i].title);
        free(out->articles[i].doi);
        free(out->articles[i].pages);
        free(out->articles[i].published);
    }
    free(out->articles);
    issue_free(&out->issue);
    memset(out, 0, sizeof(*out));
}
