#ifndef JOURNAL_DESK_DESK_H
#define JOURNAL_DESK_DESK_H

#include <stddef.h>

/*
 * The front desk: `journal serve`, an HTTP server (libmicrohttpd) for the people who never
 * run journal, reached through the personal links that invitations mail. It turns requests
 * into the same workflow calls the command line makes (workflow_answer for an invitation's
 * answer, packet_make for the packet), so every accepted action is one commit exactly like
 * the CLI's; it holds no editorial rule of its own.
 *
 * Requests are handled by a pool of desk_threads threads (libmicrohttpd's, each polling its
 * share of the connections); each keeps its own libgit2 repository, reopened when HEAD moves
 * (page.h: desk_repo_acquire), and the error slot is per thread. Writers serialise on the
 * journal's lock as the CLI's do, so a page waiting for it holds up no other. Every response
 * carries Referrer-Policy: no-referrer, a Content-Security-Policy with frame-ancestors 'none'
 * and Cache-Control: no-store; tokens appear in no log line (paths are logged with each token
 * replaced by "<token>").
 *
 * Forms carry a CSRF token: HMAC-SHA-256 of the form's purpose, the submission and the link
 * token, under a server secret, from JOURNAL_DESK_SECRET (at least 32 bytes) when set, else
 * drawn at start (forms opened before a restart are then refused: reload the page).
 */
struct desk_options {
    const char *dir;    /* the journal */
    const char *listen; /* "ADDR:PORT"; NULL: 127.0.0.1:8080 */
};

/*
 * Serve until SIGTERM or SIGINT; then stop accepting, let the requests in flight finish
 * (at most 30 seconds) and return 0. Errors (bad address, port taken): JOURNAL_EINPUT or
 * JOURNAL_EINTERNAL, nothing served.
 */
int desk_serve(const struct desk_options *opt);

/* "/review/3/<64 hex>/answer" -> "/review/3/<token>/answer": what a log may hold. Caller frees. */
char *desk_redact(const char *path);

#endif
