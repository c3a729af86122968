/* SPDX-License-Identifier: MIT */
/* Parsers for the small value forms of the schedule file. Pure: no I/O, no clock.
 * Each returns 0 and sets *out on success, or -EINVAL and leaves *out untouched (also for a
 * NULL argument). Any NUL-terminated byte string is safe to pass. Blanks (space, tab) around
 * the value are ignored; blanks inside it, signs and any other junk are errors. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include "civil.h"

/* A lead time: whole calendar days (w and d), then exact seconds (h and m). */
typedef struct {
        int days;
        int64_t seconds;
} Lead;

#define LEAD_MAX_SECONDS (28 * 86400LL) /* 4w */

/* "HH:MM", 24 h, 00:00..23:59; one-digit hours are accepted ("9:30"). -> minutes of the day */
int parse_hhmm(const char *s, int *out);
/* "YYYY-MM-DD" (exactly 4-2-2 digits), a real date, years 0001..9999. */
int parse_date(const char *s, Ymd *out);
/* "Mon".."Sun" or full English names, any case -> 1..7 (Monday = 1). */
int parse_weekday(const char *s, int *out);
/* "1d", "2h", "1h30m", "1w", "0m", "1d2h": <digits><unit> pairs, units in the order w d h m
 * (lower case only), each at most once, total at most 4w. days = 7w + d, seconds = 3600h + 60m. */
int parse_lead(const char *s, Lead *out);
/* "50m", "1h30m", "2h": like parse_lead() with units h and m only; 1m..12h -> seconds. */
int parse_duration(const char *s, int64_t *out);
/* on/off, yes/no, true/false, 1/0, any case. */
int parse_bool(const char *s, bool *out);
/* Whole decimal number in [min, max]; no sign, no junk, no leading zero ("0" yes, "05" no). */
int parse_uint_range(const char *s, int min, int max, int *out);

/* Trim blanks (space, tab) at both ends, in place; returns s. */
char *str_trim(char *s);
