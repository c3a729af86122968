#!/bin/bash
# SPDX-License-Identifier: MIT
# Runs each libFuzzer harness for SECONDS, seeded from the project's schedules; fails on any
# crash, leak, time-out or sanitizer report. Usage: run.sh SECONDS HARNESS...
set -euo pipefail
seconds=$1; shift
src=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
mkdir -p tests/fuzz/crashes
status=0
for h in "$@"; do
        corpus=tests/fuzz/corpus-$h
        mkdir -p "$corpus"
        cp -f "$src"/conf/*.example "$src"/tests/data/*.ini "$corpus"/ 2>/dev/null || true
        [ "$h" = fuzz-ical ] && cp -f "$src"/tests/data/calendars/*.ics "$src"/tests/data/calendars/*/*.ics "$corpus"/
        [ -d "$src/tests/fuzz/seeds-$h" ] && cp -f "$src/tests/fuzz/seeds-$h"/* "$corpus"/
        dict="$src"/tests/fuzz/schedule.dict
        [ -f "$src/tests/fuzz/$h.dict" ] && dict="$src/tests/fuzz/$h.dict"
        echo "== $h: ${seconds}s"
        if ! ./tests/fuzz/"$h" -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 \
                -dict="$dict" -artifact_prefix=tests/fuzz/crashes/"$h"- \
                -print_final_stats=1 "$corpus" 2>tests/fuzz/"$h".log; then
                tail -40 tests/fuzz/"$h".log
                echo "FAIL: $h found a problem; the input is in tests/fuzz/crashes/"
                status=1
        else
                grep -E 'stat::number_of_executed_runs|Done' tests/fuzz/"$h".log | tail -2
        fi
done
exit $status
