#define _DEFAULT_SOURCE /* mkdtemp */
#include "workflow/word.h"

#include "workflow/bibliography.h"

#include "util/alloc.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/officedoc.h"
#include "util/process.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* Pandoc 2.17 converts a 100-page thesis in about 2 s; its runtime reserves ~1 GB of address
   space before it reads a byte (under 1.5 GB it cannot start its threads). */
#define PANDOC_TIMEOUT_SECONDS 120.0
#define PANDOC_MAX_MEMORY      ((size_t)4 << 30)

static const char *extension(const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *dot = strrchr(slash ? slash + 1 : path, '.');
    return dot ? dot + 1 : "";
}

bool word_is_document(const char *path)
{
    static const char *const exts[] = {"docx", "odt", "docm", "dotm", "dotx",
                                       "ott",  "doc", "rtf",  "fodt", NULL};
    const char *ext = extension(path);
    for (size_t i = 0; exts[i]; i++)
        if (!strcasecmp(ext, exts[i]))
            return true;
    return false;
}

static void add_warning(struct word_doc *doc, char *text)
{
    doc->warnings = xrealloc(doc->warnings, (doc->nwarnings + 1) * sizeof(char *));
    doc->warnings[doc->nwarnings++] = text;
}

/*
 * Pandoc, from JOURNAL_PANDOC or PATH: 0 with *program set (to free), or JOURNAL_EINPUT. A
 * relative path is made absolute: Pandoc runs in a folder of its own.
 */
static int locate_pandoc(const char *file, char **program)
{
    const char *env = getenv("JOURNAL_PANDOC");
    const char *name = env && *env ? env : "pandoc";
    struct stat st;
    if (strchr(name, '/')) {
        if (process_executable(name, &st) && (*program = realpath(name, NULL)))
            return 0;
    } else {
        char *found = process_on_path(name, &st);
        if (found) {
            free(found);
            *program = xstrdup(name);
            return 0;
        }
    }
    if (env && *env)
        return error_input("%s: JOURNAL_PANDOC=%s: no such program; journal converts Word and "
                           "OpenDocument files with Pandoc: %s",
                           file, env, WORD_INSTALL_PANDOC);
    return error_input("%s: journal converts Word and OpenDocument files with Pandoc, which is "
                       "not installed (no pandoc on PATH): %s",
                       file, WORD_INSTALL_PANDOC);
}

static int run_pandoc(const char *file, const char *program, const char *workdir, const char *input,
                      const char *from, struct word_doc *doc)
{
    const char *argv[] = {program, from,
                          /* GitHub-flavoured Markdown as cmark-gfm reads it: pipe tables,
                             footnotes; no raw HTML, which the site shows as text (a picture
                             with a size would become <img>, a heading <span id>); math as
                             $TeX$ (without it Pandoc writes "*m**c*²"). */
                          "--to=gfm-raw_html+tex_math_dollars", "--wrap=none",
                          /* Tracked changes as accepted (refused before unless asked for);
                             comments are dropped with them. */
                          "--track-changes=accept", "--extract-media=files", "--output=body.md",
                          input, NULL};
    struct strbuf err = STRBUF_INIT;
    struct process_spec spec = {.name = "Pandoc",
                                .program = program,
                                .argv = argv,
                                .install = WORD_INSTALL_PANDOC,
                                .timeout = PANDOC_TIMEOUT_SECONDS,
                                .max_memory = PANDOC_MAX_MEMORY,
                                .cwd = workdir};
    int rc = process_run(&spec, NULL, &err);
    if (rc) {
        error_prefix("%s: cannot be converted", file);
        strbuf_release(&err);
        return JOURNAL_EINPUT;
    }
    /* What Pandoc warned of (an unsupported element, a missing picture) goes to the author. */
    for (char *line = err.buf; err.len && line && *line;) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        if (*line)
            add_warning(doc, xasprintf("%s: Pandoc: %s", file, line));
        line = nl ? nl + 1 : NULL;
    }
    strbuf_release(&err);
    char *body = fs_join(workdir, "body.md");
    rc = fs_read_file(body, &doc->markdown);
    free(body);
    if (rc)
        return rc;
    char *media = fs_join(workdir, "files");
    char **names = NULL;
    size_t count = 0, alloc = 0;
    if (fs_is_dir(media))
        rc = fs_list_files(media, &names, &count, &alloc);
    doc->media = xcalloc(count ? count : 1, sizeof(*doc->media));
    for (size_t i = 0; i < count; i++) {
        if (!rc && !fs_is_safe_relative(names[i]))
            rc = error_input("%s: a picture in the package has a name journal cannot store: %s",
                             file, names[i]);
        if (!rc) {
            struct word_media *m = &doc->media[doc->nmedia++];
            m->name = xasprintf("files/%s", names[i]);
            strbuf_init(&m->data);
            char *path = fs_join(media, names[i]);
            rc = fs_read_file(path, &m->data);
            free(path);
        }
        free(names[i]);
    }
    free(names);
    free(media);
    return rc;
}

int word_convert(const char *path, size_t max_size, bool accept_changes, struct word_doc *doc)
{
    memset(doc, 0, sizeof(*doc));
    strbuf_init(&doc->original);
    strbuf_init(&doc->markdown);
    const char *ext = extension(path);
    if (!strcasecmp(ext, "docm") || !strcasecmp(ext, "dotm"))
        return error_input("%s: a macro-enabled Word document (.%s); journal does not accept "
                           "macros: save it as a Word Document (.docx)",
                           path, ext);
    if (!strcasecmp(ext, "docx"))
        doc->ext = "docx";
    else if (!strcasecmp(ext, "odt"))
        doc->ext = "odt";
    else
        return error_input("%s: journal converts Word Documents (.docx) and OpenDocument Text "
                           "(.odt); save it as one of them (not .%s)",
                           path, ext);
    char *program = NULL;
    int rc =
        fs_read_file_limited(path, max_size, "max_manuscript_size in journal.yaml", &doc->original);
    if (rc)
        return rc;
    struct officedoc_report report;
    rc = officedoc_check(path, !strcmp(doc->ext, "docx"), doc->original.buf, doc->original.len,
                         &report);
    if (rc)
        return rc;
    size_t nchanged = report.changes;
    if (nchanged && !accept_changes)
        return error_input("%s: the document has tracked changes (%zu); accept or reject them "
                           "in the word processor and save it again, or give --accept-changes "
                           "to take the text as if every change were accepted",
                           path, nchanged);
    if (nchanged)
        add_warning(doc, xasprintf("%s: %zu tracked change%s accepted (--accept-changes)", path,
                                   nchanged, nchanged == 1 ? "" : "s"));
    if (report.comments)
        add_warning(doc, xasprintf("%s: %zu comment%s dropped: the manuscript keeps none of the "
                                   "document's comments",
                                   path, report.comments, report.comments == 1 ? "" : "s"));
    rc = locate_pandoc(path, &program);
    if (rc)
        return rc;

    const char *tmp = getenv("TMPDIR");
    char *workdir = xasprintf("%s/journal-word-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(workdir)) {
        rc = error_errno("cannot make a temporary folder %s", workdir);
        free(workdir);
        free(program);
        return rc;
    }
    /* Pandoc reads the bytes that were checked, not the file again. */
    char *input = xasprintf("original.%s", doc->ext);
    char *copy = fs_join(workdir, input);
    rc = fs_write_file(copy, doc->original.buf, doc->original.len);
    free(copy);
    char from[16];
    snprintf(from, sizeof(from), "--from=%s", doc->ext);
    if (!rc)
        rc = run_pandoc(path, program, workdir, input, from, doc);
    free(program);
    free(input);
    char *saved = rc ? error_save() : NULL;
    fs_remove_tree(workdir);
    if (rc)
        error_restore(saved);
    free(workdir);
    return rc;
}

void word_doc_free(struct word_doc *doc)
{
    strbuf_release(&doc->original);
    strbuf_release(&doc->markdown);
    for (size_t i = 0; i < doc->nmedia; i++) {
        free(doc->media[i].name);
        strbuf_release(&doc->media[i].data);
    }
    free(doc->media);
    for (size_t i = 0; i < doc->nwarnings; i++)
        free(doc->warnings[i]);
    free(doc->warnings);
    memset(doc, 0, sizeof(*doc));
}

int word_save(const struct word_doc *doc, const char *output)
{
    char *dir = NULL;
    if (output) {
        const char *slash = strrchr(output, '/');
        dir = slash ? xstrndup(output, (size_t)(slash - output) + (slash == output)) : NULL;
        /* Checked before the pictures are written, so that a refusal leaves nothing. */
        if (fs_is_dir(output) || (dir && !fs_is_dir(dir))) {
            int rc = fs_is_dir(output)
                         ? error_input("-o %s: is a folder, expected a file name", output)
                         : error_input("-o %s: no such folder %s", output, dir);
            free(dir);
            return rc;
        }
    }
    int rc = 0;
    for (size_t i = 0; !rc && i < doc->nmedia; i++) {
        char *path = dir ? fs_join(dir, doc->media[i].name) : xstrdup(doc->media[i].name);
        rc = fs_mkdirs_parent(path);
        if (!rc)
            rc = fs_write_atomic(path, doc->media[i].data.buf, doc->media[i].data.len);
        free(path);
    }
    free(dir);
    if (rc)
        return rc;
    if (!output) {
        if (fwrite(doc->markdown.buf, 1, doc->markdown.len, stdout) != doc->markdown.len ||
            fflush(stdout))
            return error_errno("cannot write the Markdown to standard output");
        return 0;
    }
    return fs_write_atomic(output, doc->markdown.buf, doc->markdown.len);
}

int word_read_manuscript(const struct word_source *src, const struct manuscript_rules *rules,
                         size_t max_size, struct manuscript *m, struct strbuf *text,
                         struct word_doc *doc)
{
    memset(doc, 0, sizeof(*doc));
    memset(m, 0, sizeof(*m));
    if (!word_is_document(src->manuscript)) {
        if (src->metadata)
            return error_usage("--metadata %s: only a Word or OpenDocument manuscript takes its "
                               "front matter from a file; %s has its own",
                               src->metadata, src->manuscript);
        if (src->accept_changes)
            return error_usage("--accept-changes: %s is not a Word or OpenDocument file",
                               src->manuscript);
        struct strbuf checked = STRBUF_INIT, stored = STRBUF_INIT;
        int rc = fs_read_file_limited(src->manuscript, max_size,
                                      "max_manuscript_size in journal.yaml", text);
        /* A bibliography file is read into the references before anything is checked. */
        int bib = rc ? 0
                     : bibliography_convert(src->manuscript, text->buf, text->len,
                                            src->max_bibliography_size, &checked, &stored);
        if (bib < 0)
            rc = bib;
        if (!rc) {
            const struct strbuf *parsed = bib ? &checked : text;
            rc = manuscript_parse(m, src->manuscript, parsed->buf, parsed->len, rules);
        }
        if (!rc && bib) {
            strbuf_release(text);
            *text = stored;
            strbuf_init(&stored);
        }
        strbuf_release(&checked);
        strbuf_release(&stored);
        return rc;
    }
    if (!src->metadata)
        return error_usage("%s: a Word or OpenDocument manuscript needs its front matter "
                           "(title, authors, abstract, ...: docs/authors.md) from "
                           "--metadata META.yaml",
                           src->manuscript);
    struct strbuf meta = STRBUF_INIT, checked = STRBUF_INIT, stored = STRBUF_INIT;
    int rc =
        fs_read_file_limited(src->metadata, max_size, "max_manuscript_size in journal.yaml", &meta);
    /* bibliography: in META.yaml is read into the references, as a Markdown manuscript's. */
    int bib = rc ? 0
                 : bibliography_convert_metadata(src->metadata, meta.buf, meta.len,
                                                 src->max_bibliography_size, &checked, &stored);
    if (bib < 0)
        rc = bib;
    if (!rc)
        rc = word_convert(src->manuscript, max_size, src->accept_changes, doc);
    /* Checked with the references on the line of bibliography:, so that every message names
       META.yaml's own lines; kept with them in block YAML. */
    const struct strbuf *parsed = bib ? &checked : &meta;
    if (!rc)
        rc = manuscript_parse_parts(m, src->metadata, parsed->buf, parsed->len, src->manuscript,
                                    doc->markdown.buf, doc->markdown.len, rules, text);
    if (!rc && bib) {
        manuscript_free(m);
        strbuf_reset(text);
        rc = manuscript_parse_parts(m, src->metadata, stored.buf, stored.len, src->manuscript,
                                    doc->markdown.buf, doc->markdown.len, rules, text);
    }
    strbuf_release(&meta);
    strbuf_release(&checked);
    strbuf_release(&stored);
    return rc;
}

size_t word_nfiles(const struct word_doc *doc)
{
    return doc->ext ? doc->nmedia + 1 : 0;
}

const char *word_file(const struct word_doc *doc, size_t i, const struct strbuf **data)
{
    if (i < doc->nmedia) {
        *data = &doc->media[i].data;
        return doc->media[i].name + strlen("files/");
    }
    *data = &doc->original;
    return !strcmp(doc->ext, "docx") ? "original.docx" : "original.odt";
}
