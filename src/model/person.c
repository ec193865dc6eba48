#include "model/person.h"

#include "model/country.h"
#include "model/orcid.h"
#include "model/ror.h"
#include "util/alloc.h"
#include "util/strbuf.h"
#include "util/unicode.h"

#include <stdlib.h>
#include <string.h>

static const char *const affiliation_keys[] = {
    "name", "department", "country", "international", "ror",         "id",
    "url",  "city",       "region",  "address",       "postal-code", NULL};

static bool is_blank(const char *s)
{
    for (; *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
            return false;
    return true;
}

char *person_text(struct ydoc *d, yaml_node_t *n, const char *what)
{
    const char *s = ydoc_scalar(n);
    if (!s || ydoc_is_null(n)) {
        ydoc_problem(d, n, "%s must be text", what);
        return NULL;
    }
    if (is_blank(s)) {
        ydoc_problem(d, n, "%s is empty", what);
        return NULL;
    }
    return xstrdup(s);
}

char *person_parse_ror(struct ydoc *d, yaml_node_t *n)
{
    char *text = n && !ydoc_is_null(n) ? person_text(d, n, "ror") : NULL;
    if (!text)
        return NULL;
    char id[ROR_CANONICAL_SIZE];
    char *url = NULL;
    enum ror_status status = ror_check(text, id);
    if (status == ROR_VALID)
        url = xasprintf("https://ror.org/%s", id);
    else
        ydoc_problem(d, n,
                     status == ROR_BAD_CHECKSUM
                         ? "ROR id '%s' has a wrong check digit (look it up on ror.org)"
                         : "'%s' is not a ROR id (expected https://ror.org/0xxxxxxNN)",
                     text);
    free(text);
    return url;
}

bool person_email_is_plausible(const char *s)
{
    const char *at = strchr(s, '@');
    /* "Name <a@b.org>" and "a@b.org, c@d.org" are common pastes: refuse them too. */
    if (!at || at == s || strchr(at + 1, '@') || strpbrk(s, " \t\n,;<>"))
        return false;
    const char *dot = strrchr(at, '.');
    return dot && dot > at + 1 && dot[1];
}

void person_parse_orcid(struct ydoc *d, yaml_node_t *n, char canonical[20])
{
    const char *s = ydoc_scalar(n);
    canonical[0] = '\0';
    switch (s ? orcid_check(s, canonical) : ORCID_BAD_FORMAT) {
    case ORCID_VALID:
        break;
    case ORCID_BAD_CHECKSUM:
        ydoc_problem(d, n,
                     "ORCID iD '%s' has a wrong check digit (ISO 7064 MOD 11-2); check it "
                     "against the ORCID record",
                     s);
        break;
    default:
        ydoc_problem(d, n, "'%s' is not an ORCID iD (expected 0000-0000-0000-000X)", s ? s : "");
    }
}

static void parse_country(struct ydoc *d, yaml_node_t *country, const struct country_db *countries,
                          struct affiliation *aff)
{
    const char *text = ydoc_scalar(country);
    if (!text) {
        ydoc_problem(d, country, "country must be a code or a name");
        return;
    }
    const char *note;
    const struct country *c = country_lookup_note(countries, text, &note);
    if (c) {
        memcpy(aff->country, c->alpha2, 3);
        if (note)
            aff->country_note = xasprintf("%s:%zu:%zu: '%s' %s", d->file, ydoc_line(d, country),
                                          ydoc_column(country), text, note);
        return;
    }
    const struct country *near[3];
    size_t k = country_suggest(countries, text, near, 3);
    struct strbuf sb = STRBUF_INIT;
    for (size_t i = 0; i < k; i++) {
        strbuf_addstr(&sb, i ? ", " : "; did you mean ");
        strbuf_addf(&sb, "%s (%s)", country_display_name(near[i], "en"), near[i]->alpha2);
    }
    ydoc_problem(d, country, "unknown country '%s' (expected an ISO 3166-1 code or name)%s%s", text,
                 sb.buf, k ? "?" : "");
    strbuf_release(&sb);
}

void person_parse_affiliation(struct ydoc *d, yaml_node_t *n, const struct country_db *countries,
                              struct affiliation *aff)
{
    memset(aff, 0, sizeof(*aff));
    if (n->type == YAML_SCALAR_NODE) {
        /* Quarto allows a bare name, but we need to know the country. */
        aff->name = person_text(d, n, "affiliation");
        if (aff->name)
            ydoc_problem(d, n,
                         "affiliation '%s' needs a country: write it as "
                         "{name: ..., country: XX} or mark it international: true",
                         aff->name);
        return;
    }
    if (n->type != YAML_MAPPING_NODE) {
        ydoc_problem(d, n, "expected an affiliation with name and country");
        return;
    }
    ydoc_check_keys(d, n, affiliation_keys, "an affiliation");
    yaml_node_t *name = ydoc_get(d, n, "name");
    if (!name || ydoc_is_null(name)) {
        yaml_node_t *key = ydoc_get_key(d, n, "name");
        ydoc_problem(d, key ? key : n, "affiliation without a name");
    } else {
        aff->name = person_text(d, name, "affiliation name");
    }
    yaml_node_t *dept = ydoc_get(d, n, "department");
    if (dept && !ydoc_is_null(dept))
        aff->department = person_text(d, dept, "department");
    aff->ror = person_parse_ror(d, ydoc_get(d, n, "ror"));

    yaml_node_t *intl = ydoc_get(d, n, "international");
    if (intl) {
        int b = ydoc_bool(intl);
        if (b < 0)
            ydoc_problem(d, intl, "'international' must be true or false");
        aff->international = b == 1;
    }
    yaml_node_t *country = ydoc_get(d, n, "country");
    if (aff->international) {
        if (country && !ydoc_is_null(country))
            ydoc_problem(d, country,
                         "an international organisation has no country: remove 'country' or "
                         "'international: true'");
        return;
    }
    if (!country || ydoc_is_null(country)) {
        ydoc_problem(d, n,
                     "affiliation '%s' needs a country (ISO 3166-1 code or English/Russian name) "
                     "or international: true",
                     aff->name ? aff->name : "");
        return;
    }
    parse_country(d, country, countries, aff);
}

void affiliation_free(struct affiliation *aff)
{
    free(aff->name);
    free(aff->department);
    free(aff->ror);
    free(aff->country_note);
    memset(aff, 0, sizeof(*aff));
}

void person_name_free(struct person_name *n)
{
    free(n->text);
    free(n->given);
    free(n->family);
    memset(n, 0, sizeof(*n));
}

static char *trim_copy(const char *s, size_t len)
{
    while (len && (*s == ' ' || *s == '\t'))
        s++, len--;
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
        len--;
    return len ? xstrndup(s, len) : NULL;
}

/* "Kim Min-jun" -> family Kim, given Min-jun; "Kim, Min-jun" the same; one word is all family. */
static void split_family_first(struct person_name *n)
{
    const char *s = n->text;
    size_t len = strlen(s);
    const char *cut = memchr(s, ',', len);
    if (!cut)
        cut = strpbrk(s, " \t");
    if (!cut) {
        n->family = trim_copy(s, len);
        return;
    }
    n->family = trim_copy(s, (size_t)(cut - s));
    n->given = trim_copy(cut + 1, len - (size_t)(cut + 1 - s));
    if (!n->family) {
        free(n->given);
        n->given = NULL;
        n->family = trim_copy(s, len);
    }
}

static void parse_one_name(struct ydoc *d, yaml_node_t *n, bool family_first, const char *what,
                           struct person_name *out)
{
    if (n->type != YAML_MAPPING_NODE) {
        out->text = person_text(d, n, what);
        if (out->text && family_first)
            split_family_first(out);
        return;
    }
    yaml_node_t *given = ydoc_get(d, n, "given");
    yaml_node_t *family = ydoc_get(d, n, "family");
    yaml_node_t *literal = ydoc_get(d, n, "literal");
    if (given)
        out->given = person_text(d, given, "given name");
    if (family)
        out->family = person_text(d, family, "family name");
    if (literal)
        out->text = person_text(d, literal, "name");
    else if (out->given && out->family)
        /* Korean, Chinese and Japanese names in their own script take no space: 박지호. */
        out->text = !family_first ? xasprintf("%s %s", out->given, out->family)
                    : text_is_unspaced_script(out->family) && text_is_unspaced_script(out->given)
                        ? xasprintf("%s%s", out->family, out->given)
                        : xasprintf("%s %s", out->family, out->given);
    else if (out->family)
        out->text = xstrdup(out->family);
    else
        ydoc_problem(d, n, "%s needs 'family' (and usually 'given')", what);
}

void person_parse_names(struct ydoc *d, yaml_node_t *entry, const char *what,
                        struct person_name *name, struct person_name *latin, bool *family_first)
{
    memset(name, 0, sizeof(*name));
    memset(latin, 0, sizeof(*latin));
    *family_first = false;
    yaml_node_t *ff = ydoc_get(d, entry, "family_first");
    if (ff) {
        int b = ydoc_bool(ff);
        if (b < 0)
            ydoc_problem(d, ff, "'family_first' must be true or false");
        *family_first = b == 1;
    }
    yaml_node_t *n = ydoc_get(d, entry, "name");
    if (n && !ydoc_is_null(n))
        parse_one_name(d, n, *family_first, what, name);
    yaml_node_t *l = ydoc_get(d, entry, "name_latin");
    if (l && !ydoc_is_null(l))
        parse_one_name(d, l, *family_first, "name_latin", latin);
}

struct author person_author_latin(const struct author *a)
{
    struct author view = *a;
    if (a->latin.text) {
        view.name = a->latin.text;
        view.given = a->latin.given;
        view.family = a->latin.family;
    }
    return view;
}

/* Languages of ISO 639-1 written in another script than Latin. */
static const char *const non_latin_languages[] = {
    "am", "ar", "as", "ba", "be", "bg", "bn", "bo", "ce", "cu", "cv", "dv", "dz", "el", "fa",
    "gu", "he", "hi", "hy", "iu", "ja", "ka", "kk", "km", "kn", "ko", "ks", "ku", "ky", "lo",
    "mk", "ml", "mn", "mr", "my", "ne", "or", "os", "pa", "ps", "ru", "sa", "sd", "si", "sr",
    "ta", "te", "tg", "th", "ti", "tt", "ug", "uk", "ur", "yi", "zh", NULL,
};

bool person_lang_is_latin_script(const char *lang)
{
    if (!lang || !*lang)
        return true;
    for (size_t i = 0; non_latin_languages[i]; i++)
        if (!strncmp(lang, non_latin_languages[i], 2) && (!lang[2] || lang[2] == '-'))
            return false;
    return true;
}

const char *person_display_name(const char *name, const struct person_name *latin, const char *lang)
{
    if (latin && latin->text && (!name || person_lang_is_latin_script(lang)))
        return latin->text;
    return name;
}

/* Cambodia: Khmer names put the family name first (Hun Sen). Mongolia is left out: its
   first name is a patronymic, not a family name, and is usually written as an initial. */
static const char *const family_first_countries[] = {"CN", "TW", "HK", "MO", "KR", "KP",
                                                     "JP", "VN", "HU", "KH", NULL};

bool person_country_is_family_first(const char *alpha2)
{
    for (size_t i = 0; family_first_countries[i]; i++)
        if (!strcmp(alpha2, family_first_countries[i]))
            return true;
    return false;
}
