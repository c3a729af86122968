/* SPDX-License-Identifier: MIT */
/* Decimal integers in their one spelling, read without GLib's g_ascii_string_to_*():
 * those read errno after g_ascii_strtoll(), which on its first call in a process takes
 * the lock of GLib's g_once (for the C locale) and, when another thread holds it at that
 * moment (GDBus's, at nudged's start), comes back with errno set by the futex wait: a
 * valid number then reads as none. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* s[0, len) as a decimal integer in [min, max]: "0", "-5", "17"; never "", "+1", "-0",
 * "007", blanks or other characters. Pure: touches nothing but *out (set on success). */
bool decimal_parse(const char *s, size_t len, int64_t min, int64_t max, int64_t *out);
