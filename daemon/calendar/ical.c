/* SPDX-License-Identifier: MIT */
/* Reading iCalendar with libical: versions, cancellations, recurrence with overrides and
 * zones, bounded by the window and by caps, into a hand-over list. */
#include "config.h"

#include "ical-internal.h"

#include <errno.h>
#include <string.h>

#include "civil.h"

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
        e->dtstamp = ical_time_ok(stamp) ? ical_days_of(stamp) * DAY + stamp.hour * 3600 +
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
        if (!e->problem && !ical_time_ok(dt))
                e->problem = g_strdup("has no start (DTSTART)");
        e->allday = dp && dt.is_date;

        icalproperty *rp = icalcomponent_get_first_property(comp, ICAL_RECURRENCEID_PROPERTY);
        const char *uid = e->uid ? e->uid : "";
        if (rp) {
                char *why = NULL;
                e->has_rid = true;
                struct icaltimetype r = icalproperty_get_recurrenceid(rp);
                Zone z;
                if (!ical_time_ok(r)) {
                        if (!e->problem)
                                e->problem = g_strdup("cannot read its RECURRENCE-ID");
                        e->key = g_strdup_printf("%s\x1f?%u", uid, order);
                } else if (ical_prop_zone(c, cal, rp, r, &z, &why) < 0) {
                        e->key = g_strdup_printf("%s\x1f?%u", uid, order);
                        if (!e->problem)
                                e->problem = g_steal_pointer(&why);
                        g_free(why);
                } else {
                        e->rid = ical_instant_of(&z, r);
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

/* Parses one VCALENDAR's own properties and VTIMEZONEs (`head`, which it frees) and reads
 * the events of its spans (which it empties); returns 1 if it was a VCALENDAR, else 0. */
static unsigned end_calendar(Ctx *c, GString *head, GArray *spans, GPtrArray *cals,
                             GPtrArray *evs)
{
        unsigned found = 0;
        g_string_append(head, "\r\nEND:VCALENDAR\r\n");
        icalcomponent *cal = icalparser_parse_string(head->str);
        g_string_free(head, TRUE);
        if (cal && icalcomponent_isa(cal) == ICAL_VCALENDAR_COMPONENT) {
                g_ptr_array_add(cals, cal);
                read_events(c, cal, spans, evs);
                found = 1;
        } else if (cal) {
                icalcomponent_free(cal);
        }
        g_array_set_size(spans, 0);
        return found;
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
                bool begin = !at_end && ical_starts_ci(line, next, "BEGIN:");
                bool close = at_end || ical_starts_ci(line, next, "END:");
                if (depth == 0) {
                        if (at_end)
                                break;
                        if (begin && ical_starts_ci(line, next, "BEGIN:VCALENDAR")) {
                                head = g_string_new_len(line, next - line);
                                depth = 1;
                        }
                } else if (depth == 1) {
                        if (begin) {
                                sub = line;
                                sub_event = ical_starts_ci(line, next, "BEGIN:VEVENT");
                                sub_zone = ical_starts_ci(line, next, "BEGIN:VTIMEZONE");
                                depth = 2;
                        } else if (close) { /* END:VCALENDAR, or the text ended */
                                found += end_calendar(c, head, spans, cals, evs);
                                head = NULL;
                                depth = 0;
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

/* The winning versions, as series with their overrides in the order of the text. */
static GPtrArray *winning_groups(GPtrArray *evs)
{
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
        GPtrArray *ordered = g_ptr_array_new_with_free_func(group_free);
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
        return ordered;
}

/* Each series and its overrides into sessions; a cancelled series yields none. */
static void expand_groups(Ctx *c, GPtrArray *ordered)
{
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
                        if (usable(c, o) && with_comp(o)) {
                                ical_emit_override(c, o);
                                drop_comp(o);
                        }
                }
                g_array_sort(replaced, ical_cmp_i64);
                if (g->master && usable(c, g->master) && with_comp(g->master)) {
                        ical_expand_master(c, g->master, replaced);
                        drop_comp(g->master);
                }
        }
}

/* The sessions found, sorted and without repeats, into the hand-over list. */
static void hand_over(Ctx *c)
{
        g_array_sort(c->pending, ical_pending_cmp);
        for (guint i = 0; i < c->pending->len; i++) {
                Pending *p = &g_array_index(c->pending, Pending, i);
                if (i > 0 && ical_pending_cmp(p - 1, p) == 0)
                        continue;
                int r = handover_add_session(c->out, p->start, p->end, p->rid, p->zone, p->uid,
                                             p->summary);
                if (r == -E2BIG) {
                        c->full = true;
                        break;
                }
                if (r < 0) /* not expected: every field was checked on the way */
                        handover_add_problem(c->out, p->summary[0] ? p->summary : p->uid,
                                             "cannot be handed over");
        }
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
                char *text = ical_prepare(texts[i].text, texts[i].len, &why);
                if (!text || read_text(&c, text, cals, evs) == 0) {
                        handover_add_problem(c.out, texts[i].name, why ? why : "not iCalendar");
                        g_free(text);
                        continue;
                }
                g_ptr_array_add(prepared, text);
                good++;
        }

        g_autoptr(GPtrArray) ordered = winning_groups(evs);
        expand_groups(&c, ordered);
        hand_over(&c);
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
