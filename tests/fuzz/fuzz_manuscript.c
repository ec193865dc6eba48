/*
 * A manuscript as submit, import and build-site read it: front matter (YAML) and
 * Markdown body, then the body and abstract rendered to HTML as article pages are.
 * An input of odd length is read as submit reads it, with the journal's rules (an English
 * and Russian journal): its in-text citations checked against its references. The body is
 * rendered with its citations resolved, as on the article's page.
 */
#include "fuzz_common.h"

#include "model/config.h"
#include "model/manuscript.h"
#include "site/markdown.h"
#include "util/arena.h"
#include "util/strbuf.h"

#include <string.h>

static void shutdown_markdown(void)
{
    markdown_shutdown();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_open_tables();
    markdown_prepare();
    atexit(shutdown_markdown);
    return 0;
}

static void render(const char *text, size_t len, bool raw, const struct manuscript *cited)
{
    struct strbuf html = STRBUF_INIT;
    struct arena_mark mark = arena_mark();
    struct markdown_doc doc;
    if (!markdown_parse(text, len, raw, &doc)) {
        if (cited)
            markdown_cite(&doc, &cited->references, cited->lang);
        markdown_render_html(&doc, &html);
    }
    arena_release(mark);
    strbuf_release(&html);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct manuscript m;
    struct md_limits limits;
    md_limits_default(&limits, 2u * 1024 * 1024);
    static char *languages[] = {"en", "ru"};
    static struct journal_config config = {.languages = languages, .nlanguages = 2};
    struct manuscript_rules rules = {fuzz_countries, fuzz_languages, "en", &limits,
                                     size & 1 ? &config : NULL};
    error_clear();
    if (manuscript_parse(&m, "manuscript.md", (const char *)data, size, &rules) == 0) {
        render(m.body, m.body_len, false, &m);
        if (m.abstract)
            render(m.abstract, strlen(m.abstract), false, NULL);
        manuscript_free(&m);
    }
    error_clear();
    return 0;
}
