/* SPDX-License-Identifier: MIT */
/* Unit tests of the saved copy of a calendar's sessions: the round trip, the digest, and
 * every way a copy is refused. */
#include "config.h"

#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "calsaved.h"
#include "log.h"

static char *tmp;

/* A calendar series as the schedule file would give it, without the file. */
typedef struct {
        Series se;
        CalendarSpec spec;
        char *match[3];
} Fixture;

static void fixture_init(Fixture *f)
{
        memset(f, 0, sizeof *f);
        f->match[0] = "Dr. Rivera";
        f->match[1] = "therapy";
        f->spec.source = f->spec.url = "https://booking.example.org/feed.ics";
        f->spec.host = "booking.example.org";
        f->spec.match = f->match;
        f->se.id = "practice";
        f->se.kind = REPEAT_CALENDAR;
        f->se.calendar = &f->spec;
        f->se.duration = 3000;
        f->se.tz = tz_new("Europe/Berlin");
}

static Handover *sample_list(void)
{
        Handover *h = handover_new();
        g_assert_cmpint(handover_add_session(h, 1800000000, 1800003000, HANDOVER_NO_RID,
                                             "Europe/Berlin", "a@x", "Therapy"), ==, 0);
        g_assert_cmpint(handover_add_session(h, 1800600000, 1800603000, 1800590000,
                                             "America/New_York", "a@x", "Moved"), ==, 0);
        handover_add_problem(h, "Broken", "the RRULE cannot be read");
        h->allday = 2;
        return h;
}

static void test_round_trip(void)
{
        Fixture f;
        fixture_init(&f);
        g_autofree char *digest = calsaved_digest(&f.se);
        g_assert_cmpuint(strlen(digest), ==, 64);
        g_autofree char *path = calsaved_path(tmp, "practice");
        g_assert_true(g_str_has_suffix(path, "/calendar-practice.list"));
        g_autoptr(CalSaved) none = NULL;
        g_assert_cmpint(calsaved_load(path, digest, &none, NULL), ==, -ENOENT);

        g_autoptr(Handover) h = sample_list();
        g_assert_cmpint(calsaved_save(path, 100, 200, 150, digest, h), ==, 0);
        struct stat st;
        g_assert_cmpint(g_stat(path, &st), ==, 0);
        g_assert_cmpint(st.st_mode & 0777, ==, 0600);

        g_autoptr(CalSaved) c = NULL;
        g_autofree char *why = NULL;
        g_assert_cmpint(calsaved_load(path, digest, &c, &why), ==, 0);
        g_assert_cmpint(c->from, ==, 100);
        g_assert_cmpint(c->to, ==, 200);
        g_assert_cmpint(c->fetched, ==, 150);
        g_assert_cmpuint(c->list->sessions->len, ==, 2);
        HandoverSession *s = &g_array_index(c->list->sessions, HandoverSession, 1);
        g_assert_cmpstr(s->zone, ==, "America/New_York");
        g_assert_cmpint(s->rid, ==, 1800590000);
        g_assert_cmpstr(s->summary, ==, "Moved");
        g_assert_cmpuint(c->list->problems->len, ==, 1);
        g_assert_cmpuint(c->list->allday, ==, 2);
        tz_unref(f.se.tz);
}

/* Each of source, zone, duration and match changes the digest. */
static void test_digest(void)
{
        Fixture f;
        fixture_init(&f);
        g_autofree char *base = calsaved_digest(&f.se);
        g_autofree char *again = calsaved_digest(&f.se);
        g_assert_cmpstr(base, ==, again);

        f.spec.url = "https://booking.example.org/other.ics";
        g_autofree char *d1 = calsaved_digest(&f.se);
        f.spec.url = f.spec.source;
        tz_unref(f.se.tz);
        f.se.tz = tz_new("UTC");
        g_autofree char *d2 = calsaved_digest(&f.se);
        tz_unref(f.se.tz);
        f.se.tz = tz_new("Europe/Berlin");
        f.se.duration = 3600;
        g_autofree char *d3 = calsaved_digest(&f.se);
        f.se.duration = 3000;
        f.match[1] = NULL;
        g_autofree char *d4 = calsaved_digest(&f.se);
        /* "a", "b" is not "ab": fields are delimited. */
        f.match[0] = "Dr. Riveratherapy";
        g_autofree char *d5 = calsaved_digest(&f.se);
        f.match[0] = "Dr. Rivera";
        f.match[1] = "therapy";
        g_autofree char *back = calsaved_digest(&f.se);
        const char *all[] = { d1, d2, d3, d4, d5 };
        for (size_t i = 0; i < G_N_ELEMENTS(all); i++)
                g_assert_cmpstr(all[i], !=, base);
        g_assert_cmpstr(d4, !=, d5);
        g_assert_cmpstr(back, ==, base);
        tz_unref(f.se.tz);
}

static const char D[] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
static const char LIST[] = "nudge-calendar 1\nS\t10\t20\t-\tUTC\tu1\tTitle\nT\t1\t0\t0\t0\n";

static int parse(const char *text, int *ok_sessions)
{
        g_autoptr(CalSaved) c = NULL;
        g_autofree char *why = NULL;
        int r = calsaved_parse_buf(text, strlen(text), D, &c, &why);
        if (r == 0)
                *ok_sessions = (int)c->list->sessions->len;
        else
                g_assert_nonnull(why);
        return r;
}

static void test_rejections(void)
{
        int n = -1;
        g_autofree char *good = g_strdup_printf(CALSAVED_MAGIC "\t5\t50\t0\t%s\n%s", D, LIST);
        g_assert_cmpint(parse(good, &n), ==, 0);
        g_assert_cmpint(n, ==, 1);
        const char *const bad_headers[] = {
                "",
                "nudge-calendar-saved 2\t5\t50\t0\t@\n",  /* another version */
                "nudge-calendar-saved 1\t5\t50\t0\n",        /* a field missing */
                "nudge-calendar-saved 1\t5\t50\t0\t@\tx\n", /* one too many */
                "nudge-calendar-saved 1\t50\t5\t0\t@\n",    /* window backwards */
                "nudge-calendar-saved 1\t5\t5\t0\t@\n",     /* empty window */
                "nudge-calendar-saved 1\t05\t50\t0\t@\n",   /* leading zero */
                "nudge-calendar-saved 1\t+5\t50\t0\t@\n",   /* a plus sign */
                "nudge-calendar-saved 1\t-0\t50\t0\t@\n",   /* minus zero */
                "nudge-calendar-saved 1\t5\t50\t-1\t@\n",   /* negative read time */
                "nudge-calendar-saved 1\t5\t99999999999999999999\t0\t@\n", /* overflow */
                "nudge-calendar-saved 1\t5\t50\t0\t#\n", /* digest too short */
                "nudge-calendar-saved 1\t5\t50\t0\tX#\n", /* not hexadecimal */
                "nudge-calendar-saved 1\t 5\t50\t0\t@\n",   /* a blank */
        };
        for (size_t i = 0; i < G_N_ELEMENTS(bad_headers); i++) {
                /* @: the right digest; #: its first 63 digits. */
                g_auto(GStrv) parts = g_strsplit(bad_headers[i], "@", -1);
                g_autofree char *a = g_strjoinv(D, parts);
                g_auto(GStrv) parts2 = g_strsplit(a, "#", -1);
                g_autofree char *d63 = g_strndup(D, 63);
                g_autofree char *text = g_strjoinv(d63, parts2);
                g_autofree char *full = g_strconcat(text, LIST, NULL);
                g_test_message("header %zu", i);
                g_assert_cmpint(parse(full, &n), ==, -EBADMSG);
        }
        /* No header line at all; a damaged or cut list after a good header. */
        g_assert_cmpint(parse(CALSAVED_MAGIC, &n), ==, -EBADMSG);
        g_autofree char *cut = g_strndup(good, strlen(good) - 12);
        g_assert_cmpint(parse(cut, &n), ==, -EBADMSG);
        g_autofree char *noend = g_strdup_printf(CALSAVED_MAGIC "\t5\t50\t0\t%s\n", D);
        g_assert_cmpint(parse(noend, &n), ==, -EBADMSG);
        g_autofree char *swapped = g_strdup_printf(
                CALSAVED_MAGIC "\t5\t50\t0\t%s\nnudge-calendar 1\nS\t20\t10\t-\tUTC\tu\tT\nT\t1\t0\t0\t0\n", D);
        g_assert_cmpint(parse(swapped, &n), ==, -EBADMSG);
        /* Well formed, but saved for another calendar. */
        g_autofree char *other = g_strdup_printf(CALSAVED_MAGIC "\t5\t50\t0\t%s\n%s",
                                                 "f123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", LIST);
        g_assert_cmpint(parse(other, &n), ==, -ESTALE);
        /* A NUL byte in the header. */
        char withnul[] = "nudge-calendar-saved 1\t5\0\t50\n";
        g_autoptr(CalSaved) c = NULL;
        g_assert_cmpint(calsaved_parse_buf(withnul, sizeof withnul - 1, D, &c, NULL), ==, -EBADMSG);
        /* Nothing to format for an empty window or a bad digest. */
        g_autoptr(Handover) h = handover_new();
        g_assert_null(calsaved_format(5, 5, 0, D, h));
        g_assert_null(calsaved_format(5, 6, 0, "abc", h));
}

/* The files themselves: untrusted, a link, a folder, another digest. */
static void test_files(void)
{
        g_autofree char *path = calsaved_path(tmp, "files");
        g_autoptr(Handover) h = sample_list();
        g_assert_cmpint(calsaved_save(path, 1, 2, 0, D, h), ==, 0);
        g_autoptr(CalSaved) c = NULL;
        g_autofree char *why = NULL;
        g_assert_cmpint(calsaved_load(path, D, &c, NULL), ==, 0);
        g_autofree char *other = g_strdup(D);
        other[0] = 'f';
        g_autoptr(CalSaved) c2 = NULL;
        g_assert_cmpint(calsaved_load(path, other, &c2, NULL), ==, -ESTALE);
        g_assert_null(c2);
        g_assert_cmpint(g_chmod(path, 0666), ==, 0);
        g_autoptr(CalSaved) c3 = NULL;
        g_assert_cmpint(calsaved_load(path, D, &c3, &why), ==, -EPERM);
        g_assert_nonnull(why);
        g_autofree char *link = calsaved_path(tmp, "link");
        g_assert_cmpint(symlink(path, link), ==, 0);
        g_autoptr(CalSaved) c4 = NULL;
        g_assert_cmpint(calsaved_load(link, D, &c4, NULL), ==, -ELOOP);
        g_autofree char *dir = calsaved_path(tmp, "dir");
        g_assert_cmpint(g_mkdir(dir, 0700), ==, 0);
        g_autoptr(CalSaved) c5 = NULL;
        g_assert_cmpint(calsaved_load(dir, D, &c5, NULL), ==, -EISDIR);
        /* The state folder is made private when it is missing. */
        g_autofree char *deep = g_build_filename(tmp, "new", "calendar-x.list", NULL);
        g_assert_cmpint(calsaved_save(deep, 1, 2, 0, D, h), ==, 0);
        struct stat st;
        g_autofree char *deep_dir = g_path_get_dirname(deep);
        g_assert_cmpint(g_stat(deep_dir, &st), ==, 0);
        g_assert_cmpint(st.st_mode & 0777, ==, 0700);
}

/* The wording of a calendar's problem, in English (the log's). */
static void test_problem(void)
{
        static const struct {
                const char *reason;
                bool url;
                CalAuth auth;
                const char *want;
        } cases[] = {
                { "practice (booking.example.org): the server's name cannot be found", true,
                  CALAUTH_NONE, "cannot be fetched: the server's name cannot be found" },
                { "practice: timed out", true, CALAUTH_NONE, "cannot be fetched: timed out" },
                { "/home/sam/x.ics: not iCalendar", false, CALAUTH_NONE,
                  "cannot be read: /home/sam/x.ics: not iCalendar" },
                { "practiced hands", true, CALAUTH_NONE, "cannot be fetched: practiced hands" },
                { "practice (no end", true, CALAUTH_NONE, "cannot be fetched: practice (no end" },
                { "", false, CALAUTH_NONE, "cannot be read: ?" },
                { "401", true, CALAUTH_NEEDED, "needs a password: run \"nudge password practice\"" },
                { "403", true, CALAUTH_REFUSED,
                  "the password was refused: run \"nudge password practice\"" },
        };
        for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
                g_autofree char *got = calsaved_problem("practice", cases[i].url, cases[i].reason,
                                                        cases[i].auth, false);
                g_assert_cmpstr(got, ==, cases[i].want);
        }
        Fixture f;
        fixture_init(&f);
        g_autofree char *name = calsaved_name(&f.se);
        g_assert_cmpstr(name, ==, "[practice] (booking.example.org)");
        f.spec.url = NULL;
        f.spec.path = "/home/sam/cal.ics";
        g_autofree char *file = calsaved_name(&f.se);
        g_assert_cmpstr(file, ==, "[practice]");
        tz_unref(f.se.tz);
}

int main(int argc, char **argv)
{
        tmp = g_dir_make_tmp("nudge-test-calsaved-XXXXXX", NULL);
        g_test_init(&argc, &argv, NULL);
        log_set_max_priority(2);
        g_test_add_func("/calsaved/round-trip", test_round_trip);
        g_test_add_func("/calsaved/digest", test_digest);
        g_test_add_func("/calsaved/rejections", test_rejections);
        g_test_add_func("/calsaved/files", test_files);
        g_test_add_func("/calsaved/problem", test_problem);
        int r = g_test_run();
        const char *const rm[] = { "rm", "-rf", tmp, NULL };
        g_spawn_sync(NULL, (char **)rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
        g_free(tmp);
        return r;
}
