//! Startup benchmark for the closing note of the foundation issue.
//!
//! For Switchboard and, as the same-run baseline, a bare Tauri 2 hello window
//! (`switchboard-hello`): release binary size, cold start to window shown (median of 5, each in a
//! fresh Xvfb, D-Bus session and home folder, so no WebKit cache survives), and idle RSS of the
//! app plus its WebKit processes 3 s after the window appeared. Runs alternate between the two
//! apps after one untimed warm-up each. Prints the figures and the ratios.
//!
//! Build both release binaries first:
//! `cargo build --release -p switchboard -p switchboard-hello && cargo bench -p switchboard-tests --bench startup`

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use switchboard_tests::desktop::{Desktop, DesktopOptions};
use switchboard_tests::process::{descendants, rss_kib, wait_until, Guarded};

const RUNS: usize = 5;
const IDLE: Duration = Duration::from_secs(3);

struct Subject {
    name: &'static str,
    binary: PathBuf,
    title: &'static str,
    starts: Vec<Duration>,
    rss_kib: Vec<u64>,
}

fn release_dir() -> PathBuf {
    // <target>/release/deps/startup-HASH → <target>/release
    let exe = std::env::current_exe().expect("current exe");
    exe.parent()
        .and_then(Path::parent)
        .expect("release dir")
        .to_path_buf()
}

/// One cold start: returns (time to window shown, idle RSS in KiB of the app and its children).
fn start_once(subject: &Subject) -> (Duration, u64) {
    let desktop = Desktop::start(DesktopOptions {
        dbus: true,
        keyring: false,
        tray_host: false,
        dark_theme: false,
    });
    let mut command = desktop.command(&subject.binary);
    command.stdout(Stdio::null()).stderr(Stdio::null());
    let started = Instant::now();
    let app = Guarded::spawn(subject.name, &mut command).expect("spawn app");
    let shown = wait_until(Duration::from_secs(30), || {
        desktop.window_map_state(subject.title).as_deref() == Some("IsViewable")
    });
    let elapsed = started.elapsed();
    assert!(
        shown,
        "{} showed no window titled {:?}",
        subject.name, subject.title
    );
    std::thread::sleep(IDLE);
    let rss = rss_kib(app.pid()) + descendants(app.pid()).into_iter().map(rss_kib).sum::<u64>();
    drop(app);
    drop(desktop);
    (elapsed, rss)
}

fn median<T: Copy + Ord>(values: &[T]) -> T {
    let mut sorted = values.to_vec();
    sorted.sort();
    sorted[sorted.len() / 2]
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --benches` passes nothing: only run when benching.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let release = release_dir();
    let mut subjects = [
        Subject {
            name: "switchboard",
            binary: release.join("switchboard"),
            title: "Switchboard",
            starts: vec![],
            rss_kib: vec![],
        },
        Subject {
            name: "hello",
            binary: release.join("switchboard-hello"),
            title: "hello",
            starts: vec![],
            rss_kib: vec![],
        },
    ];
    for subject in &subjects {
        assert!(
            subject.binary.exists(),
            "{} is missing: cargo build --release -p switchboard -p switchboard-hello",
            subject.binary.display()
        );
        start_once(subject); // warm-up: disk cache, font cache
    }
    for _ in 0..RUNS {
        for subject in &mut subjects {
            let (start, rss) = start_once(subject);
            subject.starts.push(start);
            subject.rss_kib.push(rss);
        }
    }
    println!(
        "{:<12} {:>12} {:>16} {:>14}",
        "app", "binary", "start (median)", "idle RSS"
    );
    let mut figures = Vec::new();
    for subject in &subjects {
        let size = std::fs::metadata(&subject.binary).expect("binary").len();
        let start = median(&subject.starts);
        let rss = median(&subject.rss_kib);
        println!(
            "{:<12} {:>9.1} MB {:>13} ms {:>11.1} MB   (starts: {:?} ms)",
            subject.name,
            size as f64 / 1e6,
            start.as_millis(),
            rss as f64 / 1024.0,
            subject
                .starts
                .iter()
                .map(Duration::as_millis)
                .collect::<Vec<_>>()
        );
        figures.push((size as f64, start.as_secs_f64(), rss as f64));
    }
    let (ours, base) = (figures[0], figures[1]);
    println!(
        "ratios switchboard/hello: binary {:.2}x, start {:.2}x, idle RSS {:.2}x",
        ours.0 / base.0,
        ours.1 / base.1,
        ours.2 / base.2
    );
}
