/* SPDX-License-Identifier: MIT */
/* libFuzzer harness: the calendar request and reply parsers, and their format/parse round
 * trips. The first byte chooses which (even: request, odd: reply). */
#include "config.h"

#include <errno.h>
#include <glib.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "calreq.h"
#include "handover.h"

/* Rejected: always with a reason, never with a message. */
static void check_rejected(int r, const void *out, char *why)
{
        if (r != -EBADMSG || out || !why)
                abort();
        g_free(why);
}

/* Accepted: the text it formats is the text it read (one spelling per message). */
static void check_same(char *text, const uint8_t *data, size_t size)
{
        if (!text || strlen(text) != size || memcmp(text, data, size) != 0)
                abort();
        g_free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        if (size == 0)
                return 0;
        bool reply = data[0] & 1;
        data++;
        size--;
        char *why = NULL;
        if (!reply) {
                CalRequest *r = NULL;
                int ret = calreq_parse_buf((const char *)data, size, &r, &why);
                if (ret < 0) {
                        check_rejected(ret, r, why);
                        return 0;
                }
                check_same(calreq_format(r), data, size);
                calreq_free(r);
        } else {
                CalReply *r = NULL;
                int ret = calreply_parse_buf((const char *)data, size, &r, &why);
                if (ret < 0) {
                        check_rejected(ret, r, why);
                        return 0;
                }
                if (r->ok != (r->list != NULL))
                        abort();
                /* A reply carrying a version 1 list is written with version 2: then the
                 * text must be a fixed point, parsed again and formatted the same. */
                static const char v1[] = "end\n" HANDOVER_MAGIC_1 "\n";
                char *text = calreply_format(r);
                if (!r->list || !memmem(data, size, v1, strlen(v1))) {
                        check_same(text, data, size);
                } else {
                        CalReply *back = NULL;
                        char *why_back = NULL;
                        if (calreply_parse_buf(text, strlen(text), &back, &why_back) < 0)
                                abort();
                        char *again = calreply_format(back);
                        if (strcmp(again, text) != 0 ||
                            back->list->sessions->len != r->list->sessions->len)
                                abort();
                        g_free(again);
                        g_free(text);
                        calreply_free(back);
                }
                calreply_free(r);
        }
        return 0;
}
