/* SPDX-License-Identifier: MIT */
/* The record of reminders already sent, kept under $XDG_STATE_HOME/nudge/ so that no
 * reminder goes out twice across restarts and crashes. */
#pragma once
#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* For each session occurrence (series id + start instant), the latest reminder instant
 * sent for it. Reminders of an occurrence are sent in order of their instants and missed
 * ones collapse into the latest, so "every reminder at or before this instant is done" is
 * all there is to remember. */
typedef struct State State;

State *state_new(void);
void state_free(State *st);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(State, state_free)

/* The latest reminder instant recorded for the occurrence, or INT64_MIN when none. */
int64_t state_sent_upto(const State *st, const char *series_id, int64_t session_start);
/* Records that every reminder of the occurrence up to `instant` is done. Never moves the
 * mark backwards. */
void state_mark(State *st, const char *series_id, int64_t session_start, int64_t instant);
/* Forgets occurrences that started before `before` (they never need a reminder again).
 * Returns how many were removed. */
size_t state_prune(State *st, int64_t before);

/* The server's id of the notification last shown for the occurrence (0: none known), so
 * that the next one replaces it: one notification per session on screen, also across a
 * restart. */
uint32_t state_notification(const State *st, const char *series_id, int64_t session_start);
void state_set_notification(State *st, const char *series_id, int64_t session_start,
                            uint32_t id);
/* A snooze of the occurrence until `at` (INT64_MIN: none), kept with the record so that it
 * survives a restart. */
int64_t state_snooze_at(const State *st, const char *series_id, int64_t session_start);
void state_set_snooze(State *st, const char *series_id, int64_t session_start, int64_t at);
typedef void (*StateSnoozeFn)(const char *series_id, int64_t session_start, int64_t at,
                              void *userdata);
/* Each snooze, in a fixed order (series id, then start). */
void state_foreach_snooze(const State *st, StateSnoozeFn fn, void *userdata);
size_t state_size(const State *st);

/* The file format, one record per line after a "nudge-state 2" header:
 *   SERIES_ID <TAB> SESSION_START <TAB> SENT_UPTO <TAB> NOTIFICATION <TAB> SNOOZE_AT
 * (decimal Unix seconds; SENT_UPTO and SNOOZE_AT are "-" for none; NOTIFICATION is the
 * server's id, 0 for none). A "nudge-state 1" file (the first three fields) still reads.
 * Pure parse of a file held in memory: returns a new State, or NULL with -EBADMSG in
 * *error_out for anything that is not exactly that (no partial trust in a damaged file). */
State *state_parse_buf(const char *buf, size_t len, int *error_out);
/* The file's text for `st`, records sorted; newly allocated. */
char *state_format(const State *st);

/* Loads `path`. A missing file gives an empty State. A broken record must never stop
 * reminders, so every other failure gives an empty State too, and the file is renamed out
 * of the way of the next save, for a person to look at: to PATH.untrusted-UNIXTIME when it
 * fails the trust check of the schedule (another user owns it, or group or others can
 * write to it; *error_out is -EPERM), else to PATH.corrupt-UNIXTIME (it cannot be read or
 * parsed). Then *set_aside is the new name (NULL when it could not be moved), *problem a
 * sentence for the log that says what is wrong, how to fix it and where the file went, and
 * *error_out the -errno of the failure; otherwise all three are NULL or 0. Never NULL. */
State *state_load(const char *path, char **set_aside, char **problem, int *error_out);
/* Writes atomically: a temporary file in the same folder, fsync, rename over `path`,
 * fsync of the folder. The folder is created 0700 if needed, the file is 0600.
 * Returns 0 or -errno; see fileio_replace() for what a failure leaves. */
int state_save(const State *st, const char *path);
