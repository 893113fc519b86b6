//! Tests of the text patcher: what changes is only what was edited.

use super::*;

fn tree(text: &str) -> Node {
    parse(text, 0).expect("parses").root
}

/// Patches `text` with `edit` applied to its tree.
fn patched(text: &str, edit: impl FnOnce(&mut Node)) -> String {
    let old = tree(text);
    let mut new = old.clone();
    edit(&mut new);
    patch(text, &old, &new, Style::Json5).expect("patches")
}

const COMMENTED: &str = r#"// My config: keep these notes!
{
  /* routes */
  agents: {
    defaults: {
      model: {
        primary: 'lmstudio/minimax', // the fast one
        fallbacks: ["openai/gpt-5"],
      },
    },
  },
  models: {
    providers: {
      lmstudio: { baseUrl: "http://127.0.0.1:1234/v1" },
    },
  },
}
"#;

#[test]
fn a_changed_scalar_changes_only_its_own_text_and_keeps_its_quotes() {
    let out = patched(COMMENTED, |n| {
        let model = n
            .get_mut("agents")
            .and_then(|a| a.get_mut("defaults"))
            .and_then(|d| d.get_mut("model"))
            .expect("model");
        model.set("primary", Node::string("ollama/qwen3"));
    });
    assert_eq!(
        out,
        COMMENTED.replace("'lmstudio/minimax'", "'ollama/qwen3'")
    );
}

#[test]
fn an_added_member_goes_before_the_brace_in_the_siblings_indentation() {
    let out = patched(COMMENTED, |n| {
        let providers = n
            .get_mut("models")
            .and_then(|m| m.get_mut("providers"))
            .expect("providers");
        providers.set(
            "ollama",
            Node::object([(
                "baseUrl".to_owned(),
                Node::string("http://127.0.0.1:11434/v1"),
            )]),
        );
    });
    let expected = COMMENTED.replace(
        "      lmstudio: { baseUrl: \"http://127.0.0.1:1234/v1\" },\n",
        "      lmstudio: { baseUrl: \"http://127.0.0.1:1234/v1\" },\n      ollama: {\n        baseUrl: \"http://127.0.0.1:11434/v1\",\n      },\n",
    );
    assert_eq!(out, expected);
}

#[test]
fn a_removed_member_goes_with_its_line_and_the_rest_stays() {
    let out = patched(COMMENTED, |n| {
        let model = n
            .get_mut("agents")
            .and_then(|a| a.get_mut("defaults"))
            .and_then(|d| d.get_mut("model"))
            .expect("model");
        model.remove("primary");
    });
    assert_eq!(
        out,
        COMMENTED.replace("        primary: 'lmstudio/minimax', // the fast one\n", "")
    );
}

#[test]
fn json_without_trailing_commas_stays_json() {
    let text = "{\n    \"a\": 1,\n    \"b\": {\n        \"c\": true\n    }\n}\n";
    let old = tree(text);
    let mut new = old.clone();
    new.remove("b");
    new.set("d", Node::object([("e".to_owned(), Node::string("x"))]));
    let out = patch(text, &old, &new, Style::Json).expect("patches");
    assert_eq!(
        out,
        "{\n    \"a\": 1,\n    \"d\": {\n        \"e\": \"x\"\n    }\n}\n"
    );
    let mut only_removed = old.clone();
    only_removed.remove("b");
    let out = patch(text, &old, &only_removed, Style::Json).expect("patches");
    assert_eq!(out, "{\n    \"a\": 1\n}\n");
}

#[test]
fn a_one_line_object_is_rewritten_whole_and_the_rest_kept() {
    let text = "{\n  // keep\n  a: {x: 1, y: 2},\n}\n";
    let out = patched(text, |n| {
        if let Some(a) = n.get_mut("a") {
            a.set("z", Node::new(Value::Bool(true)));
        }
    });
    assert_eq!(
        out,
        "{\n  // keep\n  a: {\n    x: 1,\n    y: 2,\n    z: true,\n  },\n}\n"
    );
}

#[test]
fn nothing_to_patch_without_positions() {
    let new = tree("{a: 1}");
    assert!(patch("", &Node::object([]), &new, Style::Json5).is_none());
    assert_eq!(
        patch("{a: 1}", &tree("{a: 1}"), &new, Style::Json5).as_deref(),
        Some("{a: 1}")
    );
}

#[test]
fn items_of_a_same_length_array_are_patched_one_by_one() {
    let text = "[\n  // first\n  {id: 'a', n: 1},\n  {id: 'b'},\n]";
    let out = patched(text, |n| {
        if let Value::Array(items) = &mut n.value {
            items[1].set("id", Node::string("c"));
        }
    });
    assert_eq!(out, text.replace("'b'", "'c'"));
}
