#include "export/intext.h"

#include "export/references.h"
#include "util/alloc.h"

#include <cmark-gfm.h>
#include <stdlib.h>
#include <string.h>

/* What intext_resolve's links carry as user data, to be told from the author's own links. */
static char citation_marker;

static bool empty(const char *s)
{
    return !s || !*s;
}

static bool russian(const char *lang)
{
    return lang && !strncmp(lang, "ru", 2);
}

static long find(const struct reference_list *refs, const char *key)
{
    for (size_t i = 0; i < refs->n; i++)
        if (refs->items[i].id && !strcmp(refs->items[i].id, key))
            return (long)i;
    return -1;
}

static const char *name_of(const struct csl_name *n)
{
    return !empty(n->literal) ? n->literal : !empty(n->family) ? n->family : n->given;
}

/* "Evans", "Evans & Rauch" ("and" in the narrative), "Evans et al.", or the title. */
static void authors(struct strbuf *out, const struct reference *r, bool narrative, const char *lang)
{
    const struct csl_name *names = r->nauthors ? r->authors : r->editors;
    size_t n = r->nauthors ? r->nauthors : r->neditors;
    if (!n) {
        /* No author: the title stands in, in quotation marks (APA 7, 8.14). */
        strbuf_addstr(out, russian(lang) ? "\xc2\xab" : "\xe2\x80\x9c");
        strbuf_addstr(out, empty(r->title) ? r->id : r->title);
        strbuf_addstr(out, russian(lang) ? "\xc2\xbb" : "\xe2\x80\x9d");
        return;
    }
    strbuf_addstr(out, name_of(&names[0]) ? name_of(&names[0]) : "");
    if (n == 2) {
        strbuf_addstr(out, narrative ? (russian(lang) ? " и " : " and ") : " & ");
        strbuf_addstr(out, name_of(&names[1]) ? name_of(&names[1]) : "");
    } else if (n > 2) {
        strbuf_addstr(out, russian(lang) ? " и др." : " et al.");
    }
}

static void year(struct strbuf *out, const struct reference *r, char suffix)
{
    if (r->year) {
        strbuf_addf(out, "%d", r->year);
        if (suffix)
            strbuf_addch(out, suffix);
    } else if (!empty(r->issued_literal)) {
        strbuf_addstr(out, r->issued_literal);
    } else {
        strbuf_addstr(out, "n.d.");
    }
}

/* ", p. 12", with a page range's hyphen an en dash as in the reference list ("pp. 3–4"). */
static void add_locator(struct strbuf *out, const char *loc)
{
    if (empty(loc))
        return;
    strbuf_addstr(out, ", ");
    for (const char *p = loc; *p; p++) {
        size_t dashes = strspn(p, "-");
        if (dashes && dashes <= 2 && p > loc && p[-1] >= '0' && p[-1] <= '9' && p[dashes] >= '0' &&
            p[dashes] <= '9') {
            strbuf_addstr(out, "\xe2\x80\x93");
            p += dashes - 1;
            continue;
        }
        strbuf_addch(out, *p);
    }
}

static void piece(struct intext *t, size_t *alloc, struct strbuf *sb, long ref)
{
    if (!sb->len)
        return;
    ARRAY_GROW(t->pieces, t->n + 1, *alloc);
    t->pieces[t->n++] = (struct intext_piece){strbuf_detach(sb, NULL), ref};
}

struct ranked {
    const struct cite_item *item;
    long ref;
    size_t rank; /* in the reference list */
    size_t index;
};

static int cmp_ranked(const void *pa, const void *pb)
{
    const struct ranked *a = pa, *b = pb;
    if (a->rank != b->rank)
        return a->rank < b->rank ? -1 : 1;
    return a->index < b->index ? -1 : a->index > b->index;
}

bool intext_format(const struct cite *c, const struct reference_list *refs, const char *suffixes,
                   const char *lang, struct intext *out)
{
    memset(out, 0, sizeof(*out));
    if (!c->n)
        return false;
    struct ranked *items = xcalloc(c->n, sizeof(*items));
    for (size_t i = 0; i < c->n; i++) {
        items[i] = (struct ranked){&c->items[i], find(refs, c->items[i].key), 0, i};
        if (items[i].ref < 0) {
            free(items);
            return false;
        }
    }
    size_t *order = references_apa_order(refs);
    for (size_t i = 0; i < c->n; i++)
        for (size_t k = 0; k < refs->n; k++)
            if (order[k] == (size_t)items[i].ref)
                items[i].rank = k;
    free(order);
    /* APA lists the works of one parenthetical citation as the reference list does. */
    if (!c->narrative)
        qsort(items, c->n, sizeof(*items), cmp_ranked);

    size_t alloc = 0;
    struct strbuf sb = STRBUF_INIT, prev = STRBUF_INIT, who = STRBUF_INIT;
    if (c->narrative) {
        const struct reference *r = &refs->items[items[0].ref];
        authors(&sb, r, true, lang);
        strbuf_addstr(&sb, " (");
        year(&sb, r, suffixes ? suffixes[items[0].ref] : 0);
        add_locator(&sb, items[0].item->locator);
        strbuf_addch(&sb, ')');
        piece(out, &alloc, &sb, items[0].ref);
    } else {
        strbuf_addch(&sb, '(');
        for (size_t i = 0; i < c->n; i++) {
            const struct cite_item *it = items[i].item;
            const struct reference *r = &refs->items[items[i].ref];
            strbuf_reset(&who);
            authors(&who, r, false, lang);
            /* (Adams, 2019, 2020): the same authors once, when nothing stands between. */
            bool same = i && !it->suppress_author && !items[i - 1].item->suppress_author &&
                        empty(it->prefix) && empty(items[i - 1].item->locator) &&
                        !strcmp(prev.buf, who.buf);
            if (i)
                strbuf_addstr(&sb, same ? ", " : "; ");
            if (!empty(it->prefix))
                strbuf_addf(&sb, "%s ", it->prefix);
            piece(out, &alloc, &sb, -1);
            if (!same && !it->suppress_author) {
                /* A title in quotation marks takes the comma inside them: ("Title," n.d.). */
                static const char close_quote[] = "\xe2\x80\x9d";
                if (who.len >= 3 && !strcmp(who.buf + who.len - 3, close_quote)) {
                    strbuf_add(&sb, who.buf, who.len - 3);
                    strbuf_addf(&sb, ",%s ", close_quote);
                } else {
                    strbuf_addf(&sb, "%s, ", who.buf);
                }
            }
            year(&sb, r, suffixes ? suffixes[items[i].ref] : 0);
            add_locator(&sb, it->locator);
            piece(out, &alloc, &sb, items[i].ref);
            strbuf_reset(&prev);
            strbuf_add(&prev, who.buf, who.len);
        }
        strbuf_addch(&sb, ')');
        piece(out, &alloc, &sb, -1);
    }
    strbuf_release(&sb);
    strbuf_release(&prev);
    strbuf_release(&who);
    free(items);
    return true;
}

void intext_free(struct intext *t)
{
    for (size_t i = 0; i < t->n; i++)
        free(t->pieces[i].text);
    free(t->pieces);
    memset(t, 0, sizeof(*t));
}

void intext_text(const struct intext *t, const struct reference_list *refs, bool links,
                 struct strbuf *out)
{
    for (size_t i = 0; i < t->n; i++) {
        if (links && t->pieces[i].ref >= 0)
            strbuf_addf(out, "[%s](#ref-%s)", t->pieces[i].text, refs->items[t->pieces[i].ref].id);
        else
            strbuf_addstr(out, t->pieces[i].text);
    }
}

static cmark_node *text_node(cmark_mem *mem, const char *s, size_t len)
{
    cmark_node *n = cmark_node_new_with_mem(CMARK_NODE_TEXT, mem);
    char *copy = xstrndup(s, len);
    cmark_node_set_literal(n, copy);
    free(copy);
    return n;
}

void intext_resolve(cmark_node *root, cmark_mem *mem, const struct reference_list *refs,
                    const char *lang)
{
    if (!refs || !refs->n)
        return;
    cmark_node **texts;
    size_t ntexts = cite_text_nodes(root, &texts);
    if (!ntexts) {
        free(texts);
        return;
    }
    char *suffixes = references_year_suffixes(refs, NULL);
    struct strbuf url = STRBUF_INIT;
    for (size_t t = 0; t < ntexts; t++) {
        cmark_node *node = texts[t];
        /* The literal changes as citations are cut off its front: a copy to read. */
        char *lit = xstrdup(cmark_node_get_literal(node));
        size_t len = strlen(lit), done = 0;
        struct cite c;
        for (size_t from = 0; cite_next(lit, len, from, &c); from = c.end, cite_free(&c)) {
            struct intext form;
            if (!intext_format(&c, refs, suffixes, lang, &form))
                continue;
            if (c.start > done)
                cmark_node_insert_before(node, text_node(mem, lit + done, c.start - done));
            for (size_t i = 0; i < form.n; i++) {
                const struct intext_piece *p = &form.pieces[i];
                cmark_node *child = text_node(mem, p->text, strlen(p->text));
                if (p->ref < 0) {
                    cmark_node_insert_before(node, child);
                    continue;
                }
                cmark_node *link = cmark_node_new_with_mem(CMARK_NODE_LINK, mem);
                strbuf_reset(&url);
                strbuf_addf(&url, "#ref-%s", refs->items[p->ref].id);
                cmark_node_set_url(link, url.buf);
                cmark_node_set_user_data(link, &citation_marker);
                cmark_node_append_child(link, child);
                cmark_node_insert_before(node, link);
            }
            intext_free(&form);
            done = c.end;
        }
        if (done == len) {
            cmark_node_unlink(node);
            cmark_node_free(node);
        } else if (done) {
            cmark_node_set_literal(node, lit + done);
        }
        free(lit);
    }
    strbuf_release(&url);
    free(suffixes);
    free(texts);
}

long intext_reference(cmark_node *node, const struct reference_list *refs)
{
    if (!refs || cmark_node_get_type(node) != CMARK_NODE_LINK ||
        cmark_node_get_user_data(node) != &citation_marker)
        return -1;
    const char *url = cmark_node_get_url(node);
    return url && !strncmp(url, "#ref-", 5) ? find(refs, url + 5) : -1;
}

/* Where the code span that opens at s[i] (a run of backticks) ends, or i + the run when it
   closes nowhere (then the backticks are text, as in CommonMark). */
static size_t code_span_end(const char *s, size_t len, size_t i)
{
    size_t run = 0;
    while (i + run < len && s[i + run] == '`')
        run++;
    for (size_t j = i + run; j < len;) {
        if (s[j] != '`') {
            j++;
            continue;
        }
        size_t k = 0;
        while (j + k < len && s[j + k] == '`')
            k++;
        if (k == run)
            return j + k;
        j += k;
    }
    return i + run;
}

char *intext_plain(const char *md, const struct reference_list *refs, const char *lang)
{
    if (!md)
        return NULL;
    size_t len = strlen(md);
    if (!refs || !refs->n || !memchr(md, '@', len))
        return xstrdup(md);
    char *suffixes = references_year_suffixes(refs, NULL);
    struct strbuf out = STRBUF_INIT;
    size_t done = 0;
    for (size_t i = 0; i < len;) {
        /* Text up to the next code span, which is left as written. */
        const char *tick = memchr(md + i, '`', len - i);
        size_t stop = tick ? (size_t)(tick - md) : len;
        struct cite c;
        for (size_t from = i; cite_next(md, stop, from, &c); from = c.end, cite_free(&c)) {
            struct intext form;
            if (!intext_format(&c, refs, suffixes, lang, &form))
                continue;
            strbuf_add(&out, md + done, c.start - done);
            intext_text(&form, refs, false, &out);
            intext_free(&form);
            done = c.end;
        }
        i = stop < len ? code_span_end(md, len, stop) : len;
    }
    strbuf_add(&out, md + done, len - done);
    free(suffixes);
    return strbuf_detach(&out, NULL);
}
