/* SPDX-License-Identifier: MIT */
/* Unit tests of the outbox with a backend that records what it was asked to send and
 * answers when the test says: sending, recording, retries, replacing, snoozes, drops. */
#include "config.h"

#include <glib.h>
#include <string.h>

#include "log.h"
#include "outbox.h"
#include "schedfile.h"

/* 2030-01-08 is a Tuesday; the session is at 14:00 UTC. */
#define START ((int64_t)1894111200)
#define H ((int64_t)3600)

typedef struct {
        uint64_t ticket;
        char *series_id;
        int64_t start, instant;
        uint32_t replaces_id;
        bool snooze, offer_snooze, checkin;
        char *summary;
} Sent;

typedef struct {
        Notifier base;
        GPtrArray *sent; /* of Sent, in order */
} Recorder;

static void sent_free(gpointer p)
{
        Sent *x = p;
        g_free(x->series_id);
        g_free(x->summary);
        g_free(x);
}

static void rec_send(Notifier *n, const Notice *notice, uint64_t ticket)
{
        Sent *x = g_new0(Sent, 1);
        x->ticket = ticket;
        x->series_id = g_strdup(notice->series_id);
        x->start = notice->session_start;
        x->instant = notice->instant;
        x->replaces_id = notice->replaces_id;
        x->snooze = notice->snooze;
        x->offer_snooze = notice->offer_snooze;
        x->checkin = notice->checkin;
        x->summary = g_strdup(notice->summary);
        g_ptr_array_add(((Recorder *)n)->sent, x);
}

static void rec_destroy(Notifier *n)
{
        g_ptr_array_unref(((Recorder *)n)->sent);
        g_free(n);
}

static const NotifierOps rec_ops = { rec_send, rec_destroy };

typedef struct {
        Recorder *rec;
        Schedule *schedule;
        Tz *utc;
        Outbox *ob;
} Fixture;

static void setup(Fixture *f, const char *text)
{
        f->utc = tz_new("UTC");
        g_autoptr(SchedfileErrors) errors = NULL;
        f->schedule = schedfile_parse_buf("t.ini", text, strlen(text), f->utc, &errors);
        g_assert_nonnull(f->schedule);
        f->rec = g_new0(Recorder, 1);
        f->rec->base.ops = &rec_ops;
        f->rec->sent = g_ptr_array_new_with_free_func(sent_free);
        f->ob = outbox_new(&f->rec->base, state_new(), 600);
        outbox_set_schedule(f->ob, f->schedule, f->utc);
}

static void teardown(Fixture *f)
{
        notifier_free(&f->rec->base);
        outbox_free(f->ob);
        schedule_free(f->schedule);
        tz_unref(f->utc);
}

static const char ONE[] = "[therapy]\ntitle = Therapy\nonce = 2030-01-08 14:00\nremind = 1d, 1h\n";

static int64_t update(Fixture *f, int64_t now)
{
        int64_t deadline;
        Plan *p = outbox_update(f->ob, now, &deadline);
        plan_free(p);
        return deadline;
}

static Sent *last(Fixture *f)
{
        g_assert_cmpuint(f->rec->sent->len, >, 0);
        return g_ptr_array_index(f->rec->sent, f->rec->sent->len - 1);
}

static void answer(Fixture *f, Sent *x, bool ok, uint32_t id, int64_t now)
{
        NotifierResult r = { .ok = ok, .id = id, .error = ok ? NULL : "no server" };
        outbox_sent(f->ob, x->ticket, &r, now);
}

/* Due at its instant, sent once, recorded with the server's id; the next reminder of the
 * session replaces it. */
static void test_send_record_replace(void)
{
        Fixture f;
        setup(&f, ONE);
        g_assert_cmpint(update(&f, START - 25 * H), ==, START - 24 * H);
        g_assert_cmpuint(f.rec->sent->len, ==, 0);

        g_assert_cmpint(update(&f, START - 24 * H), ==, START - H);
        Sent *x = last(&f);
        g_assert_cmpint(x->instant, ==, START - 24 * H);
        g_assert_cmpuint(x->replaces_id, ==, 0);
        g_assert_true(x->offer_snooze);
        g_assert_cmpint(outbox_phase(f.ob, "therapy", START), ==, OUTBOX_SENDING);
        update(&f, START - 24 * H); /* no second send while the first is under way */
        g_assert_cmpuint(f.rec->sent->len, ==, 1);

        answer(&f, x, true, 41, START - 24 * H);
        g_assert_true(outbox_take_changed(f.ob));
        g_assert_false(outbox_take_changed(f.ob));
        g_assert_cmpint(state_sent_upto(outbox_record(f.ob), "therapy", START), ==, START - 24 * H);
        g_assert_cmpuint(state_notification(outbox_record(f.ob), "therapy", START), ==, 41);
        g_assert_cmpint(outbox_phase(f.ob, "therapy", START), ==, OUTBOX_IDLE);
        update(&f, START - 24 * H + 5);
        g_assert_cmpuint(f.rec->sent->len, ==, 1);

        update(&f, START - H);
        g_assert_cmpuint(f.rec->sent->len, ==, 2);
        g_assert_cmpuint(last(&f)->replaces_id, ==, 41);
        teardown(&f);
}

/* A failed send is tried again after 5 s, then 10 s; the status counts it as waiting; a
 * later reminder of the session takes its place; at the start it is dropped. */
static void test_retry_and_drop(void)
{
        Fixture f;
        setup(&f, ONE);
        update(&f, START - H);
        answer(&f, last(&f), false, 0, START - H);
        g_assert_false(outbox_take_changed(f.ob));
        g_assert_cmpint(outbox_phase(f.ob, "therapy", START), ==, OUTBOX_WAITING);
        g_assert_cmpuint(outbox_waiting(f.ob, "other", 0), ==, 1);
        g_assert_cmpuint(outbox_waiting(f.ob, "therapy", START), ==, 0);
        g_assert_cmpint(update(&f, START - H + 1), ==, START - H + 5);
        g_assert_cmpuint(f.rec->sent->len, ==, 1);
        update(&f, START - H + 5);
        g_assert_cmpuint(f.rec->sent->len, ==, 2);
        answer(&f, last(&f), false, 0, START - H + 5);
        g_assert_cmpint(update(&f, START - H + 6), ==, START - H + 15);

        /* The session starts before any server takes it: dropped, nothing recorded. */
        update(&f, START);
        g_assert_cmpint(outbox_phase(f.ob, "therapy", START), ==, OUTBOX_IDLE);
        g_assert_cmpint(state_sent_upto(outbox_record(f.ob), "therapy", START), ==, INT64_MIN);
        teardown(&f);
}

/* Missed reminders go out as one, late, saying the real time left. */
static void test_late_collapsed(void)
{
        Fixture f;
        setup(&f, ONE);
        update(&f, START - 20 * 60);
        g_assert_cmpuint(f.rec->sent->len, ==, 1);
        g_assert_cmpint(last(&f)->instant, ==, START - H);
        g_assert_nonnull(strstr(last(&f)->summary, "in 20 minutes"));
        teardown(&f);
}

/* A snooze is kept in the record, comes back at its time (never after the start), replaces
 * the notification, and is spent once sent. */
static void test_snooze(void)
{
        Fixture f;
        setup(&f, ONE);
        update(&f, START - 24 * H);
        answer(&f, last(&f), true, 7, START - 24 * H);
        outbox_take_changed(f.ob);

        g_assert_false(outbox_snooze(f.ob, "therapy", START, START));
        g_assert_true(outbox_snooze(f.ob, "therapy", START, START - 24 * H + 30));
        g_assert_true(outbox_take_changed(f.ob));
        int64_t at = START - 24 * H + 30 + 600;
        g_assert_cmpint(state_snooze_at(outbox_record(f.ob), "therapy", START), ==, at);
        g_assert_cmpint(update(&f, START - 24 * H + 31), ==, at);
        update(&f, at);
        Sent *x = last(&f);
        g_assert_true(x->snooze);
        g_assert_cmpuint(x->replaces_id, ==, 7);
        answer(&f, x, true, 7, at);
        g_assert_cmpint(state_snooze_at(outbox_record(f.ob), "therapy", START), ==, INT64_MIN);
        /* Sent as a snooze, it does not count as the next reminder. */
        g_assert_cmpint(state_sent_upto(outbox_record(f.ob), "therapy", START), ==, START - 24 * H);

        /* Snoozed too close to the start: it comes a minute before, not after. */
        g_assert_true(outbox_snooze(f.ob, "therapy", START, START - 5 * 60));
        g_assert_cmpint(state_snooze_at(outbox_record(f.ob), "therapy", START), ==, START - 60);
        teardown(&f);
}

/* Planned while held (start-up), nothing goes out; a reminder due with a snooze of the same
 * session absorbs it. */
static void test_hold_and_absorb(void)
{
        Fixture f;
        setup(&f, ONE);
        outbox_hold(f.ob, true);
        update(&f, START - H);
        g_assert_cmpuint(f.rec->sent->len, ==, 0);
        outbox_hold(f.ob, false);

        State *st = (State *)outbox_record(f.ob);
        state_mark(st, "therapy", START, START - 24 * H);
        state_set_snooze(st, "therapy", START, START - H - 60);
        update(&f, START - H);
        g_assert_cmpuint(f.rec->sent->len, ==, 1);
        g_assert_false(last(&f)->snooze);
        g_assert_cmpint(state_snooze_at(st, "therapy", START), ==, INT64_MIN);
        teardown(&f);
}

/* The check-in after the session replaces the last reminder on screen, offers no snooze,
 * and is recorded like a reminder: once. */
static void test_checkin(void)
{
        Fixture f;
        setup(&f, ONE);
        f.schedule->series[0].has_checkin = true;
        f.schedule->series[0].checkin = 10 * 60;
        int64_t at = START + 60 * 60; /* the end (50 min) plus 10 min */
        update(&f, START - H);
        answer(&f, last(&f), true, 9, START - H);
        g_assert_cmpint(update(&f, START - H + 1), ==, START);
        g_assert_cmpint(update(&f, START), ==, at);
        update(&f, at);
        Sent *x = last(&f);
        g_assert_true(x->checkin);
        g_assert_false(x->offer_snooze);
        g_assert_cmpuint(x->replaces_id, ==, 9);
        g_assert_cmpstr(x->summary, ==, "After Therapy");
        answer(&f, x, true, 9, at);
        g_assert_cmpint(state_sent_upto(outbox_record(f.ob), "therapy", START), ==, at);
        guint n = f.rec->sent->len;
        update(&f, at + 60);
        g_assert_cmpuint(f.rec->sent->len, ==, n);
        teardown(&f);
}

int main(int argc, char **argv)
{
        g_test_init(&argc, &argv, NULL);
        log_set_max_priority(2);
        g_test_add_func("/outbox/send-record-replace", test_send_record_replace);
        g_test_add_func("/outbox/retry-and-drop", test_retry_and_drop);
        g_test_add_func("/outbox/late-collapsed", test_late_collapsed);
        g_test_add_func("/outbox/snooze", test_snooze);
        g_test_add_func("/outbox/hold-and-absorb", test_hold_and_absorb);
        g_test_add_func("/outbox/checkin", test_checkin);
        return g_test_run();
}
