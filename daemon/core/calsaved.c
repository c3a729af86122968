/* SPDX-License-Identifier: MIT */
/* The saved copy of a calendar's sessions: its header, its digest, the strict loader. */
#include "config.h"

#include "calsaved.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <sys/stat.h>

#include "decimal.h"
#include "fileio.h"
#include "i18n.h"

#define DIGEST_HEX 64

static const FileRules saved_rules = {
        .what = "saved calendar",
        .max_size = HANDOVER_MAX_BYTES + 256,
        /* No NUL or UTF-8 check here: the parsers of the header and of the list make
         * both, and a list of megabytes is not read through twice. */
        .flags = FILEIO_NOFOLLOW,
};

static int64_t changed_at(const struct stat *st)
{
        return MAX((int64_t)st->st_mtime, (int64_t)st->st_ctime);
}

/* When a calendar file or folder last changed, to the second: the newest change time of
 * the path (and of the link leading to it) and, for a folder, of its .ics files. A file
 * put in place with an old modification time still has a new change time. -1 when it
 * cannot be told. */
static int64_t source_changed_at(const char *path)
{
        struct stat st, lst;
        if (stat(path, &st) < 0 || lstat(path, &lst) < 0)
                return -1;
        int64_t newest = MAX(changed_at(&st), changed_at(&lst));
        if (!S_ISDIR(st.st_mode))
                return newest;
        g_autoptr(GDir) dir = g_dir_open(path, 0, NULL);
        if (!dir)
                return -1;
        for (const char *name; (name = g_dir_read_name(dir));) {
                if (!g_str_has_suffix(name, ".ics") && !g_str_has_suffix(name, ".ICS"))
                        continue;
                g_autofree char *file = g_build_filename(path, name, NULL);
                if (stat(file, &st) < 0 || lstat(file, &lst) < 0)
                        return -1;
                newest = MAX(newest, MAX(changed_at(&st), changed_at(&lst)));
        }
        return newest;
}

bool calsaved_read_since_change(int64_t fetched, const char *path, int64_t now)
{
        /* Read in the second of the last change, or before it: read it again. A copy
         * read "in the future" says nothing once the clock went back. */
        int64_t changed = source_changed_at(path);
        return changed >= 0 && fetched > changed && fetched <= now;
}

void calsaved_free(CalSaved *c)
{
        if (!c)
                return;
        handover_unref(c->list);
        g_free(c);
}

char *calsaved_path(const char *state_dir, const char *section_id)
{
        g_autofree char *base = g_strdup_printf("calendar-%s.list", section_id);
        return g_build_filename(state_dir, base, NULL);
}

/* Each field ends with a NUL, so that no two different inputs read the same. */
static void add_field(GChecksum *c, const char *text)
{
        const char *t = text ? text : "";
        g_checksum_update(c, (const guchar *)t, (gssize)strlen(t) + 1);
}

char *calsaved_digest(const Series *se)
{
        g_autoptr(GChecksum) c = g_checksum_new(G_CHECKSUM_SHA256);
        const CalendarSpec *spec = se->calendar;
        add_field(c, "source");
        add_field(c, spec ? (spec->url ? spec->url : spec->path) : NULL);
        add_field(c, "zone");
        add_field(c, se->tz ? tz_name(se->tz) : NULL);
        g_autofree char *duration = g_strdup_printf("%" PRId64, se->duration);
        add_field(c, "duration");
        add_field(c, duration);
        for (char **m = spec ? spec->match : NULL; m && *m; m++) {
                add_field(c, "match");
                add_field(c, *m);
        }
        return g_strdup(g_checksum_get_string(c));
}

char *calsaved_format(int64_t from, int64_t to, int64_t fetched, const char *digest,
                      Handover *list)
{
        if (from >= to || fetched < 0 || !digest || strlen(digest) != DIGEST_HEX)
                return NULL;
        g_autofree char *body = handover_format(list);
        return g_strdup_printf(CALSAVED_MAGIC "\t%" PRId64 "\t%" PRId64 "\t%" PRId64 "\t%s\n%s",
                               from, to, fetched, digest, body);
}

/* A decimal integer as the format writes it: "-" only as a sign, no leading zeros. */
static bool parse_int(const char *text, int64_t *out)
{
        return decimal_parse(text, strlen(text), INT64_MIN, INT64_MAX, out);
}

static bool is_digest(const char *text)
{
        if (strlen(text) != DIGEST_HEX)
                return false;
        for (const char *p = text; *p; p++)
                if (!g_ascii_isdigit(*p) && !(*p >= 'a' && *p <= 'f'))
                        return false;
        return true;
}

static int bad(char **why, const char *reason)
{
        if (why)
                *why = g_strdup(reason);
        return -EBADMSG;
}

/* The header line: 0 and the fields, or -EBADMSG. */
static int parse_header(const char *line, CalSaved *c, char **digest_out, char **why)
{
        g_auto(GStrv) f = g_strsplit(line, "\t", -1);
        if (g_strv_length(f) != 5 || strcmp(f[0], CALSAVED_MAGIC) != 0)
                return bad(why, "line 1: not the header of a saved calendar, version 1");
        if (!parse_int(f[1], &c->from) || !parse_int(f[2], &c->to) || c->from >= c->to)
                return bad(why, "line 1: the window is not two instants in order");
        if (!parse_int(f[3], &c->fetched) || c->fetched < 0)
                return bad(why, "line 1: the time of the last read is not an instant");
        if (!is_digest(f[4]))
                return bad(why, "line 1: the digest is not 64 lower-case hexadecimal digits");
        *digest_out = g_strdup(f[4]);
        return 0;
}

/* calsaved_parse_buf() of text[0, len), which it takes (g_free). */
static int parse_owned(char *text, size_t len, const char *digest, CalSaved **out, char **why)
{
        g_autofree char *buf = text;
        const char *nl = memchr(buf, '\n', len);
        if (!nl)
                return bad(why, "line 1: no header line");
        g_autofree char *line = g_strndup(buf, (gsize)(nl - buf));
        if (strlen(line) != (size_t)(nl - buf))
                return bad(why, "line 1: a NUL byte");
        g_autoptr(CalSaved) c = g_new0(CalSaved, 1);
        g_autofree char *found = NULL;
        int r = parse_header(line, c, &found, why);
        if (r < 0)
                return r;
        g_autofree char *list_why = NULL;
        size_t at = (size_t)(nl + 1 - buf);
        if (handover_parse_owned(g_steal_pointer(&buf), at, len - at, &c->list, &list_why) < 0) {
                if (why)
                        *why = g_strdup_printf("after the header, %s",
                                               list_why ? list_why : "a damaged list");
                return -EBADMSG;
        }
        if (strcmp(found, digest) != 0) {
                if (why)
                        *why = g_strdup("saved for another calendar, zone, duration or match");
                return -ESTALE;
        }
        *out = g_steal_pointer(&c);
        return 0;
}

int calsaved_parse_buf(const char *buf, size_t len, const char *digest, CalSaved **out,
                       char **why)
{
        char *text = g_malloc(len + 1);
        memcpy(text, buf, len);
        return parse_owned(text, len, digest, out, why);
}

int calsaved_save(const char *path, int64_t from, int64_t to, int64_t fetched,
                  const char *digest, Handover *list)
{
        g_autofree char *text = calsaved_format(from, to, fetched, digest, list);
        if (!text)
                return -EINVAL;
        g_autofree char *dir = g_path_get_dirname(path);
        int r = fileio_mkdir_private(dir, 0700);
        return r < 0 ? r : fileio_replace(path, text, strlen(text), 0600);
}

int calsaved_load(const char *path, const char *digest, CalSaved **out, char **why)
{
        g_autofree char *text = NULL;
        size_t len = 0;
        int r = fileio_read(path, &saved_rules, &text, &len, why);
        if (r < 0)
                return r;
        return parse_owned(g_steal_pointer(&text), len, digest, out, why);
}

char *calsaved_name(const Series *se)
{
        const CalendarSpec *spec = se->calendar;
        if (spec && spec->url && spec->host)
                return g_strdup_printf("[%s] (%s)", se->id, spec->host);
        return g_strdup_printf("[%s]", se->id);
}

CalRequest *calsaved_request(const Series *se, int64_t from, int64_t to, CalFetch fetch)
{
        const CalendarSpec *spec = se->calendar;
        CalRequest *r = g_new0(CalRequest, 1);
        r->section = g_strdup(se->id);
        r->source = g_strdup(spec->url ? spec->url : spec->path);
        r->zone = g_strdup(se->tz ? tz_name(se->tz) : "UTC");
        r->from = from;
        r->to = to;
        r->duration = se->duration;
        r->match = spec->match ? g_strdupv(spec->match) : g_new0(char *, 1);
        r->fetch = fetch;
        return r;
}

/* The reader may name the calendar at the start of its reason ("practice (host): ..."):
 * the messages name it already. */
static const char *without_name(const char *reason, const char *section)
{
        size_t n = strlen(section);
        if (strncmp(reason, section, n) != 0)
                return reason;
        const char *p = reason + n;
        if (p[0] == ' ' && p[1] == '(') {
                const char *close = strstr(p, "): ");
                return close ? close + 3 : reason;
        }
        return g_str_has_prefix(p, ": ") ? p + 2 : reason;
}

/* The command and the status speak the person's language, the log English. */
#define T(text) (translated ? _(text) : (text))

char *calsaved_problem(const char *section, bool url, const char *reason, CalAuth auth,
                       bool translated)
{
        if (auth == CALAUTH_NEEDED)
                /* TRANSLATORS: %s is the section; keep "nudge password". */
                return g_strdup_printf(T(N_("needs a password: run \"nudge password %s\"")),
                                       section);
        if (auth == CALAUTH_REFUSED)
                return g_strdup_printf(T(N_("the password was refused: run \"nudge password %s\"")),
                                       section);
        /* TRANSLATORS: %s is why, as the calendar reader says it. */
        return g_strdup_printf(url ? T(N_("cannot be fetched: %s")) : T(N_("cannot be read: %s")),
                               reason && *reason ? without_name(reason, section) : "?");
}
