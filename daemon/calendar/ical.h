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

/* Reads the texts as one calendar (one file, or the files of a folder of invitations:
 * METHOD:CANCEL and SEQUENCE decide between versions across them). Never fails as a
 * whole: a text that is no iCalendar, and each event that cannot be read, is a problem
 * in the list. *texts_read (may be NULL) is the number of texts that were iCalendar. */
Handover *ical_read(const IcalText *texts, size_t n, const IcalSettings *settings,
                    size_t *texts_read);
