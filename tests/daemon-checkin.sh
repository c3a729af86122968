#!/bin/bash
# SPDX-License-Identifier: MIT
# Around a session, through the real nudged (the unit as built, under a private user manager)
# and dunst: the check-in after a session, its Write notes, privacy; one notification per
# session on screen; a snooze that survives `systemctl --user restart nudged`; and a reminder
# in the person's language (LANG=fr_FR.UTF-8).
set -uo pipefail
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib/desktop.sh"
. "$top_srcdir/tests/lib/daemon.sh"

tap_plan 13
desktop_start
# Test-only: Snooze waits 20 s instead of 10 minutes (see notifier.h): long enough for a
# restart in between.
desktop_setenv TZ=UTC NUDGE_TEST_SNOOZE_SECONDS=20
desktop_start_notifications
daemon_install_unit
daemon_opener 1

# Three series. [therapy] and [private]: one-minute sessions at T, reminded at their start
# and checked in on at their end (the private one a minute later). [later]: a session ten minutes after T, reminded at T (so
# its reminder offers Snooze).
T=$(daemon_minute 40)
daemon_schedule "[defaults]
duration = 1m

[therapy]
title = Therapy with Dr. Rivera
once = $(daemon_local "$T")
remind = 0m
checkin = 0m

[private]
title = Group with Sam
once = $(daemon_local "$T")
remind = 0m
checkin = 1m
privacy = on

[later]
title = Couples session
once = $(daemon_local $((T + 600)))
remind = 10m
"
systemctl --user start "$DAEMON_UNIT" || desktop_bail "nudged did not start: $(daemon_log | tail -n 5)"
daemon_status_wait "Next: " 10

# reply_id PATTERN [N=1]: the server's id for the N-th Notify call whose summary matches.
# call_field PATTERN N FIELD: a field of that call.
calls() {
        "$PYTHON" - "$NOTIFY_CALLS" "$@" <<-'PY'
	import json, re, sys
	calls = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
	match = [c for c in calls if c.get("event") == "notify" and re.search(sys.argv[2], c.get("summary", ""))]
	n = int(sys.argv[3])
	if len(match) < n:
	    sys.exit(1)
	call = match[n - 1]
	if sys.argv[4] == "id":
	    ids = [c["id"] for c in calls if c.get("event") == "notify-reply" and c.get("reply_serial") == call["serial"]]
	    print(ids[0] if ids else "")
	else:
	    print(call.get(sys.argv[4]))
	PY
}
reply_id() { calls "$1" "${2:-1}" id; }

daemon_sleep_until "$T"
wait_for 15 test "$(daemon_sent_count '^Couples session in 10 minutes')" -ge 1
wait_for 10 test "$(daemon_sent_count '^Therapy with Dr. Rivera starting now')" -ge 1
reminder_id=$(reply_id '^Therapy with Dr. Rivera starting now')

# ---- a snooze survives a restart -----------------------------------------------------
n_before=$(notify_calls_count)
echo '^#Snooze' >"$DESKTOP_DIR/dmenu-choice"
dunstctl context
wait_for 10 test "$(notify_calls_count ActionInvoked)" -ge 1
t_action=$(notify_call_get -1 time ActionInvoked)
tap_is "Snooze was invoked on the reminder that offers it" \
        "$(notify_call_get -1 'args.1' ActionInvoked)" snooze
rm -f "$DESKTOP_DIR/dmenu-choice"
wait_for 5 grep -q "^later	[0-9]*	[0-9]*	[0-9]*	[0-9]" "$XDG_STATE_HOME/nudge/sent"
tap_check "the snooze is in the record before the restart" \
        grep -q "^later	[0-9]*	[0-9]*	[0-9]*	[0-9]" "$XDG_STATE_HOME/nudge/sent"
systemctl --user restart "$DAEMON_UNIT"
# Due 20 s after the action (whole seconds): sent by the restarted nudged, once. A second
# send could only follow a second answer for the same snooze; the record spends it at the
# first, and the check waits 10 s past the due time for one all the same.
due=$("$PYTHON" -c "import sys, math; print(math.floor(float(sys.argv[1])) + 20)" "$t_action")
wait_for 30 test "$(daemon_sent_count '^Couples session in ')" -ge 2
daemon_sleep_until $((due + 10))
tap_is "the snoozed reminder comes after the restart, once" \
        "$(daemon_sent_count '^Couples session in ')" 2
tap_is "... and replaces the first on screen" \
        "$(calls '^Couples session in ' 2 replaces_id)" "$(reply_id '^Couples session in ')"
dunstctl close-all

# ---- the check-in at the end ----------------------------------------------------------
daemon_sleep_until $((T + 60))
wait_for 15 test "$(daemon_sent_count '^After Therapy with Dr. Rivera$')" -ge 1
late=$("$PYTHON" -c "import sys; print(round(float(sys.argv[1]) - $T - 60, 3))" \
        "$(daemon_call_time '^After Therapy with Dr. Rivera$')" 2>/dev/null)
tap_check "the check-in arrives at the session's end (${late:-?} s after)" \
        "$PYTHON" -c "import sys; sys.exit(not (0 <= float(sys.argv[1]) < 5))" "${late:--1}"
body=$(daemon_call '^After Therapy with Dr. Rivera$' body)
tap_check "... with a question of its own, not a reminder's prompt" \
        test -n "$body" -a "$body" != "$(daemon_call '^Therapy with Dr. Rivera starting now' body)"
tap_is "... and Write notes, without Snooze" \
        "$(daemon_call '^After Therapy with Dr. Rivera$' actions)" \
        '[["default", "Write notes"], ["notes", "Write notes"]]'
tap_is "... replacing the session's reminder on screen" \
        "$(daemon_call '^After Therapy with Dr. Rivera$' replaces_id)" "$reminder_id"
# Write notes on the check-in (the one notification on screen): the same session's notes,
# with "After the session" in them.
notes=$XDG_DATA_HOME/nudge/notes/$(date -d "@$T" +%F)-therapy.md
dunstctl action 0
wait_for 10 grep -q "^opened $notes " "$DESKTOP_DIR/opened.log"
tap_check "the check-in's Write notes opens that session's notes" \
        grep -q "^opened $notes " "$DESKTOP_DIR/opened.log"
tap_is "... created 0600, with its After the session part, once" \
        "$(stat -c %a "$notes" 2>&1) $(grep -c '^## After the session$' "$notes" 2>&1)" "600 1"
daemon_sleep_until $((T + 120))
wait_for 15 test "$(daemon_sent_count '^After your session$')" -ge 1
tap_is "privacy: the check-in has no title and no question" \
        "$(daemon_call '^After your session$' body)|$(daemon_sent_count 'Group with Sam')" "|0"

# ---- a reminder in the person's language ----------------------------------------------
# The catalogues, built from po/ into the build tree (where the sandboxed unit can read).
locale=$DESKTOP_DIR/locale
mkdir -p "$locale/fr/LC_MESSAGES"
msgfmt -o "$locale/fr/LC_MESSAGES/nudge.mo" "$top_srcdir/po/fr.po"
want=$("$PYTHON" - "$top_srcdir/po/fr.po" <<-'PY'
	import re, sys
	text = open(sys.argv[1], encoding="utf-8").read()
	def entry(msgid):
	    m = re.search(r'\nmsgid "' + re.escape(msgid) + r'"\nmsgstr ((?:"[^\n]*"\n?)+)', text)
	    return "".join(re.findall(r'"(.*)"', m.group(1))) if m else ""
	print(entry("Write notes"))
	PY
)
systemctl --user stop "$DAEMON_UNIT"
desktop_setenv LANG=fr_FR.UTF-8 NUDGE_LOCALEDIR="$locale"
F=$(daemon_minute 15)
daemon_schedule "[seance]
title = Séance
once = $(daemon_local $((F + 600)))
remind = 10m
"
systemctl --user start "$DAEMON_UNIT" || desktop_bail "nudged did not start: $(daemon_log | tail -n 5)"
daemon_sleep_until "$F"
wait_for 15 test "$(daemon_sent_count '^Séance')" -ge 1
tap_check "under LANG=fr_FR.UTF-8 the reminder speaks French (its button: \"$want\")" \
        test -n "$want" -a "$want" != "Write notes" -a \
        "$(daemon_call '^Séance' actions | "$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)[1][1])')" = "$want"
tap_check "... and its summary is not the English one" \
        test "$(daemon_call '^Séance' summary)" != "Séance in 10 minutes"
desktop_stop
