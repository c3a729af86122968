/* SPDX-License-Identifier: MIT */
/* Time zones over GTimeZone, with RFC 5545 resolution of local times and an offset cache. */
#include "config.h"

#include "tz.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

/* GTimeZone looks intervals up linearly; a year of a thousand series asks for millions of
 * offsets. Most UTC days hold no transition, so one offset per day answers nearly all. */
#define DAY 86400
#define CACHE_SLOTS 1024

typedef struct {
        int64_t day;       /* UTC day number, or INT64_MIN when empty */
        int64_t switch_at; /* instant of a transition within the day, else INT64_MAX */
        int32_t before;    /* offset before switch_at */
        int32_t after;     /* offset from switch_at on */
} CacheSlot;

struct Tz {
        int refcount;
        GTimeZone *gtz;
        char *name;
        CacheSlot cache[CACHE_SLOTS];
};

static Tz *tz_wrap(GTimeZone *gtz, const char *name)
{
        Tz *tz = g_new0(Tz, 1);
        tz->refcount = 1;
        tz->gtz = gtz;
        tz->name = g_strdup(name);
        for (size_t i = 0; i < CACHE_SLOTS; i++)
                tz->cache[i].day = INT64_MIN;
        return tz;
}

/* IANA names are made of letters, digits and "/_-+"; refusing anything else keeps a name
 * from the file from naming some other file ("../../etc/passwd", "/dev/zero"). */
static bool identifier_ok(const char *id)
{
        if (!id || !g_ascii_isalpha(id[0]) || strlen(id) > 64 || strstr(id, ".."))
                return false;
        for (const char *p = id; *p; p++)
                if (!g_ascii_isalnum(*p) && !strchr("/_-+", *p))
                        return false;
        return true;
}

/* Only names of zone files are zones. GLib would also take a POSIX TZ string ("GMT+1",
 * which means UTC-1, or "XYZ-3"): not an IANA name, and a silent trap. And a file there that
 * is no zone ("leapseconds") makes GLib fail an assertion, a g_critical. "UTC" GLib knows
 * even without the zone files. */
static bool zone_file(const char *id)
{
        if (!strcmp(id, "UTC"))
                return true;
        const char *dir = g_getenv("TZDIR");
        g_autofree char *path = g_build_filename(dir && *dir ? dir : "/usr/share/zoneinfo", id,
                                                 NULL);
        int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
        if (fd < 0)
                return false;
        char magic[4];
        ssize_t n = read(fd, magic, sizeof(magic));
        close(fd);
        return n == (ssize_t)sizeof(magic) && memcmp(magic, "TZif", sizeof(magic)) == 0;
}

Tz *tz_new(const char *identifier)
{
        if (!identifier_ok(identifier) || !zone_file(identifier))
                return NULL;
        GTimeZone *gtz = g_time_zone_new_identifier(identifier);
        if (!gtz)
                return NULL;
        return tz_wrap(gtz, identifier);
}

Tz *tz_new_local(void)
{
        GTimeZone *gtz = g_time_zone_new_local();
        const char *id = g_time_zone_get_identifier(gtz);
        return tz_wrap(gtz, id && *id ? id : "local");
}

Tz *tz_ref(Tz *tz)
{
        if (tz)
                tz->refcount++;
        return tz;
}

void tz_unref(Tz *tz)
{
        if (!tz || --tz->refcount > 0)
                return;
        g_time_zone_unref(tz->gtz);
        g_free(tz->name);
        g_free(tz);
}

const char *tz_name(const Tz *tz)
{
        return tz->name;
}

static int32_t offset_uncached(Tz *tz, int64_t t)
{
        int interval = g_time_zone_find_interval(tz->gtz, G_TIME_TYPE_UNIVERSAL, t);
        return g_time_zone_get_offset(tz->gtz, interval < 0 ? 0 : interval);
}

int32_t tz_offset_at(Tz *tz, int64_t t)
{
        int64_t day = civil_floor_div(t, DAY);
        CacheSlot *slot = &tz->cache[(uint64_t)day % CACHE_SLOTS];
        if (slot->day != day) {
                int64_t lo = day * DAY, hi = day * DAY + DAY - 1;
                int32_t first = offset_uncached(tz, lo);
                int32_t last = offset_uncached(tz, hi);
                slot->switch_at = INT64_MAX;
                if (first != last) {
                        /* A transition falls on this day: find its second once. (No zone
                         * changes its offset twice within a day.) */
                        while (lo < hi) {
                                int64_t mid = lo + (hi - lo) / 2;
                                if (offset_uncached(tz, mid) == first)
                                        lo = mid + 1;
                                else
                                        hi = mid;
                        }
                        slot->switch_at = lo;
                }
                slot->day = day;
                slot->before = first;
                slot->after = last;
        }
        return t < slot->switch_at ? slot->before : slot->after;
}

const char *tz_abbrev_at(Tz *tz, int64_t t)
{
        int interval = g_time_zone_find_interval(tz->gtz, G_TIME_TYPE_UNIVERSAL, t);
        return g_time_zone_get_abbreviation(tz->gtz, interval < 0 ? 0 : interval);
}

int64_t tz_resolve(Tz *tz, Ymd date, int minute)
{
        return tz_resolve_days(tz, civil_days(date), minute);
}

int64_t tz_resolve_days(Tz *tz, int64_t days, int minute)
{
        /* The local time read as if it were UTC. */
        int64_t naive = days * DAY + (int64_t)minute * 60;
        /* Offsets a day either side: no zone changes its offset twice within two days. */
        int32_t before = tz_offset_at(tz, naive - DAY);
        int32_t after = tz_offset_at(tz, naive + DAY);
        if (before == after) /* no change of offset nearby: the usual case */
                return naive - before;

        bool before_ok = tz_offset_at(tz, naive - before) == before;
        bool after_ok = tz_offset_at(tz, naive - after) == after;

        if (before_ok && after_ok) /* one instant, or two (fall back): the first */
                return MIN(naive - before, naive - after);
        if (before_ok)
                return naive - before;
        if (after_ok)
                return naive - after;
        /* In a gap: the offset in force before the transition moves the time forward by
         * the length of the gap (RFC 5545, 3.3.5). */
        return naive - before;
}

void tz_local(Tz *tz, int64_t t, Ymd *date, int *second_of_day)
{
        int64_t local = t + tz_offset_at(tz, t);
        int64_t days = civil_floor_div(local, DAY);
        if (date)
                *date = civil_from_days(days);
        if (second_of_day)
                *second_of_day = (int)(local - days * DAY);
}
