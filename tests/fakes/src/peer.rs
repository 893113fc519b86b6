//! Tests that need a real third-party peer (OpenClaw's validator, the LiteLLM proxy), when that
//! peer is not installed: a failure under `CI=true` (a suite must never pass without running),
//! elsewhere a loud notice plus a line in the file `$SWITCHBOARD_SKIP_LOG`, from which
//! `.ci/test-all` names the skipped suites in its summary.

use std::io::Write;

/// The environment variable naming the file skipped suites are appended to.
pub const SKIP_LOG_ENV: &str = "SWITCHBOARD_SKIP_LOG";

/// Whether this is a CI run (`CI` set to `true` or `1`, as CI services set it).
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v.eq_ignore_ascii_case("true") || v == "1")
}

/// `suite` cannot run because its peer is missing (`why`, with how to install it). Panics under
/// `CI=true`; otherwise prints a notice and records the skip. The caller then returns.
pub fn missing(suite: &str, why: &str) {
    assert!(
        !in_ci(),
        "{suite}: {why}. Under CI=true a missing peer fails the suite instead of skipping it."
    );
    eprintln!("\n\n*** SKIPPED: {suite}: {why} ***\n");
    let Some(log) = std::env::var_os(SKIP_LOG_ENV).filter(|l| !l.is_empty()) else {
        return;
    };
    let appended = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&log)
        .and_then(|mut f| writeln!(f, "{suite}"));
    if let Err(e) = appended {
        eprintln!("cannot record the skip in {}: {e}", log.to_string_lossy());
    }
}
