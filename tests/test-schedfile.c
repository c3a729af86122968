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

/* The messages below, shared with the table. */
#define HINT_LEAD "write lead times like 1w, 1d, 2h, 30m, 1h30m or 0m, at most 4w"
#define HINT_DATE "write dates as YYYY-MM-DD (2026-12-01)"
#define HINT_TIME "write the time as HH:MM, 24-hour (14:00, 09:30)"
#define BAD_SECTION "is not a valid section name: use letters, digits, '-', '_' and '.'"
#define BEFORE_SECTION "comes before any [section]: put it under [defaults] or under a session's header"
#define NO_KIND "says not when it takes place: add weekly (Tue 14:00), monthly (2nd Wed 17:00), " \
                "once (2026-12-02 09:30) or calendar (~/calendar.ics, or a link)"
#define NOT_BOOL "is not on or off (yes/no, true/false and 1/0 work too)"
#define NOT_DURATION "is not a duration: use 1m to 12h, as in 50m, 1h or 1h30m"
#define NOT_CHECKIN "is not a check-in time: use off, or 0m to 12h after the session's end, as in 30m or 1h"
#define UNKNOWN_TZ "use an IANA name such as Europe/Berlin or America/New_York (listed under " \
                   "/usr/share/zoneinfo)"
#define NOT_ONCE "is not a date and time: write 'YYYY-MM-DD HH:MM' (2026-12-02 09:30), several " \
                 "separated by commas"
#define WEEKDAYS "use Mon, Tue, Wed, Thu, Fri, Sat, Sun or the full English names"
#define CAL_EMPTY "calendar is empty: give it an .ics file, a folder of .ics files or a link " \
                  "(https://...), or remove the line"
#define CAL_RELATIVE "is a relative path: write it from the root (/home/sam/calendar.ics) or " \
                     "from the home folder (~/calendar.ics)"
#define CAL_WITH "already has calendar (line 2): a session comes from a calendar or from " \
                 "weekly, monthly or once, not both"
#define MATCH_EMPTY "match has an empty phrase: write words or phrases between the commas, as " \
                    "in 'Dr. Rivera, therapy', or remove the line"
#define NOT_REFRESH "is not a refresh interval: use 5m to 1w, as in 30m, 2h or 1d"
#define REFRESH_FILE "refresh is only for calendar links: a calendar file or folder is read " \
                     "again whenever it changes; remove refresh"
#define CAL_HTTP_FOR(host) "plain http:// would send the calendar unprotected over the network: " \
                           "use https:// for " host " (http:// is only for this machine: " \
                           "localhost, 127.0.0.1, [::1])"
#define CAL_PASSWORD_FOR(section) "the calendar link holds a password, which never goes in the " \
                                  "schedule file: remove ':' and the password from the link, " \
                                  "keep the user name, and run 'nudge password " section "'"
#define CAL_NOT_FOR(key) "does not apply to sessions from a calendar (line 2): the calendar " \
                         "says when they take place; remove " key ", or leave dates out with skip"
#define BAD_LINK "the calendar link is not a valid link: copy it again from the calendar's " \
                 "sharing or subscription settings"
#define CAL_SECRET "the calendar link is a secret, and other users can read %s: run chmod 600 %s"

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

#define L(x) x, sizeof(x) - 1

static const struct {
        const char *name;
        const char *ini;
        size_t len;
        const char *expect; /* the whole of schedfile_errors_format(), "" when valid */
} cases[] = {
        /* ---- lines and sections ---- */
        {"unknown key with a suggestion",
         L("[t]\ntitel = x\nweekly = Tue 14:00\n"),
         "s.ini:2: unknown key 'titel' (did you mean 'title'?)\n"},
        {"unknown keys: suggestions by edit distance, the rest listed",
         L("[t]\nweekly = Tue 14:00\nremnid = 1d\nDuraton = 1h\nzzzzzz = 1\n"),
         "s.ini:3: unknown key 'remnid' (did you mean 'remind'?)\n"
         "s.ini:4: unknown key 'duraton' (did you mean 'duration'?)\n"
         "s.ini:5: unknown key 'zzzzzz': a session takes title, weekly, monthly, once, calendar, "
         "match, refresh, every, start, until, skip, remind, duration, timezone, notes, privacy, "
         "prompt and checkin\n"},
        {"unknown key in [defaults]",
         L("[defaults]\nzzzzzz = 1\n"),
         "s.ini:2: unknown key 'zzzzzz': [defaults] takes remind, duration, timezone, notes, "
         "privacy, prompt and checkin\n"},
        {"key outside a section",
         L("# a comment\nweekly = Tue 14:00\n[t]\nweekly = Tue 14:00\n"),
         "s.ini:2: 'weekly' " BEFORE_SECTION "\n"},
        {"duplicate key, in any case",
         L("[t]\nweekly = Tue 14:00\n\nWeekly = Wed 14:00\n"),
         "s.ini:4: 'weekly' is set a second time in [t] (first on line 2): keep one\n"},
        {"duplicate section, case-insensitive: the header line",
         L("[Therapy]\nweekly = Tue 14:00\n[therapy]\nweekly = Tue 14:00\n"),
         "s.ini:3: section [therapy] appears a second time (first on line 1): keep one and "
         "merge their keys\n"},
        {"duplicate [defaults]",
         L("[defaults]\nremind = 1d\n[DEFAULTS]\nremind = 2d\n"),
         "s.ini:3: section [defaults] appears a second time (first on line 1): keep one and "
         "merge their keys\n"},
        {"bad section names; keys under them are not reported again",
         L("[a b]\nweekly = Tue 14:00\n[a:b]\n[]\n[ok\n[x] junk\n[caf\xc3\xa9]\n[t]\n"
           "weekly = Tue 14:00\n"),
         "s.ini:1: 'a b' " BAD_SECTION "\n"
         "s.ini:3: 'a:b' " BAD_SECTION "\n"
         "s.ini:4: '' " BAD_SECTION "\n"
         "s.ini:5: a section header needs a closing ']', as in [therapy]\n"
         "s.ini:6: unexpected text after the section header\n"
         "s.ini:7: 'caf\xc3\xa9' " BAD_SECTION "\n"},
        {"valid section names: letters, digits, '-', '_', '.'",
         L("[Dr.Rivera_2-b]\nweekly = Tue 14:00\n[ spaced ]\nweekly = Tue 14:00\n"), ""},
        {"missing '='",
         L("[t]\nweekly Tue 14:00\nonce = 2026-12-01 10:00\n"),
         "s.ini:2: expected 'key = value', a [section] header, or a comment starting with '#'\n"},
        {"missing key name, bad key name",
         L("[t]\n= x\nti tle = x\nweekly = Tue 14:00\n"),
         "s.ini:2: a key name is missing before '='\n"
         "s.ini:3: 'ti tle' is not a valid key name\n"},
        {"unterminated double quote",
         L("[t]\ntitle = \"abc\nweekly = Tue 14:00\n"),
         "s.ini:2: the value opens a double quote that is never closed\n"},
        {"unterminated single quote",
         L("[t]\ntitle = 'abc\nweekly = Tue 14:00\n"),
         "s.ini:2: the value opens a single quote that is never closed\n"},
        {"text after the closing quote",
         L("[t]\ntitle = \"abc\" def\nweekly = Tue 14:00\n"),
         "s.ini:2: text after the closing quote: put the whole value inside the quotes, or "
         "start a comment with '#'\n"},
        {"a comment after the closing quote is fine",
         L("[t]\ntitle = \"abc\" # fine\nweekly = Tue 14:00 ; also fine\n"), ""},
        {"CRLF line endings",
         L("[t]\r\ntitle = \"a b\"\r\nweekly = Tue 14:00\r\n\r\n[u]\r\nonce = 2026-12-01 10:00"),
         ""},
        {"CRLF: errors still on the right line",
         L("[t]\r\nweekly = Tue 14:00\r\n\r\nprivacy = maybe\r\n"),
         "s.ini:4: 'maybe' " NOT_BOOL "\n"},
        {"no newline at the end",
         L("[t]\nweekly = Tue 14:00"), ""},
        {"a UTF-8 byte order mark at the start is not part of line 1",
         L("\xef\xbb\xbf[t]\nweekly = Tue 14:00\nprivacy = maybe\n"),
         "s.ini:3: 'maybe' " NOT_BOOL "\n"},
        {"empty file", L(""), ""},
        {"comments and blanks only", L("# c\n; c\n\n   \n\t\n"), ""},
        {"[defaults] only", L("[defaults]\nremind = 2h\ntimezone = UTC\n"), ""},

        /* ---- bytes ---- */
        {"a NUL byte; the other lines are still checked",
         L("[t]\nweekly = Tue 14:00\ntitle = a\0b\nprivacy = x\n"),
         "s.ini:3: holds a NUL byte: the schedule must be plain text\n"
         "s.ini:4: 'x' " NOT_BOOL "\n"},
        {"invalid UTF-8",
         L("[t]\nweekly = Tue 14:00\ntitle = a\xff\xfe" "b\n"),
         "s.ini:3: is not valid UTF-8 (at byte 10 of the line): save the file as UTF-8\n"},
        {"a truncated UTF-8 sequence at the end of a line",
         L("[t]\nweekly = Tue 14:00\ntitle = caf\xc3\n"),
         "s.ini:3: is not valid UTF-8 (at byte 12 of the line): save the file as UTF-8\n"},
        {"Latin-1 in a comment is still invalid UTF-8",
         L("# caf\xe9\n[t]\nweekly = Tue 14:00\n"),
         "s.ini:1: is not valid UTF-8 (at byte 6 of the line): save the file as UTF-8\n"},
        {"overlong encodings and surrogates are invalid UTF-8",
         L("[t]\nweekly = Tue 14:00\ntitle = \xc0\xaf\nprompt = \xed\xa0\x80\n"),
         "s.ini:3: is not valid UTF-8 (at byte 9 of the line): save the file as UTF-8\n"
         "s.ini:4: is not valid UTF-8 (at byte 10 of the line): save the file as UTF-8\n"},

        /* ---- sessions ---- */
        {"no weekly, monthly or once: the header line",
         L("[t]\ntitle = x\n\n[u]\nweekly = Tue 14:00\n"),
         "s.ini:1: [t] " NO_KIND "\n"},
        {"a section with a header only",
         L("[t]"), "s.ini:1: [t] " NO_KIND "\n"},
        {"weekly and monthly and once",
         L("[t]\nweekly = Tue 14:00\nmonthly = 2nd Wed 17:00\nonce = 2026-12-01 10:00\n"),
         "s.ini:3: [t] already has weekly (line 2): a session is weekly, monthly or once, not "
         "several\n"
         "s.ini:4: [t] already has weekly (line 2): a session is weekly, monthly or once, not "
         "several\n"},
        {"session-only keys in [defaults]",
         L("[defaults]\ntitle = x\nweekly = Mon 10:00\nevery = 2\nstart = 2026-01-01\n"
           "until = 2026-02-01\nskip = 2026-01-05\nmonthly = 15 10:00\nonce = 2026-01-01 10:00\n"),
         "s.ini:2: 'title' belongs to a session, not to [defaults]\n"
         "s.ini:3: 'weekly' belongs to a session, not to [defaults]\n"
         "s.ini:4: 'every' belongs to a session, not to [defaults]\n"
         "s.ini:5: 'start' belongs to a session, not to [defaults]\n"
         "s.ini:6: 'until' belongs to a session, not to [defaults]\n"
         "s.ini:7: 'skip' belongs to a session, not to [defaults]\n"
         "s.ini:8: 'monthly' belongs to a session, not to [defaults]\n"
         "s.ini:9: 'once' belongs to a session, not to [defaults]\n"},
        {"bad weekly values",
         L("[t]\nweekly = Tus 25:00\n[u]\nweekly = 14:00\n[v]\nweekly = Tue\n"),
         "s.ini:2: 'Tus' is not a weekday: " WEEKDAYS "\n"
         "s.ini:2: '25:00' is not a time: " HINT_TIME "\n"
         "s.ini:4: weekly needs one or more weekdays and a time, as in 'Tue 14:00' or "
         "'Mon, Thu 09:30'\n"
         "s.ini:6: weekly needs one or more weekdays and a time, as in 'Tue 14:00' or "
         "'Mon, Thu 09:30'\n"},
        {"bad monthly values",
         L("[t]\nmonthly = 6th Wed 17:00\n[u]\nmonthly = 32 09:00\n[v]\nmonthly = 0 09:00\n"
           "[x]\nmonthly = last Fri 10:00 extra\n[y]\nmonthly = 2nd Wed 7pm\n"),
         "s.ini:2: '6th' is not 1st, 2nd, 3rd, 4th, 5th or last\n"
         "s.ini:4: '32' is not a day of the month: use 1 to 31, as in '15 09:00'\n"
         "s.ini:6: '0' is not a day of the month: use 1 to 31, as in '15 09:00'\n"
         "s.ini:8: monthly takes a weekday of the month and a time ('2nd Wed 17:00', "
         "'last Fri 10:00') or a day of the month and a time ('15 09:00')\n"
         "s.ini:10: '7pm' is not a time: " HINT_TIME "\n"},
        {"bad once values, each reported, in the order written",
         L("[t]\nonce = 2027-02-29 10:00, 2026-13-01 10:00, 2026-12-01, 2026-12-01 24:00\n"),
         "s.ini:2: '2027-02-29 10:00' " NOT_ONCE "\n"
         "s.ini:2: '2026-13-01 10:00' " NOT_ONCE "\n"
         "s.ini:2: '2026-12-01' " NOT_ONCE "\n"
         "s.ini:2: '2026-12-01 24:00' " NOT_ONCE "\n"},
        {"once empty",
         L("[t]\nonce =\n"),
         "s.ini:2: once needs at least one date and time, as in '2026-12-02 09:30'\n"},
        {"every without start",
         L("[t]\nweekly = Tue 14:00\nevery = 2\n"),
         "s.ini:3: every = 2 needs a start date to count from: add start = YYYY-MM-DD\n"},
        {"every = 1 without start is fine",
         L("[t]\nweekly = Tue 14:00\nevery = 1\n"), ""},
        {"every with once",
         L("[t]\nonce = 2026-12-01 10:00\nevery = 2\nstart = 2026-01-01\n"),
         "s.ini:3: every applies to weekly and monthly sessions, not to once\n"},
        {"every out of range or not a number",
         L("[t]\nweekly = Tue 14:00\nevery = 0\n[u]\nweekly = Tue 14:00\nevery = 53\n"
           "start = 2026-01-01\n[v]\nmonthly = 15 10:00\nevery = -2\nstart = 2026-01-01\n"),
         "s.ini:3: '0' is not a whole number from 1 to 52\n"
         "s.ini:6: '53' is not a whole number from 1 to 52\n"
         "s.ini:10: '-2' is not a whole number from 1 to 52\n"},
        {"until before start",
         L("[t]\nweekly = Tue 14:00\nstart = 2026-12-01\nuntil = 2026-11-30\n"),
         "s.ini:4: until (2026-11-30) is before start (2026-12-01)\n"},
        {"until before start, written in the other order",
         L("[t]\nuntil = 2026-11-30\nweekly = Tue 14:00\nstart = 2026-12-01\n"),
         "s.ini:2: until (2026-11-30) is before start (2026-12-01)\n"},
        {"bad dates",
         L("[t]\nweekly = Tue 14:00\nstart = 2026-1-1\nuntil = tomorrow\n"
           "skip = 2026-12-01, nope\n"),
         "s.ini:3: '2026-1-1' is not a date: " HINT_DATE "\n"
         "s.ini:4: 'tomorrow' is not a date: " HINT_DATE "\n"
         "s.ini:5: 'nope' is not a date: " HINT_DATE "\n"},
        {"skip empty",
         L("[t]\nweekly = Tue 14:00\nskip =\n"),
         "s.ini:3: skip needs one or more dates: " HINT_DATE "\n"},
        {"title longer than 200 bytes",
         L("[t]\nweekly = Tue 14:00\ntitle = "
           "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
           "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
           "xxxxxxxxxxxxxxxxx\n"),
         "s.ini:3: title is 201 bytes long; at most 200 are allowed\n"},
        {"title of 200 bytes (100 two-byte characters)",
         L("[t]\nweekly = Tue 14:00\ntitle = "
           "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
           "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
           "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
           "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
           "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
           "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
           "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
           "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
           "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
           "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\n"),
         ""},
        {"title empty",
         L("[t]\nweekly = Tue 14:00\ntitle =\n"),
         "s.ini:3: title is empty: give it a value or remove the line\n"},
        {"title empty in quotes",
         L("[t]\nweekly = Tue 14:00\ntitle = \"\"\n"),
         "s.ini:3: title is empty: give it a value or remove the line\n"},
        {"notes and prompt empty",
         L("[t]\nweekly = Tue 14:00\nnotes =\nprompt =\n"),
         "s.ini:3: notes is empty: give it a value or remove the line\n"
         "s.ini:4: prompt is empty: give it a value or remove the line\n"},
        {"bad time zones",
         L("[t]\nweekly = Tue 14:00\ntimezone = Mars/Olympus\n[u]\nweekly = Tue 14:00\n"
           "timezone = ../../etc/passwd\n[v]\nweekly = Tue 14:00\ntimezone = leapseconds\n"
           "[w]\nweekly = Tue 14:00\ntimezone = /etc/localtime\n"),
         "s.ini:3: unknown time zone 'Mars/Olympus': " UNKNOWN_TZ "\n"
         "s.ini:6: unknown time zone '../../etc/passwd': " UNKNOWN_TZ "\n"
         "s.ini:9: unknown time zone 'leapseconds': " UNKNOWN_TZ "\n"
         "s.ini:12: unknown time zone '/etc/localtime': " UNKNOWN_TZ "\n"},
        {"a POSIX TZ string is no IANA name (GMT+1 would mean UTC-1)",
         L("[t]\nweekly = Tue 14:00\ntimezone = GMT+1\n"),
         "s.ini:3: unknown time zone 'GMT+1': " UNKNOWN_TZ "\n"},
        {"an empty time zone",
         L("[t]\nweekly = Tue 14:00\ntimezone =\n"),
         "s.ini:3: unknown time zone '': " UNKNOWN_TZ "\n"},

        /* ---- lead times, durations, privacy ---- */
        {"remind with 9 leads",
         L("[t]\nweekly = Tue 14:00\nremind = 1m, 2m, 3m, 4m, 5m, 6m, 7m, 8m, 9m\n"),
         "s.ini:3: at most 8 lead times per session\n"},
        {"remind with 8 leads, and a trailing comma",
         L("[t]\nweekly = Tue 14:00\nremind = 1m, 2m, 3m, 4m, 5m, 6m, 7m, 8m,\n"), ""},
        {"remind with an empty lead between commas",
         L("[t]\nweekly = Tue 14:00\nremind = 1d,,2h\n"),
         "s.ini:3: an empty lead time between commas: " HINT_LEAD "\n"},
        {"monthly with an ordinal and no weekday",
         L("[t]\nmonthly = 2nd Wed\n"),
         "s.ini:2: monthly '2nd Wed' needs a weekday and a time, as in '2nd Wed 17:00'\n"},
        {"monthly with a leading zero day",
         L("[t]\nmonthly = 05 09:00\n"), ""},
        {"remind empty",
         L("[t]\nweekly = Tue 14:00\nremind =\n"),
         "s.ini:3: remind needs at least one lead time: " HINT_LEAD "\n"},
        {"remind 5w, and 4w1m: more than 4w",
         L("[t]\nweekly = Tue 14:00\nremind = 5w\n[u]\nweekly = Tue 14:00\nremind = 1h, 4w1m\n"),
         "s.ini:3: '5w' is not a lead time: " HINT_LEAD "\n"
         "s.ini:6: '4w1m' is not a lead time: " HINT_LEAD "\n"},
        {"remind 4w, 28d, 0m",
         L("[t]\nweekly = Tue 14:00\nremind = 4w, 28d, 0m\n"), ""},
        {"remind with units in the wrong order or case",
         L("[t]\nweekly = Tue 14:00\nremind = 30m1h\n[u]\nweekly = Tue 14:00\nremind = 1D\n"),
         "s.ini:3: '30m1h' is not a lead time: " HINT_LEAD "\n"
         "s.ini:6: '1D' is not a lead time: " HINT_LEAD "\n"},
        {"duration 0m and 13h",
         L("[t]\nweekly = Tue 14:00\nduration = 0m\n[u]\nweekly = Tue 14:00\nduration = 13h\n"),
         "s.ini:3: '0m' " NOT_DURATION "\n"
         "s.ini:6: '13h' " NOT_DURATION "\n"},
        {"duration 1m and 12h",
         L("[t]\nweekly = Tue 14:00\nduration = 1m\n[u]\nweekly = Tue 14:00\nduration = 12h\n"),
         ""},
        {"privacy: every accepted spelling",
         L("[a]\nweekly = Tue 14:00\nprivacy = on\n[b]\nweekly = Tue 14:00\nprivacy = OFF\n"
           "[c]\nweekly = Tue 14:00\nprivacy = yes\n[d]\nweekly = Tue 14:00\nprivacy = No\n"
           "[e]\nweekly = Tue 14:00\nprivacy = true\n[f]\nweekly = Tue 14:00\nprivacy = FALSE\n"
           "[g]\nweekly = Tue 14:00\nprivacy = 1\n[h]\nweekly = Tue 14:00\nprivacy = 0\n"),
         ""},
        {"privacy: other values",
         L("[a]\nweekly = Tue 14:00\nprivacy = maybe\n[b]\nweekly = Tue 14:00\nprivacy = 2\n"
           "[c]\nweekly = Tue 14:00\nprivacy =\n[d]\nweekly = Tue 14:00\nprivacy = enabled\n"),
         "s.ini:3: 'maybe' " NOT_BOOL "\n"
         "s.ini:6: '2' " NOT_BOOL "\n"
         "s.ini:9: '' " NOT_BOOL "\n"
         "s.ini:12: 'enabled' " NOT_BOOL "\n"},
        {"checkin: off, 0m, 30m, 1h30m, 12h, any case of off",
         L("[a]\nweekly = Tue 14:00\ncheckin = off\n[b]\nweekly = Tue 14:00\ncheckin = 0m\n"
           "[c]\nweekly = Tue 14:00\ncheckin = 30m\n[d]\nweekly = Tue 14:00\ncheckin = 1h30m\n"
           "[e]\nweekly = Tue 14:00\ncheckin = 12h\n[f]\nweekly = Tue 14:00\ncheckin = OFF\n"),
         ""},
        {"checkin: too late, in days, malformed, empty",
         L("[a]\nweekly = Tue 14:00\ncheckin = 12h1m\n[b]\nweekly = Tue 14:00\ncheckin = 1d\n"
           "[c]\nweekly = Tue 14:00\ncheckin = on\n[d]\nweekly = Tue 14:00\ncheckin =\n"
           "[e]\nweekly = Tue 14:00\ncheckin = -5m\n[f]\nweekly = Tue 14:00\nchekin = 5m\n"),
         "s.ini:3: checkin 12h1m is too late: at most 12h after the session's end\n"
         "s.ini:6: '1d' " NOT_CHECKIN "\n"
         "s.ini:9: 'on' " NOT_CHECKIN "\n"
         "s.ini:12: '' " NOT_CHECKIN "\n"
         "s.ini:15: '-5m' " NOT_CHECKIN "\n"
         "s.ini:18: unknown key 'chekin' (did you mean 'checkin'?)\n"},
        {"problems in [defaults], each on its line",
         L("[defaults]\nremind = 9w\nduration = 0m\ntimezone = Nowhere\nprivacy = maybe\n"
           "foo = 1\n[t]\nweekly = Tue 14:00\n"),
         "s.ini:2: '9w' is not a lead time: " HINT_LEAD "\n"
         "s.ini:3: '0m' " NOT_DURATION "\n"
         "s.ini:4: unknown time zone 'Nowhere': " UNKNOWN_TZ "\n"
         "s.ini:5: 'maybe' " NOT_BOOL "\n"
         "s.ini:6: unknown key 'foo': [defaults] takes remind, duration, timezone, notes, "
         "privacy, prompt and checkin\n"},

        /* ---- calendars ---- */
        {"calendar: files, folders and links that are fine",
         L("[a]\ncalendar = /home/sam/cal.ics\n[b]\ncalendar = ~/Calendars/\n"
           "[c]\ncalendar = https://sam@cloud.example.org/remote.php/dav/calendars/sam/x/\n"
           "[d]\ncalendar = webcal://booking.example.org/feeds/6f3c9a.ics\n"
           "[e]\ncalendar = http://localhost:5232/sam/cal/\n[f]\ncalendar = http://127.0.0.1/c\n"
           "[g]\ncalendar = http://[::1]:8080/c.ics\n[h]\ncalendar = HTTPS://Example.org/c?t=1\n"
           "[i]\ncalendar = \"~/My Calendars/work; home.ics\"\n[j]\ncalendar = ~\n"),
         ""},
        {"calendar: empty, also in quotes",
         L("[t]\ncalendar =\n[u]\ncalendar = \"\"\n"),
         "s.ini:2: " CAL_EMPTY "\n"
         "s.ini:4: " CAL_EMPTY "\n"},
        {"calendar: relative paths",
         L("[t]\ncalendar = cal.ics\n[u]\ncalendar = ./cal.ics\n[v]\ncalendar = ~sam/cal.ics\n"),
         "s.ini:2: calendar 'cal.ics' " CAL_RELATIVE "\n"
         "s.ini:4: calendar './cal.ics' " CAL_RELATIVE "\n"
         "s.ini:6: calendar '~sam/cal.ics' " CAL_RELATIVE "\n"},
        {"calendar: plain http to another host, named by its host only",
         L("[t]\ncalendar = http://Cal.Example.ORG:8080/secret/token.ics\n"
           "[u]\ncalendar = http://localhost.example.org/c\n"),
         "s.ini:2: " CAL_HTTP_FOR("cal.example.org") "\n"
         "s.ini:4: " CAL_HTTP_FOR("localhost.example.org") "\n"},
        {"calendar: other schemes",
         L("[t]\ncalendar = ftp://example.org/c.ics\n[u]\ncalendar = file:///home/sam/c.ics\n"
           "[v]\ncalendar = webcals://example.org/c.ics\n"),
         "s.ini:2: nudge reads calendar links that start with https:// or webcal://, not ftp://\n"
         "s.ini:4: a file:// link: write the calendar file's path itself, as in ~/calendar.ics\n"
         "s.ini:6: nudge reads calendar links that start with https:// or webcal://, not "
         "webcals://\n"},
        {"calendar: a password in the link, never repeated in the message",
         L("[Therapy]\ncalendar = https://sam:hunter2@cloud.example.org/dav/\n"
           "[u]\ncalendar = webcal://sam:@example.org/c\n"),
         "s.ini:2: " CAL_PASSWORD_FOR("therapy") "\n"
         "s.ini:4: " CAL_PASSWORD_FOR("u") "\n"},
        {"calendar: links without a host, with blanks, with control characters",
         L("[t]\ncalendar = https:///c.ics\n[u]\ncalendar = https://example.org/my cal.ics\n"
           "[v]\ncalendar = /home/sam/a\tb.ics\n[w]\ncalendar = https://exa mple.org/\n"),
         "s.ini:2: the calendar link names no host: write it as https://HOST/PATH\n"
         "s.ini:4: the calendar link holds a blank: copy the link again, or write a space as %20\n"
         "s.ini:6: calendar holds a tab or another control character: write the path or link "
         "without it\n"
         "s.ini:8: the calendar link holds a blank: copy the link again, or write a space as %20\n"},
        {"calendar: links that are no links, never repeated in the message",
         L("[t]\ncalendar = https://example.org:99999999/c\n[u]\ncalendar = https:/example.org/t0k3n\n"
           "[v]\ncalendar = webcal:example.org/t0k3n\n"),
         "s.ini:2: " BAD_LINK "\n"
         "s.ini:4: " BAD_LINK "\n"
         "s.ini:6: " BAD_LINK "\n"},
        {"calendar with weekly, monthly, once, every, start and until: each on its line",
         L("[t]\ncalendar = ~/c.ics\nweekly = Tue 14:00\nmonthly = 15 10:00\n"
           "once = 2026-12-01 10:00\nevery = 2\nstart = 2026-01-01\nuntil = 2026-02-01\n"
           "skip = 2026-01-06\n"),
         "s.ini:3: [t] " CAL_WITH "\n"
         "s.ini:4: [t] " CAL_WITH "\n"
         "s.ini:5: [t] " CAL_WITH "\n"
         "s.ini:6: every " CAL_NOT_FOR("every") "\n"
         "s.ini:7: start " CAL_NOT_FOR("start") "\n"
         "s.ini:8: until " CAL_NOT_FOR("until") "\n"},
        {"calendar keys in [defaults]",
         L("[defaults]\ncalendar = ~/c.ics\nmatch = x\nrefresh = 1h\n"),
         "s.ini:2: 'calendar' belongs to a session, not to [defaults]\n"
         "s.ini:3: 'match' belongs to a session, not to [defaults]\n"
         "s.ini:4: 'refresh' belongs to a session, not to [defaults]\n"},
        {"calendar keys misspelt",
         L("[t]\ncalender = ~/c.ics\nmatches = x\nrefrsh = 1h\n"),
         "s.ini:1: [t] " NO_KIND "\n"
         "s.ini:2: unknown key 'calender' (did you mean 'calendar'?)\n"
         "s.ini:3: unknown key 'matches' (did you mean 'match'?)\n"
         "s.ini:4: unknown key 'refrsh' (did you mean 'refresh'?)\n"},
        {"match and refresh without calendar",
         L("[t]\nweekly = Tue 14:00\nmatch = therapy\nrefresh = 1h\n"),
         "s.ini:3: match chooses among the events of a calendar, and [t] has none: add "
         "calendar, or remove match\n"
         "s.ini:4: refresh says how often to fetch a calendar link, and [t] has none: add "
         "calendar, or remove refresh\n"},
        {"match: empty phrases",
         L("[a]\ncalendar = ~/c.ics\nmatch =\n[b]\ncalendar = ~/c.ics\nmatch = x,,y\n"
           "[c]\ncalendar = ~/c.ics\nmatch = x,\n[d]\ncalendar = ~/c.ics\nmatch = \"  \", x\n"
           "[e]\ncalendar = ~/c.ics\nmatch = , x\n[f]\ncalendar = ~/c.ics\nmatch = # all\n"),
         "s.ini:3: " MATCH_EMPTY "\n"
         "s.ini:6: " MATCH_EMPTY "\n"
         "s.ini:9: " MATCH_EMPTY "\n"
         "s.ini:12: " MATCH_EMPTY "\n"
         "s.ini:15: " MATCH_EMPTY "\n"
         "s.ini:18: " MATCH_EMPTY "\n"},
        {"match: unbalanced quotes, text after a quote",
         L("[a]\ncalendar = ~/c.ics\nmatch = \"Rivera, MD\n[b]\ncalendar = ~/c.ics\n"
           "match = x, 'y\n[c]\ncalendar = ~/c.ics\nmatch = \"Rivera\" MD, x\n"),
         "s.ini:3: the value opens a double quote that is never closed\n"
         "s.ini:6: the value opens a single quote that is never closed\n"
         "s.ini:9: text after the closing quote of a phrase: put a comma between phrases, or "
         "start a comment with '#'\n"},
        {"refresh: out of range and malformed",
         L("[a]\ncalendar = https://example.org/c\nrefresh = 4m\n"
           "[b]\ncalendar = https://example.org/c\nrefresh = 1w1m\n"
           "[c]\ncalendar = https://example.org/c\nrefresh = 2w\n"
           "[d]\ncalendar = https://example.org/c\nrefresh = hourly\n"
           "[e]\ncalendar = https://example.org/c\nrefresh =\n"),
         "s.ini:3: '4m' " NOT_REFRESH "\n"
         "s.ini:6: '1w1m' " NOT_REFRESH "\n"
         "s.ini:9: '2w' " NOT_REFRESH "\n"
         "s.ini:12: 'hourly' " NOT_REFRESH "\n"
         "s.ini:15: '' " NOT_REFRESH "\n"},
        {"refresh: 5m, 1h30m, 1d, 1w",
         L("[a]\ncalendar = https://example.org/c\nrefresh = 5m\n"
           "[b]\ncalendar = https://example.org/c\nrefresh = 1h30m\n"
           "[c]\ncalendar = webcal://example.org/c\nrefresh = 1d\n"
           "[d]\ncalendar = http://localhost/c\nrefresh = 1w\n"),
         ""},
        {"refresh with a file or folder",
         L("[a]\ncalendar = ~/c.ics\nrefresh = 1h\n[b]\ncalendar = /srv/cal/\nrefresh = 1x\n"),
         "s.ini:3: " REFRESH_FILE "\n"
         "s.ini:6: '1x' " NOT_REFRESH "\n"
         "s.ini:6: " REFRESH_FILE "\n"},
        {"a calendar section keeps the other keys",
         L("[t]\ncalendar = ~/c.ics\nmatch = therapy\ntitle = T\nremind = 2h\nduration = 1h\n"
           "timezone = UTC\nnotes = ~/n\nprivacy = on\nprompt = P\ncheckin = 30m\n"
           "skip = 2026-12-24\n"),
         ""},
};

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
