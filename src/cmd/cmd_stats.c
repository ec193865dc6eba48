#include "cmd/commands.h"
#include "model/country.h"
#include "site/stats.h"
#include "store/index.h"
#include "store/repo.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/jsontext.h"
#include "util/strbuf.h"
#include "util/unicode.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * At 100,000 articles --json is 60 MB and --csv 20 MB: each is written by hand into a
 * buffer sent on in large pieces, the same bytes jansson's json_dumps(JSON_INDENT(2) |
 * JSON_PRESERVE_ORDER) and the printf calls made, at a fraction of the cost (building
 * the JSON tree alone took half a gigabyte).
 */
#define OUT_SIZE (1u << 16)
#define CACHED   1024

/* A fractional count as formatted before. */
struct formatted {
    double value;
    char text[40];
    unsigned char len;
    bool used;
};

/* A row's key or name (the rows share them: stats.h) as quoted before. */
struct quoted {
    const char *s;
    char *text;
    size_t len;
};

struct out {
    char buf[OUT_SIZE];
    size_t len;
    struct strbuf scratch;
    struct formatted numbers[2][CACHED]; /* by a hash of their bits: counts repeat a lot */
    struct quoted strings[2][CACHED];    /* by address */
};

enum { JSON, CSV };

/*
 * What the text output says, per language (--lang). The site's strings are the
 * theme's (i18n/<lang>.yaml); these are the terminal's, like the other commands'
 * messages, and the headline's plural forms are stats_headline's.
 */
struct words {
    const char *lang;
    const char *country, *organisation, *articles, *authors, *fractional;
    const char *note_label, *note, *by_year, *by_issue;
    char decimal_mark;
};

static const struct words english = {
    "en",
    "COUNTRY",
    "INTERNATIONAL ORGANISATION",
    "ARTICLES",
    "AUTHORS",
    "FRACTIONAL",
    "Fractional",
    "each article counts 1, split equally among its authors and each author's share among "
    "their affiliations",
    "By year:",
    "By issue:",
    '.',
};

static const struct words russian = {
    "ru",
    "СТРАНА",
    "МЕЖДУНАРОДНАЯ ОРГАНИЗАЦИЯ",
    "СТАТЬИ",
    "АВТОРЫ",
    "ДРОБНЫЙ СЧЁТ",
    "Дробный счёт",
    "каждая статья считается за единицу, которая делится поровну между её авторами, а доля "
    "автора — поровну между его местами работы",
    "По годам:",
    "По выпускам:",
    ',',
};

static void out_flush(struct out *o)
{
    if (o->len)
        fwrite(o->buf, 1, o->len, stdout);
    o->len = 0;
}

static void out_free(struct out *o)
{
    for (int k = 0; k < 2; k++)
        for (size_t i = 0; i < CACHED; i++)
            free(o->strings[k][i].text);
    strbuf_release(&o->scratch);
    free(o);
}

static void put(struct out *o, const char *s, size_t n)
{
    if (o->len + n > OUT_SIZE) {
        out_flush(o);
        if (n > OUT_SIZE) {
            fwrite(s, 1, n, stdout);
            return;
        }
    }
    memcpy(o->buf + o->len, s, n);
    o->len += n;
}

#define PUT(o, literal) put((o), (literal), sizeof(literal) - 1)

static void put_ch(struct out *o, char c)
{
    if (o->len == OUT_SIZE)
        out_flush(o);
    o->buf[o->len++] = c;
}

static void put_str(struct out *o, const char *s)
{
    put(o, s, strlen(s));
}

static void put_size(struct out *o, size_t v)
{
    char num[24], *p = num + sizeof(num);
    do
        *--p = (char)('0' + v % 10);
    while (v /= 10);
    put(o, p, (size_t)(num + sizeof(num) - p));
}

static void put_headline(struct out *o, const struct stats_scope *s, const struct words *w)
{
    strbuf_reset(&o->scratch);
    stats_headline_add(&o->scratch, s, w->lang);
    put(o, o->scratch.buf, o->scratch.len);
}

/* A fractional count as jansson writes it (JSON) or as "%.4f" (CSV). */
static void put_fraction(struct out *o, double v, int kind)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof(bits));
    bits ^= bits >> 29;
    struct formatted *f = &o->numbers[kind][(bits * 0x9e3779b97f4a7c15u) >> 54];
    if (!f->used || memcmp(&f->value, &v, sizeof(v))) {
        size_t len = kind == CSV ? (size_t)snprintf(f->text, sizeof(f->text), "%.4f", v)
                                 : json_text_real(v, f->text, sizeof(f->text));
        f->value = v;
        f->len = (unsigned char)(len < sizeof(f->text) ? len : 0);
        f->used = true;
    }
    put(o, f->text, f->len);
}

/* Names come from manuscripts, which are UTF-8 when they are read. */
static void json_quote(struct strbuf *sb, const char *s)
{
    json_text_string(sb, s, strlen(s));
}

/* RFC 4180: quote every text field, doubling quotes. */
static void csv_quote(struct strbuf *sb, const char *s)
{
    strbuf_addch(sb, '"');
    for (const char *q; (q = strchr(s, '"')); s = q + 1) {
        strbuf_add(sb, s, (size_t)(q - s) + 1);
        strbuf_addch(sb, '"');
    }
    strbuf_addstr(sb, s);
    strbuf_addch(sb, '"');
}

static void put_quoted(struct out *o, const char *s, int kind)
{
    strbuf_reset(&o->scratch);
    (kind == CSV ? csv_quote : json_quote)(&o->scratch, s);
    put(o, o->scratch.buf, o->scratch.len);
}

/* A row's key or name, quoted once for all the rows that share it. */
static void put_shared(struct out *o, const char *s, int kind)
{
    uintptr_t h = (uintptr_t)s;
    struct quoted *q = &o->strings[kind][((h >> 3) ^ (h >> 13)) % CACHED];
    if (q->s != s) {
        strbuf_reset(&o->scratch);
        (kind == CSV ? csv_quote : json_quote)(&o->scratch, s);
        free(q->text);
        q->s = s;
        q->text = xstrdup(o->scratch.buf);
        q->len = o->scratch.len;
    }
    put(o, q->text, q->len);
}

/*
 * A scope's label in the language asked for: the index and the site's listings label
 * issues in English ("Vol. 1, No. 2 (2025)", "Vol. 1, Special Issue 2 (2025)",
 * "Issue 3"); in Russian they read as the Russian site writes them (the theme's
 * issue_label and special_issue_label): "Т. 1, № 2 (2025)", "Т. 1, спецвыпуск 2 (2025)",
 * "Выпуск 3". Any other label is kept.
 */
static const char *scope_label(struct strbuf *sb, const char *label, const struct words *w)
{
    unsigned long volume, number, year;
    int end = 0;
    if (w != &russian)
        return label;
    strbuf_reset(sb);
    if (sscanf(label, "Vol. %lu, No. %lu (%lu)%n", &volume, &number, &year, &end) == 3 &&
        !label[end])
        strbuf_addf(sb, "Т. %lu, № %lu (%lu)", volume, number, year);
    else if (sscanf(label, "Vol. %lu, Special Issue %lu (%lu)%n", &volume, &number, &year, &end) ==
                 3 &&
             !label[end])
        strbuf_addf(sb, "Т. %lu, спецвыпуск %lu (%lu)", volume, number, year);
    else if (sscanf(label, "Issue %lu%n", &number, &end) == 1 && !label[end])
        strbuf_addf(sb, "Выпуск %lu", number);
    else
        return label;
    return sb->buf;
}

/* A newline and depth levels of two spaces. */
static void json_indent(struct out *o, int depth)
{
    static const char spaces[] = "\n                                ";
    put(o, spaces, 1 + (size_t)depth * 2);
}

/* "key": at depth (the value follows); keys need no escaping. */
static void json_key(struct out *o, const char *key, int depth, bool first)
{
    if (!first)
        put_ch(o, ',');
    json_indent(o, depth);
    put_ch(o, '"');
    put_str(o, key);
    PUT(o, "\": ");
}

static void json_rows(struct out *o, const struct stats_row *rows, size_t n, bool countries,
                      int depth)
{
    put_ch(o, '[');
    for (size_t i = 0; i < n; i++) {
        if (i)
            put_ch(o, ',');
        json_indent(o, depth + 1);
        put_ch(o, '{');
        json_key(o, "name", depth + 2, true);
        put_shared(o, rows[i].name, JSON);
        json_key(o, "articles", depth + 2, false);
        put_size(o, rows[i].articles);
        json_key(o, "authors", depth + 2, false);
        put_size(o, rows[i].authors);
        json_key(o, "fractional", depth + 2, false);
        put_fraction(o, rows[i].fractional, JSON);
        if (countries) {
            json_key(o, "code", depth + 2, false);
            put_shared(o, rows[i].key, JSON);
        }
        json_indent(o, depth + 1);
        put_ch(o, '}');
    }
    if (n)
        json_indent(o, depth);
    put_ch(o, ']');
}

/* One scope's members (the object's braces are the caller's). */
static void json_scope(struct out *o, const struct stats_scope *s, int depth, const struct words *w)
{
    struct strbuf label = STRBUF_INIT;
    json_key(o, "label", depth, true);
    put_quoted(o, scope_label(&label, s->label, w), JSON);
    strbuf_release(&label);
    json_key(o, "headline", depth, false);
    put_ch(o, '"');
    put_headline(o, s, w); /* nothing in it to escape */
    put_ch(o, '"');
    json_key(o, "articles", depth, false);
    put_size(o, s->articles);
    json_key(o, "countries_total", depth, false);
    put_size(o, s->ncountries);
    json_key(o, "organisations_total", depth, false);
    put_size(o, s->norganisations);
    json_key(o, "countries", depth, false);
    json_rows(o, s->countries, s->ncountries, true, depth);
    json_key(o, "organisations", depth, false);
    json_rows(o, s->organisations, s->norganisations, false, depth);
    if (s->year) {
        json_key(o, "year", depth, false);
        put_size(o, s->year);
    }
    if (s->issue) {
        json_key(o, "issue", depth, false);
        put_size(o, s->issue);
    }
}

static void json_scopes(struct out *o, const char *key, const struct stats_scope *scopes, size_t n,
                        const struct words *w)
{
    json_key(o, key, 1, false);
    put_ch(o, '[');
    for (size_t i = 0; i < n; i++) {
        if (i)
            put_ch(o, ',');
        json_indent(o, 2);
        put_ch(o, '{');
        json_scope(o, &scopes[i], 3, w);
        json_indent(o, 2);
        put_ch(o, '}');
    }
    if (n)
        json_indent(o, 1);
    put_ch(o, ']');
}

static void print_json(struct out *o, const struct stats *s, const struct words *w)
{
    put_ch(o, '{');
    json_scope(o, &s->total, 1, w);
    json_scopes(o, "by_year", s->years, s->nyears, w);
    json_scopes(o, "by_issue", s->issues, s->nissues, w);
    json_key(o, "fractional_counting", 1, false);
    put_quoted(o, w->note, JSON);
    PUT(o, "\n}\n");
}

static void csv_scope(struct out *o, const char *kind, const struct stats_scope *s,
                      const struct words *w)
{
    struct strbuf label = STRBUF_INIT;
    scope_label(&label, s->label, w);
    const struct stats_row *rows[2] = {s->countries, s->organisations};
    size_t counts[2] = {s->ncountries, s->norganisations};
    for (int k = 0; k < 2; k++)
        for (size_t i = 0; i < counts[k]; i++) {
            put_str(o, kind);
            put_ch(o, ',');
            put_quoted(o, label.len ? label.buf : s->label, CSV);
            if (k)
                PUT(o, ",organisation,\"\",");
            else {
                PUT(o, ",country,");
                put_shared(o, rows[k][i].key, CSV);
                put_ch(o, ',');
            }
            put_shared(o, rows[k][i].name, CSV);
            put_ch(o, ',');
            put_size(o, rows[k][i].articles);
            put_ch(o, ',');
            put_size(o, rows[k][i].authors);
            put_ch(o, ',');
            put_fraction(o, rows[k][i].fractional, CSV);
            PUT(o, "\r\n");
        }
    strbuf_release(&label);
}

/* Columns of the text output's first column: country or organisation, with its code. */
#define NAME_WIDTH 40

/* text cut to width columns and padded to them, on the left (right-aligned) or the right. */
static void add_cell(struct strbuf *sb, const char *text, size_t width, bool right)
{
    size_t w = text_display_width(text);
    if (right)
        for (; w < width; w++)
            strbuf_addch(sb, ' ');
    if (right)
        strbuf_addstr(sb, text);
    else
        text_add_padded(sb, text, width);
}

static size_t at_least(size_t width, const char *heading)
{
    size_t w = text_display_width(heading);
    return w > width ? w : width;
}

static void text_rows(struct out *o, const char *heading, const struct stats_row *rows, size_t n,
                      bool codes, const struct words *words)
{
    if (!n)
        return;
    /* Columns by display width, at least as wide as their headings in either language. */
    size_t wa = at_least(8, words->articles), wu = at_least(8, words->authors),
           wf = at_least(11, words->fractional);
    struct strbuf *sb = &o->scratch;
    strbuf_reset(sb);
    strbuf_addch(sb, '\n');
    add_cell(sb, heading, NAME_WIDTH, false);
    strbuf_addch(sb, ' ');
    add_cell(sb, words->articles, wa, true);
    strbuf_addch(sb, ' ');
    add_cell(sb, words->authors, wu, true);
    strbuf_addch(sb, ' ');
    add_cell(sb, words->fractional, wf, true);
    strbuf_addch(sb, '\n');
    for (size_t i = 0; i < n; i++) {
        /* By display width, so that Cyrillic names line up; a name too long for the column
           (an organisation's) is cut with an ellipsis, keeping its code. */
        char code[32] = "";
        if (codes)
            snprintf(code, sizeof(code), " (%s)", rows[i].key);
        char *name = text_truncate_to_width(rows[i].name, NAME_WIDTH - strlen(code));
        strbuf_addstr(sb, name);
        strbuf_addstr(sb, code);
        for (size_t w = text_display_width(name) + strlen(code); w < NAME_WIDTH; w++)
            strbuf_addch(sb, ' ');
        free(name);
        char fraction[40];
        snprintf(fraction, sizeof(fraction), "%.2f", rows[i].fractional);
        char *dot = strchr(fraction, '.');
        if (dot)
            *dot = words->decimal_mark;
        strbuf_addf(sb, " %*zu %*zu %*s\n", (int)wa, rows[i].articles, (int)wu, rows[i].authors,
                    (int)wf, fraction);
    }
    put(o, sb->buf, sb->len);
}

static void text_headlines(struct out *o, const char *heading, const struct stats_scope *scopes,
                           size_t n, const struct words *w)
{
    struct strbuf label = STRBUF_INIT;
    if (n) {
        put_ch(o, '\n');
        put_str(o, heading);
        put_ch(o, '\n');
    }
    for (size_t i = 0; i < n; i++) {
        PUT(o, "  ");
        put_str(o, scope_label(&label, scopes[i].label, w));
        PUT(o, ": ");
        put_headline(o, &scopes[i], w);
        put_ch(o, '\n');
    }
    strbuf_release(&label);
}

static void print_text(struct out *o, const struct stats *s, const struct words *w)
{
    put_headline(o, &s->total, w);
    PUT(o, ".\n");
    text_rows(o, w->country, s->total.countries, s->total.ncountries, true, w);
    text_rows(o, w->organisation, s->total.organisations, s->total.norganisations, false, w);
    /* "Fractional: each article counts 1, ..." */
    put_ch(o, '\n');
    put_str(o, w->note_label);
    PUT(o, ": ");
    put_str(o, w->note);
    PUT(o, ".\n");
    text_headlines(o, w->by_year, s->years, s->nyears, w);
    text_headlines(o, w->by_issue, s->issues, s->nissues, w);
}

int cmd_stats(int argc, char **argv, struct cli *cli)
{
    bool csv = false, bom = false, editorial = false;
    const char *lang = NULL, *year = NULL;
    const struct cli_option options[] = {{"--csv", NULL, &csv},   {"--bom", NULL, &bom},
                                         {"--lang", &lang, NULL}, {"--editorial", NULL, &editorial},
                                         {"--year", &year, NULL}, {NULL, NULL, NULL}};
    int rc = cli_parse(argc, argv, cli, options, NULL, 0);
    if (rc)
        return rc;
    if (csv && cli->json)
        return error_usage("--csv and --json: choose one");
    if (bom && !csv)
        return error_usage("--bom marks the CSV output as UTF-8: it goes with --csv");
    if (lang && strcmp(lang, "en") && strcmp(lang, "ru"))
        return error_usage("--lang %s: statistics are available in en and ru", lang);
    if (year && !editorial)
        return error_usage("--year %s: only the editorial statistics are by year received; "
                           "add --editorial",
                           year);
    if (editorial)
        return cmd_stats_editorial(cli, csv, bom, lang, year);
    const struct words *words = lang && !strcmp(lang, "ru") ? &russian : &english;
    struct journal_repo *repo = NULL;
    struct journal_index *ix = NULL;
    struct country_db *countries = NULL;
    struct stats s = {0};
    rc = repo_open(&repo, cli->dir);
    if (!rc)
        rc = index_open(&ix, repo);
    if (!rc)
        rc = country_db_open(&countries, NULL, NULL);
    if (!rc)
        rc = stats_compute(ix, countries, lang ? lang : "en", &s);
    if (rc)
        goto done;
    struct out *o = xcalloc(1, sizeof(*o));
    strbuf_init(&o->scratch);
    if (cli->json)
        print_json(o, &s, words);
    else if (csv) {
        /* Excel and LibreOffice take a CSV file without the mark for the system's code page
           (Windows-1251 on a Russian Windows) and show Cyrillic as mojibake. */
        if (bom)
            PUT(o, "\xef\xbb\xbf");
        PUT(o, "scope,label,kind,code,name,articles,authors,fractional\r\n");
        csv_scope(o, "all", &s.total, words);
        for (size_t i = 0; i < s.nyears; i++)
            csv_scope(o, "year", &s.years[i], words);
        for (size_t i = 0; i < s.nissues; i++)
            csv_scope(o, "issue", &s.issues[i], words);
    } else
        print_text(o, &s, words);
    out_flush(o);
    out_free(o);
done:
    stats_free(&s);
    country_db_free(countries);
    index_close(ix);
    repo_free(repo);
    return rc;
}
