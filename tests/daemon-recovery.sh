#!/bin/bash
# SPDX-License-Identifier: MIT
# nudged across failures: kill -9 then restart sends no duplicate; a reminder whose
# instant passes while nudged is down goes out late, once, with the real time left; with
# no notification server at the instant, it goes out once a server appears.
set -uo pipefail
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib/desktop.sh"
. "$top_srcdir/tests/lib/daemon.sh"

tap_plan 9
desktop_start
desktop_setenv TZ=UTC
desktop_start_notifications
daemon_install_unit

# A at M1 (reminded at its start); B and C ten minutes after M2 and M3, reminded 10
# minutes before: on time, their summaries would say "in 10 minutes".
M1=$(daemon_minute 25)
M2=$((M1 + 60))
M3=$((M2 + 60))
daemon_schedule "[a]
title = Session A
once = $(daemon_local "$M1")
remind = 0m

[b]
title = Session B
once = $(daemon_local $((M2 + 600)))
remind = 10m

[c]
title = Session C
once = $(daemon_local $((M3 + 600)))
remind = 10m
"
systemctl --user start "$DAEMON_UNIT" || desktop_bail "nudged did not start: $(daemon_log | tail -n 5)"

shown() { # shown PATTERN: how many notifications dunst showed with a matching summary
        "$PYTHON" - "$NOTIFY_LOG" "$1" <<'PY'
import json, re, sys
n = 0
for line in open(sys.argv[1], encoding="utf-8"):
    line = line.strip()
    if line and re.search(sys.argv[2], json.loads(line).get("summary", "")):
        n += 1
print(n)
PY
}
shown_wait() { # shown_wait PATTERN TIMEOUT
        shown__some() { [ "$(shown "$1")" -ge 1 ]; }
        wait_for "$2" shown__some "$1"
}

# 1. kill -9 right after a reminder went out: the restarted nudged does not repeat it.
daemon_sleep_until "$M1"
shown_wait '^Session A' 10 || tap_diag "A did not arrive: $(daemon_log | tail -n 5)"
old=$(daemon_main_pid)
systemctl --user kill -s KILL "$DAEMON_UNIT"
restarted() {
        local p
        p=$(daemon_main_pid)
        [ "$p" != 0 ] && [ "$p" != "$old" ] && [ "$(systemctl --user is-active "$DAEMON_UNIT")" = active ]
}
if wait_for 10 restarted; then
        tap_ok "kill -9: systemd restarts nudged"
else
        tap_not_ok "kill -9: systemd restarts nudged" "$(systemctl --user status "$DAEMON_UNIT" 2>&1 | tail -n 5)"
fi

# 2. Down across B's instant: killed 8 s before, restarted 45 s later.
mkdir -p "$DAEMON_UNIT_FILE.d"
printf '[Service]\nRestartSec=45s\n' >"$DAEMON_UNIT_FILE.d/slow-restart.conf"
systemctl --user daemon-reload
daemon_sleep_until $((M2 - 8))
systemctl --user kill -s KILL "$DAEMON_UNIT"
if shown_wait '^Session B' 70; then
        tap_is "missed while down: sent late with the real time left" \
                "$(shown '^Session B in 9 minutes$')" 1
else
        tap_not_ok "missed while down: sent late with the real time left" "$(daemon_log | tail -n 8)"
fi
# A's last possible duplicate was due before its deliver-until (its instant plus the 60 s
# start grace): long past now. B's deliver-until is its session's start, too far to wait
# for; a lost record would show in the next plan, which a reload makes now.
systemctl --user reload "$DAEMON_UNIT"
wait_for 10 daemon_calls_answered
tap_is "kill -9 then restart: no duplicate of A (past its deliver-until)" "$(shown '^Session A')" 1
tap_is "after the second restart: still no duplicate of A, B once" \
        "$(shown '^Session A') $(shown '^Session B')" "1 1"
if daemon_log | grep -q "Sent late: the reminder of .* for b "; then
        tap_ok "the log says B went out late"
else
        tap_not_ok "the log says B went out late" "$(daemon_log | tail -n 5)"
fi

# 3. No notification server at C's instant; one starts 30 s later.
desktop_stop_notifications
daemon_sleep_until $((M3 + 30))
tap_is "no server: nothing shown yet, the service still runs" \
        "$(shown '^Session C') $(systemctl --user is-active "$DAEMON_UNIT")" "0 active"
desktop_start_notifications
if shown_wait '^Session C' 20; then
        tap_is "server back: delivered late with the real time left" \
                "$(shown '^Session C in 9 minutes$')" 1
else
        tap_not_ok "server back: delivered late with the real time left" "$(daemon_log | tail -n 8)"
fi
# Delivered by a retry after N s: were the success lost, the next try would come N s
# after that one's own delay doubled (planner_retry_delay). Wait past that moment.
n=$(daemon_log | sed -n 's/.*Could not send the reminder for c .*trying again in \([0-9]*\) s.*/\1/p' | tail -n 1)
t=$(daemon_call '^Session C' time | cut -d. -f1)
daemon_sleep_until $((${t:-$(date +%s)} + 2 * ${n:-5} + 2))
wait_for 10 daemon_calls_answered
tap_is "delivered once (past the moment of the next retry)" "$(shown '^Session C')" 1
if daemon_log | grep -q "Could not send the reminder .*for c .*trying again in"; then
        tap_ok "the log names each failed try and the retry"
else
        tap_not_ok "the log names each failed try and the retry" "$(daemon_log | tail -n 8)"
fi
