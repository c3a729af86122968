/* SPDX-License-Identifier: MIT */
/* nudged's calendars: saved copies first, then the reader, watches and refresh timers. */
#include "config.h"

#include "calendars.h"

#include <errno.h>
#include <gio/gio.h>
#include <inttypes.h>
#include <string.h>

#include "calclient.h"
#include "calsaved.h"
#include "format.h"
#include "i18n.h"
#include "log.h"
#include "password.h"

/* As for the schedule file (watch.c): editors and mail programs write in several steps,
 * read once the burst is over. */
#define DEBOUNCE_MS 150
#define REFRESH_MIN 300
#define REFRESH_MAX 604800
#define REFRESH_DEFAULT 3600
#define BACKOFF_FIRST 60

typedef struct {
        Calendars *owner;
        char *id, *digest, *name; /* name: "[id] (host)", for logs and the status */
        Series *series;           /* in the schedule in force */
        Handover *list;           /* the last good sessions; NULL: none yet */
        int64_t from, to, fetched;
        /* The last answer's problem: NULL when it went well. */
        char *reason;
        CalAuth auth;
        char *logged;      /* the problem last logged, to log each change once */
        char *left_logged; /* the events left out last logged */
        int64_t feed_refresh, backoff;
        GCancellable *cancel; /* of the request under way; NULL: none */
        bool again;           /* the file changed while a request was under way */
        guint timer_src, debounce_src;
        GFileMonitor *monitor;
        bool alive;
} Cal;

struct Calendars {
        CalendarsEvents events;
        char *state_dir;
        GHashTable *cals;  /* id -> Cal */
        GHashTable *zones; /* name -> Tz, shared by the sessions */
        GNetworkMonitor *net;
        gulong net_handler;
};

/* One request, from the password lookup to the reply. It outlives its Cal when the
 * calendar is dropped meanwhile: the cancellable says so. */
typedef struct {
        Calendars *owner;
        char *id;
        GCancellable *cancel;
        CalRequest *req;
        int64_t asked;   /* when: a file's copy is as new as the moment it was asked for */
        bool then_fresh; /* a URL's first answer, from the cache: fetch right after */
} Ask;

static Ask *ask_calendar(Cal *cal, CalFetch fetch, int64_t now);

/* The edge: replies and timers come from the loop, with no `now` of their own. */
static int64_t now_seconds(void)
{
        return g_get_real_time() / G_USEC_PER_SEC;
}

static bool is_url(const Cal *cal)
{
        return cal->series && cal->series->calendar && cal->series->calendar->url;
}

static void ask_free(Ask *a)
{
        g_object_unref(a->cancel);
        g_free(a->id);
        if (a->req && a->req->password) {
                password_free(a->req->password);
                a->req->password = NULL;
        }
        calreq_free(a->req);
        g_free(a);
}

static void cal_free(gpointer p)
{
        Cal *cal = p;
        if (cal->cancel) {
                g_cancellable_cancel(cal->cancel);
                g_object_unref(cal->cancel);
        }
        g_clear_handle_id(&cal->timer_src, g_source_remove);
        g_clear_handle_id(&cal->debounce_src, g_source_remove);
        if (cal->monitor) {
                g_file_monitor_cancel(cal->monitor);
                g_object_unref(cal->monitor);
        }
        handover_unref(cal->list);
        g_free(cal->id);
        g_free(cal->digest);
        g_free(cal->name);
        g_free(cal->reason);
        g_free(cal->logged);
        g_free(cal->left_logged);
        g_free(cal);
}

Calendars *calendars_new(const char *state_dir, const CalendarsEvents *events)
{
        Calendars *c = g_new0(Calendars, 1);
        c->events = *events;
        c->state_dir = g_strdup(state_dir);
        c->cals = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, cal_free);
        c->zones = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify)tz_unref);
        return c;
}

void calendars_free(Calendars *c)
{
        if (!c)
                return;
        if (c->net_handler)
                g_signal_handler_disconnect(c->net, c->net_handler);
        g_hash_table_destroy(c->cals);
        g_hash_table_destroy(c->zones);
        g_free(c->state_dir);
        g_free(c);
}

/* ---- the problem, in the log and the status ------------------------------------------ */

/* The status is in the person's language, the log in English. */
#define T(text) (translated ? _(text) : (text))

static char *problem_text(const Cal *cal, Tz *tz, bool translated)
{
        /* The status is short: a file's path (which the reader's reason starts with) is
         * left to the log. */
        const char *path = cal->series->calendar->path, *reason = cal->reason;
        size_t n = path ? strlen(path) : 0;
        if (translated && n && strncmp(reason, path, n) == 0 && reason[n] == ':' && reason[n + 1])
                reason += n + 2;
        g_autofree char *what = calsaved_problem(cal->id, is_url(cal), reason, cal->auth,
                                                 translated);
        g_autofree char *when = cal->fetched > 0 ? format_short(tz, cal->fetched) : NULL;
        if (!cal->list)
                /* TRANSLATORS: %1$s names the calendar ("[practice] (example.org)"), %2$s
                 * is what went wrong. */
                return g_strdup_printf(T(N_("calendar %1$s: %2$s, no sessions from it yet")),
                                       cal->name, what);
        if (when)
                /* TRANSLATORS: %3$s is the date and time the copy was read. */
                return g_strdup_printf(T(N_("calendar %1$s: %2$s, using the copy of %3$s")),
                                       cal->name, what, when);
        return g_strdup_printf(T(N_("calendar %1$s: %2$s, using the copy kept")), cal->name,
                               what);
}
#undef T

static gint by_id(gconstpointer a, gconstpointer b)
{
        return strcmp((*(Cal *const *)a)->id, (*(Cal *const *)b)->id);
}

char *calendars_status(const Calendars *c, Tz *tz)
{
        g_autoptr(GPtrArray) bad = g_ptr_array_new();
        GHashTableIter it;
        gpointer v;
        g_hash_table_iter_init(&it, c->cals);
        while (g_hash_table_iter_next(&it, NULL, &v))
                if (((Cal *)v)->reason)
                        g_ptr_array_add(bad, v);
        if (bad->len == 0)
                return NULL;
        g_ptr_array_sort(bad, by_id);
        char *first = problem_text(bad->pdata[0], tz, true);
        if (bad->len == 1)
                return first;
        g_autofree char *text = first;
        /* TRANSLATORS: after a calendar's problem in the status; %u is how many more. */
        return g_strdup_printf(ngettext("%s (and %u more calendar with problems)",
                                        "%s (and %u more calendars with problems)",
                                        bad->len - 1),
                               text, bad->len - 1);
}

/* Logs the problem once per change, and the recovery. */
static void log_problem(Cal *cal)
{
        g_autoptr(Tz) utc = tz_new("UTC");
        g_autofree char *text = cal->reason ? problem_text(cal, utc, false) : NULL;
        if (text)
                text[0] = g_ascii_toupper(text[0]); /* a sentence of the log */
        if (g_strcmp0(text, cal->logged) == 0)
                return;
        if (text)
                log_warning("%s", text);
        else if (cal->logged)
                log_notice("Calendar %s read again without problems", cal->name);
        g_free(cal->logged);
        cal->logged = g_steal_pointer(&text);
}

/* The events the reader left out: their count and names, once per change. */
static void log_left_out(Cal *cal, const Handover *h)
{
        GString *names = g_string_new(NULL);
        for (guint i = 0; i < h->problems->len; i++) {
                const HandoverProblem *p = &g_array_index(h->problems, HandoverProblem, i);
                g_string_append_printf(names, "%s\"%s\" (%s)", i ? ", " : "", p->name, p->reason);
        }
        uint64_t n = h->problems->len + h->problems_left_out;
        g_autofree char *text = NULL;
        if (n)
                text = g_strdup_printf("Calendar %s: %" PRIu64 " event%s left out: %s%s", cal->name,
                                       n, n == 1 ? "" : "s", names->str,
                                       h->problems_left_out ? ", ..." : "");
        g_string_free(names, TRUE);
        if (g_strcmp0(text, cal->left_logged) == 0)
                return;
        if (text)
                log_warning("%s", text);
        g_free(cal->left_logged);
        cal->left_logged = g_steal_pointer(&text);
}

/* ---- timers, watches and the network ------------------------------------------------- */

/* `refresh` of the section, else the feed's own within bounds, else an hour. */
static int64_t refresh_of(const Cal *cal)
{
        int64_t r = cal->series->calendar->refresh;
        if (r > 0)
                return r;
        if (cal->feed_refresh >= REFRESH_MIN && cal->feed_refresh <= REFRESH_MAX)
                return cal->feed_refresh;
        return REFRESH_DEFAULT;
}

static gboolean on_refresh(gpointer userdata)
{
        Cal *cal = userdata;
        cal->timer_src = 0;
        ask_calendar(cal, CALFETCH_FRESH, now_seconds());
        return G_SOURCE_REMOVE;
}

/* A URL is fetched again after `refresh`, or sooner after a failure: 1 min, doubling, up
 * to `refresh`. Files have no timer: their watch says when to read them. */
static void plan_fetch(Cal *cal, bool failed)
{
        g_clear_handle_id(&cal->timer_src, g_source_remove);
        if (!is_url(cal))
                return;
        int64_t refresh = refresh_of(cal);
        if (failed)
                cal->backoff = MIN(cal->backoff ? cal->backoff * 2 : BACKOFF_FIRST, refresh);
        else
                cal->backoff = 0;
        int64_t wait = failed ? cal->backoff : refresh;
        cal->timer_src = g_timeout_add_seconds((guint)wait, on_refresh, cal);
}

static gboolean on_debounced(gpointer userdata)
{
        Cal *cal = userdata;
        cal->debounce_src = 0;
        if (cal->cancel)
                cal->again = true;
        else
                ask_calendar(cal, CALFETCH_CACHE, now_seconds());
        return G_SOURCE_REMOVE;
}

static void on_file_changed(GFileMonitor *m, GFile *file, GFile *other, GFileMonitorEvent ev,
                            gpointer userdata)
{
        Cal *cal = userdata;
        if (cal->debounce_src)
                g_source_remove(cal->debounce_src);
        cal->debounce_src = g_timeout_add(DEBOUNCE_MS, on_debounced, cal);
}

/* A file or a folder of .ics files: read again when it changes. */
static void watch_source(Cal *cal)
{
        const char *path = cal->series->calendar->path;
        g_autoptr(GFile) f = g_file_new_for_path(path);
        g_autoptr(GError) error = NULL;
        bool dir = g_file_test(path, G_FILE_TEST_IS_DIR);
        cal->monitor = dir ? g_file_monitor_directory(f, G_FILE_MONITOR_WATCH_MOVES, NULL, &error)
                           : g_file_monitor_file(f, G_FILE_MONITOR_WATCH_MOVES, NULL, &error);
        if (!cal->monitor) {
                log_warning("Calendar %s: cannot watch %s for changes: %s", cal->name, path,
                            error->message);
                return;
        }
        g_signal_connect(cal->monitor, "changed", G_CALLBACK(on_file_changed), cal);
}

/* The network is back: fetch at once what failed meanwhile. */
static void on_network(GNetworkMonitor *m, gboolean available, gpointer userdata)
{
        Calendars *c = userdata;
        if (!available)
                return;
        GHashTableIter it;
        gpointer v;
        g_hash_table_iter_init(&it, c->cals);
        while (g_hash_table_iter_next(&it, NULL, &v)) {
                Cal *cal = v;
                if (is_url(cal) && cal->reason && !cal->cancel && cal->auth == CALAUTH_NONE)
                        ask_calendar(cal, CALFETCH_FRESH, now_seconds());
        }
}

/* Inside nudged's sandbox (AF_UNIX only) GLib's netlink monitor cannot open its socket and
 * GIO falls back to one that always says "available" and never signals: then only the
 * backoff brings a calendar back, which is the clean way down. */
static void watch_network(Calendars *c)
{
        if (c->net)
                return;
        c->net = g_network_monitor_get_default();
        c->net_handler = g_signal_connect(c->net, "network-changed", G_CALLBACK(on_network), c);
}

/* ---- asking the reader --------------------------------------------------------------- */

static Cal *ask_target(Ask *a)
{
        if (g_cancellable_is_cancelled(a->cancel))
                return NULL; /* the calendar was dropped or replaced: a->owner may be gone */
        return g_hash_table_lookup(a->owner->cals, a->id);
}

static void set_problem(Cal *cal, const char *reason, CalAuth auth)
{
        g_free(cal->reason);
        cal->reason = reason ? g_strdup(*reason ? reason : "no reason given") : NULL;
        cal->auth = auth;
        log_problem(cal);
}

/* A list came: keep it, save it, put its sessions in the series. */
static void take_list(Cal *cal, CalReply *reply, const Ask *a, int64_t now)
{
        if (reply->origin != CALORIGIN_CACHE)
                cal->fetched = is_url(cal) ? now : a->asked;
        cal->from = a->req->from;
        cal->to = a->req->to;
        cal->feed_refresh = reply->refresh;
        handover_unref(cal->list);
        cal->list = g_steal_pointer(&reply->list);
        series_set_sessions(cal->series, cal->list, cal->owner->zones);
        log_left_out(cal, cal->list);
        log_info("Calendar %s: %u sessions read", cal->name, cal->list->sessions->len);
        if (!cal->owner->state_dir)
                return;
        g_autofree char *path = calsaved_path(cal->owner->state_dir, cal->id);
        int r = calsaved_save(path, cal->from, cal->to, cal->fetched, cal->digest, cal->list);
        if (r < 0)
                log_warning("Cannot save the sessions of calendar %s in %s: %s (they are read "
                            "again at the next start)", cal->name, path, g_strerror(-r));
}

static void on_reply(CalReply *reply, const char *error, void *userdata)
{
        Ask *a = userdata;
        Cal *cal = ask_target(a);
        if (!cal) {
                calreply_free(reply);
                ask_free(a);
                return;
        }
        g_clear_object(&cal->cancel);
        int64_t now = now_seconds();
        bool failed = !reply || !reply->ok;
        if (!failed) {
                take_list(cal, reply, a, now);
                /* ok from the cache with a reason: the fetch failed, the copy was used. */
                set_problem(cal, *reply->reason ? reply->reason : NULL, reply->auth);
                failed = *reply->reason != '\0';
        } else {
                set_problem(cal, reply ? reply->reason : error,
                            reply ? reply->auth : CALAUTH_NONE);
        }
        bool first_from_cache = a->then_fresh;
        calreply_free(reply);
        ask_free(a);
        if (cal->again || first_from_cache) {
                cal->again = false;
                ask_calendar(cal, first_from_cache ? CALFETCH_FRESH : CALFETCH_CACHE, now);
        } else {
                plan_fetch(cal, failed);
        }
        cal->owner->events.changed(cal->owner->events.userdata);
}

static void send_ask(Ask *a)
{
        calclient_ask_async(a->req, a->cancel, on_reply, a);
        /* The request was written out: the password goes at once. */
        if (a->req->password) {
                password_free(a->req->password);
                a->req->password = NULL;
        }
}

static void on_password(GObject *source, GAsyncResult *result, gpointer userdata)
{
        Ask *a = userdata;
        g_autoptr(GError) error = NULL;
        char *password = password_lookup_finish(result, &error);
        Cal *cal = ask_target(a);
        if (!cal) {
                password_free(password);
                ask_free(a);
                return;
        }
        if (error)
                log_debug("Calendar %s: no password from the Secret Service: %s", cal->name,
                          error->message);
        a->req->password = password;
        send_ask(a);
}

/* One request at a time per calendar (NULL: one is under way); a URL's password is
 * looked up first. */
static Ask *ask_calendar(Cal *cal, CalFetch fetch, int64_t now)
{
        if (cal->cancel)
                return NULL;
        g_clear_handle_id(&cal->timer_src, g_source_remove);
        Ask *a = g_new0(Ask, 1);
        a->owner = cal->owner;
        a->id = g_strdup(cal->id);
        a->cancel = g_cancellable_new();
        a->asked = now;
        a->req = calsaved_request(cal->series, now - CALSAVED_BEFORE, now + CALSAVED_AHEAD, fetch);
        cal->cancel = g_object_ref(a->cancel);
        if (is_url(cal))
                password_lookup_async(cal->series->calendar->url, a->cancel, on_password, a);
        else
                send_ask(a);
        return a;
}

void calendars_tick(Calendars *c, int64_t now)
{
        GHashTableIter it;
        gpointer v;
        g_hash_table_iter_init(&it, c->cals);
        while (g_hash_table_iter_next(&it, NULL, &v)) {
                Cal *cal = v;
                if (cal->list && !cal->cancel && cal->to - now < CALSAVED_AHEAD_MIN)
                        ask_calendar(cal, CALFETCH_CACHE, now);
        }
}

/* ---- the schedule in force ------------------------------------------------------------ */

static void load_saved(Cal *cal)
{
        if (!cal->owner->state_dir)
                return;
        g_autofree char *path = calsaved_path(cal->owner->state_dir, cal->id);
        g_autofree char *why = NULL;
        g_autoptr(CalSaved) saved = NULL;
        int r = calsaved_load(path, cal->digest, &saved, &why);
        if (r == -ESTALE)
                log_info("Calendar %s: the saved sessions are for another source, zone, "
                         "duration or match: not used", cal->name);
        else if (r < 0 && r != -ENOENT)
                log_warning("%s: %s: not used", path, why ? why : g_strerror(-r));
        if (r < 0)
                return;
        cal->from = saved->from;
        cal->to = saved->to;
        cal->fetched = saved->fetched;
        cal->list = g_steal_pointer(&saved->list);
        series_set_sessions(cal->series, cal->list, cal->owner->zones);
        log_info("Calendar %s: %u sessions from the saved copy", cal->name,
                 cal->list->sessions->len);
}

static Cal *cal_new(Calendars *c, Series *se, char *digest)
{
        Cal *cal = g_new0(Cal, 1);
        cal->owner = c;
        cal->id = g_strdup(se->id);
        cal->digest = digest;
        cal->name = calsaved_name(se);
        cal->series = se;
        g_hash_table_insert(c->cals, cal->id, cal);
        load_saved(cal);
        return cal;
}

/* A new calendar: the watch, and the first request (a URL without a saved copy takes the
 * reader's cached copy first, then fetches; a file read since its last change needs
 * none). */
static void cal_start(Cal *cal, int64_t now)
{
        if (is_url(cal)) {
                watch_network(cal->owner);
                Ask *a = ask_calendar(cal, cal->list ? CALFETCH_FRESH : CALFETCH_CACHE, now);
                if (a)
                        a->then_fresh = !cal->list;
        } else {
                watch_source(cal);
                /* At login, a file unchanged since its saved copy was read is not read
                 * again: the watch catches what changes from now on. */
                if (cal->list && cal->to - now >= CALSAVED_AHEAD_MIN &&
                    calsaved_read_since_change(cal->fetched, cal->series->calendar->path, now))
                        log_info("Calendar %s: unchanged since it was last read", cal->name);
                else
                        ask_calendar(cal, CALFETCH_CACHE, now);
        }
}

static void adopt_series(Calendars *c, Series *se, int64_t now)
{
        char *digest = calsaved_digest(se);
        Cal *cal = g_hash_table_lookup(c->cals, se->id);
        if (cal && strcmp(cal->digest, digest) == 0) {
                g_free(digest);
                cal->series = se;
                if (cal->list)
                        series_set_sessions(se, cal->list, c->zones);
                cal->alive = true;
                /* A reload is the way to say "try again now" (after `nudge password`, or
                 * with the server back): a calendar that failed does not wait for its
                 * backoff. */
                if (cal->reason && !cal->cancel)
                        ask_calendar(cal, CALFETCH_FRESH, now);
                return;
        }
        if (cal)
                g_hash_table_remove(c->cals, se->id);
        cal = cal_new(c, se, digest);
        cal->alive = true;
        cal_start(cal, now);
}

void calendars_adopt(Calendars *c, Schedule *schedule, int64_t now)
{
        GHashTableIter it;
        gpointer v;
        g_hash_table_iter_init(&it, c->cals);
        while (g_hash_table_iter_next(&it, NULL, &v))
                ((Cal *)v)->alive = false;
        for (size_t i = 0; schedule && i < schedule->n_series; i++) {
                Series *se = &schedule->series[i];
                if (se->kind == REPEAT_CALENDAR && se->calendar)
                        adopt_series(c, se, now);
        }
        g_hash_table_iter_init(&it, c->cals);
        while (g_hash_table_iter_next(&it, NULL, &v))
                if (!((Cal *)v)->alive)
                        g_hash_table_iter_remove(&it);
}
