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
    fn arbitrary_text_never_panics(text in "[{}\\[\\]:,'\"a-z0-9 .+\\-\\\\/*\n$]{0,200}") {
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
