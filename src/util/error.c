#include "util/error.h"

#include "util/alloc.h"
#include "util/strbuf.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* Per thread, so that pages rendered in parallel report their own failures. */
static _Thread_local struct strbuf message = STRBUF_INIT;
static _Thread_local size_t count;

static int set(int code, const char *fmt, va_list ap)
{
    strbuf_reset(&message);
    strbuf_vaddf(&message, fmt, ap);
    count = 1;
    return code;
}

int error_input(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    set(JOURNAL_EINPUT, fmt, ap);
    va_end(ap);
    return JOURNAL_EINPUT;
}

int error_usage(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    set(JOURNAL_EUSAGE, fmt, ap);
    va_end(ap);
    return JOURNAL_EUSAGE;
}

int error_internal(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    set(JOURNAL_EINTERNAL, fmt, ap);
    va_end(ap);
    return JOURNAL_EINTERNAL;
}

int error_errno(const char *fmt, ...)
{
    int saved = errno;
    va_list ap;
    va_start(ap, fmt);
    set(JOURNAL_EINTERNAL, fmt, ap);
    va_end(ap);
    strbuf_addf(&message, ": %s", strerror(saved));
    return JOURNAL_EINTERNAL;
}

static void add_location(const char *file, size_t line, size_t column)
{
    strbuf_addstr(&message, file ? file : "<input>");
    if (line)
        strbuf_addf(&message, ":%zu", line);
    if (line && column)
        strbuf_addf(&message, ":%zu", column);
    strbuf_addstr(&message, ": ");
}

int error_at(const char *file, size_t line, size_t column, const char *fmt, ...)
{
    va_list ap;
    strbuf_reset(&message);
    add_location(file, line, column);
    va_start(ap, fmt);
    strbuf_vaddf(&message, fmt, ap);
    va_end(ap);
    count = 1;
    return JOURNAL_EINPUT;
}

void error_add_at(const char *file, size_t line, size_t column, const char *fmt, ...)
{
    va_list ap;
    if (count && message.len)
        strbuf_addch(&message, '\n');
    else
        strbuf_reset(&message);
    add_location(file, line, column);
    va_start(ap, fmt);
    strbuf_vaddf(&message, fmt, ap);
    va_end(ap);
    count++;
}

size_t error_count(void)
{
    return count;
}

void error_prefix(const char *fmt, ...)
{
    struct strbuf sb = STRBUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    strbuf_vaddf(&sb, fmt, ap);
    va_end(ap);
    strbuf_addstr(&sb, ": ");
    strbuf_add(&sb, message.buf, message.len);
    strbuf_release(&message);
    message = sb;
}

char *error_save(void)
{
    return count && message.len ? xstrdup(message.buf) : NULL;
}

void error_restore(char *saved)
{
    if (!saved)
        return;
    strbuf_reset(&message);
    strbuf_addstr(&message, saved);
    count = 1;
    free(saved);
}

const char *error_message(void)
{
    return message.len ? message.buf : "unknown error";
}

void error_clear(void)
{
    strbuf_release(&message);
    count = 0;
}

int error_exit_status(int code)
{
    switch (code) {
    case JOURNAL_OK:
        return 0;
    case JOURNAL_EINPUT:
        return 1;
    case JOURNAL_EUSAGE:
        return 2;
    default:
        return 3;
    }
}
