#!/bin/bash
# SPDX-License-Identifier: MIT
# nudged without systemd (--foreground): options, exit statuses, the folder watch, SIGHUP,
# broken edits, missed reminders collapsed into one late one, privacy in the logs, no
# session bus at all, a damaged state file, and a quick exit on SIGTERM.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
NUDGED=${NUDGED:-$top_builddir/nudged}
[ -x "$NUDGED" ] || { echo "Bail out! no nudged binary at $NUDGED"; exit 1; }
# Never the desktop's bus: nudged must not disturb (or be disturbed by) a running session.
export XDG_RUNTIME_DIR=$T/rt DBUS_SESSION_BUS_ADDRESS=unix:path=$T/rt/no-bus
unset NOTIFY_SOCKET JOURNAL_STREAM WATCHDOG_USEC NUDGE_NOW
mkdir -p -m 0700 "$XDG_RUNTIME_DIR"
CONF=$XDG_CONFIG_HOME/nudge/schedule.ini

pid=
start() { # start ARGS...: nudged in the background, output in $T/d.out and $T/d.err
        : >"$T/d.out"
        : >"$T/d.err"
        "$NUDGED" --foreground "$@" >"$T/d.out" 2>"$T/d.err" </dev/null &
        pid=$!
}
stop() { # stop: SIGTERM, sets $stop_ms and $stop_rc
        local t0
        t0=$(date +%s%N)
        kill -TERM "$pid"
        wait "$pid"
        stop_rc=$?
        stop_ms=$((($(date +%s%N) - t0) / 1000000))
        pid=
}
trap '[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null' EXIT
wait_file() { # wait_file FILE PATTERN [SECONDS=5]
        local i
        for ((i = 0; i < ${3:-5} * 20; i++)); do
                grep -E -q -e "$2" "$1" 2>/dev/null && return 0
                sleep 0.05
        done
        return 1
}
check_log() { # check_log NAME PATTERN [SECONDS]
        if wait_file "$T/d.err" "$2" "${3:-5}"; then ok "$1"; else not_ok "$1" "log:" "$(cat "$T/d.err")"; fi
}
write_conf() { # write_conf TEXT: as editors do, a new file renamed over the old one
        mkdir -p "$(dirname "$CONF")"
        printf '%s' "$1" >"$CONF.new" && chmod 600 "$CONF.new" && mv -f "$CONF.new" "$CONF"
}
local_time() { date -d "@$1" '+%Y-%m-%d %H:%M'; }

run "$NUDGED" --version
is "--version" "$out" "nudged $(sed -n 's/^AC_INIT(\[nudge\], \[\([^]]*\)\].*/\1/p' "$top_srcdir/configure.ac")"
run "$NUDGED" --help
like "--help lists --config" "$out" "--config=FILE"
like "--help lists --foreground and --dry-run" "$(printf '%s\n' "$out" | tr '\n' ' ')" "--foreground.*--dry-run"
run "$NUDGED" --no-such-option
status "a wrong option exits 64" 64

printf '[a]\nweekly = Someday 10:00\nremind = soon\n' >"$T/broken.ini"
chmod 600 "$T/broken.ini"
# A typo never silences reminders: nudged runs on (no exit 78), and says where.
"$NUDGED" --foreground --dry-run --config "$T/broken.ini" 2>"$T/b.err" &
bpid=$!
if wait_file "$T/b.err" "2 problems in $T/broken.ini, first: $T/broken.ini:2: " 5; then
        ok "a broken file at start: the log counts the problems and names the first, FILE:LINE"
else
        not_ok "a broken file at start: the log counts the problems and names the first, FILE:LINE" "$(cat "$T/b.err")"
fi
sleep 0.3
if kill -0 "$bpid" 2>/dev/null; then ok "... and nudged keeps running (no exit 78)"; else not_ok "... and nudged keeps running (no exit 78)" "$(cat "$T/b.err")"; fi
kill -TERM "$bpid" 2>/dev/null
wait "$bpid" 2>/dev/null

# No file, not even its folder: nudged waits, and finds the file when it appears.
start --dry-run
check_log "a missing file is not an error: nudged waits for it" "does not exist yet"
sleep 0.3
if kill -0 "$pid" 2>/dev/null; then ok "still running without a file"; else not_ok "still running without a file" "$(cat "$T/d.err")"; fi
write_conf "[w]
weekly = Mon 09:00
"
check_log "a file created later (folder included) is picked up" "Loaded $CONF: 1 series" 5
kill -HUP "$pid"
check_log "SIGHUP reloads" "Reloading on SIGHUP"
# Written in place (no rename), as some editors and `>` do.
printf '[w]\nweekly = Mon 09:00\n[v]\nweekly = Tue 09:00\n' >"$CONF"
check_log "a file written in place is picked up" "Loaded $CONF: 2 series"
# The folder removed, then made again: the watch follows it.
rm -rf "$(dirname "$CONF")"
check_log "a removed file means no sessions" "$CONF does not exist: no sessions scheduled"
write_conf "[w]
weekly = Mon 09:00
[v]
weekly = Tue 09:00
[u]
weekly = Wed 09:00
"
check_log "a folder made again is watched again" "Loaded $CONF: 3 series"
write_conf "[w]
weekly = Mon 09:00
remind = whenever
"
check_log "a broken edit keeps the previous schedule, and the log says so" \
        "1 problem in $CONF, first: $CONF:3: .*the last good schedule stays in force"
stop
# A clean exit by itself, well before a service manager's stop timeout (10 s in the unit)
# would kill it; the time is shown, not held to a threshold that ASan on a loaded
# machine could miss (the benchmarks measure it).
if [ "$stop_rc" = 0 ] && [ "$stop_ms" -lt 5000 ]; then
        ok "SIGTERM: exit 0, at once ($stop_ms ms)"
else
        not_ok "SIGTERM: exit 0, at once" "status $stop_rc after $stop_ms ms"
fi

# Missed while nothing ran: two reminders of one session passed; one late reminder.
now=$(date +%s)
M=$(((now + 1800 + 59) / 60 * 60))
write_conf "[late]
title = Late session
once = $(local_time "$M")
remind = 2h, 1h

[quiet]
title = Secret title
privacy = on
once = $(local_time "$M")
remind = 1h
"
start --dry-run
wait_file "$T/d.out" '^quiet:' 5
# A duplicate would go out in a later plan (its deliver-until, the session's start, is half
# an hour off). Two SIGHUPs: once the second reload is logged, the first one's plan has
# run, and the dry-run notifier prints synchronously within it.
wait_for_count() { # wait_for_count FILE PATTERN N
        local i
        for ((i = 0; i < 200; i++)); do
                [ "$(grep -c -e "$2" "$1")" -ge "$3" ] && return 0
                sleep 0.05
        done
        return 1
}
kill -HUP "$pid"
wait_for_count "$T/d.err" "Loaded $CONF" 1
kill -HUP "$pid"
wait_for_count "$T/d.err" "Loaded $CONF" 2 || diag "the second reload was not logged"
is "missed reminders of one session collapse into one" "$(grep -c '^late:' "$T/d.out")" 1
like "the late reminder says the real time left" "$(grep '^late:' "$T/d.out")" "^late: Late session in 3[01] minutes"
check_log "the log says it went out late, standing for two" "2 missed reminders for late .* go out as one"
check_log "the log line of a late send" "Sent late: the reminder of .* for late "
like "privacy: the notice has no title" "$(grep '^quiet:' "$T/d.out")" "^quiet: Session in 3[01] minutes$"
unlike "privacy: the log has no title" "$(cat "$T/d.err")" "Secret title"
stop
if [ -e "$XDG_STATE_HOME/nudge/sent" ]; then not_ok "--dry-run records nothing"; else ok "--dry-run records nothing"; fi

# No session bus at all: the loop keeps running and retries; nothing is recorded as sent.
mkdir -p "$XDG_STATE_HOME/nudge"
printf 'not a state file\n' >"$XDG_STATE_HOME/nudge/sent"
start
check_log "a damaged state file is set aside and logged" "sent is damaged .*kept as .*sent.corrupt-"
check_log "no bus: the failure is logged with the retry" "Could not send the reminder for late .*trying again in 5 s"
sleep 0.5
if kill -0 "$pid" 2>/dev/null; then ok "no bus: nudged keeps running"; else not_ok "no bus: nudged keeps running" "$(cat "$T/d.err")"; fi
stop
is "no bus: SIGTERM still exits 0" "$stop_rc" 0
if grep -q '^late' "$XDG_STATE_HOME/nudge/sent" 2>/dev/null; then
        not_ok "an unsent reminder is not recorded" "$(cat "$XDG_STATE_HOME/nudge/sent")"
else
        ok "an unsent reminder is not recorded"
fi
ls "$XDG_STATE_HOME"/nudge/sent.corrupt-* >/dev/null 2>&1 && ok "the damaged file is kept for a person to look at" ||
        not_ok "the damaged file is kept for a person to look at" "$(ls -la "$XDG_STATE_HOME/nudge")"

# Still no bus, and the session starts before any server could take the reminder: dropped,
# and the log says so.
now=$(date +%s)
M=$(((now + 8 + 59) / 60 * 60))
write_conf "[drop]
title = Drop
once = $(local_time "$M")
remind = 1m
"
start
if wait_file "$T/d.err" "Dropped the reminder for drop .*session started before any notification server took it" \
        $((M - now + 10)); then
        ok "a reminder no server took before its session started is dropped, and logged"
else
        not_ok "a reminder no server took before its session started is dropped, and logged" "$(cat "$T/d.err")"
fi
stop

# Still no bus; a reminder being retried whose session is then removed from the file: dropped,
# and the log says why (not that the session started).
write_conf "[gone]
title = Gone
once = $(local_time $(((now + 3600) / 60 * 60)))
remind = 2h
"
start
check_log "a reminder due now is retried without a bus" "Could not send the reminder for gone .*trying again"
write_conf "[other]
title = Other
once = $(local_time $(((now + 7200) / 60 * 60)))
remind = 1m
"
if wait_file "$T/d.err" "Dropped the reminder for gone \\(no longer in the schedule\\): the session was moved or removed before any notification server took it" 10; then
        ok "a reminder whose session left the schedule before any server took it is dropped, and the log says so"
else
        not_ok "a reminder whose session left the schedule before any server took it is dropped, and the log says so" "$(cat "$T/d.err")"
fi
stop

# The sd_notify protocol, as systemd would see it: READY=1 with a STATUS=, WATCHDOG=1 at
# half the interval, RELOADING=1 then READY=1 around a SIGHUP reload.
cat >"$T/listen.py" <<'PY'
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(0.2)
end = time.time() + float(sys.argv[3])
with open(sys.argv[2], "w") as out:
    while time.time() < end:
        try:
            msg = s.recv(4096).decode()
        except socket.timeout:
            continue
        out.write(msg.replace("\n", "|") + "\n")
        out.flush()
PY
rm -f "$XDG_STATE_HOME/nudge/sent"
write_conf "[w]
title = Weekly
weekly = Mon 09:00
"
/usr/bin/python3 "$T/listen.py" "$T/notify.sock" "$T/notify.log" 3 &
listener=$!
for ((i = 0; i < 100; i++)); do [ -S "$T/notify.sock" ] && break; sleep 0.02; done
NOTIFY_SOCKET=$T/notify.sock WATCHDOG_USEC=200000 start --dry-run
sleep 1
kill -HUP "$pid"
sleep 0.5
stop
wait "$listener"
like "READY=1 comes with what is next" "$(head -n 1 "$T/notify.log")" "^READY=1\|STATUS=Next: Weekly, Mon "
n=$(grep -c '^WATCHDOG=1$' "$T/notify.log")
if [ "$n" -ge 8 ] && [ "$n" -le 25 ]; then
        ok "WATCHDOG=1 every 100 ms for a 200 ms watchdog ($n in 1.5 s)"
else
        not_ok "WATCHDOG=1 every 100 ms for a 200 ms watchdog" "$n pings:" "$(cat "$T/notify.log")"
fi
like "SIGHUP: RELOADING=1, then READY=1 with the status" "$(grep -v WATCHDOG "$T/notify.log" | tr '\n' ' ')" \
        "RELOADING=1 READY=1\|STATUS=Next: Weekly.* STOPPING=1"

finish
