#!/bin/bash
# SPDX-License-Identifier: MIT
# End-to-end: real reminders, composed as nudged composes them, sent through the libnotify
# backend to dunst on Xvfb (and to a server without actions), on the bus of a private user
# manager. Checks what the server received (summary, body, actions, hints), the Write notes
# action (notes file from the template, 0600, never overwritten, opened by the default
# application in a unit of its own), Snooze, privacy, escaping, and saves a screenshot to
# tests/artifacts/reminder.png in the build tree.
set -uo pipefail
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib/desktop.sh"

SEND=$top_builddir/tests/send-notice
ARTIFACTS=$top_builddir/tests/artifacts

tap_plan 22
[ -x "$SEND" ] || desktop_skip "tests/send-notice is not built (make check builds it)"
export TZ=UTC
# Test-only: Snooze waits 3 s instead of 10 minutes (see notifier.h).
export NUDGE_TEST_SNOOZE_SECONDS=3
desktop_start
# dunst finds the icon the notifications name ("nudge") in the source tree.
export DESKTOP_DUNSTRC_EXTRA="[global]
    icon_path = $top_srcdir/conf"
desktop_start_notifications

# The person's "default application" for Markdown: a recorder that logs the file it got and
# its cgroup, then lives on for a moment, like an editor would.
opener=$DESKTOP_DIR/opener
cat >"$opener" <<EOF
#!/bin/sh
echo "opened \$1 \$(tail -n 1 /proc/self/cgroup)" >>'$DESKTOP_DIR/opened.log'
sleep 2
echo "alive \$1" >>'$DESKTOP_DIR/opened.log'
EOF
chmod +x "$opener"
mkdir -p "$XDG_DATA_HOME/applications" "$XDG_CONFIG_HOME"
cat >"$XDG_DATA_HOME/applications/nudge-test-opener.desktop" <<EOF
[Desktop Entry]
Type=Application
Name=Test opener
Exec=$opener %f
MimeType=text/markdown;text/plain;
EOF
cat >"$XDG_CONFIG_HOME/mimeapps.list" <<EOF
[Default Applications]
text/markdown=nudge-test-opener.desktop
text/plain=nudge-test-opener.desktop
EOF
: >"$DESKTOP_DIR/opened.log"

# A session three hours from now: its day-before reminder has passed, so that is the one
# sent, and its summary says the clock time.
start=$(date -d '+3 hours' '+%Y-%m-%d %H:%M')
if [ "$(date -d '+3 hours' +%F)" = "$(date +%F)" ]; then day=today; else day=tomorrow; fi
when="$day at $(date -d "$start" +%H:%M)"
notes_dir=$XDG_DATA_HOME/nudge/notes

schedule() { # NAME LINES…: a schedule file of one session
        local f=$DESKTOP_DIR/$1.ini
        shift
        printf '%s\n' "$@" >"$f"
        chmod 600 "$f"
        echo "$f"
}

sender_pid=
send() { # NAME CONFIG: start send-notice; wait until its first send is done
        stop_sender
        sender_out=$DESKTOP_DIR/$1.out
        "$SEND" --config "$2" --seconds 120 >"$sender_out" 2>&1 &
        sender_pid=$!
        wait_for 30 grep -Eq '^(sent|failed)' "$sender_out"
}
stop_sender() {
        if [ -n "$sender_pid" ]; then
                kill "$sender_pid" 2>/dev/null
                wait "$sender_pid" 2>/dev/null
                sender_pid=
        fi
}
desktop_atexit stop_sender
composed() { sed -n "s/^$1: //p" "$sender_out" | tail -n 1; }
call() { notify_call_get -1 "$1"; }

# ---- a plain reminder through dunst -------------------------------------------------
cfg=$(schedule therapy "[therapy]" "title = Therapy with Dr. Rivera" "once = $start" \
        "remind = 1d, 1h")
send therapy "$cfg"
if grep -qx sent "$sender_out" && notify_log_wait '"summary": "Therapy with Dr. Rivera' 10; then
        tap_ok "the reminder reaches dunst"
else
        tap_not_ok "the reminder reaches dunst" "$(cat "$sender_out")" "$(cat "$NOTIFY_LOG")"
fi
notify_calls_wait 1 10
tap_is "summary as the server got it" "$(call summary)" "Therapy with Dr. Rivera $when"
body=$(composed body)
if [ -n "$body" ] && [ "$(call body)" = "$body" ] && [ "${#body}" -gt 40 ]; then
        tap_ok "body: a preparation prompt, as composed"
else
        tap_not_ok "body: a preparation prompt, as composed" "bus: $(call body)" "composed: $body"
fi
tap_is "actions: Write notes (also the default action) and Snooze" \
        "$("$PYTHON" -c 'import json, sys; print(sorted(map(tuple, json.loads(sys.argv[1]))))' "$(call actions)")" \
        "[('default', 'Write notes'), ('notes', 'Write notes'), ('snooze', 'Snooze')]"
tap_is "app name, icon, desktop-entry, category and urgency hints" \
        "$(call app_name)|$(call app_icon)|$(call hints.desktop-entry)|$(call hints.category)|$(call hints.urgency)" \
        "nudge|nudge|nudge|x-nudge.reminder|1"
mkdir -p "$ARTIFACTS"
# The whole screen, then the notification alone (the screen is black around it).
desktop_screenshot "$ARTIFACTS/reminder-screen.png" &&
        convert "$ARTIFACTS/reminder-screen.png" -trim +repage -bordercolor black -border 12 \
                "$ARTIFACTS/reminder.png"
if [ "$(head -c 8 "$ARTIFACTS/reminder.png" 2>/dev/null | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]; then
        tap_ok "screenshot saved: tests/artifacts/reminder.png ($(stat -c %s "$ARTIFACTS/reminder.png") bytes)"
else
        tap_not_ok "screenshot saved: tests/artifacts/reminder.png"
fi

# ---- Write notes ---------------------------------------------------------------------
notes=$(composed notes)
dunstctl action 0
if wait_for 10 test -s "$notes"; then
        tap_is "Write notes creates the notes file 0600 in a 0700 folder" \
                "$(stat -c %a "$notes") $(stat -c %a "$notes_dir") $(basename "$notes")" \
                "600 700 $(date -d "$start" +%F)-therapy.md"
else
        tap_not_ok "Write notes creates the notes file 0600 in a 0700 folder" "$(ls -la "$notes_dir" 2>&1)" "$(cat "$sender_out")"
fi
if [ "$(head -n 1 "$notes" 2>/dev/null)" = "# Therapy with Dr. Rivera" ] &&
        grep -qx "## Thoughts" "$notes" && grep -qx "## Questions to ask" "$notes" &&
        grep -qx "## Anything that did not feel right last time" "$notes" &&
        grep -q "$(date -d "$start" +%H:%M)" "$notes"; then
        tap_ok "the notes file comes from the template"
else
        tap_not_ok "the notes file comes from the template" "$(cat "$notes" 2>&1)"
fi
if wait_for 10 grep -q "^opened $notes " "$DESKTOP_DIR/opened.log"; then
        line=$(grep -m1 "^opened $notes " "$DESKTOP_DIR/opened.log")
        if [[ $line == *nudge-notes-*.service* ]]; then
                tap_ok "the default application opens it, in a transient unit of its own"
        else
                tap_not_ok "the default application opens it, in a transient unit of its own" "$line"
        fi
else
        tap_not_ok "the default application opens it" "$(cat "$DESKTOP_DIR/opened.log")" "$(tail -n 20 "$DESKTOP_DIR/manager.log")"
fi
if wait_for 10 grep -q "^alive $notes" "$DESKTOP_DIR/opened.log"; then
        tap_ok "the application lives on after the opener has exited"
else
        tap_not_ok "the application lives on after the opener has exited" "$(cat "$DESKTOP_DIR/opened.log")"
fi
echo "- my own words" >>"$notes"
before=$(sha256sum <"$notes")
: >"$DESKTOP_DIR/opened.log"
dunstctl action 0
wait_for 10 grep -q "^opened $notes " "$DESKTOP_DIR/opened.log"
tap_is "a second Write notes opens it again and does not overwrite it" \
        "$(grep -c "^opened $notes " "$DESKTOP_DIR/opened.log")|$(sha256sum <"$notes")|$(stat -c %a "$notes")" \
        "1|$before|600"

# ---- Snooze ------------------------------------------------------------------------
n_before=$(notify_calls_count)
echo '^#Snooze' >"$DESKTOP_DIR/dmenu-choice"
dunstctl context
if wait_for 15 grep -qx resent "$sender_out" && notify_calls_wait $((n_before + 1)) 5; then
        t_action=$(notify_call_get -1 time ActionInvoked)
        t_resent=$(notify_call_get -1 time)
        delay=$(awk -v a="$t_action" -v b="$t_resent" 'BEGIN { printf "%.1f", b - a }')
        if awk -v d="$delay" 'BEGIN { exit !(d >= 2.9 && d < 8) }' &&
                [ "$(notify_call_get -1 'args.1' ActionInvoked)" = snooze ]; then
                tap_ok "Snooze sends the reminder again after the (test) snooze: ${delay} s"
        else
                tap_not_ok "Snooze sends the reminder again after the (test) snooze" "delay ${delay} s" "$(tail -n 5 "$NOTIFY_CALLS")"
        fi
        tap_is "the snoozed reminder keeps its prompt" "$(call body)" "$body"
else
        tap_not_ok "Snooze sends the reminder again after the (test) snooze" "$(cat "$sender_out")" "$(cat "$DESKTOP_DIR/dmenu-input.log" 2>&1)"
        tap_not_ok "the snoozed reminder keeps its prompt"
fi
stop_sender
dunstctl close-all

# ---- privacy -------------------------------------------------------------------------
cfg=$(schedule private "[therapy]" "title = Therapy with Dr. Rivera" "once = $start" \
        "remind = 1d, 1h" "privacy = on" "prompt = Bring the letter from Dr. Rivera")
send private "$cfg"
notify_log_wait '"summary": "Session ' 10
tap_is "privacy: only that a session is coming, and when" "$(call summary)|$(call body)" "Session $when|"
last_call=$(grep '"event": "notify"' "$NOTIFY_CALLS" | tail -n 1)
if [ -n "$last_call" ] && ! grep -q -e Rivera -e herapy <<<"$last_call"; then
        tap_ok "privacy: neither title nor prompt anywhere in the Notify call"
else
        tap_not_ok "privacy: neither title nor prompt anywhere in the Notify call" "$last_call"
fi
rm -f "$notes"
dunstctl action 0
if wait_for 10 test -s "$notes" && [ "$(stat -c %a "$notes")" = 600 ]; then
        tap_ok "privacy: Write notes still works"
else
        tap_not_ok "privacy: Write notes still works" "$(ls -la "$notes_dir")"
fi
stop_sender
dunstctl close-all

# ---- escaping ----------------------------------------------------------------------
cfg=$(schedule escape "[odegaard]" "title = Dr. <b>Ødegaard</b> & co" "once = $start" \
        "remind = 1d, 1h" "prompt = Bring <i>this</i> & that")
send escape "$cfg"
notify_log_wait '"summary": "Dr. ' 10
tap_is "escaping: the summary goes as written (servers never parse it)" \
        "$(call summary)" "Dr. <b>Ødegaard</b> & co $when"
tap_is "escaping: the body is escaped for a server that lists body-markup" \
        "$(call body)" "Bring &lt;i&gt;this&lt;/i&gt; &amp; that"
desktop_screenshot "$ARTIFACTS/reminder-escaping.png"
stop_sender

# ---- a server without actions --------------------------------------------------------
desktop_stop_notifications
desktop_start_notifications --no-actions
cfg=$(schedule therapy "[therapy]" "title = Therapy with Dr. Rivera" "once = $start" \
        "remind = 1d, 1h" "prompt = Bring <i>this</i> & that")
send plain "$cfg"
notify_log_wait '"server": "fake"' 10
tap_is "no actions capability: no buttons" "$(call actions)" "[]"
tap_is "no actions capability: the body names the notes file (and is not escaped)" \
        "$(call body)" "Bring <i>this</i> & that

Your notes: $notes"
stop_sender
cfg=$(schedule private "[therapy]" "title = Therapy with Dr. Rivera" "once = $start" \
        "remind = 1d, 1h" "privacy = on")
send private-plain "$cfg"
notify_log_wait '"summary": "Session ' 10
tap_is "no actions capability, privacy: the body points to nudge note, not the file" \
        "$(call summary)|$(call body)" "Session $when|Your notes: nudge note --edit"
stop_sender

# No notes text ever reached the logs of the sender.
if grep -q "my own words" "$DESKTOP_DIR"/*.out; then
        tap_not_ok "notes content never reaches output or logs"
else
        tap_ok "notes content never reaches output or logs"
fi
