#include "model/isocodes.h"

#include "util/alloc.h"
#include "util/error.h"
#include "util/mofile.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

#define DEFAULT_JSON_DIR   "/usr/share/iso-codes/json"
#define DEFAULT_LOCALE_DIR "/usr/share/locale"

static int require_file(const char *path, const char *hint)
{
    FILE *fp = fopen(path, "rb");
    if (fp) {
        fclose(fp);
        return 0;
    }
    if (errno == ENOENT || errno == ENOTDIR)
        return error_internal("%s does not exist; it is provided by Debian's iso-codes package "
                              "(apt-get install iso-codes)%s",
                              path, hint);
    return error_errno("opening %s", path);
}

int isocodes_open(const char *standard, const char *dir_json, const char *locale_dir,
                  char **json_path, struct mofile **ru)
{
    *ru = NULL;
    *json_path = xasprintf("%s/%s.json", dir_json ? dir_json : DEFAULT_JSON_DIR, standard);
    char *mo_path = xasprintf("%s/ru/LC_MESSAGES/%s.mo",
                              locale_dir ? locale_dir : DEFAULT_LOCALE_DIR, standard);
    int ret = require_file(*json_path, "");
    if (!ret)
        ret = require_file(mo_path, "; minimal images may drop translations with a dpkg "
                                    "path-exclude for /usr/share/locale");
    if (!ret)
        ret = mofile_open(ru, mo_path);
    free(mo_path);
    if (ret) {
        free(*json_path);
        *json_path = NULL;
    }
    return ret;
}

int isocodes_load_list(const char *json_path, const char *key, json_t **root, json_t **list)
{
    json_error_t err;
    *list = NULL;
    *root = json_load_file(json_path, 0, &err);
    if (!*root)
        return error_internal("%s:%d:%d: %s", json_path, err.line, err.column, err.text);
    *list = json_object_get(*root, key);
    if (!json_is_array(*list)) {
        json_decref(*root);
        *root = NULL;
        return error_internal("%s: no \"%s\" array", json_path, key);
    }
    return 0;
}
