#include "model/review.h"

#include "model/record.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/yaml.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *const review_verdicts[] = {"accept", "minor-revision", "major-revision", "reject",
                                       NULL};
static const char *const verdict_labels[] = {"Accept", "Minor revision", "Major revision",
                                             "Reject"};
static const char *const review_keys[] = {"reviewer", "round",    "verdict",      "submitted",
                                          "amended",  "comments", "confidential", "signed",
                                          "file",     NULL};

bool review_verdict_is_known(const char *verdict)
{
    for (size_t i = 0; review_verdicts[i]; i++)
        if (!strcmp(verdict, review_verdicts[i]))
            return true;
    return false;
}

const char *review_verdict_label(const char *verdict)
{
    for (size_t i = 0; review_verdicts[i]; i++)
        if (!strcmp(verdict, review_verdicts[i]))
            return verdict_labels[i];
    return verdict;
}

static char *field(struct ydoc *d, yaml_node_t *root, const char *key, bool required)
{
    yaml_node_t *n = ydoc_get(d, root, key);
    if (!n || ydoc_is_null(n)) {
        if (required)
            error_add_at(d->file, 1, 1, "missing required field '%s'", key);
        return NULL;
    }
    const char *s = ydoc_scalar(n);
    if (!s) {
        ydoc_problem(d, n, "'%s' must be text", key);
        return NULL;
    }
    return xstrdup(s);
}

int review_parse(struct review *rv, const char *file, const char *text, size_t len)
{
    struct ydoc d;
    yaml_node_t *root;
    memset(rv, 0, sizeof(*rv));
    int rc = ydoc_load_mapping(&d, file, text, len, review_keys, "a review",
                               "a review: reviewer, round, verdict, comments", &root);
    if (rc)
        return rc;
    rv->reviewer = field(&d, root, "reviewer", true);
    yaml_node_t *n = ydoc_get(&d, root, "round");
    if (!n || !ydoc_uint(n, &rv->round) || !rv->round)
        ydoc_problem(&d, n ? n : root, "expected 'round', a positive whole number");
    rv->verdict = field(&d, root, "verdict", true);
    if (rv->verdict && !review_verdict_is_known(rv->verdict))
        ydoc_problem(&d, ydoc_get(&d, root, "verdict"),
                     "verdict '%s' is not one of accept, minor-revision, major-revision, reject",
                     rv->verdict);
    rv->submitted = field(&d, root, "submitted", true);
    if (rv->submitted && !date_is_valid(rv->submitted))
        ydoc_problem(&d, ydoc_get(&d, root, "submitted"), "'submitted' must be YYYY-MM-DD");
    rv->amended = field(&d, root, "amended", false);
    rv->comments = field(&d, root, "comments", true);
    rv->confidential = field(&d, root, "confidential", false);
    rv->file = field(&d, root, "file", false);
    if (rv->file && (strchr(rv->file, '/') || rv->file[0] == '.'))
        ydoc_problem(&d, ydoc_get(&d, root, "file"),
                     "'file' must name a file in the review's folder (REVIEWER.EXT)");
    yaml_node_t *sig = ydoc_get(&d, root, "signed");
    if (sig) {
        int b = ydoc_bool(sig);
        if (b < 0)
            ydoc_problem(&d, sig, "'signed' must be true or false");
        rv->signed_review = b == 1;
    }
    ydoc_free(&d);
    if (error_count()) {
        review_free(rv);
        return JOURNAL_EINPUT;
    }
    return 0;
}

void review_write(const struct review *rv, struct strbuf *out)
{
    struct ywriter w;
    char num[32];
    ywriter_begin(&w, out);
    ywriter_map_begin(&w);
    ywriter_pair(&w, "reviewer", rv->reviewer);
    snprintf(num, sizeof(num), "%lu", rv->round);
    ywriter_pair_plain(&w, "round", num);
    ywriter_pair_plain(&w, "verdict", rv->verdict);
    ywriter_pair_plain(&w, "submitted", rv->submitted);
    if (rv->amended)
        ywriter_pair_plain(&w, "amended", rv->amended);
    if (rv->signed_review)
        ywriter_pair_plain(&w, "signed", "true");
    if (rv->file)
        ywriter_pair(&w, "file", rv->file);
    ywriter_pair_text(&w, "comments", rv->comments);
    if (rv->confidential)
        ywriter_pair_text(&w, "confidential", rv->confidential);
    ywriter_map_end(&w);
    ywriter_end(&w);
}

void review_free(struct review *rv)
{
    free(rv->reviewer);
    free(rv->verdict);
    free(rv->submitted);
    free(rv->amended);
    free(rv->comments);
    free(rv->confidential);
    free(rv->file);
    memset(rv, 0, sizeof(*rv));
}

char *review_path(unsigned long number, unsigned long round, const char *reviewer)
{
    return xasprintf("submissions/%lu/reviews/round-%lu/%s.yaml", number, round, reviewer);
}

bool review_file_allowed(const char *name, const char **why)
{
    static const char *const kinds[] = {".pdf", ".doc",  ".docx", ".odt",  ".rtf", ".txt",
                                        ".md",  ".csv",  ".xls",  ".xlsx", ".ods", ".png",
                                        ".jpg", ".jpeg", ".zip",  NULL};
    const char *dot = name ? strrchr(name, '.') : NULL;
    for (size_t i = 0; dot && kinds[i]; i++)
        if (!strcasecmp(dot, kinds[i]))
            return true;
    *why = "expected a PDF, Word or OpenDocument file, plain text or Markdown, a spreadsheet "
           "(CSV, XLS, XLSX, ODS), a PNG or JPEG image, or a ZIP archive";
    return false;
}
