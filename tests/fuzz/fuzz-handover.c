/* SPDX-License-Identifier: MIT */
/* libFuzzer harness: the hand-over list parser, and its format/parse round trip. */
#include "config.h"

#include <errno.h>
#include <glib.h>
#include <stdbool.h>
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
        /* Accepted: the text it formats is the text it read (version 2 has one spelling
         * of each list; version 1 is written as version 2), and parses again to a list
         * that formats the same. */
        char *text = handover_format(h);
        bool v1 = size >= strlen(HANDOVER_MAGIC_1) &&
                  memcmp(data, HANDOVER_MAGIC_1, strlen(HANDOVER_MAGIC_1)) == 0;
        if (!v1 && (strlen(text) != size || memcmp(text, data, size) != 0))
                abort();
        Handover *back = NULL;
        if (handover_parse_buf(text, strlen(text), &back, NULL) < 0)
                abort();
        char *again = handover_format(back);
        if (strcmp(again, text) != 0 || back->sessions->len != h->sessions->len)
                abort();
        for (guint i = 0; i < h->sessions->len; i++) {
                const HandoverSession *a = &g_array_index(h->sessions, HandoverSession, i);
                const HandoverSession *b = &g_array_index(back->sessions, HandoverSession, i);
                if (a->start != b->start || a->end != b->end || a->rid != b->rid ||
                    strcmp(a->zone, b->zone) || strcmp(a->uid, b->uid) ||
                    strcmp(a->summary, b->summary))
                        abort();
        }
        g_free(again);
        handover_unref(back);
        g_free(text);
        handover_unref(h);
        return 0;
}
