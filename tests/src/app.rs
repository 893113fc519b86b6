//! The real app in the throw-away desktop, driven over WebDriver through `tauri-driver`.

use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;

use crate::desktop::{Desktop, DesktopOptions};
use crate::process::{descendants_running, wait_until, Guarded};
use crate::tray_host::TrayHost;

/// How long to wait for an element or a state change before failing the test.
pub const UI_TIMEOUT: Duration = Duration::from_secs(15);

/// The app running under `tauri-driver`, with a WebDriver session to it.
pub struct App {
    // Drop order: the session's driver (and the app under it) before the desktop.
    client: Client,
    driver: Guarded,
    tray_host: Option<TrayHost>,
    /// The throw-away desktop the app runs in.
    pub desktop: Desktop,
    binary: PathBuf,
}

impl App {
    /// Starts a throw-away desktop, `tauri-driver`, and the app, and waits for its window.
    pub async fn launch(options: DesktopOptions) -> App {
        Self::launch_with(options, |_| {}).await
    }

    /// Like [`App::launch`], with `prepare` run on the desktop before the app starts (to write
    /// a config file or set environment variables with [`Desktop::set_env`]).
    pub async fn launch_with(options: DesktopOptions, prepare: impl FnOnce(&mut Desktop)) -> App {
        let mut desktop = Desktop::start(options);
        prepare(&mut desktop);
        // The tray host must be on the bus before the app starts, as a panel would be.
        let tray_host = match (options.tray_host, desktop.dbus_address()) {
            (true, Some(address)) => Some(
                TrayHost::start(address)
                    .await
                    .unwrap_or_else(|e| panic!("tray host: {e}")),
            ),
            (true, None) => panic!("a tray host needs a D-Bus session"),
            (false, _) => None,
        };
        let binary = crate::app_binary();
        let (driver, client) = start_session(&desktop, &binary).await;
        let app = App {
            client,
            driver,
            tray_host,
            desktop,
            binary,
        };
        app.wait_for("[data-testid=nav-chat]").await;
        app
    }

    /// The fake tray host, when the desktop has one.
    pub fn tray_host(&self) -> Option<&TrayHost> {
        self.tray_host.as_ref()
    }

    /// The WebDriver session.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Waits until an element matching `css` exists and returns it.
    pub async fn wait_for(&self, css: &str) -> Element {
        self.client
            .wait()
            .at_most(UI_TIMEOUT)
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no element {css} within {UI_TIMEOUT:?}: {e}"))
    }

    /// Writes a PNG of the window to `target/screenshots/<name>.png`.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        // A starved WebKit process can miss WebDriver's screenshot deadline; a second try
        // after a pause usually succeeds, and three failures fail the test.
        let mut attempt = 0;
        let png = loop {
            self.settle().await;
            attempt += 1;
            match self.client.screenshot().await {
                Ok(png) => break png,
                Err(e) if attempt < 3 => {
                    eprintln!("screenshot {name}: attempt {attempt} failed ({e}); retrying");
                    tokio::time::sleep(Duration::from_millis(500)).await;
                }
                Err(e) => panic!("screenshot {name}: {e}"),
            }
        };
        let path = crate::screenshot_dir().join(format!("{name}.png"));
        std::fs::write(&path, png).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
        path
    }

    /// Waits until WebKit has painted the current DOM: two animation frames, then a short grace,
    /// because a screenshot taken right after a DOM change can show the frame before it.
    pub async fn settle(&self) {
        let script = "const done = arguments[arguments.length - 1];\n\
                      requestAnimationFrame(() => requestAnimationFrame(() => done(true)));";
        if let Err(e) = self.client.execute_async(script, Vec::new()).await {
            eprintln!("could not wait for a paint: {e}");
        }
        tokio::time::sleep(Duration::from_millis(150)).await;
    }

    /// Pids of the app processes running under this session's driver.
    pub fn app_pids(&self) -> Vec<u32> {
        descendants_running(self.driver.pid(), &self.binary)
    }

    /// The app binary under test.
    pub fn binary(&self) -> &PathBuf {
        &self.binary
    }

    /// Ends the WebDriver session; the drop that follows stops the driver and the desktop.
    pub async fn close(self) {
        // The app may already be gone (a test that closed its window); that is fine here.
        let _ignored = self.client.clone().close().await;
    }
}

/// Starts `tauri-driver` and opens a WebDriver session that launches `binary`.
///
/// Ports are picked free and then released, so another process can take one in between; a
/// failed start is retried with fresh ports before the test is failed.
async fn start_session(desktop: &Desktop, binary: &PathBuf) -> (Guarded, Client) {
    const ATTEMPTS: usize = 3;
    let mut last_error = String::new();
    for attempt in 1..=ATTEMPTS {
        let (port, native_port) = free_ports();
        let mut command = desktop.command(tauri_driver());
        command
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native_port.to_string(),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::inherit());
        let driver = Guarded::spawn("tauri-driver", &mut command).unwrap_or_else(|e| {
            panic!("cannot start tauri-driver (cargo install tauri-driver --locked): {e}")
        });
        let listening = wait_until(Duration::from_secs(15), || {
            TcpStream::connect(("127.0.0.1", port)).is_ok()
        });
        if !listening {
            last_error = format!("tauri-driver did not listen on port {port}");
            continue;
        }
        let mut capabilities = serde_json::Map::new();
        capabilities.insert("browserName".into(), json!("wry"));
        capabilities.insert("tauri:options".into(), json!({ "application": binary }));
        match ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
        {
            Ok(client) => return (driver, client),
            Err(e) => {
                last_error = format!("no WebDriver session with {}: {e}", binary.display());
                eprintln!("attempt {attempt}/{ATTEMPTS}: {last_error}");
            }
        }
    }
    panic!("{last_error}");
}

fn tauri_driver() -> PathBuf {
    if let Some(path) = std::env::var_os("TAURI_DRIVER") {
        return PathBuf::from(path);
    }
    let in_cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .map(|home| home.join("bin").join("tauri-driver"));
    match in_cargo_home {
        Some(path) if path.exists() => path,
        _ => PathBuf::from("tauri-driver"),
    }
}

/// Two distinct free loopback ports (both held while picking, so they differ).
fn free_ports() -> (u16, u16) {
    let bind =
        || TcpListener::bind(("127.0.0.1", 0)).unwrap_or_else(|e| panic!("no free port: {e}"));
    let (first, second) = (bind(), bind());
    let port = |l: &TcpListener| {
        l.local_addr()
            .map(|a| a.port())
            .unwrap_or_else(|e| panic!("{e}"))
    };
    (port(&first), port(&second))
}
