/* SPDX-License-Identifier: MIT */
/* The schedule: series of sessions and their expansion into occurrences and reminders.
 * Pure calendar logic: no I/O, no clock; every function takes the instants it needs. */
#pragma once
#include <glib.h>
#include <stdbool.h>
#include <stdint.h>
#include "civil.h"
#include "handover.h"
#include "timeparse.h"
#include "tz.h"

#define SCHEDULE_MAX_LEADS 8

typedef enum {
        REPEAT_WEEKLY,      /* weekdays + time */
        REPEAT_MONTHLY_NTH, /* 1st..5th or last weekday + time */
        REPEAT_MONTHLY_DAY, /* day of month + time */
        REPEAT_ONCE,        /* explicit dates and times */
        REPEAT_CALENDAR,    /* the sessions of a calendar (calendar-sources.md) */
} RepeatKind;

/* One session found in a calendar (from a hand-over list). */
typedef struct {
        int64_t start, end;
        Tz *tz;            /* the event's own zone (an IANA zone; else the section's) */
        const char *uid;   /* the event's UID (in the series' list) */
        const char *title; /* its SUMMARY; may be empty (in the series' list) */
} CalSession;

/* Where a calendar series takes its sessions from: the schedule file's `calendar`,
 * `match` and `refresh`. */
typedef struct {
        char *source;  /* as written: a path (may start with "~") or a URL */
        char *path;    /* a file or folder: the absolute path, "~" expanded; else NULL */
        char *url;     /* a URL: https://..., webcal:// written as https://, or
                        * http:// to this machine; else NULL */
        char *host;    /* the URL's host, the only part of it logs and status may name */
        char **match;  /* NULL-terminated phrases, as written; NULL: every timed event */
        int64_t refresh; /* seconds, 300..604800; 0: not set (the feed's own, else 1h) */
        unsigned line;   /* the line of `calendar`, for messages */
} CalendarSpec;

typedef struct {
        Ymd date;
        int minute;
} LocalTime;

/* One series of sessions: one section of the file. Owned by its Schedule. */
typedef struct {
        char *id;    /* section name, lower case */
        char *title; /* never NULL */
        RepeatKind kind;
        unsigned weekdays; /* REPEAT_WEEKLY: bit (1 << wd), wd 1..7 (Monday = 1) */
        int nth;           /* REPEAT_MONTHLY_NTH: 1..5, or -1 for "last" */
        int weekday;       /* REPEAT_MONTHLY_NTH: 1..7 */
        int mday;          /* REPEAT_MONTHLY_DAY: 1..31 */
        int minute;        /* weekly and monthly: minutes of the day */
        LocalTime *once;   /* REPEAT_ONCE: sorted, without duplicates */
        size_t n_once;
        int every; /* >= 1 */
        bool has_start, has_until;
        Ymd start, until;
        int64_t start_days, until_days; /* civil_days() of start and until */
        int64_t *skip;                  /* civil_days() of skipped dates, sorted */
        size_t n_skip;
        Lead leads[SCHEDULE_MAX_LEADS];
        size_t n_leads;
        int64_t duration; /* seconds */
        Tz *tz;
        char *notes_dir; /* as written, may start with "~"; NULL = default */
        bool privacy;
        char *prompt; /* NULL = built-in prompts */
        bool has_checkin;
        int64_t checkin; /* with has_checkin: seconds after the session's end, 0..12 h */
        bool has_title;  /* `title` was set: it names every session, even a calendar's */
        /* REPEAT_CALENDAR: the source, and the sessions last read from it (sorted by
         * start, then uid; one per start: a second event at the same start is dropped),
         * set with series_set_sessions(), and a reference to the list they came from. */
        CalendarSpec *calendar;
        CalSession *sessions;
        size_t n_sessions;
        Handover *list;
} Series;

typedef struct {
        Series *series; /* sorted by id */
        size_t n_series;
} Schedule;

/* One session of a series, with its reminder instants (Unix seconds). */
typedef struct {
        const Series *series;
        const char *title; /* the series' title, or a calendar session's own SUMMARY */
        Tz *tz;            /* the zone of `local`: the series', or a calendar event's */
        const char *uid;   /* a calendar session's UID; NULL for the others */
        LocalTime local; /* the date and time as written */
        int64_t start, end;
        int64_t reminders[SCHEDULE_MAX_LEADS]; /* earliest first, no duplicates */
        size_t n_reminders;
        int64_t checkin; /* the check-in after the session, INT64_MIN = none */
} Occurrence;

Schedule *schedule_new(void);
void schedule_free(Schedule *s);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Schedule, schedule_free)
/* Frees the members of a series (not the struct itself). */
void series_clear(Series *s);

/* Replaces the sessions of a calendar series by those of `h` (keeping a reference to it,
 * whose strings they share; NULL: none): zones are looked up
 * in `zones` (name -> Tz*, owning its keys (g_free) and references (tz_unref), as the
 * schedule file's; filled as needed; NULL: none shared) and fall back to the series' zone. Sessions sharing a start keep the first by uid. Skip dates and w/d leads
 * count in each session's own zone. */
void series_set_sessions(Series *s, Handover *h, GHashTable *zones);
/* The index in s->sessions of the session that starts at `start`; false if none. */
bool series_session_index(const Series *s, int64_t start, size_t *index);
/* The title of a calendar's session: the series' `title` when set, else its SUMMARY
 * (an empty one: the series' title). */
const char *series_session_title(const Series *s, const CalSession *c);
void cal_session_clear(CalSession *c);
void calendar_spec_free(CalendarSpec *c);

/* Fill an occurrence of `s` on `local` (start, end, reminders). Not for REPEAT_CALENDAR. */
void series_occurrence(const Series *s, LocalTime local, Occurrence *out);

/* Calls `fn` for each occurrence of `s` whose start is in [from, to), in order of start.
 * Stops early when fn returns false. */
typedef bool (*OccurrenceFn)(const Occurrence *o, void *userdata);
void series_expand(const Series *s, int64_t from, int64_t to, OccurrenceFn fn, void *userdata);

/* All occurrences of the schedule with start in [from, to), ordered by start, then id. */
GArray *schedule_expand(const Schedule *s, int64_t from, int64_t to); /* of Occurrence */

/* The first occurrence of `s` whose start is at or after `t`; false if none. */
bool series_next(const Series *s, int64_t t, Occurrence *out);

/* The earliest reminder instant at or after `now` over the whole schedule, and the
 * occurrence it belongs to; false if none. */
bool schedule_next_reminder(const Schedule *s, int64_t now, Occurrence *occ, int64_t *instant);
/* The first session of the whole schedule starting at or after `now` (ties: by id). */
bool schedule_next_session(const Schedule *s, int64_t now, Occurrence *occ);
