/* SPDX-License-Identifier: MIT */
/* Words of a reminder: which session, when, and which preparation prompt. */
#include "config.h"

#include "prompts.h"

#include <glib.h>

#include "civil.h"
#include "format.h"
#include "i18n.h"
#include "prompts-table.h"

static int64_t floor_mod(int64_t a, int64_t b)
{
        return a - civil_floor_div(a, b) * b;
}

size_t prompts_count(PromptKind kind)
{
        switch (kind) {
        case PROMPT_LAST:
                return G_N_ELEMENTS(prompts_table_last);
        case PROMPT_CHECKIN:
                return G_N_ELEMENTS(prompts_table_checkin);
        case PROMPT_REFLECT:
                break;
        }
        return G_N_ELEMENTS(prompts_table_reflect);
}

const char *prompts_get(PromptKind kind, size_t i)
{
        if (i >= prompts_count(kind))
                return NULL;
        if (kind == PROMPT_CHECKIN)
                return _(prompts_table_checkin[i]);
        return _(kind == PROMPT_LAST ? prompts_table_last[i] : prompts_table_reflect[i]);
}

/* The reminder an instant belongs to: the latest one at or before it (a snoozed re-send
 * keeps the words of the reminder it came from), else the first. */
static size_t reminder_index(const Occurrence *o, int64_t reminder_instant)
{
        size_t idx = 0;
        for (size_t k = 0; k < o->n_reminders; k++)
                if (o->reminders[k] <= reminder_instant)
                        idx = k;
        return idx;
}

PromptKind prompts_kind(const Occurrence *o, int64_t reminder_instant)
{
        if (o->n_reminders == 0)
                return o->start - reminder_instant < PROMPTS_LAST_WINDOW ? PROMPT_LAST
                                                                         : PROMPT_REFLECT;
        size_t i = reminder_index(o, reminder_instant);
        /* Judged on the scheduled instant, not the sending time: a late or snoozed send
         * keeps the kind its reminder was planned with. */
        if (i == o->n_reminders - 1 && o->start - o->reminders[i] < PROMPTS_LAST_WINDOW)
                return PROMPT_LAST;
        return PROMPT_REFLECT;
}

/* The week of a local date: weeks start on Monday; 1970-01-05 (day 4) was one. */
static int64_t week_of(int64_t days)
{
        return civil_floor_div(days - 4, 7);
}

/* A calendar's session: its week, plus how many of the series' sessions came before it in
 * that week. A session a week moves one step on each week, as a weekly series does, and
 * the number stays the same when the calendar is read again (an index among the sessions
 * would shift as past ones leave the span that is read). */
static int64_t calendar_ordinal(const Series *s, const Occurrence *o, int64_t days)
{
        int64_t week = week_of(days), rank = 0;
        size_t i;
        if (!series_session_index(s, o->start, &i))
                return week;
        /* At most a few sessions a week in practice: the bound keeps a junk calendar cheap. */
        while (i > 0 && rank < 64) {
                const CalSession *c = &s->sessions[--i];
                Ymd d;
                tz_local(c->tz, c->start, &d, NULL);
                if (week_of(civil_days(d)) != week)
                        break;
                rank++;
        }
        return week + rank;
}

/* A counter that grows by exactly one from each session of a series to the next one (skipped
 * dates aside), derived from the occurrence alone, so that no state is needed to make
 * consecutive reminders differ. */
static int64_t occurrence_ordinal(const Occurrence *o)
{
        const Series *s = o->series;
        int64_t days = civil_days(o->local.date);
        int64_t every = s->every >= 1 ? s->every : 1;

        switch (s->kind) {
        case REPEAT_WEEKLY: {
                int64_t week = week_of(days);
                unsigned wd = (unsigned) civil_weekday(days);
                unsigned mask = s->weekdays & 0xfeu;
                int per_week = __builtin_popcount(mask);
                int rank = __builtin_popcount(mask & ((1u << wd) - 1u));
                if (per_week == 0)
                        per_week = 1;
                return civil_floor_div(week, every) * per_week + rank;
        }
        case REPEAT_MONTHLY_NTH:
        case REPEAT_MONTHLY_DAY: {
                int64_t months = (int64_t) o->local.date.y * 12 + (o->local.date.m - 1);
                return civil_floor_div(months, every);
        }
        case REPEAT_ONCE:
                for (size_t k = 0; k < s->n_once; k++)
                        if (civil_days(s->once[k].date) == days &&
                            s->once[k].minute == o->local.minute)
                                return (int64_t) k;
                return days;
        case REPEAT_CALENDAR:
                return calendar_ordinal(s, o, days);
        }
        return days;
}

/* FNV-1a: a stable spread per series, so two series do not show the same prompt at once. */
static uint32_t id_hash(const char *id)
{
        uint32_t h = 2166136261u;
        for (const unsigned char *p = (const unsigned char *) (id ? id : ""); *p; p++) {
                h ^= *p;
                h *= 16777619u;
        }
        return h;
}

const char *prompts_pick(const Occurrence *o, int64_t reminder_instant)
{
        PromptKind kind = prompts_kind(o, reminder_instant);
        int64_t m = (int64_t) prompts_count(kind);
        int64_t ordinal = occurrence_ordinal(o);
        int64_t slot;

        if (kind == PROMPT_LAST) {
                slot = ordinal;
        } else {
                /* Reflective reminders come first in an occurrence: number them across
                 * occurrences, so each one moves one step on from the one before. */
                int64_t stride = (int64_t) o->n_reminders;
                if (stride > 0 && prompts_kind(o, o->reminders[o->n_reminders - 1]) == PROMPT_LAST)
                        stride--;
                if (stride < 1)
                        stride = 1;
                int64_t i = o->n_reminders > 0 ? (int64_t) reminder_index(o, reminder_instant) : 0;
                slot = ordinal * stride + i;
        }
        int64_t idx = (floor_mod(slot, m) + (int64_t) (id_hash(o->series->id) % (uint32_t) m)) % m;
        return prompts_get(kind, (size_t) idx);
}

/* TRANSLATORS: the "when" of a reminder's title comes after the session's title, as in
 * "Therapy in 20 minutes" or "Therapy tomorrow at 14:00"; see "%1$s %2$s%3$s". */
static char *format_minutes(int mins)
{
        if (mins < 60)
                return g_strdup_printf(ngettext("in %d minute", "in %d minutes", mins), mins);
        int h = mins / 60, rem = mins % 60;
        if (rem == 0)
                return g_strdup_printf(ngettext("in %d hour", "in %d hours", h), h);
        g_autofree char *hours = g_strdup_printf(ngettext("%d hour", "%d hours", h), h);
        g_autofree char *minutes = g_strdup_printf(ngettext("%d minute", "%d minutes", rem), rem);
        /* TRANSLATORS: %1$s is "2 hours", %2$s is "15 minutes". */
        return g_strdup_printf(_("in %1$s %2$s"), hours, minutes);
}

char *prompts_when(int64_t start, int64_t now, Tz *display_tz)
{
        Ymd ds, dn;
        int ss, sn;
        int64_t left = start - now;

        tz_local(display_tz, start, &ds, &ss);
        tz_local(display_tz, now, &dn, &sn);
        char clock[8];
        g_snprintf(clock, sizeof clock, "%02d:%02d", ss / 3600, ss / 60 % 60);

        /* TRANSLATORS: in these, %s (or the last one) is a clock time, "14:00". */
        if (left <= -60)
                return g_strdup_printf(_("started at %s"), clock);
        if (left < 30)
                return g_strdup(_("starting now"));

        /* Within two hours, the time left says more than the clock time, and it stays
         * true when a reminder goes out late. */
        int64_t mins = (left + 30) / 60;
        if (mins < 120)
                return format_minutes((int) mins);

        int64_t dd = civil_days(ds) - civil_days(dn);
        if (dd == 0)
                return g_strdup_printf(_("today at %s"), clock);
        if (dd == 1)
                return g_strdup_printf(_("tomorrow at %s"), clock);
        /* The locale's names, as the C library has them ("Monday", "December" in C). */
        const char *wd = format_weekday_name(civil_weekday(civil_days(ds)), false);
        const char *month = format_month_name(ds.m, false);
        if (dd > 1 && dd < 7)
                /* TRANSLATORS: %1$s is a weekday ("Monday"), %2$s a clock time ("14:00"). */
                return g_strdup_printf(_("on %1$s at %2$s"), wd, clock);
        if (ds.y == dn.y)
                /* TRANSLATORS: %1$s is a weekday ("Monday"), %2$d the day of the month,
                 * %3$s the month ("December"), %4$s a clock time ("14:00"). */
                return g_strdup_printf(_("on %1$s, %2$d %3$s at %4$s"), wd, ds.d, month, clock);
        /* TRANSLATORS: %1$s is a weekday ("Monday"), %2$d the day of the month, %3$s the
         * month ("December"), %4$d the year, %5$s a clock time ("14:00"). */
        return g_strdup_printf(_("on %1$s, %2$d %3$s %4$d at %5$s"), wd, ds.d, month, ds.y,
                               clock);
}

/* " (14:00 CET)" when the session's own zone shows another clock time than the person's;
 * else "". A person who travels still sees the time their therapist will expect them. */
static char *session_zone_note(const Occurrence *o, Tz *display_tz)
{
        Tz *stz = o->tz;
        if (!stz || !display_tz || tz_offset_at(stz, o->start) == tz_offset_at(display_tz, o->start))
                return g_strdup("");
        Ymd d;
        int sec;
        tz_local(stz, o->start, &d, &sec);
        return g_strdup_printf(" (%02d:%02d %s)", sec / 3600, sec / 60 % 60,
                               tz_abbrev_at(stz, o->start));
}

void prompts_compose(const Occurrence *o, int64_t reminder_instant, int64_t now, Tz *display_tz,
                     char **summary, char **body) {
        const Series *s = o->series;
        g_autofree char *when = prompts_when(o->start, now, display_tz);
        g_autofree char *note = NULL;

        if (s->privacy) {
                /* Only that a session is coming, and when: a lock screen or a shared
                 * screen may show it. */
                /* TRANSLATORS: the title of a reminder with privacy = on; %s is when
                 * ("in 20 minutes", "tomorrow at 14:00"). */
                *summary = g_strdup_printf(_("Session %s"), when);
                *body = g_strdup("");
                return;
        }
        note = session_zone_note(o, display_tz);
        /* TRANSLATORS: a reminder's title: %1$s is the session's title ("Therapy"), %2$s
         * when ("in 20 minutes", "tomorrow at 14:00"), %3$s empty or the time in the
         * session's own zone (" (14:00 CET)"). */
        *summary = g_strdup_printf(_("%1$s %2$s%3$s"), o->title, when, note);
        if (s->prompt && s->prompt[0])
                *body = g_strdup(s->prompt);
        else
                *body = g_strdup(prompts_pick(o, reminder_instant));
}

void prompts_compose_checkin(const Occurrence *o, char **summary, char **body)
{
        const Series *s = o->series;
        if (s->privacy) {
                *summary = g_strdup(_("After your session"));
                *body = g_strdup("");
                return;
        }
        int64_t m = (int64_t) prompts_count(PROMPT_CHECKIN);
        int64_t idx = (floor_mod(occurrence_ordinal(o), m) +
                       (int64_t) (id_hash(s->id) % (uint32_t) m)) % m;
        /* TRANSLATORS: the title of the check-in after a session; %s is the session's
         * title ("Therapy"). */
        *summary = g_strdup_printf(_("After %s"), o->title);
        *body = g_strdup(prompts_get(PROMPT_CHECKIN, (size_t) idx));
}
