/* SPDX-License-Identifier: MIT */
/* `nudge edit`: edit a copy of the schedule and put it in place only when it checks out,
 * the way visudo and crontab -e protect their files. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "i18n.h"
#include "schedfile.h"
#include "first-schedule.h"
#include "fileio.h"
#include "paths.h"

static bool run_editor(const char *file)
{
        g_auto(GStrv) argv = cli_editor_argv(file);
        g_autoptr(GError) error = NULL;
        int wait_status;
        if (!g_spawn_sync(NULL, argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_CHILD_INHERITS_STDIN, NULL,
                          NULL, NULL, NULL, &wait_status, &error)) {
                fprintf(stderr, _("nudge edit: cannot start the editor '%s': %s\n"
                                  "Set VISUAL or EDITOR to the editor you use.\n"),
                        argv[0], error->message);
                return false;
        }
        if (!g_spawn_check_wait_status(wait_status, &error)) {
                fprintf(stderr, _("nudge edit: the editor '%s' failed (%s)\n"), argv[0], error->message);
                return false;
        }
        return true;
}

/* Asks whether to edit again. Without a terminal to ask on, the answer is no. */
static bool ask_again(void)
{
        if (!isatty(STDIN_FILENO))
                return false;
        for (;;) {
                /* TRANSLATORS: the answers stay a and q (e, y and x, n work too). */
                fputs(_("What now? Edit (a)gain, or (q)uit and keep the file as it was [a]: "),
                      stderr);
                fflush(stderr);
                char line[64];
                if (!fgets(line, sizeof(line), stdin))
                        return false;
                g_strstrip(line);
                if (!*line || line[0] == 'a' || line[0] == 'A' || line[0] == 'e' || line[0] == 'y')
                        return true;
                if (line[0] == 'q' || line[0] == 'Q' || line[0] == 'x' || line[0] == 'n')
                        return false;
        }
}

/* Saves the rejected text beside the schedule, so that no typing is lost. */
static void keep_rejected(const char *path, const char *text, size_t len)
{
        g_autofree char *aside = g_strconcat(path, ".rejected", NULL);
        if (fileio_replace(aside, text, len, 0600) < 0)
                return;
        fprintf(stderr, _("Your edit was not saved as the schedule; it is kept in %s.\n"), aside);
}

/* The schedule being edited: where it is, what it held, and the working copy. */
typedef struct {
        char *path; /* the file replaced: a symbolic link's target */
        char *dir;
        char *original; /* NULL: there was no file yet */
        gsize original_len;
        char *tmp; /* the working copy, beside the file */
} Edit;

static void edit_clear(Edit *e)
{
        g_free(e->path);
        g_free(e->dir);
        g_free(e->original);
        g_free(e->tmp);
}

/* Finds the file, reads it (or takes the first schedule: no sessions, all of them
 * commented out), and writes the working copy. */
static int edit_start(Edit *e, const char *config)
{
        g_autofree char *given = config ? g_strdup(config) : paths_default_config();
        /* Edit through a symbolic link (a dotfiles repository): replace its target. */
        char *real = realpath(given, NULL);
        e->path = real ? real : g_steal_pointer(&given);
        e->dir = g_path_get_dirname(e->path);
        int r = fileio_mkdir_private(e->dir, 0700);
        if (r < 0) {
                fprintf(stderr, _("nudge edit: cannot create the folder %s: %s\n"), e->dir,
                        g_strerror(-r));
                return 1;
        }
        if (!g_file_get_contents(e->path, &e->original, &e->original_len, NULL) &&
            g_file_test(e->path, G_FILE_TEST_EXISTS)) {
                fprintf(stderr, _("nudge edit: cannot read %s\n"), e->path);
                return 1;
        }
        const char *text = e->original ? e->original : first_schedule;
        gsize len = e->original ? e->original_len : strlen(first_schedule);

        g_autofree char *base = g_path_get_basename(e->path);
        e->tmp = g_strdup_printf("%s/.%s.XXXXXX", e->dir, base);
        int fd = g_mkstemp_full(e->tmp, O_RDWR | O_CLOEXEC, 0600);
        if (fd < 0) {
                fprintf(stderr, _("nudge edit: cannot create a working copy in %s: %s\n"), e->dir,
                        g_strerror(errno));
                return 1;
        }
        r = fileio_write_all(fd, text, len);
        close(fd);
        if (r < 0) {
                fprintf(stderr, _("nudge edit: cannot write %s: %s\n"), e->tmp, g_strerror(-r));
                unlink(e->tmp);
                return 1;
        }
        return 0;
}

/* Puts a checked edit in place. */
static int edit_save(Edit *e, const Schedule *s, const char *text, size_t len, Tz *local)
{
        int r = fileio_install(e->tmp, e->path);
        if (r < 0) {
                fprintf(stderr, _("nudge edit: cannot save %s: %s\n"), e->path, g_strerror(-r));
                keep_rejected(e->path, text, len);
                unlink(e->tmp);
                return 1;
        }
        cli_print_summary(e->path, s, local, cli_now(local));
        return 0;
}

/* One round: the editor, then the check. Returns an exit status, or -1 to edit again. */
static int edit_round(Edit *e, Tz *local)
{
        g_autofree char *text = NULL;
        gsize len = 0;
        if (!run_editor(e->tmp)) {
                fprintf(stderr, _("The schedule is unchanged.\n"));
                unlink(e->tmp);
                return 1;
        }
        if (!g_file_get_contents(e->tmp, &text, &len, NULL)) {
                fprintf(stderr, _("nudge edit: the working copy %s is gone; the schedule is "
                                  "unchanged.\n"), e->tmp);
                return 1;
        }
        bool unchanged = e->original && len == e->original_len &&
                         memcmp(text, e->original, len) == 0;
        g_autoptr(SchedfileErrors) errors = NULL;
        g_autoptr(Schedule) s = schedfile_parse_buf(e->path, text, len, local, &errors);
        if (s && unchanged) {
                printf(_("No changes.\n"));
                unlink(e->tmp);
                return 0;
        }
        if (s)
                return edit_save(e, s, text, len, local);
        g_autofree char *msg = schedfile_errors_format(errors);
        fputs(msg, stderr);
        if (e->original)
                fprintf(stderr, _("The schedule has problems; %s was not changed.\n"), e->path);
        else
                fputs(_("The schedule has problems; nothing was saved.\n"), stderr);
        if (ask_again())
                return -1;
        if (!unchanged)
                keep_rejected(e->path, text, len);
        unlink(e->tmp);
        return EXIT_CONFIG;
}

int cli_edit(int argc, char **argv)
{
        static const CliCommand cmd = {
                .name = "edit",
                .parameter = N_("- edit the schedule safely"),
                .summary = N_("Opens a copy of the schedule in $VISUAL or $EDITOR and saves it only "
                           "when it has no problems.\nA missing schedule starts from a template whose sessions are all "
                           "commented out."),
        };
        g_autofree char *config = NULL;
        GOptionEntry entries[] = {CLI_CONFIG_OPTION(config), {NULL}};
        if (!cli_parse_options(&cmd, entries, &argc, &argv))
                return EXIT_USAGE;
        Edit e = {0};
        int status = edit_start(&e, config);
        if (status == 0) {
                g_autoptr(Tz) local = tz_new_local();
                while ((status = edit_round(&e, local)) < 0)
                        ;
        }
        edit_clear(&e);
        return status;
}
