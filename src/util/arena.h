#ifndef JOURNAL_UTIL_ARENA_H
#define JOURNAL_UTIL_ARENA_H

#include <stddef.h>

/*
 * A bump allocator for work that makes thousands of small, short-lived blocks
 * and drops them all together (a Markdown document's nodes and buffers while
 * one article is rendered): malloc and free per block cost more than the work.
 *
 * Each thread has its own arena, so the functions take no context and need no
 * lock; they have the signatures of calloc, realloc and free so that a
 * library's allocator hooks can point at them. Blocks are aligned for any
 * type. arena_free gives nothing back but the newest block; realloc grows the
 * newest block in place and copies any other. Memory comes back in a stack
 * discipline: take arena_mark() before the work and arena_release() it after,
 * releasing marks in the reverse order they were taken. Released chunks are
 * kept for the thread's next work; a thread's arena goes when the thread ends
 * (arena_thread_cleanup for a thread that outlives its use, such as main).
 *
 * In AddressSanitizer builds the arena poisons what is not handed out (the
 * space between blocks, freed and released blocks), so overflows and uses after
 * release are reported as they are for malloc.
 */

struct arena_mark {
    void *chunk;
    size_t used;
};

void *arena_alloc(size_t size);
void *arena_calloc(size_t count, size_t size);
void *arena_realloc(void *block, size_t size);
void arena_free(void *block);

struct arena_mark arena_mark(void);
/* Everything allocated since mark is gone; later marks are invalid. */
void arena_release(struct arena_mark mark);
/* Free this thread's chunks, in use or kept: nothing allocated from it may be used after. */
void arena_thread_cleanup(void);
/* The bytes of chunks this thread holds, in use and kept (for tests). */
size_t arena_thread_bytes(void);

#endif
