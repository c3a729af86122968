/* SPDX-License-Identifier: MIT */
/* Translations: every sentence a person reads goes through _() (or N_() where it is only
 * marked, for a table), in the gettext domain "nudge". */
#pragma once
#include <glib/gi18n.h>

/* Sets the locale from the environment and binds the catalogues. Where the environment
 * names no usable locale (unset, "C", or one that is not installed), the C.UTF-8 locale is
 * used, so that UTF-8 text prints and $LANGUAGE still chooses the language. For tests,
 * $NUDGE_LOCALEDIR names another folder of catalogues than the installed one. */
void i18n_init(void);
