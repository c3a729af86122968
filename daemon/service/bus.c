/* SPDX-License-Identifier: MIT */
/* The D-Bus face of nudged: org.nudge.Daemon1 with Reload() and Status. */
#include "config.h"

#include "bus.h"

#include <gio/gio.h>
#include <string.h>

#include "log.h"

struct Bus {
        BusHandlers handlers;
        guint owner, object;
        GDBusConnection *connection;
};

static const char introspection_xml[] =
        "<node>"
        "  <interface name='" SERVICE_BUS_INTERFACE "'>"
        "    <method name='Reload'/>"
        "    <property name='Status' type='s' access='read'/>"
        "  </interface>"
        "</node>";

static void on_method(GDBusConnection *connection, const char *sender, const char *path,
                      const char *interface, const char *method, GVariant *params,
                      GDBusMethodInvocation *invocation, gpointer userdata)
{
        Bus *b = userdata;
        if (strcmp(method, "Reload") != 0) {
                g_dbus_method_invocation_return_dbus_error(
                        invocation, "org.freedesktop.DBus.Error.UnknownMethod", "No such method");
                return;
        }
        log_info("Reloading on request over D-Bus");
        g_autofree char *message = NULL;
        if (b->handlers.reload(b->handlers.userdata, &message))
                g_dbus_method_invocation_return_value(invocation, NULL);
        else
                g_dbus_method_invocation_return_dbus_error(
                        invocation, SERVICE_BUS_INTERFACE ".Error.ScheduleBroken",
                        message ? message : "the schedule has problems");
}

static GVariant *on_get_property(GDBusConnection *connection, const char *sender,
                                 const char *path, const char *interface, const char *property,
                                 GError **error, gpointer userdata)
{
        Bus *b = userdata;
        const char *status = b->handlers.status(b->handlers.userdata);
        return g_variant_new_string(status ? status : "");
}

static const GDBusInterfaceVTable vtable = { on_method, on_get_property, NULL, { 0 } };

static void on_bus_acquired(GDBusConnection *connection, const char *name, gpointer userdata)
{
        Bus *b = userdata;
        g_autoptr(GError) error = NULL;
        g_autoptr(GDBusNodeInfo) info = g_dbus_node_info_new_for_xml(introspection_xml, &error);
        g_assert_no_error(error);
        b->connection = g_object_ref(connection);
        b->object = g_dbus_connection_register_object(connection, SERVICE_BUS_PATH,
                                                      info->interfaces[0], &vtable, b, NULL,
                                                      &error);
        if (!b->object)
                log_warning("Cannot export %s: %s", SERVICE_BUS_PATH, error->message);
}

static void on_name_lost(GDBusConnection *connection, const char *name, gpointer userdata)
{
        if (!connection)
                log_notice("No session bus: reload with SIGHUP instead of D-Bus");
        else
                log_warning("Cannot own %s on the session bus (another nudged running?)", name);
}

Bus *bus_new(const BusHandlers *handlers)
{
        Bus *b = g_new0(Bus, 1);
        b->handlers = *handlers;
        b->owner = g_bus_own_name(G_BUS_TYPE_SESSION, SERVICE_BUS_NAME,
                                  G_BUS_NAME_OWNER_FLAGS_NONE, on_bus_acquired, NULL,
                                  on_name_lost, b, NULL);
        return b;
}

void bus_free(Bus *b)
{
        if (!b)
                return;
        if (b->object && b->connection)
                g_dbus_connection_unregister_object(b->connection, b->object);
        if (b->owner)
                g_bus_unown_name(b->owner);
        g_clear_object(&b->connection);
        g_free(b);
}
