#!/bin/bash
# SPDX-License-Identifier: MIT
# Reminder lateness where it matters: nudged running as the user unit as built
# (units/nudged.service, sandbox and all) under a private systemd --user manager, and
# the time of each Notify call on the session bus (dbus-monitor's time=) minus the
# reminder's instant. 20 reminders, 3 s apart: each session is in a private time zone
# (compiled with zic, found through TZDIR) 3 s further west than the last, so that
# reminders of minute resolution fall on different seconds.
#
#   top_builddir=BUILD bench/lateness.sh OUT
#
# LATENESS_SERVER=dunst (default, on Xvfb, as a desktop runs it) or fake (the test suite's
# Python server: its replies are slower). LATENESS_STRACE=FILE attaches strace to nudged
# (timestamps of its system calls, for finding where the time goes; it slows nudged).
#
# Writes one line per reminder to OUT (id, planned instant, bus time of the Notify call,
# its lateness and that of the GetCapabilities call before it, in ms) and prints a
# summary line "lateness: N of 20, max X ms, median Y ms; …". Uses tests/lib/desktop.sh for
# the manager, its bus and a notification server, and so takes the same machine-wide
# lock as the desktop tests: never a manager beside a test's.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top_srcdir=$(cd "$here/.." && pwd)
: "${top_builddir:?set top_builddir to the build tree}"
out=${1:?usage: lateness.sh OUT}
export top_srcdir top_builddir
export DESKTOP_TEST_NAME=bench-lateness
# The "booted with systemd" markers a private manager needs: where PID 1 is not systemd,
# nothing else makes them (desktop.sh removes what it made).
[ "$(cat /proc/1/comm 2>/dev/null)" = systemd ] || export NUDGE_TEST_ALLOW_MARKERS=1
. "$top_srcdir/tests/lib/desktop.sh"
. "$top_srcdir/tests/lib/daemon.sh"

N=20
desktop__require dbus-monitor zic
desktop_start
if [ "${LATENESS_SERVER:-dunst}" = fake ]; then
        desktop_start_notifications --no-actions
else
        desktop_start_notifications
fi

# The private zones, where the unit can read them (not /tmp: PrivateTmp=yes).
zi=$DESKTOP_DIR/zoneinfo
for ((i = 0; i < N; i++)); do
        printf 'Zone Bench/L%02d -0:00:%02d - L%02d\n' "$i" $((3 * i)) "$i"
done >"$DESKTOP_DIR/zones.txt"
zic -d "$zi" "$DESKTOP_DIR/zones.txt" || desktop_bail "zic failed"
cp /usr/share/zoneinfo/UTC "$zi/UTC"
desktop_setenv TZ=UTC TZDIR="$zi"

# Sessions at local M+1 min, reminded 1 min before: reminder i at M + 3 i s.
M=$(daemon_minute 25)
wall=$(TZ=UTC date -d "@$((M + 60))" '+%Y-%m-%d %H:%M')
schedule=""
for ((i = 0; i < N; i++)); do
        schedule+=$(printf '[l%02d]\ntitle = Lateness %02d\nonce = %s\ntimezone = Bench/L%02d\nremind = 1m\n\n' \
                "$i" "$i" "$wall" "$i")
        schedule+=$'\n'
done
daemon_schedule "$schedule"
daemon_install_unit
systemctl --user start "$DAEMON_UNIT" || desktop_bail "nudged did not start: $(daemon_log | tail -n 5)"

mon=$DESKTOP_DIR/dbus-monitor.txt
# GetCapabilities too: nudged asks for the capabilities before each notification, and
# the time of that call splits the lateness into nudged's own part and the round trip.
desktop__spawn dbus-monitor dbus-monitor --session \
        "type='method_call',interface='org.freedesktop.Notifications',member='Notify'" \
        "type='method_call',interface='org.freedesktop.Notifications',member='GetCapabilities'"
# Its own NameAcquired comes first: from then on it sees every call.
wait_for 10 grep -q NameAcquired "$DESKTOP_DIR/dbus-monitor.log" ||
        desktop_bail "dbus-monitor did not start"
if [ -n "${LATENESS_STRACE:-}" ]; then
        desktop__spawn strace strace -f -ttt -T -o "$LATENESS_STRACE" -p "$(daemon_main_pid)"
        sleep 1
fi
tap_diag "reminders from $(TZ=UTC date -d "@$M" +%T) UTC, every 3 s; nudged pid $(daemon_main_pid)"
daemon_sleep_until $((M + 3 * (N - 1) + 3))
wait_for 10 sh -c "[ \$(grep -c 'member=Notify' '$DESKTOP_DIR/dbus-monitor.log') -ge $N ]" || true
cp "$DESKTOP_DIR/dbus-monitor.log" "$mon"

"$PYTHON" - "$mon" "$M" "$out" <<'EOF'
import re, statistics, sys
text, m, out = open(sys.argv[1]).read(), int(sys.argv[2]), sys.argv[3]
late, caps, asked = {}, {}, None
for call in text.split("method call ")[1:]:
    t = float(re.search(r"time=([0-9.]+)", call).group(1))
    if "member=GetCapabilities" in call:
        asked = t
        continue
    strings = re.findall(r'^\s+string "(.*)"$', call, re.M)
    hit = re.search(r"Lateness (\d\d)", strings[2] if len(strings) > 2 else "")
    if hit and hit.group(1) not in late:
        i = int(hit.group(1))
        late[hit.group(1)] = (m + 3 * i, t, (t - (m + 3 * i)) * 1000)
        caps[hit.group(1)] = ((asked - (m + 3 * i)) * 1000) if asked else float("nan")
        asked = None
with open(out, "w") as f:
    f.write("# id planned notify_bus_time notify_late_ms getcapabilities_late_ms\n")
    for k in sorted(late):
        f.write("l%s %d %.6f %.3f %.3f\n" % ((k,) + late[k] + (caps[k],)))
ms = [v[2] for v in late.values()]
c = [v for v in caps.values() if v == v]
f1 = lambda xs, fn: "%.1f" % fn(xs) if xs else "-"
print("lateness: %d of 20, max %s ms, median %s ms, min %s ms; GetCapabilities before it: "
      "max %s ms, median %s ms" % (len(ms), f1(ms, max), f1(ms, statistics.median),
                                   f1(ms, min), f1(c, max), f1(c, statistics.median)))
EOF
systemctl --user stop "$DAEMON_UNIT"
