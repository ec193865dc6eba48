#include "util/arena.h"

#include "util/alloc.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SANITIZE_ADDRESS__)
#define ARENA_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ARENA_ASAN 1
#endif
#endif

#ifdef ARENA_ASAN
#include <sanitizer/asan_interface.h>
#define POISON(p, n)   ASAN_POISON_MEMORY_REGION((p), (n))
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
/* Poisoned bytes after every block, so that running off its end is caught. */
#define REDZONE 16
#else
#define POISON(p, n)   ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#define REDZONE        0
#endif

#define ALIGN ((size_t) _Alignof(max_align_t))
/* Each block is preceded by its size, which realloc needs to copy it. */
#define HEADER_SIZE ALIGN
/* Big enough that a 60 KB article takes a handful of chunks, small enough to waste little. */
#define CHUNK_SIZE ((size_t)256 * 1024)
/* What a thread keeps between works: more than one article's peak, less than a leak. */
#define SPARE_MAX ((size_t)64 * 1024 * 1024)

struct header {
    size_t size;
};
_Static_assert(sizeof(struct header) <= HEADER_SIZE, "the size fits before the block");

struct chunk {
    struct chunk *prev;
    size_t cap; /* bytes in data */
    size_t used;
    max_align_t data[];
};

struct arena {
    struct chunk *top;   /* being filled; older chunks in use behind it */
    struct chunk *spare; /* released, kept for reuse */
    size_t spare_bytes;
    size_t held_bytes;
    unsigned char *last; /* the newest block (in top), which can grow or go back in place */
    bool registered;
};

static _Thread_local struct arena arena;

static pthread_once_t key_once = PTHREAD_ONCE_INIT;
static pthread_key_t key;

/* A thread's chunks go when it ends: worker threads have no other moment to free them. */
static void thread_exit(void *unused)
{
    (void)unused;
    arena_thread_cleanup();
}

static void make_key(void)
{
    if (pthread_key_create(&key, thread_exit))
        abort();
}

static void register_thread(struct arena *a)
{
    if (a->registered)
        return;
    pthread_once(&key_once, make_key);
    /* Any non-NULL value makes the destructor run; the arena itself is thread-local. */
    pthread_setspecific(key, a);
    a->registered = true;
}

static void too_big(size_t size)
{
    fprintf(stderr, "journal: out of memory (allocating %zu bytes)\n", size);
    abort();
}

/* The bytes a block of size takes in its chunk: header, block, red zone, padding. */
static size_t span(size_t size)
{
    if (size > SIZE_MAX / 4)
        too_big(size);
    return HEADER_SIZE + (size + REDZONE + ALIGN - 1) / ALIGN * ALIGN;
}

static unsigned char *chunk_data(struct chunk *c)
{
    return (unsigned char *)c->data;
}

static struct chunk *new_chunk(struct arena *a, size_t need)
{
    struct chunk *c = NULL;
    for (struct chunk **pp = &a->spare; *pp; pp = &(*pp)->prev)
        if ((*pp)->cap >= need) {
            c = *pp;
            *pp = c->prev;
            a->spare_bytes -= c->cap;
            break;
        }
    if (!c) {
        size_t cap = need > CHUNK_SIZE ? need : CHUNK_SIZE;
        c = xmalloc(sizeof(*c) + cap);
        c->cap = cap;
        a->held_bytes += cap;
        POISON(chunk_data(c), cap);
        register_thread(a);
    }
    c->used = 0;
    c->prev = a->top;
    a->top = c;
    return c;
}

void *arena_alloc(size_t size)
{
    struct arena *a = &arena;
    size_t need = span(size);
    struct chunk *c = a->top;
    if (!c || c->cap - c->used < need)
        c = new_chunk(a, need);
    unsigned char *h = chunk_data(c) + c->used;
    c->used += need;
    UNPOISON(h, HEADER_SIZE + size);
    ((struct header *)h)->size = size;
    a->last = h + HEADER_SIZE;
    return a->last;
}

void *arena_calloc(size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size)
        too_big(SIZE_MAX);
    /* Kept chunks hold old data: unlike fresh pages, nothing here is zero. */
    void *p = arena_alloc(count * size);
    memset(p, 0, count * size);
    return p;
}

static struct header *header_of(unsigned char *block)
{
    return (struct header *)(block - HEADER_SIZE);
}

void arena_free(void *block)
{
    if (!block)
        return;
    struct arena *a = &arena;
    unsigned char *p = block;
    POISON(p, span(header_of(p)->size) - HEADER_SIZE);
    if (p == a->last) {
        /* The newest block goes back: cmark frees temporary buffers right after use. */
        a->top->used = (size_t)(p - HEADER_SIZE - chunk_data(a->top));
        POISON(p - HEADER_SIZE, HEADER_SIZE);
        a->last = NULL;
    }
}

void *arena_realloc(void *block, size_t size)
{
    if (!block)
        return arena_alloc(size);
    struct arena *a = &arena;
    unsigned char *p = block;
    struct header *h = header_of(p);
    size_t old = h->size;
    if (p == a->last) {
        struct chunk *c = a->top;
        size_t start = (size_t)(p - HEADER_SIZE - chunk_data(c));
        size_t need = span(size);
        if (need <= c->cap - start) {
            POISON(p, span(old) - HEADER_SIZE);
            UNPOISON(p, size);
            h->size = size;
            c->used = start + need;
            return p;
        }
    } else if (size <= old) {
        POISON(p, span(old) - HEADER_SIZE);
        UNPOISON(p, size);
        h->size = size;
        return p;
    }
    void *q = arena_alloc(size);
    memcpy(q, p, old < size ? old : size);
    arena_free(p);
    return q;
}

struct arena_mark arena_mark(void)
{
    struct arena *a = &arena;
    return (struct arena_mark){.chunk = a->top, .used = a->top ? a->top->used : 0};
}

static void keep(struct arena *a, struct chunk *c)
{
    if (a->spare_bytes + c->cap > SPARE_MAX) {
        a->held_bytes -= c->cap;
        free(c);
        return;
    }
    c->prev = a->spare;
    a->spare = c;
    a->spare_bytes += c->cap;
}

void arena_release(struct arena_mark mark)
{
    struct arena *a = &arena;
    while (a->top != mark.chunk) {
        struct chunk *c = a->top;
        if (!c) {
            /* The mark's chunk was released already: a caller broke the stack order. */
            fprintf(stderr, "journal: arena marks released out of order\n");
            abort();
        }
        a->top = c->prev;
        POISON(chunk_data(c), c->used);
        keep(a, c);
    }
    if (a->top) {
        if (mark.used > a->top->used) {
            fprintf(stderr, "journal: arena marks released out of order\n");
            abort();
        }
        POISON(chunk_data(a->top) + mark.used, a->top->used - mark.used);
        a->top->used = mark.used;
    }
    a->last = NULL;
}

static void free_chunks(struct chunk *c)
{
    while (c) {
        struct chunk *prev = c->prev;
        free(c);
        c = prev;
    }
}

void arena_thread_cleanup(void)
{
    struct arena *a = &arena;
    free_chunks(a->top);
    free_chunks(a->spare);
    a->top = a->spare = NULL;
    a->spare_bytes = a->held_bytes = 0;
    a->last = NULL;
}

size_t arena_thread_bytes(void)
{
    return arena.held_bytes;
}
