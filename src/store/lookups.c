#include "store/lookups.h"

#include "store/db.h"
#include "util/alloc.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

int lookup_get(struct journal_index *ix, const char *url, struct lookup *out, bool *found)
{
    sqlite3_stmt *st;
    memset(out, 0, sizeof(*out));
    *found = false;
    int rc = db_prepare(index_db(ix), "index", &st,
                        "SELECT status, body, fetched FROM lookups WHERE url = ?");
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, url, -1, SQLITE_STATIC);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        const char *body = (const char *)sqlite3_column_text(st, 1);
        const char *fetched = (const char *)sqlite3_column_text(st, 2);
        out->status = (long)sqlite3_column_int64(st, 0);
        out->body = xstrdup(body ? body : "");
        out->fetched = xstrdup(fetched ? fetched : "");
        *found = true;
    } else if (step != SQLITE_DONE) {
        rc = db_fail(index_db(ix), "index", "read a cached lookup");
    }
    sqlite3_finalize(st);
    return rc;
}

int lookup_put(struct journal_index *ix, const char *url, const struct lookup *answer)
{
    sqlite3_stmt *st;
    int rc = db_prepare(index_db(ix), "index", &st,
                        "INSERT OR REPLACE INTO lookups(url, status, body, fetched)"
                        " VALUES(?, ?, ?, ?)");
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, url, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, answer->status);
    sqlite3_bind_text(st, 3, answer->body ? answer->body : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, answer->fetched ? answer->fetched : "", -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE)
        rc = db_fail(index_db(ix), "index", "cache a lookup");
    sqlite3_finalize(st);
    return rc;
}

void lookup_release(struct lookup *l)
{
    free(l->body);
    free(l->fetched);
    memset(l, 0, sizeof(*l));
}
