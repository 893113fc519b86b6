//! A private session bus with an unlocked throw-away gnome-keyring, started once per test
//! binary. A supervisor shell holds both daemons and ends them when our end of its stdin closes
//! (when this process exits), so nothing outlives the tests.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// The running session.
pub(crate) struct Session {
    /// The throw-away home (config, data, logs and the keyring's files live here).
    pub(crate) home: tempfile::TempDir,
    /// `DBUS_SESSION_BUS_ADDRESS` of the private bus.
    pub(crate) address: String,
    _supervisor: Mutex<(Child, ChildStdin)>,
}

const BUS_CONFIG: &str = r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
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

/// Starts dbus-daemon (no service directories: nothing is activated behind our back) and,
/// when `unlock`, an unlocked gnome-keyring on it; the keyring's password comes on its stdin.
const SUPERVISOR: &str = r#"
conf="$1"; sock="$2"; unlock="$3"
dbus-daemon --config-file="$conf" --nofork --nopidfile --address="unix:path=$sock" 2>/dev/null &
bus=$!
i=0; while [ ! -S "$sock" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done
export DBUS_SESSION_BUS_ADDRESS="unix:path=$sock"
keyring=
if [ "$unlock" = 1 ]; then
  printf 'switchboard-test-password' | gnome-keyring-daemon --foreground --unlock --components=secrets >/dev/null 2>&1 &
  keyring=$!
fi
echo ready
read _ignored
kill $keyring $bus 2>/dev/null
wait
"#;

/// A command with a clean environment pointing into `home` and at the bus `address`.
pub(crate) fn command(program: impl AsRef<std::ffi::OsStr>, home: &Path, address: &str) -> Command {
    let mut c = Command::new(program);
    c.env_clear()
        .env(
            "PATH",
            std::env::var_os("PATH").unwrap_or_else(|| "/usr/bin:/bin".into()),
        )
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("XDG_RUNTIME_DIR", home.join("runtime"))
        .env("DBUS_SESSION_BUS_ADDRESS", address);
    c
}

/// Starts a private bus (and an unlocked keyring when `unlock`) in a new home.
pub(crate) fn start(unlock: bool) -> Session {
    let home = tempfile::tempdir().expect("tempdir");
    for d in ["config", "data", "state", "cache", "runtime"] {
        std::fs::create_dir_all(home.path().join(d)).expect("mkdir");
    }
    use std::os::unix::fs::PermissionsExt;
    let runtime = home.path().join("runtime");
    std::fs::set_permissions(&runtime, std::fs::Permissions::from_mode(0o700)).expect("chmod");
    let conf = home.path().join("bus.conf");
    std::fs::write(&conf, BUS_CONFIG).expect("bus config");
    let sock = runtime.join("bus");
    let address = format!("unix:path={}", sock.display());
    let mut child = command("sh", home.path(), &address)
        .arg("-c")
        .arg(SUPERVISOR)
        .arg("sh")
        .arg(&conf)
        .arg(&sock)
        .arg(if unlock { "1" } else { "0" })
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("sh");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("supervisor output");
    assert_eq!(
        line.trim(),
        "ready",
        "the private bus did not start (apt install dbus)"
    );
    let stdin = child.stdin.take().expect("stdin");
    if unlock {
        let deadline = Instant::now() + Duration::from_secs(15);
        while !bus_has_name(home.path(), &address, "org.freedesktop.secrets") {
            assert!(
                Instant::now() < deadline,
                "gnome-keyring did not claim org.freedesktop.secrets (apt install gnome-keyring)"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    Session {
        home,
        address,
        _supervisor: Mutex::new((child, stdin)),
    }
}

fn bus_has_name(home: &Path, address: &str, name: &str) -> bool {
    let out = command("dbus-send", home, address)
        .args([
            "--session",
            "--print-reply",
            "--dest=org.freedesktop.DBus",
            "/org/freedesktop/DBus",
        ])
        .arg("org.freedesktop.DBus.NameHasOwner")
        .arg(format!("string:{name}"))
        .output();
    matches!(out, Ok(o) if String::from_utf8_lossy(&o.stdout).contains("boolean true"))
}

impl Drop for Session {
    fn drop(&mut self) {
        let mut guard = self
            ._supervisor
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        // Tell the supervisor to stop the daemons, then reap it.
        let _eof = guard.1.write_all(b"stop\n");
        let _reaped = guard.0.wait();
    }
}

/// The shared session of this test binary, with this process pointed at its bus. Every test
/// that touches the keychain calls this first, so no keyring call ever sees the user's bus.
pub(crate) fn shared() -> &'static Session {
    static SESSION: OnceLock<Session> = OnceLock::new();
    SESSION.get_or_init(|| {
        let s = start(true);
        // Set once, before any keychain call of this process; the libdbus connection reads it.
        std::env::set_var("DBUS_SESSION_BUS_ADDRESS", &s.address);
        std::env::set_var("XDG_RUNTIME_DIR", s.home.path().join("runtime"));
        s
    })
}

/// Every file under `dir`, recursively.
pub(crate) fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in entries.filter_map(Result::ok) {
        let p = e.path();
        if p.is_dir() {
            out.extend(files_under(&p));
        } else {
            out.push(p);
        }
    }
    out
}
