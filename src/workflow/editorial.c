#include "workflow/editorial.h"

#include "model/country.h"
#include "model/language.h"
#include "model/roster.h"
#include "util/alloc.h"
#include "util/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Which states each action may start from. Later issues add scheduling and publishing.
 * A submission may be withdrawn until it is in an issue: a published article is retracted.
 */
#define MAX_STATES 4
static const struct {
    const char *action;
    const char *states[MAX_STATES];
    const char *usage; /* how to do it, for "what can happen now" */
} rules[] = {
    {"assign", {"submitted", "under-review"}, "assign (journal assign %lu --reviewer ID)"},
    {"answer", {"under-review"}, "answer (journal assign %lu --accept|--decline|--withdraw ID)"},
    {"review", {"under-review"}, "review (journal review %lu --verdict ...)"},
    {"decide", {"under-review"}, "decide (journal decide %lu accept|revise|reject)"},
    {"desk-reject", {"submitted"}, "desk rejection (journal decide %lu reject)"},
    {"revise", {"revision-requested"}, "revise (journal revise %lu MANUSCRIPT.md)"},
    {"packet", {"submitted", "under-review"}, "reviewer packets (journal packet %lu)"},
    {"withdraw",
     {"submitted", "under-review", "revision-requested", "accepted"},
     "withdrawal (journal withdraw %lu)"},
};

static bool rule_allows(size_t i, const char *state)
{
    for (size_t k = 0; k < MAX_STATES && rules[i].states[k]; k++)
        if (!strcmp(rules[i].states[k], state))
            return true;
    return false;
}

const char *editorial_allowed(const char *state)
{
    static _Thread_local char buf[256];
    buf[0] = '\0';
    for (size_t i = 0; i < sizeof(rules) / sizeof(*rules); i++) {
        if (!rule_allows(i, state))
            continue;
        if (buf[0])
            strncat(buf, ", ", sizeof(buf) - strlen(buf) - 1);
        strncat(buf, rules[i].action, sizeof(buf) - strlen(buf) - 1);
    }
    if (!buf[0] && !strcmp(state, "withdrawn"))
        return "nothing (the submission was withdrawn)";
    return buf[0] ? buf : "nothing (the submission's review is finished)";
}

int editorial_require(const struct editorial *e, const char *action)
{
    const char *state = e->record.state;
    for (size_t i = 0; i < sizeof(rules) / sizeof(*rules); i++) {
        if (strcmp(rules[i].action, action))
            continue;
        if (rule_allows(i, state))
            return 0;
        struct strbuf needs = STRBUF_INIT, now = STRBUF_INIT;
        for (size_t k = 0; k < MAX_STATES && rules[i].states[k]; k++)
            strbuf_addf(&needs, "%s%s",
                        !k                                             ? ""
                        : k + 1 < MAX_STATES && rules[i].states[k + 1] ? ", "
                                                                       : " or ",
                        rules[i].states[k]);
        for (size_t j = 0; j < sizeof(rules) / sizeof(*rules); j++) {
            if (!rule_allows(j, state))
                continue;
            strbuf_addstr(&now, now.len ? "; " : "");
            strbuf_addf(&now, rules[j].usage, e->number);
        }
        if (!now.len && !strcmp(state, "withdrawn"))
            strbuf_addf(&now, "nothing (it was withdrawn on %s)",
                        e->record.withdrawn ? e->record.withdrawn : "an unrecorded date");
        int rc = error_input("submission %lu is %s: %s needs it to be %s; what can happen now: %s",
                             e->number, state, action, needs.buf,
                             now.len ? now.buf : "nothing (its review is finished)");
        strbuf_release(&needs);
        strbuf_release(&now);
        return rc;
    }
    return error_internal("no rule for action '%s'", action);
}

int editorial_open(struct editorial *e, struct journal_repo *repo, unsigned long number)
{
    char path[96];
    struct strbuf text = STRBUF_INIT;
    memset(e, 0, sizeof(*e));
    e->repo = repo;
    e->number = number;
    strbuf_init(&e->manuscript_text);
    int rc = country_db_open(&e->countries, NULL, NULL);
    if (!rc)
        rc = language_db_open(&e->languages, NULL, NULL);
    if (!rc)
        rc = repo_lock(repo, 30000);
    if (rc)
        goto done;
    snprintf(path, sizeof(path), "submissions/%lu/submission.yaml", number);
    rc = repo_read(repo, path, &text, NULL);
    if (rc == JOURNAL_EINPUT) {
        rc = error_input("there is no submission %lu (see 'journal list')", number);
        goto done;
    }
    if (!rc)
        rc = record_parse(&e->record, path, text.buf, text.len);
    snprintf(path, sizeof(path), "submissions/%lu/manuscript.md", number);
    if (!rc)
        rc = repo_read(repo, path, &e->manuscript_text, NULL);
    if (!rc) {
        struct manuscript_rules rules = {e->countries, e->languages, repo->config.languages[0],
                                         NULL, NULL};
        rc = manuscript_parse(&e->manuscript, path, e->manuscript_text.buf, e->manuscript_text.len,
                              &rules);
    }
    if (!rc)
        e->actor = repo_actor(repo);
done:
    strbuf_release(&text);
    return rc;
}

void editorial_close(struct editorial *e)
{
    if (e->repo)
        repo_unlock(e->repo);
    record_free(&e->record);
    manuscript_free(&e->manuscript);
    strbuf_release(&e->manuscript_text);
    country_db_free(e->countries);
    language_db_free(e->languages);
    free(e->actor);
    memset(e, 0, sizeof(*e));
}

int editorial_commit(struct editorial *e, const struct repo_change *extra, size_t nextra,
                     const char *message, git_oid *commit)
{
    struct strbuf text = STRBUF_INIT;
    char path[96];
    struct repo_change *changes = xcalloc(nextra + 1, sizeof(*changes));
    snprintf(path, sizeof(path), "submissions/%lu/submission.yaml", e->number);
    record_write(&e->record, &text);
    changes[0] = (struct repo_change){path, text.buf, text.len, false};
    for (size_t i = 0; i < nextra; i++)
        changes[i + 1] = extra[i];
    int rc = repo_commit(e->repo, changes, nextra + 1, message, commit);
    free(changes);
    strbuf_release(&text);
    return rc;
}

int editorial_load_roster(struct journal_repo *repo, const struct country_db *countries,
                          const struct language_db *languages, struct roster *roster)
{
    struct strbuf text = STRBUF_INIT;
    memset(roster, 0, sizeof(*roster));
    int rc = repo_read(repo, "reviewers.yaml", &text, NULL);
    if (rc == JOURNAL_EINPUT)
        rc = error_input("reviewers.yaml: the journal has no reviewer roster yet; add one and "
                         "commit it (see docs/reviewers.md#the-roster)");
    if (!rc)
        rc = roster_parse(roster, "reviewers.yaml", text.buf, text.len, countries, languages);
    strbuf_release(&text);
    return rc;
}

int editorial_due_date(const struct journal_repo *repo, const char *spec, char out[11])
{
    char today[11];
    date_today(today);
    if (!spec) {
        date_add_days(today, (int)repo->config.review_due_days, out);
        return 0;
    }
    size_t len = strlen(spec);
    if (len >= 2 && len <= 4 && (spec[len - 1] == 'd' || spec[len - 1] == 'w')) {
        char *end;
        long n = strtol(spec, &end, 10);
        if (end == spec + len - 1 && n > 0) {
            date_add_days(today, (int)(spec[len - 1] == 'w' ? n * 7 : n), out);
            return 0;
        }
    }
    if (!date_is_valid(spec))
        return error_input("--due %s: expected a number of days or weeks (21d, 3w) or a date "
                           "(YYYY-MM-DD)",
                           spec);
    if (date_diff_days(today, spec) <= 0)
        return error_input("--due %s: the due date must be after today (%s)", spec, today);
    memcpy(out, spec, 11);
    return 0;
}
