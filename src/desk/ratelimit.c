#include "desk/ratelimit.h"

#include "util/alloc.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct rate_entry {
    char *key;
    time_t *times; /* the last acts, oldest first; count of them in n */
    unsigned n;
};

struct rate_limit {
    pthread_mutex_t lock;
    unsigned per_window;
    unsigned window;
    struct rate_entry *entries;
    size_t count, alloc;
};

struct rate_limit *rate_limit_new(unsigned per_window, unsigned window_seconds)
{
    struct rate_limit *rl = xcalloc(1, sizeof(*rl));
    pthread_mutex_init(&rl->lock, NULL);
    rl->per_window = per_window;
    rl->window = window_seconds;
    return rl;
}

/* Drop the acts older than the window; an entry left with none is removed. */
static void forget_old(struct rate_limit *rl, time_t now)
{
    for (size_t i = 0; i < rl->count;) {
        struct rate_entry *e = &rl->entries[i];
        unsigned old = 0;
        while (old < e->n && e->times[old] <= now - (time_t)rl->window)
            old++;
        memmove(e->times, e->times + old, (e->n - old) * sizeof(*e->times));
        e->n -= old;
        if (e->n) {
            i++;
            continue;
        }
        free(e->key);
        free(e->times);
        rl->entries[i] = rl->entries[--rl->count];
    }
}

bool rate_limit_take(struct rate_limit *rl, const char *key, time_t now)
{
    pthread_mutex_lock(&rl->lock);
    /* The whole table is swept on every act: acts are submissions, a few an hour, and the
       table holds only the addresses of the last window. */
    forget_old(rl, now);
    struct rate_entry *e = NULL;
    for (size_t i = 0; i < rl->count && !e; i++)
        if (!strcmp(rl->entries[i].key, key))
            e = &rl->entries[i];
    if (!e) {
        ARRAY_GROW(rl->entries, rl->count + 1, rl->alloc);
        e = &rl->entries[rl->count++];
        e->key = xstrdup(key);
        e->times = xcalloc(rl->per_window ? rl->per_window : 1, sizeof(*e->times));
        e->n = 0;
    }
    bool allowed = e->n < rl->per_window;
    if (allowed)
        e->times[e->n++] = now;
    else if (!e->n) { /* per_window 0: nothing is allowed; the entry is not kept */
        free(e->key);
        free(e->times);
        *e = rl->entries[--rl->count];
    }
    pthread_mutex_unlock(&rl->lock);
    return allowed;
}

void rate_limit_free(struct rate_limit *rl)
{
    if (!rl)
        return;
    for (size_t i = 0; i < rl->count; i++) {
        free(rl->entries[i].key);
        free(rl->entries[i].times);
    }
    free(rl->entries);
    pthread_mutex_destroy(&rl->lock);
    free(rl);
}
