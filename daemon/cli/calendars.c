/* SPDX-License-Identifier: MIT */
/* The calendar sections for the command: their sessions for `nudge list` and `nudge
 * note`, and `nudge check`'s report of each calendar, fetched afresh. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>

#include "calclient.h"
#include "calsaved.h"
#include "cli.h"
#include "format.h"
#include "password.h"
#include "paths.h"

static bool is_calendar(const Series *se)
{
        return se->kind == REPEAT_CALENDAR && se->calendar;
}

/* nudged's saved copy, when it is for this calendar, covers [from, to) and, for a file
 * or folder, was read after its last change: a file's sessions then need no reading.
 * *mine: no copy, or one for this calendar (not for a section of the same name in
 * another schedule), which the command may then replace. */
static Handover *saved_list(const Series *se, int64_t from, int64_t to, bool *mine)
{
        g_autofree char *dir = paths_state_dir();
        g_autofree char *path = calsaved_path(dir, se->id);
        g_autofree char *digest = calsaved_digest(se);
        g_autoptr(CalSaved) saved = NULL;
        int r = calsaved_load(path, digest, &saved, NULL);
        *mine = r == 0 || r == -ENOENT;
        if (r < 0 || saved->from > from || saved->to < to)
                return NULL;
        if (se->calendar->path &&
            !calsaved_read_since_change(saved->fetched, se->calendar->path,
                                        g_get_real_time() / G_USEC_PER_SEC))
                return NULL;
        return g_steal_pointer(&saved->list);
}

/* Asks the reader, with the URL's password when the Secret Service has one. */
static CalReply *ask(const Series *se, int64_t from, int64_t to, CalFetch fetch, char **error)
{
        g_autoptr(CalRequest) req = calsaved_request(se, from, to, fetch);
        if (se->calendar->url) {
                g_autoptr(GError) e = NULL;
                req->password = password_lookup_sync(se->calendar->url, &e);
        }
        CalReply *reply = calclient_ask_sync(req, error);
        if (req->password) {
                password_free(req->password);
                req->password = NULL;
        }
        return reply;
}

/* A file's or folder's sessions, read afresh for nudged's whole window when [from, to) lies
 * in it, and saved as nudged's copy (when that copy is missing or this calendar's), so
 * that the next command, and nudged's next start, need not read the unchanged file again.
 * A URL's copy is nudged's last good one, which the command never replaces. */
static CalReply *read_and_keep(const Series *se, int64_t from, int64_t to, bool mine,
                               char **error)
{
        int64_t now = g_get_real_time() / G_USEC_PER_SEC;
        int64_t wfrom = now - CALSAVED_BEFORE, wto = now + CALSAVED_AHEAD;
        if (!se->calendar->path || !mine || from < wfrom || to > wto)
                return ask(se, from, to, CALFETCH_CACHE, error);
        CalReply *reply = ask(se, wfrom, wto, CALFETCH_CACHE, error);
        if (reply && reply->ok) {
                g_autofree char *dir = paths_state_dir();
                g_autofree char *path = calsaved_path(dir, se->id);
                g_autofree char *digest = calsaved_digest(se);
                /* No copy kept is no loss: the list is shown all the same. */
                (void)calsaved_save(path, wfrom, wto, now, digest, reply->list);
        }
        return reply;
}

/* "calendar [practice] (host): cannot be fetched: REASON". */
static char *reply_problem(const Series *se, const CalReply *reply, const char *error)
{
        g_autofree char *name = calsaved_name(se);
        g_autofree char *what = calsaved_problem(se->id, se->calendar->url != NULL,
                                                 reply ? reply->reason : error,
                                                 reply ? reply->auth : CALAUTH_NONE, true);
        /* TRANSLATORS: %1$s names the calendar ("[practice] (example.org)"), %2$s says
         * what went wrong. */
        return g_strdup_printf(_("calendar %1$s: %2$s"), name, what);
}

unsigned cli_fill_calendars(const char *cmd, Schedule *s, int64_t from, int64_t to)
{
        unsigned failed = 0;
        for (size_t i = 0; i < s->n_series; i++) {
                Series *se = &s->series[i];
                if (!is_calendar(se))
                        continue;
                bool mine = false;
                g_autoptr(Handover) list = saved_list(se, from, to, &mine);
                if (list) {
                        series_set_sessions(se, list, NULL);
                        continue;
                }
                g_autofree char *error = NULL;
                g_autoptr(CalReply) reply = read_and_keep(se, from, to, mine, &error);
                if (reply && reply->ok) {
                        series_set_sessions(se, reply->list, NULL);
                        continue;
                }
                g_autofree char *problem = reply_problem(se, reply, error);
                /* TRANSLATORS: %1$s is the command ("list"), %2$s the calendar's problem. */
                fprintf(stderr, _("nudge %1$s: %2$s; its sessions are not shown\n"), cmd, problem);
                failed++;
        }
        return failed;
}

/* The events the reader left out, named, and the all-day events it skipped. */
static void print_left_out(GString *out, const Handover *h)
{
        for (guint i = 0; i < h->problems->len; i++) {
                const HandoverProblem *p = &g_array_index(h->problems, HandoverProblem, i);
                /* TRANSLATORS: %1$s names the event (its SUMMARY or UID), %2$s says why. */
                g_string_append_printf(out, _("  left out: \"%1$s\": %2$s\n"), p->name, p->reason);
        }
        unsigned long more = (unsigned long)h->problems_left_out, allday = (unsigned long)h->allday;
        if (more)
                g_string_append_printf(out, ngettext("  left out: %lu more event with problems\n",
                                                     "  left out: %lu more events with problems\n",
                                                     more),
                                       more);
        if (allday)
                g_string_append_printf(out,
                                       ngettext("  %lu all-day event skipped (never a session)\n",
                                                "  %lu all-day events skipped (never a session)\n",
                                                allday),
                                       allday);
}

/* One calendar's line: how many sessions and the next, or why it failed. */
static bool check_one(GString *out, Series *se, Tz *local, int64_t now)
{
        g_autofree char *error = NULL, *name = calsaved_name(se);
        g_autoptr(CalReply) reply = ask(se, now - CALSAVED_BEFORE, now + CALSAVED_AHEAD,
                                        CALFETCH_FRESH, &error);
        if (!reply || !reply->ok) {
                g_autofree char *problem = reply_problem(se, reply, error);
                g_string_append_printf(out, "%s\n", problem);
                return false;
        }
        series_set_sessions(se, reply->list, NULL);
        guint n = reply->list->sessions->len;
        Occurrence o;
        if (series_next(se, now, &o)) {
                g_autofree char *when = format_long(local, o.start);
                /* TRANSLATORS: %1$s names the calendar, %2$u is a number of sessions, %3$s
                 * the next one's date and time, %4$s its title. */
                g_string_append_printf(out,
                                       ngettext("calendar %1$s: %2$u session, next %3$s, %4$s\n",
                                                "calendar %1$s: %2$u sessions, next %3$s, %4$s\n",
                                                n),
                                       name, n, when, o.title);
        } else {
                g_string_append_printf(out, ngettext("calendar %1$s: %2$u session, none to come\n",
                                                     "calendar %1$s: %2$u sessions, none to come\n",
                                                     n),
                                       name, n);
        }
        if (*reply->reason) {
                /* The fetch failed and the reader answered from its copy. */
                g_autofree char *what = calsaved_problem(se->id, true, reply->reason,
                                                         reply->auth, true);
                /* TRANSLATORS: %s says why the calendar could not be fetched. */
                g_string_append_printf(out, _("  %s: these sessions are from the copy kept\n"),
                                       what);
        }
        print_left_out(out, reply->list);
        return *reply->reason == '\0';
}

bool cli_check_calendars(Schedule *s, Tz *local, int64_t now, GString *out)
{
        bool all = true;
        for (size_t i = 0; i < s->n_series; i++)
                if (is_calendar(&s->series[i]))
                        all = check_one(out, &s->series[i], local, now) && all;
        return all;
}
