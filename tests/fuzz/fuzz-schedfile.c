/* SPDX-License-Identifier: MIT */
/* libFuzzer harness: the whole schedule loader, file bytes in, a schedule or errors out. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "schedfile.h"
#include "format.h"

static Tz *local;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        if (!local)
                local = tz_new("Europe/Berlin");
        SchedfileErrors *errors = NULL;
        Schedule *s = schedfile_parse_buf("fuzz.ini", (const char *)data, size, local, &errors);
        if (s) {
                /* Expand a little of what was accepted: the calendar code sees it too. */
                GArray *occ = schedule_expand(s, 1795000000, 1795000000 + 40 * 86400);
                for (guint i = 0; i < occ->len; i++) {
                        const Occurrence *o = &g_array_index(occ, Occurrence, i);
                        char buf[RFC3339_SIZE];
                        format_rfc3339_buf(o->series->tz, o->start, buf);
                }
                g_array_free(occ, TRUE);
                Occurrence o;
                int64_t r;
                schedule_next_reminder(s, 1795000000, &o, &r);
                schedule_free(s);
        } else {
                if (!errors || errors->n_errors == 0)
                        abort(); /* a refusal must always say why */
                g_free(schedfile_errors_format(errors));
                schedfile_errors_free(errors);
        }
        return 0;
}
