/* The reviewer roster (reviewers.yaml), and the name keys conflicts are checked with. */
#include "fuzz_common.h"

#include "model/roster.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_open_tables();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct roster r;
    error_clear();
    if (roster_parse(&r, "reviewers.yaml", (const char *)data, size, fuzz_countries,
                     fuzz_languages) == 0) {
        for (size_t i = 0; i < r.count; i++) {
            const struct roster_reviewer *rv = &r.reviewers[i];
            (void)roster_find(&r, rv->id);
            (void)roster_same_name(rv->name, rv->affiliation.name);
        }
        roster_free(&r);
    }
    error_clear();
    return 0;
}
