/* SPDX-License-Identifier: MIT */
/* What a reminder says: the summary (which session, and when) and the body (a preparation
 * prompt). Pure: no clock, no I/O; `now` is passed in. The prompts themselves live in
 * prompts-table.h. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "schedule.h"
#include "tz.h"

typedef enum {
        PROMPT_REFLECT, /* earlier reminders: reflect and write */
        PROMPT_LAST,    /* the last reminder, shortly before: short and practical */
        PROMPT_CHECKIN, /* after the session: how did it go */
} PromptKind;

/* A reminder less than this long before the session, and the last of its occurrence, gets
 * a short practical prompt; every other reminder gets a reflective one. */
#define PROMPTS_LAST_WINDOW (12 * 3600)

/* The built-in prompts: how many of a kind, and the i-th (0-based; NULL out of range). */
size_t prompts_count(PromptKind kind);
const char *prompts_get(PromptKind kind, size_t i);

/* The kind of prompt for the reminder of `o` at `reminder_instant`. An instant that is not
 * one of o->reminders (a snoozed re-send) counts as the latest reminder at or before it. */
PromptKind prompts_kind(const Occurrence *o, int64_t reminder_instant);

/* The built-in prompt for that reminder, ignoring the series' own prompt and privacy.
 * Deterministic in (series id, occurrence, reminder): a restart picks the same one; two
 * consecutive reminders of the same kind in a series pick different ones; successive weeks
 * move on through the list. Returns a static string. */
const char *prompts_pick(const Occurrence *o, int64_t reminder_instant);

/* When the session at `start` is, as seen at `now`, in words: "in 20 minutes", "in 1 hour",
 * "today at 14:00", "tomorrow at 14:00", "on Friday at 09:30", "on Tuesday, 8 December at
 * 14:00", "starting now", "started at 14:00". Clock times are in `display_tz`. */
char *prompts_when(int64_t start, int64_t now, Tz *display_tz);

/* The summary and body of the reminder of `o` at `reminder_instant`, sent at `now` (a late
 * send says the real time left). Summary: "<title> <when>", plus the time in the session's
 * own zone when that differs from `display_tz`. Body: the series' `prompt` if set, else a
 * built-in one. With privacy: summary "Session <when>", body "" (no title, no prompt).
 * Plain UTF-8 text, never markup. Both outputs are newly allocated. */
void prompts_compose(const Occurrence *o, int64_t reminder_instant, int64_t now, Tz *display_tz,
                     char **summary, char **body);

/* The check-in after the session of `o`: summary "After <title>" ("After your session" with
 * privacy), body one of the check-in prompts, chosen like the reminders' (none with
 * privacy). The series' own `prompt` is for preparing and does not replace it. Newly
 * allocated, plain text. */
void prompts_compose_checkin(const Occurrence *o, char **summary, char **body);
