#!/bin/bash
# SPDX-License-Identifier: MIT
# Proves the test desktop works: private user manager, user bus, dunst on Xvfb,
# the recorder, the monitor, actions, screenshots, and the server without actions.
set -uo pipefail
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib/desktop.sh"

tap_plan 14
desktop_start

tap_is "the private user manager is running" "$(systemctl --user is-system-running 2>&1)" running
tap_check "a transient unit runs to completion" systemd-run --user --quiet --wait true
# A unit with mount namespaces needs /run/systemd/unit-root, and must see the
# test home (which is why it lives in the build tree, not /tmp).
tap_check "a sandboxed unit (PrivateTmp, PrivateUsers, ProtectSystem) sees the test home" \
        systemd-run --user --quiet --wait -p PrivateUsers=yes -p PrivateTmp=yes \
        -p ProtectSystem=strict -p ProtectHome=read-only test -d "$HOME/.config"

# With no server, a call to the name must fail at once: dunst.service is masked,
# so D-Bus activation cannot start a stray dunst.
t0=$(desktop__now_ms)
if gdbus call --session --dest org.freedesktop.Notifications --timeout 10 \
        --object-path /org/freedesktop/Notifications \
        --method org.freedesktop.Notifications.GetCapabilities >/dev/null 2>&1; then
        tap_not_ok "no server: a call fails instead of activating dunst" "the call succeeded"
else
        t=$(($(desktop__now_ms) - t0))
        if [ "$t" -lt 3000 ] && ! pgrep -u "$(id -u)" -x dunst >/dev/null; then
                tap_ok "no server: a call fails at once (${t} ms), no dunst activated"
        else
                tap_not_ok "no server: a call fails at once, no dunst activated" "took ${t} ms"
        fi
fi

desktop_start_notifications
tap_is "dunst owns org.freedesktop.Notifications" "$(desktop_notifications_owner)" "$DESKTOP_SERVER_PID"

caps=$(gdbus call --session --dest org.freedesktop.Notifications \
        --object-path /org/freedesktop/Notifications \
        --method org.freedesktop.Notifications.GetCapabilities)
if [[ $caps == *"'actions'"* && $caps == *"'body-markup'"* ]]; then
        tap_ok "dunst lists actions and body-markup"
else
        tap_not_ok "dunst lists actions and body-markup" "$caps"
fi

notify-send -a nudge -u normal "hello" "world & <b>x</b>"
if notify_log_wait '"summary": "hello"' 10; then
        tap_is "the recorder saw the exact summary and body" \
                "$(notify_log_get -1 app)|$(notify_log_get -1 summary)|$(notify_log_get -1 body)|$(notify_log_get -1 urgency)" \
                "nudge|hello|world & <b>x</b>|NORMAL"
else
        tap_not_ok "the recorder saw the exact summary and body" "$(cat "$NOTIFY_LOG")"
fi

if notify_calls_wait 1 5; then
        tap_is "the monitor saw the Notify call with its hints" \
                "$(notify_call_get -1 app_name)|$(notify_call_get -1 body)|$(notify_call_get -1 hints.urgency)" \
                "nudge|world & <b>x</b>|1"
else
        tap_not_ok "the monitor saw the Notify call with its hints" "$(cat "$NOTIFY_CALLS")"
fi

# Actions through dunst: the default action, then one chosen in the context menu.
# Position 0 is the first notification on screen: clear the screen first.
dunstctl close-all
act_out=$DESKTOP_DIR/action.out
notify-send -a nudge -A default=Open -A snooze=Snooze --wait "act" "on it" >"$act_out" 2>&1 &
act_pid=$!
notify_log_wait '"summary": "act"' 10
dunstctl action 0
wait_for 5 grep -qx default "$act_out"
kill "$act_pid" 2>/dev/null
wait "$act_pid" 2>/dev/null
tap_is "dunstctl action 0 invokes the default action" "$(cat "$act_out")" default

notify-send -a nudge -A default=Open -A snooze=Snooze --wait "menu" "pick one" >"$act_out" 2>&1 &
act_pid=$!
notify_log_wait '"summary": "menu"' 10
echo 'Snooze' >"$DESKTOP_DIR/dmenu-choice"
dunstctl context
wait_for 5 grep -qx snooze "$act_out"
kill "$act_pid" 2>/dev/null
wait "$act_pid" 2>/dev/null
tap_is "the scripted context menu invokes another action" "$(cat "$act_out")" snooze
tap_check "the monitor saw both ActionInvoked signals" \
        test "$(notify_calls_count ActionInvoked)" -ge 2

notify-send -a nudge "Therapy with Dr. Rivera tomorrow at 14:00" \
        "Jot down <i>one</i> thing you want to bring up & why."
notify_log_wait '"summary": "Therapy with' 10
shot=$DESKTOP_DIR/screenshot.png
desktop_screenshot "$shot"
# More than a couple of colours: something (text, frame) was drawn on the screen.
colours=$(identify -format '%k' "$shot" 2>/dev/null)
if [ "$(head -c 8 "$shot" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] &&
        [ "${colours:-0}" -gt 8 ]; then
        tap_ok "a screenshot shows the notification ($(stat -c %s "$shot") bytes, $colours colours)"
else
        tap_not_ok "a screenshot shows the notification" "$(ls -l "$shot" 2>&1)" "colours: $colours"
fi
if [ -n "${NUDGE_TEST_ARTIFACTS:-}" ]; then
        mkdir -p "$NUDGE_TEST_ARTIFACTS" && cp "$shot" "$NUDGE_TEST_ARTIFACTS/desktop-smoke.png"
fi

# The server without actions.
desktop_stop_notifications
desktop_start_notifications --no-actions
caps=$(gdbus call --session --dest org.freedesktop.Notifications \
        --object-path /org/freedesktop/Notifications \
        --method org.freedesktop.Notifications.GetCapabilities)
tap_is "the plain server lists body and no actions" "$caps" "(['body'],)"
notify-send -a nudge "plain" "no buttons"
if notify_log_wait '"summary": "plain"' 10; then
        tap_is "the plain server logged the notification" \
                "$(notify_log_get -1 server)|$(notify_log_get -1 body)" "fake|no buttons"
else
        tap_not_ok "the plain server logged the notification" "$(cat "$NOTIFY_LOG")"
fi
