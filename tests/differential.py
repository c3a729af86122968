#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Differential test: `nudge list --json` against an independent oracle of the schedule
contract (shared/design/schedule-format.md), built on dateutil.rrule and zoneinfo.

The oracle is written from the contract alone, not from the C code. It checks itself first
(known daylight-saving cases, rrule against a brute-force day walk, hand-written expected
lines), then compares nudge with it on hand-written cases and on many generated schedules
across daylight-saving changes in several zones. Output is TAP.

Environment: NUDGE (the nudge binary), DIFF_SEED (integer, or "random"), DIFF_COUNT (how
many generated files), DIFF_ZONES (comma-separated zones to draw from instead of the usual
mix), DIFF_KEEP (a folder to copy the files of failing cases into), CI=true (never skip).

Assumption not fixed by the contract: a UTC offset of zero is written "+00:00", never "Z"
(the contract only says "RFC 3339 with the UTC offset of the session's zone").
"""

import os
import sys


def _have_dateutil():
        try:
                import dateutil.rrule  # noqa: F401
                return True
        except ImportError:
                return False


if not _have_dateutil():
        # configure may have found a python3 without Debian's python3-dateutil (pyenv and
        # the like); Debian's own interpreter has it.
        if (os.path.realpath(sys.executable) != os.path.realpath("/usr/bin/python3")
                        and os.access("/usr/bin/python3", os.X_OK)
                        and not os.environ.get("DIFF_REEXEC")):
                os.environ["DIFF_REEXEC"] = "1"
                os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
        if os.environ.get("CI") == "true":
                print("1..1")
                print("not ok 1 - python3-dateutil is missing (apt-get install python3-dateutil)")
                sys.exit(1)
        # Under automake's TAP driver a skip is a plan of 0 tests, not exit status 77
        # (the driver reports any non-zero status as an error).
        print("1..0 # SKIP python3-dateutil is not installed")
        sys.exit(0)

import json  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from calendar import monthrange  # noqa: E402
from datetime import date, datetime, timedelta, timezone  # noqa: E402
from zoneinfo import ZoneInfo  # noqa: E402

from dateutil import rrule  # noqa: E402

EPOCH = datetime(1970, 1, 1)
DAY = 86400
WEEKDAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
RR_WEEKDAYS = [rrule.MO, rrule.TU, rrule.WE, rrule.TH, rrule.FR, rrule.SA, rrule.SU]
ORDINALS = {1: "1st", 2: "2nd", 3: "3rd", 4: "4th", 5: "5th", -1: "last"}

_zones = {}


def zone(name):
        z = _zones.get(name)
        if z is None:
                z = _zones[name] = ZoneInfo(name)
        return z


# ---- the oracle ---------------------------------------------------------------------


def naive_to_epoch(naive):
        """Seconds since the epoch of a naive datetime read as UTC."""
        return (naive - EPOCH) // timedelta(seconds=1)


def offset_at(t, tz):
        """UTC offset (seconds) in force at instant t."""
        return int(datetime.fromtimestamp(t, tz).utcoffset().total_seconds())


def resolve(naive, tz):
        """RFC 5545: the instant of a local wall-clock time. A time that exists twice is the
        first; a time that does not exist moves forward by the length of the gap, which is
        the same as reading it with the offset in force before the change."""
        offsets = {int(naive.replace(tzinfo=tz, fold=f).utcoffset().total_seconds())
                   for f in (0, 1)}
        base = naive_to_epoch(naive)
        valid = [base - o for o in offsets if offset_at(base - o, tz) == o]
        if valid:
                return min(valid)
        # A gap: the offset grows at the change, so the one before is the smaller.
        return base - min(offsets)


def resolve_fold0(naive, tz):
        """The same rule the short way (zoneinfo with fold=0); used to cross-check resolve()."""
        return int(naive.replace(tzinfo=tz, fold=0).timestamp())


def rfc3339(t, tz):
        off = offset_at(t, tz)
        local = EPOCH + timedelta(seconds=t + off)
        sign = "+" if off >= 0 else "-"
        off = abs(off)
        return "%s%s%02d:%02d" % (local.strftime("%Y-%m-%dT%H:%M:%S"), sign, off // 3600,
                                  off % 3600 // 60)


LEAD_RE = re.compile(r"^(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?$")


def parse_lead(text):
        """(calendar days, exact seconds) of a lead time or duration such as 1d2h."""
        m = LEAD_RE.match(text.strip().lower())
        assert m and text.strip(), "bad lead %r" % text
        w, d, h, mi = (int(x) if x else 0 for x in m.groups())
        return 7 * w + d, 3600 * h + 60 * mi


def monday_of(d):
        return d - timedelta(days=d.weekday())


def month_index(d):
        return d.year * 12 + d.month - 1


class Series:
        """One section of the file, as the generator wrote it."""

        def __init__(self, name, kind, **kw):
                self.name = name  # as written
                self.id = name.lower()
                self.kind = kind  # weekly | nth | mday | once
                self.weekdays = kw.get("weekdays", [])  # 0 = Monday
                self.nth = kw.get("nth", 1)  # 1..5 or -1
                self.weekday = kw.get("weekday", 0)
                self.mday = kw.get("mday", 1)
                self.minute = kw.get("minute", 0)  # minutes of the day
                self.once = kw.get("once", [])  # naive datetimes, sorted
                self.once_order = kw.get("once_order") or self.once  # as written
                self.every = kw.get("every", 1)
                self.start = kw.get("start")
                self.until = kw.get("until")
                self.skip = kw.get("skip", [])
                self.remind = kw.get("remind")  # list of strings, None = inherited
                self.duration = kw.get("duration")
                self.tz = kw.get("tz")
                self.title = kw.get("title")  # the value as meant; None = default
                self.title_ini = kw.get("title_ini")  # how it is written in the file
                self.trailing_comment = kw.get("trailing_comment", False)
                self.weekday_spelling = kw.get("weekday_spelling", {})
                self.write_every = kw.get("write_every", False)  # "every = 1", the default


def _filter_dates(s, naives):
        out = []
        for n in naives:
                d = n.date()
                if s.start and d < s.start:
                        continue
                if s.until and d > s.until:
                        continue
                if d in s.skip:
                        continue
                out.append(n)
        return out


def expand_rrule(s, lo, hi):
        """Local wall-clock datetimes (as written) of s with local date in [lo, hi]."""
        hh, mm = divmod(s.minute, 60)
        lo_dt = datetime(lo.year, lo.month, lo.day)
        hi_dt = datetime(hi.year, hi.month, hi.day, 23, 59, 59)
        if s.kind == "once":
                naives = [n for n in s.once if lo_dt <= n <= hi_dt]
        else:
                anchor = s.start if s.start else lo
                if s.kind == "weekly":
                        a = monday_of(anchor)
                        rule = rrule.rrule(rrule.WEEKLY, interval=s.every, wkst=rrule.MO,
                                           byweekday=[RR_WEEKDAYS[w] for w in s.weekdays],
                                           dtstart=datetime(a.year, a.month, a.day, hh, mm))
                elif s.kind == "nth":
                        rule = rrule.rrule(rrule.MONTHLY, interval=s.every,
                                           byweekday=RR_WEEKDAYS[s.weekday](s.nth),
                                           dtstart=datetime(anchor.year, anchor.month, 1, hh, mm))
                else:
                        rule = rrule.rrule(rrule.MONTHLY, interval=s.every, bymonthday=s.mday,
                                           dtstart=datetime(anchor.year, anchor.month, 1, hh, mm))
                naives = rule.between(lo_dt, hi_dt, inc=True)
        return _filter_dates(s, naives)


def expand_brute(s, lo, hi):
        """The same as expand_rrule, by walking the days; used to check the rrule setup."""
        hh, mm = divmod(s.minute, 60)
        if s.kind == "once":
                return _filter_dates(s, sorted(n for n in s.once if lo <= n.date() <= hi))
        out = []
        d = lo
        while d <= hi:
                ok = False
                if s.kind == "weekly":
                        ok = d.weekday() in s.weekdays
                        if ok and s.every > 1:
                                weeks = (monday_of(d) - monday_of(s.start)).days // 7
                                ok = weeks % s.every == 0
                else:
                        if s.kind == "nth":
                                ok = d.weekday() == s.weekday and (
                                        (s.nth > 0 and (d.day - 1) // 7 + 1 == s.nth) or
                                        (s.nth < 0 and d.day + 7 > monthrange(d.year, d.month)[1]))
                        else:
                                ok = d.day == s.mday
                        if ok and s.every > 1:
                                ok = (month_index(d) - month_index(s.start)) % s.every == 0
                if ok:
                        out.append(datetime(d.year, d.month, d.day, hh, mm))
                d += timedelta(days=1)
        return _filter_dates(s, out)


class Case:
        def __init__(self, name, series, from_t, days, from_str=None, defaults=None,
                     tz_env=None):
                self.name = name
                self.series = series
                self.from_t = from_t
                self.days = days
                self.from_str = from_str or rfc3339(from_t, timezone.utc).replace("+00:00", "Z")
                self.defaults = defaults or {}  # tz, remind, duration (strings / lists)
                self.tz_env = tz_env  # the "system" zone, given to nudge as $TZ


def effective(case, s):
        tzname = s.tz or case.defaults.get("tz") or case.tz_env
        remind = s.remind if s.remind is not None else case.defaults.get("remind", ["1d", "1h"])
        duration = s.duration or case.defaults.get("duration") or "50m"
        return tzname, remind, duration


# What the generated cases exercised (printed at the end, so that a change of the generator
# that stops reaching the daylight-saving corners shows).
COVERAGE = {}
COUNTING = [False]


def classify(naive, tz):
        """'gap', 'overlap' or None for a local wall-clock time."""
        offs = {naive.replace(tzinfo=tz, fold=f).utcoffset() for f in (0, 1)}
        if len(offs) == 1:
                return None
        t = resolve(naive, tz)
        return "overlap" if EPOCH + timedelta(seconds=t + offset_at(t, tz)) == naive else "gap"


def count(what, force=False):
        if COUNTING[0] or force:
                COVERAGE[what] = COVERAGE.get(what, 0) + 1


def occurrences(case, s, lo_t, hi_t):
        """Expected list objects of series s with start in [lo_t, hi_t)."""
        tzname, remind, duration = effective(case, s)
        tz = zone(tzname)
        leads = [parse_lead(x) for x in remind]
        dcal, dur = parse_lead(duration)
        assert dcal == 0
        lo = datetime.fromtimestamp(lo_t, tz).date() - timedelta(days=2)
        hi = datetime.fromtimestamp(hi_t, tz).date() + timedelta(days=2)
        out = []
        for n in expand_rrule(s, lo, hi):
                start = resolve(n, tz)
                if not lo_t <= start < hi_t:
                        continue
                rem = set()
                for cal, exact in leads:
                        rem.add(resolve(n - timedelta(days=cal), tz) - exact)
                        if cal:
                                c = classify(n - timedelta(days=cal), tz)
                                if c:
                                        count("calendar reminder in a " + c)
                count("session")
                c = classify(n, tz)
                if c:
                        count("session in a " + c)
                if len(rem) < len(leads):
                        count("session with merged reminders")
                if offset_at(start, tz) != offset_at(start + dur, tz):
                        count("session across a change")
                title = s.title if s.title is not None else s.name
                out.append((start, s.id, [("id", s.id), ("title", title),
                                          ("start", rfc3339(start, tz)),
                                          ("end", rfc3339(start + dur, tz)),
                                          ("reminders", [rfc3339(r, tz) for r in sorted(rem)])]))
        return out


def expected(case):
        hi_t = case.from_t + case.days * DAY
        occ = []
        for s in case.series:
                occ += occurrences(case, s, case.from_t, hi_t)
        occ.sort(key=lambda o: (o[0], o[1]))
        return [o[2] for o in occ]


def json_line(pairs):
        return json.dumps(dict(pairs), ensure_ascii=False, separators=(",", ":"))


# ---- the file ------------------------------------------------------------------------


def fmt_minute(m):
        return "%02d:%02d" % divmod(m, 60)


def fmt_naive(n):
        return n.strftime("%Y-%m-%d %H:%M")


def series_ini(s):
        lines = ["[%s]" % s.name]
        if s.title_ini is not None:
                lines.append("title = %s" % s.title_ini)
        if s.kind == "weekly":
                names = [s.weekday_spelling.get(w, WEEKDAY_NAMES[w][:3]) for w in s.weekdays]
                lines.append("weekly = %s %s" % (", ".join(names), fmt_minute(s.minute)))
        elif s.kind == "nth":
                wd = s.weekday_spelling.get(s.weekday, WEEKDAY_NAMES[s.weekday][:3])
                lines.append("monthly = %s %s %s" % (ORDINALS[s.nth], wd, fmt_minute(s.minute)))
        elif s.kind == "mday":
                lines.append("monthly = %d %s" % (s.mday, fmt_minute(s.minute)))
        else:
                lines.append("once = %s" % ", ".join(fmt_naive(n) for n in s.once_order))
        if s.trailing_comment:
                lines[-1] += "   # the usual slot"
        if s.every != 1 or s.write_every:
                lines.append("every = %d" % s.every)
        if s.start:
                lines.append("start = %s" % s.start.isoformat())
        if s.until:
                lines.append("until = %s" % s.until.isoformat())
        if s.skip:
                lines.append("skip = %s" % ", ".join(d.isoformat() for d in s.skip))
        if s.remind is not None:
                lines.append("remind = %s" % ", ".join(s.remind))
        if s.duration:
                lines.append("duration = %s" % s.duration)
        if s.tz:
                lines.append("timezone = %s" % s.tz)
        return lines


def case_ini(case):
        lines = ["# %s (generated by tests/differential.py)" % case.name]
        d = case.defaults
        if d:
                lines.append("[defaults]")
                if "tz" in d:
                        lines.append("timezone = %s" % d["tz"])
                if "remind" in d:
                        lines.append("remind = %s" % ", ".join(d["remind"]))
                if "duration" in d:
                        lines.append("duration = %s" % d["duration"])
        for s in case.series:
                lines.append("")
                lines += series_ini(s)
        return "\n".join(lines) + "\n"


# ---- self-tests of the oracle ---------------------------------------------------------

def t_at(zname, text):
        return resolve(datetime.strptime(text, "%Y-%m-%d %H:%M"), zone(zname))


def fmt_at(zname, text):
        return rfc3339(t_at(zname, text), zone(zname))


RESOLVE_CASES = [
        # zone, local time as written, RFC 5545 result
        ("Europe/Berlin", "2026-03-29 02:30", "2026-03-29T03:30:00+02:00"),  # gap
        ("Europe/Berlin", "2026-03-29 02:00", "2026-03-29T03:00:00+02:00"),
        ("Europe/Berlin", "2026-03-29 03:00", "2026-03-29T03:00:00+02:00"),
        ("Europe/Berlin", "2026-03-29 01:59", "2026-03-29T01:59:00+01:00"),
        ("Europe/Berlin", "2026-10-25 02:30", "2026-10-25T02:30:00+02:00"),  # overlap: first
        ("Europe/Berlin", "2026-10-25 03:00", "2026-10-25T03:00:00+01:00"),
        ("America/New_York", "2026-03-08 02:15", "2026-03-08T03:15:00-04:00"),
        ("America/New_York", "2026-11-01 01:30", "2026-11-01T01:30:00-04:00"),
        ("Australia/Sydney", "2026-10-04 02:30", "2026-10-04T03:30:00+11:00"),
        ("Australia/Sydney", "2026-04-05 02:30", "2026-04-05T02:30:00+11:00"),
        ("Australia/Lord_Howe", "2026-10-04 02:15", "2026-10-04T02:45:00+11:00"),  # 30-min gap
        ("Australia/Lord_Howe", "2026-04-05 01:45", "2026-04-05T01:45:00+11:00"),  # 30-min overlap
        ("Australia/Lord_Howe", "2026-04-05 02:00", "2026-04-05T02:00:00+10:30"),
        ("Asia/Kathmandu", "2026-06-01 09:00", "2026-06-01T09:00:00+05:45"),
        ("Pacific/Auckland", "2026-09-27 02:30", "2026-09-27T03:30:00+13:00"),
        ("Pacific/Auckland", "2026-04-05 02:30", "2026-04-05T02:30:00+13:00"),
        ("America/Sao_Paulo", "2018-11-04 00:30", "2018-11-04T01:30:00-02:00"),  # midnight gap
        ("America/Sao_Paulo", "2019-02-16 23:30", "2019-02-16T23:30:00-02:00"),
        ("UTC", "2026-03-29 02:30", "2026-03-29T02:30:00+00:00"),
]


def th(zone_name, text):
        return fmt_at(zone_name, text)


def hand_cases():
        """Hand-written cases with hand-written expected lines (not computed by the oracle)."""
        B = "Europe/Berlin"
        cases = []

        def add(name, series, from_str, days, exp, defaults=None, tz_env=None, exact=False):
                from_t = parse_rfc3339(from_str)
                c = Case(name, series, from_t, days, from_str, defaults, tz_env)
                c.expected_lines = exp
                c.exact = exact
                cases.append(c)

        def obj(id_, title, start, end, rem):
                return [("id", id_), ("title", title), ("start", start), ("end", end),
                        ("reminders", rem)]

        # The contract's own example, compared byte for byte.
        add("contract example", [Series("therapy", "weekly", weekdays=[1], minute=14 * 60,
                                        remind=["1d", "2h"], title="Therapy with Dr. Rivera",
                                        title_ini="Therapy with Dr. Rivera")],
            "2026-11-25T00:00:00+01:00", 7,
            [obj("therapy", "Therapy with Dr. Rivera", "2026-12-01T14:00:00+01:00",
                 "2026-12-01T14:50:00+01:00",
                 ["2026-11-30T14:00:00+01:00", "2026-12-01T12:00:00+01:00"])],
            defaults={"tz": B}, exact=True)
        # Spring forward: 02:30 is 03:30; 1d before is the day before at 02:30; 2h is exact.
        add("Berlin gap", [Series("gap", "weekly", weekdays=[6], minute=150,
                                  remind=["1d", "2h", "0m"])],
            "2026-03-28T00:00:00Z", 2,
            [obj("gap", "gap", "2026-03-29T03:30:00+02:00", "2026-03-29T04:20:00+02:00",
                 ["2026-03-28T02:30:00+01:00", "2026-03-29T00:30:00+01:00",
                  "2026-03-29T03:30:00+02:00"])], defaults={"tz": B})
        # Fall back: 02:30 exists twice; the first (+02:00). The end is 50 exact minutes later,
        # already in +01:00.
        add("Berlin overlap", [Series("Fall", "once",
                                      once=[datetime(2026, 10, 25, 2, 30)], remind=["1h"])],
            "2026-10-24T00:00:00Z", 2,
            [obj("fall", "Fall", "2026-10-25T02:30:00+02:00", "2026-10-25T02:20:00+01:00",
                 ["2026-10-25T01:30:00+02:00"])], defaults={"tz": B})
        # A reminder in the gap: Monday 02:30 after spring forward, 1d -> Sunday 03:30+02:00;
        # 24h -> exactly a day earlier, 01:30+01:00; 1w is 7 calendar days.
        add("lead into gap", [Series("mon", "weekly", weekdays=[0], minute=150,
                                     remind=["24h", "1d", "1w"], start=date(2026, 3, 30))],
            "2026-03-30T00:00:00+02:00", 1,
            [obj("mon", "mon", "2026-03-30T02:30:00+02:00", "2026-03-30T03:20:00+02:00",
                 ["2026-03-23T02:30:00+01:00", "2026-03-29T01:30:00+01:00",
                  "2026-03-29T03:30:00+02:00"])], defaults={"tz": B})
        # 1d and 24h on an ordinary day are one reminder; 1d2h is a calendar day then 2 h.
        add("merged leads", [Series("plain", "weekly", weekdays=[2], minute=9 * 60,
                                    remind=["24h", "1d", "1d2h", "26h"])],
            "2026-06-01T00:00:00Z", 7,
            [obj("plain", "plain", "2026-06-03T09:00:00+02:00", "2026-06-03T09:50:00+02:00",
                 ["2026-06-02T07:00:00+02:00", "2026-06-02T09:00:00+02:00"])],
            defaults={"tz": B})
        # 1d2h across a change: Monday 2026-10-26 01:00 Berlin; 1d -> Sunday 01:00+02:00,
        # minus 2 h exact -> Saturday 23:00+02:00. 26h exact -> 2026-10-26 00:00 UTC - 26 h.
        add("1d2h across fall back", [Series("x", "weekly", weekdays=[0], minute=60,
                                             remind=["1d2h", "26h"])],
            "2026-10-26T00:00:00+01:00", 1,
            [obj("x", "x", "2026-10-26T01:00:00+01:00", "2026-10-26T01:50:00+01:00",
                 ["2026-10-24T23:00:00+02:00", "2026-10-25T00:00:00+02:00"])],
            defaults={"tz": B})
        # Lord Howe: the 30-minute gap and overlap.
        LH = "Australia/Lord_Howe"
        add("Lord Howe gap", [Series("lh", "nth", nth=1, weekday=6, minute=135,
                                     remind=["30m"], duration="1h", tz=LH)],
            "2026-10-01T00:00:00Z", 7,
            [obj("lh", "lh", "2026-10-04T02:45:00+11:00", "2026-10-04T03:45:00+11:00",
                 ["2026-10-04T01:45:00+10:30"])])
        add("Lord Howe overlap", [Series("lh2", "nth", nth=1, weekday=6, minute=105,
                                         remind=["1d", "0m"], tz=LH)],
            "2026-04-01T00:00:00Z", 7,
            [obj("lh2", "lh2", "2026-04-05T01:45:00+11:00", "2026-04-05T02:05:00+10:30",
                 ["2026-04-04T01:45:00+11:00", "2026-04-05T01:45:00+11:00"])])
        # Kathmandu's +05:45, last Friday of the month, and the default reminders 1d, 1h.
        add("Kathmandu last Fri", [Series("k", "nth", nth=-1, weekday=4, minute=10 * 60)],
            "2026-07-01T00:00:00+05:45", 31,
            [obj("k", "k", "2026-07-31T10:00:00+05:45", "2026-07-31T10:50:00+05:45",
                 ["2026-07-30T10:00:00+05:45", "2026-07-31T09:00:00+05:45"])],
            defaults={"tz": "Asia/Kathmandu"})
        # Day 31: months without it have no session.
        add("day 31", [Series("m31", "mday", mday=31, minute=8 * 60, remind=["0m"])],
            "2027-01-01T00:00:00Z", 120,
            [obj("m31", "m31", "2027-01-31T08:00:00+00:00", "2027-01-31T08:50:00+00:00",
                 ["2027-01-31T08:00:00+00:00"]),
             obj("m31", "m31", "2027-03-31T08:00:00+00:00", "2027-03-31T08:50:00+00:00",
                 ["2027-03-31T08:00:00+00:00"])], defaults={"tz": "UTC"})
        # every 2 weeks counted from the Monday-first week holding start (a Sunday), skip,
        # until inclusive; New York.
        NY = "America/New_York"
        add("every 2 weeks", [Series("c", "weekly", weekdays=[0, 3], minute=570, every=2,
                                     start=date(2026, 11, 8), until=date(2026, 12, 10),
                                     skip=[date(2026, 11, 19)], remind=["0m"], tz=NY)],
            "2026-11-01T00:00:00Z", 60,
            [obj("c", "c", t, e, [t]) for t, e in [
                ("2026-11-16T09:30:00-05:00", "2026-11-16T10:20:00-05:00"),
                ("2026-11-30T09:30:00-05:00", "2026-11-30T10:20:00-05:00"),
                ("2026-12-03T09:30:00-05:00", "2026-12-03T10:20:00-05:00")]])
        # The window: a start equal to --from is in, one equal to --from + days is out;
        # equal starts are ordered by id.
        add("window and order", [Series("b", "weekly", weekdays=[0], minute=600, remind=["0m"]),
                                 Series("a", "once", once=[datetime(2026, 6, 1, 10, 0)],
                                        remind=["0m"])],
            "2026-06-01T08:00:00Z", 7,
            [obj("a", "a", "2026-06-01T10:00:00+02:00", "2026-06-01T10:50:00+02:00",
                 ["2026-06-01T10:00:00+02:00"]),
             obj("b", "b", "2026-06-01T10:00:00+02:00", "2026-06-01T10:50:00+02:00",
                 ["2026-06-01T10:00:00+02:00"])], defaults={"tz": B})
        # Equal starts are ordered by id, byte by byte ('-' < '.' < digits < '_' < letters).
        ids = ["ab", "a1", "a_1", "a.1", "a-1", "A2", "a10", "a9", "Z", "b"]
        add("order of ids", [Series(n, "once", once=[datetime(2026, 6, 1, 10, 0)],
                                    remind=["0m"]) for n in ids],
            "2026-06-01T00:00:00Z", 1,
            [obj(n.lower(), n, "2026-06-01T10:00:00+00:00", "2026-06-01T10:50:00+00:00",
                 ["2026-06-01T10:00:00+00:00"])
             for n in ["a-1", "a.1", "a1", "a10", "A2", "a9", "a_1", "ab", "b", "Z"]],
            defaults={"tz": "UTC"})
        # The zone from $TZ when the file names none; every 3 months from start's month.
        add("zone from TZ, every 3 months",
            [Series("q", "nth", nth=2, weekday=2, minute=17 * 60, every=3,
                    start=date(2026, 2, 20), remind=["1w"])],
            "2026-02-01T00:00:00Z", 200,
            [obj("q", "q", "2026-05-13T17:00:00+10:00", "2026-05-13T17:50:00+10:00",
                 ["2026-05-06T17:00:00+10:00"]),
             obj("q", "q", "2026-08-12T17:00:00+10:00", "2026-08-12T17:50:00+10:00",
                 ["2026-08-05T17:00:00+10:00"])], tz_env="Australia/Sydney")
        return cases


def parse_rfc3339(text):
        m = re.match(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(Z|([+-])(\d\d):(\d\d))$", text)
        assert m, text
        base = naive_to_epoch(datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S"))
        if m.group(2) == "Z":
                return base
        off = int(m.group(4)) * 3600 + int(m.group(5)) * 60
        return base - off if m.group(3) == "+" else base + off


# ---- generated cases -----------------------------------------------------------------

ZONES = ["Europe/Berlin", "America/New_York", "Australia/Sydney", "Australia/Lord_Howe",
         "Asia/Kathmandu", "Pacific/Auckland", "America/Sao_Paulo", "UTC"]
ZONE_WEIGHTS = [16, 16, 14, 16, 6, 12, 8, 5]
ZONE_YEARS = {"America/Sao_Paulo": (2017, 2019)}

LEADS = ["1d", "2h", "1d2h", "1w", "30m", "0m", "24h", "1h", "1h30m", "90m", "2d", "4w",
         "1d30m", "2w", "26h", "48h", "15m", "3d12h", "1440m"]
DURATIONS = ["50m", "1m", "1h", "90m", "1h30m", "12h", "45m", "2h"]
NAMES = ["therapy", "Couples", "group", "intake", "Dr.Rivera", "s_1", "check-in", "A", "zeta",
         "Beta.2", "x1", "Session-3"]
TITLES = [("Therapy with Dr. Rivera", None), ("Gruppe am Mittwoch", None),
          ("Thérapie – séance", None), ("Session #3; weekly", '"Session #3; weekly"'),
          ('He said "hi"', "'He said \"hi\"'"), ("Check-in", None)]


def transitions(zname, years):
        """[(instant, offset before, offset after)] of the zone in the years [y0, y1]."""
        tz = zone(zname)
        y0, y1 = years
        t = naive_to_epoch(datetime(y0, 1, 1))
        end = naive_to_epoch(datetime(y1 + 1, 1, 1))
        out = []
        prev = offset_at(t, tz)
        step = 6 * 3600
        while t < end:
                n = t + step
                o = offset_at(n, tz)
                if o != prev:
                        lo, hi = t, n
                        while hi - lo > 1:
                                mid = (lo + hi) // 2
                                if offset_at(mid, tz) == prev:
                                        lo = mid
                                else:
                                        hi = mid
                        out.append((hi, prev, o))
                        prev = o
                t = n
        return out


_transitions = {}


def local_range(tr):
        """(local start, local end, 'gap'|'overlap') of the wall-clock times a change touches."""
        t, before, after = tr
        lb = EPOCH + timedelta(seconds=t + before)
        la = EPOCH + timedelta(seconds=t + after)
        return (lb, la, "gap") if after > before else (la, lb, "overlap")


def spell_weekday(rng, w):
        full = WEEKDAY_NAMES[w]
        return rng.choice([full[:3], full[:3], full[:3], full, full.lower(), full[:3].lower(),
                           full.upper()])


def gen_case(rng, k):
        only = os.environ.get("DIFF_ZONES")
        if only:
                zname = rng.choice(only.split(","))
        else:
                zname = rng.choices(ZONES, ZONE_WEIGHTS)[0]
        years = ZONE_YEARS.get(zname, (2025, 2028))
        if zname != "America/Sao_Paulo" and rng.random() < 0.08:
                # past the zone's table of changes: its rule for the future applies
                years = rng.choice([(2037, 2040), (2099, 2100)])
        trs = _transitions.setdefault((zname, years), transitions(zname, years))
        y0, y1 = years
        if trs and rng.random() < 0.9:
                tr = rng.choice(trs)
                lo, hi, _ = local_range(tr)
                focus_t = tr[0]
        else:
                focus_t = naive_to_epoch(datetime(y0, 1, 1)) + rng.randrange(
                        (y1 - y0 + 1) * 365 * DAY)
                ft = datetime.fromtimestamp(focus_t, zone(zname)).replace(tzinfo=None)
                lo, hi = ft, ft + timedelta(hours=1)
        focus_date = lo.date()

        def pick_minute():
                r = rng.random()
                if r < 0.65:
                        span = int((hi - lo).total_seconds() // 60)
                        base = lo.hour * 60 + lo.minute
                        m = rng.choice([base, base + span - 1, base + span, base - 1,
                                        base + rng.randrange(max(span, 1)),
                                        base + rng.randrange(max(span, 1))])
                        return m % 1440
                if r < 0.8:
                        return rng.choice([0, 1, 30, 23 * 60 + 59, 23 * 60 + 30, 12 * 60])
                return rng.randrange(6, 22) * 60 + rng.choice([0, 0, 15, 30, 45, 50])

        def pick_leads():
                n = rng.choice([1, 1, 2, 2, 2, 3, 4, 8])
                return rng.sample(LEADS, n)

        used = set()
        n_series = rng.choice([1, 1, 1, 2, 2, 3])
        mode = rng.choices(["defaults", "section", "env", "mixed"], [45, 30, 10, 15])[0]
        defaults = {}
        tz_env = rng.choice(["Asia/Tokyo", "America/Los_Angeles"])
        if mode in ("defaults", "mixed"):
                defaults["tz"] = zname
        elif mode == "env":
                tz_env = zname
        if rng.random() < 0.3:
                defaults["remind"] = pick_leads()
        if rng.random() < 0.2:
                defaults["duration"] = rng.choice(DURATIONS)

        series = []
        for i in range(n_series):
                name = rng.choice([n for n in NAMES if n.lower() not in used])
                used.add(name.lower())
                kind = rng.choices(["weekly", "nth", "mday", "once"], [45, 22, 18, 15])[0]
                kw = {"minute": pick_minute()}
                if kind == "weekly":
                        days = set()
                        if rng.random() < 0.8:
                                days.add(focus_date.weekday())
                        if rng.random() < 0.4:
                                days.add((focus_date.weekday() + 1) % 7)
                        while not days or rng.random() < 0.3:
                                days.add(rng.randrange(7))
                        kw["weekdays"] = sorted(days)
                        kw["weekday_spelling"] = {w: spell_weekday(rng, w) for w in days}
                elif kind == "nth":
                        d = focus_date + timedelta(days=rng.choice([0, 0, 0, 1, 7]))
                        nth = (d.day - 1) // 7 + 1
                        if d.day + 7 > monthrange(d.year, d.month)[1] and rng.random() < 0.5:
                                nth = -1
                        if rng.random() < 0.2:
                                nth = rng.choice([1, 2, 3, 4, 5, -1])
                        kw.update(nth=nth, weekday=d.weekday(),
                                  weekday_spelling={d.weekday(): spell_weekday(rng, d.weekday())})
                elif kind == "mday":
                        mday = focus_date.day + rng.choice([0, 0, 1, 7])
                        if mday > 31 or rng.random() < 0.25:
                                mday = rng.choice([29, 30, 31, 1, 15])
                        kw["mday"] = mday
                else:
                        base = datetime(focus_date.year, focus_date.month, focus_date.day)
                        once = set()
                        for _ in range(rng.choice([1, 1, 2, 3])):
                                dd = rng.choice([0, 0, 1, 7, -1, 2])
                                once.add(base + timedelta(days=dd, minutes=pick_minute()))
                        kw["once"] = sorted(once)
                        kw["once_order"] = rng.sample(kw["once"], len(kw["once"]))
                every = 1
                if kind in ("weekly", "nth", "mday") and rng.random() < 0.4:
                        every = rng.choice([2, 2, 2, 3, 3, 4, 5, 6, 13] + [52] * (k % 10 == 0))
                kw["every"] = every
                kw["write_every"] = kind != "once" and rng.random() < 0.1
                if every > 1 or rng.random() < (0.15 if kind == "once" else 0.5):
                        if every > 1 and kind != "weekly":
                                back = rng.randrange(0, 400)
                        else:
                                back = rng.randrange(-3, 90)
                        if every > 1 and rng.random() < 0.1:
                                back = rng.randrange(400, 3000)  # counted over years
                        kw["start"] = focus_date - timedelta(days=back)
                        if rng.random() < 0.1:
                                kw["start"] = focus_date + timedelta(days=rng.choice([0, 1]))
                if rng.random() < (0.1 if kind == "once" else 0.35):
                        base = kw.get("start") or focus_date - timedelta(days=30)
                        kw["until"] = max(base, focus_date + timedelta(days=rng.randrange(-10, 60)))
                        if rng.random() < 0.2:
                                kw["until"] = max(base, focus_date)
                if rng.random() < 0.6 or "remind" not in defaults:
                        if rng.random() < 0.85:
                                kw["remind"] = pick_leads()
                if rng.random() < 0.3:
                        kw["duration"] = rng.choice(DURATIONS)
                if mode == "section" or (mode == "mixed" and i == 1):
                        kw["tz"] = zname if mode == "section" else rng.choice(
                                [z for z in ZONES if z != zname])
                r = rng.random()
                if r < 0.35:
                        t, t_ini = rng.choice(TITLES)
                        kw["title"] = t
                        kw["title_ini"] = t_ini if t_ini else t
                kw["trailing_comment"] = rng.random() < 0.1
                s = Series(name, kind, **kw)
                series.append(s)
                if n_series > 1 and i == 0 and rng.random() < 0.3:
                        # a twin with the same slot: equal starts are ordered by id
                        name2 = rng.choice([n for n in NAMES if n.lower() not in used])
                        used.add(name2.lower())
                        twin = Series(name2, kind, **dict(kw, remind=pick_leads(), title=None,
                                                          title_ini=None))
                        series.append(twin)

        days = rng.choices([rng.randrange(1, 4), rng.randrange(7, 61), rng.randrange(61, 130),
                            365, 3660], [15, 64, 15, 5, 1])[0]
        # mostly a window that holds the focus
        from_t = focus_t - rng.randrange(0, min(days, 30) * DAY)
        from_t -= from_t % rng.choice([60, 60, 3600, 1])
        case = Case("case %d %s" % (k, zname), series, from_t, days, defaults=defaults,
                    tz_env=tz_env)

        # Skip dates that matter: some of the dates the series would have.
        lo_d = datetime.fromtimestamp(from_t, timezone.utc).date() - timedelta(days=2)
        for s in series:
                if rng.random() < 0.3:
                        dates = sorted({n.date() for n in expand_rrule(
                                s, lo_d, lo_d + timedelta(days=days + 4))})
                        pick = rng.sample(dates, min(len(dates), rng.choice([1, 1, 2, 3])))
                        if rng.random() < 0.3:
                                pick.append(focus_date + timedelta(days=rng.randrange(-5, 30)))
                        s.skip = sorted(set(pick))

        # The window's edges: --from on a start, or --from + days on a start.
        r = rng.random()
        if r < 0.2:
                exp = expected(Case("", series, from_t - 40 * DAY, 120, defaults=defaults,
                                    tz_env=tz_env))
                if exp:
                        start_t = parse_rfc3339(dict(rng.choice(exp))["start"])
                        if r < 0.1:
                                case.from_t = start_t
                        else:
                                case.from_t = start_t - case.days * DAY
        offs = rng.choice([None, None, 3600, -5 * 3600, 5 * 3600 + 45 * 60, 13 * 3600,
                           -(3 * 3600 + 30 * 60), 0, "local"])
        if offs == "local":
                # "local YYYY-MM-DD[ HH:MM]": the system's zone ($TZ); kept away from
                # changes, where the contract does not say what it means
                envz = zone(case.tz_env)
                loc = (EPOCH + timedelta(seconds=case.from_t + offset_at(case.from_t, envz)))
                loc = loc.replace(second=0)
                if rng.random() < 0.3:
                        loc = loc.replace(hour=0, minute=0)
                if all(classify(loc + timedelta(hours=h), envz) is None for h in (-2, 0, 2)):
                        case.from_t = resolve(loc, envz)
                        case.from_str = loc.strftime("%Y-%m-%d" if loc.hour == loc.minute == 0
                                                     and rng.random() < 0.5 else "%Y-%m-%d %H:%M")
                        return case
                offs = None
        if offs is None:
                case.from_str = rfc3339(case.from_t, timezone.utc).replace("+00:00", "Z")
        else:
                case.from_str = rfc3339(case.from_t, timezone(timedelta(seconds=offs)))
        return case


# ---- running nudge -------------------------------------------------------------------


class Tap:
        def __init__(self):
                self.n = 0
                self.failed = 0

        def ok(self, good, name, diag=()):
                self.n += 1
                if not good:
                        self.failed += 1
                print("%s %d - %s" % ("ok" if good else "not ok", self.n, name))
                for line in diag:
                        for part in str(line).splitlines() or [""]:
                                print("# " + part)
                sys.stdout.flush()

        def skip(self, name, why):
                self.n += 1
                print("ok %d - %s # SKIP %s" % (self.n, name, why))


def run_nudge(nudge, case, workdir):
        path = os.path.join(workdir, "schedule.ini")
        with open(path, "w", encoding="utf-8") as f:
                f.write(case_ini(case))
        env = dict(os.environ)
        env["TZ"] = case.tz_env or "Asia/Tokyo"
        env["XDG_CONFIG_HOME"] = os.path.join(workdir, "config")
        env["XDG_STATE_HOME"] = os.path.join(workdir, "state")
        env["XDG_DATA_HOME"] = os.path.join(workdir, "data")
        env["HOME"] = workdir
        argv = [nudge, "list", "--json", "--config", path, "--from", case.from_str,
                "--days", str(case.days)]
        try:
                p = subprocess.run(argv, env=env, capture_output=True, timeout=30)
        except subprocess.TimeoutExpired:
                return None, "timed out", argv
        return p, None, argv


def compare(nudge, case, workdir, exp_objs, exact_lines=None):
        """(good, diagnostics)."""
        p, err, argv = run_nudge(nudge, case, workdir)
        cmd = "TZ=%s nudge list --json --config FILE --from %s --days %d" % (
                case.tz_env or "Asia/Tokyo", case.from_str, case.days)
        head = ["%s" % cmd, "FILE:"] + ["  " + x for x in case_ini(case).splitlines()]
        if err:
                return False, head + [err]
        if p.returncode != 0:
                return False, head + ["exit status %d, stderr:" % p.returncode,
                                      p.stderr.decode("utf-8", "replace")[:2000]]
        err = p.stderr.decode("utf-8", "replace")
        if "runtime error:" in err or "Sanitizer" in err:
                return False, head + ["sanitizer report on stderr:", err[:3000]]
        try:
                out = p.stdout.decode("utf-8")
        except UnicodeDecodeError as e:
                return False, head + ["stdout is not UTF-8: %s" % e]
        got_lines = out.splitlines()
        exp_lines = [json_line(o) for o in exp_objs]
        problems = []
        if out and not out.endswith("\n"):
                problems.append("stdout does not end with a newline")
        got = []
        for i, line in enumerate(got_lines):
                try:
                        got.append(json.loads(line, object_pairs_hook=list))
                except ValueError:
                        got.append(None)
                        problems.append("line %d is not JSON: %r" % (i + 1, line))
        if exact_lines is not None and got_lines != exact_lines:
                problems.append("not byte for byte the contract's line(s)")
        if got != exp_objs:
                for i in range(max(len(got), len(exp_objs))):
                        g = got[i] if i < len(got) else None
                        e = exp_objs[i] if i < len(exp_objs) else None
                        if g != e:
                                problems.append("first difference at line %d of %d expected, "
                                                "%d got:" % (i + 1, len(exp_objs), len(got)))
                                for j in range(max(0, i - 1), min(i + 3, max(len(got),
                                                                              len(exp_objs)))):
                                        if j < len(exp_lines):
                                                problems.append("  expected %s" % exp_lines[j])
                                        if j < len(got_lines):
                                                problems.append("  got      %s" % got_lines[j])
                                break
        if problems:
                return False, head + problems
        return True, []


# ---- main ----------------------------------------------------------------------------


def self_tests(tap, rng):
        bad = []
        for zname, text, want in RESOLVE_CASES:
                got = fmt_at(zname, text)
                n = datetime.strptime(text, "%Y-%m-%d %H:%M")
                alt = resolve_fold0(n, zone(zname))
                if got != want or alt != t_at(zname, text):
                        bad.append("%s %s: got %s (fold=0 way: %s), want %s" % (
                                zname, text, got, rfc3339(alt, zone(zname)), want))
        tap.ok(not bad, "oracle: RFC 5545 resolution of %d known local times" %
               len(RESOLVE_CASES), bad)

        # resolve() and the fold=0 shortcut agree on every minute around every change.
        bad = []
        n_times = 0
        for zname in ZONES:
                tz = zone(zname)
                years = ZONE_YEARS.get(zname, (2025, 2028))
                for tr in _transitions.setdefault((zname, years), transitions(zname, years)):
                        lo, hi, _ = local_range(tr)
                        m = lo - timedelta(minutes=70)
                        while m <= hi + timedelta(minutes=70):
                                n_times += 1
                                a, b = resolve(m, tz), resolve_fold0(m, tz)
                                if a != b and len(bad) < 5:
                                        bad.append("%s %s: %d vs %d" % (zname, m, a, b))
                                # the result must show the written time, or the time
                                # moved forward by the gap
                                shown = EPOCH + timedelta(seconds=a + offset_at(a, tz))
                                if not (shown == m or lo <= m < hi and
                                        shown == m + (hi - lo)) and len(bad) < 5:
                                        bad.append("%s %s shows as %s" % (zname, m, shown))
                                m += timedelta(minutes=5)
        tap.ok(not bad, "oracle: resolve() agrees with zoneinfo fold=0 on %d times near "
               "changes" % n_times, bad)

        # rrule expansion against a brute-force walk over the days.
        bad = []
        for k in range(150):
                c = gen_case(rng, k)
                for s in c.series:
                        if s.kind != "weekly" and s.kind != "once" and s.every > 1 and \
                                        not s.start:
                                bad.append("generator: every > 1 without start")
                        lo = date(2016, 12, 1) if c.from_t < 1.5e9 else date(2024, 12, 1)
                        hi = lo + timedelta(days=1500)
                        a = expand_rrule(s, lo, hi)
                        b = expand_brute(s, lo, hi)
                        if a != b and len(bad) < 5:
                                bad.append("%s: rrule %s vs walk %s" % (
                                        s.id, [str(x) for x in a[:5]], [str(x) for x in b[:5]]))
        tap.ok(not bad, "oracle: rrule agrees with a day-by-day walk on generated series", bad)

        # The hand-written cases: the oracle must give the hand-written lines.
        bad = []
        for c in hand_cases():
                got = expected(c)
                if got != c.expected_lines:
                        bad.append("%s:" % c.name)
                        bad += ["  oracle   " + json_line(o) for o in got]
                        bad += ["  by hand  " + json_line(o) for o in c.expected_lines]
        tap.ok(not bad, "oracle: hand-written cases", bad)


def main():
        seed_env = os.environ.get("DIFF_SEED", "20261125")
        seed = int(time.time()) if seed_env == "random" else int(seed_env)
        n_cases = int(os.environ.get("DIFF_COUNT", "500"))
        print("# seed %d, %d generated files (DIFF_SEED, DIFF_COUNT change them)" % (seed, n_cases))
        tap = Tap()
        self_tests(tap, random.Random(seed ^ 0x5eed))

        nudge = os.environ.get("NUDGE")
        ci = os.environ.get("CI") == "true"
        if not nudge or not os.access(nudge, os.X_OK):
                why = "no nudge binary (set NUDGE)" if not nudge else "%s is missing" % nudge
                if ci:
                        tap.ok(False, "nudge: " + why)
                else:
                        tap.skip("nudge: differential cases", why)
                print("1..%d" % tap.n)
                return 1 if tap.failed else 0

        keep = os.environ.get("DIFF_KEEP")
        workdir = tempfile.mkdtemp(prefix="nudge-diff-")
        t0 = time.monotonic()
        try:
                for c in hand_cases():
                        exact = [json_line(o) for o in c.expected_lines] if c.exact else None
                        good, diag = compare(nudge, c, workdir, c.expected_lines, exact)
                        tap.ok(good, "nudge: %s" % c.name, diag)
                rng = random.Random(seed)
                shown = 0
                for k in range(n_cases):
                        c = gen_case(rng, k)
                        COUNTING[0] = True
                        exp = expected(c)
                        COUNTING[0] = False
                        if "T" not in c.from_str:
                                count("--from in local time", True)
                        if not exp:
                                count("empty window", True)
                        good, diag = compare(nudge, c, workdir, exp)
                        if not good:
                                if keep:
                                        os.makedirs(keep, exist_ok=True)
                                        shutil.copy(os.path.join(workdir, "schedule.ini"),
                                                    os.path.join(keep, "case-%d.ini" % k))
                                shown += 1
                                if shown > 20:  # enough to read; the rest only by name
                                        diag = diag[:1] + [d for d in diag if d.startswith(
                                                ("first", "  expected", "  got", "exit"))][:5]
                        tap.ok(good, "nudge: %s, %d series, %d lines" % (
                                c.name, len(c.series), len(exp)), diag)
        finally:
                shutil.rmtree(workdir, ignore_errors=True)
        print("# %.1f s against nudge" % (time.monotonic() - t0))
        print("# exercised: " + ", ".join("%s %d" % kv for kv in sorted(COVERAGE.items())))
        print("1..%d" % tap.n)
        return 1 if tap.failed else 0


if __name__ == "__main__":
        sys.exit(main())
