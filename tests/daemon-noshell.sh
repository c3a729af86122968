#!/bin/bash
# SPDX-License-Identifier: MIT
# The notes opener runs no shell: with a `notes =` folder whose name a shell would act on
# (`;`, `$( )`, backquotes, `&`, spaces, a component starting with `-`), the real nudged's
# Write notes creates and opens exactly that file, given to the default application as one
# argument, and nothing in the name is ever run.
set -uo pipefail
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib/desktop.sh"
. "$top_srcdir/tests/lib/daemon.sh"

tap_plan 4
desktop_start
desktop_setenv TZ=UTC
desktop_start_notifications
daemon_install_unit
daemon_opener 1

# Inside the folder the unit may write (~/.local/share/nudge), so no drop-in is needed.
odd="$XDG_DATA_HOME/nudge/-odd; \$(touch pwned1) \`touch pwned2\` & two  spaces"
S=$(daemon_minute 1800)
daemon_schedule "[odd]
title = Odd folder
once = $(daemon_local "$S")
remind = 1h
notes = \"$odd\"
"
notes=$odd/$(date -d "@$S" +%F)-odd.md
systemctl --user start "$DAEMON_UNIT" || desktop_bail "nudged did not start: $(daemon_log | tail -n 5)"
if notify_log_wait '"summary": "Odd folder' 20; then
        tap_ok "the reminder arrives"
else
        tap_not_ok "the reminder arrives" "$(daemon_log | tail -n 5)"
fi
dunstctl action 0
if wait_for 10 test -s "$notes"; then
        tap_is "Write notes creates the notes file in exactly that folder" \
                "$(stat -c %a "$notes")|$(head -n 1 "$notes")" "600|# Odd folder"
else
        tap_not_ok "Write notes creates the notes file in exactly that folder" \
                "$(find "$XDG_DATA_HOME/nudge" 2>&1)" "$(daemon_log | tail -n 5)"
fi
if wait_for 15 grep -q '^opened ' "$DESKTOP_DIR/opened.log"; then
        tap_is "the default application gets exactly that path, as one argument" \
                "$(grep -m1 '^opened ' "$DESKTOP_DIR/opened.log" | sed 's/ home=.*//')" "opened $notes"
else
        tap_not_ok "the default application gets exactly that path, as one argument" \
                "$(cat "$DESKTOP_DIR/opened.log")" "$(daemon_log | tail -n 5)"
fi
wait_for 5 grep -q '^alive ' "$DESKTOP_DIR/opened.log"
pwned=$(find "$DESKTOP_DIR" / /tmp -maxdepth 1 -name 'pwned*' 2>/dev/null; find "$HOME" "$XDG_DATA_HOME/nudge" -name 'pwned*' 2>/dev/null)
tap_is "nothing in the name was run" "$pwned" ""
