/* SPDX-License-Identifier: MIT */
/* The text checks of the iCalendar reader, before libical sees a text: unfolding, cutting
 * over-long lines, and refusing what would make libical recurse deep or grow far. */
#include "config.h"

#include "ical-internal.h"

#include <string.h>

/* Components nest three deep in real calendars (VCALENDAR, VEVENT, VALARM); libical frees
 * and prints them recursively, so a deeper text is refused before it is parsed. */
#define MAX_DEPTH 8
/* 16 MiB holds at most ~100,000 small events; more components than this is junk. */
#define MAX_COMPONENTS 250000

/* libical's parser grows a line by appending to it with strlen() each time: quadratic, a
 * minute for one 16 MiB line. Longer lines are cut (the properties read here) or left
 * out (DESCRIPTION, ATTACH, X-ALT-DESC: never read). */
#define MAX_LINE (256u << 10)

/* ---- text checks before libical sees it --------------------------------------------- */

static bool needed_property(const char *line, size_t len)
{
        static const char *const names[] = { "BEGIN", "END", "DTSTART", "DTEND", "DURATION",
                                             "RRULE", "RDATE", "EXDATE", "RECURRENCE-ID",
                                             "UID", "SUMMARY", "STATUS", "SEQUENCE",
                                             "DTSTAMP", "METHOD", "TZID" };
        size_t n = 0;
        while (n < len && line[n] != ';' && line[n] != ':')
                n++;
        for (size_t i = 0; i < G_N_ELEMENTS(names); i++)
                if (n == strlen(names[i]) && !g_ascii_strncasecmp(line, names[i], n))
                        return true;
        return false;
}

/* Cuts or drops the over-long lines of `buf` (terminated) in place; returns the new end. */
static char *tame_long_lines(char *buf, char *end)
{
        char *r = buf, *w = buf;
        while (r < end) {
                char *nl = memchr(r, '\n', (size_t)(end - r));
                char *next = nl ? nl + 1 : end;
                size_t len = (size_t)(next - r);
                if (len <= MAX_LINE) {
                        memmove(w, r, len);
                        w += len;
                } else if (needed_property(r, len)) {
                        /* At a character boundary, not after a lone backslash. */
                        size_t keep = MAX_LINE;
                        while (keep > 0 && ((unsigned char)r[keep] & 0xc0) == 0x80)
                                keep--;
                        while (keep > 0 && r[keep - 1] == '\\')
                                keep--;
                        memmove(w, r, keep);
                        w += keep;
                        *w++ = '\n';
                }
                r = next;
        }
        *w = '\0';
        return w;
}

bool ical_starts_ci(const char *p, const char *end, const char *word)
{
        size_t n = strlen(word);
        return (size_t)(end - p) >= n && g_ascii_strncasecmp(p, word, n) == 0;
}

/* Unfolds lines (RFC 5545 3.1) of text, which holds no NUL, into a fresh terminated copy
 * with its over-long lines tamed; returns the copy and sets *end to its terminator. */
static char *unfold(const char *text, size_t len, char **end)
{
        char *out = g_malloc0(len + 1), *w = out; /* zeroed: the analyzer cannot follow w */
        for (size_t i = 0; i < len; i++) {
                /* A line end followed by a blank continues the line. */
                if (text[i] == '\r' && i + 2 < len && text[i + 1] == '\n' &&
                    (text[i + 2] == ' ' || text[i + 2] == '\t')) {
                        i += 2;
                        continue;
                }
                if (text[i] == '\n' && i + 1 < len && (text[i + 1] == ' ' || text[i + 1] == '\t')) {
                        i += 1;
                        continue;
                }
                *w++ = text[i];
        }
        *w = '\0';
        *end = tame_long_lines(out, w);
        return out;
}

/* Why the unfolded text [p, end) is refused before libical sees it, or NULL. */
static const char *refused(const char *p, const char *end)
{
        while (p < end && g_ascii_isspace(*p))
                p++;
        if (!ical_starts_ci(p, end, "BEGIN:VCALENDAR"))
                return "not iCalendar (it does not start with BEGIN:VCALENDAR)";
        int depth = 0;
        unsigned components = 0;
        for (; p < end; p++) {
                if (ical_starts_ci(p, end, "BEGIN:")) {
                        if (++depth > MAX_DEPTH || ++components > MAX_COMPONENTS)
                                return depth > MAX_DEPTH ? "components nested too deep"
                                                         : "too many components";
                } else if (ical_starts_ci(p, end, "END:") && depth > 0) {
                        depth--;
                }
                const char *nl = memchr(p, '\n', (size_t)(end - p));
                if (!nl)
                        break;
                p = nl;
        }
        return NULL;
}

/* Unfolds lines (RFC 5545 3.1) into a fresh terminated copy, and refuses what is not
 * iCalendar or would make libical recurse deep or allocate far beyond the text. */
char *ical_prepare(const char *text, size_t len, const char **why)
{
        if (!text)
                text = "";
        if (len > ICAL_MAX_TEXT) {
                *why = "larger than 16 MiB";
                return NULL;
        }
        if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3)) {
                text += 3;
                len -= 3;
        }
        if (memchr(text, '\0', len)) {
                *why = "not iCalendar text (it holds a NUL byte)";
                return NULL;
        }
        char *end;
        char *out = unfold(text, len, &end);
        const char *no = refused(out, end);
        if (no) {
                g_free(out);
                *why = no;
                return NULL;
        }
        return out;
}

