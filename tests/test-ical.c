/* SPDX-License-Identifier: MIT */
/* Unit tests of the iCalendar reader over fixtures shaped like real exports, and over
 * input meant to break it. */
#include "config.h"

#include <glib.h>
#include <string.h>

#include "handover.h"
#include "ical.h"

/* ---- helpers ------------------------------------------------------------------------- */

static int64_t at(const char *iso)
{
        g_autoptr(GDateTime) dt = g_date_time_new_from_iso8601(iso, NULL);
        g_assert_nonnull(dt);
        return g_date_time_to_unix(dt);
}

static char *utc(int64_t t)
{
        g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc(t);
        return g_date_time_format(dt, "%Y-%m-%dT%H:%M:%SZ");
}

/* One line per session: "START MINUTESm ZONE [rid RID] SUMMARY". */
static char *digest(const Handover *h)
{
        GString *s = g_string_new(NULL);
        for (guint i = 0; i < h->sessions->len; i++) {
                const HandoverSession *x = &g_array_index(h->sessions, HandoverSession, i);
                g_autofree char *start = utc(x->start);
                g_string_append_printf(s, "%s %" G_GINT64_FORMAT "m %s ", start,
                                       (x->end - x->start) / 60, x->zone);
                if (x->rid != HANDOVER_NO_RID) {
                        g_autofree char *rid = utc(x->rid);
                        g_string_append_printf(s, "rid %s ", rid);
                }
                g_string_append_printf(s, "%s\n", x->summary);
        }
        return g_string_free(s, FALSE);
}

static char *problems(const Handover *h)
{
        GString *s = g_string_new(NULL);
        for (guint i = 0; i < h->problems->len; i++) {
                const HandoverProblem *p = &g_array_index(h->problems, HandoverProblem, i);
                g_string_append_printf(s, "%s: %s\n", p->name, p->reason);
        }
        return g_string_free(s, FALSE);
}

typedef struct {
        const char *zone;
        const char *const *match;
        const char *from, *to;
} Opts;

static const char *const therapy[] = { "therapy", NULL };

static Handover *read_texts(const IcalText *t, size_t n, const Opts *o, size_t *good)
{
        g_autoptr(Tz) tz = tz_new(o->zone ? o->zone : "Europe/Berlin");
        g_assert_nonnull(tz);
        IcalSettings set = { o->match, tz, 50 * 60, at(o->from ? o->from : "2026-11-01T00:00:00Z"),
                             at(o->to ? o->to : "2027-01-01T00:00:00Z") };
        Handover *h = ical_read(t, n, &set, good);
        /* Whatever the reader makes, the hand-over format carries. */
        g_autofree char *text = handover_format(h);
        g_autoptr(Handover) back = NULL;
        g_autofree char *why = NULL;
        if (handover_parse_buf(text, strlen(text), &back, &why) < 0)
                g_error("the list does not parse back: %s", why);
        return h;
}

static Handover *read_string(const char *text, const Opts *o)
{
        IcalText t = { "test.ics", text, strlen(text) };
        return read_texts(&t, 1, o, NULL);
}

/* Reads fixture files (one, or several as a folder's). */
static Handover *read_fixtures(const char *const *names, const Opts *o)
{
        g_autoptr(GPtrArray) bufs = g_ptr_array_new_with_free_func(g_free);
        IcalText t[16];
        size_t n = 0;
        for (; names[n]; n++) {
                g_autofree char *path =
                        g_test_build_filename(G_TEST_DIST, "data", "calendars", names[n], NULL);
                char *buf;
                gsize len;
                g_assert_true(g_file_get_contents(path, &buf, &len, NULL));
                g_ptr_array_add(bufs, buf);
                t[n] = (IcalText){ names[n], buf, len };
        }
        return read_texts(t, n, o, NULL);
}

#define FIXTURE(name, ...) read_fixtures((const char *const[]){ name, NULL }, __VA_ARGS__)

static void assert_digest(const Handover *h, const char *want)
{
        g_autofree char *got = digest(h);
        g_assert_cmpstr(got, ==, want);
}

/* ---- real exports ---------------------------------------------------------------- */

static void test_google(void)
{
        /* X-WR-TIMEZONE says Los Angeles: not used. The changed instance is in UTC while
         * the series uses a TZID; the cancelled one names its instance in Berlin time. */
        g_autoptr(Handover) h = FIXTURE("google.ics", &(Opts){ .match = therapy });
        assert_digest(h, "2026-12-01T13:00:00Z 50m Europe/Berlin Therapy with Dr. Rivera\n"
                         "2026-12-08T15:00:00Z 50m Europe/Berlin rid 2026-12-08T13:00:00Z "
                         "Therapy with Dr. Rivera (moved)\n"
                         "2026-12-29T13:00:00Z 50m Europe/Berlin Therapy with Dr. Rivera\n");
        g_assert_cmpuint(h->allday, ==, 1);
        g_assert_cmpuint(h->problems->len, ==, 0);
        g_assert_cmpstr(g_array_index(h->sessions, HandoverSession, 0).uid, ==,
                        "4kq3m2v9s1t8@google.com");
        /* No match key: every timed event, the dentist too. */
        g_autoptr(Handover) all = FIXTURE("google.ics", &(Opts){ 0 });
        g_assert_cmpuint(all->sessions->len, ==, 4);
}

static void test_outlook_folder(void)
{
        /* Request, update (SEQUENCE 1: an hour later), cancel of one instance; a Windows
         * zone with no VTIMEZONE; a request and its cancellation. */
        static const char *const files[] = { "outlook/01-request.ics", "outlook/02-update.ics",
                                             "outlook/03-cancel-one.ics", "outlook/04-pst.ics",
                                             "outlook/05-group.ics",
                                             "outlook/06-group-cancel.ics", NULL };
        g_autoptr(Handover) h = read_fixtures(files, &(Opts){ .match = therapy });
        assert_digest(h, "2026-12-03T10:00:00Z 50m Europe/Berlin Therapie / therapy session\n"
                         "2026-12-04T17:00:00Z 60m America/Los_Angeles Couples therapy intake\n"
                         "2026-12-10T10:00:00Z 50m Europe/Berlin Therapie / therapy session\n"
                         "2026-12-24T10:00:00Z 50m Europe/Berlin Therapie / therapy session\n"
                         "2026-12-31T10:00:00Z 50m Europe/Berlin Therapie / therapy session\n");
        /* The same files in another order decide the same. */
        static const char *const reversed[] = { "outlook/06-group-cancel.ics",
                                                "outlook/03-cancel-one.ics",
                                                "outlook/02-update.ics", "outlook/01-request.ics",
                                                NULL };
        g_autoptr(Handover) r = read_fixtures(reversed, &(Opts){ .match = therapy });
        g_assert_cmpuint(r->sessions->len, ==, 4);
        g_assert_cmpint(g_array_index(r->sessions, HandoverSession, 0).start, ==,
                        at("2026-12-03T10:00:00Z"));
        /* The first request alone: 10:00 in Berlin, from the file's 1601 VTIMEZONE. */
        g_autoptr(Handover) first = FIXTURE("outlook/01-request.ics", &(Opts){ 0 });
        g_assert_cmpint(g_array_index(first->sessions, HandoverSession, 0).start, ==,
                        at("2026-12-03T09:00:00Z"));
}

static void test_icloud(void)
{
        /* A SUMMARY folded inside a UTF-8 character; every other week UNTIL (UTC) the
         * last instance exactly; an RDATE; across New York's spring change. */
        g_autoptr(Handover) h = FIXTURE("icloud.ics", &(Opts){ .from = "2027-01-01T00:00:00Z",
                                                               .to = "2027-12-01T00:00:00Z" });
        const char *t = "Session with Dr. Okafor – long enough that Apple folds it";
        g_autofree char *want = g_strdup_printf(
                "2027-03-02T14:00:00Z 50m America/New_York %s\n"
                "2027-03-12T22:00:00Z 50m America/New_York %s\n"
                "2027-03-16T13:00:00Z 50m America/New_York %s\n"
                "2027-03-30T13:00:00Z 50m America/New_York %s\n",
                t, t, t, t);
        assert_digest(h, want);
}

static void test_nextcloud_floating(void)
{
        /* Floating times are in the section's zone. */
        g_autoptr(Handover) h = FIXTURE("nextcloud.ics", &(Opts){ .match = therapy });
        assert_digest(h, "2026-11-30T09:00:00Z 50m Europe/Berlin therapy (last workday)\n"
                         "2026-12-09T16:00:00Z 90m Europe/Berlin Group THERAPY\n"
                         "2026-12-31T09:00:00Z 50m Europe/Berlin therapy (last workday)\n");
        g_autoptr(Handover) ny = FIXTURE("nextcloud.ics",
                                         &(Opts){ .zone = "America/New_York", .match = therapy });
        g_assert_cmpint(g_array_index(ny->sessions, HandoverSession, 0).start, ==,
                        at("2026-11-30T15:00:00Z"));
        g_assert_cmpstr(g_array_index(ny->sessions, HandoverSession, 0).zone, ==,
                        "America/New_York");
}

static void test_thunderbird(void)
{
        /* EXDATEs in UTC; an override whose RECURRENCE-ID is written in London time
         * replaces the Vienna instance at that instant and is matched by its own SUMMARY
         * (a dentist: no session); a cancelled series gives nothing. */
        g_autoptr(Handover) h = FIXTURE("thunderbird.ics", &(Opts){ .match = therapy });
        assert_digest(h, "2026-12-02T17:00:00Z 50m Europe/Vienna Therapy\n"
                         "2026-12-30T17:00:00Z 50m Europe/Vienna Therapy\n");
        static const char *const dentist[] = { "dentist", NULL };
        g_autoptr(Handover) d = FIXTURE("thunderbird.ics", &(Opts){ .match = dentist });
        assert_digest(d, "2026-12-23T17:00:00Z 50m Europe/Vienna rid 2026-12-23T17:00:00Z "
                         "Dentist instead\n");
}

static void test_problems(void)
{
        /* BOM, LF line ends; each bad event named, the rest read; the dentist's bad zone
         * is not the section's business. */
        g_autoptr(Handover) h = FIXTURE("problems.ics", &(Opts){ .match = therapy });
        assert_digest(h, "2026-12-02T03:15:00Z 50m Asia/Kathmandu Therapy that works\n");
        g_autofree char *p = problems(h);
        g_assert_cmpstr(p, ==,
                        "Therapy bad rule: cannot read its RRULE\n"
                        "Therapy on Mars: unknown time zone \"Mars/Olympus_Mons\"\n"
                        "bad-utf8@example.org: invalid UTF-8\n"
                        "Therapy bad end: cannot read its DTEND\n"
                        "Therapy without start: has no start (DTSTART)\n");
}

static void test_not_icalendar(void)
{
        static const struct {
                const char *text;
                size_t len;
        } bad[] = {
                { "<!DOCTYPE html><html>log in</html>", 34 },
                { "\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16 },
                { "BEGIN:VCALENDAR\r\nSUMMARY:a\0b\r\nEND:VCALENDAR\r\n", 45 },
                { "", 0 },
        };
        for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
                IcalText t = { "feed", bad[i].text, bad[i].len };
                size_t good = 9;
                g_autoptr(Handover) h = read_texts(&t, 1, &(Opts){ 0 }, &good);
                g_assert_cmpuint(good, ==, 0);
                g_assert_cmpuint(h->sessions->len, ==, 0);
                g_assert_cmpuint(h->problems->len, ==, 1);
                g_assert_cmpstr(g_array_index(h->problems, HandoverProblem, 0).name, ==, "feed");
        }
}

/* ---- rules ------------------------------------------------------------------------- */

#define CAL(...) "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n" __VA_ARGS__ "END:VCALENDAR\r\n"
#define EV(...) "BEGIN:VEVENT\r\nDTSTAMP:20261101T000000Z\r\n" __VA_ARGS__ "END:VEVENT\r\n"

static void test_gap_and_overlap(void)
{
        /* 02:30 on Berlin's spring-forward day becomes 03:30 CEST; on the fall-back day,
         * the first 02:30 (CEST). The same rule as INI sessions (tz_resolve). */
        g_autoptr(Handover) h = read_string(
                CAL(EV("UID:w\r\nSUMMARY:s\r\nDTSTART;TZID=Europe/Berlin:20270321T023000\r\n"
                       "RRULE:FREQ=WEEKLY;COUNT=2\r\n")
                    EV("UID:o\r\nSUMMARY:s\r\nDTSTART;TZID=Europe/Berlin:20271031T023000\r\n")),
                &(Opts){ .from = "2027-01-01T00:00:00Z", .to = "2028-01-01T00:00:00Z" });
        assert_digest(h, "2027-03-21T01:30:00Z 50m Europe/Berlin s\n"
                         "2027-03-28T01:30:00Z 50m Europe/Berlin s\n"
                         "2027-10-31T00:30:00Z 50m Europe/Berlin s\n");
}

static void test_until(void)
{
        /* A UTC UNTIL against instances in a zone east and west of UTC: compared as
         * instants (libical alone would compare the UTC time with the local one). */
        g_autoptr(Handover) h = read_string(
                CAL(EV("UID:east\r\nSUMMARY:e\r\nDTSTART;TZID=Asia/Tokyo:20261201T100000\r\n"
                       "RRULE:FREQ=DAILY;UNTIL=20261203T050000Z\r\n")
                    EV("UID:west\r\nSUMMARY:w\r\nDTSTART;TZID=America/New_York:20261201T200000\r\n"
                       "RRULE:FREQ=DAILY;UNTIL=20261203T003000Z\r\n")
                    EV("UID:date\r\nSUMMARY:d\r\nDTSTART:20261201T230000\r\n"
                       "RRULE:FREQ=DAILY;UNTIL=20261202\r\n")
                    /* Ended before it began: no instance, not even DTSTART. */
                    EV("UID:gone\r\nSUMMARY:g\r\nDTSTART:20261201T100000Z\r\n"
                       "RRULE:FREQ=DAILY;UNTIL=20261130T100000Z\r\n")),
                &(Opts){ 0 });
        assert_digest(h, "2026-12-01T01:00:00Z 50m Asia/Tokyo e\n"
                         "2026-12-01T22:00:00Z 50m Europe/Berlin d\n"
                         "2026-12-02T01:00:00Z 50m Asia/Tokyo e\n"
                         "2026-12-02T01:00:00Z 50m America/New_York w\n"
                         "2026-12-02T22:00:00Z 50m Europe/Berlin d\n"
                         "2026-12-03T01:00:00Z 50m Asia/Tokyo e\n");
}

static void test_versions(void)
{
        /* Equal SEQUENCE: the later DTSTAMP counts, wherever it comes in the text. */
        g_autoptr(Handover) h = read_string(
                CAL("BEGIN:VEVENT\r\nUID:v\r\nSEQUENCE:3\r\nDTSTAMP:20261105T000000Z\r\n"
                    "SUMMARY:new\r\nDTSTART:20261202T100000Z\r\nEND:VEVENT\r\n"
                    "BEGIN:VEVENT\r\nUID:v\r\nSEQUENCE:3\r\nDTSTAMP:20261101T000000Z\r\n"
                    "SUMMARY:old\r\nDTSTART:20261202T090000Z\r\nEND:VEVENT\r\n"
                    "BEGIN:VEVENT\r\nUID:v\r\nSEQUENCE:2\r\nDTSTAMP:20261201T000000Z\r\n"
                    "SUMMARY:older\r\nDTSTART:20261202T080000Z\r\nEND:VEVENT\r\n"),
                &(Opts){ 0 });
        assert_digest(h, "2026-12-02T10:00:00Z 50m Europe/Berlin new\n");
        /* An instance cancelled by STATUS, one moved out of the window, one moved in. */
        g_autoptr(Handover) m = read_string(
                CAL(EV("UID:s\r\nSUMMARY:Therapy\r\nDTSTART:20261201T100000Z\r\n"
                       "RRULE:FREQ=WEEKLY;COUNT=5\r\n")
                    EV("UID:s\r\nSUMMARY:Therapy\r\nRECURRENCE-ID:20261208T100000Z\r\n"
                       "DTSTART:20261208T100000Z\r\nSTATUS:CANCELLED\r\n")
                    EV("UID:s\r\nSUMMARY:Therapy\r\nRECURRENCE-ID:20261215T100000Z\r\n"
                       "DTSTART:20270115T100000Z\r\n")
                    EV("UID:s\r\nSUMMARY:Therapy, moved in\r\n"
                       "RECURRENCE-ID:20261229T100000Z\r\nDTSTART:20261130T230000Z\r\n"
                       "DURATION:PT1H\r\n")),
                &(Opts){ .from = "2026-11-30T00:00:00Z", .to = "2026-12-31T00:00:00Z" });
        assert_digest(m, "2026-11-30T23:00:00Z 60m Europe/Berlin rid 2026-12-29T10:00:00Z "
                         "Therapy, moved in\n"
                         "2026-12-01T10:00:00Z 50m Europe/Berlin Therapy\n"
                         "2026-12-22T10:00:00Z 50m Europe/Berlin Therapy\n");
}

static void test_zones(void)
{
        /* UTC by TZID; a Windows name with neither VTIMEZONE nor CLDR entry is a problem;
         * a non-IANA TZID explained by the file's VTIMEZONE has the section's zone as its
         * own; RDATE on an RRULE instance gives it once; all-day is never a session. */
        g_autoptr(Handover) h = read_string(
                CAL("BEGIN:VTIMEZONE\r\nTZID:My Own Zone\r\nBEGIN:STANDARD\r\n"
                    "DTSTART:19700101T000000\r\nTZOFFSETFROM:+0530\r\nTZOFFSETTO:+0530\r\n"
                    "END:STANDARD\r\nEND:VTIMEZONE\r\n"
                    EV("UID:a\r\nSUMMARY:utc\r\nDTSTART;TZID=UTC:20261202T100000\r\n")
                    EV("UID:b\r\nSUMMARY:win\r\nDTSTART;TZID=Nowhere Standard Time:20261202T100000\r\n")
                    EV("UID:c\r\nSUMMARY:own\r\nDTSTART;TZID=My Own Zone:20261202T100000\r\n"
                       "DTEND;TZID=My Own Zone:20261202T110000\r\n")
                    EV("UID:d\r\nSUMMARY:twice\r\nDTSTART:20261203T100000Z\r\n"
                       "RRULE:FREQ=DAILY;COUNT=2\r\nRDATE:20261204T100000Z,20261210T100000Z\r\n"
                       "EXDATE;VALUE=DATE:20261203\r\n")
                    EV("UID:e\r\nSUMMARY:allday\r\nDTSTART;VALUE=DATE:20261205\r\n"
                       "RRULE:FREQ=DAILY\r\n")),
                &(Opts){ 0 });
        assert_digest(h, "2026-12-02T04:30:00Z 60m Europe/Berlin own\n"
                         "2026-12-02T10:00:00Z 50m Europe/Berlin utc\n"
                         "2026-12-04T10:00:00Z 50m Europe/Berlin twice\n"
                         "2026-12-10T10:00:00Z 50m Europe/Berlin twice\n");
        g_autofree char *p = problems(h);
        g_assert_cmpstr(p, ==, "win: unknown time zone \"Nowhere Standard Time\"\n");
        g_assert_cmpuint(h->allday, ==, 1);
}

static void test_match(void)
{
        /* Case-insensitive beyond ASCII, a substring, any of several phrases. */
        static const char *const phrases[] = { "THERAPIE", "dr. rivera", NULL };
        g_autoptr(Handover) h = read_string(
                CAL(EV("UID:a\r\nSUMMARY:Psychotherapie\r\nDTSTART:20261202T100000Z\r\n")
                    EV("UID:b\r\nSUMMARY:Call DR. RIVERA\r\nDTSTART:20261202T110000Z\r\n")
                    EV("UID:c\r\nSUMMARY:Dentist\r\nDTSTART:20261202T120000Z\r\n")
                    EV("UID:d\r\nSUMMARY:ÄRZTIN\r\nDTSTART:20261202T130000Z\r\n")),
                &(Opts){ .match = phrases });
        g_assert_cmpuint(h->sessions->len, ==, 2);
        static const char *const umlaut[] = { "ärztin", NULL };
        g_autoptr(Handover) u = read_string(
                CAL(EV("UID:d\r\nSUMMARY:ÄRZTIN\r\nDTSTART:20261202T130000Z\r\n")),
                &(Opts){ .match = umlaut });
        g_assert_cmpuint(u->sessions->len, ==, 1);
}

/* ---- what must not crash, hang or eat memory --------------------------------------- */

static void test_never_ending(void)
{
        /* Every second since 2026, every minute since 1970, a rule that never matches: each
         * stops at the window or the cap, and says so when it is the cap. */
        g_autoptr(Handover) h = read_string(
                CAL(EV("UID:s\r\nSUMMARY:s\r\nDTSTART:20261201T000000Z\r\nRRULE:FREQ=SECONDLY\r\n")
                    EV("UID:m\r\nSUMMARY:m\r\nDTSTART:19700101T000000Z\r\nRRULE:FREQ=MINUTELY;INTERVAL=7\r\n")
                    EV("UID:n\r\nSUMMARY:n\r\nDTSTART:20261201T000000Z\r\n"
                       "RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30\r\n")),
                &(Opts){ .from = "2026-12-01T00:00:00Z", .to = "2036-12-01T00:00:00Z" });
        g_assert_cmpuint(h->sessions->len, >, 0);
        g_assert_cmpuint(h->sessions->len, <=, HANDOVER_MAX_SESSIONS);
        g_assert_cmpuint(h->problems->len, >=, 1);
}

static void test_large(void)
{
        /* 120,000 events within 16 MiB. */
        GString *s = g_string_new("BEGIN:VCALENDAR\r\n");
        for (int i = 0; i < 120000; i++)
                g_string_append_printf(s, "BEGIN:VEVENT\r\nUID:%d\r\nSUMMARY:x%d\r\n"
                                          "DTSTART:2026%02d%02dT100000Z\r\nEND:VEVENT\r\n",
                                       i, i, 1 + i % 12, 1 + i % 28);
        g_string_append(s, "END:VCALENDAR\r\n");
        g_assert_cmpuint(s->len, <=, ICAL_MAX_TEXT);
        static const char *const x7[] = { "x7777", NULL };
        g_autoptr(Handover) h = read_string(s->str, &(Opts){ .match = x7, .from = "2026-01-01T00:00:00Z" });
        g_assert_cmpuint(h->sessions->len, ==, 11); /* x7777, x77770..x77779 */
        /* All of them: more than the list holds; the earliest are kept, and it says so. */
        g_autoptr(Handover) all = read_string(s->str, &(Opts){ .from = "2026-01-01T00:00:00Z" });
        g_assert_cmpuint(all->sessions->len, ==, HANDOVER_MAX_SESSIONS);
        g_assert_cmpint(g_array_index(all->sessions, HandoverSession, 0).start, ==,
                        at("2026-01-01T10:00:00Z"));
        guint first_day = 0; /* events i with i % 12 == 0 and i % 28 == 0: every 84th */
        while (g_array_index(all->sessions, HandoverSession, first_day).start ==
               at("2026-01-01T10:00:00Z"))
                first_day++;
        g_assert_cmpuint(first_day, ==, (120000 + 83) / 84);
        g_assert_cmpint(g_array_index(all->sessions, HandoverSession, HANDOVER_MAX_SESSIONS - 1).start,
                        <, at("2026-11-01T00:00:00Z"));
        g_assert_cmpuint(all->problems->len, ==, 1);
        g_string_free(s, TRUE);

        /* One 16 MiB line; nesting far deeper than any calendar; a text over 16 MiB. */
        GString *line = g_string_new("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:l\r\n"
                                     "DTSTART:20261202T100000Z\r\nSUMMARY:");
        while (line->len < ICAL_MAX_TEXT - 200)
                g_string_append(line, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
        g_string_append(line, "\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n");
        g_autoptr(Handover) l = read_string(line->str, &(Opts){ 0 });
        g_assert_cmpuint(l->sessions->len, ==, 1);
        g_assert_cmpuint(strlen(g_array_index(l->sessions, HandoverSession, 0).summary), ==,
                         HANDOVER_MAX_TEXT);
        /* The same as an embedded attachment (ATTACH): left out, the event read. */
        memcpy(strstr(line->str, "SUMMARY:"), "ATTACH:a", 8);
        g_autoptr(Handover) dsc = read_string(line->str, &(Opts){ 0 });
        g_assert_cmpuint(dsc->sessions->len, ==, 1);
        g_string_free(line, TRUE);

        GString *deep = g_string_new("BEGIN:VCALENDAR\r\n");
        for (int i = 0; i < 200000; i++)
                g_string_append(deep, "BEGIN:X\r\n");
        g_autoptr(Handover) d = read_string(deep->str, &(Opts){ 0 });
        g_assert_cmpuint(d->problems->len, ==, 1);
        g_string_free(deep, TRUE);

        g_autofree char *big = g_malloc(ICAL_MAX_TEXT + 1);
        memset(big, 'A', ICAL_MAX_TEXT + 1);
        memcpy(big, "BEGIN:VCALENDAR\r\n", 17);
        IcalText t = { "big", big, ICAL_MAX_TEXT + 1 };
        g_autoptr(Handover) b = read_texts(&t, 1, &(Opts){ 0 }, NULL);
        g_assert_cmpstr(g_array_index(b->problems, HandoverProblem, 0).reason, ==,
                        "larger than 16 MiB");
}

int main(int argc, char **argv)
{
        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/ical/google", test_google);
        g_test_add_func("/ical/outlook-folder", test_outlook_folder);
        g_test_add_func("/ical/icloud", test_icloud);
        g_test_add_func("/ical/nextcloud-floating", test_nextcloud_floating);
        g_test_add_func("/ical/thunderbird", test_thunderbird);
        g_test_add_func("/ical/problems", test_problems);
        g_test_add_func("/ical/not-icalendar", test_not_icalendar);
        g_test_add_func("/ical/gap-and-overlap", test_gap_and_overlap);
        g_test_add_func("/ical/until", test_until);
        g_test_add_func("/ical/versions", test_versions);
        g_test_add_func("/ical/zones", test_zones);
        g_test_add_func("/ical/match", test_match);
        g_test_add_func("/ical/never-ending", test_never_ending);
        g_test_add_func("/ical/large", test_large);
        return g_test_run();
}
