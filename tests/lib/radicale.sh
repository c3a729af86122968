# SPDX-License-Identifier: MIT
# A real CalDAV server for tests: Radicale 3.1 on 127.0.0.1 at a free port, with a
# configuration of its own (htpasswd with plain passwords, each user owning only their own
# calendars, storage in $T/radicale). Source it after tests/lib.sh (it uses $T).
#   radicale_require          skip (or bail out in CI) without radicale or curl
#   radicale_start            start it, wait until it answers, and make the calendars
#                             $RADICALE_CAL (sam's) and $RADICALE_CAL_BOB (bob's)
#   radicale_put UID ICS      put an event (the text of a VCALENDAR) into sam's calendar
#   radicale_delete UID       delete it
#   radicale_stop             stop the server (also done at exit)
# $RADICALE_URL is the server's root; users sam and bob have the passwords $RADICALE_PW_SAM
# and $RADICALE_PW_BOB.

RADICALE_PW_SAM=sam-caldav-Secret1
RADICALE_PW_BOB=bob-caldav-Secret2
radicale__pid=

radicale_require() {
        local tool
        for tool in radicale curl; do
                command -v "$tool" >/dev/null 2>&1 && continue
                if [ "${CI:-}" = true ]; then
                        echo "Bail out! $tool is missing (.ci/install-deps test)"
                        exit 1
                fi
                echo "1..0 # SKIP $tool is missing"
                exit 0
        done
}

# A port nobody listens on now (the kernel's choice for a socket bound to port 0).
radicale__free_port() {
        /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# radicale__curl USER ARGS...: curl as USER (sam or bob; "-" for none), quiet, with a time
# limit; prints the HTTP status.
radicale__curl() {
        local user=$1 auth=()
        shift
        case $user in
        sam) auth=(--user "sam:$RADICALE_PW_SAM") ;;
        bob) auth=(--user "bob:$RADICALE_PW_BOB") ;;
        esac
        curl -s -o /dev/null -w '%{http_code}' --max-time 10 "${auth[@]}" "$@"
}

radicale__config() {
        local dir=$1 port=$2
        printf '%s\n' "sam:$RADICALE_PW_SAM" "bob:$RADICALE_PW_BOB" >"$dir/users"
        cat >"$dir/config" <<EOF
[server]
hosts = 127.0.0.1:$port
[auth]
type = htpasswd
htpasswd_filename = $dir/users
htpasswd_encryption = plain
delay = 0
[rights]
type = owner_only
[storage]
filesystem_folder = $dir/collections
[web]
type = none
[logging]
level = warning
EOF
}

# Starts Radicale at a free port (another one when that port was taken meanwhile).
radicale_start() {
        local dir=$T/radicale try i port
        mkdir -p "$dir" && chmod 700 "$dir"
        for ((try = 0; try < 5; try++)); do
                port=$(radicale__free_port)
                radicale__config "$dir" "$port"
                radicale --config "$dir/config" >"$dir/log" 2>&1 &
                radicale__pid=$!
                RADICALE_URL=http://127.0.0.1:$port
                for ((i = 0; i < 100; i++)); do
                        kill -0 "$radicale__pid" 2>/dev/null || break
                        [ "$(radicale__curl - "$RADICALE_URL/")" != 000 ] && break 2
                        sleep 0.1
                done
                radicale_stop
        done
        if [ -z "$radicale__pid" ]; then
                echo "Bail out! radicale did not start"
                sed 's/^/# /' "$dir/log"
                exit 1
        fi
        # Each helper adds its own stop to the list that the EXIT trap runs.
        TEST_AT_EXIT+=(radicale_stop)
        trap 'for f in "${TEST_AT_EXIT[@]}"; do "$f"; done' EXIT
        RADICALE_CAL=$RADICALE_URL/sam/therapy/
        RADICALE_CAL_BOB=$RADICALE_URL/bob/private/
        local a b
        a=$(radicale__curl sam -X MKCALENDAR "$RADICALE_CAL")
        b=$(radicale__curl bob -X MKCALENDAR "$RADICALE_CAL_BOB")
        if [ "$a $b" != "201 201" ]; then
                echo "Bail out! radicale: MKCALENDAR answered $a and $b"
                exit 1
        fi
}

# radicale_put UID ICS_TEXT: creates or replaces sam's event UID; prints nothing, fails
# (status 1, with the HTTP status on stderr) unless the server took it.
radicale_put() {
        local code
        code=$(printf '%s' "$2" | radicale__curl sam -X PUT -H 'Content-Type: text/calendar' \
                --data-binary @- "$RADICALE_CAL$1.ics")
        case $code in
        201 | 204) return 0 ;;
        *) echo "radicale_put $1: HTTP $code" >&2; return 1 ;;
        esac
}

radicale_delete() {
        local code
        code=$(radicale__curl sam -X DELETE "$RADICALE_CAL$1.ics")
        [ "$code" = 200 ] || [ "$code" = 204 ] || { echo "radicale_delete $1: HTTP $code" >&2; return 1; }
}

radicale_stop() {
        [ -n "$radicale__pid" ] || return 0
        kill "$radicale__pid" 2>/dev/null
        wait "$radicale__pid" 2>/dev/null
        radicale__pid=
}
