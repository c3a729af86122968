/* SPDX-License-Identifier: MIT */
/* `nudge notes`: the notes files of the schedule's sessions, newest first, with how many
 * questions are still open in each. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "i18n.h"
#include "notes.h"

typedef struct {
        Ymd date;
        char *session; /* the series' title; the id for a series no longer in the file */
        char *path;
        int open;      /* -1: could not be read */
} NotesRow;

static void row_free(gpointer p)
{
        NotesRow *r = p;
        g_free(r->session);
        g_free(r->path);
        g_free(r);
}

static gint row_newest_first(gconstpointer a, gconstpointer b)
{
        const NotesRow *x = *(NotesRow *const *)a, *y = *(NotesRow *const *)b;
        int64_t dx = civil_days(x->date), dy = civil_days(y->date);
        if (dx != dy)
                return dx > dy ? -1 : 1;
        return strcmp(x->path, y->path);
}

/* The notes files of the series that use `dir` as their folder. */
static void collect_dir(const Schedule *s, const char *dir, GPtrArray *rows)
{
        g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
        const char *name;
        while (d && (name = g_dir_read_name(d))) {
                Ymd date;
                g_autofree char *id = NULL;
                if (!notes_parse_file_name(name, &date, &id))
                        continue;
                const Series *owner = NULL;
                for (size_t i = 0; i < s->n_series && !owner; i++) {
                        g_autofree char *sd = notes_dir(&s->series[i]);
                        if (strcmp(s->series[i].id, id) == 0 && strcmp(sd, dir) == 0)
                                owner = &s->series[i];
                }
                NotesRow *r = g_new0(NotesRow, 1);
                r->date = date;
                r->session = g_strdup(owner ? owner->title : id);
                r->path = g_build_filename(dir, name, NULL);
                g_autofree char *text = NULL;
                r->open = notes_read(r->path, &text) < 0 ? -1 : (int)notes_open_questions(text);
                g_ptr_array_add(rows, r);
        }
}

/* The notes files of all of the schedule's notes folders, newest first. */
static GPtrArray *collect_rows(const Schedule *s)
{
        /* Each folder once, even when many series share it (the default one). */
        g_autoptr(GPtrArray) dirs = g_ptr_array_new_with_free_func(g_free);
        for (size_t i = 0; i < s->n_series; i++) {
                char *d = notes_dir(&s->series[i]);
                if (g_ptr_array_find_with_equal_func(dirs, d, g_str_equal, NULL))
                        g_free(d);
                else
                        g_ptr_array_add(dirs, d);
        }
        GPtrArray *rows = g_ptr_array_new_with_free_func(row_free);
        for (size_t i = 0; i < dirs->len; i++)
                collect_dir(s, dirs->pdata[i], rows);
        g_ptr_array_sort(rows, row_newest_first);
        return rows;
}

/* The table of ROWS, with a column of paths when PATHS. */
static void print_rows(const GPtrArray *rows, gboolean paths)
{
        /* TRANSLATORS: the column heads of nudge notes. */
        const char *h_date = C_("notes column", "DATE"), *h_session = C_("notes column", "SESSION"),
                   *h_open = C_("notes column", "OPEN QUESTIONS"), *h_file = C_("notes column", "FILE");
        int width = (int)g_utf8_strlen(h_session, -1);
        for (size_t i = 0; i < rows->len; i++)
                width = MAX(width, (int)g_utf8_strlen(((NotesRow *)rows->pdata[i])->session, -1));
        int date_w = MAX(10, (int)g_utf8_strlen(h_date, -1));
        int open_w = MAX(14, (int)g_utf8_strlen(h_open, -1));
        /* printf pads bytes, not characters: pad by hand so that text in any script lines up. */
        printf("%s%*s  %s%*s  %s", h_date, date_w - (int)g_utf8_strlen(h_date, -1), "", h_session,
               width - (int)g_utf8_strlen(h_session, -1), "", h_open);
        if (paths)
                printf("%*s  %s", open_w - (int)g_utf8_strlen(h_open, -1), "", h_file);
        putchar('\n');
        for (size_t i = 0; i < rows->len; i++) {
                const NotesRow *r = rows->pdata[i];
                int pad = width - (int)g_utf8_strlen(r->session, -1);
                g_autofree char *open = r->open < 0 ? g_strdup(_("(unreadable)"))
                                                    : g_strdup_printf("%d", r->open);
                printf("%04d-%02d-%02d%*s  %s%*s  ", r->date.y, r->date.m, r->date.d,
                       date_w - 10, "", r->session, pad, "");
                if (paths)
                        printf("%s%*s  %s\n", open,
                               open_w - (int)g_utf8_strlen(open, -1), "", r->path);
                else
                        printf("%s\n", open);
        }
}

int cli_notes(int argc, char **argv)
{
        static const CliCommand cmd = {
                .name = "notes",
                .parameter = N_("- list your notes files, newest first"),
                .summary = N_("Shows each notes file of the schedule's notes folders: the "
                              "session's date,\nthe session, and how many questions (\"- [ ] …\") "
                              "are still open."),
        };
        g_autofree char *config = NULL;
        gboolean paths = FALSE;
        GOptionEntry entries[] = {
                CLI_CONFIG_OPTION(config),
                {"paths", 'p', 0, G_OPTION_ARG_NONE, &paths, N_("Show where each file is"), NULL},
                {NULL},
        };
        if (!cli_parse_options(&cmd, entries, &argc, &argv))
                return EXIT_USAGE;
        g_autoptr(Tz) local = tz_new_local();
        int status = 0;
        g_autofree char *config_path = NULL;
        g_autoptr(Schedule) s = cli_load_schedule(config, local, &config_path, &status);
        if (!s)
                return status;

        g_autoptr(GPtrArray) rows = collect_rows(s);
        if (rows->len == 0) {
                fputs(_("No notes yet. Add a line with: nudge note TEXT\n"), stdout);
                return 0;
        }
        print_rows(rows, paths);
        return 0;
}
