#!/bin/bash
# SPDX-License-Identifier: MIT
# End-to-end: real reminders from the real nudged (its unit as built, sandboxed, under a
# private user manager), sent through libnotify to dunst on Xvfb. Checks what the server
# received (summary, body, actions, hints), the Write notes action (notes file from the
# template, 0600, never overwritten, opened by the default application in a unit of its
# own), Snooze, Write notes with privacy, and saves a screenshot to
# tests/artifacts/reminder.png in the build tree. (Privacy, escaping and servers without
# actions, with the same nudged: daemon-privacy.sh.)
set -uo pipefail
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib/desktop.sh"
. "$top_srcdir/tests/lib/daemon.sh"

ARTIFACTS=$top_builddir/tests/artifacts

tap_plan 15
export TZ=UTC
desktop_start
# Test-only: Snooze waits 3 s instead of 10 minutes (see notifier.h).
desktop_setenv TZ=UTC NUDGE_TEST_SNOOZE_SECONDS=3
# dunst finds the icon the notifications name ("nudge") in the source tree.
export DESKTOP_DUNSTRC_EXTRA="[global]
    icon_path = $top_srcdir/conf"
desktop_start_notifications
daemon_install_unit
# The person's "default application" for Markdown: a recorder that logs the file it got
# and its cgroup, then lives on for a moment, like an editor would.
daemon_opener 2

# A session three hours from now: its day-before reminder has passed, so nudged sends it
# (late) as soon as it starts, and its summary says the clock time.
S=$(daemon_minute 10800)
start=$(daemon_local "$S")
if [ "$(date -d "@$S" +%F)" = "$(date +%F)" ]; then day=today; else day=tomorrow; fi
when="$day at $(date -d "@$S" +%H:%M)"
notes_dir=$XDG_DATA_HOME/nudge/notes
notes=$notes_dir/$(date -d "@$S" +%F)-therapy.md

send() { # send SCHEDULE: nudged, started afresh on it, sends its reminder; wait for it
        daemon_schedule "$1"
        local n0
        n0=$(notify_calls_count)
        daemon_fresh_start
        notify_calls_wait $((n0 + 1)) 20
}
call() { notify_call_get -1 "$1"; }

# ---- a plain reminder through dunst -------------------------------------------------
send "[therapy]
title = Therapy with Dr. Rivera
once = $start
remind = 1d, 1h
"
if notify_log_wait '"summary": "Therapy with Dr. Rivera' 10; then
        tap_ok "the reminder reaches dunst"
else
        tap_not_ok "the reminder reaches dunst" "$(daemon_log | tail -n 5)" "$(cat "$NOTIFY_LOG")"
fi
tap_is "summary as the server got it" "$(call summary)" "Therapy with Dr. Rivera $when"
body=$(call body)
if [ "${#body}" -gt 40 ] && [ "$(notify_log_get -1 body)" = "$body" ]; then
        tap_ok "body: a preparation prompt (the day-before kind), as dunst shows it"
else
        tap_not_ok "body: a preparation prompt (the day-before kind), as dunst shows it" "bus: $body" \
                "dunst: $(notify_log_get -1 body)"
fi
tap_is "actions: Write notes (also the default action) and Snooze" \
        "$("$PYTHON" -c 'import json, sys; print(sorted(map(tuple, json.loads(sys.argv[1]))))' "$(call actions)")" \
        "[('default', 'Write notes'), ('notes', 'Write notes'), ('snooze', 'Snooze')]"
tap_is "app name, icon, desktop-entry, category and urgency hints" \
        "$(call app_name)|$(call app_icon)|$(call hints.desktop-entry)|$(call hints.category)|$(call hints.urgency)" \
        "nudge|nudge|nudge|x-nudge.reminder|1"
mkdir -p "$ARTIFACTS"
# The whole screen, then the notification alone (the screen is black around it).
desktop_screenshot "$ARTIFACTS/reminder-screen.png" &&
        convert "$ARTIFACTS/reminder-screen.png" -trim +repage -bordercolor black -border 12 \
                "$ARTIFACTS/reminder.png"
if [ "$(head -c 8 "$ARTIFACTS/reminder.png" 2>/dev/null | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]; then
        tap_ok "screenshot saved: tests/artifacts/reminder.png ($(stat -c %s "$ARTIFACTS/reminder.png") bytes)"
else
        tap_not_ok "screenshot saved: tests/artifacts/reminder.png"
fi

# ---- Write notes ---------------------------------------------------------------------
dunstctl action 0
if wait_for 10 test -s "$notes"; then
        tap_is "Write notes creates the notes file 0600 in a 0700 folder" \
                "$(stat -c %a "$notes") $(stat -c %a "$notes_dir") $(basename "$notes")" \
                "600 700 $(date -d "$start" +%F)-therapy.md"
else
        tap_not_ok "Write notes creates the notes file 0600 in a 0700 folder" "$(ls -la "$notes_dir" 2>&1)" "$(daemon_log | tail -n 5)"
fi
if [ "$(head -n 1 "$notes" 2>/dev/null)" = "# Therapy with Dr. Rivera" ] &&
        grep -qx "## Thoughts" "$notes" && grep -qx "## Questions to ask" "$notes" &&
        grep -qx "## After the session" "$notes" &&
        grep -q "$(date -d "$start" +%H:%M)" "$notes"; then
        tap_ok "the notes file comes from the template"
else
        tap_not_ok "the notes file comes from the template" "$(cat "$notes" 2>&1)"
fi
if wait_for 10 grep -q "^opened $notes " "$DESKTOP_DIR/opened.log"; then
        line=$(grep -m1 "^opened $notes " "$DESKTOP_DIR/opened.log")
        if [[ $line == *nudge-notes-*.service* ]]; then
                tap_ok "the default application opens it, in a transient unit of its own"
        else
                tap_not_ok "the default application opens it, in a transient unit of its own" "$line"
        fi
else
        tap_not_ok "the default application opens it" "$(cat "$DESKTOP_DIR/opened.log")" "$(tail -n 20 "$DESKTOP_DIR/manager.log")"
fi
if wait_for 10 grep -q "^alive $notes" "$DESKTOP_DIR/opened.log"; then
        tap_ok "the application lives on after the opener has exited"
else
        tap_not_ok "the application lives on after the opener has exited" "$(cat "$DESKTOP_DIR/opened.log")"
fi
echo "- my own words" >>"$notes"
before=$(sha256sum <"$notes")
: >"$DESKTOP_DIR/opened.log"
dunstctl action 0
wait_for 10 grep -q "^opened $notes " "$DESKTOP_DIR/opened.log"
tap_is "a second Write notes opens it again and does not overwrite it" \
        "$(grep -c "^opened $notes " "$DESKTOP_DIR/opened.log")|$(sha256sum <"$notes")|$(stat -c %a "$notes")" \
        "1|$before|600"

# ---- Snooze ------------------------------------------------------------------------
# The snooze is planned in whole seconds (from the second the action arrived in, to the
# second it is due), so it may come up to a second sooner than 3 s after the action.
n_before=$(notify_calls_count)
echo '^#Snooze' >"$DESKTOP_DIR/dmenu-choice"
dunstctl context
if notify_calls_wait $((n_before + 1)) 15; then
        t_action=$(notify_call_get -1 time ActionInvoked)
        t_resent=$(notify_call_get -1 time)
        delay=$(awk -v a="$t_action" -v b="$t_resent" 'BEGIN { printf "%.1f", b - a }')
        if awk -v d="$delay" 'BEGIN { exit !(d >= 1.9 && d < 8) }' &&
                [ "$(notify_call_get -1 'args.1' ActionInvoked)" = snooze ]; then
                tap_ok "Snooze sends the reminder again after the (test) snooze: ${delay} s"
        else
                tap_not_ok "Snooze sends the reminder again after the (test) snooze" "delay ${delay} s" "$(tail -n 5 "$NOTIFY_CALLS")"
        fi
        tap_is "the snoozed reminder keeps its prompt" "$(call body)" "$body"
else
        tap_not_ok "Snooze sends the reminder again after the (test) snooze" "$(daemon_log | tail -n 5)" "$(cat "$DESKTOP_DIR/dmenu-input.log" 2>&1)"
        tap_not_ok "the snoozed reminder keeps its prompt"
fi
rm -f "$DESKTOP_DIR/dmenu-choice"
dunstctl close-all

# ---- privacy: Write notes still works ---------------------------------------------------
send "[therapy]
title = Therapy with Dr. Rivera
once = $start
remind = 1d, 1h
privacy = on
"
notify_log_wait '"summary": "Session ' 10
tap_is "privacy: only that a session is coming, and when" "$(call summary)|$(call body)" "Session $when|"
rm -f "$notes"
dunstctl action 0
if wait_for 10 test -s "$notes" && [ "$(stat -c %a "$notes")" = 600 ]; then
        tap_ok "privacy: Write notes still works"
else
        tap_not_ok "privacy: Write notes still works" "$(ls -la "$notes_dir")" "$(daemon_log | tail -n 5)"
fi
