#!/bin/bash
# SPDX-License-Identifier: MIT
# nudge-calendar --serve against a feed server of its own (tests/lib/feed-server.py, https
# with a certificate made here): 200 then 304 by ETag and by Last-Modified, passwords,
# redirects, and every way a fetch fails — each with the reply's result, origin and reason,
# the last good copy kept byte for byte, nothing hanging. The stalled server takes 30 s.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
cd "$T" || exit 1
# LeakSanitizer's tracer dies (SIGSEGV, "Tracer caught signal 11") at the exit of a reader
# that made a TLS connection, with or without the reader's own sandbox: under the
# sanitizers the reader is checked for memory errors, not for leaks, here.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
CAL=${NUDGE_CALENDAR:-$top_builddir/nudge-calendar}
for tool in openssl python3 cmp; do
        if ! command -v $tool >/dev/null; then
                [ "${CI:-}" = true ] && { echo "Bail out! $tool is missing"; exit 1; }
                echo "1..0 # SKIP $tool is missing"
                exit 0
        fi
done

mkdir -m 700 srv
openssl req -x509 -newkey rsa:2048 -nodes -keyout srv/key.pem -out srv/cert.pem -days 2 \
        -subj /CN=localhost -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" 2>/dev/null
chmod 600 srv/cert.pem srv/key.pem
# The feed: a real export, with the refresh interval it asks for.
sed 's/^BEGIN:VCALENDAR\r\{0,1\}$/&\nREFRESH-INTERVAL;VALUE=DURATION:PT4H/' \
        "$DATA/calendars/google.ics" >srv/feed.ics
python3 "$top_srcdir/tests/lib/feed-server.py" srv &
server=$!
trap 'kill $server 2>/dev/null' EXIT
for _ in $(seq 100); do [ -s srv/ports ] && break; sleep 0.1; done
read -r hp pp <srv/ports || { echo "Bail out! the feed server did not start"; exit 1; }
export XDG_CACHE_HOME=$T/cache NUDGE_CALENDAR_CA_FILE=$T/srv/cert.pem
FEED=https://localhost:$hp/feed.ics
CACHE=$XDG_CACHE_HOME/nudge

# ask SECTION SOURCE [FETCH [PASSWORD]]: one request; $out the reply, $rc, $secs.
ask() {
        {
                printf 'nudge-calendar-request 1\nsection\t%s\nsource\t%s\n' "$1" "$2"
                printf 'zone\tEurope/Berlin\nfrom\t1793491200\nto\t1809216000\nduration\t3000\n'
                printf 'match\ttherapy\nfetch\t%s\n' "${3:-fresh}"
                [ -n "${4:-}" ] && printf 'password\t%s\n' "$4"
                printf 'end\n'
        } >req
        local t0=$SECONDS
        timeout 60 "$CAL" --serve <req >"$T/.out" 2>"$T/.err"
        rc=$? secs=$((SECONDS - t0))
        out=$(cat "$T/.out")
        err=$(cat "$T/.err")
        cat "$T/.out" "$T/.err" >>"$T/.all"
}
# field NAME: that header field of the last reply.
field() { sed -n "s/^$1\t//p" <<<"$out" | head -1; }
# expect NAME RESULT ORIGIN [REASON-PATTERN]
expect() {
        is "$1: exit 0" "$rc" 0
        is "$1: result, origin" "$(field result) $(field origin)" "$2 $3"
        if [ -n "${4:-}" ]; then like "$1: the reason" "$(field reason)" "$4"; fi
}
log_last() { tail -1 srv/log; }
sessions() { sed -n 's/^T\t\([0-9]*\)\t.*/\1/p' <<<"$out"; }

ask feed "$FEED"
expect "200" ok fetched
is "200: the status" "$(field http)" 200
is "200: the sessions of the feed" "$(sessions)" 20
is "200: the feed's REFRESH-INTERVAL, in seconds" "$(field refresh)" 14400
is "200: the reason is empty" "$(field reason)" ""
is "the cache folder is 0700" "$(stat -c %a "$CACHE")" 700
is "the cached copy is 0600 and byte-identical" \
        "$(stat -c %a "$CACHE/feed.ics") $(cmp srv/feed.ics "$CACHE/feed.ics" && echo same)" "600 same"
like "the meta file holds the ETag and Last-Modified" "$(cat "$CACHE/feed.meta")" '^etag	"v1-feed"$'
unlike "the meta file does not hold the URL itself" "$(cat "$CACHE/feed.meta")" "localhost"

ask feed "$FEED"
expect "again" ok not-modified ""
is "again: 304, the refresh of the cached copy" "$(field http) $(field refresh)" "304 14400"
is "the server saw If-None-Match and If-Modified-Since and answered 304" "$(log_last)" \
        "$(printf '/feed.ics\t"v1-feed"\tTue, 01 Dec 2026 10:00:00 GMT\t-\t304')"
is "again: the same sessions" "$(sessions)" 20

ask lm "https://localhost:$hp/lm.ics"
expect "Last-Modified only, first" ok fetched
ask lm "https://localhost:$hp/lm.ics"
expect "Last-Modified only, again" ok not-modified
is "the server saw If-Modified-Since alone and answered 304" "$(log_last)" \
        "$(printf '/lm.ics\t-\tTue, 01 Dec 2026 10:00:00 GMT\t-\t304')"

lines=$(wc -l <srv/log)
ask feed "$FEED" cache
expect "fetch=cache with a copy" ok cache ""
is "fetch=cache with a copy: no request at all" "$(wc -l <srv/log)" "$lines"

cp "$CACHE/feed.ics" good.ics
# fails MODE REASON-PATTERN [HTTP]: the feed fails that way; the last good copy answers.
fails() {
        echo "$1" >srv/mode
        ask feed "$FEED"
        expect "$1" ok cache "^feed \\(localhost\\): $2"
        [ -n "${3:-}" ] && is "$1: the status" "$(field http)" "$3"
        is "$1: the cached sessions" "$(sessions)" 20
        is "$1: the cached copy is kept byte for byte" "$(cmp good.ics "$CACHE/feed.ics" && echo same)" same
}
fails html "the address answers with a web page, not a calendar \\(perhaps a login page\\): the link may be wrong or expired" 200
fails text "the answer is not a calendar \\(not iCalendar" 200
fails truncated "the server closed the connection before the whole calendar came" 200
fails big "the calendar is larger than 16 MiB" 200
fails big-chunked "the calendar is larger than 16 MiB" 200
lines=$(wc -l <srv/log)
fails loop "more than 5 redirects" 302
is "the loop: the first request and 5 redirects, not a 6th" \
        "$(tail -n +$((lines + 1)) srv/log | cut -f1 | sort | uniq -c | tr -s ' \n' '  ')" \
        " 1 /feed.ics 5 /loop "
fails to-http "the server redirects from https to an insecure address: refused" 302
fails 500 "the server answered 500" 500
fails 403 "the server refuses access" 403
is "403: no password problem (auth none)" "$(field auth)" none
fails stall "no answer within 30 seconds"
ok "the stalled server: the answer came after ${secs}s" && [ "$secs" -le 40 ] ||
        not_ok "the stalled server took ${secs}s"

echo redirect3 >srv/mode
ask feed "$FEED"
expect "3 redirects" ok not-modified ""
is "3 redirects: each hop was taken" "$(tail -4 srv/log | cut -f1 | tr '\n' ' ')" "/r/3 /r/2 /r/1 /r/0 "
echo good >srv/mode

echo html >srv/mode
ask fresh-html "$FEED"
expect "a web page and no copy" failed none "web page"
is "a web page and no copy: no list after the header" "$(tail -1 <<<"$out")" end
[ -e "$CACHE/fresh-html.ics" ] && not_ok "a web page was cached" || ok "a web page is never cached"
echo good >srv/mode

ask plain "http://127.0.0.1:$pp/feed.ics"
expect "plain http to this machine" ok fetched

ask auth "https://sam@localhost:$hp/auth.ics"
expect "401 without a password" failed none "needs a password: run nudge password auth"
is "401 without a password: auth needed" "$(field auth) $(field http)" "needed 401"
ask auth "https://sam@localhost:$hp/auth.ics" fresh secret
expect "the right password" ok fetched
is "the right password went as Basic credentials" "$(log_last | cut -f4,5)" \
        "$(printf 'Basic c2FtOnNlY3JldA==\t200')"
ask auth "https://sam@localhost:$hp/auth.ics" fresh hunter2x
expect "a wrong password: the copy" ok cache "refused the user name or password"
is "a wrong password: auth refused" "$(field auth) $(field http)" "refused 401"

ask gone "https://localhost:1/secret-path/token?x=1"
expect "nothing listening" failed none "^gone \\(localhost\\): the server cannot be reached"
unlike "no reason names a URL's path or query" "$(cat "$T/.all")" "secret-path|token|feed\\.ics|auth\\.ics|lm\\.ics"
unlike "no password in any output" "$(cat "$T/.all")" "secret|hunter2x"

# TLS: the test's certificate is trusted only through NUDGE_CALENDAR_CA_FILE, and only
# when the file cannot be changed by others.
NUDGE_CALENDAR_CA_FILE= ask tls "$FEED"
expect "an unknown certificate" failed none "^tls \\(localhost\\): the secure connection failed"
cp srv/cert.pem loose.pem
chmod 666 loose.pem
NUDGE_CALENDAR_CA_FILE=$T/loose.pem ask tls "$FEED"
expect "a CA file others can change is not trusted" failed none "the secure connection failed"
like "and the log says why" "$err" "NUDGE_CALENDAR_CA_FILE ignored: others can change it"

# The process cannot open a local socket: glibc's resolver tries nscd's socket first, and
# gets EPERM; no AF_UNIX connect ever succeeds.
if command -v strace >/dev/null; then
        ask nss "https://nudge-test.invalid:$hp/x"
        DBUS_SESSION_BUS_ADDRESS=unix:path=$T/bus timeout 60 strace -f -qq \
                -e trace=socket,connect,landlock_create_ruleset,landlock_restrict_self \
                -o strace.log "$CAL" --serve <req >/dev/null 2>&1
        like "socket(AF_UNIX) fails with EPERM inside --serve" "$(cat strace.log)" \
                'socket\(AF_UNIX.*= -1 EPERM'
        unlike "no AF_UNIX socket is ever made or connected" "$(cat strace.log)" \
                'socket\(AF_UNIX.*= [0-9]|connect\([0-9]+, \{sa_family=AF_UNIX.*= 0'
        # Landlock where the kernel has it (ABI 1 or later): the process restricts itself.
        if grep -q 'landlock_create_ruleset(NULL, 0, LANDLOCK_CREATE_RULESET_VERSION) = [1-9]' strace.log; then
                like "Landlock applied" "$(cat strace.log)" 'landlock_restrict_self\([0-9]+, 0\) += 0'
        else
                skip "Landlock applied" "the kernel has no Landlock"
        fi
else
        skip "socket(AF_UNIX) fails with EPERM inside --serve" "no strace"
        skip "Landlock applied" "no strace"
fi

# A live --serve process (the stalled server keeps it waiting) runs with no new privileges
# and a seccomp filter.
echo stall >srv/mode
sed -i "s|^source\t.*|source\t$FEED|" req
"$CAL" --serve <req >/dev/null 2>&1 & # it ends by itself within 30 s
pid=$!
sleep 2
is "a --serve process: NoNewPrivs and a seccomp filter" \
        "$(awk '/^NoNewPrivs|^Seccomp:/ {print $2}' /proc/$pid/status | tr '\n' ' ')" "1 2 "
kill $pid 2>/dev/null
wait $pid 2>/dev/null
echo good >srv/mode

printf 'nudge-calendar-request 1\nsection\tx\n' >bad
timeout 20 "$CAL" --serve <bad >"$T/.out" 2>/dev/null
rc=$?
out=$(cat "$T/.out")
is "a request cut short: exit 64" "$rc" 64
is "a request cut short: still a reply, failed" "$(field result) $(field origin)" "failed none"
like "a request cut short: it says where" "$(field reason)" "breaks the format: line 3"

finish
