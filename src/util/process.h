#ifndef JOURNAL_UTIL_PROCESS_H
#define JOURNAL_UTIL_PROCESS_H

/*
 * Programs journal runs as helpers (Pagefind for the site's search index, Pandoc for Word
 * manuscripts, WeasyPrint for the PDF galleys): the one place that starts a program, feeds
 * it (all at once, or request by request in a session), bounds its time and memory and
 * reports how it failed, in the way net/ stands for libcurl. No other file forks or execs.
 *
 * The program runs in a process group of its own (what it starts is stopped with it on a
 * timeout), is killed when journal dies (PR_SET_PDEATHSIG: a program started through a
 * wrapper that starts it in turn is not), with the caller's environment, stdin from input
 * (or /dev/null), in spec->cwd or journal's folder, and stdout and stderr captured.
 */

#include "util/strbuf.h"

#include <stdbool.h>
#include <stddef.h>

struct stat;

/* Whether path is a regular file this user may execute (its stat in *st). */
bool process_executable(const char *path, struct stat *st);
/* The first executable file called name in a folder of PATH (its stat in *st), or NULL; free it. */
char *process_on_path(const char *name, struct stat *st);

struct process_spec {
    const char *name;    /* what to call it in messages: "Pagefind" */
    const char *program; /* a path, or a name looked up on PATH */
    /* argv[0] first, ending with NULL; NULL: just the program. */
    const char *const *argv;
    const char *install; /* how to get it, ending the message when it cannot be started */
    const char *input;   /* written to its stdin, or NULL */
    size_t input_len;
    double timeout;    /* seconds before it is stopped (SIGKILL to its group); 0: no bound */
    size_t max_memory; /* bytes of address space (RLIMIT_AS); 0: no bound */
    const char *cwd;   /* the folder it runs in, or NULL for journal's */
};

/*
 * Run the program to its end. 0 when it exits with status 0; otherwise JOURNAL_EINPUT when it
 * cannot be started (not there, not executable: the message names it and says how to install
 * it), JOURNAL_EINTERNAL when it fails, is killed or runs out of time (the message gives the
 * status or signal and the end of what it wrote on stderr). out and err (either may be NULL)
 * get what it wrote; the caller releases them.
 */
int process_run(const struct process_spec *spec, struct strbuf *out, struct strbuf *err);

/*
 * A session: the program started once and asked many times, a request a line on its stdin
 * and an answer a line on its stdout (the PDF driver, src/site/pdf.c, typesets one galley a
 * request: Python and WeasyPrint start once, not once an article). spec is as for process_run
 * but for input; spec->timeout bounds each request, spec->max_memory the whole session. The
 * spec's strings are the caller's and must outlive the session.
 *
 * The program is killed when the thread that started the session ends (PR_SET_PDEATHSIG is
 * the thread's): a session is asked and ended on the thread that started it.
 */
struct process_session;

/* Start the program: 0, or the errors of process_run when it cannot be started. */
int process_session_start(const struct process_spec *spec, struct process_session **session);

/*
 * Write request (len bytes, ending with its newline) and read one line of answer into answer
 * (without the newline). 0 when it answered; otherwise, when it ended, stopped answering in
 * spec->timeout or could not be written to, JOURNAL_EINTERNAL with the message of process_run
 * (status or signal, the end of what it said on stderr during this request), and the program
 * is stopped: every later request fails, and the caller ends the session.
 */
int process_session_ask(struct process_session *s, const char *request, size_t len,
                        struct strbuf *answer);

/* Stop the program (its stdin closed, SIGKILL to its group) and free the session; NULL is
   nothing. */
void process_session_end(struct process_session *s);

#endif
