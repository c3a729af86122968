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
        /* The state folder: the sent record ("sent"), the last good schedule
         * ("schedule.good") and the mark of a broken version told about ("schedule.told").
         * NULL: all in memory only. */
        const char *state_dir;
        bool dry_run; /* print notices on stdout instead of showing them */
} ServiceOptions;

typedef struct Service Service;

/* Loads the record (a damaged or untrusted one is set aside and logged) and the schedule:
 * a missing file means no sessions yet; a broken one leaves the last good schedule in
 * force (if one was ever read), says where the problem is in the status and tells the
 * person once. `local` is the zone of sessions without their own (a reference is taken).
 * Never NULL. */
Service *service_new(const ServiceOptions *opts, Tz *local);
void service_free(Service *s);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Service, service_free)

/* Runs until SIGTERM or SIGINT. Returns 0, or -errno when the loop could not be set up. */
int service_run(Service *s);
