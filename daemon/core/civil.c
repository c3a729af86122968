/* SPDX-License-Identifier: MIT */
/* Proleptic Gregorian date arithmetic, after Howard Hinnant's "chrono-compatible low-level
 * date algorithms" (days counted in 400-year eras of 146097 days, years starting in March). */
#include "config.h"

#include "civil.h"

/* Keeps civil_from_days() free of signed overflow for any int64 input, and the year inside
 * an int: about 1.9e9 years either way, far beyond anything a schedule can name. */
#define CIVIL_DAYS_LIMIT INT64_C(700000000000)

static bool is_leap(int64_t y) {
        return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

int64_t civil_floor_div(int64_t a, int64_t b) {
        int64_t q = a / b;
        if (a % b != 0 && (a < 0) != (b < 0))
                q--;
        return q;
}

const char *civil_weekday_name(int weekday) {
        static const char *const names[] = {
                "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
        };
        return weekday >= 1 && weekday <= 7 ? names[weekday - 1] : "";
}

const char *civil_month_name(int month) {
        static const char *const names[] = {
                "January", "February", "March",     "April",   "May",      "June",
                "July",    "August",   "September", "October", "November", "December",
        };
        return month >= 1 && month <= 12 ? names[month - 1] : "";
}

int64_t civil_days(Ymd date) {
        /* int64 throughout so that any int fields (even nonsense) cannot overflow. */
        int64_t y = date.y;
        int64_t m = date.m;
        int64_t d = date.d;

        /* Shift the year to start in March, so that the leap day is the last day of it. */
        if (m <= 2)
                y--;
        int64_t era = civil_floor_div(y, 400);
        int64_t yoe = y - era * 400;                              /* 0..399 */
        int64_t mp = m > 2 ? m - 3 : m + 9;                       /* March = 0 */
        int64_t doy = (153 * mp + 2) / 5 + d - 1;                 /* 0..365 */
        int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;      /* 0..146096 */
        return era * 146097 + doe - 719468;                       /* 0000-03-01 -> 1970-01-01 */
}

Ymd civil_from_days(int64_t days) {
        if (days > CIVIL_DAYS_LIMIT)
                days = CIVIL_DAYS_LIMIT;
        if (days < -CIVIL_DAYS_LIMIT)
                days = -CIVIL_DAYS_LIMIT;

        int64_t z = days + 719468;
        int64_t era = civil_floor_div(z, 146097);
        int64_t doe = z - era * 146097;                                   /* 0..146096 */
        int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; /* 0..399 */
        int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);           /* 0..365 */
        int64_t mp = (5 * doy + 2) / 153;                                 /* March = 0 */
        int64_t d = doy - (153 * mp + 2) / 5 + 1;
        int64_t m = mp < 10 ? mp + 3 : mp - 9;
        int64_t y = yoe + era * 400 + (m <= 2);

        return (Ymd) { .y = (int) y, .m = (int) m, .d = (int) d };
}

int civil_weekday(int64_t days) {
        /* 1970-01-01 was a Thursday (4). */
        int64_t r = days % 7;
        if (r < 0)
                r += 7;
        return (int) ((r + 3) % 7) + 1;
}

int civil_days_in_month(int y, int m) {
        static const int len[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

        if (m < 1 || m > 12)
                return 0;
        if (m == 2 && is_leap(y))
                return 29;
        return len[m - 1];
}

bool civil_valid(Ymd date) {
        return date.y >= 1 && date.y <= 9999 &&
               date.m >= 1 && date.m <= 12 &&
               date.d >= 1 && date.d <= civil_days_in_month(date.y, date.m);
}
