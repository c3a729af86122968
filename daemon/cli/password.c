/* SPDX-License-Identifier: MIT */
/* `nudge password`: keeps the password of a section's calendar URL in the desktop's
 * Secret Service, or (--forget) removes it. The password is read from the terminal with
 * echo off, or from one line of stdin; it is never printed, logged or written elsewhere. */
#include "config.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "calreq.h"
#include "cli.h"
#include "fileio.h"
#include "i18n.h"
#include "password.h"

typedef struct {
        char *config;
        char *section; /* as typed */
        bool forget;
} PasswordArgs;

static bool password_parse(int argc, char **argv, PasswordArgs *a)
{
        static const CliCommand cmd = {
                .name = "password",
                .parameter = N_("- keep the password of a section's calendar"),
                .summary = N_("Asks for the password of the calendar at the URL of SECTION's "
                              "'calendar' key\nand keeps it in the desktop's Secret Service "
                              "(GNOME Keyring, KWallet),\nwhere nudged finds it. The user "
                              "name comes from the URL (https://NAME@HOST/...)."),
                .description = N_("The password is asked for on the terminal, without echo. "
                                  "When standard input\nis not a terminal, its first line is "
                                  "the password (for scripts):\n"
                                  "  secret-command | nudge password SECTION\n"
                                  "Exit status: 0 done, 1 the Secret Service failed or no "
                                  "password was given,\n64 wrong arguments, 78 problems in "
                                  "the schedule file.\n"),
                .takes_words = true,
        };
        g_auto(GStrv) words = NULL;
        gboolean forget = FALSE;
        GOptionEntry entries[] = {
                CLI_CONFIG_OPTION(a->config),
                {"forget", 'f', 0, G_OPTION_ARG_NONE, &forget,
                 N_("Remove the stored password instead"), NULL},
                {G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &words, NULL,
                 N_("SECTION")},
                {NULL},
        };
        if (!cli_parse_options(&cmd, entries, &argc, &argv))
                return false;
        if (!words || g_strv_length(words) != 1 || !*words[0]) {
                fputs(_("nudge password: name one section of the schedule file (see nudge "
                        "password --help)\n"), stderr);
                return false;
        }
        a->section = g_strdup(words[0]);
        a->forget = forget;
        return true;
}

/* The sections whose calendar is a URL, "a, b", or NULL when there is none. */
static char *url_sections(const Schedule *s)
{
        g_autoptr(GString) names = g_string_new(NULL);
        for (size_t i = 0; i < s->n_series; i++)
                if (s->series[i].calendar && s->series[i].calendar->url)
                        g_string_append_printf(names, "%s%s", names->len ? ", " : "",
                                               s->series[i].id);
        return names->len ? g_string_free(g_steal_pointer(&names), FALSE) : NULL;
}

/* The series of section `name` when its calendar is a URL; else says why not and returns
 * NULL. */
static const Series *find_calendar(const Schedule *s, const char *path, const char *name)
{
        const Series *found = NULL;
        for (size_t i = 0; i < s->n_series && !found; i++)
                if (!g_ascii_strcasecmp(s->series[i].id, name))
                        found = &s->series[i];
        if (found && found->calendar && found->calendar->url)
                return found;
        if (!found)
                /* TRANSLATORS: %1$s is the section as typed, %2$s the schedule file. */
                fprintf(stderr, _("nudge password: there is no section [%1$s] in %2$s\n"),
                        name, path);
        else if (found->calendar)
                fprintf(stderr, _("nudge password: [%1$s] reads the calendar file %2$s: a "
                                  "file needs no password\n"),
                        found->id, found->calendar->path ? found->calendar->path : "?");
        else
                fprintf(stderr, _("nudge password: [%s] has no 'calendar' key: a password is "
                                  "only for a calendar at a URL\n"),
                        found->id);
        g_autofree char *others = url_sections(s);
        if (others)
                /* TRANSLATORS: %s lists section names, "nextcloud, practice". */
                fprintf(stderr, _("The sections with a calendar at a URL: %s\n"), others);
        return NULL;
}

/* The user name of `url`, or NULL when it names none. */
static char *url_user(const char *url)
{
        g_autoptr(GUri) uri = g_uri_parse(url, G_URI_FLAGS_NONE, NULL);
        const char *user = uri ? g_uri_get_user(uri) : NULL;
        return user && *user ? g_uri_unescape_string(user, NULL) : NULL;
}

/* The terminal whose echo is off while the password is typed, and how to restore it: a
 * signal that ends the command meanwhile must not leave the terminal without echo. */
static int tty_fd = -1;
static struct termios tty_saved;
static const int tty_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};

static void tty_restore_and_die(int sig)
{
        /* Only async-signal-safe calls: tcsetattr, write, signal, raise. */
        if (tty_fd >= 0) {
                tcsetattr(tty_fd, TCSAFLUSH, &tty_saved);
                (void)!write(tty_fd, "\n", 1);
        }
        signal(sig, SIG_DFL);
        raise(sig);
}

static void tty_handlers(bool install)
{
        struct sigaction sa = {0};
        sa.sa_handler = install ? tty_restore_and_die : SIG_DFL;
        sigemptyset(&sa.sa_mask);
        for (size_t i = 0; i < G_N_ELEMENTS(tty_signals); i++)
                sigaction(tty_signals[i], &sa, NULL);
}

/* One line from `fd` into buf (NUL-terminated, without the line end): its length (0 for
 * an empty line or no input at all), or -E2BIG when it does not fit, or -errno. Reads a
 * byte at a time so that nothing past the line is taken, and no buffer but `buf` ever
 * holds the password. */
static ssize_t read_line(int fd, char *buf, size_t size)
{
        size_t n = 0;
        for (;;) {
                char c;
                ssize_t r = read(fd, &c, 1);
                if (r < 0 && errno == EINTR)
                        continue;
                if (r < 0)
                        return -errno;
                if (r == 0 || c == '\n')
                        break;
                /* Stop at once: a never-ending stream must not keep the command reading. */
                if (n + 1 >= size)
                        return -E2BIG;
                buf[n++] = c;
        }
        buf[n] = '\0';
        if (n > 0 && buf[n - 1] == '\r')
                buf[--n] = '\0';
        return (ssize_t)n;
}

/* Asks on the terminal with echo off. */
static ssize_t read_from_tty(const char *prompt, char *buf, size_t size)
{
        _cleanup_close_ int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
        int use = fd >= 0 ? fd : STDIN_FILENO;
        struct termios off;
        if (tcgetattr(use, &tty_saved) < 0)
                return -errno;
        off = tty_saved;
        off.c_lflag &= ~(tcflag_t)(ECHO | ECHOE | ECHOK);
        off.c_lflag |= ECHONL;
        fileio_write_all(use == STDIN_FILENO ? STDERR_FILENO : use, prompt, strlen(prompt));
        tty_fd = use;
        tty_handlers(true);
        ssize_t n = tcsetattr(use, TCSAFLUSH, &off) < 0 ? -errno : read_line(use, buf, size);
        tcsetattr(use, TCSAFLUSH, &tty_saved);
        tty_handlers(false);
        tty_fd = -1;
        return n;
}

/* Reads the password into buf; prints why not and returns false. */
static bool read_password(const Series *s, const char *user, char *buf, size_t size)
{
        ssize_t n;
        if (isatty(STDIN_FILENO)) {
                g_autofree char *prompt = g_strdup_printf(
                        /* TRANSLATORS: %1$s is the section, %2$s the host, %3$s the user
                         * name. */
                        _("Password for calendar [%1$s] at %2$s (user %3$s): "), s->id,
                        s->calendar->host, user);
                n = read_from_tty(prompt, buf, size);
        } else {
                n = read_line(STDIN_FILENO, buf, size);
        }
        const char *why = NULL;
        if (n == -E2BIG)
                why = _("the password is too long (at most 4096 bytes)");
        else if (n == 0)
                why = _("no password given (an empty one is not kept)");
        else if (n < 0)
                why = g_strerror((int)-n);
        else if (!g_utf8_validate(buf, n, NULL))
                why = _("the password is not valid UTF-8 text");
        for (ssize_t i = 0; !why && i < n; i++)
                if ((unsigned char)buf[i] < 0x20 || buf[i] == 0x7f)
                        why = _("the password holds a control character (a tab?)");
        if (why)
                fprintf(stderr, _("nudge password: %s: nothing was stored\n"), why);
        return !why;
}

/* Asks a running nudged to read its schedule again, which makes a calendar that failed ask
 * again at once, now with the password. Nothing when nudged does not run. */
static bool reload_nudged(void)
{
        g_autoptr(GDBusConnection) bus = g_bus_get_sync(G_BUS_TYPE_SESSION, NULL, NULL);
        if (!bus)
                return false;
        g_autoptr(GVariant) r = g_dbus_connection_call_sync(
                bus, "org.nudge.Daemon", "/org/nudge/Daemon", "org.nudge.Daemon1", "Reload", NULL,
                NULL, G_DBUS_CALL_FLAGS_NO_AUTO_START, 10000, NULL, NULL);
        return r != NULL;
}

static int password_store_run(const Series *s)
{
        const CalendarSpec *c = s->calendar;
        g_autofree char *user = url_user(c->url);
        if (!user) {
                fprintf(stderr, _("nudge password: the calendar URL of [%1$s] names no user: "
                                  "write it into the URL (https://NAME@%2$s/...) and try "
                                  "again\n"),
                        s->id, c->host);
                return EXIT_USAGE;
        }
        /* Ask the Secret Service first: no one should type a password only to learn that
         * there is nowhere to keep it. */
        g_autoptr(GError) error = NULL;
        char *old = password_lookup_sync(c->url, &error);
        bool replacing = old != NULL;
        password_free(old);
        if (error) {
                fprintf(stderr, "nudge password: %s\n", error->message);
                return 1;
        }
        char pw[CALREQ_MAX_TEXT + 1] = {0};
        bool got = read_password(s, user, pw, sizeof pw);
        bool stored = got && password_store_sync(c->url, s->id, pw, &error);
        explicit_bzero(pw, sizeof pw);
        if (!got)
                return 1;
        if (!stored) {
                fprintf(stderr, "nudge password: %s\n", error->message);
                return 1;
        }
        if (replacing)
                printf(_("Replaced the password of calendar [%1$s] (%2$s) in the keyring.\n"),
                       s->id, c->host);
        else
                printf(_("Stored the password of calendar [%1$s] (%2$s) in the keyring.\n"),
                       s->id, c->host);
        if (reload_nudged())
                /* TRANSLATORS: after "Stored the password…", when nudged runs. */
                printf(_("nudged is reading the calendar again, with the password.\n"));
        return 0;
}

static int password_forget_run(const Series *s)
{
        const CalendarSpec *c = s->calendar;
        g_autoptr(GError) error = NULL;
        bool removed = false;
        if (!password_clear_sync(c->url, &removed, &error)) {
                fprintf(stderr, "nudge password: %s\n", error->message);
                return 1;
        }
        if (removed)
                printf(_("Removed the password of calendar [%1$s] (%2$s) from the keyring.\n"),
                       s->id, c->host);
        else
                printf(_("There was no password of calendar [%1$s] (%2$s) in the keyring.\n"),
                       s->id, c->host);
        return 0;
}

int cli_password(int argc, char **argv)
{
        PasswordArgs a = {0};
        int status = EXIT_USAGE;
        if (password_parse(argc, argv, &a)) {
                g_autoptr(Tz) local = tz_new_local();
                g_autofree char *path = NULL;
                status = 0;
                g_autoptr(Schedule) s = cli_load_schedule(a.config, local, &path, &status);
                const Series *found = s ? find_calendar(s, path, a.section) : NULL;
                if (s && !found)
                        status = EXIT_USAGE;
                else if (found)
                        status = a.forget ? password_forget_run(found)
                                          : password_store_run(found);
        }
        g_free(a.config);
        g_free(a.section);
        return status;
}
