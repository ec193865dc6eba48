#define _POSIX_C_SOURCE 200809L
#include "desk/status.h"

#include "model/manuscript.h"
#include "model/record.h"
#include "site/markdown.h"
#include "store/repo.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/frontmatter.h"
#include "util/fs.h"
#include "util/token.h"
#include "util/utf8.h"
#include "workflow/editorial.h"
#include "workflow/review_round.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/*
 * What the author sees is what the office would tell them in a letter: the state, the dates,
 * that the manuscript went to review and reviews came in, the decisions. The timeline is
 * made from the record's events by an allow-list (author_event), so an event added later
 * (naming a reviewer, as "assigned" and "reviewed" do in their detail) stays out until
 * someone decides how an author may see it. Reviewers are never named nor numbered.
 */

struct status_link {
    unsigned long number;
    char token[TOKEN_HEX_LEN + 1];
    const char *rest; /* "" or "/revise" */
    struct submission_record record;
    struct manuscript manuscript;
    struct strbuf manuscript_text;
    const char *lang;
    json_t *t; /* the page's strings */
    char root[32];
};

static void link_free(struct status_link *l)
{
    record_free(&l->record);
    manuscript_free(&l->manuscript);
    strbuf_release(&l->manuscript_text);
    json_decref(l->t);
}

/*
 * Load what l's token opens: 1 when nothing (no such submission, no status link, another
 * token, a revoked link), 0 when found, < 0 on failure. The page's language: ?lang= when the
 * theme has it, else the manuscript's, else the journal's.
 */
static int link_open(struct desk *d, struct journal_repo *repo, struct status_link *l,
                     const char *lang)
{
    int rc = desk_read_record(repo, l->number, &l->record);
    if (rc)
        return rc;
    if (!token_matches(l->token, l->record.status_link))
        return 1;
    rc = desk_read_manuscript(d, repo, l->number, &l->manuscript_text, &l->manuscript);
    if (rc)
        return rc;
    if (desk_lang_available(repo, lang))
        l->lang = lang;
    else if (desk_lang_available(repo, l->manuscript.lang))
        l->lang = l->manuscript.lang;
    else
        l->lang = desk_main_lang(repo);
    return desk_strings(repo, l->lang, &l->t);
}

/* The page's string key, or the key itself when the theme lacks it. */
static const char *say(const struct status_link *l, const char *key)
{
    const char *s = json_string_value(json_object_get(l->t, key));
    return s ? s : key;
}

/* "desk_state_revision_requested" for "revision-requested". */
static const char *state_label(const struct status_link *l, const char *state)
{
    char key[64];
    snprintf(key, sizeof(key), "desk_state_%s", state);
    for (char *c = key; *c; c++)
        if (*c == '-')
            *c = '_';
    const char *s = json_string_value(json_object_get(l->t, key));
    return s ? s : state;
}

/*
 * The author's line for event e, or NULL when it is not theirs to see. *announced: the last
 * round whose review was announced (one line per round, however many were invited).
 */
static const char *author_event(const struct status_link *l, const struct record_event *e,
                                unsigned long *announced)
{
    if (!strcmp(e->action, "submitted"))
        return say(l, "desk_event_submitted");
    if (!strcmp(e->action, "assigned")) {
        if (*announced >= e->round)
            return NULL;
        *announced = e->round;
        return say(l, "desk_event_review");
    }
    if (!strcmp(e->action, "reviewed"))
        return say(l, "desk_event_reviewed");
    if (!strcmp(e->action, "revised"))
        return say(l, "desk_event_revised");
    if (!strcmp(e->action, "withdrawn"))
        return say(l, "desk_event_withdrawn");
    if (!strcmp(e->action, "decided") && e->detail) {
        static const char *const decisions[] = {"accept", "revise", "reject", "desk-reject"};
        static const char *const keys[] = {"desk_event_accept", "desk_event_revise",
                                           "desk_event_reject", "desk_event_desk_reject"};
        for (size_t i = 0; i < 4; i++)
            if (!strcmp(e->detail, decisions[i]))
                return say(l, keys[i]);
    }
    return NULL;
}

/*
 * Where a revision's files wait between attempts: <journal>/.journal/desk/status/<n>/round-<r>
 * (the round revised, so that files left from a revision the office then recorded by hand are
 * never offered for the next one). Removed with the whole <n> folder once a revision is in.
 */
static char *kept_dir(struct journal_repo *repo, const struct submission_record *r)
{
    return xasprintf("%s/desk/status/%lu/round-%lu", repo->state_dir, r->number, r->round);
}

/* The name the author gave a kept file (<dir>/<what>.name), or NULL. */
static char *kept_name(const char *dir, const char *what)
{
    char *path = xasprintf("%s/%s.name", dir, what);
    struct strbuf sb = STRBUF_INIT;
    char *name = NULL;
    if (!fs_read_file(path, &sb))
        name = strbuf_detach(&sb, NULL);
    error_clear();
    strbuf_release(&sb);
    free(path);
    return name;
}

/* The kept file of what (manuscript.md, manuscript.docx, ...), or NULL. */
static char *kept_file(const char *dir, const char *what)
{
    static const char *const exts[] = {"md", "docx", "odt", "yaml"};
    for (size_t i = 0; i < 4; i++) {
        char *path = xasprintf("%s/%s.%s", dir, what, exts[i]);
        if (fs_exists(path))
            return path;
        free(path);
    }
    return NULL;
}

/*
 * s as a JSON string for the page: bytes that are not UTF-8 (a file name or a response as
 * a client sent it) become U+FFFD, so that what the author sent is still shown, not dropped.
 */
static json_t *page_text(const char *s)
{
    size_t len = strlen(s), bad;
    if (utf8_validate(s, len, &bad))
        return json_string(s);
    struct strbuf sb = STRBUF_INIT;
    while (*s) {
        const char *p = s;
        uint32_t cp;
        if (utf8_decode(&p, &cp)) {
            strbuf_add(&sb, s, (size_t)(p - s));
            s = p;
        } else {
            strbuf_addstr(&sb, "\xEF\xBF\xBD");
            s++;
        }
    }
    json_t *j = json_string(sb.buf);
    strbuf_release(&sb);
    return j;
}

/* The decision letters, round by round, rendered as the author read them. */
static json_t *letters(struct journal_repo *repo, const struct status_link *l)
{
    json_t *list = json_array();
    for (unsigned long round = 1; round <= l->record.round; round++) {
        char path[96];
        snprintf(path, sizeof(path), "submissions/%lu/letters/round-%lu-decision.md", l->number,
                 round);
        struct strbuf text = STRBUF_INIT, html = STRBUF_INIT;
        int rc = repo_read(repo, path, &text, NULL);
        if (!rc)
            rc = markdown_to_html(text.buf, text.len, false, &html);
        if (!rc)
            json_array_append_new(
                list, json_pack("{s:I, s:s}", "round", (json_int_t)round, "html", html.buf));
        else if (rc != JOURNAL_EINPUT || text.len)
            fprintf(stderr, "journal serve: %s\n", error_message());
        error_clear();
        strbuf_release(&text);
        strbuf_release(&html);
    }
    return list;
}

/* The status page; typed: what was posted (after an error), errors: by field. */
static void status_page(struct desk *d, struct journal_repo *repo, struct status_link *l,
                        const struct form *typed, json_t *errors, struct reply *r)
{
    const struct submission_record *rec = &l->record;
    char *base = xasprintf("%sstatus/%lu/%s", l->root, l->number, l->token);
    json_t *sub = json_pack("{s:I, s:s, s:s, s:I}", "number", (json_int_t)l->number, "title",
                            l->manuscript.title, "state", state_label(l, rec->state), "round",
                            (json_int_t)rec->round);
    json_t *data = json_pack("{s:s, s:o, s:s}", "root", l->root, "submission", sub, "page_title",
                             l->manuscript.title);
    json_t *dates = json_array();
    const char *keys[] = {"desk_date_submitted", "desk_date_accepted", "desk_date_published",
                          "desk_date_withdrawn"};
    const char *values[] = {rec->submitted, rec->accepted, rec->published, rec->withdrawn};
    for (size_t i = 0; i < 4; i++)
        if (values[i])
            json_array_append_new(
                dates, json_pack("{s:s, s:s}", "label", say(l, keys[i]), "date", values[i]));
    json_object_set_new(data, "dates", dates);

    json_t *timeline = json_array();
    unsigned long announced = 0;
    for (size_t i = 0; i < rec->nhistory; i++) {
        const char *line = author_event(l, &rec->history[i], &announced);
        if (!line)
            continue;
        char day[11];
        snprintf(day, sizeof(day), "%.10s", rec->history[i].at);
        json_array_append_new(timeline, json_pack("{s:s, s:s, s:I}", "date", day, "what", line,
                                                  "round", (json_int_t)rec->history[i].round));
    }
    json_object_set_new(data, "timeline", timeline);
    json_t *list = letters(repo, l);
    json_object_set_new(data, "has_letters", json_boolean(json_array_size(list) > 0));
    json_object_set_new(data, "letters", list);

    if (!strcmp(rec->state, "revision-requested")) {
        char csrf[65];
        desk_csrf(d, "revise", l->number, l->token, csrf);
        char *action = xasprintf("%s/revise?lang=%s", base, l->lang);
        char round[24];
        snprintf(round, sizeof(round), "%lu", rec->round);
        json_t *form = json_pack("{s:s, s:s, s:s}", "action", action, "csrf", csrf, "round", round);
        char *dir = kept_dir(repo, &l->record);
        const char *kinds[] = {"manuscript", "metadata", "response_file"};
        for (size_t i = 0; i < 3; i++) {
            char *file = kept_file(dir, kinds[i]);
            char *name = file ? kept_name(dir, kinds[i]) : NULL;
            char key[32];
            snprintf(key, sizeof(key), "kept_%s", kinds[i]);
            if (file)
                json_object_set_new(form, key, page_text(name ? name : kinds[i]));
            free(name);
            free(file);
        }
        free(dir);
        const char *response = typed ? form_get(typed, "response") : NULL;
        if (response)
            json_object_set_new(form, "response", page_text(response));
        if (errors)
            json_object_set(form, "errors", errors);
        json_object_set_new(data, "form", form);
        free(action);
    }
    json_object_set_new(data, "withdrawn", json_boolean(!strcmp(rec->state, "withdrawn")));

    json_t *langs = json_array();
    for (size_t i = 0; i < repo->config.nlanguages; i++) {
        const char *code = repo->config.languages[i];
        if (!strcmp(code, l->lang) || !desk_lang_available(repo, code))
            continue;
        char *url = xasprintf("%s?lang=%s", base, code);
        json_array_append_new(langs, json_pack("{s:s, s:s}", "code", code, "url", url));
        free(url);
    }
    json_object_set_new(data, "has_languages", json_boolean(json_array_size(langs) > 0));
    json_object_set_new(data, "languages", langs);
    desk_render(repo, l->lang, "status", data, r);
    json_decref(data);
    free(base);
}

/* text with every occurrence of from replaced by to. */
static char *replace_all(const char *text, const char *from, const char *to)
{
    struct strbuf sb = STRBUF_INIT;
    size_t n = strlen(from);
    for (const char *p = text; *p;) {
        const char *hit = n ? strstr(p, from) : NULL;
        if (!hit) {
            strbuf_addstr(&sb, p);
            break;
        }
        strbuf_add(&sb, p, (size_t)(hit - p));
        strbuf_addstr(&sb, to);
        p = hit + n;
    }
    return strbuf_detach(&sb, NULL);
}

/*
 * Keep an uploaded file of kind as <dir>/<kind>.<ext> (any other extension of that kind
 * removed) with the author's name for it beside, atomically: a failed attempt loses nothing.
 */
static int keep_upload(const char *dir, const char *kind, const char *ext,
                       const struct form_field *f)
{
    static const char *const exts[] = {"md", "docx", "odt", "yaml"};
    char *path = xasprintf("%s/%s.%s", dir, kind, ext);
    char *name_path = xasprintf("%s/%s.name", dir, kind);
    int rc = fs_mkdirs(dir);
    if (!rc)
        rc = fs_write_atomic(path, f->value, f->length);
    if (!rc)
        rc = fs_write_atomic(name_path, f->filename, strlen(f->filename));
    for (size_t i = 0; !rc && i < 4; i++)
        if (strcmp(exts[i], ext)) {
            char *other = xasprintf("%s/%s.%s", dir, kind, exts[i]);
            remove(other);
            free(other);
        }
    free(path);
    free(name_path);
    return rc;
}

/* The extension a manuscript upload is kept under, or NULL for a type revise does not take. */
static const char *manuscript_ext(const char *filename)
{
    const char *dot = strrchr(filename, '.');
    if (!dot)
        return NULL;
    if (!strcasecmp(dot, ".md") || !strcasecmp(dot, ".markdown") || !strcasecmp(dot, ".txt"))
        return "md";
    if (!strcasecmp(dot, ".docx"))
        return "docx";
    if (!strcasecmp(dot, ".odt"))
        return "odt";
    return NULL;
}

/* Whether the submission still waits for this round's revision (the form may run). */
static bool revision_open(const struct status_link *l, const struct form *f)
{
    const char *round = form_get(f, "round");
    char expected[24];
    snprintf(expected, sizeof(expected), "%lu", l->record.round);
    return !strcmp(l->record.state, "revision-requested") && round && !strcmp(round, expected);
}

/*
 * workflow_revise on the kept files. A document (.docx, .odt) sent without its META.yaml
 * takes the front matter of the version under review: the title and authors rarely change
 * in a revision, and the author of a Word file has no YAML to give.
 */
static int run_revise(struct journal_repo *repo, const struct status_link *l, const char *dir,
                      const char *manuscript, const char *metadata, const char *response)
{
    struct revision_request rq = {0};
    rq.number = l->number;
    rq.manuscript = manuscript;
    rq.response = response;
    rq.actor = "author (front desk)";
    size_t n = strlen(manuscript);
    bool document = n < 3 || strcmp(manuscript + n - 3, ".md");
    char *generated = NULL;
    int rc = 0;
    if (document && !metadata) {
        struct frontmatter fm;
        generated = xasprintf("%s/metadata-current.yaml", dir);
        rc = frontmatter_split("manuscript.md", l->manuscript_text.buf, l->manuscript_text.len,
                               "title, authors", &fm);
        if (!rc)
            rc = fs_write_atomic(generated, fm.yaml, fm.yaml_len);
        if (rc == JOURNAL_EINPUT)
            rc = JOURNAL_EINTERNAL; /* the record's own manuscript: not the author's fault */
    }
    if (document)
        rq.metadata = metadata ? metadata : generated;
    struct action_outcome out = {0};
    if (!rc)
        rc = workflow_revise(repo, &rq, &out);
    action_outcome_free(&out);
    if (generated)
        remove(generated);
    free(generated);
    return rc;
}

/* Whether the submission's state or round is no longer what l read. */
static bool moved_on(struct journal_repo *repo, const struct status_link *l)
{
    struct submission_record now;
    bool moved = false;
    char *saved = error_save();
    if (!desk_read_record(repo, l->number, &now)) {
        moved = now.round != l->record.round || strcmp(now.state, l->record.state);
        record_free(&now);
    }
    error_restore(saved);
    return moved;
}

/* POST .../revise: the revised manuscript and the response, through workflow_revise. */
static void revise(struct desk *d, struct journal_repo *repo, struct status_link *l,
                   const struct request *req, struct reply *r)
{
    struct form f = {0};
    char expected[65];
    char *page = xasprintf("../%s?lang=%s", l->token, l->lang);
    char *dir = kept_dir(repo, &l->record);
    char *manuscript = NULL, *metadata = NULL, *response = NULL, *ms_name = NULL;
    char *meta_name = NULL, *resp_name = NULL;
    json_t *errors = json_object();
    if (desk_read_form(req, &f)) {
        error_clear();
        desk_message(repo, l->lang, 400, "desk_bad_form_title", "desk_status_bad_form_text",
                     l->root, r);
        goto done;
    }
    desk_csrf(d, "revise", l->number, l->token, expected);
    const char *csrf = form_get(&f, "csrf");
    if (!csrf || !token_equal(csrf, expected)) {
        desk_message(repo, l->lang, 403, "desk_forbidden_title", "desk_status_forbidden_text",
                     l->root, r);
        goto done;
    }
    if (!revision_open(l, &f)) {
        /* Sent already (the same form twice), or the state moved on: the page says where. */
        desk_redirect(page, r);
        goto done;
    }
    /*
     * From here on under the journal's lock (workflow_revise takes it again, as its holder):
     * the same form sent twice at once keeps its files and revises one after the other, and
     * the second, finding the revision in, goes to the page.
     */
    if (repo_lock(repo, 30000))
        goto failed;
    if (moved_on(repo, l)) {
        desk_redirect(page, r);
        goto done;
    }
    /* The files first, kept whatever else is wrong, so the author never sends them twice. */
    const struct form_field *up = form_file(&f, "manuscript");
    if (up) {
        const char *ext = manuscript_ext(up->filename ? up->filename : "");
        if (!ext)
            json_object_set_new(errors, "manuscript",
                                json_string(say(l, "desk_revision_wrong_type")));
        else if (keep_upload(dir, "manuscript", ext, up))
            goto failed;
    }
    up = form_file(&f, "metadata");
    if (up && keep_upload(dir, "metadata", "yaml", up))
        goto failed;
    up = form_file(&f, "response_file");
    if (up && keep_upload(dir, "response_file", "md", up))
        goto failed;
    manuscript = kept_file(dir, "manuscript");
    metadata = kept_file(dir, "metadata");
    ms_name = manuscript ? kept_name(dir, "manuscript") : NULL;
    meta_name = metadata ? kept_name(dir, "metadata") : NULL;
    if (!manuscript && !json_object_get(errors, "manuscript"))
        json_object_set_new(errors, "manuscript", json_string(say(l, "desk_revision_missing")));

    /* The response: what was typed, else the file sent with it (now or before). */
    const char *typed = form_get(&f, "response");
    if (typed && typed[strspn(typed, " \t\r\n")]) {
        response = xasprintf("%s/response.md", dir);
        resp_name = xstrdup(say(l, "desk_response_label"));
        if (fs_mkdirs(dir) || fs_write_atomic(response, typed, strlen(typed)))
            goto failed;
    } else {
        response = kept_file(dir, "response_file");
        resp_name = response ? kept_name(dir, "response_file") : NULL;
    }
    if (response) {
        struct strbuf check = STRBUF_INIT;
        if (workflow_read_text(repo, resp_name ? resp_name : "response", response, &check)) {
            char *msg = replace_all(error_message(), response, resp_name ? resp_name : "");
            json_object_set_new(errors, "response", page_text(msg));
            free(msg);
            error_clear();
        }
        strbuf_release(&check);
    }
    if (json_object_size(errors))
        goto invalid;

    int rc = run_revise(repo, l, dir, manuscript, metadata, response);
    if (!rc) {
        char *all = xasprintf("%s/desk/status/%lu", repo->state_dir, l->number);
        fs_remove_tree(all);
        free(all);
        error_clear();
        desk_redirect(page, r);
        goto done;
    }
    if (rc != JOURNAL_EINPUT)
        goto failed;
    /* Refused: the same words as `journal revise`, naming the author's files, not ours. */
    char *a = replace_all(error_message(), manuscript, ms_name ? ms_name : "manuscript");
    char *b = metadata ? replace_all(a, metadata, meta_name ? meta_name : "metadata") : xstrdup(a);
    error_clear();
    json_object_set_new(errors, "manuscript", page_text(b));
    free(a);
    free(b);
    if (moved_on(repo, l)) {
        /* The same form sent twice at once, and the other got in first: where it stands. */
        desk_redirect(page, r);
        goto done;
    }
invalid:
    r->status = 422;
    status_page(d, repo, l, &f, errors, r);
    goto done;
failed:
    desk_log_error(NULL);
    desk_message(repo, l->lang, 500, "desk_error_title", "desk_error_text", l->root, r);
done:
    json_decref(errors);
    form_free(&f);
    free(page);
    free(dir);
    free(manuscript);
    free(metadata);
    free(response);
    free(ms_name);
    free(meta_name);
    free(resp_name);
}

bool desk_status_handle(struct desk *d, struct journal_repo *repo, const char *method,
                        const char *path, const char *lang, const struct request *req,
                        struct reply *r)
{
    if (strncmp(path, "/status/", 8))
        return false;
    bool get = !strcmp(method, "GET") || !strcmp(method, "HEAD");
    bool post = !strcmp(method, "POST");
    const char *fallback = desk_main_lang(repo);
    struct status_link l;
    memset(&l, 0, sizeof(l));
    strbuf_init(&l.manuscript_text);
    desk_root(path, l.root, sizeof(l.root));
    int found = desk_parse_link(path, "/status/", &l.number, l.token, &l.rest)
                    ? link_open(d, repo, &l, lang)
                    : 1;
    bool known = l.rest && (!*l.rest || !strcmp(l.rest, "/revise"));
    if (found < 0) {
        desk_log_error(NULL);
        desk_message(repo, fallback, 500, "desk_error_title", "desk_error_text", l.root, r);
    } else if (found || !known) {
        /* Wrong or revoked: the same page, whatever exists behind it. */
        desk_message(repo, fallback, 404, "desk_not_found_title", "desk_not_found_text", l.root, r);
    } else if (!*l.rest && get) {
        r->status = 200;
        status_page(d, repo, &l, NULL, NULL, r);
    } else if (!strcmp(l.rest, "/revise") && post) {
        revise(d, repo, &l, req, r);
    } else {
        desk_message(repo, l.lang, 405, "desk_method_title", "desk_method_text", l.root, r);
    }
    link_free(&l);
    return true;
}
