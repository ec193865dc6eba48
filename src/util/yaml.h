#ifndef JOURNAL_UTIL_YAML_H
#define JOURNAL_UTIL_YAML_H

#include "util/strbuf.h"

#include <stdbool.h>
#include <stddef.h>
#include <yaml.h>

/*
 * A parsed YAML document that remembers where each node came from, so that
 * every validation message can name file, line and column. line_offset is
 * added to libyaml's lines: front matter starts on line 2 of a manuscript.
 */
struct ydoc {
    yaml_document_t doc;
    const char *file;
    size_t line_offset;
    bool loaded;
};

/* Parse exactly one document. Syntax errors: JOURNAL_EINPUT "file:line:col: invalid YAML: ..." */
int ydoc_load(struct ydoc *d, const char *file, const char *text, size_t len, size_t line_offset);
/*
 * Load a document whose root must be a mapping (else "file:1:1: expected ..."),
 * report keys not among allowed, and return the root. Earlier errors are cleared
 * first, so that error_count() afterwards counts this document's problems.
 */
int ydoc_load_mapping(struct ydoc *d, const char *file, const char *text, size_t len,
                      const char *const *allowed, const char *what, const char *expected,
                      yaml_node_t **root);
void ydoc_free(struct ydoc *d);
/* NULL for an empty document. */
yaml_node_t *ydoc_root(struct ydoc *d);
yaml_node_t *ydoc_node(struct ydoc *d, int id);
/* Value for key in a mapping node, or NULL (also when map is not a mapping). */
yaml_node_t *ydoc_get(struct ydoc *d, yaml_node_t *map, const char *key);
/* The key node for key (to point errors at it), or NULL. */
yaml_node_t *ydoc_get_key(struct ydoc *d, yaml_node_t *map, const char *key);
/* Scalar text, or NULL when n is not a scalar. */
const char *ydoc_scalar(yaml_node_t *n);
bool ydoc_is_null(yaml_node_t *n);
size_t ydoc_line(const struct ydoc *d, const yaml_node_t *n);
size_t ydoc_column(const yaml_node_t *n);
/* Report a problem at node n (error_add_at: several can accumulate). */
void ydoc_problem(const struct ydoc *d, const yaml_node_t *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Check that every key of a mapping is among allowed (NULL-terminated); reports the others. */
void ydoc_check_keys(struct ydoc *d, yaml_node_t *map, const char *const *allowed,
                     const char *what);
/* "true"/"false"/"yes"/"no" (YAML 1.1 and 1.2 spellings). Returns -1 when neither. */
int ydoc_bool(yaml_node_t *n);
/* A non-negative integer scalar; returns false when it is not one. */
bool ydoc_uint(yaml_node_t *n, unsigned long *out);

/*
 * Emitting: a thin layer over libyaml's emitter so that values we write are
 * quoted correctly whatever they contain.
 */
struct ywriter {
    yaml_emitter_t emitter;
    struct strbuf *out;
    int failed;
};
int ywriter_begin(struct ywriter *w, struct strbuf *out);
int ywriter_end(struct ywriter *w);
void ywriter_map_begin(struct ywriter *w);
void ywriter_map_end(struct ywriter *w);
void ywriter_seq_begin(struct ywriter *w, bool flow);
void ywriter_seq_end(struct ywriter *w);
void ywriter_scalar(struct ywriter *w, const char *value);
/* A plain scalar (numbers, dates, booleans): never quoted. */
void ywriter_plain(struct ywriter *w, const char *value);
void ywriter_pair(struct ywriter *w, const char *key, const char *value);
/* Multi-line text as a literal block (|), readable in a diff; libyaml falls back to quoting
   when the text cannot be a block (for example trailing spaces on a line). */
void ywriter_pair_text(struct ywriter *w, const char *key, const char *value);
void ywriter_pair_plain(struct ywriter *w, const char *key, const char *value);

#endif
