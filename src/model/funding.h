#ifndef JOURNAL_MODEL_FUNDING_H
#define JOURNAL_MODEL_FUNDING_H

#include "util/yaml.h"

#include <stddef.h>

/*
 * What funded the work an article reports: the front matter's `funding:`, in
 * Quarto's scholarly shape (https://quarto.org/docs/authoring/front-matter.html#funding)
 * with two identifiers of our own for the funder, so that JATS and Crossref can
 * name it unambiguously:
 *
 *   funding:
 *     statement: "This work was supported by the Science Committee ... (AP19680123)."
 *     awards:
 *       - id: AP19680123                 # the award (grant) number
 *         name: "Merit in the civil service"   # optional
 *         source:                        # the funder: a name, a mapping, or a list of them
 *           text: "Science Committee of the Ministry of Science and Higher Education"
 *           ror: https://ror.org/0xxxxxxNN                   # optional
 *           funder-id: 10.13039/501100000780                 # optional: Crossref Funder Registry
 *
 * `funding:` may also be a statement alone ("funding: ..."), a list of such
 * entries, or entries with source and id directly (Quarto's older form, one award
 * each). name is accepted for text; open-access, description, recipient,
 * investigator and country are accepted and not used. The ROR id is checked
 * (check digits) and kept as https://ror.org/<id>; the Funder Registry id is
 * kept as a bare DOI (10.13039/<digits>), given bare, as a doi.org URL or as its
 * digits alone. Problems are reported at their node (ydoc_problem).
 */
struct funder {
    char *name;
    char *ror;       /* https://ror.org/0xxxxxxNN, or NULL */
    char *funder_id; /* 10.13039/501100000780, or NULL */
};

struct funding_award {
    struct funder *sources; /* at least one */
    size_t nsources;
    char *id;   /* the award number, or NULL */
    char *name; /* the award's title, or NULL */
};

struct funding {
    char **statements;
    size_t nstatements;
    struct funding_award *awards;
    size_t nawards;
};

void funding_parse(struct ydoc *d, yaml_node_t *n, struct funding *out);
void funding_free(struct funding *f);

#endif
