/* SPDX-License-Identifier: MIT */
/* The schedule file: a strict line scanner (which knows where each key came from), an
 * iniparser dictionary as the store, and a semantic pass that builds the Schedule. */
#include "config.h"

#include "schedfile.h"

#include <iniparser/dictionary.h>
#include <iniparser/iniparser.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"

#define TITLE_MAX 200
#define PROMPT_MAX 1000
#define NOTES_MAX 1024

/* ---- errors ------------------------------------------------------------------------ */

typedef struct {
        const char *path;
        GArray *errors; /* of SchedfileError */
        size_t suppressed;
} Report;

static void report(Report *r, unsigned line, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
static void report(Report *r, unsigned line, const char *fmt, ...)
{
        if (r->errors->len >= SCHEDFILE_MAX_ERRORS) {
                r->suppressed++;
                return;
        }
        va_list ap;
        va_start(ap, fmt);
        SchedfileError e = {line, g_strdup_vprintf(fmt, ap)};
        va_end(ap);
        g_array_append_val(r->errors, e);
}

static int cmp_error(const void *a, const void *b)
{
        const SchedfileError *x = a, *y = b;
        /* Equal lines keep the order they were found in: g_array_sort() is stable (GLib
         * >= 2.32), while heap addresses say nothing about the order of allocation. */
        return (x->line > y->line) - (x->line < y->line);
}

static SchedfileErrors *report_finish(Report *r)
{
        if (r->errors->len == 0) {
                g_array_free(r->errors, TRUE);
                return NULL;
        }
        SchedfileErrors *e = g_new0(SchedfileErrors, 1);
        e->path = g_strdup(r->path);
        e->n_errors = r->errors->len;
        e->n_suppressed = r->suppressed;
        e->errors = (SchedfileError *)(void *)g_array_free(r->errors, FALSE);
        return e;
}

void schedfile_errors_free(SchedfileErrors *e)
{
        if (!e)
                return;
        for (size_t i = 0; i < e->n_errors; i++)
                g_free(e->errors[i].message);
        g_free(e->errors);
        g_free(e->path);
        g_free(e);
}

char *schedfile_errors_format(const SchedfileErrors *e)
{
        GString *s = g_string_new(NULL);
        for (size_t i = 0; i < e->n_errors; i++) {
                if (e->errors[i].line)
                        g_string_append_printf(s, "%s:%u: %s\n", e->path, e->errors[i].line,
                                               e->errors[i].message);
                else
                        g_string_append_printf(s, "%s: %s\n", e->path, e->errors[i].message);
        }
        if (e->n_suppressed)
                g_string_append_printf(s, "%s: … and %zu more problems not shown\n", e->path,
                                       e->n_suppressed);
        return g_string_free(s, FALSE);
}

/* ---- the line scanner ----------------------------------------------------------------- */

/* One dictionary per section (iniparser's dictionary_set() scans every entry, so one big
 * dictionary makes a large file quadratic). A dictionary keeps entries in insertion
 * order: entry i was read from lines[i]. Entry 0 is the section ("name", NULL value),
 * the others are "name:key". */
typedef struct {
        dictionary *dict;
        GArray *lines;  /* unsigned, parallel to the dictionary's entries */
        char *spelling; /* the name as written (for default titles) */
} SecScan;

typedef struct {
        GPtrArray *sections; /* of SecScan */
} Scan;

static void secscan_free(void *p)
{
        SecScan *ss = p;
        dictionary_del(ss->dict);
        g_array_free(ss->lines, TRUE);
        g_free(ss->spelling);
        g_free(ss);
}

static bool section_name_ok(const char *name)
{
        if (!*name)
                return false;
        for (const char *p = name; *p; p++)
                if (!g_ascii_isalnum(*p) && !strchr("-_.", *p))
                        return false;
        return true;
}

static bool key_name_ok(const char *name)
{
        if (!*name)
                return false;
        for (const char *p = name; *p; p++)
                if (!g_ascii_isalnum(*p) && !strchr("-_", *p))
                        return false;
        return true;
}

static void scan_add(Scan *sc, const char *key, const char *value, unsigned line)
{
        SecScan *ss = g_ptr_array_index(sc->sections, sc->sections->len - 1);
        dictionary_set(ss->dict, key, value);
        g_array_append_val(ss->lines, line);
}

/* Reads one value: quoted (taken literally) or unquoted (up to a comment, trimmed).
 * Returns NULL after reporting a problem. */
static char *scan_value(Report *r, unsigned line, char *v)
{
        v = str_trim(v);
        if (v[0] == '"' || v[0] == '\'') {
                char *close = strchr(v + 1, v[0]);
                if (!close) {
                        report(r, line, "the value opens a %s quote that is never closed",
                               v[0] == '"' ? "double" : "single");
                        return NULL;
                }
                char *rest = str_trim(close + 1);
                if (*rest && *rest != '#' && *rest != ';') {
                        report(r, line, "text after the closing quote: put the whole value "
                                        "inside the quotes, or start a comment with '#'");
                        return NULL;
                }
                return g_strndup(v + 1, (size_t)(close - v - 1));
        }
        v[strcspn(v, "#;")] = '\0';
        return g_strdup(str_trim(v));
}

static void scan_line(Scan *sc, Report *r, char *text, unsigned line, char **section,
                      unsigned *section_line, GHashTable *seen)
{
        char *s = str_trim(text);
        if (!*s || *s == '#' || *s == ';')
                return;

        if (*s == '[') {
                char *close = strchr(s, ']');
                g_free(*section);
                *section = NULL;
                /* Even a broken header is a header: its keys are not "before any section". */
                *section_line = line;
                if (!close) {
                        report(r, line, "a section header needs a closing ']', as in [therapy]");
                        return;
                }
                char *rest = str_trim(close + 1);
                if (*rest && *rest != '#' && *rest != ';') {
                        report(r, line, "unexpected text after the section header");
                        return;
                }
                *close = '\0';
                char *name = str_trim(s + 1);
                if (!section_name_ok(name)) {
                        report(r, line, "'%s' is not a valid section name: use letters, digits, "
                                        "'-', '_' and '.'", name);
                        return;
                }
                g_autofree char *id = g_ascii_strdown(name, -1);
                unsigned first = GPOINTER_TO_UINT(g_hash_table_lookup(seen, id));
                if (first) {
                        report(r, line, "section [%s] appears a second time (first on line %u): "
                                        "keep one and merge their keys", id, first);
                        return;
                }
                g_hash_table_insert(seen, g_strdup(id), GUINT_TO_POINTER(line));
                SecScan *ss = g_new0(SecScan, 1);
                ss->dict = dictionary_new(16);
                ss->lines = g_array_new(FALSE, FALSE, sizeof(unsigned));
                ss->spelling = g_strdup(name);
                g_ptr_array_add(sc->sections, ss);
                scan_add(sc, id, NULL, line);
                *section = g_steal_pointer(&id);
                *section_line = line;
                return;
        }

        char *eq = strchr(s, '=');
        if (!eq) {
                report(r, line, "expected 'key = value', a [section] header, or a comment "
                                "starting with '#'");
                return;
        }
        *eq = '\0';
        char *key = str_trim(s);
        if (!*key) {
                report(r, line, "a key name is missing before '='");
                return;
        }
        g_autofree char *lkey = g_ascii_strdown(key, -1);
        if (!key_name_ok(lkey)) {
                report(r, line, "'%s' is not a valid key name", key);
                return;
        }
        g_autofree char *value = scan_value(r, line, eq + 1);
        if (!value)
                return;
        if (!*section) {
                /* A header that failed leaves its keys without a home: say so only when
                 * there was no header at all, not once more per key. */
                if (*section_line == 0)
                        report(r, line, "'%s' comes before any [section]: put it under "
                                        "[defaults] or under a session's header", lkey);
                return;
        }
        g_autofree char *full = g_strconcat(*section, ":", lkey, NULL);
        unsigned first = GPOINTER_TO_UINT(g_hash_table_lookup(seen, full));
        if (first) {
                report(r, line, "'%s' is set a second time in [%s] (first on line %u): keep one",
                       lkey, *section, first);
                return;
        }
        g_hash_table_insert(seen, g_strdup(full), GUINT_TO_POINTER(line));
        scan_add(sc, full, value, line);
}

static void scan_buf(Scan *sc, Report *r, const char *buf, size_t len)
{
        g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
        g_autofree char *section = NULL;
        unsigned section_line = 0;
        unsigned line = 0;
        unsigned binary_lines = 0;
        size_t start = 0;

        /* Some editors begin UTF-8 files with a byte order mark: it is not part of line 1. */
        if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
                start = 3;
        for (size_t pos = start; pos < len;) {
                const char *nl = memchr(buf + pos, '\n', len - pos);
                size_t n = nl ? (size_t)(nl - (buf + pos)) : len - pos;
                const char *text = buf + pos;
                pos += n + (nl ? 1 : 0);
                line++;
                if (n > 0 && text[n - 1] == '\r')
                        n--;

                const char *bad = NULL;
                if (memchr(text, '\0', n)) {
                        report(r, line, "holds a NUL byte: the schedule must be plain text");
                        bad = text;
                } else if (!g_utf8_validate_len(text, n, &bad)) {
                        report(r, line, "is not valid UTF-8 (at byte %zu of the line): save the "
                                        "file as UTF-8", (size_t)(bad - text) + 1);
                } else if (n > SCHEDFILE_MAX_LINE) {
                        report(r, line, "is %zu bytes long; lines may hold at most %d", n,
                               SCHEDFILE_MAX_LINE);
                        bad = text;
                } else {
                        bad = NULL;
                }
                if (bad) {
                        /* A binary file would give one message per line; a few prove it. */
                        if (++binary_lines >= 20) {
                                report(r, 0, "this does not look like a schedule file: stopped "
                                             "reading after line %u", line);
                                return;
                        }
                        continue;
                }
                g_autofree char *copy = g_strndup(text, n);
                scan_line(sc, r, copy, line, &section, &section_line, seen);
        }
}

/* ---- keys ------------------------------------------------------------------------------- */

typedef enum {
        K_TITLE, K_WEEKLY, K_MONTHLY, K_ONCE, K_EVERY, K_START, K_UNTIL, K_SKIP,
        K_REMIND, K_DURATION, K_TIMEZONE, K_NOTES, K_PRIVACY, K_PROMPT, K_COUNT
} KeyId;

static const struct {
        const char *name;
        bool in_defaults;
} keys[K_COUNT] = {
        [K_TITLE] = {"title", false},     [K_WEEKLY] = {"weekly", false},
        [K_MONTHLY] = {"monthly", false}, [K_ONCE] = {"once", false},
        [K_EVERY] = {"every", false},     [K_START] = {"start", false},
        [K_UNTIL] = {"until", false},     [K_SKIP] = {"skip", false},
        [K_REMIND] = {"remind", true},    [K_DURATION] = {"duration", true},
        [K_TIMEZONE] = {"timezone", true}, [K_NOTES] = {"notes", true},
        [K_PRIVACY] = {"privacy", true},  [K_PROMPT] = {"prompt", true},
};

static size_t edit_distance(const char *a, const char *b)
{
        size_t la = strlen(a), lb = strlen(b);
        if (la > 32 || lb > 32)
                return SIZE_MAX;
        size_t row[33];
        for (size_t j = 0; j <= lb; j++)
                row[j] = j;
        for (size_t i = 1; i <= la; i++) {
                size_t diag = row[0];
                row[0] = i;
                for (size_t j = 1; j <= lb; j++) {
                        size_t up = row[j];
                        size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
                        row[j] = MIN(MIN(row[j] + 1, row[j - 1] + 1), diag + cost);
                        diag = up;
                }
        }
        return row[lb];
}

static void report_unknown_key(Report *r, unsigned line, const char *key, bool defaults)
{
        const char *best = NULL;
        size_t best_d = SIZE_MAX;
        for (int k = 0; k < K_COUNT; k++) {
                size_t d = edit_distance(key, keys[k].name);
                if (d < best_d) {
                        best_d = d;
                        best = keys[k].name;
                }
        }
        if (best && best_d <= 2)
                report(r, line, "unknown key '%s' (did you mean '%s'?)", key, best);
        else if (defaults)
                report(r, line, "unknown key '%s': [defaults] takes remind, duration, timezone, "
                                "notes, privacy and prompt", key);
        else
                report(r, line, "unknown key '%s': a session takes title, weekly, monthly, once, "
                                "every, start, until, skip, remind, duration, timezone, notes, "
                                "privacy and prompt", key);
}

static int cmp_i64_config(const void *a, const void *b)
{
        int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
        return (x > y) - (x < y);
}

/* ---- values ------------------------------------------------------------------------------- */

#define HINT_TIME "write the time as HH:MM, 24-hour (14:00, 09:30)"
#define HINT_DATE "write dates as YYYY-MM-DD (2026-12-01)"
#define HINT_LEAD "write lead times like 1w, 1d, 2h, 30m, 1h30m or 0m, at most 4w"

/* Splits on commas and blanks; empty pieces dropped. */
static char **split_words(const char *v)
{
        char **parts = g_strsplit_set(v, ", \t", -1);
        size_t n = 0;
        for (size_t i = 0; parts[i]; i++) {
                if (*parts[i])
                        parts[n++] = parts[i];
                else
                        g_free(parts[i]);
        }
        parts[n] = NULL;
        return parts;
}

static bool parse_weekly(Report *r, unsigned line, const char *v, Series *s)
{
        g_auto(GStrv) w = split_words(v);
        size_t n = g_strv_length(w);
        if (n < 2) {
                report(r, line, "weekly needs one or more weekdays and a time, as in 'Tue 14:00' "
                                "or 'Mon, Thu 09:30'");
                return false;
        }
        bool ok = true;
        unsigned mask = 0;
        for (size_t i = 0; i + 1 < n; i++) {
                int wd;
                if (parse_weekday(w[i], &wd) < 0) {
                        report(r, line, "'%s' is not a weekday: use Mon, Tue, Wed, Thu, Fri, Sat, "
                                        "Sun or the full English names", w[i]);
                        ok = false;
                } else {
                        mask |= 1u << wd;
                }
        }
        int minute;
        if (parse_hhmm(w[n - 1], &minute) < 0) {
                report(r, line, "'%s' is not a time: %s", w[n - 1], HINT_TIME);
                ok = false;
        }
        if (!ok)
                return false;
        s->kind = REPEAT_WEEKLY;
        s->weekdays = mask;
        s->minute = minute;
        return true;
}

static int parse_ordinal(const char *w)
{
        static const char *const short_names[] = {"1st", "2nd", "3rd", "4th", "5th"};
        static const char *const long_names[] = {"first", "second", "third", "fourth", "fifth"};
        for (int i = 0; i < 5; i++)
                if (!g_ascii_strcasecmp(w, short_names[i]) || !g_ascii_strcasecmp(w, long_names[i]))
                        return i + 1;
        if (!g_ascii_strcasecmp(w, "last"))
                return -1;
        return 0;
}

static bool parse_monthly(Report *r, unsigned line, const char *v, Series *s)
{
        g_auto(GStrv) w = split_words(v);
        size_t n = g_strv_length(w);
        bool ok = true;
        int minute = 0;
        if (n == 2 && parse_ordinal(w[0]) != 0) {
                report(r, line, "monthly '%s' needs a weekday and a time, as in '%s Wed 17:00'",
                       v, w[0]);
                return false;
        }
        if (n == 2) {
                int mday;
                /* "05" reads as the 5th, as people write dates. */
                const char *day = (w[0][0] == '0' && w[0][1]) ? w[0] + 1 : w[0];
                if (parse_uint_range(day, 1, 31, &mday) < 0) {
                        report(r, line, "'%s' is not a day of the month: use 1 to 31, as in "
                                        "'15 09:00'", w[0]);
                        ok = false;
                }
                if (parse_hhmm(w[1], &minute) < 0) {
                        report(r, line, "'%s' is not a time: %s", w[1], HINT_TIME);
                        ok = false;
                }
                if (!ok)
                        return false;
                s->kind = REPEAT_MONTHLY_DAY;
                s->mday = mday;
        } else if (n == 3) {
                int nth = parse_ordinal(w[0]), wd = 0;
                if (nth == 0) {
                        report(r, line, "'%s' is not 1st, 2nd, 3rd, 4th, 5th or last", w[0]);
                        ok = false;
                }
                if (parse_weekday(w[1], &wd) < 0) {
                        report(r, line, "'%s' is not a weekday: use Mon, Tue, Wed, Thu, Fri, Sat, "
                                        "Sun or the full English names", w[1]);
                        ok = false;
                }
                if (parse_hhmm(w[2], &minute) < 0) {
                        report(r, line, "'%s' is not a time: %s", w[2], HINT_TIME);
                        ok = false;
                }
                if (!ok)
                        return false;
                s->kind = REPEAT_MONTHLY_NTH;
                s->nth = nth;
                s->weekday = wd;
        } else {
                report(r, line, "monthly takes a weekday of the month and a time ('2nd Wed 17:00', "
                                "'last Fri 10:00') or a day of the month and a time ('15 09:00')");
                return false;
        }
        s->minute = minute;
        return true;
}

static int cmp_local(const void *a, const void *b)
{
        const LocalTime *x = a, *y = b;
        int64_t dx = civil_days(x->date), dy = civil_days(y->date);
        if (dx != dy)
                return (dx > dy) - (dx < dy);
        return (x->minute > y->minute) - (x->minute < y->minute);
}

static bool parse_once(Report *r, unsigned line, const char *v, Series *s)
{
        g_auto(GStrv) items = g_strsplit(v, ",", -1);
        GArray *out = g_array_new(FALSE, FALSE, sizeof(LocalTime));
        bool ok = true;
        for (size_t i = 0; items[i]; i++) {
                g_auto(GStrv) w = split_words(items[i]);
                LocalTime lt;
                if (g_strv_length(w) != 2 || parse_date(w[0], &lt.date) < 0 ||
                    parse_hhmm(w[1], &lt.minute) < 0) {
                        report(r, line, "'%s' is not a date and time: write 'YYYY-MM-DD HH:MM' "
                                        "(2026-12-02 09:30), several separated by commas",
                               str_trim(items[i]));
                        ok = false;
                        continue;
                }
                g_array_append_val(out, lt);
        }
        if (ok && out->len == 0) {
                report(r, line, "once needs at least one date and time, as in '2026-12-02 09:30'");
                ok = false;
        }
        if (!ok) {
                g_array_free(out, TRUE);
                return false;
        }
        g_array_sort(out, cmp_local);
        size_t n = 0;
        LocalTime *lts = (LocalTime *)(void *)out->data;
        for (size_t i = 0; i < out->len; i++)
                if (n == 0 || cmp_local(&lts[n - 1], &lts[i]) != 0)
                        lts[n++] = lts[i];
        s->kind = REPEAT_ONCE;
        s->n_once = n;
        s->once = (LocalTime *)(void *)g_array_free(out, FALSE);
        return true;
}

static bool parse_skip(Report *r, unsigned line, const char *v, Series *s)
{
        g_auto(GStrv) w = split_words(v);
        size_t n = g_strv_length(w);
        if (n == 0) {
                report(r, line, "skip needs one or more dates: %s", HINT_DATE);
                return false;
        }
        int64_t *days = g_new(int64_t, n);
        bool ok = true;
        for (size_t i = 0; i < n; i++) {
                Ymd d;
                if (parse_date(w[i], &d) < 0) {
                        report(r, line, "'%s' is not a date: %s", w[i], HINT_DATE);
                        ok = false;
                } else {
                        days[i] = civil_days(d);
                }
        }
        if (!ok) {
                g_free(days);
                return false;
        }
        qsort(days, n, sizeof(int64_t), cmp_i64_config);
        s->skip = days;
        s->n_skip = n;
        return true;
}

static bool parse_remind(Report *r, unsigned line, const char *v, Lead *leads, size_t *n_leads)
{
        g_auto(GStrv) items = g_strsplit(v, ",", -1);
        size_t n = 0;
        bool ok = true;
        for (size_t i = 0; items[i]; i++) {
                char *item = str_trim(items[i]);
                if (!*item && !items[i + 1] && i > 0)
                        break; /* a trailing comma */
                if (!*item) {
                        report(r, line, "an empty lead time between commas: %s", HINT_LEAD);
                        ok = false;
                        continue;
                }
                if (n == SCHEDULE_MAX_LEADS) {
                        report(r, line, "at most %d lead times per session", SCHEDULE_MAX_LEADS);
                        return false;
                }
                if (parse_lead(item, &leads[n]) < 0) {
                        report(r, line, "'%s' is not a lead time: %s", item, HINT_LEAD);
                        ok = false;
                        continue;
                }
                n++;
        }
        if (ok && n == 0) {
                report(r, line, "remind needs at least one lead time: %s", HINT_LEAD);
                ok = false;
        }
        if (ok)
                *n_leads = n;
        return ok;
}

/* ---- the semantic pass --------------------------------------------------------------------- */

typedef struct {
        const char *id;
        unsigned line;                 /* of the header */
        const char *value[K_COUNT];    /* NULL when not set */
        unsigned vline[K_COUNT];
} Section;

/* What [defaults] gives every session. */
typedef struct {
        Lead leads[SCHEDULE_MAX_LEADS];
        size_t n_leads;
        int64_t duration;
        Tz *tz;
        const char *notes;
        bool privacy;
        const char *prompt;
} Defaults;

static bool check_text(Report *r, unsigned line, const char *key, const char *v, size_t max)
{
        if (!*v) {
                report(r, line, "%s is empty: give it a value or remove the line", key);
                return false;
        }
        if (strlen(v) > max) {
                report(r, line, "%s is %zu bytes long; at most %zu are allowed", key, strlen(v), max);
                return false;
        }
        return true;
}

/* Sessions in one zone share one Tz, and so its cache of offsets. */
static Tz *parse_tz(Report *r, GHashTable *zones, unsigned line, const char *v)
{
        Tz *tz = g_hash_table_lookup(zones, v);
        if (tz)
                return tz_ref(tz);
        tz = *v ? tz_new(v) : NULL;
        if (tz)
                g_hash_table_insert(zones, g_strdup(v), tz_ref(tz));
        if (!tz)
                report(r, line, "unknown time zone '%s': use an IANA name such as Europe/Berlin or "
                                "America/New_York (listed under /usr/share/zoneinfo)", v);
        return tz;
}

/* Keys shared by [defaults] and sessions; fills `d` from `sec`. */
static bool parse_common(Report *r, GHashTable *zones, const Section *sec, Defaults *d)
{
        bool ok = true;
        const char *v;
        if ((v = sec->value[K_REMIND]))
                ok &= parse_remind(r, sec->vline[K_REMIND], v, d->leads, &d->n_leads);
        if ((v = sec->value[K_DURATION]) && parse_duration(v, &d->duration) < 0) {
                report(r, sec->vline[K_DURATION], "'%s' is not a duration: use 1m to 12h, as in "
                                                  "50m, 1h or 1h30m", v);
                ok = false;
        }
        if ((v = sec->value[K_TIMEZONE])) {
                Tz *tz = parse_tz(r, zones, sec->vline[K_TIMEZONE], v);
                if (tz) {
                        tz_unref(d->tz);
                        d->tz = tz;
                } else {
                        ok = false;
                }
        }
        if ((v = sec->value[K_NOTES])) {
                ok &= check_text(r, sec->vline[K_NOTES], "notes", v, NOTES_MAX);
                d->notes = v;
        }
        if ((v = sec->value[K_PRIVACY]) && parse_bool(v, &d->privacy) < 0) {
                report(r, sec->vline[K_PRIVACY], "'%s' is not on or off (yes/no, true/false and "
                                                 "1/0 work too)", v);
                ok = false;
        }
        if ((v = sec->value[K_PROMPT])) {
                ok &= check_text(r, sec->vline[K_PROMPT], "prompt", v, PROMPT_MAX);
                d->prompt = v;
        }
        return ok;
}

static bool build_series(Report *r, GHashTable *zones, const Section *sec,
                         const Defaults *defaults, const char *spelling, Series *s)
{
        Defaults d = *defaults;
        d.tz = tz_ref(defaults->tz);
        bool ok = parse_common(r, zones, sec, &d);
        const char *v;

        s->id = g_strdup(sec->id);
        s->every = 1;
        if ((v = sec->value[K_TITLE]))
                ok &= check_text(r, sec->vline[K_TITLE], "title", v, TITLE_MAX);
        s->title = g_strdup(v ? v : spelling);

        KeyId kind = K_COUNT;
        for (KeyId k = K_WEEKLY; k <= K_ONCE; k++) {
                if (!sec->value[k])
                        continue;
                if (kind != K_COUNT) {
                        report(r, sec->vline[k], "[%s] already has %s (line %u): a session is "
                                                 "weekly, monthly or once, not several",
                               sec->id, keys[kind].name, sec->vline[kind]);
                        ok = false;
                        continue;
                }
                kind = k;
        }
        if (kind == K_WEEKLY)
                ok &= parse_weekly(r, sec->vline[kind], sec->value[kind], s);
        else if (kind == K_MONTHLY)
                ok &= parse_monthly(r, sec->vline[kind], sec->value[kind], s);
        else if (kind == K_ONCE)
                ok &= parse_once(r, sec->vline[kind], sec->value[kind], s);
        else {
                report(r, sec->line, "[%s] says not when it takes place: add weekly (Tue 14:00), "
                                     "monthly (2nd Wed 17:00) or once (2026-12-02 09:30)", sec->id);
                ok = false;
        }

        if ((v = sec->value[K_EVERY])) {
                if (parse_uint_range(v, 1, 52, &s->every) < 0) {
                        report(r, sec->vline[K_EVERY], "'%s' is not a whole number from 1 to 52", v);
                        ok = false;
                } else if (kind == K_ONCE) {
                        report(r, sec->vline[K_EVERY], "every applies to weekly and monthly "
                                                       "sessions, not to once");
                        ok = false;
                } else if (s->every > 1 && !sec->value[K_START]) {
                        report(r, sec->vline[K_EVERY], "every = %d needs a start date to count "
                                                       "from: add start = YYYY-MM-DD", s->every);
                        ok = false;
                }
        }
        if ((v = sec->value[K_START])) {
                if (parse_date(v, &s->start) < 0) {
                        report(r, sec->vline[K_START], "'%s' is not a date: %s", v, HINT_DATE);
                        ok = false;
                } else {
                        s->has_start = true;
                        s->start_days = civil_days(s->start);
                }
        }
        if ((v = sec->value[K_UNTIL])) {
                if (parse_date(v, &s->until) < 0) {
                        report(r, sec->vline[K_UNTIL], "'%s' is not a date: %s", v, HINT_DATE);
                        ok = false;
                } else {
                        s->has_until = true;
                        s->until_days = civil_days(s->until);
                        if (s->has_start && s->until_days < s->start_days) {
                                report(r, sec->vline[K_UNTIL], "until (%s) is before start (%s)",
                                       v, sec->value[K_START]);
                                ok = false;
                        }
                }
        }
        if ((v = sec->value[K_SKIP]))
                ok &= parse_skip(r, sec->vline[K_SKIP], v, s);

        memcpy(s->leads, d.leads, sizeof(d.leads));
        s->n_leads = d.n_leads;
        s->duration = d.duration;
        s->tz = d.tz;
        s->notes_dir = g_strdup(d.notes);
        s->privacy = d.privacy;
        s->prompt = g_strdup(d.prompt);
        return ok;
}

static void fill_section(Report *r, Section *sec, const char *key, const char *value,
                         unsigned line, bool defaults)
{
        for (int k = 0; k < K_COUNT; k++) {
                if (strcmp(key, keys[k].name) != 0)
                        continue;
                if (defaults && !keys[k].in_defaults) {
                        report(r, line, "'%s' belongs to a session, not to [defaults]", key);
                        return;
                }
                sec->value[k] = value;
                sec->vline[k] = line;
                return;
        }
        report_unknown_key(r, line, key, defaults);
}

static int cmp_series(const void *a, const void *b)
{
        return strcmp(((const Series *)a)->id, ((const Series *)b)->id);
}

Schedule *schedfile_parse_buf(const char *path, const char *buf, size_t len, Tz *local,
                           SchedfileErrors **errors)
{
        Report r = {path, g_array_new(FALSE, FALSE, sizeof(SchedfileError)), 0};
        Scan sc = {g_ptr_array_new_with_free_func(secscan_free)};
        scan_buf(&sc, &r, buf, len);
        g_autoptr(GHashTable) zones = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                                            (GDestroyNotify)tz_unref);

        /* What each section says, and on which lines, from its dictionary. */
        Section *sections = g_new0(Section, MAX(sc.sections->len, 1));
        ssize_t defaults_index = -1;
        for (guint i = 0; i < sc.sections->len; i++) {
                const SecScan *ss = g_ptr_array_index(sc.sections, i);
                const unsigned *lines = (const unsigned *)(void *)ss->lines->data;
                Section *sec = &sections[i];
                sec->id = ss->dict->key[0];
                sec->line = lines[0];
                if (!strcmp(sec->id, "defaults"))
                        defaults_index = i;
                for (ssize_t k = 1; k < ss->dict->size; k++)
                        if (ss->dict->key[k])
                                fill_section(&r, sec, strchr(ss->dict->key[k], ':') + 1,
                                             ss->dict->val[k], lines[k], defaults_index == i);
        }

        Defaults d = {.n_leads = 2, .duration = 50 * 60LL, .tz = tz_ref(local)};
        d.leads[0] = (Lead){1, 0};    /* 1d */
        d.leads[1] = (Lead){0, 3600}; /* 1h */
        if (defaults_index >= 0)
                parse_common(&r, zones, &sections[defaults_index], &d);

        Schedule *sched = schedule_new();
        sched->series = g_new0(Series, MAX(sc.sections->len, 1));
        for (guint i = 0; i < sc.sections->len; i++) {
                if ((ssize_t)i == defaults_index)
                        continue;
                const SecScan *ss = g_ptr_array_index(sc.sections, i);
                build_series(&r, zones, &sections[i], &d, ss->spelling,
                             &sched->series[sched->n_series++]);
        }
        qsort(sched->series, sched->n_series, sizeof(Series), cmp_series);

        tz_unref(d.tz);
        g_free(sections);
        g_ptr_array_free(sc.sections, TRUE);

        if (r.errors->len > 0)
                g_array_sort(r.errors, cmp_error);
        SchedfileErrors *e = report_finish(&r);
        if (e) {
                schedule_free(sched);
                *errors = e;
                return NULL;
        }
        *errors = NULL;
        return sched;
}

/* ---- reading the file ------------------------------------------------------------------------ */

static const FileRules schedule_rules = {
        .what = "schedule",
        .max_size = SCHEDFILE_MAX_SIZE,
        /* A link is followed: a schedule kept in a dotfiles repository is linked into place.
         * NUL bytes and invalid UTF-8 are the scanner's to report, with their lines. */
        .flags = 0,
};

static SchedfileErrors *file_error(const char *path, char *message)
{
        SchedfileErrors *e = g_new0(SchedfileErrors, 1);
        e->path = g_strdup(path);
        e->n_errors = 1;
        e->errors = g_new0(SchedfileError, 1);
        e->errors[0].message = message;
        return e;
}

Schedule *schedfile_load(const char *path, Tz *local, SchedfileErrors **errors, int *errno_out)
{
        g_autofree char *buf = NULL;
        char *why = NULL;
        size_t len = 0;
        int r = fileio_read(path, &schedule_rules, &buf, &len, &why);
        *errno_out = -r;
        if (r < 0) {
                *errors = file_error(path, why);
                return NULL;
        }
        return schedfile_parse_buf(path, buf, len, local, errors);
}
