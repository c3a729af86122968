/* SPDX-License-Identifier: MIT */
/* Time zones: local wall-clock time <-> instants, with RFC 5545's rules for local times
 * that do not exist (spring forward) or exist twice (fall back). Built on GTimeZone. */
#pragma once
#include <glib.h>
#include <stdint.h>
#include "civil.h"

typedef struct Tz Tz;

/* An IANA zone by name ("Europe/Berlin"); NULL if GLib does not know it. */
Tz *tz_new(const char *identifier);
/* The system's local zone ($TZ, else /etc/localtime). Never NULL. */
Tz *tz_new_local(void);
Tz *tz_ref(Tz *tz);
void tz_unref(Tz *tz);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Tz, tz_unref)

/* The name the zone was made from ("Europe/Berlin", or "local"). */
const char *tz_name(const Tz *tz);
/* UTC offset in seconds in force at the instant `t` (Unix seconds). */
int32_t tz_offset_at(Tz *tz, int64_t t);
/* Abbreviation in force at `t` ("CET"); owned by the zone. */
const char *tz_abbrev_at(Tz *tz, int64_t t);
/* The instant of a local date and minute of the day, by RFC 5545: a time in a gap moves
 * forward by the gap's length; a time that exists twice means the first. */
int64_t tz_resolve(Tz *tz, Ymd date, int minute);
/* The same for a date given as civil_days(). */
int64_t tz_resolve_days(Tz *tz, int64_t days, int minute);
/* The local date and the second of the day of the instant `t`. */
void tz_local(Tz *tz, int64_t t, Ymd *date, int *second_of_day);
