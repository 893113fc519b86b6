//! Tests of the JSON5 parser.

use super::*;
use crate::config::json5::MAX_DEPTH;

fn ok(text: &str) -> Node {
    parse(text, 0)
        .unwrap_or_else(|e| panic!("{text:?}: {e:?}"))
        .root
}

fn err(text: &str) -> (u32, u32, String) {
    let e = parse(text, 0).expect_err(text);
    (e.line, e.col, e.message)
}

#[test]
fn reads_json5_features() {
    let n = ok(
        "// c\n{a: 1, 'b': +.5, \"c\": [0x1F, 5., Infinity, -Infinity,], /* x */ $d_1: 'it\\'s',}",
    );
    assert_eq!(n.get("a").and_then(Node::as_f64), Some(1.0));
    assert_eq!(n.get("b").and_then(Node::as_f64), Some(0.5));
    let c = n.get("c").and_then(Node::items).expect("array");
    assert_eq!(c[0].as_f64(), Some(31.0));
    assert_eq!(c[1].as_f64(), Some(5.0));
    assert_eq!(c[3].as_f64(), Some(f64::NEG_INFINITY));
    assert_eq!(n.get("$d_1").and_then(Node::as_str), Some("it's"));
    assert_eq!(
        c[1].span,
        Span {
            file: 0,
            line: 2,
            col: 30
        }
    );
    let s = ok(r#""\x41\u0042\0\v\q line\
cont""#);
    assert_eq!(s.as_str(), Some("AB\0\u{b}q linecont"));
    assert!(ok("NaN").as_f64().is_some_and(f64::is_nan));
    assert_eq!(ok("1e3").as_f64(), Some(1000.0));
    assert_eq!(ok("-0x10").as_f64(), Some(-16.0));
    assert_eq!(ok("\u{FEFF}{}").members().map(<[Member]>::len), Some(0));
}

#[test]
fn errors_point_at_the_offending_character() {
    assert_eq!(err("").0, 1);
    assert!(err("   ").2.starts_with("invalid end of input"));
    let (line, col, msg) = err("{\n  a: 1\n  b: 2\n}");
    assert_eq!((line, col), (3, 3));
    assert!(msg.starts_with("invalid character 'b'"), "{msg}");
    assert_eq!(err("{a: tru}").0..=err("{a: tru}").1, 1..=8);
    assert_eq!(err("[01]").1, 2);
    assert_eq!(err("'\\1'").1, 2);
    assert_eq!(err("\"a\nb\"").1, 3);
    assert_eq!(err("{a:1} x").1, 7);
    assert!(err("/* open").2.starts_with("invalid end of input"));
    assert_eq!(err("{,}").1, 2);
    assert_eq!(err("[1,,2]").1, 4);
    assert_eq!(err(".").1, 1);
    assert!(!err(".").2.contains(" at line"), "{}", err(".").2);
    assert_eq!(err("0x").1, 3);
}

#[test]
fn duplicate_keys_keep_the_last_value_and_are_reported() {
    let parsed = parse("{m: {a: 1, b: 2, a: 3}}", 0).expect("parses");
    let m = parsed.root.get("m").expect("m");
    assert_eq!(m.members().map(<[Member]>::len), Some(2));
    assert_eq!(m.get("a").and_then(Node::as_f64), Some(3.0));
    assert_eq!(parsed.duplicates[0].1.to_string(), "m.a");
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let deep = "[".repeat(MAX_DEPTH + 1);
    assert!(err(&deep).2.contains("nested"));
}

#[test]
fn the_crate_reads_numbers_escapes_and_specials_as_javascript_does() {
    // Integers past 2^53 round to the nearest double, as `JSON5.parse` rounds them.
    assert_eq!(
        ok("12345678901234567890").as_f64(),
        Some(12_345_678_901_234_567_000.0)
    );
    assert_eq!(
        ok("-9007199254740993").as_f64(),
        Some(-9_007_199_254_740_992.0)
    );
    assert_eq!(ok("1e400").as_f64(), Some(f64::INFINITY));
    assert_eq!(
        ok("0xFFFFFFFFFFFFFFFFFF").as_f64(),
        Some(4_722_366_482_869_645_213_696.0)
    );
    assert!(ok("-NaN").as_f64().is_some_and(f64::is_nan));
    assert_eq!(ok("+Infinity").as_f64(), Some(f64::INFINITY));
    assert_eq!(
        ok(r#""\u00e9\uD83D\uDE00""#).as_str(),
        Some("\u{e9}\u{1F600}")
    );
    assert_eq!(
        ok(r#"{\u0061b: 1}"#).get("ab").and_then(Node::as_f64),
        Some(1.0)
    );
    // Where json5@2.2.3 reads on and the crate stops (see the module docs).
    assert!(
        err(r#""\uD800""#).2.contains("escape"),
        "{:?}",
        err(r#""\uD800""#)
    );
    assert!(parse(&format!("0x1{}", "0".repeat(32)), 0).is_err());
}

#[test]
fn positions_and_ranges_follow_comments_and_unicode() {
    let text = "/* 설정 */ {\r\n  '키': [1, {b: \"x\"}], // c\n  c: null }";
    let n = ok(text);
    let m = &n.members().expect("object")[0];
    assert_eq!(&text[m.key_range.clone()], "'키'");
    assert_eq!((m.key_span.line, m.key_span.col), (2, 3));
    assert_eq!(&text[m.value.range.clone()], "[1, {b: \"x\"}]");
    let c = n.get("c").expect("c");
    assert_eq!(
        (c.span.line, c.span.col, &text[c.range.clone()]),
        (3, 6, "null")
    );
    assert_eq!(&text[n.range.clone()], &text[13..]);
}
