/* SPDX-License-Identifier: MIT */
/* What to send now and when to look again: the daemon's decisions, as a pure function of
 * the schedule, the reminders already sent, the snoozes, and `now`. No clock, no I/O. */
#pragma once
#include <glib.h>
#include <stdbool.h>
#include <stdint.h>
#include "schedule.h"
#include "state.h"

/* A reminder of a session that starts right at its instant (lead 0m) may still go out
 * during the first minute of the session; any other reminder only before the start. */
#define PLANNER_START_GRACE 60
/* A reminder sent this many seconds or more after its instant counts as late. */
#define PLANNER_LATE_AFTER 10

typedef struct {
        Occurrence occ;       /* occ.series points into the Schedule given to planner_plan */
        int64_t instant;      /* the reminder to send: the latest one that passed unsent */
        unsigned n_collapsed; /* how many passed, unsent reminders it stands for (>= 1) */
        bool late;            /* now >= instant + PLANNER_LATE_AFTER */
        bool is_last;         /* no reminder of this occurrence comes after it */
        bool snooze;          /* from a snooze in the record, not from the schedule */
        bool checkin;         /* the check-in after the session, not a reminder */
} DueReminder;

typedef struct {
        GArray *due;           /* of DueReminder, ordered by instant, then series id */
        int64_t next_deadline; /* earliest instant > now to plan again; INT64_MAX = never */
        bool has_next;         /* a session that has not started exists */
        Occurrence next;       /* the earliest such session */
        int64_t next_reminder; /* its next reminder still to send, INT64_MIN = none left */
        int64_t next_checkin;  /* the earliest check-in still to come, INT64_MIN = none */
} Plan;

/* Decide at `now`. A reminder is due when its instant is at or before `now`, it is not
 * recorded in `sent`, and its session can still be reached (planner_deliver_until); a
 * check-in likewise, until planner_checkin_until; a snooze recorded in `sent` is due at
 * its instant, while its session has not started.
 * Several due reminders of one occurrence give one DueReminder. The deadline covers future
 * reminders, snoozes, and the start of the next session (so that the status can move on). */
Plan *planner_plan(const Schedule *schedule, const State *sent, int64_t now);
void plan_free(Plan *p);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Plan, plan_free)

/* The last instant (exclusive) at which the reminder `instant` of a session starting at
 * `session_start` is still worth sending. */
int64_t planner_deliver_until(int64_t session_start, int64_t instant);
/* The same for the check-in of `o`: the end of the day it falls on, in the session's zone
 * (a check-in the service missed comes late, but only the same day). */
int64_t planner_checkin_until(const Occurrence *o);
/* Delay before retry number `attempt` (1, 2, ...) of a failed send: 5 s doubling to 5 min. */
int64_t planner_retry_delay(unsigned attempt);
/* When a snooze of `delay` seconds asked at `now` fires: never after the session starts. */
int64_t planner_snooze_at(int64_t now, int64_t session_start, int64_t delay);
/* Finds the occurrence of series `series_id` that starts at `session_start`. */
bool planner_find_occurrence(const Schedule *schedule, const char *series_id,
                             int64_t session_start, Occurrence *out);
