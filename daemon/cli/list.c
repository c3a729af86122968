/* SPDX-License-Identifier: MIT */
/* `nudge check` and `nudge list`: what the schedule holds, for people and for programs. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "schedfile.h"
#include "format.h"
#include "paths.h"

int64_t cli_now(Tz *local)
{
        const char *fake = g_getenv("NUDGE_NOW");
        int64_t t;
        if (fake && parse_instant(fake, local, &t) == 0)
                return t;
        return g_get_real_time() / G_USEC_PER_SEC;
}

Schedule *cli_load_schedule(const char *config, Tz *local, char **path_out, int *status)
{
        g_autofree char *path = config ? g_strdup(config) : paths_default_config();
        g_autoptr(SchedfileErrors) errors = NULL;
        int err = 0;
        Schedule *s = schedfile_load(path, local, &errors, &err);
        if (!s) {
                if (err == -ENOENT) {
                        g_autofree char *dir = g_path_get_dirname(path);
                        g_autofree char *qdir = g_shell_quote(dir);
                        g_autofree char *qpath = g_shell_quote(path);
                        g_autofree char *qexample = g_shell_quote(paths_example_config());
                        fprintf(stderr,
                                "%s: there is no schedule file here yet.\n"
                                "Start one with 'nudge edit', which opens a commented example in "
                                "your editor,\nor copy the example yourself: mkdir -p %s && cp %s "
                                "%s\n",
                                path, qdir, qexample, qpath);
                } else {
                        g_autofree char *text = schedfile_errors_format(errors);
                        fputs(text, stderr);
                        if (errors->n_errors + errors->n_suppressed > 1)
                                fprintf(stderr, "%zu problems found.\n",
                                        errors->n_errors + errors->n_suppressed);
                }
                *status = EXIT_CONFIG;
        }
        if (path_out)
                *path_out = g_steal_pointer(&path);
        return s;
}

void cli_print_summary(const char *path, const Schedule *s, Tz *local, int64_t now)
{
        printf("%s: no problems, %zu session series.\n", path, s->n_series);
        Occurrence o;
        int64_t r;
        if (schedule_next_session(s, now, &o)) {
                g_autofree char *when = format_long(local, o.start);
                g_autofree char *left = format_span(o.start - now);
                printf("Next session:  %s (in %s), %s\n", when, left, o.series->title);
        } else {
                printf("Next session:  none to come.\n");
        }
        if (schedule_next_reminder(s, now, &o, &r)) {
                g_autofree char *when = format_long(local, r);
                g_autofree char *left = format_span(r - now);
                printf("Next reminder: %s (in %s), for %s\n", when, left, o.series->title);
        } else {
                printf("Next reminder: none to come.\n");
        }
}

int cli_check(int argc, char **argv)
{
        g_autofree char *config = NULL;
        GOptionEntry entries[] = {
                {"config", 'c', 0, G_OPTION_ARG_FILENAME, &config,
                 "Schedule file (default ~/.config/nudge/schedule.ini)", "FILE"},
                {NULL},
        };
        g_autoptr(GOptionContext) ctx = g_option_context_new("- check the schedule file");
        g_option_context_add_main_entries(ctx, entries, NULL);
        g_option_context_set_summary(ctx, "Reads the schedule, reports every problem as "
                                          "FILE:LINE: message,\nand shows the next session and "
                                          "reminder. Exit status 78 on problems.");
        g_autoptr(GError) error = NULL;
        if (!g_option_context_parse(ctx, &argc, &argv, &error) || argc > 1) {
                fprintf(stderr, "nudge check: %s\n",
                        error ? error->message : "unexpected argument (see nudge check --help)");
                return EXIT_USAGE;
        }
        g_autoptr(Tz) local = tz_new_local();
        int status = 0;
        g_autofree char *path = NULL;
        g_autoptr(Schedule) s = cli_load_schedule(config, local, &path, &status);
        if (!s)
                return status;
        cli_print_summary(path, s, local, cli_now(local));
        return 0;
}

/* Writes one JSON object per session. A year of a thousand series is tens of thousands
 * of lines: each series' constant part is escaped once, and lines are built in a plain
 * buffer flushed in large writes. */
static void print_json(const Schedule *s, const GArray *occ)
{
        char **prefix = g_new0(char *, s->n_series + 1);
        enum { FLUSH_AT = 1 << 16 };
        size_t cap = FLUSH_AT + 4096, len = 0;
        char *buf = g_malloc(cap);
        DateMemo memo = {0};
        for (guint i = 0; i < occ->len; i++) {
                const Occurrence *o = &g_array_index(occ, Occurrence, i);
                size_t si = (size_t)(o->series - s->series);
                if (!prefix[si]) {
                        GString *p = g_string_new("{\"id\":");
                        json_append_string(p, o->series->id);
                        g_string_append(p, ",\"title\":");
                        json_append_string(p, o->series->title);
                        g_string_append(p, ",\"start\":\"");
                        prefix[si] = g_string_free(p, FALSE);
                }
                size_t plen = strlen(prefix[si]);
                size_t need = plen + 64 + (RFC3339_SIZE + 3) * (o->n_reminders + 2);
                if (len + need > cap) {
                        fwrite(buf, 1, len, stdout);
                        len = 0;
                        if (need > cap) {
                                cap = need;
                                buf = g_realloc(buf, cap);
                        }
                }
                char *p = buf + len;
                memcpy(p, prefix[si], plen);
                p += plen;
                Tz *tz = o->series->tz;
                p = format_rfc3339_put(p, tz, o->start, &memo);
                memcpy(p, "\",\"end\":\"", 9);
                p = format_rfc3339_put(p + 9, tz, o->end, &memo);
                memcpy(p, "\",\"reminders\":[", 15);
                p += 15;
                for (size_t k = 0; k < o->n_reminders; k++) {
                        if (k)
                                *p++ = ',';
                        *p++ = '"';
                        p = format_rfc3339_put(p, tz, o->reminders[k], &memo);
                        *p++ = '"';
                }
                memcpy(p, "]}\n", 3);
                p += 3;
                len = (size_t)(p - buf);
                if (len >= FLUSH_AT) {
                        fwrite(buf, 1, len, stdout);
                        len = 0;
                }
        }
        fwrite(buf, 1, len, stdout);
        g_free(buf);
        for (size_t i = 0; i < s->n_series; i++)
                g_free(prefix[i]);
        g_free(prefix);
}

static char *span_text(int64_t t, int64_t now)
{
        g_autofree char *span = format_span(t - now);
        return t >= now ? g_steal_pointer(&span) : g_strdup_printf("%s ago", span);
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
        static const char *const head[C_N] = {"WHEN", "LEFT", "ID", "TITLE", "NEXT REMINDER"};
        GPtrArray *cells = g_ptr_array_new_with_free_func(g_free);
        size_t width[C_N];
        for (int c = 0; c < C_N; c++)
                width[c] = strlen(head[c]);
        for (guint i = 0; i < occ->len; i++) {
                const Occurrence *o = &g_array_index(occ, Occurrence, i);
                char *row[C_N];
                row[C_WHEN] = format_long(local, o->start);
                row[C_LEFT] = span_text(o->start, now);
                row[C_ID] = g_strdup(o->series->id);
                row[C_TITLE] = g_strdup(o->series->title);
                row[C_REMINDER] = NULL;
                for (size_t k = 0; k < o->n_reminders && !row[C_REMINDER]; k++) {
                        if (o->reminders[k] < now)
                                continue;
                        g_autofree char *when = format_long(local, o->reminders[k]);
                        g_autofree char *left = format_span(o->reminders[k] - now);
                        row[C_REMINDER] = g_strdup_printf("%s (in %s)", when, left);
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
        g_string_append_printf(out, "\n%u session%s from %s to %s.\n", occ->len,
                               occ->len == 1 ? "" : "s", a, b);
        fputs(out->str, stdout);
        g_string_free(out, TRUE);
        g_ptr_array_free(cells, TRUE);
}

int cli_list(int argc, char **argv)
{
        g_autofree char *config = NULL, *from_text = NULL, *days_text = NULL;
        gboolean json = FALSE;
        GOptionEntry entries[] = {
                {"config", 'c', 0, G_OPTION_ARG_FILENAME, &config,
                 "Schedule file (default ~/.config/nudge/schedule.ini)", "FILE"},
                {"from", 0, 0, G_OPTION_ARG_STRING, &from_text,
                 "Start of the listing: RFC 3339, or local YYYY-MM-DD[ HH:MM] (default: now)",
                 "TIME"},
                {"days", 0, 0, G_OPTION_ARG_STRING, &days_text,
                 "How many days to list, 1 to 3660 (default 7)", "N"},
                {"json", 0, 0, G_OPTION_ARG_NONE, &json, "One JSON object per session and line",
                 NULL},
                {NULL},
        };
        g_autoptr(GOptionContext) ctx = g_option_context_new("- list the sessions to come");
        g_option_context_add_main_entries(ctx, entries, NULL);
        g_autoptr(GError) error = NULL;
        if (!g_option_context_parse(ctx, &argc, &argv, &error) || argc > 1) {
                fprintf(stderr, "nudge list: %s\n",
                        error ? error->message : "unexpected argument (see nudge list --help)");
                return EXIT_USAGE;
        }
        g_autoptr(Tz) local = tz_new_local();
        int64_t now = cli_now(local), from = now;
        int days = 7;
        if (from_text && parse_instant(from_text, local, &from) < 0) {
                fprintf(stderr, "nudge list: --from '%s' is not a time: use RFC 3339 "
                                "(2026-11-25T09:00:00+01:00) or YYYY-MM-DD[ HH:MM]\n", from_text);
                return EXIT_USAGE;
        }
        if (days_text && parse_uint_range(days_text, 1, 3660, &days) < 0) {
                fprintf(stderr, "nudge list: --days '%s' is not a whole number from 1 to 3660\n",
                        days_text);
                return EXIT_USAGE;
        }
        int status = 0;
        g_autoptr(Schedule) s = cli_load_schedule(config, local, NULL, &status);
        if (!s)
                return status;
        int64_t to = from + (int64_t)days * 86400;
        GArray *occ = schedule_expand(s, from, to);
        if (json)
                print_json(s, occ);
        else
                print_table(occ, local, now, from, to);
        g_array_free(occ, TRUE);
        return 0;
}
