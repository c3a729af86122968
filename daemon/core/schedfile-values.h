/* SPDX-License-Identifier: MIT */
/* Inside the schedule file reader (not for other modules): the readers of one key's value.
 * Each returns whether the value was good; when not, it has reported why at `line` and
 * left the Series as it was. */
#pragma once
#include <glib.h>
#include <stdbool.h>
#include <stddef.h>

#include "schedfile-scan.h"
#include "schedule.h"

#define HINT_DATE N_("write dates as YYYY-MM-DD (2026-12-01)")

/* weekly = Tue 14:00 / Mon, Thu 09:30 */
bool value_weekly(Report *r, unsigned line, const char *v, Series *s);
/* monthly = 2nd Wed 17:00 / last Fri 10:00 / 15 09:00 */
bool value_monthly(Report *r, unsigned line, const char *v, Series *s);
/* once = 2026-12-02 09:30, 2026-12-09 09:30 */
bool value_once(Report *r, unsigned line, const char *v, Series *s);
/* skip = 2026-12-24 2026-12-31 */
bool value_skip(Report *r, unsigned line, const char *v, Series *s);
/* remind = 1d, 2h: fills `leads` (room for SCHEDULE_MAX_LEADS); *n_leads only when all are good. */
bool value_remind(Report *r, unsigned line, const char *v, Lead *leads, size_t *n_leads);
/* checkin = off / 30m: off (*has false) or a time after the session's end, 0m..12h. */
bool value_checkin(Report *r, unsigned line, const char *v, bool *has, int64_t *seconds);
/* A text of `key` (title, notes, prompt): not empty, at most `max` bytes. */
bool value_text(Report *r, unsigned line, const char *key, const char *v, size_t max);
/* A time zone by its IANA name, shared through `zones` (name -> Tz) so that sessions in one
 * zone share its cache of offsets. A new reference, or NULL after reporting. */
Tz *value_tz(Report *r, GHashTable *zones, unsigned line, const char *v);
/* calendar = ~/Calendars/personal.ics / https://... / webcal://...: a new CalendarSpec in
 * *out (its line set, no match, no refresh). `section` names the section in the hint about
 * passwords; `exposed` says that other users can read the file, which a link may not be:
 * it is a secret. */
bool value_calendar(Report *r, unsigned line, const char *section, const char *v, bool exposed,
                    CalendarSpec **out);
/* match = Dr. Rivera, "Rivera, MD": the phrases, NULL-terminated, in *out. */
bool value_match(Report *r, unsigned line, const char *v, char ***out);
/* refresh = 30m: 5m..1w, in seconds. */
bool value_refresh(Report *r, unsigned line, const char *v, int64_t *out);
