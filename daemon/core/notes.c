/* SPDX-License-Identifier: MIT */
/* Notes files: their names, their template, and the pure text operations on notes. */
#include "config.h"

#include "notes.h"

#include "format.h"
#include "i18n.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "paths.h"
#include "timeparse.h"

#define NOTES_STILL_TO_ASK "Still to ask"

char *notes_dir(const Series *s)
{
        if (s && s->notes_dir && s->notes_dir[0])
                return paths_expand_home(s->notes_dir);
        return paths_default_notes_dir();
}

char *notes_file_name(const Occurrence *o)
{
        return g_strdup_printf("%04d-%02d-%02d-%s.md", o->local.date.y, o->local.date.m,
                               o->local.date.d, o->series->id);
}

char *notes_path(const Occurrence *o)
{
        g_autofree char *dir = notes_dir(o->series);
        g_autofree char *name = notes_file_name(o);
        return g_build_filename(dir, name, NULL);
}

/* One line of plain text: valid UTF-8, no line breaks (a title or a note must not be able to
 * start a heading of its own). */
static char *one_line(const char *s)
{
        char *v = g_utf8_make_valid(s ? s : "", -1);
        for (char *p = v; *p; p++)
                if (*p == '\n' || *p == '\r' || *p == '\t')
                        *p = ' ';
        return g_strstrip(v);
}

char *notes_template(const char *title, Ymd date, int minute_of_day)
{
        /* TRANSLATORS: the title of a notes file for a session with privacy on. */
        g_autofree char *t = one_line(title && title[0] ? title : _("Session"));
        int wd = civil_weekday(civil_days(date));
        /* TRANSLATORS: the date line of a notes file: %1$s weekday, %2$d day, %3$s month,
         * %4$d year, %5$02d:%6$02d the time. */
        g_autofree char *when = g_strdup_printf(_("%1$s, %2$d %3$s %4$d, %5$02d:%6$02d"),
                                                format_weekday_name(wd, false), date.d,
                                                format_month_name(date.m, false), (int)date.y,
                                                minute_of_day / 60, minute_of_day % 60);
        return g_strdup_printf("# %s\n\n%s\n\n%s\n\n## %s\n\n## %s\n\n## %s\n\n", t, when,
                               _("A private place to get ready: write as much or as little as "
                                 "you like.\nNobody reads this unless you choose to share it."),
                               _(NOTES_HEADING_THOUGHTS), _(NOTES_HEADING_QUESTIONS),
                               _(NOTES_HEADING_AFTER));
}

char *notes_template_at(const char *title, int64_t start, Tz *tz)
{
        Ymd d;
        int sec;
        tz_local(tz, start, &d, &sec);
        return notes_template(title, d, sec / 60);
}

/* A Markdown ATX heading: one to six '#', then a blank or the end of the line. */
static bool is_heading(const char *l)
{
        size_t k = 0;
        while (l[k] == '#')
                k++;
        return k >= 1 && k <= 6 && (l[k] == ' ' || l[k] == '\t' || l[k] == '\0' || l[k] == '\r');
}

/* The parts' headings: written in the person's language, read in it or in English, so that
 * notes begun under another language keep their parts. */
static const char *const part_headings[] = {
        /* TRANSLATORS: headings of the parts of a session's notes file. */
        N_("Thoughts"),
        N_("Questions to ask"),
        N_("After the session"),
        /* TRANSLATORS: the heading of questions carried from an earlier session; the
         * heading "Still to ask (from %s)" must begin with this. */
        N_("Still to ask"),
};

static bool text_is(const char *text, const char *heading)
{
        return g_ascii_strcasecmp(text, heading) == 0 || strcmp(text, _(heading)) == 0;
}

/* Whether `text` names the part `heading` (English, or the person's language). */
static bool names_part(const char *text, const char *heading)
{
        for (size_t i = 0; i < G_N_ELEMENTS(part_headings); i++)
                if (strcmp(heading, part_headings[i]) == 0 ||
                    strcmp(heading, _(part_headings[i])) == 0)
                        return text_is(text, part_headings[i]);
        return text_is(text, heading);
}

const char *notes_heading(const char *english)
{
        return _(english);
}

static bool heading_is(const char *l, const char *heading)
{
        if (strncmp(l, "## ", 3) != 0)
                return false;
        g_autofree char *rest = g_strdup(l + 3);
        g_strstrip(rest);
        return names_part(rest, heading);
}

/* Whether a heading's text begins with `prefix` in English or the person's language. */
static bool starts_part(const char *text, const char *prefix)
{
        const char *own = _(prefix);
        return g_ascii_strncasecmp(text, prefix, strlen(prefix)) == 0 ||
               strncmp(text, own, strlen(own)) == 0;
}

static bool is_blank(const char *l)
{
        for (; *l; l++)
                if (*l != ' ' && *l != '\t' && *l != '\r')
                        return false;
        return true;
}

char *notes_insert(const char *text, const char *heading, const char *line)
{
        g_auto(GStrv) lines = g_strsplit(text ? text : "", "\n", -1);
        size_t n = g_strv_length(lines);
        GString *out = g_string_new(NULL);
        size_t h;

        for (h = 0; h < n; h++)
                if (heading_is(lines[h], heading))
                        break;

        if (h == n) {
                /* The person removed or renamed the heading: add it back at the end rather
                 * than lose the note. */
                g_string_append(out, text ? text : "");
                if (out->len > 0 && out->str[out->len - 1] != '\n')
                        g_string_append_c(out, '\n');
                if (out->len > 0 && !(out->len >= 2 && out->str[out->len - 2] == '\n'))
                        g_string_append_c(out, '\n');
                g_string_append_printf(out, "## %s\n%s\n", heading, line);
                return g_string_free(out, FALSE);
        }

        size_t end = h + 1;
        while (end < n && !is_heading(lines[end]))
                end++;
        size_t ins = h;
        for (size_t k = h + 1; k < end; k++)
                if (!is_blank(lines[k]))
                        ins = k;

        for (size_t k = 0; k < n; k++) {
                if (k > 0)
                        g_string_append_c(out, '\n');
                g_string_append(out, lines[k]);
                if (k == ins) {
                        g_string_append_c(out, '\n');
                        g_string_append(out, line);
                }
        }
        if (out->len == 0 || out->str[out->len - 1] != '\n')
                g_string_append_c(out, '\n');
        return g_string_free(out, FALSE);
}

/* "- [ ] …" (also "*" or "+", indented or not): a question not asked yet. */
static bool is_open_task(const char *l)
{
        while (*l == ' ' || *l == '\t')
                l++;
        return (l[0] == '-' || l[0] == '*' || l[0] == '+') && strncmp(l + 1, " [ ] ", 5) == 0;
}

unsigned notes_open_questions(const char *text)
{
        g_auto(GStrv) lines = g_strsplit(text ? text : "", "\n", -1);
        unsigned n = 0;
        for (size_t k = 0; lines[k]; k++)
                n += is_open_task(lines[k]);
        return n;
}

/* The heading's text after "## ", or NULL for any other line. */
static const char *level2(const char *l)
{
        return strncmp(l, "## ", 3) == 0 ? l + 3 : NULL;
}

/* Gathers from the earlier notes LINES their open questions (once each) and, as written,
 * what came after the session. */
static void gather_carried(char **lines, GPtrArray *questions, GString *after)
{
        enum { OTHER, QUESTIONS, AFTER } in = OTHER;
        size_t pending_blank = 0;

        for (size_t k = 0; lines[k]; k++) {
                const char *l = lines[k];
                if (is_heading(l)) {
                        const char *h = level2(l);
                        in = OTHER;
                        pending_blank = 0;
                        if (h && heading_is(l, NOTES_HEADING_QUESTIONS))
                                in = QUESTIONS;
                        /* Questions carried into the previous notes and still not asked
                         * carry on: a question is never dropped by being put off twice. */
                        else if (h && starts_part(h, NOTES_STILL_TO_ASK))
                                in = QUESTIONS;
                        else if (h && heading_is(l, NOTES_HEADING_AFTER))
                                in = AFTER;
                        continue;
                }
                if (in == QUESTIONS && is_open_task(l)) {
                        g_autofree char *t = g_strstrip(g_strdup(l));
                        bool seen = false;
                        for (size_t q = 0; q < questions->len && !seen; q++)
                                seen = strcmp(questions->pdata[q], t) == 0;
                        if (!seen)
                                g_ptr_array_add(questions, g_steal_pointer(&t));
                } else if (in == AFTER) {
                        /* Kept as written, without the blank lines around it. */
                        if (is_blank(l)) {
                                pending_blank += after->len > 0;
                                continue;
                        }
                        for (; pending_blank; pending_blank--)
                                g_string_append_c(after, '\n');
                        g_string_append(after, l);
                        g_string_append_c(after, '\n');
                }
        }
}

/* The parts that carry forward: the questions still to ask and what came after the session
 * of PREV_DATE. */
static GString *carried_parts(const GPtrArray *questions, const GString *after, Ymd prev_date)
{
        GString *carried = g_string_new(NULL);
        if (questions->len) {
                g_autofree char *day = g_strdup_printf("%04d-%02d-%02d", (int)prev_date.y,
                                                       prev_date.m, prev_date.d);
                /* TRANSLATORS: %s is a date (2026-12-01); begin with "Still to ask". */
                g_string_append_printf(carried, "## ");
                g_string_append_printf(carried, _("Still to ask (from %s)"), day);
                g_string_append(carried, "\n\n");
                for (size_t q = 0; q < questions->len; q++)
                        g_string_append_printf(carried, "%s\n", (char *)questions->pdata[q]);
                g_string_append_c(carried, '\n');
        }
        if (after->len) {
                g_autofree char *day = g_strdup_printf("%04d-%02d-%02d", (int)prev_date.y,
                                                       prev_date.m, prev_date.d);
                g_string_append(carried, "## ");
                /* TRANSLATORS: the heading of what was written after an earlier session;
                 * %s is its date (2026-12-01). */
                g_string_append_printf(carried, _("After the session of %s"), day);
                g_string_append_printf(carried, "\n\n%s\n", after->str);
        }
        return carried;
}

/* TMPL with CARRIED before its own parts. */
static char *put_before_parts(const char *tmpl, const char *carried)
{
        /* Before the new notes' own parts, where the person starts reading. */
        g_autofree char *first = g_strdup_printf("\n## %s\n", _(NOTES_HEADING_THOUGHTS));
        const char *at = strstr(tmpl, first);
        GString *out = g_string_new(NULL);
        if (at) {
                g_string_append_len(out, tmpl, at + 1 - tmpl);
                g_string_append(out, carried);
                g_string_append(out, at + 1);
        } else {
                g_string_append(out, tmpl);
                g_string_append(out, carried);
        }
        return g_string_free(out, FALSE);
}

char *notes_carry_forward(const char *tmpl, const char *prev, Ymd prev_date)
{
        if (!prev)
                return g_strdup(tmpl);
        g_auto(GStrv) lines = g_strsplit(prev, "\n", -1);
        g_autoptr(GPtrArray) questions = g_ptr_array_new_with_free_func(g_free);
        GString *after = g_string_new(NULL);
        gather_carried(lines, questions, after);
        GString *carried = carried_parts(questions, after, prev_date);
        g_string_free(after, TRUE);
        char *out = put_before_parts(tmpl, carried->str);
        g_string_free(carried, TRUE);
        return out;
}

bool notes_parse_file_name(const char *name, Ymd *date, char **id)
{
        size_t n = strlen(name);
        /* YYYY-MM-DD-<id>.md */
        if (n < 15 || name[10] != '-' || !g_str_has_suffix(name, ".md"))
                return false;
        g_autofree char *day = g_strndup(name, 10);
        Ymd d;
        if (parse_date(day, &d) < 0)
                return false;
        *date = d;
        *id = g_strndup(name + 11, n - 11 - 3);
        return true;
}

char *notes_question_line(const char *text)
{
        g_autofree char *t = one_line(text);
        return g_strdup_printf("- [ ] %s", t);
}

char *notes_dated_line(int64_t now, Tz *tz, const char *text)
{
        Ymd d;
        int sec;
        g_autofree char *t = one_line(text);
        tz_local(tz, now, &d, &sec);
        return g_strdup_printf("- %04d-%02d-%02d %02d:%02d %s", d.y, d.m, d.d, sec / 3600,
                               sec / 60 % 60, t);
}

char *notes_add_heading(const char *text, const char *heading)
{
        g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
        for (size_t k = 0; lines[k]; k++)
                if (heading_is(lines[k], heading))
                        return NULL;
        size_t n = strlen(text);
        return g_strdup_printf("%s%s%s## %s\n", text, n && text[n - 1] != '\n' ? "\n" : "",
                               n ? "\n" : "", heading);
}
