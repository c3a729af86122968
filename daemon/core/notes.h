/* SPDX-License-Identifier: MIT */
/* The notes files: one Markdown file per session occurrence, private to the person.
 * Naming and the template are pure; creating and appending touch the disk. Nothing here
 * logs, and no caller may log what a notes file holds. */
#pragma once
#include <glib.h>
#include <stdint.h>
#include "civil.h"
#include "schedule.h"
#include "tz.h"

/* The headings of the template, and the ones `nudge note` appends under. */
#define NOTES_HEADING_THOUGHTS "Thoughts"
#define NOTES_HEADING_QUESTIONS "Questions to ask"
#define NOTES_HEADING_NOT_RIGHT "Anything that did not feel right last time"

#define NOTES_DIR_MODE 0700
#define NOTES_FILE_MODE 0600

/* The notes folder of a series: its `notes` key with "~" expanded, else
 * $XDG_DATA_HOME/nudge/notes. Newly allocated. */
char *notes_dir(const Series *s);
/* "2026-12-01-therapy.md": the session's local date as written, and the series id. */
char *notes_file_name(const Occurrence *o);
/* notes_dir() + notes_file_name(). */
char *notes_path(const Occurrence *o);

/* The text of a new notes file: a title line, the date and time, a line on what the file
 * is for, and the three headings. `title` NULL means "Session". Pure. */
char *notes_template(const char *title, Ymd date, int minute_of_day);
/* notes_template() for a session starting at the instant `start`, shown in `tz`. */
char *notes_template_at(const char *title, int64_t start, Tz *tz);

/* `text` with `line` added as the last line of the section under "## heading" (before the
 * blank lines that end it); when the heading is missing, it is added at the end first.
 * Pure; newly allocated. */
char *notes_insert(const char *text, const char *heading, const char *line);
/* "- 2026-11-25 21:40 TEXT": `now` in `tz`; line breaks in TEXT become spaces and invalid
 * UTF-8 is replaced. Pure; newly allocated. */
char *notes_dated_line(int64_t now, Tz *tz, const char *text);

/* Create the file `path` holding `text`, unless it exists: its folder is created 0700 if
 * missing, the file 0600, with O_EXCL (never overwritten, even in a race) and O_NOFOLLOW.
 * Returns 1 when created, 0 when it already existed, or -errno. */
int notes_create(const char *path, const char *text);
/* notes_create(path, template), then notes_insert() of `line` under `heading`, written back
 * through a 0600 temporary file renamed over it. A symbolic link or a non-regular file at
 * `path` is refused (-ELOOP, -EINVAL), and so is a file that others own or can change
 * (-EPERM) or that holds a NUL byte (-EBADMSG: the rewrite would lose what follows it).
 * 0 or -errno. */
int notes_append(const char *path, const char *template_text, const char *heading,
                 const char *line);
