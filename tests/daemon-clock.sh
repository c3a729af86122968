#!/bin/bash
# SPDX-License-Identifier: MIT
# nudged notices that the wall clock was set (as after an NTP step or a resume) and plans
# again. The test sets the clock to the time it already shows: every clock set cancels a
# TFD_TIMER_CANCEL_ON_SET timer, and the time stays right. It needs CAP_SYS_TIME, and runs
# only where that is wanted: in CI (CI=true) or with NUDGE_TEST_ALLOW_CLOCK=1.
set -u
: "${top_srcdir:?}" "${NUDGED:?}"
if [ "${CI:-}" != true ] && [ "${NUDGE_TEST_ALLOW_CLOCK:-}" != 1 ]; then
        echo "1..0 # SKIP sets the system clock (to its own time): only with CI=true or NUDGE_TEST_ALLOW_CLOCK=1"
        exit 0
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/nudged-clock.XXXXXX")
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT
export TZ=UTC HOME=$work XDG_CONFIG_HOME=$work/config XDG_STATE_HOME=$work/state \
        XDG_DATA_HOME=$work/data DBUS_SESSION_BUS_ADDRESS=
unset NOTIFY_SOCKET WATCHDOG_USEC
printf '[therapy]\nonce = %s\nremind = 1d\n' "$(date -u -d '+3 days' '+%Y-%m-%d 10:00')" >"$work/s.ini"
chmod 600 "$work/s.ini"

echo "1..3"
"$NUDGED" --foreground --dry-run --config "$work/s.ini" >"$work/out" 2>"$work/err" &
pid=$!
for _ in $(seq 1 50); do grep -q 'Started' "$work/err" && break; sleep 0.1; done
set_clock() {
        /usr/bin/python3 -c 'import time; time.clock_settime(time.CLOCK_REALTIME, time.time())'
}
if set_clock 2>"$work/py.err"; then
        echo "ok 1 - the clock is set (to its own time)"
else
        echo "not ok 1 - the clock is set: $(cat "$work/py.err")"
fi
seen=0
for _ in $(seq 1 50); do grep -q 'wall clock was set' "$work/err" && { seen=1; break; }; sleep 0.1; done
if [ $seen = 1 ]; then
        echo "ok 2 - nudged notices and plans again"
else
        echo "not ok 2 - nudged notices and plans again"; sed 's/^/# /' "$work/err"
fi
# It keeps watching: a second set is noticed too.
set_clock 2>/dev/null
count=0
for _ in $(seq 1 50); do
        count=$(grep -c 'wall clock was set' "$work/err")
        [ "$count" -ge 2 ] && break
        sleep 0.1
done
if [ "$count" -ge 2 ] && kill -0 "$pid" 2>/dev/null; then
        echo "ok 3 - and goes on watching after the first time"
else
        echo "not ok 3 - and goes on watching after the first time ($count notices)"
        sed 's/^/# /' "$work/err"
fi
