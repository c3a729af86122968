/* SPDX-License-Identifier: MIT */
/* nudge-calendar: reads one calendar source and writes its sessions in the window as a
 * hand-over list on stdout, for nudged (which starts it sandboxed) and nudge.
 *
 * Usage: nudge-calendar --serve
 *   one request (calreq.h) on stdin, its reply on stdout: files and URLs, with the cache
 *   and a sandbox of its own (serve.h). Exit status 0, 64 for a request that breaks the
 *   format (a reply saying so is still written), 74 when stdout cannot be written.
 * Usage: nudge-calendar --zone ZONE --from UNIX --to UNIX [--duration SECONDS]
 *                       [--match PHRASE]... SOURCE
 * SOURCE is an .ics file or a folder of them. Exit status:
 *   0   the list is on stdout (it may name problems: events or files left out)
 *   1   the source as a whole cannot be read (missing, unreadable, over 16 MiB, not
 *       iCalendar); the reason is on stderr, nothing on stdout
 *   64  wrong arguments (EX_USAGE)
 *   74  stdout could not be written (EX_IOERR) */
#include "config.h"

#include <errno.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exitcode.h"
#include "fileio.h"
#include "handover.h"
#include "i18n.h"
#include "ical.h"
#include "serve.h"
#include "source.h"
#include "tz.h"

#define EXIT_IOERR 74

int main(int argc, char **argv)
{
        /* GIO without the desktop: no GVfs, no dconf (both would want the session bus). */
        g_setenv("GIO_USE_VFS", "local", TRUE);
        g_setenv("GSETTINGS_BACKEND", "memory", TRUE);
        if (argc == 2 && strcmp(argv[1], "--serve") == 0) {
                i18n_init();
                return serve_main();
        }
        g_autofree char *zone = NULL;
        g_auto(GStrv) match = NULL;
        gint64 from = 0, to = 0, duration = 50 * 60;
        GOptionEntry entries[] = {
                { "zone", 0, 0, G_OPTION_ARG_STRING, &zone, "the section's zone (IANA)", "ZONE" },
                { "from", 0, 0, G_OPTION_ARG_INT64, &from, "window start, Unix seconds", "UNIX" },
                { "to", 0, 0, G_OPTION_ARG_INT64, &to, "window end (excluded)", "UNIX" },
                { "duration", 0, 0, G_OPTION_ARG_INT64, &duration,
                  "length of events without one, seconds", "SECONDS" },
                { "match", 0, 0, G_OPTION_ARG_STRING_ARRAY, &match,
                  "a phrase of SUMMARY (repeatable)", "PHRASE" },
                { NULL },
        };
        g_autoptr(GOptionContext) ctx = g_option_context_new("SOURCE");
        g_option_context_add_main_entries(ctx, entries, NULL);
        g_autoptr(GError) error = NULL;
        if (!g_option_context_parse(ctx, &argc, &argv, &error) || argc != 2 || !zone ||
            to <= from || duration < 60 || duration > 12 * 3600) {
                fprintf(stderr, "nudge-calendar: %s\n",
                        error ? error->message
                              : "usage: nudge-calendar --zone ZONE --from UNIX --to UNIX "
                                "[--duration SECONDS] [--match PHRASE]... SOURCE");
                return EXIT_USAGE;
        }
        g_autoptr(Tz) tz = tz_new(zone);
        if (!tz) {
                fprintf(stderr, "nudge-calendar: unknown time zone \"%s\"\n", zone);
                return EXIT_USAGE;
        }

        g_autoptr(Source) src = NULL;
        g_autofree char *why = NULL;
        if (source_read(argv[1], &src, &why) < 0) {
                fprintf(stderr, "nudge-calendar: %s: %s\n", argv[1], why);
                return EXIT_FAILURE;
        }
        size_t n;
        g_autofree IcalText *texts = source_texts(src, &n);
        IcalSettings set = { (const char *const *)match, tz, duration, from, to };
        g_autoptr(Handover) list =
                serve_read_texts(texts, n, &set, src->skipped, src->skipped_why, &why);
        if (!list) {
                fprintf(stderr, "nudge-calendar: %s: %s\n", argv[1], why);
                return EXIT_FAILURE;
        }
        g_autofree char *text = handover_format(list);
        if (fileio_write_all(STDOUT_FILENO, text, strlen(text)) < 0)
                return EXIT_IOERR;
        return EXIT_SUCCESS;
}
