/* SPDX-License-Identifier: MIT */
/* Opening a session's notes file for the person, outside nudged's sandbox. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

/* Creates the notes file from the template if it is missing (notes_create), then opens it
 * with the person's default application, started as a transient unit of the user service
 * manager so that it neither inherits nudged's sandbox nor dies with it (a direct launch
 * when no manager answers). The opening itself runs from the main loop, and no shell is
 * involved: the path is one argument of the opener. 0, or -errno when the file could not
 * be created. */
int opener_open_notes(const char *notes_path, const char *title, int64_t session_start);
/* opener_open_notes(), for the check-in after the session when `after` is true: the notes
 * are then the place to write how it went, and their "After the session" heading is made
 * sure of (added once when the person removed it). `gio open` cannot place a cursor, so
 * the editor opens the file as it would any other. A new file carries forward from the
 * series' earlier notes either way (notes_new_text). */
int opener_open_notes_at(const char *notes_path, const char *title, int64_t session_start,
                         bool after);
