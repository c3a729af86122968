/* SPDX-License-Identifier: MIT */
/* The running daemon: a GLib main loop that sleeps until the next reminder on a wall-clock
 * timer, sends what is due, reloads the schedule on request or when the file changes, and
 * keeps systemd informed (READY, RELOADING, STATUS, WATCHDOG). */
#pragma once
#include <glib.h>
#include <stdbool.h>
#include <stdint.h>
#include "schedule.h"
#include "tz.h"

typedef struct {
        const char *config_path; /* the schedule file to follow */
        const char *state_path;  /* the sent-reminder record; NULL = in memory only */
        bool dry_run;            /* print notices on stdout instead of showing them */
} ServiceOptions;

typedef struct Service Service;

/* `schedule` is taken over; NULL means the file does not exist yet. `local` is the zone of
 * sessions without their own (a reference is taken). Loads the state (a damaged record is
 * set aside and logged). Never NULL. */
Service *service_new(const ServiceOptions *opts, Schedule *schedule, Tz *local);
void service_free(Service *s);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Service, service_free)

/* Runs until SIGTERM or SIGINT. Returns 0, or -errno when the loop could not be set up. */
int service_run(Service *s);
