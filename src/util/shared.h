#ifndef JOURNAL_UTIL_SHARED_H
#define JOURNAL_UTIL_SHARED_H

#include <pthread.h>
#include <stdbool.h>

/*
 * One read-only object per process, shared by whoever opens it: made by the first to
 * acquire it, freed when the last lets it go. For data that never changes while the process
 * runs and costs much to read (the ISO code tables), so that a server opening a journal for
 * each request, or a command opening it several times, reads them once. Thread-safe.
 */
struct shared_slot {
    pthread_mutex_t lock;
    void *object;
    unsigned refs;
};
#define SHARED_SLOT_INIT                                                                           \
    {                                                                                              \
        PTHREAD_MUTEX_INITIALIZER, NULL, 0                                                         \
    }

/* The slot's object in *out, made with make(out) when there is none; make's error otherwise. */
int shared_acquire(struct shared_slot *slot, int (*make)(void **out), void **out);
/*
 * Let object go: true when it is the slot's (freed with free_object by its last user), false
 * when it is not, and the caller frees it as its own.
 */
bool shared_release(struct shared_slot *slot, void *object, void (*free_object)(void *));

#endif
