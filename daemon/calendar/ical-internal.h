/* SPDX-License-Identifier: MIT */
/* Internal to the iCalendar reader (ical.c, ical-text.c, ical-expand.c): what one event
 * is once read, the reading's state, and the helpers the files share. */
#pragma once
#include <libical/ical.h>

#include "ical.h"

#define DAY 86400
/* Instances one RRULE may generate (those before the window count too), and all rules
 * together: a never-ending FREQ=SECONDLY stops here, not at the end of time. */
#define RULE_ITERATIONS 100000
#define TOTAL_ITERATIONS 3000000

typedef enum { Z_UTC, Z_FLOAT, Z_IANA, Z_VTZ } ZoneKind;

typedef struct {
        ZoneKind kind;
        Tz *tz;              /* Z_IANA, and the section's zone for Z_FLOAT; borrowed */
        icaltimezone *vtz;   /* Z_VTZ; owned by the calendar component */
        const char *own;     /* the event's own IANA zone, or NULL: the section's */
} Zone;

/* One VEVENT. libical takes ~4.5 KB per small event (570 MB for a 16 MiB file of them),
 * so each is parsed alone from its span of the text, read into this, and freed; only the
 * versions that count are parsed again, one at a time, to be expanded. */
typedef struct {
        char *span;          /* its text, within the prepared text (which outlives it) */
        size_t span_len;
        icalcomponent *comp; /* the parsed VEVENT, only while it is being read */
        icalcomponent *cal;  /* its VCALENDAR's properties and VTIMEZONEs */
        char *uid, *summary;
        bool cancelled, allday, has_rid, rid_known;
        int seq;
        int64_t dtstamp, rid;
        unsigned order;
        char *key;     /* uid and which instance: versions of one thing share it */
        char *problem; /* why it cannot be read, or NULL */
} Ev;

/* A session found, its strings borrowed from its Ev and the zone table. */
typedef struct {
        int64_t start, end, rid;
        const char *zone, *uid, *summary;
} Pending;

typedef struct {
        const IcalSettings *set;
        GArray *pending;       /* of Pending */
        char **folded;         /* casefolded match phrases */
        GHashTable *zones;     /* name -> Tz*, or a NULL value: not a zone */
        Handover *out;
        uint64_t iterations;
        bool full; /* sessions beyond HANDOVER_MAX_SESSIONS were left out */
} Ctx;

/* ical-text.c */
char *ical_prepare(const char *text, size_t len, const char **why);
/* Whether [p, end) starts with `word`, in any case. */
bool ical_starts_ci(const char *p, const char *end, const char *word);

/* ical-expand.c: zones and instants */
int ical_prop_zone(Ctx *c, icalcomponent *cal, icalproperty *p, struct icaltimetype t,
                   Zone *out, char **why);
bool ical_time_ok(struct icaltimetype t);
int64_t ical_days_of(struct icaltimetype t);
int64_t ical_instant_of(const Zone *z, struct icaltimetype t);

/* ical-expand.c: sessions */
gint ical_cmp_i64(gconstpointer a, gconstpointer b);
gint ical_pending_cmp(gconstpointer a, gconstpointer b);
void ical_expand_master(Ctx *c, Ev *e, GArray *replaced);
void ical_emit_override(Ctx *c, Ev *e);
