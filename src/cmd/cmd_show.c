#define _POSIX_C_SOURCE 200809L
#include "cmd/commands.h"
#include "model/country.h"
#include "model/issue.h"
#include "model/language.h"
#include "model/manuscript.h"
#include "model/record.h"
#include "model/review.h"
#include "store/repo.h"
#include "util/alloc.h"
#include "util/error.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

struct shown {
    unsigned long number;
    bool author_view; /* --role author: no reviewer identities */
    struct submission_record r;
    struct manuscript m;
    json_t *files;     /* [{name, size}] */
    json_t *history;   /* [{date, who, what, round?, detail?}] */
    json_t *reviewers; /* [{round, reviewer, invited, due, state, answered?, reason?,
                          suggested?, verdict?, submitted?}]: editors only */
};

struct file_walk {
    git_repository *git;
    json_t *files;
    unsigned long number;
    int rc;
};

/* Attachments may sit in subfolders (figures/fig1.png): list every file by its path. */
static int add_file(const char *folder, const git_tree_entry *entry, void *payload)
{
    struct file_walk *w = payload;
    w->rc = repo_entry_checkf(entry, "submissions/%lu/files/%s%s", w->number, folder,
                              git_tree_entry_name(entry));
    if (w->rc)
        return -1;
    if (git_tree_entry_type(entry) != GIT_OBJECT_BLOB)
        return 0;
    git_blob *blob = NULL;
    json_int_t size = 0;
    if (git_blob_lookup(&blob, w->git, git_tree_entry_id(entry)) == 0)
        size = (json_int_t)git_blob_rawsize(blob);
    git_blob_free(blob);
    char *name = xasprintf("%s%s", folder, git_tree_entry_name(entry));
    json_array_append_new(w->files, json_pack("{s:s, s:I}", "name", name, "size", size));
    free(name);
    return 0;
}

static int collect_files(struct journal_repo *repo, git_tree *root, struct shown *s)
{
    char path[64];
    git_tree *dir = NULL;
    s->files = json_array();
    snprintf(path, sizeof(path), "submissions/%lu/files", s->number);
    int rc = repo_subtree(repo->git, root, path, &dir);
    struct file_walk w = {repo->git, s->files, s->number, 0};
    if (!rc && dir && git_tree_walk(dir, GIT_TREEWALK_PRE, add_file, &w) < 0)
        rc = w.rc ? w.rc : repo_git_error(path);
    git_tree_free(dir);
    return rc;
}

/* Which attachments the submission's issue publishes as supplementary material (the others
   stay private): each file gets "supplementary": true or false. A manifest that does not
   read is left to the commands that use it. */
static void mark_supplementary(struct journal_repo *repo, git_tree *root, struct shown *s)
{
    char path[64];
    struct strbuf text = STRBUF_INIT;
    struct issue_manifest is;
    const struct issue_supplementary *list = NULL;
    bool parsed = false;
    snprintf(path, sizeof(path), "issues/%lu.yaml", s->r.issue);
    if (s->r.issue && !repo_read_from_tree(repo->git, root, path, &text, NULL) &&
        !issue_parse(&is, s->r.issue, path, text.buf, text.len, &repo->config)) {
        parsed = true;
        for (size_t k = 0; k < is.narticles; k++)
            if (is.articles[k] == s->number)
                list = &is.supplementary[k];
    }
    error_clear();
    size_t i;
    json_t *f;
    json_array_foreach(s->files, i, f)
    {
        const char *name = json_string_value(json_object_get(f, "name"));
        bool listed = false;
        for (size_t k = 0; list && k < list->nfiles; k++)
            listed = listed || !strcmp(list->files[k], name);
        json_object_set_new(f, "supplementary", json_boolean(listed));
    }
    if (parsed)
        issue_free(&is);
    strbuf_release(&text);
}

/* The id of submissions/<n> in a commit's tree, zero when absent. */
static void folder_id(git_commit *c, const char *path, git_oid *out)
{
    git_tree *t = NULL;
    git_tree_entry *e = NULL;
    memset(out, 0, sizeof(*out));
    if (git_commit_tree(&t, c) == 0 && git_tree_entry_bypath(&e, t, path) == 0)
        git_oid_cpy(out, git_tree_entry_id(e));
    git_error_clear();
    git_tree_entry_free(e);
    git_tree_free(t);
}

/*
 * The timeline from submission.yaml's history. For an author, the actions that
 * would identify a reviewer say only that they happened.
 */
static void record_history(struct shown *s)
{
    s->history = json_array();
    for (size_t i = 0; i < s->r.nhistory; i++) {
        const struct record_event *e = &s->r.history[i];
        const char *detail = e->detail, *who = e->by ? e->by : "";
        bool reviewer_act = !strcmp(e->action, "reviewed") || !strcmp(e->action, "review amended");
        /* An invitation's answer or withdrawal names the reviewer too ("invitation declined");
           why a submission was withdrawn is the office's note: the author sees when. */
        if (s->author_view &&
            (reviewer_act || !strcmp(e->action, "assigned") ||
             !strncmp(e->action, "invitation ", 11) || !strcmp(e->action, "withdrawn")))
            detail = NULL;
        /* A reviewer who records a verdict under their own git identity is named in "who". */
        if (s->author_view && reviewer_act)
            who = "a reviewer";
        json_t *x = json_pack("{s:s, s:s, s:s, s:I}", "date", e->at, "who", who, "what", e->action,
                              "round", (json_int_t)e->round);
        if (detail)
            json_object_set_new(x, "detail", json_string(detail));
        json_array_append_new(s->history, x);
    }
}

/* Each round's reviewers and where their reviews stand. */
static int collect_reviewers(struct journal_repo *repo, git_tree *root, struct shown *s)
{
    s->reviewers = json_array();
    for (size_t i = 0; i < s->r.nassignments; i++) {
        const struct record_assignment *a = &s->r.assignments[i];
        char *path = review_path(s->number, a->round, a->reviewer);
        struct strbuf text = STRBUF_INIT;
        struct review rv = {0};
        json_t *x = json_pack("{s:I, s:s, s:s, s:s}", "round", (json_int_t)a->round, "reviewer",
                              a->reviewer, "invited", a->invited ? a->invited : "", "due",
                              a->due ? a->due : "");
        if (a->override)
            json_object_set_new(x, "override", json_string(a->override));
        int rc = repo_read_from_tree(repo->git, root, path, &text, NULL);
        char today[11];
        date_today(today);
        enum assignment_state st =
            assignment_state(a->state, a->invited, rc == 0, today, repo->config.invitation_days);
        json_object_set_new(x, "state", json_string(assignment_states[st]));
        if (a->answered)
            json_object_set_new(x, "answered", json_string(a->answered));
        if (a->reason)
            json_object_set_new(x, "reason", json_string(a->reason));
        if (a->suggested)
            json_object_set_new(x, "suggested", json_string(a->suggested));
        if (!rc && review_parse(&rv, path, text.buf, text.len) == 0) {
            json_object_set_new(x, "verdict", json_string(rv.verdict));
            json_object_set_new(x, "submitted", json_string(rv.submitted));
        }
        error_clear();
        review_free(&rv);
        strbuf_release(&text);
        free(path);
        json_array_append_new(s->reviewers, x);
    }
    return 0;
}

static bool names_review(const char *summary)
{
    for (const char *p = summary; p && *p; p++)
        if (!strncasecmp(p, "review", 6))
            return true;
    return false;
}

/* Every commit that changed the submission's folder, oldest first: its timeline. */
static int collect_history(struct journal_repo *repo, struct shown *s)
{
    char path[64];
    git_revwalk *walk = NULL;
    git_oid id;
    snprintf(path, sizeof(path), "submissions/%lu", s->number);
    s->history = json_array();
    if (git_revwalk_new(&walk, repo->git) < 0 || git_revwalk_push_head(walk) < 0) {
        git_revwalk_free(walk);
        return repo_git_error("cannot walk the history");
    }
    git_revwalk_sorting(walk, GIT_SORT_TIME | GIT_SORT_REVERSE);
    while (git_revwalk_next(&id, walk) == 0) {
        git_commit *c = NULL, *parent = NULL;
        if (git_commit_lookup(&c, repo->git, &id) < 0)
            continue;
        git_oid mine, theirs;
        folder_id(c, path, &mine);
        if (git_commit_parentcount(c) > 0 && git_commit_parent(&parent, c, 0) == 0)
            folder_id(parent, path, &theirs);
        else
            memset(&theirs, 0, sizeof(theirs));
        if (git_oid_cmp(&mine, &theirs)) {
            const git_signature *who = git_commit_author(c);
            char when[32], hex[GIT_OID_HEXSZ + 1];
            time_t t = (time_t)who->when.time;
            struct tm tm;
            gmtime_r(&t, &tm);
            strftime(when, sizeof(when), "%Y-%m-%d %H:%M UTC", &tm);
            git_oid_tostr(hex, sizeof(hex), &id);
            /* Commit summaries name reviewers ("Review #3 by ...", "Assign reviewer ..."):
               not for authors, whatever the case. */
            if (!s->author_view || !names_review(git_commit_summary(c)))
                json_array_append_new(s->history, json_pack("{s:s, s:s, s:s, s:s}", "date", when,
                                                            "who", who->name, "what",
                                                            git_commit_summary(c), "commit", hex));
        }
        git_commit_free(parent);
        git_commit_free(c);
    }
    git_error_clear();
    git_revwalk_free(walk);
    return 0;
}

static json_t *to_json(const struct shown *s, const struct country_db *countries)
{
    const struct manuscript *m = &s->m;
    json_t *o = json_object();
    json_object_set_new(o, "number", json_integer((json_int_t)s->number));
    json_object_set_new(o, "state", json_string(s->r.state));
    json_object_set_new(o, "submitted", s->r.submitted ? json_string(s->r.submitted) : json_null());
    if (s->r.accepted)
        json_object_set_new(o, "accepted", json_string(s->r.accepted));
    if (s->r.published)
        json_object_set_new(o, "published", json_string(s->r.published));
    if (s->r.withdrawn)
        json_object_set_new(o, "withdrawn", json_string(s->r.withdrawn));
    if (s->r.issue)
        json_object_set_new(o, "issue", json_integer((json_int_t)s->r.issue));
    if (s->r.doi)
        json_object_set_new(o, "doi", json_string(s->r.doi));
    json_object_set_new(o, "title", json_string(m->title));
    json_object_set_new(o, "lang", json_string(m->lang));
    json_object_set_new(o, "type", json_string(m->type));
    if (m->abstract)
        json_object_set_new(o, "abstract", json_string(m->abstract));
    json_t *kw = json_array();
    for (size_t i = 0; i < m->nkeywords; i++)
        json_array_append_new(kw, json_string(m->keywords[i]));
    json_object_set_new(o, "keywords", kw);
    json_t *authors = json_array();
    for (size_t i = 0; i < m->nauthors; i++) {
        const struct author *a = &m->authors[i];
        json_t *x = json_pack("{s:s, s:b}", "name", a->name, "corresponding", a->corresponding);
        if (a->email)
            json_object_set_new(x, "email", json_string(a->email));
        if (a->orcid[0])
            json_object_set_new(x, "orcid", json_string(a->orcid));
        json_t *affs = json_array();
        for (size_t j = 0; j < a->naffiliations; j++) {
            const struct affiliation *af = &a->affiliations[j];
            json_t *y =
                json_pack("{s:s, s:b}", "name", af->name, "international", af->international);
            if (!af->international) {
                const struct country *c = country_by_code(countries, af->country);
                json_object_set_new(y, "country", json_string(af->country));
                json_object_set_new(y, "country_name",
                                    json_string(c ? country_display_name(c, "en") : af->country));
            }
            json_array_append_new(affs, y);
        }
        json_object_set_new(x, "affiliations", affs);
        json_array_append_new(authors, x);
    }
    json_object_set_new(o, "authors", authors);
    json_object_set_new(o, "files", json_incref(s->files));
    json_object_set_new(o, "round", json_integer((json_int_t)(s->r.round ? s->r.round : 1)));
    json_object_set_new(o, "history", json_incref(s->history));
    if (!s->author_view)
        json_object_set_new(o, "reviewers", json_incref(s->reviewers));
    return o;
}

static void print_text(const struct shown *s, const struct country_db *countries)
{
    const struct manuscript *m = &s->m;
    if (s->r.round > 1)
        printf("Submission %lu: %s (round %lu)\n", s->number, s->r.state, s->r.round);
    else
        printf("Submission %lu: %s\n", s->number, s->r.state);
    printf("Title:      %s\n", m->title);
    if (m->subtitle)
        printf("Subtitle:   %s\n", m->subtitle);
    printf("Type:       %s\n", manuscript_type_label(m->type));
    printf("Language:   %s\n", m->lang);
    if (s->r.submitted)
        printf("Received:   %s\n", s->r.submitted);
    if (s->r.accepted)
        printf("Accepted:   %s\n", s->r.accepted);
    if (s->r.published)
        printf("Published:  %s", s->r.published);
    if (s->r.published && s->r.issue)
        printf(" (issue %lu)", s->r.issue);
    if (s->r.published)
        printf("\n");
    if (s->r.withdrawn)
        printf("Withdrawn:  %s\n", s->r.withdrawn);
    if (s->r.doi)
        printf("DOI:        %s\n", s->r.doi);
    printf("Authors:\n");
    for (size_t i = 0; i < m->nauthors; i++) {
        const struct author *a = &m->authors[i];
        printf("  %zu. %s", i + 1, a->name);
        if (a->corresponding)
            printf(" (corresponding)");
        if (a->email)
            printf(" <%s>", a->email);
        if (a->orcid[0])
            printf(" ORCID %s", a->orcid);
        printf("\n");
        for (size_t j = 0; j < a->naffiliations; j++) {
            const struct affiliation *af = &a->affiliations[j];
            const struct country *c =
                af->international ? NULL : country_by_code(countries, af->country);
            printf("     %s, %s\n", af->name,
                   af->international ? "international organisation"
                                     : (c ? country_display_name(c, "en") : af->country));
        }
    }
    if (m->nkeywords) {
        printf("Keywords:   ");
        for (size_t i = 0; i < m->nkeywords; i++)
            printf("%s%s", i ? ", " : "", m->keywords[i]);
        printf("\n");
    }
    if (m->abstract)
        printf("Abstract:\n  %s\n", m->abstract);
    if (json_array_size(s->files)) {
        printf("Files:\n");
        size_t i;
        json_t *f;
        json_array_foreach(s->files, i, f)
        {
            printf("  files/%s (%lld bytes)%s\n", json_string_value(json_object_get(f, "name")),
                   (long long)json_integer_value(json_object_get(f, "size")),
                   json_is_true(json_object_get(f, "supplementary"))
                       ? ", supplementary material (published with the article)"
                       : "");
        }
    }
    size_t i;
    json_t *h;
    if (!s->author_view && json_array_size(s->reviewers)) {
        printf("Reviewers:\n");
        json_array_foreach(s->reviewers, i, h)
        {
            const char *verdict = json_string_value(json_object_get(h, "verdict"));
            const char *state = json_string_value(json_object_get(h, "state"));
            printf("  round %lld  %-22s due %s  %s",
                   (long long)json_integer_value(json_object_get(h, "round")),
                   json_string_value(json_object_get(h, "reviewer")),
                   json_string_value(json_object_get(h, "due")),
                   verdict                      ? verdict
                   : !strcmp(state, "accepted") ? "(pending)"
                                                : state);
            if (!verdict && strcmp(state, "accepted") && strcmp(state, "invited") &&
                strcmp(state, "expired"))
                printf(" %s", json_string_value(json_object_get(h, "answered")));
            printf("\n");
        }
    }
    printf("History:\n");
    json_array_foreach(s->history, i, h)
    {
        json_t *detail = json_object_get(h, "detail");
        printf("  %s  ", json_string_value(json_object_get(h, "date")));
        cli_print_cell(json_string_value(json_object_get(h, "who")), 20);
        printf("  %s%s%s\n", json_string_value(json_object_get(h, "what")), detail ? ": " : "",
               detail ? json_string_value(detail) : "");
    }
}

int cmd_show(int argc, char **argv, struct cli *cli)
{
    const char *arg = NULL;
    struct shown s = {0};
    for (int i = 1; i < argc; i++) {
        const char *role = NULL;
        int taken = cli_option_value(argc, argv, &i, "--role", &role);
        if (taken < 0)
            return taken;
        if (taken) {
            if (strcmp(role, "editor") && strcmp(role, "author"))
                return error_usage("--role %s: expected editor or author", role);
            s.author_view = !strcmp(role, "author");
            continue;
        }
        if (cli_common_option(argv[i], cli))
            continue;
        if (arg)
            return error_usage("show takes one submission number");
        arg = argv[i];
    }
    if (!arg)
        return error_usage("which submission? usage: journal show NUMBER");
    int rc = cli_parse_number(arg, &s.number);
    if (rc)
        return rc;

    struct journal_repo *repo = NULL;
    struct country_db *countries = NULL;
    struct language_db *languages = NULL;
    git_tree *root = NULL;
    struct strbuf text = STRBUF_INIT;
    char path[96];
    rc = repo_open(&repo, cli->dir);
    if (!rc)
        rc = repo_head_tree(repo, &root);
    if (!rc)
        rc = country_db_open(&countries, NULL, NULL);
    if (!rc)
        rc = language_db_open(&languages, NULL, NULL);
    if (rc)
        goto done;
    snprintf(path, sizeof(path), "submissions/%lu/submission.yaml", s.number);
    rc = repo_read_from_tree(repo->git, root, path, &text, NULL);
    if (rc == JOURNAL_EINPUT) {
        rc = error_input("there is no submission %lu (see 'journal list')", s.number);
        goto done;
    }
    if (!rc)
        rc = record_parse(&s.r, path, text.buf, text.len);
    strbuf_reset(&text);
    snprintf(path, sizeof(path), "submissions/%lu/manuscript.md", s.number);
    if (!rc)
        rc = repo_read_from_tree(repo->git, root, path, &text, NULL);
    if (!rc) {
        struct manuscript_rules rules = {countries, languages, repo->config.languages[0], NULL,
                                         NULL};
        rc = manuscript_parse(&s.m, path, text.buf, text.len, &rules);
    }
    if (rc)
        goto done;
    rc = collect_files(repo, root, &s);
    if (!rc)
        mark_supplementary(repo, root, &s);
    if (!rc && s.r.nhistory)
        record_history(&s);
    else if (!rc)
        rc = collect_history(repo, &s);
    if (!rc)
        rc = collect_reviewers(repo, root, &s);
    if (rc)
        goto done;
    if (cli->json)
        cli_print_json(to_json(&s, countries));
    else
        print_text(&s, countries);
done:
    json_decref(s.files);
    json_decref(s.history);
    json_decref(s.reviewers);
    manuscript_free(&s.m);
    record_free(&s.r);
    strbuf_release(&text);
    git_tree_free(root);
    country_db_free(countries);
    language_db_free(languages);
    repo_free(repo);
    return rc;
}
