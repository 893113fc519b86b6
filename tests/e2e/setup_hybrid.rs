//! The wizard's hybrid setup with a Custom (OpenAI-compatible) hosted provider: the provider and
//! its model are saved in one edit, the key reaches the keychain only after that, and the saved
//! routes are the hosted primary with the local fallback.

use switchboard_fakes::{lmstudio, openai};
use switchboard_tests::app::App;
use switchboard_tests::desktop::DesktopOptions;

use super::setup::{models_json, point_at, wait_attr, ANSWER};

const KEY: &str = "sk-e2e-custom-hybrid-9876";

#[tokio::test]
async fn hybrid_with_a_custom_provider_saves_the_provider_its_model_and_its_key() {
    let local = lmstudio::start(lmstudio::Script::v1().answer(openai::Script::reply(ANSWER)))
        .expect("fake LM Studio");
    let hosted = openai::start(openai::Script::reply("OK from the custom server").with_key(KEY))
        .expect("fake hosted server");
    let port = local.addr().port();
    let app = App::launch_with(DesktopOptions::default(), |d| point_at(d, Some(port))).await;
    let config = app.desktop.config_file();

    app.click("[data-testid=nav-setup]").await;
    app.wait_for("[data-testid='model-qwen/qwen3-8b']").await;
    app.click("[data-testid=wizard-next]").await;
    app.wait_for("[data-testid=wizard-step-mode]").await;
    app.click("[data-testid=setup-mode-hybrid]").await;
    app.click("[data-testid=wizard-next]").await;
    app.wait_for("[data-testid=wizard-step-hosted]").await;
    app.click("[data-testid=preset-custom]").await;
    app.type_into("#hosted-url", &format!("{}/v1", hosted.url()))
        .await;
    app.type_into("#hosted-model", "fake-model").await;
    app.type_into("[data-testid=hosted-key]", KEY).await;
    app.click("[data-testid=hosted-test]").await;
    wait_attr(&app, "[data-testid=key-test-result]", "data-outcome", "ok").await;
    app.click("[data-testid=wizard-next]").await;
    app.wait_for("[data-testid=wizard-step-routes]").await;
    app.click("[data-testid=wizard-next]").await;
    app.wait_for("[data-testid=wizard-step-save]").await;
    wait_attr(&app, "[data-testid=route-test-0]", "data-phase", "ok").await;
    wait_attr(&app, "[data-testid=route-test-1]", "data-phase", "ok").await;
    assert!(!config.exists(), "the wizard wrote before Save");
    app.click("[data-testid=wizard-save]").await;
    app.wait_for("[data-testid=wizard-config-path]").await;
    app.screenshot("wizard-5-saved-custom-hybrid").await;

    let text = std::fs::read_to_string(&config).expect("config written");
    assert!(
        text.contains("custom") && text.contains("fake-model"),
        "{text}"
    );
    assert!(!text.contains(KEY), "the key reached the config:\n{text}");
    let models = models_json(&app);
    assert_eq!(models["primary"], "custom/fake-model", "{models}");
    assert_eq!(
        models["fallbacks"],
        serde_json::json!(["lmstudio/qwen/qwen3-8b"]),
        "{models}"
    );
    // The key is in the keychain: a chat through the CLI reaches the hosted server with it.
    let chat = app
        .desktop
        .command(app.binary())
        .args([
            "chat",
            "--no-history",
            "--model",
            "custom/fake-model",
            "hello",
        ])
        .output()
        .expect("switchboard chat");
    let answer = String::from_utf8_lossy(&chat.stdout);
    assert!(
        answer.contains("OK from the custom server"),
        "{answer} / {}",
        String::from_utf8_lossy(&chat.stderr)
    );
    let sent = hosted
        .requests()
        .into_iter()
        .filter(|r| r.body.contains("hello"))
        .collect::<Vec<_>>();
    assert_eq!(sent.len(), 1);
    assert_eq!(
        sent[0].header("authorization"),
        Some(&*format!("Bearer {KEY}"))
    );
    app.close().await;
}
