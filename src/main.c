#include "cmd/commands.h"
#include "net/smtp.h"
#include "site/markdown.h"
#include "util/error.h"
#include "version.h"

#include <git2.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int usage_error(const char *fmt, ...)
{
    fprintf(stderr, "journal: ");
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nusage: journal [-C DIR] [--json] COMMAND [ARGS]  (see 'journal help')\n");
    return 2;
}

int main(int argc, char **argv)
{
    struct cli cli = {.dir = ".", .json = false};
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--version")) {
            printf("journal %s\n", JOURNAL_VERSION);
            return 0;
        } else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            char *help[] = {"help", NULL};
            return cmd_help(1, help, &cli);
        } else if (!strcmp(a, "--json")) {
            cli.json = true;
        } else if (!strcmp(a, "-C")) {
            if (i + 1 >= argc)
                return usage_error("%s needs a folder", a);
            cli.dir = argv[++i];
        } else {
            return usage_error("unknown option '%s'", a);
        }
    }
    if (i >= argc) {
        char *help[] = {"help", NULL};
        cmd_help(1, help, &cli);
        return 2;
    }
    const struct command *cmd = command_find(argv[i]);
    if (!cmd) {
        const char *near = command_suggest(argv[i]);
        return usage_error("'%s' is not a journal command%s%s%s", argv[i],
                           near ? "; did you mean " : "", near ? near : "", near ? "?" : "");
    }
    for (int k = i + 1; k < argc; k++) {
        if (!strcmp(argv[k], "--"))
            break;
        if (!strcmp(argv[k], "-h") || !strcmp(argv[k], "--help")) {
            command_print_usage(cmd);
            return 0;
        }
    }

    git_libgit2_init();
    /* A journal's submissions/ tree outgrows libgit2's 4 KiB tree cache at a few hundred
       submissions; then every path lookup under it would inflate and parse it again. */
    git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, (int)GIT_OBJECT_TREE, (size_t)1 << 24);
    /* libgit2 re-hashes every object it reads, which git itself does not: a quarter of the
       time of reading a large journal. git fsck is what checks a repository's objects. */
    git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
    /* libgit2 maps packs in 1 GiB windows and keeps up to 8 GiB mapped, and every page of
       a pack it touched counts as the process's memory: reading a record every few dozen
       KiB (fault-around maps 64 KiB at a time) made a 100,000-article journal's 1.4 GB pack
       resident. Smaller windows, fewer of them, bound that. Its object cache (trees and
       commits) needs far less than 256 MiB. */
    git_libgit2_opts(GIT_OPT_SET_MWINDOW_SIZE, (size_t)32 << 20);
    git_libgit2_opts(GIT_OPT_SET_MWINDOW_MAPPED_LIMIT, (size_t)64 << 20);
    git_libgit2_opts(GIT_OPT_SET_CACHE_MAX_SIZE, (ssize_t)64 << 20);
    /* libcurl's global state is set up once, before anything could start a thread. */
    if (smtp_global_init()) {
        fprintf(stderr, "journal: %s\n", error_message());
        git_libgit2_shutdown();
        return 3;
    }
    int rc = cmd->run(argc - i, argv + i, &cli);
    if (rc) {
        /* Each problem on its own line, each line prefixed, so that grep finds them all. */
        const char *msg = error_message();
        for (;;) {
            const char *nl = strchr(msg, '\n');
            int len = nl ? (int)(nl - msg) : (int)strlen(msg);
            fprintf(stderr, "journal %s: %.*s\n", cmd->name, len, msg);
            if (!nl)
                break;
            msg = nl + 1;
        }
        if (rc == JOURNAL_EUSAGE)
            fprintf(stderr, "(see 'journal help %s')\n", cmd->name);
    }
    error_clear();
    markdown_shutdown();
    smtp_global_cleanup();
    git_libgit2_shutdown();
    return error_exit_status(rc);
}
