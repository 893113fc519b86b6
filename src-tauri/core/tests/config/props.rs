use std::path::Path;

use proptest::prelude::*;
use switchboard_core::config::{self, json5};

fn no_env(_: &str) -> Option<String> {
    None
}

fn no_read(_: &Path) -> std::io::Result<String> {
    Err(std::io::ErrorKind::NotFound.into())
}

fn json_value() -> impl Strategy<Value = json5::Node> {
    let leaf = prop_oneof![
        Just(json5::Node::new(json5::Value::Null)),
        any::<bool>().prop_map(|b| json5::Node::new(json5::Value::Bool(b))),
        (-1.0e9f64..1.0e9).prop_map(|n| json5::Node::new(json5::Value::Number(n))),
        ".{0,12}".prop_map(json5::Node::string),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6)
                .prop_map(|v| json5::Node::new(json5::Value::Array(v))),
            prop::collection::btree_map("[a-zA-Z$_][a-zA-Z0-9 ./-]{0,8}", inner, 0..6)
                .prop_map(json5::Node::object),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes_never_panic_the_loader(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("c.json5");
        std::fs::write(&path, &bytes).expect("write");
        let _loaded = config::load_with(&path, &no_env).expect("only I/O errors are errors");
    }

    #[test]
    fn arbitrary_text_never_panics(text in "[{}\\[\\]:,'\"a-z0-9 .+\\-\\\\/*\n$é키\u{2028}]{0,200}") {
        let _loaded = config::load_str(&text, Path::new("c.json5"), &no_env, &no_read);
    }

    #[test]
    fn written_trees_read_back_equal(node in json_value()) {
        for style in [json5::Style::Json5, json5::Style::Json] {
            let text = json5::write(&node, style);
            let back = json5::parse(&text, 0).expect("reads back").root;
            prop_assert_eq!(&back, &node);
        }
    }
}

fn object_value() -> impl Strategy<Value = json5::Node> {
    prop::collection::btree_map("[a-zA-Z$_][a-zA-Z0-9 ./-]{0,8}", json_value(), 0..6)
        .prop_map(json5::Node::object)
}

/// Every value's byte range holds text that reads as that value.
fn ranges_hold_their_values(text: &str, node: &json5::Node) -> Result<(), TestCaseError> {
    let slice = &text[node.range.clone()];
    let alone =
        json5::parse(slice, 0).map_err(|e| TestCaseError::fail(format!("{slice:?}: {e:?}")))?;
    prop_assert_eq!(&alone.root, node, "{:?}", slice);
    match &node.value {
        json5::Value::Array(items) => items
            .iter()
            .try_for_each(|i| ranges_hold_their_values(text, i)),
        json5::Value::Object(members) => members
            .iter()
            .try_for_each(|m| ranges_hold_their_values(text, &m.value)),
        _ => Ok(()),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn patched_text_reads_as_the_edited_tree_and_keeps_the_comments(
        base in object_value(),
        changes in object_value(),
        drop_first in any::<bool>(),
        json in any::<bool>(),
    ) {
        let style = if json { json5::Style::Json } else { json5::Style::Json5 };
        let text = format!("// kept\n{}", json5::write(&base, style))
            .replacen("{\n", "{\n  /* also kept */\n", 1);
        let old = json5::parse(&text, 0).expect("reads").root;
        ranges_hold_their_values(&text, &old)?;
        let mut new = old.clone();
        for m in changes.members().unwrap_or_default() {
            new.set(&m.key, m.value.clone());
        }
        if drop_first {
            if let Some(first) = base.members().and_then(|m| m.first()) {
                new.remove(&first.key);
            }
        }
        let out = json5::patch(&text, &old, &new, style).expect("patches");
        prop_assert_eq!(&json5::parse(&out, 0).expect("reads back").root, &new);
        prop_assert!(out.starts_with("// kept\n{"), "{}", out);
        // The member that opens the object keeps the comment above it unless it is gone.
        prop_assert!(out.contains("/* also kept */") || base.members().is_some_and(<[_]>::is_empty), "{}", out);
    }
}
