#!/bin/bash
# SPDX-License-Identifier: MIT
# `nudge check` and `nudge list` on good schedules: the summary, the table, the JSON lines
# of the contract (exactly), ordering, the --from forms and the range boundaries.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
cd "$T" || exit 1

# schedule NAME TEXT: a private schedule file.
schedule() {
        printf '%s' "$2" >"$1"
        chmod 600 "$1"
}

# Every stdout line is a JSON object with exactly the contract's keys, in order.
json_lines_ok() {
        python3 -c '
import json, sys
keys = ["id", "title", "start", "end", "reminders"]
n = 0
for line in sys.stdin.read().split("\n"):
    if line == "":
        continue
    o = json.loads(line)
    assert isinstance(o, dict), line
    assert list(o.keys()) == keys, line
    assert all(isinstance(o[k], str) for k in keys[:4]), line
    assert all(isinstance(r, str) for r in o["reminders"]), line
    assert o["reminders"] == sorted(o["reminders"], key=lambda r: __import__("datetime").datetime.fromisoformat(r)), line
    n += 1
print(n)
'
}

# ---- the example schedule ----------------------------------------------------------------------
cp "$top_srcdir/conf/schedule.ini.example" example.ini
chmod 600 example.ini
run "$NUDGE" check --config example.ini
status "check conf/schedule.ini.example: exit 0" 0
is "check: nothing on stderr" "$err" ""
is "check: the summary" "$out" "example.ini: no problems, 4 session series.
Next session:  Mon 2026-11-30 15:30 CET (in 5 days 6h), Couples session
Next reminder: Sun 2026-11-29 15:30 CET (in 4 days 6h), for Couples session"
# The example as shipped, where the checkout leaves it readable by others only.
if [ -z "$(find "$top_srcdir/conf/schedule.ini.example" -perm /022)" ]; then
        run "$NUDGE" check --config "$top_srcdir/conf/schedule.ini.example"
        status "check on the shipped example in place: exit 0" 0
else
        skip "check on the shipped example in place" "the checkout made it writable by others"
fi

run "$NUDGE" list --config example.ini --json --days 60
status "list --json on the example: exit 0" 0
is "list --json: nothing on stderr" "$err" ""
if n=$(printf '%s\n' "$out" | json_lines_ok 2>"$T/py.err"); then
        ok "list --json: every line is a JSON object with the contract's keys ($n lines)"
else
        not_ok "list --json: every line is a JSON object with the contract's keys" \
                "$(cat "$T/py.err")"
fi
is "list --json: one line per session, nothing else" "$(printf '%s\n' "$out" | grep -vc '^{')" 0
like "list --json: the couples sessions in New York time" "$out" \
        '"id":"couples","title":"Couples session","start":"2026-11-30T09:30:00-05:00"'
like "list --json: a quoted title with ';' read literally" "$out" \
        '"title":"Peer support group; evening"'
unlike "list --json: the skipped date is not listed" "$out" '"start":"2026-12-29T14:00'

run "$NUDGE" list --config example.ini --days 3660 --json
status "list --days 3660: exit 0" 0
if n=$(printf '%s\n' "$out" | json_lines_ok 2>"$T/py.err"); then
        ok "list --days 3660: valid JSON lines ($n)"
else
        not_ok "list --days 3660: valid JSON lines" "$(cat "$T/py.err")"
fi
# couples ends 2027-06-30; therapy weekly; group monthly; intake twice: ten years of it.
if [ "$n" -gt 600 ] && [ "$n" -lt 700 ]; then
        ok "list --days 3660: about ten years of sessions ($n)"
else
        not_ok "list --days 3660: about ten years of sessions" "$n lines"
fi

# ---- the contract's example, exactly ------------------------------------------------------------
schedule contract.ini '[therapy]
title    = Therapy with Dr. Rivera
weekly   = Tue 14:00
remind   = 1d, 2h          # overrides [defaults]
timezone = Europe/Berlin
'
run "$NUDGE" list --config contract.ini --from 2026-12-01T00:00:00+01:00 --days 1 --json
status "the contract's example: exit 0" 0
is "the contract's example JSON line, exactly" "$out" \
        '{"id":"therapy","title":"Therapy with Dr. Rivera","start":"2026-12-01T14:00:00+01:00","end":"2026-12-01T14:50:00+01:00","reminders":["2026-11-30T14:00:00+01:00","2026-12-01T12:00:00+01:00"]}'
# Reminders before --from are listed all the same.
run "$NUDGE" list --config contract.ini --from 2026-12-01T13:00:00+01:00 --days 1 --json
like "reminders before --from are listed too" "$out" \
        '"reminders":\["2026-11-30T14:00:00\+01:00","2026-12-01T12:00:00\+01:00"\]'

# ---- --from: every form, the same instant -----------------------------------------------------
# 2026-12-01 00:00 in Berlin (TZ) is 2026-11-30T23:00:00Z.
want=$("$NUDGE" list --config contract.ini --from 2026-11-30T23:00:00Z --days 8 --json)
is "--from with Z: two sessions" "$(printf '%s\n' "$want" | wc -l)" 2
for from in 2026-12-01T00:00:00+01:00 2026-11-30T18:00:00-05:00 2026-12-01T05:45:00+05:45 \
        2026-11-30t23:00:00z 2026-11-30T23:00:00.000Z 2026-12-01 "2026-12-01 00:00"; do
        run "$NUDGE" list --config contract.ini --from "$from" --days 8 --json
        status "--from '$from': exit 0" 0
        is "--from '$from': the same listing" "$out" "$want"
done
# Local forms follow TZ.
run env TZ=America/New_York "$NUDGE" list --config contract.ini --from "2026-11-30 18:00" \
        --days 8 --json
is "--from local time follows TZ" "$out" "$want"

# Boundaries: a session at --from is in, one at --from + days is out.
run "$NUDGE" list --config contract.ini --from 2026-12-01T14:00:00+01:00 --days 7 --json
is "a session at --from is listed; one at --from + 7 days is not" \
        "$(printf '%s\n' "$out" | grep -o '"start":"[^"]*"')" '"start":"2026-12-01T14:00:00+01:00"'
run "$NUDGE" list --config contract.ini --from 2026-12-01T14:00:01+01:00 --days 7 --json
is "a second later: only the next week's" \
        "$(printf '%s\n' "$out" | grep -o '"start":"[^"]*"')" '"start":"2026-12-08T14:00:00+01:00"'

# Without --from: now (NUDGE_NOW), and 7 days.
run "$NUDGE" list --config contract.ini --json
is "default --from is now, --days 7" "$(printf '%s\n' "$out" | grep -o '"start":"[^"]*"')" \
        '"start":"2026-12-01T14:00:00+01:00"'

# ---- ordering: by start, then id -------------------------------------------------------------------
schedule order.ini '[zulu]
weekly = Tue 14:00
[Alpha]
weekly = Tue 14:00
[mike]
weekly = Tue 13:00
timezone = Europe/London
[early]
once = 2026-12-01 08:00
'
run "$NUDGE" list --config order.ini --from 2026-12-01 --days 1 --json
is "JSON ordered by start, then id" "$(printf '%s\n' "$out" | grep -o '"id":"[^"]*"' | tr '\n' ' ')" \
        '"id":"early" "id":"alpha" "id":"mike" "id":"zulu" '
like "the title defaults to the section name as written" "$out" '"id":"alpha","title":"Alpha"'
run "$NUDGE" list --config order.ini --from 2026-12-01 --days 1
status "table: exit 0" 0
is "table: ordered by start, then id" \
        "$(printf '%s\n' "$out" | awk 'NR > 1 && NF > 3 { for (i = 1; i <= NF; i++) if ($i ~ /^(early|alpha|mike|zulu)$/) { printf "%s ", $i; break } }')" \
        "early alpha mike zulu "

# ---- the table ------------------------------------------------------------------------------------
run "$NUDGE" list --config contract.ini --from 2026-11-25 --days 14
status "table on the contract's example: exit 0" 0
is "table: nothing on stderr" "$err" ""
like "table: a header" "$(printf '%s\n' "$out" | head -n 1)" "^WHEN +LEFT +ID +TITLE +NEXT REMINDER$"
like "table: the first session, when, how long from now, its id and title" "$out" \
        "^Tue 2026-12-01 14:00 CET +6 days 5h +therapy +Therapy with Dr. Rivera +"
like "table: its next reminder, in local time" "$out" \
        "Therapy with Dr. Rivera +Mon 2026-11-30 14:00 CET \(in 5 days 5h\)$"
like "table: the second session" "$out" "^Tue 2026-12-08 14:00 CET +13 days 5h +therapy "
is "table: two session rows" "$(printf '%s\n' "$out" | grep -c '^Tue ')" 2
like "table: a closing count" "$out" "^2 sessions from "
# Columns line up: each row's title starts where the header's TITLE does.
col=$(printf '%s\n' "$out" | head -n 1 | awk '{ print index($0, "TITLE") }')
rows=$(printf '%s\n' "$out" | grep '^Tue ' | awk -v c="$col" '{ print substr($0, c, 7) }' | sort -u)
is "table: the columns line up" "$rows" "Therapy"
# Sessions already begun are not listed; with --from in the past they are, as "ago".
run "$NUDGE" list --config contract.ini --from 2026-11-17 --days 7
like "table: a session before now says ago" "$out" "^Tue 2026-11-17 14:00 CET +7 days 19h ago +therapy"

# Another zone for the person than for the session: the table shows the person's time.
schedule ny.ini '[ny]
weekly = Mon 09:30
timezone = America/New_York
'
run "$NUDGE" list --config ny.ini --from 2026-11-30 --days 1
like "table: a New York session in the person's (Berlin) time" "$out" "^Mon 2026-11-30 15:30 CET "
run "$NUDGE" list --config ny.ini --from 2026-11-30 --days 1 --json
like "JSON: in the session's own zone" "$out" '"start":"2026-11-30T09:30:00-05:00"'

# An empty schedule: no JSON at all, and a table that says so.
schedule empty.ini '# nothing yet
'
run "$NUDGE" list --config empty.ini --json
status "empty schedule --json: exit 0" 0
is "empty schedule --json: no output" "$out" ""
run "$NUDGE" list --config empty.ini
status "empty schedule table: exit 0" 0
like "empty schedule table: 0 sessions" "$out" "^0 sessions from "
run "$NUDGE" check --config empty.ini
status "check on an empty schedule: exit 0" 0
like "check on an empty schedule: none to come" "$out" "none to come"

# ---- JSON strings --------------------------------------------------------------------------------
printf '[s]\ntitle = %s\nonce = 2026-12-01 10:00\n[u]\ntitle = %s\nonce = 2026-12-01 11:00\n[t]\ntitle = %s\nonce = 2026-12-01 12:00\n' \
        "'Say \"hi\" \\ back'" "Café ☕ – ünïcödé" "$(printf 'tab\tinside')" >strings.ini
chmod 600 strings.ini
run "$NUDGE" list --config strings.ini --from 2026-12-01 --days 1 --json
status "titles with quotes, backslashes, tabs, non-ASCII: exit 0" 0
titles=$(printf '%s\n' "$out" | python3 -c '
import json, sys
for line in sys.stdin:
    print(json.loads(line)["title"])
' 2>&1)
is "JSON titles decode to the text written" "$titles" "$(printf 'Say "hi" \\ back\nCafé ☕ – ünïcödé\ntab\tinside')"

# ---- DST in listings -------------------------------------------------------------------------------
schedule dst.ini '[early]
weekly = Sun 02:30
remind = 1d, 24h
'
run "$NUDGE" list --config dst.ini --from 2026-03-28 --days 2 --json
is "spring forward: 02:30 becomes 03:30+02:00; 1d (02:30 the day before) is then 24h" "$out" \
        '{"id":"early","title":"early","start":"2026-03-29T03:30:00+02:00","end":"2026-03-29T04:20:00+02:00","reminders":["2026-03-28T02:30:00+01:00"]}'
run "$NUDGE" list --config dst.ini --from 2026-10-24 --days 2 --json
is "fall back: 02:30 is the first one, +02:00; it ends 50 min later, at 02:20+01:00" "$out" \
        '{"id":"early","title":"early","start":"2026-10-25T02:30:00+02:00","end":"2026-10-25T02:20:00+01:00","reminders":["2026-10-24T02:30:00+02:00"]}'

# privacy does not change list.
schedule private.ini '[p]
title = Private matters
weekly = Tue 14:00
privacy = on
'
run "$NUDGE" list --config private.ini --from 2026-12-01 --days 1 --json
like "privacy does not hide the title from list" "$out" '"title":"Private matters"'

# ---- checkin ------------------------------------------------------------------------------------
# "checkin" after "reminders", in the session's zone (here across midnight and into summer time's
# end); absent when off.
schedule checkin.ini '[defaults]
checkin = 30m
timezone = Europe/Berlin
[late]
once = 2026-10-24 23:00, 2026-10-25 01:30
duration = 1h
remind = 1h
[plain]
once = 2026-10-25 12:00
remind = 1h
checkin = off
'
run "$NUDGE" list --config checkin.ini --from 2026-10-24 --days 2 --json
status "checkin: list --json exit 0" 0
is "checkin: after reminders, with the zone's offset at that instant; absent when off" "$out" \
        '{"id":"late","title":"late","start":"2026-10-24T23:00:00+02:00","end":"2026-10-25T00:00:00+02:00","reminders":["2026-10-24T22:00:00+02:00"],"checkin":"2026-10-25T00:30:00+02:00"}
{"id":"late","title":"late","start":"2026-10-25T01:30:00+02:00","end":"2026-10-25T02:30:00+02:00","reminders":["2026-10-25T00:30:00+02:00"],"checkin":"2026-10-25T02:00:00+01:00"}
{"id":"plain","title":"plain","start":"2026-10-25T12:00:00+01:00","end":"2026-10-25T12:50:00+01:00","reminders":["2026-10-25T11:00:00+01:00"]}'
NUDGE_NOW=2026-10-25T00:10:00+02:00 TZ=Europe/Berlin run "$NUDGE" check --config checkin.ini
like "checkin: check names the next check-in, of a session already under way" "$out" \
        "^Next check-in: Sun 2026-10-25 00:30 CEST \(in 20min\), after late$"
NUDGE_NOW=2026-10-25T00:10:00+02:00 TZ=Europe/Berlin run "$NUDGE" check --config contract.ini
unlike "checkin: check says nothing of check-ins when there are none" "$out" "check-in"

# ---- a file without sessions ---------------------------------------------------------------------
schedule nosessions.ini '[defaults]
remind = 1d
'
run "$NUDGE" check --config nosessions.ini
status "no sessions: check exit 0" 0
like "no sessions: check shows how to add the first one" "$out" "^  weekly = Tue 14:00$"

finish
