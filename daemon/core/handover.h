/* SPDX-License-Identifier: MIT */
/* The hand-over list: the sessions a calendar reader process found, as plain text that
 * nudged parses strictly (any deviation rejects the whole list, with a reason).
 *
 * Format, version 2 (UTF-8, LF line ends, no other control characters, at most
 * HANDOVER_MAX_BYTES):
 *
 *   nudge-calendar 2
 *   E <TAB> zone <TAB> uid <TAB> summary
 *   R <TAB> start <TAB> end <TAB> rid <TAB> event
 *   P <TAB> name <TAB> reason
 *   T <TAB> sessions <TAB> problems <TAB> allday <TAB> problems_left_out
 *
 * - E: what the instances of one event share: zone, the event's own IANA zone; uid:
 *   1..HANDOVER_MAX_UID bytes; summary: 0..HANDOVER_MAX_TEXT bytes. The E lines are
 *   numbered from 0 in their order; at most HANDOVER_MAX_SESSIONS; no two alike; each
 *   right before the first R line that names it (so that a list has one spelling).
 * - R: one session. start, end: Unix seconds (decimal, "-" only as a sign, no leading
 *   zeros), end >= start. rid: the RECURRENCE-ID instant when the session is a changed
 *   instance, else "-". event: the number of an E line before it. R lines come ordered
 *   by (start, uid), no (uid, start) twice; at most HANDOVER_MAX_SESSIONS. (An instance
 *   that is retitled is an event of its own: each E line is one zone, uid and summary.)
 * Version 1 ("nudge-calendar 1", as copies saved by earlier versions hold it) is read too:
 * it has, instead of E and R lines, S lines, each a session with its event's fields:
 *   S <TAB> start <TAB> end <TAB> rid <TAB> zone <TAB> uid <TAB> summary
 * - P: one event that could not be read, named by its SUMMARY or UID (1..MAX_TEXT
 *   bytes), and why (1..MAX_TEXT bytes); at most HANDOVER_MAX_PROBLEMS, the count of
 *   those left out goes in T.
 * - T: exactly once, last: the counts of sessions and P lines (which must match), the all-day
 *   events left out, the problems not listed. A list cut short has no T line and is
 *   rejected.
 * Text fields hold no TAB, LF or other control character (the writer replaces them
 * with blanks and cuts over-long text at a character boundary). */
#pragma once
#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HANDOVER_MAGIC "nudge-calendar 2"
#define HANDOVER_MAGIC_1 "nudge-calendar 1"
#define HANDOVER_MAX_BYTES (16u << 20)
#define HANDOVER_MAX_SESSIONS 100000u
#define HANDOVER_MAX_PROBLEMS 200u
#define HANDOVER_MAX_UID 512u
#define HANDOVER_MAX_TEXT 200u
#define HANDOVER_MAX_ZONE 64u
#define HANDOVER_NO_RID INT64_MIN
/* Room kept in HANDOVER_MAX_BYTES for the magic, the P lines and the T line. */
#define HANDOVER_RESERVE (HANDOVER_MAX_PROBLEMS * (2 * HANDOVER_MAX_TEXT * 3 + 8) + 256)

/* The strings of sessions and problems live in their list's own storage. */
typedef struct {
        int64_t start, end;
        int64_t rid; /* HANDOVER_NO_RID when not a changed instance */
        const char *zone, *uid, *summary;
} HandoverSession;

typedef struct {
        const char *name, *reason;
} HandoverProblem;

typedef struct {
        GArray *sessions; /* of HandoverSession, ordered by (start, uid) */
        GArray *problems; /* of HandoverProblem */
        uint64_t allday;  /* all-day events left out */
        uint64_t problems_left_out; /* problems beyond HANDOVER_MAX_PROBLEMS */
        size_t text_bytes; /* what the S lines take once formatted, at most */
        GStringChunk *text; /* the strings of the sessions and problems added */
        char *block;        /* the text a parsed list's strings lie in, NUL-separated */
        int refs;
} Handover;

/* A list with one reference. A calendar series keeps one to the list its sessions came
 * from (series_set_sessions()), so that their strings need no copy. */
Handover *handover_new(void);
Handover *handover_ref(Handover *h);
/* Drops a reference; the last frees the list. NULL is ignored. */
void handover_unref(Handover *h);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Handover, handover_unref)

/* Adds a session; copies the strings. Text is cleaned as the format requires (control
 * characters become blanks; summary cut to MAX_TEXT at a character boundary; invalid
 * UTF-8 replaced). Returns -E2BIG when the list is full (MAX_SESSIONS, or S lines that
 * would leave less than HANDOVER_RESERVE of MAX_BYTES for the rest), -EINVAL for a uid that is empty
 * or longer than MAX_UID, a zone that is no zone name, or end < start. */
int handover_add_session(Handover *h, int64_t start, int64_t end, int64_t rid,
                         const char *zone, const char *uid, const char *summary);
/* Adds a problem (texts cleaned and cut as above); beyond MAX_PROBLEMS only counted. */
void handover_add_problem(Handover *h, const char *name, const char *reason);
/* Orders the sessions by (start, uid) and drops a second (uid, start). */
void handover_sort(Handover *h);
/* The text of the list (sorts it first). */
char *handover_format(Handover *h);
/* Parses a whole list. On success 0 and *out; else -EBADMSG and, when `why` is not NULL,
 * *why says where and what ("line 3: end before start"). Pure. */
int handover_parse_buf(const char *buf, size_t len, Handover **out, char **why);
/* The same for the list in block[offset, offset + len), without a copy: takes `block`
 * (g_malloc'd; freed with the list, or at once on failure) and writes into it. */
int handover_parse_owned(char *block, size_t offset, size_t len, Handover **out, char **why);
