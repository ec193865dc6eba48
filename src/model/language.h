#ifndef JOURNAL_MODEL_LANGUAGE_H
#define JOURNAL_MODEL_LANGUAGE_H

#include <stddef.h>

/*
 * ISO 639 languages that have an alpha-2 code (the ones a manuscript language
 * can be), from Debian's iso-codes ISO 639-2 list, with Russian names from its
 * gettext catalogue (read directly; the process locale does not matter).
 */
struct language {
    char code[3];          /* alpha-2, lower case: "en" */
    char alpha3[4];        /* ISO 639-2/T: "deu" */
    char bibliographic[4]; /* ISO 639-2/B where it differs ("ger"), else "" */
    const char *name;      /* iso-codes English name: "German", "Spanish; Castilian" */
    const char *name_ru;   /* translation ("немецкий"), or NULL */
};

struct language_db;

/*
 * dir_json: directory with iso_639-2.json (NULL = /usr/share/iso-codes/json);
 * locale_dir: directory with ru/LC_MESSAGES/iso_639-2.mo (NULL = /usr/share/locale).
 * A missing file is an error_internal naming it and the iso-codes package.
 */
int language_db_open(struct language_db **out, const char *dir_json, const char *locale_dir);
void language_db_free(struct language_db *db);

size_t language_db_count(const struct language_db *db);
/* Languages in iso-codes order (by alpha-3), index < language_db_count(). */
const struct language *language_db_at(const struct language_db *db, size_t index);

/*
 * By alpha-2, ISO 639-2/T or ISO 639-2/B code ("de", "deu", "ger"), ignoring
 * case and surrounding whitespace. NULL when unknown or the language has no
 * alpha-2 code.
 */
const struct language *language_lookup(const struct language_db *db, const char *code);

/*
 * The language meant by an unknown text, given as a name ("Russian",
 * "english", "Rusian", "русский") rather than a code: the nearest English
 * (each part of "Spanish; Castilian") or Russian name by text_suggest
 * (util/unicode.h), or NULL.
 */
const struct language *language_suggest(const struct language_db *db, const char *text);
/* For messages: "; did you mean ru (Russian)?" or "" when there is no suggestion (or no db).
   The caller frees it. */
char *language_hint(const struct language_db *db, const char *text);

#endif
