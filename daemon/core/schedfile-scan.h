/* SPDX-License-Identifier: MIT */
/* Inside the schedule file reader (not for other modules): the list of problems found,
 * each with its line, and the line scanner, which records every section and key with the
 * line it came from and keeps the values of the section being read in an iniparser
 * dictionary. */
#pragma once
#include <glib.h>
#include <iniparser/dictionary.h>
#include <stddef.h>

#include "schedfile.h"

/* Problems as they are found, by any pass. */
typedef struct {
        const char *path;
        GArray *errors; /* of SchedfileError */
        size_t suppressed;
} Report;

void report_init(Report *r, const char *path);
void report(Report *r, unsigned line, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
/* The problems in order of line (found order within a line), or NULL when there are none.
 * Ends the report either way. */
SchedfileErrors *report_finish(Report *r);

typedef struct {
        char *name;    /* lower case: "remind" */
        unsigned line;
} ScanKey;

/* A section with a valid header that was not seen before, and its keys. */
typedef struct {
        char *id;           /* lower case */
        char *spelling;     /* as written (for default titles) */
        unsigned line;      /* of the header */
        GArray *keys;       /* of ScanKey, in the order of the file, each name once */
        dictionary *values; /* "id:name" -> value */
} ScanSection;

/* Takes each section as it ends (at the next header or at the end of the file); the
 * section and its values are freed when it returns. */
typedef void (*ScanSink)(const ScanSection *ss, void *userdata);
/* Reads the lines of a schedule file into sections, handed to `sink` in the order of the
 * file. Every problem of form goes to `r`: bad bytes, headers, key names, quoting,
 * repetitions. Keys of a broken header are dropped. */
void scan_buf(Report *r, const char *buf, size_t len, ScanSink sink, void *userdata);
/* The value of one of the section's keys. */
const char *scan_value(const ScanSection *ss, const ScanKey *key);

/* A list whose items may be quoted, as `match` takes it (match = "Rivera, MD", therapy):
 * an item that begins with a double or single quote runs to the same quote, commas and
 * '#' included; any other item runs to the next comma, and a '#' or ';' in it ends the
 * whole list (the rest is a comment). */
typedef enum {
        LIST_ITEM,        /* [*a, *b) is the item (without its quotes, blanks trimmed) */
        LIST_END,         /* no more items: *p is at the end or at the comment */
        LIST_UNCLOSED,    /* *quote opens and never closes */
        LIST_AFTER_QUOTE, /* text follows the closing quote before the next comma */
} ListStep;
/* Reads the item at *p and moves *p past it and its comma. */
ListStep list_item(const char **p, const char **a, const char **b, char *quote);
