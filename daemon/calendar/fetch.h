/* SPDX-License-Identifier: MIT */
/* Fetching a calendar URL with libsoup, on a main loop of its own: a conditional GET, a
 * 30 s limit for the whole fetch, at most 5 redirects followed by hand (never https to
 * http, plain http only to this machine), a body of at most FETCH_MAX_BODY bytes. */
#pragma once
#include <glib.h>
#include <stdbool.h>

#include "calreq.h"

#define FETCH_MAX_BODY (16u << 20)
#define FETCH_TIMEOUT_S 30
#define FETCH_MAX_REDIRECTS 5

typedef struct {
        const char *section;       /* names the calendar in reasons, with the host */
        const char *url;           /* http:// or https://, perhaps with a user name */
        const char *password;      /* NULL: none */
        const char *etag;          /* of the cached copy, NULL: none */
        const char *last_modified; /* of the cached copy, NULL: none */
} FetchIn;

typedef struct {
        int http;             /* the last HTTP status, 0: none came */
        GBytes *body;         /* with 200: the body */
        bool not_modified;    /* 304 */
        char *etag, *last_modified; /* the answer's validators, NULL: none */
        CalAuth auth;
        char *reason;         /* NULL when the fetch gave a body or 304 */
} FetchOut;

void fetch_out_clear(FetchOut *o);
/* Fetches; fills *out in every case (a reason when neither body nor 304 came). */
void fetch_run(const FetchIn *in, FetchOut *out);
/* "SECTION (HOST)": how reasons and logs name a calendar; never its path or query. */
char *fetch_name(const char *section, const char *url);
