#ifndef JOURNAL_STORE_DB_H
#define JOURNAL_STORE_DB_H

#include <sqlite3.h>

/*
 * The few SQLite chores the index and the outbox share. name says which
 * database a message is about ("index", "outbox .journal/outbox.db").
 */

enum db_open_flags {
    /* Make the file (and its folder) when missing, readable by its owner only. */
    DB_CREATE = 1 << 0,
    /* Open for reading only (doctor's checks); no pragma that writes is run. */
    DB_READ_ONLY = 1 << 1,
    /* synchronous=FULL instead of NORMAL: a commit survives power loss (the outbox). */
    DB_DURABLE = 1 << 2,
};

/*
 * Open the database at path, the one way every database of journal is opened:
 * a file journal creates is created 0600 before SQLite sees it (SQLite would
 * make it, and its -wal and -shm, readable by everyone: the index holds who
 * reviews what, the outbox unsent letters), busy_timeout 30 s (several
 * commands may run at once; the lock in repo.c orders writers, SQLite's own
 * locks only have to wait), WAL journal with synchronous NORMAL or FULL.
 * On failure *db is NULL and the message names the database and path.
 */
int db_open(sqlite3 **db, const char *path, const char *name, unsigned flags);
int db_exec(sqlite3 *db, const char *name, const char *sql);
int db_prepare(sqlite3 *db, const char *name, sqlite3_stmt **st, const char *sql);
/* An internal error naming the database, what was being done and SQLite's message. */
int db_fail(sqlite3 *db, const char *name, const char *what);
/* Bind s, or NULL as SQL NULL. */
void db_bind_text(sqlite3_stmt *st, int i, const char *s);
/* A copy of a text column, or NULL for SQL NULL. */
char *db_column_dup(sqlite3_stmt *st, int i);

#endif
