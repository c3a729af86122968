/* SPDX-License-Identifier: MIT */
/* Unit tests of the strict decimal reader: the one spelling of each number, the bounds,
 * and that errno left set by anything before cannot turn a number into none. */
#include "config.h"

#include <errno.h>
#include <glib.h>
#include <string.h>

#include "decimal.h"

static bool parse(const char *s, int64_t *v)
{
        return decimal_parse(s, strlen(s), INT64_MIN, INT64_MAX, v);
}

static void test_good(void)
{
        static const struct {
                const char *text;
                int64_t value;
        } good[] = {
                { "0", 0 },
                { "7", 7 },
                { "-5", -5 },
                { "1793213298", 1793213298 },
                { "9223372036854775807", INT64_MAX },
                { "-9223372036854775808", INT64_MIN },
        };
        for (size_t i = 0; i < G_N_ELEMENTS(good); i++) {
                int64_t v = 42;
                if (!parse(good[i].text, &v))
                        g_error("refused \"%s\"", good[i].text);
                g_assert_cmpint(v, ==, good[i].value);
        }
        /* A field of a longer text: only its own bytes count. */
        int64_t v = 0;
        g_assert_true(decimal_parse("123\t456", 3, INT64_MIN, INT64_MAX, &v));
        g_assert_cmpint(v, ==, 123);
}

static void test_bad(void)
{
        static const char *const bad[] = {
                "", "-", "+1", "-0", "00", "007", "-07", " 1", "1 ", "1x", "0x10", "1e3",
                "9223372036854775808", "-9223372036854775809", "99999999999999999999",
                "18446744073709551616", "١٢",
        };
        for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
                int64_t v = 42;
                if (parse(bad[i], &v))
                        g_error("accepted \"%s\"", bad[i]);
                g_assert_cmpint(v, ==, 42);
        }
}

static void test_bounds(void)
{
        int64_t v = 0;
        g_assert_true(decimal_parse("10", 2, 0, 10, &v));
        g_assert_false(decimal_parse("11", 2, 0, 10, &v));
        g_assert_false(decimal_parse("-1", 2, 0, 10, &v));
        g_assert_cmpint(v, ==, 10);
}

/* What went wrong with g_ascii_string_to_signed() at nudged's start: errno set behind the
 * reader's back. Here errno is set before, and by nothing the reader calls. */
static void test_errno_ignored(void)
{
        int64_t v = 0;
        errno = EAGAIN;
        g_assert_true(parse("1830797298", &v));
        g_assert_cmpint(v, ==, 1830797298);
}

int main(int argc, char **argv)
{
        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/decimal/good", test_good);
        g_test_add_func("/decimal/bad", test_bad);
        g_test_add_func("/decimal/bounds", test_bounds);
        g_test_add_func("/decimal/errno-ignored", test_errno_ignored);
        return g_test_run();
}
