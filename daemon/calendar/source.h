/* SPDX-License-Identifier: MIT */
/* Reading a calendar source from disk: one .ics file, or the *.ics files of a folder,
 * each read with a bound, all of them together at most ICAL_MAX_TEXT bytes. */
#pragma once
#include <glib.h>

#include "ical.h"

typedef struct {
        GPtrArray *names;  /* char*, the file names */
        GPtrArray *bufs;   /* GBytes*, their contents */
        GPtrArray *skipped; /* char*, names of files that were not read */
        GPtrArray *skipped_why; /* char*, why, for each of them */
} Source;

void source_free(Source *s);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Source, source_free)

/* 0 and *out, or a negative errno and *why (the whole source cannot be read: missing,
 * unreadable, over the bound). A folder's files that cannot be read are in `skipped`. */
int source_read(const char *path, Source **out, char **why);
/* The texts for ical_read(), borrowing from `s`; free with g_free(). */
IcalText *source_texts(const Source *s, size_t *n);
