#ifndef JOURNAL_SITE_I18N_H
#define JOURNAL_SITE_I18N_H

#include <jansson.h>
#include <stddef.h>

/*
 * The site's interface strings in one language, read from the theme's
 * i18n/<lang>.yaml: a flat mapping from key to text. A key whose text depends
 * on a number holds its plural forms instead ({one, few, many, other}, by
 * CLDR's rules for the language), each with "{n}" where the number goes:
 *
 *   nav_home: Home
 *   article_count: {one: "{n} article", other: "{n} articles"}
 *
 * Templates see the plain strings as {{t.key}}; C code asks for plurals and
 * for strings with named placeholders ("{articles} by authors from ...").
 */
struct i18n;

/* Parse one language's file; problems are reported as file:line:col. */
int i18n_parse(struct i18n **out, const char *lang, const char *file, const char *text, size_t len);
void i18n_free(struct i18n *t);
const char *i18n_lang(const struct i18n *t);

/* The text for key, or key itself when the file lacks it (visible, never a crash). */
const char *i18n_text(const struct i18n *t, const char *key);
/* The plural form of key for n, with {n} replaced by n. The caller frees it. */
char *i18n_plural(const struct i18n *t, const char *key, unsigned long n);
/*
 * The text for key with each {name} replaced by the value of the same index
 * (names and values are NULL-terminated lists of equal length). The caller
 * frees it.
 */
char *i18n_format(const struct i18n *t, const char *key, const char *const *names,
                  const char *const *values);
/* Every plain string, for templates ({{t.key}}); plural keys are left out. */
json_t *i18n_json(const struct i18n *t);

/* CLDR plural category of n in lang: "one", "few", "many" or "other". */
const char *i18n_plural_category(const char *lang, unsigned long n);

#endif
