/*
 * Markdown alone, as build-site renders article bodies, abstracts and pages: the
 * first byte chooses whether raw HTML is allowed (journal.yaml's allow_raw_html).
 */
#include "fuzz_common.h"

#include "site/markdown.h"
#include "util/strbuf.h"

static void shutdown_markdown(void)
{
    markdown_shutdown();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    markdown_prepare();
    atexit(shutdown_markdown);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    bool raw = data[0] & 1;
    struct strbuf html = STRBUF_INIT;
    error_clear();
    markdown_to_html((const char *)data + 1, size - 1, raw, &html);
    strbuf_release(&html);
    error_clear();
    return 0;
}
