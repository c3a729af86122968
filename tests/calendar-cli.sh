#!/bin/bash
# SPDX-License-Identifier: MIT
# nudge-calendar: a file and a folder to a hand-over list on stdout, and its exit statuses
# (0 list, 1 source unreadable, 64 usage).
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
cd "$T" || exit 1
CAL=${NUDGE_CALENDAR:-$top_builddir/nudge-calendar}
C=$DATA/calendars
from=1793491200 # 2026-11-01T00:00:00Z
to=1809216000   # 2027-05-01T00:00:00Z
win=(--zone Europe/Berlin --from $from --to $to)

run "$CAL" "${win[@]}" --match therapy "$C/google.ics"
status "a file: exit 0" 0
is "the list starts with its version line" "$(head -1 <<<"$out")" "nudge-calendar 2"
is "20 sessions, no problems, one all-day event left out" "$(tail -1 <<<"$out")" \
        "$(printf 'T\t20\t0\t1\t0')"
like "the moved instance carries its RECURRENCE-ID" "$(handover_sessions <<<"$out")" \
        "$(printf '^S\t1796742000\t1796745000\t1796734800\tEurope/Berlin\t4kq3m2v9s1t8@google.com\tTherapy with Dr. Rivera \\(moved\\)$')"

mkdir invites
cp "$C"/outlook/*.ics invites/
cp "$C/login-page.ics" invites/
printf 'x' >invites/notes.txt
run "$CAL" "${win[@]}" --match therapy invites
status "a folder: exit 0, though one file is not iCalendar" 0
like "that file is a problem, by name" "$out" "$(printf '^P\tlogin-page.ics\tnot iCalendar')"
is "the rest: 10 sessions (update and cancellations applied), one problem" \
        "$(tail -1 <<<"$out")" "$(printf 'T\t10\t1\t0\t0')"

run "$CAL" "${win[@]}" "$C/login-page.ics"
status "a file that is not iCalendar: exit 1" 1
like "it says why" "$err" "not iCalendar"
is "and writes nothing on stdout" "$out" ""

run "$CAL" "${win[@]}" "$T/missing.ics"
status "a missing file: exit 1" 1

head -c $((16 * 1024 * 1024 + 1)) /dev/zero >big.ics
run "$CAL" "${win[@]}" big.ics
status "a file over 16 MiB: exit 1" 1
like "it says so" "$err" "16 MiB"

run "$CAL" --zone Mars/Base --from $from --to $to "$C/google.ics"
status "an unknown zone: exit 64" 64
run "$CAL" --zone Europe/Berlin --from $to --to $from "$C/google.ics"
status "an empty window: exit 64" 64
run "$CAL" "${win[@]}"
status "no source: exit 64" 64

finish
