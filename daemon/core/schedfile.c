/* SPDX-License-Identifier: MIT */
/* The schedule file: the semantic pass, which builds the Schedule from what the scanner
 * read (schedfile-scan.c) and checks how the keys of a section fit together, and the
 * reading of the file itself. */
#include "config.h"

#include "schedfile.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fileio.h"
#include "i18n.h"
#include "schedfile-scan.h"
#include "schedfile-values.h"

#define TITLE_MAX 200
#define PROMPT_MAX 1000
#define NOTES_MAX 1024

/* ---- errors ---------------------------------------------------------------------------- */

void schedfile_errors_free(SchedfileErrors *e)
{
        if (!e)
                return;
        for (size_t i = 0; i < e->n_errors; i++)
                g_free(e->errors[i].message);
        g_free(e->errors);
        g_free(e->path);
        g_free(e);
}

char *schedfile_errors_format(const SchedfileErrors *e)
{
        GString *s = g_string_new(NULL);
        for (size_t i = 0; i < e->n_errors; i++) {
                if (e->errors[i].line)
                        g_string_append_printf(s, "%s:%u: %s\n", e->path, e->errors[i].line,
                                               e->errors[i].message);
                else
                        g_string_append_printf(s, "%s: %s\n", e->path, e->errors[i].message);
        }
        if (e->n_suppressed) {
                g_autofree char *more = g_strdup_printf(
                        ngettext("… and %zu more problem not shown", "… and %zu more problems not shown",
                                 e->n_suppressed),
                        e->n_suppressed);
                g_string_append_printf(s, "%s: %s\n", e->path, more);
        }
        return g_string_free(s, FALSE);
}

/* ---- keys ------------------------------------------------------------------------------ */

typedef enum {
        K_TITLE, K_WEEKLY, K_MONTHLY, K_ONCE, K_EVERY, K_START, K_UNTIL, K_SKIP,
        K_REMIND, K_DURATION, K_TIMEZONE, K_NOTES, K_PRIVACY, K_PROMPT, K_CHECKIN,
        K_CALENDAR, K_MATCH, K_REFRESH, K_COUNT
} KeyId;

static const struct {
        const char *name;
        bool in_defaults;
} keys[K_COUNT] = {
        [K_TITLE] = {"title", false},     [K_WEEKLY] = {"weekly", false},
        [K_MONTHLY] = {"monthly", false}, [K_ONCE] = {"once", false},
        [K_EVERY] = {"every", false},     [K_START] = {"start", false},
        [K_UNTIL] = {"until", false},     [K_SKIP] = {"skip", false},
        [K_REMIND] = {"remind", true},    [K_DURATION] = {"duration", true},
        [K_TIMEZONE] = {"timezone", true}, [K_NOTES] = {"notes", true},
        [K_PRIVACY] = {"privacy", true},  [K_PROMPT] = {"prompt", true},
        [K_CHECKIN] = {"checkin", true},  [K_CALENDAR] = {"calendar", false},
        [K_MATCH] = {"match", false},     [K_REFRESH] = {"refresh", false},
};

static size_t edit_distance(const char *a, const char *b)
{
        size_t la = strlen(a), lb = strlen(b);
        if (la > 32 || lb > 32)
                return SIZE_MAX;
        size_t row[33];
        for (size_t j = 0; j <= lb; j++)
                row[j] = j;
        for (size_t i = 1; i <= la; i++) {
                size_t diag = row[0];
                row[0] = i;
                for (size_t j = 1; j <= lb; j++) {
                        size_t up = row[j];
                        size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
                        row[j] = MIN(MIN(row[j] + 1, row[j - 1] + 1), diag + cost);
                        diag = up;
                }
        }
        return row[lb];
}

/* Words people write for a key, from other calendar and reminder programs: for the hint. */
static const struct {
        const char *word;
        KeyId key;
} synonyms[] = {
        {"zone", K_TIMEZONE},     {"tz", K_TIMEZONE},       {"tzid", K_TIMEZONE},
        {"time_zone", K_TIMEZONE}, {"time-zone", K_TIMEZONE}, {"reminder", K_REMIND},
        {"reminders", K_REMIND},  {"alarm", K_REMIND},      {"alarms", K_REMIND},
        {"alert", K_REMIND},      {"alerts", K_REMIND},     {"name", K_TITLE},
        {"summary", K_TITLE},     {"subject", K_TITLE},     {"length", K_DURATION},
        {"interval", K_EVERY},    {"end", K_UNTIL},         {"ends", K_UNTIL},
        {"from", K_START},        {"begin", K_START},       {"starts", K_START},
        {"except", K_SKIP},       {"exclude", K_SKIP},      {"exdate", K_SKIP},
        {"date", K_ONCE},         {"dates", K_ONCE},        {"url", K_CALENDAR},
        {"ics", K_CALENDAR},      {"feed", K_CALENDAR},     {"link", K_CALENDAR},
        {"check-in", K_CHECKIN},  {"check_in", K_CHECKIN},  {"private", K_PRIVACY},
};

/* The key KEY was most likely meant to be, or NULL: a word of another program, a typo
 * (two edits at most), or a key with a few letters more or fewer ('reminders'). */
static const char *likely_key(const char *key)
{
        for (size_t i = 0; i < G_N_ELEMENTS(synonyms); i++)
                if (strcmp(key, synonyms[i].word) == 0)
                        return keys[synonyms[i].key].name;
        const char *best = NULL;
        size_t best_d = SIZE_MAX;
        for (int k = 0; k < K_COUNT; k++) {
                size_t d = edit_distance(key, keys[k].name);
                if (d < best_d) {
                        best_d = d;
                        best = keys[k].name;
                }
        }
        if (best_d <= 2)
                return best;
        size_t lk = strlen(key);
        for (int k = 0; k < K_COUNT; k++) {
                size_t ln = strlen(keys[k].name);
                if (lk >= 4 && ln > lk && ln - lk <= 4 && g_str_has_suffix(keys[k].name, key))
                        return keys[k].name;
                if (lk > ln && lk - ln <= 3 && g_str_has_prefix(key, keys[k].name))
                        return keys[k].name;
        }
        return NULL;
}

static void report_unknown_key(Report *r, unsigned line, const char *key, bool defaults)
{
        const char *best = likely_key(key);
        if (best)
                report(r, line, _("unknown key '%s' (did you mean '%s'?)"), key, best);
        else if (defaults)
                report(r, line, _("unknown key '%s': [defaults] takes remind, duration, timezone, "
                                "notes, privacy, prompt and checkin"), key);
        else
                report(r, line, _("unknown key '%s': a session takes title, weekly, monthly, once, "
                                "calendar, match, refresh, every, start, until, skip, remind, "
                                "duration, timezone, notes, privacy, prompt and checkin"), key);
}

/* ---- the semantic pass ----------------------------------------------------------------- */

typedef struct {
        const char *id;
        const char *spelling;          /* as written, for the default title */
        unsigned line;                 /* of the header */
        const char *value[K_COUNT];    /* NULL when not set */
        unsigned vline[K_COUNT];
} Section;

/* What [defaults] gives every session. */
typedef struct {
        Lead leads[SCHEDULE_MAX_LEADS];
        size_t n_leads;
        int64_t duration;
        Tz *tz;
        const char *notes;
        bool privacy;
        const char *prompt;
        bool has_checkin;
        int64_t checkin;
} Defaults;

/* Keys shared by [defaults] and sessions; fills `d` from `sec`. */
static bool parse_common(Report *r, GHashTable *zones, const Section *sec, Defaults *d)
{
        bool ok = true;
        const char *v;
        if ((v = sec->value[K_REMIND]))
                ok &= value_remind(r, sec->vline[K_REMIND], v, d->leads, &d->n_leads);
        if ((v = sec->value[K_DURATION]) && parse_duration(v, &d->duration) < 0) {
                report(r, sec->vline[K_DURATION], _("'%s' is not a duration: use 1m to 12h, as in "
                                                  "50m, 1h or 1h30m"), v);
                ok = false;
        }
        if ((v = sec->value[K_TIMEZONE])) {
                Tz *tz = value_tz(r, zones, sec->vline[K_TIMEZONE], v);
                if (tz) {
                        tz_unref(d->tz);
                        d->tz = tz;
                } else {
                        ok = false;
                }
        }
        if ((v = sec->value[K_NOTES])) {
                ok &= value_text(r, sec->vline[K_NOTES], "notes", v, NOTES_MAX);
                d->notes = v;
        }
        if ((v = sec->value[K_PRIVACY]) && parse_bool(v, &d->privacy) < 0) {
                report(r, sec->vline[K_PRIVACY], _("'%s' is not on or off (yes/no, true/false and "
                                                 "1/0 work too)"), v);
                ok = false;
        }
        if ((v = sec->value[K_PROMPT])) {
                ok &= value_text(r, sec->vline[K_PROMPT], "prompt", v, PROMPT_MAX);
                d->prompt = v;
        }
        if ((v = sec->value[K_CHECKIN]))
                ok &= value_checkin(r, sec->vline[K_CHECKIN], v, &d->has_checkin, &d->checkin);
        return ok;
}

/* The keys that say when the sessions take place, which a calendar says itself. */
static bool calendar_conflicts(Report *r, const Section *sec)
{
        static const KeyId others[] = {K_WEEKLY, K_MONTHLY, K_ONCE, K_EVERY, K_START, K_UNTIL};
        bool ok = true;
        for (size_t i = 0; i < G_N_ELEMENTS(others); i++) {
                KeyId k = others[i];
                if (!sec->value[k])
                        continue;
                ok = false;
                if (k <= K_ONCE)
                        report(r, sec->vline[k], _("[%1$s] already has calendar (line %2$u): a "
                                                 "session comes from a calendar or from weekly, "
                                                 "monthly or once, not both"),
                               sec->id, sec->vline[K_CALENDAR]);
                else
                        /* TRANSLATORS: %1$s is every, start or until: keep it as it is. */
                        report(r, sec->vline[k], _("%1$s does not apply to sessions from a "
                                                 "calendar (line %2$u): the calendar says when "
                                                 "they take place; remove %1$s, or leave dates "
                                                 "out with skip"),
                               keys[k].name, sec->vline[K_CALENDAR]);
        }
        return ok;
}

/* weekly, monthly, once or calendar: exactly one of them. */
static bool series_when(Report *r, const Section *sec, Series *s, KeyId *kind_out)
{
        bool ok = true;
        KeyId kind = K_COUNT;
        if (sec->value[K_CALENDAR]) {
                *kind_out = K_CALENDAR;
                s->kind = REPEAT_CALENDAR;
                return calendar_conflicts(r, sec);
        }
        for (KeyId k = K_WEEKLY; k <= K_ONCE; k++) {
                if (!sec->value[k])
                        continue;
                if (kind != K_COUNT) {
                        report(r, sec->vline[k], _("[%s] already has %s (line %u): a session is "
                                                 "weekly, monthly or once, not several"),
                               sec->id, keys[kind].name, sec->vline[kind]);
                        ok = false;
                        continue;
                }
                kind = k;
        }
        *kind_out = kind;
        if (kind == K_WEEKLY)
                return value_weekly(r, sec->vline[kind], sec->value[kind], s) && ok;
        if (kind == K_MONTHLY)
                return value_monthly(r, sec->vline[kind], sec->value[kind], s) && ok;
        if (kind == K_ONCE)
                return value_once(r, sec->vline[kind], sec->value[kind], s) && ok;
        report(r, sec->line, _("[%s] does not say when it takes place: add weekly (Tue 14:00), "
                             "monthly (2nd Wed 17:00), once (2026-12-02 09:30) or calendar "
                             "(~/calendar.ics, or a link)"), sec->id);
        return false;
}

static bool series_every(Report *r, const Section *sec, KeyId kind, Series *s)
{
        const char *v = sec->value[K_EVERY];
        if (!v)
                return true;
        if (parse_uint_range(v, 1, 52, &s->every) < 0) {
                report(r, sec->vline[K_EVERY], _("'%s' is not a whole number from 1 to 52"), v);
                return false;
        }
        if (kind == K_ONCE) {
                report(r, sec->vline[K_EVERY], _("every applies to weekly and monthly "
                                               "sessions, not to once"));
                return false;
        }
        if (s->every > 1 && !sec->value[K_START]) {
                report(r, sec->vline[K_EVERY], _("every = %d needs a start date to count "
                                               "from: add start = YYYY-MM-DD"), s->every);
                return false;
        }
        return true;
}

/* The date of `key`, when it is set: *has tells whether it was set and good. */
static bool series_date(Report *r, const Section *sec, KeyId key, Ymd *date, bool *has,
                        int64_t *days)
{
        const char *v = sec->value[key];
        if (!v)
                return true;
        if (parse_date(v, date) < 0) {
                report(r, sec->vline[key], _("'%s' is not a date: %s"), v, _(HINT_DATE));
                return false;
        }
        *has = true;
        *days = civil_days(*date);
        return true;
}

/* start and until. */
static bool series_span(Report *r, const Section *sec, Series *s)
{
        bool ok = series_date(r, sec, K_START, &s->start, &s->has_start, &s->start_days);
        if (!series_date(r, sec, K_UNTIL, &s->until, &s->has_until, &s->until_days))
                return false;
        if (s->has_start && s->has_until && s->until_days < s->start_days) {
                report(r, sec->vline[K_UNTIL], _("until (%s) is before start (%s)"),
                       sec->value[K_UNTIL], sec->value[K_START]);
                return false;
        }
        return ok;
}

/* calendar, match and refresh; match and refresh only with a calendar. */
static bool series_calendar(Report *r, const Section *sec, bool exposed, Series *s)
{
        const char *v;
        if (!sec->value[K_CALENDAR]) {
                bool ok = true;
                if (sec->value[K_MATCH]) {
                        report(r, sec->vline[K_MATCH], _("match chooses among the events of a "
                                                       "calendar, and [%s] has none: add "
                                                       "calendar, or remove match"), sec->id);
                        ok = false;
                }
                if (sec->value[K_REFRESH]) {
                        report(r, sec->vline[K_REFRESH], _("refresh says how often to fetch a "
                                                         "calendar link, and [%s] has none: add "
                                                         "calendar, or remove refresh"), sec->id);
                        ok = false;
                }
                return ok;
        }
        CalendarSpec *c = NULL;
        bool ok = value_calendar(r, sec->vline[K_CALENDAR], sec->id, sec->value[K_CALENDAR],
                                 exposed, &c);
        char **match = NULL;
        if ((v = sec->value[K_MATCH]))
                ok &= value_match(r, sec->vline[K_MATCH], v, &match);
        int64_t refresh = 0;
        if ((v = sec->value[K_REFRESH])) {
                ok &= value_refresh(r, sec->vline[K_REFRESH], v, &refresh);
                if (c && !c->url) {
                        report(r, sec->vline[K_REFRESH], _("refresh is only for calendar links: a "
                                                         "calendar file or folder is read again "
                                                         "whenever it changes; remove refresh"));
                        ok = false;
                }
        }
        if (c) {
                c->match = g_steal_pointer(&match);
                c->refresh = refresh;
                s->calendar = c;
        }
        g_strfreev(match);
        return ok;
}

static bool build_series(Report *r, GHashTable *zones, const Section *sec,
                         const Defaults *defaults, bool exposed, Series *s)
{
        Defaults d = *defaults;
        d.tz = tz_ref(defaults->tz);
        bool ok = parse_common(r, zones, sec, &d);
        const char *v;

        s->id = g_strdup(sec->id);
        s->every = 1;
        if ((v = sec->value[K_TITLE]))
                ok &= value_text(r, sec->vline[K_TITLE], "title", v, TITLE_MAX);
        s->title = g_strdup(v ? v : sec->spelling);
        s->has_title = v != NULL;

        KeyId kind;
        ok &= series_when(r, sec, s, &kind);
        ok &= series_calendar(r, sec, exposed, s);
        if (kind != K_CALENDAR) {
                ok &= series_every(r, sec, kind, s);
                ok &= series_span(r, sec, s);
        }
        if ((v = sec->value[K_SKIP]))
                ok &= value_skip(r, sec->vline[K_SKIP], v, s);

        memcpy(s->leads, d.leads, sizeof(d.leads));
        s->n_leads = d.n_leads;
        s->duration = d.duration;
        s->tz = d.tz;
        s->notes_dir = g_strdup(d.notes);
        s->privacy = d.privacy;
        s->prompt = g_strdup(d.prompt);
        s->has_checkin = d.has_checkin;
        s->checkin = d.checkin;
        return ok;
}

static void fill_section(Report *r, GStringChunk *text, Section *sec, const char *key,
                         const char *value, unsigned line, bool defaults)
{
        for (int k = 0; k < K_COUNT; k++) {
                if (strcmp(key, keys[k].name) != 0)
                        continue;
                if (defaults && !keys[k].in_defaults) {
                        report(r, line, _("'%s' belongs to a session, not to [defaults]"), key);
                        return;
                }
                sec->value[k] = g_string_chunk_insert(text, value);
                sec->vline[k] = line;
                return;
        }
        report_unknown_key(r, line, key, defaults);
}

static int cmp_series(const void *a, const void *b)
{
        return strcmp(((const Series *)a)->id, ((const Series *)b)->id);
}

/* What each section says, and on which lines, as the scanner hands them over: the text
 * of each lives in `text` until the end of the parse. */
typedef struct {
        Report *r;
        GArray *sections; /* of Section */
        GStringChunk *text;
        ssize_t defaults_index; /* of [defaults], or -1 */
} Reading;

static void take_section(const ScanSection *ss, void *userdata)
{
        Reading *rd = userdata;
        Section sec = {
                .id = g_string_chunk_insert(rd->text, ss->id),
                .spelling = g_string_chunk_insert(rd->text, ss->spelling),
                .line = ss->line,
        };
        bool defaults = !strcmp(sec.id, "defaults");
        if (defaults)
                rd->defaults_index = rd->sections->len;
        for (guint k = 0; k < ss->keys->len; k++) {
                const ScanKey *key = &g_array_index(ss->keys, ScanKey, k);
                fill_section(rd->r, rd->text, &sec, key->name, scan_value(ss, key), key->line,
                             defaults);
        }
        g_array_append_val(rd->sections, sec);
}

/* schedfile_parse_buf(); `exposed` says that users other than the owner can read the file,
 * which may then hold no calendar link (it is a secret). */
static Schedule *parse(const char *path, const char *buf, size_t len, Tz *local, bool exposed,
                       SchedfileErrors **errors)
{
        Report r;
        report_init(&r, path);
        /* No more sections than '[' in the text: sized once, as a Section is large (but
         * not beyond a few thousand: a file of brackets would ask for a gigabyte). */
        guint headers = 1;
        for (const char *p = buf; headers < 4096 && (p = memchr(p, '[', len - (size_t)(p - buf)));
             p++)
                headers++;
        Reading rd = {&r, g_array_sized_new(FALSE, FALSE, sizeof(Section), headers),
                      g_string_chunk_new(4096), -1};
        scan_buf(&r, buf, len, take_section, &rd);
        g_autoptr(GHashTable) zones = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                                            (GDestroyNotify)tz_unref);
        const Section *sections = (const Section *)(void *)rd.sections->data;
        guint n_sections = rd.sections->len;
        ssize_t defaults_index = rd.defaults_index;

        Defaults d = {.n_leads = 2, .duration = 50 * 60LL, .tz = tz_ref(local)};
        d.leads[0] = (Lead){1, 0};    /* 1d */
        d.leads[1] = (Lead){0, 3600}; /* 1h */
        if (defaults_index >= 0)
                parse_common(&r, zones, &sections[defaults_index], &d);

        Schedule *sched = schedule_new();
        sched->series = g_new0(Series, MAX(n_sections, 1));
        for (guint i = 0; i < n_sections; i++)
                if ((ssize_t)i != defaults_index)
                        build_series(&r, zones, &sections[i], &d, exposed,
                                     &sched->series[sched->n_series++]);
        qsort(sched->series, sched->n_series, sizeof(Series), cmp_series);
        tz_unref(d.tz);
        g_array_free(rd.sections, TRUE);
        g_string_chunk_free(rd.text);

        *errors = report_finish(&r);
        if (*errors) {
                schedule_free(sched);
                return NULL;
        }
        return sched;
}

Schedule *schedfile_parse_buf(const char *path, const char *buf, size_t len, Tz *local,
                           SchedfileErrors **errors)
{
        return parse(path, buf, len, local, false, errors);
}

/* ---- reading the file ------------------------------------------------------------------ */

static const FileRules schedule_rules = {
        .what = N_("schedule"),
        .max_size = SCHEDFILE_MAX_SIZE,
        /* A link is followed: a schedule kept in a dotfiles repository is linked into place.
         * NUL bytes and invalid UTF-8 are the scanner's to report, with their lines. */
        .flags = 0,
};

static SchedfileErrors *file_error(const char *path, char *message)
{
        SchedfileErrors *e = g_new0(SchedfileErrors, 1);
        e->path = g_strdup(path);
        e->n_errors = 1;
        e->errors = g_new0(SchedfileError, 1);
        e->errors[0].message = message;
        return e;
}

Schedule *schedfile_load_text(const char *path, Tz *local, SchedfileErrors **errors,
                              int *error_out, char **text_out, size_t *len_out)
{
        g_autofree char *buf = NULL;
        char *why = NULL;
        size_t len = 0;
        int r = fileio_read(path, &schedule_rules, &buf, &len, &why);
        *error_out = r;
        if (r < 0) {
                *errors = file_error(path, why);
                return NULL;
        }
        /* fileio_read() has checked who may change the file; who may read it matters too
         * when it holds a calendar link. The file was just read through the same path. */
        struct stat st;
        bool exposed = stat(path, &st) == 0 && (st.st_mode & (S_IRGRP | S_IROTH));
        Schedule *s = parse(path, buf, len, local, exposed, errors);
        if (text_out) {
                *text_out = g_steal_pointer(&buf);
                *len_out = len;
        }
        return s;
}

Schedule *schedfile_load(const char *path, Tz *local, SchedfileErrors **errors, int *error_out)
{
        return schedfile_load_text(path, local, errors, error_out, NULL, NULL);
}
