/* SPDX-License-Identifier: MIT */
/* nudged's saved copy of each calendar's sessions, so that reminders never wait for the
 * network or the reader: $XDG_STATE_HOME/nudge/calendar-SECTION.list, 0600 in the 0700
 * state folder, replaced atomically. Shared by nudged and nudge, which both read it and
 * write it (nudge only for a file or folder, and never over another calendar's copy).
 *
 * Format, version 1: one header line, then the hand-over list (handover.h) as received:
 *
 *   nudge-calendar-saved 1 <TAB> from <TAB> to <TAB> fetched <TAB> digest
 *
 * from, to: the window the list was asked for (Unix seconds, from < to); fetched: when
 * the source was last read for real (a file read, a 200 or a 304), 0 when unknown; digest:
 * calsaved_digest() of what the list depends on. The loader is strict: a copy whose
 * header, digest or list is not exactly right is not used. */
#pragma once
#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "calreq.h"
#include "handover.h"
#include "schedule.h"

#define CALSAVED_MAGIC "nudge-calendar-saved 1"
/* The window nudged asks for: sessions from 35 days back (the notes of the last sessions)
 * to 400 days ahead; asked again when less than CALSAVED_AHEAD_MIN is left ahead. */
#define CALSAVED_BEFORE (35 * 86400LL)
#define CALSAVED_AHEAD (400 * 86400LL)
#define CALSAVED_AHEAD_MIN (365 * 86400LL)

typedef struct {
        int64_t from, to; /* the window of the list */
        int64_t fetched;  /* 0: unknown */
        Handover *list;
} CalSaved;

void calsaved_free(CalSaved *c);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CalSaved, calsaved_free)

/* STATE_DIR/calendar-ID.list. Newly allocated. */
char *calsaved_path(const char *state_dir, const char *section_id);

/* A SHA-256 (hex) of what a calendar's sessions depend on: its source (the absolute path
 * or the URL), its zone, the default duration and the match phrases, in order. */
char *calsaved_digest(const Series *se);

/* The text of a saved copy (the list is sorted and formatted). NULL when from >= to. */
char *calsaved_format(int64_t from, int64_t to, int64_t fetched, const char *digest,
                      Handover *list);
/* 0 and *out; -EBADMSG with *why (may be NULL) when the text breaks the format, or
 * -ESTALE when it is well formed but for another digest. Pure. */
int calsaved_parse_buf(const char *buf, size_t len, const char *digest, CalSaved **out,
                       char **why);

/* Writes the copy (creating the folder 0700). 0 or -errno. */
int calsaved_save(const char *path, int64_t from, int64_t to, int64_t fetched,
                  const char *digest, Handover *list);
/* Reads it: 0 and *out; -ENOENT when there is none; -ESTALE for another digest; other
 * -errno with *why when it cannot be used (damaged, untrusted, too large). */
int calsaved_load(const char *path, const char *digest, CalSaved **out, char **why);

/* Whether a copy read at `fetched` (Unix seconds) is still what the calendar file or
 * folder at `path` holds: it was read after the file's (and, for a folder, its .ics
 * files') last change, to the second, and not after `now`. */
bool calsaved_read_since_change(int64_t fetched, const char *path, int64_t now);
/* How logs, the status and messages name a calendar: "[practice] (booking.example.org)"
 * for a URL (its host only: the rest of a URL is a secret), "[therapy]" for a file. */
char *calsaved_name(const Series *se);
/* The request for the sessions of `se` in [from, to) (no password). Free with
 * calreq_free(). */
CalRequest *calsaved_request(const Series *se, int64_t from, int64_t to, CalFetch fetch);
/* What went wrong with a calendar, for a message after its name: "cannot be fetched:
 * REASON", or for a 401 or 403 how to give the password. In the person's language when
 * `translated` (the command, the status), else in English (the log). */
char *calsaved_problem(const char *section, bool url, const char *reason, CalAuth auth,
                       bool translated);
