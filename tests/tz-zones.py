#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Every time zone the system knows, around each of its offset changes from 2026 to 2035:
`nudge list --json` must place local times as RFC 5545 says (a time in a gap moves
forward by the gap's length, a time that exists twice is the first) and print each start
with the zone's offset at that instant.

The oracle is Python's zoneinfo with fold=0, which is exactly RFC 5545's rule (PEP 495: in
a gap, fold=0 reads the time with the offset in force before the change; in an overlap, it
means the earlier instant). Output is TAP. Environment: NUDGE (the binary), CI=true.
"""

import datetime as dt
import json
import os
import subprocess
import sys
import tempfile

try:
    import zoneinfo
except ImportError:  # Python < 3.9
    zoneinfo = None

UTC = dt.timezone.utc
FIRST = dt.datetime(2026, 1, 3, tzinfo=UTC)
LAST = dt.datetime(2035, 12, 20, tzinfo=UTC)
FROM = "2026-01-01T00:00:00Z"
DAYS = 3660
# Local minutes around each change, before and after it.
AROUND = [-90, -60, -31, -30, -1, 0, 1, 15, 29, 30, 31, 45, 59, 60, 61, 90, 120]


def bail(msg):
    if os.environ.get("CI") == "true":
        print("Bail out! " + msg)
        sys.exit(1)
    print("1..0 # SKIP " + msg)
    sys.exit(0)


def zones():
    skip = ("posix/", "right/")
    odd = {"Factory", "localtime", "posixrules"}
    return sorted(z for z in zoneinfo.available_timezones()
                  if not z.startswith(skip) and z not in odd)


def changes(tz):
    """UTC instants of the offset changes in [FIRST, LAST], to the second."""
    out = []
    t = FIRST
    prev = t.astimezone(tz).utcoffset()
    step = dt.timedelta(days=1)
    while t < LAST:
        n = t + step
        off = n.astimezone(tz).utcoffset()
        if off != prev:
            lo, hi = t, n  # the change lies in (lo, hi]
            while hi - lo > dt.timedelta(seconds=1):
                mid = lo + (hi - lo) / 2
                mid = mid.replace(microsecond=0)
                if mid <= lo:
                    break
                if mid.astimezone(tz).utcoffset() == prev:
                    lo = mid
                else:
                    hi = mid
            out.append(hi)
            prev = off
        t = n
    return out


def local_probes(tz):
    """Local wall-clock times (naive, whole minutes) around each change."""
    seen = set()
    for change in changes(tz):
        for side in (change - dt.timedelta(seconds=1), change):
            base = side.astimezone(tz).replace(tzinfo=None, second=0, microsecond=0)
            for m in AROUND:
                seen.add(base + dt.timedelta(minutes=m))
    return sorted(seen)


def expected(tz, local):
    start = local.replace(tzinfo=tz, fold=0)
    return start.astimezone(UTC).astimezone(tz).isoformat()


def main():
    nudge = os.environ.get("NUDGE") or os.path.join(
        os.environ.get("top_builddir", "."), "nudge")
    if zoneinfo is None:
        bail("python3 has no zoneinfo")
    if not os.access(nudge, os.X_OK):
        bail("no nudge binary at " + nudge)
    names = zones()
    if len(names) < 300:
        bail("the zone database looks incomplete (%d zones)" % len(names))

    sections = []
    want = {}
    n_probes = 0
    for i, name in enumerate(names):
        tz = zoneinfo.ZoneInfo(name)
        probes = local_probes(tz)
        if not probes:
            # A zone without changes: one ordinary time still checks name and offset.
            probes = [dt.datetime(2030, 6, 15, 12, 0)]
        n_probes += len(probes)
        # A line holds at most 4096 bytes: 200 dates and times to a section.
        for k in range(0, len(probes), 200):
            chunk = probes[k:k + 200]
            sid = "z%04d-%d" % (i, k // 200)
            want[sid] = (name, sorted((expected(tz, p) for p in chunk),
                                      key=dt.datetime.fromisoformat))
            once = ", ".join(p.strftime("%Y-%m-%d %H:%M") for p in chunk)
            sections.append("[%s]\ntitle = %s\ntimezone = %s\nonce = %s\nremind = 0m\n"
                            % (sid, name, name, once))

    print("1..3")
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "zones.ini")
        with open(path, "w", encoding="utf-8") as f:
            f.write("\n".join(sections))
        os.chmod(path, 0o600)
        env = dict(os.environ, TZ="UTC", NUDGE_NOW=FROM)
        check = subprocess.run([nudge, "check", "--config", path], env=env,
                               capture_output=True, text=True, timeout=120)
        if check.returncode == 0:
            print("ok 1 - nudge accepts all %d zone names of the system" % len(names))
        else:
            print("not ok 1 - nudge accepts all %d zone names of the system" % len(names))
            for line in check.stderr.splitlines()[:20]:
                print("#   " + line)
        lst = subprocess.run([nudge, "list", "--config", path, "--json", "--from", FROM,
                              "--days", str(DAYS)], env=env, capture_output=True, text=True,
                             timeout=300)
    got = {}
    for line in lst.stdout.splitlines():
        o = json.loads(line)
        got.setdefault(o["id"], []).append(o["start"])
    if lst.returncode == 0 and len(got) == len(want):
        print("ok 2 - nudge lists sessions in every zone")
    else:
        print("not ok 2 - nudge lists sessions in every zone (exit %d, %d of %d sections)"
              % (lst.returncode, len(got), len(want)))
        for line in lst.stderr.splitlines()[:20]:
            print("#   " + line)

    bad = []
    for sid, (name, starts) in want.items():
        have = got.get(sid, [])
        if have != starts:
            diff = [(w, h) for w, h in zip(starts, have) if w != h][:3]
            bad.append("%s: %d expected, %d listed; first differences (want, got): %s"
                       % (name, len(starts), len(have), diff))
    desc = ("%d local times around every offset change of %d zones, 2026-2035, resolved "
            "per RFC 5545 and printed with the zone's offset" % (n_probes, len(names)))
    if bad:
        print("not ok 3 - " + desc)
        for b in bad[:30]:
            print("#   " + b)
        print("#   ... %d zones differ" % len(bad))
    else:
        print("ok 3 - " + desc)
    return 0


if __name__ == "__main__":
    sys.exit(main())
