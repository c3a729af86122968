# SPDX-License-Identifier: MIT
# The reminder of the real, sandboxed nudged (its unit as built) on a notification server
# other than dunst, on Xvfb: xfce4-notifyd or notification-daemon. Source after
# tests/lib/desktop.sh and tests/lib/daemon.sh, then call servers_x11_run NAME.
#
# What it checks, from the D-Bus monitor: summary, body, hints, actions, expire_timeout 0;
# that the server keeps the reminder (no NotificationClosed "expired") for a minute; what
# it does with replaces_id when the session's second reminder comes (the reply's id, and
# the notification windows on screen, counted with xdotool); then it clicks the buttons
# with xdotool as a person would — Snooze (the reminder comes back), Write notes (the
# notes file, opened by the default application) — and keeps a screenshot of the reminder
# in tests/artifacts/reminder-NAME.png.
#
# Finding a button: each server lays its buttons out right-aligned along the bottom of
# its notification window (seen in screenshots of 0.7.3 and 3.20); a click goes to the
# centre of a button, as an offset from the window's bottom-right corner. A wrong offset
# clicks nothing, and the action's check fails.

servers__ids=()

# servers__windows NAME: the notification windows NAME shows now (X window ids).
servers__windows() {
        local title
        case $1 in
        xfce4-notifyd) title='^xfce4-notifyd$' ;;
        notification-daemon) title='^Notification$' ;;
        esac
        xdotool search --onlyvisible --name "$title" 2>/dev/null
}

# servers__click NAME WINDOW BUTTON: click BUTTON (notes|snooze) of that window.
servers__click() {
        local name=$1 win=$2 button=$3 dx dy w h x y geo
        case $name:$button in
        xfce4-notifyd:notes) dx=159 dy=31 ;;
        xfce4-notifyd:snooze) dx=61 dy=31 ;;
        notification-daemon:notes) dx=166 dy=39 ;;
        notification-daemon:snooze) dx=87 dy=39 ;;
        esac
        geo=$(xdotool getwindowgeometry --shell "$win") || return 1
        eval "$(grep -E '^(X|Y|WIDTH|HEIGHT)=[0-9]+$' <<<"$geo")"
        x=$((X + WIDTH - dx)) y=$((Y + HEIGHT - dy))
        tap_diag "click $button of $name's window $win (${WIDTH}x${HEIGHT}+$X+$Y) at $x,$y"
        xdotool mousemove "$x" "$y" sleep 0.3 click 1
}

# servers__events EVENT: the events of that kind so far, one JSON line each.
servers__events() {
        grep -F "\"event\": \"$1\"" "$NOTIFY_CALLS"
}

# servers__count NAME: how many notifications NAME shows now.
servers__count() {
        if [ "$1" = mako ]; then
                makoctl list | "$PYTHON" -c 'import json, sys; print(len(json.load(sys.stdin)["data"][0]))'
        else
                servers__windows "$1" | wc -l
        fi
}

# servers__invoke NAME BUTTON: as that server's users do: a click on the button of the
# newest notification (X11), `makoctl invoke [BUTTON]` (mako).
servers__invoke() {
        if [ "$1" = mako ]; then
                makoctl invoke "$2"
        else
                local -a wins
                mapfile -t wins < <(servers__windows "$1")
                [ "${#wins[@]}" -ge 1 ] || return 1
                servers__click "$1" "${wins[-1]}" "$2"
        fi
}

# servers__screen NAME FILE: the whole screen.
servers__screen() {
        if [ "$1" = mako ]; then
                grim "$2"
        else
                import -display "$DESKTOP_DISPLAY" -window root "$2"
        fi
}

# servers_icon: the "nudge" icon the notifications name, as installed in the person's
# icon theme (servers look it up there; dunst's tests give it a path instead).
servers_icon() {
        mkdir -p "$XDG_DATA_HOME/icons/hicolor/scalable/apps"
        ln -sf "$top_srcdir/conf/nudge.svg" "$XDG_DATA_HOME/icons/hicolor/scalable/apps/nudge.svg"
}

# servers_run NAME: the whole test; for mako, desktop_start and the server (sway and
# mako) are the caller's, before it.
servers_run() {
        local name=$1 shot=${SERVERS_SHOT:-$top_builddir/tests/artifacts/reminder-$1.png}
        if [ "$name" != mako ]; then
                tap_plan 12
                command -v xdotool >/dev/null || desktop_skip "xdotool is missing (run .ci/install-deps test)"
                command -v import >/dev/null || desktop_skip "import (imagemagick) is missing"
                desktop_start
                desktop_setenv TZ=UTC
                # Test-only: Snooze waits 3 s instead of 10 minutes (see notifier.h).
                desktop_setenv NUDGE_TEST_SNOOZE_SECONDS=3
                servers_icon
                desktop_start_server "$name"
        fi
        daemon_install_unit
        tap_diag "finding: $name's capabilities: $(busctl --user call org.freedesktop.Notifications \
                /org/freedesktop/Notifications org.freedesktop.Notifications GetCapabilities 2>&1)"

        local opener=$DESKTOP_DIR/opener
        cat >"$opener" <<-EOF
	#!/bin/sh
	echo "opened \$1 \$(tail -n 1 /proc/self/cgroup)" >>'$DESKTOP_DIR/opened.log'
	EOF
        chmod +x "$opener"
        mkdir -p "$XDG_DATA_HOME/applications"
        printf '%s\n' "[Desktop Entry]" "Type=Application" "Name=Test opener" \
                "Exec=$opener %f" "MimeType=text/markdown;text/plain;" \
                >"$XDG_DATA_HOME/applications/nudge-test-opener.desktop"
        printf '%s\n' "[Default Applications]" "text/markdown=nudge-test-opener.desktop" \
                "text/plain=nudge-test-opener.desktop" >"$XDG_CONFIG_HOME/mimeapps.list"
        : >"$DESKTOP_DIR/opened.log"

        # One session an hour after the next whole minute, reminded an hour and 59 minutes
        # before: two reminders of one session, a minute apart. (A session so close that
        # a snooze would end after its last reminder is re-sent at once instead.)
        local M S
        M=$(daemon_minute 15)
        S=$((M + 3600))
        daemon_schedule "[therapy]
title = Therapy with Dr. Rivera
once = $(daemon_local "$S")
remind = 1h, 59m
"
        systemctl --user start "$DAEMON_UNIT" || desktop_bail "nudged did not start: $(daemon_log | tail -n 5)"
        daemon_sleep_until "$M"

        # ---- the first reminder, as the bus carried it ----
        if notify_calls_wait 1 20; then
                tap_is "$name: nudged's reminder, summary" "$(notify_call_get 1 summary)" \
                        "Therapy with Dr. Rivera in 1 hour"
        else
                tap_not_ok "$name: nudged's reminder arrives" "$(daemon_log | tail -n 10)"
        fi
        local body
        body=$(notify_call_get 1 body)
        if [ "${#body}" -gt 10 ] && [ "${#body}" -le 200 ]; then
                tap_ok "$name: body, a preparation prompt ($body)"
        else
                tap_not_ok "$name: body, a preparation prompt" "$body"
        fi
        tap_is "$name: actions Write notes (also the default) and Snooze" \
                "$(notify_call_get 1 actions)" \
                '[["default", "Write notes"], ["notes", "Write notes"], ["snooze", "Snooze"]]'
        tap_is "$name: app, icon, desktop-entry, category, urgency, expire_timeout 0" \
                "$(notify_call_get 1 app_name)|$(notify_call_get 1 app_icon)|$(notify_call_get 1 hints.desktop-entry)|$(notify_call_get 1 hints.category)|$(notify_call_get 1 hints.urgency)|$(notify_call_get 1 expire_timeout)" \
                "nudge|nudge|nudge|x-nudge.reminder|1|0"
        local id1
        id1=$(notify_call_get 1 id notify-reply)

        sleep 1
        mkdir -p "$(dirname "$shot")"
        local count
        count=$(servers__count "$name")
        if [ "$count" = 1 ] && servers__screen "$name" "$DESKTOP_DIR/screen-1.png" &&
                convert "$DESKTOP_DIR/screen-1.png" -trim +repage -bordercolor black -border 12 "$shot"; then
                tap_ok "$name shows one notification window; screenshot $shot"
        else
                tap_not_ok "$name shows one notification window; screenshot" "shown: $count"
        fi

        # ---- a minute on screen, then the session's second reminder ----
        if notify_calls_wait 2 75; then
                local rid id2
                rid=$(notify_call_get 2 replaces_id)
                id2=$(notify_call_get 2 id notify-reply)
                tap_is "$name: the second reminder replaces the first (replaces_id)" \
                        "$rid|$(notify_call_get 2 summary)" "$id1|Therapy with Dr. Rivera in 59 minutes"
                tap_diag "finding: $name answered the replacing Notify with id $id2 (first: $id1)"
        else
                tap_not_ok "$name: the second reminder comes" "$(daemon_log | tail -n 10)"
        fi
        local expired
        expired=$(servers__events NotificationClosed | grep -c "\[$id1, 1\]")
        tap_is "$name keeps a reminder with expire_timeout 0 (not expired in a minute)" "$expired" 0
        sleep 1.5
        servers__screen "$name" "$DESKTOP_DIR/screen-2.png"
        tap_is "$name: one notification on screen after the second reminder" "$(servers__count "$name")" 1
        tap_diag "finding: events so far: $(grep -v '"notify' "$NOTIFY_CALLS" | tr '\n' ' ')"

        # ---- Snooze, clicked ----
        local n_before
        n_before=$(notify_calls_count)
        servers__invoke "$name" snooze
        if wait_for 5 sh -c "grep -F '\"ActionInvoked\"' '$NOTIFY_CALLS' | grep -q '\"snooze\"'"; then
                tap_ok "$name: a click on Snooze invokes snooze"
        else
                tap_not_ok "$name: a click on Snooze invokes snooze" "$(tail -n 5 "$NOTIFY_CALLS")"
        fi
        if notify_calls_wait $((n_before + 1)) 12; then
                local t_action t_resent
                t_action=$(notify_call_get -1 time ActionInvoked)
                t_resent=$(notify_call_get -1 time)
                tap_is "$name: the snoozed reminder comes back after the (test) snooze of 3 s (whole seconds)" \
                        "$(notify_call_get -1 body)|$(awk -v a="$t_action" -v b="$t_resent" 'BEGIN { print (b - a >= 2 && b - a < 8) }')" \
                        "$(notify_call_get 2 body)|1"
        else
                tap_not_ok "$name: the snoozed reminder comes back" "$(daemon_log | tail -n 10)"
        fi

        # ---- Write notes, clicked ----
        sleep 1.5
        local notes=$XDG_DATA_HOME/nudge/notes/$(date -d "@$S" +%F)-therapy.md
        servers__invoke "$name" notes
        if wait_for 10 test -s "$notes"; then
                tap_is "$name: a click on Write notes creates the notes file" \
                        "$(grep -c '"ActionInvoked".*"notes"' "$NOTIFY_CALLS")|$(stat -c %a "$notes")|$(head -n 1 "$notes")" \
                        "1|600|# Therapy with Dr. Rivera"
        else
                tap_not_ok "$name: a click on Write notes creates the notes file" \
                        "shown: $(servers__count "$name")" "$(tail -n 5 "$NOTIFY_CALLS")" "$(daemon_log | tail -n 10)"
        fi
        if wait_for 10 grep -q "^opened $notes " "$DESKTOP_DIR/opened.log"; then
                tap_ok "$name: the default application opens it"
        else
                tap_not_ok "$name: the default application opens it" "$(cat "$DESKTOP_DIR/opened.log")"
        fi
}
