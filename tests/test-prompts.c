/* SPDX-License-Identifier: MIT */
/* Unit tests of the reminder wording: summary phrases, prompt rotation, privacy, own prompts. */
#include "config.h"

#include <glib.h>
#include <string.h>

#include "schedfile.h"
#include "prompts.h"
#include "tz.h"

/* 2026-12-01 (a Tuesday) 14:00 Europe/Berlin (CET, +01:00) = 13:00 UTC. */
#define START ((int64_t) 1796130000)
#define H 3600
#define D 86400

static Tz *berlin;

static Schedule *load(const char *text)
{
        g_autoptr(SchedfileErrors) errors = NULL;
        Schedule *s = schedfile_parse_buf("test.ini", text, strlen(text), berlin, &errors);
        if (!s) {
                g_autofree char *msg = schedfile_errors_format(errors);
                g_error("schedule did not parse: %s", msg);
        }
        return s;
}

static Occurrence next_of(const Schedule *s, size_t series, int64_t t)
{
        Occurrence o;
        g_assert_cmpuint(series, <, s->n_series);
        g_assert_true(series_next(&s->series[series], t, &o));
        return o;
}

static const char *const WEEKLY = "[therapy]\n"
                                  "title = Therapy with Dr. Rivera\n"
                                  "weekly = Tue 14:00\n"
                                  "timezone = Europe/Berlin\n"
                                  "remind = 1d, 2h, 1h\n";

static void compose(const Occurrence *o, int64_t instant, int64_t now, Tz *display, char **sum,
                    char **body)
{
        prompts_compose(o, instant, now, display, sum, body);
        g_assert_nonnull(*sum);
        g_assert_nonnull(*body);
        g_assert_true(g_utf8_validate(*sum, -1, NULL));
        g_assert_true(g_utf8_validate(*body, -1, NULL));
}

static void test_summary_wording(void)
{
        g_autoptr(Schedule) s = load(WEEKLY);
        Occurrence o = next_of(s, 0, START - 2 * D);
        g_assert_cmpint(o.start, ==, START);
        g_assert_cmpuint(o.n_reminders, ==, 3);

        static const struct {
                int64_t instant, now;
                const char *summary;
        } cases[] = {
                {START - D, START - D, "Therapy with Dr. Rivera tomorrow at 14:00"},
                /* The 1 d reminder a little late, still the day before. */
                {START - D, START - D + 300, "Therapy with Dr. Rivera tomorrow at 14:00"},
                {START - 2 * H, START - 2 * H, "Therapy with Dr. Rivera today at 14:00"},
                {START - H, START - H, "Therapy with Dr. Rivera in 1 hour"},
                /* A late send says the real time left. */
                {START - H, START - 20 * 60, "Therapy with Dr. Rivera in 20 minutes"},
                {START - H, START - 20 * 60 - 10, "Therapy with Dr. Rivera in 20 minutes"},
                {START - H, START - 60, "Therapy with Dr. Rivera in 1 minute"},
                {START - H, START - 5, "Therapy with Dr. Rivera starting now"},
        };
        for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
                g_autofree char *sum = NULL, *body = NULL;
                compose(&o, cases[i].instant, cases[i].now, berlin, &sum, &body);
                g_assert_cmpstr(sum, ==, cases[i].summary);
                g_assert_cmpstr(body, !=, "");
        }
}

static void test_when(void)
{
        g_autoptr(Tz) utc = tz_new("UTC");
        static const struct {
                int64_t start, now;
                const char *when;
        } cases[] = {
                {START, START - 59 * 60 - 40, "in 1 hour"},
                {START, START - 90 * 60, "in 1 hour 30 minutes"},
                {START, START - 119 * 60, "in 1 hour 59 minutes"},
                {START, START - 120 * 60, "today at 13:00"},
                {START, START - 13 * H, "today at 13:00"},
                {START, START - 14 * H, "tomorrow at 13:00"},
                {START, START - 3 * D, "on Tuesday at 13:00"},
                {START, START - 6 * D, "on Tuesday at 13:00"},
                {START, START - 7 * D, "on Tuesday, 1 December at 13:00"},
                {START, START - 40 * D, "on Tuesday, 1 December at 13:00"},
                /* 2027-01-05 13:00 UTC, seen from December: the year is said. */
                {START + 35 * D, START, "on Tuesday, 5 January 2027 at 13:00"},
                {START, START + 20, "starting now"},
                {START, START + 5 * 60, "started at 13:00"},
        };
        for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
                g_autofree char *w = prompts_when(cases[i].start, cases[i].now, utc);
                g_assert_cmpstr(w, ==, cases[i].when);
        }
}

/* A person in another zone than the session sees both clock times. */
static void test_zone_note(void)
{
        g_autoptr(Schedule) s = load(WEEKLY);
        g_autoptr(Tz) utc = tz_new("UTC");
        Occurrence o = next_of(s, 0, START - 2 * D);
        g_autofree char *sum = NULL, *body = NULL;
        compose(&o, START - D, START - D, utc, &sum, &body);
        g_assert_cmpstr(sum, ==, "Therapy with Dr. Rivera tomorrow at 13:00 (14:00 CET)");
}

static void test_table(void)
{
        for (int k = PROMPT_REFLECT; k <= PROMPT_LAST; k++) {
                size_t n = prompts_count(k);
                g_assert_cmpuint(n, >=, 2); /* else consecutive reminders would repeat */
                g_assert_null(prompts_get(k, n));
                for (size_t i = 0; i < n; i++) {
                        const char *p = prompts_get(k, i);
                        g_assert_nonnull(p);
                        g_assert_true(g_utf8_validate(p, -1, NULL));
                        g_assert_cmpuint(strlen(p), >, 10);
                        g_assert_cmpuint(strlen(p), <=, k == PROMPT_LAST ? 60 : 200);
                        g_assert_null(strchr(p, '<'));
                        for (size_t j = 0; j < i; j++)
                                g_assert_cmpstr(p, !=, prompts_get(k, j));
                }
        }
}

/* The same reminder gives the same words, whatever the time it is composed at. */
static void test_deterministic(void)
{
        g_autoptr(Schedule) s = load(WEEKLY);
        Occurrence o = next_of(s, 0, START - 2 * D);
        for (size_t i = 0; i < o.n_reminders; i++) {
                g_autofree char *s1 = NULL, *b1 = NULL, *s2 = NULL, *b2 = NULL;
                compose(&o, o.reminders[i], o.reminders[i], berlin, &s1, &b1);
                /* "After a restart": composed again later, from a fresh occurrence. */
                g_autoptr(Schedule) again = load(WEEKLY);
                Occurrence o2 = next_of(again, 0, START - 2 * D);
                compose(&o2, o2.reminders[i], o2.reminders[i] + 30, berlin, &s2, &b2);
                g_assert_cmpstr(b1, ==, b2);
                g_assert_cmpstr(b1, ==, prompts_pick(&o, o.reminders[i]));
        }
}

/* Walks `weeks` occurrences and checks that consecutive reminders of each kind differ, that
 * the prompts move on across weeks, and that the last reminder is the practical kind. */
static void check_rotation(const char *schedule, int n_occ, size_t want_last_index)
{
        g_autoptr(Schedule) s = load(schedule);
        const char *prev_reflect = NULL, *prev_last = NULL;
        g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
        int64_t t = START - 40 * D;
        for (int k = 0; k < n_occ; k++) {
                Occurrence o = next_of(s, 0, t);
                t = o.start + 1;
                for (size_t i = 0; i < o.n_reminders; i++) {
                        const char *p = prompts_pick(&o, o.reminders[i]);
                        PromptKind kind = prompts_kind(&o, o.reminders[i]);
                        g_assert_cmpint(kind, ==,
                                        i == want_last_index ? PROMPT_LAST : PROMPT_REFLECT);
                        const char **prev = kind == PROMPT_LAST ? &prev_last : &prev_reflect;
                        if (*prev)
                                g_assert_cmpstr(p, !=, *prev);
                        *prev = p;
                        g_hash_table_add(seen, (gpointer) p);
                        /* The reminder's own text is a prompt of its kind. */
                        bool found = false;
                        for (size_t j = 0; j < prompts_count(kind); j++)
                                found |= prompts_get(kind, j) == p;
                        g_assert_true(found);
                }
        }
        /* Over many weeks every prompt comes round. */
        g_assert_cmpuint(g_hash_table_size(seen), ==,
                         prompts_count(PROMPT_REFLECT) +
                                 (want_last_index < SCHEDULE_MAX_LEADS ? prompts_count(PROMPT_LAST)
                                                                       : 0));
}

static void test_rotation(void)
{
        check_rotation(WEEKLY, 30, 2);
        check_rotation("[a]\nweekly = Mon, Thu 09:30\nremind = 1w, 1d, 30m\n", 40, 2);
        check_rotation("[b]\nweekly = Fri 17:00\nevery = 2\nstart = 2026-01-02\n"
                       "remind = 2d, 1d, 0m\n",
                       30, 2);
        check_rotation("[c]\nmonthly = 2nd Wed 17:00\nremind = 3d, 1h\n", 40, 1);
        check_rotation("[d]\nmonthly = 15 09:00\nremind = 1d, 1h\n", 30, 1);
        /* Only a day-before reminder: no practical one at all. */
        check_rotation("[e]\nweekly = Tue 14:00\nremind = 1d\n", 30, 99);
}

/* The last reminder, shortly before the start, is short and practical. */
static void test_last_short(void)
{
        g_autoptr(Schedule) s = load(WEEKLY);
        Occurrence o = next_of(s, 0, START - 2 * D);
        g_autofree char *sum = NULL, *body = NULL, *sum1 = NULL, *body1 = NULL;
        compose(&o, START - H, START - H, berlin, &sum, &body);
        compose(&o, START - D, START - D, berlin, &sum1, &body1);
        g_assert_cmpint(prompts_kind(&o, START - H), ==, PROMPT_LAST);
        g_assert_cmpint(prompts_kind(&o, START - D), ==, PROMPT_REFLECT);
        g_assert_cmpuint(g_utf8_strlen(body, -1), <=, 60);
        g_assert_cmpuint(g_utf8_strlen(body1, -1), >, 60);
        /* A snoozed re-send after the last reminder keeps its kind. */
        g_assert_cmpint(prompts_kind(&o, START - H + 600), ==, PROMPT_LAST);
        g_assert_cmpstr(prompts_pick(&o, START - H + 600), ==, body);
        /* A single 1 h reminder is the last one too; a single 1 d one is not. */
        g_autoptr(Schedule) one = load("[x]\nweekly = Tue 14:00\nremind = 1h\n");
        Occurrence o1 = next_of(one, 0, START - 2 * D);
        g_assert_cmpint(prompts_kind(&o1, o1.reminders[0]), ==, PROMPT_LAST);
}

static void test_own_prompt(void)
{
        g_autoptr(Schedule) s = load("[defaults]\nprompt = Breathe. Bring the list & the "
                                     "<b>book</b>.\n[therapy]\ntitle = Therapy\n"
                                     "weekly = Tue 14:00\nremind = 1w, 1d, 1h\n");
        Occurrence o = next_of(s, 0, START - 8 * D);
        for (size_t i = 0; i < o.n_reminders; i++) {
                g_autofree char *sum = NULL, *body = NULL;
                compose(&o, o.reminders[i], o.reminders[i], berlin, &sum, &body);
                /* Their words, unchanged (escaping is the notifier's job), the last one too. */
                g_assert_cmpstr(body, ==, "Breathe. Bring the list & the <b>book</b>.");
        }
}

static void test_privacy(void)
{
        g_autoptr(Schedule) s = load("[therapy]\ntitle = Therapy with Dr. Rivera\n"
                                     "weekly = Tue 14:00\nremind = 1d, 1h\nprivacy = on\n"
                                     "prompt = Remember the letter from Dr. Rivera\n");
        Occurrence o = next_of(s, 0, START - 2 * D);
        static const struct {
                int64_t instant, now;
                const char *summary;
        } cases[] = {
                {START - D, START - D, "Session tomorrow at 14:00"},
                {START - H, START - H, "Session in 1 hour"},
                {START - H, START - 20 * 60, "Session in 20 minutes"},
        };
        for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
                g_autofree char *sum = NULL, *body = NULL;
                compose(&o, cases[i].instant, cases[i].now, berlin, &sum, &body);
                g_assert_cmpstr(sum, ==, cases[i].summary);
                g_assert_cmpstr(body, ==, "");
                g_assert_null(strstr(sum, "Rivera"));
                g_assert_null(strstr(sum, "herapy"));
        }
}

/* The check-in: "After <title>", a question from its own table, stable for an occurrence
 * and moving on from week to week; with privacy no title and no question. */
static void test_checkin(void)
{
        g_autoptr(Schedule) s = load("[therapy]\ntitle = Therapy with Dr. Rivera\n"
                                     "weekly = Tue 14:00\nprompt = My own words\n");
        g_assert_cmpuint(prompts_count(PROMPT_CHECKIN), >=, 4);
        Occurrence a, b;
        g_assert_true(series_next(&s->series[0], 1796130000 - 60, &a));
        g_assert_true(series_next(&s->series[0], a.start + 1, &b));
        g_autofree char *sum = NULL, *body = NULL, *sum2 = NULL, *body2 = NULL, *again = NULL,
                        *again_sum = NULL;
        prompts_compose_checkin(&a, &sum, &body);
        g_assert_cmpstr(sum, ==, "After Therapy with Dr. Rivera");
        bool found = false;
        for (size_t i = 0; i < prompts_count(PROMPT_CHECKIN); i++)
                found |= g_strcmp0(body, prompts_get(PROMPT_CHECKIN, i)) == 0;
        g_assert_true(found); /* the person's `prompt` is for preparing, not for this */
        prompts_compose_checkin(&a, &again_sum, &again);
        g_assert_cmpstr(again, ==, body);
        prompts_compose_checkin(&b, &sum2, &body2);
        g_assert_cmpstr(body2, !=, body);

        s->series[0].privacy = true;
        g_autofree char *ps = NULL, *pb = NULL;
        prompts_compose_checkin(&a, &ps, &pb);
        g_assert_cmpstr(ps, ==, "After your session");
        g_assert_cmpstr(pb, ==, "");
}

int main(int argc, char **argv)
{
        g_test_init(&argc, &argv, NULL);
        berlin = tz_new("Europe/Berlin");
        g_assert_nonnull(berlin);
        g_test_add_func("/prompts/summary-wording", test_summary_wording);
        g_test_add_func("/prompts/when", test_when);
        g_test_add_func("/prompts/zone-note", test_zone_note);
        g_test_add_func("/prompts/table", test_table);
        g_test_add_func("/prompts/deterministic", test_deterministic);
        g_test_add_func("/prompts/rotation", test_rotation);
        g_test_add_func("/prompts/last-short", test_last_short);
        g_test_add_func("/prompts/own-prompt", test_own_prompt);
        g_test_add_func("/prompts/privacy", test_privacy);
        g_test_add_func("/prompts/checkin", test_checkin);
        int r = g_test_run();
        tz_unref(berlin);
        return r;
}
