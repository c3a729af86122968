/* SPDX-License-Identifier: MIT */
/* Asking the calendar reader. The reader is nudge-calendar --serve in a process of its
 * own: started by the user manager for each connection to its socket
 * ($XDG_RUNTIME_DIR/nudge-calendar.socket, units/nudge-calendar.socket), sandboxed there
 * and allowed the network; or, where that socket is not there (no user manager, tests
 * run in the foreground), started here with a socket pair as stdin and stdout (it then
 * restricts itself, and has the network only if this process has). nudged and nudge
 * hold nothing but the request and the reply (calreq.h): no iCalendar, no network. */
#pragma once
#include <gio/gio.h>

#include "calreq.h"

/* How long a reply may take, at most: the reader's own 30 s limit for a fetch, and time
 * to read a large calendar. */
#define CALCLIENT_TIMEOUT_S 90

/* Sends `req` and reads the reply on the GLib main loop. `done` is called exactly once
 * (not from within this call): with the parsed reply (the callee's to free), or with
 * NULL and `error` saying what went wrong (no reader, a reply that breaks the format,
 * the time limit, cancelled). */
typedef void (*CalClientDone)(CalReply *reply, const char *error, void *userdata);
void calclient_ask_async(const CalRequest *req, GCancellable *cancel, CalClientDone done,
                         void *userdata);
/* The same, blocking (for the command). NULL and *error on failure. */
CalReply *calclient_ask_sync(const CalRequest *req, char **error);
