/* SPDX-License-Identifier: MIT */
/* Passwords of calendars, in the desktop's Secret Service (GNOME Keyring, KWallet)
 * through libsecret, keyed by the calendar's URL (without any password in it). Nothing
 * else stores, prints or logs a password. */
#pragma once
#include <gio/gio.h>
#include <stdbool.h>

/* The schema's name, as secret-tool and Seahorse show it. */
#define PASSWORD_SCHEMA "org.nudge.Calendar"

/* Looks the password of `url` up: the password (free with password_free), or NULL with
 * *error NULL when none is stored, or NULL with *error set when the Secret Service
 * cannot be reached. */
char *password_lookup_sync(const char *url, GError **error);
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
