/*
 * journal export FORMAT ...: the journal's metadata in the formats indexers
 * take. One format so far (doaj); each is a row of the table below.
 */
#define _POSIX_C_SOURCE 200809L
#include "cmd/commands.h"

#include "export/indexing.h"
#include "model/country.h"
#include "model/issue.h"
#include "model/language.h"
#include "model/manuscript.h"
#include "model/record.h"
#include "store/repo.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/fs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A published issue and its articles, read from HEAD. */
struct loaded_issue {
    struct issue_manifest issue;
    bool has_issue;
    struct manuscript *manuscripts;
    struct submission_record *records;
    struct indexing_article *articles;
    size_t n;
};

static void loaded_issue_free(struct loaded_issue *li)
{
    for (size_t i = 0; i < li->n; i++) {
        manuscript_free(&li->manuscripts[i]);
        record_free(&li->records[i]);
    }
    free(li->manuscripts);
    free(li->records);
    free(li->articles);
    if (li->has_issue)
        issue_free(&li->issue);
}

static int load_article(struct journal_repo *repo, git_tree *tree,
                        const struct manuscript_rules *rules, struct loaded_issue *li, size_t k)
{
    const struct issue_manifest *is = &li->issue;
    unsigned long number = is->articles[k];
    char issue_file[64], path[96];
    snprintf(issue_file, sizeof(issue_file), "issues/%lu.yaml", is->id);
    struct strbuf text = STRBUF_INIT;
    snprintf(path, sizeof(path), "submissions/%lu/submission.yaml", number);
    int rc = repo_read_from_tree(repo->git, tree, path, &text, NULL);
    if (rc == JOURNAL_EINPUT) {
        error_clear();
        rc = error_at(issue_file, is->article_lines[k], 0,
                      "lists submission %lu, which does not exist", number);
    }
    if (!rc)
        rc = record_parse(&li->records[li->n], path, text.buf, text.len);
    if (rc)
        goto done;
    if (strcmp(li->records[li->n].state, "published")) {
        rc = error_at(issue_file, is->article_lines[k], 0,
                      "lists submission %lu, which is not published (its state is %s); only "
                      "published issues can be exported (publish it with journal build-issue %lu)",
                      number, li->records[li->n].state, is->id);
        record_free(&li->records[li->n]);
        goto done;
    }
    strbuf_reset(&text);
    snprintf(path, sizeof(path), "submissions/%lu/manuscript.md", number);
    rc = repo_read_from_tree(repo->git, tree, path, &text, NULL);
    if (!rc)
        rc = manuscript_parse(&li->manuscripts[li->n], path, text.buf, text.len, rules);
    if (rc) {
        record_free(&li->records[li->n]);
        goto done;
    }
    li->articles[li->n] =
        (struct indexing_article){number, &li->manuscripts[li->n], &li->records[li->n], &li->issue,
                                  is->pages ? is->pages[k] : NULL};
    li->n++;
done:
    strbuf_release(&text);
    return rc;
}

/* Issue id as published: refused when unknown, scheduled or listing anything unpublished. */
static int load_published_issue(struct journal_repo *repo, const struct country_db *countries,
                                const struct language_db *languages, unsigned long id,
                                struct loaded_issue *li)
{
    git_tree *tree = NULL;
    struct strbuf text = STRBUF_INIT;
    char path[64];
    snprintf(path, sizeof(path), "issues/%lu.yaml", id);
    int rc = repo_head_tree(repo, &tree);
    if (!rc) {
        rc = repo_read_from_tree(repo->git, tree, path, &text, NULL);
        if (rc == JOURNAL_EINPUT) {
            error_clear();
            rc = error_input("issue %lu: no such issue (%s is not in the journal's last commit)",
                             id, path);
        }
    }
    if (!rc)
        rc = issue_parse(&li->issue, id, path, text.buf, text.len, &repo->config);
    if (rc)
        goto done;
    li->has_issue = true;
    char today[11];
    date_today(today);
    if (strcmp(li->issue.date, today) > 0) {
        rc = error_input("issue %lu is scheduled for %s and not published yet; only published "
                         "issues can be exported",
                         id, li->issue.date);
        goto done;
    }
    size_t n = li->issue.narticles;
    li->manuscripts = xcalloc(n ? n : 1, sizeof(*li->manuscripts));
    li->records = xcalloc(n ? n : 1, sizeof(*li->records));
    li->articles = xcalloc(n ? n : 1, sizeof(*li->articles));
    struct manuscript_rules rules = {countries, languages, repo->config.languages[0],
                                     &repo->config.markdown_limits, NULL};
    for (size_t k = 0; k < n && !rc; k++)
        rc = load_article(repo, tree, &rules, li, k);
    if (!rc && !n)
        rc = error_input("issue %lu has no articles; there is nothing to export", id);
done:
    strbuf_release(&text);
    git_tree_free(tree);
    return rc;
}

static int write_output(const char *file, const struct strbuf *data)
{
    if (file)
        return fs_write_atomic(file, data->buf, data->len);
    if (fwrite(data->buf, 1, data->len, stdout) != data->len || fflush(stdout))
        return error_errno("cannot write to standard output");
    return 0;
}

static int export_doaj(int argc, char **argv, struct cli *cli)
{
    const char *output = NULL, *issue_arg = NULL;
    const struct cli_option options[] = {
        {"-o", &output, NULL}, {"--output", &output, NULL}, {NULL, NULL, NULL}};
    int rc = cli_parse(argc, argv, cli, options, &issue_arg, 1);
    if (rc)
        return rc;
    if (!issue_arg)
        return error_usage("name the issue: journal export doaj ISSUE [-o FILE]");
    unsigned long id;
    rc = cli_parse_number(issue_arg, &id);
    if (rc)
        return rc;
    struct journal_repo *repo = NULL;
    struct country_db *countries = NULL;
    struct language_db *languages = NULL;
    struct loaded_issue li = {0};
    struct strbuf xml = STRBUF_INIT;
    rc = repo_open(&repo, cli->dir);
    if (!rc)
        rc = config_check_base_url(&repo->config, "DOAJ would link every article to that address");
    if (!rc)
        rc = country_db_open(&countries, NULL, NULL);
    if (!rc)
        rc = language_db_open(&languages, NULL, NULL);
    if (!rc)
        rc = load_published_issue(repo, countries, languages, id, &li);
    if (!rc)
        rc = doaj_write(&repo->config, languages, li.articles, li.n, &xml);
    if (!rc)
        rc = write_output(output, &xml);
    strbuf_release(&xml);
    loaded_issue_free(&li);
    language_db_free(languages);
    country_db_free(countries);
    repo_free(repo);
    return rc;
}

static const struct {
    const char *name;
    int (*run)(int argc, char **argv, struct cli *cli);
} formats[] = {
    {"doaj", export_doaj},
};

int cmd_export(int argc, char **argv, struct cli *cli)
{
    const size_t nformats = sizeof(formats) / sizeof(formats[0]);
    struct strbuf names = STRBUF_INIT;
    for (size_t i = 0; i < nformats; i++)
        strbuf_addf(&names, "%s%s", i ? ", " : "", formats[i].name);
    int rc = 0;
    if (argc < 2 || argv[1][0] == '-') {
        rc = error_usage("name a format (%s), e.g. journal export doaj ISSUE", names.buf);
    } else {
        size_t i = 0;
        while (i < nformats && strcmp(formats[i].name, argv[1]))
            i++;
        if (i == nformats)
            rc = error_usage("unknown format '%s' (formats: %s)", argv[1], names.buf);
        else
            rc = formats[i].run(argc - 1, argv + 1, cli);
    }
    strbuf_release(&names);
    return rc;
}
