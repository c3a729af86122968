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

static int write_all(int fd, const char *buf, size_t len)
{
        while (len > 0) {
                ssize_t k = write(fd, buf, len);
                if (k < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                buf += k;
                len -= (size_t) k;
        }
        return 0;
}

int notes_create(const char *path, const char *text)
{
        g_autofree char *dir = g_path_get_dirname(path);
        struct stat st;
        int r, fd;

        r = paths_mkdir_private(dir, NOTES_DIR_MODE);
        if (r < 0)
                return r;
        /* Notes are private: not in a folder that someone else owns or can write into. */
        if (stat(dir, &st) < 0)
                return -errno;
        if (paths_check_trusted(&st, dir, NULL) < 0)
                return -EPERM;

        fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, NOTES_FILE_MODE);
        if (fd < 0) {
                r = -errno;
                if (r != -EEXIST)
                        return r;
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
        if (fchmod(fd, NOTES_FILE_MODE) < 0 || (r = write_all(fd, text, strlen(text))) < 0 ||
            fsync(fd) < 0) {
                if (r >= 0)
                        r = -errno;
                (void) unlink(path);
                close(fd);
                return r;
        }
        if (close(fd) < 0)
                return -errno;
        return 1;
}

static int read_notes(const char *path, char **out)
{
        struct stat st;
        int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return -errno;
        if (fstat(fd, &st) < 0) {
                int r = -errno;
                close(fd);
                return r;
        }
        if (!S_ISREG(st.st_mode) || st.st_size > NOTES_MAX_SIZE) {
                close(fd);
                return S_ISREG(st.st_mode) ? -EFBIG : -EINVAL;
        }
        if (paths_check_trusted(&st, path, NULL) < 0) {
                close(fd);
                return -EPERM;
        }
        GString *buf = g_string_sized_new((gsize) st.st_size + 1);
        char chunk[8192];
        for (;;) {
                ssize_t k = read(fd, chunk, sizeof chunk);
                if (k < 0 && errno == EINTR)
                        continue;
                if (k < 0) {
                        int r = -errno;
                        close(fd);
                        g_string_free(buf, TRUE);
                        return r;
                }
                if (k == 0)
                        break;
                g_string_append_len(buf, chunk, k);
                if (buf->len > NOTES_MAX_SIZE) {
                        close(fd);
                        g_string_free(buf, TRUE);
                        return -EFBIG;
                }
        }
        close(fd);
        *out = g_string_free(buf, FALSE);
        return 0;
}

int notes_append(const char *path, const char *template_text, const char *heading,
                 const char *line) {
        g_autofree char *text = NULL, *updated = NULL, *dir = NULL, *base = NULL, *tmp = NULL;
        int r, fd;

        r = notes_create(path, template_text);
        if (r < 0)
                return r;
        r = read_notes(path, &text);
        if (r < 0)
                return r == -ELOOP ? -ELOOP : r;
        updated = notes_insert(text, heading, line);

        /* Write a hidden sibling and rename it over the file: a crash or a full disk leaves
         * the old notes whole, never half of them. */
        dir = g_path_get_dirname(path);
        base = g_path_get_basename(path);
        tmp = g_strdup_printf("%s/.%s.XXXXXX", dir, base);
        fd = g_mkstemp_full(tmp, O_WRONLY | O_CLOEXEC, NOTES_FILE_MODE);
        if (fd < 0)
                return -errno;
        r = 0;
        if (fchmod(fd, NOTES_FILE_MODE) < 0 || (r = write_all(fd, updated, strlen(updated))) < 0 ||
            fsync(fd) < 0) {
                if (r >= 0)
                        r = -errno;
                close(fd);
                (void) unlink(tmp);
                return r;
        }
        if (close(fd) < 0 || rename(tmp, path) < 0) {
                r = -errno;
                (void) unlink(tmp);
                return r;
        }
        return 0;
}
