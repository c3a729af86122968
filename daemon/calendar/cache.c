/* SPDX-License-Identifier: MIT */
/* The cache of calendar URLs (cache.h). A copy that cannot be read, or that belongs to
 * another URL, is no copy: the reader then fetches as if there were none. */
#include "config.h"

#include "cache.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "fetch.h"
#include "fileio.h"

#define META_MAGIC "nudge-calendar-cache 1"
#define META_MAX 8192u
#define VALIDATOR_MAX 1024u

void cache_entry_clear(CacheEntry *e)
{
        g_clear_pointer(&e->body, g_bytes_unref);
        g_clear_pointer(&e->etag, g_free);
        g_clear_pointer(&e->last_modified, g_free);
}

char *cache_dir(void)
{
        return g_build_filename(g_get_user_cache_dir(), "nudge", NULL);
}

int cache_prepare(const char *dir, char **why)
{
        int r = fileio_mkdir_private(dir, 0700);
        struct stat st = { 0 };
        if (r >= 0 && lstat(dir, &st) < 0)
                r = -errno;
        if (r < 0) {
                *why = g_strdup_printf("cannot create the cache folder %s: %s", dir,
                                       g_strerror(-r));
                return r;
        }
        if (!S_ISDIR(st.st_mode)) {
                *why = g_strdup_printf("the cache folder %s is not a folder", dir);
                return -ENOTDIR;
        }
        return fileio_check_trusted(&st, dir, "cache folder", why);
}

static char *file_of(const char *dir, const char *section, const char *ext)
{
        g_autofree char *name = g_strconcat(section, ext, NULL);
        return g_build_filename(dir, name, NULL);
}

static char *sha256(const void *p, size_t n)
{
        return g_compute_checksum_for_data(G_CHECKSUM_SHA256, p, n);
}

/* A validator as the meta file holds it: printable ASCII on one line. */
static bool validator_ok(const char *s)
{
        if (!s || strlen(s) > VALIDATOR_MAX)
                return false;
        for (const char *p = s; *p; p++)
                if (*p < 0x20 || *p > 0x7e)
                        return false;
        return true;
}

/* The value of line `i` of `lines` when it is "key TAB value"; NULL otherwise. */
static const char *meta_value(char **lines, guint i, const char *key)
{
        if (i >= g_strv_length(lines))
                return NULL;
        size_t k = strlen(key);
        if (strncmp(lines[i], key, k) != 0 || lines[i][k] != '\t')
                return NULL;
        return lines[i] + k + 1;
}

static int load_meta(const char *path, char **url_hash, char **body_hash, CacheEntry *out)
{
        FileRules rules = { "calendar cache", META_MAX, FILEIO_NOFOLLOW | FILEIO_NO_NUL };
        g_autofree char *text = NULL;
        size_t len;
        if (fileio_read(path, &rules, &text, &len, NULL) < 0)
                return -ENOENT;
        g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
        /* Five lines and an empty string after the last line end. */
        if (g_strv_length(lines) != 6 || strcmp(lines[0], META_MAGIC) != 0 || lines[5][0])
                return -ENOENT;
        const char *u = meta_value(lines, 1, "url-sha256");
        const char *b = meta_value(lines, 2, "body-sha256");
        const char *et = meta_value(lines, 3, "etag");
        const char *lm = meta_value(lines, 4, "last-modified");
        if (!u || !b || !validator_ok(et) || !validator_ok(lm))
                return -ENOENT;
        *url_hash = g_strdup(u);
        *body_hash = g_strdup(b);
        out->etag = *et ? g_strdup(et) : NULL;
        out->last_modified = *lm ? g_strdup(lm) : NULL;
        return 0;
}

int cache_load(const char *dir, const char *section, const char *url, CacheEntry *out)
{
        *out = (CacheEntry){ 0 };
        g_autofree char *meta = file_of(dir, section, ".meta");
        g_autofree char *ics = file_of(dir, section, ".ics");
        g_autofree char *url_hash = NULL, *body_hash = NULL, *want = sha256(url, strlen(url));
        if (load_meta(meta, &url_hash, &body_hash, out) < 0 || strcmp(url_hash, want) != 0) {
                cache_entry_clear(out);
                return -ENOENT;
        }
        FileRules rules = { "calendar cache", FETCH_MAX_BODY, FILEIO_NOFOLLOW };
        char *body = NULL;
        size_t len;
        if (fileio_read(ics, &rules, &body, &len, NULL) < 0) {
                cache_entry_clear(out);
                return -ENOENT;
        }
        out->body = g_bytes_new_take(body, len);
        g_autofree char *got = sha256(body, len);
        if (strcmp(got, body_hash) != 0) {
                /* The body was replaced but not its validators (an interrupted store):
                 * still a good copy, but a fetch must not be conditional on it. */
                g_clear_pointer(&out->etag, g_free);
                g_clear_pointer(&out->last_modified, g_free);
        }
        return 0;
}

int cache_store(const char *dir, const char *section, const char *url, GBytes *body,
                const char *etag, const char *last_modified)
{
        g_autofree char *meta = file_of(dir, section, ".meta");
        g_autofree char *ics = file_of(dir, section, ".ics");
        size_t len;
        const void *data = g_bytes_get_data(body, &len);
        g_autofree char *url_hash = sha256(url, strlen(url)), *body_hash = sha256(data, len);
        g_autofree char *text = g_strdup_printf(
                META_MAGIC "\nurl-sha256\t%s\nbody-sha256\t%s\netag\t%s\nlast-modified\t%s\n",
                url_hash, body_hash, validator_ok(etag) ? etag : "",
                validator_ok(last_modified) ? last_modified : "");
        int r = fileio_replace(ics, data, len, 0600);
        if (r < 0)
                return r;
        return fileio_replace(meta, text, strlen(text), 0600);
}
