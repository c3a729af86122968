/* SPDX-License-Identifier: MIT */
/* nudged on the session bus: the name through which `systemctl reload` (ExecReload=, via
 * busctl) asks for a reload and waits until it is done, and the Status property. */
#pragma once
#include <stdbool.h>

#define SERVICE_BUS_NAME "org.nudge.Daemon"
#define SERVICE_BUS_PATH "/org/nudge/Daemon"
#define SERVICE_BUS_INTERFACE "org.nudge.Daemon1"

typedef struct {
        /* Reload the schedule; false with *message (newly allocated) when it is broken. */
        bool (*reload)(void *userdata, char **message);
        /* The status line as systemd shows it (borrowed). */
        const char *(*status)(void *userdata);
        void *userdata;
} BusHandlers;

typedef struct Bus Bus;

/* Asks for the name on the session bus; without a bus, says once that SIGHUP still works. */
Bus *bus_new(const BusHandlers *handlers);
void bus_free(Bus *b);
