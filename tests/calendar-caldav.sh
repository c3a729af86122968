#!/bin/bash
# SPDX-License-Identifier: MIT
# A real CalDAV server (Radicale, tests/lib/radicale.sh) read through nudge-calendar
# --serve, with the password that `nudge password` kept in a real Secret Service
# (gnome-keyring, tests/lib/keyring.sh): 401 without it, the sessions with it, refused
# with a wrong one, 403 for another user's calendar, an event moved and deleted on the
# server, the server gone (the last good copy); and the password in no output and no file
# of nudge's.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
. "$top_srcdir/tests/lib/keyring.sh"
. "$top_srcdir/tests/lib/radicale.sh"
keyring_require
radicale_require
cd "$T" || exit 1
CAL=${NUDGE_CALENDAR:-$top_builddir/nudge-calendar}
export XDG_CACHE_HOME=$T/xdg-cache

keyring_bus_start
keyring_start
radicale_start
port=${RADICALE_URL##*:}
url=http://sam@127.0.0.1:$port/sam/therapy/
url_bob=http://sam@127.0.0.1:$port/bob/private/
printf '%s\n' "[therapy]" "calendar = $url" "match = therapy" \
        "[bobs]" "calendar = $url_bob" >s.ini
chmod 600 s.ini
WRONG=not-the-Passw0rd

# event UID START(local Berlin, 20261201T140000) SUMMARY: a VCALENDAR with one event.
event() {
        printf '%s\r\n' BEGIN:VCALENDAR VERSION:2.0 "PRODID:-//nudge tests//EN" BEGIN:VEVENT \
                "UID:$1" DTSTAMP:20261101T000000Z "DTSTART;TZID=Europe/Berlin:$2" \
                DURATION:PT50M "SUMMARY:$3" END:VEVENT END:VCALENDAR
}

# ask SECTION SOURCE [FETCH [PASSWORD]]: one request through a pipe (a request file
# would hold the password); $out the reply, $rc.
ask() {
        {
                printf 'nudge-calendar-request 1\nsection\t%s\nsource\t%s\n' "$1" "$2"
                printf 'zone\tEurope/Berlin\nfrom\t1795564800\nto\t1798761600\nduration\t3000\n'
                printf 'match\ttherapy\nfetch\t%s\n' "${3:-fresh}"
                [ -n "${4:-}" ] && printf 'password\t%s\n' "$4"
                printf 'end\n'
        } | timeout 60 "$CAL" --serve >"$T/.out" 2>"$T/.err"
        rc=$?
        out=$(cat "$T/.out")
        err=$(cat "$T/.err")
        cat "$T/.out" "$T/.err" >>"$T/.all"
}
field() { sed -n "s/^$1\t//p" <<<"$out" | head -1; }
# The sessions of the last reply: "START UID SUMMARY" per line.
sessions() { handover_sessions <<<"$out" | awk -F'\t' '{ print $2, $6, $7 }'; }
# expect NAME RESULT ORIGIN HTTP AUTH: the reply's header fields.
expect() {
        is "$1: exit 0" "$rc" 0
        is "$1: result, origin, http, auth" \
                "$(field result) $(field origin) $(field http) $(field auth)" "$2 $3 $4 $5"
}

radicale_put ev1 "$(event ev1 20261201T140000 "Therapy with Dr. Rivera")" &&
        radicale_put ev2 "$(event ev2 20261203T100000 "Dentist")" ||
        { echo "Bail out! radicale took no events"; exit 1; }

# ---- passwords -----------------------------------------------------------------------
ask therapy "$url" fresh
expect "no password" failed none 401 needed
like "... the reason says what to run" "$(field reason)" "needs a password: run nudge password therapy"

ask therapy "$url" fresh "$WRONG"
expect "a wrong password" failed none 401 refused
like "... the reason says it was refused" "$(field reason)" "refused the user name or password"

printf '%s\n' "$RADICALE_PW_SAM" | timeout 20 "$NUDGE" password -c s.ini therapy >"$T/.out" 2>"$T/.err"
rc=$?
cat "$T/.out" "$T/.err" >>"$T/.all"
is "nudge password keeps sam's password" "$rc" 0
pw=$(timeout 10 secret-tool lookup url "$url")
is "... in the keyring, under the calendar's URL" "$pw" "$RADICALE_PW_SAM"

ask therapy "$url" fresh "$pw"
expect "the password from the keyring" ok fetched 200 none
is "... the session (matched by 'therapy', not the dentist)" "$(sessions)" \
        "1796130000 ev1 Therapy with Dr. Rivera"
is "... with an empty reason" "$(field reason)" ""

ask bobs "$url_bob" fresh "$pw"
expect "another user's calendar" failed none 403 none
like "... the reason names section, host and the refusal" "$(field reason)" "^bobs \(127.0.0.1\): .*refuses access.*403"

# ---- changes on the server -------------------------------------------------------------
radicale_put ev1 "$(event ev1 20261202T160000 "Therapy with Dr. Rivera")"
ask therapy "$url" fresh "$pw"
expect "an event moved on the server" ok fetched 200 none
is "... has its new time" "$(sessions)" "1796223600 ev1 Therapy with Dr. Rivera"

radicale_delete ev1
ask therapy "$url" fresh "$pw"
expect "an event deleted on the server" ok fetched 200 none
is "... is gone" "$(sessions)" ""

radicale_put ev3 "$(event ev3 20261208T140000 "Therapy week 2")"
ask therapy "$url" fresh "$pw"
is "a new event appears" "$(sessions)" "1796734800 ev3 Therapy week 2"

# ---- the server gone ---------------------------------------------------------------------
radicale_stop
ask therapy "$url" fresh "$pw"
expect "the server stopped" ok cache 0 none
is "... the last good sessions, from the cache" "$(sessions)" "1796734800 ev3 Therapy week 2"
like "... and the reason says why the fetch failed" "$(field reason)" "^therapy \(127.0.0.1\): the server cannot be reached.*Connection refused"
ask therapy "$url" cache
expect "fetch cache, no password" ok cache 0 none
is "... the same sessions" "$(sessions)" "1796734800 ev3 Therapy week 2"

# ---- what stays secret ----------------------------------------------------------------------
unlike "no reason names the calendar's path" "$(grep -a '^reason' "$T/.all")" "/sam/|/bob/|therapy/"
leaks=$(grep -rlF -e "$RADICALE_PW_SAM" -e "$WRONG" "$T" 2>/dev/null |
        grep -v -e "^$XDG_DATA_HOME/keyrings/" -e "^$T/radicale/")
is "no output of nudge's and no file under the test's folder holds a password (but the \
keyring's and the server's)" "$leaks" ""
finish
