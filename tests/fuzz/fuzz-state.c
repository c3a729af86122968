/* SPDX-License-Identifier: MIT */
/* libFuzzer harness: the sent-reminder state file parser, and its format/parse round trip. */
#include "config.h"

#include <errno.h>
#include <glib.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "state.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        int err = 0;
        State *st = state_parse_buf((const char *)data, size, &err);
        if (!st) {
                if (err != -EBADMSG)
                        abort();
                return 0;
        }
        /* What was accepted formats to text that parses back to the same records. */
        char *text = state_format(st);
        State *back = state_parse_buf(text, strlen(text), &err);
        if (!back || state_size(back) != state_size(st))
                abort();
        char *again = state_format(back);
        if (strcmp(text, again) != 0)
                abort();
        g_free(again);
        g_free(text);
        state_free(back);
        state_free(st);
        return 0;
}
