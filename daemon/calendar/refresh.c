/* SPDX-License-Identifier: MIT */
/* REFRESH-INTERVAL and X-PUBLISHED-TTL (refresh.h), read from the lines of the VCALENDAR
 * before its first component: where calendar properties stand. */
#include "config.h"

#include "refresh.h"

#include <glib.h>
#include <libical/ical.h>
#include <stdbool.h>
#include <string.h>

/* Longer lines are no duration property anyway. */
#define LINE_MAX_SCAN 256

/* The duration of a "NAME;params:VALUE" line, when NAME is `name`; -1 otherwise. */
static int64_t duration_of(const char *line, size_t n, const char *name)
{
        size_t k = strlen(name);
        if (n <= k || g_ascii_strncasecmp(line, name, k) != 0 || (line[k] != ':' && line[k] != ';'))
                return -1;
        const char *colon = memchr(line + k, ':', n - k);
        if (!colon || n - (size_t)(colon + 1 - line) >= LINE_MAX_SCAN)
                return -1;
        char value[LINE_MAX_SCAN];
        size_t vlen = n - (size_t)(colon + 1 - line);
        memcpy(value, colon + 1, vlen);
        value[vlen] = '\0';
        g_strstrip(value);
        struct icaldurationtype d = icaldurationtype_from_string(value);
        if (icaldurationtype_is_bad_duration(d) || d.is_neg)
                return 0;
        /* In 64 bits: icaldurationtype_as_int() overflows an int on a long duration. */
        int64_t s = ((int64_t)d.weeks * 7 + d.days) * 86400 + (int64_t)d.hours * 3600 +
                    (int64_t)d.minutes * 60 + d.seconds;
        return MIN(s, (int64_t)366 * 86400);
}

int64_t refresh_interval(const char *text, size_t len)
{
        int64_t ttl = 0;
        const char *p = text, *end = text + len;
        bool in_calendar = false;
        while (p < end) {
                const char *nl = memchr(p, '\n', (size_t)(end - p));
                size_t n = (size_t)((nl ? nl : end) - p);
                if (n > 0 && p[n - 1] == '\r')
                        n--;
                if (!in_calendar) {
                        in_calendar = n == 15 && g_ascii_strncasecmp(p, "BEGIN:VCALENDAR", 15) == 0;
                } else if (n >= 6 && g_ascii_strncasecmp(p, "BEGIN:", 6) == 0) {
                        break; /* the first component: no calendar properties after it */
                } else {
                        int64_t v = duration_of(p, n, "REFRESH-INTERVAL");
                        if (v >= 0)
                                return v; /* RFC 7986's name wins */
                        v = duration_of(p, n, "X-PUBLISHED-TTL");
                        if (v >= 0 && ttl == 0)
                                ttl = v;
                }
                if (!nl)
                        break;
                p = nl + 1;
        }
        return ttl;
}
