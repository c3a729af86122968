#!/bin/bash
# SPDX-License-Identifier: MIT
# End-to-end on mako, on a headless sway: see tests/lib/servers.sh.
#
# sway refuses to run as root, and a session bus admits only its own user: the whole
# desktop (private manager, its bus, nudged, sway, mako) runs as an unprivileged test
# user, $NUDGE_TEST_USER (default nudge-test), with its own XDG_RUNTIME_DIR
# (/run/user/UID, 0700, its own). Started as root, this script prepares what needs root
# (the user, the runtime folder, the markers, a test folder it owns, the machine-wide
# desktop lock) and runs itself again as that user. The user is created
# (useradd --system --create-home) only with CI=true; elsewhere the test runs only when
# the user exists already, and skips otherwise (as when not root or a tool is missing).
# NUDGE_TEST_STAGE=1 runs the copy (see below) even where the user can reach the tree.
set -uo pipefail
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib/desktop.sh"
. "$top_srcdir/tests/lib/daemon.sh"
. "$top_srcdir/tests/lib/servers.sh"
user=${NUDGE_TEST_USER:-nudge-test}

if [ -z "${SERVERS_AS_USER:-}" ]; then
        tap_plan 12
        [ "$(id -u)" = 0 ] || desktop_skip "needs root, to run the desktop as $user"
        for t in sway mako makoctl grim runuser convert; do
                command -v "$t" >/dev/null || desktop_skip "$t is missing (run .ci/install-deps test)"
        done
        if ! id "$user" >/dev/null 2>&1; then
                [ "${CI:-}" = true ] || desktop_skip "no user $user (CI=true creates it; or useradd --system --create-home $user)"
                useradd --system --create-home "$user" || desktop_bail "cannot create $user"
        fi
        uid=$(id -u "$user")
        # The machine-wide lock, held here while the test user's desktop runs.
        desktop__lock
        created=()
        for m in /run/systemd/system /run/systemd/unit-root; do
                [ -d "$m" ] && continue
                [ "${CI:-}" = true ] || [ "${NUDGE_TEST_ALLOW_MARKERS:-}" = 1 ] ||
                        desktop_skip "$m is missing (PID 1 is not systemd); NUDGE_TEST_ALLOW_MARKERS=1 lets the test create it"
                mkdir "$m" && created+=("$m")
        done
        rt=/run/user/$uid
        mkdir -p "$rt" && chown "$user:" "$rt" && chmod 0700 "$rt"
        # The test user runs this tree's files: where it cannot reach them (a tree under
        # /root), a copy of what the test needs goes to its home.
        src=$top_srcdir build=$top_builddir script=$0
        tmp=$top_builddir/tests/tmp/as-$user
        if [ "${NUDGE_TEST_STAGE:-}" = 1 ] ||
                ! runuser -u "$user" -- test -r "$src/tests/lib/servers.sh" -a -r "$script" \
                -a -x "$build/nudged" -a -r "$build/units/nudged.service" 2>/dev/null; then
                stage=$(getent passwd "$user" | cut -d: -f6)/nudge-test-tree
                rm -rf "$stage" && mkdir -p "$stage/tests/tmp" "$stage/units" "$stage/man" &&
                        cp -r "$top_srcdir/tests/lib" "$stage/tests/" && cp "$0" "$stage/tests/" &&
                        cp -r "$top_srcdir/conf" "$stage/" && cp "$top_srcdir"/man/*.[15] "$stage/man/" &&
                        cp "$top_builddir/units/nudged.service" "$stage/units/" &&
                        cp "$top_builddir/nudged" "$stage/" && chown -R "$user:" "$stage" ||
                        desktop_bail "cannot copy the test's files for $user to $stage"
                tap_diag "$user cannot reach this tree: running a copy in $stage"
                src=$stage build=$stage script=$stage/tests/$(basename "$0") tmp=$stage/tests/tmp
        fi
        mkdir -p "$tmp" && chown "$user:" "$tmp" && chmod 0700 "$tmp"
        # A user manager needs a cgroup of its own to put its units in (a logind
        # login's user@.service would delegate one): one per hierarchy systemd uses,
        # owned by the test user, with this script in it, given back afterwards.
        cgroups=() back=() own=$(cat /proc/self/cgroup)
        while IFS=: read -r _ ctl path; do
                case $ctl in
                "") base=/sys/fs/cgroup/unified; [ -d "$base" ] || base=/sys/fs/cgroup ;;
                name=systemd) base=/sys/fs/cgroup/systemd ;;
                *) continue ;;
                esac
                [ -w "$base" ] || continue
                cg=$base/nudge-test-desktop
                mkdir -p "$cg" && chown -R "$user:" "$cg" && echo $$ >"$cg/cgroup.procs" ||
                        desktop_bail "cannot give $user the cgroup $cg"
                cgroups+=("$cg") back+=("$base$path")
        done <<<"$own"
        out=0
        runuser -u "$user" -- env -i PATH="$PATH" LANG="${LANG:-C.UTF-8}" CI="${CI:-}" \
                top_srcdir="$src" top_builddir="$build" SERVERS_AS_USER=1 \
                DESKTOP_TMPDIR="$tmp" NUDGE_TEST_LOCK="$tmp/desktop.lock" \
                NUDGE_TEST_KEEP="${NUDGE_TEST_KEEP:-}" SERVERS_SHOT="$tmp/reminder-mako.png" \
                bash "$script" || out=$?
        mkdir -p "$top_builddir/tests/artifacts"
        [ -f "$tmp/reminder-mako.png" ] && cp "$tmp/reminder-mako.png" "$top_builddir/tests/artifacts/"
        for i in "${!cgroups[@]}"; do
                echo $$ >"${back[i]}/cgroup.procs"
                pids=$(find "${cgroups[i]}" -name cgroup.procs -exec cat {} + 2>/dev/null)
                # shellcheck disable=SC2086
                [ -n "$pids" ] && kill -KILL $pids 2>/dev/null && sleep 0.5
                find "${cgroups[i]}" -depth -mindepth 1 -type d -exec rmdir {} + 2>/dev/null
                rmdir "${cgroups[i]}" 2>/dev/null
        done
        for m in "${created[@]}"; do rmdir "$m" 2>/dev/null; done
        find "$rt" -mindepth 1 -maxdepth 1 -exec rm -rf {} + 2>/dev/null
        exit "$out"
fi

# ---- as the test user (the plan is printed already) ----
tap__planned=12
desktop_start
desktop_setenv TZ=UTC
desktop_setenv NUDGE_TEST_SNOOZE_SECONDS=3
ln -sf /dev/null "$XDG_CONFIG_HOME/systemd/user/mako.service"
systemctl --user daemon-reload
desktop_start_monitor
printf 'output HEADLESS-1 resolution 1280x800\n' >"$DESKTOP_DIR/sway.conf"
WLR_BACKENDS=headless WLR_RENDERER=pixman WLR_LIBINPUT_NO_DEVICES=1 \
        desktop__spawn sway sway -c "$DESKTOP_DIR/sway.conf"
wayland() { ls "$XDG_RUNTIME_DIR" | grep -m1 '^wayland-[0-9]*$'; }
wait_for 15 wayland || desktop_bail "sway did not start: $(tail -n 5 "$DESKTOP_DIR/sway.log")"
desktop_setenv WAYLAND_DISPLAY="$(wayland)"
servers_icon
desktop__spawn mako mako
DESKTOP_SERVER_PID=$desktop__pid
desktop__server_pids+=("$desktop__pid")
wait_for 10 desktop__owner_is "$DESKTOP_SERVER_PID" ||
        desktop_bail "mako did not take org.freedesktop.Notifications: $(tail -n 5 "$DESKTOP_DIR/mako.log")"
servers_run mako
