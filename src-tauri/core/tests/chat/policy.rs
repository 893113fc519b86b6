//! The router's policies against fake servers: private conversations and the offline switch
//! (decided from the resolved host; nothing sent when every route would leave), the privacy
//! trail in events and history, budgets crossed mid-day, unknown prices.
//!
//! "Hosted" providers here are fakes on this machine reached through a hosted-looking name
//! (`api.hosted.test`) that the client resolves to the fake, as a hosts file would: the router
//! decides from the name in the base URL, and the fake's connection count proves whether
//! anything was sent.

use std::collections::BTreeSet;
use std::time::Duration;

use futures_util::StreamExt;
use switchboard_core::chat::{Ask, ChatEvent, Engine, Reason, RetryPoints};
use switchboard_core::config;
use switchboard_core::history::{HistoryStore, SearchFilter};
use switchboard_core::policy::{Budget, Policy};
use switchboard_core::providers::{resolve_target, Client};
use switchboard_core::router::{AttemptOutcome, RouteErrorKind, Router};
use switchboard_fakes::openai::{self, Script};
use switchboard_fakes::FakeServer;

const HOSTED: &str = "api.hosted.test";

struct World {
    _dir: tempfile::TempDir,
    engine: Engine,
    store: HistoryStore,
}

/// An engine over `providers` (JSON5 entries) with `primary` and `fallbacks`; the name
/// [`HOSTED`] resolves to `hosted`.
fn world(hosted: &FakeServer, providers: &str, primary: &str, fallbacks: &[&str]) -> World {
    let dir = tempfile::tempdir().expect("tempdir");
    let fallbacks: Vec<String> = fallbacks.iter().map(|f| format!("\"{f}\"")).collect();
    let text = format!(
        r#"{{ models: {{ providers: {{ {providers} }} }},
             agents: {{ defaults: {{ model: {{ primary: "{primary}", fallbacks: [{}] }} }} }} }}"#,
        fallbacks.join(", ")
    );
    let loaded = config::load_str(&text, &dir.path().join("config.json5"), &|_| None, &|_| {
        Err(std::io::Error::other("no includes"))
    });
    assert!(loaded.is_valid(), "{:?}", loaded.diagnostics);
    let client =
        Client::with_hosts(Duration::from_secs(5), &[(HOSTED, hosted.addr())]).expect("client");
    let router = Router::with_parts(
        loaded.config,
        client,
        std::sync::Arc::new(|c: &config::model::Config, r: &str| resolve_target(c, r)),
    );
    let store = HistoryStore::open(&dir.path().join("data"))
        .expect("history")
        .store;
    let engine = Engine::new(router, Some(store.clone()), RetryPoints::default());
    World {
        _dir: dir,
        engine,
        store,
    }
}

/// A hosted provider `id` at [`HOSTED`] (the fake's port) with `cost` (JSON5 or empty).
fn hosted_provider(id: &str, fake: &FakeServer, cost: &str) -> String {
    format!(
        r#"{id}: {{ baseUrl: "http://{HOSTED}:{}/v1", apiKey: "sk-hosted-test-key-1234",
              models: [{{ id: "fake-model", name: "H" {cost} }}] }},"#,
        fake.addr().port()
    )
}

/// A local provider (`lmstudio`, an inference server in the catalog) on the fake.
fn local_provider(fake: &FakeServer) -> String {
    format!(
        r#"lmstudio: {{ baseUrl: "{}/v1", models: [{{ id: "fake-model", name: "L" }}] }},"#,
        fake.url()
    )
}

async fn ask(engine: &Engine, ask: Ask) -> Vec<ChatEvent> {
    let turn = engine.send(ask, Default::default()).await.expect("starts");
    turn.into_stream().collect().await
}

fn private(message: &str) -> Ask {
    let mut ask = Ask::new(message);
    ask.private = true;
    ask
}

fn routes(events: &[ChatEvent]) -> Vec<(String, AttemptOutcome, Option<String>)> {
    events
        .iter()
        .filter_map(|e| match e {
            ChatEvent::Route(r) => Some((r.model.clone(), r.outcome, r.reason.clone())),
            _ => None,
        })
        .collect()
}

fn last(events: &[ChatEvent]) -> &ChatEvent {
    events.last().expect("a terminal event")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn private_skips_the_hosted_primary_and_answers_locally() {
    let hosted = openai::start(Script::reply("hosted")).expect("fake");
    let local = openai::start(Script::reply("local")).expect("fake");
    let providers = hosted_provider("cloud", &hosted, "") + &local_provider(&local);
    let w = world(
        &hosted,
        &providers,
        "cloud/fake-model",
        &["lmstudio/fake-model"],
    );

    let events = ask(&w.engine, private("keep this here")).await;
    assert_eq!(
        routes(&events),
        [
            (
                "cloud/fake-model".into(),
                AttemptOutcome::Skipped,
                Some("private".into())
            ),
            ("lmstudio/fake-model".into(), AttemptOutcome::Ok, None),
        ]
    );
    let ChatEvent::Done { trail, .. } = last(&events) else {
        panic!("{events:?}")
    };
    assert!(!trail.left_machine, "{trail:?}");
    assert_eq!(trail.destinations.len(), 1);
    assert!(trail.destinations[0].host.starts_with("127.0.0.1:"));
    assert_eq!(hosted.connections(), 0, "nothing went to the hosted server");

    // The conversation stays private: the next message is private without asking.
    let conversation = w.store.list_conversations(1, 0).expect("lists")[0].clone();
    assert!(conversation.private);
    let mut again = Ask::new("and this");
    again.conversation = Some(conversation.id);
    let events = ask(&w.engine, again).await;
    assert_eq!(routes(&events)[0].2.as_deref(), Some("private"));
    assert_eq!(hosted.connections(), 0);

    // The same route without privacy goes to the hosted server: the test could fail.
    let events = ask(&w.engine, Ask::new("not private")).await;
    let ChatEvent::Done { trail, model, .. } = last(&events) else {
        panic!("{events:?}")
    };
    assert_eq!(model, "cloud/fake-model");
    assert!(trail.left_machine);
    assert_eq!(
        trail.destinations[0].host,
        format!("{HOSTED}:{}", hosted.addr().port())
    );
    assert!(trail.destinations[0].key_sent);
    assert_eq!(hosted.connections(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn private_with_only_hosted_routes_is_refused_and_sends_nothing() {
    let hosted = openai::start(Script::reply("hosted")).expect("fake");
    let other = openai::start(Script::reply("proxy")).expect("fake");
    // A custom gateway on this machine may forward to the internet: refused unless marked.
    let gateway = format!(
        r#"gw: {{ baseUrl: "{}/v1", models: [{{ id: "fake-model", name: "G" }}] }},"#,
        other.url()
    );
    let providers = hosted_provider("cloud", &hosted, "") + &gateway;
    let w = world(&hosted, &providers, "cloud/fake-model", &["gw/fake-model"]);

    let events = ask(&w.engine, private("secret")).await;
    let ChatEvent::Error {
        reason,
        message,
        trail,
        ..
    } = last(&events)
    else {
        panic!("{events:?}")
    };
    assert_eq!(*reason, Reason::Route(RouteErrorKind::Private));
    assert!(message.contains("nothing was sent"), "{message}");
    assert!(message.contains(&format!("text to {HOSTED}")), "{message}");
    assert!(message.contains("may forward"), "{message}");
    assert!(trail.destinations.is_empty() && !trail.left_machine);
    assert_eq!((hosted.connections(), other.connections()), (0, 0));

    // Marked "stays on this machine", the local gateway answers the private chat.
    w.engine.router().set_policy(Policy {
        stays_local: BTreeSet::from(["gw".to_owned()]),
        ..Policy::default()
    });
    let events = ask(&w.engine, private("secret")).await;
    let ChatEvent::Done { model, trail, .. } = last(&events) else {
        panic!("{events:?}")
    };
    assert_eq!(model, "gw/fake-model");
    assert!(!trail.left_machine);
    assert_eq!((hosted.connections(), other.connections()), (0, 1));

    // The offline switch makes every chat private.
    w.engine.router().set_policy(Policy {
        offline: true,
        ..Policy::default()
    });
    let events = ask(&w.engine, Ask::new("offline")).await;
    assert!(
        matches!(last(&events), ChatEvent::Error { .. }),
        "{events:?}"
    );
    assert_eq!(hosted.connections(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_trail_is_saved_and_searchable() {
    let hosted = openai::start(Script::reply("weather from the cloud")).expect("fake");
    let local = openai::start(Script::reply("weather from here")).expect("fake");
    let providers = hosted_provider("cloud", &hosted, "") + &local_provider(&local);
    let w = world(
        &hosted,
        &providers,
        "cloud/fake-model",
        &["lmstudio/fake-model"],
    );
    ask(&w.engine, Ask::new("weather?")).await;
    ask(&w.engine, private("weather?")).await;

    let filter = SearchFilter { left_machine: true };
    let left = w
        .store
        .search_filtered("weather", 10, filter)
        .expect("searches");
    assert_eq!(left.len(), 1, "{left:?}");
    assert_eq!(left[0].model.as_deref(), Some("cloud/fake-model"));
    let all = w.store.search("weather", 10).expect("searches");
    assert_eq!(all.len(), 4, "two questions and two answers");
    let conversation = left[0].conversation_id;
    let messages = w.store.all_messages(conversation).expect("loads");
    let answer = messages.last().expect("answer");
    let destination = answer.route[0].destination.as_ref().expect("trail saved");
    assert!(destination.left_machine && destination.key_sent);
    let mut export = Vec::new();
    w.store
        .export(
            conversation,
            switchboard_core::history::ExportFormat::Json,
            &mut export,
        )
        .expect("exports");
    let export = String::from_utf8(export).expect("utf-8");
    assert!(
        export.contains(HOSTED),
        "the export carries the trail: {export}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_budget_crossed_mid_day_skips_the_provider_and_prices_unknown_are_not_free() {
    let hosted = openai::start(Script::reply("paid answer")).expect("fake");
    let local = openai::start(Script::reply("free answer")).expect("fake");
    // 12 prompt and 7 completion tokens at $10 000 / $20 000 per million: $0.26 an answer.
    let cost = r#", cost: { input: 10000, output: 20000 }"#;
    let providers = hosted_provider("cloud", &hosted, cost)
        + &hosted_provider("unpriced", &hosted, "")
        + &local_provider(&local);
    let w = world(
        &hosted,
        &providers,
        "cloud/fake-model",
        &["lmstudio/fake-model"],
    );
    let mut policy = Policy::default();
    policy.budgets.providers.insert(
        "cloud".into(),
        Budget {
            daily_usd: Some(0.5),
            monthly_usd: None,
        },
    );
    w.engine.router().set_policy(policy);

    let first = ask(&w.engine, Ask::new("one")).await;
    let ChatEvent::Done { model, cost, .. } = last(&first) else {
        panic!("{first:?}")
    };
    assert_eq!(model, "cloud/fake-model");
    assert!((cost.expect("priced") - 0.26).abs() < 1e-9);
    // The second answer passes 80 %: a warning comes before `done`.
    let second = ask(&w.engine, Ask::new("two")).await;
    assert!(
        second
            .iter()
            .any(|e| matches!(e, ChatEvent::Warning { message, budget }
                if message.contains("cloud's daily budget")
                    && budget.provider.as_deref() == Some("cloud")
                    && budget.percent >= 80)),
        "{second:?}"
    );
    // Over budget: the provider is skipped, the local fallback answers.
    let third = ask(&w.engine, Ask::new("three")).await;
    assert_eq!(
        routes(&third)[0],
        (
            "cloud/fake-model".into(),
            AttemptOutcome::Skipped,
            Some("budget".into())
        )
    );
    let ChatEvent::Done { model, .. } = last(&third) else {
        panic!("{third:?}")
    };
    assert_eq!(model, "lmstudio/fake-model");
    assert_eq!(
        hosted.requests().len(),
        2,
        "connections are reused; requests are counted"
    );
    let report = w.engine.spend_report().await.expect("report");
    let cloud = report
        .providers
        .iter()
        .find(|l| l.provider.as_deref() == Some("cloud"))
        .expect("cloud line");
    assert!((cloud.totals.today_usd - 0.52).abs() < 1e-9, "{report:?}");
    assert_eq!(cloud.standing, switchboard_core::policy::Standing::Over);

    // A hosted model without rates: price unknown, counted apart, never as free.
    let mut unpriced = Ask::new("five");
    unpriced.model = Some("unpriced/fake-model".into());
    let events = ask(&w.engine, unpriced).await;
    let ChatEvent::Done { cost, usage, .. } = last(&events) else {
        panic!("{events:?}")
    };
    assert!(usage.is_some() && cost.is_none(), "{events:?}");
    let report = w.engine.spend_report().await.expect("report");
    let line = report
        .providers
        .iter()
        .find(|l| l.provider.as_deref() == Some("unpriced"))
        .expect("unpriced line");
    assert_eq!((line.totals.unknown_today, line.totals.today_usd), (1, 0.0));
    // The local model without rates is free, not unknown.
    let local_line = report
        .providers
        .iter()
        .find(|l| l.provider.as_deref() == Some("lmstudio"))
        .expect("local line");
    assert_eq!(local_line.totals.unknown_today, 0);
}
