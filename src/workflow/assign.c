#include "model/roster.h"
#include "store/index.h"
#include "util/alloc.h"
#include "util/error.h"
#include "workflow/editorial.h"
#include "workflow/eligibility.h"
#include "workflow/invitation.h"
#include "workflow/notify.h"
#include "workflow/review_round.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void action_outcome_free(struct action_outcome *out)
{
    free(out->state);
    free(out->detail);
    for (size_t i = 0; i < out->nwarnings; i++)
        free(out->warnings[i]);
    free(out->warnings);
    memset(out, 0, sizeof(*out));
}

int settle_mail(struct notifier *n, int rc, const git_oid *commit)
{
    if (!n)
        return rc;
    if (rc) {
        notifier_discard(n);
        return rc;
    }
    char hex[GIT_OID_HEXSZ + 1];
    git_oid_tostr(hex, sizeof(hex), commit);
    return notifier_release(n, hex);
}

int workflow_assign(struct journal_repo *repo, const struct assignment_request *req,
                    struct action_outcome *out)
{
    struct editorial e;
    struct roster roster = {0};
    struct journal_index *ix = NULL;
    struct eligibility el = {0};
    unsigned *loads = NULL;
    char *why = NULL, *message = NULL, *detail = NULL;
    memset(out, 0, sizeof(*out));

    int rc = editorial_open(&e, repo, req->number);
    if (!rc)
        rc = editorial_require(&e, "assign");
    if (!rc)
        rc = editorial_load_roster(repo, e.countries, e.languages, &roster);
    if (!rc)
        rc = editorial_due_date(repo, req->due, out->date);
    if (rc)
        goto done;
    const struct roster_reviewer *rv = roster_find(&roster, req->reviewer);
    if (!rv) {
        rc = error_input("unknown reviewer '%s': not in reviewers.yaml (see 'journal reviewers')",
                         req->reviewer);
        goto done;
    }
    const struct record_assignment *existing =
        record_find_assignment(&e.record, rv->id, e.record.round);
    if (existing) {
        enum assignment_state st;
        rc = invitation_state(repo, req->number, existing, &st);
        if (rc)
            goto done;
        char *was = invitation_describe(existing, st);
        rc = error_input("%s is already assigned to submission %lu in round %lu (%s); a reviewer "
                         "is invited once a round",
                         rv->id, req->number, e.record.round, was);
        free(was);
        goto done;
    }
    unsigned long declined = record_declined_round(&e.record, rv->id);
    if (declined && !req->reinvite) {
        rc = error_input("%s declined to review submission %lu in round %lu; to invite them "
                         "again anyway, add --reinvite",
                         rv->id, req->number, declined);
        goto done;
    }
    rc = index_open(&ix, repo);
    if (!rc)
        rc = eligibility_open(&el, &repo->config, ix);
    if (rc)
        goto done;
    loads = xcalloc(roster.count, sizeof(*loads));
    rc = eligibility_loads(&el, &roster, loads);
    if (rc)
        goto done;
    enum eligibility_rule rule = ELIGIBLE;
    rc = eligibility_check(&el, rv, &e.manuscript, req->number, loads[rv - roster.reviewers], true,
                           &rule, &why);
    if (rc)
        goto done;
    if (rule != ELIGIBLE && rule != RULE_INACTIVE && !req->override) {
        rc = error_input("cannot assign %s to submission %lu: %s (rule: %s); to assign anyway, "
                         "give --override-conflict \"JUSTIFICATION\", which is recorded",
                         rv->id, req->number, why, eligibility_rule_name(rule));
        goto done;
    }
    if (rule == RULE_INACTIVE) {
        /* Inactive reviewers have left the roster in all but name: no override. */
        rc = error_input("cannot assign %s: %s", rv->id, why);
        goto done;
    }
    char *override = NULL;
    if (rule != ELIGIBLE)
        override = xasprintf("%s: %s", why, req->override);
    record_add_assignment(&e.record, rv->id, NULL, out->date, override);
    char today[11];
    date_today(today);
    record_set(&e.record.assignments[e.record.nassignments - 1].invited, today);
    if (!strcmp(e.record.state, "submitted"))
        record_set(&e.record.state, "under-review");
    detail = xasprintf("%s, due %s%s%s", rv->id, out->date, override ? "; override: " : "",
                       override ? override : "");
    record_add_event(&e.record, "assigned", e.actor, detail);
    message = xasprintf("Assign reviewer %s to #%lu (round %lu)\n\nDue: %s\n%s%s%s", rv->id,
                        req->number, e.record.round, out->date, override ? "Override: " : "",
                        override ? override : "", override ? "\n" : "");
    if (req->notifier) {
        char *link = NULL;
        rc = invitation_new_link(repo, req->notifier, e.number,
                                 &e.record.assignments[e.record.nassignments - 1], &link);
        if (!rc)
            rc = notify_invitation(req->notifier, repo, e.number, e.record.round, &e.manuscript,
                                   e.actor, rv, out->date, link);
        free(link);
        if (rc) {
            free(override);
            goto done;
        }
    }
    git_oid commit;
    rc = editorial_commit(&e, NULL, 0, message, &commit);
    rc = settle_mail(req->notifier, rc, &commit);
    if (!rc) {
        git_oid_tostr(out->commit, sizeof(out->commit), &commit);
        out->round = e.record.round;
        out->state = xstrdup(e.record.state);
        out->detail = override;
        override = NULL;
    }
    free(override);
done:
    free(loads);
    free(why);
    free(detail);
    free(message);
    eligibility_close(&el);
    index_close(ix);
    roster_free(&roster);
    editorial_close(&e);
    return rc;
}
