/* SPDX-License-Identifier: MIT */
/* Sent-reminder records: an in-memory map plus its crash-safe file. */
#include "config.h"

#include "state.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"

#define STATE_HEADER "nudge-state 1"
#define STATE_MAX_ID 256      /* longer than any section name the config accepts */
#define STATE_MAX_SIZE (8 << 20)

struct State {
        GHashTable *map; /* "ID\tSTART" -> int64_t* sent-up-to */
};

static char *key_of(const char *series_id, int64_t session_start)
{
        return g_strdup_printf("%s\t%" PRId64, series_id, session_start);
}

State *state_new(void)
{
        State *st = g_new0(State, 1);
        st->map = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
        return st;
}

void state_free(State *st)
{
        if (!st)
                return;
        g_hash_table_destroy(st->map);
        g_free(st);
}

int64_t state_sent_upto(const State *st, const char *series_id, int64_t session_start)
{
        g_autofree char *key = key_of(series_id, session_start);
        const int64_t *v = g_hash_table_lookup(st->map, key);
        return v ? *v : INT64_MIN;
}

void state_mark(State *st, const char *series_id, int64_t session_start, int64_t instant)
{
        g_autofree char *key = key_of(series_id, session_start);
        int64_t *v = g_hash_table_lookup(st->map, key);
        if (v) {
                if (instant > *v)
                        *v = instant;
                return;
        }
        v = g_new(int64_t, 1);
        *v = instant;
        g_hash_table_insert(st->map, g_steal_pointer(&key), v);
}

static int64_t key_start(const char *key)
{
        const char *tab = strrchr(key, '\t');
        return tab ? g_ascii_strtoll(tab + 1, NULL, 10) : INT64_MIN;
}

static gboolean older_than(gpointer key, gpointer value, gpointer before)
{
        return key_start(key) < *(const int64_t *)before;
}

size_t state_prune(State *st, int64_t before)
{
        return g_hash_table_foreach_remove(st->map, older_than, &before);
}

size_t state_size(const State *st)
{
        return g_hash_table_size(st->map);
}

/* Strict decimal: optional '-', digits, no overflow, nothing else. */
static bool parse_i64(const char *s, size_t len, int64_t *out)
{
        char buf[24];
        if (len == 0 || len >= sizeof buf)
                return false;
        memcpy(buf, s, len);
        buf[len] = '\0';
        size_t i = buf[0] == '-' ? 1 : 0;
        if (buf[i] == '\0')
                return false;
        for (size_t j = i; buf[j]; j++)
                if (buf[j] < '0' || buf[j] > '9')
                        return false;
        errno = 0;
        char *end = NULL;
        long long v = strtoll(buf, &end, 10);
        if (errno != 0 || *end != '\0')
                return false;
        *out = v;
        return true;
}

static bool valid_id(const char *s, size_t len)
{
        if (len == 0 || len > STATE_MAX_ID)
                return false;
        for (size_t i = 0; i < len; i++) {
                char c = s[i];
                if (!(g_ascii_isalnum(c) || c == '-' || c == '_' || c == '.'))
                        return false;
        }
        return true;
}

State *state_parse_buf(const char *buf, size_t len, int *error_out)
{
        g_autoptr(State) st = state_new();
        size_t pos = 0;
        bool header = false;

        while (pos < len) {
                const char *line = buf + pos;
                const char *nl = memchr(line, '\n', len - pos);
                if (!nl)
                        goto bad; /* every line ends with a newline: a cut file is damaged */
                size_t n = (size_t)(nl - line);
                pos += n + 1;
                if (!header) {
                        if (n != strlen(STATE_HEADER) || memcmp(line, STATE_HEADER, n) != 0)
                                goto bad;
                        header = true;
                        continue;
                }
                const char *t1 = memchr(line, '\t', n);
                if (!t1)
                        goto bad;
                const char *t2 = memchr(t1 + 1, '\t', (size_t)(line + n - (t1 + 1)));
                if (!t2)
                        goto bad;
                int64_t start, upto;
                if (!valid_id(line, (size_t)(t1 - line)) ||
                    !parse_i64(t1 + 1, (size_t)(t2 - t1 - 1), &start) ||
                    !parse_i64(t2 + 1, (size_t)(line + n - t2 - 1), &upto))
                        goto bad;
                g_autofree char *id = g_strndup(line, (size_t)(t1 - line));
                state_mark(st, id, start, upto);
        }
        if (!header)
                goto bad;
        return g_steal_pointer(&st);
bad:
        if (error_out)
                *error_out = -EBADMSG;
        return NULL;
}

static gint cmp_str(gconstpointer a, gconstpointer b)
{
        return strcmp(*(char *const *)a, *(char *const *)b);
}

char *state_format(const State *st)
{
        GString *out = g_string_new(STATE_HEADER "\n");
        guint n = 0;
        g_autofree gpointer *keys = g_hash_table_get_keys_as_array(st->map, &n);
        qsort(keys, n, sizeof *keys, cmp_str);
        for (guint i = 0; i < n; i++) {
                const int64_t *v = g_hash_table_lookup(st->map, keys[i]);
                g_string_append_printf(out, "%s\t%" PRId64 "\n", (const char *)keys[i], *v);
        }
        return g_string_free(out, FALSE);
}

static const FileRules record_rules = {
        .what = "reminder record",
        .max_size = STATE_MAX_SIZE,
        .flags = FILEIO_NOFOLLOW,
};

/* Renames `path` to PATH.KIND-UNIXTIME (or -UNIXTIME-N when taken), out of the way of the
 * next save. The new name, or NULL when it could not be moved. */
static char *set_aside(const char *path, const char *kind)
{
        int64_t stamp = g_get_real_time() / G_USEC_PER_SEC;
        for (unsigned i = 0; i < 100; i++) {
                g_autofree char *aside = i == 0
                        ? g_strdup_printf("%s.%s-%" PRId64, path, kind, stamp)
                        : g_strdup_printf("%s.%s-%" PRId64 "-%u", path, kind, stamp, i);
                if (g_file_test(aside, G_FILE_TEST_EXISTS))
                        continue;
                if (rename(path, aside) < 0)
                        return NULL;
                return g_steal_pointer(&aside);
        }
        return NULL;
}

/* An untrusted record is set aside like a damaged one rather than left in place: its
 * contents are never used (someone else could have written them, to silence reminders),
 * reminders go on from an empty record, and the next save writes a new, private file, so
 * that sent reminders are remembered across restarts again without the person having to
 * act first. Leaving it in place would mean never saving (a save replaces it) until the
 * person fixes it, and a fix they cannot make when another user owns it. Moving it keeps
 * it for a person to look at. */
State *state_load(const char *path, char **aside_out, char **problem, int *error_out)
{
        g_autofree char *buf = NULL, *why = NULL;
        size_t len = 0;
        int r = fileio_read(path, &record_rules, &buf, &len, &why);
        *aside_out = NULL;
        *problem = NULL;
        *error_out = 0;
        if (r == -ENOENT)
                return state_new();
        if (r == 0) {
                State *st = state_parse_buf(buf, len, &r);
                if (st)
                        return st;
        }
        *error_out = r;
        bool untrusted = r == -EPERM;
        *aside_out = set_aside(path, untrusted ? "untrusted" : "corrupt");
        g_autofree char *kept = *aside_out ? g_strconcat(", kept as ", *aside_out, NULL) : NULL;
        if (untrusted)
                *problem = g_strdup_printf("%s: %s; not trusted%s; starting a new record", path,
                                           why, kept ? kept : "");
        else
                *problem = g_strdup_printf("%s is damaged (%s)%s; starting a new record", path,
                                           g_strerror(-r), kept ? kept : "");
        return state_new();
}

int state_save(const State *st, const char *path)
{
        g_autofree char *dir = g_path_get_dirname(path);
        g_autofree char *text = state_format(st);
        int r = fileio_mkdir_private(dir, 0700);
        if (r < 0)
                return r;
        return fileio_replace(path, text, strlen(text), 0600);
}
