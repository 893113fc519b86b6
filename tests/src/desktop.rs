//! A throw-away desktop for one test: private XDG folders, an Xvfb display, and optionally a
//! private D-Bus session with an unlocked throw-away gnome-keyring.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use tempfile::TempDir;

use crate::process::{wait_until, Guarded};

/// What the throw-away desktop offers.
#[derive(Debug, Clone, Copy)]
pub struct DesktopOptions {
    /// Start a private D-Bus session bus (else the app sees none).
    pub dbus: bool,
    /// Start an unlocked gnome-keyring on that bus (needs `dbus`).
    pub keyring: bool,
    /// Run a fake tray host on that bus (needs `dbus`; started by [`crate::app::App::launch`]).
    pub tray_host: bool,
    /// Ask GTK (and so WebKit's `prefers-color-scheme`) for the dark theme.
    pub dark_theme: bool,
}

impl Default for DesktopOptions {
    fn default() -> Self {
        DesktopOptions {
            dbus: true,
            keyring: true,
            tray_host: false,
            dark_theme: false,
        }
    }
}

/// A running throw-away desktop; everything stops and the folders are deleted on drop.
#[derive(Debug)]
pub struct Desktop {
    // Field order is drop order: the keyring and bus go before the display and the folders.
    keyring: Option<Guarded>,
    dbus: Option<(Guarded, String)>,
    dark_theme: bool,
    /// Extra variables for every process started on this desktop (see [`Desktop::set_env`]).
    env: Vec<(String, String)>,
    window_manager: Option<Guarded>,
    xvfb: Guarded,
    display: String,
    home: TempDir,
}

impl Desktop {
    /// Starts Xvfb and, as asked, a D-Bus session and a keyring.
    pub fn start(options: DesktopOptions) -> Self {
        let home = tempfile::Builder::new()
            .prefix("switchboard-e2e-")
            .tempdir()
            .expect("tempdir");
        for dir in ["config", "data", "state", "cache", "runtime"] {
            std::fs::create_dir_all(home.path().join(dir)).expect("create XDG dir");
        }
        set_private(&home.path().join("runtime"));
        let (xvfb, display) = start_xvfb();
        let mut desktop = Desktop {
            keyring: None,
            dbus: None,
            dark_theme: options.dark_theme,
            env: Vec::new(),
            window_manager: None,
            xvfb,
            display,
            home,
        };
        desktop.window_manager = Some(desktop.start_window_manager());
        if options.dbus {
            desktop.dbus = Some(desktop.start_dbus());
            if options.keyring {
                desktop.keyring = Some(desktop.start_keyring());
            }
        }
        desktop
    }

    /// The throw-away home folder.
    pub fn home(&self) -> &Path {
        self.home.path()
    }

    /// Sets `name` for every process started on this desktop from now on (the app included,
    /// when set before it launches): e.g. `SWITCHBOARD_LMSTUDIO_PORT` for a fake LM Studio.
    pub fn set_env(&mut self, name: &str, value: &str) {
        self.env.push((name.to_owned(), value.to_owned()));
    }

    /// The app's config file on this desktop (`$XDG_CONFIG_HOME/switchboard/config.json5`).
    pub fn config_file(&self) -> PathBuf {
        self.home.path().join("config/switchboard/config.json5")
    }

    /// The X display, e.g. `:93`.
    pub fn display(&self) -> &str {
        &self.display
    }

    /// The private session bus address, if one was started.
    pub fn dbus_address(&self) -> Option<&str> {
        self.dbus.as_ref().map(|(_, address)| address.as_str())
    }

    /// Whether Xvfb is still running.
    pub fn display_alive(&mut self) -> bool {
        !self.xvfb.has_exited()
    }

    /// The environment for a process on this desktop: a `Command` with everything it needs
    /// set and everything that could reach the real user's session removed.
    pub fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut command = Command::new(program);
        command.env_clear();
        for keep in [
            "PATH",
            "LANG",
            "LC_ALL",
            "RUST_BACKTRACE",
            "SWITCHBOARD_LOG",
        ] {
            if let Some(value) = std::env::var_os(keep) {
                command.env(keep, value);
            }
        }
        let home = self.home.path();
        command
            .env("HOME", home)
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("XDG_DATA_HOME", home.join("data"))
            .env("XDG_STATE_HOME", home.join("state"))
            .env("XDG_CACHE_HOME", home.join("cache"))
            .env("XDG_RUNTIME_DIR", home.join("runtime"))
            .env("DISPLAY", &self.display)
            .env("GDK_BACKEND", "x11")
            // No accessibility bus: it would try to reach a session bus of its own.
            .env("NO_AT_BRIDGE", "1");
        if let Some(address) = self.dbus_address() {
            command.env("DBUS_SESSION_BUS_ADDRESS", address);
        }
        if self.dark_theme {
            command.env("GTK_THEME", "Adwaita:dark");
        }
        for (name, value) in &self.env {
            command.env(name, value);
        }
        command
    }

    /// Asks the window manager to close the window titled `title`, as the title bar's close
    /// button or Alt+F4 would (`WM_DELETE_WINDOW`, which the app may refuse).
    pub fn close_window(&self, title: &str) {
        let status = self.command("wmctrl").args(["-c", title]).status();
        assert!(
            matches!(status, Ok(s) if s.success()),
            "wmctrl -c {title} failed: {status:?}"
        );
    }

    /// Openbox: a real window manager, so windows get frames and close requests as on a desktop.
    fn start_window_manager(&self) -> Guarded {
        let mut command = self.command("openbox");
        command
            .env_remove("DBUS_SESSION_BUS_ADDRESS")
            .arg("--sm-disable")
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let wm = Guarded::spawn("openbox", &mut command)
            .unwrap_or_else(|e| panic!("cannot start openbox (apt install openbox): {e}"));
        let ready = wait_until(Duration::from_secs(10), || {
            self.command("wmctrl")
                .arg("-m")
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        });
        assert!(
            ready,
            "the window manager did not start (apt install wmctrl openbox)"
        );
        wm
    }

    fn start_dbus(&self) -> (Guarded, String) {
        let socket = self.home.path().join("runtime").join("bus");
        // A session bus with no service directories: nothing is D-Bus-activated behind the
        // test's back (not even the system's gnome-keyring), so each test decides what runs.
        let config = self.home.path().join("dbus-session.conf");
        std::fs::write(&config, SESSION_BUS_CONFIG).expect("write bus config");
        let mut command = self.command("dbus-daemon");
        command
            .env_remove("DBUS_SESSION_BUS_ADDRESS")
            .arg(format!("--config-file={}", config.display()))
            .args(["--nofork", "--nopidfile", "--print-address=1"])
            .arg(format!("--address=unix:path={}", socket.display()))
            .stdout(Stdio::piped())
            // It warns that it cannot raise its fd limit when not run as a user service.
            .stderr(Stdio::null());
        let mut daemon = Guarded::spawn("dbus-daemon", &mut command)
            .unwrap_or_else(|e| panic!("cannot start dbus-daemon (apt install dbus): {e}"));
        let stdout = daemon.child_mut().stdout.take().expect("piped stdout");
        let mut address = String::new();
        BufReader::new(stdout)
            .read_line(&mut address)
            .expect("read bus address");
        let address = address.trim().to_owned();
        assert!(
            address.starts_with("unix:"),
            "dbus-daemon printed no address: {address:?}"
        );
        (daemon, address)
    }

    fn start_keyring(&self) -> Guarded {
        let mut command = self.command("gnome-keyring-daemon");
        command
            .args(["--foreground", "--unlock", "--components=secrets"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let mut daemon = Guarded::spawn("gnome-keyring-daemon", &mut command).unwrap_or_else(|e| {
            panic!("cannot start gnome-keyring-daemon (apt install gnome-keyring): {e}")
        });
        {
            // The password of the throw-away login keyring; closing stdin ends it.
            let mut stdin = daemon.child_mut().stdin.take().expect("piped stdin");
            stdin
                .write_all(b"switchboard-e2e")
                .expect("write keyring password");
        }
        let ready = wait_until(Duration::from_secs(10), || {
            self.bus_has_name("org.freedesktop.secrets")
        });
        assert!(ready, "gnome-keyring did not claim org.freedesktop.secrets");
        daemon
    }

    /// The map state of the top-level window titled `title` (`IsViewable`, `IsUnMapped`, …),
    /// or `None` when there is no such window.
    pub fn window_map_state(&self, title: &str) -> Option<String> {
        let out = Command::new("xwininfo")
            .args(["-display", &self.display, "-name", title])
            .stderr(Stdio::null())
            .output()
            .ok()?;
        let text = String::from_utf8_lossy(&out.stdout);
        let line = text
            .lines()
            .find(|l| l.trim_start().starts_with("Map State:"))?;
        Some(
            line.trim_start()
                .trim_start_matches("Map State:")
                .trim()
                .to_owned(),
        )
    }

    /// Whether `name` has an owner on the private bus.
    pub fn bus_has_name(&self, name: &str) -> bool {
        let output = self
            .command("dbus-send")
            .args([
                "--session",
                "--print-reply",
                "--dest=org.freedesktop.DBus",
                "/org/freedesktop/DBus",
            ])
            .arg("org.freedesktop.DBus.NameHasOwner")
            .arg(format!("string:{name}"))
            .output();
        matches!(output, Ok(out) if String::from_utf8_lossy(&out.stdout).contains("boolean true"))
    }
}

const SESSION_BUS_CONFIG: &str = r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <keep_umask/>
  <listen>unix:tmpdir=/tmp</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"#;

fn set_private(dir: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)).expect("chmod 700");
}

/// Starts Xvfb on the first free display number from :90 up.
fn start_xvfb() -> (Guarded, String) {
    for number in 90..190 {
        let socket = PathBuf::from(format!("/tmp/.X11-unix/X{number}"));
        let lock = PathBuf::from(format!("/tmp/.X{number}-lock"));
        if socket.exists() || lock.exists() {
            continue;
        }
        let display = format!(":{number}");
        let mut command = Command::new("Xvfb");
        command
            .args([
                display.as_str(),
                "-screen",
                "0",
                "1280x800x24",
                "-nolisten",
                "tcp",
                "-noreset",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let mut xvfb = Guarded::spawn("Xvfb", &mut command)
            .unwrap_or_else(|e| panic!("cannot start Xvfb (apt install xvfb): {e}"));
        if wait_until(Duration::from_secs(10), || {
            socket.exists() || xvfb.has_exited()
        }) && !xvfb.has_exited()
        {
            return (xvfb, display);
        }
        // Lost a race for this number with another process; try the next.
    }
    panic!("no free X display number between :90 and :189");
}
