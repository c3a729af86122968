#!/bin/bash
# SPDX-License-Identifier: MIT
# nudged as a user service under a private systemd --user manager, with dunst: the unit
# verifies and starts sandboxed, the status says what is next, edits and reloads (good
# and broken), a reminder on time and once, and a quick clean exit on SIGTERM.
set -uo pipefail
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib/desktop.sh"
. "$top_srcdir/tests/lib/daemon.sh"

tap_plan 17
desktop_start
desktop_setenv TZ=UTC
desktop_start_notifications
daemon_install_unit

out=$(systemd-analyze verify --user "$DAEMON_UNIT_FILE" 2>&1)
tap_is "systemd-analyze verify --user prints nothing for the unit" "$out" ""

# A session at the next whole minute at least 30 s away, reminded at its start.
M=$(daemon_minute 30)
good="[therapy]
title = Therapy with Dr. Rivera
once = $(daemon_local "$M")
remind = 0m
"
daemon_schedule "$good"
tap_check "systemctl --user start nudged" systemctl --user start "$DAEMON_UNIT"
tap_is "the unit is active" "$(systemctl --user is-active "$DAEMON_UNIT")" active
expected="Next: Therapy with Dr. Rivera, $(daemon_short "$M"); reminder $(daemon_short "$M")"
tap_is "Status: says what comes next" "$(daemon_status)" "$expected"

daemon_pid
pid=$DAEMON_PID
sandbox="NoNewPrivs=$(awk '/^NoNewPrivs:/ {print $2}' "/proc/$pid/status")"
sandbox+=" Seccomp=$(awk '/^Seccomp:/ {print $2}' "/proc/$pid/status")"
[ "$(readlink "/proc/$pid/ns/user")" != "$(readlink /proc/self/ns/user)" ] && sandbox+=" userns"
[ "$(readlink "/proc/$pid/ns/mnt")" != "$(readlink /proc/self/ns/mnt)" ] && sandbox+=" mntns"
tap_is "the sandbox takes effect (no new privileges, seccomp, own user and mount namespaces)" \
        "$sandbox" "NoNewPrivs=1 Seccomp=2 userns mntns"

# (The whole sandbox, and its score, are tested in daemon-sandbox.sh.)

# Saved by an editor (renamed over the file): picked up without a reload.
daemon_schedule "${good/Dr. Rivera/Dr. Rivera (room 2)}"
if daemon_status_wait "Next: Therapy with Dr. Rivera (room 2)," 3; then
        tap_ok "an edited file is picked up without a reload"
else
        tap_not_ok "an edited file is picked up without a reload" "status: $(daemon_status)"
fi

# A broken file: the reload fails, the schedule stays, and the status says both.
daemon_schedule "${good/remind = 0m/remind = soon}"
if systemctl --user reload "$DAEMON_UNIT" 2>"$DESKTOP_DIR/reload.err"; then
        tap_not_ok "systemctl reload fails on a broken file" "it succeeded"
else
        tap_ok "systemctl reload fails on a broken file"
fi
st=$(daemon_status)
if [[ $st == "$XDG_CONFIG_HOME/nudge/schedule.ini:4: "*"; the last good schedule is in force" ]]; then
        tap_ok "Status: names FILE:LINE of the problem and keeps the previous schedule"
else
        tap_not_ok "Status: names FILE:LINE of the problem and keeps the previous schedule" "status: $st"
fi
tap_is "the service still runs with the broken file" "$(systemctl --user is-active "$DAEMON_UNIT")" active
if daemon_log | grep -q "1 problem in .*schedule.ini, first: .*schedule.ini:4:.*the last good schedule stays in force"; then
        tap_ok "the log says the reload failed and why"
else
        tap_not_ok "the log says the reload failed and why" "$(daemon_log | tail -n 5)"
fi

# Fixed again; an explicit reload returns only once the new file is in force.
daemon_schedule "${good/Dr. Rivera/Dr. Rivera (room 3)}"
systemctl --user reload "$DAEMON_UNIT"
tap_is "systemctl reload returns after the reload is done" "$(daemon_status)" \
        "${expected/Dr. Rivera/Dr. Rivera (room 3)}"

# The reminder: on time (the bus's own timestamp), with the right text, once.
daemon_sleep_until "$M"
if notify_calls_wait 1 10; then
        t=$(daemon_call_time 'Therapy')
        late_ms=$(awk -v t="$t" -v m="$M" 'BEGIN { printf "%d", (t - m) * 1000 }')
        if [ "$late_ms" -ge 0 ] && [ "$late_ms" -lt 500 ]; then
                tap_ok "the reminder arrives on time (${late_ms} ms after its instant)"
        else
                tap_not_ok "the reminder arrives on time" "${late_ms} ms after its instant"
        fi
        tap_is "with the right summary" "$(daemon_call 'Therapy' summary)" \
                "Therapy with Dr. Rivera (room 3) starting now"
else
        tap_not_ok "the reminder arrives on time" "no Notify call; log:" "$(daemon_log | tail -n 10)"
        tap_not_ok "with the right summary"
fi
# Sent once: a duplicate could be planned until the reminder's deliver-until (its instant
# plus the start grace, 60 s, for a reminder at the session's start); past that moment,
# after a reload (a plan of the loop) and with every Notify call answered, none can come.
daemon_sleep_until $((M + 61))
systemctl --user reload "$DAEMON_UNIT"
wait_for 10 daemon_calls_answered
tap_is "it is sent once (checked past its deliver-until)" "$(daemon_sent_count 'Therapy')" 1
tap_is "Status: after the session started" "$(daemon_status)" \
        "Nothing upcoming in $XDG_CONFIG_HOME/nudge/schedule.ini"
# The sandbox still lets it write its record: 0600 in a 0700 folder, with the server's id of
# the notification (so that a later one replaces it) and no snooze.
sent=$XDG_STATE_HOME/nudge/sent
tap_is "the record of sent reminders is written from inside the sandbox" \
        "$(stat -c %a "$XDG_STATE_HOME/nudge" 2>&1) $(stat -c %a "$sent" 2>&1) $(grep -c "^therapy	$M	$M	[1-9][0-9]*	-\$" "$sent" 2>&1)" \
        "700 600 1"

# SIGTERM (through the manager: only the unit's main process is signalled): a clean,
# quick exit, well before systemd's stop timeout (TimeoutStopSec=10s) would kill it. The
# time is shown, not held to a threshold: on a loaded machine, under ASan, it varies; the
# benchmarks measure it.
daemon_pid
daemon_term
res="$(systemctl --user show -p Result --value "$DAEMON_UNIT") $(systemctl --user show -p ExecMainStatus --value "$DAEMON_UNIT")"
if [ "$daemon_term_ms" -lt 5000 ] && [ "$res" = "success 0" ]; then
        tap_ok "SIGTERM: exits 0 by itself, before the stop timeout (${daemon_term_ms} ms)"
else
        tap_not_ok "SIGTERM: exits 0 by itself, before the stop timeout" "${daemon_term_ms} ms, result/status: $res"
fi
