use std::time::Duration;

use super::*;
use crate::providers::ProviderErrorKind as K;

fn at(ms: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_millis(ms)
}

fn failure(started: u64, now: u64) -> SharedFailure {
    Failure {
        kind: K::Timeout,
        status: None,
        retry_after: None,
        started: at(started),
        now: at(now),
    }
}

#[test]
fn an_entry_reads_back_as_written() {
    let entry = Counted {
        failures: 3,
        failed_at: at(1_700_000_000_123),
        until: Some(at(1_700_000_030_123)),
        reason: K::RateLimit,
        status: Some(429),
    };
    assert_eq!(decode(&encode(&entry)).expect("decodes"), entry);
    let none = Counted {
        status: None,
        ..entry
    };
    assert_eq!(decode(&encode(&none)).expect("decodes"), none);
    for bad in [
        "",
        "1|2|3|rate_limit",
        "1|2|3|no_such_kind|",
        "x|2|3|timeout|",
    ] {
        assert!(decode(bad).is_err(), "{bad}");
    }
}

#[tokio::test]
async fn two_handles_on_one_file_share_cooldowns_by_the_counting_rule() {
    let dir = tempfile::tempdir().expect("tempdir");
    // Two opens of one file stand for two processes.
    let a = StateStore::open("local", dir.path()).expect("opens");
    let b = StateStore::open("local", dir.path()).expect("opens again");
    let now = now_ms();
    let first = a.fail("p/m", failure(now - 5, now)).await.expect("counted");
    assert_eq!(first.failures, 1);
    assert_eq!(first.until, Some(at(now + 30_000)));
    // The same outage seen by a request of the other process that started before it: once.
    let again = b
        .fail("p/m", failure(now - 5, now + 1))
        .await
        .expect("kept");
    assert_eq!(again.failures, 1);
    let seen = b.cooldowns(None).await;
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].0, "p/m");
    // A success that started before the failure leaves it; one after it clears it.
    a.succeed("p/m", at(now - 10)).await;
    assert_eq!(b.cooldowns(Some(&["p/m".to_owned()])).await.len(), 1);
    b.succeed("p/m", at(now + 2)).await;
    assert!(a.cooldowns(None).await.is_empty());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let path = dir.path().join(local::FILE_NAME);
        let mode = std::fs::metadata(path).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

#[tokio::test]
async fn a_cooldown_that_ended_is_not_read_and_counting_restarts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let s = StateStore::open("local", dir.path()).expect("opens");
    let long_ago = now_ms() - 3_600_000;
    s.fail("p/m", failure(long_ago - 1, long_ago)).await;
    assert!(s.cooldowns(None).await.is_empty(), "ended an hour ago");
    let now = now_ms();
    let c = s.fail("p/m", failure(now, now)).await.expect("counted");
    assert_eq!(c.failures, 1);
    s.clear().await;
    assert!(s.cooldowns(None).await.is_empty());
}

#[tokio::test]
async fn counters_add_up_per_key_and_reach_marks_are_kept() {
    let dir = tempfile::tempdir().expect("tempdir");
    let a = StateStore::open("local", dir.path()).expect("opens");
    let b = StateStore::open("", dir.path()).expect("opens");
    a.tally("token:ann", 0.0).await;
    b.tally("token:ann", 0.0).await;
    a.spend("token:ann", 0.25).await;
    b.spend("token:ann", 0.5).await;
    b.tally("token:bob", 0.0).await;
    let ann = a.today("token:ann").await;
    assert_eq!(ann.requests, 2);
    assert!((ann.usd - 0.75).abs() < 1e-9, "{}", ann.usd);
    assert_eq!(a.today("token:bob").await.requests, 1);
    assert_eq!(a.today("token:nobody").await, Tally::default());

    let checked = SystemTime::now();
    a.mark_reach(
        "lms",
        Reach {
            reachable: false,
            checked,
        },
    )
    .await;
    // An older mark does not replace a newer one.
    let older = checked - Duration::from_secs(5);
    b.mark_reach(
        "lms",
        Reach {
            reachable: true,
            checked: older,
        },
    )
    .await;
    let found = b.reach(&["lms".to_owned(), "other".to_owned()]).await;
    assert_eq!(found.len(), 1);
    assert!(!found[0].1.reachable);
}

#[test]
fn an_unknown_state_spec_is_refused_with_the_forms() {
    let dir = tempfile::tempdir().expect("tempdir");
    let err = StateStore::open("memcached://x", dir.path()).expect_err("refused");
    assert!(err.to_string().contains("redis://HOST:PORT"), "{err}");
    let redis = StateStore::open("redis://:secret@127.0.0.1:1/0", dir.path()).expect("parses");
    assert!(!redis.describe().contains("secret"), "{}", redis.describe());
    let err = StateStore::open("redis://:secret@127.0.0.1:nope/0", dir.path()).expect_err("bad");
    assert!(!err.to_string().contains("secret"), "{err}");
}
