/* SPDX-License-Identifier: MIT */
/* The calendar reader's own sandbox (sandbox.h): libseccomp for the sockets, Landlock
 * through its raw system calls for the file system. */
#include "config.h"

#include "sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <linux/landlock.h>
#include <seccomp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fileio.h"

/* Rights of Landlock ABI 2 and 3, for headers older than the kernel (Debian 12's know
 * ABI 1): a kernel that has them enforces them. */
#ifndef LANDLOCK_ACCESS_FS_REFER
#define LANDLOCK_ACCESS_FS_REFER (1ULL << 13)
#endif
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)
#endif

/* The socket families the resolver and HTTP need; every other one is refused. */
static bool family_allowed(int family)
{
        return family == AF_INET || family == AF_INET6 || family == AF_NETLINK;
}

static int apply_seccomp(char **why)
{
        scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
        if (!ctx) {
                *why = g_strdup("cannot set up the system call filter");
                return -ENOMEM;
        }
        /* Every thread, should a library have started one already. */
        int r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);
        for (int fam = 0; fam < AF_MAX && r == 0; fam++)
                if (!family_allowed(fam))
                        r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(socket), 1,
                                             SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)fam));
        /* A family number beyond those the headers know is refused too. */
        if (r == 0)
                r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(socket), 1,
                                     SCMP_A0(SCMP_CMP_GE, (scmp_datum_t)AF_MAX));
        /* A socket pair is always local. */
        if (r == 0)
                r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(socketpair), 0);
        if (r == 0)
                r = seccomp_load(ctx);
        seccomp_release(ctx);
        if (r < 0)
                *why = g_strdup_printf("cannot install the system call filter: %s",
                                       g_strerror(-r));
        return r;
}

/* The write rights Landlock knows at `abi`: all of them are taken away, but in `writable`. */
static uint64_t write_rights(int abi)
{
        uint64_t r = LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE |
                     LANDLOCK_ACCESS_FS_REMOVE_DIR | LANDLOCK_ACCESS_FS_REMOVE_FILE |
                     LANDLOCK_ACCESS_FS_MAKE_CHAR | LANDLOCK_ACCESS_FS_MAKE_DIR |
                     LANDLOCK_ACCESS_FS_MAKE_REG | LANDLOCK_ACCESS_FS_MAKE_SOCK |
                     LANDLOCK_ACCESS_FS_MAKE_FIFO | LANDLOCK_ACCESS_FS_MAKE_BLOCK |
                     LANDLOCK_ACCESS_FS_MAKE_SYM;
        if (abi >= 2)
                r |= LANDLOCK_ACCESS_FS_REFER;
        if (abi >= 3)
                r |= LANDLOCK_ACCESS_FS_TRUNCATE;
        return r;
}

/* Best effort: a kernel without Landlock (or with it disabled) leaves the file system as
 * the unit's own sandbox makes it. */
static void apply_landlock(const char *writable)
{
        int abi = (int)syscall(SYS_landlock_create_ruleset, NULL, 0,
                               LANDLOCK_CREATE_RULESET_VERSION);
        if (abi < 1)
                return;
        struct landlock_ruleset_attr attr = { .handled_access_fs = write_rights(abi) };
        _cleanup_close_ int rs = (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof attr, 0);
        if (rs < 0)
                return;
        if (writable) {
                _cleanup_close_ int dir = open(writable, O_PATH | O_DIRECTORY | O_CLOEXEC);
                struct landlock_path_beneath_attr pb = {
                        .allowed_access = attr.handled_access_fs & ~LANDLOCK_ACCESS_FS_EXECUTE,
                        .parent_fd = dir,
                };
                if (dir < 0 || syscall(SYS_landlock_add_rule, rs, LANDLOCK_RULE_PATH_BENEATH,
                                       &pb, 0) < 0)
                        g_warning("Landlock: the cache folder stays read-only: %s",
                                  g_strerror(errno));
        }
        if (syscall(SYS_landlock_restrict_self, rs, 0) < 0)
                g_warning("Landlock not applied: %s", g_strerror(errno));
}

int sandbox_apply(const char *writable, char **why)
{
        /* Whatever the environment says, there is no bus to talk to. */
        unsetenv("DBUS_SESSION_BUS_ADDRESS");
        unsetenv("DBUS_SYSTEM_BUS_ADDRESS");
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
                *why = g_strdup_printf("cannot set no_new_privs: %s", g_strerror(errno));
                return -errno;
        }
        apply_landlock(writable);
        return apply_seccomp(why);
}
