/* SPDX-License-Identifier: MIT */
/* Logging to stderr with sd-daemon <N> priority prefixes, which the journal reads.
 * Log lines stay in English, never marked for translation: they are for bug reports, and
 * one language makes them searchable and comparable across machines. */
#pragma once
#include <systemd/sd-daemon.h>

void log_set_prefixes(int on); /* nudged under systemd: on; the nudge command: off */
/* Messages less urgent than this (a larger number) are dropped; default 7, all of them. */
void log_set_max_priority(int priority);
void log_msg(int priority, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define log_err(...) log_msg(3, __VA_ARGS__)
#define log_warning(...) log_msg(4, __VA_ARGS__)
#define log_notice(...) log_msg(5, __VA_ARGS__)
#define log_info(...) log_msg(6, __VA_ARGS__)
#define log_debug(...) log_msg(7, __VA_ARGS__)
