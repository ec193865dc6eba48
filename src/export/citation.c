#include "export/citation.h"
#include "export/intext.h"

#include "model/person.h"
#include "model/reference.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/jsontext.h"
#include "util/utf8.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum mode { MODE_TEXT, MODE_HTML, MODE_BIBTEX };

static const char en_dash[] = "\xe2\x80\x93";
static const char ellipsis[] = "\xe2\x80\xa6";

static bool empty(const char *s)
{
    return !s || !*s;
}

/* A code point that can start a name word (not punctuation, symbols or combining marks). */
static bool is_letter(unsigned int cp)
{
    if (cp < 0x80)
        return (cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z');
    if (cp < 0xc0 || cp == 0xd7 || cp == 0xf7)
        return false;
    if (cp >= 0x300 && cp <= 0x36f)
        return false;
    if ((cp >= 0x2000 && cp <= 0x2bff) || (cp >= 0x3000 && cp <= 0x303f))
        return false;
    return true;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static void emit_byte(struct strbuf *out, char c, enum mode mode)
{
    if (mode == MODE_HTML) {
        strbuf_add_html_escaped(out, &c, 1);
        return;
    }
    if (mode == MODE_BIBTEX) {
        switch (c) {
        case '\\':
            strbuf_addstr(out, "\\textbackslash{}");
            return;
        case '~':
            strbuf_addstr(out, "\\textasciitilde{}");
            return;
        case '^':
            strbuf_addstr(out, "\\textasciicircum{}");
            return;
        case '{':
        case '}':
        case '%':
        case '&':
        case '$':
        case '#':
        case '_':
            strbuf_addch(out, '\\');
            break;
        default:
            break;
        }
    }
    strbuf_addch(out, c);
}

/* White space and controls: add_value_len makes each run of them one space. */
static bool is_gap(unsigned char c)
{
    return is_space((char)c) || c < 0x20 || c == 0x7f;
}

/* Append s (len bytes) escaped for mode, trimmed, with each run of white space one space. */
static void add_value_len(struct strbuf *out, const char *s, size_t len, enum mode mode)
{
    bool space = false, any = false;
    for (size_t i = 0; i < len;) {
        if (is_gap((unsigned char)s[i])) {
            space = any;
            i++;
            continue;
        }
        if (space)
            strbuf_addch(out, ' ');
        space = false;
        any = true;
        /* A word at a time: a reference list is thousands of bytes per article. */
        size_t run = i;
        while (i < len && !is_gap((unsigned char)s[i]))
            i++;
        if (mode == MODE_HTML)
            strbuf_add_html_escaped(out, s + run, i - run);
        else if (mode == MODE_BIBTEX)
            for (size_t k = run; k < i; k++)
                emit_byte(out, s[k], mode);
        else
            strbuf_add(out, s + run, i - run);
    }
}

static void add_value(struct strbuf *out, const char *s, enum mode mode)
{
    if (s)
        add_value_len(out, s, strlen(s), mode);
}

/* A copy of s[0..len) without leading and trailing white space, or NULL if nothing is left. */
static char *trimmed_copy(const char *s, size_t len)
{
    while (len && is_space(*s)) {
        s++;
        len--;
    }
    while (len && is_space(s[len - 1]))
        len--;
    return len ? xstrndup(s, len) : NULL;
}

/* Lowercase words that belong to the family name that follows them. */
static const char *const particles[] = {
    "al",  "bin", "binti", "bint", "da",  "das", "de", "degli", "dei", "del", "della",
    "den", "der", "des",   "di",   "do",  "dos", "du", "el",    "ibn", "la",  "le",
    "lo",  "te",  "ten",   "ter",  "van", "von", "zu", "zum",   "zur", NULL,
};

static bool is_particle(const char *w, size_t len)
{
    for (size_t i = 0; particles[i]; i++)
        if (strlen(particles[i]) == len && !memcmp(particles[i], w, len))
            return true;
    return false;
}

int citation_name_split(const struct author *a, struct citation_name *out)
{
    out->given = NULL;
    out->family = NULL;
    if (a->organization && !empty(a->name)) {
        out->family = trimmed_copy(a->name, strlen(a->name));
        return out->family ? 0 : error_input("an organisation author's name is empty");
    }
    if (!empty(a->family) && (out->family = trimmed_copy(a->family, strlen(a->family)))) {
        if (!empty(a->given))
            out->given = trimmed_copy(a->given, strlen(a->given));
        return 0;
    }
    const char *name = a->name ? a->name : "";
    size_t len = strlen(name);
    const char *comma = memchr(name, ',', len);
    if (comma) {
        out->family = trimmed_copy(name, (size_t)(comma - name));
        out->given = trimmed_copy(comma + 1, len - (size_t)(comma + 1 - name));
    } else {
        /* The start of each word, then the family name starts at the last one or at the
         * particles before it ("de Souza" is all family). */
        size_t nwords = 0, cap = 8;
        size_t *start = xmalloc(cap * sizeof *start), *end = xmalloc(cap * sizeof *end);
        for (size_t i = 0; i < len;) {
            while (i < len && is_space(name[i]))
                i++;
            if (i == len)
                break;
            if (nwords == cap) {
                cap *= 2;
                start = xrealloc(start, cap * sizeof *start);
                end = xrealloc(end, cap * sizeof *end);
            }
            start[nwords] = i;
            while (i < len && !is_space(name[i]))
                i++;
            end[nwords++] = i;
        }
        if (nwords) {
            size_t f = nwords - 1;
            while (f > 0 && is_particle(name + start[f - 1], end[f - 1] - start[f - 1]))
                f--;
            out->family = trimmed_copy(name + start[f], len - start[f]);
            if (f > 0)
                out->given = trimmed_copy(name, end[f - 1]);
        }
        free(start);
        free(end);
    }
    if (!out->family) {
        /* ", Given": nothing to file the author under but the given names. */
        out->family = out->given;
        out->given = NULL;
    }
    if (!out->family)
        return error_input("citation: an author has no name");
    return 0;
}

void citation_name_release(struct citation_name *name)
{
    free(name->given);
    free(name->family);
    name->given = NULL;
    name->family = NULL;
}

void citation_initials(struct strbuf *out, const char *given)
{
    /* Words are separated by space or a full stop ("J.R.R."), parts of a word by a
     * hyphen, and the separator before an initial is the hyphen if there was one. */
    enum { SEP_NONE, SEP_SPACE, SEP_HYPHEN } sep = SEP_NONE;
    bool in_word = false, any = false, just_initial = false, word_capitalised = false;
    for (const char *p = given ? given : ""; *p;) {
        uint32_t cp;
        utf8_decode(&p, &cp);
        if (cp == '-' || cp == 0x2010 || cp == 0x2011) {
            in_word = false;
            sep = SEP_HYPHEN;
        } else if (cp == '.' || (cp < 0x80 && is_space((char)cp)) || cp == 0xa0) {
            in_word = false;
            if (sep != SEP_HYPHEN)
                sep = SEP_SPACE;
        } else if (in_word && just_initial && cp >= 0x300 && cp <= 0x36f) {
            /* A combining accent belongs to the initial: "E\u0301lodie" -> "E\u0301." */
            strbuf_setlen(out, out->len - 1);
            utf8_append(out, cp);
            strbuf_addch(out, '.');
            continue;
        } else if (!in_word && is_letter(cp)) {
            if (any)
                strbuf_addch(out, sep == SEP_HYPHEN ? '-' : ' ');
            /* A part after a hyphen keeps its case when the word begins with a capital: a
               romanised Korean given name's second syllable is no name of its own
               ("Min-jun" -> "M.-j."), while "Jean-Paul" and "jean-paul" give "J.-P.". */
            bool keep = sep == SEP_HYPHEN && word_capitalised;
            if (sep != SEP_HYPHEN)
                word_capitalised = utf8_toupper(cp) == cp;
            utf8_append(out, keep ? cp : utf8_toupper(cp));
            strbuf_addch(out, '.');
            any = true;
            in_word = true;
            just_initial = true;
            sep = SEP_SPACE;
            continue;
        }
        just_initial = false;
    }
}

static int check_utf8(const char *what, const char *s)
{
    size_t bad;
    if (s && !utf8_validate(s, strlen(s), &bad))
        return error_input("citation: %s is not valid UTF-8 (byte %zu)", what, bad + 1);
    return 0;
}

static int check_source(const struct citation_source *src, const struct strbuf *out)
{
    if (!src || !src->m || !out)
        return error_internal("citation: no article given");
    const struct manuscript *m = src->m;
    if (empty(m->title))
        return error_input("citation: the article has no title");
    if (empty(src->journal))
        return error_input("citation: the journal has no title");
    int rc = check_utf8("the title", m->title);
    if (!rc)
        rc = check_utf8("the subtitle", m->subtitle);
    if (!rc)
        rc = check_utf8("the language", m->lang);
    if (!rc)
        rc = check_utf8("the journal title", src->journal);
    if (!rc)
        rc = check_utf8("the ISSN", src->issn);
    if (!rc)
        rc = check_utf8("the publisher", src->publisher);
    if (!rc)
        rc = check_utf8("the pages", src->pages);
    if (!rc)
        rc = check_utf8("the DOI", src->doi);
    if (!rc)
        rc = check_utf8("the URL", src->url);
    if (!rc)
        rc = check_utf8("the publication date", src->published);
    if (!rc)
        rc = check_utf8("the key prefix", src->key_prefix);
    for (size_t i = 0; !rc && i < m->nkeywords; i++)
        rc = check_utf8("a keyword", m->keywords[i]);
    for (size_t i = 0; !rc && i < m->nauthors; i++) {
        rc = check_utf8("an author's name", m->authors[i].name);
        if (!rc)
            rc = check_utf8("an author's given name", m->authors[i].given);
        if (!rc)
            rc = check_utf8("an author's family name", m->authors[i].family);
        if (!rc)
            rc = check_utf8("an author's Latin name", m->authors[i].latin.text);
        if (!rc)
            rc = check_utf8("an author's Latin given name", m->authors[i].latin.given);
        if (!rc)
            rc = check_utf8("an author's Latin family name", m->authors[i].latin.family);
    }
    return rc;
}

/* The year of the issue, else of the publication date; 0 when neither is known. */
static unsigned long effective_year(const struct citation_source *src)
{
    if (src->year)
        return src->year;
    const char *p = src->published;
    if (!p)
        return 0;
    unsigned long y = 0;
    for (int i = 0; i < 4; i++) {
        if (p[i] < '0' || p[i] > '9')
            return 0;
        y = y * 10 + (unsigned long)(p[i] - '0');
    }
    return p[4] == '\0' || p[4] == '-' ? y : 0;
}

/* The DOI without a resolver prefix, or NULL. */
static const char *bare_doi(const char *doi, size_t *len)
{
    if (!doi)
        return NULL;
    while (is_space(*doi))
        doi++;
    doi = doi_skip_resolver(doi);
    while (is_space(*doi))
        doi++;
    size_t n = strlen(doi);
    while (n && is_space(doi[n - 1]))
        n--;
    *len = n;
    return n ? doi : NULL;
}

/* Page ranges: any run of hyphens or en dashes, with the spaces around it, becomes the
   mode's range dash ("3 - 9" is "3–9"). */
static void add_pages(struct strbuf *out, const char *pages, enum mode mode)
{
    struct strbuf plain = STRBUF_INIT;
    add_value(&plain, pages, MODE_TEXT);
    for (size_t i = 0; i < plain.len;) {
        bool dash = false;
        size_t j = i;
        while (j < plain.len && plain.buf[j] == ' ')
            j++;
        while (j < plain.len) {
            if (plain.buf[j] == '-') {
                j++;
            } else if (!strncmp(plain.buf + j, en_dash, 3)) {
                j += 3;
            } else {
                break;
            }
            dash = true;
        }
        if (dash) {
            while (j < plain.len && plain.buf[j] == ' ')
                j++;
            strbuf_addstr(out, mode == MODE_BIBTEX ? "--" : en_dash);
            i = j;
            continue;
        }
        emit_byte(out, plain.buf[i++], mode);
    }
    strbuf_release(&plain);
}

static void add_link(struct strbuf *out, const char *prefix, const char *url, size_t len,
                     enum mode mode)
{
    struct strbuf full = STRBUF_INIT;
    strbuf_addstr(&full, prefix);
    add_value_len(&full, url, len, MODE_TEXT);
    bool web = !strncasecmp(full.buf, "https://", 8) || !strncasecmp(full.buf, "http://", 7);
    if (mode == MODE_HTML && web) {
        strbuf_addstr(out, "<a href=\"");
        strbuf_add_html_escaped(out, full.buf, full.len);
        strbuf_addstr(out, "\">");
        strbuf_add_html_escaped(out, full.buf, full.len);
        strbuf_addstr(out, "</a>");
    } else if (mode == MODE_HTML) {
        strbuf_add_html_escaped(out, full.buf, full.len);
    } else {
        strbuf_addstr(out, full.buf);
    }
    strbuf_release(&full);
}

static void add_italic(struct strbuf *out, const char *open, enum mode mode)
{
    if (mode == MODE_HTML)
        strbuf_addstr(out, open);
}

/*
 * "Title: Subtitle" ending in a full stop unless it ends in its own punctuation. A work in
 * another language is followed by its English title in square brackets where the manuscript
 * gives one (APA 7: "Title in the original language [English title]").
 */
static void apa_title(struct strbuf *out, const struct manuscript *m, enum mode mode)
{
    struct strbuf plain = STRBUF_INIT;
    add_value(&plain, m->title, MODE_TEXT);
    if (!empty(m->subtitle)) {
        strbuf_addstr(&plain, ": ");
        add_value(&plain, m->subtitle, MODE_TEXT);
    }
    const struct translation *en =
        m->lang && strcmp(m->lang, "en") ? manuscript_translation(m, "en") : NULL;
    if (en && !empty(en->title)) {
        strbuf_addstr(&plain, " [");
        add_value(&plain, en->title, MODE_TEXT);
        if (!empty(en->subtitle)) {
            strbuf_addstr(&plain, ": ");
            add_value(&plain, en->subtitle, MODE_TEXT);
        }
        strbuf_addch(&plain, ']');
    }
    add_value_len(out, plain.buf, plain.len, mode);
    char last = plain.len ? plain.buf[plain.len - 1] : '.';
    if (last != '.' && last != '?' && last != '!')
        strbuf_addch(out, '.');
    strbuf_release(&plain);
}

/* The author's name split, in its Latin form if latin and it has one. */
static int split_name(const struct author *a, bool latin, struct citation_name *out)
{
    if (!latin)
        return citation_name_split(a, out);
    struct author view = person_author_latin(a);
    return citation_name_split(&view, out);
}

static int apa_author(struct strbuf *out, const struct author *a, bool latin, enum mode mode)
{
    struct citation_name name;
    int rc = split_name(a, latin, &name);
    if (rc)
        return rc;
    add_value(out, name.family, mode);
    struct strbuf initials = STRBUF_INIT;
    citation_initials(&initials, name.given);
    if (initials.len) {
        strbuf_addstr(out, ", ");
        add_value_len(out, initials.buf, initials.len, mode);
    }
    strbuf_release(&initials);
    citation_name_release(&name);
    return 0;
}

static int apa_authors(struct strbuf *out, const struct manuscript *m, bool latin, enum mode mode)
{
    size_t n = m->nauthors;
    const char *amp = mode == MODE_HTML ? "&amp;" : "&";
    for (size_t i = 0; i < n; i++) {
        /* APA 7: up to 20 authors, "&" before the last; from 21, the first 19, an
         * ellipsis and the last. */
        if (n > 20 && i >= 19 && i < n - 1)
            continue;
        if (i > 0) {
            strbuf_addstr(out, ", ");
            if (n > 20 && i == n - 1) {
                strbuf_addstr(out, ellipsis);
                strbuf_addch(out, ' ');
            } else if (i == n - 1) {
                strbuf_addstr(out, amp);
                strbuf_addch(out, ' ');
            }
        }
        int rc = apa_author(out, &m->authors[i], latin, mode);
        if (rc)
            return rc;
    }
    return 0;
}

int citation_apa_authors(const struct author *authors, size_t n, bool html, struct strbuf *out)
{
    struct manuscript m = {.authors = (struct author *)authors, .nauthors = n};
    return apa_authors(out, &m, false, html ? MODE_HTML : MODE_TEXT);
}

static int apa(const struct citation_source *src, struct strbuf *out, enum mode mode)
{
    int rc = check_source(src, out);
    if (rc)
        return rc;
    const struct manuscript *m = src->m;
    struct strbuf sb = STRBUF_INIT;

    if (m->nauthors) {
        rc = apa_authors(&sb, m, src->latin_names, mode);
        if (rc) {
            strbuf_release(&sb);
            return rc;
        }
        if (sb.len && sb.buf[sb.len - 1] != '.')
            strbuf_addch(&sb, '.');
    } else {
        /* No author: the title moves into the author's place. */
        apa_title(&sb, m, mode);
    }
    unsigned long year = effective_year(src);
    if (year)
        strbuf_addf(&sb, " (%lu).", year);
    else
        strbuf_addstr(&sb, " (n.d.).");
    if (m->nauthors) {
        strbuf_addch(&sb, ' ');
        apa_title(&sb, m, mode);
    }

    strbuf_addch(&sb, ' ');
    add_italic(&sb, "<i>", mode);
    add_value(&sb, src->journal, mode);
    add_italic(&sb, "</i>", mode);
    if (src->volume) {
        strbuf_addstr(&sb, ", ");
        add_italic(&sb, "<i>", mode);
        strbuf_addf(&sb, "%lu", src->volume);
        add_italic(&sb, "</i>", mode);
    }
    if (!empty(src->number)) {
        strbuf_addstr(&sb, src->volume ? "(" : ", (");
        add_value(&sb, src->number, mode);
        strbuf_addch(&sb, ')');
    }
    if (!empty(src->pages)) {
        strbuf_addstr(&sb, ", ");
        add_pages(&sb, src->pages, mode);
    }
    strbuf_addch(&sb, '.');

    size_t len;
    const char *doi = bare_doi(src->doi, &len);
    if (doi) {
        strbuf_addch(&sb, ' ');
        add_link(&sb, "https://doi.org/", doi, len, mode);
    } else if (!empty(src->url)) {
        strbuf_addch(&sb, ' ');
        add_link(&sb, "", src->url, strlen(src->url), mode);
    }

    strbuf_add(out, sb.buf, sb.len);
    strbuf_release(&sb);
    return 0;
}

int citation_apa_html(const struct citation_source *src, struct strbuf *out)
{
    return apa(src, out, MODE_HTML);
}

int citation_apa_text(const struct citation_source *src, struct strbuf *out)
{
    return apa(src, out, MODE_TEXT);
}

/* 0x100..0x17f, Latin Extended-A, by base letter; Ĳ and Œ are handled apart. */
static const char latin_ext_a[] = "aaaaaa"
                                  "cccccccc"
                                  "dddd"
                                  "eeeeeeeeee"
                                  "gggggggg"
                                  "hhhh"
                                  "iiiiiiiiii"
                                  "ii"
                                  "jj"
                                  "kkk"
                                  "llllllllll"
                                  "nnnnnnnnn"
                                  "oooooo"
                                  "oo"
                                  "rrrrrr"
                                  "ssssssss"
                                  "tttttt"
                                  "uuuuuuuuuuuu"
                                  "ww"
                                  "yyy"
                                  "zzzzzz"
                                  "s";
_Static_assert(sizeof latin_ext_a == 0x80 + 1, "one letter per code point U+0100..U+017F");

/* ASCII for one lowercase code point of a family name, or "" to drop it; one holds
 * single letters. */
static const char *transliterate(unsigned int cp, char one[2])
{
    static const char *const cyrillic[] = {
        /* а..я */
        "a", "b", "v", "g", "d", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r", "s",
        "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya",
        /* ѐ..џ */
        "e", "e", "dj", "g", "ye", "dz", "i", "yi", "j", "lj", "nj", "c", "k", "i", "u", "dz"};
    static const char *const latin1[] = {/* ß..ÿ */
                                         "ss", "a", "a", "a", "a", "a", "a", "ae", "c", "e",  "e",
                                         "e",  "e", "i", "i", "i", "i", "d", "n",  "o", "o",  "o",
                                         "o",  "o", "",  "o", "u", "u", "u", "u",  "y", "th", "y"};
    one[1] = '\0';
    if (cp < 0x80) {
        if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9')) {
            one[0] = (char)cp;
            return one;
        }
        return "";
    }
    if (cp >= 0xdf && cp <= 0xff)
        return latin1[cp - 0xdf];
    if (cp == 0x132 || cp == 0x133)
        return "ij";
    if (cp == 0x152 || cp == 0x153)
        return "oe";
    if (cp >= 0x100 && cp <= 0x17f) {
        one[0] = latin_ext_a[cp - 0x100];
        return one;
    }
    if (cp >= 0x218 && cp <= 0x21b)
        return cp < 0x21a ? "s" : "t";
    if (cp >= 0x430 && cp <= 0x45f)
        return cyrillic[cp - 0x430];
    switch (cp) {
    case 0x491: /* ґ */
    case 0x493: /* ғ */
        return "g";
    case 0x49b: /* қ */
        return "q";
    case 0x4a3: /* ң */
        return "n";
    case 0x4af: /* ү */
    case 0x4b1: /* ұ */
        return "u";
    case 0x4bb: /* һ */
        return "h";
    case 0x4d9: /* ә */
        return "a";
    case 0x4e9: /* ө */
        return "o";
    default:
        return "";
    }
}

static void add_key_part(struct strbuf *out, const char *s)
{
    for (const char *p = s ? s : ""; *p;) {
        uint32_t cp;
        char one[2];
        utf8_decode(&p, &cp);
        strbuf_addstr(out, transliterate(utf8_tolower(cp), one));
    }
}

static int bibtex_key(const struct citation_source *src, struct strbuf *out)
{
    size_t start = out->len;
    if (src->m->nauthors) {
        struct citation_name name;
        int rc = split_name(&src->m->authors[0], src->latin_names, &name);
        if (rc)
            return rc;
        add_key_part(out, name.family);
        citation_name_release(&name);
    }
    if (out->len == start)
        strbuf_addstr(out, "anon");
    unsigned long year = effective_year(src);
    if (year)
        strbuf_addf(out, "%lu", year);
    add_key_part(out, src->key_prefix);
    if (src->article)
        strbuf_addf(out, "%lu", src->article);
    return 0;
}

int citation_bibtex_key(const struct citation_source *src, struct strbuf *out)
{
    int rc = check_source(src, out);
    if (rc)
        return rc;
    struct strbuf sb = STRBUF_INIT;
    rc = bibtex_key(src, &sb);
    if (!rc)
        strbuf_add(out, sb.buf, sb.len);
    strbuf_release(&sb);
    return rc;
}

/* A name part for BibTeX's author list, where a bare word "and" would split the name. */
static void add_bibtex_name_part(struct strbuf *out, const char *s)
{
    struct strbuf escaped = STRBUF_INIT;
    add_value(&escaped, s, MODE_BIBTEX);
    const char *p = escaped.buf;
    while (*p) {
        const char *space = strchr(p, ' ');
        size_t n = space ? (size_t)(space - p) : strlen(p);
        if (n == 3 && !strncasecmp(p, "and", 3)) {
            strbuf_addch(out, '{');
            strbuf_add(out, p, n);
            strbuf_addch(out, '}');
        } else {
            strbuf_add(out, p, n);
        }
        p += n;
        if (*p == ' ')
            strbuf_addch(out, *p++);
    }
    strbuf_release(&escaped);
}

static void field_start(struct strbuf *out, const char *name)
{
    strbuf_addf(out, ",\n  %s = {", name);
}

static void field(struct strbuf *out, const char *name, const char *value)
{
    if (empty(value))
        return;
    field_start(out, name);
    add_value(out, value, MODE_BIBTEX);
    strbuf_addch(out, '}');
}

/* doi and url are read verbatim: keep them as they are, but braces must not unbalance
 * the entry and a backslash would start a command in BibTeX styles that are not verbatim. */
static void verbatim_field(struct strbuf *out, const char *name, const char *value, size_t len)
{
    field_start(out, name);
    struct strbuf plain = STRBUF_INIT;
    add_value_len(&plain, value, len, MODE_TEXT);
    for (size_t i = 0; i < plain.len; i++) {
        char c = plain.buf[i];
        if (c == '{' || c == '}' || c == '\\')
            strbuf_addf(out, "%%%02X", (unsigned int)(unsigned char)c);
        else
            strbuf_addch(out, c);
    }
    strbuf_release(&plain);
    strbuf_addch(out, '}');
}

static bool is_date(const char *s)
{
    if (!s)
        return false;
    for (int i = 0; i < 10; i++) {
        if (i == 4 || i == 7) {
            if (s[i] != '-')
                return false;
        } else if (s[i] < '0' || s[i] > '9') {
            return false;
        }
    }
    return s[10] == '\0';
}

static const char *bibtex_language(const char *lang)
{
    if (empty(lang))
        return NULL;
    size_t n = strcspn(lang, "-_");
    if (n == 2 && !strncasecmp(lang, "en", 2))
        return "english";
    if (n == 2 && !strncasecmp(lang, "ru", 2))
        return "russian";
    return lang;
}

int citation_bibtex(const struct citation_source *src, struct strbuf *out)
{
    int rc = check_source(src, out);
    if (rc)
        return rc;
    const struct manuscript *m = src->m;
    struct strbuf sb = STRBUF_INIT;
    strbuf_addstr(&sb, "@article{");
    rc = bibtex_key(src, &sb);

    if (!rc && m->nauthors) {
        field_start(&sb, "author");
        for (size_t i = 0; i < m->nauthors; i++) {
            struct citation_name name;
            rc = split_name(&m->authors[i], src->latin_names, &name);
            if (rc)
                break;
            if (i)
                strbuf_addstr(&sb, " and ");
            if (name.given) {
                add_bibtex_name_part(&sb, name.family);
                strbuf_addstr(&sb, ", ");
                add_bibtex_name_part(&sb, name.given);
            } else {
                /* Braced, or BibTeX would split a multi-word name into first and last. */
                strbuf_addch(&sb, '{');
                add_value(&sb, name.family, MODE_BIBTEX);
                strbuf_addch(&sb, '}');
            }
            citation_name_release(&name);
        }
        strbuf_addch(&sb, '}');
    }
    if (rc) {
        strbuf_release(&sb);
        return rc;
    }

    field_start(&sb, "title");
    strbuf_addch(&sb, '{');
    add_value(&sb, m->title, MODE_BIBTEX);
    if (!empty(m->subtitle)) {
        strbuf_addstr(&sb, ": ");
        add_value(&sb, m->subtitle, MODE_BIBTEX);
    }
    strbuf_addstr(&sb, "}}");
    field(&sb, "journal", src->journal);
    unsigned long year = effective_year(src);
    if (year)
        strbuf_addf(&sb, ",\n  year = {%lu}", year);
    if (is_date(src->published))
        field(&sb, "date", src->published);
    if (src->volume)
        strbuf_addf(&sb, ",\n  volume = {%lu}", src->volume);
    if (!empty(src->number)) {
        strbuf_addstr(&sb, ",\n  number = {");
        add_value(&sb, src->number, MODE_BIBTEX);
        strbuf_addch(&sb, '}');
    }
    if (!empty(src->pages)) {
        field_start(&sb, "pages");
        add_pages(&sb, src->pages, MODE_BIBTEX);
        strbuf_addch(&sb, '}');
    }
    size_t len;
    const char *doi = bare_doi(src->doi, &len);
    if (doi)
        verbatim_field(&sb, "doi", doi, len);
    if (!empty(src->url))
        verbatim_field(&sb, "url", src->url, strlen(src->url));
    field(&sb, "issn", src->issn);
    /* No publisher: biblatex's @article has none (biber warns), the journal stands for it. */
    field(&sb, "language", bibtex_language(m->lang));
    if (m->nkeywords) {
        field_start(&sb, "keywords");
        for (size_t i = 0; i < m->nkeywords; i++) {
            if (i)
                strbuf_addstr(&sb, ", ");
            add_value(&sb, m->keywords[i], MODE_BIBTEX);
        }
        strbuf_addch(&sb, '}');
    }
    strbuf_addstr(&sb, "\n}\n");

    strbuf_add(out, sb.buf, sb.len);
    strbuf_release(&sb);
    return 0;
}

void citation_page_range(const char *pages, char **first, char **last)
{
    *first = NULL;
    *last = NULL;
    struct strbuf plain = STRBUF_INIT;
    add_value(&plain, pages, MODE_TEXT);
    size_t dash = plain.len, after = plain.len;
    for (size_t i = 0; i < plain.len; i++) {
        size_t n = plain.buf[i] == '-' ? 1 : !strncmp(plain.buf + i, en_dash, 3) ? 3 : 0;
        if (n) {
            dash = i;
            after = i;
            while (after < plain.len &&
                   (plain.buf[after] == '-' || !strncmp(plain.buf + after, en_dash, 3)))
                after += plain.buf[after] == '-' ? 1 : 3;
            break;
        }
    }
    *first = trimmed_copy(plain.buf, dash);
    if (after < plain.len)
        *last = trimmed_copy(plain.buf + after, plain.len - after);
    strbuf_release(&plain);
}

char *citation_pages_text(const char *pages)
{
    if (empty(pages))
        return NULL;
    struct strbuf sb = STRBUF_INIT;
    add_pages(&sb, pages, MODE_TEXT);
    if (!sb.len) {
        strbuf_release(&sb);
        return NULL;
    }
    return strbuf_detach(&sb, NULL);
}

char *citation_license_url(const char *license)
{
    if (empty(license))
        return NULL;
    struct strbuf sb = STRBUF_INIT;
    add_value(&sb, license, MODE_TEXT);
    char *result = NULL;
    if (!strncasecmp(sb.buf, "https://", 8) || !strncasecmp(sb.buf, "http://", 7)) {
        result = strbuf_detach(&sb, NULL);
        return result;
    }
    /* "CC BY-NC 4.0", "CC-BY-4.0", "cc by sa 3.0": words after CC, then a version. */
    for (size_t i = 0; i < sb.len; i++)
        if (sb.buf[i] == ' ' || sb.buf[i] == '_')
            sb.buf[i] = '-';
        else if (sb.buf[i] >= 'A' && sb.buf[i] <= 'Z')
            sb.buf[i] = (char)(sb.buf[i] - 'A' + 'a');
    static const char *const versions[] = {"4.0", "3.0", "2.5", "2.0", "1.0"};
    const char *p = sb.buf;
    if (!strncmp(p, "cc0", 3)) {
        if (!strcmp(p, "cc0") || !strcmp(p, "cc0-1.0"))
            result = xstrdup("https://creativecommons.org/publicdomain/zero/1.0/");
    } else if (!strncmp(p, "cc-", 3)) {
        p += 3;
        size_t n = strlen(p);
        const char *version = NULL;
        for (size_t i = 0; i < sizeof versions / sizeof *versions; i++) {
            size_t vn = strlen(versions[i]);
            if (n > vn + 1 && p[n - vn - 1] == '-' && !strcmp(p + n - vn, versions[i])) {
                version = versions[i];
                n -= vn + 1;
                break;
            }
        }
        static const char *const kinds[] = {"by",       "by-sa", "by-nc",
                                            "by-nc-sa", "by-nd", "by-nc-nd"};
        for (size_t i = 0; version && i < sizeof kinds / sizeof *kinds; i++)
            if (strlen(kinds[i]) == n && !strncmp(p, kinds[i], n))
                result =
                    xasprintf("https://creativecommons.org/licenses/%s/%s/", kinds[i], version);
    }
    strbuf_release(&sb);
    return result;
}

static int check_extra(const struct citation_source *src)
{
    int rc = check_utf8("the abstract", src->m->abstract);
    if (!rc)
        rc = check_utf8("the journal abbreviation", src->abbreviation);
    return rc;
}

/* One RIS line: the tag, two spaces, a hyphen, a space, the value on one line, CRLF. */
static void ris_line(struct strbuf *out, const char *tag, const char *value)
{
    if (empty(value))
        return;
    size_t start = out->len;
    strbuf_addf(out, "%s  - ", tag);
    size_t value_start = out->len;
    add_value(out, value, MODE_TEXT);
    if (out->len == value_start)
        strbuf_setlen(out, start);
    else
        strbuf_addstr(out, "\r\n");
}

int citation_ris(const struct citation_source *src, struct strbuf *out)
{
    int rc = check_source(src, out);
    if (!rc)
        rc = check_extra(src);
    if (rc)
        return rc;
    const struct manuscript *m = src->m;
    struct strbuf sb = STRBUF_INIT, v = STRBUF_INIT;
    strbuf_addstr(&sb, "TY  - JOUR\r\n");
    for (size_t i = 0; i < m->nauthors; i++) {
        struct citation_name name;
        rc = split_name(&m->authors[i], src->latin_names, &name);
        if (rc) {
            strbuf_release(&sb);
            strbuf_release(&v);
            return rc;
        }
        strbuf_reset(&v);
        strbuf_addstr(&v, name.family);
        if (name.given)
            strbuf_addf(&v, ", %s", name.given);
        ris_line(&sb, "AU", v.buf);
        citation_name_release(&name);
    }
    strbuf_reset(&v);
    add_value(&v, m->title, MODE_TEXT);
    if (!empty(m->subtitle)) {
        strbuf_addstr(&v, ": ");
        add_value(&v, m->subtitle, MODE_TEXT);
    }
    ris_line(&sb, "TI", v.buf);
    ris_line(&sb, "T2", src->journal);
    ris_line(&sb, "J2", src->abbreviation);
    unsigned long year = effective_year(src);
    if (year)
        strbuf_addf(&sb, "PY  - %lu\r\n", year);
    if (is_date(src->published))
        strbuf_addf(&sb, "DA  - %.4s/%.2s/%.2s\r\n", src->published, src->published + 5,
                    src->published + 8);
    if (src->volume)
        strbuf_addf(&sb, "VL  - %lu\r\n", src->volume);
    ris_line(&sb, "IS", src->number);
    char *first, *last;
    citation_page_range(src->pages, &first, &last);
    ris_line(&sb, "SP", first);
    ris_line(&sb, "EP", last);
    free(first);
    free(last);
    size_t len;
    const char *doi = bare_doi(src->doi, &len);
    if (doi) {
        strbuf_reset(&v);
        strbuf_add(&v, doi, len);
        ris_line(&sb, "DO", v.buf);
    }
    ris_line(&sb, "UR", src->url);
    ris_line(&sb, "SN", src->issn);
    ris_line(&sb, "PB", src->publisher);
    ris_line(&sb, "LA", m->lang);
    for (size_t i = 0; i < m->nkeywords; i++)
        ris_line(&sb, "KW", m->keywords[i]);
    char *abstract = intext_plain(m->abstract, &m->references, m->lang);
    ris_line(&sb, "AB", abstract);
    free(abstract);
    strbuf_addstr(&sb, "ER  - \r\n");
    strbuf_add(out, sb.buf, sb.len);
    strbuf_release(&sb);
    strbuf_release(&v);
    return 0;
}

/* obj.key = value trimmed and on one line, unless it is empty. */
static void csl_set(json_t *obj, const char *key, const char *value)
{
    if (empty(value))
        return;
    struct strbuf v = STRBUF_INIT;
    add_value(&v, value, MODE_TEXT);
    if (v.len)
        json_object_set_new(obj, key, json_stringn(v.buf, v.len));
    strbuf_release(&v);
}

int citation_csl_json(const struct citation_source *src, struct strbuf *out)
{
    int rc = check_source(src, out);
    if (!rc)
        rc = check_extra(src);
    if (rc)
        return rc;
    const struct manuscript *m = src->m;
    struct strbuf v = STRBUF_INIT;
    json_t *item = json_object();
    rc = bibtex_key(src, &v);
    if (rc)
        goto done;
    json_object_set_new(item, "id", json_stringn(v.buf, v.len));
    json_object_set_new(item, "type", json_string("article-journal"));
    strbuf_reset(&v);
    add_value(&v, m->title, MODE_TEXT);
    if (!empty(m->subtitle)) {
        strbuf_addstr(&v, ": ");
        add_value(&v, m->subtitle, MODE_TEXT);
    }
    json_object_set_new(item, "title", json_stringn(v.buf, v.len));
    if (m->nauthors) {
        json_t *authors = json_array();
        json_object_set_new(item, "author", authors);
        for (size_t i = 0; i < m->nauthors; i++) {
            struct citation_name name;
            rc = split_name(&m->authors[i], src->latin_names, &name);
            if (rc)
                goto done;
            json_t *a = json_object();
            csl_set(a, "family", name.family);
            csl_set(a, "given", name.given);
            json_array_append_new(authors, a);
            citation_name_release(&name);
        }
    }
    csl_set(item, "container-title", src->journal);
    csl_set(item, "container-title-short", src->abbreviation);
    unsigned long year = effective_year(src);
    json_t *parts = NULL;
    if (is_date(src->published))
        parts = json_pack("[i, i, i]", atoi(src->published), atoi(src->published + 5),
                          atoi(src->published + 8));
    else if (year)
        parts = json_pack("[i]", (int)year);
    if (parts)
        json_object_set_new(item, "issued", json_pack("{s:[o]}", "date-parts", parts));
    if (src->volume)
        json_object_set_new(item, "volume", json_sprintf("%lu", src->volume));
    if (!empty(src->number))
        json_object_set_new(item, "issue", json_string(src->number));
    char *first, *last;
    citation_page_range(src->pages, &first, &last);
    if (first) {
        strbuf_reset(&v);
        strbuf_addstr(&v, first);
        if (last)
            strbuf_addf(&v, "-%s", last);
        json_object_set_new(item, "page", json_string(v.buf));
        json_object_set_new(item, "page-first", json_string(first));
    }
    free(first);
    free(last);
    size_t len;
    const char *doi = bare_doi(src->doi, &len);
    if (doi)
        json_object_set_new(item, "DOI", json_stringn(doi, len));
    csl_set(item, "URL", src->url);
    csl_set(item, "ISSN", src->issn);
    csl_set(item, "publisher", src->publisher);
    csl_set(item, "language", m->lang);
    if (m->nkeywords) {
        strbuf_reset(&v);
        for (size_t i = 0; i < m->nkeywords; i++) {
            if (i)
                strbuf_addstr(&v, ", ");
            add_value(&v, m->keywords[i], MODE_TEXT);
        }
        json_object_set_new(item, "keyword", json_stringn(v.buf, v.len));
    }
    /* Citations in the abstracts as text ("(Evans & Rauch, 1999)"), not their keys. */
    char *abstract = intext_plain(m->abstract, &m->references, m->lang);
    csl_set(item, "abstract", abstract);
    free(abstract);
    /* CSL-JSON has one title and one abstract: the translations go where the schema keeps
       what has no field of its own, custom (title, abstract and keyword as CSL names them). */
    if (m->ntranslations) {
        json_t *translations = json_object();
        for (size_t i = 0; i < m->ntranslations; i++) {
            const struct translation *t = &m->translations[i];
            json_t *x = json_object();
            strbuf_reset(&v);
            add_value(&v, t->title, MODE_TEXT);
            if (!empty(t->subtitle)) {
                strbuf_addstr(&v, ": ");
                add_value(&v, t->subtitle, MODE_TEXT);
            }
            json_object_set_new(x, "title", json_stringn(v.buf, v.len));
            char *translated = intext_plain(t->abstract, &m->references, t->lang);
            csl_set(x, "abstract", translated);
            free(translated);
            if (t->nkeywords) {
                strbuf_reset(&v);
                for (size_t k = 0; k < t->nkeywords; k++) {
                    if (k)
                        strbuf_addstr(&v, ", ");
                    add_value(&v, t->keywords[k], MODE_TEXT);
                }
                json_object_set_new(x, "keyword", json_stringn(v.buf, v.len));
            }
            json_object_set_new(translations, t->lang, x);
        }
        json_object_set_new(item, "custom", json_pack("{s:o}", "translations", translations));
    }
    json_t *array = json_pack("[O]", item);
    rc = json_text_append(out, array, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(array);
    if (rc) {
        error_prefix("citation: cannot write CSL-JSON");
        goto done;
    }
    strbuf_addch(out, '\n');
done:
    json_decref(item);
    strbuf_release(&v);
    return rc;
}
