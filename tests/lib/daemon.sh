# SPDX-License-Identifier: MIT
# Helpers for the nudged integration tests; source after tests/lib/desktop.sh and call
# desktop_start first.

. "$top_srcdir/tests/lib/handover.sh"

DAEMON_UNIT=nudged.service

# daemon_install_unit: the unit as built (units/nudged.service), running the build's
# nudged, installed for the private manager. Sets DAEMON_UNIT_FILE and MANPATH (so that
# `systemd-analyze verify` finds nudged(1) and nudge.ini(5) as if installed).
# The calendar reader as nudged meets it: its socket unit, one sandboxed instance per
# request, running $NUDGE_CALENDAR.
daemon_install_reader() {
        local units=$XDG_CONFIG_HOME/systemd/user
        cp "$top_srcdir/units/nudge-calendar.socket" "$units/"
        sed -e "s|^ExecStart=.*|ExecStart=$NUDGE_CALENDAR --serve|" \
                "$top_builddir/units/nudge-calendar@.service" >"$units/nudge-calendar@.service"
        systemctl --user daemon-reload
        systemctl --user start nudge-calendar.socket ||
                desktop_bail "the reader's socket did not start"
}

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

# daemon_pid: sets DAEMON_PID to the running nudged's PID, checked: a unit that failed
# has MainPID=0, and a test that signalled or inspected "0" would hit its own process
# group. Bails out when the unit has no live main process in its own cgroup. (Call it
# as a command, not in $(…): a bail-out there would end only the subshell.)
daemon_pid() {
        local pid
        pid=$(daemon_main_pid)
        if [ -z "$pid" ] || [ "$pid" -le 1 ] 2>/dev/null ||
                ! grep -q "/$DAEMON_UNIT\$" "/proc/$pid/cgroup" 2>/dev/null; then
                desktop_bail "nudged is not running (MainPID=${pid:-none}): $(daemon_log | tail -n 5)"
        fi
        DAEMON_PID=$pid
}

# daemon_term: SIGTERM to the unit's main process, through the manager (which never
# signals anything but the unit's own processes). Sets daemon_term_ms: how long until
# the unit was no longer active.
daemon_term() {
        local t0
        t0=$(date +%s%N)
        systemctl --user kill --kill-who=main -s TERM "$DAEMON_UNIT"
        wait_for 20 sh -c "[ \"\$(systemctl --user is-active $DAEMON_UNIT)\" != active ] && [ \"\$(systemctl --user is-active $DAEMON_UNIT)\" != deactivating ]"
        daemon_term_ms=$((($(date +%s%N) - t0) / 1000000))
}

# daemon_fresh_start: stop nudged, forget its record (so the reminders due now go out
# again), start it.
daemon_fresh_start() {
        systemctl --user stop "$DAEMON_UNIT"
        rm -f "$XDG_STATE_HOME/nudge/sent"
        systemctl --user start "$DAEMON_UNIT" || desktop_bail "nudged did not start: $(daemon_log | tail -n 5)"
}

# daemon_opener [SECONDS=2]: make a recorder the person's default application for
# Markdown and plain text (an .desktop file of its own and mimeapps.list). It appends
# "opened PATH home=writable|read-only userns=… CGROUP" to $DESKTOP_DIR/opened.log, lives
# SECONDS like an editor would, then appends "alive PATH".
daemon_opener() {
        local opener=$DESKTOP_DIR/opener
        cat >"$opener" <<-EOF
	#!/bin/sh
	if echo probe >'$HOME/opener-probe' 2>/dev/null; then home=writable; else home=read-only; fi
	printf 'opened %s home=%s userns=%s %s\n' "\$1" "\$home" "\$(readlink /proc/self/ns/user)" "\$(tail -n 1 /proc/self/cgroup)" >>'$DESKTOP_DIR/opened.log'
	sleep ${1:-2}
	printf 'alive %s\n' "\$1" >>'$DESKTOP_DIR/opened.log'
	EOF
        chmod +x "$opener"
        mkdir -p "$XDG_DATA_HOME/applications"
        cat >"$XDG_DATA_HOME/applications/nudge-test-opener.desktop" <<-EOF
	[Desktop Entry]
	Type=Application
	Name=Test opener
	Exec=$opener %f
	MimeType=text/markdown;text/plain;
	EOF
        printf '%s\n' "[Default Applications]" "text/markdown=nudge-test-opener.desktop" \
                "text/plain=nudge-test-opener.desktop" >"$XDG_CONFIG_HOME/mimeapps.list"
        : >>"$DESKTOP_DIR/opened.log"
}

# daemon_call PATTERN FIELD: FIELD (as notify_call_get prints it) of the last Notify call
# whose summary matches the extended regex PATTERN; exits 1 when there is none.
daemon_call() {
        "$PYTHON" - "$NOTIFY_CALLS" "$1" "$2" <<-'PY'
	import json, re, sys
	last = None
	for line in open(sys.argv[1], encoding="utf-8"):
	    try:
	        rec = json.loads(line)
	    except ValueError:
	        continue
	    if rec.get("event") == "notify" and re.search(sys.argv[2], rec.get("summary", "")):
	        last = rec
	if last is None:
	    sys.exit(1)
	val = last
	for part in sys.argv[3].split(".") if sys.argv[3] else []:
	    val = val[int(part)] if isinstance(val, list) else val[part]
	print(val if isinstance(val, str) else json.dumps(val, ensure_ascii=False))
	PY
}

# daemon_calls_answered: every Notify call on the bus so far has had its reply (nothing
# is in flight between nudged and the server).
daemon_calls_answered() {
        "$PYTHON" - "$NOTIFY_CALLS" <<-'PY'
	import json, sys
	n = r = 0
	for line in open(sys.argv[1], encoding="utf-8"):
	    try:
	        ev = json.loads(line).get("event")
	    except ValueError:
	        continue
	    n += ev == "notify"
	    r += ev in ("notify-reply", "notify-error")
	sys.exit(0 if n == r else 1)
	PY
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
