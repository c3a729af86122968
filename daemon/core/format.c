/* SPDX-License-Identifier: MIT */
/* Formatting of instants and spans, JSON strings, and parsing of --from. */
#include "config.h"

#include "format.h"

#include <errno.h>
#include <langinfo.h>
#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "timeparse.h"

/* The locale's names (LC_TIME), which in the C locale are the English ones: the schedule
 * file's English names are civil.c's, for parsing only. nl_langinfo's days start on
 * Sunday; ours (civil_weekday) on Monday, as 1. */
const char *format_weekday_name(int weekday, bool abbreviated)
{
        int i = weekday % 7;
        return nl_langinfo((abbreviated ? ABDAY_1 : DAY_1) + i);
}

const char *format_month_name(int month, bool abbreviated)
{
        return nl_langinfo((abbreviated ? ABMON_1 : MON_1) + (month - 1));
}

static const char two_digits[] =
        "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
        "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
        "8081828384858687888990919293949596979899";

static char *put2(char *p, int v)
{
        memcpy(p, two_digits + 2 * (v % 100), 2);
        return p + 2;
}

/* "2026-12-01" of a local day number. */
static char *put_date(char *p, int64_t days)
{
        Ymd d = civil_from_days(days);
        p = put2(put2(p, d.y / 100), d.y % 100);
        *p++ = '-';
        p = put2(p, d.m);
        *p++ = '-';
        return put2(p, d.d);
}

/* "T14:00:00+01:00" of a second of the day and an offset. */
static char *put_clock(char *p, int sod, int32_t off)
{
        int32_t a = off < 0 ? -off : off;
        *p++ = 'T';
        p = put2(p, sod / 3600);
        *p++ = ':';
        p = put2(p, sod / 60 % 60);
        *p++ = ':';
        p = put2(p, sod % 60);
        *p++ = off < 0 ? '-' : '+';
        p = put2(p, a / 3600);
        *p++ = ':';
        return put2(p, a / 60 % 60);
}

static int64_t floor_days(int64_t t)
{
        return t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
}

/* The zone's offset at `t`, of UTC day `day`, from the memo when the whole day has one. */
static int32_t memo_offset(DateMemo *memo, Tz *tz, int64_t t, int64_t day)
{
        __typeof__(memo->offset[0]) *os =
                &memo->offset[((uint64_t)day ^ (uint64_t)((uintptr_t)tz >> 4)) % DATE_MEMO_SLOTS];
        if (os->tz == tz && os->day == day)
                return os->off;
        int32_t first = tz_offset_at(tz, day * 86400), last = tz_offset_at(tz, day * 86400 + 86399);
        if (first != last) /* a transition that day */
                return tz_offset_at(tz, t);
        os->tz = tz;
        os->day = day;
        os->off = first;
        return first;
}

char *format_rfc3339_put(char *p, Tz *tz, int64_t t, DateMemo *memo)
{
        int64_t days = floor_days(t);
        int32_t off = memo ? memo_offset(memo, tz, t, days) : tz_offset_at(tz, t);
        /* The local day and second of the day: within a day of UTC's. */
        int sod = (int)(t - days * 86400) + off;
        if (sod < 0) {
                sod += 86400;
                days--;
        } else if (sod >= 86400) {
                sod -= 86400;
                days++;
        }
        if (!memo)
                return put_clock(put_date(p, days), sod, off);
        /* A filled date slot starts with a digit, a filled clock slot with 'T': a memo
         * of zeros is empty. */
        __typeof__(memo->date[0]) *ds = &memo->date[(uint64_t)days % DATE_MEMO_SLOTS];
        if (ds->days != days || !ds->text[0]) {
                put_date(ds->text, days);
                ds->days = days;
        }
        uint32_t ci = ((uint32_t)sod * 7u + (uint32_t)off) % DATE_MEMO_SLOTS;
        __typeof__(memo->clock[0]) *cs = &memo->clock[ci];
        if (cs->sod != sod || cs->off != off || cs->text[0] != 'T') {
                put_clock(cs->text, sod, off);
                cs->sod = sod;
                cs->off = off;
        }
        memcpy(p, ds->text, 10);
        memcpy(p + 10, cs->text, 15);
        return p + 25;
}

void format_rfc3339_buf(Tz *tz, int64_t t, char buf[RFC3339_SIZE])
{
        *format_rfc3339_put(buf, tz, t, NULL) = '\0';
}

char *format_rfc3339(Tz *tz, int64_t t)
{
        char buf[RFC3339_SIZE];
        format_rfc3339_buf(tz, t, buf);
        return g_strdup(buf);
}

/* Splits T into its local date *D and second of the day *SOD; returns the short weekday name. */
static const char *local_day(Tz *tz, int64_t t, Ymd *d, int *sod)
{
        tz_local(tz, t, d, sod);
        return format_weekday_name(civil_weekday(civil_days(*d)), true);
}

char *format_long(Tz *tz, int64_t t)
{
        Ymd d;
        int sod;
        const char *wday = local_day(tz, t, &d, &sod);
        return g_strdup_printf("%s %04d-%02d-%02d %02d:%02d %s", wday, d.y, d.m, d.d,
                               sod / 3600, sod / 60 % 60, tz_abbrev_at(tz, t));
}

char *format_short(Tz *tz, int64_t t)
{
        Ymd d;
        int sod;
        const char *wday = local_day(tz, t, &d, &sod);
        return g_strdup_printf("%s %d %s %02d:%02d", wday, d.d, format_month_name(d.m, true),
                               sod / 3600, sod / 60 % 60);
}

char *format_span(int64_t s)
{
        if (s < 0)
                s = -s;
        /* Spans of nudge's listings stay far below INT_MAX days. */
        int days = (int)MIN(s / 86400, G_MAXINT), h = (int)(s / 3600 % 24), m = (int)(s / 60 % 60);
        if (days >= 1) {
                g_autofree char *dtext = g_strdup_printf(ngettext("%d day", "%d days", days), days);
                if (!h)
                        return g_steal_pointer(&dtext);
                /* TRANSLATORS: a span of time, as in "2 days 3h": %1$s is "2 days", %2$d the
                 * hours. */
                return g_strdup_printf(_("%1$s %2$dh"), dtext, h);
        }
        if (h >= 1)
                /* TRANSLATORS: hours and minutes of a span of time, as in "1h 30min". */
                return m ? g_strdup_printf(_("%1$dh %2$dmin"), h, m)
                         /* TRANSLATORS: hours of a span of time, as in "3h". */
                         : g_strdup_printf(_("%dh"), h);
        if (m >= 1)
                /* TRANSLATORS: minutes of a span of time, as in "25min". */
                return g_strdup_printf(_("%dmin"), m);
        /* TRANSLATORS: seconds of a span of time, as in "40s". */
        return g_strdup_printf(_("%ds"), (int)s);
}

void json_append_string(GString *out, const char *s)
{
        g_string_append_c(out, '"');
        for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
                switch (*p) {
                case '"': g_string_append(out, "\\\""); break;
                case '\\': g_string_append(out, "\\\\"); break;
                case '\n': g_string_append(out, "\\n"); break;
                case '\r': g_string_append(out, "\\r"); break;
                case '\t': g_string_append(out, "\\t"); break;
                default:
                        if (*p < 0x20 || *p == 0x7f)
                                g_string_append_printf(out, "\\u%04x", *p);
                        else
                                g_string_append_c(out, (char)*p);
                }
        }
        g_string_append_c(out, '"');
}

static bool digits(const char *s, size_t n)
{
        for (size_t i = 0; i < n; i++)
                if (!g_ascii_isdigit(s[i]))
                        return false;
        return true;
}

int parse_instant(const char *s, Tz *local, int64_t *out)
{
        size_t len = strlen(s);
        Ymd d;
        char date[11];
        if (len < 10)
                return -EINVAL;
        memcpy(date, s, 10);
        date[10] = '\0';
        if (parse_date(date, &d) < 0)
                return -EINVAL;
        if (len == 10) {
                *out = tz_resolve(local, d, 0);
                return 0;
        }
        if (s[10] == ' ' && len == 16) {
                int minute;
                if (parse_hhmm(s + 11, &minute) < 0)
                        return -EINVAL;
                *out = tz_resolve(local, d, minute);
                return 0;
        }
        /* RFC 3339: date 'T' hh:mm:ss [.frac] (Z | ±hh:mm) */
        if (len < 20 || (s[10] != 'T' && s[10] != 't') || s[13] != ':' || s[16] != ':' ||
            !digits(s + 11, 2) || !digits(s + 14, 2) || !digits(s + 17, 2))
                return -EINVAL;
        int h = (s[11] - '0') * 10 + (s[12] - '0');
        int m = (s[14] - '0') * 10 + (s[15] - '0');
        int sec = (s[17] - '0') * 10 + (s[18] - '0');
        if (h > 23 || m > 59 || sec > 60)
                return -EINVAL;
        const char *p = s + 19;
        if (*p == '.') {
                p++;
                if (!g_ascii_isdigit(*p))
                        return -EINVAL;
                while (g_ascii_isdigit(*p))
                        p++;
        }
        int32_t off;
        if ((*p == 'Z' || *p == 'z') && p[1] == '\0') {
                off = 0;
        } else if ((*p == '+' || *p == '-') && strlen(p) == 6 && digits(p + 1, 2) && p[3] == ':' &&
                   digits(p + 4, 2)) {
                int oh = (p[1] - '0') * 10 + (p[2] - '0'), om = (p[4] - '0') * 10 + (p[5] - '0');
                if (oh > 23 || om > 59)
                        return -EINVAL;
                off = (oh * 3600 + om * 60) * (*p == '-' ? -1 : 1);
        } else {
                return -EINVAL;
        }
        *out = civil_days(d) * 86400 + h * 3600LL + m * 60LL + MIN(sec, 59) - off;
        return 0;
}
