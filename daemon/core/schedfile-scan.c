/* SPDX-License-Identifier: MIT */
/* The schedule file's strict line scanner, which knows where each key came from, and the
 * report of problems that every pass of the reader adds to. */
#include "config.h"

#include "schedfile-scan.h"

#include <string.h>

#include "i18n.h"
#include "timeparse.h"

/* ---- the report ------------------------------------------------------------------------ */

void report_init(Report *r, const char *path)
{
        *r = (Report){path, g_array_new(FALSE, FALSE, sizeof(SchedfileError)), 0};
}

void report(Report *r, unsigned line, const char *fmt, ...)
{
        if (r->errors->len >= SCHEDFILE_MAX_ERRORS) {
                r->suppressed++;
                return;
        }
        va_list ap;
        va_start(ap, fmt);
        SchedfileError e = {line, g_strdup_vprintf(fmt, ap)};
        va_end(ap);
        g_array_append_val(r->errors, e);
}

static int cmp_error(const void *a, const void *b)
{
        const SchedfileError *x = a, *y = b;
        /* Equal lines keep the order they were found in: g_array_sort() is stable (GLib
         * >= 2.32), while heap addresses say nothing about the order of allocation. */
        return (x->line > y->line) - (x->line < y->line);
}

SchedfileErrors *report_finish(Report *r)
{
        if (r->errors->len == 0) {
                g_array_free(r->errors, TRUE);
                return NULL;
        }
        g_array_sort(r->errors, cmp_error);
        SchedfileErrors *e = g_new0(SchedfileErrors, 1);
        e->path = g_strdup(r->path);
        e->n_errors = r->errors->len;
        e->n_suppressed = r->suppressed;
        e->errors = (SchedfileError *)(void *)g_array_free(r->errors, FALSE);
        return e;
}

/* ---- the line scanner ------------------------------------------------------------------ */

typedef struct {
        Report *r;
        ScanSink sink;
        void *userdata;
        GHashTable *seen;      /* "id" and "id:name" -> the line they were first on */
        ScanSection *section;  /* the one that keys go to; NULL after a broken header */
        unsigned section_line; /* of the last header, good or broken; 0 before any */
} Scanner;

/* Hands the section being read to the sink, which takes what it needs, and frees it. Only
 * one section's dictionary lives at a time: iniparser's dictionary_set() scans every entry
 * and a dictionary takes 2.5 KB however few keys it holds, so one for the whole file would
 * make a large file quadratic, and one per section would hold megabytes. */
static void end_section(Scanner *sc)
{
        ScanSection *ss = g_steal_pointer(&sc->section);
        if (!ss)
                return;
        sc->sink(ss, sc->userdata);
        for (guint i = 0; i < ss->keys->len; i++)
                g_free(g_array_index(ss->keys, ScanKey, i).name);
        g_array_free(ss->keys, TRUE);
        dictionary_del(ss->values);
        g_free(ss->spelling);
        g_free(ss->id);
        g_free(ss);
}

const char *scan_value(const ScanSection *ss, const ScanKey *key)
{
        g_autofree char *full = g_strconcat(ss->id, ":", key->name, NULL);
        /* Not iniparser_getstring(): it copies the key into a buffer of 1,024 bytes and
         * misses longer ones, and a section name may be longer than that. */
        return dictionary_get(ss->values, full, NULL);
}

/* Letters, digits and the `punctuation` given; not empty. Section names may hold '.',
 * key names not; neither may hold ':', iniparser's separator of section and key. */
static bool name_ok(const char *name, const char *punctuation)
{
        if (!*name)
                return false;
        for (const char *p = name; *p; p++)
                if (!g_ascii_isalnum(*p) && !strchr(punctuation, *p))
                        return false;
        return true;
}

static void report_unclosed(Report *r, unsigned line, char quote)
{
        if (quote == '"')
                report(r, line, _("the value opens a double quote that is never closed"));
        else
                report(r, line, _("the value opens a single quote that is never closed"));
}

/* Reads one value: quoted (taken literally) or unquoted (up to a comment, trimmed).
 * Returns NULL after reporting a problem. */
static char *scan_quoted_or_plain(Report *r, unsigned line, char *v)
{
        v = str_trim(v);
        if (v[0] == '"' || v[0] == '\'') {
                char *close = strchr(v + 1, v[0]);
                if (!close) {
                        report_unclosed(r, line, v[0]);
                        return NULL;
                }
                char *rest = str_trim(close + 1);
                if (*rest && *rest != '#' && *rest != ';') {
                        report(r, line, _("text after the closing quote: put the whole value "
                                        "inside the quotes, or start a comment with '#'"));
                        return NULL;
                }
                return g_strndup(v + 1, (size_t)(close - v - 1));
        }
        v[strcspn(v, "#;")] = '\0';
        return g_strdup(str_trim(v));
}

static const char *skip_blanks(const char *s)
{
        while (*s == ' ' || *s == '\t')
                s++;
        return s;
}

ListStep list_item(const char **p, const char **a, const char **b, char *quote)
{
        const char *s = skip_blanks(*p);
        *quote = 0;
        if (!*s || *s == '#' || *s == ';') {
                *p = s;
                return LIST_END;
        }
        if (*s == '"' || *s == '\'') {
                const char *close = strchr(s + 1, *s);
                *quote = *s;
                if (!close)
                        return LIST_UNCLOSED;
                *a = s + 1;
                *b = close;
                s = skip_blanks(close + 1);
                if (*s && *s != ',' && *s != '#' && *s != ';')
                        return LIST_AFTER_QUOTE;
                *p = *s == ',' ? s + 1 : s;
                return LIST_ITEM;
        }
        const char *e = s + strcspn(s, ",#;");
        *a = s;
        *b = e;
        while (*b > *a && ((*b)[-1] == ' ' || (*b)[-1] == '\t'))
                (*b)--;
        *p = *e == ',' ? e + 1 : e;
        return LIST_ITEM;
}

/* A list value (see list_item()): the text up to its comment, trimmed, quotes kept for
 * the key's own reader. Returns NULL after reporting a problem. */
static char *scan_list(Report *r, unsigned line, char *v)
{
        v = str_trim(v);
        const char *p = v, *a, *b;
        char quote;
        for (;;) {
                ListStep step = list_item(&p, &a, &b, &quote);
                if (step == LIST_END)
                        break;
                if (step == LIST_UNCLOSED) {
                        report_unclosed(r, line, quote);
                        return NULL;
                }
                if (step == LIST_AFTER_QUOTE) {
                        report(r, line, _("text after the closing quote of a phrase: put a comma "
                                        "between phrases, or start a comment with '#'"));
                        return NULL;
                }
        }
        return str_trim(g_strndup(v, (size_t)(p - v)));
}

/* The name of a [header] line, or NULL after reporting why it is not a good one. */
static char *header_name(Report *r, unsigned line, char *s)
{
        char *close = strchr(s, ']');
        if (!close) {
                report(r, line, _("a section header needs a closing ']', as in [therapy]"));
                return NULL;
        }
        char *rest = str_trim(close + 1);
        if (*rest && *rest != '#' && *rest != ';') {
                report(r, line, _("unexpected text after the section header"));
                return NULL;
        }
        *close = '\0';
        char *name = str_trim(s + 1);
        if (!name_ok(name, "-_.")) {
                /* TRANSLATORS: the messages about the schedule file follow "FILE:LINE: ".
                 * Schedule keys (title, weekly, remind...), section names in brackets,
                 * [defaults], and the forms the file accepts stay in English. */
                report(r, line, _("'%s' is not a valid section name: use letters, digits, "
                                "'-', '_' and '.'"), name);
                return NULL;
        }
        return name;
}

static void scan_header(Scanner *sc, unsigned line, char *s)
{
        end_section(sc);
        /* Even a broken header is a header: its keys are not "before any section". */
        sc->section_line = line;
        const char *name = header_name(sc->r, line, s);
        if (!name)
                return;
        g_autofree char *id = g_ascii_strdown(name, -1);
        unsigned first = GPOINTER_TO_UINT(g_hash_table_lookup(sc->seen, id));
        if (first) {
                report(sc->r, line, _("section [%s] appears a second time (first on line %u): "
                                    "keep one and merge their keys"), id, first);
                return;
        }
        g_hash_table_insert(sc->seen, g_strdup(id), GUINT_TO_POINTER(line));
        ScanSection *ss = g_new0(ScanSection, 1);
        ss->id = g_strdup(id);
        ss->spelling = g_strdup(name);
        ss->line = line;
        ss->keys = g_array_new(FALSE, FALSE, sizeof(ScanKey));
        ss->values = dictionary_new(16);
        sc->section = ss;
}

/* The lower-case name of a `key = value` line, or NULL after reporting a problem. */
static char *entry_name(Report *r, unsigned line, char *s, char **value_text)
{
        char *eq = strchr(s, '=');
        if (!eq) {
                report(r, line, _("expected 'key = value', a [section] header, or a comment "
                                "starting with '#'"));
                return NULL;
        }
        *eq = '\0';
        char *key = str_trim(s);
        if (!*key) {
                report(r, line, _("a key name is missing before '='"));
                return NULL;
        }
        char *lkey = g_ascii_strdown(key, -1);
        if (!name_ok(lkey, "-_")) {
                report(r, line, _("'%s' is not a valid key name"), key);
                g_free(lkey);
                return NULL;
        }
        *value_text = eq + 1;
        return lkey;
}

static void scan_entry(Scanner *sc, unsigned line, char *s)
{
        char *value_text = NULL;
        g_autofree char *lkey = entry_name(sc->r, line, s, &value_text);
        if (!lkey)
                return;
        /* match is a list of phrases, each of which may be quoted. */
        g_autofree char *value = strcmp(lkey, "match") == 0
                                         ? scan_list(sc->r, line, value_text)
                                         : scan_quoted_or_plain(sc->r, line, value_text);
        if (!value)
                return;
        if (!sc->section) {
                /* A header that failed leaves its keys without a home: say so only when
                 * there was no header at all, not once more per key. */
                if (sc->section_line == 0)
                        report(sc->r, line, _("'%s' comes before any [section]: put it under "
                                            "[defaults] or under a session's header"), lkey);
                return;
        }
        ScanSection *ss = sc->section;
        g_autofree char *full = g_strconcat(ss->id, ":", lkey, NULL);
        unsigned first = GPOINTER_TO_UINT(g_hash_table_lookup(sc->seen, full));
        if (first) {
                report(sc->r, line, _("'%s' is set a second time in [%s] (first on line %u): "
                                    "keep one"), lkey, ss->id, first);
                return;
        }
        g_hash_table_insert(sc->seen, g_strdup(full), GUINT_TO_POINTER(line));
        dictionary_set(ss->values, full, value);
        ScanKey k = {g_steal_pointer(&lkey), line};
        g_array_append_val(ss->keys, k);
}

static void scan_line(Scanner *sc, char *text, unsigned line)
{
        char *s = str_trim(text);
        if (!*s || *s == '#' || *s == ';')
                return;
        if (*s == '[')
                scan_header(sc, line, s);
        else
                scan_entry(sc, line, s);
}

/* Whether a line is text that the scanner can read; reports why not. */
static bool line_ok(Report *r, unsigned line, const char *text, size_t n)
{
        const char *bad = NULL;
        if (memchr(text, '\0', n)) {
                report(r, line, _("holds a NUL byte: the schedule must be plain text"));
                return false;
        }
        if (!g_utf8_validate_len(text, n, &bad)) {
                report(r, line, _("is not valid UTF-8 (at byte %zu of the line): save the "
                                "file as UTF-8"), (size_t)(bad - text) + 1);
                return false;
        }
        if (n > SCHEDFILE_MAX_LINE) {
                /* TRANSLATORS: follows "FILE:LINE: "; %1$zu is the line's length, %2$d
                 * the limit. */
                report(r, line, ngettext("is %1$zu byte long; lines may hold at most %2$d",
                                         "is %1$zu bytes long; lines may hold at most %2$d", n),
                       n, SCHEDFILE_MAX_LINE);
                return false;
        }
        return true;
}

void scan_buf(Report *r, const char *buf, size_t len, ScanSink sink, void *userdata)
{
        Scanner sc = {
                .r = r,
                .sink = sink,
                .userdata = userdata,
                .seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL),
        };
        unsigned line = 0, binary_lines = 0;
        size_t pos = 0;

        /* Some editors begin UTF-8 files with a byte order mark: it is not part of line 1. */
        if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
                pos = 3;
        while (pos < len) {
                const char *nl = memchr(buf + pos, '\n', len - pos);
                size_t n = nl ? (size_t)(nl - (buf + pos)) : len - pos;
                const char *text = buf + pos;
                pos += n + (nl ? 1 : 0);
                line++;
                if (n > 0 && text[n - 1] == '\r')
                        n--;
                if (line_ok(r, line, text, n)) {
                        g_autofree char *copy = g_strndup(text, n);
                        scan_line(&sc, copy, line);
                } else if (++binary_lines >= 20) {
                        /* A binary file would give one message per line; a few prove it. */
                        report(r, 0, _("this does not look like a schedule file: stopped "
                                     "reading after line %u"), line);
                        break;
                }
        }
        end_section(&sc);
        g_hash_table_destroy(sc.seen);
}
