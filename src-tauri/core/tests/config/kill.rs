//! kill -9 during a save: a child process (this test binary re-executed) saves the config over
//! and over, alternating two versions, and is killed at random moments. After every kill the
//! config is one of the two versions whole (by sha256), never torn or empty, the `.bak` is
//! whole too, and the next save cleans up whatever temp files the killed one left.
//!
//! The normal run kills it a few times; `cargo test --test config -- --ignored kill` kills it
//! 200 times and prints the figures.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use sha2::{Digest, Sha256};
use switchboard_core::config::save::{backup_path, write_atomic, Fingerprint};

const CHILD_ENV: &str = "SB_SAVE_CHILD";
/// What the child prints after its first save (after the harness's own words on that line).
const READY: &str = "first save done";

/// The two versions: big enough (256 KiB) that a kill often lands inside a write.
fn version(which: u8) -> String {
    let fill = char::from(b'a' + which).to_string().repeat(256 * 1024);
    format!(
        "{{ version: \"{}\", fill: \"{fill}\" }}\n",
        char::from(b'A' + which)
    )
}

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Not a test by itself: the child that saves until it is killed.
#[test]
fn save_child() {
    let Some(path) = std::env::var_os(CHILD_ENV) else {
        return;
    };
    let path = Path::new(&path);
    let versions = [version(0), version(1)];
    let mut announced = false;
    loop {
        let current = std::fs::read(path).expect("the config is readable");
        let next = if current == versions[0].as_bytes() {
            &versions[1]
        } else {
            &versions[0]
        };
        match write_atomic(path, next, Some(Fingerprint::of(&current))) {
            Ok(_) => {}
            Err(e) => panic!("save failed: {e}"),
        }
        if !announced {
            println!("{READY}");
            announced = true;
        }
    }
}

/// What the kills found.
#[derive(Debug, Default)]
struct Figures {
    kills: usize,
    old_or_new_whole: usize,
    bak_whole: usize,
    temp_files_left: usize,
}

/// A small deterministic generator for the kill moments (the seed is printed).
struct XorShift(u64);

impl XorShift {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

fn temp_files(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .expect("ls")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().contains("tmp"))
        .count()
}

fn kill_during_saves(kills: usize) -> Figures {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("config.json5");
    let versions = [version(0), version(1)];
    let whole = [
        sha256(versions[0].as_bytes()),
        sha256(versions[1].as_bytes()),
    ];
    std::fs::write(&path, &versions[0]).expect("write");
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(1, |d| d.as_nanos() as u64)
        | 1;
    eprintln!("kill moments from seed {seed}");
    let mut moments = XorShift(seed);
    let mut figures = Figures::default();
    for round in 0..kills {
        let mut child = Command::new(std::env::current_exe().expect("exe"))
            .args([
                "kill::save_child",
                "--exact",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD_ENV, &path)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn");
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(stdout).lines();
        // Its first save is done (so any temp files of the last kill are gone): kill it at a
        // random moment within the next ~30 ms, tens of saves.
        assert!(
            lines.any(|l| l.is_ok_and(|l| l.contains(READY))),
            "round {round}: the child never saved"
        );
        std::thread::sleep(Duration::from_micros(moments.below(30_000)));
        child.kill().expect("kill -9");
        child.wait().expect("reap");
        figures.kills += 1;

        let now = sha256(&std::fs::read(&path).expect("the config is still there"));
        assert!(whole.contains(&now), "round {round}: torn config ({now})");
        figures.old_or_new_whole += 1;
        let bak = sha256(&std::fs::read(backup_path(&path)).expect("a .bak exists"));
        assert!(whole.contains(&bak), "round {round}: torn .bak ({bak})");
        figures.bak_whole += 1;
        if temp_files(dir.path()) > 0 {
            figures.temp_files_left += 1;
        }
    }
    // One more save cleans up after the last kill.
    let current = std::fs::read(&path).expect("read");
    write_atomic(&path, &versions[0], Some(Fingerprint::of(&current))).expect("saves");
    assert_eq!(
        temp_files(dir.path()),
        0,
        "temp files left after a clean save"
    );
    figures
}

#[test]
fn a_save_killed_at_random_moments_leaves_a_whole_config_and_bak() {
    let figures = kill_during_saves(5);
    assert_eq!(figures.old_or_new_whole, 5, "{figures:?}");
}

#[test]
#[ignore = "long: 200 kills; run with --ignored for the figure"]
fn two_hundred_kills_during_saves() {
    let figures = kill_during_saves(200);
    eprintln!("FIGURE kill -9 during save: {figures:?}");
    assert_eq!(figures.old_or_new_whole, 200);
    assert_eq!(figures.bak_whole, 200);
}
