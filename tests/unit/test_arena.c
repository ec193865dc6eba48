/* The per-thread bump arena: alignment, realloc in place and by copy, marks, reuse, threads. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "util/arena.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static void assert_aligned(const void *p)
{
    assert_int_equal((uintptr_t)p % _Alignof(max_align_t), 0);
}

static void test_alignment(void **state)
{
    (void)state;
    struct arena_mark mark = arena_mark();
    for (size_t size = 0; size < 100; size++) {
        unsigned char *p = arena_alloc(size);
        assert_non_null(p);
        assert_aligned(p);
        memset(p, 0xab, size);
    }
    long double *d = arena_calloc(3, sizeof(long double));
    assert_aligned(d);
    assert_true(d[0] == 0 && d[1] == 0 && d[2] == 0);
    arena_release(mark);
}

static void test_calloc_zeroes_reused_memory(void **state)
{
    (void)state;
    struct arena_mark mark = arena_mark();
    memset(arena_alloc(4096), 0xff, 4096);
    arena_release(mark);
    /* The same bytes again, now handed out by calloc. */
    unsigned char *p = arena_calloc(1024, 4);
    for (size_t i = 0; i < 4096; i++)
        assert_int_equal(p[i], 0);
    arena_release(mark);
}

static void test_realloc_grows_newest_in_place(void **state)
{
    (void)state;
    struct arena_mark mark = arena_mark();
    char *p = arena_realloc(NULL, 10);
    memcpy(p, "0123456789", 10);
    char *grown = arena_realloc(p, 1000);
    assert_ptr_equal(grown, p);
    assert_memory_equal(grown, "0123456789", 10);
    char *shrunk = arena_realloc(grown, 5);
    assert_ptr_equal(shrunk, p);
    assert_memory_equal(shrunk, "01234", 5);
    arena_release(mark);
}

static void test_realloc_copies_older_blocks(void **state)
{
    (void)state;
    struct arena_mark mark = arena_mark();
    char *a = arena_alloc(16);
    memcpy(a, "abcdefghijklmnop", 16);
    char *b = arena_alloc(16);
    memcpy(b, "ponmlkjihgfedcba", 16);
    char *a2 = arena_realloc(a, 64);
    assert_ptr_not_equal(a2, a);
    assert_memory_equal(a2, "abcdefghijklmnop", 16);
    /* The block after it is untouched. */
    assert_memory_equal(b, "ponmlkjihgfedcba", 16);
    /* Shrinking an older block keeps it where it is. */
    assert_ptr_equal(arena_realloc(b, 8), b);
    assert_memory_equal(b, "ponmlkji", 8);
    arena_release(mark);
}

static void test_realloc_growth_across_chunks(void **state)
{
    (void)state;
    struct arena_mark mark = arena_mark();
    /* A buffer grown the way cmark grows its strbuf, past any one chunk, with small
     * blocks taken in between so that it is sometimes not the newest. */
    size_t size = 16;
    unsigned char *buf = arena_alloc(size);
    for (size_t i = 0; i < size; i++)
        buf[i] = (unsigned char)i;
    while (size < 4 * 1024 * 1024) {
        size_t grown = size + size / 2;
        buf = arena_realloc(buf, grown);
        assert_aligned(buf);
        for (size_t i = size; i < grown; i++)
            buf[i] = (unsigned char)i;
        size = grown;
        if (size % 3 == 0)
            memset(arena_alloc(100), 0, 100);
    }
    for (size_t i = 0; i < size; i++)
        if (buf[i] != (unsigned char)i)
            fail_msg("byte %zu changed", i);
    arena_release(mark);
}

static void test_free_newest_gives_it_back(void **state)
{
    (void)state;
    struct arena_mark mark = arena_mark();
    void *a = arena_alloc(100);
    arena_free(a);
    assert_ptr_equal(arena_alloc(100), a);
    /* An older block stays taken. */
    void *b = arena_alloc(100);
    void *c = arena_alloc(100);
    arena_free(b);
    void *d = arena_alloc(100);
    assert_ptr_not_equal(d, b);
    assert_ptr_not_equal(d, c);
    arena_free(NULL);
    arena_release(mark);
}

static void test_marks_nest_and_memory_is_reused(void **state)
{
    (void)state;
    struct arena_mark outer = arena_mark();
    char *kept = arena_alloc(32);
    strcpy(kept, "outer work");
    struct arena_mark inner = arena_mark();
    void *first = arena_alloc(64);
    for (int i = 0; i < 1000; i++)
        arena_alloc(1000);
    arena_release(inner);
    /* The inner work's memory again, the outer's intact. */
    assert_ptr_equal(arena_alloc(64), first);
    assert_string_equal(kept, "outer work");
    arena_release(outer);

    /* Released chunks are kept: the same work again takes nothing new. */
    size_t held = arena_thread_bytes();
    assert_true(held > 0);
    for (int round = 0; round < 3; round++) {
        struct arena_mark m = arena_mark();
        for (int i = 0; i < 1000; i++)
            arena_alloc(1000);
        arena_release(m);
        assert_int_equal(arena_thread_bytes(), held);
    }
    arena_thread_cleanup();
    assert_int_equal(arena_thread_bytes(), 0);
}

static void test_large_block(void **state)
{
    (void)state;
    struct arena_mark mark = arena_mark();
    size_t size = 3 * 1024 * 1024 + 7;
    unsigned char *p = arena_alloc(size);
    memset(p, 0x5a, size);
    assert_int_equal(p[size - 1], 0x5a);
    unsigned char *small = arena_alloc(8);
    assert_non_null(small);
    arena_release(mark);
}

struct thread_result {
    bool ok;
    size_t held;
};

static void *thread_work(void *arg)
{
    struct thread_result *r = arg;
    struct arena_mark mark = arena_mark();
    r->ok = arena_thread_bytes() == 0;
    unsigned char *p = arena_alloc(1000);
    memset(p, 0x11, 1000);
    r->held = arena_thread_bytes();
    arena_release(mark);
    /* No cleanup here: the thread's end frees its chunks (LeakSanitizer checks). */
    return NULL;
}

static void test_threads_have_their_own(void **state)
{
    (void)state;
    struct arena_mark mark = arena_mark();
    char *mine = arena_alloc(16);
    strcpy(mine, "main thread");
    pthread_t threads[4];
    struct thread_result results[4] = {{0}};
    for (int i = 0; i < 4; i++)
        assert_int_equal(pthread_create(&threads[i], NULL, thread_work, &results[i]), 0);
    for (int i = 0; i < 4; i++) {
        pthread_join(threads[i], NULL);
        assert_true(results[i].ok);
        assert_true(results[i].held > 0);
    }
    assert_string_equal(mine, "main thread");
    arena_release(mark);
}

static int teardown(void **state)
{
    (void)state;
    arena_thread_cleanup();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_alignment),
        cmocka_unit_test(test_calloc_zeroes_reused_memory),
        cmocka_unit_test(test_realloc_grows_newest_in_place),
        cmocka_unit_test(test_realloc_copies_older_blocks),
        cmocka_unit_test(test_realloc_growth_across_chunks),
        cmocka_unit_test(test_free_newest_gives_it_back),
        cmocka_unit_test(test_marks_nest_and_memory_is_reused),
        cmocka_unit_test(test_large_block),
        cmocka_unit_test(test_threads_have_their_own),
    };
    return cmocka_run_group_tests_name("arena", tests, NULL, teardown);
}
