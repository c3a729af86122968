#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The measurements behind bench/run: nudge and nudged beside remind and calcurse, in one run
on one machine, printed as one table. Called by bench/run, which finds the binaries and
builds the floor program: bench.py BUILD_DIR WORK_DIR FLOOR_BINARY

Environment: BENCH_RUNS (timed runs per command, default 21), BENCH_IDLE_SECONDS (default
60), BENCH_CALLGRIND=0 to skip the instruction counts, BENCH_PARTS (default "1234567"),
BENCH_PAIR_RUNS (runs of the Tuesday pair, part 5, default 10)."""
import datetime
import json
import os
import select
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time

BENCH = os.path.dirname(os.path.abspath(__file__))
BUILD, WORK, FLOOR = (os.path.abspath(a) for a in sys.argv[1:4])
NUDGE, NUDGED = os.path.join(BUILD, "nudge"), os.path.join(BUILD, "nudged")
RUNS = int(os.environ.get("BENCH_RUNS", "21"))
IDLE_SECONDS = float(os.environ.get("BENCH_IDLE_SECONDS", "60"))
SETTLE_SECONDS = 30
CALLGRIND = os.environ.get("BENCH_CALLGRIND", "1") != "0"
PARTS = os.environ.get("BENCH_PARTS", "1234567")
# The window every lister covers: remind -s12 lists whole months, so all three list the
# 365 days from 1 November 2026 (Europe/Berlin, where all sessions are).
FROM_RFC3339, FROM_REMIND, FROM_CALCURSE = "2026-11-01T00:00:00+01:00", "2026-11-01", "11/01/2026"

rows = []  # (measure, nudge, remind, calcurse, ratio, target)
children = []
detached = []  # pids of daemons that fork away (calcurse --daemon)


def log(msg):
    print("bench: " + msg, file=sys.stderr, flush=True)


def private_env(home, **extra):
    """An environment that keeps every program away from the real user's files and bus."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("DBUS_", "XDG_", "NOTIFY_", "WATCHDOG_", "LISTEN_", "NUDGE"))
           and k not in ("TZ", "TZDIR", "HOME", "DISPLAY", "WAYLAND_DISPLAY")}
    os.makedirs(home, exist_ok=True)
    env.update(HOME=home, XDG_CONFIG_HOME=home + "/.config", XDG_STATE_HOME=home + "/.local/state",
               XDG_DATA_HOME=home + "/.local/share", XDG_CACHE_HOME=home + "/.cache",
               TZ="Europe/Berlin", LC_ALL="C.UTF-8")
    env.update(extra)
    return env


def spawn(argv, env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw):
    p = subprocess.Popen(argv, env=env, stdout=stdout, stderr=stderr, stdin=subprocess.DEVNULL,
                         **kw)
    children.append(p)
    return p


def stop(p):
    if p.poll() is None:
        p.send_signal(signal.SIGTERM)
        try:
            p.wait(5)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def timed_run(argv, env, devnull):
    """Wall and CPU (user + system) seconds of one run, stdout to /dev/null. posix_spawn
    and wait4 keep the harness's own cost small and the same for every program."""
    t0 = time.perf_counter()
    pid = os.posix_spawn(argv[0], argv, env,
                         file_actions=[(os.POSIX_SPAWN_DUP2, devnull, 1),
                                       (os.POSIX_SPAWN_DUP2, devnull, 2)])
    _, status, ru = os.wait4(pid, 0)
    wall = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit("bench: %s failed with status %d" % (" ".join(argv), status))
    return wall, ru.ru_utime + ru.ru_stime


def interleaved(cmds, env, runs, warmup=2, before=None):
    """Median wall and CPU time per command. The commands take turns, run by run, so a
    change in the machine's load (other jobs share it) falls on all of them alike.
    before(), when given, runs ahead of each command, untimed."""
    wall = {k: [] for k in cmds}
    cpu = {k: [] for k in cmds}
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        for i in range(warmup + runs):
            for name, argv in cmds.items():
                if before:
                    before()
                w, c = timed_run(argv, env, devnull)
                if i >= warmup:
                    wall[name].append(w)
                    cpu[name].append(c)
    finally:
        os.close(devnull)
    return ({k: statistics.median(v) for k, v in wall.items()},
            {k: statistics.median(v) for k, v in cpu.items()},
            {k: min(v) for k, v in wall.items()})


def instructions(argv, env):
    """Instructions executed (callgrind's Ir total): a figure the machine's load cannot move."""
    out = os.path.join(WORK, "callgrind.out")
    subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=" + out] + argv,
                   env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    with open(out) as f:
        for line in f:
            if line.startswith(("totals:", "summary:")):
                return int(line.split()[1])
    raise RuntimeError("no totals in callgrind output")


def count_lines(argv, env, only=None):
    out = subprocess.run(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                         check=True).stdout
    return sum(1 for l in out.splitlines() if only is None or l == only)


def ms(s):
    return "%.1f ms" % (s * 1000)


def met(ok):
    return "met" if ok else "MISSED"


# ---- 1. listing a year of 1,000 weekly series --------------------------------------------

def part_list():
    peers = os.path.join(WORK, "peers")
    subprocess.run([sys.executable, os.path.join(BENCH, "gen-peers.py"), "1000", peers],
                   check=True)
    big, rem, cal = (os.path.join(peers, f) for f in ("big.ini", "peers.rem", "calcurse"))
    env = private_env(os.path.join(WORK, "home-list"))
    cmds = {
        "nudge": [NUDGE, "list", "--days", "365", "--json", "--config", big,
                  "--from", FROM_RFC3339],
        "remind": [shutil.which("remind"), "-s12", rem, FROM_REMIND],
        "calcurse": [shutil.which("calcurse"), "-D", cal, "-s" + FROM_CALCURSE, "-r365"],
        "check": [NUDGE, "check", "--config", big],
    }
    # Equivalent files list the same sessions: count them, one line per session each.
    counts = {
        "nudge": count_lines(cmds["nudge"], env),
        "remind": count_lines(cmds["remind"], env),
        "calcurse": count_lines(cmds["calcurse"][:3] + [
            "-Q", "--from", FROM_CALCURSE, "--days", "365", "--filter-type", "recur-apt",
            "--format-recur-apt", "x\n"], env, only=b"x"),  # not the day headings
    }
    log("sessions listed: %s" % counts)
    if len(set(counts.values())) != 1:
        sys.exit("bench: the three listers disagree on the sessions: %s" % counts)
    log("timing %d interleaved runs of each lister (plus 2 warm-up)" % RUNS)
    wall, cpu, best = interleaved(cmds, env, RUNS)
    faster = min(("remind", "calcurse"), key=lambda k: wall[k])
    label = "list 1 year, 1,000 weekly series (%d sessions), median wall" % counts["nudge"]
    rows.append((label, ms(wall["nudge"]), ms(wall["remind"]), ms(wall["calcurse"]),
                 "%.1fx vs %s" % (wall[faster] / wall["nudge"], faster),
                 ">= 10x, < 50 ms: %s, %s" % (met(wall[faster] / wall["nudge"] >= 10),
                                              met(wall["nudge"] < 0.050))))
    fc = min(("remind", "calcurse"), key=lambda k: cpu[k])
    rows.append(("  same, median CPU (user+sys)", ms(cpu["nudge"]), ms(cpu["remind"]),
                 ms(cpu["calcurse"]), "%.1fx vs %s" % (cpu[fc] / cpu["nudge"], fc), ""))
    rows.append(("  same, fastest run (wall)", ms(best["nudge"]), ms(best["remind"]),
                 ms(best["calcurse"]), "", ""))
    if CALLGRIND:
        log("counting instructions with callgrind (slow for the peers)")
        ir = {k: instructions(cmds[k], env) for k in ("nudge", "remind", "calcurse", "check")}
        fi = min(("remind", "calcurse"), key=lambda k: ir[k])
        rows.append(("  same, instructions (callgrind Ir)", "%.1f M" % (ir["nudge"] / 1e6),
                     "%.1f M" % (ir["remind"] / 1e6), "%.1f M" % (ir["calcurse"] / 1e6),
                     "%.1fx vs %s" % (ir[fi] / ir["nudge"], fi), "load-independent"))
    rows.append(("nudge check, same file, median wall", ms(wall["check"]), "-", "-", "",
                 "< 20 ms: %s" % met(wall["check"] < 0.020)))
    if CALLGRIND:
        rows.append(("  same, instructions (callgrind Ir)", "%.1f M" % (ir["check"] / 1e6),
                     "-", "-", "", ""))


def part_list_tuesday():
    """The same year, as the plainest case: 1,000 series of `weekly = Tue 14:00` with
    `remind = 1d, 1h` in UTC (52,000 sessions) beside `REM Tue AT 14:00` lines."""
    d = os.path.join(WORK, "tuesday")
    subprocess.run([sys.executable, os.path.join(BENCH, "gen-tuesday.py"), "1000", d],
                   check=True)
    env = private_env(os.path.join(WORK, "home-tuesday"), TZ="UTC")
    cmds = {
        "nudge": [NUDGE, "list", "--days", "365", "--json", "--config",
                  os.path.join(d, "tuesday.ini"), "--from", "2026-11-01T00:00:00Z"],
        "remind": [shutil.which("remind"), "-s12", os.path.join(d, "tuesday.rem"), "2026-11-01"],
    }
    counts = {k: count_lines(argv, env) for k, argv in cmds.items()}
    if len(set(counts.values())) != 1:
        sys.exit("bench: nudge and remind disagree on the Tuesday sessions: %s" % counts)
    runs = int(os.environ.get("BENCH_PAIR_RUNS", "10"))
    log("timing %d interleaved runs of nudge list and remind -s12, %d Tuesday sessions"
        % (runs, counts["nudge"]))
    wall, cpu, best = interleaved(cmds, env, runs)
    ratio = wall["remind"] / wall["nudge"]
    print("bench: Tuesday pair, median of %d: nudge %s, remind %s, ratio %.1fx"
          % (runs, ms(wall["nudge"]), ms(wall["remind"]), ratio), file=sys.stderr, flush=True)
    rows.append(("list 1 year, 1,000 x weekly Tue 14:00 UTC (%d sessions), median of %d wall"
                 % (counts["nudge"], runs), ms(wall["nudge"]), ms(wall["remind"]), "-",
                 "%.1fx vs remind" % ratio, ">= 10x: %s" % met(ratio >= 10)))
    rows.append(("  same, median CPU (user+sys)", ms(cpu["nudge"]), ms(cpu["remind"]), "-",
                 "%.1fx" % (cpu["remind"] / cpu["nudge"]), ""))


# ---- 7. a large calendar -------------------------------------------------------------------

def part_calendar():
    """1,000 recurring events and 500 changed instances over ten years, read from an .ics
    file: nudge list of a year of it, and nudged's start with its saved copy."""
    d = os.path.join(WORK, "calendar")
    subprocess.run([sys.executable, os.path.join(BENCH, "gen-calendar.py"), d], check=True)
    ini = os.path.join(d, "calendar.ini")
    home = os.path.join(WORK, "home-calendar")
    runtime = os.path.join(home, "run")
    os.makedirs(runtime, mode=0o700, exist_ok=True)
    # No socket unit here: nudge starts the reader from this build itself.
    env = private_env(home, TZ="UTC", XDG_RUNTIME_DIR=runtime,
                      NUDGE_CALENDAR=os.path.join(BUILD, "nudge-calendar"))
    listing = [NUDGE, "list", "--days", "365", "--json", "--config", ini,
               "--from", "2026-12-01T00:00:00Z"]
    n = count_lines(listing, env)
    if n < 10000:
        sys.exit("bench: nudge list found only %d sessions in the calendar" % n)
    runs = int(os.environ.get("BENCH_PAIR_RUNS", "10"))
    # The command keeps what it read as nudged's copy; removed before each run, each run
    # reads the file afresh, as the first list after the file changed does.
    copy = os.path.join(home, ".local", "state", "nudge", "calendar-practice.list")

    def forget():
        if os.path.exists(copy):
            os.unlink(copy)
    log("timing %d runs of nudge list on a calendar of 1,000 events (%d sessions in a year)"
        % (runs, n))
    wall, cpu, best = interleaved({"nudge": listing}, env, runs, before=forget)
    rows.append(("list 1 year of a 1,000-event calendar (%d sessions), read afresh, median of %d"
                 % (n, runs), ms(wall["nudge"]), "-", "-", "fastest %s" % ms(best["nudge"]),
                 "first list after a change"))
    log("timing %d runs of the same list, the file unchanged since the first" % runs)
    forget()
    wall, cpu, best = interleaved({"nudge": listing}, env, runs)
    rows.append(("  same, the file unchanged since the first list (its copy kept), median of %d"
                 % runs, ms(wall["nudge"]), "-", "-", "fastest %s" % ms(best["nudge"]),
                 "< 100 ms: %s" % met(wall["nudge"] < 0.100)))
    forget()
    ready_with_saved_copy(ini, home, env)
    # As a person runs it: nudged runs and has saved the calendar's sessions, which the
    # command uses while the file has not changed since.
    log("timing %d runs of the same list with nudged's saved copy" % runs)
    wall, cpu, best = interleaved({"nudge": listing}, env, runs)
    rows.append(("  same, with nudged's saved copy (the file unchanged), median of %d" % runs,
                 ms(wall["nudge"]), "-", "-", "fastest %s" % ms(best["nudge"]),
                 "< 100 ms: %s" % met(wall["nudge"] < 0.100)))


def ready_with_saved_copy(ini, home, env):
    bus_proc, bus = start_bus(env)
    state = os.path.join(home, ".local", "state", "nudge")
    path = os.path.join(WORK, "notify-calendar.sock")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    sock.settimeout(30)
    env = dict(env, DBUS_SESSION_BUS_ADDRESS=bus, NOTIFY_SOCKET=path)
    argv = [NUDGED, "--config", ini]
    devnull = os.open(os.devnull, os.O_WRONLY)
    times = []
    try:
        # The first start reads the calendar and saves its sessions; the others start
        # from that copy, as nudged does at every login.
        for i in range(1 + 2 + 20):
            t0 = time.perf_counter()
            pid = os.posix_spawn(argv[0], argv, env,
                                 file_actions=[(os.POSIX_SPAWN_DUP2, devnull, 1),
                                               (os.POSIX_SPAWN_DUP2, devnull, 2)])
            while b"READY=1" not in sock.recv(4096).split(b"\n"):
                pass
            t1 = time.perf_counter()
            if i == 0:
                deadline = time.time() + 60
                while not any(f.startswith("calendar") for f in os.listdir(state)):
                    if time.time() > deadline:
                        sys.exit("bench: nudged saved no copy of the calendar in 60 s")
                    time.sleep(0.1)
                time.sleep(0.5)
            os.kill(pid, signal.SIGTERM)
            os.waitpid(pid, 0)
            if i >= 3:
                times.append(t1 - t0)
    finally:
        os.close(devnull)
        sock.close()
        stop(bus_proc)
    med = statistics.median(times)
    rows.append(("exec to READY=1 with that calendar saved, median of 20", ms(med), "-", "-",
                 "max %s" % ms(max(times)), "< 50 ms: %s" % met(med < 0.050)))


# ---- 2. idle wakeups and resident memory ---------------------------------------------------

def switches(pid):
    """{thread id: context switches} of every thread of the process. Each switch is a
    wakeup, or a preemption while awake, which an idle process does not have."""
    out = {}
    for tid in os.listdir("/proc/%d/task" % pid):
        try:
            with open("/proc/%d/task/%s/status" % (pid, tid)) as f:
                out[tid] = sum(int(line.split()[1]) for line in f
                               if line.startswith(("voluntary_ctxt_switches:",
                                                   "nonvoluntary_ctxt_switches:")))
        except FileNotFoundError:
            pass
    return out


def wakeups(before, after):
    """Switches between two samples; a thread that ended in between woke at least to end,
    a new thread counts all its switches."""
    return (sum(n - before.get(tid, 0) for tid, n in after.items())
            + sum(1 for tid in before if tid not in after))


def status_field(pid, name):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(name + ":"):
                return line.split()[1]
    return None


def start_bus(env):
    """A private session bus, so nothing reaches the real user's."""
    p = spawn(["dbus-daemon", "--session", "--nofork", "--print-address=1"], env,
              stdout=subprocess.PIPE)
    address = p.stdout.readline().decode().strip()
    if not address:
        sys.exit("bench: dbus-daemon gave no address")
    return p, address


def part_idle(bus):
    home = os.path.join(WORK, "home-idle")
    env = private_env(home, TZ="UTC", DBUS_SESSION_BUS_ADDRESS=bus)
    # The one session is two days ahead: its reminder (1 h before) is more than a day away.
    day = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=2)).date()
    confdir = os.path.join(home, ".config", "nudge")
    os.makedirs(confdir, exist_ok=True)
    ini = os.path.join(confdir, "schedule.ini")
    with open(ini, "w") as f:
        f.write("[s]\ntitle = Idle session\nonce = %s 12:00\ntimezone = UTC\nremind = 1h\n" % day)
    rem = os.path.join(WORK, "idle.rem")
    with open(rem, "w") as f:
        f.write("REM %s AT 12:00 +60 MSG Idle session\n" % day)
    cal = os.path.join(WORK, "calcurse-idle")
    os.makedirs(cal, exist_ok=True)
    with open(os.path.join(cal, "apts"), "w") as f:
        f.write("%s @ 12:00 -> %s @ 12:50 |Idle session\n"
                % (day.strftime("%m/%d/%Y"), day.strftime("%m/%d/%Y")))
    for name in ("todo", "conf"):
        open(os.path.join(cal, name), "a").close()

    procs = {
        "nudge": spawn([NUDGED, "--foreground", "--config", ini], env),
        "remind": spawn([shutil.which("remind"), "-z1", rem], env),
        "floor": spawn([FLOOR], env),
        "floor-bus": spawn([FLOOR, "--bus"], env),
    }
    pids = {k: p.pid for k, p in procs.items()}
    subprocess.run([shutil.which("calcurse"), "-D", cal, "--daemon"], env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(50):  # the daemon forks and then writes its pid
        try:
            with open(os.path.join(cal, ".daemon.pid")) as f:
                pids["calcurse"] = int(f.read().strip())
            detached.append(pids["calcurse"])
            break
        except (FileNotFoundError, ValueError):
            time.sleep(0.1)
    else:
        sys.exit("bench: calcurse --daemon wrote no pid")
    try:
        # Start-up is not idleness: GLib's shared thread pool ends the worker that served
        # start-up (nudged's first contact with the notification server) 15 s after its
        # last task, later on a loaded machine: count from 30 s on.
        time.sleep(SETTLE_SECONDS)
        for k, p in procs.items():
            if p.poll() is not None:
                sys.exit("bench: %s exited early (status %s)" % (k, p.returncode))
        log("counting wakeups for %g s" % IDLE_SECONDS)
        before = {k: switches(pid) for k, pid in pids.items()}
        time.sleep(IDLE_SECONDS)
        after = {k: switches(pid) for k, pid in pids.items()}
        rss = {k: int(status_field(pid, "VmRSS")) for k, pid in pids.items()}
        anon = {k: int(status_field(pid, "RssAnon")) for k, pid in pids.items()}
        threads = {k: status_field(pid, "Threads") for k, pid in pids.items()}
    finally:
        for p in procs.values():
            stop(p)
    per_min = {k: wakeups(before[k], after[k]) * 60.0 / IDLE_SECONDS for k in pids}
    rows.append(("idle wakeups per minute (all threads, %g s after %d s)"
                 % (IDLE_SECONDS, SETTLE_SECONDS),
                 "%.1f" % per_min["nudge"], "%.1f" % per_min["remind"],
                 "%.1f" % per_min["calcurse"], "", "0: %s" % met(per_min["nudge"] == 0)))
    over = rss["nudge"] - rss["floor"]
    rows.append(("idle VmRSS (threads: %s/%s/%s)" % (threads["nudge"], threads["remind"],
                                                     threads["calcurse"]),
                 "%.2f MiB" % (rss["nudge"] / 1024), "%.2f MiB" % (rss["remind"] / 1024),
                 "%.2f MiB" % (rss["calcurse"] / 1024), "", ""))
    rows.append(("  nudged minus floor (notify_init + main loop: %.2f MiB)" % (rss["floor"] / 1024),
                 "%+.2f MiB" % (over / 1024), "-", "-", "",
                 "< 1 MiB: %s" % met(over < 1024)))
    rows.append(("  nudged minus floor with a bus connection (%.2f MiB)"
                 % (rss["floor-bus"] / 1024),
                 "%+.2f MiB" % ((rss["nudge"] - rss["floor-bus"]) / 1024), "-", "-", "", ""))
    # The rest is mostly pages of shared libraries (libsystemd and what it links), which
    # other processes map too; anonymous memory is what the process has to itself.
    rows.append(("  private (RssAnon): nudged, and minus the floor with a bus",
                 "%.2f MiB, %+.2f" % (anon["nudge"] / 1024, (anon["nudge"] - anon["floor-bus"]) / 1024),
                 "%.2f MiB" % (anon["remind"] / 1024), "%.2f MiB" % (anon["calcurse"] / 1024),
                 "", ""))


# ---- 3. exec to READY=1 ----------------------------------------------------------------------

def part_ready(bus):
    big = os.path.join(WORK, "peers", "big.ini")
    if not os.path.exists(big):
        subprocess.run([sys.executable, os.path.join(BENCH, "gen-peers.py"), "1000",
                        os.path.join(WORK, "peers")], check=True)
    path = os.path.join(WORK, "notify.sock")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    sock.settimeout(10)
    env = private_env(os.path.join(WORK, "home-ready"), TZ="UTC",
                      DBUS_SESSION_BUS_ADDRESS=bus, NOTIFY_SOCKET=path)
    argv = [NUDGED, "--config", big]
    devnull = os.open(os.devnull, os.O_WRONLY)
    times = []
    try:
        for i in range(2 + 20):
            t0 = time.perf_counter()
            pid = os.posix_spawn(argv[0], argv, env,
                                 file_actions=[(os.POSIX_SPAWN_DUP2, devnull, 1),
                                               (os.POSIX_SPAWN_DUP2, devnull, 2)])
            while True:
                msg = sock.recv(4096)
                if b"READY=1" in msg.split(b"\n"):
                    break
            t1 = time.perf_counter()
            os.kill(pid, signal.SIGTERM)
            os.waitpid(pid, 0)
            if i >= 2:
                times.append(t1 - t0)
    finally:
        os.close(devnull)
        sock.close()
    med = statistics.median(times)
    rows.append(("exec to READY=1, 1,000 series, median of 20", ms(med), "-", "-",
                 "max %s" % ms(max(times)), "< 20 ms: %s" % met(med < 0.020)))


# ---- 4. reminder lateness --------------------------------------------------------------------

def part_lateness():
    """nudged's schedule has minute resolution, so 20 firings at whole minutes would take
    20 minutes. Instead each of 20 sessions is in its own private time zone (compiled with
    zic, found through TZDIR), 3 s further west than the last: their reminders, each 1 min
    before a whole local minute, fall 3 s apart on the real clock. Two nudged run at once:
    one with --dry-run (the reminder is a line on stdout) and one for real, whose
    notifications go through libnotify and a private session bus to a stand-in server that
    notes when each arrives; its zones are 1 s further west, so the two never fire together.
    remind -z1 fires on the first and the second whole minute of the same window."""
    zi = os.path.join(WORK, "zoneinfo")
    src = os.path.join(WORK, "zones.txt")
    with open(src, "w") as f:
        for i in range(20):
            f.write("Zone Bench/L%02d -0:00:%02d - L%02d\n" % (i, 3 * i, i))
            f.write("Zone Bench/R%02d -0:00:%02d - R%02d\n" % (i, 3 * i + 1, i))
    subprocess.run([shutil.which("zic") or "/usr/sbin/zic", "-d", zi, src], check=True)
    shutil.copy("/usr/share/zoneinfo/UTC", os.path.join(zi, "UTC"))

    # The real nudged's bus and notification server come up first: that takes a while.
    home = os.path.join(WORK, "home-late")
    bus_proc, bus = start_bus(private_env(os.path.join(WORK, "home-bus-late")))
    server_log, server_ready = os.path.join(WORK, "notify.log"), os.path.join(WORK, "server.ok")
    spawn([sys.executable, os.path.join(BENCH, "..", "tests", "lib", "fake-server.py"),
           server_log, server_ready], private_env(home, DBUS_SESSION_BUS_ADDRESS=bus))
    for _ in range(100):
        if os.path.exists(server_ready):
            break
        time.sleep(0.1)
    else:
        sys.exit("bench: the stand-in notification server did not start")

    now = time.time()
    m = (int(now) // 60 + 1) * 60
    if m - now < 15:  # leave time for all to start and plan
        m += 60
    wall = datetime.datetime.fromtimestamp(m + 60, datetime.timezone.utc).strftime("%Y-%m-%d %H:%M")
    planned, delivered = {}, {}
    for prefix, zone, shift, title, plan in (("l", "L", 0, "Lateness", planned),
                                             ("r", "R", 1, "Delivery", delivered)):
        with open(os.path.join(WORK, "late-%s.ini" % prefix), "w") as f:
            for i in range(20):
                f.write("[%s%02d]\ntitle = %s %d\nonce = %s\ntimezone = Bench/%s%02d\n"
                        "remind = 1m\n\n" % (prefix, i, title, i, wall, zone, i))
                # local M+1 min at UTC-(3i+shift) s, minus the 1 min lead
                plan["%s %d" % (title, i) if prefix == "r" else "l%02d" % i] = m + 3 * i + shift
    rem = os.path.join(WORK, "late.rem")
    with open(rem, "w") as f:
        for k in range(2):
            t = datetime.datetime.fromtimestamp(m + 60 * k, datetime.timezone.utc)
            f.write("REM %s AT %s MSG remind-%d\n" % (t.strftime("%Y-%m-%d"),
                                                      t.strftime("%H:%M"), k))
    remind_planned = {"remind-%d" % k: m + 60 * k for k in range(2)}

    env = private_env(home, TZ="UTC", TZDIR=zi)
    nd = spawn([NUDGED, "--foreground", "--dry-run", "--config",
                os.path.join(WORK, "late-l.ini")], env, stdout=subprocess.PIPE)
    real = spawn([NUDGED, "--foreground", "--config", os.path.join(WORK, "late-r.ini")],
                 dict(env, DBUS_SESSION_BUS_ADDRESS=bus))
    rm = spawn([shutil.which("remind"), "-z1", rem], env, stdout=subprocess.PIPE)
    late_n, late_r = {}, {}
    bufs = {nd.stdout.fileno(): b"", rm.stdout.fileno(): b""}
    end = m + 60 + 3
    log("measuring lateness until %s UTC (about %d s)"
        % (datetime.datetime.fromtimestamp(end, datetime.timezone.utc).strftime("%H:%M:%S"),
           end - now))
    try:
        while time.time() < end and (len(late_n) < 20 or len(late_r) < 2):
            ready, _, _ = select.select(list(bufs), [], [], 0.5)
            for fd in ready:
                data = os.read(fd, 65536)
                t = time.time()  # CLOCK_REALTIME, the clock the timers are set on
                if not data:
                    bufs.pop(fd)
                    continue
                bufs[fd] += data
                *lines, bufs[fd] = bufs[fd].split(b"\n")
                for line in (l.decode(errors="replace") for l in lines):
                    sid = line.split(":", 1)[0]
                    if fd == nd.stdout.fileno() and sid in planned:
                        late_n.setdefault(sid, t - planned[sid])
                    elif fd == rm.stdout.fileno() and line.strip() in remind_planned:
                        late_r.setdefault(line.strip(), t - remind_planned[line.strip()])
        time.sleep(1)  # the last real notification is 1 s after the last dry-run line
    finally:
        stop(nd)
        stop(real)
        stop(rm)
        stop(bus_proc)
    late_d = {}
    if os.path.exists(server_log):
        with open(server_log) as f:
            for line in f:
                rec = json.loads(line)
                for key, at in delivered.items():
                    if rec["summary"].startswith(key + " "):
                        late_d.setdefault(key, rec["time"] - at)
    if late_n:
        log("dry-run lateness, ms: %s" % " ".join("%.1f" % (v * 1000) for v in late_n.values()))
    if late_d:
        log("delivered lateness, ms: %s" % " ".join("%.1f" % (v * 1000) for v in late_d.values()))
    mx_r = max(late_r.values()) if late_r else None
    for label, late in (("reminder lateness, --dry-run line on stdout", late_n),
                        ("reminder lateness, notification received by a server", late_d)):
        if len(late) < 20:
            rows.append((label, "%d of 20 fired" % len(late), "", "-", "",
                         "max < 20 ms: MISSED"))
            continue
        mx = max(late.values())
        rows.append(("%s, max of 20" % label, ms(mx),
                     "%s (%d)" % (ms(mx_r), len(late_r)) if late_r else "none", "-",
                     "%.0fx" % (mx_r / mx) if mx_r and mx > 0 else "",
                     "< 20 ms: %s" % met(0 <= min(late.values()) and mx < 0.020)))
        rows.append(("  same, median", ms(statistics.median(late.values())),
                     ms(statistics.median(late_r.values())) if late_r else "none", "-", "",
                     "early: %d" % sum(1 for v in late.values() if v < 0)))


def part_unit_lateness():
    """nudged as the sandboxed user unit under a private systemd --user manager: the bus
    time of each Notify call minus the reminder's instant (bench/lateness.sh)."""
    out = os.path.join(WORK, "lateness-unit.txt")
    log("lateness of the user unit, Notify calls on the bus (about 2 minutes, after any "
        "desktop test that holds the lock)")
    r = subprocess.run(["/bin/bash", os.path.join(BENCH, "lateness.sh"), out],
                       env=dict(os.environ, top_builddir=BUILD), capture_output=True, text=True)
    summary = [l for l in r.stdout.splitlines() if l.startswith("lateness:")]
    if r.returncode != 0 or not summary:
        why = [l for l in r.stdout.splitlines() if "SKIP" in l or "Bail out" in l]
        rows.append(("reminder lateness, user unit, Notify on the bus", "not measured", "", "-",
                     "", (why[0] if why else "status %d" % r.returncode)[:60]))
        return
    log(summary[0])
    late = [float(l.split()[3]) for l in open(out) if not l.startswith("#")]
    caps = [float(l.split()[4]) for l in open(out) if not l.startswith("#")]
    if len(late) < 20:
        rows.append(("reminder lateness, user unit, Notify on the bus",
                     "%d of 20 fired" % len(late), "", "-", "", "max < 5 ms: MISSED"))
        return
    rows.append(("reminder lateness, user unit, Notify on the bus, worst of 20",
                 "%.1f ms" % max(late), "", "-", "",
                 "< 5 ms: %s" % met(0 <= min(late) and max(late) < 5)))
    rows.append(("  same, median", "%.1f ms" % statistics.median(late), "", "-", "", ""))
    rows.append(("  GetCapabilities call before each Notify: worst, median",
                 "%.1f ms, %.1f ms" % (max(caps), statistics.median(caps)), "", "-", "", ""))


def table():
    head = ("measure", "nudge", "remind", "calcurse", "ratio", "target")
    widths = [max(len(r[i]) for r in rows + [head]) for i in range(6)]
    line = lambda r: "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths)) + " |"
    print(line(head))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in rows:
        print(line(r))


def main():
    started = time.time()
    bus_proc = None
    try:
        if "1" in PARTS:
            part_list()
        if "5" in PARTS:
            part_list_tuesday()
        if "6" in PARTS:
            part_unit_lateness()
        if "7" in PARTS:
            part_calendar()
        if "2" in PARTS or "3" in PARTS:
            bus_proc, bus = start_bus(private_env(os.path.join(WORK, "home-bus")))
            if "2" in PARTS:
                part_idle(bus)
            if "3" in PARTS:
                part_ready(bus)
        if "4" in PARTS:
            part_lateness()
    finally:
        for p in children:
            stop(p)
        for pid in detached:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
    version = lambda pkg: subprocess.run(["dpkg-query", "-W", "-f", "${Version}", pkg],
                                         capture_output=True, text=True).stdout or "?"
    print("%s, remind %s, calcurse %s; %s, %d CPUs, load average at the end: %s" % (
        subprocess.run([NUDGE, "--version"], capture_output=True, text=True).stdout.strip(),
        version("remind"), version("calcurse"),
        datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        os.cpu_count(), " ".join(open("/proc/loadavg").read().split()[:3])))
    table()
    log("done in %.0f s" % (time.time() - started))


if __name__ == "__main__":
    main()
