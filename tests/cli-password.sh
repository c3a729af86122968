#!/bin/bash
# SPDX-License-Identifier: MIT
# `nudge password`: a calendar's password kept in a real Secret Service (gnome-keyring on a
# private bus), read from stdin or from a terminal with echo off, replaced, forgotten; the
# refusals (no such section, no calendar, a file calendar, no user in the URL, an empty
# password), no Secret Service, no bus; the bash completion; and that the password shows
# up nowhere but in the keyring.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
. "$top_srcdir/tests/lib/keyring.sh"
keyring_require python3
cd "$T" || exit 1

url=https://sam@cloud.example.org/remote.php/dav/calendars/sam/personal/
url_bob=https://bob@cloud.example.org/remote.php/dav/calendars/bob/personal/
mkdir -p "$HOME/Calendars" && : >"$HOME/Calendars/mine.ics"
printf '%s\n' "[nextcloud]" "calendar = $url" "match = therapy" \
        "[bob]" "calendar = $url_bob" \
        "[anon]" "calendar = https://cloud.example.org/feeds/6f3c9a.ics" \
        "[mine]" "calendar = ~/Calendars/mine.ics" \
        "[weekly]" "weekly = Tue 14:00" >s.ini
chmod 600 s.ini
PW='pässwörd with spaces; "quotes" and $dollar'
PW2=second-Passw0rd

# run_input TEXT CMD...: run, with TEXT (and a line end) on stdin, through a pipe (a
# here-string could leave the password in a temporary file).
run_input() {
        local input=$1
        shift
        printf '%s\n' "$input" | timeout 20 "$@" >"$T/.out" 2>"$T/.err"
        rc=$?
        out=$(cat "$T/.out")
        err=$(cat "$T/.err")
        cat "$T/.out" "$T/.err" >>"$T/.all"
}

lookup() {
        timeout 10 secret-tool lookup url "$1" 2>/dev/null
}

keyring_bus_start
keyring_start

# ---- store, replace, another account, forget --------------------------------------
run_input "$PW" "$NUDGE" password --config s.ini nextcloud
status "a password from stdin is stored" 0
is "it says so in one line, naming section and host only" "$out" \
        "Stored the password of calendar [nextcloud] (cloud.example.org) in the keyring."
is "the keyring holds it under the URL with its user name" "$(lookup "$url")" "$PW"
label=$(timeout 10 secret-tool search --all url "$url" 2>&1 | sed -n 's/^label = //p')
is "its label names section and host, not the path" "$label" \
        "nudge: calendar [nextcloud] (cloud.example.org)"
schema=$(timeout 10 secret-tool search --all url "$url" 2>&1 | sed -n 's/^schema = //p')
is "... in nudge's schema" "$schema" "org.nudge.Calendar"

run_input "$PW2" "$NUDGE" password -c s.ini NextCloud
status "the section can be typed in any case" 0
is "a second time, it replaces the first" "$out" \
        "Replaced the password of calendar [nextcloud] (cloud.example.org) in the keyring."
is "... and the keyring holds the new one" "$(lookup "$url")" "$PW2"

run_input "bobs-pw" "$NUDGE" password -c s.ini bob
status "another user on the same server" 0
is "... is an item of its own" "$(lookup "$url_bob") $(lookup "$url")" "bobs-pw $PW2"

run "$NUDGE" password -c s.ini --forget nextcloud
status "--forget exits 0" 0
is "--forget says it removed it" "$out" \
        "Removed the password of calendar [nextcloud] (cloud.example.org) from the keyring."
is "... it is gone from the keyring" "$(lookup "$url")" ""
is "... and the other account's is still there" "$(lookup "$url_bob")" "bobs-pw"
run "$NUDGE" password -c s.ini --forget nextcloud
status "--forget again exits 0" 0
is "... and says there was none" "$out" \
        "There was no password of calendar [nextcloud] (cloud.example.org) in the keyring."

# ---- what is refused ----------------------------------------------------------------
run_input "" "$NUDGE" password -c s.ini nextcloud
status "an empty password: exit 1" 1
like "... saying nothing was stored" "$err" "no password given.*nothing was stored"
is "... and nothing is" "$(lookup "$url")" ""
printf 'tab\there\n' | timeout 20 "$NUDGE" password -c s.ini nextcloud >"$T/.out" 2>"$T/.err"
rc=$? err=$(cat "$T/.err")
status "a password with a control character: exit 1" 1
like "... saying why" "$err" "control character"
head -c 5000 /dev/zero | tr '\0' x | timeout 20 "$NUDGE" password -c s.ini nextcloud \
        >"$T/.out" 2>"$T/.err"
rc=$? err=$(cat "$T/.err")
status "a password over 4096 bytes: exit 1" 1
like "... saying it is too long" "$err" "too long"
timeout 20 "$NUDGE" password -c s.ini nextcloud </dev/zero >"$T/.out" 2>"$T/.err"
rc=$? err=$(cat "$T/.err")
status "a never-ending stdin: exit 1, at once" 1
like "... saying it is too long" "$err" "too long"

run "$NUDGE" password -c s.ini mine
status "a file calendar: exit 64" 64
like "... a file needs no password" "$err" "\[mine\] reads the calendar file .*mine.ics: a file needs no password"
like "... and the sections with a URL are named" "$err" "sections with a calendar at a URL: anon, bob, nextcloud"
run "$NUDGE" password -c s.ini weekly
status "a section without a calendar: exit 64" 64
like "... saying so" "$err" "\[weekly\] has no 'calendar' key"
run "$NUDGE" password -c s.ini nextclod
status "no such section: exit 64" 64
like "... saying so, with the file" "$err" "there is no section \[nextclod\] in s.ini"
run "$NUDGE" password -c s.ini anon
status "a URL without a user: exit 64" 64
like "... saying where the user name goes" "$err" "names no user.*https://NAME@cloud.example.org/"
run "$NUDGE" password -c s.ini
status "no section named: exit 64" 64
like "... saying what to give" "$err" "name one section"
run "$NUDGE" password -c s.ini a b
status "two sections: exit 64" 64
run "$NUDGE" password --help
status "--help exits 0" 0
like "--help says that stdin is read when it is not a terminal" "$out" "When standard input"
run "$NUDGE" --help
like "nudge --help lists the command" "$out" "password \[--forget\] SECTION"

# A URL in a file that others can read: the schedule file is refused, with the fix.
cp s.ini open.ini && chmod 644 open.ini
run_input "$PW" "$NUDGE" password -c open.ini nextcloud
status "a schedule file with a URL that others can read: exit 78" 78
like "... the parser's message reaches the person, with chmod" "$err" "chmod"

# ---- a terminal: the prompt, no echo, and echo back after Ctrl-C ----------------------
# pty-drive.py drives nudge on a pseudo-terminal: prints what the terminal showed, then
# "echo=1|0" (the terminal's ECHO flag once nudge is gone), then nudge's exit status.
cat >pty-drive.py <<'EOF'
import os, pty, select, sys, termios, time
answer, argv = sys.argv[1], sys.argv[2:]
pid, fd = pty.fork()
if pid == 0:
    os.execv(argv[0], argv)
seen, deadline = b"", time.time() + 15
def read_for(sec):
    global seen
    end = time.time() + sec
    while time.time() < end:
        r, _, _ = select.select([fd], [], [], 0.1)
        if r:
            try:
                seen += os.read(fd, 4096)
            except OSError:
                return
while b": " not in seen and time.time() < deadline:
    read_for(0.1)
os.write(fd, b"\x03" if answer == "^C" else answer.encode() + b"\n")
read_for(1.5)
echo = termios.tcgetattr(fd)[3] & termios.ECHO
_, st = os.waitpid(pid, 0)
sys.stdout.write(seen.decode(errors="replace") + "\n")
print("echo=%d" % (1 if echo else 0))
print("status=%s" % (os.waitstatus_to_exitcode(st)))
EOF
ttyout=$(timeout 30 python3 pty-drive.py "$PW" "$NUDGE" password -c s.ini nextcloud 2>&1)
printf '%s\n' "$ttyout" >>"$T/.all"
like "on a terminal it asks, naming section, host and user" "$ttyout" \
        "Password for calendar \[nextcloud\] at cloud.example.org \(user sam\): "
like "... stores what was typed" "$ttyout" "Stored the password of calendar \[nextcloud\]"
is "... (the keyring has it)" "$(lookup "$url")" "$PW"
like "... with the terminal's echo back on afterwards" "$ttyout" "echo=1"
ttyout=$(timeout 30 python3 pty-drive.py "^C" "$NUDGE" password -c s.ini bob 2>&1)
printf '%s\n' "$ttyout" >>"$T/.all"
like "Ctrl-C at the prompt ends nudge by SIGINT" "$ttyout" "status=-2"
like "... and gives the terminal its echo back" "$ttyout" "echo=1"
is "... and the stored password stays" "$(lookup "$url_bob")" "bobs-pw"

# ---- the lookups nudged uses (tests/password-probe: sync, async, cancelled) ------------
PROBE=$top_builddir/tests/password-probe
if [ -x "$PROBE" ]; then
        is "lookup: the stored password" "$(timeout 10 "$PROBE" sync "$url" "$PW")" "match"
        is "lookup, async: the stored password" "$(timeout 10 "$PROBE" async "$url" "$PW")" "match"
        is "lookup, async: another account's is another" \
                "$(timeout 10 "$PROBE" async "$url_bob" "$PW")" "differs"
        is "lookup, async: none stored" \
                "$(timeout 10 "$PROBE" async https://nobody@cloud.example.org/)" "none"
        like "lookup, async, cancelled: says so" \
                "$(timeout 10 "$PROBE" cancel "$url" "$PW")" "^error g-io-error-quark/19: "
else
        skip "the lookups nudged uses" "no tests/password-probe (make check builds it)"
fi

# ---- a locked keyring, no Secret Service, no bus ---------------------------------------
keyring_stop
keyring_start --locked
run_input "$PW2" "$NUDGE" password -c s.ini nextcloud
status "a locked keyring that cannot be unlocked here: exit 1" 1
like "... saying so and how to unlock it" "$err" "keyring is locked.*was not unlocked.*unlock it in Passwords and Keys"
run "$NUDGE" password -c s.ini --forget nextcloud
status "--forget in a locked keyring: exit 1" 1
like "... saying so" "$err" "keyring is locked"
if [ -x "$PROBE" ]; then
        like "lookup, async, locked: says so (not \"none stored\")" \
                "$(timeout 10 "$PROBE" async "$url" "$PW")" "^error locked: "
fi
keyring_stop
if [ -x "$PROBE" ]; then
        like "lookup, async, no Secret Service: says so" \
                "$(timeout 10 "$PROBE" async "$url" "$PW")" "^error no-service: .*gnome-keyring"
fi
run_input "$PW" "$NUDGE" password -c s.ini nextcloud
status "no Secret Service on the bus: exit 1" 1
like "... saying so and what to install" "$err" "no Secret Service on the session bus.*gnome-keyring.*KWallet"
run "$NUDGE" password -c s.ini --forget nextcloud
status "--forget without a Secret Service: exit 1" 1
like "... saying the same" "$err" "no Secret Service"
DBUS_SESSION_BUS_ADDRESS=unix:path=$T/no-bus run_input "$PW" "$NUDGE" password -c s.ini nextcloud
status "no session bus at all: exit 1" 1
like "... saying so" "$err" "no session bus"

# ---- the completion ------------------------------------------------------------------
. "$top_srcdir/conf/nudge.bash-completion"
complete_words() {
        COMP_WORDS=("$@")
        COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
        COMPREPLY=()
        _nudge
        printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ' | sed 's/ $//'
}
is "completion: password is a command" "$(complete_words nudge pas)" "password"
is "completion: nudge password <TAB> gives the sections with a calendar URL" \
        "$(complete_words nudge password --config s.ini '')" "anon bob nextcloud"
is "completion: its options" "$(complete_words nudge password --)" "--config --forget --help"

# ---- the password is nowhere but in the keyring ---------------------------------------
leaks=$(grep -rlF -e "$PW" -e "$PW2" -e bobs-pw "$T" 2>/dev/null | grep -v "^$XDG_DATA_HOME/keyrings/")
is "no output of nudge and no file under the test's folder holds a password (but the keyring's)" \
        "$leaks" ""
finish
