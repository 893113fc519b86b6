//! The one model a scan suggests starting with: what the first screen's "Use MiniMax M2.1 on LM
//! Studio" and the wizard's "Use it" offer.
//!
//! Only a server that answers on this machine itself qualifies (a catalog inference server, not
//! a proxy such as LiteLLM that may pass the text on, and none that needs a key the scan does
//! not have): the first answer must be local and need no typing. Among their chat models the
//! best is, in order: loaded (no wait for a load), no advice from the seed (small context,
//! aggressive quantization, small checkpoint…), the largest context; ties keep scan order, so
//! LM Studio comes first.

use super::types::{DetectedModel, DetectedServer, ScanReport, Status, Suggestion, Warning};

impl ScanReport {
    /// The report for `servers`, with its suggestion.
    pub fn new(servers: Vec<DetectedServer>) -> Self {
        let suggested = suggest(&servers);
        ScanReport { servers, suggested }
    }
}

/// Ordering key: larger is better. Scan order breaks ties (see the module docs).
fn rank(model: &DetectedModel) -> (bool, bool, u64) {
    let advised = model
        .warnings
        .iter()
        .any(|w| !matches!(w, Warning::NotLoaded | Warning::NoToolUse));
    (
        model.loaded == Some(true),
        !advised,
        model.context_window.unwrap_or(0),
    )
}

fn qualifies(server: &DetectedServer) -> bool {
    server.status == Status::Running
        && !server.needs_key
        && server
            .kind
            .known()
            .is_some_and(|known| known.serves_models_here())
}

/// The best chat model of `servers` (see the module docs), if any qualifies.
pub fn suggest(servers: &[DetectedServer]) -> Option<Suggestion> {
    let mut best: Option<(&DetectedServer, &DetectedModel)> = None;
    for server in servers.iter().filter(|s| qualifies(s)) {
        for model in server.chat_models() {
            // Strictly better only: the earlier server (LM Studio) wins a tie.
            if best.is_none_or(|(_, b)| rank(model) > rank(b)) {
                best = Some((server, model));
            }
        }
    }
    best.map(|(server, model)| Suggestion {
        kind: server.kind,
        server: server.kind.label(),
        base_url: server.base_url.clone(),
        model_id: model.id.clone(),
        model_name: model.name.clone(),
        context_window: model.context_window,
        loaded: model.loaded,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discovery::ServerKind;

    fn model(
        id: &str,
        loaded: Option<bool>,
        context: u64,
        warnings: Vec<Warning>,
    ) -> DetectedModel {
        let mut m = DetectedModel::bare(id);
        m.loaded = loaded;
        m.context_window = Some(context);
        m.warnings = warnings;
        m
    }

    fn server(kind: ServerKind, port: u16, models: Vec<DetectedModel>) -> DetectedServer {
        let mut s =
            DetectedServer::new(kind, format!("http://127.0.0.1:{port}/v1"), Status::Running);
        s.models = models;
        s
    }

    #[test]
    fn a_loaded_model_beats_a_larger_one_that_is_not() {
        let servers = [server(
            ServerKind::LmStudio,
            1234,
            vec![
                model("big", Some(false), 196_608, vec![Warning::NotLoaded]),
                model("minimax-m2.1", Some(true), 131_072, vec![]),
            ],
        )];
        let s = suggest(&servers).expect("a suggestion");
        assert_eq!(s.model_id, "minimax-m2.1");
        assert_eq!(s.server, "LM Studio");
    }

    #[test]
    fn advice_counts_before_context_and_context_before_order() {
        let servers = [
            server(
                ServerKind::LmStudio,
                1234,
                vec![model(
                    "tiny-4b",
                    Some(true),
                    262_144,
                    vec![Warning::SmallCheckpoint { size: "4B".into() }],
                )],
            ),
            server(
                ServerKind::Ollama,
                11434,
                vec![
                    model("qwen3:32b", Some(true), 32_768, vec![]),
                    model("qwen3:30b", Some(true), 40_960, vec![]),
                ],
            ),
        ];
        assert_eq!(suggest(&servers).expect("one").model_id, "qwen3:30b");
    }

    #[test]
    fn ties_go_to_the_earlier_server() {
        let servers = [
            server(
                ServerKind::LmStudio,
                1234,
                vec![model("a", Some(true), 8, vec![])],
            ),
            server(
                ServerKind::Ollama,
                11434,
                vec![model("b", Some(true), 8, vec![])],
            ),
        ];
        assert_eq!(suggest(&servers).expect("one").kind, ServerKind::LmStudio);
    }

    #[test]
    fn proxies_servers_needing_a_key_and_stopped_servers_are_never_suggested() {
        let mut keyed = server(
            ServerKind::Vllm,
            8000,
            vec![model("k", Some(true), 8, vec![])],
        );
        keyed.needs_key = true;
        let mut stopped = server(
            ServerKind::Ollama,
            11434,
            vec![model("s", Some(true), 8, vec![])],
        );
        stopped.status = Status::NotRunning;
        let proxy = server(
            ServerKind::LiteLlm,
            4000,
            vec![model("p", Some(true), 8, vec![])],
        );
        let mut embed = model("e", Some(true), 8, vec![]);
        embed.model_type = super::super::types::ModelType::Embeddings;
        let embeddings = server(ServerKind::LmStudio, 1234, vec![embed]);
        assert_eq!(suggest(&[keyed, stopped, proxy, embeddings]), None);
    }
}
