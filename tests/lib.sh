# SPDX-License-Identifier: MIT
# TAP helpers and a scratch folder for the command-line tests (cli-*.sh). Source it:
#   . "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
# It sets NUDGE (the binary: exported by `make check`, else the build tree's), T (a scratch
# folder, removed at exit unless a test failed or NUDGE_TEST_KEEP=1), DATA (tests/data),
# and pins the clock and the zone (NUDGE_NOW, TZ) so that outputs are the same everywhere.

set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
. "$top_srcdir/tests/lib/handover.sh"
top_builddir=${top_builddir:-$top_srcdir}
NUDGE=${NUDGE:-$top_builddir/nudge}
DATA=$top_srcdir/tests/data

t__n=0
t__failed=0

ok() {
        t__n=$((t__n + 1))
        echo "ok $t__n - $1"
}

# not_ok NAME [DETAILS...]: details go out as TAP comments.
not_ok() {
        t__n=$((t__n + 1))
        t__failed=$((t__failed + 1))
        echo "not ok $t__n - $1"
        shift
        local line
        for line in "$@"; do
                printf '%s\n' "$line" | sed 's/^/#   /'
        done
}

skip() {
        t__n=$((t__n + 1))
        echo "ok $t__n - $1 # SKIP $2"
}

diag() {
        printf '%s\n' "$*" | sed 's/^/# /'
}

# is NAME GOT WANT
is() {
        if [ "$2" == "$3" ]; then
                ok "$1"
        else
                not_ok "$1" "got:" "$2" "want:" "$3"
        fi
}

# like NAME TEXT PATTERN (a grep -E pattern)
like() {
        if printf '%s\n' "$2" | grep -Eq -- "$3"; then
                ok "$1"
        else
                not_ok "$1" "text:" "$2" "does not match: $3"
        fi
}

# unlike NAME TEXT PATTERN
unlike() {
        if printf '%s\n' "$2" | grep -Eq -- "$3"; then
                not_ok "$1" "text:" "$2" "matches: $3"
        else
                ok "$1"
        fi
}

# run CMD...: sets $out, $err (texts) and $rc. Never waits more than 20 s. Every run's
# stdout and stderr are also kept, in order, in $T/.all (a test can check that something
# never reached any command's output).
run() {
        timeout 20 "$@" >"$T/.out" 2>"$T/.err" </dev/null
        rc=$?
        out=$(cat "$T/.out")
        err=$(cat "$T/.err")
        cat "$T/.out" "$T/.err" >>"$T/.all"
}

# status NAME WANT: checks $rc from the last run.
status() {
        if [ "$rc" == "$2" ]; then
                ok "$1"
        else
                not_ok "$1" "exit status $rc, want $2" "stderr:" "$err"
        fi
}

finish() {
        echo "1..$t__n"
        if [ "$t__failed" -gt 0 ]; then
                diag "$t__failed of $t__n failed; scratch folder kept: $T"
                exit 1
        fi
        [ "${NUDGE_TEST_KEEP:-}" = 1 ] || rm -rf "$T"
        exit 0
}

if [ ! -x "$NUDGE" ]; then
        if [ "${CI:-}" = true ]; then
                echo "Bail out! no nudge binary at $NUDGE"
                exit 1
        fi
        echo "1..0 # SKIP no nudge binary at $NUDGE"
        exit 0
fi
T=$(mktemp -d "${TMPDIR:-/tmp}/nudge-cli.XXXXXX")
chmod 700 "$T"
export TZ=Europe/Berlin NUDGE_NOW=2026-11-25T09:00:00+01:00
export XDG_CONFIG_HOME=$T/xdg-config XDG_DATA_HOME=$T/xdg-data XDG_STATE_HOME=$T/xdg-state
export HOME=$T/home LC_ALL=C.UTF-8
unset VISUAL EDITOR
mkdir -p "$HOME"

# A fixture copied into the scratch folder, readable by its owner only (nudge refuses a
# schedule that others can change, and a checkout's modes follow the umask).
fixture() {
        cp "$DATA/$1" "$T/$1" && chmod 600 "$T/$1"
}
