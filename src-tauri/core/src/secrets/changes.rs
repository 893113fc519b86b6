//! Keys changed by other processes (`switchboard keys set` in a terminal, another app writing
//! the keychain), as the keychain announces them: on Linux the Secret Service signals
//! `ItemCreated`, `ItemChanged` and `ItemDeleted` on the session bus, and [`watch_changes`]
//! calls back on each (the app and `serve` then forget the keys they resolved, so the next
//! request reads the keychain again). gnome-keyring announces new and deleted items but not a
//! secret replaced in place, and elsewhere there is no such signal: the router's look-up again
//! after an auth failure covers those.

/// Keeps the listener running; dropping it stops it (within a second).
#[derive(Debug)]
pub struct KeychainWatch {
    #[cfg(target_os = "linux")]
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl Drop for KeychainWatch {
    fn drop(&mut self) {
        #[cfg(target_os = "linux")]
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
    }
}

/// The Secret Service signals that say an item was added, changed or removed.
#[cfg(target_os = "linux")]
const SIGNALS: [&str; 3] = ["ItemCreated", "ItemChanged", "ItemDeleted"];

/// Calls `on_change` (on a thread of its own) each time the keychain says an item changed;
/// `None`, logged, where it cannot (no session bus, not Linux).
pub fn watch_changes(on_change: impl Fn() + Send + Sync + 'static) -> Option<KeychainWatch> {
    #[cfg(target_os = "linux")]
    {
        use std::sync::atomic::{AtomicBool, Ordering};
        use std::sync::Arc;
        use std::time::Duration;

        use dbus::blocking::Connection;
        use dbus::message::MatchRule;

        let connection = match Connection::new_session() {
            Ok(c) => c,
            Err(e) => {
                tracing::info!("keys changed elsewhere are seen after an auth failure only: {e}");
                return None;
            }
        };
        let on_change = Arc::new(on_change);
        for member in SIGNALS {
            let rule = MatchRule::new_signal("org.freedesktop.Secret.Collection", member);
            let call = on_change.clone();
            let added = connection.add_match(rule, move |(): (), _, _| {
                tracing::debug!("the keychain says an item was {member}");
                call();
                true
            });
            if let Err(e) = added {
                tracing::info!("keys changed elsewhere are seen after an auth failure only: {e}");
                return None;
            }
        }
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = stop.clone();
        let spawned = std::thread::Builder::new()
            .name("keychain-changes".into())
            .spawn(move || {
                while !stopped.load(Ordering::Relaxed) {
                    if let Err(e) = connection.process(Duration::from_millis(500)) {
                        tracing::warn!("stopped listening for keychain changes: {e}");
                        return;
                    }
                }
            });
        match spawned {
            Ok(_) => Some(KeychainWatch { stop }),
            Err(e) => {
                tracing::warn!("cannot listen for keychain changes: {e}");
                None
            }
        }
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _unused = on_change;
        None
    }
}
