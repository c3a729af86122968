/* SPDX-License-Identifier: MIT */
/* The last good schedule: a copy of the last schedule file that read without a problem,
 * kept in nudged's state folder (mode 0600), so that a typo never silences reminders: a
 * broken file at start (at login, after a reboot) leaves the reminders of that copy in
 * force. And the mark of which broken version the person was already told about. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#include "schedule.h"
#include "tz.h"

/* Keeps `text` as the last good schedule at `path` (atomically; nothing is written when it
 * holds that text already). 0 or -errno. */
int lastgood_save(const char *path, const char *text, size_t len);
/* The last good schedule, parsed with `shown_as` (the schedule file's path) in messages;
 * NULL when there is none, or it cannot be trusted or read (said in the log). */
Schedule *lastgood_load(const char *path, const char *shown_as, Tz *local);

/* Whether the person was told about this broken version of the file (`text`, or the
 * problem's text when the file could not be read) already; lastgood_mark_told() records
 * that they were. The mark is a digest at `path`, never the text itself. */
bool lastgood_was_told(const char *path, const char *text, size_t len);
void lastgood_mark_told(const char *path, const char *text, size_t len);
