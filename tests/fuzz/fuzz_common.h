/* Shared by the libFuzzer targets: the lookup tables parsers need, opened once. */
#ifndef JOURNAL_FUZZ_COMMON_H
#define JOURNAL_FUZZ_COMMON_H

#include "model/country.h"
#include "model/language.h"
#include "util/error.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct country_db *fuzz_countries;
static struct language_db *fuzz_languages;

static inline void fuzz_close_tables(void)
{
    country_db_free(fuzz_countries);
    language_db_free(fuzz_languages);
    error_clear();
}

/* iso-codes is needed by every model parser; without it nothing would be fuzzed. */
static inline void fuzz_open_tables(void)
{
    if (country_db_open(&fuzz_countries, NULL, NULL) ||
        language_db_open(&fuzz_languages, NULL, NULL)) {
        fprintf(stderr, "fuzz: cannot open iso-codes: %s\n", error_message());
        abort();
    }
    atexit(fuzz_close_tables);
}

#endif
