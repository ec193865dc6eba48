#include "export/references.h"

#include "export/citation.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/utf8.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char en_dash[] = "\xe2\x80\x93";
static const char *const months[] = {"January",   "February", "March",    "April",
                                     "May",       "June",     "July",     "August",
                                     "September", "October",  "November", "December"};

static bool empty(const char *s)
{
    return !s || !*s;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static bool is_type(const struct reference *r, const char *type)
{
    return r->type && !strcmp(r->type, type);
}

/* s with each run of white space one space, escaped for HTML when html. */
static void add(struct strbuf *out, const char *s, bool html)
{
    struct strbuf plain = STRBUF_INIT;
    bool space = false;
    for (const char *p = s ? s : ""; *p; p++) {
        if (is_space(*p) || (unsigned char)*p < 0x20 || *p == 0x7f) {
            space = plain.len > 0;
            continue;
        }
        if (space)
            strbuf_addch(&plain, ' ');
        space = false;
        strbuf_addch(&plain, *p);
    }
    if (html)
        strbuf_add_html_escaped(out, plain.buf, plain.len);
    else
        strbuf_add(out, plain.buf, plain.len);
    strbuf_release(&plain);
}

static void italic(struct strbuf *out, bool html, bool open)
{
    if (html)
        strbuf_addstr(out, open ? "<i>" : "</i>");
}

static bool ends_in_stop(const char *s, size_t len)
{
    while (len && is_space(s[len - 1]))
        len--;
    return len && (s[len - 1] == '.' || s[len - 1] == '?' || s[len - 1] == '!');
}

/* " Text." (the full stop left out when the text has its own). */
static void add_sentence(struct strbuf *out, const char *s, bool html)
{
    strbuf_addch(out, ' ');
    add(out, s, html);
    if (!ends_in_stop(s, strlen(s)))
        strbuf_addch(out, '.');
}

static void end_with_stop(struct strbuf *out)
{
    if (!ends_in_stop(out->buf, out->len))
        strbuf_addch(out, '.');
}

/* Page ranges with an en dash, whatever the manuscript used ("15-30", "15--30"). */
static bool pages_text(struct strbuf *out, const char *pages)
{
    bool range = false;
    for (const char *p = pages; *p;) {
        bool dash = false;
        while (*p == '-' || !strncmp(p, en_dash, 3)) {
            p += *p == '-' ? 1 : 3;
            dash = true;
        }
        if (dash) {
            strbuf_addstr(out, en_dash);
            range = true;
            continue;
        }
        if (*p)
            strbuf_addch(out, *p++);
    }
    return range;
}

/* "2" -> "2nd ed."; "Rev. ed." and "3rd edition" stay as they are. */
static void edition_text(struct strbuf *out, const char *edition)
{
    size_t len = strlen(edition);
    if (strspn(edition, "0123456789") == len && len < 6) {
        unsigned long n = strtoul(edition, NULL, 10);
        const char *suffix = "th";
        if (n % 100 < 11 || n % 100 > 13)
            suffix = n % 10 == 1 ? "st" : n % 10 == 2 ? "nd" : n % 10 == 3 ? "rd" : "th";
        strbuf_addf(out, "%lu%s ed.", n, suffix);
    } else if ((len >= 3 && !strcasecmp(edition + len - 3, "ed.")) ||
               (len >= 7 && !strcasecmp(edition + len - 7, "edition"))) {
        strbuf_addstr(out, edition);
    } else {
        strbuf_addf(out, "%s ed.", edition);
    }
}

static void add_link(struct strbuf *out, const char *prefix, const char *url, bool html)
{
    struct strbuf full = STRBUF_INIT;
    strbuf_addstr(&full, prefix);
    add(&full, url, false);
    bool web = !strncasecmp(full.buf, "https://", 8) || !strncasecmp(full.buf, "http://", 7);
    strbuf_addch(out, ' ');
    if (html && web) {
        /* A DOI may hold characters that mean something else in a URL ("#", "?", "<"):
         * the DOI Handbook has them percent-encoded in the link. */
        struct strbuf href = STRBUF_INIT;
        size_t keep = *prefix ? strlen(prefix) : full.len;
        strbuf_add(&href, full.buf, keep);
        for (size_t i = keep; i < full.len; i++) {
            unsigned char c = (unsigned char)full.buf[i];
            if (strchr("\"#%<>?[]^`{|}\\ ", c) && c)
                strbuf_addf(&href, "%%%02X", c);
            else
                strbuf_addch(&href, (char)c);
        }
        strbuf_addstr(out, "<a href=\"");
        strbuf_add_html_escaped(out, href.buf, href.len);
        strbuf_release(&href);
        strbuf_addstr(out, "\">");
        strbuf_add_html_escaped(out, full.buf, full.len);
        strbuf_addstr(out, "</a>");
    } else if (html) {
        strbuf_add_html_escaped(out, full.buf, full.len);
    } else {
        strbuf_add(out, full.buf, full.len);
    }
    strbuf_release(&full);
}

/* The APA author list of citation.c, for CSL names: a literal name is written whole. */
static int add_names(struct strbuf *out, const struct csl_name *names, size_t n, bool html)
{
    struct author *a = xcalloc(n ? n : 1, sizeof(*a));
    for (size_t i = 0; i < n; i++) {
        if (!empty(names[i].literal)) {
            a[i].family = names[i].literal;
        } else if (!empty(names[i].family)) {
            a[i].family = names[i].family;
            a[i].given = names[i].given;
        } else {
            a[i].family = names[i].given;
        }
    }
    int rc = citation_apa_authors(a, n, html, out);
    free(a);
    return rc;
}

/* "In A. Editor, B. Editor, & C. Editor (Eds.), ": initials first, as APA sets editors. */
static void add_in_editors(struct strbuf *out, const struct reference *r, bool html)
{
    const char *amp = html ? "&amp;" : "&";
    for (size_t i = 0; i < r->neditors; i++) {
        const struct csl_name *e = &r->editors[i];
        if (i && r->neditors == 2)
            strbuf_addf(out, " %s ", amp);
        else if (i && i == r->neditors - 1)
            strbuf_addf(out, ", %s ", amp);
        else if (i)
            strbuf_addstr(out, ", ");
        if (!empty(e->literal)) {
            add(out, e->literal, html);
            continue;
        }
        struct strbuf initials = STRBUF_INIT;
        citation_initials(&initials, e->family ? e->given : NULL);
        if (initials.len) {
            add(out, initials.buf, html);
            strbuf_addch(out, ' ');
        }
        add(out, e->family ? e->family : e->given, html);
        strbuf_release(&initials);
    }
    strbuf_addstr(out, r->neditors == 1 ? " (Ed.), " : " (Eds.), ");
}

enum kind { PERIODICAL, IN_BOOK, STANDALONE };

static enum kind kind_of(const struct reference *r)
{
    static const char *const periodicals[] = {"article-journal", "article-magazine",
                                              "article-newspaper", NULL};
    static const char *const parts[] = {"chapter", "entry", "entry-dictionary",
                                        "entry-encyclopedia", NULL};
    static const char *const alone[] = {"book",        "report",  "thesis",   "webpage", "post",
                                        "post-weblog", "dataset", "software", NULL};
    for (size_t i = 0; periodicals[i]; i++)
        if (is_type(r, periodicals[i]))
            return PERIODICAL;
    for (size_t i = 0; parts[i]; i++)
        if (is_type(r, parts[i]))
            return IN_BOOK;
    if (is_type(r, "paper-conference"))
        return empty(r->container_title) ? STANDALONE : IN_BOOK;
    for (size_t i = 0; alone[i]; i++)
        if (is_type(r, alone[i]))
            return STANDALONE;
    return empty(r->container_title) ? STANDALONE : PERIODICAL;
}

/* Works dated to the day in APA: web pages, news, presentations. */
static bool full_date(const struct reference *r)
{
    return is_type(r, "webpage") || is_type(r, "post") || is_type(r, "post-weblog") ||
           is_type(r, "article-magazine") || is_type(r, "article-newspaper") ||
           (is_type(r, "paper-conference") && empty(r->container_title));
}

static bool same_as_author(const struct reference *r, const char *s)
{
    return !empty(s) && r->nauthors == 1 && !empty(r->authors[0].literal) &&
           !strcmp(r->authors[0].literal, s);
}

/* The title with what APA sets after it: "Title (2nd ed.)." or "Title [Doctoral dissertation, U]."
 */
static void add_title(struct strbuf *out, const struct reference *r, bool html)
{
    bool alone = kind_of(r) == STANDALONE;
    struct strbuf paren = STRBUF_INIT, bracket = STRBUF_INIT;
    if (alone && !empty(r->edition))
        edition_text(&paren, r->edition);
    if (alone && !empty(r->number) && !is_type(r, "thesis")) {
        if (paren.len)
            strbuf_addstr(&paren, ", ");
        strbuf_addf(&paren, "%s No. %s", empty(r->genre) ? "Report" : r->genre, r->number);
    }
    if (is_type(r, "thesis")) {
        strbuf_addstr(&bracket, empty(r->genre) ? "Thesis" : r->genre);
        if (!empty(r->publisher))
            strbuf_addf(&bracket, ", %s", r->publisher);
    } else if (alone && is_type(r, "paper-conference")) {
        strbuf_addstr(&bracket, empty(r->genre) ? "Paper presentation" : r->genre);
    }

    if (alone)
        italic(out, html, true);
    add(out, r->title, html);
    if (alone)
        italic(out, html, false);
    if (paren.len) {
        strbuf_addstr(out, " (");
        add(out, paren.buf, html);
        strbuf_addch(out, ')');
    }
    if (bracket.len) {
        strbuf_addstr(out, " [");
        add(out, bracket.buf, html);
        strbuf_addch(out, ']');
    }
    /* A title's own ? or ! ends it; markup after it does not count. */
    if (paren.len || bracket.len || !ends_in_stop(r->title, strlen(r->title)))
        strbuf_addch(out, '.');
    strbuf_release(&paren);
    strbuf_release(&bracket);
}

static void add_date(struct strbuf *out, const struct reference *r, char suffix, bool html)
{
    strbuf_addch(out, '(');
    if (r->year) {
        strbuf_addf(out, "%d", r->year);
        if (suffix)
            strbuf_addch(out, suffix);
        if (full_date(r) && r->month >= 1 && r->month <= 12) {
            strbuf_addf(out, ", %s", months[r->month - 1]);
            if (r->day)
                strbuf_addf(out, " %d", r->day);
        }
    } else if (!empty(r->issued_literal)) {
        add(out, r->issued_literal, html);
    } else {
        strbuf_addstr(out, "n.d.");
    }
    strbuf_addstr(out, ").");
}

static void add_periodical(struct strbuf *out, const struct reference *r, bool html)
{
    if (empty(r->container_title))
        return;
    strbuf_addch(out, ' ');
    italic(out, html, true);
    add(out, r->container_title, html);
    italic(out, html, false);
    if (!empty(r->volume)) {
        strbuf_addstr(out, ", ");
        italic(out, html, true);
        add(out, r->volume, html);
        italic(out, html, false);
    }
    if (!empty(r->issue)) {
        strbuf_addstr(out, empty(r->volume) ? ", (" : "(");
        add(out, r->issue, html);
        strbuf_addch(out, ')');
    }
    if (!empty(r->page)) {
        struct strbuf pages = STRBUF_INIT;
        pages_text(&pages, r->page);
        strbuf_addstr(out, ", ");
        add(out, pages.buf, html);
        strbuf_release(&pages);
    }
    strbuf_addch(out, '.');
}

static void add_in_book(struct strbuf *out, const struct reference *r, bool html)
{
    if (r->neditors || !empty(r->container_title)) {
        strbuf_addstr(out, " In ");
        if (r->neditors)
            add_in_editors(out, r, html);
        italic(out, html, true);
        add(out, r->container_title, html);
        italic(out, html, false);
        struct strbuf paren = STRBUF_INIT;
        if (!empty(r->edition))
            edition_text(&paren, r->edition);
        if (!empty(r->page)) {
            struct strbuf pages = STRBUF_INIT;
            bool range = pages_text(&pages, r->page);
            strbuf_addf(&paren, "%s%s %s", paren.len ? ", " : "", range ? "pp." : "p.", pages.buf);
            strbuf_release(&pages);
        }
        if (paren.len) {
            strbuf_addstr(out, " (");
            add(out, paren.buf, html);
            strbuf_addch(out, ')');
        }
        /* An editor list with no book title after it ends in ", ". */
        if (empty(r->container_title) && !paren.len && out->len >= 2 &&
            !strcmp(out->buf + out->len - 2, ", "))
            strbuf_setlen(out, out->len - 2);
        strbuf_release(&paren);
        strbuf_addch(out, '.');
    }
    if (!empty(r->publisher))
        add_sentence(out, r->publisher, html);
}

static void add_standalone(struct strbuf *out, const struct reference *r, bool html)
{
    if (is_type(r, "thesis"))
        return; /* the university is in the brackets after the title */
    if (is_type(r, "paper-conference")) {
        if (!empty(r->event)) {
            strbuf_addch(out, ' ');
            add(out, r->event, html);
            if (!empty(r->event_place)) {
                strbuf_addstr(out, ", ");
                add(out, r->event_place, html);
            }
            end_with_stop(out);
        }
        return;
    }
    if (is_type(r, "webpage") || is_type(r, "post") || is_type(r, "post-weblog")) {
        if (!empty(r->container_title) && !same_as_author(r, r->container_title))
            add_sentence(out, r->container_title, html);
        return;
    }
    if (!empty(r->publisher) && !same_as_author(r, r->publisher))
        add_sentence(out, r->publisher, html);
}

static int entry(const struct reference *r, char suffix, bool html, struct strbuf *out)
{
    struct strbuf sb = STRBUF_INIT;
    enum kind kind = kind_of(r);
    bool title_done = false;
    int rc = 0;
    if (r->nauthors) {
        rc = add_names(&sb, r->authors, r->nauthors, html);
        end_with_stop(&sb);
    } else if (r->neditors && kind != IN_BOOK) {
        rc = add_names(&sb, r->editors, r->neditors, html);
        strbuf_addstr(&sb, r->neditors == 1 ? " (Ed.)." : " (Eds.).");
    } else if (!empty(r->title)) {
        /* No author: the title moves into the author's place. */
        add_title(&sb, r, html);
        title_done = true;
    }
    if (rc) {
        strbuf_release(&sb);
        return rc;
    }
    if (sb.len)
        strbuf_addch(&sb, ' ');
    add_date(&sb, r, suffix, html);
    if (!title_done && !empty(r->title)) {
        strbuf_addch(&sb, ' ');
        add_title(&sb, r, html);
    }
    if (kind == PERIODICAL)
        add_periodical(&sb, r, html);
    else if (kind == IN_BOOK)
        add_in_book(&sb, r, html);
    else
        add_standalone(&sb, r, html);
    if (!empty(r->doi))
        add_link(&sb, "https://doi.org/", r->doi, html);
    else if (!empty(r->url))
        add_link(&sb, "", r->url, html);
    strbuf_add(out, sb.buf, sb.len);
    strbuf_release(&sb);
    return 0;
}

int reference_apa_html(const struct reference *r, struct strbuf *out)
{
    return entry(r, 0, true, out);
}

int reference_apa_text(const struct reference *r, struct strbuf *out)
{
    return entry(r, 0, false, out);
}

/* Code point order after simple case folding; a prefix sorts first ("Brown" < "Browning"). */
static int cmp_fold(const char *a, const char *b)
{
    a = a ? a : "";
    b = b ? b : "";
    while (*a || *b) {
        if (!*a)
            return -1;
        if (!*b)
            return 1;
        uint32_t ca, cb;
        utf8_decode(&a, &ca);
        utf8_decode(&b, &cb);
        ca = utf8_tolower(ca);
        cb = utf8_tolower(cb);
        if (ca != cb)
            return ca < cb ? -1 : 1;
    }
    return 0;
}

/* Names the entry is filed under: authors, else editors standing in for them. */
static const struct csl_name *filing_names(const struct reference *r, size_t *n)
{
    if (r->nauthors) {
        *n = r->nauthors;
        return r->authors;
    }
    if (r->neditors && kind_of(r) != IN_BOOK) {
        *n = r->neditors;
        return r->editors;
    }
    *n = 0;
    return NULL;
}

static const char *name_key(const struct csl_name *name)
{
    return !empty(name->literal)  ? name->literal
           : !empty(name->family) ? name->family
                                  : name->given;
}

/* A title in the author's place is filed without "A", "An" or "The". */
static const char *title_key(const char *title)
{
    static const char *const articles[] = {"the ", "an ", "a ", NULL};
    if (!title)
        return "";
    for (size_t i = 0; articles[i]; i++)
        if (!strncasecmp(title, articles[i], strlen(articles[i])))
            return title + strlen(articles[i]);
    return title;
}

struct sorted {
    const struct reference *r;
    size_t index;
};

static int date_class(const struct reference *r)
{
    return r->year ? 1 : !empty(r->issued_literal) ? 2 : 0; /* n.d., dated, in press */
}

static int cmp_refs(const void *pa, const void *pb)
{
    const struct sorted *sa = pa, *sb = pb;
    const struct reference *a = sa->r, *b = sb->r;
    size_t na, nb;
    const struct csl_name *names_a = filing_names(a, &na), *names_b = filing_names(b, &nb);
    int c = cmp_fold(na ? name_key(&names_a[0]) : title_key(a->title),
                     nb ? name_key(&names_b[0]) : title_key(b->title));
    if (c)
        return c;
    if (na && nb) {
        for (size_t i = 0; i < na && i < nb; i++) {
            if (i && (c = cmp_fold(name_key(&names_a[i]), name_key(&names_b[i]))))
                return c;
            if ((c = cmp_fold(names_a[i].literal ? NULL : names_a[i].given,
                              names_b[i].literal ? NULL : names_b[i].given)))
                return c;
        }
        if (na != nb)
            return na < nb ? -1 : 1;
    }
    if (date_class(a) != date_class(b))
        return date_class(a) < date_class(b) ? -1 : 1;
    if (a->year != b->year)
        return a->year < b->year ? -1 : 1;
    if ((c = cmp_fold(title_key(a->title), title_key(b->title))))
        return c;
    return sa->index < sb->index ? -1 : sa->index > sb->index;
}

size_t *references_apa_order(const struct reference_list *list)
{
    struct sorted *s = xcalloc(list->n ? list->n : 1, sizeof(*s));
    for (size_t i = 0; i < list->n; i++)
        s[i] = (struct sorted){&list->items[i], i};
    qsort(s, list->n, sizeof(*s), cmp_refs);
    size_t *order = xcalloc(list->n ? list->n : 1, sizeof(*order));
    for (size_t i = 0; i < list->n; i++)
        order[i] = s[i].index;
    free(s);
    return order;
}

static bool same_names(const struct reference *a, const struct reference *b)
{
    size_t na, nb;
    const struct csl_name *x = filing_names(a, &na), *y = filing_names(b, &nb);
    if (na != nb || !na)
        return false;
    for (size_t i = 0; i < na; i++)
        if (cmp_fold(name_key(&x[i]), name_key(&y[i])) ||
            cmp_fold(x[i].literal ? NULL : x[i].given, y[i].literal ? NULL : y[i].given))
            return false;
    return true;
}

char *references_year_suffixes(const struct reference_list *list, const size_t *order)
{
    size_t *own = order ? NULL : references_apa_order(list);
    const size_t *o = order ? order : own;
    char *suffix = xcalloc(list->n ? list->n : 1, 1);
    for (size_t i = 0; i < list->n;) {
        const struct reference *r = &list->items[o[i]];
        size_t j = i + 1;
        while (j < list->n && r->year && list->items[o[j]].year == r->year &&
               same_names(r, &list->items[o[j]]))
            j++;
        /* Past z, a year takes no letter rather than one that is not a letter. */
        for (size_t k = i; j - i > 1 && k < j && k - i < 26; k++)
            suffix[o[k]] = (char)('a' + (k - i));
        i = j;
    }
    free(own);
    return suffix;
}

/* An id usable in an HTML id attribute (no white space), else none. */
static bool html_id_ok(const char *id)
{
    if (empty(id))
        return false;
    for (const char *p = id; *p; p++)
        if (is_space(*p))
            return false;
    return true;
}

static int list(const struct reference_list *refs, bool html, struct strbuf *out)
{
    if (!refs || !out)
        return error_internal("references: no list given");
    size_t *order = references_apa_order(refs);
    char *suffix = references_year_suffixes(refs, order);
    struct strbuf sb = STRBUF_INIT;
    int rc = 0;
    for (size_t i = 0; !rc && i < refs->n; i++) {
        const struct reference *r = &refs->items[order[i]];
        if (html) {
            strbuf_addstr(&sb, "<li");
            if (html_id_ok(r->id)) {
                strbuf_addstr(&sb, " id=\"ref-");
                strbuf_add_html_escaped(&sb, r->id, strlen(r->id));
                strbuf_addch(&sb, '"');
            }
            strbuf_addch(&sb, '>');
        }
        rc = entry(r, suffix[order[i]], html, &sb);
        strbuf_addstr(&sb, html ? "</li>\n" : "\n");
    }
    if (!rc)
        strbuf_add(out, sb.buf, sb.len);
    strbuf_release(&sb);
    free(suffix);
    free(order);
    return rc;
}

int references_apa_html(const struct reference_list *refs, struct strbuf *out)
{
    return list(refs, true, out);
}

int references_apa_text(const struct reference_list *refs, struct strbuf *out)
{
    return list(refs, false, out);
}
