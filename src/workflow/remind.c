#include "workflow/remind.h"

#include "model/country.h"
#include "model/language.h"
#include "model/record.h"
#include "model/roster.h"
#include "store/index.h"
#include "store/outbox.h"
#include "util/alloc.h"
#include "util/error.h"
#include "workflow/editorial.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool already_reminded(struct notifier *n, const char *ref)
{
    sqlite3_stmt *st;
    bool found = false;
    if (sqlite3_prepare_v2(outbox_db(n->outbox), "SELECT 1 FROM messages WHERE ref = ?", -1, &st,
                           NULL) != SQLITE_OK)
        return false;
    sqlite3_bind_text(st, 1, ref, -1, SQLITE_STATIC);
    found = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    return found;
}

static int remind_one(struct journal_repo *repo, struct notifier *n, const struct roster *roster,
                      const char *title, const char *lang, struct reminder *r)
{
    char today[11], ref[256];
    date_today(today);
    snprintf(ref, sizeof(ref), "reminder %lu/%lu/%s %s", r->number, r->round, r->reviewer, today);
    if (!n->enabled || already_reminded(n, ref))
        return 0;
    const struct roster_reviewer *rv = roster_find(roster, r->reviewer);
    if (!rv)
        return error_input("submission %lu: reviewer %s is no longer in reviewers.yaml; "
                           "reassign the review",
                           r->number, r->reviewer);
    char *actor = repo_actor(repo);
    lang = notify_reviewer_lang(rv, *lang ? lang : NULL);
    json_t *ctx = notify_context(repo, actor, lang);
    json_object_set_new(ctx, "submission",
                        json_pack("{s:I, s:s}", "number", (json_int_t)r->number, "title", title));
    json_object_set_new(ctx, "reviewer", json_pack("{s:s}", "name", rv->name));
    json_object_set_new(ctx, "due", json_string(r->due));
    json_object_set_new(ctx, "days_late", json_integer(r->days_late));
    struct recipient to = {rv->name, rv->email};
    int rc = notify_hold(n, "reminder", lang, ctx, &to, "reminder", r->number);
    json_decref(ctx);
    free(actor);
    if (!rc)
        rc = notifier_release(n, ref);
    r->queued = rc == 0;
    return rc;
}

int workflow_remind(struct journal_repo *repo, struct notifier *n, bool dry_run,
                    struct reminder **out, size_t *count)
{
    struct journal_index *ix = NULL;
    struct country_db *countries = NULL;
    struct language_db *languages = NULL;
    struct roster roster = {0};
    char **titles = NULL, **langs = NULL;
    size_t alloc = 0;
    char today[11];
    date_today(today);
    *out = NULL;
    *count = 0;
    int rc = index_open(&ix, repo);
    if (!rc)
        rc = country_db_open(&countries, NULL, NULL);
    if (!rc)
        rc = language_db_open(&languages, NULL, NULL);
    if (!rc)
        rc = editorial_load_roster(repo, countries, languages, &roster);
    if (rc)
        goto done;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(index_db(ix),
                           "SELECT s.number, a.round, a.reviewer, a.due, coalesce(s.title, ''),"
                           " coalesce(s.lang, '')"
                           " FROM assignments a"
                           " JOIN submissions s ON s.number = a.submission AND s.round = a.round"
                           " WHERE s.state = 'under-review' AND a.due < ?1 AND NOT EXISTS"
                           " (SELECT 1 FROM reviews r WHERE r.submission = a.submission"
                           "  AND r.reviewer = a.reviewer AND r.round = a.round)"
                           /* Never a reviewer who declined or was withdrawn; an expired
                            * invitation may still be answered, and the reminder asks to. */
                           " AND " INDEX_ASSIGNMENT_STATE " IN ('invited', 'accepted', 'expired')"
                           " ORDER BY a.due, s.number",
                           -1, &st, NULL) != SQLITE_OK) {
        rc = error_internal("index: %s", sqlite3_errmsg(index_db(ix)));
        goto done;
    }
    sqlite3_bind_text(st, 1, today, -1, SQLITE_STATIC);
    size_t titles_alloc = 0, langs_alloc = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        ARRAY_GROW(*out, *count + 1, alloc);
        ARRAY_GROW(titles, *count + 1, titles_alloc);
        ARRAY_GROW(langs, *count + 1, langs_alloc);
        struct reminder *r = &(*out)[(*count)];
        r->number = (unsigned long)sqlite3_column_int64(st, 0);
        r->round = (unsigned long)sqlite3_column_int64(st, 1);
        r->reviewer = xstrdup((const char *)sqlite3_column_text(st, 2));
        r->due = xstrdup((const char *)sqlite3_column_text(st, 3));
        r->days_late = date_diff_days(r->due, today);
        r->queued = false;
        titles[*count] = xstrdup((const char *)sqlite3_column_text(st, 4));
        langs[(*count)++] = xstrdup((const char *)sqlite3_column_text(st, 5));
    }
    sqlite3_finalize(st);
    for (size_t i = 0; !dry_run && !rc && i < *count; i++)
        rc = remind_one(repo, n, &roster, titles[i], langs[i], &(*out)[i]);
done:
    for (size_t i = 0; i < *count; i++) {
        free(titles ? titles[i] : NULL);
        free(langs ? langs[i] : NULL);
    }
    free(titles);
    free(langs);
    roster_free(&roster);
    country_db_free(countries);
    language_db_free(languages);
    index_close(ix);
    return rc;
}

void reminders_free(struct reminder *list, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        free(list[i].reviewer);
        free(list[i].due);
    }
    free(list);
}
