//! A real `redis-server` (the Debian package) on a free loopback port with a throw-away dir and
//! no persistence, for the tests of gateways sharing their state. Missing, it is a failure
//! under `CI=true` and a loud skip elsewhere (`switchboard_fakes::peer`).

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// A running `redis-server`, stopped on drop.
pub struct Redis {
    child: Option<Child>,
    port: u16,
    dir: PathBuf,
}

/// Whether `redis-server` is on `PATH`; if not, reports the missing peer for `suite` (which
/// panics under `CI=true`) and the caller returns.
pub fn available(suite: &str) -> bool {
    let found = Command::new("redis-server")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !found {
        switchboard_fakes::peer::missing(
            suite,
            "redis-server is not installed (Debian: apt-get install redis-server; \
             .ci/test-all installs it)",
        );
    }
    found
}

fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind(("127.0.0.1", 0)).expect("a free port");
    listener.local_addr().expect("addr").port()
}

impl Redis {
    /// Starts `redis-server` on a free loopback port, keeping its files in `dir`.
    pub fn start(dir: &Path) -> Redis {
        let mut redis = Redis {
            child: None,
            port: free_port(),
            dir: dir.to_owned(),
        };
        redis.restart();
        redis
    }

    /// `redis://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// Stops it (SIGKILL: as abrupt as a crash or a pulled cable).
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _gone = child.kill();
            let _reaped = child.wait();
        }
    }

    /// Starts it again on the same port (empty: nothing is persisted).
    pub fn restart(&mut self) {
        self.stop();
        let child = Command::new("redis-server")
            .args(["--bind", "127.0.0.1", "--port"])
            .arg(self.port.to_string())
            .arg("--dir")
            .arg(&self.dir)
            .args([
                "--save",
                "",
                "--appendonly",
                "no",
                "--protected-mode",
                "yes",
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("starts redis-server");
        self.child = Some(child);
        let ready = crate::process::wait_until(Duration::from_secs(20), || self.ping());
        assert!(
            ready,
            "redis-server did not answer PING on port {}",
            self.port
        );
    }

    /// Runs `redis-cli` against it; its stdout.
    pub fn cli(&self, args: &[&str]) -> String {
        let out = Command::new("redis-cli")
            .args(["-h", "127.0.0.1", "-p"])
            .arg(self.port.to_string())
            .arg("--raw")
            .args(args)
            .output()
            .expect("runs redis-cli");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn ping(&self) -> bool {
        self.cli(&["PING"]).trim() == "PONG"
    }
}

impl Drop for Redis {
    fn drop(&mut self) {
        self.stop();
    }
}
