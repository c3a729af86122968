/* SPDX-License-Identifier: MIT */
/* The calendar request and reply (calreq.h): writing them, and reading them back with no
 * partial trust. */
#include "config.h"

#include "calreq.h"

#include <errno.h>
#include <string.h>

#include "decimal.h"

/* The longest section id: it names the cache files (SECTION.meta within NAME_MAX). */
#define SECTION_MAX 200u
#define DURATION_MAX (7 * 86400)
#define REFRESH_MAX (366 * 86400)

void calreq_free(CalRequest *r)
{
        if (!r)
                return;
        g_free(r->section);
        g_free(r->source);
        g_free(r->zone);
        g_strfreev(r->match);
        if (r->password) {
                memset(r->password, 0, strlen(r->password));
                g_free(r->password);
        }
        g_free(r);
}

void calreply_free(CalReply *r)
{
        if (!r)
                return;
        g_free(r->reason);
        handover_unref(r->list);
        g_free(r);
}

/* ---- the alphabet of fields ------------------------------------------------------- */

/* Valid UTF-8 of 1..max bytes (0..max with `empty`) without C0, DEL or C1 characters. */
static bool field_ok(const char *s, size_t len, size_t max, bool empty)
{
        if ((len == 0 && !empty) || len > max || !g_utf8_validate(s, (gssize)len, NULL))
                return false;
        for (size_t i = 0; i < len; i++) {
                unsigned char c = (unsigned char)s[i];
                /* C1 controls are U+0080..U+009F: 0xC2 0x80..0x9F in UTF-8. */
                if (c < 0x20 || c == 0x7f ||
                    (c == 0xc2 && i + 1 < len && (unsigned char)s[i + 1] <= 0x9f))
                        return false;
        }
        return true;
}

static bool str_ok(const char *s, size_t max, bool empty)
{
        return s && field_ok(s, strlen(s), max, empty);
}

static bool section_ok(const char *s)
{
        return str_ok(s, SECTION_MAX, false) && s[0] != '.' && !strchr(s, '/');
}

/* An absolute path, or an http:// / https:// URL with a host. */
static bool source_ok(const char *s)
{
        if (!str_ok(s, CALREQ_MAX_TEXT, false))
                return false;
        if (s[0] == '/')
                return true;
        const char *rest = g_str_has_prefix(s, "https://") ? s + 8
                           : g_str_has_prefix(s, "http://") ? s + 7 : NULL;
        return rest && *rest && *rest != '/' && !strchr(rest, ' ');
}

/* An IANA zone name's alphabet, as handover.h takes them. */
static bool zone_name_ok(const char *s)
{
        size_t n = s ? strlen(s) : 0;
        if (n == 0 || n > HANDOVER_MAX_ZONE || !g_ascii_isalpha(s[0]) || strstr(s, ".."))
                return false;
        return strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/_-+") ==
               n;
}

/* A decimal integer in its one spelling ("0", "-5", "17"; never "+1", "-0", "007"). */
static bool int_ok(const char *s, int64_t min, int64_t max, int64_t *out)
{
        return decimal_parse(s, strlen(s), min, max, out);
}

/* ---- writing ------------------------------------------------------------------------ */

char *calreq_format(const CalRequest *r)
{
        if (!r || !section_ok(r->section) || !source_ok(r->source) || !zone_name_ok(r->zone) ||
            r->to <= r->from || r->duration <= 0 || r->duration > DURATION_MAX || !r->match ||
            (r->password && !str_ok(r->password, CALREQ_MAX_TEXT, false)))
                return NULL;
        g_autoptr(GString) out = g_string_new(CALREQ_MAGIC "\n");
        g_string_append_printf(out, "section\t%s\nsource\t%s\nzone\t%s\n", r->section,
                               r->source, r->zone);
        g_string_append_printf(out, "from\t%" G_GINT64_FORMAT "\nto\t%" G_GINT64_FORMAT
                               "\nduration\t%" G_GINT64_FORMAT "\n",
                               r->from, r->to, r->duration);
        guint n = 0;
        for (char **m = r->match; *m; m++, n++) {
                if (n >= CALREQ_MAX_MATCH || !str_ok(*m, CALREQ_MAX_TEXT, false))
                        return NULL;
                g_string_append_printf(out, "match\t%s\n", *m);
        }
        g_string_append_printf(out, "fetch\t%s\n", r->fetch == CALFETCH_FRESH ? "fresh" : "cache");
        if (r->password)
                g_string_append_printf(out, "password\t%s\n", r->password);
        g_string_append(out, "end\n");
        if (out->len > CALREQ_MAX_BYTES) {
                memset(out->str, 0, out->len); /* it may hold the password */
                return NULL;
        }
        return g_string_free(g_steal_pointer(&out), FALSE);
}

static const char *const origin_names[] = { "none", "file", "fetched", "not-modified", "cache" };
static const char *const auth_names[] = { "none", "needed", "refused" };

/* Controls as blanks, valid UTF-8, at most CALREQ_MAX_TEXT bytes at a character boundary. */
static char *clean(const char *s)
{
        g_autofree char *valid = g_utf8_make_valid(s ? s : "", -1);
        GString *out = g_string_new(NULL);
        for (const char *p = valid; *p; p = g_utf8_next_char(p)) {
                gunichar c = g_utf8_get_char(p);
                bool ctl = c < 0x20 || (c >= 0x7f && c <= 0x9f);
                size_t n = ctl ? 1 : (size_t)(g_utf8_next_char(p) - p);
                if (out->len + n > CALREQ_MAX_TEXT)
                        break;
                g_string_append_len(out, ctl ? " " : p, (gssize)n);
        }
        return g_string_free(out, FALSE);
}

char *calreply_format(const CalReply *r)
{
        if (!r || (unsigned)r->origin >= G_N_ELEMENTS(origin_names) ||
            (unsigned)r->auth >= G_N_ELEMENTS(auth_names) || (r->ok && !r->list))
                return NULL;
        g_autofree char *reason = clean(r->reason);
        GString *out = g_string_new(CALREPLY_MAGIC "\n");
        g_string_append_printf(out, "result\t%s\norigin\t%s\n", r->ok ? "ok" : "failed",
                               origin_names[r->origin]);
        g_string_append_printf(out, "refresh\t%" G_GINT64_FORMAT "\nhttp\t%d\n",
                               CLAMP(r->refresh, 0, REFRESH_MAX), CLAMP(r->http, 0, 999));
        g_string_append_printf(out, "auth\t%s\nreason\t%s\nend\n", auth_names[r->auth], reason);
        if (r->ok) {
                g_autofree char *list = handover_format(r->list);
                g_string_append(out, list);
        }
        return g_string_free(out, FALSE);
}

/* ---- strict reading ------------------------------------------------------------------ */

#define FAIL(...)                                                                  \
        do {                                                                       \
                *why = g_strdup_printf(__VA_ARGS__);                               \
                return -EBADMSG;                                                   \
        } while (0)

/* Walks a message line by line: each line is "key TAB value" (or a bare key). */
typedef struct {
        const char *p, *end;
        unsigned lineno;
        char key[16];
        char *value; /* this line's value, NUL-terminated; NULL for a bare key */
} Lines;

static void lines_clear(Lines *l)
{
        if (l->value) {
                memset(l->value, 0, strlen(l->value)); /* it may be the password */
                g_clear_pointer(&l->value, g_free);
        }
}

/* The next line into l->key / l->value; false at the end of the text or when a line
 * breaks the format (*why set). */
static bool lines_next(Lines *l, char **why)
{
        lines_clear(l);
        l->key[0] = '\0';
        if (l->p >= l->end) {
                *why = g_strdup_printf("line %u: the message ends before \"end\"", l->lineno + 1);
                return false;
        }
        const char *nl = memchr(l->p, '\n', (size_t)(l->end - l->p));
        l->lineno++;
        if (!nl) {
                *why = g_strdup_printf("line %u: no line end", l->lineno);
                return false;
        }
        const char *tab = memchr(l->p, '\t', (size_t)(nl - l->p));
        const char *kend = tab ? tab : nl;
        /* A key is a lower-case word: no NUL or other byte can hide behind one. */
        size_t klen = (size_t)(kend - l->p);
        if (klen >= sizeof l->key || strspn(l->p, "abcdefghijklmnopqrstuvwxyz-") < klen) {
                *why = g_strdup_printf("line %u: unknown line", l->lineno);
                return false;
        }
        memcpy(l->key, l->p, (size_t)(kend - l->p));
        l->key[kend - l->p] = '\0';
        if (tab) {
                if (!field_ok(tab + 1, (size_t)(nl - tab - 1), CALREQ_MAX_TEXT, true)) {
                        *why = g_strdup_printf("line %u: bad text in \"%s\"", l->lineno, l->key);
                        return false;
                }
                l->value = g_strndup(tab + 1, (size_t)(nl - tab - 1));
        }
        l->p = nl + 1;
        return true;
}

/* The next line must be `key` with a value. */
static int want(Lines *l, const char *key, char **why)
{
        if (!lines_next(l, why))
                return -EBADMSG;
        if (strcmp(l->key, key) != 0 || !l->value)
                FAIL("line %u: \"%s\" expected", l->lineno, key);
        return 0;
}

static int want_int(Lines *l, const char *key, int64_t min, int64_t max, int64_t *out,
                    char **why)
{
        if (want(l, key, why) < 0)
                return -EBADMSG;
        if (!int_ok(l->value, min, max, out))
                FAIL("line %u: \"%s\" is not a number in its range", l->lineno, key);
        return 0;
}

/* The next line must be `key` with one of `names`. */
static int want_name(Lines *l, const char *key, const char *const *names, size_t n,
                     unsigned *out, char **why)
{
        if (want(l, key, why) < 0)
                return -EBADMSG;
        for (size_t i = 0; i < n; i++)
                if (strcmp(l->value, names[i]) == 0) {
                        *out = (unsigned)i;
                        return 0;
                }
        FAIL("line %u: unknown %s \"%s\"", l->lineno, key, l->value);
}

static int start(Lines *l, const char *buf, size_t len, size_t max, const char *magic,
                 char **why)
{
        *why = NULL;
        if (len > max)
                FAIL("larger than %zu bytes", max);
        *l = (Lines){ buf, buf + len, 0, "", NULL };
        const char *nl = buf ? memchr(buf, '\n', len) : NULL;
        if (!nl || (size_t)(nl - buf) != strlen(magic) || memcmp(buf, magic, strlen(magic)) != 0)
                FAIL("line 1: not \"%s\"", magic);
        l->p = nl + 1;
        l->lineno = 1;
        return 0;
}

static int request_fields(Lines *l, CalRequest *r, char **why)
{
        if (want(l, "section", why) < 0)
                return -EBADMSG;
        if (!section_ok(l->value))
                FAIL("line %u: bad section id", l->lineno);
        r->section = g_strdup(l->value);
        if (want(l, "source", why) < 0)
                return -EBADMSG;
        if (!source_ok(l->value))
                FAIL("line %u: the source is neither an absolute path nor an http(s) URL",
                     l->lineno);
        r->source = g_strdup(l->value);
        if (want(l, "zone", why) < 0)
                return -EBADMSG;
        if (!zone_name_ok(l->value))
                FAIL("line %u: bad zone name", l->lineno);
        r->zone = g_strdup(l->value);
        if (want_int(l, "from", INT64_MIN, INT64_MAX, &r->from, why) < 0 ||
            want_int(l, "to", INT64_MIN, INT64_MAX, &r->to, why) < 0)
                return -EBADMSG;
        if (r->to <= r->from)
                FAIL("line %u: \"to\" is not after \"from\"", l->lineno);
        return want_int(l, "duration", 1, DURATION_MAX, &r->duration, why);
}

/* match lines, then fetch, then the optional password, then end. */
static int request_tail(Lines *l, CalRequest *r, char **why)
{
        g_autoptr(GPtrArray) match = g_ptr_array_new_with_free_func(g_free);
        if (!lines_next(l, why))
                return -EBADMSG;
        while (strcmp(l->key, "match") == 0) {
                if (!l->value || !*l->value)
                        FAIL("line %u: an empty match", l->lineno);
                if (match->len >= CALREQ_MAX_MATCH)
                        FAIL("line %u: more than %u match lines", l->lineno, CALREQ_MAX_MATCH);
                g_ptr_array_add(match, g_strdup(l->value));
                if (!lines_next(l, why))
                        return -EBADMSG;
        }
        g_ptr_array_add(match, NULL);
        g_strfreev(r->match);
        r->match = (char **)g_ptr_array_free(g_steal_pointer(&match), FALSE);
        static const char *const fetch_names[] = { "cache", "fresh" };
        if (strcmp(l->key, "fetch") != 0 || !l->value)
                FAIL("line %u: \"fetch\" expected", l->lineno);
        if (strcmp(l->value, "cache") != 0 && strcmp(l->value, "fresh") != 0)
                FAIL("line %u: unknown fetch \"%s\"", l->lineno, l->value);
        r->fetch = strcmp(l->value, fetch_names[1]) == 0 ? CALFETCH_FRESH : CALFETCH_CACHE;
        if (!lines_next(l, why))
                return -EBADMSG;
        if (strcmp(l->key, "password") == 0 && l->value && *l->value) {
                r->password = g_strdup(l->value);
                if (!lines_next(l, why))
                        return -EBADMSG;
        }
        if (strcmp(l->key, "end") != 0 || l->value)
                FAIL("line %u: \"end\" expected", l->lineno);
        if (l->p != l->end)
                FAIL("line %u: text after \"end\"", l->lineno + 1);
        return 0;
}

int calreq_parse_buf(const char *buf, size_t len, CalRequest **out, char **why)
{
        Lines l;
        if (start(&l, buf, len, CALREQ_MAX_BYTES, CALREQ_MAGIC, why) < 0)
                return -EBADMSG;
        g_autoptr(CalRequest) r = g_new0(CalRequest, 1);
        r->match = g_new0(char *, 1);
        int ret = request_fields(&l, r, why);
        if (ret == 0)
                ret = request_tail(&l, r, why);
        lines_clear(&l);
        if (ret < 0)
                return ret;
        *out = g_steal_pointer(&r);
        return 0;
}

static int reply_fields(Lines *l, CalReply *r, char **why)
{
        unsigned result, origin, auth;
        static const char *const results[] = { "failed", "ok" };
        int64_t http;
        if (want_name(l, "result", results, 2, &result, why) < 0 ||
            want_name(l, "origin", origin_names, G_N_ELEMENTS(origin_names), &origin, why) < 0)
                return -EBADMSG;
        r->ok = result == 1;
        r->origin = (CalOrigin)origin;
        if (r->ok != (r->origin != CALORIGIN_NONE))
                FAIL("line %u: origin \"none\" goes with result \"failed\", and only with it",
                     l->lineno);
        if (want_int(l, "refresh", 0, REFRESH_MAX, &r->refresh, why) < 0 ||
            want_int(l, "http", 0, 999, &http, why) < 0)
                return -EBADMSG;
        r->http = (int)http;
        if (want_name(l, "auth", auth_names, G_N_ELEMENTS(auth_names), &auth, why) < 0 ||
            want(l, "reason", why) < 0)
                return -EBADMSG;
        r->auth = (CalAuth)auth;
        g_free(r->reason);
        r->reason = g_strdup(l->value);
        if (!lines_next(l, why))
                return -EBADMSG;
        if (strcmp(l->key, "end") != 0 || l->value)
                FAIL("line %u: \"end\" expected", l->lineno);
        return 0;
}

int calreply_parse_buf(const char *buf, size_t len, CalReply **out, char **why)
{
        Lines l;
        if (start(&l, buf, len, CALREPLY_MAX_BYTES, CALREPLY_MAGIC, why) < 0)
                return -EBADMSG;
        g_autoptr(CalReply) r = g_new0(CalReply, 1);
        r->reason = g_strdup("");
        int ret = reply_fields(&l, r, why);
        lines_clear(&l);
        if (ret < 0)
                return ret;
        size_t rest = (size_t)(l.end - l.p);
        if (!r->ok) {
                if (rest != 0)
                        FAIL("line %u: text after \"end\" of a failed reply", l.lineno + 1);
        } else {
                g_autofree char *inner = NULL;
                if (handover_parse_buf(l.p, rest, &r->list, &inner) < 0)
                        FAIL("the session list after line %u: %s", l.lineno, inner);
        }
        *out = g_steal_pointer(&r);
        return 0;
}
