/* SPDX-License-Identifier: MIT */
/* Unit tests of daemon/config.c: every problem a schedule file can hold, reported as
 * FILE:LINE: message at the right line; quoting; hostile bytes; reading files. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "schedfile.h"

#include "schedfile-cases.h"
static Tz *local_zone(void)
{
        return tz_new("Europe/Berlin");
}

/* The formatted errors of a buffer, or "" when it parses. */
static char *errors_of(const char *buf, size_t len, size_t *n_errors)
{
        g_autoptr(Tz) local = local_zone();
        g_autoptr(SchedfileErrors) errors = NULL;
        g_autoptr(Schedule) s = schedfile_parse_buf("s.ini", buf, len, local, &errors);
        /* Exactly one of the two. */
        g_assert_true((s == NULL) != (errors == NULL));
        if (n_errors)
                *n_errors = errors ? errors->n_errors + errors->n_suppressed : 0;
        return errors ? schedfile_errors_format(errors) : g_strdup("");
}

static Schedule *parse_ok(const char *ini)
{
        g_autoptr(Tz) local = local_zone();
        g_autoptr(SchedfileErrors) errors = NULL;
        Schedule *s = schedfile_parse_buf("s.ini", ini, strlen(ini), local, &errors);
        if (errors) {
                g_autofree char *text = schedfile_errors_format(errors);
                g_test_message("unexpected: %s", text);
        }
        g_assert_nonnull(s);
        return s;
}


static void test_cases(void)
{
        for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
                g_test_message("case: %s", cases[i].name);
                g_autofree char *got = errors_of(cases[i].ini, cases[i].len, NULL);
                g_assert_cmpstr(got, ==, cases[i].expect);
        }
}

/* Lines up to 4096 bytes are read; longer ones are an error of their own line. */
static void test_long_lines(void)
{
        for (size_t n = 4094; n <= 4098; n++) {
                GString *ini = g_string_new("[t]\nweekly = Tue 14:00\n#");
                for (size_t i = 1; i < n; i++)
                        g_string_append_c(ini, 'x');
                g_string_append(ini, "\nprivacy = maybe\n");
                g_autofree char *got = errors_of(ini->str, ini->len, NULL);
                g_autofree char *want =
                        n <= SCHEDFILE_MAX_LINE
                                ? g_strdup("s.ini:4: 'maybe' " NOT_BOOL "\n")
                                : g_strdup_printf("s.ini:3: is %zu bytes long; lines may hold at "
                                                  "most 4096\ns.ini:4: 'maybe' " NOT_BOOL "\n",
                                                  n);
                g_test_message("line of %zu bytes", n);
                g_assert_cmpstr(got, ==, want);
                g_string_free(ini, TRUE);
        }
        /* A CR before the newline is not part of the line. */
        GString *ini = g_string_new("[t]\r\nweekly = Tue 14:00\r\n#");
        for (size_t i = 1; i < SCHEDFILE_MAX_LINE; i++)
                g_string_append_c(ini, 'x');
        g_string_append(ini, "\r\n");
        g_autofree char *got = errors_of(ini->str, ini->len, NULL);
        g_assert_cmpstr(got, ==, "");
        g_string_free(ini, TRUE);
        /* One huge line with no newline at all. */
        char *huge = g_malloc(1 << 20);
        memset(huge, 'a', 1 << 20);
        g_autofree char *got2 = errors_of(huge, 1 << 20, NULL);
        g_assert_cmpstr(got2, ==, "s.ini:1: is 1048576 bytes long; lines may hold at most 4096\n");
        g_free(huge);
}

/* Every problem is reported, not just the first. */
static void test_all_reported(void)
{
        static const char ini[] =
                "[defaults]\n"                  /* 1 */
                "remind = 1x\n"                 /* 2 */
                "title = x\n"                   /* 3 */
                "[a]\n"                         /* 4 */
                "titel = A\n"                   /* 5 */
                "weekly = Mon 25:00\n"          /* 6 */
                "every = 2\n"                   /* 7 */
                "[b]\n"                         /* 8: no weekly/monthly/once */
                "duration = 0m\n"               /* 9 */
                "junk\n"                        /* 10 */
                "[c]\n"                         /* 11 */
                "once = 2026-12-01 10:00\n"     /* 12 */
                "once = 2026-12-02 10:00\n"     /* 13 */
                "timezone = Nowhere/City\n"     /* 14 */
                "[A]\n"                         /* 15 */
                "[d e]\n";                      /* 16 */
        size_t n = 0;
        g_autofree char *got = errors_of(ini, sizeof(ini) - 1, &n);
        g_test_message("%s", got);
        g_assert_cmpuint(n, ==, 12);
        static const char *const lines[] = {"s.ini:2: ", "s.ini:3: ", "s.ini:5: ", "s.ini:6: ",
                                            "s.ini:7: ", "s.ini:8: ", "s.ini:9: ", "s.ini:10: ",
                                            "s.ini:13: ", "s.ini:14: ", "s.ini:15: ",
                                            "s.ini:16: "};
        g_auto(GStrv) out = g_strsplit(got, "\n", -1);
        g_assert_cmpuint(g_strv_length(out), ==, G_N_ELEMENTS(lines) + 1); /* + "" */
        for (size_t i = 0; i < G_N_ELEMENTS(lines); i++)
                g_assert_true(g_str_has_prefix(out[i], lines[i]));
}

/* Past SCHEDFILE_MAX_ERRORS, problems are counted rather than listed. */
static void test_many_errors(void)
{
        GString *ini = g_string_new("[t]\nweekly = Tue 14:00\n");
        for (int i = 0; i < 150; i++)
                g_string_append_printf(ini, "bogus%d = 1\n", i);
        g_autoptr(Tz) local = local_zone();
        g_autoptr(SchedfileErrors) errors = NULL;
        g_autoptr(Schedule) s = schedfile_parse_buf("s.ini", ini->str, ini->len, local, &errors);
        g_assert_null(s);
        g_assert_cmpuint(errors->n_errors, ==, SCHEDFILE_MAX_ERRORS);
        g_assert_cmpuint(errors->n_suppressed, ==, 50);
        for (size_t i = 1; i < errors->n_errors; i++)
                g_assert_cmpuint(errors->errors[i - 1].line, <, errors->errors[i].line);
        g_assert_cmpuint(errors->errors[0].line, ==, 3);
        g_autofree char *text = schedfile_errors_format(errors);
        g_assert_true(g_str_has_suffix(text, "s.ini: … and 50 more problems not shown\n"));
        g_string_free(ini, TRUE);
}

/* Quoting: what each value reads as. */
static void test_quoting(void)
{
        static const struct {
                const char *line;
                const char *title;
        } quotes[] = {
                {"title = Session #3", "Session"},
                {"title = Session ;3", "Session"},
                {"title = Session#3", "Session"},
                {"title = \"Session #3; weekly\"", "Session #3; weekly"},
                {"title = 'Session #3; weekly'", "Session #3; weekly"},
                {"title = 'He said \"hi\"'", "He said \"hi\""},
                {"title = \"it's\"", "it's"},
                {"title = \"  padded  \"", "  padded  "},
                {"title =   a   b   ", "a   b"},
                {"title\t=\tTabbed\t", "Tabbed"},
                {"title = \"a\\\"", "a\\"},
                {"title = a \"quoted\" word", "a \"quoted\" word"},
                {"title = Caf\xc3\xa9 \xe2\x98\x95", "Caf\xc3\xa9 \xe2\x98\x95"},
                {"title = x = y", "x = y"},
                {"TITLE = Upper key", "Upper key"},
        };
        for (size_t i = 0; i < G_N_ELEMENTS(quotes); i++) {
                g_autofree char *ini = g_strdup_printf("[t]\nweekly = Tue 14:00\n%s\n",
                                                       quotes[i].line);
                g_test_message("%s", quotes[i].line);
                g_autoptr(Schedule) s = parse_ok(ini);
                g_assert_cmpstr(s->series[0].title, ==, quotes[i].title);
        }
        /* Values other than the title follow the same rules. */
        g_autoptr(Schedule) s = parse_ok("[t]\nweekly = \"Tue 14:00\"\nremind = '1d, 2h' # two\n"
                                         "notes = \"~/my notes; therapy\"\nprompt = 'What #1?'\n");
        g_assert_cmpuint(s->series[0].n_leads, ==, 2);
        g_assert_cmpstr(s->series[0].notes_dir, ==, "~/my notes; therapy");
        g_assert_cmpstr(s->series[0].prompt, ==, "What #1?");
}

/* What the parsed series holds: defaults, overrides, privacy. */
static void test_values(void)
{
        g_autoptr(Schedule) s = parse_ok("[defaults]\nremind = 2h\nduration = 1h\nprivacy = on\n"
                                         "notes = ~/n\nprompt = P\ntimezone = Asia/Kathmandu\n"
                                         "[a]\nweekly = Tue 14:00\n"
                                         "[b]\nweekly = Tue 14:00\nprivacy = off\nremind = 1d\n"
                                         "duration = 30m\ntimezone = UTC\nnotes = /x\nprompt = Q\n"
                                         "[c]\nweekly = Tue 14:00\n");
        g_assert_cmpuint(s->n_series, ==, 3);
        const Series *a = &s->series[0], *b = &s->series[1];
        g_assert_cmpstr(a->id, ==, "a");
        g_assert_true(a->privacy);
        g_assert_cmpint(a->duration, ==, 3600);
        g_assert_cmpuint(a->n_leads, ==, 1);
        g_assert_cmpint(a->leads[0].seconds, ==, 7200);
        g_assert_cmpstr(tz_name(a->tz), ==, "Asia/Kathmandu");
        g_assert_cmpstr(a->notes_dir, ==, "~/n");
        g_assert_cmpstr(a->prompt, ==, "P");
        g_assert_false(b->privacy);
        g_assert_cmpint(b->duration, ==, 1800);
        g_assert_cmpuint(b->n_leads, ==, 1);
        g_assert_cmpint(b->leads[0].days, ==, 1);
        g_assert_cmpstr(tz_name(b->tz), ==, "UTC");
        g_assert_cmpstr(b->notes_dir, ==, "/x");
        g_assert_cmpstr(b->prompt, ==, "Q");
        g_assert_false(s->series[2].has_checkin);

        /* checkin: from [defaults], overridden, and off again. */
        g_autoptr(Schedule) c = parse_ok("[defaults]\ncheckin = 30m\n[a]\nweekly = Tue 14:00\n"
                                         "[b]\nweekly = Tue 14:00\ncheckin = 2h\n"
                                         "[c]\nweekly = Tue 14:00\ncheckin = off\n");
        g_assert_true(c->series[0].has_checkin);
        g_assert_cmpint(c->series[0].checkin, ==, 30 * 60);
        g_assert_true(c->series[1].has_checkin);
        g_assert_cmpint(c->series[1].checkin, ==, 2 * 3600);
        g_assert_false(c->series[2].has_checkin);

        /* An empty file, and [defaults] alone: no sessions, no errors. */
        g_autoptr(Schedule) e1 = parse_ok("");
        g_assert_cmpuint(e1->n_series, ==, 0);
        g_autoptr(Schedule) e2 = parse_ok("[defaults]\nremind = 2h\n");
        g_assert_cmpuint(e2->n_series, ==, 0);
        g_autoptr(Schedule) e3 = parse_ok("\n\n# only comments\n");
        g_assert_cmpuint(e3->n_series, ==, 0);

        /* Without [defaults]: 1d, 1h; 50m; privacy off; the local zone; no notes, no prompt. */
        g_autoptr(Schedule) t = parse_ok("[t]\nweekly = Tue 14:00\n");
        const Series *x = &t->series[0];
        g_assert_cmpuint(x->n_leads, ==, 2);
        g_assert_cmpint(x->duration, ==, 50 * 60);
        g_assert_false(x->privacy);
        g_assert_cmpstr(tz_name(x->tz), ==, "Europe/Berlin");
        g_assert_null(x->notes_dir);
        g_assert_null(x->prompt);
        g_assert_cmpstr(x->title, ==, "t");
        g_assert_cmpint(x->every, ==, 1);
}

/* What a calendar section holds: the source as written, the path or link, the host. */
static void test_calendar_values(void)
{
        g_autoptr(Schedule) s = parse_ok(
                "[a]\ncalendar = ~/Calendars/personal.ics\n"
                "match = Dr. Rivera, \"Rivera, MD\", O'Brien, ' padded ' # a comment\n"
                "[b]\ncalendar = webcal://Booking.Example.org/feeds/6f3c9a.ics?t=1\n"
                "refresh = 1h30m\ntitle = Practice\n"
                "[c]\ncalendar = https://sam@Cloud.Example.ORG:8443/dav/calendars/sam/x/\n"
                "[d]\ncalendar = http://[::1]:5232/sam/\n[e]\ncalendar = /srv/invitations/\n");
        g_assert_cmpuint(s->n_series, ==, 5);
        const Series *a = &s->series[0], *b = &s->series[1], *c = &s->series[2];
        g_assert_cmpint(a->kind, ==, REPEAT_CALENDAR);
        g_assert_cmpuint(a->n_sessions, ==, 0);
        g_assert_null(a->sessions);
        g_assert_false(a->has_title);
        g_assert_cmpstr(a->title, ==, "a");
        g_assert_cmpstr(a->calendar->source, ==, "~/Calendars/personal.ics");
        g_autofree char *home_path = g_build_filename(g_get_home_dir(), "Calendars",
                                                      "personal.ics", NULL);
        g_assert_cmpstr(a->calendar->path, ==, home_path);
        g_assert_null(a->calendar->url);
        g_assert_null(a->calendar->host);
        g_assert_cmpuint(a->calendar->line, ==, 2);
        g_assert_cmpint(a->calendar->refresh, ==, 0);
        const char *const want[] = {"Dr. Rivera", "Rivera, MD", "O'Brien", " padded ", NULL};
        g_assert_cmpstrv(a->calendar->match, want);

        g_assert_true(b->has_title);
        g_assert_cmpstr(b->title, ==, "Practice");
        g_assert_cmpstr(b->calendar->source, ==, "webcal://Booking.Example.org/feeds/6f3c9a.ics?t=1");
        g_assert_cmpstr(b->calendar->url, ==, "https://Booking.Example.org/feeds/6f3c9a.ics?t=1");
        g_assert_cmpstr(b->calendar->host, ==, "booking.example.org");
        g_assert_null(b->calendar->path);
        g_assert_null(b->calendar->match);
        g_assert_cmpint(b->calendar->refresh, ==, 90 * 60);
        g_assert_cmpuint(b->calendar->line, ==, 5);

        /* The user name stays in the link; the host has neither it nor the port. */
        g_assert_cmpstr(c->calendar->url, ==, "https://sam@Cloud.Example.ORG:8443/dav/calendars/sam/x/");
        g_assert_cmpstr(c->calendar->host, ==, "cloud.example.org");
        g_assert_cmpstr(s->series[3].calendar->url, ==, "http://[::1]:5232/sam/");
        g_assert_cmpstr(s->series[3].calendar->host, ==, "[::1]");
        g_assert_cmpstr(s->series[4].calendar->path, ==, "/srv/invitations/");

        /* A title set on a weekly series is has_title too. */
        g_autoptr(Schedule) w = parse_ok("[t]\nweekly = Tue 14:00\ntitle = T\n[u]\nweekly = Tue 14:00\n");
        g_assert_true(w->series[0].has_title);
        g_assert_false(w->series[1].has_title);
        g_assert_null(w->series[0].calendar);

        /* No message about a link repeats it: a link holds a token. */
        static const char *const links[] = {
                "http://example.org/t0k3n", "ftp://example.org/t0k3n", "https:/example.org/t0k3n",
                "https://sam:t0k3n@example.org/", "https://example.org/t0k3n x",
                "https://example.org:99999/t0k3n", "https:///t0k3n", "webcal:t0k3n",
        };
        for (size_t i = 0; i < G_N_ELEMENTS(links); i++) {
                g_autofree char *ini = g_strdup_printf("[t]\ncalendar = %s\n", links[i]);
                g_autofree char *msg = errors_of(ini, strlen(ini), NULL);
                g_test_message("%s: %s", links[i], msg);
                g_assert_cmpstr(msg, !=, "");
                g_assert_null(strstr(msg, "t0k3n"));
        }

        /* 65 phrases are too many for the calendar reader. */
        GString *many = g_string_new("[t]\ncalendar = ~/c.ics\nmatch = p0");
        for (int i = 1; i < 65; i++)
                g_string_append_printf(many, ", p%d", i);
        g_autofree char *got = errors_of(many->str, many->len, NULL);
        g_assert_cmpstr(got, ==, "s.ini:3: match has 65 phrases; at most 64 are allowed\n");
        g_string_free(many, TRUE);
}

/* Random bytes, and valid files with random damage: never a crash, a bounded report, and
 * every reported line within the file. */
static void test_junk(void)
{
        static const char good[] =
                "[defaults]\nremind = 1d, 1h\n[therapy]\ntitle = \"Therapy; weekly\"\n"
                "weekly = Tue 14:00\nskip = 2026-12-29\n[group]\nmonthly = 2nd Wed 17:00\n"
                "every = 2\nstart = 2026-01-01\n[intake]\nonce = 2026-12-02 09:30\n"
                "[cal]\ncalendar = https://sam@example.org/c.ics\nmatch = \"a, b\", c\n"
                "refresh = 1h\n";
        GRand *r = g_rand_new_with_seed(42);
        for (int round = 0; round < 3000; round++) {
                size_t len;
                char *buf;
                if (round % 3 == 0) {
                        len = (size_t)g_rand_int_range(r, 0, 8192);
                        buf = g_malloc(len + 1);
                        for (size_t i = 0; i < len; i++)
                                buf[i] = (char)g_rand_int_range(r, 0, 256);
                } else {
                        len = sizeof(good) - 1;
                        buf = g_memdup2(good, len + 1);
                        /* Flip a few bytes to anything, or to the characters that matter. */
                        static const char special[] = "[]=#;\"'\n\r\t ,:\0\xff";
                        for (int k = g_rand_int_range(r, 1, 6); k > 0; k--) {
                                size_t at = (size_t)g_rand_int_range(r, 0, (gint32)len);
                                buf[at] = g_rand_boolean(r)
                                                  ? (char)g_rand_int_range(r, 0, 256)
                                                  : special[g_rand_int_range(r, 0,
                                                                             sizeof(special) - 1)];
                        }
                }
                unsigned lines = 1;
                for (size_t i = 0; i < len; i++)
                        lines += buf[i] == '\n';
                g_autoptr(Tz) local = local_zone();
                g_autoptr(SchedfileErrors) errors = NULL;
                g_autoptr(Schedule) s = schedfile_parse_buf("junk", buf, len, local, &errors);
                g_assert_true((s == NULL) != (errors == NULL));
                if (errors) {
                        g_assert_cmpuint(errors->n_errors, >=, 1);
                        g_assert_cmpuint(errors->n_errors, <=, SCHEDFILE_MAX_ERRORS);
                        for (size_t i = 0; i < errors->n_errors; i++) {
                                g_assert_cmpuint(errors->errors[i].line, <=, lines);
                                g_assert_true(g_utf8_validate(errors->errors[i].message, -1,
                                                              NULL));
                                if (i)
                                        g_assert_cmpuint(errors->errors[i - 1].line, <=,
                                                         errors->errors[i].line);
                        }
                        g_autofree char *text = schedfile_errors_format(errors);
                        g_assert_true(strlen(text) < 200 * 1024);
                } else {
                        /* A schedule that parsed can be expanded. */
                        g_autoptr(GArray) occ = schedule_expand(s, 1780000000, 1780000000 + 86400 * 400);
                        (void)occ;
                }
                g_free(buf);
        }
        g_rand_free(r);

        /* A binary file stops early with one message for the whole. */
        GString *bin = g_string_new(NULL);
        for (int i = 0; i < 1000; i++)
                g_string_append_len(bin, "\x7f" "ELF\0\0\n", 7);
        size_t n = 0;
        g_autofree char *got = errors_of(bin->str, bin->len, &n);
        g_assert_cmpuint(n, <=, 21);
        g_assert_true(g_str_has_prefix(got, "s.ini: this does not look like a schedule file"));
        g_string_free(bin, TRUE);
}

/* ---- reading files ---- */

static char *tmpdir;

static char *write_file(const char *name, const char *text, int mode)
{
        char *path = g_build_filename(tmpdir, name, NULL);
        g_assert_true(g_file_set_contents(path, text, -1, NULL));
        g_assert_cmpint(chmod(path, (mode_t)mode), ==, 0);
        return path;
}

static char *load_errors(const char *path, int *err)
{
        g_autoptr(Tz) local = local_zone();
        g_autoptr(SchedfileErrors) errors = NULL;
        g_autoptr(Schedule) s = schedfile_load(path, local, &errors, err);
        g_assert_true((s == NULL) != (errors == NULL));
        return errors ? schedfile_errors_format(errors) : g_strdup("");
}

static void test_load(void)
{
        int err = -1;
        g_autofree char *good = write_file("good.ini", "[t]\nweekly = Tue 14:00\n", 0600);
        g_autofree char *e1 = load_errors(good, &err);
        g_assert_cmpstr(e1, ==, "");
        g_assert_cmpint(err, ==, 0);

        /* Errors name the path as given. */
        g_autofree char *bad = write_file("bad.ini", "[t]\nweekly = Tue 14:00\nprivacy = x\n", 0644);
        g_autofree char *e2 = load_errors(bad, &err);
        g_autofree char *want2 = g_strdup_printf("%s:3: 'x' " NOT_BOOL "\n", bad);
        g_assert_cmpstr(e2, ==, want2);

        g_autofree char *missing = g_build_filename(tmpdir, "missing.ini", NULL);
        g_autofree char *e3 = load_errors(missing, &err);
        /* Negative, as every errno the core hands back (state_load's too). */
        g_assert_cmpint(err, ==, -ENOENT);
        g_assert_true(g_str_has_prefix(e3, missing));

        g_autofree char *e4 = load_errors(tmpdir, &err);
        g_assert_cmpint(err, ==, -EISDIR);
        g_assert_nonnull(strstr(e4, "folder"));

        /* Others may not be able to change the schedule. */
        g_autofree char *gw = write_file("gw.ini", "[t]\nweekly = Tue 14:00\n", 0620);
        g_autofree char *e5 = load_errors(gw, &err);
        g_assert_cmpint(err, ==, -EPERM);
        g_assert_nonnull(strstr(e5, "chmod go-w"));
        g_autofree char *ow = write_file("ow.ini", "[t]\nweekly = Tue 14:00\n", 0606);
        g_autofree char *e6 = load_errors(ow, &err);
        g_assert_cmpint(err, ==, -EPERM);

        /* A calendar link is a secret: a file that others can read may not hold one ... */
        static const char with_link[] = "[t]\ntitle = T\ncalendar = https://example.org/t0k3n.ics\n";
        g_autofree char *shared = write_file("shared.ini", with_link, 0644);
        g_autofree char *e14 = load_errors(shared, &err);
        g_autofree char *want14 = g_strdup_printf("%s:3: " CAL_SECRET "\n", shared, shared, shared);
        g_assert_cmpstr(e14, ==, want14);
        g_assert_cmpint(err, ==, 0);
        g_autofree char *group = write_file("group.ini", with_link, 0640);
        g_autofree char *e15 = load_errors(group, &err);
        g_assert_nonnull(strstr(e15, "chmod 600"));
        /* ... with the file's other problems reported too, each at its line ... */
        g_autofree char *both = write_file("both.ini", "[t]\ncalendar = webcal://example.org/c\n"
                                           "privacy = x\n", 0604);
        g_autofree char *e16 = load_errors(both, &err);
        g_autofree char *want16 = g_strdup_printf("%s:2: " CAL_SECRET "\n%s:3: 'x' " NOT_BOOL "\n",
                                                  both, both, both, both);
        g_assert_cmpstr(e16, ==, want16);
        /* ... while a private file may, and a calendar file needs no secrecy. */
        g_autofree char *private = write_file("private.ini", with_link, 0600);
        g_autofree char *e17 = load_errors(private, &err);
        g_assert_cmpstr(e17, ==, "");
        g_autofree char *path_cal = write_file("pathcal.ini", "[t]\ncalendar = ~/c.ics\n", 0644);
        g_autofree char *e18 = load_errors(path_cal, &err);
        g_assert_cmpstr(e18, ==, "");
        /* Parsing alone knows no modes: the same text parses from memory. */
        g_autofree char *e19 = errors_of(with_link, sizeof(with_link) - 1, NULL);
        g_assert_cmpstr(e19, ==, "");
        /* A broken link is a secret all the same. */
        g_autofree char *broken = write_file("broken.ini", "[t]\ncalendar = https:/example.org/t\n",
                                             0644);
        g_autofree char *e20 = load_errors(broken, &err);
        g_autofree char *want20 = g_strdup_printf("%s:2: " BAD_LINK "\n%s:2: " CAL_SECRET "\n",
                                                  broken, broken, broken, broken);
        g_assert_cmpstr(e20, ==, want20);

        /* A FIFO with no writer must not hang, nor must one that a writer holds open. */
        g_autofree char *fifo = g_build_filename(tmpdir, "fifo.ini", NULL);
        g_assert_cmpint(mkfifo(fifo, 0600), ==, 0);
        g_autofree char *e7 = load_errors(fifo, &err);
        g_assert_nonnull(strstr(e7, "not a regular file"));
        int wfd = open(fifo, O_RDWR | O_NONBLOCK);
        g_assert_cmpint(wfd, >=, 0);
        g_autofree char *e8 = load_errors(fifo, &err);
        g_assert_nonnull(strstr(e8, "not a regular file"));
        close(wfd);

        g_autofree char *e9 = load_errors("/dev/zero", &err);
        g_assert_cmpstr(e9, ==, "/dev/zero: is not a regular file\n");
        g_autofree char *e10 = load_errors("/dev/null", &err);
        g_assert_cmpstr(e10, ==, "/dev/null: is not a regular file\n");

        /* Too large: more than 4 MiB. */
        g_autofree char *big = g_build_filename(tmpdir, "big.ini", NULL);
        int fd = open(big, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        g_assert_cmpint(fd, >=, 0);
        g_assert_cmpint(ftruncate(fd, SCHEDFILE_MAX_SIZE + 1), ==, 0);
        close(fd);
        g_autofree char *e11 = load_errors(big, &err);
        g_assert_nonnull(strstr(e11, "too large"));

        /* Unreadable: only meaningful when not root. */
        if (geteuid() != 0) {
                g_autofree char *locked = write_file("locked.ini", "[t]\nweekly = Tue 14:00\n", 0);
                g_autofree char *e12 = load_errors(locked, &err);
                g_assert_cmpint(err, ==, -EACCES);
                g_assert_true(g_str_has_prefix(e12, locked));
        }

        /* A symbolic link to a good file is read. */
        g_autofree char *link = g_build_filename(tmpdir, "link.ini", NULL);
        g_assert_cmpint(symlink(good, link), ==, 0);
        g_autofree char *e13 = load_errors(link, &err);
        g_assert_cmpstr(e13, ==, "");
}

int main(int argc, char **argv)
{
        g_test_init(&argc, &argv, NULL);
        g_autoptr(GError) error = NULL;
        tmpdir = g_dir_make_tmp("test-config-XXXXXX", &error);
        g_assert_no_error(error);
        g_test_add_func("/config/cases", test_cases);
        g_test_add_func("/config/long-lines", test_long_lines);
        g_test_add_func("/config/all-reported", test_all_reported);
        g_test_add_func("/config/many-errors", test_many_errors);
        g_test_add_func("/config/quoting", test_quoting);
        g_test_add_func("/config/values", test_values);
        g_test_add_func("/config/calendar-values", test_calendar_values);
        g_test_add_func("/config/junk", test_junk);
        g_test_add_func("/config/load", test_load);
        int rc = g_test_run();
        /* Clean up the files made above. */
        GDir *dir = g_dir_open(tmpdir, 0, NULL);
        const char *name;
        while (dir && (name = g_dir_read_name(dir))) {
                g_autofree char *p = g_build_filename(tmpdir, name, NULL);
                g_unlink(p);
        }
        if (dir)
                g_dir_close(dir);
        g_rmdir(tmpdir);
        g_free(tmpdir);
        return rc;
}
