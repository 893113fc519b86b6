//! The model the wizard offers to download when LM Studio has no chat model worth using: the
//! seed's advice ("use the largest full version of MiniMax M2.1 you can run; aggressive
//! quantization or a small checkpoint raises prompt-injection risk") applied to this machine's
//! memory.
//!
//! [`BUILDS`] lists MiniMax M2.1's GGUF builds from the largest down (Unsloth's Hugging Face
//! repository, downloaded through LM Studio with a `quantization`; sizes approximate, from
//! published GGUF size tables for its 228.7B parameters), then two smaller models for machines
//! no MiniMax build fits (catalog ids LM Studio's own docs use). [`pick`] takes the first build that fits [`total_memory`] with
//! [`HEADROOM`] to spare. Every offer carries the seed's warnings, computed by
//! [`super::warnings::for_model`] like those of a detected model: a build under 4 bits per
//! weight or a small checkpoint is never offered without one, and a build that is not MiniMax
//! M2.1 says so (`recommended: false`, with the memory MiniMax needs).
//!
//! [`offer`] decides whether to offer at all: only for a running LM Studio whose chat models
//! all carry the seed's advice (or that has none).

use serde::Serialize;

use super::download::{bytes_label, DownloadRequest};
use super::types::{DetectedModel, DetectedServer, ServerKind, Status, Warning};
use super::warnings;

/// One build that can be downloaded.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Build {
    /// Display name.
    pub name: &'static str,
    /// Catalog id or Hugging Face URL.
    pub model: &'static str,
    /// Quantization (Hugging Face URLs only).
    pub quantization: Option<&'static str>,
    /// Download size, bytes.
    pub size_bytes: u64,
    /// Parameter count text (`229B`).
    pub params: &'static str,
    /// Maximum context window, tokens.
    pub context: u64,
    /// MiniMax M2.1, the seed's recommendation.
    pub recommended: bool,
}

const MINIMAX: &str = "https://huggingface.co/unsloth/MiniMax-M2.1-GGUF";

const fn minimax(name: &'static str, quant: &'static str, size_bytes: u64) -> Build {
    Build {
        name,
        model: MINIMAX,
        quantization: Some(quant),
        size_bytes,
        params: "229B",
        context: 196_608,
        recommended: true,
    }
}

/// The builds, best first (see the module docs).
pub const BUILDS: &[Build] = &[
    minimax("MiniMax M2.1 Q8_0", "Q8_0", 243_000_000_000),
    minimax("MiniMax M2.1 Q6_K", "Q6_K", 187_600_000_000),
    minimax("MiniMax M2.1 Q5_K_M", "Q5_K_M", 163_000_000_000),
    minimax("MiniMax M2.1 Q4_K_M", "Q4_K_M", 137_220_000_000),
    minimax("MiniMax M2.1 Q3_K_M", "Q3_K_M", 111_490_000_000),
    minimax("MiniMax M2.1 IQ2_M", "IQ2_M", 77_190_000_000),
    Build {
        name: "gpt-oss 20B",
        model: "openai/gpt-oss-20b",
        quantization: None,
        size_bytes: 12_110_000_000,
        params: "21B",
        context: 131_072,
        recommended: false,
    },
    Build {
        name: "Qwen3 4B 2507",
        model: "qwen/qwen3-4b-2507",
        quantization: None,
        size_bytes: 2_500_000_000,
        params: "4B",
        context: 262_144,
        recommended: false,
    },
];

/// Memory a build needs beyond its file: a quarter more, for the context's KV cache and the
/// rest of the machine.
pub const HEADROOM: f64 = 1.25;

/// What the wizard offers to download.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "DownloadCandidate")]
pub struct Candidate {
    /// Display name.
    pub name: String,
    /// What to send to LM Studio.
    pub request: DownloadRequest,
    /// Download size, bytes.
    pub size_bytes: u64,
    /// `137.2 GB`.
    pub size_label: String,
    /// Parameters (`229B`).
    pub params: String,
    /// MiniMax M2.1, the seed's recommendation.
    pub recommended: bool,
    /// This machine's memory, when known.
    pub memory_bytes: Option<u64>,
    /// The memory the smallest MiniMax M2.1 build without a warning needs (for "needs N GB").
    pub recommended_needs_bytes: u64,
    /// The seed's warnings for this build (aggressive quantization, small checkpoint).
    #[ts(as = "Vec<super::types::WarningWire>")]
    pub warnings: Vec<Warning>,
}

/// Memory `build` needs ([`HEADROOM`]).
pub fn needs(build: &Build) -> u64 {
    (build.size_bytes as f64 * HEADROOM) as u64
}

fn as_detected(build: &Build) -> DetectedModel {
    let mut model = DetectedModel::bare(build.name);
    model.params = Some(build.params.to_owned());
    model.quantization = build.quantization.map(str::to_owned);
    model.context_window = Some(build.context);
    model.max_context_window = Some(build.context);
    model
}

fn candidate(build: &Build, memory: Option<u64>) -> Candidate {
    let recommended_needs = BUILDS
        .iter()
        .filter(|b| b.recommended && warnings::for_model(&as_detected(b)).is_empty())
        .map(needs)
        .min()
        .unwrap_or(0);
    Candidate {
        name: build.name.to_owned(),
        request: DownloadRequest {
            model: build.model.to_owned(),
            quantization: build.quantization.map(str::to_owned),
        },
        size_bytes: build.size_bytes,
        size_label: bytes_label(build.size_bytes),
        params: build.params.to_owned(),
        recommended: build.recommended,
        memory_bytes: memory,
        recommended_needs_bytes: recommended_needs,
        warnings: warnings::for_model(&as_detected(build)),
    }
}

/// The build to offer on a machine with `memory` bytes: the first of [`BUILDS`] that fits;
/// with the memory unknown, the smallest MiniMax M2.1 build without a warning (the UI says the
/// memory could not be read). `None` only when not even the smallest build fits.
pub fn pick(memory: Option<u64>) -> Option<Candidate> {
    let build = match memory {
        Some(m) => BUILDS.iter().find(|b| needs(b) <= m)?,
        None => BUILDS
            .iter()
            .filter(|b| b.recommended && warnings::for_model(&as_detected(b)).is_empty())
            .min_by_key(|b| b.size_bytes)?,
    };
    Some(candidate(build, memory))
}

/// Whether `model` is one the seed has no advice against (context, quantization, size).
fn fits_the_advice(model: &DetectedModel) -> bool {
    model.is_chat()
        && !model.warnings.iter().any(|w| {
            matches!(
                w,
                Warning::SmallContext { .. }
                    | Warning::AggressiveQuantization { .. }
                    | Warning::SmallCheckpoint { .. }
            )
        })
}

/// The download to offer for `server`, if it is a running LM Studio (with its models readable)
/// none of whose chat models fits the seed's advice, and a build fits `memory`.
pub fn offer(server: &DetectedServer, memory: Option<u64>) -> Option<Candidate> {
    let applies = server.kind == ServerKind::LmStudio
        && server.status == Status::Running
        && !server.needs_key
        && !server.models.iter().any(fits_the_advice);
    if applies {
        pick(memory)
    } else {
        None
    }
}

/// This machine's memory in bytes: `MemTotal` of `/proc/meminfo` on Linux, `sysctl hw.memsize`
/// on macOS; `None` elsewhere or when it cannot be read.
pub fn total_memory() -> Option<u64> {
    if let Ok(text) = std::fs::read_to_string("/proc/meminfo") {
        return meminfo_total(&text);
    }
    if cfg!(target_os = "macos") {
        let out = std::process::Command::new("/usr/sbin/sysctl")
            .args(["-n", "hw.memsize"])
            .output()
            .ok()?;
        return String::from_utf8_lossy(&out.stdout).trim().parse().ok();
    }
    None
}

fn meminfo_total(text: &str) -> Option<u64> {
    let line = text.lines().find(|l| l.starts_with("MemTotal:"))?;
    let kib: u64 = line
        .trim_start_matches("MemTotal:")
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kib * 1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GB: u64 = 1_000_000_000;

    #[test]
    fn the_largest_build_that_fits_is_offered() {
        let big = pick(Some(512 * GB)).expect("fits");
        assert_eq!(big.name, "MiniMax M2.1 Q8_0");
        assert!(big.recommended && big.warnings.is_empty());
        let mac = pick(Some(192 * GB)).expect("fits");
        assert_eq!(mac.request.quantization.as_deref(), Some("Q4_K_M"));
        assert!(mac.warnings.is_empty(), "{:?}", mac.warnings);
    }

    #[test]
    fn under_four_bits_and_small_checkpoints_carry_a_warning() {
        let q3 = pick(Some(150 * GB)).expect("fits");
        assert_eq!(q3.request.quantization.as_deref(), Some("Q3_K_M"));
        assert!(
            q3.warnings
                .iter()
                .any(|w| w.code() == "aggressive_quantization"),
            "{:?}",
            q3.warnings
        );
        let laptop = pick(Some(16 * GB)).expect("fits");
        assert_eq!(laptop.request.model, "openai/gpt-oss-20b");
        assert!(!laptop.recommended);
        assert_eq!(laptop.recommended_needs_bytes, needs(&BUILDS[3]));
        let tiny = pick(Some(8 * GB)).expect("fits");
        assert!(tiny.warnings.iter().any(|w| w.code() == "small_checkpoint"));
        assert_eq!(pick(Some(GB)), None);
    }

    #[test]
    fn unknown_memory_offers_the_smallest_build_without_advice() {
        let c = pick(None).expect("one");
        assert_eq!(c.request.quantization.as_deref(), Some("Q4_K_M"));
        assert_eq!(c.memory_bytes, None);
    }

    #[test]
    fn only_an_lmstudio_without_a_good_chat_model_gets_an_offer() {
        let mut server = DetectedServer::new(
            ServerKind::LmStudio,
            "http://127.0.0.1:1234/v1",
            Status::Running,
        );
        assert!(offer(&server, Some(64 * GB)).is_some(), "no models at all");
        let mut small = DetectedModel::bare("qwen/qwen3-4b");
        warnings::attach(&mut small);
        server.models.push(small);
        assert!(offer(&server, Some(64 * GB)).is_some(), "only a small one");
        let mut good = DetectedModel::bare("qwen/qwen3-32b");
        good.context_window = Some(32_768);
        good.loaded = Some(false);
        warnings::attach(&mut good);
        server.models.push(good);
        assert_eq!(offer(&server, Some(64 * GB)), None, "not loaded still fits");
        let ollama = DetectedServer::new(ServerKind::Ollama, "x", Status::Running);
        assert_eq!(offer(&ollama, Some(64 * GB)), None);
    }

    #[test]
    fn meminfo_is_read_in_kib() {
        let text = "MemTotal:       16318412 kB\nMemFree:  1 kB\n";
        assert_eq!(meminfo_total(text), Some(16_318_412 * 1024));
        assert_eq!(meminfo_total("nothing"), None);
    }
}
