//! A fake system-tray host on the test's private session bus: it owns
//! `org.kde.StatusNotifierWatcher` as a panel would, records the StatusNotifierItems that
//! register, and reads and clicks their menus over `com.canonical.dbusmenu`, as a user would
//! through a real panel.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use zbus::zvariant::{OwnedObjectPath, OwnedValue, Structure, Value};
use zbus::{Connection, Proxy};

/// A StatusNotifierItem that registered with the fake host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrayItem {
    /// The bus name the item lives on.
    pub bus_name: String,
    /// Its object path.
    pub path: String,
}

/// One entry of a tray item's menu.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MenuEntry {
    /// The dbusmenu item id, for [`TrayHost::click`].
    pub id: i32,
    /// The label as shown (mnemonic underscores removed); empty for separators.
    pub label: String,
    /// Whether it is a checked check or radio item.
    pub checked: bool,
}

/// The fake tray host; it leaves the bus when dropped.
#[derive(Debug)]
pub struct TrayHost {
    connection: Connection,
    items: Arc<Mutex<Vec<TrayItem>>>,
}

mod watcher {
    //! The `org.kde.StatusNotifierWatcher` object; the interface macro generates public
    //! helpers without docs, hence the module-wide allow.
    #![allow(missing_docs)]

    use std::sync::{Arc, Mutex};

    use zbus::message::Header;
    use zbus::object_server::SignalEmitter;

    use super::TrayItem;

    pub(super) struct Watcher {
        pub(super) items: Arc<Mutex<Vec<TrayItem>>>,
    }

    #[zbus::interface(name = "org.kde.StatusNotifierWatcher")]
    impl Watcher {
        async fn register_status_notifier_item(
            &self,
            service: &str,
            #[zbus(header)] header: Header<'_>,
            #[zbus(signal_emitter)] emitter: SignalEmitter<'_>,
        ) {
            let sender = header.sender().map(|s| s.to_string()).unwrap_or_default();
            // Items register either by object path (appindicator) or by bus name.
            let item = if service.starts_with('/') {
                TrayItem {
                    bus_name: sender,
                    path: service.to_owned(),
                }
            } else {
                TrayItem {
                    bus_name: service.to_owned(),
                    path: "/StatusNotifierItem".to_owned(),
                }
            };
            let id = format!("{}{}", item.bus_name, item.path);
            if let Ok(mut items) = self.items.lock() {
                items.push(item);
            }
            let _ignored = Self::status_notifier_item_registered(&emitter, &id).await;
        }

        fn register_status_notifier_host(&self, _service: &str) {}

        #[zbus(property)]
        fn registered_status_notifier_items(&self) -> Vec<String> {
            let items = self.items.lock().map(|i| i.clone()).unwrap_or_default();
            items
                .into_iter()
                .map(|i| format!("{}{}", i.bus_name, i.path))
                .collect()
        }

        #[zbus(property)]
        fn is_status_notifier_host_registered(&self) -> bool {
            true
        }

        #[zbus(property)]
        fn protocol_version(&self) -> i32 {
            0
        }

        #[zbus(signal)]
        async fn status_notifier_item_registered(
            emitter: &SignalEmitter<'_>,
            service: &str,
        ) -> zbus::Result<()>;
    }
}

use watcher::Watcher;

type Layout = (i32, HashMap<String, OwnedValue>, Vec<OwnedValue>);

impl TrayHost {
    /// Claims `org.kde.StatusNotifierWatcher` on the bus at `address`.
    pub async fn start(address: &str) -> zbus::Result<Self> {
        let items = Arc::new(Mutex::new(Vec::new()));
        let connection = zbus::connection::Builder::address(address)?
            .name("org.kde.StatusNotifierWatcher")?
            .serve_at(
                "/StatusNotifierWatcher",
                Watcher {
                    items: items.clone(),
                },
            )?
            .build()
            .await?;
        Ok(TrayHost { connection, items })
    }

    /// The items registered so far.
    pub fn items(&self) -> Vec<TrayItem> {
        self.items.lock().map(|i| i.clone()).unwrap_or_default()
    }

    async fn item_proxy(&self, item: &TrayItem) -> zbus::Result<Proxy<'static>> {
        Proxy::new(
            &self.connection,
            item.bus_name.clone(),
            item.path.clone(),
            "org.kde.StatusNotifierItem",
        )
        .await
    }

    async fn menu_proxy(&self, item: &TrayItem) -> zbus::Result<Proxy<'static>> {
        let menu: OwnedObjectPath = self.item_proxy(item).await?.get_property("Menu").await?;
        Proxy::new(
            &self.connection,
            item.bus_name.clone(),
            menu,
            "com.canonical.dbusmenu",
        )
        .await
    }

    /// A string property of the item (`Id`, `Title`, `Status`, `IconName`, …).
    pub async fn property(&self, item: &TrayItem, name: &str) -> zbus::Result<String> {
        self.item_proxy(item).await?.get_property(name).await
    }

    /// The top-level entries of the item's menu.
    pub async fn menu(&self, item: &TrayItem) -> zbus::Result<Vec<MenuEntry>> {
        self.submenu(item, 0).await
    }

    /// The entries of the item's submenu with dbusmenu id `parent` (0: the top level).
    pub async fn submenu(&self, item: &TrayItem, parent: i32) -> zbus::Result<Vec<MenuEntry>> {
        let proxy = self.menu_proxy(item).await?;
        let no_properties: Vec<&str> = Vec::new();
        let (_revision, (_root, _props, children)): (u32, Layout) = proxy
            .call("GetLayout", &(parent, -1i32, no_properties))
            .await?;
        Ok(children
            .iter()
            .filter_map(|child| menu_entry(child))
            .collect())
    }

    /// Clicks menu entry `id`, as a panel does when the user picks it.
    pub async fn click(&self, item: &TrayItem, id: i32) -> zbus::Result<()> {
        let proxy = self.menu_proxy(item).await?;
        proxy
            .call::<_, _, ()>("Event", &(id, "clicked", Value::from(0i32), 0u32))
            .await
    }
}

fn menu_entry(child: &Value<'_>) -> Option<MenuEntry> {
    let structure: &Structure<'_> = match child {
        Value::Structure(s) => s,
        Value::Value(inner) => return menu_entry(inner),
        _ => return None,
    };
    let fields = structure.fields();
    let Value::I32(id) = fields.first()? else {
        return None;
    };
    let Value::Dict(props) = fields.get(1)? else {
        return None;
    };
    let label: Option<String> = props.get::<&str, String>(&"label").ok().flatten();
    let label = label.unwrap_or_default().replace('_', "");
    let toggle: Option<i32> = props.get::<&str, i32>(&"toggle-state").ok().flatten();
    Some(MenuEntry {
        id: *id,
        label,
        checked: toggle == Some(1),
    })
}

/// The entry labelled `label` in `menu`; fails the test when there is none.
pub fn entry<'a>(menu: &'a [MenuEntry], label: &str) -> &'a MenuEntry {
    menu.iter()
        .find(|e| e.label == label)
        .unwrap_or_else(|| panic!("no {label:?} in {menu:?}"))
}
