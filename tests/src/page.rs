//! What the end-to-end tests do in the window: click, type, run a script, wait for a state,
//! call an app command as the UI does. Each helper fails the test saying what it was doing.

use std::time::{Duration, Instant};

use serde_json::Value;

use crate::app::{App, UI_TIMEOUT};

impl App {
    /// Clicks the element at `css` once it exists.
    pub async fn click(&self, css: &str) {
        self.wait_for(css)
            .await
            .click()
            .await
            .unwrap_or_else(|e| panic!("click {css}: {e}"));
    }

    /// Replaces the text of the field at `css` with `text`.
    pub async fn type_into(&self, css: &str, text: &str) {
        let input = self.wait_for(css).await;
        input
            .clear()
            .await
            .unwrap_or_else(|e| panic!("clear {css}: {e}"));
        input
            .send_keys(text)
            .await
            .unwrap_or_else(|e| panic!("type into {css}: {e}"));
    }

    /// The visible text of the element at `css` once it exists (as WebDriver renders it).
    pub async fn text(&self, css: &str) -> String {
        self.wait_for(css)
            .await
            .text()
            .await
            .unwrap_or_else(|e| panic!("text of {css}: {e}"))
    }

    /// Runs `script` in the page and returns what it returns.
    pub async fn js(&self, script: &str) -> Value {
        self.client()
            .execute(script, Vec::new())
            .await
            .unwrap_or_else(|e| panic!("{script}: {e}"))
    }

    /// Waits until `script` returns true; `what` names it in the failure.
    pub async fn wait_js(&self, script: &str, what: &str) {
        let deadline = Instant::now() + UI_TIMEOUT;
        loop {
            if let Ok(Value::Bool(true)) = self.client().execute(script, Vec::new()).await {
                return;
            }
            assert!(Instant::now() < deadline, "{what} never happened");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The text content of the element at `css` (all of it: WebDriver's visible text of some
    /// elements, a <button> say, is only their first line).
    pub async fn text_content(&self, css: &str) -> String {
        self.wait_for(css).await;
        let script = "return document.querySelector(arguments[0]).textContent";
        match self.client().execute(script, vec![css.into()]).await {
            Ok(Value::String(text)) => text,
            other => panic!("text of {css}: {other:?}"),
        }
    }

    /// Waits up to `timeout` until the text content of the element at `css` holds `needle`;
    /// returns its last text either way (the caller's assertion says what was there).
    pub async fn wait_text(&self, css: &str, needle: &str, timeout: Duration) -> String {
        let deadline = Instant::now() + timeout;
        loop {
            let text = self.text_content(css).await;
            if text.contains(needle) || Instant::now() > deadline {
                return text;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Scrolls the element at `css` into the window (`block`: `start`, `center`, `end`).
    pub async fn scroll_into_view(&self, css: &str, block: &str) {
        self.wait_for(css).await;
        let script = "document.querySelector(arguments[0]).scrollIntoView({ block: arguments[1] })";
        self.client()
            .execute(script, vec![css.into(), block.into()])
            .await
            .unwrap_or_else(|e| panic!("scroll to {css}: {e}"));
    }

    /// Calls app command `command` with `args` from the page, as the UI does: its reply, or
    /// what it rejected with.
    pub async fn invoke(&self, command: &str, args: Value) -> Result<Value, Value> {
        let script = "const done = arguments[arguments.length - 1];\n\
             window.__TAURI_INTERNALS__.invoke(arguments[0], arguments[1]).then(\n\
               (r) => done({ ok: r === undefined ? null : r }), (e) => done({ err: e }));";
        let reply = self
            .client()
            .execute_async(script, vec![command.into(), args])
            .await
            .unwrap_or_else(|e| panic!("{command}: {e}"));
        match (reply.get("ok"), reply.get("err")) {
            (Some(ok), _) => Ok(ok.clone()),
            (_, Some(err)) => Err(err.clone()),
            _ => panic!("{command}: odd reply {reply}"),
        }
    }
}
