//! What a request carries beyond plain text, the same for every wire API: generation
//! parameters, tools and how to choose them, the answer's format, and fields to pass through
//! untouched; in the turns, images and tool calls. Each wire module translates these to its
//! own API (or refuses what it cannot say, as a bad request).

use serde_json::{Map, Value};

/// Parameters and tools a caller set on one request. The default sets nothing: the alias's
/// `params` and the model's limits apply.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RequestOptions {
    /// Sampling temperature.
    pub temperature: Option<f64>,
    /// Nucleus sampling.
    pub top_p: Option<f64>,
    /// Output token limit for this request (instead of the model's `maxTokens`).
    pub max_tokens: Option<u64>,
    /// Stop sequences.
    pub stop: Vec<String>,
    /// Sampling seed, where the API has one.
    pub seed: Option<i64>,
    /// The answer's format.
    pub response_format: Option<ResponseFormat>,
    /// Tools the model may call.
    pub tools: Vec<ToolSpec>,
    /// Whether and which tool it must call.
    pub tool_choice: Option<ToolChoice>,
    /// Fields sent as they are to `openai-completions` servers (a gateway client's fields this
    /// version does not know); other APIs leave them out.
    pub passthrough: Map<String, Value>,
}

impl RequestOptions {
    /// Whether the request offers tools (a model without tool use cannot take it).
    pub fn uses_tools(&self) -> bool {
        !self.tools.is_empty()
    }
}

/// The format an answer must take.
#[derive(Debug, Clone, PartialEq)]
pub enum ResponseFormat {
    /// Plain text (the default).
    Text,
    /// Any JSON object.
    JsonObject,
    /// JSON following `schema`.
    JsonSchema {
        /// The schema's name.
        name: String,
        /// What the schema is for.
        description: Option<String>,
        /// The JSON Schema.
        schema: Value,
        /// Whether the server must follow it exactly.
        strict: Option<bool>,
    },
}

/// A function the model may call.
#[derive(Debug, Clone, PartialEq)]
pub struct ToolSpec {
    /// The function's name.
    pub name: String,
    /// What it does.
    pub description: Option<String>,
    /// Its arguments, as a JSON Schema object.
    pub parameters: Value,
    /// Whether arguments must follow the schema exactly (OpenAI's `strict`).
    pub strict: Option<bool>,
}

/// Whether the model calls a tool.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ToolChoice {
    /// The model decides.
    Auto,
    /// No tool calls.
    None,
    /// At least one tool call.
    Required,
    /// This tool.
    Tool(String),
}

/// A call the model made (in an assistant turn sent back).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolCall {
    /// The call's id, which the tool's result names.
    pub id: String,
    /// The function's name.
    pub name: String,
    /// The arguments, JSON text as the model wrote it.
    pub arguments: String,
}

/// An image in a user turn: a URL, or a `data:` URL with the bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Image {
    /// `https://…` or `data:image/png;base64,…`.
    pub url: String,
    /// OpenAI's `detail` (`low`, `high`, `auto`), when given.
    pub detail: Option<String>,
}

impl Image {
    /// `(media type, base64 data)` of a `data:` URL.
    pub fn inline(&self) -> Option<(&str, &str)> {
        let rest = self.url.strip_prefix("data:")?;
        let (head, data) = rest.split_once(',')?;
        let media = head.strip_suffix(";base64")?;
        Some((media, data))
    }
}

/// A piece of a tool call as it streams: the first piece of a call has its id and name, the
/// rest add to its arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolCallDelta {
    /// Which call of the answer (0, 1, …).
    pub index: u32,
    /// The call's id (first piece).
    pub id: Option<String>,
    /// The function's name (first piece).
    pub name: Option<String>,
    /// More of the arguments' JSON text.
    pub arguments: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_urls_split_into_media_type_and_bytes() {
        let image = Image {
            url: "data:image/png;base64,iVBORw0KGgo=".into(),
            detail: None,
        };
        assert_eq!(image.inline(), Some(("image/png", "iVBORw0KGgo=")));
        let remote = Image {
            url: "https://example.com/cat.png".into(),
            detail: Some("low".into()),
        };
        assert_eq!(remote.inline(), None);
    }
}
