#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# Record the org.freedesktop.Notifications traffic of the session bus as JSON lines.
#
# usage: notify-monitor.py LOG READYFILE
#
# Becomes a bus monitor (the mechanism dbus-monitor uses) and appends one JSON
# object per line to LOG:
#   {"event": "notify", "time": T, "sender": ":1.5", "serial": 7, "app_name": …,
#    "replaces_id": 0, "app_icon": …, "summary": …, "body": …,
#    "actions": [["default", "Write notes"], …], "hints": {…}, "expire_timeout": -1}
#   {"event": "notify-reply", "time": T, "reply_serial": 7, "id": 12}
#   {"event": "notify-error", "time": T, "reply_serial": 7, "error": "org.…"}
#   {"event": "close", …, "id": 12}                   (CloseNotification calls)
#   {"event": "ActionInvoked", …, "args": [12, "default"]}   (signals)
#   {"event": "NotificationClosed", …, "args": [12, 2]}
# The values keep their D-Bus types as JSON numbers, strings, lists and objects;
# the pixels of an image hint are replaced by their byte count. T is the
# wall-clock time (seconds since the epoch) at which the monitor received the
# message. READYFILE is created once monitoring has begun, so a test knows that
# nothing it sends afterwards can be missed.
import json
import sys
import time

import dbus
import dbus.lowlevel
from dbus.mainloop.glib import DBusGMainLoop
from gi.repository import GLib

IFACE = "org.freedesktop.Notifications"


def plain(v):
    if isinstance(v, dbus.Boolean):
        return bool(v)
    if isinstance(v, (dbus.Byte, dbus.Int16, dbus.UInt16, dbus.Int32, dbus.UInt32,
              dbus.Int64, dbus.UInt64)):
        return int(v)
    if isinstance(v, dbus.Double):
        return float(v)
    if isinstance(v, (dbus.String, dbus.ObjectPath, dbus.Signature, str)):
        return str(v)
    if isinstance(v, (bytes, bytearray, dbus.ByteArray)):
        return {"bytes": len(v)}
    if isinstance(v, dict):
        return {str(k): plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        if len(v) > 64 and all(isinstance(x, dbus.Byte) for x in v[:64]):
            return {"bytes": len(v)}
        return [plain(x) for x in v]
    return repr(v)


def main():
    log_path, ready_path = sys.argv[1], sys.argv[2]
    log = open(log_path, "a", encoding="utf-8")
    pending = {}  # (sender, serial) of Notify calls whose reply is still due

    def write(obj):
        log.write(json.dumps(obj, ensure_ascii=False) + "\n")
        log.flush()

    def on_message(conn, msg):
        now = time.time()
        mtype = msg.get_type()
        if mtype == dbus.lowlevel.MESSAGE_TYPE_METHOD_CALL and msg.get_interface() == IFACE:
            args = msg.get_args_list(byte_arrays=True)
            member = msg.get_member()
            base = {"time": now, "sender": msg.get_sender(), "serial": msg.get_serial()}
            if member == "Notify" and len(args) == 8:
                acts = [str(a) for a in args[5]]
                base.update(event="notify", app_name=str(args[0]),
                        replaces_id=int(args[1]), app_icon=str(args[2]),
                        summary=str(args[3]), body=str(args[4]),
                        actions=[acts[i:i + 2] for i in range(0, len(acts) - 1, 2)],
                        hints=plain(args[6]), expire_timeout=int(args[7]))
                pending[(msg.get_sender(), msg.get_serial())] = True
                write(base)
            elif member == "CloseNotification" and args:
                base.update(event="close", id=int(args[0]))
                write(base)
            else:
                base.update(event=member, args=plain(args))
                write(base)
        elif mtype in (dbus.lowlevel.MESSAGE_TYPE_METHOD_RETURN, dbus.lowlevel.MESSAGE_TYPE_ERROR):
            key = (msg.get_destination(), msg.get_reply_serial())
            if pending.pop(key, None):
                obj = {"time": now, "reply_serial": msg.get_reply_serial()}
                if mtype == dbus.lowlevel.MESSAGE_TYPE_ERROR:
                    obj.update(event="notify-error", error=msg.get_error_name())
                else:
                    args = msg.get_args_list()
                    obj.update(event="notify-reply", id=int(args[0]) if args else None)
                write(obj)
        elif mtype == dbus.lowlevel.MESSAGE_TYPE_SIGNAL and msg.get_interface() == IFACE:
            write({"event": msg.get_member(), "time": now, "sender": msg.get_sender(),
                   "args": plain(msg.get_args_list())})
        # A monitor must never answer anything: the bus would drop it.
        return dbus.lowlevel.HANDLER_RESULT_HANDLED

    DBusGMainLoop(set_as_default=True)
    bus = dbus.SessionBus()
    bus.add_message_filter(on_message)
    rules = [
        "type='method_call',interface='%s'" % IFACE,
        "type='signal',interface='%s'" % IFACE,
        "type='method_return'",
        "type='error'",
    ]
    bus.call_blocking("org.freedesktop.DBus", "/org/freedesktop/DBus",
              "org.freedesktop.DBus.Monitoring", "BecomeMonitor", "asu", (rules, 0))
    loop = GLib.MainLoop()
    # The bus closes a monitor's connection when it goes away: stop then.
    bus.call_on_disconnection(lambda conn: loop.quit())
    open(ready_path, "w").close()
    loop.run()


if __name__ == "__main__":
    main()
