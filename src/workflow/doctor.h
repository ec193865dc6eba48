#ifndef JOURNAL_WORKFLOW_DOCTOR_H
#define JOURNAL_WORKFLOW_DOCTOR_H

#include "store/repo.h"

#include <stdbool.h>
#include <stddef.h>

/*
 * `journal doctor`: the committed repository, the index and the state a killed
 * process may leave behind, checked against each other.
 *
 *   config    journal.yaml holds what is valid but not ready to publish (a placeholder
 *             base_url)
 *   record    a submission's record, manuscript or review does not parse
 *   state     a submission's state disagrees with its timeline or its files
 *             (a decision without reviews, published without an issue, ...)
 *   review    a review that belongs to no assignment of its round
 *   issue     an issue manifest that does not parse, or lists an article that
 *             does not exist or is not published/scheduled in that issue
 *   index     .journal/index.db out of step with git (fix: journal reindex)
 *   temp      temporary files of a killed process in the work tree or the site,
 *             a site build's staging folder, git's lock files
 *   worktree  a killed writer's update of the work tree not finished
 *   mail      held messages whose process died before releasing them
 *   desk      the front desk's waiting submissions: unreadable, past desk_confirm_hours
 *             and not deleted yet, confirmed but not cleaned up
 *   draft     a front-desk review draft that does not read, or whose assignment no longer
 *             takes a review (gone, declined, withdrawn, decided): reported, never removed
 *
 * Each problem names the file (and line where it applies) and how to fix it.
 * With fix, the safe and lossless repairs are made: the index rebuilt, a dead
 * process's temporary files and staging folders removed, the work tree
 * finished from HEAD, held mail released (its commit exists) or dropped (it
 * does not); the problems so repaired are marked fixed.
 *
 * Notes are things that work but may not be what the editors want (no OAI
 * static repository gateway set, so harvesters get the file's own URL as its
 * baseURL): printed, never counted as problems.
 */
struct doctor_problem {
    const char *kind; /* one of the words above */
    char *file;       /* relative to the journal, or NULL */
    size_t line;      /* 0 when no line applies */
    char *message;
    char *fix; /* what to do about it */
    bool fixed;
};

struct doctor_report {
    struct doctor_problem *problems;
    size_t count, alloc;
    size_t submissions, issues, reviews; /* how many were checked */
    bool index_checked;                  /* the index was current and compared row by row */
    size_t messages;                     /* held messages looked at */
    char **notes;                        /* each a sentence, with what to do */
    size_t nnotes;
};

/* Only failures to read (I/O, git, SQLite) are errors; problems go into the report. */
int doctor_run(struct journal_repo *repo, const char *site_dir, bool fix,
               struct doctor_report *report);
/* Problems not (or not yet) fixed. */
size_t doctor_open_problems(const struct doctor_report *report);
void doctor_report_free(struct doctor_report *report);

#endif
