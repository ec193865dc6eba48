#include "workflow/eligibility.h"

#include "model/country.h"
#include "store/db.h"
#include "util/alloc.h"
#include "util/error.h"

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
    while (sqlite3_step(st) == SQLITE_ROW) {
        unsigned long number = (unsigned long)sqlite3_column_int64(st, 0);
        if (!el->npapers || el->papers[el->npapers - 1].number != number) {
            ARRAY_GROW(el->papers, el->npapers + 1, alloc);
            el->papers[el->npapers++] =
                (struct published_paper){number, column_dup(st, 1), NULL, NULL, 0};
            authors_alloc = 0;
        }
        struct published_paper *p = &el->papers[el->npapers - 1];
        size_t orcid_alloc = authors_alloc;
        ARRAY_GROW(p->names, p->nauthors + 1, authors_alloc);
        ARRAY_GROW(p->orcids, p->nauthors + 1, orcid_alloc);
        p->names[p->nauthors] = column_dup(st, 2);
        p->orcids[p->nauthors++] = column_dup(st, 3);
    }
    sqlite3_finalize(st);
    return 0;
}

void eligibility_close(struct eligibility *el)
{
    for (size_t i = 0; i < el->npapers; i++) {
        for (size_t k = 0; k < el->papers[i].nauthors; k++) {
            free(el->papers[i].names[k]);
            free(el->papers[i].orcids[k]);
        }
        free(el->papers[i].names);
        free(el->papers[i].orcids);
        free(el->papers[i].title);
    }
    free(el->papers);
    memset(el, 0, sizeof(*el));
}

/* The same person: same ORCID iD, same email, or the same name. */
static bool same_person(const struct roster_reviewer *rv, const struct author *a)
{
    if (rv->orcid[0] && a->orcid[0])
        return !strcmp(rv->orcid, a->orcid);
    if (rv->email && a->email && !strcasecmp(rv->email, a->email))
        return true;
    return roster_same_name(rv->name, a->name);
}

static bool paper_has_reviewer(const struct published_paper *p, const struct roster_reviewer *rv)
{
    for (size_t k = 0; k < p->nauthors; k++) {
        if (rv->orcid[0] && p->orcids[k][0]) {
            if (!strcmp(rv->orcid, p->orcids[k]))
                return true;
        } else if (roster_same_name(rv->name, p->names[k])) {
            return true;
        }
    }
    return false;
}

static bool paper_has_author(const struct published_paper *p, const struct author *a)
{
    for (size_t k = 0; k < p->nauthors; k++) {
        if (a->orcid[0] && p->orcids[k][0]) {
            if (!strcmp(a->orcid, p->orcids[k]))
                return true;
        } else if (roster_same_name(a->name, p->names[k])) {
            return true;
        }
    }
    return false;
}

static bool reads(const struct roster_reviewer *rv, const char *lang)
{
    for (size_t i = 0; i < rv->nlanguages; i++)
        if (!strcmp(rv->languages[i], lang))
            return true;
    return false;
}

enum eligibility_rule eligibility_check(const struct eligibility *el,
                                        const struct roster_reviewer *rv,
                                        const struct manuscript *m, unsigned long number,
                                        unsigned load, bool check_capacity, char **why)
{
    *why = NULL;
    if (!rv->active) {
        *why = xasprintf("%s is marked inactive in reviewers.yaml", rv->id);
        return RULE_INACTIVE;
    }
    if (!reads(rv, m->lang)) {
        *why = xasprintf("%s does not review in the manuscript's language (%s)", rv->id, m->lang);
        return RULE_LANGUAGE;
    }
    if (check_capacity && load >= rv->capacity) {
        *why = xasprintf("%s already has %u open review%s (capacity %u)", rv->id, load,
                         load == 1 ? "" : "s", rv->capacity);
        return RULE_CAPACITY;
    }
    for (size_t i = 0; i < m->nauthors; i++) {
        const struct author *a = &m->authors[i];
        if (same_person(rv, a)) {
            *why = xasprintf("%s is an author of the manuscript (%s)", rv->id, a->name);
            return RULE_AUTHOR;
        }
        if (roster_conflicts_with_person(rv, a->name, a->orcid)) {
            *why = xasprintf("%s declared a conflict with the author %s", rv->id, a->name);
            return RULE_DECLARED;
        }
        for (size_t j = 0; j < a->naffiliations; j++) {
            const struct affiliation *af = &a->affiliations[j];
            if (roster_conflicts_with_institution(rv, af->name)) {
                *why = xasprintf("%s shares an institution with the author %s (%s)", rv->id,
                                 a->name, af->name);
                return RULE_INSTITUTION;
            }
        }
    }
    for (size_t p = 0; p < el->npapers; p++) {
        const struct published_paper *paper = &el->papers[p];
        if (paper->number == number || !paper_has_reviewer(paper, rv))
            continue;
        for (size_t i = 0; i < m->nauthors; i++) {
            if (paper_has_author(paper, &m->authors[i])) {
                *why = xasprintf("%s co-authored \"%s\" (submission %lu) with the author %s",
                                 rv->id, paper->title, paper->number, m->authors[i].name);
                return RULE_COAUTHOR;
            }
        }
    }
    if (el->config->conflict_same_country && !rv->affiliation.international) {
        for (size_t i = 0; i < m->nauthors; i++)
            for (size_t j = 0; j < m->authors[i].naffiliations; j++)
                if (!strcmp(m->authors[i].affiliations[j].country, rv->affiliation.country)) {
                    *why = xasprintf("%s is from the same country as the author %s (%s; "
                                     "conflict_same_country in journal.yaml)",
                                     rv->id, m->authors[i].name, rv->affiliation.country);
                    return RULE_COUNTRY;
                }
    }
    return ELIGIBLE;
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
