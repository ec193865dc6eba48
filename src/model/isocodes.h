#ifndef JOURNAL_MODEL_ISOCODES_H
#define JOURNAL_MODEL_ISOCODES_H

struct mofile;

/*
 * Locate one standard of Debian's iso-codes package ("iso_3166-1",
 * "iso_639-2"): its JSON file in dir_json (NULL: /usr/share/iso-codes/json)
 * and its Russian translations in locale_dir (NULL: /usr/share/locale),
 * opened. A missing file is an internal error that says which package
 * provides it. The caller frees *json_path and the mofile.
 */
int isocodes_open(const char *standard, const char *dir_json, const char *locale_dir,
                  char **json_path, struct mofile **ru);

/* Load json_path and return its array under key (e.g. "3166-1"); *root owns it. */
struct json_t;
int isocodes_load_list(const char *json_path, const char *key, struct json_t **root,
                       struct json_t **list);

#endif
