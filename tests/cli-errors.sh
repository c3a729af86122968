#!/bin/bash
# SPDX-License-Identifier: MIT
# `nudge check`, `list` and `edit` on everything that can go wrong: broken schedules
# (exact FILE:LINE: messages, exit 78), missing, unreadable and strange files (never a
# hang, never a crash), wrong arguments (exit 64), and edits that must not replace a good
# schedule with a broken one.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
cd "$T" || exit 1

# ---- broken schedules: every problem, at its line -------------------------------------------
for name in typo structure values kinds calendar; do
        fixture "bad-$name.ini"
        run "$NUDGE" check --config "bad-$name.ini"
        status "check bad-$name.ini exits 78" 78
        is "check bad-$name.ini reports every problem at its line" "$err" \
                "$(cat "$DATA/bad-$name.expected")"
        is "check bad-$name.ini prints nothing on stdout" "$out" ""
        run "$NUDGE" list --config "bad-$name.ini" --json
        status "list bad-$name.ini exits 78" 78
        is "list bad-$name.ini: same report" "$err" "$(cat "$DATA/bad-$name.expected")"
        is "list bad-$name.ini prints no JSON" "$out" ""
done

# The path in messages is the one given.
run "$NUDGE" check --config "$T/bad-typo.ini"
like "messages name the path as given" "$err" "^$T/bad-typo.ini:3: unknown key 'remnid'"

# Bytes that are not text: one message each, at their line.
printf '[t]\nweekly = Tue 14:00\ntitle = a\0b\n' >nul.ini
printf '[t]\nweekly = Tue 14:00\ntitle = caf\xe9\n' >latin1.ini
{ printf '[t]\nweekly = Tue 14:00\n# '; head -c 5000 /dev/zero | tr '\0' x; printf '\n'; } >long.ini
printf '[t]\r\nweekly = Tue 14:00\r\nprivacy = maybe\r\n' >crlf.ini
chmod 600 ./*.ini
run "$NUDGE" check --config nul.ini
status "a NUL byte: exit 78" 78
is "a NUL byte: its line" "$err" "nul.ini:3: holds a NUL byte: the schedule must be plain text"
run "$NUDGE" check --config latin1.ini
status "Latin-1: exit 78" 78
is "Latin-1: its line" "$err" \
        "latin1.ini:3: is not valid UTF-8 (at byte 12 of the line): save the file as UTF-8"
run "$NUDGE" check --config long.ini
status "a line of 5002 bytes: exit 78" 78
is "a line of 5002 bytes: its line" "$err" \
        "long.ini:3: is 5002 bytes long; lines may hold at most 4096"
run "$NUDGE" check --config crlf.ini
status "CRLF: exit 78 for the bad value" 78
is "CRLF: the bad value at its line, without the CR" "$err" \
        "crlf.ini:3: 'maybe' is not on or off (yes/no, true/false and 1/0 work too)"

# Binary junk: a bounded report, no crash.
head -c 300000 /dev/urandom >junk.ini
chmod 600 junk.ini
run "$NUDGE" check --config junk.ini
status "random bytes: exit 78" 78
lines=$(printf '%s\n' "$err" | wc -l)
if [ "$lines" -ge 1 ] && [ "$lines" -le 25 ]; then
        ok "random bytes: a short report ($lines lines)"
else
        not_ok "random bytes: a short report" "$lines lines"
fi
cp "$NUDGE" elf.ini
chmod 600 elf.ini
run "$NUDGE" check --config elf.ini
status "a program as the schedule: exit 78" 78
like "a program as the schedule: says it is no schedule" "$err" \
        "does not look like a schedule file|NUL byte|not valid UTF-8|too large"

# Too large.
truncate -s 5M big.ini
chmod 600 big.ini
run "$NUDGE" check --config big.ini
status "a 5 MiB file: exit 78" 78
is "a 5 MiB file: too large" "$err" "big.ini: is too large for a schedule (more than 4 MiB)"

# ---- files that are not there, not files, or not ours alone ---------------------------------
run "$NUDGE" check --config "$T/nowhere/schedule.ini"
status "a missing file: exit 78" 78
like "a missing file: names the path" "$err" "^$T/nowhere/schedule.ini: "
like "a missing file: points to nudge edit" "$err" "nudge edit"
like "a missing file: points to the example" "$err" "schedule\.ini\.example"
like "a missing file: says how to copy it there" "$err" "mkdir -p '$T/nowhere' && cp "

run "$NUDGE" check
status "no --config and no file: exit 78" 78
like "no --config: the default path under XDG_CONFIG_HOME" "$err" \
        "^$XDG_CONFIG_HOME/nudge/schedule.ini: "

mkdir -p adir
run "$NUDGE" check --config adir
status "a directory: exit 78" 78
is "a directory: says so" "$err" "adir: is a folder, not a schedule file"

mkfifo fifo.ini
chmod 600 fifo.ini
run "$NUDGE" check --config fifo.ini
status "a FIFO: exit 78, no hang" 78
is "a FIFO: not a regular file" "$err" "fifo.ini: is not a regular file"
# Also while a writer holds it open and writes nothing.
sleep 30 >fifo.ini &
writer=$!
run "$NUDGE" list --config fifo.ini
status "a FIFO with a silent writer: exit 78, no hang" 78
kill "$writer" 2>/dev/null
wait "$writer" 2>/dev/null

for dev in /dev/zero /dev/null /dev/urandom; do
        run "$NUDGE" check --config "$dev"
        status "$dev: exit 78, no hang" 78
        is "$dev: not a regular file" "$err" "$dev: is not a regular file"
done

printf '[t]\nweekly = Tue 14:00\n' >locked.ini
chmod 000 locked.ini
if [ "$(id -u)" = 0 ]; then
        # Root reads a mode 000 file: try as the user "nobody" instead, with the file and a
        # copy of nudge in a folder that this user can reach.
        pub=$(mktemp -d "${TMPDIR:-/tmp}/nudge-pub.XXXXXX")
        chmod 755 "$pub"
        cp "$NUDGE" "$pub/nudge"
        cp locked.ini "$pub/locked.ini"
        chmod 000 "$pub/locked.ini"
        run setpriv --reuid=65534 --regid=65534 --clear-groups "$pub/nudge" check \
                --config "$pub/locked.ini"
        status "an unreadable file: exit 78" 78
        like "an unreadable file: names the path and the reason" "$err" \
                "^$pub/locked.ini: .*Permission denied"
        rm -rf "$pub"
else
        run "$NUDGE" check --config locked.ini
        status "an unreadable file: exit 78" 78
        like "an unreadable file: names the path and the reason" "$err" \
                "^locked.ini: .*Permission denied"
fi
# What root cannot be kept from: a file that others can change is refused all the same.
chmod 664 locked.ini
run "$NUDGE" check --config locked.ini
status "a group-writable file: exit 78" 78
is "a group-writable file: the chmod hint" "$err" \
        "locked.ini: others can change it (mode 0664): run chmod go-w locked.ini"
chmod 602 locked.ini
run "$NUDGE" check --config locked.ini
status "a world-writable file: exit 78" 78
like "a world-writable file: the chmod hint" "$err" "mode 0602.*chmod go-w"
chmod 600 locked.ini
run "$NUDGE" check --config locked.ini
status "the same file, mode 0600: exit 0" 0

# ---- arguments: exit 64 ----------------------------------------------------------------------
fixture bad-typo.ini
printf '[t]\nweekly = Tue 14:00\n' >good.ini
chmod 600 good.ini
for days in 0 3661 abc -1 1.5 "" 07 99999999999999999999; do
        run "$NUDGE" list --config good.ini --days "$days"
        status "--days '$days': exit 64" 64
        like "--days '$days': says what is accepted" "$err" "1 to 3660"
done
for days in 1 3660; do
        run "$NUDGE" list --config good.ini --days "$days" --json
        status "--days $days: exit 0" 0
done
for from in yesterday 2026-13-01 2026-02-30 "2026-11-25T25:00:00Z" "2026-11-25T09:00:00" \
        "2026-11-25 9" "2026-11-25 09:00:00" "2026-11-25T09:00:00+1:00" "" "2026-11-25x" \
        "2026-11-25T09:00:00Zjunk" "20261125"; do
        run "$NUDGE" list --config good.ini --from "$from"
        status "--from '$from': exit 64" 64
        like "--from '$from': says which forms work" "$err" "RFC 3339"
done
# Arguments are checked before the file: a usage error wins over a broken file.
run "$NUDGE" list --config bad-typo.ini --days 0
status "--days 0 with a broken file: still 64" 64
run "$NUDGE" list --config good.ini --bogus
status "an unknown option: exit 64" 64
run "$NUDGE" check --config good.ini extra
status "an extra argument: exit 64" 64
run "$NUDGE" frobnicate
status "an unknown command: exit 64" 64
run "$NUDGE"
status "no command: exit 64" 64
run "$NUDGE" --help
status "--help: exit 0" 0
for cmd in check list edit; do
        like "--help: lists $cmd" "$out" "^  $cmd "
done
run "$NUDGE" --version
status "--version: exit 0" 0
like "--version: a version number" "$out" "^nudge [0-9]+\.[0-9]+"

# ---- nudge edit: a broken edit never replaces a good file -------------------------------------
# Editors are scripts here; nudge itself runs them without a shell.
cat >edit-good.sh <<'EOF'
#!/bin/sh
stat -c %a "$1" >"$(dirname "$0")/edit-mode"
printf '[therapy]\ntitle = Edited\nweekly = Wed 10:00\n' >"$1"
EOF
cat >edit-bad.sh <<'EOF'
#!/bin/sh
printf '[therapy]\ntitel = Broken\nweekly = Wed 25:00\n' >"$1"
EOF
cat >edit-none.sh <<'EOF'
#!/bin/sh
exit 0
EOF
cat >edit-fail.sh <<'EOF'
#!/bin/sh
printf 'garbage\n' >"$1"
exit 3
EOF
cat >edit-args.sh <<'EOF'
#!/bin/sh
# Called as: edit-args.sh --line "two words" FILE
[ "$1" = --line ] && [ "$2" = "two words" ] || exit 9
printf '[therapy]\ntitle = With arguments\nweekly = Thu 10:00\n' >"$3"
EOF
chmod 755 edit-*.sh

# A missing schedule starts from the first-schedule template, in a private folder.
run env EDITOR="$T/edit-none.sh" "$NUDGE" edit
status "edit, no file yet, editor saves the template: exit 0" 0
sched=$XDG_CONFIG_HOME/nudge/schedule.ini
if [ -f "$sched" ]; then
        ok "edit creates the schedule"
else
        not_ok "edit creates the schedule" "no $sched"
fi
is "the new schedule is the first-schedule template" "$(cat "$sched" 2>/dev/null)" \
        "$(cat "$top_srcdir/conf/first-schedule.ini")"
like "saved unchanged, it has no sessions: nothing fictional is reminded" "$out" \
        "no problems, 0 session series"
like "and check says how to add the first one" "$out" "^  weekly = Tue 14:00$"
# Every session of the template is there to be uncommented: all of them read as good.
sed -e 's/^# \(\[\|title\|weekly\|monthly\|once\|duration\|checkin\)/\1/' "$sched" >uncommented.ini
chmod 600 uncommented.ini
run "$NUDGE" check --config uncommented.ini
is "the template's sessions, uncommented, are good" "$(printf '%s\n' "$out" | head -n 1)" \
        "uncommented.ini: no problems, 3 session series."
is "the new schedule is 0600" "$(stat -c %a "$sched" 2>/dev/null)" 600
is "its folder is 0700" "$(stat -c %a "$XDG_CONFIG_HOME/nudge" 2>/dev/null)" 700
like "edit prints the check summary" "$out" "no problems"

# A good edit replaces it; the editor worked on a private copy.
run env EDITOR="$T/edit-good.sh" "$NUDGE" edit
status "a good edit: exit 0" 0
is "a good edit replaces the schedule" "$(cat "$sched")" \
        "$(printf '[therapy]\ntitle = Edited\nweekly = Wed 10:00')"
is "the editor's working copy was 0600" "$(cat edit-mode)" 600
is "the replaced schedule is 0600" "$(stat -c %a "$sched")" 600

# A broken edit without a terminal to ask on: 78, the good file untouched, the text kept.
cp "$sched" before.ini
run env EDITOR="$T/edit-bad.sh" "$NUDGE" edit
status "a broken edit: exit 78" 78
if cmp -s before.ini "$sched"; then
        ok "a broken edit leaves the schedule as it was"
else
        not_ok "a broken edit leaves the schedule as it was" "$(cat "$sched")"
fi
like "a broken edit: the problems, at their lines" "$err" \
        "$sched:2: unknown key 'titel'"
like "a broken edit: the bad time too" "$err" "$sched:3: '25:00' is not a time"
is "a broken edit is kept as .rejected" "$(cat "$sched.rejected" 2>/dev/null)" \
        "$(printf '[therapy]\ntitel = Broken\nweekly = Wed 25:00')"
is "the rejected copy is 0600" "$(stat -c %a "$sched.rejected" 2>/dev/null)" 600
is "no working copies are left behind" \
        "$(find "$XDG_CONFIG_HOME/nudge" -name '.schedule.ini.*' | wc -l)" 0

# The editor fails: nothing changes.
run env EDITOR="$T/edit-fail.sh" "$NUDGE" edit
status "a failing editor: exit 1" 1
if cmp -s before.ini "$sched"; then
        ok "a failing editor leaves the schedule as it was"
else
        not_ok "a failing editor leaves the schedule as it was"
fi
is "no working copies after a failing editor" \
        "$(find "$XDG_CONFIG_HOME/nudge" -name '.schedule.ini.*' | wc -l)" 0

# No change: said so, the file not even rewritten.
inode=$(stat -c %i "$sched")
run env EDITOR="$T/edit-none.sh" "$NUDGE" edit
status "no change: exit 0" 0
like "no change: says so" "$out" "No changes"
is "no change: the same file" "$(stat -c %i "$sched")" "$inode"

# VISUAL before EDITOR; words split like a shell would, but no shell runs.
run env VISUAL="$T/edit-args.sh --line 'two words'" EDITOR="$T/edit-bad.sh" "$NUDGE" edit
status "VISUAL with quoted arguments: exit 0" 0
like "VISUAL was used, with its arguments" "$(cat "$sched")" "With arguments"
cp "$sched" before.ini
run env EDITOR="true; touch $T/pwned #" "$NUDGE" edit
if [ -e "$T/pwned" ]; then
        not_ok "EDITOR is not run by a shell"
else
        ok "EDITOR is not run by a shell"
fi
if cmp -s before.ini "$sched"; then
        ok "an editor that cannot start leaves the schedule as it was"
else
        not_ok "an editor that cannot start leaves the schedule as it was"
fi

# With a terminal, nudge offers to edit again: "a" gives the editor a second try, "q" keeps
# the schedule as it was. script(1) provides the terminal.
cat >edit-twice.sh <<'EOF'
#!/bin/sh
dir=$(dirname "$0")
n=$(($(cat "$dir/edit-count" 2>/dev/null || echo 0) + 1))
echo "$n" >"$dir/edit-count"
if [ "$n" = 1 ]; then
        printf '[therapy]\nweekly = Tue 25:00\n' >"$1"
else
        printf '[therapy]\ntitle = Second try\nweekly = Tue 15:00\n' >"$1"
fi
EOF
chmod 755 edit-twice.sh
in_terminal() {
        local answer=$1
        shift
        printf '%s\n' "$answer" | timeout 20 script -qec "$*" /dev/null >"$T/.out" 2>&1
        rc=$?
        out=$(cat "$T/.out")
}
printf '[therapy]\nweekly = Tue 14:00\n' >tty.ini
chmod 600 tty.ini
cp tty.ini before.ini
rm -f edit-count
in_terminal q "EDITOR=$T/edit-twice.sh $NUDGE edit --config $T/tty.ini"
status "in a terminal, a broken edit and q: exit 78" 78
like "in a terminal: the problem is shown" "$out" "tty.ini:2: '25:00' is not a time"
like "in a terminal: nudge asks what now" "$out" "Edit \(a\)gain"
is "q: the editor ran once" "$(cat edit-count)" 1
if cmp -s before.ini tty.ini; then ok "q: the schedule is as it was"; else not_ok "q: the schedule is as it was"; fi
rm -f edit-count tty.ini.rejected
in_terminal a "EDITOR=$T/edit-twice.sh $NUDGE edit --config $T/tty.ini"
status "in a terminal, a broken edit, a, then a good edit: exit 0" 0
is "a: the editor ran twice" "$(cat edit-count)" 2
like "a: the second edit is saved" "$(cat tty.ini)" "Second try"
if [ -e tty.ini.rejected ]; then
        not_ok "a: no rejected copy once an edit is good"
else
        ok "a: no rejected copy once an edit is good"
fi

# --config through a symbolic link: the target is replaced, the link stays.
mkdir -p dotfiles
printf '[t]\nweekly = Tue 14:00\n' >dotfiles/schedule.ini
chmod 600 dotfiles/schedule.ini
ln -s dotfiles/schedule.ini linked.ini
run env EDITOR="$T/edit-good.sh" "$NUDGE" edit --config linked.ini
status "edit through a symbolic link: exit 0" 0
if [ -L linked.ini ]; then ok "the link is still a link"; else not_ok "the link is still a link"; fi
like "the link's target holds the edit" "$(cat dotfiles/schedule.ini)" "Edited"

finish
