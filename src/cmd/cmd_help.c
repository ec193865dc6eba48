#include "cmd/commands.h"
#include "util/error.h"
#include "version.h"

#include <stdio.h>

static void print_overview(void)
{
    printf("journal %s: an open-access journal kept in a git repository\n\n", JOURNAL_VERSION);
    printf("usage: journal [-C DIR] [--json] COMMAND [ARGS]\n\n");
    printf("Commands:\n");
    for (const struct command *c = commands; c->name; c++)
        printf("  %-12s %s\n", c->name, c->summary);
    printf("\nOptions:\n"
           "  -C DIR       act on the journal in DIR instead of the current folder\n"
           "  --json       print data as JSON (every command whose output is data)\n"
           "  --version    print the version\n"
           "  -h, --help   this help; 'journal help COMMAND' for one command\n"
           "\nExit status:\n"
           "  0  success\n"
           "  1  the input was rejected or the action refused (the message says why,\n"
           "     with file, line and column where they apply); nothing was changed\n"
           "  2  usage error: unknown command or option, missing argument\n"
           "  3  failure outside the input: I/O, git, database, mail server; nothing\n"
           "     acknowledged was lost\n"
           "\nEnvironment:\n"
           "  JOURNAL_LOCK_TIMEOUT  seconds a writer waits for the repository lock (30)\n"
           "  JOURNAL_TODAY         the date to record instead of today (YYYY-MM-DD)\n"
           "  GIT_AUTHOR_NAME, GIT_AUTHOR_EMAIL  who commits (else git's user.name/email)\n"
           "\nManual: docs/README.md (in journal's source), one page per reader: authors,\n"
           "reviewers, editors, the site, operating a journal, performance. Each\n"
           "command's help names its page.\n");
}

int cmd_help(int argc, char **argv, struct cli *cli)
{
    (void)cli;
    if (argc < 2) {
        print_overview();
        return 0;
    }
    const struct command *c = command_find(argv[1]);
    if (!c) {
        const char *near = command_suggest(argv[1]);
        return error_usage("no such command '%s' (see 'journal help')%s%s%s", argv[1],
                           near ? "; did you mean " : "", near ? near : "", near ? "?" : "");
    }
    command_print_usage(c);
    return 0;
}
