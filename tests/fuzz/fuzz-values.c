/* SPDX-License-Identifier: MIT */
/* libFuzzer harness: each small parser (times, dates, weekdays, lead times, durations,
 * booleans, numbers, --from instants) on the same bytes. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "timeparse.h"

static Tz *local;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        if (!local)
                local = tz_new("America/New_York");
        char *s = malloc(size + 1);
        memcpy(s, data, size);
        s[size] = '\0';
        int i;
        Ymd d;
        Lead l;
        int64_t v;
        bool b;
        if (parse_hhmm(s, &i) == 0 && (i < 0 || i >= 24 * 60))
                abort();
        if (parse_date(s, &d) == 0 && !civil_valid(d))
                abort();
        if (parse_weekday(s, &i) == 0 && (i < 1 || i > 7))
                abort();
        if (parse_lead(s, &l) == 0 && (l.days * 86400LL + l.seconds > LEAD_MAX_SECONDS || l.days < 0 ||
                                       l.seconds < 0))
                abort();
        if (parse_duration(s, &v) == 0 && (v < 60 || v > 12 * 3600))
                abort();
        parse_bool(s, &b);
        if (parse_uint_range(s, 1, 52, &i) == 0 && (i < 1 || i > 52))
                abort();
        parse_instant(s, local, &v);
        char *copy = strdup(s);
        str_trim(copy);
        free(copy);
        free(s);
        return 0;
}
