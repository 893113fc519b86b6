//! Config change → applied in `switchboard serve`: the config file is saved (renamed over, as
//! editors do) 20 times, alternating the primary, and each time the wait is until `serve` says
//! the router has the change (the line it prints after `set_config`). In the same run, the
//! baseline: reading and validating the same file once (`LiveConfig::reload`), the part of the
//! path that is not waiting for the OS watcher and its debounce. Run with
//! `cargo bench -p switchboard-core --bench live_config`.

use std::time::{Duration, Instant};

use clap::{Args, FromArgMatches};
use switchboard_core::cli::serve_cmd::{run_until, ServeArgs};
use switchboard_core::config::live::{LiveConfig, Update, DEBOUNCE};
use switchboard_core::paths::Paths;
use switchboard_fakes::lines::Lines;
use switchboard_fakes::openai::{self, Script};

const RUNS: usize = 20;

fn config(a: &str, b: &str, primary: &str) -> String {
    format!(
        r#"{{ models: {{ providers: {{
              a: {{ baseUrl: "{a}/v1", models: [{{ id: "m", name: "A" }}] }},
              b: {{ baseUrl: "{b}/v1", models: [{{ id: "m", name: "B" }}] }},
           }} }},
           agents: {{ defaults: {{ model: "{primary}" }} }} }}"#
    )
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn main() {
    let fake_a = openai::start(Script::reply("a")).expect("fake");
    let fake_b = openai::start(Script::reply("b")).expect("fake");
    let (a, b) = (fake_a.url(), fake_b.url());
    let dir = tempfile::tempdir().expect("tempdir");
    let paths = Paths {
        config_file: dir.path().join("config.json5"),
        data_dir: dir.path().join("data"),
        log_dir: dir.path().join("logs"),
    };
    std::fs::write(&paths.config_file, config(&a, &b, "a/m")).expect("write");

    // Baseline: one read and validation of the same file.
    let live = LiveConfig::open(&paths.config_file);
    let mut reads = Vec::new();
    for i in 0..RUNS {
        let primary = if i % 2 == 0 { "b/m" } else { "a/m" };
        std::fs::write(&paths.config_file, config(&a, &b, primary)).expect("write");
        let start = Instant::now();
        let update = live.reload();
        reads.push(start.elapsed());
        assert!(matches!(update, Update::Applied { .. }));
    }
    std::fs::write(&paths.config_file, config(&a, &b, "a/m")).expect("write");

    let (lines, printed) = Lines::channel();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let thread_paths = paths.clone();
    let server = std::thread::spawn(move || {
        let command = ServeArgs::augment_args(clap::Command::new("serve"));
        let matches = command
            .try_get_matches_from(["serve", "--port", "0"])
            .expect("parses");
        let args = ServeArgs::from_arg_matches(&matches).expect("args");
        let mut out = lines;
        let mut err = Vec::new();
        run_until(&args, &thread_paths, &mut out, &mut err, async {
            let _ignored = stopped.await;
        })
    });
    let next = || {
        printed
            .recv_timeout(Duration::from_secs(30))
            .expect("serve prints")
    };
    let _token = next();
    let _listening = next();
    let mut applied = Vec::new();
    for i in 0..RUNS {
        let primary = if i % 2 == 0 { "b/m" } else { "a/m" };
        let temp = paths.config_file.with_extension("tmp-edit");
        std::fs::write(&temp, config(&a, &b, primary)).expect("write");
        let start = Instant::now();
        std::fs::rename(&temp, &paths.config_file).expect("rename");
        let line = next();
        applied.push(start.elapsed());
        assert_eq!(line, format!("config reloaded: primary is now {primary}"));
        // Apart from the next save by more than the debounce, as edits by a person are.
        std::thread::sleep(DEBOUNCE * 4);
    }
    let _stopped = stop.send(());
    let _exit = server.join();

    let (read, apply) = (median(reads), median(applied));
    println!("config change -> applied in serve, median of {RUNS}:");
    println!(
        "  read + validate (baseline)  {:>8.2} ms",
        read.as_secs_f64() * 1e3
    );
    println!(
        "  saved -> router has it      {:>8.2} ms  ({:.0}x the baseline; debounce {} ms)",
        apply.as_secs_f64() * 1e3,
        apply.as_secs_f64() / read.as_secs_f64().max(1e-9),
        DEBOUNCE.as_millis()
    );
}
