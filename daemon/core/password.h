/* SPDX-License-Identifier: MIT */
/* Passwords of calendars, in the desktop's Secret Service (GNOME Keyring, KWallet)
 * through libsecret, keyed by the calendar's URL (without any password in it). Nothing
 * else stores, prints or logs a password. */
#pragma once
#include <gio/gio.h>
#include <stdbool.h>

/* The schema's name, as secret-tool and Seahorse show it. */
#define PASSWORD_SCHEMA "org.nudge.Calendar"

/* What went wrong, in *error (domain PASSWORD_ERROR); the message, translated, says what
 * to do about it. */
#define PASSWORD_ERROR (password_error_quark())
typedef enum {
        PASSWORD_ERROR_NO_SERVICE, /* no Secret Service on the session bus (or no bus) */
        PASSWORD_ERROR_LOCKED,     /* the keyring is locked and cannot be unlocked here */
        PASSWORD_ERROR_CANCELLED,  /* the keyring's prompt was cancelled */
        PASSWORD_ERROR_FAILED,     /* anything else the Secret Service answered */
} PasswordError;
GQuark password_error_quark(void);

/* `url` is always a calendar's CalendarSpec.url (webcal:// written as https://), with the
 * user name it holds: the same key for `nudge password` and for nudged.
 *
 * Looks the password of `url` up: the password (free with password_free), or NULL with
 * *error NULL when none is stored, or NULL with *error set when the Secret Service
 * cannot be reached or the keyring is locked (then nothing can be said of what it holds). */
char *password_lookup_sync(const char *url, GError **error);
/* The same, without blocking the caller's main loop (in a worker thread): `cb` runs in
 * the caller's thread-default main context; cancelled through `cancel`, the finish gives
 * G_IO_ERROR_CANCELLED. */
void password_lookup_async(const char *url, GCancellable *cancel, GAsyncReadyCallback cb,
                           gpointer userdata);
char *password_lookup_finish(GAsyncResult *result, GError **error);
/* Stores or replaces it; `section` names it in the keyring's label. */
bool password_store_sync(const char *url, const char *section, const char *password,
                         GError **error);
/* Removes it; *removed says whether there was one. */
bool password_clear_sync(const char *url, bool *removed, GError **error);
/* Wipes and frees a password. */
void password_free(char *password);
