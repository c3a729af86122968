/* SPDX-License-Identifier: MIT */
/* The values of the schedule file's keys, one at a time: each reader fills its part of a
 * Series (or of the defaults) and reports what is wrong with the value, at its line. */
#include "config.h"

#include "schedfile-values.h"

#include <stdlib.h>
#include <string.h>

#include "calreq.h"
#include "i18n.h"
#include "timeparse.h"

/* TRANSLATORS: the hints complete a message after a colon. Forms like HH:MM, 14:00, 1w,
 * 1d, 2h, 30m and 1h30m are what the schedule file accepts: keep them as they are. */
#define HINT_TIME N_("write the time as HH:MM, 24-hour (14:00, 09:30)")
#define HINT_LEAD N_("write lead times like 1w, 1d, 2h, 30m, 1h30m or 0m, at most 4w")

static int cmp_i64(const void *a, const void *b)
{
        int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
        return (x > y) - (x < y);
}

/* Splits on commas and blanks; empty pieces dropped. */
static char **split_words(const char *v)
{
        char **parts = g_strsplit_set(v, ", \t", -1);
        size_t n = 0;
        for (size_t i = 0; parts[i]; i++) {
                if (*parts[i])
                        parts[n++] = parts[i];
                else
                        g_free(parts[i]);
        }
        parts[n] = NULL;
        return parts;
}

static bool is_weekday(Report *r, unsigned line, const char *w, int *wd)
{
        if (parse_weekday(w, wd) == 0)
                return true;
        report(r, line, _("'%s' is not a weekday: use Mon, Tue, Wed, Thu, Fri, Sat, Sun or the "
                        "full English names"), w);
        return false;
}

static bool is_time(Report *r, unsigned line, const char *w, int *minute)
{
        if (parse_hhmm(w, minute) == 0)
                return true;
        report(r, line, _("'%s' is not a time: %s"), w, _(HINT_TIME));
        return false;
}

bool value_weekly(Report *r, unsigned line, const char *v, Series *s)
{
        g_auto(GStrv) w = split_words(v);
        size_t n = g_strv_length(w);
        if (n < 2) {
                report(r, line, _("weekly needs one or more weekdays and a time, as in 'Tue 14:00' "
                                "or 'Mon, Thu 09:30'"));
                return false;
        }
        bool ok = true;
        unsigned mask = 0;
        for (size_t i = 0; i + 1 < n; i++) {
                int wd;
                if (is_weekday(r, line, w[i], &wd))
                        mask |= 1u << wd;
                else
                        ok = false;
        }
        int minute;
        ok &= is_time(r, line, w[n - 1], &minute);
        if (!ok)
                return false;
        s->kind = REPEAT_WEEKLY;
        s->weekdays = mask;
        s->minute = minute;
        return true;
}

static int parse_ordinal(const char *w)
{
        static const char *const short_names[] = {"1st", "2nd", "3rd", "4th", "5th"};
        static const char *const long_names[] = {"first", "second", "third", "fourth", "fifth"};
        for (int i = 0; i < 5; i++)
                if (!g_ascii_strcasecmp(w, short_names[i]) || !g_ascii_strcasecmp(w, long_names[i]))
                        return i + 1;
        if (!g_ascii_strcasecmp(w, "last"))
                return -1;
        return 0;
}

/* "15 09:00" */
static bool monthly_day(Report *r, unsigned line, char **w, Series *s)
{
        int mday, minute = 0;
        bool ok = true;
        /* "05" reads as the 5th, as people write dates. */
        const char *day = (w[0][0] == '0' && w[0][1]) ? w[0] + 1 : w[0];
        if (parse_uint_range(day, 1, 31, &mday) < 0) {
                report(r, line, _("'%s' is not a day of the month: use 1 to 31, as in '15 09:00'"),
                       w[0]);
                ok = false;
        }
        ok &= is_time(r, line, w[1], &minute);
        if (!ok)
                return false;
        s->kind = REPEAT_MONTHLY_DAY;
        s->mday = mday;
        s->minute = minute;
        return true;
}

/* "2nd Wed 17:00" */
static bool monthly_nth(Report *r, unsigned line, char **w, Series *s)
{
        int nth = parse_ordinal(w[0]), wd = 0, minute = 0;
        bool ok = true;
        if (nth == 0) {
                report(r, line, _("'%s' is not 1st, 2nd, 3rd, 4th, 5th or last"), w[0]);
                ok = false;
        }
        ok &= is_weekday(r, line, w[1], &wd);
        ok &= is_time(r, line, w[2], &minute);
        if (!ok)
                return false;
        s->kind = REPEAT_MONTHLY_NTH;
        s->nth = nth;
        s->weekday = wd;
        s->minute = minute;
        return true;
}

bool value_monthly(Report *r, unsigned line, const char *v, Series *s)
{
        g_auto(GStrv) w = split_words(v);
        size_t n = g_strv_length(w);
        if (n == 2 && parse_ordinal(w[0]) != 0) {
                report(r, line, _("monthly '%s' needs a weekday and a time, as in '%s Wed 17:00'"),
                       v, w[0]);
                return false;
        }
        if (n == 2)
                return monthly_day(r, line, w, s);
        if (n == 3)
                return monthly_nth(r, line, w, s);
        report(r, line, _("monthly takes a weekday of the month and a time ('2nd Wed 17:00', "
                        "'last Fri 10:00') or a day of the month and a time ('15 09:00')"));
        return false;
}

static int cmp_local(const void *a, const void *b)
{
        const LocalTime *x = a, *y = b;
        int64_t dx = civil_days(x->date), dy = civil_days(y->date);
        if (dx != dy)
                return (dx > dy) - (dx < dy);
        return (x->minute > y->minute) - (x->minute < y->minute);
}

bool value_once(Report *r, unsigned line, const char *v, Series *s)
{
        g_auto(GStrv) items = g_strsplit(v, ",", -1);
        GArray *out = g_array_new(FALSE, FALSE, sizeof(LocalTime));
        bool ok = true;
        for (size_t i = 0; items[i]; i++) {
                g_auto(GStrv) w = split_words(items[i]);
                LocalTime lt;
                if (g_strv_length(w) != 2 || parse_date(w[0], &lt.date) < 0 ||
                    parse_hhmm(w[1], &lt.minute) < 0) {
                        report(r, line, _("'%s' is not a date and time: write 'YYYY-MM-DD HH:MM' "
                                        "(2026-12-02 09:30), several separated by commas"),
                               str_trim(items[i]));
                        ok = false;
                        continue;
                }
                g_array_append_val(out, lt);
        }
        if (ok && out->len == 0) {
                report(r, line, _("once needs at least one date and time, as in '2026-12-02 09:30'"));
                ok = false;
        }
        if (!ok) {
                g_array_free(out, TRUE);
                return false;
        }
        g_array_sort(out, cmp_local);
        size_t n = 0;
        LocalTime *lts = (LocalTime *)(void *)out->data;
        for (size_t i = 0; i < out->len; i++)
                if (n == 0 || cmp_local(&lts[n - 1], &lts[i]) != 0)
                        lts[n++] = lts[i];
        s->kind = REPEAT_ONCE;
        s->n_once = n;
        s->once = (LocalTime *)(void *)g_array_free(out, FALSE);
        return true;
}

bool value_skip(Report *r, unsigned line, const char *v, Series *s)
{
        g_auto(GStrv) w = split_words(v);
        size_t n = g_strv_length(w);
        if (n == 0) {
                report(r, line, _("skip needs one or more dates: %s"), _(HINT_DATE));
                return false;
        }
        int64_t *days = g_new(int64_t, n);
        bool ok = true;
        for (size_t i = 0; i < n; i++) {
                Ymd d;
                if (parse_date(w[i], &d) < 0) {
                        report(r, line, _("'%s' is not a date: %s"), w[i], _(HINT_DATE));
                        ok = false;
                } else {
                        days[i] = civil_days(d);
                }
        }
        if (!ok) {
                g_free(days);
                return false;
        }
        qsort(days, n, sizeof(int64_t), cmp_i64);
        s->skip = days;
        s->n_skip = n;
        return true;
}

bool value_remind(Report *r, unsigned line, const char *v, Lead *leads, size_t *n_leads)
{
        g_auto(GStrv) items = g_strsplit(v, ",", -1);
        size_t n = 0;
        bool ok = true;
        for (size_t i = 0; items[i]; i++) {
                char *item = str_trim(items[i]);
                if (!*item && !items[i + 1] && i > 0)
                        break; /* a trailing comma */
                if (!*item) {
                        report(r, line, _("an empty lead time between commas: %s"), _(HINT_LEAD));
                        ok = false;
                        continue;
                }
                if (n == SCHEDULE_MAX_LEADS) {
                        report(r, line, _("at most %d lead times per session"), SCHEDULE_MAX_LEADS);
                        return false;
                }
                if (parse_lead(item, &leads[n]) < 0) {
                        report(r, line, _("'%s' is not a lead time: %s"), item, _(HINT_LEAD));
                        ok = false;
                        continue;
                }
                n++;
        }
        if (ok && n == 0) {
                report(r, line, _("remind needs at least one lead time: %s"), _(HINT_LEAD));
                ok = false;
        }
        if (ok)
                *n_leads = n;
        return ok;
}

bool value_text(Report *r, unsigned line, const char *key, const char *v, size_t max)
{
        if (!*v) {
                /* TRANSLATORS: %s is a schedule key (title, notes, prompt): keep it. */
                report(r, line, _("%s is empty: give it a value or remove the line"), key);
                return false;
        }
        if (strlen(v) > max) {
                /* TRANSLATORS: %1$s is a schedule key (title, notes, prompt), %2$zu the
                 * value's length, %3$zu the limit. */
                report(r, line, ngettext("%1$s is %2$zu byte long; at most %3$zu are allowed",
                                         "%1$s is %2$zu bytes long; at most %3$zu are allowed",
                                         strlen(v)),
                       key, strlen(v), max);
                return false;
        }
        return true;
}

#define CHECKIN_MAX (12 * 3600LL)

bool value_checkin(Report *r, unsigned line, const char *v, bool *has, int64_t *seconds)
{
        Lead l;
        if (g_ascii_strcasecmp(v, "off") == 0) {
                *has = false;
                return true;
        }
        /* Hours and minutes only: a check-in a day later would not be about this session. */
        if (parse_lead(v, &l) < 0 || l.days != 0) {
                report(r, line, "'%s' is not a check-in time: use off, or 0m to 12h after the "
                                "session's end, as in 30m or 1h", v);
                return false;
        }
        if (l.seconds > CHECKIN_MAX) {
                report(r, line, "checkin %s is too late: at most 12h after the session's end", v);
                return false;
        }
        *has = true;
        *seconds = l.seconds;
        return true;
}

Tz *value_tz(Report *r, GHashTable *zones, unsigned line, const char *v)
{
        Tz *tz = g_hash_table_lookup(zones, v);
        if (tz)
                return tz_ref(tz);
        tz = *v ? tz_new(v) : NULL;
        if (tz)
                g_hash_table_insert(zones, g_strdup(v), tz_ref(tz));
        if (!tz)
                report(r, line, _("unknown time zone '%s': use an IANA name such as Europe/Berlin or "
                                "America/New_York (listed under /usr/share/zoneinfo)"), v);
        return tz;
}

/* ---- calendars ------------------------------------------------------------------------- */

#define CALENDAR_MAX 2048 /* bytes of a path or link, as written */
#define REFRESH_MIN (5 * 60LL)
#define REFRESH_MAX (7 * 86400LL)

static bool has_control(const char *v)
{
        for (const unsigned char *p = (const unsigned char *)v; *p; p++)
                if (*p < 0x20 || *p == 0x7f)
                        return true;
        return false;
}

static bool calendar_path(Report *r, unsigned line, const char *v, CalendarSpec *c)
{
        if (v[0] == '/') {
                c->path = g_strdup(v);
        } else if (v[0] == '~' && (v[1] == '/' || v[1] == '\0')) {
                c->path = g_build_filename(g_get_home_dir(), v + 1, NULL);
        } else {
                report(r, line, _("calendar '%s' is a relative path: write it from the root "
                                "(/home/sam/calendar.ics) or from the home folder "
                                "(~/calendar.ics)"), v);
                return false;
        }
        return true;
}

/* The scheme of "scheme:...", lower case, or NULL when `v` does not start with one: then
 * it is a path. A value with a scheme is treated as a link, good or not, and never quoted
 * in a message ("https:/host/token" holds a token too). */
static char *url_scheme(const char *v)
{
        size_t n = 0;
        if (!g_ascii_isalpha(v[0]))
                return NULL;
        while (g_ascii_isalnum(v[n]) || v[n] == '+' || v[n] == '-' || v[n] == '.')
                n++;
        return v[n] == ':' ? g_ascii_strdown(v, (gssize)n) : NULL;
}

static void report_bad_link(Report *r, unsigned line)
{
        report(r, line, _("the calendar link is not a valid link: copy it again from the "
                        "calendar's sharing or subscription settings"));
}

static bool is_this_machine(const char *host)
{
        return !strcmp(host, "localhost") || !strcmp(host, "127.0.0.1") || !strcmp(host, "::1");
}

/* The parts of a link that the messages and the spec need. Never quotes the link: it is
 * a secret (a subscription link carries a token), and messages reach the service status. */
static bool url_parts(Report *r, unsigned line, const char *section, const char *url,
                      bool http, CalendarSpec *c)
{
        g_autofree char *password = NULL, *host = NULL;
        if (strpbrk(url, " \t")) {
                report(r, line, _("the calendar link holds a blank: copy the link again, or "
                                "write a space as %%20"));
                return false;
        }
        if (!g_uri_split_with_user(url, G_URI_FLAGS_HAS_PASSWORD | G_URI_FLAGS_ENCODED, NULL,
                                   NULL, &password, NULL, &host, NULL, NULL, NULL, NULL, NULL)) {
                report_bad_link(r, line);
                return false;
        }
        if (password) {
                /* TRANSLATORS: 'nudge password %s' is a command: keep it as it is. */
                report(r, line, _("the calendar link holds a password, which never goes in the "
                                "schedule file: remove ':' and the password from the link, "
                                "keep the user name, and run 'nudge password %s'"), section);
                return false;
        }
        if (!host || !*host) {
                report(r, line, _("the calendar link names no host: write it as "
                                "https://HOST/PATH"));
                return false;
        }
        g_autofree char *lower = g_ascii_strdown(host, -1);
        if (http && !is_this_machine(lower)) {
                report(r, line, _("plain http:// would send the calendar unprotected over the "
                                "network: use https:// for %s (http:// is only for this machine: "
                                "localhost, 127.0.0.1, [::1])"), lower);
                return false;
        }
        /* An IPv6 address reads as it is written in a link. */
        c->host = strchr(lower, ':') ? g_strdup_printf("[%s]", lower) : g_steal_pointer(&lower);
        return true;
}

static bool calendar_url(Report *r, unsigned line, const char *section, const char *v,
                         const char *scheme, CalendarSpec *c)
{
        bool http = !strcmp(scheme, "http");
        if (strncmp(v + strlen(scheme), "://", 3) != 0) {
                report_bad_link(r, line);
                return false;
        }
        if (!http && strcmp(scheme, "https") != 0 && strcmp(scheme, "webcal") != 0) {
                if (!strcmp(scheme, "file"))
                        report(r, line, _("a file:// link: write the calendar file's path itself, "
                                        "as in ~/calendar.ics"));
                else
                        report(r, line, _("nudge reads calendar links that start with https:// "
                                        "or webcal://, not %s://"), scheme);
                return false;
        }
        /* webcal:// is the subscription links' name for https://. */
        g_autofree char *url = g_strconcat(http ? "http://" : "https://",
                                           v + strlen(scheme) + 3, NULL);
        if (!url_parts(r, line, section, url, http, c))
                return false;
        c->url = g_steal_pointer(&url);
        return true;
}

bool value_calendar(Report *r, unsigned line, const char *section, const char *v, bool exposed,
                    CalendarSpec **out)
{
        if (!*v) {
                report(r, line, _("calendar is empty: give it an .ics file, a folder of .ics "
                                "files or a link (https://...), or remove the line"));
                return false;
        }
        if (!value_text(r, line, "calendar", v, CALENDAR_MAX))
                return false;
        if (has_control(v)) {
                report(r, line, _("calendar holds a tab or another control character: write the "
                                "path or link without it"));
                return false;
        }
        g_autofree char *scheme = url_scheme(v);
        CalendarSpec *c = g_new0(CalendarSpec, 1);
        c->source = g_strdup(v);
        c->line = line;
        bool ok = scheme ? calendar_url(r, line, section, v, scheme, c)
                         : calendar_path(r, line, v, c);
        if (scheme && exposed) {
                /* TRANSLATORS: %1$s is the schedule file's path; "chmod 600" is a command:
                 * keep it as it is. */
                report(r, line, _("the calendar link is a secret, and other users can read %1$s: "
                                "run chmod 600 %1$s"), r->path);
                ok = false;
        }
        if (!ok) {
                calendar_spec_free(c);
                return false;
        }
        *out = c;
        return true;
}

bool value_match(Report *r, unsigned line, const char *v, char ***out)
{
        g_autoptr(GPtrArray) phrases = g_ptr_array_new_with_free_func(g_free);
        const char *p = v, *a, *b;
        char quote;
        bool empty = false;
        ListStep step;
        while ((step = list_item(&p, &a, &b, &quote)) == LIST_ITEM) {
                g_autofree char *phrase = g_strndup(a, (size_t)(b - a));
                /* Quotes keep blanks, but a phrase of blanks alone is empty too. */
                if (strspn(phrase, " \t") == strlen(phrase)) {
                        empty = true;
                        continue;
                }
                g_ptr_array_add(phrases, g_steal_pointer(&phrase));
        }
        /* "a, b," ends with an empty phrase too. */
        if (p > v && p[-1] == ',')
                empty = true;
        if (step != LIST_END || empty || phrases->len == 0) {
                report(r, line, _("match has an empty phrase: write words or phrases between "
                                "the commas, as in 'Dr. Rivera, therapy', or remove the line"));
                return false;
        }
        if (phrases->len > CALREQ_MAX_MATCH) {
                /* TRANSLATORS: the number of phrases is always more than the limit (64). */
                report(r, line, ngettext("match has %u phrase; at most %u are allowed",
                                         "match has %u phrases; at most %u are allowed",
                                         phrases->len),
                       phrases->len, CALREQ_MAX_MATCH);
                return false;
        }
        g_ptr_array_add(phrases, NULL);
        *out = (char **)g_ptr_array_free(g_steal_pointer(&phrases), FALSE);
        return true;
}

bool value_refresh(Report *r, unsigned line, const char *v, int64_t *out)
{
        Lead l;
        int64_t seconds = 0;
        if (parse_lead(v, &l) == 0)
                seconds = l.days * 86400LL + l.seconds;
        if (seconds < REFRESH_MIN || seconds > REFRESH_MAX) {
                report(r, line, _("'%s' is not a refresh interval: use 5m to 1w, as in 30m, 2h "
                                "or 1d"), v);
                return false;
        }
        *out = seconds;
        return true;
}
