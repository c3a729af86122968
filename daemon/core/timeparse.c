/* SPDX-License-Identifier: MIT */
/* Strict parsers for the value forms of the schedule file (times, dates, weekdays, lead
 * times, durations, booleans, small numbers). */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "timeparse.h"

/* Large enough for every legal number of a lead time or duration (4w = 40320m), small
 * enough that no sum or product below can overflow an int64_t. */
#define UNIT_VALUE_MAX INT64_C(100000000)

/* Our own classifiers: <ctype.h> depends on the locale and is undefined for negative char
 * values, and fuzzed input holds bytes above 127. */
static bool is_blank(char c) {
        return c == ' ' || c == '\t';
}

static bool is_digit(char c) {
        return c >= '0' && c <= '9';
}

static char ascii_lower(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c - 'A' + 'a') : c;
}

/* The token of s without its surrounding blanks, as [*b, *e). */
static void token(const char *s, const char **b, const char **e) {
        const char *end = s + strlen(s);

        while (s < end && is_blank(*s))
                s++;
        while (end > s && is_blank(end[-1]))
                end--;
        *b = s;
        *e = end;
}

/* Case-insensitive (ASCII) match of the whole token against a word. */
static bool token_is(const char *b, const char *e, const char *word) {
        size_t n = strlen(word);

        if ((size_t) (e - b) != n)
                return false;
        for (size_t i = 0; i < n; i++)
                if (ascii_lower(b[i]) != ascii_lower(word[i]))
                        return false;
        return true;
}

/* Exactly n digits at p (the caller has checked that n bytes are there). */
static int fixed_digits(const char *p, int n) {
        int v = 0;

        for (int i = 0; i < n; i++) {
                if (!is_digit(p[i]))
                        return -1;
                v = v * 10 + (p[i] - '0');
        }
        return v;
}

int parse_hhmm(const char *s, int *out) {
        const char *b, *e;
        int h, m;

        if (!s || !out)
                return -EINVAL;
        token(s, &b, &e);

        /* "H:MM" or "HH:MM": the minutes always take two digits. */
        size_t len = (size_t) (e - b);
        if (len != 4 && len != 5)
                return -EINVAL;
        int hlen = (int) len - 3;
        if (b[hlen] != ':')
                return -EINVAL;
        h = fixed_digits(b, hlen);
        m = fixed_digits(b + hlen + 1, 2);
        if (h < 0 || h > 23 || m < 0 || m > 59)
                return -EINVAL;

        *out = h * 60 + m;
        return 0;
}

int parse_date(const char *s, Ymd *out) {
        const char *b, *e;

        if (!s || !out)
                return -EINVAL;
        token(s, &b, &e);

        if (e - b != 10 || b[4] != '-' || b[7] != '-')
                return -EINVAL;
        Ymd date = {
                .y = fixed_digits(b, 4),
                .m = fixed_digits(b + 5, 2),
                .d = fixed_digits(b + 8, 2),
        };
        /* civil_valid() rejects the -1 of a non-digit, year 0000 and impossible days. */
        if (!civil_valid(date))
                return -EINVAL;

        *out = date;
        return 0;
}

int parse_weekday(const char *s, int *out) {
        const char *b, *e;

        if (!s || !out)
                return -EINVAL;
        token(s, &b, &e);

        for (int wd = 1; wd <= 7; wd++) {
                const char *name = civil_weekday_name(wd);
                char abbr[4] = { name[0], name[1], name[2], '\0' };

                if (token_is(b, e, abbr) || token_is(b, e, name)) {
                        *out = wd;
                        return 0;
                }
        }
        return -EINVAL;
}

/* A run of <digits><unit> pairs over the lower-case units listed in order in `units`
 * (at most 4); each unit at most once and in that order, at least one pair. The number
 * of each unit goes to vals[] (0 when absent). */
static int parse_units(const char *b, const char *e, const char *units, int64_t vals[]) {
        size_t nunits = strlen(units);
        size_t next = 0; /* index of the first unit still allowed */
        bool any = false;

        for (size_t i = 0; i < nunits; i++)
                vals[i] = 0;

        while (b < e) {
                int64_t v = 0;
                const char *digits = b;

                while (b < e && is_digit(*b)) {
                        v = v * 10 + (*b - '0');
                        if (v > UNIT_VALUE_MAX)
                                return -EINVAL;
                        b++;
                }
                if (b == digits || b == e)
                        return -EINVAL; /* no number, or a number without a unit */

                /* A byte search, not a string result. */
                const char *u = memchr(units, *b, nunits); // NOLINT(bugprone-not-null-terminated-result)
                if (!u)
                        return -EINVAL;
                size_t idx = (size_t) (u - units);
                if (idx < next)
                        return -EINVAL; /* repeated, or out of order */
                vals[idx] = v;
                next = idx + 1;
                any = true;
                b++;
        }
        return any ? 0 : -EINVAL;
}

int parse_lead(const char *s, Lead *out) {
        const char *b, *e;
        int64_t v[4]; /* w d h m */

        if (!s || !out)
                return -EINVAL;
        token(s, &b, &e);
        if (parse_units(b, e, "wdhm", v) < 0)
                return -EINVAL;

        int64_t days = v[0] * 7 + v[1];
        int64_t seconds = v[2] * 3600 + v[3] * 60;
        if (days * 86400 + seconds > LEAD_MAX_SECONDS)
                return -EINVAL;

        *out = (Lead) { .days = (int) days, .seconds = seconds };
        return 0;
}

int parse_duration(const char *s, int64_t *out) {
        const char *b, *e;
        int64_t v[2]; /* h m */

        if (!s || !out)
                return -EINVAL;
        token(s, &b, &e);
        if (parse_units(b, e, "hm", v) < 0)
                return -EINVAL;

        int64_t seconds = v[0] * 3600 + v[1] * 60;
        if (seconds < 60 || seconds > 12 * 3600LL)
                return -EINVAL;

        *out = seconds;
        return 0;
}

int parse_bool(const char *s, bool *out) {
        static const char *const yes[] = { "on", "yes", "true", "1" };
        static const char *const no[] = { "off", "no", "false", "0" };
        const char *b, *e;

        if (!s || !out)
                return -EINVAL;
        token(s, &b, &e);

        for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
                if (token_is(b, e, yes[i])) {
                        *out = true;
                        return 0;
                }
                if (token_is(b, e, no[i])) {
                        *out = false;
                        return 0;
                }
        }
        return -EINVAL;
}

int parse_uint_range(const char *s, int min, int max, int *out) {
        const char *b, *e;
        int64_t v = 0;

        if (!s || !out)
                return -EINVAL;
        token(s, &b, &e);

        if (b == e || (*b == '0' && e - b > 1))
                return -EINVAL; /* empty, or a leading zero ("007" is likelier a typo) */
        for (const char *p = b; p < e; p++) {
                if (!is_digit(*p))
                        return -EINVAL;
                v = v * 10 + (*p - '0');
                if (v > max)
                        return -EINVAL; /* also stops before v could overflow */
        }
        if (v < min)
                return -EINVAL;

        *out = (int) v;
        return 0;
}

char *str_trim(char *s) {
        const char *b, *e;

        if (!s)
                return NULL;
        token(s, &b, &e);

        size_t len = (size_t) (e - b);
        memmove(s, b, len);
        s[len] = '\0';
        return s;
}
