#ifndef JOURNAL_WORKFLOW_REMIND_H
#define JOURNAL_WORKFLOW_REMIND_H

#include "store/repo.h"
#include "workflow/notify.h"

#include <stdbool.h>

struct reminder {
    unsigned long number;
    unsigned long round;
    char *reviewer;
    char *due;
    long days_late;
    bool queued; /* false: already reminded today, or no mail configured */
};

/*
 * Queue a reminder to every reviewer whose review is overdue, at most one a day
 * for each review (the reminder's ref names the review and the day). Reminders
 * change no file of the journal, so they make no commit. dry_run lists them only.
 */
int workflow_remind(struct journal_repo *repo, struct notifier *n, bool dry_run,
                    struct reminder **out, size_t *count);
void reminders_free(struct reminder *list, size_t count);

#endif
