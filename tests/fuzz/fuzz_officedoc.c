/* A word processor's package (.docx, .odt) as util/officedoc.c looks into it before Pandoc. */
#include "fuzz_common.h"

#include "util/officedoc.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct officedoc_report report;
    error_clear();
    (void)officedoc_check("paper.docx", true, (const char *)data, size, &report);
    error_clear();
    (void)officedoc_check("paper.odt", false, (const char *)data, size, &report);
    error_clear();
    return 0;
}
