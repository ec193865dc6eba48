#include "cmd/commands.h"
#include "model/record.h"
#include "store/index.h"
#include "store/repo.h"
#include "util/error.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

/*
 * What waits on whom, for the editor's morning: each section is one query
 * over the index, so the queue is as fresh as the last commit.
 */
/* An assignment of the submission's current round that still counts: invited or accepted. */
#define LIVE " " INDEX_ASSIGNMENT_STATE " IN ('invited', 'accepted')"
#define NO_REVIEW                                                                                  \
    " NOT EXISTS (SELECT 1 FROM reviews r WHERE r.submission = a.submission"                       \
    "  AND r.reviewer = a.reviewer AND r.round = a.round)"

static const struct {
    const char *key, *heading, *sql;
} sections[] = {
    {"needs_reviewers",
     "Waiting for reviewers (fewer invited or accepted than reviews_per_submission)",
     "SELECT s.number, s.title, s.state, (SELECT count(*) FROM assignments a"
     "  WHERE a.submission = s.number AND a.round = s.round AND" LIVE "), s.submitted"
     " FROM submissions s WHERE s.state IN ('submitted', 'under-review') AND"
     " (SELECT count(*) FROM assignments a WHERE a.submission = s.number AND a.round = s.round"
     "  AND" LIVE ") < ?1 ORDER BY s.number"},
    {"unanswered", "Invitations not answered yet",
     "SELECT s.number, s.title, a.reviewer, a.invited, a.round FROM assignments a"
     " JOIN submissions s ON s.number = a.submission AND s.round = a.round"
     " WHERE s.state = 'under-review' AND " INDEX_ASSIGNMENT_STATE " = 'invited'"
     " ORDER BY a.invited, s.number"},
    {"expired", "Invitations expired (no answer within invitation_days)",
     "SELECT s.number, s.title, a.reviewer, a.invited, a.round FROM assignments a"
     " JOIN submissions s ON s.number = a.submission AND s.round = a.round"
     " WHERE s.state = 'under-review' AND " INDEX_ASSIGNMENT_STATE " = 'expired'"
     " ORDER BY a.invited, s.number"},
    {"declined", "Invitations declined",
     "SELECT s.number, s.title, a.reviewer, a.answered, a.round, a.reason, a.suggested"
     " FROM assignments a JOIN submissions s ON s.number = a.submission AND s.round = a.round"
     " WHERE s.state IN ('submitted', 'under-review') AND " INDEX_ASSIGNMENT_STATE
     " = 'declined' ORDER BY a.answered, s.number"},
    {"overdue", "Overdue reviews",
     "SELECT s.number, s.title, a.reviewer, a.due, a.round FROM assignments a"
     " JOIN submissions s ON s.number = a.submission AND s.round = a.round"
     " WHERE s.state = 'under-review' AND a.due < ?2 AND" NO_REVIEW " AND " INDEX_ASSIGNMENT_STATE
     " IN ('invited', 'accepted', 'expired')"
     " ORDER BY a.due, s.number"},
    {"awaiting", "Reviews in progress",
     "SELECT s.number, s.title, a.reviewer, a.due, a.round FROM assignments a"
     " JOIN submissions s ON s.number = a.submission AND s.round = a.round"
     " WHERE s.state = 'under-review' AND (a.due IS NULL OR a.due >= ?2) AND" NO_REVIEW " AND" LIVE
     " ORDER BY a.due, s.number"},
    {"decisions_due", "Decisions due (every invited or accepted reviewer has answered)",
     "SELECT s.number, s.title, s.state, (SELECT count(*) FROM reviews r"
     "  WHERE r.submission = s.number AND r.round = s.round), s.round"
     " FROM submissions s WHERE s.state = 'under-review' AND EXISTS (SELECT 1 FROM reviews r"
     "  WHERE r.submission = s.number AND r.round = s.round) AND NOT EXISTS"
     " (SELECT 1 FROM assignments a WHERE a.submission = s.number AND a.round = s.round"
     "  AND" NO_REVIEW " AND" LIVE ") ORDER BY s.number"},
    {"revisions", "Waiting for the authors' revisions",
     "SELECT s.number, s.title, s.state, s.round, s.decided FROM submissions s"
     " WHERE s.state = 'revision-requested' ORDER BY s.decided, s.number"},
};

static const char *text(sqlite3_stmt *st, int i)
{
    const unsigned char *s = sqlite3_column_text(st, i);
    return s ? (const char *)s : "";
}

int cmd_queue(int argc, char **argv, struct cli *cli)
{
    for (int i = 1; i < argc; i++)
        if (!cli_common_option(argv[i], cli))
            return error_usage("unexpected argument '%s'", argv[i]);
    struct journal_repo *repo = NULL;
    struct journal_index *ix = NULL;
    int rc = repo_open(&repo, cli->dir);
    if (!rc)
        rc = index_open(&ix, repo);
    if (rc)
        goto done;
    char today[11];
    date_today(today);
    json_t *all = json_object();
    size_t total = 0;
    for (size_t k = 0; k < sizeof(sections) / sizeof(*sections) && !rc; k++) {
        sqlite3_stmt *st;
        if (sqlite3_prepare_v2(index_db(ix), sections[k].sql, -1, &st, NULL) != SQLITE_OK) {
            rc = error_internal("index: %s", sqlite3_errmsg(index_db(ix)));
            break;
        }
        sqlite3_bind_int(st, 1, (int)repo->config.reviews_per_submission);
        sqlite3_bind_text(st, 2, today, -1, SQLITE_STATIC);
        json_t *rows = json_array();
        bool review_rows =
            !strcmp(sections[k].key, "overdue") || !strcmp(sections[k].key, "awaiting");
        bool invitation_rows =
            !strcmp(sections[k].key, "unanswered") || !strcmp(sections[k].key, "expired");
        while (sqlite3_step(st) == SQLITE_ROW) {
            json_t *row = json_pack("{s:I, s:s}", "number", (json_int_t)sqlite3_column_int64(st, 0),
                                    "title", text(st, 1));
            if (review_rows) {
                json_object_set_new(row, "reviewer", json_string(text(st, 2)));
                json_object_set_new(row, "due", json_string(text(st, 3)));
            } else if (invitation_rows) {
                json_object_set_new(row, "reviewer", json_string(text(st, 2)));
                json_object_set_new(row, "invited", json_string(text(st, 3)));
            } else if (!strcmp(sections[k].key, "declined")) {
                json_object_set_new(row, "reviewer", json_string(text(st, 2)));
                json_object_set_new(row, "answered", json_string(text(st, 3)));
                if (sqlite3_column_type(st, 5) != SQLITE_NULL)
                    json_object_set_new(row, "reason", json_string(text(st, 5)));
                if (sqlite3_column_type(st, 6) != SQLITE_NULL)
                    json_object_set_new(row, "suggested", json_string(text(st, 6)));
            } else if (!strcmp(sections[k].key, "needs_reviewers")) {
                json_object_set_new(row, "state", json_string(text(st, 2)));
                json_object_set_new(row, "assigned", json_integer(sqlite3_column_int(st, 3)));
            } else if (!strcmp(sections[k].key, "decisions_due")) {
                json_object_set_new(row, "reviews", json_integer(sqlite3_column_int(st, 3)));
                json_object_set_new(row, "round", json_integer(sqlite3_column_int(st, 4)));
            } else {
                json_object_set_new(row, "round", json_integer(sqlite3_column_int(st, 3)));
                json_object_set_new(row, "decided", json_string(text(st, 4)));
            }
            json_array_append_new(rows, row);
        }
        sqlite3_finalize(st);
        total += json_array_size(rows);
        if (!cli->json && json_array_size(rows)) {
            printf("%s:\n", sections[k].heading);
            size_t i;
            json_t *row;
            json_array_foreach(rows, i, row)
            {
                printf("  %5lld  ", (long long)json_integer_value(json_object_get(row, "number")));
                if (review_rows) {
                    const char *due = json_string_value(json_object_get(row, "due"));
                    long late = *due ? date_diff_days(due, today) : 0;
                    printf("%-22s due %s", json_string_value(json_object_get(row, "reviewer")),
                           due);
                    if (late > 0)
                        printf(" (%ld day%s late)", late, late == 1 ? "" : "s");
                } else if (invitation_rows) {
                    const char *invited = json_string_value(json_object_get(row, "invited"));
                    long days = *invited ? date_diff_days(invited, today) : 0;
                    printf("%-22s invited %s (%ld day%s ago)",
                           json_string_value(json_object_get(row, "reviewer")), invited, days,
                           days == 1 ? "" : "s");
                } else if (json_object_get(row, "answered")) {
                    json_t *reason = json_object_get(row, "reason"),
                           *suggested = json_object_get(row, "suggested");
                    printf("%-22s declined %s", json_string_value(json_object_get(row, "reviewer")),
                           json_string_value(json_object_get(row, "answered")));
                    if (reason)
                        printf(": %s", json_string_value(reason));
                    if (suggested)
                        printf("; suggests %s", json_string_value(suggested));
                } else if (json_object_get(row, "assigned")) {
                    printf("%lld of %u assigned",
                           (long long)json_integer_value(json_object_get(row, "assigned")),
                           repo->config.reviews_per_submission);
                } else if (json_object_get(row, "reviews")) {
                    printf("%lld review(s) in, round %lld",
                           (long long)json_integer_value(json_object_get(row, "reviews")),
                           (long long)json_integer_value(json_object_get(row, "round")));
                } else {
                    printf("asked on %s", json_string_value(json_object_get(row, "decided")));
                }
                printf("  %s\n", json_string_value(json_object_get(row, "title")));
            }
            printf("\n");
        }
        json_object_set_new(all, sections[k].key, rows);
    }
    if (!rc && cli->json)
        cli_print_json(all);
    else
        json_decref(all);
    if (!rc && !cli->json && !total)
        printf("Nothing is waiting.\n");
done:
    index_close(ix);
    repo_free(repo);
    return rc;
}
