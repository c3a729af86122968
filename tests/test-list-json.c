/* SPDX-License-Identifier: MIT */
/* Unit tests of daemon/cli/list-json.c: the JSON lines of `nudge list --json`, with calendar
 * sessions beside the others (their own title, zone offsets and uid). */
#include "config.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "handover.h"
#include "schedfile.h"

static int64_t instant(const char *iso)
{
        g_autoptr(GDateTime) dt = g_date_time_new_from_iso8601(iso, NULL);
        g_assert_nonnull(dt);
        return g_date_time_to_unix(dt);
}

static Schedule *parse(const char *ini)
{
        g_autoptr(Tz) local = tz_new("Europe/Berlin");
        g_autoptr(SchedfileErrors) errors = NULL;
        Schedule *s = schedfile_parse_buf("test.ini", ini, strlen(ini), local, &errors);
        g_assert_null(errors);
        return s;
}

/* What cli_list_json() writes for [from, to), read back from a file that stood in for
 * stdout. */
static char *list_json(const Schedule *s, const char *from, const char *to)
{
        g_autofree char *path = NULL;
        int fd = g_file_open_tmp("test-list-json-XXXXXX", &path, NULL);
        g_assert_cmpint(fd, >=, 0);
        fflush(stdout);
        int saved = dup(STDOUT_FILENO);
        g_assert_cmpint(dup2(fd, STDOUT_FILENO), ==, STDOUT_FILENO);
        int r = cli_list_json(s, instant(from), instant(to));
        fflush(stdout);
        g_assert_cmpint(dup2(saved, STDOUT_FILENO), ==, STDOUT_FILENO);
        close(saved);
        close(fd);
        g_assert_cmpint(r, ==, 0);
        char *text = NULL;
        g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
        g_unlink(path);
        return text;
}

static void test_calendar_lines(void)
{
        g_autoptr(Schedule) s = parse("[cal]\ncalendar = ~/c.ics\nremind = 1d\ncheckin = 30m\n"
                                      "[weekly]\ntitle = Group\nweekly = Wed 09:00\nremind = 1h\n"
                                      "[titled]\ncalendar = ~/c.ics\ntitle = Practice\nremind = 2h\n");
        g_autoptr(Handover) h = handover_new();
        g_assert_cmpint(handover_add_session(h, instant("2026-12-02T19:30:00-05:00"),
                                             instant("2026-12-02T20:20:00-05:00"), HANDOVER_NO_RID,
                                             "America/New_York", "u1@example.org",
                                             "Therapy \"Rivera\" \\ caf\xc3\xa9"), ==, 0);
        g_assert_cmpint(handover_add_session(h, instant("2026-12-01T10:00:00Z"),
                                             instant("2026-12-01T11:00:00Z"), HANDOVER_NO_RID,
                                             "UTC", "u0", ""), ==, 0);
        series_set_sessions(&s->series[0], h, NULL);
        series_set_sessions(&s->series[1], h, NULL);
        g_autofree char *got = list_json(s, "2026-11-30T00:00:00Z", "2026-12-07T00:00:00Z");
        g_assert_cmpstr(got, ==,
                "{\"id\":\"cal\",\"title\":\"cal\",\"start\":\"2026-12-01T10:00:00+00:00\","
                "\"end\":\"2026-12-01T11:00:00+00:00\",\"reminders\":[\"2026-11-30T10:00:00+00:00\"],"
                "\"checkin\":\"2026-12-01T11:30:00+00:00\",\"uid\":\"u0\"}\n"
                "{\"id\":\"titled\",\"title\":\"Practice\",\"start\":\"2026-12-01T10:00:00+00:00\","
                "\"end\":\"2026-12-01T11:00:00+00:00\",\"reminders\":[\"2026-12-01T08:00:00+00:00\"],"
                "\"uid\":\"u0\"}\n"
                "{\"id\":\"weekly\",\"title\":\"Group\",\"start\":\"2026-12-02T09:00:00+01:00\","
                "\"end\":\"2026-12-02T09:50:00+01:00\",\"reminders\":[\"2026-12-02T08:00:00+01:00\"]}\n"
                "{\"id\":\"cal\",\"title\":\"Therapy \\\"Rivera\\\" \\\\ caf\xc3\xa9\","
                "\"start\":\"2026-12-02T19:30:00-05:00\",\"end\":\"2026-12-02T20:20:00-05:00\","
                "\"reminders\":[\"2026-12-01T19:30:00-05:00\"],"
                "\"checkin\":\"2026-12-02T20:50:00-05:00\",\"uid\":\"u1@example.org\"}\n"
                "{\"id\":\"titled\",\"title\":\"Practice\",\"start\":\"2026-12-02T19:30:00-05:00\","
                "\"end\":\"2026-12-02T20:20:00-05:00\",\"reminders\":[\"2026-12-02T17:30:00-05:00\"],"
                "\"uid\":\"u1@example.org\"}\n");
}

int main(int argc, char **argv)
{
        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/list-json/calendar-lines", test_calendar_lines);
        return g_test_run();
}
