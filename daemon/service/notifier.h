/* SPDX-License-Identifier: MIT */
/* Sending reminders: an interface with a libnotify backend (the desktop), a plain one
 * (stdout) for --dry-run and tests, and room for others (the service simulation's).
 * Sending is asynchronous: a notification server that hangs must never freeze the caller's
 * main loop. Results and the person's actions come back through NotifierEvents. */
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
        int64_t instant;       /* the reminder (or snooze) instant this notice is for */
        bool snooze;           /* a snoozed reminder coming back */
        bool checkin;          /* the check-in after the session: its notes open "after" */
        const char *summary;
        const char *body;
        const char *notes_path; /* the notes file of this occurrence (may not exist yet) */
        const char *title;      /* session title, for the notes template (NULL with privacy) */
        uint32_t replaces_id;   /* the server's id of a notification this one replaces, or 0 */
        bool offer_snooze;      /* a Snooze button makes sense (time is left before the start) */
} Notice;

/* How a send ended. `id` is the server's id of the notification (0 when unknown, as with
 * the stdout backend); `error` is set when !ok and lives only during the callback. */
typedef struct {
        bool ok;
        uint32_t id;
        const char *error;
} NotifierResult;

typedef struct {
        /* The send with this ticket ended. Never called after notifier_free(). */
        void (*sent)(void *userdata, uint64_t ticket, const NotifierResult *result);
        /* The person asked to be reminded of that occurrence again later. */
        void (*snooze)(void *userdata, const char *series_id, int64_t session_start);
        void *userdata;
} NotifierEvents;

typedef struct Notifier Notifier;

/* A backend: `send` starts showing the notice (copy what you keep) and reports later with
 * notifier_report(), from the main loop, never from inside `send`; `destroy` frees the
 * backend (no report may follow). */
typedef struct {
        void (*send)(Notifier *n, const Notice *notice, uint64_t ticket);
        void (*destroy)(Notifier *n);
} NotifierOps;

/* The part every backend starts with. */
struct Notifier {
        const NotifierOps *ops;
        NotifierEvents events;
};

/* The desktop backend; never fails to construct (the server may come later). */
Notifier *notifier_new_libnotify(const NotifierEvents *events);
/* How many of its notifications the desktop backend holds as still on screen (their
 * buttons may still be clicked): one closed by the server is let go at once. */
unsigned notifier_libnotify_on_screen(const Notifier *n);
/* Prints each notice to `out` as one line; every send succeeds. */
Notifier *notifier_new_stdout(FILE *out, const NotifierEvents *events);
void notifier_free(Notifier *n);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Notifier, notifier_free)

void notifier_send(Notifier *n, const Notice *notice, uint64_t ticket);
/* For backends: hand a result to the events. */
void notifier_report(Notifier *n, uint64_t ticket, const NotifierResult *result);

/* How long Snooze waits: 10 minutes. The environment variable NUDGE_TEST_SNOOZE_SECONDS
 * (1..600) shortens it; it exists for tests only and is not a setting. */
int64_t notifier_snooze_seconds(void);

/* What the "Write notes" action does: create the notes file from the template if it is
 * missing (notes_create), then open it with the person's default application, started as a
 * transient unit of the user service manager so that it neither inherits nudged's sandbox
 * nor dies with it (a direct launch when no manager answers). The opening itself runs from
 * the main loop. 0, or -errno when the file could not be created. */
int notifier_open_notes(const char *notes_path, const char *title, int64_t session_start);
