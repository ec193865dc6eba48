#include "util/shared.h"

#include <stddef.h>

int shared_acquire(struct shared_slot *slot, int (*make)(void **out), void **out)
{
    int rc = 0;
    pthread_mutex_lock(&slot->lock);
    if (!slot->object)
        rc = make(&slot->object);
    if (!rc) {
        slot->refs++;
        *out = slot->object;
    }
    pthread_mutex_unlock(&slot->lock);
    return rc;
}

bool shared_release(struct shared_slot *slot, void *object, void (*free_object)(void *))
{
    pthread_mutex_lock(&slot->lock);
    bool ours = object && object == slot->object;
    if (ours && --slot->refs == 0) {
        free_object(slot->object);
        slot->object = NULL;
    }
    pthread_mutex_unlock(&slot->lock);
    return ours;
}
