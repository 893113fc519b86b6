//! Chat commands for the chat window: send a message and stream the answer on a `Channel`,
//! cancel a running answer, and list the models a person can pick.
//!
//! `chat_send` saves the user message first (so a crash never loses it), returns at once with
//! the request id, and streams on a task: every event goes to the page as a [`ChatEvent`] and to
//! the history through an [`AnswerWriter`], which flushes at its own cadence. The stream always
//! ends with one terminal event, `done` or `error`. No lock is held across an `.await`; the key
//! stays in Rust (the target is resolved here and never serialized).

use std::path::{Path, PathBuf};

use futures_util::StreamExt;
use serde::Serialize;
use switchboard_core::config::{self, model::Config, view};
use switchboard_core::history::{
    self, AnswerWriter, ConversationId, Finish, HistoryStore, MessageId, MessageStatus,
};
use switchboard_core::logging::redact::redact;
use switchboard_core::providers::{
    self, CancellationToken, ChatRequest, Client, Event, ProviderError, ProviderErrorKind,
    StopReason, Target,
};
use tauri::ipc::Channel;
use tauri::State;

use crate::error::IpcError;
use crate::models::{ChatModel, ChatModels, ChatStarted};
use crate::state::{AppState, ChatRequestGuard, RequestId};

mod turns;

/// One event of a streaming answer, tagged for the page: `{ "event": "text", "data": {…} }`.
/// Every stream ends with exactly one `done` or `error`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "event", content = "data", rename_all = "camelCase")]
#[serde(rename_all_fields = "camelCase")]
pub(crate) enum ChatEvent {
    /// The request went out: which model answers and the saved answer's id.
    Started {
        /// `provider/model`.
        model: String,
        /// The assistant message in the history, when it could be saved.
        message_id: Option<MessageId>,
    },
    /// A piece of the answer.
    Text {
        /// The new text.
        delta: String,
    },
    /// A piece of the model's reasoning (never part of the answer).
    Reasoning {
        /// The new text.
        delta: String,
    },
    /// Token counts and cost, just before `done`.
    Usage {
        /// Uncached input tokens.
        input: u64,
        /// Output tokens.
        output: u64,
        /// Cached input read.
        cache_read: u64,
        /// Cached input written.
        cache_write: u64,
        /// Of `output`, the reasoning tokens, when known.
        reasoning: Option<u64>,
        /// USD at the configured rates (0 when none are set).
        cost: f64,
    },
    /// The answer ended: `stop`, `length`, or `cancelled` (Stop was pressed).
    Done {
        /// Why it ended.
        stop: StopReason,
    },
    /// The answer failed; `kind` is the provider error class (`auth`, `connection`, …).
    Error {
        /// `snake_case` class for the UI to pick an action.
        kind: &'static str,
        /// What went wrong, redacted.
        message: String,
    },
}

fn joined(e: tauri::Error) -> IpcError {
    IpcError {
        kind: "internal",
        message: format!("the chat task failed: {e}"),
    }
}

fn history_error(e: history::Error) -> IpcError {
    IpcError::from(switchboard_core::Error::from(e))
}

/// Turns `model` (an alias or `provider/model`) into a target. The router replaces this.
fn resolve_model(config: &Config, model: &str) -> Result<Target, ProviderError> {
    let model_ref = config
        .models
        .iter()
        .find(|entry| entry.alias.as_deref() == Some(model))
        .map_or(model, |entry| entry.model_ref.as_str());
    providers::resolve_target(config, model_ref)
}

/// Reads the config and resolves `model` (blocking: file and keychain).
fn load_target(config_file: &Path, model: &str) -> Result<Target, ProviderError> {
    let config = config::load(config_file)
        .and_then(config::Loaded::into_config)
        .map_err(|e| ProviderError::new(ProviderErrorKind::Config, e.to_string()))?;
    resolve_model(&config, model)
}

/// Sends `text` to `model` in `conversation_id` (a new conversation without one) and streams
/// the answer on `channel`. Returns once the user message is saved.
#[tauri::command]
#[tracing::instrument(skip(state, text, channel), err)]
pub(crate) async fn chat_send(
    state: State<'_, AppState>,
    conversation_id: Option<ConversationId>,
    model: String,
    text: String,
    channel: Channel<ChatEvent>,
) -> Result<ChatStarted, IpcError> {
    if text.trim().is_empty() || model.trim().is_empty() {
        return Err(IpcError {
            kind: "invalid_input",
            message: "give a message and a model".into(),
        });
    }
    let store = state.history.store()?;
    let saving = store.clone();
    let (conversation, request) = tauri::async_runtime::spawn_blocking(move || {
        let conversation = match conversation_id {
            Some(id) => id,
            None => saving.create_conversation(None)?.id,
        };
        saving.add_message(conversation, history::Role::User, &text)?;
        let request = turns::request(&saving.all_messages(conversation)?);
        Ok::<_, history::Error>((conversation, request))
    })
    .await
    .map_err(joined)?
    .map_err(history_error)?;
    let guard = state.chats.register();
    let started = ChatStarted {
        request_id: guard.id,
        conversation_id: conversation,
    };
    let job = Job {
        store,
        config_file: state.paths.config_file.clone(),
        model,
        request,
        conversation,
        channel,
        guard,
    };
    tauri::async_runtime::spawn(job.run());
    Ok(started)
}

/// Stops request `request_id`; the answer keeps its text and ends `stopped`. `false` when it
/// had already ended.
#[tauri::command]
#[tracing::instrument(skip(state), err)]
pub(crate) async fn chat_cancel(
    state: State<'_, AppState>,
    request_id: RequestId,
) -> Result<bool, IpcError> {
    Ok(state.chats.cancel(request_id))
}

/// The models to pick from: aliases first, then every `provider/model`.
#[tauri::command]
#[tracing::instrument(skip(state), err)]
pub(crate) async fn chat_models(state: State<'_, AppState>) -> Result<ChatModels, IpcError> {
    let path = state.paths.config_file.clone();
    tauri::async_runtime::spawn_blocking(move || {
        let lookup = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let view = view::load(&path, &lookup)
            .map_err(|e| IpcError::from(switchboard_core::Error::from(e)))?;
        Ok(models_of(&view))
    })
    .await
    .map_err(joined)?
}

/// Whether `base_url` points at this computer.
fn is_loopback(base_url: &str) -> bool {
    let rest = base_url.split_once("://").map_or(base_url, |(_, r)| r);
    let authority = rest.split('/').next().unwrap_or_default();
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => authority.split(':').next().unwrap_or_default(),
    };
    host == "localhost" || host == "::1" || host.starts_with("127.") || host == "0.0.0.0"
}

fn models_of(view: &view::ConfigView) -> ChatModels {
    let mut refs = Vec::new();
    for provider in &view.providers {
        let local = switchboard_core::secrets::local_placeholder(&provider.id).is_some()
            || provider.base_url.as_deref().is_some_and(is_loopback);
        for model in &provider.models {
            refs.push(ChatModel {
                id: model.model_ref.clone(),
                label: model.model_ref.clone(),
                model_ref: model.model_ref.clone(),
                alias: None,
                name: model.name.clone(),
                local,
                context_window: model.context_window,
                reasoning: model.reasoning,
            });
        }
    }
    let aliases = view.aliases.iter().filter_map(|alias| {
        let target = refs.iter().find(|m| m.model_ref == alias.model_ref)?;
        Some(ChatModel {
            id: alias.alias.clone(),
            label: alias.alias.clone(),
            alias: Some(alias.alias.clone()),
            ..target.clone()
        })
    });
    let mut models: Vec<ChatModel> = aliases.collect();
    models.extend(refs);
    ChatModels {
        models,
        primary: view.primary.clone(),
    }
}

/// One streaming answer, run on its own task.
struct Job {
    store: HistoryStore,
    config_file: PathBuf,
    model: String,
    request: ChatRequest,
    conversation: ConversationId,
    channel: Channel<ChatEvent>,
    /// Dropped when the task ends, which forgets the request.
    guard: ChatRequestGuard,
}

/// How a stream ended.
enum Outcome {
    Done(StopReason),
    Failed(ProviderError),
}

impl Job {
    fn send(&self, event: ChatEvent) {
        if let Err(e) = self.channel.send(event) {
            // The page went away; the answer is still saved.
            tracing::debug!("chat event not delivered: {e}");
        }
    }

    async fn run(self) {
        let (config_file, model) = (self.config_file.clone(), self.model.clone());
        let target =
            tauri::async_runtime::spawn_blocking(move || load_target(&config_file, &model))
                .await
                .unwrap_or_else(|e| {
                    Err(ProviderError::new(ProviderErrorKind::Config, e.to_string()))
                });
        let label = target.as_ref().map_or(self.model.clone(), |t| {
            format!("{}/{}", t.provider, t.model)
        });
        let mut answer = match self.store.begin_answer(self.conversation, Some(&label)) {
            Ok(answer) => Some(answer),
            Err(e) => {
                tracing::warn!("the answer will not be saved: {e}");
                None
            }
        };
        self.send(ChatEvent::Started {
            model: label,
            message_id: answer.as_ref().map(AnswerWriter::id),
        });
        let mut usage = None;
        let mut priced = None;
        let outcome = match target {
            Ok(target) => {
                let outcome = self.stream(&target, &mut answer, &mut usage).await;
                if let Some(u) = usage {
                    let cost = u.cost(target.cost.as_ref());
                    priced = Some((u, cost));
                    self.send(ChatEvent::Usage {
                        input: u.input,
                        output: u.output,
                        cache_read: u.cache_read,
                        cache_write: u.cache_write,
                        reasoning: u.reasoning,
                        cost,
                    });
                }
                outcome
            }
            Err(e) => Outcome::Failed(e),
        };
        self.finish(answer, outcome, priced).await;
    }

    /// Streams into `answer` and the channel until the stream ends or is cancelled.
    async fn stream(
        &self,
        target: &Target,
        answer: &mut Option<AnswerWriter>,
        usage: &mut Option<providers::Usage>,
    ) -> Outcome {
        let cancel: CancellationToken = self.guard.token.clone();
        let client = match Client::new(target.timeouts.connect) {
            Ok(client) => client,
            Err(e) => return Outcome::Failed(e),
        };
        let mut stream = tokio::select! {
            biased;
            () = cancel.cancelled() => return Outcome::Done(StopReason::Cancelled),
            sent = client.send(target, &self.request, cancel.clone()) => match sent {
                Ok(stream) => stream,
                Err(e) => return failed_or_cancelled(e, &cancel),
            },
        };
        loop {
            let deadline = answer.as_ref().and_then(AnswerWriter::flush_deadline);
            let wake = async {
                match deadline {
                    Some(at) => tokio::time::sleep_until(at.into()).await,
                    None => std::future::pending().await,
                }
            };
            let event = tokio::select! {
                biased;
                () = cancel.cancelled() => return Outcome::Done(StopReason::Cancelled),
                () = wake => {
                    save(answer, AnswerWriter::flush_if_due);
                    continue;
                }
                event = stream.next() => event,
            };
            match event {
                None => {
                    return Outcome::Failed(ProviderError::new(
                        ProviderErrorKind::Truncated,
                        "the stream ended before the answer was done",
                    ))
                }
                Some(Err(e)) => return failed_or_cancelled(e, &cancel),
                Some(Ok(Event::Text(delta))) => {
                    save(answer, |a| a.append(&delta));
                    self.send(ChatEvent::Text { delta });
                }
                Some(Ok(Event::Reasoning(delta))) => {
                    save(answer, |a| a.append_reasoning(&delta));
                    self.send(ChatEvent::Reasoning { delta });
                }
                Some(Ok(Event::Usage(u))) => *usage = Some(u),
                Some(Ok(Event::Done(stop))) => return Outcome::Done(stop),
            }
        }
    }

    /// Saves how the answer ended, then sends the terminal event.
    async fn finish(
        &self,
        answer: Option<AnswerWriter>,
        outcome: Outcome,
        usage: Option<(providers::Usage, f64)>,
    ) {
        let (mut end, terminal) = match &outcome {
            Outcome::Done(stop) => {
                let status = match stop {
                    StopReason::Cancelled => MessageStatus::Stopped,
                    StopReason::Stop | StopReason::Length => MessageStatus::Complete,
                };
                (Finish::new(status), ChatEvent::Done { stop: *stop })
            }
            Outcome::Failed(e) => {
                let message = redact(&e.to_string()).into_owned();
                let mut end = Finish::new(MessageStatus::Failed);
                end.error = Some(message.clone());
                let kind = e.kind().as_str();
                (end, ChatEvent::Error { kind, message })
            }
        };
        if let Some((u, cost)) = usage {
            end.usage = Some(history::Usage {
                input: u.input,
                output: u.output,
                cache_read: u.cache_read,
                cache_write: u.cache_write,
            });
            end.cost = Some(cost);
        }
        if let Some(answer) = answer {
            let saved = tauri::async_runtime::spawn_blocking(move || answer.finish(end)).await;
            match saved {
                Ok(Ok(_)) => {}
                Ok(Err(e)) => tracing::warn!("the answer's end was not saved: {e}"),
                Err(e) => tracing::warn!("the answer's end was not saved: {e}"),
            }
        }
        self.send(terminal);
    }
}

/// A cancelled error after Stop is a stop, not a failure.
fn failed_or_cancelled(e: ProviderError, cancel: &CancellationToken) -> Outcome {
    if cancel.is_cancelled() || e.kind() == ProviderErrorKind::Cancelled {
        Outcome::Done(StopReason::Cancelled)
    } else {
        Outcome::Failed(e)
    }
}

/// Runs one write on the answer; a failed write stops saving (what was saved stays, marked
/// unfinished) but never the stream.
fn save(
    answer: &mut Option<AnswerWriter>,
    op: impl FnOnce(&mut AnswerWriter) -> history::Result<()>,
) {
    if let Some(writer) = answer.as_mut() {
        if let Err(e) = op(writer) {
            tracing::warn!("the answer is no longer saved: {e}");
            *answer = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_tagged_with_camel_case_data() {
        let json = |e: &ChatEvent| serde_json::to_value(e).expect("serializes");
        assert_eq!(
            json(&ChatEvent::Started {
                model: "p/m".into(),
                message_id: Some(3)
            }),
            serde_json::json!({"event": "started", "data": {"model": "p/m", "messageId": 3}})
        );
        assert_eq!(
            json(&ChatEvent::Done {
                stop: StopReason::Cancelled
            }),
            serde_json::json!({"event": "done", "data": {"stop": "cancelled"}})
        );
        let usage = json(&ChatEvent::Usage {
            input: 1,
            output: 2,
            cache_read: 3,
            cache_write: 4,
            reasoning: None,
            cost: 0.5,
        });
        assert_eq!(usage["data"]["cacheRead"], 3);
        assert_eq!(
            json(&ChatEvent::Error {
                kind: "auth",
                message: "no".into()
            }),
            serde_json::json!({"event": "error", "data": {"kind": "auth", "message": "no"}})
        );
    }

    #[test]
    fn loopback_urls_are_local() {
        assert!(is_loopback("http://127.0.0.1:1234/v1"));
        assert!(is_loopback("http://localhost:11434/v1"));
        assert!(is_loopback("http://[::1]:8000/v1"));
        assert!(!is_loopback("https://api.openai.com/v1"));
        assert!(!is_loopback("https://localhost.example.com/v1"));
    }

    fn view_of(text: &str) -> view::ConfigView {
        let read = |_: &Path| Err(std::io::ErrorKind::NotFound.into());
        let loaded = config::load_str(text, Path::new("c.json5"), &|_| None, &read);
        view::of(&loaded, None)
    }

    const CONFIG: &str = r#"{
      agents: { defaults: { model: { primary: "fast", fallbacks: [] },
        models: { "lmstudio/qwen": { alias: "fast" } } } },
      models: { providers: {
        openai: { baseUrl: "https://api.openai.com/v1", models: [{ id: "gpt", name: "GPT",
                  contextWindow: 128000 }] },
        lmstudio: { baseUrl: "http://127.0.0.1:1234/v1", models: [{ id: "qwen", name: "Qwen",
                    contextWindow: 32768 }] },
      } },
    }"#;

    #[test]
    fn models_list_aliases_first_with_local_flags_and_context() {
        let models = models_of(&view_of(CONFIG));
        let rows: Vec<(&str, bool, Option<u64>)> = models
            .models
            .iter()
            .map(|m| (m.id.as_str(), m.local, m.context_window))
            .collect();
        assert_eq!(
            rows,
            [
                ("fast", true, Some(32768)),
                ("openai/gpt", false, Some(128000)),
                ("lmstudio/qwen", true, Some(32768)),
            ]
        );
        assert_eq!(models.models[0].model_ref, "lmstudio/qwen");
        assert_eq!(models.primary.as_deref(), Some("fast"));
    }

    #[test]
    fn aliases_resolve_to_their_model() {
        let read = |_: &Path| Err(std::io::ErrorKind::NotFound.into());
        let loaded = config::load_str(CONFIG, Path::new("c.json5"), &|_| None, &read);
        let config = loaded.into_config().expect("valid");
        let target = resolve_model(&config, "fast").expect("resolves");
        assert_eq!(
            (target.provider.as_str(), target.model.as_str()),
            ("lmstudio", "qwen")
        );
        let err = resolve_model(&config, "nowhere/x").expect_err("unknown");
        assert_eq!(err.kind(), ProviderErrorKind::Config);
    }
}
