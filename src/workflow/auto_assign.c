#include "workflow/auto_assign.h"

#include "model/affinity.h"
#include "model/country.h"
#include "model/language.h"
#include "model/manuscript.h"
#include "model/record.h"
#include "model/roster.h"
#include "store/index.h"
#include "util/alloc.h"
#include "util/assign.h"
#include "util/error.h"
#include "workflow/editorial.h"
#include "workflow/eligibility.h"
#include "workflow/invitation.h"
#include "workflow/notify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A submission taking part: its record and manuscript as HEAD has them. */
struct waiting {
    unsigned long number;
    struct submission_record record;
    struct manuscript manuscript;
    struct affinity_doc *doc;
    struct eligibility_manuscript forms; /* the authors' names and institutions, read once */
    uint32_t need;
    size_t eligible; /* reviewers allowed, before capacity */
    size_t rules[RULE_COUNTRY + 1];
    bool changed;
};

struct run {
    struct journal_repo *repo;
    const struct auto_assign_request *req;
    struct auto_plan *plan;
    struct country_db *countries;
    struct language_db *languages;
    struct journal_index *ix;
    struct eligibility el;
    struct roster roster;
    unsigned *loads;
    struct eligibility_reviewer *rev_forms; /* one per roster reviewer, read once */
    struct waiting *subs;
    size_t nsubs;
    struct affinity_corpus *corpus;
    struct affinity_doc **rev_docs;
    char *actor;
};

static int load_submission(struct run *r, unsigned long number, unsigned k, bool named)
{
    char path[96];
    struct strbuf text = STRBUF_INIT;
    struct waiting w = {.number = number};
    snprintf(path, sizeof(path), "submissions/%lu/submission.yaml", number);
    int rc = repo_read(r->repo, path, &text, NULL);
    if (rc == JOURNAL_EINPUT)
        rc = error_input("there is no submission %lu (see 'journal list')", number);
    if (!rc)
        rc = record_parse(&w.record, path, text.buf, text.len);
    if (rc)
        goto done;
    if (strcmp(w.record.state, "submitted") && strcmp(w.record.state, "under-review")) {
        rc = named ? error_input("submission %lu is %s: only submitted or under-review "
                                 "submissions get reviewers",
                                 number, w.record.state)
                   : 0;
        goto done;
    }
    /* A declined, withdrawn or expired invitation leaves its place to fill. */
    size_t have;
    rc = invitation_count_live(r->repo, &w.record, &have);
    if (rc)
        goto done;
    if (have >= k) {
        rc = named ? error_input("submission %lu already has %zu reviewer%s in round %lu", number,
                                 have, have == 1 ? "" : "s", w.record.round)
                   : 0;
        goto done;
    }
    w.need = (uint32_t)(k - have);
    strbuf_reset(&text);
    snprintf(path, sizeof(path), "submissions/%lu/manuscript.md", number);
    rc = repo_read(r->repo, path, &text, NULL);
    if (!rc) {
        struct manuscript_rules rules = {r->countries, r->languages, r->repo->config.languages[0],
                                         NULL, NULL};
        rc = manuscript_parse(&w.manuscript, path, text.buf, text.len, &rules);
    }
    if (!rc) {
        r->subs = xrealloc(r->subs, (r->nsubs + 1) * sizeof(*r->subs));
        r->subs[r->nsubs++] = w;
        memset(&w, 0, sizeof(w));
    }
done:
    record_free(&w.record);
    manuscript_free(&w.manuscript);
    strbuf_release(&text);
    return rc;
}

static int load_waiting(struct run *r, unsigned k)
{
    const struct auto_assign_request *req = r->req;
    if (req->nnumbers) {
        for (size_t i = 0; i < req->nnumbers; i++) {
            for (size_t j = 0; j < i; j++)
                if (req->numbers[j] == req->numbers[i])
                    return error_input("submission %lu is named twice", req->numbers[i]);
            int rc = load_submission(r, req->numbers[i], k, true);
            if (rc)
                return rc;
        }
        return 0;
    }
    struct index_submission *list = NULL;
    size_t n = 0;
    int rc = index_list_submissions(r->ix, NULL, &list, &n);
    for (size_t i = 0; !rc && i < n; i++)
        if (list[i].state &&
            (!strcmp(list[i].state, "submitted") || !strcmp(list[i].state, "under-review")))
            rc = load_submission(r, list[i].number, k, false);
    index_submissions_free(list, n);
    return rc;
}

static char *joined(char **items, size_t n)
{
    struct strbuf sb = STRBUF_INIT;
    for (size_t i = 0; i < n; i++)
        strbuf_addf(&sb, "%s%s", i ? ", " : "", items[i]);
    return strbuf_detach(&sb, NULL);
}

/* Manuscripts: title, abstract and keywords (counted twice); reviewers: keywords (twice) and
 * profile. */
static int build_corpus(struct run *r)
{
    int rc = affinity_corpus_new(&r->corpus);
    for (size_t i = 0; !rc && i < r->nsubs; i++) {
        const struct manuscript *m = &r->subs[i].manuscript;
        char *keywords = joined(m->keywords, m->nkeywords);
        struct affinity_field fields[] = {
            {m->title, 1.0, false}, {m->abstract, 1.0, false}, {keywords, 2.0, true}};
        rc = affinity_doc_add(r->corpus, fields, 3, &r->subs[i].doc);
        free(keywords);
    }
    r->rev_docs = xcalloc(r->roster.count + 1, sizeof(*r->rev_docs));
    for (size_t j = 0; !rc && j < r->roster.count; j++) {
        const struct roster_reviewer *rv = &r->roster.reviewers[j];
        char *keywords = joined(rv->keywords, rv->nkeywords);
        struct affinity_field fields[] = {{keywords, 2.0, true}, {rv->profile, 1.0, false}};
        rc = affinity_doc_add(r->corpus, fields, 2, &r->rev_docs[j]);
        free(keywords);
    }
    if (!rc)
        affinity_corpus_finish(r->corpus);
    return rc;
}

/*
 * Names and institutions transliterated and folded once per person: the rules then compare
 * forms, 10 million pairs at 2,000 x 5,000, without calling ICU (docs/performance.md).
 */
static int build_forms(struct run *r)
{
    int rc = 0;
    r->rev_forms = xcalloc(r->roster.count + 1, sizeof(*r->rev_forms));
    for (size_t j = 0; !rc && j < r->roster.count; j++)
        rc = eligibility_reviewer_init(&r->el, &r->roster.reviewers[j], &r->rev_forms[j]);
    for (size_t i = 0; !rc && i < r->nsubs; i++)
        rc = eligibility_manuscript_init(&r->el, &r->subs[i].manuscript, &r->subs[i].forms);
    return rc;
}

static void add_exclusion(struct auto_plan *plan, unsigned long number, const char *reviewer,
                          enum eligibility_rule rule, char *why)
{
    plan->excluded = xrealloc(plan->excluded, (plan->nexcluded + 1) * sizeof(*plan->excluded));
    plan->excluded[plan->nexcluded++] =
        (struct auto_exclusion){number, xstrdup(reviewer), eligibility_rule_name(rule), why};
}

static char *explain_terms(struct run *r, const struct affinity_doc *sub,
                           const struct affinity_doc *rev)
{
    char **terms;
    double *weights;
    size_t n = affinity_explain(r->corpus, sub, rev, &terms, &weights);
    struct strbuf sb = STRBUF_INIT;
    for (size_t i = 0; i < n && i < 8; i++)
        strbuf_addf(&sb, "%s%s %.3f", i ? ", " : "", terms[i], weights[i]);
    affinity_explain_free(terms, weights, n);
    return strbuf_detach(&sb, NULL);
}

/* Every allowed pair with its affinity; the exclusions are kept for --explain and the report. */
static int build_edges(struct run *r, struct assign_edge **edges, size_t *nedges)
{
    size_t alloc = 0;
    double *scores = xcalloc(r->roster.count + 1, sizeof(*scores));
    struct affinity_index *index = NULL;
    int rc = affinity_index_new(r->corpus, (const struct affinity_doc *const *)r->rev_docs,
                                r->roster.count, &index);
    for (size_t i = 0; !rc && i < r->nsubs; i++) {
        struct waiting *w = &r->subs[i];
        affinity_index_score(index, w->doc, scores, NULL);
        for (size_t j = 0; j < r->roster.count; j++) {
            const struct roster_reviewer *rv = &r->roster.reviewers[j];
            char *why = NULL;
            /* Already on this round: not a candidate, and not a conflict either. */
            if (record_find_assignment(&w->record, rv->id, w->record.round))
                continue;
            /* Nor is one who declined this submission, in any round. */
            if (record_declined_round(&w->record, rv->id))
                continue;
            /* Capacity is checked here too, so that --explain names it for a full reviewer.
               The sentence saying why only for --explain. */
            enum eligibility_rule rule = eligibility_check_prepared(
                &r->el, rv, &r->rev_forms[j], &w->manuscript, &w->forms, w->number, r->loads[j],
                true, r->req->explain ? &why : NULL);
            if (rule != ELIGIBLE) {
                w->rules[rule]++;
                if (r->req->explain)
                    add_exclusion(r->plan, w->number, rv->id, rule, why);
                continue;
            }
            w->eligible++;
            ARRAY_GROW(*edges, *nedges + 1, alloc);
            (*edges)[(*nedges)++] = (struct assign_edge){(uint32_t)i, (uint32_t)j, scores[j]};
        }
    }
    affinity_index_free(index);
    free(scores);
    return rc;
}

static char *short_reason(const struct run *r, const struct waiting *w, uint32_t missing)
{
    struct strbuf sb = STRBUF_INIT;
    strbuf_addf(&sb, "%u more reviewer%s needed: %zu eligible reviewer%s", missing,
                missing == 1 ? "" : "s", w->eligible, w->eligible == 1 ? "" : "s");
    strbuf_addstr(&sb, w->eligible ? " (the others' capacity went to other submissions" : "");
    strbuf_addstr(&sb, w->eligible ? " or is used up)" : "");
    bool first = true;
    for (int rule = RULE_INACTIVE; rule <= RULE_COUNTRY; rule++) {
        if (!w->rules[rule])
            continue;
        strbuf_addf(&sb, "%s%zu %s", first ? "; excluded: " : ", ", w->rules[rule],
                    eligibility_rule_name((enum eligibility_rule)rule));
        first = false;
    }
    (void)r;
    return strbuf_detach(&sb, NULL);
}

/* Apply the plan: one commit with every submission's new assignments, invitations held for it. */
static int commit_plan(struct run *r)
{
    struct auto_plan *plan = r->plan;
    char today[11];
    date_today(today);
    struct strbuf message = STRBUF_INIT;
    strbuf_addf(&message, "Assign reviewers automatically to %s\n\n",
                plan->npairs == 1 ? "1 pair" : "the waiting submissions");
    int rc = 0;
    for (size_t p = 0; !rc && p < plan->npairs; p++) {
        struct waiting *w = NULL;
        for (size_t i = 0; i < r->nsubs; i++)
            if (r->subs[i].number == plan->pairs[p].number)
                w = &r->subs[i];
        const struct roster_reviewer *rv = roster_find(&r->roster, plan->pairs[p].reviewer);
        record_add_assignment(&w->record, rv->id, today, plan->due, NULL);
        if (!strcmp(w->record.state, "submitted"))
            record_set(&w->record.state, "under-review");
        char *detail = xasprintf("%s, due %s (automatic, affinity %.3f)", rv->id, plan->due,
                                 plan->pairs[p].score);
        record_add_event(&w->record, "assigned", r->actor, detail);
        free(detail);
        w->changed = true;
        strbuf_addf(&message, "#%lu: %s (affinity %.3f)\n", w->number, rv->id,
                    plan->pairs[p].score);
        char *link = NULL;
        rc = invitation_new_link(r->repo, r->req->notifier, w->number,
                                 &w->record.assignments[w->record.nassignments - 1], &link);
        if (!rc)
            rc = notify_invitation(r->req->notifier, r->repo, w->number, w->record.round,
                                   &w->manuscript, r->actor, rv, plan->due, link);
        free(link);
    }
    struct repo_change *changes = xcalloc(r->nsubs + 1, sizeof(*changes));
    struct strbuf *texts = xcalloc(r->nsubs + 1, sizeof(*texts));
    char **paths = xcalloc(r->nsubs + 1, sizeof(*paths));
    size_t n = 0;
    for (size_t i = 0; !rc && i < r->nsubs; i++) {
        if (!r->subs[i].changed)
            continue;
        strbuf_init(&texts[n]);
        record_write(&r->subs[i].record, &texts[n]);
        paths[n] = xasprintf("submissions/%lu/submission.yaml", r->subs[i].number);
        changes[n] = (struct repo_change){paths[n], texts[n].buf, texts[n].len, false};
        n++;
    }
    git_oid commit;
    if (!rc)
        rc = repo_commit(r->repo, changes, n, message.buf, &commit);
    rc = settle_mail(r->req->notifier, rc, &commit);
    if (!rc)
        git_oid_tostr(plan->commit, sizeof(plan->commit), &commit);
    for (size_t i = 0; i < n; i++) {
        strbuf_release(&texts[i]);
        free(paths[i]);
    }
    free(texts);
    free(paths);
    free(changes);
    strbuf_release(&message);
    return rc;
}

/* By submission, then best match first: how an editor reads a plan. */
static int compare_pairs(const void *a, const void *b)
{
    const struct auto_pair *x = a, *y = b;
    if (x->number != y->number)
        return x->number < y->number ? -1 : 1;
    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    return strcmp(x->reviewer, y->reviewer);
}

static int plan_assignments(struct run *r, unsigned k)
{
    struct auto_plan *plan = r->plan;
    struct assign_edge *edges = NULL;
    size_t nedges = 0;
    struct assign_result result = {0};
    int rc = load_waiting(r, k);
    if (!rc)
        rc = build_corpus(r);
    if (!rc)
        rc = build_forms(r);
    if (!rc)
        rc = build_edges(r, &edges, &nedges);
    if (rc)
        goto done;
    plan->nsubmissions = r->nsubs;
    plan->nreviewers = r->roster.count;
    plan->nedges = nedges;
    uint32_t *need = xcalloc(r->nsubs + 1, sizeof(*need));
    uint32_t *capacity = xcalloc(r->roster.count + 1, sizeof(*capacity));
    for (size_t i = 0; i < r->nsubs; i++)
        need[i] = r->subs[i].need;
    for (size_t j = 0; j < r->roster.count; j++) {
        const struct roster_reviewer *rv = &r->roster.reviewers[j];
        capacity[j] = rv->capacity > r->loads[j] ? rv->capacity - r->loads[j] : 0;
    }
    struct assign_problem problem = {
        (uint32_t)r->nsubs, (uint32_t)r->roster.count, need, capacity, edges, nedges};
    rc = assign_solve(&problem, &result);
    free(need);
    free(capacity);
    if (rc)
        goto done;
    plan->total = result.total;
    plan->rounds = result.rounds;
    plan->pairs = xcalloc(result.nchosen + 1, sizeof(*plan->pairs));
    for (size_t c = 0; c < result.nchosen; c++) {
        const struct assign_edge *e = &edges[result.edge_chosen[c]];
        struct waiting *w = &r->subs[e->sub];
        plan->pairs[plan->npairs++] = (struct auto_pair){
            w->number, xstrdup(r->roster.reviewers[e->rev].id), e->weight,
            r->req->explain ? explain_terms(r, w->doc, r->rev_docs[e->rev]) : NULL};
    }
    qsort(plan->pairs, plan->npairs, sizeof(*plan->pairs), compare_pairs);
    plan->shorts = xcalloc(result.nshort + 1, sizeof(*plan->shorts));
    for (size_t s = 0; s < result.nshort; s++) {
        const struct waiting *w = &r->subs[result.short_subs[s]];
        plan->shorts[plan->nshort++] = (struct auto_short){w->number, result.short_by[s],
                                                           short_reason(r, w, result.short_by[s])};
    }
    if (!r->req->dry_run && plan->npairs)
        rc = commit_plan(r);
done:
    assign_result_free(&result);
    free(edges);
    return rc;
}

int workflow_assign_auto(struct journal_repo *repo, const struct auto_assign_request *req,
                         struct auto_plan *plan)
{
    struct run r = {.repo = repo, .req = req, .plan = plan};
    memset(plan, 0, sizeof(*plan));
    unsigned k = req->k ? req->k : repo->config.reviews_per_submission;
    int rc = editorial_due_date(repo, req->due, plan->due);
    if (!rc)
        rc = repo_lock(repo, 30000);
    if (!rc)
        rc = country_db_open(&r.countries, NULL, NULL);
    if (!rc)
        rc = language_db_open(&r.languages, NULL, NULL);
    if (!rc)
        rc = editorial_load_roster(repo, r.countries, r.languages, &r.roster);
    if (!rc)
        rc = index_open(&r.ix, repo);
    if (!rc)
        rc = eligibility_open(&r.el, &repo->config, r.ix);
    if (!rc) {
        r.loads = xcalloc(r.roster.count + 1, sizeof(*r.loads));
        rc = eligibility_loads(&r.el, &r.roster, r.loads);
    }
    if (!rc) {
        r.actor = repo_actor(repo);
        rc = plan_assignments(&r, k);
    }
    repo_unlock(repo);
    for (size_t i = 0; i < r.nsubs; i++) {
        record_free(&r.subs[i].record);
        manuscript_free(&r.subs[i].manuscript);
        eligibility_manuscript_free(&r.subs[i].forms);
    }
    free(r.subs);
    for (size_t j = 0; r.rev_forms && j < r.roster.count; j++)
        eligibility_reviewer_free(&r.rev_forms[j]);
    free(r.rev_forms);
    free(r.rev_docs);
    affinity_corpus_free(r.corpus);
    free(r.loads);
    free(r.actor);
    eligibility_close(&r.el);
    index_close(r.ix);
    roster_free(&r.roster);
    country_db_free(r.countries);
    language_db_free(r.languages);
    return rc;
}

void auto_plan_free(struct auto_plan *plan)
{
    for (size_t i = 0; i < plan->npairs; i++) {
        free(plan->pairs[i].reviewer);
        free(plan->pairs[i].terms);
    }
    free(plan->pairs);
    for (size_t i = 0; i < plan->nexcluded; i++) {
        free(plan->excluded[i].reviewer);
        free(plan->excluded[i].why);
    }
    free(plan->excluded);
    for (size_t i = 0; i < plan->nshort; i++)
        free(plan->shorts[i].why);
    free(plan->shorts);
    memset(plan, 0, sizeof(*plan));
}
