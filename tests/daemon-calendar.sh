#!/bin/bash
# SPDX-License-Identifier: MIT
# A calendar file's sessions through the real, sandboxed nudged (its unit as built, under a
# private user manager, with dunst): a reminder on time for an event; the event moved in
# the file: the reminder at the new time and none at the old, without a restart; an event
# cancelled: none; the file made garbage: the status names the problem and the last good
# sessions stay; a restart: the sessions come from the saved copy before the reader answers,
# and a file unchanged since it was read is not read again, one changed meanwhile is.
set -uo pipefail
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib/desktop.sh"
. "$top_srcdir/tests/lib/daemon.sh"

tap_plan 24
desktop_start
# The reader: make check exports NUDGE_CALENDAR (the socket unit runs it; nudged starts it
# itself where the socket is not there), and the manager passes NUDGE_* on to the units.
: "${NUDGE_CALENDAR:=$top_builddir/nudge-calendar}"
[ -x "$NUDGE_CALENDAR" ] || desktop_bail "no calendar reader at $NUDGE_CALENDAR: run make first"
desktop_setenv TZ=UTC NUDGE_CALENDAR="$NUDGE_CALENDAR"
desktop_start_notifications
daemon_install_unit
daemon_install_reader

CAL=$HOME/Calendars/personal.ics
mkdir -p "$(dirname "$CAL")"
utc() { date -u -d "@$1" +%Y%m%dT%H%M%SZ; }
# event UID EPOCH SUMMARY [MORE LINES...]: one VEVENT of 1 minute.
event() {
        local uid=$1 at=$2 summary=$3
        shift 3
        printf '%s\n' "BEGIN:VEVENT" "UID:$uid" "DTSTAMP:20261101T000000Z" \
                "DTSTART:$(utc "$at")" "DTEND:$(utc $((at + 60)))" "SUMMARY:$summary" "$@" \
                "END:VEVENT"
}
# calendar EVENTS...: the file, written the way calendar programs do (renamed over it).
calendar() {
        { printf '%s\n' "BEGIN:VCALENDAR" "VERSION:2.0" "PRODID:-//nudge tests//EN"
          printf '%s' "$*"
          printf '%s\n' "END:VCALENDAR"; } | sed 's/$/\r/' >"$CAL.new" && mv -f "$CAL.new" "$CAL"
}

T=$(daemon_minute 45)
LATER=$((T + 7200))
# First session at T; "Moved session" at T+60, to be moved to T+120; "Cancelled session"
# at T+90, to be cancelled; "Later session" two hours on; a dentist appointment that
# `match` leaves out.
calendar "$(event first@test "$T" "First session")
$(event moved@test $((T + 60)) "Moved session")
$(event cancelled@test $((T + 90)) "Cancelled session")
$(event later@test "$LATER" "Later session")
$(event dentist@test $((T + 30)) "Dentist")
"
daemon_schedule "[therapy]
calendar = ~/Calendars/personal.ics
match = session
remind = 0m
"
systemctl --user start "$DAEMON_UNIT" || desktop_bail "nudged did not start: $(daemon_log | tail -n 5)"
tap_check "the calendar's first session is the next one in the status" \
        daemon_status_wait "Next: First session, $(daemon_short "$T")" 10

SAVED=$XDG_STATE_HOME/nudge/calendar-therapy.list
wait_for 10 test -s "$SAVED"
tap_is "nudged saves the calendar's sessions, 0600" "$(stat -c %a "$SAVED" 2>/dev/null)" 600

# ---- the event moved and another cancelled, in the file, while nudged runs -------------
calendar "$(event first@test "$T" "First session")
$(event moved@test $((T + 120)) "Moved session" "SEQUENCE:1")
$(event cancelled@test $((T + 90)) "Cancelled session" "STATUS:CANCELLED")
$(event later@test "$LATER" "Later session")
"
moved_saved() { handover_sessions <"$SAVED" | grep -q "^S	$((T + 120))	"; }
tap_check "the change is read without a restart (and saved)" wait_for 10 moved_saved

daemon_sleep_until "$T"
wait_for 10 test "$(daemon_sent_count '^First session starting now')" -ge 1
late=$("$PYTHON" -c "import sys; print(round(float(sys.argv[1]) - $T, 3))" \
        "$(daemon_call_time '^First session starting now')" 2>/dev/null)
tap_check "the calendar session's reminder comes on time (${late:-?} s after)" \
        "$PYTHON" -c "import sys; sys.exit(not (0 <= float(sys.argv[1]) < 5))" "${late:--1}"
tap_is "... with the event's SUMMARY as its title" "$(daemon_sent_count '^First session')" 1
tap_is "the event match leaves out gets none" "$(daemon_sent_count 'Dentist')" 0

daemon_sleep_until $((T + 100))
tap_is "no reminder at the moved session's old time" "$(daemon_sent_count '^Moved session')" 0
tap_is "none for the cancelled session" "$(daemon_sent_count '^Cancelled session')" 0
wait_for 25 test "$(daemon_sent_count '^Moved session starting now')" -ge 1
late=$("$PYTHON" -c "import sys; print(round(float(sys.argv[1]) - $T - 120, 3))" \
        "$(daemon_call_time '^Moved session starting now')" 2>/dev/null)
tap_check "the moved session's reminder comes at its new time (${late:-?} s after)" \
        "$PYTHON" -c "import sys; sys.exit(not (0 <= float(sys.argv[1]) < 5))" "${late:--1}"

# ---- the file made garbage: the last good sessions stay ----------------------------------
printf '<html><body>Please log in</body></html>\n' >"$CAL.new" && mv -f "$CAL.new" "$CAL"
tap_check "the status names the calendar and its problem" \
        daemon_status_wait "calendar [therapy]: cannot be read: " 10
status=$(daemon_status)
tap_check "... keeps the last good sessions (the next is still there)" \
        test "${status#Next: Later session, $(daemon_short "$LATER")}" != "$status"
like_copy() { [[ $(daemon_status) == *"using the copy of "* ]]; }
tap_check "... and says it uses the copy (\"$status\")" like_copy
tap_check "the log says it once" test "$(daemon_log | grep -c 'Calendar \[therapy\]: cannot be read')" -eq 1

# ---- a reload that leaves the calendar's source, match, zone and duration alone ----------
# The file is still garbage: the sessions can only be those already in force.
daemon_schedule "[therapy]
calendar = ~/Calendars/personal.ics
match = session
remind = 0m
title = Therapy
"
tap_check "a reload that leaves the calendar alone keeps its sessions" \
        daemon_status_wait "Next: Therapy, $(daemon_short "$LATER")" 10
tap_is "... without going back to the saved copy" \
        "$(daemon_log | grep -c 'sessions from the saved copy')" 0

# ---- a restart: the saved copy before the reader answers ----------------------------------
# The file is still garbage: whatever reader answers, the sessions can come only from the
# saved copy. (nudged's unit Wants= the reader's socket, so the restart below starts the
# socket again; whichever reader then answers, the garbage file gives it no session.)
SLOW=$DESKTOP_DIR/slow-reader
printf '#!/bin/sh\nexec sleep 60\n' >"$SLOW" && chmod +x "$SLOW"
systemctl --user set-environment NUDGE_CALENDAR="$SLOW"
# The slow reader, for any read nudged starts itself while the socket is down.
systemctl --user stop nudge-calendar.socket
rm -f "$XDG_RUNTIME_DIR/nudge-calendar.socket"
systemctl --user restart "$DAEMON_UNIT" || desktop_bail "nudged did not restart: $(daemon_log | tail -n 5)"
# READY=1 carries the status; a few seconds leave room for a loaded machine. On failure,
# what nudged logged of the saved copy (a copy refused says why).
saved_in_force() {
        [ "$(daemon_status | cut -d';' -f1)" = "Next: Therapy, $(daemon_short "$LATER")" ]
}
if ! tap_check "after a restart, the saved sessions are in force at once" \
        wait_for 5 saved_in_force; then
        tap_diag "status: $(daemon_status)"
        tap_diag "saved copy: $(ls -l "$SAVED" 2>&1; head -c 300 "$SAVED" 2>&1)"
        tap_diag "log: $(daemon_log | grep -E 'Started|Calendar|saved|not used|Loaded|Stopping' | tail -n 12)"
fi

# ---- a restart with the file unchanged since it was read: it is not read again ----------
# The file made good again while nudged is stopped, and read by the real reader at start,
# a second or more after its last change.
systemctl --user stop "$DAEMON_UNIT"
calendar "$(event later@test "$LATER" "Later session")
$(event fresh@test $((LATER + 300)) "Fresh session")
"
sleep 1.1
systemctl --user set-environment NUDGE_CALENDAR="$NUDGE_CALENDAR"
systemctl --user start "$DAEMON_UNIT" || desktop_bail "nudged did not start: $(daemon_log | tail -n 5)"
# Read, and saved (fresh@test is only in this version of the file): not just started.
good_saved() { grep -q fresh@test "$SAVED"; }
wait_for 30 good_saved || tap_diag "not read and saved in 30 s; status: $(daemon_status)"
# Then the slow reader again: a start that asked it would not have the sessions it gives.
systemctl --user stop "$DAEMON_UNIT"
systemctl --user set-environment NUDGE_CALENDAR="$SLOW"
systemctl --user start "$DAEMON_UNIT" || desktop_bail "nudged did not start: $(daemon_log | tail -n 5)"
unchanged_logged() {
        local log
        log=$(daemon_log)
        grep -q "Calendar \[therapy\]: unchanged since it was last read" <<<"$log"
}
tap_check "a restart with the file unchanged since it was read does not read it again" \
        wait_for 5 unchanged_logged
tap_check "... and its saved sessions are in force" \
        daemon_status_wait "Next: Therapy, $(daemon_short "$LATER")" 5
# Changed while nudged was stopped: read at the start.
systemctl --user stop "$DAEMON_UNIT"
calendar "$(event later@test $((LATER + 600)) "Later session" "SEQUENCE:1")
"
systemctl --user set-environment NUDGE_CALENDAR="$NUDGE_CALENDAR"
systemctl --user start "$DAEMON_UNIT" || desktop_bail "nudged did not start: $(daemon_log | tail -n 5)"
tap_check "a file changed while nudged was stopped is read at the start" \
        daemon_status_wait "Next: Therapy, $(daemon_short $((LATER + 600)))" 20

# ---- a URL that cannot be fetched: nothing listens there --------------------------------
systemctl --user set-environment NUDGE_CALENDAR="$NUDGE_CALENDAR"
systemctl --user start nudge-calendar.socket || desktop_bail "the reader's socket did not start"
daemon_schedule "[therapy]
calendar = ~/Calendars/personal.ics
match = session
remind = 0m

[practice]
calendar = http://127.0.0.1:9/feeds/secret-token.ics
"
# A schedule holding a URL is private to its owner, or refused.
chmod 600 "$XDG_CONFIG_HOME/nudge/schedule.ini"
systemctl --user restart "$DAEMON_UNIT" || desktop_bail "nudged did not restart: $(daemon_log | tail -n 5)"
tap_check "a URL that cannot be fetched: the status names it by section and host" \
        daemon_status_wait "calendar [practice] (127.0.0.1): cannot be fetched: " 60
tap_check "... and the rest stays in force" daemon_status_wait "Next: Later session" 1
# (Read whole first: with pipefail, grep -q leaving early would fail the writer instead.)
no_token() {
        local text
        text=$(daemon_status; daemon_log)
        ! grep -q secret-token <<<"$text"
}
tap_check "its path and token reach neither the status nor the log" no_token
tap_diag "status: $(daemon_status)"

# ---- a URL through the reader's socket unit (the network is the reader's, not nudged's) --
mkdir -p "$DESKTOP_DIR/www"
{ printf '%s\n' "BEGIN:VCALENDAR" "VERSION:2.0" "PRODID:-//nudge tests//EN"
  event feed@test $((LATER + 600)) "Feed session"
  printf '%s\n' "END:VCALENDAR"; } | sed 's/$/\r/' >"$DESKTOP_DIR/www/feed.ics"
python3 -u -m http.server 0 --bind 127.0.0.1 --directory "$DESKTOP_DIR/www" \
        >"$DESKTOP_DIR/http.log" 2>&1 &
srv_pid=$!
wait_for 5 grep -q "port [0-9]" "$DESKTOP_DIR/http.log"
port=$(grep -o "port [0-9]*" "$DESKTOP_DIR/http.log" | grep -o "[0-9]*$")
daemon_schedule "[practice]
calendar = http://127.0.0.1:${port:-1}/feed.ics
"
chmod 600 "$XDG_CONFIG_HOME/nudge/schedule.ini"
systemctl --user restart "$DAEMON_UNIT" || desktop_bail "nudged did not restart: $(daemon_log | tail -n 5)"
feed_saved() { grep -q "feed@test" "$XDG_STATE_HOME/nudge/calendar-practice.list"; }
tap_check "a URL through the reader's socket: fetched, and its sessions saved" wait_for 60 feed_saved
tap_check "... in force: the next session is the feed's" \
        daemon_status_wait "Next: Feed session, $(daemon_short $((LATER + 600)))" 10
tap_diag "status: $(daemon_status)"
kill "$srv_pid"
wait "$srv_pid" 2>/dev/null
desktop_stop
