#include "workflow/packet.h"

#include "model/namematch.h"
#include "model/roster.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/unicode.h"
#include "util/yaml.h"
#include "workflow/editorial.h"

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
    if (!rc && out->blinded) {
        out->removed_sections = strip_sections(m->body, m->body_len, &out->text);
        /* The title, abstract and keywords may name an author as well as the body can: the
           whole packet is searched, its lines counted from the top. */
        rc = find_identifying_text(out, m, 0, 1);
    } else if (!rc) {
        strbuf_add(&out->text, m->body, m->body_len);
    }
    editorial_close(&e);
    return rc;
}

void packet_free(struct packet *p)
{
    for (size_t i = 0; i < p->nwarnings; i++)
        free(p->warnings[i].text);
    free(p->warnings);
    strbuf_release(&p->text);
    memset(p, 0, sizeof(*p));
}
