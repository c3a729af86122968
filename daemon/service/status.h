/* SPDX-License-Identifier: MIT */
/* The one line systemd shows for nudged (`systemctl --user status nudged`): what comes
 * next, or what is wrong and what is in force meanwhile. Privacy holds here as in the
 * notifications: no title of a private session. */
#pragma once
#include <stdbool.h>

#include "outbox.h"
#include "planner.h"
#include "schedfile.h"
#include "tz.h"

typedef enum {
        FILE_OK,      /* the schedule in force is the file's */
        FILE_MISSING, /* no file yet */
        FILE_BROKEN,  /* the file has problems; the last good schedule stays */
} FileState;

typedef struct {
        FileState file_state;
        const char *problem; /* FILE_BROKEN: "FILE:LINE: message" of the first problem */
        bool has_schedule;   /* a schedule is in force (with FILE_BROKEN: the last good one) */
        const char *config_path;
        Tz *local;
        const Outbox *outbox;
        const char *calendars; /* the calendars' problems (calendars_status()), or NULL */
} StatusInput;

/* "FILE:LINE: message" of the first of `errors` (NULL: the file cannot be read), and its
 * line (0: none). Newly allocated. */
char *status_first_problem(const char *path, const SchedfileErrors *errors, unsigned *line);
/* Newly allocated. */
char *status_text(const StatusInput *in, const Plan *p);
