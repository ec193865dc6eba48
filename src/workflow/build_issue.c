#include "workflow/build_issue.h"

#include "model/country.h"
#include "model/language.h"
#include "model/manuscript.h"
#include "model/record.h"
#include "store/index.h"
#include "util/alloc.h"
#include "util/error.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A manuscript page holds about this many words; page ranges are estimates until typesetting. */
#define WORDS_PER_PAGE 400

struct entry {
    unsigned long number;
    struct submission_record record;
    struct manuscript manuscript;
    char record_path[96];
    struct strbuf record_text;
    unsigned pages;
    size_t type_rank;
    size_t order;
};

struct state {
    struct journal_repo *repo;
    const struct build_issue_request *req;
    struct build_issue_result *out;
    struct country_db *countries;
    struct language_db *languages;
    struct entry *entries;
    size_t nentries;
    bool exists, published;
};

/* The table of contents opens with the editorial and groups articles by type. */
static size_t type_rank(const char *type)
{
    static const char *const order[] = {"editorial", "research-article", "case-study",
                                        "review",    "practice",         "interview"};
    for (size_t i = 0; i < sizeof(order) / sizeof(*order); i++)
        if (!strcmp(type, order[i]))
            return i;
    return sizeof(order) / sizeof(*order);
}

static int compare_entries(const void *a, const void *b)
{
    const struct entry *x = a, *y = b;
    if (x->type_rank != y->type_rank)
        return x->type_rank < y->type_rank ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

static unsigned count_pages(const struct manuscript *m)
{
    size_t words = 0;
    bool in_word = false;
    for (size_t i = 0; i < m->body_len; i++) {
        bool space = isspace((unsigned char)m->body[i]);
        words += !space && !in_word;
        in_word = !space;
    }
    return (unsigned)(words / WORDS_PER_PAGE + 1);
}

static int load_entry(struct state *s, unsigned long number, struct entry *e)
{
    struct strbuf text = STRBUF_INIT;
    char path[96];
    memset(e, 0, sizeof(*e));
    e->number = number;
    strbuf_init(&e->record_text);
    snprintf(e->record_path, sizeof(e->record_path), "submissions/%lu/submission.yaml", number);
    int rc = repo_read(s->repo, e->record_path, &text, NULL);
    if (rc == JOURNAL_EINPUT)
        rc = error_input("there is no submission %lu (see 'journal list')", number);
    if (!rc)
        rc = record_parse(&e->record, e->record_path, text.buf, text.len);
    if (rc)
        goto done;
    const char *state = e->record.state;
    bool here = (!strcmp(state, "published") || !strcmp(state, "scheduled")) &&
                e->record.issue == s->req->id;
    if ((!strcmp(state, "published") || !strcmp(state, "scheduled")) && !here) {
        rc = error_input("submission %lu is already %s in issue %lu", number, state,
                         e->record.issue);
        goto done;
    }
    if (!strcmp(state, "withdrawn")) {
        rc = error_input("submission %lu was withdrawn on %s: a withdrawn submission is never "
                         "published",
                         number, e->record.withdrawn ? e->record.withdrawn : "an unrecorded date");
        goto done;
    }
    if (strcmp(state, "accepted") && !here) {
        rc = error_input("submission %lu is %s: only accepted submissions can be published", number,
                         state);
        goto done;
    }
    strbuf_reset(&text);
    snprintf(path, sizeof(path), "submissions/%lu/manuscript.md", number);
    rc = repo_read(s->repo, path, &text, NULL);
    if (!rc) {
        struct manuscript_rules rules = {s->countries, s->languages, s->repo->config.languages[0],
                                         &s->repo->config.markdown_limits, &s->repo->config};
        rc = manuscript_parse(&e->manuscript, path, text.buf, text.len, &rules);
        /* Accepted under older rules (before journal.yaml's require_translations, say):
           the editor learns which submission and where to correct it. */
        if (rc == JOURNAL_EINPUT)
            error_prefix("submission %lu cannot be published until %s is corrected and committed",
                         number, path);
    }
    if (!rc && !e->manuscript.nkeywords)
        rc = error_input("%s: submission %lu has no keywords; complete its metadata before "
                         "publishing",
                         path, number);
    e->pages = count_pages(&e->manuscript);
    e->type_rank = e->manuscript.type ? type_rank(e->manuscript.type) : 99;
done:
    strbuf_release(&text);
    return rc;
}

/* Submissions accepted and in no issue yet, in number order. */
static int accepted_waiting(struct journal_repo *repo, unsigned long **out, size_t *n)
{
    struct journal_index *ix = NULL;
    struct index_submission *list = NULL;
    size_t count = 0;
    *out = NULL;
    *n = 0;
    int rc = index_open(&ix, repo);
    if (!rc)
        rc = index_list_submissions(ix, "accepted", &list, &count);
    *out = xcalloc(count + 1, sizeof(**out));
    for (size_t i = 0; !rc && i < count; i++)
        (*out)[(*n)++] = list[i].number;
    index_submissions_free(list, count);
    index_close(ix);
    return rc;
}

/* The last page used by the issues of the same volume built before this one (lower ids, special
   editions too): pagination runs through a volume, in the order its issues were built. */
static unsigned long volume_last_page(struct state *s, unsigned long volume)
{
    git_tree *root = NULL, *dir = NULL;
    unsigned long last = 0;
    if (repo_head_tree(s->repo, &root) || repo_subtree(s->repo->git, root, "issues", &dir)) {
        error_clear();
        goto done;
    }
    for (size_t i = 0; dir && i < git_tree_entrycount(dir); i++) {
        const char *name = git_tree_entry_name(git_tree_entry_byindex(dir, i));
        unsigned long id = repo_entry_number(name, ".yaml");
        if (!id || id >= s->req->id)
            continue;
        char path[64];
        struct strbuf text = STRBUF_INIT;
        struct issue_manifest is;
        snprintf(path, sizeof(path), "issues/%lu.yaml", id);
        if (!repo_read_from_tree(s->repo->git, root, path, &text, NULL) &&
            !issue_parse(&is, id, path, text.buf, text.len, &s->repo->config)) {
            for (size_t k = 0; is.volume == volume && k < is.narticles; k++) {
                const char *dash = is.pages[k] ? strchr(is.pages[k], '-') : NULL;
                unsigned long end = dash ? strtoul(dash + 1, NULL, 10) : 0;
                if (end > last)
                    last = end;
            }
            issue_free(&is);
        }
        error_clear();
        strbuf_release(&text);
    }
done:
    git_tree_free(dir);
    git_tree_free(root);
    return last;
}

static char *make_doi(const struct journal_config *c, const struct issue_manifest *is,
                      size_t article, unsigned long submission)
{
    const char *pattern =
        c->doi_pattern ? c->doi_pattern : "{prefix}/{journal}.{year}.{volume}.{number}.{article}";
    struct strbuf journal = STRBUF_INIT, out = STRBUF_INIT;
    char number[ISSUE_NUMBER_SIZE];
    for (const char *p = c->abbreviation ? c->abbreviation : "journal"; *p; p++)
        if (isalnum((unsigned char)*p))
            strbuf_addch(&journal, (char)tolower((unsigned char)*p));
    for (const char *p = pattern; *p;) {
        const char *close = *p == '{' ? strchr(p, '}') : NULL;
        if (!close) {
            strbuf_addch(&out, *p++);
            continue;
        }
        size_t len = (size_t)(close - p - 1);
        const char *key = p + 1;
        if (len == 6 && !strncmp(key, "prefix", 6))
            strbuf_addstr(&out, c->doi_prefix);
        else if (len == 7 && !strncmp(key, "journal", 7))
            strbuf_addstr(&out, journal.buf);
        else if (len == 4 && !strncmp(key, "year", 4))
            strbuf_addf(&out, "%lu", is->year);
        else if (len == 6 && !strncmp(key, "volume", 6))
            strbuf_addf(&out, "%lu", is->volume);
        else if (len == 6 && !strncmp(key, "number", 6))
            strbuf_addstr(&out, issue_number_text(is, number));
        else if (len == 5 && !strncmp(key, "issue", 5))
            strbuf_addf(&out, "%lu", is->id);
        else if (len == 7 && !strncmp(key, "article", 7))
            strbuf_addf(&out, "%zu", article);
        else if (len == 10 && !strncmp(key, "submission", 10))
            strbuf_addf(&out, "%lu", submission);
        else
            strbuf_add(&out, p, len + 2);
        p = close + 1;
    }
    strbuf_release(&journal);
    return strbuf_detach(&out, NULL);
}

/* The other issues' places: volume, number, series and year, from their manifests. */
struct place {
    unsigned long id, volume, number, year;
    bool special_series;
};

static size_t other_issues(struct state *s, struct place **out)
{
    git_tree *root = NULL, *dir = NULL;
    size_t n = 0;
    *out = NULL;
    if (!repo_head_tree(s->repo, &root) && !repo_subtree(s->repo->git, root, "issues", &dir)) {
        *out = xcalloc(git_tree_entrycount(dir) + 1, sizeof(**out));
        for (size_t i = 0; i < git_tree_entrycount(dir); i++) {
            unsigned long id =
                repo_entry_number(git_tree_entry_name(git_tree_entry_byindex(dir, i)), ".yaml");
            if (!id || id == s->req->id)
                continue;
            char path[64];
            struct strbuf text = STRBUF_INIT;
            struct issue_manifest other;
            snprintf(path, sizeof(path), "issues/%lu.yaml", id);
            if (!repo_read_from_tree(s->repo->git, root, path, &text, NULL) &&
                !issue_parse(&other, id, path, text.buf, text.len, &s->repo->config)) {
                (*out)[n++] = (struct place){id, other.volume, other.number, other.year,
                                             other.special_series};
                issue_free(&other);
            }
            strbuf_release(&text);
        }
    }
    error_clear();
    git_tree_free(dir);
    git_tree_free(root);
    return n;
}

/*
 * A new issue's volume continues the latest issue's (a new year starts the next
 * one); its number follows the highest of its series in that volume: regular
 * issues 1, 2, 3..., special editions S1, S2... apart, so that a special
 * edition takes no regular number.
 */
static void number_issue(struct state *s, struct issue_manifest *is, bool special)
{
    struct place *others;
    size_t n = other_issues(s, &others);
    const struct place *latest = NULL;
    for (size_t i = 0; i < n; i++)
        if (!latest || others[i].id > latest->id)
            latest = &others[i];
    is->volume = !latest ? 1 : latest->year == is->year ? latest->volume : latest->volume + 1;
    is->special_series = special;
    is->number = 1;
    for (size_t i = 0; i < n; i++)
        if (others[i].volume == is->volume && others[i].special_series == special &&
            others[i].number >= is->number)
            is->number = others[i].number + 1;
    free(others);
}

/* A number the editor gives must be free in the volume. */
static int check_number_free(struct state *s, const struct issue_manifest *is)
{
    struct place *others;
    size_t n = other_issues(s, &others);
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i++)
        if (others[i].volume == is->volume && others[i].number == is->number &&
            others[i].special_series == is->special_series) {
            char *label = issue_label(is);
            rc = error_input("--number %s: %s is already issue %lu", s->req->number, label,
                             others[i].id);
            free(label);
        }
    free(others);
    return rc;
}

/* --supplementary N:PATH: an attachment of an article of this issue, published with it. */
static int add_supplementary(struct state *s, struct issue_manifest *is)
{
    for (size_t i = 0; i < s->req->nsupplementary; i++) {
        const char *arg = s->req->supplementary[i], *why = NULL;
        const char *colon = strchr(arg, ':');
        unsigned long number = 0;
        char *end = NULL;
        if (colon && colon > arg && arg[0] >= '0' && arg[0] <= '9')
            number = strtoul(arg, &end, 10);
        if (!number || end != colon)
            return error_usage("--supplementary %s: expected N:PATH, a submission's number and "
                               "the path of one of its attachments (as journal show N lists "
                               "them, without files/)",
                               arg);
        const char *path = colon + 1;
        if (!strncmp(path, "files/", 6))
            path += 6;
        if (!issue_supplementary_allowed(path, &why))
            return error_input("--supplementary %s: %s", arg, why);
        size_t k = 0;
        while (k < is->narticles && is->articles[k] != number)
            k++;
        if (k == is->narticles)
            return error_input("--supplementary %s: submission %lu is not in issue %lu", arg,
                               number, s->req->id);
        char file[4200];
        struct strbuf data = STRBUF_INIT;
        snprintf(file, sizeof(file), "submissions/%lu/files/%s", number, path);
        int rc = repo_read(s->repo, file, &data, NULL);
        strbuf_release(&data);
        if (rc == JOURNAL_EINPUT) {
            error_clear();
            return error_input("--supplementary %s: submission %lu has no attachment %s (see "
                               "journal show %lu)",
                               arg, number, path, number);
        }
        if (rc)
            return rc;
        issue_add_supplementary(is, k, path);
    }
    return 0;
}

/*
 * The ranges again, from the page counts of the articles' galleys: each article starts on the
 * page after the last one before it, from first. The galleys are typeset with the estimated
 * ranges on their first page (the masthead's range, and the page numbers counted from it): the
 * real ones differ in a few digits, which does not change a galley's page count
 * (tests/cli/test_pages.sh compares build-site's galleys with the manifest), and build-site
 * warns of a galley whose count differs from its range all the same.
 */
static int number_from_galleys(struct state *s, unsigned long first)
{
    struct issue_manifest *is = &s->out->issue;
    struct strbuf *records = xcalloc(s->nentries + 1, sizeof(*records));
    unsigned long *counts = xcalloc(s->nentries + 1, sizeof(*counts));
    for (size_t i = 0; i < s->nentries; i++)
        records[i] = s->entries[i].record_text;
    int rc = s->req->count_pages(s->repo, is, records, counts);
    if (rc)
        error_prefix("numbering the pages of issue %lu from its articles' PDF galleys", s->req->id);
    unsigned long page = first;
    for (size_t i = 0; !rc && i < s->nentries; i++) {
        if (!counts[i]) {
            rc = error_internal("the galley of submission %lu has no page", is->articles[i]);
            break;
        }
        free(is->pages[i]);
        is->pages[i] = xasprintf("%lu-%lu", page, page + counts[i] - 1);
        free(s->out->articles[i].pages);
        s->out->articles[i].pages = xstrdup(is->pages[i]);
        page += counts[i];
    }
    is->pages_typeset = !rc;
    free(records);
    free(counts);
    return rc;
}

static int assemble(struct state *s)
{
    const struct build_issue_request *req = s->req;
    struct issue_manifest *is = &s->out->issue;
    char path[64];
    struct strbuf text = STRBUF_INIT;
    unsigned long *numbers = NULL;
    size_t nnumbers = 0;
    int rc = 0;

    if (!s->repo->config.doi_prefix)
        return error_input("journal.yaml: no doi_prefix; an issue's articles need DOIs "
                           "(set doi_prefix, e.g. 10.12345)");
    snprintf(path, sizeof(path), "issues/%lu.yaml", req->id);
    rc = repo_read(s->repo, path, &text, NULL);
    if (rc == JOURNAL_EINPUT) {
        error_clear();
        rc = 0;
        memset(is, 0, sizeof(*is));
        is->id = req->id;
    } else if (!rc) {
        rc = issue_parse(is, req->id, path, text.buf, text.len, &s->repo->config);
        s->exists = s->out->updated = !rc;
    }
    strbuf_release(&text);
    if (rc)
        return rc;

    /* The issue's own articles first, then those added; a name given twice is a mistake. */
    numbers = xcalloc(is->narticles + req->nadd + 1, sizeof(*numbers));
    for (size_t i = 0; i < is->narticles; i++)
        numbers[nnumbers++] = is->articles[i];
    for (size_t i = 0; i < req->nadd; i++) {
        for (size_t j = 0; j < nnumbers; j++)
            if (numbers[j] == req->add[i]) {
                rc = error_input("submission %lu is %s", req->add[i],
                                 j < is->narticles ? "already in this issue" : "named twice");
                goto done;
            }
        numbers[nnumbers++] = req->add[i];
    }
    if (!s->exists && !req->nadd) {
        unsigned long *waiting;
        size_t nwaiting;
        rc = accepted_waiting(s->repo, &waiting, &nwaiting);
        if (rc) {
            free(waiting);
            goto done;
        }
        free(numbers);
        numbers = waiting;
        nnumbers = nwaiting;
    }
    if (!nnumbers) {
        rc = error_input("issue %lu would be empty: no accepted submission waits to be "
                         "published (name them with --add)",
                         req->id);
        goto done;
    }
    s->entries = xcalloc(nnumbers, sizeof(*s->entries));
    for (size_t i = 0; i < nnumbers; i++) {
        rc = load_entry(s, numbers[i], &s->entries[s->nentries]);
        s->entries[s->nentries].order = i;
        s->nentries++;
        if (!rc && !strcmp(s->entries[i].record.state, "published"))
            s->published = true;
        if (rc)
            goto done;
    }
    if (s->published && !req->correct) {
        rc = error_input("issue %lu is published: it changes only with --correct \"NOTE\", and "
                         "the correction is recorded",
                         req->id);
        goto done;
    }
    if (req->correct && !s->published) {
        rc = error_input("--correct: issue %lu is not published yet; change it without --correct",
                         req->id);
        goto done;
    }
    qsort(s->entries, s->nentries, sizeof(*s->entries), compare_entries);

    char today[11];
    date_today(today);
    if (req->date)
        record_set(&is->date, req->date);
    else if (!is->date)
        record_set(&is->date, today);
    is->year = strtoul(is->date, NULL, 10);
    bool scheduled = strcmp(is->date, today) > 0;
    s->out->scheduled = scheduled;
    if (!s->exists)
        number_issue(s, is, req->special != NULL);
    if (req->number) {
        if (s->published) {
            rc = error_input("--number: issue %lu is published; its number stays (its DOIs and "
                             "citations name it)",
                             req->id);
            goto done;
        }
        if (!issue_number_parse(req->number, &is->number, &is->special_series)) {
            rc = error_usage("--number %s: expected a number such as 3, or S and one (S1) for "
                             "the volume's series of special issues",
                             req->number);
            goto done;
        }
        rc = check_number_free(s, is);
        if (rc)
            goto done;
    }
    if (req->title)
        issue_set_text(is, false, NULL, req->title, &s->repo->config);
    if (req->special)
        issue_set_text(is, true, NULL, req->special, &s->repo->config);
    for (size_t i = 0; i < req->ntexts; i++) {
        const struct build_issue_text *t = &req->texts[i];
        const struct journal_config *c = &s->repo->config;
        const char *flag = t->special ? "--special" : "--title";
        bool ours = false;
        for (size_t k = 0; k < c->nlanguages; k++)
            ours = ours || !strcmp(c->languages[k], t->lang);
        if (!ours) {
            struct strbuf list = STRBUF_INIT;
            for (size_t k = 0; k < c->nlanguages; k++)
                strbuf_addf(&list, "%s%s", k ? ", " : "", c->languages[k]);
            rc = error_usage("%s-%s: the journal does not publish in %s (journal.yaml languages: "
                             "[%s])",
                             flag, t->lang, t->lang, list.buf);
            strbuf_release(&list);
            goto done;
        }
        if (t->special && !is->special) {
            rc = error_usage("--special-%s: the issue is not a special edition; give --special "
                             "\"TITLE\" too",
                             t->lang);
            goto done;
        }
        issue_set_text(is, t->special, t->lang, t->text, c);
    }
    if (req->nguest_editors && !is->special) {
        rc = error_usage("--guest-editor: guest editors edit a special edition; give --special "
                         "\"TITLE\" too");
        goto done;
    }
    if (req->nguest_editors) {
        issue_clear_guest_editors(is);
        for (size_t i = 0; i < req->nguest_editors; i++) {
            const char *comma = strchr(req->guest_editors[i], ',');
            char *name =
                comma ? xstrndup(req->guest_editors[i], (size_t)(comma - req->guest_editors[i]))
                      : xstrdup(req->guest_editors[i]);
            const char *affiliation = comma ? comma + 1 : NULL;
            while (affiliation && *affiliation == ' ')
                affiliation++;
            issue_add_guest_editor(is, name, affiliation);
            free(name);
        }
    }
    if (req->correct) {
        is->corrections =
            xrealloc(is->corrections, (is->ncorrections + 1) * sizeof(*is->corrections));
        is->corrections[is->ncorrections++] =
            (struct issue_correction){xstrdup(today), xstrdup(req->correct)};
    }

    /* The table of contents: pages continue from the volume's previous issues; each article
       keeps the supplementary material the manifest lists for it. */
    struct issue_supplementary *kept = is->supplementary;
    unsigned long *kept_for = is->articles;
    size_t nkept = is->narticles;
    for (size_t i = 0; i < is->narticles; i++)
        free(is->pages[i]);
    free(is->pages);
    free(is->article_lines);
    is->narticles = s->nentries;
    is->articles = xcalloc(s->nentries, sizeof(*is->articles));
    is->article_lines = xcalloc(s->nentries, sizeof(*is->article_lines));
    is->pages = xcalloc(s->nentries, sizeof(*is->pages));
    is->supplementary = xcalloc(s->nentries, sizeof(*is->supplementary));
    for (size_t i = 0; i < s->nentries; i++) {
        is->articles[i] = s->entries[i].number;
        for (size_t k = 0; kept && k < nkept; k++)
            if (kept_for[k] == s->entries[i].number) {
                is->supplementary[i] = kept[k];
                kept[k] = (struct issue_supplementary){0};
            }
    }
    for (size_t k = 0; kept && k < nkept; k++) {
        for (size_t f = 0; f < kept[k].nfiles; f++)
            free(kept[k].files[f]);
        free(kept[k].files);
    }
    free(kept);
    free(kept_for);
    rc = add_supplementary(s, is);
    if (rc)
        goto done;
    unsigned long first = volume_last_page(s, is->volume) + 1, page = first;
    s->out->articles = xcalloc(s->nentries, sizeof(*s->out->articles));
    char *actor = repo_actor(s->repo);
    for (size_t i = 0; i < s->nentries; i++) {
        struct entry *e = &s->entries[i];
        is->articles[i] = e->number;
        is->pages[i] = xasprintf("%lu-%lu", page, page + e->pages - 1);
        page += e->pages;
        char *doi = make_doi(&s->repo->config, is, i + 1, e->number);
        struct built_article *a = &s->out->articles[s->out->narticles++];
        struct strbuf names = STRBUF_INIT;
        for (size_t k = 0; k < e->manuscript.nauthors; k++)
            strbuf_addf(&names, "%s%s", k ? ", " : "", e->manuscript.authors[k].name);
        *a = (struct built_article){e->number,
                                    xstrdup(e->manuscript.title),
                                    xstrdup(e->manuscript.type),
                                    strbuf_detach(&names, NULL),
                                    xstrdup(is->pages[i]),
                                    doi};
        bool was_published = !strcmp(e->record.state, "published");
        /* A scheduled issue built on its date is published now, not corrected. */
        s->out->corrected |= was_published;
        /* An issue dated in the future is scheduled: not public until it is built again. */
        record_set(&e->record.state, scheduled ? "scheduled" : "published");
        record_set(&e->record.published, is->date);
        record_set(&e->record.doi, doi);
        e->record.issue = req->id;
        if (!was_published || req->correct)
            record_add_event(&e->record,
                             was_published ? "corrected"
                             : scheduled   ? "scheduled"
                                           : "published",
                             actor, req->correct ? req->correct : NULL);
        record_write(&e->record, &e->record_text);
    }
    free(actor);
    is->pages_typeset = false;
    if (req->count_pages)
        rc = number_from_galleys(s, first);
done:
    free(numbers);
    return rc;
}

int workflow_build_issue(struct journal_repo *repo, const struct build_issue_request *req,
                         struct build_issue_result *out)
{
    struct state s = {.repo = repo, .req = req, .out = out};
    memset(out, 0, sizeof(*out));
    if (req->date && !date_is_valid(req->date))
        return error_input("--date %s: expected YYYY-MM-DD", req->date);
    int rc = repo_lock(repo, 30000);
    if (!rc)
        rc = country_db_open(&s.countries, NULL, NULL);
    if (!rc)
        rc = language_db_open(&s.languages, NULL, NULL);
    if (!rc)
        rc = assemble(&s);
    if (!rc && !req->dry_run) {
        struct strbuf manifest = STRBUF_INIT, message = STRBUF_INIT;
        char path[64];
        char *label = issue_label(&out->issue);
        struct repo_change *changes = xcalloc(s.nentries + 1, sizeof(*changes));
        snprintf(path, sizeof(path), "issues/%lu.yaml", req->id);
        issue_write(&out->issue, &manifest);
        changes[0] = (struct repo_change){path, manifest.buf, manifest.len, false};
        for (size_t i = 0; i < s.nentries; i++)
            changes[i + 1] =
                (struct repo_change){s.entries[i].record_path, s.entries[i].record_text.buf,
                                     s.entries[i].record_text.len, false};
        if (req->correct)
            strbuf_addf(&message, "Correct issue %lu: %s\n\n%s\n", req->id, label, req->correct);
        else
            strbuf_addf(&message, "%s issue %lu: %s\n\n", s.exists ? "Update" : "Publish", req->id,
                        label);
        for (size_t i = 0; i < out->narticles; i++)
            strbuf_addf(&message, "#%lu pp. %s doi:%s\n", out->articles[i].number,
                        out->articles[i].pages, out->articles[i].doi);
        git_oid commit;
        rc = repo_commit(repo, changes, s.nentries + 1, message.buf, &commit);
        if (!rc)
            git_oid_tostr(out->commit, sizeof(out->commit), &commit);
        free(changes);
        free(label);
        strbuf_release(&manifest);
        strbuf_release(&message);
    }
    repo_unlock(repo);
    for (size_t i = 0; i < s.nentries; i++) {
        record_free(&s.entries[i].record);
        manuscript_free(&s.entries[i].manuscript);
        strbuf_release(&s.entries[i].record_text);
    }
    free(s.entries);
    country_db_free(s.countries);
    language_db_free(s.languages);
    return rc;
}

void build_issue_result_free(struct build_issue_result *out)
{
    for (size_t i = 0; i < out->narticles; i++) {
        free(out->articles[i].title);
        free(out->articles[i].type);
        free(out->articles[i].authors);
        free(out->articles[i].pages);
        free(out->articles[i].doi);
    }
    free(out->articles);
    issue_free(&out->issue);
    memset(out, 0, sizeof(*out));
}
