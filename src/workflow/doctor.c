#define _DEFAULT_SOURCE
#include "workflow/doctor.h"

#include "model/country.h"
#include "model/issue.h"
#include "model/language.h"
#include "model/manuscript.h"
#include "model/record.h"
#include "model/review.h"
#include "store/db.h"
#include "store/index.h"
#include "store/outbox.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/pdfpages.h"
#include "workflow/invitation.h"
#include "workflow/notify.h"
#include "workflow/waiting.h"
#include "workflow/review_draft.h"

#include <dirent.h>
#include <errno.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define FIX_COMMIT  "correct the file and commit it with git (journal reads only what is committed)"
#define FIX_REINDEX "journal reindex (the index is a cache, rebuilt from git)"

/* One submission as the repository has it. */
struct sub {
    unsigned long number;
    git_oid tree;
    bool parsed; /* the record parsed */
    struct submission_record rec;
};

struct doctor {
    struct journal_repo *repo;
    const char *site_dir; /* the built site: --site, else NULL for <journal>/_site */
    struct doctor_report *r;
    bool fix;
    git_tree *head;
    struct sub *subs;
    size_t nsubs, subs_alloc;
    struct country_db *countries;
    struct language_db *languages;
};

static struct doctor_problem *add(struct doctor_report *r, const char *kind, const char *file,
                                  size_t line, const char *fix, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

static struct doctor_problem *add(struct doctor_report *r, const char *kind, const char *file,
                                  size_t line, const char *fix, const char *fmt, ...)
{
    ARRAY_GROW(r->problems, r->count + 1, r->alloc);
    struct doctor_problem *p = &r->problems[r->count++];
    memset(p, 0, sizeof(*p));
    p->kind = kind;
    p->file = file ? xstrdup(file) : NULL;
    p->line = line;
    p->fix = xstrdup(fix);
    va_list ap;
    va_start(ap, fmt);
    struct strbuf msg = STRBUF_INIT;
    strbuf_vaddf(&msg, fmt, ap);
    va_end(ap);
    p->message = strbuf_detach(&msg, NULL);
    return p;
}

/*
 * The message a parser left ("file:line:col: what", one per line) as problems, each with
 * its own file and line.
 */
static void add_parse_errors(struct doctor_report *r, const char *kind, const char *file,
                             const char *fix)
{
    const char *msg = error_message();
    if (!msg || !*msg)
        msg = "does not parse";
    size_t flen = strlen(file);
    for (const char *p = msg; p && *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        char *text = xstrndup(p, len);
        size_t line = 0;
        const char *what = text;
        if (!strncmp(text, file, flen) && text[flen] == ':') {
            char *end;
            line = strtoul(text + flen + 1, &end, 10);
            what = end;
            if (*what == ':') /* a column */
                strtoul(what + 1, (char **)&what, 10);
            what += strspn(what, ": ");
        }
        add(r, kind, file, line, fix, "%s", what);
        free(text);
        p = nl ? nl + 1 : NULL;
    }
    error_clear();
}

static struct sub *find_sub(struct doctor *d, unsigned long number)
{
    for (size_t i = 0; i < d->nsubs; i++)
        if (d->subs[i].number == number)
            return &d->subs[i];
    return NULL;
}

static bool is_published(const struct sub *s)
{
    return s && s->parsed &&
           (!strcmp(s->rec.state, "published") || !strcmp(s->rec.state, "scheduled"));
}

/* The reviews of one submission: each belongs to an assignment of its round. */
/* Whether fname in a round's folder is the file that REVIEWER.yaml beside it names. */
static bool review_file_named(struct doctor *d, git_tree *round, const char *fname)
{
    const char *dot = strrchr(fname, '.');
    if (!dot || dot == fname)
        return false;
    char *yaml = xasprintf("%.*s.yaml", (int)(dot - fname), fname);
    struct strbuf text = STRBUF_INIT;
    struct review rv = {0};
    bool named = !repo_read_from_tree(d->repo->git, round, yaml, &text, NULL) &&
                 !review_parse(&rv, yaml, text.buf, text.len) && rv.file && !strcmp(rv.file, fname);
    error_clear();
    review_free(&rv);
    strbuf_release(&text);
    free(yaml);
    return named;
}

static int check_reviews(struct doctor *d, struct sub *s, git_tree *folder, size_t *per_round,
                         size_t nrounds)
{
    git_tree *reviews = NULL;
    int rc = repo_subtree(d->repo->git, folder, "reviews", &reviews);
    size_t n = reviews ? git_tree_entrycount(reviews) : 0;
    for (size_t i = 0; !rc && i < n; i++) {
        const git_tree_entry *re = git_tree_entry_byindex(reviews, i);
        const char *rname = git_tree_entry_name(re);
        char *dir = xasprintf("submissions/%lu/reviews/%s", s->number, rname);
        unsigned long round = strncmp(rname, "round-", 6) ? 0 : repo_entry_number(rname + 6, NULL);
        git_tree *rt = NULL;
        if (!round || git_tree_entry_type(re) != GIT_OBJECT_TREE) {
            add(d->r, "review", dir, 0,
                "reviews live in reviews/round-N/REVIEWER.yaml; move or remove it with git",
                "not a round folder (expected round-1, round-2, ...)");
            free(dir);
            continue;
        }
        rc = repo_subtree(d->repo->git, reviews, rname, &rt);
        size_t m = rt ? git_tree_entrycount(rt) : 0;
        for (size_t k = 0; !rc && k < m; k++) {
            const char *fname = git_tree_entry_name(git_tree_entry_byindex(rt, k));
            char *path = xasprintf("%s/%s", dir, fname);
            size_t flen = strlen(fname);
            struct strbuf text = STRBUF_INIT;
            struct review rv = {0};
            bool is_yaml = flen > 5 && !strcmp(fname + flen - 5, ".yaml");
            if (!is_yaml && review_file_named(d, rt, fname)) {
                free(path);
                continue; /* a reviewer's file, which its review names */
            }
            d->r->reviews++;
            if (!is_yaml) {
                add(d->r, "review", path, 0, "remove it with git rm and commit",
                    "not a review (reviews are REVIEWER.yaml)");
            } else if ((rc = repo_read_from_tree(d->repo->git, rt, fname, &text, NULL)) != 0) {
                if (rc == JOURNAL_EINPUT) {
                    add_parse_errors(d->r, "review", path, "remove it with git rm and commit");
                    rc = 0;
                }
            } else if (review_parse(&rv, path, text.buf, text.len)) {
                add_parse_errors(d->r, "review", path, FIX_COMMIT);
            } else {
                char *reviewer = xstrndup(fname, flen - 5);
                if (round < nrounds)
                    per_round[round]++;
                if (rv.round != round)
                    add(d->r, "review", path, 0, FIX_COMMIT,
                        "the review says round %lu but is filed under round %lu", rv.round, round);
                if (strcmp(rv.reviewer, reviewer))
                    add(d->r, "review", path, 0, FIX_COMMIT,
                        "the review is by '%s' but is filed as %s's", rv.reviewer, reviewer);
                if (s->parsed && !record_find_assignment(&s->rec, reviewer, round))
                    add(d->r, "review", path, 0,
                        "assign the reviewer in that round (journal assign) or remove the "
                        "review with git rm and commit",
                        "review by %s in round %lu, but %s has no assignment in round %lu of "
                        "submission %lu",
                        reviewer, round, reviewer, round, s->number);
                if (rv.file && !git_tree_entry_byname(rt, rv.file))
                    add(d->r, "review", path, 0, FIX_COMMIT,
                        "the review names the file %s, which is not in its folder", rv.file);
                if (s->parsed && round > s->rec.round)
                    add(d->r, "review", path, 0, FIX_COMMIT,
                        "review for round %lu, but submission %lu is in round %lu", round,
                        s->number, s->rec.round);
                free(reviewer);
            }
            review_free(&rv);
            strbuf_release(&text);
            free(path);
        }
        git_tree_free(rt);
        free(dir);
    }
    git_tree_free(reviews);
    return rc;
}

static bool has_event(const struct submission_record *rec, const char *action, const char *detail)
{
    for (size_t i = 0; i < rec->nhistory; i++)
        if (!strcmp(rec->history[i].action, action) &&
            (!detail || (rec->history[i].detail && !strcmp(rec->history[i].detail, detail))))
            return true;
    return false;
}

/*
 * A withdrawn submission (journal withdraw): its timeline says so, and no invitation of its
 * round is left open, since withdrawing withdraws them and mails their reviewers.
 */
static void check_withdrawn(struct doctor *d, const struct sub *s, const char *path, bool imported)
{
    const struct submission_record *rec = &s->rec;
    if (!imported && !has_event(rec, "withdrawn", NULL))
        add(d->r, "state", path, 0,
            "restore the record from git history (git log -p -- FILE) and commit it",
            "submission %lu is withdrawn, but its timeline has no withdrawal", s->number);
    for (size_t i = 0; i < rec->nassignments; i++) {
        const struct record_assignment *a = &rec->assignments[i];
        enum assignment_state st = ASSIGNMENT_INVITED;
        if (a->round != rec->round || (a->state && assignment_state_parse(a->state, &st) &&
                                       st != ASSIGNMENT_INVITED && st != ASSIGNMENT_ACCEPTED))
            continue;
        char *review = review_path(s->number, a->round, a->reviewer);
        git_tree_entry *entry = NULL;
        bool reviewed = git_tree_entry_bypath(&entry, d->head, review) == 0;
        git_error_clear();
        git_tree_entry_free(entry);
        free(review);
        if (!reviewed)
            add(d->r, "state", path, 0,
                "write state: withdrawn and answered: DATE in the assignment and commit it, "
                "and tell the reviewer",
                "submission %lu was withdrawn on %s, but the invitation of %s (round %lu) is "
                "still %s",
                s->number, rec->withdrawn ? rec->withdrawn : "an unrecorded date", a->reviewer,
                a->round, a->state ? a->state : "open");
    }
}

/* The record's state against its timeline and its files. */
static void check_timeline(struct doctor *d, const struct sub *s, const char *path,
                           const size_t *per_round, size_t nrounds)
{
    const struct submission_record *rec = &s->rec;
    const char *state = rec->state;
    /* Records written by hand (the sample's) have no timeline to check against. */
    bool imported = has_event(rec, "imported", NULL) || !rec->nhistory;
    bool published = !strcmp(state, "published") || !strcmp(state, "scheduled");
    if (!imported && (published || !strcmp(state, "accepted")) &&
        !has_event(rec, "decided", "accept"))
        add(d->r, "state", path, 0,
            "restore the record from git history (git log -p -- FILE) and commit it",
            "submission %lu is %s, but its timeline has no decision to accept it", s->number,
            state);
    if (!strcmp(state, "accepted") && !rec->accepted)
        add(d->r, "state", path, 0, FIX_COMMIT,
            "submission %lu is accepted but has no 'accepted' date", s->number);
    if (!strcmp(state, "withdrawn"))
        check_withdrawn(d, s, path, imported);
    for (size_t i = 0; i < rec->nhistory; i++) {
        const struct record_event *e = &rec->history[i];
        if (strcmp(e->action, "decided") || (e->detail && !strcmp(e->detail, "desk-reject")))
            continue;
        unsigned long round = e->round ? e->round : 1;
        if (round >= nrounds || per_round[round] == 0)
            add(d->r, "state", path, 0,
                "restore the round's reviews from git history (git log -- "
                "submissions/N/reviews) and commit them",
                "submission %lu has a decision (%s) in round %lu but no review in that round",
                s->number, e->detail ? e->detail : "decided", round);
    }
    if (published && !rec->issue)
        add(d->r, "state", path, 0,
            "publish it in an issue (journal build-issue ID --add N) or correct its state",
            "submission %lu is %s but names no issue", s->number, state);
    if (published && !rec->published)
        add(d->r, "state", path, 0, FIX_COMMIT, "submission %lu is %s but has no 'published' date",
            s->number, state);
    if (!published && rec->issue)
        add(d->r, "state", path, 0, FIX_COMMIT,
            "submission %lu names issue %lu but is %s, not published or scheduled", s->number,
            rec->issue, state);
    for (size_t i = 0; i < rec->nassignments; i++)
        if (rec->assignments[i].round > rec->round)
            add(d->r, "state", path, 0, FIX_COMMIT,
                "assignment of %s in round %lu, but submission %lu is in round %lu",
                rec->assignments[i].reviewer, rec->assignments[i].round, s->number, rec->round);
    /* An attachment kept from reviewers must be one: a misspelt path would keep nothing back. */
    for (size_t i = 0; i < rec->nprivate; i++) {
        char *file = xasprintf("submissions/%lu/files/%s", s->number, rec->private_files[i]);
        git_tree_entry *entry = NULL;
        if (git_tree_entry_bypath(&entry, d->head, file) < 0 ||
            git_tree_entry_type(entry) != GIT_OBJECT_BLOB)
            add(d->r, "state", path, 0,
                "write the path as journal show N lists it, or remove it from 'private'",
                "submission %lu marks %s private, but has no such attachment", s->number,
                rec->private_files[i]);
        git_tree_entry_free(entry);
        free(file);
    }
}

static int check_submission(struct doctor *d, git_tree *subs, const git_tree_entry *entry,
                            unsigned long number)
{
    ARRAY_GROW(d->subs, d->nsubs + 1, d->subs_alloc);
    struct sub *s = &d->subs[d->nsubs++];
    memset(s, 0, sizeof(*s));
    s->number = number;
    git_oid_cpy(&s->tree, git_tree_entry_id(entry));
    d->r->submissions++;
    git_tree *folder = NULL;
    int rc = repo_subtree(d->repo->git, subs, git_tree_entry_name(entry), &folder);
    if (rc)
        return rc;
    char *rec_path = xasprintf("submissions/%lu/submission.yaml", number);
    char *ms_path = xasprintf("submissions/%lu/manuscript.md", number);
    struct strbuf text = STRBUF_INIT;
    rc = repo_read_from_tree(d->repo->git, folder, "submission.yaml", &text, NULL);
    if (rc == JOURNAL_EINPUT) {
        error_clear();
        rc = 0;
        add(d->r, "record", rec_path, 0,
            "restore it from git history (git log -- submissions/N) and commit it",
            "submission %lu has no record (submission.yaml)", number);
    } else if (!rc && record_parse(&s->rec, rec_path, text.buf, text.len)) {
        add_parse_errors(d->r, "record", rec_path, FIX_COMMIT);
        record_free(&s->rec);
    } else if (!rc) {
        s->parsed = true;
        if (s->rec.number != number)
            add(d->r, "record", rec_path, 0, FIX_COMMIT,
                "the record says number %lu but is in the folder of submission %lu", s->rec.number,
                number);
        for (size_t i = 0; i < s->rec.nversions; i++) {
            git_oid oid;
            git_odb *odb = NULL;
            bool found = git_oid_fromstr(&oid, s->rec.versions[i].blob) == 0 &&
                         git_repository_odb(&odb, d->repo->git) == 0 && git_odb_exists(odb, &oid);
            git_odb_free(odb);
            git_error_clear();
            if (!found)
                add(d->r, "record", rec_path, 0,
                    "restore the record from git history (git log -p -- FILE) and commit it",
                    "the manuscript version of round %lu names blob %s, which is not in the "
                    "repository",
                    s->rec.versions[i].round, s->rec.versions[i].blob);
        }
    }
    strbuf_reset(&text);
    if (!rc) {
        int r = repo_read_from_tree(d->repo->git, folder, "manuscript.md", &text, NULL);
        if (r == JOURNAL_EINPUT) {
            error_clear();
            add(d->r, "record", ms_path, 0,
                "restore it from git history (git log -- submissions/N) and commit it",
                "submission %lu has no manuscript (manuscript.md)", number);
        } else if (r) {
            rc = r;
        } else {
            struct manuscript m;
            struct manuscript_rules rules = {d->countries, d->languages,
                                             d->repo->config.languages[0],
                                             &d->repo->config.markdown_limits, &d->repo->config};
            if (manuscript_parse(&m, ms_path, text.buf, text.len, &rules))
                add_parse_errors(d->r, "record", ms_path, FIX_COMMIT);
            manuscript_free(&m);
        }
    }
    size_t nrounds = (s->parsed ? s->rec.round : 0) + 64;
    size_t *per_round = xcalloc(nrounds, sizeof(*per_round));
    if (!rc)
        rc = check_reviews(d, s, folder, per_round, nrounds);
    if (!rc && s->parsed)
        check_timeline(d, s, rec_path, per_round, nrounds);
    free(per_round);
    strbuf_release(&text);
    free(rec_path);
    free(ms_path);
    git_tree_free(folder);
    return rc;
}

static int check_submissions(struct doctor *d)
{
    git_tree *subs = NULL;
    int rc = repo_subtree(d->repo->git, d->head, "submissions", &subs);
    size_t n = subs ? git_tree_entrycount(subs) : 0;
    for (size_t i = 0; !rc && i < n; i++) {
        const git_tree_entry *e = git_tree_entry_byindex(subs, i);
        const char *name = git_tree_entry_name(e);
        unsigned long number = repo_entry_number(name, NULL);
        if (!number || git_tree_entry_type(e) != GIT_OBJECT_TREE) {
            if (strcmp(name, ".gitkeep")) {
                char *path = xasprintf("submissions/%s", name);
                add(d->r, "record", path, 0, "move or remove it with git and commit",
                    "not a submission: submissions/ holds only numbered folders");
                free(path);
            }
            continue;
        }
        rc = check_submission(d, subs, e, number);
    }
    git_tree_free(subs);
    return rc;
}

/* Issue manifests against the records of their articles, both ways. */
/*
 * An article's PDF galley in the built site whose page count is not its range: the theme or the
 * article changed after build-issue numbered the pages from the galleys (build-site warns of it
 * too). Only ranges counted in the galleys (pagination: typeset) are compared.
 */
static void check_galley(struct doctor *d, const struct issue_manifest *is, size_t k,
                         const char *path, size_t line)
{
    const char *range = is->pages_typeset && is->pages ? is->pages[k] : NULL;
    const char *dash = range ? strchr(range, '-') : NULL;
    if (!dash)
        return;
    char *site = d->site_dir ? xstrdup(d->site_dir) : fs_join(d->repo->root, "_site");
    char *pdf = xasprintf("%s/articles/%lu/article.pdf", site, is->articles[k]);
    struct strbuf data = STRBUF_INIT;
    unsigned long pages = 0;
    if (fs_exists(pdf) && !fs_read_file(pdf, &data) &&
        !pdf_page_count(data.buf, data.len, &pages)) {
        unsigned long first = strtoul(range, NULL, 10), last = strtoul(dash + 1, NULL, 10);
        if (last < first || last - first + 1 != pages)
            add(d->r, "issue", path, line,
                "number the issue's pages again: journal build-issue ID --correct \"NOTE\" "
                "(see docs/editors.md, Page numbers)",
                "submission %lu has pages %s (%lu) in issue %lu, but its PDF galley %s has %lu",
                is->articles[k], range, last >= first ? last - first + 1 : 0, is->id, pdf, pages);
    }
    error_clear();
    strbuf_release(&data);
    free(pdf);
    free(site);
}

static int check_issues(struct doctor *d)
{
    git_tree *issues = NULL;
    int rc = repo_subtree(d->repo->git, d->head, "issues", &issues);
    size_t n = issues ? git_tree_entrycount(issues) : 0;
    unsigned long *ids = xcalloc(n + 1, sizeof(*ids));
    struct issue_manifest *manifests = xcalloc(n + 1, sizeof(*manifests));
    size_t nids = 0;
    for (size_t i = 0; !rc && i < n; i++) {
        const char *name = git_tree_entry_name(git_tree_entry_byindex(issues, i));
        unsigned long id = repo_entry_number(name, ".yaml");
        char *path = xasprintf("issues/%s", name);
        struct strbuf text = STRBUF_INIT;
        if (!id) {
            if (strcmp(name, ".gitkeep"))
                add(d->r, "issue", path, 0, "rename or remove it with git and commit",
                    "not an issue manifest: issues/ holds ID.yaml files");
        } else if ((rc = repo_read_from_tree(d->repo->git, issues, name, &text, NULL)) != 0) {
            if (rc == JOURNAL_EINPUT) {
                add_parse_errors(d->r, "issue", path, "remove it with git rm and commit");
                rc = 0;
            }
        } else if (issue_parse(&manifests[nids], id, path, text.buf, text.len, &d->repo->config)) {
            add_parse_errors(d->r, "issue", path, FIX_COMMIT);
            issue_free(&manifests[nids]);
            memset(&manifests[nids], 0, sizeof(manifests[nids]));
        } else {
            d->r->issues++;
            struct issue_manifest *is = &manifests[nids];
            ids[nids++] = id;
            for (size_t k = 0; k < is->narticles; k++) {
                unsigned long number = is->articles[k];
                size_t line = is->article_lines ? is->article_lines[k] : 0;
                struct sub *s = find_sub(d, number);
                if (!s)
                    add(d->r, "issue", path, line,
                        "remove it from the issue (journal build-issue) or restore the "
                        "submission from git history",
                        "issue %lu lists submission %lu, which does not exist", id, number);
                else if (s->parsed && !is_published(s))
                    add(d->r, "issue", path, line,
                        "publish it with journal build-issue, or remove it from the manifest",
                        "issue %lu lists submission %lu, which is %s, not published or "
                        "scheduled",
                        id, number, s->rec.state);
                else if (s->parsed && s->rec.issue != id)
                    add(d->r, "issue", path, line, FIX_COMMIT,
                        "issue %lu lists submission %lu, whose record says issue %lu", id, number,
                        s->rec.issue);
                check_galley(d, is, k, path, line);
                /* Supplementary material must be one of the submission's attachments. */
                for (size_t f = 0; s && is->supplementary && f < is->supplementary[k].nfiles; f++) {
                    char *file = xasprintf("submissions/%lu/files/%s", number,
                                           is->supplementary[k].files[f]);
                    git_tree_entry *entry = NULL;
                    if (git_tree_entry_bypath(&entry, d->head, file) < 0 ||
                        git_tree_entry_type(entry) != GIT_OBJECT_BLOB)
                        add(d->r, "issue", path, line,
                            "commit the attachment, or remove it from the article's "
                            "supplementary list",
                            "issue %lu lists %s as supplementary material of submission %lu, "
                            "which has no such attachment",
                            id, is->supplementary[k].files[f], number);
                    git_tree_entry_free(entry);
                    free(file);
                }
            }
        }
        strbuf_release(&text);
        free(path);
    }
    /* Published articles that their issue does not list. */
    for (size_t i = 0; !rc && i < d->nsubs; i++) {
        const struct sub *s = &d->subs[i];
        if (!is_published(s) || !s->rec.issue)
            continue;
        size_t k = 0;
        while (k < nids && ids[k] != s->rec.issue)
            k++;
        bool listed = false;
        for (size_t a = 0; k < nids && a < manifests[k].narticles; a++)
            listed = listed || manifests[k].articles[a] == s->number;
        char *path = xasprintf("submissions/%lu/submission.yaml", s->number);
        if (k == nids)
            add(d->r, "state", path, 0,
                "make the issue (journal build-issue) or restore issues/ID.yaml from git history",
                "submission %lu is %s in issue %lu, which has no manifest (issues/%lu.yaml)",
                s->number, s->rec.state, s->rec.issue, s->rec.issue);
        else if (!listed)
            add(d->r, "state", path, 0,
                "add it to the issue (journal build-issue ID --add N) or correct its record",
                "submission %lu is %s in issue %lu, but issues/%lu.yaml does not list it",
                s->number, s->rec.state, s->rec.issue, s->rec.issue);
        free(path);
    }
    for (size_t i = 0; i < nids; i++)
        issue_free(&manifests[i]);
    free(manifests);
    free(ids);
    git_tree_free(issues);
    return rc;
}

/* The index, when it says it is current, against git row by row. Read-only: it is not refreshed. */
static int check_index(struct doctor *d)
{
    char *path = fs_join(d->repo->state_dir, "index.db");
    bool exists = fs_exists(path);
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    size_t before = d->r->count;
    if (!exists) {
        free(path);
        return 0; /* made by the next command that needs it */
    }
    char head_tree[GIT_OID_HEXSZ + 1] = "";
    if (d->head)
        git_oid_tostr(head_tree, sizeof(head_tree), git_tree_id(d->head));
    char *indexed = NULL;
    bool opened = db_open(&db, path, "index", DB_READ_ONLY) == 0;
    bool readable = opened && sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = 'tree'",
                                                 -1, &st, NULL) == SQLITE_OK;
    if (readable) {
        int step = sqlite3_step(st);
        if (step == SQLITE_ROW && sqlite3_column_text(st, 0))
            indexed = xstrdup((const char *)sqlite3_column_text(st, 0));
        readable = step == SQLITE_ROW || step == SQLITE_DONE;
    }
    sqlite3_finalize(st);
    st = NULL;
    if (!readable) {
        add(d->r, "index", ".journal/index.db", 0, FIX_REINDEX, "the index cannot be read: %s",
            opened ? sqlite3_errmsg(db) : error_message());
        if (!opened)
            error_clear();
        goto done;
    }
    /* Behind HEAD is normal between commands: the next one refreshes it. */
    if (!indexed || strcmp(indexed, head_tree))
        goto done;
    d->r->index_checked = true;
    bool *seen = xcalloc(d->nsubs + 1, sizeof(*seen));
    if (sqlite3_prepare_v2(db, "SELECT number, state, tree_oid FROM submissions ORDER BY number",
                           -1, &st, NULL) != SQLITE_OK) {
        add(d->r, "index", ".journal/index.db", 0, FIX_REINDEX, "the index cannot be read: %s",
            sqlite3_errmsg(db));
        free(seen);
        goto done;
    }
    while (sqlite3_step(st) == SQLITE_ROW) {
        unsigned long number = (unsigned long)sqlite3_column_int64(st, 0);
        const char *state = (const char *)sqlite3_column_text(st, 1);
        const char *oid = (const char *)sqlite3_column_text(st, 2);
        struct sub *s = find_sub(d, number);
        if (!s) {
            add(d->r, "index", ".journal/index.db", 0, FIX_REINDEX,
                "the index has submission %lu, which is not in the repository", number);
            continue;
        }
        seen[s - d->subs] = true;
        char hex[GIT_OID_HEXSZ + 1];
        git_oid_tostr(hex, sizeof(hex), &s->tree);
        const char *want = s->parsed ? s->rec.state : NULL;
        if (!oid || strcmp(oid, hex) || (want && (!state || strcmp(state, want))))
            add(d->r, "index", ".journal/index.db", 0, FIX_REINDEX,
                "the index's row for submission %lu is stale (it says %s; the repository says "
                "%s)",
                number, state ? state : "no state", want ? want : "no state");
    }
    sqlite3_finalize(st);
    st = NULL;
    for (size_t i = 0; i < d->nsubs; i++)
        if (!seen[i])
            add(d->r, "index", ".journal/index.db", 0, FIX_REINDEX,
                "the index has no row for submission %lu", d->subs[i].number);
    free(seen);
    /* Issues: each manifest's blob id. */
    git_tree *issues = NULL;
    int rc = repo_subtree(d->repo->git, d->head, "issues", &issues);
    if (rc) {
        error_clear();
        goto done;
    }
    size_t n = issues ? git_tree_entrycount(issues) : 0, rows = 0;
    if (sqlite3_prepare_v2(db, "SELECT id, oid FROM issues", -1, &st, NULL) == SQLITE_OK) {
        while (sqlite3_step(st) == SQLITE_ROW) {
            rows++;
            unsigned long id = (unsigned long)sqlite3_column_int64(st, 0);
            const char *oid = (const char *)sqlite3_column_text(st, 1);
            char name[64], hex[GIT_OID_HEXSZ + 1] = "";
            snprintf(name, sizeof(name), "%lu.yaml", id);
            const git_tree_entry *e = issues ? git_tree_entry_byname(issues, name) : NULL;
            if (e)
                git_oid_tostr(hex, sizeof(hex), git_tree_entry_id(e));
            if (!e)
                add(d->r, "index", ".journal/index.db", 0, FIX_REINDEX,
                    "the index has issue %lu, which is not in the repository", id);
            else if (!oid || strcmp(oid, hex))
                add(d->r, "index", ".journal/index.db", 0, FIX_REINDEX,
                    "the index's row for issue %lu is stale", id);
        }
    }
    size_t in_git = 0;
    for (size_t i = 0; i < n; i++)
        in_git +=
            repo_entry_number(git_tree_entry_name(git_tree_entry_byindex(issues, i)), ".yaml") != 0;
    if (in_git > rows)
        add(d->r, "index", ".journal/index.db", 0, FIX_REINDEX,
            "the index is missing %zu of the repository's %zu issues", in_git - rows, in_git);
    git_tree_free(issues);
done:
    sqlite3_finalize(st);
    sqlite3_close(db);
    free(indexed);
    free(path);
    if (d->fix && d->r->count > before) {
        int rc = index_rebuild(d->repo, NULL);
        if (rc)
            return rc;
        for (size_t i = before; i < d->r->count; i++)
            d->r->problems[i].fixed = true;
    }
    return 0;
}

/* "NAME.tmp.PID[.N]" (fs_write_atomic's temporary files) or ".journal-staging.PID": the pid. */
static long dead_writer(const char *name, bool staging)
{
    const char *p;
    if (staging) {
        if (strncmp(name, ".journal-staging.", 17))
            return 0;
        p = name + 17;
    } else {
        p = strstr(name, ".tmp.");
        if (!p || p == name)
            return 0;
        const char *next;
        while ((next = strstr(p + 1, ".tmp.")))
            p = next;
        p += 5;
        long pid;
        return fs_temp_pid(p, &pid) && !repo_pid_alive(pid) ? pid : 0;
    }
    char *end;
    long pid = strtol(p, &end, 10);
    if (*end || end == p || pid <= 0 || repo_pid_alive(pid))
        return 0;
    return pid;
}

/* Temporary files of dead processes under dir (rel: its path for messages). */
static void find_temp_files(struct doctor *d, const char *dir, const char *rel, int depth,
                            const char *skip)
{
    DIR *dh = opendir(dir);
    if (!dh || depth > 12) {
        if (dh)
            closedir(dh);
        return;
    }
    struct dirent *e;
    while ((e = readdir(dh))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        char *full = fs_join(dir, e->d_name);
        char *name = *rel ? fs_join(rel, e->d_name) : xstrdup(e->d_name);
        struct stat sb;
        if (lstat(full, &sb) == 0 && S_ISDIR(sb.st_mode)) {
            bool excluded =
                (depth == 0 && (!strcmp(e->d_name, ".git") || !strcmp(e->d_name, ".journal"))) ||
                (skip && !strcmp(full, skip));
            long pid = dead_writer(e->d_name, true);
            if (pid) {
                struct doctor_problem *p =
                    add(d->r, "temp", name, 0, "journal doctor --fix removes it",
                        "the staging folder of a build-site that was killed (pid %ld)", pid);
                if (d->fix)
                    p->fixed = fs_remove_tree(full) == 0;
                error_clear();
            } else if (!excluded) {
                find_temp_files(d, full, name, depth + 1, skip);
            }
        } else if (S_ISREG(sb.st_mode) && dead_writer(e->d_name, false)) {
            struct doctor_problem *p =
                add(d->r, "temp", name, 0, "journal doctor --fix removes it",
                    "a temporary file of a journal process that was killed (pid %ld)",
                    dead_writer(e->d_name, false));
            if (d->fix)
                p->fixed = unlink(full) == 0;
        }
        free(full);
        free(name);
    }
    closedir(dh);
}

static int check_files(struct doctor *d, const char *site_dir)
{
    char *site = site_dir ? xstrdup(site_dir) : fs_join(d->repo->root, "_site");
    /* The work tree and, separately, the site (which may be inside it). */
    find_temp_files(d, d->repo->root, "", 0, site);
    if (fs_is_dir(site)) {
        size_t rl = strlen(d->repo->root);
        const char *rel =
            !strncmp(site, d->repo->root, rl) && site[rl] == '/' ? site + rl + 1 : site;
        find_temp_files(d, site, rel, 1, NULL);
    }
    free(site);

    static const char *const git_locks[] = {"index.lock", "HEAD.lock"};
    for (size_t i = 0; i < 2; i++) {
        char *path = fs_join(git_repository_path(d->repo->git), git_locks[i]);
        if (fs_exists(path)) {
            char *rel = xasprintf(".git/%s", git_locks[i]);
            add(d->r, "temp", rel, 0,
                "when no git or journal command is running, remove it (rm .git/...lock)",
                "git's lock file is there: a git command is running or was killed");
            free(rel);
        }
        free(path);
    }

    char **paths = NULL;
    size_t n = 0;
    int rc = repo_worktree_pending(d->repo, &paths, &n);
    if (!rc && n) {
        struct doctor_problem *p =
            add(d->r, "worktree", paths[0], 0,
                "any journal command finishes it (or journal doctor --fix)",
                "a journal command was killed after its commit: %zu file%s of the work tree "
                "and git's index are behind HEAD",
                n, n == 1 ? "" : "s");
        if (d->fix) {
            rc = repo_lock(d->repo, 30000);
            if (!rc) {
                rc = repo_finish_worktree(d->repo, NULL);
                repo_unlock(d->repo);
            }
            p->fixed = rc == 0;
        }
    }
    for (size_t i = 0; i < n; i++)
        free(paths[i]);
    free(paths);
    return rc;
}

/*
 * The front desk's review drafts (.journal/desk/drafts/): each must read, and belong to an
 * assignment that still takes a review (accepted or open, its round the submission's, the
 * submission under review). Anything else is what a reviewer can no longer send: reported,
 * never removed (it may hold text the reviewer wants back), with the command that clears it.
 */
#define FIX_DRAFT "the reviewer's link no longer takes this review; remove the draft with rm"
static int check_drafts(struct doctor *d)
{
    char *dir = review_draft_dir(d->repo);
    DIR *dh = opendir(dir);
    if (!dh) {
        free(dir);
        return 0;
    }
    int rc = 0;
    struct dirent *de;
    while (!rc && (de = readdir(dh))) {
        size_t len = strlen(de->d_name);
        bool json = len > 5 && !strcmp(de->d_name + len - 5, ".json");
        bool upload = len > 7 && !strcmp(de->d_name + len - 7, ".upload");
        if (!json && !upload)
            continue;
        char *rel = xasprintf(".journal/desk/drafts/%s", de->d_name);
        char *path = xasprintf("%s/%s", dir, de->d_name);
        char *fix = xasprintf("%s %s", FIX_DRAFT, rel);
        if (upload) {
            char *j = xasprintf("%.*s.json", (int)(len - 7), path);
            if (!fs_exists(j))
                add(d->r, "draft", rel, 0, fix,
                    "a draft's uploaded file without its draft (a server killed while saving)");
            free(j);
            goto next;
        }
        struct review_draft dr;
        if (review_draft_read(path, &dr)) {
            add(d->r, "draft", rel, 0, fix, "%s", error_message());
            error_clear();
            goto next;
        }
        const struct sub *s = NULL;
        for (size_t i = 0; i < d->nsubs; i++)
            if (d->subs[i].number == dr.number && d->subs[i].parsed)
                s = &d->subs[i];
        const struct record_assignment *a =
            s ? record_find_assignment(&s->rec, dr.reviewer, dr.round) : NULL;
        enum assignment_state st = ASSIGNMENT_INVITED;
        if (a && (rc = invitation_state(d->repo, dr.number, a, &st)) != 0) {
            review_draft_free(&dr);
            goto next;
        }
        if (!a)
            add(d->r, "draft", rel, 0, fix,
                "a review draft by %s for submission %lu, round %lu, which has no such "
                "assignment",
                dr.reviewer, dr.number, dr.round);
        else if (st == ASSIGNMENT_WITHDRAWN || st == ASSIGNMENT_DECLINED)
            add(d->r, "draft", rel, 0, fix,
                "a review draft by %s for submission %lu, round %lu, whose invitation was %s",
                dr.reviewer, dr.number, dr.round,
                st == ASSIGNMENT_WITHDRAWN ? "withdrawn" : "declined");
        else if (dr.round != s->rec.round || strcmp(s->rec.state, "under-review"))
            add(d->r, "draft", rel, 0, fix,
                "a review draft by %s for submission %lu, round %lu, which the editor has "
                "decided (the submission is %s, round %lu)",
                dr.reviewer, dr.number, dr.round, s->rec.state, s->rec.round);
        review_draft_free(&dr);
    next:
        free(fix);
        free(path);
        free(rel);
    }
    closedir(dh);
    free(dir);
    return rc;
}

static int check_mail(struct doctor *d)
{
    char *path = fs_join(d->repo->state_dir, "outbox.db");
    if (!fs_exists(path)) {
        free(path);
        return 0;
    }
    struct outbox *ob = NULL;
    struct mail_orphan *orphans = NULL;
    size_t n = 0;
    int rc = outbox_open(&ob, path, NULL);
    if (!rc)
        rc = notify_recover(d->repo, ob, d->fix, &orphans, &n);
    for (size_t i = 0; !rc && i < n; i++) {
        const struct mail_orphan *o = &orphans[i];
        char what[160];
        snprintf(what, sizeof(what), "held message %lld (%s, submission %lu, held since %s)", o->id,
                 o->purpose, o->submission, o->created);
        struct doctor_problem *p;
        if (o->unknown) {
            /* Held before messages recorded their action: only the editor can tell. */
            char *fix = xasprintf("its action cannot be told, so decide by hand (journal outbox "
                                  "list --state pending shows it): journal outbox release %lld "
                                  "sends it (the action was made), journal outbox drop %lld "
                                  "keeps it unsent (it was not)",
                                  o->id, o->id);
            p = add(d->r, "mail", ".journal/outbox.db", 0, fix,
                    "%s: its process is gone and it records no action", what);
            free(fix);
        } else if (o->commit)
            p = add(d->r, "mail", ".journal/outbox.db", 0,
                    "journal doctor --fix, or any command that sends mail, releases it",
                    "%s: its action committed (%.12s) but the process died before releasing "
                    "it",
                    what, o->commit);
        else
            p = add(d->r, "mail", ".journal/outbox.db", 0,
                    "journal doctor --fix, or any command that sends mail, drops it",
                    "%s: its action never committed (the process died first)", what);
        p->fixed = o->settled;
    }
    d->r->messages = n;
    mail_orphans_free(orphans, n);
    outbox_close(ob);
    free(path);
    return rc;
}

/* The front desk's submissions waiting for their authors' confirmation (workflow/waiting.h). */
static int check_waiting(struct doctor *d)
{
    struct waiting_problem *list = NULL;
    size_t n = 0;
    int rc = waiting_check(d->repo, (long long)time(NULL), &list, &n);
    for (size_t i = 0; !rc && i < n; i++) {
        char *file = xasprintf(".journal/desk/waiting/%s", list[i].id);
        add(d->r, "desk", file, 0, list[i].fix, "%s", list[i].message);
        free(file);
    }
    waiting_problems_free(list, n);
    return rc;
}

/* The settings that work as they are but may not be what the editors want. */
static void check_settings(struct doctor *d)
{
    const struct journal_config *c = &d->repo->config;
    bool oai_file = c->base_url && (c->contact_email || c->mail_reply_to || c->mail_from_address);
    if (oai_file && !c->oai_gateway_url) {
        d->r->notes = xrealloc(d->r->notes, (d->r->nnotes + 1) * sizeof(*d->r->notes));
        d->r->notes[d->r->nnotes++] = xasprintf(
            "journal.yaml: no oai_gateway_url, so oai/static-repository.xml gives its own URL "
            "(%soai/static-repository.xml) as its baseURL; harvesters that speak only OAI-PMH "
            "reach a static repository through a static repository gateway: register the file "
            "with one and set oai_gateway_url to the gateway's URL",
            c->base_url);
    }
}

/* journal.yaml parsed when the repository opened; what it may hold and still not be ready. */
static void check_config(struct doctor *d)
{
    const struct journal_config *c = &d->repo->config;
    char *placeholder = config_base_url_placeholder(c);
    if (placeholder)
        add(d->r, "config", "journal.yaml", c->base_url_line,
            "set base_url to the site's public address and commit it; until then build-site "
            "makes only drafts (--draft) and deposit and export refuse",
            "%s", placeholder);
    free(placeholder);
}

int doctor_run(struct journal_repo *repo, const char *site_dir, bool fix,
               struct doctor_report *report)
{
    struct doctor d = {.repo = repo, .site_dir = site_dir, .r = report, .fix = fix};
    memset(report, 0, sizeof(*report));
    int rc = repo_head_tree(repo, &d.head);
    if (!rc)
        rc = country_db_open(&d.countries, NULL, NULL);
    if (!rc)
        rc = language_db_open(&d.languages, NULL, NULL);
    if (!rc)
        check_config(&d);
    if (!rc)
        rc = check_files(&d, site_dir);
    if (!rc)
        rc = check_submissions(&d);
    if (!rc)
        rc = check_issues(&d);
    if (!rc)
        rc = check_index(&d);
    if (!rc)
        rc = check_mail(&d);
    if (!rc)
        rc = check_waiting(&d);
    if (!rc)
        rc = check_drafts(&d);
    if (!rc)
        check_settings(&d);
    for (size_t i = 0; i < d.nsubs; i++)
        if (d.subs[i].parsed)
            record_free(&d.subs[i].rec);
    free(d.subs);
    country_db_free(d.countries);
    language_db_free(d.languages);
    git_tree_free(d.head);
    return rc;
}

size_t doctor_open_problems(const struct doctor_report *report)
{
    size_t n = 0;
    for (size_t i = 0; i < report->count; i++)
        n += !report->problems[i].fixed;
    return n;
}

void doctor_report_free(struct doctor_report *report)
{
    for (size_t i = 0; i < report->count; i++) {
        free(report->problems[i].file);
        free(report->problems[i].message);
        free(report->problems[i].fix);
    }
    free(report->problems);
    for (size_t i = 0; i < report->nnotes; i++)
        free(report->notes[i]);
    free(report->notes);
    memset(report, 0, sizeof(*report));
}
