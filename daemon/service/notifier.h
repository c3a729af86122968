/* SPDX-License-Identifier: MIT */
/* Sending reminders: an interface with a libnotify backend (the desktop) and a plain one
 * (stdout) for --dry-run and tests. Sending is asynchronous: a notification server that
 * hangs must never freeze the caller's main loop. */
#pragma once
#include <gio/gio.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* What to show, already worded (see prompts.h). Strings are plain UTF-8 text, never
 * markup: the backend escapes them where the server parses markup. */
typedef struct {
        const char *series_id;
        int64_t session_start; /* identifies the occurrence with series_id */
        int64_t session_end;
        const char *summary;
        const char *body;
        const char *notes_path; /* the notes file of this occurrence (may not exist yet) */
        const char *title;      /* session title, for the notes template (NULL with privacy) */
} Notice;

/* Events that come back from a shown notification (user actions). */
typedef struct {
        /* The person asked to be reminded again later. */
        void (*snooze)(const char *series_id, int64_t session_start, void *userdata);
        void *userdata;
} NotifierEvents;

typedef struct Notifier Notifier;

/* The desktop backend; never fails to construct (the server may come later). */
Notifier *notifier_new_libnotify(const NotifierEvents *events);
/* Prints each notice to `out` as one line; always succeeds at once. */
Notifier *notifier_new_stdout(FILE *out);
void notifier_free(Notifier *n);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Notifier, notifier_free)

/* Show `notice` (copied). `callback` runs from the main loop when the server accepted it
 * or it failed (no server, no bus, time-out). */
void notifier_send_async(Notifier *n, const Notice *notice, GCancellable *cancellable,
                         GAsyncReadyCallback callback, gpointer userdata);
bool notifier_send_finish(Notifier *n, GAsyncResult *result, GError **error);

/* How long Snooze waits: 10 minutes. The environment variable NUDGE_TEST_SNOOZE_SECONDS
 * (1..600) shortens it; it exists for tests only and is not a setting. */
int64_t notifier_snooze_seconds(void);

/* What the "Write notes" action does: create the notes file from the template if it is
 * missing (notes_create), then open it with the person's default application, started as a
 * transient unit of the user service manager so that it neither inherits nudged's sandbox
 * nor dies with it (a direct launch when no manager answers). The opening itself runs from
 * the main loop. 0, or -errno when the file could not be created. */
int notifier_open_notes(const char *notes_path, const char *title, int64_t session_start);
