/* SPDX-License-Identifier: MIT */
/* Passwords of calendars in the Secret Service, through libsecret: one item per URL.
 * libsecret is loaded the first time a password is needed, not linked: with libgcrypt it
 * adds some 3 ms to the start of every nudge and nudged, most of which never ask for one. */
#include "config.h"

#include <dlfcn.h>
#include <libsecret/secret.h>
#include <string.h>

#include "i18n.h"
#include "password.h"

/* The URL keeps its user name: two accounts on one server are two items. The schedule
 * file never lets a password into a URL, so none reaches the attribute. */
static const SecretSchema schema = {
        PASSWORD_SCHEMA,
        SECRET_SCHEMA_NONE,
        {
                {"url", SECRET_SCHEMA_ATTRIBUTE_STRING},
                {NULL, 0},
        },
        0, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
};

GQuark password_error_quark(void)
{
        return g_quark_from_static_string("nudge-password-error-quark");
}

/* ---- libsecret, loaded on first use --------------------------------------------------- */

#define SECRET_LIBRARY "libsecret-1.so.0"

static struct {
        __typeof__(secret_collection_for_alias_sync) *secret_collection_for_alias_sync;
        __typeof__(secret_collection_get_locked) *secret_collection_get_locked;
        __typeof__(secret_error_get_quark) *secret_error_get_quark;
        __typeof__(secret_item_get_locked) *secret_item_get_locked;
        __typeof__(secret_item_get_secret) *secret_item_get_secret;
        __typeof__(secret_password_clearv_sync) *secret_password_clearv_sync;
        __typeof__(secret_password_free) *secret_password_free;
        __typeof__(secret_password_storev_sync) *secret_password_storev_sync;
        __typeof__(secret_service_get_sync) *secret_service_get_sync;
        __typeof__(secret_service_search_sync) *secret_service_search_sync;
        __typeof__(secret_value_unref_to_password) *secret_value_unref_to_password;
} lib;

/* Each function of libsecret used here, and where its address goes. */
static const struct {
        const char *name;
        void **slot;
} symbols[] = {
        {"secret_collection_for_alias_sync", (void **)&lib.secret_collection_for_alias_sync},
        {"secret_collection_get_locked", (void **)&lib.secret_collection_get_locked},
        {"secret_error_get_quark", (void **)&lib.secret_error_get_quark},
        {"secret_item_get_locked", (void **)&lib.secret_item_get_locked},
        {"secret_item_get_secret", (void **)&lib.secret_item_get_secret},
        {"secret_password_clearv_sync", (void **)&lib.secret_password_clearv_sync},
        {"secret_password_free", (void **)&lib.secret_password_free},
        {"secret_password_storev_sync", (void **)&lib.secret_password_storev_sync},
        {"secret_service_get_sync", (void **)&lib.secret_service_get_sync},
        {"secret_service_search_sync", (void **)&lib.secret_service_search_sync},
        {"secret_value_unref_to_password", (void **)&lib.secret_value_unref_to_password},
};

/* Whether libsecret is loaded (once per process, never unloaded); *error says why not. */
static bool secret_loaded(GError **error)
{
        static gsize once;
        static bool ok;
        if (g_once_init_enter(&once)) {
                void *h = dlopen(SECRET_LIBRARY, RTLD_NOW | RTLD_LOCAL);
                ok = h != NULL;
                for (size_t i = 0; ok && i < G_N_ELEMENTS(symbols); i++)
                        ok = (*symbols[i].slot = dlsym(h, symbols[i].name)) != NULL;
                g_once_init_leave(&once, 1);
        }
        if (!ok)
                g_set_error(error, PASSWORD_ERROR, PASSWORD_ERROR_NO_SERVICE,
                            /* TRANSLATORS: %s is a library's file name, libsecret-1.so.0. */
                            _("cannot load %s, which nudge reaches the Secret Service "
                              "through: install the package libsecret-1-0"),
                            SECRET_LIBRARY);
        return ok;
}

/* The item's attributes: the URL, as the schema below names it. */
static GHashTable *url_attributes(const char *url)
{
        GHashTable *attrs = g_hash_table_new(g_str_hash, g_str_equal);
        g_hash_table_insert(attrs, (char *)"url", (char *)url);
        return attrs;
}

/* Whether `e` says that nobody answers for the Secret Service on the session bus (or that
 * there is no session bus at all). */
static bool no_service(const GError *e)
{
        return g_error_matches(e, G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN) ||
               g_error_matches(e, G_DBUS_ERROR, G_DBUS_ERROR_NAME_HAS_NO_OWNER) ||
               g_error_matches(e, G_DBUS_ERROR, G_DBUS_ERROR_SPAWN_SERVICE_NOT_FOUND) ||
               g_error_matches(e, G_DBUS_ERROR, G_DBUS_ERROR_SPAWN_CHILD_EXITED) ||
               g_error_matches(e, G_DBUS_ERROR, G_DBUS_ERROR_FILE_NOT_FOUND) ||
               g_error_matches(e, G_DBUS_ERROR, G_DBUS_ERROR_NO_SERVER) ||
               (e->domain == G_IO_ERROR && (e->code == G_IO_ERROR_NOT_FOUND ||
                                            e->code == G_IO_ERROR_NOT_SUPPORTED ||
                                            e->code == G_IO_ERROR_CONNECTION_REFUSED));
}

/* Whether this process can reach a session bus at all. */
static bool session_bus(void)
{
        g_autoptr(GDBusConnection) bus = g_bus_get_sync(G_BUS_TYPE_SESSION, NULL, NULL);
        return bus != NULL;
}

/* Turns a libsecret or D-Bus error into one of PASSWORD_ERROR, with a message that says
 * what to do. The original message goes along only where it is all there is. */
static void set_error(GError **error, GError *e)
{
        if (g_error_matches(e, G_IO_ERROR, G_IO_ERROR_CANCELLED))
                g_set_error_literal(error, PASSWORD_ERROR, PASSWORD_ERROR_CANCELLED,
                                    _("the keyring's prompt was cancelled"));
        else if (g_error_matches(e, lib.secret_error_get_quark(), SECRET_ERROR_IS_LOCKED) ||
                 g_error_matches(e, G_DBUS_ERROR, G_DBUS_ERROR_ACCESS_DENIED) ||
                 g_error_matches(e, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_METHOD) ||
                 g_error_matches(e, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_OBJECT))
                /* gnome-keyring answers UnknownMethod for the default keyring it could
                 * not create (the prompt for its password could not be shown). A
                 * dismissed unlock prompt leaves the item locked, without an error. */
                g_set_error_literal(error, PASSWORD_ERROR, PASSWORD_ERROR_LOCKED,
                                    _("the keyring is locked (or there is none yet) and "
                                      "was not unlocked: no prompt could be shown here, "
                                      "or it was dismissed; log in to the desktop or "
                                      "unlock it in Passwords and Keys (seahorse), then "
                                      "try again"));
        else if (!session_bus())
                g_set_error_literal(error, PASSWORD_ERROR, PASSWORD_ERROR_NO_SERVICE,
                                    _("there is no session bus (D-Bus) here to reach the "
                                      "Secret Service through: run this in your desktop "
                                      "session"));
        else if (no_service(e))
                g_set_error_literal(error, PASSWORD_ERROR, PASSWORD_ERROR_NO_SERVICE,
                                    _("no Secret Service on the session bus to keep "
                                      "passwords in: install gnome-keyring (or use KWallet "
                                      "with its Secret Service enabled) and log in again"));
        else
                g_set_error(error, PASSWORD_ERROR, PASSWORD_ERROR_FAILED,
                            /* TRANSLATORS: %s is libsecret's or D-Bus's own message. */
                            _("the Secret Service failed: %s"), e->message);
        g_error_free(e);
}

/* Looking up goes through a search rather than secret_password_lookup(): in a locked
 * keyring whose unlock prompt cannot be shown, both find nothing, and the person must
 * learn that the keyring is locked, not that no password is stored. */
#define SEARCH_FLAGS (SECRET_SEARCH_UNLOCK | SECRET_SEARCH_LOAD_SECRETS)

/* The password of the first item found, NULL when there is none. Frees the list. */
static char *found_password(GList *items)
{
        char *pw = NULL;
        if (items && !lib.secret_item_get_locked(items->data)) {
                SecretValue *value = lib.secret_item_get_secret(items->data);
                if (value)
                        pw = lib.secret_value_unref_to_password(value, NULL);
        }
        g_list_free_full(items, g_object_unref);
        return pw;
}

/* Whether the default keyring is there but locked (its items cannot be searched). */
static bool default_locked(GError **e)
{
        g_autoptr(SecretService) service = lib.secret_service_get_sync(SECRET_SERVICE_NONE, NULL, e);
        if (!service)
                return false;
        g_autoptr(SecretCollection) c = lib.secret_collection_for_alias_sync(
                service, SECRET_COLLECTION_DEFAULT, SECRET_COLLECTION_NONE, NULL, e);
        return c && lib.secret_collection_get_locked(c);
}

char *password_lookup_sync(const char *url, GError **error)
{
        if (!secret_loaded(error))
                return NULL;
        g_autoptr(GHashTable) attrs = url_attributes(url);
        GError *e = NULL;
        GList *items = lib.secret_service_search_sync(NULL, &schema, attrs, SEARCH_FLAGS, NULL, &e);
        bool locked = !e && (items ? lib.secret_item_get_locked(items->data) : default_locked(&e));
        if (locked && !e)
                e = g_error_new_literal(lib.secret_error_get_quark(), SECRET_ERROR_IS_LOCKED,
                                        "locked");
        if (e) {
                g_list_free_full(items, g_object_unref);
                set_error(error, e);
                return NULL;
        }
        return found_password(items);
}

/* The asynchronous lookup runs the synchronous one in a worker thread: libsecret's sync
 * calls run a main context of their own, and the steps above stay in one place. */
static void lookup_thread(GTask *task, gpointer source, gpointer url, GCancellable *cancel)
{
        (void)source;
        (void)cancel;
        GError *error = NULL;
        char *pw = password_lookup_sync(url, &error);
        if (error)
                g_task_return_error(task, error);
        else
                g_task_return_pointer(task, pw, (GDestroyNotify)password_free);
}

void password_lookup_async(const char *url, GCancellable *cancel, GAsyncReadyCallback cb,
                           gpointer userdata)
{
        g_autoptr(GTask) task = g_task_new(NULL, cancel, cb, userdata);
        g_task_set_source_tag(task, password_lookup_async);
        g_task_set_task_data(task, g_strdup(url), g_free);
        g_task_set_return_on_cancel(task, TRUE);
        g_task_run_in_thread(task, lookup_thread);
}

char *password_lookup_finish(GAsyncResult *result, GError **error)
{
        g_return_val_if_fail(g_task_is_valid(result, NULL), NULL);
        return g_task_propagate_pointer(G_TASK(result), error);
}

/* The keyring's label: the section and the host, never the path or query (a subscription
 * link's token is a secret too, and Seahorse shows labels to anyone at the desk). */
static char *item_label(const char *url, const char *section)
{
        g_autoptr(GUri) uri = g_uri_parse(url, G_URI_FLAGS_NONE, NULL);
        const char *host = uri && g_uri_get_host(uri) ? g_uri_get_host(uri) : "?";
        return g_strdup_printf("nudge: calendar [%s] (%s)", section, host);
}

bool password_store_sync(const char *url, const char *section, const char *password,
                         GError **error)
{
        if (!secret_loaded(error))
                return false;
        g_autofree char *label = item_label(url, section);
        g_autoptr(GHashTable) attrs = url_attributes(url);
        GError *e = NULL;
        if (!lib.secret_password_storev_sync(&schema, attrs, SECRET_COLLECTION_DEFAULT, label,
                                             password, NULL, &e)) {
                /* A dismissed prompt can come back as FALSE with no error: it is a
                 * cancelled prompt too, and the caller must see an error for it. */
                if (!e)
                        e = g_error_new_literal(G_IO_ERROR, G_IO_ERROR_CANCELLED, "dismissed");
                set_error(error, e);
                return false;
        }
        return true;
}

bool password_clear_sync(const char *url, bool *removed, GError **error)
{
        if (!secret_loaded(error))
                return false;
        g_autoptr(GHashTable) attrs = url_attributes(url);
        GError *e = NULL;
        gboolean any = lib.secret_password_clearv_sync(&schema, attrs, NULL, &e);
        /* Nothing removed from a locked keyring says nothing about what is in it. */
        if (!e && !any && default_locked(&e) && !e)
                e = g_error_new_literal(lib.secret_error_get_quark(), SECRET_ERROR_IS_LOCKED,
                                        "locked");
        if (e) {
                set_error(error, e);
                return false;
        }
        *removed = any;
        return true;
}

void password_free(char *password)
{
        /* A password exists only where libsecret gave it, so it is loaded. */
        if (password)
                lib.secret_password_free(password);
}
