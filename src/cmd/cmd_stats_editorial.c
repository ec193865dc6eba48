#include "cmd/commands.h"
#include "model/country.h"
#include "model/language.h"
#include "model/record.h"
#include "model/roster.h"
#include "site/editorial_stats.h"
#include "site/i18n.h"
#include "store/index.h"
#include "store/repo.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/strbuf.h"
#include "util/unicode.h"

#include <ctype.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * `journal stats --editorial`: the editorial process in numbers (site/editorial_stats.h),
 * as text (English or Russian), JSON or CSV. The output is small (a few figures per year
 * and country), so it is made with jansson and printf.
 */

/* What the text output says, per language (--lang). */
struct words {
    const char *lang;
    const char *all, *by_year, *year;
    const char *received_one, *received_few, *received_many;
    const char *desk_rejected, *sent_to_review, *accepted, *rejected, *withdrawn, *open;
    const char *acceptance_rate, *rate_formula;
    const char *first_decision, *to_acceptance, *acceptance_to_publication, *to_publication;
    const char *median, *p90, *none;
    const char *invitations, *inv_sent, *inv_accepted, *inv_declined, *inv_expired, *inv_withdrawn,
        *inv_waiting, *to_review;
    const char *reviews_per_decided, *rounds_per_accepted, *reviewers, *load, *maximum;
    const char *country, *language, *reviewer_country, *submissions, *accepted_col, *rate_col,
        *reviewers_col, *no_country;
    const char *definitions;
    const char *const *definition_lines;
    char decimal_mark;
    const char *percent; /* "%" or " %" */
};

static const char *const english_definitions[] = {
    "Acceptance rate = accepted / (accepted + rejected + desk-rejected), over the submissions "
    "with a final decision.",
    "Desk-rejected: rejected with no reviewer ever assigned.",
    "Withdrawn: withdrawn by its authors before publication, even after acceptance; not a "
    "final decision, so not in the acceptance rate.",
    "First decision: the first decision of any kind (accept, revise, reject, desk-reject).",
    "Medians and 90th percentiles are nearest-rank: of n values sorted, the one at rank "
    "ceil(p/100 x n).",
    "Every submission counts in the year it was received. By country: whole counting (a "
    "submission counts once for each country of its authors' affiliations).",
    NULL};

static const char *const russian_definitions[] = {
    "Доля принятых = принятые / (принятые + отклонённые + отклонённые без рецензирования), "
    "среди рукописей с окончательным решением.",
    "Отклонена без рецензирования: отклонена, когда рецензент не был назначен ни разу.",
    "Отозвана: отозвана авторами до публикации, в том числе после принятия; это не "
    "окончательное решение, и в долю принятых она не входит.",
    "Первое решение: первое решение любого рода (принять, доработать, отклонить).",
    "Медианы и 90-е процентили — по ближайшему рангу: из n упорядоченных значений берётся "
    "значение с рангом ceil(p/100 × n).",
    "Рукопись учитывается в году поступления. По странам: целый счёт (рукопись считается "
    "один раз для каждой страны мест работы её авторов).",
    NULL};

static const struct words english = {
    "en",
    "All submissions",
    "By year received:",
    "Received in",
    "submission received",
    "submissions received",
    "submissions received",
    "Desk-rejected",
    "Sent to review",
    "Accepted",
    "Rejected after review",
    "Withdrawn",
    "Still open",
    "Acceptance rate",
    "accepted / (accepted + rejected + desk-rejected)",
    "Days from submission to first decision",
    "Days from submission to acceptance",
    "Days from acceptance to publication",
    "Days from submission to publication",
    "median",
    "90th percentile",
    "none yet",
    "Review invitations",
    "sent",
    "accepted",
    "declined",
    "expired",
    "withdrawn",
    "waiting",
    "Days from invitation to review received",
    "Reviews per decided manuscript",
    "Rounds per accepted manuscript",
    "Reviewers who sent a review",
    "reviews per reviewer",
    "maximum",
    "COUNTRY",
    "LANGUAGE",
    "REVIEWERS' COUNTRY",
    "SUBMISSIONS",
    "ACCEPTED",
    "ACCEPTANCE RATE",
    "REVIEWERS",
    "no country in the roster",
    "Definitions:",
    english_definitions,
    '.',
    "%",
};

static const struct words russian = {
    "ru",
    "Все рукописи",
    "По году поступления:",
    "Поступили в",
    "рукопись поступила",
    "рукописи поступило",
    "рукописей поступило",
    "Отклонены без рецензирования",
    "Направлены на рецензирование",
    "Приняты",
    "Отклонены после рецензирования",
    "Отозваны",
    "Ещё не решены",
    "Доля принятых",
    "принятые / (принятые + отклонённые + отклонённые без рецензирования)",
    "Дней от поступления до первого решения",
    "Дней от поступления до принятия",
    "Дней от принятия до публикации",
    "Дней от поступления до публикации",
    "медиана",
    "90-й процентиль",
    "пока нет",
    "Приглашения рецензентам",
    "отправлено",
    "принято",
    "отклонено",
    "истекло",
    "отозвано",
    "ждут ответа",
    "Дней от приглашения до получения рецензии",
    "Рецензий на рукопись с решением",
    "Раундов на принятую рукопись",
    "Рецензенты, приславшие рецензию",
    "рецензий на рецензента",
    "максимум",
    "СТРАНА",
    "ЯЗЫК",
    "СТРАНА РЕЦЕНЗЕНТОВ",
    "РУКОПИСИ",
    "ПРИНЯТЫ",
    "ДОЛЯ ПРИНЯТЫХ",
    "РЕЦЕНЗЕНТЫ",
    "без страны в реестре",
    "Определения:",
    russian_definitions,
    ',',
    " %",
};

/* A number with the language's decimal mark: "1.50", "1,50". */
static void add_decimal(struct strbuf *sb, double v, int digits, const struct words *w)
{
    char text[64];
    snprintf(text, sizeof(text), "%.*f", digits, v);
    char *dot = strchr(text, '.');
    if (dot)
        *dot = w->decimal_mark;
    strbuf_addstr(sb, text);
}

static void add_rate(struct strbuf *sb, size_t accepted, size_t decided, const struct words *w)
{
    double rate = editorial_acceptance_rate(accepted, decided);
    if (rate < 0) {
        strbuf_addstr(sb, "—");
        return;
    }
    add_decimal(sb, rate * 100, 1, w);
    strbuf_addstr(sb, w->percent);
}

static void add_days(struct strbuf *sb, const char *label, const struct editorial_days *d,
                     const struct words *w)
{
    strbuf_addf(sb, "  %s: ", label);
    if (!d->n)
        strbuf_addstr(sb, w->none);
    else
        strbuf_addf(sb, "%s %ld, %s %ld (n = %zu)", w->median, d->median, w->p90, d->p90, d->n);
    strbuf_addch(sb, '\n');
}

static void add_mean(struct strbuf *sb, const char *label, size_t sum, size_t n,
                     const struct words *w)
{
    strbuf_addf(sb, "  %s: ", label);
    if (n)
        add_decimal(sb, (double)sum / (double)n, 2, w);
    else
        strbuf_addstr(sb, w->none);
    strbuf_addch(sb, '\n');
}

/* A table of rows: name (code), submissions, accepted, acceptance rate; or reviewers only. */
static void add_table(struct strbuf *sb, const char *heading, const struct editorial_row *rows,
                      size_t n, bool reviewers, const struct words *w)
{
    if (!n)
        return;
    strbuf_addch(sb, '\n');
    strbuf_addstr(sb, "  ");
    text_add_padded(sb, heading, 36);
    if (reviewers)
        strbuf_addf(sb, " %12s\n", w->reviewers_col);
    else {
        strbuf_addch(sb, ' ');
        text_add_padded(sb, w->submissions, 12);
        strbuf_addch(sb, ' ');
        text_add_padded(sb, w->accepted_col, 10);
        strbuf_addf(sb, " %s\n", w->rate_col);
    }
    for (size_t i = 0; i < n; i++) {
        struct strbuf name = STRBUF_INIT;
        if (rows[i].name)
            strbuf_addf(&name, "%s (%s)", rows[i].name, rows[i].code);
        else
            strbuf_addstr(&name, rows[i].code);
        char *cut = text_truncate_to_width(name.buf, 36);
        strbuf_addstr(sb, "  ");
        text_add_padded(sb, cut, 36);
        free(cut);
        strbuf_release(&name);
        if (reviewers) {
            strbuf_addf(sb, " %12zu\n", rows[i].received);
            continue;
        }
        char num[32];
        snprintf(num, sizeof(num), "%zu", rows[i].received);
        strbuf_addch(sb, ' ');
        text_add_padded(sb, num, 12);
        snprintf(num, sizeof(num), "%zu", rows[i].accepted);
        strbuf_addch(sb, ' ');
        text_add_padded(sb, num, 10);
        strbuf_addch(sb, ' ');
        add_rate(sb, rows[i].accepted, rows[i].decided, w);
        strbuf_addch(sb, '\n');
    }
}

static void text_scope(struct strbuf *sb, const struct editorial_scope *s, const struct words *w)
{
    /* "12 submissions received" in the plural form of the number (CLDR's rules). */
    const char *category = i18n_plural_category(w->lang, (unsigned long)s->received);
    const char *noun = !strcmp(category, "one")   ? w->received_one
                       : !strcmp(category, "few") ? w->received_few
                                                  : w->received_many;
    strbuf_addf(sb, "  %zu %s\n", s->received, noun);
    const struct {
        const char *label;
        size_t value;
    } counts[] = {{w->desk_rejected, s->desk_rejected}, {w->sent_to_review, s->sent_to_review},
                  {w->accepted, s->accepted},           {w->rejected, s->rejected},
                  {w->withdrawn, s->withdrawn},         {w->open, s->open}};
    for (size_t i = 0; i < sizeof(counts) / sizeof(*counts); i++)
        strbuf_addf(sb, "  %s: %zu\n", counts[i].label, counts[i].value);
    /* "Acceptance rate: 9/12 = 75.0% (accepted / (accepted + rejected + desk-rejected))" */
    strbuf_addf(sb, "  %s: %zu/%zu = ", w->acceptance_rate, s->accepted, s->decided);
    add_rate(sb, s->accepted, s->decided, w);
    strbuf_addf(sb, " (%s)\n", w->rate_formula);
    add_days(sb, w->first_decision, &s->first_decision, w);
    add_days(sb, w->to_acceptance, &s->acceptance, w);
    add_days(sb, w->acceptance_to_publication, &s->acceptance_to_publication, w);
    add_days(sb, w->to_publication, &s->publication, w);
    strbuf_addf(sb, "  %s: %zu %s, %zu %s, %zu %s, %zu %s, %zu %s, %zu %s\n", w->invitations,
                s->invitations_sent, w->inv_sent, s->invitations[INVITATION_ACCEPTED],
                w->inv_accepted, s->invitations[INVITATION_DECLINED], w->inv_declined,
                s->invitations[INVITATION_EXPIRED], w->inv_expired,
                s->invitations[INVITATION_WITHDRAWN], w->inv_withdrawn,
                s->invitations[INVITATION_WAITING], w->inv_waiting);
    add_days(sb, w->to_review, &s->review, w);
    add_mean(sb, w->reviews_per_decided, s->reviews_of_decided, s->decided, w);
    add_mean(sb, w->rounds_per_accepted, s->rounds_of_accepted, s->accepted, w);
    strbuf_addf(sb, "  %s: %zu", w->reviewers, s->reviewers);
    if (s->reviewers)
        strbuf_addf(sb, "; %s: %s %ld, %s %ld", w->load, w->median, s->load_median, w->maximum,
                    s->load_max);
    if (s->reviewers_no_country)
        strbuf_addf(sb, " (%zu %s)", s->reviewers_no_country, w->no_country);
    strbuf_addch(sb, '\n');
    add_table(sb, w->country, s->countries, s->ncountries, false, w);
    add_table(sb, w->language, s->languages, s->nlanguages, false, w);
    add_table(sb, w->reviewer_country, s->reviewer_countries, s->nreviewer_countries, true, w);
}

static void print_text(const struct editorial_stats *st, const struct words *w)
{
    struct strbuf sb = STRBUF_INIT;
    if (st->total.year)
        strbuf_addf(&sb, "%s %u:\n", w->year, st->total.year);
    else
        strbuf_addf(&sb, "%s:\n", w->all);
    text_scope(&sb, &st->total, w);
    if (st->nyears)
        strbuf_addf(&sb, "\n%s\n", w->by_year);
    for (size_t i = 0; i < st->nyears; i++) {
        strbuf_addf(&sb, "\n%u:\n", st->years[i].year);
        text_scope(&sb, &st->years[i], w);
    }
    strbuf_addf(&sb, "\n%s\n", w->definitions);
    for (const char *const *d = w->definition_lines; *d; d++)
        strbuf_addf(&sb, "  %s\n", *d);
    fwrite(sb.buf, 1, sb.len, stdout);
    strbuf_release(&sb);
}

/* A rate to four decimals, or null. */
static json_t *rate_json(size_t accepted, size_t decided)
{
    double rate = editorial_acceptance_rate(accepted, decided);
    return rate < 0 ? json_null() : json_real(round(rate * 10000) / 10000);
}

static json_t *mean_json(size_t sum, size_t n)
{
    return n ? json_real(round((double)sum / (double)n * 10000) / 10000) : json_null();
}

static json_t *days_json(const struct editorial_days *d)
{
    if (!d->n)
        return json_pack("{s:n, s:n}", "median", "p90");
    return json_pack("{s:I, s:I}", "median", (json_int_t)d->median, "p90", (json_int_t)d->p90);
}

static json_t *rows_json(const struct editorial_row *rows, size_t n, bool reviewers)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *o = json_pack("{s:s}", "code", rows[i].code);
        if (rows[i].name)
            json_object_set_new(o, "name", json_string(rows[i].name));
        if (reviewers)
            json_object_set_new(o, "reviewers", json_integer((json_int_t)rows[i].received));
        else {
            json_object_set_new(o, "received", json_integer((json_int_t)rows[i].received));
            json_object_set_new(o, "accepted", json_integer((json_int_t)rows[i].accepted));
            json_object_set_new(o, "acceptance_rate", rate_json(rows[i].accepted, rows[i].decided));
        }
        json_array_append_new(arr, o);
    }
    return arr;
}

static json_t *scope_json(const struct editorial_scope *s)
{
    json_t *o = json_object();
    if (s->year)
        json_object_set_new(o, "year", json_integer((json_int_t)s->year));
    const struct {
        const char *key;
        size_t value;
    } counts[] = {{"received", s->received},
                  {"desk_rejected", s->desk_rejected},
                  {"sent_to_review", s->sent_to_review},
                  {"accepted", s->accepted},
                  {"rejected", s->rejected},
                  {"withdrawn", s->withdrawn},
                  {"open", s->open}};
    for (size_t i = 0; i < sizeof(counts) / sizeof(*counts); i++)
        json_object_set_new(o, counts[i].key, json_integer((json_int_t)counts[i].value));
    json_object_set_new(o, "acceptance_rate", rate_json(s->accepted, s->decided));
    json_object_set_new(o, "days_to_first_decision", days_json(&s->first_decision));
    json_object_set_new(o, "days_to_acceptance", days_json(&s->acceptance));
    json_object_set_new(o, "days_acceptance_to_publication",
                        days_json(&s->acceptance_to_publication));
    json_object_set_new(o, "days_to_publication", days_json(&s->publication));
    json_object_set_new(o, "invitations",
                        json_pack("{s:I, s:I, s:I, s:I, s:I, s:I}", "sent",
                                  (json_int_t)s->invitations_sent, "accepted",
                                  (json_int_t)s->invitations[INVITATION_ACCEPTED], "declined",
                                  (json_int_t)s->invitations[INVITATION_DECLINED], "expired",
                                  (json_int_t)s->invitations[INVITATION_EXPIRED], "withdrawn",
                                  (json_int_t)s->invitations[INVITATION_WITHDRAWN], "waiting",
                                  (json_int_t)s->invitations[INVITATION_WAITING]));
    json_object_set_new(o, "days_to_review", days_json(&s->review));
    json_object_set_new(o, "reviews_per_decided_manuscript",
                        mean_json(s->reviews_of_decided, s->decided));
    json_object_set_new(o, "rounds_per_accepted_manuscript",
                        mean_json(s->rounds_of_accepted, s->accepted));
    json_object_set_new(o, "by_country", rows_json(s->countries, s->ncountries, false));
    json_object_set_new(o, "by_language", rows_json(s->languages, s->nlanguages, false));
    json_object_set_new(o, "reviewer_countries",
                        rows_json(s->reviewer_countries, s->nreviewer_countries, true));
    json_t *load = s->reviewers ? json_pack("{s:I, s:I}", "median", (json_int_t)s->load_median,
                                            "max", (json_int_t)s->load_max)
                                : json_pack("{s:n, s:n}", "median", "max");
    json_object_set_new(o, "reviewers",
                        json_pack("{s:I, s:I, s:o}", "active", (json_int_t)s->reviewers,
                                  "without_country", (json_int_t)s->reviewers_no_country,
                                  "reviews_per_reviewer", load));
    return o;
}

static void print_json(const struct editorial_stats *st, const struct words *w)
{
    json_t *o = scope_json(&st->total);
    json_t *years = json_array();
    for (size_t i = 0; i < st->nyears; i++)
        json_array_append_new(years, scope_json(&st->years[i]));
    json_object_set_new(o, "by_year", years);
    json_t *defs = json_array();
    for (const char *const *d = w->definition_lines; *d; d++)
        json_array_append_new(defs, json_string(*d));
    json_object_set_new(o, "definitions", defs);
    char *text = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
    if (text)
        puts(text);
    free(text);
    json_decref(o);
}

/* RFC 4180: quote a text field, doubling quotes. */
static void csv_text(struct strbuf *sb, const char *s)
{
    strbuf_addch(sb, '"');
    for (; *s; s++) {
        if (*s == '"')
            strbuf_addch(sb, '"');
        strbuf_addch(sb, *s);
    }
    strbuf_addch(sb, '"');
}

/* One CSV line: scope, year, figure, code, name, value ("" when there is none). */
struct csv {
    struct strbuf *sb;
    const struct editorial_scope *s;
};

static void csv_line(struct csv *c, const char *figure, const char *code, const char *name,
                     const char *value)
{
    strbuf_addstr(c->sb, c->s->year ? "year," : "all,");
    if (c->s->year)
        strbuf_addf(c->sb, "%u", c->s->year);
    strbuf_addf(c->sb, ",%s,", figure);
    csv_text(c->sb, code ? code : "");
    strbuf_addch(c->sb, ',');
    csv_text(c->sb, name ? name : "");
    strbuf_addf(c->sb, ",%s\r\n", value);
}

static void csv_count(struct csv *c, const char *figure, const char *code, const char *name,
                      size_t v)
{
    char text[32];
    snprintf(text, sizeof(text), "%zu", v);
    csv_line(c, figure, code, name, text);
}

static void csv_real(struct csv *c, const char *figure, const char *code, const char *name,
                     size_t sum, size_t n)
{
    char text[32] = "";
    if (n)
        snprintf(text, sizeof(text), "%.4f", (double)sum / (double)n);
    csv_line(c, figure, code, name, text);
}

static void csv_days(struct csv *c, const char *figure, const struct editorial_days *d)
{
    char key[96], text[32] = "";
    snprintf(key, sizeof(key), "%s.median", figure);
    if (d->n)
        snprintf(text, sizeof(text), "%ld", d->median);
    csv_line(c, key, NULL, NULL, text);
    snprintf(key, sizeof(key), "%s.p90", figure);
    if (d->n)
        snprintf(text, sizeof(text), "%ld", d->p90);
    csv_line(c, key, NULL, NULL, text);
}

static void csv_rows(struct csv *c, const char *figure, const struct editorial_row *rows, size_t n)
{
    char key[96];
    for (size_t i = 0; i < n; i++) {
        snprintf(key, sizeof(key), "%s.received", figure);
        csv_count(c, key, rows[i].code, rows[i].name, rows[i].received);
        snprintf(key, sizeof(key), "%s.accepted", figure);
        csv_count(c, key, rows[i].code, rows[i].name, rows[i].accepted);
        snprintf(key, sizeof(key), "%s.acceptance_rate", figure);
        csv_real(c, key, rows[i].code, rows[i].name, rows[i].accepted, rows[i].decided);
    }
}

static void csv_scope(struct strbuf *sb, const struct editorial_scope *s)
{
    struct csv c = {sb, s};
    csv_count(&c, "received", NULL, NULL, s->received);
    csv_count(&c, "desk_rejected", NULL, NULL, s->desk_rejected);
    csv_count(&c, "sent_to_review", NULL, NULL, s->sent_to_review);
    csv_count(&c, "accepted", NULL, NULL, s->accepted);
    csv_count(&c, "rejected", NULL, NULL, s->rejected);
    csv_count(&c, "withdrawn", NULL, NULL, s->withdrawn);
    csv_count(&c, "open", NULL, NULL, s->open);
    csv_real(&c, "acceptance_rate", NULL, NULL, s->accepted, s->decided);
    csv_days(&c, "days_to_first_decision", &s->first_decision);
    csv_days(&c, "days_to_acceptance", &s->acceptance);
    csv_days(&c, "days_acceptance_to_publication", &s->acceptance_to_publication);
    csv_days(&c, "days_to_publication", &s->publication);
    csv_count(&c, "invitations.sent", NULL, NULL, s->invitations_sent);
    csv_count(&c, "invitations.accepted", NULL, NULL, s->invitations[INVITATION_ACCEPTED]);
    csv_count(&c, "invitations.declined", NULL, NULL, s->invitations[INVITATION_DECLINED]);
    csv_count(&c, "invitations.expired", NULL, NULL, s->invitations[INVITATION_EXPIRED]);
    csv_count(&c, "invitations.withdrawn", NULL, NULL, s->invitations[INVITATION_WITHDRAWN]);
    csv_count(&c, "invitations.waiting", NULL, NULL, s->invitations[INVITATION_WAITING]);
    csv_days(&c, "days_to_review", &s->review);
    csv_real(&c, "reviews_per_decided_manuscript", NULL, NULL, s->reviews_of_decided, s->decided);
    csv_real(&c, "rounds_per_accepted_manuscript", NULL, NULL, s->rounds_of_accepted, s->accepted);
    csv_rows(&c, "by_country", s->countries, s->ncountries);
    csv_rows(&c, "by_language", s->languages, s->nlanguages);
    for (size_t i = 0; i < s->nreviewer_countries; i++)
        csv_count(&c, "reviewer_countries.reviewers", s->reviewer_countries[i].code,
                  s->reviewer_countries[i].name, s->reviewer_countries[i].received);
    csv_count(&c, "reviewers.active", NULL, NULL, s->reviewers);
    csv_count(&c, "reviewers.without_country", NULL, NULL, s->reviewers_no_country);
    char text[32] = "";
    if (s->reviewers)
        snprintf(text, sizeof(text), "%ld", s->load_median);
    csv_line(&c, "reviewers.reviews_per_reviewer.median", NULL, NULL, text);
    if (s->reviewers)
        snprintf(text, sizeof(text), "%ld", s->load_max);
    csv_line(&c, "reviewers.reviews_per_reviewer.max", NULL, NULL, text);
}

static void print_csv(const struct editorial_stats *st, bool bom)
{
    struct strbuf sb = STRBUF_INIT;
    /* Excel and LibreOffice read a CSV file without the mark in the system's code page. */
    if (bom)
        strbuf_addstr(&sb, "\xef\xbb\xbf");
    strbuf_addstr(&sb, "scope,year,figure,code,name,value\r\n");
    csv_scope(&sb, &st->total);
    for (size_t i = 0; i < st->nyears; i++)
        csv_scope(&sb, &st->years[i]);
    fwrite(sb.buf, 1, sb.len, stdout);
    strbuf_release(&sb);
}

/* The roster, for reviewers' countries; a journal without one has reviewers without one. */
static int load_roster(struct journal_repo *repo, const struct country_db *countries,
                       struct roster *roster)
{
    struct language_db *languages = NULL;
    struct strbuf text = STRBUF_INIT;
    memset(roster, 0, sizeof(*roster));
    int rc = repo_read(repo, "reviewers.yaml", &text, NULL);
    if (rc == JOURNAL_EINPUT) {
        error_clear();
        strbuf_release(&text);
        return 0;
    }
    if (!rc)
        rc = language_db_open(&languages, NULL, NULL);
    if (!rc)
        rc = roster_parse(roster, "reviewers.yaml", text.buf, text.len, countries, languages);
    language_db_free(languages);
    strbuf_release(&text);
    return rc;
}

int cmd_stats_editorial(struct cli *cli, bool csv, bool bom, const char *lang, const char *year)
{
    unsigned only = 0;
    if (year) {
        bool digits = strlen(year) == 4;
        for (const char *p = year; digits && *p; p++)
            digits = isdigit((unsigned char)*p) != 0;
        if (!digits || atoi(year) < 1000)
            return error_usage("--year %s: expected a year of four digits, such as 2025", year);
        only = (unsigned)atoi(year);
    }
    const struct words *w = lang && !strcmp(lang, "ru") ? &russian : &english;
    struct journal_repo *repo = NULL;
    struct journal_index *ix = NULL;
    struct country_db *countries = NULL;
    struct roster roster = {0};
    struct editorial_stats st = {0};
    char today[11];
    date_today(today);
    int rc = repo_open(&repo, cli->dir);
    if (!rc)
        rc = index_open(&ix, repo);
    if (!rc)
        rc = country_db_open(&countries, NULL, NULL);
    if (!rc)
        rc = load_roster(repo, countries, &roster);
    if (!rc)
        rc = editorial_stats_compute(ix, &roster, countries, w->lang, repo->config.invitation_days,
                                     today, only, &st);
    if (!rc) {
        if (cli->json)
            print_json(&st, w);
        else if (csv)
            print_csv(&st, bom);
        else
            print_text(&st, w);
    }
    editorial_stats_free(&st);
    roster_free(&roster);
    country_db_free(countries);
    index_close(ix);
    repo_free(repo);
    return rc;
}
