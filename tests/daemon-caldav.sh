#!/bin/bash
# SPDX-License-Identifier: MIT
# A CalDAV calendar (a real Radicale, tests/lib/radicale.sh) through the real, sandboxed
# nudged (its unit as built, under a private user manager, with dunst) and the reader's
# socket unit, the password in a real Secret Service (gnome-keyring, tests/lib/keyring.sh)
# on the bus nudged uses: before the password, the status says to run `nudge password`;
# with it, the reminder on time; an event moved on the server: the reminder at the new
# time and none at the old; one deleted and one cancelled: none; the server stopped: the
# reminders still come from the saved copy and the status says the calendar cannot be
# fetched; another user's calendar (403): a refusal in the status; and the password in no
# log, status or file of nudge's.
#
# How nudged is made to fetch again: `refresh` is at least 5m. After `nudge password`,
# nudge asks the running nudged to reload, and a reload asks a calendar that failed (the
# 401) again at once: that fetch is the product's own. A calendar that did not fail is
# kept as it is by a reload (daemon/service/calendars.c, adopt_series: the same digest);
# what fetches it at once is a start (cal_start: the saved copy, then afresh). So for the
# server's later changes this test restarts the unit (`systemctl --user restart nudged`):
# fetch_again below.
set -uo pipefail
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib/desktop.sh"
. "$top_srcdir/tests/lib/daemon.sh"
. "$top_srcdir/tests/lib/keyring.sh"
. "$top_srcdir/tests/lib/radicale.sh"
keyring_require
radicale_require

tap_plan 26
# Every file the test makes is its owner's alone: the schedule holds a URL (0600, or
# nudged refuses it), and is never readable by others even for a moment.
umask 077
desktop_start
: "${NUDGE:=$top_builddir/nudge}"
: "${NUDGE_CALENDAR:=$top_builddir/nudge-calendar}"
[ -x "$NUDGE_CALENDAR" ] || desktop_bail "no calendar reader at $NUDGE_CALENDAR: run make first"
[ -x "$NUDGE" ] || desktop_bail "no nudge at $NUDGE: run make first"
desktop_setenv TZ=UTC NUDGE_CALENDAR="$NUDGE_CALENDAR"
desktop_start_notifications
daemon_install_unit
daemon_install_reader

# The keyring and the server: their files in the test's folder but outside its HOME (the
# keyring's own files go to $XDG_DATA_HOME/keyrings). The Secret Service goes on the
# private manager's bus, where nudged looks (desktop_start exported its address), not on
# a bus of keyring.sh's own (keyring_bus_start is not called). Both are started without
# the desktop lock's descriptor, and marked like what desktop.sh starts, so that a killed
# test leaves neither holding the lock nor unreaped; radicale_start sets an EXIT trap of
# its own: desktop.sh's comes back, and it stops both.
T=$DESKTOP_DIR
export NUDGE_TEST_DESKTOP_ID=$DESKTOP_DIR
desktop_trap=$(trap -p EXIT)
keyring_start {desktop__lock_fd}>&-
radicale_start {desktop__lock_fd}>&-
eval "$desktop_trap"
desktop_atexit radicale_stop
desktop_atexit keyring_stop
[ "$DBUS_SESSION_BUS_ADDRESS" = "unix:path=$XDG_RUNTIME_DIR/bus" ] ||
        desktop_bail "the keyring is not on the manager's bus: $DBUS_SESSION_BUS_ADDRESS"
port=${RADICALE_URL##*:}
url=http://sam@127.0.0.1:$port/sam/therapy/
url_bob=http://sam@127.0.0.1:$port/bob/private/
PW=$RADICALE_PW_SAM

utc() { date -u -d "@$1" +%Y%m%dT%H%M%SZ; }
# put UID EPOCH SUMMARY [MORE LINES...]: a VCALENDAR with one event of 1 minute, into
# sam's calendar on the server.
put() {
        local uid=$1 at=$2 summary=$3
        shift 3
        radicale_put "$uid" "$(printf '%s\r\n' BEGIN:VCALENDAR VERSION:2.0 \
                "PRODID:-//nudge tests//EN" BEGIN:VEVENT "UID:$uid" DTSTAMP:20261101T000000Z \
                "DTSTART:$(utc "$at")" "DTEND:$(utc $((at + 60)))" "SUMMARY:$summary" "$@" \
                END:VEVENT END:VCALENDAR)"
}
therapy_only="[therapy]
calendar = $url
match = session
remind = 1m
refresh = 5m
"
with_bob="$therapy_only
[bobs]
calendar = $url_bob
remind = 1m
"
schedule() {
        daemon_schedule "$1"
        chmod 600 "$XDG_CONFIG_HOME/nudge/schedule.ini"
}
# fetch_again: a start of nudged, the one thing that fetches a URL at once (see the top).
fetch_again() {
        systemctl --user restart "$DAEMON_UNIT" ||
                desktop_bail "nudged did not restart: $(daemon_log | tail -n 5)"
}
# Every status seen, for the check that none holds the password.
STATUSES=$DESKTOP_DIR/statuses
status_seen() { daemon_status >>"$STATUSES"; }
# on_time NAME PATTERN EPOCH: (once EPOCH has come) the first Notify call whose summary
# matches came 0..5 s after EPOCH.
on_time() {
        local late
        daemon_sleep_until "$3"
        wait_for 10 test "$(daemon_sent_count "$2")" -ge 1
        late=$("$PYTHON" -c "import sys; print(round(float(sys.argv[1]) - $3, 3))" \
                "$(daemon_call_time "$2")" 2>/dev/null)
        tap_check "$1 (${late:-?} s after)" \
                "$PYTHON" -c "import sys; sys.exit(not (0 <= float(sys.argv[1]) < 5))" "${late:--1}"
}

# Reminder instants (remind = 1m: a minute before each start), from T. As daemon_minute
# picks instants, but on a half-minute grid (35..65 s ahead rather than 35..95): it keeps
# the whole test under 4 minutes.
#   T      First session                   T+40  Moved session, before it moves (to T+90)
#   T+50   Deleted session (deleted)       T+55  Cancelled session (cancelled)
#   T+90   Moved session, moved            T+95  Kept session (after the server stopped)
T=$(( ($(date +%s) + 35 + 29) / 30 * 30 ))
put first "$((T + 60))" "First session" &&
        put moved "$((T + 100))" "Moved session" &&
        put deleted "$((T + 110))" "Deleted session" &&
        put cancelled "$((T + 115))" "Cancelled session" &&
        put kept "$((T + 155))" "Kept session" ||
        desktop_bail "radicale took no events"

# ---- no password yet: the 401 ---------------------------------------------------------------
schedule "$therapy_only"
tap_is "the schedule file with the URL is 0600" \
        "$(stat -c %a "$XDG_CONFIG_HOME/nudge/schedule.ini")" 600
systemctl --user start "$DAEMON_UNIT" || desktop_bail "nudged did not start: $(daemon_log | tail -n 5)"
tap_check "without a password, the status says the calendar needs one and what to run" \
        daemon_status_wait "calendar [therapy] (127.0.0.1): needs a password: run \"nudge password therapy\"" 20
status_seen
tap_diag "status: $(daemon_status)"

# ---- the password, stored with nudge password (stdin) ------------------------------------
out=$(printf '%s\n' "$PW" | timeout 20 "$NUDGE" password therapy 2>&1)
printf '%s\n' "$out" >>"$DESKTOP_DIR/outputs"
tap_is "nudge password therapy stores it in the Secret Service on nudged's bus" "$out" \
        "Stored the password of calendar [therapy] (127.0.0.1) in the keyring.
nudged is reading the calendar again, with the password."
tap_is "... (the keyring on that bus has it)" "$(timeout 10 secret-tool lookup url "$url")" "$PW"
tap_check "nudged fetched again with it at once: the session is the next one in the status" \
        daemon_status_wait "Next: First session, $(daemon_short $((T + 60)))" 30
status_seen
tap_check "... and the calendar's problem is gone from the status" \
        test "$(daemon_status | grep -c 'calendar \[')" -eq 0
SAVED=$XDG_STATE_HOME/nudge/calendar-therapy.list

daemon_sleep_until "$T"
on_time "the calendar session's reminder comes through dunst on time" '^First session' "$T"
tap_is "... once, and not before its time" "$(daemon_sent_count '^First session')" 1

# ---- on the server: one moved, one deleted, one cancelled; and bob's calendar -----------
put moved "$((T + 150))" "Moved session" "SEQUENCE:1" &&
        radicale_delete deleted &&
        put cancelled "$((T + 115))" "Cancelled session" "SEQUENCE:1" "STATUS:CANCELLED" ||
        desktop_bail "radicale took no changes"
# bob's calendar, with sam's user name and password: the server says 403.
schedule "$with_bob"
out=$(printf '%s\n' "$PW" | timeout 20 "$NUDGE" password bobs 2>&1)
printf '%s\n' "$out" >>"$DESKTOP_DIR/outputs"
fetch_again
moved_saved() {
        handover_sessions <"$SAVED" | grep -q "^S	$((T + 150))	" && ! grep -q "deleted" "$SAVED"
}
tap_check "fetched again: the moved event's new time is in force (and saved), the deleted gone" \
        wait_for 15 moved_saved
bob_said() { [[ $(daemon_status; daemon_log) == *"calendar [bobs] (127.0.0.1): "*efuse* ]]; }
tap_check "bob's calendar with sam's name: the status or log says it is refused" \
        wait_for 15 bob_said
status_seen
tap_diag "status: $(daemon_status)"
tap_diag "log: $(daemon_log | grep -a 'bobs' | tail -n 2)"
# The server said 403: sam's password was taken, the account has no access to the calendar.
# Asking for the password again is no fix.
bob_403() { [[ $(daemon_status; daemon_log) == *"[bobs] (127.0.0.1): "*"refuses access"* ]]; }
tap_check "... as access refused to that calendar (403), not as a refused password" bob_403

# ---- the server stopped: the saved copy -------------------------------------------------
radicale_stop
schedule "$therapy_only"
fetch_again
tap_check "the server stopped: the status says the calendar cannot be fetched" \
        daemon_status_wait "calendar [therapy] (127.0.0.1): cannot be fetched: " 40
status_seen
status=$(daemon_status)
tap_diag "status: $status"
no_path() { ! grep -q -e "/sam/" -e "/bob/" -e "therapy/" -e "sam@" <<<"$status"; }
tap_check "... naming it by section and host only" no_path
tap_check "... and using the copy" test "${status#*using the copy}" != "$status"

daemon_sleep_until $((T + 60))
tap_is "no reminder at the moved event's old time" "$(daemon_sent_count '^Moved session')" 0
tap_is "none for the event deleted on the server" "$(daemon_sent_count '^Deleted session')" 0
tap_is "none for the event cancelled on the server" "$(daemon_sent_count '^Cancelled session')" 0
on_time "the moved event's reminder comes at its new time" '^Moved session' $((T + 90))
on_time "after the server stopped, an event fetched before gets its reminder on time" \
        '^Kept session' $((T + 95))
tap_is "... and nothing for the deleted or cancelled ones meanwhile" \
        "$(daemon_sent_count '^(Deleted|Cancelled) session')" 0
status_seen

# ---- the password is nowhere but in the keyring -----------------------------------------
CACHE=$XDG_CACHE_HOME/nudge
tap_check "the reader kept a copy in its cache" test -n "$(ls -A "$CACHE" 2>/dev/null)"
# (Read whole first: with pipefail, grep -q leaving early would fail the writer instead.)
tap_check "the password is in no log of the units (nudged's, the reader's)" \
        sh -c '! grep -a -q -F -e "$1" "$2"' - "$PW" "$DESKTOP_DIR/manager.log"
tap_check "... in no status nudged showed" sh -c '! grep -a -q -F -e "$1" "$2"' - "$PW" "$STATUSES"
tap_check "... in no output of nudge password" \
        sh -c '! grep -a -q -F -e "$1" "$2"' - "$PW" "$DESKTOP_DIR/outputs"
tap_check "... not in the reader's cache" sh -c '! grep -r -D skip -a -q -F -e "$1" "$2"' - "$PW" "$CACHE"
leaks=$(grep -r -D skip -a -l -F -e "$PW" "$HOME" "$XDG_RUNTIME_DIR" 2>/dev/null |
        grep -v "^$XDG_DATA_HOME/keyrings/")
tap_is "... and in no file under HOME, the XDG folders or the runtime folder (but the keyring's)" \
        "$leaks" ""
desktop_stop
