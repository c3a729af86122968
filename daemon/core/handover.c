/* SPDX-License-Identifier: MIT */
/* The hand-over list between the calendar reader and nudged: writing it, and reading it
 * back with no partial trust. */
#include "config.h"

#include "handover.h"

#include <errno.h>
#include <string.h>

#include "decimal.h"

/* A list with room for `sessions` sessions. */
static Handover *handover_sized(guint sessions)
{
        Handover *h = g_new0(Handover, 1);
        h->sessions = g_array_sized_new(FALSE, FALSE, sizeof(HandoverSession), sessions);
        h->problems = g_array_new(FALSE, FALSE, sizeof(HandoverProblem));
        h->text = g_string_chunk_new(4096);
        h->refs = 1;
        return h;
}

Handover *handover_new(void)
{
        return handover_sized(0);
}

Handover *handover_ref(Handover *h)
{
        g_atomic_int_inc(&h->refs);
        return h;
}

void handover_unref(Handover *h)
{
        if (!h || !g_atomic_int_dec_and_test(&h->refs))
                return;
        g_array_free(h->sessions, TRUE);
        g_array_free(h->problems, TRUE);
        g_string_chunk_free(h->text);
        g_free(h->block);
        g_free(h);
}

/* C0, DEL and C1: none may reach a notification or a line-based format. */
static bool is_control(gunichar c)
{
        return c < 0x20 || (c >= 0x7f && c <= 0x9f);
}

/* Text as the format holds it: valid UTF-8 without controls, within the bound. */
static bool text_ok(const char *s, size_t len, size_t max)
{
        if (len > max)
                return false;
        size_t i = 0;
        while (i < len && (unsigned char)s[i] >= 0x20 && (unsigned char)s[i] < 0x7f)
                i++; /* printable ASCII, the common case, needs no decoding */
        if (i == len)
                return true;
        if (!g_utf8_validate(s + i, (gssize)(len - i), NULL))
                return false;
        for (const char *p = s + i; p < s + len; p = g_utf8_next_char(p))
                if (is_control(g_utf8_get_char(p)))
                        return false;
        return true;
}

/* text_ok() for a field of a line already checked: valid UTF-8 without C0 controls or
 * DEL, so only the C1 controls (U+0080..U+009F, encoded C2 80..C2 9F) are left to find. */
static bool field_ok(const char *s, size_t len, size_t max)
{
        if (len > max)
                return false;
        for (const char *p = s; (p = memchr(p, 0xc2, (size_t)(s + len - p))) != NULL; p++)
                if (p + 1 < s + len && (unsigned char)p[1] >= 0x80 && (unsigned char)p[1] <= 0x9f)
                        return false;
        return true;
}

/* Valid UTF-8, controls as blanks, at most `max` bytes cut at a character boundary. */
static char *clean_text(const char *s, size_t max)
{
        if (!s)
                return g_strdup("");
        size_t len = strlen(s);
        if (text_ok(s, len, max))
                return g_strndup(s, len);
        g_autofree char *valid = g_utf8_make_valid(s, -1);
        GString *out = g_string_sized_new(MIN(strlen(valid), max));
        for (const char *p = valid; *p; p = g_utf8_next_char(p)) {
                gunichar c = g_utf8_get_char(p);
                size_t n = (size_t)(g_utf8_next_char(p) - p);
                if (out->len + (is_control(c) ? 1 : n) > max)
                        break;
                if (is_control(c))
                        g_string_append_c(out, ' ');
                else
                        g_string_append_len(out, p, (gssize)n);
        }
        return g_string_free(out, FALSE);
}

/* An IANA zone name's alphabet (as tz.c takes them). */
static bool zone_ok(const char *s, size_t len)
{
        if (len == 0 || len > HANDOVER_MAX_ZONE || !g_ascii_isalpha(s[0]))
                return false;
        for (size_t i = 0; i < len; i++)
                if (!g_ascii_isalnum(s[i]) && !strchr("/_-+", s[i]))
                        return false;
        return !g_strstr_len(s, (gssize)len, "..");
}

int handover_add_session(Handover *h, int64_t start, int64_t end, int64_t rid,
                         const char *zone, const char *uid, const char *summary)
{
        if (!uid || !*uid || strlen(uid) > HANDOVER_MAX_UID ||
            !text_ok(uid, strlen(uid), HANDOVER_MAX_UID) || !zone ||
            !zone_ok(zone, strlen(zone)) || end < start || start == HANDOVER_NO_RID)
                return -EINVAL;
        if (h->sessions->len >= HANDOVER_MAX_SESSIONS)
                return -E2BIG;
        g_autofree char *text = clean_text(summary, HANDOVER_MAX_TEXT);
        /* At most an E line ("E", three tabs, a newline) and an R line ("R", three numbers
         * of at most 20 characters and an event number of at most 6, four tabs, a newline). */
        size_t bytes = 5 + 1 + 3 * 20 + 6 + 5 + strlen(zone) + strlen(uid) + strlen(text);
        if (h->text_bytes + bytes > HANDOVER_MAX_BYTES - HANDOVER_RESERVE)
                return -E2BIG;
        h->text_bytes += bytes;
        HandoverSession s = {
                .start = start,
                .end = end,
                .rid = rid,
                .zone = g_string_chunk_insert(h->text, zone),
                .uid = g_string_chunk_insert(h->text, uid),
                .summary = g_string_chunk_insert(h->text, text),
        };
        g_array_append_val(h->sessions, s);
        return 0;
}

/* Cleaned text, or `fallback` when cleaning leaves only blanks (the format wants text),
 * in the list's storage. */
static const char *clean_or(Handover *h, const char *s, const char *fallback)
{
        g_autofree char *t = clean_text(s, HANDOVER_MAX_TEXT);
        return g_string_chunk_insert(h->text, strspn(t, " ") < strlen(t) ? t : fallback);
}

void handover_add_problem(Handover *h, const char *name, const char *reason)
{
        if (h->problems->len >= HANDOVER_MAX_PROBLEMS) {
                h->problems_left_out++;
                return;
        }
        g_array_set_size(h->problems, h->problems->len + 1);
        HandoverProblem *p = &g_array_index(h->problems, HandoverProblem, h->problems->len - 1);
        p->name = clean_or(h, name, "(an event)");
        p->reason = clean_or(h, reason, "cannot be read");
}

static int session_cmp(const void *a, const void *b)
{
        const HandoverSession *x = a, *y = b;
        if (x->start != y->start)
                return x->start < y->start ? -1 : 1;
        return strcmp(x->uid, y->uid);
}

void handover_sort(Handover *h)
{
        g_array_sort(h->sessions, session_cmp);
        /* The same instance twice (an RDATE on an RRULE instance, two copies of one
         * invitation): one session. */
        guint w = 0;
        for (guint i = 0; i < h->sessions->len; i++) {
                HandoverSession *s = &g_array_index(h->sessions, HandoverSession, i);
                if (w > 0 && session_cmp(&g_array_index(h->sessions, HandoverSession, w - 1),
                                         s) == 0)
                        continue;
                g_array_index(h->sessions, HandoverSession, w++) = *s;
        }
        g_array_set_size(h->sessions, w);
}

/* Appends "\t" and v in decimal: the S lines are most of a list, and printf the most of
 * their cost. */
static void put_tab_int(GString *out, int64_t v)
{
        char buf[24], *p = buf + sizeof(buf);
        uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;
        do
                *--p = (char)('0' + u % 10);
        while ((u /= 10) > 0);
        if (v < 0)
                *--p = '-';
        *--p = '\t';
        g_string_append_len(out, p, buf + sizeof(buf) - p);
}

/* What a session shares with the other instances of its event, written once in an E line. */
typedef struct {
        const char *zone, *uid, *summary;
} Event;

static guint event_hash(gconstpointer p)
{
        const Event *e = p;
        return (g_str_hash(e->uid) * 31u + g_str_hash(e->summary)) * 31u + g_str_hash(e->zone);
}

static gboolean event_equal(gconstpointer a, gconstpointer b)
{
        const Event *x = a, *y = b;
        return strcmp(x->uid, y->uid) == 0 && strcmp(x->summary, y->summary) == 0 &&
               strcmp(x->zone, y->zone) == 0;
}

char *handover_format(Handover *h)
{
        handover_sort(h);
        GString *out = g_string_sized_new(h->text_bytes + 4096);
        g_string_append(out, HANDOVER_MAGIC "\n");
        /* Each event's number: its place among the E lines, plus one (0 is "none yet"). */
        Event *events = g_new(Event, h->sessions->len ? h->sessions->len : 1);
        GHashTable *numbers = g_hash_table_new(event_hash, event_equal);
        guint n_events = 0;
        for (guint i = 0; i < h->sessions->len; i++) {
                HandoverSession *s = &g_array_index(h->sessions, HandoverSession, i);
                events[n_events] = (Event){ s->zone, s->uid, s->summary };
                guint k = GPOINTER_TO_UINT(g_hash_table_lookup(numbers, &events[n_events]));
                if (k == 0) {
                        k = ++n_events;
                        g_hash_table_insert(numbers, &events[k - 1], GUINT_TO_POINTER(k));
                        g_string_append(out, "E\t");
                        g_string_append(out, s->zone);
                        g_string_append_c(out, '\t');
                        g_string_append(out, s->uid);
                        g_string_append_c(out, '\t');
                        g_string_append(out, s->summary);
                        g_string_append_c(out, '\n');
                }
                g_string_append_c(out, 'R');
                put_tab_int(out, s->start);
                put_tab_int(out, s->end);
                if (s->rid == HANDOVER_NO_RID)
                        g_string_append(out, "\t-");
                else
                        put_tab_int(out, s->rid);
                put_tab_int(out, (int64_t)k - 1);
                g_string_append_c(out, '\n');
        }
        g_hash_table_destroy(numbers);
        g_free(events);
        for (guint i = 0; i < h->problems->len; i++) {
                HandoverProblem *p = &g_array_index(h->problems, HandoverProblem, i);
                g_string_append_printf(out, "P\t%s\t%s\n", p->name, p->reason);
        }
        g_string_append_printf(out, "T\t%u\t%u\t%" G_GUINT64_FORMAT "\t%" G_GUINT64_FORMAT "\n",
                               h->sessions->len, h->problems->len, h->allday,
                               h->problems_left_out);
        return g_string_free(out, FALSE);
}

/* ---- strict reading ---------------------------------------------------------------- */

typedef struct {
        char *p;
        size_t len;
} Field;

/* A field as a string of the list: its separator (a tab, or the line's end) becomes its
 * NUL. */
static const char *field_str(Field f)
{
        f.p[f.len] = '\0';
        return f.p;
}

/* A decimal integer in its one canonical spelling: "0", "-5", "17"; no "+", "-0", "007". */
static bool parse_int(Field f, int64_t *out)
{
        return decimal_parse(f.p, f.len, INT64_MIN, INT64_MAX, out);
}

static bool parse_count(Field f, uint64_t max, uint64_t *out)
{
        int64_t v;
        if (!parse_int(f, &v) || v < 0 || (uint64_t)v > max)
                return false;
        *out = (uint64_t)v;
        return true;
}

/* Splits a line into exactly `want` tab-separated fields. */
static bool split(char *line, size_t len, Field *f, size_t want)
{
        size_t k = 0;
        char *start = line;
        for (char *p = line;; p++) {
                if (p == line + len || *p == '\t') {
                        if (k == want)
                                return false;
                        f[k++] = (Field){ start, (size_t)(p - start) };
                        if (p == line + len)
                                break;
                        start = p + 1;
                }
        }
        return k == want;
}

#define FAIL(...)                                                                  \
        do {                                                                       \
                if (why)                                                           \
                        *why = g_strdup_printf(__VA_ARGS__);                       \
                return -EBADMSG;                                                   \
        } while (0)

/* What the lines of one list are read with. */
typedef struct {
        Handover *h;
        int version;    /* of the header: 1 (S lines) or 2 (E and R lines) */
        GArray *events; /* of Event: version 2's E lines so far */
        GHashTable *seen; /* of Event (copies): no event twice */
        bool unnamed;   /* the last line was an E line, which the next one must name */
} Reader;

/* A session of event e, checked and in order, before any problem. */
static int add_parsed(Handover *h, HandoverSession *s, const Event *e, unsigned lineno,
                      char **why)
{
        s->zone = e->zone;
        s->uid = e->uid;
        s->summary = e->summary;
        if (h->problems->len > 0)
                FAIL("line %u: a session after the problems", lineno);
        if (h->sessions->len >= HANDOVER_MAX_SESSIONS)
                FAIL("line %u: more than %u sessions", lineno, HANDOVER_MAX_SESSIONS);
        g_array_append_vals(h->sessions, s, 1);
        if (h->sessions->len > 1 &&
            session_cmp(&g_array_index(h->sessions, HandoverSession, h->sessions->len - 2),
                        s) >= 0)
                FAIL("line %u: sessions out of order or twice", lineno);
        return 0;
}

/* start, end and rid of an S or R line, from its fields 1 to 3. */
static int parse_times(const Field *f, HandoverSession *s, unsigned lineno, char **why)
{
        if (!parse_int(f[1], &s->start) || !parse_int(f[2], &s->end) ||
            s->start == HANDOVER_NO_RID)
                FAIL("line %u: a time is not a number", lineno);
        if (s->end < s->start)
                FAIL("line %u: end before start", lineno);
        if (!(f[3].len == 1 && f[3].p[0] == '-') &&
            (!parse_int(f[3], &s->rid) || s->rid == HANDOVER_NO_RID))
                FAIL("line %u: bad RECURRENCE-ID", lineno);
        return 0;
}

/* zone, uid and summary, from three fields. */
static int parse_event_fields(const Field *f, Event *e, unsigned lineno, char **why)
{
        if (!zone_ok(f[0].p, f[0].len))
                FAIL("line %u: bad zone name", lineno);
        if (f[1].len == 0 || !field_ok(f[1].p, f[1].len, HANDOVER_MAX_UID))
                FAIL("line %u: bad UID", lineno);
        if (!field_ok(f[2].p, f[2].len, HANDOVER_MAX_TEXT))
                FAIL("line %u: bad summary", lineno);
        e->zone = field_str(f[0]);
        e->uid = field_str(f[1]);
        e->summary = field_str(f[2]);
        return 0;
}

/* An S line (version 1): one session with its event's fields. */
static int parse_session(Reader *rd, char *line, size_t n, unsigned lineno, char **why)
{
        Field f[7];
        HandoverSession s = { .rid = HANDOVER_NO_RID };
        Event e;
        if (!split(line, n, f, 7))
                FAIL("line %u: a session has 7 fields", lineno);
        int r = parse_times(f, &s, lineno, why);
        if (r < 0 || (r = parse_event_fields(f + 4, &e, lineno, why)) < 0)
                return r;
        return add_parsed(rd->h, &s, &e, lineno, why);
}

/* An E line (version 2): the next event's zone, uid and summary. */
static int parse_event(Reader *rd, char *line, size_t n, unsigned lineno, char **why)
{
        Field f[4];
        Event e;
        if (!split(line, n, f, 4))
                FAIL("line %u: an event has 4 fields", lineno);
        int r = parse_event_fields(f + 1, &e, lineno, why);
        if (r < 0)
                return r;
        if (rd->h->problems->len > 0)
                FAIL("line %u: an event after the problems", lineno);
        if (rd->events->len >= HANDOVER_MAX_SESSIONS)
                FAIL("line %u: more than %u events", lineno, HANDOVER_MAX_SESSIONS);
        Event *copy = g_memdup2(&e, sizeof e);
        if (!g_hash_table_add(rd->seen, copy))
                FAIL("line %u: the same event twice", lineno);
        g_array_append_val(rd->events, e);
        rd->unnamed = true;
        return 0;
}

/* An R line (version 2): one session of an event of an earlier E line. */
static int parse_ref(Reader *rd, char *line, size_t n, unsigned lineno, char **why)
{
        Field f[5];
        HandoverSession s = { .rid = HANDOVER_NO_RID };
        uint64_t k;
        if (!split(line, n, f, 5))
                FAIL("line %u: a session has 5 fields", lineno);
        int r = parse_times(f, &s, lineno, why);
        if (r < 0)
                return r;
        if (!parse_count(f[4], HANDOVER_MAX_SESSIONS, &k) || k >= rd->events->len)
                FAIL("line %u: no such event", lineno);
        /* An event's E line comes right before the first session of it: one spelling. */
        if (rd->unnamed && k != rd->events->len - 1)
                FAIL("line %u: not the session of the event before it", lineno);
        rd->unnamed = false;
        return add_parsed(rd->h, &s, &g_array_index(rd->events, Event, k), lineno, why);
}

/* A P line: one problem, a name and a reason. */
static int parse_problem(Handover *h, char *line, size_t n, unsigned lineno, char **why)
{
        Field f[3];
        if (!split(line, n, f, 3))
                FAIL("line %u: a problem has 3 fields", lineno);
        if (f[1].len == 0 || !field_ok(f[1].p, f[1].len, HANDOVER_MAX_TEXT) ||
            f[2].len == 0 || !field_ok(f[2].p, f[2].len, HANDOVER_MAX_TEXT))
                FAIL("line %u: bad problem text", lineno);
        if (h->problems->len >= HANDOVER_MAX_PROBLEMS)
                FAIL("line %u: more than %u problems", lineno, HANDOVER_MAX_PROBLEMS);
        HandoverProblem pr = { field_str(f[1]), field_str(f[2]) };
        g_array_append_val(h->problems, pr);
        return 0;
}

/* The T line: the counts, which must match the lines before it. */
static int parse_total(Handover *h, char *line, size_t n, unsigned lineno, char **why)
{
        Field f[5];
        uint64_t ns, np;
        if (!split(line, n, f, 5) || !parse_count(f[1], HANDOVER_MAX_SESSIONS, &ns) ||
            !parse_count(f[2], HANDOVER_MAX_PROBLEMS, &np) ||
            !parse_count(f[3], INT64_MAX, &h->allday) ||
            !parse_count(f[4], INT64_MAX, &h->problems_left_out))
                FAIL("line %u: bad T line", lineno);
        if (ns != h->sessions->len || np != h->problems->len)
                FAIL("line %u: the counts do not match the lines", lineno);
        return 0;
}

/* One line after the header; sets *total on the T line. */
static int parse_line(Reader *rd, char *line, size_t n, unsigned lineno, bool *total,
                      char **why)
{
        /* Tabs separate; no other control character anywhere. */
        for (size_t i = 0; i < n; i++)
                if (((unsigned char)line[i] < 0x20 && line[i] != '\t') || line[i] == 0x7f)
                        FAIL("line %u: a control character", lineno);
        if (n < 2 || line[1] != '\t')
                FAIL("line %u: unknown line", lineno);
        if (rd->unnamed && line[0] != 'R')
                FAIL("line %u: an event with no session after it", lineno - 1);
        switch (line[0]) {
        case 'S':
                if (rd->version != 1)
                        break;
                return parse_session(rd, line, n, lineno, why);
        case 'E':
                if (rd->version != 2)
                        break;
                return parse_event(rd, line, n, lineno, why);
        case 'R':
                if (rd->version != 2)
                        break;
                return parse_ref(rd, line, n, lineno, why);
        case 'P':
                return parse_problem(rd->h, line, n, lineno, why);
        case 'T': {
                int r = parse_total(rd->h, line, n, lineno, why);
                if (r == 0)
                        *total = true;
                return r;
        }
        default:
                break;
        }
        FAIL("line %u: unknown line", lineno);
}

/* Valid UTF-8 without NUL: ASCII is skipped eight bytes at a time, and each run of other
 * bytes checked on its own (a character of several bytes holds no ASCII byte, so the runs
 * are valid exactly when the whole is). */
static bool utf8_ok(const char *s, size_t len)
{
        if (memchr(s, '\0', len))
                return false;
        const char *p = s, *end = s + len;
        while (p < end) {
                uint64_t w;
                if (end - p >= 8 && (memcpy(&w, p, 8), (w & 0x8080808080808080ULL) == 0)) {
                        p += 8;
                        continue;
                }
                if ((unsigned char)*p < 0x80) {
                        p++;
                        continue;
                }
                const char *run = p;
                while (p < end && (unsigned char)*p >= 0x80)
                        p++;
                if (!g_utf8_validate_len(run, (gsize)(p - run), NULL))
                        return false;
        }
        return true;
}

int handover_parse_buf(const char *buf, size_t len, Handover **out, char **why)
{
        if (why)
                *why = NULL;
        if (!buf || len > HANDOVER_MAX_BYTES)
                FAIL("larger than %u bytes", HANDOVER_MAX_BYTES);
        char *block = g_malloc(len + 1);
        memcpy(block, buf, len);
        return handover_parse_owned(block, 0, len, out, why);
}

int handover_parse_owned(char *block_in, size_t offset, size_t len, Handover **out, char **why)
{
        g_autofree char *block = block_in;
        char *buf = block + offset;
        if (why)
                *why = NULL;
        if (len > HANDOVER_MAX_BYTES)
                FAIL("larger than %u bytes", HANDOVER_MAX_BYTES);
        if (!utf8_ok(buf, len))
                FAIL("not valid UTF-8 (or holds a NUL byte)");
        if (len == 0 || buf[len - 1] != '\n')
                FAIL("does not end with a line end");

        /* A session is some 100 bytes of an S line, 30 of an R line. */
        g_autoptr(Handover) h = handover_sized((guint)(len / 100));
        g_autoptr(GArray) events = g_array_new(FALSE, FALSE, sizeof(Event));
        g_autoptr(GHashTable) seen = g_hash_table_new_full(event_hash, event_equal, g_free, NULL);
        Reader rd = { h, 0, events, seen, false };
        bool total = false;
        unsigned lineno = 0;
        char *p = buf, *end = buf + len;
        while (p < end) {
                char *nl = memchr(p, '\n', (size_t)(end - p));
                size_t n = (size_t)(nl - p);
                char *line = p;
                p = nl + 1;
                lineno++;
                if (!rd.version) {
                        if (n == strlen(HANDOVER_MAGIC) && memcmp(line, HANDOVER_MAGIC, n) == 0)
                                rd.version = 2;
                        else if (n == strlen(HANDOVER_MAGIC_1) &&
                                 memcmp(line, HANDOVER_MAGIC_1, n) == 0)
                                rd.version = 1;
                        else
                                FAIL("line 1: not \"%s\"", HANDOVER_MAGIC);
                        continue;
                }
                if (total)
                        FAIL("line %u: after the T line", lineno);
                int r = parse_line(&rd, line, n, lineno, &total, why);
                if (r < 0)
                        return r;
        }
        if (!total)
                FAIL("no T line: the list was cut short");
        h->block = g_steal_pointer(&block);
        *out = g_steal_pointer(&h);
        return 0;
}
