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
#include "schedfile.h"
#include "example.h"
#include "fileio.h"
#include "paths.h"

/* The editor command: $VISUAL, $EDITOR, else Debian's `editor` alternative, else vi. Split
 * like a shell would split words, but run without one. */
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

static bool run_editor(const char *file)
{
        g_auto(GStrv) argv = editor_argv(file);
        g_autoptr(GError) error = NULL;
        int wait_status;
        if (!g_spawn_sync(NULL, argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_CHILD_INHERITS_STDIN, NULL,
                          NULL, NULL, NULL, &wait_status, &error)) {
                fprintf(stderr, "nudge edit: cannot start the editor '%s': %s\n"
                                "Set VISUAL or EDITOR to the editor you use.\n",
                        argv[0], error->message);
                return false;
        }
        if (!g_spawn_check_wait_status(wait_status, &error)) {
                fprintf(stderr, "nudge edit: the editor '%s' failed (%s)\n", argv[0], error->message);
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
                fputs("What now? Edit (a)gain, or (q)uit and keep the file as it was [a]: ", stderr);
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
        fprintf(stderr, "Your edit was not saved as the schedule; it is kept in %s.\n", aside);
}

int cli_edit(int argc, char **argv)
{
        g_autofree char *config = NULL;
        GOptionEntry entries[] = {
                {"config", 'c', 0, G_OPTION_ARG_FILENAME, &config,
                 "Schedule file (default ~/.config/nudge/schedule.ini)", "FILE"},
                {NULL},
        };
        g_autoptr(GOptionContext) ctx = g_option_context_new("- edit the schedule safely");
        g_option_context_add_main_entries(ctx, entries, NULL);
        g_option_context_set_summary(ctx, "Opens a copy of the schedule in $VISUAL or $EDITOR and "
                                          "saves it only when it has no problems.\nA missing "
                                          "schedule starts from a commented example.");
        g_autoptr(GError) error = NULL;
        if (!g_option_context_parse(ctx, &argc, &argv, &error) || argc > 1) {
                fprintf(stderr, "nudge edit: %s\n",
                        error ? error->message : "unexpected argument (see nudge edit --help)");
                return EXIT_USAGE;
        }

        g_autofree char *given = config ? g_strdup(config) : paths_default_config();
        /* Edit through a symbolic link (a dotfiles repository): replace its target. */
        g_autofree char *real = realpath(given, NULL);
        const char *path = real ? real : given;
        g_autofree char *dir = g_path_get_dirname(path);
        int r = fileio_mkdir_private(dir, 0700);
        if (r < 0) {
                fprintf(stderr, "nudge edit: cannot create the folder %s: %s\n", dir, g_strerror(-r));
                return 1;
        }

        g_autofree char *original = NULL;
        gsize original_len = 0;
        bool existed = g_file_get_contents(path, &original, &original_len, NULL);
        if (!existed && g_file_test(path, G_FILE_TEST_EXISTS)) {
                fprintf(stderr, "nudge edit: cannot read %s\n", path);
                return 1;
        }
        g_autofree char *text = g_strdup(existed ? original : example_schedule);
        gsize len = existed ? original_len : strlen(example_schedule);

        g_autofree char *base = g_path_get_basename(path);
        g_autofree char *tmp = g_strdup_printf("%s/.%s.XXXXXX", dir, base);
        int fd = g_mkstemp_full(tmp, O_RDWR | O_CLOEXEC, 0600);
        if (fd < 0) {
                fprintf(stderr, "nudge edit: cannot create a working copy in %s: %s\n", dir,
                        g_strerror(errno));
                return 1;
        }
        r = fileio_write_all(fd, text, len);
        close(fd);
        if (r < 0) {
                fprintf(stderr, "nudge edit: cannot write %s: %s\n", tmp, g_strerror(-r));
                unlink(tmp);
                return 1;
        }

        g_autoptr(Tz) local = tz_new_local();
        for (;;) {
                if (!run_editor(tmp)) {
                        fprintf(stderr, "The schedule is unchanged.\n");
                        unlink(tmp);
                        return 1;
                }
                g_free(text);
                text = NULL;
                if (!g_file_get_contents(tmp, &text, &len, NULL)) {
                        fprintf(stderr, "nudge edit: the working copy %s is gone; the schedule is "
                                        "unchanged.\n", tmp);
                        return 1;
                }
                bool unchanged = existed && len == original_len && memcmp(text, original, len) == 0;
                g_autoptr(SchedfileErrors) errors = NULL;
                g_autoptr(Schedule) s = schedfile_parse_buf(path, text, len, local, &errors);
                if (s && unchanged) {
                        printf("No changes.\n");
                        unlink(tmp);
                        return 0;
                }
                if (s) {
                        r = fileio_install(tmp, path);
                        if (r < 0) {
                                fprintf(stderr, "nudge edit: cannot save %s: %s\n", path,
                                        g_strerror(-r));
                                keep_rejected(path, text, len);
                                unlink(tmp);
                                return 1;
                        }
                        cli_print_summary(path, s, local, cli_now(local));
                        return 0;
                }
                g_autofree char *msg = schedfile_errors_format(errors);
                fputs(msg, stderr);
                fprintf(stderr, "The schedule has problems; %s was not changed.\n",
                        existed ? path : "nothing");
                if (!ask_again()) {
                        if (!unchanged)
                                keep_rejected(path, text, len);
                        unlink(tmp);
                        return EXIT_CONFIG;
                }
        }
}
