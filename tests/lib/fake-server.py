#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# A minimal notification server without the "actions" capability, for tests.
#
# usage: fake-server.py LOG READYFILE [CAPABILITY…]   (default capabilities: body)
#
# Owns org.freedesktop.Notifications on the session bus, answers
# GetCapabilities with the given list, and appends each Notify call to LOG as
# one JSON line in the format of notify-recorder.py ("server": "fake").
# READYFILE is created once the name is owned. With FAKE_CLOSE_AT_ONCE=TEXT in the
# environment, a notification whose summary holds TEXT is closed (NotificationClosed,
# reason 1) before Notify answers, as a server that expires it at once may do. Real servers (dunst) are used
# wherever a test can; this one stands in for the servers that list no actions.
import json
import os
import sys
import time

import dbus
import dbus.service
from dbus.mainloop.glib import DBusGMainLoop
from gi.repository import GLib

NAME = "org.freedesktop.Notifications"
PATH = "/org/freedesktop/Notifications"
URGENCY = {0: "LOW", 1: "NORMAL", 2: "CRITICAL"}


class Server(dbus.service.Object):
    def __init__(self, bus, log_path, caps):
        super().__init__(bus, PATH)
        self.log_path = log_path
        self.caps = caps
        self.next_id = 1

    @dbus.service.method(NAME, in_signature="", out_signature="as")
    def GetCapabilities(self):
        return self.caps

    @dbus.service.method(NAME, in_signature="", out_signature="ssss")
    def GetServerInformation(self):
        return ("nudge-test-server", "nudge", "1.0", "1.2")

    @dbus.service.method(NAME, in_signature="susssasa{sv}i", out_signature="u",
                         async_callbacks=("reply", "error"))
    def Notify(self, app, replaces_id, icon, summary, body, actions, hints, timeout,
               reply, error):
        nid = self.record(app, replaces_id, icon, summary, body, actions, hints, timeout)
        close = os.environ.get("FAKE_CLOSE_AT_ONCE")
        if close and close in str(summary):
            self.NotificationClosed(nid, 1)  # on the bus before the reply
        reply(dbus.UInt32(nid))

    def record(self, app, replaces_id, icon, summary, body, actions, hints, timeout):
        nid = int(replaces_id) or self.next_id
        self.next_id = max(self.next_id, nid) + 1
        rec = {
            "server": "fake",
            "time": time.time(),
            "app": str(app),
            "summary": str(summary),
            "body": str(body),
            "icon": str(icon),
            "urgency": URGENCY.get(int(hints.get("urgency", 1)), "NORMAL"),
            "id": str(nid),
            "category": str(hints.get("category", "")),
            "desktop_entry": str(hints.get("desktop-entry", "")),
            "timeout": str(int(timeout)),
            "stack_tag": "",
            "actions": [str(a) for a in actions],
        }
        fd = os.open(self.log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        os.write(fd, (json.dumps(rec, ensure_ascii=False) + "\n").encode("utf-8"))
        os.close(fd)
        return nid

    @dbus.service.method(NAME, in_signature="u", out_signature="")
    def CloseNotification(self, nid):
        self.NotificationClosed(nid, 3)

    @dbus.service.signal(NAME, signature="uu")
    def NotificationClosed(self, nid, reason):
        pass


def main():
    log_path, ready_path = sys.argv[1], sys.argv[2]
    caps = sys.argv[3:] or ["body"]
    DBusGMainLoop(set_as_default=True)
    bus = dbus.SessionBus()
    server = Server(bus, log_path, caps)
    name = dbus.service.BusName(NAME, bus, do_not_queue=True)
    loop = GLib.MainLoop()
    bus.call_on_disconnection(lambda conn: loop.quit())
    open(ready_path, "w").close()
    loop.run()
    del server, name


if __name__ == "__main__":
    main()
