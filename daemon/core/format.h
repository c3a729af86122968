/* SPDX-License-Identifier: MIT */
/* Turning instants into text people and programs read, and reading --from. Pure. */
#pragma once
#include <glib.h>
#include <stdbool.h>
#include <stdint.h>
#include "tz.h"

/* "2026-12-01T14:00:00+01:00": RFC 3339 with the zone's offset at `t`. */
char *format_rfc3339(Tz *tz, int64_t t);
#define RFC3339_SIZE 32
/* The same into `buf`, without allocating (listing a year prints a lot of them). */
void format_rfc3339_buf(Tz *tz, int64_t t, char buf[RFC3339_SIZE]);
/* The same at `p`, unterminated (25 bytes); returns the end. `memo` (may be NULL) keeps
 * local dates and clock times already written: listings write the same few days and the
 * same few times of day again and again, and the offsets of zones over whole UTC days.
 * Start it zeroed ({0}); it belongs to the caller and may serve any number of zones,
 * which must outlive it. */
#define DATE_MEMO_SLOTS 64
typedef struct {
        struct {
                int64_t days;
                char text[10]; /* "2026-12-01", unterminated; empty: not filled */
        } date[DATE_MEMO_SLOTS];
        struct {
                int32_t sod, off;
                char text[15]; /* "T14:00:00+01:00", unterminated; empty: not filled */
        } clock[DATE_MEMO_SLOTS];
        struct {
                const Tz *tz; /* NULL: not filled */
                int64_t day;  /* UTC day number, all of which has offset `off` */
                int32_t off;
        } offset[DATE_MEMO_SLOTS];
} DateMemo;
char *format_rfc3339_put(char *p, Tz *tz, int64_t t, DateMemo *memo);
/* "Tue 2026-12-01 14:00 CET": for tables (the weekday in the locale's words). */
char *format_long(Tz *tz, int64_t t);
/* The locale's name of a weekday (1 = Monday ... 7 = Sunday) or month (1 ... 12), full or
 * abbreviated: "Tuesday", "Tue" in the C locale. Owned by the C library; valid until the
 * locale changes. */
const char *format_weekday_name(int weekday, bool abbreviated);
const char *format_month_name(int month, bool abbreviated);
/* "Tue 1 Dec 14:00": for status lines (weekday and month in the locale's words). */
char *format_short(Tz *tz, int64_t t);
/* "4 days 2h", "1h 20min", "35s": a span as systemctl list-timers writes it. */
char *format_span(int64_t seconds);
/* Appends `s` as a JSON string (quotes included). `s` must be valid UTF-8. */
void json_append_string(GString *out, const char *s);
/* RFC 3339 ("2026-11-25T09:00:00+01:00", "…Z", fractions ignored), or a local
 * "YYYY-MM-DD" or "YYYY-MM-DD HH:MM" in `local` (RFC 5545 rules at DST changes).
 * 0 or -EINVAL. */
int parse_instant(const char *s, Tz *local, int64_t *out);
