# SPDX-License-Identifier: MIT
# A private session bus and a Secret Service on it (gnome-keyring-daemon, unlocked with a
# known password), for tests of calendar passwords. Source it after tests/lib.sh (it uses
# $T): keyring_bus_start, then keyring_start; keyring_stop ends the keyring alone (for
# "no Secret Service on the bus"). Everything stops at exit.
#
# The bus reads no service folders: nothing is activated on it behind the test's back
# (not the installed gnome-keyring, not a prompter), so what answers is what was started.

KEYRING_PASSWORD=keyring-test-pw
keyring__bus_pid=
keyring__pid=

# Skips the whole test (or bails out in CI) when a tool is missing.
keyring_require() {
        local tool
        for tool in dbus-daemon dbus-send gnome-keyring-daemon secret-tool "$@"; do
                command -v "$tool" >/dev/null 2>&1 && continue
                if [ "${CI:-}" = true ]; then
                        echo "Bail out! $tool is missing (.ci/install-deps test)"
                        exit 1
                fi
                echo "1..0 # SKIP $tool is missing"
                exit 0
        done
}

keyring__cleanup() {
        keyring_stop
        [ -n "$keyring__bus_pid" ] && kill "$keyring__bus_pid" 2>/dev/null
        keyring__bus_pid=
}

# keyring_bus_start: a session bus of the test's own, in $T/bus; exports
# DBUS_SESSION_BUS_ADDRESS and a private XDG_RUNTIME_DIR ($T/run).
keyring_bus_start() {
        mkdir -p "$T/run" && chmod 700 "$T/run"
        export XDG_RUNTIME_DIR=$T/run
        cat >"$T/bus.conf" <<EOF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=$T/run/bus</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
EOF
        local info
        info=$(dbus-daemon --config-file="$T/bus.conf" --fork --print-address=1 --print-pid=1) || {
                echo "Bail out! dbus-daemon did not start"
                exit 1
        }
        export DBUS_SESSION_BUS_ADDRESS=$(printf '%s\n' "$info" | sed -n 1p)
        keyring__bus_pid=$(printf '%s\n' "$info" | sed -n 2p)
        # Each helper adds its own stop to the list that the EXIT trap runs.
        TEST_AT_EXIT+=(keyring__cleanup)
        trap 'for f in "${TEST_AT_EXIT[@]}"; do "$f"; done' EXIT
}

# keyring__owned NAME: whether NAME has an owner on the bus.
keyring__owned() {
        dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
                org.freedesktop.DBus.NameHasOwner "string:$1" 2>/dev/null | grep -q 'boolean true'
}

# keyring_start [--locked]: gnome-keyring-daemon's Secret Service on the bus, its login
# keyring (in $XDG_DATA_HOME/keyrings) created or unlocked with $KEYRING_PASSWORD; with
# --locked, left locked (and with no prompter on the bus, it cannot be unlocked). Waits
# until org.freedesktop.secrets is owned.
keyring_start() {
        if [ "${1:-}" = --locked ]; then
                gnome-keyring-daemon --foreground --components=secrets </dev/null \
                        >"$T/keyring.log" 2>&1 &
        else
                printf '%s' "$KEYRING_PASSWORD" |
                        gnome-keyring-daemon --foreground --unlock --components=secrets \
                                >"$T/keyring.log" 2>&1 &
        fi
        keyring__pid=$!
        local i
        for ((i = 0; i < 100; i++)); do
                keyring__owned org.freedesktop.secrets && return 0
                sleep 0.1
        done
        echo "Bail out! gnome-keyring-daemon did not take org.freedesktop.secrets"
        sed 's/^/# /' "$T/keyring.log"
        exit 1
}

# keyring_stop: ends the keyring (it may take its time over SIGTERM: then SIGKILL) and
# waits until its name is gone from the bus.
keyring_stop() {
        [ -n "$keyring__pid" ] || return 0
        kill "$keyring__pid" 2>/dev/null
        local i
        for ((i = 0; i < 20; i++)); do
                kill -0 "$keyring__pid" 2>/dev/null || break
                sleep 0.1
        done
        kill -9 "$keyring__pid" 2>/dev/null
        wait "$keyring__pid" 2>/dev/null
        keyring__pid=
        for ((i = 0; i < 50; i++)); do
                keyring__owned org.freedesktop.secrets || return 0
                sleep 0.1
        done
}
