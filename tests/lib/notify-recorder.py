#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# dunst rule script: append what dunst shows as one JSON line to $NUDGE_TEST_NOTIFY_LOG.
#
# dunst runs it as `script APPNAME SUMMARY BODY ICON URGENCY` for every
# notification (see the test dunstrc written by tests/lib/desktop.sh), with
# DUNST_* variables describing the rest. One line:
#   {"server": "dunst", "time": T, "app": …, "summary": …, "body": …, "icon": …,
#    "urgency": "NORMAL", "id": "3", "category": …, "desktop_entry": …,
#    "timeout": …, "stack_tag": …}
import json
import os
import sys
import time

args = sys.argv[1:] + [""] * 5
env = os.environ.get
rec = {
    "server": "dunst",
    "time": time.time(),
    "app": args[0],
    "summary": args[1],
    "body": args[2],
    "icon": args[3],
    "urgency": args[4],
    "id": env("DUNST_ID", ""),
    "category": env("DUNST_CATEGORY", ""),
    "desktop_entry": env("DUNST_DESKTOP_ENTRY", ""),
    "timeout": env("DUNST_TIMEOUT", ""),
    "stack_tag": env("DUNST_STACK_TAG", ""),
}
line = (json.dumps(rec, ensure_ascii=False) + "\n").encode("utf-8")
# One write on an O_APPEND descriptor: lines of scripts running at once never mix.
fd = os.open(os.environ["NUDGE_TEST_NOTIFY_LOG"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
os.write(fd, line)
os.close(fd)
