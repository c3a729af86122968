#!/bin/bash
# SPDX-License-Identifier: MIT
# The sandbox of units/nudged.service.in, by its effect, not its score alone:
#   - on the running nudged (its /proc entry): the file system read-only but for the state
#     and notes folders (from its mountinfo), a /tmp and /var/tmp of its own, a /dev of
#     pseudo-devices only, no capabilities at all (bounding set empty), no new privileges,
#     a seccomp filter, its own user namespace mapping only the person's uid, and no socket
#     but AF_UNIX ones;
#   - on a probe run with exactly the unit's sandbox lines (systemd-run --user, the lines
#     read from the unit file): no AF_INET, AF_INET6 or netlink socket can be made, the
#     system calls outside @system-service and those of ~@privileged @resources fail with
#     EPERM, no namespaces, no writable-executable memory, home and /etc read-only;
#   - systemd-analyze security --user rates it 2.0 or better.
# Removing any of the unit's sandbox lines makes one of these fail.
set -uo pipefail
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib/desktop.sh"
. "$top_srcdir/tests/lib/daemon.sh"

tap_plan 19
desktop_start
desktop_setenv TZ=UTC
desktop_start_notifications
daemon_install_unit
daemon_schedule "[therapy]
title = Therapy
weekly = Tue 14:00
"
systemctl --user start "$DAEMON_UNIT" || desktop_bail "nudged did not start: $(daemon_log | tail -n 5)"
daemon_pid
pid=$DAEMON_PID
state_dir=$XDG_STATE_HOME/nudge
data_dir=$XDG_DATA_HOME/nudge

# ---- the running nudged ----------------------------------------------------------------
# Mount points (octal escapes of mountinfo decoded) with their per-mount flags.
mounts=$("$PYTHON" - "/proc/$pid/mountinfo" <<'PY'
import re, sys
for line in open(sys.argv[1]):
    f = line.split()
    unesc = lambda s: re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), s)
    sep = f.index("-")
    print(unesc(f[4]), "ro" if "ro" in f[5].split(",") else "rw", f[sep + 1], unesc(f[3]))
PY
)
mount_of() { # mount_of PATH: the flag of the mount that covers PATH (the longest prefix)
        awk -v p="$1" '{ m = $1; if ((p == m || index(p, m == "/" ? "/" : m "/") == 1) && length(m) >= best) { best = length(m); f = $2 } } END { print f }' <<<"$mounts"
}
tap_is "read-only: / and /etc, /usr, the home folder, the schedule's folder" \
        "$(mount_of /) $(mount_of /etc) $(mount_of /usr) $(mount_of "$HOME") $(mount_of "$XDG_CONFIG_HOME/nudge")" \
        "ro ro ro ro ro"
tap_is "writable: the state folder and the notes folder" \
        "$(mount_of "$state_dir") $(mount_of "$data_dir/notes")" "rw rw"
# Nothing else writable but the kernel's API file systems and the private /tmp.
others=$(awk -v s="$state_dir" -v d="$data_dir" '$2 == "rw" && $1 != s && $1 != d &&
        $1 != "/tmp" && $1 != "/var/tmp" && $1 != "/dev/shm" && $1 != "/dev/pts" && $1 != "/dev/mqueue" &&
        $1 != "/proc" && $1 !~ /^\/proc\// && $1 != "/sys" && $1 !~ /^\/sys\// { print $1 }' <<<"$mounts")
tap_is "no other writable mount (but /proc, /sys, /dev/shm, /dev/pts and the private /tmp)" "$others" ""
tmp_root=$(awk '$1 == "/tmp" { print $4 }' <<<"$mounts")
var_tmp_root=$(awk '$1 == "/var/tmp" { print $4 }' <<<"$mounts")
# (The root column is the path within its file system: on a machine whose / is itself a
# folder of a larger file system, a container's, it carries that folder in front.)
if [[ $tmp_root == */tmp/systemd-private-*-nudged.service-*/tmp &&
      $var_tmp_root == */var/tmp/systemd-private-*-nudged.service-*/tmp ]]; then
        tap_ok "/tmp and /var/tmp are its own"
else
        tap_not_ok "/tmp and /var/tmp are its own" "/tmp from: ${tmp_root:-none of its own}" "/var/tmp from: ${var_tmp_root:-none of its own}"
fi
devs=$(find "/proc/$pid/root/dev" -maxdepth 1 \( -type c -o -type b \) -printf '%f\n' | sort | tr '\n' ' ')
bad=$(find "/proc/$pid/root/dev" -maxdepth 1 \( -type c -o -type b \) -printf '%f\n' |
        grep -vxE 'null|zero|full|random|urandom|tty|ptmx')
if [ "$(awk '$1 == "/dev" { print $3 }' <<<"$mounts")" = tmpfs ] && [ -z "$bad" ] &&
        [ -c "/proc/$pid/root/dev/null" ]; then
        tap_ok "/dev: pseudo-devices only ($devs)"
else
        tap_not_ok "/dev: pseudo-devices only" "devices: $devs" "not pseudo: $bad"
fi

status=/proc/$pid/status
caps=$(awk '/^Cap(Inh|Prm|Eff|Bnd|Amb):/ { printf "%s%s ", $1, $2 }' "$status")
tap_is "no capabilities, and none it could gain (bounding set empty)" "$caps" \
        "CapInh:0000000000000000 CapPrm:0000000000000000 CapEff:0000000000000000 CapBnd:0000000000000000 CapAmb:0000000000000000 "
tap_is "no new privileges, a seccomp filter" \
        "$(awk '/^(NoNewPrivs|Seccomp):/ { printf "%s%s ", $1, $2 }' "$status")" "NoNewPrivs:1 Seccomp:2 "
# The person's own service: the manager's uid (in CI that is root's: then what keeps it
# from acting as root is the empty capability sets above and the user namespace below).
tap_is "it runs as the person (the manager's uid), not another user" \
        "$(awk '/^Uid:/ { print $2, $3, $4, $5 }' "$status")" "$(id -u) $(id -u) $(id -u) $(id -u)"
if [ "$(readlink "/proc/$pid/ns/user")" != "$(readlink "/proc/$DESKTOP_MANAGER_PID/ns/user")" ] &&
        [ "$(awk 'NF { n++; m = $1 " " $2 " " $3 } END { print n, m }' "/proc/$pid/uid_map")" = "1 $(id -u) $(id -u) 1" ]; then
        tap_ok "its own user namespace, mapping only the person's uid"
else
        tap_not_ok "its own user namespace, mapping only the person's uid" "uid_map: $(cat "/proc/$pid/uid_map")"
fi
if [ ! -u "$top_builddir/nudged" ] && [ ! -g "$top_builddir/nudged" ]; then
        tap_ok "nudged is not set-uid or set-gid"
else
        tap_not_ok "nudged is not set-uid or set-gid" "$(ls -l "$top_builddir/nudged")"
fi
# Its open sockets: each one's inode is a unix socket's (/proc/net/unix of its namespace).
socks=$(find "/proc/$pid/fd" -lname 'socket:*' -printf '%l\n' | sed 's/socket:\[\(.*\)\]/\1/')
unix=$(awk 'NR > 1 { print $7 }' "/proc/$pid/net/unix")
notunix=
for s in $socks; do
        grep -qx "$s" <<<"$unix" || notunix="$notunix $s"
done
if [ -n "$socks" ] && [ -z "$notunix" ]; then
        tap_ok "its open sockets are all AF_UNIX ($(wc -w <<<"$socks"): the session bus)"
else
        tap_not_ok "its open sockets are all AF_UNIX" "sockets: $socks" "not unix: $notunix" \
                "$(grep -F -e "$notunix" "/proc/$pid/net/"{tcp,tcp6,udp,udp6,raw,netlink} 2>/dev/null)"
fi

# ---- a probe with the unit's sandbox lines ---------------------------------------------
# Every line after the unit's "---- Sandbox" comment, up to [Install], but ExecStartPre.
mapfile -t props < <(sed -n '/^# ---- Sandbox/,/^\[Install\]/p' "$DAEMON_UNIT_FILE" |
        grep -E '^[A-Za-z]+=' | grep -v '^ExecStartPre=' | sed "s|%h|$HOME|g")
args=()
for p in "${props[@]}"; do args+=(-p "$p"); done
tap_diag "probe properties: ${props[*]}"
probe=$DESKTOP_DIR/probe.py
cat >"$probe" <<'PY'
import ctypes, errno, mmap, os, socket, sys
libc = ctypes.CDLL(None, use_errno=True)
home, state = sys.argv[1], sys.argv[2]

def res(f):
    try:
        f()
        return "ok"
    except OSError as e:
        return errno.errorcode.get(e.errno, str(e.errno))

def sock(fam, typ=socket.SOCK_STREAM, proto=0):
    return lambda: socket.socket(fam, typ, proto).close()

def sysc(nr, *a):
    def f():
        if libc.syscall(nr, *a) < 0:
            e = ctypes.get_errno()
            raise OSError(e, os.strerror(e))
    return f

def write(path):
    def f():
        with open(path, "w") as fh:
            fh.write("x")
        os.unlink(path)
    return f

print("inet", res(sock(socket.AF_INET)))
print("inet6", res(sock(socket.AF_INET6)))
print("netlink", res(sock(socket.AF_NETLINK, socket.SOCK_RAW, 0)))
print("unix", res(sock(socket.AF_UNIX)))
# ptrace(PTRACE_TRACEME) is allowed to anyone, but not in @system-service.
print("ptrace", res(sysc(101, 0, 0, 0, 0)))
# Raising one's own nice value is allowed to anyone; setpriority is in @resources.
print("nice", res(lambda: os.nice(1)))
# unshare(CLONE_NEWUSER)
print("userns", res(sysc(272, 0x10000000)))
print("wx-memory", res(lambda: mmap.mmap(-1, 4096, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)))
print("write-home", res(write(home + "/probe")))
print("write-etc", res(write("/etc/nudge-probe")))
print("write-state", res(write(state + "/probe")))
PY
out=$(systemd-run --user --quiet --wait --pipe "${args[@]}" -- "$PYTHON" "$probe" "$HOME" "$state_dir" 2>&1)
tap_diag "probe: $(tr '\n' ' ' <<<"$out")"
probe_is() { # probe_is NAME KEY WANT
        tap_is "$1" "$(awk -v k="$2" '$1 == k { print $2 }' <<<"$out")" "$3"
}
probe_is "the unit's lines: no AF_INET socket can be made" inet EAFNOSUPPORT
tap_is "no AF_INET6 nor netlink socket either, AF_UNIX works" \
        "$(awk '$1 ~ /^(inet6|netlink|unix)$/ { printf "%s=%s ", $1, $2 }' <<<"$out")" \
        "inet6=EAFNOSUPPORT netlink=EAFNOSUPPORT unix=ok "
probe_is "system calls outside @system-service fail with EPERM (ptrace)" ptrace EPERM
probe_is "~@privileged @resources: setpriority fails with EPERM" nice EPERM
probe_is "no new namespaces" userns EPERM
probe_is "no writable and executable memory" wx-memory EPERM
tap_is "home and /etc read-only, the state folder writable" \
        "$(awk '$1 ~ /^write-/ { printf "%s=%s ", $1, $2 }' <<<"$out")" \
        "write-home=EROFS write-etc=EROFS write-state=ok "

# ---- the score ------------------------------------------------------------------------
sec=$(systemd-analyze security --user "$DAEMON_UNIT" 2>&1)
score=$(sed -n 's/.*Overall exposure level for .*: \([0-9.]*\) .*/\1/p' <<<"$sec")
if [ -n "$score" ] && awk -v s="$score" 'BEGIN { exit !(s <= 2.0) }'; then
        tap_ok "systemd-analyze security --user: $score (2.0 or better)"
else
        tap_not_ok "systemd-analyze security --user: 2.0 or better" "$(tail -n 3 <<<"$sec")"
fi
