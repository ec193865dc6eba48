#ifndef JOURNAL_UTIL_STRBUF_H
#define JOURNAL_UTIL_STRBUF_H

#include <stdarg.h>
#include <stddef.h>
#include <string.h>

/*
 * A growable, always NUL-terminated byte string in the manner of git's strbuf.
 * buf is never NULL: an empty strbuf points at a shared empty string until the
 * first append, so callers may read sb.buf at any time.
 */
struct strbuf {
    char *buf;
    size_t len;
    size_t alloc;
};

extern char strbuf_empty[];
#define STRBUF_INIT                                                                                \
    {                                                                                              \
        strbuf_empty, 0, 0                                                                         \
    }

void strbuf_init(struct strbuf *sb);
void strbuf_release(struct strbuf *sb);
/* Hand the buffer to the caller (who frees it) and reset sb. */
char *strbuf_detach(struct strbuf *sb, size_t *len);
void strbuf_reset(struct strbuf *sb);
void strbuf_grow(struct strbuf *sb, size_t extra);

/* The appends are inline: output is built a few bytes at a time (tags, entities), and
   while the room is there an append is a copy and a store. */
static inline void strbuf_add(struct strbuf *sb, const void *data, size_t len)
{
    if (!len)
        return;
    if (sb->alloc - sb->len <= len) /* an empty strbuf has alloc 0 */
        strbuf_grow(sb, len);
    memcpy(sb->buf + sb->len, data, len);
    sb->len += len;
    sb->buf[sb->len] = '\0';
}

/* Room for n more bytes and a NUL: where they go. The caller writes them and moves len. */
static inline char *strbuf_room(struct strbuf *sb, size_t n)
{
    if (sb->alloc - sb->len <= n)
        strbuf_grow(sb, n);
    return sb->buf + sb->len;
}

static inline void strbuf_addstr(struct strbuf *sb, const char *s)
{
    strbuf_add(sb, s, strlen(s));
}

static inline void strbuf_addch(struct strbuf *sb, char c)
{
    if (sb->alloc - sb->len <= 1)
        strbuf_grow(sb, 1);
    sb->buf[sb->len++] = c;
    sb->buf[sb->len] = '\0';
}
void strbuf_addf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap);
void strbuf_setlen(struct strbuf *sb, size_t len);
/* Append s with &, <, >, " and ' replaced by HTML entities. */
void strbuf_add_html_escaped(struct strbuf *sb, const char *s, size_t len);
void strbuf_trim_trailing_newlines(struct strbuf *sb);

#endif
