/* SPDX-License-Identifier: MIT */
/* The last good copy of each calendar URL, in $XDG_CACHE_HOME/nudge (0700): SECTION.ics,
 * the body as fetched (only a body that read as iCalendar), and SECTION.meta, its
 * validators and which URL and body they belong to:
 *
 *   nudge-calendar-cache 1
 *   url-sha256 <TAB> hex        the URL it came from (a different URL: no cache)
 *   body-sha256 <TAB> hex       the .ics it describes (another body: no validators)
 *   etag <TAB> text             may be empty
 *   last-modified <TAB> text    may be empty
 *
 * Both files are 0600 and replaced atomically. */
#pragma once
#include <glib.h>

typedef struct {
        GBytes *body;
        char *etag, *last_modified; /* NULL: none */
} CacheEntry;

void cache_entry_clear(CacheEntry *e);
/* $XDG_CACHE_HOME/nudge, or ~/.cache/nudge. */
char *cache_dir(void);
/* Creates the folder privately when it is missing and checks it can be trusted; 0 or a
 * negative errno and *why. */
int cache_prepare(const char *dir, char **why);
/* 0 and *out when a copy of `url` is cached for `section`; -ENOENT when none (or one of
 * another URL, or one that cannot be read). */
int cache_load(const char *dir, const char *section, const char *url, CacheEntry *out);
/* Replaces the copy; 0 or a negative errno. */
int cache_store(const char *dir, const char *section, const char *url, GBytes *body,
                const char *etag, const char *last_modified);
