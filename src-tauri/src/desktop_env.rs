//! Probes the parts of the desktop the app can do without: a D-Bus session bus, a tray host and
//! a Secret Service keychain. Each absence is logged once, at start, and shown in Settings.

use crate::models::{Environment, Probe};

/// Probes the desktop and logs what is missing, once.
pub(crate) fn probe() -> Environment {
    let environment = platform::probe();
    for (part, probe) in [
        ("D-Bus session bus", &environment.dbus_session),
        ("tray host", &environment.tray_host),
        ("keychain", &environment.keyring),
    ] {
        if probe.available {
            tracing::info!("{part}: {}", probe.detail);
        } else {
            tracing::warn!("{part} unavailable: {}", probe.detail);
        }
    }
    environment
}

/// Waits up to `timeout` for a tray host to appear on the session bus (a launch at login starts
/// alongside the panel); whether one did. Without a session bus there is none to wait for.
pub(crate) fn wait_for_tray_host(timeout: std::time::Duration) -> bool {
    let deadline = std::time::Instant::now() + timeout;
    loop {
        if platform::tray_host_running() {
            return true;
        }
        if std::time::Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(std::time::Duration::from_millis(250));
    }
}

#[cfg(target_os = "linux")]
mod platform {
    use gtk::gio;
    use gtk::glib::{Variant, VariantTy};

    use super::{Environment, Probe};

    const STATUS_NOTIFIER_WATCHER: &str = "org.kde.StatusNotifierWatcher";
    const SECRET_SERVICE: &str = "org.freedesktop.secrets";
    const CALL_TIMEOUT_MS: i32 = 1000;

    pub(super) fn probe() -> Environment {
        let bus = match session_bus() {
            Ok(bus) => bus,
            Err(why) => {
                return Environment {
                    dbus_session: Probe::missing(format!(
                        "{why}. Start the app from a desktop session, or under `dbus-run-session`."
                    )),
                    tray_host: Probe::missing(
                        "No D-Bus session bus, so no tray. Closing the window quits the app.",
                    ),
                    keyring: Probe::missing(
                        "No D-Bus session bus, so no Secret Service keychain. API keys cannot be \
                         stored until the app runs in a desktop session with gnome-keyring or KWallet.",
                    ),
                }
            }
        };
        let tray_host = if name_has_owner(&bus, STATUS_NOTIFIER_WATCHER) {
            Probe::found("A StatusNotifier tray host is running; closing the window keeps Switchboard in the tray.")
        } else {
            Probe::missing(
                "No tray host (StatusNotifierWatcher) on this desktop. Closing the window quits \
                 the app. On GNOME, install the AppIndicator extension to get a tray.",
            )
        };
        let keyring = if name_has_owner(&bus, SECRET_SERVICE) {
            Probe::found("Secret Service is running.")
        } else if is_activatable(&bus, SECRET_SERVICE) {
            Probe::found("Secret Service starts on demand.")
        } else {
            Probe::missing(
                "No Secret Service keychain on the session bus. Install and unlock gnome-keyring \
                 (apt install gnome-keyring) or KWallet to store API keys.",
            )
        };
        Environment {
            dbus_session: Probe::found("Connected to the session bus."),
            tray_host,
            keyring,
        }
    }

    pub(super) fn tray_host_running() -> bool {
        session_bus().is_ok_and(|bus| name_has_owner(&bus, STATUS_NOTIFIER_WATCHER))
    }

    /// Why there is no session bus to probe; its text is the probe's user-facing detail.
    #[derive(Debug, thiserror::Error)]
    enum NoSessionBus {
        /// Neither `DBUS_SESSION_BUS_ADDRESS` nor `$XDG_RUNTIME_DIR/bus` points at a bus.
        #[error("No D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set)")]
        NotSet,
        /// The bus is there but connecting to it failed.
        #[error("Cannot connect to the D-Bus session bus ({0})")]
        Connect(gtk::glib::Error),
    }

    fn session_bus() -> Result<gio::DBusConnection, NoSessionBus> {
        // GIO would otherwise try to autolaunch a bus through X11, leaving a stray daemon.
        let has_address =
            std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some_and(|a| !a.is_empty());
        let has_user_bus = std::env::var_os("XDG_RUNTIME_DIR")
            .map(|dir| std::path::Path::new(&dir).join("bus").exists())
            .unwrap_or(false);
        if !has_address && !has_user_bus {
            return Err(NoSessionBus::NotSet);
        }
        gio::bus_get_sync(gio::BusType::Session, gio::Cancellable::NONE)
            .map_err(NoSessionBus::Connect)
    }

    fn call_bus(
        bus: &gio::DBusConnection,
        method: &str,
        args: Option<&Variant>,
        reply: &str,
    ) -> Option<Variant> {
        bus.call_sync(
            Some("org.freedesktop.DBus"),
            "/org/freedesktop/DBus",
            "org.freedesktop.DBus",
            method,
            args,
            VariantTy::new(reply).ok(),
            gio::DBusCallFlags::NONE,
            CALL_TIMEOUT_MS,
            gio::Cancellable::NONE,
        )
        .inspect_err(|e| tracing::debug!("D-Bus {method} failed: {e}"))
        .ok()
    }

    fn name_has_owner(bus: &gio::DBusConnection, name: &str) -> bool {
        let args = Variant::tuple_from_iter([Variant::from(name)]);
        call_bus(bus, "NameHasOwner", Some(&args), "(b)")
            .and_then(|reply| reply.child_value(0).get::<bool>())
            .unwrap_or(false)
    }

    fn is_activatable(bus: &gio::DBusConnection, name: &str) -> bool {
        call_bus(bus, "ListActivatableNames", None, "(as)")
            .and_then(|reply| reply.child_value(0).get::<Vec<String>>())
            .is_some_and(|names| names.iter().any(|n| n == name))
    }
}

#[cfg(not(target_os = "linux"))]
mod platform {
    use super::{Environment, Probe};

    pub(super) fn probe() -> Environment {
        Environment {
            dbus_session: Probe::found("Not used on this platform."),
            tray_host: Probe::found("The system tray is always available on this platform."),
            keyring: Probe::found("The platform keychain is used."),
        }
    }

    pub(super) fn tray_host_running() -> bool {
        true
    }
}
