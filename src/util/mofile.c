#include "util/mofile.h"

#include "util/alloc.h"
#include "util/error.h"
#include "util/strbuf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MO_MAGIC       0x950412deU
#define MO_HEADER_SIZE 28

struct mo_entry {
    const char *msgid;
    const char *msgstr;
};

struct mofile {
    char *data; /* the whole file; entries point into it */
    struct mo_entry *entries;
    size_t count;
};

static uint32_t read_u32(const unsigned char *p, int big_endian)
{
    if (big_endian)
        return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
    return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

/*
 * String number index of the table at table_offset, or NULL unless it lies
 * inside the image and is NUL-terminated where its length says.
 */
static const char *string_at(const unsigned char *data, size_t size, uint32_t table_offset,
                             uint32_t index, int big_endian)
{
    uint64_t descriptor = (uint64_t)table_offset + (uint64_t)index * 8;
    if (descriptor + 8 > size)
        return NULL;
    uint32_t length = read_u32(data + descriptor, big_endian);
    uint32_t offset = read_u32(data + descriptor + 4, big_endian);
    if ((uint64_t)offset + length >= size || data[(size_t)offset + length] != '\0')
        return NULL;
    return (const char *)data + offset;
}

static int compare_entries(const void *a, const void *b)
{
    const struct mo_entry *x = a, *y = b;
    return strcmp(x->msgid, y->msgid);
}

/* Index the image in owned (which the catalogue keeps, or frees on failure). */
static int index_image(struct mofile **out, char *owned, size_t size, const char *name)
{
    struct mofile *mo = xcalloc(1, sizeof(*mo));
    mo->data = owned;

    int ret = 0;
    const unsigned char *data = (const unsigned char *)owned;
    if (size < MO_HEADER_SIZE) {
        ret = error_internal("%s: not a gettext .mo file (too short)", name);
        goto fail;
    }

    int big_endian;
    if (read_u32(data, 0) == MO_MAGIC) {
        big_endian = 0;
    } else if (read_u32(data, 1) == MO_MAGIC) {
        big_endian = 1;
    } else {
        ret = error_internal("%s: not a gettext .mo file (bad magic number)", name);
        goto fail;
    }

    /* Major revisions other than 0 and 1 may change the layout; minor ones only add to it. */
    uint32_t revision = read_u32(data + 4, big_endian);
    if (revision >> 16 > 1) {
        ret = error_internal("%s: unsupported .mo file revision %u.%u", name,
                             (unsigned)(revision >> 16), (unsigned)(revision & 0xffff));
        goto fail;
    }

    uint32_t count = read_u32(data + 8, big_endian);
    uint32_t originals = read_u32(data + 12, big_endian);
    uint32_t translations = read_u32(data + 16, big_endian);
    if (count > size / 8) {
        ret =
            error_internal("%s: corrupt .mo file (%u messages cannot fit)", name, (unsigned)count);
        goto fail;
    }

    mo->entries = xcalloc(count ? count : 1, sizeof(*mo->entries));
    for (uint32_t i = 0; i < count; i++) {
        const char *msgid = string_at(data, size, originals, i, big_endian);
        const char *msgstr = string_at(data, size, translations, i, big_endian);
        if (!msgid || !msgstr) {
            ret = error_internal("%s: corrupt .mo file (message %u lies outside the file)", name,
                                 (unsigned)i);
            goto fail;
        }
        /* The header and untranslated entries are no answer to a lookup. */
        if (!*msgid || !*msgstr)
            continue;
        mo->entries[mo->count].msgid = msgid;
        mo->entries[mo->count].msgstr = msgstr;
        mo->count++;
    }
    /* msgfmt sorts the originals, but the format does not promise it. */
    qsort(mo->entries, mo->count, sizeof(*mo->entries), compare_entries);
    *out = mo;
    return 0;

fail:
    mofile_free(mo);
    return ret;
}

int mofile_parse(struct mofile **out, const void *image, size_t size, const char *name)
{
    *out = NULL;
    char *copy = xmalloc(size);
    if (size)
        memcpy(copy, image, size);
    return index_image(out, copy, size, name);
}

int mofile_open(struct mofile **out, const char *path)
{
    *out = NULL;
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return error_errno("opening %s", path);

    struct strbuf sb = STRBUF_INIT;
    char chunk[65536];
    size_t got;
    while ((got = fread(chunk, 1, sizeof(chunk), fp)) > 0)
        strbuf_add(&sb, chunk, got);
    if (ferror(fp)) {
        int ret = error_errno("reading %s", path);
        fclose(fp);
        strbuf_release(&sb);
        return ret;
    }
    fclose(fp);

    size_t size;
    char *image = strbuf_detach(&sb, &size);
    return index_image(out, image, size, path);
}

void mofile_free(struct mofile *mo)
{
    if (!mo)
        return;
    free(mo->entries);
    free(mo->data);
    free(mo);
}

const char *mofile_lookup(const struct mofile *mo, const char *msgid)
{
    if (!mo || !msgid)
        return NULL;
    struct mo_entry key = {msgid, NULL};
    const struct mo_entry *found =
        bsearch(&key, mo->entries, mo->count, sizeof(*mo->entries), compare_entries);
    return found ? found->msgstr : NULL;
}

size_t mofile_count(const struct mofile *mo)
{
    return mo ? mo->count : 0;
}
