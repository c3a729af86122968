/* SPDX-License-Identifier: MIT */
/* Notes files: their names, their template, and private, never-overwriting file creation. */
#include "config.h"

#include "notes.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "paths.h"

#define NOTES_MAX_SIZE (4 << 20) /* a notes file bigger than this is not ours to rewrite */

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
        g_autofree char *t = one_line(title && title[0] ? title : "Session");
        int wd = civil_weekday(civil_days(date));
        return g_strdup_printf("# %s\n"
                               "\n"
                               "%s, %d %s %d, %02d:%02d\n"
                               "\n"
                               "A private place to get ready: write as much or as little as you "
                               "like.\nNobody reads this unless you choose to share it.\n"
                               "\n"
                               "## " NOTES_HEADING_THOUGHTS "\n"
                               "\n"
                               "## " NOTES_HEADING_QUESTIONS "\n"
                               "\n"
                               "## " NOTES_HEADING_NOT_RIGHT "\n"
                               "\n",
                               t, civil_weekday_name(wd), date.d, civil_month_name(date.m), date.y,
                               minute_of_day / 60, minute_of_day % 60);
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

static bool heading_is(const char *l, const char *heading)
{
        if (strncmp(l, "## ", 3) != 0)
                return false;
        g_autofree char *rest = g_strdup(l + 3);
        g_strstrip(rest);
        return g_ascii_strcasecmp(rest, heading) == 0;
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

char *notes_dated_line(int64_t now, Tz *tz, const char *text)
{
        Ymd d;
        int sec;
        g_autofree char *t = one_line(text);
        tz_local(tz, now, &d, &sec);
        return g_strdup_printf("- %04d-%02d-%02d %02d:%02d %s", d.y, d.m, d.d, sec / 3600,
                               sec / 60 % 60, t);
}

/* A notes file is the person's own text: read back only to add a line to it, never logged. */
static const FileRules notes_rules = {
        .what = "note",
        .max_size = NOTES_MAX_SIZE,
        /* A NUL would cut the text short in notes_insert(), and the rewrite would lose the
         * rest. Other bytes, valid UTF-8 or not, are the person's and are kept as they are. */
        .flags = FILEIO_NOFOLLOW | FILEIO_NO_NUL,
};

int notes_create(const char *path, const char *text)
{
        g_autofree char *dir = g_path_get_dirname(path);
        struct stat st;

        int r = fileio_mkdir_private(dir, NOTES_DIR_MODE);
        if (r < 0)
                return r;
        /* Notes are private: not in a folder that someone else owns or can write into. */
        if (stat(dir, &st) < 0)
                return -errno;
        r = fileio_check_trusted(&st, dir, "notes folder", NULL);
        if (r < 0)
                return r;

        _cleanup_close_ int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                                      NOTES_FILE_MODE);
        if (fd < 0) {
                if (errno != EEXIST)
                        return -errno;
                /* Existing: never touched here. But only a regular file counts as the notes
                 * file; a link planted in its place is not followed by anything of ours. */
                if (lstat(path, &st) < 0)
                        return -errno;
                if (S_ISLNK(st.st_mode))
                        return -ELOOP;
                if (!S_ISREG(st.st_mode))
                        return -EINVAL;
                return 0;
        }
        /* The umask may only take bits away; set exactly 0600 whatever it is. */
        r = fchmod(fd, NOTES_FILE_MODE) < 0 ? -errno : fileio_write_all(fd, text, strlen(text));
        if (r == 0 && fsync(fd) < 0)
                r = -errno;
        if (close(fileio_take_fd(&fd)) < 0 && r == 0)
                r = -errno;
        if (r < 0) {
                (void) unlink(path);
                return r;
        }
        return 1;
}

int notes_append(const char *path, const char *template_text, const char *heading,
                 const char *line) {
        g_autofree char *text = NULL, *updated = NULL;
        size_t len;

        int r = notes_create(path, template_text);
        if (r < 0)
                return r;
        r = fileio_read(path, &notes_rules, &text, &len, NULL);
        if (r < 0)
                return r;
        updated = notes_insert(text, heading, line);
        /* Replaced through a renamed sibling: a crash or a full disk leaves the old notes
         * whole, never half of them. */
        return fileio_replace(path, updated, strlen(updated), NOTES_FILE_MODE);
}
