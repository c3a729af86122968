/* SPDX-License-Identifier: MIT */
/* The schedule file -> Schedule, with every problem reported as FILE:LINE: message.
 * Library code: returns errors as values and never exits or prints. */
#pragma once
#include <glib.h>
#include <stddef.h>
#include "schedule.h"

#define SCHEDFILE_MAX_LINE 4096      /* bytes per line, newline excluded */
#define SCHEDFILE_MAX_SIZE (4 << 20) /* bytes per file */
#define SCHEDFILE_MAX_ERRORS 100     /* further problems are counted, not listed */

typedef struct {
        unsigned line; /* 0 = the file as a whole */
        char *message;
} SchedfileError;

typedef struct {
        char *path;          /* as given, for messages */
        SchedfileError *errors; /* in order of line */
        size_t n_errors;
        size_t n_suppressed; /* problems past SCHEDFILE_MAX_ERRORS */
} SchedfileErrors;

void schedfile_errors_free(SchedfileErrors *e);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SchedfileErrors, schedfile_errors_free)
/* "FILE:LINE: message\n" per error (and a count of suppressed ones). */
char *schedfile_errors_format(const SchedfileErrors *e);

/* Parse a schedule file held in memory. `path` is for messages only. `local` is the zone
 * of sessions without a timezone (the system's). Returns the schedule, or NULL with
 * *errors set (never both). Pure: no I/O. */
Schedule *schedfile_parse_buf(const char *path, const char *buf, size_t len, Tz *local,
                           SchedfileErrors **errors);
/* Read and parse a file. A missing, unreadable or non-regular file is an error too, and
 * so is one that others can write, or, when it holds a calendar link (a secret), one that
 * others can read: that is reported at the `calendar` line, with the file's other
 * problems (*error_out 0). Sets *error_out to the negative errno of a failed read
 * (-ENOENT for a missing file), as state_load() does, or 0. */
Schedule *schedfile_load(const char *path, Tz *local, SchedfileErrors **errors, int *error_out);
/* schedfile_load(), and the bytes it parsed in *text_out (NUL-terminated, newly allocated,
 * *len_out bytes) whenever the file could be read, good or not: what nudged keeps as the
 * last good schedule is exactly what parsed. */
Schedule *schedfile_load_text(const char *path, Tz *local, SchedfileErrors **errors,
                              int *error_out, char **text_out, size_t *len_out);
