//! `switchboard serve` as a child process on a free port, for the end-to-end tests and the soak.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use crate::app_binary;

/// Ends the gateway however the test ends.
pub struct Serving(Child);

impl Serving {
    /// The gateway's process id.
    pub fn pid(&self) -> u32 {
        self.0.id()
    }
}

impl Drop for Serving {
    fn drop(&mut self) {
        let _gone = self.0.kill();
        let _reaped = self.0.wait();
    }
}

/// `switchboard` with a clean environment whose config, data and logs are under `home` (the
/// gateway's, for `serve token add` and the like).
pub fn switchboard(home: &Path) -> Command {
    let mut command = Command::new(app_binary());
    command
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("XDG_STATE_HOME", home.join("state"))
        .env("SWITCHBOARD_DATA_DIR", home.join("data"))
        .arg("--config")
        .arg(home.join("config.json5"));
    command
}

/// Starts `switchboard serve --port 0` over `config`; its base URL and token.
pub fn serve(home: &Path, config: &str, extra: &[&str]) -> (Serving, String, String) {
    let config_file = home.join("config.json5");
    std::fs::write(&config_file, config).expect("writes the config");
    let token_file = home.join("token");
    let mut child = switchboard(home)
        .args(["serve", "--port", "0", "--token-file"])
        .arg(&token_file)
        .args(extra)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        // The plaintext-key warning goes here; nobody reads it, as in a terminal left alone.
        .stderr(Stdio::inherit())
        .spawn()
        .expect("starts serve");
    let stdout = child.stdout.take().expect("stdout");
    let serving = Serving(child);
    let mut lines = BufReader::new(stdout).lines();
    let url = loop {
        let line = lines
            .next()
            .expect("serve printed its address")
            .expect("reads");
        if let Some(rest) = line.strip_prefix("listening on ") {
            break rest.split_whitespace().next().expect("url").to_owned();
        }
    };
    // Keep reading stdout so the child never blocks on a full pipe.
    std::thread::spawn(move || for _line in lines {});
    let token = std::fs::read_to_string(&token_file).expect("token file");
    (serving, url, token.trim().to_owned())
}
