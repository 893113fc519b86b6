//! The wizard in the real window with the real llama.cpp `llama-server` (see
//! `switchboard_fakes::llama`) on a port of its own, given as an extra server URL: it is
//! recognised as llama.cpp by its fingerprint, shown with its facts, its route is tested live,
//! and Save writes its profile. Skipped loudly without the server, failed under `CI=true`.

use switchboard_fakes::llama::{self, LlamaServer};
use switchboard_tests::app::App;
use switchboard_tests::desktop::{Desktop, DesktopOptions};

use super::setup::{models_json, point_at, wait_attr};

fn with_extra_url(desktop: &mut Desktop, base: &str) {
    // Nothing at LM Studio's port: only the real server answers.
    point_at(desktop, Some(1));
    let settings = desktop
        .config_file()
        .parent()
        .expect("config dir")
        .join("settings.json");
    std::fs::create_dir_all(settings.parent().expect("dir")).expect("mkdir");
    let json = serde_json::json!({ "extraServerUrls": [base] });
    std::fs::write(&settings, json.to_string()).expect("write settings");
}

#[tokio::test]
async fn wizard_finds_llama_server_on_any_port_and_saves_it() {
    let Some(peer) = llama::peer("wizard with llama.cpp") else {
        return;
    };
    let server = LlamaServer::start(&peer, &[])
        .unwrap_or_else(|e| panic!("{} is set but did not start: {e}", llama::SERVER_ENV));
    let base = format!("{}/v1", server.url());
    let model = peer.model_id();
    let app = App::launch_with(DesktopOptions::default(), |d| with_extra_url(d, &base)).await;
    let config = app.desktop.config_file();

    app.click("[data-testid=nav-setup]").await;
    let card = app.text("[data-testid=server-llamacpp]").await;
    assert!(card.contains("llama.cpp") && card.contains(&base), "{card}");
    let facts = app.text(&format!("[data-testid='model-{model}']")).await;
    assert!(
        facts.contains("116K"),
        "parameters as model cards write them: {facts}"
    );
    app.screenshot("wizard-1-find-llamacpp").await;

    app.click("[data-testid=wizard-next]").await;
    app.wait_for("[data-testid=wizard-step-mode]").await;
    app.click("[data-testid=setup-mode-local-only]").await;
    app.click("[data-testid=wizard-next]").await;
    app.wait_for("[data-testid=wizard-step-routes]").await;
    app.click("[data-testid=wizard-next]").await;
    app.wait_for("[data-testid=wizard-step-save]").await;
    wait_attr(&app, "[data-testid=route-test-0]", "data-phase", "ok").await;
    let tested = app.text("[data-testid=route-test-0]").await;
    assert!(tested.contains(&format!("llamacpp/{model}")), "{tested}");
    assert!(!config.exists(), "the wizard wrote before Save");
    app.click("[data-testid=wizard-save]").await;
    app.wait_for("[data-testid=wizard-config-path]").await;
    app.screenshot("wizard-5-saved-llamacpp").await;

    let text = std::fs::read_to_string(&config).expect("config written");
    for needle in ["llamacpp", base.as_str(), model.as_str()] {
        assert!(text.contains(needle), "no {needle} in:\n{text}");
    }
    let models = models_json(&app);
    assert_eq!(models["primary"], format!("llamacpp/{model}"), "{models}");
    app.close().await;
}
