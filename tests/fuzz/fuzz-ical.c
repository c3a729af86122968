/* SPDX-License-Identifier: MIT */
/* libFuzzer harness: the iCalendar reader on any bytes; what it hands over must parse. */
#include "config.h"

#include <glib.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "handover.h"
#include "ical.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static Tz *zone;
        if (!zone)
                zone = tz_new("Europe/Berlin");
        static const char *const match[] = { "therapy", NULL };
        /* Two years: enough for every rule to reach the window and the caps. */
        IcalSettings set = { size % 2 ? match : NULL, zone, 3000, 1780000000, 1843000000 };
        /* Also as a folder of two invitations: the first half and the rest. */
        IcalText t[2] = { { "a.ics", (const char *)data, size / 2 },
                          { "b.ics", (const char *)data + size / 2, size - size / 2 } };
        for (int pass = 0; pass < 2; pass++) {
                IcalText one = { "f.ics", (const char *)data, size };
                Handover *h = pass ? ical_read(t, 2, &set, NULL) : ical_read(&one, 1, &set, NULL);
                char *text = handover_format(h);
                Handover *back = NULL;
                char *why = NULL;
                if (handover_parse_buf(text, strlen(text), &back, &why) < 0) {
                        fprintf(stderr, "hand-over refused: %s\n", why);
                        abort();
                }
                if (back->sessions->len != h->sessions->len)
                        abort();
                handover_unref(back);
                g_free(text);
                handover_unref(h);
        }
        return 0;
}
