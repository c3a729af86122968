/* SPDX-License-Identifier: MIT */
/* Exit statuses shared by nudge and nudged (sysexits.h's values, documented in the man
 * pages). */
#pragma once

#define EXIT_CONFIG 78 /* EX_CONFIG: the schedule file has problems */
#define EXIT_USAGE 64  /* EX_USAGE: wrong arguments */
