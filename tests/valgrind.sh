#!/bin/bash
# SPDX-License-Identifier: MIT
# nudge check and nudge list under valgrind's memcheck, on good and bad files: no invalid
# access, no leak. (The daemon's start/remind/reload/stop cycle: tests/daemon-valgrind.sh.)
set -u
: "${top_srcdir:?}" "${NUDGE:?}"
supp="$top_srcdir/tests/valgrind.supp"
if ! command -v valgrind >/dev/null; then
        [ "${CI:-}" = true ] && { echo "Bail out! valgrind is missing"; exit 1; }
        echo "1..0 # SKIP valgrind is not installed"; exit 0
fi
if nm -an "$NUDGE" 2>/dev/null | grep -q __asan_init; then
        echo "1..0 # SKIP built with AddressSanitizer, which covers this and excludes valgrind"
        exit 0
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/nudge-vg.XXXXXX")
trap 'rm -rf "$work"' EXIT
export TZ=Europe/Berlin NUDGE_NOW=2026-11-25T10:00:00+01:00
printf '[therapy]\ntitel = x\nweekly = Tus 25:00\n[a:b]\njunk\n[c]\nonce = 2026-02-30 10:00\n' >"$work/bad.ini"
printf '[x]\n\001\002\377\376 = \000\n' >"$work/binary.ini"

n=0
check() { # name expected-status command...
        local name=$1 want=$2; shift 2
        n=$((n + 1))
        valgrind -q --leak-check=full --show-leak-kinds=definite,indirect,possible \
                --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99 \
                --suppressions="$supp" "$@" >"$work/out" 2>"$work/err"
        local got=$?
        if [ "$got" = "$want" ]; then
                echo "ok $n - $name"
        else
                echo "not ok $n - $name (exit $got, expected $want)"
                sed 's/^/# /' "$work/err" | head -40
        fi
}
bad=("$top_srcdir"/tests/data/bad-*.ini)
echo "1..$((7 + ${#bad[@]}))"
check "check, example schedule" 0 "$NUDGE" check --config "$top_srcdir/conf/schedule.ini.example"
check "list --json, example schedule" 0 "$NUDGE" list --json --days 60 --config "$top_srcdir/conf/schedule.ini.example"
check "list table, example schedule" 0 "$NUDGE" list --days 60 --config "$top_srcdir/conf/schedule.ini.example"
check "check, a file with many problems" 78 "$NUDGE" check --config "$work/bad.ini"
check "list, binary junk" 78 "$NUDGE" list --config "$work/binary.ini"
check "check, a missing file" 78 "$NUDGE" check --config "$work/missing.ini"
check "list, bad arguments" 64 "$NUDGE" list --days 0 --config "$top_srcdir/conf/schedule.ini.example"
# Every error path the fixtures reach: a leak on one of them shows here.
for f in "${bad[@]}"; do
        check "check, $(basename "$f")" 78 "$NUDGE" check --config "$f"
done
