/* SPDX-License-Identifier: MIT */
/* Unit tests of the value parsers in daemon/timeparse.c: good forms give exact values, bad
 * forms give -EINVAL and leave the output alone. */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <glib.h>

#include "timeparse.h"

#define SENTINEL 0x5a5a

/* Names the case in the log, escaped: raw bytes would break the TAP stream. */
static void note(const char *what, const char *s) {
        g_autofree char *escaped = g_strescape(s, NULL);
        g_test_message("%s '%s'", what, escaped);
}

static void test_hhmm(void) {
        static const struct {
                const char *s;
                int minutes; /* -1: must be rejected */
        } cases[] = {
                { "00:00", 0 },
                { "23:59", 23 * 60 + 59 },
                { "09:30", 9 * 60 + 30 },
                { "9:30", 9 * 60 + 30 },
                { "0:00", 0 },
                { "12:00", 720 },
                { "14:05", 14 * 60 + 5 },
                { " 14:05\t", 14 * 60 + 5 },
                { "24:00", -1 },
                { "12:60", -1 },
                { "1230", -1 },
                { "12:5", -1 },
                { "9:5", -1 },
                { "009:30", -1 },
                { "12:005", -1 },
                { "12:30:00", -1 },
                { "12.30", -1 },
                { "12 :30", -1 },
                { "12: 30", -1 },
                { "1 2:30", -1 },
                { "+9:30", -1 },
                { "-9:30", -1 },
                { ":30", -1 },
                { "12:", -1 },
                { ":", -1 },
                { "", -1 },
                { "   ", -1 },
                { "ab:cd", -1 },
                { "12:3a", -1 },
                { "99:99", -1 },
                { "2pm", -1 },
                { "12:30pm", -1 },
                { "\xff\xfe:30", -1 },
        };

        for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
                int out = SENTINEL;
                int r = parse_hhmm(cases[i].s, &out);
                note("hhmm", cases[i].s);
                if (cases[i].minutes < 0) {
                        g_assert_cmpint(r, ==, -EINVAL);
                        g_assert_cmpint(out, ==, SENTINEL);
                } else {
                        g_assert_cmpint(r, ==, 0);
                        g_assert_cmpint(out, ==, cases[i].minutes);
                }
        }
}

static void test_date(void) {
        static const struct {
                const char *s;
                bool ok;
                Ymd date;
        } cases[] = {
                { "2026-11-25", true, { 2026, 11, 25 } },
                { "2024-02-29", true, { 2024, 2, 29 } },
                { "2000-02-29", true, { 2000, 2, 29 } },
                { "0001-01-01", true, { 1, 1, 1 } },
                { "9999-12-31", true, { 9999, 12, 31 } },
                { "2026-12-31", true, { 2026, 12, 31 } },
                { " 2026-01-05 ", true, { 2026, 1, 5 } },
                { "1900-02-29", false, { 0 } },
                { "2026-02-29", false, { 0 } },
                { "2026-04-31", false, { 0 } },
                { "2026-13-01", false, { 0 } },
                { "2026-00-10", false, { 0 } },
                { "2026-01-00", false, { 0 } },
                { "2026-01-32", false, { 0 } },
                { "0000-01-01", false, { 0 } },
                { "10000-01-01", false, { 0 } },
                { "2026-1-5", false, { 0 } },
                { "2026-01-5", false, { 0 } },
                { "26-01-05", false, { 0 } },
                { "2026/01/05", false, { 0 } },
                { "20260105", false, { 0 } },
                { "2026-01-05x", false, { 0 } },
                { "2026-01-05 09:30", false, { 0 } },
                { "2026 -01-05", false, { 0 } },
                { "2026-+1-05", false, { 0 } },
                { "2026--1-05", false, { 0 } },
                { "+026-01-05", false, { 0 } },
                { "-2026-01-05", false, { 0 } },
                { "2026-01- 5", false, { 0 } },
                { "", false, { 0 } },
                { "----------", false, { 0 } },
                { "\x80\x81\x82\x83-01-01", false, { 0 } },
        };

        for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
                Ymd out = { SENTINEL, SENTINEL, SENTINEL };
                int r = parse_date(cases[i].s, &out);
                note("date", cases[i].s);
                if (!cases[i].ok) {
                        g_assert_cmpint(r, ==, -EINVAL);
                        g_assert_cmpint(out.y, ==, SENTINEL);
                        g_assert_cmpint(out.m, ==, SENTINEL);
                        g_assert_cmpint(out.d, ==, SENTINEL);
                } else {
                        g_assert_cmpint(r, ==, 0);
                        g_assert_cmpint(out.y, ==, cases[i].date.y);
                        g_assert_cmpint(out.m, ==, cases[i].date.m);
                        g_assert_cmpint(out.d, ==, cases[i].date.d);
                }
        }
}

static void test_weekday(void) {
        static const struct {
                const char *s;
                int wday; /* -1: must be rejected */
        } cases[] = {
                { "Mon", 1 }, { "Tue", 2 }, { "Wed", 3 }, { "Thu", 4 },
                { "Fri", 5 }, { "Sat", 6 }, { "Sun", 7 },
                { "Monday", 1 }, { "Tuesday", 2 }, { "Wednesday", 3 }, { "Thursday", 4 },
                { "Friday", 5 }, { "Saturday", 6 }, { "Sunday", 7 },
                { "mon", 1 }, { "MON", 1 }, { "tHu", 4 }, { "SUNDAY", 7 }, { "wednesDAY", 3 },
                { " Fri ", 5 }, { "\tsat", 6 },
                { "Tues", -1 }, { "Thur", -1 }, { "Thurs", -1 }, { "Weds", -1 },
                { "Mo", -1 }, { "M", -1 }, { "", -1 }, { "Mondays", -1 },
                { "Mon.", -1 }, { "Mon,", -1 }, { "Mo n", -1 }, { "Monday1", -1 },
                { "1", -1 }, { "Montag", -1 }, { "Sunda", -1 }, { "Mon Tue", -1 },
                { "\xc3\x9c" "ber", -1 },
        };

        for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
                int out = SENTINEL;
                int r = parse_weekday(cases[i].s, &out);
                note("weekday", cases[i].s);
                if (cases[i].wday < 0) {
                        g_assert_cmpint(r, ==, -EINVAL);
                        g_assert_cmpint(out, ==, SENTINEL);
                } else {
                        g_assert_cmpint(r, ==, 0);
                        g_assert_cmpint(out, ==, cases[i].wday);
                }
        }
}

static void test_lead(void) {
        static const struct {
                const char *s;
                bool ok;
                int days;
                int64_t seconds;
        } cases[] = {
                { "1d", true, 1, 0 },
                { "2h", true, 0, 7200 },
                { "30m", true, 0, 1800 },
                { "1h30m", true, 0, 5400 },
                { "1w", true, 7, 0 },
                { "0m", true, 0, 0 },
                { "0h", true, 0, 0 },
                { "0w", true, 0, 0 },
                { "1d2h", true, 1, 7200 },
                { "1w2d3h4m", true, 9, 3 * 3600 + 4 * 60 },
                { "1w1m", true, 7, 60 },
                { "4w", true, 28, 0 },
                { "28d", true, 28, 0 },
                { "3w7d", true, 28, 0 },
                { "672h", true, 0, 672 * 3600 },
                { "40320m", true, 0, 40320 * 60 },
                { "27d24h", true, 27, 86400 },
                { "90m", true, 0, 5400 },
                { "01h", true, 0, 3600 },
                { " 1h ", true, 0, 3600 },
                { "4w1m", false, 0, 0 },
                { "29d", false, 0, 0 },
                { "5w", false, 0, 0 },
                { "673h", false, 0, 0 },
                { "40321m", false, 0, 0 },
                { "28d1m", false, 0, 0 },
                { "1x", false, 0, 0 },
                { "h", false, 0, 0 },
                { "1h1h", false, 0, 0 },
                { "1m1h", false, 0, 0 },
                { "1d1w", false, 0, 0 },
                { "1h1d", false, 0, 0 },
                { "", false, 0, 0 },
                { "  ", false, 0, 0 },
                { "-1h", false, 0, 0 },
                { "+1h", false, 0, 0 },
                { "1", false, 0, 0 },
                { "1h30", false, 0, 0 },
                { "1H", false, 0, 0 },
                { "1D", false, 0, 0 },
                { "1h 30m", false, 0, 0 },
                { "1 h", false, 0, 0 },
                { "1s", false, 0, 0 },
                { "1y", false, 0, 0 },
                { "1.5h", false, 0, 0 },
                { "1hm", false, 0, 0 },
                { "1h,30m", false, 0, 0 },
                { "99999999999999999999h", false, 0, 0 },
                { "18446744073709551617m", false, 0, 0 },
                { "9223372036854775807w", false, 0, 0 },
                { "100000001m", false, 0, 0 },
                { "1h\xff", false, 0, 0 },
                { "1h\n", false, 0, 0 },
        };

        for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
                Lead out = { SENTINEL, SENTINEL };
                int r = parse_lead(cases[i].s, &out);
                note("lead", cases[i].s);
                if (!cases[i].ok) {
                        g_assert_cmpint(r, ==, -EINVAL);
                        g_assert_cmpint(out.days, ==, SENTINEL);
                        g_assert_cmpint(out.seconds, ==, SENTINEL);
                } else {
                        g_assert_cmpint(r, ==, 0);
                        g_assert_cmpint(out.days, ==, cases[i].days);
                        g_assert_cmpint(out.seconds, ==, cases[i].seconds);
                }
        }
}

static void test_duration(void) {
        static const struct {
                const char *s;
                int64_t seconds; /* -1: must be rejected */
        } cases[] = {
                { "50m", 3000 },
                { "1h30m", 5400 },
                { "2h", 7200 },
                { "1m", 60 },
                { "12h", 43200 },
                { "11h60m", 43200 },
                { "720m", 43200 },
                { "0h1m", 60 },
                { "90m", 5400 },
                { "\t45m ", 2700 },
                { "0m", -1 },
                { "0h", -1 },
                { "0h0m", -1 },
                { "12h1m", -1 },
                { "13h", -1 },
                { "721m", -1 },
                { "1d", -1 },
                { "1w", -1 },
                { "1m1h", -1 },
                { "1h1h", -1 },
                { "30", -1 },
                { "m", -1 },
                { "", -1 },
                { "-50m", -1 },
                { "50M", -1 },
                { "50 m", -1 },
                { "1h 30m", -1 },
                { "50min", -1 },
                { "99999999999999999999999m", -1 },
        };

        for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
                int64_t out = SENTINEL;
                int r = parse_duration(cases[i].s, &out);
                note("duration", cases[i].s);
                if (cases[i].seconds < 0) {
                        g_assert_cmpint(r, ==, -EINVAL);
                        g_assert_cmpint(out, ==, SENTINEL);
                } else {
                        g_assert_cmpint(r, ==, 0);
                        g_assert_cmpint(out, ==, cases[i].seconds);
                }
        }
}

static void test_bool(void) {
        static const struct {
                const char *s;
                int value; /* -1: must be rejected */
        } cases[] = {
                { "on", 1 }, { "off", 0 }, { "yes", 1 }, { "no", 0 },
                { "true", 1 }, { "false", 0 }, { "1", 1 }, { "0", 0 },
                { "ON", 1 }, { "Off", 0 }, { "YES", 1 }, { "No", 0 },
                { "TRUE", 1 }, { "fAlSe", 0 }, { " on ", 1 }, { "\toff", 0 },
                { "", -1 }, { "o", -1 }, { "onn", -1 }, { "y", -1 }, { "n", -1 },
                { "t", -1 }, { "f", -1 }, { "2", -1 }, { "01", -1 }, { "00", -1 },
                { "enabled", -1 }, { "o n", -1 }, { "yes!", -1 }, { "-1", -1 },
                { "truefalse", -1 }, { "\xef\xbb\xbfon", -1 },
        };

        for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
                /* Start from the opposite value, so that an untouched output shows. */
                bool out = cases[i].value != 1;
                bool before = out;
                int r = parse_bool(cases[i].s, &out);
                note("bool", cases[i].s);
                if (cases[i].value < 0) {
                        g_assert_cmpint(r, ==, -EINVAL);
                        g_assert_cmpint(out, ==, before);
                } else {
                        g_assert_cmpint(r, ==, 0);
                        g_assert_cmpint(out, ==, cases[i].value);
                }
        }
        /* A rejected value must leave a true output true as well. */
        bool out = true;
        g_assert_cmpint(parse_bool("maybe", &out), ==, -EINVAL);
        g_assert_true(out);
}

static void test_uint_range(void) {
        static const struct {
                const char *s;
                int min, max;
                int value; /* -1: must be rejected */
        } cases[] = {
                { "1", 1, 52, 1 },
                { "52", 1, 52, 52 },
                { "7", 1, 52, 7 },
                { "0", 0, 10, 0 },
                { " 12 ", 1, 52, 12 },
                { "3660", 1, 3660, 3660 },
                { "2147483647", 0, G_MAXINT, G_MAXINT },
                { "0", 1, 52, -1 },
                { "53", 1, 52, -1 },
                { "3661", 1, 3660, -1 },
                { "2147483648", 0, G_MAXINT, -1 },
                { "99999999999999999999999", 0, G_MAXINT, -1 },
                { "05", 1, 52, -1 },
                { "00", 0, 52, -1 },
                { "+5", 1, 52, -1 },
                { "-5", -10, 52, -1 },
                { "5x", 1, 52, -1 },
                { "x5", 1, 52, -1 },
                { "5.0", 1, 52, -1 },
                { "1 2", 1, 52, -1 },
                { "0x10", 0, 100, -1 },
                { "1e2", 0, 1000, -1 },
                { "", 0, 52, -1 },
                { " ", 0, 52, -1 },
                { "5", 10, 1, -1 },   /* empty range */
                { "0", 1, -1, -1 },
                { "\xd9\xa5", 0, 52, -1 }, /* ARABIC-INDIC DIGIT FIVE */
        };

        for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
                int out = SENTINEL;
                int r = parse_uint_range(cases[i].s, cases[i].min, cases[i].max, &out);
                note("uint", cases[i].s);
                if (cases[i].value < 0) {
                        g_assert_cmpint(r, ==, -EINVAL);
                        g_assert_cmpint(out, ==, SENTINEL);
                } else {
                        g_assert_cmpint(r, ==, 0);
                        g_assert_cmpint(out, ==, cases[i].value);
                }
        }
}

static void test_trim(void) {
        static const struct {
                const char *in, *out;
        } cases[] = {
                { "", "" },
                { "   ", "" },
                { "\t \t", "" },
                { "a", "a" },
                { "  a  ", "a" },
                { "\ta b\t", "a b" },
                { "Tue 14:00 ", "Tue 14:00" },
                { " x", "x" },
                { "x ", "x" },
                { "\nx\n", "\nx\n" }, /* only space and tab are blanks */
        };

        for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
                g_autofree char *s = g_strdup(cases[i].in);
                note("trim", cases[i].in);
                g_assert_true(str_trim(s) == s);
                g_assert_cmpstr(s, ==, cases[i].out);
        }
        g_assert_null(str_trim(NULL));
}

/* NULL arguments are errors, not crashes. */
static void test_null(void) {
        int i = SENTINEL;
        int64_t i64 = SENTINEL;
        bool b = true;
        Ymd d = { 0 };
        Lead l = { 0 };

        g_assert_cmpint(parse_hhmm(NULL, &i), ==, -EINVAL);
        g_assert_cmpint(parse_hhmm("12:00", NULL), ==, -EINVAL);
        g_assert_cmpint(parse_date(NULL, &d), ==, -EINVAL);
        g_assert_cmpint(parse_date("2026-01-01", NULL), ==, -EINVAL);
        g_assert_cmpint(parse_weekday(NULL, &i), ==, -EINVAL);
        g_assert_cmpint(parse_weekday("Mon", NULL), ==, -EINVAL);
        g_assert_cmpint(parse_lead(NULL, &l), ==, -EINVAL);
        g_assert_cmpint(parse_lead("1h", NULL), ==, -EINVAL);
        g_assert_cmpint(parse_duration(NULL, &i64), ==, -EINVAL);
        g_assert_cmpint(parse_duration("1h", NULL), ==, -EINVAL);
        g_assert_cmpint(parse_bool(NULL, &b), ==, -EINVAL);
        g_assert_cmpint(parse_bool("on", NULL), ==, -EINVAL);
        g_assert_cmpint(parse_uint_range(NULL, 0, 9, &i), ==, -EINVAL);
        g_assert_cmpint(parse_uint_range("1", 0, 9, NULL), ==, -EINVAL);
        g_assert_cmpint(i, ==, SENTINEL);
        g_assert_cmpint(i64, ==, SENTINEL);
        g_assert_true(b);
}

/* Every parser over many pseudo-random short strings drawn from an alphabet that makes
 * near-misses likely: no crash, and every success is a value in range. Deterministic
 * (fixed seed) so that a failure can be reproduced. */
static void test_random(void) {
        static const char alphabet[] = "0123456789:-wdhmMonTueWdSFrSa yYsNnOfF\t+x\xff";
        GRand *rand = g_rand_new_with_seed(20261125);

        for (int n = 0; n < 200000; n++) {
                char buf[16];
                int len = g_rand_int_range(rand, 0, (int) sizeof(buf));
                for (int k = 0; k < len; k++)
                        buf[k] = alphabet[g_rand_int_range(rand, 0, (int) sizeof(alphabet) - 1)];
                buf[len] = '\0';

                int i;
                int64_t i64;
                bool b;
                Ymd d;
                Lead l;
                if (parse_hhmm(buf, &i) == 0)
                        g_assert_true(i >= 0 && i < 24 * 60);
                if (parse_date(buf, &d) == 0)
                        g_assert_true(civil_valid(d));
                if (parse_weekday(buf, &i) == 0)
                        g_assert_true(i >= 1 && i <= 7);
                if (parse_lead(buf, &l) == 0) {
                        g_assert_true(l.days >= 0 && l.seconds >= 0);
                        g_assert_cmpint(l.days * INT64_C(86400) + l.seconds, <=, LEAD_MAX_SECONDS);
                }
                if (parse_duration(buf, &i64) == 0)
                        g_assert_true(i64 >= 60 && i64 <= 43200);
                (void) parse_bool(buf, &b);
                if (parse_uint_range(buf, 1, 52, &i) == 0)
                        g_assert_true(i >= 1 && i <= 52);
                g_assert_true(strlen(str_trim(buf)) <= (size_t) len);
        }
        g_rand_free(rand);
}

int main(int argc, char **argv) {
        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/timeparse/hhmm", test_hhmm);
        g_test_add_func("/timeparse/date", test_date);
        g_test_add_func("/timeparse/weekday", test_weekday);
        g_test_add_func("/timeparse/lead", test_lead);
        g_test_add_func("/timeparse/duration", test_duration);
        g_test_add_func("/timeparse/bool", test_bool);
        g_test_add_func("/timeparse/uint-range", test_uint_range);
        g_test_add_func("/timeparse/trim", test_trim);
        g_test_add_func("/timeparse/null", test_null);
        g_test_add_func("/timeparse/random", test_random);
        return g_test_run();
}
