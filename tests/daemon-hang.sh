#!/bin/bash
# SPDX-License-Identifier: MIT
# A notification server that takes a Notify call and never answers (libnotify's show()
# would block 25 s): nudged's loop keeps serving SIGHUP, D-Bus reloads and SIGTERM.
# Runs on a private bus of its own (dbus-run-session), no systemd needed.
if [ -z "${DAEMON_HANG_INNER:-}" ]; then
        . "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
        cfg=$T/bus.conf
        # A session bus without service activation: nothing may start a real server.
        cat >"$cfg" <<-CONF
	<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
	 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
	<busconfig>
	  <type>session</type>
	  <listen>unix:dir=$T</listen>
	  <policy context="default">
	    <allow send_destination="*" eavesdrop="true"/>
	    <allow eavesdrop="true"/>
	    <allow own="*"/>
	  </policy>
	</busconfig>
	CONF
        DAEMON_HANG_INNER=1 T=$T exec dbus-run-session --config-file="$cfg" -- "$0" "$@"
fi

T_KEEP=$T
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
rm -rf "$T"
T=$T_KEEP
NUDGED=${NUDGED:-$top_builddir/nudged}
unset NOTIFY_SOCKET JOURNAL_STREAM WATCHDOG_USEC NUDGE_NOW

cat >"$T/hang-server.py" <<'PY'
import sys
import dbus
import dbus.service
from dbus.mainloop.glib import DBusGMainLoop
from gi.repository import GLib

IFACE = "org.freedesktop.Notifications"
log_path, ready_path = sys.argv[1], sys.argv[2]


class Hang(dbus.service.Object):
    @dbus.service.method(IFACE, in_signature="", out_signature="as")
    def GetCapabilities(self):
        return ["body"]

    @dbus.service.method(IFACE, in_signature="", out_signature="ssss")
    def GetServerInformation(self):
        return ("hang", "nudge-tests", "1", "1.2")

    @dbus.service.method(IFACE, in_signature="susssasa{sv}i", out_signature="u",
                         async_callbacks=("reply", "error"))
    def Notify(self, app, replaces, icon, summary, body, actions, hints, timeout, reply, error):
        with open(log_path, "a") as f:
            f.write("notify %s\n" % summary)
        # never reply


DBusGMainLoop(set_as_default=True)
bus = dbus.SessionBus()
name = dbus.service.BusName(IFACE, bus)
Hang(bus, "/org/freedesktop/Notifications")
open(ready_path, "w").close()
GLib.MainLoop().run()
PY
/usr/bin/python3 "$T/hang-server.py" "$T/hang.log" "$T/hang.ready" &
server=$!
pid=
trap 'kill $server 2>/dev/null; [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null' EXIT
for ((i = 0; i < 100; i++)); do [ -e "$T/hang.ready" ] && break; sleep 0.05; done

# A reminder that is due at once (missed: its session is 30 minutes away).
now=$(date +%s)
M=$(((now + 1800 + 59) / 60 * 60))
mkdir -p "$XDG_CONFIG_HOME/nudge"
printf '[soon]\ntitle = Soon\nonce = %s\nremind = 1h\n' "$(date -d "@$M" '+%Y-%m-%d %H:%M')" \
        >"$XDG_CONFIG_HOME/nudge/schedule.ini"
chmod 600 "$XDG_CONFIG_HOME/nudge/schedule.ini"
"$NUDGED" --foreground >"$T/d.out" 2>"$T/d.err" </dev/null &
pid=$!

waitfor() { # waitfor FILE PATTERN SECONDS
        local i
        for ((i = 0; i < $3 * 100; i++)); do
                grep -E -q -e "$2" "$1" 2>/dev/null && return 0
                sleep 0.01
        done
        return 1
}
if waitfor "$T/hang.log" "^notify Soon" 5; then
        ok "the server took the Notify call (and will never answer)"
else
        not_ok "the server took the Notify call" "$(cat "$T/d.err")"
fi

t0=$(date +%s%N)
kill -HUP "$pid"
if waitfor "$T/d.err" "Loaded .*schedule.ini" 2; then
        ok "SIGHUP is served while a send hangs ($((($(date +%s%N) - t0) / 1000000)) ms)"
else
        not_ok "SIGHUP is served while a send hangs" "$(cat "$T/d.err")"
fi

t0=$(date +%s%N)
if timeout 3 busctl --user call org.nudge.Daemon /org/nudge/Daemon org.nudge.Daemon1 Reload; then
        ok "a D-Bus Reload returns while a send hangs ($((($(date +%s%N) - t0) / 1000000)) ms)"
else
        not_ok "a D-Bus Reload returns while a send hangs" "$(cat "$T/d.err")"
fi
status_prop=$(timeout 3 busctl --user get-property org.nudge.Daemon /org/nudge/Daemon org.nudge.Daemon1 Status)
like "the Status property says what is next" "$status_prop" '^s "Next: Soon, '

t0=$(date +%s%N)
kill -TERM "$pid"
wait "$pid"
rc=$?
ms=$((($(date +%s%N) - t0) / 1000000))
pid=
# The hanging send would hold it 25 s (GDBus's default timeout): 5 s is "at once" with
# room for ASan on a loaded machine; the time itself is shown, not judged.
if [ "$rc" = 0 ] && [ "$ms" -lt 5000 ]; then
        ok "SIGTERM exits 0 at once while a send hangs ($ms ms)"
else
        not_ok "SIGTERM exits 0 at once while a send hangs" "status $rc after $ms ms"
fi
if grep -q '^soon' "$XDG_STATE_HOME/nudge/sent" 2>/dev/null; then
        not_ok "a send that never completed is not recorded"
else
        ok "a send that never completed is not recorded"
fi
finish
