#include "cmd/commands.h"
#include "model/country.h"
#include "site/stats.h"
#include "store/index.h"
#include "store/repo.h"
#include "util/error.h"

#include "util/alloc.h"
#include "util/strbuf.h"

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
struct formatted {
    double value;
    char text[40];
    unsigned char len;
    bool used;
};

struct out {
    struct strbuf sb;
    /* Numbers formatted before, by a hash of their bits: fractional counts repeat a lot. */
    struct formatted cache[2][1024];
};

static void out_flush(struct out *o)
{
    if (o->sb.len)
        fwrite(o->sb.buf, 1, o->sb.len, stdout);
    strbuf_reset(&o->sb);
}

static void out_check(struct out *o)
{
    if (o->sb.len >= (1u << 20))
        out_flush(o);
}

static void out_str(struct out *o, const char *s)
{
    strbuf_addstr(&o->sb, s);
}

static void out_size(struct out *o, size_t v)
{
    char num[24], *p = num + sizeof(num);
    do
        *--p = (char)('0' + v % 10);
    while (v /= 10);
    strbuf_add(&o->sb, p, (size_t)(num + sizeof(num) - p));
}

/* jansson's real: "%.17g", ".0" when it looks like an integer, no '+' or leading 0 in the
 * exponent. */
static size_t json_real_text(double v, char *buf, size_t size)
{
    int ret = snprintf(buf, size, "%.17g", v);
    if (ret < 0 || (size_t)ret >= size - 3)
        return 0;
    size_t len = (size_t)ret;
    if (!strchr(buf, '.') && !strchr(buf, 'e')) {
        memcpy(buf + len, ".0", 3);
        len += 2;
    }
    char *start = strchr(buf, 'e');
    if (start) {
        start++;
        char *end = start + 1;
        if (*start == '-')
            start++;
        while (*end == '0')
            end++;
        if (end != start) {
            memmove(start, end, len - (size_t)(end - buf) + 1);
            len -= (size_t)(end - start);
        }
    }
    return len;
}

/* A fractional count as JSON (kind 0) or as CSV's %.4f (kind 1). */
static void out_fraction(struct out *o, double v, int kind)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof(bits));
    bits ^= bits >> 29;
    size_t slot = (size_t)((bits * 0x9e3779b97f4a7c15u) >> 54);
    struct formatted *c = &o->cache[kind][slot];
    if (!c->used || memcmp(&c->value, &v, sizeof(v))) {
        size_t len = kind ? (size_t)snprintf(c->text, sizeof(c->text), "%.4f", v)
                          : json_real_text(v, c->text, sizeof(c->text));
        if (len >= sizeof(c->text))
            len = 0;
        c->value = v;
        c->len = (unsigned char)len;
        c->used = true;
    }
    strbuf_add(&o->sb, c->text, c->len);
}

/* A JSON string as jansson writes it: UTF-8 as is, only '"', '\\' and controls escaped. */
static void json_text(struct out *o, const char *s)
{
    strbuf_addch(&o->sb, '"');
    const char *run = s;
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch >= 0x20 && ch != '"' && ch != '\\')
            continue;
        strbuf_add(&o->sb, run, (size_t)(s - run));
        run = s + 1;
        switch (ch) {
        case '"':
            out_str(o, "\\\"");
            break;
        case '\\':
            out_str(o, "\\\\");
            break;
        case '\b':
            out_str(o, "\\b");
            break;
        case '\f':
            out_str(o, "\\f");
            break;
        case '\n':
            out_str(o, "\\n");
            break;
        case '\r':
            out_str(o, "\\r");
            break;
        case '\t':
            out_str(o, "\\t");
            break;
        default:
            strbuf_addf(&o->sb, "\\u%04X", ch);
        }
    }
    strbuf_add(&o->sb, run, (size_t)(s - run));
    strbuf_addch(&o->sb, '"');
}

/* A newline and depth levels of two spaces. */
static void json_indent(struct out *o, int depth)
{
    static const char spaces[] = "\n                                ";
    strbuf_add(&o->sb, spaces, 1 + (size_t)depth * 2);
}

/* "key": at depth (the value follows). */
static void json_key(struct out *o, const char *key, int depth, bool first)
{
    if (!first)
        strbuf_addch(&o->sb, ',');
    json_indent(o, depth);
    json_text(o, key);
    out_str(o, ": ");
}

static void json_rows(struct out *o, const struct stats_row *rows, size_t n, bool countries,
                      int depth)
{
    strbuf_addch(&o->sb, '[');
    for (size_t i = 0; i < n; i++) {
        if (i)
            strbuf_addch(&o->sb, ',');
        json_indent(o, depth + 1);
        strbuf_addch(&o->sb, '{');
        json_key(o, "name", depth + 2, true);
        json_text(o, rows[i].name);
        json_key(o, "articles", depth + 2, false);
        out_size(o, rows[i].articles);
        json_key(o, "authors", depth + 2, false);
        out_size(o, rows[i].authors);
        json_key(o, "fractional", depth + 2, false);
        out_fraction(o, rows[i].fractional, 0);
        if (countries) {
            json_key(o, "code", depth + 2, false);
            json_text(o, rows[i].key);
        }
        json_indent(o, depth + 1);
        strbuf_addch(&o->sb, '}');
    }
    if (n)
        json_indent(o, depth);
    strbuf_addch(&o->sb, ']');
}

/* One scope's members (the object's braces are the caller's). */
static void json_scope(struct out *o, const struct stats_scope *s, int depth)
{
    json_key(o, "label", depth, true);
    json_text(o, s->label);
    json_key(o, "headline", depth, false);
    strbuf_addch(&o->sb, '"');
    stats_headline_add(&o->sb, s); /* nothing in it to escape */
    strbuf_addch(&o->sb, '"');
    json_key(o, "articles", depth, false);
    out_size(o, s->articles);
    json_key(o, "countries_total", depth, false);
    out_size(o, s->ncountries);
    json_key(o, "organisations_total", depth, false);
    out_size(o, s->norganisations);
    json_key(o, "countries", depth, false);
    json_rows(o, s->countries, s->ncountries, true, depth);
    json_key(o, "organisations", depth, false);
    json_rows(o, s->organisations, s->norganisations, false, depth);
    if (s->year) {
        json_key(o, "year", depth, false);
        out_size(o, s->year);
    }
    if (s->issue) {
        json_key(o, "issue", depth, false);
        out_size(o, s->issue);
    }
}

static void json_scopes(struct out *o, const char *key, const struct stats_scope *scopes, size_t n)
{
    json_key(o, key, 1, false);
    strbuf_addch(&o->sb, '[');
    for (size_t i = 0; i < n; i++) {
        if (i)
            strbuf_addch(&o->sb, ',');
        json_indent(o, 2);
        strbuf_addch(&o->sb, '{');
        json_scope(o, &scopes[i], 3);
        json_indent(o, 2);
        strbuf_addch(&o->sb, '}');
        out_check(o);
    }
    if (n)
        json_indent(o, 1);
    strbuf_addch(&o->sb, ']');
}

static void print_json(struct out *o, const struct stats *s)
{
    strbuf_addch(&o->sb, '{');
    json_scope(o, &s->total, 1);
    json_scopes(o, "by_year", s->years, s->nyears);
    json_scopes(o, "by_issue", s->issues, s->nissues);
    json_key(o, "fractional_counting", 1, false);
    json_text(o, "each article counts 1, split equally among its authors and each author's "
                 "share among their affiliations");
    out_str(o, "\n}\n");
}

/* RFC 4180: quote every text field, doubling quotes. */
static void csv_text(struct out *o, const char *s)
{
    strbuf_addch(&o->sb, '"');
    for (const char *q; (q = strchr(s, '"')); s = q + 1) {
        strbuf_add(&o->sb, s, (size_t)(q - s) + 1);
        strbuf_addch(&o->sb, '"');
    }
    strbuf_addstr(&o->sb, s);
    strbuf_addch(&o->sb, '"');
}

static void csv_scope(struct out *o, const char *kind, const struct stats_scope *s)
{
    const struct stats_row *rows[2] = {s->countries, s->organisations};
    size_t counts[2] = {s->ncountries, s->norganisations};
    for (int k = 0; k < 2; k++)
        for (size_t i = 0; i < counts[k]; i++) {
            out_str(o, kind);
            strbuf_addch(&o->sb, ',');
            csv_text(o, s->label);
            out_str(o, k ? ",organisation," : ",country,");
            csv_text(o, k ? "" : rows[k][i].key);
            strbuf_addch(&o->sb, ',');
            csv_text(o, rows[k][i].name);
            strbuf_addch(&o->sb, ',');
            out_size(o, rows[k][i].articles);
            strbuf_addch(&o->sb, ',');
            out_size(o, rows[k][i].authors);
            strbuf_addch(&o->sb, ',');
            out_fraction(o, rows[k][i].fractional, 1);
            out_str(o, "\r\n");
        }
    out_check(o);
}

static void text_rows(struct out *o, const char *heading, const struct stats_row *rows, size_t n,
                      bool codes)
{
    if (!n)
        return;
    strbuf_addf(&o->sb, "\n%-40s %8s %8s %11s\n", heading, "ARTICLES", "AUTHORS", "FRACTIONAL");
    for (size_t i = 0; i < n; i++) {
        char name[128];
        snprintf(name, sizeof(name), codes ? "%s (%s)" : "%s", rows[i].name, rows[i].key);
        /* Pad by characters, not bytes, so Cyrillic names line up. */
        size_t chars = 0;
        for (const char *p = name; *p; p++)
            chars += ((unsigned char)*p & 0xc0) != 0x80;
        strbuf_addf(&o->sb, "%s%*s %8zu %8zu %11.2f\n", name, chars < 40 ? (int)(40 - chars) : 0,
                    "", rows[i].articles, rows[i].authors, rows[i].fractional);
    }
}

static void text_headlines(struct out *o, const char *heading, const struct stats_scope *scopes,
                           size_t n)
{
    if (n)
        out_str(o, heading);
    for (size_t i = 0; i < n; i++) {
        out_str(o, "  ");
        out_str(o, scopes[i].label);
        out_str(o, ": ");
        stats_headline_add(&o->sb, &scopes[i]);
        strbuf_addch(&o->sb, '\n');
        out_check(o);
    }
}

static void print_text(struct out *o, const struct stats *s)
{
    stats_headline_add(&o->sb, &s->total);
    out_str(o, ".\n");
    text_rows(o, "COUNTRY", s->total.countries, s->total.ncountries, true);
    text_rows(o, "INTERNATIONAL ORGANISATION", s->total.organisations, s->total.norganisations,
              false);
    out_str(o, "\nFractional: each article counts 1, split equally among its authors and each "
               "author's share among their affiliations.\n");
    text_headlines(o, "\nBy year:\n", s->years, s->nyears);
    text_headlines(o, "\nBy issue:\n", s->issues, s->nissues);
}

int cmd_stats(int argc, char **argv, struct cli *cli)
{
    bool csv = false;
    const char *lang = NULL;
    const struct cli_option options[] = {
        {"--csv", NULL, &csv}, {"--lang", &lang, NULL}, {NULL, NULL, NULL}};
    int rc = cli_parse(argc, argv, cli, options, NULL, 0);
    if (rc)
        return rc;
    if (csv && cli->json)
        return error_usage("--csv and --json: choose one");
    if (lang && strcmp(lang, "en") && strcmp(lang, "ru"))
        return error_usage("--lang %s: country names are available in en and ru", lang);
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
    strbuf_init(&o->sb);
    if (cli->json)
        print_json(o, &s);
    else if (csv) {
        out_str(o, "scope,label,kind,code,name,articles,authors,fractional\r\n");
        csv_scope(o, "all", &s.total);
        for (size_t i = 0; i < s.nyears; i++)
            csv_scope(o, "year", &s.years[i]);
        for (size_t i = 0; i < s.nissues; i++)
            csv_scope(o, "issue", &s.issues[i]);
    } else
        print_text(o, &s);
    out_flush(o);
    strbuf_release(&o->sb);
    free(o);
done:
    stats_free(&s);
    country_db_free(countries);
    index_close(ix);
    repo_free(repo);
    return rc;
}
