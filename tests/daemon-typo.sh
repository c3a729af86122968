#!/bin/bash
# SPDX-License-Identifier: MIT
# A typo never silences reminders: nudged, the unit as built under a private user manager
# with dunst, started with a broken schedule (as at login) keeps running with the last
# good schedule, names the problem in its status, tells the person once by a notification
# (again only for another broken version), still sends the last good schedule's reminder
# on time, and picks up the fixed file without a restart.
set -uo pipefail
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib/desktop.sh"
. "$top_srcdir/tests/lib/daemon.sh"

tap_plan 16
desktop_start
desktop_setenv TZ=UTC
desktop_start_notifications
daemon_install_unit

CONF=$XDG_CONFIG_HOME/nudge/schedule.ini
GOOD=$XDG_STATE_HOME/nudge/schedule.good
PROBLEM='^Your session schedule needs a look$'

problems() { daemon_sent_count "$PROBLEM"; }
active() { [ "$(systemctl --user is-active "$DAEMON_UNIT")" = active ]; }
start() { systemctl --user start "$DAEMON_UNIT" || desktop_bail "nudged did not start: $(daemon_log | tail -n 5)"; }

# 1. Broken before any version ever read cleanly: running, and nothing in force.
daemon_schedule "[therapy]
weekly = Tue 25:00
"
start
daemon_status_wait "no schedule in force" 10
tap_check "broken with no good version yet: active, and the status says nothing is in force" \
        active
notify_calls_wait 1 10
tap_is "... and one notification says so" "$(problems)" 1
systemctl --user stop "$DAEMON_UNIT"

# The reminder of the good version: 10 minutes before a session, at a whole minute.
M1=$(daemon_minute 50)
GOOD_TEXT="[therapy]
title = Therapy with Dr. Rivera
once = $(daemon_local $((M1 + 600)))
remind = 10m
"
daemon_schedule "$GOOD_TEXT"
start
daemon_status_wait "Next: Therapy with Dr. Rivera" 10
tap_is "a schedule that reads cleanly is kept, 0600, as it was written" \
        "$(stat -c %a "$GOOD" 2>&1) $(cmp -s "$GOOD" "$CONF" && echo same)" "600 same"
systemctl --user stop "$DAEMON_UNIT"

# 2. At "login" the file is broken: line 5 has a typo.
BROKEN="${GOOD_TEXT}remnid = 1d
"
daemon_schedule "$BROKEN"
before=$(problems)
start
daemon_status_wait "schedule.ini:5: unknown key 'remnid'" 10
tap_check "started with a broken file: the unit is active (no exit 78)" active
st=$(daemon_status)
tap_check "the status names FILE:LINE and says the last good schedule is in force" \
        test "${st%%; *}" != "$st" -a "${st#*; }" = "the last good schedule is in force"
wait_for 10 test "$(problems)" -gt "$before"
n=$(notify_calls_count)
idx=0
for ((i = 1; i <= n; i++)); do
        notify_call_get "$i" summary | grep -E -q -e "$PROBLEM" && idx=$i
done
body=$(notify_call_get "$idx" body)
tap_check "one notification: the line, and that reminders go on from the last good version" \
        test "$(problems)" = $((before + 1)) -a "${body#*line 5 of schedule.ini; reminders go on from the last good version}" != "$body"
tap_is "... with no actions" "$(notify_call_get "$idx" actions)" "[]"
tap_check "... and nothing from the file: not the title, not the typo" \
        test "${body/Rivera/}" = "$body" -a "${body/remnid/}" = "$body"

# 3. The same broken version again: saved anew, and nudged restarted. The notice goes out
# during a reload (150 ms after the save) or right at start: 3 s is past any duplicate.
told=$(problems)
daemon_schedule "$BROKEN"
sleep 3
systemctl --user restart "$DAEMON_UNIT"
daemon_status_wait "schedule.ini:5:" 10
pid=$(daemon_main_pid)
sleep 3
tap_is "the same broken version, saved again and after a restart: no second notification" \
        "$(problems)" "$told"

# 4. The last good schedule still reminds, on time.
daemon_sleep_until "$M1"
wait_for 15 test "$(daemon_sent_count '^Therapy with Dr. Rivera in 10 minutes')" -ge 1
late=$("$PYTHON" -c "import sys; print(round(float(sys.argv[1]) - $M1, 3))" \
        "$(daemon_call_time '^Therapy with Dr. Rivera in 10 minutes')" 2>/dev/null)
tap_check "the last good schedule's reminder arrives while the file is broken (${late:-?} s after)" \
        "$PYTHON" -c "import sys; sys.exit(not (0 <= float(sys.argv[1]) < 5))" "${late:--1}"

# 5. Another mistake: told again, once.
daemon_schedule "${GOOD_TEXT}duration = 13h
"
daemon_status_wait "schedule.ini:5:" 10
wait_for 10 test "$(problems)" -gt "$told"
sleep 3
tap_is "another broken version: one more notification" "$(problems)" $((told + 1))

# 6. Fixed: picked up without a restart, and the reminder is not sent again.
daemon_schedule "$GOOD_TEXT"
daemon_status_wait "Next: Therapy with Dr. Rivera" 10
tap_check "the fixed file is in force at once" test "$(daemon_status)" != "${st}"
tap_is "... in the same process, never restarted by the manager" \
        "$(daemon_main_pid) $(systemctl --user show -p NRestarts --value "$DAEMON_UNIT")" "$pid 0"
tap_is "... and the reminder already sent does not come again" \
        "$(daemon_sent_count '^Therapy with Dr. Rivera in')" 1
tap_check "the log says where the problem is and that the last good schedule stays" \
        grep -q "schedule.ini:5: unknown key 'remnid'.*the last good schedule stays in force" \
        "$DESKTOP_DIR/manager.log"
tap_check "nudge check agrees on the line" \
        bash -c "printf '%s' \"\$1\" >'$DESKTOP_DIR/b.ini' && '$NUDGE' check --config '$DESKTOP_DIR/b.ini' 2>&1 | grep -q 'b.ini:5: unknown key'" _ "$BROKEN"
desktop_stop
