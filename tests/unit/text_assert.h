#ifndef JOURNAL_TESTS_TEXT_ASSERT_H
#define JOURNAL_TESTS_TEXT_ASSERT_H

/* cmocka assertions on rendered text (include after <cmocka.h> and <string.h>). */

#define assert_contains(hay, needle)                                                               \
    do {                                                                                           \
        if (!strstr((hay), (needle)))                                                              \
            fail_msg("expected \"%s\" in:\n%s", (needle), (hay));                                  \
    } while (0)
#define assert_lacks(hay, needle)                                                                  \
    do {                                                                                           \
        if (strstr((hay), (needle)))                                                               \
            fail_msg("did not expect \"%s\" in:\n%s", (needle), (hay));                            \
    } while (0)

#endif
