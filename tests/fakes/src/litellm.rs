//! The real LiteLLM proxy (PyPI `litellm[proxy]`, see `reference/litellm-proxy.md`) as a
//! third-party test server: started on a free loopback port with a test's model list, stopped
//! when dropped. `install_litellm` in `.ci/lib.sh` installs it and exports
//! [`BIN_ENV`]; tests skip, loudly, only when that variable is unset (and fail under `CI=true`).

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The environment variable naming the `litellm` executable.
pub const BIN_ENV: &str = "SWITCHBOARD_LITELLM_BIN";

/// The `litellm` executable, or `None` after [`crate::peer::missing`] (which fails the test
/// under `CI=true`) naming `test`.
pub fn binary(test: &str) -> Option<String> {
    let bin = std::env::var(BIN_ENV).ok().filter(|b| !b.is_empty());
    if bin.is_none() {
        crate::peer::missing(
            test,
            &format!(
                "{BIN_ENV} is not set. Run .ci/test-all (or `source .ci/lib.sh && \
                 install_litellm`) to test against a real server"
            ),
        );
    }
    bin
}

/// A running proxy; killed (and reaped) when dropped.
#[derive(Debug)]
pub struct LitellmProxy {
    child: Child,
    url: String,
    _dir: tempfile::TempDir,
}

impl LitellmProxy {
    /// Starts `bin` with the config `yaml` on a free port and waits (up to 60 s) until its
    /// liveliness endpoint answers 200.
    pub fn start(bin: &str, yaml: &str) -> std::io::Result<Self> {
        let dir = tempfile::tempdir()?;
        let config = dir.path().join("litellm.yaml");
        std::fs::write(&config, yaml)?;
        let port = std::net::TcpListener::bind(("127.0.0.1", 0))?
            .local_addr()?
            .port();
        let child = Command::new(bin)
            .args(["--config", &config.to_string_lossy(), "--host", "127.0.0.1"])
            .args(["--port", &port.to_string()])
            .env("LITELLM_LOCAL_MODEL_COST_MAP", "True")
            .env("LITELLM_LOG", "ERROR")
            .current_dir(dir.path())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(dir.path().join("litellm.log"))?)
            .spawn()?;
        let proxy = LitellmProxy {
            child,
            url: format!("http://127.0.0.1:{port}"),
            _dir: dir,
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        while !alive(port) {
            if Instant::now() >= deadline {
                return Err(std::io::Error::other(
                    "LiteLLM did not become ready in 60 s",
                ));
            }
            std::thread::sleep(Duration::from_millis(250));
        }
        Ok(proxy)
    }

    /// `http://127.0.0.1:PORT`, with no trailing slash.
    pub fn url(&self) -> &str {
        &self.url
    }
}

impl Drop for LitellmProxy {
    fn drop(&mut self) {
        let _ignored = self.child.kill();
        let _ignored = self.child.wait();
    }
}

fn alive(port: u16) -> bool {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ignored = stream.set_read_timeout(Some(Duration::from_secs(2)));
    let request = "GET /health/liveliness HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
    let mut reply = [0u8; 16];
    stream.write_all(request.as_bytes()).is_ok()
        && stream.read(&mut reply).is_ok_and(|n| {
            // "HTTP/1.0 200" or "HTTP/1.1 200"
            n >= 12 && reply.starts_with(b"HTTP/1.") && &reply[8..12] == b" 200"
        })
}
