/* SPDX-License-Identifier: MIT */
/* The refresh interval a feed asks for: RFC 7986's REFRESH-INTERVAL (VALUE=DURATION), or
 * the older X-PUBLISHED-TTL, among the calendar's own properties. */
#pragma once
#include <stddef.h>
#include <stdint.h>

/* Seconds, or 0 when the text gives none (or none that is a positive duration). */
int64_t refresh_interval(const char *text, size_t len);
