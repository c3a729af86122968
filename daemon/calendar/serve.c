/* SPDX-License-Identifier: MIT */
/* One request served (serve.h): read it, restrict ourselves, read the file or fetch the
 * URL (with the cache), answer. */
#include "config.h"

#include "serve.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cache.h"
#include "calreq.h"
#include "fetch.h"
#include "fileio.h"
#include "i18n.h"
#include "refresh.h"
#include "sandbox.h"
#include "source.h"
#include "tz.h"

/* How long the sender may take to send its request. */
#define REQUEST_TIMEOUT_MS 10000

Handover *serve_read_texts(const IcalText *texts, size_t n, const IcalSettings *set,
                           GPtrArray *skipped, GPtrArray *skipped_why, char **why)
{
        size_t good;
        g_autoptr(Handover) list = ical_read(texts, n, set, &good);
        guint nskipped = skipped ? skipped->len : 0;
        /* One text that is not iCalendar is a source that cannot be read; in a folder,
         * such a file is one problem among the rest. */
        if (nskipped + n == 1 && good == 0) {
                HandoverProblem *p = &g_array_index(list->problems, HandoverProblem, 0);
                *why = g_strdup(list->problems->len ? p->reason : "not iCalendar");
                return NULL;
        }
        for (guint i = 0; i < nskipped; i++)
                handover_add_problem(list, skipped->pdata[i], skipped_why->pdata[i]);
        return g_steal_pointer(&list);
}

/* The request's bytes, up to EOF; NULL and *why beyond the bound, on a read error or when
 * the sender stalls. */
static char *read_request(size_t *len, char **why)
{
        g_autoptr(GString) buf = g_string_new(NULL);
        char chunk[8192];
        gint64 deadline = g_get_monotonic_time() + REQUEST_TIMEOUT_MS * 1000;
        for (;;) {
                int left = (int)((deadline - g_get_monotonic_time()) / 1000);
                struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };
                int r = left > 0 ? poll(&p, 1, left) : 0;
                if (r < 0 && errno == EINTR)
                        continue;
                if (r <= 0) {
                        *why = g_strdup(r == 0 ? "the request did not come in time"
                                               : "cannot read the request");
                        return NULL;
                }
                ssize_t n = read(STDIN_FILENO, chunk, sizeof chunk);
                if (n < 0 && (errno == EINTR || errno == EAGAIN))
                        continue;
                if (n < 0) {
                        *why = g_strdup_printf("cannot read the request: %s", g_strerror(errno));
                        return NULL;
                }
                if (n == 0)
                        break;
                if (buf->len + (size_t)n > CALREQ_MAX_BYTES) {
                        *why = g_strdup_printf("the request is larger than %u bytes",
                                               CALREQ_MAX_BYTES);
                        return NULL;
                }
                g_string_append_len(buf, chunk, n);
        }
        *len = buf->len;
        return g_string_free(g_steal_pointer(&buf), FALSE);
}

static CalReply *reply_new(void)
{
        CalReply *r = g_new0(CalReply, 1);
        r->reason = g_strdup("");
        return r;
}

static void reply_fail(CalReply *r, char *reason)
{
        r->ok = false;
        r->origin = CALORIGIN_NONE;
        g_clear_pointer(&r->list, handover_unref);
        g_free(r->reason);
        r->reason = reason;
}

static void serve_file(const CalRequest *req, const IcalSettings *set, CalReply *rep)
{
        g_autoptr(Source) src = NULL;
        g_autofree char *why = NULL;
        if (source_read(req->source, &src, &why) < 0) {
                reply_fail(rep, g_strdup_printf("%s: %s", req->source, why));
                return;
        }
        size_t n;
        g_autofree IcalText *texts = source_texts(src, &n);
        rep->list = serve_read_texts(texts, n, set, src->skipped, src->skipped_why, &why);
        if (!rep->list) {
                reply_fail(rep, g_strdup_printf("%s: %s", req->source, why));
                return;
        }
        rep->ok = true;
        rep->origin = CALORIGIN_FILE;
}

/* A fetched or cached body as the reply's list; false (and *why) when it is no calendar. */
static bool read_body(const CalRequest *req, const IcalSettings *set, GBytes *body,
                      CalReply *rep, char **why)
{
        g_autofree char *name = fetch_name(req->section, req->source);
        size_t len;
        const char *text = g_bytes_get_data(body, &len);
        IcalText t = { name, text ? text : "", len };
        g_autofree char *inner = NULL;
        Handover *list = serve_read_texts(&t, 1, set, NULL, NULL, &inner);
        if (!list) {
                *why = g_strdup_printf(_("%s: the answer is not a calendar (%s)"), name, inner);
                return false;
        }
        handover_unref(rep->list);
        rep->list = list;
        rep->refresh = refresh_interval(text ? text : "", len);
        rep->ok = true;
        return true;
}

/* The cached copy as the answer, with `reason` saying why it is used (may be NULL). */
static void use_cache(const CalRequest *req, const IcalSettings *set, CacheEntry *c,
                      CalOrigin origin, char *reason, CalReply *rep)
{
        g_autofree char *why = NULL;
        if (!c->body || !read_body(req, set, c->body, rep, &why)) {
                reply_fail(rep, reason ? reason : g_steal_pointer(&why));
                if (reason)
                        g_free(why);
                return;
        }
        rep->origin = origin;
        g_free(rep->reason);
        rep->reason = reason ? reason : g_strdup("");
}

static void serve_url(const CalRequest *req, const IcalSettings *set, const char *cache,
                      CalReply *rep)
{
        CacheEntry c = { 0 };
        bool have = cache && cache_load(cache, req->section, req->source, &c) == 0;
        if (req->fetch == CALFETCH_CACHE && have) {
                use_cache(req, set, &c, CALORIGIN_CACHE, NULL, rep);
                if (rep->ok) {
                        cache_entry_clear(&c);
                        return;
                }
        }
        FetchIn in = { req->section, req->source, req->password, have ? c.etag : NULL,
                       have ? c.last_modified : NULL };
        FetchOut out;
        fetch_run(&in, &out);
        rep->http = out.http;
        rep->auth = out.auth;
        char *why = NULL;
        if (out.body && read_body(req, set, out.body, rep, &why)) {
                rep->origin = CALORIGIN_FETCHED;
                g_free(rep->reason);
                rep->reason = g_strdup("");
                if (cache && cache_store(cache, req->section, req->source, out.body, out.etag,
                                         out.last_modified) < 0)
                        g_message("%s: the calendar could not be cached", req->section);
        } else if (out.not_modified && have) {
                use_cache(req, set, &c, CALORIGIN_NOT_MODIFIED, NULL, rep);
        } else {
                if (!why)
                        why = out.reason ? g_strdup(out.reason)
                                         : g_strdup_printf(_("%s: no calendar came"),
                                                           req->section);
                if (have)
                        use_cache(req, set, &c, CALORIGIN_CACHE, why, rep);
                else
                        reply_fail(rep, why);
        }
        fetch_out_clear(&out);
        cache_entry_clear(&c);
}

/* The cache folder, created and checked; NULL (a note in the log) when it cannot be. */
static char *prepare_cache(const CalRequest *req)
{
        if (req->source[0] == '/')
                return NULL;
        g_autofree char *dir = cache_dir(), *why = NULL;
        if (cache_prepare(dir, &why) < 0) {
                g_message("no cache for calendar URLs: %s", why);
                return NULL;
        }
        return g_steal_pointer(&dir);
}

static void serve_request(const CalRequest *req, CalReply *rep)
{
        g_autofree char *cache = prepare_cache(req), *why = NULL;
        if (sandbox_apply(cache, &why) < 0) {
                reply_fail(rep, g_strdup_printf("the calendar reader cannot restrict itself: %s",
                                                why));
                return;
        }
        g_autoptr(Tz) tz = tz_new(req->zone);
        if (!tz) {
                reply_fail(rep, g_strdup_printf("unknown time zone \"%s\"", req->zone));
                return;
        }
        IcalSettings set = { (const char *const *)req->match, tz, req->duration, req->from,
                             req->to };
        if (req->source[0] == '/')
                serve_file(req, &set, rep);
        else
                serve_url(req, &set, cache, rep);
}

int serve_main(void)
{
        signal(SIGPIPE, SIG_IGN); /* a client gone away: a failed write, not a death */
        g_autoptr(CalReply) rep = reply_new();
        g_autofree char *why = NULL, *buf = NULL;
        g_autoptr(CalRequest) req = NULL;
        size_t len = 0;
        buf = read_request(&len, &why);
        if (buf && calreq_parse_buf(buf, len, &req, &why) < 0)
                g_clear_pointer(&req, calreq_free);
        if (buf)
                memset(buf, 0, len); /* it may hold the password */
        if (!req) {
                g_message("bad request: %s", why);
                reply_fail(rep, g_strdup_printf("the calendar request breaks the format: %s", why));
        } else {
                serve_request(req, rep);
        }
        g_autofree char *text = calreply_format(rep);
        if (!text || fileio_write_all(STDOUT_FILENO, text, strlen(text)) < 0)
                return 74; /* EX_IOERR */
        return req ? 0 : 64;
}
