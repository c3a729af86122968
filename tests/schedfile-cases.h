/* SPDX-License-Identifier: MIT */
/* The table of schedule files and the whole report each must give, for test-schedfile.c:
 * one entry per rule of schedule-format.md and calendar-sources.md. Included once. */
#pragma once
#include <stddef.h>

/* The messages below, shared with the table. */
#define HINT_LEAD "write lead times like 1w, 1d, 2h, 30m, 1h30m or 0m, at most 4w"
#define HINT_DATE "write dates as YYYY-MM-DD (2026-12-01)"
#define HINT_TIME "write the time as HH:MM, 24-hour (14:00, 09:30)"
#define BAD_SECTION "is not a valid section name: use letters, digits, '-', '_' and '.'"
#define BEFORE_SECTION "comes before any [section]: put it under [defaults] or under a session's header"
#define NO_KIND "does not say when it takes place: add weekly (Tue 14:00), monthly (2nd Wed 17:00), " \
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
        {"unknown keys: words of other programs, and a few letters more or fewer",
         L("[defaults]\nzone = UTC\nreminders = 1d\n[t]\nweekly = Tue 14:00\nname = x\n"
           "end = 2027-01-01\nurl = https://example.org/c.ics\nTZ = UTC\ntimezones = UTC\n"
           "zon = UTC\n"),
         "s.ini:2: unknown key 'zone' (did you mean 'timezone'?)\n"
         "s.ini:3: unknown key 'reminders' (did you mean 'remind'?)\n"
         "s.ini:6: unknown key 'name' (did you mean 'title'?)\n"
         "s.ini:7: unknown key 'end' (did you mean 'until'?)\n"
         "s.ini:8: unknown key 'url' (did you mean 'calendar'?)\n"
         "s.ini:9: unknown key 'tz' (did you mean 'timezone'?)\n"
         "s.ini:10: unknown key 'timezones' (did you mean 'timezone'?)\n"
         "s.ini:11: unknown key 'zon': a session takes title, weekly, monthly, once, calendar, "
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
