#ifndef JOURNAL_STORE_INDEX_H
#define JOURNAL_STORE_INDEX_H

#include "store/repo.h"

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/*
 * .journal/index.db: a cache of what the committed tree says, for queries.
 * Each file's blob id is remembered, so a refresh re-reads only what changed
 * since the last one. Deleting the file loses nothing; it is rebuilt.
 */
struct journal_index;

struct index_refresh_stats {
    size_t submissions_read; /* manuscripts parsed in this refresh */
    size_t submissions_removed;
    size_t issues_read;
    size_t unchanged; /* skipped because their blob ids had not changed */
};

/*
 * The index database itself (state_dir/index.db, created if needed), as every user of it
 * opens it: write-ahead log, a 30-second wait for another writer. The site cache keeps its
 * tables there too.
 */
int index_db_open(const char *state_dir, sqlite3 **db);
/* Open (creating if needed) and bring up to date with HEAD. */
int index_open(struct journal_index **out, struct journal_repo *repo);
void index_close(struct journal_index *ix);
/* Bring up to date with HEAD; force re-reads every file. stats may be NULL. */
int index_refresh(struct journal_index *ix, bool force, struct index_refresh_stats *stats);
/* Delete the database and build it again from HEAD. */
int index_rebuild(struct journal_repo *repo, struct index_refresh_stats *stats);
sqlite3 *index_db(struct journal_index *ix);

/*
 * An assignment's state today ('invited', 'accepted', 'declined', 'withdrawn', 'expired') in a
 * query over `assignments a`: the SQL function assignment_state, defined on index_db's
 * connection, applies model/record.h's rule, with whether a review exists for the round.
 */
#define INDEX_ASSIGNMENT_STATE                                                                     \
    "assignment_state(a.state, a.invited, EXISTS (SELECT 1 FROM reviews r_"                        \
    " WHERE r_.submission = a.submission AND r_.reviewer = a.reviewer AND r_.round = a.round))"

struct index_submission {
    unsigned long number;
    char *state;
    char *title; /* NULL when the committed manuscript does not parse */
    char *lang;
    char *type;
    char *submitted;
    char *published;
    unsigned long issue;
    char *first_author;
    size_t nauthors;
    char *problem; /* why the committed files do not parse, or NULL */
};

/* All submissions (state NULL) or those in one state, by number. */
int index_list_submissions(struct journal_index *ix, const char *state,
                           struct index_submission **out, size_t *count);
void index_submissions_free(struct index_submission *list, size_t count);
/* The highest submission number in the index (0 when there is none). */
int index_max_number(struct journal_index *ix, unsigned long *out);

/*
 * What `journal stats` counts (site/stats.c), folded once when a published submission
 * is indexed instead of at every run. stats_articles holds, for each published submission
 * whose manuscript parses and has an affiliated author, the blob `contributions`: one
 * struct index_stats_contribution per (author, affiliation) in the manuscript's order,
 * INDEX_STATS_SIZE bytes each (index_stats_encode). Reading 100,000 rows of one blob is
 * several times cheaper than reading 360,000 rows of five numbers.
 * Ids are never reused; a key keeps its id until the index is rebuilt.
 */
struct index_stats_contribution {
    uint32_t place;        /* the id in stats_places of index_stats_place_key */
    uint32_t org;          /* international: the id in stats_places of
                              index_stats_org_name_key; 0 otherwise */
    uint32_t place_author; /* the id in stats_authors of "<place> <index_stats_author_key>":
                              an author counts once per place */
    double share;          /* of the article: 1 / its authors / the author's affiliations */
};

#define INDEX_STATS_SIZE 20

/* Little-endian: the three ids, then the share's IEEE 754 bits. */
static inline void index_stats_encode(unsigned char *p, const struct index_stats_contribution *c)
{
    uint64_t bits;
    memcpy(&bits, &c->share, sizeof(bits));
    uint32_t ids[3] = {c->place, c->org, c->place_author};
    for (int i = 0; i < 3; i++)
        for (int b = 0; b < 4; b++)
            *p++ = (unsigned char)(ids[i] >> (8 * b));
    for (int b = 0; b < 8; b++)
        *p++ = (unsigned char)(bits >> (8 * b));
}

static inline void index_stats_decode(const unsigned char *p, struct index_stats_contribution *c)
{
    uint32_t ids[3] = {0, 0, 0};
    uint64_t bits = 0;
    for (int i = 0; i < 3; i++)
        for (int b = 0; b < 4; b++)
            ids[i] |= (uint32_t)*p++ << (8 * b);
    for (int b = 0; b < 8; b++)
        bits |= (uint64_t)*p++ << (8 * b);
    c->place = ids[0];
    c->org = ids[1];
    c->place_author = ids[2];
    memcpy(&c->share, &bits, sizeof(bits));
}

/*
 * What `journal stats --editorial` counts (site/editorial_stats.c), folded once when a
 * submission is indexed: the table editorial holds one row per submission whose record
 * parses: received (the record's submitted date), state, lang (the manuscript's), the
 * date of the first decision (the timeline's first "decided", else the record's decided),
 * accepted, published, rounds, assigned (assignments ever made), countries (the distinct
 * ISO 3166-1 codes of the authors' affiliations, space-separated: whole counting) and
 * invitations: one line per assignment, "reviewer TAB round TAB invited TAB state TAB
 * answered TAB received", each missing field "-" (received: the date of the review of that
 * reviewer in that round); a review without an assignment has a line with invited "-".
 */
#define INDEX_EDITORIAL_COLUMNS                                                                    \
    "received, state, lang, first_decision, accepted, published, rounds, assigned, countries,"     \
    " invitations"

/*
 * The Crossref deposit attempts recorded in deposits/ at the indexed HEAD, oldest first,
 * as deposit_log_read (workflow/deposit.h) reads them from git. A record that does not
 * parse: JOURNAL_EINPUT with its file and line, every such record at once.
 */
struct deposit_log;
int index_deposit_log(struct journal_index *ix, struct deposit_log *log);

struct author;
struct affiliation;
/* An author's identity, the author index's: person_identity_key (model/namematch.h). */
char *index_stats_author_key(const struct author *au);
struct journal_config;
/*
 * "c" + the country code; for an international organisation "o" + the name of
 * the one journal.yaml declares for it (organisations:, by ROR id or by name or
 * alias), else "o\t" + its ROR id, else "o" + its name, each folded by
 * roster_name_key (a folded name holds no tab).
 */
char *index_stats_place_key(const struct affiliation *af, const struct journal_config *c);
/* "n" + an international organisation's name as shown: the declared name, else as written. */
char *index_stats_org_name_key(const struct affiliation *af, const struct journal_config *c);
/*
 * What of journal.yaml the keys above depend on (its organisations), as one text: the
 * index folds its statistics again when it changes.
 */
char *index_stats_config_key(const struct journal_config *c);

#endif
