//! The request options and rich turns as each wire API says them, and tool calls decoded
//! back from each API's replies.

use serde_json::{json, Value};

use super::options::{Image, RequestOptions, ResponseFormat, ToolCall, ToolChoice, ToolSpec};
use super::sse::parse_all;
use super::target::{Target, Timeouts};
use super::types::{ChatRequest, Completion, Role, StopReason, Turn};
use super::{anthropic, completions, responses, Api};

fn target(api: Api) -> Target {
    Target {
        provider: "p".into(),
        model: "m".into(),
        api: api.name().into(),
        base_url: "http://127.0.0.1:9/v1".into(),
        key: None,
        headers: Vec::new(),
        auth_header: None,
        max_tokens: Some(1000),
        params: serde_json::Map::new(),
        cost: None,
        max_tokens_field: "max_tokens",
        usage_in_streaming: true,
        timeouts: Timeouts::default(),
    }
}

/// A conversation with an image, a tool call and its result, tools and parameters.
fn rich_request() -> ChatRequest {
    let mut look = Turn::user("what is the weather here?");
    look.images.push(Image {
        url: "data:image/png;base64,iVBO".into(),
        detail: Some("low".into()),
    });
    let mut calling = Turn::assistant("");
    calling.tool_calls.push(ToolCall {
        id: "call_1".into(),
        name: "weather".into(),
        arguments: r#"{"city":"Oslo"}"#.into(),
    });
    let mut result = Turn::text(Role::Tool, "rain");
    result.tool_call_id = Some("call_1".into());
    let mut passthrough = serde_json::Map::new();
    passthrough.insert("logit_bias".into(), json!({"50256": -100}));
    ChatRequest {
        system: Some("be brief".into()),
        turns: vec![look, calling, result],
        stream: true,
        options: RequestOptions {
            temperature: Some(0.2),
            top_p: Some(0.9),
            max_tokens: Some(64),
            stop: vec!["END".into()],
            seed: Some(7),
            response_format: None,
            tools: vec![ToolSpec {
                name: "weather".into(),
                description: Some("the weather".into()),
                parameters: json!({"type": "object", "properties": {"city": {"type": "string"}}}),
                strict: None,
            }],
            tool_choice: Some(ToolChoice::Tool("weather".into())),
            passthrough,
        },
    }
}

#[test]
fn completions_get_everything_as_openai_says_it_plus_the_passthrough() {
    let body = completions::prepare(&target(Api::OpenAiCompletions), &rich_request()).body;
    assert_eq!(body["temperature"], 0.2);
    assert_eq!(body["max_tokens"], 64);
    assert_eq!((&body["stop"], &body["seed"]), (&json!(["END"]), &json!(7)));
    assert_eq!(body["tools"][0]["function"]["name"], "weather");
    assert_eq!(body["tool_choice"]["function"]["name"], "weather");
    assert_eq!(body["logit_bias"]["50256"], -100);
    let messages = body["messages"].as_array().expect("messages");
    assert_eq!(messages[1]["content"][1]["image_url"]["detail"], "low");
    assert_eq!(messages[2]["tool_calls"][0]["id"], "call_1");
    assert_eq!(messages[2]["content"], Value::Null);
    assert_eq!(
        messages[3],
        json!({"role": "tool", "tool_call_id": "call_1", "content": "rain"})
    );
}

#[test]
fn responses_get_input_items_and_function_tools() {
    let mut request = rich_request();
    request.options.response_format = Some(ResponseFormat::JsonSchema {
        name: "w".into(),
        description: None,
        schema: json!({"type": "object"}),
        strict: Some(true),
    });
    let body = responses::prepare(&target(Api::OpenAiResponses), &request).body;
    assert_eq!(body["max_output_tokens"], 64);
    assert!(body.get("stop").is_none() && body.get("logit_bias").is_none());
    assert_eq!(body["tools"][0]["name"], "weather");
    assert_eq!(
        body["tool_choice"],
        json!({"type": "function", "name": "weather"})
    );
    assert_eq!(body["text"]["format"]["type"], "json_schema");
    let input = body["input"].as_array().expect("input");
    assert_eq!(input[1]["content"][1]["type"], "input_image");
    assert_eq!(input[2]["type"], "function_call");
    assert_eq!(input[3]["type"], "function_call_output");
}

#[test]
fn anthropic_gets_blocks_and_refuses_a_json_format() {
    let body = anthropic::prepare(&target(Api::AnthropicMessages), &rich_request())
        .expect("prepared")
        .body;
    assert_eq!(body["max_tokens"], 64);
    assert_eq!(body["stop_sequences"], json!(["END"]));
    assert!(body.get("seed").is_none());
    assert_eq!(body["tools"][0]["input_schema"]["type"], "object");
    assert_eq!(
        body["tool_choice"],
        json!({"type": "tool", "name": "weather"})
    );
    let messages = body["messages"].as_array().expect("messages");
    assert_eq!(
        messages[0]["content"][1]["source"]["media_type"],
        "image/png"
    );
    assert_eq!(messages[1]["content"][0]["input"]["city"], "Oslo");
    assert_eq!(messages[2]["content"][0]["type"], "tool_result");
    let mut json_answer = rich_request();
    json_answer.options.response_format = Some(ResponseFormat::JsonObject);
    let err = anthropic::prepare(&target(Api::AnthropicMessages), &json_answer)
        .err()
        .expect("refused");
    assert_eq!(err.kind(), super::ProviderErrorKind::BadRequest);
    assert!(err.to_string().contains("p/m"), "{err}");
}

fn calls(api: Api, stream: &str) -> Completion {
    let mut completion = Completion::default();
    for event in super::replay(api, stream.as_bytes(), 7).expect("decodes") {
        completion.add(event);
    }
    completion
}

#[test]
fn streamed_tool_calls_come_back_from_every_api() {
    let completions = concat!(
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"weather\",\"arguments\":\"\"}}]}}]}\n\n",
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"city\\\":\"}}]}}]}\n\n",
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"\\\"Oslo\\\"}\"}}]}}]}\n\n",
        "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}\n\n",
        "data: [DONE]\n\n",
    );
    let responses = concat!(
        "event: response.output_item.added\ndata: {\"type\":\"response.output_item.added\",\"output_index\":0,\"item\":{\"type\":\"function_call\",\"id\":\"fc_1\",\"call_id\":\"call_1\",\"name\":\"weather\",\"arguments\":\"\"}}\n\n",
        "event: response.function_call_arguments.delta\ndata: {\"type\":\"response.function_call_arguments.delta\",\"output_index\":0,\"delta\":\"{\\\"city\\\":\"}\n\n",
        "event: response.function_call_arguments.delta\ndata: {\"type\":\"response.function_call_arguments.delta\",\"output_index\":0,\"delta\":\"\\\"Oslo\\\"}\"}\n\n",
        "event: response.completed\ndata: {\"type\":\"response.completed\",\"response\":{\"status\":\"completed\"}}\n\n",
    );
    let anthropic = concat!(
        "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"usage\":{\"input_tokens\":5}}}\n\n",
        "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"tool_use\",\"id\":\"call_1\",\"name\":\"weather\",\"input\":{}}}\n\n",
        "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"city\\\":\"}}\n\n",
        "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"\\\"Oslo\\\"}\"}}\n\n",
        "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\"},\"usage\":{\"output_tokens\":9}}\n\n",
        "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n",
    );
    let want = vec![ToolCall {
        id: "call_1".into(),
        name: "weather".into(),
        arguments: r#"{"city":"Oslo"}"#.into(),
    }];
    for (api, stream) in [
        (Api::OpenAiCompletions, completions),
        (Api::OpenAiResponses, responses),
        (Api::AnthropicMessages, anthropic),
    ] {
        let completion = calls(api, stream);
        assert_eq!(completion.tool_calls, want, "{api:?}");
        assert_eq!(completion.stop, Some(StopReason::ToolCalls), "{api:?}");
    }
    assert!(parse_all(b"").is_empty());
}
