//! Whether a model can take a request at all, from the facts its config entry gives: images
//! need `input` to include `"image"`, tools need tool use (`compat.supportsTools` not `false`).
//! A model the config does not list is given the benefit of the doubt: its server has the
//! last word.
//!
//! Images, decided here once for every face: a model asked for by its `provider/model` ref
//! that takes text only refuses at once (the person chose that model). The primary route or an
//! alias is a route, not a model: its text-only candidates are skipped with a route event
//! (`no_image_input`) and the first that reads images answers; when none does, the request is
//! refused before anything is saved or sent, naming every model ([`images_refused`]). Tools: the
//! engine refuses a request its first model cannot take; failover skips such a fallback.

use crate::config::json5::Node;
use crate::config::model::{Config, ModelDef};
use crate::providers::ChatRequest;
use crate::router::RouteError;

/// Route event reason: the request has images and the model takes text only.
pub const NO_IMAGE_INPUT: &str = "no_image_input";
/// Route event reason: the request uses tools and the model has no tool use.
pub const NO_TOOL_USE: &str = "no_tool_use";

/// What `model_ref` lacks for `request`, as a sentence starting after the model's name, or
/// `None` when it can take it (or the config says nothing about it).
pub fn missing(config: &Config, model_ref: &str, request: &ChatRequest) -> Option<String> {
    let reason = refusal(config, model_ref, request)?;
    Some(match reason {
        NO_IMAGE_INPUT => {
            "cannot take images: its `input` in the config does not include \"image\"".to_owned()
        }
        _ => "cannot use tools: its config sets `compat.supportsTools: false`".to_owned(),
    })
}

/// The route event reason why `model_ref` cannot take `request`, if it cannot.
pub fn refusal(config: &Config, model_ref: &str, request: &ChatRequest) -> Option<&'static str> {
    let needs_images = request.has_images();
    let needs_tools = request.uses_tools();
    if !needs_images && !needs_tools {
        return None;
    }
    let model = listed(config, model_ref)?;
    if needs_images && !model.input().iter().any(|i| i == "image") {
        return Some(NO_IMAGE_INPUT);
    }
    let no_tools = model
        .compat
        .as_ref()
        .and_then(|c| c.get("supportsTools"))
        .and_then(Node::as_bool)
        == Some(false);
    if needs_tools && no_tools {
        return Some(NO_TOOL_USE);
    }
    None
}

/// Why a request with images (`has_images`: its turns carry any) cannot go on the route
/// `candidates` (in order; `explicit`: the first was asked for by its own ref): the text-only
/// models, if they leave no model.
pub fn images_refused(
    config: &Config,
    candidates: &[String],
    explicit: bool,
    has_images: bool,
) -> Result<(), RouteError> {
    if !has_images {
        return Ok(());
    }
    let text_only = |model_ref: &&String| {
        listed(config, model_ref).is_some_and(|m| !m.input().iter().any(|i| i == "image"))
    };
    let models: Vec<String> = if explicit {
        candidates
            .first()
            .filter(text_only)
            .cloned()
            .into_iter()
            .collect()
    } else if !candidates.is_empty() && candidates.iter().all(|c| text_only(&c)) {
        candidates.to_vec()
    } else {
        Vec::new()
    };
    if models.is_empty() {
        Ok(())
    } else {
        Err(RouteError::NoImageInput { models })
    }
}

/// What `model_ref` lacks for `request`'s tools, as in [`missing`] (images are
/// [`images_refused`]'s).
pub fn missing_tools(config: &Config, model_ref: &str, request: &ChatRequest) -> Option<String> {
    if !request.uses_tools() {
        return None;
    }
    let mut without_images = request.clone();
    for turn in &mut without_images.turns {
        turn.images.clear();
    }
    missing(config, model_ref, &without_images)
}

fn listed<'a>(config: &'a Config, model_ref: &str) -> Option<&'a ModelDef> {
    let (provider, model) = model_ref.split_once('/')?;
    config
        .provider(provider)?
        .models
        .iter()
        .flatten()
        .find(|m| m.id == model)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::{Image, ToolSpec, Turn};

    fn config() -> Config {
        let loaded = crate::config::load_str(
            r#"{ models: { providers: { p: { baseUrl: "http://127.0.0.1:9/v1", models: [
                 { id: "text", name: "T" },
                 { id: "eyes", name: "E", input: ["text", "image"] },
                 { id: "notools", name: "N", input: ["text", "image"], compat: { supportsTools: false } } ] } } } }"#,
            std::path::Path::new("/t/config.json5"),
            &|_| None,
            &|_| Err(std::io::Error::other("no includes")),
        );
        assert!(loaded.is_valid(), "{:?}", loaded.diagnostics);
        loaded.config
    }

    #[test]
    fn images_need_image_input_and_tools_need_tool_use() {
        let cfg = config();
        let mut turn = Turn::user("what is this?");
        turn.images.push(Image {
            url: "data:image/png;base64,AAAA".into(),
            detail: None,
        });
        let with_image = ChatRequest {
            turns: vec![turn],
            ..ChatRequest::default()
        };
        assert_eq!(refusal(&cfg, "p/text", &with_image), Some(NO_IMAGE_INPUT));
        assert_eq!(refusal(&cfg, "p/eyes", &with_image), None);
        assert_eq!(refusal(&cfg, "lmstudio/unlisted", &with_image), None);
        let mut with_tools = ChatRequest {
            turns: vec![Turn::user("weather?")],
            ..ChatRequest::default()
        };
        with_tools.options.tools.push(ToolSpec {
            name: "weather".into(),
            description: None,
            parameters: serde_json::json!({"type": "object"}),
            strict: None,
        });
        assert_eq!(refusal(&cfg, "p/notools", &with_tools), Some(NO_TOOL_USE));
        assert_eq!(refusal(&cfg, "p/text", &with_tools), None);
        let plain = ChatRequest {
            turns: vec![Turn::user("hi")],
            ..ChatRequest::default()
        };
        assert_eq!(refusal(&cfg, "p/text", &plain), None);
        let why = missing(&cfg, "p/text", &with_image).expect("refused");
        assert!(why.contains("image"), "{why}");
    }
}
