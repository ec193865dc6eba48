#define _POSIX_C_SOURCE 200809L
#include "store/db.h"

#include <stdbool.h>

#include "util/alloc.h"
#include "util/error.h"
#include "util/fs.h"

#include <fcntl.h>
#include <unistd.h>

static int create_private(const char *path, const char *name)
{
    int rc = fs_mkdirs_parent(path);
    if (rc)
        return rc;
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        return error_errno("cannot open the %s %s", name, path);
    close(fd);
    return 0;
}

int db_open(sqlite3 **db, const char *path, const char *name, unsigned flags)
{
    *db = NULL;
    bool read_only = flags & DB_READ_ONLY;
    if ((flags & DB_CREATE) && !read_only) {
        int rc = create_private(path, name);
        if (rc)
            return rc;
    }
    int mode = read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
    if (sqlite3_open_v2(path, db, mode, NULL) != SQLITE_OK) {
        int rc = error_internal("cannot open the %s %s: %s", name, path,
                                *db ? sqlite3_errmsg(*db) : "out of memory");
        sqlite3_close(*db);
        *db = NULL;
        return rc;
    }
    sqlite3_busy_timeout(*db, 30000);
    if (read_only)
        return 0;
    /*
     * synchronous=FULL for the outbox, not the index's NORMAL: in WAL mode NORMAL
     * may lose the last transactions on power loss, and there that is a queued
     * letter lost or a "sent" forgotten (so the letter goes out twice). The index
     * is a cache that the next command rebuilds from git.
     */
    int rc = db_exec(*db, name,
                     flags & DB_DURABLE ? "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                                        : "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
    if (rc) {
        sqlite3_close(*db);
        *db = NULL;
    }
    return rc;
}

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
