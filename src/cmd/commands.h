#ifndef JOURNAL_CMD_COMMANDS_H
#define JOURNAL_CMD_COMMANDS_H

#include <stdbool.h>
#include <stddef.h>

/* Options that apply to every command, parsed by main() before the command name. */
struct cli {
    const char *dir; /* -C DIR, or "." */
    bool json;       /* --json: data on stdout as JSON */
};

struct command {
    const char *name;
    int (*run)(int argc, char **argv, struct cli *cli);
    const char *summary;
    const char *usage; /* the full help text of `journal help NAME` */
};

extern const struct command commands[];
const struct command *command_find(const char *name);
/* The command whose name is nearest to a mistyped one ("sumbit"), or NULL. */
const char *command_suggest(const char *name);

/* One per file, in the manner of git's builtin/. Each returns 0 or an error code. */
int cmd_init(int argc, char **argv, struct cli *cli);
int cmd_submit(int argc, char **argv, struct cli *cli);
int cmd_convert(int argc, char **argv, struct cli *cli);
int cmd_list(int argc, char **argv, struct cli *cli);
int cmd_show(int argc, char **argv, struct cli *cli);
int cmd_reindex(int argc, char **argv, struct cli *cli);
int cmd_build_site(int argc, char **argv, struct cli *cli);
int cmd_help(int argc, char **argv, struct cli *cli);
int cmd_reviewers(int argc, char **argv, struct cli *cli);
int cmd_assign(int argc, char **argv, struct cli *cli);
int cmd_review(int argc, char **argv, struct cli *cli);
int cmd_decide(int argc, char **argv, struct cli *cli);
int cmd_withdraw(int argc, char **argv, struct cli *cli);
int cmd_revise(int argc, char **argv, struct cli *cli);
int cmd_diff(int argc, char **argv, struct cli *cli);
int cmd_queue(int argc, char **argv, struct cli *cli);
int cmd_packet(int argc, char **argv, struct cli *cli);
int cmd_remind(int argc, char **argv, struct cli *cli);
int cmd_outbox(int argc, char **argv, struct cli *cli);
int cmd_stats(int argc, char **argv, struct cli *cli);
/* journal stats --editorial (cmd_stats_editorial.c), its options checked by cmd_stats. */
int cmd_stats_editorial(struct cli *cli, bool csv, bool bom, const char *lang, const char *year);
int cmd_export(int argc, char **argv, struct cli *cli);
int cmd_import(int argc, char **argv, struct cli *cli);
int cmd_enrich(int argc, char **argv, struct cli *cli);
int cmd_build_issue(int argc, char **argv, struct cli *cli);
int cmd_deposit(int argc, char **argv, struct cli *cli);
int cmd_doctor(int argc, char **argv, struct cli *cli);
int cmd_serve(int argc, char **argv, struct cli *cli);
int cmd_token(int argc, char **argv, struct cli *cli);

/* Print the help of one command to stdout. */
void command_print_usage(const struct command *c);
/* Print a JSON value on stdout and release it. */
struct json_t;
void cli_print_json(struct json_t *value);
/* Parse a submission number argument ("12" or "#12"); usage error otherwise. */
int cli_parse_number(const char *arg, unsigned long *out);

/*
 * An option with a value, as "--name VALUE" or "--name=VALUE" at argv[*i]:
 * returns 1 and sets *value (advancing *i past a separate value), 0 when
 * argv[*i] is another option, or JOURNAL_EUSAGE when the value is missing.
 */
int cli_option_value(int argc, char **argv, int *i, const char *name, const char **value);
/* An option a command accepts: with a value (value set) or a flag (flag set). */
struct cli_option {
    const char *name; /* "--due" */
    const char **value;
    bool *flag;
};
/*
 * Parse a command's arguments: --json, the options listed (terminated by a
 * {NULL} entry), and at most npositional positional arguments into
 * positional[] (left NULL when absent). Unknown options and extra arguments
 * are usage errors.
 */
int cli_parse(int argc, char **argv, struct cli *cli, const struct cli_option *options,
              const char **positional, size_t npositional);

/* Who acts as reviewer: --as, else JOURNAL_REVIEWER; usage error when neither. */
int cli_reviewer_identity(const char *as, const char **out);

/*
 * After an action succeeded: send the mail it queued, when a server is
 * configured. A failure is a warning: the action stands and the message
 * waits in the outbox. True when the queue was sent: a server is configured
 * and every message tried was accepted.
 */
struct notifier;
bool cli_send_mail(struct notifier *n, const char *command);
/*
 * A cell of a terminal table on stdout: s (NULL: empty) cut to width columns
 * on a character boundary, with "…" when cut, and padded to exactly width.
 * Columns are measured as the terminal shows them (util/unicode.h), not in
 * bytes: Cyrillic, CJK and accented names line up and are never cut inside a
 * character.
 */
void cli_print_cell(const char *s, size_t width);
/*
 * For commands that act on the journal and may send mail: open the journal
 * and its notifier; close both afterwards, first sending the mail when the
 * action succeeded (rc == 0).
 */
struct journal_repo;
/*
 * After a commit: bring the index up to date for the commands that read it
 * next. It is a cache, so a failure is only a warning.
 */
void cli_refresh_index(struct journal_repo *repo, const char *command);
/* An issue's identity and the action's outcome, for --json ({issue, volume, ..., articles}). */
struct issue_manifest;
struct json_t *cli_issue_json(const struct issue_manifest *is, bool dry_run, const char *commit,
                              struct json_t *articles);
int cli_open_journal(struct cli *cli, struct journal_repo **repo, struct notifier *n);
void cli_close_journal(struct journal_repo *repo, struct notifier *n, int rc, const char *command);

/* Shared option handling: returns 1 when argv[i] is --json (and sets cli->json). */
int cli_common_option(const char *arg, struct cli *cli);

#endif
