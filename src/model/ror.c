#include "model/ror.h"

#include <ctype.h>
#include <strings.h>
#include <stdint.h>
#include <string.h>

static const char crockford[] = "0123456789abcdefghjkmnpqrstvwxyz";

static const char *strip_prefix(const char *s)
{
    static const char *const prefixes[] = {"https://www.ror.org/", "http://www.ror.org/",
                                           "https://ror.org/",     "http://ror.org/",
                                           "www.ror.org/",         "ror.org/"};
    for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
        if (!strncasecmp(s, prefixes[i], strlen(prefixes[i])))
            return s + strlen(prefixes[i]);
    return s;
}

enum ror_status ror_check(const char *text, char canonical[ROR_CANONICAL_SIZE])
{
    while (*text == ' ')
        text++;
    const char *id = strip_prefix(text);
    size_t len = strlen(id);
    while (len && id[len - 1] == ' ')
        len--;
    if (len != 9 || id[0] != '0' || !isdigit((unsigned char)id[7]) ||
        !isdigit((unsigned char)id[8]))
        return ROR_BAD_FORMAT;
    uint64_t value = 0;
    char lower[ROR_CANONICAL_SIZE];
    for (size_t i = 0; i < 9; i++)
        lower[i] = (char)tolower((unsigned char)id[i]);
    lower[9] = '\0';
    for (size_t i = 0; i < 7; i++) {
        const char *p = lower[i] ? strchr(crockford, lower[i]) : NULL;
        if (!p)
            return ROR_BAD_FORMAT;
        value = value * 32 + (uint64_t)(p - crockford);
    }
    unsigned check = (unsigned)(98 - (value * 100) % 97);
    if (check != (unsigned)((lower[7] - '0') * 10 + (lower[8] - '0')))
        return ROR_BAD_CHECKSUM;
    if (canonical)
        memcpy(canonical, lower, ROR_CANONICAL_SIZE);
    return ROR_VALID;
}
