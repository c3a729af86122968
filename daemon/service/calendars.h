/* SPDX-License-Identifier: MIT */
/* nudged's calendars: the sessions of each `calendar` section of the schedule in force,
 * from its saved copy at once (no waiting for the reader or the network), then from the
 * reader: files and folders when they change, URLs every `refresh`, with backoff after a
 * failure and again when the network comes back. A calendar that cannot be read keeps its
 * last good sessions; its problem goes to the log (once per change) and the status. */
#pragma once
#include <stdint.h>

#include "schedule.h"
#include "tz.h"

typedef struct {
        /* The sessions of a calendar series, or its problems, changed: plan again. */
        void (*changed)(void *userdata);
        void *userdata;
} CalendarsEvents;

typedef struct Calendars Calendars;

/* `state_dir`: where the saved copies are (NULL: none kept). */
Calendars *calendars_new(const char *state_dir, const CalendarsEvents *events);
/* Free it after the schedules it filled: their sessions may share its zones. */
void calendars_free(Calendars *c);

/* `schedule` is about to be in force (borrowed until the next call; NULL: none): fills
 * its calendar series, before it is used, with the sessions known for the same source,
 * zone, duration and match (from the schedule before, or the saved copy), and starts
 * reading each calendar from the main loop. Calendars no longer in it are forgotten. */
void calendars_adopt(Calendars *c, Schedule *schedule, int64_t now);
/* At each plan: a calendar whose window is getting short is asked again. */
void calendars_tick(Calendars *c, int64_t now);
/* The status's part about calendars with problems, in `tz`; NULL when there are none. */
char *calendars_status(const Calendars *c, Tz *tz);
