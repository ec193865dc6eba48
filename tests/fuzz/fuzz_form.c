/* The front desk's form decoding (application/x-www-form-urlencoded, src/desk/form.c). The
 * oracle: a form that parses, encoded again field by field, parses to the same fields. */
#include "fuzz_common.h"

#include "desk/form.h"
#include "util/strbuf.h"

#include <stdlib.h>
#include <string.h>

static void encode(struct strbuf *out, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
            strbuf_addch(out, (char)c);
        else
            strbuf_addf(out, "%%%02X", c);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct form f, again;
    error_clear();
    if (form_parse((const char *)data, size, &f)) {
        error_clear();
        return 0;
    }
    struct strbuf enc = STRBUF_INIT;
    for (size_t i = 0; i < f.count; i++) {
        if (i)
            strbuf_addch(&enc, '&');
        encode(&enc, f.fields[i].name);
        strbuf_addch(&enc, '=');
        encode(&enc, f.fields[i].value);
    }
    if (form_parse(enc.buf, enc.len, &again))
        abort();
    /* A field with an empty name and value ("=") encodes to "=", which parses back the same;
       only empty pairs ("&&") are skipped, and those were skipped the first time too. */
    if (again.count != f.count)
        abort();
    for (size_t i = 0; i < f.count; i++)
        if (strcmp(f.fields[i].name, again.fields[i].name) ||
            strcmp(f.fields[i].value, again.fields[i].value))
            abort();
    form_free(&again);
    form_free(&f);
    strbuf_release(&enc);
    return 0;
}
