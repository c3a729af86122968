# SPDX-License-Identifier: MIT
# A private desktop for integration tests: systemd --user with its D-Bus user bus,
# and a real notification server (dunst on Xvfb), plus TAP helpers.
#
# Source it from a bash test (automake exports top_srcdir and top_builddir):
#
#   . "$top_srcdir/tests/lib/desktop.sh"
#   tap_plan 3
#   desktop_start                      # private HOME + user manager + user bus
#   desktop_start_notifications        # Xvfb + dunst (or --no-actions: a server without actions)
#   notify-send -a nudge hi there
#   notify_log_wait '"summary": "hi"' 5 && tap_ok "arrives" || tap_not_ok "arrives"
#   ...                                # cleanup runs by itself on exit
#
# What each step guarantees, and the traps it avoids, are in the comments of the
# functions below; platform-facts.md ("Running the real desktop parts in tests")
# explains why.
#
# Only one private manager may run at a time on a machine: managers started from
# the same cgroup share its subtree, and they share /run/user/$UID. desktop_start
# therefore takes a machine-wide lock (flock on /run/lock/nudge-desktop-test.lock,
# held until the test exits), so tests using this library serialize themselves even
# under `make -j` and across build trees.
#
# Skips: outside CI, a test that cannot run (a user manager of yours already runs,
# /run/systemd markers absent and not allowed, tools missing) prints a TAP skip
# ("1..0 # SKIP …", or "ok N # SKIP" for the rest of a plan already printed) and
# exits 0 — automake's TAP driver counts an exit status of 77 as an error, not a
# skip. With CI=true nothing skips: the same conditions print "Bail out!" and exit 1.
#
# Environment knobs:
#   NUDGE_TEST_ALLOW_MARKERS=1  create /run/systemd/system and /run/systemd/unit-root
#                               when missing (implied by CI=true); never do this on a
#                               machine whose PID 1 is systemd — there they exist.
#   NUDGE_TEST_KEEP=1           keep the test directory even when every test passed
#                               (it is always kept after a failure).
#   NUDGE_TEST_LOCK_TIMEOUT=S   how long to wait for another desktop test (default 900).
#   NUDGE_TEST_LOCK=FILE        the lock file (default /run/lock/nudge-desktop-test.lock,
#                               or tests/tmp/desktop.lock where /run/lock is not writable).
#   DESKTOP_DUNSTRC_EXTRA       text appended to the generated dunstrc.
#   DESKTOP_TMPDIR              where the test directories go (default tests/tmp in the
#                               build tree; tests/server-mako.sh's test user's own).

desktop__libdir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
: "${top_srcdir:=$(cd "$desktop__libdir/../.." && pwd)}"
: "${top_builddir:=$(pwd)}"
top_builddir=$(cd "$top_builddir" && pwd)
export top_srcdir top_builddir

PYTHON=/usr/bin/python3         # python3-dbus belongs to this one, not to one on PATH

# ---- TAP --------------------------------------------------------------------

tap__n=0
tap__failed=0
tap__planned=

# tap_plan N: print the plan. Call it once, before or after desktop_start.
tap_plan() {
        tap__planned=$1
        echo "1..$1"
}

# tap_ok NAME
tap_ok() {
        tap__n=$((tap__n + 1))
        echo "ok $tap__n - $*"
}

# tap_not_ok NAME [DIAGNOSTIC…]: each DIAGNOSTIC is printed as a "# " line.
tap_not_ok() {
        local name=$1 line
        shift
        tap__n=$((tap__n + 1))
        tap__failed=$((tap__failed + 1))
        echo "not ok $tap__n - $name"
        for line in "$@"; do
                printf '%s\n' "$line" | sed 's/^/#   /'
        done
}

# tap_skip NAME REASON
tap_skip() {
        tap__n=$((tap__n + 1))
        echo "ok $tap__n - $1 # SKIP $2"
}

# tap_diag TEXT…: a diagnostic line (ignored by the TAP driver, kept in the .log).
tap_diag() {
        printf '%s\n' "$*" | sed 's/^/# /'
}

# tap_check NAME CMD [ARG…]: ok when CMD exits 0; otherwise not ok, with CMD's
# output and exit status as diagnostics. Returns CMD's status.
tap_check() {
        local name=$1 out rc=0
        shift
        out=$("$@" 2>&1) || rc=$?
        if [ $rc -eq 0 ]; then
                tap_ok "$name"
        else
                tap_not_ok "$name" "command: $*" "exit status: $rc" "$out"
        fi
        return $rc
}

# tap_is NAME GOT EXPECTED: ok when the two strings are equal.
tap_is() {
        if [ "$2" = "$3" ]; then
                tap_ok "$1"
        else
                tap_not_ok "$1" "got:      $(printf '%q' "$2")" "expected: $(printf '%q' "$3")"
                return 1
        fi
}

# tap_failed: true when any test so far failed.
tap_failed() {
        [ "$tap__failed" -gt 0 ]
}

# desktop_skip REASON: skip the rest of this test (outside CI), or bail out (CI=true).
desktop_skip() {
        if [ "${CI:-}" = true ]; then
                echo "Bail out! $1 (CI=true: integration tests must run)"
                exit 1
        fi
        if [ -z "$tap__planned" ]; then
                echo "1..0 # SKIP $1"
        else
                while [ "$tap__n" -lt "$tap__planned" ]; do
                        tap_skip "not run" "$1"
                done
        fi
        tap__skipped=1
        exit 0
}

# desktop_bail REASON: the harness itself broke; stop with an error.
desktop_bail() {
        echo "Bail out! $1"
        tap__failed=$((tap__failed + 1))
        exit 1
}

# ---- waiting ----------------------------------------------------------------

desktop__now_ms() {
        local t=${EPOCHREALTIME//[!0-9]/}
        echo $((t / 1000))
}

# wait_for SECONDS CMD [ARG…]: run CMD every 50 ms until it succeeds; returns 1
# after SECONDS (decimals allowed) without success.
wait_for() {
        local timeout=$1 deadline
        shift
        deadline=$(($(desktop__now_ms) + $(awk -v s="$timeout" 'BEGIN { printf "%d", s * 1000 }')))
        while :; do
                "$@" >/dev/null 2>&1 && return 0
                [ "$(desktop__now_ms)" -lt "$deadline" ] || return 1
                sleep 0.05
        done
}

# ---- the user manager -----------------------------------------------------

desktop__pids=()              # process groups to end at exit, in start order
desktop__created_markers=()
desktop__started=
desktop__runtime=
desktop__atexit=()

# desktop_atexit CMD: run CMD (a string, eval'd) before the desktop is torn down.
desktop_atexit() {
        desktop__atexit+=("$1")
}

desktop__require() {
        local tool
        for tool in "$@"; do
                command -v "$tool" >/dev/null 2>&1 || [ -x "$tool" ] ||
                        desktop_skip "$tool is missing (run .ci/install-deps test)"
        done
}

# desktop__spawn NAME CMD…: start CMD in its own session (so its whole process
# group can be ended), output to $DESKTOP_DIR/NAME.log; sets desktop__pid.
desktop__spawn() {
        local name=$1
        shift
        # The lock's descriptor stays here: a child holding it would keep the lock
        # after a killed test, and the next test could not reap the leftovers.
        NUDGE_TEST_DESKTOP_ID=$DESKTOP_DIR setsid "$@" >>"$DESKTOP_DIR/$name.log" 2>&1 </dev/null \
                {desktop__lock_fd}>&- &
        desktop__pid=$!
        desktop__pids+=("$desktop__pid")
}

# desktop__reap_leftovers: end what a desktop test killed with SIGKILL left behind.
# Everything this library starts carries NUDGE_TEST_DESKTOP_ID in its environment
# (the manager hands it to its units too); holding the lock, no live test owns any
# such process, so each one found belongs to a dead test.
desktop__reap_leftovers() {
        local f pid found=
        for f in $(grep -l -s -a -z '^NUDGE_TEST_DESKTOP_ID=' /proc/[0-9]*/environ); do
                pid=${f#/proc/}
                pid=${pid%/environ}
                [ "$pid" = $$ ] || [ "$pid" = "$BASHPID" ] || found="$found $pid"
        done
        [ -n "$found" ] || return 0
        tap_diag "ending processes a killed desktop test left behind:$found"
        # shellcheck disable=SC2086
        kill -KILL $found 2>/dev/null
        wait_for 5 sh -c "! kill -0 $found 2>/dev/null" || true
}

# desktop__live_runtime DIR: is a user manager or a bus already answering there?
desktop__live_runtime() {
        local dir=$1
        if [ -S "$dir/systemd/private" ] &&
                XDG_RUNTIME_DIR=$dir timeout 5 systemctl --user show -p Version >/dev/null 2>&1; then
                return 0
        fi
        if [ -S "$dir/bus" ] &&
                timeout 5 busctl --address="unix:path=$dir/bus" call org.freedesktop.DBus \
                        /org/freedesktop/DBus org.freedesktop.DBus GetId >/dev/null 2>&1; then
                return 0
        fi
        return 1
}

# desktop__check_tree: the test homes and binaries live in the build tree; a unit with
# PrivateTmp= (nudged's, and the sandboxed units the tests start) sees neither /tmp nor
# /var/tmp of the host, so a build tree there makes every such unit fail with 203/EXEC or
# a missing home. Say so once, before anything starts, instead of a cascade of failures.
desktop__check_tree() {
        local real
        real=$(realpath -m "$top_builddir")
        case $real/ in
        /tmp/* | /var/tmp/*)
                desktop_bail "the build tree $real is under /tmp or /var/tmp, which the sandboxed units (PrivateTmp=yes) cannot see: build in a folder elsewhere (e.g. mkdir ~/build && cd ~/build && $top_srcdir/configure && make check)"
                ;;
        esac
}

desktop__lock() {
        local lock=${NUDGE_TEST_LOCK:-/run/lock/nudge-desktop-test.lock}
        if ! : 2>/dev/null >>"$lock"; then
                lock=$top_builddir/tests/tmp/desktop.lock
        fi
        exec {desktop__lock_fd}>>"$lock"
        flock -n "$desktop__lock_fd" && return 0
        local t0
        t0=$(desktop__now_ms)
        tap_diag "waiting for another desktop test to finish ($lock)"
        flock -w "${NUDGE_TEST_LOCK_TIMEOUT:-900}" "$desktop__lock_fd" ||
                desktop_bail "another desktop test held $lock for too long"
        tap_diag "waited $(($(desktop__now_ms) - t0)) ms for $lock"
}

# desktop_start: a private user session. Afterwards these are set and exported:
#   DESKTOP_DIR      the test's directory, under $top_builddir/tests/tmp/ (never /tmp:
#                    units with PrivateTmp= cannot see /tmp or /var/tmp)
#   HOME XDG_CONFIG_HOME XDG_STATE_HOME XDG_DATA_HOME XDG_CACHE_HOME   inside it
#   XDG_RUNTIME_DIR  /run/user/$UID, fresh, 0700
#   DBUS_SESSION_BUS_ADDRESS   the private manager's user bus
#   DESKTOP_MANAGER_PID
# `systemctl --user`, `systemd-run --user`, `busctl --user` then talk to the private
# manager. User units go in $XDG_CONFIG_HOME/systemd/user/ (then `systemctl --user
# daemon-reload`). The output of units goes to $DESKTOP_DIR/manager.log (there is no
# journal here). dunst.service is masked so that nothing D-Bus-activates a stray
# dunst. Cleanup is registered on EXIT.
desktop_start() {
        local uid name rt
        uid=$(id -u)
        name=${DESKTOP_TEST_NAME:-$(basename "$0")}
        name=${name%.*}
        rt=/run/user/$uid

        desktop__require /usr/lib/systemd/systemd systemctl systemd-run busctl setsid flock timeout
        desktop__check_tree
        mkdir -p "${DESKTOP_TMPDIR:-$top_builddir/tests/tmp}"
        desktop__lock
        trap desktop__cleanup EXIT
        trap 'exit 130' INT
        trap 'exit 143' TERM
        desktop__started=1

        desktop__reap_leftovers
        if desktop__live_runtime "$rt"; then
                desktop_skip "a user manager or bus of yours already runs in $rt; a test must not disturb it"
        fi

        local m
        for m in /run/systemd/system /run/systemd/unit-root; do
                [ -d "$m" ] && continue
                if [ "${CI:-}" = true ] || [ "${NUDGE_TEST_ALLOW_MARKERS:-}" = 1 ]; then
                        mkdir "$m" 2>/dev/null ||
                                desktop_skip "cannot create $m (needs root)"
                        desktop__created_markers+=("$m")
                else
                        desktop_skip "$m is missing (PID 1 is not systemd); NUDGE_TEST_ALLOW_MARKERS=1 lets the test create it"
                fi
        done

        if [ -d "$rt" ]; then
                [ -O "$rt" ] || desktop_skip "$rt belongs to another user"
                find "$rt" -mindepth 1 -maxdepth 1 -exec rm -rf {} + ||
                        desktop_bail "cannot empty $rt"
        else
                mkdir -p "$rt" 2>/dev/null || desktop_skip "cannot create $rt (needs root or logind)"
        fi
        chmod 0700 "$rt"
        desktop__runtime=$rt

        DESKTOP_DIR=$(mktemp -d "${DESKTOP_TMPDIR:-$top_builddir/tests/tmp}/$name.XXXX")
        export DESKTOP_DIR
        export HOME=$DESKTOP_DIR/home
        export XDG_CONFIG_HOME=$HOME/.config
        export XDG_STATE_HOME=$HOME/.local/state
        export XDG_DATA_HOME=$HOME/.local/share
        export XDG_CACHE_HOME=$HOME/.cache
        export XDG_RUNTIME_DIR=$rt
        export DBUS_SESSION_BUS_ADDRESS=unix:path=$rt/bus
        unset DISPLAY WAYLAND_DISPLAY XDG_SESSION_ID XDG_SEAT XDG_VTNR
        mkdir -p "$XDG_CONFIG_HOME/systemd/user" "$XDG_STATE_HOME" "$XDG_DATA_HOME" "$XDG_CACHE_HOME"
        chmod 0700 "$HOME"
        ln -s /dev/null "$XDG_CONFIG_HOME/systemd/user/dunst.service"
        # xfce4-notifyd's activation goes through its user unit too (installed for
        # tests/server-*.sh): masked, so that no call finds it while dunst is away.
        # (mako's activation file runs /usr/bin/mako itself, which fails without Wayland.)
        ln -s /dev/null "$XDG_CONFIG_HOME/systemd/user/xfce4-notifyd.service"
        # No journald runs here: give units the manager's own output (manager.log),
        # so that what a daemon logs can be read by the test.
        cat >"$XDG_CONFIG_HOME/systemd/user.conf" <<-EOF
	[Manager]
	DefaultStandardOutput=inherit
	DefaultStandardError=inherit
	EOF

        # A clean environment for the manager (it hands it to every unit): what a
        # login would give, plus what tests and sanitizer builds pass through.
        local -a env=(HOME="$HOME" USER="$(id -un)" LOGNAME="$(id -un)" SHELL=/bin/sh
                PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
                LANG="${LANG:-C.UTF-8}"
                XDG_CONFIG_HOME="$XDG_CONFIG_HOME" XDG_STATE_HOME="$XDG_STATE_HOME"
                XDG_DATA_HOME="$XDG_DATA_HOME" XDG_CACHE_HOME="$XDG_CACHE_HOME"
                XDG_RUNTIME_DIR="$XDG_RUNTIME_DIR")
        local v
        env+=(NUDGE_TEST_DESKTOP_ID="$DESKTOP_DIR")
        for v in TZ LC_ALL ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS G_DEBUG G_SLICE \
                G_MESSAGES_DEBUG $(compgen -e NUDGE_); do
                [ -n "${!v+x}" ] && env+=("$v=${!v}")
        done
        desktop__spawn manager env -i "${env[@]}" /usr/lib/systemd/systemd --user
        DESKTOP_MANAGER_PID=$desktop__pid
        export DESKTOP_MANAGER_PID

        desktop__manager_up() {
                kill -0 "$DESKTOP_MANAGER_PID" 2>/dev/null || return 2
                [ -S "$XDG_RUNTIME_DIR/bus" ] || return 1
                local state
                state=$(systemctl --user is-system-running 2>/dev/null) || true
                [ "$state" = running ] || [ "$state" = degraded ]
        }
        if ! wait_for 15 desktop__manager_up; then
                tap_diag "manager.log:" "$(tail -n 30 "$DESKTOP_DIR/manager.log")"
                desktop_bail "the private systemd --user manager did not come up"
        fi
        wait_for 5 busctl --user call org.freedesktop.DBus /org/freedesktop/DBus \
                org.freedesktop.DBus GetId ||
                desktop_bail "the user bus at $XDG_RUNTIME_DIR/bus does not answer"
}

# desktop_setenv NAME=VALUE…: export to the test and to the manager (new units see it).
desktop_setenv() {
        local kv
        for kv in "$@"; do
                export "${kv?}"
        done
        systemctl --user set-environment "$@"
}

# ---- the notification server ----------------------------------------------

# desktop_start_monitor: record every Notify call, its reply and the server's
# signals as JSON lines in $NOTIFY_CALLS (see tests/lib/notify-monitor.py). Started
# by desktop_start_notifications when not running; start it yourself first to see
# calls made while no server runs.
desktop_start_monitor() {
        [ -n "${desktop__monitor_pid:-}" ] && return 0
        export NOTIFY_CALLS=$DESKTOP_DIR/notify-calls.jsonl
        : >>"$NOTIFY_CALLS"
        rm -f "$DESKTOP_DIR/monitor.ready"
        desktop__spawn monitor "$PYTHON" "$desktop__libdir/notify-monitor.py" \
                "$NOTIFY_CALLS" "$DESKTOP_DIR/monitor.ready"
        desktop__monitor_pid=$desktop__pid
        wait_for 10 test -e "$DESKTOP_DIR/monitor.ready" ||
                desktop_bail "the D-Bus monitor did not start: $(tail -n 5 "$DESKTOP_DIR/monitor.log")"
}

# desktop_notifications_owner: print the PID owning org.freedesktop.Notifications.
desktop_notifications_owner() {
        busctl --user call org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus \
                GetConnectionUnixProcessID s org.freedesktop.Notifications 2>/dev/null |
                awk '{ print $2 }'
}

desktop__owner_is() {
        [ "$(desktop_notifications_owner)" = "$1" ]
}

desktop__write_dunstrc() {
        local dir=$DESKTOP_DIR/dunst
        mkdir -p "$dir"
        # dunst runs its rule script and menu program without arguments of ours:
        # small wrappers carry the log paths.
        cat >"$dir/record" <<-EOF
	#!/bin/sh
	NUDGE_TEST_NOTIFY_LOG='$NOTIFY_LOG' exec $PYTHON '$desktop__libdir/notify-recorder.py' "\$@"
	EOF
        cat >"$dir/menu" <<-EOF
	#!/bin/sh
	# The context menu ("dunstctl context"): log the offered entries, pick the first
	# one matching the extended regex in dmenu-choice (none: pick nothing).
	tee -a '$DESKTOP_DIR/dmenu-input.log' | grep -E -m1 -e "\$(cat '$DESKTOP_DIR/dmenu-choice' 2>/dev/null || echo '^\$')"
	exit 0
	EOF
        chmod +x "$dir/record" "$dir/menu"
        cat >"$dir/dunstrc" <<-EOF
	# Written by tests/lib/desktop.sh.
	[global]
	    monitor = 0
	    follow = none
	    width = 460
	    height = 300
	    origin = top-right
	    offset = 20x20
	    notification_limit = 0
	    font = DejaVu Sans 11
	    # body-markup is listed only with full markup
	    markup = full
	    format = "<b>%s</b>\n%b"
	    # an identical notification would be folded into the first, and no script run
	    stack_duplicates = false
	    hide_duplicate_count = false
	    show_indicators = yes
	    icon_position = left
	    max_icon_size = 48
	    padding = 10
	    horizontal_padding = 12
	    frame_width = 2
	    frame_color = "#88c0d0"
	    separator_color = frame
	    background = "#2e3440"
	    foreground = "#eceff4"
	    always_run_script = true
	    idle_threshold = 0
	    dmenu = $dir/menu
	    browser = /bin/false
	    mouse_left_click = do_action, close_current
	    mouse_middle_click = context
	    mouse_right_click = close_current
	[urgency_low]
	    timeout = 0
	[urgency_normal]
	    # notifications stay until closed, so a screenshot shows them
	    timeout = 0
	[urgency_critical]
	    timeout = 0
	[nudge_test_record]
	    summary = "*"
	    script = $dir/record
	${DESKTOP_DUNSTRC_EXTRA:-}
	EOF
}

# desktop_start_notifications [--no-actions] [CAPABILITY…]
#   default: Xvfb on a free display and dunst on it (actions, body-markup, …);
#            DISPLAY is exported and set in the manager; dunst's rule script appends
#            each shown notification to $NOTIFY_LOG as a JSON line.
#   --no-actions: tests/lib/fake-server.py instead (capabilities: CAPABILITY… or
#            "body"), logging to $NOTIFY_LOG in the same format ("server": "fake").
# Returns once the server owns org.freedesktop.Notifications (checked by PID).
# Also starts the monitor ($NOTIFY_CALLS). Sets DESKTOP_SERVER_PID.
desktop_start_notifications() {
        export NOTIFY_LOG=$DESKTOP_DIR/notify.jsonl
        : >>"$NOTIFY_LOG"
        desktop_start_monitor
        if [ "${1:-}" = --no-actions ]; then
                shift
                rm -f "$DESKTOP_DIR/fake.ready"
                desktop__spawn fake-server "$PYTHON" "$desktop__libdir/fake-server.py" \
                        "$NOTIFY_LOG" "$DESKTOP_DIR/fake.ready" "$@"
                DESKTOP_SERVER_PID=$desktop__pid
                desktop__server_pids+=("$desktop__pid")
                wait_for 10 desktop__owner_is "$DESKTOP_SERVER_PID" ||
                        desktop_bail "the fake notification server did not take the name: $(tail -n 5 "$DESKTOP_DIR/fake-server.log")"
                export DESKTOP_SERVER_PID
                return 0
        fi

        desktop__require Xvfb dunst
        if [ -z "${DESKTOP_DISPLAY:-}" ]; then
                # -displayfd: Xvfb picks a free display and writes its number once
                # it accepts connections.
                rm -f "$DESKTOP_DIR/xvfb.display"
                desktop__spawn xvfb Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp \
                        3>"$DESKTOP_DIR/xvfb.display"
                desktop__xvfb_pid=$desktop__pid
                wait_for 10 grep -q '^[0-9][0-9]*$' "$DESKTOP_DIR/xvfb.display" ||
                        desktop_bail "Xvfb did not start: $(tail -n 5 "$DESKTOP_DIR/xvfb.log")"
                DESKTOP_DISPLAY=:$(cat "$DESKTOP_DIR/xvfb.display")
                export DESKTOP_DISPLAY
                desktop_setenv DISPLAY="$DESKTOP_DISPLAY"
        fi
        desktop__write_dunstrc
        desktop__spawn dunst dunst -config "$DESKTOP_DIR/dunst/dunstrc"
        DESKTOP_SERVER_PID=$desktop__pid
        desktop__server_pids+=("$desktop__pid")
        wait_for 10 desktop__owner_is "$DESKTOP_SERVER_PID" ||
                desktop_bail "dunst did not take org.freedesktop.Notifications: $(tail -n 5 "$DESKTOP_DIR/dunst.log")"
        export DESKTOP_SERVER_PID
}

# desktop_start_server NAME: like desktop_start_notifications, another real server on
# Xvfb instead of dunst: xfce4-notifyd or notification-daemon. Their D-Bus activation
# (and dunst's, mako's) goes through systemd user units, masked here, so nothing but the
# server started here can take org.freedesktop.Notifications. Returns once it owns the
# name (checked by PID); DISPLAY is exported and set in the manager. Sets
# DESKTOP_SERVER_PID. Starts the monitor ($NOTIFY_CALLS).
desktop_start_server() {
        local name=$1 bin u
        case $name in
        xfce4-notifyd) bin=/usr/lib/$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)/xfce4/notifyd/xfce4-notifyd ;;
        notification-daemon) bin=/usr/lib/notification-daemon/notification-daemon ;;
        *) desktop_bail "desktop_start_server: unknown server $name" ;;
        esac
        [ -x "$bin" ] || bin=$(command -v "$name" 2>/dev/null) ||
                desktop_skip "$name is missing (run .ci/install-deps test)"
        desktop__require Xvfb
        for u in dunst.service xfce4-notifyd.service mako.service; do
                [ -e "$XDG_CONFIG_HOME/systemd/user/$u" ] ||
                        ln -s /dev/null "$XDG_CONFIG_HOME/systemd/user/$u"
        done
        systemctl --user daemon-reload
        desktop_start_monitor
        if [ -z "${DESKTOP_DISPLAY:-}" ]; then
                rm -f "$DESKTOP_DIR/xvfb.display"
                desktop__spawn xvfb Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp \
                        3>"$DESKTOP_DIR/xvfb.display"
                desktop__xvfb_pid=$desktop__pid
                wait_for 10 grep -q '^[0-9][0-9]*$' "$DESKTOP_DIR/xvfb.display" ||
                        desktop_bail "Xvfb did not start: $(tail -n 5 "$DESKTOP_DIR/xvfb.log")"
                DESKTOP_DISPLAY=:$(cat "$DESKTOP_DIR/xvfb.display")
                export DESKTOP_DISPLAY
                desktop_setenv DISPLAY="$DESKTOP_DISPLAY"
        fi
        DISPLAY=$DESKTOP_DISPLAY desktop__spawn "$name" "$bin"
        DESKTOP_SERVER_PID=$desktop__pid
        desktop__server_pids+=("$desktop__pid")
        wait_for 15 desktop__owner_is "$DESKTOP_SERVER_PID" ||
                desktop_bail "$name did not take org.freedesktop.Notifications: $(tail -n 5 "$DESKTOP_DIR/$name.log")"
        export DESKTOP_SERVER_PID
}

# desktop_stop_notifications: end the notification server (and Xvfb, unless
# --keep-display), so that a test can see what happens with none, then start
# one again. The monitor keeps running.
desktop_stop_notifications() {
        local pid
        for pid in ${desktop__server_pids[@]+"${desktop__server_pids[@]}"}; do
                desktop__end "$pid"
        done
        desktop__server_pids=()
        if [ "${1:-}" != --keep-display ] && [ -n "${desktop__xvfb_pid:-}" ]; then
                desktop__end "$desktop__xvfb_pid"
                desktop__xvfb_pid=
                DESKTOP_DISPLAY=
                systemctl --user unset-environment DISPLAY 2>/dev/null || true
                unset DISPLAY
        fi
        wait_for 5 sh -c '! busctl --user call org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus GetNameOwner s org.freedesktop.Notifications'
}

# desktop_screenshot FILE: a PNG of the whole virtual screen.
desktop_screenshot() {
        [ -n "${DESKTOP_DISPLAY:-}" ] || return 1
        # dunst runs the rule script before it has drawn: give it a moment.
        sleep 0.5
        import -display "$DESKTOP_DISPLAY" -window root "$1"
}

# ---- the logs -----------------------------------------------------------------

# notify_log_wait PATTERN [TIMEOUT=10]: wait for a line of $NOTIFY_LOG matching the
# extended regex PATTERN (lines are JSON: '"summary": "hello"').
notify_log_wait() {
        wait_for "${2:-10}" grep -E -q -e "$1" "$NOTIFY_LOG"
}

# notify_log_count: how many notifications the server has shown so far.
notify_log_count() {
        "$PYTHON" "$desktop__libdir/jsonl.py" count "$NOTIFY_LOG"
}

# notify_log_get INDEX FIELD: one field of the INDEX-th notification shown (1 = first,
# -1 = last): app summary body icon urgency id category desktop_entry timeout …
notify_log_get() {
        "$PYTHON" "$desktop__libdir/jsonl.py" get "$NOTIFY_LOG" "$1" "$2"
}

# notify_calls_count [EVENT=notify]: how many Notify calls (or other events) so far.
notify_calls_count() {
        "$PYTHON" "$desktop__libdir/jsonl.py" count "$NOTIFY_CALLS" "${1:-notify}"
}

# notify_calls_wait N [TIMEOUT=10] [EVENT=notify]: wait until at least N such events.
notify_calls_wait() {
        desktop__calls_at_least() {
                [ "$(notify_calls_count "$2")" -ge "$1" ]
        }
        wait_for "${2:-10}" desktop__calls_at_least "$1" "${3:-notify}"
}

# notify_call_get INDEX PATH [EVENT=notify]: a field of the INDEX-th Notify call as
# the bus carried it: app_name summary body app_icon actions hints hints.urgency
# hints.desktop-entry expire_timeout time …  (strings raw, the rest as JSON).
notify_call_get() {
        "$PYTHON" "$desktop__libdir/jsonl.py" get "$NOTIFY_CALLS" "$1" "$2" "${3:-notify}"
}

# ---- teardown -----------------------------------------------------------------

# desktop__end PID: end the process group PID leads, politely then not.
desktop__end() {
        local pid=$1
        kill -TERM -- "-$pid" 2>/dev/null || return 0
        wait_for 5 sh -c "! kill -0 -- -$pid" 2>/dev/null ||
                kill -KILL -- "-$pid" 2>/dev/null
        wait "$pid" 2>/dev/null || true
}

desktop_stop() {
        local cmd pid i
        for cmd in ${desktop__atexit[@]+"${desktop__atexit[@]}"}; do
                eval "$cmd" || true
        done
        desktop__atexit=()
        # Servers, display and monitor first, then the manager (it stops its units
        # and its bus as it exits).
        for ((i = ${#desktop__pids[@]} - 1; i >= 0; i--)); do
                pid=${desktop__pids[i]}
                [ "$pid" = "${DESKTOP_MANAGER_PID:-}" ] && continue
                desktop__end "$pid"
        done
        if [ -n "${DESKTOP_MANAGER_PID:-}" ]; then
                local cg_of=/proc/$DESKTOP_MANAGER_PID/cgroup saved=
                [ -r "$cg_of" ] && saved=$(cat "$cg_of")
                desktop__end "$DESKTOP_MANAGER_PID"
                if [ -n "$saved" ]; then
                        printf '%s\n' "$saved" >"$DESKTOP_DIR/manager.cgroup"
                        desktop__kill_unit_leftovers_from "$DESKTOP_DIR/manager.cgroup"
                fi
                DESKTOP_MANAGER_PID=
        fi
        desktop__pids=()
        desktop__server_pids=()
        desktop__monitor_pid=
        desktop__xvfb_pid=
        DESKTOP_DISPLAY=
        # Only a runtime directory this test emptied itself: never a live session's.
        if [ -n "${desktop__runtime:-}" ]; then
                find "$desktop__runtime" -mindepth 1 -maxdepth 1 -exec rm -rf {} + 2>/dev/null
                desktop__runtime=
        fi
        for ((i = ${#desktop__created_markers[@]} - 1; i >= 0; i--)); do
                rmdir "${desktop__created_markers[i]}" 2>/dev/null
        done
        desktop__created_markers=()
}

# desktop__kill_unit_leftovers_from FILE: processes the manager left in its units'
# cgroups (it normally stops them all as it exits); FILE is a copy of its
# /proc/PID/cgroup. Never touches its init.scope: here that holds everything else
# that ran in the manager's parent cgroup.
desktop__kill_unit_leftovers_from() {
        local cg root base procs
        cg=$(sed -n 's|^0::||p; s|^[0-9]*:name=systemd:||p' "$1" | head -n 1)
        case $cg in
        */init.scope) root=${cg%/init.scope} ;;
        *) return 0 ;;
        esac
        for base in /sys/fs/cgroup/unified /sys/fs/cgroup/systemd /sys/fs/cgroup; do
                [ -d "$base$root/app.slice" ] || continue
                procs=$(find "$base$root/app.slice" "$base$root/session.slice" \
                        "$base$root/background.slice" -name cgroup.procs -exec cat {} + 2>/dev/null)
                # shellcheck disable=SC2086
                [ -n "$procs" ] && kill -KILL $procs 2>/dev/null
        done
        return 0
}

desktop__cleanup() {
        local rc=$?
        trap - EXIT INT TERM
        [ -n "$desktop__started" ] && desktop_stop
        if [ -n "${DESKTOP_DIR:-}" ] && [ -d "$DESKTOP_DIR" ]; then
                if [ "$rc" -ne 0 ] || tap_failed || [ "${NUDGE_TEST_KEEP:-}" = 1 ]; then
                        tap_diag "kept the test directory: $DESKTOP_DIR"
                else
                        rm -rf "$DESKTOP_DIR"
                fi
        fi
        if [ "$rc" -eq 0 ] && tap_failed; then
                rc=1
        fi
        exit "$rc"
}
