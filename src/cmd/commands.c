#include "cmd/commands.h"

#include "util/error.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const struct command commands[] = {
    {"init", cmd_init, "create a new journal repository",
     "usage: journal init [DIR] [--title TITLE]\n"
     "\n"
     "Create a journal in DIR (default: the current folder): a git repository with\n"
     "journal.yaml (title, ISSN, publisher, base URL, languages, review mode, DOI\n"
     "prefix), submissions/, issues/, the default theme in themes/default/, and an\n"
     "initial commit. Refuses a folder that already holds a journal.\n"},
    {"submit", cmd_submit, "validate a manuscript and record it as a new submission",
     "usage: journal submit MANUSCRIPT.md [--file FILE ...]\n"
     "\n"
     "Validate the manuscript (Markdown with YAML front matter: see README.md) and\n"
     "store it as the next submission, submissions/<number>/manuscript.md, with each\n"
     "--file under submissions/<number>/files/, in one commit. Prints the number.\n"
     "Attachments are named by relative paths that stay inside the submission folder;\n"
     "absolute paths, '..' and symbolic links are refused. Numbers are allocated under\n"
     "the repository lock, so concurrent submitters never share one.\n"
     "\n"
     "  --file FILE   attach a figure or data file (repeatable)\n"
     "  --json        print {number, commit, title} as JSON\n"},
    {"list", cmd_list, "list submissions and where each stands",
     "usage: journal list [--state STATE] [--json]\n"
     "\n"
     "List the journal's submissions with number, state, date received, language,\n"
     "type, first author and title. STATE is one of submitted, desk-rejected,\n"
     "under-review, revision-requested, accepted, rejected, scheduled, published.\n"},
    {"show", cmd_show, "show one submission in full, with its history",
     "usage: journal show NUMBER [--json]\n"
     "\n"
     "Show a submission: state, dates, title, authors with affiliations, countries\n"
     "and ORCID iDs, keywords, abstract, attached files, and its history (every\n"
     "commit that touched it: when, who, what).\n"},
    {"reindex", cmd_reindex, "rebuild the index (.journal/index.db) from git",
     "usage: journal reindex [--json]\n"
     "\n"
     "Delete the SQLite index and rebuild it from the committed tree. The index is\n"
     "only a cache: every other command refreshes it incrementally, re-reading only\n"
     "files whose git blob changed.\n"},
    {"build-site", cmd_build_site, "render the public site",
     "usage: journal build-site [-o DIR] [--json]\n"
     "\n"
     "Render the journal's public site from the committed tree into DIR (default:\n"
     "_site/ in the journal): the home page, one page per issue and one per published\n"
     "article, from the templates in themes/<theme>/ (journal.yaml's theme). Only\n"
     "articles published in an issue are read. The new site is built beside DIR and\n"
     "swapped in whole; DIR must be new, empty or an earlier build-site output.\n"},
    {"help", cmd_help, "show help for journal or one command", "usage: journal help [COMMAND]\n"},
    {NULL, NULL, NULL, NULL},
};

const struct command *command_find(const char *name)
{
    for (const struct command *c = commands; c->name; c++)
        if (!strcmp(c->name, name))
            return c;
    return NULL;
}

void command_print_usage(const struct command *c)
{
    fputs(c->usage, stdout);
}

int cli_common_option(const char *arg, struct cli *cli)
{
    if (!strcmp(arg, "--json")) {
        cli->json = true;
        return 1;
    }
    return 0;
}

void cli_print_json(json_t *value)
{
    char *text = json_dumps(value, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    if (text)
        puts(text);
    free(text);
    json_decref(value);
}

int cli_parse_number(const char *arg, unsigned long *out)
{
    if (arg[0] == '#')
        arg++;
    char *end;
    if (arg[0] < '1' || arg[0] > '9')
        return error_usage("'%s' is not a submission number", arg);
    unsigned long v = strtoul(arg, &end, 10);
    if (*end)
        return error_usage("'%s' is not a submission number", arg);
    *out = v;
    return 0;
}
