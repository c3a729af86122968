# SPDX-License-Identifier: MIT
# Helpers for the nudged integration tests; source after tests/lib/desktop.sh and call
# desktop_start first.

DAEMON_UNIT=nudged.service

# daemon_install_unit: the unit as built (units/nudged.service), running the build's
# nudged, installed for the private manager. Sets DAEMON_UNIT_FILE and MANPATH (so that
# `systemd-analyze verify` finds nudged(1) and nudge.ini(5) as if installed).
daemon_install_unit() {
        local built=$top_builddir/units/nudged.service
        [ -f "$built" ] || desktop_bail "$built is missing: run make first"
        DAEMON_UNIT_FILE=$XDG_CONFIG_HOME/systemd/user/$DAEMON_UNIT
        sed -e "s|^ExecStart=.*|ExecStart=$top_builddir/nudged|" "$built" >"$DAEMON_UNIT_FILE"
        # LeakSanitizer stops the threads of the process to scan them, which the unit's
        # sandbox forbids: in a sanitizer build the service keeps ASan and UBSan, not LSan.
        # (Leaks of nudged are checked outside the sandbox: tests/daemon-cli.sh, valgrind.)
        if nm -an "$top_builddir/nudged" 2>/dev/null | grep __asan_init >/dev/null; then
                mkdir -p "$DAEMON_UNIT_FILE.d"
                printf '[Service]\nEnvironment=ASAN_OPTIONS=detect_leaks=0\n' \
                        >"$DAEMON_UNIT_FILE.d/sanitizers.conf"
        fi
        local man=$DESKTOP_DIR/man
        mkdir -p "$man/man1" "$man/man5"
        ln -sf "$top_srcdir/man/nudged.1" "$man/man1/nudged.1"
        [ -f "$top_srcdir/man/nudge.ini.5" ] && ln -sf "$top_srcdir/man/nudge.ini.5" "$man/man5/nudge.ini.5"
        export MANPATH=$man:
        systemctl --user daemon-reload
}

# daemon_schedule TEXT: write the schedule the way editors do (a new file renamed over it).
daemon_schedule() {
        local f=$XDG_CONFIG_HOME/nudge/schedule.ini
        mkdir -p "$(dirname "$f")"
        printf '%s' "$1" >"$f.new" && mv -f "$f.new" "$f"
}

# daemon_minute SECONDS: the first whole minute at least SECONDS from now (Unix time).
daemon_minute() {
        local now
        now=$(date +%s)
        echo $(((now + $1 + 59) / 60 * 60))
}

# daemon_local EPOCH: "YYYY-MM-DD HH:MM" in the local zone, as the schedule wants it.
daemon_local() {
        date -d "@$1" '+%Y-%m-%d %H:%M'
}

# daemon_short EPOCH: "Tue 1 Dec 14:00", as the status line writes it.
daemon_short() {
        LC_ALL=C date -d "@$1" '+%a %-d %b %H:%M'
}

daemon_status() {
        systemctl --user show -p StatusText --value "$DAEMON_UNIT"
}

daemon_main_pid() {
        systemctl --user show -p MainPID --value "$DAEMON_UNIT"
}

# daemon_status_wait SUBSTRING [TIMEOUT=5]
daemon_status_wait() {
        daemon__status_has() {
                [[ $(daemon_status) == *"$1"* ]]
        }
        wait_for "${2:-5}" daemon__status_has "$1"
}

# daemon_sleep_until EPOCH: sleep until that wall-clock second.
daemon_sleep_until() {
        local now
        now=$(date +%s)
        [ "$1" -gt "$now" ] && sleep $(($1 - now))
        return 0
}

# daemon_log: what the units wrote (the manager's output: no journald runs here).
daemon_log() {
        cat "$DESKTOP_DIR/manager.log" 2>/dev/null
}

# daemon_sent_count PATTERN: how many Notify calls had a summary matching PATTERN (ERE).
daemon_sent_count() {
        local n i c=0
        n=$(notify_calls_count)
        for ((i = 1; i <= n; i++)); do
                notify_call_get "$i" summary | grep -E -q -e "$1" && c=$((c + 1))
        done
        echo "$c"
}

# daemon_call_time PATTERN: the bus time of the first Notify call whose summary matches.
daemon_call_time() {
        local n i
        n=$(notify_calls_count)
        for ((i = 1; i <= n; i++)); do
                if notify_call_get "$i" summary | grep -E -q -e "$1"; then
                        notify_call_get "$i" time
                        return 0
                fi
        done
        return 1
}
