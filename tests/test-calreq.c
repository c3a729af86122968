/* SPDX-License-Identifier: MIT */
/* Unit tests of the calendar request and reply: round trips, what the writers refuse or
 * clean, and every deviation the parsers reject (with where). */
#include "config.h"

#include <errno.h>
#include <glib.h>
#include <string.h>

#include "calreq.h"

#define REQ_HEAD "nudge-calendar-request 1\nsection\ttherapy\nsource\t/home/sam/cal.ics\n" \
                 "zone\tEurope/Berlin\nfrom\t100\nto\t200\nduration\t3000\n"
#define REPLY_HEAD "nudge-calendar-reply 1\nresult\tok\norigin\tfetched\nrefresh\t3600\n" \
                   "http\t200\nauth\tnone\nreason\t\nend\n"
#define LIST "nudge-calendar 2\nE\tEurope/Berlin\tu1\tTherapy\nR\t150\t160\t-\t0\nT\t1\t0\t0\t0\n"

static CalRequest *request(void)
{
        CalRequest *r = g_new0(CalRequest, 1);
        r->section = g_strdup("therapy");
        r->source = g_strdup("https://sam@cloud.example.org/dav/cal/?token=x");
        r->zone = g_strdup("America/New_York");
        r->from = -5;
        r->to = 1800000000;
        r->duration = 3000;
        r->match = g_strsplit("Dr. Rivera|therapy, group", "|", -1);
        r->fetch = CALFETCH_FRESH;
        r->password = g_strdup("pä ss");
        return r;
}

static void test_request_round_trip(void)
{
        g_autoptr(CalRequest) r = request();
        g_autofree char *text = calreq_format(r);
        g_assert_nonnull(text);
        g_assert_true(g_str_has_suffix(text, "fetch\tfresh\npassword\tpä ss\nend\n"));
        g_autoptr(CalRequest) back = NULL;
        g_autofree char *why = NULL;
        g_assert_cmpint(calreq_parse_buf(text, strlen(text), &back, &why), ==, 0);
        g_assert_cmpstr(back->section, ==, r->section);
        g_assert_cmpstr(back->source, ==, r->source);
        g_assert_cmpstr(back->zone, ==, r->zone);
        g_assert_cmpint(back->from, ==, -5);
        g_assert_cmpint(back->to, ==, 1800000000);
        g_assert_cmpint(back->duration, ==, 3000);
        g_assert_cmpuint(g_strv_length(back->match), ==, 2);
        g_assert_cmpstr(back->match[1], ==, "therapy, group");
        g_assert_cmpint(back->fetch, ==, CALFETCH_FRESH);
        g_assert_cmpstr(back->password, ==, "pä ss");
        g_autofree char *again = calreq_format(back);
        g_assert_cmpstr(again, ==, text);

        /* No match, no password, fetch=cache: the shortest request. */
        const char *min = REQ_HEAD "fetch\tcache\nend\n";
        g_autoptr(CalRequest) m = NULL;
        g_assert_cmpint(calreq_parse_buf(min, strlen(min), &m, &why), ==, 0);
        g_assert_null(m->match[0]);
        g_assert_null(m->password);
        g_assert_cmpint(m->fetch, ==, CALFETCH_CACHE);
        g_autofree char *m_text = calreq_format(m);
        g_assert_cmpstr(m_text, ==, min);
}

/* Each breaks the request in one field: the writer gives NULL. */
static void test_request_format_refuses(void)
{
        for (int i = 0; i < 12; i++) {
                g_autoptr(CalRequest) r = request();
                switch (i) {
                case 0: g_free(r->source); r->source = g_strdup("cal.ics"); break;
                case 1: g_free(r->source); r->source = g_strdup("ftp://host/cal.ics"); break;
                case 2: g_free(r->section); r->section = g_strdup("a/b"); break;
                case 3: g_free(r->section); r->section = g_strdup(""); break;
                case 4: r->to = r->from; break;
                case 5: g_free(r->match[0]); r->match[0] = g_strdup("a\tb"); break;
                case 6: g_free(r->password); r->password = g_strdup("a\nb"); break;
                case 7: g_free(r->zone); r->zone = g_strdup("../etc/passwd"); break;
                case 8: r->duration = 0; break;
                case 9: g_free(r->source); r->source = g_strdup("https:///path"); break;
                case 10: g_free(r->match[0]); r->match[0] = g_strdup("a\xc2\x85" "b"); break;
                case 11:
                        g_strfreev(r->match);
                        r->match = g_new0(char *, CALREQ_MAX_MATCH + 2);
                        for (guint k = 0; k <= CALREQ_MAX_MATCH; k++)
                                r->match[k] = g_strdup("x");
                        break;
                }
                g_autofree char *text = calreq_format(r);
                if (text)
                        g_error("case %d: formatted:\n%s", i, text);
        }
}

typedef struct {
        const char *text, *why;
} Bad;

static const Bad bad_requests[] = {
        { "", "line 1: not" },
        { "nudge-calendar-request 2\n", "line 1: not" },
        { REQ_HEAD "fetch\tcache\n", "ends before \"end\"" },
        { REQ_HEAD "fetch\tcache\nend", "line 9: no line end" },
        { REQ_HEAD "fetch\tcache\nend\nend\n", "line 10: text after \"end\"" },
        { REQ_HEAD "fetch\tcache\r\nend\n", "line 8: bad text in \"fetch\"" },
        { REQ_HEAD "fetch\tnow\nend\n", "line 8: unknown fetch" },
        { REQ_HEAD "end\n", "line 8: \"fetch\" expected" },
        { REQ_HEAD "match\t\nfetch\tcache\nend\n", "line 8: an empty match" },
        { REQ_HEAD "fetch\tcache\nmatch\tx\nend\n", "line 9: \"end\" expected" },
        { REQ_HEAD "fetch\tcache\npassword\ta\tb\nend\n", "line 9: bad text" },
        { REQ_HEAD "fetch\tcache\nend\tx\n", "line 9: \"end\" expected" },
        { "nudge-calendar-request 1\nsource\t/a\n", "line 2: \"section\" expected" },
        { "nudge-calendar-request 1\nsection\t.hidden\n", "line 2: bad section id" },
        { "nudge-calendar-request 1\nsection\tt\nsource\trel/a.ics\n", "line 3: the source" },
        { "nudge-calendar-request 1\nsection\tt\nsource\t/a\nzone\tEurope Berlin\n",
          "line 4: bad zone" },
        { "nudge-calendar-request 1\nsection\tt\nsource\t/a\nzone\tUTC\nfrom\t007\n",
          "line 5: \"from\" is not a number" },
        { "nudge-calendar-request 1\nsection\tt\nsource\t/a\nzone\tUTC\nfrom\t-0\n",
          "line 5: \"from\" is not a number" },
        { "nudge-calendar-request 1\nsection\tt\nsource\t/a\nzone\tUTC\nfrom\t+1\n",
          "line 5: \"from\" is not a number" },
        { "nudge-calendar-request 1\nsection\tt\nsource\t/a\nzone\tUTC\nfrom\t"
          "9223372036854775808\n", "line 5: \"from\" is not a number" },
        { "nudge-calendar-request 1\nsection\tt\nsource\t/a\nzone\tUTC\nfrom\t5\nto\t5\n",
          "line 6: \"to\" is not after \"from\"" },
        { "nudge-calendar-request 1\nsection\tt\nsource\t/a\nzone\tUTC\nfrom\t5\nto\t6\n"
          "duration\t0\n", "line 7: \"duration\" is not a number in its range" },
        { "nudge-calendar-request 1\nsection\tt\xff\n", "line 2: bad text" },
        { "nudge-calendar-request 1\nsection\tt\x7f\n", "line 2: bad text" },
        { "nudge-calendar-request 1\nsectionsectionsection\tt\n", "line 2: unknown line" },
};

static void test_request_parse_rejects(void)
{
        for (size_t i = 0; i < G_N_ELEMENTS(bad_requests); i++) {
                CalRequest *r = NULL;
                g_autofree char *why = NULL;
                const Bad *b = &bad_requests[i];
                int ret = calreq_parse_buf(b->text, strlen(b->text), &r, &why);
                if (ret != -EBADMSG || r || !why || !strstr(why, b->why))
                        g_error("case %zu: %d, why \"%s\", want \"%s\"", i, ret, why, b->why);
        }
        /* A NUL byte, and the bound. */
        const char nul[] = "nudge-calendar-request 1\nsection\tt\0x\n";
        CalRequest *r = NULL;
        g_autofree char *why = NULL;
        g_assert_cmpint(calreq_parse_buf(nul, sizeof nul - 1, &r, &why), ==, -EBADMSG);
        g_clear_pointer(&why, g_free);
        /* A NUL byte inside a key ("reason\0..." must not read as "reason"). */
        const char nul_key[] = "nudge-calendar-request 1\nsection\0x\tt\n";
        g_clear_pointer(&why, g_free);
        g_assert_cmpint(calreq_parse_buf(nul_key, sizeof nul_key - 1, &r, &why), ==, -EBADMSG);
        g_assert_nonnull(strstr(why, "line 2: unknown line"));
        g_clear_pointer(&why, g_free);
        g_autofree char *big = g_strnfill(CALREQ_MAX_BYTES + 1, 'a');
        g_assert_cmpint(calreq_parse_buf(big, strlen(big), &r, &why), ==, -EBADMSG);
        g_assert_nonnull(strstr(why, "larger than"));

        /* 64 match lines are fine, 65 are not. */
        g_autoptr(GString) s = g_string_new(REQ_HEAD);
        for (guint k = 0; k < CALREQ_MAX_MATCH; k++)
                g_string_append(s, "match\tx\n");
        g_string_append(s, "fetch\tcache\nend\n");
        g_autoptr(CalRequest) ok = NULL;
        g_clear_pointer(&why, g_free);
        g_assert_cmpint(calreq_parse_buf(s->str, s->len, &ok, &why), ==, 0);
        g_string_insert(s, strlen(REQ_HEAD), "match\tx\n");
        g_assert_cmpint(calreq_parse_buf(s->str, s->len, &r, &why), ==, -EBADMSG);
        g_assert_nonnull(strstr(why, "more than 64 match lines"));
}

static void test_reply_round_trip(void)
{
        const char *text = REPLY_HEAD LIST;
        g_autoptr(CalReply) r = NULL;
        g_autofree char *why = NULL;
        g_assert_cmpint(calreply_parse_buf(text, strlen(text), &r, &why), ==, 0);
        g_assert_true(r->ok);
        g_assert_cmpint(r->origin, ==, CALORIGIN_FETCHED);
        g_assert_cmpint(r->refresh, ==, 3600);
        g_assert_cmpint(r->http, ==, 200);
        g_assert_cmpint(r->auth, ==, CALAUTH_NONE);
        g_assert_cmpstr(r->reason, ==, "");
        g_assert_cmpuint(r->list->sessions->len, ==, 1);
        g_autofree char *again = calreply_format(r);
        g_assert_cmpstr(again, ==, text);

        const char *failed = "nudge-calendar-reply 1\nresult\tfailed\norigin\tnone\nrefresh\t0\n"
                             "http\t401\nauth\tneeded\nreason\tt (host): needs a password\nend\n";
        g_autoptr(CalReply) f = NULL;
        g_assert_cmpint(calreply_parse_buf(failed, strlen(failed), &f, &why), ==, 0);
        g_assert_false(f->ok);
        g_assert_null(f->list);
        g_assert_cmpint(f->auth, ==, CALAUTH_NEEDED);
        g_autofree char *f_text = calreply_format(f);
        g_assert_cmpstr(f_text, ==, failed);
}

/* The writer cleans texts: controls become blanks, a long reason is cut. */
static void test_reply_format_cleans(void)
{
        CalReply r = { .ok = false, .origin = CALORIGIN_NONE, .auth = CALAUTH_REFUSED };
        r.reason = g_strdup("a\tb\nc\x1b" "d\xc2\x85" "e\xff");
        g_autofree char *text = calreply_format(&r);
        g_assert_nonnull(strstr(text, "\nreason\ta b c d e\xef\xbf\xbd\nend\n"));
        g_free(r.reason);
        r.reason = g_strnfill(CALREQ_MAX_TEXT + 100, 'x');
        g_autofree char *longer = calreply_format(&r);
        g_autoptr(CalReply) back = NULL;
        g_autofree char *why = NULL;
        g_assert_cmpint(calreply_parse_buf(longer, strlen(longer), &back, &why), ==, 0);
        g_assert_cmpuint(strlen(back->reason), ==, CALREQ_MAX_TEXT);
        g_free(r.reason);
        /* ok without a list is no reply. */
        r.ok = true;
        r.origin = CALORIGIN_FILE;
        r.reason = NULL;
        g_assert_null(calreply_format(&r));
}

static const Bad bad_replies[] = {
        { "nudge-calendar-reply 1\nresult\tok\norigin\tfetched\nrefresh\t0\nhttp\t200\n"
          "auth\tnone\nreason\t\nend\n", "the session list after line 8" },
        { REPLY_HEAD "nudge-calendar 1\nS\t150\t160\t-\tEurope/Berlin\tu1\tTherapy\n",
          "the session list after line 8: no T line" },
        { "nudge-calendar-reply 1\nresult\tfailed\norigin\tnone\nrefresh\t0\nhttp\t0\n"
          "auth\tnone\nreason\tx\nend\n" LIST, "line 9: text after \"end\" of a failed reply" },
        { "nudge-calendar-reply 1\nresult\tok\norigin\tnone\n", "line 3: origin \"none\"" },
        { "nudge-calendar-reply 1\nresult\tfailed\norigin\tcache\n", "line 3: origin \"none\"" },
        { "nudge-calendar-reply 1\nresult\tmaybe\n", "line 2: unknown result" },
        { "nudge-calendar-reply 1\nresult\tok\norigin\tweb\n", "line 3: unknown origin" },
        { "nudge-calendar-reply 1\nresult\tok\norigin\tfile\nrefresh\t-1\n",
          "line 4: \"refresh\" is not a number" },
        { "nudge-calendar-reply 1\nresult\tok\norigin\tfile\nrefresh\t0\nhttp\t1000\n",
          "line 5: \"http\" is not a number" },
        { "nudge-calendar-reply 1\nresult\tok\norigin\tfile\nrefresh\t0\nhttp\t0\nauth\tyes\n",
          "line 6: unknown auth" },
        { "nudge-calendar-reply 1\nresult\tok\norigin\tfile\nrefresh\t0\nhttp\t0\nauth\tnone\n"
          "reason\ta\x01\n", "line 7: bad text" },
        { "nudge-calendar-reply 1\nresult\tok\norigin\tfile\nrefresh\t0\nhttp\t0\nauth\tnone\n"
          "reason\t\nend\tx\n", "line 8: \"end\" expected" },
        { "nudge-calendar-request 1\n", "line 1: not" },
};

static void test_reply_parse_rejects(void)
{
        for (size_t i = 0; i < G_N_ELEMENTS(bad_replies); i++) {
                CalReply *r = NULL;
                g_autofree char *why = NULL;
                const Bad *b = &bad_replies[i];
                int ret = calreply_parse_buf(b->text, strlen(b->text), &r, &why);
                if (ret != -EBADMSG || r || !why || !strstr(why, b->why))
                        g_error("case %zu: %d, why \"%s\", want \"%s\"", i, ret, why, b->why);
        }
}

int main(int argc, char **argv)
{
        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/calreq/request/round-trip", test_request_round_trip);
        g_test_add_func("/calreq/request/format-refuses", test_request_format_refuses);
        g_test_add_func("/calreq/request/parse-rejects", test_request_parse_rejects);
        g_test_add_func("/calreq/reply/round-trip", test_reply_round_trip);
        g_test_add_func("/calreq/reply/format-cleans", test_reply_format_cleans);
        g_test_add_func("/calreq/reply/parse-rejects", test_reply_parse_rejects);
        return g_test_run();
}
