#include "workflow/eligibility.h"

#include "model/country.h"
#include "store/db.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *eligibility_rule_name(enum eligibility_rule rule)
{
    static const char *const names[] = {"eligible", "inactive",  "language",
                                        "capacity", "author",    "institution",
                                        "declared", "co-author", "same country"};
    return names[rule];
}

/* Text columns here are never NULL in practice; "" keeps the comparisons simple. */
static char *column_dup(sqlite3_stmt *st, int i)
{
    char *s = db_column_dup(st, i);
    return s ? s : xstrdup("");
}

int eligibility_open(struct eligibility *el, const struct journal_config *config,
                     struct journal_index *ix)
{
    memset(el, 0, sizeof(*el));
    el->config = config;
    el->ix = ix;
    sqlite3_stmt *st;
    /* Published articles and their authors, for the co-authorship rule. */
    if (sqlite3_prepare_v2(index_db(ix),
                           "SELECT s.number, s.title, a.name, coalesce(a.orcid, '')"
                           " FROM submissions s JOIN authors a ON a.submission = s.number"
                           " WHERE s.state = 'published' ORDER BY s.number, a.position",
                           -1, &st, NULL) != SQLITE_OK)
        return error_internal("index: %s", sqlite3_errmsg(index_db(ix)));
    size_t alloc = 0, authors_alloc = 0;
    int rc = 0;
    while (!rc && sqlite3_step(st) == SQLITE_ROW) {
        unsigned long number = (unsigned long)sqlite3_column_int64(st, 0);
        if (!el->npapers || el->papers[el->npapers - 1].number != number) {
            ARRAY_GROW(el->papers, el->npapers + 1, alloc);
            el->papers[el->npapers++] =
                (struct published_paper){number, column_dup(st, 1), NULL, NULL, NULL, 0};
            authors_alloc = 0;
        }
        struct published_paper *p = &el->papers[el->npapers - 1];
        size_t orcid_alloc = authors_alloc;
        ARRAY_GROW(p->names, p->nauthors + 1, authors_alloc);
        ARRAY_GROW(p->orcids, p->nauthors + 1, orcid_alloc);
        p->names[p->nauthors] = column_dup(st, 2);
        p->orcids[p->nauthors] = column_dup(st, 3);
        p->nauthors++;
    }
    sqlite3_finalize(st);
    el->institutions = xmalloc(sizeof(*el->institutions));
    institution_memo_init(el->institutions);
    if (rc)
        eligibility_close(el);
    return rc;
}

/*
 * The published authors' name forms, made on first use: `journal reviewers` opens the
 * eligibility for the loads alone, and transliterating every published author for it cost
 * ICU's time for nothing.
 */
static int make_paper_forms(struct eligibility *el)
{
    if (el->forms_made)
        return 0;
    int rc = 0;
    for (size_t i = 0; !rc && i < el->npapers; i++) {
        struct published_paper *p = &el->papers[i];
        p->forms = xcalloc(p->nauthors + 1, sizeof(*p->forms));
        for (size_t k = 0; !rc && k < p->nauthors; k++)
            rc = name_form_init(&p->forms[k], p->names[k]);
    }
    el->forms_made = !rc;
    return rc;
}

void eligibility_close(struct eligibility *el)
{
    for (size_t i = 0; i < el->npapers; i++) {
        for (size_t k = 0; k < el->papers[i].nauthors; k++) {
            free(el->papers[i].names[k]);
            free(el->papers[i].orcids[k]);
            if (el->papers[i].forms)
                name_form_free(&el->papers[i].forms[k]);
        }
        free(el->papers[i].names);
        free(el->papers[i].orcids);
        free(el->papers[i].forms);
        free(el->papers[i].title);
    }
    free(el->papers);
    if (el->institutions)
        institution_memo_free(el->institutions);
    free(el->institutions);
    memset(el, 0, sizeof(*el));
}

/* Whether a person (ORCID iD or "", name form) is an author of a published paper: by ORCID
 * iD where both have one, else by name. */
static bool paper_has(const struct published_paper *p, const char *orcid,
                      const struct name_form *name)
{
    for (size_t k = 0; k < p->nauthors; k++) {
        if (orcid[0] && p->orcids[k][0]) {
            if (!strcmp(orcid, p->orcids[k]))
                return true;
        } else if (name_form_same_person(name, &p->forms[k])) {
            return true;
        }
    }
    return false;
}

static void papers_of(const struct eligibility *el, const char *orcid, const struct name_form *name,
                      size_t **papers, size_t *n)
{
    size_t alloc = 0;
    for (size_t p = 0; p < el->npapers; p++) {
        if (!paper_has(&el->papers[p], orcid, name))
            continue;
        ARRAY_GROW(*papers, *n + 1, alloc);
        (*papers)[(*n)++] = p;
    }
}

int eligibility_reviewer_init(struct eligibility *el, const struct roster_reviewer *rv,
                              struct eligibility_reviewer *out)
{
    memset(out, 0, sizeof(*out));
    int rc = make_paper_forms(el);
    if (rc)
        return rc;
    /* Every slot is allocated zeroed first, so that freeing after a failure is harmless. */
    out->npeople = rv->nconflict_people;
    out->people = xcalloc(out->npeople + 1, sizeof(*out->people));
    out->ninstitutions = rv->nconflict_institutions + (rv->affiliation.name ? 1 : 0);
    out->institutions = xcalloc(out->ninstitutions + 1, sizeof(*out->institutions));
    rc = name_form_init(&out->name, rv->name);
    for (size_t i = 0; !rc && i < rv->nconflict_people; i++)
        rc = name_form_init(&out->people[i], rv->conflict_people[i]);
    size_t k = 0;
    if (!rc && rv->affiliation.name)
        rc = institution_form_init(&out->institutions[k++], rv->affiliation.name,
                                   rv->affiliation.ror);
    for (size_t i = 0; !rc && i < rv->nconflict_institutions; i++)
        rc = institution_form_init(&out->institutions[k++], rv->conflict_institutions[i], NULL);
    if (!rc) {
        papers_of(el, rv->orcid, &out->name, &out->papers, &out->npapers);
        name_gate_add(&out->name_gate, &out->name);
        for (size_t i = 0; i < out->npeople; i++)
            name_gate_add(&out->name_gate, &out->people[i]);
        for (size_t i = 0; i < out->ninstitutions; i++) {
            institution_memo_add(el->institutions, &out->institutions[i]);
            out->institution_gate |= out->institutions[i].gate;
        }
    }
    if (rc)
        eligibility_reviewer_free(out);
    return rc;
}

void eligibility_reviewer_free(struct eligibility_reviewer *f)
{
    name_form_free(&f->name);
    for (size_t i = 0; i < f->npeople; i++)
        name_form_free(&f->people[i]);
    free(f->people);
    for (size_t i = 0; i < f->ninstitutions; i++)
        institution_form_free(&f->institutions[i]);
    free(f->institutions);
    free(f->papers);
    memset(f, 0, sizeof(*f));
}

int eligibility_manuscript_init(struct eligibility *el, const struct manuscript *m,
                                struct eligibility_manuscript *out)
{
    memset(out, 0, sizeof(*out));
    int rc = make_paper_forms(el);
    if (rc)
        return rc;
    out->nauthors = m->nauthors;
    out->authors = xcalloc(m->nauthors + 1, sizeof(*out->authors));
    for (size_t i = 0; !rc && i < m->nauthors; i++) {
        const struct author *a = &m->authors[i];
        struct eligibility_author *f = &out->authors[i];
        f->naffiliations = a->naffiliations;
        f->affiliations = xcalloc(a->naffiliations + 1, sizeof(*f->affiliations));
        rc = name_form_init(&f->name, a->name);
        for (size_t j = 0; !rc && j < a->naffiliations; j++)
            rc = institution_form_init(&f->affiliations[j], a->affiliations[j].name,
                                       a->affiliations[j].ror);
        if (!rc) {
            papers_of(el, a->orcid, &f->name, &f->papers, &f->npapers);
            name_gate_add(&out->name_gate, &f->name);
            for (size_t j = 0; j < f->naffiliations; j++) {
                institution_memo_add(el->institutions, &f->affiliations[j]);
                out->institution_gate |= f->affiliations[j].gate;
            }
        }
    }
    if (rc)
        eligibility_manuscript_free(out);
    return rc;
}

void eligibility_manuscript_free(struct eligibility_manuscript *f)
{
    for (size_t i = 0; i < f->nauthors; i++) {
        struct eligibility_author *a = &f->authors[i];
        name_form_free(&a->name);
        for (size_t j = 0; j < a->naffiliations; j++)
            institution_form_free(&a->affiliations[j]);
        free(a->affiliations);
        free(a->papers);
    }
    free(f->authors);
    memset(f, 0, sizeof(*f));
}

/* The same person: by ORCID iD where both have one, else the same email, else the same name. */
static bool same_person(const struct roster_reviewer *rv, const struct eligibility_reviewer *rf,
                        const struct author *a, const struct eligibility_author *af,
                        bool names_may_meet)
{
    if (rv->orcid[0] && a->orcid[0])
        return !strcmp(rv->orcid, a->orcid);
    if (rv->email && a->email && !strcasecmp(rv->email, a->email))
        return true;
    return names_may_meet && name_form_same_person(&rf->name, &af->name);
}

/* A conflict the reviewer declared with this author: by ORCID iD or by name. */
static bool declared_person(const struct roster_reviewer *rv, const struct eligibility_reviewer *rf,
                            const struct author *a, const struct eligibility_author *af,
                            bool names_may_meet)
{
    for (size_t i = 0; i < rv->nconflict_people; i++) {
        if (a->orcid[0] && !strcmp(rv->conflict_people[i], a->orcid))
            return true;
        if (names_may_meet && name_form_same_person(&rf->people[i], &af->name))
            return true;
    }
    return false;
}

static const struct published_paper *shared_paper(const struct eligibility *el,
                                                  const struct eligibility_reviewer *rf,
                                                  const struct eligibility_author *af,
                                                  unsigned long number)
{
    /* Both lists are in paper order: one merge. */
    for (size_t x = 0, y = 0; x < rf->npapers && y < af->npapers;) {
        if (rf->papers[x] < af->papers[y]) {
            x++;
        } else if (rf->papers[x] > af->papers[y]) {
            y++;
        } else {
            const struct published_paper *p = &el->papers[rf->papers[x]];
            if (p->number != number)
                return p;
            x++;
            y++;
        }
    }
    return NULL;
}

/*
 * Whether an institution of the reviewer is one of the manuscript's, asked of the memo once
 * the gates meet: with the institutions' gates alone, the 20 institutions of bench/assign.sh
 * let about 900,000 more pairs of 7.2 million past to the name and institution rules, each of
 * which read the forms of both sides (docs/performance.md).
 */
static bool institutions_meet(const struct eligibility *el, const struct eligibility_reviewer *rf,
                              const struct eligibility_manuscript *mf)
{
    if (!(rf->institution_gate & mf->institution_gate))
        return false;
    for (size_t i = 0; i < mf->nauthors; i++)
        for (size_t j = 0; j < mf->authors[i].naffiliations; j++)
            for (size_t k = 0; k < rf->ninstitutions; k++)
                if (institution_memo_same(el->institutions, rf->institutions[k].id,
                                          mf->authors[i].affiliations[j].id))
                    return true;
    return false;
}

static bool reads(const struct roster_reviewer *rv, const char *lang)
{
    for (size_t i = 0; i < rv->nlanguages; i++)
        if (!strcmp(rv->languages[i], lang))
            return true;
    return false;
}

/*
 * The sentence of an exclusion, into *why, when the caller wants it (why not NULL): assign
 * --auto without --explain excludes about 4.5 million pairs at 2,000 x 5,000 (the language
 * rule alone a third of all pairs), and a sentence made and freed costs about 1,100
 * instructions (callgrind): 0.29 s of CPU for them all, measured, more than the name and
 * institution rules take.
 */
static void say(char **why, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(char **why, const char *fmt, ...)
{
    if (!why)
        return;
    struct strbuf sb = STRBUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    strbuf_vaddf(&sb, fmt, ap);
    va_end(ap);
    *why = strbuf_detach(&sb, NULL);
}

enum eligibility_rule
eligibility_check_prepared(const struct eligibility *el, const struct roster_reviewer *rv,
                           const struct eligibility_reviewer *rf, const struct manuscript *m,
                           const struct eligibility_manuscript *mf, unsigned long number,
                           unsigned load, bool check_capacity, char **why)
{
    if (why)
        *why = NULL;
    if (!rv->active) {
        say(why, "%s is marked inactive in reviewers.yaml", rv->id);
        return RULE_INACTIVE;
    }
    if (!reads(rv, m->lang)) {
        say(why, "%s does not review in the manuscript's language (%s)", rv->id, m->lang);
        return RULE_LANGUAGE;
    }
    if (check_capacity && load >= rv->capacity) {
        say(why, "%s already has %u open review%s (capacity %u)", rv->id, load,
            load == 1 ? "" : "s", rv->capacity);
        return RULE_CAPACITY;
    }
    bool names_may_meet = name_gates_meet(&rf->name_gate, &mf->name_gate);
    bool institutions_may_meet = institutions_meet(el, rf, mf);
    for (size_t i = 0; i < m->nauthors; i++) {
        const struct author *a = &m->authors[i];
        const struct eligibility_author *af = &mf->authors[i];
        if (same_person(rv, rf, a, af, names_may_meet)) {
            say(why, "%s is an author of the manuscript (%s)", rv->id, a->name);
            return RULE_AUTHOR;
        }
        if (declared_person(rv, rf, a, af, names_may_meet)) {
            say(why, "%s declared a conflict with the author %s", rv->id, a->name);
            return RULE_DECLARED;
        }
        for (size_t j = 0; institutions_may_meet && j < a->naffiliations; j++) {
            for (size_t k = 0; k < rf->ninstitutions; k++) {
                if (!institution_memo_same(el->institutions, rf->institutions[k].id,
                                           af->affiliations[j].id))
                    continue;
                say(why, "%s shares an institution with the author %s (%s)", rv->id, a->name,
                    a->affiliations[j].name);
                return RULE_INSTITUTION;
            }
        }
    }
    for (size_t i = 0; i < m->nauthors; i++) {
        const struct published_paper *paper = shared_paper(el, rf, &mf->authors[i], number);
        if (paper) {
            say(why, "%s co-authored \"%s\" (submission %lu) with the author %s", rv->id,
                paper->title, paper->number, m->authors[i].name);
            return RULE_COAUTHOR;
        }
    }
    if (el->config->conflict_same_country && !rv->affiliation.international) {
        for (size_t i = 0; i < m->nauthors; i++)
            for (size_t j = 0; j < m->authors[i].naffiliations; j++)
                if (!strcmp(m->authors[i].affiliations[j].country, rv->affiliation.country)) {
                    say(why,
                        "%s is from the same country as the author %s (%s; "
                        "conflict_same_country in journal.yaml)",
                        rv->id, m->authors[i].name, rv->affiliation.country);
                    return RULE_COUNTRY;
                }
    }
    return ELIGIBLE;
}

int eligibility_check(struct eligibility *el, const struct roster_reviewer *rv,
                      const struct manuscript *m, unsigned long number, unsigned load,
                      bool check_capacity, enum eligibility_rule *rule, char **why)
{
    struct eligibility_reviewer rf;
    struct eligibility_manuscript mf;
    *why = NULL;
    int rc = eligibility_reviewer_init(el, rv, &rf);
    if (rc)
        return rc;
    rc = eligibility_manuscript_init(el, m, &mf);
    if (!rc) {
        *rule = eligibility_check_prepared(el, rv, &rf, m, &mf, number, load, check_capacity, why);
        eligibility_manuscript_free(&mf);
    }
    eligibility_reviewer_free(&rf);
    return rc;
}

int eligibility_loads(struct eligibility *el, const struct roster *roster, unsigned *loads)
{
    sqlite3_stmt *st;
    memset(loads, 0, roster->count * sizeof(*loads));
    if (sqlite3_prepare_v2(index_db(el->ix),
                           "SELECT a.reviewer, count(*) FROM assignments a"
                           " JOIN submissions s ON s.number = a.submission AND s.round = a.round"
                           " WHERE s.state IN ('submitted', 'under-review') AND NOT EXISTS"
                           " (SELECT 1 FROM reviews r WHERE r.submission = a.submission"
                           "  AND r.reviewer = a.reviewer AND r.round = a.round)"
                           /* A declined, withdrawn or expired invitation takes no capacity. */
                           " AND " INDEX_ASSIGNMENT_STATE " IN ('invited', 'accepted')"
                           " GROUP BY a.reviewer",
                           -1, &st, NULL) != SQLITE_OK)
        return error_internal("index: %s", sqlite3_errmsg(index_db(el->ix)));
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *id = (const char *)sqlite3_column_text(st, 0);
        for (size_t i = 0; id && i < roster->count; i++)
            if (!strcmp(roster->reviewers[i].id, id))
                loads[i] = (unsigned)sqlite3_column_int(st, 1);
    }
    sqlite3_finalize(st);
    return 0;
}
