#!/bin/bash
# SPDX-License-Identifier: MIT
# The reminder actions of the real, sandboxed nudged: its unit as built, under a private
# user manager, with dunst. Write notes must create the notes file from inside the sandbox
# and open it in an application that does NOT share the sandbox (its own transient unit,
# the person's user namespace, a writable home) and that outlives nudged; Snooze must bring
# the reminder back, saying the real time left.
set -uo pipefail
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib/desktop.sh"
. "$top_srcdir/tests/lib/daemon.sh"

tap_plan 8
desktop_start
desktop_setenv TZ=UTC
# Test-only: Snooze waits 3 s instead of 10 minutes (see notifier.h).
desktop_setenv NUDGE_TEST_SNOOZE_SECONDS=3
export DESKTOP_DUNSTRC_EXTRA="[global]
    icon_path = $top_srcdir/conf"
desktop_start_notifications
daemon_install_unit

# The default application for Markdown: logs what it got, from where, whether it can write
# the home folder, then lives on a while like an editor.
daemon_opener 6

# A session an hour after the next whole minute, reminded an hour before: the reminder
# comes at that minute.
M=$(daemon_minute 20)
S=$((M + 3600))
daemon_schedule "[therapy]
title = Therapy with Dr. Rivera
once = $(daemon_local "$S")
remind = 1d, 1h
"
systemctl --user start "$DAEMON_UNIT" || desktop_bail "nudged did not start: $(daemon_log | tail -n 5)"
daemon_sleep_until "$M"
# The day-before reminder, missed, goes out late at the start (its deliver-until is the
# session's start): the one at M is the second. Waiting for the first match raced it.
two_shown() { [ "$(notify_log_count)" -ge 2 ]; }
if wait_for 20 two_shown; then
        body=$(notify_log_get -1 body)
        if [ "$(notify_log_get -1 summary)" = "Therapy with Dr. Rivera in 1 hour" ] &&
                [ -n "$body" ] && [ "${#body}" -le 60 ]; then
                tap_ok "nudged's last reminder: \"in 1 hour\", with a short practical prompt"
        else
                tap_not_ok "nudged's last reminder: \"in 1 hour\", with a short practical prompt" \
                        "$(notify_log_get -1 summary) | $body"
        fi
else
        tap_not_ok "nudged's last reminder arrives" "$(daemon_log | tail -n 10)"
fi

notes=$XDG_DATA_HOME/nudge/notes/$(date -d "@$S" +%F)-therapy.md
dunstctl action 0
if wait_for 10 test -s "$notes"; then
        tap_is "Write notes: nudged creates the notes file 0600, from the template" \
                "$(stat -c %a "$notes")|$(head -n 1 "$notes")" "600|# Therapy with Dr. Rivera"
else
        tap_not_ok "Write notes: nudged creates the notes file" "$(daemon_log | tail -n 10)"
fi
if wait_for 15 grep -q "^opened $notes " "$DESKTOP_DIR/opened.log"; then
        line=$(grep -m1 "^opened $notes " "$DESKTOP_DIR/opened.log")
        tap_ok "the default application opens it"
        if [[ $line == *nudge-notes-*.service* ]]; then
                tap_ok "in a transient unit of its own, not in nudged's"
        else
                tap_not_ok "in a transient unit of its own, not in nudged's" "$line"
        fi
        if [[ $line == *"home=writable userns=$(readlink /proc/self/ns/user) "* ]]; then
                tap_ok "outside nudged's sandbox: the person's user namespace, a writable home"
        else
                tap_not_ok "outside nudged's sandbox: the person's user namespace, a writable home" "$line" \
                        "ours: userns=$(readlink /proc/self/ns/user)"
        fi
else
        tap_not_ok "the default application opens it" "$(cat "$DESKTOP_DIR/opened.log")" "$(daemon_log | tail -n 10)"
        tap_not_ok "in a transient unit of its own, not in nudged's"
        tap_not_ok "outside nudged's sandbox: the person's user namespace, a writable home"
fi

# Snooze: the reminder comes back after the (test) snooze, with the real time left.
n_before=$(daemon_sent_count 'Therapy with Dr. Rivera')
echo '^#Snooze' >"$DESKTOP_DIR/dmenu-choice"
t0=$(date +%s.%N)
dunstctl context
n_want=$((n_before + 1))
resent() { [ "$(daemon_sent_count 'Therapy with Dr. Rivera')" -ge "$n_want" ]; }
if wait_for 20 resent; then
        t1=$(notify_call_get -1 time)
        delay=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
        summary=$(notify_call_get -1 summary)
        if [[ $summary =~ ^Therapy\ with\ Dr\.\ Rivera\ in\ (1\ hour|5[0-9]\ minutes)$ ]] &&
                awk -v d="$delay" 'BEGIN { exit !(d >= 1.9 && d < 15) }'; then
                tap_ok "Snooze: nudged sends it again ${delay} s later: \"$summary\""
        else
                tap_not_ok "Snooze: nudged sends it again after the snooze" "delay $delay s" "$summary"
        fi
else
        tap_not_ok "Snooze: nudged sends it again after the snooze" "$(cat "$DESKTOP_DIR/dmenu-input.log" 2>&1)" "$(daemon_log | tail -n 10)"
fi

# The application outlives nudged.
systemctl --user stop "$DAEMON_UNIT"
tap_is "nudged stops" "$(systemctl --user is-active "$DAEMON_UNIT")" inactive
if wait_for 10 grep -q "^alive $notes" "$DESKTOP_DIR/opened.log"; then
        tap_ok "the application opened from nudged lives on after nudged stops"
else
        tap_not_ok "the application opened from nudged lives on after nudged stops" "$(cat "$DESKTOP_DIR/opened.log")"
fi
# (That the contents of notes reach no log, no notification, no status: daemon-privacy.sh,
# with a secret written before the reminder.)
