/* SPDX-License-Identifier: MIT */
/* Expansion of series into sessions and reminders: pure calendar logic. */
#include "config.h"

#include "schedule.h"

#include <stdlib.h>
#include <string.h>

#define DAY 86400LL
/* How far series_next() looks ahead before it gives up: longer than any gap a valid
 * series can have (every 52 months, a 31st that comes back every 7 years...). */
#define NEXT_HORIZON_DAYS (366LL * 60)

Schedule *schedule_new(void)
{
        return g_new0(Schedule, 1);
}

void cal_session_clear(CalSession *c)
{
        tz_unref(c->tz);
        memset(c, 0, sizeof(*c));
}

void calendar_spec_free(CalendarSpec *c)
{
        if (!c)
                return;
        g_free(c->source);
        g_free(c->path);
        g_free(c->url);
        g_free(c->host);
        g_strfreev(c->match);
        g_free(c);
}

static void clear_sessions(Series *s)
{
        for (size_t i = 0; i < s->n_sessions; i++)
                cal_session_clear(&s->sessions[i]);
        g_clear_pointer(&s->sessions, g_free);
        s->n_sessions = 0;
        g_clear_pointer(&s->list, handover_unref);
}

void series_clear(Series *s)
{
        if (!s)
                return;
        calendar_spec_free(s->calendar);
        clear_sessions(s);
        g_free(s->id);
        g_free(s->title);
        g_free(s->once);
        g_free(s->skip);
        g_free(s->notes_dir);
        g_free(s->prompt);
        tz_unref(s->tz);
        memset(s, 0, sizeof(*s));
}

void schedule_free(Schedule *s)
{
        if (!s)
                return;
        for (size_t i = 0; i < s->n_series; i++)
                series_clear(&s->series[i]);
        g_free(s->series);
        g_free(s);
}

static int cmp_i64(const void *a, const void *b)
{
        int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
        return (x > y) - (x < y);
}

/* The reminders of an occurrence whose start, zone and local time are set; `seconds` are
 * those of the start beyond its minute (a calendar's event may start at 14:00:30). */
static void add_reminders(const Series *s, int64_t date_days, int seconds, Occurrence *out)
{
        out->n_reminders = 0;
        for (size_t i = 0; i < s->n_leads; i++) {
                const Lead *l = &s->leads[i];
                int64_t base = out->start;
                /* Calendar days count back from the time as written, then resolve. */
                if (l->days > 0)
                        base = tz_resolve_days(out->tz, date_days - l->days, out->local.minute) +
                               seconds;
                out->reminders[out->n_reminders++] = base - l->seconds;
        }
        /* At most eight: an insertion sort. */
        for (size_t i = 1; i < out->n_reminders; i++) {
                int64_t r = out->reminders[i];
                size_t j = i;
                for (; j > 0 && out->reminders[j - 1] > r; j--)
                        out->reminders[j] = out->reminders[j - 1];
                out->reminders[j] = r;
        }
        size_t n = 0;
        for (size_t i = 0; i < out->n_reminders; i++)
                if (n == 0 || out->reminders[n - 1] != out->reminders[i])
                        out->reminders[n++] = out->reminders[i];
        out->n_reminders = n;
}

/* series_occurrence() with the date also as civil_days(): expansion has both at hand. */
static void occurrence_at(const Series *s, LocalTime local, int64_t date_days, Occurrence *out)
{
        out->series = s;
        out->title = s->title;
        out->tz = s->tz;
        out->uid = NULL;
        out->local = local;
        out->start = tz_resolve_days(s->tz, date_days, local.minute);
        out->end = out->start + s->duration;
        out->checkin = s->has_checkin ? out->end + s->checkin : INT64_MIN;
        add_reminders(s, date_days, 0, out);
}

const char *series_session_title(const Series *s, const CalSession *c)
{
        return s->has_title || !c->title || !*c->title ? s->title : c->title;
}

/* The occurrence of a calendar's session: its own instant, zone, title and uid; local
 * time, leads and skip in the event's zone. */
static void occurrence_of_session(const Series *s, const CalSession *c, int64_t date_days,
                                  int second_of_day, Occurrence *out)
{
        out->series = s;
        out->title = series_session_title(s, c);
        out->tz = c->tz;
        out->uid = c->uid;
        out->local = (LocalTime){civil_from_days(date_days), second_of_day / 60};
        out->start = c->start;
        out->end = c->end;
        out->checkin = s->has_checkin ? out->end + s->checkin : INT64_MIN;
        add_reminders(s, date_days, second_of_day % 60, out);
}

void series_occurrence(const Series *s, LocalTime local, Occurrence *out)
{
        memset(out, 0, sizeof(*out));
        occurrence_at(s, local, civil_days(local.date), out);
}

static bool skipped(const Series *s, int64_t days)
{
        return s->n_skip > 0 && bsearch(&days, s->skip, s->n_skip, sizeof(int64_t), cmp_i64);
}

static bool date_allowed(const Series *s, int64_t days)
{
        if (s->has_start && days < s->start_days)
                return false;
        if (s->has_until && days > s->until_days)
                return false;
        return !skipped(s, days);
}

/* Emits the occurrence on a local date if its start lies in [from, to); returns false
 * when the callback asked to stop. */
static bool emit(const Series *s, int64_t days, int minute, int64_t from, int64_t to,
                 OccurrenceFn fn, void *userdata)
{
        if (!date_allowed(s, days))
                return true;
        Occurrence o;
        occurrence_at(s, (LocalTime){civil_from_days(days), minute}, days, &o);
        if (o.start < from || o.start >= to)
                return true;
        return fn(&o, userdata);
}

/* ---- calendar series ------------------------------------------------------------------ */

static int cmp_session(const void *a, const void *b)
{
        const CalSession *x = a, *y = b;
        if (x->start != y->start)
                return (x->start > y->start) - (x->start < y->start);
        return strcmp(x->uid, y->uid);
}

/* The zone named `name`, shared through `zones`; the series' own when there is no such
 * zone (the reader names only zones it knows, but this machine's data may differ). */
static Tz *session_zone(const Series *s, GHashTable *zones, const char *name)
{
        Tz *tz = name ? g_hash_table_lookup(zones, name) : NULL;
        if (tz)
                return tz_ref(tz);
        tz = name && *name ? tz_new(name) : NULL;
        if (!tz)
                return tz_ref(s->tz);
        g_hash_table_insert(zones, g_strdup(name), tz_ref(tz));
        return tz;
}

static bool sessions_sorted(const CalSession *c, size_t n)
{
        for (size_t i = 1; i < n; i++)
                if (cmp_session(&c[i - 1], &c[i]) > 0)
                        return false;
        return true;
}

void series_set_sessions(Series *s, Handover *h, GHashTable *zones)
{
        /* Without a table of the caller's, one for this call: a zone file is read once, not
         * once per session. */
        g_autoptr(GHashTable) own = zones ? NULL
                                          : g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                                                  (GDestroyNotify)tz_unref);
        if (!zones)
                zones = own;
        /* h may be the list the series holds: taken before that one is let go. */
        Handover *list = h ? handover_ref(h) : NULL;
        clear_sessions(s);
        s->list = list;
        guint n = h && h->sessions ? h->sessions->len : 0;
        CalSession *out = g_new0(CalSession, n + 1);
        for (guint i = 0; i < n; i++) {
                const HandoverSession *hs = &g_array_index(h->sessions, HandoverSession, i);
                out[i] = (CalSession){
                        .start = hs->start,
                        .end = MAX(hs->end, hs->start),
                        .tz = session_zone(s, zones, hs->zone),
                        .uid = hs->uid ? hs->uid : "",
                        .title = hs->summary ? hs->summary : "",
                };
        }
        /* A list parsed from the reader is in order already; one built otherwise may not. */
        if (!sessions_sorted(out, n))
                qsort(out, n, sizeof(CalSession), cmp_session);
        size_t kept = 0;
        for (guint i = 0; i < n; i++) {
                if (kept > 0 && out[kept - 1].start == out[i].start)
                        cal_session_clear(&out[i]);
                else
                        out[kept++] = out[i];
        }
        s->sessions = out;
        s->n_sessions = kept;
}

/* The index of the first session that starts at or after `t`. */
static size_t first_session_from(const Series *s, int64_t t)
{
        size_t lo = 0, hi = s->n_sessions;
        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (s->sessions[mid].start < t)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        return lo;
}

bool series_session_index(const Series *s, int64_t start, size_t *index)
{
        size_t i = first_session_from(s, start);
        if (i >= s->n_sessions || s->sessions[i].start != start)
                return false;
        *index = i;
        return true;
}

static void expand_calendar(const Series *s, int64_t from, int64_t to, OccurrenceFn fn,
                            void *userdata)
{
        for (size_t i = first_session_from(s, from); i < s->n_sessions; i++) {
                const CalSession *c = &s->sessions[i];
                if (c->start >= to)
                        return;
                Ymd date;
                int second;
                tz_local(c->tz, c->start, &date, &second);
                int64_t days = civil_days(date);
                if (!date_allowed(s, days))
                        continue;
                Occurrence o;
                occurrence_of_session(s, c, days, second, &o);
                if (!fn(&o, userdata))
                        return;
        }
}

static int64_t monday_of(int64_t days)
{
        return days - (civil_weekday(days) - 1);
}

static void expand_weekly(const Series *s, int64_t lo, int64_t hi, int64_t from, int64_t to,
                          OccurrenceFn fn, void *userdata)
{
        int64_t first_monday = s->has_start ? monday_of(s->start_days) : 0;
        int wd = civil_weekday(lo);
        for (int64_t d = lo; d <= hi; d++, wd = wd == 7 ? 1 : wd + 1) {
                if (!(s->weekdays & (1u << wd)))
                        continue;
                if (s->every > 1) {
                        int64_t weeks = (monday_of(d) - first_monday) / 7;
                        if (weeks < 0 || weeks % s->every != 0)
                                continue;
                }
                if (!emit(s, d, s->minute, from, to, fn, userdata))
                        return;
        }
}

/* The day of the month of a monthly series in year y, month m; 0 if that month has none. */
static int monthly_day(const Series *s, int y, int m)
{
        int dim = civil_days_in_month(y, m);
        if (s->kind == REPEAT_MONTHLY_DAY)
                return s->mday <= dim ? s->mday : 0;
        if (s->nth > 0) {
                int w1 = civil_weekday(civil_days((Ymd){y, m, 1}));
                int day = 1 + (s->weekday - w1 + 7) % 7 + (s->nth - 1) * 7;
                return day <= dim ? day : 0;
        }
        int wl = civil_weekday(civil_days((Ymd){y, m, dim}));
        return dim - (wl - s->weekday + 7) % 7;
}

static void expand_monthly(const Series *s, int64_t lo, int64_t hi, int64_t from, int64_t to,
                           OccurrenceFn fn, void *userdata)
{
        Ymd a = civil_from_days(lo), b = civil_from_days(hi);
        int first = s->has_start ? s->start.y * 12 + (s->start.m - 1) : 0;
        for (int mi = a.y * 12 + (a.m - 1); mi <= b.y * 12 + (b.m - 1); mi++) {
                if (s->every > 1 && ((mi - first) < 0 || (mi - first) % s->every != 0))
                        continue;
                int y = mi / 12, m = mi % 12 + 1;
                int day = monthly_day(s, y, m);
                if (day == 0)
                        continue;
                int64_t d = civil_days((Ymd){y, m, day});
                if (d < lo || d > hi)
                        continue;
                if (!emit(s, d, s->minute, from, to, fn, userdata))
                        return;
        }
}

void series_expand(const Series *s, int64_t from, int64_t to, OccurrenceFn fn, void *userdata)
{
        if (from >= to)
                return;
        if (s->kind == REPEAT_CALENDAR) {
                expand_calendar(s, from, to, fn, userdata);
                return;
        }
        /* Local dates whose sessions can start in [from, to): the instants' own local dates,
         * widened by two days for gaps and for zones far from UTC. */
        Ymd date;
        tz_local(s->tz, from, &date, NULL);
        int64_t lo = civil_days(date) - 2;
        tz_local(s->tz, to, &date, NULL);
        int64_t hi = civil_days(date) + 2;
        if (s->has_start && lo < s->start_days)
                lo = s->start_days;
        if (s->has_until && hi > s->until_days)
                hi = s->until_days;
        /* Dates are written with four-digit years: the calendar ends with 9999. */
        hi = MIN(hi, civil_days((Ymd){9999, 12, 31}));
        if (lo > hi)
                return;

        switch (s->kind) {
        case REPEAT_WEEKLY:
                expand_weekly(s, lo, hi, from, to, fn, userdata);
                break;
        case REPEAT_MONTHLY_NTH:
        case REPEAT_MONTHLY_DAY:
                expand_monthly(s, lo, hi, from, to, fn, userdata);
                break;
        case REPEAT_CALENDAR:
                break;
        case REPEAT_ONCE:
                for (size_t i = 0; i < s->n_once; i++) {
                        int64_t d = civil_days(s->once[i].date);
                        if (d < lo || d > hi)
                                continue;
                        if (!emit(s, d, s->once[i].minute, from, to, fn, userdata))
                                return;
                }
                break;
        }
}

static int cmp_occurrence(const void *a, const void *b)
{
        const Occurrence *x = a, *y = b;
        if (x->start != y->start)
                return (x->start > y->start) - (x->start < y->start);
        return strcmp(x->series->id, y->series->id);
}

static bool collect(const Occurrence *o, void *userdata)
{
        g_array_append_val((GArray *)userdata, *o);
        return true;
}

/* LSD radix sort, a byte at a time; bytes that are the same in every key cost one pass of
 * counting. A year of a thousand series is tens of thousands of keys. */
static void radix_sort_u64(uint64_t *keys, size_t n)
{
        uint64_t *tmp = g_new(uint64_t, n + 1), *a = keys, *b = tmp;
        for (int shift = 0; shift < 64; shift += 8) {
                size_t count[257] = {0};
                for (size_t i = 0; i < n; i++)
                        count[((a[i] >> shift) & 0xff) + 1]++;
                if (count[((a[0] >> shift) & 0xff) + 1] == n)
                        continue;
                for (int d = 0; d < 256; d++)
                        count[d + 1] += count[d];
                for (size_t i = 0; i < n; i++)
                        b[count[(a[i] >> shift) & 0xff]++] = a[i];
                uint64_t *t = a;
                a = b;
                b = t;
        }
        if (a != keys)
                memcpy(keys, a, n * sizeof(uint64_t));
        g_free(tmp);
}

GArray *schedule_expand(const Schedule *s, int64_t from, int64_t to)
{
        GArray *all = g_array_new(FALSE, FALSE, sizeof(Occurrence));
        size_t *first = g_new(size_t, s->n_series + 1); /* where each series begins in all */
        for (size_t i = 0; i < s->n_series; i++) {
                first[i] = all->len;
                series_expand(&s->series[i], from, to, collect, all);
                /* Local order is instant order, but for times in a daylight-saving gap:
                 * `once` 02:30 moves past a 03:00 of the same day. */
                size_t n = all->len - first[i];
                if (n < 2)
                        continue; /* (and all->data may still be NULL) */
                Occurrence *run = &g_array_index(all, Occurrence, first[i]);
                for (size_t k = 1; k < n; k++) {
                        if (run[k - 1].start > run[k].start) {
                                qsort(run, n, sizeof(Occurrence), cmp_occurrence);
                                break;
                        }
                }
        }
        /* Occurrences are large, and each series' come out in order already: sort small
         * keys (start, then series, which are in id order), then take each series' next. */
        bool packed = s->n_series < (1u << 24) && to - from < ((int64_t)1 << 39);
        uint64_t *keys = g_new(uint64_t, all->len + 1);
        for (guint i = 0; i < all->len && packed; i++) {
                const Occurrence *o = &g_array_index(all, Occurrence, i);
                keys[i] = (uint64_t)(o->start - from) << 24 | (uint64_t)(o->series - s->series);
        }
        GArray *out = all;
        if (packed) {
                if (all->len > 0)
                        radix_sort_u64(keys, all->len);
                /* keys[i] becomes the index of the occurrence that goes to place i ... */
                for (guint i = 0; i < all->len; i++)
                        keys[i] = first[keys[i] & ((1u << 24) - 1)]++;
                /* ... and the permutation is applied in place, cycle by cycle. */
                Occurrence *o = (Occurrence *)(void *)all->data;
                for (guint i = 0; i < all->len; i++) {
                        if (keys[i] == i || keys[i] == UINT64_MAX)
                                continue;
                        Occurrence held = o[i];
                        guint j = i;
                        while (keys[j] != i) {
                                guint k = (guint)keys[j];
                                o[j] = o[k];
                                keys[j] = UINT64_MAX;
                                j = k;
                        }
                        o[j] = held;
                        keys[j] = UINT64_MAX;
                }
        } else {
                g_array_sort(out, cmp_occurrence);
        }
        g_free(keys);
        g_free(first);
        return out;
}

typedef struct {
        Occurrence *out;
        bool found;
} NextCtx;

static bool take_first(const Occurrence *o, void *userdata)
{
        NextCtx *ctx = userdata;
        *ctx->out = *o;
        ctx->found = true;
        return false;
}

bool series_next(const Series *s, int64_t t, Occurrence *out)
{
        NextCtx ctx = {out, false};
        if (s->kind == REPEAT_CALENDAR) {
                /* The sessions are all at hand: no window to grow. */
                series_expand(s, t, INT64_MAX, take_first, &ctx);
                return ctx.found;
        }
        int64_t span = 8;
        for (int64_t done = 0; done < NEXT_HORIZON_DAYS; done += span, span *= 4) {
                int64_t from = t + done * DAY;
                if (s->has_until && from > (s->until_days + 2) * DAY)
                        break;
                series_expand(s, from, from + span * DAY, take_first, &ctx);
                if (ctx.found)
                        return true;
        }
        return false;
}

typedef struct {
        int64_t now;
        Occurrence *occ;
        int64_t best;
        bool found;
} ReminderCtx;

static bool earliest_reminder(const Occurrence *o, void *userdata)
{
        ReminderCtx *ctx = userdata;
        for (size_t i = 0; i < o->n_reminders; i++) {
                int64_t r = o->reminders[i];
                if (r < ctx->now)
                        continue;
                if (!ctx->found || r < ctx->best ||
                    (r == ctx->best && strcmp(o->series->id, ctx->occ->series->id) < 0)) {
                        ctx->best = r;
                        *ctx->occ = *o;
                        ctx->found = true;
                }
                break;
        }
        return true;
}

bool schedule_next_reminder(const Schedule *s, int64_t now, Occurrence *occ, int64_t *instant)
{
        ReminderCtx ctx = {now, occ, 0, false};
        /* A reminder comes at most 4w (plus a daylight-saving hour) before its session, so
         * sessions of the next 31 days hold every reminder of that span ... */
        int64_t horizon = now + 31 * DAY;
        for (size_t i = 0; i < s->n_series; i++)
                series_expand(&s->series[i], now, horizon, earliest_reminder, &ctx);
        /* ... and after that, the first later session of each series is the candidate. */
        for (size_t i = 0; i < s->n_series; i++) {
                Occurrence o;
                if (series_next(&s->series[i], horizon, &o))
                        earliest_reminder(&o, &ctx);
        }
        if (ctx.found)
                *instant = ctx.best;
        return ctx.found;
}

bool schedule_next_session(const Schedule *s, int64_t now, Occurrence *occ)
{
        bool found = false;
        for (size_t i = 0; i < s->n_series; i++) {
                Occurrence o;
                if (!series_next(&s->series[i], now, &o))
                        continue;
                if (!found || o.start < occ->start) {
                        *occ = o;
                        found = true;
                }
        }
        return found;
}
