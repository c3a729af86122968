#!/bin/bash
# SPDX-License-Identifier: MIT
# units/nudge-calendar.socket and nudge-calendar@.service.in on a private user manager:
#   - systemd-analyze verify prints nothing, systemd-analyze security rates the service;
#   - a request through the socket is answered by an instance of the unit, for a file and
#     for a URL (https, a feed server of the test's own), which it caches;
#   - a running instance (kept waiting by a stalled server) has no new privileges, a
#     seccomp filter, no capabilities, the file system read-only but the cache folder,
#     no session bus to find or address; and a probe with the unit's sandbox lines cannot
#     make a local socket or write home;
#   - a finished or failed instance does not stay loaded.
set -uo pipefail
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib/desktop.sh"

tap_plan 18
for tool in openssl systemd-analyze; do
        command -v $tool >/dev/null || desktop_skip "$tool is missing"
done
CAL=${NUDGE_CALENDAR:-$top_builddir/nudge-calendar}
[ -x "$CAL" ] || desktop_bail "no nudge-calendar at $CAL: run make first"
desktop_start

units=$XDG_CONFIG_HOME/systemd/user
cp "$top_srcdir/units/nudge-calendar.socket" "$units/"
sed -e "s|^ExecStart=.*|ExecStart=$CAL --serve|" "$top_builddir/units/nudge-calendar@.service" \
        >"$units/nudge-calendar@.service"
man=$DESKTOP_DIR/man
mkdir -p "$man/man1" "$man/man5"
ln -sf "$top_srcdir/man/nudged.1" "$man/man1/nudged.1"
ln -sf "$top_srcdir/man/nudge.ini.5" "$man/man5/nudge.ini.5"
export MANPATH=$man:
systemctl --user daemon-reload

# ---- the files ----------------------------------------------------------------------------
out=$(systemd-analyze verify --user "$units/nudge-calendar.socket" "$units/nudge-calendar@.service" 2>&1)
tap_is "systemd-analyze verify --user prints nothing for the socket and the service" "$out" ""
sec=$(systemd-analyze security --user nudge-calendar@x.service 2>&1)
score=$(sed -n 's/.*Overall exposure level for .*: \([0-9.]*\) .*/\1/p' <<<"$sec")
if [ -n "$score" ] && awk -v s="$score" 'BEGIN { exit !(s <= 2.5) }'; then
        tap_ok "systemd-analyze security --user nudge-calendar@x.service: $score (2.5 or better)"
else
        tap_not_ok "systemd-analyze security --user: 2.5 or better" "$(tail -n 3 <<<"$sec")"
fi
systemctl --user start nudge-calendar.socket || desktop_bail "the socket did not start"
sock=$XDG_RUNTIME_DIR/nudge-calendar.socket
tap_is "the socket is there, 0600" "$(stat -c '%F %a' "$sock")" "socket 600"

# ---- a feed server --------------------------------------------------------------------------
srv=$DESKTOP_DIR/srv
mkdir -m 700 "$srv"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$srv/key.pem" -out "$srv/cert.pem" -days 2 \
        -subj /CN=localhost -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" 2>/dev/null
chmod 600 "$srv/cert.pem" "$srv/key.pem"
cp "$top_srcdir/tests/data/calendars/google.ics" "$srv/feed.ics"
"$PYTHON" "$top_srcdir/tests/lib/feed-server.py" "$srv" >"$srv/server.log" 2>&1 &
server=$!
desktop_atexit "kill $server 2>/dev/null"
wait_for 10 test -s "$srv/ports" || desktop_bail "the feed server did not start"
read -r hp _ <"$srv/ports"
desktop_setenv NUDGE_CALENDAR_CA_FILE="$srv/cert.pem"

# ask SECTION SOURCE: one request through the socket; $reply the answer.
ask() {
        reply=$(timeout 60 "$PYTHON" -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])
s.sendall(sys.stdin.buffer.read())
s.shutdown(socket.SHUT_WR)
while True:
    b = s.recv(65536)
    if not b:
        break
    sys.stdout.buffer.write(b)
' "$sock" < <(printf 'nudge-calendar-request 1\nsection\t%s\nsource\t%s\nzone\tEurope/Berlin\nfrom\t1793491200\nto\t1809216000\nduration\t3000\nmatch\ttherapy\nfetch\tfresh\nend\n' "$1" "$2"))
}
field() { sed -n "s/^$1\t//p" <<<"$reply" | head -1; }

ask file "$srv/feed.ics"
tap_is "a file through the socket: answered by the unit" "$(field result) $(field origin)" "ok file"
tap_is "a file through the socket: its 20 sessions" "$(tail -1 <<<"$reply" | cut -f2)" 20
ask feed "https://localhost:$hp/feed.ics"
tap_is "a URL through the socket: fetched over https" "$(field result) $(field origin) $(field http)" \
        "ok fetched 200"
tap_is "the unit cached it in \$XDG_CACHE_HOME/nudge, 0600 in 0700" \
        "$(stat -c %a "$XDG_CACHE_HOME/nudge" "$XDG_CACHE_HOME/nudge/feed.ics" | tr '\n' ' ')" "700 600 "
ask feed "https://localhost:$hp/feed.ics"
tap_is "again: 304, the cached copy" "$(field origin) $(field http)" "not-modified 304"

# ---- a running instance -------------------------------------------------------------------
echo stall >"$srv/mode"
{ ask stalled "https://localhost:$hp/feed.ics"; printf '%s\n' "$reply" >"$DESKTOP_DIR/stalled.out"; } &
asker=$!
instance_pid() {
        local u
        u=$(systemctl --user list-units --plain --no-legend 'nudge-calendar@*.service' |
                awk '$4 == "running" { print $1; exit }')
        [ -n "$u" ] && pid=$(systemctl --user show -p MainPID --value "$u") && [ "$pid" != 0 ]
}
wait_for 10 instance_pid || desktop_bail "no running instance of nudge-calendar@.service"
instance_pid
st=/proc/$pid/status
tap_is "the instance: no new privileges, a seccomp filter, no capabilities" \
        "$(awk '/^NoNewPrivs|^Seccomp:|^CapBnd|^CapEff/ { printf "%s%s ", $1, $2 }' "$st")" \
        "CapEff:0000000000000000 CapBnd:0000000000000000 NoNewPrivs:1 Seccomp:2 "
# Mount points as the instance sees them, with their flags (octal escapes decoded).
mounts=$("$PYTHON" - "/proc/$pid/mountinfo" <<'PY'
import re, sys
for line in open(sys.argv[1]):
    f = line.split()
    unesc = lambda s: re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), s)
    print(unesc(f[4]), f[5].split(",")[0])
PY
)
# mount_of PATH: the flag (ro/rw) of the deepest mount point holding PATH.
mount_of() {
        awk -v p="$1" '{ if ((p == $1 || index(p, $1 "/") == 1 || $1 == "/") && length($1) > best) {
                best = length($1); flag = $2 } } END { print flag }' <<<"$mounts"
}
tap_is "home read-only, the cache folder writable, /usr read-only" \
        "$(mount_of "$HOME") $(mount_of "$XDG_CACHE_HOME/nudge") $(mount_of /usr)" "ro rw ro"
tap_is "the session bus socket is not there to open: \$XDG_RUNTIME_DIR is empty" \
        "$(ls -A "/proc/$pid/root$XDG_RUNTIME_DIR" 2>&1 | wc -l) $(test -e "/proc/$pid/root$XDG_RUNTIME_DIR/bus" || echo no-bus)" \
        "0 no-bus"
unlike_env=$(tr '\0' '\n' <"/proc/$pid/environ" | grep -c '^DBUS_SESSION_BUS_ADDRESS=')
tap_is "no bus address in its environment" "$unlike_env" 0
wait $asker
reply=$(cat "$DESKTOP_DIR/stalled.out")
tap_is "the stalled fetch ends within the time limit, with no copy: failed" \
        "$(field result) $(field origin)" "failed none"
like_reason=$(field reason)
[[ $like_reason == *"no answer within 30 seconds"* ]] && tap_ok "it says why: $like_reason" ||
        tap_not_ok "the reason of the stalled fetch" "$like_reason"
echo good >"$srv/mode"

# ---- what the sandbox lets through, tried with the unit's own settings -------------------
# A probe in a transient unit with the service's sandbox lines: a local socket cannot be
# made (the bus, or any other service, is out of reach), home cannot be written.
mapfile -t props < <(sed -n -e 's/^\(PrivateUsers\|ProtectSystem\|ProtectHome\|RestrictAddressFamilies\|NoNewPrivileges\|SystemCallFilter\|TemporaryFileSystem\|PrivateTmp\)=/&/p' \
        "$units/nudge-calendar@.service" | sed "s|%t|$XDG_RUNTIME_DIR|g" | sed 's/^/-p\n/')
probe=$(timeout 30 systemd-run --user --wait --pipe --quiet "${props[@]}" "$PYTHON" -c '
import os, socket, sys
def try_(name, f):
    try:
        f(); print(name + "=ok")
    except OSError as e:
        print(name + "=" + (os.strerror(e.errno) if e.errno else str(e)))
def unix():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); s.connect(sys.argv[1] + "/bus")
try_("unix", unix)
try_("inet", lambda: socket.socket(socket.AF_INET, socket.SOCK_STREAM).close())
try_("home", lambda: open(sys.argv[2] + "/probe", "w").close())
' "$XDG_RUNTIME_DIR" "$HOME" 2>&1)
tap_is "a probe with the unit's lines: no unix socket, the network, home read-only" \
        "$(tr '\n' ' ' <<<"$probe")" \
        "unix=Address family not supported by protocol inet=ok home=Read-only file system "

# ---- instances do not pile up -------------------------------------------------------------
wait_for 10 sh -c '! systemctl --user list-units --all --plain --no-legend "nudge-calendar@*" | grep -q .'
left=$(systemctl --user list-units --all --plain --no-legend 'nudge-calendar@*' | wc -l)
tap_is "no instance stays loaded after its request, failed or not" "$left" 0
printf 'garbage\n' | timeout 20 "$PYTHON" -c '
import socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.sendall(b"x\n")
s.shutdown(socket.SHUT_WR); print(s.recv(100).decode().splitlines()[0])' "$sock" >"$DESKTOP_DIR/bad.out" 2>&1
tap_is "a bad request: still a reply" "$(cat "$DESKTOP_DIR/bad.out")" "nudge-calendar-reply 1"
wait_for 10 sh -c '! systemctl --user list-units --all --plain --no-legend "nudge-calendar@*" | grep -q .'
tap_is "and its failed instance is gone too" \
        "$(systemctl --user list-units --all --plain --no-legend 'nudge-calendar@*' | wc -l)" 0
