/* SPDX-License-Identifier: MIT */
/* `nudge list --json`: JSON lines, written as the sessions are expanded. A year of a
 * thousand weekly series is some fifty thousand lines (9 MB): the listing goes a window
 * of days at a time, so that memory stays small and the first lines leave at once. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "format.h"

#define DAY 86400LL
/* A window's sessions are sorted and written before the next is expanded. Windows grow
 * when they hold few sessions and shrink when they hold many; not below a few days, as
 * series_expand() looks two days beyond each end. */
enum { WINDOW_FIRST_DAYS = 28, WINDOW_MIN_DAYS = 7, WINDOW_MAX_DAYS = 1024 };
enum { WINDOW_FEW = 4096, WINDOW_MANY = 16384 };
enum { FLUSH_AT = 1 << 16 };
enum { HEAD_WORDS = 4 }; /* the words of a session before its reminders */
#define N_REMINDERS(w2) ((size_t)((w2) >> 32) & 0xf)
#define CALENDAR_BIT ((int64_t)1 << 36)
#define SESSION_SHIFT 37

typedef struct {
        const Schedule *s;
        struct {
                char *text; /* {"id":…,"title":…,"start":" (escaped once), or NULL */
                size_t len;
        } *prefix;          /* per series */
        /* The window's sessions, series by series in id order, packed: start, end,
         * series index | number of reminders << 32 | a calendar's session: CALENDAR_BIT and
         * its index << SESSION_SHIFT; the
         * check-in (INT64_MIN: none), then the reminders. */
        int64_t *words;
        size_t n_words, words_cap, n_sessions;
        uint64_t *keys, *tmp; /* the window's order; tmp is the second half of keys */
        size_t keys_cap;
        int place_bits; /* the low bits of a key: where the session begins in words */
        GString *line_prefix, *line_tail; /* of a calendar's session: session_fields() */
        char *buf; /* output, flushed in large writes */
        size_t len, cap;
        DateMemo memo;
} JsonList;

static bool collect(const Occurrence *o, void *userdata)
{
        JsonList *jl = userdata;
        size_t need = jl->n_words + HEAD_WORDS + o->n_reminders;
        if (need > jl->words_cap) {
                jl->words_cap = MAX(need, 2 * jl->words_cap);
                jl->words = g_renew(int64_t, jl->words, jl->words_cap);
        }
        int64_t *w = jl->words + jl->n_words;
        int64_t tag = (int64_t)(o->series - jl->s->series) | (int64_t)o->n_reminders << 32;
        /* A calendar's session has a title, zone and uid of its own: keep which it is. */
        if (G_UNLIKELY(o->uid)) {
                size_t session;
                if (!series_session_index(o->series, o->start, &session))
                        return true;
                tag |= CALENDAR_BIT | (int64_t)session << SESSION_SHIFT;
        }
        w[0] = o->start;
        w[1] = o->end;
        w[2] = tag;
        w[3] = o->checkin;
        memcpy(w + HEAD_WORDS, o->reminders, o->n_reminders * sizeof(int64_t));
        jl->n_words = need;
        jl->n_sessions++;
        return true;
}

/* Sorts 64-bit keys whose high bits beyond `bits` are zero: LSD radix, 11 bits a pass. */
static void sort_keys(uint64_t *keys, uint64_t *tmp, size_t n, int bits)
{
        enum { RADIX = 11, BUCKETS = 1 << RADIX };
        uint64_t *src = keys, *dst = tmp;
        for (int shift = 0; shift < bits; shift += RADIX) {
                size_t count[BUCKETS + 1] = {0};
                for (size_t i = 0; i < n; i++)
                        count[((src[i] >> shift) & (BUCKETS - 1)) + 1]++;
                for (size_t b = 1; b <= BUCKETS; b++)
                        count[b] += count[b - 1];
                for (size_t i = 0; i < n; i++)
                        dst[count[(src[i] >> shift) & (BUCKETS - 1)]++] = src[i];
                uint64_t *swap = src;
                src = dst;
                dst = swap;
        }
        if (src != keys)
                memcpy(keys, src, n * sizeof(*keys));
}

/* The window's sessions by start, then id: a key is the start within the window above
 * where the session begins in `words`, which is in id order for equal starts. */
static void order_window(JsonList *jl, int64_t a)
{
        size_t n = jl->n_sessions;
        if (n > jl->keys_cap) {
                jl->keys_cap = MAX(n, 2 * jl->keys_cap);
                jl->keys = g_renew(uint64_t, jl->keys, 2 * jl->keys_cap);
                jl->tmp = jl->keys + jl->keys_cap;
        }
        int place_bits = jl->place_bits = g_bit_storage(jl->n_words);
        int64_t last = 0;
        for (size_t i = 0, at = 0; i < n; i++) {
                int64_t rel = jl->words[at] - a;
                last = MAX(last, rel);
                jl->keys[i] = (uint64_t)rel << place_bits | at;
                at += HEAD_WORDS + N_REMINDERS(jl->words[at + 2]);
        }
        sort_keys(jl->keys, jl->tmp, n, place_bits + g_bit_storage((gulong)last));
}

static int flush(JsonList *jl)
{
        if (jl->len && fwrite(jl->buf, 1, jl->len, stdout) != jl->len)
                return -(errno ? errno : EIO);
        jl->len = 0;
        return 0;
}

static const char *series_prefix(JsonList *jl, const Series *se, size_t *len)
{
        __typeof__(jl->prefix[0]) *pre = &jl->prefix[se - jl->s->series];
        if (!pre->text) {
                GString *p = g_string_new("{\"id\":");
                json_append_string(p, se->id);
                g_string_append(p, ",\"title\":");
                json_append_string(p, se->title);
                g_string_append(p, ",\"start\":\"");
                pre->len = p->len;
                pre->text = g_string_free(p, FALSE);
        }
        *len = pre->len;
        return pre->text;
}

/* A calendar's session has a title, zone and uid of its own: its prefix and its uid field
 * go to jl->line_prefix and jl->line_tail (calendars hold few sessions; the cached prefix
 * of its series serves every other line). */
static const CalSession *session_fields(JsonList *jl, const Series *se, const int64_t *w)
{
        const CalSession *c = &se->sessions[(uint64_t)w[2] >> SESSION_SHIFT];
        g_string_assign(jl->line_prefix, "{\"id\":");
        json_append_string(jl->line_prefix, se->id);
        g_string_append(jl->line_prefix, ",\"title\":");
        json_append_string(jl->line_prefix, series_session_title(se, c));
        g_string_append(jl->line_prefix, ",\"start\":\"");
        g_string_assign(jl->line_tail, ",\"uid\":");
        json_append_string(jl->line_tail, c->uid);
        return c;
}

static int put_line(JsonList *jl, const int64_t *w)
{
        const Series *se = &jl->s->series[w[2] & 0xffffffff];
        size_t n_reminders = N_REMINDERS(w[2]), plen, tlen = 0;
        const char *prefix;
        Tz *tz = se->tz;
        if (G_UNLIKELY(w[2] & CALENDAR_BIT)) {
                tz = session_fields(jl, se, w)->tz;
                prefix = jl->line_prefix->str;
                plen = jl->line_prefix->len;
                tlen = jl->line_tail->len;
        } else {
                prefix = series_prefix(jl, se, &plen);
        }
        size_t need = plen + tlen + 48 + (RFC3339_SIZE + 3) * (n_reminders + 3);
        if (jl->len + need > jl->cap) {
                int r = flush(jl);
                if (r < 0)
                        return r;
                if (need > jl->cap)
                        jl->buf = g_realloc(jl->buf, jl->cap = need);
        }
        char *p = jl->buf + jl->len;
        memcpy(p, prefix, plen);
        p = format_rfc3339_put(p + plen, tz, w[0], &jl->memo);
        memcpy(p, "\",\"end\":\"", 9);
        p = format_rfc3339_put(p + 9, tz, w[1], &jl->memo);
        memcpy(p, "\",\"reminders\":[", 15);
        p += 15;
        for (size_t k = 0; k < n_reminders; k++) {
                if (k)
                        *p++ = ',';
                *p++ = '"';
                p = format_rfc3339_put(p, tz, w[HEAD_WORDS + k], &jl->memo);
                *p++ = '"';
        }
        *p++ = ']';
        if (w[3] != INT64_MIN) {
                memcpy(p, ",\"checkin\":\"", 12);
                p = format_rfc3339_put(p + 12, tz, w[3], &jl->memo);
                *p++ = '"';
        }
        if (tlen) {
                memcpy(p, jl->line_tail->str, tlen);
                p += tlen;
        }
        memcpy(p, "}\n", 2);
        jl->len = (size_t)(p + 2 - jl->buf);
        return jl->len >= FLUSH_AT ? flush(jl) : 0;
}

/* Expands, orders and writes the sessions of [a, b). */
static int put_window(JsonList *jl, int64_t a, int64_t b)
{
        jl->n_words = jl->n_sessions = 0;
        for (size_t i = 0; i < jl->s->n_series; i++)
                series_expand(&jl->s->series[i], a, b, collect, jl);
        order_window(jl, a);
        uint64_t mask = ((uint64_t)1 << jl->place_bits) - 1;
        for (size_t i = 0; i < jl->n_sessions; i++) {
                int r = put_line(jl, jl->words + (jl->keys[i] & mask));
                if (r < 0)
                        return r;
        }
        return 0;
}

int cli_list_json(const Schedule *s, int64_t from, int64_t to)
{
        JsonList jl = {.s = s, .cap = FLUSH_AT + 4096};
        jl.prefix = g_malloc0_n(s->n_series + 1, sizeof(*jl.prefix));
        jl.buf = g_malloc(jl.cap);
        jl.line_prefix = g_string_new(NULL);
        jl.line_tail = g_string_new(NULL);
        int64_t days = WINDOW_FIRST_DAYS;
        int r = 0;
        for (int64_t a = from, b; a < to && r == 0; a = b) {
                b = to - a > days * DAY ? a + days * DAY : to;
                r = put_window(&jl, a, b);
                if (jl.n_sessions > WINDOW_MANY && days > WINDOW_MIN_DAYS)
                        days /= 2;
                else if (jl.n_sessions < WINDOW_FEW && days < WINDOW_MAX_DAYS)
                        days *= 2;
        }
        if (r == 0)
                r = flush(&jl);
        if (r == 0 && fflush(stdout) != 0)
                r = -(errno ? errno : EIO);
        for (size_t i = 0; i < s->n_series; i++)
                g_free(jl.prefix[i].text);
        g_free(jl.prefix);
        g_free(jl.words);
        g_free(jl.keys);
        g_free(jl.buf);
        g_string_free(jl.line_prefix, TRUE);
        g_string_free(jl.line_tail, TRUE);
        return r;
}
