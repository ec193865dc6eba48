#ifndef JOURNAL_MODEL_COUNTRY_H
#define JOURNAL_MODEL_COUNTRY_H

#include <stddef.h>

/*
 * ISO 3166-1 countries as shipped by Debian's iso-codes package: the JSON list
 * for codes and English names, the Russian gettext catalogue for Russian names
 * (read directly, so the process locale does not matter), and Kosovo (XK, the
 * user-assigned code the EU and the World Bank use), which ISO 3166-1 lacks.
 */
struct country {
    char alpha2[3];            /* "KZ" */
    char alpha3[4];            /* "KAZ" */
    const char *name;          /* iso-codes "name", e.g. "Kazakhstan" or "Korea, Republic of" */
    const char *common_name;   /* iso-codes "common_name" ("South Korea") or NULL */
    const char *official_name; /* iso-codes "official_name" or NULL */
    /*
     * Russian name for display: the translation of common_name, else of name.
     * A few countries whose translation is missing, only formal or unusual
     * come from a small table in country.c ("Турция", "Лаос", "США"). NULL when none.
     */
    const char *name_ru;
    /* English name for display: common_name, else a readable form of an inverted name, else name.
     */
    const char *display_name;
};

struct country_db;

/*
 * dir_json: directory with iso_3166-1.json (NULL = /usr/share/iso-codes/json);
 * locale_dir: directory with ru/LC_MESSAGES/iso_3166-1.mo (NULL = /usr/share/locale).
 * A missing file is an error_internal naming it and the iso-codes package.
 */
int country_db_open(struct country_db **out, const char *dir_json, const char *locale_dir);
void country_db_free(struct country_db *db);

size_t country_db_count(const struct country_db *db);
/* Countries in iso-codes order (by alpha-3), then Kosovo; index < country_db_count(). */
const struct country *country_db_at(const struct country_db *db, size_t index);

/*
 * Resolve what an author typed: alpha-2, alpha-3, the English name, common or
 * official name, the Russian name of any of those, or one of a few common short
 * forms ("Russia", "UK", "Молдова"...). Case (Latin and Cyrillic), surrounding
 * and repeated whitespace, Latin-1 accents (Turkiye = Türkiye), stress marks,
 * and ё/е are ignored. NULL when unknown.
 */
const struct country *country_lookup(const struct country_db *db, const char *text);
/*
 * As country_lookup, and *note gets what to tell the author when the name is
 * part of a country rather than the country ("England": counts as the United
 * Kingdom), else NULL. The note is static.
 */
const struct country *country_lookup_note(const struct country_db *db, const char *text,
                                          const char **note);
/* By alpha-2 code, case-insensitive, in constant time. NULL when unknown. */
const struct country *country_by_code(const struct country_db *db, const char *alpha2);

/*
 * Up to max countries whose names are nearest to an unknown text, best first:
 * edit distance (with transpositions) on folded code points against the
 * English names, or the Russian ones when text is Cyrillic, and names that
 * contain text as whole words ("Korea"). Names too far away (more than a third
 * of the characters wrong) are not offered, so the result may be empty.
 */
size_t country_suggest(const struct country_db *db, const char *text, const struct country **out,
                       size_t max);

/* "ru": name_ru, falling back to display_name; any other language: display_name. */
const char *country_display_name(const struct country *c, const char *lang);

#endif
