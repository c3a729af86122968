/* SPDX-License-Identifier: MIT */
/* `nudge note`: catch a thought or a question for the next session from any terminal. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "calsaved.h"
#include "cli.h"
#include "i18n.h"
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

/* The latest session of one series or of all that has started by `now`: looked for in a
 * widening span before it, since a monthly series may have had none in the last weeks. */
static bool last_session(const Schedule *s, const char *only, int64_t now, Occurrence *out)
{
        static const int64_t spans[] = {8, 62, 400, 3700};
        for (size_t w = 0; w < G_N_ELEMENTS(spans); w++) {
                bool found = false;
                for (size_t i = 0; i < s->n_series; i++) {
                        Occurrence o;
                        if (only && g_ascii_strcasecmp(only, s->series[i].id) != 0)
                                continue;
                        for (int64_t t = now - spans[w] * 86400;
                             series_next(&s->series[i], t, &o) && o.start <= now; t = o.start + 1)
                                if (!found || o.start > out->start) {
                                        *out = o;
                                        found = true;
                                }
                }
                if (found)
                        return true;
        }
        return false;
}

#define NOT_PRIVATE N_("the notes folder or file is not private to you (another user owns it, " \
                       "or others can write to it); make it yours with chmod 700 on the folder " \
                       "and chmod 600 on the file")

/* Adds a question as a task item, or a dated line, under its heading. */
static int note_add(const char *path, const char *tmpl, int64_t now, Tz *local,
                    const char *text, bool question, bool after)
{
        g_autofree char *line = question ? notes_question_line(text)
                                         : notes_dated_line(now, local, text);
        const char *heading = question ? notes_heading(NOTES_HEADING_QUESTIONS)
                              : after  ? notes_heading(NOTES_HEADING_AFTER)
                                       : notes_heading(NOTES_HEADING_THOUGHTS);
        int r = notes_append(path, tmpl, heading, line);
        if (r < 0) {
                fprintf(stderr, _("nudge note: cannot write %s: %s\n"), path,
                        r == -EPERM ? _(NOT_PRIVATE) : g_strerror(-r));
                return 1;
        }
        printf(_("Added to %s\n"), path);
        return 0;
}

/* Creates the notes from the template if need be and becomes the editor. */
static int note_edit(const char *path, const char *tmpl)
{
        int r = notes_create(path, tmpl);
        if (r < 0) {
                fprintf(stderr, _("nudge note: cannot create %s: %s\n"), path,
                        r == -EPERM ? _(NOT_PRIVATE) : g_strerror(-r));
                return 1;
        }
        g_auto(GStrv) cmd = cli_editor_argv(path);
        fflush(NULL);
        execvp(cmd[0], cmd);
        fprintf(stderr, _("nudge note: cannot start the editor '%s': %s\n"
                          "Set VISUAL or EDITOR to the editor you use.\n"),
                cmd[0], g_strerror(errno));
        return 1;
}

typedef struct {
        char *config, *only, *text;
        bool question, after, edit, print_path;
} NoteArgs;

static bool note_parse(int argc, char **argv, NoteArgs *a)
{
        static const CliCommand cmd = {
                .name = "note",
                .parameter = N_("- add a line to the notes for your next session"),
                .description = N_("Without --question or --after the line goes under the "
                                  "thoughts of the next session's notes.\n"
                                  "The notes file is created from a template the first time; "
                                  "it carries forward\nthe open questions and what was written "
                                  "after the session from the\nseries' latest earlier notes.\n"),
                .takes_words = true,
        };
        g_auto(GStrv) words = NULL;
        gboolean question = FALSE, after = FALSE, edit = FALSE, print_path = FALSE;
        GOptionEntry entries[] = {
                CLI_CONFIG_OPTION(a->config),
                {"session", 's', 0, G_OPTION_ARG_STRING, &a->only,
                 N_("Use the next session of this section only"), N_("ID")},
                {"question", 'q', 0, G_OPTION_ARG_NONE, &question,
                 N_("Add the text as a question to ask, \"- [ ] TEXT\""), NULL},
                {"after", 'a', 0, G_OPTION_ARG_NONE, &after,
                 N_("Add the text to the last session's notes, after the session"),
                 NULL},
                {"edit", 'e', 0, G_OPTION_ARG_NONE, &edit,
                 N_("Open the notes in your editor ($VISUAL or $EDITOR)"), NULL},
                {"path", 'p', 0, G_OPTION_ARG_NONE, &print_path,
                 N_("Print where the notes file is (it may not exist yet)"), NULL},
                {G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &words, NULL, N_("TEXT…")},
                {NULL},
        };
        if (!cli_parse_options(&cmd, entries, &argc, &argv))
                return false;
        a->text = words ? g_strstrip(g_strjoinv(" ", words)) : NULL;
        a->question = question;
        a->after = after;
        a->edit = edit;
        a->print_path = print_path;
        bool has_text = a->text && *a->text;
        if (edit + print_path + has_text != 1 || (question && !has_text)) {
                fprintf(stderr, "nudge note: give the text to add, or --edit, or --path "
                                "(see nudge note --help)\n");
                return false;
        }
        if (question && after) {
                fprintf(stderr, "nudge note: --question is for the next session, --after for "
                                "the last one: give one of them\n");
                return false;
        }
        return true;
}

/* Says that the schedule has no session (or none called ONLY) WHEN; returns 1. */
static int no_session(const char *config_path, const char *only, const char *when)
{
        if (only)
                fprintf(stderr, "nudge note: %s has no session '%s' %s.\n", config_path, only,
                        when);
        else
                fprintf(stderr, "nudge note: %s has no session %s.\n", config_path, when);
        return 1;
}

static int note_run(const NoteArgs *a)
{
        g_autoptr(Tz) local = tz_new_local();
        int64_t now = cli_now(local);
        int status = 0;
        g_autofree char *config_path = NULL;
        g_autoptr(Schedule) s = cli_load_schedule(a->config, local, &config_path, &status);
        if (!s)
                return status;
        cli_fill_calendars("note", s, now - CALSAVED_BEFORE, now + CALSAVED_AHEAD);
        Occurrence occ;
        if (a->after && !last_session(s, a->only, now, &occ))
                return no_session(config_path, a->only, "that has started");
        if (!a->after && !next_session(s, a->only, now, &occ))
                return no_session(config_path, a->only, "still to come");
        g_autofree char *path = notes_path(&occ);
        if (a->print_path) {
                printf("%s\n", path);
                return 0;
        }
        g_autofree char *tmpl = notes_new_text(path, occ.title, occ.start, occ.tz);
        if (a->edit)
                return note_edit(path, tmpl);
        return note_add(path, tmpl, now, local, a->text, a->question, a->after);
}

int cli_note(int argc, char **argv)
{
        NoteArgs a = {0};
        int status = note_parse(argc, argv, &a) ? note_run(&a) : EXIT_USAGE;
        g_free(a.config);
        g_free(a.only);
        g_free(a.text);
        return status;
}
