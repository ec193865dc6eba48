#include "util/pdfpages.h"

#include "util/error.h"

#include <ctype.h>
#include <stdbool.h>
#include <string.h>

/* The first occurrence of the NUL-terminated needle in data[0..len), or NULL. */
static const char *find(const char *data, size_t len, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; n <= len && i <= len - n; i++) {
        const char *p = memchr(data + i, needle[0], len - n + 1 - i);
        if (!p)
            return NULL;
        i = (size_t)(p - data);
        if (!memcmp(p, needle, n))
            return p;
    }
    return NULL;
}

/* A PDF delimiter or white space ends a name: "/Pages" is not "/PagesX". */
static bool name_ends(const char *p, const char *end)
{
    return p == end || strchr(" \t\r\n\f/<>[]()%", *p) || *p == '\0';
}

int pdf_page_count(const char *data, size_t len, unsigned long *pages)
{
    const char *end = data + len, *p = data;
    unsigned long best = 0;
    bool found = false;
    while (p < end) {
        const char *type = find(p, (size_t)(end - p), "/Type");
        if (!type)
            break;
        const char *q = type + 5;
        while (q < end && isspace((unsigned char)*q))
            q++;
        p = q;
        if ((size_t)(end - q) < 6 || memcmp(q, "/Pages", 6) || !name_ends(q + 6, end))
            continue;
        /* The dictionary around it: from the last "<<" before it to the next ">>" after it;
           a page tree node holds no nested dictionary before its /Count in what WeasyPrint
           writes, and /Count may come before or after /Type. */
        const char *open = type;
        while (open > data && !(open[-1] == '<' && open - 1 > data && open[-2] == '<'))
            open--;
        const char *close = find(q, (size_t)(end - q), ">>");
        if (!close)
            break;
        const char *count = find(open, (size_t)(close - open), "/Count");
        if (!count)
            continue;
        const char *d = count + 6;
        while (d < close && isspace((unsigned char)*d))
            d++;
        unsigned long n = 0;
        bool digits = false;
        while (d < close && isdigit((unsigned char)*d) && n < 1000000) {
            n = n * 10 + (unsigned long)(*d++ - '0');
            digits = true;
        }
        if (digits) {
            found = true;
            if (n > best)
                best = n;
        }
    }
    if (!found || !best)
        return error_input("not a PDF whose page tree can be read (no /Type /Pages with a "
                           "/Count of pages)");
    *pages = best;
    return 0;
}
