#!/bin/bash
# SPDX-License-Identifier: MIT
# nudged under valgrind's memcheck through a whole cycle: start, a reminder sent (late, at
# once: its session is a few minutes ahead), a reload (SIGHUP), SIGTERM. Once with the plain
# notifier (--dry-run) and once with libnotify and no notification server (the retry path).
# No invalid access, no leak beyond GLib's one-time allocations (tests/valgrind.supp).
set -u
: "${top_srcdir:?}" "${NUDGED:?}"
if ! command -v valgrind >/dev/null; then
        [ "${CI:-}" = true ] && { echo "Bail out! valgrind is missing"; exit 1; }
        echo "1..0 # SKIP valgrind is not installed"; exit 0
fi
if nm -an "$NUDGED" 2>/dev/null | grep __asan_init >/dev/null; then
        echo "1..0 # SKIP built with AddressSanitizer, which covers this and excludes valgrind"
        exit 0
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/nudged-vg.XXXXXX")
trap 'rm -rf "$work"' EXIT
export TZ=UTC HOME=$work XDG_CONFIG_HOME=$work/config XDG_STATE_HOME=$work/state \
        XDG_DATA_HOME=$work/data
unset NOTIFY_SOCKET WATCHDOG_USEC
# A session five minutes from now, reminded an hour before: due at once, late.
when=$(date -u -d '+5 min' '+%Y-%m-%d %H:%M')
printf '[therapy]\ntitle = Therapy with Dr. Rivera\nonce = %s\nremind = 1h\n' "$when" >"$work/s.ini"
chmod 600 "$work/s.ini"

n=0
cycle() { # name, then the environment and arguments for nudged
        local name=$1; shift
        n=$((n + 1))
        env "$@" valgrind -q --leak-check=full --show-leak-kinds=definite,indirect \
                --errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
                --suppressions="$top_srcdir/tests/valgrind.supp" \
                "$NUDGED" --foreground --config "$work/s.ini" $extra >"$work/out" 2>"$work/err" &
        local pid=$!
        # Wait for the reminder (or its first failed attempt), then reload and stop.
        for _ in $(seq 1 300); do
                grep -q "$wait_for" "$work/out" "$work/err" 2>/dev/null && break
                sleep 0.1
        done
        kill -HUP "$pid" 2>/dev/null
        for _ in $(seq 1 100); do
                grep -q 'Loaded\|Reload' "$work/err" 2>/dev/null && break
                sleep 0.1
        done
        sleep 0.5
        kill -TERM "$pid" 2>/dev/null
        wait "$pid"
        local got=$?
        if [ "$got" = 0 ] && grep -q "$wait_for" "$work/out" "$work/err"; then
                echo "ok $n - $name"
        else
                echo "not ok $n - $name (exit $got)"
                sed 's/^/# /' "$work/out" "$work/err" | tail -60
        fi
}
echo "1..2"
extra=--dry-run wait_for="Therapy with Dr. Rivera" \
        cycle "start, reminder (plain notifier), reload, SIGTERM" DBUS_SESSION_BUS_ADDRESS=
extra= wait_for="trying again" \
        cycle "start, reminder without a notification server (retry), reload, SIGTERM" \
        DBUS_SESSION_BUS_ADDRESS=unix:path=$work/no-bus
