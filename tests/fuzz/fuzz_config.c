/* journal.yaml: the journal's settings. */
#include "fuzz_common.h"

#include "model/config.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_open_tables();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct journal_config cfg;
    error_clear();
    if (config_parse(&cfg, "journal.yaml", (const char *)data, size, fuzz_languages) == 0)
        config_free(&cfg);
    error_clear();
    return 0;
}
