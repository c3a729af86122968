/* SPDX-License-Identifier: MIT */
/* The outbox: which reminders are due, sending them through the notifier, retrying with
 * backoff, dropping what can no longer help, snoozes, and replacing the notification a
 * session already has on screen. It keeps the record of what was sent (State) but has no
 * clock, timer or file of its own: every call takes `now`, and the caller saves the record
 * when outbox_take_changed() says so. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#include "notifier.h"
#include "planner.h"
#include "schedule.h"
#include "state.h"
#include "tz.h"

typedef struct Outbox Outbox;

typedef enum {
        OUTBOX_IDLE,    /* nothing under way for the occurrence */
        OUTBOX_SENDING, /* handed to the notifier, no answer yet */
        OUTBOX_WAITING, /* a send failed; waiting to try again */
} OutboxPhase;

/* `notifier` is borrowed and must outlive the outbox's sends (free it first: it reports
 * nothing after notifier_free). `record` is taken over. `snooze_seconds`: how long Snooze
 * waits. */
Outbox *outbox_new(Notifier *notifier, State *record, int64_t snooze_seconds);
void outbox_free(Outbox *ob);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Outbox, outbox_free)

/* The schedule to follow and the zone the person reads times in, both borrowed until the
 * next call. Sends under way finish; what they were for is looked up again by id and start. */
void outbox_set_schedule(Outbox *ob, const Schedule *schedule, Tz *display_tz);
/* While held, outbox_update plans but sends nothing. */
void outbox_hold(Outbox *ob, bool hold);

/* Decides at `now` and starts sending what is due. Returns the plan (for the status) and
 * sets *deadline to when to call again: the plan's next deadline or a retry, whichever is
 * first (INT64_MAX: never). */
Plan *outbox_update(Outbox *ob, int64_t now, int64_t *deadline);
/* The notifier's answer for `ticket`, at `now`. Call outbox_update after it. */
void outbox_sent(Outbox *ob, uint64_t ticket, const NotifierResult *result, int64_t now);
/* The person asked to be reminded of the occurrence again: a snooze, kept in the record,
 * that never lands after the session starts. False when the session has already started. */
bool outbox_snooze(Outbox *ob, const char *series_id, int64_t session_start, int64_t now);

/* True once after each change of the record (a send recorded, a snooze set or spent). */
bool outbox_take_changed(Outbox *ob);
const State *outbox_record(const Outbox *ob);

OutboxPhase outbox_phase(const Outbox *ob, const char *series_id, int64_t session_start);
/* How many reminders wait to be tried again, other than the occurrence named. */
unsigned outbox_waiting(const Outbox *ob, const char *except_id, int64_t except_start);

/* How the logs name an occurrence: "therapy ("Therapy with Dr. Rivera") Tue 1 Dec 14:00",
 * or the id alone with privacy (the title is the person's own words). */
char *outbox_describe(const Occurrence *o);
