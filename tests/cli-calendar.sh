#!/bin/bash
# SPDX-License-Identifier: MIT
# nudge list, list --json, check and note with calendar sections: files, a folder of
# invitations with a cancellation, a broken calendar beside a good weekly section, and
# nudged's saved copy of a URL calendar (used without the network).
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
cd "$T" || exit 1
# The command starts the reader itself (no user manager's socket here).
export NUDGE_CALENDAR=${NUDGE_CALENDAR:-$top_builddir/nudge-calendar}
unset XDG_RUNTIME_DIR DBUS_SESSION_BUS_ADDRESS
if [ ! -x "$NUDGE_CALENDAR" ]; then
        echo "1..0 # SKIP no nudge-calendar at $NUDGE_CALENDAR"
        exit 0
fi
C=$DATA/calendars

# write NAME TEXT: a schedule file, private to its owner.
write() {
        printf '%s' "$2" >"$1" && chmod 600 "$1"
}
# A calendar with CRLF line ends, as calendar programs write them.
ics() {
        printf '%s\n' "BEGIN:VCALENDAR" "VERSION:2.0" "PRODID:-//nudge tests//EN" "$@" \
                "END:VCALENDAR" | sed 's/$/\r/'
}

# ---- a calendar file: title from SUMMARY, the event's zone, the uid ----------------------
mkdir cal
ics "BEGIN:VEVENT" "UID:weekly-ny@example.org" "DTSTAMP:20261101T000000Z" \
        "DTSTART;TZID=America/New_York:20261126T100000" "DURATION:PT50M" \
        "RRULE:FREQ=WEEKLY;COUNT=4" "SUMMARY:Therapy with Dr. Rivera" "END:VEVENT" \
        "BEGIN:VEVENT" "UID:dentist@example.org" "DTSTAMP:20261101T000000Z" \
        "DTSTART:20261127T080000Z" "DTEND:20261127T090000Z" "SUMMARY:Dentist" "END:VEVENT" \
        "BEGIN:VEVENT" "UID:allday@example.org" "DTSTAMP:20261101T000000Z" \
        "DTSTART;VALUE=DATE:20261128" "SUMMARY:Therapy retreat" "END:VEVENT" \
        "BEGIN:VEVENT" "UID:badrule@example.org" "DTSTAMP:20261101T000000Z" \
        "DTSTART:20261129T080000Z" "RRULE:FREQ=FORTNIGHTLY" "SUMMARY:Therapy odd rule" \
        "END:VEVENT" >cal/personal.ics
write file.ini "[therapy]
calendar = $T/cal/personal.ics
match = therapy
remind = 1h

[group]
title = Group
weekly = Wed 18:00
"
run "$NUDGE" list --config file.ini --days 14
status "list with a calendar file: exit 0" 0
like "its session is listed with the event's SUMMARY" "$out" \
        "Thu 2026-11-26 16:00 CET .* therapy +Therapy with Dr. Rivera"
like "... beside the weekly section" "$out" "group +Group"
unlike "an event that does not match is not a session" "$out" "Dentist"
unlike "... nor an all-day event" "$out" "retreat"
like "two weekly sessions in 14 days, and two of the group" "$out" "^4 sessions from"

run "$NUDGE" list --config file.ini --days 14 --json
status "list --json: exit 0" 0
first=$(grep '"therapy"' <<<"$out" | head -1)
like "a calendar session has its uid" "$first" '"uid":"weekly-ny@example.org"'
like "... its SUMMARY as its title" "$first" '"title":"Therapy with Dr. Rivera"'
like "... and its times in the event's zone (New York, -05:00)" "$first" \
        '"start":"2026-11-26T10:00:00-05:00","end":"2026-11-26T10:50:00-05:00"'
like "... and its reminder an hour before, in that zone too" "$first" \
        '"reminders":\["2026-11-26T09:00:00-05:00"\]'
unlike "the weekly section's sessions have no uid" "$(grep '"group"' <<<"$out")" '"uid"'

run "$NUDGE" check --config file.ini
status "check: exit 0 when only some events are left out" 0
like "check says how many sessions the calendar has and the next" "$out" \
        "calendar \[therapy\]: 4 sessions, next Thu 2026-11-26 16:00 CET, Therapy with Dr. Rivera"
like "... names the event left out and why" "$out" 'left out: "Therapy odd rule"'
like "... and counts the all-day event skipped" "$out" "1 all-day event skipped"
like "... and keeps its summary of the schedule" "$out" "file.ini: no problems, 2 session series"

# ---- a folder of invitations: an update and a cancellation -------------------------------
mkdir invites
ics "METHOD:REQUEST" "BEGIN:VEVENT" "UID:series@clinic.example" "SEQUENCE:0" \
        "DTSTAMP:20261101T000000Z" "DTSTART;TZID=Europe/Berlin:20261126T140000" \
        "DTEND;TZID=Europe/Berlin:20261126T145000" "RRULE:FREQ=WEEKLY;COUNT=3" \
        "SUMMARY:Session with Dr. Rivera" "END:VEVENT" >invites/01-request.ics
ics "METHOD:CANCEL" "BEGIN:VEVENT" "UID:series@clinic.example" "SEQUENCE:1" \
        "DTSTAMP:20261102T000000Z" "RECURRENCE-ID;TZID=Europe/Berlin:20261203T140000" \
        "DTSTART;TZID=Europe/Berlin:20261203T140000" "STATUS:CANCELLED" \
        "SUMMARY:Session with Dr. Rivera" "END:VEVENT" >invites/02-cancel.ics
write folder.ini "[rivera]
calendar = $T/invites
"
run "$NUDGE" list --config folder.ini --days 21 --json
status "a folder of invitations: exit 0" 0
is "the cancelled instance is left out: two sessions of three" "$(grep -c '"rivera"' <<<"$out")" 2
unlike "... the one of Dec 3" "$out" '"start":"2026-12-03'
like "... the others stay" "$out" '"start":"2026-12-10T14:00:00\+01:00"'

run "$NUDGE" note --config folder.ini --path
status "note --path with a calendar section: exit 0" 0
like "the next session is the calendar's, on its date" "$out" "/2026-11-26-rivera\.md$"
run "$NUDGE" note --config folder.ini "Bring the list"
status "note adds a line to the calendar session's notes" 0
like "... with the event's SUMMARY in the new file" \
        "$(cat "$XDG_DATA_HOME/nudge/notes/2026-11-26-rivera.md" 2>/dev/null)" "Session with Dr. Rivera"

# ---- a broken calendar beside a good weekly section --------------------------------------
cp "$C/login-page.ics" broken.ics
write broken.ini "[weekly]
title = Weekly therapy
weekly = Thu 10:00

[practice]
calendar = $T/broken.ics
"
run "$NUDGE" list --config broken.ini --days 7
status "list with a broken calendar: exit 0" 0
like "the weekly section is still listed" "$out" "weekly +Weekly therapy"
like "the broken calendar is named on stderr, with why" "$err" \
        "nudge list: calendar \[practice\]: cannot be read: .*not iCalendar"
run "$NUDGE" check --config broken.ini
status "check with a broken calendar: exit 1" 1
like "check says which calendar and why" "$out" "calendar \[practice\]: cannot be read: .*not iCalendar"
like "... and still shows the next session of the rest" "$out" "Next session: .*Weekly therapy"
write missing.ini "[practice]
calendar = $T/nowhere.ics
"
run "$NUDGE" check --config missing.ini
status "check with a missing calendar file: exit 1" 1
like "... saying so" "$out" "calendar \[practice\]: cannot be read: "

# ---- a URL on this machine: check fetches it; list then uses the reader's copy ---------
mkdir srv
cp "$C/google.ics" srv/feed.ics
python3 -u -m http.server 0 --bind 127.0.0.1 --directory srv >http.log 2>&1 &
srv_pid=$!
for _ in $(seq 50); do grep -q "port [0-9]" http.log && break; sleep 0.1; done
port=$(grep -o "port [0-9]*" http.log | grep -o "[0-9]*$")
write web.ini "[practice]
calendar = http://127.0.0.1:${port:-1}/feed.ics
match = therapy
"
run "$NUDGE" check --config web.ini
status "check fetches a URL calendar: exit 0" 0
like "... and says what it found there, naming it by host" "$out" \
        "calendar \[practice\] \(127.0.0.1\): 55 sessions, next Tue 2026-12-01 14:00 CET"
rm -f "$XDG_STATE_HOME/nudge/calendar-practice.list"
run "$NUDGE" list --config web.ini --days 14
like "list fetches it too" "$out" "practice +Therapy with Dr. Rivera \(moved\)"
[ ! -e "$XDG_STATE_HOME/nudge/calendar-practice.list" ] &&
        ok "... and keeps no copy of a URL's sessions as nudged's (its last good one is nudged's)" ||
        not_ok "... the command kept a URL's sessions as nudged's copy"
kill "$srv_pid"
wait "$srv_pid" 2>/dev/null
run "$NUDGE" list --config web.ini --days 14
status "list with the server gone: exit 0" 0
like "... its sessions from the copy the reader kept" "$out" "practice +Therapy with Dr. Rivera \(moved\)"
run "$NUDGE" check --config web.ini
status "check with the server gone: exit 1" 1
like "... saying the fetch failed and the copy is used" "$out" \
        "cannot be fetched: .*these sessions are from the copy kept"

# ---- a URL: nudged's saved copy is used, without the network -----------------------------
write url.ini "[practice]
calendar = https://booking.example.invalid/feeds/secret-token.ics
"
mkdir -p "$XDG_STATE_HOME/nudge" && chmod 700 "$XDG_STATE_HOME/nudge"
run "$NUDGE" list --config url.ini --days 7
like "a URL with no saved copy and no network: named by section and host only" "$err" \
        "calendar \[practice\] \(booking.example.invalid\)"

# nudged's copy (calsaved.h): its digest covers source, zone, duration (50 min by
# default) and match, each ended by a NUL.
digest=$(printf 'source\0%s\0zone\0%s\0duration\0%s\0' \
        https://booking.example.invalid/feeds/secret-token.ics Europe/Berlin 3000 |
        sha256sum | cut -d' ' -f1)
saved=$XDG_STATE_HOME/nudge/calendar-practice.list
# saved FROM TO DIGEST: a copy with one session, Fri 2026-11-27 12:00 UTC, in Tokyo.
saved() {
        printf 'nudge-calendar-saved 1\t%s\t%s\t1795000000\t%s\n' "$1" "$2" "$3"
        printf 'nudge-calendar 1\n'
        printf 'S\t1795780800\t1795783800\t-\tAsia/Tokyo\tfeed-1@booking\tBooked session\n'
        printf 'T\t1\t0\t0\t0\n'
}
saved 1792000000 1830000000 "$digest" >"$saved" && chmod 600 "$saved"
run "$NUDGE" list --config url.ini --days 7 --json
status "a URL with nudged's saved copy: exit 0" 0
like "its session comes from the copy, with no fetch" "$out" '"uid":"feed-1@booking"'
like "... in the event's zone" "$out" '"start":"2026-11-27T21:00:00\+09:00"'
is "... and nothing on stderr" "$err" ""
saved 1792000000 1830000000 "$(printf '%064d' 0)" >"$saved"
run "$NUDGE" list --config url.ini --days 7 --json
unlike "a copy for another digest is not used" "$out" "feed-1@booking"
saved 1796000000 1796300000 "$digest" >"$saved"
run "$NUDGE" list --config url.ini --days 7 --json
unlike "... nor one that does not cover the window" "$out" "feed-1@booking"
unlike "the URL's path and token reach no output" "$(cat "$T/.all")" "secret-token"

# ---- a file: nudged's saved copy stands for it while the file has not changed since ------
mkdir savedcal
ics "BEGIN:VEVENT" "UID:in-the-file@example.org" "DTSTAMP:20261101T000000Z" \
        "DTSTART:20261127T120000Z" "DURATION:PT50M" "SUMMARY:Session in the file" \
        "END:VEVENT" >savedcal/cal.ics
write savedfile.ini "[practice]
calendar = $T/savedcal/cal.ics
"
fdigest=$(printf 'source\0%s\0zone\0%s\0duration\0%s\0' "$T/savedcal/cal.ics" \
        Europe/Berlin 3000 | sha256sum | cut -d' ' -f1)
# A copy read a second after the file's last change (by the real clock: change times are
# the file system's), holding another session than the file, so that its use shows.
sleep 1.1
saved_file() {
        printf 'nudge-calendar-saved 1\t1792000000\t1830000000\t%s\t%s\n' "$1" "$fdigest"
        printf 'nudge-calendar 1\n'
        printf 'S\t1795780800\t1795783800\t-\tUTC\tfrom-the-copy@example.org\tCopied\n'
        printf 'T\t1\t0\t0\t0\n'
}
saved_file "$(date +%s)" >"$saved" && chmod 600 "$saved"
run "$NUDGE" list --config savedfile.ini --days 7 --json
like "a file not changed since nudged read it: its saved copy is used" "$out" \
        '"uid":"from-the-copy@example.org"'
saved_file 1 >"$saved"
run "$NUDGE" list --config savedfile.ini --days 7 --json
like "a copy read before the file's last change is not used: the file is read" "$out" \
        '"uid":"in-the-file@example.org"'
saved_file "$(date +%s)" >"$saved"
printf '\r\n' >>savedcal/cal.ics
run "$NUDGE" list --config savedfile.ini --days 7 --json
like "... nor once the file changed after it (in the same second too)" "$out" \
        '"uid":"in-the-file@example.org"'
touch -d 2020-01-01 savedcal/cal.ics
cp -p savedcal/cal.ics savedcal/new.ics
sleep 1.1
saved_file "$(date +%s)" >"$saved"
mv savedcal/new.ics savedcal/cal.ics
run "$NUDGE" list --config savedfile.ini --days 7 --json
like "... nor after a file with an old modification time was put in its place" "$out" \
        '"uid":"in-the-file@example.org"'

# ---- a file read afresh: kept as nudged's copy, for the next list and nudged's start ------
rm -f "$saved"
sleep 1.1 # a copy dated in the second of the file's last change is not current
run "$NUDGE" list --config savedfile.ini --days 7 --json
like "a file with no copy is read" "$out" '"uid":"in-the-file@example.org"'
is "... and its sessions are kept as nudged's copy, 0600" "$(stat -c %a "$saved" 2>&1)" 600
like "... for nudged's whole window, with this calendar's digest" "$(head -n1 "$saved")" \
        "^nudge-calendar-saved 1	[0-9]+	[0-9]+	[0-9]+	$fdigest\$"
NUDGE_CALENDAR=$T/no-such-reader run "$NUDGE" list --config savedfile.ini --days 7 --json
like "the next list needs no reader: it uses that copy" "$out" '"uid":"in-the-file@example.org"'
is "... and says nothing on stderr" "$err" ""
run "$NUDGE" list --config savedfile.ini --days 7 --json --from 2040-01-01T00:00:00Z
status "a window beyond nudged's is read on its own" 0
is "... (it holds no session)" "$out" ""
like "... and leaves the copy as it was" "$(tail -n +2 "$saved")" "in-the-file@example.org"
# The same section name in another schedule, for a URL: its copy is not replaced.
saved 1792000000 1830000000 "$digest" >"$saved"
run "$NUDGE" list --config savedfile.ini --days 7 --json
like "a copy for another calendar of that name is not used" "$out" '"uid":"in-the-file@example.org"'
like "... nor replaced by the command" "$(cat "$saved")" "feed-1@booking"
finish
