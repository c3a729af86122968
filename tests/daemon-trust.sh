#!/bin/bash
# SPDX-License-Identifier: MIT
# What nudge trusts, and only when it belongs to you and others cannot change it: the
# schedule, the record of sent reminders, the notes folder and a notes file. Each one
# owned by another user (nobody), and each one writable by others, is refused by the
# real nudged (its unit) and by `nudge`, with a message that says how to fix it; a notes
# folder that is a symbolic link to a place of another user's is refused too.
# Needs root (to chown), as CI runs.
set -uo pipefail
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib/desktop.sh"
. "$top_srcdir/tests/lib/daemon.sh"

tap_plan 23
[ "$(id -u)" -eq 0 ] || desktop_skip "chown to another user needs root"
OTHER=$(id -u nobody 2>/dev/null) || desktop_skip "no user nobody"
desktop_start
desktop_setenv TZ=UTC
desktop_start_notifications
daemon_install_unit
daemon_opener 1

NUDGE=${NUDGE:-$top_builddir/nudge}
sched=$XDG_CONFIG_HOME/nudge/schedule.ini
sent=$XDG_STATE_HOME/nudge/sent
S=$(daemon_minute 1800)
good="[therapy]
title = Therapy with Dr. Rivera
once = $(daemon_local "$S")
remind = 1h
"
# The messages: another user's file says whose files nudge takes; a file others can
# write says the chmod that fixes it.
FIX_OWNER='another user.*(yours|you own|chown)'
FIX_MODE='chmod (go-w|700|600)'

# log_has NAME PATTERN: a line of the unit's log matches (ERE), within 10 s.
log_has() {
        if wait_for 10 sh -c "grep -E -q -e \"\$1\" '$DESKTOP_DIR/manager.log'" _ "$2"; then
                tap_ok "$1"
        else
                tap_not_ok "$1" "no log line matches: $2" "$(daemon_log | grep -v '^ *$' | tail -n 6)"
        fi
}
# cli NAME WANT_STATUS PATTERN CMD…: nudge's exit status and a message matching PATTERN.
cli() {
        local name=$1 want=$2 pat=$3 out rc=0
        shift 3
        out=$("$@" 2>&1) || rc=$?
        if [ "$rc" = "$want" ] && grep -E -q -e "$pat" <<<"$out"; then
                tap_ok "$name"
        else
                tap_not_ok "$name" "exit status $rc (want $want)" "$out" "want a line matching: $pat"
        fi
}
q() { printf '%s' "$1" | sed 's/[][\.*^$+?(){}|/]/\\&/g'; } # a path as an ERE

# ---- the schedule ----------------------------------------------------------------------
daemon_schedule "$good"
chown "$OTHER" "$sched"
chmod 0644 "$sched"
cli "nudge check: a schedule of another user's is refused, saying why" 78 "^$(q "$sched"): .*$FIX_OWNER" \
        "$NUDGE" check
# A refused schedule is no reason to stop: nudged runs on (a typo never silences reminders)
# and its status says why the file is not used.
systemctl --user start "$DAEMON_UNIT" 2>/dev/null
if daemon_status_wait "belongs to another user" 10 &&
        [ "$(systemctl --user is-active "$DAEMON_UNIT")" = active ]; then
        tap_ok "nudged refuses a schedule of another user's: it runs on, and its status says why"
else
        tap_not_ok "nudged refuses a schedule of another user's: it runs on, and its status says why" "status: $(daemon_status)"
fi
log_has "the log says why, and how to fix it" "$(q "$sched"): .*$FIX_OWNER"
chown 0 "$sched"
chmod 0666 "$sched"
cli "nudge check: a schedule others can write is refused, with the chmod" 78 "^$(q "$sched"): .*chmod go-w $(q "$sched")" \
        "$NUDGE" check
chmod 0600 "$sched"
systemctl --user reset-failed "$DAEMON_UNIT" 2>/dev/null
systemctl --user start "$DAEMON_UNIT" || desktop_bail "nudged did not start: $(daemon_log | tail -n 5)"
# The reminder itself (the notice about the refused file is a notification too): the good
# file is in force before the next change.
wait_for 20 test "$(daemon_sent_count '^Therapy with Dr. Rivera')" -ge 1 ||
        tap_diag "no reminder: $(daemon_log | tail -n 5)"
# Made writable by others while nudged runs: the change of mode alone is noticed.
chmod 0620 "$sched"
if daemon_status_wait "chmod go-w $sched" 10 && [[ $(daemon_status) == *"the last good schedule is in force" ]]; then
        tap_ok "a schedule made writable by others is refused at once; status: the fix, the old schedule stays"
else
        tap_not_ok "a schedule made writable by others is refused at once" "status: $(daemon_status)"
fi
chmod 0600 "$sched"
daemon_status_wait "Next: Therapy with Dr. Rivera" 10 || tap_diag "status: $(daemon_status)"

# ---- the record of sent reminders -------------------------------------------------------
# A record that says the reminder was sent: trusted, nothing would go out. Not trusted,
# the reminder goes out at once.
# record_case NAME: nudged started on $sent as set up; the refusal and the reminder.
record_case() {
        local name=$1 pat=$2
        : >"$NOTIFY_CALLS"
        systemctl --user start "$DAEMON_UNIT" || desktop_bail "nudged did not start: $(daemon_log | tail -n 5)"
        log_has "the record $name is refused, saying how to fix it" "$(q "$sent").*$pat"
        if notify_calls_wait 1 20; then
                tap_ok "the record $name is not believed: the reminder goes out"
        else
                tap_not_ok "the record $name is not believed: the reminder goes out" "$(daemon_log | tail -n 5)"
        fi
        systemctl --user stop "$DAEMON_UNIT"
}
claim() {
        systemctl --user stop "$DAEMON_UNIT"
        mkdir -p "$(dirname "$sent")"
        printf 'nudge-state 1\ntherapy\t%s\t%s\n' "$S" $((S - 3600)) >"$sent"
        chmod "$1" "$sent"
        chown "$2" "$sent"
}
claim 0644 "$OTHER"
record_case "of another user's" "$FIX_OWNER"
claim 0666 0
record_case "that others can write" "chmod go-w $(q "$sent")"

# ---- the notes folder and the notes file -----------------------------------------------
rm -f "$sent"
dunstctl close-all
systemctl --user start "$DAEMON_UNIT" || desktop_bail "nudged did not start: $(daemon_log | tail -n 5)"
notify_calls_wait 1 20 || tap_diag "no reminder: $(daemon_log | tail -n 5)"
notify_log_wait '"summary": "Therapy' 10
dir=$XDG_DATA_HOME/nudge/notes
notes=$dir/$(date -d "@$S" +%F)-therapy.md
mkdir -p -m 0700 "$dir"

# write_notes NAME PATTERN WHAT: Write notes on the reminder shown; nudged must refuse (a
# log line naming WHAT, matching PATTERN) and open nothing.
write_notes() {
        local name=$1 pat=$2 what=$3 n0
        : >"$DESKTOP_DIR/opened.log"
        n0=$(grep -c . "$DESKTOP_DIR/manager.log")
        dunstctl action 0
        # Either outcome shows within seconds: the refusal is logged before anything
        # would be opened, and an opening is logged by the opener.
        outcome() {
                grep -q '^opened ' "$DESKTOP_DIR/opened.log" ||
                        tail -n +$((n0 + 1)) "$DESKTOP_DIR/manager.log" | grep -q "notes file"
        }
        wait_for 15 outcome
        local line
        line=$(tail -n +$((n0 + 1)) "$DESKTOP_DIR/manager.log" | grep "notes file" | head -n 1)
        if ! grep -q '^opened ' "$DESKTOP_DIR/opened.log" && grep -q -F -e "$what" <<<"$line" &&
                grep -E -q -e "$pat" <<<"$line"; then
                tap_ok "Write notes: $name is refused, the log says how to fix it"
        else
                tap_not_ok "Write notes: $name is refused, the log says how to fix it" \
                        "log: ${line:-nothing}" "opened: $(cat "$DESKTOP_DIR/opened.log")" \
                        "want the log to name $what and match: $pat"
        fi
}

chown "$OTHER" "$dir"
chmod 0755 "$dir"
write_notes "a notes folder of another user's" "$FIX_OWNER" "$dir"
tap_is "and nothing is created there" "$(ls -A "$dir")" ""
cli "nudge note: a notes folder of another user's is refused" 1 "$FIX_OWNER" \
        "$NUDGE" note "a thought"
chown 0 "$dir"
chmod 0777 "$dir"
write_notes "a notes folder others can write" "chmod go-w $(q "$dir")" "$dir"
cli "nudge note: a notes folder others can write is refused" 1 "$FIX_MODE" "$NUDGE" note "a thought"
chmod 0700 "$dir"

printf '# Therapy\n\nsomeone else wrote this\n' >"$notes"
chown "$OTHER" "$notes"
chmod 0644 "$notes"
write_notes "a notes file of another user's" "$FIX_OWNER" "$notes"
cli "nudge note: a notes file of another user's is refused" 1 "$FIX_OWNER" "$NUDGE" note "a thought"
cli "nudge note --edit: a notes file of another user's is refused" 1 "$FIX_OWNER" \
        env EDITOR=true "$NUDGE" note --edit
chown 0 "$notes"
chmod 0666 "$notes"
write_notes "a notes file others can write" "chmod go-w $(q "$notes")" "$notes"
cli "nudge note: a notes file others can write is refused" 1 "$FIX_MODE" "$NUDGE" note "a thought"
tap_is "the refused notes file is left as it was" "$(cat "$notes")" "# Therapy

someone else wrote this"

# A notes folder that is a symbolic link to a folder of another user's.
rm -rf "$dir"
elsewhere=$DESKTOP_DIR/elsewhere
mkdir -p "$elsewhere"
chown "$OTHER" "$elsewhere"
chmod 0755 "$elsewhere"
ln -s "$elsewhere" "$dir"
write_notes "a notes folder linked to another user's folder" "$FIX_OWNER" "$dir"
cli "nudge note: a notes folder linked to another user's folder is refused" 1 "$FIX_OWNER" \
        "$NUDGE" note "a thought"
tap_is "nothing is written through the link" "$(ls -A "$elsewhere")" ""
