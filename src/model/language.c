#include "model/isocodes.h"
#include "model/language.h"

#include "util/alloc.h"
#include "util/error.h"
#include "util/mofile.h"
#include "util/shared.h"
#include "util/unicode.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct alpha3_entry {
    char code[4];
    size_t index;
};

struct language_db {
    struct language *languages;
    size_t count;
    /* terminological and bibliographic codes, sorted */
    struct alpha3_entry *by_alpha3;
    size_t alpha3_count;
    /* index + 1 into languages, 0 = no such code; alpha-2 "aa".."zz" */
    unsigned short by_alpha2[26 * 26];
};

static int is_lower_code(const char *s, size_t len)
{
    if (!s || strlen(s) != len)
        return 0;
    for (size_t i = 0; i < len; i++)
        if (s[i] < 'a' || s[i] > 'z')
            return 0;
    return 1;
}

static const char *optional_string(json_t *entry, const char *key)
{
    json_t *value = json_object_get(entry, key);
    return json_is_string(value) ? json_string_value(value) : NULL;
}

static size_t alpha2_slot(const char *code)
{
    return (size_t)(code[0] - 'a') * 26 + (size_t)(code[1] - 'a');
}

static int compare_alpha3(const void *a, const void *b)
{
    return strcmp(((const struct alpha3_entry *)a)->code, ((const struct alpha3_entry *)b)->code);
}

static int load_languages(struct language_db *db, const char *json_path, const struct mofile *ru)
{
    json_t *root, *list;
    int ret = isocodes_load_list(json_path, "639-2", &root, &list);
    if (ret)
        return ret;

    size_t n = json_array_size(list);
    db->languages = xcalloc(n ? n : 1, sizeof(*db->languages));
    db->by_alpha3 = xcalloc(n ? 2 * n : 1, sizeof(*db->by_alpha3));
    for (size_t i = 0; i < n; i++) {
        json_t *entry = json_array_get(list, i);
        const char *alpha2 = optional_string(entry, "alpha_2");
        if (!alpha2)
            continue; /* only languages with an alpha-2 code are offered */
        const char *alpha3 = optional_string(entry, "alpha_3");
        const char *bibliographic = optional_string(entry, "bibliographic");
        const char *name = optional_string(entry, "name");
        if (!is_lower_code(alpha2, 2) || !is_lower_code(alpha3, 3) || !name ||
            (bibliographic && !is_lower_code(bibliographic, 3))) {
            ret = error_internal("%s: entry %zu lacks a valid alpha_2, alpha_3 or name", json_path,
                                 i + 1);
            goto out;
        }
        if (db->by_alpha2[alpha2_slot(alpha2)]) {
            ret = error_internal("%s: alpha_2 code %s appears twice", json_path, alpha2);
            goto out;
        }

        size_t index = db->count++;
        struct language *l = &db->languages[index];
        memcpy(l->code, alpha2, 3);
        memcpy(l->alpha3, alpha3, 4);
        if (bibliographic && strcmp(bibliographic, alpha3) != 0)
            memcpy(l->bibliographic, bibliographic, 4);
        l->name = xstrdup(name);
        const char *name_ru = mofile_lookup(ru, name);
        l->name_ru = name_ru ? xstrdup(name_ru) : NULL;

        db->by_alpha2[alpha2_slot(alpha2)] = (unsigned short)db->count;
        memcpy(db->by_alpha3[db->alpha3_count].code, alpha3, 4);
        db->by_alpha3[db->alpha3_count++].index = index;
        if (l->bibliographic[0]) {
            memcpy(db->by_alpha3[db->alpha3_count].code, l->bibliographic, 4);
            db->by_alpha3[db->alpha3_count++].index = index;
        }
    }
    qsort(db->by_alpha3, db->alpha3_count, sizeof(*db->by_alpha3), compare_alpha3);

out:
    json_decref(root);
    return ret;
}

static void language_db_release(struct language_db *db);

static int language_db_read(struct language_db **out, const char *dir_json, const char *locale_dir)
{
    *out = NULL;
    struct language_db *db = xcalloc(1, sizeof(*db));
    struct mofile *ru = NULL;
    char *json_path = NULL;

    int ret = isocodes_open("iso_639-2", dir_json, locale_dir, &json_path, &ru);
    if (!ret)
        ret = load_languages(db, json_path, ru);

    mofile_free(ru);
    free(json_path);
    if (ret) {
        language_db_release(db);
        return ret;
    }
    *out = db;
    return 0;
}

static void language_db_release(struct language_db *db)
{
    if (!db)
        return;
    for (size_t i = 0; i < db->count; i++) {
        free((char *)db->languages[i].name);
        free((char *)db->languages[i].name_ru);
    }
    free(db->languages);
    free(db->by_alpha3);
    free(db);
}

/* Debian's tables, the ones nearly every caller opens, are read once per process
   (util/shared.h): reading them was most of what opening a journal cost. */
static struct shared_slot default_language_db = SHARED_SLOT_INIT;

static int read_default(void **out)
{
    return language_db_read((struct language_db **)out, NULL, NULL);
}

static void release_default(void *db)
{
    language_db_release(db);
}

int language_db_open(struct language_db **out, const char *dir_json, const char *locale_dir)
{
    *out = NULL;
    if (!dir_json && !locale_dir)
        return shared_acquire(&default_language_db, read_default, (void **)out);
    return language_db_read(out, dir_json, locale_dir);
}

void language_db_free(struct language_db *db)
{
    if (db && !shared_release(&default_language_db, db, release_default))
        language_db_release(db);
}

size_t language_db_count(const struct language_db *db)
{
    return db->count;
}

const struct language *language_db_at(const struct language_db *db, size_t index)
{
    return index < db->count ? &db->languages[index] : NULL;
}

static int is_ascii_space(char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

const struct language *language_lookup(const struct language_db *db, const char *code)
{
    if (!code)
        return NULL;
    while (is_ascii_space(*code))
        code++;
    size_t len = strlen(code);
    while (len && is_ascii_space(code[len - 1]))
        len--;
    if (len != 2 && len != 3)
        return NULL;

    char folded[4] = {0};
    for (size_t i = 0; i < len; i++) {
        char c = code[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c + ('a' - 'A'));
        if (c < 'a' || c > 'z')
            return NULL;
        folded[i] = c;
    }

    if (len == 2) {
        unsigned short slot = db->by_alpha2[alpha2_slot(folded)];
        return slot ? &db->languages[slot - 1] : NULL;
    }
    struct alpha3_entry key = {{0}, 0};
    memcpy(key.code, folded, sizeof(key.code));
    const struct alpha3_entry *found =
        bsearch(&key, db->by_alpha3, db->alpha3_count, sizeof(*db->by_alpha3), compare_alpha3);
    return found ? &db->languages[found->index] : NULL;
}

const struct language *language_suggest(const struct language_db *db, const char *text)
{
    if (!db || !text)
        return NULL;
    /* Every name (and each part of a name such as "Spanish; Castilian"), with its language. */
    size_t n = 0, alloc = 0;
    char **names = NULL;
    const struct language **owners = NULL;
    for (size_t i = 0; i < db->count; i++) {
        const struct language *l = &db->languages[i];
        const char *forms[2] = {l->name, l->name_ru};
        for (size_t f = 0; f < 2; f++) {
            for (const char *p = forms[f]; p && *p;) {
                size_t part = strcspn(p, ";");
                ARRAY_GROW(names, n + 2, alloc);
                owners = xrealloc(owners, alloc * sizeof(*owners));
                owners[n] = l;
                names[n++] = xstrndup(p, part);
                p += part;
                while (*p == ';' || *p == ' ')
                    p++;
            }
        }
    }
    if (!names)
        return NULL;
    names[n] = NULL;
    const char *near = text_suggest(text, (const char *const *)names);
    const struct language *found = NULL;
    for (size_t i = 0; i < n; i++) {
        if (names[i] == near)
            found = owners[i];
        free(names[i]);
    }
    free(names);
    free(owners);
    return found;
}

char *language_hint(const struct language_db *db, const char *text)
{
    const struct language *l = language_suggest(db, text);
    return l ? xasprintf("; did you mean %s (%s)?", l->code, l->name) : xstrdup("");
}
