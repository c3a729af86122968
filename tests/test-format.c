/* SPDX-License-Identifier: MIT */
/* Unit tests of the text formats: RFC 3339 with offsets, the wording of tables and status
 * lines, JSON strings, and the instants --from accepts. */
#include "config.h"

#include <errno.h>
#include <glib.h>
#include <string.h>

#include "format.h"

static Tz *zone(const char *name)
{
        Tz *tz = tz_new(name);
        g_assert_nonnull(tz);
        return tz;
}

static void test_rfc3339_offsets(void)
{
        static const struct {
                const char *zone;
                int64_t t;
                const char *want;
        } cases[] = {
                {"UTC", 0, "1970-01-01T00:00:00+00:00"},
                {"UTC", 1764597600, "2025-12-01T14:00:00+00:00"},
                {"Europe/Berlin", 1796122800, "2026-12-01T12:00:00+01:00"},
                {"Europe/Berlin", 1782903600, "2026-07-01T13:00:00+02:00"},
                {"Asia/Kathmandu", 1796122800, "2026-12-01T16:45:00+05:45"},
                {"Australia/Adelaide", 1796122800, "2026-12-01T21:30:00+10:30"},
                {"Australia/Lord_Howe", 1796122800, "2026-12-01T22:00:00+11:00"},
                {"Australia/Lord_Howe", 1782903600, "2026-07-01T21:30:00+10:30"},
                {"America/St_Johns", 1796122800, "2026-12-01T07:30:00-03:30"},
                {"America/New_York", 1796122800, "2026-12-01T06:00:00-05:00"},
                {"Pacific/Honolulu", 1796122800, "2026-12-01T01:00:00-10:00"},
                /* Across midnight backwards, and before 1970. */
                {"America/New_York", 1796090400, "2026-11-30T21:00:00-05:00"},
                {"UTC", -1, "1969-12-31T23:59:59+00:00"},
                {"UTC", -31539600, "1968-12-31T23:00:00+00:00"},
                {"Pacific/Kiritimati", 1796122800, "2026-12-02T01:00:00+14:00"},
        };
        for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
                g_autoptr(Tz) tz = zone(cases[i].zone);
                g_autofree char *s = format_rfc3339(tz, cases[i].t);
                g_assert_cmpstr(s, ==, cases[i].want);
                char buf[RFC3339_SIZE];
                format_rfc3339_buf(tz, cases[i].t, buf);
                g_assert_cmpstr(buf, ==, cases[i].want);
        }
}

/* The memo of dates must never change the text: the same instants through one memo, in
 * an order that makes slots collide (days 64 apart share a slot). */
static void test_rfc3339_memo(void)
{
        g_autoptr(Tz) tz = zone("Europe/Berlin");
        DateMemo memo = {0};
        int64_t base = 1796122800;
        for (int round = 0; round < 3; round++) {
                for (int64_t k = 0; k < 200; k += 1 + round) {
                        int64_t t = base + (k % 2 ? k * 64 : -k) * 86400 + k * 37;
                        char a[RFC3339_SIZE], b[RFC3339_SIZE];
                        *format_rfc3339_put(a, tz, t, &memo) = '\0';
                        format_rfc3339_buf(tz, t, b);
                        g_assert_cmpstr(a, ==, b);
                        g_assert_cmpuint(strlen(a), ==, 25);
                }
        }
        /* One memo for several zones, across their changes of offset (Lord Howe's is
         * half an hour): the offsets it keeps are per zone and per whole day. */
        g_autoptr(Tz) lhi = zone("Australia/Lord_Howe");
        g_autoptr(Tz) nyc = zone("America/New_York");
        Tz *zones[] = {tz, lhi, nyc};
        DateMemo shared = {0};
        for (int64_t t = 1772323200; t < 1775952000; t += 1799) { /* 2026-03-01 .. 04-12 */
                for (size_t z = 0; z < G_N_ELEMENTS(zones); z++) {
                        char a[RFC3339_SIZE], b[RFC3339_SIZE];
                        *format_rfc3339_put(a, zones[z], t, &shared) = '\0';
                        format_rfc3339_buf(zones[z], t, b);
                        g_assert_cmpstr(a, ==, b);
                }
        }
        /* The same clock time at offsets 16 h apart (57,600 s, a multiple of the 64 slots)
         * shares a clock slot: the offset must be part of the key. */
        g_autoptr(Tz) kiri = zone("Pacific/Kiritimati");
        g_autoptr(Tz) noronha = zone("America/Noronha");
        DateMemo clash = {0};
        char k1[RFC3339_SIZE], k2[RFC3339_SIZE];
        *format_rfc3339_put(k1, kiri, 1796126400 - 14 * 3600, &clash) = '\0';
        *format_rfc3339_put(k2, noronha, 1796126400 + 2 * 3600, &clash) = '\0';
        g_assert_cmpstr(k1, ==, "2026-12-01T12:00:00+14:00");
        g_assert_cmpstr(k2, ==, "2026-12-01T12:00:00-02:00");
        /* Day 0 (1970-01-01) in a fresh memo: slot 0 with days 0 looks filled but is not. */
        DateMemo fresh = {0};
        char c[RFC3339_SIZE];
        g_autoptr(Tz) utc = zone("UTC");
        *format_rfc3339_put(c, utc, 3600, &fresh) = '\0';
        g_assert_cmpstr(c, ==, "1970-01-01T01:00:00+00:00");
}

/* Leaves a stack region full of one 64-bit value, so that a DateMemo read without being
 * written (format_rfc3339_buf's own) would look filled for that day, with junk text. */
static void __attribute__((noinline)) poison_stack(int64_t word)
{
        volatile int64_t junk[2048];
        for (size_t i = 0; i < G_N_ELEMENTS(junk); i++)
                junk[i] = word;
}

static void __attribute__((noinline)) format_after_poison(Tz *tz, int64_t t, char *out)
{
        format_rfc3339_buf(tz, t, out);
}

static void test_rfc3339_no_memo(void)
{
        g_autoptr(Tz) tz = zone("UTC");
        /* 2026-12-01 is day 20788: slot 20788 % 64 = 52, whose low byte is printable. */
        int64_t t = 20788 * 86400LL + 14 * 3600;
        for (int i = 0; i < 4; i++) {
                char out[RFC3339_SIZE];
                poison_stack(20788);
                format_after_poison(tz, t, out);
                g_assert_cmpstr(out, ==, "2026-12-01T14:00:00+00:00");
        }
}

static void test_long_short(void)
{
        g_autoptr(Tz) berlin = zone("Europe/Berlin");
        g_autoptr(Tz) ktm = zone("Asia/Kathmandu");
        int64_t t = 1796122800; /* 2026-12-01 11:00 UTC */
        g_autofree char *l1 = format_long(berlin, t);
        g_assert_cmpstr(l1, ==, "Tue 2026-12-01 12:00 CET");
        g_autofree char *l2 = format_long(berlin, 1782903600);
        g_assert_cmpstr(l2, ==, "Wed 2026-07-01 13:00 CEST");
        g_autofree char *l3 = format_long(ktm, t);
        g_assert_cmpstr(l3, ==, "Tue 2026-12-01 16:45 +0545");
        g_autofree char *s1 = format_short(berlin, t);
        g_assert_cmpstr(s1, ==, "Tue 1 Dec 12:00");
        g_autofree char *s2 = format_short(berlin, 1798758000); /* 2027-01-01 00:00 CET */
        g_assert_cmpstr(s2, ==, "Fri 1 Jan 00:00");
}

static void test_span(void)
{
        static const struct {
                int64_t s;
                const char *want;
        } cases[] = {
                {0, "0s"},
                {35, "35s"},
                {59, "59s"},
                {60, "1min"},
                {61, "1min"},
                {3599, "59min"},
                {3600, "1h"},
                {4800, "1h 20min"},
                {86399, "23h 59min"},
                {86400, "1 day"},
                {86400 + 3599, "1 day"},
                {86400 + 7200, "1 day 2h"},
                {4 * 86400 + 7200, "4 days 2h"},
                {30 * 86400, "30 days"},
                {-4800, "1h 20min"},
                {-35, "35s"},
        };
        for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
                g_autofree char *s = format_span(cases[i].s);
                g_assert_cmpstr(s, ==, cases[i].want);
        }
}

static void test_json_string(void)
{
        static const struct {
                const char *in, *want;
        } cases[] = {
                {"", "\"\""},
                {"plain", "\"plain\""},
                {"say \"hi\"", "\"say \\\"hi\\\"\""},
                {"back\\slash", "\"back\\\\slash\""},
                {"a\nb\rc\td", "\"a\\nb\\rc\\td\""},
                {"\x01\x1f\x7f", "\"\\u0001\\u001f\\u007f\""},
                {"\b\f", "\"\\u0008\\u000c\""},
                {"Grüße, Dr. Müller — 日本 🙂", "\"Grüße, Dr. Müller — 日本 🙂\""},
                {"/ and '", "\"/ and '\""},
        };
        for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
                g_autoptr(GString) out = g_string_new("x");
                json_append_string(out, cases[i].in);
                g_autofree char *want = g_strconcat("x", cases[i].want, NULL);
                g_assert_cmpstr(out->str, ==, want);
        }
}

static void test_parse_instant_good(void)
{
        g_autoptr(Tz) berlin = zone("Europe/Berlin");
        static const struct {
                const char *in;
                int64_t want;
        } cases[] = {
                {"2026-11-25T09:00:00+01:00", 1795593600},
                {"2026-11-25T08:00:00Z", 1795593600},
                {"2026-11-25t08:00:00z", 1795593600},
                {"2026-11-25T08:00:00.123456Z", 1795593600},
                {"2026-11-25T13:45:00+05:45", 1795593600},
                {"2026-11-25T18:30:00+10:30", 1795593600},
                {"2026-11-25T04:30:00-03:30", 1795593600},
                {"2026-11-24T22:00:00-10:00", 1795593600},
                {"2026-11-25T08:00:60Z", 1795593659}, /* a leap second reads as :59 */
                {"2026-11-25", 1795561200},          /* local midnight, CET */
                {"2026-11-25 09:00", 1795593600},
                {"2026-03-29 02:30", 1774747800}, /* in the gap: 03:30 CEST */
                {"2026-10-25 02:30", 1792888200}, /* twice: the first, CEST */
                {"1970-01-01T00:00:00Z", 0},
        };
        for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
                int64_t t = 42;
                g_assert_cmpint(parse_instant(cases[i].in, berlin, &t), ==, 0);
                g_assert_cmpint(t, ==, cases[i].want);
        }
}

static void test_parse_instant_bad(void)
{
        g_autoptr(Tz) berlin = zone("Europe/Berlin");
        static const char *const bad[] = {
                "", "yesterday", "2026-11-2", "20261125", "2026-13-01", "2026-02-30",
                "2026-11-25x", "2026-11-25 9", "2026-11-25 09:00:00", "2026-11-25 24:00",
                "2026-11-25T09:00:00", "2026-11-25T09:00Z", "2026-11-25T25:00:00Z",
                "2026-11-25T09:60:00Z", "2026-11-25T09:00:61Z", "2026-11-25T09:00:00+1:00",
                "2026-11-25T09:00:00+01", "2026-11-25T09:00:00+0100", "2026-11-25T09:00:00+24:00",
                "2026-11-25T09:00:00+01:60", "2026-11-25T09:00:00Zjunk", "2026-11-25T09:00:00.Z",
                "2026-11-25T09:00:00 Z", "2026-11-25X09:00:00Z", "2026-11-25T0a:00:00Z",
        };
        for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
                int64_t t = 42;
                if (parse_instant(bad[i], berlin, &t) != -EINVAL)
                        g_error("parse_instant accepted '%s'", bad[i]);
                g_assert_cmpint(t, ==, 42);
        }
}

int main(int argc, char **argv)
{
        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/format/rfc3339-offsets", test_rfc3339_offsets);
        g_test_add_func("/format/rfc3339-memo", test_rfc3339_memo);
        g_test_add_func("/format/rfc3339-no-memo", test_rfc3339_no_memo);
        g_test_add_func("/format/long-short", test_long_short);
        g_test_add_func("/format/span", test_span);
        g_test_add_func("/format/json-string", test_json_string);
        g_test_add_func("/format/parse-instant-good", test_parse_instant_good);
        g_test_add_func("/format/parse-instant-bad", test_parse_instant_bad);
        return g_test_run();
}
