#define _DEFAULT_SOURCE /* mkdtemp */
#include "workflow/word.h"

#include "util/alloc.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/process.h"

#include <libxml/xmlreader.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

/*
 * Bounds for what a package unpacks to. A .docx within max_manuscript_size can still hold a
 * document.xml that inflates a thousandfold (a ZIP bomb): the XML is read as a stream and
 * never past this.
 */
#define MAX_XML_PART   ((size_t)512 << 20)
#define MAX_SMALL_PART ((size_t)1 << 20)
/* Pandoc 2.17 converts a 100-page thesis in about 2 s; its runtime reserves ~1 GB of address
   space before it reads a byte (under 1.5 GB it cannot start its threads). */
#define PANDOC_TIMEOUT_SECONDS 120.0
#define PANDOC_MAX_MEMORY      ((size_t)4 << 30)

#define DOCX_MAIN  "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
#define DOCX_MACRO "application/vnd.ms-word.document.macroEnabled.main+xml"
#define ODT_MIME   "application/vnd.oasis.opendocument.text"

#define W_NS    "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#define TEXT_NS "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
#define OFF_NS  "urn:oasis:names:tc:opendocument:xmlns:office:1.0"

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

/* An entry read whole, up to max bytes: 0, or JOURNAL_EINPUT naming the file. */
static int read_entry(zip_t *z, const char *file, const char *name, size_t max, struct strbuf *out,
                      bool *found)
{
    *found = false;
    zip_int64_t idx = zip_name_locate(z, name, 0);
    if (idx < 0)
        return 0;
    *found = true;
    zip_file_t *f = zip_fopen_index(z, (zip_uint64_t)idx, 0);
    if (!f)
        return error_input("%s: corrupt: cannot read %s in the package (%s); save the document "
                           "again from the word processor",
                           file, name, zip_strerror(z));
    char buf[16384];
    zip_int64_t n;
    while ((n = zip_fread(f, buf, sizeof(buf))) > 0) {
        if (out->len + (size_t)n > max) {
            zip_fclose(f);
            return error_input("%s: %s in the package is larger than %zu bytes", file, name, max);
        }
        strbuf_add(out, buf, (size_t)n);
    }
    int rc = 0;
    if (n < 0)
        rc = error_input("%s: corrupt: cannot read %s in the package (%s); save the document "
                         "again from the word processor",
                         file, name, zip_file_strerror(f));
    zip_fclose(f);
    return rc;
}

struct xml_stream {
    zip_file_t *f;
    size_t read;
    bool too_big, failed;
};

static int stream_read(void *ctx, char *buf, int len)
{
    struct xml_stream *s = ctx;
    zip_int64_t n = zip_fread(s->f, buf, (zip_uint64_t)len);
    if (n < 0) {
        s->failed = true;
        return -1;
    }
    s->read += (size_t)n;
    if (s->read > MAX_XML_PART) {
        s->too_big = true;
        return -1;
    }
    return (int)n;
}

static int stream_close(void *ctx)
{
    (void)ctx;
    return 0;
}

static void keep_first_error(void *arg, const char *msg, xmlParserSeverities severity,
                             xmlTextReaderLocatorPtr locator)
{
    (void)locator;
    char **first = arg;
    if (!*first &&
        (severity == XML_PARSER_SEVERITY_ERROR || severity == XML_PARSER_SEVERITY_VALIDITY_ERROR)) {
        *first = xstrdup(msg);
        size_t n = strlen(*first);
        while (n && ((*first)[n - 1] == '\n' || (*first)[n - 1] == ' '))
            (*first)[--n] = '\0';
    }
}

struct element_count {
    const char *ns, *name;
    size_t count;
};

/* Count the elements named in counts in an XML part of the package (absent: none). */
static int count_elements(zip_t *z, const char *file, const char *name,
                          struct element_count *counts, size_t ncounts)
{
    zip_int64_t idx = zip_name_locate(z, name, 0);
    if (idx < 0)
        return 0;
    struct xml_stream s = {zip_fopen_index(z, (zip_uint64_t)idx, 0), 0, false, false};
    if (!s.f)
        return error_input("%s: corrupt: cannot read %s in the package (%s); save the document "
                           "again from the word processor",
                           file, name, zip_strerror(z));
    xmlTextReaderPtr r = xmlReaderForIO(stream_read, stream_close, &s, name, NULL, XML_PARSE_NONET);
    if (!r) {
        zip_fclose(s.f);
        return error_internal("%s: cannot start reading %s", file, name);
    }
    char *first = NULL;
    xmlTextReaderSetErrorHandler(r, keep_first_error, &first);
    int ret;
    while ((ret = xmlTextReaderRead(r)) == 1) {
        if (xmlTextReaderNodeType(r) != XML_READER_TYPE_ELEMENT)
            continue;
        const char *local = (const char *)xmlTextReaderConstLocalName(r);
        const char *ns = (const char *)xmlTextReaderConstNamespaceUri(r);
        for (size_t i = 0; local && ns && i < ncounts; i++)
            if (!strcmp(local, counts[i].name) && !strcmp(ns, counts[i].ns))
                counts[i].count++;
    }
    xmlFreeTextReader(r);
    zip_fclose(s.f);
    int rc = 0;
    if (s.too_big)
        rc = error_input("%s: %s in the package unpacks to more than %zu bytes", file, name,
                         MAX_XML_PART);
    else if (ret != 0 || s.failed)
        rc = error_input("%s: corrupt: %s in the package is not well-formed XML%s%s; save the "
                         "document again from the word processor",
                         file, name, first ? ": " : "", first ? first : "");
    free(first);
    return rc;
}

/* What the first bytes of a file that is not a ZIP package say it is, for the message. */
static const char *not_zip_what(const struct strbuf *data)
{
    const char *b = data->buf;
    if (data->len >= 4 && !memcmp(b, "%PDF", 4))
        return "a PDF file";
    if (data->len >= 8 && !memcmp(b, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8))
        return "an old binary Word (.doc) file";
    if (data->len >= 5 && !memcmp(b, "{\\rtf", 5))
        return "an RTF file";
    if (data->len >= 5 && !memcmp(b, "<?xml", 5))
        return "an XML file";
    return "not a ZIP package";
}

static int check_docx(zip_t *z, const char *file, struct element_count *changes, size_t nchanges,
                      struct element_count *comments, size_t ncomments)
{
    struct strbuf types = STRBUF_INIT;
    bool found;
    int rc = read_entry(z, file, "[Content_Types].xml", MAX_SMALL_PART, &types, &found);
    if (!rc && !found) {
        bool odf = zip_name_locate(z, "mimetype", 0) >= 0;
        rc = error_input("%s: not a Word document: the package has no [Content_Types].xml%s", file,
                         odf ? " (it is an OpenDocument file: name it .odt)"
                             : "; save it from the word processor as a Word document (.docx)");
    }
    if (rc) {
        strbuf_release(&types);
        return rc;
    }
    /* The package's declaration of its main part, and of macros if it has any. */
    if (strstr(types.buf, "macroEnabled") || strstr(types.buf, "vbaProject") ||
        zip_name_locate(z, "word/vbaProject.bin", ZIP_FL_NOCASE) >= 0)
        rc = error_input("%s: the document contains macros (a macro-enabled document named "
                         ".docx); journal does not accept macros: save it as a Word Document "
                         "(.docx) without macros",
                         file);
    else if (!strstr(types.buf, DOCX_MAIN))
        rc = error_input("%s: not a Word document: [Content_Types].xml declares no "
                         "word-processing main part (%s); save it as a Word Document (.docx)",
                         file, DOCX_MAIN);
    strbuf_release(&types);
    if (rc)
        return rc;
    static const char *const parts[] = {"word/document.xml", "word/footnotes.xml",
                                        "word/endnotes.xml"};
    if (zip_name_locate(z, parts[0], 0) < 0)
        return error_input("%s: corrupt: the package has no word/document.xml; save the "
                           "document again from the word processor",
                           file);
    for (size_t i = 0; !rc && i < sizeof(parts) / sizeof(*parts); i++) {
        rc = count_elements(z, file, parts[i], changes, nchanges);
        if (!rc && i == 0)
            rc = count_elements(z, file, parts[i], comments, ncomments);
    }
    return rc;
}

static int check_odt(zip_t *z, const char *file, struct element_count *changes, size_t nchanges,
                     struct element_count *comments, size_t ncomments)
{
    struct strbuf mime = STRBUF_INIT;
    bool found;
    int rc = read_entry(z, file, "mimetype", 256, &mime, &found);
    if (!rc && !found) {
        bool ooxml = zip_name_locate(z, "[Content_Types].xml", 0) >= 0;
        rc = error_input("%s: not an OpenDocument text: the package has no mimetype%s", file,
                         ooxml ? " (it is a Word file: name it .docx)"
                               : "; save it from the word processor as OpenDocument Text (.odt)");
    }
    if (!rc && (mime.len != strlen(ODT_MIME) || memcmp(mime.buf, ODT_MIME, mime.len)))
        rc = error_input("%s: not an OpenDocument text: its mimetype is '%.*s', expected '%s'",
                         file, (int)(mime.len > 80 ? 80 : mime.len), mime.buf, ODT_MIME);
    strbuf_release(&mime);
    if (rc)
        return rc;
    if (zip_name_locate(z, "Basic/script-lc.xml", 0) >= 0)
        return error_input("%s: the document contains macros; journal does not accept macros: "
                           "save it as OpenDocument Text without them",
                           file);
    if (zip_name_locate(z, "content.xml", 0) < 0)
        return error_input("%s: corrupt: the package has no content.xml; save the document "
                           "again from the word processor",
                           file);
    rc = count_elements(z, file, "content.xml", changes, nchanges);
    if (!rc)
        rc = count_elements(z, file, "content.xml", comments, ncomments);
    return rc;
}

static void add_warning(struct word_doc *doc, char *text)
{
    doc->warnings = xrealloc(doc->warnings, (doc->nwarnings + 1) * sizeof(char *));
    doc->warnings[doc->nwarnings++] = text;
}

/* Pandoc, from JOURNAL_PANDOC or PATH: 0 with *program set, or JOURNAL_EINPUT. */
static int locate_pandoc(const char *file, const char **program)
{
    const char *env = getenv("JOURNAL_PANDOC");
    const char *name = env && *env ? env : "pandoc";
    struct stat st;
    if (strchr(name, '/')) {
        if (stat(name, &st) == 0 && S_ISREG(st.st_mode) && access(name, X_OK) == 0) {
            *program = name;
            return 0;
        }
    } else {
        const char *path = getenv("PATH");
        while (path && *path) {
            const char *colon = strchr(path, ':');
            size_t len = colon ? (size_t)(colon - path) : strlen(path);
            if (len) {
                char *dir = xstrndup(path, len);
                char *full = fs_join(dir, name);
                free(dir);
                bool ok = stat(full, &st) == 0 && S_ISREG(st.st_mode) && access(full, X_OK) == 0;
                free(full);
                if (ok) {
                    *program = name;
                    return 0;
                }
            }
            path = colon ? colon + 1 : NULL;
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
    const char *program = NULL;
    int rc =
        fs_read_file_limited(path, max_size, "max_manuscript_size in journal.yaml", &doc->original);
    if (rc)
        return rc;
    if (doc->original.len < 4 || memcmp(doc->original.buf, "PK\x03\x04", 4))
        return error_input("%s: not a %s file: %s (a .%s file is a ZIP package, which starts "
                           "with 'PK'); save it from the word processor as %s",
                           path, doc->ext, not_zip_what(&doc->original), doc->ext,
                           !strcmp(doc->ext, "docx") ? "a Word Document (.docx)"
                                                     : "OpenDocument Text (.odt)");

    zip_error_t zerr;
    zip_error_init(&zerr);
    zip_source_t *src = zip_source_buffer_create(doc->original.buf, doc->original.len, 0, &zerr);
    zip_t *z = src ? zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &zerr) : NULL;
    if (!z) {
        rc = error_input("%s: corrupt: not a readable ZIP package (%s); save the document again "
                         "from the word processor",
                         path, zip_error_strerror(&zerr));
        zip_source_free(src);
        zip_error_fini(&zerr);
        return rc;
    }
    zip_error_fini(&zerr);
    struct element_count docx_changes[] = {
        {W_NS, "ins", 0}, {W_NS, "del", 0}, {W_NS, "moveFrom", 0}, {W_NS, "moveTo", 0}};
    struct element_count docx_comments[] = {{W_NS, "commentReference", 0}};
    struct element_count odt_changes[] = {{TEXT_NS, "changed-region", 0}};
    struct element_count odt_comments[] = {{OFF_NS, "annotation", 0}};
    bool docx = !strcmp(doc->ext, "docx");
    struct element_count *changes = docx ? docx_changes : odt_changes;
    struct element_count *comments = docx ? docx_comments : odt_comments;
    size_t nchanges = docx ? 4 : 1;
    if (docx)
        rc = check_docx(z, path, changes, nchanges, comments, 1);
    else
        rc = check_odt(z, path, changes, nchanges, comments, 1);
    zip_discard(z);
    if (rc)
        return rc;
    size_t nchanged = 0;
    for (size_t i = 0; i < nchanges; i++)
        nchanged += changes[i].count;
    if (nchanged && !accept_changes)
        return error_input("%s: the document has tracked changes (%zu); accept or reject them "
                           "in the word processor and save it again, or give --accept-changes "
                           "to take the text as if every change were accepted",
                           path, nchanged);
    if (nchanged)
        add_warning(doc, xasprintf("%s: %zu tracked change%s accepted (--accept-changes)", path,
                                   nchanged, nchanged == 1 ? "" : "s"));
    if (comments[0].count)
        add_warning(doc, xasprintf("%s: %zu comment%s dropped: the manuscript keeps none of the "
                                   "document's comments",
                                   path, comments[0].count, comments[0].count == 1 ? "" : "s"));
    rc = locate_pandoc(path, &program);
    if (rc)
        return rc;

    const char *tmp = getenv("TMPDIR");
    char *workdir = xasprintf("%s/journal-word-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(workdir)) {
        rc = error_errno("cannot make a temporary folder %s", workdir);
        free(workdir);
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
        int rc = fs_read_file_limited(src->manuscript, max_size,
                                      "max_manuscript_size in journal.yaml", text);
        if (!rc)
            rc = manuscript_parse(m, src->manuscript, text->buf, text->len, rules);
        return rc;
    }
    if (!src->metadata)
        return error_usage("%s: a Word or OpenDocument manuscript needs its front matter "
                           "(title, authors, abstract, ...: docs/authors.md) from "
                           "--metadata META.yaml",
                           src->manuscript);
    struct strbuf meta = STRBUF_INIT;
    int rc =
        fs_read_file_limited(src->metadata, max_size, "max_manuscript_size in journal.yaml", &meta);
    if (!rc)
        rc = word_convert(src->manuscript, max_size, src->accept_changes, doc);
    if (!rc)
        rc = manuscript_parse_parts(m, src->metadata, meta.buf, meta.len, src->manuscript,
                                    doc->markdown.buf, doc->markdown.len, rules, text);
    strbuf_release(&meta);
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
