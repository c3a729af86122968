/* SPDX-License-Identifier: MIT */
/* The iCalendar reader: calendar text in, the hand-over list of sessions out, following
 * calendar-sources.md. Runs in the calendar process, never in nudged; single-threaded. */
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "handover.h"
#include "tz.h"

/* Inputs at most this large; the reader refuses larger texts (a problem of that text). */
#define ICAL_MAX_TEXT (16u << 20)

typedef struct {
        const char *const *match; /* phrases, NULL-terminated; NULL or none: every event */
        Tz *zone;                 /* the section's zone: floating times, and the own zone of
                                   * events in UTC or in a VTIMEZONE-only zone */
        int64_t duration;         /* seconds, for events with neither DTEND nor DURATION */
        int64_t from, to;         /* sessions whose start is in [from, to) */
} IcalSettings;

typedef struct {
        const char *name; /* names the text in problems ("invite.ics") */
        const char *text; /* need not be terminated; may hold anything */
        size_t len;
} IcalText;

/* Where calendar-sources.md is silent, the reader decides so:
 * - A changed instance replaces the instance its RECURRENCE-ID names, as an instant,
 *   even outside the window; RANGE=THISANDFUTURE is read as that one instance.
 * - A cancelled series removes its changed instances too. Of several versions of one
 *   (UID, RECURRENCE-ID), the highest SEQUENCE counts, then the latest DTSTAMP, then the
 *   one read last (a folder's files are read in name order).
 * - DTSTART is an instance even when the RRULE does not yield it (COUNT then counts the
 *   rule's own instances, as libical and python-recurring-ical-events do), unless every
 *   RRULE ends (UNTIL) before it. UNTIL is compared as an instant (a date: the end of that
 *   local day; a floating UNTIL: in the event's zone).
 * - Length: DTEND - DTSTART as exact seconds for every instance (RFC 5545 3.8.5.3), or
 *   DURATION as exact seconds, else the section's; a changed instance has its own.
 * - RDATE periods give their start; an RDATE that is a date in a timed series is ignored;
 *   an EXDATE that is a date removes the instances on that local date.
 * - Problems are named only for events that are the section's (their SUMMARY matches), or
 *   whose SUMMARY cannot be judged (invalid UTF-8). All-day events are counted when they
 *   match. Over HANDOVER_MAX_SESSIONS, the earliest sessions are kept and a problem says so.
 * - Caps: 16 MiB per text, 8 nested components, 250,000 components, 100,000 instances per
 *   RRULE and 3,000,000 in all; lines over 256 KiB are cut (properties read here) or left
 *   out (others: DESCRIPTION, ATTACH), as libical's line reader is quadratic. */

/* Reads the texts as one calendar (one file, or the files of a folder of invitations:
 * METHOD:CANCEL and SEQUENCE decide between versions across them). Never fails as a
 * whole: a text that is no iCalendar, and each event that cannot be read, is a problem
 * in the list. *texts_read (may be NULL) is the number of texts that were iCalendar. */
Handover *ical_read(const IcalText *texts, size_t n, const IcalSettings *settings,
                    size_t *texts_read);
