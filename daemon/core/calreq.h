/* SPDX-License-Identifier: MIT */
/* The calendar request and its reply: what nudged and nudge ask the calendar reader
 * (nudge-calendar --serve, a sandboxed process of its own) over one stream socket, and
 * what it answers. Both sides write with calreq_format()/calreply_format() and read with
 * the strict parsers below: any deviation rejects the whole message, with a reason.
 *
 * A request, version 1 (UTF-8, LF line ends, at most CALREQ_MAX_BYTES):
 *
 *   nudge-calendar-request 1
 *   section <TAB> therapy            the section's id (names the cache files)
 *   source <TAB> /abs/path | URL     an absolute path, or https:// / http:// URL
 *   zone <TAB> Europe/Berlin         the section's zone
 *   from <TAB> UNIX                  sessions whose start is in [from, to)
 *   to <TAB> UNIX
 *   duration <TAB> SECONDS           for events with neither DTEND nor DURATION
 *   match <TAB> phrase               0..CALREQ_MAX_MATCH lines, in order
 *   fetch <TAB> cache | fresh        URL only: cache = answer from the cached copy when
 *                                    there is one (no network), else fetch;
 *                                    fresh = a conditional request now (304: the cache)
 *   password <TAB> text              0 or 1 line: the Secret Service's password for the URL
 *   end
 *
 * Lines come in exactly this order; `match` and `password` may be absent. The writer
 * side closes (shuts down) its sending half after `end`.
 *
 * A reply, version 1 (at most CALREPLY_MAX_BYTES):
 *
 *   nudge-calendar-reply 1
 *   result <TAB> ok | failed
 *   origin <TAB> file | fetched | not-modified | cache | none
 *   refresh <TAB> SECONDS            the feed's REFRESH-INTERVAL / X-PUBLISHED-TTL, 0: none
 *   http <TAB> STATUS                the last HTTP status seen, 0: none (a file)
 *   auth <TAB> none | needed | refused   401 without a password, or with one (wrong); a
 *                                    403 is no password problem: none, with its reason
 *   reason <TAB> text                empty when all went well; with result ok and origin
 *                                    cache: why the fetch failed (the cache was used)
 *   end
 *   <a hand-over list (handover.h)>  only with result ok: the rest of the reply
 *
 * Texts (reason, match, password, section) hold no TAB, LF or other control character.
 * The reason never holds a URL's path or query: a calendar is named by section and host. */
#pragma once
#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "handover.h"

#define CALREQ_MAGIC "nudge-calendar-request 1"
#define CALREPLY_MAGIC "nudge-calendar-reply 1"
#define CALREQ_MAX_BYTES (64u << 10)
#define CALREQ_MAX_MATCH 64u
#define CALREQ_MAX_TEXT 4096u /* a source, a phrase, a password, a reason */
#define CALREPLY_MAX_BYTES (HANDOVER_MAX_BYTES + CALREQ_MAX_BYTES)

typedef enum { CALFETCH_CACHE, CALFETCH_FRESH } CalFetch;

typedef struct {
        char *section, *source, *zone;
        int64_t from, to, duration;
        char **match;   /* NULL-terminated, never NULL (may be empty) */
        CalFetch fetch;
        char *password; /* NULL: none */
} CalRequest;

typedef enum {
        CALORIGIN_NONE,         /* nothing could be read */
        CALORIGIN_FILE,         /* a file or folder, read now */
        CALORIGIN_FETCHED,      /* a URL, fetched now (200) */
        CALORIGIN_NOT_MODIFIED, /* a URL, answered 304: the cached copy, read again */
        CALORIGIN_CACHE,        /* a URL, not fetched or the fetch failed: the cached copy */
} CalOrigin;

typedef enum { CALAUTH_NONE, CALAUTH_NEEDED, CALAUTH_REFUSED } CalAuth;

typedef struct {
        bool ok;
        CalOrigin origin;
        int64_t refresh; /* seconds, 0: the feed gives none */
        int http;        /* 0: none */
        CalAuth auth;
        char *reason;    /* never NULL; "" when all went well */
        Handover *list;  /* with ok: the sessions; else NULL */
} CalReply;

void calreq_free(CalRequest *r);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CalRequest, calreq_free)
void calreply_free(CalReply *r);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CalReply, calreply_free)

/* The text of a request; NULL when a field breaks the format (a text too long or with a
 * control character, to <= from, a relative path...). */
char *calreq_format(const CalRequest *r);
/* 0 and *out, or -EBADMSG and *why ("line 4: ..."). Pure. */
int calreq_parse_buf(const char *buf, size_t len, CalRequest **out, char **why);

/* The text of a reply (the list formatted after the header when ok). Texts are cleaned
 * (control characters become blanks, cut to CALREQ_MAX_TEXT). */
char *calreply_format(const CalReply *r);
/* 0 and *out, or -EBADMSG and *why. The hand-over list is parsed with
 * handover_parse_buf(). Pure. */
int calreply_parse_buf(const char *buf, size_t len, CalReply **out, char **why);
