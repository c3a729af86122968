/* SPDX-License-Identifier: MIT */
/* What nudged watches besides its timer: the schedule file (through its folder, or the
 * nearest folder that exists, stepping down as folders appear), the system's time zone
 * (/etc/localtime, replaced by rename), and the wall clock being set or the system
 * resuming. No polling: inotify and a CANCEL_ON_SET timerfd. */
#pragma once
#include <stdbool.h>

typedef struct {
        /* After a burst of changes has settled (editors write in several steps): the
         * schedule file, the time zone, or both may have changed. */
        void (*changed)(void *userdata, bool schedule, bool zone);
        /* The wall clock was set, or the system resumed: plan again at once. */
        void (*clock_set)(void *userdata);
        void *userdata;
} WatchEvents;

typedef struct Watch Watch;

/* Watches from the default main context. NULL with -errno in *error when the kernel
 * refuses the descriptors (a watch it cannot add is logged and skipped instead). */
Watch *watch_new(const char *schedule_path, const WatchEvents *events, int *error);
void watch_free(Watch *w);
