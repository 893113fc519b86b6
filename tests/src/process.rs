//! Child processes in their own process groups, ended group-wide on drop.
//!
//! WebKit spawns helper processes that outlive a plain kill of the app, so each child starts a
//! new process group and teardown signals the whole group: TERM, a short grace, then KILL.

use std::path::Path;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use std::os::unix::process::CommandExt;

/// A child process (and its group) that is ended when dropped.
#[derive(Debug)]
pub struct Guarded {
    name: String,
    child: Child,
}

impl Guarded {
    /// Spawns `command` as the leader of a new process group.
    pub fn spawn(name: &str, command: &mut Command) -> std::io::Result<Self> {
        let child = command.process_group(0).spawn()?;
        Ok(Guarded {
            name: name.to_owned(),
            child,
        })
    }

    /// The child's pid (also its process group id).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Whether the child has exited; reaps it if so.
    pub fn has_exited(&mut self) -> bool {
        !matches!(self.child.try_wait(), Ok(None))
    }

    /// Mutable access to the child, e.g. to take its stdout.
    pub fn child_mut(&mut self) -> &mut Child {
        &mut self.child
    }
}

impl Drop for Guarded {
    fn drop(&mut self) {
        end_group(self.pid(), &self.name);
        let _ignored = self.child.kill();
        let _ignored = self.child.wait();
    }
}

/// Sends TERM to process group `pgid`, waits up to 3 s for it to empty, then sends KILL.
pub fn end_group(pgid: u32, name: &str) {
    signal_group(pgid, "TERM");
    let deadline = Instant::now() + Duration::from_secs(3);
    while group_alive(pgid) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    if group_alive(pgid) {
        eprintln!("{name} (group {pgid}) ignored TERM; killing it");
        signal_group(pgid, "KILL");
    }
}

fn signal_group(pgid: u32, signal: &str) {
    // `kill -SIG -PGID` signals a whole group without unsafe code.
    let _ignored = Command::new("kill")
        .args([format!("-{signal}"), "--".to_owned(), format!("-{pgid}")])
        .stderr(std::process::Stdio::null())
        .status();
}

fn group_alive(pgid: u32) -> bool {
    processes().iter().any(|p| p.pgid == pgid && p.state != 'Z')
}

/// One line of `/proc/PID/stat`, the fields we use.
#[derive(Debug, Clone)]
pub struct ProcInfo {
    /// Process id.
    pub pid: u32,
    /// Parent process id.
    pub ppid: u32,
    /// Process group id.
    pub pgid: u32,
    /// State letter (`R`, `S`, `Z`, …).
    pub state: char,
}

/// Every process visible in `/proc`.
pub fn processes() -> Vec<ProcInfo> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|entry| {
            let pid: u32 = entry.ok()?.file_name().to_str()?.parse().ok()?;
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
            // The command name may contain spaces and parentheses; fields follow the last ')'.
            let rest = &stat[stat.rfind(')')? + 2..];
            let mut fields = rest.split(' ');
            let state = fields.next()?.chars().next()?;
            let ppid = fields.next()?.parse().ok()?;
            let pgid = fields.next()?.parse().ok()?;
            Some(ProcInfo {
                pid,
                ppid,
                pgid,
                state,
            })
        })
        .collect()
}

/// Live (not zombie) descendants of `root`, at any depth.
pub fn descendants(root: u32) -> Vec<u32> {
    let all = processes();
    let mut found = Vec::new();
    let mut frontier = vec![root];
    while let Some(parent) = frontier.pop() {
        for p in all.iter().filter(|p| p.ppid == parent) {
            frontier.push(p.pid);
            if p.state != 'Z' {
                found.push(p.pid);
            }
        }
    }
    found
}

/// Live descendants of `root` whose executable is `exe`.
pub fn descendants_running(root: u32, exe: &Path) -> Vec<u32> {
    descendants(root)
        .into_iter()
        .filter(|pid| std::fs::read_link(format!("/proc/{pid}/exe")).is_ok_and(|link| link == exe))
        .collect()
}

/// Resident set size of `pid` in KiB (`VmRSS`), or 0 if it is gone.
pub fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| {
            let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
            line.split_whitespace().nth(1)?.parse().ok()
        })
        .unwrap_or(0)
}

/// Like [`wait_until`], without blocking the async runtime (the tray host and the WebDriver
/// session run on it).
pub async fn wait_until_async(timeout: Duration, mut condition: impl FnMut() -> bool) -> bool {
    let deadline = tokio::time::Instant::now() + timeout;
    while tokio::time::Instant::now() < deadline {
        if condition() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    condition()
}

/// Polls `condition` every 50 ms until it holds or `timeout` passes; returns whether it held.
pub fn wait_until(timeout: Duration, mut condition: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + timeout;
    loop {
        if condition() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}
