#include "store/db.h"

#include "util/alloc.h"
#include "util/error.h"

int db_fail(sqlite3 *db, const char *name, const char *what)
{
    return error_internal("%s: %s: %s", name, what, sqlite3_errmsg(db));
}

int db_exec(sqlite3 *db, const char *name, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        int rc = error_internal("%s: %s", name, msg ? msg : sqlite3_errmsg(db));
        sqlite3_free(msg);
        return rc;
    }
    return 0;
}

int db_prepare(sqlite3 *db, const char *name, sqlite3_stmt **st, const char *sql)
{
    if (sqlite3_prepare_v2(db, sql, -1, st, NULL) != SQLITE_OK)
        return db_fail(db, name, "query");
    return 0;
}

void db_bind_text(sqlite3_stmt *st, int i, const char *s)
{
    if (s)
        sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, i);
}

char *db_column_dup(sqlite3_stmt *st, int i)
{
    const unsigned char *s = sqlite3_column_text(st, i);
    return s ? xstrdup((const char *)s) : NULL;
}
