/* SPDX-License-Identifier: MIT */
/* Unit tests of the planner: due reminders, collapsing of missed ones, deadlines, snoozes. */
#include "config.h"

#include <glib.h>
#include <string.h>

#include "schedfile.h"
#include "planner.h"
#include "tz.h"

/* 2026-12-01 14:00 Europe/Berlin (CET, +01:00) = 13:00 UTC. */
#define START ((int64_t)1796130000)
#define H 3600
#define D 86400

static Schedule *load(const char *text)
{
        g_autoptr(Tz) berlin = tz_new("Europe/Berlin");
        g_assert_nonnull(berlin);
        g_autoptr(SchedfileErrors) errors = NULL;
        Schedule *s = schedfile_parse_buf("test.ini", text, strlen(text), berlin, &errors);
        if (!s) {
                g_autofree char *msg = schedfile_errors_format(errors);
                g_error("schedule did not parse: %s", msg);
        }
        return s;
}

static const char *const ONE = "[therapy]\n"
                               "title = Therapy\n"
                               "once = 2026-12-01 14:00\n"
                               "remind = 1d, 2h, 1h\n";

static const DueReminder *due_at(const Plan *p, guint i)
{
        g_assert_cmpuint(i, <, p->due->len);
        return &g_array_index(p->due, DueReminder, i);
}

static void test_on_time(void)
{
        g_autoptr(Schedule) s = load(ONE);
        g_autoptr(State) st = state_new();

        /* A second before the 1 h reminder: nothing due, wake exactly at it. */
        state_mark(st, "therapy", START, START - 2 * H);
        g_autoptr(Plan) before = planner_plan(s, st, START - H - 1);
        g_assert_cmpuint(before->due->len, ==, 0);
        g_assert_cmpint(before->next_deadline, ==, START - H);
        g_assert_true(before->has_next);
        g_assert_cmpint(before->next.start, ==, START);
        g_assert_cmpint(before->next_reminder, ==, START - H);

        /* At the instant: due, on time, the last one. */
        g_autoptr(Plan) at = planner_plan(s, st, START - H);
        g_assert_cmpuint(at->due->len, ==, 1);
        const DueReminder *d = due_at(at, 0);
        g_assert_cmpstr(d->occ.series->id, ==, "therapy");
        g_assert_cmpint(d->occ.start, ==, START);
        g_assert_cmpint(d->instant, ==, START - H);
        g_assert_cmpuint(d->n_collapsed, ==, 1);
        g_assert_false(d->late);
        g_assert_true(d->is_last);
        g_assert_false(d->snooze);
        /* Nothing left but the session's start, where the status moves on. */
        g_assert_cmpint(at->next_deadline, ==, START);
        g_assert_cmpint(at->next_reminder, ==, INT64_MIN);

        /* Once recorded, it is not due again. */
        state_mark(st, "therapy", START, d->instant);
        g_autoptr(Plan) after = planner_plan(s, st, START - H + 5);
        g_assert_cmpuint(after->due->len, ==, 0);
}

static void test_late_threshold(void)
{
        g_autoptr(Schedule) s = load(ONE);
        g_autoptr(State) st = state_new();
        state_mark(st, "therapy", START, START - 2 * H);
        g_autoptr(Plan) a = planner_plan(s, st, START - H + PLANNER_LATE_AFTER - 1);
        g_assert_false(due_at(a, 0)->late);
        g_autoptr(Plan) b = planner_plan(s, st, START - H + PLANNER_LATE_AFTER);
        g_assert_true(due_at(b, 0)->late);
}

static void test_missed_collapse(void)
{
        g_autoptr(Schedule) s = load(ONE);
        g_autoptr(State) st = state_new();

        /* Nothing sent, 30 minutes before the start: three missed reminders, one late one. */
        g_autoptr(Plan) p = planner_plan(s, st, START - 30 * 60);
        g_assert_cmpuint(p->due->len, ==, 1);
        const DueReminder *d = due_at(p, 0);
        g_assert_cmpint(d->instant, ==, START - H);
        g_assert_cmpuint(d->n_collapsed, ==, 3);
        g_assert_true(d->late);
        g_assert_true(d->is_last);

        /* The day-before one was sent; the 2 h and 1 h ones were missed: they collapse. */
        state_mark(st, "therapy", START, START - D);
        g_autoptr(Plan) q = planner_plan(s, st, START - 30 * 60);
        g_assert_cmpuint(q->due->len, ==, 1);
        g_assert_cmpuint(due_at(q, 0)->n_collapsed, ==, 2);

        /* Only the day-before one missed; the others still ahead: not the last. */
        g_autoptr(State) fresh = state_new();
        g_autoptr(Plan) r = planner_plan(s, fresh, START - 5 * H);
        g_assert_cmpuint(r->due->len, ==, 1);
        g_assert_cmpint(due_at(r, 0)->instant, ==, START - D);
        g_assert_false(due_at(r, 0)->is_last);
        g_assert_cmpint(r->next_deadline, ==, START - 2 * H);
}

static void test_started_gets_nothing(void)
{
        g_autoptr(Schedule) s = load(ONE);
        g_autoptr(State) st = state_new();
        g_autoptr(Plan) p = planner_plan(s, st, START);
        g_assert_cmpuint(p->due->len, ==, 0);
        g_autoptr(Plan) q = planner_plan(s, st, START + 10);
        g_assert_cmpuint(q->due->len, ==, 0);
        g_assert_false(q->has_next);
        g_assert_cmpint(q->next_deadline, ==, INT64_MAX);
}

static void test_zero_lead(void)
{
        g_autoptr(Schedule) s = load("[now]\nonce = 2026-12-01 14:00\nremind = 0m\n");
        g_autoptr(State) st = state_new();
        g_autoptr(Plan) before = planner_plan(s, st, START - 1);
        g_assert_cmpuint(before->due->len, ==, 0);
        g_assert_cmpint(before->next_deadline, ==, START);
        g_autoptr(Plan) at = planner_plan(s, st, START);
        g_assert_cmpuint(at->due->len, ==, 1);
        g_assert_false(due_at(at, 0)->late);
        g_autoptr(Plan) grace = planner_plan(s, st, START + PLANNER_START_GRACE - 1);
        g_assert_cmpuint(grace->due->len, ==, 1);
        g_assert_true(due_at(grace, 0)->late);
        g_autoptr(Plan) gone = planner_plan(s, st, START + PLANNER_START_GRACE);
        g_assert_cmpuint(gone->due->len, ==, 0);
}

static void test_weekly_deadlines(void)
{
        /* Tuesdays 14:00; 2026-12-01 is a Tuesday. */
        g_autoptr(Schedule) s = load("[defaults]\nremind = 1d\n"
                                     "[b]\nweekly = Tue 14:00\nstart = 2026-12-01\n"
                                     "[a]\nweekly = Wed 09:00\nstart = 2026-12-01\n");
        g_autoptr(State) st = state_new();
        state_mark(st, "b", START, START - D);
        /* After Monday's reminder for Tuesday: next is Tuesday's start, then Wednesday's
         * reminder at Tue 09:00 (08:00 UTC), which comes first. */
        g_autoptr(Plan) p = planner_plan(s, st, START - D + 1);
        g_assert_cmpuint(p->due->len, ==, 0);
        g_assert_cmpint(p->next_deadline, ==, START - 5 * H);
        g_assert_cmpstr(p->next.series->id, ==, "b");
        g_assert_cmpint(p->next_reminder, ==, INT64_MIN);

        /* Both sessions' reminders missed by a long sleep: one each, ordered by instant. */
        g_autoptr(State) none = state_new();
        g_autoptr(Plan) q = planner_plan(s, none, START - H);
        g_assert_cmpuint(q->due->len, ==, 2);
        g_assert_cmpstr(due_at(q, 0)->occ.series->id, ==, "b");
        g_assert_cmpstr(due_at(q, 1)->occ.series->id, ==, "a");
        g_assert_cmpint(due_at(q, 1)->occ.start, ==, START + D - 5 * H);
}

static void test_snooze(void)
{
        g_autoptr(Schedule) s = load(ONE);
        g_autoptr(State) st = state_new();
        state_mark(st, "therapy", START, START - 2 * H);
        state_set_snooze(st, "therapy", START, START - 90 * 60);

        g_autoptr(Plan) wait = planner_plan(s, st, START - 100 * 60);
        g_assert_cmpuint(wait->due->len, ==, 0);
        g_assert_cmpint(wait->next_deadline, ==, START - 90 * 60);

        g_autoptr(Plan) fire = planner_plan(s, st, START - 90 * 60);
        g_assert_cmpuint(fire->due->len, ==, 1);
        g_assert_true(due_at(fire, 0)->snooze);
        g_assert_false(due_at(fire, 0)->is_last); /* the 1 h reminder is still ahead */

        g_autoptr(Plan) started = planner_plan(s, st, START);
        g_assert_cmpuint(started->due->len, ==, 0);

        /* A snooze of an occurrence that is no longer in the schedule is ignored. */
        g_autoptr(State) moved = state_new();
        state_mark(moved, "therapy", START, START - 2 * H);
        state_set_snooze(moved, "therapy", START + 60, START - 90 * 60);
        g_autoptr(Plan) gone = planner_plan(s, moved, START - 90 * 60);
        g_assert_cmpuint(gone->due->len, ==, 0);
}

/* A check-in 30 minutes after the session's end: planned as a deadline and counted as the
 * next one; due at its time and, missed, until the end of that day (Berlin), never after;
 * once recorded, done. */
static void test_checkin(void)
{
        g_autoptr(Schedule) s = load(ONE);
        s->series[0].has_checkin = true;
        s->series[0].checkin = 30 * 60;
        int64_t at = START + 50 * 60 + 30 * 60; /* duration 50m by default */
        g_autoptr(State) st = state_new();
        state_mark(st, "therapy", START, START - H);

        g_autoptr(Plan) before = planner_plan(s, st, START + 10);
        g_assert_cmpuint(before->due->len, ==, 0);
        g_assert_cmpint(before->next_deadline, ==, at);
        g_assert_cmpint(before->next_checkin, ==, at);

        g_autoptr(Plan) due = planner_plan(s, st, at);
        g_assert_cmpuint(due->due->len, ==, 1);
        g_assert_true(due_at(due, 0)->checkin);
        g_assert_false(due_at(due, 0)->snooze);
        g_assert_cmpint(due_at(due, 0)->instant, ==, at);
        g_assert_cmpint(due->next_checkin, ==, INT64_MIN);

        /* 23:59:59 in Berlin that day still gets it, late; midnight does not. */
        int64_t midnight = START + 10 * H; /* 14:00 CET + 10 h = 00:00 */
        g_autoptr(Plan) late = planner_plan(s, st, midnight - 1);
        g_assert_cmpuint(late->due->len, ==, 1);
        g_assert_true(due_at(late, 0)->late);
        g_assert_cmpint(planner_checkin_until(&due_at(late, 0)->occ), ==, midnight);
        g_autoptr(Plan) next_day = planner_plan(s, st, midnight);
        g_assert_cmpuint(next_day->due->len, ==, 0);

        state_mark(st, "therapy", START, at);
        g_autoptr(Plan) done = planner_plan(s, st, at + 60);
        g_assert_cmpuint(done->due->len, ==, 0);

        /* Without check-in, nothing after the session. */
        s->series[0].has_checkin = false;
        g_autoptr(State) fresh = state_new();
        state_mark(fresh, "therapy", START, START - H);
        g_autoptr(Plan) off = planner_plan(s, fresh, at);
        g_assert_cmpuint(off->due->len, ==, 0);
        g_assert_cmpint(off->next_checkin, ==, INT64_MIN);
}

static void test_helpers(void)
{
        static const int64_t want[] = { 5, 10, 20, 40, 80, 160, 300, 300, 300 };
        for (unsigned i = 0; i < G_N_ELEMENTS(want); i++)
                g_assert_cmpint(planner_retry_delay(i + 1), ==, want[i]);
        g_assert_cmpint(planner_retry_delay(1000), ==, 300);

        g_assert_cmpint(planner_snooze_at(1000, 5000, 600), ==, 1600);
        g_assert_cmpint(planner_snooze_at(1000, 1500, 600), ==, 1440);
        g_assert_cmpint(planner_snooze_at(1000, 1030, 600), ==, 1000);

        g_assert_cmpint(planner_deliver_until(START, START - H), ==, START);
        g_assert_cmpint(planner_deliver_until(START, START), ==, START + PLANNER_START_GRACE);

        g_autoptr(Schedule) s = load(ONE);
        Occurrence o;
        g_assert_true(planner_find_occurrence(s, "therapy", START, &o));
        g_assert_cmpint(o.start, ==, START);
        g_assert_false(planner_find_occurrence(s, "therapy", START + 1, &o));
        g_assert_false(planner_find_occurrence(s, "nope", START, &o));
}

static void test_many_series(void)
{
        GString *text = g_string_new("[defaults]\nremind = 1d, 1h\n");
        for (int i = 0; i < 1000; i++)
                g_string_append_printf(text, "[s%04d]\nweekly = %s %02d:%02d\n", i,
                                       (const char *[]){ "Mon", "Tue", "Wed", "Thu", "Fri" }[i % 5],
                                       8 + i % 10, (i * 7) % 60);
        g_autoptr(Schedule) s = load(text->str);
        g_string_free(text, TRUE);
        g_autoptr(State) st = state_new();
        gint64 t0 = g_get_monotonic_time();
        g_autoptr(Plan) p = planner_plan(s, st, START);
        gint64 us = g_get_monotonic_time() - t0;
        g_test_message("planning 1000 weekly series took %" G_GINT64_FORMAT " us", us);
        g_assert_true(p->has_next);
        g_assert_cmpint(p->next_deadline, >, START);
        g_assert_cmpint(p->next_deadline, <=, START + D);
}

int main(int argc, char **argv)
{
        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/planner/on-time", test_on_time);
        g_test_add_func("/planner/late-threshold", test_late_threshold);
        g_test_add_func("/planner/missed-collapse", test_missed_collapse);
        g_test_add_func("/planner/started-gets-nothing", test_started_gets_nothing);
        g_test_add_func("/planner/zero-lead", test_zero_lead);
        g_test_add_func("/planner/weekly-deadlines", test_weekly_deadlines);
        g_test_add_func("/planner/snooze", test_snooze);
        g_test_add_func("/planner/checkin", test_checkin);
        g_test_add_func("/planner/helpers", test_helpers);
        g_test_add_func("/planner/many-series", test_many_series);
        return g_test_run();
}
