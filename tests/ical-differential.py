#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Differential test of the calendar reader: nudge-calendar against python3-icalendar with
python3-recurring-ical-events, over many generated calendars (weekly, monthly and yearly
RRULEs with BYDAY, BYMONTHDAY, BYSETPOS, COUNT, UNTIL in UTC and local, INTERVAL, EXDATE,
RDATE, overrides that move, retitle or cancel instances) in zones with daylight-saving
changes in both hemispheres, half-hour changes (Australia/Lord_Howe) and odd offsets
(Asia/Kathmandu, Pacific/Chatham), 2026-2035. Output is TAP.

Where the oracle departs from the contract (calendar-sources.md), the comparison adapts,
and each adaptation is counted and printed at the end:
- it returns cancelled events: those with STATUS:CANCELLED are dropped;
- a cancelled series keeps its changed instances there: dropped (the contract: a cancelled
  series "removes all of it");
- a RECURRENCE-ID written in UTC while the series has a TZID (as Google writes them) does
  not replace the instance there (it compares times as written, not as instants, and
  drops some other instance): the oracle is given the same instant written in the series'
  zone, nudge-calendar the UTC form;
- it returns all-day events: dropped (never a session);
- a local (floating) UNTIL in a series with a TZID (RFC 5545 wants UTC there) it reads as
  UTC, nudge-calendar in the series' zone: local UNTILs are generated only for floating
  series, where they are the valid form;
- it returns events that overlap the window, and compares floating times with the
  window's UTC wall clock: it is asked for two days more either side, and only starts
  within [from, to), as instants, are kept;
- it resolves local times with pytz (is_dst=False): in a fall-back overlap that is the
  second of the two times, where the contract says the first. Each oracle instance's local
  wall-clock time is resolved again by the RFC 5545 rule (zoneinfo, fold=0) and the
  instances where that changed the instant are counted ("overlap");
- it honours X-WR-TIMEZONE and is wrong after 2037 (pytz): the calendars hold no
  X-WR-TIMEZONE and end before 2036;
- with a DTSTART that the RRULE does not yield, it adds DTSTART beyond COUNT: the
  generated DTSTARTs are the rule's first instance, and overrides and EXDATEs never name an
  instance whose local time falls in a gap or overlap (their two readings differ above).

Environment: NUDGE_CALENDAR (the program), DIFF_SEED (integer, or "random"), DIFF_COUNT
(calendars, default 300), DIFF_KEEP (a folder for the files of failing cases), CI=true
(never skip).
"""

import os
import sys

try:
        import icalendar
        import recurring_ical_events
        from dateutil import rrule
except ImportError:
        if (os.path.realpath(sys.executable) != os.path.realpath("/usr/bin/python3")
                        and os.access("/usr/bin/python3", os.X_OK)
                        and not os.environ.get("DIFF_REEXEC")):
                os.environ["DIFF_REEXEC"] = "1"
                os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
        if os.environ.get("CI") == "true":
                print("1..1")
                print("not ok 1 - python3-icalendar or python3-recurring-ical-events is missing")
                sys.exit(1)
        print("1..0 # SKIP python3-icalendar / python3-recurring-ical-events not installed")
        sys.exit(0)

import random  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
from collections import Counter  # noqa: E402
from datetime import date, datetime, timedelta, timezone  # noqa: E402
from zoneinfo import ZoneInfo  # noqa: E402

UTC = timezone.utc
ZONES = ["Europe/Berlin", "America/New_York", "Australia/Sydney", "America/Santiago",
         "Australia/Lord_Howe", "Asia/Kathmandu", "Pacific/Auckland", "America/Sao_Paulo",
         "Europe/London", "Pacific/Chatham", "UTC"]
FROM = datetime(2026, 1, 1, tzinfo=UTC)
TO = datetime(2036, 1, 1, tzinfo=UTC)
DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]

seed_env = os.environ.get("DIFF_SEED", "20261201")
seed = random.randrange(1 << 30) if seed_env == "random" else int(seed_env)
count = int(os.environ.get("DIFF_COUNT", "300"))
program = os.environ.get("NUDGE_CALENDAR") or os.path.join(
        os.environ.get("top_builddir", "."), "nudge-calendar")
rng = random.Random(seed)
filtered = Counter()


def rfc_instant(naive, zone):
        """A local wall-clock time by RFC 5545: a gap moves forward, an overlap is the
        first (zoneinfo with fold=0 does both)."""
        return int(naive.replace(tzinfo=ZoneInfo(zone), fold=0).timestamp())


def local_str(dt):
        return dt.strftime("%Y%m%dT%H%M%S")


def utc_str(t):
        return datetime.fromtimestamp(t, UTC).strftime("%Y%m%dT%H%M%SZ")


def odd_local(naive, zone):
        """Whether a local time falls in a gap or an overlap of the zone."""
        z = ZoneInfo(zone)
        a = naive.replace(tzinfo=z, fold=0)
        b = naive.replace(tzinfo=z, fold=1)
        return a.utcoffset() != b.utcoffset()


def gen_rule():
        kind = rng.choice(["weekly", "weekly", "monthday", "monthpos", "setpos", "yearly",
                           "yearpos", "daily"])
        parts = []
        if kind == "weekly":
                days = rng.sample(DAYS, rng.randint(1, 3))
                parts = ["FREQ=WEEKLY", "BYDAY=" + ",".join(days)]
                if rng.random() < 0.3:
                        parts.append("WKST=" + rng.choice(["MO", "SU"]))
        elif kind == "monthday":
                d = rng.choice([1, 5, 15, 28, 29, 30, 31, -1, -2])
                parts = ["FREQ=MONTHLY", "BYMONTHDAY=%d" % d]
        elif kind == "monthpos":
                parts = ["FREQ=MONTHLY", "BYDAY=%s%s" % (rng.choice(["1", "2", "3", "4", "-1"]),
                                                         rng.choice(DAYS))]
        elif kind == "setpos":
                parts = ["FREQ=MONTHLY", "BYDAY=MO,TU,WE,TH,FR",
                         "BYSETPOS=%d" % rng.choice([1, 2, -1, -2])]
        elif kind == "yearly":
                parts = ["FREQ=YEARLY", "BYMONTH=%d" % rng.randint(1, 12),
                         "BYMONTHDAY=%d" % rng.randint(1, 28)]
        elif kind == "yearpos":
                parts = ["FREQ=YEARLY", "BYMONTH=%d" % rng.choice([3, 4, 9, 10, 11]),
                         "BYDAY=%s%s" % (rng.choice(["1", "-1", "2"]), rng.choice(["SU", "SA", "FR"]))]
        else:
                parts = ["FREQ=DAILY"]
        if rng.random() < 0.35:
                parts.append("INTERVAL=%d" % rng.randint(2, 4))
        return parts


def gen_series(idx, section, meta):
        floating = rng.random() < 0.15
        zone = section if floating else rng.choice(ZONES)
        parts = gen_rule()
        # Hours near the usual change times reach the gaps and overlaps.
        hour = rng.choice([1, 2, 2, 3, 9, 10, 14, 17, 19, 23]) if rng.random() < 0.6 else rng.randint(0, 23)
        rough = datetime(rng.randint(2026, 2033), rng.randint(1, 12), rng.randint(1, 28),
                         hour, rng.choice([0, 15, 30, 45]))
        first = rrule.rrulestr(";".join(parts), dtstart=rough).after(rough, inc=True)
        if first is None or first.year > 2035:
                first = rough
                parts = ["FREQ=WEEKLY"]
        minutes = rng.choice([30, 45, 50, 60, 90])
        # The oracle's reading of the first DTSTART and DTEND sets every instance's length:
        # neither lies in a gap or overlap (later instances may; they are compared).
        if odd_local(first, zone) or odd_local(first + timedelta(minutes=minutes), zone):
                first += timedelta(hours=4 if first.hour < 18 else -4)
        until_at = None
        end = rng.random()
        if end < 0.3:
                parts.append("COUNT=%d" % rng.randint(1, 40))
        elif end < 0.6:
                # Near an instance's time of day, where a UNTIL read in the wrong zone
                # keeps or drops the last instance.
                until = first + timedelta(days=rng.randint(0, 900),
                                          minutes=rng.choice([-300, -90, -30, 30, 90, 300, 600]))
                if floating:
                        parts.append("UNTIL=" + local_str(until))  # local (floating) form
                        until_at = rfc_instant(until, section)
                else:
                        until_at = rfc_instant(until, zone)
                        parts.append("UNTIL=" + utc_str(until_at))
        rule = ";".join(parts)
        uid = "series-%d-%d@differential.test" % (idx, rng.randrange(1 << 20))
        title = "Therapy %d" % idx
        if until_at is not None:
                meta["until"].add((uid, until_at))
                if not floating:
                        meta["until_zone"][uid] = (until_at, zone, first.replace(
                                tzinfo=ZoneInfo(zone)).utcoffset())
        if zone == "UTC" and not floating:
                tzparam, fmt = "", lambda n: local_str(n) + "Z"
        elif floating:
                tzparam, fmt = "", local_str
        else:
                tzparam, fmt = ";TZID=" + zone, local_str
        lines = ["BEGIN:VEVENT", "UID:" + uid, "DTSTAMP:20260101T000000Z", "SUMMARY:" + title,
                 "DTSTART%s:%s" % (tzparam, fmt(first)),
                 "DTEND%s:%s" % (tzparam, fmt(first + timedelta(minutes=minutes))),
                 "RRULE:" + rule]
        # Instances by the rule alone (naive local), to pick EXDATEs and overrides from.
        try:
                base = list(rrule.rrulestr(rule.replace("Z", "") if "UNTIL=" in rule else rule,
                                           dtstart=first).between(first, datetime(2035, 12, 1), inc=True))[:200]
        except (ValueError, OverflowError):
                base = [first]
        plain = [b for b in base if not odd_local(b, zone)]
        ex_lines, overrides = [], []
        for inst in rng.sample(plain, min(len(plain), rng.choice([0, 0, 1, 2]))):
                if zone == "UTC" or floating or rng.random() < 0.5:
                        ex_lines.append("EXDATE%s:%s" % (tzparam, fmt(inst)))
                else:
                        ex_lines.append("EXDATE:" + utc_str(rfc_instant(inst, zone)))
        rest = [p for p in plain if all(fmt(p) not in x for x in ex_lines)]
        for inst in rng.sample(rest, min(len(rest), rng.choice([0, 1, 2, 3]))):
                action = rng.choice(["move", "retitle", "cancel"])
                # Google writes the RECURRENCE-ID in UTC while the series has a TZID.
                if not floating and zone != "UTC" and rng.random() < 0.5:
                        # The oracle compares RECURRENCE-IDs as written, not as instants: it is
                        # handed the same instant in the series' zone.
                        rid = ("RECURRENCE-ID:" + utc_str(rfc_instant(inst, zone)),
                               "RECURRENCE-ID%s:%s" % (tzparam, fmt(inst)))
                        filtered["RECURRENCE-ID in UTC, given to the oracle in the series' zone"] += 1
                else:
                        rid = "RECURRENCE-ID%s:%s" % (tzparam, fmt(inst))
                start = inst
                summary = title
                if action == "move":
                        start = inst + timedelta(hours=rng.choice([-26, -3, 1, 2, 49]))
                        if odd_local(start, zone):
                                start += timedelta(hours=3)
                elif action == "retitle":
                        summary = title + " (room 2)"
                ov = ["BEGIN:VEVENT", "UID:" + uid, "DTSTAMP:20260101T000000Z", rid,
                      "SEQUENCE:1", "SUMMARY:" + summary,
                      "DTSTART%s:%s" % (tzparam, fmt(start)),
                      "DTEND%s:%s" % (tzparam, fmt(start + timedelta(minutes=minutes)))]
                if action == "cancel":
                        ov.append("STATUS:CANCELLED")
                ov.append("END:VEVENT")
                overrides.append(ov)
        named = {b.date() for b in base}
        for _ in range(rng.choice([0, 0, 1])):
                extra = first + timedelta(days=rng.randint(1, 400), hours=rng.randint(0, 5))
                # On the date of an instance, the oracle mixes the RDATE up with the
                # instance's override or EXDATE: not generated.
                if not odd_local(extra, zone) and extra.date() not in named:
                        lines.append("RDATE%s:%s" % (tzparam, fmt(extra)))
        if rng.random() < 0.08:
                lines.append("STATUS:CANCELLED")
                meta["cancelled"].add(uid)
        lines += ex_lines + ["END:VEVENT"]
        out = list(lines)
        for ov in overrides:
                out += ov
        return out


def gen_calendar(idx):
        section = rng.choice([z for z in ZONES if z != "UTC"])
        lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//nudge//differential//EN"]
        meta = {"cancelled": set(), "until": set(), "until_zone": {}}
        for k in range(rng.randint(1, 3)):
                lines += gen_series(idx * 10 + k, section, meta)
        if rng.random() < 0.3:
                lines += ["BEGIN:VEVENT", "UID:allday-%d" % idx, "DTSTAMP:20260101T000000Z",
                          "SUMMARY:Holiday", "DTSTART;VALUE=DATE:20270105",
                          "RRULE:FREQ=YEARLY", "END:VEVENT"]
        lines.append("END:VCALENDAR")
        ours_text = "\r\n".join(x[0] if isinstance(x, tuple) else x for x in lines) + "\r\n"
        oracle_text = "\r\n".join(x[1] if isinstance(x, tuple) else x for x in lines) + "\r\n"
        return ours_text, oracle_text, section, meta


def instant_of(v, section):
        """The oracle's start or end as the contract reads it; counts overlap changes."""
        if v.tzinfo is None:
                return rfc_instant(v, section), False
        if v.utcoffset() == timedelta(0) and str(v.tzinfo) in ("UTC", "UTC+00:00"):
                return int(v.timestamp()), False
        name = getattr(v.tzinfo, "zone", None) or getattr(v.tzinfo, "key", None)
        own = int(v.timestamp())
        if not name:
                return own, False
        rfc = rfc_instant(v.replace(tzinfo=None), name)
        return rfc, rfc != own


def oracle(text, section, meta):
        cal = icalendar.Calendar.from_ical(text)
        got = []
        # Floating times it compares with the window's UTC wall clock: ask for two days
        # more either side, and keep the starts in [FROM, TO) as instants.
        for ev in recurring_ical_events.of(cal).between(FROM - timedelta(days=2),
                                                        TO + timedelta(days=2)):
                if str(ev.get("STATUS", "")).upper() == "CANCELLED":
                        filtered["cancelled returned by the oracle"] += 1
                        continue
                s = ev["DTSTART"].dt
                if not isinstance(s, datetime):
                        filtered["all-day returned by the oracle"] += 1
                        continue
                start, changed = instant_of(s, section)
                e = ev["DTEND"].dt if ev.get("DTEND") else s + timedelta(minutes=50)
                end, changed_end = instant_of(e, section)
                if changed or changed_end:
                        filtered["overlap: the oracle took the second time"] += 1
                uid, summary = str(ev["UID"]), str(ev["SUMMARY"])
                if uid in meta["cancelled"]:
                        filtered["a changed instance of a cancelled series"] += 1
                        continue
                if not (FROM.timestamp() <= start < TO.timestamp()):
                        continue
                got.append((start, end, uid, summary))
        unique = sorted(set(got))
        filtered["RDATE on an RRULE instance, returned twice"] += len(got) - len(unique)
        return unique


def ours(path, section):
        r = subprocess.run([program, "--zone", section, "--from", str(int(FROM.timestamp())),
                            "--to", str(int(TO.timestamp())), path],
                           capture_output=True, text=True, timeout=60)
        if r.returncode != 0:
                raise RuntimeError("exit %d: %s" % (r.returncode, r.stderr.strip()))
        got, problems, events = [], [], []
        for line in r.stdout.splitlines()[1:]:
                f = line.split("\t")
                if f[0] == "E":  # zone, uid, summary of the R lines that name it
                        events.append(f[1:4])
                elif f[0] == "R":
                        zone, uid, summary = events[int(f[4])]
                        got.append((int(f[1]), int(f[2]), uid, summary, zone))
                elif f[0] == "S":
                        got.append((int(f[1]), int(f[2]), f[5], f[6], f[4]))
                elif f[0] == "P":
                        problems.append(f[1] + ": " + f[2])
        return sorted(got), problems


def at_until(row, meta, count=False):
        """Instances where the oracle reads UNTIL its own way (see the top)."""
        start, uid = row[0], row[2]
        if (uid, start) in meta["until"]:
                if count:
                        filtered["an instance at UNTIL exactly (RFC 5545: included)"] += 1
                return True
        if uid in meta["until_zone"]:
                until_at, zone, first_offset = meta["until_zone"][uid]
                offset = datetime.fromtimestamp(start, ZoneInfo(zone)).utcoffset()
                if offset != first_offset and abs(start - until_at) <= 3 * 3600:
                        if count:
                                filtered["last instance near a UTC UNTIL, other offset than DTSTART"] += 1
                        return True
        return False


def settle_lengths(want, got):
        """Takes nudge's end where only the length differs and a DST change is near."""
        ends = {(a, u, s): (b, z) for a, b, u, s, z in got}
        out = []
        for a, b, u, s in want:
                mine = ends.get((a, u, s))
                if mine and mine[0] != b:
                        z = ZoneInfo(mine[1])
                        before = datetime.fromtimestamp(a - 3 * 3600, z).utcoffset()
                        after = datetime.fromtimestamp(max(b, mine[0]) + 3 * 3600, z).utcoffset()
                        if before != after:
                                filtered["length near a DST change (wall-clock vs exact)"] += 1
                                b = mine[0]
                out.append((a, b, u, s))
        return sorted(out)


def fmt_rows(rows):
        return ["%s..%s %s %s" % (utc_str(a), utc_str(b), u, s) for a, b, u, s in rows]


def main():
        tmp = tempfile.mkdtemp(prefix="ical-diff-")
        keep = os.environ.get("DIFF_KEEP")
        print("1..%d" % count)
        print("# seed %d, %d calendars, oracle icalendar %s" % (seed, count, icalendar.__version__))
        failures = compared = 0
        for i in range(count):
                text, oracle_text, section, meta = gen_calendar(i)
                path = os.path.join(tmp, "cal-%d.ics" % i)
                with open(path, "w", newline="") as f:
                        f.write(text)
                try:
                        want = oracle(oracle_text, section, meta)
                        got_z, problems = ours(path, section)
                except Exception as e:  # noqa: BLE001 - any other failure is a failed case
                        if "must start before it ends" not in str(e):
                                print("not ok %d - calendar %d (%s): %s" % (i + 1, i, section, e))
                                failures += 1
                                continue
                        # An instance that starts in a gap and ends after it: pytz puts
                        # the start after the end, and the oracle gives up on the file.
                        print("ok %d - calendar %d # SKIP the oracle refuses it: %s" % (i + 1, i, e))
                        filtered["calendars the oracle refuses (a start in a gap)"] += 1
                        continue
                want = settle_lengths([w for w in want if not at_until(w, meta)], got_z)
                compared += len(want)
                got = []
                for row in got_z:
                        if at_until(row, meta, count=True):
                                continue
                        got.append(row[:4])
                got.sort()
                if got == want and not problems:
                        print("ok %d - calendar %d (%s): %d instances" % (i + 1, i, section, len(want)))
                        continue
                failures += 1
                print("not ok %d - calendar %d (%s)" % (i + 1, i, section))
                for p in problems:
                        print("#   problem: " + p)
                for row in sorted(set(fmt_rows(want)) - set(fmt_rows(got)))[:10]:
                        print("#   only the oracle: " + row)
                for row in sorted(set(fmt_rows(got)) - set(fmt_rows(want)))[:10]:
                        print("#   only nudge:      " + row)
                for row, n in sorted((Counter(fmt_rows(want)) - Counter(fmt_rows(got))).items())[:5]:
                        print("#   more often in the oracle: %s (x%d)" % (row, n))
                for row, n in sorted((Counter(fmt_rows(got)) - Counter(fmt_rows(want))).items())[:5]:
                        print("#   more often in nudge: %s (x%d)" % (row, n))
                if keep:
                        os.makedirs(keep, exist_ok=True)
                        shutil.copy(path, keep)
        print("# %d calendars, %d instances compared, %d failed" % (count, compared, failures))
        for why, n in sorted(filtered.items()):
                print("# filtered: %d x %s" % (n, why))
        shutil.rmtree(tmp)
        return 1 if failures else 0


sys.exit(main())
