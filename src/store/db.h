#ifndef JOURNAL_STORE_DB_H
#define JOURNAL_STORE_DB_H

#include <sqlite3.h>

/*
 * The few SQLite chores the index and the outbox share. name says which
 * database a message is about ("index", "outbox .journal/outbox.db").
 */
int db_exec(sqlite3 *db, const char *name, const char *sql);
int db_prepare(sqlite3 *db, const char *name, sqlite3_stmt **st, const char *sql);
/* An internal error naming the database, what was being done and SQLite's message. */
int db_fail(sqlite3 *db, const char *name, const char *what);
/* Bind s, or NULL as SQL NULL. */
void db_bind_text(sqlite3_stmt *st, int i, const char *s);
/* A copy of a text column, or NULL for SQL NULL. */
char *db_column_dup(sqlite3_stmt *st, int i);

#endif
