/* SPDX-License-Identifier: MIT */
/* libFuzzer harness: the hand-over list parser, and its format/parse round trip. */
#include "config.h"

#include <errno.h>
#include <glib.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "handover.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        Handover *h = NULL;
        char *why = NULL;
        int r = handover_parse_buf((const char *)data, size, &h, &why);
        if (r < 0) {
                /* Rejected: always with a reason, never with a list. */
                if (r != -EBADMSG || h || !why)
                        abort();
                g_free(why);
                return 0;
        }
        /* Accepted: the text it formats is the text it read (the format has one spelling
         * of each list), and parses again. */
        char *text = handover_format(h);
        if (strlen(text) != size || memcmp(text, data, size) != 0)
                abort();
        Handover *back = NULL;
        if (handover_parse_buf(text, strlen(text), &back, NULL) < 0)
                abort();
        handover_unref(back);
        g_free(text);
        handover_unref(h);
        return 0;
}
