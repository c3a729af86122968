/* SPDX-License-Identifier: MIT */
/* stderr logging with optional sd-daemon priority prefixes. */
#include "config.h"

#include "log.h"

#include <stdarg.h>
#include <stdio.h>

static int prefixes;
static int max_priority = 7;

void log_set_prefixes(int on)
{
        prefixes = on;
}

void log_set_max_priority(int priority)
{
        max_priority = priority;
}

void log_msg(int priority, const char *fmt, ...)
{
        if (priority > max_priority)
                return;
        if (prefixes)
                fprintf(stderr, "<%d>", priority);
        va_list ap;
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        fputc('\n', stderr);
        va_end(ap);
}
