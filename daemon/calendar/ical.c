/* SPDX-License-Identifier: MIT */
/* Reading iCalendar with libical: versions, cancellations, recurrence with overrides and
 * zones, bounded by the window and by caps, into a hand-over list. */
#include "config.h"

#include "ical.h"

#include <errno.h>
#include <libical/ical.h>
#include <string.h>

#include "civil.h"
#include "windows-zones.h"

#define DAY 86400
/* Components nest three deep in real calendars (VCALENDAR, VEVENT, VALARM); libical frees
 * and prints them recursively, so a deeper text is refused before it is parsed. */
#define MAX_DEPTH 8
/* 16 MiB holds at most ~100,000 small events; more components than this is junk. */
#define MAX_COMPONENTS 250000
/* Instances one RRULE may generate (those before the window count too), and all rules
 * together: a never-ending FREQ=SECONDLY stops here, not at the end of time. */
#define RULE_ITERATIONS 100000
#define TOTAL_ITERATIONS 3000000

typedef enum { Z_UTC, Z_FLOAT, Z_IANA, Z_VTZ } ZoneKind;

typedef struct {
        ZoneKind kind;
        Tz *tz;              /* Z_IANA, and the section's zone for Z_FLOAT; borrowed */
        icaltimezone *vtz;   /* Z_VTZ; owned by the calendar component */
        const char *own;     /* the event's own IANA zone, or NULL: the section's */
} Zone;

/* One VEVENT. libical takes ~4.5 KB per small event (570 MB for a 16 MiB file of them),
 * so each is parsed alone from its span of the text, read into this, and freed; only the
 * versions that count are parsed again, one at a time, to be expanded. */
typedef struct {
        char *span;          /* its text, within the prepared text (which outlives it) */
        size_t span_len;
        icalcomponent *comp; /* the parsed VEVENT, only while it is being read */
        icalcomponent *cal;  /* its VCALENDAR's properties and VTIMEZONEs */
        char *uid, *summary;
        bool cancelled, allday, has_rid, rid_known;
        int seq;
        int64_t dtstamp, rid;
        unsigned order;
        char *key;     /* uid and which instance: versions of one thing share it */
        char *problem; /* why it cannot be read, or NULL */
} Ev;

/* A session found, its strings borrowed from its Ev and the zone table. */
typedef struct {
        int64_t start, end, rid;
        const char *zone, *uid, *summary;
} Pending;

typedef struct {
        const IcalSettings *set;
        GArray *pending;       /* of Pending */
        char **folded;         /* casefolded match phrases */
        GHashTable *zones;     /* name -> Tz*, or a NULL value: not a zone */
        Handover *out;
        uint64_t iterations;
        bool full; /* sessions beyond HANDOVER_MAX_SESSIONS were left out */
} Ctx;

/* libical's parser grows a line by appending to it with strlen() each time: quadratic, a
 * minute for one 16 MiB line. Longer lines are cut (the properties read here) or left
 * out (DESCRIPTION, ATTACH, X-ALT-DESC: never read). */
#define MAX_LINE (256u << 10)

/* ---- text checks before libical sees it --------------------------------------------- */

static bool needed_property(const char *line, size_t len)
{
        static const char *const names[] = { "BEGIN", "END", "DTSTART", "DTEND", "DURATION",
                                             "RRULE", "RDATE", "EXDATE", "RECURRENCE-ID",
                                             "UID", "SUMMARY", "STATUS", "SEQUENCE",
                                             "DTSTAMP", "METHOD", "TZID" };
        size_t n = 0;
        while (n < len && line[n] != ';' && line[n] != ':')
                n++;
        for (size_t i = 0; i < G_N_ELEMENTS(names); i++)
                if (n == strlen(names[i]) && !g_ascii_strncasecmp(line, names[i], n))
                        return true;
        return false;
}

/* Cuts or drops the over-long lines of `buf` (terminated) in place; returns the new end. */
static char *tame_long_lines(char *buf, char *end)
{
        char *r = buf, *w = buf;
        while (r < end) {
                char *nl = memchr(r, '\n', (size_t)(end - r));
                char *next = nl ? nl + 1 : end;
                size_t len = (size_t)(next - r);
                if (len <= MAX_LINE) {
                        memmove(w, r, len);
                        w += len;
                } else if (needed_property(r, len)) {
                        /* At a character boundary, not after a lone backslash. */
                        size_t keep = MAX_LINE;
                        while (keep > 0 && ((unsigned char)r[keep] & 0xc0) == 0x80)
                                keep--;
                        while (keep > 0 && r[keep - 1] == '\\')
                                keep--;
                        memmove(w, r, keep);
                        w += keep;
                        *w++ = '\n';
                }
                r = next;
        }
        *w = '\0';
        return w;
}

static bool starts_ci(const char *p, const char *end, const char *word)
{
        size_t n = strlen(word);
        return (size_t)(end - p) >= n && g_ascii_strncasecmp(p, word, n) == 0;
}

/* Unfolds lines (RFC 5545 3.1) into a fresh terminated copy, and refuses what is not
 * iCalendar or would make libical recurse deep or allocate far beyond the text. */
static char *prepare(const char *text, size_t len, const char **why)
{
        if (!text)
                text = "";
        if (len > ICAL_MAX_TEXT) {
                *why = "larger than 16 MiB";
                return NULL;
        }
        if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3)) {
                text += 3;
                len -= 3;
        }
        if (memchr(text, '\0', len)) {
                *why = "not iCalendar text (it holds a NUL byte)";
                return NULL;
        }
        char *out = g_malloc0(len + 1), *w = out; /* zeroed: the analyzer cannot follow w */
        for (size_t i = 0; i < len; i++) {
                /* A line end followed by a blank continues the line. */
                if (text[i] == '\r' && i + 2 < len && text[i + 1] == '\n' &&
                    (text[i + 2] == ' ' || text[i + 2] == '\t')) {
                        i += 2;
                        continue;
                }
                if (text[i] == '\n' && i + 1 < len && (text[i + 1] == ' ' || text[i + 1] == '\t')) {
                        i += 1;
                        continue;
                }
                *w++ = text[i];
        }
        *w = '\0';
        w = tame_long_lines(out, w);

        const char *p = out, *end = w;
        while (p < end && g_ascii_isspace(*p))
                p++;
        if (!starts_ci(p, end, "BEGIN:VCALENDAR")) {
                g_free(out);
                *why = "not iCalendar (it does not start with BEGIN:VCALENDAR)";
                return NULL;
        }
        int depth = 0;
        unsigned components = 0;
        for (; p < end; p++) {
                if (starts_ci(p, end, "BEGIN:")) {
                        if (++depth > MAX_DEPTH || ++components > MAX_COMPONENTS) {
                                g_free(out);
                                *why = depth > MAX_DEPTH ? "components nested too deep"
                                                         : "too many components";
                                return NULL;
                        }
                } else if (starts_ci(p, end, "END:") && depth > 0) {
                        depth--;
                }
                const char *nl = memchr(p, '\n', (size_t)(end - p));
                if (!nl)
                        break;
                p = nl;
        }
        return out;
}

/* ---- zones and instants ------------------------------------------------------------ */

static Tz *zone_named(Ctx *c, const char *name)
{
        gpointer v;
        if (g_hash_table_lookup_extended(c->zones, name, NULL, &v))
                return v;
        Tz *tz = tz_new(name);
        g_hash_table_insert(c->zones, g_strdup(name), tz);
        return tz;
}

static const char *windows_to_iana(const char *name)
{
        size_t lo = 0, hi = G_N_ELEMENTS(windows_zones);
        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                int d = strcmp(name, windows_zones[mid].windows);
                if (d == 0)
                        return windows_zones[mid].iana;
                if (d < 0)
                        hi = mid;
                else
                        lo = mid + 1;
        }
        return NULL;
}

static bool utc_name(const char *tzid)
{
        static const char *const names[] = { "UTC", "Etc/UTC", "GMT", "Etc/GMT", "Z",
                                             "Etc/Universal", "Universal", "Zulu" };
        for (size_t i = 0; i < G_N_ELEMENTS(names); i++)
                if (!strcmp(tzid, names[i]))
                        return true;
        return false;
}

/* The zone a date-time property is in, by the contract's order: UTC, floating, an IANA
 * TZID, the file's VTIMEZONE for any other TZID, CLDR's Windows mapping. */
static int prop_zone(Ctx *c, icalcomponent *cal, icalproperty *p, struct icaltimetype t,
                     Zone *z, char **why)
{
        *z = (Zone){ .kind = Z_FLOAT, .tz = c->set->zone };
        if (icaltime_is_utc(t)) {
                z->kind = Z_UTC;
                return 0;
        }
        icalparameter *param = icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER);
        const char *tzid = param ? icalparameter_get_tzid(param) : NULL;
        if (!tzid)
                return 0;
        if (utc_name(tzid)) {
                z->kind = Z_UTC;
                return 0;
        }
        Tz *tz = zone_named(c, tzid);
        if (tz) {
                *z = (Zone){ .kind = Z_IANA, .tz = tz, .own = tz_name(tz) };
                return 0;
        }
        const char *mapped = windows_to_iana(tzid);
        icaltimezone *vtz = cal ? icalcomponent_get_timezone(cal, tzid) : NULL;
        if (vtz) {
                *z = (Zone){ .kind = Z_VTZ, .vtz = vtz, .own = mapped };
                if (mapped && !zone_named(c, mapped))
                        z->own = NULL;
                return 0;
        }
        if (mapped && (tz = zone_named(c, mapped))) {
                *z = (Zone){ .kind = Z_IANA, .tz = tz, .own = tz_name(tz) };
                return 0;
        }
        *why = g_strdup_printf("unknown time zone \"%s\"", tzid);
        return -ENOENT;
}

static bool time_ok(struct icaltimetype t)
{
        return !icaltime_is_null_time(t) && t.year >= 1 && t.year <= 9999 && t.month >= 1 &&
               t.month <= 12 && t.day >= 1 && t.day <= 31 && t.hour >= 0 && t.hour < 24 &&
               t.minute >= 0 && t.minute < 60 && t.second >= 0 && t.second <= 60;
}

static int64_t days_of(struct icaltimetype t)
{
        return civil_days((Ymd){ t.year, t.month, t.day });
}

/* The instant of a local date-time in zone z. IANA and floating times follow the
 * project's RFC 5545 gap/overlap rule (tz_resolve), as INI sessions do; a VTIMEZONE-only
 * zone has only libical's conversion. */
static int64_t instant_of(const Zone *z, struct icaltimetype t)
{
        int64_t days = days_of(t);
        int minute = t.is_date ? 0 : t.hour * 60 + t.minute;
        int second = t.is_date ? 0 : t.second;
        switch (z->kind) {
        case Z_UTC:
                return days * DAY + minute * 60 + second;
        case Z_FLOAT:
        case Z_IANA:
                return tz_resolve_days(z->tz, days, minute) + second;
        case Z_VTZ:
        default: {
                struct icaltimetype u = t;
                u.zone = NULL;
                return (int64_t)icaltime_as_timet_with_zone(u, z->vtz);
        }
        }
}

/* The local wall-clock time of an instant in zone z, floating (what the recurrence
 * iterator works in). */
static struct icaltimetype local_of(const Zone *z, int64_t t)
{
        struct icaltimetype r = icaltime_null_time();
        if (z->kind == Z_VTZ) {
                r = icaltime_from_timet_with_zone((time_t)t, 0, z->vtz);
                r.zone = NULL;
                return r;
        }
        Ymd d;
        int sec;
        if (z->kind == Z_UTC) {
                int64_t days = t >= 0 ? t / DAY : -((-t + DAY - 1) / DAY);
                d = civil_from_days(days);
                sec = (int)(t - days * DAY);
        } else {
                tz_local(z->tz, t, &d, &sec);
        }
        r.year = d.y;
        r.month = d.m;
        r.day = d.d;
        r.hour = sec / 3600;
        r.minute = sec / 60 % 60;
        r.second = sec % 60;
        return r;
}

/* ---- events -------------------------------------------------------------------------- */

static bool matches(Ctx *c, const char *summary)
{
        if (!c->folded || !c->folded[0])
                return true;
        if (!summary || !g_utf8_validate(summary, -1, NULL))
                return false;
        g_autofree char *s = g_utf8_casefold(summary, -1);
        for (char **m = c->folded; *m; m++)
                if (strstr(s, *m))
                        return true;
        return false;
}

/* libical turns a value it cannot read into an X-LIC-ERROR and drops the property. One
 * that hit a property the session depends on makes the event unreadable; others (an
 * odd ATTENDEE parameter) do not matter here. */
static char *essential_error(icalcomponent *ev)
{
        static const char *const props[] = { "DTSTART", "DTEND", "DURATION", "RRULE",
                                             "RDATE", "EXDATE", "RECURRENCE-ID", "UID",
                                             "SUMMARY", "STATUS", "SEQUENCE" };
        for (icalproperty *p = icalcomponent_get_first_property(ev, ICAL_XLICERROR_PROPERTY);
             p; p = icalcomponent_get_next_property(ev, ICAL_XLICERROR_PROPERTY)) {
                const char *msg = icalproperty_get_xlicerror(p);
                if (!msg)
                        continue;
                for (size_t i = 0; i < G_N_ELEMENTS(props); i++) {
                        g_autofree char *needle = g_strdup_printf(" in %s property", props[i]);
                        if (strstr(msg, needle))
                                return g_strdup_printf("cannot read its %s", props[i]);
                }
        }
        return NULL;
}

/* The hand-over format refuses these in a UID (a summary it cleans). */
static bool has_control(const char *s)
{
        for (const char *p = s; *p; p = g_utf8_next_char(p)) {
                gunichar ch = g_utf8_get_char(p);
                if (ch < 0x20 || (ch >= 0x7f && ch <= 0x9f))
                        return true;
        }
        return false;
}

static void ev_free(gpointer p)
{
        Ev *e = p;
        if (e->comp)
                icalcomponent_free(e->comp);
        g_free(e->uid);
        g_free(e->summary);
        g_free(e->key);
        g_free(e->problem);
        g_free(e);
}

static Ev *ev_read(Ctx *c, icalcomponent *cal, icalcomponent *comp, bool method_cancel,
                   unsigned order)
{
        Ev *e = g_new0(Ev, 1);
        e->comp = comp;
        e->cal = cal;
        e->order = order;
        e->uid = g_strdup(icalcomponent_get_uid(comp));
        e->summary = g_strdup(icalcomponent_get_summary(comp));
        e->seq = icalcomponent_get_sequence(comp);
        e->cancelled = method_cancel || icalcomponent_get_status(comp) == ICAL_STATUS_CANCELLED;
        struct icaltimetype stamp = icalcomponent_get_dtstamp(comp);
        e->dtstamp = time_ok(stamp) ? days_of(stamp) * DAY + stamp.hour * 3600 +
                                              stamp.minute * 60 + stamp.second
                                    : INT64_MIN;

        if ((e->uid && !g_utf8_validate(e->uid, -1, NULL)) ||
            (e->summary && !g_utf8_validate(e->summary, -1, NULL)))
                e->problem = g_strdup("invalid UTF-8");
        else if (!e->uid || !*e->uid)
                e->problem = g_strdup("has no UID");
        else if (strlen(e->uid) > HANDOVER_MAX_UID)
                e->problem = g_strdup("its UID is too long");
        else if (has_control(e->uid))
                e->problem = g_strdup("its UID holds control characters");
        else
                e->problem = essential_error(comp);

        icalproperty *dp = icalcomponent_get_first_property(comp, ICAL_DTSTART_PROPERTY);
        struct icaltimetype dt = dp ? icalproperty_get_dtstart(dp) : icaltime_null_time();
        if (!e->problem && !time_ok(dt))
                e->problem = g_strdup("has no start (DTSTART)");
        e->allday = dp && dt.is_date;

        icalproperty *rp = icalcomponent_get_first_property(comp, ICAL_RECURRENCEID_PROPERTY);
        const char *uid = e->uid ? e->uid : "";
        if (rp) {
                char *why = NULL;
                e->has_rid = true;
                struct icaltimetype r = icalproperty_get_recurrenceid(rp);
                Zone z;
                if (!time_ok(r)) {
                        if (!e->problem)
                                e->problem = g_strdup("cannot read its RECURRENCE-ID");
                        e->key = g_strdup_printf("%s\x1f?%u", uid, order);
                } else if (prop_zone(c, cal, rp, r, &z, &why) < 0) {
                        e->key = g_strdup_printf("%s\x1f?%u", uid, order);
                        if (!e->problem)
                                e->problem = g_steal_pointer(&why);
                        g_free(why);
                } else {
                        e->rid = instant_of(&z, r);
                        e->rid_known = true;
                        e->key = g_strdup_printf("%s\x1f%" G_GINT64_FORMAT, uid, e->rid);
                }
        } else {
                e->key = g_strdup_printf("%s\x1fM", uid);
        }
        return e;
}

/* Parses the text span [p, p + len) alone (terminated for the while). */
static icalcomponent *parse_span(char *p, size_t len)
{
        char keep = p[len];
        p[len] = '\0';
        icalcomponent *comp = icalparser_parse_string(p);
        p[len] = keep;
        return comp;
}

/* Of two versions of one event, the one that counts: higher SEQUENCE, then the later
 * DTSTAMP, then the one read later. */
static bool newer(const Ev *a, const Ev *b)
{
        if (a->seq != b->seq)
                return a->seq > b->seq;
        if (a->dtstamp != b->dtstamp)
                return a->dtstamp > b->dtstamp;
        return a->order > b->order;
}

/* Length of an event: DTEND - DTSTART, or DURATION, else the section's. */
static int duration_of(Ctx *c, Ev *e, int64_t start, int64_t *out, char **why)
{
        icalproperty *p = icalcomponent_get_first_property(e->comp, ICAL_DTEND_PROPERTY);
        if (p) {
                struct icaltimetype t = icalproperty_get_dtend(p);
                Zone z;
                if (!time_ok(t)) {
                        *why = g_strdup("cannot read its DTEND");
                        return -EINVAL;
                }
                if (prop_zone(c, e->cal, p, t, &z, why) < 0)
                        return -ENOENT;
                *out = instant_of(&z, t) - start;
        } else if ((p = icalcomponent_get_first_property(e->comp, ICAL_DURATION_PROPERTY))) {
                struct icaldurationtype d = icalproperty_get_duration(p);
                *out = icaldurationtype_as_int(d);
        } else {
                *out = c->set->duration;
        }
        if (*out < 0 || *out > 366 * DAY) {
                *why = g_strdup("ends before it starts, or lasts over a year");
                return -EINVAL;
        }
        return 0;
}

static gint cmp_i64_sort(gconstpointer a, gconstpointer b)
{
        int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
        return (x > y) - (x < y);
}

static gint pending_cmp(gconstpointer a, gconstpointer b)
{
        const Pending *x = a, *y = b;
        if (x->start != y->start)
                return x->start < y->start ? -1 : 1;
        return strcmp(x->uid, y->uid);
}

/* Keeps the earliest HANDOVER_MAX_SESSIONS (a cap that cut by the order of the text would
 * drop next week's session for one in ten years), in at most twice that memory. */
static void add_session(Ctx *c, Ev *e, const Zone *z, int64_t start, int64_t dur, int64_t rid)
{
        Pending p = { start, start + dur, rid, z->own ? z->own : tz_name(c->set->zone), e->uid,
                      e->summary ? e->summary : "" };
        g_array_append_val(c->pending, p);
        if (c->pending->len >= 2 * HANDOVER_MAX_SESSIONS) {
                g_array_sort(c->pending, pending_cmp);
                g_array_set_size(c->pending, HANDOVER_MAX_SESSIONS);
                c->full = true;
        }
}

/* The instant of a rule's UNTIL (a date: the end of that local day), or INT64_MAX. UNTIL
 * is compared here, not by libical, which would compare a UTC UNTIL with the floating
 * instances as if these were UTC. */
static int64_t until_of(const Zone *z, struct icalrecurrencetype rule)
{
        struct icaltimetype until = rule.until;
        if (icaltime_is_null_time(until))
                return INT64_MAX;
        if (until.is_date) {
                until.hour = 23;
                until.minute = 59;
                until.second = 59;
                until.is_date = 0;
        }
        return icaltime_is_utc(until) ? instant_of(&(Zone){ .kind = Z_UTC }, until)
                                      : instant_of(z, until);
}

/* Expands one RRULE in the local wall-clock time of DTSTART (floating, so libical does
 * only calendar arithmetic), resolving each instance with the event's zone. */
static int expand_rule(Ctx *c, const Zone *z, struct icaltimetype dtstart,
                       struct icalrecurrencetype rule, GArray *starts, char **why)
{
        /* UNTIL is compared here, as an instant or as a local date: libical would compare
         * a UTC UNTIL with the floating instances as if these were UTC. */
        int64_t until_instant = until_of(z, rule);
        rule.until = icaltime_null_time();
        struct icaltimetype t0 = dtstart;
        t0.zone = NULL;
        icalrecur_iterator *it = icalrecur_iterator_new(rule, t0);
        if (!it) {
                *why = g_strdup("cannot expand its RRULE");
                return -EINVAL;
        }
        /* Far before the window, jump to it: only where libical keeps the rule's
         * alignment (no COUNT, INTERVAL 1, no BYSETPOS). */
        bool setpos = rule.by_set_pos[0] != ICAL_RECURRENCE_ARRAY_MAX;
        int64_t first = instant_of(z, dtstart);
        if (rule.count == 0 && rule.interval <= 1 && !setpos &&
            c->set->from - 2 * DAY > first + 7 * DAY) {
                struct icaltimetype s = local_of(z, c->set->from - 2 * DAY);
                if (!icalrecur_iterator_set_start(it, s)) {
                        icalrecur_iterator_free(it);
                        it = icalrecur_iterator_new(rule, t0);
                }
        }
        int rc = 0;
        for (unsigned n = 0;; n++) {
                if (n >= RULE_ITERATIONS || c->iterations >= TOTAL_ITERATIONS) {
                        *why = g_strdup("repeats too often: later instances are left out");
                        rc = -E2BIG;
                        break;
                }
                c->iterations++;
                struct icaltimetype x = icalrecur_iterator_next(it);
                if (icaltime_is_null_time(x) || !time_ok(x))
                        break;
                int64_t at = instant_of(z, x);
                if (at > until_instant)
                        break;
                /* Local times map to instants in order, but for a gap's shift: a margin. */
                if (at >= c->set->to + 2 * DAY)
                        break;
                g_array_append_val(starts, at);
        }
        icalrecur_iterator_free(it);
        return rc;
}

static bool in_sorted(GArray *a, int64_t v)
{
        return a->len && bsearch(&v, a->data, a->len, sizeof(int64_t), cmp_i64_sort);
}

/* A series: DTSTART, RRULEs and RDATEs, less EXDATEs and the instances that overrides
 * replace, within the window. */
static void expand_master(Ctx *c, Ev *e, GArray *replaced)
{
        char *why = NULL;
        icalproperty *dp = icalcomponent_get_first_property(e->comp, ICAL_DTSTART_PROPERTY);
        struct icaltimetype dt = icalproperty_get_dtstart(dp);
        Zone z;
        int64_t dur;
        g_autoptr(GArray) starts = g_array_new(FALSE, FALSE, sizeof(int64_t));
        g_autoptr(GArray) ex = g_array_new(FALSE, FALSE, sizeof(int64_t));
        g_autoptr(GArray) exdays = g_array_new(FALSE, FALSE, sizeof(int64_t));
        if (prop_zone(c, e->cal, dp, dt, &z, &why) < 0)
                goto problem;
        int64_t first = instant_of(&z, dt);
        if (duration_of(c, e, first, &dur, &why) < 0)
                goto problem;

        /* RFC 5545: DTSTART is the first instance, whether or not the rule yields it;
         * but not when every RRULE ends before it (how some clients delete a series
         * "from this one on" at its first instance). */
        bool ended = false;
        for (icalproperty *p = icalcomponent_get_first_property(e->comp, ICAL_RRULE_PROPERTY); p;
             p = icalcomponent_get_next_property(e->comp, ICAL_RRULE_PROPERTY)) {
                ended = until_of(&z, icalproperty_get_rrule(p)) < first;
                if (!ended)
                        break;
        }
        if (!ended)
                g_array_append_val(starts, first);
        for (icalproperty *p = icalcomponent_get_first_property(e->comp, ICAL_RRULE_PROPERTY); p;
             p = icalcomponent_get_next_property(e->comp, ICAL_RRULE_PROPERTY)) {
                struct icalrecurrencetype r = icalproperty_get_rrule(p);
                if (r.freq == ICAL_NO_RECURRENCE) {
                        why = g_strdup("cannot read its RRULE");
                        goto problem;
                }
                if (expand_rule(c, &z, dt, r, starts, &why) == -EINVAL)
                        goto problem;
                if (why) { /* too many: keep what was found, and say so */
                        handover_add_problem(c->out, e->summary ? e->summary : e->uid, why);
                        g_clear_pointer(&why, g_free);
                }
        }
        for (icalproperty *p = icalcomponent_get_first_property(e->comp, ICAL_RDATE_PROPERTY); p;
             p = icalcomponent_get_next_property(e->comp, ICAL_RDATE_PROPERTY)) {
                struct icaldatetimeperiodtype v = icalproperty_get_rdate(p);
                struct icaltimetype t = icaltime_is_null_time(v.time) ? v.period.start : v.time;
                Zone rz;
                if (!time_ok(t) || t.is_date) /* a date in a timed series: no time to add */
                        continue;
                if (prop_zone(c, e->cal, p, t, &rz, &why) < 0)
                        goto problem;
                int64_t at = instant_of(&rz, t);
                g_array_append_val(starts, at);
        }
        for (icalproperty *p = icalcomponent_get_first_property(e->comp, ICAL_EXDATE_PROPERTY); p;
             p = icalcomponent_get_next_property(e->comp, ICAL_EXDATE_PROPERTY)) {
                struct icaltimetype t = icalproperty_get_exdate(p);
                Zone xz;
                if (!time_ok(t))
                        continue;
                if (t.is_date) {
                        int64_t d = days_of(t);
                        g_array_append_val(exdays, d);
                        continue;
                }
                if (prop_zone(c, e->cal, p, t, &xz, &why) < 0)
                        goto problem;
                int64_t at = instant_of(&xz, t);
                g_array_append_val(ex, at);
        }
        g_array_sort(ex, cmp_i64_sort);
        g_array_sort(exdays, cmp_i64_sort);
        for (guint i = 0; i < starts->len; i++) {
                int64_t at = g_array_index(starts, int64_t, i);
                if (at < c->set->from || at >= c->set->to || in_sorted(ex, at) ||
                    in_sorted(replaced, at))
                        continue;
                if (exdays->len) {
                        struct icaltimetype l = local_of(&z, at);
                        if (in_sorted(exdays, days_of(l)))
                                continue;
                }
                add_session(c, e, &z, at, dur, HANDOVER_NO_RID);
        }
        return;
problem:
        handover_add_problem(c->out, e->summary ? e->summary : e->uid, why);
        g_free(why);
}

static void emit_override(Ctx *c, Ev *e)
{
        char *why = NULL;
        icalproperty *dp = icalcomponent_get_first_property(e->comp, ICAL_DTSTART_PROPERTY);
        struct icaltimetype dt = icalproperty_get_dtstart(dp);
        Zone z;
        int64_t dur;
        if (prop_zone(c, e->cal, dp, dt, &z, &why) < 0)
                goto problem;
        int64_t at = instant_of(&z, dt);
        if (duration_of(c, e, at, &dur, &why) < 0)
                goto problem;
        if (at >= c->set->from && at < c->set->to)
                add_session(c, e, &z, at, dur, e->rid);
        return;
problem:
        handover_add_problem(c->out, e->summary ? e->summary : e->uid, why);
        g_free(why);
}

/* The winning versions are parsed again only to be expanded. */
static bool with_comp(Ev *e)
{
        e->comp = parse_span(e->span, e->span_len);
        return e->comp != NULL;
}

static void drop_comp(Ev *e)
{
        icalcomponent_free(e->comp);
        e->comp = NULL;
}

typedef struct {
        Ev *master;
        GPtrArray *overrides; /* of Ev*, borrowed */
} Group;

static void group_free(gpointer p)
{
        Group *g = p;
        g_ptr_array_free(g->overrides, TRUE);
        g_free(g);
}


/* What one winning version contributes that is not a session: a problem to name (when
 * the event is one of the section's, or its SUMMARY cannot even be judged), or an
 * all-day event to count. Returns whether the version can give sessions. */
static bool usable(Ctx *c, Ev *e)
{
        if (e->cancelled)
                return false;
        bool bad_text = e->summary && !g_utf8_validate(e->summary, -1, NULL);
        if (e->problem) {
                if (bad_text || matches(c, e->summary))
                        handover_add_problem(c->out, e->uid && g_utf8_validate(e->uid, -1, NULL)
                                                             ? (e->summary && !bad_text
                                                                        ? e->summary
                                                                        : e->uid)
                                                             : "(an event)",
                                             e->problem);
                return false;
        }
        if (!matches(c, e->summary))
                return false;
        if (e->allday) {
                c->out->allday++;
                return false;
        }
        return true;
}

typedef struct {
        char *p;
        size_t len;
} Span;

static void read_events(Ctx *c, icalcomponent *cal, GArray *spans, GPtrArray *evs)
{
        icalproperty *mp = icalcomponent_get_first_property(cal, ICAL_METHOD_PROPERTY);
        bool cancel = mp && icalproperty_get_method(mp) == ICAL_METHOD_CANCEL;
        for (guint i = 0; i < spans->len; i++) {
                Span sp = g_array_index(spans, Span, i);
                icalcomponent *comp = parse_span(sp.p, sp.len);
                if (!comp)
                        continue;
                if (icalcomponent_isa(comp) == ICAL_VEVENT_COMPONENT) {
                        Ev *e = ev_read(c, cal, comp, cancel, evs->len);
                        e->span = sp.p;
                        e->span_len = sp.len;
                        e->comp = NULL; /* freed below; parsed again if it wins */
                        g_ptr_array_add(evs, e);
                }
                icalcomponent_free(comp);
        }
}

/* Splits a prepared text into its VCALENDARs: each one's own properties and VTIMEZONEs
 * are parsed together (small), its VEVENTs one by one. Other components (VTODO,
 * VJOURNAL, VFREEBUSY) are skipped. Returns how many VCALENDARs it held. */
static unsigned read_text(Ctx *c, char *text, GPtrArray *cals, GPtrArray *evs)
{
        unsigned found = 0;
        int depth = 0;
        GString *head = NULL;
        g_autoptr(GArray) spans = g_array_new(FALSE, FALSE, sizeof(Span));
        char *sub = NULL;
        bool sub_event = false, sub_zone = false;
        char *end = text + strlen(text);
        for (char *line = text; line < end || head;) {
                char *nl = line < end ? memchr(line, '\n', (size_t)(end - line)) : NULL;
                char *next = nl ? nl + 1 : end;
                bool at_end = line >= end;
                bool begin = !at_end && starts_ci(line, next, "BEGIN:");
                bool close = at_end || starts_ci(line, next, "END:");
                if (depth == 0) {
                        if (at_end)
                                break;
                        if (begin && starts_ci(line, next, "BEGIN:VCALENDAR")) {
                                head = g_string_new_len(line, next - line);
                                depth = 1;
                        }
                } else if (depth == 1) {
                        if (begin) {
                                sub = line;
                                sub_event = starts_ci(line, next, "BEGIN:VEVENT");
                                sub_zone = starts_ci(line, next, "BEGIN:VTIMEZONE");
                                depth = 2;
                        } else if (close) { /* END:VCALENDAR, or the text ended */
                                g_string_append(head, "\r\nEND:VCALENDAR\r\n");
                                icalcomponent *cal = icalparser_parse_string(head->str);
                                g_string_free(head, TRUE);
                                head = NULL;
                                depth = 0;
                                if (cal && icalcomponent_isa(cal) == ICAL_VCALENDAR_COMPONENT) {
                                        g_ptr_array_add(cals, cal);
                                        read_events(c, cal, spans, evs);
                                        found++;
                                } else if (cal) {
                                        icalcomponent_free(cal);
                                }
                                g_array_set_size(spans, 0);
                        } else {
                                g_string_append_len(head, line, next - line);
                        }
                } else if (begin) {
                        depth++;
                } else if (close) {
                        if (--depth == 1) {
                                /* The text ended inside: libical ends it. */
                                Span sp = { sub, (size_t)((at_end ? end : next) - sub) };
                                if (sub_event)
                                        g_array_append_val(spans, sp);
                                else if (sub_zone)
                                        g_string_append_len(head, sp.p, (gssize)sp.len);
                        }
                        if (at_end)
                                depth = 1;
                }
                if (!at_end)
                        line = next;
        }
        return found;
}

Handover *ical_read(const IcalText *texts, size_t n, const IcalSettings *set,
                    size_t *texts_read)
{
        icalerror_set_errors_are_fatal(0);
        Ctx c = {
                .set = set,
                .zones = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                               (GDestroyNotify)tz_unref),
                .out = handover_new(),
                .pending = g_array_new(FALSE, FALSE, sizeof(Pending)),
        };
        if (set->match) {
                size_t k = g_strv_length((char **)set->match);
                c.folded = g_new0(char *, k + 1);
                for (size_t i = 0; i < k; i++)
                        c.folded[i] = g_utf8_casefold(set->match[i], -1);
        }
        size_t good = 0;
        g_autoptr(GPtrArray) cals = g_ptr_array_new_with_free_func(
                (GDestroyNotify)icalcomponent_free);
        g_autoptr(GPtrArray) prepared = g_ptr_array_new_with_free_func(g_free);
        g_autoptr(GPtrArray) evs = g_ptr_array_new_with_free_func(ev_free);

        for (size_t i = 0; i < n; i++) {
                const char *why = NULL;
                char *text = prepare(texts[i].text, texts[i].len, &why);
                if (!text || read_text(&c, text, cals, evs) == 0) {
                        handover_add_problem(c.out, texts[i].name, why ? why : "not iCalendar");
                        g_free(text);
                        continue;
                }
                g_ptr_array_add(prepared, text);
                good++;
        }

        /* Versions: the one that counts of each (UID, RECURRENCE-ID). */
        g_autoptr(GHashTable) winners = g_hash_table_new(g_str_hash, g_str_equal);
        for (guint i = 0; i < evs->len; i++) {
                Ev *e = evs->pdata[i];
                Ev *w = g_hash_table_lookup(winners, e->key);
                if (!w || newer(e, w))
                        g_hash_table_insert(winners, e->key, e);
        }
        /* Series with their overrides, in the order of the text. */
        g_autoptr(GHashTable) groups = g_hash_table_new(g_str_hash, g_str_equal);
        g_autoptr(GPtrArray) ordered = g_ptr_array_new_with_free_func(group_free);
        for (guint i = 0; i < evs->len; i++) {
                Ev *e = evs->pdata[i];
                if (g_hash_table_lookup(winners, e->key) != e)
                        continue;
                const char *uid = e->uid ? e->uid : "";
                Group *g = g_hash_table_lookup(groups, uid);
                if (!g) {
                        g = g_new0(Group, 1);
                        g->overrides = g_ptr_array_new();
                        g_hash_table_insert(groups, (gpointer)uid, g);
                        g_ptr_array_add(ordered, g);
                }
                if (e->has_rid)
                        g_ptr_array_add(g->overrides, e);
                else
                        g->master = e;
        }

        for (guint i = 0; i < ordered->len; i++) {
                Group *g = ordered->pdata[i];
                /* A cancelled series takes its changed instances with it. */
                if (g->master && g->master->cancelled)
                        continue;
                g_autoptr(GArray) replaced = g_array_new(FALSE, FALSE, sizeof(int64_t));
                for (guint k = 0; k < g->overrides->len; k++) {
                        Ev *o = g->overrides->pdata[k];
                        if (o->rid_known)
                                g_array_append_val(replaced, o->rid);
                        if (usable(&c, o) && with_comp(o)) {
                                emit_override(&c, o);
                                drop_comp(o);
                        }
                }
                g_array_sort(replaced, cmp_i64_sort);
                if (g->master && usable(&c, g->master) && with_comp(g->master)) {
                        expand_master(&c, g->master, replaced);
                        drop_comp(g->master);
                }
        }

        g_array_sort(c.pending, pending_cmp);
        for (guint i = 0; i < c.pending->len; i++) {
                Pending *p = &g_array_index(c.pending, Pending, i);
                if (i > 0 && pending_cmp(p - 1, p) == 0)
                        continue;
                int r = handover_add_session(c.out, p->start, p->end, p->rid, p->zone, p->uid,
                                             p->summary);
                if (r == -E2BIG) {
                        c.full = true;
                        break;
                }
                if (r < 0) /* not expected: every field was checked on the way */
                        handover_add_problem(c.out, p->summary[0] ? p->summary : p->uid,
                                             "cannot be handed over");
        }
        g_array_free(c.pending, TRUE);
        if (c.full)
                handover_add_problem(c.out, "the calendar",
                                     "more sessions in the window than nudge reads: later ones are left out");
        handover_sort(c.out);
        g_strfreev(c.folded);
        g_hash_table_destroy(c.zones);
        if (texts_read)
                *texts_read = good;
        return c.out;
}
