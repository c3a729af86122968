/* SPDX-License-Identifier: MIT */
/* `nudge list`: the sessions to come, as a table for people (JSON lines: list-json.c). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "format.h"

static char *span_text(int64_t t, int64_t now)
{
        g_autofree char *span = format_span(t - now);
        /* TRANSLATORS: %s is a span of time, "2 days 3h". */
        return t >= now ? g_steal_pointer(&span) : g_strdup_printf(_("%s ago"), span);
}

/* Pads a UTF-8 cell to `width` characters. */
static void cell(GString *out, const char *text, size_t width, bool last)
{
        g_string_append(out, text);
        if (last)
                return;
        for (size_t n = g_utf8_strlen(text, -1); n < width + 2; n++)
                g_string_append_c(out, ' ');
}

static void print_table(const GArray *occ, Tz *local, int64_t now, int64_t from, int64_t to)
{
        enum { C_WHEN, C_LEFT, C_ID, C_TITLE, C_REMINDER, C_N };
        static const char *const head_text[C_N] = {
                /* TRANSLATORS: the column heads of nudge list, in capitals where the
                 * language has them. LEFT is the time left until the session. */
                NC_("nudge list column", "WHEN"), NC_("nudge list column", "LEFT"),
                NC_("nudge list column", "ID"), NC_("nudge list column", "TITLE"),
                NC_("nudge list column", "NEXT REMINDER"),
        };
        const char *head[C_N];
        for (int c = 0; c < C_N; c++)
                head[c] = g_dpgettext2(NULL, "nudge list column", head_text[c]);
        GPtrArray *cells = g_ptr_array_new_with_free_func(g_free);
        size_t width[C_N];
        for (int c = 0; c < C_N; c++)
                width[c] = (size_t)g_utf8_strlen(head[c], -1);
        for (guint i = 0; i < occ->len; i++) {
                const Occurrence *o = &g_array_index(occ, Occurrence, i);
                char *row[C_N];
                row[C_WHEN] = format_long(local, o->start);
                row[C_LEFT] = span_text(o->start, now);
                row[C_ID] = g_strdup(o->series->id);
                row[C_TITLE] = g_strdup(o->title);
                row[C_REMINDER] = NULL;
                for (size_t k = 0; k < o->n_reminders && !row[C_REMINDER]; k++) {
                        if (o->reminders[k] < now)
                                continue;
                        g_autofree char *when = format_long(local, o->reminders[k]);
                        g_autofree char *left = format_span(o->reminders[k] - now);
                        /* TRANSLATORS: %1$s is a date and time, %2$s a span ("2 days 3h"). */
                        row[C_REMINDER] = g_strdup_printf(_("%1$s (in %2$s)"), when, left);
                }
                if (!row[C_REMINDER])
                        row[C_REMINDER] = g_strdup("-");
                for (int c = 0; c < C_N; c++) {
                        width[c] = MAX(width[c], (size_t)g_utf8_strlen(row[c], -1));
                        g_ptr_array_add(cells, row[c]);
                }
        }
        GString *out = g_string_new(NULL);
        for (int c = 0; c < C_N; c++)
                cell(out, head[c], width[c], c == C_N - 1);
        g_string_append_c(out, '\n');
        for (guint i = 0; i < cells->len; i++) {
                cell(out, cells->pdata[i], width[i % C_N], i % C_N == C_N - 1);
                if (i % C_N == C_N - 1)
                        g_string_append_c(out, '\n');
        }
        g_autofree char *a = format_long(local, from);
        g_autofree char *b = format_long(local, to);
        /* TRANSLATORS: %1$u is a number of sessions, %2$s and %3$s dates and times. */
        g_string_append_printf(out, ngettext("\n%1$u session from %2$s to %3$s.\n",
                                             "\n%1$u sessions from %2$s to %3$s.\n", occ->len),
                               occ->len, a, b);
        fputs(out->str, stdout);
        g_string_free(out, TRUE);
        g_ptr_array_free(cells, TRUE);
}

static bool parse_range(const char *from_text, const char *days_text, Tz *local, int64_t now,
                        int64_t *from, int64_t *to)
{
        int days = 7;
        *from = now;
        if (from_text && parse_instant(from_text, local, from) < 0) {
                /* TRANSLATORS: keep "nudge list", the options and the forms of a time. */
                fprintf(stderr, _("nudge list: --from '%s' is not a time: use RFC 3339 "
                                "(2026-11-25T09:00:00+01:00) or YYYY-MM-DD[ HH:MM]\n"), from_text);
                return false;
        }
        if (days_text && parse_uint_range(days_text, 1, 3660, &days) < 0) {
                fprintf(stderr, _("nudge list: --days '%s' is not a whole number from 1 to 3660\n"),
                        days_text);
                return false;
        }
        *to = *from + (int64_t)days * 86400;
        return true;
}

int cli_list(int argc, char **argv)
{
        static const CliCommand cmd = {.name = "list",
                                       .parameter = N_("- list the sessions to come")};
        g_autofree char *config = NULL, *from_text = NULL, *days_text = NULL;
        gboolean json = FALSE;
        GOptionEntry entries[] = {
                CLI_CONFIG_OPTION(config),
                {"from", 0, 0, G_OPTION_ARG_STRING, &from_text,
                 N_("Start of the listing: RFC 3339, or local YYYY-MM-DD[ HH:MM] (default: now)"),
                 N_("TIME")},
                {"days", 0, 0, G_OPTION_ARG_STRING, &days_text,
                 N_("How many days to list, 1 to 3660 (default 7)"), N_("N")},
                {"json", 0, 0, G_OPTION_ARG_NONE, &json,
                 N_("One JSON object per session and line"), NULL},
                {NULL},
        };
        if (!cli_parse_options(&cmd, entries, &argc, &argv))
                return EXIT_USAGE;
        g_autoptr(Tz) local = tz_new_local();
        int64_t now = cli_now(local), from, to;
        if (!parse_range(from_text, days_text, local, now, &from, &to))
                return EXIT_USAGE;
        int status = 0;
        g_autoptr(Schedule) s = cli_load_schedule(config, local, NULL, &status);
        if (!s)
                return status;
        cli_fill_calendars("list", s, from, to);
        if (json) {
                int r = cli_list_json(s, from, to);
                if (r < 0) {
                        fprintf(stderr, _("nudge list: cannot write the listing: %s\n"),
                                g_strerror(-r));
                        return 1;
                }
                return 0;
        }
        GArray *occ = schedule_expand(s, from, to);
        print_table(occ, local, now, from, to);
        g_array_free(occ, TRUE);
        return 0;
}
