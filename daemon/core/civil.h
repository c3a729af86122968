/* SPDX-License-Identifier: MIT */
/* Proleptic Gregorian calendar arithmetic on plain dates: no time zones here. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

/* A calendar date. Compare with civil_days(). */
typedef struct {
        int y; /* 1..9999 */
        int m; /* 1..12 */
        int d; /* 1..31 */
} Ymd;

/* Days since 1970-01-01 (negative before). */
int64_t civil_days(Ymd date);
/* Inverse of civil_days(). */
Ymd civil_from_days(int64_t days);
/* ISO weekday: 1 = Monday .. 7 = Sunday. */
int civil_weekday(int64_t days);
int civil_days_in_month(int y, int m);
/* Floor division (b != 0): C rounds towards zero, the calendar rounds down. */
int64_t civil_floor_div(int64_t a, int64_t b);
/* "Monday".."Sunday" for 1..7, "January".."December" for 1..12; "" outside. */
const char *civil_weekday_name(int weekday);
const char *civil_month_name(int month);
bool civil_valid(Ymd date);
