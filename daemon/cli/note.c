/* SPDX-License-Identifier: MIT */
/* `nudge note`: catch a thought or a question for the next session from any terminal. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "notes.h"

/* The next session to start at or after `now`, of one series or of all; ties go to the
 * series first in id order. */
static bool next_session(const Schedule *s, const char *only, int64_t now, Occurrence *out)
{
        bool found = false;
        for (size_t i = 0; i < s->n_series; i++) {
                Occurrence o;
                if (only && g_ascii_strcasecmp(only, s->series[i].id) != 0)
                        continue;
                if (series_next(&s->series[i], now, &o) && (!found || o.start < out->start)) {
                        *out = o;
                        found = true;
                }
        }
        return found;
}

/* $VISUAL, $EDITOR (split into words like a shell would, but run without one), else
 * Debian's `editor` alternative, else vi. */
static char **editor_argv(const char *file)
{
        const char *names[] = {g_getenv("VISUAL"), g_getenv("EDITOR")};
        char **argv = NULL;
        for (size_t i = 0; i < G_N_ELEMENTS(names) && !argv; i++)
                if (names[i] && *names[i] && !g_shell_parse_argv(names[i], NULL, &argv, NULL))
                        argv = NULL;
        if (!argv) {
                g_autofree char *editor = g_find_program_in_path("editor");
                argv = g_new0(char *, 2);
                argv[0] = g_strdup(editor ? "editor" : "vi");
        }
        guint n = g_strv_length(argv);
        argv = g_renew(char *, argv, n + 2);
        argv[n] = g_strdup(file);
        argv[n + 1] = NULL;
        return argv;
}

#define NOT_PRIVATE "the notes folder or file is not private to you (another user owns it, or " \
                    "others can write to it); make it yours with chmod 700 on the folder and " \
                    "chmod 600 on the file"

int cli_note(int argc, char **argv)
{
        g_autofree char *config = NULL, *only = NULL;
        g_auto(GStrv) words = NULL;
        gboolean question = FALSE, edit = FALSE, print_path = FALSE;
        GOptionEntry entries[] = {
                {"config", 'c', 0, G_OPTION_ARG_FILENAME, &config,
                 "Schedule file (default ~/.config/nudge/schedule.ini)", "FILE"},
                {"session", 's', 0, G_OPTION_ARG_STRING, &only,
                 "Use the next session of this section only", "ID"},
                {"question", 'q', 0, G_OPTION_ARG_NONE, &question,
                 "File the text under \"" NOTES_HEADING_QUESTIONS "\"", NULL},
                {"edit", 'e', 0, G_OPTION_ARG_NONE, &edit,
                 "Open the notes in your editor ($VISUAL or $EDITOR)", NULL},
                {"path", 'p', 0, G_OPTION_ARG_NONE, &print_path,
                 "Print where the notes file is (it may not exist yet)", NULL},
                {G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &words, NULL, "TEXT…"},
                {NULL},
        };
        g_autoptr(GOptionContext) ctx =
                g_option_context_new("- add a line to the notes for your next session");
        g_option_context_set_description(
                ctx, "Without --question the line goes under \"" NOTES_HEADING_THOUGHTS "\".\n"
                     "The notes file is created from a template the first time.\n");
        g_option_context_add_main_entries(ctx, entries, NULL);
        g_autoptr(GError) error = NULL;
        if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
                fprintf(stderr, "nudge note: %s\n", error->message);
                return EXIT_USAGE;
        }
        g_autofree char *text = words ? g_strjoinv(" ", words) : NULL;
        if (text)
                g_strstrip(text);
        bool has_text = text && *text;
        if (edit + print_path + has_text != 1 || (question && !has_text)) {
                fprintf(stderr, "nudge note: give the text to add, or --edit, or --path "
                                "(see nudge note --help)\n");
                return EXIT_USAGE;
        }

        g_autoptr(Tz) local = tz_new_local();
        int64_t now = cli_now(local);
        int status = 0;
        g_autofree char *config_path = NULL;
        g_autoptr(Schedule) s = cli_load_schedule(config, local, &config_path, &status);
        if (!s)
                return status;
        Occurrence occ;
        if (!next_session(s, only, now, &occ)) {
                if (only)
                        fprintf(stderr, "nudge note: %s has no session '%s' still to come.\n",
                                config_path, only);
                else
                        fprintf(stderr, "nudge note: %s has no session still to come.\n",
                                config_path);
                return 1;
        }
        g_autofree char *path = notes_path(&occ);
        if (print_path) {
                printf("%s\n", path);
                return 0;
        }

        g_autofree char *tmpl = notes_template(occ.series->title, occ.local.date, occ.local.minute);
        int r;
        if (has_text) {
                g_autofree char *line = notes_dated_line(now, local, text);
                r = notes_append(path, tmpl,
                                 question ? NOTES_HEADING_QUESTIONS : NOTES_HEADING_THOUGHTS, line);
                if (r < 0) {
                        fprintf(stderr, "nudge note: cannot write %s: %s\n", path,
                                r == -EPERM ? NOT_PRIVATE : g_strerror(-r));
                        return 1;
                }
                printf("Added to %s\n", path);
                return 0;
        }

        r = notes_create(path, tmpl);
        if (r < 0) {
                fprintf(stderr, "nudge note: cannot create %s: %s\n", path,
                        r == -EPERM ? NOT_PRIVATE : g_strerror(-r));
                return 1;
        }
        g_auto(GStrv) cmd = editor_argv(path);
        fflush(NULL);
        execvp(cmd[0], cmd);
        fprintf(stderr, "nudge note: cannot start the editor '%s': %s\n"
                        "Set VISUAL or EDITOR to the editor you use.\n",
                cmd[0], g_strerror(errno));
        return 1;
}
