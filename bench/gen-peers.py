#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Writes one weekly schedule three ways, for comparing nudge with remind and calcurse.

Usage: gen-peers.py N DIR
  DIR/big.ini        N weekly series for nudge (from gen-schedule.py N --weekly-only,
             minus the `skip` lines, which the peers cannot say the same way)
  DIR/peers.rem      the same sessions as remind REMs (weekdays, time, 50 minutes)
  DIR/calcurse/apts  the same sessions as calcurse weekly appointments, one line per
             weekday (calcurse repeats a single date), first date before the window

All sessions are in Europe/Berlin: run the peers with TZ=Europe/Berlin."""
import datetime
import os
import subprocess
import sys

DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
# calcurse starts each repetition on a real date: the week of Monday 2026-10-26, which is
# before every window the benchmark lists (the first listed day is 2026-11-01).
FIRST_MONDAY = datetime.date(2026, 10, 26)


def parse(text):
    """[(id, title, [weekday index], "HH:MM")] from a --weekly-only schedule."""
    series, cur = [], None
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("[") and line != "[defaults]":
            cur = {"id": line[1:-1]}
            series.append(cur)
        elif cur is not None and "=" in line:
            key, value = (p.strip() for p in line.split("=", 1))
            cur[key] = value
    out = []
    for s in series:
        days, hhmm = s["weekly"].rsplit(" ", 1)
        out.append((s["id"], s["title"], [DAYS.index(d.strip()) for d in days.split(",")],
                hhmm))
    return out


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: gen-peers.py N DIR")
    n, outdir = int(sys.argv[1]), sys.argv[2]
    gen = os.path.join(os.path.dirname(os.path.abspath(__file__)), "gen-schedule.py")
    text = subprocess.run([sys.executable, gen, str(n), "--weekly-only"], check=True,
                  capture_output=True, text=True).stdout
    ini = "\n".join(l for l in text.splitlines() if not l.startswith("skip ")) + "\n"
    series = parse(ini)
    os.makedirs(os.path.join(outdir, "calcurse"), exist_ok=True)
    with open(os.path.join(outdir, "big.ini"), "w") as f:
        f.write(ini)
    with open(os.path.join(outdir, "peers.rem"), "w") as f:
        for _, title, days, hhmm in series:
            f.write("REM %s AT %s DURATION 0:50 MSG %s\n"
                % (" ".join(DAYS[d] for d in days), hhmm, title))
    with open(os.path.join(outdir, "calcurse", "apts"), "w") as f:
        for _, title, days, hhmm in series:
            h, m = (int(x) for x in hhmm.split(":"))
            for d in days:
                day = FIRST_MONDAY + datetime.timedelta(days=d)
                start = datetime.datetime.combine(day, datetime.time(h, m))
                end = start + datetime.timedelta(minutes=50)
                f.write("%s -> %s {1W}|%s\n" % (start.strftime("%m/%d/%Y @ %H:%M"),
                                end.strftime("%m/%d/%Y @ %H:%M"),
                                title))
    for name in ("todo", "conf"):
        open(os.path.join(outdir, "calcurse", name), "a").close()


if __name__ == "__main__":
    main()
