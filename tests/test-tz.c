/* SPDX-License-Identifier: MIT */
/* Unit tests of daemon/tz.c: RFC 5545 resolution of local times, offsets and their cache. */
#include "config.h"

#include <glib.h>

#include "tz.h"

/* An RFC 3339 instant -> Unix seconds, through GLib alone (not the code under test). */
static int64_t instant(const char *iso)
{
        g_autoptr(GDateTime) dt = g_date_time_new_from_iso8601(iso, NULL);
        g_assert_nonnull(dt);
        return g_date_time_to_unix(dt);
}

static char *utc_text(int64_t t)
{
        g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc(t);
        return g_date_time_format_iso8601(dt);
}

/* The offset GLib's GDateTime gives, as the uncached oracle for tz_offset_at(). */
static int32_t oracle_offset(const char *zone, int64_t t)
{
        g_autoptr(GTimeZone) gtz = g_time_zone_new_identifier(zone);
        g_assert_nonnull(gtz);
        g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc(t);
        g_autoptr(GDateTime) local = g_date_time_to_timezone(utc, gtz);
        return (int32_t)(g_date_time_get_utc_offset(local) / G_TIME_SPAN_SECOND);
}

static const struct {
        const char *zone;
        Ymd date;
        int hh, mm;
        const char *expect; /* the instant, UTC */
        const char *why;
} resolve_cases[] = {
        /* Ordinary times. */
        {"Europe/Berlin", {2026, 7, 1}, 12, 0, "2026-07-01T10:00:00Z", "summer"},
        {"Europe/Berlin", {2026, 1, 15}, 0, 0, "2026-01-14T23:00:00Z", "winter midnight"},
        {"Europe/Berlin", {2026, 12, 31}, 23, 59, "2026-12-31T22:59:00Z", "end of year"},
        {"UTC", {2026, 6, 1}, 9, 0, "2026-06-01T09:00:00Z", "UTC"},
        {"Asia/Kathmandu", {2026, 6, 1}, 9, 0, "2026-06-01T03:15:00Z", "+05:45"},
        {"Asia/Kathmandu", {2026, 1, 1}, 0, 0, "2025-12-31T18:15:00Z", "+05:45 at midnight"},
        {"America/Sao_Paulo", {2026, 6, 1}, 9, 0, "2026-06-01T12:00:00Z", "-03:00, no DST"},
        {"Australia/Sydney", {2026, 7, 1}, 12, 0, "2026-07-01T02:00:00Z", "southern winter"},
        {"Australia/Sydney", {2026, 1, 1}, 12, 0, "2026-01-01T01:00:00Z", "southern summer"},
        {"Europe/Dublin", {2026, 1, 15}, 12, 0, "2026-01-15T12:00:00Z", "negative DST winter"},
        {"Europe/Dublin", {2026, 7, 15}, 12, 0, "2026-07-15T11:00:00Z", "negative DST summer"},

        /* Gaps: move forward by the gap's length. */
        {"Europe/Berlin", {2026, 3, 29}, 2, 30, "2026-03-29T01:30:00Z", "gap: 03:30+02:00"},
        {"Europe/Berlin", {2026, 3, 29}, 2, 0, "2026-03-29T01:00:00Z", "gap starts"},
        {"Europe/Berlin", {2026, 3, 29}, 2, 59, "2026-03-29T01:59:00Z", "gap's last minute"},
        {"Europe/Berlin", {2026, 3, 29}, 3, 0, "2026-03-29T01:00:00Z", "after the gap"},
        {"Europe/Berlin", {2026, 3, 29}, 1, 59, "2026-03-29T00:59:00Z", "before the gap"},
        {"America/New_York", {2026, 3, 8}, 2, 30, "2026-03-08T07:30:00Z", "gap: 03:30 EDT"},
        {"America/New_York", {2026, 3, 8}, 3, 0, "2026-03-08T07:00:00Z", "after the gap"},
        {"America/New_York", {2026, 3, 8}, 1, 59, "2026-03-08T06:59:00Z", "before the gap"},
        {"Australia/Lord_Howe", {2026, 10, 4}, 2, 15, "2026-10-03T15:45:00Z", "30-min gap"},
        {"Australia/Lord_Howe", {2026, 10, 4}, 2, 0, "2026-10-03T15:30:00Z", "30-min gap starts"},
        {"Australia/Lord_Howe", {2026, 10, 4}, 2, 30, "2026-10-03T15:30:00Z", "after 30-min gap"},
        {"Australia/Sydney", {2026, 10, 4}, 2, 30, "2026-10-03T16:30:00Z", "southern spring gap"},
        {"Australia/Sydney", {2026, 10, 4}, 2, 0, "2026-10-03T16:00:00Z", "southern gap starts"},
        {"America/St_Johns", {2026, 3, 8}, 2, 30, "2026-03-08T06:00:00Z", "-03:30 zone's gap"},
        {"Pacific/Chatham", {2026, 9, 27}, 2, 45, "2026-09-26T14:00:00Z", "+12:45 zone's gap"},
        {"Pacific/Apia", {2011, 12, 30}, 12, 0, "2011-12-30T22:00:00Z", "a whole day skipped"},
        {"Pacific/Apia", {2011, 12, 29}, 12, 0, "2011-12-29T22:00:00Z", "the day before it"},

        /* Overlaps: the first of the two. */
        {"Europe/Berlin", {2026, 10, 25}, 2, 30, "2026-10-25T00:30:00Z", "overlap: +02:00"},
        {"Europe/Berlin", {2026, 10, 25}, 2, 0, "2026-10-25T00:00:00Z", "overlap starts"},
        {"Europe/Berlin", {2026, 10, 25}, 2, 59, "2026-10-25T00:59:00Z", "overlap's last minute"},
        {"Europe/Berlin", {2026, 10, 25}, 3, 0, "2026-10-25T02:00:00Z", "after the overlap"},
        {"Europe/Berlin", {2026, 10, 25}, 1, 59, "2026-10-24T23:59:00Z", "before the overlap"},
        {"America/New_York", {2026, 11, 1}, 1, 30, "2026-11-01T05:30:00Z", "overlap: EDT"},
        {"America/New_York", {2026, 11, 1}, 2, 0, "2026-11-01T07:00:00Z", "after the overlap"},
        {"Australia/Lord_Howe", {2026, 4, 5}, 1, 45, "2026-04-04T14:45:00Z", "30-min overlap"},
        {"Australia/Lord_Howe", {2026, 4, 5}, 1, 30, "2026-04-04T14:30:00Z", "30-min overlap starts"},
        {"Australia/Lord_Howe", {2026, 4, 5}, 2, 0, "2026-04-04T15:30:00Z", "after 30-min overlap"},
        {"Australia/Sydney", {2026, 4, 5}, 2, 30, "2026-04-04T15:30:00Z", "southern autumn overlap"},
        {"Australia/Sydney", {2026, 4, 5}, 3, 0, "2026-04-04T17:00:00Z", "after it"},
};

static void test_resolve(void)
{
        for (size_t i = 0; i < G_N_ELEMENTS(resolve_cases); i++) {
                g_autoptr(Tz) tz = tz_new(resolve_cases[i].zone);
                g_assert_nonnull(tz);
                int64_t got = tz_resolve(tz, resolve_cases[i].date, resolve_cases[i].hh * 60 +
                                                                      resolve_cases[i].mm);
                int64_t want = instant(resolve_cases[i].expect);
                if (got != want) {
                        g_autofree char *text = utc_text(got);
                        g_test_message("%s %04d-%02d-%02d %02d:%02d (%s): got %s, want %s",
                                       resolve_cases[i].zone, resolve_cases[i].date.y,
                                       resolve_cases[i].date.m, resolve_cases[i].date.d,
                                       resolve_cases[i].hh, resolve_cases[i].mm,
                                       resolve_cases[i].why, text, resolve_cases[i].expect);
                }
                g_assert_cmpint(got, ==, want);
        }
}

/* Every minute of a year in several zones: the resolved instant reads back as the same
 * local time unless that time does not exist, and then it lies within an hour after. */
static void test_resolve_round_trip(void)
{
        static const char *const zones[] = {"Europe/Berlin", "America/New_York",
                                            "Australia/Lord_Howe", "Australia/Sydney",
                                            "Asia/Kathmandu"};
        for (size_t z = 0; z < G_N_ELEMENTS(zones); z++) {
                g_autoptr(Tz) tz = tz_new(zones[z]);
                int64_t first = civil_days((Ymd){2026, 1, 1});
                size_t gaps = 0;
                for (int64_t day = first; day < first + 365; day++) {
                        Ymd date = civil_from_days(day);
                        for (int minute = 0; minute < 1440; minute += 15) {
                                int64_t t = tz_resolve(tz, date, minute);
                                Ymd back;
                                int sod;
                                tz_local(tz, t, &back, &sod);
                                if (civil_days(back) == day && sod == minute * 60) {
                                        /* Existing times: the first occurrence, so one hour
                                         * (or less) earlier must not read the same. */
                                        Ymd b2;
                                        int s2;
                                        for (int64_t dt = 1800; dt <= 3600; dt += 1800) {
                                                tz_local(tz, t - dt, &b2, &s2);
                                                g_assert_false(civil_days(b2) == day &&
                                                               s2 == minute * 60);
                                        }
                                        continue;
                                }
                                /* A gap: the local time as written does not exist, and the
                                 * session moves forward, by at most an hour here. */
                                gaps++;
                                int64_t naive = day * 86400 + minute * 60;
                                int64_t local_back = civil_days(back) * 86400 + sod;
                                g_assert_cmpint(local_back - naive, >, 0);
                                g_assert_cmpint(local_back - naive, <=, 3600);
                        }
                }
                /* A year holds exactly one spring-forward (none in Kathmandu). */
                g_test_message("%s: %zu quarter hours in gaps", zones[z], gaps);
                if (g_str_equal(zones[z], "Asia/Kathmandu"))
                        g_assert_cmpuint(gaps, ==, 0);
                else if (g_str_equal(zones[z], "Australia/Lord_Howe"))
                        g_assert_cmpuint(gaps, ==, 2);
                else
                        g_assert_cmpuint(gaps, ==, 4);
        }
}

/* Instants near the transitions of several zones, asked in a shuffled order (and again),
 * so that cached days and transition days interleave; each must match GLib's answer. */
static void test_offset_cache(void)
{
        static const char *const zones[] = {"Europe/Berlin", "America/New_York",
                                            "Australia/Lord_Howe", "Australia/Sydney",
                                            "Asia/Kathmandu", "UTC", "Pacific/Apia"};
        static const char *const anchors[] = {
                "2026-03-29T01:00:00Z", "2026-10-25T01:00:00Z", "2026-03-08T07:00:00Z",
                "2026-11-01T06:00:00Z", "2026-10-03T15:30:00Z", "2026-04-04T15:00:00Z",
                "2026-10-03T16:00:00Z", "2026-04-04T16:00:00Z", "2011-12-30T10:00:00Z",
                "1969-12-31T23:59:59Z", "2099-03-29T01:00:00Z", "1986-01-01T00:00:00Z",
        };
        GArray *times = g_array_new(FALSE, FALSE, sizeof(int64_t));
        static const int64_t deltas[] = {-86401, -86400, -3601, -3600, -1801, -1800, -61, -1,
                                         0,      1,      59,    1799,  1800,  3599,  3600, 86399,
                                         86400,  86401,  2 * 86400, 1024 * 86400,
                                         -1024 * 86400};
        for (size_t a = 0; a < G_N_ELEMENTS(anchors); a++)
                for (size_t d = 0; d < G_N_ELEMENTS(deltas); d++) {
                        int64_t t = instant(anchors[a]) + deltas[d];
                        g_array_append_val(times, t);
                }
        /* And a random sample over three years, with the same days asked more than once. */
        GRand *rand = g_rand_new_with_seed(20261125);
        int64_t lo = instant("2025-01-01T00:00:00Z"), hi = instant("2028-01-01T00:00:00Z");
        for (int i = 0; i < 3000; i++) {
                int64_t t = lo + (int64_t)(g_rand_double(rand) * (double)(hi - lo));
                g_array_append_val(times, t);
        }
        for (size_t z = 0; z < G_N_ELEMENTS(zones); z++) {
                g_autoptr(Tz) tz = tz_new(zones[z]);
                g_assert_nonnull(tz);
                int64_t *v = (int64_t *)(void *)times->data;
                for (int round = 0; round < 3; round++) {
                        /* Fisher-Yates shuffle. */
                        for (guint i = times->len - 1; i > 0; i--) {
                                guint j = (guint)g_rand_int_range(rand, 0, (gint32)i + 1);
                                int64_t tmp = v[i];
                                v[i] = v[j];
                                v[j] = tmp;
                        }
                        for (guint i = 0; i < times->len; i++) {
                                int32_t got = tz_offset_at(tz, v[i]);
                                int32_t want = oracle_offset(zones[z], v[i]);
                                if (got != want) {
                                        g_autofree char *text = utc_text(v[i]);
                                        g_test_message("%s at %s: got %d, want %d", zones[z],
                                                       text, got, want);
                                }
                                g_assert_cmpint(got, ==, want);
                        }
                }
        }
        g_rand_free(rand);
        g_array_free(times, TRUE);
}

/* Walking second by second across a transition, after the days around it were cached. */
static void test_offset_transition_walk(void)
{
        static const struct {
                const char *zone;
                const char *at; /* the transition, UTC */
                int32_t before, after;
        } cases[] = {
                {"Europe/Berlin", "2026-03-29T01:00:00Z", 3600, 7200},
                {"Europe/Berlin", "2026-10-25T01:00:00Z", 7200, 3600},
                {"America/New_York", "2026-03-08T07:00:00Z", -18000, -14400},
                {"America/New_York", "2026-11-01T06:00:00Z", -14400, -18000},
                {"Australia/Lord_Howe", "2026-10-03T15:30:00Z", 37800, 39600},
                {"Australia/Lord_Howe", "2026-04-04T15:00:00Z", 39600, 37800},
                {"Australia/Sydney", "2026-10-03T16:00:00Z", 36000, 39600},
                {"Australia/Sydney", "2026-04-04T16:00:00Z", 39600, 36000},
        };
        for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
                g_autoptr(Tz) tz = tz_new(cases[i].zone);
                int64_t at = instant(cases[i].at);
                /* Warm the cache with the neighbouring days first. */
                for (int d = -3; d <= 3; d++)
                        (void)tz_offset_at(tz, at + d * 86400);
                for (int64_t t = at - 7200; t < at + 7200; t++)
                        g_assert_cmpint(tz_offset_at(tz, t), ==,
                                        t < at ? cases[i].before : cases[i].after);
        }
}

static void test_local(void)
{
        static const struct {
                const char *zone;
                const char *at;
                Ymd date;
                int second;
        } cases[] = {
                {"Europe/Berlin", "2026-03-29T00:59:59Z", {2026, 3, 29}, 1 * 3600 + 3599},
                {"Europe/Berlin", "2026-03-29T01:00:00Z", {2026, 3, 29}, 3 * 3600},
                {"Europe/Berlin", "2026-10-25T00:30:00Z", {2026, 10, 25}, 2 * 3600 + 1800},
                {"Europe/Berlin", "2026-10-25T01:30:00Z", {2026, 10, 25}, 2 * 3600 + 1800},
                {"Europe/Berlin", "2026-12-31T23:00:00Z", {2027, 1, 1}, 0},
                {"America/New_York", "2026-01-01T04:59:59Z", {2025, 12, 31}, 86399},
                {"Asia/Kathmandu", "2026-06-01T18:15:00Z", {2026, 6, 2}, 0},
                {"Asia/Kathmandu", "2026-06-01T18:14:59Z", {2026, 6, 1}, 86399},
                {"Australia/Lord_Howe", "2026-10-03T15:30:00Z", {2026, 10, 4}, 2 * 3600 + 1800},
                {"UTC", "1969-12-31T23:59:59Z", {1969, 12, 31}, 86399},
                {"UTC", "1960-02-29T12:00:00Z", {1960, 2, 29}, 43200},
        };
        for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
                g_autoptr(Tz) tz = tz_new(cases[i].zone);
                Ymd d = {0, 0, 0};
                int sod = -1;
                g_test_message("%s %s", cases[i].zone, cases[i].at);
                tz_local(tz, instant(cases[i].at), &d, &sod);
                g_assert_cmpint(d.y, ==, cases[i].date.y);
                g_assert_cmpint(d.m, ==, cases[i].date.m);
                g_assert_cmpint(d.d, ==, cases[i].date.d);
                g_assert_cmpint(sod, ==, cases[i].second);
                /* Either output may be left out. */
                tz_local(tz, instant(cases[i].at), NULL, NULL);
        }
}

static void test_abbrev(void)
{
        g_autoptr(Tz) tz = tz_new("Europe/Berlin");
        g_assert_cmpstr(tz_abbrev_at(tz, instant("2026-01-15T12:00:00Z")), ==, "CET");
        g_assert_cmpstr(tz_abbrev_at(tz, instant("2026-07-15T12:00:00Z")), ==, "CEST");
}

static void test_new(void)
{
        static const char *const bad[] = {
                "",          "../etc/passwd", "/etc/localtime", "Europe/../../etc/passwd",
                "Mars/Olympus_Mons", "Europe/Berln", "europe/berlin", "/dev/zero",
                "Europe/Berlin ", " Europe/Berlin", "Europe/Berlin\n", "Europe//Berlin/..",
                "./UTC", "Europe/Berlin/", "Europe\\Berlin", "Etc/../UTC",
                /* Files in the zone folder that are not zones: GLib must not even see them
                 * (it fails an assertion on them, fatal under G_DEBUG=fatal-criticals). */
                "leapseconds", "Europe", "posix",
                /* POSIX TZ strings are no IANA names ("GMT+1" would mean UTC-1). */
                "GMT+1", "XYZ-3", "UTC0", "CET-1CEST", "EST5",
        };
        for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
                g_test_message("tz_new(\"%s\")", bad[i]);
                Tz *tz = tz_new(bad[i]);
                g_assert_null(tz);
        }
        g_assert_null(tz_new(NULL));

        static const char *const good[] = {"UTC", "Europe/Berlin", "America/New_York",
                                           "Australia/Lord_Howe", "Asia/Kathmandu",
                                           "America/Argentina/Buenos_Aires", "Etc/GMT+5",
                                           "America/Port-au-Prince", "EST5EDT", "CET"};
        for (size_t i = 0; i < G_N_ELEMENTS(good); i++) {
                g_test_message("tz_new(\"%s\")", good[i]);
                g_autoptr(Tz) tz = tz_new(good[i]);
                g_assert_nonnull(tz);
                g_assert_cmpstr(tz_name(tz), ==, good[i]);
        }
        g_autoptr(Tz) utc = tz_new("UTC");
        g_assert_cmpint(tz_offset_at(utc, instant("2026-07-01T00:00:00Z")), ==, 0);
        g_autoptr(Tz) gmt5 = tz_new("Etc/GMT+5"); /* POSIX sign: UTC-5 */
        g_assert_cmpint(tz_offset_at(gmt5, instant("2026-07-01T00:00:00Z")), ==, -5 * 3600);
}

static void test_local_zone(void)
{
        /* $TZ names the local zone. */
        g_setenv("TZ", "Asia/Kathmandu", TRUE);
        g_autoptr(Tz) tz = tz_new_local();
        g_assert_nonnull(tz);
        g_assert_cmpint(tz_offset_at(tz, instant("2026-07-01T00:00:00Z")), ==, 5 * 3600 + 2700);
        g_assert_nonnull(tz_name(tz));
        g_unsetenv("TZ");
}

static void test_ref(void)
{
        Tz *tz = tz_new("Europe/Berlin");
        g_assert_true(tz_ref(tz) == tz);
        tz_unref(tz);
        g_assert_cmpint(tz_offset_at(tz, instant("2026-07-01T00:00:00Z")), ==, 7200);
        tz_unref(tz);
        tz_unref(NULL);
        g_assert_null(tz_ref(NULL));
}

int main(int argc, char **argv)
{
        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/tz/resolve", test_resolve);
        g_test_add_func("/tz/resolve-round-trip", test_resolve_round_trip);
        g_test_add_func("/tz/offset-cache", test_offset_cache);
        g_test_add_func("/tz/offset-transition-walk", test_offset_transition_walk);
        g_test_add_func("/tz/local", test_local);
        g_test_add_func("/tz/abbrev", test_abbrev);
        g_test_add_func("/tz/new", test_new);
        g_test_add_func("/tz/local-zone", test_local_zone);
        g_test_add_func("/tz/ref", test_ref);
        return g_test_run();
}
