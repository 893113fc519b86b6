//! Route health follows whether local servers answer: with background detection every 5 s, a
//! local primary whose server stops turns the sidebar to "On fallback", its Providers card to
//! "Not reachable" and the tray icon to the fallback icon; a server on the same port again
//! turns all three back.

use std::path::Path;
use std::time::Duration;

use switchboard_fakes::openai::{self, Script};
use switchboard_tests::app::App;
use switchboard_tests::desktop::{Desktop, DesktopOptions};
use switchboard_tests::tray_host::TrayItem;

/// One detection round (5 s) plus the probe's timeout, with room for a busy machine.
const ROUND: Duration = Duration::from_secs(30);

/// RGBA pixels of a PNG file (None while it is missing or half-written).
fn pixels(path: &Path) -> Option<Vec<u8>> {
    let file = std::fs::File::open(path).ok()?;
    let mut reader = png::Decoder::new(std::io::BufReader::new(file))
        .read_info()
        .ok()?;
    let mut buf = vec![0; reader.output_buffer_size()?];
    let info = reader.next_frame(&mut buf).ok()?;
    buf.truncate(info.buffer_size());
    Some(buf)
}

fn icon(name: &str) -> Vec<u8> {
    let path = switchboard_tests::repo_root().join("icons").join(name);
    pixels(&path).unwrap_or_else(|| panic!("cannot decode {}", path.display()))
}

/// Which of the tray's icons the item shows now: the file its `IconName` names, compared
/// pixel for pixel with `icons/tray-*.png`.
async fn tray_icon(app: &App, item: &TrayItem) -> Option<&'static str> {
    let host = app.tray_host()?;
    let name = host.property(item, "IconName").await.ok()?;
    // appindicator names the file by its full path, or by its stem under `IconThemePath`.
    let path = if name.starts_with('/') {
        std::path::PathBuf::from(name)
    } else {
        let dir = host.property(item, "IconThemePath").await.ok()?;
        Path::new(&dir).join(format!("{name}.png"))
    };
    let shown = pixels(&path)?;
    ["tray-ready.png", "tray-fallback.png", "tray-no-route.png"]
        .into_iter()
        .find(|candidate| icon(candidate) == shown)
}

async fn wait_icon(app: &App, item: &TrayItem, want: &str) -> Option<&'static str> {
    let deadline = tokio::time::Instant::now() + ROUND;
    loop {
        let shown = tray_icon(app, item).await;
        if shown == Some(want) || tokio::time::Instant::now() > deadline {
            return shown;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// A local primary and a local fallback at the fakes, a hosted provider outside the route
/// (never probed), detection every 5 s, and LM Studio's scan pointed at a closed port.
fn prepare(desktop: &mut Desktop, primary: &str, fallback: &str) {
    let config = desktop.config_file();
    desktop.set_env("SWITCHBOARD_CONFIG", &config.display().to_string());
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    desktop.set_env("SWITCHBOARD_LMSTUDIO_PORT", &closed.to_string());
    let dir = config.parent().expect("config dir");
    std::fs::create_dir_all(dir).expect("mkdir");
    let text = format!(
        "{{ agents: {{ defaults: {{ model: {{ primary: \"studio/m\", fallbacks: [\"backup/n\"] }} }} }},\n\
         models: {{ providers: {{\n\
         studio: {{ baseUrl: \"{primary}/v1\", api: \"openai-completions\", apiKey: \"k\", \
         models: [{{ id: \"m\", name: \"M\" }}] }},\n\
         backup: {{ baseUrl: \"{fallback}/v1\", api: \"openai-completions\", apiKey: \"k\", \
         models: [{{ id: \"n\", name: \"N\" }}] }},\n\
         cloud: {{ baseUrl: \"https://api.example.com/v1\", api: \"openai-completions\", \
         apiKey: \"k\", models: [{{ id: \"o\", name: \"O\" }}] }} }} }} }}\n"
    );
    std::fs::write(&config, text).expect("write config");
    std::fs::write(dir.join("settings.json"), r#"{"detectIntervalSecs": 5}"#)
        .expect("write settings");
}

#[tokio::test]
async fn a_local_primary_going_down_and_up_moves_the_route_health() {
    let primary = openai::start(Script::reply("primary").with_models(["m"])).expect("primary");
    let fallback = openai::start(Script::reply("fallback").with_models(["n"])).expect("fallback");
    let port = primary.addr().port();
    let options = DesktopOptions {
        tray_host: true,
        ..DesktopOptions::default()
    };
    let (primary_url, fallback_url) = (primary.url(), fallback.url());
    let app = App::launch_with(options, |d| prepare(d, &primary_url, &fallback_url)).await;
    let host = app.tray_host().expect("tray host");
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while host.items().is_empty() && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let item = host.items().first().cloned().expect("a tray item");

    let route = "[data-testid=route-status]";
    let ready = app.wait_text(route, "studio/m", ROUND).await;
    assert!(ready.contains("Ready"), "{ready}");
    assert_eq!(
        wait_icon(&app, &item, "tray-ready.png").await,
        Some("tray-ready.png")
    );
    app.wait_for("[data-testid=nav-providers]")
        .await
        .click()
        .await
        .expect("click");
    let card = "[data-testid=provider-status-studio]";
    let status = app.wait_text(card, "Reachable", ROUND).await;
    assert!(status.contains("Reachable"), "{status}");

    // The primary's server stops: within a detection round everything says so.
    drop(primary);
    let moved = app.wait_text(route, "On fallback", ROUND).await;
    assert!(
        moved.contains("On fallback") && moved.contains("backup/n"),
        "{moved}"
    );
    assert!(moved.contains("studio not reachable"), "{moved}");
    let status = app.wait_text(card, "Not reachable", ROUND).await;
    assert!(status.contains("Not reachable (checked "), "{status}");
    let backup = app
        .text_content("[data-testid=provider-status-backup]")
        .await;
    assert!(backup.contains("Reachable"), "{backup}");
    let cloud = app
        .text_content("[data-testid=provider-status-cloud]")
        .await;
    assert!(
        cloud.contains("Not checked"),
        "hosted APIs are not probed: {cloud}"
    );
    assert_eq!(
        wait_icon(&app, &item, "tray-fallback.png").await,
        Some("tray-fallback.png")
    );
    app.screenshot("providers-status").await;

    // A server answers on the same port again: back to the primary.
    let _primary = openai::start_on(Script::reply("again").with_models(["m"]), port)
        .expect("the same port again");
    let back = app.wait_text(route, "Ready", ROUND).await;
    assert!(
        back.contains("Ready") && back.contains("studio/m"),
        "{back}"
    );
    let status = app.wait_text(card, "Reachable", ROUND).await;
    assert!(!status.contains("Not"), "{status}");
    assert_eq!(
        wait_icon(&app, &item, "tray-ready.png").await,
        Some("tray-ready.png")
    );
    app.close().await;
}
