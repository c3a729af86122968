#!/bin/bash
# SPDX-License-Identifier: MIT
# End-to-end on xfce4-notifyd (on Xvfb): see tests/lib/servers.sh.
set -uo pipefail
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib/desktop.sh"
. "$top_srcdir/tests/lib/daemon.sh"
. "$top_srcdir/tests/lib/servers.sh"
servers_run xfce4-notifyd
