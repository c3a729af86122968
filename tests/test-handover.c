/* SPDX-License-Identifier: MIT */
/* Unit tests of the hand-over list: the round trip, and every deviation rejected. */
#include "config.h"

#include <errno.h>
#include <glib.h>
#include <string.h>

#include "handover.h"

static const char good[] = "nudge-calendar 1\n"
                           "S\t100\t3100\t-\tEurope/Berlin\tuid-1@example.org\tTherapy\n"
                           "S\t100\t200\t50\tAmerica/New_York\tuid-2\t\n"
                           "S\t-5\t0\t-7\tEtc/GMT+5\tu\tÄrztin – Sitzung\n"
                           "P\tDentist\tunknown time zone \"X\"\n"
                           "T\t3\t1\t2\t0\n";

static void test_parse_good(void)
{
        g_autoptr(Handover) h = NULL;
        g_autofree char *why = NULL;
        const char *text = "nudge-calendar 1\n"
                           "S\t-5\t0\t-7\tEtc/GMT+5\tu\tÄrztin – Sitzung\n"
                           "S\t100\t3100\t-\tEurope/Berlin\tuid-1@example.org\tTherapy\n"
                           "S\t100\t200\t50\tAmerica/New_York\tuid-2\t\n"
                           "P\tDentist\tunknown time zone \"X\"\n"
                           "T\t3\t1\t2\t0\n";
        g_assert_cmpint(handover_parse_buf(text, strlen(text), &h, &why), ==, 0);
        g_assert_null(why);
        g_assert_cmpuint(h->sessions->len, ==, 3);
        HandoverSession *s = &g_array_index(h->sessions, HandoverSession, 1);
        g_assert_cmpint(s->start, ==, 100);
        g_assert_cmpint(s->end, ==, 3100);
        g_assert_cmpint(s->rid, ==, HANDOVER_NO_RID);
        g_assert_cmpstr(s->zone, ==, "Europe/Berlin");
        g_assert_cmpstr(s->uid, ==, "uid-1@example.org");
        g_assert_cmpstr(s->summary, ==, "Therapy");
        s = &g_array_index(h->sessions, HandoverSession, 2);
        g_assert_cmpint(s->rid, ==, 50);
        g_assert_cmpstr(s->summary, ==, "");
        g_assert_cmpuint(h->problems->len, ==, 1);
        g_assert_cmpuint(h->allday, ==, 2);
        /* Written again, it is version 2: each event's fields once, each session by number. */
        const char *v2 = "nudge-calendar 2\n"
                         "E\tEtc/GMT+5\tu\tÄrztin – Sitzung\n"
                         "R\t-5\t0\t-7\t0\n"
                         "E\tEurope/Berlin\tuid-1@example.org\tTherapy\n"
                         "R\t100\t3100\t-\t1\n"
                         "E\tAmerica/New_York\tuid-2\t\n"
                         "R\t100\t200\t50\t2\n"
                         "P\tDentist\tunknown time zone \"X\"\n"
                         "T\t3\t1\t2\t0\n";
        g_autofree char *again = handover_format(h);
        g_assert_cmpstr(again, ==, v2);
        /* Which reads back to the same list, and formats to itself. */
        g_autoptr(Handover) h2 = NULL;
        g_assert_cmpint(handover_parse_buf(v2, strlen(v2), &h2, &why), ==, 0);
        g_assert_cmpuint(h2->sessions->len, ==, 3);
        for (guint i = 0; i < 3; i++) {
                HandoverSession *a = &g_array_index(h->sessions, HandoverSession, i);
                HandoverSession *b = &g_array_index(h2->sessions, HandoverSession, i);
                g_assert_cmpint(a->start, ==, b->start);
                g_assert_cmpint(a->end, ==, b->end);
                g_assert_cmpint(a->rid, ==, b->rid);
                g_assert_cmpstr(a->zone, ==, b->zone);
                g_assert_cmpstr(a->uid, ==, b->uid);
                g_assert_cmpstr(a->summary, ==, b->summary);
        }
        g_assert_cmpuint(h2->allday, ==, 2);
        g_autofree char *third = handover_format(h2);
        g_assert_cmpstr(third, ==, v2);
        /* `good` lists the sessions out of order: rejected. */
        g_autoptr(Handover) bad = NULL;
        g_assert_cmpint(handover_parse_buf(good, strlen(good), &bad, NULL), ==, -EBADMSG);
        g_assert_null(bad);
}

/* The instances of one event share one E line; a retitled instance has its own. */
static void test_events_shared(void)
{
        g_autoptr(Handover) h = handover_new();
        for (int i = 0; i < 3; i++)
                g_assert_cmpint(handover_add_session(h, 1000 * i, 1000 * i + 50, HANDOVER_NO_RID,
                                                     "Europe/Berlin", "weekly@x", "Therapy"), ==, 0);
        g_assert_cmpint(handover_add_session(h, 1500, 1550, 1000, "Europe/Berlin", "weekly@x",
                                             "Therapy (moved)"), ==, 0);
        g_assert_cmpint(handover_add_session(h, 1200, 1250, HANDOVER_NO_RID, "UTC", "other@x",
                                             "Therapy"), ==, 0);
        g_autofree char *text = handover_format(h);
        g_assert_cmpstr(text, ==,
                        "nudge-calendar 2\n"
                        "E\tEurope/Berlin\tweekly@x\tTherapy\n"
                        "R\t0\t50\t-\t0\n"
                        "R\t1000\t1050\t-\t0\n"
                        "E\tUTC\tother@x\tTherapy\n"
                        "R\t1200\t1250\t-\t1\n"
                        "E\tEurope/Berlin\tweekly@x\tTherapy (moved)\n"
                        "R\t1500\t1550\t1000\t2\n"
                        "R\t2000\t2050\t-\t0\n"
                        "T\t5\t0\t0\t0\n");
        g_autoptr(Handover) back = NULL;
        g_assert_cmpint(handover_parse_buf(text, strlen(text), &back, NULL), ==, 0);
        const HandoverSession *s = &g_array_index(back->sessions, HandoverSession, 4);
        g_assert_cmpint(s->start, ==, 2000);
        g_assert_cmpstr(s->uid, ==, "weekly@x");
        g_assert_cmpstr(s->summary, ==, "Therapy");
        g_assert_cmpstr(g_array_index(back->sessions, HandoverSession, 3).summary, ==,
                        "Therapy (moved)");
}

/* A list parsed in place, from the middle of a buffer it takes; its strings outlive the
 * caller's references as long as one is held. */
static void test_parse_owned(void)
{
        const char text[] = "header line\nnudge-calendar 2\n"
                            "E\tEurope/Berlin\tuid-1\tTh\xc3\xa9rapie \xe2\x80\x94 1\n"
                            "R\t100\t200\t-\t0\n"
                            "P\tDentist\tno DTSTART\nT\t1\t1\t0\t0\n";
        char *block = g_memdup2(text, sizeof text);
        Handover *h = NULL;
        g_assert_cmpint(handover_parse_owned(block, 12, sizeof text - 1 - 12, &h, NULL), ==, 0);
        const HandoverSession *s = &g_array_index(h->sessions, HandoverSession, 0);
        g_assert_cmpstr(s->zone, ==, "Europe/Berlin");
        g_assert_cmpstr(s->uid, ==, "uid-1");
        g_assert_cmpstr(s->summary, ==, "Th\xc3\xa9rapie \xe2\x80\x94 1");
        g_assert_cmpstr(g_array_index(h->problems, HandoverProblem, 0).reason, ==, "no DTSTART");
        Handover *kept = handover_ref(h);
        handover_unref(h);
        g_assert_cmpstr(g_array_index(kept->sessions, HandoverSession, 0).uid, ==, "uid-1");
        g_autofree char *again = handover_format(kept);
        g_assert_cmpstr(again, ==, text + 12);
        handover_unref(kept);
        /* A failure frees the block too (the sanitizer run sees a leak otherwise). */
        h = NULL;
        g_assert_cmpint(handover_parse_owned(g_strdup("garbage\n"), 0, 8, &h, NULL), ==, -EBADMSG);
        g_assert_null(h);
}

static void test_parse_bad(void)
{
        static const char *const bad[] = {
                "",
                "nudge-calendar 3\nT\t0\t0\t0\t0\n",                 /* unknown version */
                "nudge-calendar 0\nT\t0\t0\t0\t0\n",                 /* unknown version */
                /* Version 2: E and R lines, no S line; an R line names an earlier E. */
                "nudge-calendar 2\nS\t1\t2\t-\tUTC\tu\ts\nT\t1\t0\t0\t0\n",    /* S in 2 */
                "nudge-calendar 1\nE\tUTC\tu\ts\nR\t1\t2\t-\t0\nT\t1\t0\t0\t0\n", /* E, R in 1 */
                "nudge-calendar 2\nR\t1\t2\t-\t0\nE\tUTC\tu\ts\nT\t1\t0\t0\t0\n", /* E after */
                "nudge-calendar 2\nE\tUTC\tu\ts\nR\t1\t2\t-\t1\nT\t1\t0\t0\t0\n", /* no E 1 */
                "nudge-calendar 2\nE\tUTC\tu\ts\nR\t1\t2\t-\t-1\nT\t1\t0\t0\t0\n",
                "nudge-calendar 2\nE\tUTC\tu\ts\nR\t1\t2\t-\t00\nT\t1\t0\t0\t0\n",
                "nudge-calendar 2\nE\tUTC\tu\ts\nR\t1\t2\t-\t\nT\t1\t0\t0\t0\n",
                "nudge-calendar 2\nE\tUTC\tu\ts\nR\t1\t2\t-\nT\t1\t0\t0\t0\n",    /* 4 fields */
                "nudge-calendar 2\nE\tUTC\tu\ts\nR\t1\t2\t-\t0\t0\nT\t1\t0\t0\t0\n",
                "nudge-calendar 2\nE\tUTC\tu\nR\t1\t2\t-\t0\nT\t1\t0\t0\t0\n",     /* E, 3 */
                "nudge-calendar 2\nE\tUTC\tu\ts\tx\nR\t1\t2\t-\t0\nT\t1\t0\t0\t0\n",
                "nudge-calendar 2\nE\t../x\tu\ts\nR\t1\t2\t-\t0\nT\t1\t0\t0\t0\n",
                "nudge-calendar 2\nE\tUTC\t\ts\nR\t1\t2\t-\t0\nT\t1\t0\t0\t0\n",   /* no uid */
                "nudge-calendar 2\nE\tUTC\tu\ts\xc2\x85\nR\t1\t2\t-\t0\nT\t1\t0\t0\t0\n",
                "nudge-calendar 2\nE\tUTC\tu\ts\nR\t2\t1\t-\t0\nT\t1\t0\t0\t0\n", /* end<start */
                "nudge-calendar 2\nE\tUTC\tu\ts\nR\t1\t2\tx\t0\nT\t1\t0\t0\t0\n", /* rid */
                "nudge-calendar 2\nE\tUTC\tu\ts\nR\t2\t3\t-\t0\nR\t1\t3\t-\t0\n"
                "T\t2\t0\t0\t0\n",                                            /* order */
                "nudge-calendar 2\nE\tUTC\tu\ts\nE\tUTC\tu\tt\nR\t1\t3\t-\t0\n"
                "R\t1\t3\t-\t1\nT\t2\t0\t0\t0\n",                                /* twice */
                "nudge-calendar 2\nE\tUTC\tu\ts\nP\tx\ty\nR\t1\t2\t-\t0\nT\t1\t1\t0\t0\n",
                "nudge-calendar 2\nP\tx\ty\nE\tUTC\tu\ts\nT\t0\t1\t0\t0\n",   /* E after P */
                "nudge-calendar 2\nE\tUTC\tu\ts\nR\t1\t2\t-\t0\nT\t2\t0\t0\t0\n", /* count */
                /* One spelling: an E line right before its first session, none twice. */
                "nudge-calendar 2\nE\tUTC\tu\ts\nT\t0\t0\t0\t0\n",                    /* unused */
                "nudge-calendar 2\nE\tUTC\tu\ts\nE\tUTC\tv\ts\nR\t1\t2\t-\t1\n"
                "R\t1\t2\t-\t0\nT\t2\t0\t0\t0\n",                                    /* not next */
                "nudge-calendar 2\nE\tUTC\tu\ts\nR\t1\t2\t-\t0\nE\tUTC\tu\ts\n"
                "R\t3\t4\t-\t1\nT\t2\t0\t0\t0\n",                                    /* twice */
                "nudge-calendar 1\n",                                /* no T line: cut */
                "nudge-calendar 1\nT\t0\t0\t0\t0",                   /* no final line end */
                "nudge-calendar 1\r\nT\t0\t0\t0\t0\n",               /* CRLF */
                "nudge-calendar 1\nT\t1\t0\t0\t0\n",                 /* count mismatch */
                "nudge-calendar 1\nT\t0\t0\t0\t0\nT\t0\t0\t0\t0\n",  /* after T */
                "nudge-calendar 1\n\nT\t0\t0\t0\t0\n",               /* blank line */
                "nudge-calendar 1\nX\t1\nT\t0\t0\t0\t0\n",           /* unknown line */
                "nudge-calendar 1\nS\t1\t2\t-\tUTC\tu\nT\t1\t0\t0\t0\n",         /* 6 fields */
                "nudge-calendar 1\nS\t1\t2\t-\tUTC\tu\ts\tx\nT\t1\t0\t0\t0\n",   /* 8 fields */
                "nudge-calendar 1\nS\t2\t1\t-\tUTC\tu\ts\nT\t1\t0\t0\t0\n",      /* end < start */
                "nudge-calendar 1\nS\t01\t2\t-\tUTC\tu\ts\nT\t1\t0\t0\t0\n",     /* leading 0 */
                "nudge-calendar 1\nS\t+1\t2\t-\tUTC\tu\ts\nT\t1\t0\t0\t0\n",     /* plus */
                "nudge-calendar 1\nS\t-0\t2\t-\tUTC\tu\ts\nT\t1\t0\t0\t0\n",     /* -0 */
                "nudge-calendar 1\nS\t1\t99999999999999999999\t-\tUTC\tu\ts\nT\t1\t0\t0\t0\n",
                "nudge-calendar 1\nS\t1\t2\tx\tUTC\tu\ts\nT\t1\t0\t0\t0\n",      /* rid */
                "nudge-calendar 1\nS\t1\t2\t-\t../etc\tu\ts\nT\t1\t0\t0\t0\n",   /* zone */
                "nudge-calendar 1\nS\t1\t2\t-\tA B\tu\ts\nT\t1\t0\t0\t0\n",      /* zone */
                "nudge-calendar 1\nS\t1\t2\t-\t\tu\ts\nT\t1\t0\t0\t0\n",         /* no zone */
                "nudge-calendar 1\nS\t1\t2\t-\tUTC\t\ts\nT\t1\t0\t0\t0\n",       /* no uid */
                "nudge-calendar 1\nS\t1\t2\t-\tUTC\tu\ts\x01\nT\t1\t0\t0\t0\n",  /* control */
                "nudge-calendar 1\nS\t1\t2\t-\tUTC\tu\ts\x7f\nT\t1\t0\t0\t0\n",  /* DEL */
                "nudge-calendar 1\nS\t1\t2\t-\tUTC\tu\ts\xc2\x85\nT\t1\t0\t0\t0\n", /* C1 */
                "nudge-calendar 1\nS\t1\t2\t-\tUTC\tu\t\xc3\x28\nT\t1\t0\t0\t0\n", /* UTF-8 */
                /* Bad UTF-8 after whole words of ASCII, cut before a tab, overlong, a
                 * surrogate; C1 in a UID, and a lone C2 at a field's end. */
                "nudge-calendar 1\nS\t1\t2\t-\tUTC\tu\tSession with somebody \xff\nT\t1\t0\t0\t0\n",
                "nudge-calendar 1\nS\t1\t2\t-\tUTC\tu\xe2\x80\ts\nT\t1\t0\t0\t0\n",
                "nudge-calendar 1\nS\t1\t2\t-\tUTC\tu\t\xc0\xaf\nT\t1\t0\t0\t0\n",
                "nudge-calendar 1\nS\t1\t2\t-\tUTC\tu\t\xed\xa0\x80\nT\t1\t0\t0\t0\n",
                "nudge-calendar 1\nS\t1\t2\t-\tUTC\tu\xc2\x9f\ts\nT\t1\t0\t0\t0\n",
                "nudge-calendar 1\nS\t1\t2\t-\tUTC\tu\ts\xc2\nT\t1\t0\t0\t0\n",
                "nudge-calendar 1\nS\t2\t3\t-\tUTC\tu\ts\nS\t1\t3\t-\tUTC\tu\ts\nT\t2\t0\t0\t0\n",
                "nudge-calendar 1\nS\t1\t3\t-\tUTC\tu\ts\nS\t1\t3\t-\tUTC\tu\ts\nT\t2\t0\t0\t0\n",
                "nudge-calendar 1\nP\tx\ty\nS\t1\t2\t-\tUTC\tu\ts\nT\t1\t1\t0\t0\n",
                "nudge-calendar 1\nP\t\ty\nT\t0\t1\t0\t0\n",        /* empty name */
                "nudge-calendar 1\nP\tx\t\nT\t0\t1\t0\t0\n",        /* empty reason */
                "nudge-calendar 1\nP\tx\nT\t0\t1\t0\t0\n",          /* 2 fields */
                "nudge-calendar 1\nT\t0\t0\t0\n",                   /* short T */
                "nudge-calendar 1\nT\t0\t0\t0\t-1\n",               /* negative */
                "nudge-calendar 1\nT\t0\t0\t0\t0\t0\n",             /* long T */
                "nudge-calendar 1 \nT\t0\t0\t0\t0\n",               /* header blank */
        };
        for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
                Handover *h = NULL;
                g_autofree char *why = NULL;
                int r = handover_parse_buf(bad[i], strlen(bad[i]), &h, &why);
                if (r != -EBADMSG || h)
                        g_error("accepted case %zu: \"%s\"", i, bad[i]);
                g_assert_nonnull(why);
        }
        /* A NUL byte, and a text over the byte cap. */
        const char nul[] = "nudge-calendar 1\nS\t1\t2\t-\tUTC\tu\0\ts\nT\t1\t0\t0\t0\n";
        Handover *h = NULL;
        g_assert_cmpint(handover_parse_buf(nul, sizeof nul - 1, &h, NULL), ==, -EBADMSG);
        g_autofree char *big = g_malloc(HANDOVER_MAX_BYTES + 1);
        memset(big, 'a', HANDOVER_MAX_BYTES + 1);
        g_assert_cmpint(handover_parse_buf(big, HANDOVER_MAX_BYTES + 1, &h, NULL), ==, -EBADMSG);
        g_assert_null(h);
}

/* The writer cleans what the reader would refuse, so its output always parses. */
static void test_format_cleans(void)
{
        g_autoptr(Handover) h = handover_new();
        g_autofree char *longtext = g_strnfill(300, 'x');
        GString *ae = g_string_new(NULL);
        for (int i = 0; i < 150; i++)
                g_string_append(ae, "ä"); /* 300 bytes: cut at 200, between characters */
        g_assert_cmpint(handover_add_session(h, 10, 20, HANDOVER_NO_RID, "UTC", "b",
                                             "tab\there\nnew\rline\x7f\xc2\x85"), ==, 0);
        g_assert_cmpint(handover_add_session(h, 10, 20, 5, "UTC", "a", longtext), ==, 0);
        g_assert_cmpint(handover_add_session(h, 5, 20, 5, "UTC", "c", ae->str), ==, 0);
        g_assert_cmpint(handover_add_session(h, 5, 20, 5, "UTC", "c", "twice"), ==, 0);
        g_assert_cmpint(handover_add_session(h, 5, 20, 5, "UTC", "d", "\xff bad"), ==, 0);
        g_assert_cmpint(handover_add_session(h, 20, 10, 5, "UTC", "e", "x"), ==, -EINVAL);
        g_assert_cmpint(handover_add_session(h, 1, 10, 5, "UTC", "", "x"), ==, -EINVAL);
        g_assert_cmpint(handover_add_session(h, 1, 10, 5, "no zone", "f", "x"), ==, -EINVAL);
        g_assert_cmpint(handover_add_session(h, 1, 10, 5, "UTC", "g\th", "x"), ==, -EINVAL);
        handover_add_problem(h, "\n\n", "\t");
        handover_add_problem(h, "Name", longtext);
        g_string_free(ae, TRUE);

        g_autofree char *text = handover_format(h);
        g_autoptr(Handover) back = NULL;
        g_autofree char *why = NULL;
        g_assert_cmpint(handover_parse_buf(text, strlen(text), &back, &why), ==, 0);
        g_assert_cmpuint(back->sessions->len, ==, 4); /* "c" at 5 once */
        HandoverSession *s = &g_array_index(back->sessions, HandoverSession, 0);
        g_assert_cmpstr(s->uid, ==, "c");
        g_assert_cmpuint(strlen(s->summary), ==, 200);
        s = &g_array_index(back->sessions, HandoverSession, 3);
        g_assert_cmpstr(s->uid, ==, "b");
        g_assert_cmpstr(s->summary, ==, "tab here new line  ");
        g_assert_cmpuint(strlen(g_array_index(back->sessions, HandoverSession, 2).summary), ==,
                         200);
        g_assert_cmpuint(back->problems->len, ==, 2);
        g_assert_cmpstr(g_array_index(back->problems, HandoverProblem, 0).name, ==, "(an event)");
}

static void test_caps(void)
{
        g_autoptr(Handover) h = handover_new();
        for (unsigned i = 0; i < HANDOVER_MAX_SESSIONS; i++)
                g_assert_cmpint(handover_add_session(h, i, i + 3000, HANDOVER_NO_RID,
                                                     "Europe/Berlin", "uid", "Therapy"), ==, 0);
        g_assert_cmpint(handover_add_session(h, 0, 1, HANDOVER_NO_RID, "UTC", "u", ""), ==,
                        -E2BIG);
        for (unsigned i = 0; i < HANDOVER_MAX_PROBLEMS + 7; i++)
                handover_add_problem(h, "x", "y");
        g_assert_cmpuint(h->problems->len, ==, HANDOVER_MAX_PROBLEMS);
        g_assert_cmpuint(h->problems_left_out, ==, 7);
        g_autofree char *text = handover_format(h);
        g_assert_cmpuint(strlen(text), <=, HANDOVER_MAX_BYTES);
        g_autoptr(Handover) back = NULL;
        g_assert_cmpint(handover_parse_buf(text, strlen(text), &back, NULL), ==, 0);
        g_assert_cmpuint(back->problems_left_out, ==, 7);
        /* One session more than the cap is refused. */
        GString *more = g_string_new(HANDOVER_MAGIC_1 "\n");
        for (unsigned i = 0; i <= HANDOVER_MAX_SESSIONS; i++)
                g_string_append_printf(more, "S\t%u\t%u\t-\tUTC\tu\t\n", i, i);
        g_string_append_printf(more, "T\t%u\t0\t0\t0\n", HANDOVER_MAX_SESSIONS + 1);
        Handover *no = NULL;
        g_autofree char *why = NULL;
        g_assert_cmpint(handover_parse_buf(more->str, more->len, &no, &why), ==, -EBADMSG);
        g_assert_nonnull(strstr(why, "more than"));
        g_string_truncate(more, 0);
        g_string_append(more, HANDOVER_MAGIC "\nE\tUTC\tu\t\n");
        for (unsigned i = 0; i <= HANDOVER_MAX_SESSIONS; i++)
                g_string_append_printf(more, "R\t%u\t%u\t-\t0\n", i, i);
        g_string_append_printf(more, "T\t%u\t0\t0\t0\n", HANDOVER_MAX_SESSIONS + 1);
        g_clear_pointer(&why, g_free);
        g_assert_cmpint(handover_parse_buf(more->str, more->len, &no, &why), ==, -EBADMSG);
        g_assert_nonnull(strstr(why, "more than"));
        g_string_free(more, TRUE);
}

/* Long sessions fill the bytes before the count: the list still fits its own format. */
static void test_byte_cap(void)
{
        g_autoptr(Handover) h = handover_new();
        char uid[HANDOVER_MAX_UID + 1];
        memset(uid, 'u', HANDOVER_MAX_UID);
        uid[HANDOVER_MAX_UID] = '\0';
        char summary[HANDOVER_MAX_TEXT + 1];
        memset(summary, 's', HANDOVER_MAX_TEXT);
        summary[HANDOVER_MAX_TEXT] = '\0';
        /* The worst case: each session an event of its own, every number 20 characters. */
        unsigned n = 0;
        for (;; n++) {
                g_snprintf(uid + HANDOVER_MAX_UID - 8, 9, "%08u", n);
                int64_t start = INT64_MIN + 1000000 + (int64_t)n;
                if (handover_add_session(h, start, start + 60, INT64_MIN + 1,
                                         "America/Argentina/Buenos_Aires", uid, summary) != 0)
                        break;
        }
        g_assert_cmpuint(n, <, HANDOVER_MAX_SESSIONS);
        g_assert_cmpuint(n, >, 10000);
        for (unsigned i = 0; i < HANDOVER_MAX_PROBLEMS; i++)
                handover_add_problem(h, summary, summary);
        g_autofree char *text = handover_format(h);
        g_assert_cmpuint(strlen(text), <=, HANDOVER_MAX_BYTES);
        g_autoptr(Handover) back = NULL;
        g_assert_cmpint(handover_parse_buf(text, strlen(text), &back, NULL), ==, 0);
        g_assert_cmpuint(back->sessions->len, ==, n);
}

int main(int argc, char **argv)
{
        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/handover/parse-good", test_parse_good);
        g_test_add_func("/handover/parse-owned", test_parse_owned);
        g_test_add_func("/handover/events-shared", test_events_shared);
        g_test_add_func("/handover/parse-bad", test_parse_bad);
        g_test_add_func("/handover/format-cleans", test_format_cleans);
        g_test_add_func("/handover/caps", test_caps);
        g_test_add_func("/handover/byte-cap", test_byte_cap);
        return g_test_run();
}
