#include "workflow/packet.h"

#include "export/references.h"
#include "model/namematch.h"
#include "model/roster.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/unicode.h"
#include "util/yaml.h"
#include "workflow/editorial.h"
#include "workflow/invitation.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Headings of sections that identify the authors, in English and Russian (matched folded). */
static const char *const identifying_headings[] = {"acknowledg",
                                                   "funding",
                                                   "author contribution",
                                                   "authors' contribution",
                                                   "conflict of interest",
                                                   "competing interest",
                                                   "благодарност",
                                                   "финансирован",
                                                   "вклад автор",
                                                   "конфликт интерес",
                                                   NULL};

/* A Markdown ATX heading: its level (1-6), or 0. */
static int heading_level(const char *line, size_t len)
{
    int level = 0;
    while ((size_t)level < len && line[level] == '#')
        level++;
    if (level == 0 || level > 6 || ((size_t)level < len && line[level] != ' '))
        return 0;
    return level;
}

static bool identifying(const char *line, size_t len)
{
    char *text = xstrndup(line, len);
    char *key = roster_name_key(text);
    free(text);
    bool found = false;
    for (size_t i = 0; identifying_headings[i] && !found; i++)
        found = strstr(key, identifying_headings[i]) != NULL;
    free(key);
    return found;
}

/* Copy body into out without the identifying sections (to the next heading of the same or a higher
 * level). */
static size_t strip_sections(const char *body, size_t len, struct strbuf *out)
{
    size_t removed = 0;
    int skipping = 0; /* level of the section being dropped */
    bool in_fence = false;
    const char *end = body + len;
    for (const char *s = body; s < end;) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s);
        if (n >= 3 && (!strncmp(s, "```", 3) || !strncmp(s, "~~~", 3)))
            in_fence = !in_fence;
        int level = in_fence ? 0 : heading_level(s, n);
        if (level && skipping && level <= skipping)
            skipping = 0;
        if (level && !skipping && identifying(s + level, n - (size_t)level)) {
            skipping = level;
            removed++;
        }
        if (!skipping)
            strbuf_add(out, s, n + (nl ? 1 : 0));
        s += n + (nl ? 1 : 0);
    }
    return removed;
}

static void add_warning(struct packet *p, size_t line, char *text)
{
    p->warnings = xrealloc(p->warnings, (p->nwarnings + 1) * sizeof(*p->warnings));
    p->warnings[p->nwarnings++] = (struct packet_warning){line, text};
}

/*
 * Where the packet still names an author: full name (in any script and order, with
 * initials), family name (in any Russian case: "Соколова", "Соколовым" for "Соколов"),
 * email or ORCID iD (model/namematch.h). Lines are read one at a time so that warnings can
 * say where.
 */
static int find_identifying_text(struct packet *p, const struct manuscript *m, size_t body_start,
                                 size_t first_line)
{
    size_t nneedles = 0, nforms = 0;
    char **needles = xcalloc(m->nauthors * 2 + 1, sizeof(char *));
    const char **owners = xcalloc(m->nauthors * 2 + 1, sizeof(char *));
    struct name_form *forms = xcalloc(m->nauthors * 2 + 1, sizeof(*forms));
    const char **form_owners = xcalloc(m->nauthors * 2 + 1, sizeof(char *));
    int rc = 0;
    for (size_t i = 0; !rc && i < m->nauthors; i++) {
        const struct author *a = &m->authors[i];
        const char *last = strrchr(a->name, ' ');
        const char *names[2] = {a->name, a->family ? a->family : (last ? last + 1 : NULL)};
        for (size_t k = 0; !rc && k < 2; k++) {
            if (!names[k] || strlen(names[k]) < 3)
                continue;
            form_owners[nforms] = a->name;
            rc = name_form_init(&forms[nforms++], names[k]);
        }
        const char *codes[2] = {a->email, a->orcid[0] ? a->orcid : NULL};
        for (size_t k = 0; k < 2; k++) {
            if (!codes[k] || strlen(codes[k]) < 3)
                continue;
            owners[nneedles] = a->name;
            needles[nneedles++] = roster_name_key(codes[k]);
        }
    }
    const char *end = p->text.buf + p->text.len;
    size_t line = first_line;
    for (const char *s = p->text.buf + body_start; !rc && s < end; line++) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s);
        char *raw = xstrndup(s, n);
        char *folded = roster_name_key(raw);
        struct name_form text;
        rc = name_form_init(&text, raw);
        const char *owner = NULL;
        for (size_t k = 0; !rc && !owner && k < nforms; k++)
            if (name_form_occurs_in(&forms[k], &text))
                owner = form_owners[k];
        for (size_t k = 0; !rc && !owner && k < nneedles; k++)
            if (roster_has_word(folded, needles[k]))
                owner = owners[k];
        if (owner) {
            /* Cut by what a terminal shows, never inside a character. */
            char *shown = text_truncate_to_width(raw, 60);
            add_warning(p, line, xasprintf("names the author %s: %s", owner, shown));
            free(shown);
        }
        name_form_free(&text);
        free(folded);
        free(raw);
        s += n + (nl ? 1 : 0);
    }
    for (size_t k = 0; k < nneedles; k++)
        free(needles[k]);
    for (size_t k = 0; k < nforms; k++)
        name_form_free(&forms[k]);
    free(needles);
    free(owners);
    free(forms);
    free(form_owners);
    return rc;
}

static bool russian(const struct manuscript *m)
{
    return m->lang && !strcmp(m->lang, "ru");
}

/* Markdown text, without the identifying sections under double-blind review. */
static void add_text(struct packet *p, const char *text, size_t len)
{
    if (p->blinded)
        p->removed_sections += strip_sections(text, len, &p->text);
    else
        strbuf_add(&p->text, text, len);
    if (p->text.len && p->text.buf[p->text.len - 1] != '\n')
        strbuf_addch(&p->text, '\n');
}

/* The reference list of the front matter, in APA, as the article page will show it. */
static int add_references(struct packet *p, const struct manuscript *m)
{
    if (!m->references.n)
        return 0;
    strbuf_addf(&p->text, "\n## %s\n\n", russian(m) ? "Список литературы" : "References");
    size_t *order = references_apa_order(&m->references);
    int rc = 0;
    for (size_t i = 0; !rc && i < m->references.n; i++) {
        strbuf_addstr(&p->text, "- ");
        rc = reference_apa_text(&m->references.items[order ? order[i] : i], &p->text);
        strbuf_addch(&p->text, '\n');
    }
    free(order);
    return rc;
}

/* From round 2: the authors' response to the reviewers of the round before. */
static int add_response(struct packet *p, struct journal_repo *repo, const struct editorial *e)
{
    if (e->record.round < 2)
        return 0;
    char *path = xasprintf("submissions/%lu/responses/round-%lu.md", e->number, e->record.round);
    struct strbuf text = STRBUF_INIT;
    int rc = repo_read(repo, path, &text, NULL);
    if (rc == JOURNAL_EINPUT) {
        error_clear(); /* revised without a response */
        rc = 0;
    } else if (!rc) {
        p->response = true;
        strbuf_addf(&p->text, "\n## %s %lu)\n\n",
                    russian(&e->manuscript) ? "Ответ авторов рецензентам (раунд"
                                            : "The authors' response to reviewers (round",
                    e->record.round);
        add_text(p, text.buf, text.len);
    }
    strbuf_release(&text);
    free(path);
    return rc;
}

struct attachment_walk {
    struct packet *p;
    const struct submission_record *record;
    unsigned long number;
    size_t alloc;
    int rc;
};

static int add_attachment(const char *folder, const git_tree_entry *entry, void *payload)
{
    struct attachment_walk *w = payload;
    w->rc = repo_entry_checkf(entry, "submissions/%lu/files/%s%s", w->number, folder,
                              git_tree_entry_name(entry));
    if (w->rc)
        return -1;
    if (git_tree_entry_type(entry) != GIT_OBJECT_BLOB)
        return 0;
    char *name = xasprintf("%s%s", folder, git_tree_entry_name(entry));
    if (record_is_private(w->record, name)) {
        w->p->nprivate++;
        free(name);
        return 0;
    }
    ARRAY_GROW(w->p->files, w->p->nfiles + 1, w->alloc);
    w->p->files[w->p->nfiles++] = name;
    return 0;
}

/* The attachments the editor did not mark private, listed by path. */
static int add_attachments(struct packet *p, struct journal_repo *repo, const struct editorial *e)
{
    git_tree *root = NULL, *dir = NULL;
    char path[64];
    snprintf(path, sizeof(path), "submissions/%lu/files", e->number);
    int rc = repo_head_tree(repo, &root);
    if (!rc)
        rc = repo_subtree(repo->git, root, path, &dir);
    struct attachment_walk w = {p, &e->record, e->number, 0, 0};
    if (!rc && dir && git_tree_walk(dir, GIT_TREEWALK_PRE, add_attachment, &w) < 0)
        rc = w.rc ? w.rc : repo_git_error(path);
    git_tree_free(dir);
    git_tree_free(root);
    if (rc || !p->nfiles)
        return rc;
    strbuf_addf(&p->text, "\n## %s\n\n", russian(&e->manuscript) ? "Приложения" : "Attachments");
    for (size_t i = 0; i < p->nfiles; i++)
        strbuf_addf(&p->text, "- `%s`\n", p->files[i]);
    return 0;
}

int packet_make(struct journal_repo *repo, unsigned long number, const char *reviewer,
                struct packet *out)
{
    struct editorial e;
    memset(out, 0, sizeof(*out));
    strbuf_init(&out->text);
    int rc = editorial_open(&e, repo, number);
    if (!rc)
        rc = editorial_require(&e, "packet");
    if (!rc && !record_find_assignment(&e.record, reviewer, e.record.round))
        rc = error_input("%s is not assigned to submission %lu in round %lu; packets go to "
                         "assigned reviewers only",
                         reviewer, number, e.record.round);
    enum assignment_state st = ASSIGNMENT_INVITED;
    if (!rc)
        rc = invitation_state(repo, number,
                              record_find_assignment(&e.record, reviewer, e.record.round), &st);
    if (!rc && (st == ASSIGNMENT_DECLINED || st == ASSIGNMENT_WITHDRAWN))
        rc = error_input("%s's invitation to review submission %lu (round %lu) was %s: packets "
                         "go to reviewers whose invitation is open or accepted",
                         reviewer, number, e.record.round, assignment_states[st]);
    if (rc) {
        editorial_close(&e);
        return rc;
    }
    /* The packet is read-only work: let other writers go on while it is made. */
    repo_unlock(repo);
    const struct manuscript *m = &e.manuscript;
    out->blinded = strcmp(repo->config.review_mode, "double-blind") == 0;

    struct ywriter w;
    char num[32];
    strbuf_addstr(&out->text, "---\n");
    ywriter_begin(&w, &out->text);
    ywriter_map_begin(&w);
    ywriter_pair(&w, "title", m->title);
    if (m->subtitle)
        ywriter_pair(&w, "subtitle", m->subtitle);
    ywriter_pair_plain(&w, "lang", m->lang);
    ywriter_pair_plain(&w, "type", m->type);
    if (m->abstract)
        ywriter_pair_text(&w, "abstract", m->abstract);
    if (m->nkeywords) {
        ywriter_plain(&w, "keywords");
        ywriter_seq_begin(&w, true);
        for (size_t i = 0; i < m->nkeywords; i++)
            ywriter_scalar(&w, m->keywords[i]);
        ywriter_seq_end(&w);
    }
    if (!out->blinded) {
        ywriter_plain(&w, "authors");
        ywriter_seq_begin(&w, false);
        for (size_t i = 0; i < m->nauthors; i++) {
            ywriter_map_begin(&w);
            ywriter_pair(&w, "name", m->authors[i].name);
            ywriter_plain(&w, "affiliations");
            ywriter_seq_begin(&w, false);
            for (size_t j = 0; j < m->authors[i].naffiliations; j++)
                ywriter_scalar(&w, m->authors[i].affiliations[j].name);
            ywriter_seq_end(&w);
            ywriter_map_end(&w);
        }
        ywriter_seq_end(&w);
    }
    ywriter_plain(&w, "review");
    ywriter_map_begin(&w);
    snprintf(num, sizeof(num), "%lu", number);
    ywriter_pair_plain(&w, "submission", num);
    snprintf(num, sizeof(num), "%lu", e.record.round);
    ywriter_pair_plain(&w, "round", num);
    ywriter_pair(&w, "reviewer", reviewer);
    ywriter_pair(&w, "mode", repo->config.review_mode);
    const struct record_assignment *a = record_find_assignment(&e.record, reviewer, e.record.round);
    if (a->due)
        ywriter_pair_plain(&w, "due", a->due);
    ywriter_map_end(&w);
    ywriter_map_end(&w);
    rc = ywriter_end(&w);
    strbuf_addstr(&out->text, "---\n");
    if (!rc)
        add_text(out, m->body, m->body_len);
    if (!rc)
        rc = add_references(out, m);
    if (!rc)
        rc = add_response(out, repo, &e);
    if (!rc)
        rc = add_attachments(out, repo, &e);
    /* The title, abstract, keywords, references, response and file names may name an author
       as well as the body can: the whole packet is searched, its lines counted from the top. */
    if (!rc && out->blinded)
        rc = find_identifying_text(out, m, 0, 1);
    editorial_close(&e);
    return rc;
}

int packet_read_file(struct journal_repo *repo, unsigned long number, const char *path,
                     struct strbuf *out)
{
    char *full = xasprintf("submissions/%lu/files/%s", number, path);
    int rc = repo_read(repo, full, out, NULL);
    free(full);
    return rc;
}

void packet_free(struct packet *p)
{
    for (size_t i = 0; i < p->nwarnings; i++)
        free(p->warnings[i].text);
    free(p->warnings);
    for (size_t i = 0; i < p->nfiles; i++)
        free(p->files[i]);
    free(p->files);
    strbuf_release(&p->text);
    memset(p, 0, sizeof(*p));
}
