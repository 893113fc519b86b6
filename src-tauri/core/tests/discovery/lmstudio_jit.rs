//! LM Studio the way it wants to be used: just-in-time loads with an idle TTL (the warm-up and
//! every chat request), "Keep loaded" pins, and downloads with progress, failure, cancel and a
//! server that goes away.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use switchboard_core::config::Config;
use switchboard_core::discovery::download::{
    self, DownloadOutcome, DownloadProgress, DownloadRequest, DownloadStatus, FollowOptions,
};
use switchboard_core::discovery::{
    load_model, warm_up, DiscoveryErrorKind, LoadOptions, LoadState, IDLE_TTL_SECONDS,
};
use switchboard_core::providers::{check_target, draft_target, CancellationToken, Client, Draft};
use switchboard_fakes::lmstudio::{self, Downloads, Script};

use crate::util::{model, port, probe};

const GEMMA: &str = "google/gemma-3-27b";

fn body(fake: &switchboard_fakes::FakeServer, path: &str) -> serde_json::Value {
    let request = fake
        .requests()
        .into_iter()
        .rfind(|r| r.path == path)
        .unwrap_or_else(|| panic!("no request to {path}"));
    serde_json::from_str(&request.body).expect("json body")
}

#[tokio::test]
async fn load_is_just_in_time_with_a_ttl_and_reports_loading_until_the_reply() {
    let script = Script::v1()
        .nothing_loaded()
        .jit_delay(Duration::from_millis(200));
    let (fake, state) = lmstudio::start_with_state(script).expect("fake");
    let mut states = Vec::new();
    let options = LoadOptions {
        context_length: Some(32_768),
        ..LoadOptions::default()
    };
    let loaded = warm_up(
        &format!("{}/v1", fake.url()),
        GEMMA,
        "openai-responses",
        &options,
        &mut |s| states.push(s),
    )
    .await
    .expect("loads");
    assert!(matches!(&states[0], LoadState::Loading { model, .. } if model == GEMMA));
    assert!(matches!(&states[1], LoadState::Loaded(l) if !l.pinned));
    assert_eq!(loaded.idle_ttl_seconds, Some(IDLE_TTL_SECONDS));
    assert!(
        loaded.load_time_seconds.is_some_and(|s| s >= 0.2),
        "the load delay is inside the wait: {loaded:?}"
    );

    let sent = body(&fake, "/api/v1/chat");
    assert_eq!(sent["ttl"], IDLE_TTL_SECONDS);
    assert_eq!(sent["model"], GEMMA);
    assert_eq!(sent["context_length"], 32_768);
    assert_eq!(sent["store"], false, "no chat thread kept for a warm-up");
    assert!(fake
        .requests()
        .iter()
        .all(|r| r.path != "/api/v1/models/load"));
    let gemma = state.model(GEMMA).expect("model");
    assert_eq!(
        (gemma.pinned, gemma.ttl),
        (false, Some(IDLE_TTL_SECONDS)),
        "loaded just in time, not pinned"
    );
    let s = probe(
        switchboard_core::discovery::ServerKind::LmStudio,
        port(&fake),
    )
    .await;
    let gemma = model(&s, GEMMA);
    assert_eq!(
        (gemma.loaded, gemma.context_window),
        (Some(true), Some(32_768)),
        "reported loaded afterwards, with the context asked for"
    );
}

#[tokio::test]
async fn an_lmstudio_before_0_4_loads_through_the_openai_request() {
    let script = Script::v0().version("0.3.29").nothing_loaded();
    let (fake, state) = lmstudio::start_with_state(script).expect("fake");
    let loaded = warm_up(
        &fake.url(),
        GEMMA,
        "openai-responses",
        &LoadOptions::default(),
        &mut |_| {},
    )
    .await
    .expect("loads");
    assert_eq!(loaded.context_length, None);
    assert_eq!(body(&fake, "/v1/responses")["ttl"], IDLE_TTL_SECONDS);
    assert_eq!(
        state.model(GEMMA).map(|m| (m.pinned, m.ttl)),
        Some((false, Some(IDLE_TTL_SECONDS)))
    );
}

#[tokio::test]
async fn with_jit_off_load_says_how_to_turn_it_on() {
    let fake = lmstudio::start(Script::v1().nothing_loaded().jit_off()).expect("fake");
    let err = warm_up(
        &fake.url(),
        GEMMA,
        "openai-responses",
        &LoadOptions::default(),
        &mut |_| {},
    )
    .await
    .expect_err("refused");
    assert!(
        err.to_string().contains("just-in-time loading is off"),
        "{err}"
    );
}

#[tokio::test]
async fn keep_loaded_pins_the_model_with_no_ttl() {
    let (fake, state) = lmstudio::start_with_state(Script::v1().nothing_loaded()).expect("fake");
    let loaded = load_model(&fake.url(), GEMMA, &LoadOptions::default(), &mut |_| {})
        .await
        .expect("loads");
    assert!(loaded.pinned);
    let gemma = state.model(GEMMA).expect("model");
    assert_eq!((gemma.pinned, gemma.ttl), (true, None));
    assert!(fake
        .requests()
        .iter()
        .all(|r| r.path != "/v1/responses" && r.path != "/api/v1/chat"));
}

#[tokio::test]
async fn chat_requests_to_lmstudio_carry_the_ttl_and_load_the_model() {
    let (fake, state) = lmstudio::start_with_state(Script::v1().nothing_loaded()).expect("fake");
    let draft = Draft {
        provider: "lmstudio".into(),
        model: GEMMA.into(),
        api: "openai-responses".into(),
        base_url: format!("{}/v1", fake.url()),
        headers: Vec::new(),
    };
    let target = draft_target(&draft, None, &Config::default()).expect("target");
    let client = Client::new(Duration::from_secs(5)).expect("client");
    check_target(
        &client,
        &target,
        Duration::from_secs(10),
        CancellationToken::new(),
    )
    .await
    .expect("answers");
    assert_eq!(body(&fake, "/v1/responses")["ttl"], IDLE_TTL_SECONDS);
    assert_eq!(
        state.model(GEMMA).and_then(|m| m.ttl),
        Some(IDLE_TTL_SECONDS)
    );

    let other = Draft {
        provider: "local-9".into(),
        ..draft
    };
    let target = draft_target(&other, None, &Config::default()).expect("target");
    check_target(
        &client,
        &target,
        Duration::from_secs(10),
        CancellationToken::new(),
    )
    .await
    .expect("answers");
    assert!(
        body(&fake, "/v1/responses").get("ttl").is_none(),
        "only LM Studio's provider gets a ttl"
    );
}

fn follow() -> FollowOptions {
    FollowOptions {
        poll: Duration::from_millis(50),
        request_timeout: Duration::from_secs(2),
        ..FollowOptions::default()
    }
}

fn request(model: &str) -> DownloadRequest {
    DownloadRequest {
        model: model.into(),
        quantization: None,
    }
}

fn downloads(fail_at: Option<f64>) -> Downloads {
    Downloads {
        total_bytes: 50_000_000,
        bytes_per_second: 100_000_000,
        fail_at,
        adds: None,
    }
}

type Seen = Arc<Mutex<Vec<DownloadProgress>>>;

fn recorder() -> (Seen, impl FnMut(&DownloadProgress) + Send) {
    let seen: Seen = Arc::default();
    let into = seen.clone();
    (seen, move |p: &DownloadProgress| {
        into.lock().expect("lock").push(p.clone())
    })
}

#[tokio::test]
async fn a_download_reports_rising_progress_then_the_model_is_there() {
    let script = Script::v1().no_chat_models().downloads(downloads(None));
    let fake = lmstudio::start(script).expect("fake");
    let (seen, mut on_progress) = recorder();
    let outcome = download::download(
        &fake.url(),
        &DownloadRequest {
            model: "https://huggingface.co/unsloth/MiniMax-M2.1-GGUF".into(),
            quantization: Some("Q4_K_M".into()),
        },
        &follow(),
        &CancellationToken::new(),
        &mut on_progress,
    )
    .await
    .expect("downloads");
    assert!(matches!(outcome, DownloadOutcome::Completed(ref p) if p.percent == Some(100.0)));
    let seen = seen.lock().expect("lock").clone();
    assert!(seen.len() >= 3, "several looks: {seen:?}");
    assert_eq!(seen[0].status, DownloadStatus::Downloading);
    assert!(seen[0].job_id.is_some());
    let percents: Vec<f64> = seen.iter().filter_map(|p| p.percent).collect();
    assert!(percents.windows(2).all(|w| w[0] <= w[1]), "{percents:?}");
    assert!(seen.iter().any(|p| p.bytes_per_second == Some(1e8)));
    assert!(seen
        .iter()
        .any(|p| p.status == DownloadStatus::Downloading && p.seconds_left.is_some()));
    let sent = body(&fake, "/api/v1/models/download");
    assert_eq!(sent["quantization"], "Q4_K_M");

    let s = probe(
        switchboard_core::discovery::ServerKind::LmStudio,
        port(&fake),
    )
    .await;
    assert_eq!(model(&s, "minimax-m2.1").loaded, Some(false));

    let again = download::download(
        &fake.url(),
        &DownloadRequest {
            model: "https://huggingface.co/unsloth/MiniMax-M2.1-GGUF".into(),
            quantization: Some("Q4_K_M".into()),
        },
        &follow(),
        &CancellationToken::new(),
        &mut |_| {},
    )
    .await
    .expect("answers");
    assert_eq!(again, DownloadOutcome::AlreadyDownloaded);
}

#[tokio::test]
async fn a_failed_job_is_an_error_naming_the_model() {
    let script = Script::v1().downloads(downloads(Some(0.4)));
    let fake = lmstudio::start(script).expect("fake");
    let err = download::download(
        &fake.url(),
        &request("openai/gpt-oss-20b"),
        &follow(),
        &CancellationToken::new(),
        &mut |_| {},
    )
    .await
    .expect_err("fails");
    assert_eq!(err.kind(), DiscoveryErrorKind::DownloadFailed);
    let text = err.to_string();
    assert!(
        text.contains("openai/gpt-oss-20b") && text.contains("20 MB of 50 MB"),
        "{text}"
    );
}

#[tokio::test]
async fn cancel_stops_polling_and_starting_again_picks_the_job_up() {
    let slow = Downloads {
        bytes_per_second: 20_000_000,
        ..downloads(None)
    };
    let fake = lmstudio::start(Script::v1().downloads(slow)).expect("fake");
    let cancel = CancellationToken::new();
    let stop = cancel.clone();
    let mut looks = 0;
    let outcome = download::download(
        &fake.url(),
        &request("openai/gpt-oss-20b"),
        &follow(),
        &cancel,
        &mut |_| {
            looks += 1;
            if looks == 2 {
                stop.cancel();
            }
        },
    )
    .await
    .expect("cancelled");
    let DownloadOutcome::Cancelled { job_id, note } = outcome else {
        panic!("{outcome:?}");
    };
    assert!(note.contains("Downloads panel"));
    let polls = |fake: &switchboard_fakes::FakeServer| {
        fake.requests()
            .iter()
            .filter(|r| r.path.starts_with("/api/v1/models/download/status/"))
            .count()
    };
    let after_cancel = polls(&fake);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(polls(&fake), after_cancel, "no polling after Cancel");

    let (seen, mut on_progress) = recorder();
    let outcome = download::download(
        &fake.url(),
        &request("openai/gpt-oss-20b"),
        &follow(),
        &CancellationToken::new(),
        &mut on_progress,
    )
    .await
    .expect("completes");
    assert!(matches!(outcome, DownloadOutcome::Completed(_)));
    let first = seen.lock().expect("lock")[0].clone();
    assert_eq!(first.job_id, job_id, "the same job, still going");
}

#[tokio::test]
async fn lmstudio_going_away_mid_download_ends_with_a_clear_error() {
    let slow = Downloads {
        bytes_per_second: 1_000_000,
        ..downloads(None)
    };
    let fake = lmstudio::start(Script::v1().downloads(slow)).expect("fake");
    let url = fake.url();
    let mut fake = Some(fake);
    let err = tokio::time::timeout(
        Duration::from_secs(20),
        download::download(
            &url,
            &request("openai/gpt-oss-20b"),
            &follow(),
            &CancellationToken::new(),
            &mut |_| drop(fake.take()),
        ),
    )
    .await
    .expect("never hangs")
    .expect_err("gone");
    assert_eq!(err.kind(), DiscoveryErrorKind::Unreachable);
    assert!(err.to_string().contains("stopped answering"), "{err}");
}

#[tokio::test]
async fn an_lmstudio_without_the_download_api_says_which_version_it_needs() {
    let fake = lmstudio::start(Script::v0()).expect("fake");
    let err = download::start(&fake.url(), &request("openai/gpt-oss-20b"), &follow())
        .await
        .expect_err("no API");
    assert!(err.to_string().contains("LM Studio 0.4.0"), "{err}");
}

#[test]
fn the_cli_downloads_through_lm_studio_with_progress_on_stderr() {
    use clap::Parser;
    use switchboard_core::cli::models_cmd::{self, DownloadArgs, ModelsArgs, ModelsCommand};
    use switchboard_core::cli::{Cli, Command, Exit};

    let cli = Cli::try_parse_from(["switchboard", "models", "download", "--json"]).expect("parses");
    assert!(matches!(
        cli.command,
        Some(Command::Models(ModelsArgs {
            edit: Some(ModelsCommand::Download(DownloadArgs { model: None, .. })),
            ..
        }))
    ));
    assert!(
        Cli::try_parse_from([
            "switchboard",
            "models",
            "download",
            "--quantization",
            "Q4_K_M"
        ])
        .is_err(),
        "a quantization needs a model"
    );

    let fake = lmstudio::start(Script::v1().downloads(downloads(None))).expect("fake");
    let dir = tempfile::tempdir().expect("dir");
    let paths = switchboard_core::paths::Paths {
        config_file: dir.path().join("config.json5"),
        data_dir: dir.path().join("data"),
        log_dir: dir.path().join("logs"),
    };
    let args = ModelsArgs {
        json: false,
        edit: Some(ModelsCommand::Download(DownloadArgs {
            model: Some("openai/gpt-oss-20b".into()),
            quantization: None,
            lmstudio_port: port(&fake),
            json: true,
        })),
    };
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let exit = models_cmd::run(&args, &paths, &mut out, &mut err);
    let (out, err) = (
        String::from_utf8_lossy(&out).into_owned(),
        String::from_utf8_lossy(&err).into_owned(),
    );
    assert_eq!(exit, Exit::Success, "{err}");
    let outcome: serde_json::Value = serde_json::from_str(out.trim()).expect("json");
    assert_eq!(outcome["outcome"], "completed", "{out}");
    assert!(err.contains("100%"), "{err}");

    let gone = ModelsArgs {
        json: false,
        edit: Some(ModelsCommand::Download(DownloadArgs {
            model: Some("openai/gpt-oss-20b".into()),
            quantization: None,
            lmstudio_port: switchboard_fakes::refused_addr().expect("addr").port(),
            json: false,
        })),
    };
    let (mut out, mut err) = (Vec::new(), Vec::new());
    assert_eq!(
        models_cmd::run(&gone, &paths, &mut out, &mut err),
        Exit::Failure
    );
    assert!(String::from_utf8_lossy(&err).contains("switchboard:"));
}
