#!/bin/bash
# SPDX-License-Identifier: MIT
# A change of the system time zone (/etc/localtime replaced by rename, as timedatectl
# does) makes nudged plan again at once. The change happens in a private mount namespace
# (an overlay over /etc), so the machine's own zone is never touched.
if [ -z "${DAEMON_TZ_INNER:-}" ]; then
        . "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
        if [ "$(id -u)" != 0 ] || ! unshare -m true 2>/dev/null; then
                if [ "${CI:-}" = true ]; then
                        echo "Bail out! needs root and unshare -m"
                        exit 1
                fi
                echo "1..0 # SKIP needs root and unshare -m (a private mount namespace)"
                rm -rf "$T"
                exit 0
        fi
        DAEMON_TZ_INNER=1 T=$T exec unshare -m --propagation private -- "$0" "$@"
fi

T_KEEP=$T
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
rm -rf "$T"
T=$T_KEEP
NUDGED=${NUDGED:-$top_builddir/nudged}
unset TZ NOTIFY_SOCKET JOURNAL_STREAM WATCHDOG_USEC NUDGE_NOW

# /etc as an overlay: changes land in a tmpfs of this namespace only.
mkdir -p "$T/ovl"
mount -t tmpfs tmpfs "$T/ovl" || { echo "Bail out! cannot mount a tmpfs"; exit 1; }
mkdir -p "$T/ovl/upper" "$T/ovl/work"
mount -t overlay overlay -o "lowerdir=/etc,upperdir=$T/ovl/upper,workdir=$T/ovl/work" /etc ||
        { echo "Bail out! cannot mount an overlay on /etc"; exit 1; }
ln -sfn /usr/share/zoneinfo/Etc/UTC /etc/localtime

# A session 5 h 30 min ahead on a UTC clock, reminded 1 h before: nothing due yet. In a
# zone 5 h ahead of UTC (Asia/Tashkent, no daylight saving) the same wall-clock time is
# only 30 minutes away: its reminder has passed, and goes out late at once.
now=$(date +%s)
W=$(((now + 5 * 3600 + 1800 + 59) / 60 * 60))
mkdir -p "$XDG_CONFIG_HOME/nudge"
printf '[tz]\ntitle = Zone test\nonce = %s\nremind = 1h\n' "$(TZ=UTC date -d "@$W" '+%Y-%m-%d %H:%M')" \
        >"$XDG_CONFIG_HOME/nudge/schedule.ini"
chmod 600 "$XDG_CONFIG_HOME/nudge/schedule.ini"

"$NUDGED" --foreground --dry-run >"$T/d.out" 2>"$T/d.err" </dev/null &
pid=$!
trap 'kill -KILL $pid 2>/dev/null' EXIT
waitfor() { # waitfor FILE PATTERN SECONDS
        local i
        for ((i = 0; i < $3 * 100; i++)); do
                grep -E -q -e "$2" "$1" 2>/dev/null && return 0
                sleep 0.01
        done
        return 1
}
waitfor "$T/d.err" "^Started" 5
sleep 0.3
is "in UTC nothing is due" "$(cat "$T/d.out")" ""

ln -sfn /usr/share/zoneinfo/Asia/Tashkent /etc/localtime.new
mv -T /etc/localtime.new /etc/localtime
if waitfor "$T/d.err" "The system time zone is now" 3; then
        ok "the change of /etc/localtime is noticed"
else
        not_ok "the change of /etc/localtime is noticed" "$(cat "$T/d.err")"
fi
if waitfor "$T/d.out" "^tz: " 3; then
        like "planned again in the new zone: the missed reminder goes out, late" \
                "$(cat "$T/d.out")" "^tz: Zone test in (29|30|31) minutes"
else
        not_ok "planned again in the new zone: the missed reminder goes out, late" \
                "$(cat "$T/d.err")"
fi
kill -TERM "$pid"
wait "$pid"
is "exits 0" "$?" 0
trap - EXIT
umount /etc && umount "$T/ovl"
finish
