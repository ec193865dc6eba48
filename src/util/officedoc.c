#include "util/officedoc.h"

#include "util/alloc.h"
#include "util/error.h"
#include "util/strbuf.h"

#include <libxml/xmlreader.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

/*
 * Bounds for what a package unpacks to. A .docx within max_manuscript_size can still hold a
 * document.xml that inflates a thousandfold (a ZIP bomb): the XML is read as a stream and
 * never past this.
 */
#define MAX_XML_PART   ((size_t)256 << 20)
#define MAX_SMALL_PART ((size_t)1 << 20)

#define DOCX_MAIN "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
#define ODT_MIME  "application/vnd.oasis.opendocument.text"

#define W_NS    "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#define TEXT_NS "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
#define OFF_NS  "urn:oasis:names:tc:opendocument:xmlns:office:1.0"

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
static const char *not_zip_what(const char *b, size_t len)
{
    if (len >= 4 && !memcmp(b, "%PDF", 4))
        return "a PDF file";
    if (len >= 8 && !memcmp(b, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8))
        return "an old binary Word (.doc) file";
    if (len >= 5 && !memcmp(b, "{\\rtf", 5))
        return "an RTF file";
    if (len >= 5 && !memcmp(b, "<?xml", 5))
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

int officedoc_check(const char *file, bool docx, const char *data, size_t len,
                    struct officedoc_report *out)
{
    memset(out, 0, sizeof(*out));
    const char *ext = docx ? "docx" : "odt";
    if (len < 4 || memcmp(data, "PK\x03\x04", 4))
        return error_input("%s: not a %s file: %s (a .%s file is a ZIP package, which starts "
                           "with 'PK'); save it from the word processor as %s",
                           file, ext, not_zip_what(data, len), ext,
                           docx ? "a Word Document (.docx)" : "OpenDocument Text (.odt)");
    zip_error_t zerr;
    zip_error_init(&zerr);
    zip_source_t *src = zip_source_buffer_create(data, len, 0, &zerr);
    zip_t *z = src ? zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &zerr) : NULL;
    if (!z) {
        int rc = error_input("%s: corrupt: not a readable ZIP package (%s); save the document "
                             "again from the word processor",
                             file, zip_error_strerror(&zerr));
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
    struct element_count *changes = docx ? docx_changes : odt_changes;
    struct element_count *comments = docx ? docx_comments : odt_comments;
    size_t nchanges = docx ? 4 : 1;
    int rc = docx ? check_docx(z, file, changes, nchanges, comments, 1)
                  : check_odt(z, file, changes, nchanges, comments, 1);
    zip_discard(z);
    for (size_t i = 0; i < nchanges; i++)
        out->changes += changes[i].count;
    out->comments = comments[0].count;
    return rc;
}
