/*
 * Tests for site/editorial_stats: the nearest-rank median and 90th percentile found by
 * selection equal those of the sorted values (what the selection replaced for speed), and
 * an invitation's outcome from what its record says.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "site/editorial_stats.h"

#include <stdlib.h>
#include <string.h>

static int compare_long(const void *x, const void *y)
{
    long a = *(const long *)x, b = *(const long *)y;
    return a < b ? -1 : a > b;
}

/* The value at rank ceil(p / 100 * n) of the sorted values. */
static long ranked(const long *sorted, size_t n, unsigned p)
{
    size_t rank = (p * n + 99) / 100;
    return sorted[rank ? rank - 1 : 0];
}

static void test_selection_equals_sorting(void **state)
{
    (void)state;
    unsigned seed = 19;
    for (int round = 0; round < 5000; round++) {
        seed = seed * 1103515245u + 12345u;
        size_t n = 1 + (seed >> 8) % 300;
        long range = 1 + (long)((seed >> 4) % 60); /* few values: many ties */
        long *v = malloc(n * sizeof(*v)), *sorted = malloc(n * sizeof(*sorted));
        for (size_t i = 0; i < n; i++) {
            seed = seed * 1103515245u + 12345u;
            v[i] = sorted[i] = (long)((seed >> 8) % (unsigned long)range) - range / 3;
        }
        if (round % 7 == 0) /* already sorted, and reversed */
            qsort(v, n, sizeof(*v), compare_long);
        if (round % 11 == 0)
            for (size_t i = 0; i < n / 2; i++) {
                long t = v[i];
                v[i] = v[n - 1 - i];
                v[n - 1 - i] = t;
            }
        qsort(sorted, n, sizeof(*sorted), compare_long);
        struct editorial_days d;
        editorial_days_of(v, n, &d);
        assert_int_equal(d.n, n);
        assert_int_equal(d.median, ranked(sorted, n, 50));
        assert_int_equal(d.p90, ranked(sorted, n, 90));
        free(v);
        free(sorted);
    }
}

static void test_nearest_rank_by_hand(void **state)
{
    (void)state;
    /* Four values: the median is the 2nd (ceil(2.0)), the 90th percentile the 4th. */
    long v[] = {22, 3, 19, 14};
    struct editorial_days d;
    editorial_days_of(v, 4, &d);
    assert_int_equal(d.median, 14);
    assert_int_equal(d.p90, 22);
    long one[] = {7};
    editorial_days_of(one, 1, &d);
    assert_int_equal(d.median, 7);
    assert_int_equal(d.p90, 7);
    editorial_days_of(NULL, 0, &d);
    assert_int_equal(d.n, 0);
}

static void test_invitation_outcome(void **state)
{
    (void)state;
    const char *today = "2026-01-21";
    /* What the record can say today: a review arrived, or nothing. */
    assert_int_equal(editorial_invitation_classify(NULL, "2026-01-06", "2026-01-10", 14, today),
                     INVITATION_ACCEPTED);
    assert_int_equal(editorial_invitation_classify(NULL, "2026-01-07", NULL, 14, today),
                     INVITATION_WAITING); /* 14 days: not yet expired */
    assert_int_equal(editorial_invitation_classify(NULL, "2026-01-06", NULL, 14, today),
                     INVITATION_EXPIRED); /* 15 days */
    assert_int_equal(editorial_invitation_classify(NULL, "2026-01-06", NULL, 20, today),
                     INVITATION_WAITING);
    /* The states the record will carry: an answer is never expired, a review wins. */
    assert_int_equal(editorial_invitation_classify("declined", "2025-01-01", NULL, 14, today),
                     INVITATION_DECLINED);
    assert_int_equal(editorial_invitation_classify("accepted", "2025-01-01", NULL, 14, today),
                     INVITATION_ACCEPTED);
    assert_int_equal(editorial_invitation_classify("withdrawn", "2025-01-01", NULL, 14, today),
                     INVITATION_WITHDRAWN);
    assert_int_equal(editorial_invitation_classify("expired", "2026-01-20", NULL, 14, today),
                     INVITATION_EXPIRED);
    /* A state written wins, as everywhere (journal review refuses a declined invitation). */
    assert_int_equal(
        editorial_invitation_classify("declined", "2025-01-01", "2025-01-09", 14, today),
        INVITATION_DECLINED);
    assert_int_equal(editorial_invitation_classify("invited", "2026-01-10", NULL, 14, today),
                     INVITATION_WAITING);
    assert_int_equal(editorial_invitation_classify("invited", "2026-01-01", NULL, 14, today),
                     INVITATION_EXPIRED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_selection_equals_sorting),
        cmocka_unit_test(test_nearest_rank_by_hand),
        cmocka_unit_test(test_invitation_outcome),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
