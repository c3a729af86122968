/* SPDX-License-Identifier: MIT */
/* Unit tests of the proleptic Gregorian arithmetic in daemon/civil.c. */
#include "config.h"

#include <glib.h>

#include "civil.h"

static void test_known_days(void) {
        static const struct {
                Ymd date;
                int64_t days;
        } cases[] = {
                { { 1970, 1, 1 }, 0 },
                { { 1970, 1, 2 }, 1 },
                { { 1969, 12, 31 }, -1 },
                { { 2000, 1, 1 }, 10957 },
                { { 2000, 3, 1 }, 11017 },     /* 2000 is a leap year: Feb has 29 days */
                { { 2001, 1, 1 }, 11323 },
                { { 2026, 11, 25 }, 20782 },
                { { 2038, 1, 19 }, 24855 },    /* 2^31 s after the epoch falls on this day */
                { { 1900, 3, 1 }, -25508 },    /* 1900 is not a leap year */
                { { 1900, 2, 28 }, -25509 },
                { { 1, 1, 1 }, -719162 },
                { { 9999, 12, 31 }, 2932896 },
                { { 1600, 2, 29 }, -135081 },
        };

        for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
                Ymd d = cases[i].date;
                g_test_message("%04d-%02d-%02d", d.y, d.m, d.d);
                g_assert_cmpint(civil_days(d), ==, cases[i].days);
                Ymd back = civil_from_days(cases[i].days);
                g_assert_cmpint(back.y, ==, d.y);
                g_assert_cmpint(back.m, ==, d.m);
                g_assert_cmpint(back.d, ==, d.d);
        }
}

/* Walk every day of years 1..9999 once: each step must be the next valid date, and the
 * two functions must be inverse. */
static void test_round_trip_all(void) {
        Ymd first = { 1, 1, 1 };
        int64_t start = civil_days(first);
        Ymd prev = first;
        int64_t n = 0;

        g_assert_true(civil_valid(first));
        for (int64_t days = start + 1;; days++) {
                Ymd d = civil_from_days(days);
                if (d.y > 9999)
                        break;
                g_assert_true(civil_valid(d));
                g_assert_cmpint(civil_days(d), ==, days);

                /* The successor of prev: next day, next month, or next year. */
                if (d.d != 1) {
                        g_assert_cmpint(d.y, ==, prev.y);
                        g_assert_cmpint(d.m, ==, prev.m);
                        g_assert_cmpint(d.d, ==, prev.d + 1);
                } else {
                        g_assert_cmpint(prev.d, ==, civil_days_in_month(prev.y, prev.m));
                        if (d.m != 1) {
                                g_assert_cmpint(d.y, ==, prev.y);
                                g_assert_cmpint(d.m, ==, prev.m + 1);
                        } else {
                                g_assert_cmpint(prev.m, ==, 12);
                                g_assert_cmpint(d.y, ==, prev.y + 1);
                        }
                }
                g_assert_cmpint(civil_weekday(days), ==, civil_weekday(days - 1) % 7 + 1);
                prev = d;
                n++;
        }
        /* 0001-01-01 .. 9999-12-31 inclusive (24 eras of 146097 days, plus 399 years). */
        g_assert_cmpint(n + 1, ==, 3652059);
        g_assert_cmpint(prev.y, ==, 9999);
        g_assert_cmpint(prev.m, ==, 12);
        g_assert_cmpint(prev.d, ==, 31);
}

/* Far outside 1..9999 the arithmetic still round-trips (the schedule never goes there, but
 * nothing may overflow). */
static void test_round_trip_wide(void) {
        static const int64_t samples[] = {
                -800000000, -3000000, -719163, -719162, 2932896, 2932897, 3000000, 800000000,
        };

        for (size_t i = 0; i < G_N_ELEMENTS(samples); i++) {
                Ymd d = civil_from_days(samples[i]);
                g_assert_cmpint(civil_days(d), ==, samples[i]);
        }
        /* Just outside the valid years. */
        Ymd before = civil_from_days(-719163);
        g_assert_cmpint(before.y, ==, 0);
        g_assert_cmpint(before.m, ==, 12);
        g_assert_cmpint(before.d, ==, 31);
        g_assert_false(civil_valid(before));
        Ymd after = civil_from_days(2932897);
        g_assert_cmpint(after.y, ==, 10000);
        g_assert_cmpint(after.m, ==, 1);
        g_assert_cmpint(after.d, ==, 1);
        g_assert_false(civil_valid(after));

        /* Extreme inputs must not crash or trip the sanitizers. */
        (void) civil_from_days(INT64_MAX);
        (void) civil_from_days(INT64_MIN);
        (void) civil_weekday(INT64_MAX);
        (void) civil_weekday(INT64_MIN);
        (void) civil_days((Ymd) { G_MAXINT, G_MAXINT, G_MAXINT });
        (void) civil_days((Ymd) { G_MININT, G_MININT, G_MININT });
}

static void test_weekday(void) {
        static const struct {
                Ymd date;
                int wday;
        } cases[] = {
                { { 1970, 1, 1 }, 4 },    /* Thursday */
                { { 1969, 12, 29 }, 1 },  /* Monday */
                { { 1969, 12, 28 }, 7 },  /* Sunday */
                { { 2026, 11, 25 }, 3 },  /* Wednesday */
                { { 2026, 11, 30 }, 1 },  /* Monday */
                { { 2026, 11, 29 }, 7 },  /* Sunday */
                { { 2000, 1, 1 }, 6 },    /* Saturday */
                { { 2000, 2, 29 }, 2 },   /* Tuesday */
                { { 2024, 2, 29 }, 4 },   /* Thursday */
                { { 1900, 1, 1 }, 1 },    /* Monday */
                { { 1, 1, 1 }, 1 },       /* Monday (proleptic Gregorian) */
                { { 9999, 12, 31 }, 5 },  /* Friday */
                { { 1582, 10, 15 }, 5 },  /* Friday: first day of the Gregorian calendar */
        };

        for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
                Ymd d = cases[i].date;
                g_test_message("%04d-%02d-%02d", d.y, d.m, d.d);
                g_assert_cmpint(civil_weekday(civil_days(d)), ==, cases[i].wday);
        }
}

static void test_days_in_month(void) {
        static const struct {
                int y, m, n;
        } cases[] = {
                { 2026, 1, 31 }, { 2026, 2, 28 }, { 2026, 3, 31 }, { 2026, 4, 30 },
                { 2026, 5, 31 }, { 2026, 6, 30 }, { 2026, 7, 31 }, { 2026, 8, 31 },
                { 2026, 9, 30 }, { 2026, 10, 31 }, { 2026, 11, 30 }, { 2026, 12, 31 },
                { 2024, 2, 29 }, { 2000, 2, 29 }, { 1900, 2, 28 }, { 2100, 2, 28 },
                { 2400, 2, 29 }, { 2023, 2, 28 }, { 4, 2, 29 }, { 1, 2, 28 },
                { 2026, 0, 0 }, { 2026, 13, 0 }, { 2026, -1, 0 },
        };

        for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
                g_test_message("%d-%d", cases[i].y, cases[i].m);
                g_assert_cmpint(civil_days_in_month(cases[i].y, cases[i].m), ==, cases[i].n);
        }
}

static void test_valid(void) {
        static const struct {
                Ymd date;
                bool ok;
        } cases[] = {
                { { 2024, 2, 29 }, true },
                { { 2000, 2, 29 }, true },
                { { 1900, 2, 29 }, false },
                { { 2026, 2, 29 }, false },
                { { 2026, 4, 31 }, false },
                { { 2026, 12, 31 }, true },
                { { 1, 1, 1 }, true },
                { { 9999, 12, 31 }, true },
                { { 0, 12, 31 }, false },
                { { 10000, 1, 1 }, false },
                { { -1, 1, 1 }, false },
                { { 2026, 0, 1 }, false },
                { { 2026, 13, 1 }, false },
                { { 2026, 1, 0 }, false },
                { { 2026, 1, 32 }, false },
                { { 2026, 1, -5 }, false },
        };

        for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
                Ymd d = cases[i].date;
                g_test_message("%d-%d-%d", d.y, d.m, d.d);
                g_assert_cmpint(civil_valid(d), ==, cases[i].ok);
        }
}

int main(int argc, char **argv) {
        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/civil/known-days", test_known_days);
        g_test_add_func("/civil/round-trip-all", test_round_trip_all);
        g_test_add_func("/civil/round-trip-wide", test_round_trip_wide);
        g_test_add_func("/civil/weekday", test_weekday);
        g_test_add_func("/civil/days-in-month", test_days_in_month);
        g_test_add_func("/civil/valid", test_valid);
        return g_test_run();
}
