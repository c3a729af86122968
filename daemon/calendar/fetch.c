/* SPDX-License-Identifier: MIT */
/* A calendar URL fetched with libsoup 3 (fetch.h). Redirects are followed here, one by
 * one, so that each hop is checked; the body is read in chunks and never held past the
 * cap. */
#include "config.h"

#include "fetch.h"

#include <errno.h>
#include <libsoup/soup.h>
#include <string.h>
#include <sys/stat.h>

#include "fileio.h"
#include "i18n.h"

#define CHUNK 65536

typedef struct {
        const FetchIn *in;
        FetchOut *out;
        GMainLoop *loop;
        SoupSession *session;
        GCancellable *cancel;
        GUri *uri;       /* this hop's, without user info */
        char *user;      /* from the first URL's user info */
        char *auth_host; /* credentials go to this host only */
        char *name;      /* "section (host)" */
        int redirects;
        bool timed_out;
        SoupMessage *msg;
        GInputStream *stream;
        GByteArray *body;
} Fetch;

void fetch_out_clear(FetchOut *o)
{
        g_clear_pointer(&o->body, g_bytes_unref);
        g_clear_pointer(&o->etag, g_free);
        g_clear_pointer(&o->last_modified, g_free);
        g_clear_pointer(&o->reason, g_free);
}

static bool is_loopback(const char *host)
{
        return host && (g_ascii_strcasecmp(host, "localhost") == 0 ||
                        strcmp(host, "127.0.0.1") == 0 || strcmp(host, "::1") == 0 ||
                        strcmp(host, "[::1]") == 0);
}

/* https anywhere; plain http only to this machine. */
static bool uri_allowed(GUri *u)
{
        const char *scheme = g_uri_get_scheme(u), *host = g_uri_get_host(u);
        if (!host || !*host)
                return false;
        if (g_ascii_strcasecmp(scheme, "https") == 0)
                return true;
        return g_ascii_strcasecmp(scheme, "http") == 0 && is_loopback(host);
}

char *fetch_name(const char *section, const char *url)
{
        g_autoptr(GUri) u = url ? g_uri_parse(url, G_URI_FLAGS_NONE, NULL) : NULL;
        const char *host = u ? g_uri_get_host(u) : NULL;
        return g_strdup_printf("%s (%s)", section, host && *host ? host : "?");
}

/* Ends the fetch with a reason (printf-style), naming the calendar by section and host. */
G_GNUC_PRINTF(2, 3)
static void fail(Fetch *f, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        g_autofree char *what = g_strdup_vprintf(fmt, ap);
        va_end(ap);
        g_free(f->out->reason);
        f->out->reason = g_strdup_printf("%s: %s", f->name, what);
        g_clear_pointer(&f->out->body, g_bytes_unref);
        g_main_loop_quit(f->loop);
}

static gboolean on_timeout(gpointer data)
{
        Fetch *f = data;
        f->timed_out = true;
        g_cancellable_cancel(f->cancel);
        return G_SOURCE_REMOVE;
}

/* A failed send or read, in words: the time limit, TLS, or what GIO says. */
static void fail_error(Fetch *f, GError *e)
{
        if (f->timed_out)
                fail(f, _("no answer within %d seconds"), FETCH_TIMEOUT_S);
        else if (e->domain == G_TLS_ERROR)
                fail(f, _("the secure connection failed (%s)"), e->message);
        else if (g_error_matches(e, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT) ||
                 g_error_matches(e, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED) ||
                 g_error_matches(e, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE))
                fail(f, _("the server closed the connection before the whole calendar came"));
        else if (g_error_matches(e, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND) ||
                 g_error_matches(e, G_RESOLVER_ERROR, G_RESOLVER_ERROR_TEMPORARY_FAILURE))
                fail(f, _("the server's name cannot be found (offline, or a typing error?)"));
        else if (g_error_matches(e, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED) ||
                 g_error_matches(e, G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE) ||
                 g_error_matches(e, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE))
                fail(f, _("the server cannot be reached (%s)"), e->message);
        else
                fail(f, _("the connection failed (%s)"), e->message);
}

static gboolean on_authenticate(SoupMessage *msg, SoupAuth *auth, gboolean retrying,
                                gpointer data)
{
        Fetch *f = data;
        if (retrying || !f->in->password || !f->user)
                return FALSE; /* the 401 comes back: needed, or refused */
        soup_auth_authenticate(auth, f->user, f->in->password);
        return TRUE;
}

/* A body that starts like HTML: a web page (a login page, a calendar's web view). */
static bool looks_html(const GByteArray *b)
{
        size_t n = MIN(b->len, 1024u), i = 0;
        while (i < n && g_ascii_isspace(b->data[i]))
                i++;
        if (i + 3 <= n && memcmp(b->data + i, "\xef\xbb\xbf", 3) == 0)
                i += 3;
        if (i >= n || b->data[i] != '<')
                return false;
        g_autofree char *head = g_ascii_strdown((const char *)b->data + i, (gssize)(n - i));
        return strstr(head, "<html") || strstr(head, "<!doctype html") || strstr(head, "<head") ||
               strstr(head, "<body") || strstr(head, "<!--");
}

static void body_done(Fetch *f)
{
        SoupMessageHeaders *h = soup_message_get_response_headers(f->msg);
        if (soup_message_headers_get_encoding(h) == SOUP_ENCODING_CONTENT_LENGTH &&
            (goffset)f->body->len < soup_message_headers_get_content_length(h)) {
                fail(f, _("the server closed the connection before the whole calendar came"));
                return;
        }
        if (looks_html(f->body)) {
                fail(f, _("the address answers with a web page, not a calendar (perhaps a login "
                          "page): the link may be wrong or expired"));
                return;
        }
        f->out->etag = g_strdup(soup_message_headers_get_one(h, "ETag"));
        f->out->last_modified = g_strdup(soup_message_headers_get_one(h, "Last-Modified"));
        f->out->body = g_byte_array_free_to_bytes(g_steal_pointer(&f->body));
        g_main_loop_quit(f->loop);
}

static void read_more(Fetch *f);

static void on_read(GObject *src, GAsyncResult *res, gpointer data)
{
        Fetch *f = data;
        g_autoptr(GError) e = NULL;
        g_autoptr(GBytes) b = g_input_stream_read_bytes_finish(G_INPUT_STREAM(src), res, &e);
        if (!b) {
                fail_error(f, e);
                return;
        }
        if (g_bytes_get_size(b) == 0) {
                body_done(f);
                return;
        }
        if (f->body->len + g_bytes_get_size(b) > FETCH_MAX_BODY) {
                fail(f, _("the calendar is larger than %u MiB"), FETCH_MAX_BODY >> 20);
                return;
        }
        g_byte_array_append(f->body, g_bytes_get_data(b, NULL), (guint)g_bytes_get_size(b));
        read_more(f);
}

static void read_more(Fetch *f)
{
        g_input_stream_read_bytes_async(f->stream, CHUNK, G_PRIORITY_DEFAULT, f->cancel, on_read,
                                        f);
}

static void start_request(Fetch *f);

/* A 3xx with a Location: the next hop, if it is one we may take. */
static void redirect(Fetch *f)
{
        const char *loc = soup_message_headers_get_one(soup_message_get_response_headers(f->msg),
                                                       "Location");
        g_autoptr(GUri) next = loc ? g_uri_parse_relative(f->uri, loc, G_URI_FLAGS_NONE, NULL)
                                   : NULL;
        if (!next) {
                fail(f, _("the server redirects to an address that is not valid"));
                return;
        }
        if (++f->redirects > FETCH_MAX_REDIRECTS) {
                fail(f, _("more than %d redirects (a redirect loop?)"), FETCH_MAX_REDIRECTS);
                return;
        }
        if (g_ascii_strcasecmp(g_uri_get_scheme(f->uri), "https") == 0 &&
            g_ascii_strcasecmp(g_uri_get_scheme(next), "https") != 0) {
                fail(f, _("the server redirects from https to an insecure address: refused"));
                return;
        }
        if (!uri_allowed(next)) {
                fail(f, _("the server redirects to an address that is neither https nor this "
                          "machine: refused"));
                return;
        }
        g_uri_unref(f->uri);
        /* Drop any user info the server put in: credentials are only ever ours. */
        f->uri = soup_uri_copy(next, SOUP_URI_USER, NULL, SOUP_URI_PASSWORD, NULL,
                               SOUP_URI_NONE);
        start_request(f);
}

/* The status of a finished exchange: done, redirect, or a reason. */
static void on_status(Fetch *f)
{
        int st = (int)soup_message_get_status(f->msg);
        f->out->http = st;
        if (st == 301 || st == 302 || st == 303 || st == 307 || st == 308) {
                redirect(f);
        } else if (st == 304) {
                f->out->not_modified = true;
                g_main_loop_quit(f->loop);
        } else if (st == 200) {
                goffset len = soup_message_headers_get_content_length(
                        soup_message_get_response_headers(f->msg));
                if (len > (goffset)FETCH_MAX_BODY) {
                        fail(f, _("the calendar is larger than %u MiB"), FETCH_MAX_BODY >> 20);
                        return;
                }
                f->body = g_byte_array_new();
                read_more(f);
        } else if (st == 401) {
                f->out->auth = f->in->password ? CALAUTH_REFUSED : CALAUTH_NEEDED;
                if (f->in->password)
                        fail(f, _("the server refused the user name or password"));
                else
                        fail(f, _("the calendar needs a password: run nudge password %s"),
                             f->in->section);
        } else if (st == 403) {
                /* Not the password's fault: the account may not read this calendar. */
                fail(f, _("the server refuses access to this calendar (403 Forbidden): the user "
                          "name in the link may not be allowed to read it"));
        } else {
                fail(f, _("the server answered %d (%s)"), st,
                     soup_message_get_reason_phrase(f->msg) ? soup_message_get_reason_phrase(f->msg)
                                                            : "");
        }
}

static void on_sent(GObject *src, GAsyncResult *res, gpointer data)
{
        Fetch *f = data;
        g_autoptr(GError) e = NULL;
        g_clear_object(&f->stream);
        f->stream = soup_session_send_finish(SOUP_SESSION(src), res, &e);
        if (!f->stream) {
                fail_error(f, e);
                return;
        }
        on_status(f);
}

static void start_request(Fetch *f)
{
        g_clear_object(&f->stream);
        g_clear_object(&f->msg);
        f->msg = soup_message_new_from_uri("GET", f->uri);
        soup_message_add_flags(f->msg, SOUP_MESSAGE_NO_REDIRECT);
        SoupMessageHeaders *h = soup_message_get_request_headers(f->msg);
        soup_message_headers_replace(h, "Accept", "text/calendar, */*;q=0.5");
        if (f->in->etag)
                soup_message_headers_replace(h, "If-None-Match", f->in->etag);
        if (f->in->last_modified)
                soup_message_headers_replace(h, "If-Modified-Since", f->in->last_modified);
        if (f->auth_host && g_ascii_strcasecmp(g_uri_get_host(f->uri), f->auth_host) == 0)
                g_signal_connect(f->msg, "authenticate", G_CALLBACK(on_authenticate), f);
        soup_session_send_async(f->session, f->msg, G_PRIORITY_DEFAULT, f->cancel, on_sent, f);
}

/* The CA file of $NUDGE_CALENDAR_CA_FILE, for tests against a server of their own: only
 * a file the user owns and others cannot change. NULL: the system's trust. */
static GTlsDatabase *test_ca(void)
{
        const char *path = g_getenv("NUDGE_CALENDAR_CA_FILE");
        struct stat st;
        g_autofree char *why = NULL;
        if (!path || !*path)
                return NULL;
        if (stat(path, &st) < 0 || !S_ISREG(st.st_mode) ||
            fileio_check_trusted(&st, path, "CA file", &why) < 0 || st.st_uid != getuid()) {
                g_warning("NUDGE_CALENDAR_CA_FILE ignored: %s",
                          why ? why : "not a file of the user");
                return NULL;
        }
        g_autoptr(GError) e = NULL;
        GTlsDatabase *db = g_tls_file_database_new(path, &e);
        if (!db)
                g_warning("NUDGE_CALENDAR_CA_FILE ignored: %s", e->message);
        return db;
}

/* The proxy from the environment (https_proxy, no_proxy), else none: the desktop's proxy
 * settings would need the session bus, which this process does not have. */
static GProxyResolver *env_proxy(void)
{
        const char *p = g_getenv("https_proxy");
        if (!p || !*p)
                p = g_getenv("HTTPS_PROXY");
        const char *no = g_getenv("no_proxy");
        g_auto(GStrv) ignore = no && *no ? g_strsplit(no, ",", -1) : NULL;
        return g_simple_proxy_resolver_new(p && *p ? p : NULL, ignore);
}

static bool fetch_init(Fetch *f, const FetchIn *in, FetchOut *out)
{
        *out = (FetchOut){ 0 };
        f->in = in;
        f->out = out;
        f->name = fetch_name(in->section, in->url);
        g_autoptr(GUri) u = g_uri_parse(in->url, G_URI_FLAGS_NONE, NULL);
        if (!u || !uri_allowed(u)) {
                out->reason = g_strdup_printf("%s: %s", f->name,
                                              _("not an https address (plain http only for "
                                                "this machine)"));
                return false;
        }
        f->user = g_uri_get_user(u) ? g_uri_unescape_string(g_uri_get_user(u), NULL) : NULL;
        f->auth_host = g_strdup(g_uri_get_host(u));
        f->uri = soup_uri_copy(u, SOUP_URI_USER, NULL, SOUP_URI_PASSWORD, NULL, SOUP_URI_NONE);
        return true;
}

void fetch_run(const FetchIn *in, FetchOut *out)
{
        Fetch f = { 0 };
        if (fetch_init(&f, in, out)) {
                g_autoptr(GProxyResolver) proxy = env_proxy();
                f.session = soup_session_new_with_options("timeout", FETCH_TIMEOUT_S,
                                                          "proxy-resolver", proxy, NULL);
                g_autoptr(GTlsDatabase) db = test_ca();
                if (db)
                        soup_session_set_tls_database(f.session, db);
                f.loop = g_main_loop_new(NULL, FALSE);
                f.cancel = g_cancellable_new();
                guint t = g_timeout_add_seconds(FETCH_TIMEOUT_S, on_timeout, &f);
                start_request(&f);
                g_main_loop_run(f.loop);
                if (!f.timed_out)
                        g_source_remove(t);
                g_clear_object(&f.stream);
                g_clear_object(&f.msg);
                g_clear_object(&f.session);
                g_clear_object(&f.cancel);
                g_main_loop_unref(f.loop);
                g_uri_unref(f.uri);
        }
        if (f.body)
                g_byte_array_unref(f.body);
        g_free(f.user);
        g_free(f.auth_host);
        g_free(f.name);
}
