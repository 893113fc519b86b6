//! The seed's advice as per-model warnings, and the name parsing it needs: bits per weight from a
//! quantization name, parameter counts from `7B`-style strings and model ids, and raw counts
//! written the way model cards write them (`116K`, `8B`).

use super::types::{DetectedModel, Warning, MIN_CONTEXT};

/// Checkpoints under this many billions of parameters count as "small".
pub const SMALL_PARAMS_B: f64 = 8.0;

/// Quantization at or below this many bits per weight counts as "aggressive".
pub const AGGRESSIVE_BITS: f64 = 3.0;

/// Fills `model.warnings` from what is known about it.
pub fn attach(model: &mut DetectedModel) {
    model.warnings = for_model(model);
}

/// The warnings for `model` (none for embedding models).
pub fn for_model(model: &DetectedModel) -> Vec<Warning> {
    let mut out = Vec::new();
    if !model.is_chat() {
        return out;
    }
    if let Some(tokens) = model.context_window.filter(|t| *t < MIN_CONTEXT) {
        out.push(Warning::SmallContext { tokens });
    }
    let bits = model
        .bits_per_weight
        .or_else(|| model.quantization.as_deref().and_then(bits_from_name))
        .or_else(|| bits_from_name(&model.id));
    if let Some(bits) = bits.filter(|b| *b <= AGGRESSIVE_BITS) {
        out.push(Warning::AggressiveQuantization { bits });
    }
    if let Some(size) = small_checkpoint(model) {
        out.push(Warning::SmallCheckpoint { size });
    }
    if model.loaded == Some(false) {
        out.push(Warning::NotLoaded);
    }
    if model.tool_use == Some(false) {
        out.push(Warning::NoToolUse);
    }
    out
}

fn tokens(s: &str) -> impl Iterator<Item = &str> {
    s.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|t| !t.is_empty())
}

/// Bits per weight from a quantization name or a file/model name: `Q4_K_M` → 4, `IQ2_XXS` → 2,
/// `Q8_0` → 8, `F16`/`BF16` → 16, `4bit` → 4, `mxfp4` → 4, `awq`/`gptq` alone → `None`.
pub fn bits_from_name(name: &str) -> Option<f64> {
    let lower = name.to_ascii_lowercase();
    for token in tokens(&lower) {
        let digits_after = |prefix: &str| -> Option<f64> {
            let rest = token.strip_prefix(prefix)?;
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            let tail = &rest[digits.len()..];
            if digits.is_empty() || !(tail.is_empty() || tail == "k" || tail.starts_with('k')) {
                return None;
            }
            digits.parse().ok()
        };
        if let Some(bits) = digits_after("iq").or_else(|| digits_after("q")) {
            if (1.0..=8.0).contains(&bits) {
                return Some(bits);
            }
        }
        if let Some(bits) = token
            .strip_suffix("bit")
            .and_then(|d| d.parse::<f64>().ok())
        {
            return Some(bits);
        }
        match token {
            "f16" | "bf16" | "fp16" => return Some(16.0),
            "f32" | "fp32" => return Some(32.0),
            "fp8" | "int8" => return Some(8.0),
            "mxfp4" | "int4" | "nf4" | "fp4" => return Some(4.0),
            _ => {}
        }
    }
    None
}

/// Billions of parameters from `7B`, `0.6B`, `30B-A3B`, `270M`, `116K`, `1T`, or a raw count.
pub fn params_billions(text: &str) -> Option<f64> {
    let t = text.trim().to_ascii_lowercase();
    let head = t.split(['-', ' ', '_']).next()?;
    for (suffix, billions) in [('t', 1e3), ('b', 1.0), ('m', 1e-3), ('k', 1e-6)] {
        if let Some(n) = head.strip_suffix(suffix) {
            return n.parse::<f64>().ok().map(|n| n * billions);
        }
    }
    head.parse::<f64>().ok().map(|n| n / 1e9)
}

/// A raw parameter count as model cards write it: `116K`, `137M`, `1.5B`, `8B`, `32B`: one
/// decimal under 10 of a unit (dropped when it is 0), whole units above.
pub fn params_label(count: u64) -> String {
    let n = count as f64;
    let (value, unit) = [(1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")]
        .into_iter()
        .find(|(size, _)| n >= *size)
        .map_or((n, ""), |(size, unit)| (n / size, unit));
    let rounded = (value * 10.0).round() / 10.0;
    if rounded >= 10.0 || rounded.fract() == 0.0 {
        format!("{}{unit}", value.round())
    } else {
        format!("{rounded:.1}{unit}")
    }
}

/// The size token of an id such as `qwen3-4b-instruct` or `Llama-3.2-1B` (not MoE active-size
/// tokens like `a3b`).
fn size_in_id(id: &str) -> Option<(String, f64)> {
    let lower = id.to_ascii_lowercase();
    let found = tokens_with_dots(&lower).find_map(|t| {
        let n = t.strip_suffix('b')?;
        let value: f64 = n.parse().ok()?;
        Some((t.to_ascii_uppercase(), value))
    });
    found
}

fn tokens_with_dots(s: &str) -> impl Iterator<Item = &str> {
    s.split(|c: char| !(c.is_ascii_alphanumeric() || c == '.'))
        .filter(|t| !t.is_empty())
}

fn small_checkpoint(model: &DetectedModel) -> Option<String> {
    let from_params = model
        .params
        .as_deref()
        .and_then(|p| params_billions(p).map(|b| (p.to_owned(), b)));
    if let Some((text, billions)) = from_params.or_else(|| size_in_id(&model.id)) {
        return (billions < SMALL_PARAMS_B).then_some(text);
    }
    let lower = model.id.to_ascii_lowercase();
    let found = tokens(&lower)
        .find(|t| matches!(*t, "small" | "mini" | "tiny" | "nano"))
        .map(str::to_owned);
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discovery::types::ModelType;

    #[test]
    fn quantization_names_give_bits() {
        for (name, bits) in [
            ("Q4_K_M", Some(4.0)),
            ("Q3_K_S", Some(3.0)),
            ("IQ2_XXS", Some(2.0)),
            ("Q8_0", Some(8.0)),
            ("F16", Some(16.0)),
            ("4bit", Some(4.0)),
            ("3bit", Some(3.0)),
            ("MXFP4", Some(4.0)),
            ("Qwen3-8B-Q2_K.gguf", Some(2.0)),
            ("qwen3", None),
            ("awq", None),
        ] {
            assert_eq!(bits_from_name(name), bits, "{name}");
        }
    }

    #[test]
    fn parameter_counts_parse() {
        assert_eq!(params_billions("7B"), Some(7.0));
        assert_eq!(params_billions("0.6B"), Some(0.6));
        assert_eq!(params_billions("30B-A3B"), Some(30.0));
        assert_eq!(params_billions("270M"), Some(0.27));
        assert!(params_billions("8030261248").is_some_and(|b| (b - 8.03).abs() < 0.01));
        assert!(params_billions("116K").is_some_and(|b| (b - 0.000_116).abs() < 1e-9));
        assert_eq!(params_billions("1T"), Some(1000.0));
    }

    #[test]
    fn raw_counts_are_written_like_model_cards() {
        for (count, label) in [
            (115_776, "116K"),
            (999, "999"),
            (137_000_000, "137M"),
            (1_543_714_304, "1.5B"),
            (8_030_261_248, "8B"),
            (8_190_735_360, "8.2B"),
            (9_960_000_000, "10B"),
            (32_763_876_352, "33B"),
            (1_000_000_000_000, "1T"),
        ] {
            assert_eq!(params_label(count), label, "{count}");
            assert!(params_billions(label).is_some(), "{label} parses back");
        }
    }

    #[test]
    fn small_checkpoints_are_found_by_size_or_name() {
        let small = DetectedModel::bare("qwen/qwen3-4b-2507");
        assert_eq!(small_checkpoint(&small), Some("4B".to_owned()));
        let big = DetectedModel::bare("minimax-m2.1-gs32");
        assert_eq!(small_checkpoint(&big), None);
        let moe = DetectedModel::bare("qwen3-30b-a3b");
        assert_eq!(small_checkpoint(&moe), None);
        let mini = DetectedModel::bare("phi-4-mini-instruct");
        assert_eq!(small_checkpoint(&mini), Some("mini".to_owned()));
    }

    #[test]
    fn embedding_ids_are_recognised() {
        assert_eq!(
            ModelType::guess("text-embedding-nomic-embed-text-v1.5"),
            ModelType::Embeddings
        );
        assert_eq!(ModelType::guess("bge-m3"), ModelType::Embeddings);
        assert_eq!(ModelType::guess("qwen3-8b"), ModelType::Llm);
    }
}
