/* SPDX-License-Identifier: MIT */
/* Zones, instants and recurrence for the iCalendar reader: a winning version of an event
 * into its sessions, bounded by the window and by the caps. */
#include "config.h"

#include "ical-internal.h"

#include <errno.h>
#include <string.h>

#include "civil.h"
#include "windows-zones.h"

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
int ical_prop_zone(Ctx *c, icalcomponent *cal, icalproperty *p, struct icaltimetype t,
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

bool ical_time_ok(struct icaltimetype t)
{
        return !icaltime_is_null_time(t) && t.year >= 1 && t.year <= 9999 && t.month >= 1 &&
               t.month <= 12 && t.day >= 1 && t.day <= 31 && t.hour >= 0 && t.hour < 24 &&
               t.minute >= 0 && t.minute < 60 && t.second >= 0 && t.second <= 60;
}

int64_t ical_days_of(struct icaltimetype t)
{
        return civil_days((Ymd){ t.year, t.month, t.day });
}

/* The instant of a local date-time in zone z. IANA and floating times follow the
 * project's RFC 5545 gap/overlap rule (tz_resolve), as INI sessions do; a VTIMEZONE-only
 * zone has only libical's conversion. */
int64_t ical_instant_of(const Zone *z, struct icaltimetype t)
{
        int64_t days = ical_days_of(t);
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

/* Length of an event: DTEND - DTSTART, or DURATION, else the section's. */
static int duration_of(Ctx *c, Ev *e, int64_t start, int64_t *out, char **why)
{
        icalproperty *p = icalcomponent_get_first_property(e->comp, ICAL_DTEND_PROPERTY);
        if (p) {
                struct icaltimetype t = icalproperty_get_dtend(p);
                Zone z;
                if (!ical_time_ok(t)) {
                        *why = g_strdup("cannot read its DTEND");
                        return -EINVAL;
                }
                if (ical_prop_zone(c, e->cal, p, t, &z, why) < 0)
                        return -ENOENT;
                *out = ical_instant_of(&z, t) - start;
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

gint ical_cmp_i64(gconstpointer a, gconstpointer b)
{
        int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
        return (x > y) - (x < y);
}

gint ical_pending_cmp(gconstpointer a, gconstpointer b)
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
                g_array_sort(c->pending, ical_pending_cmp);
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
        return icaltime_is_utc(until) ? ical_instant_of(&(Zone){ .kind = Z_UTC }, until)
                                      : ical_instant_of(z, until);
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
        int64_t first = ical_instant_of(z, dtstart);
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
                if (icaltime_is_null_time(x) || !ical_time_ok(x))
                        break;
                int64_t at = ical_instant_of(z, x);
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
        return a->len && bsearch(&v, a->data, a->len, sizeof(int64_t), ical_cmp_i64);
}

/* RFC 5545: DTSTART is the first instance, whether or not the rule yields it; but not
 * when every RRULE ends before it (how some clients delete a series "from this one on"
 * at its first instance). */
static bool first_is_instance(Ev *e, const Zone *z, int64_t first)
{
        bool ended = false;
        for (icalproperty *p = icalcomponent_get_first_property(e->comp, ICAL_RRULE_PROPERTY); p;
             p = icalcomponent_get_next_property(e->comp, ICAL_RRULE_PROPERTY)) {
                ended = until_of(z, icalproperty_get_rrule(p)) < first;
                if (!ended)
                        break;
        }
        return !ended;
}

/* The instances of each RRULE into starts; a rule cut short by the caps is a problem
 * named here, and the rest go on. Fails (setting *why) on a rule that cannot be read. */
static int add_rules(Ctx *c, Ev *e, const Zone *z, struct icaltimetype dt, GArray *starts,
                     char **why)
{
        for (icalproperty *p = icalcomponent_get_first_property(e->comp, ICAL_RRULE_PROPERTY); p;
             p = icalcomponent_get_next_property(e->comp, ICAL_RRULE_PROPERTY)) {
                struct icalrecurrencetype r = icalproperty_get_rrule(p);
                if (r.freq == ICAL_NO_RECURRENCE) {
                        *why = g_strdup("cannot read its RRULE");
                        return -EINVAL;
                }
                if (expand_rule(c, z, dt, r, starts, why) == -EINVAL)
                        return -EINVAL;
                if (*why) { /* too many: keep what was found, and say so */
                        handover_add_problem(c->out, e->summary ? e->summary : e->uid, *why);
                        g_clear_pointer(why, g_free);
                }
        }
        return 0;
}

/* The RDATEs (their start, for a period) into starts. */
static int add_rdates(Ctx *c, Ev *e, GArray *starts, char **why)
{
        for (icalproperty *p = icalcomponent_get_first_property(e->comp, ICAL_RDATE_PROPERTY); p;
             p = icalcomponent_get_next_property(e->comp, ICAL_RDATE_PROPERTY)) {
                struct icaldatetimeperiodtype v = icalproperty_get_rdate(p);
                struct icaltimetype t = icaltime_is_null_time(v.time) ? v.period.start : v.time;
                Zone rz;
                if (!ical_time_ok(t) || t.is_date) /* a date in a timed series: no time to add */
                        continue;
                if (ical_prop_zone(c, e->cal, p, t, &rz, why) < 0)
                        return -EINVAL;
                int64_t at = ical_instant_of(&rz, t);
                g_array_append_val(starts, at);
        }
        return 0;
}

/* The EXDATEs, sorted: instants into ex, and local dates (as days) into exdays. */
static int read_exdates(Ctx *c, Ev *e, GArray *ex, GArray *exdays, char **why)
{
        for (icalproperty *p = icalcomponent_get_first_property(e->comp, ICAL_EXDATE_PROPERTY); p;
             p = icalcomponent_get_next_property(e->comp, ICAL_EXDATE_PROPERTY)) {
                struct icaltimetype t = icalproperty_get_exdate(p);
                Zone xz;
                if (!ical_time_ok(t))
                        continue;
                if (t.is_date) {
                        int64_t d = ical_days_of(t);
                        g_array_append_val(exdays, d);
                        continue;
                }
                if (ical_prop_zone(c, e->cal, p, t, &xz, why) < 0)
                        return -EINVAL;
                int64_t at = ical_instant_of(&xz, t);
                g_array_append_val(ex, at);
        }
        g_array_sort(ex, ical_cmp_i64);
        g_array_sort(exdays, ical_cmp_i64);
        return 0;
}

/* A series: DTSTART, RRULEs and RDATEs, less EXDATEs and the instances that overrides
 * replace, within the window. */
void ical_expand_master(Ctx *c, Ev *e, GArray *replaced)
{
        char *why = NULL;
        icalproperty *dp = icalcomponent_get_first_property(e->comp, ICAL_DTSTART_PROPERTY);
        struct icaltimetype dt = icalproperty_get_dtstart(dp);
        Zone z;
        int64_t dur;
        g_autoptr(GArray) starts = g_array_new(FALSE, FALSE, sizeof(int64_t));
        g_autoptr(GArray) ex = g_array_new(FALSE, FALSE, sizeof(int64_t));
        g_autoptr(GArray) exdays = g_array_new(FALSE, FALSE, sizeof(int64_t));
        if (ical_prop_zone(c, e->cal, dp, dt, &z, &why) < 0)
                goto problem;
        int64_t first = ical_instant_of(&z, dt);
        if (duration_of(c, e, first, &dur, &why) < 0)
                goto problem;

        if (first_is_instance(e, &z, first))
                g_array_append_val(starts, first);
        if (add_rules(c, e, &z, dt, starts, &why) < 0 || add_rdates(c, e, starts, &why) < 0 ||
            read_exdates(c, e, ex, exdays, &why) < 0)
                goto problem;
        for (guint i = 0; i < starts->len; i++) {
                int64_t at = g_array_index(starts, int64_t, i);
                if (at < c->set->from || at >= c->set->to || in_sorted(ex, at) ||
                    in_sorted(replaced, at))
                        continue;
                if (exdays->len) {
                        struct icaltimetype l = local_of(&z, at);
                        if (in_sorted(exdays, ical_days_of(l)))
                                continue;
                }
                add_session(c, e, &z, at, dur, HANDOVER_NO_RID);
        }
        return;
problem:
        handover_add_problem(c->out, e->summary ? e->summary : e->uid, why);
        g_free(why);
}

void ical_emit_override(Ctx *c, Ev *e)
{
        char *why = NULL;
        icalproperty *dp = icalcomponent_get_first_property(e->comp, ICAL_DTSTART_PROPERTY);
        struct icaltimetype dt = icalproperty_get_dtstart(dp);
        Zone z;
        int64_t dur;
        if (ical_prop_zone(c, e->cal, dp, dt, &z, &why) < 0)
                goto problem;
        int64_t at = ical_instant_of(&z, dt);
        if (duration_of(c, e, at, &dur, &why) < 0)
                goto problem;
        if (at >= c->set->from && at < c->set->to)
                add_session(c, e, &z, at, dur, e->rid);
        return;
problem:
        handover_add_problem(c->out, e->summary ? e->summary : e->uid, why);
        g_free(why);
}

