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
#include "i18n.h"

#define STATE_HEADER_V1 "nudge-state 1"
#define STATE_HEADER "nudge-state 2"
#define STATE_MAX_ID 256      /* longer than any section name the config accepts */
#define STATE_MAX_SIZE (8 << 20)

typedef struct {
        int64_t sent_upto;     /* INT64_MIN: no reminder sent yet */
        uint32_t notification; /* the server's id of the last one shown, 0 = none known */
        int64_t snooze_at;     /* INT64_MIN: not snoozed */
} Entry;

struct State {
        GHashTable *map; /* "ID\tSTART" -> Entry */
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

static const Entry *lookup(const State *st, const char *series_id, int64_t session_start)
{
        g_autofree char *key = key_of(series_id, session_start);
        return g_hash_table_lookup(st->map, key);
}

static Entry *entry(State *st, const char *series_id, int64_t session_start)
{
        g_autofree char *key = key_of(series_id, session_start);
        Entry *e = g_hash_table_lookup(st->map, key);
        if (!e) {
                e = g_new(Entry, 1);
                *e = (Entry){ .sent_upto = INT64_MIN, .snooze_at = INT64_MIN };
                g_hash_table_insert(st->map, g_steal_pointer(&key), e);
        }
        return e;
}

int64_t state_sent_upto(const State *st, const char *series_id, int64_t session_start)
{
        const Entry *e = lookup(st, series_id, session_start);
        return e ? e->sent_upto : INT64_MIN;
}

void state_mark(State *st, const char *series_id, int64_t session_start, int64_t instant)
{
        Entry *e = entry(st, series_id, session_start);
        if (instant > e->sent_upto)
                e->sent_upto = instant;
}

uint32_t state_notification(const State *st, const char *series_id, int64_t session_start)
{
        const Entry *e = lookup(st, series_id, session_start);
        return e ? e->notification : 0;
}

void state_set_notification(State *st, const char *series_id, int64_t session_start,
                            uint32_t id)
{
        entry(st, series_id, session_start)->notification = id;
}

int64_t state_snooze_at(const State *st, const char *series_id, int64_t session_start)
{
        const Entry *e = lookup(st, series_id, session_start);
        return e ? e->snooze_at : INT64_MIN;
}

void state_set_snooze(State *st, const char *series_id, int64_t session_start, int64_t at)
{
        if (at == INT64_MIN && !lookup(st, series_id, session_start))
                return;
        entry(st, series_id, session_start)->snooze_at = at;
}

static int64_t key_start(const char *key)
{
        const char *tab = strrchr(key, '\t');
        return tab ? g_ascii_strtoll(tab + 1, NULL, 10) : INT64_MIN;
}

static gint cmp_str(gconstpointer a, gconstpointer b)
{
        return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The keys in order, so that what is derived from them (the file, the snoozes) does not
 * depend on the hash table's order. */
static gpointer *sorted_keys(const State *st, guint *n)
{
        gpointer *keys = g_hash_table_get_keys_as_array(st->map, n);
        qsort(keys, *n, sizeof *keys, cmp_str);
        return keys;
}

void state_foreach_snooze(const State *st, StateSnoozeFn fn, void *userdata)
{
        guint n = 0;
        g_autofree gpointer *keys = sorted_keys(st, &n);
        for (guint i = 0; i < n; i++) {
                const Entry *e = g_hash_table_lookup(st->map, keys[i]);
                if (e->snooze_at == INT64_MIN)
                        continue;
                const char *key = keys[i];
                g_autofree char *id = g_strndup(key, (size_t)(strrchr(key, '\t') - key));
                fn(id, key_start(key), e->snooze_at, userdata);
        }
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

/* Strict decimal: optional '-', digits, no overflow, nothing else; "-" alone is `none`
 * where `none` is allowed (not INT64_MAX: INT64_MIN itself). */
static bool parse_i64(const char *s, size_t len, int64_t none, int64_t *out)
{
        char buf[24];
        if (len == 0 || len >= sizeof buf)
                return false;
        memcpy(buf, s, len);
        buf[len] = '\0';
        if (none != INT64_MAX && strcmp(buf, "-") == 0) {
                *out = none;
                return true;
        }
        size_t i = buf[0] == '-' ? 1 : 0;
        if (buf[i] == '\0')
                return false;
        for (size_t j = i; buf[j]; j++)
                if (buf[j] < '0' || buf[j] > '9')
                        return false;
        errno = 0;
        char *end = NULL;
        long long v = strtoll(buf, &end, 10);
        if (errno != 0 || *end != '\0' || v == INT64_MIN)
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

/* Splits a line into exactly `want` tab-separated fields. */
static bool split_fields(const char *line, size_t n, const char **f, size_t *len, int want)
{
        int k = 0;
        const char *p = line, *end = line + n;
        while (k < want) {
                const char *tab = memchr(p, '\t', (size_t)(end - p));
                const char *stop = tab ? tab : end;
                f[k] = p;
                len[k++] = (size_t)(stop - p);
                if (!tab)
                        break;
                p = tab + 1;
        }
        return k == want && f[want - 1] + len[want - 1] == end;
}

/* One record: version 1 has ID, START, SENT_UPTO; version 2 adds NOTIFICATION and
 * SNOOZE_AT. */
static bool parse_record(State *st, const char *line, size_t n, int version)
{
        const char *f[5];
        size_t len[5];
        int want = version == 1 ? 3 : 5;
        int64_t start, upto, id = 0, snooze = INT64_MIN;
        if (!split_fields(line, n, f, len, want) || !valid_id(f[0], len[0]) ||
            !parse_i64(f[1], len[1], INT64_MAX, &start) ||
            !parse_i64(f[2], len[2], version == 1 ? INT64_MAX : INT64_MIN, &upto))
                return false;
        if (version == 2 && (!parse_i64(f[3], len[3], INT64_MAX, &id) || id < 0 ||
                             id > UINT32_MAX || !parse_i64(f[4], len[4], INT64_MIN, &snooze)))
                return false;
        g_autofree char *sid = g_strndup(f[0], len[0]);
        if (lookup(st, sid, start))
                return false; /* one record per occurrence */
        Entry *e = entry(st, sid, start);
        *e = (Entry){ .sent_upto = upto, .notification = (uint32_t)id, .snooze_at = snooze };
        return true;
}

State *state_parse_buf(const char *buf, size_t len, int *error_out)
{
        g_autoptr(State) st = state_new();
        size_t pos = 0;
        int version = 0;

        while (pos < len) {
                const char *line = buf + pos;
                const char *nl = memchr(line, '\n', len - pos);
                if (!nl)
                        goto bad; /* every line ends with a newline: a cut file is damaged */
                size_t n = (size_t)(nl - line);
                pos += n + 1;
                if (version == 0) {
                        if (n == strlen(STATE_HEADER) && memcmp(line, STATE_HEADER, n) == 0)
                                version = 2;
                        else if (n == strlen(STATE_HEADER_V1) &&
                                 memcmp(line, STATE_HEADER_V1, n) == 0)
                                version = 1;
                        else
                                goto bad;
                        continue;
                }
                if (!parse_record(st, line, n, version))
                        goto bad;
        }
        if (version == 0)
                goto bad;
        return g_steal_pointer(&st);
bad:
        if (error_out)
                *error_out = -EBADMSG;
        return NULL;
}

static void append_i64(GString *out, int64_t v)
{
        if (v == INT64_MIN)
                g_string_append(out, "\t-");
        else
                g_string_append_printf(out, "\t%" PRId64, v);
}

char *state_format(const State *st)
{
        GString *out = g_string_new(STATE_HEADER "\n");
        guint n = 0;
        g_autofree gpointer *keys = sorted_keys(st, &n);
        for (guint i = 0; i < n; i++) {
                const Entry *e = g_hash_table_lookup(st->map, keys[i]);
                g_string_append(out, keys[i]);
                append_i64(out, e->sent_upto);
                g_string_append_printf(out, "\t%" PRIu32, e->notification);
                append_i64(out, e->snooze_at);
                g_string_append_c(out, '\n');
        }
        return g_string_free(out, FALSE);
}

static const FileRules record_rules = {
        .what = N_("reminder record"),
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
        /* Whole sentences, one for each case, so that a translation need not be put
         * together from pieces. */
        const char *cause = untrusted ? why : g_strerror(-r);
        if (untrusted && *aside_out)
                /* TRANSLATORS: %1$s is the record's path, %2$s why it is not trusted (a
                 * sentence of its own), %3$s the name it was moved to. */
                *problem = g_strdup_printf(_("%1$s: %2$s; not trusted, kept as %3$s; starting "
                                             "a new record"), path, cause, *aside_out);
        else if (untrusted)
                /* TRANSLATORS: %1$s is the record's path, %2$s why it is not trusted. */
                *problem = g_strdup_printf(_("%1$s: %2$s; not trusted; starting a new record"),
                                           path, cause);
        else if (*aside_out)
                /* TRANSLATORS: %1$s is the record's path, %2$s the system's error message,
                 * %3$s the name it was moved to. */
                *problem = g_strdup_printf(_("%1$s is damaged (%2$s), kept as %3$s; starting a "
                                             "new record"), path, cause, *aside_out);
        else
                /* TRANSLATORS: %1$s is the record's path, %2$s the system's error message. */
                *problem = g_strdup_printf(_("%1$s is damaged (%2$s); starting a new record"),
                                           path, cause);
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
