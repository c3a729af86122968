#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Writes a large calendar and a schedule that reads it, for timing nudge list and
nudged's start with a calendar.

Usage: gen-calendar.py DIR
  DIR/big.ics       1,000 recurring events over 2026-2035 (weekly, every 2 weeks,
                    monthly by weekday and by day, with COUNT, UNTIL, EXDATE and RDATE,
                    in six zones, some written in UTC), plus 500 changed instances
                    (moved, retitled or cancelled), folded lines, CRLF: what a busy
                    practice's exported calendar looks like, ten years of it
  DIR/calendar.ini  [practice] calendar = DIR/big.ics, remind = 1d, 1h

The events are those of many people: a person's own calendar is far smaller, so this
is the large end of what nudge reads."""
import datetime
import os
import random
import sys

ZONES = ["Europe/Berlin", "America/New_York", "Australia/Sydney", "Asia/Kathmandu",
         "Australia/Lord_Howe", "America/Sao_Paulo"]
DAYS = ["MO", "TU", "WE", "TH", "FR"]


def fold(line):
    """RFC 5545 folding at 75 octets."""
    out, b = [], line.encode()
    while len(b) > 75:
        cut = 75
        while cut > 0 and (b[cut] & 0xC0) == 0x80:
            cut -= 1
        out.append(b[:cut].decode())
        b = b" " + b[cut:]
    out.append(b.decode())
    return "\r\n".join(out)


def local(dt):
    return dt.strftime("%Y%m%dT%H%M%S")


def event(rng, i):
    zone = ZONES[i % len(ZONES)]
    # Each event at a time of day of its own: nudge keeps one session per start in a
    # section, and a practice's calendar rarely has two sessions at one instant.
    start = datetime.datetime(2026, 1, 5) + datetime.timedelta(
        days=rng.randrange(0, 700), hours=8 + (i // 60) % 12, minutes=i % 60)
    kind = i % 5
    if kind == 0:
        rule = "FREQ=WEEKLY;BYDAY=%s" % DAYS[i % 5]
    elif kind == 1:
        rule = "FREQ=WEEKLY;INTERVAL=2;BYDAY=%s" % DAYS[(i // 5) % 5]
    elif kind == 2:
        rule = "FREQ=MONTHLY;BYDAY=%d%s" % (1 + i % 4, DAYS[i % 5])
    elif kind == 3:
        rule = "FREQ=WEEKLY;BYDAY=%s;COUNT=%d" % (DAYS[i % 5], 40 + i % 200)
    else:
        rule = "FREQ=MONTHLY;BYMONTHDAY=%d;UNTIL=20351231T235959Z" % (1 + i % 28)
    uid = "evt-%04d-%08x@booking.example.org" % (i, rng.getrandbits(32))
    lines = ["BEGIN:VEVENT", "UID:" + uid, "DTSTAMP:20260101T000000Z",
             "SUMMARY:Session with client %d \u2014 room %d" % (i, i % 7),
             "DESCRIPTION:" + "Notes for the practice, not for the reminder. " * 3]
    if i % 7 == 6:
        lines.append("DTSTART:%sZ" % local(start))
        lines.append("DURATION:PT50M")
    else:
        lines.append("DTSTART;TZID=%s:%s" % (zone, local(start)))
        lines.append("DTEND;TZID=%s:%s" % (zone, local(start + datetime.timedelta(minutes=50))))
    lines.append("RRULE:" + rule)
    if i % 3 == 0:
        ex = start + datetime.timedelta(weeks=8)
        lines.append("EXDATE;TZID=%s:%s" % (zone, local(ex)) if i % 7 != 6
                     else "EXDATE:%sZ" % local(ex))
    if i % 11 == 0:
        lines.append("RDATE;TZID=%s:%s" % (zone, local(start + datetime.timedelta(days=3)))
                     if i % 7 != 6 else "RDATE:%sZ" % local(start + datetime.timedelta(days=3)))
    lines.append("END:VEVENT")
    return uid, zone, start, kind, lines


def override(rng, uid, zone, start, kind, n, utc):
    """A changed instance: the n-th week (or month) of the series."""
    if kind in (2, 4):
        return None  # instants of monthly rules are not a fixed step apart
    step = 14 if kind == 1 else 7
    inst = start + datetime.timedelta(days=step * n)
    rid = ("RECURRENCE-ID:%sZ" % local(inst)) if utc else \
        "RECURRENCE-ID;TZID=%s:%s" % (zone, local(inst))
    lines = ["BEGIN:VEVENT", "UID:" + uid, "DTSTAMP:20260301T000000Z", "SEQUENCE:1", rid]
    what = rng.randrange(3)
    moved = inst + datetime.timedelta(hours=1 if what == 0 else 0)
    fmt = (lambda d: "%sZ" % local(d)) if utc else (lambda d: local(d))
    tz = "" if utc else ";TZID=" + zone
    lines.append("DTSTART%s:%s" % (tz, fmt(moved)))
    lines.append("DTEND%s:%s" % (tz, fmt(moved + datetime.timedelta(minutes=50))))
    lines.append("SUMMARY:Session (%s)" % ["moved", "new room", "cancelled"][what])
    if what == 2:
        lines.append("STATUS:CANCELLED")
    lines.append("END:VEVENT")
    return lines


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: gen-calendar.py DIR")
    outdir = sys.argv[1]
    os.makedirs(outdir, exist_ok=True)
    rng = random.Random(20261202)
    out = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//nudge bench//EN",
           "X-WR-CALNAME:Practice"]
    events = []
    for i in range(1000):
        uid, zone, start, kind, lines = event(rng, i)
        out += lines
        events.append((uid, zone, start, kind, i % 7 == 6))
    made = 0
    while made < 500:
        uid, zone, start, kind, utc = rng.choice(events)
        lines = override(rng, uid, zone, start, kind, 1 + rng.randrange(30), utc)
        if lines:
            out += lines
            made += 1
    out.append("END:VCALENDAR")
    ics = os.path.join(outdir, "big.ics")
    with open(ics, "w", newline="") as f:
        f.write("".join(fold(l) + "\r\n" for l in out))
    ini = os.path.join(outdir, "calendar.ini")
    with open(ini, "w") as f:
        f.write("# generated by bench/gen-calendar.py\n[practice]\ncalendar = %s\n"
                "remind = 1d, 1h\ntimezone = Europe/Berlin\n" % ics)
    os.chmod(ini, 0o600)


if __name__ == "__main__":
    main()
