//! Real clients against the real `switchboard serve` over the fakes: the OpenAI Python SDK
//! (chat completions with tools streamed and not, a tool result sent back, `responses.create`
//! streamed and not) and the Anthropic Python SDK (`messages.stream` and `messages.create` with
//! tools), and OpenClaw itself running one headless agent turn (`openclaw agent exec`) that
//! calls a tool and answers after its result. The SDKs live in a venv outside the repo
//! (`.ci/lib.sh` `install_sdk_clients`, `SWITCHBOARD_SDK_PYTHON`), OpenClaw in its cache folder
//! (`install_openclaw`, `SWITCHBOARD_OPENCLAW_HOME`); without them the tests are skipped loudly (and
//! named in `.ci/test-all`'s summary), except under `CI=true`, where a missing client fails them.

use std::path::PathBuf;
use std::process::Command;

use serde_json::{json, Value};
use switchboard_fakes::openai::{self, Script};
use switchboard_fakes::{anthropic, FakeServer};

use switchboard_tests::serve::serve;

/// Says why a client is missing: a failure under `CI=true`, else a loud skip the summary names.
fn missing(why: &str) {
    switchboard_fakes::peer::missing("gateway clients (tests/e2e/clients.rs)", why);
}

/// The Python with both SDKs, or `None` (after saying why) when a local run lacks it.
fn sdk_python(module: &str) -> Option<PathBuf> {
    let python = std::env::var_os("SWITCHBOARD_SDK_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let home = std::env::var_os("HOME").unwrap_or_default();
            PathBuf::from(home).join(".cache/switchboard-sdks/venv/bin/python")
        });
    let works = Command::new(&python)
        .args(["-c", &format!("import {module}")])
        .output()
        .is_ok_and(|o| o.status.success());
    if works {
        return Some(python);
    }
    missing(&format!(
        "the {module} SDK is not installed at {} (run .ci/lib.sh install_sdk_clients)",
        python.display()
    ));
    None
}

/// `caller` asks for the weather tool after thinking; `plain` (an Anthropic model) answers.
fn config(caller: &FakeServer, plain: &FakeServer) -> String {
    format!(
        r#"{{
          models: {{ providers: {{
            local: {{ baseUrl: "{}/v1", apiKey: "sk-local", api: "openai-completions",
                      models: [{{ id: "fake-model", name: "Caller" }}] }},
            claude: {{ baseUrl: "{}/v1", apiKey: "sk-ant", api: "anthropic-messages",
                       models: [{{ id: "fake-model", name: "Plain" }}] }} }} }},
          agents: {{ defaults: {{ model: {{ primary: "local/fake-model" }},
            models: {{ "local/fake-model": {{ alias: "caller" }},
                       "claude/fake-model": {{ alias: "plain" }} }} }} }},
        }}"#,
        caller.url(),
        plain.url()
    )
}

/// Runs `script` with the SDK's Python against a fresh gateway; its printed findings.
fn run_sdk(python: &PathBuf, script: &str, with_v1: bool) -> (Value, FakeServer, FakeServer) {
    let caller = openai::start(
        Script::reply("")
            .with_reasoning("the weather tool knows")
            .with_tool_call("call_1", "weather", r#"{"city":"Oslo"}"#),
    )
    .expect("fake");
    let plain = anthropic::start(Script::reply("It rains in Oslo.")).expect("fake");
    let home = tempfile::tempdir().expect("tempdir");
    let (_serving, url, token) = serve(home.path(), &config(&caller, &plain), &[]);
    let base = if with_v1 {
        url.clone()
    } else {
        url.trim_end_matches("/v1").to_owned()
    };
    let path = switchboard_tests::repo_root()
        .join("tests/e2e/clients")
        .join(script);
    let output = Command::new(python)
        .arg(&path)
        .env("SWITCHBOARD_URL", &base)
        .env("SWITCHBOARD_TOKEN", &token)
        .output()
        .expect("runs python");
    assert!(
        output.status.success(),
        "{script} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let found = serde_json::from_slice(&output.stdout).expect("json findings");
    (found, caller, plain)
}

#[test]
fn the_openai_python_sdk_uses_tools_and_responses_through_the_gateway() {
    let Some(python) = sdk_python("openai") else {
        return;
    };
    let (found, caller, plain) = run_sdk(&python, "openai_sdk.py", true);
    let oslo = json!({"city": "Oslo"});
    assert_eq!(
        found["chat"],
        json!({"finish": "tool_calls", "id": "call_1", "name": "weather", "arguments": oslo})
    );
    assert_eq!(
        found["chat_stream"],
        json!({"finish": "tool_calls",
               "calls": [{"id": "call_1", "name": "weather", "arguments": oslo}]})
    );
    assert_eq!(found["tool_result"], "It rains in Oslo.");
    assert_eq!(found["responses"]["status"], "completed");
    assert_eq!(
        found["responses"]["types"],
        json!(["reasoning", "function_call"])
    );
    assert_eq!(found["responses"]["calls"], json!([oslo]));
    assert_eq!(
        found["responses_stream"],
        json!({"first": "response.created", "last": "response.completed",
               "text": "It rains in Oslo."})
    );
    assert_eq!(
        found["not_found"],
        json!({"status": 404, "code": "model_not_found"})
    );
    // The tool result went to the Anthropic model as a tool_result block after its tool_use.
    let sent: Vec<Value> = plain
        .requests()
        .iter()
        .map(|r| serde_json::from_str(&r.body).expect("json"))
        .collect();
    assert_eq!(sent[0]["messages"][1]["content"][0]["type"], "tool_use");
    assert_eq!(
        sent[0]["messages"][2]["content"][0]["tool_use_id"],
        "call_1"
    );
    let first: Value = serde_json::from_str(&caller.requests()[0].body).expect("json");
    assert_eq!(
        (&first["temperature"], &first["max_tokens"]),
        (&json!(0.2), &json!(100))
    );
}

#[test]
fn the_anthropic_python_sdk_streams_tool_use_through_the_gateway() {
    let Some(python) = sdk_python("anthropic") else {
        return;
    };
    let (found, caller, plain) = run_sdk(&python, "anthropic_sdk.py", false);
    let oslo = json!({"city": "Oslo"});
    assert_eq!(found["stream"]["stop"], "tool_use");
    assert_eq!(found["stream"]["blocks"], json!(["thinking", "tool_use"]));
    assert_eq!(found["stream"]["input"], json!([oslo]));
    assert_eq!(
        found["stream"]["thinking"],
        json!(["the weather tool knows"])
    );
    assert_eq!(
        found["whole"],
        json!({"stop": "tool_use", "id": "call_1", "name": "weather", "input": oslo})
    );
    assert_eq!(found["tool_result"], "It rains in Oslo.");
    assert_eq!(
        found["not_found"],
        json!({"status": 404, "type": "not_found_error"})
    );
    // The SDK's x-api-key reached the gateway, never the upstreams: they got their own keys.
    assert!(caller
        .requests()
        .iter()
        .all(|r| r.header("authorization") == Some("Bearer sk-local")));
    assert!(plain
        .requests()
        .iter()
        .all(|r| r.header("x-api-key") == Some("sk-ant")));
    let first: Value = serde_json::from_str(&caller.requests()[0].body).expect("json");
    assert_eq!(
        first["messages"][0],
        json!({"role": "system", "content": "Be brief."})
    );
    assert_eq!(first["tools"][0]["function"]["name"], "weather");
}

/// OpenClaw's node and entry script, or `None` (after saying why) when a local run lacks them.
fn openclaw() -> Option<(PathBuf, PathBuf)> {
    let home = std::env::var_os("SWITCHBOARD_OPENCLAW_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let home = std::env::var_os("HOME").unwrap_or_default();
            PathBuf::from(home).join(".cache/switchboard-openclaw")
        });
    let node = home.join("node/node_modules/.bin/node");
    let entry = home.join("openclaw/node_modules/openclaw/openclaw.mjs");
    if node.exists() && entry.exists() {
        return Some((node, entry));
    }
    missing(&format!(
        "OpenClaw is not installed under {} (run .ci/lib.sh install_openclaw)",
        home.display()
    ));
    None
}

#[test]
fn openclaw_runs_an_agent_turn_with_a_tool_through_the_gateway() {
    let Some((node, entry)) = openclaw() else {
        return;
    };
    let fake = openai::start(
        // OpenClaw keeps only letters and digits of a call id.
        Script::reply("There is one file: hello.txt.").with_tool_call(
            "callls7",
            "ls",
            r#"{"path":"."}"#,
        ),
    )
    .expect("fake");
    let home = tempfile::tempdir().expect("tempdir");
    let serve_config = format!(
        r#"{{ models: {{ providers: {{ local: {{ baseUrl: "{}/v1", apiKey: "sk-local",
              api: "openai-completions", models: [{{ id: "fake-model", name: "Fake",
              contextWindow: 128000, maxTokens: 4096 }}] }} }} }},
             agents: {{ defaults: {{ model: {{ primary: "local/fake-model" }} }} }} }}"#,
        fake.url()
    );
    let (_serving, url, token) = serve(home.path(), &serve_config, &[]);
    // OpenClaw's own config: one provider whose baseUrl is the gateway.
    let openclaw_config = home.path().join("openclaw.json");
    let provider = json!({"baseUrl": url, "apiKey": token, "api": "openai-completions",
        "models": [{"id": "local/fake-model", "name": "Through Switchboard",
                    "contextWindow": 128000, "maxTokens": 4096}]});
    let config = json!({"models": {"providers": {"switchboard": provider}},
        "agents": {"defaults": {"model": {"primary": "switchboard/local/fake-model"}}}});
    std::fs::write(&openclaw_config, config.to_string()).expect("writes");
    let work = home.path().join("work");
    std::fs::create_dir_all(&work).expect("workspace");
    std::fs::write(work.join("hello.txt"), "hi").expect("writes");
    let output = Command::new(node)
        .arg(entry)
        .args(["agent", "exec", "--json", "--timeout", "120", "--config"])
        .arg(&openclaw_config)
        .args(["--model", "switchboard/local/fake-model", "--cwd"])
        .arg(&work)
        .arg("List the files here.")
        .env("HOME", home.path().join("openclaw-home"))
        .output()
        .expect("runs openclaw");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "openclaw failed: {stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let result: Value = serde_json::from_str(&stdout).expect("json envelope");
    assert_eq!(result["final"], "There is one file: hello.txt.", "{result}");
    assert_eq!(result["provider"], "switchboard");
    let sent: Vec<Value> = fake
        .requests()
        .iter()
        .map(|r| serde_json::from_str(&r.body).expect("json"))
        .collect();
    assert_eq!(sent.len(), 2, "a tool call, then the answer");
    let tools: Vec<&str> = sent[0]["tools"]
        .as_array()
        .expect("OpenClaw's tools went upstream")
        .iter()
        .filter_map(|t| t["function"]["name"].as_str())
        .collect();
    assert!(tools.contains(&"ls"), "{tools:?}");
    let result_message = sent[1]["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .find(|m| m["role"] == "tool")
        .expect("the tool's result went upstream");
    assert_eq!(result_message["tool_call_id"], "callls7");
    assert!(
        result_message["content"]
            .as_str()
            .is_some_and(|c| c.contains("hello.txt")),
        "{result_message}"
    );
}
