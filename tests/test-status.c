/* SPDX-License-Identifier: MIT */
/* Unit tests of nudged's status line: each state of the schedule file, privacy, the
 * reminder's phase in the outbox, the check-in before the next session. */
#include "config.h"

#include <glib.h>
#include <string.h>

#include "log.h"
#include "outbox.h"
#include "schedfile.h"
#include "status.h"

/* 2030-01-08 14:00 UTC, a Tuesday. */
#define START ((int64_t)1894111200)

typedef struct {
        Notifier base;
} Quiet;

static void quiet_send(Notifier *n, const Notice *notice, uint64_t ticket) {}
static void quiet_destroy(Notifier *n) { g_free(n); }
static const NotifierOps quiet_ops = { quiet_send, quiet_destroy };

typedef struct {
        Tz *utc;
        Schedule *schedule;
        Notifier *notifier;
        Outbox *ob;
} Fx;

static void setup(Fx *f, const char *text)
{
        f->utc = tz_new("UTC");
        g_autoptr(SchedfileErrors) errors = NULL;
        f->schedule = schedfile_parse_buf("t.ini", text, strlen(text), f->utc, &errors);
        g_assert_nonnull(f->schedule);
        Quiet *q = g_new0(Quiet, 1);
        q->base.ops = &quiet_ops;
        f->notifier = &q->base;
        f->ob = outbox_new(f->notifier, state_new(), 600);
        outbox_set_schedule(f->ob, f->schedule, f->utc);
}

static void teardown(Fx *f)
{
        notifier_free(f->notifier);
        outbox_free(f->ob);
        schedule_free(f->schedule);
        tz_unref(f->utc);
}

static char *status_at(Fx *f, FileState state, const char *problem, bool has, int64_t now)
{
        int64_t deadline;
        g_autoptr(Plan) p = outbox_update(f->ob, now, &deadline);
        StatusInput in = {
                .file_state = state,
                .problem = problem,
                .has_schedule = has,
                .config_path = "/home/sam/.config/nudge/schedule.ini",
                .local = f->utc,
                .outbox = f->ob,
        };
        return status_text(&in, p);
}

static const char ONE[] = "[therapy]\ntitle = Therapy with Dr. Rivera\nonce = 2030-01-08 14:00\n"
                          "remind = 1d\n";

static void test_states(void)
{
        Fx f;
        setup(&f, ONE);
        g_autofree char *next = status_at(&f, FILE_OK, NULL, true, START - 3 * 86400);
        g_assert_cmpstr(next, ==, "Next: Therapy with Dr. Rivera, Tue 8 Jan 14:00; reminder Mon 7 Jan 14:00");
        g_autofree char *broken = status_at(&f, FILE_BROKEN, "/x.ini:3: unknown key 'remnid'",
                                            true, START - 3 * 86400);
        g_assert_cmpstr(broken, ==, "/x.ini:3: unknown key 'remnid'; the last good schedule is in force");
        g_autofree char *none = status_at(&f, FILE_BROKEN, "/x.ini:3: unknown key 'remnid'", false,
                                          START - 3 * 86400);
        g_assert_cmpstr(none, ==, "/x.ini:3: unknown key 'remnid'; no schedule in force until it is fixed");
        g_autofree char *missing = status_at(&f, FILE_MISSING, NULL, false, START - 3 * 86400);
        g_assert_true(g_str_has_prefix(missing, "No schedule yet: create /home/sam/.config/nudge/schedule.ini"));
        g_autofree char *past = status_at(&f, FILE_OK, NULL, true, START + 86400);
        g_assert_cmpstr(past, ==, "Nothing upcoming in /home/sam/.config/nudge/schedule.ini");
        teardown(&f);
}

static void test_no_sessions(void)
{
        Fx f;
        setup(&f, "[defaults]\nremind = 1h\n");
        g_autofree char *s = status_at(&f, FILE_OK, NULL, false, START);
        g_assert_true(g_str_has_prefix(s, "No sessions in /home/sam/.config/nudge/schedule.ini yet"));
        g_assert_nonnull(strstr(s, "weekly = Tue 14:00"));
        teardown(&f);
}

/* With privacy, the status says only that a session comes; while a send is under way, so. */
static void test_privacy_and_phase(void)
{
        Fx f;
        setup(&f, "[therapy]\ntitle = Therapy with Dr. Rivera\nonce = 2030-01-08 14:00\n"
                  "remind = 1d\nprivacy = on\n");
        g_autofree char *s = status_at(&f, FILE_OK, NULL, true, START - 86400);
        g_assert_cmpstr(s, ==, "Next: Session, Tue 8 Jan 14:00; reminder going out now");
        g_assert_null(strstr(s, "Rivera"));
        teardown(&f);
}

static void test_checkin_first(void)
{
        Fx f;
        setup(&f, "[therapy]\ntitle = Therapy\nonce = 2030-01-08 14:00, 2030-01-15 14:00\n"
                  "remind = 1d\nduration = 50m\ncheckin = 10m\n");
        g_autofree char *s = status_at(&f, FILE_OK, NULL, true, START + 30 * 60);
        g_assert_cmpstr(s, ==, "Check-in Tue 8 Jan 15:00; next: Therapy, Tue 15 Jan 14:00");
        teardown(&f);
}

int main(int argc, char **argv)
{
        g_test_init(&argc, &argv, NULL);
        log_set_max_priority(2);
        g_test_add_func("/status/states", test_states);
        g_test_add_func("/status/no-sessions", test_no_sessions);
        g_test_add_func("/status/privacy-and-phase", test_privacy_and_phase);
        g_test_add_func("/status/checkin-first", test_checkin_first);
        return g_test_run();
}
