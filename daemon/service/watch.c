/* SPDX-License-Identifier: MIT */
/* The schedule, time-zone and clock watches of nudged. */
#include "config.h"

#include "watch.h"

#include <errno.h>
#include <glib-unix.h>
#include <glib.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

/* Editors write a file in several steps (truncate, write, rename): wait for the burst to
 * end before reading it. */
#define DEBOUNCE_MS 150

#define DIR_EVENTS (IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE | \
                    IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR)

struct Watch {
        WatchEvents events;
        char *path;
        char *dir, *base;
        int inotify_fd;
        int clock_fd; /* CLOCK_REALTIME with CANCEL_ON_SET: clock set, resume */
        int wd_schedule; /* the schedule's folder, or its nearest existing ancestor */
        bool wd_is_dir;
        int wd_etc;
        bool schedule_dirty, zone_dirty;
        guint inotify_src, clock_src, debounce_src;
};

static int arm_clock_watch(Watch *w)
{
        /* Far in the future: only the cancellation on a clock set matters. */
        struct itimerspec its = { .it_value.tv_sec = (time_t)LONG_MAX / 2 };
        if (timerfd_settime(w->clock_fd, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &its,
                            NULL) < 0)
                return -errno;
        return 0;
}

static gboolean on_clock_set(gint fd, GIOCondition cond, gpointer userdata)
{
        Watch *w = userdata;
        uint64_t expirations;
        if (read(fd, &expirations, sizeof expirations) < 0 && errno == ECANCELED)
                log_info("The wall clock was set (or the system resumed): planning again");
        int r = arm_clock_watch(w);
        if (r < 0)
                log_err("Cannot watch for clock changes: %s", g_strerror(-r));
        w->events.clock_set(w->events.userdata);
        return G_SOURCE_CONTINUE;
}

static gboolean on_debounced(gpointer userdata)
{
        Watch *w = userdata;
        w->debounce_src = 0;
        bool schedule = w->schedule_dirty, zone = w->zone_dirty;
        w->schedule_dirty = w->zone_dirty = false;
        w->events.changed(w->events.userdata, schedule, zone);
        return G_SOURCE_REMOVE;
}

/* Watch the schedule's folder; when it does not exist yet, its nearest existing ancestor,
 * to step down as the folders appear (inotify cannot watch what does not exist, and GLib's
 * fallback for that polls every few seconds). */
static void watch_schedule(Watch *w)
{
        if (w->wd_schedule >= 0)
                inotify_rm_watch(w->inotify_fd, w->wd_schedule);
        w->wd_schedule = -1;
        g_autofree char *p = g_strdup(w->dir);
        for (;;) {
                int wd = inotify_add_watch(w->inotify_fd, p, DIR_EVENTS);
                if (wd >= 0) {
                        w->wd_schedule = wd;
                        w->wd_is_dir = strcmp(p, w->dir) == 0;
                        return;
                }
                if ((errno != ENOENT && errno != ENOTDIR) || strcmp(p, "/") == 0 ||
                    strcmp(p, ".") == 0) {
                        log_warning("Cannot watch %s for changes: %s", p, g_strerror(errno));
                        return;
                }
                char *up = g_path_get_dirname(p);
                g_free(p);
                p = up;
        }
}

/* What one event says: the schedule changed, the watch must step, the zone changed. */
static void classify(Watch *w, const struct inotify_event *ev, bool *schedule, bool *rewatch,
                     bool *zone)
{
        if (ev->mask & IN_Q_OVERFLOW) {
                *schedule = *rewatch = *zone = true;
        } else if (ev->wd == w->wd_schedule) {
                if (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED))
                        *rewatch = *schedule = true;
                else if (!w->wd_is_dir)
                        *rewatch = *schedule = true; /* a step closer, perhaps */
                else if (ev->len && strcmp(ev->name, w->base) == 0)
                        *schedule = true;
        } else if (ev->wd == w->wd_etc && ev->len && strcmp(ev->name, "localtime") == 0) {
                *zone = true;
        }
}

static gboolean on_inotify(gint fd, GIOCondition cond, gpointer userdata)
{
        Watch *w = userdata;
        char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
        bool schedule = false, rewatch = false, zone = false;
        for (;;) {
                ssize_t n = read(fd, buf, sizeof buf);
                if (n <= 0)
                        break;
                for (char *p = buf; p < buf + n;) {
                        const struct inotify_event *ev = (const struct inotify_event *)p;
                        p += sizeof *ev + ev->len;
                        classify(w, ev, &schedule, &rewatch, &zone);
                }
        }
        if (rewatch)
                watch_schedule(w);
        w->schedule_dirty |= schedule;
        w->zone_dirty |= zone;
        if (schedule || zone) {
                if (w->debounce_src)
                        g_source_remove(w->debounce_src);
                w->debounce_src = g_timeout_add(DEBOUNCE_MS, on_debounced, w);
        }
        return G_SOURCE_CONTINUE;
}

Watch *watch_new(const char *schedule_path, const WatchEvents *events, int *error)
{
        Watch *w = g_new0(Watch, 1);
        w->events = *events;
        w->path = g_strdup(schedule_path);
        w->dir = g_path_get_dirname(schedule_path);
        w->base = g_path_get_basename(schedule_path);
        w->wd_schedule = w->wd_etc = -1;
        w->inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
        w->clock_fd = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK | TFD_CLOEXEC);
        int r = w->inotify_fd < 0 || w->clock_fd < 0 ? -errno : arm_clock_watch(w);
        if (r < 0) {
                *error = r;
                watch_free(w);
                return NULL;
        }
        w->inotify_src = g_unix_fd_add(w->inotify_fd, G_IO_IN, on_inotify, w);
        w->clock_src = g_unix_fd_add(w->clock_fd, G_IO_IN, on_clock_set, w);
        watch_schedule(w);
        /* /etc/localtime is replaced by rename: watch the folder for that name. */
        w->wd_etc = inotify_add_watch(w->inotify_fd, "/etc",
                                      IN_CREATE | IN_MOVED_TO | IN_CLOSE_WRITE | IN_DELETE |
                                              IN_ONLYDIR);
        if (w->wd_etc < 0)
                log_warning("Cannot watch /etc for time-zone changes: %s", g_strerror(errno));
        return w;
}

void watch_free(Watch *w)
{
        if (!w)
                return;
        g_clear_handle_id(&w->inotify_src, g_source_remove);
        g_clear_handle_id(&w->clock_src, g_source_remove);
        g_clear_handle_id(&w->debounce_src, g_source_remove);
        if (w->inotify_fd >= 0)
                close(w->inotify_fd);
        if (w->clock_fd >= 0)
                close(w->clock_fd);
        g_free(w->path);
        g_free(w->dir);
        g_free(w->base);
        g_free(w);
}
