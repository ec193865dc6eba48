#ifndef JOURNAL_UTIL_ERROR_H
#define JOURNAL_UTIL_ERROR_H

#include <stddef.h>

/*
 * Error reporting in the manner of libgit2: a function that fails returns one
 * of the negative codes below and leaves a human-readable message in a
 * process-wide slot that main() prints. The code class decides the exit status.
 *
 *   JOURNAL_OK         0  success
 *   JOURNAL_EINPUT    -1  the input was rejected or the action refused (exit 1)
 *   JOURNAL_EUSAGE    -2  the command line was wrong (exit 2)
 *   JOURNAL_EINTERNAL -3  something failed that is not the user's fault (exit 3)
 */
enum {
    JOURNAL_OK = 0,
    JOURNAL_EINPUT = -1,
    JOURNAL_EUSAGE = -2,
    JOURNAL_EINTERNAL = -3,
};

int error_input(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int error_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int error_internal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Rejected input at a place in a file: "file:line:column: message" (column 0 = omit). */
int error_at(const char *file, size_t line, size_t column, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Internal failure from errno: "what: strerror(errno)". */
int error_errno(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Validators report every problem at once: error_add_at appends a line to the
 * message without replacing what is there. The caller returns JOURNAL_EINPUT
 * when error_count() grew.
 */
void error_add_at(const char *file, size_t line, size_t column, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
size_t error_count(void);

/* Prefix the current message with "context: " (for example the file being read). */
void error_prefix(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Cleanup after a failure may itself fail and overwrite the message that
 * matters: save it first (NULL when there is none), restore it after.
 */
char *error_save(void);
void error_restore(char *saved);

const char *error_message(void);
void error_clear(void);
/* Exit status for a return code: 0, 1, 2 or 3. */
int error_exit_status(int code);

#endif
