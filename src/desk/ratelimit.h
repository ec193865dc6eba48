#ifndef JOURNAL_DESK_RATELIMIT_H
#define JOURNAL_DESK_RATELIMIT_H

#include <stdbool.h>
#include <time.h>

/*
 * At most N acts per key (a client's address) in any window of W seconds: a sliding window,
 * each key keeping the times of its last N acts. Safe to share between threads. Keys unused
 * for a whole window are forgotten, so the table holds only the addresses active in the last
 * window.
 */
struct rate_limit;

struct rate_limit *rate_limit_new(unsigned per_window, unsigned window_seconds);
/* Whether key may act once more at now; if it may, the act is counted. */
bool rate_limit_take(struct rate_limit *rl, const char *key, time_t now);
void rate_limit_free(struct rate_limit *rl);

#endif
