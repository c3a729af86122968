#!/bin/bash
# SPDX-License-Identifier: MIT
# The privacy promises, kept by the real nudged running as its unit (no stand-in):
#   - the contents of notes go nowhere but the notes file: a secret written in the notes
#     before the reminder is, after a reminder, Write notes, `nudge note`, Snooze, a reload
#     and a restart, in no log (the manager's included), no Notify call on the bus, no
#     status, nothing under the state folder, no command's output: in no file of the test
#     but the notes file itself;
#   - markup from the schedule is escaped where the server parses it (dunst with
#     body-markup; a server with body-markup but no actions), and only there (a server
#     with neither);
#   - privacy = on: no title and no prompt in the notification, the service status, the
#     D-Bus Status property or the log; with any server.
# Every reminder here is due at once: its session is half an hour away and it was to come
# an hour before (a late reminder goes out as soon as nudged starts).
set -uo pipefail
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib/desktop.sh"
. "$top_srcdir/tests/lib/daemon.sh"

tap_plan 28
desktop_start
# Debug messages too: a leak at any level of logging counts.
desktop_setenv TZ=UTC NUDGE_TEST_SNOOZE_SECONDS=3 G_MESSAGES_DEBUG=all
desktop_start_notifications
daemon_install_unit
daemon_opener 1

NUDGE=${NUDGE:-$top_builddir/nudge}
SECRET="secret-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
cmds=$DESKTOP_DIR/commands.out # every command's output, stdout and stderr
: >"$cmds"
record() { # record CMD…: run it, its output appended to $cmds; returns its status
        "$@" >>"$cmds" 2>&1
}

S1=$(daemon_minute 1800)       # the escaping session
S0=$(daemon_minute 1740)       # the private session: before S1, so the status names it
[ "$S0" -lt "$S1" ] || S0=$((S1 - 60))
escaping="[therapy]
title = Dr. <b>Ødegaard</b> & co
once = $(daemon_local "$S1")
remind = 1h
prompt = Bring <i>this</i> & that
"
notes=$XDG_DATA_HOME/nudge/notes/$(date -d "@$S1" +%F)-therapy.md
daemon_schedule "$escaping"

# The secret goes into the notes before nudged ever runs.
record "$NUDGE" note --session therapy "$SECRET thought"
record "$NUDGE" note --session therapy --question "$SECRET question"
if grep -qF "$SECRET thought" "$notes" 2>/dev/null && grep -qF "$SECRET question" "$notes"; then
        tap_ok "the secret is in the notes before the reminder"
else
        tap_not_ok "the secret is in the notes before the reminder" "$(cat "$cmds")"
fi
notes_sum=$(sha256sum <"$notes")

ESC='^Dr\. <b>Ødegaard</b> & co in 3[01] minutes$'
systemctl --user start "$DAEMON_UNIT" || desktop_bail "nudged did not start: $(daemon_log | tail -n 5)"
if wait_for 20 daemon_call "$ESC" summary; then
        tap_ok "dunst: the reminder goes out at once, the summary as written (never parsed)"
else
        tap_not_ok "dunst: the reminder goes out at once, the summary as written (never parsed)" \
                "$(tail -n 3 "$NOTIFY_CALLS")" "$(daemon_log | tail -n 5)"
fi
tap_is "dunst (body-markup): the body is escaped" "$(daemon_call "$ESC" body)" \
        "Bring &lt;i&gt;this&lt;/i&gt; &amp; that"
tap_is "dunst (actions): Write notes and Snooze" \
        "$(daemon_call "$ESC" actions)" '[["default", "Write notes"], ["notes", "Write notes"], ["snooze", "Snooze"]]'
notify_log_wait '"summary": "Dr. ' 10
desktop_screenshot "$DESKTOP_DIR/escaping.png" >/dev/null 2>&1

# Write notes: the file is opened, never rewritten.
dunstctl action 0
if wait_for 15 grep -qF "opened $notes " "$DESKTOP_DIR/opened.log"; then
        tap_is "Write notes opens the notes with the secret, untouched" "$(sha256sum <"$notes")" "$notes_sum"
else
        tap_not_ok "Write notes opens the notes with the secret, untouched" "$(cat "$DESKTOP_DIR/opened.log")" \
                "$(daemon_log | tail -n 5)"
fi
record "$NUDGE" note --session therapy "one more line"
record "$NUDGE" note --session therapy --path
record "$NUDGE" check
record "$NUDGE" list

# Snooze: the same reminder again, after the (test) snooze.
n=$(daemon_sent_count 'Ødegaard')
echo '^#Snooze' >"$DESKTOP_DIR/dmenu-choice"
dunstctl context
resent() { [ "$(daemon_sent_count 'Ødegaard')" -gt "$n" ]; }
if wait_for 20 resent; then
        tap_ok "Snooze: nudged sends the reminder again"
else
        tap_not_ok "Snooze: nudged sends the reminder again" "$(daemon_log | tail -n 5)"
fi
rm -f "$DESKTOP_DIR/dmenu-choice"

record systemctl --user reload "$DAEMON_UNIT"
tap_check "a reload" systemctl --user is-active "$DAEMON_UNIT"
record systemctl --user restart "$DAEMON_UNIT"
tap_check "a restart" systemctl --user is-active "$DAEMON_UNIT"
record systemctl --user status --no-pager "$DAEMON_UNIT"
daemon_status >>"$cmds"
record busctl --user get-property org.nudge.Daemon /org/nudge/Daemon org.nudge.Daemon1 Status

# ---- privacy = on, through dunst -------------------------------------------------------
HIDDEN_TITLE="Zyxwvut Hidden Title"
HIDDEN_PROMPT="Qwertyu hidden prompt"
private="[private]
title = $HIDDEN_TITLE
privacy = on
prompt = $HIDDEN_PROMPT & <b>more</b>
once = $(daemon_local "$S0")
remind = 1h
"
daemon_schedule "$private$escaping"
dunstctl close-all
PRIV='^Session in (2[89]|3[01]) minutes$'
hidden() { # hidden TEXT: neither the private title nor the private prompt in TEXT
        ! grep -q -e Zyxwvut -e Qwertyu <<<"$1"
}
# private_checks SERVER BODY: the private session's Notify call as SERVER got it.
private_checks() {
        local line
        if wait_for 20 daemon_call "$PRIV" summary; then
                tap_is "$1, privacy: only that a session is coming, and when" \
                        "$(daemon_call "$PRIV" body)" "$2"
        else
                tap_not_ok "$1, privacy: only that a session is coming, and when" \
                        "$(tail -n 3 "$NOTIFY_CALLS")" "$(daemon_log | tail -n 5)"
        fi
        line=$(grep '"event": "notify"' "$NOTIFY_CALLS" | grep -F '"summary": "Session in')
        if [ -n "$line" ] && hidden "$line"; then
                tap_ok "$1, privacy: neither title nor prompt anywhere in the Notify call"
        else
                tap_not_ok "$1, privacy: neither title nor prompt anywhere in the Notify call" "$line"
        fi
}
daemon_fresh_start
private_checks dunst ""
st=$(daemon_status)
if [[ $st == "Next: Session, $(daemon_short "$S0");"* ]] && hidden "$st"; then
        tap_ok "privacy: the service status says only \"Session\" and when"
else
        tap_not_ok "privacy: the service status says only \"Session\" and when" "status: $st"
fi
prop=$(busctl --user get-property org.nudge.Daemon /org/nudge/Daemon org.nudge.Daemon1 Status)
if [[ $prop == "s \"Next: Session, "* ]] && hidden "$prop"; then
        tap_ok "privacy: the D-Bus Status property too"
else
        tap_not_ok "privacy: the D-Bus Status property too" "$prop"
fi
out=$(systemctl --user status --no-pager "$DAEMON_UNIT" 2>&1)
if [[ $out == *'Status: "Next: Session, '* ]] && hidden "$out"; then
        tap_ok "privacy: systemctl --user status too"
else
        tap_not_ok "privacy: systemctl --user status too" "$out"
fi
echo "$out" >>"$cmds"

# ---- servers without actions -----------------------------------------------------------
# fake_server CAPS… : the fake server with these capabilities, nudged started afresh.
fake_server() {
        systemctl --user stop "$DAEMON_UNIT"
        desktop_stop_notifications
        : >"$NOTIFY_CALLS"
        desktop_start_notifications --no-actions "$@"
        daemon_fresh_start
}

fake_server body
if wait_for 20 daemon_call "$ESC" summary; then
        tap_is "no actions, no body-markup: no buttons" "$(daemon_call "$ESC" actions)" "[]"
        tap_is "no actions, no body-markup: the body names the notes file, not escaped" \
                "$(daemon_call "$ESC" body)" "Bring <i>this</i> & that

Your notes: $notes"
else
        tap_not_ok "no actions, no body-markup: no buttons" "$(daemon_log | tail -n 5)"
        tap_not_ok "no actions, no body-markup: the body names the notes file, not escaped"
fi
private_checks "no actions" "Your notes: nudge note --edit"

fake_server body body-markup
if wait_for 20 daemon_call "$ESC" summary; then
        tap_is "body-markup without actions: no buttons" "$(daemon_call "$ESC" actions)" "[]"
        tap_is "body-markup without actions: the body is escaped, and names the notes file" \
                "$(daemon_call "$ESC" body)" "Bring &lt;i&gt;this&lt;/i&gt; &amp; that

Your notes: $notes"
else
        tap_not_ok "body-markup without actions: no buttons" "$(daemon_log | tail -n 5)"
        tap_not_ok "body-markup without actions: the body is escaped, and names the notes file"
fi
private_checks "body-markup without actions" "Your notes: nudge note --edit"

if hidden "$(daemon_log)"; then
        tap_ok "privacy: the private title and prompt are in no log line"
else
        tap_not_ok "privacy: the private title and prompt are in no log line" \
                "$(daemon_log | grep -e Zyxwvut -e Qwertyu | head -n 5)"
fi

# ---- the secret, everywhere -------------------------------------------------------------
systemctl --user stop "$DAEMON_UNIT"
daemon_status >>"$cmds"
where=$(grep -rlF -e "$SECRET" "$DESKTOP_DIR" | grep -vxF "$notes")
if [ -z "$where" ]; then
        tap_ok "the notes' secret is in no file but the notes file (logs, bus, server, state, outputs)"
else
        tap_not_ok "the notes' secret is in no file but the notes file" "found in:" "$where"
fi
for what in "the manager's log (the unit's output):$DESKTOP_DIR/manager.log" \
        "the Notify calls on the bus:$NOTIFY_CALLS" "what the servers showed:$NOTIFY_LOG" \
        "the commands' output:$cmds"; do
        f=${what#*:}
        if [ -s "$f" ] && ! grep -qF -e "$SECRET" "$f"; then
                tap_ok "no secret in ${what%%:*}"
        else
                tap_not_ok "no secret in ${what%%:*}" "$f: $(stat -c %s "$f" 2>&1) bytes"
        fi
done
if [ -d "$XDG_STATE_HOME/nudge" ] && ! grep -rqF -e "$SECRET" "$XDG_STATE_HOME"; then
        tap_ok "no secret under the state folder ($(ls "$XDG_STATE_HOME/nudge" | tr '\n' ' '))"
else
        tap_not_ok "no secret under the state folder" "$(ls -la "$XDG_STATE_HOME/nudge" 2>&1)"
fi
