/* SPDX-License-Identifier: MIT */
/* The notes files: one Markdown file per session occurrence, private to the person.
 * Naming and the template are pure; creating and appending touch the disk. Nothing here
 * logs, and no caller may log what a notes file holds. */
#pragma once
#include <glib.h>
#include <stdbool.h>
#include <stdint.h>
#include "civil.h"
#include "schedule.h"
#include "tz.h"

/* The headings of the template, and the ones `nudge note` appends under. */
#define NOTES_HEADING_THOUGHTS "Thoughts"
#define NOTES_HEADING_QUESTIONS "Questions to ask"
#define NOTES_HEADING_AFTER "After the session"
/* A heading above in the person's language (its text is the English msgid). Parts are read
 * under either. */
const char *notes_heading(const char *english);

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
 * is for, and the three parts (thoughts; questions to ask, as task items; after the
 * session). `title` NULL means "Session". Pure. */
char *notes_template(const char *title, Ymd date, int minute_of_day);
/* notes_template() for a session starting at the instant `start`, shown in `tz`. */
char *notes_template_at(const char *title, int64_t start, Tz *tz);

/* What carries forward from the notes `prev` (of the session on `prev_date`, the same
 * series) into `tmpl`, a new template: the questions not ticked ("- [ ] …" under
 * "Questions to ask", or carried into `prev` from before), and what was written under
 * "After the session", each under a heading of its own that names the date, before the
 * new notes' own parts. `prev` NULL, or nothing to carry: a copy of `tmpl`. Pure. */
char *notes_carry_forward(const char *tmpl, const char *prev, Ymd prev_date);
/* Open questions in a notes text: the task items not ticked. Pure. */
unsigned notes_open_questions(const char *text);
/* From "2026-12-01-therapy.md": its date and series id (newly allocated). False for any
 * other name. Pure. */
bool notes_parse_file_name(const char *name, Ymd *date, char **id);

/* The text for the notes file at `path` (named by notes_file_name()) when it is first
 * created: the template for `title` at `start` in `tz`, carrying forward from the notes of
 * the latest earlier session of the same series in the same folder, if there are any. */
char *notes_new_text(const char *path, const char *title, int64_t start, Tz *tz);

/* `text` with `line` added as the last line of the section under "## heading" (before the
 * blank lines that end it); when the heading is missing, it is added at the end first.
 * Pure; newly allocated. */
char *notes_insert(const char *text, const char *heading, const char *line);

/* `text` with "## heading" added at the end, or NULL when it has that heading already. */
char *notes_add_heading(const char *text, const char *heading);
/* "- 2026-11-25 21:40 TEXT": `now` in `tz`; line breaks in TEXT become spaces and invalid
 * UTF-8 is replaced. Pure; newly allocated. */
char *notes_dated_line(int64_t now, Tz *tz, const char *text);
/* "- [ ] TEXT": a question as a task item, TEXT made one line as above. Pure. */
char *notes_question_line(const char *text);

/* Reads a notes file (a regular file, not a link, trusted, no NUL) into *text. 0 or -errno. */
int notes_read(const char *path, char **text);
/* Create the file `path` holding `text`, unless it exists: its folder is created 0700 if
 * missing, the file 0600, with O_EXCL (never overwritten, even in a race) and O_NOFOLLOW.
 * Returns 1 when created, 0 when it already existed, or -errno. */
int notes_create(const char *path, const char *text);
/* Whether the notes folder of `path` (followed if it is a link) and the notes file, if it
 * exists, belong to the person and others cannot change them: 0, or -EPERM with the reason
 * and its fix in *why (may be NULL; newly allocated), or -ELOOP for a link at `path`. */
int notes_check_private(const char *path, char **why);
/* Changes the notes at `path` by `edit` (the whole text in, the new text out, NULL for no
 * change), creating it from `template_text` first if missing. Writers are serialised by
 * a lock file in the folder; the text is re-read under the lock, the new one written to a
 * 0600 temporary file, and renamed over `path` only if the file is still the one read (the
 * same inode, size, mtime and bytes): an editor that saved in between makes it start over,
 * so nothing written meanwhile is lost. -EAGAIN when the file kept changing.
 * The same refusals as notes_append(). 0 or -errno. */
typedef char *(*NotesEditFn)(const char *text, void *userdata);
int notes_update(const char *path, const char *template_text, NotesEditFn edit, void *userdata);
/* notes_update() with notes_insert() of `line` under `heading`. A symbolic link or a non-regular file at
 * `path` is refused (-ELOOP, -EINVAL), and so is a file that others own or can change
 * (-EPERM) or that holds a NUL byte (-EBADMSG: the rewrite would lose what follows it).
 * 0 or -errno. */
int notes_append(const char *path, const char *template_text, const char *heading,
                 const char *line);
/* notes_update() that adds "## heading" at the end when the notes lack it (once). */
int notes_ensure_heading(const char *path, const char *template_text, const char *heading);
