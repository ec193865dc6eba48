/* An issue manifest (issues/<id>.yaml) as build-site and build-issue read it, written back. */
#include "fuzz_common.h"

#include "model/issue.h"
#include "util/strbuf.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct issue_manifest is;
    error_clear();
    if (issue_parse(&is, 1, "issues/1.yaml", (const char *)data, size, NULL) == 0) {
        struct strbuf out = STRBUF_INIT;
        issue_write(&is, &out);
        char *label = issue_label(&is);
        free(label);
        strbuf_release(&out);
    }
    issue_free(&is);
    error_clear();
    return 0;
}
