#include "util/xmltext.h"

#include "util/alloc.h"
#include "util/strbuf.h"
#include "util/utf8.h"

#include <stdint.h>
#include <string.h>

char *xml_text_clean(const char *s, bool trim)
{
    struct strbuf sb = STRBUF_INIT;
    const char *p = s ? s : "", *run = p;
    while (*p) {
        unsigned char c = (unsigned char)*p;
        if (c >= 0x20 && c < 0x80) {
            p++;
            continue;
        }
        if (c == '\t' || c == '\n' || c == '\r') {
            p++;
            continue;
        }
        /* Something to look at: keep what came before as it is. */
        strbuf_add(&sb, run, (size_t)(p - run));
        if (c < 0x20) {
            run = ++p;
            continue;
        }
        const char *start = p;
        uint32_t cp;
        if (!utf8_decode(&p, &cp))
            utf8_append(&sb, 0xfffd);
        else if (cp != 0xfffe && cp != 0xffff)
            strbuf_add(&sb, start, (size_t)(p - start));
        run = p;
    }
    strbuf_add(&sb, run, (size_t)(p - run));
    if (trim)
        while (sb.len && strchr(" \t\r\n", sb.buf[sb.len - 1]))
            strbuf_setlen(&sb, sb.len - 1);
    return strbuf_detach(&sb, NULL);
}
