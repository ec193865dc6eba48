#include "model/standard_number.h"

#include <stdbool.h>
#include <string.h>

/* The digits of text (X allowed last only), hyphens and spaces dropped; their count, or 0 when
   anything else is there or there are more than max. */
static size_t digits_of(const char *text, char *out, size_t max)
{
    size_t n = 0;
    for (const char *p = text; *p; p++) {
        if (*p == '-' || *p == ' ')
            continue;
        bool x = *p == 'x' || *p == 'X';
        if ((*p < '0' || *p > '9') && !x)
            return 0;
        if (n == max)
            return 0;
        out[n++] = x ? 'X' : *p;
    }
    for (size_t i = 0; i + 1 < n; i++)
        if (out[i] == 'X')
            return 0;
    return n;
}

/* Mod 11 with weights n..2 (ISSN: 8..2, ISBN-10: 10..2): the check character. */
static char mod11_check(const char *d, size_t n)
{
    int sum = 0;
    for (size_t i = 0; i + 1 < n; i++)
        sum += (d[i] - '0') * (int)(n - i);
    int c = (11 - sum % 11) % 11;
    return c == 10 ? 'X' : (char)('0' + c);
}

int issn_canonical(const char *text, char out[ISSN_CANONICAL_SIZE], char *expected)
{
    char d[8];
    if (digits_of(text, d, 8) != 8)
        return STANDARD_NUMBER_MALFORMED;
    char check = mod11_check(d, 8);
    if (d[7] != check) {
        if (expected)
            *expected = check;
        return STANDARD_NUMBER_CHECK_DIGIT;
    }
    memcpy(out, d, 4);
    out[4] = '-';
    memcpy(out + 5, d + 4, 4);
    out[9] = '\0';
    return 0;
}

int isbn_canonical(const char *text, char out[ISBN_CANONICAL_SIZE], char *expected)
{
    char d[13];
    size_t n = digits_of(text, d, 13);
    char check;
    if (n == 10) {
        check = mod11_check(d, 10);
    } else if (n == 13 && d[0] == '9' && d[1] == '7' && (d[2] == '8' || d[2] == '9') &&
               d[12] != 'X') {
        int sum = 0;
        for (size_t i = 0; i < 12; i++)
            sum += (d[i] - '0') * (i % 2 ? 3 : 1);
        check = (char)('0' + (10 - sum % 10) % 10);
    } else {
        return STANDARD_NUMBER_MALFORMED;
    }
    if (d[n - 1] != check) {
        if (expected)
            *expected = check;
        return STANDARD_NUMBER_CHECK_DIGIT;
    }
    if (n == 10) {
        memcpy(out, d, 10);
        out[10] = '\0';
    } else {
        memcpy(out, d, 3);
        out[3] = '-';
        memcpy(out + 4, d + 3, 10);
        out[14] = '\0';
    }
    return 0;
}
