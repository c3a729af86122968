/* SPDX-License-Identifier: MIT */
/* The calendar reader restricts itself before it reads a calendar or touches the network,
 * whoever started it: no new privileges; no local sockets (socket(AF_UNIX) and
 * socketpair fail with EPERM: no session bus, no other desktop service), only AF_INET,
 * AF_INET6 and AF_NETLINK (the resolver); no bus address in the environment; and where
 * the kernel has Landlock, no writing anywhere but the cache folder, and no executing. */
#pragma once

/* `writable`: the one folder it may write in, or NULL for none. 0, or a negative errno
 * and *why when the seccomp filter cannot be installed (Landlock is best effort: a kernel
 * without it is no error). */
int sandbox_apply(const char *writable, char **why);
