/* SPDX-License-Identifier: MIT */
/* Unit tests of daemon/schedule.c: expansion of series (built from inline schedule files by
 * schedfile_parse_buf) into sessions and reminders, and the next session and reminder. */
#include "config.h"

#include <glib.h>
#include <string.h>

#include "handover.h"
#include "schedfile.h"
#include "schedule.h"

/* Sessions without a timezone are in this zone. */
#define LOCAL_ZONE "Europe/Berlin"

static int64_t instant(const char *iso)
{
        g_autoptr(GDateTime) dt = g_date_time_new_from_iso8601(iso, NULL);
        if (!dt)
                g_error("bad instant in test: %s", iso);
        return g_date_time_to_unix(dt);
}

/* An instant as RFC 3339 in the named zone, formatted by GLib (not by the code under test). */
static char *text_in(const char *zone, int64_t t)
{
        g_autoptr(GTimeZone) gtz = g_time_zone_new_identifier(zone);
        g_assert_nonnull(gtz);
        g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc(t);
        g_autoptr(GDateTime) dt = g_date_time_to_timezone(utc, gtz);
        return g_date_time_format(dt, "%Y-%m-%dT%H:%M:%S%:z");
}

static Schedule *parse(const char *ini)
{
        g_autoptr(Tz) local = tz_new(LOCAL_ZONE);
        g_autoptr(SchedfileErrors) errors = NULL;
        Schedule *s = schedfile_parse_buf("test.ini", ini, strlen(ini), local, &errors);
        if (!s) {
                g_autofree char *text = schedfile_errors_format(errors);
                g_test_message("unexpected errors for:\n%s\n%s", ini, text);
        }
        g_assert_nonnull(s);
        g_assert_null(errors);
        return s;
}

/* "start start ..." of the sessions in [from, to), each in its own zone (its series'). */
static char *starts(const Schedule *s, const char *from, const char *to)
{
        g_autoptr(GArray) occ = schedule_expand(s, instant(from), instant(to));
        GString *out = g_string_new(NULL);
        for (guint i = 0; i < occ->len; i++) {
                const Occurrence *o = &g_array_index(occ, Occurrence, i);
                g_autofree char *t = text_in(tz_name(o->tz), o->start);
                g_string_append_printf(out, "%s%s", i ? " " : "", t);
        }
        return g_string_free(out, FALSE);
}

/* "start end | r1 r2 ..." of one occurrence, in its zone. */
static char *occurrence_text(const Occurrence *o)
{
        const char *zone = tz_name(o->tz);
        g_autofree char *a = text_in(zone, o->start);
        g_autofree char *b = text_in(zone, o->end);
        GString *out = g_string_new(NULL);
        g_string_append_printf(out, "%s %s |", a, b);
        for (size_t i = 0; i < o->n_reminders; i++) {
                g_autofree char *r = text_in(zone, o->reminders[i]);
                g_string_append_printf(out, " %s", r);
        }
        return g_string_free(out, FALSE);
}

/* The single occurrence in [from, to). */
static char *only_occurrence(const Schedule *s, const char *from, const char *to)
{
        g_autoptr(GArray) occ = schedule_expand(s, instant(from), instant(to));
        g_assert_cmpuint(occ->len, ==, 1);
        return occurrence_text(&g_array_index(occ, Occurrence, 0));
}

/* ---- table of expansions ------------------------------------------------------------------- */

static const struct {
        const char *name;
        const char *ini;
        const char *from, *to;
        const char *expect; /* session starts, space separated */
} expansions[] = {
        {"weekly, one weekday",
         "[t]\nweekly = Tue 14:00\n",
         "2026-11-25T00:00:00+01:00", "2026-12-16T00:00:00+01:00",
         "2026-12-01T14:00:00+01:00 2026-12-08T14:00:00+01:00 2026-12-15T14:00:00+01:00"},
        {"weekly, two weekdays",
         "[t]\nweekly = Mon, Thu 09:30\n",
         "2026-11-30T00:00:00+01:00", "2026-12-08T00:00:00+01:00",
         "2026-11-30T09:30:00+01:00 2026-12-03T09:30:00+01:00 2026-12-07T09:30:00+01:00"},
        {"weekly, full names in any case, one-digit hour",
         "[t]\nweekly = monday,THURSDAY 9:30\n",
         "2026-11-30T00:00:00+01:00", "2026-12-08T00:00:00+01:00",
         "2026-11-30T09:30:00+01:00 2026-12-03T09:30:00+01:00 2026-12-07T09:30:00+01:00"},
        {"weekly, the same weekday twice",
         "[t]\nweekly = Tue, tue 14:00\n",
         "2026-11-25T00:00:00+01:00", "2026-12-09T00:00:00+01:00",
         "2026-12-01T14:00:00+01:00 2026-12-08T14:00:00+01:00"},
        {"weekly, every day",
         "[t]\nweekly = Mon Tue Wed Thu Fri Sat Sun 07:00\n",
         "2026-11-29T00:00:00+01:00", "2026-12-02T00:00:00+01:00",
         "2026-11-29T07:00:00+01:00 2026-11-30T07:00:00+01:00 2026-12-01T07:00:00+01:00"},
        {"start boundary: at the session's start it is listed, a second later not",
         "[t]\nweekly = Tue 14:00\n",
         "2026-12-01T14:00:00+01:00", "2026-12-08T14:00:00+01:00",
         "2026-12-01T14:00:00+01:00"},
        {"every 2 weeks, counted from the week that holds start (a Thursday)",
         "[t]\nweekly = Mon, Thu 09:30\nevery = 2\nstart = 2026-11-05\n",
         "2026-11-01T00:00:00+01:00", "2026-12-06T00:00:00+01:00",
         "2026-11-05T09:30:00+01:00 2026-11-16T09:30:00+01:00 2026-11-19T09:30:00+01:00 "
         "2026-11-30T09:30:00+01:00 2026-12-03T09:30:00+01:00"},
        {"every 3 weeks, start on a Sunday: its week's Monday is before start",
         "[t]\nweekly = Mon 10:00\nevery = 3\nstart = 2026-11-08\n",
         "2026-10-01T00:00:00+02:00", "2027-01-10T00:00:00+01:00",
         "2026-11-23T10:00:00+01:00 2026-12-14T10:00:00+01:00 2027-01-04T10:00:00+01:00"},
        {"every 2 weeks across a year end (ISO week numbers restart, the count must not)",
         "[t]\nweekly = Wed 08:00\nevery = 2\nstart = 2026-12-16\n",
         "2026-12-01T00:00:00+01:00", "2027-01-31T00:00:00+01:00",
         "2026-12-16T08:00:00+01:00 2026-12-30T08:00:00+01:00 2027-01-13T08:00:00+01:00 "
         "2027-01-27T08:00:00+01:00"},
        {"every 1 with start: weekly from the start date on",
         "[t]\nweekly = Tue 14:00\nevery = 1\nstart = 2026-12-02\n",
         "2026-11-25T00:00:00+01:00", "2026-12-16T00:00:00+01:00",
         "2026-12-08T14:00:00+01:00 2026-12-15T14:00:00+01:00"},
        {"monthly, 2nd Wednesday",
         "[t]\nmonthly = 2nd Wed 17:00\n",
         "2026-11-01T00:00:00+01:00", "2027-02-28T00:00:00+01:00",
         "2026-11-11T17:00:00+01:00 2026-12-09T17:00:00+01:00 2027-01-13T17:00:00+01:00 "
         "2027-02-10T17:00:00+01:00"},
        {"monthly, last Friday",
         "[t]\nmonthly = last Fri 10:00\n",
         "2026-11-01T00:00:00+01:00", "2027-02-28T00:00:00+01:00",
         "2026-11-27T10:00:00+01:00 2026-12-25T10:00:00+01:00 2027-01-29T10:00:00+01:00 "
         "2027-02-26T10:00:00+01:00"},
        {"monthly, 5th Monday: only months that have one",
         "[t]\nmonthly = 5th Mon 10:00\n",
         "2026-01-01T00:00:00+01:00", "2028-01-01T00:00:00+01:00",
         "2026-03-30T10:00:00+02:00 2026-06-29T10:00:00+02:00 2026-08-31T10:00:00+02:00 "
         "2026-11-30T10:00:00+01:00 2027-03-29T10:00:00+02:00 2027-05-31T10:00:00+02:00 "
         "2027-08-30T10:00:00+02:00 2027-11-29T10:00:00+01:00"},
        {"monthly, 1st Sunday (a month that starts on Sunday)",
         "[t]\nmonthly = 1st Sun 11:00\n",
         "2026-02-01T00:00:00+01:00", "2026-04-01T00:00:00+02:00",
         "2026-02-01T11:00:00+01:00 2026-03-01T11:00:00+01:00"},
        {"monthly, day 31 skips short months",
         "[t]\nmonthly = 31 09:00\n",
         "2026-01-01T00:00:00+01:00", "2027-01-01T00:00:00+01:00",
         "2026-01-31T09:00:00+01:00 2026-03-31T09:00:00+02:00 2026-05-31T09:00:00+02:00 "
         "2026-07-31T09:00:00+02:00 2026-08-31T09:00:00+02:00 2026-10-31T09:00:00+01:00 "
         "2026-12-31T09:00:00+01:00"},
        {"monthly, day 29: February only in leap years",
         "[t]\nmonthly = 29 09:00\nuntil = 2028-03-01\n",
         "2027-01-01T00:00:00+01:00", "2029-01-01T00:00:00+01:00",
         "2027-01-29T09:00:00+01:00 2027-03-29T09:00:00+02:00 2027-04-29T09:00:00+02:00 "
         "2027-05-29T09:00:00+02:00 2027-06-29T09:00:00+02:00 2027-07-29T09:00:00+02:00 "
         "2027-08-29T09:00:00+02:00 2027-09-29T09:00:00+02:00 2027-10-29T09:00:00+02:00 "
         "2027-11-29T09:00:00+01:00 2027-12-29T09:00:00+01:00 2028-01-29T09:00:00+01:00 "
         "2028-02-29T09:00:00+01:00"},
        {"monthly, day 29 every 12 months from February: leap days only",
         "[t]\nmonthly = 29 09:00\nevery = 12\nstart = 2026-02-01\n",
         "2026-01-01T00:00:00+01:00", "2033-01-01T00:00:00+01:00",
         "2028-02-29T09:00:00+01:00 2032-02-29T09:00:00+01:00"},
        {"monthly, a leading zero day",
         "[t]\nmonthly = 05 09:00\n",
         "2026-11-01T00:00:00+01:00", "2026-12-31T00:00:00+01:00",
         "2026-11-05T09:00:00+01:00 2026-12-05T09:00:00+01:00"},
        {"every 3 months from start's month; the 15th of start's month is before start",
         "[t]\nmonthly = 15 09:00\nevery = 3\nstart = 2026-11-20\n",
         "2026-01-01T00:00:00+01:00", "2027-12-31T00:00:00+01:00",
         "2027-02-15T09:00:00+01:00 2027-05-15T09:00:00+02:00 2027-08-15T09:00:00+02:00 "
         "2027-11-15T09:00:00+01:00"},
        {"every 2 months, last Friday",
         "[t]\nmonthly = last Fri 10:00\nevery = 2\nstart = 2026-11-01\n",
         "2026-10-01T00:00:00+02:00", "2027-04-30T00:00:00+02:00",
         "2026-11-27T10:00:00+01:00 2027-01-29T10:00:00+01:00 2027-03-26T10:00:00+01:00"},
        {"once: sorted, duplicates merged, two on one day kept",
         "[t]\nonce = 2026-12-09 09:30, 2026-12-02 09:30, 2026-12-02 09:30, 2026-12-02 16:00\n",
         "2026-11-01T00:00:00+01:00", "2027-01-01T00:00:00+01:00",
         "2026-12-02T09:30:00+01:00 2026-12-02T16:00:00+01:00 2026-12-09T09:30:00+01:00"},
        {"once: Feb 29 of a leap year",
         "[t]\nonce = 2028-02-29 10:00\n",
         "2028-01-01T00:00:00+01:00", "2029-01-01T00:00:00+01:00",
         "2028-02-29T10:00:00+01:00"},
        {"start and until are inclusive",
         "[t]\nweekly = Tue 14:00\nstart = 2026-12-01\nuntil = 2026-12-15\n",
         "2026-01-01T00:00:00+01:00", "2028-01-01T00:00:00+01:00",
         "2026-12-01T14:00:00+01:00 2026-12-08T14:00:00+01:00 2026-12-15T14:00:00+01:00"},
        {"start equals until",
         "[t]\nweekly = Tue 14:00\nstart = 2026-12-08\nuntil = 2026-12-08\n",
         "2026-01-01T00:00:00+01:00", "2028-01-01T00:00:00+01:00",
         "2026-12-08T14:00:00+01:00"},
        {"start and until compare the local date in the session's zone",
         "[t]\nweekly = Tue 23:30\ntimezone = America/New_York\nstart = 2026-12-01\n"
         "until = 2026-12-08\n",
         "2026-01-01T00:00:00Z", "2028-01-01T00:00:00Z",
         "2026-12-01T23:30:00-05:00 2026-12-08T23:30:00-05:00"},
        {"once with start and until",
         "[t]\nonce = 2026-11-30 10:00, 2026-12-01 10:00, 2026-12-02 10:00\n"
         "start = 2026-12-01\nuntil = 2026-12-01\n",
         "2026-01-01T00:00:00+01:00", "2028-01-01T00:00:00+01:00",
         "2026-12-01T10:00:00+01:00"},
        {"skip",
         "[t]\nweekly = Tue 14:00\nskip = 2026-12-22, 2026-12-08\n",
         "2026-11-25T00:00:00+01:00", "2027-01-01T00:00:00+01:00",
         "2026-12-01T14:00:00+01:00 2026-12-15T14:00:00+01:00 2026-12-29T14:00:00+01:00"},
        {"skip a date without a session, and a once date",
         "[t]\nonce = 2026-12-02 09:30, 2026-12-09 09:30\nskip = 2026-12-09, 2026-12-10\n",
         "2026-11-25T00:00:00+01:00", "2027-01-01T00:00:00+01:00",
         "2026-12-02T09:30:00+01:00"},
        {"skip compares the local date of a late session far from UTC",
         "[t]\nweekly = Tue 23:30\ntimezone = America/Los_Angeles\nskip = 2026-12-08\n",
         "2026-12-01T00:00:00Z", "2026-12-20T00:00:00Z",
         "2026-12-01T23:30:00-08:00 2026-12-15T23:30:00-08:00"},
        {"a session in the spring-forward gap moves forward",
         "[t]\nonce = 2026-03-29 02:30\n",
         "2026-03-28T00:00:00+01:00", "2026-03-30T00:00:00+02:00",
         "2026-03-29T03:30:00+02:00"},
        {"a session in the fall-back overlap is the first one",
         "[t]\nweekly = Sun 02:30\n",
         "2026-10-24T00:00:00+02:00", "2026-10-26T00:00:00+01:00",
         "2026-10-25T02:30:00+02:00"},
        {"weekly across the spring change keeps the wall-clock time",
         "[t]\nweekly = Sat 10:00\n",
         "2026-03-21T00:00:00+01:00", "2026-04-05T00:00:00+02:00",
         "2026-03-21T10:00:00+01:00 2026-03-28T10:00:00+01:00 2026-04-04T10:00:00+02:00"},
        {"Lord Howe: weekly at 02:15, the 30-minute gap",
         "[t]\nweekly = Sun 02:15\ntimezone = Australia/Lord_Howe\n",
         "2026-09-26T00:00:00Z", "2026-10-12T00:00:00Z",
         "2026-09-27T02:15:00+10:30 2026-10-04T02:45:00+11:00 2026-10-11T02:15:00+11:00"},
        {"Sydney: fall back in April, overlap at 02:30 is the first (+11)",
         "[t]\nweekly = Sun 02:30\ntimezone = Australia/Sydney\n",
         "2026-03-28T00:00:00Z", "2026-04-13T00:00:00Z",
         "2026-03-29T02:30:00+11:00 2026-04-05T02:30:00+11:00 2026-04-12T02:30:00+10:00"},
        {"a session on a day that does not exist (Apia, 2011-12-30) moves to the next day",
         "[t]\nonce = 2011-12-30 10:00\ntimezone = Pacific/Apia\n",
         "2011-12-31T00:00:00+14:00", "2012-01-01T00:00:00+14:00",
         "2011-12-31T10:00:00+14:00"},
        {"Kathmandu +05:45",
         "[t]\nmonthly = 1st Mon 08:00\ntimezone = Asia/Kathmandu\n",
         "2026-11-01T00:00:00Z", "2027-01-01T00:00:00Z",
         "2026-11-02T08:00:00+05:45 2026-12-07T08:00:00+05:45"},
        {"ordered by start, then id",
         "[zeta]\nweekly = Tue 14:00\n[alpha]\nweekly = Tue 14:00\n"
         "[mid]\nweekly = Tue 13:00\ntimezone = Europe/London\n",
         "2026-12-01T00:00:00+01:00", "2026-12-02T00:00:00+01:00",
         /* mid at 13:00 London = 14:00 Berlin: same instant as alpha and zeta */
         "2026-12-01T14:00:00+01:00 2026-12-01T13:00:00+00:00 2026-12-01T14:00:00+01:00"},
        {"an empty range",
         "[t]\nweekly = Tue 14:00\n",
         "2026-12-01T14:00:00+01:00", "2026-12-01T14:00:00+01:00", ""},
        {"a reversed range",
         "[t]\nweekly = Tue 14:00\n",
         "2026-12-10T00:00:00+01:00", "2026-12-01T00:00:00+01:00", ""},
};

static void test_expansions(void)
{
        for (size_t i = 0; i < G_N_ELEMENTS(expansions); i++) {
                g_test_message("case: %s", expansions[i].name);
                g_autoptr(Schedule) s = parse(expansions[i].ini);
                g_autofree char *got = starts(s, expansions[i].from, expansions[i].to);
                g_assert_cmpstr(got, ==, expansions[i].expect);
        }
}

/* Ties at one instant are ordered by id, whatever the order in the file. */
static void test_order_ids(void)
{
        g_autoptr(Schedule) s = parse("[zeta]\nweekly = Tue 14:00\n[alpha]\nweekly = Tue 14:00\n"
                                      "[mid]\nweekly = Tue 13:00\ntimezone = Europe/London\n");
        g_autoptr(GArray) occ = schedule_expand(s, instant("2026-12-01T00:00:00Z"),
                                                instant("2026-12-02T00:00:00Z"));
        g_assert_cmpuint(occ->len, ==, 3);
        g_assert_cmpstr(g_array_index(occ, Occurrence, 0).series->id, ==, "alpha");
        g_assert_cmpstr(g_array_index(occ, Occurrence, 1).series->id, ==, "mid");
        g_assert_cmpstr(g_array_index(occ, Occurrence, 2).series->id, ==, "zeta");
        /* The series themselves are sorted by id, and section names are lower case. */
        g_autoptr(Schedule) s2 = parse("[Zeta]\nweekly = Tue 14:00\n[ALPHA]\nweekly = Tue 14:00\n");
        g_assert_cmpuint(s2->n_series, ==, 2);
        g_assert_cmpstr(s2->series[0].id, ==, "alpha");
        g_assert_cmpstr(s2->series[1].id, ==, "zeta");
        /* The default title is the name as written. */
        g_assert_cmpstr(s2->series[0].title, ==, "ALPHA");
        g_assert_cmpstr(s2->series[1].title, ==, "Zeta");
}

/* ---- reminders ------------------------------------------------------------------------------ */

static const struct {
        const char *name;
        const char *ini;
        const char *from, *to; /* holding the one session */
        const char *expect;    /* "start end | reminders" */
} reminders[] = {
        {"the contract's example",
         "[therapy]\ntitle = Therapy with Dr. Rivera\nweekly = Tue 14:00\nremind = 1d, 2h\n",
         "2026-12-01T00:00:00+01:00", "2026-12-02T00:00:00+01:00",
         "2026-12-01T14:00:00+01:00 2026-12-01T14:50:00+01:00 | 2026-11-30T14:00:00+01:00 "
         "2026-12-01T12:00:00+01:00"},
        {"defaults: 1d, 1h and 50m",
         "[t]\nonce = 2026-12-01 14:00\n",
         "2026-12-01T00:00:00+01:00", "2026-12-02T00:00:00+01:00",
         "2026-12-01T14:00:00+01:00 2026-12-01T14:50:00+01:00 | 2026-11-30T14:00:00+01:00 "
         "2026-12-01T13:00:00+01:00"},
        {"[defaults] remind and duration apply; a session's own wins",
         "[defaults]\nremind = 2d\nduration = 1h30m\n[t]\nonce = 2026-12-01 14:00\n"
         "[u]\nonce = 2026-12-05 14:00\nremind = 30m\nduration = 12h\n",
         "2026-12-01T00:00:00+01:00", "2026-12-02T00:00:00+01:00",
         "2026-12-01T14:00:00+01:00 2026-12-01T15:30:00+01:00 | 2026-11-29T14:00:00+01:00"},
        {"[defaults] after the sessions applies all the same",
         "[t]\nonce = 2026-12-01 14:00\n[defaults]\nremind = 2d\nduration = 1h30m\n",
         "2026-12-01T00:00:00+01:00", "2026-12-02T00:00:00+01:00",
         "2026-12-01T14:00:00+01:00 2026-12-01T15:30:00+01:00 | 2026-11-29T14:00:00+01:00"},
        {"a session's own remind and duration",
         "[defaults]\nremind = 2d\nduration = 1h30m\n[t]\nonce = 2026-12-01 14:00\n"
         "remind = 30m\nduration = 12h\n",
         "2026-12-01T00:00:00+01:00", "2026-12-02T00:00:00+01:00",
         "2026-12-01T14:00:00+01:00 2026-12-02T02:00:00+01:00 | 2026-12-01T13:30:00+01:00"},
        {"1d before a session on the spring-forward day is 23 h before; 24h is exact",
         "[t]\nonce = 2026-03-29 14:00\nremind = 1d, 24h\n",
         "2026-03-29T00:00:00+01:00", "2026-03-30T00:00:00+02:00",
         "2026-03-29T14:00:00+02:00 2026-03-29T14:50:00+02:00 | 2026-03-28T13:00:00+01:00 "
         "2026-03-28T14:00:00+01:00"},
        {"1d before a session the day after spring-forward: 24 h, merged with 24h",
         "[t]\nonce = 2026-03-30 14:00\nremind = 1d, 24h\n",
         "2026-03-30T00:00:00+02:00", "2026-03-31T00:00:00+02:00",
         "2026-03-30T14:00:00+02:00 2026-03-30T14:50:00+02:00 | 2026-03-29T14:00:00+02:00"},
        {"1d before a session on the fall-back day is 25 h before",
         "[t]\nonce = 2026-10-25 14:00\nremind = 1d, 24h\n",
         "2026-10-25T00:00:00+02:00", "2026-10-26T00:00:00+01:00",
         "2026-10-25T14:00:00+01:00 2026-10-25T14:50:00+01:00 | 2026-10-24T14:00:00+02:00 "
         "2026-10-24T15:00:00+02:00"},
        {"1w across the spring change: same wall-clock time a week earlier",
         "[t]\nonce = 2026-04-01 18:00\nremind = 1w, 168h\n",
         "2026-04-01T00:00:00+02:00", "2026-04-02T00:00:00+02:00",
         "2026-04-01T18:00:00+02:00 2026-04-01T18:50:00+02:00 | 2026-03-25T17:00:00+01:00 "
         "2026-03-25T18:00:00+01:00"},
        {"a session in the gap at 02:30: takes place at 03:30; 1d is 02:30 the day before",
         "[t]\nonce = 2026-03-29 02:30\nremind = 1d, 1h, 30m, 0m\n",
         "2026-03-29T00:00:00+01:00", "2026-03-30T00:00:00+02:00",
         "2026-03-29T03:30:00+02:00 2026-03-29T04:20:00+02:00 | 2026-03-28T02:30:00+01:00 "
         "2026-03-29T01:30:00+01:00 2026-03-29T03:00:00+02:00 2026-03-29T03:30:00+02:00"},
        {"1d before lands in a gap: moved forward",
         "[t]\nonce = 2026-03-30 02:30\nremind = 1d\n",
         "2026-03-30T00:00:00+02:00", "2026-03-31T00:00:00+02:00",
         "2026-03-30T02:30:00+02:00 2026-03-30T03:20:00+02:00 | 2026-03-29T03:30:00+02:00"},
        {"1d before lands in an overlap: the first",
         "[t]\nonce = 2026-10-26 02:30\nremind = 1d\n",
         "2026-10-26T00:00:00+01:00", "2026-10-27T00:00:00+01:00",
         "2026-10-26T02:30:00+01:00 2026-10-26T03:20:00+01:00 | 2026-10-25T02:30:00+02:00"},
        {"1d2h: a calendar day, then two exact hours",
         "[t]\nonce = 2026-12-01 14:00\nremind = 1d2h\n",
         "2026-12-01T00:00:00+01:00", "2026-12-02T00:00:00+01:00",
         "2026-12-01T14:00:00+01:00 2026-12-01T14:50:00+01:00 | 2026-11-30T12:00:00+01:00"},
        {"1d2h across the spring change",
         "[t]\nonce = 2026-03-30 01:00\nremind = 1d2h, 26h\n",
         "2026-03-30T00:00:00+02:00", "2026-03-31T00:00:00+02:00",
         "2026-03-30T01:00:00+02:00 2026-03-30T01:50:00+02:00 | 2026-03-28T22:00:00+01:00 "
         "2026-03-28T23:00:00+01:00"},
        {"duplicate instants are one reminder (60m and 1h, 1d and 24h, 2h and 120m)",
         "[t]\nonce = 2026-12-01 14:00\nremind = 60m, 1h, 1d, 24h, 2h, 120m, 1h, 0m\n",
         "2026-12-01T00:00:00+01:00", "2026-12-02T00:00:00+01:00",
         "2026-12-01T14:00:00+01:00 2026-12-01T14:50:00+01:00 | 2026-11-30T14:00:00+01:00 "
         "2026-12-01T12:00:00+01:00 2026-12-01T13:00:00+01:00 2026-12-01T14:00:00+01:00"},
        {"4w, the longest lead; earliest first whatever the order written",
         "[t]\nonce = 2026-12-29 09:00\nremind = 30m, 4w, 1w2d3h4m\n",
         "2026-12-29T00:00:00+01:00", "2026-12-30T00:00:00+01:00",
         "2026-12-29T09:00:00+01:00 2026-12-29T09:50:00+01:00 | 2026-12-01T09:00:00+01:00 "
         "2026-12-20T05:56:00+01:00 2026-12-29T08:30:00+01:00"},
        {"the session's own time zone",
         "[t]\nweekly = Mon 09:30\ntimezone = America/New_York\nremind = 1d, 90m\n",
         "2026-11-30T00:00:00-05:00", "2026-12-01T00:00:00-05:00",
         "2026-11-30T09:30:00-05:00 2026-11-30T10:20:00-05:00 | 2026-11-29T09:30:00-05:00 "
         "2026-11-30T08:00:00-05:00"},
        {"[defaults] timezone",
         "[defaults]\ntimezone = Asia/Kathmandu\n[t]\nonce = 2026-12-01 09:00\n",
         "2026-11-30T00:00:00Z", "2026-12-02T00:00:00Z",
         "2026-12-01T09:00:00+05:45 2026-12-01T09:50:00+05:45 | 2026-11-30T09:00:00+05:45 "
         "2026-12-01T08:00:00+05:45"},
};

static void test_reminders(void)
{
        for (size_t i = 0; i < G_N_ELEMENTS(reminders); i++) {
                g_test_message("case: %s", reminders[i].name);
                g_autoptr(Schedule) s = parse(reminders[i].ini);
                g_autofree char *got = only_occurrence(s, reminders[i].from, reminders[i].to);
                g_assert_cmpstr(got, ==, reminders[i].expect);
        }
}

/* ---- the next session and reminder --------------------------------------------------------- */

static void test_series_next(void)
{
        static const struct {
                const char *name;
                const char *ini;
                const char *after;
                const char *expect; /* NULL: none */
        } cases[] = {
                {"weekly", "[t]\nweekly = Tue 14:00\n", "2026-11-25T00:00:00Z",
                 "2026-12-01T14:00:00+01:00"},
                {"at the start itself", "[t]\nweekly = Tue 14:00\n", "2026-12-01T13:00:00Z",
                 "2026-12-01T14:00:00+01:00"},
                {"a second after the start", "[t]\nweekly = Tue 14:00\n", "2026-12-01T13:00:01Z",
                 "2026-12-08T14:00:00+01:00"},
                {"day 31 every 52 months: 8 years away",
                 "[t]\nmonthly = 31 09:00\nevery = 52\nstart = 2026-02-01\n",
                 "2026-01-01T00:00:00Z", "2034-10-31T09:00:00+01:00"},
                {"5th Saturday of February: 22 years away",
                 "[t]\nmonthly = 5th Sat 10:00\nevery = 12\nstart = 2026-02-01\n",
                 "2026-01-01T00:00:00Z", "2048-02-29T10:00:00+01:00"},
                {"29th every 48 months from an odd year's February: never",
                 "[t]\nmonthly = 29 09:00\nevery = 48\nstart = 2027-02-01\n",
                 "2026-01-01T00:00:00Z", NULL},
                {"a start date far ahead", "[t]\nweekly = Tue 14:00\nstart = 2031-06-01\n",
                 "2026-01-01T00:00:00Z", "2031-06-03T14:00:00+02:00"},
                {"once in the far future", "[t]\nonce = 2040-01-01 10:00\n",
                 "2026-01-01T00:00:00Z", "2040-01-01T10:00:00+01:00"},
                {"once in the past", "[t]\nonce = 2026-01-01 10:00\n", "2026-11-25T00:00:00Z",
                 NULL},
                {"until passed", "[t]\nweekly = Tue 14:00\nuntil = 2026-11-24\n",
                 "2026-11-25T00:00:00Z", NULL},
                {"until later", "[t]\nweekly = Tue 14:00\nuntil = 2027-12-31\n",
                 "2027-12-27T00:00:00Z", "2027-12-28T14:00:00+01:00"},
                {"everything skipped",
                 "[t]\nonce = 2026-12-01 10:00\nskip = 2026-12-01\n", "2026-11-25T00:00:00Z",
                 NULL},
                {"after a long run of skips",
                 "[t]\nweekly = Tue 14:00\nuntil = 2026-12-31\n"
                 "skip = 2026-12-01, 2026-12-08, 2026-12-15, 2026-12-22\n",
                 "2026-11-25T00:00:00Z", "2026-12-29T14:00:00+01:00"},
        };
        for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
                g_test_message("case: %s", cases[i].name);
                g_autoptr(Schedule) s = parse(cases[i].ini);
                g_assert_cmpuint(s->n_series, ==, 1);
                Occurrence o;
                bool found = series_next(&s->series[0], instant(cases[i].after), &o);
                if (!cases[i].expect) {
                        g_assert_false(found);
                        continue;
                }
                g_assert_true(found);
                g_autofree char *got = text_in(tz_name(o.series->tz), o.start);
                g_assert_cmpstr(got, ==, cases[i].expect);
        }
}

static void test_next_session(void)
{
        g_autoptr(Schedule) s = parse("[b]\nweekly = Tue 14:00\n[a]\nonce = 2026-12-01 14:00\n"
                                      "[c]\nweekly = Wed 08:00\n[old]\nonce = 2020-01-01 10:00\n");
        Occurrence o;
        g_assert_true(schedule_next_session(s, instant("2026-11-30T00:00:00Z"), &o));
        g_assert_cmpstr(o.series->id, ==, "a"); /* a tie with b at the same instant */
        g_assert_cmpint(o.start, ==, instant("2026-12-01T14:00:00+01:00"));
        g_assert_true(schedule_next_session(s, instant("2026-12-01T13:00:01Z"), &o));
        g_assert_cmpstr(o.series->id, ==, "c");
        g_assert_cmpint(o.start, ==, instant("2026-12-02T08:00:00+01:00"));

        g_autoptr(Schedule) none = parse("[old]\nonce = 2020-01-01 10:00\n");
        g_assert_false(schedule_next_session(none, instant("2026-11-30T00:00:00Z"), &o));
        g_autoptr(Schedule) empty = parse("");
        g_assert_cmpuint(empty->n_series, ==, 0);
        g_assert_false(schedule_next_session(empty, instant("2026-11-30T00:00:00Z"), &o));
        int64_t r;
        g_assert_false(schedule_next_reminder(empty, instant("2026-11-30T00:00:00Z"), &o, &r));
}

static void test_next_reminder(void)
{
        static const struct {
                const char *name;
                const char *ini;
                const char *now;
                const char *reminder; /* NULL: none */
                const char *session;  /* the session it belongs to */
                const char *id;
        } cases[] = {
                {"1w with weekly sessions: the next session's reminder has passed, so the next "
                 "reminder belongs to the week after",
                 "[t]\nweekly = Tue 14:00\nremind = 1w\n", "2026-11-30T12:00:00+01:00",
                 "2026-12-01T14:00:00+01:00", "2026-12-08T14:00:00+01:00", "t"},
                {"4w with weekly sessions",
                 "[t]\nweekly = Tue 14:00\nremind = 4w\n", "2026-11-30T12:00:00+01:00",
                 "2026-12-01T14:00:00+01:00", "2026-12-29T14:00:00+01:00", "t"},
                {"a reminder exactly now counts",
                 "[t]\nweekly = Tue 14:00\n", "2026-11-30T14:00:00+01:00",
                 "2026-11-30T14:00:00+01:00", "2026-12-01T14:00:00+01:00", "t"},
                {"a second later: the 1h one",
                 "[t]\nweekly = Tue 14:00\n", "2026-11-30T14:00:01+01:00",
                 "2026-12-01T13:00:00+01:00", "2026-12-01T14:00:00+01:00", "t"},
                {"the earliest over several series",
                 "[a]\nweekly = Fri 10:00\nremind = 1w\n[b]\nweekly = Wed 10:00\nremind = 30m\n",
                 "2026-11-30T12:00:00+01:00", "2026-12-02T09:30:00+01:00",
                 "2026-12-02T10:00:00+01:00", "b"},
                {"a session months away",
                 "[t]\nonce = 2027-06-01 09:00\nremind = 1d\n", "2026-11-25T00:00:00Z",
                 "2027-05-31T09:00:00+02:00", "2027-06-01T09:00:00+02:00", "t"},
                {"a session more than 31 days away with a 4w lead",
                 "[t]\nonce = 2027-01-10 09:00\nremind = 4w\n", "2026-12-01T00:00:00Z",
                 "2026-12-13T09:00:00+01:00", "2027-01-10T09:00:00+01:00", "t"},
                {"a session 30 days away with a 4w lead (its reminder already passed)",
                 "[t]\nonce = 2026-12-31 09:00, 2027-03-01 09:00\nremind = 4w\n",
                 "2026-12-05T00:00:00Z",
                 "2027-02-01T09:00:00+01:00", "2027-03-01T09:00:00+01:00", "t"},
                {"nothing left", "[t]\nonce = 2026-12-01 09:00\n", "2026-12-01T08:30:00Z",
                 NULL, NULL, NULL},
        };
        for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
                g_test_message("case: %s", cases[i].name);
                g_autoptr(Schedule) s = parse(cases[i].ini);
                Occurrence o;
                int64_t r = -1;
                bool found = schedule_next_reminder(s, instant(cases[i].now), &o, &r);
                if (!cases[i].reminder) {
                        g_assert_false(found);
                        continue;
                }
                g_assert_true(found);
                g_autofree char *rt = text_in(tz_name(o.series->tz), r);
                g_autofree char *st = text_in(tz_name(o.series->tz), o.start);
                g_assert_cmpstr(rt, ==, cases[i].reminder);
                g_assert_cmpstr(st, ==, cases[i].session);
                g_assert_cmpstr(o.series->id, ==, cases[i].id);
        }
}

/* ---- calendar series ------------------------------------------------------------------------ */

/* Gives the calendar series [id] the sessions "START END ZONE UID SUMMARY" (RFC 3339 instants,
 * the summary may be left out), in the order given. */
static void give_sessions(Schedule *s, const char *id, const char *const *rows, GHashTable *zones)
{
        g_autoptr(Handover) h = handover_new();
        for (size_t i = 0; rows[i]; i++) {
                g_auto(GStrv) f = g_strsplit(rows[i], " ", 5);
                g_assert_cmpuint(g_strv_length(f), >=, 4);
                g_assert_cmpint(handover_add_session(h, instant(f[0]), instant(f[1]), HANDOVER_NO_RID,
                                                     f[2], f[3], f[4] ? f[4] : ""), ==, 0);
        }
        for (size_t i = 0; i < s->n_series; i++)
                if (!strcmp(s->series[i].id, id)) {
                        series_set_sessions(&s->series[i], h, zones);
                        return;
                }
        g_error("no series [%s]", id);
}

/* Each occurrence of [from, to) as "title uid | start end | reminders", in its own zone. */
static char *calendar_text(const Schedule *s, const char *from, const char *to)
{
        g_autoptr(GArray) occ = schedule_expand(s, instant(from), instant(to));
        GString *out = g_string_new(NULL);
        for (guint i = 0; i < occ->len; i++) {
                const Occurrence *o = &g_array_index(occ, Occurrence, i);
                g_autofree char *t = occurrence_text(o);
                g_string_append_printf(out, "%s%s %s | %s", i ? "\n" : "", o->title,
                                       o->uid ? o->uid : "-", t);
        }
        return g_string_free(out, FALSE);
}

static void test_calendar_expand(void)
{
        g_autoptr(Schedule) s = parse("[cal]\ncalendar = ~/c.ics\nremind = 1d, 2h\nskip = 2026-12-01\n"
                                      "[weekly]\nweekly = Wed 09:00\nremind = 1h\n");
        static const char *const rows[] = {
                /* New York, a day on which Berlin is on the next date: local is New York's. */
                "2026-12-02T19:30:00-05:00 2026-12-02T20:20:00-05:00 America/New_York u1 Therapy",
                /* Skipped: 1 December in Los Angeles, though 2 December in Berlin. */
                "2026-12-01T20:00:00-08:00 2026-12-01T21:00:00-08:00 America/Los_Angeles u2 Skip me",
                /* A zone this machine does not know: the section's. */
                "2026-12-03T10:00:00+01:00 2026-12-03T11:00:00+01:00 Mars/Olympus u3",
                /* A start with seconds: kept exactly, also in the 1d reminder. */
                "2026-12-04T10:00:30Z 2026-12-04T10:50:30Z UTC u4 Seconds",
                NULL,
        };
        give_sessions(s, "cal", rows, NULL);
        g_assert_cmpuint(s->series[0].n_sessions, ==, 4);
        g_autofree char *got = calendar_text(s, "2026-11-30T00:00:00Z", "2026-12-05T00:00:00Z");
        g_assert_cmpstr(got, ==,
                        "weekly - | 2026-12-02T09:00:00+01:00 2026-12-02T09:50:00+01:00 | "
                        "2026-12-02T08:00:00+01:00\n"
                        "Therapy u1 | 2026-12-02T19:30:00-05:00 2026-12-02T20:20:00-05:00 | "
                        "2026-12-01T19:30:00-05:00 2026-12-02T17:30:00-05:00\n"
                        "cal u3 | 2026-12-03T10:00:00+01:00 2026-12-03T11:00:00+01:00 | "
                        "2026-12-02T10:00:00+01:00 2026-12-03T08:00:00+01:00\n"
                        "Seconds u4 | 2026-12-04T10:00:30+00:00 2026-12-04T10:50:30+00:00 | "
                        "2026-12-03T10:00:30+00:00 2026-12-04T08:00:30+00:00");
        /* The local date and time are the event zone's, at minute precision. */
        g_autoptr(GArray) occ = schedule_expand(s, instant("2026-12-02T20:00:00Z"),
                                                instant("2026-12-03T01:00:00Z"));
        g_assert_cmpuint(occ->len, ==, 1);
        const Occurrence *o = &g_array_index(occ, Occurrence, 0);
        g_assert_cmpstr(tz_name(o->tz), ==, "America/New_York");
        g_assert_cmpint(o->local.date.d, ==, 2);
        g_assert_cmpint(o->local.minute, ==, 19 * 60 + 30);
        g_assert_cmpstr(tz_name(s->series[0].tz), ==, LOCAL_ZONE);

        /* Set again: the old sessions are gone. */
        static const char *const none[] = {NULL};
        give_sessions(s, "cal", none, NULL);
        g_autofree char *after = calendar_text(s, "2026-12-02T12:00:00Z", "2026-12-05T00:00:00Z");
        g_assert_cmpstr(after, ==, "");
}

/* w and d leads count calendar days in the event's zone, across its own DST change. */
static void test_calendar_dst(void)
{
        g_autoptr(Schedule) s = parse("[cal]\ncalendar = ~/c.ics\nremind = 1d, 24h\n");
        static const char *const rows[] = {
                /* New York falls back on 1 November 2026 (Berlin did on 25 October). */
                "2026-11-01T10:00:00-05:00 2026-11-01T11:00:00-05:00 America/New_York a Therapy",
                NULL,
        };
        give_sessions(s, "cal", rows, NULL);
        g_autofree char *got = calendar_text(s, "2026-10-30T00:00:00Z", "2026-11-03T00:00:00Z");
        /* 1d: 10:00 the day before, on summer time; 24h: exactly a day, 11:00 by then. */
        g_assert_cmpstr(got, ==, "Therapy a | 2026-11-01T10:00:00-05:00 2026-11-01T11:00:00-05:00 | "
                                 "2026-10-31T10:00:00-04:00 2026-10-31T11:00:00-04:00");
}

/* One session per start (the first by uid), any order given; titles; check-in; zones shared. */
static void test_calendar_sessions(void)
{
        g_autoptr(Schedule) s = parse("[own]\ncalendar = ~/c.ics\ncheckin = 30m\nremind = 1h\n"
                                      "[titled]\ncalendar = ~/c.ics\ntitle = Practice\nremind = 1h\n");
        g_autoptr(GHashTable) zones = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                                            (GDestroyNotify)tz_unref);
        static const char *const rows[] = {
                "2026-12-03T10:00:00+01:00 2026-12-03T11:00:00+01:00 Europe/Paris b Second by uid",
                "2026-12-02T10:00:00+01:00 2026-12-02T11:00:00+01:00 Europe/Paris z Empty next",
                "2026-12-03T10:00:00+01:00 2026-12-03T10:30:00+01:00 Europe/Paris a First by uid",
                "2026-12-04T10:00:00+01:00 2026-12-04T11:00:00+01:00 Europe/Paris c",
                NULL,
        };
        give_sessions(s, "own", rows, zones);
        give_sessions(s, "titled", rows, zones);
        const Series *own = &s->series[0];
        g_assert_cmpuint(own->n_sessions, ==, 3);
        g_assert_cmpstr(own->sessions[1].uid, ==, "a");
        /* One zone, made once and shared. */
        g_assert_cmpuint(g_hash_table_size(zones), ==, 1);
        g_assert_true(own->sessions[0].tz == s->series[1].sessions[2].tz);

        g_autofree char *got = calendar_text(s, "2026-12-01T00:00:00Z", "2026-12-05T00:00:00Z");
        g_assert_cmpstr(got, ==,
                        "Empty next z | 2026-12-02T10:00:00+01:00 2026-12-02T11:00:00+01:00 | "
                        "2026-12-02T09:00:00+01:00\n"
                        "Practice z | 2026-12-02T10:00:00+01:00 2026-12-02T11:00:00+01:00 | "
                        "2026-12-02T09:00:00+01:00\n"
                        "First by uid a | 2026-12-03T10:00:00+01:00 2026-12-03T10:30:00+01:00 | "
                        "2026-12-03T09:00:00+01:00\n"
                        "Practice a | 2026-12-03T10:00:00+01:00 2026-12-03T10:30:00+01:00 | "
                        "2026-12-03T09:00:00+01:00\n"
                        "own c | 2026-12-04T10:00:00+01:00 2026-12-04T11:00:00+01:00 | "
                        "2026-12-04T09:00:00+01:00\n"
                        "Practice c | 2026-12-04T10:00:00+01:00 2026-12-04T11:00:00+01:00 | "
                        "2026-12-04T09:00:00+01:00");
        /* The check-in follows the session's own end. */
        Occurrence o;
        g_assert_true(series_next(own, instant("2026-12-02T10:00:01+01:00"), &o));
        g_assert_cmpint(o.checkin, ==, instant("2026-12-03T11:00:00+01:00"));
        g_assert_true(series_next(&s->series[1], instant("2026-12-02T10:00:01+01:00"), &o));
        g_assert_cmpint(o.checkin, ==, INT64_MIN);
}

/* series_next and schedule_next_reminder over calendar and weekly series together. */
static void test_calendar_next(void)
{
        g_autoptr(Schedule) s = parse("[cal]\ncalendar = ~/c.ics\nremind = 1d\nskip = 2027-03-02\n"
                                      "[weekly]\nweekly = Thu 12:00\nremind = 2h\n");
        static const char *const rows[] = {
                "2026-12-01T14:00:00+01:00 2026-12-01T14:50:00+01:00 Europe/Berlin a Therapy",
                "2027-03-02T14:00:00+01:00 2027-03-02T14:50:00+01:00 Europe/Berlin b Skipped",
                "2027-06-01T14:00:00+02:00 2027-06-01T14:50:00+02:00 Europe/Berlin c Far",
                NULL,
        };
        give_sessions(s, "cal", rows, NULL);
        const Series *cal = &s->series[0];
        Occurrence o;
        g_assert_true(series_next(cal, instant("2026-11-01T00:00:00Z"), &o));
        g_assert_cmpstr(o.uid, ==, "a");
        g_assert_true(series_next(cal, instant("2026-12-01T14:00:00+01:00"), &o));
        g_assert_cmpstr(o.uid, ==, "a");
        /* Past the skipped one, months away. */
        g_assert_true(series_next(cal, instant("2026-12-01T14:00:01+01:00"), &o));
        g_assert_cmpstr(o.uid, ==, "c");
        g_assert_false(series_next(cal, instant("2027-06-01T14:00:01+02:00"), &o));

        /* Monday noon: the calendar's 1d (Monday 14:00) comes before Thursday's 2h. */
        int64_t r;
        g_assert_true(schedule_next_reminder(s, instant("2026-11-30T12:00:00+01:00"), &o, &r));
        g_assert_cmpstr(o.series->id, ==, "cal");
        g_assert_cmpint(r, ==, instant("2026-11-30T14:00:00+01:00"));
        /* After it, Thursday's. */
        g_assert_true(schedule_next_reminder(s, instant("2026-11-30T14:00:01+01:00"), &o, &r));
        g_assert_cmpstr(o.series->id, ==, "weekly");
        g_assert_cmpint(r, ==, instant("2026-12-03T10:00:00+01:00"));
        /* In the spring, with only weekly sessions between: the far session's 1d is found
         * though it is more than 31 days away ... */
        g_autoptr(Schedule) only = parse("[cal]\ncalendar = ~/c.ics\nremind = 1d\n");
        give_sessions(only, "cal", rows, NULL);
        g_assert_true(schedule_next_reminder(only, instant("2027-03-03T00:00:00Z"), &o, &r));
        g_assert_cmpint(r, ==, instant("2027-05-31T14:00:00+02:00"));
        /* ... and schedule_next_session too. */
        g_assert_true(schedule_next_session(only, instant("2027-03-03T00:00:00Z"), &o));
        g_assert_cmpstr(o.title, ==, "Far");
}

/* ---- properties over generated schedules ---------------------------------------------------- */

static const char *const zones[] = {"Europe/Berlin", "America/New_York", "Australia/Lord_Howe",
                                    "Australia/Sydney", "Asia/Kathmandu", "UTC"};
static const char *const wd[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};

static char *random_section(GRand *r, int n)
{
        GString *s = g_string_new(NULL);
        g_string_append_printf(s, "[s%d]\n", n);
        /* Times near the 02:00-03:00 changes are the interesting ones. */
        int hh = g_rand_boolean(r) ? g_rand_int_range(r, 0, 4) : g_rand_int_range(r, 0, 24);
        int mm = g_rand_int_range(r, 0, 4) * 15;
        switch (g_rand_int_range(r, 0, 4)) {
        case 0: {
                g_string_append(s, "weekly = ");
                int k = g_rand_int_range(r, 1, 4);
                for (int i = 0; i < k; i++)
                        g_string_append_printf(s, "%s, ", wd[g_rand_int_range(r, 0, 7)]);
                g_string_append_printf(s, "%02d:%02d\n", hh, mm);
                break;
        }
        case 1:
                g_string_append_printf(s, "monthly = %s %s %02d:%02d\n",
                                       (const char *[]){"1st", "2nd", "3rd", "4th", "5th",
                                                        "last"}[g_rand_int_range(r, 0, 6)],
                                       wd[g_rand_int_range(r, 0, 7)], hh, mm);
                break;
        case 2:
                g_string_append_printf(s, "monthly = %d %02d:%02d\n", g_rand_int_range(r, 1, 32),
                                       hh, mm);
                break;
        default:
                g_string_append(s, "once = ");
                for (int i = 0, k = g_rand_int_range(r, 1, 5); i < k; i++)
                        g_string_append_printf(s, "%s2026-%02d-%02d %02d:%02d", i ? ", " : "",
                                               g_rand_int_range(r, 1, 13),
                                               g_rand_int_range(r, 1, 29), hh, mm);
                g_string_append_c(s, '\n');
                break;
        }
        if (!strstr(s->str, "once") && g_rand_boolean(r))
                g_string_append_printf(s, "every = %d\nstart = 2026-%02d-%02d\n",
                                       g_rand_int_range(r, 2, 6), g_rand_int_range(r, 1, 13),
                                       g_rand_int_range(r, 1, 29));
        g_string_append_printf(s, "timezone = %s\n", zones[g_rand_int_range(r, 0, 6)]);
        g_string_append_printf(s, "remind = %dd, %dh%dm, %dw\n", g_rand_int_range(r, 0, 3),
                               g_rand_int_range(r, 0, 30), g_rand_int_range(r, 0, 60),
                               g_rand_int_range(r, 0, 2));
        return g_string_free(s, FALSE);
}

static bool append_occ(const Occurrence *o, void *userdata)
{
        g_array_append_val((GArray *)userdata, *o);
        return true;
}

/* Invariants that hold for any schedule: order, range, splitting the range, series_next
 * agreeing with expansion, each session's local time as written (or moved out of a gap),
 * reminders sorted and distinct and before or at the start. */
static void test_properties(void)
{
        GRand *r = g_rand_new_with_seed(7);
        int64_t year_from = instant("2026-01-01T00:00:00Z");
        int64_t year_to = instant("2027-01-01T00:00:00Z");
        for (int round = 0; round < 60; round++) {
                GString *ini = g_string_new("[defaults]\nduration = 1h\n");
                for (int i = 0; i < 4; i++) {
                        g_autofree char *sec = random_section(r, i);
                        g_string_append(ini, sec);
                }
                g_test_message("schedule:\n%s", ini->str);
                g_autoptr(Schedule) s = parse(ini->str);
                g_string_free(ini, TRUE);

                g_autoptr(GArray) all = schedule_expand(s, year_from, year_to);
                for (guint i = 0; i < all->len; i++) {
                        const Occurrence *o = &g_array_index(all, Occurrence, i);
                        g_assert_cmpint(o->start, >=, year_from);
                        g_assert_cmpint(o->start, <, year_to);
                        g_assert_cmpint(o->end - o->start, ==, 3600);
                        if (i > 0) {
                                const Occurrence *p = &g_array_index(all, Occurrence, i - 1);
                                g_assert_true(p->start < o->start ||
                                              (p->start == o->start &&
                                               strcmp(p->series->id, o->series->id) < 0));
                        }
                        g_assert_cmpuint(o->n_reminders, >=, 1);
                        for (size_t k = 0; k < o->n_reminders; k++) {
                                g_assert_cmpint(o->reminders[k], <=, o->start);
                                g_assert_cmpint(o->reminders[k], >=, o->start - 29 * 86400);
                                if (k)
                                        g_assert_cmpint(o->reminders[k - 1], <, o->reminders[k]);
                        }
                        /* The local time is the one written, or up to an hour later (gap). */
                        Ymd d;
                        int sod;
                        tz_local(o->series->tz, o->start, &d, &sod);
                        int64_t written = civil_days(o->local.date) * 86400 + o->local.minute * 60;
                        int64_t seen = civil_days(d) * 86400 + sod;
                        g_assert_cmpint(seen - written, >=, 0);
                        g_assert_cmpint(seen - written, <=, 3600);
                }

                /* Split the year at random points: the pieces hold the same sessions. */
                int64_t cut1 = year_from + g_rand_int_range(r, 0, 180 * 86400);
                int64_t cut2 = cut1 + g_rand_int_range(r, 0, 180 * 86400);
                g_autoptr(GArray) a = schedule_expand(s, year_from, cut1);
                g_autoptr(GArray) b = schedule_expand(s, cut1, cut2);
                g_autoptr(GArray) c = schedule_expand(s, cut2, year_to);
                g_assert_cmpuint(a->len + b->len + c->len, ==, all->len);
                for (guint i = 0; i < all->len; i++) {
                        const Occurrence *x = &g_array_index(all, Occurrence, i);
                        const Occurrence *y =
                                i < a->len ? &g_array_index(a, Occurrence, i)
                                : i < a->len + b->len ? &g_array_index(b, Occurrence, i - a->len)
                                : &g_array_index(c, Occurrence, i - a->len - b->len);
                        g_assert_cmpint(x->start, ==, y->start);
                        g_assert_true(x->series == y->series);
                }

                /* series_next from random instants agrees with series_expand. */
                for (size_t si = 0; si < s->n_series; si++) {
                        const Series *ser = &s->series[si];
                        GArray *list = g_array_new(FALSE, FALSE, sizeof(Occurrence));
                        series_expand(ser, year_from, year_to, append_occ, list);
                        for (int k = 0; k < 10; k++) {
                                int64_t t = year_from + g_rand_int_range(r, 0, 330 * 86400);
                                const Occurrence *want = NULL;
                                for (guint j = 0; j < list->len && !want; j++)
                                        if (g_array_index(list, Occurrence, j).start >= t)
                                                want = &g_array_index(list, Occurrence, j);
                                Occurrence got;
                                bool found = series_next(ser, t, &got);
                                if (want) {
                                        g_assert_true(found);
                                        g_assert_cmpint(got.start, ==, want->start);
                                } else if (found) {
                                        g_assert_cmpint(got.start, >=, year_to);
                                }
                        }
                        g_array_free(list, TRUE);
                }
        }
        g_rand_free(r);
}

/* series_occurrence() on its own: a date and time as written. */
static void test_occurrence(void)
{
        g_autoptr(Schedule) s = parse("[t]\nweekly = Tue 14:00\nremind = 2h, 1d\nduration = 1m\n");
        Occurrence o;
        series_occurrence(&s->series[0], (LocalTime){{2026, 12, 1}, 14 * 60}, &o);
        g_autofree char *got = occurrence_text(&o);
        g_assert_cmpstr(got, ==, "2026-12-01T14:00:00+01:00 2026-12-01T14:01:00+01:00 | "
                                 "2026-11-30T14:00:00+01:00 2026-12-01T12:00:00+01:00");
        g_assert_cmpint(o.local.date.d, ==, 1);
        g_assert_cmpint(o.local.minute, ==, 14 * 60);
        g_assert_true(o.series == &s->series[0]);
}

/* An early stop from the callback is honoured. */
static bool stop_after_two(const Occurrence *o, void *userdata)
{
        int *n = userdata;
        return ++*n < 2;
}

static void test_expand_stop(void)
{
        g_autoptr(Schedule) s = parse("[t]\nweekly = Mon Tue Wed 10:00\n");
        int n = 0;
        series_expand(&s->series[0], instant("2026-11-01T00:00:00Z"),
                      instant("2027-11-01T00:00:00Z"), stop_after_two, &n);
        g_assert_cmpint(n, ==, 2);
}

int main(int argc, char **argv)
{
        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/schedule/expansions", test_expansions);
        g_test_add_func("/schedule/order-ids", test_order_ids);
        g_test_add_func("/schedule/reminders", test_reminders);
        g_test_add_func("/schedule/occurrence", test_occurrence);
        g_test_add_func("/schedule/expand-stop", test_expand_stop);
        g_test_add_func("/schedule/series-next", test_series_next);
        g_test_add_func("/schedule/next-session", test_next_session);
        g_test_add_func("/schedule/next-reminder", test_next_reminder);
        g_test_add_func("/schedule/properties", test_properties);
        g_test_add_func("/schedule/calendar-expand", test_calendar_expand);
        g_test_add_func("/schedule/calendar-dst", test_calendar_dst);
        g_test_add_func("/schedule/calendar-sessions", test_calendar_sessions);
        g_test_add_func("/schedule/calendar-next", test_calendar_next);
        return g_test_run();
}
