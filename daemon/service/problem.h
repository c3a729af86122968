/* SPDX-License-Identifier: MIT */
/* Telling the person that the schedule file is broken: one notification (no title, nothing
 * the file holds, no actions) for each broken version of the file, tried again while no
 * server takes it, and replacing the last one it sent. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "notifier.h"

/* The ticket of this notice in the notifier's results (the outbox counts from 1 up). */
#define PROBLEM_TICKET UINT64_MAX

typedef struct Problem Problem;

/* `notifier` is borrowed and must outlive it; `told_path` (may be NULL: in memory only) keeps
 * a digest of the broken version the person was told about, across restarts. */
Problem *problem_new(Notifier *notifier, const char *told_path);
void problem_free(Problem *p);

/* The file `file_name` is broken: `text` (taken over) is what it holds, or the problem's
 * own text when it cannot be read; `line` is the first problem's line (0: the file as a
 * whole); `in_force`: a last good schedule stays in force. Tells the person unless this
 * version was told about already. */
void problem_report(Problem *p, const char *file_name, char *text, size_t len, unsigned line,
                    bool in_force);
/* The file is good again (or gone): nothing more to tell. */
void problem_clear(Problem *p);
/* The notifier's answer for PROBLEM_TICKET. */
void problem_answered(Problem *p, const NotifierResult *result);
