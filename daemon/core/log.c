/* SPDX-License-Identifier: MIT */
/* stderr logging with optional sd-daemon priority prefixes. */
#include "config.h"

#include "log.h"

#include <stdarg.h>
#include <stdio.h>

static int prefixes;

void log_set_prefixes(int on)
{
        prefixes = on;
}

void log_msg(int priority, const char *fmt, ...)
{
        if (prefixes)
                fprintf(stderr, "<%d>", priority);
        va_list ap;
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        fputc('\n', stderr);
        va_end(ap);
}
