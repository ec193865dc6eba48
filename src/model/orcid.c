#include "model/orcid.h"

#include <stddef.h>
#include <string.h>

#define ORCID_LENGTH 19 /* four groups of four characters and three hyphens */

static const char *const prefixes[] = {"https://orcid.org/", "http://orcid.org/", "orcid.org/"};

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int is_ascii_space(char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

static int has_prefix_nocase(const char *s, const char *prefix)
{
    for (; *prefix; s++, prefix++) {
        char c = *s;
        if (c >= 'A' && c <= 'Z')
            c = (char)(c + ('a' - 'A'));
        if (c != *prefix)
            return 0;
    }
    return 1;
}

char orcid_check_digit(const char *digits15)
{
    if (!digits15)
        return '\0';
    unsigned total = 0;
    for (size_t i = 0; i < 15; i++) {
        if (!is_digit(digits15[i]))
            return '\0';
        total = (total + (unsigned)(digits15[i] - '0')) * 2 % 11;
    }
    if (digits15[15])
        return '\0';
    return "0123456789X"[(12 - total) % 11];
}

enum orcid_status orcid_check(const char *text, char canonical[ORCID_CANONICAL_SIZE])
{
    if (canonical)
        canonical[0] = '\0';
    if (!text)
        return ORCID_BAD_FORMAT;

    while (is_ascii_space(*text))
        text++;
    for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
        if (has_prefix_nocase(text, prefixes[i])) {
            text += strlen(prefixes[i]);
            break;
        }
    }
    size_t len = strlen(text);
    while (len && is_ascii_space(text[len - 1]))
        len--;
    if (len != ORCID_LENGTH)
        return ORCID_BAD_FORMAT;

    char digits[16];
    size_t ndigits = 0;
    for (size_t i = 0; i < ORCID_LENGTH - 1; i++) {
        if (i % 5 == 4) {
            if (text[i] != '-')
                return ORCID_BAD_FORMAT;
        } else if (is_digit(text[i])) {
            digits[ndigits++] = text[i];
        } else {
            return ORCID_BAD_FORMAT;
        }
    }
    digits[ndigits] = '\0';

    char last = text[ORCID_LENGTH - 1];
    if (last == 'x')
        last = 'X';
    if (!is_digit(last) && last != 'X')
        return ORCID_BAD_FORMAT;
    if (orcid_check_digit(digits) != last)
        return ORCID_BAD_CHECKSUM;

    if (canonical) {
        memcpy(canonical, text, ORCID_LENGTH - 1);
        canonical[ORCID_LENGTH - 1] = last;
        canonical[ORCID_LENGTH] = '\0';
    }
    return ORCID_VALID;
}
