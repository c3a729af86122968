/* SPDX-License-Identifier: MIT */
/* Locale and catalogue set-up for both programs. */
#include "config.h"

#include "i18n.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>

void i18n_init(void)
{
        const char *got = setlocale(LC_ALL, "");
        /* The language the environment asks for, when its locale is not installed: the
         * messages can still follow it, only dates and numbers cannot. */
        if (!got && !getenv("LANGUAGE")) {
                const char *want = getenv("LC_ALL");
                if (!want || !*want)
                        want = getenv("LC_MESSAGES");
                if (!want || !*want)
                        want = getenv("LANG");
                if (want && *want) {
                        g_autofree char *code = g_strndup(want, strcspn(want, ".@"));
                        g_setenv("LANGUAGE", code, FALSE);
                }
        }
        /* GNU gettext ignores $LANGUAGE in the "C" locale: a bare environment (no $LANG,
         * as under some service managers) or a locale that is not installed would then
         * silence every translation. C.UTF-8 always exists on glibc systems. */
        if (!got || strcmp(got, "C") == 0 || strcmp(got, "POSIX") == 0)
                setlocale(LC_ALL, "C.UTF-8");
        const char *dir = getenv("NUDGE_LOCALEDIR");
        bindtextdomain(GETTEXT_PACKAGE, dir && *dir ? dir : LOCALEDIR);
        bind_textdomain_codeset(GETTEXT_PACKAGE, "UTF-8");
        textdomain(GETTEXT_PACKAGE);
}
