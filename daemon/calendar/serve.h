/* SPDX-License-Identifier: MIT */
/* nudge-calendar --serve: one request (calreq.h) on stdin, one reply on stdout. */
#pragma once
#include <glib.h>

#include "handover.h"
#include "ical.h"

/* Reads the texts of one source as one calendar. NULL and *why when the source as a whole
 * is no calendar: a single text that is not iCalendar. `skipped`/`skipped_why` (may be
 * NULL): files of a folder that could not be read, added as problems. */
Handover *serve_read_texts(const IcalText *texts, size_t n, const IcalSettings *set,
                           GPtrArray *skipped, GPtrArray *skipped_why, char **why);

/* Serves one request from fd 0 on fd 1; the process's exit status. */
int serve_main(void);
